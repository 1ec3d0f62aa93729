"""timm's networks against timm's own models (timm 1.0.31), counted by fvcore.

``timm.create_model(NAME)`` builds each network from timm's own generator; fvcore counts one
multiply-accumulate per conv and linear weight use (squeeze-and-excite's 1×1 convs included).
Its ``conv`` and ``linear`` entries must equal ``report(network=NAME).mult_adds`` to the unit,
and PyTorch's parameter count must equal ``params_with_bn``, at the network's default
resolution and at two odd ones.
"""

from __future__ import annotations

import pytest
import timm
import torch
from test_torchvision import count

import costmodel
from costmodel.builtin_networks import NETWORK_NAMES, get_network

pytestmark = pytest.mark.crosscheck

torch.set_num_threads(1)

TIMM = [name for name in NETWORK_NAMES if get_network(name).rules[0].name == "timm"]


def test_every_timm_file_model_is_checked() -> None:
    assert len(TIMM) == 75


@pytest.mark.parametrize("network", TIMM)
def test_timm_networks_equal_timm(network: str) -> None:
    model = timm.create_model(network)
    default = get_network(network).image_size
    for resolution in (default, 161, 97):
        macs, params = count(model, resolution)
        r = costmodel.report(network=network, resolution=resolution)
        assert (r.mult_adds, r.params_with_bn) == (macs, params), resolution
