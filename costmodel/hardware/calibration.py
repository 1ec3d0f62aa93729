"""Measure this machine for the latency model, in at most about 10 seconds.

Measurements, each repeated in rounds so that a noisy machine shows itself:

* the peak GEMM rate: a 1024 × 1024 float32 matrix product (2·n³ FLOP);
* the copy bandwidth: a 128 MiB float32 copy into a preallocated array (read + write);
* the overhead per operation kind: the time of a tiny operation of each kind (a 3×3 conv, a 1×1
  conv, a 3×3 depthwise conv, a matrix-vector product and an element-wise add on a few
  elements);
* with PyTorch (one thread): a ladder of operations of each kind, from small to large, to which
  the model's rate per kind, overhead per kind and bandwidth (at most the copy bandwidth) are
  fitted by non-negative least squares (:func:`costmodel.hardware.profile_fit.fit_terms`).
  Real layers run well below the peak GEMM rate; the ladder finds the rate they reach.

With ONNX Runtime (``backend="onnxruntime"``, the default where onnx and onnxruntime are
installed: the runtime :func:`costmodel.measure` runs networks with), the same steps run as
ONNX graphs in ONNX Runtime sessions (one intra-op thread), so the profile describes the runtime
that is measured:

* the peak GEMM rate from a 1024 × 1024 ``MatMul``; the copy bandwidth with numpy;
* the overhead of one ``session.run`` (a one-element ``Add``): the profile's ``invocation``,
  paid once per inference;
* the overhead per node of each kind: a chain of :data:`CHAIN` tiny nodes of that kind in one
  graph, less one run's overhead, divided by the chain's length;
* the ladder, each operation alone in a session, each time less one run's overhead; rates,
  overheads and bandwidth fitted as with PyTorch.

Without either, numpy measures the first three (matrix products and adds only: an
approximation, said in the profile's provenance) and the peak rate is used for every kind.

A calibration that is interrupted, or whose rounds disagree by more than a factor of 2, raises
:class:`CalibrationError` and leaves the previously saved profile as it was.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from costmodel.base.kinds import LatencyKind, OpKind
from costmodel.core.operations import bytes_moved
from costmodel.core.operations import weights as conv_weights
from costmodel.hardware.onnx_export import OPSET, MissingExtraError, require
from costmodel.hardware.profile_fit import TermSample, fit_terms
from costmodel.hardware.profile_spec import (
    COMPUTE_KINDS,
    LATENCY_KINDS,
    Profile,
    check_profile_name,
    save_profile,
    writable_profiles_dir,
)

MAX_SPREAD = 2.0  # largest/smallest round median accepted
ROUNDS = 5
#: How calibrate measures: ``auto`` takes ONNX Runtime where onnx and onnxruntime are
#: installed, else PyTorch where it is, else numpy.
BACKENDS = ("auto", "onnxruntime", "pytorch", "numpy")
#: Tiny nodes in the chain that measures the overhead per node (ONNX Runtime).
CHAIN = 16


class CalibrationError(RuntimeError):
    """A calibration that did not finish or could not be trusted; nothing was saved."""


def _median_seconds(function: Callable[[], object], calls: int) -> float:
    """Mean seconds per call over ``calls`` calls of one round (the one clock of a round; a
    test replaces it to check everything around the measurement deterministically)."""
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def _time_call(call: Callable[[], object]) -> float:
    """Seconds of one call (the one clock of the ladder; see :func:`_median_seconds`)."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


ROUND_SECONDS = 0.004  # each round calls the function for about this long
WARM_SECONDS = 0.03  # warm-up before the rounds


def _rounds(label: str, function: Callable[[], object], calls: int,
            progress: Callable[[str], None]) -> float:
    """Median seconds per call over :data:`ROUNDS` rounds of at least ``calls`` calls (more
    for fast functions: a round lasts about 4 ms); :class:`CalibrationError` if the middle
    three rounds spread more than :data:`MAX_SPREAD`."""
    start = time.perf_counter()
    warm = 0
    while warm < 3 or time.perf_counter() - start < WARM_SECONDS:  # kernels pick and settle
        function()
        warm += 1
    start = time.perf_counter()
    function()
    once = time.perf_counter() - start
    calls = max(calls, min(1000, int(ROUND_SECONDS / max(once, 1e-7))))
    samples = sorted(_median_seconds(function, calls) for _ in range(ROUNDS))
    middle = samples[1:-1]  # one stray round either way is not noise
    spread = max(middle) / min(middle)
    if spread > MAX_SPREAD:
        raise CalibrationError(
            f"the machine is too noisy to calibrate: {label} varied {spread:.1f}× between "
            f"rounds (at most {MAX_SPREAD:g}× accepted); the previous profile is kept")
    value = statistics.median(samples)
    progress(f"{label}: {value * 1e6:,.1f} µs per call (rounds within {spread:.2f}×)")
    return value


def _torch_ops() -> dict[str, Callable[[], object]] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x = torch.zeros(1, 8, 2, 2)
    conv = torch.zeros(8, 8, 3, 3)
    pointwise = torch.zeros(8, 8, 1, 1)
    depthwise = torch.zeros(8, 1, 3, 3)
    vector = torch.zeros(1, 8)
    matrix = torch.zeros(8, 8)
    functional = torch.nn.functional
    with torch.no_grad():
        return {
            LatencyKind.CONV: lambda: functional.conv2d(x, conv, padding=1),
            LatencyKind.POINTWISE: lambda: functional.conv2d(x, pointwise),
            LatencyKind.DEPTHWISE: lambda: functional.conv2d(x, depthwise, padding=1, groups=8),
            LatencyKind.FC: lambda: functional.linear(vector, matrix),
            LatencyKind.ELEMENTWISE: lambda: torch.add(x, x),
        }


def _gemm(n: int, with_torch: bool) -> Callable[[], object]:
    """One n × n float32 matrix product, with PyTorch (one thread) or numpy."""
    if with_torch:
        import torch

        a, b = torch.ones(n, n), torch.ones(n, n)
        out = torch.empty(n, n)
        return lambda: torch.matmul(a, b, out=out)
    import numpy as np

    x, y = np.ones((n, n), dtype=np.float32), np.ones((n, n), dtype=np.float32)
    z = np.empty((n, n), dtype=np.float32)
    return lambda: np.matmul(x, y, out=z)


def _copy(elements: int, with_torch: bool) -> Callable[[], object]:
    """A float32 copy of ``elements`` into a preallocated array (PyTorch ``copy_`` or numpy)."""
    if with_torch:
        import torch

        source, target = torch.ones(elements), torch.empty(elements)
        return lambda: target.copy_(source)
    import numpy as np

    array, into = np.ones(elements, dtype=np.float32), np.empty(elements, dtype=np.float32)
    return lambda: np.copyto(into, array)


def _numpy_ops() -> dict[str, Callable[[], object]]:
    import numpy as np

    a = np.zeros((8, 8), dtype=np.float32)
    v = np.zeros(8, dtype=np.float32)
    x = np.zeros(32, dtype=np.float32)
    return {LatencyKind.CONV: lambda: a @ a, LatencyKind.POINTWISE: lambda: a @ a,
            LatencyKind.DEPTHWISE: lambda: x * x, LatencyKind.FC: lambda: a @ v,
            LatencyKind.ELEMENTWISE: lambda: x + x}


#: The ladder: (kind, map size, input channels, output channels, stride) of each operation.
_CONV, _PW, _DW, _FC, _EW = (LatencyKind.CONV, LatencyKind.POINTWISE, LatencyKind.DEPTHWISE,
                              LatencyKind.FC, LatencyKind.ELEMENTWISE)
LADDER: tuple[tuple[LatencyKind, int, int, int, int], ...] = (
    (_PW, 112, 16, 32, 1), (_PW, 56, 32, 64, 1), (_PW, 56, 144, 24, 1),
    (_PW, 28, 64, 128, 1), (_PW, 28, 128, 256, 1), (_PW, 14, 256, 256, 1),
    (_PW, 7, 512, 512, 1), (_PW, 7, 160, 960, 1),
    (_CONV, 224, 3, 16, 2), (_CONV, 224, 3, 32, 2), (_CONV, 56, 32, 32, 1),
    (_CONV, 28, 64, 64, 1), (_CONV, 14, 128, 128, 1),
    (_DW, 112, 32, 32, 1), (_DW, 112, 96, 96, 2), (_DW, 56, 128, 128, 1),
    (_DW, 28, 256, 256, 1), (_DW, 28, 256, 256, 2), (_DW, 14, 512, 512, 1),
    (_DW, 7, 1024, 1024, 1),
    (_FC, 1, 256, 256, 1), (_FC, 1, 512, 512, 1), (_FC, 1, 1024, 1000, 1),
    (_FC, 1, 1280, 1000, 1),
    (_EW, 112, 16, 16, 1), (_EW, 56, 64, 64, 1),
    (_EW, 14, 256, 256, 1),
)


LADDER_ROUNDS = 15


def _ladder_terms(kind: LatencyKind, size: int, cin: int, cout: int,
                  stride: int) -> tuple[LatencyKind, int, int]:
    """A ladder operation's model terms: (kind, FLOP, bytes moved at float32)."""
    out = -(-size // stride)
    if kind == LatencyKind.FC:
        return kind, 2 * cin * cout, int(bytes_moved(cin, cin * cout, cout, 4))
    if kind == LatencyKind.ELEMENTWISE:  # an add reads two maps and writes one
        return kind, 0, int(bytes_moved(2 * cin * size * size, 0, cin * size * size, 4))
    k = 1 if kind == LatencyKind.POINTWISE else 3
    groups = cin if kind == LatencyKind.DEPTHWISE else 1
    weights = int(conv_weights(OpKind.CONV, k, cin // groups, cout))
    return (kind, 2 * weights * out * out,
            int(bytes_moved(cin * size * size, weights, cout * out * out, 4)))


def _interleaved(calls: list[Callable[[], object]]) -> list[list[float]]:
    """Seconds of each call over :data:`LADDER_ROUNDS` rounds, one call each per round, after 5
    warm-up rounds."""
    times: list[list[float]] = [[] for _ in calls]
    for _ in range(5):  # warm-up: kernels pick and settle
        for call in calls:
            call()
    for _ in range(LADDER_ROUNDS):
        for i, call in enumerate(calls):
            times[i].append(_time_call(call))
    return times


def _check_quartiles(spec: tuple[LatencyKind, int, int, int, int], seconds: list[float]) -> None:
    ordered = sorted(seconds)
    quartiles = ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4]
    if quartiles[1] / quartiles[0] > MAX_SPREAD:
        raise CalibrationError(
            f"the machine is too noisy to calibrate: {spec[0]} {spec[1]}×{spec[1]}×"
            f"{spec[2]}→{spec[3]} varied {quartiles[1] / quartiles[0]:.1f}× between rounds "
            f"(at most {MAX_SPREAD:g}× accepted); the previous profile is kept")


def _ladder(report: Callable[[str], None]) -> list[TermSample]:
    """Each operation of :data:`LADDER` timed (PyTorch, one thread) as a sample for the fit:
    its model terms (FLOP, bytes at float32) and its median seconds. The operations run in
    turn, one call each per round, as the layers of a network do, so that no operation finds
    its data still in cache from its own previous call."""
    import torch

    functional = torch.nn.functional
    calls: list[Callable[[], object]] = []
    terms: list[tuple[LatencyKind, int, int]] = []
    for kind, size, cin, cout, stride in LADDER:
        if kind == LatencyKind.FC:
            x, w = torch.ones(1, cin), torch.ones(cout, cin)
            calls.append(partial(functional.linear, x, w))
        elif kind == LatencyKind.ELEMENTWISE:
            x = torch.ones(1, cin, size, size)
            calls.append(partial(torch.add, x, x))
        else:
            k = 1 if kind == LatencyKind.POINTWISE else 3
            groups = cin if kind == LatencyKind.DEPTHWISE else 1
            x = torch.ones(1, cin, size, size)
            w = torch.ones(cout, cin // groups, k, k)
            calls.append(partial(functional.conv2d, x, w, stride=stride, padding=k // 2,
                                 groups=groups))
        terms.append(_ladder_terms(kind, size, cin, cout, stride))
    with torch.no_grad():
        times = _interleaved(calls)
    samples: list[TermSample] = []
    for (kind, flops, moved), spec, seconds in zip(terms, LADDER, times, strict=True):
        _check_quartiles(spec, seconds)
        samples.append(([(0, kind, flops, moved)], statistics.median(seconds)))
    report(f"ladder: {len(calls)} operations × {LADDER_ROUNDS} interleaved rounds")
    return samples


# --- ONNX Runtime ---------------------------------------------------------------------------


def _backend(backend: str) -> str:
    """The backend ``backend`` names (``auto`` resolved); ``ValueError`` for an unknown one,
    :class:`~costmodel.hardware.onnx_export.MissingExtraError` for one not installed."""
    from importlib.util import find_spec

    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    has_ort = find_spec("onnx") is not None and find_spec("onnxruntime") is not None
    has_torch = find_spec("torch") is not None
    if backend == "auto":
        return "onnxruntime" if has_ort else "pytorch" if has_torch else "numpy"
    if backend == "onnxruntime" and not has_ort:
        require("onnx", "calibrating with ONNX Runtime")
        require("onnxruntime", "calibrating with ONNX Runtime")
    if backend == "pytorch" and not has_torch:
        raise MissingExtraError("calibrating with PyTorch needs the torch package, which is not "
                                "installed: pip install 'costmodel[bench]'")
    return backend


class _Ort:
    """Small ONNX graphs and ONNX Runtime sessions (one intra-op thread) for the calibration."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        self.onnx = require("onnx", "calibrating with ONNX Runtime")
        self.ort = require("onnxruntime", "calibrating with ONNX Runtime")
        self.rng = np.random.default_rng(0)

    def array(self, shape: tuple[int, ...]) -> Any:  # noqa: ANN401 -- a numpy array
        return self.rng.standard_normal(shape, dtype=self.np.float32)

    def session(self, inputs: dict[str, tuple[int, ...]],
                nodes: list[tuple[str, list[str], dict[str, object]]],
                weights: dict[str, tuple[int, ...]]) -> Callable[[], object]:
        """One run of a graph of ``nodes`` (op type, inputs, attributes; node ``i`` writes
        ``v{i}``, the last one the output) on random ``inputs``, ``weights`` as initialisers."""
        helper = self.onnx.helper
        made = [helper.make_node(op, names, [f"v{i}"], name=f"n{i}", **attributes)
                for i, (op, names, attributes) in enumerate(nodes)]
        graph = helper.make_graph(
            made, "calibration",
            [helper.make_tensor_value_info(n, self.onnx.TensorProto.FLOAT, list(shape))
             for n, shape in inputs.items()],
            [helper.make_tensor_value_info(f"v{len(nodes) - 1}", self.onnx.TensorProto.FLOAT,
                                           None)],
            [self.onnx.numpy_helper.from_array(self.array(shape), n)
             for n, shape in weights.items()])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = min(model.ir_version, 8)
        options = self.ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = self.ort.InferenceSession(model.SerializeToString(), options,
                                            providers=["CPUExecutionProvider"])
        feed = {n: self.array(shape) for n, shape in inputs.items()}
        return partial(session.run, None, feed)

    def operation(self, kind: str, size: int, cin: int, cout: int, stride: int,
                  repeat: int = 1) -> Callable[[], object]:
        """``repeat`` operations of ``kind`` in a chain (a chain needs equal in and out
        shapes); padded as the exporter pads (``k // 2`` for odd kernels)."""
        if kind == LatencyKind.FC:
            nodes: list[tuple[str, list[str], dict[str, object]]] = [
                ("Gemm", ["x" if i == 0 else f"v{i - 1}", f"w{i}"], {"transB": 1})
                for i in range(repeat)]
            return self.session({"x": (1, cin)}, nodes, {f"w{i}": (cout, cin)
                                                         for i in range(repeat)})
        if kind == LatencyKind.ELEMENTWISE:
            nodes = [("Add", ["x", "y"] if i == 0 else [f"v{i - 1}", f"v{i - 1}"], {})
                     for i in range(repeat)]
            shape = (1, cin, size, size)
            return self.session({"x": shape, "y": shape}, nodes, {})
        k = 1 if kind == LatencyKind.POINTWISE else 3
        groups = cin if kind == LatencyKind.DEPTHWISE else 1
        attributes: dict[str, object] = {"kernel_shape": [k, k], "strides": [stride, stride],
                                         "pads": [k // 2] * 4, "group": groups}
        nodes = [("Conv", ["x" if i == 0 else f"v{i - 1}", f"w{i}"], attributes)
                 for i in range(repeat)]
        return self.session({"x": (1, cin, size, size)}, nodes,
                            {f"w{i}": (cout, cin // groups, k, k) for i in range(repeat)})


def _ort_ladder(tools: _Ort, run_overhead: float,
                report: Callable[[str], None]) -> list[TermSample]:
    """:func:`_ladder` with each operation alone in an ONNX Runtime session; each median less
    ``run_overhead`` (one ``session.run`` of a one-element add), at least 5 % of it."""
    calls: list[Callable[[], object]] = []
    terms: list[tuple[LatencyKind, int, int]] = []
    for kind, size, cin, cout, stride in LADDER:
        calls.append(tools.operation(kind, size, cin, cout, stride))
        terms.append(_ladder_terms(kind, size, cin, cout, stride))
    times = _interleaved(calls)
    samples: list[TermSample] = []
    for (kind, flops, moved), spec, seconds in zip(terms, LADDER, times, strict=True):
        _check_quartiles(spec, seconds)
        median = statistics.median(seconds)
        samples.append(([(0, kind, flops, moved)], max(median - run_overhead, 0.05 * median)))
    report(f"ladder: {len(calls)} operations × {LADDER_ROUNDS} interleaved rounds "
           f"(ONNX Runtime, 1 thread)")
    return samples


def _calibrate_ort(name: str, description: str, report: Callable[[str], None]) -> Profile:
    tools = _Ort()
    report("calibrating: GEMM rate (1024 × 1024 float32 MatMul, ONNX Runtime, 1 thread)")
    n = 1024
    gemm_call = tools.session({"a": (n, n)}, [("MatMul", ["a", "b"], {})], {"b": (n, n)})
    gemm = _rounds("GEMM", gemm_call, 3, report)
    peak = 2 * n**3 / gemm
    report("calibrating: copy bandwidth (128 MiB float32 copy, numpy)")
    copy = _rounds("copy", _copy(32 * 2**20, False), 3, report)
    bandwidth = 2 * 4 * 32 * 2**20 / copy
    report("calibrating: the overhead of one session run (a one-element Add)")
    run_overhead = _rounds("session run", tools.session(
        {"x": (1,), "y": (1,)}, [("Add", ["x", "y"], {})], {}), 50, report)
    report(f"calibrating: overhead per node of each kind (chains of {CHAIN} tiny nodes)")
    overhead: dict[str, float] = {}
    for kind in LATENCY_KINDS:
        chain = tools.operation(kind, 2, 8, 8, 1, repeat=CHAIN)
        seconds = _rounds(f"{kind} chain", chain, 20, report)
        overhead[kind] = max(seconds - run_overhead, 1e-9 * CHAIN) / CHAIN
    report("calibrating: a ladder of operations per kind (ONNX Runtime, 1 thread)")
    samples = _ort_ladder(tools, run_overhead, report)
    for kind, seconds in overhead.items():
        samples.append(([(0, kind, 0, 0)], seconds))
    version = tools.ort.__version__
    profile = fit_terms(
        name, samples, rate_class={k: k for k in COMPUTE_KINDS},
        overhead_class={k: k for k in LATENCY_KINDS}, description=description,
        provenance=f"peak GEMM {peak / 1e9:.1f} GFLOP/s (ONNX Runtime {version} MatMul), copy "
                   f"{bandwidth / 1e9:.1f} GB/s (numpy), per-node overheads from chains of "
                   f"{CHAIN} tiny nodes, and a ladder of {len(LADDER)} operations with ONNX "
                   f"Runtime {version} (1 intra-op thread), each less one session run's "
                   f"overhead ({run_overhead * 1e6:.1f} µs, the profile's invocation); rates, "
                   f"overheads and bandwidth (at most the copy's) fitted by non-negative least "
                   f"squares",
        dtype="float32", fused_activations=True, max_bandwidth=bandwidth)
    return replace(profile, invocation=run_overhead,
                   extra={"peak_gemm_gflops": f"{peak / 1e9:.1f}",
                          "copy_gbs": f"{bandwidth / 1e9:.1f}", "backend": "onnxruntime",
                          "onnxruntime": version})


def calibrate(name: str = "this-machine", *, save: bool = True,
              progress: Callable[[str], None] | None = None, backend: str = "auto") -> Profile:
    """Measure this machine (see the module docstring) into a :class:`Profile` called
    ``name``, saved with :func:`costmodel.hardware.profile_spec.save_profile` unless ``save=False``.
    ``progress`` receives one line per step. ``backend``: one of :data:`BACKENDS` (``auto``:
    ONNX Runtime where installed, else PyTorch, else numpy). The name (``ValueError``:
    letters, digits, - and _, at most 64, not a built-in profile's), the backend and the
    profiles folder (:class:`~costmodel.hardware.profile_spec.ProfilesFolderError`) are checked
    before measuring."""

    check_profile_name(name, saving=save)
    chosen = _backend(backend)
    if save:
        writable_profiles_dir()
    report = progress or (lambda line: None)
    description = (f"this machine, measured by costmodel.calibrate() on "
                   f"{time.strftime('%Y-%m-%d %H:%M')}")
    try:
        if chosen == "onnxruntime":
            profile = _calibrate_ort(name, description, report)
        else:
            profile = _calibrate_torch_or_numpy(name, description, chosen == "pytorch", report)
    except KeyboardInterrupt:
        raise CalibrationError("calibration interrupted; the previous profile is kept") from None
    if save:
        path = save_profile(profile)
        report(f"saved profile {name!r} to {path}")
    return profile


def _calibrate_torch_or_numpy(name: str, description: str, with_torch: bool,
                              report: Callable[[str], None]) -> Profile:
    ops = _torch_ops() if with_torch else None
    backend = "PyTorch (1 thread)" if ops is not None else "numpy"
    report(f"calibrating: GEMM rate (1024 × 1024 float32 matrix product, {backend})")
    n = 1024
    gemm = _rounds("GEMM", _gemm(n, ops is not None), 3, report)
    peak = 2 * n**3 / gemm
    report(f"calibrating: copy bandwidth (128 MiB float32 copy, {backend})")
    copy = _rounds("copy", _copy(32 * 2**20, ops is not None), 3, report)
    bandwidth = 2 * 4 * 32 * 2**20 / copy
    report(f"calibrating: overhead per operation kind ({backend})")
    tiny = ops or _numpy_ops()
    overhead = {kind: _rounds(f"{kind} overhead", tiny[kind], 50, report)
                for kind in LATENCY_KINDS}
    measured = (f"peak GEMM {peak / 1e9:.1f} GFLOP/s, copy {bandwidth / 1e9:.1f} GB/s, "
                f"tiny-operation overheads")
    if ops is None:
        profile = Profile(
            name=name, description=description,
            provenance=f"{measured} with numpy; the peak rate for every kind",
            peak_flops={kind: peak for kind in COMPUTE_KINDS},
            bandwidth=bandwidth, overhead=overhead,
            extra={"peak_gemm_gflops": f"{peak / 1e9:.1f}",
                   "copy_gbs": f"{bandwidth / 1e9:.1f}"})
    else:
        report("calibrating: a ladder of operations per kind (PyTorch, 1 thread)")
        samples = _ladder(report)
        for kind, seconds in overhead.items():
            samples.append(([(0, kind, 0, 0)], seconds))
        profile = fit_terms(
            name, samples, rate_class={k: k for k in COMPUTE_KINDS},
            overhead_class={k: k for k in LATENCY_KINDS}, description=description,
            provenance=f"{measured} and a ladder of {len(samples) - 5} operations with "
                       f"PyTorch (1 thread); rates, overheads and bandwidth (at most the "
                       f"copy's) fitted by non-negative least squares",
            dtype="float32", fused_activations=True, max_bandwidth=bandwidth)
        profile = replace(profile, extra={"peak_gemm_gflops": f"{peak / 1e9:.1f}",
                                          "copy_gbs": f"{bandwidth / 1e9:.1f}"})
    return profile


__all__ = ["BACKENDS", "CHAIN", "MAX_SPREAD", "CalibrationError", "calibrate"]
