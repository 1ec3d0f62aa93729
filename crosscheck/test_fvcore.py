"""costmodel against fvcore, an independent hook-based counter, on an independent PyTorch build.

fvcore counts one multiply-accumulate per conv/linear MAC (no bias) and adds one per input
element of the average pool; that pool entry is taken out by operator name, then the totals must
agree to the unit. Parameters are counted by PyTorch itself (``numel`` of every tensor).
"""

from __future__ import annotations

import pytest
import torch
from fvcore.nn import FlopCountAnalysis
from torch_mobilenet import build

import costmodel

pytestmark = pytest.mark.crosscheck

PAPER_GRID = [(a, r) for a in (1.0, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)]
ODD = [(0.1, 224), (0.3, 97), (0.6, 135), (1.3, 33), (0.35, 1), (1.0, 300), (0.05, 64)]


def fvcore_count(
    alpha: float, resolution: int, variant: str, **kwargs: int
) -> tuple[int, int, int]:
    model = build(alpha, variant, **kwargs)
    x = torch.zeros(1, 3, resolution, resolution)
    analysis = FlopCountAnalysis(model, x)
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    by_op = analysis.by_operator()
    pool = by_op.get("adaptive_avg_pool2d", 0)
    params = sum(p.numel() for p in model.parameters())
    return int(analysis.total()), int(pool), params


@pytest.mark.parametrize(
    ("alpha", "resolution", "variant"),
    [pytest.param(a, r, "separable", id=f"paper-{a}-{r}") for a, r in PAPER_GRID]
    + [pytest.param(a, r, "separable", id=f"odd-{a}-{r}") for a, r in ODD]
    + [pytest.param(1.0, 224, "full", id="Table4-full"),
       pytest.param(1.0, 224, "shallow", id="Table5-shallow"),
       pytest.param(0.5, 131, "full", id="full-0.5-131")],
)
def test_fvcore_agrees_to_the_unit(alpha: float, resolution: int, variant: str) -> None:
    total, pool, params = fvcore_count(alpha, resolution, variant)
    r = costmodel.report(alpha, resolution=resolution, variant=variant)
    final = r.layers.iloc[-2]  # the average pool's input: out_c × in_h × in_w elements
    assert pool == final["in_c"] * final["in_h"] * final["in_w"]
    assert total - pool == r.mult_adds
    assert params == r.params


@pytest.mark.parametrize(("alpha", "resolution"), [(1.0, 32), (0.5, 32), (0.75, 64), (1.0, 33)])
def test_fvcore_agrees_on_the_cifar_table(alpha: float, resolution: int) -> None:
    total, pool, params = fvcore_count(alpha, resolution, "separable", classes=10,
                                       first_stride=1)
    r = costmodel.report(alpha, resolution=resolution,
                         network="mobilenet_v1_cifar")
    assert total - pool == r.mult_adds
    assert params == r.params
