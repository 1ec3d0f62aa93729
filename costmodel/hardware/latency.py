"""A latency estimate per operation, and where Mult-Adds mislead.

Per operation, on a device profile (:mod:`costmodel.profiles`):

    t = t₀(kind) + max(2·MACs / P(kind), bytes / BW)

with bytes = dtype size × (elements read + weights + elements written) from the cost rules, a
sequential network at batch 1 summing over its operations (no fusion beyond the profile's
activations). The operation is *compute*-bound when 2·MACs/P is the larger term, *memory*-bound
when bytes/BW is, and *overhead*-bound when t₀ exceeds both.

What this promises: the bound of each layer, the ranking of layers and configurations, and
times within about a factor of 2. Learned kernel predictors (nn-Meter, Zhang et al. 2021) reach
±10 % on 99 % of models on a phone CPU; predictors from FLOPs alone reach ±10 % on 22 % of
unseen models; an analytic model sits between (docs/latency.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from costmodel.base.kinds import Activation, LatencyKind, OpKind
from costmodel.core import operations
from costmodel.core.counting import OpCount, count_ops
from costmodel.core.graph import Graph
from costmodel.hardware.memory import DTYPES
from costmodel.hardware.profile_spec import RATE_RANGE, Profile

if TYPE_CHECKING:
    import pandas as pd
    import sympy as sp

#: Activations a profile with ``fused_activations=False`` runs as operations of their own.
UNFUSABLE = (Activation.HSWISH, Activation.SWISH, Activation.SIGMOID, Activation.HSIGMOID,
             Activation.GELU)


def latency_kind(op: OpCount) -> LatencyKind:
    """The latency kind of an operation (:class:`~costmodel.base.kinds.LatencyKind`): a conv on a
    1×1 map is a matrix-vector product (``fc``), a grouped conv ``depthwise``, a 1×1 conv
    ``pointwise``, any other conv ``conv``; pool, add, SE scale and data movement
    ``elementwise``."""
    if op.kind is OpKind.CONV:
        if op.out_size == 1 and op.in_size == 1:
            return LatencyKind.FC
        if op.groups > 1:
            return LatencyKind.DEPTHWISE
        return LatencyKind.POINTWISE if op.kernel == 1 else LatencyKind.CONV
    return LatencyKind.FC if op.kind is OpKind.FC else LatencyKind.ELEMENTWISE


#: A term of the model: (operation index, kind, FLOP, bytes).
Term = tuple[int, str, int, int]
#: The kind of the term an unfused activation adds: one memory pass over its operation's
#: output (read and write), with no overhead of its own. The overhead t₀ a profile fits is
#: learned on convs and element-wise operations; an activation pass has none of a conv's fixed
#: work, and no published row without such activations (MobileNet v1 and v2 have none) can
#: measure one. With a full t₀ per pass the held-out error on timm's i9-10940X rows rises
#: (docs/latency.md).
ACTIVATION_PASS = "activation pass"


def terms(ops: tuple[OpCount, ...], bytes_per_element: int,
          fused_activations: bool = True) -> list[Term]:
    """Each operation as (index, kind, FLOP = 2·Mult-Adds, bytes moved); an activation the
    profile does not fuse (:data:`UNFUSABLE`) adds an :data:`ACTIVATION_PASS` term (read and
    write of the output)."""
    out: list[Term] = []
    for i, op in enumerate(ops):
        moved = op.bytes_moved(bytes_per_element)
        out.append((i, latency_kind(op), 2 * op.mult_adds, moved))
        if not fused_activations and op.activation in UNFUSABLE:
            # read and write the output once more
            traffic = operations.bytes_moved(op.elements_out, 0, op.elements_out,
                                             bytes_per_element)
            out.append((i, ACTIVATION_PASS, 0, int(traffic)))
    return out


def term_seconds(kind: str, flops: int, moved: int, profile: Profile) -> tuple[float, float,
                                                                                float]:
    """(overhead, compute, memory) seconds of one term."""
    if kind == ACTIVATION_PASS:
        return 0.0, 0.0, moved / profile.bandwidth
    compute = flops / profile.peak_flops[kind] if kind != LatencyKind.ELEMENTWISE else 0.0
    return profile.overhead[kind], compute, moved / profile.bandwidth


@dataclass(frozen=True, kw_only=True)
class Latency:
    """The estimate on one profile: ``total_ms`` and one row per operation (``latency_ms``,
    ``bound``, ``arithmetic_intensity``, the shares of time and of Mult-Adds); the rows sum to
    the total (a first row holds the profile's fixed cost per inference, if any)."""

    profile: str
    total_ms: float
    layers: pd.DataFrame

    @cached_property
    def share_by_kind(self) -> pd.DataFrame:
        """Share of time against share of Mult-Adds, per latency kind (%); computed once and
        shared (copy it before changing it)."""
        import pandas as pd

        shares = _shares(self.layers["latency_kind"].tolist(), self.layers["latency_ms"].tolist(),
                         self.layers["mult_adds"].tolist(), self.total_ms)
        return pd.DataFrame({
            "latency_kind": list(shares), "latency_ms": [s[0] for s in shares.values()],
            "mult_adds": [s[1] for s in shares.values()],
            "time_pct": [s[2] for s in shares.values()],
            "mult_adds_pct": [s[3] for s in shares.values()]})


def _shares(kinds: Sequence[str], times: Sequence[float], mult_adds: Sequence[int],
            total_time: float) -> dict[str, tuple[float, int, float, float]]:
    """Per kind, in order of appearance: (its time, its Mult-Adds, its % of ``total_time``,
    its % of all the Mult-Adds), summed in plain Python (a pandas groupby of ~50 rows took
    3.5 ms); the times in any one unit, ``total_time`` in the same."""
    time: dict[str, float] = {}
    macs: dict[str, int] = {}
    for kind, seconds, count in zip(kinds, times, mult_adds, strict=True):
        time[kind] = time.get(kind, 0.0) + seconds
        macs[kind] = macs.get(kind, 0) + count
    all_macs = max(sum(macs.values()), 1)
    return {kind: (time[kind], macs[kind], 100 * time[kind] / total_time if total_time else 0.0,
                   100 * macs[kind] / all_macs) for kind in time}


@dataclass(frozen=True)
class _PerOperation:
    """The model's verdict on each operation of one configuration, in plain tuples (the
    home of the bound rule); :func:`estimate` makes its table of it."""

    ops: tuple[OpCount, ...]
    parts: tuple[tuple[float, float, float], ...]  # (overhead, compute, memory) seconds
    seconds: tuple[float, ...]
    bounds: tuple[str, ...]
    moved: tuple[int, ...]
    total: float  # seconds, with the profile's fixed cost per inference


def _per_operation(graph: Graph, alpha: float, resolution: int,
                   profile: Profile) -> _PerOperation:
    ops = count_ops(graph, alpha, resolution)
    size = DTYPES[profile.dtype]
    per_op = [[0.0, 0.0, 0.0] for _ in ops]
    bound_terms: list[list[tuple[float, float, float]]] = [[] for _ in ops]
    moved_total = [0] * len(ops)
    for i, kind, flops, moved in terms(ops, size, profile.fused_activations):
        overhead, compute, memory_s = term_seconds(kind, flops, moved, profile)
        per_op[i][0] += overhead
        per_op[i][1] += compute
        per_op[i][2] += memory_s
        bound_terms[i].append((overhead, compute, memory_s))
        moved_total[i] += moved
    seconds = [sum(o + max(c, m) for o, c, m in parts) for parts in bound_terms]
    bounds = []
    for overhead, compute, memory_s in per_op:
        if overhead > max(compute, memory_s):
            bounds.append("overhead")
        else:
            bounds.append("compute" if compute >= memory_s else "memory")
    total = profile.invocation + sum(seconds)
    _check_finite(total, profile)
    return _PerOperation(ops=ops, parts=tuple((o, c, m) for o, c, m in per_op),
                         seconds=tuple(seconds), bounds=tuple(bounds),
                         moved=tuple(moved_total), total=total)


def estimate(graph: Graph, alpha: float, resolution: int, profile: Profile) -> Latency:
    """The latency of ``graph`` at ``alpha`` and ``resolution`` on ``profile``."""
    import pandas as pd

    verdict = _per_operation(graph, alpha, resolution, profile)
    ops, per_op, total = verdict.ops, verdict.parts, verdict.total
    mult_adds = sum(op.mult_adds for op in ops) or 1
    rows = {
        "name": [op.name for op in ops],
        "role": [op.role.value for op in ops],
        "latency_kind": [latency_kind(op) for op in ops],
        "mult_adds": [op.mult_adds for op in ops],
        "bytes_moved": list(verdict.moved),
        "arithmetic_intensity": [2 * op.mult_adds / moved if moved else 0.0
                                 for op, moved in zip(ops, verdict.moved, strict=True)],
        "overhead_ms": [p[0] * 1e3 for p in per_op],
        "compute_ms": [p[1] * 1e3 for p in per_op],
        "memory_ms": [p[2] * 1e3 for p in per_op],
        "latency_ms": [s * 1e3 for s in verdict.seconds],
        "bound": list(verdict.bounds),
    }
    frame = pd.DataFrame(rows)
    if profile.invocation:
        first = pd.DataFrame([{"name": "(invocation)", "role": "", "latency_kind": "invocation",
                               "mult_adds": 0, "bytes_moved": 0, "arithmetic_intensity": 0.0,
                               "overhead_ms": profile.invocation * 1e3, "compute_ms": 0.0,
                               "memory_ms": 0.0, "latency_ms": profile.invocation * 1e3,
                               "bound": "overhead"}])
        frame = pd.concat([first, frame], ignore_index=True)
    frame["time_pct"] = 100 * frame["latency_ms"] / (total * 1e3) if total > 0 else 0.0
    frame["mult_adds_pct"] = 100 * frame["mult_adds"] / mult_adds
    return Latency(profile=profile.name, total_ms=total * 1e3, layers=frame)


@dataclass(frozen=True, kw_only=True)
class KindShare:
    """One latency kind's part of an estimate (:func:`kind_share`): its share of the time and
    of the Mult-Adds (%), and each of its operations' bound, Mult-Adds and bytes moved, in
    network order. The same numbers as :attr:`Latency.share_by_kind` and the rows of
    :attr:`Latency.layers`, without building the table (about 1 ms against 10)."""

    kind: str
    time_pct: float
    mult_adds_pct: float
    bounds: tuple[str, ...]
    mult_adds: tuple[int, ...]
    bytes_moved: tuple[int, ...]


def kind_share(graph: Graph, alpha: float, resolution: int, profile: Profile,
               kind: str) -> KindShare:
    """The operations of latency kind ``kind`` in the estimate of ``graph`` at ``alpha`` and
    ``resolution`` on ``profile``, and their shares of its time and Mult-Adds."""
    verdict = _per_operation(graph, alpha, resolution, profile)
    kinds = [latency_kind(op) for op in verdict.ops]
    _, _, time_pct, mult_adds_pct = _shares(
        kinds, verdict.seconds, [op.mult_adds for op in verdict.ops],
        verdict.total).get(kind, (0.0, 0, 0.0, 0.0))
    chosen = [i for i, k in enumerate(kinds) if k == kind]
    return KindShare(
        kind=kind, time_pct=time_pct, mult_adds_pct=mult_adds_pct,
        bounds=tuple(verdict.bounds[i] for i in chosen),
        mult_adds=tuple(verdict.ops[i].mult_adds for i in chosen),
        bytes_moved=tuple(verdict.moved[i] for i in chosen))


def total_seconds(graph: Graph, alpha: float, resolution: int, profile: Profile) -> float:
    """Only the total of :func:`estimate`, in seconds (no table), summed in the same order, so
    that the two agree to the last bit (a budget's verdict and the time shown cannot differ)."""
    ops = count_ops(graph, alpha, resolution)
    per_op = [0.0] * len(ops)
    for i, kind, flops, moved in terms(ops, DTYPES[profile.dtype], profile.fused_activations):
        overhead, compute, memory_s = term_seconds(kind, flops, moved, profile)
        per_op[i] += overhead + max(compute, memory_s)
    total = profile.invocation + sum(per_op)
    _check_finite(total, profile)
    return total


def _check_finite(total: float, profile: Profile) -> None:
    """Every estimate is a finite time: the profile's rates are in their physical range
    (:data:`costmodel.hardware.profile_spec.RATE_RANGE`), so this only guards that promise."""
    if not math.isfinite(total):
        raise ValueError(f"the latency on profile {profile.name!r} is not finite; its rates "
                         f"must be {RATE_RANGE} per second")


# --- arithmetic intensity, symbolically (families.md section 6.3) ---------------------------


@cache
def _symbols() -> tuple[sp.Symbol, ...]:
    import sympy as sp

    return sp.symbols("H_0 M_0 N_0 s", positive=True)


def pointwise_intensity() -> sp.Expr:
    """FLOP per byte of a 1×1 conv from αM₀ to αN₀ channels on a ρH₀×ρH₀ map, at ``s`` bytes
    per element: 2·MACs / (s·(inputs + outputs + weights)), from the cost rules."""
    from costmodel.base.symbols import alpha, rho
    from costmodel.core import operations

    h0, m0, n0, s = _symbols()
    area = (rho * h0) ** 2
    m, n = alpha * m0, alpha * n0
    flops = 2 * operations.mult_adds(OpKind.CONV, 1, m, n, area)
    moved = s * (operations.elements_read(OpKind.CONV, area, m, area, n)
                 + operations.weights(OpKind.CONV, 1, m, n)
                 + operations.elements_written(area, n))
    import sympy as sp

    return sp.cancel(flops / moved)


def depthwise_intensity(stride: int = 1) -> sp.Expr:
    """FLOP per byte of a 3×3 depthwise conv on C = αM₀ channels of an H×H input
    (H = ρH₀) at ``stride``: C cancels, so it does not depend on α; and it tends to
    2·9/(s·(1 + 1/stride²)) as H grows (2.25 at s = 4, stride 1; 0.9 at stride 2)."""
    import sympy as sp

    from costmodel.base.symbols import alpha, rho
    from costmodel.core import operations

    h0, m0, _, s = _symbols()
    area_in = (rho * h0) ** 2
    area_out = area_in / stride**2
    c = alpha * m0
    flops = 2 * operations.mult_adds(OpKind.CONV, 3, 1, c, area_out)
    moved = s * (operations.elements_read(OpKind.CONV, area_in, c, area_out, c)
                 + operations.weights(OpKind.CONV, 3, 1, c)
                 + operations.elements_written(area_out, c))
    return sp.cancel(flops / moved)


def depthwise_intensity_limit(stride: int = 1, bytes_per_element: int = 4) -> sp.Expr:
    """The limit of :func:`depthwise_intensity` for large maps: 2.25 FLOP/byte at stride 1
    in float32, 0.9 at stride 2."""
    import sympy as sp

    from costmodel.base.symbols import rho

    _h0, _, _, s = _symbols()
    return sp.limit(depthwise_intensity(stride).subs(s, bytes_per_element), rho, sp.oo)


def flip_curve(h0: int, m0: int, n0: int, ridge: float,
               bytes_per_element: int = 4) -> sp.Expr:
    """ρ(α) on which a pointwise layer (H₀×H₀ map, M₀ → N₀ channels at α = ρ = 1) turns from
    memory- to compute-bound on a device whose ridge point is ``ridge`` FLOP/byte: the
    positive solution of AI(α, ρ) = ridge. Below the curve the layer is memory-bound."""
    import sympy as sp

    from costmodel.base.symbols import rho

    sh0, sm0, sn0, s = _symbols()
    ai = pointwise_intensity().subs({sh0: h0, sm0: m0, sn0: n0, s: bytes_per_element})
    solutions = sp.solve(sp.Eq(ai, sp.nsimplify(ridge)), rho)
    positive = [x for x in solutions if x.is_positive is not False]
    return positive[-1] if positive else sp.nan


def assumptions(profile: Profile,
                held_out: tuple[float, int, tuple[str, ...]] | None = None) -> str:
    """What a latency estimate on ``profile`` assumes, and how far it is known to hold: said
    next to every latency shown (batch 1, the profile's dtype, activations fused or not, and
    ``held_out``: the mean error on ``(error %, rows, families)`` it was not fitted on, else
    its error on the measurements it was fitted on)."""
    fused = ("activations fused into their convs" if profile.fused_activations
             else "activations as separate passes")
    said = [f"batch 1, {profile.dtype}, {fused}"]
    if held_out is not None:
        error, rows, families = held_out
        named = (", ".join(families) if len(families) <= 3
                 else f"{', '.join(families[:3])} and {len(families) - 3} more families")
        said.append(f"validated on {rows} measurements it was not fitted on "
                    f"({named}): {error:.0f} % mean error (docs/latency.md)")
    elif profile.fit is not None:
        said.append(f"fitted on {profile.fit.points} measurements with "
                    f"{profile.fit.mape_pct:.0f} % mean error (worst "
                    f"{profile.fit.max_abs_pct:.0f} %); other families can be off by more "
                    f"(docs/latency.md)")
    else:
        said.append("not fitted to measurements: a spec-sheet estimate, often several times "
                    "off in absolute terms (docs/latency.md)")
    return "; ".join(said)


__all__ = [
    "ACTIVATION_PASS",
    "UNFUSABLE",
    "KindShare",
    "Latency",
    "assumptions",
    "depthwise_intensity",
    "depthwise_intensity_limit",
    "estimate",
    "flip_curve",
    "kind_share",
    "latency_kind",
    "pointwise_intensity",
    "term_seconds",
    "terms",
    "total_seconds",
]
