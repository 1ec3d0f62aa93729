"""The papers' symbols, declared once with their assumptions.

MobileNet v1 (Howard et al. 2017, section 3): ``D_K`` kernel size, ``D_F`` input and ``D_G``
output feature map size, ``M`` input and ``N`` output channels, ``alpha`` width and ``rho``
resolution multiplier. MobileNet v2 (Sandler et al. 2018, section 3.3): ``t`` expansion
factor. Squeeze-and-excite: ``r_se`` squeeze ratio. EfficientNet (Tan & Le 2019): ``d`` depth
multiplier (the width is ``alpha``, the resolution ``rho``). Every expression in the package
is built from these.
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
t = sp.Symbol("t", positive=True)
r_se = sp.Symbol("r", positive=True)
d = sp.Symbol("d", positive=True)

__all__ = ["D_F", "D_G", "D_K", "M", "N", "alpha", "d", "r_se", "rho", "t"]
