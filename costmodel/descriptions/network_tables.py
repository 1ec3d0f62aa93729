"""Network tables from CSV, validated: the block schema, the graph schema, and the older
per-layer schema.

**Block schema** (one row per line of the paper's table; see ``docs/tables.md``). Columns:

* ``operator`` (required): ``conv``, ``depthwise``, ``pointwise``, ``separable``,
  ``inverted_residual`` (also ``ir``, ``mbconv``, ``bneck``), ``shuffle_unit``,
  ``ghost_bottleneck``, ``convnext_block``, ``repvit_block``, ``norm``, ``se`` (a
  squeeze-and-excite on the map above), ``maxpool``, ``window_avgpool``, ``pool``, ``fc``,
  ``classifier``;
* ``c``: output channels at α = 1 (``classes`` for the classifier); ``t`` (expansion factor,
  e.g. ``6`` or ``184/80``) or ``exp`` (expanded width) for inverted residuals; ``n``
  repeats (default 1); ``s`` stride of the first repeat (default 1); ``k`` kernel (odd);
  ``se`` squeeze-and-excite ratio in (0, 1]; ``nl`` activation; ``width`` (``scaled``,
  ``fixed``, ``finegrain``); ``residual`` (``auto``, ``yes``, ``no``); ``repeated`` (1: the
  shallow variant drops the row); ``bias`` (a conv, depthwise, pointwise or separable row's
  convs with a bias and no batchnorm) and ``padding`` (``valid``: an unpadded window);
  ``name``, ``note``, ``source``.

Lines starting with ``#`` before the header hold the network's facts as ``# key: value``:
``key``, ``title``, ``source``, ``image_size``, ``image_channels``, ``classes``,
``rounding``, ``expansion``, ``se_squeeze``, ``head``, ``depth_scaling``, and named rule sets
``rules.NAME: key=value ...`` (with ``rules.NAME.source: text``) and presets
``preset.KEY: width=... depth=... resolution=...`` (with ``preset.KEY.title``).

**Graph schema** (a header with ``op``, no ``operator``): one row per operation with explicit
``inputs``, and own blocks on ``# block.NAME.OP:`` lines; read by
:mod:`costmodel.descriptions.graph_tables`.

**Layer schema** (the MobileNet v1 tables of earlier versions): ``name``, ``kind`` (conv,
depthwise, pointwise, avgpool, fc), ``kernel``, ``stride``, ``in_channels``, ``out_channels``,
optional ``input_size``, ``repeated``, ``note``, ``source``. The last layer's outputs are the
classes; channels scale as in MobileNet v1, ``max(int(α·C), 8)``.

A table read here is counted as written at α = 1
(:data:`costmodel.descriptions.widths.AS_WRITTEN`): no minimum of 8 and no rounding of the
widths it writes; a last 1×1 conv, pointwise or fc after the pool gives the classes, which
never scale.

Every error is a ``ValueError`` naming the line and the field. Files are read, never written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
from dataclasses import replace
from fractions import Fraction
from numbers import Integral
from typing import IO, TypeVar

from costmodel.base.kinds import Activation, LayerKind, OpKind
from costmodel.base.parsing import parse_integer, parse_ratio, parse_real
from costmodel.descriptions.graph_tables import GRAPH_COLUMNS, parse_graph, parse_templates
from costmodel.descriptions.network_spec import (
    BLOCK_OPERATORS,
    CLASSES,
    OPERATOR_ALIASES,
    BlockRow,
    ExpandIf,
    Expansion,
    GraphOpKind,
    HeadRule,
    Network,
    Operator,
    Preset,
    Residual,
    RuleSet,
    SqueezeRule,
    WidthMode,
)
from costmodel.descriptions.widths import Rounding

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
MAX_CHANNELS = 100_000
MAX_KERNEL = 31
MAX_STRIDE = 64
MAX_REPEATS = 1_000
MAX_NAME = 100
MAX_CLASSES = 1_000_000
MAX_IMAGE_SIZE = 4096

BLOCK_COLUMNS = ("operator", "name", "t", "exp", "c", "n", "s", "k", "se", "nl", "width",
                 "residual", "repeated", "bias", "padding", "note", "source")
LAYER_REQUIRED = ("name", "kind", "kernel", "stride", "in_channels", "out_channels")
LAYER_OPTIONAL = ("input_size", "repeated", "note", "source")
LAYER_KINDS = ("conv", "depthwise", "pointwise", "avgpool", "fc")

_E = TypeVar("_E", bound="Rounding | Expansion | SqueezeRule | HeadRule | WidthMode | Residual "
                         "| Activation | ExpandIf")

Source = str | os.PathLike[str] | bytes | IO[bytes] | IO[str]


# --- reading -------------------------------------------------------------------------------

def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise ValueError(f"network table {path!r} does not exist") from None
        except OSError as error:
            raise ValueError(f"network table {path!r} cannot be read: {error.strerror}") from None
        if stat.S_ISDIR(mode):
            raise ValueError(f"network table {path!r} is a directory, not a CSV file")
        if not stat.S_ISREG(mode):
            raise ValueError(f"network table {path!r} is not a regular file (a device, pipe or "
                             f"socket); give a CSV file")
        if os.path.getsize(path) > MAX_BYTES:
            raise ValueError(f"network table {path!r} is over 1 MB ({MAX_BYTES:,} bytes)")
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise ValueError(f"network table {path!r} cannot be read: {error.strerror}") from None
    elif hasattr(source, "read"):
        raw = source.read(MAX_BYTES + 1)
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    else:
        raise ValueError(
            f"a network table must be a path, bytes or a file object; got {type(source).__name__}")
    if len(data) > MAX_BYTES:
        raise ValueError(f"network table is over 1 MB ({MAX_BYTES:,} bytes)")
    return data


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"network table is not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise ValueError("network table is not a CSV text file (it holds NUL bytes)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_network(source: Source, *, name: str | None = None,
                 image_size: int | None = None) -> Network:
    """Read and validate a network table (a path, bytes or a file object), in the block schema
    or the layer schema (see the module docstring), for :func:`costmodel.report`.

    ``name`` titles it (default: the file name); ``image_size`` is the reference input size in
    pixels (ρ = 1), by default the table's own (``# image_size:`` or the first layer's
    ``input_size``), else 224.
    """
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty text; got {name!r}")
        _check_text("name", name, None)
    text = _decode(_read_bytes(source))
    default = (os.path.basename(os.fspath(source)) if isinstance(source, str | os.PathLike)
               else "custom network")
    return parse_network(text, title=name or default, image_size=image_size)


# --- CSV and metadata -------------------------------------------------------------------------

def _split(text: str) -> tuple[list[tuple[int, str]], str, int]:
    """(metadata lines, CSV text, line number of the CSV's first line)."""
    lines = text.split("\n")
    meta: list[tuple[int, str]] = []
    index = 0
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        if lines[index].startswith("#"):
            meta.append((index + 1, lines[index][1:].strip()))
        index += 1
    return meta, "\n".join(lines[index:]), index


def _records(text: str, offset: int) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_BYTES + 1))
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        records = [(offset + reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ValueError(f"line {offset + reader.line_num}: not valid CSV ({error})") from None
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    if not records:
        raise ValueError("network table is empty: it needs a header row and rows")
    (line, header), body = records[0], records[1:]
    return line, [h.strip() for h in header], body


def _check_header(header: list[str], line: int, allowed: tuple[str, ...],
                  required: tuple[str, ...]) -> None:
    if len(header) == 1:
        for delimiter, label in (("\t", "tab"), (";", "semicolon"), ("|", "'|'")):
            if delimiter in header[0]:
                raise ValueError(
                    f"line {line}: the header is {label}-separated; a network table is "
                    f"comma-separated (CSV)")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise ValueError(f"line {line}: column {column!r} appears twice")
        seen.add(column)
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError(f"line {line}: missing column(s) {', '.join(missing)}; allowed: "
                         f"{', '.join(allowed)}")
    unknown = [c for c in header if c not in allowed]
    if unknown:
        raise ValueError(f"line {line}: unknown column(s) {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(allowed)}")


def _enum(kind: type[_E], text: str, field: str, line: int) -> _E:
    try:
        return kind(text.strip().lower())
    except ValueError:
        options = ", ".join(str(v) for v in kind)  # type: ignore[attr-defined,unused-ignore]
        raise ValueError(f"line {line}: {field} must be one of {options}; got {text!r}") from None


def _positive(text: str, field: str, line: int, maximum: int) -> int:
    try:
        value = parse_integer(text, field)
    except ValueError as error:
        raise ValueError(f"line {line}: {error}") from None
    if not 1 <= value <= maximum:
        raise ValueError(f"line {line}: {field} must be an integer in [1, {maximum:,}]; "
                         f"got {value}")
    return value


_RULE_KEYS = {"rounding", "expansion", "se_squeeze", "head", "classes", "expand_if"}


def _image_size(value: object) -> int:
    """The ``image_size`` argument: an integer (Python or numpy) in [1, MAX_IMAGE_SIZE]."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not (
            1 <= int(value) <= MAX_IMAGE_SIZE):
        raise ValueError(f"image_size must be an integer in [1, {MAX_IMAGE_SIZE}] (pixels); "
                         f"got {value!r}")
    return int(value)


def _rule_set(name: str, fields: dict[str, tuple[str, int]], base: RuleSet) -> RuleSet:
    rules = replace(base, name=name)
    widths = list(base.widths)
    for key, (value, line) in fields.items():
        if key == "rounding":
            rounding = _enum(Rounding, value, key, line)
            if rounding not in TABLE_ROUNDINGS:
                raise ValueError(f"line {line}: rounding must be one of "
                                 f"{', '.join(TABLE_ROUNDINGS)}; got {value!r}")
            rules = replace(rules, rounding=rounding)
        elif key == "expansion":
            rules = replace(rules, expansion=_enum(Expansion, value, key, line))
        elif key == "se_squeeze":
            rules = replace(rules, se_squeeze=_enum(SqueezeRule, value, key, line))
        elif key == "head":
            rules = replace(rules, head=_enum(HeadRule, value, key, line))
        elif key == "expand_if":
            rules = replace(rules, expand_if=_enum(ExpandIf, value, key, line))
        elif key == "classes":
            rules = replace(rules, classes=_positive(value, key, line, MAX_CLASSES))
        elif key.startswith("width."):
            widths.append((key.removeprefix("width."), _enum(WidthMode, value, key, line)))
        elif key == "source":
            rules = replace(rules, source=value)
        else:
            raise ValueError(f"line {line}: unknown rule key {key!r}; allowed: "
                             f"{', '.join(sorted(_RULE_KEYS))}, width.ROW")
    return replace(rules, widths=tuple(widths))


def _pairs(text: str, line: int) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for token in text.split():
        key, sep, value = token.partition("=")
        if not sep or not value:
            raise ValueError(f"line {line}: expected key=value, got {token!r}")
        out[key] = (value, line)
    return out


def _metadata(meta: list[tuple[int, str]]) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for line, text in meta:
        key, sep, value = text.partition(":")
        if not sep:
            continue  # a comment
        key = key.strip()
        if key in out:
            raise ValueError(f"line {line}: {key!r} is given twice (first on line "
                             f"{out[key][1]})")
        out[key] = (value.strip(), line)
    return out


_TOP_KEYS = {"key", "title", "source", "image_size", "image_channels", "classes", "rounding",
             "expansion", "se_squeeze", "head", "depth_scaling", "activation", "expand_if",
             "fixed_width", "family"}
#: A rule set's or preset's name, and a table's key: letters, digits, '.', '-' and '_'.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "1-64 letters, digits, '.', '-' or '_', starting with a letter or digit"
_YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
#: The rounding rules a table may name for its scaled widths (``rounding``).
TABLE_ROUNDINGS = (Rounding.MAKE_DIVISIBLE, Rounding.TRUNCATE, Rounding.MAKE_DIVISIBLE_4)
MAX_TEXT = 500  # characters of a title, source or note


def _check_name(kind: str, name: str, line: int) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"line {line}: {kind} must be {NAME_RULE}; got {name!r}")


def _check_text(field: str, text: str, line: int | None) -> None:
    """Free text (a title, a name, a source, a note): printable, at most :data:`MAX_TEXT`
    characters (a control character could rewrite a terminal or a report)."""
    where = "" if line is None else f"line {line}: "
    if len(text) > MAX_TEXT:
        raise ValueError(f"{where}{field} is longer than {MAX_TEXT} characters")
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c != "\t"),
               None)
    if bad is not None:
        raise ValueError(f"{where}{field} must be printable text; it holds the control "
                         f"character U+{ord(bad):04X}")


def _network_facts(meta: dict[str, tuple[str, int]], title: str, image_size: int | None,
                   first_size: int | None) -> tuple[dict[str, object], tuple[RuleSet, ...],
                                                    tuple[Preset, ...], Activation]:
    for key, (value, line) in meta.items():
        parts = key.split(".")
        if key not in _TOP_KEYS and parts[0] not in ("rules", "preset"):
            raise ValueError(f"line {line}: unknown key {key!r}; allowed: "
                             f"{', '.join(sorted(_TOP_KEYS))}, rules.NAME, preset.KEY")
        if parts[0] in ("rules", "preset"):
            kind = "a rule set's name" if parts[0] == "rules" else "a preset's key"
            _check_name(f"{kind} ({parts[0]}.NAME)", parts[1] if len(parts) > 1 else "", line)
            if len(parts) == 3 and ".".join(parts[:2]) not in meta:
                raise ValueError(f"line {line}: {key!r} describes {'.'.join(parts[:2])!r}, "
                                 f"which no line defines")
        _check_text(key, value, line)
    if "key" in meta:
        _check_name("key", meta["key"][0], meta["key"][1])
    if "title" in meta and not meta["title"][0]:
        raise ValueError(f"line {meta['title'][1]}: title must not be empty")
    if "depth_scaling" in meta and meta["depth_scaling"][0].lower() not in _YES_NO:
        raise ValueError(f"line {meta['depth_scaling'][1]}: depth_scaling must be yes or no; "
                         f"got {meta['depth_scaling'][0]!r}")
    base_fields = {k: v for k, v in meta.items() if k in _RULE_KEYS}
    base = _rule_set("table", base_fields, RuleSet(name="table"))
    rule_sets: list[RuleSet] = []
    for key, (value, line) in meta.items():
        parts = key.split(".")
        if parts[0] == "rules" and len(parts) == 2:
            fields = _pairs(value, line)
            source = meta.get(f"{key}.source")
            if source is not None:
                fields["source"] = source
            rule_sets.append(_rule_set(parts[1], fields, base))
        elif parts[0] == "rules" and not (len(parts) == 3 and parts[2] == "source"):
            raise ValueError(f"line {line}: expected rules.NAME or rules.NAME.source, got {key!r}")
    presets: list[Preset] = []
    for key, (value, line) in meta.items():
        parts = key.split(".")
        if parts[0] == "preset" and len(parts) == 2:
            fields = _pairs(value, line)
            unknown = set(fields) - {"width", "depth", "resolution"}
            if unknown or len(fields) != 3:
                raise ValueError(f"line {line}: a preset needs width=, depth= and resolution=")
            width = parse_real(fields["width"][0], "width")
            depth = parse_real(fields["depth"][0], "depth")
            if not (0 < width <= 4 and 0 < depth <= 8):
                raise ValueError(f"line {line}: a preset's width must be in (0, 4] and its depth "
                                 f"in (0, 8]; got width={width:g} depth={depth:g}")
            presets.append(Preset(
                key=parts[1],
                title=meta.get(f"{key}.title", (parts[1], line))[0],
                width=width,
                depth=depth,
                resolution=_positive(fields["resolution"][0], "resolution", line,
                                     MAX_IMAGE_SIZE),
                source=meta.get(f"{key}.source", ("", line))[0],
            ))
        elif parts[0] == "preset" and not (len(parts) == 3 and parts[2] in ("title", "source")):
            raise ValueError(f"line {line}: expected preset.KEY, preset.KEY.title or "
                             f"preset.KEY.source, got {key!r}")
    if "image_size" in meta:
        size = _positive(meta["image_size"][0], "image_size", meta["image_size"][1],
                         MAX_IMAGE_SIZE)
    else:
        size = first_size or 224
    if image_size is not None:
        size = _image_size(image_size)
    channels = meta.get("image_channels")
    facts: dict[str, object] = {
        "key": meta.get("key", ("", 0))[0] or "custom",
        "title": meta.get("title", (title, 0))[0],
        "source": meta.get("source", ("", 0))[0],
        "image_size": size,
        "image_channels": (3 if channels is None
                           else _positive(channels[0], "image_channels", channels[1],
                                          MAX_CHANNELS)),
        "depth_scaling": _YES_NO[meta.get("depth_scaling", ("no", 0))[0].lower()],
    }
    activation = (Activation.RELU if "activation" not in meta
                  else _enum(Activation, *meta["activation"][:1], "activation",
                             meta["activation"][1]))
    return facts, tuple(rule_sets) or (base,), tuple(presets), activation


# --- the block schema ----------------------------------------------------------------------

_NEEDS_C = {Operator.CONV, Operator.POINTWISE, Operator.SEPARABLE, Operator.INVERTED_RESIDUAL,
            Operator.FC, Operator.CLASSIFIER, Operator.SHUFFLE_UNIT,
            Operator.GHOST_BOTTLENECK, Operator.CONVNEXT_BLOCK, Operator.REPVIT_BLOCK}
_NEEDS_K = {Operator.CONV, Operator.DEPTHWISE, Operator.SEPARABLE, Operator.INVERTED_RESIDUAL,
            Operator.SHUFFLE_UNIT, Operator.GHOST_BOTTLENECK, Operator.MAXPOOL,
            Operator.WINDOW_AVGPOOL, Operator.CONVNEXT_BLOCK, Operator.REPVIT_BLOCK}
_SPATIAL = {Operator.CONV, Operator.DEPTHWISE, Operator.POINTWISE, Operator.SEPARABLE,
            Operator.INVERTED_RESIDUAL, Operator.SHUFFLE_UNIT, Operator.GHOST_BOTTLENECK,
            Operator.MAXPOOL, Operator.WINDOW_AVGPOOL, Operator.CONVNEXT_BLOCK,
            Operator.REPVIT_BLOCK}
#: the operators whose rows need an inner width (``t`` or ``exp``)
_EXPANDING = {Operator.INVERTED_RESIDUAL, Operator.GHOST_BOTTLENECK}
#: the rows that may give ``t`` (a whole factor on the blocks whose inner width is exact)
_T_ROWS = _EXPANDING | {Operator.CONVNEXT_BLOCK, Operator.REPVIT_BLOCK}
#: the rows that may give a squeeze-and-excite ratio (an ``se`` row must)
_SE_ROWS = _EXPANDING | {Operator.SEPARABLE, Operator.REPVIT_BLOCK, Operator.SE}
#: the rows that may set ``bias`` (a single conv, or both convs of a separable pair) and
#: ``padding`` (a single conv)
_CONV_ROWS = {Operator.CONV, Operator.DEPTHWISE, Operator.POINTWISE}
_BIAS_ROWS = _CONV_ROWS | {Operator.SEPARABLE}
#: each optional column: the operators whose rows may give it, as its error names them
_COLUMN_ROWS: dict[str, tuple[set[Operator], str]] = {
    "exp": (_EXPANDING, "inverted_residual and ghost_bottleneck"),
    "t": (_T_ROWS, "inverted_residual, ghost_bottleneck, convnext_block and repvit_block"),
    "se": (_SE_ROWS, "inverted_residual, ghost_bottleneck, separable, repvit_block and se"),
    "bias": (_BIAS_ROWS, "conv, depthwise, pointwise and separable"),
    "padding": (_CONV_ROWS, "conv, depthwise and pointwise"),
}
_PADDINGS = ("same", "valid")


def _row(line: int, cells: dict[str, str], default_nl: Activation) -> BlockRow:
    def cell(column: str) -> str:
        return (cells.get(column) or "").strip()

    text = cell("operator").lower()
    if not text:
        raise ValueError(f"line {line}: operator must not be empty")
    operator = OPERATOR_ALIASES.get(text)
    if operator is None:
        try:
            operator = Operator(text)
        except ValueError:
            options = ", ".join([*Operator, *OPERATOR_ALIASES])
            raise ValueError(f"line {line}: operator must be one of {options}; got "
                             f"{cells.get('operator')!r}") from None
    name = cell("name")
    if len(name) > MAX_NAME:
        raise ValueError(f"line {line}: name is longer than {MAX_NAME} characters")
    for column in ("name", "note", "source"):
        _check_text(column, cell(column), line)
    ir = operator in _EXPANDING
    for column, (allowed, names) in _COLUMN_ROWS.items():
        if cell(column) and operator not in allowed:
            raise ValueError(f"line {line}: {column} applies to {names} rows only")
    if operator is Operator.SE and not cell("se"):
        raise ValueError(f"line {line}: an se row needs se (the squeeze ratio)")
    if cell("bias") and cell("bias").lower() not in _YES_NO:
        raise ValueError(f"line {line}: bias must be yes or no; got {cell('bias')!r}")
    if cell("padding") and cell("padding").lower() not in _PADDINGS:
        raise ValueError(f"line {line}: padding must be same or valid; got {cell('padding')!r}")
    if cell("residual") and operator is not Operator.INVERTED_RESIDUAL:
        raise ValueError(f"line {line}: residual applies to inverted_residual rows only")
    t = exp = None
    if cell("t") and not ir:  # convnext_block, repvit_block: an exact inner width
        try:
            t = parse_ratio(cell("t"), "t")
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
        if t.denominator != 1 or not 0 < t <= 64:
            raise ValueError(f"line {line}: a {operator}'s t must be a whole number in "
                             f"[1, 64]; got {cell('t')}")
    if ir:
        if bool(cell("t")) == bool(cell("exp")):
            raise ValueError(f"line {line}: an {operator} row needs t (expansion "
                             f"factor) or exp (expanded width), not both")
        if cell("t"):
            try:
                t = parse_ratio(cell("t"), "t")
            except ValueError as error:
                raise ValueError(f"line {line}: {error}") from None
            if not 0 < t <= 64:
                raise ValueError(f"line {line}: t must be a number in (0, 64]; got {cell('t')}")
        else:
            exp = _positive(cell("exp"), "exp", line, MAX_CHANNELS)
    c: int | None = None
    if operator in _NEEDS_C:
        if not cell("c"):
            raise ValueError(f"line {line}: c (output channels) is required for {operator}")
        if cell("c").lower() == "classes":
            if operator not in (Operator.CLASSIFIER, Operator.FC, Operator.CONV,
                                Operator.POINTWISE):
                raise ValueError(f"line {line}: c=classes is for the layer that gives the "
                                 f"classes (classifier, fc, conv or pointwise), not {operator}")
            c = CLASSES
        else:
            c = _positive(cell("c"), "c", line, MAX_CHANNELS)
        if operator is Operator.CLASSIFIER and c != CLASSES:
            raise ValueError(f"line {line}: a classifier's c must be 'classes' (set the number "
                             f"with num_classes=)")
    elif cell("c"):
        raise ValueError(f"line {line}: c does not apply to {operator} (it keeps its input "
                         f"channels)")
    n = _positive(cell("n") or "1", "n", line, MAX_REPEATS)
    s = _positive(cell("s") or "1", "s", line, MAX_STRIDE)
    if operator in _NEEDS_K:
        if not cell("k"):
            raise ValueError(f"line {line}: k (kernel) is required for {operator}")
        try:
            k = parse_integer(cell("k"), "k")
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
        valid = cell("padding").lower() == "valid"
        if valid and not (cell("s") and k == parse_integer(cell("s"), "s") and k > 1):
            raise ValueError(f"line {line}: padding=valid needs a window as wide as its "
                             f"stride (k = s > 1, as ConvNeXt's 4×4 stride-4 stem); got k = "
                             f"{cell('k')}, s = {cell('s') or 1}")
        if not valid and (k < 1 or k % 2 == 0 or k > MAX_KERNEL):
            raise ValueError(f"line {line}: k must be an odd positive integer up to "
                             f"{MAX_KERNEL}; got {cell('k')}")
    else:
        k = _positive(cell("k") or "1", "k", line, 1)
    if operator not in _SPATIAL and (n != 1 or s != 1):
        raise ValueError(f"line {line}: {operator} takes no repeats and no stride (n = s = 1)")
    se: Fraction | None = None
    if cell("se"):
        try:
            se = parse_ratio(cell("se"), "se")
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
        if not 0 < se <= 1:
            raise ValueError(f"line {line}: se must be a ratio in (0, 1]; got {cell('se')}")
    repeated = cell("repeated") or "0"
    if repeated not in ("0", "1"):
        raise ValueError(f"line {line}: repeated must be 0 or 1; got {repeated!r}")
    return BlockRow(
        line=line, operator=operator, name=name, t=t, exp=exp, c=c, n=n, s=s, k=k, se=se,
        nl=_enum(Activation, cell("nl"), "nl", line) if cell("nl") else default_nl,
        width=_enum(WidthMode, cell("width"), "width", line) if cell("width")
        else WidthMode.SCALED,
        residual=_enum(Residual, cell("residual"), "residual", line) if cell("residual")
        else Residual.AUTO,
        repeated=repeated == "1", note=cell("note"),
        # a conv with a bias has no batchnorm after it (a batchnorm's β would make it moot)
        bias=_YES_NO[cell("bias").lower()] if cell("bias") else False,
        batchnorm=not (cell("bias") and _YES_NO[cell("bias").lower()]),
        valid=cell("padding").lower() == "valid",
    )


def _check_rows(rows: list[BlockRow]) -> None:
    """Structure: rows after the pool run on a 1×1 map; the classifier is last; residuals."""
    pooled = False
    channels = 0  # at α = 1; 0 = the image
    names: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.name:
            if row.name in names:
                raise ValueError(f"line {row.line}: name {row.name!r} is already used on line "
                                 f"{names[row.name]}")
            names[row.name] = row.line
        if row.operator is Operator.CLASSIFIER and index != len(rows) - 1:
            raise ValueError(f"line {row.line}: the classifier must be the last row")
        if row.operator in (Operator.FC, Operator.CLASSIFIER) and not pooled:
            raise ValueError(f"line {row.line}: {row.operator} needs a pooled 1×1 input; put a "
                             f"pool row before it")
        if pooled and row.operator in _SPATIAL and not (
                row.operator in (Operator.CONV, Operator.POINTWISE) and row.k == 1
                and row.s == 1 and row.n == 1):
            raise ValueError(f"line {row.line}: {row.operator} runs on a feature map, but the "
                             f"pool above left a 1×1 vector; use fc (or a 1×1 conv)")
        if row.operator is Operator.SE and (pooled or index == 0):
            raise ValueError(f"line {row.line}: an se row acts on the feature map of the conv "
                             f"above it; put it after a conv and before the pool")
        if row.operator is Operator.POOL:
            if pooled:
                raise ValueError(f"line {row.line}: the map is already pooled to 1×1")
            if index == 0:
                raise ValueError(f"line {row.line}: a pool cannot be the first row")
            pooled = True
        if row.operator is Operator.INVERTED_RESIDUAL and row.residual is Residual.YES and (
                row.s != 1 or row.c != channels):
            raise ValueError(
                f"line {row.line}: residual=yes needs stride 1 and equal input and output "
                f"channels; this row goes from {channels or 'the image'} to {row.c} channels "
                f"at stride {row.s}")
        if row.operator in BLOCK_OPERATORS - {Operator.SEPARABLE} and index == 0:
            raise ValueError(f"line {row.line}: an {row.operator} cannot take the image "
                             f"directly; start with a conv")
        if (row.operator is Operator.SHUFFLE_UNIT and row.c is not None and row.c % 2
                and row.c != CLASSES):
            raise ValueError(f"line {row.line}: a shuffle_unit's c must be even (two branches "
                             f"of c / 2 channels); got {row.c}")
        if row.repeated and row.c is not None and row.c != channels:
            raise ValueError(f"line {row.line}: a repeated row (dropped by the shallow variant) "
                             f"must keep its input width; this one goes from {channels} to "
                             f"{row.c} channels")
        if row.c is not None and row.c != CLASSES:
            channels = row.c
    if not any(r.operator in _SPATIAL for r in rows):
        raise ValueError("the table has no convolution rows")


def parse_network(text: str, *, title: str = "custom network", image_size: int | None = None,
                  key: str | None = None, as_written: bool = True) -> Network:
    """Validate CSV text in the block or the layer schema (see the module docstring).

    ``as_written``: a user's table, counted as written at α = 1 (see
    :data:`costmodel.descriptions.widths.AS_WRITTEN`); the built-in networks are read with
    ``False``, to follow their builders at every α.
    """
    meta_lines, body, offset = _split(text)
    line, header, records = _records(body, offset)
    if "op" in header and "operator" not in header and "kind" not in header:
        return _parse_graph_table(line, header, records, meta_lines, title, image_size, key)
    if "operator" not in header and "kind" in header:
        if meta_lines and _metadata(meta_lines):
            raise ValueError(f"line {meta_lines[0][0]}: '# key: value' lines belong to the "
                             f"block schema (an operator column)")
        return _parse_layers(line, header, records, title, image_size, as_written)
    _check_header(header, line, BLOCK_COLUMNS, ("operator",))
    if not records:
        raise ValueError("network table is empty: no rows after the header")
    if len(records) > MAX_ROWS:
        raise ValueError(f"network table has {len(records):,} rows; at most {MAX_ROWS:,}")
    meta = _metadata(meta_lines)
    facts, rules, presets, activation = _network_facts(meta, title, image_size, None)
    rows: list[BlockRow] = []
    for row_line, cells in records:
        if len(cells) != len(header):
            raise ValueError(f"line {row_line}: expected {len(header)} fields, got {len(cells)}")
        rows.append(_row(row_line, dict(zip(header, cells, strict=True)), activation))
    _check_rows(rows)
    rows, rules = _final_classes(rows, rules, meta)
    names = {r.name for r in rows if r.name}
    for rule_set in rules:
        for name, _ in rule_set.widths:
            if name not in names:
                line = meta.get(f"rules.{rule_set.name}", ("", 0))[1]
                raise ValueError(
                    f"line {line}: rules.{rule_set.name}: width.{name} names no row (named "
                    f"rows: {', '.join(sorted(names)) or 'none'})")
    fixed: dict[str, object] = {}
    if "fixed_width" in meta:  # the builder fixes α by the network's name
        value, where = meta["fixed_width"]
        width = parse_real(value, "fixed_width")
        if not 0 < width <= 4:
            raise ValueError(f"line {where}: fixed_width must be a width multiplier in (0, 4]; "
                             f"got {value!r}")
        fixed = {"fixed_width": True, "width": width}
    variants = ["separable"]
    if any(r.operator is Operator.SEPARABLE for r in rows):
        variants.append("full")
    if any(r.repeated for r in rows):
        variants.append("shallow")
    return Network(
        key=key or str(facts["key"]), title=str(facts["title"]), rows=tuple(rows),
        rules=rules, image_size=int(str(facts["image_size"])),
        image_channels=int(str(facts["image_channels"])), source=str(facts["source"]),
        presets=presets, depth_scaling=bool(facts["depth_scaling"]),
        variants=tuple(variants), as_written=as_written,
        family=meta.get("family", ("", 0))[0], **fixed,  # type: ignore[arg-type]
    )


def _parse_graph_table(line: int, header: list[str], records: list[tuple[int, list[str]]],
                       meta_lines: list[tuple[int, str]], title: str, image_size: int | None,
                       key: str | None) -> Network:
    """The graph schema (:mod:`costmodel.descriptions.graph_tables`): one row per operation
    with explicit inputs, and own blocks defined on ``# block.NAME.OP:`` lines."""
    _check_header(header, line, GRAPH_COLUMNS, ("name", "op"))
    if not records:
        raise ValueError("network table is empty: no rows after the header")
    if len(records) > MAX_ROWS:
        raise ValueError(f"network table has {len(records):,} rows; at most {MAX_ROWS:,}")
    meta = _metadata(meta_lines)
    blocks = sorted(((k, v, ln) for k, (v, ln) in meta.items() if k.startswith("block.")),
                    key=lambda item: item[2])
    meta = {k: v for k, v in meta.items() if not k.startswith("block.")}
    facts, rules, presets, activation = _network_facts(meta, title, image_size, None)
    for row_line, cells in records:
        if len(cells) != len(header):
            raise ValueError(f"line {row_line}: expected {len(header)} fields, got {len(cells)}")
        for column in ("name", "note", "source"):
            if column in header:
                _check_text(column, cells[header.index(column)], row_line)
    ops = parse_graph(header, records, parse_templates(blocks),
                      image_channels=int(str(facts["image_channels"])),
                      image_size=int(str(facts["image_size"])), activation=activation)
    if not any(op.op in (GraphOpKind.CONV, GraphOpKind.DEPTHWISE, GraphOpKind.POINTWISE,
                         GraphOpKind.FC) for op in ops):
        raise ValueError("the table has no convolution or fc rows")
    last = ops[-1]
    if last.op is GraphOpKind.FC and last.width is not None and last.width.source is None \
            and last.width.written != CLASSES:
        # the last fc gives the classes, which never scale (as in the block schema)
        classes = last.width.written
        if "classes" in meta and parse_integer(meta["classes"][0], "classes") != classes:
            raise ValueError(
                f"line {last.line}: the last row gives the classes (an fc), so its c={classes} "
                f"must agree with '# classes: {meta['classes'][0]}' (line {meta['classes'][1]}); "
                f"write c=classes to take that number")
        ops = (*ops[:-1], replace(last, width=replace(last.width, written=CLASSES),
                                  channels=CLASSES))
        if "classes" not in meta:
            rules = tuple(replace(r, classes=classes) for r in rules)
    return Network(
        key=key or str(facts["key"]), title=str(facts["title"]), rows=(), ops=tuple(ops),
        rules=rules, image_size=int(str(facts["image_size"])),
        image_channels=int(str(facts["image_channels"])), source=str(facts["source"]),
        presets=presets, as_written=True, family=meta.get("family", ("", 0))[0])


def _final_classes(rows: list[BlockRow], rules: tuple[RuleSet, ...],
                   meta: dict[str, tuple[str, int]]) -> tuple[list[BlockRow],
                                                               tuple[RuleSet, ...]]:
    """A last row that is a 1×1 conv, pointwise or fc on the pooled vector gives the classes,
    as a classifier does: its ``c`` is the number of classes and never scales with α. A number
    there sets the classes (it must agree with ``# classes:``)."""
    last = rows[-1]
    pooled = any(r.operator is Operator.POOL for r in rows[:-1])
    if not (pooled and last.operator in (Operator.CONV, Operator.POINTWISE, Operator.FC)
            and last.k == 1 and last.c is not None and last.c != CLASSES):
        return rows, rules
    classes = last.c
    if "classes" in meta and parse_integer(meta["classes"][0], "classes") != classes:
        raise ValueError(
            f"line {last.line}: the last row gives the classes (a 1×1 {last.operator} after the "
            f"pool), so its c={classes} must agree with '# classes: {meta['classes'][0]}' "
            f"(line {meta['classes'][1]}); write c=classes to take that number")
    out = []
    for rule_set in rules:
        line = meta.get(f"rules.{rule_set.name}")
        own = line is not None and "classes" in _pairs(line[0], line[1])
        out.append(rule_set if own or "classes" in meta else replace(rule_set, classes=classes))
    return [*rows[:-1], replace(last, c=CLASSES)], tuple(out)


# --- the layer schema ----------------------------------------------------------------------

def _parse_layers(line: int, header: list[str], records: list[tuple[int, list[str]]],
                  title: str, image_size: int | None, as_written: bool = True) -> Network:
    _check_header(header, line, LAYER_REQUIRED + LAYER_OPTIONAL, LAYER_REQUIRED)
    if not records:
        raise ValueError("network table is empty: no layer rows after the header")
    if len(records) > MAX_ROWS:
        raise ValueError(f"network table has {len(records):,} rows; at most {MAX_ROWS:,}")
    layers: list[tuple[int, dict[str, str]]] = []
    for row_line, cells in records:
        if len(cells) != len(header):
            raise ValueError(f"line {row_line}: expected {len(header)} fields, got {len(cells)}")
        layers.append((row_line, {k: v.strip() for k, v in zip(header, cells, strict=True)}))
    first_size = layers[0][1].get("input_size") or ""
    reference = _image_size(image_size) if image_size is not None else (
        _positive(first_size, "input_size", layers[0][0], MAX_IMAGE_SIZE) if first_size else 224)
    rows = _layer_rows(layers, reference)
    _check_rows(rows)
    variants = ["separable"]
    if any(r.operator is Operator.SEPARABLE for r in rows):
        variants.append("full")
    if any(r.repeated for r in rows):
        variants.append("shallow")
    image_channels = _positive(layers[0][1]["in_channels"], "in_channels", layers[0][0],
                               MAX_CHANNELS)
    truncating = RuleSet(name="table", rounding=Rounding.TRUNCATE,
                         classes=rows[-1].c if rows[-1].c == CLASSES else 1000)
    classes = _last_classes(layers)
    if classes is not None:
        truncating = replace(truncating, classes=classes)
    return Network(key="custom", title=title, rows=tuple(rows), rules=(truncating,),
                   image_size=int(reference), image_channels=image_channels,
                   variants=tuple(variants), as_written=as_written)


def _last_classes(layers: list[tuple[int, dict[str, str]]]) -> int | None:
    line, cells = layers[-1]
    if cells["kind"].lower() == LayerKind.AVGPOOL:
        return None
    return _positive(cells["out_channels"], "out_channels", line, MAX_CLASSES)


def _layer_rows(layers: list[tuple[int, dict[str, str]]], reference: int) -> list[BlockRow]:
    """Layer rows into block rows: a depthwise layer followed by a stride-1 pointwise layer is
    one separable pair; the last layer's outputs are the classes (never scaled)."""
    rows: list[BlockRow] = []
    names: dict[str, int] = {}
    previous_out: int | None = None
    size = reference
    pooled = False
    parsed: list[tuple[int, str, str, int, int, int, int, bool, str]] = []
    for index, (line, cells) in enumerate(layers):
        name = cells["name"]
        if not name:
            raise ValueError(f"line {line}: name must not be empty")
        if len(name) > MAX_NAME:
            raise ValueError(f"line {line}: name is longer than {MAX_NAME} characters")
        for column in ("name", "note", "source"):
            _check_text(column, cells.get(column) or "", line)
        if name in names:
            raise ValueError(f"line {line}: name {name!r} is already used on line {names[name]}")
        names[name] = line
        kind = cells["kind"].lower()
        if kind not in LAYER_KINDS:
            raise ValueError(f"line {line}: kind must be one of {', '.join(LAYER_KINDS)}; got "
                             f"{cells['kind']!r}")
        kernel = _positive(cells["kernel"], "kernel", line, MAX_KERNEL)
        stride = _positive(cells["stride"], "stride", line, MAX_STRIDE)
        in_c = _positive(cells["in_channels"], "in_channels", line, MAX_CHANNELS)
        last = index == len(layers) - 1
        out_c = _positive(cells["out_channels"], "out_channels", line,
                          MAX_CLASSES if last else MAX_CHANNELS)
        repeated_text = cells.get("repeated") or "0"
        if repeated_text not in ("0", "1"):
            raise ValueError(f"line {line}: repeated must be 0 or 1; got {repeated_text!r}")
        given = cells.get("input_size") or ""
        if given:
            value = _positive(given, "input_size", line, MAX_IMAGE_SIZE)
            if value != size:
                raise ValueError(f"line {line}: input_size={value} but the strides above give "
                                 f"{size} px at the reference size {reference}")
        if previous_out is not None and in_c != previous_out:
            previous = parsed[-1][1]
            raise ValueError(f"line {line}: in_channels={in_c} does not match out_channels="
                             f"{previous_out} of the layer before ({previous!r})")
        if kind in (LayerKind.DEPTHWISE, LayerKind.AVGPOOL) and in_c != out_c:
            raise ValueError(f"line {line}: a {kind} layer keeps its channels, but "
                             f"in_channels={in_c} and out_channels={out_c}")
        if kind == LayerKind.POINTWISE and kernel != 1:
            raise ValueError(f"line {line}: a pointwise layer has kernel 1; got {kernel}")
        if kind == OpKind.FC and (kernel != 1 or stride != 1):
            raise ValueError(f"line {line}: an fc layer has kernel 1 and stride 1")
        if kind == LayerKind.AVGPOOL and stride != 1:
            raise ValueError(f"line {line}: avgpool is global (stride 1)")
        if kind == LayerKind.AVGPOOL:
            pooled = True
            size = 1
        elif kind != OpKind.FC and not (kind == LayerKind.POINTWISE and stride == 1):
            if pooled:
                raise ValueError(f"line {line}: a {kind} layer after the avgpool runs on a 1×1 "
                                 f"vector; use fc")
            size = -(-size // stride)
        previous_out = out_c
        parsed.append((line, name, kind, kernel, stride, in_c, out_c, repeated_text == "1",
                       cells.get("note") or ""))
    i = 0
    while i < len(parsed):
        line, name, kind, kernel, stride, in_c, out_c, repeated, note = parsed[i]
        last = i == len(parsed) - 1
        nxt = parsed[i + 1] if i + 1 < len(parsed) else None
        c: int | None = CLASSES if last and kind != LayerKind.AVGPOOL else out_c
        if kind == LayerKind.DEPTHWISE and nxt is not None and nxt[2] == LayerKind.POINTWISE \
                and nxt[4] == 1:
            pw_last = i + 1 == len(parsed) - 1
            rows.append(BlockRow(
                line=line, operator=Operator.SEPARABLE, name=f"{name}/{nxt[1]}",
                c=CLASSES if pw_last else nxt[6], s=stride, k=kernel,
                repeated=repeated and nxt[7], op_names=(name, nxt[1]), note=note or nxt[8]))
            i += 2
            continue
        operator = {"conv": Operator.CONV, "depthwise": Operator.DEPTHWISE,
                    "pointwise": Operator.POINTWISE, "avgpool": Operator.POOL,
                    "fc": Operator.CLASSIFIER if last else Operator.FC}[kind]
        if operator in (Operator.DEPTHWISE, Operator.POOL):
            c = CLASSES if (last and operator is Operator.DEPTHWISE) else None
            if c == CLASSES:
                raise ValueError(f"line {line}: the last layer must change channels (it "
                                 f"gives the classes); a depthwise layer cannot")
        rows.append(BlockRow(line=line, operator=operator, name=name, c=c, s=stride, k=kernel,
                             repeated=repeated, op_names=(name,), note=note))
        i += 1
    return rows





def load_architecture(source: Source, *, name: str | None = None,
                      image_size: int | None = None) -> Network:
    """The older name of :func:`load_network` (same arguments, same result)."""
    return load_network(source, name=name, image_size=image_size)
__all__ = ["MAX_BYTES", "MAX_CHANNELS", "load_architecture", "load_network", "parse_network"]
