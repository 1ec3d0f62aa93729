"""Published figures: every printed cost, accuracy and latency, read by one loader.

The files under ``data/published/`` share one schema (one row per printed model; see
``docs/data.md``); each row keeps its source and a typed :class:`Origin` (a paper's table, a
checkpoint table, or a library's metadata). :func:`comparisons_for` sets a row's printed cost
against the exact count of the same configuration, with a status and a reason. Read only.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from costmodel.base.data_files import read_data_text
from costmodel.base.kinds import Role
from costmodel.descriptions.builtin_networks import FAMILY, NETWORK_NAMES, get_network, is_builtin

if TYPE_CHECKING:
    from costmodel.core.counts import Counts


class Origin(StrEnum):
    """Where a published figure comes from."""

    PAPER = "paper"
    CHECKPOINTS = "checkpoints"
    LIBRARY = "library"
    BENCHMARK = "benchmark"


#: The published files, each one source.
FILES: tuple[str, ...] = (
    "mobilenet_v1_paper.csv",
    "mobilenet_v1_tfslim.csv",
    "mobilenet_v2_paper.csv",
    "mobilenet_v2_tfslim.csv",
    "mobilenet_v3_paper.csv",
    "mobilenet_v3_tfslim.csv",
    "mnasnet_a1_tpu.csv",
    "efficientnet_paper.csv",
    "torchvision_weights.csv",
    "timm_cpu.csv",
    "timm_results_imagenet.csv",
    "next_families_papers.csv",
    "timm_benchmark_gmacs.csv",
    "tflite_hosted_models.csv",
    "tflite_benchmarks.csv",
    "timm_i9_latency.csv",
)
#: Sources that print ``round(x, 2)`` into a number column, which drops trailing zeros (timm's
#: benchmark.py: ``gmacs=round(macs / 1e9, 2)``, ``param_count=round(n / 1e6, 2)``; "0.4" is
#: 0.40): their figures are compared at 2 decimals, whatever the text shows.
TWO_DECIMAL_SOURCES = ("timm results/benchmark-",)
COLUMNS = ("source", "origin", "network", "rules", "variant", "model", "alpha", "depth",
           "resolution", "classes", "task", "top1", "top5", "top1_fit", "metric", "value",
           "mult_adds_printed", "params_printed", "params_counted", "latency_ms", "device",
           "mult_adds_reason", "params_reason", "note")

_PRINTED = re.compile(r"([0-9]+(?:\.[0-9]+)?)([MBG]?)")
_UNIT = {"M": 1e6, "B": 1e9, "G": 1e9, "": 1.0}


@dataclass(frozen=True, kw_only=True)
class Printed:
    """A number as a source prints it: its value, unit (M = 10^6, B or G = 10^9, none = a
    count) and number of decimals."""

    text: str
    value: float
    unit: str
    decimals: int

    @property
    def count(self) -> float:
        """The printed value as a plain count."""
        return self.value * _UNIT[self.unit]

    @property
    def millions(self) -> float:
        """The printed value in millions (the printed number itself where printed in M)."""
        if self.unit == "M":
            return self.value
        return self.value * 1e3 if self.unit in ("B", "G") else self.value / 1e6


def parse_printed(text: str, where: str) -> Printed:
    """``0.39B``, ``0.8G``, ``569M``, ``3504872`` → :class:`Printed`; ``ValueError`` naming
    ``where``."""
    match = _PRINTED.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{where}: a printed figure must be a number with an optional unit "
                         f"M, B or G (e.g. 569M, 0.39B, 0.8G); got {text!r}")
    number, unit = match.groups()
    decimals = len(number.split(".")[1]) if "." in number else 0
    return Printed(text=text.strip(), value=float(number), unit=unit, decimals=decimals)


@dataclass(frozen=True, kw_only=True)
class PublishedRow:
    """One printed model: cost as printed, accuracy, latency, and where it is printed.

    ``network`` is empty for networks this library does not model (GoogleNet, ShuffleNet...);
    ``alpha``/``depth`` ``None`` mean the network's default.
    """

    source: str
    origin: Origin
    network: str
    rules: str
    variant: str
    model: str
    alpha: float | None
    depth: float | None
    resolution: int | None
    classes: int | None
    task: str
    top1: float | None
    top5: float | None
    #: the top-1 an accuracy fit uses where the printed one is in doubt (see ``note``)
    top1_fit: float | None
    metric: str
    value: float | None
    mult_adds: Printed | None
    params: Printed | None
    params_counted: str
    latency_ms: float | None
    device: str
    mult_adds_reason: str
    params_reason: str
    note: str
    file: str
    line: int

    @property
    def family(self) -> str:
        """The network family ("MobileNet v2"), or "other"."""
        return FAMILY.get(self.network, "other")

    @property
    def fitted_top1(self) -> float | None:
        """The top-1 (%) an accuracy fit uses: ``top1_fit`` where the printed one is in
        doubt, else ``top1``."""
        return self.top1_fit if self.top1_fit is not None else self.top1


def _number(text: str, field: str, where: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: {field} must be a number; got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where}: {field} must be a positive number; got {text!r}")
    return value


def _integer(text: str, field: str, where: str) -> int | None:
    value = _number(text, field, where)
    if value is None:
        return None
    if value != int(value):
        raise ValueError(f"{where}: {field} must be an integer; got {text!r}")
    return int(value)


def _printed(text: str, source: str, where: str) -> Printed | None:
    if not text.strip():
        return None
    printed = parse_printed(text, where)
    if source.startswith(TWO_DECIMAL_SOURCES) and printed.decimals < 2:
        return replace(printed, decimals=2)
    return printed


def _parse_row(cells: dict[str, str], filename: str, line: int) -> PublishedRow:
    where = f"{filename} line {line}"
    if not cells["source"].strip():
        raise ValueError(f"{where}: source must not be empty")
    try:
        origin = Origin(cells["origin"])
    except ValueError:
        raise ValueError(f"{where}: origin must be one of {', '.join(Origin)}; got "
                         f"{cells['origin']!r}") from None
    network = cells["network"].strip()
    if network and network not in NETWORK_NAMES:
        raise ValueError(f"{where}: network must be one of {', '.join(NETWORK_NAMES)} or "
                         f"empty; got {network!r}")
    rules = cells["rules"].strip()
    if network and rules not in (rule_names := get_network(network).rule_names):
        raise ValueError(f"{where}: rules must be one of {network}'s rule sets "
                         f"({', '.join(rule_names)}); got {rules!r}")
    if cells["params_counted"] not in ("params", "params_with_bn"):
        raise ValueError(f"{where}: params_counted must be params or params_with_bn")
    percentages = {}
    for field in ("top1", "top5", "top1_fit", "value"):
        number = _number(cells[field], field, where)
        if number is not None and number > 100:
            raise ValueError(f"{where}: {field} must be a percentage in (0, 100]")
        percentages[field] = number
    return PublishedRow(
        source=cells["source"].strip(), origin=origin, network=network,
        rules=rules, variant=cells["variant"].strip() or "separable",
        model=cells["model"].strip(), alpha=_number(cells["alpha"], "alpha", where),
        depth=_number(cells["depth"], "depth", where),
        resolution=_integer(cells["resolution"], "resolution", where),
        classes=_integer(cells["classes"], "classes", where), task=cells["task"].strip(),
        top1=percentages["top1"], top5=percentages["top5"], top1_fit=percentages["top1_fit"],
        metric=cells["metric"].strip(),
        value=percentages["value"],
        mult_adds=_printed(cells["mult_adds_printed"], cells["source"].strip(), where),
        params=_printed(cells["params_printed"], cells["source"].strip(), where),
        params_counted=cells["params_counted"],
        latency_ms=_number(cells["latency_ms"], "latency_ms", where),
        device=cells["device"].strip(), mult_adds_reason=cells["mult_adds_reason"].strip(),
        params_reason=cells["params_reason"].strip(), note=cells["note"].strip(),
        file=filename, line=line,
    )


@cache
def published_rows() -> tuple[PublishedRow, ...]:
    """Every row of every published file, in file order. Validated once; read only."""
    rows: list[PublishedRow] = []
    for filename in FILES:
        reader = csv.DictReader(io.StringIO(read_data_text(f"published/{filename}")))
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{filename}: the columns must be {', '.join(COLUMNS)}")
        for line, cells in enumerate(reader, start=2):
            rows.append(_parse_row(cells, filename, line))
    return tuple(rows)


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """A printed figure against the exact count, in millions, and how the two relate."""

    quantity: str
    source: str
    origin: Origin
    printed: float
    printed_text: str
    exact: float
    status: str
    reason: str

    @property
    def difference(self) -> float:
        """Printed minus exact, in millions."""
        return self.printed - self.exact


def compare(quantity: str, printed: Printed, exact_count: int, reason: str,
            origin: Origin = Origin.PAPER, source: str = "") -> Comparison:
    """Classify a printed figure against the exact count, at the print's own unit and digits.

    ``status`` is ``"rounds to print"`` when rounding the exact count to the printed digits
    gives the print, ``"truncated"`` when only cutting the digits does, else ``"differs"``
    (with ``reason``, or "unexplained").
    """
    exact = exact_count / _UNIT[printed.unit]
    scale = 10**printed.decimals
    if round(exact, printed.decimals) == printed.value:
        status, why = "rounds to print", ""
    elif math.floor(exact * scale) / scale == printed.value:
        status, why = "truncated", "the print cuts the exact count's digits instead of rounding"
    else:
        status, why = "differs", reason or "unexplained: the source gives no explanation"
    return Comparison(quantity=quantity, source=source, origin=origin,
                      printed=printed.millions,
                      printed_text=printed.text, exact=exact_count / 1e6, status=status,
                      reason=why)


def matches(row: PublishedRow, r: Counts) -> bool:
    """Whether ``row`` describes the configuration of report ``r``. (The network's check,
    which compares it with the built-in one, comes last: asked of each of a network's rows,
    it cost a new configuration ~3 ms.)"""
    return (
        row.network == r.network.key and row.rules == r.rules
        and row.variant == r.variant
        and row.classes == r.classes and row.resolution == r.resolution
        and (row.alpha if row.alpha is not None else r.network.width) == r.alpha
        and (row.depth if row.depth is not None else r.network.depth) == r.depth
        and is_builtin(r.network)
    )


def rows_for(r: Counts) -> tuple[PublishedRow, ...]:
    """The published rows that describe report ``r``'s configuration."""
    return tuple(row for row in published_rows() if matches(row, r))


def _merged_source(first: str, second: str) -> str:
    """"MobileNet v1 paper, Table 4" + "..., Table 6" → "MobileNet v1 paper, Tables 4, 6"."""
    if first == second:
        return first
    head, _, tables = first.rpartition(", Table")
    other_head, _, other = second.rpartition(", Table")
    if head and head == other_head:
        return f"{head}, Tables {tables.removeprefix('s').strip()}, {other.strip()}"
    return f"{first}; {second}"


def comparisons_for(r: Counts) -> tuple[Comparison, ...]:
    """Every printed cost of report ``r``'s configuration against its exact count. Rows of one
    source printing the same figures are merged ("Tables 4, 6, 7, 8")."""
    merged: dict[tuple[str, str, str, str], PublishedRow] = {}
    for row in rows_for(r):
        key = (row.file, row.mult_adds.text if row.mult_adds else "",
               row.params.text if row.params else "", row.params_counted)
        first = merged.get(key)
        merged[key] = row if first is None else replace(
            first, source=_merged_source(first.source, row.source),
            note=first.note or row.note)
    out: list[Comparison] = []
    for row in merged.values():
        if row.mult_adds is not None:
            out.append(compare("mult_adds", row.mult_adds, r.mult_adds,
                               row.mult_adds_reason or row.note, row.origin, row.source))
        if row.params is not None:
            exact = r.params_with_bn if row.params_counted == "params_with_bn" else r.params
            out.append(compare(row.params_counted, row.params, exact,
                               row.params_reason or row.note, row.origin, row.source))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class PrintedShare:
    """One row of MobileNet v1's Table 2: a role's printed share of Mult-Adds and params (%)."""

    mult_adds_pct: float
    params_pct: float
    note: str


@cache
def table2_shares() -> dict[Role, PrintedShare]:
    """MobileNet v1 paper Table 2 as printed (1.0 MobileNet-224), by role."""
    text = read_data_text("published/mobilenet_v1_table2.csv")
    return {
        Role(row["role"]): PrintedShare(mult_adds_pct=float(row["mult_adds_pct"]),
                                        params_pct=float(row["params_pct"]), note=row["note"])
        for row in csv.DictReader(io.StringIO(text))
    }


@cache
def memory_table_rows() -> tuple[dict[str, str], ...]:
    """MobileNet v2 paper Table 3's 'max' row as printed (peak memory, 16-bit, in K)."""
    text = read_data_text("published/mobilenet_v2_table3.csv")
    return tuple(csv.DictReader(io.StringIO(text)))


__all__ = [
    "COLUMNS",
    "FILES",
    "TWO_DECIMAL_SOURCES",
    "Comparison",
    "Origin",
    "Printed",
    "PrintedShare",
    "PublishedRow",
    "compare",
    "comparisons_for",
    "matches",
    "memory_table_rows",
    "parse_printed",
    "published_rows",
    "rows_for",
    "table2_shares",
]
