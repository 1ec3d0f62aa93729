"""Fitting a device profile to published latencies: the ``pixel1`` profile.

The latency model (:mod:`costmodel.hardware.latency`) is linear in its unknowns (1/P per rate class,
1/BW, the overhead per operation) once it is known which side of each
``max(compute, memory)`` wins. The fit alternates: given the current profile, assign every term
to its winning side; solve non-negative least squares on the relative errors; repeat until the
assignment stops changing.

``pixel1``: the 22 MobileNet v2 TF-Lite latencies on the Pixel 1's large core (TF-slim
research/slim/nets/mobilenet README), float32, ReLU6 fused into the convolutions. The standard
convs, the 1×1 convs and the matrix-vector products share one rate (TF-Lite runs them as GEMM);
depthwise convs have their own. The bandwidth is bounded by the Snapdragon 821's memory
(LPDDR4-1866 on a 4×16-bit bus: 29.8 GB/s); the fit puts it at that bound, because nothing in
the v2 latencies asks for a slower memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

import numpy as np

from costmodel.base.kinds import I9_SPEC_PROFILE, PIXEL1_PROFILE, LatencyKind
from costmodel.core.counting import count_ops
from costmodel.core.graph import Graph
from costmodel.hardware.latency import terms
from costmodel.hardware.least_squares import nnls
from costmodel.hardware.memory import DTYPES
from costmodel.hardware.profile_spec import LATENCY_KINDS, FitQuality, Profile, profile_from_spec

#: Which compute rate each kind shares in a fitted profile: TF-Lite runs standard convs
#: (im2col), 1×1 convs and matrix-vector products as GEMM; depthwise convs have their own.
RATE_CLASS: dict[str, str] = {LatencyKind.CONV: "gemm", LatencyKind.POINTWISE: "gemm",
                              LatencyKind.FC: "gemm", LatencyKind.DEPTHWISE: "depthwise"}
#: Which overhead each kind shares. Every configuration of one network runs the same
#: operations, so per-kind overheads and a fixed cost per inference are the same unknown to a
#: fit on one network: the fit has one overhead per operation, shared by all kinds.
OVERHEAD_CLASS: dict[str, str] = {kind: "operation" for kind in LatencyKind}
PIXEL1_MAX_BANDWIDTH = 29.8e9  # bytes/s: Snapdragon 821, LPDDR4-1866, 4×16-bit
PIXEL1_SOURCE = ("TF-slim research/slim/nets/mobilenet README, 'Mobilenet V2 Imagenet "
                 "Checkpoints': Pixel 1 CPU latency of all 22 checkpoints")

Sample = tuple[Graph, float, int, float]  # graph, α, resolution, measured seconds


#: A sample for the fit: the model's terms of one measured run, and its seconds.
TermSample = tuple[list[tuple[int, str, int, int]], float]


def fit_profile(name: str, samples: Sequence[Sample], *, description: str, provenance: str,
                dtype: str = "float32", fused_activations: bool = True,
                max_bandwidth: float) -> Profile:
    """Fit a profile to measured latencies of whole networks (see the module docstring)."""
    size = DTYPES[dtype]
    expanded = [(terms(count_ops(g, a, r), size, fused_activations), seconds)
                for g, a, r, seconds in samples]
    return fit_terms(name, expanded, rate_class=RATE_CLASS, overhead_class=OVERHEAD_CLASS,
                     description=description, provenance=provenance, dtype=dtype,
                     fused_activations=fused_activations, max_bandwidth=max_bandwidth)


def fit_terms(name: str, samples: Sequence[TermSample], *, rate_class: dict[str, str],
              overhead_class: dict[str, str], description: str, provenance: str,
              dtype: str, fused_activations: bool, max_bandwidth: float,
              iterations: int = 100) -> Profile:
    """Fit rates (shared by ``rate_class``), overheads (shared by ``overhead_class``) and a
    bandwidth of at most ``max_bandwidth`` to measured runs, each given as its model terms."""
    rate_names = sorted(set(rate_class.values()))
    columns = [*rate_names, *sorted({f"t0_{c}" for c in overhead_class.values()}), "bandwidth"]
    index = {c: i for i, c in enumerate(columns)}
    measured = np.array([seconds for _, seconds in samples])
    theta = np.zeros(len(columns))
    theta[index["bandwidth"]] = 1 / max_bandwidth
    for iteration in range(iterations):
        rows = []
        for parts, _ in samples:
            x = np.zeros(len(columns))
            for _, kind, flops, moved in parts:
                x[index[f"t0_{overhead_class[kind]}"]] += 1.0
                if kind == LatencyKind.ELEMENTWISE:
                    x[index["bandwidth"]] += moved
                    continue
                rate = rate_class[kind]
                compute = flops * theta[index[rate]]
                memory_s = moved * theta[index["bandwidth"]]
                if iteration == 0 or compute >= memory_s:  # the first pass: compute everywhere
                    x[index[rate]] += flops
                else:
                    x[index["bandwidth"]] += moved
            rows.append(x)
        design = np.array(rows)
        floor = 1 / max_bandwidth
        target = measured - design[:, index["bandwidth"]] * floor
        weights = 1 / measured
        scale = np.abs(design).max(axis=0)
        scale[scale == 0] = 1.0
        solution = nnls(design / scale * weights[:, None], target * weights) / scale
        solution[index["bandwidth"]] += floor
        if np.allclose(solution, theta, rtol=1e-10, atol=0):
            break
        theta = solution
    predicted = np.array([_predict(parts, theta, index, rate_class, overhead_class)
                          for parts, _ in samples])
    errors = 100 * (predicted - measured) / measured
    # a rate the fit leaves unconstrained (zero seconds per FLOP) is reported as very fast
    rates = {c: float(1 / theta[index[c]]) if theta[index[c]] > 0 else 1e15 for c in rate_names}
    return Profile(
        name=name, description=description, provenance=provenance,
        peak_flops={kind: rates[rate_class[kind]] for kind in rate_class},
        bandwidth=float(1 / theta[index["bandwidth"]]),
        overhead={k: float(theta[index[f"t0_{overhead_class[k]}"]]) for k in LATENCY_KINDS},
        dtype=dtype, fused_activations=fused_activations,
        fit=FitQuality(points=len(samples), mape_pct=float(np.abs(errors).mean()),
                       max_abs_pct=float(np.abs(errors).max()), source=provenance),
    )


def _predict(parts: list[tuple[int, str, int, int]], theta: np.ndarray, index: dict[str, int],
             rate_class: dict[str, str], overhead_class: dict[str, str]) -> float:
    total = 0.0
    for _, kind, flops, moved in parts:
        total += theta[index[f"t0_{overhead_class[kind]}"]]
        memory_s = moved * theta[index["bandwidth"]]
        compute = flops * theta[index[rate_class[kind]]] if kind != LatencyKind.ELEMENTWISE else 0.0
        total += max(compute, memory_s)
    return float(total)


def published_latencies(network: str, device: str = "Pixel 1") -> list[tuple[float | None, int,
                                                                              float, str]]:
    """(α, resolution, milliseconds, model) of every float checkpoint of ``network`` with a
    published latency on ``device`` (checkpoint tables only)."""
    from costmodel.literature.published import Origin, published_rows

    return [(row.alpha, row.resolution, row.latency_ms, row.model) for row in published_rows()
            if row.network == network and row.device == device and row.origin
            is Origin.CHECKPOINTS and row.latency_ms is not None and row.resolution is not None
            and "8-bit" not in row.model]


@cache
def fit_pixel1() -> Profile:
    """The ``pixel1`` profile, fitted on the 22 MobileNet v2 Pixel-1 latencies."""
    from costmodel.core.graph import build_graph
    from costmodel.descriptions.configuration import resolve

    samples = []
    for alpha, resolution, milliseconds, _ in published_latencies("mobilenet_v2"):
        config = resolve(network="mobilenet_v2", alpha=alpha, resolution=resolution)
        graph = build_graph(config.network, config.rules, config.classes, config.variant,
                            config.depth)
        samples.append((graph, config.alpha, config.resolution, milliseconds / 1e3))
    return fit_profile(
        PIXEL1_PROFILE, samples,
        description="Pixel 1 (Snapdragon 821, large core, TF-Lite float): fitted on the 22 "
                    "MobileNet v2 latencies of the TF-slim README",
        provenance=PIXEL1_SOURCE, max_bandwidth=PIXEL1_MAX_BANDWIDTH)


def i9_10940x_spec() -> Profile:
    """The ``i9-10940x-spec`` profile from the spec sheet: 14 cores × 3.3 GHz (base) × 64 FP32
    FLOP per cycle (two AVX-512 FMA units) = 2956.8 GFLOP/s; quad-channel DDR4-2933:
    4 × 8 bytes × 2.933 GT/s = 93.9 GB/s. Not measured."""
    return profile_from_spec(
        I9_SPEC_PROFILE, 14 * 33 * 64 / 10, round(4 * 8 * 2.933, 1),
        description="Intel Core i9-10940X by its spec sheet: 14 cores × 3.3 GHz × 64 FP32 "
                    "FLOP per cycle (two AVX-512 FMA units), quad-channel DDR4-2933",
        source="published specification (base clock, AVX-512 FMA units, memory channels); "
               "not measured")


def derive_builtin_profiles() -> dict[str, Profile]:
    """The built-in profiles as derived from their sources, each with where its stored copy
    (``data/profiles/NAME.json``, read by :mod:`costmodel.hardware.device_profiles`) comes
    from. The stored files are written from this (``python -m
    costmodel.hardware.device_fit --write``) and a test refits and compares them."""
    how = {PIXEL1_PROFILE: "fitted by costmodel.hardware.device_fit.fit_pixel1 (non-negative least "
                     "squares, relative errors, on the 22 published latencies)",
           I9_SPEC_PROFILE: "costmodel.hardware.device_fit.i9_10940x_spec (spec-sheet arithmetic)"}
    profiles = {PIXEL1_PROFILE: fit_pixel1(), I9_SPEC_PROFILE: i9_10940x_spec()}
    return {name: replace(profile, extra={**profile.extra, "derived_by": how[name],
                                          "stored_as": f"data/profiles/{name}.json"})
            for name, profile in profiles.items()}


def _write_builtin_profiles() -> None:  # pragma: no cover - a maintainer's command
    from costmodel.base.data_files import data_dir

    for name, profile in derive_builtin_profiles().items():
        path = data_dir() / "profiles" / f"{name}.json"
        path.write_text(profile.to_json() + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m costmodel.hardware.device_fit --write  (rewrites "
                 "data/profiles/*.json)")
    _write_builtin_profiles()


__all__ = ["OVERHEAD_CLASS", "PIXEL1_MAX_BANDWIDTH", "RATE_CLASS", "derive_builtin_profiles",
           "fit_pixel1", "fit_profile", "fit_terms", "i9_10940x_spec", "published_latencies"]
