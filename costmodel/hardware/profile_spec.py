"""A device profile for the latency model: rates, bandwidth, per-operation overhead, and where
each number comes from (the built-in ones: :mod:`costmodel.hardware.device_profiles`).

A profile gives, per latency kind (``conv``, ``pointwise``, ``depthwise``, ``fc``,
``elementwise``), a compute rate P in FLOP/s and an overhead t₀ in seconds per operation, one
memory bandwidth BW in bytes/s, a fixed cost per inference, the dtype and whether activations
are fused into the operation before them. Four sources:

* published latencies: the built-in profiles fitted by
  :func:`costmodel.hardware.profile_fit.fit_profile` on MobileNet v1 and/or v2 rows of their
  device (:mod:`costmodel.hardware.device_fit`), fit quality attached;
* a user's measurements, fitted by :func:`costmodel.fit_profile` and saved under a name;
* a spec sheet (:func:`profile_from_spec`): peak GFLOP/s and GB/s as printed;
* this machine, measured by :func:`costmodel.calibrate` and saved under a name.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from costmodel.base.kinds import BUILTIN_PROFILES, DEFAULT_PROFILE, LatencyKind
from costmodel.hardware.memory import DTYPES

LATENCY_KINDS: tuple[str, ...] = tuple(LatencyKind)
#: The kinds priced by a compute rate (element-wise work is priced by bandwidth alone).
COMPUTE_KINDS: tuple[str, ...] = tuple(k for k in LatencyKind if k is not LatencyKind.ELEMENTWISE)
PROFILES_ENV = "COSTMODEL_PROFILES"
#: The physical range of a rate, FLOP/s or bytes/s: 1,000 per second is slower than any device
#: that runs a CNN, 10^18 far above any; outside it a latency is no estimate (a rate of 1e-300
#: gives 10^300 ms, one of 5e-324 an infinite time).
MIN_RATE = 1e3
MAX_RATE = 1e18
RATE_RANGE = f"a finite number in [{MIN_RATE:.0e}, {MAX_RATE:.0e}]"
MAX_OVERHEAD = 10.0  # seconds per operation
MAX_PROFILE_NAME = 64
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
PROFILE_NAME_RULE = (f"1-{MAX_PROFILE_NAME} letters, digits, '-' or '_', starting with a letter "
                     f"or digit (it names the file NAME.json)")


class ProfilesFolderError(OSError):
    """The profiles folder cannot be read or written; the message names the folder, the
    reason and what to do."""


def check_profile_name(name: object, *, saving: bool = True) -> str:
    """A name to save a profile under: :data:`PROFILE_NAME_RULE`, and (where ``saving``) not
    the name of a built-in profile. ``ValueError`` naming the field and the rule."""
    if not isinstance(name, str) or not _PROFILE_NAME.fullmatch(name) or len(
            name) > MAX_PROFILE_NAME:
        shown = repr(name) if not isinstance(name, str) or len(name) <= 80 else (
            f"{name[:40]!r}... ({len(name):,} characters)")
        raise ValueError(f"profile name must be {PROFILE_NAME_RULE}; got {shown}")
    if saving and name in BUILTIN_PROFILES:
        raise ValueError(f"profile name must not be a built-in profile's "
                         f"({', '.join(BUILTIN_PROFILES)}): a saved {name!r} would shadow it; "
                         f"got {name!r}")
    return name


@dataclass(frozen=True, kw_only=True)
class FitQuality:
    """How well a fitted profile reproduces the latencies it was fitted on, and how well the
    measurements determine it.

    ``free_parameters`` is the number of unknowns fitted (rates, bandwidth, overheads, one
    scale factor for a profile fitted ``like`` another); ``at_bound`` names those the
    measurements push to a given bound (a spec-sheet peak rate or bandwidth: the data would
    have them faster); ``condition_number`` is that of the fit's design matrix over the
    unknowns strictly inside their bounds (columns scaled to unit length; large means two
    unknowns cannot be told apart). ``None`` where not known (a profile from an older file).
    """

    points: int
    mape_pct: float
    max_abs_pct: float
    source: str
    free_parameters: int | None = None
    at_bound: tuple[str, ...] = ()
    condition_number: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.at_bound, tuple):  # read back from JSON as a list
            object.__setattr__(self, "at_bound", tuple(self.at_bound))


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A device for the latency model t = t₀(kind) + max(2·MACs / P(kind), bytes / BW).

    ``peak_flops`` and ``overhead`` map each latency kind to FLOP/s and seconds;
    ``bandwidth`` is bytes/s; ``invocation`` seconds per inference. Every rate must be in
    :data:`RATE_RANGE` (10^3 to 10^18 per second), every time in [0, 10] s (``ValueError``
    naming the field and the range), also for a profile read from a saved file.
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
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 200 or any(
                unicodedata.category(c) in ("Cc", "Cf") for c in self.name):
            raise ValueError(f"profile name must be a non-empty printable text of at most 200 "
                             f"characters; got {self.name!r}")
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


def _check_rate(name: str, value: object, low: float = MIN_RATE, high: float = MAX_RATE) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not low <= value <= high:
        raise ValueError(f"{name} must be a finite number in [{low:.0e}, {high:.0e}]; got "
                         f"{value!r}")


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
    for label, value in (("peak_gflops (GFLOP/s)", peak_gflops),
                         ("bandwidth_gbs (GB/s)", bandwidth_gbs)):
        _check_rate(label, value, MIN_RATE / 1e9, MAX_RATE / 1e9)
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


def read_profile_file(path: Path) -> Profile:
    """A profile file (built-in or saved), validated as any profile; ``ValueError`` saying why
    it cannot be used."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ValueError(f"it cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    try:
        profile = _from_json(data)
    except KeyError as error:
        raise ValueError(f"it has no {error.args[0]!r}") from None
    except TypeError as error:
        raise ValueError(f"a field has the wrong type ({error})") from None
    if profile.name != path.stem:
        raise ValueError(f"its name {profile.name!r} is not its file name {path.stem!r}")
    return profile


def _read(path: Path) -> Profile:
    """A saved profile file, validated as any profile; ``ValueError`` saying why not."""
    profile = read_profile_file(path)
    if path.stem in BUILTIN_PROFILES or profile.name in BUILTIN_PROFILES:
        raise ValueError(f"a saved profile may not take a built-in profile's name "
                         f"({', '.join(BUILTIN_PROFILES)}); rename the file and its name")
    return profile


def scan_profiles() -> tuple[dict[str, Profile], dict[Path, str]]:
    """(the usable saved profiles by name, every other ``*.json`` file of the profiles folder
    with the reason it is not used). Nothing is created; a folder that does not exist holds
    none, one that cannot be read raises :class:`ProfilesFolderError`."""
    folder = profiles_dir()
    usable: dict[str, Profile] = {}
    ignored: dict[Path, str] = {}
    try:
        if not folder.is_dir():
            return usable, ignored
        paths = sorted(folder.glob("*.json"))
    except OSError as error:
        raise ProfilesFolderError(
            f"the profiles folder {str(folder)!r} cannot be read ({error.strerror}); set "
            f"{PROFILES_ENV} to a readable folder") from None
    for path in paths:
        try:
            profile = _read(path)
        except ValueError as error:
            ignored[path] = str(error)
            continue
        usable[profile.name] = profile
    return usable, ignored


def saved_profiles() -> dict[str, Profile]:
    """The profiles saved by :func:`costmodel.calibrate`: every ``NAME.json`` of
    :func:`profiles_dir` that holds a valid profile called NAME, not named like a built-in
    one (:func:`scan_profiles` says why any other file is not used)."""
    return scan_profiles()[0]


def writable_profiles_dir() -> Path:
    """The profiles folder, created if need be and checked to take a file; before a
    calibration measures anything. :class:`ProfilesFolderError` where it cannot."""
    folder = profiles_dir()
    probe = folder / f".write-test-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ProfilesFolderError(
            f"cannot save a profile: the profiles folder {str(folder)!r} cannot be created or "
            f"written ({error.strerror}); set {PROFILES_ENV} to a writable folder, or do not "
            f"save (--no-save, save=False)") from None
    return folder


def save_profile(profile: Profile) -> Path:
    """Write ``profile`` to :func:`profiles_dir` as ``NAME.json``, atomically (a partial
    write never replaces the previous profile). The name must follow
    :data:`PROFILE_NAME_RULE` and not be a built-in profile's (``ValueError``); a folder that
    cannot be written raises :class:`ProfilesFolderError`."""
    check_profile_name(profile.name)
    folder = writable_profiles_dir()
    target = folder / f"{profile.name}.json"
    temporary = folder / f".{profile.name}.json.tmp"
    try:
        temporary.write_text(profile.to_json(), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ProfilesFolderError(f"cannot save profile {profile.name!r} to {str(target)!r} "
                                  f"({error.strerror}); the previous file is kept") from None
    return target


__all__ = [
    "BUILTIN_PROFILES",
    "COMPUTE_KINDS",
    "DEFAULT_PROFILE",
    "LATENCY_KINDS",
    "MAX_RATE",
    "MIN_RATE",
    "PROFILE_NAME_RULE",
    "RATE_RANGE",
    "FitQuality",
    "Profile",
    "ProfilesFolderError",
    "check_profile_name",
    "profile_from_spec",
    "profiles_dir",
    "read_profile_file",
    "save_profile",
    "saved_profiles",
    "scan_profiles",
    "writable_profiles_dir",
]
