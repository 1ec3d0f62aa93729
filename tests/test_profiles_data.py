"""The built-in device profiles are data (data/profiles/NAME.json), not refitted at run time;
refitting them from their sources gives the stored numbers."""

from __future__ import annotations

import dataclasses
import math

import pytest

import costmodel
from costmodel.hardware.device_fit import derive_builtin_profiles
from costmodel.hardware.device_profiles import builtin_profile_path
from costmodel.hardware.profile_spec import BUILTIN_PROFILES, read_profile_file


def _close(stored: object, derived: object) -> bool:
    if isinstance(stored, float) and isinstance(derived, float):
        return math.isclose(stored, derived, rel_tol=1e-9, abs_tol=1e-15)
    if isinstance(stored, dict) and isinstance(derived, dict):
        return stored.keys() == derived.keys() and all(
            _close(stored[k], derived[k]) for k in stored)
    return stored == derived


@pytest.mark.parametrize("name", BUILTIN_PROFILES)
def test_stored_profile_equals_its_refit(name: str) -> None:
    stored = read_profile_file(builtin_profile_path(name))
    derived = derive_builtin_profiles()[name]
    for field in dataclasses.fields(stored):
        a, b = getattr(stored, field.name), getattr(derived, field.name)
        if field.name == "fit" and a is not None:
            a, b = dataclasses.asdict(a), dataclasses.asdict(b)
        assert _close(a, b), field.name


def test_pixel1_is_read_from_its_file_with_provenance() -> None:
    pixel1 = costmodel.get_profile("pixel1")
    assert pixel1.extra["stored_as"] == "data/profiles/pixel1.json"
    assert "fit_pixel1" in pixel1.extra["derived_by"]
    assert pixel1.fit is not None and pixel1.fit.points == 22
    assert pixel1.bandwidth == 29.8e9  # the Snapdragon 821's LPDDR4-1866 bound, 4 × 16-bit


def test_i9_spec_sheet_arithmetic() -> None:
    # 14 cores × 3.3 GHz × 64 FP32 FLOP/cycle; quad-channel DDR4-2933, 8 bytes per transfer
    spec = costmodel.get_profile("i9-10940x-spec")
    assert spec.peak_flops["pointwise"] == pytest.approx(2956.8e9)
    assert spec.bandwidth == pytest.approx(93.9e9)
    assert spec.fit is None


def test_getting_a_builtin_profile_does_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    from costmodel.hardware import device_fit, device_profiles

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a built-in profile was refitted at run time")

    monkeypatch.setattr(device_fit, "fit_profile", refuse)
    device_profiles._builtin.cache_clear()
    try:
        assert costmodel.get_profile("pixel1").name == "pixel1"
    finally:
        device_profiles._builtin.cache_clear()
