"""costmodel.report(): the API, its invariants and its errors."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from v1_by_hand import v1_mult_adds

import costmodel


def test_report_fields() -> None:
    r = costmodel.report(alpha=0.5, rho=0.714)
    assert (r.alpha, r.rho, r.resolution, r.variant) == (0.5, 0.714, 160, "separable")
    assert isinstance(r.mult_adds, int) and isinstance(r.params, int)
    assert r.mult_adds == 76_524_800 and r.params == 1_320_648
    assert r.mult_adds_m == pytest.approx(76.5248)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.alpha = 1.0  # type: ignore[misc]


def test_resolution_given_directly() -> None:
    r = costmodel.report(resolution=192)
    assert r.rho == 192 / 224 and r.resolution == 192
    assert costmodel.report(rho=6 / 7).resolution == 192
    assert costmodel.report(rho=6 / 7, resolution=192).mult_adds == r.mult_adds


@pytest.mark.parametrize("variant", ["separable", "full", "shallow"])
@pytest.mark.parametrize(("a", "resolution"), [(1.0, 224), (0.5, 160), (0.3, 97), (1.4, 320)])
def test_layer_columns_sum_to_totals(variant: str, a: float, resolution: int) -> None:
    r = costmodel.report(a, resolution=resolution, variant=variant)
    layers = r.layers
    assert layers["mult_adds"].sum() == r.mult_adds
    assert layers["params"].sum() == r.params
    assert layers["standard_mult_adds"].sum() == r.standard_mult_adds
    assert layers["standard_params"].sum() == r.standard_params
    assert layers["mult_adds_pct"].sum() == pytest.approx(100)
    by_type = r.by_type
    assert by_type["mult_adds"].sum() == r.mult_adds
    assert by_type["params"].sum() == r.params


def test_standard_equivalent_is_the_full_variant() -> None:
    for a, resolution in ((1.0, 224), (0.5, 131)):
        separable = costmodel.report(a, resolution=resolution)
        full = costmodel.report(a, resolution=resolution, variant="full")
        assert separable.standard_mult_adds == full.mult_adds
        assert separable.standard_params == full.params
        assert full.saving_ratio == 1.0


def test_stride1_pair_ratio_is_equation_5() -> None:
    layers = costmodel.report().layers
    pairs = layers[(layers["kind"] == "pointwise") & (layers["block"] > 0)]
    for _, pw in pairs.iterrows():
        dw = layers[(layers["kind"] == "depthwise") & (layers["block"] == pw["block"])].iloc[0]
        if dw["stride"] != 1:
            continue
        ratio = (dw["mult_adds"] + pw["mult_adds"]) / pw["standard_mult_adds"]
        assert ratio == pytest.approx(1 / pw["out_c"] + 1 / 9, rel=1e-12)


def test_layers_table_columns() -> None:
    layers = costmodel.report().layers
    for column in ("name", "kind", "stride", "kernel", "in_h", "in_w", "in_c", "out_h", "out_w",
                   "out_c", "mult_adds", "params", "mult_adds_pct", "params_pct",
                   "standard_mult_adds", "standard_params"):
        assert column in layers.columns
    # the kinds of earlier versions; the operation itself (a grouped conv...) is in "op"
    assert list(layers["kind"].unique()) == ["conv", "depthwise", "pointwise", "avgpool", "fc"]
    assert list(layers["op"].unique()) == ["conv", "pool", "fc"]
    assert list(layers["role"].unique()) == ["stem", "depthwise", "pointwise", "pool",
                                             "classifier"]
    assert (layers.loc[layers["role"] == "depthwise", "groups"]
            == layers.loc[layers["role"] == "depthwise", "in_c"]).all()
    pool = layers.set_index("name").loc["pool"]
    assert (pool["mult_adds"], pool["params"], pool["kernel"]) == (0, 0, 7)


def test_monotone_in_alpha_and_resolution() -> None:
    alphas = [0.1, 0.25, 0.3, 0.5, 0.75, 1.0, 1.3]
    costs = [costmodel.report(a).mult_adds for a in alphas]
    assert costs == sorted(costs)
    sizes = [costmodel.report(resolution=s).mult_adds for s in (32, 96, 97, 128, 224, 300)]
    assert sizes == sorted(sizes)


def test_minimum_of_eight_channels() -> None:
    layers = costmodel.report(0.1).layers
    assert layers.loc[0, "out_c"] == 8  # int(0.1·32) = 3 → 8
    assert layers.iloc[-1]["out_c"] == 1000  # classes never scaled
    assert layers.loc[0, "in_c"] == 3  # RGB never scaled


def test_to_dict_is_json_able() -> None:
    d = costmodel.report(0.5, rho=0.714).to_dict()
    text = json.dumps(d)
    back = json.loads(text)
    assert back["mult_adds"] == 76_524_800 and back["resolution"] == 160
    assert back["published"][0]["source"] == "MobileNet v1 paper, Table 9"
    assert "multiply-accumulates" in back["convention"]


def test_print_and_notebook_reprs() -> None:
    r = costmodel.report(0.5, rho=0.714)
    text = str(r)
    assert "76,524,800" in text and "Table 9" in text and "truncated" in text
    assert "multiply-accumulates" in text
    assert "| Mult-Adds | 76,524,800 |" in r._repr_markdown_()
    assert "<table>" in r._repr_html_() and "76,524,800" in r._repr_html_()


def test_no_published_figure_for_an_unprinted_configuration() -> None:
    r = costmodel.report(0.6, resolution=200)
    assert r.published == ()
    assert "Published" not in str(r)


def test_wider_than_paper_is_flagged() -> None:
    r = costmodel.report(1.4)
    assert r.notes and "wider than the paper" in r.notes[0]
    assert "wider than the paper" in str(r)


def test_closed_form_beside_exact() -> None:
    r = costmodel.report(0.3, resolution=97)
    assert math.isfinite(r.closed_form.mult_adds)
    assert r.closed_form.mult_adds != r.mult_adds
    # The closed form is Table 1 summed, 539,492,352·α²ρ² + 28,224,000·αρ² + 1,024,000·α;
    # the exact count rounds widths (max(int(α·C), 8)) and, at 97 px, every stride-2 size up
    # (49, 25, 13, 7, 4), so it sits well above the smooth surface there.
    a, rho_value = 0.3, 97 / 224
    smooth = (539_492_352 * a**2 * rho_value**2 + 28_224_000 * a * rho_value**2
              + 1_024_000 * a)
    assert r.closed_form.mult_adds == pytest.approx(smooth, rel=1e-12)
    assert r.mult_adds == v1_mult_adds(a, 97)
    assert r.closed_form.mult_adds / r.mult_adds == pytest.approx(smooth / v1_mult_adds(a, 97))
    assert smooth / v1_mult_adds(a, 97) < 0.85


BAD = [
    ({"alpha": 0}, "alpha must be a finite number in \\(0, 4\\]"),
    ({"alpha": -0.5}, "alpha must be"),
    ({"alpha": float("nan")}, "alpha must be"),
    ({"alpha": float("inf")}, "alpha must be"),
    ({"alpha": "0.5"}, "alpha must be .*\\(str\\)"),
    ({"alpha": True}, "alpha must be .*\\(bool\\)"),
    ({"alpha": 5}, "alpha must be"),
    ({"rho": 0}, "rho must be a finite number > 0"),
    ({"rho": -1}, "rho must be"),
    ({"rho": float("nan")}, "rho must be"),
    ({"rho": "1"}, "rho must be"),
    ({"rho": 0.001}, "rho must be"),
    ({"resolution": 0}, "resolution must be an integer in \\[1, 4096\\]"),
    ({"resolution": 160.0}, "resolution must be .*\\(float\\)"),
    ({"resolution": True}, "resolution must be"),
    ({"resolution": 5000}, "resolution must be"),
    ({"variant": "deep"}, "variant must be one of separable, full, shallow"),
    ({"variant": None}, "variant must be one of"),
    ({"rho": 1.0, "resolution": 160}, "rho and resolution disagree"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD, ids=[str(b[0]) for b in BAD])
def test_bad_input_raises_value_error_naming_field_and_range(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.report(**kwargs)


def test_public_api_is_small_and_explicit() -> None:
    assert "report" in costmodel.__all__ and "Report" in costmodel.__all__
    for name in costmodel.__all__:
        assert getattr(costmodel, name) is not None
    with pytest.raises(AttributeError):
        costmodel.does_not_exist  # noqa: B018


def test_exports_are_not_shadowed_by_submodules() -> None:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(costmodel.__path__):
        importlib.import_module(f"costmodel.{module.name}")
    for name in costmodel.__all__:
        assert not isinstance(getattr(costmodel, name), type(costmodel)), name
