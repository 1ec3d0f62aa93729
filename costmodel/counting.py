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

from costmodel.architecture import Architecture, to_full
from costmodel.kinds import Kind

MIN_CHANNELS = 8
REFERENCE_SIZE = 224

#: (kernel, in channels, out channels, output size) -> count
Counter = Callable[[int, int, int, int], int]


def scaled_channels(channels: int, alpha: float) -> int:
    """Channels under the width multiplier: ``max(int(α·C), 8)`` (TF-slim's rule)."""
    return max(int(alpha * channels), MIN_CHANNELS)


@lru_cache(maxsize=64)
def channel_scaling(arch: Architecture) -> tuple[tuple[bool, bool], ...]:
    """Per layer, whether its (input, output) channels scale with α: all do but the image
    channels (the first layer's input) and the classes (a final fc layer's output)."""
    last = len(arch.layers) - 1
    return tuple(
        (i > 0, not (i == last and spec.kind is Kind.FC)) for i, spec in enumerate(arch.layers)
    )


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
    previous: Kind | None = None
    for spec, (scale_in, scale_out) in zip(arch.layers, channel_scaling(arch), strict=True):
        rows.append(
            (
                spec.kind,
                spec.kernel,
                spec.stride,
                spec.in_channels,
                spec.out_channels,
                scale_in,
                scale_out,
                spec.kind is Kind.POINTWISE and previous is Kind.DEPTHWISE,
            )
        )
        previous = spec.kind
    return tuple(rows)


@dataclass(frozen=True, kw_only=True)
class Term:
    """Identical layers merged: their kind, kernel, channels at α = 1, whether each channel
    count scales with α, the stride level of their output size (-1: no spatial size) and how
    many layers the term stands for."""

    kind: Kind
    kernel: int
    in_channels: int
    out_channels: int
    scale_in: bool
    scale_out: bool
    level: int
    count: int


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A network rearranged for fast totals: Mult-Adds = Σ_terms width(α) · size(level)².

    ``strides`` is the stride chain: level ``i`` has the size after ``strides[: i + 1]``.
    ``key_base``: when every scaled channel count ``C`` divides the largest one ``B`` by a power
    of two, ``int(α·C) == int(α·B) // (B // C)`` exactly (scaling by a power of two is exact in
    floating point), so all counts depend on α through the integer ``int(α·B)`` alone.
    """

    terms: tuple[Term, ...]
    strides: tuple[int, ...]
    key_base: int | None
    # scalar path: channel bases (C, scaled), then a constant 1 at the end; rows
    # (k²·count, m index, n index, level) with level -1 for no spatial size; the classifier
    # biases are (count, channel index) of the fully connected terms
    bases: tuple[tuple[int, bool], ...]
    rows: tuple[tuple[int, int, int, int], ...]
    biases: tuple[tuple[int, int], ...]


@lru_cache(maxsize=64)
def compile_plan(arch: Architecture) -> Plan:
    """Merge identical layers and index their stride levels (see :class:`Plan`)."""
    strides: list[int] = []
    merged: dict[tuple[Kind, int, int, int, bool, bool, int], int] = {}
    level = -1
    for spec, (scale_in, scale_out) in zip(arch.layers, channel_scaling(arch), strict=True):
        if spec.kind is Kind.AVGPOOL:
            continue
        if spec.kind is Kind.FC:
            term_level = -1
        else:
            if spec.stride != 1 or level < 0:
                strides.append(spec.stride)
                level += 1
            term_level = level
        key = (spec.kind, spec.kernel, spec.in_channels, spec.out_channels, scale_in,
               scale_out, term_level)
        merged[key] = merged.get(key, 0) + 1
    terms = tuple(
        Term(kind=k[0], kernel=k[1], in_channels=k[2], out_channels=k[3], scale_in=k[4],
             scale_out=k[5], level=k[6], count=n)
        for k, n in merged.items()
    )
    scaled = {t.in_channels for t in terms if t.scale_in} | {
        t.out_channels for t in terms if t.scale_out}
    base = max(scaled) if scaled else None
    keyed = base is not None and all(
        base % c == 0 and (base // c) & (base // c - 1) == 0 for c in scaled)
    bases: list[tuple[int, bool]] = []

    def index(pair: tuple[int, bool]) -> int:
        if pair not in bases:
            bases.append(pair)
        return bases.index(pair)

    rows = []
    biases = []
    for t in terms:
        m = index((t.in_channels, t.scale_in))
        n = -1 if t.kind is Kind.DEPTHWISE else index((t.out_channels, t.scale_out))
        if t.kind is Kind.FC:
            biases.append((t.count, n))
        rows.append((t.kernel * t.kernel * t.count, m, n, t.level))
    return Plan(terms=terms, strides=tuple(strides), key_base=base if keyed else None,
                bases=tuple(bases), rows=tuple(rows), biases=tuple(biases))


def _evaluate(plan: Plan, alpha: float, resolution: int) -> tuple[int, int]:
    """(Mult-Adds, params): Σ k²·count·m·n·area over the rows, n = 1 for depthwise rows and
    area = 1 for fully connected rows; params add the fully connected biases."""
    channels = [max(int(alpha * c), MIN_CHANNELS) if scaled else c for c, scaled in plan.bases]
    channels.append(1)
    areas = []
    size = resolution
    for stride in plan.strides:
        size = -(-size // stride)
        areas.append(size * size)
    areas.append(1)
    mult_adds = params = 0
    for coefficient, m, n, level in plan.rows:
        weights = coefficient * channels[m] * channels[n]
        params += weights
        mult_adds += weights * areas[level]
    for count, n in plan.biases:
        params += count * channels[n]
    return mult_adds, params


def count_totals(arch: Architecture, alpha: float, resolution: int) -> tuple[int, int]:
    """Network totals: (Mult-Adds, params), integers.

    The fast path: integer arithmetic over the merged terms of :func:`compile_plan`, no
    per-layer records.
    """
    return _evaluate(compile_plan(arch), alpha, resolution)


def count_standard_totals(arch: Architecture, alpha: float, resolution: int) -> tuple[int, int]:
    """(Mult-Adds, params) of ``arch`` with every depthwise+pointwise pair replaced by a
    standard conv (:func:`~costmodel.architecture.to_full`)."""
    return _evaluate(compile_plan(_standard(arch)), alpha, resolution)


@lru_cache(maxsize=64)
def _standard(arch: Architecture) -> Architecture:
    return to_full(arch)


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
    "Plan",
    "Term",
    "channel_scaling",
    "compile_plan",
    "count_layers",
    "count_standard_totals",
    "count_totals",
    "output_size",
    "scaled_channels",
]
