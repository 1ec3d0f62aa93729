"""The lesson's pictures, written by hand as SVG (no plotting library): a block drawn from its
own graph, and the standard, depthwise and pointwise convolutions side by side.

:func:`block_diagram_svg` draws a :class:`~costmodel.teaching.block_anatomy.BlockAnatomy`:
each tensor is a box with its shape (C×H×W at the chosen α and input size), each operation a
box above the tensor it makes, labelled with its Mult-Adds and parameters, and each edge of
the graph an arrow, so that branches show as the graph has them (ShuffleNet v2's split and
two branches, GhostNet's cheap operation and shortcut, squeeze-and-excite's side branch,
MixConv's kernel groups, the residual add). The main path runs down one column; a side branch
runs beside it (squeeze-and-excite, ghost cheap operations and the groups of a grouped or mixed
conv to the right; shortcuts and the untouched half of a split to the left); an edge that
would cross a box goes round it. The standard conv in the block's place stands beside it with
its own Mult-Adds and parameters.

:func:`conv_comparison_svg` draws a
:class:`~costmodel.teaching.block_anatomy.ConvComparison`: channel slabs and kernel cubes of a
standard conv, a depthwise conv and a pointwise conv, with the chosen block's numbers.

Both return a self-contained ``<svg>`` string with a viewBox and a natural width of about 350
to 550 px (a MixConv of four kernel groups is wider), so that it scales down to a phone's
width and stays legible; every text is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from costmodel.base.formatting import times_fewer_or_more
from costmodel.base.kinds import LayerKind, OpKind, Role
from costmodel.teaching.block_anatomy import (
    OPERATOR_LABEL,
    BlockAnatomy,
    BlockOp,
    ConvComparison,
    Shape,
)

FONT = 11.0  # px, the labels
_EM = 0.6  # a generous average glyph width in ems (sans-serif digits are 0.556)
_LINE = 14.0  # line height
_PAD = 6.0  # padding inside a box
_TENSOR_H = 20.0
_JOIN = 5.0  # from an operation's box to the tensor it makes
_GAP = 30.0  # between rows
_LANE_PAD = 8.0  # on each side of the widest box of a lane
_ROUTE_LANE = 22.0  # a lane that carries edges only
_MARGIN = 12.0
_HEAD = 44.0  # the title's two lines
#: the widest picture with the standard conv beside the block (a wider block has it below)
MAX_WIDTH = 480.0
#: the same on a phone (a 390-px screen's column is ~358 px: a picture this wide is drawn at
#: its own size, its 11-px text at 11 px, where the desktop layout's 440-480 px shrank to 8 px)
PHONE_WIDTH = 350.0

#: (fill, stroke) per kind of operation
COLOURS = {"depthwise": ("#e3f4e8", "#2e8b57"), "pointwise": ("#e7eeff", "#3b6fd1"),
           "conv": ("#fff0de", "#d9822b"), "se": ("#f3e8fb", "#8e44ad"),
           "data": ("#f1f1f1", "#8a8a8a"), "tensor": ("#ffffff", "#333333")}


def _width(text: str, size: float = FONT, bold: bool = False) -> float:
    return len(text) * size * (_EM + (0.03 if bold else 0.0))


def _text(x: float, y: float, text: str, *, size: float = FONT, bold: bool = False,
          anchor: str = "middle", fill: str = "#222") -> str:
    weight = ' font-weight="600"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="{fill}"{weight}>{escape(text)}</text>')


def _style(op: BlockOp) -> str:
    if op.role is Role.SE and op.kind is not OpKind.SCALE:
        return "se"
    if op.kind is OpKind.CONV:
        return "depthwise" if op.depthwise else "pointwise" if op.kernel == 1 else "conv"
    return "data"


def _op_lines(op: BlockOp) -> list[tuple[str, bool]]:
    """(text, bold) lines of an operation's box: its name and activation, what it does, its
    Mult-Adds and its parameters."""
    head = op.short + (f" · {op.activation}" if op.activation else "")
    lines = [(head, True), (op.label, False)]
    if op.mult_adds or op.kind in (OpKind.CONV, OpKind.FC):
        lines += [(f"{op.mult_adds:,} Mult-Adds", False), (f"{op.params:,} params", False)]
    else:
        lines.append((f"0 Mult-Adds · {op.params:,} params", False))
    return lines


@dataclass
class _Node:
    """A box of the diagram: an operation and the tensor it makes (or the block's input)."""

    lane: int
    rank: int
    lines: list[tuple[str, bool]]
    style: str
    tensor: str
    tip: str = ""
    x: float = 0.0  # centre
    y: float = 0.0  # top
    inputs: list[int] = field(default_factory=list)

    @property
    def op_width(self) -> float:
        return max((_width(t, bold=b) for t, b in self.lines), default=0.0) + 2 * _PAD

    @property
    def op_height(self) -> float:
        return len(self.lines) * _LINE + _PAD if self.lines else 0.0

    @property
    def tensor_width(self) -> float:
        return _width(self.tensor) + 2 * _PAD

    @property
    def width(self) -> float:
        return max(self.op_width, self.tensor_width)

    @property
    def height(self) -> float:
        return self.op_height + (_JOIN if self.lines else 0.0) + _TENSOR_H

    @property
    def bottom(self) -> float:
        return self.y + self.height


def _lanes(ops: tuple[BlockOp, ...]) -> list[int]:
    """Each operation's column: 0 the main path; shortcuts and a split's untouched half to
    the left (-1); squeeze-and-excite and ghost cheap operations to the right (1); the groups
    of a grouped or mixed conv side by side (0, 1, 2...)."""
    consumers: dict[int, list[int]] = {i: [] for i in range(len(ops))}
    for j, op in enumerate(ops):
        for i in op.inputs:
            if i >= 0:
                consumers[i].append(j)
    lanes = []
    for i, op in enumerate(ops):
        if op.role is Role.SHORTCUT or (
                op.kind is OpKind.SPLIT and consumers[i]
                and all(ops[c].kind is OpKind.CONCAT for c in consumers[i])):
            lanes.append(-1)
        elif (op.role is Role.SE and op.kind is not OpKind.SCALE) or op.role is Role.CHEAP:
            lanes.append(1)
        else:
            lanes.append(0)
    for i in reversed(range(len(ops))):  # a shortcut's first convs go with it
        users = consumers[i]
        if lanes[i] == 0 and ops[i].kind is OpKind.CONV and users and all(
                lanes[u] == -1 for u in users):
            lanes[i] = -1
    for op in ops:  # parallel parts: convs of one source joined by a concat
        parts = op.inputs
        if op.kind is OpKind.CONCAT and len(parts) > 1 and all(
                p >= 0 and ops[p].kind is OpKind.CONV and len(ops[p].inputs) == 1
                for p in parts) and len({ops[p].inputs[0] for p in parts}) == 1:
            for k, p in enumerate(parts):
                lanes[p] = k
    return lanes


@dataclass(frozen=True)
class _Layout:
    """The nodes (index 0: the block's input; ``i + 1``: operation ``i``) placed, the centre
    of every lane, each rank's top, and the lane of each edge (source, target) that goes round
    boxes."""

    nodes: list[_Node]
    centre: dict[int, float]
    top: dict[int, float]
    routes: dict[tuple[int, int], int]


def _layout(anatomy: BlockAnatomy) -> _Layout:
    """Each operation one rank below its latest input, in its lane (:func:`_lanes`)."""
    ops = anatomy.ops
    last = len(ops)
    nodes = [_Node(lane=0, rank=0, lines=[], style="tensor",
                   tensor=f"input {anatomy.input.text}")]
    lanes = _lanes(ops)
    taken = {(0, 0)}
    for i, op in enumerate(ops):
        inputs = [j + 1 for j in op.inputs]  # node numbers
        rank = 1 + max(nodes[j].rank for j in inputs)
        lane = lanes[i]
        while (lane, rank) in taken:  # two boxes in one place: move outwards
            lane += -1 if lane < 0 else 1
        taken.add((lane, rank))
        nodes.append(_Node(lane=lane, rank=rank, lines=_op_lines(op), style=_style(op),
                           tensor=("output " if i + 1 == last else "") + op.output.text,
                           tip=op.pytorch, inputs=inputs))
    ranks = max(n.rank for n in nodes) + 1
    occupied: dict[int, set[int]] = {}
    for n in nodes:
        occupied.setdefault(n.lane, set()).add(n.rank)
    widths = {lane: max(n.width for n in nodes if n.lane == lane) + 2 * _LANE_PAD
              for lane in occupied}
    # the lanes edges go round boxes in (found before the positions: they may add a lane)
    routes: dict[tuple[int, int], int] = {}
    for d, node in enumerate(nodes):
        for s in node.inputs:
            src = nodes[s]
            between = set(range(src.rank + 1, node.rank))
            if between & occupied[src.lane] and between & occupied[node.lane]:
                low, high = min(occupied), max(occupied)
                for lane in [*range(-1, low - 2, -1), high + 1]:
                    if not between & occupied.get(lane, set()):
                        routes[(s, d)] = lane
                        widths.setdefault(lane, _ROUTE_LANE)
                        break
    centre: dict[int, float] = {}
    x = _MARGIN
    for lane in sorted(widths):
        centre[lane] = x + widths[lane] / 2
        x += widths[lane]
    heights = [max(n.height for n in nodes if n.rank == r) for r in range(ranks)]
    top: dict[int, float] = {}
    y = _MARGIN + _HEAD
    for r in range(ranks):
        top[r] = y
        y += heights[r] + _GAP
    for n in nodes:
        n.x, n.y = centre[n.lane], top[n.rank]
    return _Layout(nodes=nodes, centre=centre, top=top, routes=routes)


def _edges(layout: _Layout) -> list[str]:
    """Every edge as a polyline with an arrowhead: down from the source's tensor, across in a
    gap between rows, down into the operation (several inputs enter side by side)."""
    nodes, centre, top, routes = layout.nodes, layout.centre, layout.top, layout.routes
    occupied: dict[int, set[int]] = {}
    for n in nodes:
        occupied.setdefault(n.lane, set()).add(n.rank)
    out = []
    for d, node in enumerate(nodes):
        ordered = sorted(node.inputs, key=lambda s: (nodes[s].x, nodes[s].rank))
        for k, s in enumerate(ordered):
            src = nodes[s]
            entry = node.x + (k - (len(ordered) - 1) / 2) * 14
            above = node.y - _GAP / 2
            below = top[src.rank + 1] - _GAP / 2 if src.rank + 1 in top else src.bottom + 8
            between = set(range(src.rank + 1, node.rank))
            if (s, d) in routes:
                lane_x = centre[routes[(s, d)]]
                points = [(src.x, src.bottom), (src.x, below), (lane_x, below),
                          (lane_x, above), (entry, above), (entry, node.y)]
            elif not between & occupied[src.lane]:
                points = [(src.x, src.bottom), (src.x, above), (entry, above), (entry, node.y)]
            else:
                points = [(src.x, src.bottom), (src.x, below), (entry, below), (entry, node.y)]
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="#555" '
                       f'stroke-width="1.3" stroke-linejoin="round" marker-end="url(#arrow)"/>')
    return out


def _tensor_box(x: float, y: float, text: str) -> str:
    """A tensor: a slab (a box with a shadow edge) with its shape."""
    w = _width(text) + 2 * _PAD
    fill, stroke = COLOURS["tensor"]
    return (f'<rect x="{x - w / 2 + 3:.1f}" y="{y + 3:.1f}" width="{w:.1f}" '
            f'height="{_TENSOR_H:.1f}" fill="#d9d9d9" stroke="none"/>'
            f'<rect x="{x - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" height="{_TENSOR_H:.1f}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
            + _text(x, y + 14, text, fill="#111"))


def _op_box(x: float, y: float, width: float, lines: list[tuple[str, bool]], style: str,
            tip: str = "") -> str:
    fill, stroke = COLOURS[style]
    height = len(lines) * _LINE + _PAD
    title = f"<title>{escape(tip)}</title>" if tip else ""
    out = [f'<g>{title}<rect x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
           f'height="{height:.1f}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>']
    for i, (line, bold) in enumerate(lines):
        out.append(_text(x, y + _PAD / 2 + (i + 1) * _LINE - 3, line, bold=bold))
    out.append("</g>")
    return "".join(out)


def _node_svg(node: _Node) -> str:
    out = []
    y = node.y
    if node.lines:
        width = node.op_width
        out.append(_op_box(node.x, y, width, node.lines, node.style, node.tip))
        y += node.op_height
        out.append(f'<line x1="{node.x:.1f}" y1="{y:.1f}" x2="{node.x:.1f}" '
                   f'y2="{y + _JOIN:.1f}" stroke="#555" stroke-width="1.3"/>')
        y += _JOIN
    out.append(_tensor_box(node.x, y, node.tensor))
    return "".join(out)


def _wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """``text`` in lines of at most ``width`` px (at the generous glyph width)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(lines[-1] + " " + word, size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _standard_panel(anatomy: BlockAnatomy, x0: float, y0: float,
                    text_width: float = 0.0) -> tuple[str, float, float]:
    """The standard conv in the block's place, and the block against it (its sentence
    wrapped at ``text_width``, at least the panel's width): (svg, width, bottom)."""
    std = anatomy.standard
    stride = f", stride {std.stride}" if std.stride > 1 else ""
    lines = [("standard conv", True),
             (f"{std.kernel}×{std.kernel} conv {std.input.channels}→{std.output.channels}"
              f"{stride}", False),
             (f"{std.mult_adds:,} Mult-Adds", False), (f"{std.params:,} params", False)]
    inp, out = f"input {std.input.text}", f"output {std.output.text}"
    ratio = anatomy.mult_adds / std.mult_adds
    said = (f"The block: {times_fewer_or_more(ratio, 'Mult-Adds', 'this conv')} "
            f"({anatomy.mult_adds:,} against {std.mult_adds:,}); "
            f"{anatomy.params:,} params against {std.params:,}.")
    width = max(max(_width(t, bold=b) for t, b in lines) + 2 * _PAD,
                _width(out) + 2 * _PAD, _width("In its place:", bold=True), 150.0)
    cx = x0 + width / 2
    parts = [_text(cx, y0 + 4, "In its place:", bold=True),
             _tensor_box(cx, y0 + 14, inp)]
    y = y0 + 14 + _TENSOR_H + 18
    parts.append(f'<polyline points="{cx:.1f},{y0 + 14 + _TENSOR_H + 3:.1f} {cx:.1f},{y:.1f}" '
                 f'fill="none" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>')
    parts.append(_op_box(cx, y, width, lines, "conv", std.pytorch))
    y += len(lines) * _LINE + _PAD
    parts.append(f'<line x1="{cx:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{y + _JOIN:.1f}" '
                 f'stroke="#555" stroke-width="1.3"/>')
    y += _JOIN
    parts.append(_tensor_box(cx, y, out))
    y += _TENSOR_H + 22
    for line in _wrap(said, max(width, text_width)):
        parts.append(_text(x0, y, line, anchor="start", fill="#333"))
        y += _LINE
    return "".join(parts), width, y


_ARROW = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
          'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
          'fill="#555"/></marker></defs>')


def block_diagram_svg(anatomy: BlockAnatomy, *, phone: bool = False) -> str:
    """``anatomy`` as an SVG diagram: the block's graph (tensors as boxes with C×H×W, each
    operation with its Mult-Adds and parameters, every edge an arrow) and the standard conv
    in its place beside it, or under it where that would be wider than :data:`MAX_WIDTH`
    (:data:`PHONE_WIDTH` with ``phone``). Hovering an operation shows its PyTorch line."""
    max_width = PHONE_WIDTH if phone else MAX_WIDTH
    layout = _layout(anatomy)
    nodes = layout.nodes
    right = max(n.x + n.width / 2 for n in nodes)
    right = max(right, max(layout.centre.values()) + _ROUTE_LANE / 2)
    panel, panel_width, panel_bottom = _standard_panel(anatomy, right + 24, _MARGIN + _HEAD)
    width = right + 24 + panel_width + _MARGIN
    if width > max_width:  # a wide block: the standard conv goes under it, not beside
        below = max(n.bottom for n in nodes) + 24
        panel, panel_width, panel_bottom = _standard_panel(anatomy, _MARGIN, below,
                                                           right - _MARGIN)
        width = max(right, _MARGIN + panel_width) + _MARGIN
    bottom = max(max(n.bottom for n in nodes), panel_bottom) + 28
    height = bottom + _MARGIN
    operator = OPERATOR_LABEL.get(anatomy.operator, anatomy.operator.value)
    title = f"{anatomy.block}: {operator}"
    subtitle = (f"{anatomy.network} at α = {anatomy.alpha:g}, {anatomy.resolution} px; "
                f"tensors C×H×W")
    total = f"The block: {anatomy.mult_adds:,} Mult-Adds, {anatomy.params:,} params"
    # wide enough for the title and the total (a narrow phone layout cut them), the subtitle
    # wrapped to that width, and the drawing moved down by its extra lines
    width = max(width, math.ceil(2 * _MARGIN + max(_width(title, 13, bold=True),
                                                   _width(total, bold=True))))
    lines = _wrap(subtitle, width - 2 * _MARGIN)
    extra = (len(lines) - 1) * _LINE
    height += extra
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="sans-serif" '
           f'font-size="{FONT:g}">',
           f"<title>{escape(title)}: {escape(subtitle)}</title>", _ARROW,
           f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
           _text(_MARGIN, _MARGIN + 12, title, size=13, bold=True, anchor="start"),
           *(_text(_MARGIN, _MARGIN + 28 + i * _LINE, line, anchor="start", fill="#555")
             for i, line in enumerate(lines))]
    if extra:
        out.append(f'<g transform="translate(0 {extra:g})">')
    out += _edges(layout)
    out += [_node_svg(n) for n in nodes]
    out.append(panel)
    out.append(_text(_MARGIN, bottom - 6, total, bold=True, anchor="start"))
    if extra:
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


# --- standard, depthwise and pointwise convolution ---------------------------------------------

_SLICE_COLOURS = ("#e15759", "#f28e2b", "#edc948", "#59a14f", "#4e79a7", "#b07aa1")
_DX, _DY = 0.62, 0.42  # the depth axis, drawn up and to the right


def _cuboid(x: float, y: float, w: float, h: float, d: float, fill: str,
            stroke: str = "#333") -> str:
    """A box seen from the front, right and top: front face at (x, y), size w×h, depth d."""
    dx, dy = d * _DX, d * _DY
    front = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"'
    top = (f"{x:.1f},{y:.1f} {x + dx:.1f},{y - dy:.1f} {x + w + dx:.1f},{y - dy:.1f} "
           f"{x + w:.1f},{y:.1f}")
    side = (f"{x + w:.1f},{y:.1f} {x + w + dx:.1f},{y - dy:.1f} {x + w + dx:.1f},"
            f"{y + h - dy:.1f} {x + w:.1f},{y + h:.1f}")
    return (f'<polygon points="{top}" fill="{fill}" fill-opacity="0.75" stroke="{stroke}" '
            f'stroke-width="0.8"/><polygon points="{side}" fill="{fill}" fill-opacity="0.55" '
            f'stroke="{stroke}" stroke-width="0.8"/>{front} fill="{fill}" stroke="{stroke}" '
            f'stroke-width="0.8"/>')


def _sliced(x: float, y: float, side: float, depth: float,
            colours: tuple[str, ...] = _SLICE_COLOURS) -> str:
    """A box of ``side``×``side`` pixels whose depth is cut in slices of ``colours`` (one
    colour per group of channels), drawn back to front."""
    step = depth / len(colours)
    return "".join(_cuboid(x + i * step * _DX, y - i * step * _DY, side, side, step,
                           colours[i], "#444") for i in reversed(range(len(colours))))


def _depth(channels: int) -> float:
    """Drawn depth of ``channels``: grows with log₂ (not to scale)."""
    return 12.0 + 6.0 * math.log2(max(channels, 2))


_PLAIN = "#cfd8e6"  # a map of new channels: each mixes all the input's colours


def _panel(y: float, title: str, formula: str, kind: LayerKind, c: ConvComparison,
           mid: Shape, width: float) -> tuple[list[str], float, float]:
    """One row of the picture: the input map (a colour per group of channels), the filters,
    the output map, and the row's count (its text wrapped to ``width``); with the row's
    bottom and the right edge of its drawing."""
    k, m, n = c.kernel, c.input.channels, c.output.channels
    source = mid if kind is LayerKind.POINTWISE else c.input
    target = mid if kind is LayerKind.DEPTHWISE else c.output
    side_in = max(46.0 * source.height / c.input.height, 28.0)
    side_out = max(46.0 * target.height / c.input.height, 28.0)
    depth_in, depth_out = _depth(source.channels), _depth(target.channels)
    out = [_text(_MARGIN, y + 14, title, size=12.5, bold=True, anchor="start")]
    base = y + 30 + max(depth_in, depth_out, _depth(m)) * _DY
    x = _MARGIN + 4
    out.append(_sliced(x, base, side_in, depth_in))
    out.append(_text(x + side_in / 2, base + side_in + 14, source.text))
    kx = x + side_in + depth_in * _DX + 26
    out.append(_text(kx - 13, base + side_in / 2 + 5, "∗", size=16))
    ks = min(8.0 + 4.0 * k, 34.0)
    if kind is LayerKind.CONV:  # N filters, each k×k across every input channel
        out.append(_sliced(kx, base + 6, ks, _depth(m)))
        out.append(_sliced(kx + ks + _depth(m) * _DX + 6, base + 6, ks, _depth(m)))
        right = kx + 2 * (ks + _depth(m) * _DX) + 6
        caption = [f"{n} filters of", f"{k}×{k}×{m}"]
    elif kind is LayerKind.DEPTHWISE:  # one k×k filter per channel
        gap = 5.0
        for i in reversed(range(len(_SLICE_COLOURS))):
            out.append(_cuboid(kx + i * gap * 1.6, base + 6 - i * gap, ks, ks, 2.5,
                               _SLICE_COLOURS[i], "#444"))
        right = kx + ks + len(_SLICE_COLOURS) * gap * 1.6
        caption = [f"{m} filters of {k}×{k}×1,", "one per channel"]
    else:  # N filters, each 1×1 across every channel
        stick = 9.0
        for j in range(3):
            out.append(_sliced(kx + j * 16, base + 8 + j * 5, stick, _depth(m)))
        right = kx + 32 + stick + _depth(m) * _DX
        caption = [f"{n} filters of", f"1×1×{m}"]
    for i, line in enumerate(caption):
        out.append(_text((kx + right) / 2, base + side_in + 14 + i * _LINE, line))
    ox = right + 30
    out.append(_text(ox - 15, base + side_in / 2 + 5, "→", size=14))
    oy = base + (side_in - side_out) / 2
    out.append(_sliced(ox, oy, side_out, depth_out) if kind is LayerKind.DEPTHWISE
               else _cuboid(ox, oy, side_out, side_out, depth_out, _PLAIN))
    out.append(_text(ox + side_out / 2, base + side_in + 14, target.text))
    y_text = base + side_in + 14 + 2 * _LINE + 4
    for line in _wrap(formula, width - 2 * _MARGIN):
        out.append(_text(_MARGIN, y_text, line, anchor="start"))
        y_text += _LINE
    return out, y_text + 8, ox + side_out + depth_out * _DX


def conv_comparison_svg(comparison: ConvComparison, *, phone: bool = False) -> str:
    """A standard conv, a depthwise conv and a pointwise conv as channel slabs and kernel
    cubes, each with its Mult-Adds and parameters at the block's own numbers, and the
    separable pair's share of the standard conv (eq. 5): 440 px wide, or with ``phone`` at
    least :data:`PHONE_WIDTH`, wider where the slabs of many channels need it (up to ~414 px):
    the same drawing, its text wrapped narrower."""
    c = comparison
    k, m, n = c.kernel, c.input.channels, c.output.channels
    g = c.output.height
    mid = Shape(channels=m, height=c.output.height, width=c.output.width)
    width = PHONE_WIDTH if phone else 440.0
    rows = [
        ("Standard conv", f"k²·M·N·D_G² = {k}²·{m}·{n}·{g}² = {c.standard_mult_adds:,} "
                          f"Mult-Adds; {c.standard_params:,} params. Every filter spans all "
                          f"{m} channels.", LayerKind.CONV),
        ("Depthwise conv", f"k²·M·D_G² = {k}²·{m}·{g}² = {c.depthwise_mult_adds:,} Mult-Adds; "
                           f"{c.depthwise_params:,} params. Each channel is filtered on its "
                           f"own: no mixing.", LayerKind.DEPTHWISE),
        ("Pointwise (1×1) conv", f"M·N·D_G² = {m}·{n}·{g}² = {c.pointwise_mult_adds:,} "
                                 f"Mult-Adds; {c.pointwise_params:,} params. Mixes the "
                                 f"channels, pixel by pixel.", LayerKind.POINTWISE),
    ]
    head = (f"A standard conv and the depthwise-separable pair in its place: {m} → {n} "
            f"channels, {k}×{k} kernel, stride {c.stride}, {g}×{g} output (a colour per group "
            f"of input channels)")
    out: list[str] = []
    y = _MARGIN + 10
    for line in _wrap(head, width - 2 * _MARGIN):
        out.append(_text(_MARGIN, y, line, anchor="start", fill="#555"))
        y += _LINE
    y += 2
    drawn = 0.0  # the drawings' right edge: a narrow picture widens to hold them
    for title, formula, kind in rows:
        parts, y, right = _panel(y, title, formula, kind, c, mid, width)
        out += parts
        drawn = max(drawn, right)
    pair = c.depthwise_mult_adds + c.pointwise_mult_adds
    summary = (f"Depthwise + pointwise: {pair:,} Mult-Adds, 1/N + 1/D_K² = 1/{n} + 1/{k * k} "
               f"= {c.ratio:.4f} of the standard conv: "
               f"{times_fewer_or_more(c.ratio, 'Mult-Adds', 'the standard conv')}.")
    for line in _wrap(summary, width - 2 * _MARGIN):
        out.append(_text(_MARGIN, y, line, anchor="start", bold=True))
        y += _LINE
    height = y + _MARGIN
    width = max(width, math.ceil(drawn + _MARGIN))
    title = (f"Standard, depthwise and pointwise convolution: {m} → {n} channels, {k}×{k}, "
             f"stride {c.stride}")
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="sans-serif" '
        f'font-size="{FONT:g}">', f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        *out, "</svg>"])


__all__ = ["COLOURS", "FONT", "MAX_WIDTH", "PHONE_WIDTH", "block_diagram_svg",
           "conv_comparison_svg"]
