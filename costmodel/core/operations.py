"""One cost rule per operation kind: the only place where a cost is written down.

Each rule is written with plain arithmetic, so the same function gives a Python integer (the
per-layer count), a numpy array (sweeps) or a sympy expression (the formulas): the symbolic
formulas, the exact counts, the fast totals, the sweeps, the standard-convolution equivalent and
the memory model all call these functions and nothing else.

From an operation's shape (kernel ``k``, input channels per group, input and output channels,
input and output area in pixels, bias or not) a rule derives:

* ``weights``: the weight count, ``k·k·(C_in/groups)·C_out`` for a conv (Howard et al. 2017,
  eqs. 1 and 3), ``C_in·C_out`` for a fully connected layer; zero for the others;
* Mult-Adds: weights per output pixel × output area (eqs. 2 and 3; for a fully connected layer
  the output area is 1), see :func:`mult_adds`;
* parameters: weights + one bias per output channel where the operation has a bias;
* activation elements read and written, and element-wise operations (residual adds, SE scale
  multiplies, pooled additions), for the memory and latency models. Bytes moved are
  ``dtype size × (elements read + weights + elements written)`` (ShuffleNet v2, section 2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from costmodel.base.kinds import OpKind

#: A count: an ``int``, a float, a numpy array or a sympy expression.
Quantity = Any


def _conv_weights(kernel: Quantity, in_per_group: Quantity, out_channels: Quantity) -> Quantity:
    return kernel * kernel * in_per_group * out_channels


def _fc_weights(kernel: Quantity, in_per_group: Quantity, out_channels: Quantity) -> Quantity:
    return in_per_group * out_channels


def _no_weights(kernel: Quantity, in_per_group: Quantity, out_channels: Quantity) -> Quantity:
    return 0 * out_channels


def _reads_input(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                 out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return in_area * in_channels


def _reads_two_inputs(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                      out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return 2 * in_area * in_channels


def _reads_input_and_gate(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                          out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return in_area * in_channels + in_channels


def _none(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
          out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return 0 * out_channels


def _one_per_output(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                    out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return out_area * out_channels


def _one_per_input(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                   out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return in_area * in_channels


def _window_per_output(in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                       out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    return kernel * kernel * out_area * out_channels


Weights = Callable[[Quantity, Quantity, Quantity], Quantity]
Elements = Callable[..., Quantity]


@dataclass(frozen=True, kw_only=True)
class CostRule:
    """The cost of one operation kind, in words and as functions of its shape.

    ``weights(kernel, in_per_group, out_channels)`` is bilinear in the two channel counts (the
    fast totals rely on it; the tests check it symbolically). ``reads``, ``writes`` and
    ``elementwise`` are functions of ``(in_area, in_channels, out_area, out_channels,
    kernel)``; most operations write their output once, ``out_area·out_channels`` elements (a
    view, the channel split, writes nothing).
    """

    kind: OpKind
    rule: str
    weights: Weights
    reads: Elements
    elementwise: Elements
    elementwise_label: str = ""
    writes: Elements = _one_per_output

    @property
    def weighted(self) -> bool:
        """Whether the operation has weights (and so Mult-Adds)."""
        return self.weights is not _no_weights


def _register(rules: list[CostRule]) -> Mapping[OpKind, CostRule]:
    registry: dict[OpKind, CostRule] = {}
    for rule in rules:
        if rule.kind in registry:
            raise ValueError(f"operation kind {rule.kind!r} is registered twice")
        registry[rule.kind] = rule
    missing = set(OpKind) - set(registry)
    if missing:
        raise ValueError(f"no cost rule for {sorted(missing)}")
    return MappingProxyType(registry)


#: Operation kind → its cost rule. A new kind is one entry here.
RULES: Mapping[OpKind, CostRule] = _register([
    CostRule(
        kind=OpKind.CONV,
        rule="k·k·(C_in/groups)·C_out weights, each used once per output pixel "
             "(Howard et al. 2017, eqs. 1-3; depthwise: groups = C_in = C_out)",
        weights=_conv_weights, reads=_reads_input, elementwise=_none,
    ),
    CostRule(
        kind=OpKind.FC,
        rule="C_in·C_out weights on a 1×1 map, plus a bias per output",
        weights=_fc_weights, reads=_reads_input, elementwise=_none,
    ),
    CostRule(
        kind=OpKind.POOL,
        rule="global average: no weights, zero Mult-Adds; H·W·C additions (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_input,
        elementwise_label="pool additions",
    ),
    CostRule(
        kind=OpKind.ADD,
        rule="residual add: zero Mult-Adds; H·W·C additions (labelled)",
        weights=_no_weights, reads=_reads_two_inputs, elementwise=_one_per_output,
        elementwise_label="residual adds",
    ),
    CostRule(
        kind=OpKind.SCALE,
        rule="squeeze-and-excite scale: zero Mult-Adds; H·W·C multiplies (labelled)",
        weights=_no_weights, reads=_reads_input_and_gate, elementwise=_one_per_output,
        elementwise_label="SE scale multiplies",
    ),
    CostRule(
        kind=OpKind.ACTIVATION,
        rule="element-wise activation: zero Mult-Adds; one operation per element (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_output,
        elementwise_label="activation operations",
    ),
    CostRule(
        kind=OpKind.NORM,
        rule="layer normalisation (not folded): no weights, zero Mult-Adds; γ and β per channel "
             "(params_with_bn); about one operation per element (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_output,
        elementwise_label="normalisation operations",
    ),
    CostRule(
        kind=OpKind.LAYER_SCALE,
        rule="layer scale: a learned γ per channel (a parameter, like a bias), zero "
             "Mult-Adds; one multiply per element (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_output,
        elementwise_label="layer-scale multiplies",
    ),
    CostRule(
        kind=OpKind.MAXPOOL,
        rule="windowed max pool: no weights, zero Mult-Adds; k·k comparisons per output "
             "element (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_window_per_output,
        elementwise_label="max-pool comparisons",
    ),
    CostRule(
        kind=OpKind.WINDOW_AVGPOOL,
        rule="windowed average pool: no weights, zero Mult-Adds; k·k additions per output "
             "element (labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_window_per_output,
        elementwise_label="average-pool additions",
    ),
    CostRule(
        kind=OpKind.CONCAT,
        rule="channel concatenation: zero Mult-Adds; reads its inputs, writes their channels "
             "side by side (copies, labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_output,
        elementwise_label="concat copies",
    ),
    CostRule(
        kind=OpKind.SPLIT,
        rule="channel split: a view of a group of its input's channels; zero Mult-Adds, "
             "nothing read or written",
        weights=_no_weights, reads=_none, elementwise=_none, writes=_none,
    ),
    CostRule(
        kind=OpKind.SHUFFLE,
        rule="channel shuffle: zero Mult-Adds; reads and writes every element once (a "
             "transpose copied, labelled)",
        weights=_no_weights, reads=_reads_input, elementwise=_one_per_output,
        elementwise_label="shuffle copies",
    ),
])


def output_size(size: Quantity, stride: int) -> Quantity:
    """Output size under 'SAME' padding: ``ceil(size / stride)`` (integers or integer arrays;
    torchvision's symmetric ``k // 2`` padding gives the same for odd kernels). A negative
    ``stride`` is a 'VALID' window as wide as its stride (ConvNeXt's 4×4 patchify stem and 2×2
    downsampling, no padding): ``floor(size / |stride|)``, the remainder dropped."""
    if stride < 0:
        return size // -stride
    return -(-size // stride)


def min_resolution(strides: tuple[int, ...]) -> int:
    """The smallest input size with a pixel left after every 'VALID' window among
    ``strides`` (negative entries, see :func:`output_size`); 'SAME' ones never empty a map."""
    needed = 1
    for stride in strides:
        if stride < 0:
            needed *= -stride
    return needed


def too_small(strides: tuple[int, ...], resolution: object) -> str:
    """The refusal of an input that the unpadded windows shrink to nothing."""
    return (f"resolution must be at least {min_resolution(strides)} px for this network (its "
            f"unpadded patchify and downsampling windows drop the remainder, so a smaller "
            f"input has no pixels left); got {resolution}")


def weights(kind: OpKind, kernel: Quantity, in_per_group: Quantity,
            out_channels: Quantity) -> Quantity:
    """Weight count of one operation (no bias)."""
    return RULES[kind].weights(kernel, in_per_group, out_channels)


def mult_adds(kind: OpKind, kernel: Quantity, in_per_group: Quantity, out_channels: Quantity,
              out_area: Quantity) -> Quantity:
    """Multiply-accumulates: weights per output pixel × output area (eqs. 2-3)."""
    return RULES[kind].weights(kernel, in_per_group, out_channels) * out_area


def params(kind: OpKind, kernel: Quantity, in_per_group: Quantity, out_channels: Quantity,
           bias: Quantity) -> Quantity:
    """Parameters: weights plus ``bias`` (0 or 1) per output channel; batchnorm folded."""
    return RULES[kind].weights(kernel, in_per_group, out_channels) + bias * out_channels


def batchnorm_params(out_channels: Quantity, batchnorm: Quantity) -> Quantity:
    """Batchnorm γ and β: two per output channel where the operation is batch-normalised."""
    return 2 * batchnorm * out_channels


def elements_read(kind: OpKind, in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                  out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    """Activation elements the operation reads (weights not included)."""
    return RULES[kind].reads(in_area, in_channels, out_area, out_channels, kernel)


def elements_written(out_area: Quantity, out_channels: Quantity,
                     kind: OpKind = OpKind.CONV) -> Quantity:
    """Activation elements the operation writes: its output, once (none for a view)."""
    return RULES[kind].writes(0, 0, out_area, out_channels)


def bytes_read(elements_in: Quantity, params: Quantity, bytes_per_element: Quantity) -> Quantity:
    """Bytes an operation reads: its input elements and its parameters, at the dtype's size."""
    return bytes_per_element * (elements_in + params)


def bytes_written(elements_out: Quantity, bytes_per_element: Quantity) -> Quantity:
    """Bytes an operation writes: its output elements, at the dtype's size."""
    return bytes_per_element * elements_out


def bytes_moved(elements_in: Quantity, params: Quantity, elements_out: Quantity,
                bytes_per_element: Quantity) -> Quantity:
    """Bytes an operation moves, ``size × (elements read + parameters + elements written)``
    (Ma et al. 2018, ShuffleNet v2, section 2: memory access cost); the one home of the
    memory and latency models' traffic."""
    return (bytes_read(elements_in, params, bytes_per_element)
            + bytes_written(elements_out, bytes_per_element))


def elementwise_ops(kind: OpKind, in_area: Quantity, in_channels: Quantity, out_area: Quantity,
                    out_channels: Quantity, kernel: Quantity = 1) -> Quantity:
    """Element-wise operations outside the Mult-Adds (adds, multiplies, copies, comparisons),
    labelled by kind."""
    return RULES[kind].elementwise(in_area, in_channels, out_area, out_channels, kernel)


__all__ = [
    "RULES",
    "CostRule",
    "Quantity",
    "batchnorm_params",
    "bytes_moved",
    "bytes_read",
    "bytes_written",
    "elements_read",
    "elements_written",
    "elementwise_ops",
    "min_resolution",
    "mult_adds",
    "output_size",
    "params",
    "too_small",
    "weights",
]
