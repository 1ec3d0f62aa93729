"""The lesson: one layer's cost, step by step, with that layer's own numbers.

For a separable pair of MobileNet v1 (by default dw2/pw2) or an inverted residual of the later
families: the standard conv it replaces, the depthwise and pointwise costs, their ratio
1/N + 1/D_K² (eq. 5), what α does to the channel counts (the builder's rounding shown), the
α²ρ² scaling in words and numbers, why one more pixel can cost 18 % more (stride-2 sizes
round up), the ρ⁴ mistake, and the share of time against the share of Mult-Adds. Every number
comes from the exact counter; the app only displays the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from costmodel.base.formatting import latex_text
from costmodel.base.kinds import DEFAULT_PROFILE, LatencyKind, Role
from costmodel.core.counting import OpCount, count_ops, totals
from costmodel.core.graph import BlockSpec, Graph, build_graph
from costmodel.descriptions.configuration import resolve
from costmodel.descriptions.network_spec import Operator
from costmodel.descriptions.widths import AS_WRITTEN


@dataclass(frozen=True, kw_only=True)
class LessonStep:
    """One step: a title, the sentence that explains it, and its formula with the layer's
    numbers (LaTeX and plain text)."""

    title: str
    explanation: str
    latex: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Lesson:
    """The steps for one block at one configuration."""

    block: str
    network: str
    alpha: float
    resolution: int
    steps: tuple[LessonStep, ...]


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
    """Whether the lesson's steps fit ``block``: a separable pair or an inverted residual
    with one depthwise conv and ungrouped 1×1 convs. The fused and universal bottlenecks,
    MixConv and grouped 1×1 convs have no lesson yet."""
    if block.operator not in (Operator.SEPARABLE, Operator.INVERTED_RESIDUAL):
        return False
    ops = graph.ops[block.first:block.last + 1]
    names = [op.name for op in ops]
    return (sum(op.role is Role.DEPTHWISE for op in ops) == 1
            and not any(".g" in name or ".k" in name for name in names))


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
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    if graph.blocks:  # fused, universal or MixConv blocks only
        kinds = sorted({block.operator.value for block in graph.blocks})
        return (f"The lesson explains one block at a time (a separable pair or an inverted "
                f"residual with one depthwise conv), and {title}'s blocks are "
                f"{', '.join(kinds)} ones (MixConv or grouped 1×1 convs, fused or universal "
                f"bottlenecks), whose lesson is not written yet. Their costs are in the Per "
                f"layer and Tables views; the formulas below still apply to their layers.")
    return (f"The lesson explains one block at a time (a separable pair or an inverted "
            f"residual), and {title} has none: its rows are plain convolutions. Its costs are "
            f"in the Per layer and Tables views; the formulas below still apply to its "
            f"layers.")


def default_block(network: object = None) -> str:
    """The lesson's default block: the second separable pair (dw2/pw2) of MobileNet v1, a
    stride-1 expanding block of the others."""
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
    if not explains(graph, spec):
        explained = ", ".join(lesson_blocks(config.network)) or "none in this network"
        raise ValueError(f"block must be one the lesson explains ({explained}); {name} is a "
                         f"{spec.operator.value} block, whose lesson is not written yet")
    ops = [op for op in count_ops(graph, config.alpha, config.resolution)
           if spec.first <= op.index <= spec.last]
    channels = graph.program.evaluate(config.alpha)
    steps: list[LessonStep] = []
    if spec.operator is Operator.SEPARABLE:
        steps += _separable_steps(ops)
    else:
        steps += _inverted_residual_steps(ops, spec)
    steps.append(_width_step(graph, spec, config.alpha, channels))
    steps.append(_alpha_rho_step(ops, config.alpha, config.resolution, config.network.image_size))
    steps.append(_one_pixel_step(graph, config.alpha, config.network.image_size))
    steps.append(_kernel_step(config.resolution / 224))
    steps.append(_time_step(graph, config.alpha, config.resolution, profile))
    return Lesson(block=name, network=config.network.title, alpha=config.alpha,
                  resolution=config.resolution, steps=tuple(steps))


def _separable_steps(ops: list[OpCount]) -> list[LessonStep]:
    dw, pw = ops[0], ops[1]
    k, m, n, g = dw.kernel, dw.in_channels, pw.out_channels, dw.out_size
    standard = k * k * m * n * g * g
    ratio = (dw.mult_adds + pw.mult_adds) / standard
    return [
        LessonStep(
            title="1. A standard conv in its place",
            explanation=f"One {k}×{k} filter per output channel, each spanning all {m} input "
                        f"channels, applied at every one of the {g}×{g} output pixels.",
            latex=_aligned(rf"D_K^2 \cdot M \cdot N \cdot D_G^2 = "
                           rf"{k}^2 \cdot {m} \cdot {n} \cdot {g}^2 = {_grouped(standard)}"),
            text=f"D_K²·M·N·D_G² = {k}²·{m}·{n}·{g}² = {standard:,}"),
        LessonStep(
            title="2. Depthwise: one filter per channel",
            explanation=f"{dw.name} filters each of its {m} channels on its own: {k}·{k} "
                        f"multiply-accumulates per channel and output pixel (eq. 3).",
            latex=_aligned(rf"D_K^2 \cdot M \cdot D_G^2 = {k}^2 \cdot {m} \cdot {g}^2 = "
                  rf"{_grouped(dw.mult_adds)}"),
            text=f"D_K²·M·D_G² = {k}²·{m}·{g}² = {dw.mult_adds:,}"),
        LessonStep(
            title="3. Pointwise: mix the channels with a 1×1 conv",
            explanation=f"{pw.name} combines the {m} filtered channels into {n}: one "
                        f"multiply-accumulate per input channel, output channel and pixel.",
            latex=_aligned(rf"M \cdot N \cdot D_G^2 = {m} \cdot {n} \cdot {g}^2 = "
                  rf"{_grouped(pw.mult_adds)}"),
            text=f"M·N·D_G² = {m}·{n}·{g}² = {pw.mult_adds:,}"),
        LessonStep(
            title="4. The ratio (eq. 5)",
            explanation=f"Divide the pair by the standard conv: D_G² and M cancel, leaving "
                        f"1/N + 1/D_K². Here {1 / ratio:.1f}× fewer Mult-Adds.",
            latex=_aligned(rf"\frac{{D_K^2 M D_G^2 + M N D_G^2}}{{D_K^2 M N D_G^2}} = "
                           rf"\frac{{1}}{{N}} + \frac{{1}}{{D_K^2}} = \frac{{1}}{{{n}}} + "
                           rf"\frac{{1}}{{{k * k}}} = {ratio:.4f}"),
            text=f"1/N + 1/D_K² = 1/{n} + 1/{k * k} = {ratio:.4f}"),
    ]


def _inverted_residual_steps(ops: list[OpCount], spec: BlockSpec) -> list[LessonStep]:
    by_role = {op.role.value: op for op in ops}
    dw = by_role["depthwise"]
    project = by_role["project"]
    expand = by_role.get("expand")
    m = expand.in_channels if expand else dw.in_channels
    e, n, k, g = dw.in_channels, project.out_channels, dw.kernel, dw.out_size
    d_in = expand.in_size if expand else dw.in_size
    total = sum(op.mult_adds for op in ops)
    se = sum(op.mult_adds for op in ops if op.role.value == "se")
    standard = k * k * m * n * g * g
    steps = [
        LessonStep(
            title="1. Expand",
            explanation=(f"A 1×1 conv widens {m} channels to {e} (t = {e / m:g}) at "
                         f"{d_in}×{d_in}." if expand else
                         f"No expansion conv: the inner width equals the input width ({m})."),
            latex=_aligned(rf"M \cdot tM \cdot D_F^2 = {m} \cdot {e} \cdot {d_in}^2 = "
                   rf"{_grouped(expand.mult_adds)}" if expand else r"0"),
            text=(f"M·tM·D_F² = {m}·{e}·{d_in}² = {expand.mult_adds:,}" if expand else "0")),
        LessonStep(
            title="2. Depthwise on the wide tensor",
            explanation=f"{k}×{k} per channel on the {e} expanded channels, at stride "
                        f"{spec.stride} ({g}×{g} out).",
            latex=_aligned(rf"D_K^2 \cdot tM \cdot D_G^2 = {k}^2 \cdot {e} \cdot {g}^2 = "
                  rf"{_grouped(dw.mult_adds)}"),
            text=f"D_K²·tM·D_G² = {k}²·{e}·{g}² = {dw.mult_adds:,}"),
        LessonStep(
            title="3. Project back (linear)",
            explanation=f"A 1×1 conv narrows {e} channels to {n}, no activation"
                        + (f"; squeeze-and-excite adds {se:,} Mult-Adds on the pooled vector."
                           if se else "."),
            latex=_aligned(rf"tM \cdot N \cdot D_G^2 = {e} \cdot {n} \cdot {g}^2 = "
                  rf"{_grouped(project.mult_adds)}"),
            text=f"tM·N·D_G² = {e}·{n}·{g}² = {project.mult_adds:,}"),
        LessonStep(
            title="4. Against a standard conv",
            explanation=f"The block costs {total:,} Mult-Adds; a {k}×{k} conv from {m} to {n} "
                        f"channels would cost {standard:,}: {total / standard:.2f}×. At stride 1 "
                        f"the sum factors to h·w·d′·t·(d′ + k² + d″) (Sandler et al. 2018).",
            latex=rf"\frac{{{_grouped(total)}}}{{{_grouped(standard)}}} = "
                  rf"{total / standard:.3f}",
            text=f"{total:,} / {standard:,} = {total / standard:.3f}"),
    ]
    return steps


def _width_step(graph: Graph, spec: BlockSpec, alpha: float,
                channels: list[int]) -> LessonStep:
    program = graph.program
    lines = [f"{program.variables[v].label}: {program.explain(v, alpha, channels)}"
             for v in dict.fromkeys((spec.in_var, spec.out_var, spec.expansion_var,
                                     spec.inner_var))
             if v >= 0 and v not in (graph.image_var, graph.classes_var)]
    written = (f" Your table's own widths: {AS_WRITTEN}." if graph.network.as_written
               else "")
    return LessonStep(
        title="5. What α does to the channels",
        explanation=f"α = {alpha:g} multiplies every channel count, then the builder rounds "
                    f"({program.variables[spec.out_var].rounding.value}): the counts stay "
                    f"whole, and small layers keep at least 8 channels.{written}",
        latex=r"\\ ".join(rf"\text{{{latex_text(line)}}}" for line in lines),
        text="; ".join(lines))


def _alpha_rho_step(ops: list[OpCount], alpha: float, resolution: int,
                    reference: int) -> LessonStep:
    pointwise = sum(op.mult_adds for op in ops if op.kernel == 1 and op.out_size > 1)
    rho = resolution / reference
    return LessonStep(
        title="6. α²ρ² in words",
        explanation=f"A 1×1 conv's cost is in-channels × out-channels × pixels: α scales both "
                    f"channel counts (α²) and ρ both sides of the map (ρ²). At α = {alpha:g} "
                    f"and ρ = {rho:.3f} that is {alpha ** 2 * rho ** 2:.3f} of the full "
                    f"cost; the depthwise part scales with α·ρ² (one channel count). This "
                    f"block's 1×1 convs: {pointwise:,} Mult-Adds.",
        latex=rf"\alpha^2 \rho^2 = {alpha:g}^2 \cdot {rho:.3f}^2 = {alpha ** 2 * rho ** 2:.4f}",
        text=f"α²ρ² = {alpha:g}²·{rho:.3f}² = {alpha ** 2 * rho ** 2:.4f}")


def _one_pixel_step(graph: Graph, alpha: float, reference: int) -> LessonStep:
    low = 160 if reference == 224 else max(8, round(reference * 5 / 7) // 32 * 32)
    high = low + 1
    a, b = totals(graph, alpha, low)[0], totals(graph, alpha, high)[0]
    sizes_low, sizes_high = graph.sizes(low), graph.sizes(high)
    return LessonStep(
        title=f"7. Why {low} → {high} px costs {100 * (b / a - 1):.0f} % more",
        explanation=f"'SAME' padding rounds every stride-2 size up: {low} px gives "
                    f"{' → '.join(map(str, sizes_low))}, {high} px gives "
                    f"{' → '.join(map(str, sizes_high))}. One extra input pixel adds a row "
                    f"and a column at every level: {a:,} → {b:,} Mult-Adds.",
        latex=rf"\lceil {high}/2 \rceil = {sizes_high[1]},\quad "
              rf"\lceil {low}/2 \rceil = {sizes_low[1]}",
        text=f"ceil({high}/2) = {sizes_high[1]}, ceil({low}/2) = {sizes_low[1]}")


def _kernel_step(rho: float) -> LessonStep:
    from costmodel.teaching.kernel_scaling import kernel_scaling_mistake

    value = min(max(rho, 1e-3), 4.0)
    mistake = kernel_scaling_mistake(value)
    return LessonStep(
        title="8. The ρ⁴ mistake",
        explanation=mistake.explanation,
        latex=rf"\begin{{gathered}}\text{{correct: }} {mistake.correct_latex} \\ "
              rf"\text{{mistaken: }} {mistake.mistaken_latex}\end{{gathered}}",
        text=f"correct: {mistake.correct}; mistaken: {mistake.mistaken}")


def _time_step(graph: Graph, alpha: float, resolution: int, profile: str) -> LessonStep:
    from costmodel.hardware.device_profiles import get_profile
    from costmodel.hardware.latency import estimate

    shares = estimate(graph, alpha, resolution, get_profile(profile)).share_by_kind
    row = shares[shares["latency_kind"] == LatencyKind.DEPTHWISE]
    time_pct = float(row["time_pct"].iloc[0]) if len(row) else 0.0
    macs_pct = float(row["mult_adds_pct"].iloc[0]) if len(row) else 0.0
    return LessonStep(
        title="9. Share of time against share of Mult-Adds",
        explanation=f"On {profile}, the depthwise layers hold {macs_pct:.1f} % of the "
                    f"Mult-Adds but an estimated {time_pct:.1f} % of the time: they move "
                    f"about 2 bytes per multiply-accumulate (2.25 FLOP/byte at stride 1), so "
                    f"memory and per-operation overhead, not arithmetic, set their speed.",
        latex=rf"\begin{{gathered}}\text{{depthwise: }} {macs_pct:.1f}\,\%\ \text{{of "
              rf"Mult-Adds}} \\ {time_pct:.1f}\,\%\ \text{{of time}}\end{{gathered}}",
        text=f"depthwise: {macs_pct:.1f} % of Mult-Adds, {time_pct:.1f} % of time")


__all__ = ["Lesson", "LessonStep", "build_lesson", "default_block", "lesson_blocks",
           "no_lesson"]
