"""Validation (d): this CPU through ONNX Runtime, fitted on MobileNet v1 and v2, held out on
every other family.

1. Measure (costmodel.measure: the exported ONNX graph in ONNX Runtime, one intra-op thread,
   the process pinned to one core; warm-up, then the median of timed runs, and the per-node
   profile) the MobileNet v1 and v2 configurations of the fit set and, for every other family
   of costmodel.networks(), its smallest and largest built-in network at their default sizes
   (timm's v1 and v2 builds are v1 and v2, and are left out). Everything is measured in
   ``--passes`` passes, one after the other, so that the run-to-run spread shows twice: within a
   configuration (the interquartile range of its runs) and between passes.
2. Fit, on the v1 and v2 rows only (twice: each configuration's time its median, and its
   fastest run, which a machine shared with other work disturbs least):
   * the latency model (one GEMM rate, one depthwise rate, one overhead per operation, the
     bandwidth at most the copy bandwidth measured by costmodel.calibrate), per operation
     (costmodel.hardware.profile_fit.fit_layer_profile: each operation's kernel time from
     ONNX Runtime's profile, then the fixed time per inference from the whole runs), with
     ONNX Runtime's swish, h-swish, sigmoid and GELU as nodes of their own (ReLU and ReLU6
     fuse into the conv); beside it, ``model_whole_runs``: the same model fitted on the
     whole runs' times only (fit_terms), which cannot tell the overhead of an operation from
     the fixed time per inference;
   * a Mult-Adds-affine baseline, t = a + b·Mult-Adds;
   * an activation-count-affine baseline, t = a + b·(output elements of conv and fc
     operations, as fvcore counts activations);
   all three by least squares on relative errors. The ONNX Runtime calibration
   (costmodel.calibrate, not fitted on networks) is shown beside them.
3. On the held-out rows: MAPE, Kendall τ of the end-to-end times, per family too; per layer:
   the share of operations whose estimate is within 2× of ONNX Runtime's kernel time (the
   baselines per layer: their intercept spread evenly over the operations plus their slope
   times the operation's Mult-Adds or activations).

Needs the onnx extra (make bench). Writes latency_onnx.csv (one row per measured
configuration, with its spread) and latency_onnx_summary.csv (the measures). ``--quick`` runs a
small version (fewer v1/v2 rows, one network per held-out family, one pass). The machine may be
shared: the spread columns say how much that moved the times.
"""

from __future__ import annotations

import os

os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import csv  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from results_table import machine, write_results  # noqa: E402

import costmodel  # noqa: E402
from costmodel.base.kinds import OpKind  # noqa: E402
from costmodel.core.counting import count_ops  # noqa: E402
from costmodel.hardware.calibration import CalibrationError  # noqa: E402
from costmodel.hardware.latency import latency_kind, terms  # noqa: E402
from costmodel.hardware.latency_validation import kendall_tau, mape  # noqa: E402
from costmodel.hardware.profile_fit import (  # noqa: E402
    OVERHEAD_CLASS,
    RATE_CLASS,
    fit_layer_profile,
    fit_terms,
)
from costmodel.hardware.profile_spec import Profile  # noqa: E402

HERE = Path(__file__).resolve().parent
FIT_FAMILIES = ("MobileNet v1", "MobileNet v2")
V1 = [(a, r) for a in (1.0, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)]
V2 = [(a, r) for a in (1.4, 1.0, 0.75, 0.5, 0.35) for r in (224, 160, 96)]
V1_QUICK = [(a, r) for a in (1.0, 0.5, 0.25) for r in (224, 128)]
V2_QUICK = [(a, r) for a in (1.0, 0.5, 0.35) for r in (224, 128)]


@dataclass
class Row:
    network: str
    family: str
    role: str  # fit or held out
    alpha: float
    resolution: int
    mult_adds: int
    activations: int
    medians_ms: list[float] = field(default_factory=list)  # per pass
    minima_ms: list[float] = field(default_factory=list)  # per pass
    spreads_pct: list[float] = field(default_factory=list)  # per pass: IQR / median
    layers: list[dict[str, float]] = field(default_factory=list)  # per pass: ms per operation

    def measured(self, statistic: str) -> float:
        """The median over passes of each pass's median, or the fastest run of all."""
        return (statistics.median(self.medians_ms) if statistic == "median"
                else min(self.minima_ms))

    def layer_seconds(self, statistic: str) -> dict[str, float]:
        """Each operation's kernel seconds: the median over passes of each pass's median, or
        the smallest pass median."""
        pick = statistics.median if statistic == "median" else min
        return {name: pick(p.get(name, 0.0) for p in self.layers) / 1e3
                for name in self.layers[0]}


def activations(network: str, alpha: float, resolution: int) -> int:
    """Output elements of the conv and fc operations (fvcore's activation count)."""
    r = costmodel.report(alpha, resolution=resolution, network=network)
    return sum(op.out_channels * op.out_size * op.out_size
               for op in count_ops(r.graph, r.alpha, r.resolution)
               if op.kind in (OpKind.CONV, OpKind.FC))


def configurations(quick: bool) -> list[Row]:
    rows = []
    family_of = {n.name: n.family for n in costmodel.networks()}
    for network, grid in (("mobilenet_v1", V1_QUICK if quick else V1),
                          ("mobilenet_v2", V2_QUICK if quick else V2)):
        for alpha, resolution in grid:
            r = costmodel.report(alpha, resolution=resolution, network=network)
            rows.append(Row(network, family_of[network], "fit", r.alpha, r.resolution, r.mult_adds,
                            activations(network, r.alpha, r.resolution)))
    families: dict[str, list[tuple[int, str]]] = {}
    for n in costmodel.networks():
        if n.family.startswith(FIT_FAMILIES):
            continue
        families.setdefault(n.family, []).append((costmodel.report(network=n.name).mult_adds,
                                                  n.name))
    for family, members in families.items():
        members.sort()
        picked = [members[0][1]] if quick or len(members) == 1 else [members[0][1],
                                                                      members[-1][1]]
        for name in picked:
            r = costmodel.report(network=name)
            rows.append(Row(name, family, "held out", r.alpha, r.resolution, r.mult_adds,
                            activations(name, r.alpha, r.resolution)))
    return rows


def affine(x: list[float], y: list[float]) -> tuple[float, float]:
    """(a, b) of t = a + b·x, least squares on relative errors."""
    design = np.array([[1.0, v] for v in x]) / np.array(y)[:, None]
    solution, *_ = np.linalg.lstsq(design, np.ones(len(y)), rcond=None)
    return float(solution[0]), float(solution[1])






def measure_all(rows: list[Row], passes: int, repeats: int, calibrated: Profile) -> None:
    for p in range(passes):
        for i, row in enumerate(rows):
            m = costmodel.measure(row.alpha, resolution=row.resolution, network=row.network,
                                  warmup=5, repeats=repeats, layers=True, profile=calibrated)
            row.medians_ms.append(m.median_ms)
            row.minima_ms.append(min(m.times_ms))
            row.spreads_pct.append(m.spread_pct)
            assert m.layers is not None
            row.layers.append(dict(zip(m.layers["name"], m.layers["measured_ms"], strict=True)))
            print(f"pass {p + 1}/{passes}, {i + 1}/{len(rows)}: {row.network} α = "
                  f"{row.alpha:g} {row.resolution} px: {m.median_ms:.3f} ms (IQR "
                  f"{m.spread_pct:.0f} %)", flush=True)


METHODS = ("model", "model_whole_runs", "mult_adds_affine", "activations_affine", "calibrated")


def graph_terms(row: Row) -> list[tuple[int, str, int, int]]:
    r = costmodel.report(row.alpha, resolution=row.resolution, network=row.network)
    return terms(count_ops(r.graph, r.alpha, r.resolution), 4, False)


def analyse(rows: list[Row], statistic: str, calibrated: Profile, copy_bandwidth: float,
            ) -> tuple[list[tuple[str, float, str, str, str]], dict[int, dict[str, float]]]:
    """The measures of the module docstring, with each configuration's time its
    ``statistic`` (median or min); and every configuration's predictions."""
    fit = [r for r in rows if r.role == "fit"]
    held = [r for r in rows if r.role == "held out"]
    runs = []
    for r in fit:
        report = costmodel.report(r.alpha, resolution=r.resolution, network=r.network)
        runs.append((report.graph, report.alpha, report.resolution,
                     r.measured(statistic) / 1e3, r.layer_seconds(statistic)))
    profile = fit_layer_profile(runs, name=f"ort-fitted-v1-v2-{statistic}",
                                description="this machine, ONNX Runtime, fitted on v1 and v2 "
                                            "per operation",
                                provenance="benchmarks/latency_onnx.py", dtype="float32",
                                fused_activations=False, max_bandwidth=copy_bandwidth)
    whole = fit_terms(f"ort-fitted-v1-v2-whole-{statistic}",
                      [(graph_terms(r), r.measured(statistic) / 1e3) for r in fit],
                      rate_class=RATE_CLASS, overhead_class=OVERHEAD_CLASS,
                      description="this machine, ONNX Runtime, fitted on v1 and v2 whole runs",
                      provenance="benchmarks/latency_onnx.py", dtype="float32",
                      fused_activations=False, max_bandwidth=copy_bandwidth)
    ma = affine([r.mult_adds for r in fit], [r.measured(statistic) for r in fit])
    act = affine([r.activations for r in fit], [r.measured(statistic) for r in fit])

    def predict(row: Row) -> dict[str, float]:
        report = costmodel.report(row.alpha, resolution=row.resolution, network=row.network)
        return {"model": report.latency(profile).total_ms,
                "model_whole_runs": report.latency(whole).total_ms,
                "calibrated": report.latency(calibrated).total_ms,
                "mult_adds_affine": ma[0] + ma[1] * row.mult_adds,
                "activations_affine": act[0] + act[1] * row.activations}

    predictions = {id(r): predict(r) for r in rows}
    by_kind: dict[str, list[int]] = {}
    layer_counts = {m: [0, 0] for m in METHODS}
    for row in held:
        report = costmodel.report(row.alpha, resolution=row.resolution, network=row.network)
        estimate = {m: report.latency(p).layers.set_index("name")["latency_ms"]
                    for m, p in (("model", profile), ("model_whole_runs", whole),
                                 ("calibrated", calibrated))}
        ops = {op.name: op for op in count_ops(report.graph, report.alpha, report.resolution)}
        for name, op in ops.items():
            times = [float(per_pass.get(name, 0.0)) for per_pass in row.layers]
            value = statistics.median(times) if statistic == "median" else min(times)
            if value <= 0:  # fused into a neighbour by ONNX Runtime
                continue
            act_out = (op.out_channels * op.out_size * op.out_size
                       if op.kind in (OpKind.CONV, OpKind.FC) else 0)
            guesses = {"model": float(estimate["model"][name]),
                       "model_whole_runs": float(estimate["model_whole_runs"][name]),
                       "calibrated": float(estimate["calibrated"][name]),
                       "mult_adds_affine": ma[0] / len(ops) + ma[1] * op.mult_adds,
                       "activations_affine": act[0] / len(ops) + act[1] * act_out}
            for m in METHODS:
                layer_counts[m][1] += 1
                layer_counts[m][0] += guesses[m] > 0 and 0.5 <= guesses[m] / value <= 2
            kind = by_kind.setdefault(str(latency_kind(op)), [0, 0])
            kind[1] += 1
            kind[0] += 0.5 <= guesses["model"] / value <= 2
    measured_held = [r.measured(statistic) for r in held]
    label = f"[{statistic}] "
    results: list[tuple[str, float, str, str, str]] = []
    families = len({r.family for r in held})
    for m in METHODS:
        predicted = [predictions[id(r)][m] for r in held]
        results.append((f"{label}held out ({len(held)} configurations of {families} families): "
                        f"MAPE, {m}", mape(predicted, measured_held), "%",
                        "<= 15 %" if m == "model" else "", "end-to-end"))
        results.append((f"{label}held out: Kendall tau, {m}",
                        kendall_tau(predicted, measured_held), "",
                        ">= 0.9" if m == "model" else "", "end-to-end"))
    for m in METHODS:
        results.append((f"{label}fit rows ({len(fit)} v1/v2 configurations): MAPE, {m}",
                        mape([predictions[id(r)][m] for r in fit],
                             [r.measured(statistic) for r in fit]), "%", "", "in-sample"))
    for m in METHODS:
        good, total = layer_counts[m]
        results.append((f"{label}held-out layers within 2x of ONNX Runtime's kernel time, {m}",
                        100 * good / max(total, 1), "%", ">= 85 %" if m == "model" else "",
                        f"{total} operations with a kernel of their own"))
    for kind, (good, total) in sorted(by_kind.items()):
        results.append((f"{label}held-out {kind} layers within 2x, model",
                        100 * good / max(total, 1), "%", "", f"{total} operations"))
    results.append((f"{label}fitted rates: GEMM-like, depthwise",
                    profile.peak_flops["pointwise"] / 1e9, "GFLOP/s", "",
                    f"depthwise {profile.peak_flops['depthwise'] / 1e9:.1f}; bandwidth "
                    f"{profile.bandwidth / 1e9:.1f} GB/s; overhead "
                    f"{profile.overhead['pointwise'] * 1e6:.1f} us per operation; fixed "
                    f"{profile.invocation * 1e3:.2f} ms per inference"))
    print(f"\n[{statistic}] per family (held out): measured ms / model / Mult-Adds-affine / "
          f"activations-affine")
    for name in sorted({r.family for r in held}):
        members = [r for r in held if r.family == name]
        line = ", ".join(f"{r.network} {r.measured(statistic):.2f} / "
                         f"{predictions[id(r)]['model']:.2f} / "
                         f"{predictions[id(r)]['mult_adds_affine']:.2f} / "
                         f"{predictions[id(r)]['activations_affine']:.2f}" for r in members)
        print(f"  {name}: {line}")
    return results, predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small version")
    parser.add_argument("--passes", type=int, default=None, help="passes (default 2; quick 1)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs (default 30)")
    args = parser.parse_args()
    passes = args.passes or (1 if args.quick else 2)
    repeats = args.repeats or (15 if args.quick else 30)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    print("calibrating this machine with ONNX Runtime (not saved) ...")
    calibrated = None
    for attempt in range(5):  # a loaded machine may fail the calibration's noise check
        try:
            calibrated = costmodel.calibrate("ort-calibrated", save=False, backend="onnxruntime")
            break
        except CalibrationError as error:
            print(f"  attempt {attempt + 1}: {error}")
    if calibrated is None:
        raise SystemExit("the machine is too noisy to calibrate; try again when it is quieter")
    copy_bandwidth = float(calibrated.extra["copy_gbs"]) * 1e9
    rows = configurations(args.quick)
    print(f"{len(rows)} configurations × {passes} passes, {repeats} timed runs each")
    measure_all(rows, passes, repeats, calibrated)
    results: list[tuple[str, float, str, str, str]] = []
    predictions: dict[str, dict[int, dict[str, float]]] = {}
    for statistic in ("median", "min"):
        found, predictions[statistic] = analyse(rows, statistic, calibrated, copy_bandwidth)
        results += found
    spreads = [s for r in rows for s in r.spreads_pct]
    results.append(("run-to-run spread within a configuration, median IQR/median",
                    statistics.median(spreads), "%", "", f"largest {max(spreads):.0f} %"))
    if passes > 1:
        between = [100 * (max(r.medians_ms) - min(r.medians_ms)) / r.measured("median")
                   for r in rows]
        results.append(("run-to-run spread between passes, median (max-min)/median",
                        statistics.median(between), "%", "", f"largest {max(between):.0f} %"))
    results.append(("wall time of this benchmark", time.perf_counter() - started, "s", "",
                    f"{len(rows)} configurations × {passes} passes × {repeats} runs; load "
                    f"average {os.getloadavg()[0]:.1f} at the end"))
    print()
    for name, value, unit, target, note in results:
        print(f"  {name}: {value:.3g} {unit} (target {target or '-'}; {note})")
    suffix = "_quick" if args.quick else ""
    write_results(HERE / f"latency_onnx_summary{suffix}.csv", results)
    with (HERE / f"latency_onnx{suffix}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["network", "family", "role", "alpha", "resolution", "mult_adds",
                         "activations", "median_ms", "min_ms", "pass_medians_ms", "iqr_pct",
                         *[f"{m}_ms_fit_on_median" for m in METHODS], "machine"])
        for r in rows:
            writer.writerow([r.network, r.family, r.role, f"{r.alpha:g}", r.resolution,
                             r.mult_adds, r.activations, f"{r.measured('median'):.4f}",
                             f"{r.measured('min'):.4f}",
                             " ".join(f"{v:.4f}" for v in r.medians_ms),
                             " ".join(f"{v:.1f}" for v in r.spreads_pct),
                             *[f"{predictions['median'][id(r)][m]:.4f}" for m in METHODS],
                             machine()])


if __name__ == "__main__":
    main()
