"""The lesson's block list comes from the network's own graph, depth multiplier included."""

from __future__ import annotations

import math

import pytest

import costmodel
from costmodel.lesson import explains, lesson_blocks


def test_efficientnet_b3_lesson_offers_all_26_blocks() -> None:
    # TPU repository efficientnet_builder.py: B3 has depth 1.4; blocks repeat ceil(1.4·n) over
    # n = 1, 2, 2, 3, 3, 4, 1 (Tan & Le 2019, Table 1) = 2 + 3 + 3 + 5 + 5 + 6 + 2 = 26
    assert sum(math.ceil(1.4 * n) for n in (1, 2, 2, 3, 3, 4, 1)) == 26
    assert len(lesson_blocks("efficientnet_b3")) == 26


@pytest.mark.parametrize("network", ["efficientnet_b1", "efficientnet_b2", "mobilenet_v2",
                                     "mnasnet_a1", "ghostnet_100", "tf_mixnet_s"])
def test_lesson_blocks_are_the_graphs_explained_blocks(network: str) -> None:
    graph = costmodel.report(network=network).graph
    assert lesson_blocks(network) == tuple(b.name for b in graph.blocks if explains(graph, b))


def test_the_selector_groups_networks_by_family_and_names_them() -> None:
    from costmodel.builtin_networks import FAMILY, NETWORK_NAMES
    from costmodel.dashboard_state import network_choices, network_label

    choices = network_choices()
    assert sorted(choices) == sorted(NETWORK_NAMES)
    families = [FAMILY[name] for name in choices]
    # each family is one run: once left, never seen again
    runs = [f for i, f in enumerate(families) if i == 0 or families[i - 1] != f]
    assert len(runs) == len(set(families))
    assert choices[0] == "mobilenet_v1"
    assert network_label("mobilenet_v1") == "MobileNet v1 · MobileNet v1 (mobilenet_v1)"
    assert network_label("lcnet_050") == "LCNet · lcnet_050"
