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
    assert "BUILTIN_FITS" in pixel1.extra["derived_by"]
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


@pytest.mark.parametrize(("name", "points", "free", "at_bound"), [
    pytest.param("pixel1", 22, 4, ("bandwidth",), id="tfslim-v2-readme-22-rows"),
    pytest.param("pixel2", 2, 1, (), id="v3-paper-table3-v2-1.0-and-0.35"),
    pytest.param("pixel3", 2, 1, (), id="v3-paper-table3-v2-1.0-and-0.35"),
    pytest.param("pixel3-4threads", 16, 4, (), id="tflite-hosted-models-16-v1-rows"),
    pytest.param("pixel4-4threads", 1, 1, (), id="tflite-benchmarks-v1-1.0-224"),
    pytest.param("i9-10940x-timm", 13, 5, ("gemm rate", "bandwidth"),
                 id="timm-i9-6-v1-and-7-v2-rows"),
])
def test_each_fitted_profile_says_what_it_was_fitted_on(name: str, points: int, free: int,
                                                       at_bound: tuple[str, ...]) -> None:
    profile = costmodel.get_profile(name)
    assert profile.fit is not None
    assert (profile.fit.points, profile.fit.free_parameters, profile.fit.at_bound) == (
        points, free, at_bound)
    assert not profile.fused_activations  # TF-Lite and PyTorch run h-swish etc. on their own
    assert profile.provenance == profile.fit.source


def test_pixel2_and_pixel3_are_pixel1_scaled() -> None:
    pixel1 = costmodel.get_profile("pixel1")
    for name in ("pixel2", "pixel3"):
        scaled = costmodel.get_profile(name)
        factor = pixel1.peak_flops["pointwise"] / scaled.peak_flops["pointwise"]
        assert math.isclose(pixel1.peak_flops["depthwise"] / scaled.peak_flops["depthwise"],
                            factor, rel_tol=1e-12)
        assert math.isclose(scaled.overhead["conv"] / pixel1.overhead["conv"], factor,
                            rel_tol=1e-12)
        assert "the shape of profile 'pixel1' scaled by one factor" in scaled.provenance


def test_the_i9_fit_is_bounded_by_its_spec_sheet() -> None:
    fitted, spec = costmodel.get_profile("i9-10940x-timm"), costmodel.get_profile("i9-10940x-spec")
    assert fitted.peak_flops["pointwise"] == spec.peak_flops["pointwise"]  # at the bound
    assert fitted.bandwidth == spec.bandwidth
    assert fitted.peak_flops["depthwise"] < spec.peak_flops["depthwise"]
    assert fitted.invocation > 0  # v1 and v2 run different numbers of operations
