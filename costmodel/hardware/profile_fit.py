"""Fitting a device profile to measured latencies: :func:`fit_profile`.

The latency model (:mod:`costmodel.hardware.latency`) gives a network at batch 1

    T = t_inv + Σ_ops [ t₀ + max(FLOP · s_P(kind), bytes · s_B) ]

with, all non-negative: s_P the seconds per FLOP of a rate class (``gemm``: standard, 1×1 and
fully connected convs, run as matrix products; ``depthwise``: grouped convs), s_B the seconds
per byte (1 / bandwidth), t₀ the overhead of one operation and t_inv a fixed cost per inference.
An element-wise operation costs t₀ + bytes · s_B. Once it is known which side of each
``max`` wins, T is linear in the unknowns: the fit assigns every term to its winning side,
solves non-negative least squares on the relative errors (bounds as floors: a rate never above
a given peak, a bandwidth never above a given one), reassigns, and repeats until the
assignment stops changing. Because the assignment can settle in more than one place, it starts
from several (every term compute-bound, every term memory-bound, and a ridge point of 1/4,
1, 4, 16 and 64 FLOP/byte) and keeps the fit with the smallest squared relative error.

Which unknowns the measurements can determine is checked, not assumed:

* t_inv is an unknown of its own only where the measured networks run different numbers of
  operations; otherwise it is the same unknown as t₀ (every configuration of one network runs
  the same operations);
* fewer measurements than unknowns is refused;
* a rate or a bandwidth the measurements leave free (the best fit makes it infinite) is
  refused unless a bound is given (``max_flops``, ``max_bandwidth``: a spec sheet), in which
  case it sits at the bound and :class:`~costmodel.hardware.profile_spec.FitQuality` says so;
* the condition number of the design over the unknowns inside their bounds must stay below
  :data:`MAX_CONDITION`: above it two unknowns cannot be told apart, and the fit is refused
  rather than returning rates that mean nothing.

With few measurements, ``like=`` fits one unknown: a profile's shape (its rates, bandwidth and
overheads relative to each other) scaled by one factor, which assumes the same kernels on a
uniformly faster or slower device.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from costmodel.base.kinds import LatencyKind
from costmodel.hardware.latency import ACTIVATION_PASS, Term, terms
from costmodel.hardware.least_squares import nnls
from costmodel.hardware.memory import DTYPES
from costmodel.hardware.profile_spec import (
    COMPUTE_KINDS,
    LATENCY_KINDS,
    RATE_RANGE,
    FitQuality,
    Profile,
)

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.core.counting import OpCount
    from costmodel.core.graph import Graph
    from costmodel.descriptions.configuration import Configuration

#: Which compute rate each kind shares in a fitted profile: standard convs (im2col), 1×1 convs
#: and matrix-vector products run as matrix products; depthwise convs have their own kernel.
RATE_CLASS: dict[str, str] = {LatencyKind.CONV: "gemm", LatencyKind.POINTWISE: "gemm",
                              LatencyKind.FC: "gemm", LatencyKind.DEPTHWISE: "depthwise"}
#: Which overhead each kind shares: one per operation. Per-kind overheads were tried on the
#: published rows and predicted the held-out families worse (docs/latency.md).
OVERHEAD_CLASS: dict[str, str] = {kind: "operation" for kind in LatencyKind}
#: The columns a table of measurements must have, and those it may have.
REQUIRED_COLUMNS = ("network", "resolution", "latency_ms")
OPTIONAL_COLUMNS = ("alpha", "rules", "num_classes")
#: At most this many measurements in one fit (each builds its network's operations).
MAX_MEASUREMENTS = 5000
#: The largest measurement file :func:`read_measurement_file` reads.
MAX_FILE_BYTES = 1_000_000
#: Above this condition number of the scaled design, two unknowns cannot be told apart.
MAX_CONDITION = 1e6
#: The ridge points (FLOP/byte) the alternating fit starts from, besides all-compute and
#: all-memory.
START_RIDGES = (0.25, 1.0, 4.0, 16.0, 64.0)
BANDWIDTH = "bandwidth"
INVOCATION = "invocation"

#: A measured run: the model's terms of one network and its measured seconds.
TermSample = tuple[list[Term], float]


@dataclass(frozen=True, kw_only=True)
class Solution:
    """The least-squares solution: seconds per unit for each column (``rate`` classes in
    seconds per FLOP, ``t0_CLASS`` in seconds per operation, ``bandwidth`` in seconds per
    byte, ``invocation`` in seconds), its predictions, the columns left at their floors and the
    condition number of the scaled design over the others."""

    columns: tuple[str, ...]
    theta: tuple[float, ...]
    floors: tuple[float, ...]
    predicted: tuple[float, ...]
    at_floor: tuple[str, ...]
    condition_number: float

    def value(self, column: str) -> float:
        """The fitted value of one column."""
        return self.theta[self.columns.index(column)]


def _columns(samples: Sequence[TermSample], rate_class: dict[str, str],
             overhead_class: dict[str, str], invocation: bool) -> tuple[str, ...]:
    rates = sorted(set(rate_class.values()))
    overheads = sorted({f"t0_{c}" for c in overhead_class.values()})
    return (*rates, *overheads, BANDWIDTH, *((INVOCATION,) if invocation else ()))


Assign = Callable[[str, int, int], bool]  # (kind, FLOP, bytes) → compute side wins


def _design(samples: Sequence[TermSample], index: dict[str, int], rate_class: dict[str, str],
            overhead_class: dict[str, str], compute_wins: Assign) -> np.ndarray:
    rows = []
    for parts, _ in samples:
        x = np.zeros(len(index))
        if INVOCATION in index:
            x[index[INVOCATION]] = 1.0
        for _, kind, flops, moved in parts:
            if kind == ACTIVATION_PASS:
                x[index[BANDWIDTH]] += moved
                continue
            x[index[f"t0_{overhead_class[kind]}"]] += 1.0
            if kind != LatencyKind.ELEMENTWISE and compute_wins(kind, flops, moved):
                x[index[rate_class[kind]]] += flops
            else:
                x[index[BANDWIDTH]] += moved
        rows.append(x)
    return np.array(rows)


def _predict(samples: Sequence[TermSample], theta: np.ndarray, index: dict[str, int],
             rate_class: dict[str, str], overhead_class: dict[str, str]) -> np.ndarray:
    out = []
    for parts, _ in samples:
        total = theta[index[INVOCATION]] if INVOCATION in index else 0.0
        for _, kind, flops, moved in parts:
            if kind == ACTIVATION_PASS:
                total += moved * theta[index[BANDWIDTH]]
                continue
            total += theta[index[f"t0_{overhead_class[kind]}"]]
            compute = (flops * theta[index[rate_class[kind]]]
                       if kind != LatencyKind.ELEMENTWISE else 0.0)
            total += max(compute, moved * theta[index[BANDWIDTH]])
        out.append(total)
    return np.array(out)


def _starts() -> list[Assign]:
    """The starting assignments: every term compute-bound, every term memory-bound, and
    compute-bound above each ridge point of :data:`START_RIDGES`."""
    def ridge(value: float) -> Assign:
        return lambda kind, flops, moved: flops >= value * moved
    return [lambda kind, flops, moved: True, lambda kind, flops, moved: False,
            *(ridge(r) for r in START_RIDGES)]


def solve(samples: Sequence[TermSample], *, rate_class: dict[str, str],
          overhead_class: dict[str, str], floors: dict[str, float] | None = None,
          invocation: bool = False, iterations: int = 100) -> Solution:
    """Fit the model's unknowns (see the module docstring) to ``samples``: the least squared
    relative error over several starting assignments. ``floors`` gives a column's smallest
    value (1 / a peak rate or bandwidth)."""
    columns = _columns(samples, rate_class, overhead_class, invocation)
    index = {c: i for i, c in enumerate(columns)}
    floor = np.array([(floors or {}).get(c, 0.0) for c in columns])
    measured = np.array([seconds for _, seconds in samples])
    weights = 1 / measured
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for start in _starts():
        design = _design(samples, index, rate_class, overhead_class, start)
        seen: set[bytes] = set()
        theta = floor.copy()
        for _ in range(iterations):
            key = design.tobytes()
            if key in seen:
                break
            seen.add(key)
            scale = np.abs(design).max(axis=0)
            scale[scale == 0] = 1.0
            target = (measured - design @ floor) * weights
            theta = nnls(design / scale * weights[:, None], target) / scale + floor

            def wins(kind: str, flops: int, moved: int, t: np.ndarray = theta) -> bool:
                return flops * t[index[rate_class[kind]]] >= moved * t[index[BANDWIDTH]]

            design = _design(samples, index, rate_class, overhead_class, wins)
        predicted = _predict(samples, theta, index, rate_class, overhead_class)
        objective = float(np.sum(((predicted - measured) * weights) ** 2))
        if best is None or objective < best[0] - 1e-15:
            best = (objective, theta, design)
    assert best is not None
    _, theta, design = best
    at_floor = tuple(c for c, v, f in zip(columns, theta, floor, strict=True)
                     if f > 0 and v <= f * (1 + 1e-9))
    inside = [i for i, c in enumerate(columns) if c not in at_floor and theta[i] > 0]
    condition = 1.0
    if inside:
        sub = design[:, inside] * weights[:, None]
        norms = np.linalg.norm(sub, axis=0)
        norms[norms == 0] = 1.0
        singular = np.linalg.svd(sub / norms, compute_uv=False)
        condition = float(singular[0] / singular[-1]) if singular[-1] > 0 else math.inf
    predicted = _predict(samples, theta, index, rate_class, overhead_class)
    return Solution(columns=columns, theta=tuple(float(v) for v in theta),
                    floors=tuple(float(v) for v in floor),
                    predicted=tuple(float(v) for v in predicted), at_floor=at_floor,
                    condition_number=condition)


def _quality(solution_predicted: Sequence[float], measured: Sequence[float], source: str,
             free: int, at_bound: tuple[str, ...], condition: float | None) -> FitQuality:
    p, m = np.array(solution_predicted), np.array(measured)
    errors = 100 * (p - m) / m
    return FitQuality(points=len(m), mape_pct=float(np.abs(errors).mean()),
                      max_abs_pct=float(np.abs(errors).max()), source=source,
                      free_parameters=free, at_bound=at_bound, condition_number=condition)


def _label(column: str) -> str:
    if column == BANDWIDTH:
        return "bandwidth"
    if column == INVOCATION:
        return "fixed time per inference"
    if column == "t0_operation":
        return "overhead per operation"
    if column.startswith("t0_"):
        return f"overhead per {column[3:]} operation"
    return f"{column} rate"


#: What to do about an undetermined fit of whole runs (:func:`fit_profile`).
_WHOLE_RUN_HINTS = ("give a spec-sheet bound (max_flops, max_bandwidth) or measurements in "
                    "which {it} matter{s}",
                    "measure networks or sizes that vary them independently, or like=PROFILE "
                    "to fit one scale factor")


def _refuse_undetermined(solution: Solution, rate_class: dict[str, str],
                         hints: tuple[str, str] = _WHOLE_RUN_HINTS) -> None:
    """Refuse a fit whose measurements leave a rate or the bandwidth free (the best fit makes
    it infinite) or cannot tell two unknowns apart (condition number above
    :data:`MAX_CONDITION`); ``hints`` say what to do about each (the caller's options)."""
    free = [c for c in (*sorted(set(rate_class.values())), BANDWIDTH)
            if solution.value(c) <= 0]
    if free:
        raise ValueError(
            f"the fit is ill-conditioned: the measurements do not determine the "
            f"{' or the '.join(_label(c) for c in free)} (the best fit makes "
            f"{'it' if len(free) == 1 else 'them'} infinite); "
            + hints[0].format(it="it" if len(free) == 1 else "they",
                              s="s" if len(free) == 1 else ""))
    if solution.condition_number > MAX_CONDITION:
        inside = [_label(c) for c, v in zip(solution.columns, solution.theta, strict=True)
                  if c not in solution.at_floor and v > 0]
        raise ValueError(
            f"the fit is ill-conditioned: condition number {solution.condition_number:.3g} "
            f"(at most {MAX_CONDITION:.0e}): the measurements cannot tell apart "
            f"{', '.join(inside)}; {hints[1]}")


def fit_terms(name: str, samples: Sequence[TermSample], *, rate_class: dict[str, str],
              overhead_class: dict[str, str], description: str, provenance: str,
              dtype: str, fused_activations: bool, max_bandwidth: float | None,
              max_flops: float | None = None, invocation: bool = False,
              iterations: int = 100,
              refuse_undetermined: tuple[str, str] | None = None) -> Profile:
    """Fit rates (shared by ``rate_class``), overheads (shared by ``overhead_class``), a
    bandwidth of at most ``max_bandwidth`` (and rates of at most ``max_flops``) and, with
    ``invocation``, a fixed time per inference to measured runs, each given as its model
    terms. A rate the samples leave free is reported as 10^15 FLOP/s (the calibration's
    ladder), as is a bandwidth they leave free; or, given ``refuse_undetermined`` (the two
    hints of :func:`_refuse_undetermined`), refused as :func:`fit_profile` refuses it."""
    floors = {} if max_bandwidth is None else {BANDWIDTH: 1 / max_bandwidth}
    if max_flops is not None:
        floors.update({c: 1 / max_flops for c in set(rate_class.values())})
    solution = solve(samples, rate_class=rate_class, overhead_class=overhead_class,
                     floors=floors, invocation=invocation, iterations=iterations)
    if refuse_undetermined is not None:
        _refuse_undetermined(solution, rate_class, refuse_undetermined)
    rates = {c: 1 / solution.value(c) if solution.value(c) > 0 else 1e15
             for c in set(rate_class.values())}
    return Profile(
        name=name, description=description, provenance=provenance,
        peak_flops={kind: float(rates[rate_class[kind]]) for kind in rate_class},
        bandwidth=(float(1 / solution.value(BANDWIDTH)) if solution.value(BANDWIDTH) > 0
                   else 1e15),
        overhead={k: solution.value(f"t0_{overhead_class[k]}") for k in LATENCY_KINDS},
        invocation=solution.value(INVOCATION) if invocation else 0.0,
        dtype=dtype, fused_activations=fused_activations,
        fit=_quality(solution.predicted, [s for _, s in samples], provenance,
                     len(solution.columns), tuple(_label(c) for c in solution.at_floor),
                     solution.condition_number),
    )


def layer_samples(ops: Sequence[OpCount], seconds: Mapping[str, float], *,
                  dtype: str = "float32", fused_activations: bool = False) -> list[TermSample]:
    """The samples of a per-layer fit: each operation with a measured kernel time
    (``seconds`` by operation name; absent or 0: the runtime fused it into a neighbour, and it
    is left out) as its own model terms (:func:`costmodel.hardware.latency.terms`) and its
    seconds."""
    parts: dict[int, list[Term]] = {}
    for term in terms(tuple(ops), DTYPES[dtype], fused_activations):
        parts.setdefault(term[0], []).append(term)
    out: list[TermSample] = []
    for i, op in enumerate(ops):
        value = float(seconds.get(op.name, 0.0))
        if value > 0 and math.isfinite(value):
            out.append((parts[i], value))
    return out


#: One measured run for :func:`fit_layer_profile`: (graph, α, input size, seconds of the whole
#: run, each operation's kernel seconds by name).
LayerRun = tuple["Graph", float, int, float, Mapping[str, float]]


def fit_layer_profile(runs: Sequence[LayerRun], *, name: str, description: str,
                      provenance: str, dtype: str = "float32", fused_activations: bool = False,
                      max_bandwidth: float | None = None,
                      max_flops: float | None = None) -> Profile:
    """A profile fitted per operation: the rates, the bandwidth and the overhead of one
    operation from each operation's own kernel time (:func:`layer_samples`), then the fixed
    time per inference from the whole runs (the median of measured − estimated, at least 0).

    Whole-run times of one or two networks cannot tell the overhead of an operation from the
    fixed time per inference (every configuration of a network runs the same operations), so
    a fit on them can put every small operation at nothing; its kernel times can. A rate or a
    bandwidth the samples leave free sits at ``max_flops``/``max_bandwidth`` (then the fit says
    so in ``fit.at_bound``), and one no bound holds is refused, as is a fit that cannot tell
    two unknowns apart (:func:`fit_profile`'s checks)."""
    from costmodel.core.counting import count_ops
    from costmodel.hardware.latency import total_seconds
    from costmodel.hardware.profile_spec import check_profile_name

    check_profile_name(name)
    if not runs:
        raise ValueError("runs must hold at least one measured run with per-layer times")
    samples: list[TermSample] = []
    for graph, alpha, resolution, _, seconds in runs:
        samples += layer_samples(count_ops(graph, alpha, resolution), seconds, dtype=dtype,
                                 fused_activations=fused_activations)
    unknowns = len(_columns(samples, RATE_CLASS, OVERHEAD_CLASS, False))
    if len(samples) < unknowns:
        raise ValueError(f"runs: {len(samples)} operation{'s' if len(samples) != 1 else ''} "
                         f"with a measured kernel time (by operation name), and the model has "
                         f"{unknowns} free parameters; measure with per-layer times, at least "
                         f"{unknowns} operations of the runs' own networks")
    profile = fit_terms(name, samples, rate_class=RATE_CLASS, overhead_class=OVERHEAD_CLASS,
                        description=description, provenance=provenance, dtype=dtype,
                        fused_activations=fused_activations,
                        max_bandwidth=max_bandwidth, max_flops=max_flops,
                        refuse_undetermined=(
                            "measure networks in which {it} matter{s} (more configurations, "
                            "or other networks, with their per-layer times)",
                            "measure networks or sizes that vary them independently"))
    gap = statistics.median(whole - total_seconds(graph, alpha, resolution, profile)
                            for graph, alpha, resolution, whole, _ in runs)
    return replace(profile, invocation=max(0.0, gap))


# --- measurements as a table ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Measured:
    """One measurement row, validated: its configuration, seconds and 1-based row number."""

    configuration: Configuration
    seconds: float
    row: int


def _cell(row: pd.Series, column: str) -> object:
    import pandas as pd

    value = row.get(column) if column in row.index else None
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _integral(value: object, field: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating) \
            or not math.isfinite(float(value)) or float(value) != int(float(value)):
        raise ValueError(f"{where}: {field} must be a whole number; got {value!r}")
    return int(float(value))


def read_measurements(measurements: object) -> list[Measured]:
    """The rows of a measurement table as configurations, each checked: the columns
    (:data:`REQUIRED_COLUMNS`, optionally :data:`OPTIONAL_COLUMNS`; others are ignored), a
    built-in network, a resolution, a finite ``latency_ms`` > 0, and no two rows of one
    configuration with different times (equal ones count once). ``ValueError`` naming the row
    (1 = the first data row) and the field."""
    import pandas as pd

    from costmodel.descriptions.builtin_networks import NETWORK_NAMES
    from costmodel.descriptions.configuration import resolve

    if not isinstance(measurements, pd.DataFrame):
        raise ValueError(f"measurements must be a pandas DataFrame with the columns "
                         f"{', '.join(REQUIRED_COLUMNS)} (optionally "
                         f"{', '.join(OPTIONAL_COLUMNS)}); got {type(measurements).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in measurements.columns]
    if missing:
        raise ValueError(f"measurements must have the columns {', '.join(REQUIRED_COLUMNS)} "
                         f"(optionally {', '.join(OPTIONAL_COLUMNS)}); missing "
                         f"{', '.join(missing)}")
    if measurements.empty:
        raise ValueError("measurements must hold at least one row; got none")
    if len(measurements) > MAX_MEASUREMENTS:
        raise ValueError(f"measurements must hold at most {MAX_MEASUREMENTS:,} rows; got "
                         f"{len(measurements):,}")
    out: list[Measured] = []
    seen: dict[tuple[object, ...], Measured] = {}
    for position, (_, row) in enumerate(measurements.iterrows(), start=1):
        where = f"measurement row {position}"
        network = _cell(row, "network")
        if not isinstance(network, str) or network.strip() not in NETWORK_NAMES:
            raise ValueError(f"{where}: network must be a built-in network's name (see "
                             f"costmodel.networks(), `costmodel networks`); got {network!r}")
        latency = row["latency_ms"]
        if isinstance(latency, bool) or not isinstance(
                latency, int | float | np.integer | np.floating) or not math.isfinite(
                float(latency)) or float(latency) <= 0:
            raise ValueError(f"{where}: latency_ms must be a finite number of milliseconds "
                             f"> 0; got {latency!r}")
        resolution = _cell(row, "resolution")
        if resolution is None:
            raise ValueError(f"{where}: resolution must be given (input size in pixels)")
        classes = _cell(row, "num_classes")
        rules = _cell(row, "rules")
        alpha = _cell(row, "alpha")
        try:
            config = resolve(network=network.strip(),
                             alpha=float(alpha) if isinstance(alpha, int | float | np.integer
                                                              | np.floating) else alpha,
                             resolution=_integral(resolution, "resolution", where),
                             rules=rules.strip() if isinstance(rules, str) else rules,
                             num_classes=None if classes is None
                             else _integral(classes, "num_classes", where))
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
        measured = Measured(configuration=config, seconds=float(latency) / 1e3, row=position)
        key = (config.network.key, config.rules, config.variant, config.alpha, config.depth,
               config.resolution, config.classes)
        first = seen.get(key)
        if first is not None:
            if first.seconds != measured.seconds:
                raise ValueError(
                    f"{where} and measurement row {first.row} measure the same configuration "
                    f"({config.network.key}, α = {config.alpha:g}, {config.resolution} px) "
                    f"with different times ({first.seconds * 1e3:g} and "
                    f"{measured.seconds * 1e3:g} ms); give one time per configuration (their "
                    f"median, say)")
            continue
        seen[key] = measured
        out.append(measured)
    return out


def measured_terms(measured: Sequence[Measured], dtype: str = "float32",
                   fused_activations: bool = False) -> list[TermSample]:
    """Each measurement as the model's terms of its network and its seconds."""
    from costmodel.core.counting import count_ops
    from costmodel.core.graph import build_graph
    from costmodel.hardware.latency import terms

    size = DTYPES[dtype]
    samples = []
    for m in measured:
        c = m.configuration
        graph = build_graph(c.network, c.rules, c.classes, c.variant, c.depth)
        samples.append((terms(count_ops(graph, c.alpha, c.resolution), size, fused_activations),
                        m.seconds))
    return samples


def _check_bound(value: float | None, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not 1e3 <= value <= 1e18:
        raise ValueError(f"{field} must be {RATE_RANGE} per second, or None; got {value!r}")
    return float(value)


def scale_profile(base: Profile, factor: float, *, name: str, description: str,
                  provenance: str, fit: FitQuality | None) -> Profile:
    """``base`` with every time multiplied by ``factor``: its overheads and fixed time
    multiplied, its rates and bandwidth divided."""
    return replace(base, name=name, description=description, provenance=provenance,
                   peak_flops={k: v / factor for k, v in base.peak_flops.items()},
                   bandwidth=base.bandwidth / factor,
                   overhead={k: v * factor for k, v in base.overhead.items()},
                   invocation=base.invocation * factor, fit=fit, extra={})


def _fit_like(name: str, description: str, provenance: str, measured: Sequence[Measured],
              like: Profile) -> Profile:
    from costmodel.core.graph import build_graph
    from costmodel.hardware.latency import total_seconds

    predicted = []
    for m in measured:
        c = m.configuration
        graph = build_graph(c.network, c.rules, c.classes, c.variant, c.depth)
        predicted.append(total_seconds(graph, c.alpha, c.resolution, like))
    ratio = np.array(predicted) / np.array([m.seconds for m in measured])
    factor = float(ratio.sum() / (ratio**2).sum())  # least squares on relative errors
    source = (f"{provenance or 'measurements'}; the shape of profile {like.name!r} scaled by "
              f"one factor, {factor:.6g}, fitted to {len(measured)} measurement"
              f"{'s' if len(measured) != 1 else ''}")
    fit = _quality([p * factor for p in predicted], [m.seconds for m in measured], source, 1,
                   (), None)
    return scale_profile(like, factor, name=name, description=description, provenance=source,
                         fit=fit)


def read_measurement_file(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A measurement table from a CSV file (UTF-8, at most :data:`MAX_FILE_BYTES`) for
    :func:`fit_profile`, its header's names stripped; ``ValueError`` saying why it cannot be
    read (the rows are checked by :func:`fit_profile`)."""
    import io
    import stat

    import pandas as pd

    where = f"measurement file {os.fspath(path)!r}"
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise ValueError(f"{where} is not a regular file; give a CSV file")
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise ValueError(f"{where} is larger than {MAX_FILE_BYTES:,} bytes")
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise ValueError(f"{where} does not exist") from None
    except OSError as error:
        raise ValueError(f"{where} cannot be read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{where} is not UTF-8 text (byte {error.start})") from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype={"network": str, "rules": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = (str(error).strip().splitlines() or ["no columns"])[0]
        raise ValueError(f"{where} is not a CSV table ({reason})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def fit_profile(measurements: pd.DataFrame, *, name: str, description: str = "",
                like: str | Profile | None = None, fused_activations: bool = False,
                max_flops: float | None = None, max_bandwidth: float | None = None,
                dtype: str = "float32", provenance: str = "") -> Profile:
    """A device profile fitted to measured latencies of built-in networks.

    ``measurements``: a DataFrame with columns ``network``, ``resolution`` (pixels) and
    ``latency_ms`` (the measured time of one inference at batch 1), and optionally ``alpha``,
    ``rules`` and ``num_classes`` (blank: the network's defaults); other columns are ignored.
    The unknowns (a GEMM rate, a depthwise rate, the bandwidth, an overhead per operation and,
    where the networks run different numbers of operations, a fixed time per inference) are
    fitted by non-negative least squares on relative errors (module docstring).

    ``like``: a profile (or its name) whose shape is kept and scaled by one factor, for a
    device with too few measurements for a fit of its own (its ``fused_activations`` and
    ``dtype`` are kept too). ``fused_activations``: whether the
    runtime fuses every activation into the conv before it (the default, False: h-swish,
    swish, sigmoid, hard sigmoid and GELU each cost a memory pass of their own, as in TF-Lite
    and PyTorch; ReLU and ReLU6 are always fused). ``max_flops`` and ``max_bandwidth`` (FLOP/s,
    bytes/s): spec-sheet bounds; a rate the measurements leave free sits at its bound (named
    in ``fit.at_bound``) instead of being refused.

    Returns a :class:`~costmodel.hardware.profile_spec.Profile` with its fit quality
    (``fit``: points, MAPE, largest error, free parameters, unknowns at a bound, condition
    number) and provenance. ``ValueError`` for: missing columns, an unknown network, a time
    that is not a finite number > 0, two rows of one configuration with different times,
    fewer rows than free parameters, and a fit that cannot determine its unknowns (a rate
    that would be infinite without a bound, or two unknowns that cannot be told apart).
    """
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.hardware.profile_spec import check_profile_name

    check_profile_name(name, saving=False)
    if not isinstance(description, str) or not isinstance(provenance, str):
        raise ValueError("description and provenance must be text")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    if not isinstance(fused_activations, bool):
        raise ValueError(f"fused_activations must be True or False; got {fused_activations!r}")
    peak = _check_bound(max_flops, "max_flops (FLOP/s)")
    bandwidth = _check_bound(max_bandwidth, "max_bandwidth (bytes/s)")
    base = get_profile(like) if like is not None else None
    if base is not None and (peak is not None or bandwidth is not None):
        raise ValueError("like= keeps that profile's rates, bandwidth and overheads relative "
                         "to each other and fits one factor: max_flops and max_bandwidth do "
                         "not apply; give like= or the bounds, not both")
    measured = read_measurements(measurements)
    if base is not None:
        return _fit_like(name, description, provenance, measured, base)
    samples = measured_terms(measured, dtype, fused_activations)
    operation_counts = {sum(kind != ACTIVATION_PASS for _, kind, _, _ in parts)
                        for parts, _ in samples}
    invocation = len(operation_counts) > 1
    columns = _columns(samples, RATE_CLASS, OVERHEAD_CLASS, invocation)
    if len(samples) < len(columns):
        raise ValueError(
            f"measurements hold {len(samples)} distinct configuration"
            f"{'s' if len(samples) != 1 else ''}; the model has {len(columns)} free parameters "
            f"({', '.join(_label(c) for c in columns)}): give at least {len(columns)}, or "
            f"like=PROFILE to fit one scale factor to another profile's shape")
    floors = {}
    if peak is not None:
        floors.update({c: 1 / peak for c in set(RATE_CLASS.values())})
    if bandwidth is not None:
        floors[BANDWIDTH] = 1 / bandwidth
    solution = solve(samples, rate_class=RATE_CLASS, overhead_class=OVERHEAD_CLASS,
                     floors=floors, invocation=invocation)
    _refuse_undetermined(solution, RATE_CLASS)
    what = (f"fitted by costmodel.fit_profile to {len(samples)} measured configuration"
            f"{'s' if len(samples) != 1 else ''} of "
            f"{', '.join(sorted({m.configuration.network.key for m in measured}))}")
    source = f"{provenance}; {what}" if provenance else what
    rates = {c: 1 / solution.value(c) for c in set(RATE_CLASS.values())}
    overhead = solution.value("t0_operation")
    return Profile(
        name=name, description=description, provenance=source,
        peak_flops={kind: float(rates[RATE_CLASS[kind]]) for kind in COMPUTE_KINDS},
        bandwidth=float(1 / solution.value(BANDWIDTH)),
        overhead={k: overhead for k in LATENCY_KINDS},
        invocation=solution.value(INVOCATION) if invocation else 0.0,
        dtype=dtype, fused_activations=fused_activations,
        fit=_quality(solution.predicted, [s for _, s in samples], source, len(columns),
                     tuple(_label(c) for c in solution.at_floor), solution.condition_number),
    )


__all__ = [
    "MAX_CONDITION",
    "MAX_FILE_BYTES",
    "MAX_MEASUREMENTS",
    "OPTIONAL_COLUMNS",
    "OVERHEAD_CLASS",
    "RATE_CLASS",
    "REQUIRED_COLUMNS",
    "LayerRun",
    "Measured",
    "Solution",
    "TermSample",
    "fit_layer_profile",
    "fit_profile",
    "fit_terms",
    "layer_samples",
    "measured_terms",
    "read_measurement_file",
    "read_measurements",
    "scale_profile",
    "solve",
]
