"""A device profile for the latency model: rates, bandwidth, per-operation overhead, and where
each number comes from (the built-in ones: :mod:`costmodel.device_profiles`).

A profile gives, per latency kind (``conv``, ``pointwise``, ``depthwise``, ``fc``,
``elementwise``), a compute rate P in FLOP/s and an overhead t₀ in seconds per operation, one
memory bandwidth BW in bytes/s, a fixed cost per inference, the dtype and whether activations
are fused into the operation before them. Three sources:

* ``pixel1``: fitted by non-negative least squares to the 22 published MobileNet v2 Pixel-1
  latencies (TF-slim README), fit quality attached;
* a spec sheet (:func:`profile_from_spec`): peak GFLOP/s and GB/s as printed;
* this machine, measured by :func:`costmodel.calibrate` and saved under a name.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from costmodel.memory import DTYPES

LATENCY_KINDS: tuple[str, ...] = ("conv", "pointwise", "depthwise", "fc", "elementwise")
COMPUTE_KINDS: tuple[str, ...] = ("conv", "pointwise", "depthwise", "fc")
PROFILES_ENV = "COSTMODEL_PROFILES"
MAX_RATE = 1e18  # FLOP/s or bytes/s: far above any device
MAX_OVERHEAD = 10.0  # seconds per operation


@dataclass(frozen=True, kw_only=True)
class FitQuality:
    """How well a fitted profile reproduces the latencies it was fitted on."""

    points: int
    mape_pct: float
    max_abs_pct: float
    source: str


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A device for the latency model t = t₀(kind) + max(2·MACs / P(kind), bytes / BW).

    ``peak_flops`` and ``overhead`` map each latency kind to FLOP/s and seconds;
    ``bandwidth`` is bytes/s; ``invocation`` seconds per inference. Every rate must be a
    positive finite number, every time a finite number ≥ 0 (``ValueError`` naming the field).
    """

    name: str
    description: str
    provenance: str
    peak_flops: dict[str, float]
    bandwidth: float
    overhead: dict[str, float]
    invocation: float = 0.0
    dtype: str = "float32"
    fused_activations: bool = True
    fit: FitQuality | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("profile name must be a non-empty text")
        if not isinstance(self.peak_flops, dict) or set(self.peak_flops) != set(COMPUTE_KINDS):
            raise ValueError(f"peak_flops must give a rate for each of {', '.join(COMPUTE_KINDS)}")
        for kind, rate in self.peak_flops.items():
            _check_rate(f"peak_flops[{kind!r}] (FLOP/s)", rate)
        _check_rate("bandwidth (bytes/s)", self.bandwidth)
        if not isinstance(self.overhead, dict) or set(self.overhead) != set(LATENCY_KINDS):
            raise ValueError(f"overhead must give a time for each of {', '.join(LATENCY_KINDS)}")
        for kind, seconds in self.overhead.items():
            _check_time(f"overhead[{kind!r}] (s)", seconds)
        _check_time("invocation (s)", self.invocation)
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {self.dtype!r}")

    @property
    def ridge_point(self) -> float:
        """FLOP per byte at which a pointwise layer turns compute-bound (P / BW)."""
        return self.peak_flops["pointwise"] / self.bandwidth

    def to_json(self) -> str:
        """The profile as JSON (what :func:`save_profile` writes)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def _check_rate(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not 0 < value <= MAX_RATE:
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")


def _check_time(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not 0 <= value <= MAX_OVERHEAD:
        raise ValueError(f"{name} must be a finite number in [0, {MAX_OVERHEAD:g}]; got "
                         f"{value!r}")


def profile_from_spec(name: str, peak_gflops: float, bandwidth_gbs: float, *,
                      overhead_us: float = 0.0, description: str = "",
                      source: str = "") -> Profile:
    """A profile from a spec sheet: one peak rate for every kind (GFLOP/s), the memory
    bandwidth (GB/s) and an optional overhead per operation (µs)."""
    for label, value in (("peak_gflops", peak_gflops), ("bandwidth_gbs", bandwidth_gbs)):
        _check_rate(label, value)
    _check_time("overhead_us", overhead_us / 1e6 if isinstance(overhead_us, int | float)
                and not isinstance(overhead_us, bool) else overhead_us)
    rate = float(peak_gflops) * 1e9
    return Profile(
        name=name, description=description or f"spec sheet: {peak_gflops:g} GFLOP/s, "
                                              f"{bandwidth_gbs:g} GB/s",
        provenance=source or "spec sheet (as given)",
        peak_flops={k: rate for k in COMPUTE_KINDS}, bandwidth=float(bandwidth_gbs) * 1e9,
        overhead={k: overhead_us / 1e6 for k in LATENCY_KINDS},
    )


def profiles_dir() -> Path:
    """Where calibrated profiles are saved: ``$COSTMODEL_PROFILES``, else
    ``$XDG_CONFIG_HOME/costmodel/profiles`` (``~/.config/costmodel/profiles``)."""
    explicit = os.environ.get(PROFILES_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "costmodel" / "profiles"


def _from_json(data: dict[str, Any]) -> Profile:
    fit = data.get("fit")
    return Profile(
        name=data["name"], description=data.get("description", ""),
        provenance=data.get("provenance", ""), peak_flops=dict(data["peak_flops"]),
        bandwidth=data["bandwidth"], overhead=dict(data["overhead"]),
        invocation=data.get("invocation", 0.0), dtype=data.get("dtype", "float32"),
        fused_activations=data.get("fused_activations", True),
        fit=FitQuality(**fit) if isinstance(fit, dict) else None,
        extra=dict(data.get("extra", {})),
    )


def saved_profiles() -> dict[str, Profile]:
    """The profiles saved by :func:`costmodel.calibrate` (files that do not parse are
    skipped; :func:`get_profile` names them)."""
    out: dict[str, Profile] = {}
    folder = profiles_dir()
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            out[path.stem] = _from_json(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def save_profile(profile: Profile) -> Path:
    """Write ``profile`` to :func:`profiles_dir` as ``NAME.json``, atomically (a partial
    write never replaces the previous profile)."""
    if not profile.name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"profile name must use letters, digits, - and _ only; got "
                         f"{profile.name!r}")
    folder = profiles_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{profile.name}.json"
    temporary = folder / f".{profile.name}.json.tmp"
    temporary.write_text(profile.to_json(), encoding="utf-8")
    os.replace(temporary, target)
    return target


__all__ = [
    "COMPUTE_KINDS",
    "LATENCY_KINDS",
    "FitQuality",
    "Profile",
    "profile_from_spec",
    "profiles_dir",
    "save_profile",
    "saved_profiles",
]
