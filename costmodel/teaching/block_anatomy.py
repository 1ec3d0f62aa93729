"""One block taken apart: its operations as the graph builds them, with their edges, the tensor
each makes (C×H×W at the chosen α and input size), their Mult-Adds and parameters, the PyTorch
line of each, and the standard conv the block replaces. This is the data the block diagram
(:mod:`costmodel.presentation.block_diagram`) draws and the lesson's PyTorch lines quote.

Every number comes from the exact counter (:func:`costmodel.core.counting.count_ops`) and the
cost rules (:mod:`costmodel.core.operations`): nothing here multiplies a kernel by channels.
The PyTorch lines are the modules of the builders the networks come from (torchvision and
timm): ``nn.Conv2d(in, out, k, stride=s, padding=k // 2, groups=g, bias=b)``. Symmetric
padding ``k // 2`` gives the same output size as TensorFlow's 'SAME' for the odd kernels the
blocks use (``ceil(size / stride)``), so the line has the cost counted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from costmodel.base.kinds import Activation, OpKind, Role
from costmodel.core.counting import OpCount, count_ops
from costmodel.core.graph import BlockSpec, Graph
from costmodel.core.operations import mult_adds, params
from costmodel.descriptions.network_spec import Operator

#: How each activation is written in a label.
ACTIVATION_LABEL = {Activation.RELU: "ReLU", Activation.RELU6: "ReLU6",
                    Activation.HSWISH: "h-swish", Activation.SWISH: "Swish",
                    Activation.SIGMOID: "sigmoid", Activation.HSIGMOID: "h-sigmoid",
                    Activation.GELU: "GELU", Activation.NONE: ""}

#: The block types in words (the diagram's title, the lesson's sentences).
OPERATOR_LABEL = {
    Operator.SEPARABLE: "depthwise-separable pair",
    Operator.INVERTED_RESIDUAL: "inverted residual",
    Operator.FUSED: "fused inverted residual",
    Operator.UNIVERSAL: "universal inverted bottleneck",
    Operator.GHOST_BOTTLENECK: "ghost bottleneck",
    Operator.SHUFFLE_UNIT: "ShuffleNet v2 unit",
    Operator.CONVNEXT_BLOCK: "ConvNeXt block",
    Operator.REPVIT_BLOCK: "RepViT block",
}


@dataclass(frozen=True, kw_only=True)
class Shape:
    """A tensor's channels × height × width (one image)."""

    channels: int
    height: int
    width: int

    @property
    def text(self) -> str:
        """``144×56×56`` (C×H×W)."""
        return f"{self.channels}×{self.height}×{self.width}"


@dataclass(frozen=True, kw_only=True)
class BlockOp:
    """One operation of a block. ``inputs`` index the block's ``ops`` (-1: the block's input
    tensor); ``short`` is its name without the block's prefix (``expand``, ``se.reduce``)."""

    name: str
    short: str
    kind: OpKind
    role: Role
    label: str
    activation: str
    inputs: tuple[int, ...]
    input: Shape
    output: Shape
    kernel: int
    stride: int
    groups: int
    depthwise: bool
    mult_adds: int
    params: int
    pytorch: str


@dataclass(frozen=True, kw_only=True)
class StandardConv:
    """The standard k×k conv in the block's place: from its input to its output channels at
    its stride (Howard et al. 2017, eq. 5; a 1×1 conv where the block has no spatial kernel,
    MobileNetV4's FFN block)."""

    kernel: int
    stride: int
    input: Shape
    output: Shape
    mult_adds: int
    params: int
    pytorch: str


@dataclass(frozen=True, kw_only=True)
class ConvComparison:
    """The standard conv in a block's place against a depthwise-separable pair of the same
    kernel, channels and stride (Howard et al. 2017, eqs. 1-5): each part's Mult-Adds,
    parameters and PyTorch line, for the picture of the three convolutions."""

    kernel: int
    stride: int
    input: Shape
    output: Shape
    standard_mult_adds: int
    standard_params: int
    depthwise_mult_adds: int
    depthwise_params: int
    pointwise_mult_adds: int
    pointwise_params: int
    standard_pytorch: str
    depthwise_pytorch: str
    pointwise_pytorch: str

    @property
    def ratio(self) -> float:
        """(depthwise + pointwise) / standard: 1/N + 1/D_K² (eq. 5)."""
        return (self.depthwise_mult_adds + self.pointwise_mult_adds) / self.standard_mult_adds


def conv_comparison(standard: StandardConv) -> ConvComparison:
    """The separable pair in the place of ``standard``: a k×k depthwise conv on its input
    channels at its stride, then a 1×1 conv to its output channels."""
    k, s, inp, out = standard.kernel, standard.stride, standard.input, standard.output
    m, n, pixels = inp.channels, out.channels, out.height * out.width
    mid = Shape(channels=m, height=out.height, width=out.width)
    return ConvComparison(
        kernel=k, stride=s, input=inp, output=out, standard_mult_adds=standard.mult_adds,
        standard_params=standard.params,
        depthwise_mult_adds=int(mult_adds(OpKind.CONV, k, 1, m, pixels)),
        depthwise_params=int(params(OpKind.CONV, k, 1, m, 0)),
        pointwise_mult_adds=int(mult_adds(OpKind.CONV, 1, m, n, pixels)),
        pointwise_params=int(params(OpKind.CONV, 1, m, n, 0)),
        standard_pytorch=standard.pytorch,
        depthwise_pytorch=(f"nn.Conv2d({m}, {m}, {k}, stride={s}, padding={k // 2}, "
                           f"groups={m}, bias=False)  # {inp.text} → {mid.text}"),
        pointwise_pytorch=(f"nn.Conv2d({m}, {n}, 1, stride=1, padding=0, bias=False)  "
                           f"# {mid.text} → {out.text}"))


@dataclass(frozen=True, kw_only=True)
class BlockAnatomy:
    """A block at one α and input size: its operations in the graph's order, with edges."""

    network: str
    block: str
    operator: Operator
    alpha: float
    resolution: int
    input: Shape
    ops: tuple[BlockOp, ...]
    standard: StandardConv

    @property
    def output(self) -> Shape:
        return self.ops[-1].output

    @property
    def mult_adds(self) -> int:
        return sum(op.mult_adds for op in self.ops)

    @property
    def params(self) -> int:
        return sum(op.params for op in self.ops)

    @property
    def title(self) -> str:
        return f"{self.block}: {OPERATOR_LABEL.get(self.operator, self.operator.value)}"

    @property
    def comparison(self) -> ConvComparison:
        """The standard conv in the block's place against a separable pair."""
        return conv_comparison(self.standard)


def _shape(op: OpCount, output: bool) -> str:
    if output:
        return f"{op.out_channels}×{op.out_size}×{op.out_size}"
    return f"{op.in_channels}×{op.in_size}×{op.in_size}"


def pytorch_line(op: OpCount, operands: tuple[str, ...] = ()) -> str:
    """The PyTorch (torchvision/timm) line that does ``op`` at its cost, with the shapes it
    maps as a comment: ``nn.Conv2d(144, 144, 3, stride=1, padding=1, groups=144,
    bias=False)  # 144×56×56 → 144×56×56``. ``operands`` name the tensors an add, a concat or
    a scale reads (default ``x``, ``y``)."""
    shapes = f"  # {_shape(op, False)} → {_shape(op, True)}"
    a, b = (operands + ("x", "y")[len(operands):])[:2]
    if op.kind is OpKind.CONV:
        groups = f", groups={op.groups}" if op.groups > 1 else ""
        return (f"nn.Conv2d({op.in_channels}, {op.out_channels}, {op.kernel}, "
                f"stride={op.stride}, padding={op.kernel // 2}{groups}, bias={op.bias})"
                + shapes)
    if op.kind is OpKind.FC:
        return f"nn.Linear({op.in_channels}, {op.out_channels}, bias={op.bias})" + shapes
    if op.kind is OpKind.POOL:
        return "nn.AdaptiveAvgPool2d(1)" + shapes
    if op.kind is OpKind.SCALE:
        return f"{a} * {b}  # the gate scales each channel: {_shape(op, True)}"
    if op.kind is OpKind.ADD:
        return f"{a} + {b}  # {_shape(op, True)}"
    if op.kind is OpKind.CONCAT:
        return f"torch.cat([{a}, {b}], dim=1)  # → {_shape(op, True)}"
    if op.kind is OpKind.SPLIT:
        return f"x.chunk(2, dim=1)  # {_shape(op, False)} → 2 × {_shape(op, True)}"
    if op.kind is OpKind.SHUFFLE:
        return f"channel_shuffle(x, {op.kernel})  # {_shape(op, True)}"
    if op.kind is OpKind.NORM:
        return f"LayerNorm2d({op.out_channels})" + shapes
    if op.kind is OpKind.LAYER_SCALE:
        return f"x * gamma.view(1, -1, 1, 1)  # gamma: {op.out_channels} parameters"
    return f"# {op.kind.value}" + shapes


def standard_pytorch_line(kernel: int, stride: int, inp: Shape, out: Shape) -> str:
    """The standard conv's PyTorch line (no bias: batchnorm follows, folded)."""
    return (f"nn.Conv2d({inp.channels}, {out.channels}, {kernel}, stride={stride}, "
            f"padding={kernel // 2}, bias=False)  # {inp.text} → {out.text}")


def standard_conv(spec: BlockSpec, channels: list[int], sizes: list[int]) -> StandardConv:
    """The standard conv in ``spec``'s place at the evaluated ``channels`` and ``sizes``: a
    ``kernel``×``kernel`` conv (1×1 where the block has no spatial kernel) from the block's
    input to its output channels, at the block's output size."""
    kernel = spec.kernel or 1
    m, n = channels[spec.in_var], channels[spec.out_var]
    d_in, d_out = sizes[spec.in_level], sizes[spec.out_level]
    inp, out = Shape(channels=m, height=d_in, width=d_in), Shape(channels=n, height=d_out,
                                                                  width=d_out)
    return StandardConv(
        kernel=kernel, stride=spec.stride, input=inp, output=out,
        mult_adds=int(mult_adds(OpKind.CONV, kernel, m, n, d_out * d_out)),
        params=int(params(OpKind.CONV, kernel, m, n, 0)),
        pytorch=standard_pytorch_line(kernel, spec.stride, inp, out))


def _label(op: OpCount) -> str:
    """What the operation does, in a few words: ``1×1 conv 24→144``, ``3×3 depthwise,
    stride 2``, ``global average pool``..."""
    stride = f", stride {op.stride}" if op.stride > 1 else ""
    if op.kind is OpKind.CONV:
        if op.depthwise:
            return f"{op.kernel}×{op.kernel} depthwise{stride}"
        grouped = f" /{op.groups}" if op.groups > 1 else ""
        return (f"{op.kernel}×{op.kernel} conv {op.in_channels}→{op.out_channels}{grouped}"
                f"{stride}")
    return {OpKind.FC: f"linear {op.in_channels}→{op.out_channels}",
            OpKind.POOL: "global average pool", OpKind.SCALE: "× scale by the gate",
            OpKind.ADD: "+ add", OpKind.CONCAT: "concat", OpKind.SPLIT: "split in two",
            OpKind.SHUFFLE: "channel shuffle", OpKind.NORM: "LayerNorm",
            OpKind.LAYER_SCALE: "layer scale γ", OpKind.MAXPOOL: "max pool",
            OpKind.ACTIVATION: "activation"}.get(op.kind, op.kind.value)


def _short(name: str, spec: BlockSpec) -> str:
    """``b3.se.reduce`` → ``se.reduce``; a separable pair's SE (``b13.se.pool`` in
    ``dw13/pw13``) loses its ``b13.`` too."""
    for prefix in (spec.name, f"b{spec.index}"):
        if name.startswith(prefix + "."):
            return name[len(prefix) + 1:]
    return name


def block_ops(graph: Graph, spec: BlockSpec, alpha: float,
              resolution: int) -> tuple[OpCount, ...]:
    """The operations of ``spec`` that exist at ``alpha``, evaluated (in the graph's order)."""
    return tuple(op for op in count_ops(graph, alpha, resolution)
                 if spec.first <= op.index <= spec.last)


def block_anatomy(graph: Graph, block: str, alpha: float, resolution: int) -> BlockAnatomy:
    """``block`` of ``graph`` (by name: ``b3``, ``dw2/pw2``) at ``alpha`` and
    ``resolution``: its operations with their inputs (an operation absent at this α passes
    its first input on), shapes, Mult-Adds, parameters and PyTorch lines, and the standard
    conv in its place."""
    spec = next((b for b in graph.blocks if b.name == block), None)
    if spec is None:
        names = ", ".join(b.name for b in graph.blocks)
        raise ValueError(f"block must be one of: {names}; got {block!r}")
    counted = block_ops(graph, spec, alpha, resolution)
    position = {op.index: i for i, op in enumerate(counted)}
    channels = graph.program.evaluate(alpha)
    sizes = graph.sizes(resolution)

    def source(j: int) -> int:
        """Where graph input ``j`` comes from inside the block (-1: the block's input)."""
        while j >= spec.first and j not in position:  # absent at this α: its input goes on
            j = graph.ops[j].inputs[0]
        return position.get(j, -1)

    ops = []
    for op in counted:
        inputs = tuple(source(j) for j in graph.ops[op.index].inputs)
        operands = tuple("x" if i < 0 else _short(counted[i].name, spec).replace(".", "_")
                         for i in inputs)
        ops.append(BlockOp(
            name=op.name, short=_short(op.name, spec), kind=op.kind, role=op.role,
            label=_label(op), activation=ACTIVATION_LABEL.get(op.activation, ""),
            inputs=inputs,
            input=Shape(channels=op.in_channels, height=op.in_size, width=op.in_size),
            output=Shape(channels=op.out_channels, height=op.out_size, width=op.out_size),
            kernel=op.kernel, stride=op.stride, groups=op.groups, depthwise=op.depthwise,
            mult_adds=op.mult_adds, params=op.params,
            pytorch=pytorch_line(op, operands if len(operands) > 1 else ())))
    d_in = sizes[spec.in_level]
    return BlockAnatomy(
        network=graph.network.title, block=spec.name, operator=spec.operator, alpha=alpha,
        resolution=resolution,
        input=Shape(channels=channels[spec.in_var], height=d_in, width=d_in),
        ops=tuple(ops), standard=standard_conv(spec, channels, sizes))


__all__ = ["ACTIVATION_LABEL", "OPERATOR_LABEL", "BlockAnatomy", "BlockOp", "ConvComparison",
           "Shape", "StandardConv", "block_anatomy", "block_ops", "conv_comparison",
           "pytorch_line", "standard_conv", "standard_pytorch_line"]
