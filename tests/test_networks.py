"""The built-in networks against their sources: every family's exact counts, both builders.

Expected values are literals with their source in the test id: the TF-slim research/slim/nets/
mobilenet README (v2, v3 checkpoints, recounted as the product of each layer's shape), the
torchvision 0.29 weights metadata (``num_params``, ``_ops`` at 3 decimals), the EfficientNet
paper's Table 2 and the tensorflow/tpu builders' rules. No expected value comes from the code.
"""

from __future__ import annotations

import pytest

import costmodel
from costmodel.descriptions.builtin_networks import NETWORK_NAMES, get_network, is_builtin

# (network, α, resolution, rules, exact Mult-Adds, exact params) — weights + biases, no BN
TF_SLIM = [
    ("v2-README-1.4-224", "mobilenet_v2", 1.4, 224, 582_197_616, 6_062_633),
    ("v2-README-1.3-224", "mobilenet_v2", 1.3, 224, 509_376_224, 5_344_201),
    ("v2-README-1.0-224", "mobilenet_v2", 1.0, 224, 300_775_552, 3_472_041),
    ("v2-README-1.0-96", "mobilenet_v2", 1.0, 96, 56_290_432, 3_472_041),
    ("v2-README-0.75-224", "mobilenet_v2", 0.75, 224, 209_071_072, 2_611_065),
    ("v2-README-0.75-192", "mobilenet_v2", 0.75, 192, 153_943_168, 2_611_065),
    ("v2-README-0.5-192", "mobilenet_v2", 0.5, 192, 71_703_040, 1_951_417),
    ("v2-README-0.35-96", "mobilenet_v2", 0.35, 96, 11_935_408, 1_664_329),
    ("v3-README-Large-1.0", "mobilenet_v3_large", 1.0, 224, 216_591_040, 5_459_913),
    ("v3-README-Large-0.75", "mobilenet_v3_large", 0.75, 224, 154_561_904, 3_975_721),
    ("v3-README-Small-1.0", "mobilenet_v3_small", 1.0, 224, 56_511_424, 2_531_769),
    ("v3-README-Small-0.75", "mobilenet_v3_small", 0.75, 224, 43_400_368, 2_033_217),
    ("v3-README-Large-min", "mobilenet_v3_large_minimalistic", 1.0, 224, 209_137_984,
     3_901_169),
    ("v3-README-Small-min", "mobilenet_v3_small_minimalistic", 1.0, 224, 52_289_472,
     2_033_649),
]


@pytest.mark.parametrize(("network", "a", "resolution", "mult_adds", "params"),
                         [pytest.param(*row[1:], id=row[0]) for row in TF_SLIM])
def test_tf_slim_checkpoint_networks(network: str, a: float, resolution: int, mult_adds: int,
                                     params: int) -> None:
    r = costmodel.report(a, resolution=resolution, network=network, rules="tf-slim")
    assert r.classes == 1001  # the TF-slim checkpoints' background class + 1000
    assert (r.mult_adds, r.params) == (mult_adds, params)


# torchvision 0.29 weights metadata: num_params (w + b + BN γβ) and _ops (GMACs, 3 decimals)
TORCHVISION = [
    ("tv-mobilenet_v2", "mobilenet_v2", None, 224, 300_774_272, 3_504_872),
    ("tv-mobilenet_v3_large", "mobilenet_v3_large", None, 224, 216_589_760, 5_483_032),
    ("tv-mobilenet_v3_small", "mobilenet_v3_small", None, 224, 56_510_400, 2_542_856),
    ("tv-efficientnet_b0", "efficientnet_b0", None, 224, 385_814_752, 5_288_548),
    ("tv-efficientnet_b1", "efficientnet_b1", None, 240, 686_802_832, 7_794_184),
    ("tv-efficientnet_b2-288", "efficientnet_b2", None, 288, 1_087_529_456, 9_109_994),
    ("tv-efficientnet_b3", "efficientnet_b3", None, 300, 1_827_141_392, 12_233_232),
]


@pytest.mark.parametrize(("network", "a", "resolution", "mult_adds", "params_with_bn"),
                         [pytest.param(*row[1:], id=row[0]) for row in TORCHVISION])
def test_torchvision_metadata(network: str, a: float | None, resolution: int, mult_adds: int,
                              params_with_bn: int) -> None:
    r = costmodel.report(a, resolution=resolution, network=network, rules="torchvision")
    assert r.classes == 1000
    assert (r.mult_adds, r.params_with_bn) == (mult_adds, params_with_bn)
    ops = {c.quantity: c for c in r.published if c.source == "torchvision weights metadata"}
    assert ops["mult_adds"].status == "rounds to print"
    assert ops["params_with_bn"].status == "rounds to print"


@pytest.mark.parametrize(("network", "resolution", "mult_adds"), [
    pytest.param("efficientnet_b0", 224, 385_814_752, id="EfficientNet-Table2-B0"),
    pytest.param("efficientnet_b1", 240, 686_802_832, id="EfficientNet-Table2-B1"),
    pytest.param("efficientnet_b2", 260, 993_561_872, id="EfficientNet-Table2-B2"),
    pytest.param("efficientnet_b3", 300, 1_827_141_392, id="EfficientNet-Table2-B3"),
])
def test_efficientnet_presets(network: str, resolution: int, mult_adds: int) -> None:
    r = costmodel.report(network=network)  # the preset's width, depth and resolution
    assert (r.resolution, r.mult_adds) == (resolution, mult_adds)
    assert r.rho == 1.0


def test_efficientnet_widths_and_repeats_follow_compound_scaling() -> None:
    # tensorflow/tpu efficientnet_builder.py: (w, d) = (1.2, 1.4) for B3;
    # round_filters(32·1.2) = 40, round_repeats = ceil(1.4·n) → 2, 3, 3, 5, 5, 6, 2 = 26 blocks
    layers = costmodel.report(network="efficientnet_b3").layers
    assert layers.iloc[0]["out_c"] == 40
    assert layers["block"].max() == 26
    assert layers.set_index("name").loc["head", "out_c"] == 1536
    b3 = costmodel.report(network="efficientnet_b0", alpha=1.2, depth=1.4, resolution=300)
    assert b3.mult_adds == costmodel.report(network="efficientnet_b3").mult_adds


def test_mnasnet_a1_parameters_match_all_25_readme_rows() -> None:
    # tensorflow/tpu mnasnet/README.md prints 6.1 / 3.9 / 2.9 / 2.1 / 1.7 M parameters
    for a, printed in ((1.4, 6.1), (1.0, 3.9), (0.75, 2.9), (0.5, 2.1), (0.35, 1.7)):
        for resolution in (224, 192, 160, 128, 96):
            r = costmodel.report(a, resolution=resolution, network="mnasnet_a1")
            assert round(r.params / 1e6, 1) == printed
    assert costmodel.report(network="mnasnet_a1").mult_adds == 311_579_072  # "312M" in its text


def test_v2_readme_macs_are_floored_params_rounded() -> None:
    # TF-slim v2 README: 22 rows; the MACs column is the floor of the exact count
    r = costmodel.report(0.75, resolution=192, network="mobilenet_v2")
    (ma,) = [c for c in r.published if c.quantity == "mult_adds" and "README" in c.source]
    assert (ma.printed_text, ma.status) == ("153M", "truncated")


def test_v1_keeps_every_earlier_result() -> None:
    r = costmodel.report(0.5, rho=0.714)
    assert (r.network.key, r.rules, r.classes) == ("mobilenet_v1", "tf-slim", 1000)
    assert (r.mult_adds, r.params) == (76_524_800, 1_320_648)


def test_builders_differ_where_the_sources_differ() -> None:
    # v3-Large at 0.75: TF-slim derives inner widths from the rounded input and keeps the
    # 1280 layer (README: 155 M); torchvision scales every listed width and the 1280 layer
    tf = costmodel.report(0.75, network="mobilenet_v3_large", rules="tf-slim", num_classes=1000)
    tv = costmodel.report(0.75, network="mobilenet_v3_large", rules="torchvision")
    assert tf.layers.set_index("name").loc["fc", "out_c"] == 1280
    assert tv.layers.set_index("name").loc["fc", "out_c"] == 960
    assert tv.mult_adds == 140_033_816
    # at α = 1 the two builders build the same network
    same_tf = costmodel.report(network="mobilenet_v3_large", rules="tf-slim", num_classes=1000)
    same_tv = costmodel.report(network="mobilenet_v3_large", rules="torchvision")
    assert same_tf.mult_adds == same_tv.mult_adds == 216_589_760


def test_v2_keeps_its_1280_head_below_alpha_1() -> None:
    for a, head in ((0.35, 1280), (0.75, 1280), (1.0, 1280), (1.4, 1792)):
        for rules in ("tf-slim", "torchvision"):
            layers = costmodel.report(a, network="mobilenet_v2", rules=rules).layers
            assert layers.set_index("name").loc["head", "out_c"] == head


def test_networks_lists_every_builtin() -> None:
    listed = costmodel.networks()
    assert [n.name for n in listed] == list(NETWORK_NAMES)
    names = {n.name for n in listed}
    assert {"mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
            "mnasnet_a1", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
            "efficientnet_b3"} <= names
    v2 = next(n for n in listed if n.name == "mobilenet_v2")
    assert v2.rules == ("tf-slim", "torchvision") and v2.classes == (1001, 1000)


def test_unknown_network_and_rules_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"network must be one of the \d+ names of "
                                         r"costmodel.networks\(\).*got 'resnet50'"):
        costmodel.report(network="resnet50")
    with pytest.raises(ValueError, match="did you mean mixnet_s"):
        costmodel.report(network="mixnet-s")
    with pytest.raises(ValueError, match="rules must be one of tf-slim for MnasNet-A1"):
        costmodel.report(network="mnasnet_a1", rules="torchvision")
    with pytest.raises(ValueError, match="depth applies to networks with compound scaling"):
        costmodel.report(network="mobilenet_v2", depth=1.2)
    with pytest.raises(ValueError, match="variant must be one of separable for MobileNet v2"):
        costmodel.report(network="mobilenet_v2", variant="full")


def test_layers_gain_block_and_by_type_groups_roles() -> None:
    r = costmodel.report(network="efficientnet_b0")
    layers = r.layers
    assert set(layers["role"]) == {"stem", "expand", "depthwise", "se", "project", "add",
                                   "head", "pool", "classifier"}
    by_type = r.by_type.set_index("role")
    assert by_type["mult_adds"].sum() == r.mult_adds
    assert by_type["params"].sum() == r.params
    assert list(by_type.index) == ["expand", "depthwise", "se", "project", "stem", "head",
                                   "classifier"]
    # 16 blocks (Table 1), numbered
    assert sorted(set(layers["block"]) - {0}) == list(range(1, 17))


def test_inverted_residual_structure_v2() -> None:
    layers = costmodel.report(network="mobilenet_v2").layers.set_index("name")
    assert "b1.expand" not in layers.index  # t = 1: no expansion conv
    assert "b1.add" not in layers.index  # 32 → 16 channels
    assert "b3.add" in layers.index  # second 24-channel block, stride 1
    assert "b2.add" not in layers.index  # stride 2
    assert layers.loc["b2.expand", "out_c"] == 96  # 16·6


def test_is_builtin_tells_an_edited_copy() -> None:
    from dataclasses import replace

    v2 = get_network("mobilenet_v2")
    assert is_builtin(v2)
    edited = replace(v2, rows=v2.rows[:-3] + v2.rows[-2:])
    assert not is_builtin(edited)
