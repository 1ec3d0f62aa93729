"""The exact counts of one configuration: totals, the per-layer table and the closed form.

:class:`Counts` is the counting core of a report: what :mod:`costmodel.literature.published`
and :mod:`costmodel.literature.accuracy_model` read. :class:`costmodel.reports.Report` adds what
is built from other data (accuracy, published figures, memory, latency, renderings) on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from costmodel.base.kinds import COUNTING_CONVENTION, LayerKind, OpKind, Role
from costmodel.core.counting import OpCount, count_ops, standard_totals
from costmodel.core.graph import Graph
from costmodel.descriptions.network_spec import Network

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, kw_only=True)
class ClosedForm:
    """The closed form total(α, ρ) at continuous α and ρ (no channel or size rounding)."""

    mult_adds: float
    params: float


#: The layer kind of each role in the vocabulary of MobileNet v1's Table 2 (``by_type``'s
#: ``kind`` column): 1×1 convs are "pointwise", the stem a standard "conv", the classifier "fc".
ROLE_KIND: dict[Role, str] = {
    Role.STEM: LayerKind.CONV, Role.CONV: LayerKind.CONV, Role.DEPTHWISE: LayerKind.DEPTHWISE,
    Role.POINTWISE: LayerKind.POINTWISE, Role.EXPAND: LayerKind.POINTWISE,
    Role.PROJECT: LayerKind.POINTWISE,
    Role.SE: "se", Role.HEAD: "head", Role.CLASSIFIER: "fc", Role.ADD: "add",
    Role.POOL: LayerKind.AVGPOOL, Role.SHORTCUT: "shortcut", Role.CHEAP: LayerKind.DEPTHWISE,
    Role.NORM: "norm", Role.DATA: "data",
}


def layer_kind(op: OpCount) -> str:
    """A layer's kind in the per-layer table: ``conv``, ``depthwise``, ``pointwise`` (a 1×1
    conv), ``avgpool``, ``fc``, ``add`` or ``scale`` (the operation itself is in ``op``)."""
    if op.kind is OpKind.CONV:
        return (LayerKind.DEPTHWISE if op.depthwise else LayerKind.POINTWISE if op.kernel == 1
                else LayerKind.CONV)
    return LayerKind.AVGPOOL if op.kind is OpKind.POOL else op.kind.value


#: Roles in the order ``by_type`` lists them.
ROLE_ORDER = (Role.POINTWISE, Role.EXPAND, Role.DEPTHWISE, Role.CHEAP, Role.SE, Role.PROJECT,
              Role.SHORTCUT, Role.STEM, Role.CONV, Role.HEAD, Role.CLASSIFIER, Role.NORM,
              Role.DATA, Role.ADD, Role.POOL)


@dataclass(frozen=True, kw_only=True)
class Counts:
    """Exact cost of one configuration. Counts are integers (Mult-Adds = multiply-accumulates).

    ``params`` counts every weight and bias the network has (batchnorm folded);
    ``params_with_bn`` adds batchnorm γ and β (torchvision's ``num_params``, Keras'
    "trainable"). ``standard_mult_adds``/``standard_params`` are the totals of the same
    network with every block (separable pair or inverted residual) replaced by one standard
    k×k conv; ``saving_ratio`` is ``mult_adds / standard_mult_adds`` (eq. 5 over the network).

    This is the counting core of :class:`costmodel.reports.Report`; the modules that read a
    report's counts (published figures, the accuracy model) take a ``Counts``, so none of them
    imports the report that shows their results.
    """

    network: Network = field(repr=False, compare=False)
    rules: str
    alpha: float
    depth: float
    rho: float
    resolution: int
    classes: int
    variant: str
    mult_adds: int
    params: int
    params_with_bn: int
    graph: Graph = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """The network's name (``network=`` of :func:`report`)."""
        return self.network.key

    @property
    def convention(self) -> str:
        """The counting convention, with this network's reference input size."""
        size = self.network.image_size
        return COUNTING_CONVENTION.replace("round(224·ρ)", f"round({size}·ρ)")

    # --- derived scalars ---------------------------------------------------------------

    @cached_property
    def _standard_totals(self) -> tuple[int, int]:
        return standard_totals(self.graph, self.alpha, self.resolution)

    @property
    def standard_mult_adds(self) -> int:
        """Mult-Adds of the standard-convolution equivalent."""
        return self._standard_totals[0]

    @property
    def standard_params(self) -> int:
        """Parameters of the standard-convolution equivalent."""
        return self._standard_totals[1]

    @property
    def mult_adds_m(self) -> float:
        """Mult-Adds in millions (M = 10^6)."""
        return self.mult_adds / 1e6

    @property
    def params_m(self) -> float:
        """Parameters in millions."""
        return self.params / 1e6

    @property
    def saving_ratio(self) -> float:
        """Mult-Adds of this network over its standard-convolution equivalent (< 1 is cheaper)."""
        return self.mult_adds / self.standard_mult_adds if self.standard_mult_adds else 1.0

    @property
    def params_saving_ratio(self) -> float:
        """Parameters of this network over its standard-convolution equivalent."""
        return self.params / self.standard_params if self.standard_params else 1.0

    @property
    def width_rule(self) -> str:
        """How α turned into this report's channel counts, where a user's table makes it
        differ from a builder's (empty for the built-in networks): shown beside the numbers."""
        if not self.network.as_written:
            return ""
        from costmodel.descriptions.widths import AS_WRITTEN

        return (f"Widths: {AS_WRITTEN}; the classes ({self.classes}: a classifier, c=classes, "
                f"or a last 1×1 conv or fc after the pool) never scale.")

    @property
    def notes(self) -> tuple[str, ...]:
        """Flags for configurations outside what the papers measured."""
        notes = []
        if self.alpha > max(1.0, self.network.width) and self.network.key == "mobilenet_v1":
            notes.append(f"α = {self.alpha:g} is wider than the paper studies (α ≤ 1).")
        elif self.alpha > 1.4 and self.network.key != "mobilenet_v1":
            notes.append(f"α = {self.alpha:g} is wider than any published checkpoint (α ≤ 1.4).")
        if self.resolution > self.network.image_size:
            notes.append(f"Input {self.resolution} px is above the reference "
                         f"{self.network.image_size} px.")
        return tuple(notes)

    @cached_property
    def elementwise(self) -> dict[str, int]:
        """Element-wise work outside the Mult-Adds, labelled: residual adds, squeeze-and-excite
        scale multiplies, pooled additions. Zero by the counting convention; here for reference
        (and for the memory and latency models)."""
        from costmodel.core.operations import RULES

        out: dict[str, int] = {}
        for op in count_ops(self.graph, self.alpha, self.resolution):
            label = RULES[op.kind].elementwise_label
            if label:
                out[label] = out.get(label, 0) + op.elementwise
        return out

    # --- lazily built tables -------------------------------------------------------------

    @cached_property
    def layers(self) -> pd.DataFrame:
        """One row per operation in network order; every count column sums to its total
        (int64, or exact Python integers where a total would not fit)."""
        import numpy as np
        import pandas as pd

        rows = count_ops(self.graph, self.alpha, self.resolution)
        values = [(r.block, r.stride, r.kernel, r.groups, r.in_size, r.in_channels, r.out_size,
                   r.out_channels, r.mult_adds, r.params, r.params + r.batchnorm_params,
                   r.standard_mult_adds, r.standard_params, r.elementwise) for r in rows]
        # int64 where every column's sum fits (with room); exact Python integers otherwise
        largest = max(self.mult_adds, self.standard_mult_adds, self.params_with_bn,
                      *(r.elementwise for r in rows))
        numbers = np.array(values, dtype=np.int64 if largest < 2**62 else object)
        (block, stride, kernel, groups, in_size, in_c, out_size, out_c, mult_adds, params,
         params_bn, std_mult_adds, std_params, elementwise) = numbers.T
        total_ma = self.mult_adds or 1
        total_p = self.params or 1
        return pd.DataFrame(
            {
                "name": [r.name for r in rows],
                "block": block,
                "role": [r.role.value for r in rows],
                "kind": [layer_kind(r) for r in rows],
                "op": [r.kind.value for r in rows],
                "stride": stride,
                "kernel": kernel,
                "groups": groups,
                "in_h": in_size,
                "in_w": in_size,
                "in_c": in_c,
                "out_h": out_size,
                "out_w": out_size,
                "out_c": out_c,
                "mult_adds": mult_adds,
                "params": params,
                "params_with_bn": params_bn,
                "mult_adds_pct": [100 * int(v) / total_ma for v in mult_adds],
                "params_pct": [100 * int(v) / total_p for v in params],
                "standard_mult_adds": std_mult_adds,
                "standard_params": std_params,
                "elementwise": elementwise,
                "activation": [r.activation.value for r in rows],
            },
            copy=False,
        )

    @cached_property
    def closed_form(self) -> ClosedForm:
        """The closed-form estimate at this report's continuous α and ρ."""
        from costmodel.core.closed_form import evaluate

        mult_adds, params = evaluate(self.graph, self.alpha, self.rho)
        return ClosedForm(mult_adds=mult_adds, params=params)


__all__ = ["ROLE_KIND", "ROLE_ORDER", "ClosedForm", "Counts", "layer_kind"]
