"""Measured on this machine: a network's ONNX graph (:mod:`costmodel.hardware.onnx_export`) run
with ONNX Runtime on this CPU, beside the latency estimate (:mod:`costmodel.hardware.latency`).

How a configuration is measured (:func:`measure`):

1. the graph is exported at its α and resolution (random weights from a seed, batchnorm folded)
   and loaded into an ONNX Runtime session on the CPU execution provider with its default graph
   optimisations, ``intra_op_num_threads`` pinned (default 1) and one inter-op thread;
2. ``warmup`` runs are discarded (kernels pick and the memory arena settles); then ``repeats``
   runs of ``session.run`` on one seeded random image are timed one by one with
   ``time.perf_counter``: the median, the quartiles and their spread (IQR) are reported;
3. per layer: a second session with ONNX Runtime's profiler on runs ``min(repeats, 30)`` more
   times; each node's kernel time is booked to the graph operation it comes from (node names
   are the graph's operation names; a fused node keeps one of them, see
   :func:`operation_of`), and the median over runs is set beside the operation's estimate.
   Nodes ONNX Runtime adds itself (layout reorders) are one row of their own.

Measurements become a profile through ``costmodel.fit_profile`` (:func:`fit_measured_profile`,
from the frame :func:`measurements_frame` builds).

Bounds: ``threads`` 1 to the machine's CPUs, ``warmup`` 0 to :data:`MAX_WARMUP`, ``repeats``
:data:`MIN_REPEATS` to :data:`MAX_REPEATS`, and at most :data:`MAX_MULT_ADDS_RUN` Mult-Adds in
all the runs of one measurement together (about a minute on one core), besides the export's
own size limits; ``ValueError`` naming the field and the range. ``onnx`` and ``onnxruntime``
are the ``onnx`` extra (:class:`~costmodel.hardware.onnx_export.MissingExtraError`).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costmodel.base.kinds import DEFAULT_PROFILE
from costmodel.core.counting import totals
from costmodel.core.graph import Graph, build_graph
from costmodel.descriptions.configuration import resolve
from costmodel.descriptions.network_spec import Network
from costmodel.hardware.device_profiles import get_profile
from costmodel.hardware.latency import estimate
from costmodel.hardware.onnx_export import INPUT_NAME, check_size, export_onnx, require
from costmodel.hardware.profile_spec import Profile

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_THREADS = 1
DEFAULT_WARMUP = 10
DEFAULT_REPEATS = 50
MIN_REPEATS = 3
MAX_REPEATS = 10_000
MAX_WARMUP = 1_000
#: Runs of the per-layer profile at most (each writes a profile event per node).
MAX_LAYER_RUNS = 30
#: Mult-Adds in all the runs of one measurement together, at most (about a minute on one
#: core at 20 G Mult-Adds per second).
MAX_MULT_ADDS_RUN = 10**12
#: The row of the per-layer table for nodes ONNX Runtime adds itself (layout reorders).
RUNTIME_ROW = "(runtime: layout reorders)"
#: The columns of :func:`measurements_frame`: what ``costmodel.fit_profile`` reads.
PROFILE_COLUMNS = ("network", "resolution", "latency_ms", "alpha", "rules", "num_classes")


@dataclass(frozen=True, kw_only=True, eq=False)
class Measurement:
    """One configuration run with ONNX Runtime on this CPU, and its estimate.

    Times are milliseconds of a whole ``session.run`` (batch 1): ``median_ms`` and the
    quartiles ``q1_ms``/``q3_ms`` of ``repeats`` timed runs (``times_ms``, in order).
    ``estimate_ms`` is the latency model's estimate on ``profile``. ``layers`` (``None``
    unless asked) has one row per operation: ``measured_ms`` (the median over the profiled runs
    of its nodes' kernel times), ``estimate_ms`` and their ratio, plus a row for the nodes
    ONNX Runtime adds itself.
    """

    network: str
    title: str
    rules: str
    alpha: float
    resolution: int
    num_classes: int
    mult_adds: int
    threads: int
    warmup: int
    repeats: int
    times_ms: tuple[float, ...]
    median_ms: float
    q1_ms: float
    q3_ms: float
    profile: str
    estimate_ms: float
    runtime: str
    layers: pd.DataFrame | None = None
    #: the graph that was measured (its variant and depth included), for a per-layer fit
    graph: Graph | None = field(default=None, repr=False, compare=False)

    @property
    def iqr_ms(self) -> float:
        """The interquartile range of the timed runs (ms)."""
        return self.q3_ms - self.q1_ms

    @property
    def spread_pct(self) -> float:
        """The run-to-run spread: IQR / median, in %."""
        return 100 * self.iqr_ms / self.median_ms if self.median_ms > 0 else 0.0

    @property
    def ratio(self) -> float:
        """Estimate / measured median."""
        return self.estimate_ms / self.median_ms if self.median_ms > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """The scalar values (no per-run times, no layers)."""
        return {"network": self.network, "rules": self.rules, "alpha": self.alpha,
                "resolution": self.resolution, "num_classes": self.num_classes,
                "mult_adds": self.mult_adds, "threads": self.threads, "warmup": self.warmup,
                "repeats": self.repeats, "median_ms": self.median_ms, "q1_ms": self.q1_ms,
                "q3_ms": self.q3_ms, "iqr_ms": self.iqr_ms, "spread_pct": self.spread_pct,
                "profile": self.profile, "estimate_ms": self.estimate_ms,
                "estimate_over_measured": self.ratio, "runtime": self.runtime}


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field} must be an integer in [{low}, {high:,}]; got {value!r}")
    return value


def check_settings(threads: object, warmup: object, repeats: object) -> tuple[int, int, int]:
    """``threads``, ``warmup`` and ``repeats`` within their ranges (``ValueError``)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return (_whole(threads, "threads", 1, cpus), _whole(warmup, "warmup", 0, MAX_WARMUP),
            _whole(repeats, "repeats", MIN_REPEATS, MAX_REPEATS))


def operation_of(node_name: str, operations: set[str]) -> str | None:
    """The graph operation an ONNX Runtime profile node comes from, or ``None`` for a node the
    runtime added itself. The exporter names nodes ``OPERATION`` or ``OPERATION/what``; ONNX
    Runtime keeps one of the names of the nodes it fuses and may append a suffix
    (``b1.dw/relu_nchwc``)."""
    name = node_name.removesuffix("_kernel_time")
    head = name.split("/", 1)[0]
    while head:
        if head in operations:
            return head
        if "_" not in head:
            return None
        head = head.rsplit("_", 1)[0]
    return None


def _session(model_bytes: bytes, threads: int, profile_dir: str | None = None) -> Any:  # noqa: ANN401
    ort = require("onnxruntime", "measuring with ONNX Runtime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if profile_dir is not None:
        options.enable_profiling = True
        options.profile_file_prefix = str(Path(profile_dir) / "profile")
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def _time_runs(run: Callable[[], object], count: int, progress: Callable[[str], None],
               label: str) -> list[float]:
    """Seconds of each of ``count`` calls, timed one by one; a progress line every tenth."""
    times: list[float] = []
    step = max(1, count // 10)
    for i in range(count):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        if (i + 1) % step == 0 or i + 1 == count:
            progress(f"{label}: {i + 1}/{count} runs")
    return times


def _node_times(path: str, runs: int) -> dict[str, list[float]]:
    """Each profiled node's kernel seconds, one entry per run."""
    with open(path, encoding="utf-8") as handle:
        events = json.load(handle)
    out: dict[str, list[float]] = {}
    for event in events:
        if event.get("cat") == "Node" and str(event.get("name", "")).endswith("_kernel_time"):
            out.setdefault(event["name"], []).append(float(event["dur"]) / 1e6)
    return {name: times[-runs:] for name, times in out.items()}


def _layer_table(graph: Graph, alpha: float, resolution: int, node_times: dict[str, list[float]],
                 runs: int, profile: Profile) -> pd.DataFrame:
    import pandas as pd

    layers = estimate(graph, alpha, resolution, profile).layers
    layers = layers[layers["name"] != "(invocation)"]
    names = set(layers["name"])
    per_run: dict[str, list[float]] = {}
    for node, times in node_times.items():
        booked = operation_of(node, names) or RUNTIME_ROW
        sums = per_run.setdefault(booked, [0.0] * runs)
        for i, seconds in enumerate(times[:runs]):
            sums[i] += seconds
    measured = {name: statistics.median(times) * 1e3 for name, times in per_run.items()}
    frame = pd.DataFrame({
        "name": layers["name"], "role": layers["role"], "latency_kind": layers["latency_kind"],
        "mult_adds": layers["mult_adds"],
        "measured_ms": [measured.get(name, 0.0) for name in layers["name"]],
        "estimate_ms": layers["latency_ms"]})
    if RUNTIME_ROW in measured:
        extra = pd.DataFrame([{"name": RUNTIME_ROW, "role": "", "latency_kind": "runtime",
                               "mult_adds": 0, "measured_ms": measured[RUNTIME_ROW],
                               "estimate_ms": 0.0}])
        frame = pd.concat([frame, extra], ignore_index=True)
    total = float(frame["measured_ms"].sum())
    frame["measured_pct"] = 100 * frame["measured_ms"] / total if total > 0 else 0.0
    frame["estimate_over_measured"] = [e / m if m > 0 else float("nan") for e, m in
                                       zip(frame["estimate_ms"], frame["measured_ms"],
                                           strict=True)]
    return frame.reset_index(drop=True)


def measure_graph(graph: Graph, alpha: float, resolution: int, *, rules: str,
                  threads: int = DEFAULT_THREADS, warmup: int = DEFAULT_WARMUP,
                  repeats: int = DEFAULT_REPEATS, layers: bool = True,
                  profile: str | Profile = DEFAULT_PROFILE,
                  progress: Callable[[str], None] | None = None, seed: int = 0) -> Measurement:
    """:func:`measure` for a graph already built (``rules`` names its rule set)."""
    import numpy as np

    threads, warmup, repeats = check_settings(threads, warmup, repeats)
    device = get_profile(profile)
    check_size(graph, alpha, resolution)
    mult_adds, _, _ = totals(graph, alpha, resolution)
    layer_runs = min(repeats, MAX_LAYER_RUNS) if layers else 0
    runs = warmup * (2 if layers else 1) + repeats + layer_runs
    if mult_adds * runs > MAX_MULT_ADDS_RUN:
        raise ValueError(f"{runs:,} runs of {mult_adds:,} Mult-Adds are "
                         f"{mult_adds * runs:.3g} Mult-Adds; a measurement does at most "
                         f"{MAX_MULT_ADDS_RUN:.0e} (fewer repeats, a smaller network or "
                         f"resolution)")
    report = progress or (lambda line: None)
    ort = require("onnxruntime", "measuring with ONNX Runtime")
    key = graph.network.key
    label = f"{key} α = {alpha:g} {resolution} px"
    report(f"{label}: exporting to ONNX ({mult_adds / 1e6:,.1f} M Mult-Adds)")
    model = export_onnx(graph, alpha, resolution, seed=seed).SerializeToString()
    channels = graph.program.evaluate(alpha)[graph.image_var]
    image = np.random.default_rng(seed).standard_normal((1, channels, resolution, resolution),
                                                        dtype=np.float32)
    feed = {INPUT_NAME: image}
    session = _session(model, threads)

    def run() -> object:
        return session.run(None, feed)

    report(f"{label}: warm-up, {warmup} runs ({threads} thread{'s' if threads > 1 else ''})")
    for _ in range(warmup):
        run()
    seconds = _time_runs(run, repeats, report, f"{label}: timing")
    q1, median, q3 = _quartiles(seconds)
    table = None
    if layers:
        with tempfile.TemporaryDirectory(prefix="costmodel-ort-") as folder:
            profiled = _session(model, threads, folder)
            for _ in range(warmup):
                profiled.run(None, feed)
            report(f"{label}: per-layer profile, {layer_runs} runs")
            for _ in range(layer_runs):
                profiled.run(None, feed)
            path = profiled.end_profiling()
            node_times = _node_times(path, layer_runs)
        table = _layer_table(graph, alpha, resolution, node_times, layer_runs, device)
    latency = estimate(graph, alpha, resolution, device)
    return Measurement(
        network=key, title=graph.network.title, rules=rules, alpha=alpha,
        resolution=resolution, num_classes=graph.classes, mult_adds=mult_adds,
        threads=threads, warmup=warmup, repeats=repeats,
        times_ms=tuple(s * 1e3 for s in seconds), median_ms=median * 1e3, q1_ms=q1 * 1e3,
        q3_ms=q3 * 1e3, profile=device.name, estimate_ms=latency.total_ms,
        runtime=f"onnxruntime {ort.__version__}, CPUExecutionProvider, default graph "
                f"optimisations, {threads} intra-op thread{'s' if threads > 1 else ''}",
        layers=table, graph=graph)


def measure(alpha: float | None = None, rho: float | None = None, *,
            resolution: int | None = None, network: str | Network | None = None,
            rules: str | None = None, num_classes: int | None = None,
            depth: float | None = None, variant: str = "separable",
            threads: int = DEFAULT_THREADS, warmup: int = DEFAULT_WARMUP,
            repeats: int = DEFAULT_REPEATS, layers: bool = True,
            profile: str | Profile = DEFAULT_PROFILE,
            progress: Callable[[str], None] | None = None, seed: int = 0) -> Measurement:
    """Run one configuration (the arguments of :func:`costmodel.report`) with ONNX Runtime on
    this CPU and return a :class:`Measurement`: the median and quartiles of ``repeats`` timed
    runs after ``warmup`` runs, at ``threads`` intra-op threads, beside the estimate on
    ``profile``; per operation too where ``layers`` (see the module docstring). ``progress``
    receives one line per step. ``ValueError`` naming the field and its range on bad input or
    a network beyond the limits; :class:`~costmodel.hardware.onnx_export.MissingExtraError`
    without the ``onnx`` extra."""
    config = resolve(network=network, alpha=alpha, rho=rho, resolution=resolution, rules=rules,
                     num_classes=num_classes, variant=variant, depth=depth)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    return measure_graph(graph, config.alpha, config.resolution, rules=config.rules.name,
                         threads=threads, warmup=warmup, repeats=repeats, layers=layers,
                         profile=profile, progress=progress, seed=seed)


def measurements_frame(measurements: Sequence[Measurement]) -> pd.DataFrame:
    """The measurements as the frame ``costmodel.fit_profile`` reads: one row per
    measurement with :data:`PROFILE_COLUMNS` (``latency_ms`` the median)."""
    import pandas as pd

    return pd.DataFrame([{"network": m.network, "resolution": m.resolution,
                          "latency_ms": m.median_ms, "alpha": m.alpha, "rules": m.rules,
                          "num_classes": m.num_classes} for m in measurements],
                        columns=list(PROFILE_COLUMNS))


def measurements_table(measurements: Sequence[Measurement]) -> pd.DataFrame:
    """One row per measurement: the configuration, measured median, quartiles, spread and the
    estimate beside it."""
    import pandas as pd

    return pd.DataFrame([m.to_dict() for m in measurements])


def fit_measured_profile(measurements: Sequence[Measurement], *, name: str,
                         description: str) -> Profile:
    """A profile fitted to ``measurements``, with ONNX Runtime's activations as separate passes
    (it fuses only some). Where every measurement has its per-layer times, per operation
    (:func:`~costmodel.hardware.profile_fit.fit_layer_profile`: each operation's kernel time,
    then the fixed time per inference from the medians); otherwise by
    :func:`costmodel.fit_profile` on the frame of :func:`measurements_frame` (each
    configuration's median time)."""
    from costmodel.hardware.profile_fit import fit_layer_profile, fit_profile

    runtime = measurements[0].runtime if measurements else "ONNX Runtime"
    if measurements and all(m.layers is not None for m in measurements):
        runs = []
        for m in measurements:
            assert m.layers is not None
            graph = m.graph if m.graph is not None else _default_graph(m)
            seconds = {str(k): float(v) / 1e3
                       for k, v in zip(m.layers["name"], m.layers["measured_ms"], strict=True)}
            runs.append((graph, m.alpha, m.resolution, m.median_ms / 1e3, seconds))
        return fit_layer_profile(
            runs, name=name, description=description,
            provenance=f"{len(measurements)} configurations measured on this CPU with "
                       f"{runtime} (costmodel.measure): each operation's kernel time, and "
                       f"the median of each run")
    for m in measurements:
        if m.graph is not None and (m.graph.variant != "separable" or m.graph.repeats
                                    != _default_graph(m).repeats):
            raise ValueError(f"measurements: {m.network} was measured with variant "
                             f"{m.graph.variant!r} or another depth, which a fit on whole "
                             f"runs cannot take (its table has no such columns); measure with "
                             f"layers to fit per operation")
    return fit_profile(measurements_frame(measurements), name=name, description=description,
                       provenance=f"{len(measurements)} configurations measured on this CPU "
                                  f"with {runtime} (costmodel.measure, median of each)")


def _default_graph(m: Measurement) -> Graph:
    """The graph of a measurement's network, rules and classes at its default variant and
    depth."""
    config = resolve(network=m.network, alpha=m.alpha, resolution=m.resolution, rules=m.rules,
                     num_classes=m.num_classes)
    return build_graph(config.network, config.rules, config.classes, config.variant,
                       config.depth)


__all__ = ["DEFAULT_REPEATS", "DEFAULT_THREADS", "DEFAULT_WARMUP", "MAX_LAYER_RUNS",
           "MAX_MULT_ADDS_RUN", "MAX_REPEATS", "MAX_WARMUP", "MIN_REPEATS", "PROFILE_COLUMNS",
           "RUNTIME_ROW", "Measurement", "check_settings", "fit_measured_profile", "measure",
           "measure_graph", "measurements_frame", "measurements_table", "operation_of"]
