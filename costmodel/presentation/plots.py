"""Plot builders: each returns a plotly figure built from library results (no streamlit here).

Mult-Adds on the axes are exact multiply-accumulate counts in millions (M = 10^6). Figures are
assembled from plain trace dictionaries and created without plotly's per-property validation
(a slider move must redraw fast); the tests validate every figure in full.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from costmodel.base.kinds import DEFAULT_PROFILE, PIXEL1_PROFILE, Role

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.descriptions.network_spec import Network
    from costmodel.reports import Report

#: A colour per :class:`Role` (every role: each layer gets its bar in the per-layer chart).
ROLE_COLOURS = {
    Role.STEM.value: "#636efa",
    Role.CONV.value: "#636efa",
    Role.DEPTHWISE.value: "#00cc96",
    Role.POINTWISE.value: "#ef553b",
    Role.EXPAND.value: "#ff7f0e",
    Role.PROJECT.value: "#ef553b",
    Role.SE.value: "#19d3f3",
    Role.HEAD.value: "#8c564b",
    Role.CLASSIFIER.value: "#ab63fa",
    Role.POOL.value: "#b6b6b6",
    Role.ADD.value: "#b6b6b6",
    Role.SHORTCUT.value: "#bcbd22",
    Role.CHEAP.value: "#2ca02c",
    Role.NORM.value: "#e377c2",
    Role.DATA.value: "#b6b6b6",
}
FAMILY_SYMBOLS = {"MobileNet v1": "circle", "MobileNet v2": "diamond", "MobileNet v3": "square",
                  "MnasNet": "triangle-up", "EfficientNet": "star-diamond", "other": "x"}
#: Marker symbols for the families not in FAMILY_SYMBOLS, in turn.
_MORE_SYMBOLS = ("cross", "triangle-down", "pentagon", "hexagon", "star", "hourglass",
                 "triangle-left", "triangle-right", "bowtie", "star-square", "hexagram")
_MARGIN = {"l": 60, "r": 20, "t": 50, "b": 50}


@cache
def _template() -> dict[str, Any]:
    import plotly.io as pio

    return dict(pio.templates["plotly_white"].to_plotly_json())


def _figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    layout = {"template": _template(), "margin": _MARGIN, **layout}
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


@cache
def _accuracy_traces() -> tuple[dict[str, Any], ...]:
    """The configuration-independent part of :func:`cost_accuracy_figure` (built once): one
    trace of measured ImageNet points per family, one of the fitted trends."""
    from costmodel.core.sweeps import sweep
    from costmodel.literature.accuracy import FITTED, accuracy_data
    from costmodel.literature.accuracy_model import default_fit
    from costmodel.literature.budget import pareto_mask

    data = accuracy_data()
    data = data[(data["task"] == "ImageNet") & (data["metric"] == "top-1 %")
                & (data["mult_adds_m"].notna() | data["exact_mult_adds"].notna())
                & ~data["model"].str.contains("8-bit")].copy()
    # a printed cost where the source prints one; the exact count of the checkpoint's network
    # at its evaluation size where it does not (timm's results print none)
    printed = data["mult_adds_m"].notna()
    data["x"] = data["mult_adds_m"].where(printed, data["exact_mult_adds"] / 1e6).astype(float)
    traces: list[dict[str, Any]] = []
    families = list(dict.fromkeys([*FAMILY_SYMBOLS, *data["family"]]))
    for i, family in enumerate(families):
        part = data[data["family"] == family]
        if part.empty:
            continue
        symbol = FAMILY_SYMBOLS.get(family, _MORE_SYMBOLS[i % len(_MORE_SYMBOLS)])
        traces.append({
            "type": "scatter", "mode": "markers", "name": f"{family} (published)",
            "x": part["x"].tolist(), "y": part["value"].tolist(),
            "marker": {"symbol": symbol, "size": 8},
            "text": [f"{_text(model)} ({_text(source)}): top-1 {top1:g} %, "
                     f"{cost:,.1f} M Mult-Adds ({'printed' if shown else 'exact count'})"
                     + (f", {params:g} M params" if params == params else "")
                     for model, source, top1, cost, shown, params in zip(
                         part["model"], part["source"], part["value"], part["x"],
                         printed[part.index], part["params_m"], strict=True)],
            "hovertemplate": "%{text}<extra></extra>",
        })
    xs: list[float | None] = []
    ys: list[float | None] = []
    resolutions = np.arange(96, 225, 8)
    for network in FITTED:
        fit = default_fit(network)
        for a in (0.5, 1.0):
            costs = sweep([a], resolutions, network=network).mult_adds[0]
            tops = fit.predict_array(np.full(resolutions.size, a), resolutions, costs)
            xs += [*(costs / 1e6).tolist(), None]
            ys += [*tops.tolist(), None]
    traces.append({
        "type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False,
        "name": "fitted trends (v1, v2, MnasNet at α 0.5 and 1)", "x": xs, "y": ys,
        "line": {"width": 1, "dash": "dot", "color": "#7f7f7f"},
    })
    on = pareto_mask(data["x"].to_numpy(dtype=np.float64),
                     data["value"].to_numpy(dtype=np.float64))
    best = data[on].sort_values("x")
    traces.append({
        "type": "scatter", "mode": "lines", "name": "Pareto frontier (published, all families)",
        "x": best["x"].tolist(), "y": best["value"].tolist(),
        "line": {"shape": "hv", "width": 2, "color": "#444"}, "hoverinfo": "skip",
    })
    return tuple(traces)


def cost_accuracy_figure(report: Report) -> go.Figure:
    """ImageNet top-1 against Mult-Adds (log x) across families: every published point, the
    joint Pareto frontier, the fitted trends, and ``report``'s configuration with its
    predicted top-1 interval or its measured top-1. Hover shows the source table."""
    return _figure(_cost_accuracy_traces(report), {
        "title": {"text": ACCURACY_TITLE},
        "xaxis": {"type": "log", "title": {"text": "Million Mult-Adds (log)"}},
        "yaxis": {"title": {"text": "ImageNet top-1 (%)"}},
        "legend": {"font": {"size": 10}, "orientation": "h", "y": -0.22},
        "height": 560,
    })


def cost_accuracy_svg(report: Report, *, phone: bool = False) -> str:
    """:func:`cost_accuracy_figure` as a static SVG (tooltips on each point): the same traces,
    drawn in a few milliseconds instead of plotly's redraw (the dashboard's default chart).
    ``phone``: laid out for a 390-px screen (its text about 10 px there, one legend column)."""
    from costmodel.presentation.svg_figures import layout, svg_figure

    return svg_figure(_cost_accuracy_traces(report),
                      title="Cost against accuracy" if phone else ACCURACY_TITLE,
                      x_title="Million Mult-Adds (log)",
                      y_title="top-1 (%)" if phone else "ImageNet top-1 (%)", x_log=True,
                      **layout(phone))


ACCURACY_TITLE = "Cost against accuracy (dotted: fitted trends)"


def _text(value: object) -> str:
    """User text (a title, a layer name, a profile name) for plotly, which reads a subset of
    HTML in every label: as entities, shown as written."""
    return html.escape(str(value), quote=False)


def _cost_accuracy_traces(report: Report) -> list[dict[str, Any]]:
    traces = [dict(t) for t in _accuracy_traces()]
    a = report.accuracy
    measured = [m.top1 for m in report.measured if m.top1 is not None]
    if measured:
        traces.append({
            "type": "scatter", "mode": "markers", "name": "this configuration (measured)",
            "x": [report.mult_adds_m] * len(measured), "y": measured,
            "marker": {"symbol": "star", "size": 18, "color": "black",
                       "line": {"color": "white", "width": 1}},
            "text": [f"this configuration: {_text(report.network.title)} α = {report.alpha:g}, "
                     f"{report.resolution} px, {report.mult_adds:,} Mult-Adds, measured "
                     f"top-1 {m:g} %" for m in measured],
            "hovertemplate": "%{text}<extra></extra>",
        })
    elif a is not None:
        traces.append({
            "type": "scatter", "mode": "markers", "name": "this configuration (predicted)",
            "x": [report.mult_adds_m], "y": [a.top1],
            "marker": {"symbol": "star", "size": 18, "color": "black",
                       "line": {"color": "white", "width": 1}},
            "error_y": {"type": "data", "symmetric": False, "array": [a.high - a.top1],
                        "arrayminus": [a.top1 - a.low]},
            "text": [f"this configuration: α = {report.alpha:g}, {report.resolution} px, "
                     f"{report.mult_adds:,} Mult-Adds, predicted top-1 {a.top1:.1f} % "
                     f"({a.low:.1f}-{a.high:.1f})"],
            "hovertemplate": "%{text}<extra></extra>",
        })
    return traces


def _layers_title(report: Report) -> str:
    """The per-layer chart's title, as plain text."""
    return f"Per layer: {report.network.title}, α = {report.alpha:g}, {report.resolution} px"


def _layers_traces(report: Report) -> list[dict[str, Any]]:
    """The traces of :func:`layers_figure` (and :func:`layers_svg`): per panel (``y``:
    Mult-Adds, ``y2``: parameters) the ghost bars of the standard conv each pointwise or
    project layer's separable pair replaces, then one trace of bars per role."""
    layers = report.layers
    columns = ("name", "role", "kind", "stride", "kernel", "in_h", "in_w", "in_c", "out_h",
               "out_w", "out_c")  # read as lists: a few times faster than itertuples
    shapes = [
        f"{_text(name)} ({role}, {kind}), stride {stride}, kernel {kernel}<br>"
        f"in {in_h}×{in_w}×{in_c} → out {out_h}×{out_w}×{out_c}"
        for name, role, kind, stride, kernel, in_h, in_w, in_c, out_h, out_w, out_c
        in zip(*(layers[c].tolist() for c in columns), strict=True)
    ]
    names = [_text(name) for name in layers["name"].tolist()]
    kinds = layers["role"].tolist()
    booked = layers["standard_mult_adds"].astype(bool).tolist()
    traces: list[dict[str, Any]] = []
    for axis, column, standard in (("", "mult_adds", "standard_mult_adds"),
                                   ("2", "params", "standard_params")):
        ghost = [int(v) if k in (Role.POINTWISE.value, Role.PROJECT.value) and b else None
                 for v, k, b in zip(layers[standard], kinds, booked, strict=True)]
        traces.append({
            "type": "bar", "x": names, "y": ghost, "name": "standard conv it replaces",
            "xaxis": f"x{axis}", "yaxis": f"y{axis}", "legendgroup": "ghost",
            "showlegend": axis == "", "customdata": shapes,
            "marker": {"color": "rgba(120,120,120,0.18)", "line": {"color": "#999", "width": 1}},
            "hovertemplate": "%{customdata}<br>standard conv: %{y:,}<extra></extra>",
        })
        values = layers[column].tolist()
        for kind, colour in ROLE_COLOURS.items():
            rows = [i for i, k in enumerate(kinds) if k == kind]
            if not rows:
                continue
            traces.append({
                "type": "bar", "x": [names[i] for i in rows], "y": [values[i] for i in rows],
                "name": kind, "xaxis": f"x{axis}", "yaxis": f"y{axis}", "legendgroup": kind,
                "showlegend": axis == "", "marker": {"color": colour},
                "customdata": [shapes[i] for i in rows],
                "hovertemplate": "%{customdata}<br>%{y:,}<extra></extra>",
            })
    return traces


def layers_figure(report: Report, *, log: bool = False) -> go.Figure:
    """Mult-Adds (top) and params (bottom) per layer, coloured by kind, with the standard conv
    each separable pair replaces as a ghost bar on its pointwise row; hover shows shapes.
    A linear scale (the default) shows where the cost is; ``log=True`` shows the small
    layers too."""
    return _figure(_layers_traces(report), {
        "title": {"text": _text(_layers_title(report))},
        "barmode": "overlay",
        "xaxis": {"anchor": "y", "domain": [0, 1], "matches": "x2", "showticklabels": False},
        "xaxis2": {"anchor": "y2", "domain": [0, 1]},
        "yaxis": {"anchor": "x", "domain": [0.55, 1], "type": "log" if log else "linear",
                  "title": {"text": "Mult-Adds"}},
        "yaxis2": {"anchor": "x2", "domain": [0, 0.45], "type": "log" if log else "linear",
                   "title": {"text": "Parameters"}},
        "legend": {"orientation": "h", "y": -0.25, "font": {"size": 10}},
        "height": 560,
    })


def layers_svg(report: Report, *, log: bool = False, phone: bool = False) -> str:
    """:func:`layers_figure` as a static SVG from the same traces: Mult-Adds (top) and
    parameters (bottom) per layer, one bar slot per layer in order, the ghost standard conv
    behind the pointwise and project bars; each bar's tooltip gives the layer, its shapes and
    its exact count. ``log``: log y (bars from the axis floor; zero counts drawn as nothing).
    ``phone``: laid out for a 390-px screen (380 units wide, one legend column)."""
    from costmodel.presentation.svg_figures import layout, svg_bar_figure

    return svg_bar_figure(_layers_traces(report), title=_layers_title(report),
                          x_title="Layer, input to output", y_titles=("Mult-Adds", "Parameters"),
                          barmode="overlay", y_log=log,
                          **layout(phone, height=560, legend_columns=4, phone_height=460))


def _plane_title(report: Report) -> str:
    """The plane's title, as plain text."""
    return f"Exact Mult-Adds over α × resolution ({report.network.title})"


@lru_cache(maxsize=32)
def _plane_grid(network: Network, rules: str, classes: int, depth: float, variant: str,
                alphas: tuple[float, ...], resolutions: tuple[int, ...]) -> np.ndarray:
    """Million Mult-Adds over ``alphas`` × ``resolutions`` (read-only; the same for every α
    and size of one network, so a slider move reuses it)."""
    from costmodel.core.sweeps import sweep

    grid = sweep(np.asarray(alphas), np.asarray(resolutions), network=network, rules=rules,
                 num_classes=classes, depth=depth, variant=variant).mult_adds / 1e6
    grid.setflags(write=False)
    return grid


def _plane_traces(
    report: Report,
    alphas: np.ndarray | None = None,
    resolutions: np.ndarray | None = None,
    budget_mult_adds: float | None = None,
    frontier: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """The traces of :func:`plane_figure` (and :func:`plane_svg`): the heatmap of log10
    million Mult-Adds over α × resolution (one α row for a fixed-width network), one contour
    trace per level (25-600 M and the budget, in million Mult-Adds), the checkpoints, the
    budget frontier and the current configuration."""
    from costmodel.descriptions.builtin_networks import is_builtin
    from costmodel.literature.accuracy import FITTED, checkpoints

    size = report.network.image_size
    a = np.round(np.arange(0.25, 1.4001, 0.025), 3) if alphas is None else np.asarray(alphas)
    if report.network.fixed_width:  # timm's name fixes α: one row of the plane
        a = np.asarray([report.network.width])
    if resolutions is None:  # 96-320 px for MobileNet v1: 3/7 to 10/7 of the reference size
        step = max(size // 56, 1)
        r = np.arange(max(round(size * 3 / 7), 1), min(round(size * 10 / 7), 4096) + 1, step)
    else:
        r = np.asarray(resolutions)
    grid = _plane_grid(report.network, report.rules, report.classes, report.depth,
                       report.variant, tuple(a.tolist()), tuple(r.tolist()))
    ticks = [10, 30, 100, 300, 1000, 3000]
    traces: list[dict[str, Any]] = [{
        "type": "heatmap", "x": r, "y": a, "z": np.log10(grid), "customdata": grid,
        "colorscale": "Viridis",
        "colorbar": {"title": {"text": "M Mult-Adds"}, "tickvals": np.log10(ticks).tolist(),
                     "ticktext": [str(t) for t in ticks]},
        "hovertemplate": "α = %{y}<br>%{x} px<br>%{customdata:,.1f} M Mult-Adds<extra></extra>",
    }]
    levels = [25.0, 50.0, 100.0, 150.0, 300.0, 600.0]
    budget = None if budget_mult_adds is None else budget_mult_adds / 1e6
    if budget is not None and budget not in levels:
        levels.append(budget)
    for level in sorted(levels):
        is_budget = level == budget
        traces.append({
            "type": "contour", "x": r, "y": a, "z": grid, "showscale": False,
            "hoverinfo": "skip", "name": f"{level:g} M", "showlegend": False,
            "contours": {"start": level, "end": level, "size": 1, "coloring": "none",
                         "showlabels": True, "labelfont": {"color": "white"}},
            "line": {"color": "red" if is_budget else "white", "width": 3 if is_budget else 1},
        })
    key = report.network.key
    fitted = key in FITTED and is_builtin(report.network) and report.variant == "separable"
    ckpt = checkpoints(key) if fitted else checkpoints().iloc[0:0]
    # named by the repository that released them (each row's source begins with it): TF-slim
    # for MobileNet v1 and v2, tensorflow/tpu for MnasNet
    released = sorted({str(source).split()[0] for source in ckpt["source"]})
    traces.append({
        "type": "scatter", "mode": "markers",
        "name": f"{' and '.join(released)} checkpoints" if released else "Checkpoints",
        "x": ckpt["resolution"].tolist(), "y": ckpt["alpha"].tolist(),
        "marker": {"symbol": "circle", "size": 10, "color": "white",
                   "line": {"width": 2, "color": "black"}},
        "customdata": list(zip(ckpt["top1"], (ckpt["exact_mult_adds"] / 1e6).tolist(),
                               strict=True)),
        "hovertemplate": "checkpoint α = %{y}, %{x} px<br>top-1 %{customdata[0]}%<br>"
                         "%{customdata[1]:.1f} M Mult-Adds<extra></extra>",
    })
    if frontier is not None and not frontier.empty:
        on = frontier[frontier["on_frontier"]]
        traces.append({
            "type": "scatter", "mode": "markers", "name": "budget frontier",
            "x": on["resolution"].tolist(), "y": on["alpha"].tolist(),
            "marker": {"symbol": "diamond", "size": 8, "color": "orange"},
            "customdata": list(zip(on["top1"], (on["mult_adds"] / 1e6).tolist(), strict=True)),
            "hovertemplate": "frontier α = %{y}, %{x} px<br>predicted top-1 "
                             "%{customdata[0]:.1f}%<br>%{customdata[1]:.1f} M Mult-Adds"
                             "<extra></extra>",
        })
    traces.append({
        "type": "scatter", "mode": "markers", "name": "this configuration",
        "x": [report.resolution], "y": [report.alpha],
        "marker": {"symbol": "star", "size": 18, "color": "red",
                   "line": {"color": "white", "width": 1}},
        "hovertemplate": f"α = {report.alpha:g}, {report.resolution} px<br>"
                         f"{report.mult_adds:,} Mult-Adds<extra></extra>",
    })
    return traces


def plane_figure(
    report: Report,
    *,
    alphas: np.ndarray | None = None,
    resolutions: np.ndarray | None = None,
    budget_mult_adds: float | None = None,
    frontier: pd.DataFrame | None = None,
) -> go.Figure:
    """Exact Mult-Adds over the α × resolution plane (heatmap, log colour scale) with
    iso-budget contours, the 16 checkpoints, the current point, and the budget frontier."""
    traces = _plane_traces(report, alphas, resolutions, budget_mult_adds, frontier)
    return _figure(traces, {
        "title": {"text": _text(_plane_title(report))},
        "xaxis": {"title": {"text": "Input resolution (px)"}},
        "yaxis": {"title": {"text": "Width multiplier α"}},
        "legend": {"orientation": "h", "y": -0.18},
        "height": 640,
    })


def plane_svg(report: Report, *, budget_mult_adds: float | None = None,
              frontier: pd.DataFrame | None = None, phone: bool = False) -> str:
    """:func:`plane_figure` (default grid) as a static SVG from the same traces: the heatmap
    of Mult-Adds with its colour bar (million Mult-Adds, log scale), the iso-Mult-Adds
    contours (``budget_mult_adds``, in Mult-Adds, in red), the checkpoints and the current
    configuration; a fixed-width network's single α row is a strip. ``phone``: laid out for
    a 390-px screen (380 units wide, one legend column)."""
    from costmodel.presentation.svg_figures import layout, svg_heatmap_figure

    traces = _plane_traces(report, budget_mult_adds=budget_mult_adds, frontier=frontier)
    return svg_heatmap_figure(traces, title=_plane_title(report),
                              x_title="Input resolution (px)", y_title="Width multiplier α",
                              **layout(phone, height=520))


#: The networks drawn in the cost-against-latency chart, one line each over α.
LATENCY_NETWORKS = ("mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
                    "mnasnet_a1", "efficientnet_b0")


@cache
def _latency_traces(profile_name: str) -> tuple[dict[str, Any], ...]:
    """Estimated latency against Mult-Adds for each network over α at its reference size
    (built once per profile), and the published latencies measured on that device."""
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.literature.published import published_rows
    from costmodel.reports import report

    profile = get_profile(profile_name)
    traces: list[dict[str, Any]] = []
    for network in LATENCY_NETWORKS:
        points = []
        for a in np.round(np.arange(0.35, 1.41, 0.05), 2):
            r = report(float(a), network=network)
            points.append((r.mult_adds_m, r.latency(profile).total_ms, float(a)))
        traces.append({
            "type": "scatter", "mode": "lines", "name": network,
            "x": [p[0] for p in points], "y": [p[1] for p in points],
            "customdata": [p[2] for p in points],
            "hovertemplate": f"{network} α = %{{customdata}}<br>%{{x:.1f}} M Mult-Adds<br>"
                             "estimate %{y:.1f} ms<extra></extra>",
        })
    if profile_name == PIXEL1_PROFILE:  # the profile fitted to the published rows drawn
        rows = [r for r in published_rows() if r.device == "Pixel 1" and r.latency_ms
                and r.network and r.mult_adds is not None and "8-bit" not in r.model]
        traces.append({
            "type": "scatter", "mode": "markers", "name": "published, measured on a Pixel 1",
            "x": [r.mult_adds.millions for r in rows if r.mult_adds is not None],
            "y": [r.latency_ms for r in rows],
            "marker": {"symbol": "circle-open", "size": 8, "color": "black"},
            "customdata": [f"{r.model} ({r.source})" for r in rows],
            "hovertemplate": "%{customdata}<br>%{x} M Mult-Adds (printed)<br>%{y} ms measured"
                             "<extra></extra>",
        })
    return tuple(traces)


def _latency_figure_traces(report: Report, profile: str) -> list[dict[str, Any]]:
    """The traces of :func:`latency_figure` (and :func:`latency_svg`): the networks' lines
    and the published points (:func:`_latency_traces`), then ``report``'s configuration."""
    traces = [dict(t) for t in _latency_traces(profile)]
    traces.append({
        "type": "scatter", "mode": "markers", "name": "this configuration",
        "x": [report.mult_adds_m], "y": [report.latency(profile).total_ms],
        "marker": {"symbol": "star", "size": 16, "color": "red"},
        "hovertemplate": "this configuration<br>%{x:.1f} M Mult-Adds<br>%{y:.1f} ms"
                         "<extra></extra>",
    })
    return traces


def _latency_title(profile: str) -> str:
    """The latency chart's title, as plain text."""
    return f"Mult-Adds against estimated latency ({profile})"


def latency_figure(report: Report, profile: str = DEFAULT_PROFILE) -> go.Figure:
    """Estimated latency against Mult-Adds across families on ``profile`` (lines over α at
    each network's reference size), the published Pixel-1 measurements where the profile is
    ``pixel1``, and ``report``'s configuration: where Mult-Adds and time disagree."""
    return _figure(_latency_figure_traces(report, profile), {
        "title": {"text": _text(_latency_title(profile))},
        "xaxis": {"title": {"text": "Million Mult-Adds"}},
        "yaxis": {"title": {"text": "Latency (ms, estimate)"}},
        "legend": {"orientation": "h", "y": -0.2},
        "height": 520,
    })


def latency_svg(report: Report, profile: str = DEFAULT_PROFILE, *, phone: bool = False) -> str:
    """:func:`latency_figure` as a static SVG from the same traces (linear axes: million
    Mult-Adds, estimated ms; tooltips on the markers). ``phone``: laid out for a 390-px
    screen (380 units wide, one legend column)."""
    from costmodel.presentation.svg_figures import layout, svg_figure

    return svg_figure(_latency_figure_traces(report, profile),
                      title=f"Estimated latency ({profile})" if phone
                      else _latency_title(profile),
                      x_title="Million Mult-Adds", y_title="Latency (ms, estimate)",
                      **layout(phone))


TIME_SHARE_TITLE = "Where the Mult-Adds are, and where the time goes"


def _time_share_traces(report: Report, profile: str) -> list[dict[str, Any]]:
    """The traces of :func:`time_share_figure` (and :func:`time_share_svg`): per kind of
    layer, its share of the Mult-Adds and of the estimated time on ``profile`` (%)."""
    shares = report.latency(profile).share_by_kind
    return [
        {"type": "bar", "name": "share of Mult-Adds", "x": shares["latency_kind"].tolist(),
         "y": shares["mult_adds_pct"].round(2).tolist(),
         "hovertemplate": "%{x}: %{y:.1f} % of the Mult-Adds<extra></extra>"},
        {"type": "bar", "name": f"share of time ({_text(profile)})",
         "x": shares["latency_kind"].tolist(), "y": shares["time_pct"].round(2).tolist(),
         "hovertemplate": "%{x}: %{y:.1f} % of the time<extra></extra>"},
    ]


def time_share_figure(report: Report, profile: str = DEFAULT_PROFILE) -> go.Figure:
    """Share of Mult-Adds against share of estimated time, per kind of layer: depthwise
    layers hold a few % of the Mult-Adds and a far larger share of the time."""
    return _figure(_time_share_traces(report, profile), {
        "title": {"text": TIME_SHARE_TITLE},
        "barmode": "group", "yaxis": {"title": {"text": "%"}},
        "legend": {"orientation": "h", "y": -0.2}, "height": 420,
    })


def time_share_svg(report: Report, profile: str = DEFAULT_PROFILE, *,
                   phone: bool = False) -> str:
    """:func:`time_share_figure` as a static SVG from the same traces: per kind of layer, its
    share of the Mult-Adds and of the estimated time (%) as grouped bars. ``phone``: laid
    out for a 390-px screen (380 units wide, one legend column)."""
    from costmodel.presentation.svg_figures import layout, svg_bar_figure

    return svg_bar_figure(_time_share_traces(report, profile),
                          title="Share of Mult-Adds and of time" if phone else TIME_SHARE_TITLE,
                          y_titles=("%",), **layout(phone, height=400))


def figures_html(figures: list[go.Figure], *, title: str = "costmodel figures") -> str:
    """One standalone HTML page holding ``figures`` (plotly.js embedded once; works offline)."""
    parts = [f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)]
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body>{''.join(parts)}</body></html>")


__all__ = ["cost_accuracy_figure", "cost_accuracy_svg", "figures_html", "latency_figure",
           "latency_svg", "layers_figure", "layers_svg", "plane_figure", "plane_svg",
           "time_share_figure", "time_share_svg"]
