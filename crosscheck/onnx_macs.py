"""Multiply-accumulates of an ONNX graph, counted from the graph's own shapes.

Written apart from costmodel (it imports nothing of it): ``onnx.shape_inference`` gives every
value's shape, and each node is counted from its inputs' and output's shapes alone:

* ``Conv``: output elements × (input channels per group × kernel height × kernel width), the
  weight tensor's dimensions 1, 2 and 3 (``N·M·H·W · C/g·kh·kw``); a bias adds none;
* ``Gemm``: ``M·K·N`` of its two matrices (``transA``/``transB`` read);
* ``MatMul``: the broadcast batch × ``M·K·N``.

Every other node counts zero (pools, adds, multiplies, activations, normalisation, data
movement), which is the convention fvcore and costmodel state for Mult-Adds.
"""

from __future__ import annotations

import math

import onnx
from onnx import shape_inference


def shapes(model: onnx.ModelProto) -> dict[str, list[int]]:
    """Every value's shape after ONNX shape inference (strict: a value it cannot infer is an
    error, so that nothing is silently left uncounted)."""
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                            data_prop=True)
    out: dict[str, list[int]] = {}
    graph = inferred.graph
    for info in [*graph.input, *graph.value_info, *graph.output]:
        dims = info.type.tensor_type.shape.dim
        if any(not d.HasField("dim_value") for d in dims):
            raise ValueError(f"shape inference left {info.name!r} without a fixed shape")
        out[info.name] = [d.dim_value for d in dims]
    for tensor in graph.initializer:
        out[tensor.name] = list(tensor.dims)
    return out


def _attribute(node: onnx.NodeProto, name: str, default: int) -> int:
    for attribute in node.attribute:
        if attribute.name == name:
            return int(attribute.i)
    return default


def node_macs(node: onnx.NodeProto, shape: dict[str, list[int]]) -> int:
    """Multiply-accumulates of one node from the shapes of its values."""
    if node.op_type == "Conv":
        weight = shape[node.input[1]]
        return math.prod(shape[node.output[0]]) * math.prod(weight[1:])
    if node.op_type == "Gemm":
        a, b = shape[node.input[0]], shape[node.input[1]]
        m, k = (a[1], a[0]) if _attribute(node, "transA", 0) else (a[0], a[1])
        n = b[0] if _attribute(node, "transB", 0) else b[1]
        assert (b[1] if _attribute(node, "transB", 0) else b[0]) == k, node.name
        return m * k * n
    if node.op_type == "MatMul":
        a, b = shape[node.input[0]], shape[node.input[1]]
        if len(a) == 1:
            a = [1, *a]
        if len(b) == 1:
            b = [*b, 1]
        batch = math.prod(shape[node.output[0]][:-2])
        return batch * a[-2] * a[-1] * b[-1]
    return 0


def onnx_macs(model: onnx.ModelProto) -> tuple[int, dict[str, int]]:
    """(total, per node name) multiply-accumulates of ``model``'s Conv, Gemm and MatMul nodes."""
    shape = shapes(model)
    per_node = {node.name: node_macs(node, shape) for node in model.graph.node
                if node.op_type in ("Conv", "Gemm", "MatMul")}
    return sum(per_node.values()), per_node
