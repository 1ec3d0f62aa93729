"""A network as an ONNX graph, built from its :class:`~costmodel.core.graph.Graph` at one α and
input size, so that it opens in Netron and runs in ONNX Runtime
(:mod:`costmodel.hardware.onnx_run`).

What is written, per operation of the graph (its edges are the graph's ``inputs``):

* ``conv``: ``Conv`` with ``group = C_in / (C_in per group)``, weights
  ``(C_out, C_in/groups, k, k)`` and explicit pads. The pads are 'SAME' as TensorFlow pads:
  ``total = max((out − 1)·stride + k − in, 0)``, the smaller half before, so that the output is
  the graph's own size (:func:`costmodel.core.operations.output_size`: ``ceil(in / stride)``);
  a 'VALID' window (a negative stride in ``Graph.strides``) gets no pads and keeps
  ``floor(in / stride)``. Batchnorm is **folded**: a batch-normalised conv is written as the
  conv with a bias (what batchnorm becomes at inference), so no ``BatchNormalization`` node
  appears; a conv with its own bias has it too;
* ``fc``: ``Flatten`` (where its input is a map) and ``Gemm`` with ``transB = 1`` and a bias;
* ``pool``: ``GlobalAveragePool``; ``maxpool`` and ``window_avgpool``: ``MaxPool`` and
  ``AveragePool`` with the operation's kernel, stride and the same pads (padding excluded from
  the average);
* ``add``: ``Add``; ``scale`` (squeeze-and-excite): ``Mul`` of the map by its 1×1 gate;
  ``layer_scale``: ``Mul`` by a per-channel γ;
* ``concat``: ``Concat`` on the channels, then ``Slice`` to the operation's width where the
  parts are wider (the ghost module cuts its concatenation to the output width);
* ``split``, and a conv that reads one channel group of a wider tensor (MixConv's kernels,
  grouped 1×1 convs): ``Slice`` of that group, the groups taken in order;
* ``shuffle``: ``Reshape`` to ``(1, g, C/g, H, W)``, ``Transpose`` of the two channel axes,
  ``Reshape`` back (ShuffleNet's channel shuffle);
* ``norm``: ``LayerNormalization`` over the channels (``Transpose`` to channels-last and back
  on a map), ε = 1e-6;
* activations: ``Relu``; ``Clip(0, 6)`` for ReLU6; ``HardSwish``; ``HardSigmoid`` with
  α = 1/6, β = 0.5 (``relu6(x + 3) / 6``); ``Sigmoid``; swish as ``x·Sigmoid(x)``; GELU as its
  definition ``0.5·x·(1 + erf(x/√2))`` (``Gelu`` is an operator only from opset 20).

An operation that does not exist at this α (``OpSpec.present_if``) writes nothing and passes
its first input on, as in the counts. Node names are the graph's operation names; the helper
nodes of one operation are called ``NAME/what`` (``b3.dw/relu6``), so that a per-node
profile maps back to the operation (:func:`costmodel.hardware.onnx_run.operation_of`).

The opset is :data:`OPSET` (17). Weights are zeros or seeded random (He-normal, so that the
activations stay finite): a graph to measure and to look at, not a trained model.

Sizes are bounded (:data:`MAX_PARAMS`, :data:`MAX_TENSOR_ELEMENTS`,
:data:`MAX_OPERATIONS`); a larger network is refused with a ``ValueError`` before anything
is built. ``onnx`` is an optional extra (``pip install 'costmodel[onnx]'``):
:class:`MissingExtraError` says so where it is not installed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costmodel.base.kinds import Activation, OpKind
from costmodel.core.counting import present, totals
from costmodel.core.graph import FLAT, Graph, OpSpec

if TYPE_CHECKING:
    import numpy as np
    import onnx

#: The ONNX opset the graphs are written in (LayerNormalization exists from 17).
OPSET = 17
#: At most this many parameters (400 MB of float32 weights; a protobuf file holds at most 2 GB).
MAX_PARAMS = 100_000_000
#: At most this many elements in one activation tensor (1 GiB of float32).
MAX_TENSOR_ELEMENTS = 2**28
#: At most this many operations in the graph.
MAX_OPERATIONS = 20_000
WEIGHTS = ("random", "zeros")
INPUT_NAME = "image"
OUTPUT_NAME = "logits"
#: ε of the layer normalisations (timm's LayerNorm2d and ConvNeXt's head).
NORM_EPSILON = 1e-6
EXTRA = "onnx"


class MissingExtraError(ImportError):
    """An optional package is not installed; the message names the extra to install."""


def require(module: str, purpose: str) -> Any:  # noqa: ANN401 -- a module
    """``import module``, or :class:`MissingExtraError` naming the ``onnx`` extra."""
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs the {module} package, which is not installed: pip install "
            f"'costmodel[{EXTRA}]' (onnx and onnxruntime)") from None


def check_size(graph: Graph, alpha: float, resolution: int) -> None:
    """Refuse a configuration beyond the stated limits (``ValueError`` naming the limit)."""
    operations = len(graph.ops)
    if operations > MAX_OPERATIONS:
        raise ValueError(f"the network has {operations:,} operations; an ONNX export holds at "
                         f"most {MAX_OPERATIONS:,}")
    _, params, _ = totals(graph, alpha, resolution)
    if params > MAX_PARAMS:
        raise ValueError(f"the network has {params:,} parameters at α = {alpha:g}; an ONNX "
                         f"export holds at most {MAX_PARAMS:,} (400 MB of float32 weights)")
    channels = graph.program.evaluate(alpha)
    sizes = graph.sizes(resolution)
    largest = resolution * resolution * channels[graph.image_var]
    for op in graph.ops:
        size = 1 if op.out_level == FLAT else sizes[op.out_level]
        largest = max(largest, size * size * channels[op.out_var])
    if largest > MAX_TENSOR_ELEMENTS:
        raise ValueError(f"the largest activation tensor has {largest:,} elements at α = "
                         f"{alpha:g} and {resolution} px; an ONNX export allows at most "
                         f"{MAX_TENSOR_ELEMENTS:,} (1 GiB of float32): a smaller resolution "
                         f"or α")


@dataclass(frozen=True, slots=True)
class _Tensor:
    """A value of the ONNX graph: its name, channels, map size and rank (2: ``(1, C)``)."""

    name: str
    channels: int
    size: int
    rank: int = 4


class _Writer:
    def __init__(self, graph: Graph, alpha: float, resolution: int, weights: str,
                 seed: int) -> None:
        import numpy as np

        self.onnx = require("onnx", "ONNX export")
        self.np = np
        self.graph = graph
        self.channels = graph.program.evaluate(alpha)
        self.sizes = graph.sizes(resolution)
        self.exists = present(graph, self.channels)
        self.random = weights == "random"
        self.rng = np.random.default_rng(seed)
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.names: set[str] = set()
        #: per tensor read in channel groups: the next group's first channel
        self.cursor: dict[str, int] = {}
        self.constants: dict[tuple[object, ...], str] = {}

    # --- building blocks ---------------------------------------------------------------------

    def node(self, op_type: str, inputs: list[str], name: str, **attributes: object) -> str:
        if name in self.names:
            raise ValueError(f"ONNX node name {name!r} is used twice")
        self.names.add(name)
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [name], name=name,
                                                     **attributes))
        return name

    def initializer(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def constant(self, values: list[int] | list[float], dtype: str) -> str:
        """A shared constant tensor (shapes, slice bounds, scalars)."""
        key = (dtype, tuple(values))
        found = self.constants.get(key)
        if found is None:
            found = f"const.{len(self.constants)}"
            self.initializer(found, self.np.array(values, dtype=dtype))
            self.constants[key] = found
        return found

    def weight(self, name: str, shape: tuple[int, ...], fan_in: int) -> str:
        np = self.np
        if self.random:
            array = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(
                math.sqrt(2.0 / max(fan_in, 1)))
        else:
            array = np.zeros(shape, dtype=np.float32)
        return self.initializer(name, array)

    def filled(self, name: str, shape: tuple[int, ...], value: float) -> str:
        return self.initializer(name, self.np.full(shape, value, dtype=self.np.float32))

    # --- tensors -----------------------------------------------------------------------------

    def as_map(self, x: _Tensor, where: str) -> _Tensor:
        if x.rank == 4:
            return x
        name = self.node("Unsqueeze", [x.name, self.constant([2, 3], "int64")],
                         f"{where}/unsqueeze")
        return _Tensor(name, x.channels, 1)

    def as_vector(self, x: _Tensor, where: str) -> _Tensor:
        if x.rank == 2:
            return x
        if x.size != 1:
            raise ValueError(f"operation {where!r} is fully connected but reads a "
                             f"{x.size}×{x.size} map (it needs a pooled 1×1 map)")
        name = self.node("Flatten", [x.name], f"{where}/flatten", axis=1)
        return _Tensor(name, x.channels, 1, rank=2)

    def channel_slice(self, x: _Tensor, start: int, stop: int, name: str) -> _Tensor:
        out = self.node("Slice", [x.name, self.constant([start], "int64"),
                                  self.constant([stop], "int64"), self.constant([1], "int64")],
                        name)
        return _Tensor(out, stop - start, x.size, x.rank)

    def read(self, x: _Tensor, channels: int, op: OpSpec) -> _Tensor:
        """``x``, or the next group of ``channels`` of its channels where the operation reads
        one group of a wider tensor (MixConv, grouped 1×1 convs, a channel split)."""
        if channels == x.channels:
            return x
        if channels > x.channels:
            raise ValueError(f"operation {op.name!r} (line {op.line}) reads {channels} "
                             f"channels from a tensor of {x.channels}")
        start = self.cursor.get(x.name, 0)
        if start + channels > x.channels:
            start = 0
        self.cursor[x.name] = (start + channels) % x.channels
        return self.channel_slice(x, start, start + channels, f"{op.name}/slice")

    def check_size(self, x: _Tensor, level: int, op: OpSpec) -> None:
        expected = 1 if level == FLAT else self.sizes[level]
        if x.size != expected:
            raise ValueError(f"operation {op.name!r} (line {op.line}) reads a {x.size}×{x.size} "
                             f"map where its level says {expected}×{expected}")

    def pads(self, x: _Tensor, op: OpSpec, kernel: int) -> tuple[list[int], int]:
        """'SAME' pads (TensorFlow's: the smaller half before) that give the graph's output
        size, and that size; 'VALID' windows need none."""
        out = 1 if op.out_level == FLAT else self.sizes[op.out_level]
        total = max((out - 1) * op.stride + kernel - x.size, 0)
        before = total // 2
        if (x.size + total - kernel) // op.stride + 1 != out:
            raise ValueError(f"operation {op.name!r} (line {op.line}): a {kernel}×{kernel} "
                             f"window at stride {op.stride} cannot take a {x.size} px map to "
                             f"{out} px")
        return [before, before, total - before, total - before], out

    # --- activations -------------------------------------------------------------------------

    def activation(self, x: _Tensor, activation: Activation, where: str) -> _Tensor:
        if activation is Activation.NONE:
            return x
        prefix = f"{where}/{activation.value}"
        if activation is Activation.RELU:
            name = self.node("Relu", [x.name], prefix)
        elif activation is Activation.RELU6:
            name = self.node("Clip", [x.name, self.scalar(0.0), self.scalar(6.0)], prefix)
        elif activation is Activation.HSWISH:
            name = self.node("HardSwish", [x.name], prefix)
        elif activation is Activation.HSIGMOID:
            name = self.node("HardSigmoid", [x.name], prefix, alpha=1.0 / 6.0, beta=0.5)
        elif activation is Activation.SIGMOID:
            name = self.node("Sigmoid", [x.name], prefix)
        elif activation is Activation.SWISH:
            gate = self.node("Sigmoid", [x.name], f"{prefix}.sigmoid")
            name = self.node("Mul", [x.name, gate], prefix)
        else:  # GELU: 0.5·x·(1 + erf(x/√2))
            scaled = self.node("Mul", [x.name, self.scalar(1 / math.sqrt(2.0))],
                               f"{prefix}.scale")
            erf = self.node("Erf", [scaled], f"{prefix}.erf")
            one = self.node("Add", [erf, self.scalar(1.0)], f"{prefix}.add")
            half = self.node("Mul", [x.name, self.scalar(0.5)], f"{prefix}.half")
            name = self.node("Mul", [half, one], prefix)
        return _Tensor(name, x.channels, x.size, x.rank)

    def scalar(self, value: float) -> str:
        key = ("scalar", value)
        found = self.constants.get(key)
        if found is None:
            found = f"const.{len(self.constants)}"
            self.initializer(found, self.np.array(value, dtype=self.np.float32))
            self.constants[key] = found
        return found

    # --- operations --------------------------------------------------------------------------

    def conv(self, x: _Tensor, op: OpSpec) -> _Tensor:
        cin, cout = self.channels[op.in_var], self.channels[op.out_var]
        per_group = self.channels[op.group_var]
        x = self.as_map(self.read(x, cin, op), op.name)
        self.check_size(x, op.in_level, op)
        if per_group < 1 or cin % per_group or cout % (cin // per_group):
            raise ValueError(f"operation {op.name!r} (line {op.line}): {cin} input channels in "
                             f"groups of {per_group} cannot give {cout} outputs")
        groups = cin // per_group
        pads, out = self.pads(x, op, op.kernel)
        inputs = [x.name, self.weight(f"{op.name}.weight", (cout, per_group, op.kernel,
                                                            op.kernel),
                                      per_group * op.kernel * op.kernel)]
        if op.bias or op.batchnorm:  # a batchnorm folded is a bias
            inputs.append(self.filled(f"{op.name}.bias", (cout,), 0.0))
        name = self.node("Conv", inputs, op.name, kernel_shape=[op.kernel, op.kernel],
                         strides=[op.stride, op.stride], pads=pads, group=groups)
        return _Tensor(name, cout, out)

    def fc(self, x: _Tensor, op: OpSpec) -> _Tensor:
        cin, cout = self.channels[op.in_var], self.channels[op.out_var]
        x = self.as_vector(self.read(x, cin, op), op.name)
        weight = self.weight(f"{op.name}.weight", (cout, cin), cin)
        bias = self.filled(f"{op.name}.bias", (cout,), 0.0)
        name = self.node("Gemm", [x.name, weight, bias], op.name, transB=1)
        return _Tensor(name, cout, 1, rank=2)

    def window_pool(self, x: _Tensor, op: OpSpec) -> _Tensor:
        x = self.as_map(self.read(x, self.channels[op.in_var], op), op.name)
        self.check_size(x, op.in_level, op)
        pads, out = self.pads(x, op, op.kernel)
        name = self.node("MaxPool" if op.kind is OpKind.MAXPOOL else "AveragePool", [x.name],
                         op.name, kernel_shape=[op.kernel, op.kernel],
                         strides=[op.stride, op.stride], pads=pads)
        return _Tensor(name, x.channels, out)

    def joined(self, parts: list[_Tensor], op: OpSpec) -> list[_Tensor]:
        """The inputs of an add or a scale as tensors of one rank."""
        if all(p.rank == 2 for p in parts):
            return parts
        return [self.as_map(p, f"{op.name}/{i}") for i, p in enumerate(parts)]

    def add(self, parts: list[_Tensor], op: OpSpec) -> _Tensor:
        a, b = self.joined(parts, op)
        if (a.channels, a.size) != (b.channels, b.size):
            raise ValueError(f"add {op.name!r} (line {op.line}) joins a {a.size}×{a.size}×"
                             f"{a.channels} and a {b.size}×{b.size}×{b.channels} tensor")
        return _Tensor(self.node("Add", [a.name, b.name], op.name), a.channels, a.size, a.rank)

    def scale(self, parts: list[_Tensor], op: OpSpec) -> _Tensor:
        x, gate = self.joined(parts, op)
        if gate.channels != x.channels or gate.size != 1:
            raise ValueError(f"scale {op.name!r} (line {op.line}): the gate must be 1×1×"
                             f"{x.channels}; got {gate.size}×{gate.size}×{gate.channels}")
        return _Tensor(self.node("Mul", [x.name, gate.name], op.name), x.channels, x.size,
                       x.rank)

    def concat(self, parts: list[_Tensor], op: OpSpec) -> _Tensor:
        parts = self.joined(parts, op)
        cout = self.channels[op.out_var]
        total = sum(p.channels for p in parts)
        if total < cout or len({p.size for p in parts}) != 1:
            raise ValueError(f"concat {op.name!r} (line {op.line}) of "
                             f"{[(p.size, p.channels) for p in parts]} (size, channels) cannot "
                             f"give {cout} channels")
        out = _Tensor(self.node("Concat", [p.name for p in parts], op.name, axis=1), total,
                      parts[0].size, parts[0].rank)
        if total > cout:  # the ghost module's cut
            out = self.channel_slice(out, 0, cout, f"{op.name}/cut")
        return out

    def split(self, x: _Tensor, op: OpSpec) -> _Tensor:
        cout = self.channels[op.out_var]
        part = self._table_part(op)
        if part is None:
            return self.read(x, cout, op)
        index, parts = part
        share = x.channels // parts
        start = 0 if index == 1 else x.channels - (parts - index + 1) * share
        return self.channel_slice(x, start, start + cout, op.name)

    def _table_part(self, op: OpSpec) -> tuple[int, int] | None:
        """A graph table's ``split part=i/n`` (its own blocks' splits are read in order)."""
        for table_op in self.graph.network.ops:
            if table_op.name == op.name:
                return table_op.part
        return None

    def shuffle(self, x: _Tensor, op: OpSpec) -> _Tensor:
        groups = op.kernel
        x = self.as_map(x, op.name)
        if x.channels % groups:
            raise ValueError(f"shuffle {op.name!r} (line {op.line}): {x.channels} channels "
                             f"are not divisible by {groups} groups")
        split = self.node("Reshape", [x.name, self.constant(
            [1, groups, x.channels // groups, x.size, x.size], "int64")], f"{op.name}/reshape")
        swapped = self.node("Transpose", [split], f"{op.name}/transpose", perm=[0, 2, 1, 3, 4])
        name = self.node("Reshape", [swapped, self.constant(
            [1, x.channels, x.size, x.size], "int64")], op.name)
        return _Tensor(name, x.channels, x.size)

    def norm(self, x: _Tensor, op: OpSpec) -> _Tensor:
        c = x.channels
        scale = self.filled(f"{op.name}.scale", (c,), 1.0)
        bias = self.filled(f"{op.name}.bias", (c,), 0.0)
        if x.rank == 2:
            name = self.node("LayerNormalization", [x.name, scale, bias], op.name, axis=-1,
                             epsilon=NORM_EPSILON)
            return _Tensor(name, c, 1, rank=2)
        last = self.node("Transpose", [x.name], f"{op.name}/to_channels_last", perm=[0, 2, 3, 1])
        normed = self.node("LayerNormalization", [last, scale, bias], op.name, axis=-1,
                           epsilon=NORM_EPSILON)
        back = self.node("Transpose", [normed], f"{op.name}/to_channels_first",
                         perm=[0, 3, 1, 2])
        return _Tensor(back, c, x.size)

    def layer_scale(self, x: _Tensor, op: OpSpec) -> _Tensor:
        shape = (x.channels,) if x.rank == 2 else (x.channels, 1, 1)
        gamma = self.filled(f"{op.name}.gamma", shape, 1.0)
        return _Tensor(self.node("Mul", [x.name, gamma], op.name), x.channels, x.size, x.rank)

    # --- the graph ---------------------------------------------------------------------------

    def build(self) -> list[_Tensor]:
        image = _Tensor(INPUT_NAME, self.channels[self.graph.image_var], self.sizes[0])
        tensors: list[_Tensor] = []

        def tensor(i: int) -> _Tensor:
            return image if i < 0 else tensors[i]

        for i, op in enumerate(self.graph.ops):
            inputs = [tensor(j) for j in op.inputs]
            if not self.exists[i]:
                tensors.append(inputs[0])  # absent at this α: its first input passes on
                continue
            first = inputs[0]
            kind = op.kind
            if kind is OpKind.CONV:
                out = self.conv(first, op)
            elif kind is OpKind.FC:
                out = self.fc(first, op)
            elif kind is OpKind.POOL:
                x = self.as_map(self.read(first, self.channels[op.in_var], op), op.name)
                self.check_size(x, op.in_level, op)
                out = _Tensor(self.node("GlobalAveragePool", [x.name], op.name), x.channels, 1)
            elif kind in (OpKind.MAXPOOL, OpKind.WINDOW_AVGPOOL):
                out = self.window_pool(first, op)
            elif kind is OpKind.ADD:
                out = self.add(inputs, op)
            elif kind is OpKind.SCALE:
                out = self.scale(inputs, op)
            elif kind is OpKind.CONCAT:
                out = self.concat(inputs, op)
            elif kind is OpKind.SPLIT:
                out = self.split(first, op)
            elif kind is OpKind.SHUFFLE:
                out = self.shuffle(first, op)
            elif kind is OpKind.NORM:
                out = self.norm(first, op)
            elif kind is OpKind.LAYER_SCALE:
                out = self.layer_scale(first, op)
            else:  # an activation as an operation of its own
                out = self.activation(first, op.activation, op.name) \
                    if op.activation is not Activation.NONE else first
                tensors.append(out)
                continue
            tensors.append(self.activation(out, op.activation, op.name))
        return tensors

    def model(self, title: str, doc: str) -> onnx.ModelProto:
        onnx = self.onnx
        tensors = self.build()
        if not tensors:
            raise ValueError("the network has no operations to export")
        last = tensors[-1]
        classes = self.graph.classes
        if last.channels != classes or last.size != 1:
            raise ValueError(f"the network ends in a {last.size}×{last.size}×{last.channels} "
                             f"tensor; an export needs (1, {classes}) logits")
        if last.rank == 4:
            last = _Tensor(self.node("Flatten", [last.name], "logits/flatten", axis=1),
                           last.channels, 1, rank=2)
        self.nodes.append(onnx.helper.make_node("Identity", [last.name], [OUTPUT_NAME],
                                                name="logits"))
        image = onnx.helper.make_tensor_value_info(
            INPUT_NAME, onnx.TensorProto.FLOAT,
            [1, self.channels[self.graph.image_var], self.sizes[0], self.sizes[0]])
        logits = onnx.helper.make_tensor_value_info(OUTPUT_NAME, onnx.TensorProto.FLOAT,
                                                    [1, classes])
        body = onnx.helper.make_graph(self.nodes, title, [image], [logits], self.initializers,
                                      doc_string=doc)
        model = onnx.helper.make_model(body, producer_name="costmodel",
                                       opset_imports=[onnx.helper.make_opsetid("", OPSET)],
                                       doc_string=doc)
        model.ir_version = min(model.ir_version, 8)  # opset 17's IR version, for older readers
        return model


def export_onnx(graph: Graph, alpha: float, resolution: int, path: str | Path | None = None,
                *, weights: str = "random", seed: int = 0, title: str = "",
                doc: str = "") -> onnx.ModelProto:
    """``graph`` at ``alpha`` and ``resolution`` as an ONNX model (see the module docstring),
    written to ``path`` where one is given. ``weights``: ``"random"`` (He-normal from
    ``seed``) or ``"zeros"``. ``ValueError`` for a bad choice or a network beyond the limits;
    :class:`MissingExtraError` without the ``onnx`` package."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHTS)}; got {weights!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2^32); got {seed!r}")
    check_size(graph, alpha, resolution)
    writer = _Writer(graph, alpha, resolution, weights, seed)
    convention = ("batchnorm folded into each conv's bias; 'SAME' pads as TensorFlow; opset "
                  f"{OPSET}; {weights} weights" + (f" (seed {seed})" if weights == "random"
                                                   else ""))
    model = writer.model(title or graph.network.key, f"{doc} ({convention})" if doc
                         else convention)
    if path is not None:
        target = Path(path)
        try:
            writer.onnx.save_model(model, str(target))
        except OSError as error:
            raise OSError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
    return model


__all__ = ["INPUT_NAME", "MAX_OPERATIONS", "MAX_PARAMS", "MAX_TENSOR_ELEMENTS", "OPSET",
           "OUTPUT_NAME", "WEIGHTS", "MissingExtraError", "check_size", "export_onnx",
           "require"]
