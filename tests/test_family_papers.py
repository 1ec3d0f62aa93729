"""The next families' printed cost figures (data/published/next_families_papers.csv) beside the
exact count, with the status and reason the reconciliation shows.

Every printed literal below is copied from its source at the named commit:
google/automl@6a54c874 efficientnetv2/README.md; tensorflow/tpu@7dc921f8
models/official/efficientnet/lite/README.md and models/official/mnasnet/README.md;
huawei-noah/Efficient-AI-Backbones@f90e129b ghostnet_pytorch/readme.md,
ghostnet_tensorflow/readme.md and tinynet_pytorch/readme.md; PaddlePaddle/PaddleClas@d178931f
docs/en/models/PP-LCNet_en.md; facebookresearch/mobile-vision@bb8465cf README.md;
huggingface/pytorch-image-models@aa4b5850
results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv (infer_gmacs).
"""

from __future__ import annotations

import pytest

import costmodel

AUTOML = "google/automl efficientnetv2/README.md"
LITE = "tensorflow/tpu efficientnet/lite/README.md @7dc921f8"
MNAS = "tensorflow/tpu mnasnet/README.md @7dc921f8"
GHOST = "huawei-noah/Efficient-AI-Backbones ghostnet_pytorch/readme.md @f90e129b"
GHOST_TF = "huawei-noah/Efficient-AI-Backbones ghostnet_tensorflow/readme.md @f90e129b"
TINY = "huawei-noah/Efficient-AI-Backbones tinynet_pytorch/readme.md @f90e129b"
LCNET = "PaddlePaddle/PaddleClas docs/en/models/PP-LCNet_en.md @d178931f"
FBNET = "facebookresearch/mobile-vision README.md @bb8465cf"
TIMM = "timm results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv"

OK, DIFFERS = "rounds to print", "differs"
NOT_DERIVED = "the cause is not derived"
FVCORE = "fvcore's total"
PADDLE = "paddle.flops' rules"

#: (source, printed model, quantity, printed, status, a phrase of the reason or "")
PRINTED = [
    (AUTOML, "EfficientNetV2-B1", "mult_adds", "1.2B", OK, ""),
    (AUTOML, "EfficientNetV2-B1", "params_with_bn", "8.1M", OK, ""),
    (AUTOML, "EfficientNetV2-B2", "mult_adds", "1.7B", OK, ""),
    (AUTOML, "EfficientNetV2-B2", "params_with_bn", "10.1M", OK, ""),
    (LITE, "efficientnet-lite0", "mult_adds", "407M", DIFFERS, NOT_DERIVED),
    (LITE, "efficientnet-lite0", "params_with_bn", "4.7M", OK, ""),
    (LITE, "efficientnet-lite1", "mult_adds", "631M", DIFFERS, NOT_DERIVED),
    (LITE, "efficientnet-lite1", "params_with_bn", "5.4M", OK, ""),
    (LITE, "efficientnet-lite2", "mult_adds", "899M", DIFFERS, NOT_DERIVED),
    (LITE, "efficientnet-lite2", "params_with_bn", "6.1M", OK, ""),
    (LITE, "efficientnet-lite3", "mult_adds", "1.44B", DIFFERS, NOT_DERIVED),
    (LITE, "efficientnet-lite3", "params_with_bn", "8.2M", OK, ""),
    (LITE, "efficientnet-lite4", "mult_adds", "2.64B", DIFFERS, NOT_DERIVED),
    (LITE, "efficientnet-lite4", "params_with_bn", "13.0M", OK, ""),
    (MNAS, "mnasnet-small", "mult_adds", "68M", OK, ""),
    (MNAS, "mnasnet-small", "params_with_bn", "2.0M", OK, ""),
    (GHOST, "GhostNet 1.0×", "mult_adds", "142M", DIFFERS, NOT_DERIVED),
    (GHOST_TF, "GhostNet 1.0× (TensorFlow)", "mult_adds", "141M", OK, ""),
    (TINY, "TinyNet-A", "mult_adds", "339M", DIFFERS, NOT_DERIVED),
    (TINY, "TinyNet-B", "mult_adds", "202M", DIFFERS, NOT_DERIVED),
    (TINY, "TinyNet-C", "mult_adds", "100M", OK, ""),
    (TINY, "TinyNet-D", "mult_adds", "52M", OK, ""),
    (TINY, "TinyNet-E", "mult_adds", "24M", OK, ""),
    (LCNET, "PPLCNet_x0_35", "mult_adds", "29M", DIFFERS, PADDLE),
    (LCNET, "PPLCNet_x0_35", "params_with_bn", "1.6M", OK, ""),
    (LCNET, "PPLCNet_x0_5", "mult_adds", "47M", DIFFERS, PADDLE),
    (LCNET, "PPLCNet_x0_5", "params_with_bn", "1.9M", OK, ""),
    (LCNET, "PPLCNet_x0_75", "mult_adds", "99M", DIFFERS, PADDLE),
    (LCNET, "PPLCNet_x0_75", "params_with_bn", "2.4M", OK, ""),
    (LCNET, "PPLCNet_x1_0", "mult_adds", "161M", DIFFERS, PADDLE),
    (LCNET, "PPLCNet_x1_0", "params_with_bn", "3.0M", OK, ""),
    (LCNET, "PPLCNet_x1_5", "mult_adds", "342M", DIFFERS, PADDLE),
    (LCNET, "PPLCNet_x1_5", "params_with_bn", "4.5M", OK, ""),
    (FBNET, "fbnet_c", "mult_adds", "378.2M", DIFFERS, "378,233,440"),
    (FBNET, "fbnet_c", "params", "5.5M", OK, ""),
    (TIMM, "convnext_atto", "mult_adds", "0.55B", OK, ""),
    (TIMM, "convnext_atto", "mult_adds", "0.91B", DIFFERS, FVCORE),
    (TIMM, "convnext_femto", "mult_adds", "0.79B", DIFFERS, FVCORE),
    (TIMM, "convnext_femto", "mult_adds", "1.3B", DIFFERS, "prints as 1.30"),
    (TIMM, "convnext_pico", "mult_adds", "1.37B", OK, ""),
    (TIMM, "convnext_pico", "mult_adds", "2.27B", DIFFERS, FVCORE),
    (TIMM, "convnext_nano", "mult_adds", "2.46B", DIFFERS, FVCORE),
    (TIMM, "convnext_nano", "mult_adds", "4.06B", DIFFERS, FVCORE),
]


@pytest.mark.parametrize(("source", "model", "quantity", "printed", "status", "reason"),
                         PRINTED, ids=[f"{p[0]}: {p[1]} {p[2]} {p[3]}" for p in PRINTED])
def test_printed_figure_beside_the_exact_count(source: str, model: str, quantity: str,
                                               printed: str, status: str, reason: str) -> None:
    table = costmodel.reconciliation()
    row = table[(table["source"] == source) & (table["model"] == model)
                & (table["quantity"] == quantity) & (table["printed"] == printed)]
    assert len(row) == 1
    assert row["status"].iloc[0] == status
    if status == DIFFERS:
        assert reason in row["reason"].iloc[0]
    else:
        assert row["reason"].iloc[0] == ""


def test_the_report_shows_the_figure_on_its_configuration() -> None:
    # EfficientNet-Lite3 at the TF builder's 280 px (timm's default is 300)
    r = costmodel.report(network="tf_efficientnet_lite3", resolution=280)
    mult_adds, params = [c for c in r.published if c.source == LITE]
    assert (mult_adds.quantity, mult_adds.printed_text, mult_adds.status) == (
        "mult_adds", "1.44B", DIFFERS)
    assert "1,383,321,872" in mult_adds.reason and NOT_DERIVED in mult_adds.reason
    assert (params.quantity, params.printed_text, params.status) == (
        "params_with_bn", "8.2M", OK)


def test_fbnet_c_as_mobile_visions_counter_counts_it() -> None:
    # mobile-vision's IRFBlock has no 1×1 expansion where in == mid channels (the e1 blocks
    # b1, b3, b4 of timm's build keep one); its counter adds the average pool's input
    r = costmodel.report(network="fbnetc_100")
    rows = r.layers.set_index("name")
    dropped = sum(int(rows.loc[f"b{i}.expand", "mult_adds"]) for i in (1, 3, 4))
    assert dropped == 16 * 16 * 112 * 112 + 2 * 24 * 24 * 56 * 56
    pool = rows[rows["kind"] == "avgpool"]
    pool_in = int((pool["in_c"] * pool["in_h"] * pool["in_w"]).sum())
    assert pool_in == 1984 * 7 * 7
    assert round((r.mult_adds - dropped + pool_in) / 1e6, 1) == 378.2


@pytest.mark.parametrize(("network", "size", "gmacs"), [
    ("convnext_atto", 224, 0.55), ("convnext_atto", 288, 0.91), ("convnext_femto", 224, 0.79),
    ("convnext_femto", 288, 1.3), ("convnext_pico", 224, 1.37), ("convnext_pico", 288, 2.27),
    ("convnext_nano", 224, 2.46), ("convnext_nano", 288, 4.06)],
    ids=lambda v: str(v))
def test_timm_gmacs_are_fvcores_total(network: str, size: int, gmacs: float) -> None:
    # fvcore (jit_handles.py): 5 per LayerNorm input element, 1 per average-pool input element
    r = costmodel.report(network=network, resolution=size)
    layers = r.layers
    norm = layers[layers["kind"] == "norm"]
    pool = layers[layers["kind"] == "avgpool"]
    total = (r.mult_adds + 5 * int((norm["in_c"] * norm["in_h"] * norm["in_w"]).sum())
             + int((pool["in_c"] * pool["in_h"] * pool["in_w"]).sum()))
    assert round(total / 1e9, 2) == gmacs
