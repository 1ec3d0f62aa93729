"""The step-by-step derivation and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import costmodel
from costmodel.cli import main


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
    assert lines[0].startswith("name,kind") and len(lines) == 30
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
