"""Exact Mult-Adds and parameters over many configurations at once, vectorised with numpy.

The same integer rules as :func:`costmodel.report` (channels ``max(int(α·C), 8)``, 'SAME'
padding), rearranged: a layer's Mult-Adds are a width factor that depends on α only (``k²·m·n``,
``k²·m``, ``m·n``) times ``g²``, a size factor that depends on the resolution only. The grid of
totals is then one matrix product ``W (α × layers) @ S (layers × resolutions)``, and a list of
paired configurations is a sum over the few distinct layer terms. No Python loop per
configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from costmodel.architecture import Architecture
from costmodel.counting import MIN_CHANNELS, Plan, Term, compile_plan
from costmodel.kinds import Kind
from costmodel.validation import MAX_ALPHA, MAX_RESOLUTION, check_variant

if TYPE_CHECKING:
    import pandas as pd

_EXACT_FLOAT = 2**53  # integers below this are exact in float64


def _channels(alphas: np.ndarray, base: int, scaled: bool) -> np.ndarray:
    if not scaled:
        return np.full(alphas.shape, base, dtype=np.int64)
    # float64 product then truncation: the same as Python's int(alpha * base)
    return np.maximum((alphas * base).astype(np.int64), MIN_CHANNELS)


def _channels_from_keys(keys: np.ndarray, base: int, key_base: int, scaled: bool) -> np.ndarray:
    if not scaled:
        return np.full(keys.shape, base, dtype=np.int64)
    return np.maximum(keys // (key_base // base), MIN_CHANNELS)


def _factors(
    term: Term, channels: Callable[[int, bool], np.ndarray], cache: dict
) -> tuple[np.ndarray, np.ndarray]:
    """(Mult-Adds width factor, params) of one term, per α, times its multiplicity."""
    m_key, n_key = (term.in_channels, term.scale_in), (term.out_channels, term.scale_out)
    for key in (m_key, n_key):
        if key not in cache:
            cache[key] = channels(*key)
    m, n = cache[m_key], cache[n_key]
    k2 = term.kernel * term.kernel
    if term.kind is Kind.CONV:
        width = k2 * m * n
        params = width
    elif term.kind is Kind.DEPTHWISE:
        width = k2 * m
        params = width
    elif term.kind is Kind.POINTWISE:
        width = m * n
        params = width
    else:  # FC: no spatial size
        width = m * n
        params = width + n
    if term.count == 1:
        return width, params
    return width * term.count, params * term.count


def _width_by_level(
    plan: Plan, channels: Callable[[int, bool], np.ndarray]
) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Width factors summed per size level, and total params, per α (or per α key)."""
    cache: dict = {}
    by_level: dict[int, np.ndarray] = {}
    params: np.ndarray | None = None
    for term in plan.terms:
        width, term_params = _factors(term, channels, cache)
        if term.level in by_level:
            by_level[term.level] += width
        else:
            by_level[term.level] = width.copy()
        if params is None:
            params = term_params.copy()
        else:
            params += term_params
    assert params is not None  # an Architecture is never empty
    return by_level, params


def _sizes(resolutions: np.ndarray, strides: tuple[int, ...]) -> list[np.ndarray]:
    """Output size of each stride level, per resolution ('SAME': ceil(size / stride))."""
    out = []
    size = resolutions.astype(np.int64)
    for stride in strides:
        size = -(-size // stride)
        out.append(size)
    return out


def check_alphas(values: object) -> np.ndarray:
    """A list of width multipliers as float64; ``ValueError`` unless all are in (0, 4]."""
    raw = np.asarray(values)
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"alphas must be numbers in (0, {MAX_ALPHA:g}]; got {raw.dtype} values")
    try:
        array = raw.astype(np.float64).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"alphas must be numbers in (0, {MAX_ALPHA:g}]") from None
    if array.size == 0:
        raise ValueError("alphas must hold at least one value")
    if not np.all(np.isfinite(array)) or np.any(array <= 0) or np.any(array > MAX_ALPHA):
        raise ValueError(f"alphas must be finite numbers in (0, {MAX_ALPHA:g}]")
    return array


def check_resolutions(values: object) -> np.ndarray:
    """A list of resolutions as int64; ``ValueError`` unless all are integers in [1, 4096]."""
    try:
        raw = np.asarray(values).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}]") from None
    if raw.size == 0:
        raise ValueError("resolutions must hold at least one value")
    if raw.dtype.kind not in "iu":
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}] (pixels)")
    array = raw.astype(np.int64)
    if np.any(array < 1) or np.any(array > MAX_RESOLUTION):
        raise ValueError(f"resolutions must be integers in [1, {MAX_RESOLUTION}] (pixels)")
    return array


_TABLE_LIMIT = 16_000_000  # α keys × resolutions: a 128 MB int64 table at the most


def _grid(by_level: dict[int, np.ndarray], sizes: list[np.ndarray], n_res: int) -> np.ndarray:
    """Totals for every (row of the width factors) × (resolution): one matrix product."""
    levels = sorted(by_level)
    width = np.stack([by_level[level] for level in levels], axis=1)  # rows × levels
    spatial = np.stack(
        [np.ones(n_res, dtype=np.int64) if level < 0 else sizes[level] * sizes[level]
         for level in levels]
    )  # levels × resolutions
    bound = float(width.max(axis=0).astype(np.float64) @ spatial.max(axis=1).astype(np.float64))
    if bound < _EXACT_FLOAT:
        # every product and partial sum is an integer below 2**53: BLAS in float64 is exact
        return np.rint(width.astype(np.float64) @ spatial.astype(np.float64)).astype(np.int64)
    return width @ spatial


def _paired(plan: Plan, a: np.ndarray, r: np.ndarray, variant: str) -> Sweep:
    """Totals for aligned (α, resolution) pairs."""
    if plan.key_base is not None:
        # Tabulate per α key and per resolution, then gather: a few passes over the pairs.
        key_base = plan.key_base
        keys = (a * key_base).astype(np.int64)
        table_keys = np.arange(int(keys.max()) + 1, dtype=np.int64)
        by_level, params_table = _width_by_level(
            plan, lambda c, s: _channels_from_keys(table_keys, c, key_base, s))
        table_sizes = _sizes(np.arange(int(r.max()) + 1, dtype=np.int64), plan.strides)
        if table_keys.size * (int(r.max()) + 1) <= _TABLE_LIMIT:
            # every (α key, resolution) total at once, then one flat gather
            table = _grid(by_level, table_sizes, int(r.max()) + 1)
            total = np.take(table.ravel(), keys * table.shape[1] + r)
        else:
            total = np.zeros(a.size, dtype=np.int64)
            for level, width in by_level.items():
                total += width[keys] if level < 0 else width[keys] * (table_sizes[level] ** 2)[r]
        return Sweep(alphas=a, resolutions=r, mult_adds=total, params=params_table[keys],
                     variant=variant, paired=True)
    by_level, params = _width_by_level(plan, lambda c, s: _channels(a, c, s))
    sizes = _sizes(r, plan.strides)
    total = np.zeros(a.size, dtype=np.int64)
    for level, width in by_level.items():
        total += width if level < 0 else width * (sizes[level] * sizes[level])
    return Sweep(alphas=a, resolutions=r, mult_adds=total, params=params,
                 variant=variant, paired=True)


@dataclass(frozen=True, kw_only=True, eq=False)
class Sweep:
    """Exact counts over many configurations.

    Grid: ``mult_adds[i, j]`` is for ``alphas[i]`` and ``resolutions[j]``; ``params[i]`` for
    ``alphas[i]`` (parameters do not depend on the resolution). Paired: all three arrays are
    one-dimensional and aligned.
    """

    alphas: np.ndarray
    resolutions: np.ndarray
    mult_adds: np.ndarray
    params: np.ndarray
    variant: str
    paired: bool

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per configuration (alpha, resolution, rho, mult_adds, params)."""
        import pandas as pd

        if self.paired:
            alphas, resolutions = self.alphas, self.resolutions
            mult_adds, params = self.mult_adds, self.params
        else:
            alphas = np.repeat(self.alphas, self.resolutions.size)
            resolutions = np.tile(self.resolutions, self.alphas.size)
            mult_adds = self.mult_adds.ravel()
            params = np.repeat(self.params, self.resolutions.size)
        return pd.DataFrame({
            "alpha": alphas, "resolution": resolutions, "rho": resolutions / 224,
            "mult_adds": mult_adds, "params": params,
        })


def sweep(
    alphas: object,
    resolutions: object,
    *,
    variant: str = "separable",
    paired: bool = False,
    architecture: Architecture | None = None,
) -> Sweep:
    """Exact Mult-Adds and params of MobileNet v1 for many configurations.

    ``alphas`` (numbers in (0, 4]) and ``resolutions`` (integer pixels in [1, 4096]) span a
    grid, or, with ``paired=True``, are equal-length lists of configurations. Counts are int64
    and equal :func:`costmodel.report` on every point.
    """
    a = check_alphas(alphas)
    r = check_resolutions(resolutions)
    from costmodel.reports import resolve_architecture

    arch = resolve_architecture(architecture, check_variant(variant))
    plan = compile_plan(arch)
    if paired:
        if a.size != r.size:
            raise ValueError(
                f"paired alphas and resolutions must have the same length; got {a.size} "
                f"and {r.size}"
            )
        return _paired(plan, a, r, variant)
    by_level, params = _width_by_level(plan, lambda c, s: _channels(a, c, s))
    sizes = _sizes(r, plan.strides)
    total = _grid(by_level, sizes, r.size)
    return Sweep(alphas=a, resolutions=r, mult_adds=total, params=params,
                 variant=variant, paired=False)


__all__ = ["Sweep", "check_alphas", "check_resolutions", "sweep"]
