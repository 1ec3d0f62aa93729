"""The newer families' own ImageNet top-1 (data/published/next_families_papers.csv): each source's
printed figure, on the network and size of its checkpoint, in accuracy_data(), the frontier and
the cost-accuracy chart.

Every literal below is copied from its source at the named commit:
tensorflow/tpu@7dc921f8 models/official/efficientnet/lite/README.md and
models/official/mnasnet/README.md; google/automl@6a54c874 efficientnetv2/README.md;
huawei-noah/Efficient-AI-Backbones@f90e129b ghostnet_pytorch/readme.md,
ghostnet_tensorflow/readme.md and tinynet_pytorch/readme.md; PaddlePaddle/PaddleClas@d178931f
docs/en/models/PP-LCNet_en.md; THU-MIG/RepViT@298f4207 README.md; Alibaba-MIIL/HardCoReNAS@a940eb78
README.md; apple/ml-mobileone@b7f4e6d4 README.md; megvii-model/ShuffleNet-Series@aa91feb7
README.md (top-1/top-5 *errors*: the rows hold 100 − error); facebookresearch/mobile-vision@bb8465cf
README.md.
"""

from __future__ import annotations

import pandas as pd
import pytest

import costmodel
from costmodel.descriptions.builtin_networks import FAMILY
from costmodel.literature.accuracy import accuracy_data

LITE = "tensorflow/tpu efficientnet/lite/README.md @7dc921f8"
AUTOML = "google/automl efficientnetv2/README.md"
MNAS = "tensorflow/tpu mnasnet/README.md @7dc921f8"
GHOST = "huawei-noah/Efficient-AI-Backbones ghostnet_pytorch/readme.md @f90e129b"
GHOST_TF = "huawei-noah/Efficient-AI-Backbones ghostnet_tensorflow/readme.md @f90e129b"
TINY = "huawei-noah/Efficient-AI-Backbones tinynet_pytorch/readme.md @f90e129b"
LCNET = "PaddlePaddle/PaddleClas docs/en/models/PP-LCNet_en.md @d178931f"
REPVIT = "THU-MIG/RepViT README.md @298f4207"
HARDCORE = "Alibaba-MIIL/HardCoReNAS README.md @a940eb78"
MOBILEONE = "apple/ml-mobileone README.md @b7f4e6d4"
MEGVII = "megvii-model/ShuffleNet-Series README"
FBNET = "facebookresearch/mobile-vision README.md @bb8465cf"
TIMM = "timm results/results-imagenet.csv @aa4b5850"

#: (source, printed model, network, resolution, top-1, top-5 or None)
TOP1: list[tuple[str, str, str, int, float, float | None]] = [
    (LITE, "efficientnet-lite0", "tf_efficientnet_lite0", 224, 75.1, None),
    (LITE, "efficientnet-lite1", "tf_efficientnet_lite1", 240, 76.7, None),
    (LITE, "efficientnet-lite2", "tf_efficientnet_lite2", 260, 77.6, None),
    (LITE, "efficientnet-lite3", "tf_efficientnet_lite3", 280, 79.8, None),
    (LITE, "efficientnet-lite4", "tf_efficientnet_lite4", 300, 81.5, None),
    (LITE, "efficientnet-lite0 (8-bit)", "tf_efficientnet_lite0", 224, 74.4, None),
    (LITE, "efficientnet-lite1 (8-bit)", "tf_efficientnet_lite1", 240, 75.9, None),
    (LITE, "efficientnet-lite2 (8-bit)", "tf_efficientnet_lite2", 260, 77.0, None),
    (LITE, "efficientnet-lite3 (8-bit)", "tf_efficientnet_lite3", 280, 79.0, None),
    (LITE, "efficientnet-lite4 (8-bit)", "tf_efficientnet_lite4", 300, 80.2, None),
    (AUTOML, "EfficientNetV2-B0", "tf_efficientnetv2_b0", 224, 78.7, None),
    (AUTOML, "EfficientNetV2-B1", "tf_efficientnetv2_b1", 240, 79.8, None),
    (AUTOML, "EfficientNetV2-B2", "tf_efficientnetv2_b2", 260, 80.5, None),
    (AUTOML, "EfficientNetV2-B3", "tf_efficientnetv2_b3", 300, 82.1, None),
    (MNAS, "mnasnet-small", "mnasnet_small", 224, 66.0, None),  # printed "~66%"
    (GHOST, "GhostNet 1.0×", "ghostnet_100", 224, 73.98, 91.46),
    (TINY, "TinyNet-A", "tinynet_a", 192, 76.8, None),
    (TINY, "TinyNet-B", "tinynet_b", 188, 75.0, None),
    (TINY, "TinyNet-C", "tinynet_c", 184, 71.2, None),
    (TINY, "TinyNet-D", "tinynet_d", 152, 67.0, None),
    (TINY, "TinyNet-E", "tinynet_e", 106, 59.9, None),
    (LCNET, "PPLCNet_x0_35", "lcnet_035", 224, 58.09, 80.83),
    (LCNET, "PPLCNet_x0_5", "lcnet_050", 224, 63.14, 84.66),
    (LCNET, "PPLCNet_x0_75", "lcnet_075", 224, 68.18, 88.30),
    (LCNET, "PPLCNet_x1_0", "lcnet_100", 224, 71.32, 90.03),
    (LCNET, "PPLCNet_x1_5", "lcnet_150", 224, 73.71, 91.53),
    (LCNET, "PPLCNet_x0_5_ssld", "lcnet_050", 224, 66.10, 86.46),
    (LCNET, "PPLCNet_x1_0_ssld", "lcnet_100", 224, 74.39, 92.09),
    (REPVIT, "RepViT M0.9", "repvit_m0_9", 224, 78.7, None),
    (REPVIT, "RepViT M0.9 (450e)", "repvit_m0_9", 224, 79.1, None),
    (HARDCORE, "HardCoRe-NAS A (Red)", "hardcorenas_a", 224, 75.3, None),
    (HARDCORE, "HardCoRe-NAS A (Green)", "hardcorenas_a", 224, 75.9, None),
    (HARDCORE, "HardCoRe-NAS A (Blue)", "hardcorenas_a", 224, 75.4, None),
    (HARDCORE, "HardCoRe-NAS A (KD)", "hardcorenas_a", 224, 78.3, None),
    (HARDCORE, "HardCoRe-NAS B (Red)", "hardcorenas_b", 224, 75.8, None),
    (HARDCORE, "HardCoRe-NAS B (Green)", "hardcorenas_b", 224, 76.5, None),
    (HARDCORE, "HardCoRe-NAS B (Blue)", "hardcorenas_b", 224, 75.9, None),
    (HARDCORE, "HardCoRe-NAS B (KD)", "hardcorenas_b", 224, 78.8, None),
    (HARDCORE, "HardCoRe-NAS C (Red)", "hardcorenas_c", 224, 76.4, None),
    (HARDCORE, "HardCoRe-NAS C (Green)", "hardcorenas_c", 224, 77.1, None),
    (HARDCORE, "HardCoRe-NAS C (Blue)", "hardcorenas_c", 224, 76.6, None),
    (HARDCORE, "HardCoRe-NAS C (KD)", "hardcorenas_c", 224, 78.9, None),
    (HARDCORE, "HardCoRe-NAS D (Red)", "hardcorenas_d", 224, 77.1, None),
    (HARDCORE, "HardCoRe-NAS D (Green)", "hardcorenas_d", 224, 77.4, None),
    (HARDCORE, "HardCoRe-NAS D (Blue)", "hardcorenas_d", 224, 77.0, None),
    (HARDCORE, "HardCoRe-NAS D (KD)", "hardcorenas_d", 224, 79.5, None),
    (HARDCORE, "HardCoRe-NAS E (Red)", "hardcorenas_e", 224, 77.6, None),
    (HARDCORE, "HardCoRe-NAS E (Green)", "hardcorenas_e", 224, 77.9, None),
    (HARDCORE, "HardCoRe-NAS E (Blue)", "hardcorenas_e", 224, 77.4, None),
    (HARDCORE, "HardCoRe-NAS E (KD)", "hardcorenas_e", 224, 80.1, None),
    (HARDCORE, "HardCoRe-NAS F (Red)", "hardcorenas_f", 224, 78.0, None),
    (HARDCORE, "HardCoRe-NAS F (Green)", "hardcorenas_f", 224, 78.1, None),
    (HARDCORE, "HardCoRe-NAS F (Blue)", "hardcorenas_f", 224, 78.1, None),
    (MOBILEONE, "MobileOne-S0", "mobileone_s0", 224, 71.4, None),
    (MOBILEONE, "MobileOne-S1", "mobileone_s1", 224, 75.9, None),
    (MOBILEONE, "MobileOne-S2", "mobileone_s2", 224, 77.4, None),
    (MOBILEONE, "MobileOne-S3", "mobileone_s3", 224, 78.1, None),
    (MOBILEONE, "MobileOne-S4", "mobileone_s4", 224, 79.4, None),
    # printed as errors 38.9 / 17.4; megvii's 0.5x is torchvision's build
    (MEGVII, "ShuffleNetV2 0.5x", "shufflenet_v2_x0_5", 224, 61.1, 82.6),
    # another build than the network here: rows that name no network
    (MEGVII, "ShuffleNetV2 1.0x (megvii build)", "", 224, 69.4, 88.9),  # errors 30.6 / 11.1
    (MEGVII, "ShuffleNetV2 1.5x (megvii build)", "", 224, 72.6, 90.6),  # errors 27.4 / 9.4
    (MEGVII, "ShuffleNetV2 2.0x (megvii build)", "", 224, 75.0, 92.4),  # errors 25.0 / 7.6
    (FBNET, "fbnet_c (mobile-vision build)", "", 224, 75.2, 92.3),
    (FBNET, "fbnet_c_i8f_int8_jit (8-bit)", "", 224, 74.2, 91.8),
    (GHOST_TF, "GhostNet 1.0× (TensorFlow build)", "", 224, 73.934, 91.386),  # error 0.26066
]


def _rows(source: str, model: str, metric: str) -> pd.DataFrame:
    data = accuracy_data()
    return data[(data["source"] == source) & (data["model"] == model)
                & (data["metric"] == metric) & (data["task"] == "ImageNet")]


@pytest.mark.parametrize(("source", "model", "network", "resolution", "top1", "top5"), TOP1,
                         ids=[f"{t[0]}: {t[1]} {t[4]}" for t in TOP1])
def test_printed_top1_on_its_network_and_size(source: str, model: str, network: str,
                                              resolution: int, top1: float,
                                              top5: float | None) -> None:
    rows = _rows(source, model, "top-1 %")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["network"] == network
    assert row["resolution"] == resolution
    assert row["value"] == pytest.approx(top1, abs=1e-9)
    assert row["origin"] in ("paper", "checkpoints")
    if network:
        assert row["family"] == FAMILY[network]
        assert row["exact_mult_adds"] > 0
    else:
        assert row["family"] == "other"
        assert row["note"]  # says which build and why no network
    fives = _rows(source, model, "top-5 %")
    if top5 is None:
        assert fives.empty
    else:
        assert len(fives) == 1
        assert fives["value"].iloc[0] == pytest.approx(top5, abs=1e-9)


def test_every_family_with_a_readme_has_its_top1() -> None:
    data = accuracy_data()
    sources = {t[0] for t in TOP1}
    families = set(data[data["source"].isin(sources) & (data["metric"] == "top-1 %")]["family"])
    assert {"EfficientNet-Lite", "EfficientNetV2", "MNASNet (timm)", "GhostNet", "TinyNet",
            "LCNet", "RepViT", "HardCoReNAS", "MobileOne", "ShuffleNet v2"} <= families


def test_other_builds_are_not_on_the_network_row() -> None:
    """megvii's 1.0×-2.0×, mobile-vision's fbnet_c and GhostNet's TensorFlow build are other
    builds: their cost rows stay attached (with the reason), their top-1 does not."""
    data = accuracy_data()
    for source, model in ((MEGVII, "ShuffleNetV2 1.0x"), (MEGVII, "ShuffleNetV2 1.5x"),
                          (MEGVII, "ShuffleNetV2 2.0x"), (FBNET, "fbnet_c"),
                          (GHOST_TF, "GhostNet 1.0× (TensorFlow)")):
        assert data[(data["source"] == source) & (data["model"] == model)].empty
    assert [m.source for m in costmodel.report(network="shufflenet_v2_x1_0").measured] == [
        "torchvision weights metadata"]


def test_frontier_ranks_the_readme_where_timm_has_no_row() -> None:
    # timm evaluates Lite3 at 300 px; the README's checkpoint table is at the builder's 280 px
    f = costmodel.frontier(networks=["tf_efficientnet_lite3", "lcnet_035", "lcnet_150"])
    by = {(n, r): (t, s) for n, r, t, s in zip(f["network"], f["resolution"], f["top1"],
                                                f["source"], strict=True)}
    assert by[("tf_efficientnet_lite3", 280)] == (79.8, f"{LITE}: efficientnet-lite3")
    assert by[("tf_efficientnet_lite3", 300)] == (79.808, f"{TIMM}: tf_efficientnet_lite3.in1k")
    assert by[("lcnet_035", 224)] == (58.09, f"{LCNET}: PPLCNet_x0_35")
    assert by[("lcnet_150", 224)] == (73.71, f"{LCNET}: PPLCNet_x1_5")
    assert set(f["basis"]) == {"measured"}
    assert "not ranked" not in f.attrs["message"]


def test_frontier_keeps_the_first_source_where_both_measured() -> None:
    # timm's results file loads before the READMEs: at Lite0's 224 px its row is ranked
    f = costmodel.frontier(networks=["tf_efficientnet_lite0"])
    assert list(f["resolution"]) == [224]
    assert f["top1"].iloc[0] == 74.846
    assert f["source"].iloc[0] == f"{TIMM}: tf_efficientnet_lite0.in1k"


def test_report_shows_the_measured_top1() -> None:
    r = costmodel.report(network="tf_efficientnet_lite3", resolution=280)
    assert [(m.source, m.top1) for m in r.measured] == [(LITE, 79.8)]  # 8-bit left out
    r = costmodel.report(network="hardcorenas_a")
    assert {m.top1 for m in r.measured if m.source == HARDCORE} == {75.3, 75.9, 75.4, 78.3}


def test_the_chart_draws_them() -> None:
    from costmodel.presentation.plots import _accuracy_traces

    traces = {t["name"]: t for t in _accuracy_traces()}
    texts = {name: " ".join(t.get("text", [])) for name, t in traces.items()}
    assert "efficientnet-lite3 (tensorflow/tpu" in texts["EfficientNet-Lite (published)"]
    assert "(8-bit)" not in texts["EfficientNet-Lite (published)"]
    assert "TinyNet-A (huawei-noah" in texts["TinyNet (published)"]
    assert "HardCoRe-NAS A (KD)" in texts["HardCoReNAS (published)"]
    assert "MobileOne-S0 (apple" in texts["MobileOne (published)"]
    assert "ShuffleNetV2 1.0x (megvii build)" in texts["other (published)"]
    lite = traces["EfficientNet-Lite (published)"]
    points = dict(zip(lite["text"], zip(lite["x"], lite["y"], strict=True), strict=True))
    lite3 = [v for k, v in points.items() if k.startswith("efficientnet-lite3 (tensorflow")]
    assert lite3 == [(1440.0, 79.8)]  # at its printed MAdds
