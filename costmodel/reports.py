"""``report()``: the exact cost of one MobileNet v1 configuration, with everything around it.

The totals are computed eagerly with integer arithmetic (:func:`costmodel.counting.count_totals`).
The standard-convolution equivalent, the per-layer and per-type tables, the closed form, the
accuracy prediction and the paper comparison are built on first access, so a report for the
totals alone stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from costmodel.architecture import Architecture, mobilenet_v1, to_full, to_shallow
from costmodel.counting import count_layers, count_standard_totals, count_totals
from costmodel.kinds import COUNTING_CONVENTION, PAPER_LABEL, Kind
from costmodel.published import Comparison, PrintedShare, compare, figures_for, table2_shares
from costmodel.validation import check_alpha, check_variant, resolve_resolution

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.accuracy_model import AccuracyPrediction

#: Table 2 is printed for this configuration only.
TABLE2_CONFIGURATION = ("separable", 1.0, 224)


@dataclass(frozen=True, kw_only=True)
class ClosedForm:
    """The closed form total(α, ρ) at continuous α and ρ (no channel or size rounding)."""

    mult_adds: float
    params: float


@dataclass(frozen=True, kw_only=True)
class Report:
    """Exact cost of one configuration. Counts are integers (Mult-Adds = multiply-accumulates).

    ``standard_mult_adds``/``standard_params`` are the totals of the same network with every
    depthwise separable pair replaced by a standard conv; ``saving_ratio`` is
    ``mult_adds / standard_mult_adds`` (eq. 5 summed over the network).
    """

    alpha: float
    rho: float
    resolution: int
    variant: str
    mult_adds: int
    params: int
    architecture: Architecture = field(repr=False, compare=False)

    @property
    def convention(self) -> str:
        """The counting convention, with this network's reference input size."""
        size = self.architecture.image_size
        return COUNTING_CONVENTION.replace("round(224·ρ)", f"round({size}·ρ)")

    # --- derived scalars ---------------------------------------------------------------

    @cached_property
    def _standard_totals(self) -> tuple[int, int]:
        return count_standard_totals(self.architecture, self.alpha, self.resolution)

    @property
    def standard_mult_adds(self) -> int:
        """Mult-Adds of the standard-convolution equivalent (the "full" variant)."""
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
        return self.mult_adds / self.standard_mult_adds

    @property
    def params_saving_ratio(self) -> float:
        """Parameters of this network over its standard-convolution equivalent."""
        return self.params / self.standard_params

    @property
    def notes(self) -> tuple[str, ...]:
        """Flags for configurations outside what the paper measured."""
        notes = []
        if self.alpha > 1.0:
            notes.append(f"α = {self.alpha:g} is wider than the paper studies (α ≤ 1).")
        if self.resolution > self.architecture.image_size:
            notes.append(f"Input {self.resolution} px is above the reference "
                         f"{self.architecture.image_size} px.")
        return tuple(notes)

    # --- lazily built tables -------------------------------------------------------------

    @cached_property
    def layers(self) -> pd.DataFrame:
        """One row per layer in network order; columns sum to the totals."""
        import numpy as np
        import pandas as pd

        rows = count_layers(self.architecture, self.alpha, self.resolution)
        numbers = np.array(
            [(r.block, r.stride, r.kernel, r.in_size, r.in_channels, r.out_size,
              r.out_channels, r.mult_adds, r.params, r.standard_mult_adds, r.standard_params)
             for r in rows],
            dtype=np.int64,
        )
        (block, stride, kernel, in_size, in_c, out_size, out_c, mult_adds, params,
         std_mult_adds, std_params) = numbers.T
        frame = pd.DataFrame(
            {
                "name": [r.name for r in rows],
                "kind": [r.kind.value for r in rows],
                "block": block,
                "stride": stride,
                "kernel": kernel,
                "in_h": in_size,
                "in_w": in_size,
                "in_c": in_c,
                "out_h": out_size,
                "out_w": out_size,
                "out_c": out_c,
                "mult_adds": mult_adds,
                "params": params,
                "mult_adds_pct": 100 * mult_adds / self.mult_adds,
                "params_pct": 100 * params / self.params,
                "standard_mult_adds": std_mult_adds,
                "standard_params": std_params,
            },
            copy=False,
        )
        return frame

    @cached_property
    def by_type(self) -> pd.DataFrame:
        """Totals per layer kind, in the form of paper Table 2, with the printed shares beside
        them at the configuration Table 2 describes (1.0 MobileNet-224)."""
        import pandas as pd

        layers = self.layers
        kind_column = layers["kind"].to_numpy()
        mult_adds = layers["mult_adds"].to_numpy()
        params = layers["params"].to_numpy()
        kinds = [k for k in (Kind.POINTWISE, Kind.DEPTHWISE, Kind.CONV, Kind.FC)
                 if (kind_column == k.value).any()]
        frame = pd.DataFrame(
            {
                "kind": [k.value for k in kinds],
                "label": [PAPER_LABEL[k] for k in kinds],
                "mult_adds": [int(mult_adds[kind_column == k.value].sum()) for k in kinds],
                "params": [int(params[kind_column == k.value].sum()) for k in kinds],
            }
        )
        frame["mult_adds_pct"] = 100 * frame["mult_adds"] / self.mult_adds
        frame["params_pct"] = 100 * frame["params"] / self.params
        fc_bias = self._classes if Kind.FC in kinds else 0
        without_bias = frame["params"] - [fc_bias if k == Kind.FC else 0 for k in kinds]
        frame["params_pct_without_fc_bias"] = 100 * without_bias / (self.params - fc_bias)
        at_table2 = (self.variant, self.alpha, self.resolution) == TABLE2_CONFIGURATION
        printed = table2_shares() if at_table2 else {}
        blank = PrintedShare(mult_adds_pct=float("nan"), params_pct=float("nan"), note="")
        shares = [printed.get(k, blank) for k in kinds]
        frame["paper_mult_adds_pct"] = [share.mult_adds_pct for share in shares]
        frame["paper_params_pct"] = [share.params_pct for share in shares]
        frame["note"] = [share.note for share in shares]
        return frame

    @property
    def _classes(self) -> int:
        return self.architecture.layers[-1].out_channels

    @cached_property
    def closed_form(self) -> ClosedForm:
        """The closed-form estimate at this report's continuous α and ρ."""
        from costmodel.closed_form import evaluate

        mult_adds, params = evaluate(self.architecture, self.alpha, self.rho)
        return ClosedForm(mult_adds=mult_adds, params=params)

    @cached_property
    def accuracy(self) -> AccuracyPrediction | None:
        """Predicted ImageNet top-1 (see :func:`costmodel.predict_accuracy`); ``None`` for the
        full and shallow variants, which the checkpoints do not cover."""
        if self.variant != "separable" or self.architecture is not mobilenet_v1("separable"):
            return None
        from costmodel.accuracy_model import predict_at

        return predict_at(self.alpha, self.resolution, self.mult_adds)

    @cached_property
    def published(self) -> tuple[Comparison, ...]:
        """The paper's (and the TF-slim checkpoints') printed figures for this configuration,
        each set against the exact count; empty when nobody printed this configuration."""
        out: list[Comparison] = []
        if self.architecture is not mobilenet_v1(self.variant):
            return ()
        for figure in figures_for(self.variant, self.alpha, self.resolution):
            out.append(compare("mult_adds", figure, self.mult_adds))
            out.append(compare("params", figure, self.params))
        return tuple(out)

    # --- output ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values: the totals, the ratios, the closed form, the comparisons."""
        return {
            "network": self.architecture.name,
            "variant": self.variant,
            "alpha": self.alpha,
            "rho": self.rho,
            "resolution": self.resolution,
            "mult_adds": self.mult_adds,
            "params": self.params,
            "mult_adds_m": self.mult_adds_m,
            "params_m": self.params_m,
            "standard_mult_adds": self.standard_mult_adds,
            "standard_params": self.standard_params,
            "saving_ratio": self.saving_ratio,
            "params_saving_ratio": self.params_saving_ratio,
            "closed_form_mult_adds": self.closed_form.mult_adds,
            "closed_form_params": self.closed_form.params,
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
            "accuracy": None if self.accuracy is None else {
                "top1": self.accuracy.top1,
                "low": self.accuracy.low,
                "high": self.accuracy.high,
                "extrapolated": self.accuracy.extrapolated,
                "model": self.accuracy.model,
                "nearest_checkpoint": {
                    "alpha": self.accuracy.nearest.alpha,
                    "resolution": self.accuracy.nearest.resolution,
                    "top1": self.accuracy.nearest.top1,
                },
            },
            "notes": list(self.notes),
            "convention": self.convention,
        }

    def to_frame(self) -> pd.DataFrame:
        """The summary as a one-row DataFrame (the scalar values of :meth:`to_dict`)."""
        import pandas as pd

        row = {k: v for k, v in self.to_dict().items()
               if not isinstance(v, list | dict) and k != "convention"}
        if self.accuracy is not None:
            row.update(top1=self.accuracy.top1, top1_low=self.accuracy.low,
                       top1_high=self.accuracy.high)
        return pd.DataFrame([row])

    def to_markdown(self) -> str:
        """The summary as Markdown (tables of totals and of the paper's print)."""
        from costmodel.formatting import report_markdown

        return report_markdown(self)

    def to_latex(self) -> str:
        """The totals as a LaTeX table (booktabs), with the counting convention as caption."""
        import pandas as pd

        from costmodel.formatting import frame_to_latex, title

        frame = pd.DataFrame({
            "quantity": ["Mult-Adds", "Parameters"],
            "exact": [self.mult_adds, self.params],
            "millions": [self.mult_adds_m, self.params_m],
            "standard conv": [self.standard_mult_adds, self.standard_params],
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
    alpha: float = 1.0,
    rho: float | None = None,
    *,
    resolution: int | None = None,
    variant: str = "separable",
    architecture: Architecture | None = None,
) -> Report:
    """Exact Mult-Adds and parameters of MobileNet v1 at width ``alpha`` and resolution.

    ``rho`` is the resolution multiplier (default 1: 224 pixels); the input size is
    ``round(224·rho)``. Or give ``resolution`` in pixels (then ``rho = resolution / 224``);
    giving both is fine only when they agree. ``variant`` is ``"separable"`` (Table 1),
    ``"full"`` (every separable pair a standard conv, Table 4) or ``"shallow"`` (Table 5).
    ``architecture`` evaluates another layer table (:func:`costmodel.load_architecture`) with
    the same rules, ρ relative to its reference image size; the variants apply to it too.
    Raises ``ValueError`` naming the field and the accepted range on bad input.
    """
    alpha_value, rho_value, size, arch = resolve_configuration(
        alpha, rho, resolution, variant, architecture)
    mult_adds, params = count_totals(arch, alpha_value, size)
    return Report(
        alpha=alpha_value,
        rho=rho_value,
        resolution=size,
        variant=variant,
        mult_adds=mult_adds,
        params=params,
        architecture=arch,
    )


def resolve_configuration(
    alpha: object, rho: object, resolution: object, variant: object, architecture: object
) -> tuple[float, float, int, Architecture]:
    """Validated (α, ρ, input size in pixels, network) from user arguments; ``ValueError``
    naming the field and the accepted range otherwise."""
    alpha_value = check_alpha(alpha)
    arch = resolve_architecture(architecture, check_variant(variant))
    rho_value, size = resolve_resolution(rho, resolution, arch.image_size)
    return alpha_value, rho_value, size, arch


def resolve_architecture(architecture: object, variant: str) -> Architecture:
    """MobileNet v1 in ``variant``, or ``architecture`` transformed into it."""
    if architecture is None:
        return mobilenet_v1(variant)
    if not isinstance(architecture, Architecture):
        raise ValueError(
            "architecture must be an Architecture (see costmodel.load_architecture); got "
            f"{type(architecture).__name__}"
        )
    return _variant_of(architecture, variant)


@lru_cache(maxsize=32)
def _variant_of(architecture: Architecture, variant: str) -> Architecture:
    if variant == "full":
        return to_full(architecture)
    if variant == "shallow":
        return to_shallow(architecture)
    return architecture


__all__ = ["ClosedForm", "Report", "report", "resolve_architecture", "resolve_configuration"]
