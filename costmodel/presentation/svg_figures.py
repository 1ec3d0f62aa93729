"""A light, static rendering of a figure's traces as SVG, for the dashboard's default charts.

Plotly redraws a chart in about 60-500 ms of browser time on every slider move; a static SVG of
the same traces draws in a few. These renderers take the same trace dictionaries as the plotly
builders in :mod:`costmodel.presentation.plots` (``x``, ``y``, ``z``, ``mode``, ``name``,
``marker``, ``line``, ``text``, ``customdata``, ``hovertemplate``, ``showlegend``), so the data
has one home, and support what those charts use:

* :func:`svg_figure`: scatter traces (markers in plotly's symbols, lines with gaps (``None``)
  and the ``hv`` step shape), a log or linear x axis, a linear y axis;
* :func:`svg_bar_figure`: bar traces on a categorical x axis, grouped or overlaid, in one or
  more stacked panels sharing that axis (a trace's ``yaxis``), linear or log y;
* :func:`svg_heatmap_figure`: a heatmap with its colour bar, contour traces (one line per
  level, computed by :func:`contour_lines`) and scatter markers over it.

Each marker or bar carries its hover text (``text``, else ``hovertemplate`` read as plotly
does) as a native tooltip (``<title>``). Output is a self-contained ``<svg>`` with a viewBox,
so it scales; all text is escaped once (plotly's entity-escaped text is unescaped first).
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape, unescape
from typing import Any, TypedDict

import numpy as np

#: plotly's default colour sequence, used for traces without a colour of their own.
COLORWAY = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692",
            "#B6E880", "#FF97FF", "#FECB52")
WIDTH, HEIGHT = 760, 440
_PLOT = {"left": 58, "right": 16, "top": 34, "bottom": 52}
_LEGEND_ROW = 18


def _marker(symbol: str, x: float, y: float, size: float, colour: str, edge: str,
            edge_width: float = 1.0) -> str:
    r = size / 2
    style = f'fill="{colour}" stroke="{edge}" stroke-width="{edge_width:g}"'
    if symbol.endswith("-open"):
        style = f'fill="none" stroke="{colour}" stroke-width="1.5"'
        symbol = symbol.removesuffix("-open")
    if symbol == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>'
    if symbol == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{size:.1f}" '
                f'height="{size:.1f}" {style}/>')
    if symbol == "diamond":
        points = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
    elif symbol == "triangle-up":
        points = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
    elif symbol in ("star", "star-diamond"):
        spikes = 4 if symbol == "star-diamond" else 5
        points = []
        for i in range(spikes * 2):
            radius = r * 1.4 if i % 2 == 0 else r * (0.45 if spikes == 5 else 0.5)
            angle = math.pi * i / spikes - math.pi / 2
            points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    else:  # "x" and anything else: a cross
        d = r * 0.9
        return (f'<path d="M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}M{x - d:.1f},'
                f'{y + d:.1f}L{x + d:.1f},{y - d:.1f}" stroke="{colour}" stroke-width="2"/>')
    text = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polygon points="{text}" {style}/>'


def _with_title(element: str, tip: str) -> str:
    """``<circle .../>`` → ``<circle ...><title>tip</title></circle>`` (a native tooltip
    without a wrapping group: fewer elements to parse)."""
    tag = element[1:element.index(" ")]
    return f"{element[:-2]}><title>{escape(tip)}</title></{tag}>"


def _ticks_log(low: float, high: float) -> list[float]:
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 3):
            value = mantissa * 10.0 ** exponent
            if low <= value <= high:
                ticks.append(value)
    return ticks


def _ticks_linear(low: float, high: float) -> list[float]:
    span = max(high - low, 1e-9)
    raw = span / 6
    step = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= step * factor:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"


#: a phone's layout: drawn about as wide as a 390-px screen shows it, so that 11-unit text is
#: about 10 px there (the desktop layout, scaled to a phone, gives about 5 px)
PHONE = {"width": 380, "height": 330, "legend_columns": 1}


class Layout(TypedDict, total=False):
    """The size keywords the renderers take."""

    width: int
    height: int
    legend_columns: int


def layout(phone: bool, *, height: int = 0, legend_columns: int = 2,
           phone_height: int = 0) -> Layout:
    """A chart's size and legend columns, as the renderers take them: :data:`PHONE`'s on a
    phone (``phone_height`` units high where given), else ``height`` (0: the default 440)
    and ``legend_columns``."""
    if phone:
        return {"width": PHONE["width"], "height": phone_height or PHONE["height"],
                "legend_columns": PHONE["legend_columns"]}
    return {"height": height, "legend_columns": legend_columns}


def svg_figure(traces: Sequence[dict[str, Any]], *, title: str = "", x_title: str = "",
               y_title: str = "", x_log: bool = False, width: int = 0, height: int = 0,
               legend_columns: int = 2) -> str:
    """Render scatter ``traces`` (plotly-style dictionaries) as one SVG string, ``width`` ×
    ``height`` units before the legend (default 760 × 440; :data:`PHONE` for a phone's
    screen) with the legend in ``legend_columns`` columns. Text is 11 units (title 14)."""
    canvas_w, canvas_h = width or WIDTH, height or HEIGHT
    points = [(float(x), float(y)) for t in traces
              for x, y in zip(t.get("x", ()), t.get("y", ()), strict=False)
              if x is not None and y is not None and (not x_log or float(x) > 0)]
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {canvas_w} 60">'
                f'<text x="10" y="30">{escape(title)}: nothing to draw</text></svg>')
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    legend = [t for t in traces if t.get("showlegend", True) is not False and t.get("name")]
    legend_rows = math.ceil(len(legend) / legend_columns)
    height = canvas_h + legend_rows * _LEGEND_ROW
    plot_w = canvas_w - _PLOT["left"] - _PLOT["right"]
    plot_h = canvas_h - _PLOT["top"] - _PLOT["bottom"]
    if x_log:
        x_lo, x_hi = math.log10(min(xs)) - 0.08, math.log10(max(xs)) + 0.08
    else:
        pad = (max(xs) - min(xs)) * 0.05 or 1.0
        x_lo, x_hi = min(xs) - pad, max(xs) + pad
    y_pad = (max(ys) - min(ys)) * 0.06 or 1.0
    y_lo, y_hi = min(ys) - y_pad, max(ys) + y_pad

    def px(x: float) -> float:
        value = math.log10(x) if x_log else x
        return _PLOT["left"] + (value - x_lo) / (x_hi - x_lo) * plot_w

    def py(y: float) -> float:
        return _PLOT["top"] + (y_hi - y) / (y_hi - y_lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {canvas_w} {height}" '
           f'width="{canvas_w}" height="{height}" role="img" font-family="sans-serif" '
           f'font-size="11">',
           f"<title>{escape(title)}</title>",
           f'<text x="{_PLOT["left"]}" y="20" font-size="14" font-weight="600">'
           f"{escape(title)}</text>"]
    bottom = _PLOT["top"] + plot_h
    x_ticks = (_ticks_log(10 ** x_lo, 10 ** x_hi) if x_log else _ticks_linear(x_lo, x_hi))
    for tick in x_ticks:
        x = px(tick)
        out.append(f'<line x1="{x:.1f}" y1="{_PLOT["top"]}" x2="{x:.1f}" y2="{bottom}" '
                   f'stroke="#ebf0f8"/><text x="{x:.1f}" y="{bottom + 15}" '
                   f'text-anchor="middle" fill="#444">{_label(tick)}</text>')
    for tick in _ticks_linear(y_lo, y_hi):
        y = py(tick)
        out.append(f'<line x1="{_PLOT["left"]}" y1="{y:.1f}" x2="{_PLOT["left"] + plot_w}" '
                   f'y2="{y:.1f}" stroke="#ebf0f8"/><text x="{_PLOT["left"] - 6}" '
                   f'y="{y + 4:.1f}" text-anchor="end" fill="#444">{tick:g}</text>')
    out.append(f'<text x="{_PLOT["left"] + plot_w / 2:.1f}" y="{bottom + 34}" '
               f'text-anchor="middle">{escape(x_title)}</text>')
    out.append(f'<text transform="translate(14,{_PLOT["top"] + plot_h / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">{escape(y_title)}</text>')
    colours = [_colour(t, i) for i, t in enumerate(traces)]
    for index, trace in enumerate(traces):
        marker = trace.get("marker") or {}
        line = trace.get("line") or {}
        mode = str(trace.get("mode", "markers"))
        pairs = list(zip(trace.get("x", ()), trace.get("y", ()), strict=False))
        if "lines" in mode:
            out.append(_path(pairs, px, py, str(line.get("shape", "linear")),
                             colours[index], float(line.get("width", 1.5)),
                             str(line.get("dash", ""))))
        if "markers" in mode:
            texts = trace.get("text")
            size = float(marker.get("size", 8))
            edge = str((marker.get("line") or {}).get("color", "white"))
            hover = (_hover(trace) if trace.get("hovertemplate")
                     and not isinstance(texts, list | tuple) else None)
            for i, (x, y) in enumerate(pairs):
                if x is None or y is None or (x_log and float(x) <= 0):
                    continue
                shape = _marker(str(marker.get("symbol", "circle")), px(float(x)),
                                py(float(y)), size, colours[index], edge)
                if hover is not None:  # no text: the hovertemplate's, already plain
                    tip = hover(i, x, y)
                    out.append(shape if tip is None else _with_title(shape, tip))
                    continue
                tip = texts[i] if isinstance(texts, list | tuple) and i < len(texts) else (
                    f"{trace.get('name', '')}: {float(x):,.1f}, {float(y):g}")
                # the trace's text is plotly's (entities for user text): as plain text here
                out.append(_with_title(shape, unescape(str(tip))))
    for i, trace in enumerate(legend):
        index = traces.index(trace)
        column, row = i % legend_columns, i // legend_columns
        x = (_PLOT["left"] if legend_columns > 1 else 8) + column * plot_w / legend_columns
        y = canvas_h + row * _LEGEND_ROW - 4
        marker = trace.get("marker") or {}
        if "markers" in str(trace.get("mode", "markers")):
            sample = _marker(str(marker.get("symbol", "circle")), x + 6, y - 4,
                             min(float(marker.get("size", 8)), 10), colours[index], "white")
        else:
            sample = (f'<line x1="{x}" y1="{y - 4}" x2="{x + 14}" y2="{y - 4}" '
                      f'stroke="{colours[index]}" stroke-width="2"/>')
        out.append(f'{sample}<text x="{x + 20}" y="{y}">{escape(str(trace["name"]))}</text>')
    out.append("</svg>")
    return "".join(out)


def _path(pairs: list[tuple[Any, Any]], px: Any, py: Any, shape: str, colour: str,  # noqa: ANN401
          width: float, dash: str) -> str:
    parts: list[str] = []
    previous: tuple[float, float] | None = None
    for x, y in pairs:
        if x is None or y is None:
            previous = None
            continue
        point = (px(float(x)), py(float(y)))
        if previous is None:
            parts.append(f"M{point[0]:.1f},{point[1]:.1f}")
        elif shape == "hv":
            parts.append(f"H{point[0]:.1f}V{point[1]:.1f}")
        else:
            parts.append(f"L{point[0]:.1f},{point[1]:.1f}")
        previous = point
    dashes = ' stroke-dasharray="2,3"' if dash == "dot" else ""
    return (f'<path d="{"".join(parts)}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}"{dashes}/>')


# --- shared by the bar and heatmap renderers ---------------------------------------------------

#: about the width of one character of 11-unit sans-serif text (units)
_CHAR = 6.2
_FIELD = re.compile(r"%\{(\w+)(?:\[(\d+)\])?(?::([^}]*))?\}")
_EXTRA = re.compile(r"<extra>.*?</extra>", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
#: plotly's "Viridis" colour scale (plotly.js's stops)
VIRIDIS = ((0.0, "#440154"), (0.06274509803921569, "#48186a"), (0.12549019607843137, "#472d7b"),
           (0.18823529411764706, "#424086"), (0.25098039215686274, "#3b528b"),
           (0.3137254901960784, "#33638d"), (0.3764705882352941, "#2c728e"),
           (0.4392156862745098, "#26828e"), (0.5019607843137255, "#21918c"),
           (0.5647058823529412, "#1fa088"), (0.6274509803921569, "#28ae80"),
           (0.6901960784313725, "#3fbc73"), (0.7529411764705882, "#5ec962"),
           (0.8156862745098039, "#84d44b"), (0.8784313725490196, "#addc30"),
           (0.9411764705882353, "#d8e219"), (1.0, "#fde725"))
_SCALES = {"viridis": VIRIDIS}

Hover = Callable[[int, Any, Any], "str | None"]


def _field_text(value: object, spec: str | None) -> str:
    """One hovertemplate field. ``spec`` is d3's format, which Python's reads alike for the
    specs used here (``,``, ``.1f``, ``,.1f``); a number without one is shown as written."""
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            pass
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:,.0f}" if abs(number) >= 1e6 else f"{number:.6g}"
    return str(value)


def _hover(trace: dict[str, Any]) -> Hover:
    """The trace's hover text of point ``i`` at ``(x, y)`` as plain text (None: no tooltip):
    its ``hovertemplate`` filled in (fields ``x``, ``y``, ``text``, ``customdata`` with an
    optional ``[k]`` and d3 format, ``<br>`` → a new line), else its ``text``, else
    ``name: x, y``. The trace's text is plotly's (entities for user text): unescaped here, so
    the caller escapes it exactly once."""
    if trace.get("hoverinfo") == "skip":
        return lambda i, x, y: None
    texts = trace.get("text")
    custom = trace.get("customdata")
    template = trace.get("hovertemplate")
    if not template:
        if isinstance(texts, list | tuple):
            return lambda i, x, y: unescape(str(texts[i])) if i < len(texts) else None
        if isinstance(texts, str):
            return lambda i, x, y: unescape(texts)
        name = unescape(str(trace.get("name", "")))
        return lambda i, x, y: f"{name}: {_field_text(x, None)}, {_field_text(y, ',')}"
    parts = _FIELD.split(_EXTRA.sub("", str(template)))
    fields = [(parts[k], parts[k + 1], parts[k + 2], parts[k + 3])
              for k in range(0, len(parts) - 1, 4)]
    tail = parts[-1]

    def tip(i: int, x: Any, y: Any) -> str:  # noqa: ANN401 -- a trace's values
        out: list[str] = []
        for literal, name, index, spec in fields:
            out.append(literal)
            value: Any = {"x": x, "y": y}.get(name)
            if name == "customdata" and custom is not None and i < len(custom):
                value = custom[i]
            elif name == "text" and isinstance(texts, list | tuple) and i < len(texts):
                value = texts[i]
            if value is not None and index is not None:
                value = value[int(index)]
            out.append("" if value is None else _field_text(value, spec))
        out.append(tail)
        return unescape(_BREAK.sub("\n", "".join(out)))

    return tip


def _compact(value: float) -> str:
    """A tick label: 1500 → 1.5k, 2·10⁶ → 2M, 3·10⁹ → 3B (plotly's suffixes), else as %g."""
    size = abs(value)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{round(value, 9):g}"


def _open(title: str, width: float, height: float) -> list[str]:
    """The ``<svg>`` element, ``width`` × ``height`` units, and its title (14 units, shrunk to
    fit the width if long)."""
    x = _PLOT["left"] if width >= 500 else 8
    room = width - x - 8
    size = 14.0
    if len(title) * 0.58 * size > room:
        size = max(11.0, math.floor(room / (len(title) * 0.58)))
    fit = (f' textLength="{room:.0f}" lengthAdjust="spacingAndGlyphs"'
           if len(title) * 0.58 * size > room else "")
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" font-family="sans-serif" '
            f'font-size="11">',
            f"<title>{escape(title)}</title>",
            f'<text x="{x}" y="20" font-size="{size:g}" font-weight="600"{fit}>'
            f"{escape(title)}</text>"]


def _empty(title: str, width: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} 60" role="img" '
            f'font-family="sans-serif" font-size="11"><title>{escape(title)}</title>'
            f'<text x="10" y="30">{escape(title)}: nothing to draw</text></svg>')


def _legend(traces: Sequence[dict[str, Any]], colours: Sequence[str], sample: Callable[
        [dict[str, Any], str, float, float], str], *, top: float, left: float,
        plot_w: float, columns: int) -> tuple[list[str], int]:
    """The legend's elements (traces with a name, some points and ``showlegend`` not false;
    heatmaps and contours only when ``showlegend`` is true) and its number of rows, the first
    row's baseline at ``top``."""
    shown = [i for i, t in enumerate(traces) if t.get("name") and len(t.get("x", ())) and (
        t.get("showlegend") is True or (t.get("showlegend", True) is not False
                                        and t.get("type", "scatter") in ("scatter", "bar")))]
    out = []
    for k, index in enumerate(shown):
        column, row = k % columns, k // columns
        x = (left if columns > 1 else 8) + column * plot_w / columns
        y = top + row * _LEGEND_ROW
        out.append(f'{sample(traces[index], colours[index], x, y)}<text x="{x + 20}" y="{y}">'
                   f"{escape(unescape(str(traces[index]['name'])))}</text>")
    return out, math.ceil(len(shown) / columns)


def _colour(trace: dict[str, Any], index: int) -> str:
    marker = trace.get("marker") or {}
    line = trace.get("line") or {}
    return str(marker.get("color") or line.get("color") or COLORWAY[index % len(COLORWAY)])


# --- bars on a categorical axis ------------------------------------------------------------------

def _bar_sample(trace: dict[str, Any], colour: str, x: float, y: float) -> str:
    edge = (trace.get("marker") or {}).get("line") or {}
    stroke = f' stroke="{edge["color"]}"' if edge.get("color") else ""
    return f'<rect x="{x + 1}" y="{y - 9}" width="10" height="10" fill="{colour}"{stroke}/>'


def _log_ticks(low: float, high: float, room: float) -> list[float]:
    """Ticks between 10**low and 10**high: 1 and 3 per decade over a few decades, else every
    decade (every other when ``room`` units cannot hold one label per 14 units)."""
    if high - low <= 3.5:
        return _ticks_log(10 ** low, 10 ** high)
    decades = list(range(math.ceil(low), math.floor(high) + 1))
    step = max(1, math.ceil(len(decades) * 14 / max(room, 1)))
    return [10.0 ** d for d in decades if d % step == 0]


def svg_bar_figure(traces: Sequence[dict[str, Any]], *, title: str = "", x_title: str = "",
                   y_titles: Sequence[str] = ("",), barmode: str = "group",
                   y_log: bool = False, width: int = 0, height: int = 0,
                   legend_columns: int = 4) -> str:
    """Render bar ``traces`` (plotly-style dictionaries) on one categorical x axis (a slot per
    distinct ``x``, in order of first appearance) as one SVG string. Traces with ``yaxis``
    ``"y"``, ``"y2"``, … fill stacked panels, top to bottom, titled by ``y_titles``;
    ``barmode`` ``"group"`` (side by side) or ``"overlay"`` (in trace order, later on top);
    ``y_log``: log y, bars rising from the axis floor, values ≤ 0 drawn as nothing. Each bar
    has its hover text as a tooltip. ``width`` × ``height`` units before the legend (default
    760 × 440; :data:`PHONE` for a phone's screen). Text is 11 units (title 14). Category
    labels are written across when they fit, upright when the slots are at least 12 units,
    else the slots are numbered (1 = the first)."""
    canvas_w, canvas_h = width or WIDTH, height or HEIGHT
    categories = list(dict.fromkeys(x for t in traces for x in t.get("x", ()) if x is not None))
    if not categories:
        return _empty(title, canvas_w)
    position = {c: i for i, c in enumerate(categories)}
    plot_w = canvas_w - _PLOT["left"] - _PLOT["right"]
    slot = plot_w / len(categories)
    labels = [unescape(str(c)) for c in categories]
    longest = max(len(label) for label in labels)
    if longest * _CHAR + 6 <= slot:
        label_mode, band = "across", 18.0
    elif slot >= 12 and len(categories) <= 80:
        labels = [label if len(label) <= 16 else label[:15] + "…" for label in labels]
        label_mode, band = "upright", min(longest, 16) * _CHAR + 10
    else:
        label_mode, band = "numbered", 18.0
    bottom_margin = band + (34 if x_title else 18)
    axes = sorted({str(t.get("yaxis", "y")) for t in traces}, key=lambda a: int(a[1:] or 1))
    panels = max(len(axes), len(y_titles))
    gap = 22
    total_h = canvas_h - _PLOT["top"] - bottom_margin
    panel_h = (total_h - gap * (panels - 1)) / panels
    colours = [_colour(t, i) for i, t in enumerate(traces)]
    legend, rows = _legend(traces, colours, _bar_sample, top=canvas_h - 4,
                           left=_PLOT["left"], plot_w=plot_w, columns=legend_columns)
    out = _open(title, canvas_w, canvas_h + rows * _LEGEND_ROW)
    right = _PLOT["left"] + plot_w
    for p in range(panels):
        top = _PLOT["top"] + p * (panel_h + gap)
        bottom = top + panel_h
        members = [i for i, t in enumerate(traces)
                   if p < len(axes) and str(t.get("yaxis", "y")) == axes[p]]
        values = [float(v) for i in members for v in traces[i].get("y", ()) if v is not None]
        if y_log:
            positive = [v for v in values if v > 0]
            low = math.log10(min(positive)) - 0.3 if positive else 0.0
            high = math.log10(max(positive)) + 0.08 if positive else 1.0
            high = max(high, low + 1)
        else:
            low, high = min([0.0, *values]), max([0.0, *values])  # an empty panel: 0..1
            pad = (high - low) * 0.05 or 1.0
            low, high = (low - pad if low < 0 else low), (high + pad if high > 0 or low == 0
                                                          else high)

        def py(value: float, low: float = low, high: float = high, top: float = top) -> float:
            t = math.log10(value) if y_log else value
            return top + (high - t) / (high - low) * panel_h

        out.append("<g>")
        ticks = (_log_ticks(low, high, panel_h) if y_log
                 else _ticks_linear(low, high))
        for tick in ticks:
            y = py(tick)
            out.append(f'<line x1="{_PLOT["left"]}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                       f'stroke="#ebf0f8"/><text x="{_PLOT["left"] - 6}" y="{y + 4:.1f}" '
                       f'text-anchor="end" fill="#444">{_compact(tick)}</text>')
        base = bottom if y_log else py(0.0)
        out.append(f'<line x1="{_PLOT["left"]}" y1="{base:.1f}" x2="{right}" y2="{base:.1f}" '
                   f'stroke="#bbb"/>')
        y_title = y_titles[p] if p < len(y_titles) else ""
        out.append(f'<text transform="translate(14,{top + panel_h / 2:.1f}) rotate(-90)" '
                   f'text-anchor="middle">{escape(y_title)}</text>')
        for k, index in enumerate(members):
            trace = traces[index]
            bar_w = slot * 0.8 / (len(members) if barmode == "group" else 1)
            offset = _PLOT["left"] + slot * 0.1 + (k * bar_w if barmode == "group" else 0)
            edge = (trace.get("marker") or {}).get("line") or {}
            stroke = (f' stroke="{edge["color"]}" stroke-width='
                      f'"{min(float(edge.get("width", 1)), bar_w * 0.2):.2g}"'
                      if edge.get("color") else "")
            hover = _hover(trace)
            for i, (x, v) in enumerate(zip(trace.get("x", ()), trace.get("y", ()),
                                           strict=False)):
                if x is None or v is None or (y_log and float(v) <= 0):
                    continue
                end = py(float(v))
                bar = (f'<rect x="{offset + position[x] * slot:.2f}" y="{min(base, end):.1f}" '
                       f'width="{bar_w:.2f}" height="{abs(base - end):.1f}" '
                       f'fill="{colours[index]}"{stroke}/>')
                tip = hover(i, x, v)
                out.append(bar if tip is None else _with_title(bar, tip))
        out.append("</g>")
    bottom = _PLOT["top"] + total_h
    if label_mode == "across":
        for i, label in enumerate(labels):
            out.append(f'<text x="{_PLOT["left"] + (i + 0.5) * slot:.1f}" y="{bottom + 15}" '
                       f'text-anchor="middle" fill="#444">{escape(label)}</text>')
    elif label_mode == "upright":
        for i, label in enumerate(labels):
            x = _PLOT["left"] + (i + 0.5) * slot + 4
            out.append(f'<text transform="translate({x:.1f},{bottom + 6}) rotate(-90)" '
                       f'text-anchor="end" fill="#444">{escape(label)}</text>')
    else:
        raw = 36 / slot
        step = next(f * 10 ** e for e in range(12) for f in (1, 2, 5) if f * 10 ** e >= raw)
        for number in range(step, len(categories) + 1, step):
            x = _PLOT["left"] + (number - 0.5) * slot
            out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" '
                       f'stroke="#888"/><text x="{x:.1f}" y="{bottom + 15}" '
                       f'text-anchor="middle" fill="#444">{number}</text>')
    if x_title:
        out.append(f'<text x="{_PLOT["left"] + plot_w / 2:.1f}" y="{bottom + band + 16:.1f}" '
                   f'text-anchor="middle">{escape(x_title)}</text>')
    out += legend
    out.append("</svg>")
    return "".join(out)


# --- heatmap, contours and markers ---------------------------------------------------------------

#: An array's content as a hashable key: (shape, float64 bytes).
Content = tuple[tuple[int, ...], bytes]


def _content(values: Sequence[Any] | np.ndarray) -> Content:
    array = np.ascontiguousarray(values, dtype=float)
    return array.shape, array.tobytes()


@lru_cache(maxsize=256)
def _contour_chains(x: Content, y: Content, z: Content,
                    level: float) -> tuple[tuple[tuple[float, float], ...], ...]:
    """:func:`contour_lines` of arrays given by :func:`_content`, kept by content: the
    α × resolution plane's contours are the same at every α of a network (~4 ms a slider
    move)."""
    def array(content: Content) -> np.ndarray:
        return np.frombuffer(content[1], dtype=float).reshape(content[0])

    return tuple(tuple(chain) for chain in contour_lines(array(x), array(y), array(z), level))


def _edges(values: np.ndarray) -> np.ndarray:
    """The cell edges around centres ``values`` (midpoints, the ends half a step out); one
    value: a strip ±half its size (±0.5 at 0)."""
    if values.size == 1:
        half = abs(float(values[0])) * 0.5 or 0.5
        return np.array([values[0] - half, values[0] + half], dtype=float)
    middle = (values[1:] + values[:-1]) / 2
    return np.concatenate([[2 * values[0] - middle[0]], middle,
                           [2 * values[-1] - middle[-1]]])


def contour_lines(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
                  z: Sequence[Sequence[float]] | np.ndarray,
                  level: float) -> list[list[tuple[float, float]]]:
    """The lines where the grid ``z`` (one row per ``y``, one column per ``x``) equals
    ``level``, interpolated linearly along the grid's edges (marching squares, as plotly
    draws contours), as polylines of (x, y) points in data units. A grid of one row (or
    column) is a strip (see :func:`svg_heatmap_figure`): its lines cross it."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    grid = np.asarray(z, dtype=float).reshape(ys.size, xs.size)
    if ys.size == 1:
        ys, grid = _edges(ys), np.vstack([grid, grid])
    if xs.size == 1:
        xs, grid = _edges(xs), np.hstack([grid, grid])
    if xs.size < 2 or ys.size < 2:
        return []
    ny, nx = grid.shape
    above = grid >= level
    valid = ~np.isnan(grid)
    across = (above[:, :-1] != above[:, 1:]) & valid[:, :-1] & valid[:, 1:]
    upward = (above[:-1] != above[1:]) & valid[:-1] & valid[1:]
    whole = valid[:-1, :-1] & valid[:-1, 1:] & valid[1:, :-1] & valid[1:, 1:]
    cells = (across[:-1] | across[1:] | upward[:, :-1] | upward[:, 1:]) & whole
    # the crossings: key i·nx + j along row i between columns j and j + 1, ny·nx + i·nx + j
    # along column j between rows i and i + 1
    i, j = np.nonzero(across)
    t = (level - grid[i, j]) / (grid[i, j + 1] - grid[i, j])
    points = dict(zip((i * nx + j).tolist(),
                      zip((xs[j] + t * (xs[j + 1] - xs[j])).tolist(), ys[i].tolist(),
                          strict=True), strict=True))
    i, j = np.nonzero(upward)
    t = (level - grid[i, j]) / (grid[i + 1, j] - grid[i, j])
    points.update(zip((ny * nx + i * nx + j).tolist(),
                      zip(xs[j].tolist(), (ys[i] + t * (ys[i + 1] - ys[i])).tolist(),
                          strict=True), strict=True))
    segments: list[tuple[int, int]] = []
    for ci, cj in np.argwhere(cells).tolist():
        bottom, top = ci * nx + cj, (ci + 1) * nx + cj
        left, right = ny * nx + ci * nx + cj, ny * nx + ci * nx + cj + 1
        crossed = [e for e in (bottom, right, top, left) if e in points]
        if len(crossed) == 2:
            segments.append((crossed[0], crossed[1]))
        elif len(crossed) == 4:  # a saddle: cut off the corners unlike the cell's mean
            centre = float(grid[ci:ci + 2, cj:cj + 2].mean()) >= level
            for corner, (a, b) in ((above[ci, cj], (bottom, left)),
                                   (above[ci, cj + 1], (bottom, right)),
                                   (above[ci + 1, cj + 1], (top, right)),
                                   (above[ci + 1, cj], (top, left))):
                if bool(corner) != centre:
                    segments.append((a, b))
    ends: dict[int, list[int]] = {}
    for s, (a, b) in enumerate(segments):
        ends.setdefault(a, []).append(s)
        ends.setdefault(b, []).append(s)
    used = [False] * len(segments)
    lines: list[list[tuple[float, float]]] = []
    starts = [k for k, v in ends.items() if len(v) == 1] + list(ends)
    for start in starts:
        key, chain = start, [start]
        while (step := next((s for s in ends[key] if not used[s]), None)) is not None:
            used[step] = True
            a, b = segments[step]
            key = b if a == key else a
            chain.append(key)
        if len(chain) > 1:
            lines.append([points[k] for k in chain])
    return lines


def _rgb(colour: str) -> tuple[float, float, float]:
    if colour.startswith("#"):
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    r, g, b = (float(v) for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3])
    return (r, g, b)


def _scale(colorscale: object) -> tuple[tuple[float, str], ...]:
    if isinstance(colorscale, str):
        return _SCALES.get(colorscale.lower(), VIRIDIS)
    if isinstance(colorscale, Sequence) and colorscale:
        return tuple((float(p), str(c)) for p, c in colorscale)
    return VIRIDIS


def _colour_map(values: np.ndarray, scale: tuple[tuple[float, str], ...]) -> list[str]:
    """``values`` (clipped to 0..1) → hex colours, interpolated linearly in RGB between the
    stops (in 1/1023 steps of the scale: a difference no eye sees, and a table instead of a
    format per cell)."""
    finite = np.ascontiguousarray(values, dtype=float)
    return list(_colour_map_of(finite.tobytes(), scale))


@lru_cache(maxsize=64)
def _colour_map_of(values: bytes, scale: tuple[tuple[float, str], ...]) -> tuple[str, ...]:
    """:func:`_colour_map` of ``values`` (float64 bytes), kept by content: the α × resolution
    plane's grid is the same at every α of a network (~2 ms a slider move)."""
    stops = np.array([p for p, _ in scale])
    rgb = np.array([_rgb(c) for _, c in scale])
    steps = np.linspace(0.0, 1.0, 1024)
    channels = np.stack([np.interp(steps, stops, rgb[:, k]) for k in range(3)], axis=-1)
    table = [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in np.rint(channels).astype(int).tolist()]
    # a cell that is not a finite number is not drawn: coloured as 0 here, never indexed
    # out of the table
    finite = np.nan_to_num(np.frombuffer(values, dtype=float), nan=0.0, posinf=1.0,
                           neginf=0.0)
    return tuple(table[k] for k in np.rint(np.clip(finite, 0, 1) * 1023).astype(int).tolist())


def _png(fills: Sequence[str], drawn: Sequence[bool], columns: int) -> bytes:
    """An RGBA PNG (8 bits a channel) of ``fills`` ("#rrggbb", row by row, ``columns`` a
    row; a cell not ``drawn`` transparent): the PNG specification's IHDR, one zlib-compressed
    IDAT (filter 0 on every row) and IEND."""
    rows = len(fills) // columns
    pixels = bytearray()
    for i in range(rows):
        pixels.append(0)  # the row's filter type: none
        for j in range(columns):
            k = i * columns + j
            pixels += bytes.fromhex(fills[k][1:]) + (b"\xff" if drawn[k] else b"\x00")

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", columns, rows, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(pixels), 9)) + chunk(b"IEND", b""))


@lru_cache(maxsize=64)
def _png_base64(fills: tuple[str, ...], drawn: tuple[bool, ...], columns: int) -> str:
    """:func:`_png`, base64-encoded, kept by content (the plane's picture is the same at
    every α of a network: ~2.5 ms a slider move)."""
    return base64.b64encode(_png(fills, drawn, columns)).decode("ascii")


def _regular(edges: Sequence[float]) -> bool:
    """Whether the cells between ``edges`` (screen units) are equally wide, to 0.01 unit."""
    widths = [b - a for a, b in itertools.pairwise(edges)]
    return max(widths) - min(widths) < 0.01


#: A heatmap of at least this many cells on a regular grid is drawn as one picture (a PNG,
#: one pixel a cell, scaled without smoothing) rather than a rect a cell: the α × resolution
#: plane's 2,679 rects made its SVG 194 kB, sent and drawn again on every slider move.
RASTER_CELLS = 256


def _marker_sample(trace: dict[str, Any], colour: str, x: float, y: float) -> str:
    marker = trace.get("marker") or {}
    edge = (marker.get("line") or {}).get("color", "white")
    return _marker(str(marker.get("symbol", "circle")), x + 6, y - 4,
                   min(float(marker.get("size", 8)), 10), colour, str(edge))


def svg_heatmap_figure(traces: Sequence[dict[str, Any]], *, title: str = "",
                       x_title: str = "", y_title: str = "", width: int = 0, height: int = 0,
                       legend_columns: int = 2) -> str:
    """Render a ``heatmap`` trace (cells centred on its ``x`` × ``y``, coloured by ``z`` on
    its ``colorscale`` between ``zmin`` and ``zmax`` (default: z's range), with a colour bar
    reading its ``colorbar`` ticks), the ``contour`` traces over it (the levels ``contours``
    ``start``..``end`` by ``size``, in the trace's line, labelled if ``showlabels``) and the
    scatter traces' markers on top, as one SVG string; linear axes. A heatmap of one row (or
    column) is drawn as a strip ±half its value wide. ``width`` × ``height`` units before the
    legend (default 760 × 440; :data:`PHONE` for a phone's screen); text 11 units (title 14)."""
    canvas_w, canvas_h = width or WIDTH, height or HEIGHT
    heat = next((t for t in traces if t.get("type") == "heatmap"), None)
    if heat is None:
        return _empty(title, canvas_w)
    hx = np.asarray(heat["x"], dtype=float)
    hy = np.asarray(heat["y"], dtype=float)
    hz = np.asarray(heat["z"], dtype=float).reshape(hy.size, hx.size)
    x_edges, y_edges = _edges(hx), _edges(hy)
    scatter = [(i, t) for i, t in enumerate(traces) if t.get("type", "scatter") == "scatter"]
    marks = [(float(x), float(y)) for _, t in scatter
             for x, y in zip(t.get("x", ()), t.get("y", ()), strict=False)
             if x is not None and y is not None]
    x_lo, x_hi = float(x_edges.min()), float(x_edges.max())
    y_lo, y_hi = float(y_edges.min()), float(y_edges.max())
    if marks:  # points off the grid widen the axes, with a margin
        mx, my = [m[0] for m in marks], [m[1] for m in marks]
        pad_x, pad_y = (x_hi - x_lo) * 0.03, (y_hi - y_lo) * 0.03
        x_lo, x_hi = min(x_lo, min(mx) - pad_x), max(x_hi, max(mx) + pad_x)
        y_lo, y_hi = min(y_lo, min(my) - pad_y), max(y_hi, max(my) + pad_y)
    bar_room = 76 if canvas_w >= 500 else 70
    plot_w = canvas_w - _PLOT["left"] - _PLOT["right"] - bar_room
    plot_h = canvas_h - _PLOT["top"] - _PLOT["bottom"]
    left, top = _PLOT["left"], _PLOT["top"]
    right, bottom = left + plot_w, top + plot_h

    def px(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * plot_w

    def py(y: float) -> float:
        return top + (y_hi - y) / (y_hi - y_lo) * plot_h

    colours = [_colour(t, i) for i, t in enumerate(traces)]
    legend, rows = _legend(traces, colours, _marker_sample, top=canvas_h - 4, left=left,
                           plot_w=plot_w, columns=legend_columns)
    out = _open(title, canvas_w, canvas_h + rows * _LEGEND_ROW)
    finite = hz[np.isfinite(hz)]
    z_lo = float(heat.get("zmin", finite.min() if finite.size else 0.0))
    z_hi = float(heat.get("zmax", finite.max() if finite.size else 1.0))
    span = (z_hi - z_lo) or 1.0
    scale = _scale(heat.get("colorscale"))
    fills = _colour_map((hz.ravel() - z_lo) / span, scale)
    # one rect per cell, a little oversized so that no seam shows; the columns' and rows'
    # attributes formatted once
    xs = [px(v) for v in x_edges.tolist()]
    ys = [py(v) for v in y_edges.tolist()]
    columns = [f'<rect x="{min(a, b):.1f}" width="{abs(b - a) + 0.3:.1f}" '
               for a, b in itertools.pairwise(xs)]
    heights = [f'y="{min(a, b):.1f}" height="{abs(b - a) + 0.3:.1f}" fill="'
               for a, b in itertools.pairwise(ys)]
    flat = np.isfinite(hz.ravel()).tolist()
    if hz.size >= RASTER_CELLS and hx.size > 1 and hy.size > 1 and _regular(xs) and _regular(ys):
        # one pixel a cell, the picture's top row the cells at the top of the plot
        order = [i if ys[0] < ys[-1] else hy.size - 1 - i for i in range(hy.size)]
        cells = [k for i in order for k in range(i * hx.size, (i + 1) * hx.size)]
        picture = _png_base64(tuple(fills[k] for k in cells), tuple(flat[k] for k in cells),
                              hx.size)
        out.append(f'<image class="heatmap" x="{min(xs):.1f}" y="{min(ys):.1f}" '
                   f'width="{abs(xs[-1] - xs[0]):.1f}" height="{abs(ys[-1] - ys[0]):.1f}" '
                   f'preserveAspectRatio="none" style="image-rendering: pixelated" '
                   f'href="data:image/png;base64,{picture}"/>')
    else:
        out.append('<g shape-rendering="crispEdges">')
        out += [f'{columns[j]}{heights[i]}{fills[i * hx.size + j]}"/>'
                for i in range(hy.size) for j in range(hx.size) if flat[i * hx.size + j]]
        out.append("</g>")
    x_ticks = hx.tolist() if hx.size == 1 else _ticks_linear(x_lo, x_hi)
    y_ticks = hy.tolist() if hy.size == 1 else _ticks_linear(y_lo, y_hi)
    for tick in x_ticks:
        x = px(tick)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" '
                   f'stroke="#888"/><text class="x-tick" x="{x:.1f}" y="{bottom + 15}" '
                   f'text-anchor="middle" fill="#444">{_compact(tick)}</text>')
    for tick in y_ticks:
        y = py(tick)
        out.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" '
                   f'stroke="#888"/><text class="y-tick" x="{left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end" fill="#444">{_compact(tick)}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 34}" '
               f'text-anchor="middle">{escape(x_title)}</text>')
    out.append(f'<text transform="translate(14,{top + plot_h / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">{escape(y_title)}</text>')
    # the colour bar: a gradient along the scale, the colorbar's ticks within z's range
    bar_x = right + 10
    stops = "".join(f'<stop offset="{p:.4f}" stop-color="{c}"/>' for p, c in scale)
    out.append(f'<defs><linearGradient id="heat-scale" x1="0" y1="1" x2="0" y2="0">{stops}'
               f'</linearGradient></defs><rect x="{bar_x}" y="{top}" width="12" '
               f'height="{plot_h}" fill="url(#heat-scale)"/>')
    bar = heat.get("colorbar") or {}
    values = bar.get("tickvals")
    texts = bar.get("ticktext")
    if values is None:
        values = _ticks_linear(z_lo, z_hi)
        texts = [_compact(v) for v in values]
    for value, text in zip(values, texts or [_compact(v) for v in values], strict=False):
        if z_lo - 1e-9 <= float(value) <= z_hi + 1e-9:
            y = bottom - (float(value) - z_lo) / span * plot_h
            out.append(f'<line x1="{bar_x + 12}" y1="{y:.1f}" x2="{bar_x + 16}" y2="{y:.1f}" '
                       f'stroke="#444"/><text x="{bar_x + 18}" y="{y + 4:.1f}" fill="#444">'
                       f"{escape(unescape(str(text)))}</text>")
    bar_title = (bar.get("title") or {}).get("text", "")
    out.append(f'<text transform="translate({canvas_w - 6},{top + plot_h / 2:.1f}) '
               f'rotate(-90)" text-anchor="middle">{escape(unescape(str(bar_title)))}</text>')
    labels: list[str] = []
    for index, trace in enumerate(traces):
        if trace.get("type") != "contour":
            continue
        contours = trace.get("contours") or {}
        start = contours.get("start")
        if start is None:
            continue
        end, size = float(contours.get("end", start)), float(contours.get("size") or 0)
        levels = [float(start)] if size <= 0 or end <= float(start) else list(
            np.arange(float(start), end + size / 2, size))
        line = trace.get("line") or {}
        for level in levels:
            chains = _contour_chains(_content(trace["x"]), _content(trace["y"]),
                                     _content(trace["z"]), level)
            if not chains:
                continue
            d = "".join("M" + "L".join(f"{px(x):.1f},{py(y):.1f}" for x, y in chain)
                        for chain in chains)
            out.append(f'<path data-level="{level:g}" d="{d}" fill="none" '
                       f'stroke="{colours[index]}" stroke-width="{float(line.get("width", 1)):g}"'
                       f' stroke-linejoin="round"/>')
            if contours.get("showlabels"):
                longest = max(chains, key=len)  # labelled halfway along its vertices
                (x0, y0), (x1, y1) = longest[(len(longest) - 1) // 2], longest[len(longest) // 2]
                x, y = (x0 + x1) / 2, (y0 + y1) / 2
                labels.append(f'<text x="{px(x):.1f}" y="{py(y) + 4:.1f}" text-anchor="middle" '
                              f'fill="white" stroke="#222" stroke-width="2.5" '
                              f'paint-order="stroke">{level:g}</text>')
    out += labels
    for index, trace in scatter:
        if "markers" not in str(trace.get("mode", "markers")):
            continue
        marker = trace.get("marker") or {}
        edge = marker.get("line") or {}
        hover = _hover(trace)
        for i, (x, y) in enumerate(zip(trace.get("x", ()), trace.get("y", ()), strict=False)):
            if x is None or y is None:
                continue
            shape = _marker(str(marker.get("symbol", "circle")), px(float(x)), py(float(y)),
                            float(marker.get("size", 8)), colours[index],
                            str(edge.get("color", "white")), float(edge.get("width", 1)))
            tip = hover(i, x, y)
            out.append(shape if tip is None else _with_title(shape, tip))
    out += legend
    out.append("</svg>")
    return "".join(out)


__all__ = ["COLORWAY", "PHONE", "VIRIDIS", "contour_lines", "layout", "svg_bar_figure",
           "svg_figure", "svg_heatmap_figure"]
