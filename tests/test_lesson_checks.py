"""The lesson's check questions (issue 17, section 3): one after every step, with the block's
own numbers, graded as the exercises are; and the RepViT block's own steps. Expected answers
are literals worked by hand from the papers' block shapes (the arithmetic in the comments)."""

from __future__ import annotations

import pytest

from costmodel.teaching.exercises import grade, reveal
from costmodel.teaching.lesson import (
    CheckQuestion,
    build_lesson,
    default_block,
    lesson_blocks,
    no_lesson,
)

NETWORKS = ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0",
            "tf_efficientnetv2_b0", "mobilenetv4_conv_medium", "ghostnet_100",
            "shufflenet_v2_x1_0", "mixnet_s", "convnext_atto", "repvit_m0_9", "lcnet_150"]


def test_mobilenet_v1_dw2_pw2_questions() -> None:
    # Howard et al. 2017, Table 1: dw2 is 3×3 on 64 channels at stride 2 (112² → 56²), pw2
    # 64 → 128 at 56²
    steps = build_lesson(network="mobilenet_v1").steps
    standard = steps[0].check
    assert standard is not None
    assert standard.answer == "231,211,008"  # 3²·64·128·56²
    # the mistakes: the weights once (3²·64·128), no kernel (64·128·56²), the input's pixels
    # (3²·64·128·112²)
    assert standard.choices == ("73,728", "25,690,112", "231,211,008", "924,844,032")
    assert steps[1].check is not None and steps[1].check.answer == 576  # 3²·64 weights
    assert steps[2].check is not None
    assert steps[2].check.answer == 102_760_448  # 64·128·112², twice the side
    ratio = steps[3].check
    assert ratio is not None  # N = 4·128 = 512: 1 / (1/512 + 1/9) = 8.8445
    assert ratio.answer == pytest.approx(8.8445, abs=1e-4)
    assert grade(ratio, "8.84").correct and not grade(ratio, "8.41").correct
    width = steps[4].check
    assert width is not None and width.answer == 128  # max(int(1·128), 8)
    assert steps[5].check is not None
    assert steps[5].check.answer == 25_690_112 / 4  # pw2 at α = 0.5: 1/4
    assert steps[6].check is not None
    assert steps[6].check.answer == 7  # 193 → 97 → 49 → 25 → 13 → 7
    rho = steps[7].check  # the block: 1,806,336 + 25,690,112 = 27,496,448; ρ² = 4
    assert rho is not None and rho.answer == "about 109,985,792"
    assert rho.choices == ("about 54,992,896", "about 109,985,792", "about 439,943,168")
    time = steps[8].check
    assert time is not None and time.answer == "Their arithmetic (compute-bound)"


def test_mobilenet_v2_b3_questions() -> None:
    # Sandler et al. 2018, Table 2: b3 is 24 → 144 → 24 at 56², stride 1, t = 6
    steps = build_lesson("b3", network="mobilenet_v2").steps
    answers = [step.check.answer for step in steps if step.check is not None]
    assert answers[:4] == ["16,257,024",  # the standard conv: 3²·24·24·56²
                           43_352_064,  # the expansion at 112²: 24·144·112²
                           1_296,  # 3²·144 depthwise weights
                           43_352_064]  # the projection at 112²: 144·24·112²
    # the block's (24·144 + 9·144 + 144·24)·56² = 25,740,288 over the standard 16,257,024:
    # 1.5833, the block is dearer, and the question asks how many times more (the other way
    # round, 0.63, was "how many times cheaper", issue 17's wrong-way ratio)
    assert answers[4] == pytest.approx(25_740_288 / 16_257_024)
    against = steps[4].check
    assert against is not None and "how many times more" in against.question
    assert grade(against, "1.58").correct and not grade(against, "0.63").correct
    assert "1.58× more Mult-Adds than the standard conv" in against.solution


def _as_asked(question: CheckQuestion) -> str:
    """The answer typed as the question asks for it: two decimals where it says so (a right
    answer rounded as asked must pass: a dearer block's 0.225, asked to two decimals and
    graded within 1 %, could not be answered), else four, or a whole number."""
    value = float(question.answer)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:.2f}" if "two decimals" in question.question.lower() else f"{value:.4f}"


@pytest.mark.parametrize("network", NETWORKS)
def test_every_step_has_a_question_its_own_answer_passes(network: str) -> None:
    for block in lesson_blocks(network):  # every block: 51 of 68 fused blocks failed here
        lesson = build_lesson(block, network=network)
        for step in lesson.steps:
            question = step.check
            assert question is not None, (block, step.title)
            assert question.question and question.solution
            if question.choices:
                assert isinstance(question.answer, str)
                assert question.answer in question.choices
                assert len(set(question.choices)) == len(question.choices) >= 2
                wrong = next(c for c in question.choices if c != question.answer)
                assert not grade(question, wrong).correct
            else:
                assert not isinstance(question.answer, str)
                text = _as_asked(question)
                assert grade(question, text).correct, (block, step.title, text)
                assert not grade(question, f"{float(question.answer) * 1.5 + 1:.4f}").correct
            feedback = reveal(question)
            assert not feedback.correct and feedback.message.startswith("The answer is ")


def test_an_unreadable_answer_is_refused_not_graded() -> None:
    question = build_lesson(network="mobilenet_v1").steps[1].check
    assert question is not None
    with pytest.raises(ValueError, match="answer must be"):
        grade(question, "five hundred")
    assert grade(question, "576").correct and not grade(question, "575").correct
    assert reveal(question).message == "The answer is 576 weights."


def test_repvit_has_a_lesson_for_each_block() -> None:
    # RepViT M0.9 was a network "of plain convolutions" to the lesson before
    assert no_lesson("repvit_m0_9") == ""
    blocks = lesson_blocks("repvit_m0_9")
    assert blocks[:4] == ("b1", "b2", "b3", "b4") and default_block("repvit_m0_9") == "b1"
    text = "\n".join(f"{s.title}\n{s.explanation}\n{s.text}"
                     for s in build_lesson("b4", network="repvit_m0_9").steps)
    # b4 downsamples: 3×3 depthwise at stride 2 on 48 channels (56² → 28²), a 1×1 conv
    # 48 → 96, then the channel mixer 96 → 192 → 96 at 28²
    assert f"{9 * 48 * 96 * 28 * 28:,}" in text  # the 3×3 conv in its place: 32,514,048
    assert "338,688" in text  # 3²·48·28²
    assert "3,612,672" in text  # 48·96·28²
    assert "14,450,688" in text  # 96·192·28², each of fc1 and fc2
    assert "Channel downsample" in text and "re-parameterisation" in text
    first = build_lesson("b1", network="repvit_m0_9")
    # b1: 48 channels at 56², squeeze-and-excite 48 → 16 → 48 on the token mixer's output
    step = next(s for s in first.steps if s.title.endswith("Token mixer: one depthwise conv"))
    assert "1,354,752" in step.text  # 3²·48·56²
    assert "Squeeze-and-excite adds 1,536 Mult-Adds" in step.explanation  # 48·16 + 16·48
    why = next(s for s in first.steps if "spatial work is depthwise" in s.title)
    assert why.check is not None and why.check.answer == 65_028_096  # 3²·48·48·56²
