"""Non-negative least squares (Lawson & Hanson 1974, "Solving Least Squares Problems",
chapter 23), for fitting device profiles: rates and overheads cannot be negative."""

from __future__ import annotations

import numpy as np


def nnls(a: np.ndarray, b: np.ndarray, *, max_iter: int = 500,
         tolerance: float = 1e-10) -> np.ndarray:
    """``x ≥ 0`` minimising ``‖a·x − b‖₂`` (the active-set algorithm); columns of ``a`` should
    be of comparable scale."""
    _rows, columns = a.shape
    x = np.zeros(columns)
    passive = np.zeros(columns, dtype=bool)
    gradient = a.T @ (b - a @ x)
    for _ in range(max_iter):
        if passive.all() or gradient[~passive].max(initial=-np.inf) <= tolerance:
            break
        candidates = np.where(~passive, gradient, -np.inf)
        passive[int(np.argmax(candidates))] = True
        while True:
            z = np.zeros(columns)
            z[passive], *_ = np.linalg.lstsq(a[:, passive], b, rcond=None)
            if (z[passive] > tolerance).all():
                x = z
                break
            blocked = passive & (z <= tolerance)
            ratios = x[blocked] / (x[blocked] - z[blocked])
            step = float(ratios.min()) if ratios.size else 0.0
            x = x + step * (z - x)
            passive &= x > tolerance
            x[~passive] = 0.0
        gradient = a.T @ (b - a @ x)
    return x


__all__ = ["nnls"]
