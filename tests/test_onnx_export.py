"""The ONNX export, its independent Mult-Adds count, and measuring with ONNX Runtime.

The export's Conv, Gemm and MatMul multiply-accumulates are counted from the ONNX graph's own
shapes by crosscheck/onnx_macs.py (it imports nothing of costmodel); the expected numbers are
literals, each also fvcore's count on the builder's own PyTorch model (make crosscheck). Every
network at three sizes is in crosscheck/test_onnx.py; here three that use the unusual
operations: ShuffleNet v2 (split, shuffle, max pool), MixNet-S (channel groups, swish, SE) and
ConvNeXt-atto (unpadded patchify, LayerNorm, GELU, layer scale). Nothing here asserts a time.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import numpy as np
import onnx
import onnxruntime as ort

import costmodel
from costmodel.hardware import onnx_export, onnx_run
from costmodel.presentation.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crosscheck"))
from onnx_macs import onnx_macs

# (network, input size, Mult-Adds, classes): fvcore on torchvision's shufflenet_v2_x0_5 and
# timm 1.0.31's mixnet_s and convnext_atto (timm lists 0.55 GMACs for convnext_atto)
EXPORTED = [
    ("shufflenet_v2_x0_5", 224, 40_476_448, 1000),
    ("mixnet_s", 224, 239_173_360, 1000),
    ("convnext_atto", 224, 547_332_480, 1000),
]


def _run(model: onnx.ModelProto, resolution: int) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    image = np.zeros((1, 3, resolution, resolution), dtype=np.float32)
    return np.asarray(session.run(None, {"image": image})[0])


@pytest.mark.parametrize(("network", "resolution", "mult_adds", "classes"), EXPORTED,
                         ids=[row[0] for row in EXPORTED])
def test_the_exported_graph_counts_the_reports_mult_adds(network: str, resolution: int,
                                                         mult_adds: int, classes: int) -> None:
    r = costmodel.report(network=network, resolution=resolution)
    model = r.to_onnx(weights="zeros")
    onnx.checker.check_model(model, full_check=True)
    total, per_node = onnx_macs(model)
    assert total == mult_adds == r.mult_adds
    assert _run(model, resolution).shape == (1, classes)
    # per node too: every conv and fc of the per-layer table, under its own name
    layers = r.layers.set_index("name")["mult_adds"]
    for name, macs in per_node.items():
        assert macs == layers[name], name


def test_the_model_says_its_opset_and_convention(tmp_path: Path) -> None:
    path = tmp_path / "v2.onnx"
    model = costmodel.report(0.5, resolution=128, network="mobilenet_v2").to_onnx(path, seed=3)
    assert path.exists()
    loaded = onnx.load(str(path))
    assert [o.version for o in loaded.opset_import if o.domain in ("", "ai.onnx")] == [17]
    assert "batchnorm folded" in loaded.doc_string
    assert "seed 3" in model.doc_string
    ops = {node.op_type for node in loaded.graph.node}
    assert {"Conv", "Clip", "Add", "GlobalAveragePool", "Gemm"} <= ops
    assert "BatchNormalization" not in ops
    # seeded: the same seed gives the same weights, another seed others
    again = costmodel.report(0.5, resolution=128, network="mobilenet_v2").to_onnx(seed=3)
    other = costmodel.report(0.5, resolution=128, network="mobilenet_v2").to_onnx(seed=4)
    first = onnx.numpy_helper.to_array(model.graph.initializer[0])
    assert np.array_equal(first, onnx.numpy_helper.to_array(again.graph.initializer[0]))
    assert not np.array_equal(first, onnx.numpy_helper.to_array(other.graph.initializer[0]))


def test_zero_weights_are_zero() -> None:
    model = costmodel.report(network="mobilenet_v1_cifar").to_onnx(weights="zeros")
    weights = [onnx.numpy_helper.to_array(t) for t in model.graph.initializer
               if t.name.endswith(".weight")]
    assert weights and all(not w.any() for w in weights)


def test_an_operation_absent_at_this_alpha_passes_its_input_on() -> None:
    # MobileNet v2 at α = 0.35 (TF-slim): b1's residual add exists only where its input and
    # output widths are equal, which they are not at 0.35 (16 → 8 channels)
    r = costmodel.report(0.35, resolution=96, network="mobilenet_v2")
    model = r.to_onnx(weights="zeros")
    names = {node.name for node in model.graph.node}
    assert "b1.add" not in names and "b2.add" not in names and "b3.add" in names
    assert onnx_macs(model)[0] == r.mult_adds == 11_935_408
    assert _run(model, 96).shape == (1, 1001)


def test_export_refuses_bad_choices_and_large_networks() -> None:
    r = costmodel.report(network="mobilenet_v1_cifar")
    with pytest.raises(ValueError, match=r"weights must be one of random, zeros; got 'ones'"):
        r.to_onnx(weights="ones")
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 2\^32\)"):
        r.to_onnx(seed=-1)
    huge = costmodel.report(4.0, resolution=4000, network="mobilenet_v2")
    with pytest.raises(ValueError, match=r"largest activation tensor has .* at most "
                                         r"268,435,456"):
        huge.to_onnx()
    wide = costmodel.report(4.0, resolution=224, network="efficientnet_b3")
    assert wide.params > onnx_export.MAX_PARAMS
    with pytest.raises(ValueError, match=r"parameters at α = 4; an ONNX export holds at most "
                                         r"100,000,000"):
        wide.to_onnx()


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now fails
    with pytest.raises(onnx_export.MissingExtraError, match=r"pip install 'costmodel\[onnx\]'"):
        costmodel.report(network="mobilenet_v1_cifar").to_onnx()
    assert main(["export-onnx", "--network", "mobilenet_v1_cifar", "--out", "x.onnx"]) == 1


def test_cli_export_onnx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "v1.onnx"
    assert main(["export-onnx", "--network", "mobilenet_v1", "--alpha", "0.25",
                 "--resolution", "128", "--weights", "zeros", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "opset 17" in said and "batchnorm folded" in said and "13,570,048 Mult-Adds" in said
    assert onnx_macs(onnx.load(str(out)))[0] == 13_570_048  # TF-slim README: 14 M
    assert main(["export-onnx", "--network", "mobilenet_v1", "--out",
                 str(tmp_path / "v1.txt")]) == 2
    assert "--out must end in .onnx" in capsys.readouterr().err
    assert main(["export-onnx", "--network", "mobilenet_v1", "--out",
                 str(tmp_path / "missing" / "v1.onnx")]) == 1
    assert "cannot write" in capsys.readouterr().err


# --- measuring ----------------------------------------------------------------------------


def test_measure_returns_runs_quartiles_and_layers_beside_the_estimate() -> None:
    lines: list[str] = []
    m = costmodel.measure(0.35, resolution=96, network="mobilenet_v2", warmup=1, repeats=3,
                          progress=lines.append)
    assert (m.network, m.alpha, m.resolution, m.num_classes, m.threads, m.repeats) == (
        "mobilenet_v2", 0.35, 96, 1001, 1, 3)
    assert m.mult_adds == 11_935_408
    assert len(m.times_ms) == 3 and m.q1_ms <= m.median_ms <= m.q3_ms
    assert m.iqr_ms == m.q3_ms - m.q1_ms
    assert m.estimate_ms == costmodel.report(0.35, resolution=96, network="mobilenet_v2"
                                             ).latency(m.profile).total_ms
    assert any("warm-up" in line for line in lines) and any("3/3 runs" in line for line in lines)
    assert m.layers is not None
    layers = m.layers
    names = list(layers["name"])
    assert names[:3] == ["stem", "b1.dw", "b1.project"] and "classifier" in names
    assert (layers["measured_ms"] >= 0).all() and layers["measured_ms"].sum() > 0
    assert math.isclose(layers["measured_pct"].sum(), 100)
    # the estimate's rows and the measured ones are the same operations
    estimate = costmodel.report(0.35, resolution=96, network="mobilenet_v2").latency(
        m.profile).layers
    assert set(estimate["name"]) - {"(invocation)"} <= set(names)


def test_measure_refuses_bad_settings() -> None:
    with pytest.raises(ValueError, match=r"repeats must be an integer in \[3, 10,000\]; got 2"):
        costmodel.measure(network="mobilenet_v1_cifar", repeats=2)
    with pytest.raises(ValueError, match=r"threads must be an integer in \[1, "):
        costmodel.measure(network="mobilenet_v1_cifar", threads=0)
    with pytest.raises(ValueError, match=r"warmup must be an integer in \[0, 1,000\]"):
        costmodel.measure(network="mobilenet_v1_cifar", warmup=1001)
    with pytest.raises(ValueError, match=r"a measurement does at most 1e\+12"):
        costmodel.measure(network="efficientnet_b3", resolution=1000, repeats=10_000)
    assert main(["measure", "--network", "mobilenet_v1_cifar", "--repeats", "1"]) == 2


def test_node_names_map_back_to_operations() -> None:
    operations = {"stem", "b1.dw", "b1.project", "conv_dw1_pw1"}
    assert onnx_run.operation_of("stem_nchwc_kernel_time", operations) == "stem"
    assert onnx_run.operation_of("b1.dw/relu_nchwc_kernel_time", operations) == "b1.dw"
    assert onnx_run.operation_of("b1.project_kernel_time", operations) == "b1.project"
    assert onnx_run.operation_of("conv_dw1_pw1_kernel_time", operations) == "conv_dw1_pw1"
    assert onnx_run.operation_of("ReorderOutput_token_183_kernel_time", operations) is None


def _measurement(network: str, resolution: int, median: float) -> onnx_run.Measurement:
    return onnx_run.Measurement(
        network=network, title=network, rules="tf-slim", alpha=1.0, resolution=resolution,
        num_classes=1001, mult_adds=1, threads=1, warmup=0, repeats=3,
        times_ms=(median - 1, median, median + 2), median_ms=median, q1_ms=median - 0.5,
        q3_ms=median + 1, profile="pixel1", estimate_ms=2 * median, runtime="onnxruntime")


def test_measurements_become_the_frame_a_profile_is_fitted_on() -> None:
    frame = costmodel.measurements_frame([_measurement("mobilenet_v2", 224, 6.0),
                                          _measurement("mobilenet_v2", 160, 3.5)])
    assert list(frame.columns) == ["network", "resolution", "latency_ms", "alpha", "rules",
                                   "num_classes"]
    assert frame.to_dict("records") == [
        {"network": "mobilenet_v2", "resolution": 224, "latency_ms": 6.0, "alpha": 1.0,
         "rules": "tf-slim", "num_classes": 1001},
        {"network": "mobilenet_v2", "resolution": 160, "latency_ms": 3.5, "alpha": 1.0,
         "rules": "tf-slim", "num_classes": 1001}]
    m = _measurement("mobilenet_v1", 224, 4.0)
    assert (m.iqr_ms, m.spread_pct, m.ratio) == (1.5, 37.5, 2.0)


def test_cli_measure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measure", "--network", "mobilenet_v1_cifar", "--repeats", "3", "--warmup",
                 "0", "--layers", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    header = captured.out.splitlines()[0].split(",")
    assert {"name", "measured_ms", "estimate_ms", "estimate_over_measured"} <= set(header)
    assert "3/3 runs" in captured.err and "per-layer profile" in captured.err  # progress
    assert main(["measure", "--networks", "mobilenet_v1_cifar", "--resolutions", "32,33",
                 "--repeats", "3", "--warmup", "0", "--profile", "i9-10940x-spec"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("MobileNet v1 (CIFAR-10")
    assert "32 px" in lines[0] and "33 px" in lines[1] and "estimate on i9-10940x-spec" in lines[1]
    assert main(["measure", "--networks", "mobilenet_v1", "--network", "mobilenet_v2"]) == 2
    assert "give --networks or --network/--arch, not both" in capsys.readouterr().err
    assert main(["measure", "--network", "mobilenet_v1", "--profile", "nowhere"]) == 2


# --- calibrating with ONNX Runtime --------------------------------------------------------


def test_calibrate_with_onnx_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    from calibration_clock import steady_clock

    steady_clock(monkeypatch)  # measurements injected: the verdict never depends on the load
    lines: list[str] = []
    profile = costmodel.calibrate("ort-box", save=False, progress=lines.append,
                                  backend="onnxruntime")
    assert any("MatMul, ONNX Runtime" in line for line in lines)
    assert any("chains of 16 tiny nodes" in line for line in lines)
    assert profile.extra["backend"] == "onnxruntime"
    assert "ONNX Runtime" in profile.provenance
    # every round takes 1 ms under the steady clock: one session run is the invocation
    assert profile.invocation == 1e-3
    assert all(v > 0 for v in profile.peak_flops.values()) and profile.bandwidth > 0
    # auto takes ONNX Runtime where it is installed
    auto = costmodel.calibrate("ort-box", save=False, backend="auto")
    assert auto.extra["backend"] == "onnxruntime"
    with pytest.raises(ValueError, match=r"backend must be one of auto, onnxruntime, pytorch, "
                                         r"numpy; got 'tpu'"):
        costmodel.calibrate("ort-box", save=False, backend="tpu")


def test_calibrate_names_the_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(onnx_export.MissingExtraError, match=r"costmodel\[onnx\]"):
        costmodel.calibrate("ort-box", save=False, backend="onnxruntime")
    assert main(["calibrate", "--no-save", "--backend", "onnxruntime"]) == 1


def test_measured_runs_are_fitted_into_a_profile() -> None:
    # runs timed as the pixel3-4threads profile predicts them: the fit (the same model)
    # reproduces them; no timing is involved
    from costmodel.hardware.onnx_run import Measurement, fit_measured_profile

    device = costmodel.get_profile("pixel3-4threads")
    runs = []
    for alpha in (0.25, 0.5, 0.75, 1.0):
        for resolution in (128, 160, 192, 224):
            r = costmodel.report(alpha, resolution=resolution)
            t = r.latency(device).total_ms
            runs.append(Measurement(
                network="mobilenet_v1", title=r.network.title, rules=r.rules, alpha=alpha,
                resolution=resolution, num_classes=r.classes, mult_adds=r.mult_adds,
                threads=1, warmup=0, repeats=3, times_ms=(t, t, t), median_ms=t, q1_ms=t,
                q3_ms=t, profile=device.name, estimate_ms=t, runtime="test"))
    profile = fit_measured_profile(runs, name="test-cpu", description="synthetic runs")
    assert profile.name == "test-cpu" and profile.fit is not None
    assert profile.fit.points == 16 and profile.fit.mape_pct < 1.0
    assert "16 configurations measured on this CPU with test" in profile.provenance
