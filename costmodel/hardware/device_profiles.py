"""The device profiles: built-in ones and those saved by :func:`costmodel.calibrate`.

The built-in profiles are data, ``data/profiles/NAME.json``, each with its provenance (read
once, never refitted at run time;
:func:`costmodel.hardware.device_fit.derive_builtin_profiles` writes them and a test refits
them):

* the phones and CPUs with published latencies, each fitted on MobileNet v1 and/or v2 rows
  of its device (:data:`costmodel.hardware.device_fit.BUILTIN_FITS`: the Pixel 1, 2 and 3
  large cores, the Pixel 3 and 4 with 4 threads, the i9-10940X as timm benchmarks it);
* ``i9-10940x-spec``: an Intel Core i9-10940X by its published specification, not measured;

and every profile saved under :func:`costmodel.hardware.profile_spec.profiles_dir` (by
:func:`costmodel.calibrate` or :func:`costmodel.fit_profile` through the command line).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from costmodel.base.data_files import data_dir
from costmodel.hardware.profile_spec import (
    BUILTIN_PROFILES,
    Profile,
    profiles_dir,
    read_profile_file,
    saved_profiles,
    scan_profiles,
)


def builtin_profile_path(name: str) -> Path:
    """The shipped file of a built-in profile: ``data/profiles/NAME.json``."""
    return data_dir() / "profiles" / f"{name}.json"


@cache
def _builtin() -> dict[str, Profile]:
    builtin = {}
    for name in BUILTIN_PROFILES:
        path = builtin_profile_path(name)
        try:
            builtin[name] = read_profile_file(path)
        except ValueError as error:  # a broken installation, not a user's input
            raise RuntimeError(f"the built-in profile file {str(path)!r} cannot be used: "
                               f"{error}; reinstall costmodel") from None
    return builtin


def profiles() -> tuple[Profile, ...]:
    """Every profile: the built-in ones (:data:`~costmodel.base.kinds.BUILTIN_PROFILES`) and
    those saved in the profiles folder (``costmodel.profiles()``)."""
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


__all__ = ["builtin_profile_path", "get_profile", "ignored_profiles", "profiles"]
