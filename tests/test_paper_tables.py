"""MobileNet v1's tables reproduced. Expected values are literals from Howard et al. 2017
(arXiv 1704.04861), Tables 2-9, and the TF-slim mobilenet_v1.md checkpoint table, with the
table number in each test id; exact counts are the products of Table 1's shapes."""

from __future__ import annotations

import pytest
import sympy as sp

import costmodel
from costmodel.base.symbols import D_G, D_K, M, N, alpha, rho
from costmodel.core import formulas
from costmodel.literature.published import Origin

# --- exact counts (reference "Exact counts" table) ------------------------------------------

EXACT = [
    (1.0, 224, 568_740_352, 4_210_088),
    (1.0, 192, 418_121_728, 4_210_088),
    (1.0, 160, 290_675_200, 4_210_088),
    (1.0, 128, 186_400_768, 4_210_088),
    (0.75, 224, 325_400_448, 2_569_144),
    (0.75, 192, 239_273_472, 2_569_144),
    (0.75, 160, 166_396_800, 2_569_144),
    (0.75, 128, 106_770_432, 2_569_144),
    (0.5, 224, 149_497_088, 1_320_648),
    (0.5, 192, 109_970_432, 1_320_648),
    (0.5, 160, 76_524_800, 1_320_648),
    (0.5, 128, 49_160_192, 1_320_648),
    (0.25, 224, 41_030_272, 464_600),
    (0.25, 192, 30_212_608, 464_600),
    (0.25, 160, 21_059_200, 464_600),
    (0.25, 128, 13_570_048, 464_600),
]


@pytest.mark.parametrize(
    ("a", "resolution", "mult_adds", "params"),
    [pytest.param(*row, id=f"exact-{row[0]}-{row[1]}") for row in EXACT],
)
def test_exact_counts(a: float, resolution: int, mult_adds: int, params: int) -> None:
    r = costmodel.report(a, resolution=resolution)
    assert (r.mult_adds, r.params) == (mult_adds, params)


# --- Table 3: one layer, D_K=3, M=N=512, D_F=14, each row cumulative -------------------------

LAYER = {D_K: 3, M: 512, N: 512, D_G: 14}


@pytest.mark.parametrize(
    ("mult_adds_expr", "params_expr", "values", "printed_mult_adds_m", "printed_params_m"),
    [
        pytest.param(formulas.standard_conv_mult_adds(), formulas.standard_conv_params(),
                     {}, 462, 2.36, id="Table3-convolution"),
        pytest.param(formulas.separable_mult_adds(), formulas.separable_params(),
                     {}, 52.3, 0.27, id="Table3-separable"),
        pytest.param(formulas.with_width(formulas.separable_mult_adds()),
                     formulas.with_width(formulas.separable_params()),
                     {alpha: sp.Rational(3, 4)}, 29.6, 0.15, id="Table3-alpha0.75"),
        pytest.param(formulas.scaled_separable_mult_adds(), formulas.scaled_separable_params(),
                     {alpha: sp.Rational(3, 4), rho: sp.Rational(714, 1000)}, 15.1, 0.15,
                     id="Table3-rho0.714"),
    ],
)
def test_table3_one_layer(
    mult_adds_expr: sp.Expr, params_expr: sp.Expr, values: dict,
    printed_mult_adds_m: float, printed_params_m: float,
) -> None:
    decimals_ma = 0 if printed_mult_adds_m >= 100 else 1
    mult_adds = float(mult_adds_expr.subs({**LAYER, **values})) / 1e6
    params = float(params_expr.subs({**LAYER, **values})) / 1e6
    assert round(mult_adds, decimals_ma) == printed_mult_adds_m
    assert round(params, 2) == printed_params_m


def test_table3_exact_values() -> None:
    # the integers behind Table 3's first two rows
    assert formulas.standard_conv_mult_adds().subs(LAYER) == 462_422_016
    assert formulas.separable_mult_adds().subs(LAYER) == 52_283_392


# --- Tables 4-7 and 9: whole networks ---------------------------------------------------------

NETWORKS = [
    # (id, variant, alpha, resolution, printed M Mult-Adds, printed M params, exact, exact params)
    ("Table4-full", "full", 1.0, 224, 4866, 29.3, 4_867_293_184, 29_282_120),
    ("Table4-separable", "separable", 1.0, 224, 569, 4.2, 568_740_352, 4_210_088),
    ("Table5-shallow", "shallow", 1.0, 224, 307, 2.9, 307_323_392, 2_876_328),
    ("Table5-0.75", "separable", 0.75, 224, 325, 2.6, 325_400_448, 2_569_144),
    ("Table6-1.0", "separable", 1.0, 224, 569, 4.2, 568_740_352, 4_210_088),
    ("Table6-0.75", "separable", 0.75, 224, 325, 2.6, 325_400_448, 2_569_144),
    ("Table6-0.5", "separable", 0.5, 224, 149, 1.3, 149_497_088, 1_320_648),
    ("Table6-0.25", "separable", 0.25, 224, 41, 0.5, 41_030_272, 464_600),
    ("Table7-224", "separable", 1.0, 224, 569, 4.2, 568_740_352, 4_210_088),
    ("Table7-192", "separable", 1.0, 192, 418, 4.2, 418_121_728, 4_210_088),
    ("Table7-160", "separable", 1.0, 160, 290, 4.2, 290_675_200, 4_210_088),
    ("Table7-128", "separable", 1.0, 128, 186, 4.2, 186_400_768, 4_210_088),
    ("Table9-0.5-160", "separable", 0.5, 160, 76, 1.32, 76_524_800, 1_320_648),
]


@pytest.mark.parametrize(
    ("variant", "a", "resolution", "printed_ma", "printed_p", "exact_ma", "exact_p"),
    [pytest.param(*row[1:], id=row[0]) for row in NETWORKS],
)
def test_network_tables(
    variant: str, a: float, resolution: int, printed_ma: float, printed_p: float,
    exact_ma: int, exact_p: int,
) -> None:
    r = costmodel.report(a, resolution=resolution, variant=variant)
    assert (r.mult_adds, r.params) == (exact_ma, exact_p)
    # the printed figure is reported beside the exact count, never replaced by it
    printed = {c.quantity: c for c in r.published
               if c.origin is Origin.PAPER and c.source.startswith("MobileNet v1 paper")}
    assert printed["mult_adds"].printed == printed_ma
    assert printed["params"].printed == printed_p
    assert printed["mult_adds"].exact == exact_ma / 1e6
    # within one unit of the printed digit, or explained
    assert abs(printed_ma - exact_ma / 1e6) < 1.5
    assert abs(printed_p - exact_p / 1e6) < 0.06


@pytest.mark.parametrize(
    ("variant", "a", "resolution", "status", "reason_part"),
    [
        pytest.param("full", 1.0, 224, "differs", "without the classifier", id="Table4-full-4866"),
        pytest.param("separable", 1.0, 160, "truncated", "cuts", id="Table7-160-290"),
        pytest.param("separable", 0.5, 160, "truncated", "cuts", id="Table9-76"),
        pytest.param("separable", 0.75, 224, "rounds to print", "", id="Table6-0.75-325"),
    ],
)
def test_printed_versus_exact_is_explained(
    variant: str, a: float, resolution: int, status: str, reason_part: str
) -> None:
    r = costmodel.report(a, resolution=resolution, variant=variant)
    (mult_adds,) = [c for c in r.published if c.quantity == "mult_adds"
                    and c.origin is Origin.PAPER and c.source.startswith("MobileNet v1 paper")]
    assert mult_adds.status == status
    assert reason_part in mult_adds.reason


def test_table4_full_conv_without_classifier_matches_print() -> None:
    r = costmodel.report(variant="full")
    fc = r.layers.set_index("name").loc["fc", "mult_adds"]
    assert r.mult_adds - fc == 4_866_269_184  # the paper's 4866


# --- Table 2: shares by layer type --------------------------------------------------------

TABLE2 = [
    # role, printed Mult-Adds %, printed params %, exact Mult-Adds %, exact params % (with FC bias)
    ("pointwise", 94.86, 74.59, 94.86, 74.57),
    ("depthwise", 3.06, 1.06, 3.06, 1.06),
    ("stem", 1.19, 0.02, 1.91, 0.02),
    ("classifier", 0.18, 24.33, 0.18, 24.35),
]


@pytest.mark.parametrize(
    ("role", "printed_ma", "printed_p", "exact_ma", "exact_p"),
    [pytest.param(*row, id=f"Table2-{row[0]}") for row in TABLE2],
)
def test_table2_shares(
    role: str, printed_ma: float, printed_p: float, exact_ma: float, exact_p: float
) -> None:
    by_type = costmodel.report().by_type.set_index("role")
    row = by_type.loc[role]
    assert round(row["mult_adds_pct"], 2) == exact_ma
    assert round(row["params_pct"], 2) == exact_p
    assert row["paper_mult_adds_pct"] == printed_ma
    assert row["paper_params_pct"] == printed_p
    # the printed parameter shares are those without the FC bias
    assert round(row["params_pct_without_fc_bias"], 2) == printed_p


def test_table2_conv_misprint_is_shown_with_reason() -> None:
    by_type = costmodel.report().by_type.set_index("role")
    assert "1.91" in by_type.loc["stem", "note"]
    assert round(by_type["paper_mult_adds_pct"].sum(), 2) == 99.29
    assert round(by_type["mult_adds_pct"].sum(), 6) == 100.0


# --- TF-slim checkpoint observations ----------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "bn_channels", "checkpoint_params"),
    [pytest.param(1.0, 10_944, 4_242_920, id="tfslim-1.0"),
     pytest.param(0.75, 8_208, None, id="tfslim-0.75"),
     pytest.param(0.5, 5_472, None, id="tfslim-0.5"),
     pytest.param(0.25, 2_736, None, id="tfslim-0.25")],
)
def test_tfslim_params_are_paper_params_plus_three_per_bn_channel(
    a: float, bn_channels: int, checkpoint_params: int | None
) -> None:
    r = costmodel.report(a)
    layers = r.layers
    channels = layers.loc[layers["op"] == "conv", "out_c"].sum()
    assert channels == bn_channels
    # γβ are two of the three values per channel
    assert r.params_with_bn - r.params == 2 * bn_channels
    checkpoint = next(c for c in r.published
                      if c.quantity == "params" and c.origin is Origin.CHECKPOINTS)
    assert round((r.params + 3 * bn_channels) / 1e6, 2) == checkpoint.printed
    if checkpoint_params is not None:
        assert r.params + 3 * bn_channels == checkpoint_params


def test_tfslim_075_macs_are_exact_minus_first_conv() -> None:
    for resolution, printed in ((224, 317), (192, 233), (160, 162), (128, 104)):
        r = costmodel.report(0.75, resolution=resolution)
        first = int(r.layers.iloc[0]["mult_adds"])
        assert round((r.mult_adds - first) / 1e6) == printed
    assert 325_400_448 - 8_128_512 == 317_271_936


def test_tfslim_body_docstring_count() -> None:
    # TF-slim's per-layer docstring: the body without pooling and classifier
    r = costmodel.report()
    body = r.layers[r.layers["role"] != "classifier"]
    assert body["mult_adds"].sum() == 567_716_352
    assert body["params"].sum() == 3_185_088
