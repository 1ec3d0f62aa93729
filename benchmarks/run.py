"""Speed of costmodel on every built-in network, and against hook-based counters, side by side,
in one run, on one core.

Run with ``make bench`` (installs the ``bench`` extra: PyTorch CPU, fvcore, ptflops, thop).
Prints a summary and writes ``benchmarks/results.csv`` (the summary and the comparisons) and
``benchmarks/networks.csv`` (every network: report() per new configuration, report() at
widths not seen before, the 1000 × 1000 grid where the widths scale with α, 10^6 paired
configurations). Every timing is a median of repeats. Agreement is checked on every
configuration that two counters both count (see ``AGREEMENT``).

``python benchmarks/run.py --networks`` times the per-network table alone (no hook-based
counters; about a minute) and rewrites ``benchmarks/networks.csv`` only.
"""

from __future__ import annotations

import os

# One core, one thread everywhere, before numpy or torch load.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import csv  # noqa: E402
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
from costmodel.core.counting import clear_caches, widths_cached  # noqa: E402
from costmodel.descriptions.builtin_networks import FAMILY, NETWORK_NAMES, get_network  # noqa: E402

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


#: The networks whose widths scale with α (a timm network's builder fixes α by name: only its
#: own α is accepted, so it has no α × resolution grid).
SCALING = tuple(name for name in NETWORK_NAMES if not get_network(name).fixed_width)


def new_configurations(network: str, rng: random.Random, count: int) -> list[tuple[float, int]]:
    """``count`` configurations with distinct resolutions in [32, 1031], in random order, and
    where the widths scale with α a new random α each (so no per-α entry is cached); a network
    whose builder fixes α has that α only, whose weights are cached from its first call."""
    net = get_network(network)
    resolutions = rng.sample(range(32, 1032), count)
    if net.fixed_width:
        return [(net.width, r) for r in resolutions]
    return [(rng.uniform(0.25, 1.4), r) for r in resolutions]


def bench_report(network: str, rng: random.Random, count: int = 1000,
                 cold: bool = False) -> tuple[float, float]:
    """(report() totals per new configuration, share of those configurations whose widths
    were already cached): the median over 7 batches of ``count`` new configurations (new α
    values in every batch, so the per-α cache of :func:`costmodel.core.counting.weights_at`
    never holds them; the widths they round to may have been seen at another α, and then
    the cache by widths answers). ``cold``: every cache is emptied before each call, so each
    call evaluates its widths and sums its weights (a network's first call at new widths)."""
    costmodel.report(network=network)  # warm: imports and the network's plan
    clear_caches()  # every network starts with no widths cached
    samples = []
    seen = calls = 0
    for _ in range(7):
        batch = new_configurations(network, rng, count)
        if cold:
            start = time.perf_counter()
            for a, r in batch:
                clear_caches()
                costmodel.report(a, resolution=r, network=network)
            samples.append((time.perf_counter() - start) / len(batch))
            continue
        before = widths_cached()
        start = time.perf_counter()
        for a, r in batch:
            costmodel.report(a, resolution=r, network=network)
        samples.append((time.perf_counter() - start) / len(batch))
        added = widths_cached() - before
        seen += len(batch) - added
        calls += len(batch)
    return statistics.median(samples), (seen / calls if calls else 0.0)


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


def paired_inputs(network: str) -> tuple[np.ndarray, np.ndarray]:
    """10^6 paired configurations: random α in [0.25, 1.4] (the network's own α where its
    builder fixes it) and random resolutions in [32, 1031]."""
    rng = np.random.default_rng(0)
    alphas = rng.uniform(0.25, 1.4, 10**6)
    resolutions = rng.integers(32, 1032, 10**6)
    net = get_network(network)
    if net.fixed_width:
        alphas = np.full(10**6, net.width)
    return alphas, resolutions


def bench_paired(network: str, repeats: int = 5) -> float:
    """A 10^6-configuration paired sweep of ``network``."""
    pa, pr = paired_inputs(network)
    costmodel.sweep(pa[:2], pr[:2], network=network, paired=True)  # warm
    return median_per_call(lambda: costmodel.sweep(pa, pr, network=network, paired=True), 1,
                           repeats)


def bench_paired_memory() -> dict[str, float]:
    pa, pr = paired_inputs("mobilenet_v1")
    tracemalloc.start()
    costmodel.sweep(pa, pr, paired=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    inputs = pa.nbytes + pr.nbytes
    return {"peak_mb": peak / 2**20, "inputs_mb": inputs / 2**20}


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


def bench_networks() -> list[dict[str, str]]:
    """Every built-in network: report() per new configuration and at widths not seen before,
    the 1000 × 1000 grid (where the widths scale with α) and 10^6 paired configurations."""
    rng = random.Random(0)
    rows = []
    for network in NETWORK_NAMES:
        net = get_network(network)
        grid = bench_grid(network) if network in SCALING else None
        report_s, hits = bench_report(network, rng)
        cold_s, _ = bench_report(network, rng, 300, cold=True)
        rows.append({
            "network": network,
            "family": FAMILY.get(network, ""),
            "alpha": "any" if network in SCALING else f"{net.width:g}",
            "report_us": f"{report_s * 1e6:.3g}",
            "widths_cached": f"{hits:.2f}" if network in SCALING else "",
            "report_new_widths_us": f"{cold_s * 1e6:.3g}",
            "grid_ms": "" if grid is None else f"{grid * 1e3:.3g}",
            "paired_ms": f"{bench_paired(network) * 1e3:.3g}",
        })
        print(f"  {network:<34} report() {rows[-1]['report_us']:>5} us (widths cached "
              f"{rows[-1]['widths_cached'] or '-':>4}; new widths "
              f"{rows[-1]['report_new_widths_us']:>5} us), grid {rows[-1]['grid_ms'] or '-':>5} "
              f"ms, paired {rows[-1]['paired_ms']:>5} ms", flush=True)
    return rows


def write_networks(path: Path, rows: list[dict[str, str]]) -> None:
    """The per-network table, with this machine on every row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*rows[0], "machine"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "machine": machine()} for row in rows)


def slowest(rows: list[dict[str, str]], column: str) -> tuple[float, str, float]:
    """(largest value, its network, median over networks) of ``column`` where given."""
    values = [(float(r[column]), r["network"]) for r in rows if r[column]]
    top = max(values)
    return top[0], top[1], statistics.median(v for v, _ in values)


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"every network, one core ({machine()}); medians", flush=True)
    networks = bench_networks()
    write_networks(HERE / "networks.csv", networks)
    if "--networks" in sys.argv[1:]:
        return
    random.seed(0)
    distinct = list({(round(random.uniform(0.25, 1.4), 6), random.randint(96, 320))
                     for _ in range(3000)})
    table_s = bench_layers(distinct)
    memory = bench_paired_memory()
    import_s = bench_import()
    paper = [(a, r) for a in (1.0, 0.75, 0.5, 0.25) for r in (224, 192, 160, 128)]
    odd = [(0.3, 97), (0.6, 135), (1.3, 33), (0.1, 64)]
    try:
        counted = bench_counters(paper + odd)
        torchvision = bench_torchvision()
    except ImportError as error:
        print(f"hook-based counters not installed ({error}); run `make bench`", file=sys.stderr)
        counted, torchvision = {}, {}
    report_us = {r["network"]: float(r["report_us"]) for r in networks}
    top, name, middle = slowest(networks, "report_us")
    rows = [(f"report() totals, per new configuration, slowest of {len(networks)} networks",
             top, "us", "<= 20 us", f"{name}; median over the networks {middle:.3g} us"),
            ("report() totals, per new configuration, mobilenet_v1", report_us["mobilenet_v1"],
             "us", "<= 20 us", "")]
    top, name, middle = slowest(networks, "report_new_widths_us")
    rows += [(f"report() totals at widths not seen before, slowest of {len(networks)} networks",
              top, "us", "", f"{name}; median {middle:.3g} us (every cache emptied before "
              "each call)")]
    rows += [("report().layers, first access, mobilenet_v1", table_s * 1e3, "ms", "<= 1 ms", "")]
    top, name, middle = slowest(networks, "grid_ms")
    rows += [(f"sweep 1000 x 1000 grid, slowest of {len(SCALING)} networks whose widths scale "
              "with α", top, "ms", "<= 10 ms", f"{name}; median {middle:.3g} ms")]
    top, name, middle = slowest(networks, "paired_ms")
    paired_v1 = next(float(r["paired_ms"]) for r in networks if r["network"] == "mobilenet_v1")
    rows += [
        ("sweep 10^6 paired configurations, mobilenet_v1", paired_v1, "ms", "<= 100 ms", ""),
        (f"sweep 10^6 paired configurations, slowest of {len(networks)} networks", top, "ms",
         "", f"{name}; median {middle:.3g} ms"),
        ("sweep 10^6 paired, peak memory (tracemalloc)", memory["peak_mb"], "MiB", "",
         f"inputs {memory['inputs_mb']:.1f} MiB"),
        ("import costmodel", import_s * 1e3, "ms", "<= 600 ms", ""),
    ]
    v1 = report_us["mobilenet_v1"] / 1e6
    for name, r in counted.items():
        rows.append((f"{name}, per configuration, model built beforehand", r["excluded"] * 1e3,
                     "ms", "", f"{r['excluded'] / v1:,.0f}x report()"))
        rows.append((f"{name}, per configuration, model build included", r["included"] * 1e3,
                     "ms", "", f"{r['included'] / v1:,.0f}x report()"))
        rows.append((f"{name}, agreement with report() to the unit", r["agree"], "configs",
                     f"{r['configs']} of {r['configs']}", AGREEMENT[name]))
    for network, r in torchvision.items():
        per_report = report_us.get(network, report_us["mobilenet_v1"]) / 1e6
        rows.append((f"fvcore on torchvision {network}, per configuration", r["time"] * 1e3,
                     "ms", "", f"{r['time'] / per_report:,.0f}x report(); "
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
