"""The budget question: which network and configuration gives the best ImageNet top-1 within a
Mult-Adds and/or parameter budget, and the closed-form budget curve ρ(α).

Networks with a fitted accuracy model (MobileNet v1, v2, MnasNet-A1) are searched over a grid of
α × resolution with predicted top-1; the others (MobileNet v3, EfficientNet, timm's networks)
enter with their measured, published points only.

The ranking, stated once (:func:`frontier`): configurations are ranked by ``low``, the low end
of what is known of their top-1. A measured top-1 is its own interval (``low`` = ``top1``); a
predicted one counts at the low end of its interval, the prediction minus the fit's largest
leave-one-out error. So a measured configuration is preferred to a predicted one whenever its
measured top-1 is within or above the prediction's interval (the fit cannot tell them apart,
and the measured one is a number somebody got); equal ``low`` puts a released checkpoint
first, then a paper's figure, then a prediction, then fewer Mult-Adds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from costmodel.core.counting import totals
from costmodel.core.graph import build_graph
from costmodel.descriptions.builtin_networks import NETWORK_NAMES
from costmodel.descriptions.configuration import MAX_RESOLUTION, resolve
from costmodel.literature.published import Origin

if TYPE_CHECKING:
    import pandas as pd
    import sympy as sp

#: Default candidate grid of MobileNet v1: α 0.25-1.0 in steps of 0.05, 96-224 px in 8s.
DEFAULT_ALPHAS: tuple[float, ...] = tuple(round(0.25 + 0.05 * i, 2) for i in range(16))
DEFAULT_RESOLUTIONS: tuple[int, ...] = tuple(range(96, 225, 8))
#: Default grids of the other fitted networks: α 0.35-1.4 in steps of 0.05.
WIDE_ALPHAS: tuple[float, ...] = tuple(round(0.35 + 0.05 * i, 2) for i in range(22))
MAX_CANDIDATES = 2_000_000
COLUMNS = ["network", "alpha", "resolution", "mult_adds", "params", "top1", "low", "high",
           "basis", "checkpoint", "extrapolated", "on_frontier", "source"]
#: The columns of the candidates before the frontier is marked.
_CANDIDATE_COLUMNS = [c for c in COLUMNS if c != "on_frontier"]
#: Origins whose top-1 is a released checkpoint's evaluation (a checkpoint table's row,
#: torchvision's weights metadata). A paper's figure is measured too, but names no download.
CHECKPOINT_ORIGINS: tuple[Origin, ...] = (Origin.CHECKPOINTS, Origin.LIBRARY)


def _budget(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a positive number (a count, e.g. 150e6); got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number (a count); got {value!r}")
    return number


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _budget_text(budget_ma: float | None, budget_p: float | None) -> str:
    """The Mult-Adds and params budget in words ("no Mult-Adds or params budget" without
    either: a latency budget, applied after, says its own)."""
    parts = []
    if budget_ma is not None:
        parts.append(f"Mult-Adds ≤ {budget_ma:,.0f}")
    if budget_p is not None:
        parts.append(f"params ≤ {budget_p:,.0f}")
    return ", ".join(parts) or "no Mult-Adds or params budget"


def _predicted(network: str, alphas: object, resolutions: object) -> pd.DataFrame:
    import pandas as pd

    from costmodel.core.sweeps import sweep
    from costmodel.literature.accuracy_model import EXTRAPOLATION_FACTOR, default_fit

    grid = sweep(alphas, resolutions, network=network).to_frame()
    fit = default_fit(network)
    a = grid["alpha"].to_numpy()
    r = grid["resolution"].to_numpy()
    (a_lo, a_hi), (r_lo, r_hi) = fit.alpha_range, fit.resolution_range
    inside = ((a >= a_lo / EXTRAPOLATION_FACTOR) & (a <= a_hi * EXTRAPOLATION_FACTOR)
              & (r >= r_lo / EXTRAPOLATION_FACTOR) & (r <= r_hi * EXTRAPOLATION_FACTOR))
    outside = int((~inside).sum())
    grid = grid[inside].reset_index(drop=True)
    top1 = np.clip(fit.predict_array(grid["alpha"].to_numpy(), grid["resolution"].to_numpy(),
                                     grid["mult_adds"].to_numpy()), 0.0, 100.0)
    frame = pd.DataFrame({
        "network": network, "alpha": grid["alpha"], "resolution": grid["resolution"],
        "mult_adds": grid["mult_adds"], "params": grid["params"], "top1": top1,
        "low": np.maximum(top1 - fit.loo_max_abs, 0.0),
        "high": np.minimum(top1 + fit.loo_max_abs, 100.0), "basis": "predicted",
        "checkpoint": False,
        "extrapolated": ~((grid["alpha"] >= a_lo) & (grid["alpha"] <= a_hi)
                          & (grid["resolution"] >= r_lo) & (grid["resolution"] <= r_hi)),
        "source": f"{fit.name} fit on {fit.points} published points",
    })
    if outside:
        frame.attrs["outside"] = (
            f"{outside:,} {network} candidates lie outside its accuracy model's range (α "
            f"{a_lo / EXTRAPOLATION_FACTOR:g}-{a_hi * EXTRAPOLATION_FACTOR:g}, "
            f"{r_lo / EXTRAPOLATION_FACTOR:g}-{r_hi * EXTRAPOLATION_FACTOR:g} px: within a "
            f"factor of {EXTRAPOLATION_FACTOR:g} of the fitted points) and are not ranked")
    return frame


@cache
def _measured(network: str) -> pd.DataFrame:
    """The network's measured (published) ImageNet top-1 points, one per (α, resolution).

    A released checkpoint's evaluation (origin in :data:`CHECKPOINT_ORIGINS`: a checkpoint
    table, torchvision's weights) is taken before a paper's figure of the same configuration
    (MobileNet v1 1.0-224: TF-slim's checkpoint 70.9 %, not the paper's 70.6 %); ``checkpoint``
    says which it is. Among sources of the same kind, rows are taken in the loader's order
    (``published.FILES``: the MobileNet, MnasNet and EfficientNet papers and checkpoint tables,
    then torchvision's and timm's evaluations, then the newer families' papers and READMEs):
    the first source that measured a configuration gives its top-1, the best of that source's
    rows there where it lists several checkpoints of it (timm's results file evaluates some
    networks' checkpoints at the same size). A newer family's README figure is therefore ranked
    where timm did not evaluate that configuration (EfficientNet-Lite3 at 280 px, PP-LCNet
    x0.35). ``source`` names the source and the row's model or checkpoint. A network of fixed
    width (timm's) has its own α."""
    import pandas as pd

    from costmodel.literature.accuracy import accuracy_data

    data = accuracy_data()
    rows = data[(data["network"] == network) & (data["metric"] == "top-1 %")
                & (data["task"] == "ImageNet")
                & ~data["model"].str.contains("8-bit") & data["exact_mult_adds"].notna()
                & (data["variant"] == "separable")]
    # key → (checkpoint, source, top-1, model)
    chosen: dict[tuple[float, int], tuple[bool, str, float, str]] = {}
    for alpha_cell, resolution, value, source, model, origin in zip(
            rows["alpha"].tolist(), rows["resolution"].tolist(), rows["value"].tolist(),
            rows["source"].tolist(), rows["model"].tolist(), rows["origin"].tolist(),
            strict=True):
        alpha = None if math.isnan(alpha_cell) else float(alpha_cell)
        config = resolve(network=network, alpha=alpha, resolution=int(resolution))
        key = (config.alpha, config.resolution)
        checkpoint = origin in CHECKPOINT_ORIGINS
        first = chosen.get(key)
        if (first is None or (checkpoint and not first[0])
                or (first[1] == source and float(value) > first[2])):
            chosen[key] = (checkpoint, source, float(value), model)
    out = []
    for (alpha_value, size), (checkpoint, source, top1, model) in chosen.items():
        config = resolve(network=network, alpha=alpha_value, resolution=size)
        graph = build_graph(config.network, config.rules, config.classes, config.variant,
                            config.depth)
        mult_adds, params, _ = totals(graph, config.alpha, config.resolution)
        out.append({"network": network, "alpha": config.alpha,
                    "resolution": config.resolution, "mult_adds": mult_adds,
                    "params": params, "top1": top1, "low": top1, "high": top1,
                    "basis": "measured", "checkpoint": checkpoint, "extrapolated": False,
                    "source": f"{source}: {model}" if model else source})
    return pd.DataFrame(out, columns=_CANDIDATE_COLUMNS)


def _with_measured(predicted: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """The predicted grid with each point that was also measured (published) taking the
    measured top-1 instead of the prediction."""
    if predicted.empty or measured.empty:
        return predicted
    key = measured.set_index([measured["alpha"].round(6), measured["resolution"]])
    out = predicted.copy()
    index = list(zip(out["alpha"].round(6), out["resolution"], strict=True))
    for column in ("top1", "low", "high", "basis", "checkpoint", "extrapolated", "source"):
        lookup = key[column].to_dict()
        out[column] = [lookup.get(i, old) for i, old in zip(index, out[column], strict=True)]
    return out


def pareto_mask(cost: np.ndarray, score: np.ndarray) -> np.ndarray:
    """True where no other point has lower-or-equal cost and a higher-or-equal score with one
    strictly better (the Pareto frontier of cost down, score up). Points with equal cost and
    equal score do not dominate each other, so an exact tie is on the frontier together."""
    cost = np.asarray(cost, dtype=np.float64)
    score = np.asarray(score, dtype=np.float64)
    on = np.zeros(cost.size, dtype=bool)
    if not cost.size:
        return on
    order = np.lexsort((-score, cost))  # cost up, then score down
    c, sc = cost[order], score[order]
    positions = np.arange(c.size)
    first = np.concatenate([[True], c[1:] != c[:-1]])  # the first point of each cost
    start = np.maximum.accumulate(np.where(first, positions, 0))
    running = np.maximum.accumulate(sc)
    cheaper = np.where(start > 0, running[np.maximum(start - 1, 0)], -np.inf)
    # better than everything strictly cheaper, and the best (or tied best) at its cost
    on[order] = (sc > cheaper) & (sc == sc[start])
    return on


#: Names a message lists before it says how many more there are.
MAX_LISTED = 8


def _listed(names: list[str]) -> str:
    """``a, b, c`` or, past :data:`MAX_LISTED`, the first ones and how many more."""
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_LISTED])} and {len(names) - MAX_LISTED} more"


def frontier(
    *,
    max_mult_adds: float | None = None,
    max_params: float | None = None,
    networks: Sequence[str] = ("mobilenet_v1",),
    alphas: object = None,
    resolutions: object = None,
    checkpoints_only: bool = False,
) -> pd.DataFrame:
    """Configurations within the budget across ``networks``, the answer first.

    Budgets are counts (Mult-Adds, parameters), ``None`` for no limit. Networks with a fitted
    accuracy model are searched over ``alphas`` × ``resolutions`` (default: α 0.25-1.0 for
    MobileNet v1, 0.35-1.4 for the others, 96-224 px in steps of 8) with predicted top-1,
    except where a paper or checkpoint measured that point (its top-1 is used, basis
    ``measured``; a released checkpoint's before a paper's figure); the others contribute
    their measured (published) points only, at their own α for networks of fixed width
    (timm's: ``mixnet_s`` is α = 1 at each resolution its checkpoints were evaluated at), and
    ``alphas``/``resolutions`` do not apply to them. Where one source lists several
    checkpoints of a configuration, the best is ranked and ``source`` names it ("timm
    results/results-imagenet.csv @aa4b5850: mixnet_s.ft_in1k").

    The order (the first row is the answer): ``low`` descending, the low end of the top-1's
    interval. A measured top-1 is its own interval; a predicted one's is ± the fit's largest
    leave-one-out error (:func:`costmodel.literature.accuracy_model.predict_accuracy`). So a
    measured configuration ranks ahead of a predicted one when its top-1 is at least the
    prediction minus that error: at 600 M Mult-Adds MobileNet v1 1.0-224 (TF-slim's checkpoint,
    70.9 %) ranks ahead of 1.0-216 (70.8 % predicted, 70.3-71.3). At equal ``low`` a released
    checkpoint comes first, then a paper's figure, then a prediction, then fewer Mult-Adds.
    ``checkpoints_only=True`` ranks only configurations with a released checkpoint (a
    checkpoint table's or torchvision's evaluation): no prediction, no paper-only figure.

    Columns: ``network``, ``alpha``, ``resolution``, ``mult_adds``, ``params``, ``top1``,
    ``low``, ``high``, ``basis`` (predicted / measured), ``checkpoint`` (True where a released
    checkpoint's evaluation gives ``top1``), ``extrapolated``, ``on_frontier`` (True when no
    other candidate has fewer or equal Mult-Adds and a higher or equal top-1, one strictly:
    exact ties are on it together), ``source``. A network listed twice, and a configuration
    given twice, appear once. A network with no fit and no published ImageNet top-1 (with
    ``checkpoints_only``, no checkpoint evaluated on ImageNet) is not ranked, and
    ``frame.attrs["message"]`` names it. When nothing fits, the frame is empty and
    ``frame.attrs["message"]`` says why.
    """
    budget_ma = _budget("max_mult_adds", max_mult_adds)
    budget_p = _budget("max_params", max_params)
    if not isinstance(checkpoints_only, bool | np.bool_):
        raise ValueError(f"checkpoints_only must be True or False; got {checkpoints_only!r}")
    only = bool(checkpoints_only)
    if isinstance(networks, str) or not isinstance(networks, Sequence) or not networks:
        raise ValueError("networks must be a non-empty list of network names")
    names = tuple(dict.fromkeys(networks))  # a network listed twice is searched once
    for name in names:
        if not isinstance(name, str) or name not in NETWORK_NAMES:
            raise ValueError(f"networks must name built-in networks ({', '.join(NETWORK_NAMES)}): "
                             f"the frontier needs their published accuracy; got {name!r}")
    if alphas is None and resolutions is None:
        result = _default_frontier(names, budget_ma, budget_p, only)
        copy = result.copy()
        copy.attrs = dict(result.attrs)
        return copy
    return _frontier(names, budget_ma, budget_p, alphas, resolutions, only)


@lru_cache(maxsize=64)
def _default_frontier(names: tuple[str, ...], budget_ma: float | None,
                      budget_p: float | None, checkpoints_only: bool) -> pd.DataFrame:
    return _frontier(names, budget_ma, budget_p, None, None, checkpoints_only)


def _frontier(names: tuple[str, ...], budget_ma: float | None, budget_p: float | None,
              alphas: object, resolutions: object, checkpoints_only: bool) -> pd.DataFrame:
    import pandas as pd

    from costmodel.literature.accuracy import FITTED

    parts = []
    for name in names:
        if name in FITTED:
            a = alphas if alphas is not None else (
                DEFAULT_ALPHAS if name == "mobilenet_v1" else WIDE_ALPHAS)
            r = resolutions if resolutions is not None else DEFAULT_RESOLUTIONS
            size = np.asarray(a).size * np.asarray(r).size
            if size > MAX_CANDIDATES:
                raise ValueError(f"a candidate grid of {size:,} configurations; at most "
                                 f"{MAX_CANDIDATES:,}")
            parts.append(_with_measured(_predicted(name, a, r), _measured(name)))
        else:
            parts.append(_measured(name))
    if checkpoints_only:
        parts = [p[p["checkpoint"].astype(bool)] for p in parts]
        notes: list[str] = []  # the predictions' range does not apply
        unranked = [name for name, part in zip(names, parts, strict=True) if part.empty]
        missing = "no checkpoint evaluated on ImageNet"
    else:
        notes = [str(p.attrs["outside"]) for p in parts if "outside" in p.attrs]
        unranked = [name for name, part in zip(names, parts, strict=True)
                    if name not in FITTED and part.empty]
        missing = "no published ImageNet top-1"
    if unranked:
        notes.append(f"{_count(len(unranked), 'network')} with {missing} "
                     f"{'is' if len(unranked) == 1 else 'are'} not ranked: "
                     f"{_listed(unranked)}")
    with_checkpoint = " with a released checkpoint" if checkpoints_only else ""
    kind = "checkpoint" if checkpoints_only else "candidate"
    grid = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else pd.DataFrame(columns=COLUMNS)
    # one row per configuration (repeated alphas or resolutions give the same one)
    grid = grid.drop_duplicates(["network", "alpha", "resolution"]).reset_index(drop=True)
    keep = np.ones(len(grid), dtype=bool)
    if budget_ma is not None:
        keep &= grid["mult_adds"].to_numpy(dtype=np.float64) <= budget_ma
    if budget_p is not None:
        keep &= grid["params"].to_numpy(dtype=np.float64) <= budget_p
    frame = grid[keep].reset_index(drop=True)
    if frame.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        budget = _budget_text(budget_ma, budget_p)
        message = (f"No configuration{with_checkpoint} fits the budget ({budget})" if len(grid)
                   else f"No {kind} could be ranked for the budget ({budget})")
        if len(grid):
            cheapest = grid.sort_values("mult_adds").iloc[0]
            message += (f"; the cheapest {kind}, {cheapest['network']} α = "
                        f"{cheapest['alpha']:g} at {int(cheapest['resolution'])} px, needs "
                        f"{int(cheapest['mult_adds']):,} Mult-Adds and "
                        f"{int(cheapest['params']):,} params.")
        empty.attrs["message"] = "; ".join([message, *notes]) + ("." if notes else "")
        return empty
    frame["on_frontier"] = pareto_mask(frame["mult_adds"].to_numpy(dtype=np.float64),
                                       frame["top1"].to_numpy(dtype=np.float64))
    # the ranking (module docstring): low end of the interval, then a checkpoint before a
    # paper's figure before a prediction, then fewer Mult-Adds
    basis_order = np.where(frame["checkpoint"].astype(bool), 0,
                           np.where(frame["basis"] == "measured", 1, 2))
    frame = frame.assign(_basis_order=basis_order).sort_values(
        ["low", "_basis_order", "mult_adds"], ascending=[False, True, True])
    frame = frame[COLUMNS].reset_index(drop=True)
    frame.attrs["message"] = (
        f"{_count(len(frame), 'configuration')}{with_checkpoint} "
        f"{'fits' if len(frame) == 1 else 'fit'} ({_budget_text(budget_ma, budget_p)}); "
        f"{int(frame['on_frontier'].sum())} on the frontier" + "".join(f"; {n}" for n in notes)
        + ".")
    return frame


@cache
def budget_rho_expr(network: str = "mobilenet_v1") -> sp.Expr:
    """ρ(α) on which the closed-form Mult-Adds equal a budget ``B``: the closed form is
    ``ρ²·P(α) + Q(α)`` (the operations after the pool do not scale with ρ), so
    ``ρ = sqrt((B − Q)/P)``. A sympy expression in ``alpha`` and ``B``."""
    import sympy as sp

    from costmodel.base.symbols import rho
    from costmodel.core.closed_form import network_mult_adds

    config = resolve(network=network)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    poly = sp.Poly(network_mult_adds(graph), rho)
    spatial = poly.coeff_monomial(rho**2)
    constant = poly.coeff_monomial(1)
    budget = sp.Symbol("B", positive=True)
    return sp.sqrt((budget - constant) / spatial)


@cache
def _budget_rho_function(network: str) -> Callable[..., Any]:
    import sympy as sp

    from costmodel.base.symbols import alpha

    return sp.lambdify((alpha, sp.Symbol("B", positive=True)), budget_rho_expr(network),
                       "numpy")


def budget_curve(max_mult_adds: float, alphas: object = DEFAULT_ALPHAS,
                 network: str = "mobilenet_v1") -> pd.DataFrame:
    """The closed-form budget curve against the exact count, per α.

    Columns: ``alpha``; ``rho`` and ``resolution_closed_form`` (reference·ρ) where the closed
    form meets the budget; ``resolution_exact`` (the largest integer resolution whose exact
    count stays within it, 0 if none) and its ``mult_adds_exact``.
    """
    import pandas as pd

    from costmodel.core.sweeps import check_alphas

    budget = _budget("max_mult_adds", max_mult_adds)
    if budget is None:
        raise ValueError("max_mult_adds must be a positive number (a count, e.g. 150e6); "
                         "got None")
    a = check_alphas(alphas)
    config = resolve(network=network)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    with np.errstate(invalid="ignore"):
        rho = np.asarray(_budget_rho_function(network)(a, budget), dtype=np.float64)
    exact_res, exact_ma = [], []
    for value in a:
        low, high = 0, MAX_RESOLUTION  # largest resolution with count ≤ budget (monotone)
        while low < high:
            mid = (low + high + 1) // 2
            if totals(graph, float(value), mid)[0] <= budget:
                low = mid
            else:
                high = mid - 1
        exact_res.append(low)
        exact_ma.append(totals(graph, float(value), low)[0] if low else 0)
    return pd.DataFrame({
        "alpha": a, "rho": rho, "resolution_closed_form": config.network.image_size * rho,
        "resolution_exact": exact_res, "mult_adds_exact": exact_ma,
    })


__all__ = [
    "CHECKPOINT_ORIGINS",
    "DEFAULT_ALPHAS",
    "DEFAULT_RESOLUTIONS",
    "WIDE_ALPHAS",
    "budget_curve",
    "budget_rho_expr",
    "frontier",
    "pareto_mask",
]
