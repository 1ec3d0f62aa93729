"""Symbolic formulas (paper section 3) and their integer twins."""

from __future__ import annotations

import pytest
import sympy as sp

import costmodel
from costmodel.base.kinds import OpKind
from costmodel.base.symbols import D_F, D_G, D_K, M, N, alpha, r_se, rho, t
from costmodel.core import closed_form, formulas, operations


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
    assert set(operations.RULES) == set(OpKind)
    with pytest.raises(ValueError, match="registered twice"):
        operations._register([operations.RULES[OpKind.CONV], operations.RULES[OpKind.CONV]])


@pytest.mark.parametrize("kind", list(OpKind))
def test_weights_are_bilinear_in_the_two_channel_counts(kind: OpKind) -> None:
    # the fast totals merge terms as coefficient·C_a·C_b; this is what makes that exact
    a, b = sp.symbols("a b", positive=True)
    rule = operations.RULES[kind]
    assert sp.expand(rule.weights(D_K, a, b) - rule.weights(D_K, 1, 1) * a * b) == 0


@pytest.mark.parametrize("network", ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large",
                                     "mnasnet_a1", "efficientnet_b0"])
@pytest.mark.parametrize(("a", "resolution"), [(1.0, 224), (0.5, 160), (0.3, 97), (1.3, 33)])
def test_every_layer_count_equals_its_named_formula(network: str, a: float,
                                                    resolution: int) -> None:
    layers = costmodel.report(a, resolution=resolution, network=network).layers
    for row in layers.itertuples():
        values = {D_K: row.kernel, M: row.in_c, N: row.out_c, D_G: row.out_h}
        if row.op == "conv" and row.role != "se":  # a conv on the feature map
            if row.role == "depthwise":
                mult_adds, params = formulas.depthwise_mult_adds, formulas.depthwise_params
            elif row.kernel == 1:
                mult_adds, params = formulas.pointwise_mult_adds, formulas.pointwise_params
            else:
                mult_adds, params = (formulas.standard_conv_mult_adds,
                                     formulas.standard_conv_params)
        elif row.op in ("fc", "conv"):  # classifier, fc head and SE: 1×1 on the pooled map
            mult_adds, params = formulas.fc_mult_adds, formulas.fc_params
            assert row.out_h == 1, row.name
        else:  # pool, add, scale: zero by the convention
            assert (row.mult_adds, row.params) == (0, 0), row.name
            continue
        assert row.mult_adds == mult_adds().subs(values), row.name
        assert row.params == params().subs(values), row.name


def test_inverted_residual_formula_equals_its_blocks() -> None:
    r = costmodel.report(network="mobilenet_v2")
    layers = r.layers
    checked = 0
    for block in sorted(set(layers["block"]) - {0}):
        ops = layers[layers["block"] == block].set_index("role")
        if "expand" not in ops.index or ops.loc["depthwise", "stride"] != 1:
            continue
        expand, dw, project = ops.loc["expand"], ops.loc["depthwise"], ops.loc["project"]
        values = {M: int(expand["in_c"]), N: int(project["out_c"]), D_K: int(dw["kernel"]),
                  D_F: int(dw["in_h"]), t: sp.Rational(int(expand["out_c"]), int(expand["in_c"]))}
        total = int(expand["mult_adds"] + dw["mult_adds"] + project["mult_adds"])
        assert total == formulas.inverted_residual_mult_adds().subs(values)
        weights = int(expand["params"] + dw["params"] + project["params"])
        assert weights == formulas.inverted_residual_params().subs(values)
        checked += 1
    # v2's stride-1 blocks with an expansion conv (Table 2: n − 1 repeats of each t = 6 row
    # with s = 2, all 3 of the 96 row, and the single 320 block): 1 + 2 + 3 + 3 + 2 + 1
    assert checked == 12


def test_inverted_residual_is_h_w_d_t_of_d_plus_k2_plus_d() -> None:
    expected = D_F**2 * M * t * (M + D_K**2 + N)  # Sandler et al. 2018, section 3.3
    assert sp.expand(formulas.inverted_residual_mult_adds() - expected) == 0
    assert sp.simplify(formulas.inverted_residual_ratio()
                       - t * (M + D_K**2 + N) / (D_K**2 * N)) == 0


def test_squeeze_excite_adds_two_e_s() -> None:
    E, S = t * M, r_se * t * M
    assert sp.expand(formulas.squeeze_excite_mult_adds() - 2 * E * S) == 0
    assert sp.expand(formulas.squeeze_excite_params() - (2 * E * S + S + E)) == 0
    layers = costmodel.report(network="mobilenet_v3_large").layers.set_index("name")
    # block 4 (Table 1: exp 72, SE): E = 72, S = make_divisible(72/4, 8) = 24
    assert layers.loc["b4.se.reduce", "mult_adds"] + layers.loc["b4.se.expand", "mult_adds"] \
        == 2 * 72 * 24


def test_compound_scaling_leading_term_is_d_w2_r2() -> None:
    from costmodel.base.symbols import d

    total = closed_form.compound_scaling_mult_adds()
    poly = sp.Poly(total, alpha, rho, d)
    assert poly.degree(alpha) == 2 and poly.degree(rho) == 2 and poly.degree(d) == 1
    # at B0 (w = r = d = 1, nothing rounds) it is the exact count
    assert total.subs({alpha: 1, rho: 1, d: 1}) == 385_814_752
    lead = poly.coeff_monomial(alpha**2 * rho**2 * d)
    assert lead / 385_814_752 > 0.9  # the d·w²·r² term dominates


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
