"""The dashboard, headless (streamlit.testing.v1.AppTest): every widget path runs without an
exception and shows the library's own numbers; bad input becomes a message; the exercises
grade; the budget answer applies. Expected counts are literals from the papers' tables or
TF-slim's README where they exist, else the library's report (the dashboard must agree)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from app_pictures import component_data, pictures
from streamlit.testing.v1 import AppTest

import costmodel
from costmodel.presentation.dashboard_state import VIEWS
from costmodel.teaching.exercises import make_exercise, question_seed
from costmodel.teaching.lesson import default_block

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def opened(at: AppTest) -> AppTest:
    """``at`` with the budget's, the typed values' and the network picker's folds open, as a
    click on each does (their content is drawn only while open;
    test_folds_draw_their_content_only_while_open checks the closed page)."""
    at.session_state["fold_budget"] = True
    at.session_state["fold_exact"] = True
    at.session_state["fold_network"] = True
    return at


def pick(at: AppTest, network: str) -> AppTest:
    """Choose ``network`` in the sidebar's picker as a user does: open its fold if shut (a pick
    shuts it), pick, and run."""
    if not any(w.key == "network" for w in at.selectbox):
        at.session_state["fold_network"] = True
        at.run()
    return at.selectbox(key="network").set_value(network).run()


@pytest.fixture
def app() -> AppTest:
    at = opened(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception
    return at


def link(at: AppTest) -> dict[str, str]:
    """The link the page writes to the address bar (its component's data): the page sets it
    in the browser, not through st.query_params (see app.py)."""
    bars = component_data(at, "costmodel_address_bar")
    assert len(bars) == 1
    return dict(parse_qsl(bars[0]["link"]))


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def metric_label(at: AppTest, label_start: str) -> str:
    return next(m.label for m in at.metric if m.label.startswith(label_start))


def presets(at: AppTest, label: str) -> object:
    return next(b for b in at.button_group if b.label == label)


def shown(value: object) -> str:
    """A message as the page shows it: the app escapes user text for Markdown
    (costmodel.base.formatting.markdown_text), which the browser renders back to the text."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]|~$])", r"\1", str(value)))


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(shown(p) for p in parts)


def test_headline_shows_measured_top1_of_paper_and_checkpoint(app: AppTest) -> None:
    # Howard et al. 2017, Table 8: 1.0 MobileNet-224, 569 M Mult-Adds, 4.2 M params, 70.6 %;
    # TF-slim mobilenet_v1.md: 70.9 %.
    assert metric(app, "Mult-Adds") == "568,740,352"
    assert metric(app, "Parameters") == "4,210,088"
    assert metric(app, "Top-1") == "70.6 % · 70.9 %"
    assert metric_label(app, "Top-1") == "Top-1, paper · checkpoint"
    assert "ms" in metric(app, "Latency")
    m = costmodel.report().memory("float32")
    assert f"peak activations {m.peak_activation_bytes / 1e6:,.2f} MB at {m.peak_layer}" in (
        _text(app))


def test_sliders_and_presets(app: AppTest) -> None:
    app.slider(key="alpha").set_value(0.5).run()
    app.slider(key="resolution").set_value(160).run()
    assert not app.exception
    # TF-slim mobilenet_v1.md: MobileNet_v1_0.5_160, 76 M MACs, 1.32 M params, 59.1 %
    assert metric(app, "Mult-Adds") == "76,524,800"
    assert metric(app, "Parameters") == "1,320,648"
    assert "59.1 %" in metric(app, "Top-1")
    assert link(app)["alpha"] == "0.5" and link(app)["resolution"] == "160"
    # presets follow the value: 160 is lit, and 161 unlights it
    assert presets(app, "Published resolutions").value == 160  # type: ignore[attr-defined]
    app.slider(key="resolution").set_value(161).run()
    assert presets(app, "Published resolutions").value is None  # type: ignore[attr-defined]
    presets(app, "Published resolutions").set_value(128).run()  # type: ignore[attr-defined]
    assert app.slider(key="resolution").value == 128
    presets(app, "Published widths").set_value(0.25).run()  # type: ignore[attr-defined]
    assert app.slider(key="alpha").value == 0.25
    # TF-slim: MobileNet_v1_0.25_128, 14 M MACs
    assert metric(app, "Mult-Adds") == "13,570,048"


def test_predicted_top1_where_nothing_was_measured(app: AppTest) -> None:
    app.slider(key="alpha").set_value(0.6).run()
    app.slider(key="resolution").set_value(200).run()
    r = costmodel.report(0.6, resolution=200)
    assert r.accuracy is not None
    assert metric(app, "Top-1") == f"{r.accuracy.top1:.1f} %"
    assert metric_label(app, "Top-1") == "Top-1, predicted"


@pytest.mark.parametrize(("variant", "mult_adds", "top1"), [
    ("full", "4,867,293,184", "71.7 %"),  # Table 4: Conv MobileNet 4866 M (no fc), 71.7 %
    ("shallow", None, "65.3 %"),  # Table 5: shallow MobileNet, 65.3 %
])
def test_variants_show_tables_4_and_5(app: AppTest, variant: str, mult_adds: str | None,
                                      top1: str) -> None:
    app.selectbox(key="variant").set_value(variant).run()
    assert not app.exception
    if mult_adds:
        assert metric(app, "Mult-Adds") == mult_adds
    assert metric(app, "Top-1") == top1


@pytest.mark.parametrize("network", ["mobilenet_v2", "mobilenet_v3_large",
                                     "mobilenet_v3_small", "mnasnet_a1", "efficientnet_b0",
                                     "efficientnet_b3", "mobilenet_v1_cifar"])
def test_every_network(app: AppTest, network: str) -> None:
    pick(app, network)
    assert not app.exception
    r = costmodel.report(network=network)
    assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}"
    assert app.slider(key="resolution").value == r.resolution
    if network == "mobilenet_v1_cifar":
        assert metric(app, "Top-1") == "not published"
    names = {w.key for w in app.selectbox}
    # full and shallow exist for MobileNet v1's separable pairs (the CIFAR table included)
    assert ("variant" in names) == network.startswith("mobilenet_v1")


def test_rules_and_depth(app: AppTest) -> None:
    pick(app, "mobilenet_v2")
    app.radio(key="rules").set_value("torchvision").run()
    assert not app.exception
    r = costmodel.report(network="mobilenet_v2", rules="torchvision")
    assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}"
    pick(app, "efficientnet_b0")
    app.number_input(key="depth").set_value(1.2).run()
    assert not app.exception
    r = costmodel.report(network="efficientnet_b0", depth=1.2)
    assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}"
    app.number_input(key="depth").set_value(9.0).run()
    assert any("depth must be" in shown(e.value) for e in app.error)


def test_typed_values_use_the_library_range(app: AppTest) -> None:
    app.number_input(key="alpha_typed").set_value(2.0).run()
    assert not app.exception
    assert metric(app, "Mult-Adds") == f"{costmodel.report(2.0).mult_adds:,}"
    assert app.slider(key="alpha").disabled
    for bad in (0.0, -0.5, 5.0):
        app.number_input(key="alpha_typed").set_value(bad).run()
        assert not app.exception
        assert any("alpha must be a finite number in (0, 4]" in shown(e.value) for e in app.error)
    app.number_input(key="alpha_typed").set_value(None).run()
    app.number_input(key="resolution_typed").set_value(1000).run()
    assert metric(app, "Mult-Adds") == f"{costmodel.report(resolution=1000).mult_adds:,}"
    app.number_input(key="resolution_typed").set_value(5000).run()
    assert any("resolution must be an integer in [1, 4096]" in shown(e.value) for e in app.error)


def _one_per_family() -> list[str]:
    """The last-listed network of every family (the first is often the one other tests use),
    and the new block types' networks."""
    from costmodel.descriptions.builtin_networks import FAMILY, NETWORK_NAMES

    last = {FAMILY[name]: name for name in NETWORK_NAMES}
    return sorted({*last.values(), "mixnet_s", "mobilenetv4_conv_medium", "lcnet_150",
                   "tf_efficientnetv2_b0", "efficientnet_es", "shufflenet_v2_x1_0",
                   "ghostnet_100", "convnext_atto", "repvit_m0_9", "mobileone_s4"})


@pytest.mark.parametrize("network", _one_per_family())
def test_every_view_of_every_family(app: AppTest, network: str) -> None:
    pick(app, network)
    r = costmodel.report(network=network)
    for view in VIEWS:
        app.button_group(key="view").set_value(view).run()
        assert not app.exception, (view, app.exception)
        assert not [e.value for e in app.error], (view, [e.value for e in app.error])
        assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}", view
        if r.network.fixed_width:  # α is the one the builder's name fixes
            assert metric(app, "Width multiplier α") == f"{r.alpha:g}"


def test_a_timm_family_name_has_an_alpha_slider(app: AppTest) -> None:
    # lcnet and mobilenetv2 take any α (timm's generators at that channel multiplier)
    pick(app, "lcnet")
    assert not app.exception
    assert not any(m.label == "Width multiplier α" for m in app.metric)
    app.slider(key="alpha").set_value(0.6).run()
    assert not app.exception
    # timm+fvcore, _gen_lcnet('lcnet_100', channel_multiplier=0.6) at 224 px
    assert metric(app, "Mult-Adds") == "68,218,312"
    assert link(app)["network"] == "lcnet" and link(app)["alpha"] == "0.6"
    app.number_input(key="alpha_typed").set_value(5.0).run()
    assert not app.exception
    assert any("alpha must be a finite number in (0, 4]" in shown(e.value) for e in app.error)
    app.number_input(key="alpha_typed").set_value(None).run()
    pick(app, "mobilenetv2")
    app.slider(key="alpha").set_value(0.8).run()
    app.slider(key="resolution").set_value(200).run()
    assert not app.exception
    # timm+fvcore, _gen_mobilenet_v2('mobilenetv2_100', 0.8) at 200 px
    assert metric(app, "Mult-Adds") == "192,897,952"
    # a timm model's name still fixes its multiplier: no slider, α shown
    pick(app, "lcnet_050")
    assert metric(app, "Width multiplier α") == "0.5"


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders(app: AppTest, view: str) -> None:
    app.button_group(key="view").set_value(view).run()
    assert not app.exception


def test_cached_chart_pictures_follow_the_configuration(app: AppTest) -> None:
    # the pictures are cached by configuration (app.builtin_chart_svg): each move, back to a
    # configuration seen and on to a new one, and a budget, shows that configuration's own
    # picture, as the library draws it
    from costmodel.presentation import plots

    app.button_group(key="view").set_value("α × resolution").run()
    for alpha in (0.5, 1.0, 0.5, 0.75):
        app.slider(key="alpha").set_value(alpha).run()
        assert not app.exception
        r = costmodel.report(alpha, resolution=224, network="mobilenet_v1")
        assert pictures(app) == [plots.plane_svg(r, phone=False), plots.plane_svg(r, phone=True)]
    app.session_state["budget_mult_adds"] = 300.0
    app.run()
    r = costmodel.report(0.75, resolution=224, network="mobilenet_v1")
    assert pictures(app)[0] == plots.plane_svg(r, budget_mult_adds=300e6)
    assert pictures(app)[0] != plots.plane_svg(r)
    app.button_group(key="view").set_value("Per layer").run()
    app.button_group(key="layers_scale").set_value("log").run()
    assert pictures(app)[0] == plots.layers_svg(r, log=True)


@pytest.mark.parametrize(("view", "charts"), [("Per layer", 1), ("α × resolution", 1),
                                              ("Latency", 2)])
def test_every_chart(app: AppTest, view: str, charts: int) -> None:
    app.button_group(key="view").set_value(view).run()
    assert not app.exception
    assert len(pictures(app)) == 2 * charts  # static: desktop and phone layouts
    app.toggle(key="chart_interactive").set_value(True).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts
    if view == "Per layer":
        app.button_group(key="layers_scale").set_value("log").run()
        assert not app.exception
    if view == "Latency":  # the share of time beside the share of Mult-Adds, per layer,
        # in a fold drawn only while open (a slider move would redraw it)
        assert not app.dataframe
        app.session_state["fold_latency_layers"] = True
        app.run()
        frame = next(f.value for f in app.dataframe if "time_pct" in f.value.columns)
        assert frame["time_pct"].sum() == pytest.approx(100)  # the layer times sum to the total
        assert {"mult_adds_pct", "bound"} <= set(frame.columns)


@pytest.mark.parametrize(("view", "charts"), [("Accuracy", 1), ("Per layer", 1),
                                             ("α × resolution", 1), ("Latency", 2)])
def test_charts_static_and_interactive(app: AppTest, view: str, charts: int) -> None:
    # each chart as a static picture in two layouts (desktop, phone), one shown by the
    # screen's width through CSS; plotly when the interactive charts are on
    app.button_group(key="view").set_value(view).run()
    assert len(pictures(app)) == 2 * charts and not app.get("plotly_chart")
    app.toggle(key="chart_interactive").set_value(True).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts and not pictures(app)


def test_lesson_uses_the_layers_own_numbers(app: AppTest) -> None:
    app.slider(key="alpha").set_value(0.5).run()
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
    assert app.selectbox(key="lesson_block").value == "dw2/pw2"
    latex = "\n".join(_formulas(app))
    assert "max(int(0.5·64), 8) = 32" in latex  # the rounding step, shown
    # dw2 at α = 0.5, 224 px: 3²·32·56² (Table 1's shapes at half width), the numbers as
    # text under the typeset general form
    assert r"D_K^2 \cdot M \cdot D_G^2" in _formulas(app)
    assert "D_K²·M·D_G² = 3²·32·56² = 903,168" in _text(app)
    app.selectbox(key="lesson_block").set_value("dw4/pw4").run()
    assert not app.exception
    # every formula of the package, in a fold drawn only while open
    shut = len(_formulas(app))
    app.session_state["fold_formulas"] = True
    app.run()
    assert len(_formulas(app)) == shut + len(costmodel.formula_catalog())


def _formulas(at: AppTest) -> list[str]:
    """The display formulas on the page (each step's, in its text: ``$$ ... $$``)."""
    return [f for m in at.markdown for f in re.findall(r"\$\$\n(.*?)\n\$\$", str(m.value), re.S)]


#: a lesson step's title, at the start of its first Markdown element ("**1. A standard conv…")
STEP_TITLE = re.compile(r"\*\*\d+\. ")


def _step_titles(at: AppTest) -> list[str]:
    return [shown(m.value).split("**")[1] for m in at.markdown
            if STEP_TITLE.match(str(m.value))]


def _answer(at: AppTest, step: int) -> object:
    """The answer widget of step ``step`` (0-based): a radio or a text box."""
    for widget in (*at.radio, *at.text_input):
        if widget.key == f"lesson_answer_{step}":
            return widget
    raise AssertionError(f"no answer widget for step {step}")


def test_lesson_answer_is_kept_for_its_question_and_emptied_for_a_new_one(app: AppTest) -> None:
    # one widget per step (a key per question rebuilt it at every slider move): a chosen
    # answer stays while its question stays, and goes when α changes the question's numbers
    # (a wrong one: the right one would open the next step, and its question would go)
    app.button_group(key="view").set_value("Lesson").run()
    _answer(app, 0).set_value("25,690,112").run()  # type: ignore[attr-defined]
    app.run()  # a rerun with the same question keeps the choice and its grade
    assert _answer(app, 0).value == "25,690,112"  # type: ignore[attr-defined]
    assert any("Not quite" in shown(e.value) for e in app.error)
    app.slider(key="alpha").set_value(0.5).run()  # 32 -> 64 channels: other choices
    question = _answer(app, 0)
    assert "32 → 64 channels" in question.label  # type: ignore[attr-defined]
    assert question.value is None  # type: ignore[attr-defined]
    # the old grade is gone with its question (the feedback belongs to the whole question)
    assert not app.success and not app.error and len(_step_titles(app)) == 1


def test_lesson_opens_a_step_per_answered_question(app: AppTest) -> None:
    # MobileNet v1's dw2/pw2 at α = 1, 224 px (Howard et al. 2017, Table 1)
    app.button_group(key="view").set_value("Lesson").run()
    assert _step_titles(app) == ["1. A standard conv in its place"]
    # the block's diagram, then the three convolutions, each in both layouts (no browser has
    # reported its screen): the phone's at most 350 px wide (text at 11 px on a 390-px screen)
    widths = [int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
              for svg in pictures(app)]
    assert len(widths) == 4 and widths[1] <= 350 and widths[3] <= 350
    assert widths[0] > widths[1] and widths[2] == 440
    # each step's PyTorch lines, a fenced block in its text
    code = "\n".join(str(m.value) for m in app.markdown)
    assert "```python\nnn.Conv2d(64, 128, 3, stride=2, padding=1, bias=False)" in code
    # a wrong choice: graded as it is chosen (no Check button), and the next step stays shut
    question = _answer(app, 0)
    assert list(question.options) == ["73,728", "25,690,112", "231,211,008", "924,844,032"]
    assert not app.button(key="lesson_reveal_0").disabled
    assert [b.key for b in app.button if str(b.key).startswith("lesson_")] == ["lesson_reveal_0"]
    question.set_value("25,690,112").run()  # type: ignore[attr-defined]
    assert any("Not quite: the answer is 231,211,008" in shown(e.value) for e in app.error)
    assert len(_step_titles(app)) == 1
    # the right one (3²·64·128·56²) opens step 2, dw2
    _answer(app, 0).set_value("231,211,008").run()  # type: ignore[attr-defined]
    assert any("Right: 231,211,008" in shown(s.value) for s in app.success)
    assert _step_titles(app) == ["1. A standard conv in its place",
                                 "2. Depthwise: one filter per channel"]
    code = "\n".join(str(m.value) for m in app.markdown)
    assert "```python\nnn.Conv2d(64, 64, 3, stride=2, padding=1, groups=64, bias=False)" in code
    # step 2 asks for dw2's weights: 3²·64 = 576; an unreadable answer is refused
    _answer(app, 1).input("lots").run()  # type: ignore[attr-defined]
    assert any("answer must be" in shown(w.value) for w in app.warning)
    assert len(_step_titles(app)) == 2
    # an emptied box is not graded: the warning goes, and the step stays shut
    _answer(app, 1).input("").run()  # type: ignore[attr-defined]
    assert not app.warning and not app.error and len(_step_titles(app)) == 2
    # giving up shows the answer and goes on
    app.button(key="lesson_reveal_1").click().run()
    assert any("The answer is 576 weights" in shown(i.value) for i in app.info)
    assert len(_step_titles(app)) == 3
    # the steps stay open when α moves (their numbers follow: dw2 at α = 0.5 has 32 channels)
    # The typeset general forms are the same elements, unchanged, so that the browser does
    # not typeset them again on a slider move; the numbers as text follow α
    general = [str(m.value) for m in app.markdown if "$$" in str(m.value)]
    assert len(general) == 3  # steps 1-3: D_K²·M·N·D_G², D_K²·M·D_G², M·N·D_G²
    assert "3²·64·56² = 1,806,336" in _text(app)
    app.slider(key="alpha").set_value(0.5).run()
    assert len(_step_titles(app)) == 3
    assert [str(m.value) for m in app.markdown if "$$" in str(m.value)] == general
    assert "3²·32·56² = 903,168" in _text(app)
    # step 2's answer given at α = 1 (576 weights, 1,806,336 / 56²) is not shown for α = 0.5's
    # dw2 (288 weights), though the question's words are the same
    assert "1,806,336" not in _text(app)
    # show every step, with its question (MobileNet v1's lesson has 9)
    app.toggle(key="lesson_all").set_value(True).run()
    assert len(_step_titles(app)) == 9
    app.toggle(key="lesson_all").set_value(False).run()
    assert len(_step_titles(app)) == 3
    # another block starts at its first step
    app.selectbox(key="lesson_block").set_value("dw4/pw4").run()
    assert len(_step_titles(app)) == 1
    assert not app.exception


def _question(at: AppTest) -> str:
    return next(shown(m.value) for m in at.markdown if m.value.startswith("**Question"))


def _check(at: AppTest, answer: str) -> None:
    at.text_input(key="exercise_answer").input(answer).run()
    at.button(key="exercise_check").click().run()
    assert not at.exception


def _score(at: AppTest) -> tuple[str, str, str]:
    (line,) = [shown(m.value) for m in at.markdown if "Score this session" in str(m.value)]
    found = re.search(r"(\d+) right at the first try, (\d+) after the hint, (\d+) wrong", line)
    assert found, line
    return found.group(1), found.group(2), found.group(3)


def test_exercise_hint_then_solution_and_a_running_score(app: AppTest) -> None:
    app.button_group(key="view").set_value("Exercises").run()
    app.selectbox(key="exercise_kind").set_value("layer_mult_adds").run()
    # class seed 1, question 1: the library's own question for that seed
    assert app.number_input(key="class_seed").value == 1
    assert app.number_input(key="exercise_number").value == 1
    exercise = make_exercise(question_seed(1, 1), kind="layer_mult_adds")
    assert exercise.question in _question(app)
    assert _score(app) == ("0", "0", "0")
    # a wrong first try: the hint, and neither the answer nor the solution
    _check(app, "12")
    assert any("Not quite" in shown(e.value) for e in app.error)
    assert any(exercise.hint in shown(i.value) for i in app.info)
    assert "Worked solution" not in _text(app) and f"{int(exercise.answer):,}" not in _text(app)
    # an unreadable answer uses no try
    _check(app, "abc")
    assert any("answer must be" in shown(w.value) for w in app.warning)
    # a wrong second try: the answer and the worked solution; scored wrong once
    _check(app, "13")
    assert any(f"the answer is {int(exercise.answer):,}" in shown(e.value) for e in app.error)
    assert "Worked solution" in _text(app)
    assert _score(app) == ("0", "0", "1")
    _check(app, f"{int(exercise.answer):,}")  # right now, but the question is over
    assert _score(app) == ("0", "0", "1")
    # the next question, right at the first try
    app.button(key="exercise_new").click().run()
    assert app.session_state["exercise_number"] == 2
    assert not app.success and not app.error
    second = make_exercise(question_seed(1, 2), kind="layer_mult_adds")
    assert second.question in _question(app)
    _check(app, f"{int(second.answer):,}")
    assert any("Right" in shown(s.value) for s in app.success)
    assert "Worked solution" in _text(app)
    assert _score(app) == ("1", "0", "1")
    # the third, right after the hint
    app.button(key="exercise_new").click().run()
    third = make_exercise(question_seed(1, 3), kind="layer_mult_adds")
    _check(app, "1")
    assert any(third.hint in shown(i.value) for i in app.info)
    _check(app, f"{int(third.answer):,}")
    assert any("Right" in shown(s.value) for s in app.success)
    assert _score(app) == ("1", "1", "1")
    app.button(key="exercise_reset_score").click().run()
    assert _score(app) == ("0", "0", "0")


def test_class_seed_asks_the_same_questions_and_travels_in_the_link(app: AppTest) -> None:
    app.button_group(key="view").set_value("Exercises").run()
    app.radio(key="exercise_level").set_value("medium").run()
    app.number_input(key="class_seed").set_value(42).run()
    first = make_exercise(question_seed(42, 1), level="medium")
    assert first.question in _question(app)
    assert link(app)["class_seed"] == "42"
    assert link(app)["exercise_level"] == "medium"
    # the seed outlives the view
    app.button_group(key="view").set_value("Lesson").run()
    app.button_group(key="view").set_value("Exercises").run()
    assert app.number_input(key="class_seed").value == 42
    # a student opening the shared link gets question 1, then question 2, of seed 42
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"view": "Exercises", "class_seed": "42",
                            "exercise_level": "medium"})
    at.run()
    assert not at.exception and not at.toast
    assert first.question in _question(at)
    at.button(key="exercise_new").click().run()
    assert make_exercise(question_seed(42, 2), level="medium").question in _question(at)
    # a new seed starts at question 1
    at.number_input(key="class_seed").set_value(7).run()
    assert at.number_input(key="exercise_number").value == 1
    assert make_exercise(question_seed(7, 1), level="medium").question in _question(at)


def test_exercises_on_the_new_block_types_and_the_worksheet(app: AppTest) -> None:
    pick(app, "ghostnet_100")
    app.button_group(key="view").set_value("Exercises").run()
    app.radio(key="exercise_level").set_value("hard").run()
    assert "ghost ratio" in app.selectbox(key="exercise_kind").options
    app.selectbox(key="exercise_kind").set_value("ghost_ratio").run()
    exercise = make_exercise(question_seed(1, 1), kind="ghost_ratio", network="ghostnet_100")
    assert exercise.question in _question(app)
    _check(app, f"{float(exercise.answer):.3f}")
    assert any("Right" in shown(s.value) for s in app.success)
    assert link(app)["exercise_kind"] == "ghost_ratio"
    # the worksheet's fold draws its content only while open (fewer elements per move)
    assert not [b for b in app.get("download_button") if "Worksheet" in str(b.proto.label)]
    app.session_state["fold_worksheet"] = True  # as a click on the fold does
    app.run()
    app.number_input(key="worksheet_count").set_value(5).run()
    assert not app.exception
    buttons = [b for b in app.get("download_button") if "Worksheet" in str(b.proto.label)]
    assert len(buttons) == 1


def test_exercise_with_choices(app: AppTest) -> None:
    app.button_group(key="view").set_value("Exercises").run()
    app.selectbox(key="exercise_kind").set_value("most_params").run()
    # α = 1: pw13 (1024·1024 weights) holds the most parameters, ahead of fc (1,025,000)
    app.radio(key="exercise_choice").set_value("pw13").run()
    app.button(key="exercise_check").click().run()
    assert any("Right" in shown(s.value) for s in app.success)


def test_tables_and_downloads(app: AppTest) -> None:
    app.button_group(key="view").set_value("Tables").run()
    assert not app.exception
    # the few-row tables in the text (MobileNet v1 1.0-224, Howard et al. 2017, Table 2:
    # the 1x1 convs hold 94.86 % of the Mult-Adds), the printed costs beside the exact ones
    # (the paper's 569 M), and the per-layer table as the one grid
    text = "\n".join(str(m.value) for m in app.markdown)
    assert "| Conv 1×1 | 539,492,352 | 539.492 | 3,139,584 | 94.86 % |" in text
    assert "| Layer type | Mult-Adds | Mult-Adds (M) |" in text and "| 569M |" in text
    # the per-layer grid, in a fold drawn only while open (a slider move redraws it)
    assert not app.dataframe and any(e.label.startswith("**Per layer** (29 layers")
                                     for e in app.toggle)
    app.session_state["fold_layers"] = True
    app.run()
    assert [len(f.value) for f in app.dataframe] == [29]
    # exact counts as whole numbers with commas, by a format the browser draws without
    # building a number formatter per cell ("localized" cost ~20 ms a slider move)
    columns = json.loads(app.dataframe[0].proto.columns)
    assert columns["mult_adds"]["type_config"] == {"type": "number", "format": "accounting",
                                                    "step": 1}
    # every printed cost, in a fold drawn only while open
    shut = len(app.dataframe)
    app.session_state["fold_printed"] = True
    app.run()
    assert len(app.dataframe) == shut + 1
    assert len(app.dataframe[-1].value) > 100  # the reconciliation: every print
    app.button_group(key="view").set_value("Downloads").run()
    assert not app.exception
    assert len(app.get("download_button")) == 4


def test_budget_answer_first_and_applied(app: AppTest) -> None:
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    assert not app.exception
    text = _text(app)
    assert "Best within the budget" in text and "Best MobileNet v1" in text
    answer = costmodel.presentation.dashboard_state.budget_answer(150.0, None, "mobilenet_v1")
    assert answer is not None and answer.overall is not None
    app.button(key="budget_apply").click().run()
    assert not app.exception
    assert app.session_state["network"] == answer.overall.network
    r = costmodel.report(answer.overall.alpha, resolution=answer.overall.resolution,
                         network=answer.overall.network)
    assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}"
    assert r.mult_adds <= 150e6


def test_budget_answer_for_the_selected_network_applied(app: AppTest) -> None:
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    answer = costmodel.presentation.dashboard_state.budget_answer(150.0, None, "mobilenet_v1")
    assert answer is not None and answer.in_network is not None
    assert answer.in_network.network == "mobilenet_v1"
    app.button(key="budget_apply_network").click().run()
    assert not app.exception
    assert app.session_state["network"] == "mobilenet_v1"
    r = costmodel.report(answer.in_network.alpha, resolution=answer.in_network.resolution)
    assert metric(app, "Mult-Adds") == f"{r.mult_adds:,}" and r.mult_adds <= 150e6


def test_budget_answer_says_measured_or_predicted_with_the_interval(app: AppTest) -> None:
    # TF-slim mobilenet_v1.md: MobileNet_v1_1.0_224, 70.9 % (the paper prints 70.6 %)
    app.number_input(key="budget_mult_adds").set_value(600.0).run()
    text = _text(app)
    # first the short answer, then its source in the fold below it
    assert ("**Best MobileNet v1:** MobileNet v1 α = 1, 224 px: 70.9 % (measured, "
            "checkpoint); 569 M Mult-Adds") in text
    assert ("MobileNet v1 α = 1, 224 px: 70.9 % top-1 (measured, "
            "checkpoint: TF-slim mobilenet_v1.md: MobileNet_v1_1.0_224)") in text
    # MnasNet-A1 at 150 M: a prediction, its interval in the text (± 0.99, docs/accuracy.md)
    pick(app, "mnasnet_a1")
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    assert not app.exception
    text = _text(app)
    assert "**Best MnasNet-A1:** MnasNet-A1 α = 1.05, 144 px: " in text
    assert re.search(r"% top-1 \(predicted, ±1\.0 leave-one-out: \d+\.\d–\d+\.\d %; no "
                     r"checkpoint\)", text)


def test_budget_checkpoints_only_toggle(app: AppTest) -> None:
    # tensorflow/tpu mnasnet/README.md: MnasNet-A1 0.75-160, 70.1 %
    pick(app, "mnasnet_a1")
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    toggle = app.toggle(key="budget_checkpoints_only")
    assert toggle.value is False and not toggle.disabled
    toggle.set_value(True).run()
    assert not app.exception
    text = _text(app)
    assert ("**Best MnasNet-A1:** MnasNet-A1 α = 0.75, 160 px: 70.1 % (measured, "
            "checkpoint)") in text
    assert ("MnasNet-A1 α = 0.75, 160 px: 70.1 % top-1 (measured, "
            "checkpoint: tensorflow/tpu mnasnet/README.md: MnasNet-A1 0.75-160)") in text
    assert "predicted" not in text.split("**Best within the budget:**")[1].split("\n")[0]
    assert "configurations with a released checkpoint fit (Mult-Adds ≤ 150,000,000)" in text
    assert link(app)["budget_checkpoints_only"] == "1"
    app.button(key="budget_apply_network").click().run()
    assert not app.exception
    assert metric(app, "Top-1").startswith("70.1 %")
    toggle = app.toggle(key="budget_checkpoints_only")
    toggle.set_value(False).run()
    assert "budget_checkpoints_only" not in link(app)
    assert "**Best MnasNet-A1:** MnasNet-A1 α = 1.05, 144 px: " in _text(app)


def test_budget_checkpoints_only_from_a_link() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"network": "mnasnet_a1", "budget_mult_adds": "150",
                            "budget_checkpoints_only": "1"})
    at.run()
    assert not at.exception and not at.toast
    # the link's budget is answered with its fold shut (the answer, then the headline, first
    # on the page); opening the fold shows the inputs holding the link's values
    assert not at.get("toggle") or "budget_checkpoints_only" not in [t.key for t in at.toggle]
    at.session_state["fold_budget"] = True
    at.run()
    assert at.toggle(key="budget_checkpoints_only").value is True
    assert at.number_input(key="budget_mult_adds").value == 150.0
    assert "MnasNet-A1 α = 0.75, 160 px: 70.1 % top-1 (measured, checkpoint" in _text(at)


def test_params_only_budget_and_nothing_fits(app: AppTest) -> None:
    app.number_input(key="budget_params").set_value(3.0).run()
    text = _text(app)
    assert "params ≤ 3,000,000" in text and "inf" not in text
    app.number_input(key="budget_params").set_value(None).run()
    app.number_input(key="budget_mult_adds").set_value(1.0).run()
    assert any("No configuration fits" in shown(i.value) for i in app.info)
    app.number_input(key="budget_mult_adds").set_value(-5.0).run()
    assert any("budget_mult_adds must be" in shown(e.value) for e in app.error)


def test_shared_link_restores_the_configuration() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"network": "mobilenet_v2", "alpha": "0.75", "resolution": "192",
                            "view": "Tables"})
    at.run()
    assert not at.exception and not at.warning and not at.toast
    r = costmodel.report(0.75, resolution=192, network="mobilenet_v2")
    assert metric(at, "Mult-Adds") == f"{r.mult_adds:,}"
    assert at.button_group(key="view").value == "Tables"


@pytest.mark.parametrize(("query", "message"), [
    ({"alpha": "0.33"}, None),  # usable: typed, not rounded to 0.35
    ({"resolution": "-5"}, "resolution='-5' was not used"),
    ({"resolution": "100000"}, "resolution must be an integer in [1, 4096]"),
    ({"budget_mult_adds": "-5"}, "budget_mult_adds='-5' was not used"),
    ({"budget_checkpoints_only": "yes"}, "budget_checkpoints_only must be 1 (on) or 0 (off)"),
    ({"variant": "bogus"}, "variant='bogus' was not used"),
    ({"alpha": "__import__('os')"}, "alpha must be a number"),
    ({"alpha": "１６０"}, "ASCII digits"),
    ({"class_seed": "-1"}, "class_seed='-1' was not used"),
    ({"class_seed": "5000000"}, "class seed must be an integer in [0, 999,999]"),
    ({"exercise_kind": "ghost_ratio"}, "it needs a ghost module"),
    ({"exercise_level": "expert"}, "exercise_level must be one of any, easy, medium, hard"),
])
def test_unusable_link_values_are_reported(query: dict[str, str], message: str | None) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    warnings = " ".join(shown(t.value) for t in at.toast)  # said once, in toasts
    assert not at.warning
    if message is None:
        assert not warnings
        assert metric(at, "Mult-Adds") == f"{costmodel.report(0.33).mult_adds:,}"
        assert at.number_input(key="alpha_typed").value == 0.33
    else:
        assert message in warnings


CIFAR = (Path(__file__).resolve().parents[1] / "data" / "examples"
         / "mobilenet_v1_cifar_layers.csv").read_bytes()


def test_uploaded_table_hides_what_does_not_apply(app: AppTest) -> None:
    app.file_uploader(key="architecture_upload").set_value(
        ("cifar.csv", CIFAR, "text/csv")).run()
    assert not app.exception
    assert metric(app, "Mult-Adds") == "46,354,432"  # the CIFAR table at 32 px
    keys = {w.key for w in app.slider}
    assert "resolution" not in keys
    assert app.selectbox(key="network").disabled
    assert any("applies to the built-in networks" in shown(i.value) for i in app.info)
    app.number_input(key="custom_resolution").set_value(64).run()
    r64 = costmodel.report(resolution=64, network="mobilenet_v1_cifar")
    assert metric(app, "Mult-Adds") == f"{r64.mult_adds:,}"
    for view in VIEWS:
        app.button_group(key="view").set_value(view).run()
        assert not app.exception


def test_broken_upload_error_in_the_main_area(app: AppTest) -> None:
    bad = b"name,kind,kernel,stride,in_channels,out_channels\nc1,pool,3,2,3,16\n"
    app.file_uploader(key="architecture_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not app.exception
    main_errors = [shown(e.value) for e in app.main.error]
    assert any("bad.csv was not loaded" in e and "line 2" in e for e in main_errors)
    assert metric(app, "Mult-Adds") == "568,740,352"  # still running, on MobileNet v1


NO_BLOCKS = b"operator,c,k,s\nconv,8,3,2\npool,,,\nclassifier,classes,,\n"


def test_a_table_without_blocks_says_what_each_view_can_show(app: AppTest) -> None:
    # issue 18, point 8: the Lesson view raised "block must be one of: ; got ''" and the
    # "halving α" exercise divided by zero (no 1×1 convs)
    app.file_uploader(key="architecture_upload").set_value(
        ("convs.csv", NO_BLOCKS, "text/csv")).run()
    for view in VIEWS:
        app.button_group(key="view").set_value(view).run()
        assert not app.exception, view
    app.button_group(key="view").set_value("Lesson").run()
    assert any("has none" in shown(i.value) for i in app.info)
    assert not app.get("selectbox") or all(s.key != "lesson_block" for s in app.selectbox)
    app.button_group(key="view").set_value("Exercises").run()
    kinds = app.selectbox(key="exercise_kind").options
    assert "halving alpha" not in kinds and "separable saving" not in kinds
    app.session_state["fold_not_asked"] = True  # the fold that says why, opened
    app.run()
    captions = " ".join(shown(c.value) for c in app.caption)
    assert "No halving alpha question: it needs 1×1 convs on a feature map" in captions
    for kind in kinds:
        app.selectbox(key="exercise_kind").set_value(kind.replace(" ", "_")).run()
        assert not app.exception, kind
    # no hard kind applies to plain convs: said, not raised
    app.radio(key="exercise_level").set_value("hard").run()
    assert not app.exception
    assert any("no hard kind of question applies" in shown(i.value) for i in app.info)


def test_an_uploaded_title_is_shown_as_written(app: AppTest) -> None:
    # issue 18, point 11: the title went into Markdown as it was
    title = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    table = f"# title: {title}\n".encode() + NO_BLOCKS
    app.file_uploader(key="architecture_upload").set_value(("t.csv", table, "text/csv")).run()
    assert not app.exception
    heading = next(m.value for m in app.markdown if m.value.startswith("### costmodel"))
    assert "<" not in heading and not re.search(r"(?<!\\)\]\(", heading)  # no tag, no link
    assert shown(heading) == f"### costmodel · {title}"


def test_latency_budget_on_a_device(app: AppTest) -> None:
    # issue 17: a latency budget on a device profile, the estimate's error said with it
    app.number_input(key="budget_latency_ms").set_value(25.0).run()
    assert not app.exception
    text = _text(app)
    first = text.split("**Best within the budget:**")[1].split("\n")[0]
    assert "on pixel1 (estimate)" in first
    assert "Latency estimated on pixel1 (batch 1" in text
    # the answer is within the budget, and the sources say which budget was applied (they
    # said "(no budget)" beside "405 of them within 25 ms")
    answer_ms = float(re.search(r"≈ ([\d.]+) ms on pixel1", first).group(1))  # type: ignore[union-attr]
    assert 0 < answer_ms <= 25
    assert "(no budget)" not in text
    assert re.search(r"fit \(no Mult-Adds or params budget\); .* of them within 25 ms on "
                     r"pixel1", text)
    assert link(app)["budget_latency_ms"] == "25.0"
    assert link(app)["budget_profile"] == "pixel1"


def test_folds_draw_their_content_only_while_open() -> None:
    # every block of the page is redrawn several times a slider move, a closed fold's content
    # included: the budget's and the typed values' folds draw theirs only while open
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.number_input  # no budget box, no typed α or size
    assert not at.get("file_uploader")
    # (switches, not expanders: the front end redraws an expander at each of a move's redraws)
    assert not at.expander
    assert shown(at.toggle(key="fold_budget").label).endswith("Budget · your own network table")
    assert at.toggle(key="fold_exact").label == "Type any α or size"
    # a budget set in the open fold outlives the closed fold: its answer stays, and so does
    # the value when the fold opens again
    at.session_state["fold_budget"] = True
    at.run()
    at.number_input(key="budget_mult_adds").set_value(150.0).run()
    at.toggle(key="budget_checkpoints_only").set_value(True).run()
    at.session_state["fold_budget"] = False
    at.run()
    assert not at.exception and not at.number_input
    assert "Best within the budget" in _text(at)
    at.slider(key="alpha").set_value(0.5).run()  # a fragment rerun, and another full one
    at.button_group(key="view").set_value("Tables").run()
    assert "Best within the budget" in _text(at)
    at.session_state["fold_budget"] = True
    at.run()
    assert at.number_input(key="budget_mult_adds").value == 150.0
    assert at.toggle(key="budget_checkpoints_only").value is True
    # a loaded table stays loaded while its fold is shut (its uploader is still drawn)
    at.file_uploader(key="architecture_upload").set_value(
        ("small.csv", b"# image_size: 32\noperator,c,k,s\nconv,8,3,2\n", "text/csv")).run()
    at.session_state["fold_budget"] = False
    at.run()
    assert not at.exception and at.get("file_uploader")
    # one 3×3 stride-2 conv 3 → 8 on 32 px: 3²·3·8·16² Mult-Adds
    assert next(m.value for m in at.metric if m.label.startswith("Mult-Adds")) == "55,296"
    # a typed α opens its fold, which shows what overrides the slider
    at.file_uploader(key="architecture_upload").set_value(None).run()
    at.session_state["fold_exact"] = True
    at.run()
    at.number_input(key="alpha_typed").set_value(0.33).run()
    at.session_state["fold_exact"] = False  # closing it while the value is in use
    at.run()
    assert at.number_input(key="alpha_typed").value == 0.33
    assert at.slider(key="alpha").disabled


def test_network_picker_is_drawn_only_while_its_fold_is_open() -> None:
    # a select box re-renders each of its 118 options on every redraw of the page (several a
    # slider move), so the picker sits in a fold, drawn only while open; a pick shuts it
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not any(w.key == "network" for w in at.selectbox)
    fold = at.toggle(key="fold_network")
    assert shown(fold.label) == ":material/swap_horiz: Network · MobileNet v1 (mobilenet_v1)"
    at.session_state["fold_network"] = True
    at.run()
    assert len(at.selectbox(key="network").options) >= 50
    at.selectbox(key="network").set_value("ghostnet_100").run()
    assert not at.exception
    assert not any(w.key == "network" for w in at.selectbox)  # the pick shut the fold
    assert shown(at.toggle(key="fold_network").label).endswith(
        "Network · GhostNet 1.0× (ghostnet_100)")
    assert at.toggle(key="fold_network").value is False
    r = costmodel.report(network="ghostnet_100")
    assert metric(at, "Mult-Adds") == f"{r.mult_adds:,}"
    # the network outlives the shut fold: a slider move (a fragment rerun) and a new view
    # (a full rerun) keep it
    at.slider(key="resolution").set_value(192).run()
    at.button_group(key="view").set_value("Tables").run()
    r = costmodel.report(network="ghostnet_100", resolution=192)
    assert metric(at, "Mult-Adds") == f"{r.mult_adds:,}"
    assert at.session_state["network"] == "ghostnet_100" and link(at)["network"] == "ghostnet_100"


def test_the_accuracy_fits_are_computed_in_the_background_after_the_first_page() -> None:
    # the first slider move to a configuration without a checkpoint waited ~0.8 s for the
    # fits behind every predicted top-1 (the exact count of every published configuration):
    # a server starts them in the background once its first page is drawn
    import threading

    import streamlit as st

    from costmodel.literature.accuracy_model import FITTED, accuracy_fits

    st.cache_resource.clear()  # a new server
    accuracy_fits.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"view": "Tables"})  # a page that needs no fit itself
    at.run()
    assert not at.exception
    for thread in threading.enumerate():
        if thread.name == "costmodel accuracy fits":
            thread.join(timeout=120)
    assert accuracy_fits.cache_info().currsize == len(FITTED) == 3


def test_pictures_hold_an_uploaded_tables_text_as_text(app: AppTest) -> None:
    # the pictures go into the page as SVG markup (app._picture): an uploaded table's title
    # and layer names in them are text, never markup (no element or attribute of their own)
    import xml.etree.ElementTree as ET

    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    table = (f"# title: {hostile}\noperator,name,c,k,s\nconv,{hostile},16,3,2\n"
             f"separable,,32,3,2\nseparable,,64,3,1\npool,,,,\nclassifier,,classes,,\n").encode()
    app.file_uploader(key="architecture_upload").set_value(("t.csv", table, "text/csv")).run()
    assert not app.error
    assert not app.exception
    drawn = 0
    for view in ("Accuracy", "Per layer", "Latency", "Lesson"):
        app.button_group(key="view").set_value(view).run()
        assert not app.exception, view
        for svg in pictures(app):
            drawn += 1
            root = ET.fromstring(svg)  # well-formed: the text is escaped
            for element in root.iter():
                assert element.tag.rsplit("}", 1)[-1] not in {"img", "script", "foreignObject"}
                assert not any(name.lower().startswith("on") for name in element.attrib), view
    assert drawn >= 4
    app.button_group(key="view").set_value("Per layer").run()
    assert any("&lt;img" in svg for svg in pictures(app))  # the hostile name, drawn as text
    assert not any("<img" in svg or "<script" in svg for svg in pictures(app))


def test_every_download_button_leaves_the_page_as_it_is() -> None:
    # issue 17, section 1: a second download within ~2 s of the first did nothing (a click's
    # rerun gave the button a new file id and dropped the old one). Every download button
    # says on_click="ignore" (the browser test downloads twice in a row; this holds without
    # Chromium)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button_group(key="view").set_value("Downloads").run()
    buttons = list(at.get("download_button"))
    at.button_group(key="view").set_value("Exercises").run()
    at.toggle(key="fold_worksheet").set_value(True).run()
    buttons += list(at.get("download_button"))
    assert [b.proto.label for b in buttons] == ["Per-layer CSV", "Report JSON",
                                                "Report Markdown", "Figures HTML",
                                                "Worksheet HTML"]
    assert all(b.proto.ignore_rerun for b in buttons)


def test_a_link_opens_the_lesson_of_one_block() -> None:
    # a teacher links a class to one block's lesson: the link carries the block (where it is
    # not the network's default), and a block the network does not have is refused, said once
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"network": "mobilenet_v2", "view": "Lesson", "lesson_block": "b5"})
    at.run()
    assert not at.exception and not at.toast
    assert at.selectbox(key="lesson_block").value == "b5"
    # b5: 32 → 192 → 32 at 28² (Sandler et al. 2018, Table 2): its standard conv 3²·32·32·28²
    assert "3²·32·32·28² = 7,225,344" in _text(at)
    assert link(at)["lesson_block"] == "b5"
    assert default_block("mobilenet_v2") == "b3"
    at.selectbox(key="lesson_block").set_value("b3").run()
    assert "lesson_block" not in link(at)  # the default block: not in the link
    at.selectbox(key="lesson_block").set_value("b4").run()
    assert link(at)["lesson_block"] == "b4"
    at.button_group(key="view").set_value("Tables").run()
    assert "lesson_block" not in link(at)  # another view: no lesson
    refused = AppTest.from_file(APP, default_timeout=60)
    refused.query_params.update({"network": "mobilenet_v2", "view": "Lesson",
                                 "lesson_block": "dw2/pw2"})  # v1's block, not v2's
    refused.run()
    assert not refused.exception
    assert refused.selectbox(key="lesson_block").value == default_block("mobilenet_v2")
    assert [t.value for t in refused.toast] and "lesson_block='dw2/pw2' was not used" in " ".join(
        shown(t.value) for t in refused.toast)


def test_an_answer_is_emptied_when_its_question_keeps_its_words_but_not_its_answer(
        app: AppTest) -> None:
    # the ratio question's words do not change with α, its answer does: a kept answer would
    # sit in its box ungraded (Enter on an unchanged box does not fire on_change)
    pick(app, "mobilenet_v2")
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, each question in a fold
    fold = [e.label for e in app.expander if "how many times more" in e.label]
    assert len(fold) == 1  # the question's words, the fold's title
    _answer(app, 4).input("1.58").run()  # type: ignore[attr-defined]  # b3: 25,740,288 / 16,257,024
    assert any("Right: 1.58" in shown(s.value) for s in app.success)
    app.slider(key="alpha").set_value(0.5).run()  # b3 at α = 0.5: 1.71×, the same words
    assert [e.label for e in app.expander if "how many times more" in e.label] == fold
    assert _answer(app, 4).value in (None, "")  # type: ignore[attr-defined]
    assert not app.success
