"""Layer tables from CSV: your own plain CNN in the MobileNet table's schema, validated.

Columns (a header row, UTF-8, comma-separated, at most 1 MB):

* required: ``name``, ``kind`` (conv, depthwise, pointwise, avgpool, fc), ``kernel`` and
  ``stride`` (pixels), ``in_channels``, ``out_channels`` (at width multiplier 1);
* optional: ``input_size`` (the layer's input size in pixels at the reference resolution; the
  first row's value is the reference image size, the others are checked against the strides),
  ``repeated`` (0/1: rows the shallow variant drops), ``note``, ``source``.

Average pooling is global; a fully connected layer needs a 1×1 input (put an avgpool row
before it). Every error is a ``ValueError`` naming the line and the field.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from typing import IO

from costmodel.architecture import Architecture, LayerSpec
from costmodel.kinds import Kind

REQUIRED = ("name", "kind", "kernel", "stride", "in_channels", "out_channels")
OPTIONAL = ("input_size", "repeated", "note", "source")
MAX_BYTES = 1_000_000
_KINDS = ", ".join(k.value for k in Kind)


def _read_bytes(source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str]) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise ValueError(f"architecture file {path!r} does not exist")
        if os.path.getsize(path) > MAX_BYTES:
            raise ValueError(f"architecture file {path!r} is over 1 MB ({MAX_BYTES:,} bytes)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    elif hasattr(source, "read"):
        raw = source.read(MAX_BYTES + 1)
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    else:
        raise ValueError(
            f"architecture must be a path, bytes or a file object; got {type(source).__name__}"
        )
    if len(data) > MAX_BYTES:
        raise ValueError(f"architecture table is over 1 MB ({MAX_BYTES:,} bytes)")
    return data


def load_architecture(
    source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str],
    *,
    name: str | None = None,
    image_size: int | None = None,
) -> Architecture:
    """Read and validate a layer table (a path, bytes or a file object) into an
    :class:`~costmodel.architecture.Architecture` for :func:`costmodel.report`.

    ``image_size`` is the reference input size in pixels (ρ = 1); by default the first row's
    ``input_size``, else 224.
    """
    data = _read_bytes(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"architecture table is not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise ValueError("architecture table is not a CSV text file (it holds NUL bytes)")
    default_name = (os.path.basename(os.fspath(source))
                    if isinstance(source, str | os.PathLike) else "custom network")
    return parse_architecture(text, name=name or default_name, image_size=image_size)


def _int(value: str, field: str, line: int) -> int:
    text = value.strip()
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"line {line}: {field} must be a positive integer, got {text!r}") from None
    if number < 1:
        raise ValueError(f"line {line}: {field} must be a positive integer, got {number}")
    return number


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ValueError(f"architecture table is not valid CSV: {error}") from None
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    if not records:
        raise ValueError("architecture table is empty: it needs a header row and layer rows")
    (_, header), body = records[0], records[1:]
    return [h.strip() for h in header], body


def parse_architecture(
    text: str, *, name: str = "custom network", image_size: int | None = None,
    source: str = "",
) -> Architecture:
    """Validate CSV text in the layer-table schema (see the module docstring)."""
    header, body = _rows(text)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(
            f"line 1: missing column(s) {', '.join(missing)}; a layer table needs "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise ValueError(
            f"line 1: unknown column(s) {', '.join(repr(c) for c in unknown)}; allowed: "
            f"{', '.join(REQUIRED + OPTIONAL)}"
        )
    if len(set(header)) != len(header):
        raise ValueError("line 1: a column name appears twice")
    if not body:
        raise ValueError("architecture table is empty: no layer rows after the header")
    rows = []
    for line, cells in body:
        if len(cells) != len(header):
            raise ValueError(f"line {line}: expected {len(header)} fields, got {len(cells)}")
        rows.append((line, dict(zip(header, cells, strict=True))))
    specs, sizes = _specs(rows)
    reference = image_size if image_size is not None else sizes[0] or 224
    if isinstance(reference, bool) or not isinstance(reference, int) or not (
            1 <= reference <= 4096):
        raise ValueError(f"image_size must be an integer in [1, 4096] (pixels); got "
                         f"{reference!r}")
    _check_shapes(rows, specs, sizes, reference)
    return Architecture(
        name=name, layers=tuple(specs), image_size=reference,
        image_channels=specs[0].in_channels, source=source,
    )


def _specs(rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[list[LayerSpec], list[int]]:
    specs: list[LayerSpec] = []
    sizes: list[int] = []
    names: dict[str, int] = {}
    for line, row in rows:
        layer = row["name"].strip()
        if not layer:
            raise ValueError(f"line {line}: name must not be empty")
        if layer in names:
            raise ValueError(f"line {line}: name {layer!r} is already used on line "
                             f"{names[layer]}")
        names[layer] = line
        kind_text = row["kind"].strip()
        try:
            kind = Kind(kind_text)
        except ValueError:
            raise ValueError(
                f"line {line}: kind must be one of {_KINDS}, got {kind_text!r}") from None
        repeated = (row.get("repeated") or "0").strip()
        if repeated not in ("0", "1"):
            raise ValueError(f"line {line}: repeated must be 0 or 1, got {repeated!r}")
        size_text = (row.get("input_size") or "").strip()
        sizes.append(_int(size_text, "input_size", line) if size_text else 0)
        try:
            specs.append(LayerSpec(
                name=layer, kind=kind,
                kernel=_int(row["kernel"], "kernel", line),
                stride=_int(row["stride"], "stride", line),
                in_channels=_int(row["in_channels"], "in_channels", line),
                out_channels=_int(row["out_channels"], "out_channels", line),
                repeated=repeated == "1", note=(row.get("note") or "").strip(),
            ))
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
    return specs, sizes


def _check_shapes(
    rows: list[tuple[int, dict[str, str]]], specs: list[LayerSpec], sizes: list[int],
    reference: int,
) -> None:
    size = reference
    previous: LayerSpec | None = None
    for (line, _), spec, given in zip(rows, specs, sizes, strict=True):
        if previous is not None and spec.in_channels != previous.out_channels:
            raise ValueError(
                f"line {line}: in_channels={spec.in_channels} does not match out_channels="
                f"{previous.out_channels} of the layer before ({previous.name!r})")
        if given and given != size:
            raise ValueError(
                f"line {line}: input_size={given} but the strides above give {size} px at the "
                f"reference size {reference}")
        if spec.kind is Kind.AVGPOOL and spec.in_channels != spec.out_channels:
            raise ValueError(f"line {line}: an avgpool layer keeps its channels, but "
                             f"in_channels={spec.in_channels} and out_channels="
                             f"{spec.out_channels}")
        if spec.kind is Kind.FC:
            if size != 1:
                raise ValueError(
                    f"line {line}: an fc layer needs a 1×1 input, but the feature map is "
                    f"{size}×{size} here; put an avgpool row before it")
            if spec.kernel != 1 or spec.stride != 1:
                raise ValueError(f"line {line}: an fc layer has kernel 1 and stride 1")
        elif spec.kind is Kind.AVGPOOL:
            size = 1
        else:
            if previous is not None and previous.kind is Kind.FC:
                raise ValueError(f"line {line}: a {spec.kind} layer cannot follow an fc layer")
            if spec.stride > size:
                raise ValueError(
                    f"line {line}: stride {spec.stride} leaves no pixels of a {size}×{size} "
                    f"input (at the reference size {reference})")
            size = -(-size // spec.stride)
        previous = spec


__all__ = ["MAX_BYTES", "OPTIONAL", "REQUIRED", "load_architecture", "parse_architecture"]
