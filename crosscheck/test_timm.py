"""timm's networks against timm's own models (timm 1.0.31), counted by fvcore.

``timm.create_model(NAME)`` builds each network from timm's own generator; fvcore counts one
multiply-accumulate per conv and linear weight use (squeeze-and-excite's 1×1 convs included).
Its ``conv`` and ``linear`` entries must equal ``report(network=NAME).mult_adds`` to the unit,
and PyTorch's parameter count must equal ``params_with_bn``, at the network's default
resolution and at two odd ones. MobileOne and RepViT are counted in their inference form:
``timm.utils.reparameterize_model`` folds their training branches and batchnorms into single
convs with biases before fvcore counts them.
"""

from __future__ import annotations

import pytest
import timm
import torch
from test_torchvision import count
from timm.utils import reparameterize_model

import costmodel
from costmodel.descriptions.builtin_networks import NETWORK_NAMES, get_network

pytestmark = pytest.mark.crosscheck

torch.set_num_threads(1)

TIMM = [name for name in NETWORK_NAMES if get_network(name).rules[0].name == "timm"]
CONVNEXTS = ["convnext_atto", "convnext_femto", "convnext_pico", "convnext_nano"]
GHOSTNETS = [("ghostnet_050", 0.5), ("ghostnet_100", 1.0), ("ghostnet_130", 1.3)]
REPARAMETERISED = [*(f"mobileone_s{i}" for i in range(5)), "repvit_m0_9"]
BLOCK_STRINGS = [name for name in TIMM if get_network(name).fixed_width
                 and name not in CONVNEXTS and name not in REPARAMETERISED]


def test_every_timm_file_model_is_checked() -> None:
    # 75 from the 29 block-string files, GhostNet 0.5, 1.0, 1.3, ConvNeXt atto ... nano,
    # MobileOne S0 ... S4 and RepViT M0.9
    assert len(BLOCK_STRINGS) == 75
    checked = (set(BLOCK_STRINGS) | {name for name, _ in GHOSTNETS} | set(CONVNEXTS)
               | set(REPARAMETERISED))
    assert checked == set(TIMM)


@pytest.mark.parametrize("network", BLOCK_STRINGS)
def test_timm_networks_equal_timm(network: str) -> None:
    model = timm.create_model(network)
    default = get_network(network).image_size
    for resolution in (default, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution


@pytest.mark.parametrize(("network", "width"), GHOSTNETS)
def test_ghostnets_equal_timm(network: str, width: float) -> None:
    model = timm.create_model(network)
    for resolution in (224, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert r.alpha == width
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution


@pytest.mark.parametrize("width", [0.35, 0.75, 1.1, 1.6])
def test_ghostnet_at_any_width_equals_timm(width: float) -> None:
    # GhostNet scales every width by make_divisible(c · width, 4): any α is timm's GhostNet
    from timm.models.ghostnet import _create_ghostnet

    model = _create_ghostnet("ghostnet_100", width=width)
    macs, params = count(model, 193)
    r = costmodel.report(width, network="ghostnet_100", resolution=193)
    assert (r.mult_adds, r.params_with_bn) == (macs, params)


@pytest.mark.parametrize("network", CONVNEXTS)
def test_convnexts_equal_timm(network: str) -> None:
    # unpadded 4×4 and 2×2 windows: 161 and 97 px drop their remainders (floor)
    model = timm.create_model(network)
    for resolution in (224, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution


@pytest.mark.parametrize("network", REPARAMETERISED)
def test_reparameterised_networks_equal_timm(network: str) -> None:
    # the inference form: every batchnorm and training branch folded into a conv's bias, no
    # normalisation left (params equals params_with_bn), fewer parameters than the training form
    trained = timm.create_model(network)
    training_params = sum(p.numel() for p in trained.parameters())
    model = reparameterize_model(trained)
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in model.modules())
    for resolution in (224, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn, r.params) == (macs, params, params), resolution
    assert r.params_with_bn < training_params
