"""``report()``: the exact cost of one configuration of one network, with everything around it.

The totals are computed eagerly with integer arithmetic (:func:`costmodel.counting.totals`).
The standard-convolution equivalent, the per-layer and per-role tables, the closed form, the
accuracy and the published figures are built on first access, so a report for the totals
alone stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from costmodel.builtin_networks import is_builtin
from costmodel.configuration import resolve
from costmodel.counting import OpCount, count_ops, standard_totals, totals
from costmodel.graph import Graph, build_graph
from costmodel.kinds import COUNTING_CONVENTION, ROLE_LABEL, OpKind, Role
from costmodel.network_spec import Network

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.accuracy_model import AccuracyPrediction
    from costmodel.latency import Latency
    from costmodel.memory import Memory
    from costmodel.profile_spec import Profile
    from costmodel.published import Comparison, PublishedRow


@dataclass(frozen=True, kw_only=True)
class ClosedForm:
    """The closed form total(α, ρ) at continuous α and ρ (no channel or size rounding)."""

    mult_adds: float
    params: float


#: The layer kind of each role in the vocabulary of MobileNet v1's Table 2 (``by_type``'s
#: ``kind`` column): 1×1 convs are "pointwise", the stem a standard "conv", the classifier "fc".
ROLE_KIND: dict[Role, str] = {
    Role.STEM: "conv", Role.CONV: "conv", Role.DEPTHWISE: "depthwise",
    Role.POINTWISE: "pointwise", Role.EXPAND: "pointwise", Role.PROJECT: "pointwise",
    Role.SE: "se", Role.HEAD: "head", Role.CLASSIFIER: "fc", Role.ADD: "add",
    Role.POOL: "avgpool",
}


def layer_kind(op: OpCount) -> str:
    """A layer's kind in the per-layer table: ``conv``, ``depthwise``, ``pointwise`` (a 1×1
    conv), ``avgpool``, ``fc``, ``add`` or ``scale`` (the operation itself is in ``op``)."""
    if op.kind is OpKind.CONV:
        return "depthwise" if op.depthwise else "pointwise" if op.kernel == 1 else "conv"
    return {OpKind.POOL: "avgpool"}.get(op.kind, op.kind.value)


#: Roles in the order ``by_type`` lists them.
ROLE_ORDER = (Role.POINTWISE, Role.EXPAND, Role.DEPTHWISE, Role.SE, Role.PROJECT, Role.STEM,
              Role.CONV, Role.HEAD, Role.CLASSIFIER, Role.ADD, Role.POOL)


@dataclass(frozen=True, kw_only=True)
class Report:
    """Exact cost of one configuration. Counts are integers (Mult-Adds = multiply-accumulates).

    ``params`` counts every weight and bias the network has (batchnorm folded);
    ``params_with_bn`` adds batchnorm γ and β (torchvision's ``num_params``, Keras'
    "trainable"). ``standard_mult_adds``/``standard_params`` are the totals of the same
    network with every block (separable pair or inverted residual) replaced by one standard
    k×k conv; ``saving_ratio`` is ``mult_adds / standard_mult_adds`` (eq. 5 over the network).
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
        from costmodel.widths import AS_WRITTEN

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
        from costmodel.operations import RULES

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
    def by_type(self) -> pd.DataFrame:
        """Totals per operation role (stem, expand, depthwise, pointwise, project, SE, head,
        classifier, ...), with MobileNet v1's paper Table 2 printed shares beside them at the
        configuration Table 2 describes (1.0 MobileNet-224)."""
        import pandas as pd

        rows = count_ops(self.graph, self.alpha, self.resolution)
        sums: dict[Role, list[int]] = {}
        for r in rows:
            entry = sums.setdefault(r.role, [0, 0])
            entry[0] += r.mult_adds
            entry[1] += r.params
        roles = [role for role in ROLE_ORDER if role in sums and (
            sums[role] != [0, 0] or role not in (Role.POOL, Role.ADD))]
        roles = [role for role in roles if role not in (Role.POOL, Role.ADD)]
        frame = pd.DataFrame({
            "role": [role.value for role in roles],
            "kind": [ROLE_KIND[role] for role in roles],
            "label": [ROLE_LABEL[role] for role in roles],
            "mult_adds": pd.array([sums[role][0] for role in roles], dtype=object),
            "params": pd.array([sums[role][1] for role in roles], dtype=object),
        })
        if max((v for pair in sums.values() for v in pair), default=0) < 2**62:
            frame = frame.astype({"mult_adds": "int64", "params": "int64"})
        frame["mult_adds_pct"] = [100 * sums[role][0] / (self.mult_adds or 1) for role in roles]
        frame["params_pct"] = [100 * sums[role][1] / (self.params or 1) for role in roles]
        if self.network.key == "mobilenet_v1" and is_builtin(self.network):
            self._table2(frame, roles)
        return frame

    def _table2(self, frame: pd.DataFrame, roles: list[Role]) -> None:
        from costmodel.published import table2_shares

        classes = self.classes if Role.CLASSIFIER in roles else 0
        without_bias = frame["params"] - [classes if r is Role.CLASSIFIER else 0 for r in roles]
        frame["params_pct_without_fc_bias"] = 100 * without_bias / (self.params - classes)
        at_table2 = (self.variant, self.alpha, self.resolution, self.classes) == (
            "separable", 1.0, 224, 1000)
        printed = table2_shares() if at_table2 else {}
        shares = [printed.get(role) for role in roles]
        frame["paper_mult_adds_pct"] = [s.mult_adds_pct if s else float("nan") for s in shares]
        frame["paper_params_pct"] = [s.params_pct if s else float("nan") for s in shares]
        frame["note"] = [s.note if s else "" for s in shares]

    @cached_property
    def closed_form(self) -> ClosedForm:
        """The closed-form estimate at this report's continuous α and ρ."""
        from costmodel.closed_form import evaluate

        mult_adds, params = evaluate(self.graph, self.alpha, self.rho)
        return ClosedForm(mult_adds=mult_adds, params=params)

    @cached_property
    def accuracy(self) -> AccuracyPrediction | None:
        """Predicted ImageNet top-1 (see :func:`costmodel.predict_accuracy`) where this
        network's family has a fitted model; ``None`` otherwise."""
        from costmodel.accuracy_model import predict_for_report

        return predict_for_report(self)

    @cached_property
    def measured(self) -> tuple[PublishedRow, ...]:
        """Published ImageNet accuracies measured at exactly this configuration (paper tables
        and checkpoints; float models only), e.g. 70.6 % (paper) and 70.9 % (TF-slim) at 1.0
        MobileNet-224."""
        from costmodel.published import rows_for

        return tuple(r for r in rows_for(self) if r.top1 is not None and "8-bit" not in r.model)

    @cached_property
    def published(self) -> tuple[Comparison, ...]:
        """The printed cost figures for this configuration, each set against the exact count;
        empty when nobody printed this configuration."""
        from costmodel.published import comparisons_for

        return comparisons_for(self)

    # --- memory and latency -------------------------------------------------------------------

    def memory(self, dtype: str = "float32") -> Memory:
        """Weights, bytes moved, arithmetic intensity and peak activation memory at ``dtype``
        (``float32``, ``float16`` or ``int8``); see :mod:`costmodel.memory`."""
        from costmodel.memory import memory

        return memory(self.graph, self.alpha, self.resolution, dtype)

    def latency(self, profile: str | Profile = "pixel1") -> Latency:
        """The latency estimate on ``profile`` (a name from :func:`costmodel.profiles` or a
        :class:`~costmodel.profiles.Profile`); see :mod:`costmodel.latency`."""
        from costmodel.device_profiles import get_profile
        from costmodel.latency import estimate

        return estimate(self.graph, self.alpha, self.resolution, get_profile(profile))

    # --- output ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values: the totals, the ratios, the closed form, the comparisons."""
        accuracy = self.accuracy
        return {
            "network": self.network.key,
            "title": self.network.title,
            "rules": self.rules,
            "variant": self.variant,
            "alpha": self.alpha,
            "depth": self.depth,
            "rho": self.rho,
            "resolution": self.resolution,
            "classes": self.classes,
            "mult_adds": self.mult_adds,
            "params": self.params,
            "params_with_bn": self.params_with_bn,
            "mult_adds_m": self.mult_adds_m,
            "params_m": self.params_m,
            "standard_mult_adds": self.standard_mult_adds,
            "standard_params": self.standard_params,
            "saving_ratio": self.saving_ratio,
            "params_saving_ratio": self.params_saving_ratio,
            "closed_form_mult_adds": self.closed_form.mult_adds,
            "closed_form_params": self.closed_form.params,
            "elementwise": dict(self.elementwise),
            "published": [
                {
                    "quantity": c.quantity,
                    "source": c.source,
                    "printed_m": c.printed,
                    "exact_m": c.exact,
                    "status": c.status,
                    "reason": c.reason,
                }
                for c in self.published
            ],
            "measured": [
                {"source": m.source, "top1": m.top1, "top5": m.top5} for m in self.measured
            ],
            "accuracy": None if accuracy is None else {
                "top1": accuracy.top1,
                "low": accuracy.low,
                "high": accuracy.high,
                "extrapolated": accuracy.extrapolated,
                "model": accuracy.model,
                "nearest_checkpoint": {
                    "alpha": accuracy.nearest.alpha,
                    "resolution": accuracy.nearest.resolution,
                    "top1": accuracy.nearest.top1,
                },
            },
            "notes": list(self.notes),
            "width_rule": self.width_rule,
            "convention": self.convention,
        }

    def to_frame(self) -> pd.DataFrame:
        """The summary as a one-row DataFrame (the scalar values of :meth:`to_dict`)."""
        import pandas as pd

        row = {k: v for k, v in self.to_dict().items()
               if not isinstance(v, list | dict) and k != "convention" and v is not None}
        if self.accuracy is not None:
            row.update(top1=self.accuracy.top1, top1_low=self.accuracy.low,
                       top1_high=self.accuracy.high)
        return pd.DataFrame([row])

    def to_markdown(self) -> str:
        """The summary as Markdown (tables of totals and of the published figures)."""
        from costmodel.formatting import report_markdown

        return report_markdown(self)

    def to_latex(self) -> str:
        """The totals as a LaTeX table (booktabs), with the counting convention as caption."""
        import pandas as pd

        from costmodel.formatting import frame_to_latex, title

        frame = pd.DataFrame({
            "quantity": ["Mult-Adds", "Parameters", "Parameters with batchnorm"],
            "exact": [self.mult_adds, self.params, self.params_with_bn],
            "millions": [self.mult_adds_m, self.params_m, self.params_with_bn / 1e6],
            "standard conv": [self.standard_mult_adds, self.standard_params, ""],
        })
        return frame_to_latex(frame, caption=f"{title(self)}. {self.convention}")

    def __str__(self) -> str:
        from costmodel.formatting import report_text

        return report_text(self)

    def _repr_markdown_(self) -> str:
        from costmodel.formatting import report_markdown

        return report_markdown(self)

    def _repr_html_(self) -> str:
        from costmodel.formatting import report_html

        return report_html(self)


def report(
    alpha: float | None = None,
    rho: float | None = None,
    *,
    resolution: int | None = None,
    network: str | Network | None = None,
    rules: str | None = None,
    num_classes: int | None = None,
    depth: float | None = None,
    variant: str = "separable",
    architecture: Network | None = None,
) -> Report:
    """Exact Mult-Adds and parameters of one network configuration.

    ``network`` is a name from :func:`costmodel.networks` (default ``"mobilenet_v1"``) or a
    table from :func:`costmodel.load_network`. ``alpha`` is the width multiplier (default 1,
    or an EfficientNet preset's width); ``rho`` the resolution multiplier (input
    ``round(reference·rho)``, reference 224 px or the preset's) or give ``resolution`` in
    pixels; giving both is fine only when they agree. ``rules`` picks the builder whose
    rounding rules to follow (``"tf-slim"``, the default, or ``"torchvision"``);
    ``num_classes`` defaults to that builder's (1001 for TF-slim v2/v3, 1000 otherwise).
    ``depth`` is EfficientNet's depth multiplier (repeats ``ceil(depth·n)``). ``variant`` is
    MobileNet v1's ``"separable"`` (Table 1), ``"full"`` (Table 4) or ``"shallow"``
    (Table 5). ``architecture`` is the older name of ``network`` for a loaded table.
    Raises ``ValueError`` naming the field and the accepted range on bad input.
    """
    if architecture is not None:
        if network is not None:
            raise ValueError("give network or architecture (its older name), not both")
        network = architecture
    config = resolve(network=network, alpha=alpha, rho=rho, resolution=resolution,
                     rules=rules, num_classes=num_classes, variant=variant, depth=depth)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    mult_adds, params, params_with_bn = totals(graph, config.alpha, config.resolution)
    return Report(
        network=config.network,
        rules=config.rules.name,
        alpha=config.alpha,
        depth=config.depth,
        rho=config.rho,
        resolution=config.resolution,
        classes=config.classes,
        variant=config.variant,
        mult_adds=mult_adds,
        params=params,
        params_with_bn=params_with_bn,
        graph=graph,
    )


__all__ = ["ROLE_ORDER", "ClosedForm", "Report", "report"]
