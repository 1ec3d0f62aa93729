"""Accuracy data, the accuracy model, the frontier and the budget curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import costmodel
from costmodel.base.symbols import alpha, rho
from costmodel.core.closed_form import network_mult_adds
from costmodel.literature.accuracy_model import default_fit
from costmodel.literature.budget import budget_rho_expr

# Every row, as printed: (source, model, value %, Million Mult-Adds, Million params).
# Literals from Howard et al. 2017 (arXiv 1704.04861), Tables 4-10 and 12-14.
PAPER_ROWS = [
    ("Table 4", "Conv MobileNet", 71.7, 4866, 29.3),
    ("Table 4", "MobileNet", 70.6, 569, 4.2),
    ("Table 5", "0.75 MobileNet", 68.4, 325, 2.6),
    ("Table 5", "Shallow MobileNet", 65.3, 307, 2.9),
    ("Table 6", "1.0 MobileNet-224", 70.6, 569, 4.2),
    ("Table 6", "0.75 MobileNet-224", 68.4, 325, 2.6),
    ("Table 6", "0.5 MobileNet-224", 63.7, 149, 1.3),
    ("Table 6", "0.25 MobileNet-224", 50.6, 41, 0.5),
    ("Table 7", "1.0 MobileNet-224", 70.6, 569, 4.2),
    ("Table 7", "1.0 MobileNet-192", 69.1, 418, 4.2),
    ("Table 7", "1.0 MobileNet-160", 67.2, 290, 4.2),
    ("Table 7", "1.0 MobileNet-128", 64.4, 186, 4.2),
    ("Table 8", "1.0 MobileNet-224", 70.6, 569, 4.2),
    ("Table 8", "GoogleNet", 69.8, 1550, 6.8),
    ("Table 8", "VGG 16", 71.5, 15300, 138),
    ("Table 9", "0.50 MobileNet-160", 60.2, 76, 1.32),
    ("Table 9", "Squeezenet", 57.5, 1700, 1.25),
    ("Table 9", "AlexNet", 57.2, 720, 60),
    ("Table 10", "Inception V3", 84, 5000, 23.2),
    ("Table 10", "1.0 MobileNet-224", 83.3, 569, 3.3),
    ("Table 10", "0.75 MobileNet-224", 81.9, 325, 1.9),
    ("Table 10", "1.0 MobileNet-192", 81.9, 418, 3.3),
    ("Table 10", "0.75 MobileNet-192", 80.5, 239, 1.9),
    ("Table 12", "1.0 MobileNet-224", 88.7, 568, 3.2),
    ("Table 12", "0.5 MobileNet-224", 88.1, 149, 0.8),
    ("Table 12", "0.25 MobileNet-224", 87.2, 45, 0.2),
    ("Table 12", "1.0 MobileNet-128", 88.1, 185, 3.2),
    ("Table 12", "0.5 MobileNet-128", 87.7, 48, 0.8),
    ("Table 12", "0.25 MobileNet-128", 86.4, 15, 0.2),
    ("Table 12", "Baseline", 86.9, 1600, 7.5),
    ("Table 13", "deeplab-VGG (SSD 300)", 21.1, 34900, 33.1),
    ("Table 13", "Inception V2 (SSD 300)", 22.0, 3800, 13.7),
    ("Table 13", "MobileNet (SSD 300)", 19.3, 1200, 6.8),
    ("Table 13", "VGG (Faster-RCNN 300)", 22.9, 64300, 138.5),
    ("Table 13", "Inception V2 (Faster-RCNN 300)", 15.4, 118200, 13.3),
    ("Table 13", "MobileNet (Faster-RCNN 300)", 16.4, 25200, 6.1),
    ("Table 13", "VGG (Faster-RCNN 600)", 25.7, 149600, 138.5),
    ("Table 13", "Inception V2 (Faster-RCNN 600)", 21.9, 129600, 13.3),
    ("Table 13", "MobileNet (Faster-RCNN 600)", 19.8, 30500, 6.1),
    ("Table 14", "FaceNet", 83, 1600, 7.5),
    ("Table 14", "1.0 MobileNet-160", 79.4, 286, 4.9),
    ("Table 14", "1.0 MobileNet-128", 78.3, 185, 5.5),
    ("Table 14", "0.75 MobileNet-128", 75.2, 166, 3.4),
    ("Table 14", "0.75 MobileNet-128", 72.5, 108, 3.8),
]

# TF-slim checkpoints (tensorflow/models research/slim/nets/mobilenet_v1.md):
# (α, resolution, Million MACs, Million params, top-1, top-5)
CHECKPOINTS = [
    (1.0, 224, 569, 4.24, 70.9, 89.9), (1.0, 192, 418, 4.24, 70.0, 89.2),
    (1.0, 160, 291, 4.24, 68.0, 87.7), (1.0, 128, 186, 4.24, 65.2, 85.8),
    (0.75, 224, 317, 2.59, 68.4, 88.2), (0.75, 192, 233, 2.59, 67.2, 87.3),
    (0.75, 160, 162, 2.59, 65.3, 86.0), (0.75, 128, 104, 2.59, 62.1, 83.9),
    (0.5, 224, 150, 1.34, 63.3, 84.9), (0.5, 192, 110, 1.34, 61.7, 83.6),
    (0.5, 160, 77, 1.34, 59.1, 81.9), (0.5, 128, 49, 1.34, 56.3, 79.4),
    (0.25, 224, 41, 0.47, 49.8, 74.2), (0.25, 192, 34, 0.47, 47.7, 72.3),
    (0.25, 160, 21, 0.47, 45.5, 70.3), (0.25, 128, 14, 0.47, 41.5, 66.3),
]


def test_every_paper_row_equals_the_reference() -> None:
    data = costmodel.accuracy_data()
    paper = data[(data["origin"] == "paper")
                 & data["source"].str.startswith("MobileNet v1 paper, ")]
    tables = paper["source"].str.removeprefix("MobileNet v1 paper, ")
    loaded = list(zip(tables, paper["model"], paper["value"], paper["mult_adds_m"],
                      paper["params_m"], strict=True))
    assert loaded == PAPER_ROWS


def test_every_checkpoint_equals_the_reference() -> None:
    from costmodel.literature.accuracy import checkpoints

    frame = checkpoints()
    loaded = list(zip(frame["alpha"], frame["resolution"], frame["mult_adds_m"],
                      frame["params_m"], frame["top1"], frame["top5"], strict=True))
    assert loaded == CHECKPOINTS


def test_exact_counts_sit_beside_printed_costs() -> None:
    data = costmodel.accuracy_data()
    dogs = data[(data["source"] == "MobileNet v1 paper, Table 10")
                & (data["model"] == "1.0 MobileNet-224")].iloc[0]
    assert dogs["exact_params"] == 3_308_088  # 120-class head: prints as 3.3
    assert dogs["exact_mult_adds"] == 567_839_232
    full = data[data["model"] == "Conv MobileNet"].iloc[0]
    assert full["exact_mult_adds"] == 4_867_293_184
    assert full["mult_adds_diff_m"] == pytest.approx(4866 - 4867.293184)
    other = data[data["model"] == "AlexNet"].iloc[0]
    assert other["exact_mult_adds"] is pd_na()


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_fits_report_coefficients_r2_and_leave_one_out() -> None:
    fits = {f.name: f for f in costmodel.accuracy_fits()}
    assert set(fits) == {"log_mult_adds", "log_alpha_resolution", "quadratic"}
    for f in fits.values():
        assert len(f.coefficients) == len(f.terms) and len(f.loo_residuals) == 16
        assert f.loo_max_abs == max(abs(e) for e in f.loo_residuals)
        assert f.loo_rmse == pytest.approx(math.sqrt(sum(e * e for e in f.loo_residuals) / 16))
    log_linear = fits["log_mult_adds"]
    assert 1.5 < log_linear.loo_rmse < 2.5  # the plain log-linear fit: near 2 points
    chosen = default_fit()
    assert chosen.loo_rmse == min(f.loo_rmse for f in fits.values())
    assert chosen.name == "quadratic"
    assert 0.99 < chosen.r2 <= 1


@pytest.mark.parametrize(("network", "points"), [("mobilenet_v1", 16), ("mobilenet_v2", 22),
                                                 ("mnasnet_a1", 25)])
def test_every_fitted_family_is_within_0_8_points_leave_one_out(network: str,
                                                                 points: int) -> None:
    chosen = default_fit(network)
    assert chosen.points == points
    assert chosen.loo_rmse <= 0.8
    assert chosen.loo_rmse == min(f.loo_rmse for f in costmodel.accuracy_fits(network))


@pytest.mark.parametrize("network", ["mobilenet_v1", "mobilenet_v2", "mnasnet_a1"])
def test_the_fit_uses_the_checkpoint_table_s_points(network: str) -> None:
    # the fit reads its points from the published rows directly (no DataFrame); they are the
    # rows, exact counts and top-1s of checkpoints(), in its order
    from costmodel.literature.accuracy import checkpoints
    from costmodel.literature.accuracy_model import _points

    frame = checkpoints(network)
    table = list(zip(frame["alpha"], frame["resolution"], frame["top1_fit"],
                     frame["exact_mult_adds"], frame["source"], strict=True))
    assert [(p.alpha, p.resolution, p.top1, p.mult_adds, p.source)
            for p in _points(network)] == table


def test_a_prediction_counts_only_its_fitted_points() -> None:
    # report(...).accuracy in a fresh process took 1.5 s: the exact counts of all 620
    # published rows and pandas' import, for the 16 points of MobileNet v1's fit
    import subprocess
    import sys

    code = ("import sys, costmodel\n"
            "from costmodel.literature.accuracy import _accuracy_data\n"
            "print(costmodel.report(0.95).accuracy.top1)\n"
            "print(_accuracy_data.cache_info().currsize, 'pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split("\n")
    assert float(out[0]) == costmodel.predict_accuracy(0.95).top1
    assert out[1] == "0 False"


@pytest.mark.parametrize(("a", "resolution", "top1"), [(*c[:2], c[4]) for c in CHECKPOINTS],
                         ids=[f"checkpoint-{c[0]}-{c[1]}" for c in CHECKPOINTS])
def test_prediction_at_a_checkpoint_covers_the_measurement(
    a: float, resolution: int, top1: float
) -> None:
    p = costmodel.predict_accuracy(a, resolution=resolution)
    assert p.low <= top1 <= p.high
    assert not p.extrapolated
    assert (p.nearest.alpha, p.nearest.resolution, p.nearest.top1) == (a, resolution, top1)


def test_prediction_flags_extrapolation() -> None:
    assert costmodel.predict_accuracy(1.3).extrapolated
    assert costmodel.predict_accuracy(0.5, resolution=96).extrapolated
    assert not costmodel.predict_accuracy(0.6, resolution=200).extrapolated
    r = costmodel.report(0.5, rho=0.714)
    assert r.accuracy is not None and r.accuracy.top1 == costmodel.predict_accuracy(
        0.5, rho=0.714).top1
    assert costmodel.report(variant="full").accuracy is None


@pytest.mark.parametrize("kwargs", [{"alpha": 0}, {"alpha": "x"}, {"alpha": 0.5, "rho": -1},
                                    {"alpha": 0.5, "resolution": 0}])
def test_predict_accuracy_rejects_bad_input(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="must be"):
        costmodel.predict_accuracy(**kwargs)


@pytest.mark.parametrize(("max_mult_adds", "max_params"),
                         [(150e6, None), (None, 2e6), (300e6, 3e6), (None, None)])
def test_frontier_within_budget_and_undominated(max_mult_adds: float | None,
                                                max_params: float | None) -> None:
    f = costmodel.frontier(max_mult_adds=max_mult_adds, max_params=max_params)
    assert len(f) > 0
    if max_mult_adds:
        assert (f["mult_adds"] <= max_mult_adds).all()
    if max_params:
        assert (f["params"] <= max_params).all()
    # the answer first: ranked by the low end of the top-1's interval (a measured top-1 is its
    # own interval), so a measured point within a prediction's interval comes before it
    assert list(f["low"]) == sorted(f["low"], reverse=True)
    members = f[f["on_frontier"]]
    assert len(members) >= 1
    ma, top1 = f["mult_adds"].to_numpy(), f["top1"].to_numpy()
    for _, m in members.iterrows():
        dominated = (ma <= m["mult_adds"]) & (top1 >= m["top1"]) & (
            (ma < m["mult_adds"]) | (top1 > m["top1"]))
        assert not dominated.any()
    # and every non-member is dominated by someone
    for _, m in f[~f["on_frontier"]].iterrows():
        assert ((ma <= m["mult_adds"]) & (top1 >= m["top1"])).sum() >= 2


def test_frontier_default_grid() -> None:
    f = costmodel.frontier()
    assert sorted(f["alpha"].unique()) == pytest.approx([0.25 + 0.05 * i for i in range(16)])
    assert sorted(f["resolution"].unique()) == list(range(96, 225, 8))
    row = f[(f["alpha"] == 0.5) & (f["resolution"] == 160)].iloc[0]
    assert row["mult_adds"] == 76_524_800


def test_frontier_empty_budget_gives_a_message() -> None:
    f = costmodel.frontier(max_mult_adds=1e6)
    assert f.empty
    assert "No configuration fits" in f.attrs["message"]
    assert "7,745,152" in f.attrs["message"]


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "150e6", True])
def test_frontier_rejects_bad_budget(bad: object) -> None:
    with pytest.raises(ValueError, match="max_mult_adds must be a positive"):
        costmodel.frontier(max_mult_adds=bad)  # type: ignore[arg-type]


def test_budget_curve_solves_the_closed_form() -> None:
    B = sp.Symbol("B", positive=True)
    solution = budget_rho_expr()
    assert sp.simplify(network_mult_adds().subs(rho, solution) - B) == 0
    curve = costmodel.budget_curve(150e6)
    for _, row in curve.iterrows():
        value = float(network_mult_adds().subs({alpha: row["alpha"], rho: row["rho"]}))
        assert value == pytest.approx(150e6, rel=1e-9)
        a, res = float(row["alpha"]), int(row["resolution_exact"])
        assert costmodel.report(a, resolution=res).mult_adds <= 150e6
        assert costmodel.report(a, resolution=res + 1).mult_adds > 150e6
        assert row["mult_adds_exact"] == costmodel.report(a, resolution=res).mult_adds
    at_half = curve[np.isclose(curve["alpha"], 0.5)].iloc[0]
    assert at_half["resolution_exact"] == 224  # 149,497,088 ≤ 150 M
    # the closed form 539,492,352·α²ρ² + 28,224,000·αρ² + 1,024,000·α (Table 1 summed) at
    # α = 0.5 meets 150e6 where ρ² = (150e6 − 512,000) / (134,873,088 + 14,112,000)
    expected = math.sqrt((150e6 - 1_024_000 * 0.5)
                         / (539_492_352 * 0.25 + 28_224_000 * 0.5))
    assert math.isclose(at_half["rho"], expected, rel_tol=1e-12)
