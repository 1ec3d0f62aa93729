"""The dashboard, headless (streamlit.testing.v1.AppTest): it runs, shows the library's own
numbers, reacts to variant and budget, and turns bad input into an error element."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import costmodel

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_runs_and_shows_the_library_numbers(app: AppTest) -> None:
    app.slider(key="alpha").set_value(0.5).run()
    app.slider(key="resolution").set_value(160).run()
    assert not app.exception
    r = costmodel.report(0.5, resolution=160)
    assert metric(app, "Mult-Adds (exact)") == f"{r.mult_adds:,}" == "76,524,800"
    assert metric(app, "Parameters (exact)") == f"{r.params:,}" == "1,320,648"
    assert r.accuracy is not None
    assert metric(app, "Predicted ImageNet top-1") == f"{r.accuracy.top1:.1f}%"
    assert len(app.get("plotly_chart")) == 3
    assert app.query_params["alpha"] == "0.5" and app.query_params["resolution"] == "160"


def test_variant_changes_what_is_shown(app: AppTest) -> None:
    app.selectbox(key="variant").set_value("full").run()
    assert not app.exception
    assert metric(app, "Mult-Adds (exact)") == "4,867,293,184"
    assert metric(app, "Predicted ImageNet top-1") == "n/a"


def test_budget_shows_the_frontier(app: AppTest) -> None:
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    assert not app.exception
    frames = app.dataframe
    assert any("on_frontier" in f.value.columns for f in frames)
    frontier = next(f.value for f in frames if "on_frontier" in f.value.columns)
    assert (frontier["mult_adds"] <= 150e6).all()


def test_budget_nothing_meets_shows_info(app: AppTest) -> None:
    app.number_input(key="budget_mult_adds").set_value(1.0).run()
    assert not app.exception
    assert any("No configuration fits" in i.value for i in app.info)


@pytest.mark.parametrize("bad", [0.0, -0.5, 2.0])
def test_bad_typed_alpha_shows_an_error(app: AppTest, bad: float) -> None:
    app.number_input(key="alpha_typed").set_value(bad).run()
    assert not app.exception
    assert len(app.error) == 1
    assert "alpha" in app.error[0].value or "α" in app.error[0].value


def test_typed_alpha_above_one_is_flagged(app: AppTest) -> None:
    app.number_input(key="alpha_typed").set_value(1.3).run()
    assert not app.exception
    assert metric(app, "Mult-Adds (exact)") == f"{costmodel.report(1.3).mult_adds:,}"
    assert any("Extrapolation" in w.value for w in app.warning)


def test_shared_link_restores_the_configuration() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["alpha"] = "0.75"
    at.query_params["resolution"] = "192"
    at.query_params["variant"] = "shallow"
    at.run()
    assert not at.exception
    r = costmodel.report(0.75, resolution=192, variant="shallow")
    assert metric(at, "Mult-Adds (exact)") == f"{r.mult_adds:,}"


def test_garbage_in_the_link_is_ignored_with_a_warning() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["alpha"] = "__import__('os')"
    at.run()
    assert not at.exception
    assert any("Ignored" in w.value for w in at.warning)
    assert metric(at, "Mult-Adds (exact)") == "568,740,352"


def test_paper_presets_set_the_sliders(app: AppTest) -> None:
    app.button_group(key="resolution_preset").set_value(128).run()
    assert app.slider(key="resolution").value == 128
    assert metric(app, "Mult-Adds (exact)") == "186,400,768"
    app.button_group(key="alpha_preset").set_value(0.25).run()
    assert app.slider(key="alpha").value == 0.25
    assert metric(app, "Mult-Adds (exact)") == "13,570,048"


CIFAR = (Path(__file__).resolve().parents[1] / "data" / "examples"
         / "mobilenet_v1_cifar_layers.csv").read_bytes()


def test_uploaded_table_is_evaluated(app: AppTest) -> None:
    app.file_uploader(key="architecture_upload").set_value(
        ("cifar.csv", CIFAR, "text/csv")).run()
    assert not app.exception
    r = costmodel.report(network="mobilenet_v1_cifar")
    assert metric(app, "Mult-Adds (exact)") == f"{r.mult_adds:,}" == "46,354,432"
    app.number_input(key="custom_resolution").set_value(64).run()
    r64 = costmodel.report(resolution=64, network="mobilenet_v1_cifar")
    assert metric(app, "Mult-Adds (exact)") == f"{r64.mult_adds:,}"


def test_malformed_upload_shows_the_validation_message(app: AppTest) -> None:
    bad = b"name,kind,kernel,stride,in_channels,out_channels\nc1,pool,3,2,3,16\n"
    app.file_uploader(key="architecture_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not app.exception
    assert any("line 2: kind must be one of" in e.value for e in app.error)
    assert metric(app, "Mult-Adds (exact)") == "568,740,352"  # still running, on MobileNet
