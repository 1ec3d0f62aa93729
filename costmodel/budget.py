"""The budget question: which (α, resolution) gives the best predicted accuracy within a
Mult-Adds and/or parameter budget, and the closed-form budget curve ρ(α)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from costmodel.architecture import mobilenet_v1
from costmodel.counting import REFERENCE_SIZE, count_totals
from costmodel.validation import MAX_RESOLUTION

if TYPE_CHECKING:
    import pandas as pd
    import sympy as sp

#: Default candidate grid: α from 0.25 to 1.0 in steps of 0.05, resolution 96 to 224 in 8s.
DEFAULT_ALPHAS: tuple[float, ...] = tuple(round(0.25 + 0.05 * i, 2) for i in range(16))
DEFAULT_RESOLUTIONS: tuple[int, ...] = tuple(range(96, 225, 8))


def _budget(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a positive number (a count, e.g. 150e6); got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number (a count); got {value!r}")
    return number


def frontier(
    *,
    max_mult_adds: float | None = None,
    max_params: float | None = None,
    alphas: object = DEFAULT_ALPHAS,
    resolutions: object = DEFAULT_RESOLUTIONS,
) -> pd.DataFrame:
    """Configurations of MobileNet v1 within the budget, best predicted top-1 first.

    Budgets are counts (Mult-Adds, parameters), ``None`` for no limit. Columns: ``alpha``,
    ``resolution``, ``mult_adds``, ``params``, ``top1``, ``low``, ``high``, ``extrapolated``,
    ``on_frontier`` (True when no other candidate has fewer or equal Mult-Adds and a higher or
    equal predicted top-1, one of them strictly). When nothing fits, the frame is empty and
    ``frame.attrs["message"]`` says why.
    """
    budget_ma = _budget("max_mult_adds", max_mult_adds)
    budget_p = _budget("max_params", max_params)
    if alphas is DEFAULT_ALPHAS and resolutions is DEFAULT_RESOLUTIONS:
        result = _default_frontier(budget_ma, budget_p)
        copy = result.copy()
        copy.attrs = dict(result.attrs)
        return copy
    return _frontier(budget_ma, budget_p, alphas, resolutions)


@lru_cache(maxsize=64)
def _default_frontier(budget_ma: float | None, budget_p: float | None) -> pd.DataFrame:
    return _frontier(budget_ma, budget_p, DEFAULT_ALPHAS, DEFAULT_RESOLUTIONS)


def _frontier(
    budget_ma: float | None, budget_p: float | None, alphas: object, resolutions: object
) -> pd.DataFrame:
    import pandas as pd

    from costmodel.accuracy_model import default_fit, predict_at
    from costmodel.sweeps import sweep

    grid = sweep(alphas, resolutions).to_frame()
    keep = np.ones(len(grid), dtype=bool)
    if budget_ma is not None:
        keep &= grid["mult_adds"].to_numpy() <= budget_ma
    if budget_p is not None:
        keep &= grid["params"].to_numpy() <= budget_p
    frame = grid[keep].drop(columns="rho").reset_index(drop=True)
    columns = ["alpha", "resolution", "mult_adds", "params", "top1", "low", "high",
               "extrapolated", "on_frontier"]
    if frame.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        smallest = grid.sort_values("mult_adds").iloc[0]
        empty.attrs["message"] = (
            f"No configuration fits the budget (Mult-Adds ≤ {budget_ma or math.inf:,.0f}, "
            f"params ≤ {budget_p or math.inf:,.0f}); the cheapest candidate, α = "
            f"{smallest['alpha']:g} at {int(smallest['resolution'])} px, needs "
            f"{int(smallest['mult_adds']):,} Mult-Adds and {int(smallest['params']):,} params."
        )
        return empty
    predictions = [
        predict_at(float(a), int(r), int(m))
        for a, r, m in zip(frame["alpha"], frame["resolution"], frame["mult_adds"], strict=True)
    ]
    frame["top1"] = [p.top1 for p in predictions]
    frame["low"] = [p.low for p in predictions]
    frame["high"] = [p.high for p in predictions]
    frame["extrapolated"] = [p.extrapolated for p in predictions]
    # Pareto frontier of (Mult-Adds ↓, top-1 ↑): sweep by cost, keep strict improvements.
    top1 = frame["top1"].to_numpy(dtype=np.float64)
    order = np.lexsort((-top1, frame["mult_adds"].to_numpy()))  # cost up, then top-1 down
    best = -math.inf
    on = np.zeros(len(frame), dtype=bool)
    for i in order:
        if top1[i] > best:
            on[i] = True
            best = float(top1[i])
    frame["on_frontier"] = on
    frame = frame.sort_values(["top1", "mult_adds"], ascending=[False, True])
    frame = frame[columns].reset_index(drop=True)
    frame.attrs["message"] = (
        f"{len(frame)} configurations fit; {int(frame['on_frontier'].sum())} on the frontier. "
        f"Top-1 predicted by the {default_fit().name} model."
    )
    return frame


@cache
def budget_rho_expr() -> sp.Expr:
    """ρ(α) on which the closed-form Mult-Adds equal a budget ``B``: sympy solves
    total(α, ρ) = B for the positive ρ. A sympy expression in ``alpha`` and ``B``."""
    import sympy as sp

    from costmodel.closed_form import network_mult_adds
    from costmodel.symbols import alpha, rho

    budget = sp.Symbol("B", positive=True)
    solutions = sp.solve(sp.Eq(network_mult_adds(mobilenet_v1()), budget), rho)
    (positive,) = [s for s in solutions if s.subs({alpha: 1, budget: 10**9}).is_positive]
    return positive


@cache
def _budget_rho_function() -> Callable[..., Any]:
    import sympy as sp

    from costmodel.symbols import alpha

    return sp.lambdify((alpha, sp.Symbol("B", positive=True)), budget_rho_expr(), "numpy")


def budget_curve(max_mult_adds: float, alphas: object = DEFAULT_ALPHAS) -> pd.DataFrame:
    """The closed-form budget curve against the exact count, per α.

    Columns: ``alpha``; ``rho`` and ``resolution_closed_form`` (224·ρ) where the closed form
    meets the budget; ``resolution_exact`` (the largest integer resolution whose exact count
    stays within it, 0 if none) and its ``mult_adds_exact``.
    """
    import pandas as pd

    from costmodel.sweeps import check_alphas

    budget = _budget("max_mult_adds", max_mult_adds)
    assert budget is not None
    a = check_alphas(alphas)
    function = _budget_rho_function()
    with np.errstate(invalid="ignore"):
        rho = np.asarray(function(a, budget), dtype=np.float64)
    arch = mobilenet_v1()
    exact_res, exact_ma = [], []
    for value in a:
        low, high = 0, MAX_RESOLUTION  # largest resolution with count ≤ budget (monotone)
        while low < high:
            mid = (low + high + 1) // 2
            if count_totals(arch, float(value), mid)[0] <= budget:
                low = mid
            else:
                high = mid - 1
        exact_res.append(low)
        exact_ma.append(count_totals(arch, float(value), low)[0] if low else 0)
    return pd.DataFrame({
        "alpha": a, "rho": rho, "resolution_closed_form": REFERENCE_SIZE * rho,
        "resolution_exact": exact_res, "mult_adds_exact": exact_ma,
    })


__all__ = ["DEFAULT_ALPHAS", "DEFAULT_RESOLUTIONS", "budget_curve", "budget_rho_expr", "frontier"]
