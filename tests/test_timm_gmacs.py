"""timm's published GMACs (data/published/timm_benchmark_gmacs.csv) and the counting rules
that reproduce printed figures from the exact count (costmodel.teaching.table_conventions).

The PRINTED literals are copied, digit for digit, from huggingface/pytorch-image-models@aa4b5850
results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv (columns model,
infer_img_size, param_count, infer_gmacs), every row whose model is a built-in timm network
other than ConvNeXt (those are in next_families_papers.csv). FVCORE_MEASURED was printed by
fvcore 0.1.5.post20221221 ``FlopCountAnalysis(model, torch.ones(1, 3, s, s)).total()`` on timm
1.0.31's ``timm.create_model(name).eval()`` (the training form, as timm's benchmark.py profiles
it). MEGVII was printed by fvcore's conv + linear count of megvii-model/ShuffleNet-Series@aa91feb7
ShuffleNetV2/network.py.
"""

from __future__ import annotations

import pytest

import costmodel
from costmodel.literature.published import Origin, published_rows
from costmodel.teaching import table_conventions as tc

SOURCE = "timm results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv"
FILE = "timm_benchmark_gmacs.csv"

#: (model, infer_img_size, param_count, infer_gmacs) as printed ("" where the file is empty)
PRINTED = [
    ("lcnet_035", 224, "1.64", "0.03"),
    ("tf_mobilenetv3_small_minimal_100", 224, "2.04", "0.06"),
    ("lcnet_050", 224, "1.88", "0.05"),
    ("mobilenetv3_small_050", 224, "1.59", "0.03"),
    ("tinynet_e", 106, "2.04", "0.03"),
    ("lcnet_075", 224, "2.36", "0.1"),
    ("lcnet_150", 224, "4.5", "0.34"),
    ("lcnet_100", 224, "2.95", "0.16"),
    ("mobilenetv2_035", 224, "1.68", "0.07"),
    ("mobilenetv3_small_075", 224, "2.04", "0.05"),
    ("mobilenetv3_small_100", 224, "2.54", "0.06"),
    ("mobilenetv1_100", 224, "4.23", "0.58"),
    ("mobilenetv4_conv_small", 224, "3.77", "0.19"),
    ("tf_mobilenetv3_small_100", 224, "2.54", "0.06"),
    ("tf_mobilenetv3_small_075", 224, "2.04", "0.05"),
    ("mobilenetv2_050", 224, "1.97", "0.1"),
    ("mobilenetv1_125", 224, "6.27", "0.89"),
    ("mobilenetv1_100h", 224, "5.28", "0.63"),
    ("mnasnet_050", 224, "2.22", "0.11"),
    ("mobilenetv4_conv_small", 256, "3.77", "0.25"),
    ("mobilenetv1_125", 256, "6.27", "1.16"),
    ("mnasnet_small", 224, "2.03", "0.07"),
    ("tinynet_d", 152, "2.34", "0.05"),
    ("mobilenetv2_075", 224, "2.64", "0.22"),
    ("mobilenetv1_100h", 256, "5.28", "0.82"),
    ("mnasnet_075", 224, "3.17", "0.23"),
    ("mobilenetv1_100", 256, "4.23", "0.76"),
    ("hardcorenas_a", 224, "5.26", "0.23"),
    ("mobilenetv3_large_075", 224, "3.99", "0.16"),
    ("mobilenetv2_100", 224, "3.5", "0.31"),
    ("mnasnet_100", 224, "4.38", "0.33"),
    ("semnasnet_050", 224, "2.08", "0.11"),
    ("mobilenetv3_large_100", 224, "5.48", "0.23"),
    ("mobilenetv3_rw", 224, "5.48", "0.23"),
    ("tf_mobilenetv3_large_minimal_100", 224, "3.92", "0.22"),
    ("mobilenetv2_140", 224, "6.11", "0.6"),
    ("mobilenet_edgetpu_100", 224, "4.09", "1.0"),
    ("tf_mobilenetv3_large_075", 224, "3.99", "0.16"),
    ("hardcorenas_b", 224, "5.18", "0.26"),
    ("hardcorenas_c", 224, "5.52", "0.28"),
    ("spnasnet_100", 224, "4.42", "0.35"),
    ("tf_mobilenetv3_large_100", 224, "5.48", "0.23"),
    ("fbnetc_100", 224, "5.57", "0.4"),
    ("semnasnet_075", 224, "2.91", "0.23"),
    ("mnasnet_140", 224, "7.12", "0.6"),
    ("semnasnet_100", 224, "3.89", "0.32"),
    ("tf_efficientnet_lite0", 224, "4.65", "0.4"),
    ("efficientnet_es", 224, "5.44", "1.81"),
    ("mobilenetv2_110d", 224, "4.52", "0.45"),
    ("semnasnet_140", 224, "6.11", "0.6"),
    ("ghostnet_050", 224, "2.59", "0.05"),
    ("tinynet_c", 184, "2.46", "0.11"),
    ("mobileone_s1", 224, "4.83", "0.86"),
    ("ghostnet_100", 224, "5.18", "0.15"),
    ("hardcorenas_f", 224, "8.2", "0.35"),
    ("hardcorenas_e", 224, "8.07", "0.35"),
    ("mobilenetv2_120d", 224, "5.83", "0.69"),
    ("mobilenetv4_conv_medium", 224, "9.72", "0.84"),
    ("mobileone_s2", 224, "7.88", "1.34"),
    ("tf_efficientnet_lite1", 240, "5.42", "0.62"),
    ("hardcorenas_d", 224, "7.5", "0.3"),
    ("mobilenetv4_conv_medium", 256, "9.72", "1.1"),
    ("tinynet_b", 188, "3.73", "0.21"),
    ("ghostnet_130", 224, "7.36", "0.24"),
    ("mobileone_s3", 224, "10.17", "1.94"),
    ("tf_efficientnet_lite2", 260, "6.09", "0.89"),
    ("efficientnet_em", 240, "6.9", "3.04"),
    ("mobilenetv4_conv_medium", 320, "9.72", "1.71"),
    ("tf_efficientnetv2_b0", 192, "7.14", "0.54"),
    ("tinynet_a", 192, "6.19", "0.35"),
    ("mobilenetv3_large_150d", 224, "14.62", ""),
    ("tf_efficientnetv2_b0", 224, "7.14", "0.73"),
    ("tf_efficientnetv2_b2", 208, "10.1", "1.06"),
    ("mobileone_s4", 224, "14.95", "3.04"),
    ("tf_efficientnetv2_b1", 192, "8.14", "0.76"),
    ("tf_efficientnetv2_b1", 240, "8.14", "1.21"),
    ("tf_efficientnet_lite3", 300, "8.2", "1.65"),
    ("tf_efficientnetv2_b2", 260, "10.1", "1.72"),
    ("repvit_m0_9", 224, "5.49", "0.83"),
    ("tf_efficientnetv2_b3", 240, "14.36", "1.93"),
    ("tf_mixnet_s", 224, "4.13", "0.25"),
    ("efficientnet_el", 300, "10.59", "8.0"),
    ("mobilenetv4_conv_large", 256, "32.59", "2.86"),
    ("mixnet_s", 224, "4.13", "0.25"),
    ("tf_efficientnet_lite4", 380, "13.01", "4.04"),
    ("mobilenetv4_conv_large", 320, "32.59", "4.47"),
    ("tf_efficientnetv2_b3", 300, "14.36", "3.04"),
    ("mobilenetv4_conv_large", 384, "32.59", "6.43"),
    ("mobileone_s0", 224, "5.29", "1.09"),
    ("tf_mixnet_m", 224, "5.01", "0.36"),
    ("mixnet_m", 224, "5.01", "0.36"),
    ("mobilenetv4_conv_large", 448, "32.59", "8.75"),
    ("tf_mixnet_l", 224, "7.33", "0.58"),
    ("mixnet_l", 224, "7.33", "0.58"),
    ("mixnet_xl", 224, "11.9", "0.93"),
]

#: fvcore's total of timm 1.0.31's model in eval at (network, size)
FVCORE_MEASURED = [
    ("mobilenetv3_large_100", 224, 225_436_416),
    ("lcnet_050", 224, 47_264_896),
    ("ghostnet_100", 224, 148_273_936),
    ("tf_efficientnet_lite0", 224, 398_725_664),
    ("mobilenetv4_conv_medium", 256, 1_095_463_424),
    ("mobilenetv4_conv_small", 256, 247_370_240),
    ("tinynet_e", 106, 25_750_752),
    ("mobileone_s0", 224, 1_088_463_360),
    ("mobileone_s1", 224, 858_499_328),
    ("mobileone_s2", 224, 1_338_573_568),
    ("mobileone_s4", 224, 3_040_917_248),
    ("repvit_m0_9", 224, 832_165_824),
]


def _rows() -> list:
    return [row for row in published_rows() if row.file == FILE]


@pytest.mark.parametrize(("model", "size", "params", "gmacs"), PRINTED,
                         ids=[f"{SOURCE}: {p[0]} at {p[1]}" for p in PRINTED])
def test_rows_as_printed_and_reproduced(model: str, size: int, params: str,
                                        gmacs: str) -> None:
    (row,) = [r for r in _rows() if r.model == model and r.resolution == size]
    assert (row.source, row.origin, row.network, row.rules) == (
        SOURCE, Origin.BENCHMARK, model, "timm")
    assert row.params is not None and row.params.text == f"{params}M"
    r = costmodel.report(network=model, resolution=size)
    if not gmacs:
        assert row.mult_adds is None
        return
    assert row.mult_adds is not None and row.mult_adds.text == f"{gmacs}B"
    # the printed column is round(macs / 1e9, 2): compared at 2 decimals ("0.4" is 0.40)
    assert row.mult_adds.decimals == 2
    total = tc.counted(r, tc.fvcore_terms(r))
    assert round(total / 1e9, 2) == float(gmacs)
    (comparison,) = [c for c in r.published if c.source == SOURCE and c.quantity == "mult_adds"]
    if round(r.mult_adds / 1e9, 2) == float(gmacs):
        assert comparison.status == "rounds to print"
    else:
        assert comparison.status == "differs"
        assert f"{total:,}, which prints as {total / 1e9:.2f}" in comparison.reason
        assert comparison.reason.startswith("fvcore's total")


@pytest.mark.parametrize(("network", "size", "total"), FVCORE_MEASURED,
                         ids=[f"timm-1.0.31-fvcore-{n}-{s}px" for n, s, _ in FVCORE_MEASURED])
def test_fvcore_rule_equals_fvcore(network: str, size: int, total: int) -> None:
    r = costmodel.report(network=network, resolution=size)
    assert tc.counted(r, tc.fvcore_terms(r)) == total


def test_fvcore_terms_by_hand() -> None:
    # MobileNetV3-Large: every conv but the SE convs and the 1×1 head after the pool has a
    # batchnorm (2 each in eval); the global pool's 7·7·960 inputs count once
    r = costmodel.report(network="mobilenetv3_large_100")
    bn, pool = tc.fvcore_terms(r)
    assert (bn.weight, pool.weight, pool.count) == (2, 1, 7 * 7 * 960)
    assert tc.derivation(r, (bn, pool)) == (
        "216,589,760 + 2 × 4,399,808 + 47,040 = 225,436,416")
    # RepViT's global pool is a mean: no pool term
    assert "pool" not in " ".join(t.what for t in tc.fvcore_terms(
        costmodel.report(network="repvit_m0_9")))


def test_the_file_and_its_statuses() -> None:
    rows = _rows()
    assert len(rows) == len(PRINTED) == 95
    assert sum(r.mult_adds is not None for r in rows) == 94
    statuses: dict[str, list[str]] = {"mult_adds": [], "params_with_bn": []}
    differing_params = []
    for row in rows:
        r = costmodel.report(network=row.network, resolution=row.resolution)
        for c in r.published:
            if c.source == SOURCE and (c.quantity != "mult_adds" or (row.mult_adds is not None
                                       and c.printed_text == row.mult_adds.text)):
                statuses[c.quantity].append(c.status)
                if c.quantity == "params_with_bn" and c.status == "differs":
                    differing_params.append(row.network)
                    assert "training form" in c.reason
    # every printed GMACs reproduced by fvcore's rule; 8 equal the exact count at 2 decimals
    gmacs = statuses["mult_adds"]
    assert (len(gmacs), gmacs.count("differs"), gmacs.count("rounds to print")) == (94, 86, 8)
    assert len(statuses["params_with_bn"]) == 95
    assert sorted(differing_params) == [f"mobileone_s{i}" for i in range(5)] + ["repvit_m0_9"]


def test_timm_cpu_rows_are_fvcore_totals() -> None:
    # timm's efficientnet_b0 on the CPU: 0.40 GMACs against 385,814,752 exact Mult-Adds
    r = costmodel.report(network="efficientnet_b0", rules="torchvision")
    (c, *_) = [c for c in r.published if c.quantity == "mult_adds" and "timm" in c.source]
    assert (c.printed_text, c.status) == ("0.40B", "differs")
    assert "385,814,752 + 2 × 6,737,696 + 62,720 = 399,352,864, which prints as 0.40" in c.reason


@pytest.mark.parametrize(("network", "printed", "total"), [
    ("lcnet_035", 29, 29_456_978), ("lcnet_050", 47, 47_284_832),
    ("lcnet_075", 99, 98_817_936), ("lcnet_100", 161, 160_808_128),
    ("lcnet_150", 342, 341_849_888)],
    ids=lambda v: f"PaddleClas PP-LCNet_en.md @d178931f: {v}")
def test_paddle_flops_reproduces_pp_lcnet(network: str, printed: int, total: int) -> None:
    r = costmodel.report(network=network)
    terms = tc.paddle_flops_terms(r)
    assert tc.counted(r, terms) == total and round(total / 1e6) == printed
    bn, bias, pools = terms
    assert (bn.weight, bias.weight, pools.weight) == (2, 1, 1)


@pytest.mark.parametrize(("network", "printed", "megvii"), [
    ("shufflenet_v2_x0_5", 41, 40_476_448), ("shufflenet_v2_x1_0", 146, 145_814_296),
    ("shufflenet_v2_x1_5", 299, 298_970_656), ("shufflenet_v2_x2_0", 591, 590_783_000)],
    ids=lambda v: f"megvii-model/ShuffleNet-Series README: {v}")
def test_megvii_build_reproduces_three_shufflenet_rows(network: str, printed: int,
                                                       megvii: int) -> None:
    r = costmodel.report(network=network)
    b = {"shufflenet_v2_x0_5": 24, "shufflenet_v2_x1_0": 58, "shufflenet_v2_x1_5": 88,
         "shufflenet_v2_x2_0": 122}[network]
    (term,) = tc.megvii_shufflenet_terms(r)
    assert term.count == 28 * 28 * (b - 24) ** 2
    assert tc.counted(r, (term,)) == megvii
    # 1.0×, 1.5×, 2.0× print as the README; 0.5× (megvii's build = torchvision's) prints 40
    assert (round(megvii / 1e6) == printed) == (network != "shufflenet_v2_x0_5")


H = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
GRID = {"batchnorm": H, "activation": H, "residual_add": (0.0, 0.5, 1.0),
        "global_pool": (0.0, 1.0), "se_pool": (0.0, 0.5, 1.0), "se_scale": (0.0, 0.5, 1.0),
        "se_bias": (0.0, 1.0), "image": (0.0, 1.0, 2.0, 3.0), "classifier": (0.0, 1.0)}


def test_efficientnet_lite_readme_is_not_derived() -> None:
    # tensorflow/tpu@7dc921f8 efficientnet/lite/README.md: 407M, 631M, 899M, 1.44B, 2.64B
    reports = tuple(costmodel.report(network=f"tf_efficientnet_lite{i}", resolution=s)
                    for i, s in enumerate((224, 240, 260, 280, 300)))
    lite_grid = {k: v for k, v in GRID.items() if not k.startswith("se_")}  # no SE in Lite
    result = tc.weight_search(reports, (407e6, 631e6, 899e6, 1.44e9, 2.64e9),
                              (1e6, 1e6, 1e6, 1e7, 1e7), lite_grid)
    assert result.tried == 2352 and result.reproducing
    assert all(w["classifier"] == 1.0 and w["image"] == 3.0 for w in result.reproducing)
    # a batchnorm term alone: lite0 needs 3.16-3.31 per element, lite1 2.99-3.09
    bn0, bn1 = (tc.element_terms(r)["batchnorm"] for r in reports[:2])
    assert (406.5e6 - reports[0].mult_adds) / bn0 > 3.16
    assert (631.5e6 - reports[1].mult_adds) / bn1 < 3.09


def test_tinynet_readme_is_not_derived() -> None:
    # huawei-noah/Efficient-AI-Backbones@f90e129b tinynet_pytorch/readme.md: 339M ... 24M
    reports = tuple(costmodel.report(network=f"tinynet_{c}", resolution=s)
                    for c, s in zip("abcde", (192, 188, 184, 152, 106), strict=True))
    result = tc.weight_search(reports, (339e6, 202e6, 100e6, 52e6, 24e6), (1e6,) * 5, GRID)
    assert (result.tried, result.reproducing) == (42336, ())


def test_ghostnet_readme_is_one_row_many_rules_reach() -> None:
    # huawei-noah/Efficient-AI-Backbones@f90e129b ghostnet_pytorch/readme.md: 142M
    r = costmodel.report(network="ghostnet_100")
    result = tc.weight_search((r,), (142e6,), (1e6,), GRID)
    assert (result.tried, len(result.reproducing)) == (42336, 315)
    terms = tc.element_terms(r)
    assert terms["se_pool"] + terms["global_pool"] == 550_368
    assert round((r.mult_adds + 550_368) / 1e6) == 142
    assert round((r.mult_adds + 2 * terms["batchnorm"]) / 1e6) == 148
