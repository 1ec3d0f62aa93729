"""Exact integer counts of a :class:`~costmodel.core.graph.Graph` at one α and input size.

Two paths, both through the cost rules of :mod:`costmodel.core.operations`:

* :func:`count_ops`: every operation evaluated (the per-layer table);
* :func:`totals`: the fast path of :func:`costmodel.report`. Each weighted operation's weights
  are ``coefficient · C_a · C_b`` (the rules are bilinear in the two channel counts; the
  coefficient is the rule evaluated at 1, 1), its bias ``coefficient · C_out`` and its
  batchnorm ``coefficient · C_out`` (the rules at C = 1), so identical terms merge and a total
  is ``Σ_level area(level) · Σ_terms coefficient · C_a · C_b``: one pass over a few dozen
  integers, no per-layer records. The per-level sums depend on α only, so they are cached per
  (plan, α) (:func:`weights_at`): a new resolution at a known α (every call on a network whose
  builder fixes α) costs one sum over the levels. They depend on α only through the widths
  that scale with it, step functions of α, so a new α that rounds to known widths reuses
  those sums too. Nothing here imports sympy, numpy or pandas.

An operation whose existence depends on the widths at α (an expansion conv, a residual add:
``OpSpec.present_if``) is kept apart and counted where its condition holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import mul

from costmodel.base.kinds import Activation, OpKind, Role
from costmodel.core import operations
from costmodel.core.graph import FLAT, Graph, OpSpec, condition_holds
from costmodel.descriptions.widths import ONE, Rounding, VarKind, WidthProgram, clear_memo

# A term: (coefficient, variable a, variable b); weights = coefficient·C_a·C_b
Term = tuple[int, int, int]
# An operation counted only where its condition holds:
# (condition, level, weights term, bias (coefficient, variable), batchnorm (coefficient, var))
Conditional = tuple[tuple[int, int, str], int, Term, tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, kw_only=True, eq=False)
class Plan:
    """A network's weighted operations merged for fast totals.

    ``levels`` pairs each level (``FLAT`` = 1×1) with its terms; ``biases`` and ``batchnorm``
    are (coefficient, channel variable) pairs; ``conditional`` holds the operations that exist
    only at some α. Compared by identity: a plan is compiled once per graph and keys the
    per-α cache of :func:`weights_at`.
    """

    program: WidthProgram
    strides: tuple[int, ...]
    levels: tuple[tuple[int, tuple[Term, ...]], ...]
    biases: tuple[tuple[int, int], ...]
    batchnorm: tuple[tuple[int, int], ...]
    conditional: tuple[Conditional, ...] = ()


def _root(program: WidthProgram, var: int) -> tuple[int, int]:
    """``var`` as (variable, integer multiplier), following exact products (``E = t·C_in``)
    down to the variable they multiply, so that their terms merge."""
    multiplier = 1
    while True:
        v = program.variables[var]
        if v.kind is VarKind.DERIVED and v.rounding is Rounding.EXACT:
            multiplier *= int(v.factor)
            var = v.source
        else:
            return var, multiplier


def _coefficients(op: OpSpec, program: WidthProgram) -> tuple[Term, tuple[int, int],
                                                                 tuple[int, int]]:
    """The operation's weights, bias and batchnorm as coefficients of channel variables, from
    the cost rules evaluated at unit channel counts."""
    (a, ma), (out, mb) = _root(program, op.group_var), _root(program, op.out_var)
    weights = int(operations.weights(op.kind, op.kernel, 1, 1)) * ma * mb
    bias = int(operations.params(op.kind, op.kernel, 0, 1, int(op.bias))) * mb
    batchnorm = int(operations.batchnorm_params(1, int(op.batchnorm))) * mb
    pair = (a, out) if a <= out else (out, a)
    return (weights, *pair), (bias, out), (batchnorm, out)


def compile_ops(ops: Sequence[OpSpec], program: WidthProgram, strides: tuple[int, ...]) -> Plan:
    """Merge ``ops`` into a :class:`Plan` (coefficients from the cost rules), keeping only
    the width variables the totals need."""
    merged: dict[int, dict[tuple[int, int], int]] = {}
    biases: dict[int, int] = {}
    batchnorm: dict[int, int] = {}
    conditional: list[Conditional] = []
    for op in ops:
        (coefficient, a, b), (bias, bias_var), (bn, bn_var) = _coefficients(op, program)
        if op.present_if is not None:
            conditional.append((op.present_if, op.out_level, (coefficient, a, b),
                                (bias, bias_var), (bn, bn_var)))
            continue
        if coefficient:
            level = merged.setdefault(op.out_level, {})
            level[(a, b)] = level.get((a, b), 0) + coefficient
        if bias:
            biases[bias_var] = biases.get(bias_var, 0) + bias
        if bn:
            batchnorm[bn_var] = batchnorm.get(bn_var, 0) + bn
    needed: set[int] = {ONE}
    pending = [v for terms in merged.values() for pair in terms for v in pair]
    pending += [*biases, *batchnorm]
    for (x, y, _), _, (_, a, b), (_, bias_var), (_, bn_var) in conditional:
        pending += [x, y, a, b, bias_var, bn_var]
    for check in program.checks:  # a graph table's rules, kept at every α
        pending += [v for v in (check.var, check.other) if v >= 0]
    while pending:
        var = pending.pop()
        if var not in needed:
            needed.add(var)
            pending += [v for v in (program.variables[var].source,
                                    program.variables[var].other) if v >= 0]
    order = sorted(needed)
    index = {old: new for new, old in enumerate(order)}
    compact = WidthProgram(variables=tuple(
        replace(program.variables[old], source=index.get(program.variables[old].source, -1),
                other=index.get(program.variables[old].other, -1))
        for old in order),
        checks=tuple(replace(check, var=index[check.var], other=index.get(check.other, -1))
                     for check in program.checks))
    levels = tuple(
        (level, tuple((c, index[a], index[b]) for (a, b), c in terms.items()))
        for level, terms in sorted(merged.items())
    )
    return Plan(
        program=compact, strides=strides, levels=levels,
        biases=tuple((n, index[v]) for v, n in biases.items()),
        batchnorm=tuple((n, index[v]) for v, n in batchnorm.items()),
        conditional=tuple(
            ((index[x], index[y], comparison), level, (c, index[a], index[b]),
             (bias, index[bias_var]), (bn, index[bn_var]))
            for (x, y, comparison), level, (c, a, b), (bias, bias_var), (bn, bn_var)
            in conditional),
    )


@lru_cache(maxsize=256)
def compile_plan(graph: Graph) -> Plan:
    """The fast-totals plan of ``graph``."""
    return compile_ops(graph.ops, graph.program, graph.strides)


@lru_cache(maxsize=256)
def compile_standard_plan(graph: Graph) -> Plan:
    """The plan of ``graph`` with every block replaced by its standard conv."""
    return compile_ops(standard_ops(graph), graph.program, graph.strides)


def standard_ops(graph: Graph) -> tuple[OpSpec, ...]:
    """The network with each block (separable pair or inverted residual) replaced by one
    standard k×k conv from the block's input to its output channels, at the block's stride
    (the comparison of Howard et al. 2017, eq. 5, and Sandler et al. 2018, section 3.3)."""
    in_block = {i for block in graph.blocks for i in range(block.first, block.last + 1)}
    firsts = {block.first: block for block in graph.blocks}
    out: list[OpSpec] = []
    for i, op in enumerate(graph.ops):
        block = firsts.get(i)
        if block is not None:
            out.append(OpSpec(
                name=f"{block.name} (standard)", block=block.index, role=Role.CONV,
                kind=OpKind.CONV, kernel=block.kernel, stride=block.stride,
                in_var=block.in_var, out_var=block.out_var, group_var=block.in_var,
                bias=False, batchnorm=True, activation=Activation.NONE,
                in_level=block.in_level, out_level=block.out_level, line=block.line))
        elif i not in in_block:
            out.append(op)
    return tuple(out)


@lru_cache(maxsize=8192)
def areas(strides: tuple[int, ...], resolution: int) -> tuple[int, ...]:
    """Area in pixels of every level at input ``resolution`` (each level's size from
    :func:`costmodel.core.operations.output_size`); the last entry (index ``FLAT`` = -1) is the
    1×1 map. Cached: a network's strides and a size give the same areas every time."""
    size = resolution
    out = [size * size]
    for stride in strides:
        size = operations.output_size(size, stride)
        out.append(size * size)
    if size < 1:
        raise ValueError(operations.too_small(strides, resolution))
    out.append(1)
    return tuple(out)


def weights_by_level(plan: Plan, channels: list[int]) -> tuple[tuple[int, ...], int, int]:
    """(weights per level, params, batchnorm γβ count) of ``plan`` with ``channels``
    evaluated. The weights are in the order of :func:`areas` (levels 0, 1, …, then ``FLAT``
    last), so the Mult-Adds at a resolution are ``Σ weights · areas``."""
    weights = [0] * (len(plan.strides) + 2)
    for level, terms in plan.levels:
        level_weights = 0
        for coefficient, a, b in terms:
            level_weights += coefficient * channels[a] * channels[b]
        weights[level] = level_weights
    bias = 0
    for count, var in plan.biases:
        bias += count * channels[var]
    bn = 0
    for count, var in plan.batchnorm:
        bn += count * channels[var]
    for condition, level, (coefficient, a, b), (bias_c, bias_v), (bn_c, bn_v) in \
            plan.conditional:
        if condition_holds(condition, channels):
            weights[level] += coefficient * channels[a] * channels[b]
            bias += bias_c * channels[bias_v]
            bn += bn_c * channels[bn_v]
    return tuple(weights), sum(weights) + bias, bn


#: Totals by the widths that depend on α alone, per plan: (plan, widths) -> weights_by_level.
_BY_WIDTHS: dict[tuple[Plan, tuple[int, ...]], tuple[tuple[int, ...], int, int]] = {}
#: Entries at most (each a few hundred bytes, and its plan held alive: plans are per graph,
#: cached by compile_plan); emptied when full.
_BY_WIDTHS_MAX = 1 << 14


@lru_cache(maxsize=4096)
def weights_at(plan: Plan, alpha: float) -> tuple[tuple[int, ...], int, int]:
    """:func:`weights_by_level` at width multiplier ``alpha``. Cached per (plan, α): the widths
    do not depend on the resolution, so a new resolution at a known α only sums
    ``weights · areas``. A new α is keyed by the widths that depend on α alone
    (:meth:`~costmodel.descriptions.widths.WidthProgram.independent`): every count is a
    function of them, and nearby α share them (the widths are step functions of α), so a new
    α at known widths skips the rest of the evaluation and the weight sums."""
    program = plan.program
    if alpha == 1.0 and program.written:  # a user table's widths as written
        return weights_by_level(plan, program.evaluate(alpha))
    key = (plan, program.independent(alpha))
    known = _BY_WIDTHS.get(key)
    if known is None:
        known = weights_by_level(plan, program.complete(key[1], alpha))
        if len(_BY_WIDTHS) >= _BY_WIDTHS_MAX:
            _BY_WIDTHS.clear()
        _BY_WIDTHS[key] = known
    return known


def widths_cached() -> int:
    """How many (plan, widths) entries the cache by widths of :func:`weights_at` holds."""
    return len(_BY_WIDTHS)


def clear_caches() -> None:
    """Empty the totals' caches (:func:`weights_at` by α and by widths), the operations kept
    by :func:`count_ops` and the remembered roundings of derived widths: for benchmarks of the
    uncached path and for tests."""
    weights_at.cache_clear()
    count_ops.cache_clear()
    _BY_WIDTHS.clear()
    clear_memo()


def totals(graph: Graph, alpha: float, resolution: int) -> tuple[int, int, int]:
    """(Mult-Adds, params, params_with_bn) of ``graph`` at ``alpha`` and ``resolution``."""
    plan = compile_plan(graph)
    weights, params, bn = weights_at(plan, alpha)
    return sum(map(mul, weights, areas(plan.strides, resolution))), params, params + bn


def standard_totals(graph: Graph, alpha: float, resolution: int) -> tuple[int, int]:
    """(Mult-Adds, params) of the standard-conv equivalent (:func:`standard_ops`)."""
    plan = compile_standard_plan(graph)
    weights, params, _ = weights_at(plan, alpha)
    return sum(map(mul, weights, areas(plan.strides, resolution))), params


@dataclass(frozen=True, kw_only=True, slots=True)
class OpCount:
    """One operation evaluated: sizes in pixels, channels after α, counts as integers.

    A pool is global: its ``kernel`` is its input size. ``index`` is the operation's place in
    ``Graph.ops``. ``standard_mult_adds``/``standard_params`` book each block's standard conv
    on the block's last 1×1 conv (projection or pointwise) and zero on its other operations,
    so each column sums to the standard-conv equivalent's total. ``elementwise`` counts the
    labelled element-wise work outside the Mult-Adds (residual adds, SE scale multiplies,
    pooling).
    """

    index: int
    name: str
    block: int
    role: Role
    kind: OpKind
    kernel: int
    stride: int
    groups: int
    depthwise: bool
    in_size: int
    in_channels: int
    out_size: int
    out_channels: int
    mult_adds: int
    params: int
    batchnorm_params: int
    weights: int
    elements_in: int
    elements_out: int
    elementwise: int
    standard_mult_adds: int
    standard_params: int
    activation: Activation
    bias: bool
    batchnorm: bool

    def bytes_read(self, bytes_per_element: int) -> int:
        """Bytes read: input and parameters (:func:`costmodel.core.operations.bytes_read`)."""
        return int(operations.bytes_read(self.elements_in, self.params, bytes_per_element))

    def bytes_written(self, bytes_per_element: int) -> int:
        """Bytes written: the output (:func:`costmodel.core.operations.bytes_written`)."""
        return int(operations.bytes_written(self.elements_out, bytes_per_element))

    def bytes_moved(self, bytes_per_element: int) -> int:
        """Bytes moved (:func:`costmodel.core.operations.bytes_moved`)."""
        return int(operations.bytes_moved(self.elements_in, self.params, self.elements_out,
                                          bytes_per_element))


def present(graph: Graph, channels: list[int]) -> list[bool]:
    """Whether each operation of ``graph`` exists at these channel counts."""
    return [condition_holds(op.present_if, channels) for op in graph.ops]


def _booking(graph: Graph, exists: list[bool]) -> dict[int, int]:
    """Op index → block whose standard conv it books (the block's last pointwise/projection)."""
    out: dict[int, int] = {}
    for b, block in enumerate(graph.blocks):
        for i in range(block.last, block.first - 1, -1):
            if exists[i] and graph.ops[i].role in (Role.PROJECT, Role.POINTWISE):
                out[i] = b
                break
    return out


@lru_cache(maxsize=64)
def count_ops(graph: Graph, alpha: float, resolution: int) -> tuple[OpCount, ...]:
    """Every operation of ``graph`` that exists at ``alpha``, evaluated at ``alpha`` and
    ``resolution``, in order. Kept for the last 64 configurations (a graph is keyed by
    identity): one configuration's layer table, memory, latency, lesson and exercises read the
    same operations, and counting them took ~0.5 ms each time."""
    channels = graph.program.evaluate(alpha)
    sizes = graph.sizes(resolution)
    exists = present(graph, channels)
    in_block = {i for block in graph.blocks for i in range(block.first, block.last + 1)}
    booking = _booking(graph, exists)
    out: list[OpCount] = []
    for i, op in enumerate(graph.ops):
        if not exists[i]:
            continue
        in_size = 1 if op.in_level == FLAT else sizes[op.in_level]
        out_size = 1 if op.out_level == FLAT else sizes[op.out_level]
        cin, cout, per_group = channels[op.in_var], channels[op.out_var], channels[op.group_var]
        in_area, out_area = in_size * in_size, out_size * out_size
        weights = operations.weights(op.kind, op.kernel, per_group, cout)
        mult_adds = operations.mult_adds(op.kind, op.kernel, per_group, cout, out_area)
        params = operations.params(op.kind, op.kernel, per_group, cout, int(op.bias))
        if i in booking:
            block = graph.blocks[booking[i]]
            std_in, std_out = channels[block.in_var], channels[block.out_var]
            std_size = 1 if block.out_level == FLAT else sizes[block.out_level]
            std_ma = operations.mult_adds(OpKind.CONV, block.kernel, std_in, std_out,
                                          std_size * std_size)
            std_p = operations.params(OpKind.CONV, block.kernel, std_in, std_out, 0)
        elif i in in_block:
            std_ma = std_p = 0
        else:
            std_ma, std_p = mult_adds, params
        out.append(OpCount(
            index=i, name=op.name, block=op.block, role=op.role, kind=op.kind,
            kernel=in_size if op.kind is OpKind.POOL else op.kernel,
            stride=op.stride, depthwise=op.depthwise,
            groups=cin if op.depthwise else (cin // per_group if op.kind is OpKind.CONV
                                             and per_group and cin % per_group == 0 else 1),
            in_size=in_size, in_channels=cin, out_size=out_size, out_channels=cout,
            mult_adds=mult_adds, params=params,
            batchnorm_params=operations.batchnorm_params(cout, int(op.batchnorm)),
            weights=weights,
            elements_in=operations.elements_read(op.kind, in_area, cin, out_area, cout,
                                                 op.kernel),
            elements_out=operations.elements_written(out_area, cout, op.kind),
            elementwise=operations.elementwise_ops(op.kind, in_area, cin, out_area, cout,
                                                   op.kernel),
            standard_mult_adds=std_ma, standard_params=std_p, activation=op.activation,
            bias=op.bias, batchnorm=op.batchnorm,
        ))
    return tuple(out)


__all__ = [
    "OpCount",
    "Plan",
    "areas",
    "clear_caches",
    "compile_ops",
    "compile_plan",
    "compile_standard_plan",
    "count_ops",
    "present",
    "standard_ops",
    "standard_totals",
    "totals",
    "weights_at",
    "weights_by_level",
    "widths_cached",
]
