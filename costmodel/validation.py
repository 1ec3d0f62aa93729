"""Checks of user input; each failure is a ``ValueError`` naming the field and its range."""

from __future__ import annotations

import math
from numbers import Integral, Real

from costmodel.architecture import VARIANTS
from costmodel.counting import REFERENCE_SIZE

MAX_ALPHA = 4.0
MAX_RESOLUTION = 4096
ALPHA_RANGE = f"a finite number in (0, {MAX_ALPHA:g}]"
RESOLUTION_RANGE = f"an integer in [1, {MAX_RESOLUTION}] (pixels)"
RHO_RANGE = f"a finite number > 0 with round(224·rho) in [1, {MAX_RESOLUTION}]"


def _real(name: str, value: object, accepted: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be {accepted}; got {value!r} ({type(value).__name__})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be {accepted}; got {value!r}")
    return number


def check_alpha(alpha: object) -> float:
    """Width multiplier α: a finite real in (0, 4]. Above 1 is wider than the paper."""
    value = _real("alpha", alpha, ALPHA_RANGE)
    if not 0.0 < value <= MAX_ALPHA:
        raise ValueError(f"alpha must be {ALPHA_RANGE}; got {alpha!r}")
    return value


def check_resolution(resolution: object) -> int:
    """Input resolution in pixels: an integer in [1, 4096]."""
    if isinstance(resolution, bool) or not isinstance(resolution, Integral):
        raise ValueError(
            f"resolution must be {RESOLUTION_RANGE}; got {resolution!r} "
            f"({type(resolution).__name__})"
        )
    value = int(resolution)
    if not 1 <= value <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be {RESOLUTION_RANGE}; got {resolution!r}")
    return value


def check_rho(rho: object, reference: int = REFERENCE_SIZE) -> float:
    """Resolution multiplier ρ: a finite real > 0 whose input size round(reference·ρ) is in
    [1, 4096] pixels."""
    accepted = RHO_RANGE.replace("224", str(reference))
    value = _real("rho", rho, accepted)
    if value <= 0.0 or not 1 <= round(reference * value) <= MAX_RESOLUTION:
        raise ValueError(f"rho must be {accepted}; got {rho!r}")
    return value


def resolve_resolution(
    rho: object | None, resolution: object | None, reference: int = REFERENCE_SIZE
) -> tuple[float, int]:
    """(ρ, input size) from ``rho`` and/or ``resolution``; both given must agree.

    With neither, ρ = 1 and the reference size (224 pixels for MobileNet v1). With
    ``resolution`` alone, ρ = resolution / reference.
    """
    if resolution is None:
        value = 1.0 if rho is None else check_rho(rho, reference)
        return value, round(reference * value)
    size = check_resolution(resolution)
    if rho is not None:
        value = check_rho(rho, reference)
        if round(reference * value) != size:
            raise ValueError(
                f"rho and resolution disagree: round({reference}·{value:g}) = "
                f"{round(reference * value)}, not {size}; give one of them"
            )
        return value, size
    return size / reference, size


def check_variant(variant: object) -> str:
    """Network variant: one of ``separable``, ``full``, ``shallow``."""
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    return variant


__all__ = [
    "MAX_ALPHA",
    "MAX_RESOLUTION",
    "check_alpha",
    "check_resolution",
    "check_rho",
    "check_variant",
    "resolve_resolution",
]
