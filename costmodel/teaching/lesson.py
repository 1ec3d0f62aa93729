"""The lesson: one layer's cost, step by step, with that layer's own numbers.

For one block of any type (by default MobileNet v1's dw2/pw2, else a stride-1 expanding block):
the standard conv it replaces, each operation's cost, the ratio (for a separable pair
1/N + 1/D_K², eq. 5) and why the block is cheaper or not (MixConv and grouped 1×1 convs, the
fused inverted residual that costs more Mult-Adds yet runs faster, the universal bottleneck's
1×1 convs, the ghost modules that halve the 1×1 cost, the ShuffleNet v2 branch on half the
channels, ConvNeXt's depthwise large kernel, RepViT's re-parameterised token mixer); then what
α does to the channel counts (the builder's rounding shown), the α²ρ² scaling in words and
numbers, why one more pixel can cost 18 % more (stride-2 sizes round up), the ρ⁴ mistake, and
the share of time against the share of Mult-Adds.

Each step carries the PyTorch lines that have its cost (``nn.Conv2d(144, 144, 3, stride=1,
padding=1, groups=144, bias=False)``, :mod:`costmodel.teaching.block_anatomy`) and a check
question with the block's own numbers (typed or chosen, graded by
:func:`costmodel.teaching.exercises.grade`), so that a reader can be asked before the next
step opens. The lesson also holds the block taken apart (:class:`BlockAnatomy`), which the
block diagram draws. Every number comes from the exact counter; the app only displays the
steps.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from costmodel.base.formatting import latex_text, times_fewer_or_more
from costmodel.base.kinds import DEFAULT_PROFILE, LatencyKind, OpKind, Role
from costmodel.core.counting import OpCount, totals
from costmodel.core.graph import BlockSpec, Graph, build_graph
from costmodel.core.operations import mult_adds, weights
from costmodel.descriptions.configuration import resolve
from costmodel.descriptions.network_spec import Operator
from costmodel.descriptions.widths import AS_WRITTEN
from costmodel.teaching.block_anatomy import (
    ACTIVATION_LABEL,
    BlockAnatomy,
    StandardConv,
    block_anatomy,
    block_ops,
    pytorch_line,
    standard_conv,
)


@dataclass(frozen=True, kw_only=True)
class CheckQuestion:
    """A question after one step, with the block's own numbers: typed (a number, right within
    the relative ``tolerance``) or chosen from ``choices`` (``answer`` is one of them);
    ``solution`` works it out. Graded as the exercises are
    (:func:`costmodel.teaching.exercises.grade`; :func:`~costmodel.teaching.exercises.reveal`
    gives the answer unasked)."""

    question: str
    answer: float | str
    tolerance: float = 0.0
    unit: str = ""
    solution: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class LessonStep:
    """One step: a title, the sentence that explains it, its formula with the layer's numbers
    (LaTeX and plain text), the PyTorch lines that have that cost (none for a step that costs
    no operation) and the question that checks it."""

    title: str
    explanation: str
    latex: str
    text: str
    pytorch: tuple[str, ...] = ()
    check: CheckQuestion | None = None
    #: the formula's general form alone (LaTeX), with no number that α or the input size
    #: changes; empty when the step has none. The dashboard typesets it in an element of its
    #: own, which a slider move leaves as it is, and gives the numbers as ``text``
    symbolic: str = ""


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """The steps for one block at one configuration."""

    block: str
    network: str
    alpha: float
    resolution: int
    steps: tuple[LessonStep, ...]
    #: the block's operations, edges, shapes and the standard conv in its place (drawn by
    #: :func:`costmodel.presentation.block_diagram.block_diagram_svg`)
    anatomy: BlockAnatomy


def _aligned(latex: str) -> str:
    """One '=' per line (``aligned``), so that long equations fit a phone's width."""
    parts = latex.split(" = ")
    if len(parts) < 3:
        return latex
    return (r"\begin{aligned}&" + parts[0] + "".join(r" \\ &= " + p for p in parts[1:])
            + r"\end{aligned}")


def _grouped(n: float) -> str:
    return f"{n:,.0f}".replace(",", "{,}")


def explains(graph: Graph, block: BlockSpec) -> bool:
    """Whether the lesson's steps fit ``block``: every block type has its own (the separable
    pair with or without squeeze-and-excite, the inverted residual with MixConv kernels or
    grouped 1×1 convs, the fused inverted residual, the universal inverted bottleneck, the
    ghost bottleneck, the ShuffleNet v2 unit, the ConvNeXt block and the RepViT block)."""
    return block.operator in _BLOCK_STEPS and block.first <= block.last


@dataclass(frozen=True, kw_only=True)
class _Block:
    """One block evaluated: its operations and the numbers its steps use."""

    spec: BlockSpec
    ops: tuple[OpCount, ...]
    m: int  # input channels
    n: int  # output channels
    d_in: int  # input side
    d_out: int  # output side
    std: StandardConv  # the standard conv in its place
    anatomy: BlockAnatomy

    def lines(self, *kinds: OpKind) -> tuple[str, ...]:
        """The PyTorch lines of the block's operations of ``kinds`` (adds and concats with
        the names of what they read)."""
        return tuple(op.pytorch for op in self.anatomy.ops if op.kind in kinds)

    @property
    def k(self) -> int:
        """The kernel of the standard conv in its place (1 where the block has none)."""
        return self.std.kernel

    @property
    def total(self) -> int:
        return sum(op.mult_adds for op in self.ops)

    @property
    def standard(self) -> int:
        return self.std.mult_adds

    def named(self, suffix: str) -> list[OpCount]:
        """The convolutions called ``b3.<suffix>``, with their groups (``.g1``, ``.k3``)."""
        out = []
        for op in self.ops:
            rest = op.name.split(".", 1)[-1]
            if op.kind is OpKind.CONV and (rest == suffix or re.fullmatch(
                    rf"{re.escape(suffix)}\.[gk]?\d+", rest)):
                out.append(op)
        return out

    def role(self, *roles: Role) -> list[OpCount]:
        return [op for op in self.ops if op.role in roles and op.kind is OpKind.CONV]


def _weights(op: OpCount) -> tuple[str, str]:
    """(LaTeX, text) of one conv's weights: ``k²·C`` (depthwise), ``C_in·C_out`` (1×1) or
    ``k²·C_in·C_out``."""
    if op.depthwise:
        return rf"{op.kernel}^2 \cdot {op.out_channels}", f"{op.kernel}²·{op.out_channels}"
    if op.kernel == 1:
        return rf"{op.in_channels} \cdot {op.out_channels}", f"{op.in_channels}·{op.out_channels}"
    return (rf"{op.kernel}^2 \cdot {op.in_channels} \cdot {op.out_channels}",
            f"{op.kernel}²·{op.in_channels}·{op.out_channels}")


def _numbers(ops: list[OpCount]) -> tuple[str, str]:
    """(LaTeX, text) of the operations' Mult-Adds with their numbers: ``w·D²`` for one,
    ``(w₁ + w₂)·D²`` for groups on one map, ``w₁·D₁² + w₂·D₂²`` otherwise."""
    sizes = {op.out_size for op in ops}
    parts = [_weights(op) for op in ops]
    if len(sizes) == 1:
        size = sizes.pop()
        if len(parts) == 1:
            return rf"{parts[0][0]} \cdot {size}^2", f"{parts[0][1]}·{size}²"
        return (r"(" + " + ".join(p[0] for p in parts) + rf") \cdot {size}^2",
                "(" + " + ".join(p[1] for p in parts) + f")·{size}²")
    return (" + ".join(rf"{p[0]} \cdot {op.out_size}^2" for p, op in zip(parts, ops, strict=True)),
            " + ".join(f"{p[1]}·{op.out_size}²" for p, op in zip(parts, ops, strict=True)))


def _names(ops: list[OpCount]) -> str:
    names = [op.name for op in ops]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pixels(ops: list[OpCount]) -> str:
    sizes = sorted({op.out_size for op in ops}, reverse=True)
    return " and ".join(f"{size}×{size}" for size in sizes)


def _cost_check(ops: list[OpCount]) -> CheckQuestion:
    """A depthwise step asks for the weights (Mult-Adds = weights × output pixels); another
    step for the Mult-Adds on a map twice as wide and as high (the weights stay, the pixels
    grow 4×)."""
    if not ops:
        return CheckQuestion(question="How many Mult-Adds does this step cost?", answer=0,
                             unit="Mult-Adds",
                             solution="No convolution runs here: 0 Mult-Adds.")
    names = _names(ops)
    if all(op.depthwise for op in ops):
        count = sum(op.weights for op in ops)
        worked = " + ".join(f"{op.mult_adds:,} / {op.out_size}²" for op in ops)
        per = " + ".join(f"{op.kernel}²·{op.out_channels}" for op in ops)
        return CheckQuestion(
            question=f"How many weights {'does' if len(ops) == 1 else 'do'} {names} hold? "
                     f"(A conv's Mult-Adds are its weights times its output pixels.)",
            answer=count, unit="weights",
            solution=f"Mult-Adds over output pixels: {worked} = {count:,} = {per}: one "
                     f"k×k filter per channel, whatever the map's size.")
    doubled = sum(int(mult_adds(op.kind, op.kernel, op.in_channels // max(op.groups, 1),
                                op.out_channels, (2 * op.out_size) ** 2)) for op in ops)
    value = sum(op.mult_adds for op in ops)
    bigger = " and ".join(f"{2 * size}×{2 * size}" for size in
                          sorted({op.out_size for op in ops}, reverse=True))
    return CheckQuestion(
        question=f"How many Mult-Adds would {names} cost on a map twice as wide and as high "
                 f"({bigger} instead of {_pixels(ops)}), with the same channels?",
        answer=doubled, unit="Mult-Adds",
        solution=f"The weights stay and every output pixel costs the same, so the count grows "
                 f"with the pixels, 2² = 4×: 4·{value:,} = {doubled:,}.")


def _cost_step(title: str, explanation: str, symbols: tuple[str, str],
               ops: list[OpCount]) -> LessonStep:
    """A step costing ``ops``: the general form, the numbers, the value, the PyTorch lines."""
    value = sum(op.mult_adds for op in ops)
    if not ops:
        return LessonStep(title=title, explanation=explanation, latex="0", text="0",
                          check=_cost_check(ops))
    latex, text = _numbers(ops)
    return LessonStep(title=title, explanation=explanation,
                      latex=_aligned(f"{symbols[0]} = {latex} = {_grouped(value)}"),
                      text=f"{symbols[1]} = {text} = {value:,}",
                      pytorch=tuple(pytorch_line(op) for op in ops), check=_cost_check(ops),
                      symbolic=symbols[0])


def _zero_step(title: str, explanation: str, check: CheckQuestion,
               pytorch: tuple[str, ...] = ()) -> LessonStep:
    return LessonStep(title=title, explanation=explanation, latex=r"0\ \text{Mult-Adds}",
                      text="0 Mult-Adds", pytorch=pytorch, check=check)


def _ask(question: str, answer: int, unit: str, solution: str) -> CheckQuestion:
    """A typed question whose answer is a whole number, exactly."""
    return CheckQuestion(question=question, answer=answer, unit=unit, solution=solution)


def _choose(question: str, right: str, wrong: list[str], solution: str) -> CheckQuestion:
    """A question with ``right`` among ``wrong`` (duplicates dropped; numbers in ascending
    order, words as given)."""
    choices = list(dict.fromkeys([right, *wrong]))
    if all(c.replace(",", "").removeprefix("about ").isdigit() for c in choices):
        choices.sort(key=lambda c: int(c.replace(",", "").removeprefix("about ")))
    return CheckQuestion(question=question, answer=right, solution=solution,
                         choices=tuple(choices))


def _standard_step(b: _Block, note: str = "") -> LessonStep:
    k, m, n, g, d = b.k, b.m, b.n, b.d_out, b.d_in
    no_kernel = int(mult_adds(OpKind.CONV, 1, m, n, g * g))
    at_input = int(mult_adds(OpKind.CONV, k, m, n, d * d))
    once = int(weights(OpKind.CONV, k, m, n))
    reasons = [f"{once:,} is the weights alone (the parameters), counted once instead of at "
               f"every output pixel"]
    if k > 1:
        reasons.insert(0, f"{no_kernel:,} leaves out the {k}×{k} kernel")
    if d != g:
        reasons.append(f"{at_input:,} counts the {d}×{d} input pixels instead of the "
                       f"{g}×{g} output's")
    check = _choose(
        f"Which is the standard {k}×{k} conv's count of Mult-Adds ({m} → {n} channels, "
        f"{g}×{g} output)?", f"{b.standard:,}",
        [f"{v:,}" for v in (no_kernel, at_input, once)],
        f"D_K²·M·N·D_G² = {k}²·{m}·{n}·{g}² = {b.standard:,}. " + "; ".join(reasons) + ".")
    general = r"D_K^2 \cdot M \cdot N \cdot D_G^2"
    return LessonStep(
        title="A standard conv in its place",
        explanation=f"One {k}×{k} filter per output channel, each spanning all {m} input "
                    f"channels, applied at every one of the {g}×{g} output pixels.{note}",
        latex=_aligned(rf"{general} = {k}^2 \cdot {m} \cdot {n} \cdot {g}^2 = "
                       rf"{_grouped(b.standard)}"),
        text=f"D_K²·M·N·D_G² = {k}²·{m}·{n}·{g}² = {b.standard:,}",
        pytorch=(b.std.pytorch,), check=check, symbolic=general)


def _against_step(b: _Block, explanation: str,
                  formula: tuple[str, str] | None = None) -> LessonStep:
    """The block's Mult-Adds over the standard conv's; ``formula``: the closed form (LaTeX,
    text) with the block's numbers, shown before the value."""
    ratio = b.total / b.standard
    head_latex = rf"\frac{{{_grouped(b.total)}}}{{{_grouped(b.standard)}}}"
    head_text = f"{b.total:,} / {b.standard:,}"
    if formula:
        head_latex, head_text = f"{formula[0]} = {head_latex}", f"{formula[1]} = {head_text}"
    # the factor asked the right way round, at least 1, so that two decimals are within the
    # 1 % tolerance whatever the block (asked as standard ÷ block, a dearer block's 0.23 was
    # 0.225 and two decimals could not be right)
    if b.total <= b.standard:
        factor = b.standard / b.total
        question = ("Divide the standard conv's Mult-Adds by the block's: how many times fewer "
                    "Mult-Adds does the block take? (Two decimals.)")
        working = f"{b.standard:,} / {b.total:,} = {factor:.2f}"
    else:
        factor = ratio
        question = ("This block takes more Mult-Adds than the standard conv. Divide the block's "
                    "by the standard conv's: how many times more? (Two decimals.)")
        working = f"{b.total:,} / {b.standard:,} = {factor:.2f}"
    check = CheckQuestion(
        question=question, answer=factor, tolerance=0.01, unit="×",
        solution=f"{working}: the block takes "
                 f"{times_fewer_or_more(ratio, 'Mult-Adds', 'the standard conv')}.")
    return LessonStep(title="Against a standard conv", explanation=explanation,
                      latex=_aligned(f"{head_latex} = {ratio:.3f}"),
                      text=f"{head_text} = {ratio:.3f}", check=check)


def _why_step(title: str, explanation: str, latex: str, text: str,
              check: CheckQuestion) -> LessonStep:
    return LessonStep(title=title, explanation=explanation, latex=latex, text=text,
                      check=check)


def _se_note(b: _Block) -> str:
    se = sum(op.mult_adds for op in b.ops if op.role is Role.SE)
    return (f" Squeeze-and-excite adds {se:,} Mult-Adds on the pooled 1×1 vector (its pool and "
            f"scale count zero)." if se else "")


def _separable_steps(b: _Block) -> list[LessonStep]:
    dws, pws = b.role(Role.DEPTHWISE), b.role(Role.POINTWISE)
    k, m, n = b.k, b.m, b.n
    dw_ma, pw_ma = sum(op.mult_adds for op in dws), sum(op.mult_adds for op in pws)
    ratio = (dw_ma + pw_ma) / b.standard
    single = len(dws) == 1 and len(pws) == 1
    symbolic = (r"\frac{D_K^2 M D_G^2 + M N D_G^2}{D_K^2 M N D_G^2} = \frac{1}{N} + "
                r"\frac{1}{D_K^2}" if single else "")
    if single:
        ratio_latex = (rf"{symbolic} = \frac{{1}}{{{n}}} + "
                       rf"\frac{{1}}{{{k * k}}} = {ratio:.4f}")
        ratio_text = f"1/N + 1/D_K² = 1/{n} + 1/{k * k} = {ratio:.4f}"
    else:
        ratio_latex = (rf"\frac{{{_grouped(dw_ma + pw_ma)}}}{{{_grouped(b.standard)}}} = "
                       rf"{ratio:.4f}")
        ratio_text = f"{dw_ma + pw_ma:,} / {b.standard:,} = {ratio:.4f}"
    se = _se_note(b)
    if single:
        wide = 4 * n
        limit = 1 / (1 / wide + 1 / (k * k))
        check = CheckQuestion(
            question=f"A layer four times as wide, N = {wide}, with the same {k}×{k} kernel: "
                     f"how many times fewer Mult-Adds does its separable pair cost than its "
                     f"standard conv? (1 / (1/N + 1/D_K²), two decimals)",
            answer=limit, tolerance=0.01, unit="×",
            solution=f"1 / (1/{wide} + 1/{k * k}) = {limit:.2f}: the wider the layer, the "
                     f"nearer the saving gets to D_K² = {k * k}, never beyond.")
    else:
        saving = b.standard / (dw_ma + pw_ma)
        check = CheckQuestion(
            question="How many times fewer Mult-Adds does the pair cost than the standard "
                     "conv? (Two decimals.)",
            answer=saving, tolerance=0.01, unit="×",
            solution=f"{b.standard:,} / {dw_ma + pw_ma:,} = {saving:.2f}.")
    return [
        _standard_step(b),
        _cost_step("Depthwise: one filter per channel",
                   f"{dws[0].name} filters each of its {m} channels on its own: {k}·{k} "
                   f"multiply-accumulates per channel and output pixel (eq. 3).",
                   (r"D_K^2 \cdot M \cdot D_G^2", "D_K²·M·D_G²"), dws),
        _cost_step("Pointwise: mix the channels with a 1×1 conv",
                   f"{pws[0].name} combines the {m} filtered channels into {n}: one "
                   f"multiply-accumulate per input channel, output channel and pixel.{se}",
                   (r"M \cdot N \cdot D_G^2", "M·N·D_G²"), pws),
        LessonStep(
            title="The ratio (eq. 5)",
            explanation=f"Divide the pair by the standard conv: D_G² and M cancel, leaving "
                        f"1/N + 1/D_K². Here "
                        f"{times_fewer_or_more(ratio, 'Mult-Adds', 'the standard conv')}"
                        + (" (squeeze-and-excite not included)." if se else "."),
            latex=_aligned(ratio_latex), text=ratio_text, check=check, symbolic=symbolic),
    ]


def _inverted_residual_steps(b: _Block) -> list[LessonStep]:
    expand, dws = b.role(Role.EXPAND), b.role(Role.DEPTHWISE)
    project = b.role(Role.PROJECT)
    m, n, g = b.m, b.n, b.d_out
    e = sum(op.out_channels for op in dws)
    d_in = b.d_in
    groups = max(len(expand), len(project))
    kernels = [op.kernel for op in dws]
    grouped = f" in {groups} groups (each {m // groups} → {e // groups})" if len(expand) > 1 \
        else ""
    mixed = (f" MixConv: kernels {', '.join(map(str, kernels))}, one per group of "
             f"{dws[0].out_channels} channels." if len(dws) > 1 else "")
    steps = [
        _standard_step(b),
        _cost_step("Expand",
                   (f"A 1×1 conv widens {m} channels to {e} (t = {e / m:g}) at "
                    f"{d_in}×{d_in}{grouped}." if expand else
                    f"No expansion conv: the inner width equals the input width ({m})."),
                   (r"M \cdot tM \cdot D_F^2" + (r" / g" if len(expand) > 1 else ""),
                    "M·tM·D_F²" + ("/g" if len(expand) > 1 else "")), expand),
        _cost_step("Depthwise on the wide tensor",
                   f"{kernels[0]}×{kernels[0]} per channel on the {e} expanded channels, at "
                   f"stride {b.spec.stride} ({g}×{g} out).{mixed}" if len(dws) == 1 else
                   f"Depthwise on the {e} expanded channels at stride {b.spec.stride} "
                   f"({g}×{g} out).{mixed}",
                   (r"D_K^2 \cdot tM \cdot D_G^2", "D_K²·tM·D_G²") if len(dws) == 1 else
                   (r"\textstyle\sum_i k_i^2 \cdot \frac{tM}{n_k} \cdot D_G^2",
                    "Σ k_i²·(tM/n_k)·D_G²"), dws),
        _cost_step("Project back (linear)",
                   f"A 1×1 conv narrows {e} channels to {n}, no activation"
                   + (f", in {len(project)} groups" if len(project) > 1 else "") + "."
                   + _se_note(b),
                   (r"tM \cdot N \cdot D_G^2" + (r" / g" if len(project) > 1 else ""),
                    "tM·N·D_G²" + ("/g" if len(project) > 1 else "")), project),
        _against_step(b, f"The block costs {b.total:,} Mult-Adds; a {b.k}×{b.k} conv from {m} "
                         f"to {n} channels would cost {b.standard:,}: "
                         f"{b.total / b.standard:.2f}×. At stride 1 the sum factors to "
                         f"h·w·d′·t·(d′ + k² + d″) (Sandler et al. 2018)."),
    ]
    if groups > 1 or len(dws) > 1:
        plain_1x1 = m * e * d_in * d_in + e * n * g * g
        grouped_1x1 = sum(op.mult_adds for op in expand + project)
        largest = max(kernels)
        plain_dw = largest * largest * e * g * g
        mix_dw = sum(op.mult_adds for op in dws)
        parts = []
        if groups > 1:
            parts.append(f"in {groups} groups each output channel of the 1×1 convs reads "
                         f"1/{groups} of the inputs ({m // groups} of {m}, {e // groups} of "
                         f"{e}): {grouped_1x1:,} Mult-Adds instead of {plain_1x1:,}")
        if len(dws) > 1:
            parts.append(f"the MixConv's mean k² is {mix_dw / (e * g * g):.3g} where one "
                         f"{largest}×{largest} depthwise conv on all {e} channels has "
                         f"{largest * largest}: {mix_dw:,} instead of {plain_dw:,} "
                         f"(Tan & Le 2019)")
        saved = plain_1x1 + plain_dw - grouped_1x1 - mix_dw
        steps.append(_why_step(
            "Why grouping and mixing kernels are cheaper",
            "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + ".",
            _aligned(rf"{_grouped(grouped_1x1 + mix_dw)} \text{{ instead of }} "
                     rf"{_grouped(plain_1x1 + plain_dw)}"),
            f"{grouped_1x1 + mix_dw:,} instead of {plain_1x1 + plain_dw:,}",
            _ask("How many Mult-Adds do the groups and the mixed kernels save in this block?",
                 saved, "Mult-Adds",
                 f"{plain_1x1 + plain_dw:,} − {grouped_1x1 + mix_dw:,} = {saved:,}.")))
    return steps


def _fused_steps(b: _Block) -> list[LessonStep]:
    fused, project = b.named("fused"), b.role(Role.PROJECT)
    m, n, k, g = b.m, b.n, b.k, b.d_out
    e = fused[0].out_channels
    inverted = int(mult_adds(OpKind.CONV, 1, m, e, b.d_in * b.d_in)  # the IR it replaces
                   + mult_adds(OpKind.CONV, k, 1, e, g * g)
                   + mult_adds(OpKind.CONV, 1, e, n, g * g))
    return [
        _standard_step(b),
        _cost_step("Fused expand: one k×k conv",
                   f"A {k}×{k} conv from {m} to {e} channels (t = {e / m:g}) at stride "
                   f"{b.spec.stride}: it does the work of the 1×1 expansion and the depthwise "
                   f"conv of an inverted residual in one dense conv.",
                   (r"D_K^2 \cdot M \cdot tM \cdot D_G^2", "D_K²·M·tM·D_G²"), fused),
        _cost_step("Project back (linear)",
                   f"A 1×1 conv narrows {e} channels to {n}.{_se_note(b)}",
                   (r"tM \cdot N \cdot D_G^2", "tM·N·D_G²"), project),
        _against_step(b, "t·(D_K²·M + N)/(D_K²·N) is above 1 for every t ≥ 1: the fused block "
                         f"costs more than the {k}×{k} conv from {m} to {n} channels it "
                         "replaces.",
                      (r"\frac{t (D_K^2 M + N)}{D_K^2 N}",
                       "t·(D_K²·M + N)/(D_K²·N)")),
        _why_step(
            "Why it costs more, and runs faster",
            f"The inverted residual it replaces (1×1 expansion to {e}, {k}×{k} depthwise, 1×1 "
            f"projection) would cost {inverted:,} Mult-Adds; the fused block costs "
            f"{b.total / inverted:.1f}× that. EfficientNetV2 (Tan & Le 2021, section 3.2, "
            f"Table 3) and MobileNetV4 use it anyway in the early, narrow stages: on the "
            f"accelerators they were built for (TPUs, GPUs, edge TPUs), one dense conv keeps "
            f"the multiply units busy, where a depthwise conv does too little arithmetic per "
            f"byte it moves to do so. That is the papers' argument for accelerators; for "
            f"this dashboard's phone profile, the last step gives the estimate's own answer.",
            _aligned(rf"\frac{{{_grouped(b.total)}}}{{{_grouped(inverted)}}} = "
                     rf"{b.total / inverted:.2f}"),
            f"{b.total:,} / {inverted:,} = {b.total / inverted:.2f}",
            _choose("Why do EfficientNetV2 and MobileNetV4 put fused blocks in their early "
                    "stages?",
                    "On accelerators, one dense conv keeps the multiply units busy; a "
                    "depthwise conv does too little arithmetic per byte to",
                    [f"It needs fewer Mult-Adds ({b.total:,} against the inverted residual's "
                     f"{inverted:,})",
                     "It has no 1×1 conv"],
                    f"By the numbers it needs {b.total / inverted:.1f}× the inverted "
                    f"residual's Mult-Adds, and it keeps its 1×1 projection; it is chosen "
                    f"for speed on accelerators, where one dense conv runs at a high share of "
                    f"the peak rate.")),
    ]


def _universal_steps(b: _Block) -> list[LessonStep]:
    start, mid, end = b.named("dw_start"), b.named("dw_mid"), b.named("dw_end")
    expand, project = b.role(Role.EXPAND), b.role(Role.PROJECT)
    m, n = b.m, b.n
    e = expand[0].out_channels
    variant = ("ExtraDW" if start and mid else "IB (an inverted residual)" if mid
               else "ConvNeXt-like" if start else "FFN")
    steps = [_standard_step(b, "" if start or mid else " This FFN block has no spatial "
                            "kernel, so the conv in its place is a 1×1 conv.")]
    if start:
        steps.append(_cost_step(
            "Start depthwise, on the input",
            f"A {start[0].kernel}×{start[0].kernel} depthwise conv on the {m} input channels, "
            f"before the expansion ({variant}).",
            (r"D_S^2 \cdot M \cdot D^2", "D_S²·M·D²"), start))
    steps.append(_cost_step("Expand", f"A 1×1 conv widens {m} channels to {e} "
                                      f"(t = {e / m:g}).",
                            (r"M \cdot tM \cdot D^2", "M·tM·D²"), expand))
    if mid:
        steps.append(_cost_step(
            "Middle depthwise, on the wide tensor",
            f"A {mid[0].kernel}×{mid[0].kernel} depthwise conv on the {e} expanded channels at "
            f"stride {b.spec.stride}, as in an inverted residual.",
            (r"D_K^2 \cdot tM \cdot D_G^2", "D_K²·tM·D_G²"), mid))
    steps.append(_cost_step("Project back (linear)",
                            f"A 1×1 conv narrows {e} channels to {n}.{_se_note(b)}",
                            (r"tM \cdot N \cdot D_G^2", "tM·N·D_G²"), project))
    if end:
        steps.append(_cost_step("End depthwise, on the output",
                                f"A {end[0].kernel}×{end[0].kernel} depthwise conv on the {n} "
                                f"output channels.",
                                (r"D_E^2 \cdot N \cdot D_G^2", "D_E²·N·D_G²"), end))
    steps.append(_against_step(
        b, f"The {variant} block costs {b.total:,} Mult-Adds against {b.standard:,} for the "
           f"{b.k}×{b.k} conv in its place (Qin et al. 2024, Fig. 4)."))
    dw = sum(op.mult_adds for op in start + mid + end)
    pointwise = sum(op.mult_adds for op in expand + project)
    if dw:
        title = "Why it is cheaper: the 1×1 convs carry the cost"
        why = ("a depthwise conv costs k² per channel, not k²·M, so "
               + ("the second one (ExtraDW) widens the receptive field for a few per cent "
                  "more." if start and mid else "it mixes the pixels for a few per cent of "
                                                    "the cost."))
    else:
        title = "Why it costs more: two 1×1 convs through a wide tensor, no pixel mixing"
        why = (f"an FFN block has no depthwise conv, so it mixes no pixels; its two 1×1 convs "
               f"through {e} channels cost t·(M + N)/N = {b.total / b.standard:g} times a 1×1 "
               f"conv from {m} to {n}, for depth and nonlinearity.")
    g = b.d_out
    if dw:
        check = _ask("How many Mult-Adds would this block cost without its depthwise convs "
                     "(the FFN variant)?", b.total - dw, "Mult-Adds",
                     f"{b.total:,} − {dw:,} = {b.total - dw:,}: the 1×1 convs"
                     + (" and squeeze-and-excite" if b.total - dw != pointwise else "")
                     + " stay.")
    else:
        added = int(mult_adds(OpKind.CONV, 3, 1, e, g * g))
        check = _ask(f"How many Mult-Adds would a 3×3 depthwise conv on the {e} expanded "
                     f"channels add at {g}×{g} (the IB variant)?", added, "Mult-Adds",
                     f"3²·{e}·{g}² = {added:,}: one 3×3 filter per channel at every pixel, "
                     f"{added / b.total:.0%} of this block.")
    steps.append(_why_step(
        title,
        f"The 1×1 convs hold {pointwise / b.total:.0%} of the block's Mult-Adds and the "
        f"depthwise convs {dw / b.total:.0%}: {why} The universal block picks per stage which "
        f"depthwise convs to keep: all four variants (ExtraDW, IB, ConvNeXt-like, FFN) are "
        f"the same formula with terms dropped (costmodel formulas --steps "
        f"universal_inverted_bottleneck).",
        _aligned(rf"\text{{1×1: }} {_grouped(pointwise)},\quad \text{{depthwise: }} "
                 rf"{_grouped(dw)}"),
        f"1×1: {pointwise:,}; depthwise: {dw:,}", check))
    return steps


def _ghost_steps(b: _Block) -> list[LessonStep]:
    m, n, g = b.m, b.n, b.d_out
    first = b.named("ghost1.primary") + b.named("ghost1.cheap")
    second = b.named("ghost2.primary") + b.named("ghost2.cheap")
    dw, shortcut = b.named("dw"), b.named("shortcut.dw") + b.named("shortcut.pw")
    e = 2 * first[0].out_channels
    half = first[0].out_channels
    steps = [
        _standard_step(b),
        _cost_step("Ghost module 1: half the channels from a 1×1 conv, half from a cheap "
                   "depthwise conv",
                   f"A 1×1 conv makes {half} of the {e} expanded channels (the intrinsic "
                   f"maps); a 3×3 depthwise conv on them makes the other {half} (the "
                   f"ghosts), and the two are concatenated (Han et al. 2020, Fig. 2b).",
                   (r"M \cdot \tfrac{tM}{s} \cdot D_F^2 + D_d^2 \cdot \tfrac{tM}{s} \cdot D_F^2",
                    "M·(tM/s)·D_F² + D_d²·(tM/s)·D_F²"), first),
    ]
    if dw:
        steps.append(_cost_step("Depthwise at the stride",
                                f"A {dw[0].kernel}×{dw[0].kernel} depthwise conv on the {e} "
                                f"channels at stride {b.spec.stride}.",
                                (r"D_K^2 \cdot tM \cdot D_G^2", "D_K²·tM·D_G²"), dw))
    steps.append(_cost_step(
        "Ghost module 2, back to the output width",
        f"A 1×1 conv from {e} to {second[0].out_channels} channels and its cheap 3×3 "
        f"depthwise twin make the {n} output channels, with no activation.{_se_note(b)}",
        (r"tM \cdot \tfrac{N}{s} \cdot D_G^2 + D_d^2 \cdot \tfrac{N}{s} \cdot D_G^2",
         "tM·(N/s)·D_G² + D_d²·(N/s)·D_G²"), second))
    if shortcut:
        steps.append(_cost_step(
            "Shortcut", f"The stride or the widths differ, so the residual path is a "
                        f"{shortcut[0].kernel}×{shortcut[0].kernel} depthwise conv and a 1×1 "
                        f"conv from {m} to {n} channels.",
            (r"D_K^2 \cdot M \cdot D_G^2 + M \cdot N \cdot D_G^2", "D_K²·M·D_G² + M·N·D_G²"),
            shortcut))
    steps.append(_against_step(b, f"The ghost bottleneck costs {b.total:,} Mult-Adds against "
                                  f"{b.standard:,} for the {b.k}×{b.k} conv in its place."))
    ordinary = m * e * b.d_in * b.d_in + e * n * g * g
    ghosts = sum(op.mult_adds for op in first + second)
    cheap_ops = [op for op in first + second if op.role is Role.CHEAP]
    cheap = sum(op.mult_adds for op in cheap_ops)
    dearer = b.total > b.standard
    steps.append(_why_step(
        "Why ghost modules halve the 1×1 cost" + (
            " (and why this block is still dearer than the conv in its place)" if dearer
            else ", and the block is cheaper"),
        f"Ordinary 1×1 convs from {m} to {e} and from {e} to {n} channels would cost "
        f"{ordinary:,} Mult-Adds; the two ghost modules cost {ghosts:,}, "
        f"{ghosts / ordinary:.2f} of that. Each makes only 1/s of its output with a 1×1 conv "
        f"(s = 2) and the rest with a 3×3 depthwise conv that costs 9 per channel instead of "
        f"the input width: the speed-up is about s (eq. 4)."
        + (f" Here the first module runs at the input's {b.d_in}×{b.d_in} before the stride "
           f"and the shortcut adds its own convs, so the block costs "
           f"{b.total / b.standard:.2f}× the standard conv, which runs at "
           f"{g}×{g} only." if dearer else ""),
        _aligned(rf"r_s = \frac{{s \cdot c \cdot k^2}}{{c \cdot k^2 + (s - 1) d^2}} \approx s,"
                 rf"\quad \frac{{{_grouped(ordinary)}}}{{{_grouped(ghosts)}}} = "
                 rf"{ordinary / ghosts:.2f}"),
        f"r_s ≈ s; {ordinary:,} / {ghosts:,} = {ordinary / ghosts:.2f}",
        _ask("How many Mult-Adds do the two cheap 3×3 depthwise convs cost together?",
             cheap, "Mult-Adds",
             " + ".join(f"3²·{op.out_channels}·{op.out_size}²" for op in cheap_ops)
             + f" = {cheap:,}: {cheap / ghosts:.0%} of the two modules, for half their "
               f"output channels.")))
    return steps


def _shuffle_steps(b: _Block) -> list[LessonStep]:
    m, n, k, g = b.m, b.n, b.k, b.d_out
    pw1, dw, pw2 = b.named("pw1"), b.named("dw"), b.named("pw2")
    copies = sum(op.elementwise for op in b.ops if op.kind in (OpKind.CONCAT, OpKind.SHUFFLE))
    half = pw2[0].out_channels
    steps = [_standard_step(b)]
    branch1: list[OpCount] = []
    first_branch = 0
    if b.spec.stride == 1:
        steps.append(_zero_step("Channel split",
                                f"The {m} input channels split in two: {m - half} pass "
                                f"untouched, {half} enter the branch. A view: nothing is "
                                f"computed or copied.",
                                _ask("How many channels enter the branch?", half, "channels",
                                     f"Half of {m}: {half} enter the branch, the other "
                                     f"{m - half} pass untouched."),
                                b.lines(OpKind.SPLIT)[:1]))
    else:
        branch1 = b.named("branch1.dw") + b.named("branch1.pw")
        first_branch = sum(op.mult_adds for op in branch1)
        steps.append(_cost_step(
            "Branch 1: depthwise at the stride, then 1×1",
            f"No split at stride 2: branch 1 reads all {m} channels, a {k}×{k} depthwise conv "
            f"at stride 2 and a 1×1 conv to {half} channels.",
            (r"D_K^2 \cdot M \cdot D_G^2 + M \cdot \tfrac{N}{2} \cdot D_G^2",
             "D_K²·M·D_G² + M·(N/2)·D_G²"), branch1))
    steps += [
        _cost_step("Branch: 1×1 conv", f"A 1×1 conv from {pw1[0].in_channels} to {half} "
                                       f"channels at {pw1[0].out_size}×{pw1[0].out_size}.",
                   (r"\tfrac{M}{2} \cdot \tfrac{N}{2} \cdot D_F^2", "(M/2)·(N/2)·D_F²")
                   if b.spec.stride == 1 else
                   (r"M \cdot \tfrac{N}{2} \cdot D_F^2", "M·(N/2)·D_F²"), pw1),
        _cost_step("Branch: depthwise conv", f"A {k}×{k} depthwise conv on the {half} branch "
                                             f"channels, stride {b.spec.stride}.",
                   (r"D_K^2 \cdot \tfrac{N}{2} \cdot D_G^2", "D_K²·(N/2)·D_G²"), dw),
        _cost_step("Branch: 1×1 conv", f"A 1×1 conv on the {half} branch channels.",
                   (r"\tfrac{N}{2} \cdot \tfrac{N}{2} \cdot D_G^2", "(N/2)·(N/2)·D_G²"), pw2),
        _zero_step("Concat and channel shuffle",
                   f"The two halves are concatenated to {n} channels and shuffled so that the "
                   f"next unit's split mixes them: zero Mult-Adds, {copies:,} element copies "
                   f"(memory traffic, ShuffleNet v2's guideline G1-G4).",
                   _ask("How many channels leave the unit?", n, "channels",
                        f"{n - half} from the "
                        f"{'untouched half' if b.spec.stride == 1 else 'first branch'} and "
                        f"{half} from the branch: {n}."),
                   b.lines(OpKind.CONCAT, OpKind.SHUFFLE)),
    ]
    if b.spec.stride == 1:
        ratio = b.total / b.standard
        steps.append(_against_step(
            b, "Half of MobileNet's eq. 5: (1/N + 1/D_K²)/2.",
            (rf"\frac{{1}}{{2}}\left(\frac{{1}}{{{n}}} + \frac{{1}}{{{k * k}}}\right)",
             f"(1/{n} + 1/{k * k})/2")))
        pair = int(mult_adds(OpKind.CONV, k, 1, m, g * g) + mult_adds(OpKind.CONV, 1, m, n, g * g))
        full = int(mult_adds(OpKind.CONV, 1, m, m, g * g))
        steps.append(_why_step(
            "Why it is cheaper: the branch runs on half the channels",
            f"A separable pair on all {m} channels would cost {pair:,} Mult-Adds; the branch "
            f"runs on {half}: each 1×1 conv costs a quarter of a full one, the two together "
            f"half, and the depthwise conv half. The other half passes free. The unit costs "
            f"{b.total:,}, {b.total / pair:.2f} of the separable pair, {ratio:.3f} of the "
            f"standard conv (Ma et al. 2018).",
            _aligned(rf"\frac{{{_grouped(b.total)}}}{{{_grouped(pair)}}} = "
                     rf"{b.total / pair:.3f}"),
            f"{b.total:,} / {pair:,} = {b.total / pair:.3f}",
            _ask(f"How many Mult-Adds would one 1×1 conv on all {m} channels ({m} → {m}) cost "
                 f"at {g}×{g}?", full, "Mult-Adds",
                 f"{m}·{m}·{g}² = {full:,}: four times the branch's {half}·{half}·{g}² = "
                 f"{pw2[0].mult_adds:,}.")))
    else:
        steps.append(_against_step(
            b, f"At stride 2 both branches read all {m} channels and their outputs are "
               f"concatenated to {n}: the unit costs {b.total:,} Mult-Adds against "
               f"{b.standard:,}."))
        steps.append(_why_step(
            "Why it is cheaper: two narrow branches instead of one wide conv",
            f"Each branch makes only {half} of the {n} output channels with a depthwise conv "
            f"and 1×1 convs; no conv is {k}×{k} across all channels (Ma et al. 2018, "
            f"Fig. 3d).",
            _aligned(rf"\frac{{{_grouped(b.total)}}}{{{_grouped(b.standard)}}} = "
                     rf"{b.total / b.standard:.3f}"),
            f"{b.total:,} / {b.standard:,} = {b.total / b.standard:.3f}",
            _ask("How many Mult-Adds do branch 1's two convs cost together?", first_branch,
                 "Mult-Adds",
                 " + ".join(f"{op.mult_adds:,}" for op in branch1)
                 + f" = {first_branch:,} ({branch1[0].name} and {branch1[-1].name}).")))
    return steps


def _convnext_steps(b: _Block) -> list[LessonStep]:
    m, k, g = b.m, b.k, b.d_out
    dw, fc1, fc2 = b.named("dw"), b.named("fc1"), b.named("fc2")
    e = fc1[0].out_channels
    larger = k + 2
    grown = int(mult_adds(OpKind.CONV, larger, 1, m, g * g))
    return [
        _standard_step(b),
        _cost_step("Depthwise 7×7 first", f"A {k}×{k} depthwise conv (with bias) on the {m} "
                                          f"channels: a large kernel, paid once per channel.",
                   (r"D_K^2 \cdot M \cdot D_G^2", "D_K²·M·D_G²"), dw),
        _zero_step("LayerNorm", f"Normalises the {m} channels of each pixel: not folded, so "
                                f"2·{m} parameters (γ, β) in params_with_bn, zero Mult-Adds.",
                   _ask("How many parameters (γ and β) does the LayerNorm hold?", 2 * m,
                        "parameters", f"2·{m} = {2 * m}: a scale and a shift per channel, "
                                      f"the same at every pixel."),
                   b.lines(OpKind.NORM)),
        _cost_step("1×1 conv up, GELU", f"A 1×1 conv from {m} to {e} channels "
                                        f"(t = {e / m:g}), as in a transformer's MLP.",
                   (r"M \cdot tM \cdot D_G^2", "M·tM·D_G²"), fc1),
        _cost_step("1×1 conv down", f"A 1×1 conv from {e} back to {m} channels.",
                   (r"tM \cdot M \cdot D_G^2", "tM·M·D_G²"), fc2),
        _zero_step("Layer scale and residual add", f"A learned γ per channel ({m} parameters) "
                                                   f"and the add: zero Mult-Adds.",
                   _ask("How many Mult-Adds do the layer scale and the add cost together?", 0,
                        "Mult-Adds", f"None: {m} multiplications and {m} additions per pixel "
                                     f"are element-wise work, which the convention does not "
                                     f"count as Mult-Adds."),
                   b.lines(OpKind.LAYER_SCALE, OpKind.ADD)),
        _against_step(b, f"1/M + 2t/D_K²: the block costs {b.total:,} Mult-Adds against "
                         f"{b.standard:,} for a {k}×{k} conv from {m} to {m} channels.",
                      (rf"\frac{{1}}{{{m}}} + \frac{{2 \cdot {e // m}}}{{{k * k}}}",
                       f"1/{m} + 2·{e // m}/{k * k}")),
        _why_step(
            "Why it is cheaper: the large kernel is depthwise",
            f"The {k}×{k} depthwise conv is only {dw[0].mult_adds / b.total:.0%} of the "
            f"block: a depthwise kernel costs k² per channel, not k²·M. The two 1×1 convs "
            f"hold the rest, 2t/D_K² = {2 * (e // m)}/{k * k} of the standard conv (Liu et al. "
            f"2022, Fig. 4).",
            _aligned(rf"\frac{{{_grouped(dw[0].mult_adds)}}}{{{_grouped(b.total)}}} = "
                     rf"{dw[0].mult_adds / b.total:.3f}"),
            f"{dw[0].mult_adds:,} / {b.total:,} = {dw[0].mult_adds / b.total:.3f}",
            _ask(f"By how many Mult-Adds would the block grow with a {larger}×{larger} "
                 f"depthwise kernel instead of {k}×{k}?", grown - dw[0].mult_adds, "Mult-Adds",
                 f"{larger}²·{m}·{g}² − {k}²·{m}·{g}² = {grown:,} − {dw[0].mult_adds:,} = "
                 f"{grown - dw[0].mult_adds:,}: {(grown - dw[0].mult_adds) / b.total:.0%} "
                 f"more for the block.")),
    ]


def _repvit_steps(b: _Block) -> list[LessonStep]:
    m, n, k, g = b.m, b.n, b.k, b.d_out
    dw, pw, fc1, fc2 = b.named("dw"), b.named("pw"), b.named("fc1"), b.named("fc2")
    e = fc1[0].out_channels
    gelu = ACTIVATION_LABEL.get(fc1[0].activation, "")
    steps = [
        _standard_step(b),
        _cost_step("Token mixer: one depthwise conv",
                   f"A {k}×{k} depthwise conv with a bias on the {m} input channels at stride "
                   f"{b.spec.stride} ({g}×{g} out), no activation. In training it is a {k}×{k} "
                   f"and a 1×1 depthwise branch and an identity, each with batchnorm; for "
                   f"inference they are folded into this one conv (structural "
                   f"re-parameterisation, Wang et al. 2024), so they cost nothing more."
                   + ("" if pw else _se_note(b)),
                   (r"D_K^2 \cdot M \cdot D_G^2", "D_K²·M·D_G²"), dw),
    ]
    if pw:
        steps.append(_cost_step("Channel downsample: a 1×1 conv",
                                f"The width changes from {m} to {n}: a 1×1 conv with a bias, "
                                f"no activation.{_se_note(b)}",
                                (r"M \cdot N \cdot D_G^2", "M·N·D_G²"), pw))
    steps += [
        _cost_step(f"Channel mixer up: a 1×1 conv, {gelu}" if gelu else
                   "Channel mixer up: a 1×1 conv",
                   f"A 1×1 conv from {n} to {e} channels (t = {e / n:g}), as in a "
                   f"transformer's MLP.",
                   (r"N \cdot tN \cdot D_G^2", "N·tN·D_G²"), fc1),
        _cost_step("Channel mixer down, and the residual add",
                   f"A 1×1 conv from {e} back to {n} channels; the token mixer's output is "
                   f"added to it (zero Mult-Adds).",
                   (r"tN \cdot N \cdot D_G^2", "tN·N·D_G²"), fc2),
        _against_step(b, f"The RepViT block costs {b.total:,} Mult-Adds against "
                         f"{b.standard:,} for the {k}×{k} conv from {m} to {n} channels in its "
                         f"place."),
    ]
    mixer = sum(op.mult_adds for op in fc1 + fc2)
    dense = int(mult_adds(OpKind.CONV, k, m, m, g * g))
    steps.append(_why_step(
        "Why it is cheaper: the spatial work is depthwise",
        f"The token mixer's {k}×{k} kernel runs per channel: {dw[0].mult_adds:,} Mult-Adds, "
        f"{dw[0].mult_adds / b.total:.0%} of the block. The channel mixer's two 1×1 convs hold "
        f"{mixer / b.total:.0%}: RepViT keeps MobileNetV3's layout but moves the channel mixing "
        f"out of the depthwise path, as a ViT separates attention from its MLP.",
        _aligned(rf"\text{{depthwise: }} {_grouped(dw[0].mult_adds)},\quad "
                 rf"\text{{1×1: }} {_grouped(b.total - dw[0].mult_adds)}"),
        f"depthwise: {dw[0].mult_adds:,}; 1×1: {b.total - dw[0].mult_adds:,}",
        _ask(f"How many Mult-Adds would the token mixer cost as a dense {k}×{k} conv "
             f"({m} → {m} channels) instead of a depthwise one?", dense, "Mult-Adds",
             f"{k}²·{m}·{m}·{g}² = {dense:,}: {m} times the depthwise conv's "
             f"{dw[0].mult_adds:,}.")))
    return steps


_BLOCK_STEPS = {
    Operator.SEPARABLE: _separable_steps,
    Operator.INVERTED_RESIDUAL: _inverted_residual_steps,
    Operator.FUSED: _fused_steps,
    Operator.UNIVERSAL: _universal_steps,
    Operator.GHOST_BOTTLENECK: _ghost_steps,
    Operator.SHUFFLE_UNIT: _shuffle_steps,
    Operator.CONVNEXT_BLOCK: _convnext_steps,
    Operator.REPVIT_BLOCK: _repvit_steps,
}


def lesson_blocks(network: object = None) -> tuple[str, ...]:
    """The blocks the lesson can explain (their names: ``dw2/pw2``, ``b3``...); empty for a
    table without blocks (see :func:`no_lesson`)."""
    config = resolve(network=network)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    return tuple(block.name for block in graph.blocks if explains(graph, block))


def no_lesson(network: object = None) -> str:
    """Why there is no lesson for ``network`` (a table without blocks), naming what the other
    views show instead; empty where there is one."""
    if lesson_blocks(network):
        return ""
    config = resolve(network=network)
    title = config.network.title
    return (f"The lesson explains one block at a time (a separable pair, an inverted, fused or "
            f"universal inverted residual, a ghost bottleneck, a ShuffleNet v2 unit, a "
            f"ConvNeXt or a RepViT block), and {title} has none: its rows are plain "
            f"convolutions. Its costs are in the Per layer and Tables views; the formulas below "
            f"still apply to its layers.")


def default_block(network: object = None) -> str:
    """The lesson's default block: the second separable pair (dw2/pw2) of MobileNet v1, a
    stride-1 expanding inverted residual of the later families, else a stride-1 expanding
    block (ghost bottleneck, universal, ConvNeXt), else a stride-1 one (ShuffleNet v2)."""
    config = resolve(network=network)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    blocks = [block for block in graph.blocks if explains(graph, block)]
    for block in blocks:
        if block.operator is Operator.SEPARABLE and block.index == 2:
            return block.name
    for block in blocks:
        if block.operator is Operator.INVERTED_RESIDUAL and block.stride == 1 and (
                block.expansion_var != block.in_var):
            return block.name
    for block in blocks:
        if block.stride == 1 and block.expansion_var not in (-1, block.in_var):
            return block.name
    for block in blocks:
        if block.stride == 1:
            return block.name
    return blocks[0].name if blocks else ""


def _block(graph: Graph, name: str) -> BlockSpec:
    for block in graph.blocks:
        if block.name == name:
            return block
    names = ", ".join(b.name for b in graph.blocks)
    raise ValueError(f"block must be one of: {names}; got {name!r}")


def build_lesson(block: str | None = None, *, network: object = None, alpha: object = None,
                 resolution: object = None, rules: object = None,
                 profile: str = DEFAULT_PROFILE) -> Lesson:
    """The lesson for ``block`` (default: :func:`default_block`) at a configuration."""
    config = resolve(network=network, alpha=alpha, resolution=resolution, rules=rules)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    if not graph.blocks:
        raise ValueError(no_lesson(config.network))
    name = block or default_block(config.network)
    spec = _block(graph, name)
    if not explains(graph, spec):  # pragma: no cover - every block type has its steps
        raise ValueError(f"{name} is a {spec.operator.value} block, whose lesson is not "
                         f"written yet")
    ops = list(block_ops(graph, spec, config.alpha, config.resolution))
    channels = graph.program.evaluate(config.alpha)
    sizes = graph.sizes(config.resolution)
    anatomy = block_anatomy(graph, name, config.alpha, config.resolution)
    evaluated = _Block(spec=spec, ops=tuple(ops), m=channels[spec.in_var],
                       n=channels[spec.out_var], d_in=sizes[spec.in_level],
                       d_out=sizes[spec.out_level], std=standard_conv(spec, channels, sizes),
                       anatomy=anatomy)
    steps = _BLOCK_STEPS[spec.operator](evaluated)
    steps.append(_width_step(graph, spec, config.alpha, channels))
    # one ρ for every step: the input over the network's own reference size (32 px for a
    # CIFAR table), as the report computes it
    steps.append(_alpha_rho_step(ops, config.alpha, config.rho))
    steps.append(_one_pixel_step(graph, config.alpha, config.network.image_size))
    steps.append(_kernel_step(config.rho, evaluated.total))
    steps.append(_time_step(graph, config.alpha, config.resolution, profile))
    return Lesson(block=name, network=config.network.title, alpha=config.alpha,
                  resolution=config.resolution,
                  steps=tuple(replace(step, title=f"{i}. {step.title}")
                              for i, step in enumerate(steps, 1)),
                  anatomy=anatomy)


def _width_step(graph: Graph, spec: BlockSpec, alpha: float,
                channels: list[int]) -> LessonStep:
    program = graph.program
    lines = [f"{program.variables[v].label}: {program.explain(v, alpha, channels)}"
             for v in dict.fromkeys((spec.in_var, spec.out_var, spec.expansion_var,
                                     spec.inner_var))
             if v >= 0 and v not in (graph.image_var, graph.classes_var)]
    rounding = program.variables[spec.out_var].rounding.value
    if graph.network.as_written:  # no minimum of 8 at α = 1, and none below a written width
        explanation = (f"α = {alpha:g} multiplies every channel count, then the table's rule "
                       f"rounds ({rounding}). Your table's own widths: {AS_WRITTEN}.")
    else:
        explanation = (f"α = {alpha:g} multiplies every channel count, then the builder rounds "
                       f"({rounding}): the counts stay whole, and small layers keep at least 8 "
                       f"channels.")
    out = program.variables[spec.out_var].label
    return LessonStep(
        title="What α does to the channels",
        explanation=explanation,
        latex=r"\\ ".join(rf"\text{{{latex_text(line)}}}" for line in lines),
        text="; ".join(lines),
        check=_ask(f"How many output channels does {spec.name} have at α = {alpha:g}?",
                   channels[spec.out_var], "channels",
                   f"{out}: {program.explain(spec.out_var, alpha, channels)}."))


def _alpha_rho_step(ops: list[OpCount], alpha: float, rho: float) -> LessonStep:
    pointwise = sum(op.mult_adds for op in ops if op.kernel == 1 and op.out_size > 1)
    general = r"\alpha^2 \rho^2"
    return LessonStep(
        title="α²ρ² in words",
        explanation=f"A 1×1 conv's cost is in-channels × out-channels × pixels: α scales both "
                    f"channel counts (α²) and ρ both sides of the map (ρ²). At α = {alpha:g} "
                    f"and ρ = {rho:.3f} that is {alpha ** 2 * rho ** 2:.3f} of the full "
                    f"cost; the depthwise part scales with α·ρ² (one channel count). This "
                    f"block's 1×1 convs: {pointwise:,} Mult-Adds.",
        latex=rf"{general} = {alpha:g}^2 \cdot {rho:.3f}^2 = {alpha ** 2 * rho ** 2:.4f}",
        text=f"α²ρ² = {alpha:g}²·{rho:.3f}² = {alpha ** 2 * rho ** 2:.4f}",
        symbolic=general,
        check=CheckQuestion(
            question=f"Leaving the builder's rounding aside, about how many Mult-Adds would "
                     f"this block's 1×1 convs cost at α = {alpha / 2:g}, half the width?",
            answer=pointwise / 4, tolerance=0.01, unit="Mult-Adds",
            solution=f"Both channel counts halve, so (1/2)² = 1/4 of {pointwise:,}: about "
                     f"{pointwise / 4:,.0f}. Rounding the widths to whole channels (or "
                     f"multiples of 8) moves the exact count a little."))


def _one_pixel_step(graph: Graph, alpha: float, reference: int) -> LessonStep:
    low = 160 if reference == 224 else max(8, round(reference * 5 / 7) // 32 * 32)
    high = low + 1
    a, b = totals(graph, alpha, low)[0], totals(graph, alpha, high)[0]
    sizes_low, sizes_high = graph.sizes(low), graph.sizes(high)
    first = graph.strides[0] if graph.strides else 1
    if first < 0:  # an unpadded patchify window (ConvNeXt): floor, the remainder dropped
        rounding = (rf"\lfloor {high}/{-first} \rfloor = {sizes_high[1]},\quad "
                    rf"\lfloor {low}/{-first} \rfloor = {sizes_low[1]}",
                    f"floor({high}/{-first}) = {sizes_high[1]}, "
                    f"floor({low}/{-first}) = {sizes_low[1]}")
        rule = ("Unpadded ('VALID') patchify and downsampling windows drop the remainder, "
                "floor(size / stride), where 'SAME' padding would round up")
    else:
        rounding = (rf"\lceil {high}/{first} \rceil = {sizes_high[1]},\quad "
                    rf"\lceil {low}/{first} \rceil = {sizes_low[1]}",
                    f"ceil({high}/{first}) = {sizes_high[1]}, ceil({low}/{first}) = "
                    f"{sizes_low[1]}")
        rule = "'SAME' padding rounds every stride-2 size up"
    if b == a:
        title = f"Why {low} → {high} px costs the same"
        effect = f"The extra pixel is cut off at once: {a:,} Mult-Adds either way."
    else:
        title = f"Why {low} → {high} px costs {100 * (b / a - 1):.0f} % more"
        effect = (f"One extra input pixel adds a row and a column at every level: {a:,} → "
                  f"{b:,} Mult-Adds.")
    asked = high + 32
    sizes_asked = graph.sizes(asked)
    return LessonStep(
        title=title,
        explanation=f"{rule}: {low} px gives {' → '.join(map(str, sizes_low))}, {high} px "
                    f"gives {' → '.join(map(str, sizes_high))}. {effect}",
        latex=rounding[0], text=rounding[1],
        check=_ask(f"At {asked} px, how many pixels wide is the last feature map?",
                   sizes_asked[-1], "pixels",
                   f"{rule}: {' → '.join(map(str, sizes_asked))}."))


def _kernel_step(rho: float, block_mult_adds: int) -> LessonStep:
    from costmodel.teaching.kernel_scaling import kernel_scaling_mistake

    value = min(max(rho, 1e-3), 4.0)
    mistake = kernel_scaling_mistake(value)
    right = f"about {4 * block_mult_adds:,}"
    return LessonStep(
        title="The ρ⁴ mistake",
        explanation=mistake.explanation,
        latex=rf"\begin{{gathered}}\text{{correct: }} {mistake.correct_latex} \\ "
              rf"\text{{mistaken: }} {mistake.mistaken_latex}\end{{gathered}}",
        text=f"correct: {mistake.correct_text}; mistaken: {mistake.mistaken_text}",
        check=_choose(
            f"The block costs {block_mult_adds:,} Mult-Adds. If the input's side doubled "
            f"(ρ twice as large), about how many would it cost?", right,
            [f"about {2 * block_mult_adds:,}", f"about {16 * block_mult_adds:,}"],
            "Four times as many, ρ² = 4: every map has 4× the pixels and the weights do not "
            "change. ρ⁴ = 16 is the mistake; 2× forgets that the map grows in both "
            "directions. The stride-2 sizes' rounding makes it about, not exactly, 4×."))


def _time_step(graph: Graph, alpha: float, resolution: int, profile: str) -> LessonStep:
    """The depthwise layers' share of time against their share of Mult-Adds, and what sets
    their time: the bound the latency estimate gives each of them (the Latency view's table),
    with the profile's own rates, so that the sentence and the table cannot disagree."""
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.hardware.latency import kind_share

    device = get_profile(profile)
    # where the measurements pushed the profile's bandwidth to its spec-sheet bound, the memory
    # time is that bound's: said with the bound it gives
    at_bound = (f" (its fit put the bandwidth at the spec sheet's {device.bandwidth / 1e9:,.1f} "
                f"GB/s, a bound: the {device.fit.points} measurements would have memory faster "
                f"still)" if device.fit is not None and "bandwidth" in device.fit.at_bound
                else "")
    depthwise = kind_share(graph, alpha, resolution, device, LatencyKind.DEPTHWISE)
    time_pct, macs_pct = depthwise.time_pct, depthwise.mult_adds_pct
    joint = "but" if time_pct > macs_pct else "and"
    head = (f"On {profile}, the depthwise layers hold {macs_pct:.1f} % of the Mult-Adds {joint} "
            f"an estimated {time_pct:.1f} % of the time.")
    if not depthwise.bounds:
        reason = " This network has no depthwise layers."
        check = _ask("How many depthwise layers does this network have?", 0, "layers",
                     "None: every conv of this network spans all its input channels.")
    else:
        # the bounds by how many layers have each, most first (ties in order of appearance)
        bounds = Counter(depthwise.bounds).most_common()
        listed = [f"{count} {'are ' if i == 0 else ''}{bound}-bound"
                  for i, (bound, count) in enumerate(bounds)]
        layers = len(depthwise.bounds)
        said = (f"all {layers} of its depthwise layers are {bounds[0][0]}-bound"
                if len(listed) == 1 else
                f"of its {layers} depthwise layers, " + ", ".join(listed[:-1])
                + f" and {listed[-1]}")
        intensity = 2 * sum(depthwise.mult_adds) / max(sum(depthwise.bytes_moved), 1)
        rate = device.peak_flops[LatencyKind.DEPTHWISE]
        pointwise = device.peak_flops.get(LatencyKind.POINTWISE, rate)
        dominant = bounds[0][0]
        if dominant == "compute":
            slower = (f", {pointwise / rate:.1f}× slower than its 1×1 convs "
                      f"({pointwise / 1e9:,.1f} GFLOP/s)" if pointwise > rate else "")
            why = (f"They do little arithmetic per byte ({intensity:.2f} FLOP/byte), but "
                   f"{profile} runs depthwise convs at {rate / 1e9:,.1f} GFLOP/s{slower}, so, "
                   f"by the fitted estimate, their arithmetic, not memory, sets their time"
                   f"{at_bound}")
        elif dominant == "memory":
            why = (f"They do {intensity:.2f} FLOP per byte moved, below the "
                   f"{rate / device.bandwidth:.2f} FLOP/byte at which {profile}'s depthwise "
                   f"rate ({rate / 1e9:,.1f} GFLOP/s) matches its memory "
                   f"({device.bandwidth / 1e9:,.1f} GB/s), so, by the fitted estimate, "
                   f"memory, not arithmetic, sets their time{at_bound}")
        else:
            why = (f"Each is so small that {profile}'s fixed cost per operation "
                   f"({device.overhead[LatencyKind.DEPTHWISE] * 1e6:,.1f} µs) exceeds both its "
                   f"arithmetic and its memory time")
        reason = f" {said[:1].upper()}{said[1:]} (the Latency view's table). {why}."
        answers = {"compute": "Their arithmetic (compute-bound)",
                   "memory": "Moving their bytes (memory-bound)",
                   "overhead": "The fixed cost per operation (overhead-bound)"}
        check = _choose(f"By the estimate on {profile}, what sets the time of most of this "
                        f"network's depthwise layers?", answers.get(dominant, dominant),
                        list(answers.values()), f"{said[:1].upper()}{said[1:]}. {why}.")
    return LessonStep(
        title="Share of time against share of Mult-Adds",
        explanation=head + reason,
        latex=rf"\begin{{gathered}}\text{{depthwise: }} {macs_pct:.1f}\,\%\ \text{{of "
              rf"Mult-Adds}} \\ {time_pct:.1f}\,\%\ \text{{of time}}\end{{gathered}}",
        text=f"depthwise: {macs_pct:.1f} % of Mult-Adds, {time_pct:.1f} % of time",
        check=check)


__all__ = ["CheckQuestion", "Lesson", "LessonStep", "build_lesson", "default_block",
           "lesson_blocks", "no_lesson"]
