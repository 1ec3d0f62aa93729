"""Memory of one configuration: weights, activations, bytes moved, and the peak of sequential
batch-1 inference.

Per operation (from the cost rules of :mod:`costmodel.core.operations`): activation elements read
and written, weights, bytes moved at a dtype (reads of the inputs and the weights, the write of
the output; ShuffleNet v2, section 2), and arithmetic intensity (FLOP = 2·Mult-Adds per byte).

Peak activation memory follows the MobileNet v2 paper's definition (section 5.1): "the maximum
total size of combined inputs and outputs across all operations", plus any tensor held for a
later use: a block's input waiting for its residual add, the depthwise output waiting for the
squeeze-and-excite scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from costmodel.base.kinds import OpKind
from costmodel.core.counting import OpCount, count_ops
from costmodel.core.graph import Graph

if TYPE_CHECKING:
    import pandas as pd

#: Bytes per element of each dtype.
DTYPES: dict[str, int] = {"float32": 4, "float16": 2, "int8": 1}


def check_dtype(dtype: object) -> int:
    """Bytes per element of ``dtype``; ``ValueError`` naming the accepted ones otherwise."""
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return DTYPES[dtype]


def resolved_inputs(graph: Graph, ops: tuple[OpCount, ...]) -> list[tuple[int, ...]]:
    """The inputs of each operation that exists (indices into ``graph.ops``; -1: the image):
    an operation absent at this α (an expansion conv, a residual add) passes its first input
    on. Operations without recorded inputs (an older graph) read the one before."""
    exists = {op.index for op in ops}

    def live(i: int) -> int:
        while i >= 0 and i not in exists:
            inputs = graph.ops[i].inputs
            i = inputs[0] if inputs else i - 1
        return i

    out = []
    for op in ops:
        inputs = graph.ops[op.index].inputs or (op.index - 1,)
        out.append(tuple(dict.fromkeys(live(i) for i in inputs)))
    return out


def held_elements(graph: Graph, ops: tuple[OpCount, ...]) -> list[int]:
    """Per operation, the elements of tensors produced earlier, kept for a later operation and
    neither read nor written by this one, from the graph's edges: a residual block's input
    until its add, the depthwise output under squeeze-and-excite until the scale, a branch's
    output until its concat. A view (a channel split) holds the channels it shows."""
    inputs = resolved_inputs(graph, ops)
    last_use: dict[int, int] = {}
    for p, reads in enumerate(inputs):
        for i in reads:
            if i >= 0:
                last_use[i] = p
    size = {op.index: op.out_size * op.out_size * op.out_channels for op in ops}
    held = [0] * len(ops)
    live: dict[int, int] = {}  # tensor (producing op index) → elements, kept for later
    for p, op in enumerate(ops):
        held[p] = sum(n for i, n in live.items() if i not in inputs[p])
        for i in inputs[p]:
            if last_use.get(i) == p:
                live.pop(i, None)
        if last_use.get(op.index, -1) > p:
            live[op.index] = size[op.index]
    return held


@dataclass(frozen=True, kw_only=True)
class Memory:
    """Weights and activations of one configuration at one dtype.

    ``peak_activation_bytes`` is the largest, over operations, of the inputs + the output +
    the tensors held for later (see :func:`held_elements`), in bytes; ``peak_layer`` is where
    it falls. ``layers`` has one row per operation (elements, bytes, intensity), made at its
    first use from ``ops`` (the counted operations) and ``held`` (the elements each holds for
    later): the totals alone are ~3× faster, and the dashboard's headline needs only them.
    """

    dtype: str
    bytes_per_element: int
    weights_bytes: int
    peak_activation_bytes: int
    peak_activation_elements: int
    peak_layer: str
    largest_tensor_elements: int
    largest_tensor_layer: str
    ops: tuple[OpCount, ...] = field(repr=False, compare=False)
    held: tuple[int, ...] = field(repr=False, compare=False)

    @cached_property
    def layers(self) -> pd.DataFrame:
        """One row per operation: elements, bytes at this dtype, weights at every dtype,
        element-wise work and arithmetic intensity."""
        import pandas as pd

        ops, size = self.ops, self.bytes_per_element
        live = [live_elements(op, h) for op, h in zip(ops, self.held, strict=True)]
        return pd.DataFrame({
            "name": [op.name for op in ops],
            "role": [op.role.value for op in ops],
            "kind": [op.kind.value for op in ops],
            "elements_in": [op.elements_in for op in ops],
            "elements_out": [op.elements_out for op in ops],
            "held_elements": list(self.held),
            "live_elements": live,
            "live_bytes": [v * size for v in live],
            "weights": [op.params for op in ops],
            "weight_bytes_float32": [op.params * 4 for op in ops],
            "weight_bytes_float16": [op.params * 2 for op in ops],
            "weight_bytes_int8": [op.params for op in ops],
            "bytes_read": [op.bytes_read(size) for op in ops],
            "bytes_written": [op.bytes_written(size) for op in ops],
            "bytes_moved": [op.bytes_moved(size) for op in ops],
            "elementwise": [op.elementwise for op in ops],
            "elementwise_kind": [_elementwise_label(op) for op in ops],
            "arithmetic_intensity": [  # a view (ShuffleNet v2's channel split) moves nothing
                2 * op.mult_adds / moved if (moved := op.bytes_moved(size)) else 0.0
                for op in ops],
        })


def live_elements(op: OpCount, held: int = 0) -> int:
    """Activation elements live while ``op`` runs: its inputs, its output, and the tensors
    ``held`` for later operations (Sandler et al. 2018, section 5.1, for a chain: inputs +
    output)."""
    return op.elements_in + op.elements_out + held


def memory(graph: Graph, alpha: float, resolution: int, dtype: str = "float32") -> Memory:
    """The memory of ``graph`` at ``alpha`` and ``resolution`` (see :class:`Memory`)."""
    size = check_dtype(dtype)
    ops = count_ops(graph, alpha, resolution)
    held = held_elements(graph, ops)
    live = [live_elements(op, h) for op, h in zip(ops, held, strict=True)]
    peak = max(range(len(ops)), key=live.__getitem__)
    largest = max(range(len(ops)), key=lambda i: ops[i].elements_out)
    return Memory(
        dtype=dtype, bytes_per_element=size, weights_bytes=sum(op.params for op in ops) * size,
        peak_activation_bytes=live[peak] * size, peak_activation_elements=live[peak],
        peak_layer=ops[peak].name, largest_tensor_elements=ops[largest].elements_out,
        largest_tensor_layer=ops[largest].name, ops=ops, held=tuple(held),
    )


def _elementwise_label(op: OpCount) -> str:
    from costmodel.core.operations import RULES

    return RULES[op.kind].elementwise_label if op.kind is not OpKind.CONV else ""


def table3_reconciliation() -> pd.DataFrame:
    """The MobileNet v2 paper's Table 3 ('max' row: V1 800K, V2 200K at 16 bits) against
    counts of the 1.0-224 networks under four conventions, in elements (thousands of 16-bit
    values): the largest single tensor; the paper's stated definition (section 5.1), the
    largest inputs + output of one operation; the same with the tensors held for later; and
    the largest tensor a block hands to the next (the bottleneck tensors that section 5.3's
    trick must materialise)."""
    import pandas as pd

    from costmodel.core.graph import build_graph
    from costmodel.descriptions.configuration import resolve
    from costmodel.literature.published import memory_table_rows

    out = []
    for row in memory_table_rows():
        if not row["network"]:
            continue
        config = resolve(network=row["network"])
        graph = build_graph(config.network, config.rules, config.classes, config.variant,
                            config.depth)
        ops = count_ops(graph, config.alpha, config.resolution)
        held = held_elements(graph, ops)
        printed_k = int(row["printed"].rstrip("K"))
        position = {op.index: p for p, op in enumerate(ops)}
        block_outputs = {}
        for b in graph.blocks:
            last = max(position[i] for i in range(b.first, b.last + 1) if i in position)
            block_outputs[last] = ops[last].elements_out
        conventions = [
            ("largest single tensor", max(op.elements_out for op in ops),
             max(ops, key=lambda o: o.elements_out).name),
            ("largest inputs + output (v2 section 5.1)",
             max(live_elements(op) for op in ops), max(ops, key=live_elements).name),
            ("largest inputs + output + held tensors",
             max(live_elements(op, h) for op, h in zip(ops, held, strict=True)),
             ops[max(range(len(ops)), key=lambda i: live_elements(ops[i], held[i]))].name),
        ]
        if block_outputs:
            last = max(block_outputs, key=block_outputs.__getitem__)
            conventions.append(("largest block output (bottleneck tensor)",
                                block_outputs[last], ops[last].name))
        for convention, elements, at in conventions:
            out.append({"source": row["source"], "model": row["model"], "printed": row["printed"],
                        "convention": convention, "elements": elements, "at": at,
                        "matches": round(elements / 1000, -2) == printed_k})
    return pd.DataFrame(out)


__all__ = ["DTYPES", "Memory", "check_dtype", "held_elements", "live_elements", "memory",
           "resolved_inputs",
           "table3_reconciliation"]
