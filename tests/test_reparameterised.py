"""MobileOne S0-S4 and RepViT M0.9 in their inference (re-parameterised) form: literal counts,
hand counts of their blocks, timm's printed training-form counts and the table rows they
brought (``bias`` on a separable pair, an ``se`` row, ``repvit_block``). Crosscheck holds them
equal to fvcore on ``timm.utils.reparameterize_model(timm.create_model(NAME))`` at run time;
the literals here were printed by that run (timm 1.0.31, fvcore 0.1.5.post20221221). The
RepViT README's printed figures are in tests/test_next_families.py."""

from __future__ import annotations

import pytest

import costmodel

# (network, resolution, Mult-Adds, params): fvcore's conv + linear count and PyTorch's parameter
# count of timm 1.0.31's re-parameterised model; no normalisation is left, so params equals
# params_with_bn
FVCORE = [
    ("mobileone_s0", 224, 275_110_400, 2_078_504),
    ("mobileone_s0", 161, 163_261_344, 2_078_504),
    ("mobileone_s0", 97, 65_222_816, 2_078_504),
    ("mobileone_s1", 224, 825_057_024, 4_764_840),
    ("mobileone_s1", 161, 494_856_896, 4_764_840),
    ("mobileone_s2", 224, 1_298_426_496, 7_808_168),
    ("mobileone_s2", 97, 313_629_504, 7_808_168),
    ("mobileone_s3", 224, 1_895_790_592, 10_078_312),
    ("mobileone_s3", 161, 1_137_976_064, 10_078_312),
    ("mobileone_s4", 224, 2_979_269_760, 14_838_352),
    ("mobileone_s4", 161, 1_770_683_392, 14_838_352),
    ("mobileone_s4", 97, 703_970_304, 14_838_352),
    ("repvit_m0_9", 224, 815_617_344, 5_067_056),
    ("repvit_m0_9", 161, 496_933_896, 5_067_056),
    ("repvit_m0_9", 97, 200_379_144, 5_067_056),
]


@pytest.mark.parametrize(("network", "resolution", "mult_adds", "params"), FVCORE,
                         ids=[f"timm-1.0.31-fvcore-reparameterised-{n}-{r}px"
                              for n, r, _, _ in FVCORE])
def test_inference_form_counts(network: str, resolution: int, mult_adds: int,
                               params: int) -> None:
    r = costmodel.report(network=network, resolution=resolution)
    assert (r.mult_adds, r.params, r.params_with_bn) == (mult_adds, params, params)


def test_mobileone_pairs_by_hand() -> None:
    # MobileOne-S0 at 224 px: stem 3×3 conv 3→48 with bias; the first pair is a 3×3 depthwise
    # conv on 48 at stride 2 (56×56) and a 1×1 conv 48→48, both with a bias and no batchnorm
    rows = costmodel.report(network="mobileone_s0").layers.set_index("name")
    assert rows.loc["stem", "params"] == 27 * 48 + 48
    assert rows.loc["dw1", "params"] == 9 * 48 + 48
    assert rows.loc["dw1", "mult_adds"] == 9 * 48 * 56 * 56
    assert rows.loc["pw1", "params"] == 48 * 48 + 48
    assert (rows["params_with_bn"] == rows["params"]).all()  # no batchnorm left
    assert not (rows["kind"] == "add").any()  # the identity branches are folded in


def test_mobileone_s4_squeeze_and_excite_after_both_convs() -> None:
    # timm's SEModule: make_divisible(C / 16, 8, round_limit=0), biases; after the depthwise
    # conv (b17.se) and after the 1×1 conv (pw17.se) of the last 5 pairs of stage 3 and of
    # stage 4 (896 → 56, 2048 → 128)
    r = costmodel.report(network="mobileone_s4")
    rows = r.layers.set_index("name")
    for name in ("b17", "pw17", "b20", "pw20", "b21"):
        assert rows.loc[f"{name}.se.reduce", "out_c"] == 56, name
        assert rows.loc[f"{name}.se.reduce", "params"] == 896 * 56 + 56
    assert rows.loc["pw21.se.reduce", "out_c"] == 128
    assert rows.loc["pw21.se.expand", "params"] == 128 * 2048 + 2048
    # pairs 1-2 stage 1, 3-10 stage 2, 11-20 stage 3 (SE from 16), 21 stage 4
    assert "b15.se.reduce" not in rows.index and "pw15.se.reduce" not in rows.index
    assert "b16.se.reduce" in rows.index and "pw16.se.reduce" in rows.index
    se_blocks = {name.split(".")[0] for name in rows.index if name.endswith(".se.reduce")}
    assert len(se_blocks) == 12  # 6 pairs, two SEs each


def test_repvit_block_by_hand() -> None:
    # RepViT-M0.9 at 224 px (56×56 after the two stride-2 stem convs): the first block is a
    # 3×3 depthwise conv with bias on 48, SE to make_divisible(12, 8, round_limit=0) = 16, a
    # 1×1 conv 48→96 with bias, GELU, 1×1 96→48 with bias; the add joins the SE's output
    r = costmodel.report(network="repvit_m0_9")
    rows = r.layers.set_index("name")
    assert rows.loc["b1.dw", "params"] == 9 * 48 + 48
    assert rows.loc["b1.se.reduce", "out_c"] == 16
    assert rows.loc["b1.fc1", "params"] == 48 * 96 + 96
    assert rows.loc["b1.fc2", "mult_adds"] == 96 * 48 * 56 * 56
    graph = r.graph
    add = graph.ops[graph.op_index("b1.add")]
    assert [graph.ops[i].name for i in add.inputs] == ["b1.fc2", "b1.se.scale"]
    # the downsampling layer (stride 2): 3×3 depthwise at stride 2, 1×1 48→96, no SE, the
    # channel mixer on 96 with its residual
    assert rows.loc["b4.dw", "out_h"] == 28 and rows.loc["b4.pw", "params"] == 48 * 96 + 96
    assert "b4.se.reduce" not in rows.index
    assert rows.loc["b4.fc1", "out_c"] == 192
    # the two distillation heads are one linear: 384·1000 + 1000
    assert rows.loc["head", "params"] == 384_000 + 1000


# (network, timm's printed param_count in M, the training form's parameter count): timm
# 1.0.31's timm.create_model(NAME) before re-parameterisation, counted by PyTorch
TRAINING_FORM = [
    ("mobileone_s0", 5.29, 5_293_272),
    ("mobileone_s1", 4.83, 4_825_192),
    ("mobileone_s2", 7.88, 7_884_648),
    ("mobileone_s3", 10.17, 10_170_600),
    ("mobileone_s4", 14.95, 14_951_248),
    ("repvit_m0_9", 5.49, 5_489_328),
]


@pytest.mark.parametrize(("network", "printed_m", "training"), TRAINING_FORM,
                         ids=[f"timm-results-imagenet-{row[0]}" for row in TRAINING_FORM])
def test_timm_prints_the_training_form(network: str, printed_m: float, training: int) -> None:
    # timm's results file rounds the training form's count; the inference form has fewer
    assert round(training / 1e6, 2) == printed_m
    assert costmodel.report(network=network).params_with_bn < training


BAD_ROWS = [
    ("operator,c,k,s,se\nconv,16,3,2,0.25\n", "line 2: se applies to inverted_residual"),
    ("operator,c,k,s,se\nconv,16,3,2,\nse,,,,\n", "line 3: an se row needs se"),
    ("operator,c,k,s,se\nse,,,,0.25\nconv,16,3,2,\n", "line 2: an se row acts on the feature"),
    ("operator,c,k,s,se\nconv,16,3,2,\npool,,,,\nse,,,,0.25\n",
     "line 4: an se row acts on the feature map"),
    ("operator,t,c,k,s,bias\nconv,,16,3,2,\ninverted_residual,6,16,3,1,yes\n",
     "line 3: bias applies to conv, depthwise, pointwise and separable rows only"),
    ("operator,c,k,s,padding\nconv,16,3,2,\nseparable,32,3,1,valid\n",
     "line 3: padding applies to conv, depthwise and pointwise rows only"),
    ("operator,t,c,k,s\nconv,,16,3,2\nrepvit_block,2.5,16,3,1\n",
     "line 3: a repvit_block's t must be a whole number"),
    ("operator,exp,c,k,s\nconv,,16,3,2\nrepvit_block,32,16,3,1\n",
     "line 3: exp applies to inverted_residual and ghost_bottleneck rows only"),
]


@pytest.mark.parametrize(("text", "message"), BAD_ROWS)
def test_the_new_columns_are_checked(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.load_network(text.encode())


def test_a_user_table_with_the_new_rows_counts_by_hand() -> None:
    # a separable pair with biases and an se row after it, then a repvit_block (t = 2); the
    # default se_squeeze: make_divisible(C·0.25, 8)
    net = costmodel.load_network(
        b"operator,t,c,k,s,se,bias\nconv,,32,3,2,,yes\nseparable,,64,3,1,0.25,yes\n"
        b"se,,,,,0.25,\nrepvit_block,2,64,3,1,,\npool,,,,,,\nclassifier,,classes,,,,\n")
    r = costmodel.report(network=net, resolution=32, num_classes=10)
    rows = r.layers.set_index("name")
    assert rows.loc["dw1", "params"] == 9 * 32 + 32
    assert rows.loc["pw1", "params"] == 32 * 64 + 64
    assert rows.loc["b1.se.reduce", "out_c"] == 8  # SE after the depthwise conv, on 32
    assert rows.loc["pw1.se.reduce", "out_c"] == 16  # the se row, on 64
    assert rows.loc["b2.fc1", "params"] == 64 * 128 + 128
    assert r.params == r.params_with_bn
