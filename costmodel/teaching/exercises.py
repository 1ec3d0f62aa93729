"""Auto-graded exercises, generated from the exact counter, with hints and worked solutions.

Eleven kinds of question, in the spirit of d2l's "derive the cost" exercises, at three
levels. Easy: a layer's parameters, the feature-map side after the stride-2 layers, which layer
holds the most parameters. Medium: a layer's Mult-Adds, a grouped conv's Mult-Adds, a ShuffleNet
v2 unit's Mult-Adds (its split and shuffle cost none). Hard: the saving of a separable pair
against a standard conv (eq. 5), the factor by which halving α cuts the pointwise cost, the
bytes a unit's split, concat and shuffle move, a ghost module against a plain 1×1 conv, a fused
block against the inverted residual it replaces. Each level has a kind for every built-in
network (a layer's parameters, a layer's Mult-Adds, a separable pair). Every expected answer
comes from
:func:`costmodel.report` for the configuration the question states, so a question and its
solution always agree with the rest of the package. A kind that needs layers a network does not
have (1×1 convs, a ghost module, a fused block) is not asked for it: :func:`exercise_kinds` says
which kinds apply and why the others do not.

For a class: :func:`make_exercise` is deterministic in its seed, and :func:`question_seed` gives
question ``i`` of a class seed the teacher shares, so the same seed and settings ask everyone
the same questions in the same order; :func:`make_worksheet` collects the first ``N`` of them
(:func:`costmodel.teaching.worksheet.worksheet_html` prints them with an answer key).
:func:`grade` reads an answer strictly (ASCII digits, no evaluation); a :class:`Session` grades
two tries (a wrong first answer gets the hint, a second the worked solution) and keeps the
running :class:`Score`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import pandas as pd

from costmodel.base.kinds import LayerKind, OpKind, Role
from costmodel.base.parsing import parse_real
from costmodel.core.operations import mult_adds, output_size, weights
from costmodel.descriptions.network_spec import Network, Operator
from costmodel.reports import Report, report, title


class Level(StrEnum):
    """How hard a kind of question is."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class ExerciseKind(StrEnum):
    """The kinds of question (each has a :attr:`level`)."""

    LAYER_MULT_ADDS = "layer_mult_adds"
    LAYER_PARAMS = "layer_params"
    HALVING_ALPHA = "halving_alpha"
    SEPARABLE_SAVING = "separable_saving"
    FEATURE_MAP = "feature_map"
    MOST_PARAMS = "most_params"
    GROUPED_CONV = "grouped_conv"
    SHUFFLE_UNIT = "shuffle_unit"
    SHUFFLE_MEMORY = "shuffle_memory"
    GHOST_RATIO = "ghost_ratio"
    FUSED_VS_UNFUSED = "fused_vs_unfused"

    @property
    def level(self) -> Level:
        """The kind's level (:data:`KIND_LEVELS`)."""
        return KIND_LEVELS[self]


#: Each kind's level, easy to hard.
KIND_LEVELS: dict[ExerciseKind, Level] = {
    ExerciseKind.LAYER_PARAMS: Level.EASY,
    ExerciseKind.FEATURE_MAP: Level.EASY,
    ExerciseKind.MOST_PARAMS: Level.EASY,
    ExerciseKind.LAYER_MULT_ADDS: Level.MEDIUM,
    ExerciseKind.GROUPED_CONV: Level.MEDIUM,
    ExerciseKind.SHUFFLE_UNIT: Level.MEDIUM,
    ExerciseKind.SEPARABLE_SAVING: Level.HARD,
    ExerciseKind.HALVING_ALPHA: Level.HARD,
    ExerciseKind.SHUFFLE_MEMORY: Level.HARD,
    ExerciseKind.GHOST_RATIO: Level.HARD,
    ExerciseKind.FUSED_VS_UNFUSED: Level.HARD,
}


class Outcome(StrEnum):
    """How a question ended: right at the first try, right after the hint, or wrong twice."""

    FIRST_TRY = "first_try"
    AFTER_HINT = "after_hint"
    WRONG = "wrong"


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One question: its text, the exact answer, the accepted relative error, the choices
    (for a which-layer question), a hint that does not give the answer away, and the worked
    solution."""

    kind: ExerciseKind
    question: str
    answer: float | str
    tolerance: float
    unit: str
    solution: str
    hint: str = ""
    choices: tuple[str, ...] = ()
    seed: int = 0

    @property
    def level(self) -> Level:
        """The level of the question's kind."""
        return self.kind.level


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
    """The grade of one answer. On a first wrong try (``attempt=1``) it carries the ``hint``
    and no solution; otherwise the worked ``solution``. ``outcome`` is set once the question
    is over (right, or wrong at the last try) and ``None`` while a try remains or for a grade
    outside the two-try flow."""

    correct: bool
    message: str
    solution: str
    hint: str = ""
    outcome: Outcome | None = None


MAX_ANSWER_CHARS = 64
#: Tries per question: a wrong first try gets the hint, a wrong second the solution.
MAX_TRIES = 2
#: Class seeds are integers in [0, MAX_CLASS_SEED]; questions are numbered from 1.
MAX_CLASS_SEED = 999_999
MAX_QUESTION_NUMBER = 9_999
DEFAULT_CLASS_SEED = 1
#: A worksheet has 1 to MAX_WORKSHEET_QUESTIONS questions.
MAX_WORKSHEET_QUESTIONS = 50
_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_SEPARATORS = re.compile(r"[,\s\u202f\u2009_']")
_GROUP_PART = re.compile(r"(.+)\.g(\d+)")
_DATA_OPS = frozenset({OpKind.SPLIT, OpKind.CONCAT, OpKind.SHUFFLE})
_DATA_WORDS = {OpKind.SPLIT: "channel split", OpKind.CONCAT: "concat",
               OpKind.SHUFFLE: "channel shuffle"}


def _pick(rng: random.Random, frame: pd.DataFrame) -> pd.Series:
    return frame.iloc[rng.randrange(len(frame))]


def _area(row: pd.Series) -> str:
    """The output area as the solutions write it: ``28²``, or ``28·30`` for a non-square map."""
    h, w = int(row["out_h"]), int(row["out_w"])
    return f"{h}²" if h == w else f"{h}·{w}"


def _side(row: pd.Series, prefix: str = "out") -> str:
    return f"{int(row[f'{prefix}_h'])}×{int(row[f'{prefix}_w'])}"


def _conv_terms(row: pd.Series) -> str:
    """A conv row's Mult-Adds worked out: ``k²·(C_in/groups)·C_out·area = value``."""
    k, per_filter = int(row["kernel"]), int(row["in_c"]) // int(row["groups"])
    return f"{k}²·{per_filter}·{int(row['out_c'])}·{_area(row)} = {int(row['mult_adds']):,}"


def _op_words(row: pd.Series) -> str:
    """One operation of a unit in words, for a question."""
    op, name = str(row["op"]), str(row["name"])
    if op in _DATA_WORDS:
        return f"{name} ({_DATA_WORDS[OpKind(op)]})"
    if op != OpKind.CONV:
        return f"{name} ({op})"
    k = int(row["kernel"])
    kind = " depthwise" if row["kind"] == LayerKind.DEPTHWISE else ""
    stride = f", stride {int(row['stride'])}" if int(row["stride"]) > 1 else ""
    return f"{name} ({k}×{k}{kind} conv, {int(row['in_c'])} → {int(row['out_c'])}{stride})"


def _label(rows: pd.DataFrame) -> str:
    """The common name of a unit's operations (``b2``, ``stage2_units_1``)."""
    names = [str(v) for v in rows["name"]]
    common = names[0]
    for name in names[1:]:
        while not name.startswith(common):
            common = common[:-1]
    return common.rstrip("._-") or f"block {int(rows['block'].iloc[0])}"


def _by_name(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(row["name"]): row for _, row in frame.iterrows()}


def _is_counted_conv(layers: pd.DataFrame) -> pd.Series:
    """Which rows are layers with Mult-Adds other than the classifier."""
    return (layers["mult_adds"] > 0) & (layers["kind"] != OpKind.FC)


def _layer_mult_adds(rep: Report, rng: random.Random) -> Exercise:
    convs = rep.layers[_is_counted_conv(rep.layers)]
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
        hint=f"Count the output values ({h}×{h}×{cout}), then the multiply-accumulates each "
             f"one takes: k·k times the input channels one filter sees (one, for a depthwise "
             f"conv).",
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
        hint="A conv has k·k·(input channels one filter sees)·(output channels) weights, plus "
             "one bias per output channel where it has a bias; the input size does not enter.",
        solution=f"{k}·{k}·{cin // groups}·{cout} = {count:,} weights{bias_text}: "
                 f"{int(row['params']):,}. The resolution does not matter: weights are shared "
                 f"across pixels.")


def _is_pointwise(layers: pd.DataFrame) -> pd.Series:
    """Which rows are 1×1 convs on a spatial map (not the classifier)."""
    return (layers["kernel"] == 1) & (layers["out_h"] > 1)


def _pointwise(rep: Report) -> pd.Series:
    """Mult-Adds of each 1×1 conv on a spatial map (not the classifier), by layer name."""
    layers = rep.layers
    return layers[_is_pointwise(layers)].set_index("name")["mult_adds"]


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
        hint="A 1×1 conv costs M·N·D_G², and α multiplies both M and N. Then think of the "
             "widths the builder rounds to a multiple of 8 or keeps fixed.",
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
        hint="Write both costs per output pixel: the standard conv D_K²·M·N, the pair "
             "D_K²·M + M·N. Their ratio is eq. 5.",
        solution=f"Standard: {k}²·{m}·{n}·{g}² = {standard:,}. Pair: {k}²·{m}·{g}² + "
                 f"{m}·{n}·{g}² = {pair:,}. Ratio {standard / pair:.2f}× = 1 / (1/{n} + "
                 f"1/{k * k}) (eq. 5).")


def _is_strided(layers: pd.DataFrame) -> pd.Series:
    """Which rows halve the feature map: stride 2, not a residual add."""
    return (layers["stride"] == 2) & (layers["kind"] != OpKind.ADD)


def _strided(rep: Report) -> pd.DataFrame:
    layers = rep.layers
    return layers[_is_strided(layers)]


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
        hint="With 'SAME' padding a stride-2 layer gives ceil(side / 2): halve and round up, "
             "once per stride-2 layer.",
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
        hint="Parameters do not depend on the feature-map size: compare k·k·(input channels "
             "per group)·(output channels) of each choice. Wide 1×1 convs and the classifier "
             "are the usual candidates.",
        solution=f"{best['name']}: {int(best['params']):,} parameters "
                 f"({float(best['params_pct']):.1f} % of the network), ahead of "
                 f"{runner['name']} with {int(runner['params']):,}. Deep, wide layers (and "
                 f"the classifier) hold the weights; early layers hold the Mult-Adds.")


# --- the later block types --------------------------------------------------------------------


def _grouped_convs(rep: Report) -> list[pd.DataFrame]:
    """Each grouped conv's rows: one conv in 1 < groups < C_in groups (a graph table's
    ``groups``), or the per-group convs ``NAME.g1``, ``NAME.g2``, ... that a builder
    concatenates into ``NAME.cat`` (MixNet's grouped 1×1 convs)."""
    layers = rep.layers.reset_index(drop=True)
    names = [str(v) for v in layers["name"]]
    is_conv = [v == OpKind.CONV for v in layers["op"]]
    groups, inputs = [int(v) for v in layers["groups"]], [int(v) for v in layers["in_c"]]
    found: list[pd.DataFrame] = []
    i = 0
    while i < len(layers):
        match = _GROUP_PART.fullmatch(names[i])
        if is_conv[i] and 1 < groups[i] < inputs[i]:
            found.append(layers.iloc[[i]])
        elif is_conv[i] and match and match.group(2) == "1":
            prefix, j = match.group(1), i + 1
            while j < len(layers) and is_conv[j] and names[j] == f"{prefix}.g{j - i + 1}":
                j += 1
            if j - i > 1 and j < len(layers) and names[j] == f"{prefix}.cat":
                found.append(layers.iloc[i:j])
                i = j
                continue
        i += 1
    return found


def _grouped_conv(rep: Report, rng: random.Random) -> Exercise:
    candidates = _grouped_convs(rep)
    rows = candidates[rng.randrange(len(candidates))]
    first = rows.iloc[0]
    k = int(first["kernel"])
    area = int(first["out_h"]) * int(first["out_w"])
    total = int(rows["mult_adds"].sum())
    if len(rows) == 1:  # one conv in ``groups`` groups
        name, count = str(first["name"]), int(first["groups"])
        cin, cout = int(first["in_c"]), int(first["out_c"])
        parts = [(cin // count, cout // count)] * count
    else:  # one conv per group, concatenated
        name, count = _GROUP_PART.fullmatch(str(first["name"])).group(1), len(rows)  # type: ignore[union-attr]
        parts = [(int(r["in_c"]), int(r["out_c"])) for _, r in rows.iterrows()]
        cin, cout = sum(a for a, _ in parts), sum(c for _, c in parts)
    equal = len(set(parts)) == 1
    dense = int(mult_adds(OpKind.CONV, k, cin, cout, area))
    if equal:
        a, c = parts[0]
        shape = f"each group maps {a} input channels to {c} outputs"
        per = int(mult_adds(OpKind.CONV, k, a, c, area))
        work = f"Each group is a dense conv on its own channels: {k}²·{a}·{c}·{_area(first)} = " \
               f"{per:,}; {count} groups: {total:,}."
    else:
        shape = "the groups map " + ", ".join(f"{a} → {c}" for a, c in parts) + " channels"
        work = "Each group is a dense conv on its own channels: " + " + ".join(
            f"{k}²·{a}·{c}·{_area(first)}" for a, c in parts) + f" = {total:,}."
    return Exercise(
        kind=ExerciseKind.GROUPED_CONV,
        question=f"{name} is a {k}×{k} conv from {cin} to {cout} channels in {count} groups "
                 f"({shape}), at {_side(first)} output. How many Mult-Adds does it cost?",
        answer=total, tolerance=0.005, unit="Mult-Adds",
        hint="Each group is an ordinary conv from its own input channels to its own output "
             "channels, k²·(C_in/g)·(C_out/g)·D_G²; add the groups up.",
        solution=f"{work} A dense {k}×{k} conv from {cin} to {cout} would cost "
                 f"{k}²·{cin}·{cout}·{_area(first)} = {dense:,}, {dense / total:.2f}× more: g "
                 f"groups divide the cost by g (each filter sees 1/g of the input).")


def _units(rep: Report, *, split: bool) -> list[pd.DataFrame]:
    """Each block with a channel shuffle (and, with ``split``, a channel split: ShuffleNet v2's
    stride-1 unit), as its rows."""
    layers = rep.layers
    found: list[pd.DataFrame] = []
    if not (layers["op"] == OpKind.SHUFFLE).any():
        return found
    for _, rows in layers[layers["block"] > 0].groupby("block", sort=True):
        ops = {str(v) for v in rows["op"]}
        if OpKind.SHUFFLE in ops and (OpKind.SPLIT in ops or not split):
            found.append(rows)
    return found


def _shuffle_unit(rep: Report, rng: random.Random) -> Exercise:
    from costmodel.base.symbols import D_F, D_K, M
    from costmodel.core.formulas import shuffle_unit_mult_adds

    units = _units(rep, split=True)
    rows = units[rng.randrange(len(units))]
    first, label = rows.iloc[0], _label(rows)
    channels, total = int(first["in_c"]), int(rows["mult_adds"].sum())
    convs = rows[rows["op"] == OpKind.CONV]
    work = "; ".join(f"{r['name']}: {_conv_terms(r)}" for _, r in convs.iterrows())
    data = ", ".join(str(r["name"]) for _, r in rows.iterrows() if str(r["op"]) in _DATA_OPS)
    closed = ""
    depthwise = convs[convs["kind"] == LayerKind.DEPTHWISE]
    if len(depthwise) == 1:
        k = int(depthwise["kernel"].iloc[0])
        side = int(first["in_h"])
        form = shuffle_unit_mult_adds().subs({D_F: side, M: channels, D_K: k})
        if form == total:
            closed = (f" That is D_F²·M·(M + D_K²)/2 with D_F = {side}, M = {channels}, "
                      f"D_K = {k} (Ma et al. 2018, the stride-1 unit): the branch runs on half "
                      f"the channels.")
    return Exercise(
        kind=ExerciseKind.SHUFFLE_UNIT,
        question=f"Unit {label} takes {channels} channels at {_side(first, 'in')} and runs, "
                 f"in order: " + "; ".join(_op_words(r) for _, r in rows.iterrows())
                 + ". How many Mult-Adds does the whole unit cost?",
        answer=total, tolerance=0.005, unit="Mult-Adds",
        hint="A split, a concat and a shuffle only move data: they multiply nothing. Add up "
             "the convs, each k²·(input channels per group)·C_out·D_G².",
        solution=f"{data}: 0 Mult-Adds (they only move data). {work}. Total {total:,}."
                 f"{closed}")


def _shuffle_memory(rep: Report, rng: random.Random) -> Exercise:
    units = _units(rep, split=False)
    rows = units[rng.randrange(len(units))]
    last, label = rows.iloc[-1], _label(rows)
    table = _by_name(rep.memory("float32").layers)
    moved = [table[str(v)] for v in rows["name"]]
    data = [str(r["name"]) for _, r in rows.iterrows() if str(r["op"]) in _DATA_OPS]
    total = sum(int(table[name]["bytes_moved"]) for name in data)
    unit_bytes = sum(int(r["bytes_moved"]) for r in moved)
    unit_ma = int(rows["mult_adds"].sum())
    parts = []
    for name in data:
        row = table[name]
        if int(row["bytes_moved"]) == 0:
            parts.append(f"{name}: 0 (a view: nothing is read or written)")
        else:
            parts.append(f"{name}: reads {int(row['elements_in']):,} and writes "
                         f"{int(row['elements_out']):,} elements, "
                         f"({int(row['elements_in']):,} + {int(row['elements_out']):,})·4 = "
                         f"{int(row['bytes_moved']):,} bytes")
    words = ", ".join(f"{name} ({_DATA_WORDS[OpKind(str(table[name]['kind']))]})"
                      for name in data)
    return Exercise(
        kind=ExerciseKind.SHUFFLE_MEMORY,
        question=f"Unit {label} ends with {int(last['out_c'])} channels at {_side(last)}. "
                 f"Its {words} cost zero Mult-Adds. How many bytes do they move together in "
                 f"float32, counting every element read and every element written (4 bytes "
                 f"each)?",
        answer=total, tolerance=0.005, unit="bytes",
        hint="Count elements, then 4 bytes each. A split is a view: nothing is read or "
             "written. A concat and a shuffle read each element of their input once and write "
             "it once.",
        solution="; ".join(parts) + f". Total {total:,} bytes: {100 * total / unit_bytes:.0f} % "
                 f"of the {unit_bytes:,} bytes the unit moves, for none of its {unit_ma:,} "
                 f"Mult-Adds. Mult-Adds alone do not predict speed (Ma et al. 2018, section 2: "
                 f"memory access cost).")


def _ghost_modules(rep: Report) -> list[str]:
    """The prefix of each ghost module (``b2.ghost1``): a ``.primary`` 1×1 conv, a ``.cheap``
    depthwise conv and a ``.cat``."""
    names = [str(v) for v in rep.layers["name"]]
    present = set(names)
    prefixes = [name.removesuffix(".cheap") for name, role in zip(names, rep.layers["role"],
                                                                   strict=True)
                if role == Role.CHEAP and name.endswith(".cheap")]
    return [p for p in prefixes if {f"{p}.primary", f"{p}.cat"} <= present]


def _ghost_ratio(rep: Report, rng: random.Random) -> Exercise:
    from costmodel.base.symbols import D_K, D_d, M, s
    from costmodel.core.formulas import ghost_speedup_ratio

    modules = _ghost_modules(rep)
    prefix = modules[rng.randrange(len(modules))]
    layers = _by_name(rep.layers)
    primary, cheap = layers[f"{prefix}.primary"], layers[f"{prefix}.cheap"]
    cin, maps, cout = (int(primary["in_c"]), int(primary["out_c"]),
                       int(layers[f"{prefix}.cat"]["out_c"]))
    dk, area = int(cheap["kernel"]), int(primary["out_h"]) * int(primary["out_w"])
    ghost = int(primary["mult_adds"]) + int(cheap["mult_adds"])
    plain = int(mult_adds(OpKind.CONV, 1, cin, cout, area))
    eq4 = ghost_speedup_ratio().subs({s: 2, D_K: 1, D_d: dk, M: cin})
    kept = f", {cout} kept" if 2 * maps != cout else ""
    return Exercise(
        kind=ExerciseKind.GHOST_RATIO,
        question=f"{prefix} is a ghost module from {cin} to {cout} channels at "
                 f"{_side(primary)}: a 1×1 primary conv makes {maps} maps and a {dk}×{dk} "
                 f"depthwise 'cheap operation' makes {maps} more from them{kept}. How many "
                 f"times fewer Mult-Adds does it need than a plain 1×1 conv from {cin} to "
                 f"{cout} channels?",
        answer=plain / ghost, tolerance=0.02, unit="×",
        hint="Add the two parts: the primary 1×1 conv to half the maps, C_in·(C_out/2)·D_G², "
             "and the cheap depthwise conv on those maps, D_d²·(C_out/2)·D_G². Divide the "
             "plain conv's C_in·C_out·D_G² by their sum.",
        solution=f"Plain: {cin}·{cout}·{_area(primary)} = {plain:,}. Ghost: primary "
                 f"{cin}·{maps}·{_area(primary)} = {int(primary['mult_adds']):,} + cheap "
                 f"{dk}²·{maps}·{_area(primary)} = {int(cheap['mult_adds']):,} = {ghost:,}. "
                 f"Ratio {plain / ghost:.2f}×. GhostNet's eq. 4 with s = 2, a 1×1 primary conv "
                 f"(D_K = 1) and D_d = {dk}: s·M/(M + (s − 1)·D_d²) = 2·{cin}/({cin} + "
                 f"{dk * dk}) = {float(eq4):.2f}: near s = 2 only where M is well above "
                 f"D_d² = {dk * dk}.")


def _fused_blocks(rep: Report) -> list[pd.DataFrame]:
    """Each fused block's rows (Operator.FUSED: a k×k conv to the inner width, 1×1
    projection), without its squeeze-and-excite."""
    layers = rep.layers
    found = []
    for block in rep.graph.blocks:
        if block.operator is not Operator.FUSED:
            continue
        rows = layers[(layers["block"] == block.index) & (layers["op"] == OpKind.CONV)
                      & (layers["role"] != Role.SE)]
        if (rows["role"] == Role.EXPAND).sum() == 1 and (rows["role"] == Role.PROJECT).any():
            found.append(rows)
    return found


def _fused_vs_unfused(rep: Report, rng: random.Random) -> Exercise:
    from costmodel.base.symbols import D_K, M, N
    from costmodel.core.formulas import fused_to_inverted_residual_ratio

    blocks = _fused_blocks(rep)
    rows = blocks[rng.randrange(len(blocks))]
    fused = rows[rows["role"] == Role.EXPAND].iloc[0]
    project = rows[rows["role"] == Role.PROJECT]
    k, stride = int(fused["kernel"]), int(fused["stride"])
    cin, inner, cout = int(fused["in_c"]), int(fused["out_c"]), int(project["out_c"].sum())
    in_area = int(fused["in_h"]) * int(fused["in_w"])
    out_area = int(fused["out_h"]) * int(fused["out_w"])
    projection = int(project["mult_adds"].sum())
    fused_total = int(fused["mult_adds"]) + projection
    expand = int(mult_adds(OpKind.CONV, 1, cin, inner, in_area))
    depthwise = int(mult_adds(OpKind.CONV, k, 1, inner, out_area))
    unfused = expand + depthwise + projection
    label = _label(rows)
    in_side = f"{int(fused['in_h'])}²" if fused["in_h"] == fused["in_w"] else \
        f"{int(fused['in_h'])}·{int(fused['in_w'])}"
    note = ""
    ratio = float(fused_to_inverted_residual_ratio().subs({D_K: k, M: cin, N: cout}))
    if stride == 1 and abs(ratio - fused_total / unfused) < 1e-9:
        note = (f" At stride 1 this is (D_K²·M + N)/(M + D_K² + N) = ({k}²·{cin} + {cout})/"
                f"({cin} + {k}² + {cout}) = {ratio:.2f}, whatever the expansion.")
    elif stride > 1:
        note = (f" At stride {stride} the inverted residual's expansion runs on the "
                f"{int(fused['in_h'])}×{int(fused['in_w'])} input, before the stride.")
    return Exercise(
        kind=ExerciseKind.FUSED_VS_UNFUSED,
        question=f"{label} is a fused block: a {k}×{k} conv from {cin} to {inner} channels at "
                 f"stride {stride} ({_side(fused, 'in')} → {_side(fused)}), then a 1×1 "
                 f"projection to {cout}. The inverted residual with the same widths would "
                 f"expand with a 1×1 conv from {cin} to {inner} and run a {k}×{k} depthwise "
                 f"conv at the stride instead, with the same projection. How many times more "
                 f"Mult-Adds does the fused block cost (leave squeeze-and-excite out)?",
        answer=fused_total / unfused, tolerance=0.02, unit="×",
        hint=f"The fused conv costs k²·C_in·C_inner·D_G²; the pair it replaces costs "
             f"C_in·C_inner·D_F² (the expansion, on the input's {_side(fused, 'in')}) + "
             f"k²·C_inner·D_G². Add the same projection to both before dividing.",
        solution=f"Fused: {_conv_terms(fused)} + projection {projection:,} = {fused_total:,}. "
                 f"Inverted residual: expansion {cin}·{inner}·{in_side} = {expand:,} + "
                 f"depthwise {k}²·{inner}·{_area(fused)} = {depthwise:,} + projection "
                 f"{projection:,} = {unfused:,}. Ratio {fused_total / unfused:.2f}×.{note} "
                 f"The dense k×k conv does about k² times the expansion's work; EfficientNetV2 "
                 f"keeps fused blocks to the early, narrow stages, where accelerators run them "
                 f"faster despite the Mult-Adds (Tan & Le 2021).")


def _why_not(kind: ExerciseKind, rep: Report) -> str:
    """Why ``kind`` cannot be asked of ``rep``'s network; empty where it can. (Each test asks
    whether a row qualifies, not for the rows: selecting them cost each new configuration
    ~10 ms.)"""
    layers = rep.layers
    if kind is ExerciseKind.LAYER_MULT_ADDS and not _is_counted_conv(layers).any():
        return "it needs a conv layer with Mult-Adds"
    if kind is ExerciseKind.LAYER_PARAMS and not (layers["params"] > 0).any():
        return "it needs a layer with parameters"
    if kind is ExerciseKind.HALVING_ALPHA and rep.network.fixed_width:
        return (f"it halves α, and {rep.network.title}'s builder fixes α at "
                f"{rep.network.width:g} by name")
    if kind is ExerciseKind.HALVING_ALPHA and not _is_pointwise(layers).any():
        return "it needs 1×1 convs on a feature map, and this network has none"
    if kind is ExerciseKind.SEPARABLE_SAVING and not _pairs(rep):
        return ("it needs a depthwise conv and its 1×1 conv in one block, and this network "
                "has none")
    if kind is ExerciseKind.FEATURE_MAP and not _is_strided(layers).any():
        return "it needs a stride-2 layer, and this network has none"
    if kind is ExerciseKind.MOST_PARAMS and (layers["params"] > 0).sum() < 2:
        return "it needs two layers with parameters to choose between"
    if kind is ExerciseKind.GROUPED_CONV and not _grouped_convs(rep):
        return ("it needs a grouped conv (more than one group, fewer than its channels), and "
                "this network has none")
    if kind is ExerciseKind.SHUFFLE_UNIT and not _units(rep, split=True):
        return ("it needs a unit with a channel split and a channel shuffle (ShuffleNet v2), "
                "and this network has none")
    if kind is ExerciseKind.SHUFFLE_MEMORY and not _units(rep, split=False):
        return "it needs a unit with a channel shuffle (ShuffleNet v2), and this network has none"
    if kind is ExerciseKind.GHOST_RATIO and not _ghost_modules(rep):
        return "it needs a ghost module (GhostNet), and this network has none"
    if kind is ExerciseKind.FUSED_VS_UNFUSED and not _fused_blocks(rep):
        return ("it needs a fused inverted residual (EfficientNetV2, MobileNetV4), and this "
                "network has none")
    return ""


def _report(network: str | Network | None, alpha: float | None, resolution: int | None,
            rules: str | None, variant: str | None, depth: float | None) -> Report:
    return report(network=network, alpha=alpha, resolution=resolution, rules=rules,
                  variant="separable" if variant is None else variant, depth=depth)


def _checked(network: str | Network | None, alpha: float | None, resolution: int | None,
             rules: str | None, variant: str | None, depth: float | None,
             ) -> tuple[Report, dict[ExerciseKind, str]]:
    """The report of a configuration and why each kind does not apply to it (:func:`_reasons`;
    shared: copy before changing it). A configuration given by plain values is kept, so that
    the kinds that apply, a question and a worksheet of one configuration build its report
    and its table once (the dashboard asks for the first two at every move)."""
    given = (network, alpha, resolution, rules, variant, depth)
    if all(value is None or type(value) in (str, int, float) for value in given):
        return _checked_by_value(*given)
    rep = _report(*given)
    return rep, _reasons(rep)


@lru_cache(maxsize=64, typed=True)
def _checked_by_value(network: str | None, alpha: float | None, resolution: int | None,
                      rules: str | None, variant: str | None, depth: float | None,
                      ) -> tuple[Report, dict[ExerciseKind, str]]:
    rep = _report(network, alpha, resolution, rules, variant, depth)
    return rep, _reasons(rep)


def _as_level(level: Level | str | None) -> Level | None:
    if level is None:
        return None
    try:
        return Level(level)
    except ValueError:
        names = ", ".join(v.value for v in Level)
        raise ValueError(f"level must be one of: {names}; got {level!r}") from None


def _as_kind(kind: ExerciseKind | str | None) -> ExerciseKind | None:
    if kind is None:
        return None
    try:
        return ExerciseKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in ExerciseKind)
        raise ValueError(f"kind must be one of: {names}; got {kind!r}") from None


def exercise_kinds(*, network: str | Network | None = None, alpha: float | None = None,
                   resolution: int | None = None, rules: str | None = None,
                   variant: str | None = None, depth: float | None = None,
                   level: Level | str | None = None) -> dict[ExerciseKind, str]:
    """Each kind of question (of ``level`` only, where given), with the reason it does not
    apply to this configuration (empty where it does): a table without 1×1 convs has no
    "halving α" question."""
    wanted = _as_level(level)
    _, reasons = _checked(network, alpha, resolution, rules, variant, depth)
    return {kind: why for kind, why in reasons.items()
            if wanted is None or kind.level is wanted}


_MAKERS = {
    ExerciseKind.LAYER_MULT_ADDS: _layer_mult_adds,
    ExerciseKind.LAYER_PARAMS: _layer_params,
    ExerciseKind.HALVING_ALPHA: _halving_alpha,
    ExerciseKind.SEPARABLE_SAVING: _separable_saving,
    ExerciseKind.FEATURE_MAP: _feature_map,
    ExerciseKind.MOST_PARAMS: _most_params,
    ExerciseKind.GROUPED_CONV: _grouped_conv,
    ExerciseKind.SHUFFLE_UNIT: _shuffle_unit,
    ExerciseKind.SHUFFLE_MEMORY: _shuffle_memory,
    ExerciseKind.GHOST_RATIO: _ghost_ratio,
    ExerciseKind.FUSED_VS_UNFUSED: _fused_vs_unfused,
}


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer; got {seed!r}")
    return seed


def _reasons(rep: Report) -> dict[ExerciseKind, str]:
    return {kind: _why_not(kind, rep) for kind in ExerciseKind}


def _exercise(rep: Report, reasons: dict[ExerciseKind, str], seed: int,
              kind: ExerciseKind | None, level: Level | None) -> Exercise:
    """The question of ``seed`` for ``rep`` (``reasons``: :func:`_reasons` of ``rep``): of
    ``kind``, else a kind drawn among those that apply (at ``level``, where given)."""
    rng = random.Random(seed)
    reasons = {k: why for k, why in reasons.items()
               if level is None or k.level is level or k is kind}
    if kind is None:
        kinds = [k for k, why in reasons.items() if not why]
        if not kinds:
            at = f"{level.value} " if level is not None else ""
            why = "; ".join(f"{k.value}: {reason}" for k, reason in reasons.items())
            raise ValueError(f"no {at}kind of question applies to {rep.network.title} ({why})")
        chosen = kinds[rng.randrange(len(kinds))]
    elif level is not None and kind.level is not level:
        raise ValueError(f"kind {kind.value} is at level {kind.level.value}, not "
                         f"{level.value}")
    elif reasons[kind]:
        raise ValueError(f"kind {kind.value} does not apply to {rep.network.title}: "
                         f"{reasons[kind]}")
    else:
        chosen = kind
    return replace(_MAKERS[chosen](rep, rng), seed=seed)


def make_exercise(seed: int, *, kind: ExerciseKind | str | None = None,
                  level: Level | str | None = None,
                  network: str | Network | None = None, alpha: float | None = None,
                  resolution: int | None = None, rules: str | None = None,
                  variant: str | None = None, depth: float | None = None) -> Exercise:
    """A question for a configuration (the library's defaults where omitted), chosen by
    ``seed``: the same seed gives the same question. ``kind`` fixes the kind; ``level``
    draws only among the kinds of that level."""
    rep_seed = _check_seed(seed)
    chosen, wanted = _as_kind(kind), _as_level(level)
    rep, reasons = _checked(network, alpha, resolution, rules, variant, depth)
    return _exercise(rep, reasons, rep_seed, chosen, wanted)


def _check_range(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field} must be an integer in [{low:,}, {high:,}]; got {value!r}")
    return value


def check_class_seed(class_seed: object) -> int:
    """``class_seed`` as an integer in [0, :data:`MAX_CLASS_SEED`]; ``ValueError`` naming the
    range otherwise."""
    return _check_range(class_seed, "class seed", 0, MAX_CLASS_SEED)


def question_seed(class_seed: int, number: int) -> int:
    """The seed of question ``number`` (1, 2, ...) of ``class_seed``:
    ``class_seed · 10,000 + number``, so each class seed has its own questions and question
    ``i`` of one seed is always the same question (for the same settings)."""
    check_class_seed(class_seed)
    _check_range(number, "question number", 1, MAX_QUESTION_NUMBER)
    return class_seed * (MAX_QUESTION_NUMBER + 1) + number


@dataclass(frozen=True, kw_only=True)
class Worksheet:
    """Questions 1 to N of a class seed, for print: the configuration in words, the settings,
    and the exercises (each with its answer, hint and worked solution)."""

    configuration: str
    class_seed: int
    level: Level | None
    kind: ExerciseKind | None
    exercises: tuple[Exercise, ...]


def make_worksheet(class_seed: int, count: int, *, kind: ExerciseKind | str | None = None,
                   level: Level | str | None = None, network: str | Network | None = None,
                   alpha: float | None = None, resolution: int | None = None,
                   rules: str | None = None, variant: str | None = None,
                   depth: float | None = None) -> Worksheet:
    """Questions 1 to ``count`` (at most :data:`MAX_WORKSHEET_QUESTIONS`) of ``class_seed``:
    the questions the dashboard asks with the same seed and settings."""
    check_class_seed(class_seed)
    _check_range(count, "count (questions on a worksheet)", 1, MAX_WORKSHEET_QUESTIONS)
    chosen, wanted = _as_kind(kind), _as_level(level)
    rep, reasons = _checked(network, alpha, resolution, rules, variant, depth)
    exercises = tuple(_exercise(rep, reasons, question_seed(class_seed, i), chosen, wanted)
                      for i in range(1, count + 1))
    return Worksheet(configuration=title(rep), class_seed=class_seed, level=wanted,
                     kind=chosen, exercises=exercises)


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


def answer_text(exercise: Gradable) -> str:
    """The expected answer as the grade, the lesson's checks and the answer key write it, with
    its unit (``3,276,800 Mult-Adds``, ``4.000×``, ``pw13``)."""
    if isinstance(exercise.answer, str):
        return exercise.answer
    target = float(exercise.answer)
    expected = (f"{int(target):,}" if exercise.tolerance == 0 or target.is_integer()
                else f"{target:,.0f}" if abs(target) >= 1000 else f"{target:.3f}")
    if exercise.unit == "×":
        return f"{expected}×"
    return f"{expected} {exercise.unit}" if exercise.unit else expected


def reveal(exercise: Gradable) -> Feedback:
    """The answer, unasked (a reader who gives up), with the worked solution."""
    return Feedback(correct=False, message=f"The answer is {answer_text(exercise)}.",
                    solution=exercise.solution)


def grade(exercise: Gradable, answer: str | None, *, attempt: int | None = None) -> Feedback:
    """Grade a typed (or chosen) answer: right within the exercise's tolerance, or wrong.
    ``attempt`` (1 or 2) grades one try of the two-try flow: a wrong first try gets the hint
    and keeps the answer and the solution back; otherwise the grade shows the expected value
    and the worked solution. An unreadable answer raises ``ValueError`` naming the accepted
    forms (and uses no try)."""
    if attempt is not None:
        _check_range(attempt, "attempt", 1, MAX_TRIES)
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
    if not correct and attempt is not None and attempt < MAX_TRIES:
        return Feedback(correct=False, message="Not quite. Read the hint and try once more.",
                        solution="", hint=str(getattr(exercise, "hint", "")))
    outcome = None
    if attempt is not None:
        outcome = (Outcome.WRONG if not correct else Outcome.FIRST_TRY if attempt == 1
                   else Outcome.AFTER_HINT)
    message = (f"Right: {answer_text(exercise)}." if correct
               else f"Not quite: the answer is {answer_text(exercise)}.")
    return Feedback(correct=correct, message=message, solution=exercise.solution,
                    outcome=outcome)


@dataclass(frozen=True, kw_only=True)
class Score:
    """A session's questions by outcome: right at the first try, right after the hint, wrong
    (twice)."""

    first_try: int = 0
    after_hint: int = 0
    wrong: int = 0

    @property
    def answered(self) -> int:
        """Questions finished."""
        return self.first_try + self.after_hint + self.wrong

    def add(self, outcome: Outcome) -> Score:
        """This score with one more question of ``outcome``."""
        return replace(self, **{outcome.value: getattr(self, outcome.value) + 1})

    def __str__(self) -> str:
        return (f"{self.answered} answered: {self.first_try} right at the first try, "
                f"{self.after_hint} after the hint, {self.wrong} wrong")


@dataclass(frozen=True, kw_only=True)
class Session:
    """A learner's running :class:`Score` and the tries on the current question."""

    score: Score = Score()
    exercise: Exercise | None = None
    tries: int = 0
    outcome: Outcome | None = None

    def answer(self, exercise: Exercise, answer: str | None) -> tuple[Session, Feedback]:
        """Grade ``answer`` as the next try at ``exercise`` (a question other than the
        current one starts afresh): the session after it, and the feedback. A question
        already over is graded again with its solution but scored once. An unreadable
        answer raises ``ValueError`` and uses no try."""
        current = self if self.exercise == exercise else replace(
            self, exercise=exercise, tries=0, outcome=None)
        if current.outcome is not None:
            return current, grade(exercise, answer)
        attempt = current.tries + 1
        feedback = grade(exercise, answer, attempt=attempt)
        score = current.score if feedback.outcome is None else current.score.add(
            feedback.outcome)
        return replace(current, tries=attempt, outcome=feedback.outcome, score=score), feedback


__all__ = ["DEFAULT_CLASS_SEED", "KIND_LEVELS", "MAX_CLASS_SEED", "MAX_QUESTION_NUMBER",
           "MAX_TRIES", "MAX_WORKSHEET_QUESTIONS", "Exercise", "ExerciseKind", "Feedback",
           "Gradable", "Level", "Outcome", "Score", "Session", "Worksheet", "answer_text",
           "check_class_seed", "exercise_kinds", "grade", "make_exercise", "make_worksheet",
           "parse_answer", "question_seed", "reveal"]
