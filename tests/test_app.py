"""The dashboard runs headless (streamlit.testing.v1.AppTest) and shows the library's numbers."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import costmodel

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_runs_and_shows_the_library_numbers() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.slider(key="alpha").set_value(0.5).run()
    at.slider(key="resolution").set_value(160).run()
    assert not at.exception
    r = costmodel.report(0.5, resolution=160)
    values = [m.value for m in at.metric]
    assert f"{r.mult_adds:,}" in values and f"{r.params:,}" in values
