"""What the dashboard shows, computed without Streamlit: a shared link read strictly (with the
Exercises view's class seed, level and kind, so that a class gets the same questions), the
accuracy headline (measured where published, predicted elsewhere), the budget's answer, and
each network's widget ranges and paper presets.

``app.py`` only wires widgets to these functions; the tests call them directly. A link value
that cannot be used is reported in a message naming the field and the accepted range, and the
default is shown instead; nothing is rewritten silently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from costmodel.base.formatting import approx_ms, markdown_text
from costmodel.base.parsing import parse_integer, parse_real
from costmodel.descriptions.builtin_networks import (
    FAMILY,
    NETWORK_NAMES,
    TIMM_FAMILY_NAMES,
    get_network,
)
from costmodel.descriptions.configuration import (
    ALPHA_RANGE,
    DEPTH_RANGE,
    RESOLUTION_RANGE,
    VARIANTS,
    check_alpha,
    check_depth,
    check_resolution,
)
from costmodel.hardware.device_profiles import profiles
from costmodel.hardware.latency_budget import check_latency_budget
from costmodel.literature.published import Origin, published_rows
from costmodel.reports import Report
from costmodel.teaching.exercises import ExerciseKind, Level, check_class_seed, exercise_kinds
from costmodel.teaching.lesson import lesson_blocks

if TYPE_CHECKING:
    import pandas as pd

#: The dashboard's views, in the order of its selector.
VIEWS: tuple[str, ...] = ("Accuracy", "Per layer", "α × resolution", "Latency", "Lesson",
                          "Exercises", "Tables", "Downloads")
#: Networks the budget answer searches (ImageNet networks with published accuracy).
#: The networks the budget answer ranks: every built-in ImageNet network; timm's family names
#: (``lcnet``) are left out, their named models (``lcnet_050``...) carry the measured points.
BUDGET_NETWORKS: tuple[str, ...] = tuple(n for n in NETWORK_NAMES if n != "mobilenet_v1_cifar"
                                         and n not in TIMM_FAMILY_NAMES)
#: Largest budget a link or the form accepts, in millions (Mult-Adds or parameters).
MAX_BUDGET_M = 1_000_000.0
BUDGET_RANGE = f"a number of millions in (0, {MAX_BUDGET_M:,.0f}]"
MAX_LINK_VALUE_CHARS = 64
#: The slider's α range; any α of the library's range can be typed.
ALPHA_SLIDER = (0.25, 1.4)
ALPHA_STEP = 0.05
LINK_KEYS: tuple[str, ...] = ("network", "rules", "alpha", "resolution", "variant", "depth",
                              "budget_mult_adds", "budget_params", "budget_checkpoints_only",
                              "budget_latency_ms", "budget_profile", "view", "lesson_block",
                              "class_seed", "exercise_level", "exercise_kind")
#: The Exercises view's level and kind choices ("any": every level, or every kind that applies).
ANY = "any"
EXERCISE_LEVELS: tuple[str, ...] = (ANY, *(level.value for level in Level))
EXERCISE_KINDS: tuple[str, ...] = (ANY, *(kind.value for kind in ExerciseKind))


@dataclass(frozen=True, kw_only=True)
class Link:
    """The usable values of a shared link (by widget key) and one message per value that
    could not be used."""

    values: dict[str, object]
    messages: tuple[str, ...]


def _refused(key: str, text: str, reason: str) -> str:
    return f"The link's {key}={text!r} was not used: {reason}."


def read_link(params: Mapping[str, str]) -> Link:
    """Read a link's query parameters into widget values. Every value is parsed with the
    library's strict readers (never evaluated) and checked against the library's ranges."""
    values: dict[str, object] = {}
    messages: list[str] = []
    for key, text in params.items():
        if key not in LINK_KEYS:
            messages.append(_refused(key, str(text)[:MAX_LINK_VALUE_CHARS],
                                     f"unknown parameter (known: {', '.join(LINK_KEYS)})"))
            continue
        if not isinstance(text, str) or len(text) > MAX_LINK_VALUE_CHARS:
            messages.append(_refused(key, str(text)[:MAX_LINK_VALUE_CHARS] + "…",
                                     f"longer than {MAX_LINK_VALUE_CHARS} characters"))
            continue
        try:
            values[key] = _read_value(key, text)
        except ValueError as error:
            messages.append(_refused(key, text, str(error)))
    network = str(values.get("network", "mobilenet_v1"))
    net = get_network(network)
    if "rules" in values and values["rules"] not in net.rule_names:
        messages.append(_refused("rules", str(values.pop("rules")),
                                 f"{net.title} has rules {', '.join(net.rule_names)}"))
    if "variant" in values and values["variant"] not in net.variants:
        messages.append(_refused("variant", str(values.pop("variant")),
                                 f"{net.title} has variants {', '.join(net.variants)}"))
    blocks = lesson_blocks(network) if "lesson_block" in values else ()
    if "lesson_block" in values and values["lesson_block"] not in blocks:
        messages.append(_refused("lesson_block", str(values.pop("lesson_block")),
                                 f"{net.title}'s lesson has no such block (its first: "
                                 f"{', '.join(blocks[:4])}, ...)"))
    if "depth" in values and not net.depth_scaling and values["depth"] != 1.0:
        messages.append(_refused("depth", str(values.pop("depth")),
                                 f"depth applies to EfficientNet; {net.title} has none"))
    kind = values.get("exercise_kind", ANY)
    level = values.get("exercise_level", ANY)
    if kind != ANY:
        why = exercise_kinds(network=network)[ExerciseKind(str(kind))]
        if level not in (ANY, ExerciseKind(str(kind)).level):
            why = f"{kind} is at level {ExerciseKind(str(kind)).level.value}, not {level}"
        if why:
            messages.append(_refused("exercise_kind", str(values.pop("exercise_kind")), why))
    return Link(values=values, messages=tuple(messages))


def link_query(values: Mapping[str, object]) -> str:
    """The query string of a link to ``values`` (``None`` left out), read back by
    :func:`read_link`: ``{"network": "mobilenet_v1", "alpha": 0.5}`` →
    ``"network=mobilenet_v1&alpha=0.5"``. Keys outside :data:`LINK_KEYS` are refused."""
    unknown = [key for key in values if key not in LINK_KEYS]
    if unknown:
        raise ValueError(f"link key must be one of {', '.join(LINK_KEYS)}; got {unknown[0]!r}")
    return urlencode({key: str(value) for key, value in values.items() if value is not None})


def profile_names() -> list[str]:
    """The device profiles a latency budget can be estimated on (built-in, then saved)."""
    return [p.name for p in profiles()]


def _read_value(key: str, text: str) -> object:
    if key == "network":
        if text not in NETWORK_NAMES:
            raise ValueError(f"network must be one of {', '.join(NETWORK_NAMES)}")
        return text
    if key in ("rules", "lesson_block"):  # checked against the network's in read_link
        return text
    if key == "variant":
        if text not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
        return text
    if key == "view":
        if text not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}")
        return text
    if key == "exercise_level":
        if text not in EXERCISE_LEVELS:
            raise ValueError(f"exercise_level must be one of {', '.join(EXERCISE_LEVELS)}")
        return text
    if key == "exercise_kind":
        if text not in EXERCISE_KINDS:
            raise ValueError(f"exercise_kind must be one of {', '.join(EXERCISE_KINDS)}")
        return text
    if key == "class_seed":
        return check_class_seed(parse_integer(text, "class_seed"))
    if key == "alpha":
        return check_alpha(parse_real(text, "alpha"))
    if key == "depth":
        return check_depth(parse_real(text, "depth"))
    if key == "resolution":
        return check_resolution(parse_integer(text, "resolution"))
    if key == "budget_checkpoints_only":
        if text not in ("0", "1"):
            raise ValueError("budget_checkpoints_only must be 1 (on) or 0 (off)")
        return text == "1"
    if key == "budget_profile":
        names = profile_names()
        if text not in names:
            raise ValueError(f"budget_profile must be one of {', '.join(names)}")
        return text
    if key == "budget_latency_ms":
        return check_latency_budget(parse_real(text, key))
    value = parse_real(text, key)
    if not (math.isfinite(value) and 0 < value <= MAX_BUDGET_M):
        raise ValueError(f"{key} must be {BUDGET_RANGE}")
    return value


@dataclass(frozen=True, kw_only=True)
class AccuracyHeadline:
    """The ImageNet top-1 the headline shows: ``kind`` is ``measured`` (published at exactly this
    configuration: paper and/or checkpoint, each labelled), ``predicted`` (the family's fitted
    model, with its interval) or ``none``."""

    kind: str
    label: str
    value: str
    detail: str
    extrapolated: bool = False


_ORIGIN_LABEL = {Origin.PAPER: "paper", Origin.CHECKPOINTS: "checkpoint",
                 Origin.LIBRARY: "torchvision weights", Origin.BENCHMARK: "benchmark"}


def accuracy_headline(r: Report) -> AccuracyHeadline:
    """The measured ImageNet top-1 where a paper or a checkpoint printed this configuration
    (one value per kind of source, the network's own paper first), else the prediction."""
    own = f"{r.network.title.split(' ')[0]} {_paper_name(r)}"
    best: dict[Origin, tuple[float, str]] = {}
    for row in sorted(r.measured, key=lambda m: (not m.source.startswith(own), m.source)):
        if row.top1 is not None and row.origin not in best:
            best[row.origin] = (row.top1, row.source)
    if best:
        parts = [(origin, best[origin]) for origin in Origin if origin in best]
        return AccuracyHeadline(
            kind="measured",
            label=f"Top-1, {' · '.join(_ORIGIN_LABEL[o] for o, _ in parts)}",
            value=" · ".join(f"{top1:.1f} %" for _, (top1, _) in parts),
            detail="; ".join(f"{top1:.1f} % ({source})" for _, (top1, source) in parts))
    a = r.accuracy
    if a is not None:
        return AccuracyHeadline(
            kind="predicted", label="Top-1, predicted", value=f"{a.top1:.1f} %",
            detail=f"interval {a.low:.1f}–{a.high:.1f} % (± the largest leave-one-out error "
                   f"of the {a.model} fit); nearest published point {a.nearest.alpha:g}-"
                   f"{a.nearest.resolution}: {a.nearest.top1:g} %",
            extrapolated=a.extrapolated)
    return AccuracyHeadline(kind="none", label="Top-1", value="not published",
                            detail="No paper or checkpoint reports this configuration and its "
                                   "family has no fitted accuracy model.")


def _paper_name(r: Report) -> str:
    title = r.network.title
    return title.split(" ")[1] if title.startswith("MobileNet") and " " in title else ""


@dataclass(frozen=True, kw_only=True)
class BudgetChoice:
    """One configuration the budget answer proposes (a row of :func:`costmodel.frontier`).

    ``checkpoint`` is True where a released checkpoint's evaluation gives ``top1``;
    ``plus_minus`` is the half-width of the top-1's interval: the fit's largest leave-one-out
    error for a prediction, 0 for a measured top-1. ``passed_over`` is the prediction this
    measured answer was preferred to: a higher point estimate whose interval reaches down to
    the measured top-1 (the ranking rule of :func:`costmodel.frontier`)."""

    network: str
    title: str
    alpha: float
    resolution: int
    mult_adds: int
    params: int
    top1: float
    low: float
    high: float
    basis: str
    checkpoint: bool
    extrapolated: bool
    plus_minus: float
    source: str
    passed_over: BudgetChoice | None = None
    #: the estimated latency (ms, batch 1) on ``profile`` where the budget has a latency limit
    latency_ms: float | None = None
    profile: str = ""

    @property
    def accuracy(self) -> str:
        """The top-1 and what it rests on: a released checkpoint or a paper (with the source),
        or a prediction with its interval."""
        if self.basis == "measured" and self.checkpoint:
            return f"{self.top1:.1f} % top-1 (measured, checkpoint: {self.source})"
        if self.basis == "measured":
            return (f"{self.top1:.1f} % top-1 (measured, paper: {self.source}; no released "
                    f"checkpoint listed)")
        beyond = ", extrapolated beyond the fitted points" if self.extrapolated else ""
        return (f"{self.top1:.1f} % top-1 (predicted, ±{self.plus_minus:.1f} "
                f"leave-one-out: {self.low:.1f}–{self.high:.1f} %{beyond}; no checkpoint)")

    @property
    def text(self) -> str:
        """One line: the configuration, its top-1 (measured or predicted) and its cost."""
        return (f"{self.title} α = {self.alpha:g}, {self.resolution} px: {self.accuracy}; "
                f"{self.mult_adds / 1e6:,.1f} M Mult-Adds, {self.params / 1e6:,.2f} M params"
                f"{self._latency}")

    @property
    def short(self) -> str:
        """:attr:`text` without the sources, for a phone's first screen: measured (with or
        without a checkpoint) or predicted, with the interval, and the Mult-Adds."""
        if self.basis == "measured":
            basis = "measured, checkpoint" if self.checkpoint else "measured, paper"
        else:
            basis = f"predicted, {self.low:.1f}–{self.high:.1f} %"
        return (f"{self.title} α = {self.alpha:g}, {self.resolution} px: {self.top1:.1f} % "
                f"({basis}); {self.mult_adds / 1e6:,.0f} M Mult-Adds{self._latency}")

    @property
    def _latency(self) -> str:
        if self.latency_ms is None:
            return ""
        return f"; {approx_ms(self.latency_ms)} on {self.profile} (estimate)"

    @property
    def passed_over_text(self) -> str:
        """Why a higher prediction is not the answer (empty when none was passed over)."""
        if self.passed_over is None:
            return ""
        return (f"Preferred to {self.passed_over.text}: the measured {self.top1:.1f} % is "
                f"within that prediction's interval.")


@dataclass(frozen=True, kw_only=True)
class BudgetAnswer:
    """The best configuration within a budget across networks, the best of the current
    network, and the frontier's summary (or why nothing fits)."""

    overall: BudgetChoice | None
    in_network: BudgetChoice | None
    message: str


def budget_choice(frame: pd.DataFrame) -> BudgetChoice | None:
    """The answer of a :func:`costmodel.frontier` frame (its first row), with the prediction it
    was preferred to, if any; ``None`` for an empty frame."""
    if frame.empty:
        return None
    chosen = _choice(frame.iloc[0].to_dict(), str(frame.attrs.get("profile", "")))
    if chosen.basis != "measured":
        return chosen
    higher = frame[(frame["basis"] == "predicted") & (frame["top1"] > chosen.top1)]
    if higher.empty:
        return chosen
    best = higher.sort_values(["top1", "mult_adds"], ascending=[False, True]).iloc[0]
    return replace(chosen, passed_over=_choice(best.to_dict(),
                                               str(frame.attrs.get("profile", ""))))


def _choice(row: Mapping[Any, object], profile: str = "") -> BudgetChoice:
    from costmodel.literature.accuracy_model import default_fit

    network = str(row["network"])
    basis = str(row["basis"])
    return BudgetChoice(
        network=network, title=get_network(network).title, alpha=float(str(row["alpha"])),
        resolution=int(str(row["resolution"])), mult_adds=int(str(row["mult_adds"])),
        params=int(str(row["params"])), top1=float(str(row["top1"])),
        low=float(str(row["low"])), high=float(str(row["high"])), basis=basis,
        checkpoint=bool(row["checkpoint"]), extrapolated=bool(row["extrapolated"]),
        plus_minus=default_fit(network).loo_max_abs if basis == "predicted" else 0.0,
        source=str(row["source"]),
        latency_ms=float(str(row["latency_ms"])) if "latency_ms" in row else None,
        profile=profile)


def budget_answer(max_mult_adds_m: float | None, max_params_m: float | None,
                  network: str | None = None, *,
                  checkpoints_only: bool = False, max_latency_ms: float | None = None,
                  profile: str | None = None) -> BudgetAnswer | None:
    """The answer to a budget given in millions (``None`` for no limit; all ``None``: no
    answer) and, optionally, milliseconds on a device ``profile``. ``network`` (a built-in
    name) adds that network's best configuration; ``checkpoints_only`` ranks only
    configurations with a released checkpoint."""
    from costmodel.hardware.latency_budget import frontier

    if max_mult_adds_m is None and max_params_m is None and max_latency_ms is None:
        return None
    for name, value in (("budget_mult_adds", max_mult_adds_m),
                        ("budget_params", max_params_m)):
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value)
                                      and 0 < value <= MAX_BUDGET_M):
            raise ValueError(f"{name} must be {BUDGET_RANGE}; got {value!r}")
    frame = frontier(
        max_mult_adds=None if max_mult_adds_m is None else max_mult_adds_m * 1e6,
        max_params=None if max_params_m is None else max_params_m * 1e6,
        networks=BUDGET_NETWORKS, checkpoints_only=checkpoints_only,
        max_latency_ms=max_latency_ms, profile=profile if max_latency_ms is not None else None)
    own = frame[frame["network"] == network] if network else frame.iloc[0:0]
    return BudgetAnswer(overall=budget_choice(frame), in_network=budget_choice(own),
                        message=str(frame.attrs.get("message", "")))


@dataclass(frozen=True, kw_only=True)
class WidgetRanges:
    """A network's slider ranges and paper presets (from the published rows)."""

    resolution: tuple[int, int]
    alpha_presets: tuple[float, ...]
    resolution_presets: tuple[int, ...]


@cache
def widget_ranges(network: str) -> WidgetRanges:
    """Resolution slider from 3/7 to 10/7 of the network's reference input (96-320 px at
    224), and the α and resolution values its papers and checkpoints published."""
    net = get_network(network)
    size = net.image_size
    low, high = max(round(size * 3 / 7), 1), min(round(size * 10 / 7), 4096)
    alphas: set[float] = set()
    sizes: set[int] = set()
    for row in published_rows():
        if row.network != network or row.top1 is None:
            continue
        alphas.add(net.width if row.alpha is None else row.alpha)
        sizes.add(size if row.resolution is None else row.resolution)
    alpha_presets = tuple(sorted(a for a in alphas if ALPHA_SLIDER[0] <= a <= ALPHA_SLIDER[1]))
    res_presets = tuple(sorted(s for s in sizes if low <= s <= high))
    return WidgetRanges(resolution=(low, high), alpha_presets=alpha_presets or (net.width,),
                        resolution_presets=res_presets or (size,))


#: Readable headers and number kinds for the library's table columns: ``count`` (an exact
#: integer, shown with thousands separators), ``millions``, ``percent``, ``number`` or ``text``.
COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("Layer", "text"), "block": ("Block", "number"), "role": ("Role", "text"),
    "kind": ("Kind", "text"), "op": ("Operation", "text"), "stride": ("Stride", "number"),
    "kernel": ("Kernel", "number"), "groups": ("Groups", "count"), "in_h": ("In H", "count"),
    "in_w": ("In W", "count"), "in_c": ("In C", "count"), "out_h": ("Out H", "count"),
    "out_w": ("Out W", "count"), "out_c": ("Out C", "count"),
    "mult_adds": ("Mult-Adds", "count"), "mult_adds_m": ("Mult-Adds (M)", "millions"),
    "params": ("Parameters", "count"), "params_with_bn": ("Params + BN", "count"),
    "mult_adds_pct": ("Mult-Adds %", "percent"), "params_pct": ("Params %", "percent"),
    "standard_mult_adds": ("Standard conv Mult-Adds", "count"),
    "standard_params": ("Standard conv params", "count"),
    "elementwise": ("Elementwise ops", "count"), "activation": ("Activation", "text"),
    "label": ("Layer type", "text"),
    "params_pct_without_fc_bias": ("Params % (no fc bias)", "percent"),
    "paper_mult_adds_pct": ("Paper Mult-Adds %", "percent"),
    "paper_params_pct": ("Paper params %", "percent"), "note": ("Note", "text"),
    "source": ("Source", "text"), "origin": ("Origin", "text"), "model": ("Model", "text"),
    "network": ("Network", "text"), "rules": ("Rules", "text"),
    "quantity": ("Quantity", "text"), "printed": ("Printed", "text"),
    "printed_m": ("Printed (M)", "millions"), "exact": ("Exact", "count"),
    "exact_m": ("Exact (M)", "millions"), "difference_m": ("Printed − exact (M)", "millions"),
    "status": ("Status", "text"), "reason": ("Reason", "text"),
    "alpha": ("α", "number"), "resolution": ("Resolution (px)", "count"),
    "top1": ("Top-1 %", "percent"), "low": ("Low %", "percent"), "high": ("High %", "percent"),
    "basis": ("Basis", "text"), "extrapolated": ("Extrapolated", "text"),
    "on_frontier": ("On frontier", "text"),
    "latency_ms": ("Time (ms)", "number"), "bound": ("Bound", "text"),
    "time_pct": ("Time %", "percent"), "bytes_moved": ("Bytes moved", "count"),
    "arithmetic_intensity": ("FLOP/byte", "number"),
}


def column_spec(columns: list[str]) -> dict[str, tuple[str, str]]:
    """(header, kind) for each column; unknown names get a readable header and ``text``."""
    return {c: COLUMNS.get(c, (c.replace("_", " ").capitalize(), "text")) for c in columns}


def _cell(value: object, kind: str) -> str:
    """One cell of :func:`markdown_table`, written as the grid writes that kind of column."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "text":
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if kind == "count":
        return f"{int(number):,}"
    if kind == "millions":
        return f"{number:,.3f}"
    if kind == "percent":
        return f"{number:.2f} %"
    return f"{number:g}"


def markdown_table(frame: pd.DataFrame) -> str:
    """A small table as Markdown text, with :func:`column_spec`'s headers and formats (counts
    with commas, millions to 3 decimals, percentages to 2) and numbers aligned right; cells
    escaped as user text. The dashboard shows its few-row tables so: an interactive grid costs
    each slider move ~30 ms of the browser's time and ``st.table`` ~25 ms more than Markdown
    (benchmarks/dashboard_speed.py)."""
    spec = column_spec(list(frame.columns))
    header = "| " + " | ".join(markdown_text(label) for label, _ in spec.values()) + " |"
    rule = "|" + "".join("---|" if kind == "text" else "---:|" for _, kind in spec.values())
    kinds = [kind for _, kind in spec.values()]
    rows = ["| " + " | ".join(markdown_text(_cell(v, k)) for v, k in zip(row, kinds, strict=True))
            + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


#: Each static chart's layouts: ``desktop`` (760 px wide) and ``phone`` (text readable at 390 px).
CHART_LAYOUTS = ("desktop", "phone")


def chart_layouts(reported: object) -> tuple[str, ...]:
    """The chart layouts to send, for the layout the browser reported for its screen (its
    width: ``phone`` up to 640 px). Until a browser has reported (or for anything else it
    sends), both, one of them shown by the screen's width: a picture is then sent once, not
    twice, on each slider move (the α × resolution chart: 195 KB of SVG a layout)."""
    return (reported,) if isinstance(reported, str) and reported in CHART_LAYOUTS else CHART_LAYOUTS


def family(network: str) -> str:
    """The family of a built-in network (``MobileNet v1``, ``EfficientNet``...)."""
    return FAMILY[network]


@cache
def network_choices() -> tuple[str, ...]:
    """The built-in networks grouped by family: families in the order their first network is
    listed (:data:`~costmodel.descriptions.builtin_networks.NETWORK_NAMES`), networks in that order
    within."""
    order: dict[str, int] = {}
    for name in NETWORK_NAMES:
        order.setdefault(FAMILY[name], len(order))
    return tuple(sorted(NETWORK_NAMES, key=lambda name: order[FAMILY[name]]))


def network_label(network: str) -> str:
    """The selector's text for a network: family, title and the name ``report()`` takes, so
    that typing any of them finds it (``MobileNet v1 (mobilenet_v1)``, whose title names its
    family; ``LCNet · lcnet_050``)."""
    title = get_network(network).title
    shown = title if title == network else f"{title} ({network})"
    return shown if title.startswith(FAMILY[network]) else f"{FAMILY[network]} · {shown}"


__all__ = [
    "ALPHA_RANGE",
    "ALPHA_SLIDER",
    "ALPHA_STEP",
    "ANY",
    "BUDGET_NETWORKS",
    "BUDGET_RANGE",
    "CHART_LAYOUTS",
    "COLUMNS",
    "DEPTH_RANGE",
    "EXERCISE_KINDS",
    "EXERCISE_LEVELS",
    "LINK_KEYS",
    "MAX_BUDGET_M",
    "RESOLUTION_RANGE",
    "VIEWS",
    "AccuracyHeadline",
    "BudgetAnswer",
    "BudgetChoice",
    "Link",
    "WidgetRanges",
    "accuracy_headline",
    "budget_answer",
    "budget_choice",
    "chart_layouts",
    "column_spec",
    "family",
    "markdown_table",
    "network_choices",
    "network_label",
    "profile_names",
    "read_link",
    "widget_ranges",
]
