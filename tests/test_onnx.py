"""The ONNX export and its independent Mult-Adds count.

The export's Conv, Gemm and MatMul multiply-accumulates are counted from the ONNX graph's own
shapes by crosscheck/onnx_macs.py (it imports nothing of costmodel); the expected numbers are
literals, each also fvcore's count on the builder's own PyTorch model (make crosscheck). Every
network at three sizes is in crosscheck/test_onnx.py; here three that use the unusual
operations: ShuffleNet v2 (split, shuffle, max pool), MixNet-S (channel groups, swish, SE) and
ConvNeXt-atto (unpadded patchify, LayerNorm, GELU, layer scale). Nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import numpy as np
import onnx
import onnxruntime as ort

import costmodel
from costmodel.hardware import onnx_export
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
