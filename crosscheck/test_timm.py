"""timm's networks against timm's own models (timm 1.0.31), counted by fvcore.

``timm.create_model(NAME)`` builds each network from timm's own generator; fvcore counts one
multiply-accumulate per conv and linear weight use (squeeze-and-excite's 1×1 convs included).
Its ``conv`` and ``linear`` entries must equal ``report(network=NAME).mult_adds`` to the unit,
and PyTorch's parameter count must equal ``params_with_bn``, at the network's default
resolution and at two odd ones. MobileOne and RepViT are counted in their inference form:
``timm.utils.reparameterize_model`` folds their training branches and batchnorms into single
convs with biases before fvcore counts them. A family name (``lcnet``, ``mobilenetv2``, ...)
takes any α: timm's own generator at that channel multiplier (``_gen_lcnet("lcnet_100",
0.85)``) must equal ``report(network="lcnet", alpha=0.85)`` the same way.
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
#: The family names that take any α (``# family_name.NAME:`` lines): timm's module and
#: generator, and the base model whose name the generator is given.
FAMILIES = [
    ("lcnet", "mobilenetv3", "_gen_lcnet", "lcnet_100"),
    ("mobilenetv1", "efficientnet", "_gen_mobilenet_v1", "mobilenetv1_100"),
    ("mobilenetv2", "efficientnet", "_gen_mobilenet_v2", "mobilenetv2_100"),
    ("mobilenetv3_large", "mobilenetv3", "_gen_mobilenet_v3", "mobilenetv3_large_100"),
    ("mobilenetv3_small", "mobilenetv3", "_gen_mobilenet_v3", "mobilenetv3_small_100"),
    ("mnasnet", "efficientnet", "_gen_mnasnet_b1", "mnasnet_100"),
    ("semnasnet", "efficientnet", "_gen_mnasnet_a1", "semnasnet_100"),
    ("fbnetc", "efficientnet", "_gen_fbnetc", "fbnetc_100"),
    ("spnasnet", "efficientnet", "_gen_spnasnet", "spnasnet_100"),
    ("mobilenet_edgetpu", "efficientnet", "_gen_mobilenet_edgetpu", "mobilenet_edgetpu_100"),
]
#: odd multipliers: below MobileNet v3's fixed-stem threshold 0.75, between it and 1, and
#: above 1 (MobileNet v2's head widens: max(1280, make_divisible(1280·α, 8)))
FAMILY_WIDTHS = (0.45, 0.85, 1.3)


def test_every_timm_file_model_is_checked() -> None:
    # 75 from the 29 block-string files, their 10 family names (any α), GhostNet 0.5, 1.0,
    # 1.3, ConvNeXt atto ... nano, MobileOne S0 ... S4 and RepViT M0.9
    assert len(BLOCK_STRINGS) == 75
    assert len(FAMILIES) == 10
    checked = (set(BLOCK_STRINGS) | {name for name, *_ in FAMILIES}
               | {name for name, _ in GHOSTNETS} | set(CONVNEXTS) | set(REPARAMETERISED))
    assert checked == set(TIMM)
    # the timm networks whose widths scale with α: the family names and GhostNet
    scaling = {name for name in TIMM if not get_network(name).fixed_width}
    assert scaling == {name for name, *_ in FAMILIES} | {name for name, _ in GHOSTNETS}


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


@pytest.mark.parametrize(
    ("network", "module", "generator", "base", "width"),
    [pytest.param(*row, width, id=f"{row[0]}-{width}") for row in FAMILIES
     for width in FAMILY_WIDTHS],
)
def test_family_names_equal_timms_generator_at_any_width(network: str, module: str,
                                                         generator: str, base: str,
                                                         width: float) -> None:
    # timm's own generator at that channel multiplier, e.g. _gen_lcnet("lcnet_100", 0.85)
    build = getattr(getattr(timm.models, module), generator)
    model = build(base, channel_multiplier=width)
    for resolution in (224, 161):
        macs, params = count(model, resolution)
        r = costmodel.report(width, network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution
