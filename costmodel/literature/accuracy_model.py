"""ImageNet top-1 as a function of the configuration, fitted per family on its published grid:
MobileNet v1's 16 TF-slim checkpoints (the paper's Figures 4-5), MobileNet v2's 22 TF-slim
checkpoints, MnasNet-A1's 25 README rows. Families with fewer points (v3, EfficientNet) show
their measured points only.

Candidate models, each an ordinary least-squares fit (``la = ln α``, ``lr = ln(resolution /
224)``):

* ``log_mult_adds``: top-1 = b0 + b1·ln(Mult-Adds) (the v1 paper's "log linear", Fig. 4);
* ``log_alpha_resolution``: b0 + b1·la + b2·lr + b3·la²;
* ``quadratic``: b0 + b1·la + b2·lr + b3·la² + b4·la·lr + b5·lr².

Per family, the default is the one with the smallest leave-one-out RMSE. A prediction's
interval is ± the chosen model's largest leave-one-out error, clipped to [0, 100]. Predictions
are refused more than a factor of 2 outside the fitted α and resolution ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from costmodel.core.counting import totals
from costmodel.core.graph import build_graph
from costmodel.descriptions.builtin_networks import is_builtin
from costmodel.descriptions.configuration import resolve
from costmodel.literature.accuracy import FITTED, exact_counts, fitted_rows

if TYPE_CHECKING:
    import numpy as np

    from costmodel.core.counts import Counts


def _np_log(x: Any) -> Any:  # noqa: ANN401 -- numpy arrays
    import numpy as np

    return np.log(x)

#: How far outside the fitted ranges (a factor on α and on the resolution) a prediction is
#: still given, marked as extrapolated; beyond it, predictions are refused.
EXTRAPOLATION_FACTOR = 2.0

MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "log_mult_adds": ("top-1 = b0 + b1·ln(Mult-Adds)", ("b0", "b1 (ln Mult-Adds)")),
    "log_alpha_resolution": (
        "top-1 = b0 + b1·ln α + b2·ln(resolution/224) + b3·(ln α)²",
        ("b0", "b1 (ln α)", "b2 (ln resolution/224)", "b3 (ln α)²"),
    ),
    "quadratic": (
        "top-1 = b0 + b1·ln α + b2·ln(res/224) + b3·(ln α)² + b4·ln α·ln(res/224) "
        "+ b5·ln(res/224)²",
        ("b0", "b1 (ln α)", "b2 (ln res/224)", "b3 (ln α)²", "b4 (ln α·ln res/224)",
         "b5 (ln res/224)²"),
    ),
}


def _features(model: str, alpha: Any, resolution: Any,  # noqa: ANN401 -- scalars or arrays
              mult_adds: Any) -> list[Any]:  # noqa: ANN401
    """The model's features for scalars or numpy arrays (``log`` of either)."""
    log = math.log if isinstance(alpha, float | int) else _np_log
    if model == "log_mult_adds":
        return [1.0, log(mult_adds)]
    la, lr = log(alpha), log(resolution / 224)
    if model == "log_alpha_resolution":
        return [1.0, la, lr, la * la]
    return [1.0, la, lr, la * la, la * lr, lr * lr]


@dataclass(frozen=True, kw_only=True)
class AccuracyFit:
    """One fitted model: coefficients, R² on the points, leave-one-out errors (points of %)."""

    network: str
    name: str
    formula: str
    terms: tuple[str, ...]
    coefficients: tuple[float, ...]
    r2: float
    loo_rmse: float
    loo_max_abs: float
    loo_residuals: tuple[float, ...]
    points: int
    alpha_range: tuple[float, float]
    resolution_range: tuple[int, int]

    def predict(self, alpha: float, resolution: int, mult_adds: int) -> float:
        """Top-1 in % at one configuration (no range checks; see :func:`predict_accuracy`)."""
        x = _features(self.name, alpha, resolution, mult_adds)
        return float(sum(c * v for c, v in zip(self.coefficients, x, strict=True)))

    def predict_array(self, alphas: np.ndarray, resolutions: np.ndarray,
                      mult_adds: np.ndarray) -> np.ndarray:
        """:meth:`predict` on aligned arrays (the same features, vectorised)."""
        import numpy as np

        x = _features(self.name, np.asarray(alphas, dtype=np.float64),
                      np.asarray(resolutions, dtype=np.float64),
                      np.asarray(mult_adds, dtype=np.float64))
        return sum((c * v for c, v in zip(self.coefficients, x, strict=True)),
                   np.zeros(np.shape(alphas)))


@dataclass(frozen=True, kw_only=True)
class Checkpoint:
    """A measured point of a family's published grid."""

    alpha: float
    resolution: int
    top1: float
    mult_adds: int
    source: str


@dataclass(frozen=True, kw_only=True)
class AccuracyPrediction:
    """Predicted ImageNet top-1 (%) with an interval from the leave-one-out errors.

    ``extrapolated`` is True outside the α and resolution ranges of the fitted points; the
    number is then a guess beyond the data. Always ``0 ≤ low ≤ top1 ≤ high ≤ 100``.
    """

    network: str
    alpha: float
    resolution: int
    top1: float
    low: float
    high: float
    nearest: Checkpoint
    extrapolated: bool
    model: str


@cache
def _points(network: str) -> tuple[Checkpoint, ...]:
    """The fitted network's published points with their exact Mult-Adds (no DataFrame: a
    prediction in a fresh process does not import pandas)."""
    points = []
    for row in fitted_rows(network):
        exact = exact_counts(row)
        if (exact is None or row.alpha is None or row.resolution is None
                or row.fitted_top1 is None):
            raise ValueError(f"{row.file}:{row.line}: a fitted point needs a modelled "
                             f"network, α, a resolution, classes and a top-1")
        points.append(Checkpoint(alpha=row.alpha, resolution=row.resolution,
                                 top1=row.fitted_top1, mult_adds=exact[0], source=row.source))
    return tuple(points)


def _fit(network: str, name: str) -> AccuracyFit:
    import numpy as np

    points = _points(network)
    X = np.array([_features(name, p.alpha, p.resolution, p.mult_adds) for p in points])
    y = np.array([p.top1 for p in points])
    coefficients, *_ = np.linalg.lstsq(X, y, rcond=None)
    fitted = X @ coefficients
    r2 = 1 - float(((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum())
    residuals = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        c, *_ = np.linalg.lstsq(X[keep], y[keep], rcond=None)
        residuals.append(float(y[i] - X[i] @ c))
    loo = np.array(residuals)
    formula, terms = MODELS[name]
    return AccuracyFit(
        network=network, name=name, formula=formula, terms=terms,
        coefficients=tuple(float(c) for c in coefficients), r2=r2,
        loo_rmse=float(np.sqrt((loo**2).mean())), loo_max_abs=float(np.abs(loo).max()),
        loo_residuals=tuple(residuals), points=len(points),
        alpha_range=(min(p.alpha for p in points), max(p.alpha for p in points)),
        resolution_range=(min(p.resolution for p in points), max(p.resolution for p in points)),
    )


def _check_fitted(network: object) -> str:
    if not isinstance(network, str) or network not in FITTED:
        raise ValueError(
            f"network must be one of {', '.join(FITTED)} for an accuracy model (the families "
            f"with a published grid of α × resolution); got {network!r}. The others show their "
            f"measured points only (costmodel.accuracy_data())")
    return network


@cache
def accuracy_fits(network: str = "mobilenet_v1") -> tuple[AccuracyFit, ...]:
    """Every candidate model fitted on ``network``'s published grid, best leave-one-out RMSE
    first."""
    name = _check_fitted(network)
    return tuple(sorted((_fit(name, model) for model in MODELS), key=lambda f: f.loo_rmse))


def default_fit(network: str = "mobilenet_v1") -> AccuracyFit:
    """The model chosen by leave-one-out RMSE for ``network``."""
    return accuracy_fits(network)[0]


def _nearest(network: str, alpha: float, resolution: int) -> Checkpoint:
    return min(
        _points(network),
        key=lambda p: (math.log(p.alpha / alpha)) ** 2 + (math.log(p.resolution / resolution)) ** 2,
    )


def predict_at(network: str, alpha: float, resolution: int, mult_adds: int) -> AccuracyPrediction:
    """:func:`predict_accuracy` for validated inputs and a known Mult-Adds count; ``ValueError``
    more than a factor of 2 outside the fitted ranges."""
    fit = default_fit(network)
    (a_lo, a_hi), (r_lo, r_hi) = fit.alpha_range, fit.resolution_range
    factor = EXTRAPOLATION_FACTOR
    if not (a_lo / factor <= alpha <= a_hi * factor and r_lo / factor <= resolution
            <= r_hi * factor):
        raise ValueError(
            f"no accuracy prediction for α = {alpha:g} at {resolution} px: the {network} "
            f"model is fitted on α {a_lo:g}-{a_hi:g} and {r_lo}-{r_hi} px, and predictions "
            f"are given only within a factor of {factor:g} of that range (α "
            f"{a_lo / factor:g}-{a_hi * factor:g}, {r_lo / factor:g}-{r_hi * factor:g} px)")
    raw = fit.predict(alpha, resolution, mult_adds)
    top1 = min(max(raw, 0.0), 100.0)
    extrapolated = not (a_lo <= alpha <= a_hi and r_lo <= resolution <= r_hi)
    return AccuracyPrediction(
        network=network, alpha=alpha, resolution=resolution, top1=top1,
        low=max(top1 - fit.loo_max_abs, 0.0), high=min(top1 + fit.loo_max_abs, 100.0),
        nearest=_nearest(network, alpha, resolution), extrapolated=extrapolated,
        model=fit.name,
    )


def predict_accuracy(
    alpha: float | None = None, rho: float | None = None, *, resolution: int | None = None,
    network: str = "mobilenet_v1",
) -> AccuracyPrediction:
    """Predicted ImageNet top-1 (%) of ``network`` (MobileNet v1, v2 or MnasNet-A1) at width
    ``alpha`` and resolution (``rho``/``resolution`` as in :func:`costmodel.report`).

    The model is the one of :func:`accuracy_fits` with the smallest leave-one-out RMSE;
    ``low``/``high`` are ± its largest leave-one-out error (clipped to [0, 100]).
    """
    name = _check_fitted(network)
    config = resolve(network=name, alpha=alpha, rho=rho, resolution=resolution)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    mult_adds, _, _ = totals(graph, config.alpha, config.resolution)
    return predict_at(name, config.alpha, config.resolution, mult_adds)


def predict_for_report(r: Counts) -> AccuracyPrediction | None:
    """The prediction for report ``r``, or ``None`` where no fitted model applies (another
    family, variant, rule set or classifier, or too far outside the data)."""
    key = r.network.key
    if key not in FITTED or r.variant != "separable" or not is_builtin(r.network):
        return None
    if r.rules != r.network.rules[0].name or r.classes != r.network.rules[0].classes:
        return None
    try:
        return predict_at(key, r.alpha, r.resolution, r.mult_adds)
    except ValueError:
        return None


__all__ = [
    "EXTRAPOLATION_FACTOR",
    "AccuracyFit",
    "AccuracyPrediction",
    "Checkpoint",
    "accuracy_fits",
    "default_fit",
    "predict_accuracy",
    "predict_at",
    "predict_for_report",
]
