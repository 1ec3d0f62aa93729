"""The budget answer in words (issue 17, 2), as the dashboard and the command line show it:
whether the top-1 is measured (a released checkpoint or a paper, with its source) or predicted
(with its interval in the text, not only in a tooltip), and the prediction a measured answer
was preferred to.

Expected answers are published figures with their sources: TF-slim ``mobilenet_v1.md``
(MobileNet_v1_1.0_224: 569 M MACs, 4.24 M params, 70.9 %), TF-slim ``mobilenet/README.md``
(mobilenet_v2_1.0_192: 70.7 %), tensorflow/tpu ``mnasnet/README.md`` (MnasNet-A1 0.75-160:
70.1 %), timm's ``results/results-imagenet.csv`` at aa4b5850 (mixnet_l.ft_in1k 78.970 %) and the
EfficientNet paper, Table 2 (B2 at 260 px: 79.8 %). The intervals are ± the largest
leave-one-out error docs/accuracy.md lists per fit (MnasNet-A1 0.99 points)."""

from __future__ import annotations

import re

import pytest

import costmodel
from costmodel.presentation.dashboard_state import budget_answer, budget_choice


def test_the_answer_says_measured_and_which_checkpoint() -> None:
    answer = budget_answer(600.0, None, "mobilenet_v1")
    assert answer is not None and answer.in_network is not None
    assert answer.in_network.text == (
        "MobileNet v1 α = 1, 224 px: 70.9 % top-1 (measured, checkpoint: TF-slim "
        "mobilenet_v1.md: MobileNet_v1_1.0_224); 568.7 M Mult-Adds, 4.21 M params")
    assert answer.overall is not None and answer.overall.text.startswith(
        "mixnet_l α = 1.3, 224 px: 79.0 % top-1 (measured, checkpoint: timm "
        "results/results-imagenet.csv @aa4b5850: mixnet_l.ft_in1k); ")


def test_the_answer_says_predicted_with_its_interval_in_the_text() -> None:
    answer = budget_answer(150.0, None, "mnasnet_a1")
    assert answer is not None and answer.in_network is not None
    choice = answer.in_network
    assert choice.text.startswith("MnasNet-A1 α = 1.05, 144 px: ")
    match = re.search(r"(\d+\.\d) % top-1 \(predicted, ±1\.0 leave-one-out: (\d+\.\d)–(\d+\.\d) "
                      r"%; no checkpoint\)", choice.text)
    assert match, choice.text
    top1, low, high = (float(g) for g in match.groups())
    assert low == pytest.approx(top1 - 0.99, abs=0.11) and high == pytest.approx(
        top1 + 0.99, abs=0.11)
    assert choice.passed_over is None  # the answer is the prediction itself
    only = budget_answer(150.0, None, "mnasnet_a1", checkpoints_only=True)
    assert only is not None and only.in_network is not None
    assert only.in_network.text.startswith(
        "MnasNet-A1 α = 0.75, 160 px: 70.1 % top-1 (measured, checkpoint: "
        "tensorflow/tpu mnasnet/README.md: MnasNet-A1 0.75-160); ")


def test_the_answer_names_the_prediction_it_was_preferred_to() -> None:
    choice = budget_choice(costmodel.frontier(max_mult_adds=300e6, networks=["mobilenet_v2"]))
    assert choice is not None and choice.passed_over is not None
    assert choice.text.startswith("MobileNet v2 α = 1, 192 px: 70.7 % top-1 (measured, "
                                  "checkpoint: ")
    assert choice.passed_over.basis == "predicted" and choice.passed_over.top1 > 70.7
    assert choice.passed_over_text.startswith("Preferred to MobileNet v2 α = ")
    assert choice.passed_over_text.endswith(
        "the measured 70.7 % is within that prediction's interval.")


def test_a_paper_figure_says_so() -> None:
    choice = budget_choice(costmodel.frontier(networks=["efficientnet_b2"], max_mult_adds=1e9))
    assert choice is not None
    assert "79.8 % top-1 (measured, paper: EfficientNet paper, Table 2: EfficientNet-B2; no " \
           "released checkpoint listed)" in choice.text


def test_no_answer_for_an_empty_frame() -> None:
    assert budget_choice(costmodel.frontier(max_mult_adds=1e6)) is None
