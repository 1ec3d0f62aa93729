"""The paper's symbols, declared once with their assumptions (Howard et al. 2017, section 3).

``D_K``: kernel size; ``D_F``: input feature map size; ``D_G``: output feature map size;
``M``: input channels; ``N``: output channels; ``alpha``: width multiplier;
``rho``: resolution multiplier. Every expression in the package is built from these.
"""

from __future__ import annotations

import sympy as sp

D_K = sp.Symbol("D_K", positive=True, integer=True)
D_F = sp.Symbol("D_F", positive=True, integer=True)
D_G = sp.Symbol("D_G", positive=True, integer=True)
M = sp.Symbol("M", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
alpha = sp.Symbol("alpha", positive=True)
rho = sp.Symbol("rho", positive=True)

__all__ = ["D_F", "D_G", "D_K", "M", "N", "alpha", "rho"]
