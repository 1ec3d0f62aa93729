"""The published latency rows the device profiles are fitted on and validated against
(data/published/): each value as its source prints it, each row with its source and device."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.literature.published import PublishedRow, published_rows

P3T = "Pixel 3 (TF-Lite CPU, 4 threads)"
P4T = "Pixel 4 (TF-Lite CPU, 4 threads)"
I9 = "Intel Core i9-10940X (timm, PyTorch 2.4, batch 1)"


def _rows(file: str, device: str) -> list[PublishedRow]:
    return [r for r in published_rows() if r.file == file and r.device == device
            and r.latency_ms is not None]


def _one(file: str, device: str, model: str) -> PublishedRow:
    found = [r for r in _rows(file, device) if r.model == model]
    assert len(found) == 1, (file, device, model, found)
    return found[0]


@pytest.mark.parametrize(("model", "network", "alpha", "resolution", "ms"), [
    pytest.param("Mobilenet_V1_0.25_128", "mobilenet_v1", 0.25, 128, 1.2, id="hosted-v1-0.25-128"),
    pytest.param("Mobilenet_V1_0.50_192", "mobilenet_v1", 0.5, 192, 6.0, id="hosted-v1-0.50-192"),
    pytest.param("Mobilenet_V1_0.75_160", "mobilenet_v1", 0.75, 160, 8.2, id="hosted-v1-0.75-160"),
    pytest.param("Mobilenet_V1_1.0_224", "mobilenet_v1", 1.0, 224, 24.0, id="hosted-v1-1.0-224"),
    pytest.param("Mobilenet_V2_1.0_224", "mobilenet_v2", 1.0, 224, 17.5, id="hosted-v2-1.0-224"),
    pytest.param("MnasNet_0.50_224", "mnasnet0_5", 0.5, 224, 9.5, id="hosted-mnasnet-0.50-224"),
    pytest.param("MnasNet_1.0_96", "mnasnet1_0", 1.0, 96, 5.6, id="hosted-mnasnet-1.0-96"),
    pytest.param("MnasNet_1.3_224", "mnasnet1_3", 1.3, 224, 27.9, id="hosted-mnasnet-1.3-224"),
])
def test_tflite_hosted_models_pixel3_4_threads(model: str, network: str, alpha: float,
                                               resolution: int, ms: float) -> None:
    row = _one("tflite_hosted_models.csv", P3T, model)
    assert (row.network, row.alpha, row.resolution, row.latency_ms) == (
        network, alpha, resolution, ms)
    assert row.source.startswith("TF-Lite hosted_models.md")


def test_tflite_hosted_models_has_every_float_row() -> None:
    rows = _rows("tflite_hosted_models.csv", P3T)
    assert [sum(r.network == n for r in rows) for n in ("mobilenet_v1", "mobilenet_v2")] == [16, 1]
    assert sum(r.network.startswith("mnasnet") for r in rows) == 8
    assert all("not named on the page" in r.note for r in rows if r.network.startswith("mnas"))


@pytest.mark.parametrize(("device", "ms"), [pytest.param(P3T, 23.9, id="benchmarks-pixel3"),
                                            pytest.param(P4T, 14.0, id="benchmarks-pixel4")])
def test_tflite_benchmarks_page(device: str, ms: float) -> None:
    row = _one("tflite_benchmarks.csv", device, "Mobilenet_1.0_224(float)")
    assert (row.network, row.alpha, row.resolution, row.latency_ms) == (
        "mobilenet_v1", 1.0, 224, ms)


@pytest.mark.parametrize(("model", "resolution", "ms"), [
    pytest.param("efficientnet-lite0", 224, 12, id="lite-readme-lite0"),
    pytest.param("efficientnet-lite1", 240, 18, id="lite-readme-lite1"),
    pytest.param("efficientnet-lite2", 260, 26, id="lite-readme-lite2"),
    pytest.param("efficientnet-lite3", 280, 41, id="lite-readme-lite3"),
    pytest.param("efficientnet-lite4", 300, 76, id="lite-readme-lite4"),
])
def test_efficientnet_lite_pixel4_cpu(model: str, resolution: int, ms: float) -> None:
    row = _one("next_families_papers.csv", P4T, model)
    assert (row.resolution, row.latency_ms) == (resolution, ms)
    assert row.top1 is not None  # the float row of the README, with its top-1


@pytest.mark.parametrize(("model", "pixel2", "pixel3"), [
    pytest.param("Large dm=1 (float)", 61, 44, id="tfslim-v3-readme-large-1.0"),
    pytest.param("Large dm=0.75 (float)", 48, 34, id="tfslim-v3-readme-large-0.75"),
    pytest.param("Small dm=1 (float)", 19.4, 14.4, id="tfslim-v3-readme-small-1.0"),
    pytest.param("Small dm=0.75 (float)", 15.9, 11.6, id="tfslim-v3-readme-small-0.75"),
    pytest.param("Large minimalistic (float)", 51, 35, id="tfslim-v3-readme-large-min"),
    pytest.param("Small minimalistic (float)", 15.1, 11, id="tfslim-v3-readme-small-min"),
])
def test_tfslim_v3_readme_pixel2_and_pixel3(model: str, pixel2: float, pixel3: float) -> None:
    for device, ms in (("Pixel 2", pixel2), ("Pixel 3", pixel3)):
        assert _one("mobilenet_v3_tfslim.csv", device, model).latency_ms == ms


@pytest.mark.parametrize(("model", "pixel2", "pixel3"), [
    pytest.param("V2 1.0", 76, 56, id="v3-paper-table3-v2-1.0"),
    pytest.param("V2 0.35", 19.6, 13.9, id="v3-paper-table3-v2-0.35"),
    pytest.param("MnasNet-A1", 86, 61, id="v3-paper-table3-mnasnet-a1"),
    pytest.param("V3-Large 0.75", 46, 40, id="v3-paper-table3-large-0.75"),
    pytest.param("V3-Small 0.75", 15.6, 11.7, id="v3-paper-table3-small-0.75"),
])
def test_v3_paper_table3_pixel2_and_pixel3(model: str, pixel2: float, pixel3: float) -> None:
    for device, ms in (("Pixel 2", pixel2), ("Pixel 3", pixel3)):
        assert _one("mobilenet_v3_paper.csv", device, model).latency_ms == ms


@pytest.mark.parametrize(("model", "resolution", "ms"), [
    pytest.param("mobilenetv1_100", 224, 4.013, id="timm-i9-mobilenetv1_100-224"),
    pytest.param("mobilenetv2_100", 224, 5.299, id="timm-i9-mobilenetv2_100-224"),
    pytest.param("ghostnet_100", 224, 8.117, id="timm-i9-ghostnet_100-224"),
    pytest.param("convnext_nano", 288, 22.252, id="timm-i9-convnext_nano-288"),
    pytest.param("mixnet_xl", 224, 30.656, id="timm-i9-mixnet_xl-224"),
    pytest.param("efficientnet_b3", 320, 21.147, id="timm-i9-efficientnet_b3-320"),
])
def test_timm_i9_rows(model: str, resolution: int, ms: float) -> None:
    found = [r for r in _rows("timm_i9_latency.csv", I9)
             if r.model == model and r.resolution == resolution]
    assert [r.latency_ms for r in found] == [ms]


def test_timm_i9_has_every_describable_row() -> None:
    rows = _rows("timm_i9_latency.csv", I9)
    assert len(rows) == 113  # the rows of the CSV whose model is a built-in network
    assert len({(r.model, r.resolution) for r in rows}) == 113
    training = [r for r in rows if r.network.startswith(("mobileone", "repvit"))]
    assert len(training) == 6 and all("training form" in r.note for r in training)


@pytest.mark.parametrize(("network", "resolution", "param_count_m"), [
    pytest.param("efficientnet_b1", 240, 7.79, id="timm-i9-param_count-efficientnet_b1"),
    pytest.param("efficientnet_b2", 256, 9.11, id="timm-i9-param_count-efficientnet_b2"),
    pytest.param("efficientnet_b3", 288, 12.23, id="timm-i9-param_count-efficientnet_b3"),
])
def test_timm_efficientnets_are_torchvisions_widths(network: str, resolution: int,
                                                   param_count_m: float) -> None:
    r = costmodel.report(network=network, resolution=resolution, rules="torchvision")
    assert round(r.params_with_bn / 1e6, 2) == param_count_m
