"""A network's cost as a closed form in continuous α and ρ (and EfficientNet's depth d).

Each operation's cost rule (:mod:`costmodel.core.operations`) is evaluated on sympy expressions:
channel counts from the width program without rounding (``α·C``; fixed widths and the classes
stay constant; MobileNet v2's last conv ``max(1, α)·1280``), output sizes ``ρ·G`` with ``G`` the
output size at the reference input. No rounding anywhere: this is the smooth surface the
integer count steps around.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import sympy as sp

from costmodel.base.symbols import alpha, d, rho
from costmodel.core import operations
from costmodel.core.counting import present
from costmodel.core.graph import FLAT, Graph, build_graph
from costmodel.descriptions.configuration import resolve


def _op_terms(graph: Graph, ops: range | None = None,
              kernel_scale: bool = False) -> tuple[sp.Expr, sp.Expr]:
    channels = graph.program.symbolic(alpha)
    reference = graph.sizes(graph.network.image_size)
    # the network as built at α = 1 (an expansion conv that only some widths drop is kept)
    exists = present(graph, graph.program.evaluate(1.0))
    mult_adds: list[sp.Expr] = []
    params: list[sp.Expr] = []
    for i in ops if ops is not None else range(len(graph.ops)):
        op = graph.ops[i]
        if not exists[i]:
            continue
        area = sp.Integer(1) if op.out_level == FLAT else (rho * reference[op.out_level]) ** 2
        kernel = rho * op.kernel if kernel_scale and op.kernel > 1 else op.kernel
        group, out = channels[op.group_var], channels[op.out_var]
        mult_adds.append(operations.mult_adds(op.kind, kernel, group, out, area))
        params.append(operations.params(op.kind, op.kernel, group, out, int(op.bias)))
    return sp.Add(*mult_adds), sp.Add(*params)


def _graph(network: object) -> Graph:
    config = resolve(network=network)
    return build_graph(config.network, config.rules, config.classes, config.variant,
                       config.depth)


@lru_cache(maxsize=64)
def network_mult_adds(graph: Graph | None = None) -> sp.Expr:
    """Total Mult-Adds as an expression in ``alpha`` and ``rho`` (default: MobileNet v1)."""
    return sp.expand(_op_terms(graph or _graph(None))[0])


@lru_cache(maxsize=64)
def network_params(graph: Graph | None = None) -> sp.Expr:
    """Total parameters as an expression in ``alpha`` (ρ does not appear)."""
    return sp.expand(_op_terms(graph or _graph(None))[1])


@lru_cache(maxsize=8)
def mistaken_network_mult_adds(graph: Graph | None = None) -> sp.Expr:
    """Total Mult-Adds with every k×k kernel (k > 1) wrongly scaled by ρ too
    (``D_K → ρD_K``); see :mod:`costmodel.teaching.kernel_scaling`. For contrast only."""
    return sp.expand(_op_terms(graph or _graph(None), kernel_scale=True)[0])


@lru_cache(maxsize=64)
def _functions(graph: Graph) -> tuple[Callable[..., Any], Callable[..., Any]]:
    return (sp.lambdify((alpha, rho), network_mult_adds(graph), "math"),
            sp.lambdify((alpha,), network_params(graph), "math"))


def evaluate(graph: Graph, alpha_value: float, rho_value: float) -> tuple[float, float]:
    """(Mult-Adds, params) of the closed form at real α and ρ (lambdified once per graph)."""
    mult_adds, params = _functions(graph)
    return float(mult_adds(alpha_value, rho_value)), float(params(alpha_value))


@lru_cache(maxsize=4)
def compound_scaling_mult_adds(network: str = "efficientnet_b0",
                               rules: str | None = None) -> sp.Expr:
    """EfficientNet's Mult-Adds in continuous width ``alpha`` (w), resolution ``rho`` (r) and
    depth ``d``: every stage of ``n`` blocks becomes its first block plus ``n·d − 1`` repeats
    of its stride-1 block (Tan & Le 2019, section 3.3, with the repeats unrounded). Its leading
    term is ``d·w²·r²``: the 1×1 convs of the blocks, which hold most of the cost."""
    config = resolve(network=network, rules=rules, alpha=1.0, depth=2.0)
    graph = build_graph(config.network, config.rules, config.classes, config.variant, 2.0)
    rows = {row.line: row.n for row in config.network.rows}
    by_line: dict[int, list[range]] = defaultdict(list)
    for block in graph.blocks:
        by_line[block.line].append(range(block.first, block.last + 1))
    in_blocks = {i for block in graph.blocks for i in range(block.first, block.last + 1)}
    outside = range(len(graph.ops))
    total, _ = _op_terms(graph, range(0))
    for i in outside:
        if i not in in_blocks:
            total += _op_terms(graph, range(i, i + 1))[0]
    for line, ranges in by_line.items():
        first, _ = _op_terms(graph, ranges[0])
        repeat, _ = _op_terms(graph, ranges[1])
        total += first + (rows[line] * d - 1) * repeat
    return sp.expand(total)


__all__ = [
    "compound_scaling_mult_adds",
    "evaluate",
    "mistaken_network_mult_adds",
    "network_mult_adds",
    "network_params",
]
