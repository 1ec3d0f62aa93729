"""The lesson's pictures and PyTorch lines (issue 17, section 3): a block diagram for every block
type, drawn from the block's own graph, and the standard/depthwise/pointwise picture. Every
SVG parses as XML; the labels hold each operation's Mult-Adds, written here as literals worked
by hand from the papers' and builders' block shapes (the arithmetic in the comments), never
from the code under test."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

import costmodel
from costmodel.base.kinds import Role
from costmodel.presentation.block_diagram import block_diagram_svg, conv_comparison_svg
from costmodel.teaching.block_anatomy import block_anatomy
from costmodel.teaching.lesson import build_lesson, lesson_blocks

SVG = "{http://www.w3.org/2000/svg}"

# (network, block, block type, {label: hand-counted Mult-Adds}, standard conv's Mult-Adds),
# all at α = 1 and the network's own input size
CASES = [
    ("mobilenet_v1", "dw2/pw2", "separable",
     {"dw2": 1_806_336,  # 3²·64·56²
      "pw2": 25_690_112},  # 64·128·56²
     231_211_008),  # 3²·64·128·56²
    ("mobilenet_v2", "b3", "inverted_residual",
     {"expand": 10_838_016,  # 24·144·56²
      "dw": 4_064_256},  # 3²·144·56²
     16_257_024),  # 3²·24·24·56²
    ("mobilenet_v3_large", "b4", "inverted_residual",  # with squeeze-and-excite, 5×5, s2
     {"expand": 5_419_008,  # 24·72·56²
      "dw": 1_411_200,  # 5²·72·28²
      "se.reduce": 1_728,  # 72·24 on the pooled 1×1 vector
      "project": 2_257_920},  # 72·40·28²
     18_816_000),  # 5²·24·40·28²
    ("efficientnet_b0", "b2", "inverted_residual",
     {"expand": 19_267_584,  # 16·96·112²
      "dw": 2_709_504,  # 3²·96·56²
      "se.reduce": 384,  # 96·4
      "project": 7_225_344},  # 96·24·56²
     10_838_016),  # 3²·16·24·56²
    ("tf_efficientnetv2_b0", "b2", "fused",  # at its own 192 px
     {"fused": 84_934_656,  # 3²·32·128·48²
      "project": 9_437_184},  # 128·32·48²
     21_233_664),  # 3²·32·32·48²
    ("mobilenetv4_conv_medium", "b3", "universal",  # ExtraDW at its own 256 px
     {"dw_start": 737_280,  # 3²·80·32²
      "expand": 13_107_200,  # 80·160·32²
      "dw_mid": 1_474_560},  # 3²·160·32²
     58_982_400),  # 3²·80·80·32²
    ("ghostnet_100", "b2", "ghost_bottleneck",  # stride 2, with a shortcut
     {"ghost1.primary": 4_816_896,  # 16·24·112²
      "ghost1.cheap": 2_709_504,  # 3²·24·112²
      "shortcut.dw": 451_584,  # 3²·16·56²
      "shortcut.pw": 1_204_224},  # 16·24·56²
     10_838_016),  # 3²·16·24·56²
    ("shufflenet_v2_x1_0", "b1", "shuffle_unit",  # stride 2: two branches
     {"branch1.dw": 169_344,  # 3²·24·28²
      "branch1.pw": 1_091_328,  # 24·58·28²
      "pw1": 4_365_312},  # 24·58·56²
     19_643_904),  # 3²·24·116·28²
    ("shufflenet_v2_x1_0", "b2", "shuffle_unit",  # stride 1: split, one branch
     {"pw1": 2_637_376,  # 58·58·28²
      "dw": 409_248},  # 3²·58·28²
     94_945_536),  # 3²·116·116·28²
    ("mixnet_s", "b5", "inverted_residual",  # MixConv 3×3 and 5×5, grouped 1×1 convs
     {"expand.g1": 1_881_600,  # 20·120·28²
      "dw.k3": 846_720,  # 3²·120·28²
      "dw.k5": 2_352_000},  # 5²·120·28²
     11_289_600),  # 5²·40·40·28²
    ("convnext_atto", "b1", "convnext_block",
     {"dw": 6_146_560,  # 7²·40·56²
      "fc1": 20_070_400},  # 40·160·56²
     245_862_400),  # 7²·40·40·56²
    ("repvit_m0_9", "b4", "repvit_block",  # the downsampling block: dw at s2, then 1×1 48→96
     {"dw": 338_688,  # 3²·48·28²
      "pw": 3_612_672,  # 48·96·28²
      "fc1": 14_450_688},  # 96·192·28²
     32_514_048),  # 3²·48·96·28²
    ("lcnet_150", "dw13/pw13", "separable",  # a separable pair with squeeze-and-excite
     {"dw13": 940_800,  # 5²·768·7²
      "se.reduce": 147_456,  # 768·192
      "pw13": 28_901_376},  # 768·768·7²
     722_534_400),  # 5²·768·768·7²
]


def _svg(network: str, block: str) -> tuple[str, ET.Element]:
    lesson = build_lesson(block, network=network)
    svg = block_diagram_svg(lesson.anatomy)
    return svg, ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _box(texts: list[str], root: ET.Element, head: str) -> list[str]:
    """The lines of the operation box whose first line starts with ``head``."""
    out = []
    for group in root.iter(f"{SVG}g"):
        lines = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
        if lines and (lines[0] == head or lines[0].startswith(head + " · ")):
            out = lines
    assert out, (head, texts)
    return out


@pytest.mark.parametrize(("network", "block", "operator", "costs", "standard"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_block_diagram_labels_each_operation_with_its_hand_counted_cost(
        network: str, block: str, operator: str, costs: dict[str, int],
        standard: int) -> None:
    _, root = _svg(network, block)
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 ")
    width = float(root.get("width", "0"))
    assert 300 <= width <= 600, width  # scales to a phone's width without a scroll bar
    texts = _texts(root)
    assert texts[0].startswith(f"{block}: ")
    assert build_lesson(block, network=network).anatomy.operator.value == operator
    for name, mult_adds in costs.items():
        assert f"{mult_adds:,} Mult-Adds" in _box(texts, root, name), name
    assert f"{standard:,} Mult-Adds" in _box(texts, root, "standard conv")


def test_block_diagram_tensors_are_boxes_with_their_shapes() -> None:
    # MobileNet v2's b3 at α = 1, 224 px (Sandler et al. 2018, Table 2: 24 channels at 56²,
    # t = 6): input, expansion, depthwise, projection, add
    _, root = _svg("mobilenet_v2", "b3")
    texts = _texts(root)
    for shape in ("input 24×56×56", "144×56×56", "24×56×56", "output 24×56×56"):
        assert shape in texts, shape
    assert "3,456 params" in _box(texts, root, "expand")  # 24·144
    assert "1,296 params" in _box(texts, root, "dw")  # 3²·144
    # at α = 0.5 and 160 px: make_divisible(12, 8) = 16 channels at 40²; t = 6 gives 96
    half = build_lesson("b3", network="mobilenet_v2", alpha=0.5, resolution=160)
    half_texts = _texts(ET.fromstring(block_diagram_svg(half.anatomy)))
    assert "input 16×40×40" in half_texts and "96×40×40" in half_texts
    assert "2,457,600 Mult-Adds" in half_texts  # the expansion: 16·96·40²


def _polylines(root: ET.Element) -> int:
    return sum(1 for p in root.iter(f"{SVG}polyline") if p.get("marker-end"))


@pytest.mark.parametrize(("network", "block", "edges"), [
    # input→branch1.dw→branch1.pw, input→pw1→dw→pw2, both→cat, cat→shuffle: 8
    ("shufflenet_v2_x1_0", "b1", 8),
    # input→split.1, input→split.2→pw1→dw→pw2, split.1 and pw2→cat, cat→shuffle: 8
    ("shufflenet_v2_x1_0", "b2", 8),
    # ghost1 (primary, cheap, cat: 4), dw, ghost2 (4), shortcut dw and pw (2), add (2): 13
    ("ghostnet_100", "b2", 13),
    # expand, dw, SE (pool, reduce, expand: 3), scale (2), project: 8
    ("mobilenet_v3_large", "b4", 8),
    # expand, dw, project, add (2): 5
    ("mobilenet_v2", "b3", 5),
])
def test_every_edge_of_the_graph_is_an_arrow(network: str, block: str, edges: int) -> None:
    _, root = _svg(network, block)
    assert _polylines(root) == edges + 1  # and the standard conv's own arrow


def _x(root: ET.Element, head: str) -> float:
    for group in root.iter(f"{SVG}g"):
        texts = list(group.iter(f"{SVG}text"))
        if texts and "".join(texts[0].itertext()).split(" · ")[0] == head:
            return float(texts[0].get("x", "nan"))
    raise AssertionError(head)


def test_branches_are_drawn_beside_the_main_path() -> None:
    _, se = _svg("mobilenet_v3_large", "b4")
    assert _x(se, "se.pool") > _x(se, "dw") == _x(se, "se.scale") == _x(se, "project")
    _, ghost = _svg("ghostnet_100", "b2")
    assert _x(ghost, "shortcut.dw") < _x(ghost, "ghost1.primary") < _x(ghost, "ghost1.cheap")
    _, shuffle = _svg("shufflenet_v2_x1_0", "b1")
    assert _x(shuffle, "branch1.dw") == _x(shuffle, "branch1.pw") < _x(shuffle, "pw1")
    _, mixed = _svg("mixnet_s", "b5")
    assert _x(mixed, "dw.k3") < _x(mixed, "dw.k5")
    assert _x(mixed, "expand.g1") < _x(mixed, "expand.g2")


def test_the_anatomy_has_the_graphs_edges() -> None:
    # ShuffleNet v2 stride-1 unit (Ma et al. 2018, Fig. 3c): split, branch, concat, shuffle
    anatomy = build_lesson("b2", network="shufflenet_v2_x1_0").anatomy
    assert [(op.short, op.inputs) for op in anatomy.ops] == [
        ("split.1", (-1,)), ("split.2", (-1,)), ("pw1", (1,)), ("dw", (2,)), ("pw2", (3,)),
        ("cat", (0, 4)), ("shuffle", (5,))]
    # GhostNet's stride-2 bottleneck (Han et al. 2020, Fig. 3): the shortcut reads the input
    ghost = build_lesson("b2", network="ghostnet_100").anatomy
    inputs = {op.short: op.inputs for op in ghost.ops}
    names = [op.short for op in ghost.ops]
    assert inputs["shortcut.dw"] == (-1,)
    assert inputs["add"] == (names.index("ghost2.cat"), names.index("shortcut.pw"))
    # squeeze-and-excite's scale reads the depthwise output and the gate
    se = build_lesson("b4", network="mobilenet_v3_large").anatomy
    inputs = {op.short: op.inputs for op in se.ops}
    names = [op.short for op in se.ops]
    assert inputs["se.scale"] == (names.index("dw"), names.index("se.expand"))


def test_a_block_without_its_expansion_at_this_alpha_passes_its_input_on() -> None:
    # torchvision's MobileNet v3 builds the expansion conv where the inner width differs from
    # the input's: at α = 0.1, b2's 16 → 64 becomes 8 → make_divisible(6.4, 8) = 8, so there
    # is none and the depthwise conv reads the block's input (8 channels at 112²)
    anatomy = build_lesson("b2", network="mobilenet_v3_large", alpha=0.1,
                           rules="torchvision").anatomy
    assert [(op.short, op.inputs) for op in anatomy.ops] == [("dw", (-1,)),
                                                             ("project", (0,))]
    # 3²·8·56² at stride 2, and 8·8·56² (24·0.1 rounds up to 8)
    assert [op.mult_adds for op in anatomy.ops] == [225_792, 200_704]
    assert ET.fromstring(block_diagram_svg(anatomy)) is not None
    # v2's first block has t = 1 and no expansion conv at any α: 3²·32·112², 32·16·112²
    first = build_lesson("b1", network="mobilenet_v2").anatomy
    assert [(op.short, op.inputs, op.mult_adds) for op in first.ops] == [
        ("dw", (-1,), 3_612_672), ("project", (0,), 6_422_528)]


#: a network for each block type the lesson draws
ONE_PER_TYPE = ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0",
                "tf_efficientnetv2_b0", "mobilenetv4_conv_medium", "ghostnet_100",
                "shufflenet_v2_x1_0", "mixnet_s", "convnext_atto", "repvit_m0_9"]


@pytest.mark.parametrize("network", ONE_PER_TYPE)
def test_every_block_of_every_type_draws(network: str) -> None:
    graph = costmodel.report(network=network).graph
    names = lesson_blocks(network)
    assert names == tuple(b.name for b in graph.blocks)
    for alpha, size in ((1.0, graph.network.image_size), (0.5, 161)):
        for name in names:
            anatomy = block_anatomy(graph, name, alpha, size)
            root = ET.fromstring(block_diagram_svg(anatomy))
            text = " ".join(_texts(root))
            assert f"{anatomy.standard.mult_adds:,} Mult-Adds" in text
            assert f"The block: {anatomy.mult_adds:,} Mult-Adds" in text
            assert _polylines(root) == sum(len(op.inputs) for op in anatomy.ops) + 1


def test_user_text_is_escaped() -> None:
    anatomy = build_lesson("b3", network="mobilenet_v2").anatomy
    hostile = '<script>alert("x")</script> & </svg>'
    ops = (dataclasses.replace(anatomy.ops[0], short=hostile, label=hostile),
           *anatomy.ops[1:])
    svg = block_diagram_svg(dataclasses.replace(anatomy, network=hostile, block=hostile,
                                                ops=ops))
    root = ET.fromstring(svg)  # still one well-formed document
    assert "<script>" not in svg and hostile in " ".join(_texts(root))


def test_pytorch_lines_of_a_mobilenet_v2_block() -> None:
    # MobileNet v2's b3 (stride 1) and b4 (stride 2) at α = 1, 224 px, as torchvision builds
    # them (bias=False: batchnorm follows): the standard 3×3 conv in b3's place, then its
    # expansion, depthwise conv and projection
    b3 = build_lesson("b3", network="mobilenet_v2")
    lines = [line for step in b3.steps for line in step.pytorch]
    assert lines[:4] == [
        "nn.Conv2d(24, 24, 3, stride=1, padding=1, bias=False)  # 24×56×56 → 24×56×56",
        "nn.Conv2d(24, 144, 1, stride=1, padding=0, bias=False)  # 24×56×56 → 144×56×56",
        "nn.Conv2d(144, 144, 3, stride=1, padding=1, groups=144, bias=False)  "
        "# 144×56×56 → 144×56×56",
        "nn.Conv2d(144, 24, 1, stride=1, padding=0, bias=False)  # 144×56×56 → 24×56×56",
    ]
    assert [op.pytorch for op in b3.anatomy.ops][-1] == "project + x  # 24×56×56"
    b4 = build_lesson("b4", network="mobilenet_v2")
    assert b4.steps[2].pytorch == (
        "nn.Conv2d(144, 144, 3, stride=2, padding=1, groups=144, bias=False)  "
        "# 144×56×56 → 144×28×28",)
    # the standard conv of MobileNet v1's dw2/pw2, the lesson's first step
    v1 = build_lesson(network="mobilenet_v1")
    assert v1.steps[0].pytorch == (
        "nn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False)  # 64×112×112 → 128×56×56",)
    # squeeze-and-excite's convs have a bias; MixConv's groups are convs of their own
    se = build_lesson("b4", network="mobilenet_v3_large").anatomy
    assert next(op.pytorch for op in se.ops if op.short == "se.reduce") == (
        "nn.Conv2d(72, 24, 1, stride=1, padding=0, bias=True)  # 72×1×1 → 24×1×1")
    mixed = build_lesson("b5", network="mixnet_s").anatomy
    assert next(op.pytorch for op in mixed.ops if op.short == "dw.k5") == (
        "nn.Conv2d(120, 120, 5, stride=1, padding=2, groups=120, bias=False)  "
        "# 120×28×28 → 120×28×28")


def test_conv_comparison_picture_with_the_layers_numbers() -> None:
    # dw2/pw2 of MobileNet v1 (Howard et al. 2017, Table 1) at α = 1, 224 px
    comparison = build_lesson(network="mobilenet_v1").anatomy.comparison
    assert (comparison.standard_mult_adds, comparison.depthwise_mult_adds,
            comparison.pointwise_mult_adds) == (231_211_008, 1_806_336, 25_690_112)
    assert (comparison.standard_params, comparison.depthwise_params,
            comparison.pointwise_params) == (73_728, 576, 8_192)  # 9·64·128, 9·64, 64·128
    assert comparison.ratio == pytest.approx(1 / 128 + 1 / 9)  # eq. 5
    svg = conv_comparison_svg(comparison)
    root = ET.fromstring(svg)
    text = " ".join(_texts(root))
    for literal in ("231,211,008 Mult-Adds", "1,806,336 Mult-Adds", "25,690,112 Mult-Adds",
                    "64×112×112", "64×56×56", "128×56×56", "128 filters of", "3×3×64",
                    "64 filters of 3×3×1,", "1×1×64", "0.1189"):
        assert literal in text, literal
    assert float(root.get("width", "0")) <= 460
    # the kernel cubes and channel slabs: three rows of polygons, coloured per channel group
    assert len(list(root.iter(f"{SVG}polygon"))) > 30
    titles = [t for t in _texts(root) if t in ("Standard conv", "Depthwise conv",
                                               "Pointwise (1×1) conv")]
    assert titles == ["Standard conv", "Depthwise conv", "Pointwise (1×1) conv"]


def test_diagram_numbers_agree_with_the_report() -> None:
    # the labels are the report's own per-layer counts (the same counter)
    r = costmodel.report(network="ghostnet_100")
    layers = r.layers.set_index("name")
    _, root = _svg("ghostnet_100", "b2")
    text = " ".join(_texts(root))
    for name in ("b2.ghost1.primary", "b2.dw", "b2.shortcut.pw"):
        assert f"{int(layers.loc[name, 'mult_adds']):,} Mult-Adds" in text
        assert f"{int(layers.loc[name, 'params']):,} params" in text
    assert re.search(r"The block: 12,681,984 Mult-Adds", text)  # the lesson's own total


def _width(svg: str) -> float:
    return float(ET.fromstring(svg).attrib["width"])


@pytest.mark.parametrize("network", [*(n for n in ONE_PER_TYPE if n != "mixnet_s"),
                                     "lcnet_150"])
def test_the_phone_pictures_keep_their_text_legible(network: str) -> None:
    # issue 17, section 5 (every screen): the lesson's pictures, 440-480 px wide, were shrunk
    # to a 390-px screen's ~358-px column, their 11-px text to ~8 px. The phone layout puts the
    # standard conv under the block and wraps the text narrower; the same drawing and numbers.
    # Text of at least 10 px on that column: at most 11·358/10 = 393 px wide (the three
    # convolutions' slabs grow with log₂ of the channels: up to 414 px, 9.5 px, for the
    # widest layers). Wider still, left as they are: MixNet's mixed kernels, drawn side by
    # side (not here), and a ghost bottleneck with a conv shortcut (stride 2, or other widths),
    # whose depthwise + 1×1 shortcut runs beside its two ghost modules and their cheap
    # operations (516-549 px, 7.2 px text)
    column = 358
    graph = costmodel.report(network=network).graph
    for name in lesson_blocks(network):
        anatomy = block_anatomy(graph, name, 1.0, graph.network.image_size)
        desktop, phone = block_diagram_svg(anatomy), block_diagram_svg(anatomy, phone=True)
        if any(op.role is Role.SHORTCUT for op in anatomy.ops) and any(
                op.role is Role.CHEAP for op in anatomy.ops):
            assert _width(phone) <= _width(desktop) <= 560, (name, _width(phone))
        else:
            assert 11 * column / _width(phone) >= 10, (network, name, _width(phone))
        # the same words (wrapped at other places)
        assert sorted(" ".join(_texts(ET.fromstring(phone))).split()) == sorted(
            " ".join(_texts(ET.fromstring(desktop))).split())
        convs = conv_comparison_svg(anatomy.comparison, phone=True)
        assert 11 * column / _width(convs) >= 9.5, (network, name, _width(convs))
        assert _width(convs) <= _width(conv_comparison_svg(anatomy.comparison))
        assert f"{anatomy.comparison.standard_mult_adds:,} Mult-Adds" in " ".join(
            _texts(ET.fromstring(convs)))
