"""A steady clock for calibration tests: every round and every ladder call takes the same
time, so what is checked (progress, the fit, saving) never depends on how busy the machine
is. The operations themselves still run."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from costmodel.hardware import calibration


def steady_clock(monkeypatch: pytest.MonkeyPatch, seconds: float = 1e-3) -> None:
    """Every round of :func:`costmodel.calibrate` measures ``seconds`` per call, and every
    ladder operation ``seconds / 10``."""

    def per_round(function: Callable[[], object], calls: int) -> float:
        function()
        return seconds

    def per_call(call: Callable[[], object]) -> float:
        call()
        return seconds / 10

    monkeypatch.setattr(calibration, "_median_seconds", per_round)
    monkeypatch.setattr(calibration, "_time_call", per_call)
