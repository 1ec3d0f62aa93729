"""The device profiles: built-in ones and those saved by :func:`costmodel.calibrate`.

* ``pixel1``: fitted on the 22 published MobileNet v2 Pixel-1 latencies
  (:func:`costmodel.device_fit.fit_pixel1`);
* ``i9-10940x-spec``: an Intel Core i9-10940X by its published specification, not measured;
* every profile saved under :func:`costmodel.profile_spec.profiles_dir`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from costmodel.device_fit import fit_pixel1
from costmodel.profile_spec import (
    BUILTIN_PROFILES,
    Profile,
    profile_from_spec,
    profiles_dir,
    saved_profiles,
    scan_profiles,
)


@cache
def _builtin() -> dict[str, Profile]:
    spec = profile_from_spec(
        "i9-10940x-spec", 2956.8, 93.9,
        description="Intel Core i9-10940X by its spec sheet: 14 cores × 3.3 GHz × 64 FP32 "
                    "FLOP per cycle (two AVX-512 FMA units), quad-channel DDR4-2933",
        source="published specification (base clock, AVX-512 FMA units, memory channels); "
               "not measured")
    builtin = {"pixel1": fit_pixel1(), spec.name: spec}
    assert tuple(builtin) == BUILTIN_PROFILES
    return builtin


def profiles() -> tuple[Profile, ...]:
    """Every profile: the built-in ones (``pixel1``, a spec-sheet i9-10940X) and those saved
    by :func:`costmodel.calibrate` (``costmodel.profiles()``)."""
    return (*_builtin().values(), *saved_profiles().values())


def ignored_profiles() -> dict[Path, str]:
    """The files of the profiles folder that are not used, each with the reason (not JSON, an
    invalid rate, a built-in profile's name...)."""
    return scan_profiles()[1]


def get_profile(profile: object) -> Profile:
    """A profile by name (or a :class:`Profile` as is); ``ValueError`` listing the names, or
    saying why a saved file of that name is not used. A built-in name never reads the
    profiles folder."""
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str) and profile in BUILTIN_PROFILES:
        return _builtin()[profile]
    usable, ignored = scan_profiles() if isinstance(profile, str) else ({}, {})
    if isinstance(profile, str) and profile in usable:
        return usable[profile]
    path = profiles_dir() / f"{profile}.json"
    if path in ignored:
        raise ValueError(f"profile {profile!r} ({str(path)!r}) cannot be used: "
                         f"{ignored[path]}")
    names = [*BUILTIN_PROFILES, *usable]
    raise ValueError(f"profile must be one of {', '.join(names)} (or a Profile; calibrate "
                     f"this machine with costmodel.calibrate()); got {profile!r}")


__all__ = ["get_profile", "ignored_profiles", "profiles"]
