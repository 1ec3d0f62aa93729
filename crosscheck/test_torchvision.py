"""costmodel's torchvision rules against torchvision's own builders, counted by fvcore.

torchvision builds each network from its own code (mobilenetv2.py, mobilenetv3.py,
efficientnet.py); fvcore counts one multiply-accumulate per conv and linear weight use. Its
``conv`` and ``linear`` entries (squeeze-and-excite's 1×1 convs included) must equal
``report(..., rules="torchvision").mult_adds`` to the unit, and PyTorch's own parameter count
(batchnorm γ and β included) must equal ``params_with_bn``.
"""

from __future__ import annotations

import pytest
import torch
import torchvision
from fvcore.nn import FlopCountAnalysis
from torchvision.models import efficientnet as tv_efficientnet

import costmodel

pytestmark = pytest.mark.crosscheck

torch.set_num_threads(1)


def count(model: torch.nn.Module, resolution: int) -> tuple[int, int]:
    """(fvcore's conv + linear multiply-accumulates, PyTorch's parameter count)."""
    model.eval()
    with torch.no_grad():
        analysis = FlopCountAnalysis(model, torch.zeros(1, 3, resolution, resolution))
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        by_operator = analysis.by_operator()
    macs = int(by_operator.get("conv", 0)) + int(by_operator.get("linear", 0))
    return macs, sum(p.numel() for p in model.parameters())


MOBILENETS = [
    ("mobilenet_v2", torchvision.models.mobilenet_v2, width, size)
    for width in (0.35, 0.5, 0.75, 1.0, 1.4) for size in (224, 193, 97)
] + [
    ("mobilenet_v3_large", torchvision.models.mobilenet_v3_large, width, size)
    for width in (0.35, 0.75, 1.0, 1.25) for size in (224, 193)
] + [
    ("mobilenet_v3_small", torchvision.models.mobilenet_v3_small, width, size)
    for width in (0.42, 0.75, 1.0) for size in (224, 161)
]


@pytest.mark.parametrize(
    ("network", "builder", "width", "resolution"),
    [pytest.param(*row, id=f"{row[0]}-{row[2]}-{row[3]}") for row in MOBILENETS],
)
def test_mobilenets_equal_torchvision(network: str, builder: object, width: float,
                                      resolution: int) -> None:
    model = builder(width_mult=width)  # type: ignore[operator]
    macs, params = count(model, resolution)
    r = costmodel.report(width, resolution=resolution, network=network, rules="torchvision")
    assert macs == r.mult_adds
    assert params == r.params_with_bn


EFFICIENTNETS = [
    ("efficientnet_b0", torchvision.models.efficientnet_b0, 224),
    ("efficientnet_b1", torchvision.models.efficientnet_b1, 240),
    ("efficientnet_b2", torchvision.models.efficientnet_b2, 260),
    ("efficientnet_b2", torchvision.models.efficientnet_b2, 288),
    ("efficientnet_b3", torchvision.models.efficientnet_b3, 300),
    ("efficientnet_b0", torchvision.models.efficientnet_b0, 193),
    ("efficientnet_b3", torchvision.models.efficientnet_b3, 157),
]


@pytest.mark.parametrize(
    ("network", "builder", "resolution"),
    [pytest.param(*row, id=f"{row[0]}-{row[2]}") for row in EFFICIENTNETS],
)
def test_efficientnets_equal_torchvision(network: str, builder: object,
                                         resolution: int) -> None:
    macs, params = count(builder(), resolution)  # type: ignore[operator]
    r = costmodel.report(resolution=resolution, network=network, rules="torchvision")
    assert macs == r.mult_adds
    assert params == r.params_with_bn


@pytest.mark.parametrize(("width", "depth", "resolution"), [(0.7, 1.3, 211), (1.5, 0.8, 129)])
def test_efficientnet_off_preset_equals_torchvision(width: float, depth: float,
                                                    resolution: int) -> None:
    settings, last_channel = tv_efficientnet._efficientnet_conf(
        "efficientnet_b0", width_mult=width, depth_mult=depth)
    model = tv_efficientnet.EfficientNet(settings, 0.2, last_channel=last_channel)
    macs, params = count(model, resolution)
    r = costmodel.report(width, resolution=resolution, depth=depth, network="efficientnet_b0",
                         rules="torchvision")
    assert macs == r.mult_adds
    assert params == r.params_with_bn


SHUFFLENETS = ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
               "shufflenet_v2_x2_0"]


@pytest.mark.parametrize("network", SHUFFLENETS)
def test_shufflenets_equal_torchvision(network: str) -> None:
    model = getattr(torchvision.models, network)()
    for resolution in (224, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution


MNASNETS = [("mnasnet0_5", 0.5), ("mnasnet0_75", 0.75), ("mnasnet1_0", 1.0), ("mnasnet1_3", 1.3)]


@pytest.mark.parametrize(("network", "width"), MNASNETS)
def test_mnasnets_equal_torchvision(network: str, width: float) -> None:
    model = getattr(torchvision.models, network)()
    for resolution in (224, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert r.alpha == width
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution


@pytest.mark.parametrize("width", [0.35, 0.6, 1.1, 1.75])
def test_mnasnet_at_any_width_equals_torchvision(width: float) -> None:
    macs, params = count(torchvision.models.MNASNet(width), 193)
    r = costmodel.report(width, network="mnasnet1_0", resolution=193)
    assert (r.mult_adds, r.params_with_bn) == (macs, params)
