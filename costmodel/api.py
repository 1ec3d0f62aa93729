"""User-facing wrappers that validate input before calling the pure core."""

from __future__ import annotations

from costmodel.architecture import Architecture
from costmodel.derivation import Derivation
from costmodel.derivation import derive as _derive
from costmodel.reports import resolve_configuration


def derive(
    layer: str,
    alpha: float = 1.0,
    rho: float | None = None,
    *,
    resolution: int | None = None,
    variant: str = "separable",
    architecture: Architecture | None = None,
) -> Derivation:
    """Step-by-step derivation of one MobileNet v1 layer's Mult-Adds and parameters.

    ``layer`` is a name from the layer table (``conv1``, ``dw1``, ``pw1``, ..., ``fc``); the
    other arguments are those of :func:`costmodel.report`.
    """
    alpha_value, _, size, arch = resolve_configuration(
        alpha, rho, resolution, variant, architecture)
    if not isinstance(layer, str):
        raise ValueError(f"layer must be a layer name such as 'dw1'; got {layer!r}")
    return _derive(arch, layer, alpha_value, size)


__all__ = ["derive"]
