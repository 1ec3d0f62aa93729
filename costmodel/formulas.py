"""Symbolic cost of one layer (Howard et al. 2017, section 3, equations 1-7).

Every function returns a sympy expression in the symbols of :mod:`costmodel.symbols`.
Mult-Adds are multiply-accumulates; parameters are weights (no bias, batchnorm folded),
except the fully connected layer, whose bias counts. The paper writes the output size as
``D_F`` because it assumes stride one with padding; here ``D_G`` is the output size, which
equals ``D_F`` at stride one and ``ceil(D_F / stride)`` otherwise ('SAME' padding).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType

import sympy as sp

from costmodel.kinds import Kind
from costmodel.symbols import D_F, D_G, D_K, M, N, alpha, rho

# --- one function per operation ---------------------------------------------------------


def standard_conv_mult_adds() -> sp.Expr:
    """Standard convolution, Mult-Adds: ``D_K·D_K·M·N·D_G·D_G`` (eq. 2)."""
    return D_K * D_K * M * N * D_G * D_G


def standard_conv_params() -> sp.Expr:
    """Standard convolution, parameters: the ``D_K×D_K×M×N`` kernel (eq. 1)."""
    return D_K * D_K * M * N


def depthwise_mult_adds() -> sp.Expr:
    """Depthwise convolution, Mult-Adds: ``D_K·D_K·M·D_G·D_G`` (eq. 3)."""
    return D_K * D_K * M * D_G * D_G


def depthwise_params() -> sp.Expr:
    """Depthwise convolution, parameters: one ``D_K×D_K`` filter per channel."""
    return D_K * D_K * M


def pointwise_mult_adds() -> sp.Expr:
    """Pointwise (1×1) convolution, Mult-Adds: ``M·N·D_G·D_G`` (second term of eq. 4)."""
    return M * N * D_G * D_G


def pointwise_params() -> sp.Expr:
    """Pointwise (1×1) convolution, parameters: ``M·N``."""
    return M * N


def separable_mult_adds() -> sp.Expr:
    """Depthwise separable convolution, Mult-Adds: depthwise + pointwise (eq. 4)."""
    return depthwise_mult_adds() + pointwise_mult_adds()


def separable_params() -> sp.Expr:
    """Depthwise separable convolution, parameters: ``D_K·D_K·M + M·N``."""
    return depthwise_params() + pointwise_params()


def fc_mult_adds() -> sp.Expr:
    """Fully connected layer from ``M`` inputs to ``N`` outputs, Mult-Adds: ``M·N``."""
    return M * N


def fc_params() -> sp.Expr:
    """Fully connected layer, parameters: weights and bias, ``M·N + N``."""
    return M * N + N


def reduction_ratio() -> sp.Expr:
    """Separable over standard Mult-Adds, reduced to ``1/N + 1/D_K**2`` (eq. 5)."""
    return sp.expand(separable_mult_adds() / standard_conv_mult_adds())


def with_width(expr: sp.Expr) -> sp.Expr:
    """Apply the width multiplier: ``M → αM``, ``N → αN`` (eq. 6)."""
    return expr.subs({M: alpha * M, N: alpha * N}, simultaneous=True)


def with_resolution(expr: sp.Expr) -> sp.Expr:
    """Apply the resolution multiplier: feature sizes ``D_F → ρD_F``, ``D_G → ρD_G`` (eq. 7).

    The kernel size ``D_K`` does not scale: a 3×3 filter stays 3×3 at any input size.
    """
    return expr.subs({D_F: rho * D_F, D_G: rho * D_G}, simultaneous=True)


def scaled_separable_mult_adds() -> sp.Expr:
    """Separable Mult-Adds under α and ρ: ``D_K²·αM·ρ²D_G² + α²MN·ρ²D_G²`` (eq. 7)."""
    return with_resolution(with_width(separable_mult_adds()))


def scaled_separable_params() -> sp.Expr:
    """Separable parameters under α and ρ: ``D_K²·αM + α²MN``; ρ does not appear."""
    return with_resolution(with_width(separable_params()))


def scaling_factors() -> dict[str, sp.Expr]:
    """How each term scales: the ratio of its α, ρ form to its plain form (eqs. 6-7).

    Returns ``{"depthwise mult_adds": alpha*rho**2, "pointwise mult_adds": alpha**2*rho**2,
    "depthwise params": alpha, "pointwise params": alpha**2, ...}``.
    """
    terms = {
        "standard mult_adds": standard_conv_mult_adds(),
        "depthwise mult_adds": depthwise_mult_adds(),
        "pointwise mult_adds": pointwise_mult_adds(),
        "standard params": standard_conv_params(),
        "depthwise params": depthwise_params(),
        "pointwise params": pointwise_params(),
    }
    return {
        name: sp.factor(sp.cancel(with_resolution(with_width(expr)) / expr))
        for name, expr in terms.items()
    }


# --- the registry: layer kind -> formulas ------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LayerFormula:
    """The symbolic Mult-Adds and parameters of one layer kind, with the paper's equation."""

    kind: Kind
    mult_adds: sp.Expr
    params: sp.Expr
    equation: str


def _build_registry() -> Mapping[Kind, LayerFormula]:
    entries = [
        LayerFormula(
            kind=Kind.CONV,
            mult_adds=standard_conv_mult_adds(),
            params=standard_conv_params(),
            equation="eqs. 1-2",
        ),
        LayerFormula(
            kind=Kind.DEPTHWISE,
            mult_adds=depthwise_mult_adds(),
            params=depthwise_params(),
            equation="eq. 3",
        ),
        LayerFormula(
            kind=Kind.POINTWISE,
            mult_adds=pointwise_mult_adds(),
            params=pointwise_params(),
            equation="eq. 4, second term",
        ),
        LayerFormula(
            kind=Kind.AVGPOOL,
            mult_adds=sp.Integer(0),
            params=sp.Integer(0),
            equation="counts zero by convention",
        ),
        LayerFormula(
            kind=Kind.FC,
            mult_adds=fc_mult_adds(),
            params=fc_params(),
            equation="matrix product, weights and bias",
        ),
    ]
    registry: dict[Kind, LayerFormula] = {}
    for entry in entries:
        if entry.kind in registry:
            raise ValueError(f"kind {entry.kind!r} is registered twice")
        registry[entry.kind] = entry
    return MappingProxyType(registry)


#: Kind -> symbolic formulas. The exact integer counters in :mod:`costmodel.counting` are
#: held equal to these by the tests.
LAYER_FORMULAS: Mapping[Kind, LayerFormula] = _build_registry()


# --- a catalogue for display -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Formula:
    """A named formula for display: its title, the paper's equation number and expression."""

    key: str
    title: str
    equation: str
    expr: sp.Expr

    @cached_property
    def latex(self) -> str:
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    @cached_property
    def text(self) -> str:
        """The expression as plain text."""
        return sp.sstr(self.expr)


@cache
def formula_catalog() -> tuple[Formula, ...]:
    """Every formula of section 3 in the paper's order, ready to print or typeset."""
    return (
        Formula(key="standard_mult_adds", title="Standard convolution, Mult-Adds",
                equation="eq. 2", expr=standard_conv_mult_adds()),
        Formula(key="standard_params", title="Standard convolution, parameters",
                equation="eq. 1", expr=standard_conv_params()),
        Formula(key="depthwise_mult_adds", title="Depthwise convolution, Mult-Adds",
                equation="eq. 3", expr=depthwise_mult_adds()),
        Formula(key="pointwise_mult_adds", title="Pointwise (1×1) convolution, Mult-Adds",
                equation="eq. 4, second term", expr=pointwise_mult_adds()),
        Formula(key="separable_mult_adds", title="Depthwise separable convolution, Mult-Adds",
                equation="eq. 4", expr=separable_mult_adds()),
        Formula(key="separable_params", title="Depthwise separable convolution, parameters",
                equation="eq. 4 (weights)", expr=separable_params()),
        Formula(key="reduction_ratio", title="Separable / standard Mult-Adds",
                equation="eq. 5", expr=reduction_ratio()),
        Formula(key="width_mult_adds", title="Separable Mult-Adds with width multiplier α",
                equation="eq. 6", expr=with_width(separable_mult_adds())),
        Formula(key="width_resolution_mult_adds",
                title="Separable Mult-Adds with width α and resolution ρ",
                equation="eq. 7", expr=scaled_separable_mult_adds()),
        Formula(key="width_resolution_params",
                title="Separable parameters with α and ρ (ρ does not appear)",
                equation="eqs. 6-7", expr=scaled_separable_params()),
    )


__all__ = [
    "LAYER_FORMULAS",
    "Formula",
    "LayerFormula",
    "depthwise_mult_adds",
    "depthwise_params",
    "fc_mult_adds",
    "fc_params",
    "formula_catalog",
    "pointwise_mult_adds",
    "pointwise_params",
    "reduction_ratio",
    "scaled_separable_mult_adds",
    "scaled_separable_params",
    "scaling_factors",
    "separable_mult_adds",
    "separable_params",
    "standard_conv_mult_adds",
    "standard_conv_params",
    "with_resolution",
    "with_width",
]
