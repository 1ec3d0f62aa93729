"""The later blocks' formulas (costmodel.core.formulas), held against hand arithmetic on one
real block of a built-in network, and against the exact counter's per-block sum of that block.

The block shapes are read off the papers' and timm's tables (written out below, never taken
from the package); every expected count is a literal with its arithmetic in a comment.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

import costmodel
from costmodel.base.symbols import D_F, D_G, D_K, D_S, D_d, M, N, alpha, g, n_k, r_se, rho, s, t
from costmodel.core import formulas
from costmodel.presentation.cli import FORMULA_STEPS, main


def block_sum(network: str, block: int) -> tuple[int, int, int]:
    """(Mult-Adds, params, standard-conv Mult-Adds) of one block, summed over the exact
    counter's per-layer rows."""
    layers = costmodel.report(network=network).layers
    rows = layers[layers["block"] == block]
    assert len(rows), (network, block)
    return (int(rows["mult_adds"].sum()), int(rows["params"].sum()),
            int(rows["standard_mult_adds"].sum()))


def value(expr: sp.Expr, **numbers: int | Fraction) -> Fraction:
    """``expr`` at the block's numbers (symbols named as in costmodel.base.symbols), exactly."""
    symbols = {"D_F": D_F, "D_G": D_G, "D_K": D_K, "D_S": D_S, "D_d": D_d, "M": M, "N": N,
               "g": g, "n_k": n_k, "r": r_se, "s": s, "t": t}
    result = sp.nsimplify(expr.subs({symbols[k]: sp.Rational(str(v)) for k, v in
                                     numbers.items()}))
    assert result.is_Rational, result
    return Fraction(int(result.p), int(result.q))


# --- fused inverted residual: tf_efficientnetv2_b0 at 192 px -------------------------------
# timm efficientnetv2_b0 arch: stage 1 'cn_r1_k3_s1_e1_c16', stage 2 'er_r2_k3_s2_e4_c32'. At
# 192 px the stem (stride 2) gives 96×96; block 1 (16 → 32, stride 2) runs its 3×3 fused conv at
# 48×48, block 2 (32 → 32, stride 1) stays at 48×48.

def test_fused_inverted_residual_stride_1_efficientnetv2_b0_block_2() -> None:
    numbers = {"M": 32, "t": 4, "N": 32, "D_K": 3, "D_F": 48}
    # 48²·(4·32)·(3²·32 + 32) = 2304·128·320 = 94,371,840
    assert value(formulas.fused_inverted_residual_mult_adds(), **numbers) == 94_371_840
    # 128·(9·32 + 32) = 128·320 = 40,960
    assert value(formulas.fused_inverted_residual_params(), **numbers) == 40_960
    assert block_sum("tf_efficientnetv2_b0", 2)[:2] == (94_371_840, 40_960)
    # ratio t·(D_K²·M + N)/(D_K²·N) = 4·320/288 = 40/9: 4.4 times a 3×3 conv 32 → 32
    assert value(formulas.fused_inverted_residual_ratio(), **numbers) == Fraction(40, 9)
    assert block_sum("tf_efficientnetv2_b0", 2)[2] == 9 * 32 * 32 * 2304  # 21,233,664
    # against the inverted residual it replaces: (9·32 + 32)/(32 + 9 + 32) = 320/73
    assert value(formulas.fused_to_inverted_residual_ratio(), **numbers) == Fraction(320, 73)


def test_fused_inverted_residual_stride_2_efficientnetv2_b0_block_1() -> None:
    numbers = {"M": 16, "t": 4, "N": 32, "D_K": 3, "D_F": 96, "D_G": 48}
    # 48²·(3²·16·64 + 64·32) = 2304·(9,216 + 2,048) = 2304·11,264 = 25,952,256
    assert value(formulas.fused_inverted_residual_mult_adds(False), **numbers) == 25_952_256
    assert block_sum("tf_efficientnetv2_b0", 1)[0] == 25_952_256


# --- universal inverted bottleneck: MobileNetV4 (timm mobilenetv4_conv_medium at 256 px) ----
# Medium's stage 3 starts 'uir_r1_a3_k5_s2_e6_c160' after 'uir_r1_a3_k3_s1_e2_c80' (Qin et al.
# 2024, Table 11): block 3 is ExtraDW 80 → 80, start 3×3, middle 3×3, t = 2, at 32×32; block 4
# is ExtraDW 80 → 160, start 3×3, middle 5×5 at stride 2, t = 6, 32×32 → 16×16.

def test_universal_extra_dw_stride_1_mobilenetv4_medium_block_3() -> None:
    numbers = {"M": 80, "t": 2, "N": 80, "D_S": 3, "D_K": 3, "D_F": 32}
    # 32²·80·(3²·2 + 3² + 80·2 + 80·2) = 1024·80·347 = 28,426,240
    assert value(formulas.universal_inverted_bottleneck_mult_adds(), **numbers) == 28_426_240
    # 9·160 + 9·80 + 80·160 + 160·80 = 1,440 + 720 + 12,800 + 12,800 = 27,760
    assert value(formulas.universal_inverted_bottleneck_params(), **numbers) == 27_760
    assert block_sum("mobilenetv4_conv_medium", 3)[:2] == (28_426_240, 27_760)
    # ratio 347/(9·80) = 347/720
    assert value(formulas.universal_inverted_bottleneck_ratio(), **numbers) == Fraction(347, 720)


def test_universal_extra_dw_stride_2_mobilenetv4_medium_block_4() -> None:
    numbers = {"M": 80, "t": 6, "N": 160, "D_S": 3, "D_K": 5, "D_F": 32, "D_G": 16}
    # start 3²·80·32² = 737,280; expand 80·480·32² = 39,321,600; middle 5²·480·16² = 3,072,000;
    # project 480·160·16² = 19,660,800; sum 62,791,680
    assert value(formulas.universal_inverted_bottleneck_mult_adds(stride_one=False),
                 **numbers) == 62_791_680
    # 9·80 + 80·480 + 25·480 + 480·160 = 720 + 38,400 + 12,000 + 76,800 = 127,920
    assert value(formulas.universal_inverted_bottleneck_params(), **numbers) == 127_920
    assert block_sum("mobilenetv4_conv_medium", 4)[:2] == (62_791_680, 127_920)


def test_universal_variants_mobilenetv4_small_and_medium() -> None:
    # small block 1: ExtraDW 64 → 96, 5×5 start, 5×5 middle at stride 2, t = 3, 28 → 14:
    # 5²·64·28² + 64·192·28² + 5²·192·14² + 192·96·14²
    # = 1,254,400 + 9,633,792 + 940,800 + 3,612,672 = 15,441,664
    extra = {"M": 64, "t": 3, "N": 96, "D_S": 5, "D_K": 5, "D_F": 28, "D_G": 14}
    assert value(formulas.universal_inverted_bottleneck_mult_adds(stride_one=False),
                 **extra) == 15_441_664
    assert block_sum("mobilenetv4_conv_small", 1)[0] == 15_441_664
    # small block 6: ConvNeXt-like 96 → 96, 3×3 start, t = 4, 14×14:
    # 14²·96·(9 + 384 + 384) = 18,816·777 = 14,620,032
    like = {"M": 96, "t": 4, "N": 96, "D_S": 3, "D_F": 14}
    assert value(formulas.universal_inverted_bottleneck_mult_adds(True, False),
                 **like) == 14_620_032
    assert block_sum("mobilenetv4_conv_small", 6)[0] == 14_620_032
    # medium block 10: FFN 160 → 160, t = 2, 16×16: 16²·160·2·(160 + 160) = 26,214,400
    ffn = {"M": 160, "t": 2, "N": 160, "D_F": 16}
    assert value(formulas.universal_inverted_bottleneck_mult_adds(False, False),
                 **ffn) == 26_214_400
    assert block_sum("mobilenetv4_conv_medium", 10)[0] == 26_214_400
    # FFN against a 1×1 conv 160 → 160: t·(M + N)/N = 2·320/160 = 4
    assert value(formulas.universal_inverted_bottleneck_ratio(False, False), **ffn) == 4


# --- ghost bottleneck: timm ghostnet_100 at 224 px ----------------------------------------
# timm ghostnet cfgs, stage by stage [k, exp, c, se, s]: [[3, 16, 16, 0, 1]],
# [[3, 48, 24, 0, 2]], [[3, 72, 24, 0, 1]], ...; the stem (stride 2) gives 112×112. Ghost
# modules have ratio s = 2 and a 3×3 cheap operation (D_d = 3).

def test_ghost_bottleneck_16_to_16_at_112_ghostnet_block_1() -> None:
    numbers = {"M": 16, "t": 1, "N": 16, "s": 2, "D_d": 3, "D_F": 112}
    # ghost 1: 1×1 16 → 8 and 3×3 cheap on 8: 16·8 + 9·8 = 200 weights; ghost 2 the same:
    # 112²·400 = 12,544·400 = 5,017,600
    assert value(formulas.ghost_bottleneck_mult_adds(), **numbers) == 5_017_600
    assert value(formulas.ghost_bottleneck_params(), **numbers) == 400
    assert block_sum("ghostnet_100", 1)[:2] == (5_017_600, 400)


def test_ghost_bottleneck_24_72_24_at_56_ghostnet_block_3() -> None:
    numbers = {"M": 24, "t": 3, "N": 24, "s": 2, "D_d": 3, "D_F": 56, "D_K": 3}
    # ghost 1: 24·36 + 9·36 = 864 + 324; ghost 2: 72·12 + 9·12 = 864 + 108; total 2,160
    # weights; 56²·2,160 = 3,136·2,160 = 6,773,760
    assert value(formulas.ghost_bottleneck_mult_adds(), **numbers) == 6_773_760
    assert value(formulas.ghost_bottleneck_params(), **numbers) == 2_160
    assert block_sum("ghostnet_100", 3) == (6_773_760, 2_160, 9 * 24 * 24 * 3136)
    # against a 3×3 conv 24 → 24: 2,160/(9·24·24) = 2,160/5,184 = 5/12
    assert value(formulas.ghost_bottleneck_ratio(), **numbers) == Fraction(5, 12)


def test_ghost_bottleneck_stride_2_with_shortcut_ghostnet_block_2() -> None:
    numbers = {"M": 16, "t": 3, "N": 24, "s": 2, "D_d": 3, "D_K": 3, "D_F": 112, "D_G": 56}
    # ghost 1 at 112²: (16·24 + 9·24)·12,544 = 600·12,544 = 7,526,400
    # at 56²: depthwise 9·48, ghost 2 48·12 + 9·12, shortcut 9·16 + 16·24
    #       = (432 + 684 + 528)·3,136 = 1,644·3,136 = 5,155,584; total 12,681,984
    assert value(formulas.ghost_bottleneck_mult_adds(False), **numbers) == 12_681_984
    # 600 + 432 + 684 + 528 = 2,244
    assert value(formulas.ghost_bottleneck_params(False), **numbers) == 2_244
    assert block_sum("ghostnet_100", 2)[:2] == (12_681_984, 2_244)


def test_ghost_module_speedup_is_about_s_equation_4() -> None:
    # a 3×3 conv 24 → 24 against its ghost module (s = 2, d = 3):
    # 2·9·24/(9·24 + 9) = 432/225 = 1.92, about s = 2
    speedup = formulas.ghost_speedup_ratio()
    assert value(speedup, M=24, D_K=3, D_d=3, s=2) == Fraction(48, 25)
    assert sp.limit(speedup, M, sp.oo) == s


# --- ShuffleNet v2 unit: torchvision / timm shufflenet_v2_x1_0 at 224 px --------------------
# Ma et al. 2018, Table 5 (1×): stage 2 has 116 channels at 28×28, its first unit at stride 2
# from the 24-channel max-pool output at 56×56.

def test_shuffle_unit_stride_1_shufflenet_block_2() -> None:
    numbers = {"M": 116, "D_K": 3, "D_F": 28}
    # branch on 58 channels: 58·58 + 9·58 + 58·58 = 3,364 + 522 + 3,364 = 7,250 weights;
    # 28²·7,250 = 784·7,250 = 5,684,000
    assert value(formulas.shuffle_unit_mult_adds(), **numbers) == 5_684_000
    assert value(formulas.shuffle_unit_params(), **numbers) == 7_250
    assert block_sum("shufflenet_v2_x1_0", 2)[:2] == (5_684_000, 7_250)
    # (1/116 + 1/9)/2 = 125/2,088
    assert value(formulas.shuffle_unit_ratio(), **numbers) == Fraction(125, 2088)
    assert Fraction(1, 116) / 2 + Fraction(1, 9) / 2 == Fraction(125, 2088)


def test_shuffle_unit_stride_2_shufflenet_block_1() -> None:
    numbers = {"M": 24, "N": 116, "D_K": 3, "D_F": 56, "D_G": 28}
    # branch 1: 9·24·28² + 24·58·28² = 169,344 + 1,091,328
    # branch 2: 24·58·56² + 9·58·28² + 58·58·28² = 4,365,312 + 409,248 + 2,637,376
    # total 8,672,608
    assert value(formulas.shuffle_unit_mult_adds(False), **numbers) == 8_672_608
    # 216 + 1,392 + 1,392 + 522 + 3,364 = 6,886
    assert value(formulas.shuffle_unit_params(False), **numbers) == 6_886
    assert block_sum("shufflenet_v2_x1_0", 1)[:2] == (8_672_608, 6_886)


# --- ConvNeXt block: timm convnext_atto at 224 px -----------------------------------------
# dims (40, 80, 160, 320), depths (2, 2, 6, 2); the 4×4 patchify stem gives 56×56.

def test_convnext_block_convnext_atto_block_1() -> None:
    numbers = {"M": 40, "t": 4, "D_K": 7}
    # 56²·40·(49 + 2·4·40) = 3,136·40·369 = 46,287,360
    assert value(formulas.convnext_block_mult_adds(), D_F=56, **numbers) == 46_287_360
    # dw 49·40 + 40, fc1 40·160 + 160, fc2 160·40 + 40, γ 40 = 2,000 + 6,560 + 6,440 + 40
    assert value(formulas.convnext_block_params(), **numbers) == 15_040
    assert block_sum("convnext_atto", 1) == (46_287_360, 15_040, 49 * 40 * 40 * 3136)
    # 1/40 + 8/49 = 369/1,960
    assert value(formulas.convnext_block_ratio(), **numbers) == Fraction(369, 1960)


# --- MixConv: timm mixnet_s at 224 px ----------------------------------------------------
# timm _gen_mixnet_s: stage 2 'ir_r1_k3_a1.1_p1.1_s2_e6_c24', 'ir_r1_k3_a1.1_p1.1_s1_e3_c24';
# stage 3 'ir_r1_k3.5.7_s2_e6_c40_se0.5_nsw', 'ir_r3_k3.5_a1.1_p1.1_s1_e6_c40_se0.5_nsw'.

def test_mixconv_inverted_residual_with_se_mixnet_s_block_5() -> None:
    # block 5: 40 → 240 → 40 at 28×28, expand and project in g = 2 groups, 3×3 and 5×5
    # depthwise on 120 channels each (n_k = 2), squeeze-and-excite 240 → 20 → 240 (r·M, r = 1/2)
    numbers = {"M": 40, "t": 6, "N": 40, "g": 2, "n_k": 2, "D_F": 28}
    # 28²·240·(40/2 + (9 + 25)/2 + 40/2) = 784·240·57 = 10,725,120
    assert value(formulas.mixconv_inverted_residual_mult_adds(), **numbers) == 10_725_120
    # SE: 2·240·20 = 9,600
    se = value(formulas.squeeze_excite_mult_adds(False), M=40, t=6, r=Fraction(1, 2))
    assert se == 9_600
    # params: 240·57 = 13,680, SE 2·240·20 + 20 + 240 = 9,860; 23,540
    params = value(formulas.mixconv_inverted_residual_params(), **numbers)
    se_params = value(formulas.squeeze_excite_params(False), M=40, t=6, r=Fraction(1, 2))
    assert (params, se_params) == (13_680, 9_860)
    assert block_sum("mixnet_s", 5)[:2] == (10_734_720, 23_540)  # 10,725,120 + 9,600


def test_grouped_inverted_residual_mixnet_s_block_3() -> None:
    # block 3: 24 → 72 → 24 at 56×56, 1×1s in g = 2 groups, one 3×3 depthwise (n_k = 1)
    numbers = {"M": 24, "t": 3, "N": 24, "g": 2, "n_k": 1, "D_F": 56, "D_K": 3}
    # 56²·72·(12 + 9 + 12) = 3,136·72·33 = 7,451,136
    assert value(formulas.mixconv_inverted_residual_mult_adds(), **numbers) == 7_451_136
    assert block_sum("mixnet_s", 3)[0] == 7_451_136
    # 72·33/(9·24·24) ... = 2,376/5,184 = 11/24
    assert value(formulas.mixconv_inverted_residual_ratio(), **numbers) == Fraction(11, 24)


def test_mixconv_kernel_sums() -> None:
    # 3² = 9; 3² + 5² = 34; 3² + 5² + 7² = 83
    assert [value(formulas.mixconv_kernel_sum(), n_k=n) for n in (1, 2, 3)] == [9, 34, 83]
    # against the largest kernel alone: 34/(2·25) = 17/25, 83/(3·49) = 83/147
    assert value(formulas.mixconv_ratio(), n_k=2) == Fraction(17, 25)
    assert value(formulas.mixconv_ratio(), n_k=3) == Fraction(83, 147)
    # mixnet_s block 4: 3×3, 5×5, 7×7 at stride 2 on 48 channels each, 28×28 out:
    # 48·83·784 = 3,123,456 (338,688 + 940,800 + 1,843,968)
    assert value(formulas.mixconv_mult_adds(), M=144, n_k=3, D_G=28) == 3_123_456
    layers = costmodel.report(network="mixnet_s").layers
    depthwise = layers[(layers["block"] == 4) & (layers["role"] == "depthwise")]
    assert int(depthwise["mult_adds"].sum()) == 3_123_456


# --- separable pair with squeeze-and-excite: timm lcnet_150 ----------------------------------

def test_separable_with_se_lcnet_150_last_block() -> None:
    # LCNet's last block: 5×5 depthwise on 768 channels at 7×7, SE 768 → 192 → 768 (r = 1/4),
    # 1×1 768 → 768: 25·768·49 + 768·768·49 + 2·768·192 = 940,800 + 28,901,376 + 294,912
    numbers = {"M": 768, "N": 768, "D_K": 5, "D_G": 7, "r": Fraction(1, 4)}
    assert value(formulas.separable_se_mult_adds(), **numbers) == 30_137_088
    # 25·768 + 768² + (2·768·192 + 192 + 768) = 19,200 + 589,824 + 295,872 = 904,896
    assert value(formulas.separable_se_params(), **numbers) == 904_896
    last = len(costmodel.report(network="lcnet_150").graph.blocks)
    assert block_sum("lcnet_150", last)[:2] == (30_137_088, 904_896)


# --- α and ρ, the steps, the catalogue and the command line --------------------------------

@pytest.mark.parametrize("name", ["fused_inverted_residual", "universal_inverted_bottleneck",
                                  "ghost_bottleneck", "shuffle_unit", "convnext_block",
                                  "mixconv_inverted_residual"])
def test_block_mult_adds_scale_as_alpha_squared_rho_squared_in_the_1x1_terms(name: str) -> None:
    expr = getattr(formulas, f"{name}_mult_adds")()
    scaled = formulas.scaled(expr)
    assert {alpha, rho} <= scaled.free_symbols
    # every term is α·ρ² (one channel count: depthwise) or α²·ρ² (two: 1×1 convs)
    for term in sp.Add.make_args(sp.expand(scaled)):
        assert sp.degree(term, rho) == 2 and sp.degree(term, alpha) in (1, 2)
    assert rho not in formulas.scaled(getattr(formulas, f"{name}_params")()).free_symbols


@pytest.mark.parametrize("name", [n for n in FORMULA_STEPS if n not in
                                  ("inverted_residual", "squeeze_excite", "compound_scaling")])
def test_new_derivations_print_from_the_command_line(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    steps = getattr(formulas, f"{name}_steps")()
    assert len(steps) >= 5 and all(step.latex and step.text for step in steps)
    assert main(["formulas", "--steps", name]) == 0
    out = capsys.readouterr().out
    assert all(step.title in out for step in steps)


def test_derivation_sums_are_their_steps() -> None:
    fused = formulas.fused_inverted_residual_steps()
    assert sp.expand(fused[0].expr + fused[1].expr - fused[2].expr) == 0
    uib = formulas.universal_inverted_bottleneck_steps()
    assert sp.expand(sum(step.expr for step in uib[:4]) - uib[4].expr) == 0
    shuffle = formulas.shuffle_unit_steps()
    assert sp.expand(sum(step.expr for step in shuffle[:5]) - shuffle[5].expr) == 0
    convnext = formulas.convnext_block_steps()
    assert sp.expand(sum(step.expr for step in convnext[:5]) - convnext[5].expr) == 0
    ghost = formulas.ghost_bottleneck_steps()
    assert sp.expand(ghost[0].expr + ghost[1].expr - ghost[2].expr) == 0


def test_catalogue_names_each_blocks_source() -> None:
    catalog = {f.key: f for f in formulas.formula_catalog()}
    sources = {"ghost_speedup_ratio": "Han et al. 2020, eq. 4",
               "shuffle_unit_ratio": "Ma et al. 2018", "mixconv_ratio": "Tan & Le 2019",
               "convnext_block_ratio": "Liu et al. 2022",
               "universal_inverted_bottleneck_ratio": "Qin et al. 2024",
               "fused_inverted_residual_ratio": "Tan & Le 2021",
               "ghost_bottleneck_ratio": "Han et al. 2020"}
    for key, source in sources.items():
        assert source in catalog[key].equation.replace("(", "").replace(")", ""), key
    for block in ("fused_inverted_residual", "universal_inverted_bottleneck",
                  "ghost_bottleneck", "shuffle_unit", "convnext_block",
                  "mixconv_inverted_residual", "separable_se"):
        for part in ("mult_adds", "params", "ratio"):
            assert f"{block}_{part}" in catalog
        assert f"scaled_{block}_mult_adds" in catalog and f"scaled_{block}_params" in catalog


@pytest.mark.parametrize(("network", "layer", "mult_adds", "params"), [
    # ghost module 1's cheap 3×3 depthwise on 36 channels at 56²: 9·36·3,136
    ("ghostnet_100", "b3.ghost1.cheap", 9 * 36 * 3136, 9 * 36),
    ("shufflenet_v2_x1_0", "b2.split.1", 0, 0),  # a view
    ("shufflenet_v2_x1_0", "b2.pw1", 58 * 58 * 784, 58 * 58),
    ("convnext_atto", "b1.gamma", 0, 40),  # layer scale: γ per channel
    ("convnext_atto", "b1.dw", 49 * 40 * 3136, 49 * 40 + 40),  # with bias
    ("tf_efficientnetv2_b0", "b1.fused", 9 * 16 * 64 * 48 * 48, 9 * 16 * 64),
    ("mobilenetv4_conv_medium", "b3.dw_start", 9 * 80 * 1024, 9 * 80),
    ("mixnet_s", "b5.dw.k5", 25 * 120 * 784, 25 * 120),  # the 5×5 group of the MixConv
    ("mixnet_s", "b5.expand.g1", 20 * 120 * 784, 20 * 120),  # one group of the 1×1
])
def test_derive_works_for_every_block_type(network: str, layer: str, mult_adds: int,
                                           params: int) -> None:
    derivation = costmodel.derive(layer, network=network)
    assert (derivation.mult_adds, derivation.params) == (mult_adds, params)
    assert derivation.steps
