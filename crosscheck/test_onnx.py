"""Every built-in network exported to ONNX, counted from the ONNX graph's own shapes.

``Report.to_onnx`` writes the network from costmodel's graph of operations and edges;
``onnx_macs`` (this folder; it imports nothing of costmodel) counts the Conv, Gemm and MatMul
multiply-accumulates from the shapes ``onnx.shape_inference`` gives. They must equal
``report(...).mult_adds`` to the unit for every built-in network at its default resolution and
at two odd ones (193 and 97 px), and every export must pass ``onnx.checker`` and run in ONNX
Runtime with ``(1, classes)`` logits.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx_macs import onnx_macs

import costmodel

pytestmark = pytest.mark.crosscheck

NETWORKS = [n.name for n in costmodel.networks()]
SIZES = (None, 193, 97)  # the network's default, and two odd sizes


def test_every_network_is_checked() -> None:
    assert len(NETWORKS) == 118


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("resolution", SIZES, ids=["default", "193", "97"])
def test_onnx_graph_counts_equal_mult_adds(network: str, resolution: int | None) -> None:
    r = costmodel.report(network=network, resolution=resolution)
    total, _ = onnx_macs(r.to_onnx(weights="zeros"))
    assert total == r.mult_adds


@pytest.mark.parametrize("network", NETWORKS)
def test_onnx_graph_loads_and_runs(network: str) -> None:
    r = costmodel.report(network=network)
    model = r.to_onnx(seed=0)
    onnx.checker.check_model(model, full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    image = np.random.default_rng(0).standard_normal((1, 3, r.resolution, r.resolution),
                                                     dtype=np.float32)
    logits = session.run(None, {"image": image})[0]
    assert logits.shape == (1, r.classes)
    assert np.isfinite(logits).all()
