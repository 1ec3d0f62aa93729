"""The graph schema: a user's network as operations with explicit inputs, and own blocks.

A graph table has an ``op`` column (docs/tables.md "The graph schema"). One row is one
operation or one use of an own block:

* ``name`` (required, unique) names the operation; ``inputs`` names earlier rows, separated by
  ``+`` or spaces (empty: the row above; ``input``: the image);
* ``op``: ``conv``, ``depthwise``, ``pointwise``, ``fc``, ``pool`` (global average),
  ``maxpool``, ``add``, ``scale`` (a map times a 1×1 gate), ``concat``, ``split``,
  ``shuffle``, ``norm``, ``se``, ``activation``, or the name of an own block;
* ``c`` output channels (a number at α = 1, ``classes``, or a width relative to the input:
  ``in``, ``in*2``, ``in/2``); ``k``, ``s``, ``groups``, ``part`` (a split's ``i/n``), ``se``,
  ``bias``, ``nl``, ``padding``, ``width`` (``scaled`` or ``fixed``); for an own block also
  ``n`` (repeats; the first at stride ``s``), ``t`` and ``exp``.

An own block is defined above the header, one operation a line, in order::

    # block.NAME.OP: op=KIND inputs=... c=... k=... s=... groups=... part=... se=... nl=...

where ``inputs`` names the block's earlier operations or ``in`` (the block's input; empty: the
operation above, the first reads ``in``), ``c`` is a width ``BASE``, ``BASE*F`` or ``BASE/N``
with ``BASE`` one of ``in``, ``out`` (the row's ``c``), ``exp`` (the row's ``exp``) or a
number and ``F`` a number or ``t`` (the row's ``t``), and ``k=k``, ``s=s``, ``se=se``,
``nl=nl`` take the row's kernel, the repeat's stride, the row's ratio (no ``se`` on the row:
the operation is left out) and activation. The block's output is its last operation. Nothing
written is evaluated: each field is read by a fixed grammar.

Every error is a ``ValueError`` naming the line, the operation and the rule. The shapes are
checked here at α = 1 (the table as written); the graph builder
(:mod:`costmodel.core.graph`) adds the same rules as :class:`~costmodel.descriptions.widths.
WidthCheck` s, so that a width the table's rounding breaks at another α is refused there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from costmodel.base.kinds import Activation
from costmodel.base.parsing import parse_integer, parse_ratio
from costmodel.descriptions.network_spec import (
    CLASSES,
    GRAPH_OP_ALIASES,
    GraphOp,
    GraphOpKind,
    Width,
)

GRAPH_COLUMNS = ("name", "op", "inputs", "c", "k", "s", "groups", "part", "t", "exp", "se",
                 "n", "bias", "nl", "padding", "width", "note", "source")
#: At most this many operations once the own blocks are expanded.
MAX_OPERATIONS = 100_000
#: At most this many operations in one own block.
MAX_BLOCK_OPERATIONS = 200
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_OP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,99}")
_WIDTH = re.compile(r"(in|out|exp|\d+)(?:\*(\d+|t)|/(\d+))?")
_TEMPLATE_FIELDS = ("op", "inputs", "c", "k", "s", "groups", "part", "se", "nl", "bias",
                    "padding")
_YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
_ONE_INPUT = {GraphOpKind.CONV, GraphOpKind.DEPTHWISE, GraphOpKind.POINTWISE, GraphOpKind.FC,
              GraphOpKind.POOL, GraphOpKind.MAXPOOL, GraphOpKind.SPLIT, GraphOpKind.SHUFFLE,
              GraphOpKind.NORM, GraphOpKind.SE, GraphOpKind.ACTIVATION}
_CONVS = {GraphOpKind.CONV, GraphOpKind.DEPTHWISE, GraphOpKind.POINTWISE}
_NEEDS_C = {GraphOpKind.CONV, GraphOpKind.POINTWISE, GraphOpKind.FC}
_STRIDED = {GraphOpKind.CONV, GraphOpKind.DEPTHWISE, GraphOpKind.MAXPOOL}
FLAT = -1


@dataclass
class _Template:
    name: str
    line: int
    ops: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Params:
    """What a row gives its own block: its ``c``, ``exp``, ``t``, ``k``, the repeat's
    stride, ``se``, ``nl``, and the block's input."""

    out: Width | None
    exp: Width | None
    t: Fraction | None
    k: int | None
    s: int
    se: Fraction | None
    nl: Activation
    block_in: int


class _Graph:
    """The operations read so far, with their widths at α = 1 and their map sizes."""

    def __init__(self, image_channels: int, image_size: int) -> None:
        self.ops: list[GraphOp] = []
        self.names: dict[str, tuple[int, int]] = {}  # name → (output operation, line)
        self.image_channels = image_channels
        self.image_size = image_size
        self.chain: list[int] = []  # the strides of the map sizes (negative: 'valid')

    def channels(self, index: int) -> int:
        return self.image_channels if index < 0 else self.ops[index].channels

    def level(self, index: int) -> int:
        return 0 if index < 0 else self.ops[index].out_level

    def size(self, level: int) -> int:
        if level == FLAT:
            return 1
        size = self.image_size
        for stride in self.chain[:level]:
            size = size // -stride if stride < 0 else -(-size // stride)
        return size

    def label(self, index: int) -> str:
        return "the image" if index < 0 else repr(self.ops[index].name)

    def shape(self, index: int) -> str:
        side = self.size(self.level(index))
        return f"{side}×{side}×{self.channels(index)}"


def _fail(where: str, name: str, rule: str) -> ValueError:
    return ValueError(f"{where}: operation {name!r}: {rule}")


def _integer(text: str, field_name: str, where: str, name: str, low: int, high: int) -> int:
    try:
        value = parse_integer(text, field_name)
    except ValueError as error:
        raise _fail(where, name, str(error)) from None
    if not low <= value <= high:
        raise _fail(where, name, f"{field_name} must be an integer in [{low}, {high:,}]; "
                                 f"got {text!r}")
    return value


def parse_templates(meta: list[tuple[str, str, int]]) -> dict[str, _Template]:
    """The own blocks from ``# block.NAME.OP: key=value ...`` lines (key, value, line)."""
    templates: dict[str, _Template] = {}
    for key, value, line in meta:
        parts = key.split(".")
        if len(parts) != 3:
            raise ValueError(f"line {line}: an own block's line is '# block.NAME.OP: op=... "
                             f"inputs=... c=...'; got {key!r}")
        _, name, op_name = parts
        for kind, text in (("block name", name), ("operation name", op_name)):
            if not _IDENT.fullmatch(text):
                raise ValueError(f"line {line}: a {kind} must be 1-64 letters, digits, '_' or "
                                 f"'-', starting with a letter; got {text!r}")
        if name.lower() in {*GraphOpKind, *GRAPH_OP_ALIASES}:
            raise ValueError(f"line {line}: block name {name!r} is an operation kind; choose "
                             f"another name")
        if op_name == "in":
            raise ValueError(f"line {line}: 'in' names the block's input; choose another "
                             f"operation name")
        fields: dict[str, str] = {}
        for token in value.split():
            field_name, sep, text = token.partition("=")
            if not sep or not text:
                raise ValueError(f"line {line}: expected key=value, got {token!r}")
            if field_name not in _TEMPLATE_FIELDS:
                raise ValueError(f"line {line}: unknown field {field_name!r} in block "
                                 f"{name!r}; allowed: {', '.join(_TEMPLATE_FIELDS)}")
            if field_name in fields:
                raise ValueError(f"line {line}: {field_name} is given twice")
            fields[field_name] = text
        if "op" not in fields:
            raise ValueError(f"line {line}: block {name!r} operation {op_name!r} needs op=")
        template = templates.setdefault(name, _Template(name=name, line=line))
        if any(existing == op_name for _, existing, _ in template.ops):
            raise ValueError(f"line {line}: block {name!r} names operation {op_name!r} twice")
        if len(template.ops) >= MAX_BLOCK_OPERATIONS:
            raise ValueError(f"line {line}: block {name!r} has more than "
                             f"{MAX_BLOCK_OPERATIONS} operations")
        template.ops.append((line, op_name, fields))
    return templates


def _kind(text: str, where: str, name: str) -> GraphOpKind:
    lowered = text.strip().lower()
    kind = GRAPH_OP_ALIASES.get(lowered)
    if kind is not None:
        return kind
    try:
        return GraphOpKind(lowered)
    except ValueError:
        raise _fail(where, name, f"op must be one of {', '.join(GraphOpKind)} or an own "
                                 f"block's name; got {text!r}") from None


def _width(text: str, where: str, name: str, graph: _Graph, first_input: int,
           params: _Params | None, fixed: bool) -> Width:
    """A ``c`` field: a number, ``classes``, or ``BASE``, ``BASE*F``, ``BASE/N``."""
    if text.lower() == "classes":
        return Width(written=CLASSES, text=text)
    match = _WIDTH.fullmatch(text.replace(" ", ""))
    if match is None:
        raise _fail(where, name, f"c must be a number of channels, 'classes', or in, out or "
                                 f"exp, optionally times a number or t, or divided by a "
                                 f"number (in*2, in*t, out/2); got {text!r}")
    base, factor, divisor = match.groups()
    if base in ("out", "exp"):
        given = None if params is None else (params.out if base == "out" else params.exp)
        if params is None:
            raise _fail(where, name, f"c={text}: {base} is an own block's parameter; in a row, "
                                     f"write a number or a width relative to in")
        if given is None:
            raise _fail(where, name, f"c={text}: the row using this block gives no {base}")
        width = given
    elif base == "in":
        source = params.block_in if params is not None else first_input
        width = Width(source=source)
    else:
        value = _integer(base, "c", where, name, 1, 100_000)
        width = Width(written=value, fixed=fixed)
    if width.written == CLASSES and (factor or divisor):
        raise _fail(where, name, f"c={text}: the classes cannot be multiplied or divided")
    t: Fraction | None = None
    multiply, divide = width.multiply, width.divide
    if factor == "t":
        if params is None or params.t is None:
            raise _fail(where, name, f"c={text}: the row using this block gives no t"
                        if params is not None else f"c={text}: t is an own block's parameter")
        t = params.t
    elif factor:
        multiply = _integer(factor, "c's factor", where, name, 1, 64)
    if divisor:
        divide = _integer(divisor, "c's divisor", where, name, 1, 1024)
    if (multiply != width.multiply or t is not None) and width.divide != 1:
        raise _fail(where, name, f"c={text}: a width divided by a number cannot be multiplied "
                                 f"again")
    return Width(written=width.written, source=width.source, fixed=width.fixed,
                 multiply=multiply, t=t, divide=divide, text=text)


def _width_value(width: Width, graph: _Graph, where: str, name: str) -> int:
    """``width`` at α = 1, as written; refused where it is not a whole number of channels."""
    value = graph.channels(width.source) if width.source is not None else width.written
    if value == CLASSES:
        return CLASSES
    value *= width.multiply
    if width.t is not None:
        product = value * width.t
        if product.denominator != 1:
            raise _fail(where, name, f"c={width.text} is {value}·{width.t} = {float(product):g}, "
                                     f"not a whole number of channels")
        value = int(product)
    if value % width.divide:
        raise _fail(where, name, f"c={width.text}: {value} channels do not divide into "
                                 f"{width.divide} equal parts")
    return value // width.divide


def _level(graph: _Graph, level: int, stride: int, valid: bool, where: str, name: str) -> int:
    """The level after ``stride`` from ``level``: the next one of the network's one chain of
    map sizes where the chain already goes on from ``level`` with that stride, or a new one at
    the chain's end."""
    if stride == 1 and not valid:
        return level
    signed = -stride if valid else stride
    if level < len(graph.chain):
        if graph.chain[level] == signed:
            return level + 1
        raise _fail(where, name, f"a stride of {stride} on a {graph.size(level)}-px map that "
                                 f"the network already downsamples by {abs(graph.chain[level])}"
                                 f" elsewhere: a graph table keeps one chain of map sizes, so "
                                 f"every branch must downsample a map size the same way")
    graph.chain.append(signed)
    return level + 1


def _emit(graph: _Graph, line: int, where: str, name: str, kind: GraphOpKind,
          inputs: tuple[int, ...], width: Width | None, *, k: int, s: int, valid: bool, groups: int,
          part: tuple[int, int], se: Fraction | None, bias: bool, nl: Activation,
          block: int) -> int:
    """Check one operation's shapes at α = 1 and append it; returns its index."""
    count = len(inputs)
    if kind in _ONE_INPUT and count != 1:
        raise _fail(where, name, f"{kind} reads one input; got {count}")
    if kind in (GraphOpKind.ADD, GraphOpKind.SCALE) and count != 2:
        raise _fail(where, name, f"{kind} reads two inputs; got {count}")
    if kind is GraphOpKind.CONCAT and count < 2:
        raise _fail(where, name, f"concat reads two or more inputs; got {count}")
    first = inputs[0]
    cin = graph.channels(first)
    in_level = graph.level(first)
    flat = in_level == FLAT
    if kind in _NEEDS_C and width is None:
        raise _fail(where, name, f"c (output channels) is required for {kind}")
    if width is not None and kind not in (*_CONVS, GraphOpKind.FC):
        raise _fail(where, name, f"c does not apply to {kind} (its channels follow its inputs)")
    if width is not None and width.written == CLASSES and kind is GraphOpKind.DEPTHWISE:
        raise _fail(where, name, "a depthwise conv keeps its channels; it cannot give the "
                                 "classes")
    cout = cin if width is None else _width_value(width, graph, where, name)
    if cout != CLASSES and cout > 100_000:
        raise _fail(where, name, f"{cout:,} channels: at most 100,000")
    if kind not in _STRIDED and s != 1:
        raise _fail(where, name, f"{kind} takes no stride (s = 1)")
    if kind not in (*_STRIDED,) and k != 1:
        raise _fail(where, name, f"{kind} takes no kernel (k = 1)")
    out_level = in_level
    depthwise = kind is GraphOpKind.DEPTHWISE
    if kind is GraphOpKind.FC and not flat:
        raise _fail(where, name, f"fc runs on a pooled 1×1 vector, but {graph.label(first)} is "
                                 f"a {graph.size(in_level)}-px map; put a pool before it or use "
                                 f"pointwise")
    if kind in (GraphOpKind.POOL, GraphOpKind.MAXPOOL) and flat:
        raise _fail(where, name, f"{graph.label(first)} is already pooled to 1×1")
    if kind in _STRIDED:
        if flat and (k != 1 or s != 1):
            raise _fail(where, name, f"{kind} with k = {k}, s = {s} on the pooled 1×1 vector "
                                     f"{graph.label(first)}; only a 1×1 conv at stride 1 runs "
                                     f"there")
        if not flat:
            out_level = _level(graph, in_level, s, valid, where, name)
    if kind is GraphOpKind.POOL:
        out_level = FLAT
    if kind is GraphOpKind.DEPTHWISE and cout != cin:
        written = width.text if width is not None else ""
        raise _fail(where, name, f"a depthwise conv keeps its channels: c={written} gives "
                                 f"{cout}, its input has {cin}")
    if kind in (GraphOpKind.CONV, GraphOpKind.POINTWISE) and groups != 1:
        if cout == CLASSES or cin % groups or cout % groups:
            raise _fail(where, name, f"groups={groups} must divide the input channels ({cin}) "
                                     f"and the output channels "
                                     f"({'the classes' if cout == CLASSES else cout})")
        if groups == cin == cout:
            depthwise = True  # a conv in as many groups as channels is a depthwise conv
    if kind is GraphOpKind.SPLIT:
        i, n = part
        if cin % n:
            raise _fail(where, name, f"split part={i}/{n} must divide the channels: "
                                     f"{graph.label(first)} has {cin}, not a multiple of {n}")
        cout = cin // n
    if kind is GraphOpKind.SHUFFLE and cin % groups:
        raise _fail(where, name, f"a shuffle's channels must be divisible by its groups: "
                                 f"{graph.label(first)} has {cin} channels, groups={groups}")
    if kind is GraphOpKind.CONCAT:
        levels = {graph.level(j) for j in inputs}
        if len(levels) != 1:
            sizes = ", ".join(f"{graph.label(j)} {graph.shape(j)}" for j in inputs)
            raise _fail(where, name, f"a concat joins maps of one size; got {sizes} (at α = 1 "
                                     f"and {graph.image_size} px)")
        cout = sum(graph.channels(j) for j in inputs)
        if cout > 100_000:
            raise _fail(where, name, f"{cout:,} channels: at most 100,000")
    if kind is GraphOpKind.ADD:
        a, b = inputs
        if graph.level(a) != graph.level(b) or graph.channels(a) != graph.channels(b):
            raise _fail(where, name, f"an add needs two maps of one shape; got "
                                     f"{graph.label(a)} {graph.shape(a)} and {graph.label(b)} "
                                     f"{graph.shape(b)} (at α = 1 and {graph.image_size} px)")
    if kind is GraphOpKind.SCALE:
        a, b = inputs
        if graph.level(a) == FLAT or graph.level(b) != FLAT or \
                graph.channels(a) != graph.channels(b):
            raise _fail(where, name, f"a scale multiplies a map (first input) by a 1×1 gate of "
                                     f"its channels (second input); got {graph.label(a)} "
                                     f"{graph.shape(a)} and {graph.label(b)} {graph.shape(b)}")
    if kind is GraphOpKind.SE:
        if flat:
            raise _fail(where, name, "squeeze-and-excite runs on a map, not a pooled vector")
        if se is None:
            raise _fail(where, name, "an se operation needs se (the squeeze ratio)")
    for j in inputs:
        if j >= 0 and graph.ops[j].channels == CLASSES:
            raise _fail(where, name, f"{graph.label(j)} gives the classes; nothing may read it")
    graph.ops.append(GraphOp(
        line=line, name=name, op=kind, inputs=inputs,
        width=width, kernel=k, stride=s, valid=valid, groups=groups, part=part, se=se,
        bias=bias, nl=nl, depthwise=depthwise, block=block, in_level=in_level,
        out_level=out_level, channels=cout))
    if len(graph.ops) > MAX_OPERATIONS:
        raise ValueError(f"{where}: more than {MAX_OPERATIONS:,} operations once the own "
                         f"blocks are expanded")
    return len(graph.ops) - 1


def _resolve(text: str, where: str, name: str, scope: dict[str, int], previous: int,
             forward: dict[str, int], own: str) -> tuple[int, ...]:
    """The inputs of one operation: names in ``scope`` (earlier operations, and ``input``:
    the image, or in a block ``in``: its input), or empty: ``previous``."""
    tokens = [t for t in re.split(r"[+\s]+", text.strip()) if t]
    if not tokens:
        return (previous,)
    out: list[int] = []
    for token in tokens:
        if token == own:
            raise _fail(where, name, f"input {token!r} is the operation itself: a graph table "
                                     f"is acyclic, so inputs must be earlier rows")
        if token in scope:
            out.append(scope[token])
        elif token in forward:
            raise _fail(where, name, f"input {token!r} is defined later (line "
                                     f"{forward[token]}): a graph table is acyclic, so inputs "
                                     f"must be earlier rows")
        else:
            known = ", ".join(list(scope)[-8:])
            raise _fail(where, name, f"input {token!r} does not exist (names it may read: "
                                     f"{'..., ' if len(scope) > 8 else ''}{known})")
    return tuple(out)


def _kernel(text: str, where: str, name: str, valid: bool, s: int) -> int:
    k = _integer(text, "k", where, name, 1, 31)
    if valid and not (k == s and k > 1):
        raise _fail(where, name, f"padding=valid needs a window as wide as its stride (k = s "
                                 f"> 1); got k = {k}, s = {s}")
    if not valid and k % 2 == 0:
        raise _fail(where, name, f"k must be an odd positive integer up to 31; got {k}")
    return k


def _fields(where: str, name: str, kind: GraphOpKind, cells: dict[str, str],
            params: _Params | None, default_nl: Activation) -> dict[str, object]:
    """The operation's k, s, valid, groups, part, se, bias and nl (``params``: in a block,
    what the row gives)."""
    def cell(column: str) -> str:
        return (cells.get(column) or "").strip()

    padding = cell("padding").lower()
    if padding not in ("", "same", "valid"):
        raise _fail(where, name, f"padding must be same or valid; got {cell('padding')!r}")
    valid = padding == "valid"
    if params is not None and cell("s") == "s":
        s = params.s
    else:
        s = _integer(cell("s") or "1", "s", where, name, 1, 64)
    if params is not None and cell("k") == "k":
        if params.k is None:
            raise _fail(where, name, "k=k: the row using this block gives no k")
        k = params.k
        if valid and k != s:
            raise _fail(where, name, f"padding=valid needs k = s; got k = {k}, s = {s}")
        if not valid and k % 2 == 0:
            raise _fail(where, name, f"k must be an odd positive integer up to 31; got {k}")
    else:
        k = _kernel(cell("k") or "1", where, name, valid, s)
    if valid and kind not in _STRIDED:
        raise _fail(where, name, f"padding applies to conv, depthwise and maxpool, not {kind}")
    groups = _integer(cell("groups") or ("2" if kind is GraphOpKind.SHUFFLE else "1"),
                      "groups", where, name, 1, 100_000)
    if cell("groups") and kind not in (GraphOpKind.CONV, GraphOpKind.POINTWISE,
                                       GraphOpKind.SHUFFLE):
        raise _fail(where, name, f"groups applies to conv, pointwise and shuffle, not {kind}")
    part = (1, 1)
    if kind is GraphOpKind.SPLIT:
        match = re.fullmatch(r"(\d+)/(\d+)", cell("part"))
        if match is None:
            raise _fail(where, name, f"a split needs part=i/n (part i of n equal channel "
                                     f"groups, e.g. 1/2); got {cell('part')!r}")
        i, n = int(match.group(1)), int(match.group(2))
        if not 1 <= i <= n <= 1024 or n < 2:
            raise _fail(where, name, f"part=i/n needs 1 ≤ i ≤ n and 2 ≤ n ≤ 1024; got "
                                     f"{cell('part')}")
        part = (i, n)
    elif cell("part"):
        raise _fail(where, name, "part applies to split only")
    se: Fraction | None = None
    if params is not None and cell("se") == "se":
        se = params.se
    elif cell("se"):
        try:
            se = parse_ratio(cell("se"), "se")
        except ValueError as error:
            raise _fail(where, name, str(error)) from None
        if not 0 < se <= 1:
            raise _fail(where, name, f"se must be a ratio in (0, 1]; got {cell('se')}")
    if cell("se") and kind is not GraphOpKind.SE:
        raise _fail(where, name, "se applies to se operations only")
    bias_text = cell("bias").lower()
    if bias_text and bias_text not in _YES_NO:
        raise _fail(where, name, f"bias must be yes or no; got {cell('bias')!r}")
    if bias_text and kind not in _CONVS:
        raise _fail(where, name, f"bias applies to conv, depthwise and pointwise, not {kind}")
    nl_text = cell("nl").lower()
    if params is not None and nl_text == "nl":
        nl = params.nl
    elif nl_text:
        try:
            nl = Activation(nl_text)
        except ValueError:
            raise _fail(where, name, f"nl must be one of {', '.join(Activation)}; got "
                                     f"{cell('nl')!r}") from None
    else:
        nl = default_nl if kind in (*_CONVS, GraphOpKind.ACTIVATION) else Activation.NONE
    return {"k": k, "s": s, "valid": valid, "groups": groups, "part": part, "se": se,
            "bias": bool(bias_text) and _YES_NO[bias_text], "nl": nl}


def parse_graph(header: list[str], records: list[tuple[int, list[str]]],
                templates: dict[str, _Template], *, image_channels: int, image_size: int,
                activation: Activation) -> tuple[GraphOp, ...]:
    """The operations of a graph table (rows in ``records`` under ``header``), own blocks
    expanded, each checked at α = 1."""
    graph = _Graph(image_channels, image_size)
    rows = [(line, {h: (c or "").strip() for h, c in zip(header, cells, strict=True)})
            for line, cells in records]
    lines: dict[str, int] = {}
    for line, cells in rows:
        name = cells.get("name", "")
        if not name:
            raise ValueError(f"line {line}: name must not be empty (a graph table names every "
                             f"operation, so that inputs can name it)")
        if not _OP_NAME.fullmatch(name):
            raise ValueError(f"line {line}: name must be letters, digits, '.', '_' or '-', "
                             f"starting with a letter; got {name!r}")
        if name == "input":
            raise ValueError(f"line {line}: operation 'input': 'input' names the image; "
                             f"choose another name")
        if name in lines:
            raise ValueError(f"line {line}: operation {name!r}: the name is already used on "
                             f"line {lines[name]}; names must be unique")
        lines[name] = line
    used: set[str] = set()
    blocks = 0
    previous = -1
    for line, cells in rows:
        where = f"line {line}"
        name = cells["name"]
        text = cells.get("op", "")
        fixed = (cells.get("width") or "scaled").lower()
        if fixed not in ("scaled", "fixed"):
            raise _fail(where, name, f"width must be scaled or fixed; got {cells['width']!r}")
        scope = {"input": -1, **{n: index for n, (index, _) in graph.names.items()}}
        forward = {n: ln for n, ln in lines.items() if n not in graph.names and n != name}
        inputs = _resolve(cells.get("inputs", ""), where, name, scope, previous, forward, name)
        template = templates.get(text)
        if template is None:
            kind = _kind(text, where, name)
            for column in ("n", "t", "exp"):
                if cells.get(column):
                    raise _fail(where, name, f"{column} applies to rows that use an own block")
            values = _fields(where, name, kind, cells, None, activation)
            width = (None if not cells.get("c")
                     else _width(cells["c"], where, name, graph, inputs[0], None,
                                 fixed == "fixed"))
            previous = _emit(graph, line, where, name, kind, inputs, width, block=0,
                             **values)  # type: ignore[arg-type]
        else:
            used.add(text)
            previous, blocks = _use_block(graph, template, line, name, cells, inputs,
                                          activation, fixed == "fixed", blocks)
        graph.names[name] = (previous, line)
    taken = {op.name: op.line for op in graph.ops}
    for op in graph.ops:
        if op.op is GraphOpKind.SE:
            for part in ("pool", "reduce", "expand", "scale"):
                if f"{op.name}.{part}" in taken:
                    raise ValueError(
                        f"line {taken[op.name + '.' + part]}: operation "
                        f"{op.name + '.' + part!r}: the name is taken by the squeeze-and-excite "
                        f"{op.name!r} (line {op.line}), which adds NAME.pool, NAME.reduce, "
                        f"NAME.expand and NAME.scale; names must be unique")
    unused = sorted(set(templates) - used)
    if unused:
        raise ValueError(f"line {templates[unused[0]].line}: block {unused[0]!r} is defined "
                         f"but no row uses it")
    return tuple(graph.ops)


def _use_block(graph: _Graph, template: _Template, line: int, name: str,
               cells: dict[str, str], inputs: tuple[int, ...], activation: Activation,
               fixed: bool, blocks: int) -> tuple[int, int]:
    """Expand ``n`` repeats of an own block (the first at stride ``s``); returns the last
    operation's index and the number of block instances so far."""
    where = f"line {line}"
    if len(inputs) != 1:
        raise _fail(where, name, f"an own block reads one input; got {len(inputs)}")
    n = _integer(cells.get("n") or "1", "n", where, name, 1, 1000)
    s = _integer(cells.get("s") or "1", "s", where, name, 1, 64)
    k = _integer(cells["k"], "k", where, name, 1, 31) if cells.get("k") else None
    for column in ("groups", "part", "bias", "padding"):
        if cells.get(column):
            raise _fail(where, name, f"{column} applies to operation rows; write it in the "
                                     f"block's lines")
    t: Fraction | None = None
    if cells.get("t"):
        try:
            t = parse_ratio(cells["t"], "t")
        except ValueError as error:
            raise _fail(where, name, str(error)) from None
        if not 0 < t <= 64:
            raise _fail(where, name, f"t must be a number in (0, 64]; got {cells['t']}")
    se: Fraction | None = None
    if cells.get("se"):
        try:
            se = parse_ratio(cells["se"], "se")
        except ValueError as error:
            raise _fail(where, name, str(error)) from None
        if not 0 < se <= 1:
            raise _fail(where, name, f"se must be a ratio in (0, 1]; got {cells['se']}")
    nl = activation
    if cells.get("nl"):
        try:
            nl = Activation(cells["nl"].lower())
        except ValueError:
            raise _fail(where, name, f"nl must be one of {', '.join(Activation)}; got "
                                     f"{cells['nl']!r}") from None
    out = exp = None
    if cells.get("c"):
        if cells["c"].lower() == "classes":
            raise _fail(where, name, "an own block cannot give the classes")
        out = Width(written=_integer(cells["c"], "c", where, name, 1, 100_000), fixed=fixed)
    if cells.get("exp"):
        exp = Width(written=_integer(cells["exp"], "exp", where, name, 1, 100_000),
                    fixed=fixed)
    # a parameter the row gives must be used by the block: never silently ignored
    widths = [_WIDTH.fullmatch(fields.get("c", "").replace(" ", ""))
              for _, _, fields in template.ops]
    uses = {param: (f"{param}={param}", any(fields.get(param) == param
                                           for _, _, fields in template.ops))
            for param in ("k", "s", "se")}
    uses["c"] = ("c=out", any(m is not None and m.group(1) == "out" for m in widths))
    uses["exp"] = ("c=exp", any(m is not None and m.group(1) == "exp" for m in widths))
    uses["t"] = ("c=in*t", any(m is not None and m.group(2) == "t" for m in widths))
    for column, (hint, used) in uses.items():
        given = cells.get(column) and not (column == "s" and s == 1)
        if given and not used:
            raise _fail(where, name, f"{column}={cells[column]}: block {template.name!r} "
                                     f"(line {template.line}) has no operation that uses it "
                                     f"(as {hint})")
    block_in = inputs[0]
    for repeat in range(n):
        blocks += 1
        instance = name if n == 1 else f"{name}_{repeat + 1}"
        params = _Params(out=out, exp=exp, t=t, k=k, s=s if repeat == 0 else 1, se=se, nl=nl,
                         block_in=block_in)
        scope: dict[str, int] = {}
        previous = block_in
        forward = {op_name: op_line for op_line, op_name, _ in template.ops}
        for op_line, op_name, fields in template.ops:
            forward.pop(op_name, None)
            full = f"{instance}.{op_name}"
            context = f"{where} (block {template.name!r}, line {op_line})"
            kind = _kind(fields["op"], context, full)
            resolved = _resolve(fields.get("inputs", ""), context, full,
                                {"in": block_in, **scope}, previous, forward, op_name)
            if fields.get("se") == "se" and se is None:
                if kind is not GraphOpKind.SE:
                    raise _fail(context, full, "se=se applies to se operations only")
                scope[op_name] = resolved[0]  # no ratio on the row: no squeeze-and-excite
                previous = resolved[0]
                continue
            values = _fields(context, full, kind, fields, params, nl)
            width = (None if not fields.get("c")
                     else _width(fields["c"], context, full, graph, resolved[0], params,
                                 fixed))
            previous = _emit(graph, line, context, full, kind, resolved, width,
                             block=blocks, **values)  # type: ignore[arg-type]
            scope[op_name] = previous
        block_in = previous
    return block_in, blocks


__all__ = ["GRAPH_COLUMNS", "MAX_OPERATIONS", "parse_graph", "parse_templates"]
