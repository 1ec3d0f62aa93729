"""The step-by-step derivation and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from calibration_clock import steady_clock

import costmodel
from costmodel.presentation.cli import main


@pytest.mark.parametrize("layer", ["conv1", "dw1", "pw1", "dw2", "pw13", "pool", "fc"])
@pytest.mark.parametrize(("a", "resolution"), [(1.0, 224), (0.5, 160), (0.3, 97)])
def test_derivation_value_equals_the_count(layer: str, a: float, resolution: int) -> None:
    d = costmodel.derive(layer, a, resolution=resolution)
    row = costmodel.report(a, resolution=resolution).layers.set_index("name").loc[layer]
    assert (d.mult_adds, d.params) == (row["mult_adds"], row["params"])
    assert [s.title for s in d.steps] == ["Formula", "This layer", "Substituted", "Value"]


def test_derivation_text_for_dw1() -> None:
    d = costmodel.derive("dw1", 0.5, resolution=160)
    text = str(d)
    assert "D_K·D_K·M·D_G·D_G" in text
    assert "max(int(0.5·32), 8) = 16" in text
    assert "3·3·16·80·80" in text
    assert "921,600" in text
    assert r"3 \cdot 3 \cdot 16 \cdot 80 \cdot 80" in d.steps[2].latex


def test_derive_rejects_unknown_layer() -> None:
    with pytest.raises(ValueError, match="layer must be one of"):
        costmodel.derive("dw99")


def test_cli_report_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--alpha", "0.5", "--rho", "0.714", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["mult_adds"], data["params"], data["resolution"]) == (76_524_800, 1_320_648, 160)


def test_cli_report_text_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--resolution", "128"]) == 0
    assert "186,400,768" in capsys.readouterr().out
    assert main(["report", "--format", "markdown", "--variant", "full"]) == 0
    assert "4,867,293,184" in capsys.readouterr().out


def test_cli_layers_derive_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", "--alpha", "0.25"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("name,block,role,kind") and len(lines) == 30
    assert main(["derive", "pw13"]) == 0
    assert "1,048,576" in capsys.readouterr().out
    assert main(["formulas", "--latex"]) == 0
    assert r"\frac{1}{N} + \frac{1}{D_{K}^{2}}" in capsys.readouterr().out


def test_cli_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--alpha", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "alpha must be" in err[0]
    assert main(["derive", "nope"]) == 2
    assert "layer must be one of" in capsys.readouterr().err


def test_no_user_text_reaches_sympify_eval_exec() -> None:
    package = Path(costmodel.__file__).parent
    pattern = re.compile(r"\b(sympify|eval|exec|parse_expr)\s*\(")
    offenders = [
        f"{path.name}:{number}"
        for path in package.glob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json", "latex"])
def test_cli_report_every_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--alpha", "0.5", "--resolution", "160", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert ("76,524,800" in out) or ("76524800" in out) or ("76{,}524{,}800" in out)


def test_cli_layers_latex_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert r"\begin{tabular}" in out and "pw13" in out
    assert main(["layers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 29 and rows[-1]["name"] == "fc"


def test_cli_sweep_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "grid.csv"
    assert main(["sweep", "--alphas", "0.25:1:0.25", "--resolutions", "128:224:32",
                 "--out", str(out)]) == 0
    lines = out.read_text().strip().splitlines()
    assert lines[0] == "alpha,resolution,rho,mult_adds,params,params_with_bn"
    assert len(lines) == 1 + 4 * 4
    assert "1.0,224,1.0,568740352,4210088,4231976" in lines
    assert capsys.readouterr().out == ""


def test_cli_frontier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frontier", "--max-mult-adds", "150e6", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("network,alpha,resolution,mult_adds")
    assert all(int(line.split(",")[2]) <= 150e6 for line in lines[1:])
    assert main(["frontier", "--max-mult-adds", "1000"]) == 0
    assert "No configuration fits" in capsys.readouterr().err


def test_cli_arch_file(capsys: pytest.CaptureFixture[str]) -> None:
    table = DATA / "examples" / "mobilenet_v1_cifar_layers.csv"
    assert main(["report", "--arch", str(table), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["mult_adds"], data["resolution"]) == (46_354_432, 32)


def test_cli_plot_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plane.html"
    assert main(["plot", "plane", "--alpha", "0.5", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "plotly" in text


def test_cli_plot_static(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "layers.svg"
    code = main(["plot", "layers", "--out", str(out)])
    try:
        import kaleido  # noqa: F401
    except ImportError:
        assert code == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "kaleido" in err[0] and "FILE.html" in err[0]
    else:
        if code == 0:
            assert out.read_text().lstrip().startswith("<svg")
        else:  # kaleido without a usable browser: still one clear line
            assert "static export failed" in capsys.readouterr().err
    assert main(["plot", "layers", "--out", str(tmp_path / "x.pdf")]) == 2


def test_cli_unwritable_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", "/proc/no/such/dir/report.txt"]) == 1
    assert "costmodel: error" in capsys.readouterr().err


def test_cli_arch_with_image_size(capsys: pytest.CaptureFixture[str]) -> None:
    table = DATA / "examples" / "mobilenet_v1_cifar_layers.csv"
    assert main(["report", "--arch", str(table), "--image-size", "33", "--format", "json"]) == 2
    assert "input_size=32 but" in capsys.readouterr().err  # the table's sizes say 32
    assert main(["report", "--arch", str(table), "--image-size", "x"]) == 2
    assert "image-size must be an integer" in capsys.readouterr().err


def test_cli_latency_memory_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "--network", "mobilenet_v2", "--alpha", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "on pixel1" in out and "depthwise" in out and "time_pct" in out
    assert main(["latency", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("name,role,latency_kind") and "bound" in header
    assert main(["memory", "--dtype", "float16"]) == 0
    assert f"peak activations {2 * (112 * 112 * 32 + 112 * 112 * 64):,} bytes at pw1" in \
        capsys.readouterr().out
    assert main(["profiles"]) == 0
    assert "pixel1" in capsys.readouterr().out
    assert main(["latency", "--profile", "pixel9"]) == 2
    assert "profile must be one of pixel1" in capsys.readouterr().err
    assert main(["memory", "--dtype", "float64"]) == 2
    assert "dtype must be one of" in capsys.readouterr().err


def test_cli_calibrate_without_saving(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COSTMODEL_PROFILES", str(tmp_path))
    steady_clock(monkeypatch)  # measurements injected: the verdict never depends on the load
    assert main(["calibrate", "--name", "box", "--no-save", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["name"] == "box"
    assert "GEMM" in captured.err  # progress on stderr
    assert not list(tmp_path.iterdir())


def test_cli_formula_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formulas", "--steps", "inverted_residual"]) == 0
    out = capsys.readouterr().out
    assert "h·w·d′·t·(d′ + k² + d″)" in out and "D_F**2*M*t*(D_K**2 + M + N)" in out


def test_cli_latency_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for figure in ("latency", "time-share"):
        out = tmp_path / f"{figure}.html"
        assert main(["plot", figure, "--network", "mobilenet_v2", "--out", str(out)]) == 0
        assert "<html>" in out.read_text("utf-8")


def test_cli_sweep_output_is_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import MAX_OUTPUT_ROWS, main

    code = main(["sweep", "--alphas", "0.01:4:0.001", "--resolutions", "1:4096:1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert f"{3991 * 4096:,} rows" in err[0] and f"{MAX_OUTPUT_ROWS:,}" in err[0]
