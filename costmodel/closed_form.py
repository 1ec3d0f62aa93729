"""The whole network's cost as a polynomial in continuous α and ρ (paper eqs. 6-7 summed).

Each layer's formula from :data:`costmodel.formulas.LAYER_FORMULAS` is taken with ``M → α·C_in``
and ``N → α·C_out`` (the image channels and the classes are not scaled), ``D_G → ρ·G`` where
``G`` is the layer's output size at 224 pixels, and summed. No rounding: this is the smooth
surface the integer count steps around. The first conv and the classifier scale with α only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from costmodel.architecture import Architecture, mobilenet_v1
from costmodel.counting import channel_scaling, count_layers
from costmodel.formulas import LAYER_FORMULAS
from costmodel.kinds import Kind
from costmodel.symbols import D_G, D_K, M, N, alpha, rho


def _layer_terms(
    arch: Architecture, kernel_scale: sp.Expr = sp.S.One
) -> list[tuple[sp.Expr, sp.Expr]]:
    reference = count_layers(arch, 1.0, arch.image_size)
    terms = []
    for spec, count, (scale_in, scale_out) in zip(
        arch.layers, reference, channel_scaling(arch), strict=True
    ):
        formula = LAYER_FORMULAS[spec.kind]
        m = alpha * spec.in_channels if scale_in else sp.Integer(spec.in_channels)
        n = alpha * spec.out_channels if scale_out else sp.Integer(spec.out_channels)
        g = rho * count.out_size if spec.kind not in (Kind.FC, Kind.AVGPOOL) else sp.Integer(1)
        subs = {D_K: kernel_scale * spec.kernel, M: m, N: n, D_G: g}
        terms.append(
            (
                formula.mult_adds.subs(subs, simultaneous=True),
                formula.params.subs(subs, simultaneous=True),
            )
        )
    return terms


@lru_cache(maxsize=16)
def network_mult_adds(arch: Architecture | None = None) -> sp.Expr:
    """Total Mult-Adds as a polynomial in ``alpha`` and ``rho`` (default: MobileNet v1)."""
    arch = arch or mobilenet_v1()
    return sp.expand(sp.Add(*(ma for ma, _ in _layer_terms(arch))))


@lru_cache(maxsize=4)
def mistaken_network_mult_adds(arch: Architecture | None = None) -> sp.Expr:
    """Total Mult-Adds with the kernel wrongly scaled by ρ too (``D_K → ρD_K``); see
    :mod:`costmodel.kernel_scaling`. For contrast only."""
    arch = arch or mobilenet_v1()
    return sp.expand(sp.Add(*(ma for ma, _ in _layer_terms(arch, kernel_scale=rho))))


@lru_cache(maxsize=16)
def network_params(arch: Architecture | None = None) -> sp.Expr:
    """Total parameters as a polynomial in ``alpha`` (ρ does not appear)."""
    arch = arch or mobilenet_v1()
    return sp.expand(sp.Add(*(p for _, p in _layer_terms(arch))))


@lru_cache(maxsize=16)
def _terms(arch: Architecture, which: str) -> tuple[tuple[int, int, float], ...]:
    expr = network_mult_adds(arch) if which == "mult_adds" else network_params(arch)
    poly = sp.Poly(expr, alpha, rho)
    return tuple((i, j, float(c)) for (i, j), c in poly.terms())


def evaluate(arch: Architecture, alpha_value: float, rho_value: float) -> tuple[float, float]:
    """(Mult-Adds, params) of the closed form at real α and ρ, without sympy per call."""
    return (
        sum(c * alpha_value**i * rho_value**j for i, j, c in _terms(arch, "mult_adds")),
        sum(c * alpha_value**i * rho_value**j for i, j, c in _terms(arch, "params")),
    )


@lru_cache(maxsize=16)
def _lambdified(arch: Architecture) -> Callable[..., Any]:
    return sp.lambdify((alpha, rho), network_mult_adds(arch), "numpy")


def mult_adds_surface(
    alphas: np.ndarray, rhos: np.ndarray, arch: Architecture | None = None
) -> np.ndarray:
    """The closed-form Mult-Adds on a grid (``alphas`` × ``rhos``), float64, from the
    expression lambdified once per architecture (the continuous view of :func:`sweep`)."""
    function = _lambdified(arch or mobilenet_v1())
    a = np.asarray(alphas, dtype=np.float64)[:, None]
    r = np.asarray(rhos, dtype=np.float64)[None, :]
    return np.broadcast_to(function(a, r), (a.shape[0], r.shape[1])).astype(np.float64)


__all__ = [
    "evaluate",
    "mistaken_network_mult_adds",
    "mult_adds_surface",
    "network_mult_adds",
    "network_params",
]
