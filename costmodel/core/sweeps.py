"""Exact Mult-Adds and parameters over many configurations at once, vectorised with numpy.

The plan of :mod:`costmodel.core.counting` (the same cost rules, merged) evaluated on arrays: the
channel counts of every α come from the network's width program (the builder's rounding rules,
on float arrays), the weights per level are ``Σ coefficient·C_a·C_b``, and the Mult-Adds of a
grid are one matrix product ``W (α × levels) @ A (levels × resolutions)`` of weights and areas.
No Python loop per configuration.

Exactness: every count is an integer. Products and sums are exact in float64 below 2**53 and in
int64 below 2**63; a request whose counts could exceed 2**63 is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from costmodel.core.counting import Plan, areas, compile_plan
from costmodel.core.graph import FLAT, build_graph
from costmodel.core.operations import output_size
from costmodel.descriptions.configuration import MAX_ALPHA, MAX_RESOLUTION, check_width_for, resolve
from costmodel.descriptions.widths import Rounding, VarKind, WidthProgram, WidthVar, scaled_values

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.descriptions.network_spec import Network

_EXACT_FLOAT = 2.0**53
_INT64 = 2.0**63
#: The most configurations one call computes (a grid's α × resolutions, or paired entries).
MAX_CONFIGURATIONS = 20_000_000


def check_alphas(values: object) -> np.ndarray:
    """A number or a 1-D list of width multipliers as float64; ``ValueError`` unless all are
    in (0, 4] (a 2-D array is refused, not flattened)."""
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"alphas must be numbers in (0, {MAX_ALPHA:g}]") from None
    if raw.ndim > 1:
        raise ValueError(f"alphas must be a number or a 1-D sequence of numbers in "
                         f"(0, {MAX_ALPHA:g}]; got a {raw.ndim}-D array of shape {raw.shape}")
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"alphas must be numbers in (0, {MAX_ALPHA:g}]; got {raw.dtype} values")
    array = raw.astype(np.float64).ravel()
    if array.size == 0:
        raise ValueError("alphas must hold at least one value")
    if array.size > MAX_CONFIGURATIONS:
        raise ValueError(f"alphas holds {array.size:,} values; at most {MAX_CONFIGURATIONS:,}")
    if not np.all(np.isfinite(array)) or np.any(array <= 0) or np.any(array > MAX_ALPHA):
        raise ValueError(f"alphas must be finite numbers in (0, {MAX_ALPHA:g}]")
    return array


def check_resolutions(values: object) -> np.ndarray:
    """An integer or a 1-D list of resolutions as int64; ``ValueError`` unless all are
    integers in [1, 4096] (a 2-D array is refused, not flattened)."""
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}]") from None
    if raw.ndim > 1:
        raise ValueError(f"resolutions must be an integer or a 1-D sequence of integers in "
                         f"[1, {MAX_RESOLUTION}]; got a {raw.ndim}-D array of shape "
                         f"{raw.shape}")
    raw = raw.ravel()
    if raw.size == 0:
        raise ValueError("resolutions must hold at least one value")
    if raw.size > MAX_CONFIGURATIONS:
        raise ValueError(f"resolutions holds {raw.size:,} values; at most "
                         f"{MAX_CONFIGURATIONS:,}")
    if raw.dtype.kind not in "iu":
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}] (pixels)")
    if np.any(raw < 1) or np.any(raw > MAX_RESOLUTION):
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}] (pixels)")
    return raw.astype(np.int64)


def _check_weights(plan: Plan, channels: list[np.ndarray]) -> None:
    """Refuse before int64 arithmetic could wrap: a float bound of every sum below."""
    top = [float(c.max()) for c in channels]
    bound = sum(abs(c) * top[a] * top[b] for _, terms in plan.levels for c, a, b in terms)
    bound += sum(abs(c) * top[a] * top[b] for _, _, (c, a, b), _, _ in plan.conditional)
    bound += sum(abs(c) * top[v] for c, v in (*plan.biases, *plan.batchnorm))
    if bound >= _INT64 / 2:
        raise ValueError("the counts of this request would exceed 2**62 and cannot stay exact "
                         "in int64; use report() for single configurations")


def _weights(plan: Plan, alphas: np.ndarray) -> tuple[list[int], np.ndarray, np.ndarray,
                                                      np.ndarray]:
    """(levels, weights per level (levels × α), params, params_with_bn) for each α."""
    channels = plan.program.evaluate_array(alphas)
    _check_weights(plan, channels)
    levels = sorted({level for level, _ in plan.levels}
                    | {level for _, level, _, _, _ in plan.conditional})
    row_of = {level: row for row, level in enumerate(levels)}
    width = np.zeros((len(levels), alphas.size), dtype=np.int64)
    for level, terms in plan.levels:
        for coefficient, a, b in terms:
            width[row_of[level]] += coefficient * channels[a] * channels[b]
    bias = np.zeros(alphas.size, dtype=np.int64)
    for count, var in plan.biases:
        bias += count * channels[var]
    bn = np.zeros(alphas.size, dtype=np.int64)
    for count, var in plan.batchnorm:
        bn += count * channels[var]
    for (x, y, comparison), level, (c, a, b), (bias_c, bias_v), (bn_c, bn_v) in \
            plan.conditional:
        held = {"ne": channels[x] != channels[y], "gt": channels[x] > channels[y],
                "eq": channels[x] == channels[y]}[comparison].astype(np.int64)
        width[row_of[level]] += held * c * channels[a] * channels[b]
        bias += held * bias_c * channels[bias_v]
        bn += held * bn_c * channels[bn_v]
    params = width.sum(axis=0) + bias
    return levels, width, params, params + bn


_WINDOW = 16  # float steps searched around each candidate breakpoint


#: The divisor of each rounding rule with make_divisible's 10 % guard.
_GUARDED = {Rounding.MAKE_DIVISIBLE: 8, Rounding.MAKE_DIVISIBLE_4: 4}


def _candidates(var: WidthVar, lo: float, hi: float) -> np.ndarray:
    """Values of α near which ``var`` (scaled by α) may change: where α·C crosses an integer
    (truncation, and the nearest multiple of 8 at 8k − 4) or where 0.9·α·C crosses a multiple
    of 8 (make_divisible's 10 % guard)."""
    base = float(var.base)
    if var.kind is VarKind.FINEGRAIN:
        lo = max(lo, 1.0)
        if lo > hi:
            return np.empty(0)
    first, last = math.floor(lo * base) - 1, math.ceil(hi * base) + 1
    integers = np.arange(max(first, 1), last + 1, dtype=np.float64)
    found = [integers / base]
    guard = _GUARDED.get(var.rounding)
    if guard:  # make_divisible's 10 % guard
        multiples = np.arange(max(first // guard, 1), last // guard + 2,
                              dtype=np.float64) * guard
        found.append(multiples / 0.9 / base)
    return np.concatenate(found)


def _breakpoints(program: WidthProgram, lo: float, hi: float) -> np.ndarray | None:
    """The sorted α (floats) at which some channel count changes value, between ``lo`` and
    ``hi``: every channel count is a non-decreasing step function of α (each rounding rule is
    monotone), so they are constant between consecutive breakpoints. ``None`` where a window
    search fails (then the caller evaluates every α)."""
    points = []
    for var in program.variables:
        if var.kind not in (VarKind.SCALED, VarKind.FINEGRAIN):
            continue
        candidates = _candidates(var, lo, hi)
        if candidates.size == 0:
            continue
        steps = [candidates]
        down = up = candidates
        for _ in range(_WINDOW):
            down = np.nextafter(down, -np.inf)
            up = np.nextafter(up, np.inf)
            steps.insert(0, down)
            steps.append(up)
        window = np.stack(steps, axis=1)
        values = scaled_values(var, window)
        changes = values[:, 1:] != values[:, :-1]
        if np.any(changes[:, 0]) or np.any(changes[:, -1]):
            return None  # a change at the window's edge: not located exactly
        points.append(window[:, 1:][changes])
    if not points:
        return np.empty(0)
    merged = np.unique(np.concatenate(points))
    return merged[(merged > lo) & (merged <= hi)]


_BUCKETS = 1 << 20


def _segment_of(points: np.ndarray, alphas: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``np.searchsorted(points, alphas, side="right")``, faster for many unsorted α: a fine
    uniform grid of buckets answers every α whose bucket and both neighbours lie in one
    segment; the others (near a breakpoint) are searched exactly."""
    if alphas.size < 50_000 or hi <= lo:
        return np.searchsorted(points, alphas, side="right")
    scale = (_BUCKETS - 1) / (hi - lo)
    edges = lo + np.arange(_BUCKETS + 2, dtype=np.float64) / scale
    at_edge = np.searchsorted(points, edges, side="right")
    pure = np.empty(_BUCKETS, dtype=bool)
    pure[1:] = at_edge[:-3] == at_edge[3:]
    pure[0] = at_edge[0] == at_edge[2]
    bucket = np.minimum(((alphas - lo) * scale).astype(np.int64), _BUCKETS - 1)
    segment = at_edge[bucket]
    unsure = ~pure[bucket]
    segment[unsure] = np.searchsorted(points, alphas[unsure], side="right")
    return segment


def _segment_weights(plan: Plan, alphas: np.ndarray) -> tuple[
        np.ndarray, list[int], np.ndarray, np.ndarray, np.ndarray] | None:
    """Weights evaluated once per stretch of α on which no channel count changes:
    (segment of each α, levels, weights per level × segment, params, params_with_bn per
    segment); ``None`` where the breakpoints cannot be located exactly."""
    lo, hi = float(alphas.min()), float(alphas.max())
    points = _breakpoints(plan.program, lo, hi)
    if points is None:
        return None
    starts = np.concatenate([[lo], points])
    ends = np.concatenate([np.nextafter(points, -np.inf), [hi]])
    first = plan.program.evaluate_array(starts)
    last = plan.program.evaluate_array(ends)
    if any(np.any(f != e) for f, e in zip(first, last, strict=True)):
        return None  # a channel count changes inside a stretch: evaluate every α instead
    segment = _segment_of(points, alphas, lo, hi)
    levels, width, params, with_bn = _weights(plan, starts)
    return segment, levels, width, params, with_bn


def _areas(plan: Plan, levels: list[int], resolutions: np.ndarray) -> np.ndarray:
    """Area of each level for each resolution (levels × resolutions), int64."""
    sizes = [resolutions.astype(np.int64)]
    for stride in plan.strides:
        sizes.append(output_size(sizes[-1], stride))
    return np.stack([np.ones(resolutions.size, dtype=np.int64) if level == FLAT
                     else sizes[level] * sizes[level] for level in levels])


def _check_bound(width: np.ndarray, area: np.ndarray) -> float:
    bound = float(width.max(axis=1).astype(np.float64) @ area.max(axis=1).astype(np.float64))
    if bound >= _INT64:
        raise ValueError("the counts of this request would exceed 2**63 (about 9.2e18) and "
                         "cannot stay exact in int64; use report() for single configurations")
    return bound


_TABLE_LIMIT = 16_000_000  # segments × resolutions: a 128 MB int64 table at the most


def _product(width: np.ndarray, area: np.ndarray, bound: float) -> np.ndarray:
    """``width.T @ area`` (α or segment × resolution), exactly."""
    if bound < _EXACT_FLOAT:
        # every product and partial sum is an integer below 2**53: float64 BLAS is exact
        return (width.T.astype(np.float64) @ area.astype(np.float64)).astype(np.int64)
    return width.T @ area


@dataclass(frozen=True, kw_only=True, eq=False)
class Sweep:
    """Exact counts over many configurations of one network.

    Grid: ``mult_adds[i, j]`` is for ``alphas[i]`` and ``resolutions[j]``; ``params[i]`` and
    ``params_with_bn[i]`` for ``alphas[i]`` (parameters do not depend on the resolution).
    Paired: all arrays are one-dimensional and aligned. ``reference`` is the network's
    reference input size (ρ = resolution / reference).
    """

    network: str
    rules: str
    alphas: np.ndarray
    resolutions: np.ndarray
    mult_adds: np.ndarray
    params: np.ndarray
    params_with_bn: np.ndarray
    variant: str
    paired: bool
    reference: int

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per configuration (alpha, resolution, rho, mult_adds, params,
        params_with_bn)."""
        import pandas as pd

        if self.paired:
            alphas, resolutions = self.alphas, self.resolutions
            mult_adds, params, with_bn = self.mult_adds, self.params, self.params_with_bn
        else:
            alphas = np.repeat(self.alphas, self.resolutions.size)
            resolutions = np.tile(self.resolutions, self.alphas.size)
            mult_adds = self.mult_adds.ravel()
            params = np.repeat(self.params, self.resolutions.size)
            with_bn = np.repeat(self.params_with_bn, self.resolutions.size)
        return pd.DataFrame({
            "alpha": alphas, "resolution": resolutions, "rho": resolutions / self.reference,
            "mult_adds": mult_adds, "params": params, "params_with_bn": with_bn,
        })


def sweep(
    alphas: object,
    resolutions: object,
    *,
    network: str | Network | None = None,
    rules: str | None = None,
    num_classes: int | None = None,
    depth: float | None = None,
    variant: str = "separable",
    paired: bool = False,
    architecture: Network | None = None,
) -> Sweep:
    """Exact Mult-Adds and params of one network for many configurations.

    ``alphas`` (numbers in (0, 4]) and ``resolutions`` (integer pixels in [1, 4096]) span a
    grid, or, with ``paired=True``, are equal-length lists of configurations. The other
    arguments are those of :func:`costmodel.report`. Counts are int64 and equal
    :func:`costmodel.report` on every point. At most 20,000,000 configurations per call.
    """
    a = check_alphas(alphas)
    r = check_resolutions(resolutions)
    if architecture is not None:
        if network is not None:
            raise ValueError("give network or architecture (its older name), not both")
        network = architecture
    config = resolve(network=network, rules=rules, num_classes=num_classes, depth=depth,
                     variant=variant)
    if config.network.fixed_width:
        for alpha in np.unique(a):
            check_width_for(config.network, float(alpha))
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    plan = compile_plan(graph)
    areas(plan.strides, int(r.min()))  # refuses an input an unpadded window empties
    network_key, rules_name = config.network.key, config.rules.name
    reference = config.network.image_size
    if paired:
        if a.size != r.size:
            raise ValueError(f"paired alphas and resolutions must have the same length; got "
                             f"{a.size} and {r.size}")
        segmented = _segment_weights(plan, a)
        if segmented is None:
            levels, width, params, with_bn = _weights(plan, a)
            area = _areas(plan, levels, r)
            _check_bound(width, area)
            total = (width * area).sum(axis=0)
        else:
            segment, levels, width, params, with_bn = segmented
            sizes = np.arange(int(r.max()) + 1, dtype=np.int64)
            table = _areas(plan, levels, sizes)
            bound = _check_bound(width, table)
            if width.shape[1] * sizes.size <= _TABLE_LIMIT:
                # every (segment, resolution) total at once, then one flat gather
                grid = _product(width, table, bound)
                total = np.take(grid.ravel(), segment * sizes.size + r)
            else:
                total = np.zeros(a.size, dtype=np.int64)
                for row in range(len(levels)):
                    total += width[row][segment] * table[row][r]
            params, with_bn = params[segment], with_bn[segment]
        return Sweep(alphas=a, resolutions=r, mult_adds=total, params=params,
                     params_with_bn=with_bn, paired=True, network=network_key,
                     rules=rules_name, variant=config.variant, reference=reference)
    if a.size * r.size > MAX_CONFIGURATIONS:
        raise ValueError(f"a grid of {a.size:,} alphas × {r.size:,} resolutions is "
                         f"{a.size * r.size:,} configurations; at most "
                         f"{MAX_CONFIGURATIONS:,} per call")
    levels, width, params, with_bn = _weights(plan, a)
    area = _areas(plan, levels, r)
    total = _product(width, area, _check_bound(width, area))
    return Sweep(alphas=a, resolutions=r, mult_adds=total, params=params,
                 params_with_bn=with_bn, paired=False, network=network_key, rules=rules_name,
                 variant=config.variant, reference=reference)


__all__ = ["MAX_CONFIGURATIONS", "Sweep", "check_alphas", "check_resolutions", "sweep"]
