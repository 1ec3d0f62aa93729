"""The rounding rules give the same channel counts on their scalar path (report()) and their
array path (sweep()); and the scalar path returns Python integers."""

from __future__ import annotations

import numpy as np
import pytest

from costmodel.descriptions.widths import floor_min_1, make_divisible, round_half_even, truncate

VALUES = np.concatenate([np.arange(0.0, 2000.0, 0.25),  # every quarter, halves and ties
                         np.random.default_rng(7).uniform(0.0, 5000.0, 20_000)])


@pytest.mark.parametrize("rule", [make_divisible, truncate, floor_min_1, round_half_even])
def test_scalar_and_array_paths_agree(rule: object) -> None:
    array = rule(VALUES)  # type: ignore[operator]
    scalar = [rule(float(v)) for v in VALUES]  # type: ignore[operator]
    assert all(type(v) is int for v in scalar)
    assert (np.asarray(scalar) == array).all()


def test_tf_slim_make_divisible_examples() -> None:
    # tensorflow/models research/slim/nets/mobilenet/mobilenet.py _make_divisible:
    # max(8, int(v + 4) // 8 * 8), plus 8 if that lost more than 10 %
    assert make_divisible(0.35 * 32) == 16   # 11.2 → 8, below 0.9·11.2 → 16
    assert make_divisible(0.75 * 24) == 24   # 18 → 16, below 16.2 → 24
    assert make_divisible(1.4 * 16) == 24    # 22.4 → 24
    assert truncate(0.5 * 24) == 12 and truncate(0.25 * 16) == 8
