"""Symbolic cost of operations and blocks, from the cost rules of :mod:`costmodel.core.operations`.

Every expression here is one of those rules evaluated on sympy symbols
(:mod:`costmodel.base.symbols`) instead of integers: the formulas and the exact counts are the
same functions. MobileNet v1's equations 1-7 (Howard et al. 2017, section 3), the inverted
residual's ``h·w·d′·t·(d′ + k² + d″)`` (Sandler et al. 2018, section 3.3), what
squeeze-and-excite adds, and the α, ρ scalings follow. The paper writes the output size as
``D_F`` because it assumes stride one with padding; here ``D_G`` is the output size ('SAME':
``ceil(D_F / stride)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import sympy as sp

from costmodel.base.kinds import OpKind
from costmodel.base.symbols import D_F, D_G, D_K, D_S, D_d, M, N, alpha, g, n_k, r_se, rho, s, t
from costmodel.core import operations

# --- MobileNet v1's operations (eqs. 1-4) -----------------------------------------------------


def standard_conv_mult_adds() -> sp.Expr:
    """Standard convolution, Mult-Adds: ``D_K·D_K·M·N·D_G·D_G`` (eq. 2)."""
    return operations.mult_adds(OpKind.CONV, D_K, M, N, D_G**2)


def standard_conv_params() -> sp.Expr:
    """Standard convolution, parameters: the ``D_K×D_K×M×N`` kernel (eq. 1)."""
    return operations.params(OpKind.CONV, D_K, M, N, 0)


def depthwise_mult_adds() -> sp.Expr:
    """Depthwise convolution (groups = M, one input channel per group), Mult-Adds:
    ``D_K·D_K·M·D_G·D_G`` (eq. 3)."""
    return operations.mult_adds(OpKind.CONV, D_K, 1, M, D_G**2)


def depthwise_params() -> sp.Expr:
    """Depthwise convolution, parameters: one ``D_K×D_K`` filter per channel."""
    return operations.params(OpKind.CONV, D_K, 1, M, 0)


def pointwise_mult_adds() -> sp.Expr:
    """Pointwise (1×1) convolution, Mult-Adds: ``M·N·D_G·D_G`` (second term of eq. 4)."""
    return operations.mult_adds(OpKind.CONV, 1, M, N, D_G**2)


def pointwise_params() -> sp.Expr:
    """Pointwise (1×1) convolution, parameters: ``M·N``."""
    return operations.params(OpKind.CONV, 1, M, N, 0)


def separable_mult_adds() -> sp.Expr:
    """Depthwise separable convolution, Mult-Adds: depthwise + pointwise (eq. 4)."""
    return depthwise_mult_adds() + pointwise_mult_adds()


def separable_params() -> sp.Expr:
    """Depthwise separable convolution, parameters: ``D_K·D_K·M + M·N``."""
    return depthwise_params() + pointwise_params()


def fc_mult_adds() -> sp.Expr:
    """Fully connected layer from ``M`` inputs to ``N`` outputs, Mult-Adds: ``M·N``."""
    return operations.mult_adds(OpKind.FC, 1, M, N, 1)


def fc_params() -> sp.Expr:
    """Fully connected layer, parameters: weights and bias, ``M·N + N``."""
    return operations.params(OpKind.FC, 1, M, N, 1)


def reduction_ratio() -> sp.Expr:
    """Separable over standard Mult-Adds, reduced to ``1/N + 1/D_K**2`` (eq. 5)."""
    return sp.expand(separable_mult_adds() / standard_conv_mult_adds())


def with_width(expr: sp.Expr) -> sp.Expr:
    """Apply the width multiplier: ``M → αM``, ``N → αN`` (eq. 6)."""
    return expr.subs({M: alpha * M, N: alpha * N}, simultaneous=True)


def with_resolution(expr: sp.Expr) -> sp.Expr:
    """Apply the resolution multiplier: feature sizes ``D_F → ρD_F``, ``D_G → ρD_G`` (eq. 7).

    The kernel size ``D_K`` does not scale: a 3×3 filter stays 3×3 at any input size.
    """
    return expr.subs({D_F: rho * D_F, D_G: rho * D_G}, simultaneous=True)


def scaled_separable_mult_adds() -> sp.Expr:
    """Separable Mult-Adds under α and ρ: ``D_K²·αM·ρ²D_G² + α²MN·ρ²D_G²`` (eq. 7)."""
    return with_resolution(with_width(separable_mult_adds()))


def scaled_separable_params() -> sp.Expr:
    """Separable parameters under α and ρ: ``D_K²·αM + α²MN``; ρ does not appear."""
    return with_resolution(with_width(separable_params()))


def scaling_factors() -> dict[str, sp.Expr]:
    """How each term scales: the ratio of its α, ρ form to its plain form (eqs. 6-7).

    Returns ``{"depthwise mult_adds": alpha*rho**2, "pointwise mult_adds": alpha**2*rho**2,
    "depthwise params": alpha, "pointwise params": alpha**2, ...}``.
    """
    terms = {
        "standard mult_adds": standard_conv_mult_adds(),
        "depthwise mult_adds": depthwise_mult_adds(),
        "pointwise mult_adds": pointwise_mult_adds(),
        "standard params": standard_conv_params(),
        "depthwise params": depthwise_params(),
        "pointwise params": pointwise_params(),
    }
    return {
        name: sp.factor(sp.cancel(with_resolution(with_width(expr)) / expr))
        for name, expr in terms.items()
    }


# --- the inverted residual (Sandler et al. 2018, section 3.3) ---------------------------------


def inverted_residual_mult_adds(stride_one: bool = True) -> sp.Expr:
    """Inverted residual from ``M`` (d′) to ``N`` (d″) channels with expansion ``t`` and a
    ``D_K×D_K`` depthwise conv, Mult-Adds: expand 1×1 on ``D_F×D_F``, depthwise and project on
    ``D_G×D_G``. At stride 1 (``D_G = D_F``) this factors to ``D_F²·t·M·(M + D_K² + N)``, the
    paper's ``h·w·d′·t·(d′ + k² + d″)``."""
    expanded = t * M
    out_area = D_F**2 if stride_one else D_G**2
    total = (operations.mult_adds(OpKind.CONV, 1, M, expanded, D_F**2)
             + operations.mult_adds(OpKind.CONV, D_K, 1, expanded, out_area)
             + operations.mult_adds(OpKind.CONV, 1, expanded, N, out_area))
    return sp.factor(total) if stride_one else total


def inverted_residual_params() -> sp.Expr:
    """Inverted residual, parameters (batchnorm folded): ``t·M·(M + D_K² + N)``."""
    expanded = t * M
    return sp.factor(operations.params(OpKind.CONV, 1, M, expanded, 0)
                     + operations.params(OpKind.CONV, D_K, 1, expanded, 0)
                     + operations.params(OpKind.CONV, 1, expanded, N, 0))


def inverted_residual_ratio() -> sp.Expr:
    """Inverted residual over a standard ``D_K×D_K`` conv from ``M`` to ``N`` channels, at
    stride 1: ``t·(M + D_K² + N) / (D_K²·N)``."""
    standard = standard_conv_mult_adds().subs(D_G, D_F)
    return sp.cancel(inverted_residual_mult_adds() / standard)


def scaled_inverted_residual_mult_adds() -> sp.Expr:
    """The stride-1 inverted residual under α and ρ: ``ρ²D_F²·t·αM·(αM + D_K² + αN)``; the
    expansion ``t`` and the kernel do not scale."""
    return sp.factor(with_resolution(with_width(inverted_residual_mult_adds())))


def squeeze_excite_mult_adds(on_expanded: bool = True) -> sp.Expr:
    """What squeeze-and-excite adds to an inverted residual, Mult-Adds: its two 1×1 convs on
    the pooled ``1×1×E`` vector, ``2·E·S`` with ``E = t·M`` and squeeze width ``S = r·E``
    (MobileNet v3) or ``S = r·M`` (MnasNet, EfficientNet). The pool and the scale count zero."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    return sp.expand(operations.mult_adds(OpKind.CONV, 1, expanded, squeeze, 1)
                     + operations.mult_adds(OpKind.CONV, 1, squeeze, expanded, 1))


def squeeze_excite_params(on_expanded: bool = True) -> sp.Expr:
    """What squeeze-and-excite adds, parameters: ``2·E·S + S + E`` (both 1×1 convs have
    biases)."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    return sp.expand(operations.params(OpKind.CONV, 1, expanded, squeeze, 1)
                     + operations.params(OpKind.CONV, 1, squeeze, expanded, 1))


# --- the later blocks -----------------------------------------------------------------------
#
# Each block from ``M`` input to ``N`` output channels, ``D_F`` the input and ``D_G`` the output
# size, batchnorm folded; ``stride_one=True`` writes ``D_F`` for both. Each ratio divides by the
# standard ``D_K×D_K`` conv from ``M`` to ``N`` channels at the block's stride (the standard
# conv the report's ``standard_mult_adds`` books for the block), at stride 1.


def _conv(kernel: sp.Expr | int, in_per_group: sp.Expr, out: sp.Expr,
          area: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(Mult-Adds, parameters) of one conv without bias, from its cost rule."""
    return (operations.mult_adds(OpKind.CONV, kernel, in_per_group, out, area),
            operations.params(OpKind.CONV, kernel, in_per_group, out, 0))


def _total(*terms: tuple[sp.Expr, sp.Expr]) -> tuple[sp.Expr, sp.Expr]:
    return sum((ma for ma, _ in terms), sp.Integer(0)), sum((p for _, p in terms), sp.Integer(0))


def _shown(form: sp.Expr, rule: sp.Expr) -> sp.Expr:
    """``form``, a readable arrangement of ``rule`` (the cost rules' sum), checked equal."""
    if sp.expand(form - rule) != 0:  # pragma: no cover - a wrong hand arrangement
        raise AssertionError(f"{form} is not {rule}")
    return form


def _standard_stride_one() -> sp.Expr:
    return standard_conv_mult_adds().subs(D_G, D_F)


def scaled(expr: sp.Expr) -> sp.Expr:
    """``expr`` under width α and resolution ρ (:func:`with_width`, :func:`with_resolution`),
    factored: the expansion, the groups, the ghost ratio and the kernels do not scale."""
    return sp.factor(with_resolution(with_width(expr)))


def separable_se_mult_adds() -> sp.Expr:
    """timm's ``DepthwiseSeparableConv`` with squeeze-and-excite between the pair (PP-LCNet,
    Cui et al. 2021; squeeze width ``S = r·M``), Mult-Adds: eq. 4 plus
    ``2·M·S`` on the pooled vector. The skip, where present, is an add: zero."""
    return separable_mult_adds() + squeeze_excite_mult_adds(False).subs(t, 1)


def separable_se_params() -> sp.Expr:
    """The separable pair with squeeze-and-excite, parameters: ``D_K²·M + M·N`` plus
    ``2·M·S + S + M``."""
    return separable_params() + squeeze_excite_params(False).subs(t, 1)


def separable_se_ratio() -> sp.Expr:
    """The separable pair with squeeze-and-excite over a standard conv at stride 1: eq. 5 plus
    ``2·r·M / (D_K²·N·D_F²)``, which vanishes with the map's area."""
    return sp.expand(separable_se_mult_adds().subs(D_G, D_F) / _standard_stride_one())


def mixconv_kernel_sum() -> sp.Expr:
    """Σ k² over MixConv's kernels 3, 5, …, 2·n_k + 1: ``n_k·(4n_k² + 12n_k + 11)/3``."""
    i = sp.Symbol("i", positive=True, integer=True)
    return sp.factor(sp.summation((2 * i + 1) ** 2, (i, 1, n_k)))


def _mixconv(channels: sp.Expr, area: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """A MixConv on ``channels``: ``n_k`` equal groups, the i-th a (2i+1)×(2i+1) depthwise
    conv (Tan & Le 2019, section 3, Fig. 2)."""
    per_weight = mixconv_kernel_sum() / n_k  # the mean k² over the groups
    return per_weight * channels * area, per_weight * channels


def mixconv_mult_adds() -> sp.Expr:
    """MixConv on ``M`` channels, Mult-Adds: ``M·D_G²·(4n_k² + 12n_k + 11)/3``, the mean k²
    of its kernels times a depthwise conv's ``M·D_G²`` (Tan & Le 2019, section 3)."""
    return sp.factor(_mixconv(M, D_G**2)[0])


def mixconv_params() -> sp.Expr:
    """MixConv on ``M`` channels, parameters: ``M·(4n_k² + 12n_k + 11)/3``."""
    return sp.factor(_mixconv(M, D_G**2)[1])


def mixconv_ratio() -> sp.Expr:
    """MixConv over one depthwise conv with its largest kernel (2·n_k + 1): below 1 for
    n_k ≥ 2 (3, 5: 17/25; 3, 5, 7: 83/147), tending to 1/3 as n_k grows."""
    return sp.factor(mixconv_mult_adds() / mixconv_mult_adds().subs(n_k, 1).subs(
        9, (2 * n_k + 1) ** 2))


def mixconv_inverted_residual_mult_adds(stride_one: bool = True) -> sp.Expr:
    """MixNet's inverted residual (Tan & Le 2019, MixNet; timm ``k3.5.7``, ``a2``/``p2``):
    a 1×1 expansion in ``g`` groups (``M/g`` in, ``tM/g`` out each), a MixConv of ``n_k``
    kernels on ``tM`` channels, a 1×1 projection in ``g`` groups; squeeze-and-excite adds
    :func:`squeeze_excite_mult_adds` (``S = r·M``). At ``g = n_k = 1`` the plain inverted
    residual."""
    return _mixconv_inverted_residual(stride_one)[0]


def mixconv_inverted_residual_params() -> sp.Expr:
    """MixNet's inverted residual, parameters: ``tM·(M/g + (4n_k² + 12n_k + 11)/3 + N/g)``."""
    return _mixconv_inverted_residual(True)[1]


def _mixconv_inverted_residual(stride_one: bool) -> tuple[sp.Expr, sp.Expr]:
    expanded = t * M
    out_area = D_F**2 if stride_one else D_G**2
    ma, params = _total(_conv(1, M / g, expanded, D_F**2), _mixconv(expanded, out_area),
                        _conv(1, expanded / g, N, out_area))
    kernels = mixconv_kernel_sum() / n_k
    if stride_one:
        ma = _shown(D_F**2 * expanded * (M / g + kernels + N / g), ma)
    params = _shown(expanded * (M / g + kernels + N / g), params)
    return (ma if stride_one else sp.expand(ma)), params


def mixconv_inverted_residual_ratio() -> sp.Expr:
    """MixNet's inverted residual over a standard ``D_K×D_K`` conv at stride 1."""
    kernels = mixconv_kernel_sum() / n_k
    return _shown(t * (M / g + kernels + N / g) / (D_K**2 * N),
                  mixconv_inverted_residual_mult_adds() / _standard_stride_one())


def _fused(stride_one: bool) -> tuple[sp.Expr, sp.Expr]:
    area = D_F**2 if stride_one else D_G**2
    return _total(_conv(D_K, M, t * M, area), _conv(1, t * M, N, area))


def fused_inverted_residual_mult_adds(stride_one: bool = True) -> sp.Expr:
    """Fused inverted residual (Fused-MBConv, Tan & Le 2021, section 3.2 and Fig. 2;
    MobileNetV4's FusedIB, Qin et al. 2024), Mult-Adds: a ``D_K×D_K`` conv from ``M`` to
    ``tM`` channels at the stride in place of the expansion and the depthwise conv, then the
    1×1 projection: ``D_G²·tM·(D_K²·M + N)``."""
    return sp.factor(_fused(stride_one)[0])


def fused_inverted_residual_params() -> sp.Expr:
    """Fused inverted residual, parameters: ``tM·(D_K²·M + N)``."""
    return sp.factor(_fused(True)[1])


def fused_inverted_residual_ratio() -> sp.Expr:
    """Fused inverted residual over a standard conv: ``t·(D_K²·M + N) / (D_K²·N)``, above 1
    wherever ``t·M ≥ N`` (every block that keeps its width): the fused block costs more than the
    conv it replaces."""
    return sp.factor(fused_inverted_residual_mult_adds() / _standard_stride_one())


def fused_to_inverted_residual_ratio() -> sp.Expr:
    """Fused over the inverted residual it replaces, same ``t``, stride 1:
    ``(D_K²·M + N) / (M + D_K² + N)``, about ``D_K²`` times more where ``M = N`` is wide
    (EfficientNetV2 keeps it to the early, narrow stages, where it runs faster on TPUs and
    GPUs despite the Mult-Adds, Tan & Le 2021, Table 3)."""
    return sp.factor(fused_inverted_residual_mult_adds() / inverted_residual_mult_adds())


def _universal(start: bool, middle: bool, stride_one: bool) -> tuple[sp.Expr, sp.Expr]:
    if not (start or middle) and not stride_one:
        raise ValueError("the FFN variant (no depthwise conv) has no stride to take")
    early = D_F**2 if stride_one or middle else D_G**2  # the start dw takes the stride if alone
    terms = []
    if start:
        terms.append(_conv(D_S, 1, M, early))
    terms.append(_conv(1, M, t * M, early))
    late = D_F**2 if stride_one else D_G**2
    if middle:
        terms.append(_conv(D_K, 1, t * M, late))
    terms.append(_conv(1, t * M, N, late))
    return _total(*terms)


def universal_inverted_bottleneck_mult_adds(start: bool = True, middle: bool = True,
                                            stride_one: bool = True) -> sp.Expr:
    """MobileNetV4's universal inverted bottleneck (Qin et al. 2024, Fig. 4), Mult-Adds: an
    optional ``D_S×D_S`` depthwise conv on the input, the 1×1 expansion to
    ``tM``, an optional ``D_K×D_K`` depthwise conv on ``tM`` (it takes the stride; the start
    one does where it is alone), the 1×1 projection. Both: ExtraDW; middle only: the inverted
    residual (IB); start only: ConvNeXt-like; neither: FFN."""
    ma = _universal(start, middle, stride_one)[0]
    return sp.factor(ma) if stride_one else sp.expand(ma)


def universal_inverted_bottleneck_params(start: bool = True, middle: bool = True) -> sp.Expr:
    """The universal inverted bottleneck, parameters: ``D_S²·M + tM·(M + D_K² + N)`` for
    ExtraDW; drop ``D_S²·M`` without the start, ``D_K²·tM`` without the middle conv."""
    return sp.expand(_universal(start, middle, True)[1])


def universal_inverted_bottleneck_ratio(start: bool = True, middle: bool = True) -> sp.Expr:
    """The universal inverted bottleneck over the standard conv with its own kernel (the
    middle one, else the start one ``D_S``, else a 1×1 conv for FFN), at stride 1."""
    kernel = D_K if middle else D_S if start else 1
    standard = _standard_stride_one().subs(D_K, kernel)
    return sp.factor(universal_inverted_bottleneck_mult_adds(start, middle) / standard)


def _ghost_module(in_channels: sp.Expr, out: sp.Expr, kernel: sp.Expr | int,
                  area: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """GhostNet's module (Han et al. 2020, section 3.1, Fig. 2b): a primary conv to ``out/s``
    channels, then ``s − 1`` cheap ``D_d×D_d`` depthwise operations per intrinsic map."""
    intrinsic = out / s
    return _total(_conv(kernel, in_channels, intrinsic, area),
                  _conv(D_d, 1, (s - 1) * intrinsic, area))


def ghost_module_mult_adds() -> sp.Expr:
    """A ghost module in place of a ``D_K×D_K`` conv from ``M`` to ``N`` channels, Mult-Adds:
    ``(N/s)·D_G²·D_K²·M + (s − 1)·(N/s)·D_G²·D_d²`` (Han et al. 2020, section 3.1)."""
    return _shown(D_G**2 * N * (D_K**2 * M + (s - 1) * D_d**2) / s,
                  _ghost_module(M, N, D_K, D_G**2)[0])


def ghost_module_params() -> sp.Expr:
    """A ghost module, parameters: ``(N/s)·D_K²·M + (s − 1)·(N/s)·D_d²``."""
    return _shown(N * (D_K**2 * M + (s - 1) * D_d**2) / s, _ghost_module(M, N, D_K, D_G**2)[1])


def ghost_speedup_ratio() -> sp.Expr:
    """GhostNet's eq. 4: the ordinary conv over the ghost module,
    ``s·D_K²·M / (D_K²·M + (s − 1)·D_d²)``, about ``s`` where ``D_d ≈ D_K`` and ``s ≪ M``
    (the limit as ``M`` grows is exactly ``s``)."""
    return _shown(s * D_K**2 * M / (D_K**2 * M + (s - 1) * D_d**2),
                  sp.cancel(standard_conv_mult_adds() / ghost_module_mult_adds()))


def _ghost_bottleneck(stride_one: bool, shortcut: bool | None) -> tuple[sp.Expr, sp.Expr]:
    shortcut = (not stride_one) if shortcut is None else shortcut
    expanded = t * M
    late = D_F**2 if stride_one else D_G**2
    terms = [_ghost_module(M, expanded, 1, D_F**2)]
    if not stride_one:
        terms.append(_conv(D_K, 1, expanded, late))
    terms.append(_ghost_module(expanded, N, 1, late))
    if shortcut:
        terms += [_conv(D_K, 1, M, late), _conv(1, M, N, late)]
    return _total(*terms)


def ghost_bottleneck_mult_adds(stride_one: bool = True, shortcut: bool | None = None) -> sp.Expr:
    """GhostNet's bottleneck (Han et al. 2020, section 3.2, Fig. 3), Mult-Adds: a ghost module
    with a 1×1 primary conv from ``M`` to ``tM``, at stride 2 a ``D_K×D_K`` depthwise conv on
    ``tM``, a ghost module from ``tM`` to ``N``, and where the stride or the widths differ a
    shortcut (``D_K×D_K`` depthwise on ``M`` at the stride, 1×1 from ``M`` to ``N``;
    ``shortcut`` defaults to ``not stride_one``). Squeeze-and-excite, where present, adds
    :func:`squeeze_excite_mult_adds`."""
    ma = _ghost_bottleneck(stride_one, shortcut)[0]
    if stride_one and not shortcut:
        return _shown(D_F**2 * _ghost_stride_one_weights(), ma)
    return sp.expand(ma)


def _ghost_stride_one_weights() -> sp.Expr:
    """The stride-1 bottleneck's weights, ``(tM·(M + (s−1)·D_d²) + N·(tM + (s−1)·D_d²)) / s``:
    the first module's primary and cheap parts, then the second's."""
    return (t * M * (M + (s - 1) * D_d**2) + N * (t * M + (s - 1) * D_d**2)) / s


def ghost_bottleneck_params(stride_one: bool = True, shortcut: bool | None = None) -> sp.Expr:
    """GhostNet's bottleneck, parameters: the weights of the stride-1 one,
    ``(tM·(M + (s−1)·D_d²) + N·(tM + (s−1)·D_d²)) / s``, plus at stride 2 the depthwise conv's
    ``D_K²·tM`` and the shortcut's ``D_K²·M + M·N``."""
    params = _ghost_bottleneck(stride_one, shortcut)[1]
    if stride_one and not shortcut:
        return _shown(_ghost_stride_one_weights(), params)
    return sp.expand(params)


def ghost_bottleneck_ratio() -> sp.Expr:
    """GhostNet's stride-1 bottleneck over a standard ``D_K×D_K`` conv from ``M`` to ``N``."""
    return _shown(_ghost_stride_one_weights() / (D_K**2 * M * N),
                  ghost_bottleneck_mult_adds() / _standard_stride_one())


def _shuffle_unit(stride_one: bool) -> tuple[sp.Expr, sp.Expr]:
    if stride_one:  # M = N: the branch runs on M/2 channels, the other half passes
        half = M / 2
        return _total(_conv(1, half, half, D_F**2), _conv(D_K, 1, half, D_F**2),
                      _conv(1, half, half, D_F**2))
    half = N / 2
    return _total(_conv(D_K, 1, M, D_G**2), _conv(1, M, half, D_G**2),  # branch 1
                  _conv(1, M, half, D_F**2), _conv(D_K, 1, half, D_G**2),  # branch 2
                  _conv(1, half, half, D_G**2))


def shuffle_unit_mult_adds(stride_one: bool = True) -> sp.Expr:
    """ShuffleNet v2's unit (Ma et al. 2018, section 4, Fig. 3c-d), Mult-Adds. Stride 1
    (``M = N``): the channel split keeps ``M/2`` channels and runs the other ``M/2`` through
    1×1, ``D_K×D_K`` depthwise and 1×1 convs: ``D_F²·M·(M + D_K²)/2``; concat and shuffle count
    zero. Stride 2: both branches read all ``M`` channels (``D_K×D_K`` depthwise at the stride,
    1×1 to ``N/2``; 1×1 to ``N/2``, depthwise at the stride, 1×1), each making ``N/2``."""
    ma = _shuffle_unit(stride_one)[0]
    return sp.factor(ma) if stride_one else sp.expand(ma)


def shuffle_unit_params(stride_one: bool = True) -> sp.Expr:
    """ShuffleNet v2's unit, parameters: ``M·(M + D_K²)/2`` at stride 1."""
    return sp.factor(_shuffle_unit(stride_one)[1]) if stride_one else sp.expand(
        _shuffle_unit(stride_one)[1])


def shuffle_unit_ratio() -> sp.Expr:
    """ShuffleNet v2's stride-1 unit over a standard ``D_K×D_K`` conv from ``M`` to ``M``
    channels: ``(1/M + 1/D_K²)/2``, half MobileNet's eq. 5: the branch runs on half the
    channels."""
    standard = _standard_stride_one().subs(N, M)
    return sp.expand(shuffle_unit_mult_adds() / standard)


def _convnext_block() -> tuple[sp.Expr, sp.Expr]:
    expanded = t * M
    return (operations.mult_adds(OpKind.CONV, D_K, 1, M, D_F**2)
            + operations.mult_adds(OpKind.CONV, 1, M, expanded, D_F**2)
            + operations.mult_adds(OpKind.CONV, 1, expanded, M, D_F**2),
            operations.params(OpKind.CONV, D_K, 1, M, 1)
            + operations.params(OpKind.CONV, 1, M, expanded, 1)
            + operations.params(OpKind.CONV, 1, expanded, M, 1)
            + operations.params(OpKind.LAYER_SCALE, 1, M, M, 1))


def convnext_block_mult_adds() -> sp.Expr:
    """ConvNeXt's block (Liu et al. 2022, section 2, Fig. 4) on ``M`` channels, Mult-Adds: a
    ``D_K×D_K`` (7×7) depthwise conv, LayerNorm (zero), a 1×1 conv to ``tM`` (t = 4), GELU, a
    1×1 conv back (zero for the layer scale and the add): ``D_F²·M·(D_K² + 2t·M)``."""
    return sp.factor(_convnext_block()[0])


def convnext_block_params() -> sp.Expr:
    """ConvNeXt's block, parameters: the three convs with their biases and layer scale's γ,
    ``D_K²·M + 2t·M² + t·M + 3M``; LayerNorm's γ and β (``2M``) are in ``params_with_bn``."""
    return sp.expand(_convnext_block()[1])


def convnext_block_ratio() -> sp.Expr:
    """ConvNeXt's block over a standard ``D_K×D_K`` conv from ``M`` to ``M`` channels:
    ``1/M + 2t/D_K²`` (8/49 ≈ 0.16 at t = 4, D_K = 7, plus 1/M)."""
    return sp.expand(convnext_block_mult_adds() / _standard_stride_one().subs(N, M))


# --- derivations, step by step --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a symbolic derivation: a title, an expression and a note."""

    title: str
    expr: sp.Expr
    note: str = ""

    @cached_property
    def latex(self) -> str:
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    @cached_property
    def text(self) -> str:
        """The expression as plain text."""
        return sp.sstr(self.expr)


def inverted_residual_steps() -> tuple[Step, ...]:
    """The inverted residual's Mult-Adds derived from its three convolutions (stride 1,
    ``h = w = D_F``, input ``M`` = d′, output ``N`` = d″, expansion ``t``), then its ratio to a
    standard conv and its form under α and ρ (Sandler et al. 2018, section 3.3)."""
    expanded = t * M
    area = D_F**2
    expand = operations.mult_adds(OpKind.CONV, 1, M, expanded, area)
    depthwise = operations.mult_adds(OpKind.CONV, D_K, 1, expanded, area)
    project = operations.mult_adds(OpKind.CONV, 1, expanded, N, area)
    total = sp.factor(expand + depthwise + project)
    return (
        Step(title="Expand: 1×1 conv from M to t·M channels", expr=expand,
             note="a pointwise conv (v1 eq. 4) with N = t·M"),
        Step(title="Depthwise: D_K×D_K on t·M channels", expr=depthwise,
             note="v1 eq. 3 on the expanded tensor"),
        Step(title="Project: linear 1×1 conv from t·M to N channels", expr=project,
             note="a pointwise conv with M = t·M"),
        Step(title="Sum, factored: h·w·d′·t·(d′ + k² + d″)", expr=total,
             note="Sandler et al. 2018, section 3.3"),
        Step(title="A standard D_K×D_K conv from M to N channels", expr=standard_conv_mult_adds(
            ).subs(D_G, D_F), note="v1 eq. 2"),
        Step(title="Inverted residual / standard conv", expr=inverted_residual_ratio(),
             note="above 1 when t·(M + D_K² + N) > D_K²·N: narrow bottlenecks with t = 6 cost "
                  "more than a standard conv between them, and buy depth and nonlinearity"),
        Step(title="Under width α and resolution ρ", expr=scaled_inverted_residual_mult_adds(),
             note="the 1×1 terms scale with α²ρ², the depthwise term with αρ²; t and D_K do "
                  "not scale"),
    )


def squeeze_excite_steps(on_expanded: bool = True) -> tuple[Step, ...]:
    """What squeeze-and-excite adds to an inverted residual: pool (zero), reducing 1×1 with
    bias, expanding 1×1 with bias, channel-wise scale (zero). ``S = r·E`` (MobileNet v3) or
    ``S = r·M`` (MnasNet, EfficientNet)."""
    expanded = t * M
    squeeze = r_se * (expanded if on_expanded else M)
    reduce = operations.mult_adds(OpKind.CONV, 1, expanded, squeeze, 1)
    expand = operations.mult_adds(OpKind.CONV, 1, squeeze, expanded, 1)
    return (
        Step(title="Pool H×W×E to 1×1×E", expr=sp.Integer(0), note="pooling counts zero"),
        Step(title="Reduce: 1×1 conv E → S on the 1×1 map", expr=reduce,
             note="plus S biases"),
        Step(title="Expand: 1×1 conv S → E on the 1×1 map", expr=expand,
             note="plus E biases"),
        Step(title="Scale H×W×E by the 1×1×E gate", expr=sp.Integer(0),
             note="an element-wise multiply: zero by the convention, H·W·E multiplies in "
                  "memory and latency"),
        Step(title="Mult-Adds added", expr=squeeze_excite_mult_adds(on_expanded),
             note="independent of the resolution: SE works on the pooled vector"),
        Step(title="Parameters added", expr=squeeze_excite_params(on_expanded)),
    )


def compound_scaling_steps(network: str = "efficientnet_b0") -> tuple[Step, ...]:
    """EfficientNet's cost in width w (``alpha``), resolution r (``rho``) and depth d, from its
    block formulas: the closed form, its leading term ``d·w²·r²``, and that term's share at
    B0 (Tan & Le 2019, section 3.3: "FLOPS ... proportional to d, w², r²")."""
    from costmodel.base.symbols import d
    from costmodel.core.closed_form import compound_scaling_mult_adds

    total = compound_scaling_mult_adds(network)
    poly = sp.Poly(total, alpha, rho, d)
    lead = poly.coeff_monomial(alpha**2 * rho**2 * d) * alpha**2 * rho**2 * d
    at_b0 = total.subs({alpha: 1, rho: 1, d: 1})
    share = sp.Rational(int(lead.subs({alpha: 1, rho: 1, d: 1})), int(at_b0))
    return (
        Step(title="Mult-Adds(w, r, d) summed over the blocks", expr=total,
             note="every stage of n blocks: its first block plus n·d − 1 repeats"),
        Step(title="Leading term", expr=lead,
             note="the 1×1 convs of the repeated blocks: channels² × area × depth"),
        Step(title="Share of the leading term at B0 (w = r = d = 1)", expr=share,
             note=f"{float(share):.1%} of {int(at_b0):,}"),
    )


def _standard_step(width: sp.Expr = N, kernel: sp.Expr = D_K) -> Step:
    return Step(title=f"A standard {sp.sstr(kernel)}×{sp.sstr(kernel)} conv from M to "
                      f"{sp.sstr(width)} channels in its place",
                expr=_standard_stride_one().subs({N: width, D_K: kernel}), note="v1 eq. 2")


def fused_inverted_residual_steps() -> tuple[Step, ...]:
    """The fused inverted residual (EfficientNetV2's Fused-MBConv, MobileNetV4's FusedIB) at
    stride 1: its two convolutions, the standard conv, and why it costs more Mult-Adds than
    both the standard conv and the inverted residual it replaces (Tan & Le 2021, section 3.2)."""
    fused, _ = _conv(D_K, M, t * M, D_F**2)
    project, _ = _conv(1, t * M, N, D_F**2)
    return (
        Step(title="Fused expand: D_K×D_K conv from M to t·M channels", expr=fused,
             note="a standard conv (v1 eq. 2) with N = t·M, in place of the 1×1 expansion and "
                  "the depthwise conv"),
        Step(title="Project: linear 1×1 conv from t·M to N channels", expr=project,
             note="as in the inverted residual"),
        Step(title="Sum, factored", expr=fused_inverted_residual_mult_adds(),
             note="Tan & Le 2021, Fig. 2"),
        _standard_step(),
        Step(title="Fused / standard conv", expr=fused_inverted_residual_ratio(),
             note="above 1 wherever t·M ≥ N: the k×k conv alone costs t·M/N times the "
                  "standard conv"),
        Step(title="Fused / the inverted residual it replaces (same t)",
             expr=fused_to_inverted_residual_ratio(),
             note="about D_K² where M = N is wide; EfficientNetV2 uses it in the early, narrow "
                  "stages, where one dense conv runs faster on TPUs and GPUs than a depthwise "
                  "conv with fewer Mult-Adds (Tan & Le 2021, section 3.2 and Table 3)"),
        Step(title="Under width α and resolution ρ",
             expr=scaled(fused_inverted_residual_mult_adds()),
             note="both terms scale with α²ρ²: no depthwise term is left"),
    )


def universal_inverted_bottleneck_steps() -> tuple[Step, ...]:
    """MobileNetV4's universal inverted bottleneck at stride 1 (Qin et al. 2024, Fig. 4):
    its four operations, its four variants (ExtraDW, IB, ConvNeXt-like, FFN), and its ratio to
    a standard conv."""
    start, _ = _conv(D_S, 1, M, D_F**2)
    expand, _ = _conv(1, M, t * M, D_F**2)
    middle, _ = _conv(D_K, 1, t * M, D_F**2)
    project, _ = _conv(1, t * M, N, D_F**2)
    return (
        Step(title="Start: optional D_S×D_S depthwise conv on the M input channels", expr=start,
             note="v1 eq. 3 before the expansion"),
        Step(title="Expand: 1×1 conv from M to t·M channels", expr=expand),
        Step(title="Middle: optional D_K×D_K depthwise conv on t·M channels", expr=middle,
             note="v1 eq. 3 on the expanded tensor; it takes the stride where present"),
        Step(title="Project: 1×1 conv from t·M to N channels", expr=project),
        Step(title="ExtraDW (both depthwise convs), factored",
             expr=universal_inverted_bottleneck_mult_adds(True, True),
             note="Qin et al. 2024, Fig. 4"),
        Step(title="IB (middle only): the inverted residual",
             expr=universal_inverted_bottleneck_mult_adds(False, True),
             note="Sandler et al. 2018's h·w·d′·t·(d′ + k² + d″)"),
        Step(title="ConvNeXt-like (start only)",
             expr=universal_inverted_bottleneck_mult_adds(True, False)),
        Step(title="FFN (no depthwise conv): two 1×1 convs",
             expr=universal_inverted_bottleneck_mult_adds(False, False)),
        _standard_step(),
        Step(title="ExtraDW / standard conv", expr=universal_inverted_bottleneck_ratio(),
             note="the start depthwise conv adds D_S²/(D_K²·N) to the IB's ratio: a wider "
                  "receptive field for a few per cent more Mult-Adds"),
        Step(title="Under width α and resolution ρ",
             expr=scaled(universal_inverted_bottleneck_mult_adds()),
             note="the 1×1 terms scale with α²ρ², both depthwise terms with αρ²"),
    )


def ghost_bottleneck_steps() -> tuple[Step, ...]:
    """GhostNet's module and its eq. 4, then the stride-1 bottleneck built of two modules
    (Han et al. 2020, sections 3.1-3.2)."""
    primary, _ = _conv(D_K, M, N / s, D_G**2)
    cheap, _ = _conv(D_d, 1, (s - 1) * N / s, D_G**2)
    return (
        Step(title="Ghost module, primary: D_K×D_K conv from M to N/s intrinsic channels",
             expr=primary, note="an ordinary conv making 1/s of the output"),
        Step(title="Ghost module, cheap: s − 1 D_d×D_d depthwise operations per intrinsic map",
             expr=cheap, note="the other (s − 1)/s of the output, one channel at a time"),
        Step(title="Ghost module", expr=ghost_module_mult_adds(),
             note="Han et al. 2020, section 3.1"),
        Step(title="Speed-up over the ordinary conv (eq. 4)", expr=ghost_speedup_ratio(),
             note="≈ s where D_d ≈ D_K and s ≪ M"),
        Step(title="… as M grows", expr=sp.limit(ghost_speedup_ratio(), M, sp.oo),
             note="exactly s: the cheap operations vanish against the primary conv"),
        Step(title="Bottleneck at stride 1: ghost modules M → t·M → N with 1×1 primaries",
             expr=ghost_bottleneck_mult_adds(),
             note="Han et al. 2020, Fig. 3 (GhostNet: s = 2, D_d = 3)"),
        _standard_step(),
        Step(title="Bottleneck / standard conv", expr=ghost_bottleneck_ratio()),
        Step(title="Under width α and resolution ρ", expr=scaled(ghost_bottleneck_mult_adds()),
             note="the primary 1×1 terms scale with α²ρ², the cheap ones with αρ²"),
    )


def shuffle_unit_steps() -> tuple[Step, ...]:
    """ShuffleNet v2's unit (Ma et al. 2018, section 4, Fig. 3c-d): at stride 1 the branch
    runs on half the channels, so its ratio is half of MobileNet's eq. 5; then stride 2."""
    half = M / 2
    pw, _ = _conv(1, half, half, D_F**2)
    dw, _ = _conv(D_K, 1, half, D_F**2)
    return (
        Step(title="Channel split: M/2 channels pass, M/2 enter the branch", expr=sp.Integer(0),
             note="a view: zero Mult-Adds, nothing copied"),
        Step(title="Branch: 1×1 conv on M/2 channels", expr=pw,
             note="v1 eq. 4's pointwise term with M = N = M/2: a quarter of a full 1×1"),
        Step(title="Branch: D_K×D_K depthwise conv on M/2 channels", expr=dw),
        Step(title="Branch: 1×1 conv on M/2 channels", expr=pw),
        Step(title="Concat and channel shuffle", expr=sp.Integer(0),
             note="data movement: zero Mult-Adds, M·D_F² copies each"),
        Step(title="Unit at stride 1, factored", expr=shuffle_unit_mult_adds()),
        _standard_step(M),
        Step(title="Unit / standard conv", expr=shuffle_unit_ratio(),
             note="half of eq. 5's 1/N + 1/D_K²: two 1×1 convs on half the channels cost "
                  "half of one on all of them"),
        Step(title="Unit at stride 2 (M to N, both branches read all M channels)",
             expr=shuffle_unit_mult_adds(False), note="Ma et al. 2018, Fig. 3d"),
        Step(title="Under width α and resolution ρ (stride 1)",
             expr=scaled(shuffle_unit_mult_adds())),
    )


def convnext_block_steps() -> tuple[Step, ...]:
    """ConvNeXt's block (Liu et al. 2022, section 2, Fig. 4): a large depthwise conv, then an
    inverted bottleneck of two 1×1 convs (t = 4) that holds most of the cost."""
    dw, _ = _conv(D_K, 1, M, D_F**2)
    fc1, _ = _conv(1, M, t * M, D_F**2)
    fc2, _ = _conv(1, t * M, M, D_F**2)
    return (
        Step(title="D_K×D_K depthwise conv on M channels (7×7, with bias)", expr=dw,
             note="v1 eq. 3; the bias adds M parameters, no Mult-Adds"),
        Step(title="LayerNorm", expr=sp.Integer(0),
             note="not folded: 2M parameters (γ, β) in params_with_bn, zero Mult-Adds"),
        Step(title="1×1 conv from M to t·M channels (t = 4), GELU", expr=fc1),
        Step(title="1×1 conv from t·M back to M channels", expr=fc2),
        Step(title="Layer scale γ and the residual add", expr=sp.Integer(0),
             note="M parameters, zero Mult-Adds"),
        Step(title="Block, factored", expr=convnext_block_mult_adds()),
        Step(title="Parameters", expr=convnext_block_params(),
             note="the three convs with biases and layer scale's γ"),
        _standard_step(M),
        Step(title="Block / standard conv", expr=convnext_block_ratio(),
             note="8/49 + 1/M at t = 4, D_K = 7: the two 1×1 convs are 2t/D_K² of it"),
        Step(title="Under width α and resolution ρ", expr=scaled(convnext_block_mult_adds())),
    )


def mixconv_steps() -> tuple[Step, ...]:
    """MixConv (Tan & Le 2019, section 3) and MixNet's inverted residual with grouped 1×1
    convs: n_k equal channel groups with kernels 3, 5, …, 2·n_k + 1."""
    return (
        Step(title="Σ k² over the kernels 3, 5, …, 2·n_k + 1", expr=mixconv_kernel_sum()),
        Step(title="MixConv on M channels (M/n_k per kernel)", expr=mixconv_mult_adds(),
             note="the mean k² times a depthwise conv's M·D_G²"),
        Step(title="MixConv / a depthwise conv with its largest kernel", expr=mixconv_ratio(),
             note="17/25 for 3, 5; 83/147 for 3, 5, 7"),
        Step(title="A 1×1 conv in g groups", expr=_conv(1, M / g, N, D_G**2)[0],
             note="1/g of an ungrouped 1×1 conv"),
        Step(title="MixNet's inverted residual at stride 1 (grouped 1×1s, MixConv)",
             expr=mixconv_inverted_residual_mult_adds(),
             note="g = n_k = 1 gives the inverted residual; squeeze-and-excite adds 2·tM·S"),
        _standard_step(),
        Step(title="Block / standard conv", expr=mixconv_inverted_residual_ratio()),
        Step(title="Under width α and resolution ρ",
             expr=scaled(mixconv_inverted_residual_mult_adds())),
    )


# --- a catalogue for display -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Formula:
    """A named formula for display: its title, the source's equation and expression."""

    key: str
    title: str
    equation: str
    expr: sp.Expr

    @cached_property
    def latex(self) -> str:
        """The expression as LaTeX."""
        return sp.latex(self.expr)

    @cached_property
    def text(self) -> str:
        """The expression as plain text."""
        return sp.sstr(self.expr)


@cache
def formula_catalog() -> tuple[Formula, ...]:
    """Every formula in the papers' order, ready to print or typeset: MobileNet v1's
    section 3, then the inverted residual and squeeze-and-excite, then the later blocks
    (separable pair with SE, MixConv, fused inverted residual, universal inverted bottleneck,
    ghost module and bottleneck, ShuffleNet v2 unit, ConvNeXt block), each with its ratio to
    the standard conv it replaces and its form under α and ρ."""
    return (
        Formula(key="standard_mult_adds", title="Standard convolution, Mult-Adds",
                equation="v1 eq. 2", expr=standard_conv_mult_adds()),
        Formula(key="standard_params", title="Standard convolution, parameters",
                equation="v1 eq. 1", expr=standard_conv_params()),
        Formula(key="depthwise_mult_adds", title="Depthwise convolution, Mult-Adds",
                equation="v1 eq. 3", expr=depthwise_mult_adds()),
        Formula(key="pointwise_mult_adds", title="Pointwise (1×1) convolution, Mult-Adds",
                equation="v1 eq. 4, second term", expr=pointwise_mult_adds()),
        Formula(key="separable_mult_adds", title="Depthwise separable convolution, Mult-Adds",
                equation="v1 eq. 4", expr=separable_mult_adds()),
        Formula(key="separable_params", title="Depthwise separable convolution, parameters",
                equation="v1 eq. 4 (weights)", expr=separable_params()),
        Formula(key="reduction_ratio", title="Separable / standard Mult-Adds",
                equation="v1 eq. 5", expr=reduction_ratio()),
        Formula(key="width_mult_adds", title="Separable Mult-Adds with width multiplier α",
                equation="v1 eq. 6", expr=with_width(separable_mult_adds())),
        Formula(key="width_resolution_mult_adds",
                title="Separable Mult-Adds with width α and resolution ρ",
                equation="v1 eq. 7", expr=scaled_separable_mult_adds()),
        Formula(key="width_resolution_params",
                title="Separable parameters with α and ρ (ρ does not appear)",
                equation="v1 eqs. 6-7", expr=scaled_separable_params()),
        Formula(key="inverted_residual_mult_adds",
                title="Inverted residual (stride 1), Mult-Adds: h·w·d′·t·(d′ + k² + d″)",
                equation="v2 section 3.3", expr=inverted_residual_mult_adds()),
        Formula(key="inverted_residual_params", title="Inverted residual, parameters",
                equation="v2 section 3.3", expr=inverted_residual_params()),
        Formula(key="inverted_residual_ratio",
                title="Inverted residual / standard conv Mult-Adds",
                equation="v2 section 3.3", expr=inverted_residual_ratio()),
        Formula(key="scaled_inverted_residual_mult_adds",
                title="Inverted residual Mult-Adds with width α and resolution ρ",
                equation="v2 with v1 eq. 7", expr=scaled_inverted_residual_mult_adds()),
        Formula(key="squeeze_excite_mult_adds",
                title="Squeeze-and-excite adds (S = r·E, MobileNet v3), Mult-Adds",
                equation="v3 section 5.3", expr=squeeze_excite_mult_adds(True)),
        Formula(key="squeeze_excite_params",
                title="Squeeze-and-excite adds (S = r·E), parameters",
                equation="v3 section 5.3", expr=squeeze_excite_params(True)),
        Formula(key="squeeze_excite_input_mult_adds",
                title="Squeeze-and-excite adds (S = r·M, MnasNet, EfficientNet), Mult-Adds",
                equation="EfficientNet section 4", expr=squeeze_excite_mult_adds(False)),
        Formula(key="squeeze_excite_input_params",
                title="Squeeze-and-excite adds (S = r·M), parameters",
                equation="EfficientNet section 4", expr=squeeze_excite_params(False)),
        Formula(key="scaled_inverted_residual_params",
                title="Inverted residual parameters with width α (ρ does not appear)",
                equation="v2 with v1 eq. 6",
                expr=sp.factor(with_width(inverted_residual_params()))),
        Formula(key="compound_scaling_mult_adds",
                title="EfficientNet-B0's Mult-Adds in width w (α), resolution r (ρ), depth d",
                equation="EfficientNet section 3.3",
                expr=compound_scaling_steps()[0].expr),
        *_block_catalog(),
    )


def _block_entries(key: str, name: str, source: str, mult_adds: sp.Expr, params: sp.Expr,
                   ratio: sp.Expr, ratio_title: str = "") -> tuple[Formula, ...]:
    """A block's Mult-Adds, parameters, ratio to the standard conv it replaces, and its
    Mult-Adds and parameters under α and ρ."""
    return (
        Formula(key=f"{key}_mult_adds", title=f"{name}, Mult-Adds", equation=source,
                expr=mult_adds),
        Formula(key=f"{key}_params", title=f"{name}, parameters", equation=source, expr=params),
        Formula(key=f"{key}_ratio",
                title=ratio_title or f"{name} / standard D_K×D_K conv Mult-Adds",
                equation=source, expr=ratio),
        Formula(key=f"scaled_{key}_mult_adds", title=f"{name}, Mult-Adds with width α and "
                f"resolution ρ", equation=f"{source} with v1 eq. 7", expr=scaled(mult_adds)),
        Formula(key=f"scaled_{key}_params", title=f"{name}, parameters with width α (ρ does "
                f"not appear)", equation=f"{source} with v1 eq. 6", expr=scaled(params)),
    )


def _block_catalog() -> tuple[Formula, ...]:
    """The later block types: each one's Mult-Adds, parameters, ratio to the standard conv it
    replaces (C_in → C_out at the same stride; stride 1 unless said) and its α, ρ forms."""
    lcnet = "PP-LCNet (Cui et al. 2021); SE as v3 section 5.3"
    mixnet = "MixConv (Tan & Le 2019), section 3"
    v2 = "EfficientNetV2 (Tan & Le 2021), section 3.2, Fig. 2"
    v4 = "MobileNetV4 (Qin et al. 2024), Fig. 4"
    ghost = "GhostNet (Han et al. 2020)"
    shuffle = "ShuffleNet v2 (Ma et al. 2018), Fig. 3"
    convnext = "ConvNeXt (Liu et al. 2022), Fig. 4"
    return (
        *_block_entries("separable_se", "Separable pair with squeeze-and-excite (S = r·M)",
                        lcnet, separable_se_mult_adds(), separable_se_params(),
                        separable_se_ratio()),
        Formula(key="mixconv_mult_adds",
                title="MixConv, kernels 3, 5, …, 2n_k + 1 on M/n_k channels each, Mult-Adds",
                equation=mixnet, expr=mixconv_mult_adds()),
        Formula(key="mixconv_params", title="MixConv, parameters", equation=mixnet,
                expr=mixconv_params()),
        Formula(key="mixconv_ratio",
                title="MixConv / one depthwise conv with its largest kernel 2n_k + 1",
                equation=mixnet, expr=mixconv_ratio()),
        *_block_entries("mixconv_inverted_residual",
                        "MixNet inverted residual at stride 1 (1×1s in g groups, MixConv)",
                        f"{mixnet}; MixNet", mixconv_inverted_residual_mult_adds(),
                        mixconv_inverted_residual_params(),
                        mixconv_inverted_residual_ratio()),
        *_block_entries("fused_inverted_residual",
                        "Fused inverted residual (Fused-MBConv) at stride 1", v2,
                        fused_inverted_residual_mult_adds(), fused_inverted_residual_params(),
                        fused_inverted_residual_ratio()),
        Formula(key="fused_to_inverted_residual_ratio",
                title="Fused / the inverted residual it replaces (same t), Mult-Adds",
                equation=f"{v2}; Table 3", expr=fused_to_inverted_residual_ratio()),
        *_block_entries("universal_inverted_bottleneck",
                        "Universal inverted bottleneck, ExtraDW (start D_S, middle D_K), "
                        "stride 1", v4,
                        universal_inverted_bottleneck_mult_adds(),
                        universal_inverted_bottleneck_params(),
                        universal_inverted_bottleneck_ratio()),
        Formula(key="universal_convnext_like_mult_adds",
                title="Universal inverted bottleneck, ConvNeXt-like (start only), Mult-Adds",
                equation=v4, expr=universal_inverted_bottleneck_mult_adds(True, False)),
        Formula(key="universal_ffn_mult_adds",
                title="Universal inverted bottleneck, FFN (no depthwise conv), Mult-Adds",
                equation=v4, expr=universal_inverted_bottleneck_mult_adds(False, False)),
        Formula(key="ghost_module_mult_adds",
                title="Ghost module in place of a D_K×D_K conv (ratio s, cheap kernel D_d), "
                      "Mult-Adds", equation=f"{ghost}, section 3.1",
                expr=ghost_module_mult_adds()),
        Formula(key="ghost_module_params", title="Ghost module, parameters",
                equation=f"{ghost}, section 3.1", expr=ghost_module_params()),
        Formula(key="ghost_speedup_ratio",
                title="Ordinary conv / ghost module Mult-Adds (≈ s)",
                equation=f"{ghost}, eq. 4", expr=ghost_speedup_ratio()),
        *_block_entries("ghost_bottleneck", "Ghost bottleneck at stride 1 (1×1 primaries)",
                        f"{ghost}, Fig. 3", ghost_bottleneck_mult_adds(),
                        ghost_bottleneck_params(), ghost_bottleneck_ratio()),
        Formula(key="ghost_bottleneck_stride2_mult_adds",
                title="Ghost bottleneck at stride 2 (depthwise D_K×D_K, shortcut), Mult-Adds",
                equation=f"{ghost}, Fig. 3", expr=ghost_bottleneck_mult_adds(False)),
        *_block_entries("shuffle_unit", "ShuffleNet v2 unit at stride 1 (M = N)", shuffle,
                        shuffle_unit_mult_adds(), shuffle_unit_params(), shuffle_unit_ratio(),
                        "ShuffleNet v2 unit / standard D_K×D_K conv: half of v1 eq. 5"),
        Formula(key="shuffle_unit_stride2_mult_adds",
                title="ShuffleNet v2 unit at stride 2 (two branches), Mult-Adds",
                equation=f"{shuffle}d", expr=shuffle_unit_mult_adds(False)),
        *_block_entries("convnext_block", "ConvNeXt block (M = N)", convnext,
                        convnext_block_mult_adds(), convnext_block_params(),
                        convnext_block_ratio()),
    )


__all__ = [
    "Formula",
    "Step",
    "compound_scaling_steps",
    "convnext_block_mult_adds",
    "convnext_block_params",
    "convnext_block_ratio",
    "convnext_block_steps",
    "depthwise_mult_adds",
    "depthwise_params",
    "fc_mult_adds",
    "fc_params",
    "formula_catalog",
    "fused_inverted_residual_mult_adds",
    "fused_inverted_residual_params",
    "fused_inverted_residual_ratio",
    "fused_inverted_residual_steps",
    "fused_to_inverted_residual_ratio",
    "ghost_bottleneck_mult_adds",
    "ghost_bottleneck_params",
    "ghost_bottleneck_ratio",
    "ghost_bottleneck_steps",
    "ghost_module_mult_adds",
    "ghost_module_params",
    "ghost_speedup_ratio",
    "inverted_residual_mult_adds",
    "inverted_residual_params",
    "inverted_residual_ratio",
    "inverted_residual_steps",
    "mixconv_inverted_residual_mult_adds",
    "mixconv_inverted_residual_params",
    "mixconv_inverted_residual_ratio",
    "mixconv_kernel_sum",
    "mixconv_mult_adds",
    "mixconv_params",
    "mixconv_ratio",
    "mixconv_steps",
    "pointwise_mult_adds",
    "pointwise_params",
    "reduction_ratio",
    "scaled",
    "scaled_inverted_residual_mult_adds",
    "scaled_separable_mult_adds",
    "scaled_separable_params",
    "scaling_factors",
    "separable_mult_adds",
    "separable_params",
    "separable_se_mult_adds",
    "separable_se_params",
    "separable_se_ratio",
    "shuffle_unit_mult_adds",
    "shuffle_unit_params",
    "shuffle_unit_ratio",
    "shuffle_unit_steps",
    "squeeze_excite_mult_adds",
    "squeeze_excite_params",
    "squeeze_excite_steps",
    "standard_conv_mult_adds",
    "standard_conv_params",
    "universal_inverted_bottleneck_mult_adds",
    "universal_inverted_bottleneck_params",
    "universal_inverted_bottleneck_ratio",
    "universal_inverted_bottleneck_steps",
    "with_resolution",
    "with_width",
]
