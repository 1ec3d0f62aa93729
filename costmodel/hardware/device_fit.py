"""The built-in device profiles, derived from published latencies (``data/published/``) by
:func:`costmodel.hardware.profile_fit.fit_profile`, or from a spec sheet.

Each fitted profile is fitted on MobileNet v1 and/or v2 rows of its device only
(:data:`BUILTIN_FITS`: which rows fit it, which rows it is validated on; the validation is
``benchmarks/latency_validation.py``, reported in docs/latency.md):

* ``pixel1``: the 22 MobileNet v2 TF-Lite latencies of the TF-slim README (Pixel 1, large
  core), float32; the bandwidth bounded by the Snapdragon 821's memory (LPDDR4-1866 on a
  4×16-bit bus: 29.8 GB/s), where the fit puts it.
* ``pixel2``, ``pixel3``: the MobileNet v3 paper's Table 3 times each phone's large core on
  two MobileNet v2 configurations only; two rows cannot fit the model's four unknowns, so each
  is ``pixel1``'s shape scaled by one factor fitted to them (the same TF-Lite kernels on a
  faster core).
* ``pixel3-4threads``: the 16 MobileNet v1 rows of TF-Lite's hosted-models page (Pixel 3,
  4 CPU threads).
* ``pixel4-4threads``: TF-Lite's performance page times MobileNet v1 1.0-224 on a Pixel 4
  with 4 threads, one row: ``pixel3-4threads``' shape scaled by one factor fitted to it.
* ``i9-10940x-timm``: the 13 MobileNet v1 and v2 rows of timm's i9-10940X benchmark
  (PyTorch 2.4 with dynamo, batch 1); the rates bounded by the spec sheet
  (:func:`i9_10940x_spec`), where the fit puts the GEMM rate and the bandwidth.
* ``i9-10940x-spec``: an Intel Core i9-10940X by its published specification, not measured.

TF-Lite and PyTorch run h-swish, swish, sigmoid, hard sigmoid and GELU as operations of their
own after a conv (TF-Lite fuses ReLU and ReLU6 only), so every fitted profile has
``fused_activations=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from costmodel.base.kinds import (
    I9_SPEC_PROFILE,
    I9_TIMM_PROFILE,
    PIXEL1_PROFILE,
    PIXEL2_PROFILE,
    PIXEL3_4THREADS_PROFILE,
    PIXEL3_PROFILE,
    PIXEL4_4THREADS_PROFILE,
)
from costmodel.hardware.profile_fit import fit_profile
from costmodel.hardware.profile_spec import Profile, profile_from_spec

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.literature.published import PublishedRow

PIXEL1_MAX_BANDWIDTH = 29.8e9  # bytes/s: Snapdragon 821, LPDDR4-1866, 4×16-bit
PIXEL1_SOURCE = ("TF-slim research/slim/nets/mobilenet README, 'Mobilenet V2 Imagenet "
                 "Checkpoints': Pixel 1 CPU latency of all 22 checkpoints")
#: The devices as the published rows name them.
PIXEL_3_4THREADS = "Pixel 3 (TF-Lite CPU, 4 threads)"
PIXEL_4_4THREADS = "Pixel 4 (TF-Lite CPU, 4 threads)"
I9_TIMM = "Intel Core i9-10940X (timm, PyTorch 2.4, batch 1)"


@dataclass(frozen=True, kw_only=True)
class Rows:
    """A selection of published latency rows: from ``file``, measured on ``device``, of
    ``networks`` (all, where empty) or of the ``families`` (by family name)."""

    file: str
    device: str
    networks: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    exclude_families: tuple[str, ...] = ()

    def select(self) -> tuple[PublishedRow, ...]:
        """The float rows of the selection, in file order."""
        from costmodel.literature.published import published_rows

        return tuple(
            r for r in published_rows()
            if r.file == self.file and r.device == self.device and r.network
            and r.latency_ms is not None and r.resolution is not None
            and "8-bit" not in r.model
            and (not self.networks or r.network in self.networks)
            and (not self.families or r.family in self.families)
            and r.family not in self.exclude_families)


@dataclass(frozen=True, kw_only=True)
class BuiltinFit:
    """How a built-in profile is fitted, and on what it is validated.

    ``fit``: the rows it is fitted on (MobileNet v1 and/or v2); ``like``: the profile whose
    shape it scales by one factor, if any; ``held_out``: the rows of other families it
    predicts; ``not_comparable``: rows of the device that time another network than the one
    described (reported apart, with ``not_comparable_reason``)."""

    name: str
    device: str
    description: str
    provenance: str
    fit: tuple[Rows, ...]
    held_out: tuple[Rows, ...]
    like: str | None = None
    max_flops: float | None = None
    max_bandwidth: float | None = None
    not_comparable: tuple[Rows, ...] = ()
    not_comparable_reason: str = ""


def _v3_float(device: str) -> Rows:
    return Rows(file="mobilenet_v3_tfslim.csv", device=device)


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


_TIMM_FILE = "timm_i9_latency.csv"
_TIMM_FIT = ("MobileNet v1 (timm)", "MobileNet v2 (timm)")
_TRAINING_FORM = ("MobileOne", "RepViT")

#: The built-in fitted profiles, in the order they are derived (a ``like`` comes after the
#: profile it scales).
BUILTIN_FITS: tuple[BuiltinFit, ...] = (
    BuiltinFit(
        name=PIXEL1_PROFILE, device="Pixel 1",
        description="Pixel 1 (Snapdragon 821, large core, TF-Lite float): fitted on the 22 "
                    "MobileNet v2 latencies of the TF-slim README",
        provenance=PIXEL1_SOURCE,
        fit=(Rows(file="mobilenet_v2_tfslim.csv", device="Pixel 1"),),
        held_out=(Rows(file="mnasnet_a1_tpu.csv", device="Pixel 1"), _v3_float("Pixel 1")),
        max_bandwidth=PIXEL1_MAX_BANDWIDTH),
    *(BuiltinFit(
        name=name, device=device,
        description=f"{device} (large core, TF-Lite float): pixel1's shape scaled to the "
                    f"MobileNet v3 paper's two MobileNet v2 times on the {device}",
        provenance=f"MobileNet v3 paper, Table 3: {device} latency of V2 1.0 and V2 0.35",
        fit=(Rows(file="mobilenet_v3_paper.csv", device=device, networks=("mobilenet_v2",)),),
        like=PIXEL1_PROFILE,
        held_out=(_v3_float(device), Rows(file="mobilenet_v3_paper.csv", device=device,
                                          networks=("mnasnet_a1",))))
      for name, device in ((PIXEL2_PROFILE, "Pixel 2"), (PIXEL3_PROFILE, "Pixel 3"))),
    BuiltinFit(
        name=PIXEL3_4THREADS_PROFILE, device=PIXEL_3_4THREADS,
        description="Pixel 3 (TF-Lite float, 4 CPU threads): fitted on the 16 MobileNet v1 "
                    "latencies of TF-Lite's hosted-models page",
        provenance="TF-Lite hosted_models.md: Pixel 3 (Android 10) 'CPU, 4 threads' latency "
                   "of the 16 floating-point MobileNet v1 models",
        fit=(Rows(file="tflite_hosted_models.csv", device=PIXEL_3_4THREADS,
                  networks=("mobilenet_v1",)),),
        held_out=(Rows(file="tflite_hosted_models.csv", device=PIXEL_3_4THREADS,
                       networks=("mobilenet_v2", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0",
                                 "mnasnet1_3")),)),
    BuiltinFit(
        name=PIXEL4_4THREADS_PROFILE, device=PIXEL_4_4THREADS,
        description="Pixel 4 (TF-Lite float, 4 CPU threads): pixel3-4threads' shape scaled "
                    "to TF-Lite's MobileNet v1 1.0-224 time on the Pixel 4",
        provenance="TF-Lite performance/benchmarks.md: Pixel 4 (Android 10) 'CPU, 4 threads' "
                   "latency of Mobilenet_1.0_224 (float)",
        fit=(Rows(file="tflite_benchmarks.csv", device=PIXEL_4_4THREADS),),
        like=PIXEL3_4THREADS_PROFILE,
        held_out=(Rows(file="next_families_papers.csv", device=PIXEL_4_4THREADS),)),
    BuiltinFit(
        name=I9_TIMM_PROFILE, device=I9_TIMM,
        description="Intel Core i9-10940X (PyTorch 2.4 with dynamo, batch 1, as timm "
                    "benchmarks it): fitted on timm's 13 MobileNet v1 and v2 rows",
        provenance="timm results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv "
                   "@aa4b5850: infer_step_time of the MobileNet v1 and v2 rows; rates and "
                   "bandwidth at most the spec sheet's (i9-10940x-spec)",
        fit=(Rows(file=_TIMM_FILE, device=I9_TIMM, families=_TIMM_FIT),),
        held_out=(Rows(file=_TIMM_FILE, device=I9_TIMM,
                       exclude_families=(*_TIMM_FIT, *_TRAINING_FORM)),),
        max_flops=i9_10940x_spec().peak_flops["pointwise"],
        max_bandwidth=i9_10940x_spec().bandwidth,
        not_comparable=(Rows(file=_TIMM_FILE, device=I9_TIMM, families=_TRAINING_FORM),),
        not_comparable_reason="timm timed the training form (MobileOne's k×k branches, "
                              "RepViT's 1×1 branch and batchnorms: benchmark.py without "
                              "--reparam); the network described here is the inference form"),
)


def measurements_frame(rows: tuple[Rows, ...]) -> pd.DataFrame:
    """The selected published rows as a measurement table for
    :func:`~costmodel.hardware.profile_fit.fit_profile` (``network``, ``alpha``,
    ``resolution``, ``rules``, ``num_classes``, ``latency_ms``), with ``model``, ``family``,
    ``source`` and ``file``."""
    import pandas as pd

    records = [{"network": r.network, "alpha": r.alpha, "resolution": r.resolution,
                "rules": r.rules, "num_classes": r.classes, "latency_ms": r.latency_ms,
                "model": r.model, "family": r.family, "source": r.source, "file": r.file}
               for selection in rows for r in selection.select()]
    frame = pd.DataFrame.from_records(records)
    frame["num_classes"] = frame["num_classes"].astype("Int64")
    return frame


def _derive(spec: BuiltinFit, derived: dict[str, Profile]) -> Profile:
    return fit_profile(
        measurements_frame(spec.fit), name=spec.name, description=spec.description,
        provenance=spec.provenance, like=derived[spec.like] if spec.like else None,
        fused_activations=False, max_flops=spec.max_flops, max_bandwidth=spec.max_bandwidth)


@cache
def _derived() -> dict[str, Profile]:
    derived: dict[str, Profile] = {}
    for spec in BUILTIN_FITS:
        how = (f"costmodel.hardware.device_fit.BUILTIN_FITS: {spec.like}'s shape scaled by "
               f"one factor, costmodel.fit_profile(like=...)" if spec.like else
               "costmodel.hardware.device_fit.BUILTIN_FITS: costmodel.fit_profile "
               "(non-negative least squares on relative errors)")
        profile = _derive(spec, derived)
        stored = f"data/profiles/{spec.name}.json"
        derived[spec.name] = replace(profile, extra={"derived_by": how, "stored_as": stored})
    spec_sheet = i9_10940x_spec()
    derived[I9_SPEC_PROFILE] = replace(spec_sheet, extra={
        "derived_by": "costmodel.hardware.device_fit.i9_10940x_spec (spec-sheet arithmetic)",
        "stored_as": f"data/profiles/{I9_SPEC_PROFILE}.json"})
    return derived


def derive_builtin_profiles() -> dict[str, Profile]:
    """The built-in profiles as derived from their sources, each with where its stored copy
    (``data/profiles/NAME.json``, read by :mod:`costmodel.hardware.device_profiles`) comes
    from. The stored files are written from this (``python -m
    costmodel.hardware.device_fit --write``) and a test refits and compares them."""
    return dict(_derived())


def fit_pixel1() -> Profile:
    """The ``pixel1`` profile, fitted on the 22 MobileNet v2 Pixel-1 latencies."""
    return _derived()[PIXEL1_PROFILE]


def published_latencies(network: str, device: str = "Pixel 1") -> list[tuple[float | None, int,
                                                                              float, str]]:
    """(α, resolution, milliseconds, model) of every float checkpoint of ``network`` with a
    published latency on ``device`` (checkpoint tables only)."""
    from costmodel.literature.published import Origin, published_rows

    return [(row.alpha, row.resolution, row.latency_ms, row.model) for row in published_rows()
            if row.network == network and row.device == device and row.origin
            is Origin.CHECKPOINTS and row.latency_ms is not None and row.resolution is not None
            and "8-bit" not in row.model]


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


__all__ = ["BUILTIN_FITS", "I9_TIMM", "PIXEL1_MAX_BANDWIDTH", "PIXEL_3_4THREADS",
           "PIXEL_4_4THREADS", "BuiltinFit", "Rows", "derive_builtin_profiles", "fit_pixel1",
           "i9_10940x_spec", "measurements_frame", "published_latencies"]
