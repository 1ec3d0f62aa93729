"""A latency budget on a device profile (issue 16, section 4): frontier(max_latency_ms=...,
profile=...), the CLI and the dashboard; each answer says what the estimate assumes and its
error on that device."""

from __future__ import annotations

import math

import numpy as np
import pytest

import costmodel
from costmodel.hardware.latency import total_seconds
from costmodel.presentation.cli import main

NETWORKS = ["mobilenet_v1", "mobilenet_v2", "mnasnet_a1"]


def test_every_row_fits_the_latency_budget_and_the_frontier_is_by_latency() -> None:
    f = costmodel.frontier(max_latency_ms=25, profile="pixel1", networks=NETWORKS)
    assert not f.empty and (f["latency_ms"] <= 25).all()
    # the first row is the answer: the highest low end of the top-1 interval
    assert f["low"].iloc[0] == f["low"].max()
    on = f[f["on_frontier"]]
    for row in on.itertuples():  # nothing is faster and at least as accurate, one strictly
        better = f[(f["latency_ms"] <= row.latency_ms) & (f["top1"] >= row.top1)
                   & ((f["latency_ms"] < row.latency_ms) | (f["top1"] > row.top1))]
        assert better.empty
    message = f.attrs["message"]
    assert "within 25 ms on pixel1" in message and "batch 1" in message
    assert "mean error" in message  # the profile's error, said with the answer


def test_the_latency_column_is_the_latency_model_of_that_configuration() -> None:
    f = costmodel.frontier(max_latency_ms=40, profile="pixel1", networks=["mobilenet_v1"])
    row = f.iloc[0]
    r = costmodel.report(float(row["alpha"]), resolution=int(row["resolution"]))
    expected = total_seconds(r.graph, r.alpha, r.resolution,
                             costmodel.get_profile("pixel1")) * 1e3
    assert math.isclose(float(row["latency_ms"]), expected, rel_tol=1e-12)
    assert math.isclose(float(row["latency_ms"]), r.latency("pixel1").total_ms, rel_tol=1e-9)


def test_a_tighter_budget_gives_a_subset() -> None:
    loose = costmodel.frontier(max_latency_ms=40, networks=NETWORKS)
    tight = costmodel.frontier(max_latency_ms=20, networks=NETWORKS)
    keys = {tuple(r) for r in loose[["network", "alpha", "resolution"]].to_numpy()}
    assert {tuple(r) for r in tight[["network", "alpha", "resolution"]].to_numpy()} < keys


def test_nothing_fits_says_the_fastest_candidate() -> None:
    f = costmodel.frontier(max_latency_ms=0.01, networks=["mobilenet_v1"])
    assert f.empty
    assert "No configuration fits 0.01 ms on pixel1: the fastest candidate" in f.attrs["message"]


@pytest.mark.parametrize("value", [0, -1.0, math.inf, math.nan, "10", True, 4e6])
def test_a_bad_latency_budget_is_refused_naming_the_range(value: object) -> None:
    with pytest.raises(ValueError, match=r"max_latency_ms must be a number of milliseconds in "
                                         r"\(0, 3,600,000\]"):
        costmodel.frontier(max_latency_ms=value, networks=["mobilenet_v1"])


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile must be one of"):
        costmodel.frontier(max_latency_ms=10, profile="no-such-phone")


def test_without_a_latency_budget_the_frontier_is_unchanged() -> None:
    from costmodel.literature import budget

    a = costmodel.frontier(max_mult_adds=300e6, networks=NETWORKS)
    b = budget.frontier(max_mult_adds=300e6, networks=NETWORKS)
    assert "latency_ms" not in a.columns and a.equals(b)


def test_cli_latency_budget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frontier", "--max-latency-ms", "25", "--networks",
                 "mobilenet_v1,mobilenet_v2,mnasnet_a1", "--profile", "pixel1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Best: ") and "on pixel1 (estimate)" in out.splitlines()[0]
    assert "latency_ms" in out
    assert main(["frontier", "--max-latency-ms", "-3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max_latency_ms must be" in err


def test_latencies_are_positive_and_finite() -> None:
    f = costmodel.frontier(profile="pixel1", networks=NETWORKS)  # a profile, no budget
    values = f["latency_ms"].to_numpy(dtype=np.float64)
    assert np.isfinite(values).all() and (values > 0).all()
