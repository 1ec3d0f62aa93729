"""costmodel.fit_profile: a device profile from a table of measured latencies, its fit quality
and provenance, and every measurement table it refuses."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import costmodel
from costmodel.hardware import profile_fit
from costmodel.hardware.onnx_run import Measurement, fit_measured_profile
from costmodel.hardware.profile_spec import Profile

#: A device made up for the round trip: 10 GFLOP/s for GEMM-like convs, 2 for depthwise,
#: 4 GB/s, 15 µs per operation and 0.5 ms per inference.
TOY = Profile(name="toy", description="", provenance="",
              peak_flops={"conv": 10e9, "pointwise": 10e9, "fc": 10e9, "depthwise": 2e9},
              bandwidth=4e9, overhead=dict.fromkeys(
                  ("conv", "pointwise", "depthwise", "fc", "elementwise"), 15e-6),
              invocation=0.5e-3)
V1 = [(a, r) for a in (0.25, 0.5, 0.75, 1.0) for r in (128, 160, 192, 224)]
V2 = [(a, r) for a in (0.35, 1.0, 1.4) for r in (96, 224)]


def _measured(profile: Profile) -> pd.DataFrame:
    rows = [{"network": network, "alpha": a, "resolution": r,
             "latency_ms": costmodel.report(a, resolution=r, network=network)
             .latency(profile).total_ms}
            for network, grid in (("mobilenet_v1", V1), ("mobilenet_v2", V2)) for a, r in grid]
    return pd.DataFrame(rows)


def test_a_fit_recovers_the_device_that_made_the_times() -> None:
    fitted = costmodel.fit_profile(_measured(TOY), name="refit", description="round trip")
    assert math.isclose(fitted.peak_flops["pointwise"], 10e9, rel_tol=1e-6)
    assert math.isclose(fitted.peak_flops["depthwise"], 2e9, rel_tol=1e-6)
    assert math.isclose(fitted.bandwidth, 4e9, rel_tol=1e-6)
    assert math.isclose(fitted.overhead["depthwise"], 15e-6, rel_tol=1e-6)
    assert math.isclose(fitted.invocation, 0.5e-3, rel_tol=1e-6)
    assert fitted.fit is not None
    # 22 configurations; GEMM and depthwise rates, bandwidth, overhead and fixed time
    assert (fitted.fit.points, fitted.fit.free_parameters) == (22, 5)
    assert fitted.fit.mape_pct < 1e-6 and fitted.fit.at_bound == ()
    assert "fitted by costmodel.fit_profile to 22 measured configurations" in fitted.provenance
    assert fitted.description == "round trip"


def test_a_bound_the_data_push_against_is_named() -> None:
    fitted = costmodel.fit_profile(_measured(TOY), name="capped", max_bandwidth=3e9)
    assert fitted.bandwidth == 3e9 and fitted.fit is not None
    assert fitted.fit.at_bound == ("bandwidth",)


def test_one_network_has_no_fixed_time_of_its_own() -> None:
    # every v1 configuration runs the same 29 operations: t_inv and t0 are one unknown
    frame = _measured(TOY)
    fitted = costmodel.fit_profile(frame[frame["network"] == "mobilenet_v1"], name="v1")
    assert fitted.invocation == 0.0 and fitted.fit is not None
    assert fitted.fit.free_parameters == 4


def test_like_scales_a_profile_by_one_factor() -> None:
    slower = profile_fit.scale_profile(TOY, 1.5, name="slower", description="",
                                       provenance="", fit=None)
    two = _measured(slower).iloc[[0, 20]]  # two rows are enough for one unknown
    fitted = costmodel.fit_profile(two, name="like-toy", like=TOY)
    assert math.isclose(fitted.peak_flops["pointwise"], 10e9 / 1.5, rel_tol=1e-9)
    assert math.isclose(fitted.overhead["fc"], 15e-6 * 1.5, rel_tol=1e-9)
    assert fitted.fit is not None and fitted.fit.free_parameters == 1
    assert "the shape of profile 'toy' scaled by one factor, 1.5" in fitted.provenance


def test_optional_columns_blank_take_the_networks_defaults_and_others_are_ignored() -> None:
    frame = _measured(TOY)
    frame["alpha"] = frame["alpha"].where(frame["alpha"] != 1.0)  # blank: the default, 1
    frame["rules"] = ["tf-slim" if i % 2 else "" for i in range(len(frame))]
    frame["num_classes"] = pd.array([None] * len(frame), dtype="Int64")
    frame["device"] = "a phone"
    fitted = costmodel.fit_profile(frame, name="blanks")
    assert fitted.fit is not None and fitted.fit.points == 22
    assert math.isclose(fitted.peak_flops["depthwise"], 2e9, rel_tol=1e-6)


def test_equal_duplicates_count_once() -> None:
    frame = _measured(TOY)
    fitted = costmodel.fit_profile(pd.concat([frame, frame.iloc[[3]]]), name="dup")
    assert fitted.fit is not None and fitted.fit.points == 22


@pytest.mark.parametrize(("measurements", "message"), [
    pytest.param([{"network": "mobilenet_v1"}], r"measurements must be a pandas DataFrame "
                 r"with the columns network, resolution, latency_ms .*got list", id="not-a-frame"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224]}),
                 r"must have the columns .*; missing latency_ms", id="missing-column"),
    pytest.param(pd.DataFrame({"network": [], "resolution": [], "latency_ms": []}),
                 "at least one row", id="empty"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v9"], "resolution": [224],
                               "latency_ms": [5.0]}),
                 r"measurement row 1: network must be a built-in network's name .*"
                 r"'mobilenet_v9'", id="unknown-network"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"] * 2, "resolution": [224, 192],
                               "latency_ms": [5.0, 0.0]}),
                 r"measurement row 2: latency_ms must be a finite number of milliseconds > 0; "
                 r"got 0.0", id="zero-time"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "latency_ms": [-3.0]}), "got -3.0", id="negative-time"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "latency_ms": [math.nan]}), "> 0; got nan", id="nan-time"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "latency_ms": [math.inf]}), "> 0; got inf", id="infinite-time"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "latency_ms": ["fast"]}), "> 0; got 'fast'", id="text-time"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224.5],
                               "latency_ms": [5.0]}),
                 "measurement row 1: resolution must be a whole number", id="fractional-size"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "alpha": [9.0], "latency_ms": [5.0]}),
                 r"measurement row 1: alpha must be", id="alpha-out-of-range"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                               "rules": ["keras"], "latency_ms": [5.0]}),
                 r"measurement row 1: .*rules", id="unknown-rules"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"] * 3, "resolution": [224, 192, 224],
                               "alpha": [1.0, 1.0, None], "latency_ms": [24.0, 18.1, 25.0]}),
                 r"measurement row 3 and measurement row 1 measure the same configuration "
                 r"\(mobilenet_v1, α = 1, 224 px\) with different times \(24 and 25 ms\)",
                 id="duplicates-that-disagree"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"] * 3, "resolution": [224, 192, 160],
                               "latency_ms": [24.0, 18.1, 13.4]}),
                 r"measurements hold 3 distinct configurations; the model has 4 free parameters "
                 r"\(depthwise rate, gemm rate, overhead per operation, bandwidth\): give at "
                 r"least 4, or like=PROFILE", id="fewer-rows-than-unknowns"),
    pytest.param(pd.DataFrame({"network": ["mobilenet_v1"] * 4, "alpha": [1.0] * 4,
                               "resolution": [128, 160, 192, 224],
                               "latency_ms": [9.0, 13.4, 18.1, 24.0]}),
                 r"the fit is ill-conditioned: the measurements do not determine the gemm rate "
                 r"or the bandwidth \(the best fit makes them infinite\); give a spec-sheet "
                 r"bound", id="one-width-only"),
])
def test_bad_measurements_are_refused(measurements: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.fit_profile(measurements, name="bad")  # type: ignore[arg-type]


def test_two_unknowns_that_cannot_be_told_apart_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_fit, "MAX_CONDITION", 1.0)  # every real design is above 1
    with pytest.raises(ValueError, match=r"the fit is ill-conditioned: condition number "
                                         r"[0-9.e+]+ \(at most 1e\+00\): the measurements "
                                         r"cannot tell apart"):
        costmodel.fit_profile(_measured(TOY), name="toy-again")


@pytest.mark.parametrize(("kwargs", "message"), [
    pytest.param({"name": "has space"}, "profile name must be", id="bad-name"),
    pytest.param({"name": "ok", "max_flops": -1.0}, r"max_flops \(FLOP/s\) must be a finite "
                 r"number in \[1e\+03, 1e\+18\]", id="negative-bound"),
    pytest.param({"name": "ok", "max_bandwidth": math.inf}, r"max_bandwidth \(bytes/s\) must "
                 r"be", id="infinite-bound"),
    pytest.param({"name": "ok", "dtype": "float64"}, "dtype must be one of", id="bad-dtype"),
    pytest.param({"name": "ok", "like": "pixel9"}, "profile must be one of pixel1",
                 id="unknown-like"),
    pytest.param({"name": "ok", "fused_activations": "yes"}, "fused_activations must be True "
                 "or False", id="fused-not-bool"),
    pytest.param({"name": "ok", "like": "pixel1", "max_flops": 1e9}, "give like= or the "
                 "bounds, not both", id="like-with-a-bound"),
])
def test_bad_options_are_refused(kwargs: dict[str, object], message: str) -> None:
    frame = pd.DataFrame({"network": ["mobilenet_v1"], "resolution": [224],
                          "latency_ms": [24.0]})
    with pytest.raises(ValueError, match=message):
        costmodel.fit_profile(frame, **kwargs)  # type: ignore[arg-type]


def test_an_unfused_activation_is_one_memory_pass_with_no_overhead() -> None:
    # v3-Large's h-swish convs each add a read and a write of their output at the bandwidth
    r = costmodel.report(network="mobilenet_v3_large")
    fused = costmodel.report(network="mobilenet_v3_large").latency(TOY).total_ms
    unfused = r.latency(replace(TOY, fused_activations=False)).total_ms
    outputs = sum(int(row.out_h) * int(row.out_w) * int(row.out_c) for row in r.layers.itertuples()
                  if row.activation in ("hswish", "hsigmoid"))
    assert math.isclose(unfused - fused, 2 * 4 * outputs / 4e9 * 1e3, rel_tol=1e-9)


# --- the command line -------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "measured.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_fits_saves_and_uses_a_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import main

    monkeypatch.setenv("COSTMODEL_PROFILES", str(tmp_path / "profiles"))
    frame = _measured(TOY)
    frame["note"] = "a column the fit ignores"
    path = str(tmp_path / "measured.csv")
    frame.to_csv(path, index=False)
    assert main(["profile", "fit", path, "--name", "my-phone", "--description", "toy"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"my-phone: measurements in {path}; fitted by "
                                   f"costmodel.fit_profile to 22 measured configurations")
    assert "saved profile 'my-phone'" in captured.err
    saved = costmodel.get_profile("my-phone")
    assert math.isclose(saved.peak_flops["depthwise"], 2e9, rel_tol=1e-6)
    assert main(["latency", "--profile", "my-phone", "--network", "mobilenet_v2"]) == 0
    assert main(["profile", "fit", path, "--name", "other", "--no-save", "--format",
                 "json"]) == 0
    assert '"name": "other"' in capsys.readouterr().out
    assert "other" not in {p.name for p in costmodel.profiles()}


@pytest.mark.parametrize(("text", "options", "message"), [
    pytest.param("network,resolution,latency_ms\nmobilenet_v1,224,24\nmobilenet_v1,192,-1\n",
                 [], "measured.csv line 3: latency_ms must be a finite number of milliseconds "
                 "> 0; got -1", id="bad-time-names-its-line"),
    pytest.param("network,resolution\nmobilenet_v1,224\n", [],
                 "must have the columns network, resolution, latency_ms (optionally alpha, "
                 "rules, num_classes); missing latency_ms", id="missing-column"),
    pytest.param("", [], "is not a CSV table", id="empty-file"),
    pytest.param("network,resolution,latency_ms\nmobilenet_v1,224,24\n", ["--max-gbs", "-5"],
                 "max_bandwidth (bytes/s) must be a finite number", id="negative-bound"),
])
def test_cli_refuses_bad_input_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          text: str, options: list[str], message: str) -> None:
    from costmodel.presentation.cli import main

    path = _write(tmp_path, text)
    assert main(["profile", "fit", path, "--name", "x", "--no-save", *options]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_cli_missing_file_and_builtin_name(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import main

    assert main(["profile", "fit", str(tmp_path / "none.csv"), "--name", "x", "--no-save"]) == 2
    assert "does not exist" in capsys.readouterr().err
    path = _write(tmp_path, "network,resolution,latency_ms\nmobilenet_v1,224,24\n")
    assert main(["profile", "fit", path, "--name", "pixel1"]) == 2
    assert "must not be a built-in profile's" in capsys.readouterr().err


def _runs(profile: Profile, *, fused_away: tuple[str, ...] = ()) -> list[profile_fit.LayerRun]:
    """v1 and v2 runs whose kernel times per operation are the made-up device's; the
    operations named in ``fused_away`` have no kernel of their own (0 s, as ONNX Runtime fuses
    a residual add into the conv before it)."""
    from costmodel.hardware.latency import total_seconds

    runs: list[profile_fit.LayerRun] = []
    for network, grid in (("mobilenet_v1", V1), ("mobilenet_v2", V2)):
        for a, r in grid:
            report = costmodel.report(a, resolution=r, network=network)
            layers = report.latency(profile).layers
            seconds = {str(n): 0.0 if any(part in str(n) for part in fused_away) else t / 1e3
                       for n, t in zip(layers["name"], layers["latency_ms"], strict=True)
                       if n != "(invocation)"}
            runs.append((report.graph, report.alpha, report.resolution,
                         total_seconds(report.graph, report.alpha, report.resolution, profile),
                         seconds))
    return runs


def test_a_per_layer_fit_recovers_the_device_and_its_fixed_time() -> None:
    unfused = replace(TOY, fused_activations=False)
    fitted = profile_fit.fit_layer_profile(_runs(unfused, fused_away=(".add",)), name="layers",
                                           description="per layer", provenance="round trip")
    assert math.isclose(fitted.peak_flops["pointwise"], 10e9, rel_tol=1e-6)
    assert math.isclose(fitted.peak_flops["depthwise"], 2e9, rel_tol=1e-6)
    assert math.isclose(fitted.bandwidth, 4e9, rel_tol=1e-6)
    assert math.isclose(fitted.overhead["conv"], 15e-6, rel_tol=1e-6)
    # the whole runs give the fixed time the kernels do not show; the fused adds are left out
    # of the fit (no kernel time) but not of the runs' totals
    assert math.isclose(fitted.invocation, 0.5e-3, rel_tol=1e-6)
    assert fitted.fit is not None and fitted.fit.mape_pct < 1e-6
    # every v1 operation at 16 configurations, every v2 operation but its adds at 6
    v1_ops = len(costmodel.report(network="mobilenet_v1").layers)
    v2 = costmodel.report(network="mobilenet_v2").layers
    v2_ops = len(v2) - sum(".add" in str(n) for n in v2["name"])
    assert fitted.fit.points == 16 * v1_ops + 6 * v2_ops
    assert not fitted.fused_activations


def test_a_per_layer_fit_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one measured run"):
        profile_fit.fit_layer_profile([], name="layers", description="", provenance="")
    with pytest.raises(ValueError, match="name"):
        profile_fit.fit_layer_profile(_runs(TOY), name="../x", description="", provenance="")


def _measurement(report: costmodel.Report, device: Profile,
                 graph: bool = False) -> Measurement:
    """A run of ``report``'s configuration whose time and kernel times per operation are the
    made-up device's (no timing involved); ``graph``: it keeps the graph that ran."""
    latency = report.latency(device)
    layers = latency.layers[latency.layers["name"] != "(invocation)"]
    t = latency.total_ms
    return Measurement(
        network=report.name, title=report.network.title, rules=report.rules,
        alpha=report.alpha, resolution=report.resolution, num_classes=report.classes,
        mult_adds=report.mult_adds, threads=1, warmup=0, repeats=3, times_ms=(t, t, t),
        median_ms=t, q1_ms=t, q3_ms=t, profile=device.name, estimate_ms=t, runtime="test",
        graph=report.graph if graph else None,
        layers=pd.DataFrame({"name": layers["name"], "measured_ms": layers["latency_ms"]}))


def test_measured_runs_with_layers_are_fitted_per_operation() -> None:
    # runs and kernel times as the made-up device gives them (no timing involved):
    # costmodel.measure(..., layers=True) runs saved with --save-profile fit per operation

    device = replace(TOY, fused_activations=False)
    runs = [_measurement(costmodel.report(a, resolution=r, network=network), device)
            for network, grid in (("mobilenet_v1", V1), ("mobilenet_v2", V2)) for a, r in grid]
    profile = fit_measured_profile(runs, name="test-cpu", description="synthetic runs")
    assert math.isclose(profile.peak_flops["conv"], 10e9, rel_tol=1e-6)
    assert math.isclose(profile.peak_flops["depthwise"], 2e9, rel_tol=1e-6)
    assert math.isclose(profile.bandwidth, 4e9, rel_tol=1e-6)
    assert math.isclose(profile.overhead["fc"], 15e-6, rel_tol=1e-6)
    assert math.isclose(profile.invocation, 0.5e-3, rel_tol=1e-6)
    assert "each operation's kernel time" in profile.provenance


def test_a_per_layer_fit_with_no_matching_kernel_times_is_refused() -> None:
    runs = [(graph, a, r, whole, {"not an operation": 1e-3})
            for graph, a, r, whole, _ in _runs(TOY)]
    with pytest.raises(ValueError, match="0 operations with a measured kernel time"):
        profile_fit.fit_layer_profile(runs, name="layers", description="", provenance="")


def test_a_measurement_is_fitted_on_the_graph_it_measured() -> None:
    # MobileNet v1's 'shallow' variant (Table 5) has fewer operations than the default: its
    # per-layer times are matched against the graph that ran, and a fit on whole runs, whose
    # table has no variant column, refuses it rather than fitting the separable network

    device = replace(TOY, fused_activations=False)
    runs = [_measurement(costmodel.report(a, resolution=r, variant="shallow"), device,
                         graph=True) for a, r in V1]
    profile = fit_measured_profile(runs, name="test-cpu", description="shallow variant")
    assert math.isclose(profile.peak_flops["conv"], 10e9, rel_tol=1e-6)
    assert math.isclose(profile.peak_flops["depthwise"], 2e9, rel_tol=1e-6)
    whole = [replace(m, layers=None) for m in runs]
    with pytest.raises(ValueError, match="variant 'shallow'"):
        fit_measured_profile(whole, name="test-cpu", description="shallow variant")
    # the full variant (Table 4) has no depthwise conv: its rate is refused, not made up
    full = [replace(m, graph=costmodel.report(m.alpha, resolution=m.resolution,
                                              variant="full").graph) for m in runs]
    with pytest.raises(ValueError, match="do not determine the depthwise rate"):
        fit_measured_profile(full, name="test-cpu", description="full variant")


def test_complete_refuses_widths_of_the_wrong_count() -> None:
    program = costmodel.report(network="mobilenet_v2").graph.program
    widths = program.independent(0.5)
    assert program.complete(widths, 0.5) == program.evaluate(0.5)
    with pytest.raises(ValueError, match="independent must hold"):
        program.complete(widths[:-1], 0.5)
