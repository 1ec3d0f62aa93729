"""Symbolic formulas (paper section 3) and their integer twins."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from costmodel import closed_form, formulas
from costmodel.architecture import VARIANTS, mobilenet_v1
from costmodel.counting import COUNTERS, count_layers
from costmodel.kinds import Kind
from costmodel.symbols import D_F, D_G, D_K, M, N, alpha, rho


def test_symbols_are_declared_with_assumptions() -> None:
    for symbol in (D_K, D_F, D_G, M, N):
        assert symbol.is_positive and symbol.is_integer
    assert alpha.is_positive and rho.is_positive
    assert [s.name for s in (D_K, D_F, D_G, M, N, alpha, rho)] == [
        "D_K", "D_F", "D_G", "M", "N", "alpha", "rho"]


def test_equation_2_and_4() -> None:
    assert formulas.standard_conv_mult_adds() == D_K**2 * M * N * D_G**2
    assert formulas.separable_mult_adds() == D_K**2 * M * D_G**2 + M * N * D_G**2


def test_equation_5_reduces_to_one_over_n_plus_one_over_dk_squared() -> None:
    assert formulas.reduction_ratio() == 1 / N + 1 / D_K**2


@pytest.mark.parametrize(
    ("term", "factor"),
    [
        pytest.param("depthwise mult_adds", alpha * rho**2, id="eq7-depthwise"),
        pytest.param("pointwise mult_adds", alpha**2 * rho**2, id="eq7-pointwise"),
        pytest.param("standard mult_adds", alpha**2 * rho**2, id="eq7-standard"),
        pytest.param("depthwise params", alpha, id="eq6-depthwise-params"),
        pytest.param("pointwise params", alpha**2, id="eq6-pointwise-params"),
    ],
)
def test_width_and_resolution_scaling(term: str, factor: sp.Expr) -> None:
    assert formulas.scaling_factors()[term] == factor


def test_params_do_not_depend_on_rho() -> None:
    assert rho not in formulas.scaled_separable_params().free_symbols
    assert rho not in closed_form.network_params().free_symbols


def test_kernel_does_not_scale_with_resolution() -> None:
    scaled = formulas.with_resolution(formulas.depthwise_mult_adds())
    assert sp.Poly(scaled, D_K).degree() == 2
    assert sp.cancel(scaled / formulas.depthwise_mult_adds()) == rho**2


def test_every_formula_has_latex() -> None:
    catalog = formulas.formula_catalog()
    assert len({f.key for f in catalog}) == len(catalog) >= 10
    for f in catalog:
        assert f.latex and f.text
        sp.latex(f.expr)  # renders
    ratio = next(f for f in catalog if f.key == "reduction_ratio")
    assert ratio.latex == r"\frac{1}{N} + \frac{1}{D_{K}^{2}}"


def test_registry_covers_every_kind_once() -> None:
    assert set(formulas.LAYER_FORMULAS) == set(Kind) == set(COUNTERS)


@pytest.mark.parametrize("kind", list(Kind))
def test_integer_counters_equal_symbolic_formulas(kind: Kind) -> None:
    formula = formulas.LAYER_FORMULAS[kind]
    count_mult_adds, count_params = COUNTERS[kind]
    for k, m, n, g in itertools.product((1, 3, 5), (3, 8, 37), (8, 64, 1000), (1, 7, 112)):
        n_eff = m if kind is Kind.DEPTHWISE else n
        values = {D_K: k, M: m, N: n_eff, D_G: g}
        assert count_mult_adds(k, m, n_eff, g) == formula.mult_adds.subs(values)
        assert count_params(k, m, n_eff, g) == formula.params.subs(values)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("a", "resolution"), [(1.0, 224), (0.5, 160), (0.3, 97), (1.3, 33)])
def test_every_layer_count_equals_its_formula(variant: str, a: float, resolution: int) -> None:
    arch = mobilenet_v1(variant)
    for spec, count in zip(arch.layers, count_layers(arch, a, resolution), strict=True):
        formula = formulas.LAYER_FORMULAS[spec.kind]
        values = {D_K: count.kernel, M: count.in_channels, N: count.out_channels,
                  D_G: count.out_size}
        assert count.mult_adds == formula.mult_adds.subs(values), spec.name
        assert count.params == formula.params.subs(values), spec.name


def test_closed_form_is_a_polynomial_with_alpha_only_terms() -> None:
    total = closed_form.network_mult_adds()
    poly = sp.Poly(total, alpha, rho)
    # first conv + depthwise: α·ρ²; pointwise: α²·ρ²; classifier: α (no ρ)
    assert set(poly.monoms()) == {(2, 2), (1, 2), (1, 0)}
    assert poly.coeff_monomial(alpha) == 1024 * 1000
    assert poly.coeff_monomial(alpha**2 * rho**2) == 539_492_352  # Table 2's Conv 1×1
    assert poly.coeff_monomial(alpha * rho**2) == 17_385_984 + 10_838_016  # DW + first conv
    params = sp.Poly(closed_form.network_params(), alpha)
    assert params.as_expr() == 3_139_584 * alpha**2 + (44_640 + 864 + 1_024_000) * alpha + 1000


@pytest.mark.parametrize(("a", "resolution"), [(1.0, 224), (0.5, 224), (0.25, 224), (0.75, 160)])
def test_closed_form_equals_exact_where_nothing_rounds(a: float, resolution: int) -> None:
    import costmodel

    r = costmodel.report(a, resolution=resolution)
    assert r.closed_form.mult_adds == pytest.approx(r.mult_adds, rel=1e-12)
    assert r.closed_form.params == pytest.approx(r.params, rel=1e-12)


def test_closed_form_is_close_to_exact_where_sizes_round() -> None:
    import costmodel

    r = costmodel.report(0.5, rho=0.714)  # 224·0.714 = 159.9 → 160 px
    assert r.closed_form.mult_adds != r.mult_adds
    assert abs(r.closed_form.mult_adds / r.mult_adds - 1) < 0.01


def test_lambdified_surface_equals_the_expression() -> None:
    import numpy as np

    alphas, rhos = np.array([0.25, 0.5, 1.0]), np.array([4 / 7, 1.0])
    surface = closed_form.mult_adds_surface(alphas, rhos)
    assert surface.shape == (3, 2)
    for i, a in enumerate(alphas):
        for j, r in enumerate(rhos):
            expected = float(closed_form.network_mult_adds().subs({alpha: a, rho: r}))
            assert surface[i, j] == pytest.approx(expected, rel=1e-12)
    assert surface[2, 1] == 568_740_352
