"""The budget frontier with a latency budget on a device profile.

:func:`frontier` is :func:`costmodel.literature.budget.frontier` (Mult-Adds and parameter
budgets, published and predicted top-1) with two more arguments: ``max_latency_ms`` and the
``profile`` it is estimated on. Every candidate gets its estimated latency
(:func:`costmodel.hardware.latency.total_seconds`: t₀ + max(compute, memory) per operation,
batch 1), those over the budget are left out, and the Pareto frontier is taken against latency
instead of Mult-Adds. The answer says what the estimate assumes and how far it is known to hold
on that device (:func:`costmodel.hardware.latency.assumptions`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from costmodel.base.kinds import DEFAULT_PROFILE
from costmodel.core.graph import build_graph
from costmodel.descriptions.configuration import resolve
from costmodel.hardware.device_profiles import get_profile
from costmodel.hardware.latency import total_seconds
from costmodel.hardware.latency_validation import estimate_note
from costmodel.hardware.profile_spec import Profile
from costmodel.literature import budget

if TYPE_CHECKING:
    import pandas as pd

#: The largest latency budget accepted, in milliseconds (an hour).
MAX_LATENCY_MS = 3_600_000.0
LATENCY_RANGE = f"a number of milliseconds in (0, {MAX_LATENCY_MS:,.0f}]"


def check_latency_budget(value: object) -> float | None:
    """``max_latency_ms`` as a float (``None``: no latency budget); a ``ValueError`` naming
    the field and the range."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"max_latency_ms must be {LATENCY_RANGE}; got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not 0 < number <= MAX_LATENCY_MS:
        raise ValueError(f"max_latency_ms must be {LATENCY_RANGE}; got {value!r}")
    return number


def _config_latency_ms(network: str, alpha: float, resolution: int, profile: Profile) -> float:
    config = resolve(network=network, alpha=alpha, resolution=resolution)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    return total_seconds(graph, config.alpha, config.resolution, profile) * 1e3


@lru_cache(maxsize=65536)
def _named_latency_ms(network: str, alpha: float, resolution: int, profile: str) -> float:
    return _config_latency_ms(network, alpha, resolution, get_profile(profile))


def latencies_ms(frame: pd.DataFrame, profile: str | Profile) -> np.ndarray:
    """The estimated latency (ms, batch 1) of every row of a frontier frame on ``profile``
    (cached per configuration for a profile given by name)."""
    rows = zip(frame["network"], frame["alpha"], frame["resolution"], strict=True)
    if isinstance(profile, Profile):
        values = [_config_latency_ms(str(n), float(a), int(r), profile) for n, a, r in rows]
    else:
        values = [_named_latency_ms(str(n), float(a), int(r), profile) for n, a, r in rows]
    return np.asarray(values, dtype=np.float64)


def frontier(
    *,
    max_mult_adds: float | None = None,
    max_params: float | None = None,
    max_latency_ms: float | None = None,
    profile: str | Profile | None = None,
    networks: Sequence[str] = ("mobilenet_v1",),
    alphas: object = None,
    resolutions: object = None,
    checkpoints_only: bool = False,
) -> pd.DataFrame:
    """Configurations within the budget across ``networks``, the answer first: see
    :func:`costmodel.literature.budget.frontier` for the candidates, their top-1 and the
    order.

    With ``max_latency_ms`` (milliseconds) or a ``profile`` (default
    :data:`~costmodel.base.kinds.DEFAULT_PROFILE`, or a :class:`Profile`), every row gains
    ``latency_ms``, its estimate at batch 1 on that profile; rows over ``max_latency_ms`` are
    left out; ``on_frontier`` is then taken against latency (no other candidate is as fast or
    faster and as accurate or more, one strictly); and ``frame.attrs["message"]`` says what the
    estimate assumes and its error on that device. Without either, the frame is
    :func:`costmodel.literature.budget.frontier`'s.
    """
    limit = check_latency_budget(max_latency_ms)
    if limit is None and profile is None:
        return budget.frontier(max_mult_adds=max_mult_adds, max_params=max_params,
                               networks=networks, alphas=alphas, resolutions=resolutions,
                               checkpoints_only=checkpoints_only)
    chosen = get_profile(DEFAULT_PROFILE if profile is None else profile)
    frame = budget.frontier(max_mult_adds=max_mult_adds, max_params=max_params,
                            networks=networks, alphas=alphas, resolutions=resolutions,
                            checkpoints_only=checkpoints_only)
    message = str(frame.attrs.get("message", "")).rstrip(".")
    said = f"Latency estimated on {chosen.name} ({estimate_note(chosen)})"
    if frame.empty:
        frame.attrs["message"] = f"{message}. {said}" if message else said
        return frame
    key: str | Profile = chosen.name if isinstance(profile, str | None) else chosen
    frame = frame.assign(latency_ms=latencies_ms(frame, key))
    frame.attrs["profile"] = chosen.name
    if limit is not None:
        fits = frame["latency_ms"].to_numpy() <= limit
        if not fits.any():
            fastest = frame.sort_values("latency_ms").iloc[0]
            empty = frame.iloc[0:0].copy()
            empty.attrs["message"] = (
                f"No configuration fits {limit:,.3g} ms on {chosen.name}: the fastest "
                f"candidate, {fastest['network']} α = {fastest['alpha']:g} at "
                f"{int(fastest['resolution'])} px, is estimated at "
                f"{fastest['latency_ms']:,.3g} ms. {said}")
            return empty
        frame = frame[fits].reset_index(drop=True)
    frame["on_frontier"] = budget.pareto_mask(frame["latency_ms"].to_numpy(dtype=np.float64),
                                              frame["top1"].to_numpy(dtype=np.float64))
    within = f" within {limit:,.3g} ms" if limit is not None else ""
    frame.attrs["message"] = (f"{message}; {len(frame):,} of them{within} on {chosen.name} "
                              f"({int(frame['on_frontier'].sum())} on the latency frontier). "
                              f"{said}")
    return frame


__all__ = ["LATENCY_RANGE", "MAX_LATENCY_MS", "check_latency_budget", "frontier",
           "latencies_ms"]
