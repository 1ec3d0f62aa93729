"""timm's ImageNet evaluation of its checkpoints (data/published/timm_results_imagenet.csv):
the rows as printed, their place in accuracy_data(), frontier() and the reconciliation.

Every literal below is copied from huggingface/pytorch-image-models@aa4b5850,
results/results-imagenet.csv (columns model, img_size, top1, top5, param_count, crop_pct), or
is this library's exact count of the same network (params_with_bn: weights, biases and
batchnorm γβ, which is what timm's param_count sums).
"""

from __future__ import annotations

import pytest

import costmodel
from costmodel.descriptions.builtin_networks import NETWORK_NAMES, get_network
from costmodel.literature import published
from costmodel.literature.published import Origin, published_rows

SOURCE = "timm results/results-imagenet.csv @aa4b5850"
FILE = "timm_results_imagenet.csv"

#: (checkpoint, img_size, top1, top5, param_count, crop_pct) as printed; exact params_with_bn
PRINTED = [
    ("mixnet_s.ft_in1k", 224, 76.000, 92.796, "4.13M", "0.875", 4_134_606),
    ("mobilenetv4_conv_medium.e500_r256_in1k", 256, 79.916, 95.188, "9.72M", "0.950",
     9_715_512),
    ("lcnet_100.ra2_in1k", 224, 72.130, 90.376, "2.95M", "0.875", 2_953_800),
    ("tinynet_e.in1k", 106, 59.874, 81.774, "2.04M", "0.875", 2_042_972),
    ("tf_efficientnetv2_b3.in21k_ft_in1k", 300, 82.634, 96.628, "14.36M", "0.900",
     14_358_406),
]


def _rows() -> list[published.PublishedRow]:
    return [row for row in published_rows() if row.file == FILE]


@pytest.mark.parametrize(("model", "size", "top1", "top5", "params", "crop", "exact"), PRINTED,
                         ids=[f"{SOURCE}: {p[0]} at {p[1]}" for p in PRINTED])
def test_rows_as_printed(model: str, size: int, top1: float, top5: float, params: str,
                         crop: str, exact: int) -> None:
    (row,) = [r for r in _rows() if r.model == model and r.resolution == size]
    network, _, tag = model.partition(".")
    assert (row.source, row.origin, row.network, row.rules) == (
        SOURCE, Origin.CHECKPOINTS, network, "timm")
    assert (row.top1, row.top5, row.classes, row.task) == (top1, top5, 1000, "ImageNet")
    assert row.params is not None and row.params.text == params
    assert row.params_counted == "params_with_bn" and row.mult_adds is None
    assert f"checkpoint {tag}" in row.note and f"crop_pct {crop}" in row.note
    # the exact count at that network rounds to timm's 2-decimal millions
    r = costmodel.report(network=network, resolution=size)
    assert r.params_with_bn == exact
    assert round(exact / 1e6, 2) == row.params.value
    (comparison,) = [c for c in r.published if c.source == SOURCE]
    assert comparison.status == "rounds to print" and comparison.printed_text == params


@pytest.mark.parametrize(("model", "size", "top1", "top5", "params", "crop", "exact"), PRINTED,
                         ids=[f"{SOURCE}: {p[0]} at {p[1]}" for p in PRINTED])
def test_accuracy_data_has_the_rows(model: str, size: int, top1: float, top5: float,
                                    params: str, crop: str, exact: int) -> None:
    data = costmodel.accuracy_data()
    part = data[(data["source"] == SOURCE) & (data["model"] == model)
                & (data["resolution"] == size)]
    assert dict(zip(part["metric"], part["value"], strict=True)) == {
        "top-1 %": top1, "top-5 %": top5}
    assert set(part["exact_params"]) == {exact}
    assert set(part["params_m"]) == {float(params.removesuffix("M"))}
    assert set(part["origin"]) == {"checkpoints"} and set(part["task"]) == {"ImageNet"}


def test_every_row_names_a_builtin_timm_network() -> None:
    rows = _rows()
    # the checkpoints of built-in timm networks in timm's file (ghostnet, convnext, mobileone
    # and repvit included)
    assert len(rows) == 108
    assert len({r.network for r in rows}) == 74
    for row in rows:
        assert row.network in NETWORK_NAMES, row.model
        assert get_network(row.network).rules[0].name == "timm", row.model
        base, dot, tag = row.model.partition(".")
        assert (base, dot) == (row.network, ".") and tag, row.model
        assert row.rules == "timm" and row.alpha is None and row.depth is None
        assert row.source == SOURCE and row.origin is Origin.CHECKPOINTS
        assert row.top1 is not None and row.top5 is not None and row.resolution is not None
        assert row.params is not None and row.params.unit == "M" and row.params.decimals == 2
        assert f"evaluated at {row.resolution} px, crop_pct " in row.note
    # one row per checkpoint and evaluation size
    assert len({(r.model, r.resolution) for r in rows}) == len(rows)


def test_every_timm_param_count_rounds_to_the_exact_count() -> None:
    frame = costmodel.reconciliation()
    part = frame[frame["source"] == SOURCE]
    # one comparison per checkpoint (a checkpoint evaluated at two sizes prints it twice)
    assert len(part) == len({r.model for r in _rows()}) == 85
    assert set(part["quantity"]) == {"params_with_bn"}
    # timm prints MobileOne's and RepViT's training form; they are counted re-parameterised
    reparameterised = part["model"].str.match(r"(mobileone_s\d|repvit_m0_9)\.")
    assert reparameterised.sum() == 7
    assert set(part[~reparameterised]["status"]) == {"rounds to print"}
    assert set(part[reparameterised]["status"]) == {"differs"}
    assert part[reparameterised]["reason"].str.contains("training form").all()
    row = part[part["model"] == "mixnet_s.ft_in1k"].iloc[0]
    assert (row["printed"], row["exact"]) == ("4.13M", 4_134_606)


def test_frontier_ranks_a_timm_network_on_its_measured_point() -> None:
    f = costmodel.frontier(networks=["mixnet_s"])
    assert len(f) == 1
    row = f.iloc[0]
    # timm 1.0.31's mixnet_s at 224: 239,173,360 Mult-Adds (fvcore), 4,102,414 params
    assert (row["network"], row["alpha"], row["resolution"]) == ("mixnet_s", 1.0, 224)
    assert (row["mult_adds"], row["params"]) == (239_173_360, 4_102_414)
    assert (row["top1"], row["low"], row["high"]) == (76.0, 76.0, 76.0)
    assert row["basis"] == "measured" and bool(row["on_frontier"])
    assert row["source"] == f"{SOURCE}: mixnet_s.ft_in1k"


def test_frontier_ranks_timm_networks_beside_fitted_ones() -> None:
    f = costmodel.frontier(max_mult_adds=250e6, networks=["mobilenet_v1", "mixnet_s"])
    best = f.iloc[0]
    # 76.0 % measured beats every predicted MobileNet v1 configuration within 250 M
    assert (best["network"], best["top1"], best["basis"]) == ("mixnet_s", 76.0, "measured")
    assert bool(best["on_frontier"])
    assert set(f["network"]) == {"mobilenet_v1", "mixnet_s"}


def test_frontier_takes_the_best_checkpoint_of_a_configuration() -> None:
    # mobilenetv4_conv_small at 256: e2400_r224_in1k 74.644 and e3600_r256_in1k 74.534;
    # at 224 the e2400 checkpoint (73.756) beats e1200 (73.450); 320: only e3600 (75.616)
    f = costmodel.frontier(networks=["mobilenetv4_conv_small"])
    by_size = {int(r): (t, s) for r, t, s in zip(f["resolution"], f["top1"], f["source"],
                                                   strict=True)}
    assert by_size == {
        320: (75.616, f"{SOURCE}: mobilenetv4_conv_small.e3600_r256_in1k"),
        256: (74.644, f"{SOURCE}: mobilenetv4_conv_small.e2400_r224_in1k"),
        224: (73.756, f"{SOURCE}: mobilenetv4_conv_small.e2400_r224_in1k"),
    }
    assert set(f["alpha"]) == {1.0}


def test_frontier_names_a_network_it_cannot_rank() -> None:
    # timm's file has no mobilenetv2_035 checkpoint
    f = costmodel.frontier(networks=["mixnet_s", "mobilenetv2_035"])
    assert list(f["network"]) == ["mixnet_s"]
    assert ("1 network with no published ImageNet top-1 is not ranked: mobilenetv2_035"
            in f.attrs["message"])
    empty = costmodel.frontier(networks=["mobilenetv2_035"])
    assert empty.empty and "not ranked: mobilenetv2_035" in empty.attrs["message"]


def test_frontier_uses_a_fixed_width_networks_own_alpha() -> None:
    # tinynet_e is EfficientNet-B0 at width 0.51 (timm's fixed α), evaluated at 106 px
    f = costmodel.frontier(networks=["tinynet_e"])
    assert (float(f["alpha"].iloc[0]), int(f["resolution"].iloc[0]),
            float(f["top1"].iloc[0])) == (0.51, 106, 59.874)


def _with_row(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    text = published.read_data_text(f"published/{FILE}")
    assert old in text
    changed = text.replace(old, new, 1)
    real = published.read_data_text
    monkeypatch.setattr(published, "read_data_text",
                        lambda name: changed if name == f"published/{FILE}" else real(name))
    published.published_rows.cache_clear()


@pytest.mark.parametrize(("old", "new", "message"), [
    (",mixnet_s,timm,", ",mixnet_q,timm,", "network must be one of"),
    (",mixnet_s,timm,", ",mixnet_s,tf-slim,", r"rules must be one of mixnet_s's rule sets"),
    (",76.000,92.796,", ",176.000,92.796,", "top1 must be a percentage"),
    (",4.13M,", ",4.13 MB,", "a printed figure must be a number"),
    (",4.13M,params_with_bn,", ",4.13M,params_bn,", "params_counted must be"),
    (",224,1000,ImageNet,76.000", ",224.5,1000,ImageNet,76.000", "resolution must be an integer"),
], ids=["unknown network", "rules the network lacks", "top-1 over 100", "unit",
        "params_counted", "fractional resolution"])
def test_loader_validates_the_file(monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                                   message: str) -> None:
    _with_row(monkeypatch, old, new)
    try:
        with pytest.raises(ValueError, match=rf"{FILE} line \d+: {message}"):
            published_rows()
    finally:
        monkeypatch.undo()
        published.published_rows.cache_clear()
    assert len(_rows()) == 108
