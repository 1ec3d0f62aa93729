"""`costmodel frontier`: the answer first, in words (measured or predicted, with the interval),
and `--checkpoints-only`. Expected answers are published figures: TF-slim mobilenet_v1.md
(MobileNet_v1_1.0_224: 569 M MACs, 4.24 M params, 70.9 %), tensorflow/tpu mnasnet/README.md
(MnasNet-A1 0.75-160: 70.1 %), TF-slim mobilenet/README.md (mobilenet_v2_1.0_192: 70.7 %); the
MnasNet-A1 interval is ± its fit's largest leave-one-out error, 0.99 in docs/accuracy.md."""

from __future__ import annotations

import re

import pytest

from costmodel.presentation.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_budget_600m_answer_is_the_tf_slim_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["frontier", "--max-mult-adds", "600e6"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Best: MobileNet v1 α = 1, 224 px: 70.9 % top-1 (measured, checkpoint: "
                        "TF-slim mobilenet_v1.md: MobileNet_v1_1.0_224); 568.7 M Mult-Adds, "
                        "4.21 M params")
    assert re.match(r"\d+ configurations fit \(Mult-Adds ≤ 600,000,000\); ", lines[1])


def test_budget_150m_mnasnet_prediction_shows_its_interval(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["frontier", "--max-mult-adds", "150e6", "--networks", "mnasnet_a1"],
                        capsys)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("Best: MnasNet-A1 α = 1.05, 144 px: ")
    assert "% top-1 (predicted, ±1.0 leave-one-out: " in first and "; no checkpoint)" in first


def test_budget_checkpoints_only(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["frontier", "--max-mult-adds", "150e6", "--networks", "mnasnet_a1",
            "--checkpoints-only"]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Best: MnasNet-A1 α = 0.75, 160 px: 70.1 % top-1 (measured, checkpoint: "
                        "tensorflow/tpu mnasnet/README.md: MnasNet-A1 0.75-160); 114.7 M "
                        "Mult-Adds, 2.89 M params")
    assert "configurations with a released checkpoint fit (Mult-Adds ≤ 150,000,000)" in lines[1]
    code, out, _ = _run([*argv, "--all", "--format", "csv"], capsys)
    assert code == 0
    rows = out.strip().splitlines()
    header = rows[0].split(",")
    assert header[:10] == ["network", "alpha", "resolution", "mult_adds", "params", "top1",
                           "low", "high", "basis", "checkpoint"]
    assert rows[1].startswith("mnasnet_a1,0.75,160,114704288,")
    assert {r.split(",")[8:10] == ["measured", "True"] for r in rows[1:]} == {True}


def test_budget_names_the_prediction_a_checkpoint_was_preferred_to(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["frontier", "--max-mult-adds", "300e6", "--networks", "mobilenet_v2"],
                        capsys)
    assert code == 0
    first, second = out.splitlines()[:2]
    assert first.startswith("Best: MobileNet v2 α = 1, 192 px: 70.7 % top-1 (measured, "
                            "checkpoint: TF-slim mobilenet/README.md (v2): mobilenet_v2_1.0_192)")
    assert second.startswith("Preferred to MobileNet v2 α = ")
    assert second.endswith("the measured 70.7 % is within that prediction's interval.")


def test_budget_checkpoints_only_nothing_fits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["frontier", "--max-mult-adds", "1e9", "--networks", "efficientnet_b2",
                           "--checkpoints-only"], capsys)
    assert code == 0 and out == ""
    assert err.startswith("No configuration with a released checkpoint fits the budget")
    assert len(err.strip().splitlines()) == 1


def test_budget_checkpoints_only_takes_no_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frontier", "--max-mult-adds", "150e6", "--checkpoints-only", "yes"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "unrecognized arguments: yes" in err
