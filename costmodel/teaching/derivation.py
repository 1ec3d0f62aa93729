"""Step-by-step derivation of one operation's cost, for teaching: the general formula, the
layer's own numbers under α and ρ (with the builder's rounding shown), the substitution, the
value. The value comes from the same cost rule as the exact count and equals it (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from costmodel.base.kinds import OpKind, Role
from costmodel.base.symbols import D_G, D_K, M, N
from costmodel.core import operations
from costmodel.core.counting import count_ops
from costmodel.core.graph import FLAT, build_graph
from costmodel.descriptions.configuration import resolve
from costmodel.descriptions.network_spec import Network


@dataclass(frozen=True, kw_only=True)
class DerivationStep:
    """One line of a derivation, as LaTeX and as plain text."""

    title: str
    latex: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Derivation:
    """The derivation of one operation's Mult-Adds and parameters; values are integers."""

    layer: str
    kind: OpKind
    role: Role
    equation: str
    steps: tuple[DerivationStep, ...]
    mult_adds: int
    params: int

    def __str__(self) -> str:
        lines = [f"{self.layer} ({self.kind}, {self.role}; {self.equation})"]
        lines += [f"  {step.title}: {step.text}" for step in self.steps]
        return "\n".join(lines)


_ORDER = (D_K, M, N, D_G)


def _paper_order(expr: sp.Expr, values: dict[sp.Symbol, int] | None = None) -> tuple[str, str]:
    """(text, LaTeX) of a sum of monomials written factor by factor in the paper's order,
    ``D_K·D_K·M·N·D_G·D_G``, with numbers in place of the symbols when ``values`` is given."""
    if expr == 0:
        return "0", "0"
    texts, latexes = [], []
    for term in sp.Add.make_args(sp.expand(expr)):
        powers = term.as_powers_dict()
        factors: list[sp.Expr] = []
        for symbol in _ORDER:
            factors += [symbol] * int(powers.get(symbol, 0))
        if not factors:
            factors = [term]
        if values is None:
            texts.append("·".join(sp.sstr(f) for f in factors))
            latexes.append(r" \cdot ".join(sp.latex(f) for f in factors))
        else:
            texts.append("·".join(str(values.get(f, f)) for f in factors))
            latexes.append(r" \cdot ".join(str(values.get(f, f)) for f in factors))
    return " + ".join(texts), " + ".join(latexes)


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", "{,}")


def _formula(kind: OpKind, depthwise: bool, kernel: int, bias: bool,
             flat: bool) -> tuple[sp.Expr, sp.Expr, str]:
    """The operation's symbolic (Mult-Adds, params) from its cost rule, and the equation."""
    area = sp.Integer(1) if flat else D_G**2
    k = D_K if kernel > 1 else sp.Integer(1)
    group = sp.Integer(1) if depthwise else M
    out = M if depthwise else N
    mult_adds = operations.mult_adds(kind, k, group, out, area)
    params = operations.params(kind, k, group, out, int(bias))
    if kind is not OpKind.CONV and kind is not OpKind.FC:  # per-channel parameters only
        return mult_adds, params, operations.RULES[kind].rule
    if kind is OpKind.FC or flat:
        equation = "matrix product on a 1×1 map" + (", weights and bias" if bias else "")
    elif depthwise:
        equation = "v1 eq. 3 (depthwise: groups = M)"
    elif kernel == 1:
        equation = "v1 eq. 4, second term (pointwise)"
    else:
        equation = "v1 eqs. 1-2 (standard conv)"
    return mult_adds, params, equation


def derive(
    layer: str,
    alpha: float | None = None,
    rho: float | None = None,
    *,
    resolution: int | None = None,
    network: str | Network | None = None,
    rules: str | None = None,
    num_classes: int | None = None,
    depth: float | None = None,
    variant: str = "separable",
    architecture: Network | None = None,
) -> Derivation:
    """Step-by-step derivation of one operation's Mult-Adds and parameters.

    ``layer`` is an operation name of the network (``report(...).layers["name"]``: ``conv1``,
    ``dw1``, ``pw1``, ..., ``fc`` for MobileNet v1; ``b3.expand``, ``b3.dw``, ``b3.project``,
    ``b5.se.reduce``, ... for the others); the other arguments are those of
    :func:`costmodel.report`.
    """
    if architecture is not None:
        if network is not None:
            raise ValueError("give network or architecture (its older name), not both")
        network = architecture
    config = resolve(network=network, alpha=alpha, rho=rho, resolution=resolution,
                     rules=rules, num_classes=num_classes, variant=variant, depth=depth)
    if not isinstance(layer, str):
        raise ValueError(f"layer must be a layer name such as 'dw1'; got {layer!r}")
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    index = graph.op_index(layer)
    op = graph.ops[index]
    counts = {c.index: c for c in count_ops(graph, config.alpha, config.resolution)}
    if index not in counts:
        raise ValueError(f"layer {layer!r} does not exist at α = {config.alpha:g}: the builder "
                         f"drops it where the widths it compares come out equal")
    count = counts[index]
    channels = graph.program.evaluate(config.alpha)
    flat = op.out_level == FLAT
    mult_adds_expr, params_expr, equation = _formula(op.kind, op.depthwise, op.kernel,
                                                     op.bias, flat)
    symbols = mult_adds_expr.free_symbols | params_expr.free_symbols
    values = {D_K: count.kernel, M: count.in_channels, N: count.out_channels,
              D_G: count.out_size}
    used = {s: v for s, v in values.items() if s in symbols}

    def width(name: str, var: int) -> str:
        variable = graph.program.variables[var]
        how = graph.program.explain(var, config.alpha, channels)
        if var == graph.image_var:
            return f"{name} = {channels[var]} (image channels, not scaled)"
        if var == graph.classes_var:
            return f"{name} = {channels[var]} (classes, not scaled)"
        return f"{name} = {how} ({variable.label})"

    sizes = []
    if M in used:
        sizes.append(width("M", op.in_var))
    if N in used:
        sizes.append(width("N", op.out_var))
    if D_K in used:
        sizes.append(f"D_K = {count.kernel} (does not scale with ρ)")
    if D_G in used:
        sizes.append(f"D_F = {count.in_size}, D_G = ceil(D_F / {count.stride}) = "
                     f"{count.out_size}")
    ma_text, ma_latex = _paper_order(mult_adds_expr)
    p_text, p_latex = _paper_order(params_expr)
    ma_sub_text, ma_sub_latex = _paper_order(mult_adds_expr, used)
    p_sub_text, p_sub_latex = _paper_order(params_expr, used)
    layer_latex = []
    for s in (M, N, D_K):
        if s in used:
            layer_latex.append(rf"{sp.latex(s)} = {used[s]}")
    if D_G in used:
        layer_latex.append(rf"D_F = {count.in_size},\ D_G = \lceil {count.in_size} / "
                           rf"{count.stride} \rceil = {count.out_size}")
    mult_adds = int(mult_adds_expr.subs(used))
    params = int(params_expr.subs(used))
    steps = (
        DerivationStep(
            title="Formula",
            latex=rf"\mathrm{{MultAdds}} = {ma_latex},\quad \mathrm{{Params}} = {p_latex}",
            text=f"Mult-Adds = {ma_text}; params = {p_text}",
        ),
        DerivationStep(
            title="This layer",
            latex=r",\ ".join(layer_latex) if layer_latex else r"\text{nothing to count}",
            text="; ".join(sizes) if sizes else "nothing to count",
        ),
        DerivationStep(
            title="Substituted",
            latex=rf"\mathrm{{MultAdds}} = {ma_sub_latex},\quad \mathrm{{Params}} = {p_sub_latex}",
            text=f"Mult-Adds = {ma_sub_text}; params = {p_sub_text}",
        ),
        DerivationStep(
            title="Value",
            latex=(rf"\mathrm{{MultAdds}} = {_grouped(mult_adds)},\quad "
                   rf"\mathrm{{Params}} = {_grouped(params)}"),
            text=f"Mult-Adds = {mult_adds:,}; params = {params:,}",
        ),
    )
    return Derivation(layer=op.name, kind=op.kind, role=op.role, equation=equation,
                      steps=steps, mult_adds=mult_adds, params=params)


__all__ = ["Derivation", "DerivationStep", "derive"]
