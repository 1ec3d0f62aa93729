"""The lesson for every block type: each block of the networks built of the later blocks gets
steps with its own numbers (the standard conv in its place, each operation's cost, why it is
cheaper or not), the LaTeX typesets in the KaTeX the dashboard ships, and the dashboard's
Lesson view renders them. Expected numbers are hand arithmetic on the papers' and timm's block
shapes (written in the comments), not the code's output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from app_pictures import pictures
from test_app import pick

import costmodel
from costmodel.base.formatting import markdown_text
from costmodel.core import formulas
from costmodel.teaching.lesson import (
    LessonStep,
    build_lesson,
    default_block,
    lesson_blocks,
    no_lesson,
)

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NETWORKS = ["ghostnet_100", "shufflenet_v2_x1_0", "convnext_atto", "tf_efficientnetv2_b0",
            "mobilenetv4_conv_medium"]


def _text(network: str, block: str) -> str:
    lesson = build_lesson(block, network=network)
    return "\n".join(f"{s.title}\n{s.explanation}\n{s.text}" for s in lesson.steps)


@pytest.mark.parametrize("network", [*NETWORKS, "mobilenetv4_conv_small", "mixnet_s",
                                     "lcnet_150"])
def test_every_block_has_a_lesson_numbered_in_order(network: str) -> None:
    graph = costmodel.report(network=network).graph
    assert lesson_blocks(network) == tuple(block.name for block in graph.blocks)
    assert no_lesson(network) == ""
    for block in lesson_blocks(network):
        lesson = build_lesson(block, network=network)
        numbers = [int(step.title.split(".", 1)[0]) for step in lesson.steps]
        assert numbers == list(range(1, len(numbers) + 1)), (block, numbers)
        assert all(step.latex and step.text and step.explanation for step in lesson.steps)
        titles = " ".join(step.title for step in lesson.steps)
        assert "standard conv" in titles, block
        assert any(word in titles for word in ("Why", "ratio (eq. 5)")), block


@pytest.mark.parametrize(("network", "block"), [
    ("ghostnet_100", "b3"),  # stride 1, expanding (t = 3)
    ("shufflenet_v2_x1_0", "b2"),  # the first stride-1 unit
    ("convnext_atto", "b1"),
    ("tf_efficientnetv2_b0", "b6"),  # an inverted residual comes first, as before
    ("mobilenetv4_conv_medium", "b3"),  # the first stride-1 expanding block
])
def test_default_block(network: str, block: str) -> None:
    assert default_block(network) == block


def test_ghost_bottleneck_lesson_ghostnet_block_3() -> None:
    # 24 → 72 → 24 at 56×56 (timm ghostnet [3, 72, 24, 0, 1])
    text = _text("ghostnet_100", "b3")
    assert f"{9 * 24 * 24 * 56 * 56:,}" in text  # the 3×3 conv in its place: 16,257,024
    assert f"{(24 * 36 + 9 * 36) * 56 * 56:,}" in text  # ghost module 1: 1,188·3,136
    assert f"{(72 * 12 + 9 * 12) * 56 * 56:,}" in text  # ghost module 2: 972·3,136
    # ordinary 1×1 convs 24 → 72 → 24: 2·24·72·3,136 = 10,838,016
    assert f"{2 * 24 * 72 * 56 * 56:,}" in text and "halve the 1×1 cost" in text


def test_ghost_bottleneck_lesson_says_when_the_block_is_dearer() -> None:
    # block 2: 16 → 48 → 24 at stride 2 with a shortcut; 12,681,984 against 9·16·24·56²
    text = _text("ghostnet_100", "b2")
    assert "12,681,984" in text and f"{9 * 16 * 24 * 56 * 56:,}" in text
    assert "still dearer" in text and "Shortcut" in text


def test_shuffle_unit_lesson_runs_the_branch_on_half_the_channels() -> None:
    text = _text("shufflenet_v2_x1_0", "b2")  # 116 channels at 28×28, branch on 58
    assert f"{58 * 58 * 28 * 28:,}" in text and f"{9 * 58 * 28 * 28:,}" in text
    assert "5,684,000" in text  # 2·2,637,376 + 409,248
    # a separable pair on all 116: 9·116·784 + 116²·784 = 818,496 + 10,549,504
    assert "11,368,000" in text and "half the channels" in text
    assert "Channel split" in text and "Concat and channel shuffle" in text
    stride_2 = _text("shufflenet_v2_x1_0", "b1")  # 24 → 116, 56 → 28
    assert f"{24 * 58 * 56 * 56:,}" in stride_2 and "Branch 1" in stride_2


def test_convnext_lesson_and_its_unpadded_windows() -> None:
    text = _text("convnext_atto", "b1")  # 40 channels at 56×56
    assert f"{49 * 40 * 56 * 56:,}" in text  # 7×7 depthwise: 6,146,560
    assert f"{40 * 160 * 56 * 56:,}" in text  # each 1×1: 20,070,400
    assert "1/40 + 2·4/49" in text and "LayerNorm" in text
    # the 4×4 patchify stem drops the remainder: 161 px gives 40 like 160 px
    assert "costs the same" in text and "floor(161/4) = 40" in text


def test_fused_lesson_costs_more_than_the_inverted_residual() -> None:
    text = _text("tf_efficientnetv2_b0", "b2")  # 32 → 128 → 32 at 48×48, 192 px
    assert f"{9 * 32 * 128 * 48 * 48:,}" in text  # the fused 3×3 conv: 84,934,656
    # the inverted residual it replaces: (32·128 + 9·128 + 128·32)·48² = 9,344·2,304
    assert f"{9344 * 2304:,}" in text
    assert "costs more than" in text and "runs faster" in text


def test_universal_lesson_names_its_variant() -> None:
    extra = _text("mobilenetv4_conv_medium", "b3")  # 80 → 160 → 80, 3×3 and 3×3, 32×32
    assert f"{9 * 80 * 32 * 32:,}" in extra and f"{9 * 160 * 32 * 32:,}" in extra
    assert "ExtraDW" in extra
    ffn = _text("mobilenetv4_conv_medium", "b10")  # 160 → 320 → 160, 16×16
    assert "FFN" in ffn and "1×1 conv in its place" in ffn and "Why it costs more" in ffn


def test_mixnet_lesson_shows_groups_and_kernels() -> None:
    text = _text("mixnet_s", "b5")  # 40 → 240 → 40, g = 2, kernels 3 and 5 on 120 each
    assert f"{2 * 20 * 120 * 28 * 28:,}" in text  # grouped expansion: 3,763,200
    assert f"{(9 + 25) * 120 * 28 * 28:,}" in text  # MixConv: 3,198,720
    assert f"{2 * 40 * 240 * 28 * 28:,}" in text  # ungrouped 1×1 convs: 15,052,800
    assert f"{40 * 240 * 28 * 28:,}" in text  # grouped, half of it: 7,526,400


def test_separable_with_se_lesson_counts_the_pointwise_conv() -> None:
    # LCNet's last pair: the squeeze-and-excite sits between dw13 and pw13; the pointwise step
    # used to read the SE pool (zero) in its place
    text = _text("lcnet_150", "dw13/pw13")
    assert f"{768 * 768 * 49:,}" in text  # pw13: 28,901,376
    assert f"{2 * 768 * 192:,}" in text  # SE: 294,912
    assert f"{1 / 768 + 1 / 25:.4f}" in text  # eq. 5 with N = 768, D_K = 5


# --- the LaTeX typesets in the KaTeX the dashboard ships ------------------------------------

def _katex_errors(expressions: list[str], tmp_path: Path) -> list[str]:
    """KaTeX's parse errors for ``expressions``, rendered by the katex.js inside streamlit's
    static files (display mode, as st.latex shows them) with node; skips without node, except
    with CI=true, where a missing node or katex.js is a failure (as a missing Chromium is for
    the browser tests)."""
    import streamlit

    node = shutil.which("node")
    bundles = sorted((Path(streamlit.__file__).parent / "static").rglob("katex.*.js"))
    if node is None or not bundles:
        missing = "node or streamlit's katex.js is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; CI must check the LaTeX")
        pytest.skip(missing)
    module = tmp_path / "katex.mjs"
    module.write_bytes(bundles[0].read_bytes())
    script = tmp_path / "render.mjs"
    script.write_text(
        "const katex = (await import(process.argv[2])).default;\n"
        "let data = ''; for await (const c of process.stdin) data += c;\n"
        "const out = [];\n"
        "for (const s of JSON.parse(data)) {\n"
        "  try { katex.renderToString(s, {displayMode: true, throwOnError: true,\n"
        "                                 strict: 'ignore'}); out.push(''); }\n"
        "  catch (e) { out.push(String(e.message)); }\n"
        "}\n"
        "console.log(JSON.stringify(out));\n", encoding="utf-8")
    done = subprocess.run([node, str(script), module.as_uri()], input=json.dumps(expressions),
                          capture_output=True, text=True, timeout=120, check=True)
    errors = json.loads(done.stdout)
    return [f"{e}\n  in {x}" for e, x in zip(errors, expressions, strict=True) if e]


def _typeset(steps: tuple[LessonStep, ...]) -> list[str]:
    """Every formula the page may typeset for ``steps``: each step's formula with its numbers
    (shown with "show all" off for a step without a general form) and its general form (shown
    in its place where it has one)."""
    return [latex for step in steps for latex in (step.latex, step.symbolic) if latex]


def test_lesson_and_formula_latex_typesets(tmp_path: Path) -> None:
    expressions = [f.latex for f in formulas.formula_catalog()]
    for name in ("fused_inverted_residual", "universal_inverted_bottleneck",
                 "ghost_bottleneck", "shuffle_unit", "convnext_block", "mixconv"):
        expressions += [step.latex for step in getattr(formulas, f"{name}_steps")()]
    for network in [*NETWORKS, "mixnet_s", "lcnet_150", "mobilenet_v1", "mobilenet_v2"]:
        graph = costmodel.report(network=network).graph
        chosen = {default_block(network)}
        for operator in {b.operator for b in graph.blocks}:  # one block per type and stride
            chosen |= {next(b.name for b in graph.blocks if b.operator is operator
                            and b.stride == stride) for stride in
                       {b.stride for b in graph.blocks if b.operator is operator}}
        for block in sorted(chosen):
            expressions += _typeset(build_lesson(block, network=network).steps)
    assert _katex_errors(expressions, tmp_path) == []
    assert _katex_errors([r"\frac{1}{"], tmp_path)  # the check sees a broken expression


def test_every_lesson_step_typesets_for_the_first_families_and_tables(tmp_path: Path) -> None:
    # issue 17: step 5 (α rounding) was reported as a KaTeX error for v2, v3, MnasNet,
    # EfficientNet and uploaded tables; every step of every block, at widths that round
    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    networks: list[object] = ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
                              "mnasnet_a1", "efficientnet_b0", "efficientnet_b3"]
    networks += [costmodel.load_network(path.read_bytes(), name=path.name)
                 for path in sorted(examples.glob("*.csv"))]
    expressions = []
    for network in networks:
        for block in lesson_blocks(network):
            for alpha in (0.35, 1.0):
                expressions += _typeset(build_lesson(block, network=network,
                                                     alpha=alpha).steps)
    assert len(expressions) > 1000
    assert _katex_errors(expressions, tmp_path) == []


# --- the dashboard ---------------------------------------------------------------------------

def test_dashboard_lesson_view_renders_every_block_type(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    shown: list[str] = []
    for network in NETWORKS:
        pick(at, network)
        at.button_group(key="view").set_value("Lesson").run()
        at.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
        assert not at.exception, network
        assert at.selectbox(key="lesson_block").value == default_block(network)
        assert len(pictures(at)) >= 1  # the block's diagram
        # each step's formula, in its text as a display block
        latex = [f.strip() for m in at.markdown
                 for f in re.findall(r"\$\$\n(.*?)\n\$\$", str(m.value), re.S)]
        steps = build_lesson(default_block(network), network=network).steps
        assert len(latex) >= len(steps), network
        # a step's general form, typeset, where it has one (its numbers then follow as text);
        # else its formula with the numbers
        assert [s.symbolic or s.latex for s in steps] == latex[:len(steps)]
        text = " ".join(str(e.value) for kind in ("markdown", "info", "error", "warning")
                        for e in getattr(at, kind))
        assert "KaTeX" not in text and "not written yet" not in text, network
        assert all(markdown_text(s.text) in text for s in steps if s.symbolic), network
        assert not at.error, network
        shown += latex
    assert _katex_errors(shown, tmp_path) == []


def test_memory_of_a_network_with_channel_splits() -> None:
    # ShuffleNet v2's channel split is a view: it reads and writes nothing, so its arithmetic
    # intensity is 0 (it divided by zero, and the dashboard failed on every view)
    layers = costmodel.report(network="shufflenet_v2_x1_0").memory("float32").layers
    split = layers[layers["name"] == "b2.split.1"].iloc[0]
    assert split["bytes_moved"] == 0 and split["arithmetic_intensity"] == 0.0


def test_a_fused_lesson_does_not_contradict_its_time_step() -> None:
    # issue 17, section 1 (text against the app's numbers): on pixel1 every depthwise layer of
    # EfficientNetV2-B0 is compute-bound by the estimate (the time step, the Latency view's
    # table); the fused block's step said a depthwise conv "waits on memory", and its question's
    # right answer said so too
    lesson = build_lesson("b2", network="tf_efficientnetv2_b0")
    time = lesson.steps[-1]
    assert "compute-bound" in time.explanation and "memory-bound" not in time.explanation
    said = " ".join([s.explanation for s in lesson.steps[:-1]]
                    + [c for s in lesson.steps[:-1] if s.check for c in s.check.choices])
    assert "waits on memory" not in said and "memory-bound" not in said
    assert "accelerators" in said  # the papers' argument, said as theirs


def test_the_rho4_step_does_not_call_a_large_error_small() -> None:
    # at ρ = 2 (the CIFAR table at 64 px) the ρ⁴ form is 14.9 % off for the whole network;
    # the step said "small here" and "the error grows as ρ shrinks"
    from costmodel.teaching.kernel_scaling import kernel_scaling_mistake

    mistake = kernel_scaling_mistake(2.0)
    assert mistake.network_relative_error > 0.1
    assert "small here" not in mistake.explanation
    assert "moves away from 1, either way" in mistake.explanation
