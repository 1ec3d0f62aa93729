"""From a network table to its operations, once per (network, rules, classes, variant, depth).

A :class:`Graph` is the network with nothing left to choose but α and the input size:

* every channel count is a variable of a
  :class:`~costmodel.descriptions.widths.WidthProgram` (evaluated per α by the builder's rounding
  rules);
* every spatial size is a *level*: level 0 is the input image, level ``i`` the size after the
  ``i``-th stride (``ceil(size / stride)``, 'SAME' padding), ``FLAT`` a 1×1 map (after the
  pool, and inside squeeze-and-excite).

Blocks expand into operations through their block type's data (``data/blocks/NAME.csv``, read by
:mod:`costmodel.descriptions.block_types`; :func:`_block` is the one interpreter), as their
papers define them. For example, MobileNet v1's separable pair is a
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
from typing import Any

from costmodel.base.kinds import Activation, OpKind, Role
from costmodel.core.operations import min_resolution, output_size, too_small
from costmodel.descriptions.block_types import (
    BlockType,
    Norm,
    Require,
    Situation,
    Step,
    StepOp,
    When,
    WidthRule,
    block_type,
    holds,
)
from costmodel.descriptions.network_spec import (
    BLOCK_OPERATORS,
    CLASSES,
    BlockRow,
    ExpandIf,
    Expansion,
    GraphOp,
    GraphOpKind,
    HeadRule,
    Network,
    Operator,
    Residual,
    RuleSet,
    SqueezeRule,
    Width,
    WidthMode,
)
from costmodel.descriptions.widths import (
    ONE,
    Rounding,
    VarKind,
    WidthCheck,
    WidthProgram,
    WidthVar,
)

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
    #: the operations whose outputs this one reads (indices into ``Graph.ops``; -1: the input
    #: image): the graph's edges. An operation absent at some α passes its first input on.
    inputs: tuple[int, ...] = ()
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
        """Size in pixels of every level at input ``resolution`` (index = level); a
        ``ValueError`` where an unpadded window leaves no pixels."""
        out = [resolution]
        for stride in self.strides:
            out.append(output_size(out[-1], stride))
        if out[-1] < 1:
            raise ValueError(too_small(self.strides, resolution))
        return out

    @property
    def min_resolution(self) -> int:
        """The smallest input with pixels left after every unpadded window (1 where every
        window is padded)."""
        return min_resolution(self.strides)


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
        #: the operation whose output the next one reads by default (-1: the image)
        self.tensor = -1
        #: the tensor a block starts from (its residual add's second input)
        self.block_input = -1
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

    def spatial(self, stride: int, valid: bool = False) -> tuple[int, int]:
        """A new level where ``stride`` is not 1 ('VALID': recorded as ``-stride``, see
        :func:`costmodel.core.operations.output_size`)."""
        before = self.level
        if stride != 1:
            self.strides.append(-stride if valid else stride)
            self.level = len(self.strides)
        return before, self.level

    def add(self, **fields: object) -> int:
        """Append an operation reading ``inputs`` (default: the current tensor); its output
        becomes the current tensor. Returns its index."""
        fields.setdefault("inputs", (self.tensor,))
        self.ops.append(OpSpec(**fields))  # type: ignore[arg-type]
        self.tensor = len(self.ops) - 1
        return self.tensor


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
    return b.derived(label, cin, factor, rules.inner_rounding or rules.rounding,
                     written=row.exp is not None)


def _squeeze(b: _Builder, row: BlockRow, cin: int, expanded: int, label: str,
             t: Fraction) -> int:
    """The squeeze-and-excite inner width under the builder's rule; ``t`` is the block's
    expansion factor (timm divides the ratio by it where the squeeze is from the input)."""
    assert row.se is not None
    rule = b.rules.se_squeeze
    if rule is SqueezeRule.EXPANDED:
        return b.derived(label, expanded, row.se, Rounding.MAKE_DIVISIBLE)
    if rule is SqueezeRule.EXPANDED_4:
        return b.derived(label, expanded, row.se, Rounding.MAKE_DIVISIBLE_4)
    if rule is SqueezeRule.EXPANDED_NO_LIMIT:
        return b.derived(label, expanded, row.se, Rounding.MAKE_DIVISIBLE_NO_LIMIT)
    if rule is SqueezeRule.ROUND_INPUT:
        return b.derived(label, expanded, row.se / t, Rounding.ROUND)
    if rule is SqueezeRule.ROUND_EXPANDED:
        return b.derived(label, expanded, row.se, Rounding.ROUND)
    return b.derived(label, cin, row.se, Rounding.FLOOR_MIN_1)


def _expand_condition(b: _Builder, row: BlockRow, cin: int,
                      expanded: int) -> tuple[int, int, str] | None:
    """When the expansion conv exists: TF-slim builds it where the inner width is larger than
    the input (``inner_size > net.shape[3]``), torchvision v3 and EfficientNet where it
    differs, torchvision v2 and the TPU builders wherever the factor is not 1, timm always.
    ``None`` where it exists at every α (also an expansion by 2 or more from the input's own
    width: every rounding rule keeps at least 0.9·2·C_in > C_in)."""
    if b.rules.expand_if in (ExpandIf.RATIO, ExpandIf.ALWAYS):
        return None  # the factor is not 1 here (a factor of 1 gives no expansion variable)
    derived = b.vars[expanded]
    if derived.kind is VarKind.DERIVED and derived.source == cin and derived.factor >= 2:
        return None
    return (expanded, cin, "gt" if b.rules.expand_if is ExpandIf.LARGER else "ne")


def _splits(b: _Builder, var: int, parts: int, label: str) -> list[int]:
    """``var`` in ``parts`` channel groups (timm ``_split_channels``; the first takes the
    remainder); ``[var]`` for one group."""
    if parts == 1:
        return [var]
    return [b.var(WidthVar(kind=VarKind.SPLIT, label=f"{label} group {i + 1}", base=int(i == 0),
                           source=var, factor=Fraction(parts))) for i in range(parts)]


def _pointwise(b: _Builder, name: str, role: Role, cin: int, cout: int, groups: int,
               level: int, **common: object) -> None:
    """A 1×1 conv from ``cin`` to ``cout``; in ``groups`` > 1 groups, one conv per pair of
    channel groups (timm's ``MixedConv2d`` with 1×1 kernels, MixNet's ``a1.1``/``p1.1``)."""
    ins, outs = _splits(b, cin, groups, f"{name} input"), _splits(b, cout, groups, name)
    source = b.tensor
    for i, (a, c) in enumerate(zip(ins, outs, strict=True)):
        b.add(name=name if groups == 1 else f"{name}.g{i + 1}", role=role, kind=OpKind.CONV,
              kernel=1, stride=1, in_var=a, out_var=c, group_var=a, in_level=level,
              out_level=level, inputs=(source,), **common)
    if groups > 1:
        _concat(b, f"{name}.cat", cout, level, common, groups)


def _concat(b: _Builder, name: str, var: int, level: int, common: dict[str, Any],
            parts: int) -> int:
    """Concatenate the last ``parts`` operations' outputs along the channels into ``var``."""
    last = len(b.ops) - 1
    return b.add(name=name, role=Role.DATA, kind=OpKind.CONCAT, kernel=1, stride=1,
                 in_var=var, out_var=var, group_var=var, bias=False, batchnorm=False,
                 activation=Activation.NONE, in_level=level, out_level=level,
                 inputs=tuple(range(last - parts + 1, last + 1)),
                 **{k: v for k, v in common.items()
                    if k in ("block", "line")})


def _depthwise(b: _Builder, name: str, var: int, kernels: tuple[int, ...], stride: int,
               levels: tuple[int, int] | None = None, role: Role = Role.DEPTHWISE,
               **common: object) -> tuple[int, int]:
    """A depthwise conv on ``var`` at ``stride``; with several kernels, one per channel group
    (MixConv, Tan & Le 2019: timm ``k3.5.7``), each reading the same tensor. ``levels``:
    given where a parallel branch already took the stride. Returns (input level, output
    level)."""
    in_level, out_level = b.spatial(stride) if levels is None else levels
    parts = _splits(b, var, len(kernels), name)
    source = b.tensor
    for i, (part, k) in enumerate(zip(parts, kernels, strict=True)):
        b.add(name=name if len(kernels) == 1 else f"{name}.k{k}" if kernels.count(k) == 1
              else f"{name}.{i + 1}", role=role, kind=OpKind.CONV, kernel=k,
              stride=stride, in_var=part, out_var=part, group_var=ONE, in_level=in_level,
              out_level=out_level, depthwise=True, inputs=(source,), **common)
    if len(kernels) > 1:
        _concat(b, f"{name}.cat", var, out_level, common, len(kernels))
    return in_level, out_level


def _squeeze_excite(b: _Builder, prefix: str, row: BlockRow, cin: int, var: int, level: int,
                    t: Fraction, common: dict[str, Any]) -> int:
    """Squeeze-and-excite on ``var`` at ``level``: pool, reducing 1×1 with bias, expanding 1×1
    with bias, channel-wise scale (Hu et al. 2018; Howard et al. 2019, Fig. 4)."""
    squeeze = _squeeze(b, row, cin, var, f"{prefix} squeeze", t)
    gate = (Activation.HSIGMOID if b.rules.se_squeeze in (SqueezeRule.EXPANDED,
                                                          SqueezeRule.ROUND_EXPANDED)
            else Activation.SIGMOID)
    inner = Activation.SWISH if row.nl is Activation.SWISH else Activation.RELU
    se = {**common, "role": Role.SE, "batchnorm": False, "kernel": 1, "stride": 1}
    se.pop("bias", None)
    source = b.tensor
    b.add(name=f"{prefix}.se.pool", kind=OpKind.POOL, in_var=var, out_var=var, group_var=var,
          bias=False, activation=Activation.NONE, in_level=level, out_level=FLAT, **se)
    b.add(name=f"{prefix}.se.reduce", kind=OpKind.CONV, in_var=var, out_var=squeeze,
          group_var=var, bias=True, activation=inner, in_level=FLAT, out_level=FLAT, **se)
    b.add(name=f"{prefix}.se.expand", kind=OpKind.CONV, in_var=squeeze, out_var=var,
          group_var=squeeze, bias=True, activation=gate, in_level=FLAT, out_level=FLAT, **se)
    b.add(name=f"{prefix}.se.scale", kind=OpKind.SCALE, in_var=var, out_var=var,
          group_var=var, bias=False, activation=Activation.NONE, in_level=level,
          out_level=level, inputs=(source, b.tensor), **se)
    return squeeze


def _residual(b: _Builder, prefix: str, row: BlockRow, cin: int, cout: int, stride: int,
              level: int, common: dict[str, Any]) -> int:
    """The block's residual add where stride and widths allow it (index in ``b.ops``, or
    -1)."""
    if row.residual is Residual.YES and not (stride == 1 and cin == cout):
        raise ValueError(f"line {row.line}: residual=yes needs stride 1 and equal input and "
                         f"output channels at every α under these rules")
    if row.residual is Residual.NO or stride != 1:
        return -1
    # the builders compare the widths as built: equal everywhere, or only at some α
    condition = None if cin == cout else (cin, cout, "eq")
    return b.add(name=f"{prefix}.add", role=Role.ADD, kind=OpKind.ADD, kernel=1, stride=1,
                 in_var=cout, out_var=cout, group_var=cout, batchnorm=False,
                 activation=Activation.NONE, in_level=level, out_level=level,
                 present_if=condition, inputs=(b.tensor, b.block_input), **common)


def _kernels(row: BlockRow) -> tuple[int, ...]:
    return row.kernels or (row.k,)


@dataclass(frozen=True, slots=True)
class _Tensor:
    """A step's output inside a block: its operation (-1: the image), width and level."""

    index: int
    var: int
    level: int


@dataclass(slots=True)
class _BlockRun:
    """What one block row's repeat has built so far: the level its stride opens (opened once,
    by the first strided step; parallel branches share it), its squeeze width, its residual."""

    row: BlockRow
    index: int
    stride: int
    cin: int
    level: int | None = None
    squeeze: int = -1
    residual: int = -1


def _norm_fields(step: Step, row: BlockRow) -> dict[str, bool]:
    if step.norm is Norm.ROW:
        return {"bias": row.bias, "batchnorm": row.batchnorm}
    return {"bias": step.norm is Norm.BIAS, "batchnorm": step.norm is Norm.BN}


def _width_of(b: _Builder, btype: BlockType, run: _BlockRun, prefix: str, widths: dict[str, int],
              name: str) -> int:
    """The variable of the block's width ``name`` (``data/blocks/README.md``), made on first
    use and kept in ``widths`` (which holds ``in`` and ``out``)."""
    if name in widths:
        return widths[name]
    spec = btype.width(name)
    assert spec is not None  # the parser checked the names
    row = run.row
    source = _width_of(b, btype, run, prefix, widths, spec.args[0])  # the rule's first width
    label = f"{prefix} {spec.label}"
    if spec.rule is WidthRule.EXPANSION:
        if row.force_in:  # timm's fused block with ``fc``: t·force_in, not t·C_in
            source = b.width(replace(row, c=row.force_in), f"{prefix} forced input")
        var = _expansion(b, row, source, label)
    elif spec.rule is WidthRule.INNER:
        expanded, cin = source, _width_of(b, btype, run, prefix, widths, spec.args[1])
        var = expanded
        if expanded != cin or b.rules.expand_if is ExpandIf.ALWAYS:
            condition = _expand_condition(b, row, cin, expanded)
            if condition is not None and condition[2] == "gt":
                # TF-slim's expanded_conv: no expansion conv, so the depthwise conv reads the
                # input
                var = b.var(WidthVar(kind=VarKind.LARGER, label=label, source=expanded,
                                     other=cin))
    elif spec.rule is WidthRule.TIMES_T:
        t = row.t if row.t is not None else Fraction(btype.default_t or 1)
        var = b.var(WidthVar(kind=VarKind.DERIVED, label=label, source=source, factor=t,
                             rounding=Rounding.EXACT))
    else:  # PART: the i-th of n channel groups
        var = _splits(b, source, int(spec.args[2]), label)[int(spec.args[1]) - 1]
    widths[name] = var
    return var


def _holds(when: When, run: _BlockRun, widths: dict[str, int], cin: int, cout: int,
           rules: RuleSet) -> bool:
    """Whether a step from ``cin`` to ``cout`` channels exists for this row and repeat
    (:func:`~costmodel.descriptions.block_types.holds`, with ``widens`` comparing the block's
    ``in`` and ``out`` and ``expands`` where the rule set builds the expansion conv at some
    α; an ``AUTO`` residual decides in :func:`_residual`)."""
    row = run.row
    return holds(when, Situation(
        stride_one=run.stride == 1, se=row.se is not None, start_k=bool(row.start_k),
        k=bool(row.k), end_k=bool(row.end_k), widens=widths["in"] != widths["out"],
        expands=cout != cin or rules.expand_if is ExpandIf.ALWAYS,
        asked=row.residual in (Residual.YES, Residual.SKIP)))


def _run_block(b: _Builder, btype: BlockType, run: _BlockRun, prefix: str, start: _Tensor,
               cout: int, role: Role | None, activation: Activation,
               pair: tuple[str, str] | None, widths: dict[str, int] | None = None) -> _Tensor:
    """Expand ``btype``'s steps for one repeat of a block row, from ``start`` to ``cout``
    channels; a sub-block runs here too, with its calling step's role and activation.
    Returns the block's output; ``widths`` receives the block's named widths."""
    row = run.row
    widths = {} if widths is None else widths
    widths.update({"in": start.var, "out": cout})
    tensors = {"in": start}
    previous = "in"
    common: dict[str, Any] = {"block": run.index, "line": row.line}
    for step in btype.steps:
        reads = [tensors[r] for r in (step.reads or (previous,))]
        first = reads[0]
        previous = step.name
        out = _width_of(b, btype, run, prefix, widths, step.width) if step.width else first.var
        if not _holds(step.when, run, widths, first.var, out, b.rules):
            tensors[step.name] = first  # a step left out passes its first input on
            continue
        name = (pair[btype.pair.index(step.name)] if pair and btype.pair
                and step.name in btype.pair else f"{prefix}.{step.name}")
        stride = run.stride if step.strided and not any(
            getattr(row, field) for field in step.stride_unless) else 1
        in_level = first.level
        if stride != 1:
            if run.level is None:
                _, run.level = b.spatial(stride)
            out_level = run.level
        else:
            out_level = in_level
        nl = activation if step.activation else Activation.NONE
        step_role = step.role or role or Role.CONV
        fields = {**common, **_norm_fields(step, row), "activation": nl}
        b.tensor = first.index
        op = step.op
        if op is StepOp.CONV:
            b.add(name=name, role=step_role, kind=OpKind.CONV, kernel=row.k, stride=stride,
                  in_var=first.var, out_var=out, group_var=first.var, in_level=in_level,
                  out_level=out_level, **fields)
        elif op is StepOp.POINTWISE:
            condition = (_expand_condition(b, row, first.var, out)
                         if step.when is When.EXPANDS else None)
            groups = getattr(row, step.groups) if step.groups != "1" else 1
            _pointwise(b, name, step_role, first.var, out, groups, in_level,
                       present_if=condition, **fields)
        elif op is StepOp.DEPTHWISE:
            kernels = (_kernels(row) if step.kernel == "kernels"
                       else (int(step.kernel),) if step.kernel.isdigit()
                       else (getattr(row, step.kernel),))
            _depthwise(b, name, out, kernels, stride, levels=(in_level, out_level),
                       role=step_role, **fields)
        elif op is StepOp.SE:
            t = row.t if row.t is not None and not btype.default_t else Fraction(1)
            run.squeeze = _squeeze_excite(b, prefix, row, run.cin, out, in_level, t,
                                          {**common, "bias": False})
        elif op is StepOp.RESIDUAL:
            shortcut = reads[1]
            b.block_input = shortcut.index
            added = _residual(b, prefix, row, shortcut.var, out, run.stride
                              if step.strided else 1, in_level, {**common, "bias": False})
            if added < 0:
                tensors[step.name] = first
                continue
            run.residual = added
        elif op is StepOp.SUBBLOCK:
            tensors[step.name] = _run_block(b, block_type(step.subblock), run,
                                            f"{prefix}.{step.name}", first, out, step_role,
                                            nl, None)
            continue
        elif op is StepOp.NORM:
            _norm(b, name, out, in_level, common)
        else:  # data movement, an add, a layer scale: no weights but γ
            kind = {StepOp.CONCAT: OpKind.CONCAT, StepOp.SPLIT: OpKind.SPLIT,
                    StepOp.SHUFFLE: OpKind.SHUFFLE, StepOp.ADD: OpKind.ADD,
                    StepOp.LAYER_SCALE: OpKind.LAYER_SCALE}[op]
            b.add(name=name, role=step_role, kind=kind,
                  kernel=int(step.kernel) if step.kernel.isdigit() else 1, stride=1,
                  in_var=first.var if op is StepOp.SPLIT else out, out_var=out,
                  group_var=first.var if op is StepOp.SPLIT else out, in_level=in_level,
                  out_level=in_level, inputs=tuple(r.index for r in reads),
                  **{**fields, "activation": Activation.NONE})
            if op is StepOp.ADD:
                run.residual = len(b.ops) - 1
        tensors[step.name] = _Tensor(index=len(b.ops) - 1, var=out, level=out_level)
    return tensors[previous]


def _block(b: _Builder, row: BlockRow, index: int, cin: int, cout: int, stride: int,
           pair: tuple[str, str] | None = None) -> None:
    """One repeat of a block row, expanded through its block type's data
    (:mod:`costmodel.descriptions.block_types`)."""
    btype = block_type(row.operator.value)
    for require, message in btype.requires:
        broken = (stride != 1 or row.c is None if require is Require.STRIDE_ONE
                  else cin != cout if require is Require.SAME_WIDTH
                  else stride == 1 and cin != cout)
        if broken:
            raise ValueError(f"line {row.line}: {message}")
    prefix = f"b{index}"
    first = len(b.ops)
    in_level = b.level
    run = _BlockRun(row=row, index=index, stride=stride, cin=cin)
    widths: dict[str, int] = {}
    start = _Tensor(index=b.tensor, var=cin, level=in_level)
    _run_block(b, btype, run, prefix, start, cout, None, row.nl, pair, widths)
    expansion = widths.get(btype.expansion, -1) if btype.expansion else -1
    inner = widths.get("inner", -1)
    t = row.t if row.t is not None else Fraction(btype.default_t) if btype.default_t else None
    b.blocks.append(BlockSpec(
        index=index, name=f"{pair[0]}/{pair[1]}" if pair else prefix,
        # the standard conv in its place has the block's own kernel (a 1×1 for MobileNetV4's
        # FFN, which has no depthwise conv)
        operator=row.operator, kernel=row.k or row.start_k or row.end_k or 1, stride=stride,
        in_var=cin, out_var=cout, in_level=in_level, out_level=b.level, first=first,
        last=len(b.ops) - 1,
        line=row.line, expansion_var=expansion, squeeze_var=run.squeeze,
        inner_var=inner if inner != expansion else -1, t=t, residual_op=run.residual))


def _norm(b: _Builder, name: str, var: int, level: int, common: dict[str, Any],
          role: Role = Role.NORM) -> int:
    """A LayerNorm over ``var`` channels at ``level`` (γ and β: normalisation parameters)."""
    return b.add(name=name, role=role, kind=OpKind.NORM, kernel=1, stride=1, in_var=var,
                 out_var=var, group_var=var, bias=False, batchnorm=True,
                 activation=Activation.NONE, in_level=level, out_level=level, **common)


def _check_edges(ops: list[OpSpec]) -> None:
    """The graph is a DAG in order: every input is an earlier operation (or the image), and
    the inputs of an add or a concat are maps of the operation's own size."""
    for i, op in enumerate(ops):
        for j in op.inputs:
            if not -1 <= j < i:
                raise ValueError(f"line {op.line}: operation {op.name!r} reads "
                                 f"{'itself or a later operation' if j >= i else 'nothing'} "
                                 f"(input {j}); inputs must come earlier")
        if op.kind in (OpKind.ADD, OpKind.CONCAT):
            levels = {ops[j].out_level if j >= 0 else 0 for j in op.inputs}
            if levels != {op.out_level}:
                raise ValueError(f"line {op.line}: {op.kind.value} {op.name!r} joins maps of "
                                 f"different sizes")


@lru_cache(maxsize=1024)
def build_graph(network: Network, rules: RuleSet, classes: int, variant: str = "separable",
                depth: float = 1.0) -> Graph:
    """The operations of ``network`` under ``rules`` with ``classes`` outputs, in ``variant``
    (MobileNet v1: separable, full or shallow) and with block repeats ``ceil(depth·n)``.
    Cached by the repeats depth gives, and the classes substituted into a cached structure."""
    repeats = tuple(
        math.ceil(depth * row.n) if network.depth_scaling and row.operator in BLOCK_OPERATORS
        else row.n
        for row in network.rows)
    return _with_classes(_build(network, rules, variant, repeats), classes)


@lru_cache(maxsize=256)
def _with_classes(graph: Graph, classes: int) -> Graph:
    if graph.classes == classes:
        return graph
    variables = list(graph.program.variables)
    variables[graph.classes_var] = replace(variables[graph.classes_var], base=classes)
    return replace(graph, classes=classes,
                   program=replace(graph.program, variables=tuple(variables)))


_MAX_OPERATIONS = 200_000


def _graph_table(network: Network, rules: RuleSet) -> Graph:
    """A graph table's operations (:mod:`costmodel.descriptions.graph_tables`, already
    checked at α = 1), each with its widths as variables and its inputs as edges. The table's
    rules become :class:`~costmodel.descriptions.widths.WidthCheck` s, so that a width its
    rounding breaks at another α is refused there, never counted."""
    b = _Builder(network, rules, rules.classes)
    checks: list[WidthCheck] = []
    out_var: list[int] = []  # per table operation: the variable of its output channels
    tensor: list[int] = []  # per table operation: its output's index in b.ops

    def var_of(i: int) -> int:
        return b.image_var if i < 0 else out_var[i]

    def tensor_of(i: int) -> int:
        return -1 if i < 0 else tensor[i]

    def where(op: GraphOp, rule: str) -> str:
        return f"line {op.line}: operation {op.name!r}: {rule}"

    def multiple(var: int, divisor: int, op: GraphOp, rule: str) -> None:
        if divisor > 1 and var != ONE:
            checks.append(WidthCheck(var=var, divisor=divisor, where=where(op, rule)))

    def width(op: GraphOp, spec: Width, first: int) -> int:
        label = f"{op.name} output"
        if spec.source is not None:
            var = var_of(spec.source)
        elif spec.written == CLASSES:
            return b.classes_var
        elif spec.fixed:
            var = b.var(WidthVar(kind=VarKind.CONST, label=label, base=spec.written))
        else:
            var = b.scaled(VarKind.SCALED, label, spec.written, rules.rounding)
        if spec.multiply != 1:
            var = b.var(WidthVar(kind=VarKind.DERIVED, label=label, source=var,
                                 factor=Fraction(spec.multiply), rounding=Rounding.EXACT))
        if spec.t is not None:
            var = (b.var(WidthVar(kind=VarKind.DERIVED, label=label, source=var,
                                  factor=spec.t, rounding=Rounding.EXACT))
                   if spec.t.denominator == 1
                   else b.derived(label, var, spec.t, rules.inner_rounding or rules.rounding,
                                  written=True))
        if spec.divide != 1:
            multiple(var, spec.divide, op, f"c={spec.text} divides the channels into "
                                           f"{spec.divide} equal parts")
            var = b.var(WidthVar(kind=VarKind.SPLIT, label=label, source=var,
                                 factor=Fraction(spec.divide)))
        return var

    strides: dict[int, int] = {}
    for op in network.ops:
        if op.out_level > op.in_level >= 0:
            strides[op.in_level] = -op.stride if op.valid else op.stride
    b.strides = [strides[level] for level in range(len(strides))]
    for op in network.ops:
        first = op.inputs[0]
        cin = var_of(first)
        common: dict[str, Any] = {"block": op.block, "line": op.line}
        data = {"kernel": 1, "stride": 1, "bias": False, "batchnorm": False,
                "activation": Activation.NONE, "in_level": op.in_level,
                "out_level": op.out_level, **common}
        inputs = tuple(tensor_of(i) for i in op.inputs)
        kind = op.op
        cout = cin
        if kind in (GraphOpKind.CONV, GraphOpKind.DEPTHWISE, GraphOpKind.POINTWISE):
            cout = cin if op.width is None else width(op, op.width, first)
            group = cin
            if op.depthwise:
                group, cout = ONE, cin
            elif op.groups > 1:
                rule = f"groups={op.groups} must divide the input and the output channels"
                multiple(cin, op.groups, op, rule)
                multiple(cout, op.groups, op, rule)
                group = b.var(WidthVar(kind=VarKind.SPLIT, label=f"{op.name} group",
                                       source=cin, factor=Fraction(op.groups)))
            role = (Role.DEPTHWISE if op.depthwise
                    else Role.STEM if first < 0
                    else Role.POINTWISE if op.kernel == 1 else Role.CONV)
            b.add(name=op.name, role=role, kind=OpKind.CONV, kernel=op.kernel,
                  stride=op.stride, in_var=cin, out_var=cout, group_var=group, bias=op.bias,
                  batchnorm=not op.bias, activation=op.nl, in_level=op.in_level,
                  out_level=op.out_level, depthwise=op.depthwise, inputs=inputs, **common)
        elif kind is GraphOpKind.FC:
            assert op.width is not None
            cout = width(op, op.width, first)
            b.add(name=op.name, role=Role.CLASSIFIER if cout == b.classes_var else Role.HEAD,
                  kind=OpKind.FC, kernel=1, stride=1, in_var=cin, out_var=cout,
                  group_var=cin, bias=True, batchnorm=False, activation=op.nl,
                  in_level=FLAT, out_level=FLAT, inputs=inputs, **common)
        elif kind in (GraphOpKind.POOL, GraphOpKind.MAXPOOL):
            b.add(name=op.name, role=Role.POOL,
                  kind=OpKind.POOL if kind is GraphOpKind.POOL else OpKind.MAXPOOL,
                  kernel=op.kernel, stride=op.stride, in_var=cin, out_var=cin, group_var=cin,
                  bias=False, batchnorm=False, activation=Activation.NONE,
                  in_level=op.in_level, out_level=op.out_level, inputs=inputs, **common)
        elif kind in (GraphOpKind.ADD, GraphOpKind.SCALE):
            other = var_of(op.inputs[1])
            if other != cin:
                checks.append(WidthCheck(var=cin, other=other, where=where(
                    op, "an add needs two maps of one shape" if kind is GraphOpKind.ADD
                    else "a scale's gate has its map's channels")))
            b.add(name=op.name, role=Role.ADD if kind is GraphOpKind.ADD else Role.SE,
                  kind=OpKind.ADD if kind is GraphOpKind.ADD else OpKind.SCALE,
                  in_var=cin, out_var=cin, group_var=cin, inputs=inputs,
                  **{**data, "in_level": op.in_level, "out_level": op.in_level})
        elif kind is GraphOpKind.CONCAT:
            cout = var_of(op.inputs[0])
            for i in op.inputs[1:]:
                cout = b.var(WidthVar(kind=VarKind.SUM, label=f"{op.name} output",
                                      source=cout, other=var_of(i)))
            b.add(name=op.name, role=Role.DATA, kind=OpKind.CONCAT, in_var=cout,
                  out_var=cout, group_var=cout, inputs=inputs, **data)
        elif kind is GraphOpKind.SPLIT:
            part, parts = op.part
            multiple(cin, parts, op, f"split part={part}/{parts} must divide the channels")
            cout = b.var(WidthVar(kind=VarKind.SPLIT, label=f"{op.name} output",
                                  base=int(part == 1), source=cin, factor=Fraction(parts)))
            b.add(name=op.name, role=Role.DATA, kind=OpKind.SPLIT, in_var=cin, out_var=cout,
                  group_var=cin, inputs=inputs, **data)
        elif kind is GraphOpKind.SHUFFLE:
            multiple(cin, op.groups, op, f"a shuffle's channels must be divisible by its "
                                         f"groups ({op.groups})")
            b.add(name=op.name, role=Role.DATA, kind=OpKind.SHUFFLE, in_var=cin, out_var=cin,
                  group_var=cin, inputs=inputs, **{**data, "kernel": op.groups})
        elif kind is GraphOpKind.NORM:
            b.tensor = inputs[0]
            _norm(b, op.name, cin, op.in_level, common)
        elif kind is GraphOpKind.ACTIVATION:
            b.add(name=op.name, role=Role.DATA, kind=OpKind.ACTIVATION, in_var=cin,
                  out_var=cin, group_var=cin, inputs=inputs,
                  **{**data, "activation": op.nl})
        else:  # squeeze-and-excite on the map
            b.tensor = inputs[0]
            shim = BlockRow(line=op.line, operator=Operator.SE, se=op.se, nl=op.nl)
            first_se = len(b.ops)
            _squeeze_excite(b, op.name, shim, cin, cin, op.in_level, Fraction(1),
                            {**common, "bias": False})
            for i in range(first_se, len(b.ops)):  # NAME.pool, NAME.reduce, ... NAME.scale
                b.ops[i] = replace(b.ops[i], name=b.ops[i].name.replace(
                    f"{op.name}.se.", f"{op.name}.", 1))
        out_var.append(cout)
        tensor.append(len(b.ops) - 1)
    names: set[str] = set()
    for spec in b.ops:
        if spec.name in names:
            raise ValueError(f"line {spec.line}: operation name {spec.name!r} is used twice "
                             f"(an se operation NAME adds NAME.pool, NAME.reduce, "
                             f"NAME.expand and NAME.scale)")
        names.add(spec.name)
    _check_edges(b.ops)
    return Graph(
        network=network, rules=rules, classes=rules.classes, variant="separable", repeats=(),
        program=WidthProgram(variables=tuple(b.vars), checks=tuple(dict.fromkeys(checks))),
        ops=tuple(b.ops), blocks=(), strides=tuple(b.strides), image_var=b.image_var,
        classes_var=b.classes_var)


@lru_cache(maxsize=256)
def _build(network: Network, rules: RuleSet, variant: str, repeats: tuple[int, ...]) -> Graph:
    if network.ops:
        return _graph_table(network, rules)
    classes = rules.classes
    b = _Builder(network, rules, classes)
    rows = list(network.rows)
    block_rows = [i for i, r in enumerate(rows) if r.operator in BLOCK_OPERATORS]
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
            if row.operator in BLOCK_OPERATORS:
                blocks += count
            separables += count if row.operator is Operator.SEPARABLE else 0
            continue
        for repeat in range(count):
            stride = row.s if repeat == 0 else 1
            suffix = "" if count == 1 else f"_{repeat + 1}"
            b.block_input = b.tensor
            if row.operator in BLOCK_OPERATORS and row.operator is not Operator.SEPARABLE:
                blocks += 1
                cout = b.width(row, f"b{blocks} output")
                _block(b, row, blocks, channels, cout, stride)
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
                    _block(b, row, blocks, channels, cout, stride, pair)
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
                in_level, out_level = ((FLAT, FLAT) if pooled
                                       else b.spatial(stride, valid=row.valid))
                b.add(name=name, block=0, role=role, kind=OpKind.CONV, kernel=row.k,
                      stride=stride, in_var=channels, out_var=cout,
                      group_var=ONE if row.operator is Operator.DEPTHWISE else channels,
                      bias=row.bias, batchnorm=row.batchnorm, activation=row.nl,
                      in_level=in_level, out_level=out_level, line=row.line,
                      depthwise=row.operator is Operator.DEPTHWISE)
                if row.residual is Residual.SKIP:  # timm's ConvBnAct with skip
                    _residual(b, name, row, channels, cout, stride, out_level,
                              {"block": 0, "line": row.line, "bias": False})
                channels = cout
            elif row.operator is Operator.NORM:
                level = FLAT if pooled else b.level
                _norm(b, (row.name or f"norm{position}") + suffix, channels, level,
                      {"block": 0, "line": row.line})
            elif row.operator is Operator.SE:  # on the output of the operation above
                _squeeze_excite(b, (row.name or b.ops[b.tensor].name) + suffix, row, channels,
                                channels, b.level, Fraction(1),
                                {"block": 0, "line": row.line, "bias": False})
            elif row.operator in (Operator.MAXPOOL, Operator.WINDOW_AVGPOOL):
                in_level, out_level = b.spatial(stride)
                kind = OpKind.MAXPOOL if row.operator is Operator.MAXPOOL else \
                    OpKind.WINDOW_AVGPOOL
                b.add(name=row.name or row.operator.value, block=0, role=Role.POOL,
                      kind=kind, kernel=row.k, stride=stride, in_var=channels,
                      out_var=channels, group_var=channels, bias=False, batchnorm=False,
                      activation=Activation.NONE, in_level=in_level, out_level=out_level,
                      line=row.line)
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
    _check_edges(b.ops)
    return Graph(
        network=network, rules=rules, classes=classes, variant=variant, repeats=repeats,
        program=WidthProgram(variables=tuple(b.vars)), ops=tuple(b.ops),
        blocks=tuple(b.blocks), strides=tuple(b.strides), image_var=b.image_var,
        classes_var=b.classes_var,
    )


__all__ = ["BLOCK_OPERATORS", "FLAT", "BlockSpec", "Graph", "OpSpec", "build_graph",
           "condition_holds"]
