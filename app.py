"""costmodel dashboard: the answer first (cost, accuracy, the best configuration for a budget),
then the lesson, exercises, charts and tables.

This file only wires widgets to library calls and displays what they return; every number,
message and figure comes from the ``costmodel`` package
(``costmodel.presentation.dashboard_state`` holds the link reading, the headline and the budget
answer), so a script can get the same. Only the selected view is built on each run, and the
results that do not depend on a moved widget are cached, so that a slider move redraws in well
under 200 ms.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable
from typing import Any, Literal

import streamlit as st

import costmodel
from costmodel.base.formatting import (
    approx_ms,
    frame_to_csv,
    markdown_code,
    markdown_text,
    times_fewer_or_more,
)
from costmodel.base.kinds import DEFAULT_PROFILE
from costmodel.descriptions.builtin_networks import NETWORK_NAMES, get_network
from costmodel.descriptions.configuration import check_alpha, check_resolution
from costmodel.descriptions.network_spec import Network
from costmodel.hardware.device_profiles import get_profile
from costmodel.hardware.latency import total_seconds
from costmodel.hardware.latency_validation import estimate_note
from costmodel.literature.accuracy import reconciliation
from costmodel.literature.accuracy_model import FITTED
from costmodel.presentation import plots
from costmodel.presentation.block_diagram import block_diagram_svg, conv_comparison_svg
from costmodel.presentation.dashboard_state import (
    ALPHA_SLIDER,
    ALPHA_STEP,
    ANY,
    EXERCISE_LEVELS,
    VIEWS,
    BudgetChoice,
    accuracy_headline,
    budget_answer,
    chart_layouts,
    column_spec,
    link_query,
    markdown_table,
    network_choices,
    network_label,
    profile_names,
    read_link,
    widget_ranges,
)
from costmodel.reports import Report
from costmodel.teaching.exercises import (
    DEFAULT_CLASS_SEED,
    MAX_CLASS_SEED,
    MAX_QUESTION_NUMBER,
    MAX_WORKSHEET_QUESTIONS,
    Session,
    answer_text,
    exercise_kinds,
    grade,
    make_exercise,
    make_worksheet,
    question_seed,
    reveal,
)
from costmodel.teaching.lesson import (
    CheckQuestion,
    Lesson,
    build_lesson,
    default_block,
    lesson_blocks,
    no_lesson,
)
from costmodel.teaching.worksheet import worksheet_html

st.set_page_config(page_title="costmodel", layout="wide")


def _collect_and_freeze() -> None:
    """Collect every cycle of garbage, then move what is alive out of the collector's reach.
    Streamlit runs a full collection after every run, slider moves included, holding the
    interpreter's lock: over this app's heap (the imported modules, the network tables, the
    caches) that took 40-100 ms per move (benchmarks/dashboard_speed.py). Called at the end of
    every full run (a first load, a new view or network), never in a slider move: the
    collection after a move then scans only what was made since, and each full run unfreezes
    first, so no garbage is kept."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def _warm_accuracy_fits() -> threading.Thread:
    """Once per server, after its first page is drawn: the accuracy fits behind every predicted
    top-1 (about 1 s: the exact count of every published configuration, then each fit),
    computed in the background. Otherwise the first slider move to a configuration without a
    checkpoint waited for them: a move of 0.6-0.9 s, the first of each view in
    benchmarks/dashboard_speed.py (each view on a fresh server)."""
    thread = threading.Thread(target=lambda: [costmodel.accuracy_fits(name) for name in FITTED],
                              name="costmodel accuracy fits", daemon=True)
    thread.start()
    return thread


VARIANT_LABELS = {"separable": "separable (Table 1)", "full": "full conv (Table 4)",
                  "shallow": "shallow (Table 5)"}
CHARTS = ("Accuracy", "Per layer", "α × resolution", "Latency", "Time share")
#: each chart's widget keys: chart_desktop_NAME, chart_phone_NAME, plotly_NAME
CHART_KEYS = dict(zip(CHARTS, ("accuracy", "layers", "plane", "latency", "time_share"),
                      strict=True))
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
PROFILE = DEFAULT_PROFILE
#: what every latency shown assumes (said next to the number)
LATENCY_ASSUMPTIONS = estimate_note(get_profile(PROFILE))
# one of each chart's two layouts (desktop, phone), by the screen's width; a wide Markdown
# table scrolls sideways within the page (the Tables view's); the lesson's PyTorch lines wrap
# and, on a phone, the headline numbers compact and kept on screen (below the page's 60-px
# header) while the controls below them scroll (a preset tapped further down leaves them in view)
st.html("<style>@media (max-width: 640px) { [class*=st-key-chart_desktop] { display: none; } "
        "[data-testid=stLayoutWrapper]:has(> .st-key-headline), "
        ".st-key-headline { position: sticky; top: 3.75rem; z-index: 3; "
        "background: var(--st-background-color, white); } "
        ".st-key-headline [data-testid=stMetricValue] { font-size: 1.35rem; } "
        ".st-key-headline [data-testid=stMetric] { min-width: 40%; } } "
        "@media (min-width: 641px) { [class*=st-key-chart_phone] { display: none; } } "
        ".st-key-address_bar { display: none; } "
        "[data-testid=stMarkdownContainer] table { display: block; overflow-x: auto; } "
        "[data-testid=stMarkdownPre] pre, [data-testid=stMarkdownPre] code { "
        "white-space: pre-wrap !important; overflow-wrap: anywhere; }</style>")


# The link in the address bar follows every change, written by the browser itself: setting
# st.query_params instead makes Streamlit's front end redraw the whole page on each slider move
# (about 70 ms; benchmarks/dashboard_speed.py). The query string comes from link_query (built
# from checked values only), and replaceState keeps it on this page's own address. It is
# written once the page has settled (200 ms after the last change; ~2.5 ms a write, out of
# the redraw's way), so a slider dragged across many values writes it once.
# The same component reports the screen's layout (a phone: up to 640 px, as the CSS above)
# when it differs from the one the charts were drawn for, at the first run and when the
# window crosses 640 px, so that each static chart is sent in that layout only
# (chart_layouts); one listener for the page, whatever the runs. The page's root element
# names the layouts the charts were drawn for (data-costmodel-charts: "desktop", "phone" or
# "desktop+phone"), which the browser tests wait on before they move a widget.
ADDRESS_BAR_JS = """
export default function ({ data, setStateValue }) {
  document.documentElement.dataset.costmodelCharts = data.layout;
  clearTimeout(window.__costmodelLink);
  window.__costmodelLink = setTimeout(() => {
    const url = new URL(window.location.href);
    url.search = data.link;
    if (url.href !== window.location.href) {
      window.history.replaceState(window.history.state, "", url);
    }
  }, 200);
  const screen = window.matchMedia("(max-width: 640px)");
  window.__costmodelLayout = () => {
    const layout = screen.matches ? "phone" : "desktop";
    if (layout !== data.layout) setStateValue("layout", layout);
  };
  if (!window.__costmodelScreen) {
    window.__costmodelScreen = screen;
    screen.addEventListener("change", () => window.__costmodelLayout());
  }
  window.__costmodelLayout();
}
"""


@st.cache_resource(show_spinner=False)
def _address_bar() -> Any:  # noqa: ANN401 -- Streamlit's component renderer
    """The component that writes the link (registered once per server)."""
    return st.components.v2.component("costmodel_address_bar", js=ADDRESS_BAR_JS)


# The pictures (charts, the block's diagram, the three convolutions) are SVG drawn by the
# library, put into the page as markup by a component: sent to st.image, an SVG is an image,
# which Chromium builds as a document of its own at each slider move that changes it (paired,
# moves to new values: the Lesson's 238 -> 224 ms, the Latency view's 218 -> 199 ms; docs/
# dashboard.md), and st.html strips SVG. The SVG is written again only when it changed. (The
# library escapes every text it draws: svg_figures, block_diagram.)
PICTURE_JS = """
export default function ({ data, parentElement }) {
  const box = parentElement.querySelector(".cm-picture");
  box.classList.toggle("cm-stretch", data.stretch);
  box.setAttribute("aria-label", data.alt);
  if (box.__svg !== data.svg) {
    box.innerHTML = data.svg;
    box.__svg = data.svg;
  }
}
"""
PICTURE_CSS = """
.cm-picture svg { display: block; max-width: 100%; height: auto; }
.cm-picture.cm-stretch svg { width: 100%; }
"""


@st.cache_resource(show_spinner=False)
def _picture_component() -> Any:  # noqa: ANN401 -- Streamlit's component renderer
    """The component that draws a picture (registered once per server)."""
    return st.components.v2.component(
        "costmodel_picture", html='<div class="cm-picture" role="img"></div>', css=PICTURE_CSS,
        js=PICTURE_JS)


def _picture(svg: str, alt: str, key: str, stretch: bool = True) -> None:
    """The SVG picture ``svg``: as wide as its column (``stretch``), else at most its own
    width; ``alt`` names it for a screen reader; ``key`` is the picture's place on the page."""
    _picture_component()(data={"svg": svg, "alt": alt, "stretch": stretch}, key=key)


# --- cached library calls (keyed by plain values) ---------------------------------------------

@st.cache_resource(max_entries=512, show_spinner=False)
def builtin_report(network: str, rules: str, alpha: float, resolution: int, variant: str,
                   depth: float) -> Report:
    return costmodel.report(alpha, resolution=resolution, network=network, rules=rules,
                            variant=variant, depth=depth)


@st.cache_data(max_entries=512, show_spinner=False)
def latency_ms(network: str, rules: str, alpha: float, resolution: int, variant: str,
               depth: float) -> float:
    """The headline's time: the estimate's total alone (equal to the Latency view's table's
    total to the last bit), without building the table (4 ms of a move to a new value)."""
    r = builtin_report(network, rules, alpha, resolution, variant, depth)
    return total_seconds(r.graph, r.alpha, r.resolution, get_profile(PROFILE)) * 1e3


@st.cache_data(max_entries=512, show_spinner=False)
def memory_summary(network: str, rules: str, alpha: float, resolution: int, variant: str,
                   depth: float) -> tuple[int, int, str]:
    m = builtin_report(network, rules, alpha, resolution, variant, depth).memory("float32")
    return m.weights_bytes, m.peak_activation_bytes, m.peak_layer


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_budget(max_ma: float | None, max_p: float | None, network: str | None,
                  checkpoints_only: bool, max_ms: float | None = None,
                  profile: str | None = None) -> Any:  # noqa: ANN401 -- a BudgetAnswer or None
    return budget_answer(max_ma, max_p, network, checkpoints_only=checkpoints_only,
                         max_latency_ms=max_ms, profile=profile)


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_lesson(block: str, network: str | Network, alpha: float, resolution: int,
                  rules: str | None) -> tuple[Lesson, dict[str, str], dict[str, str]]:
    """The lesson of ``block`` at this configuration (a network's name or an uploaded
    table, which Streamlit hashes by value), with its block diagram and its
    standard/depthwise/pointwise picture as SVG, each in both layouts (desktop, phone: a
    phone's diagram at most ~390 px wide, its text at 10-11 px on a 390-px screen, for all
    blocks but MixNet's mixed kernels and GhostNet's conv shortcuts; its three convolutions
    at most ~414 px, 9.5-px text; drawing them again took each Lesson move ~2 ms of the
    server's time)."""
    lesson = build_lesson(block, network=network, alpha=alpha, resolution=resolution,
                          rules=rules, profile=PROFILE)
    layouts = {"desktop": False, "phone": True}
    return (lesson,
            {name: block_diagram_svg(lesson.anatomy, phone=phone)
             for name, phone in layouts.items()},
            {name: conv_comparison_svg(lesson.anatomy.comparison, phone=phone)
             for name, phone in layouts.items()})


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_exercise_kinds(level: str | None, **configuration: Any) -> Any:  # noqa: ANN401
    return exercise_kinds(**configuration, level=level)


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_exercise(seed: int, **settings: Any) -> Any:  # noqa: ANN401 -- an Exercise
    return make_exercise(seed, **settings)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_reconciliation() -> Any:  # noqa: ANN401 -- a DataFrame
    return reconciliation()


def _network_changed() -> None:
    """A new network: its own width, depth, reference size and first rule set."""
    net = get_network(st.session_state["network"])
    st.session_state["alpha"] = min(max(net.width, ALPHA_SLIDER[0]), ALPHA_SLIDER[1])
    st.session_state["alpha_typed"] = None
    st.session_state["resolution"] = net.image_size
    st.session_state["resolution_typed"] = None
    st.session_state["depth"] = net.depth
    st.session_state["rules"] = net.rule_names[0]
    st.session_state["variant"] = "separable"
    for key in ("lesson_block", "exercise_feedback", "exercise_answer", "exercise_choice"):
        st.session_state.pop(key, None)


def _shown(label: str, key: str, held: bool = False) -> bool:
    """A switch that shows a section (drawn by the caller only while it is on): the page's
    folds. A switch, not an expander: Streamlit's front end redraws an expander at each of a
    slider move's several redraws of the page, a switch only when it changes (the four
    expanders on the Lesson view's page were ~8 % of the components a move redrew and ~7 ms
    of the browser's main thread; docs/dashboard.md). ``held``: the section holds a value in
    use (a loaded table, a typed α or size), so the switch is kept on and the section drawn
    (a widget not drawn loses its value)."""
    if held:
        st.session_state[key] = True
    return st.toggle(label, key=key)


def _network_picked() -> None:
    """A network picked in the sidebar: its own settings, and the picker's switch turns off."""
    st.session_state["fold_network"] = False
    _network_changed()


def _current(key: str) -> float | int | None:
    """The value in use for ``"alpha"`` or ``"resolution"``: the typed one, else the
    slider's (α rounded away from the slider's binary representation error)."""
    now = st.session_state.get(f"{key}_typed")
    if now is None:
        now = st.session_state.get(key)
        if key == "alpha" and now is not None:
            now = round(float(now), 4)
    return now


def _preset_key(key: str) -> str:
    """The widget key of ``key``'s presets for the current value (see ``panel``)."""
    now = _current(key)
    return f"{key}_preset_{now:g}" if now is not None else f"{key}_preset_None"


def _preset(key: str, widget: str) -> None:
    """A paper preset was clicked: use it (clicking the lit one again keeps the value). A
    preset widget drawn for an earlier value (the browser may still report it during quick
    slider moves) is ignored."""
    if widget != _preset_key(key):
        return
    value = st.session_state.get(widget)
    if value is not None:
        st.session_state[key] = value
        st.session_state[f"{key}_typed"] = None


def _use(key: str, value: float | int, network: str) -> None:
    """Put a chosen α or resolution on its slider when the slider can show it (α on the
    slider's grid and range, a resolution within the network's range), else in the box."""
    if key == "alpha":
        fits = ALPHA_SLIDER[0] <= value <= ALPHA_SLIDER[1] and abs(
            value / ALPHA_STEP - round(value / ALPHA_STEP)) < 1e-9
    else:
        low, high = widget_ranges(network).resolution
        fits = low <= value <= high
    st.session_state[key if fits else f"{key}_typed"] = value


def _apply(choice: BudgetChoice) -> None:
    """Apply a budget answer: its network, α and resolution."""
    st.session_state["network"] = choice.network
    _network_changed()
    _use("alpha", choice.alpha, choice.network)
    _use("resolution", choice.resolution, choice.network)


def _keep(defaults: dict[str, object]) -> None:
    """Keep the state of widgets that may not be drawn on this run (a view not shown, a closed
    fold): Streamlit drops the state of a widget that is not drawn, unless it is set again.
    Each key keeps its value, or takes its default the first time."""
    for key, default in defaults.items():
        st.session_state[key] = st.session_state.get(key, default)


def _layouts() -> tuple[str, ...]:
    """The static charts' layouts this run sends: the one the browser reported for its
    screen (the address bar's component), or both until it has (chart_layouts)."""
    state = st.session_state.get("address_bar")
    try:
        reported = state["layout"]  # type: ignore[index]
    except (KeyError, TypeError):
        reported = None
    return chart_layouts(reported)


def _screen_reported() -> None:
    """The browser reported its screen's layout: the rerun this starts draws the charts in it."""


def _keep_view() -> None:
    """The view selector always has a view: clicking the selected one keeps it."""
    if st.session_state.get("view") is None:
        st.session_state["view"] = st.session_state.get("view_last", VIEWS[0])
    st.session_state["view_last"] = st.session_state["view"]


def _clear_answer() -> None:
    for key in ("exercise_feedback", "exercise_answer", "exercise_choice"):
        st.session_state.pop(key, None)


def _new_exercise() -> None:
    """The next question of the class seed."""
    number = int(st.session_state.get("exercise_number", 1))
    st.session_state["exercise_number"] = min(number + 1, MAX_QUESTION_NUMBER)
    _clear_answer()


def _restart_exercises() -> None:
    """A new class seed, level or kind: its questions from the first."""
    st.session_state["exercise_number"] = 1
    _clear_answer()


def _reset_score() -> None:
    st.session_state["exercise_session"] = Session()


# --- the lesson's step-by-step reveal ---------------------------------------------------------
# lesson_progress: {lesson id: steps open}; a step's check question, answered right (or its
# answer asked for), opens the next. The lesson id is the network and block, not α or the size,
# so moving a slider keeps the steps open (their numbers follow).

def _answer_key(step: int) -> str:
    """The widget key of step ``step``'s answer. One widget per step, whatever its question:
    a key per question made a new widget at every slider move (the question's numbers
    follow α), and building it again cost each Lesson move ~10-20 ms of the browser's
    time (benchmarks/dashboard_speed.py); a new question empties it instead (``_question``)."""
    return f"lesson_answer_{step}"


def _opened(lesson_id: str) -> int:
    return int(st.session_state.get("lesson_progress", {}).get(lesson_id, 1))


def _open_next(lesson_id: str, step: int) -> None:
    progress = dict(st.session_state.get("lesson_progress", {}))
    progress[lesson_id] = max(progress.get(lesson_id, 1), step + 2)
    st.session_state["lesson_progress"] = progress


def _check(lesson_id: str, step: int, question: CheckQuestion, give_up: bool) -> None:
    """Grade step ``step``'s answer as it is given (or give the answer): right opens the next
    step. An emptied answer is not graded: the last grade goes."""
    # the whole question, its answer and solution with it: a question whose words stay when α
    # moves (dw2's weights) has other numbers, and its feedback would show the old ones
    where = (lesson_id, step, question)
    if give_up:
        feedback = reveal(question)
        st.session_state["lesson_feedback"] = (*where, "info", feedback.message,
                                               feedback.solution)
        _open_next(lesson_id, step)
        return
    answer = st.session_state.get(_answer_key(step))
    if answer is None or not str(answer).strip():
        if (st.session_state.get("lesson_feedback") or ())[:3] == where:
            del st.session_state["lesson_feedback"]
        return
    try:
        feedback = grade(question, answer)
    except ValueError as error:
        st.session_state["lesson_feedback"] = (*where, "warning", str(error), "")
        return
    st.session_state["lesson_feedback"] = (*where, "success" if feedback.correct else "error",
                                           feedback.message, feedback.solution)
    if feedback.correct:
        _open_next(lesson_id, step)


def _restart(lesson_id: str) -> None:
    progress = dict(st.session_state.get("lesson_progress", {}))
    progress.pop(lesson_id, None)
    st.session_state["lesson_progress"] = progress
    st.session_state.pop("lesson_feedback", None)


def _question(lesson_id: str, step: int, question: CheckQuestion, gate: bool,
              titled: bool = False) -> None:
    """A step's check question: its answer widget, graded as it is chosen (or typed and
    Enter pressed), the answer on request, feedback (``titled``: the question is already said
    above it). No Check button and no box around the question: the four elements they were
    (a box, a row, two buttons) beside its answer cost each Lesson move ~3 ms of the browser's
    main-thread time (a Chromium trace's thread time, 57 → 54 ms a move; docs/dashboard.md)."""
    key = _answer_key(step)
    # an answer given to another question (other numbers, block or network) is not this one's:
    # the whole question is compared, its answer with it (the ratio question keeps its words
    # when α moves, and a kept answer could not be graded again: Enter on an unchanged box
    # does not fire its on_change)
    asked = st.session_state.setdefault("lesson_asked", {})
    if asked.get(step) != question:
        asked[step] = question
        st.session_state[key] = None
    # the question is the answer widget's label (one element fewer to redraw per slider move),
    # or, in "show all" mode, the title of the fold it is in
    label = "Your answer" if titled else f"**Check.** {markdown_text(question.question)}"
    shown: Literal["visible", "collapsed"] = "collapsed" if titled else "visible"
    graded = (lesson_id, step, question, False)
    if question.choices:
        st.radio(label, question.choices, key=key, index=None, format_func=markdown_text,
                 label_visibility=shown, on_change=_check, args=graded)
    else:
        st.text_input(label, key=key, label_visibility=shown, on_change=_check, args=graded,
                      placeholder="a number, e.g. 1296, 3.28M or 8.41; Enter checks it")
    st.button("Show the answer" + (" and go on" if gate else ""), key=f"lesson_reveal_{step}",
              on_click=_check, args=(lesson_id, step, question, True))
    _feedback(lesson_id, step, question)


def _feedback(lesson_id: str, step: int, question: CheckQuestion) -> None:
    """The last answer's grade, where it was to this question, with the worked solution."""
    stored = st.session_state.get("lesson_feedback")
    if stored and stored[:3] == (lesson_id, step, question):
        kind, message, solution = stored[3:]
        getattr(st, kind)(markdown_text(message))
        if solution:
            st.caption(markdown_text(solution))


def _formula(latex: str) -> str:
    """``latex`` as a display formula inside Markdown text (the block st.latex sends), so that
    text and formula are one element: each element costs every slider move a redraw."""
    return f"$$\n{latex}\n$$"


def _lesson_steps(lesson: Lesson, lesson_id: str, show_all: bool,
                  comparison_svg: dict[str, str]) -> None:
    """The steps, each with its formula, its PyTorch lines and its check question; one at a
    time unless every step is shown; ``comparison_svg`` under the first (its standard conv
    taken apart)."""
    opened = len(lesson.steps) if show_all else min(_opened(lesson_id), len(lesson.steps) + 1)
    for i, step in enumerate(lesson.steps[:opened]):
        # the PyTorch lines in the same element: st.code, an element of its own, cost each
        # Lesson move ~10 ms of the browser's time (benchmarks/dashboard_speed.py)
        code = f"\n\n{markdown_code(step.pytorch)}" if step.pytorch else ""
        title = f"**{markdown_text(step.title)}**"
        if step.symbolic:
            # the general form, typeset, in an element of its own: the same at every α and
            # size, so a slider move leaves it as it is (KaTeX typesetting the formula with
            # its numbers again cost each Lesson move ~15 ms of the browser's main-thread
            # time; docs/dashboard.md); the numbers follow as text
            st.markdown(f"{title}\n\n{_formula(step.symbolic)}")
            st.markdown(f"{markdown_text(step.explanation)}\n\n"
                        f"With these numbers: {markdown_text(step.text)}{code}")
        else:
            st.markdown(f"{title}  \n{markdown_text(step.explanation)}"
                        f"\n\n{_formula(step.latex)}{code}")
        if i == 0 and lesson.anatomy.standard.kernel > 1:  # the standard conv, taken apart
            comparison = lesson.anatomy.comparison
            # as the charts: the screen's layout, or both (the CSS hides the other by its
            # key: no container around it, one element fewer for each move to redraw)
            for layout in _layouts():
                _picture(comparison_svg[layout], stretch=False,
                         key=f"chart_{layout}_lesson_convs",
                         alt=f"A standard {comparison.kernel}×{comparison.kernel} conv, a "
                             f"depthwise conv and a pointwise conv, as channel slabs and "
                             f"kernel cubes, with their Mult-Adds")
        question = step.check
        if question is None:
            continue
        if show_all:
            with st.expander(f"Check: {question.question}"):
                _question(lesson_id, i, question, gate=False, titled=True)
        elif i + 1 < opened:  # answered: the next step is open
            st.caption(markdown_text(f"✓ {question.question} {answer_text(question)}."))
            _feedback(lesson_id, i, question)
        else:
            _question(lesson_id, i, question, gate=True)
    if not show_all and opened > len(lesson.steps):
        st.success(f"All {len(lesson.steps)} steps done.")
        st.button("Start again", key="lesson_restart", on_click=_restart, args=(lesson_id,))


def _budget_and_upload(custom: Network | None) -> None:
    """The budget's inputs (what the answer above the headline ranks by) and the table upload,
    side by side."""
    budget_column, upload_column = st.columns(2)
    with budget_column:
        # the answer ranks the built-in ImageNet networks by their top-1: not an uploaded table
        no_budget = ("The budget answer ranks the built-in ImageNet networks by top-1; it does "
                     "not apply to your table." if custom is not None else None)
        st.number_input("Max Mult-Adds (millions)", value=None, step=10.0,
                        key="budget_mult_adds", disabled=custom is not None, help=no_budget)
        st.number_input("Max parameters (millions)", value=None, step=0.1, key="budget_params",
                        disabled=custom is not None, help=no_budget)
        on_device = st.container(horizontal=True)  # (one block: columns would be three)
        on_device.number_input("Max latency (ms)", value=None, step=1.0,
                               key="budget_latency_ms", disabled=custom is not None,
                               help=no_budget or "Estimated at batch 1 on the chosen "
                                                 "device profile (docs/latency.md).")
        on_device.selectbox("on the device", profile_names(), key="budget_profile",
                            disabled=custom is not None)
        st.toggle("Only configurations with a checkpoint", key="budget_checkpoints_only",
                  disabled=custom is not None,
                  help=no_budget or "Rank only configurations whose top-1 is a released "
                                    "checkpoint's evaluation (TF-slim, torchvision, timm, the "
                                    "families' READMEs): no prediction, no paper-only figure.")
        if no_budget:
            st.caption(no_budget)
    with upload_column:
        st.file_uploader("Your network table (CSV, at most 1 MB)", type=["csv"],
                         key="architecture_upload",
                         help="Block, layer or graph schema; see docs/tables.md.")


def _asked_kinds(applies: dict[Any, str]) -> list[str]:
    """The kind select box's options: any, then each kind that applies (no reason not to)."""
    return [ANY, *(k.value for k, why in applies.items() if not why)]


def _exercise_settings() -> None:
    """The Exercises view's class settings: level, kind, seed and question number, with the
    kinds this network is not asked. Drawn below the panel, outside it: they do not depend on
    α or the size, so a slider move does not redraw them (each element a move redraws costs
    the browser ~2-6 ms: a radio, a select box and two number boxes were ~20 ms of each move;
    benchmarks/dashboard_speed.py). The panel works out which kinds apply (which can depend on
    the configuration) and reruns the page when a move changes them."""
    applies = st.session_state.get("exercise_applies")
    if applies is None:  # the panel could not compute this configuration (it says why)
        return
    st.session_state["exercise_applies_drawn"] = applies
    kinds = _asked_kinds(applies)
    st.markdown("**Which questions.** The same level, kind and class seed ask everyone the "
                "same questions, in the same order.")
    first_row = st.container(horizontal=True)
    first_row.radio("Level", EXERCISE_LEVELS, key="exercise_level", horizontal=True,
                    on_change=_restart_exercises,
                    help="Easy: parameters, feature maps. Medium: Mult-Adds, grouped convs, "
                         "shuffle units. Hard: ratios (a separable pair, halving α, ghost and "
                         "fused blocks) and the memory a shuffle unit moves.")
    first_row.selectbox("Kind of question", kinds, key="exercise_kind",
                        format_func=lambda k: k.replace("_", " "), on_change=_restart_exercises)
    second_row = st.container(horizontal=True)
    second_row.number_input(f"Class seed (0–{MAX_CLASS_SEED:,})", min_value=0,
                            max_value=MAX_CLASS_SEED, step=1, key="class_seed",
                            on_change=_restart_exercises,
                            help="Share it (the page's link carries it): the same seed and "
                                 "settings ask everyone the same questions, in the same order.")
    second_row.number_input("Question number", min_value=1, max_value=MAX_QUESTION_NUMBER,
                            step=1, key="exercise_number", on_change=_clear_answer)
    missing = [(k, why) for k, why in applies.items() if why]
    if missing and _shown(f"Kinds this network is not asked ({len(missing)})",
                          "fold_not_asked"):
        st.caption("  \n".join(markdown_text(f"No {k.value.replace('_', ' ')} question: "
                                             f"{why}.") for k, why in missing))


def _lesson_picker(network: str | Network) -> None:
    """The Lesson view's block and its "show all steps" switch, in one row above the panel:
    they do not depend on α or the size, so, outside the panel, a slider move does not
    redraw them (each element a move redraws costs the browser ~3 ms;
    benchmarks/dashboard_speed.py)."""
    blocks = lesson_blocks(network)
    if not blocks:  # the panel says why
        return
    if st.session_state.get("lesson_block") not in blocks:
        st.session_state["lesson_block"] = default_block(network) if isinstance(
            network, str) else blocks[0]
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.selectbox("Block", blocks, key="lesson_block")
    row.toggle("Show all steps", key="lesson_all",
               help="Otherwise each step opens once the question after the one before it is "
                    "answered.")


# --- first run: defaults, then the link's usable values ---------------------------------------
if "initialised" not in st.session_state:
    link = read_link(dict(st.query_params))
    st.session_state["link_messages"] = link.messages
    st.session_state["network"] = str(link.values.get("network", "mobilenet_v1"))
    _network_changed()
    for key, value in link.values.items():
        if key in ("alpha", "resolution"):
            _use(key, value, st.session_state["network"])  # type: ignore[arg-type]
        elif key != "network":
            st.session_state[key] = value
    st.session_state["initialised"] = True

# --- sidebar: what changes rarely (the network, its options, a table, the budget) ------------
network_name: str = st.session_state["network"]
net = get_network(network_name)
# widgets hidden on the last run (an upload, a network without variants) lost their state
for _key, _default in (("alpha", min(max(net.width, ALPHA_SLIDER[0]), ALPHA_SLIDER[1])),
                       ("resolution", net.image_size), ("rules", net.rule_names[0]),
                       ("variant", "separable"), ("depth", net.depth)):
    st.session_state.setdefault(_key, _default)

# an uploaded table replaces the built-in network (its widget is drawn in the sidebar below)
custom: Network | None = None
upload_error = None
upload = st.session_state.get("architecture_upload")
if upload is not None:
    try:
        custom = costmodel.load_network(upload.getvalue(), name=upload.name)
    except ValueError as error:
        upload_error = f"{upload.name} was not loaded: {error}."
    else:
        # every upload (a replacement, or the same file again) starts at its own input size
        # and width, so that the headline is its own count: the size box and the α slider
        # keep their values across runs, so they are reset when the upload changes
        if st.session_state.get("custom_upload") != upload.file_id:
            st.session_state["custom_upload"] = upload.file_id
            st.session_state["custom_resolution"] = custom.image_size
            # (on the slider where it can show it, else typed: a table's width is any α)
            st.session_state["alpha_typed"] = None
            _use("alpha", custom.width, network_name)

# the charts' switch applies to the views with charts (drawn there only: every element of the
# page is redrawn several times a slider move); its state outlives the other views
_keep({"chart_interactive": False})
# The network picker is drawn only while its switch is on, and a pick turns it off: a
# select box re-renders every one of its options in the browser on each of the page's
# several redraws a slider move, shown or not (its 118 options were a third of the React
# components re-rendered in a move, counted in Chromium). The network outlives the picker
_keep({"network": network_name})
with st.sidebar:
    # (the network shown: an uploaded table's title while it is shown, not the picker's)
    shown_name = (network_label(network_name) if custom is None
                  else f"{custom.title} (your table)")
    if _shown(f":material/swap_horiz: Network · {markdown_text(shown_name)}", "fold_network"):
        st.selectbox("Network", network_choices(), key="network",
                     on_change=_network_picked, format_func=network_label,
                     disabled=custom is not None,
                     help="Disabled while an uploaded table is shown." if custom else
                     f"{len(NETWORK_NAMES)} networks, grouped by family; type a family, "
                     f"a title or a name (as report() takes it) to search.")
    if custom is None and len(net.rule_names) > 1:
        st.radio("Rounding rules", net.rule_names, key="rules", horizontal=True,
                 help="Each builder's channel rounding, reproduced exactly.")
    if custom is None and len(net.variants) > 1:
        st.selectbox("Variant", net.variants, key="variant",
                     format_func=VARIANT_LABELS.__getitem__)
    if custom is None and net.depth_scaling:
        st.number_input("Depth multiplier d (repeats ceil(d·n); (0, 8])", step=0.1,
                        format="%.2f", key="depth")
    if st.session_state.get("view", VIEWS[0]) in CHARTS:
        st.toggle("Interactive charts", key="chart_interactive",
                  help="Hover for each point's or layer's details, zoom and pan. The default "
                       "pictures redraw in a few milliseconds; the interactive charts (plotly) "
                       "take about 100-500 ms more on every change.")

title = net.title if custom is None else custom.title
st.markdown(f"### costmodel · {markdown_text(title)}")
st.session_state.setdefault("view", VIEWS[0])
view = str(st.segmented_control("View", VIEWS, key="view", label_visibility="collapsed",
                                on_change=_keep_view) or VIEWS[0])
# the budget and an upload are on the page itself, not in the sidebar: a phone hides the
# sidebar behind a button, and these are questions the page answers first. Its switch draws
# them only while on (on while a table is loaded, which would be dropped with its widget):
# Streamlit's front end redraws every block of the page several times a slider move
# (benchmarks/dashboard_speed.py). The budget's values outlive the switch turned off
_keep({"budget_mult_adds": None, "budget_params": None, "budget_latency_ms": None,
       "budget_profile": PROFILE, "budget_checkpoints_only": False})
if _shown(":material/tune: Budget · your own network table", "fold_budget",
          held=st.session_state.get("architecture_upload") is not None):
    _budget_and_upload(custom)
# messages quote what the user typed or uploaded: shown as written (markdown_text), never as
# Markdown or HTML of their own
# a link's unusable values are said once, in toasts the user closes (they neither stay for the
# session nor push the headline down)
for message in st.session_state.pop("link_messages", ()):
    st.toast(markdown_text(message), icon=":material/link_off:", duration="infinite")
if upload_error:
    st.error(markdown_text(upload_error + " Showing the selected network instead."))
budget_ma = st.session_state.get("budget_mult_adds")
budget_p = st.session_state.get("budget_params")
checkpoints_only = bool(st.session_state.get("budget_checkpoints_only", False))
budget_ms = st.session_state.get("budget_latency_ms")
budget_profile = str(st.session_state.get("budget_profile") or PROFILE)

# --- the budget's answer (it does not depend on α or the resolution) --------------------------
if custom is None and (budget_ma is not None or budget_p is not None or budget_ms is not None):
    try:
        with st.spinner("Estimating the latency of every candidate on "
                        f"{markdown_text(budget_profile)}…" if budget_ms is not None
                        else "Ranking every candidate within the budget…", show_time=True):
            answer = cached_budget(budget_ma, budget_p, network_name, checkpoints_only,
                                   budget_ms, budget_profile if budget_ms is not None else None)
    except ValueError as error:
        st.error(markdown_text(f"Budget: {error}."))
    else:
        if answer is None or answer.overall is None:
            st.info(markdown_text(answer.message) if answer else "No budget.")
        else:
            box = st.container(border=True)
            # the sources are data files' text: shown as written. First the short answer
            # (measured or predicted, with its interval), then the sources in a fold
            lines = [f"**Best within the budget:** {markdown_text(answer.overall.short)}"]
            other = answer.in_network if answer.in_network != answer.overall else None
            if other:
                lines.append(f"**Best {markdown_text(title)}:** {markdown_text(other.short)}")
            box.markdown("  \n".join(lines))
            buttons = box.container(horizontal=True)
            buttons.button("Apply the best", key="budget_apply", on_click=_apply,
                           args=(answer.overall,), help="Set its network, α and resolution.")
            if other:
                buttons.button(f"Apply the best {title}", key="budget_apply_network",
                               on_click=_apply, args=(other,),
                               help="Set its α and resolution.")
            with box.expander("Sources and how it was chosen"):
                for choice in (answer.overall, other):
                    if choice is not None:
                        st.markdown(markdown_text(choice.text))
                        if choice.passed_over is not None:
                            st.caption(markdown_text(choice.passed_over_text))
                st.caption(markdown_text(answer.message))


def _table(frame: Any, height: int | None = None) -> None:  # noqa: ANN401 -- a DataFrame
    config: dict[str, Any] = {}
    for column, (label, kind) in column_spec(list(frame.columns)).items():
        if kind == "count":  # 3,276,800. Not "localized": the browser builds a number
            # formatter for every cell (Intl.NumberFormat), ~20 ms of each slider move in the
            # Tables view; "accounting" at step 1 prints whole numbers with the same commas
            # (counts are never negative, so its parentheses never show)
            config[column] = st.column_config.NumberColumn(label, format="accounting", step=1)
        elif kind == "millions":
            config[column] = st.column_config.NumberColumn(label, format="%.3f")
        elif kind == "percent":
            config[column] = st.column_config.NumberColumn(label, format="%.2f %%")
        elif kind == "number":
            config[column] = st.column_config.NumberColumn(label)
        else:
            config[column] = st.column_config.TextColumn(label)
    kwargs: dict[str, Any] = {"height": height} if height else {}
    st.dataframe(frame, hide_index=True, column_config=config, **kwargs)


def _table_fold(label: str, key: str, frame: Callable[[], Any],
                height: int | None = None) -> None:
    """A grid drawn (and ``frame`` called) only while its switch is on: a grid costs each
    slider move 30-40 ms of the browser's time (docs/dashboard.md)."""
    if _shown(label, key):
        _table(frame(), height=height)


def _builders(name: str, budget_m: float | None) -> tuple[Any, Any, dict[str, Any]]:
    """Chart ``name``'s plotly builder, its static SVG builder (the same traces) and the
    arguments both take beside the report."""
    if name == "Accuracy":
        return plots.cost_accuracy_figure, plots.cost_accuracy_svg, {}
    if name == "Per layer":
        return plots.layers_figure, plots.layers_svg, {
            "log": st.session_state.get("layers_scale") == "log"}
    if name == "α × resolution":
        return plots.plane_figure, plots.plane_svg, {
            "budget_mult_adds": None if budget_m is None else budget_m * 1e6}
    if name == "Latency":
        return plots.latency_figure, plots.latency_svg, {"profile": PROFILE}
    return plots.time_share_figure, plots.time_share_svg, {"profile": PROFILE}


def _figure(name: str, r: Report, budget_m: float | None) -> Any:  # noqa: ANN401 -- a figure
    figure, _, arguments = _builders(name, budget_m)
    return figure(r, **arguments)


@st.cache_resource(max_entries=256, show_spinner=False)
def builtin_chart_svg(name: str, configuration: tuple[str, str, float, int, str, float],
                      phone: bool, arguments: tuple[tuple[str, Any], ...]) -> str:
    """Chart ``name``'s picture of a built-in network's configuration (``builtin_report``'s
    arguments): building one again took each slider move 3-7 ms of the server's time (the
    α × resolution plane's heat map and contours 6.5 ms), before the browser could draw it."""
    return _builders(name, None)[1](builtin_report(*configuration), phone=phone,
                                    **dict(arguments))


def _chart(name: str, r: Report, budget_m: float | None, alt: str,
           configuration: tuple[str, str, float, int, str, float] | None = None) -> None:
    """Chart ``name`` of ``r``: plotly where the interactive charts are on, else a static
    picture in the layout of the browser's screen, or in both until the browser has reported
    it, one shown by the screen's width (CSS at the top): the desktop one, scaled to a phone,
    would have 5-px text. A built-in network's pictures are cached by its ``configuration``
    (``builtin_report``'s arguments; None for an uploaded table)."""
    if st.session_state.get("chart_interactive"):
        st.plotly_chart(_figure(name, r, budget_m), key=f"plotly_{CHART_KEYS[name]}",
                        config=PLOT_CONFIG)
        return
    _, svg, arguments = _builders(name, budget_m)
    for layout in _layouts():
        phone = layout == "phone"
        picture = (svg(r, phone=phone, **arguments) if configuration is None else
                   builtin_chart_svg(name, configuration, phone, tuple(sorted(arguments.items()))))
        with st.container(key=f"chart_{layout}_{CHART_KEYS[name]}"):
            _picture(picture, alt, key=f"picture_{layout}_{CHART_KEYS[name]}")


@st.fragment
def panel(network_name: str, custom: Network | None, view: str) -> None:
    """The headline, α and resolution, and the selected view. A widget in here reruns only
    this function, so a slider move redraws these elements and nothing else."""
    # the Exercises view's settings outlive the view
    _keep({"class_seed": DEFAULT_CLASS_SEED, "exercise_number": 1, "exercise_level": ANY,
           "worksheet_count": 10})
    if "exercise_kind" in st.session_state:
        st.session_state["exercise_kind"] = st.session_state["exercise_kind"]
    net = get_network(network_name)
    ranges = widget_ranges(network_name)
    # Presets light up only when the current value is one of them. Each value gets its own
    # widget key (a new widget, lit by its default) rather than a value pushed into one
    # widget's state: the browser could send that widget's old value back during quick
    # slider moves, which would reset the slider.
    alpha_now, size_now = _current("alpha"), _current("resolution")
    alpha_key, size_key = _preset_key("alpha"), _preset_key("resolution")

    # --- the configuration, checked by the library -------------------------------------------
    # (each control's value is in the session state before the control is drawn, so the
    # headline is drawn first, in the order it is shown)
    fixed_width = custom is None and net.fixed_width
    if custom is not None:
        st.session_state.setdefault("custom_resolution", custom.image_size)
    errors: list[str] = []
    alpha_value: float = (net.width if fixed_width
                          else round(float(st.session_state["alpha"]), 4))
    if st.session_state.get("alpha_typed") is not None and not fixed_width:
        try:
            alpha_value = check_alpha(float(st.session_state["alpha_typed"]))
        except ValueError as error:
            errors.append(str(error))
    if custom is not None:
        size_source = st.session_state.get("custom_resolution")
    else:
        size_source = st.session_state.get("resolution_typed")
        if size_source is None:
            size_source = st.session_state["resolution"]
    try:
        resolution = check_resolution(int(size_source) if size_source is not None else None)
    except ValueError as error:
        errors.append(str(error))
        resolution = net.image_size if custom is None else custom.image_size
    variant = (str(st.session_state.get("variant", "separable")) if custom is None
               else "separable")
    depth = float(st.session_state.get("depth", net.depth)) if custom is None else 1.0
    rules = str(st.session_state.get("rules", net.rule_names[0]))
    # the budget applies to the built-in networks only (its inputs are off for a table): no
    # budget line on a table's α × resolution chart
    budget_ma = st.session_state.get("budget_mult_adds") if custom is None else None
    budget_p = st.session_state.get("budget_params")
    link = link_query({k: v for k, v in {
        "network": network_name, "alpha": alpha_value, "resolution": resolution,
        "variant": variant if variant != "separable" else None,
        "depth": depth if net.depth_scaling and depth != net.depth else None,
        "rules": rules if rules != net.rule_names[0] else None,
        "budget_mult_adds": budget_ma, "budget_params": budget_p,
        "budget_checkpoints_only": 1 if st.session_state.get("budget_checkpoints_only") else None,
        "budget_latency_ms": st.session_state.get("budget_latency_ms"),
        "budget_profile": (st.session_state.get("budget_profile")
                           if st.session_state.get("budget_latency_ms") is not None else None),
        "view": view if view != VIEWS[0] else None,
        # the lesson's block, where it is not the network's default (a link to one block)
        "lesson_block": (st.session_state.get("lesson_block") if view == "Lesson"
                         and st.session_state.get("lesson_block") != default_block(network_name)
                         else None),
        "class_seed": (st.session_state["class_seed"]
                       if st.session_state["class_seed"] != DEFAULT_CLASS_SEED else None),
        "exercise_level": (st.session_state["exercise_level"]
                           if st.session_state["exercise_level"] != ANY else None),
        "exercise_kind": (st.session_state.get("exercise_kind")
                          if st.session_state.get("exercise_kind") != ANY else None),
    }.items() if custom is None})
    # a built-in network's configuration: the cached calls' arguments, its pictures' key
    builtin = ((network_name, rules, alpha_value, resolution, variant, depth) if custom is None
               else None)
    r: Report | None = None
    time_ms = 0.0
    if not errors:
        try:
            if builtin is not None:
                r = builtin_report(*builtin)
                time_ms = latency_ms(*builtin)
            else:
                r = costmodel.report(alpha_value, resolution=resolution, network=custom)
                time_ms = r.latency(PROFILE).total_ms
        except ValueError as error:
            errors.append(str(error))
    # two blocks, always drawn, whatever they hold: an element appearing above the controls
    # would move them in the page's tree, and the browser would rebuild them (a slider being
    # dragged, or a box being typed in, would lose the pointer or the focus). First the
    # numbers in one row (one block: fewer redraws than columns; kept on screen on a phone,
    # CSS at the top), or what is wrong; then what they assume
    row = st.container(horizontal=True, key="headline")
    said_below = st.container()
    for error_text in errors:
        row.error(markdown_text(f"Cannot compute this configuration: {error_text}."))
    if r is not None:
        # ImageNet top-1 applies to the built-in networks only: an uploaded table has none
        headline = accuracy_headline(r) if custom is None else None
        row.metric("Mult-Adds (exact)", f"{r.mult_adds:,}",
                  help=f"{r.mult_adds / 1e6:,.2f} M. {costmodel.COUNTING_CONVENTION}")
        if headline is not None:
            row.metric(headline.label, headline.value, help=headline.detail)
        row.metric("Parameters (exact)", f"{r.params:,}",
                  help=f"{r.params / 1e6:,.3f} M; with batchnorm γ and β: "
                       f"{r.params_with_bn:,}")
        row.metric(f"Latency ({PROFILE}, estimate)", approx_ms(time_ms),
                  help=f"{time_ms:,.2f} ms by the model; an estimate, not a measurement: "
                       f"{LATENCY_ASSUMPTIONS}.")
        said = [f"α = {alpha_value:g}, {resolution} px"]
        if headline is not None:
            said.append(headline.detail.rstrip("."))
            if headline.kind == "predicted" and headline.extrapolated:
                said.append("Extrapolated beyond the published α and resolutions")
        versus = times_fewer_or_more(r.saving_ratio, "Mult-Adds", "standard convs")
        said.append(versus[:1].upper() + versus[1:])
        if builtin is not None:
            weights, peak, peak_layer = memory_summary(*builtin)
        else:
            m = r.memory("float32")
            weights, peak, peak_layer = m.weights_bytes, m.peak_activation_bytes, m.peak_layer
        said_below.caption(f"{'. '.join(said)}. Memory (float32, batch 1): weights "
                   f"{weights / 1e6:,.2f} MB, peak activations {peak / 1e6:,.2f} MB at "
                   f"{markdown_text(peak_layer)}. Latency: {LATENCY_ASSUMPTIONS}. "
                   f"Mult-Adds are conv and fc multiply-accumulates (M = 10⁶; "
                   f"docs/conventions.md).")
        for note in r.notes:
            said_below.info(note)
        if r.width_rule:
            said_below.caption(markdown_text(r.width_rule))

    left, right = st.columns(2)
    with left:
        if fixed_width:  # timm's name fixes the channel multiplier
            st.metric("Width multiplier α", f"{net.width:g}",
                      help="timm builds this network at this channel multiplier only; pick "
                           "another name of its family for another width.")
        else:
            st.slider("Width multiplier α", ALPHA_SLIDER[0], ALPHA_SLIDER[1], step=ALPHA_STEP,
                      key="alpha", disabled=st.session_state.get("alpha_typed") is not None,
                      help="Disabled while a typed α overrides it; clear the box to use it.")
            if custom is None:  # the network's published widths; a table has none
                st.segmented_control(
                    "Published widths", ranges.alpha_presets, key=alpha_key,
                    default=alpha_now if alpha_now in ranges.alpha_presets else None,
                    on_change=_preset, args=("alpha", alpha_key), format_func=lambda a: f"{a:g}")
    with right:
        if custom is None:
            st.slider("Input resolution (px)", ranges.resolution[0], ranges.resolution[1],
                      step=1, key="resolution",
                      disabled=st.session_state.get("resolution_typed") is not None)
            st.segmented_control(
                "Published resolutions", ranges.resolution_presets, key=size_key,
                default=size_now if size_now in ranges.resolution_presets else None,
                on_change=_preset, args=("resolution", size_key))
        else:
            st.number_input("Input size for your table (px)", step=1, key="custom_resolution",
                            help="The network's presets and slider do not apply to a table.")
    # any α or size, typed: one switch under both sliders, its boxes drawn only while it is on
    # (two popovers, always drawn, were ~10 % of what the browser redraws on each move), and
    # on while a typed value is in use (the boxes show what overrides the sliders)
    exact_boxes = [box for box, shown in (("α", not fixed_width), ("size", custom is None))
                   if shown]
    if exact_boxes:
        in_use = any(st.session_state.get(f"{k}_typed") is not None
                     for k in ("alpha", "resolution"))
        if _shown(f"Type any {' or '.join(exact_boxes)}", "fold_exact", held=in_use):
            boxes = st.container(horizontal=True)
            if not fixed_width:
                boxes.number_input("α in (0, 4]", value=None, step=0.05, format="%.3f",
                                   key="alpha_typed",
                                   help="Overrides the slider; clear it to use the slider.")
            if custom is None:
                boxes.number_input("Input size in [1, 4096] px", value=None, step=1,
                                   key="resolution_typed",
                                   help="Overrides the slider; clear it to use the slider.")

    _address_bar()(data={"link": link, "layout": "+".join(_layouts())}, key="address_bar",
                   height=0, on_layout_change=_screen_reported)
    st.session_state.pop("exercise_applies", None)  # (the Exercises view's, below)
    if r is None:
        return
    # the downloaded files' names (the worksheet's, the Downloads view's)
    stem = f"{network_name if custom is None else 'custom'}_{alpha_value:g}_{resolution}"

    if view == "Accuracy":
        if custom is not None:
            st.info("The ImageNet accuracy chart applies to the built-in networks; the other "
                    "views apply to your table.")
        else:
            _chart("Accuracy", r, budget_ma,
                   "ImageNet top-1 against Mult-Adds: published points by family, the Pareto "
                   "frontier, and this configuration", builtin)
    elif view == "Per layer":
        # (a segmented control, not a radio: the front end redraws a radio at every commit of
        # a slider move, a segmented control only when it changes)
        st.segmented_control("Scale", ("linear", "log"), key="layers_scale", default="linear",
                             required=True,
                             help="Linear shows that the 1×1 convs hold most Mult-Adds; log "
                                  "shows the small layers too.")
        _chart("Per layer", r, budget_ma,
               "Mult-Adds (top) and parameters (bottom) of each layer, coloured by role, with "
               "the standard conv each separable pair replaces", builtin)
    elif view == "α × resolution":
        _chart("α × resolution", r, budget_ma,
               "Exact Mult-Adds over the α × resolution plane, with iso-Mult-Adds contours, "
               "the checkpoints and this configuration", builtin)
    elif view == "Latency":
        _chart("Latency", r, budget_ma,
               f"Estimated latency on {PROFILE} against Mult-Adds for six families over α, "
               f"and this configuration", builtin)
        _chart("Time share", r, budget_ma,
               "Share of the Mult-Adds and share of the estimated time, per kind of layer",
               builtin)
        st.caption(markdown_text(f"Latency on {PROFILE}: {LATENCY_ASSUMPTIONS}."))
        # the per-layer grid behind a switch, as in the Tables view
        per_layer = r.latency(PROFILE).layers
        _table_fold(f"**Per layer: share of time ({PROFILE}, estimate) beside share of "
                    f"Mult-Adds** ({len(per_layer)} layers: the bound that sets each layer's "
                    f"time, the bytes it moves, float32)", "fold_latency_layers",
                    lambda: per_layer[["name", "role", "latency_ms", "bound", "time_pct",
                                       "mult_adds_pct", "mult_adds", "bytes_moved",
                                       "arithmetic_intensity"]], height=420)
    elif view == "Lesson":
        lesson_network = network_name if custom is None else custom
        blocks = lesson_blocks(lesson_network)
        if not blocks:  # a table of plain convs: say so, and keep the formulas
            st.info(markdown_text(no_lesson(lesson_network)))
        else:
            # (the block and the "show all" switch are drawn above the panel, outside it)
            block = str(st.session_state["lesson_block"])
            show_all = st.session_state.get("lesson_all", False)
            lesson, diagram_svg, comparison_svg = cached_lesson(
                block, lesson_network, alpha_value, resolution,
                rules if custom is None else None)
            lesson_id = f"{network_name if custom is None else custom.title}/{block}"
            picture, steps = st.columns(2, gap="medium")
            with picture:
                # as wide as the column on a desktop; on a phone at its own size (the
                # standard conv under the block; at most ~390 px, its text at 10-11 px, but
                # for MixNet's mixed kernels and GhostNet's conv shortcuts)
                for layout in _layouts():
                    _picture(diagram_svg[layout], key=f"chart_{layout}_lesson_block",
                             stretch=layout == "desktop",
                             alt=f"{lesson.anatomy.title}: its operations, tensors (C×H×W), "
                                 f"Mult-Adds and parameters, and the standard conv in its "
                                 f"place")
            with steps:
                _lesson_steps(lesson, lesson_id, bool(show_all), comparison_svg)

    elif view == "Exercises":
        configuration: dict[str, Any] = {
            "network": network_name if custom is None else custom, "alpha": alpha_value,
            "resolution": resolution, "rules": rules if custom is None else None,
            "variant": variant, "depth": depth if custom is None else None}
        # The class's settings (level, kind, seed, question number) do not depend on α or the
        # size: they are drawn below this panel, outside it (_exercise_settings), so that a
        # slider move does not redraw them. What they offer does depend on the configuration
        # (the kinds that apply), so it is worked out here, on every run, and kept for them
        level = str(st.session_state.get("exercise_level") or ANY)
        applies = cached_exercise_kinds(None if level == ANY else level, **configuration)
        kinds = _asked_kinds(applies)
        if st.session_state.get("exercise_kind") not in kinds:
            st.session_state.pop("exercise_kind", None)
        st.session_state["exercise_applies"] = applies
        drawn = st.session_state.get("exercise_applies_drawn")
        if not st.session_state.get("page_run") and drawn is not None and drawn != applies:
            st.rerun(scope="app")  # a slider move changed the kinds that apply: redraw them
        class_seed = int(st.session_state["class_seed"])
        number = int(st.session_state["exercise_number"])
        kind = st.session_state.get("exercise_kind", ANY)
        settings: dict[str, Any] = {"kind": None if kind == ANY else kind,
                                    "level": None if level == ANY else level, **configuration}
        try:
            exercise = cached_exercise(question_seed(class_seed, number), **settings)
        except ValueError as error:  # e.g. no hard question applies to a table of plain convs
            st.info(markdown_text(f"{error}."))
            return
        st.markdown(f"**Question {number}** ({exercise.level.value}). "
                    f"{markdown_text(exercise.question)}")
        if exercise.choices:
            typed = st.radio("Your answer", exercise.choices, key="exercise_choice",
                             index=None, horizontal=True, format_func=markdown_text)
        else:
            typed = st.text_input("Your answer", key="exercise_answer",
                                  placeholder="e.g. 3276800, 3.28M or 4.1")
        # the buttons and the session's score on one row (one container: fewer elements to
        # redraw on a slider move than columns and a row of their own)
        actions = st.container(horizontal=True, vertical_alignment="center")
        if actions.button("Check", key="exercise_check", type="primary"):
            session = st.session_state.get("exercise_session", Session())
            try:
                session, feedback = session.answer(exercise, typed)
            except ValueError as error:
                st.session_state["exercise_feedback"] = (exercise, str(error))
            else:
                st.session_state["exercise_session"] = session
                st.session_state["exercise_feedback"] = (exercise, feedback)
        actions.button("New question", key="exercise_new", on_click=_new_exercise)
        score = st.session_state.get("exercise_session", Session()).score
        actions.markdown(f"**Score this session:** {score}.", width="content")
        actions.button("Reset score", key="exercise_reset_score", on_click=_reset_score)
        stored = st.session_state.get("exercise_feedback")
        if stored and stored[0] == exercise:
            feedback = stored[1]
            if isinstance(feedback, str):
                st.warning(markdown_text(feedback))
            elif feedback.hint:
                st.error(markdown_text(feedback.message))
                st.info(f"**Hint.** {markdown_text(feedback.hint)}")
            else:
                (st.success if feedback.correct else st.error)(markdown_text(feedback.message))
                st.markdown(f"**Worked solution.** {markdown_text(feedback.solution)}")
        if _shown("Printable worksheet with its answer key", "fold_worksheet"):
            st.number_input(
                f"Questions on the worksheet (1–{MAX_WORKSHEET_QUESTIONS})", min_value=1,
                max_value=MAX_WORKSHEET_QUESTIONS, step=1, key="worksheet_count")
            count = int(st.session_state["worksheet_count"])
            st.download_button(
                "Worksheet HTML", lambda: worksheet_html(make_worksheet(class_seed, count,
                                                                        **settings)),
                f"{stem}_seed{class_seed}_worksheet.html", "text/html",
                key="download_worksheet", on_click="ignore",
                help=f"Questions 1 to {count} of class seed {class_seed} with these settings; "
                     f"the answer key, with hints and worked solutions, starts on a new "
                     f"printed page.")

    elif view == "Tables":
        # the few-row tables as Markdown, with their headings in one element (a wide one
        # scrolls sideways, CSS at the top); the per-layer table as a grid (sortable,
        # scrollable): st.table costs each slider move ~25 ms more than Markdown, a table
        # drawn by a component of ours more than the grid (benchmarks/dashboard_speed.py)
        by_type = r.by_type.drop(columns=["role", "kind"])  # (the layer type names both)
        by_type.insert(list(by_type.columns).index("mult_adds") + 1, "mult_adds_m",
                       by_type["mult_adds"] / 1e6)
        text = f"**Per layer type** (paper Table 2)\n\n{markdown_table(by_type)}"
        if custom is None:  # what the papers printed (a table of yours was never printed)
            text += "\n\n**The papers' prints against the exact count**"
            if r.published:
                import pandas as pd

                printed = pd.DataFrame([{"quantity": c.quantity, "source": c.source,
                                         "printed": c.printed_text, "exact_m": c.exact,
                                         "status": c.status, "reason": c.reason}
                                        for c in r.published])
                text += f"\n\n{markdown_table(printed)}"
            else:
                text += "  \nNobody printed this configuration."
        st.markdown(text)  # (one element: each costs a slider move ~3 ms of the browser's)
        # the per-layer grid behind a switch, drawn only while on: it costs each slider move
        # ~30 ms of the browser's time, the rest of the view ~65 ms (Chromium's main thread;
        # benchmarks/dashboard_speed.py). The Per layer view charts the same layers
        _table_fold(f"**Per layer** ({len(r.layers)} layers: shapes, Mult-Adds, parameters, "
                    f"the standard conv each replaces)", "fold_layers", lambda: r.layers,
                    height=420)

    else:
        # on_click="ignore": a click must not rerun the script. A rerun gives each button a new
        # deferred file id and drops the old one, so a second click that still held the old id
        # within a second or two fetched nothing ("Deferred file not found")
        d1, d2, d3, d4 = st.columns(4)
        d1.download_button("Per-layer CSV", lambda: frame_to_csv(r.layers), f"{stem}_layers.csv",
                           "text/csv", key="download_csv", on_click="ignore")
        d2.download_button("Report JSON",
                           lambda: json.dumps(r.to_dict(), indent=2, ensure_ascii=False),
                           f"{stem}.json", "application/json", key="download_json",
                           on_click="ignore")
        d3.download_button("Report Markdown", r.to_markdown, f"{stem}.md", "text/markdown",
                           key="download_md", on_click="ignore")
        d4.download_button(
            "Figures HTML",
            lambda: plots.figures_html([_figure(c, r, budget_ma) for c in (CHARTS if custom is None
                                                            else CHARTS[1:])], title=stem),
            f"{stem}_figures.html", "text/html", key="download_html", on_click="ignore")
        st.caption("The same files come from the command line: `costmodel report --json`, "
                   "`costmodel layers --csv`, `costmodel plot`.")


if view == "Lesson":
    _lesson_picker(network_name if custom is None else custom)
st.session_state["page_run"] = True  # (a whole run of the page, not the panel's own)
panel(network_name, custom, view)
# the same for every α and size: drawn below the panel and outside it (a slider move does not
# redraw them), each section only while its switch is on: a hidden section's content would
# still be part of the page each move's redraw walks (the formula catalogue, 132 elements
# then, cost each Lesson move ~30 ms; benchmarks/dashboard_speed.py)
if view == "Lesson":
    if _shown("Every formula", "fold_formulas"):
        st.markdown("\n\n".join(f"**{formula.title}** ({formula.equation})\n\n"
                                  f"{_formula(formula.latex)}"
                                  for formula in costmodel.formula_catalog()))
elif view == "Exercises":
    _exercise_settings()
elif view == "Tables" and custom is None:
    _table_fold("Every printed cost against its exact count", "fold_printed",
                cached_reconciliation)
st.session_state["page_run"] = False
_collect_and_freeze()
_warm_accuracy_fits()
