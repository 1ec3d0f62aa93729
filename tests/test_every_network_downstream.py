"""Everything downstream reaches every network: the lesson's block list comes from the graph (depth
multiplier included), its diagrams draw, the selector groups every network by family, the chart
draws every family."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

import costmodel
from costmodel.descriptions.builtin_networks import NETWORK_NAMES
from costmodel.presentation.block_diagram import block_diagram_svg, conv_comparison_svg
from costmodel.teaching.lesson import explains, lesson_blocks


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
    from costmodel.descriptions.builtin_networks import FAMILY, NETWORK_NAMES
    from costmodel.presentation.dashboard_state import network_choices, network_label

    choices = network_choices()
    assert sorted(choices) == sorted(NETWORK_NAMES)
    families = [FAMILY[name] for name in choices]
    # each family is one run: once left, never seen again
    runs = [f for i, f in enumerate(families) if i == 0 or families[i - 1] != f]
    assert len(runs) == len(set(families))
    assert choices[0] == "mobilenet_v1"
    assert network_label("mobilenet_v1") == "MobileNet v1 (mobilenet_v1)"
    assert network_label("mnasnet1_0") == "MNASNet 1.0 (mnasnet1_0)"
    assert network_label("lcnet_050") == "LCNet · lcnet_050"


def test_the_accuracy_chart_draws_every_family_with_top1() -> None:
    from costmodel.presentation import plots

    traces = {t["name"]: t for t in plots._accuracy_traces()}
    lcnet = traces["LCNet (published)"]
    # timm results-imagenet.csv @aa4b5850: lcnet_050/075/100.ra2_in1k at 224 px, top-1 63.138,
    # 68.786, 72.130; timm prints no cost, so the point sits at the exact count: lcnet_100 at
    # 224 px is 155,700,480 Mult-Adds (fvcore on timm.create_model("lcnet_100"), crosscheck/)
    timm = [(x, y, text) for x, y, text in zip(lcnet["x"], lcnet["y"], lcnet["text"],
                                                strict=True) if "(timm results" in text]
    assert sorted(y for _, y, _ in timm) == [63.138, 68.786, 72.130]
    assert 155.7004 < max(x for x, _, _ in timm) < 155.7005
    assert all("exact count" in text for _, _, text in timm)
    # PaddleClas's own table prints its FLOPs: PPLCNet_x1_0 at 161 M, top-1 71.32
    assert (161.0, 71.32) in zip(lcnet["x"], lcnet["y"], strict=True)
    for family in ("ConvNeXt", "MobileNetV4", "MixNet", "GhostNet", "ShuffleNet v2"):
        assert f"{family} (published)" in traces


# --- every view of the library, on every network ------------------------------------------


@pytest.mark.parametrize("network", NETWORK_NAMES)
def test_everything_downstream_works_on_every_network(network: str) -> None:
    """layers, by_type, memory, latency, derive, the lesson, the exercises and the text
    renderings answer for every built-in network, with numbers that add up."""
    from costmodel.teaching.exercises import exercise_kinds, grade, make_exercise
    from costmodel.teaching.lesson import build_lesson, lesson_blocks

    r = costmodel.report(network=network)
    layers = r.layers
    assert int(layers["mult_adds"].sum()) == r.mult_adds
    assert int(layers["params"].sum()) == r.params
    assert int(r.by_type["mult_adds"].sum()) == r.mult_adds
    assert int(r.by_type["params"].sum()) == r.params
    memory = r.memory()
    assert memory.weights_bytes == 4 * r.params and memory.peak_activation_bytes > 0
    latency = r.latency()
    assert math.isfinite(latency.total_ms) and latency.total_ms > 0
    for name in layers.loc[layers["mult_adds"] > 0, "name"].iloc[[0, -1]]:
        step = costmodel.derive(name, network=network)
        assert step.mult_adds == int(layers.set_index("name").loc[name, "mult_adds"])
    blocks = lesson_blocks(network)
    if blocks:
        lesson = build_lesson(network=network)
        assert lesson.steps and all(step.check is not None for step in lesson.steps)
        ET.fromstring(block_diagram_svg(lesson.anatomy))  # the diagram is well-formed XML
        ET.fromstring(conv_comparison_svg(lesson.anatomy.comparison))
    for kind, why_not in exercise_kinds(network=network).items():
        if not why_not:
            exercise = make_exercise(7, kind=kind, network=network)
            assert grade(exercise, str(exercise.answer)).correct
    assert f"{r.mult_adds:,}" in str(r) and r.to_markdown() and r._repr_html_()
    from costmodel.presentation.cli import main

    assert main(["report", "--network", network, "--format", "json"]) == 0
    assert main(["layers", "--network", network, "--format", "csv"]) == 0


def test_a_windowed_average_pool_row() -> None:
    table = (b"# classes: 10\noperator,c,k,s\nconv,16,3,2\nwindow_avgpool,,3,2\npool,,,\n"
             b"classifier,classes,,\n")
    r = costmodel.report(network=costmodel.load_network(table), resolution=32)
    row = r.layers.set_index("name").loc["window_avgpool"]
    # 32 px → conv s2 → 16×16×16 → 3×3 average at stride 2 ('SAME') → 8×8×16: 9 additions per
    # output element, 9·8·8·16 = 9,216; no weights, no Mult-Adds
    assert (row["op"], row["out_h"], row["out_c"]) == ("window_avgpool", 8, 16)
    assert (row["mult_adds"], row["params"], row["elementwise"]) == (0, 0, 9 * 8 * 8 * 16)
    assert r.mult_adds == 3 * 3 * 3 * 16 * 16 * 16 + 16 * 10


def test_the_budget_message_lists_a_few_unranked_names_and_counts_the_rest() -> None:
    from costmodel.presentation.dashboard_state import BUDGET_NETWORKS

    assert "lcnet" not in BUDGET_NETWORKS and "lcnet_050" in BUDGET_NETWORKS
    # no published ImageNet top-1 in data/ for any of these ten
    # (lcnet_035 and lcnet_150 have PaddleClas's own top-1 now)
    names = ["ghostnet_050", "ghostnet_130", "mnasnet_050", "mnasnet_075", "mnasnet_140",
             "mobilenet_edgetpu_100", "mobilenetv2_035", "mobilenetv2_075", "semnasnet_050",
             "semnasnet_140"]
    frame = costmodel.frontier(max_mult_adds=150e6, networks=["mobilenet_v1", *names])
    assert "10 networks with no published ImageNet top-1 are not ranked: " in (
        frame.attrs["message"])
    unranked = names
    assert f"{', '.join(unranked[:8])} and {len(unranked) - 8} more" in frame.attrs["message"]
