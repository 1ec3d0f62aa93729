"""The papers' symbols, declared once with their assumptions.

MobileNet v1 (Howard et al. 2017, section 3): ``D_K`` kernel size, ``D_F`` input and ``D_G``
output feature map size, ``M`` input and ``N`` output channels, ``alpha`` width and ``rho``
resolution multiplier. MobileNet v2 (Sandler et al. 2018, section 3.3): ``t`` expansion
factor. Squeeze-and-excite: ``r_se`` squeeze ratio. EfficientNet (Tan & Le 2019): ``d`` depth
multiplier (the width is ``alpha``, the resolution ``rho``). The later blocks' own parameters:
``g`` the groups of a grouped 1×1 conv (MixNet); ``n_k`` the kernel sizes of a MixConv
(kernels 3, 5, …, 2·n_k + 1 on equal channel groups, Tan & Le 2019); ``s`` the ratio of a ghost
module and ``D_d`` the kernel of its cheap depthwise operation (GhostNet's ``s`` and ``d``,
Han et al. 2020, section 3.1); ``D_S`` the kernel of MobileNetV4's starting depthwise conv (the
middle one is ``D_K``; Qin et al. 2024, Fig. 4). Every expression in the package is built
from these.
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
g = sp.Symbol("g", positive=True, integer=True)
n_k = sp.Symbol("n_k", positive=True, integer=True)
s = sp.Symbol("s", positive=True, integer=True)
D_d = sp.Symbol("D_d", positive=True, integer=True)
D_S = sp.Symbol("D_S", positive=True, integer=True)

__all__ = ["D_F", "D_G", "D_K", "D_S", "D_d", "M", "N", "alpha", "d", "g", "n_k", "r_se", "rho",
           "s", "t"]
