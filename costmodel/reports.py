"""``report()``: the exact cost of one configuration of one network, with everything around it.

The totals are computed eagerly with integer arithmetic (:func:`costmodel.core.counting.totals`).
The standard-convolution equivalent, the per-layer and per-role tables, the closed form, the
accuracy and the published figures are built on first access, so a report for the totals
alone stays cheap. :class:`Report` is the top of the library: it imports the modules whose
results it shows, and none of them imports it (they read a :class:`~costmodel.core.counts.Counts`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from costmodel.base.formatting import frame_to_latex, markdown_text, times_fewer_or_more
from costmodel.base.kinds import BUILTIN_PROFILES, DEFAULT_PROFILE, ROLE_LABEL, Role
from costmodel.core.counting import count_ops, totals
from costmodel.core.counts import ROLE_KIND, ROLE_ORDER, ClosedForm, Counts
from costmodel.core.graph import build_graph
from costmodel.descriptions.builtin_networks import is_builtin
from costmodel.descriptions.configuration import resolve_fields
from costmodel.descriptions.network_spec import Network
from costmodel.hardware.device_profiles import get_profile
from costmodel.hardware.latency import Latency, estimate
from costmodel.hardware.memory import Memory, memory
from costmodel.hardware.onnx_export import export_onnx
from costmodel.hardware.profile_spec import Profile
from costmodel.literature.accuracy_model import AccuracyPrediction, predict_for_report
from costmodel.literature.published import (
    Comparison,
    PublishedRow,
    comparisons_for,
    rows_for,
    table2_shares,
)

if TYPE_CHECKING:
    from pathlib import Path

    import onnx
    import pandas as pd


@dataclass(frozen=True, kw_only=True)
class Report(Counts):
    """Exact cost of one configuration (:class:`~costmodel.core.counts.Counts`: integers,
    Mult-Adds = multiply-accumulates), with what is built around it on first access: the
    per-role table, the accuracy, the published figures, memory, latency and renderings.
    """

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
        # every role that costs something (zero-cost pools, adds and data movement left out),
        # so that the rows add up to the totals
        roles = [role for role in ROLE_ORDER if role in sums and (
            sums[role] != [0, 0] or role not in (Role.POOL, Role.ADD, Role.DATA, Role.NORM))]
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
    def accuracy(self) -> AccuracyPrediction | None:
        """Predicted ImageNet top-1 (see :func:`costmodel.predict_accuracy`) where this
        network's family has a fitted model; ``None`` otherwise."""
        return predict_for_report(self)

    @cached_property
    def measured(self) -> tuple[PublishedRow, ...]:
        """Published ImageNet accuracies measured at exactly this configuration (paper tables
        and checkpoints; float models only), e.g. 70.6 % (paper) and 70.9 % (TF-slim) at 1.0
        MobileNet-224."""
        return tuple(r for r in rows_for(self) if r.top1 is not None and "8-bit" not in r.model)

    @cached_property
    def published(self) -> tuple[Comparison, ...]:
        """The printed cost figures for this configuration, each set against the exact count;
        empty when nobody printed this configuration."""
        return comparisons_for(self)

    # --- memory and latency -------------------------------------------------------------------

    def memory(self, dtype: str = "float32") -> Memory:
        """Weights, bytes moved, arithmetic intensity and peak activation memory at ``dtype``
        (``float32``, ``float16`` or ``int8``); see :mod:`costmodel.hardware.memory`."""
        return memory(self.graph, self.alpha, self.resolution, dtype)

    def latency(self, profile: str | Profile = DEFAULT_PROFILE) -> Latency:
        """The latency estimate on ``profile`` (a name from :func:`costmodel.profiles` or a
        :class:`~costmodel.profiles.Profile`); see :mod:`costmodel.hardware.latency`. On a
        built-in profile the estimate is computed once per report (the dashboard draws it in
        several places) and shared: copy its frames before changing them. A saved profile is
        read again at each call (its file may change)."""
        if not (isinstance(profile, str) and profile in BUILTIN_PROFILES):
            return estimate(self.graph, self.alpha, self.resolution, get_profile(profile))
        estimates: dict[str, Latency] = self.__dict__.setdefault("_latency_by_profile", {})
        if profile not in estimates:
            estimates[profile] = estimate(self.graph, self.alpha, self.resolution,
                                          get_profile(profile))
        return estimates[profile]

    def to_onnx(self, path: str | Path | None = None, *, weights: str = "random",
                seed: int = 0) -> onnx.ModelProto:
        """This configuration as an ONNX model (opset 17; batchnorm folded into biases;
        ``weights`` ``"random"`` from ``seed`` or ``"zeros"``), written to ``path`` where one
        is given; see :mod:`costmodel.hardware.onnx_export`. It passes ``onnx.checker``, runs
        in ONNX Runtime and gives ``(1, classes)`` logits. ``ValueError`` beyond the size
        limits; :class:`~costmodel.hardware.onnx_export.MissingExtraError` without the
        ``onnx`` extra."""
        return export_onnx(self.graph, self.alpha, self.resolution, path, weights=weights,
                           seed=seed, title=self.network.key, doc=title(self))

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
        return _report_markdown(self)

    def to_latex(self) -> str:
        """The totals as a LaTeX table (booktabs), with the counting convention as caption."""
        import pandas as pd

        frame = pd.DataFrame({
            "quantity": ["Mult-Adds", "Parameters", "Parameters with batchnorm"],
            "exact": [self.mult_adds, self.params, self.params_with_bn],
            "millions": [self.mult_adds_m, self.params_m, self.params_with_bn / 1e6],
            "standard conv": [self.standard_mult_adds, self.standard_params, ""],
        })
        return frame_to_latex(frame, caption=f"{title(self)}. {self.convention}")

    def __str__(self) -> str:
        return _report_text(self)

    def _repr_markdown_(self) -> str:
        return _report_markdown(self)

    def _repr_html_(self) -> str:
        return _report_html(self)


_QUANTITY = {"mult_adds": "Mult-Adds", "params": "Parameters",
             "params_with_bn": "Params+BN"}


def title(r: Counts) -> str:
    """One line naming the configuration."""
    variant = f", variant {r.variant}" if len(r.network.variants) > 1 else ""
    depth = f", depth {r.depth:g}" if r.network.depth_scaling else ""
    return (
        f"{r.network.title} ({r.rules} rules, {r.classes} classes){variant}: α = {r.alpha:g}"
        f"{depth}, input {r.resolution}×{r.resolution} (ρ = {r.rho:.4g})"
    )


def _published_line(c: Comparison) -> str:
    line = (
        f"{_QUANTITY[c.quantity]:<10} {c.source:<38} printed {c.printed_text:>8}   "
        f"exact {c.exact:>10.4f} M   {c.status}"
    )
    return f"{line}: {c.reason}" if c.reason else line


def _times(ratio: float) -> str:
    """``0.12`` → "8.33× fewer Mult-Adds", ``1.17`` → "1.17× more Mult-Adds"."""
    return times_fewer_or_more(ratio, "Mult-Adds", "standard convs")


def _measured_line(r: Report) -> str:
    parts = [f"{m.top1:g}% ({m.source})" for m in r.measured if m.top1 is not None]
    return "Measured ImageNet top-1: " + "; ".join(parts)


def _accuracy_line(r: Report) -> str:
    a = r.accuracy
    assert a is not None
    line = (
        f"Predicted ImageNet top-1: {a.top1:.1f}% (interval {a.low:.1f}-{a.high:.1f}; "
        f"nearest checkpoint {a.nearest.alpha:g}-{a.nearest.resolution}: {a.nearest.top1:g}%)"
    )
    return line + ", EXTRAPOLATED beyond the measured α/resolution range" if a.extrapolated \
        else line


def _report_text(r: Report) -> str:
    """A readable multi-line summary for ``print(report)``."""
    cf = r.closed_form
    lines = [
        title(r),
        *([f"  {r.width_rule}"] if r.width_rule else []),
        f"  Mult-Adds   {r.mult_adds:>15,}   ({r.mult_adds_m:,.2f} M)",
        f"  Parameters  {r.params:>15,}   ({r.params_m:,.3f} M; with batchnorm γβ "
        f"{r.params_with_bn:,})",
        f"  Standard-conv equivalent: {r.standard_mult_adds:,} Mult-Adds, "
        f"{r.standard_params:,} params",
        f"  Against it: {r.saving_ratio:.4f} of the Mult-Adds ({_times(r.saving_ratio)}), "
        f"{r.params_saving_ratio:.4f} of the params",
        f"  Closed form (continuous α, ρ): {cf.mult_adds / 1e6:,.2f} M Mult-Adds, "
        f"{cf.params / 1e6:,.3f} M params",
    ]
    if r.measured:
        lines.append(f"  {_measured_line(r)}")
    if r.accuracy is not None:
        lines.append(f"  {_accuracy_line(r)}")
    memory = r.memory("float32")
    lines.append(f"  Memory (float32): weights {memory.weights_bytes / 1e6:,.2f} MB; peak "
                 f"activations {memory.peak_activation_bytes / 1e6:,.2f} MB at "
                 f"{memory.peak_layer}")
    latency = r.latency(DEFAULT_PROFILE)
    lines.append(f"  Latency estimate on {DEFAULT_PROFILE}: {latency.total_ms:,.1f} ms (roofline "
                 f"with per-operation overhead; within about 2×)")
    extras = ", ".join(f"{k} {v:,}" for k, v in r.elementwise.items() if v)
    if extras:
        lines.append(f"  Element-wise work, not in the Mult-Adds: {extras}")
    if r.published:
        lines.append("  Published figures for this configuration:")
        lines += [f"    {_published_line(c)}" for c in r.published]
    lines += [f"  Note: {note}" for note in r.notes]
    lines.append(f"  Counting: {r.convention}")
    return "\n".join(lines)


def _report_markdown(r: Report) -> str:
    """The summary as Markdown (notebooks' ``_repr_markdown_``)."""
    cf = r.closed_form
    lines = [
        f"**{markdown_text(title(r))}**",
        "",
        *([markdown_text(r.width_rule), ""] if r.width_rule else []),
        "| quantity | exact | millions | standard-conv equivalent | closed form (M) |",
        "|---|---:|---:|---:|---:|",
        f"| Mult-Adds | {r.mult_adds:,} | {r.mult_adds_m:,.2f} | {r.standard_mult_adds:,} | "
        f"{cf.mult_adds / 1e6:,.2f} |",
        f"| Parameters | {r.params:,} | {r.params_m:,.3f} | {r.standard_params:,} | "
        f"{cf.params / 1e6:,.3f} |",
        f"| Parameters with batchnorm γβ | {r.params_with_bn:,} | "
        f"{r.params_with_bn / 1e6:,.3f} | | |",
        "",
        f"Against standard convolutions: {r.saving_ratio:.4f} of the Mult-Adds "
        f"({_times(r.saving_ratio)}).",
    ]
    if r.measured:
        lines += ["", _measured_line(r) + "."]
    if r.accuracy is not None:
        lines += ["", _accuracy_line(r) + "."]
    if r.published:
        lines += [
            "",
            "| quantity | source | printed | exact (M) | status | reason |",
            "|---|---|---:|---:|---|---|",
        ]
        lines += [
            f"| {_QUANTITY[c.quantity]} | {c.source} | {c.printed_text} | {c.exact:.4f} | "
            f"{c.status} | {c.reason} |"
            for c in r.published
        ]
    lines += ["", *[f"> {note}" for note in r.notes]] if r.notes else []
    lines += ["", f"*Counting:* {r.convention}"]
    return "\n".join(lines)


def _report_html(r: Report) -> str:
    """The summary as a small HTML fragment (notebooks' ``_repr_html_``)."""
    cf = r.closed_form
    rows = [
        ("Mult-Adds", f"{r.mult_adds:,}", f"{r.mult_adds_m:,.2f} M",
         f"{r.standard_mult_adds:,}", f"{cf.mult_adds / 1e6:,.2f} M"),
        ("Parameters", f"{r.params:,}", f"{r.params_m:,.3f} M",
         f"{r.standard_params:,}", f"{cf.params / 1e6:,.3f} M"),
    ]
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    published = "".join(
        f"<tr><td>{_QUANTITY[c.quantity]}</td><td>{html.escape(c.source)}</td>"
        f"<td>{html.escape(c.printed_text)}</td><td>{c.exact:.4f}</td>"
        f"<td>{html.escape(c.status)}</td>"
        f"<td>{html.escape(c.reason)}</td></tr>"
        for c in r.published
    )
    parts = [
        f"<p><b>{html.escape(title(r))}</b></p>",
        *([f"<p>{html.escape(r.width_rule)}</p>"] if r.width_rule else []),
        "<table><tr><th>quantity</th><th>exact</th><th>millions</th>"
        "<th>standard-conv equivalent</th><th>closed form</th></tr>",
        body,
        "</table>",
    ]
    if published:
        parts += [
            "<table><tr><th>quantity</th><th>source</th><th>printed</th><th>exact (M)</th>"
            "<th>status</th><th>reason</th></tr>",
            published,
            "</table>",
        ]
    if r.measured:
        parts.append(f"<p>{html.escape(_measured_line(r))}</p>")
    if r.accuracy is not None:
        parts.append(f"<p>{html.escape(_accuracy_line(r))}</p>")
    parts += [f"<p>{html.escape(note)}</p>" for note in r.notes]
    parts.append(f"<p><i>Counting:</i> {html.escape(r.convention)}</p>")
    return "".join(parts)


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
    net, rule_set, alpha_value, depth_value, rho_value, size, classes, kind = resolve_fields(
        network=network, alpha=alpha, rho=rho, resolution=resolution, rules=rules,
        num_classes=num_classes, variant=variant, depth=depth)
    graph = build_graph(net, rule_set, classes, kind, depth_value)
    mult_adds, params, params_with_bn = totals(graph, alpha_value, size)
    return Report(network=net, rules=rule_set.name, alpha=alpha_value, depth=depth_value,
                  rho=rho_value, resolution=size, classes=classes, variant=kind,
                  mult_adds=mult_adds, params=params, params_with_bn=params_with_bn,
                  graph=graph)


__all__ = ["ROLE_ORDER", "ClosedForm", "Counts", "Report", "report"]
