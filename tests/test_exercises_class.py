"""Exercises ready for a class (issue 17, section 4): levels, a hint before the worked solution,
a running score, a class seed that asks everyone the same questions, a printable worksheet
with its answer key, and questions on the later block types (grouped convs, ShuffleNet v2's
split and shuffle, GhostNet's ghost module, the fused inverted residual).

Expected values are worked by hand from the networks' definitions (the papers' tables and
timm's block strings), never read from the code under test."""

from __future__ import annotations

import re

import pytest

import costmodel
from costmodel.teaching.exercises import (
    KIND_LEVELS,
    MAX_TRIES,
    ExerciseKind,
    Level,
    Outcome,
    Score,
    Session,
    answer_text,
    exercise_kinds,
    grade,
    make_exercise,
    make_worksheet,
    question_seed,
)
from costmodel.teaching.worksheet import worksheet_html

# A graph table (docs/tables.md, "The graph schema") with two grouped convs, at 32 px:
# stem 3×3 stride 2 (32 → 16 px), gc a 3×3 conv 16 → 32 in 4 groups, gp a 1×1 conv 32 → 64
# in 8 groups, both at 16×16.
GROUPED = b"""# image_size: 32
# classes: 10
name,op,inputs,c,k,s,groups
stem,conv,input,16,3,2,
gc,conv,,32,3,1,4
gp,pointwise,,64,1,1,8
pool,pool,,,,,
fc,fc,,10,,,
"""
HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"


def _grouped() -> costmodel.Network:
    return costmodel.load_network(GROUPED, name="grouped.csv")


# --- the later block types, by hand ----------------------------------------------------------


def test_grouped_conv_of_a_graph_table() -> None:
    # gc: each of the 4 groups maps 16/4 = 4 channels to 32/4 = 8 at 16×16:
    # 3²·4·8·16² = 9·4·8·256 = 73,728 per group, 294,912 for the four;
    # dense: 3²·16·32·16² = 1,179,648, four times as much.
    # gp: each of the 8 groups maps 4 to 8 at 16×16: 4·8·256 = 8,192 per group, 65,536.
    answers = {}
    for seed in range(8):
        exercise = make_exercise(seed, kind="grouped_conv", network=_grouped())
        answers[exercise.question.split(" ")[0]] = exercise
    assert set(answers) == {"gc", "gp"}
    assert answers["gc"].answer == 294_912 and answers["gp"].answer == 65_536
    assert "in 4 groups (each group maps 4 input channels to 8 outputs)" in answers["gc"].question
    assert "73,728" in answers["gc"].solution and "1,179,648" in answers["gc"].solution
    assert answers["gc"].level is Level.MEDIUM
    assert grade(answers["gc"], "294,912").correct and not grade(answers["gc"], "1179648").correct


def test_grouped_1x1_conv_of_mixnet() -> None:
    # timm mixnet_s, stage 2: ir_r1_k3_a1.1_p1.1_s2_e6_c24 on 16 channels: expansion to
    # 6·16 = 96, a 3×3 depthwise conv at stride 2 (112 → 56 px), the projection 96 → 24 as a 1×1
    # conv in 2 groups (p1.1): each group 48 → 12 at 56×56: 48·12·56² = 1,806,336; two:
    # 3,612,672.
    exercise = make_exercise(2, kind="grouped_conv", network="mixnet_s")
    assert exercise.question.startswith("b2.project is a 1×1 conv from 96 to 24 channels in 2 "
                                        "groups")
    assert exercise.answer == 3_612_672
    assert "1,806,336" in exercise.solution and "7,225,344" in exercise.solution  # dense: 2×


def test_shuffle_unit_split_and_shuffle_cost_nothing() -> None:
    # Ma et al. 2018, Table 5, ShuffleNet v2 1×: stage 2 has 116 channels at 28×28. A stride-1
    # unit runs its branch on 58: 1×1 58·58·28² = 2,637,376, 3×3 depthwise 9·58·28² = 409,248,
    # 1×1 again 2,637,376; split, concat and shuffle 0. Total 5,684,000 = 28²·116·(116 + 9)/2.
    exercise = make_exercise(2, kind="shuffle_unit", network="shufflenet_v2_x1_0")
    assert exercise.question.startswith("Unit b2 takes 116 channels at 28×28")
    assert exercise.answer == 5_684_000
    assert "b2.split.1, b2.split.2, b2.cat, b2.shuffle: 0 Mult-Adds" in exercise.solution
    assert "D_F²·M·(M + D_K²)/2 with D_F = 28, M = 116, D_K = 3" in exercise.solution
    # the same unit written as a graph table's own block (data/examples) counts the same
    graph = costmodel.load_network("data/examples/shufflenet_like_graph.csv")
    assert make_exercise(1, kind="shuffle_unit", network=graph).answer == 5_684_000


def test_shuffle_memory_is_what_split_concat_and_shuffle_move() -> None:
    # The stride-1 unit above: the split is a view (0 bytes); the concat reads 116·28² = 90,944
    # elements and writes as many, (90,944 + 90,944)·4 = 727,552 bytes; the shuffle the same.
    exercise = make_exercise(2, kind="shuffle_memory", network="shufflenet_v2_x1_0")
    assert "Unit b2 ends with 116 channels at 28×28" in exercise.question
    assert exercise.answer == 1_455_104
    assert "b2.split.1: 0 (a view" in exercise.solution
    assert "(90,944 + 90,944)·4 = 727,552 bytes" in exercise.solution
    # stage 3's first unit (stride 2) has no split: its concat and shuffle on 232·14² = 45,472
    # elements move 2·(45,472 + 45,472)·4 = 727,552 bytes.
    down = make_exercise(1, kind="shuffle_memory", network="shufflenet_v2_x1_0")
    assert "Unit b5 ends with 232 channels at 14×14" in down.question
    assert down.answer == 727_552
    assert down.level is Level.HARD


def test_ghost_module_against_a_plain_1x1_conv() -> None:
    # GhostNet 1.0× (Han et al. 2020, Table 1), the second bneck: its second ghost module maps
    # 48 → 24 at 56×56: primary 1×1 to 12 maps, 48·12·56² = 1,806,336; cheap 3×3 depthwise on
    # them, 9·12·56² = 338,688. Plain 1×1: 48·24·56² = 3,612,672. Ratio 3,612,672 / 2,145,024
    # = 2·48/(48 + 9) = 96/57 (eq. 4 with s = 2, D_K = 1, D_d = 3).
    exercise = make_exercise(2, kind="ghost_ratio", network="ghostnet_100")
    assert exercise.question.startswith("b2.ghost2 is a ghost module from 48 to 24 channels "
                                        "at 56×56")
    assert exercise.answer == pytest.approx(96 / 57, rel=1e-12)
    assert "2·48/(48 + 9) = 1.68" in exercise.solution
    assert grade(exercise, "1.68").correct and not grade(exercise, "2").correct


def test_fused_block_against_the_inverted_residual() -> None:
    # tf_efficientnetv2_b0 at 192 px (timm: cn_r1_k3_s1_e1_c16, er_r2_k3_s2_e4_c32): the
    # second fused block maps 32 → 4·32 = 128 with a 3×3 conv at 48×48, then 1×1 to 32.
    # Fused: 9·32·128·48² + 128·32·48² = 48²·128·(9·32 + 32); inverted residual: 32·128·48²
    # + 9·128·48² + 128·32·48² = 48²·128·(32 + 9 + 32). Ratio (9·32 + 32)/(32 + 9 + 32)
    # = 320/73.
    exercise = make_exercise(1, kind="fused_vs_unfused", network="tf_efficientnetv2_b0")
    assert exercise.question.startswith("b2 is a fused block: a 3×3 conv from 32 to 128 "
                                        "channels at stride 1 (48×48 → 48×48)")
    assert exercise.answer == pytest.approx(320 / 73, rel=1e-12)
    assert "94,371,840" in exercise.solution and "21,528,576" in exercise.solution
    # efficientnet_es (timm: er_r1_k3_s2_e8_c32 on 24 channels at 112 px): 24 → 192 at stride 2
    # (112 → 56), 1×1 to 32. Fused 56²·192·(9·24 + 32); inverted residual, whose expansion
    # runs on the 112×112 input: 56²·192·(4·24 + 9 + 32). Ratio 248/137.
    strided = make_exercise(1, kind="fused_vs_unfused", network="efficientnet_es")
    assert "from 24 to 192 channels at stride 2 (112×112 → 56×56)" in strided.question
    assert strided.answer == pytest.approx(248 / 137, rel=1e-12)


@pytest.mark.parametrize(("kind", "has", "has_not"), [
    (ExerciseKind.GROUPED_CONV, "mixnet_s", "mobilenet_v2"),
    (ExerciseKind.SHUFFLE_UNIT, "shufflenet_v2_x0_5", "ghostnet_100"),
    (ExerciseKind.SHUFFLE_MEMORY, "shufflenet_v2_x0_5", "mobilenet_v1"),
    (ExerciseKind.GHOST_RATIO, "ghostnet_050", "efficientnet_b0"),
    (ExerciseKind.FUSED_VS_UNFUSED, "mobilenetv4_conv_medium", "mobilenet_v3_large"),
])
def test_each_new_kind_applies_only_where_its_block_is(kind: ExerciseKind, has: str,
                                                       has_not: str) -> None:
    assert exercise_kinds(network=has)[kind] == ""
    assert "this network has none" in exercise_kinds(network=has_not)[kind]
    with pytest.raises(ValueError, match=f"kind {kind.value} does not apply"):
        make_exercise(1, kind=kind, network=has_not)


# --- levels -----------------------------------------------------------------------------------


def test_every_kind_has_a_level_and_a_level_draws_only_its_kinds() -> None:
    assert set(KIND_LEVELS) == set(ExerciseKind)
    assert {k for k, v in KIND_LEVELS.items() if v is Level.EASY} == {
        ExerciseKind.LAYER_PARAMS, ExerciseKind.FEATURE_MAP, ExerciseKind.MOST_PARAMS}
    for level in Level:
        kinds = {make_exercise(seed, level=level, network="ghostnet_100").kind
                 for seed in range(30)}
        assert kinds and all(k.level is level for k in kinds), (level, kinds)
    assert set(exercise_kinds(network="ghostnet_100", level="hard")) == {
        ExerciseKind.SEPARABLE_SAVING, ExerciseKind.HALVING_ALPHA, ExerciseKind.SHUFFLE_MEMORY,
        ExerciseKind.GHOST_RATIO, ExerciseKind.FUSED_VS_UNFUSED}


def test_every_built_in_network_has_a_question_at_every_level() -> None:
    from costmodel.descriptions.builtin_networks import NETWORK_NAMES

    for network in NETWORK_NAMES:
        for level in Level:
            applies = exercise_kinds(network=network, level=level)
            assert any(not why for why in applies.values()), (network, level)


def test_level_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="level must be one of: easy, medium, hard; got 'expert'"):
        make_exercise(1, level="expert")
    with pytest.raises(ValueError, match="kind feature_map is at level easy, not hard"):
        make_exercise(1, kind="feature_map", level="hard")
    plain = costmodel.load_network(b"operator,c,k,s\nconv,8,3,2\npool,,,\nclassifier,classes,,\n",
                                   name="convs")
    with pytest.raises(ValueError, match=r"no hard kind of question applies to convs \("
                                         r"halving_alpha: it needs 1×1 convs"):
        make_exercise(1, level="hard", network=plain)


# --- hint, second try, solution, score --------------------------------------------------------


def _v1_exercise() -> tuple[object, str, str]:
    # MobileNet v1 at α = 1, 224 px: the feature map after the 1st stride-2 layer is 112
    exercise = make_exercise(0, kind="feature_map", network="mobilenet_v1")
    right = str(int(exercise.answer))
    return exercise, right, str(int(exercise.answer) + 1)


def test_a_wrong_first_try_gets_the_hint_and_not_the_answer() -> None:
    exercise = make_exercise(0, kind="layer_mult_adds", network="mobilenet_v1")
    answer = int(exercise.answer)
    first = grade(exercise, "12", attempt=1)
    assert not first.correct and first.outcome is None and first.solution == ""
    assert first.hint == exercise.hint and first.hint
    assert f"{answer:,}" not in first.message + first.hint and str(answer) not in first.hint
    second = grade(exercise, "12", attempt=2)
    assert second.outcome is Outcome.WRONG and second.solution == exercise.solution
    assert f"the answer is {answer:,} Mult-Adds" in second.message and not second.hint
    assert grade(exercise, f"{answer:,}", attempt=1).outcome is Outcome.FIRST_TRY
    assert grade(exercise, f"{answer:,}", attempt=2).outcome is Outcome.AFTER_HINT
    assert grade(exercise, f"{answer:,}").outcome is None  # a one-off grade, as before
    assert MAX_TRIES == 2
    with pytest.raises(ValueError, match=r"attempt must be an integer in \[1, 2\]; got 3"):
        grade(exercise, "1", attempt=3)


def test_a_session_keeps_the_running_score() -> None:
    exercise, right, wrong = _v1_exercise()
    other = make_exercise(3, kind="layer_params", network="mobilenet_v1")
    session = Session()
    session, feedback = session.answer(exercise, wrong)  # type: ignore[arg-type]
    assert feedback.hint and session.tries == 1 and session.score == Score()
    with pytest.raises(ValueError, match="answer"):
        session.answer(exercise, "abc")  # type: ignore[arg-type]  # no try used
    session, feedback = session.answer(exercise, right)  # type: ignore[arg-type]
    assert feedback.correct and feedback.outcome is Outcome.AFTER_HINT
    assert session.score == Score(after_hint=1)
    session, _ = session.answer(exercise, wrong)  # type: ignore[arg-type]  # over: not rescored
    assert session.score == Score(after_hint=1)
    session, feedback = session.answer(other, str(int(other.answer)))
    assert feedback.outcome is Outcome.FIRST_TRY
    third = make_exercise(4, kind="layer_params", network="mobilenet_v1")
    session, _ = session.answer(third, "1")
    session, feedback = session.answer(third, "2")
    assert feedback.outcome is Outcome.WRONG and feedback.solution == third.solution
    assert session.score == Score(first_try=1, after_hint=1, wrong=1)
    assert str(session.score) == ("3 answered: 1 right at the first try, 1 after the hint, "
                                  "1 wrong")


# --- the class seed ---------------------------------------------------------------------------


def test_question_i_of_a_class_seed_is_always_the_same() -> None:
    assert question_seed(42, 1) == 420_001 and question_seed(0, 1) == 1
    assert question_seed(999_999, 9_999) == 9_999_999_999
    first = [make_exercise(question_seed(42, i), network="ghostnet_100") for i in range(1, 11)]
    again = [make_exercise(question_seed(42, i), network="ghostnet_100") for i in range(1, 11)]
    other = [make_exercise(question_seed(43, i), network="ghostnet_100") for i in range(1, 11)]
    assert first == again and first != other
    assert all(e.seed == question_seed(42, i) for i, e in enumerate(first, start=1))
    sheet = make_worksheet(42, 10, network="ghostnet_100")
    assert sheet.exercises == tuple(first)  # the worksheet asks what the dashboard asks


@pytest.mark.parametrize("bad", [-1, 1_000_000, 1.5, True, "42", None])
def test_a_class_seed_outside_its_range_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"class seed must be an integer in \[0, 999,999\]"):
        question_seed(bad, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"class seed must be an integer in \[0, 999,999\]"):
        make_worksheet(bad, 1)  # type: ignore[arg-type]


def test_a_question_number_outside_its_range_is_refused() -> None:
    for bad in (0, 10_000, -3):
        with pytest.raises(ValueError, match=r"question number must be an integer in "
                                             r"\[1, 9,999\]"):
            question_seed(1, bad)


# --- the worksheet ----------------------------------------------------------------------------


def _items(html: str, section: str) -> list[str]:
    part = re.search(rf'<ol class="{section}">(.*?)</ol></section>', html, flags=re.DOTALL)
    assert part, section
    return re.findall(r"<li><p>", part.group(1))


def test_worksheet_has_n_questions_then_a_key_on_its_own_page() -> None:
    sheet = make_worksheet(7, 7, level="medium", network="shufflenet_v2_x1_0")
    html = worksheet_html(sheet)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert len(_items(html, "questions")) == 7 and len(_items(html, "key")) == 7
    assert html.index("<h2>Questions</h2>") < html.index("<h2>Answer key</h2>")
    assert "@media print" in html and "page-break-before: always" in html
    assert "class seed 7 · level medium · kind any · 7 questions" in html
    for exercise in sheet.exercises:
        assert exercise.level is Level.MEDIUM
        assert answer_text(exercise).replace("×", "") in html
    # one question, a choice question's choices listed
    single = worksheet_html(make_worksheet(2, 1, kind="most_params", network="mobilenet_v1"))
    assert "1 question." in single and '<ol class="choices">' in single
    assert "<li>pw13</li>" in single and "<strong>pw13</strong>" in single


@pytest.mark.parametrize("count", [0, 51, -1, 2.5, True])
def test_worksheet_length_is_bounded(count: object) -> None:
    with pytest.raises(ValueError, match=r"count \(questions on a worksheet\) must be an "
                                         r"integer in \[1, 50\]"):
        make_worksheet(1, count)  # type: ignore[arg-type]


def test_worksheet_escapes_the_user_text() -> None:
    table = (f"# title: {HOSTILE}\noperator,c,k,s,name\nconv,8,3,2,<b>x</b>\n"
             f"conv,16,3,1,<i>y</i>\npool,,,,\nclassifier,classes,,,\n").encode()
    net = costmodel.load_network(table, name="hostile.csv")
    html = worksheet_html(make_worksheet(3, 12, network=net))
    assert "<script" not in html and "<img" not in html
    assert "<b>x</b>" not in html and "<i>y</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html or "&lt;i&gt;y&lt;/i&gt;" in html
