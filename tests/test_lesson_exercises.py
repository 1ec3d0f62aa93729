"""The lesson and the exercises, held against hand-derived numbers of Howard et al. (2017),
Table 1 (MobileNet v1 body at 224 px), never against the code's own output."""

from __future__ import annotations

import re

import pytest

from costmodel.teaching.exercises import (
    ExerciseKind,
    exercise_kinds,
    grade,
    make_exercise,
    parse_answer,
)
from costmodel.teaching.lesson import build_lesson, default_block, lesson_blocks

# Howard et al. 2017, Table 1, at α = 1 and 224 px: name -> (kernel, in, out, output side,
# depthwise). Written out by hand from the paper's table, not from the package.
TABLE1 = {
    "conv1": (3, 3, 32, 112, False),
    "dw1": (3, 32, 32, 112, True), "pw1": (1, 32, 64, 112, False),
    "dw2": (3, 64, 64, 56, True), "pw2": (1, 64, 128, 56, False),
    "dw3": (3, 128, 128, 56, True), "pw3": (1, 128, 128, 56, False),
    "dw4": (3, 128, 128, 28, True), "pw4": (1, 128, 256, 28, False),
    "dw5": (3, 256, 256, 28, True), "pw5": (1, 256, 256, 28, False),
    "dw6": (3, 256, 256, 14, True), "pw6": (1, 256, 512, 14, False),
    **{f"dw{i}": (3, 512, 512, 14, True) for i in range(7, 12)},
    **{f"pw{i}": (1, 512, 512, 14, False) for i in range(7, 12)},
    "dw12": (3, 512, 512, 7, True), "pw12": (1, 512, 1024, 7, False),
    "dw13": (3, 1024, 1024, 7, True), "pw13": (1, 1024, 1024, 7, False),
}


def _hand_mult_adds(name: str) -> int:
    k, cin, cout, side, depthwise = TABLE1[name]
    return k * k * (1 if depthwise else cin) * cout * side * side


def _hand_params(name: str) -> int:
    k, cin, cout, _, depthwise = TABLE1[name]
    return k * k * (1 if depthwise else cin) * cout


# --- the lesson ---------------------------------------------------------------------------

def test_lesson_defaults_to_the_separable_pair_dw2_pw2() -> None:
    assert default_block("mobilenet_v1") == "dw2/pw2"
    assert "dw2/pw2" in lesson_blocks("mobilenet_v1")


def test_lesson_steps_carry_the_layers_own_numbers_table1() -> None:
    lesson = build_lesson(network="mobilenet_v1", alpha=1.0, resolution=224)
    text = "\n".join(step.text for step in lesson.steps)
    standard = 3 * 3 * 64 * 128 * 56 * 56
    assert f"{standard:,}" in text  # 28,901,376
    assert f"{_hand_mult_adds('dw2'):,}" in text  # 1,806,336
    assert f"{_hand_mult_adds('pw2'):,}" in text  # 25,690,112
    assert f"{1 / 128 + 1 / 9:.4f}" in text  # eq. 5: 0.1189
    titles = [step.title for step in lesson.steps]
    assert any("α²ρ²" in t for t in titles) and any("ρ⁴" in t for t in titles)
    assert len(lesson.steps) == 9


def test_lesson_shows_the_rounding_at_half_width() -> None:
    lesson = build_lesson(network="mobilenet_v1", alpha=0.5, resolution=160)
    width = next(step for step in lesson.steps if "α does" in step.title)
    assert "max(int(0.5·64), 8) = 32" in width.text
    assert "max(int(0.5·128), 8) = 64" in width.text


def test_lesson_one_pixel_step_uses_ceil_sizes() -> None:
    lesson = build_lesson(network="mobilenet_v1", alpha=1.0, resolution=224)
    step = next(step for step in lesson.steps if "160 → 161" in step.title)
    assert "161 → 81 → 41 → 21 → 11 → 6" in step.explanation
    assert "160 → 80 → 40 → 20 → 10 → 5" in step.explanation
    # 1.0 MobileNet-160 costs 291 M (TF-slim README); one more pixel, 6² instead of 5² at the
    # deepest level, costs well over 10 % more.
    percent = int(re.search(r"costs (\d+) % more", step.title).group(1))  # type: ignore[union-attr]
    assert 15 <= percent <= 25


@pytest.mark.parametrize("resolution", [224, 160, 128, 300])
def test_lesson_kernel_step_is_right_at_every_rho(resolution: int) -> None:
    lesson = build_lesson(network="mobilenet_v1", resolution=resolution)
    step = next(step for step in lesson.steps if "ρ⁴" in step.title)
    assert "+0.0%" not in step.explanation and "-0.0%" not in step.explanation
    if resolution == 224:
        assert "would not be a kernel" not in step.explanation
        assert "agree" in step.explanation
    # Table 3's layer at α = 0.75: 3²·384·D² + 384²·D², D the 14-px map scaled by ρ.
    rho = resolution / 224
    correct = (9 * 384 + 384 * 384) * (14 * rho) ** 2
    # at 224 px the step names 160 px as the example: (14·160/224)² = 10², the value the
    # lesson shows at 160 px (issue 17: it read 15.08 M here and 15.09 M there)
    shown = correct if resolution != 224 else (9 * 384 + 384 * 384) * 10**2
    assert f"{shown / 1e6:.2f} M" in step.explanation
    assert ("paper: 15.1 M" in step.explanation) == (resolution == 160)


def test_lesson_explains_an_inverted_residual_for_v2() -> None:
    lesson = build_lesson(network="mobilenet_v2", alpha=1.0, resolution=224)
    assert lesson.block == "b3"
    text = "\n".join(step.text for step in lesson.steps)
    # Sandler et al. 2018, Table 2: block 3 expands 24 -> 144 at 56x56 and projects to 24.
    assert f"{24 * 144 * 56 * 56:,}" in text
    assert f"{9 * 144 * 56 * 56:,}" in text


def test_lesson_refuses_an_unknown_block() -> None:
    with pytest.raises(ValueError, match="block must be one of"):
        build_lesson("dw99/pw99", network="mobilenet_v1")


# --- the exercises ---------------------------------------------------------------------------

#: The six kinds every MobileNet applies (the later block types' kinds need their blocks).
ORIGINAL_KINDS = {ExerciseKind.LAYER_MULT_ADDS, ExerciseKind.LAYER_PARAMS,
                  ExerciseKind.HALVING_ALPHA, ExerciseKind.SEPARABLE_SAVING,
                  ExerciseKind.FEATURE_MAP, ExerciseKind.MOST_PARAMS}

def _layer_in(question: str) -> str:
    match = re.search(r"does (\w+) (?:cost|have)", question)
    assert match, question
    return match.group(1)


@pytest.mark.parametrize("seed", range(12))
def test_layer_mult_adds_questions_match_table1(seed: int) -> None:
    exercise = make_exercise(seed, kind="layer_mult_adds", network="mobilenet_v1")
    name = _layer_in(exercise.question)
    if name in TABLE1:
        assert exercise.answer == _hand_mult_adds(name)
        assert grade(exercise, f"{_hand_mult_adds(name):,}").correct


@pytest.mark.parametrize("seed", range(12))
def test_layer_params_questions_match_table1(seed: int) -> None:
    exercise = make_exercise(seed, kind="layer_params", network="mobilenet_v1")
    name = _layer_in(exercise.question)
    if name in TABLE1:
        assert exercise.answer == _hand_params(name)
    else:
        # The paper's classifier: 1024 inputs, 1000 classes, with biases.
        assert name == "fc" and exercise.answer == 1024 * 1000 + 1000


def test_halving_alpha_cuts_v1_pointwise_exactly_fourfold() -> None:
    # Every v1 pointwise width at α = 1 is even and ≥ 16, so α = 0.5 halves both M and N.
    exercise = make_exercise(0, kind="halving_alpha", network="mobilenet_v1")
    assert exercise.answer == 4.0
    assert grade(exercise, "4").correct and not grade(exercise, "2").correct


def test_separable_saving_is_eq5() -> None:
    exercise = make_exercise(5, kind="separable_saving", network="mobilenet_v1")
    dw = re.search(r"(dw\d+) \+", exercise.question).group(1)  # type: ignore[union-attr]
    _, _, _, _, _ = TABLE1[dw]
    n = TABLE1["pw" + dw[2:]][2]
    assert exercise.answer == pytest.approx(1 / (1 / n + 1 / 9))


def test_feature_map_after_stride2_layers_is_ceil() -> None:
    exercise = make_exercise(1, kind="feature_map", network="mobilenet_v1", resolution=161)
    sides = [161, 81, 41, 21, 11, 6]
    assert exercise.answer in sides[1:]
    assert " → ".join(map(str, sides[: sides.index(int(exercise.answer)) + 1])) in (
        exercise.solution)


def test_most_params_is_pw13_at_full_width() -> None:
    # pw13: 1024·1024 = 1,048,576 weights, more than fc's 1024·1000 + 1000 = 1,025,000.
    exercise = make_exercise(2, kind="most_params", network="mobilenet_v1")
    assert exercise.answer == "pw13" and len(exercise.choices) == 4
    assert grade(exercise, "pw13").correct
    wrong = next(c for c in exercise.choices if c != "pw13")
    feedback = grade(exercise, wrong)
    assert not feedback.correct and "1,048,576" in feedback.solution
    assert "1,025,000" in feedback.solution


def test_exercises_are_seeded_and_cover_at_least_five_kinds() -> None:
    assert make_exercise(7) == make_exercise(7)
    kinds = {make_exercise(seed).kind for seed in range(40)}
    assert len(kinds) >= 5
    for network in ("mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0"):
        # the kinds for the later block types (ghost, fused, shuffle, grouped) need those blocks
        for kind, why_not in exercise_kinds(network=network, alpha=0.75).items():
            if kind in ORIGINAL_KINDS:
                assert not why_not
            if not why_not:
                exercise = make_exercise(3, kind=kind, network=network, alpha=0.75)
                assert exercise.question and exercise.solution and exercise.hint


def test_grading_reads_numbers_strictly() -> None:
    exercise = make_exercise(0, kind="layer_mult_adds", network="mobilenet_v1")
    answer = int(exercise.answer)
    assert grade(exercise, f"{answer:,}").correct
    assert grade(exercise, f"{answer / 1e6:.3f}M").correct
    assert not grade(exercise, str(answer * 2)).correct
    assert "Not quite" in grade(exercise, "1").message
    assert parse_answer("4.1×") == 4.1
    for bad in ("", "   ", "abc", "１６０", "1" * 100, "inf", "nan"):
        with pytest.raises(ValueError, match="answer"):
            grade(exercise, bad)


def test_exercise_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        make_exercise(0, kind="bogus")
    with pytest.raises(ValueError, match="seed"):
        make_exercise("1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alpha"):
        make_exercise(0, alpha=-1)
    choice = make_exercise(2, kind="most_params", network="mobilenet_v1")
    with pytest.raises(ValueError, match="one of"):
        grade(choice, "not-a-layer")
