"""Exact integer counts of a layer table under the width and resolution multipliers.

The rules (those of the reference TF-slim implementation):

* channels under α: ``max(int(α·C), 8)``; the image channels and the classes are never scaled;
* input size under ρ: ``round(224·ρ)`` (or a resolution given directly);
* 'SAME' padding: output size ``ceil(input / stride)``; average pooling is global (output 1×1).

One small integer function per layer kind (:data:`COUNTERS`); the tests hold each equal to its
symbolic twin in :data:`costmodel.formulas.LAYER_FORMULAS`. Nothing here imports sympy or pandas:
this is the per-call path of :func:`costmodel.report`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from costmodel.architecture import Architecture
from costmodel.kinds import Kind

MIN_CHANNELS = 8
REFERENCE_SIZE = 224

#: (kernel, in channels, out channels, output size) -> count
Counter = Callable[[int, int, int, int], int]


def scaled_channels(channels: int, alpha: float) -> int:
    """Channels under the width multiplier: ``max(int(α·C), 8)`` (TF-slim's rule)."""
    return max(int(alpha * channels), MIN_CHANNELS)


def input_resolution(rho: float) -> int:
    """Input size in pixels under the resolution multiplier: ``round(224·ρ)``."""
    return round(REFERENCE_SIZE * rho)


def output_size(size: int, stride: int) -> int:
    """Output size under 'SAME' padding: ``ceil(size / stride)``."""
    return -(-size // stride)


def _register() -> Mapping[Kind, tuple[Counter, Counter]]:
    entries: list[tuple[Kind, Counter, Counter]] = [
        (Kind.CONV, lambda k, m, n, g: k * k * m * n * g * g, lambda k, m, n, g: k * k * m * n),
        (Kind.DEPTHWISE, lambda k, m, n, g: k * k * m * g * g, lambda k, m, n, g: k * k * m),
        (Kind.POINTWISE, lambda k, m, n, g: m * n * g * g, lambda k, m, n, g: m * n),
        (Kind.AVGPOOL, lambda k, m, n, g: 0, lambda k, m, n, g: 0),
        (Kind.FC, lambda k, m, n, g: m * n, lambda k, m, n, g: m * n + n),
    ]
    registry: dict[Kind, tuple[Counter, Counter]] = {}
    for kind, mult_adds, params in entries:
        if kind in registry:
            raise ValueError(f"kind {kind!r} is registered twice")
        registry[kind] = (mult_adds, params)
    return MappingProxyType(registry)


#: Kind -> (Mult-Adds counter, parameter counter), each ``f(kernel, M, N, D_G) -> int``.
COUNTERS: Mapping[Kind, tuple[Counter, Counter]] = _register()


@dataclass(frozen=True, kw_only=True, slots=True)
class LayerCount:
    """One layer evaluated: sizes in pixels, channels after α, counts as integers.

    Average pooling is global: its ``kernel`` is its input size.
    ``standard_mult_adds`` and ``standard_params`` are what the layer costs in the network where
    every depthwise+pointwise pair is a standard conv: the pair's standard conv is booked on
    its pointwise row and its depthwise row books zero; other layers book their own cost.
    """

    name: str
    kind: Kind
    kernel: int
    stride: int
    block: int
    in_size: int
    in_channels: int
    out_size: int
    out_channels: int
    mult_adds: int
    params: int
    standard_mult_adds: int
    standard_params: int


# A compiled row: (kind, kernel, stride, in channels, out channels, scale in, scale out,
# pairs with the depthwise row before it)
_Row = tuple[Kind, int, int, int, int, bool, bool, bool]


@lru_cache(maxsize=64)
def _compile(arch: Architecture) -> tuple[_Row, ...]:
    rows: list[_Row] = []
    last = len(arch.layers) - 1
    previous: Kind | None = None
    for i, spec in enumerate(arch.layers):
        rows.append(
            (
                spec.kind,
                spec.kernel,
                spec.stride,
                spec.in_channels,
                spec.out_channels,
                i > 0,
                not (i == last and spec.kind is Kind.FC),
                spec.kind is Kind.POINTWISE and previous is Kind.DEPTHWISE,
            )
        )
        previous = spec.kind
    return tuple(rows)


def count_totals(arch: Architecture, alpha: float, resolution: int) -> tuple[int, int, int, int]:
    """Network totals: (Mult-Adds, params, standard-conv Mult-Adds, standard-conv params).

    The fast path: integer arithmetic only, no per-layer records.
    """
    mult_adds = params = std_mult_adds = std_params = 0
    size = resolution
    dw_kernel = dw_in = dw_size = 0
    for kind, kernel, stride, cin, cout, scale_in, scale_out, pairs in _compile(arch):
        m = max(int(alpha * cin), MIN_CHANNELS) if scale_in else cin
        n = max(int(alpha * cout), MIN_CHANNELS) if scale_out else cout
        if kind is Kind.AVGPOOL:
            size = 1
            continue
        g = 1 if kind is Kind.FC else -(-size // stride)
        count_ma, count_p = COUNTERS[kind]
        ma = count_ma(kernel, m, n, g)
        p = count_p(kernel, m, n, g)
        mult_adds += ma
        params += p
        if kind is Kind.DEPTHWISE:
            dw_kernel, dw_in, dw_size = kernel, m, g
        elif pairs:
            std_mult_adds += dw_kernel * dw_kernel * dw_in * n * dw_size * dw_size
            std_params += dw_kernel * dw_kernel * dw_in * n
        else:
            std_mult_adds += ma
            std_params += p
        size = g
    return mult_adds, params, std_mult_adds, std_params


def count_layers(arch: Architecture, alpha: float, resolution: int) -> tuple[LayerCount, ...]:
    """Every layer evaluated, in network order (see :class:`LayerCount`)."""
    out: list[LayerCount] = []
    size = resolution
    dw: LayerCount | None = None
    block = 0
    for spec, row in zip(arch.layers, _compile(arch), strict=True):
        kind, kernel, stride, cin, cout, scale_in, scale_out, pairs = row
        m = scaled_channels(cin, alpha) if scale_in else cin
        n = scaled_channels(cout, alpha) if scale_out else cout
        g = 1 if kind is Kind.AVGPOOL or kind is Kind.FC else output_size(size, stride)
        count_ma, count_p = COUNTERS[kind]
        ma, p = count_ma(kernel, m, n, g), count_p(kernel, m, n, g)
        if kind is Kind.DEPTHWISE:
            block += 1
            std_ma, std_p = 0, 0
        elif pairs and dw is not None:
            std_ma = dw.kernel**2 * dw.in_channels * n * dw.out_size**2
            std_p = dw.kernel**2 * dw.in_channels * n
        else:
            std_ma, std_p = ma, p
        record = LayerCount(
            name=spec.name,
            kind=kind,
            kernel=size if kind is Kind.AVGPOOL else kernel,
            stride=stride,
            block=block if (kind is Kind.DEPTHWISE or pairs) else 0,
            in_size=size,
            in_channels=m,
            out_size=g,
            out_channels=n,
            mult_adds=ma,
            params=p,
            standard_mult_adds=std_ma,
            standard_params=std_p,
        )
        if kind is Kind.DEPTHWISE:
            dw = record
        out.append(record)
        size = g
    return tuple(out)


__all__ = [
    "COUNTERS",
    "MIN_CHANNELS",
    "REFERENCE_SIZE",
    "LayerCount",
    "count_layers",
    "count_totals",
    "input_resolution",
    "output_size",
    "scaled_channels",
]
