"""Symbolic cost of operations and blocks, from the cost rules of :mod:`costmodel.core.operations`.

Every expression here is one of those rules evaluated on sympy symbols
(:mod:`costmodel.base.symbols`) instead of integers: the formulas and the exact counts are the
same functions. MobileNet v1's equations 1-7 (Howard et al. 2017, section 3), the inverted
residual's ``h·w·d′·t·(d′ + k² + d″)`` (Sandler et al. 2018, section 3.3), what
squeeze-and-excite adds, and the α, ρ scalings follow. The paper writes the output size as
``D_F`` because it assumes stride one with padding; here ``D_G`` is the output size ('SAME':
``ceil(D_F / stride)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import sympy as sp

from costmodel.base.kinds import OpKind
from costmodel.base.symbols import D_F, D_G, D_K, M, N, alpha, r_se, rho, t
from costmodel.core import operations

# --- MobileNet v1's operations (eqs. 1-4) -----------------------------------------------------


def standard_conv_mult_adds() -> sp.Expr:
    """Standard convolution, Mult-Adds: ``D_K·D_K·M·N·D_G·D_G`` (eq. 2)."""
    return operations.mult_adds(OpKind.CONV, D_K, M, N, D_G**2)


def standard_conv_params() -> sp.Expr:
    """Standard convolution, parameters: the ``D_K×D_K×M×N`` kernel (eq. 1)."""
    return operations.params(OpKind.CONV, D_K, M, N, 0)


def depthwise_mult_adds() -> sp.Expr:
    """Depthwise convolution (groups = M, one input channel per group), Mult-Adds:
    ``D_K·D_K·M·D_G·D_G`` (eq. 3)."""
    return operations.mult_adds(OpKind.CONV, D_K, 1, M, D_G**2)


def depthwise_params() -> sp.Expr:
    """Depthwise convolution, parameters: one ``D_K×D_K`` filter per channel."""
    return operations.params(OpKind.CONV, D_K, 1, M, 0)


def pointwise_mult_adds() -> sp.Expr:
    """Pointwise (1×1) convolution, Mult-Adds: ``M·N·D_G·D_G`` (second term of eq. 4)."""
    return operations.mult_adds(OpKind.CONV, 1, M, N, D_G**2)


def pointwise_params() -> sp.Expr:
    """Pointwise (1×1) convolution, parameters: ``M·N``."""
    return operations.params(OpKind.CONV, 1, M, N, 0)


def separable_mult_adds() -> sp.Expr:
    """Depthwise separable convolution, Mult-Adds: depthwise + pointwise (eq. 4)."""
    return depthwise_mult_adds() + pointwise_mult_adds()


def separable_params() -> sp.Expr:
    """Depthwise separable convolution, parameters: ``D_K·D_K·M + M·N``."""
    return depthwise_params() + pointwise_params()


def fc_mult_adds() -> sp.Expr:
    """Fully connected layer from ``M`` inputs to ``N`` outputs, Mult-Adds: ``M·N``."""
    return operations.mult_adds(OpKind.FC, 1, M, N, 1)


def fc_params() -> sp.Expr:
    """Fully connected layer, parameters: weights and bias, ``M·N + N``."""
    return operations.params(OpKind.FC, 1, M, N, 1)


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


# --- the inverted residual (Sandler et al. 2018, section 3.3) ---------------------------------


def inverted_residual_mult_adds(stride_one: bool = True) -> sp.Expr:
    """Inverted residual from ``M`` (d′) to ``N`` (d″) channels with expansion ``t`` and a
    ``D_K×D_K`` depthwise conv, Mult-Adds: expand 1×1 on ``D_F×D_F``, depthwise and project on
    ``D_G×D_G``. At stride 1 (``D_G = D_F``) this factors to ``D_F²·t·M·(M + D_K² + N)``, the
    paper's ``h·w·d′·t·(d′ + k² + d″)``."""
    expanded = t * M
    out_area = D_F**2 if stride_one else D_G**2
    total = (operations.mult_adds(OpKind.CONV, 1, M, expanded, D_F**2)
             + operations.mult_adds(OpKind.CONV, D_K, 1, expanded, out_area)
             + operations.mult_adds(OpKind.CONV, 1, expanded, N, out_area))
    return sp.factor(total) if stride_one else total


def inverted_residual_params() -> sp.Expr:
    """Inverted residual, parameters (batchnorm folded): ``t·M·(M + D_K² + N)``."""
    expanded = t * M
    return sp.factor(operations.params(OpKind.CONV, 1, M, expanded, 0)
                     + operations.params(OpKind.CONV, D_K, 1, expanded, 0)
                     + operations.params(OpKind.CONV, 1, expanded, N, 0))


def inverted_residual_ratio() -> sp.Expr:
    """Inverted residual over a standard ``D_K×D_K`` conv from ``M`` to ``N`` channels, at
    stride 1: ``t·(M + D_K² + N) / (D_K²·N)``."""
    standard = standard_conv_mult_adds().subs(D_G, D_F)
    return sp.cancel(inverted_residual_mult_adds() / standard)


def scaled_inverted_residual_mult_adds() -> sp.Expr:
    """The stride-1 inverted residual under α and ρ: ``ρ²D_F²·t·αM·(αM + D_K² + αN)``; the
    expansion ``t`` and the kernel do not scale."""
    return sp.factor(with_resolution(with_width(inverted_residual_mult_adds())))


def squeeze_excite_mult_adds(on_expanded: bool = True) -> sp.Expr:
    """What squeeze-and-excite adds to an inverted residual, Mult-Adds: its two 1×1 convs on
    the pooled ``1×1×E`` vector, ``2·E·S`` with ``E = t·M`` and squeeze width ``S = r·E``
    (MobileNet v3) or ``S = r·M`` (MnasNet, EfficientNet). The pool and the scale count zero."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    return sp.expand(operations.mult_adds(OpKind.CONV, 1, expanded, squeeze, 1)
                     + operations.mult_adds(OpKind.CONV, 1, squeeze, expanded, 1))


def squeeze_excite_params(on_expanded: bool = True) -> sp.Expr:
    """What squeeze-and-excite adds, parameters: ``2·E·S + S + E`` (both 1×1 convs have
    biases)."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    return sp.expand(operations.params(OpKind.CONV, 1, expanded, squeeze, 1)
                     + operations.params(OpKind.CONV, 1, squeeze, expanded, 1))


# --- derivations, step by step --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a symbolic derivation: a title, an expression and a note."""

    title: str
    expr: sp.Expr
    note: str = ""

    @cached_property
    def latex(self) -> str:
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    @cached_property
    def text(self) -> str:
        """The expression as plain text."""
        return sp.sstr(self.expr)


def inverted_residual_steps() -> tuple[Step, ...]:
    """The inverted residual's Mult-Adds derived from its three convolutions (stride 1,
    ``h = w = D_F``, input ``M`` = d′, output ``N`` = d″, expansion ``t``), then its ratio to a
    standard conv and its form under α and ρ (Sandler et al. 2018, section 3.3)."""
    expanded = t * M
    area = D_F**2
    expand = operations.mult_adds(OpKind.CONV, 1, M, expanded, area)
    depthwise = operations.mult_adds(OpKind.CONV, D_K, 1, expanded, area)
    project = operations.mult_adds(OpKind.CONV, 1, expanded, N, area)
    total = sp.factor(expand + depthwise + project)
    return (
        Step(title="Expand: 1×1 conv from M to t·M channels", expr=expand,
             note="a pointwise conv (v1 eq. 4) with N = t·M"),
        Step(title="Depthwise: D_K×D_K on t·M channels", expr=depthwise,
             note="v1 eq. 3 on the expanded tensor"),
        Step(title="Project: linear 1×1 conv from t·M to N channels", expr=project,
             note="a pointwise conv with M = t·M"),
        Step(title="Sum, factored: h·w·d′·t·(d′ + k² + d″)", expr=total,
             note="Sandler et al. 2018, section 3.3"),
        Step(title="A standard D_K×D_K conv from M to N channels", expr=standard_conv_mult_adds(
            ).subs(D_G, D_F), note="v1 eq. 2"),
        Step(title="Inverted residual / standard conv", expr=inverted_residual_ratio(),
             note="above 1 when t·(M + D_K² + N) > D_K²·N: narrow bottlenecks with t = 6 cost "
                  "more than a standard conv between them, and buy depth and nonlinearity"),
        Step(title="Under width α and resolution ρ", expr=scaled_inverted_residual_mult_adds(),
             note="the 1×1 terms scale with α²ρ², the depthwise term with αρ²; t and D_K do "
                  "not scale"),
    )


def squeeze_excite_steps(on_expanded: bool = True) -> tuple[Step, ...]:
    """What squeeze-and-excite adds to an inverted residual: pool (zero), reducing 1×1 with
    bias, expanding 1×1 with bias, channel-wise scale (zero). ``S = r·E`` (MobileNet v3) or
    ``S = r·M`` (MnasNet, EfficientNet)."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    reduce = operations.mult_adds(OpKind.CONV, 1, expanded, squeeze, 1)
    expand = operations.mult_adds(OpKind.CONV, 1, squeeze, expanded, 1)
    return (
        Step(title="Pool H×W×E to 1×1×E", expr=sp.Integer(0), note="pooling counts zero"),
        Step(title="Reduce: 1×1 conv E → S on the 1×1 map", expr=reduce,
             note="plus S biases"),
        Step(title="Expand: 1×1 conv S → E on the 1×1 map", expr=expand,
             note="plus E biases"),
        Step(title="Scale H×W×E by the 1×1×E gate", expr=sp.Integer(0),
             note="an element-wise multiply: zero by the convention, H·W·E multiplies in "
                  "memory and latency"),
        Step(title="Mult-Adds added", expr=squeeze_excite_mult_adds(on_expanded),
             note="independent of the resolution: SE works on the pooled vector"),
        Step(title="Parameters added", expr=squeeze_excite_params(on_expanded)),
    )


def compound_scaling_steps(network: str = "efficientnet_b0") -> tuple[Step, ...]:
    """EfficientNet's cost in width w (``alpha``), resolution r (``rho``) and depth d, from its
    block formulas: the closed form, its leading term ``d·w²·r²``, and that term's share at
    B0 (Tan & Le 2019, section 3.3: "FLOPS ... proportional to d, w², r²")."""
    from costmodel.base.symbols import d
    from costmodel.core.closed_form import compound_scaling_mult_adds

    total = compound_scaling_mult_adds(network)
    poly = sp.Poly(total, alpha, rho, d)
    lead = poly.coeff_monomial(alpha**2 * rho**2 * d) * alpha**2 * rho**2 * d
    at_b0 = total.subs({alpha: 1, rho: 1, d: 1})
    share = sp.Rational(int(lead.subs({alpha: 1, rho: 1, d: 1})), int(at_b0))
    return (
        Step(title="Mult-Adds(w, r, d) summed over the blocks", expr=total,
             note="every stage of n blocks: its first block plus n·d − 1 repeats"),
        Step(title="Leading term", expr=lead,
             note="the 1×1 convs of the repeated blocks: channels² × area × depth"),
        Step(title="Share of the leading term at B0 (w = r = d = 1)", expr=share,
             note=f"{float(share):.1%} of {int(at_b0):,}"),
    )


# --- a catalogue for display -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Formula:
    """A named formula for display: its title, the source's equation and expression."""

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
    """Every formula in the papers' order, ready to print or typeset: MobileNet v1's
    section 3, then the inverted residual and squeeze-and-excite."""
    return (
        Formula(key="standard_mult_adds", title="Standard convolution, Mult-Adds",
                equation="v1 eq. 2", expr=standard_conv_mult_adds()),
        Formula(key="standard_params", title="Standard convolution, parameters",
                equation="v1 eq. 1", expr=standard_conv_params()),
        Formula(key="depthwise_mult_adds", title="Depthwise convolution, Mult-Adds",
                equation="v1 eq. 3", expr=depthwise_mult_adds()),
        Formula(key="pointwise_mult_adds", title="Pointwise (1×1) convolution, Mult-Adds",
                equation="v1 eq. 4, second term", expr=pointwise_mult_adds()),
        Formula(key="separable_mult_adds", title="Depthwise separable convolution, Mult-Adds",
                equation="v1 eq. 4", expr=separable_mult_adds()),
        Formula(key="separable_params", title="Depthwise separable convolution, parameters",
                equation="v1 eq. 4 (weights)", expr=separable_params()),
        Formula(key="reduction_ratio", title="Separable / standard Mult-Adds",
                equation="v1 eq. 5", expr=reduction_ratio()),
        Formula(key="width_mult_adds", title="Separable Mult-Adds with width multiplier α",
                equation="v1 eq. 6", expr=with_width(separable_mult_adds())),
        Formula(key="width_resolution_mult_adds",
                title="Separable Mult-Adds with width α and resolution ρ",
                equation="v1 eq. 7", expr=scaled_separable_mult_adds()),
        Formula(key="width_resolution_params",
                title="Separable parameters with α and ρ (ρ does not appear)",
                equation="v1 eqs. 6-7", expr=scaled_separable_params()),
        Formula(key="inverted_residual_mult_adds",
                title="Inverted residual (stride 1), Mult-Adds: h·w·d′·t·(d′ + k² + d″)",
                equation="v2 section 3.3", expr=inverted_residual_mult_adds()),
        Formula(key="inverted_residual_params", title="Inverted residual, parameters",
                equation="v2 section 3.3", expr=inverted_residual_params()),
        Formula(key="inverted_residual_ratio",
                title="Inverted residual / standard conv Mult-Adds",
                equation="v2 section 3.3", expr=inverted_residual_ratio()),
        Formula(key="scaled_inverted_residual_mult_adds",
                title="Inverted residual Mult-Adds with width α and resolution ρ",
                equation="v2 with v1 eq. 7", expr=scaled_inverted_residual_mult_adds()),
        Formula(key="squeeze_excite_mult_adds",
                title="Squeeze-and-excite adds (S = r·E, MobileNet v3), Mult-Adds",
                equation="v3 section 5.3", expr=squeeze_excite_mult_adds(True)),
        Formula(key="squeeze_excite_params",
                title="Squeeze-and-excite adds (S = r·E), parameters",
                equation="v3 section 5.3", expr=squeeze_excite_params(True)),
        Formula(key="squeeze_excite_input_mult_adds",
                title="Squeeze-and-excite adds (S = r·M, MnasNet, EfficientNet), Mult-Adds",
                equation="EfficientNet section 4", expr=squeeze_excite_mult_adds(False)),
        Formula(key="squeeze_excite_input_params",
                title="Squeeze-and-excite adds (S = r·M), parameters",
                equation="EfficientNet section 4", expr=squeeze_excite_params(False)),
        Formula(key="scaled_inverted_residual_params",
                title="Inverted residual parameters with width α (ρ does not appear)",
                equation="v2 with v1 eq. 6",
                expr=sp.factor(with_width(inverted_residual_params()))),
        Formula(key="compound_scaling_mult_adds",
                title="EfficientNet-B0's Mult-Adds in width w (α), resolution r (ρ), depth d",
                equation="EfficientNet section 3.3",
                expr=compound_scaling_steps()[0].expr),
    )


__all__ = [
    "Formula",
    "Step",
    "compound_scaling_steps",
    "depthwise_mult_adds",
    "depthwise_params",
    "fc_mult_adds",
    "fc_params",
    "formula_catalog",
    "inverted_residual_mult_adds",
    "inverted_residual_params",
    "inverted_residual_ratio",
    "inverted_residual_steps",
    "pointwise_mult_adds",
    "pointwise_params",
    "reduction_ratio",
    "scaled_inverted_residual_mult_adds",
    "scaled_separable_mult_adds",
    "scaled_separable_params",
    "scaling_factors",
    "separable_mult_adds",
    "separable_params",
    "squeeze_excite_mult_adds",
    "squeeze_excite_params",
    "squeeze_excite_steps",
    "standard_conv_mult_adds",
    "standard_conv_params",
    "with_resolution",
    "with_width",
]
