"""timm's family names (``lcnet``, ``mobilenetv2``, ...): the generator at any channel
multiplier α with the base model's other arguments. The expected counts are timm 1.0.31's own
generators at that multiplier counted by fvcore (conv + linear) and PyTorch (parameters), as
crosscheck/test_timm.py holds them; the test id names the generator, base model, α and size."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.descriptions.builtin_networks import get_network
from costmodel.descriptions.timm_tables import parse_timm
from costmodel.presentation.cli import main

# (family name, timm generator, base model, α, px, fvcore conv+linear, PyTorch params): printed
# by count(_gen_...(base, channel_multiplier=α), px) of crosscheck/test_torchvision.py
TIMM_FVCORE = [
    ("lcnet", "_gen_lcnet", "lcnet_100", 0.6, 224, 68_218_312, 2_048_522),
    ("mobilenetv1", "_gen_mobilenet_v1", "mobilenetv1_100", 0.6, 224, 217_021_560, 1_778_296),
    ("mobilenetv2", "_gen_mobilenet_v2", "mobilenetv2_100", 0.8, 200, 192_897_952, 2_792_488),
    ("mobilenetv2", "_gen_mobilenet_v2", "mobilenetv2_100", 1.3, 224, 509_374_560, 5_386_792),
    ("mobilenetv3_large", "_gen_mobilenet_v3", "mobilenetv3_large_100", 0.6, 224,
     100_102_688, 3_097_016),
    ("mobilenetv3_small", "_gen_mobilenet_v3", "mobilenetv3_small_100", 0.85, 224,
     45_524_112, 2_178_176),
    ("mnasnet", "_gen_mnasnet_b1", "mnasnet_100", 1.3, 224, 526_362_432, 6_282_256),
    ("semnasnet", "_gen_mnasnet_a1", "semnasnet_100", 0.6, 224, 147_663_296, 2_344_052),
    ("fbnetc", "_gen_fbnetc", "fbnetc_100", 0.6, 224, 188_637_152, 3_517_064),
    ("spnasnet", "_gen_spnasnet", "spnasnet_100", 0.6, 224, 148_197_680, 2_519_640),
    ("mobilenet_edgetpu", "_gen_mobilenet_edgetpu", "mobilenet_edgetpu_100", 0.6, 224,
     519_287_616, 2_448_736),
]

#: family name → its base model (α 1) and the models timm names that differ from it only in
#: the channel multiplier (their α: the multiplier in the name)
MEMBERS = {
    "lcnet": ("lcnet_100", ["lcnet_035", "lcnet_050", "lcnet_075", "lcnet_150"]),
    "mobilenetv1": ("mobilenetv1_100", ["mobilenetv1_125"]),
    "mobilenetv2": ("mobilenetv2_100", ["mobilenetv2_035", "mobilenetv2_050",
                                        "mobilenetv2_075", "mobilenetv2_140"]),
    "mobilenetv3_large": ("mobilenetv3_large_100", ["mobilenetv3_large_075"]),
    "mobilenetv3_small": ("mobilenetv3_small_100", ["mobilenetv3_small_050",
                                                    "mobilenetv3_small_075"]),
    "mnasnet": ("mnasnet_100", ["mnasnet_050", "mnasnet_075", "mnasnet_140"]),
    "semnasnet": ("semnasnet_100", ["semnasnet_050", "semnasnet_075", "semnasnet_140"]),
    "fbnetc": ("fbnetc_100", []),
    "spnasnet": ("spnasnet_100", []),
    "mobilenet_edgetpu": ("mobilenet_edgetpu_100", []),
}


@pytest.mark.parametrize(
    ("network", "alpha", "resolution", "mult_adds", "params_with_bn"),
    [pytest.param(n, a, px, m, p, id=f"timm-fvcore-{g}-{b}-{a}-{px}px")
     for n, g, b, a, px, m, p in TIMM_FVCORE],
)
def test_family_name_at_any_width_equals_timm(network: str, alpha: float, resolution: int,
                                              mult_adds: int, params_with_bn: int) -> None:
    r = costmodel.report(network=network, alpha=alpha, resolution=resolution)
    assert (r.mult_adds, r.params_with_bn) == (mult_adds, params_with_bn)
    assert r.alpha == alpha


@pytest.mark.parametrize("network", list(MEMBERS))
def test_family_name_at_the_base_multiplier_is_the_base_model(network: str) -> None:
    base, members = MEMBERS[network]
    assert get_network(network).width == get_network(base).width == 1.0
    for resolution in (224, 161):
        for name, alpha in [(base, None), (base, 1.0),
                            *((m, get_network(m).width) for m in members)]:
            mine = costmodel.report(network=network, alpha=alpha, resolution=resolution)
            named = costmodel.report(network=name, resolution=resolution)
            assert (mine.mult_adds, mine.params, mine.params_with_bn) == (
                named.mult_adds, named.params, named.params_with_bn), (name, resolution)
            assert list(mine.layers["out_c"]) == list(named.layers["out_c"])


def out_c(network: str, alpha: float, layer: str) -> int:
    layers = costmodel.report(network=network, alpha=alpha).layers
    return int(layers.loc[layers["name"] == layer, "out_c"].iloc[0])


def test_width_arguments_that_depend_on_the_multiplier() -> None:
    # timm _gen_mobilenet_v3: fix_stem=channel_multiplier < 0.75, so the stem is 16 below
    # 0.75 (make_divisible(16·0.6, 8) would be 8) and make_divisible(16·1.3, 8) = 24 above
    assert [out_c("mobilenetv3_large", a, "stem") for a in (0.35, 0.6, 0.75, 1.0, 1.3)] == [
        16, 16, 16, 16, 24]
    assert [out_c("mobilenetv3_small", a, "stem") for a in (0.5, 1.3, 2.0)] == [16, 24, 32]
    # LCNet's stem scales: make_divisible(16·0.35, 8) = 8
    assert out_c("lcnet", 0.35, "stem") == 8
    # timm _gen_mobilenet_v2: num_features=max(1280, round_chs_fn(1280))
    assert [out_c("mobilenetv2", a, "conv_head") for a in (0.35, 1.0, 1.3, 1.4)] == [
        1280, 1280, 1664, 1792]
    # MobileNet v3's head conv keeps 1280 (num_features is not scaled); its 1×1 to 960 scales
    assert out_c("mobilenetv3_large", 0.6, "conv_head") == 1280


@pytest.mark.parametrize("network", list(MEMBERS))
@pytest.mark.parametrize("alpha", [0, -0.5, 4.01, float("nan"), float("inf"), True, "0.6"])
def test_bad_alpha_is_refused_with_the_usual_range(network: str, alpha: object) -> None:
    with pytest.raises(ValueError, match=r"alpha must be a finite number in \(0, 4\]"):
        costmodel.report(network=network, alpha=alpha)


def test_any_alpha_in_range_is_accepted_and_timm_names_still_fix_theirs() -> None:
    for alpha in (0.01, 0.25, 4.0):
        assert costmodel.report(network="lcnet", alpha=alpha).alpha == alpha
    with pytest.raises(ValueError, match=r"alpha must be 0\.5 for lcnet_050"):
        costmodel.report(network="lcnet_050", alpha=0.7)


def test_family_names_are_listed() -> None:
    info = {n.name: n for n in costmodel.networks()}
    for network, (base, _) in MEMBERS.items():
        assert info[network].rules == ("timm",)
        assert info[network].alpha == 1.0 and info[network].depth == 1.0
        assert info[network].family == info[base].family
        assert info[network].image_size == info[base].image_size
        assert not get_network(network).fixed_width and get_network(base).fixed_width
    # 75 timm block-string models, 10 family names, the other builders' 27, and MobileOne
    # S0-S4 and RepViT M0.9 (inference form)
    assert len(info) == 118
    # the other builders' names are theirs
    assert info["mobilenet_v2"].rules == ("tf-slim", "torchvision")
    assert info["mnasnet1_0"].rules == ("torchvision",)


def test_sweep_of_a_family_name_equals_report() -> None:
    s = costmodel.sweep(alphas=[0.45, 0.8, 1.3], resolutions=[161, 200], network="mobilenetv2")
    frame = s.to_frame()
    for row in frame.itertuples():
        r = costmodel.report(network="mobilenetv2", alpha=row.alpha, resolution=row.resolution)
        assert (row.mult_adds, row.params_with_bn) == (r.mult_adds, r.params_with_bn)
    assert 192_897_952 in set(frame["mult_adds"])  # timm+fvcore, _gen_mobilenet_v2 0.8, 200 px


def test_cli_report_of_a_family_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--network", "lcnet", "--alpha", "0.6"]) == 0
    out = capsys.readouterr().out
    assert "lcnet (timm rules, 1000 classes): α = 0.6" in out
    assert "68,218,312" in out  # timm+fvcore, _gen_lcnet('lcnet_100', 0.6), 224 px
    assert "2,048,522" in out
    assert main(["report", "--network", "lcnet", "--alpha", "5"]) != 0
    assert "alpha must be a finite number in (0, 4]" in capsys.readouterr().err


FILE = """\
# key: tiny
# family: Tiny
# source: a test
# family_name.tiny: base=tiny_100{extra}
# model.tiny_100: width=1.0 depth={depth} stem=16 head=mobilenetv3 features=1024
# model.tiny_050: width=0.5 stem=16 head=mobilenetv3 features=1024
stage,block
1,ds_r1_k3_s1_c16
2,ir_r2_k3_s2_e6_c24
"""


def test_a_family_line_is_read() -> None:
    networks = parse_timm(FILE.format(extra=" fix_stem_below=0.75", depth="1.0"))
    assert list(networks) == ["tiny_100", "tiny_050", "tiny"]
    assert not networks["tiny"].fixed_width and networks["tiny_100"].fixed_width
    assert networks["tiny"].rows[1:] == networks["tiny_100"].rows[1:]


@pytest.mark.parametrize(("extra", "depth", "message"), [
    (" base=tiny_200", "1.0", "line 4: base must be one of this file's models"),
    (" stem=8", "1.0", "line 4: family fields are key=value with keys base, features_width, "
                       "fix_stem_below; got 'stem=8'"),
    (" fix_stem_below=0.4", "1.0", r"line 4: fix_stem_below=0.4 is described where the stem "
                                   r"rounds to its own width 16 from there to 1; "
                                   r"make_divisible\(16·0.4\) = 8"),
    (" fix_stem_below=1.5", "1.0", r"fix_stem_below must be in \(0, 1\]"),
    (" features_width=scaled", "1.0", "features_width must be fixed or max_scaled"),
    ("", "1.2", "line 4: the base model of a family name scales depth"),
])
def test_a_bad_family_line_is_refused(extra: str, depth: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_timm(FILE.format(extra=extra, depth=depth))


def test_a_family_name_may_not_be_a_model_name() -> None:
    text = FILE.format(extra="", depth="1.0").replace("family_name.tiny:", "family_name.tiny_050:")
    with pytest.raises(ValueError, match="family name 'tiny_050' is one of this file's models"):
        parse_timm(text)


def test_a_fixed_width_name_at_another_alpha_names_the_way_to_that_width() -> None:
    # timm builds mobilenetv4_conv_small at 1.0 only; its table's other names are its widths
    with pytest.raises(ValueError, match=r"its other widths are mobilenetv4_conv_small_035 "
                                         r"\(α 0\.35\), mobilenetv4_conv_small_050 \(α 0\.5\)"):
        costmodel.report(0.5, network="mobilenetv4_conv_small")
    with pytest.raises(ValueError, match=r"the family name 'mobilenetv2' takes any alpha"):
        costmodel.report(0.5, network="mobilenetv2_100")
