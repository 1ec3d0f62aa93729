"""Step-by-step derivation of one layer's cost, for teaching.

General formula → the layer's numbers under α and ρ → substituted → value. The value is
computed by sympy from the formula and is held equal to the exact integer count by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from costmodel.architecture import Architecture
from costmodel.counting import count_layers
from costmodel.formulas import LAYER_FORMULAS
from costmodel.kinds import Kind
from costmodel.symbols import D_G, D_K, M, N


@dataclass(frozen=True, kw_only=True)
class DerivationStep:
    """One line of a derivation, as LaTeX and as plain text."""

    title: str
    latex: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Derivation:
    """The derivation of one layer's Mult-Adds and parameters; values are integers."""

    layer: str
    kind: Kind
    equation: str
    steps: tuple[DerivationStep, ...]
    mult_adds: int
    params: int

    def __str__(self) -> str:
        lines = [f"{self.layer} ({self.kind}, {self.equation})"]
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
        factors = []
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


def derive(arch: Architecture, layer: str, alpha: float, resolution: int) -> Derivation:
    """Derive the cost of the layer named ``layer`` of ``arch`` at ``alpha`` and ``resolution``
    (pixels). Mult-Adds are multiply-accumulates; parameters as in the counting convention."""
    spec = arch.layer(layer)
    index = arch.layers.index(spec)
    count = count_layers(arch, alpha, resolution)[index]
    formula = LAYER_FORMULAS[spec.kind]
    values = {D_K: count.kernel, M: count.in_channels, N: count.out_channels, D_G: count.out_size}
    symbols = formula.mult_adds.free_symbols | formula.params.free_symbols
    used = {s: v for s, v in values.items() if s in symbols}

    def rule(name: str, base: int, scaled: int) -> str:
        if base == scaled and alpha == 1.0:
            return f"{name} = {scaled}"
        return f"{name} = max(int({alpha:g}·{base}), 8) = {scaled}"

    sizes = []
    if M in used:
        sizes.append(rule("M", spec.in_channels, count.in_channels)
                     if index > 0 else f"M = {count.in_channels} (image channels, not scaled)")
    if N in used:
        is_classes = spec.kind is Kind.FC and index == len(arch.layers) - 1
        sizes.append(f"N = {count.out_channels} (classes, not scaled)" if is_classes
                     else rule("N", spec.out_channels, count.out_channels))
    if D_K in used:
        sizes.append(f"D_K = {count.kernel} (does not scale with ρ)")
    if D_G in used:
        sizes.append(
            f"D_F = {count.in_size}, D_G = ceil(D_F / {count.stride}) = {count.out_size}"
        )
    ma_text, ma_latex = _paper_order(formula.mult_adds)
    p_text, p_latex = _paper_order(formula.params)
    ma_sub_text, ma_sub_latex = _paper_order(formula.mult_adds, used)
    p_sub_text, p_sub_latex = _paper_order(formula.params, used)
    symbol_latex = {M: "M", N: "N", D_K: "D_K", D_G: "D_G"}
    layer_latex = [rf"{symbol_latex[s]} = {v}" for s, v in used.items()]
    if D_G in used:
        layer_latex[-1] = (rf"D_F = {count.in_size},\ D_G = \lceil {count.in_size} / "
                           rf"{count.stride} \rceil = {count.out_size}")
    mult_adds = int(formula.mult_adds.subs(used))
    params = int(formula.params.subs(used))
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
    return Derivation(
        layer=spec.name,
        kind=spec.kind,
        equation=formula.equation,
        steps=steps,
        mult_adds=mult_adds,
        params=params,
    )


__all__ = ["Derivation", "DerivationStep", "derive"]
