"""A block type's cost as a formula, read from its data (``data/blocks/``).

:func:`template_cost` walks a block type's steps (:mod:`costmodel.descriptions.block_types`)
with sympy symbols for the widths and sizes, and prices each step with the cost rules of
:mod:`costmodel.core.operations`: the same data the graph builder expands into a network's
operations, so a block type written as data has its formula with nothing else to write. The
hand-arranged formulas of :mod:`costmodel.core.formulas` (the papers' forms) are checked equal
to these in the tests.

Symbols (:mod:`costmodel.base.symbols`): ``M`` input and ``N`` output channels, ``t`` the
expansion factor (``expansion(in)`` is ``t·M``: the builders' rounding is left out), ``r`` the
squeeze ratio (``S = r·E`` of the width ``E`` it gates), ``D_K`` the row's kernel, ``D_S`` a
start kernel, ``D_F`` the input and ``D_G`` the output size (``D_F`` at stride 1). A channel
part ``part(X, i, n)`` is ``X/n``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from costmodel.base.kinds import OpKind
from costmodel.base.symbols import D_F, D_G, D_K, D_S, M, N, r_se, t
from costmodel.core import operations
from costmodel.descriptions.block_types import (
    BlockType,
    Norm,
    Situation,
    StepOp,
    When,
    WidthRule,
    block_type,
    holds,
)

#: the end depthwise kernel of a universal inverted bottleneck
D_E = sp.Symbol("D_E", positive=True, integer=True)


@dataclass(frozen=True, kw_only=True)
class Choices:
    """Which of a block type's optional steps are there: the stride, squeeze-and-excite, the
    universal bottleneck's start, middle and end depthwise convs, a width change."""

    stride_one: bool = True
    se: bool = False
    start: bool = False
    middle: bool = True
    end: bool = False
    #: ``in`` ≠ ``out`` (GhostNet's shortcut, RepViT's 1×1 conv); ``None``: where strided
    widens: bool | None = None


def _present(when: When, choices: Choices) -> bool:
    widens = (not choices.stride_one) if choices.widens is None else choices.widens
    return holds(when, Situation(stride_one=choices.stride_one, se=choices.se,
                                 start_k=choices.start, k=choices.middle, end_k=choices.end,
                                 widens=widens))


def _kernel(name: str) -> sp.Expr:
    if name.isdigit():
        return sp.Integer(int(name))
    return {"k": D_K, "kernels": D_K, "start_k": D_S, "end_k": D_E}.get(name, sp.Integer(1))


def _walk(btype: BlockType, choices: Choices, cin: sp.Expr, cout: sp.Expr,
          area_in: sp.Expr, area_out: sp.Expr, strided: list[bool]) -> tuple[sp.Expr, sp.Expr]:
    widths: dict[str, sp.Expr] = {"in": cin, "out": cout}

    def width(name: str) -> sp.Expr:
        if name not in widths:
            spec = btype.width(name)
            assert spec is not None
            source = width(spec.args[0])
            widths[name] = (t * source if spec.rule in (WidthRule.EXPANSION, WidthRule.TIMES_T)
                            else source if spec.rule is WidthRule.INNER
                            else source / int(spec.args[2]))
        return widths[name]

    mult_adds: sp.Expr = sp.Integer(0)
    params: sp.Expr = sp.Integer(0)
    channels: dict[str, sp.Expr] = {"in": cin}
    later: dict[str, bool] = {"in": False}  # whether the step's output is after the stride
    previous = "in"
    for step in btype.steps:
        first = (step.reads or (previous,))[0]
        previous = step.name
        c_in, after = channels[first], later[first]
        out = width(step.width) if step.width else c_in
        if not _present(step.when, choices):
            channels[step.name], later[step.name] = c_in, after
            continue
        has = {"k": choices.middle, "start_k": choices.start, "end_k": choices.end}
        takes_stride = step.strided and not any(has[f] for f in step.stride_unless)
        if takes_stride and not choices.stride_one:
            strided.append(True)
            after = True
        area = area_out if after else area_in
        bias = int(step.norm is Norm.BIAS)
        kernel = _kernel(step.kernel)
        if step.op in (StepOp.CONV, StepOp.POINTWISE, StepOp.DEPTHWISE):
            k = kernel if step.op is not StepOp.POINTWISE else 1
            per_group = 1 if step.op is StepOp.DEPTHWISE else c_in
            mult_adds += operations.mult_adds(OpKind.CONV, k, per_group, out, area)
            params += operations.params(OpKind.CONV, k, per_group, out, bias)
        elif step.op is StepOp.SE:
            squeeze = r_se * out
            for a, b in ((out, squeeze), (squeeze, out)):
                mult_adds += operations.mult_adds(OpKind.CONV, 1, a, b, 1)
                params += operations.params(OpKind.CONV, 1, a, b, 1)
        elif step.op is StepOp.LAYER_SCALE:
            params += operations.params(OpKind.LAYER_SCALE, 1, out, out, bias)
        elif step.op is StepOp.SUBBLOCK:
            sub_ma, sub_p = _walk(block_type(step.subblock), choices, c_in, out, area, area, [])
            mult_adds += sub_ma
            params += sub_p
        channels[step.name], later[step.name] = out, after
    return mult_adds, params


def template_cost(block: str | BlockType,
                  choices: Choices | None = None) -> tuple[sp.Expr, sp.Expr]:
    """(Mult-Adds, parameters) of one block of type ``block`` from ``M`` to ``N`` channels,
    read from its data: each present step priced by its cost rule, batchnorm folded, the
    squeeze-and-excite's biases counted, pools, adds, concats, splits and shuffles zero."""
    choices = choices or Choices()
    btype = block_type(block) if isinstance(block, str) else block
    area_out = D_F**2 if choices.stride_one else D_G**2
    mult_adds, params = _walk(btype, choices, M, N, D_F**2, area_out, [])
    return sp.expand(mult_adds), sp.expand(params)


@dataclass(frozen=True, kw_only=True)
class BlockFormula:
    """A block type's cost read from its data: Mult-Adds, parameters, and the ratio to the
    standard ``D_K×D_K`` conv from ``M`` to ``N`` channels at the same stride (Howard et al.
    2017, eq. 5, for the separable pair)."""

    block: str
    title: str
    choices: Choices
    mult_adds: sp.Expr
    params: sp.Expr
    ratio: sp.Expr

    @property
    def text(self) -> str:
        """Plain text, one line per quantity."""
        return (f"{self.title}: Mult-Adds = {sp.factor(self.mult_adds)}; parameters = "
                f"{sp.factor(self.params)}; over a standard conv = {sp.factor(self.ratio)}")

    @property
    def latex(self) -> str:
        """LaTeX, one aligned line per quantity."""
        return (rf"\text{{Mult-Adds}} &= {sp.latex(sp.factor(self.mult_adds))} \\ "
                rf"\text{{params}} &= {sp.latex(sp.factor(self.params))} \\ "
                rf"\frac{{\text{{block}}}}{{\text{{standard}}}} &= "
                rf"{sp.latex(sp.factor(self.ratio))}")


def block_formula(block: str | BlockType, choices: Choices | None = None) -> BlockFormula:
    """:func:`template_cost` of ``block`` with its ratio to the standard conv it replaces."""
    choices = choices or Choices()
    btype = block_type(block) if isinstance(block, str) else block
    mult_adds, params = template_cost(btype, choices)
    area = D_F**2 if choices.stride_one else D_G**2
    standard = operations.mult_adds(OpKind.CONV, D_K, M, N, area)
    return BlockFormula(block=btype.name, title=btype.title, choices=choices,
                        mult_adds=mult_adds, params=params,
                        ratio=sp.cancel(mult_adds / standard))


__all__ = ["D_E", "BlockFormula", "Choices", "block_formula", "template_cost"]
