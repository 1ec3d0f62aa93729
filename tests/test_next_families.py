"""ShuffleNet v2, GhostNet and torchvision's MNASNet: published figures, the graph's edges and
memory. The exact counts are held against fvcore on the builders' own models in
crosscheck/; here the expected values are printed figures and hand counts."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.base.kinds import OpKind
from costmodel.core.graph import build_graph
from costmodel.hardware.memory import held_elements, resolved_inputs

# (network, printed Mult-Adds in M, printed params in M, decimals): torchvision weights
# metadata (_ops in GFLOPS = GMACs, num_params)
TORCHVISION = [
    ("shufflenet_v2_x0_5", 40, 1.366792, 0),
    ("shufflenet_v2_x1_0", 145, 2.278604, 0),
    ("shufflenet_v2_x1_5", 296, 3.503624, 0),
    ("shufflenet_v2_x2_0", 583, 7.393996, 0),
    ("mnasnet0_5", 104, 2.218512, 0),
    ("mnasnet0_75", 215, 3.170208, 0),
    ("mnasnet1_0", 314, 4.383312, 0),
    ("mnasnet1_3", 526, 6.282256, 0),
]


@pytest.mark.parametrize(("network", "mult_adds_m", "params_m", "digits"), TORCHVISION,
                         ids=[f"torchvision-weights-{row[0]}" for row in TORCHVISION])
def test_torchvision_metadata(network: str, mult_adds_m: float, params_m: float,
                              digits: int) -> None:
    r = costmodel.report(network=network)
    assert round(r.mult_adds / 1e6, digits) == mult_adds_m
    assert r.params_with_bn == round(params_m * 1e6)


def test_ghostnet_paper_widths_by_hand() -> None:
    # timm ghostnet.py at width 0.5: stem make_divisible(16·0.5, 4) = 8; the first block's
    # ghost modules (exp 16 → 8, c 16 → 8): primary 1×1 8→4 and cheap 3×3 depthwise on 4, twice
    r = costmodel.report(network="ghostnet_050", resolution=32)
    rows = r.layers.set_index("name")
    assert rows.loc["conv_stem", "out_c"] == 8
    assert rows.loc["b1.ghost1.primary", "params"] == 8 * 4
    assert rows.loc["b1.ghost1.cheap", "params"] == 9 * 4
    assert rows.loc["b1.ghost1.cheap", "mult_adds"] == 9 * 4 * 16 * 16  # 16×16 after the stem


def test_a_stride_1_shuffle_unit_by_hand() -> None:
    # ShuffleNet v2 1.0×, stage 2's second unit at 224 px (28×28, 116 channels): split in two
    # halves of 58; branch 2: 1×1 58→58, 3×3 depthwise on 58, 1×1 58→58 (Ma et al. Fig. 3c)
    r = costmodel.report(network="shufflenet_v2_x1_0")
    block = r.layers[r.layers["block"] == 2]
    assert block["mult_adds"].sum() == (58 * 58 + 9 * 58 + 58 * 58) * 28 * 28
    kinds = block.set_index("name")["kind"].to_dict()
    assert [kinds[n] for n in ("b2.split.1", "b2.cat", "b2.shuffle")] == ["split", "concat",
                                                                          "shuffle"]


def test_the_graph_has_edges_and_branches_meet() -> None:
    config = costmodel.report(network="shufflenet_v2_x1_0")
    graph = config.graph
    cat = graph.ops[graph.op_index("b2.cat")]
    assert [graph.ops[i].name for i in cat.inputs] == ["b2.split.1", "b2.pw2"]
    first = graph.ops[graph.op_index("b1.cat")]  # stride 2: both branches read the input
    assert [graph.ops[i].name for i in first.inputs] == ["b1.branch1.pw", "b1.pw2"]
    ghost = costmodel.report(network="ghostnet_100").graph
    add = ghost.ops[ghost.op_index("b2.add")]  # stride 2: a conv shortcut
    assert [ghost.ops[i].name for i in add.inputs] == ["b2.ghost2.cat", "b2.shortcut.pw"]


def test_a_branch_is_held_until_its_concat() -> None:
    r = costmodel.report(network="shufflenet_v2_x1_0")
    graph = r.graph
    from costmodel.core.counting import count_ops

    ops = count_ops(graph, r.alpha, r.resolution)
    held = dict(zip((op.name for op in ops), held_elements(graph, ops), strict=True))
    # stage 2 at 28×28: the kept half (58 channels) waits while branch 2 runs
    assert held["b2.pw1"] == 58 * 28 * 28
    assert held["b2.cat"] == 0  # the concat reads it
    inputs = resolved_inputs(graph, ops)
    assert len(inputs) == len(ops)


def test_every_new_network_is_a_dag_in_order() -> None:
    for name in ("shufflenet_v2_x2_0", "ghostnet_130", "mnasnet1_3", "mixnet_xl"):
        graph = costmodel.report(network=name).graph
        for i, op in enumerate(graph.ops):
            assert all(-1 <= j < i for j in op.inputs), op.name
            if op.kind is OpKind.CONCAT:
                assert len(op.inputs) >= 2


def test_an_add_of_different_sizes_is_refused() -> None:
    from dataclasses import replace

    from costmodel.core.graph import _check_edges

    graph = build_graph(*_config("ghostnet_100"))
    ops = list(graph.ops)
    i = graph.op_index("b2.add")
    ops[i] = replace(ops[i], inputs=(ops[i].inputs[0], 0))  # the stem's map, not b2's
    with pytest.raises(ValueError, match="joins maps of different sizes"):
        _check_edges(ops)
    ops[i] = replace(ops[i], inputs=(i + 1,))
    with pytest.raises(ValueError, match="inputs must come earlier"):
        _check_edges(ops)


def _config(name: str) -> tuple[object, ...]:
    from costmodel.descriptions.configuration import resolve

    c = resolve(network=name)
    return c.network, c.rules, c.classes


def test_ghostnet_scales_with_alpha_and_shufflenet_does_not() -> None:
    assert costmodel.report(0.75, network="ghostnet_100").mult_adds < costmodel.report(
        network="ghostnet_100").mult_adds
    with pytest.raises(ValueError, match="alpha must be 1 for ShuffleNet v2 1×"):
        costmodel.report(0.5, network="shufflenet_v2_x1_0")


PAPERS = [
    ("MobileNetV4 paper", "MNv4-Conv-M", "params_with_bn", "9.2M", "differs"),
    ("MobileNetV4 paper", "MNv4-Conv-L", "params_with_bn", "31M", "differs"),
    ("google/automl efficientnetv2", "EfficientNetV2-B0", "mult_adds", "0.72B",
     "rounds to print"),
    ("google/automl efficientnetv2", "EfficientNetV2-B3", "params_with_bn", "14.4M",
     "rounds to print"),
    ("megvii-model/ShuffleNet-Series", "ShuffleNetV2 1.0x", "mult_adds", "146M", "differs"),
    ("megvii-model/ShuffleNet-Series", "ShuffleNetV2 1.0x", "params_with_bn", "2.3M",
     "rounds to print"),
    ("THU-MIG/RepViT README.md", "RepViT M0.9", "mult_adds", "0.8G", "rounds to print"),
    ("THU-MIG/RepViT README.md", "RepViT M0.9", "params_with_bn", "5.1M", "rounds to print"),
]


@pytest.mark.parametrize(("source", "model", "quantity", "printed", "status"), PAPERS,
                         ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in PAPERS])
def test_printed_figures_beside_the_exact_count(source: str, model: str, quantity: str,
                                                printed: str, status: str) -> None:
    table = costmodel.reconciliation()
    row = table[(table["model"] == model) & (table["quantity"] == quantity)
                & table["source"].str.startswith(source)]
    assert len(row) == 1
    assert row["printed"].iloc[0] == printed
    assert row["status"].iloc[0] == status


def test_convnext_by_hand_and_its_smallest_input() -> None:
    # ConvNeXt-Atto at 224 px: the 4×4 stride-4 stem gives 56×56×40; a block is a 7×7
    # depthwise conv with bias (49·40 + 40), 1×1 40→160 and 160→40 with biases, γ (40)
    r = costmodel.report(network="convnext_atto")
    rows = r.layers.set_index("name")
    assert rows.loc["stem", "out_h"] == 56
    assert rows.loc["b1.dw", "params"] == 49 * 40 + 40
    assert rows.loc["b1.dw", "mult_adds"] == 49 * 40 * 56 * 56
    assert rows.loc["b1.gamma", "params"] == 40 and rows.loc["b1.gamma", "mult_adds"] == 0
    assert rows.loc["b1.norm", "params_with_bn"] == 80  # LayerNorm γ and β
    # unpadded windows drop the remainder: 161 px → 40 after the stem, then 20, 10, 5
    assert costmodel.report(network="convnext_atto", resolution=161).layers.set_index(
        "name").loc["stem", "out_h"] == 40
    with pytest.raises(ValueError, match="resolution must be at least 32 px"):
        costmodel.report(network="convnext_atto", resolution=31)
    with pytest.raises(ValueError, match="resolution must be at least 32 px"):
        costmodel.sweep([1.0], [31, 224], network="convnext_atto")
