"""Validating the built-in profiles on the families they were not fitted on, against two
baselines fitted on the same rows.

Each built-in fitted profile (:data:`costmodel.hardware.device_fit.BUILTIN_FITS`) is fitted on
MobileNet v1 and/or v2 rows of its device and predicts the device's other rows. The baselines
are affine in an exact count, ``t = a·x + b``, fitted by least squares on relative errors on
the same rows:

* Mult-Adds (:attr:`costmodel.core.counting.OpCount.mult_adds` summed);
* activations as fvcore counts them (:func:`activation_count`: the output elements of every
  conv and linear operation), the count timm's benchmark prints as ``infer_macts``.

A profile fitted ``like`` another (one scale factor) gets baselines the same way: the other
profile's baselines, scaled by one factor fitted to the same rows.

Reported per device and per family: MAPE (mean |predicted − measured| / measured, %) and
Spearman's rank correlation. Deterministic: no timing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from costmodel.base.kinds import BUILTIN_PROFILES, I9_TIMM_PROFILE, OpKind

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.core.counting import OpCount
    from costmodel.hardware.device_fit import BuiltinFit, Rows
    from costmodel.hardware.profile_spec import Profile

FIT = "fit"
HELD_OUT = "held out"
NOT_COMPARABLE = "not comparable"
#: The targets of issue 16: held-out MAPE on the phones and on timm's CPU rows.
PHONE_TARGET_PCT = 10.0
CPU_TARGET_PCT = 15.0
#: Each profile's target, where it is not the phones'.
TARGET_PCT: dict[str, float] = {I9_TIMM_PROFILE: CPU_TARGET_PCT}


def activation_count(ops: Sequence[OpCount]) -> int:
    """Activations as fvcore counts them (``fvcore.nn.ActivationCountAnalysis``): the output
    elements of every conv and linear operation; pooling, adds, the SE scale, concatenations
    and activation functions count none."""
    return sum(op.elements_out for op in ops if op.kind in (OpKind.CONV, OpKind.FC))


def mape(predicted: Sequence[float], measured: Sequence[float]) -> float:
    """Mean absolute percentage error, %."""
    p, m = np.asarray(predicted, float), np.asarray(measured, float)
    return float(np.mean(np.abs(p - m) / m) * 100)


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Kendall's τ-a of two orderings: (concordant − discordant pairs) / all pairs (ties count
    in neither)."""
    concordant = discordant = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            sign = (a[i] - a[j]) * (b[i] - b[j])
            concordant += sign > 0
            discordant += sign < 0
    return (concordant - discordant) / (len(a) * (len(a) - 1) / 2)


def _ranks(values: Sequence[float]) -> np.ndarray:
    x = np.asarray(values, float)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=float)
    for value in np.unique(x):  # ties share their mean rank
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman's rank correlation (ties at their mean rank); ``None`` for fewer than 3
    values or a constant sequence."""
    if len(a) < 3:
        return None
    ra, rb = _ranks(a), _ranks(b)
    if np.all(ra == ra[0]) or np.all(rb == rb[0]):
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


def affine_fit(x: Sequence[float], measured: Sequence[float]) -> tuple[float, float]:
    """(a, b) of ``t = a·x + b`` by least squares on relative errors."""
    xs, ys = np.asarray(x, float), np.asarray(measured, float)
    design = np.c_[xs, np.ones_like(xs)] / ys[:, None]
    (a, b), *_ = np.linalg.lstsq(design, np.ones_like(ys), rcond=None)
    return float(a), float(b)


def scale_fit(predicted: Sequence[float], measured: Sequence[float]) -> float:
    """The factor s minimising Σ (s·p/y − 1)²: one scale fitted on relative errors."""
    ratio = np.asarray(predicted, float) / np.asarray(measured, float)
    return float(ratio.sum() / (ratio**2).sum())


@dataclass(frozen=True, kw_only=True)
class Counted:
    """One published row with its exact counts."""

    network: str
    model: str
    family: str
    alpha: float
    resolution: int
    measured_ms: float
    mult_adds: int
    activations: int
    #: operations whose activation a profile with ``fused_activations=False`` runs apart
    unfused_activations: int
    model_ms: float


def counted(selections: Sequence[Rows], profile: object) -> list[Counted]:
    """The selected rows with their exact counts and the model's time on ``profile`` (a
    name or a :class:`~costmodel.hardware.profile_spec.Profile`)."""
    from costmodel.core.counting import count_ops
    from costmodel.core.graph import build_graph
    from costmodel.descriptions.configuration import resolve
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.hardware.latency import UNFUSABLE, total_seconds

    device = get_profile(profile)
    out = []
    for selection in selections:
        for row in selection.select():
            c = resolve(network=row.network, alpha=row.alpha, resolution=row.resolution,
                        rules=row.rules, num_classes=row.classes)
            graph = build_graph(c.network, c.rules, c.classes, c.variant, c.depth)
            ops = count_ops(graph, c.alpha, c.resolution)
            assert row.latency_ms is not None
            out.append(Counted(
                network=row.network, model=row.model, family=row.family, alpha=c.alpha,
                resolution=c.resolution, measured_ms=row.latency_ms,
                mult_adds=sum(op.mult_adds for op in ops), activations=activation_count(ops),
                unfused_activations=sum(op.activation in UNFUSABLE for op in ops),
                model_ms=total_seconds(graph, c.alpha, c.resolution, device) * 1e3))
    return out


def _spec(name: str) -> BuiltinFit:
    from costmodel.hardware.device_fit import BUILTIN_FITS

    return next(s for s in BUILTIN_FITS if s.name == name)


Baseline = dict[str, tuple[float, float]]  # "mult_adds"/"activations" → (a, b)


@cache
def baselines(name: str) -> Baseline:
    """The two affine baselines of built-in profile ``name``, fitted on its fit rows (or, for
    a profile fitted ``like`` another, the other's scaled by one factor fitted to them)."""
    spec = _spec(name)
    rows = counted(spec.fit, name)
    measured = [r.measured_ms for r in rows]
    out: Baseline = {}
    for count in ("mult_adds", "activations"):
        if spec.like is None:
            out[count] = affine_fit([getattr(r, count) for r in rows], measured)
            continue
        a, b = baselines(spec.like)[count]
        factor = scale_fit([a * getattr(r, count) + b for r in rows], measured)
        out[count] = (a * factor, b * factor)
    return out


def validation_rows(name: str, profile: Profile | None = None) -> pd.DataFrame:
    """Every row built-in profile ``name`` is fitted on or validated against, with the
    measured time, the model's (on ``profile``, by default the built-in one) and both
    baselines' predictions (ms) and the role: fit, held out, or not comparable (a row timing
    another network than the one described)."""
    import pandas as pd

    spec = _spec(name)
    base = baselines(name)
    records = []
    for role, selections in ((FIT, spec.fit), (HELD_OUT, spec.held_out),
                             (NOT_COMPARABLE, spec.not_comparable)):
        for r in counted(selections, profile or name):
            records.append({
                "device": spec.device, "profile": name, "role": role, "family": r.family,
                "network": r.network, "model": r.model, "alpha": r.alpha,
                "resolution": r.resolution, "measured_ms": r.measured_ms,
                "model_ms": r.model_ms,
                "mult_adds_ms": base["mult_adds"][0] * r.mult_adds + base["mult_adds"][1],
                "activations_ms": (base["activations"][0] * r.activations
                                   + base["activations"][1]),
                "mult_adds": r.mult_adds, "activations": r.activations,
                "unfused_activations": r.unfused_activations})
    return pd.DataFrame.from_records(records)


def scores(frame: pd.DataFrame) -> dict[str, float | None]:
    """``rows``, and MAPE and Spearman of the model and both baselines over ``frame`` (rows of
    :func:`validation_rows`)."""
    measured = frame["measured_ms"].tolist()
    out: dict[str, float | None] = {"rows": float(len(frame))}
    for label in ("model", "mult_adds", "activations"):
        predicted = frame[f"{label}_ms"].tolist()
        out[f"{label}_mape"] = mape(predicted, measured)
        out[f"{label}_spearman"] = spearman(predicted, measured)
    return out


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per device: the fit rows, every held-out family and all held-out rows together (and the
    not-comparable rows apart), each with MAPE and Spearman of the model and both baselines;
    ``target_pct`` and ``met`` on the all-held-out line (MAPE at most the target and below
    both baselines')."""
    import pandas as pd

    records = []
    for profile, frame in rows.groupby("profile", sort=False):
        device = frame["device"].iloc[0]
        target = TARGET_PCT.get(str(profile), PHONE_TARGET_PCT)
        groups: list[tuple[str, str, pd.DataFrame]] = []
        fit = frame[frame["role"] == FIT]
        groups.append((FIT, "fit rows: " + ", ".join(dict.fromkeys(fit["family"])), fit))
        held = frame[frame["role"] == HELD_OUT]
        groups += [(HELD_OUT, str(family), part)
                   for family, part in held.groupby("family", sort=True)]
        groups.append((HELD_OUT, "all held out", held))
        apart = frame[frame["role"] == NOT_COMPARABLE]
        groups += [(NOT_COMPARABLE, str(family), part)
                   for family, part in apart.groupby("family", sort=True)]
        for role, label, part in groups:
            if part.empty:
                continue
            found = scores(part)
            record: dict[str, object] = {"device": device, "profile": profile, "role": role,
                                         "family": label, **found, "target_pct": None,
                                         "met": None}
            if label == "all held out":
                model_mape = float(found["model_mape"] or 0)
                record["target_pct"] = target
                record["met"] = bool(model_mape <= target
                                     and model_mape < float(found["mult_adds_mape"] or 0)
                                     and model_mape < float(found["activations_mape"] or 0))
            records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame["rows"] = frame["rows"].astype(int)
    return frame


@cache
def held_out_error(name: str) -> tuple[float, int, tuple[str, ...]] | None:
    """(MAPE in %, rows, families) of built-in fitted profile ``name`` on its device's rows it
    was not fitted on; ``None`` for a profile without such rows (a spec sheet, a saved one)."""
    from costmodel.hardware.device_fit import BUILTIN_FITS

    if name not in {spec.name for spec in BUILTIN_FITS}:
        return None
    rows = validation_rows(name)
    held = rows[rows["role"] == HELD_OUT]
    if held.empty:
        return None
    error = mape(held["model_ms"].tolist(), held["measured_ms"].tolist())
    return error, len(held), tuple(str(f) for f in dict.fromkeys(held["family"]))


def estimate_note(profile: Profile) -> str:
    """What a latency on ``profile`` assumes and its error: the validated error on held-out
    families for a built-in profile (:func:`held_out_error`), else the fit's
    (:func:`costmodel.hardware.latency.assumptions`)."""
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.hardware.latency import assumptions

    validated = None
    if profile.name in BUILTIN_PROFILES and get_profile(profile.name) == profile:
        validated = held_out_error(profile.name)
    return assumptions(profile, validated)


__all__ = ["CPU_TARGET_PCT", "FIT", "HELD_OUT", "NOT_COMPARABLE", "PHONE_TARGET_PCT", "TARGET_PCT",
           "Counted",
           "activation_count", "affine_fit", "baselines", "counted", "estimate_note",
           "held_out_error", "kendall_tau", "mape", "scale_fit", "scores", "spearman", "summary",
           "validation_rows"]
