"""The device profiles: built-in ones and those saved by :func:`costmodel.calibrate`.

* ``pixel1``: fitted on the 22 published MobileNet v2 Pixel-1 latencies
  (:func:`costmodel.device_fit.fit_pixel1`);
* ``i9-10940x-spec``: an Intel Core i9-10940X by its published specification, not measured;
* every profile saved under :func:`costmodel.profile_spec.profiles_dir`.
"""

from __future__ import annotations

from functools import cache

from costmodel.device_fit import fit_pixel1
from costmodel.profile_spec import Profile, profile_from_spec, saved_profiles


@cache
def _builtin() -> dict[str, Profile]:
    spec = profile_from_spec(
        "i9-10940x-spec", 2956.8, 93.9,
        description="Intel Core i9-10940X by its spec sheet: 14 cores × 3.3 GHz × 64 FP32 "
                    "FLOP per cycle (two AVX-512 FMA units), quad-channel DDR4-2933",
        source="published specification (base clock, AVX-512 FMA units, memory channels); "
               "not measured")
    return {"pixel1": fit_pixel1(), spec.name: spec}


def profiles() -> tuple[Profile, ...]:
    """Every profile: the built-in ones (``pixel1``, a spec-sheet i9-10940X) and those saved
    by :func:`costmodel.calibrate` (``costmodel.profiles()``)."""
    return (*_builtin().values(), *saved_profiles().values())


def get_profile(profile: object) -> Profile:
    """A profile by name (or a :class:`Profile` as is); ``ValueError`` listing the names."""
    if isinstance(profile, Profile):
        return profile
    found = {p.name: p for p in profiles()}
    if not isinstance(profile, str) or profile not in found:
        raise ValueError(f"profile must be one of {', '.join(found)} (or a Profile; calibrate "
                         f"this machine with costmodel.calibrate()); got {profile!r}")
    return found[profile]


__all__ = ["get_profile", "profiles"]
