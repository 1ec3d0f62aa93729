"""Auto-graded exercises, generated from the exact counter, with worked solutions.

Six kinds of question, in the spirit of d2l's "derive the cost" exercises: a layer's Mult-Adds,
a layer's parameters, the factor by which halving α cuts the pointwise cost, the saving of a
separable pair against a standard conv (eq. 5), the feature-map side after the stride-2 layers,
and which layer holds the most parameters. Every expected answer comes from
:func:`costmodel.report` for the configuration the question states, so a question and its
solution always agree with the rest of the package. :func:`make_exercise` is deterministic in
its seed; :func:`grade` reads the answer strictly (ASCII digits, no evaluation). A kind that
needs layers a network does not have (1×1 convs, a separable pair, a stride-2 layer) is not
asked for it: :func:`exercise_kinds` says which kinds apply and why the others do not.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

import pandas as pd

from costmodel.base.kinds import LayerKind, OpKind, Role
from costmodel.base.parsing import parse_real
from costmodel.core.operations import mult_adds, output_size, weights
from costmodel.descriptions.network_spec import Network
from costmodel.reports import Report, report


class ExerciseKind(StrEnum):
    """The kinds of question."""

    LAYER_MULT_ADDS = "layer_mult_adds"
    LAYER_PARAMS = "layer_params"
    HALVING_ALPHA = "halving_alpha"
    SEPARABLE_SAVING = "separable_saving"
    FEATURE_MAP = "feature_map"
    MOST_PARAMS = "most_params"


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One question: its text, the exact answer, the accepted relative error, the choices
    (for a which-layer question) and the worked solution."""

    kind: ExerciseKind
    question: str
    answer: float | str
    tolerance: float
    unit: str
    solution: str
    choices: tuple[str, ...] = ()
    seed: int = 0


class Gradable(Protocol):
    """What :func:`grade` reads: an :class:`Exercise`, or a lesson step's check question
    (:class:`costmodel.teaching.lesson.CheckQuestion`)."""

    @property
    def answer(self) -> float | str: ...

    @property
    def tolerance(self) -> float: ...

    @property
    def unit(self) -> str: ...

    @property
    def solution(self) -> str: ...

    @property
    def choices(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """The grade of one answer, with the worked solution."""

    correct: bool
    message: str
    solution: str


MAX_ANSWER_CHARS = 64
_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_SEPARATORS = re.compile(r"[,\s\u202f\u2009_']")


def _pick(rng: random.Random, frame: pd.DataFrame) -> pd.Series:
    return frame.iloc[rng.randrange(len(frame))]


def _layer_mult_adds(rep: Report, rng: random.Random) -> Exercise:
    convs = rep.layers[(rep.layers["mult_adds"] > 0) & (rep.layers["kind"] != OpKind.FC)]
    row = _pick(rng, convs)
    k, cin, cout, h, groups = (int(row["kernel"]), int(row["in_c"]), int(row["out_c"]),
                               int(row["out_h"]), int(row["groups"]))
    per_filter = cin // groups
    per_output = weights(OpKind.CONV, k, per_filter, 1)  # one output value's multiply-adds
    return Exercise(
        kind=ExerciseKind.LAYER_MULT_ADDS,
        question=f"How many Mult-Adds does {row['name']} cost at α = {rep.alpha:g}, "
                 f"{rep.resolution} px? (It maps {cin} channels to {cout} with a {k}×{k} "
                 f"kernel, {'depthwise' if groups > 1 else 'dense'}, stride {row['stride']}.)",
        answer=int(row["mult_adds"]), tolerance=0.005, unit="Mult-Adds",
        solution=f"Output {h}×{h}×{cout}; each output value takes {k}·{k}·{per_filter} = "
                 f"{per_output:,} multiply-accumulates: {k}²·{per_filter}·{cout}·{h}² "
                 f"= {int(row['mult_adds']):,}.")


def _layer_params(rep: Report, rng: random.Random) -> Exercise:
    convs = rep.layers[(rep.layers["params"] > 0)]
    row = _pick(rng, convs)
    k, cin, cout, groups = (int(row["kernel"]), int(row["in_c"]), int(row["out_c"]),
                            int(row["groups"]))
    count = weights(OpKind(row["op"]), k, cin // groups, cout)
    bias = int(row["params"]) - count
    bias_text = f" + {bias:,} biases" if bias else " (no bias: batchnorm is folded)"
    return Exercise(
        kind=ExerciseKind.LAYER_PARAMS,
        question=f"How many parameters does {row['name']} have at α = {rep.alpha:g}? "
                 f"({cin} → {cout} channels, {k}×{k} kernel"
                 f"{', depthwise' if groups > 1 else ''}; batchnorm not counted.)",
        answer=int(row["params"]), tolerance=0.0, unit="parameters",
        solution=f"{k}·{k}·{cin // groups}·{cout} = {count:,} weights{bias_text}: "
                 f"{int(row['params']):,}. The resolution does not matter: weights are shared "
                 f"across pixels.")


def _pointwise(rep: Report) -> pd.Series:
    """Mult-Adds of each 1×1 conv on a spatial map (not the classifier), by layer name."""
    layers = rep.layers
    return layers[(layers["kernel"] == 1) & (layers["out_h"] > 1)].set_index("name")[
        "mult_adds"]


def _halving_alpha(rep: Report, rng: random.Random) -> Exercise:
    half = report(network=rep.network, rules=rep.rules, alpha=rep.alpha / 2,
                  resolution=rep.resolution, variant=rep.variant, depth=rep.depth)
    full_rows, halves = _pointwise(rep), _pointwise(half)
    a, b = int(full_rows.sum()), int(halves.sum())
    note = ""  # the layer that keeps the most cost beyond the ideal quarter, named
    excess = (halves - full_rows / 4).dropna()
    if len(excess):
        name = str(excess.abs().idxmax())
        factor = float(full_rows[name] / halves[name])
        if abs(factor - 4) > 0.01:
            note = (f" The layer furthest from a quarter is {name}: {int(full_rows[name]):,} → "
                    f"{int(halves[name]):,} "
                    f"(÷{factor:.2f}), because the builder rounds its channels or keeps them "
                    f"fixed under α.")
    return Exercise(
        kind=ExerciseKind.HALVING_ALPHA,
        question=f"By what factor does halving α from {rep.alpha:g} to {rep.alpha / 2:g} cut "
                 f"the pointwise (1×1) Mult-Adds of the whole network at {rep.resolution} px?",
        answer=a / b, tolerance=0.02, unit="×",
        solution=f"A 1×1 conv costs M·N·D_G², and α scales both M and N, so the ideal factor "
                 f"is 2² = 4. The exact counts give {a:,} / {b:,} = {a / b:.3f}.{note}")


def _pairs(rep: Report) -> list[tuple[int, int]]:
    """(depthwise, pointwise) row pairs of one block on a feature map (not SE convs)."""
    layers = rep.layers.reset_index(drop=True)
    kinds = [str(v) for v in layers["kind"]]
    roles = [str(v) for v in layers["role"]]
    blocks = [str(v) for v in layers["block"]]
    sides = [int(v) for v in layers["out_h"]]
    pairs: list[tuple[int, int]] = []
    for i in range(len(layers)):
        if kinds[i] != LayerKind.DEPTHWISE or sides[i] <= 1:
            continue
        for j in range(i + 1, len(layers)):
            if blocks[j] != blocks[i]:
                break
            if kinds[j] == LayerKind.POINTWISE and roles[j] != Role.SE:
                pairs.append((i, j))
                break
    return pairs


def _separable_saving(rep: Report, rng: random.Random) -> Exercise:
    layers = rep.layers.reset_index(drop=True)
    pairs = _pairs(rep)
    i, j = pairs[rng.randrange(len(pairs))]
    dw, pw = layers.iloc[i], layers.iloc[j]
    k, m, n, g = int(dw["kernel"]), int(dw["in_c"]), int(pw["out_c"]), int(dw["out_h"])
    pair = int(dw["mult_adds"]) + int(pw["mult_adds"])
    standard = int(mult_adds(OpKind.CONV, k, m, n, g * g))
    return Exercise(
        kind=ExerciseKind.SEPARABLE_SAVING,
        question=f"{dw['name']} + {pw['name']} replace a standard {k}×{k} conv from {m} to {n} "
                 f"channels at {g}×{g} output. How many times fewer Mult-Adds does the pair "
                 f"need?",
        answer=standard / pair, tolerance=0.02, unit="×",
        solution=f"Standard: {k}²·{m}·{n}·{g}² = {standard:,}. Pair: {k}²·{m}·{g}² + "
                 f"{m}·{n}·{g}² = {pair:,}. Ratio {standard / pair:.2f}× = 1 / (1/{n} + "
                 f"1/{k * k}) (eq. 5).")


def _strided(rep: Report) -> pd.DataFrame:
    layers = rep.layers
    return layers[(layers["stride"] == 2) & (layers["kind"] != OpKind.ADD)]


def _feature_map(rep: Report, rng: random.Random) -> Exercise:
    strided = _strided(rep)
    count = rng.randrange(1, len(strided) + 1)
    row = strided.iloc[count - 1]
    sizes = [rep.resolution]
    for _ in range(count):
        sizes.append(output_size(sizes[-1], 2))
    return Exercise(
        kind=ExerciseKind.FEATURE_MAP,
        question=f"At {rep.resolution} px with 'SAME' padding, what is the side of the "
                 f"feature map after {row['name']} (the {_ordinal(count)} stride-2 layer)?",
        answer=int(row["out_h"]), tolerance=0.0, unit="px",
        solution="'SAME' padding gives ceil(input / stride) at each stride-2 layer: "
                 + " → ".join(map(str, sizes)) + f". So {int(row['out_h'])}.")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _most_params(rep: Report, rng: random.Random) -> Exercise:
    layers = rep.layers[rep.layers["params"] > 0]
    ranked = layers.sort_values("params", ascending=False, kind="stable")
    best = ranked.iloc[0]
    others = list(ranked["name"].iloc[1:])
    rng.shuffle(others)
    choices = [str(best["name"]), *map(str, others[:3])]
    rng.shuffle(choices)
    runner = ranked.iloc[1] if len(ranked) > 1 else best
    return Exercise(
        kind=ExerciseKind.MOST_PARAMS,
        question=f"Which of these layers holds the most parameters at α = {rep.alpha:g}?",
        answer=str(best["name"]), tolerance=0.0, unit="", choices=tuple(choices),
        solution=f"{best['name']}: {int(best['params']):,} parameters "
                 f"({float(best['params_pct']):.1f} % of the network), ahead of "
                 f"{runner['name']} with {int(runner['params']):,}. Deep, wide layers (and "
                 f"the classifier) hold the weights; early layers hold the Mult-Adds.")


def _why_not(kind: ExerciseKind, rep: Report) -> str:
    """Why ``kind`` cannot be asked of ``rep``'s network; empty where it can."""
    layers = rep.layers
    if kind is ExerciseKind.LAYER_MULT_ADDS and not len(
            layers[(layers["mult_adds"] > 0) & (layers["kind"] != OpKind.FC)]):
        return "it needs a conv layer with Mult-Adds"
    if kind is ExerciseKind.LAYER_PARAMS and not (layers["params"] > 0).any():
        return "it needs a layer with parameters"
    if kind is ExerciseKind.HALVING_ALPHA and rep.network.fixed_width:
        return (f"it halves α, and {rep.network.title}'s builder fixes α at "
                f"{rep.network.width:g} by name")
    if kind is ExerciseKind.HALVING_ALPHA and not len(_pointwise(rep)):
        return "it needs 1×1 convs on a feature map, and this network has none"
    if kind is ExerciseKind.SEPARABLE_SAVING and not _pairs(rep):
        return ("it needs a depthwise conv and its 1×1 conv in one block, and this network "
                "has none")
    if kind is ExerciseKind.FEATURE_MAP and not len(_strided(rep)):
        return "it needs a stride-2 layer, and this network has none"
    if kind is ExerciseKind.MOST_PARAMS and (layers["params"] > 0).sum() < 2:
        return "it needs two layers with parameters to choose between"
    return ""


def exercise_kinds(*, network: str | Network | None = None, alpha: float | None = None,
                   resolution: int | None = None, rules: str | None = None,
                   variant: str | None = None,
                   depth: float | None = None) -> dict[ExerciseKind, str]:
    """Each kind of question, with the reason it does not apply to this configuration
    (empty where it does): a table without 1×1 convs has no "halving α" question."""
    rep = report(network=network, alpha=alpha, resolution=resolution, rules=rules,
                 variant="separable" if variant is None else variant, depth=depth)
    return {kind: _why_not(kind, rep) for kind in ExerciseKind}


_MAKERS = {
    ExerciseKind.LAYER_MULT_ADDS: _layer_mult_adds,
    ExerciseKind.LAYER_PARAMS: _layer_params,
    ExerciseKind.HALVING_ALPHA: _halving_alpha,
    ExerciseKind.SEPARABLE_SAVING: _separable_saving,
    ExerciseKind.FEATURE_MAP: _feature_map,
    ExerciseKind.MOST_PARAMS: _most_params,
}


def make_exercise(seed: int, *, kind: ExerciseKind | str | None = None,
                  network: str | Network | None = None, alpha: float | None = None,
                  resolution: int | None = None, rules: str | None = None,
                  variant: str | None = None, depth: float | None = None) -> Exercise:
    """A question for a configuration (the library's defaults where omitted), chosen by
    ``seed``: the same seed gives the same question. ``kind`` fixes the kind."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer; got {seed!r}")
    rng = random.Random(seed)
    if kind is not None:
        try:
            kind = ExerciseKind(kind)
        except ValueError:
            names = ", ".join(k.value for k in ExerciseKind)
            raise ValueError(f"kind must be one of: {names}; got {kind!r}") from None
    rep = report(network=network, alpha=alpha, resolution=resolution, rules=rules,
                 variant="separable" if variant is None else variant, depth=depth)
    reasons = {k: _why_not(k, rep) for k in ExerciseKind}
    kinds = [k for k, why in reasons.items() if not why]
    if kind is None:
        if not kinds:
            raise ValueError(f"no kind of question applies to {rep.network.title}")
        chosen = kinds[rng.randrange(len(kinds))]
    elif reasons[kind]:
        raise ValueError(f"kind {kind.value} does not apply to {rep.network.title}: "
                         f"{reasons[kind]}")
    else:
        chosen = kind
    return replace(_MAKERS[chosen](rep, rng), seed=seed)


def parse_answer(text: str) -> float:
    """A typed number: digit grouping with commas, spaces or apostrophes is allowed, and a
    k, M or G suffix scales it (``3.28M``); a trailing × or x is ignored."""
    if not isinstance(text, str):
        raise ValueError(f"answer must be text; got {type(text).__name__}")
    if len(text) > MAX_ANSWER_CHARS:
        raise ValueError(f"answer must be at most {MAX_ANSWER_CHARS} characters")
    stripped = _SEPARATORS.sub("", text).rstrip("×xX")
    scale = 1.0
    if stripped and stripped[-1] in _SCALE:
        scale = _SCALE[stripped[-1]]
        stripped = stripped[:-1]
    value = parse_real(stripped, "answer") * scale
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"answer must be a finite number; got {text!r}")
    return value


def _expected(exercise: Gradable) -> tuple[str, str]:
    """The expected answer as shown, and its unit's suffix."""
    if isinstance(exercise.answer, str):
        expected = exercise.answer
    else:
        target = float(exercise.answer)
        expected = (f"{int(target):,}" if exercise.tolerance == 0 or target.is_integer()
                    else f"{target:,.0f}" if abs(target) >= 1000 else f"{target:.3f}")
    suffix = f" {exercise.unit}" if exercise.unit and exercise.unit != "×" else exercise.unit
    return expected, suffix


def reveal(exercise: Gradable) -> Feedback:
    """The answer, unasked (a reader who gives up), with the worked solution."""
    expected, suffix = _expected(exercise)
    return Feedback(correct=False, message=f"The answer is {expected}{suffix}.",
                    solution=exercise.solution)


def grade(exercise: Gradable, answer: str | None) -> Feedback:
    """Grade a typed (or chosen) answer: right within the exercise's tolerance (relative), or
    wrong with the expected value; either way with the worked solution. An unreadable answer
    raises ``ValueError`` naming the accepted forms."""
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        raise ValueError("answer is empty: type a number (e.g. 3276800, 3.28M or 4.1)")
    if isinstance(exercise.answer, str):
        if answer not in exercise.choices:
            raise ValueError(f"answer must be one of: {', '.join(exercise.choices)}")
        correct = answer == exercise.answer
    else:
        value = parse_answer(answer)
        target = float(exercise.answer)
        correct = abs(value - target) <= exercise.tolerance * abs(target) + 1e-9
    expected, suffix = _expected(exercise)
    if correct:
        message = f"Right: {expected}{suffix}."
    else:
        message = f"Not quite: the answer is {expected}{suffix}."
    return Feedback(correct=correct, message=message, solution=exercise.solution)


__all__ = ["Exercise", "ExerciseKind", "Feedback", "Gradable", "exercise_kinds", "grade",
           "make_exercise", "parse_answer", "reveal"]
