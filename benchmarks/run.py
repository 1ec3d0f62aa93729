"""Speed of costmodel against hook-based counters, side by side, in one run, on one core.

Run with ``make bench`` (installs the ``bench`` extra: PyTorch CPU, fvcore, ptflops, thop).
Prints a table and writes ``benchmarks/results.csv``. Every timing is a median of repeats.
Agreement is checked on every configuration that two counters both count (see ``AGREEMENT``).
"""

from __future__ import annotations

import os

# One core, one thread everywhere, before numpy or torch load.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from results_table import machine, write_results  # noqa: E402

import costmodel  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "crosscheck"))

#: How each counter's extra operations are taken out to reach the shared convention
#: (multiply-accumulates of conv and FC weights only).
AGREEMENT = {
    "fvcore": "minus its adaptive_avg_pool2d entry (one per pooled input element; ReLU ignored)",
    "ptflops (aten)": "minus the FC bias add (one per class); the default pytorch backend also "
                      "counts ReLU and pooling and is not comparable",
    "thop": "minus its AdaptiveAvgPool2d module (H·W + 1 per channel); ReLU counts zero",
}


def median_per_call(function: Callable[[], object], calls: int, repeats: int = 7) -> float:
    """Median over ``repeats`` of the mean time of ``calls`` calls, in seconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


NETWORKS = ("mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
            "mnasnet_a1", "efficientnet_b0", "efficientnet_b3")


def bench_report(network: str, configs: list[tuple[float, int]]) -> float:
    """report() totals on distinct configurations (a new α each time: nothing cached)."""
    costmodel.report(network=network)  # warm: imports and the network's plan
    samples = []
    for _ in range(7):
        batch = configs[:]
        random.shuffle(batch)
        start = time.perf_counter()
        for a, r in batch:
            costmodel.report(a, resolution=r, network=network)
        samples.append((time.perf_counter() - start) / len(batch))
    return statistics.median(samples)


def bench_layers(configs: list[tuple[float, int]]) -> float:
    """report().layers, first access, MobileNet v1."""
    table = []
    for a, r in configs[:300]:
        report = costmodel.report(a, resolution=r)
        start = time.perf_counter()
        report.layers  # noqa: B018
        table.append(time.perf_counter() - start)
    return statistics.median(table)


def bench_grid(network: str) -> float:
    alphas = np.linspace(0.25, 1.4, 1000)
    resolutions = np.arange(32, 1032)
    costmodel.sweep(alphas[:2], resolutions[:2], network=network)  # warm
    return median_per_call(lambda: costmodel.sweep(alphas, resolutions, network=network), 1, 9)


def bench_paired() -> dict[str, float]:
    rng = np.random.default_rng(0)
    pa = rng.uniform(0.25, 1.4, 10**6)
    pr = rng.integers(32, 1032, 10**6)
    paired = median_per_call(lambda: costmodel.sweep(pa, pr, paired=True), 1, 9)
    tracemalloc.start()
    costmodel.sweep(pa, pr, paired=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    inputs = pa.nbytes + pr.nbytes
    return {"paired": paired, "peak_mb": peak / 2**20, "inputs_mb": inputs / 2**20}


def bench_import() -> float:
    code = "import time; t = time.perf_counter(); import costmodel; print(time.perf_counter() - t)"
    samples = [float(subprocess.check_output([sys.executable, "-c", code], text=True))
               for _ in range(7)]
    return statistics.median(samples)


def counters() -> dict[str, Callable[[object, int], int]]:
    """Each hook-based counter as ``f(model, resolution) -> MACs under the shared convention``."""
    import torch
    from fvcore.nn import FlopCountAnalysis
    from ptflops import get_model_complexity_info
    from thop import profile

    def fvcore_count(model: torch.nn.Module, resolution: int) -> int:
        analysis = FlopCountAnalysis(model, torch.zeros(1, 3, resolution, resolution))
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        return int(analysis.total()) - int(analysis.by_operator().get("adaptive_avg_pool2d", 0))

    def ptflops_count(model: torch.nn.Module, resolution: int) -> int:
        macs, _ = get_model_complexity_info(
            model, (3, resolution, resolution), as_strings=False,
            print_per_layer_stat=False, backend="aten")
        return int(macs) - model[-1].out_features

    def thop_count(model: torch.nn.Module, resolution: int) -> int:
        total, _, layers = profile(model, inputs=(torch.zeros(1, 3, resolution, resolution),),
                                   verbose=False, ret_layer_info=True)
        pool = next(i for i, m in enumerate(model) if isinstance(m, torch.nn.AdaptiveAvgPool2d))
        return int(total) - int(layers[str(pool)][0])

    return {"fvcore": fvcore_count, "ptflops (aten)": ptflops_count, "thop": thop_count}


def bench_counters(configs: list[tuple[float, int]]) -> dict[str, dict[str, float]]:
    import torch
    from torch_mobilenet import build

    torch.set_num_threads(1)
    results: dict[str, dict[str, float]] = {}
    for name, count in counters().items():
        excluded, included, agree = [], [], 0
        count(build(1.0), 224)  # warm-up
        for a, r in configs:
            start = time.perf_counter()
            model = build(a)
            built = time.perf_counter()
            value = count(model, r)
            done = time.perf_counter()
            excluded.append(done - built)
            included.append(done - start)
            agree += value == costmodel.report(a, resolution=r).mult_adds
        results[name] = {"excluded": statistics.median(excluded),
                         "included": statistics.median(included),
                         "agree": agree, "configs": len(configs)}
    return results


def bench_torchvision() -> dict[str, dict[str, float]]:
    """fvcore on torchvision's own builds of the later families, timed per configuration
    (model built beforehand), with agreement against report(rules="torchvision")."""
    import torch
    import torchvision
    from fvcore.nn import FlopCountAnalysis

    torch.set_num_threads(1)
    builders = {"mobilenet_v2": torchvision.models.mobilenet_v2,
                "mobilenet_v3_large": torchvision.models.mobilenet_v3_large,
                "efficientnet_b0": torchvision.models.efficientnet_b0,
                "efficientnet_b3": torchvision.models.efficientnet_b3}
    out: dict[str, dict[str, float]] = {}
    for network, builder in builders.items():
        model = builder().eval()
        resolution = costmodel.report(network=network).resolution
        times, agree = [], 0
        for _ in range(5):
            start = time.perf_counter()
            with torch.no_grad():
                analysis = FlopCountAnalysis(model, torch.zeros(1, 3, resolution, resolution))
                analysis.unsupported_ops_warnings(False)
                analysis.uncalled_modules_warnings(False)
                by_operator = analysis.by_operator()
            times.append(time.perf_counter() - start)
            macs = int(by_operator.get("conv", 0)) + int(by_operator.get("linear", 0))
            agree += macs == costmodel.report(network=network, rules="torchvision").mult_adds
        out[network] = {"time": statistics.median(times), "agree": agree, "runs": 5}
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    random.seed(0)
    distinct = list({(round(random.uniform(0.25, 1.4), 6), random.randint(96, 320))
                     for _ in range(3000)})
    report_s = {network: bench_report(network, distinct) for network in NETWORKS}
    table_s = bench_layers(distinct)
    grid_s = {network: bench_grid(network) for network in NETWORKS}
    sweeps = bench_paired()
    import_s = bench_import()
    paper = [(a, r) for a in (1.0, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)]
    odd = [(0.3, 97), (0.6, 135), (1.3, 33), (0.1, 64)]
    try:
        counted = bench_counters(paper + odd)
        torchvision = bench_torchvision()
    except ImportError as error:
        print(f"hook-based counters not installed ({error}); run `make bench`", file=sys.stderr)
        counted, torchvision = {}, {}
    rows = [(f"report() totals, per new configuration, {network}", seconds * 1e6, "us",
             "<= 20 us", "") for network, seconds in report_s.items()]
    rows += [("report().layers, first access, mobilenet_v1", table_s * 1e3, "ms", "<= 1 ms", "")]
    rows += [(f"sweep 1000 x 1000 grid, {network}", seconds * 1e3, "ms", "<= 10 ms", "")
             for network, seconds in grid_s.items()]
    rows += [
        ("sweep 10^6 paired configurations, mobilenet_v1", sweeps["paired"] * 1e3, "ms",
         "<= 100 ms", ""),
        ("sweep 10^6 paired, peak memory (tracemalloc)", sweeps["peak_mb"], "MiB", "",
         f"inputs {sweeps['inputs_mb']:.1f} MiB"),
        ("import costmodel", import_s * 1e3, "ms", "<= 600 ms", ""),
    ]
    v1 = report_s["mobilenet_v1"]
    for name, r in counted.items():
        rows.append((f"{name}, per configuration, model built beforehand", r["excluded"] * 1e3,
                     "ms", "", f"{r['excluded'] / v1:,.0f}x report()"))
        rows.append((f"{name}, per configuration, model build included", r["included"] * 1e3,
                     "ms", "", f"{r['included'] / v1:,.0f}x report()"))
        rows.append((f"{name}, agreement with report() to the unit", r["agree"], "configs",
                     f"{r['configs']} of {r['configs']}", AGREEMENT[name]))
    for network, r in torchvision.items():
        rows.append((f"fvcore on torchvision {network}, per configuration", r["time"] * 1e3,
                     "ms", "", f"{r['time'] / report_s.get(network, v1):,.0f}x report(); "
                     f"conv + linear equal report(rules='torchvision') in {r['agree']:.0f} of "
                     f"{r['runs']:.0f} runs"))
    width = max(len(r[0]) for r in rows)
    print(f"costmodel benchmark, one core ({machine()}); medians")
    for name, value, unit, target, note in rows:
        shown = f"{value:,.0f}" if unit == "configs" else f"{value:,.3g}"
        print(f"  {name:<{width}}  {shown:>9} {unit:<7} {target:<10} {note}")
    write_results(HERE / "results.csv", rows)


if __name__ == "__main__":
    main()
