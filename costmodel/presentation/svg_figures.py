"""A light, static rendering of a figure's traces as SVG, for the dashboard's default chart.

Plotly redraws a chart in about 60-100 ms of browser time on every slider move; a static SVG of
the same traces draws in a few. This renderer takes the same trace dictionaries as the plotly
builders in :mod:`costmodel.presentation.plots` (``x``, ``y``, ``mode``, ``name``, ``marker``,
``line``, ``text``, ``showlegend``), so the data has one home, and supports what those charts
use: markers in plotly's symbols, lines with gaps (``None``) and the ``hv`` step shape, a log or
linear x axis, a linear y axis and a legend. Each marker carries its ``text`` as a native
tooltip (``<title>``). Output is a self-contained ``<svg>`` with a viewBox, so it scales.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape, unescape
from typing import Any

#: plotly's default colour sequence, used for traces without a colour of their own.
COLORWAY = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692",
            "#B6E880", "#FF97FF", "#FECB52")
WIDTH, HEIGHT = 760, 440
_PLOT = {"left": 58, "right": 16, "top": 34, "bottom": 52}
_LEGEND_ROW = 18


def _marker(symbol: str, x: float, y: float, size: float, colour: str, edge: str) -> str:
    r = size / 2
    style = f'fill="{colour}" stroke="{edge}" stroke-width="1"'
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
    colours: dict[int, str] = {}
    for index, trace in enumerate(traces):
        marker = trace.get("marker") or {}
        line = trace.get("line") or {}
        colours[index] = str(marker.get("color") or line.get("color")
                             or COLORWAY[index % len(COLORWAY)])
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
            for i, (x, y) in enumerate(pairs):
                if x is None or y is None or (x_log and float(x) <= 0):
                    continue
                shape = _marker(str(marker.get("symbol", "circle")), px(float(x)),
                                py(float(y)), size, colours[index], edge)
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


__all__ = ["COLORWAY", "svg_figure"]
