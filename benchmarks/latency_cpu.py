"""Validation (b): this CPU, measured with PyTorch at one thread.

1. Calibrate this machine (costmodel.calibrate with PyTorch, not saved).
2. For the 16 MobileNet v1 and 22 MobileNet v2 configurations of the published tables, time
   every conv and fully connected layer alone (batch 1, float32, NCHW, batchnorm folded, the
   shapes of report().layers): warm-up, then the median of 30 runs, the repeats interleaved
   across layers so that a noisy moment hits all of them alike.
3. Set the calibrated estimate and the Mult-Adds-only figure (2·MACs / P) against them:
   the share of layers within 2×, the depthwise share of time, and the rank (Kendall τ) of the
   end-to-end times of whole forward passes over the 38 configurations.
4. Report run-to-run spread: the calibration twice, and each configuration's end-to-end time in
   three batches.

Needs the bench or crosscheck extra (PyTorch). Writes latency_cpu.csv. Takes a few minutes.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import torch  # noqa: E402
from results_table import write_results  # noqa: E402

import costmodel  # noqa: E402
from costmodel.base.kinds import OpKind  # noqa: E402
from costmodel.core.counting import count_ops  # noqa: E402
from costmodel.hardware.latency import latency_kind  # noqa: E402
from costmodel.hardware.latency_validation import kendall_tau  # noqa: E402

HERE = Path(__file__).resolve().parent
REPEATS = 30
V1 = [(a, r) for a in (1.0, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)]
V2 = [(a, r) for a in (1.4, 1.3) for r in (224,)] + [
    (a, r) for a in (1.0, 0.75, 0.5, 0.35) for r in (224, 192, 160, 128, 96)]
CONFIGS = [("mobilenet_v1", a, r) for a, r in V1] + [("mobilenet_v2", a, r) for a, r in V2]


def layer_calls(network: str, alpha: float, resolution: int) -> list[tuple[str, str, object]]:
    """(name, latency kind, zero-argument call) of each conv and fc layer alone."""
    r = costmodel.report(alpha, resolution=resolution, network=network)
    calls = []
    functional = torch.nn.functional
    for op in count_ops(r.graph, r.alpha, r.resolution):
        if op.kind is OpKind.CONV:
            x = torch.randn(1, op.in_channels, op.in_size, op.in_size)
            w = torch.randn(op.out_channels, op.in_channels // op.groups, op.kernel, op.kernel)
            b = torch.randn(op.out_channels) if op.bias else None

            def call(x: torch.Tensor = x, w: torch.Tensor = w, b: object = b,
                     stride: int = op.stride, pad: int = op.kernel // 2,
                     groups: int = op.groups) -> object:
                return functional.conv2d(x, w, b, stride=stride, padding=pad, groups=groups)
        elif op.kind is OpKind.FC:
            x = torch.randn(1, op.in_channels)
            w = torch.randn(op.out_channels, op.in_channels)
            b = torch.randn(op.out_channels)

            def call(x: torch.Tensor = x, w: torch.Tensor = w, b: torch.Tensor = b) -> object:
                return functional.linear(x, w, b)
        else:
            continue
        calls.append((op.name, latency_kind(op), call))
    return calls


def forward(network: str, alpha: float, resolution: int) -> object:
    """A whole forward pass (convs, ReLU6/ReLU, residual adds, pool, classifier) as one call."""
    r = costmodel.report(alpha, resolution=resolution, network=network)
    ops = count_ops(r.graph, r.alpha, r.resolution)
    functional = torch.nn.functional
    weights = []
    for op in ops:
        if op.kind is OpKind.CONV:
            weights.append(torch.randn(op.out_channels, op.in_channels // op.groups, op.kernel,
                                       op.kernel))
        elif op.kind is OpKind.FC:
            weights.append(torch.randn(op.out_channels, op.in_channels))
        else:
            weights.append(None)
    block_of = [op.block for op in ops]
    x0 = torch.randn(1, 3, resolution, resolution)

    def run() -> object:
        x = x0
        block_input: dict[int, torch.Tensor] = {}
        for op, w, block in zip(ops, weights, block_of, strict=True):
            if block and block not in block_input:
                block_input[block] = x
            if op.kind is OpKind.CONV:
                x = functional.conv2d(x, w, stride=op.stride, padding=op.kernel // 2,
                                      groups=op.groups)
                if op.activation.value != "none":
                    x = functional.relu6(x)
            elif op.kind is OpKind.POOL:
                x = x.mean(dim=(2, 3))
            elif op.kind is OpKind.FC:
                x = functional.linear(x, w)
            elif op.kind is OpKind.ADD:
                x = x + block_input[block]
        return x

    return run


def measure_layers(calls: list[tuple[str, str, object]]) -> list[float]:
    """Median seconds of each call over REPEATS interleaved rounds, after 5 warm-ups."""
    with torch.no_grad():
        for _, _, call in calls:
            for _ in range(5):
                call()  # type: ignore[operator]
        samples: list[list[float]] = [[] for _ in calls]
        for _ in range(REPEATS):
            for i, (_, _, call) in enumerate(calls):
                start = time.perf_counter()
                call()  # type: ignore[operator]
                samples[i].append(time.perf_counter() - start)
    return [statistics.median(s) for s in samples]




def main() -> None:
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    # PyTorch: the layers below are timed with PyTorch
    first = costmodel.calibrate("cpu-run-1", save=False, progress=print, backend="pytorch")
    profile = costmodel.calibrate("cpu", save=False, backend="pytorch")
    peak = float(profile.extra["peak_gemm_gflops"]) * 1e9
    print(f"calibration twice: peak GEMM {first.extra['peak_gemm_gflops']} and "
          f"{profile.extra['peak_gemm_gflops']} GFLOP/s, copy {first.extra['copy_gbs']} and "
          f"{profile.extra['copy_gbs']} GB/s; fitted 1×1 rate "
          f"{profile.peak_flops['pointwise'] / 1e9:.0f} GFLOP/s")
    within_model = within_macs = layers = 0
    dw_gaps: list[float] = []
    measured_totals: list[float] = []
    predicted_totals: list[float] = []
    macs_totals: list[float] = []
    spreads: list[float] = []
    for network, alpha, resolution in CONFIGS:
        calls = layer_calls(network, alpha, resolution)
        measured = measure_layers(calls)
        estimate = costmodel.report(alpha, resolution=resolution, network=network).latency(
            profile).layers.set_index("name")
        predicted = [float(estimate.loc[name, "latency_ms"]) / 1e3 for name, _, _ in calls]
        macs_only = [2 * float(estimate.loc[name, "mult_adds"]) / peak for name, _, _ in calls]
        for m, p, q in zip(measured, predicted, macs_only, strict=True):
            layers += 1
            within_model += 0.5 <= p / m <= 2
            within_macs += q > 0 and 0.5 <= q / m <= 2
        dw = [i for i, (_, kind, _) in enumerate(calls) if kind == "depthwise"]
        share_measured = 100 * sum(measured[i] for i in dw) / sum(measured)
        share_predicted = 100 * sum(predicted[i] for i in dw) / sum(predicted)
        dw_gaps.append(abs(share_measured - share_predicted))
        run = forward(network, alpha, resolution)
        with torch.no_grad():
            for _ in range(3):
                run()  # type: ignore[operator]
            batches = [statistics.median(
                [_time(run) for _ in range(10)]) for _ in range(3)]
        measured_totals.append(statistics.median(batches))
        spreads.append((max(batches) - min(batches)) / statistics.median(batches))
        predicted_totals.append(sum(predicted))
        macs_totals.append(sum(macs_only))
        print(f"{network} {alpha:g}-{resolution}: layers {sum(measured) * 1e3:.2f} ms measured, "
              f"{sum(predicted) * 1e3:.2f} predicted; depthwise share {share_measured:.0f} % "
              f"measured, {share_predicted:.0f} % predicted; forward "
              f"{measured_totals[-1] * 1e3:.2f} ms")
    tau_model = kendall_tau(measured_totals, predicted_totals)
    tau_macs = kendall_tau(measured_totals, macs_totals)
    rows = [
        ("layers within 2x of the measured time, calibrated estimate", 100 * within_model / layers,
         "%", ">= 85 %", f"{layers} conv/fc layers of 16 v1 and 22 v2 configurations"),
        ("layers within 2x, Mult-Adds-only (2·MACs / peak GEMM rate)",
         100 * within_macs / layers, "%", "", "same layers"),
        ("depthwise share of time, |predicted - measured|, mean", statistics.mean(dw_gaps),
         "points", "<= 10", f"largest {max(dw_gaps):.1f}"),
        ("end-to-end rank, Kendall tau, calibrated estimate", tau_model, "", ">= 0.8",
         "38 configurations, whole forward passes"),
        ("end-to-end rank, Kendall tau, Mult-Adds-only", tau_macs, "", "", "same"),
        ("run-to-run spread of end-to-end times, median (max-min)/median",
         100 * statistics.median(spreads), "%", "", f"largest {100 * max(spreads):.0f} %"),
        ("peak GEMM rate (1024² matmul), two calibrations", peak / 1e9, "GFLOP/s", "",
         f"first run {first.extra['peak_gemm_gflops']}"),
        ("copy bandwidth (128 MiB), two calibrations", float(profile.extra["copy_gbs"]), "GB/s",
         "", f"first run {first.extra['copy_gbs']}"),
        ("fitted rates: 1×1 conv, depthwise", profile.peak_flops["pointwise"] / 1e9, "GFLOP/s",
         "", f"depthwise {profile.peak_flops['depthwise'] / 1e9:.1f}; fitted bandwidth "
             f"{profile.bandwidth / 1e9:.1f} GB/s"),
        ("calibrated depthwise overhead", profile.overhead["depthwise"] * 1e6, "us", "",
         f"pointwise {profile.overhead['pointwise'] * 1e6:.1f} us"),
    ]
    for name, value, unit, target, note in rows:
        print(f"  {name}: {value:.3g} {unit} (target {target or '-'}; {note})")
    write_results(HERE / "latency_cpu.csv", rows)


def _time(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
