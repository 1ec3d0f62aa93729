"""ImageNet top-1 accuracy as a function of the configuration, fitted on the 16 TF-slim
checkpoints (the points of the paper's Figures 4 and 5).

Candidate models, each an ordinary least-squares fit:

* ``log_mult_adds``: top-1 = b0 + b1·ln(Mult-Adds): the paper's "log linear" claim (Fig. 4);
* ``log_alpha_resolution``: top-1 = b0 + b1·ln α + b2·ln(resolution/224) + b3·(ln α)²,
  which lets the width term bend (the paper notes the drop at α = 0.25).

The default is the one with the smaller leave-one-out RMSE. A prediction's interval is the
point estimate ± the largest leave-one-out error of the chosen model on the checkpoints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from costmodel.counting import count_totals

ALPHA_RANGE = (0.25, 1.0)
RESOLUTION_RANGE = (128, 224)


def _features(model: str, alpha: float, resolution: int, mult_adds: int) -> list[float]:
    if model == "log_mult_adds":
        return [1.0, math.log(mult_adds)]
    la = math.log(alpha)
    return [1.0, la, math.log(resolution / 224), la * la]


MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "log_mult_adds": ("top-1 = b0 + b1·ln(Mult-Adds)", ("b0", "b1 (ln Mult-Adds)")),
    "log_alpha_resolution": (
        "top-1 = b0 + b1·ln α + b2·ln(resolution/224) + b3·(ln α)²",
        ("b0", "b1 (ln α)", "b2 (ln resolution/224)", "b3 (ln α)²"),
    ),
}


@dataclass(frozen=True, kw_only=True)
class AccuracyFit:
    """One fitted model: coefficients, R² on the checkpoints, leave-one-out errors (points)."""

    name: str
    formula: str
    terms: tuple[str, ...]
    coefficients: tuple[float, ...]
    r2: float
    loo_rmse: float
    loo_max_abs: float
    loo_residuals: tuple[float, ...]

    def predict(self, alpha: float, resolution: int, mult_adds: int) -> float:
        """Top-1 in % at one configuration (no range checks; see :func:`predict_accuracy`)."""
        x = _features(self.name, alpha, resolution, mult_adds)
        return float(sum(c * v for c, v in zip(self.coefficients, x, strict=True)))


@dataclass(frozen=True, kw_only=True)
class Checkpoint:
    """A measured TF-slim checkpoint."""

    alpha: float
    resolution: int
    top1: float
    top5: float
    mult_adds: int


@dataclass(frozen=True, kw_only=True)
class AccuracyPrediction:
    """Predicted ImageNet top-1 (%) with an interval from the leave-one-out errors.

    ``extrapolated`` is True when α is outside [0.25, 1] or the resolution outside [128, 224],
    the range the checkpoints cover; the numbers are then a guess beyond the data.
    """

    alpha: float
    resolution: int
    top1: float
    low: float
    high: float
    nearest: Checkpoint
    extrapolated: bool
    model: str


@cache
def _checkpoints() -> tuple[Checkpoint, ...]:
    from costmodel.accuracy import checkpoints

    frame = checkpoints()
    columns = zip(frame["alpha"].to_numpy(dtype=float), frame["resolution"].to_numpy(dtype=int),
                  frame["top1"].to_numpy(dtype=float), frame["top5"].to_numpy(dtype=float),
                  frame["exact_mult_adds"].to_numpy(dtype=int), strict=True)
    return tuple(
        Checkpoint(alpha=float(a), resolution=int(r), top1=float(t1), top5=float(t5),
                   mult_adds=int(m))
        for a, r, t1, t5, m in columns
    )


def _fit(name: str) -> AccuracyFit:
    import numpy as np

    points = _checkpoints()
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
        name=name, formula=formula, terms=terms,
        coefficients=tuple(float(c) for c in coefficients), r2=r2,
        loo_rmse=float(np.sqrt((loo**2).mean())), loo_max_abs=float(np.abs(loo).max()),
        loo_residuals=tuple(residuals),
    )


@cache
def accuracy_fits() -> tuple[AccuracyFit, ...]:
    """Every candidate model fitted on the 16 checkpoints, best leave-one-out RMSE first."""
    return tuple(sorted((_fit(name) for name in MODELS), key=lambda f: f.loo_rmse))


def default_fit() -> AccuracyFit:
    """The model chosen by leave-one-out RMSE."""
    return accuracy_fits()[0]


def _nearest(alpha: float, resolution: int) -> Checkpoint:
    return min(
        _checkpoints(),
        key=lambda p: (math.log(p.alpha / alpha)) ** 2 + (math.log(p.resolution / resolution)) ** 2,
    )


def predict_at(alpha: float, resolution: int, mult_adds: int) -> AccuracyPrediction:
    """:func:`predict_accuracy` for validated inputs and a known Mult-Adds count."""
    fit = default_fit()
    top1 = fit.predict(alpha, resolution, mult_adds)
    extrapolated = not (ALPHA_RANGE[0] <= alpha <= ALPHA_RANGE[1]
                        and RESOLUTION_RANGE[0] <= resolution <= RESOLUTION_RANGE[1])
    return AccuracyPrediction(
        alpha=alpha, resolution=resolution, top1=top1,
        low=max(top1 - fit.loo_max_abs, 0.0), high=min(top1 + fit.loo_max_abs, 100.0),
        nearest=_nearest(alpha, resolution), extrapolated=extrapolated, model=fit.name,
    )


def predict_accuracy(
    alpha: float, rho: float | None = None, *, resolution: int | None = None
) -> AccuracyPrediction:
    """Predicted ImageNet top-1 (%) of MobileNet v1 at width ``alpha`` and resolution.

    ``rho``/``resolution`` as in :func:`costmodel.report`. The model is the one of
    :func:`accuracy_fits` with the smallest leave-one-out RMSE; ``low``/``high`` are ± its
    largest leave-one-out error (clipped to [0, 100]).
    """
    from costmodel.reports import resolve_configuration

    alpha_value, _, size, arch = resolve_configuration(alpha, rho, resolution, "separable", None)
    mult_adds, _ = count_totals(arch, alpha_value, size)
    return predict_at(alpha_value, size, mult_adds)


__all__ = [
    "AccuracyFit",
    "AccuracyPrediction",
    "Checkpoint",
    "accuracy_fits",
    "default_fit",
    "predict_accuracy",
]
