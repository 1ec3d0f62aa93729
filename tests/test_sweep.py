"""sweep() equals report() on every point, grid and paired (issue: sweeps at memory speed)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from v1_by_hand import v1_mult_adds

import costmodel

ALPHAS = [0.01, 0.05, 0.1, 0.25, 0.26, 0.3, 0.33, 0.5, 0.55, 0.7, 0.75, 1.0, 1.37, 2.0, 4.0]
RESOLUTIONS = [1, 2, 3, 7, 31, 32, 33, 96, 97, 128, 131, 135, 160, 224, 225, 1023, 4096]


@pytest.mark.parametrize("variant", ["separable", "full", "shallow"])
def test_grid_equals_report_everywhere(variant: str) -> None:
    s = costmodel.sweep(ALPHAS, RESOLUTIONS, variant=variant)
    assert s.mult_adds.shape == (len(ALPHAS), len(RESOLUTIONS))
    assert s.mult_adds.dtype == np.int64
    for i, a in enumerate(ALPHAS):
        for j, res in enumerate(RESOLUTIONS):
            r = costmodel.report(a, resolution=res, variant=variant)
            assert s.mult_adds[i, j] == r.mult_adds, (a, res)
        assert s.params[i] == costmodel.report(a, variant=variant).params


def test_minimum_channel_cases_are_in_the_grid() -> None:
    # α whose first-layer channels round down to TF-slim's minimum of 8 (int(0.1·32) = 3,
    # int(0.26·32) = 8): the sweep must count them as Table 1 by hand does
    alphas, resolutions = [0.1, 0.26], [97, 224]
    grid = costmodel.sweep(alphas, resolutions)
    for i, a in enumerate(alphas):
        for j, size in enumerate(resolutions):
            assert grid.mult_adds[i, j] == v1_mult_adds(a, size)
    assert costmodel.report(0.1).layers.loc[0, "out_c"] == 8


@pytest.mark.parametrize("variant", ["separable", "full", "shallow"])
def test_paired_equals_grid(variant: str) -> None:
    grid = costmodel.sweep(ALPHAS, RESOLUTIONS, variant=variant)
    a = np.repeat(ALPHAS, len(RESOLUTIONS))
    r = np.tile(RESOLUTIONS, len(ALPHAS))
    paired = costmodel.sweep(a, r, variant=variant, paired=True)
    assert (paired.mult_adds == grid.mult_adds.ravel()).all()
    assert (paired.params == np.repeat(grid.params, len(RESOLUTIONS))).all()


def test_to_frame_long_form() -> None:
    frame = costmodel.sweep([0.5, 1.0], [160, 224]).to_frame()
    assert list(frame.columns) == ["alpha", "resolution", "rho", "mult_adds", "params",
                                   "params_with_bn"]
    row = frame[(frame["alpha"] == 0.5) & (frame["resolution"] == 160)].iloc[0]
    assert (row["mult_adds"], row["params"]) == (76_524_800, 1_320_648)


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(min_value=1e-3, max_value=2.0, exclude_min=True, allow_nan=False),
    res=st.integers(min_value=1, max_value=1024),
)
def test_random_configurations_equal_report(a: float, res: int) -> None:
    r = costmodel.report(a, resolution=res)
    grid = costmodel.sweep([a], [res])
    paired = costmodel.sweep([a], [res], paired=True)
    assert grid.mult_adds[0, 0] == paired.mult_adds[0] == r.mult_adds
    assert grid.params[0] == paired.params[0] == r.params


@pytest.mark.parametrize(
    ("alphas", "resolutions", "kwargs", "message"),
    [
        ([0], [224], {}, "alphas must be finite numbers in \\(0, 4\\]"),
        ([float("nan")], [224], {}, "alphas must be"),
        (["a"], [224], {}, "alphas must be"),
        ([], [224], {}, "alphas must hold at least one"),
        ([0.5], [0], {}, "resolutions must be integers in \\[1, 4096\\]"),
        ([0.5], [160.5], {}, "resolutions must be integers"),
        ([0.5, 1.0], [224], {"paired": True}, "same length"),
        ([0.5], [224], {"variant": "x"}, "variant must be one of"),
    ],
)
def test_sweep_rejects_bad_input(alphas: list, resolutions: list, kwargs: dict,
                                 message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.sweep(alphas, resolutions, **kwargs)


def test_paired_large_table_path_equals_report() -> None:
    # α up to 4 and 4096 px make the (α key × resolution) table too large: the per-level path
    a, r = [4.0, 0.5, 3.3, 0.01], [4096, 7, 4000, 1]
    paired = costmodel.sweep(a, r, paired=True)
    assert list(paired.mult_adds) == [costmodel.report(x, resolution=y).mult_adds
                                      for x, y in zip(a, r, strict=True)]


def test_channels_without_power_of_two_ratios() -> None:
    from costmodel.descriptions.network_tables import parse_network

    arch = parse_network(
        "name,kind,kernel,stride,in_channels,out_channels\n"
        "c1,conv,3,2,3,24\nd1,depthwise,3,2,24,24\np1,pointwise,1,1,24,40\n"
        "pool,avgpool,1,1,40,40\nfc,fc,1,1,40,7\n", image_size=64)
    alphas = [0.1, 0.33, 0.5, 0.77, 1.0, 1.9]
    resolutions = [1, 15, 33, 64, 97]
    grid = costmodel.sweep(alphas, resolutions, architecture=arch)
    paired = costmodel.sweep(np.repeat(alphas, 5), np.tile(resolutions, 6), paired=True,
                             architecture=arch)
    for i, x in enumerate(alphas):
        for j, y in enumerate(resolutions):
            expected = costmodel.report(x, resolution=y, architecture=arch).mult_adds
            assert grid.mult_adds[i, j] == paired.mult_adds[i * 5 + j] == expected


def test_the_hand_count_itself_matches_the_published_figures() -> None:
    # Howard et al. 2017, Table 8: 1.0 MobileNet-224, 569 M; TF-slim mobilenet_v1.md:
    # MobileNet_v1_0.5_160, 76 M (76.52 truncated) and MobileNet_v1_0.25_128, 14 M (13.57
    # rounded): the README's prints mix the two conventions (docs/reconciliation.md)
    assert round(v1_mult_adds(1.0, 224) / 1e6) == 569
    assert int(v1_mult_adds(0.5, 160) / 1e6) == 76
    assert round(v1_mult_adds(0.25, 128) / 1e6) == 14
