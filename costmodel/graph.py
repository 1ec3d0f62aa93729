"""From a network table to its operations, once per (network, rules, classes, variant, depth).

A :class:`Graph` is the network with nothing left to choose but α and the input size:

* every channel count is a variable of a :class:`~costmodel.widths.WidthProgram` (evaluated per
  α by the builder's rounding rules);
* every spatial size is a *level*: level 0 is the input image, level ``i`` the size after the
  ``i``-th stride (``ceil(size / stride)``, 'SAME' padding), ``FLAT`` a 1×1 map (after the
  pool, and inside squeeze-and-excite).

Blocks expand into operations as their papers define them: MobileNet v1's separable pair is a
depthwise k×k conv and a pointwise 1×1 conv (Howard et al. 2017, Fig. 3); an inverted residual
is an expanding 1×1 conv (none when the inner width equals the input width; under TF-slim's
``expand_if=larger``, none unless it is larger, and then the depthwise conv and the projection
run on the block's input channels), a depthwise k×k conv at the block's stride, an optional
squeeze-and-excite (pool, reducing 1×1 with bias, expanding 1×1 with bias, channel-wise
scale), a linear 1×1 projection and, at stride 1 with equal channels, a residual add
(Sandler et al. 2018, Fig. 3 and Table 1; Howard et al. 2019, Fig. 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

from costmodel.kinds import Activation, OpKind, Role
from costmodel.network_spec import (
    CLASSES,
    BlockRow,
    ExpandIf,
    Expansion,
    HeadRule,
    Network,
    Operator,
    Residual,
    RuleSet,
    SqueezeRule,
    WidthMode,
)
from costmodel.operations import output_size
from costmodel.widths import ONE, Rounding, VarKind, WidthProgram, WidthVar

FLAT = -1  # the level of a 1×1 map


@dataclass(frozen=True, kw_only=True, slots=True)
class OpSpec:
    """One operation with its widths as program variables and its sizes as levels.

    ``group_var`` is the input channels per group: the constant 1 for a depthwise conv, the
    input channels otherwise. ``block`` is the 1-based block index (0: not in a block).
    """

    name: str
    block: int
    role: Role
    kind: OpKind
    kernel: int
    stride: int
    in_var: int
    out_var: int
    group_var: int
    bias: bool
    batchnorm: bool
    activation: Activation
    in_level: int
    out_level: int
    line: int
    depthwise: bool = False
    #: (variable a, variable b, comparison): the operation exists only where the two channel
    #: counts compare so at the evaluated α ("ne": an expansion conv where the inner width
    #: differs from the input; "gt": where it is larger; "eq": a residual add where input and
    #: output widths are equal). ``None``: always.
    present_if: tuple[int, int, str] | None = None


def condition_holds(condition: tuple[int, int, str] | None, channels: list[int]) -> bool:
    """Whether an operation's ``present_if`` holds for the evaluated ``channels``."""
    if condition is None:
        return True
    a, b, comparison = condition
    if comparison == "ne":
        return channels[a] != channels[b]
    if comparison == "gt":
        return channels[a] > channels[b]
    return channels[a] == channels[b]


@dataclass(frozen=True, kw_only=True, slots=True)
class BlockSpec:
    """A block (separable pair or inverted residual) and the operations it expanded into
    (``ops[first:last + 1]``). ``expansion_var``/``squeeze_var`` are -1 where absent."""

    index: int
    name: str
    operator: Operator
    kernel: int
    stride: int
    in_var: int
    out_var: int
    in_level: int
    out_level: int
    first: int
    last: int
    line: int
    expansion_var: int = -1
    squeeze_var: int = -1
    #: the width the depthwise conv runs on where it is not ``expansion_var`` (TF-slim's
    #: ``expand_if=larger``: the larger of the inner and the input width); -1 otherwise
    inner_var: int = -1
    t: Fraction | None = None
    #: index of the block's residual add in ``Graph.ops`` (-1: none)
    residual_op: int = -1


@dataclass(frozen=True, kw_only=True, eq=False)
class Graph:
    """A network's operations under one rule set, number of classes, variant and depth."""

    network: Network
    rules: RuleSet
    classes: int
    variant: str
    repeats: tuple[int, ...]
    program: WidthProgram
    ops: tuple[OpSpec, ...]
    blocks: tuple[BlockSpec, ...]
    strides: tuple[int, ...]
    image_var: int
    classes_var: int

    def op_index(self, name: str) -> int:
        """The index of the operation called ``name``; ``ValueError`` listing them."""
        for i, op in enumerate(self.ops):
            if op.name == name:
                return i
        names = [op.name for op in self.ops]
        shown = ", ".join(names) if len(names) <= 60 else ", ".join(names[:60]) + ", ..."
        raise ValueError(f"layer must be one of: {shown}; got {name!r}")

    def sizes(self, resolution: int) -> list[int]:
        """Size in pixels of every level at input ``resolution`` (index = level)."""
        out = [resolution]
        for stride in self.strides:
            out.append(output_size(out[-1], stride))
        return out


class _Builder:
    def __init__(self, network: Network, rules: RuleSet, classes: int) -> None:
        self.network = network
        self.rules = rules
        self.vars: list[WidthVar] = [WidthVar(kind=VarKind.CONST, label="1", base=1)]
        self.index: dict[tuple[object, ...], int] = {self._key(self.vars[0]): 0}
        self.ops: list[OpSpec] = []
        self.blocks: list[BlockSpec] = []
        self.strides: list[int] = []
        self.level = 0
        # distinct variables even where their values coincide with another constant (the
        # classes are substituted into a cached graph; source marks them apart)
        self.image_var = self.var(WidthVar(kind=VarKind.CONST, label="image channels",
                                           base=network.image_channels, source=-3))
        self.classes_var = self.var(WidthVar(kind=VarKind.CONST, label="classes", base=classes,
                                             source=-2))

    @staticmethod
    def _key(var: WidthVar) -> tuple[object, ...]:
        return (var.kind, var.base, var.rounding, var.source, var.factor, var.other,
                var.written, var.minimum)

    def var(self, var: WidthVar) -> int:
        key = self._key(var)
        found = self.index.get(key)
        if found is not None:
            return found
        self.vars.append(var)
        self.index[key] = len(self.vars) - 1
        return len(self.vars) - 1

    def width(self, row: BlockRow, label: str) -> int:
        if row.c == CLASSES:
            return self.classes_var
        assert row.c is not None
        mode = self.rules.width_of(row)
        if mode is WidthMode.FIXED:
            return self.var(WidthVar(kind=VarKind.CONST, label=label, base=row.c))
        kind = VarKind.SCALED if mode is WidthMode.SCALED else VarKind.FINEGRAIN
        return self.scaled(kind, label, row.c, self.rules.rounding)

    def scaled(self, kind: VarKind, label: str, base: int, rounding: Rounding) -> int:
        """A width the table writes, scaled by α (as written at α = 1 in a user's table)."""
        written = self.network.as_written
        return self.var(WidthVar(kind=kind, label=label, base=base, rounding=rounding,
                                 written=written, minimum=base if written and base < 8 else 0))

    def derived(self, label: str, source: int, factor: Fraction, rounding: Rounding,
                written: bool = False) -> int:
        """A width computed from another: ``t·C_in`` or ``se·C`` (rounded by the table's
        rules at every α), or a written ``exp`` taken as ``(exp / C_in)·C_in`` (``written``:
        in a user's table exact at α = 1, and never rounded below that width where it is
        under 8)."""
        var = WidthVar(kind=VarKind.DERIVED, label=label, source=source, factor=factor,
                       rounding=rounding, written=written and self.network.as_written)
        if var.written and rounding is not Rounding.EXACT:
            at_one = WidthProgram(variables=(*self.vars, var)).evaluate(1.0)[-1]
            if at_one < 8:
                var = replace(var, minimum=at_one)
        return self.var(var)

    def spatial(self, stride: int) -> tuple[int, int]:
        before = self.level
        if stride != 1:
            self.strides.append(stride)
            self.level = len(self.strides)
        return before, self.level

    def add(self, **fields: object) -> None:
        self.ops.append(OpSpec(**fields))  # type: ignore[arg-type]


def _base_width(program: list[WidthVar], var: int) -> int:
    """A variable's width at α = 1 (for expansion ratios of the table)."""
    values = WidthProgram(variables=tuple(program)).evaluate(1.0)
    return values[var]


def _expansion(b: _Builder, row: BlockRow, cin: int, label: str) -> int:
    rules = b.rules
    cin_base = _base_width(b.vars, cin)
    if row.t is not None:
        factor = row.t
    else:
        assert row.exp is not None
        factor = Fraction(row.exp, cin_base)
    if factor == 1:
        return cin
    if rules.expansion is Expansion.PRODUCT:
        if factor.denominator != 1:
            raise ValueError(f"line {row.line}: expansion=product needs an integer expansion "
                             f"factor; got {factor}")
        return b.derived(label, cin, factor, Rounding.EXACT)
    if rules.expansion is Expansion.ROUNDED:
        return b.derived(label, cin, factor, Rounding.ROUND, written=row.exp is not None)
    if rules.expansion is Expansion.SCALED:
        exp = row.exp if row.exp is not None else factor * cin_base
        if Fraction(exp).denominator != 1:
            raise ValueError(f"line {row.line}: t·c_in = {exp} is not a whole width")
        return b.scaled(VarKind.SCALED, label, int(exp), rules.rounding)
    return b.derived(label, cin, factor, rules.rounding, written=row.exp is not None)


def _squeeze(b: _Builder, row: BlockRow, cin: int, expanded: int, label: str) -> int:
    assert row.se is not None
    if b.rules.se_squeeze is SqueezeRule.EXPANDED:
        return b.derived(label, expanded, row.se, Rounding.MAKE_DIVISIBLE)
    return b.derived(label, cin, row.se, Rounding.FLOOR_MIN_1)


def _expand_condition(b: _Builder, row: BlockRow, cin: int,
                      expanded: int) -> tuple[int, int, str] | None:
    """When the expansion conv exists: TF-slim builds it where the inner width is larger than
    the input (``inner_size > net.shape[3]``), torchvision v3 and EfficientNet where it
    differs, torchvision v2 and the TPU builders wherever the factor is not 1. ``None`` where
    it exists at every α (also an expansion by 2 or more from the input's own width: every
    rounding rule keeps at least 0.9·2·C_in > C_in)."""
    if b.rules.expand_if is ExpandIf.RATIO:
        return None  # the factor is not 1 here (a factor of 1 gives no expansion variable)
    derived = b.vars[expanded]
    if derived.kind is VarKind.DERIVED and derived.source == cin and derived.factor >= 2:
        return None
    return (expanded, cin, "gt" if b.rules.expand_if is ExpandIf.LARGER else "ne")


def _inverted_residual(b: _Builder, row: BlockRow, index: int, cin: int, cout: int,
                       stride: int) -> None:
    prefix = f"b{index}"
    first = len(b.ops)
    in_level = b.level
    expanded = _expansion(b, row, cin, f"{prefix} expansion")
    common = {"block": index, "line": row.line, "bias": False}
    inner = expanded  # the width the depthwise conv, the SE and the projection run on
    if expanded != cin:
        condition = _expand_condition(b, row, cin, expanded)
        b.add(name=f"{prefix}.expand", role=Role.EXPAND, kind=OpKind.CONV, kernel=1, stride=1,
              in_var=cin, out_var=expanded, group_var=cin, batchnorm=True, activation=row.nl,
              in_level=in_level, out_level=in_level, present_if=condition, **common)
        if condition is not None and condition[2] == "gt":
            # TF-slim's expanded_conv: no expansion conv, so the depthwise conv reads the input
            inner = b.var(WidthVar(kind=VarKind.LARGER, label=f"{prefix} depthwise width",
                                   source=expanded, other=cin))
    _, out_level = b.spatial(stride)
    b.add(name=f"{prefix}.dw", role=Role.DEPTHWISE, kind=OpKind.CONV, kernel=row.k,
          stride=stride, in_var=inner, out_var=inner, group_var=ONE, batchnorm=True,
          activation=row.nl, in_level=in_level, out_level=out_level, depthwise=True, **common)
    squeeze = -1
    if row.se is not None:
        squeeze = _squeeze(b, row, cin, inner, f"{prefix} squeeze")
        gate = (Activation.HSIGMOID if b.rules.se_squeeze is SqueezeRule.EXPANDED
                else Activation.SIGMOID)
        squeeze_activation = (Activation.SWISH if row.nl is Activation.SWISH
                              else Activation.RELU)
        se = {**common, "role": Role.SE}
        se["bias"] = False
        b.add(name=f"{prefix}.se.pool", kind=OpKind.POOL, kernel=1, stride=1,
              in_var=inner, out_var=inner, group_var=inner, batchnorm=False,
              activation=Activation.NONE, in_level=out_level, out_level=FLAT, **se)
        se["bias"] = True
        b.add(name=f"{prefix}.se.reduce", kind=OpKind.CONV, kernel=1, stride=1,
              in_var=inner, out_var=squeeze, group_var=inner, batchnorm=False,
              activation=squeeze_activation, in_level=FLAT, out_level=FLAT, **se)
        b.add(name=f"{prefix}.se.expand", kind=OpKind.CONV, kernel=1, stride=1,
              in_var=squeeze, out_var=inner, group_var=squeeze, batchnorm=False,
              activation=gate, in_level=FLAT, out_level=FLAT, **se)
        se["bias"] = False
        b.add(name=f"{prefix}.se.scale", kind=OpKind.SCALE, kernel=1, stride=1,
              in_var=inner, out_var=inner, group_var=inner, batchnorm=False,
              activation=Activation.NONE, in_level=out_level, out_level=out_level, **se)
    b.add(name=f"{prefix}.project", role=Role.PROJECT, kind=OpKind.CONV, kernel=1, stride=1,
          in_var=inner, out_var=cout, group_var=inner, batchnorm=True,
          activation=Activation.NONE, in_level=out_level, out_level=out_level, **common)
    if row.residual is Residual.YES and not (stride == 1 and cin == cout):
        raise ValueError(f"line {row.line}: residual=yes needs stride 1 and equal input and "
                         f"output channels at every α under these rules")
    residual_op = -1
    if row.residual is not Residual.NO and stride == 1:
        # the builders compare the widths as built: equal everywhere, or only at some α
        condition = None if cin == cout else (cin, cout, "eq")
        residual_op = len(b.ops)
        b.add(name=f"{prefix}.add", role=Role.ADD, kind=OpKind.ADD, kernel=1, stride=1,
              in_var=cout, out_var=cout, group_var=cout, batchnorm=False,
              activation=Activation.NONE, in_level=out_level, out_level=out_level,
              present_if=condition, **common)
    b.blocks.append(BlockSpec(
        index=index, name=prefix, operator=Operator.INVERTED_RESIDUAL, kernel=row.k,
        stride=stride, in_var=cin, out_var=cout, in_level=in_level, out_level=out_level,
        first=first, last=len(b.ops) - 1, line=row.line, expansion_var=expanded,
        squeeze_var=squeeze, inner_var=inner if inner != expanded else -1, t=row.t,
        residual_op=residual_op))


def _separable(b: _Builder, row: BlockRow, index: int, cin: int, cout: int, stride: int,
               names: tuple[str, str]) -> None:
    first = len(b.ops)
    in_level, out_level = b.spatial(stride)
    common = {"block": index, "line": row.line, "bias": False, "batchnorm": True,
              "activation": row.nl}
    b.add(name=names[0], role=Role.DEPTHWISE, kind=OpKind.CONV, kernel=row.k, stride=stride,
          in_var=cin, out_var=cin, group_var=ONE, in_level=in_level, out_level=out_level,
          depthwise=True, **common)
    b.add(name=names[1], role=Role.POINTWISE, kind=OpKind.CONV, kernel=1, stride=1,
          in_var=cin, out_var=cout, group_var=cin, in_level=out_level, out_level=out_level,
          **common)
    b.blocks.append(BlockSpec(
        index=index, name=f"{names[0]}/{names[1]}", operator=Operator.SEPARABLE,
        kernel=row.k, stride=stride, in_var=cin, out_var=cout, in_level=in_level,
        out_level=out_level, first=first, last=len(b.ops) - 1, line=row.line))


@lru_cache(maxsize=1024)
def build_graph(network: Network, rules: RuleSet, classes: int, variant: str = "separable",
                depth: float = 1.0) -> Graph:
    """The operations of ``network`` under ``rules`` with ``classes`` outputs, in ``variant``
    (MobileNet v1: separable, full or shallow) and with block repeats ``ceil(depth·n)``.
    Cached by the repeats depth gives, and the classes substituted into a cached structure."""
    repeats = tuple(
        math.ceil(depth * row.n) if network.depth_scaling and row.operator in (
            Operator.SEPARABLE, Operator.INVERTED_RESIDUAL) else row.n
        for row in network.rows)
    return _with_classes(_build(network, rules, variant, repeats), classes)


@lru_cache(maxsize=256)
def _with_classes(graph: Graph, classes: int) -> Graph:
    if graph.classes == classes:
        return graph
    variables = list(graph.program.variables)
    variables[graph.classes_var] = replace(variables[graph.classes_var], base=classes)
    return replace(graph, classes=classes,
                   program=WidthProgram(variables=tuple(variables)))


_MAX_OPERATIONS = 200_000


@lru_cache(maxsize=256)
def _build(network: Network, rules: RuleSet, variant: str, repeats: tuple[int, ...]) -> Graph:
    classes = rules.classes
    b = _Builder(network, rules, classes)
    rows = list(network.rows)
    block_rows = [i for i, r in enumerate(rows)
                  if r.operator in (Operator.SEPARABLE, Operator.INVERTED_RESIDUAL)]
    last_block_row = block_rows[-1] if block_rows else -1
    channels = b.image_var
    last_block_out = -1
    last_block_base = 0
    blocks = separables = convs = 0
    names: set[str] = set()
    # the table's own names; a generated name (stem, head, fc...) never takes one of them
    reserved = {name for row in rows for name in (row.name, *row.op_names) if name}

    def generated(default: str) -> str:
        """``default``, or ``default_2``, ``default_3``... where it is taken."""
        name, count = default, 1
        while name in names or name in reserved:
            count += 1
            name = f"{default}_{count}"
        return name

    pooled = False
    if sum(repeats) * 8 > _MAX_OPERATIONS:
        raise ValueError(f"{sum(repeats):,} blocks: at most {_MAX_OPERATIONS // 8:,} (depth × "
                         f"repeats)")
    for position, (row, count) in enumerate(zip(rows, repeats, strict=True)):
        before = len(b.ops)
        if variant == "shallow" and row.repeated:
            # dropped, but numbered as in the full table: dw7..dw11 go, dw12 stays dw12
            if row.operator in (Operator.SEPARABLE, Operator.INVERTED_RESIDUAL):
                blocks += count
            separables += count if row.operator is Operator.SEPARABLE else 0
            continue
        for repeat in range(count):
            stride = row.s if repeat == 0 else 1
            suffix = "" if count == 1 else f"_{repeat + 1}"
            if row.operator is Operator.INVERTED_RESIDUAL:
                blocks += 1
                cout = b.width(row, f"b{blocks} output")
                _inverted_residual(b, row, blocks, channels, cout, stride)
                channels = last_block_out = cout
                last_block_base = row.c or 0
            elif row.operator is Operator.SEPARABLE:
                blocks += 1
                separables += 1
                if row.op_names and count == 1:
                    pair = (row.op_names[0], row.op_names[1])
                else:
                    pair = (f"dw{separables}", f"pw{separables}")
                cout = b.width(row, f"{pair[1]} output")
                if variant == "full":  # the paper's "Conv MobileNet" (Table 4)
                    in_level, out_level = b.spatial(stride)
                    b.add(name=f"conv_{pair[0]}_{pair[1]}", block=0, role=Role.CONV,
                          kind=OpKind.CONV, kernel=row.k, stride=stride, in_var=channels,
                          out_var=cout, group_var=channels, bias=False, batchnorm=True,
                          activation=row.nl, in_level=in_level, out_level=out_level,
                          line=row.line)
                else:
                    _separable(b, row, blocks, channels, cout, stride, pair)
                channels = last_block_out = cout
                last_block_base = row.c or 0
            elif row.operator in (Operator.CONV, Operator.POINTWISE, Operator.DEPTHWISE):
                convs += 1
                is_head = position > last_block_row >= 0
                is_stem = not b.ops
                role = (Role.STEM if is_stem else Role.HEAD if is_head
                        else Role.DEPTHWISE if row.operator is Operator.DEPTHWISE
                        else Role.POINTWISE if row.operator is Operator.POINTWISE
                        else Role.CONV)
                default = ("stem" if is_stem else "head" if is_head else f"conv{convs}")
                given = row.name or (row.op_names[0] if row.op_names else "")
                name = given + suffix if given else generated(default + suffix)
                if row.operator is Operator.DEPTHWISE:
                    cout = channels
                elif (is_head and b.rules.head is HeadRule.MULTIPLE_OF_LAST
                      and row.c not in (None, CLASSES) and last_block_out >= 0):
                    ratio = Fraction(row.c or 0, last_block_base) if last_block_base > 0 \
                        else Fraction(1, 3)
                    if ratio.denominator != 1:
                        raise ValueError(f"line {row.line}: head=multiple_of_last needs c to be "
                                         f"a whole multiple of the last block's width")
                    cout = b.var(WidthVar(kind=VarKind.DERIVED, label=f"{name} output",
                                          source=last_block_out, factor=ratio,
                                          rounding=Rounding.EXACT))
                else:
                    cout = b.width(row, f"{name} output")
                in_level, out_level = (FLAT, FLAT) if pooled else b.spatial(stride)
                b.add(name=name, block=0, role=role, kind=OpKind.CONV, kernel=row.k,
                      stride=stride, in_var=channels, out_var=cout,
                      group_var=ONE if row.operator is Operator.DEPTHWISE else channels,
                      bias=False, batchnorm=True, activation=row.nl, in_level=in_level,
                      out_level=out_level, line=row.line,
                      depthwise=row.operator is Operator.DEPTHWISE)
                channels = cout
            elif row.operator is Operator.POOL:
                b.add(name=row.name or generated("pool"), block=0, role=Role.POOL,
                      kind=OpKind.POOL,
                      kernel=1, stride=1, in_var=channels, out_var=channels,
                      group_var=channels, bias=False, batchnorm=False,
                      activation=Activation.NONE, in_level=b.level, out_level=FLAT,
                      line=row.line)
                pooled = True
            else:  # fc, classifier
                classifier = row.operator is Operator.CLASSIFIER
                name = row.name or generated("classifier" if classifier else "fc")
                cout = b.classes_var if classifier else b.width(row, f"{name} output")
                b.add(name=name, block=0,
                      role=Role.CLASSIFIER if classifier else Role.HEAD, kind=OpKind.FC,
                      kernel=1, stride=1, in_var=channels, out_var=cout, group_var=channels,
                      bias=True, batchnorm=False,
                      activation=Activation.NONE if classifier else row.nl,
                      in_level=FLAT, out_level=FLAT, line=row.line)
                channels = cout
        for op in b.ops[before:]:
            if op.name in names:
                raise ValueError(f"line {row.line}: operation name {op.name!r} is used twice")
            names.add(op.name)
    return Graph(
        network=network, rules=rules, classes=classes, variant=variant, repeats=repeats,
        program=WidthProgram(variables=tuple(b.vars)), ops=tuple(b.ops),
        blocks=tuple(b.blocks), strides=tuple(b.strides), image_var=b.image_var,
        classes_var=b.classes_var,
    )


__all__ = ["FLAT", "BlockSpec", "Graph", "OpSpec", "build_graph", "condition_holds"]
