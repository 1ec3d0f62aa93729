"""No wrong or contradictory number on the dashboard (issue 17, section 1), headless with
AppTest. Expected values are hand arithmetic on small tables written here, the papers' prints,
or the library's report for the configuration in question, never the app's own output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_pictures import pictures
from streamlit.testing.v1 import AppTest
from test_app import APP, STEP_TITLE, _text, metric, opened, pick, shown

import costmodel
from costmodel.hardware.device_profiles import get_profile
from costmodel.presentation.dashboard_state import VIEWS

# A hand-countable table: a 3×3 stride-2 conv 3 → 8, a 3×3 separable pair 8 → 16, the pool and
# a 10-class classifier. At an input of D px (D even) the map after the stem is D/2:
#   stem 3²·3·8·(D/2)², dw 3²·8·(D/2)², pw 8·16·(D/2)², classifier 16·10
SMALL = ("# title: small {size}\n# image_size: {size}\n# classes: 10\n"
         "operator,c,k,s\nconv,8,3,2\nseparable,16,3,1\npool,,,\nclassifier,classes,,\n")


def _small(size: int) -> tuple[str, bytes, str]:
    return (f"small_{size}.csv", SMALL.format(size=size).encode(), "text/csv")


def _small_mult_adds(size: int) -> int:
    side = size // 2
    return 9 * 3 * 8 * side**2 + 9 * 8 * side**2 + 8 * 16 * side**2 + 16 * 10


CIFAR = (Path(__file__).resolve().parents[1] / "data" / "examples"
         / "mobilenet_v1_cifar_layers.csv").read_bytes()
IMAGENET = (Path(__file__).resolve().parents[1] / "data" / "examples"
            / "mobilenet_v1_layers.csv").read_bytes()


def upload(at: AppTest, file: tuple[str, bytes, str] | None) -> None:
    """Upload (or with ``None`` remove) a table, through the uploader of the current run."""
    at.file_uploader(key="architecture_upload").set_value(file).run()
    assert not at.exception


@pytest.fixture
def app() -> AppTest:
    at = opened(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception
    return at


# --- 1. every upload is counted at its own input size ----------------------------------------

def test_a_replaced_upload_is_counted_at_its_own_size(app: AppTest) -> None:
    assert _small_mult_adds(64) == 426_144 and _small_mult_adds(32) == 106_656  # by hand
    upload(app, _small(64))
    assert metric(app, "Mult-Adds") == "426,144"
    upload(app, _small(32))  # replaced: counted at its own 32 px, not at 64
    assert not app.exception
    assert metric(app, "Mult-Adds") == "106,656"
    assert app.number_input(key="custom_resolution").value == 32
    # a size typed for one table does not carry over to the next upload either
    app.number_input(key="custom_resolution").set_value(48).run()
    assert metric(app, "Mult-Adds") == f"{_small_mult_adds(48):,}"
    upload(app, _small(64))
    assert metric(app, "Mult-Adds") == "426,144"


def test_the_cifar_table_after_the_imagenet_one(app: AppTest) -> None:
    upload(app, ("imagenet.csv", IMAGENET, "text/csv"))
    assert metric(app, "Mult-Adds") == "568,740,352"  # Table 8: 1.0 MobileNet-224, 569 M
    upload(app, ("cifar.csv", CIFAR, "text/csv"))
    # the CIFAR table at its own 32 px (issue 17 saw it at 224 px: 2,270,875,648)
    cifar = costmodel.report(network="mobilenet_v1_cifar")
    assert cifar.resolution == 32
    assert metric(app, "Mult-Adds") == f"{cifar.mult_adds:,}" == "46,354,432"


def test_an_upload_starts_at_its_own_width(app: AppTest) -> None:
    # α moved for the built-in network, then a table uploaded: the table's own count (its width
    # is 1), not the table at α = 0.5 (149,497,088); a typed α is cleared too
    app.slider(key="alpha").set_value(0.5).run()
    app.toggle(key="fold_exact").set_value(True).run()
    app.number_input(key="alpha_typed").set_value(0.3).run()  # a typed α overrides it
    assert metric(app, "Mult-Adds") != "568,740,352"
    upload(app, ("imagenet.csv", IMAGENET, "text/csv"))
    assert metric(app, "Mult-Adds") == "568,740,352"  # Table 8: 1.0 MobileNet-224, 569 M
    assert app.slider(key="alpha").value == 1.0
    assert app.number_input(key="alpha_typed").value is None
    app.slider(key="alpha").set_value(0.5).run()  # then α applies to the table
    assert metric(app, "Mult-Adds") == "149,497,088"  # Table 6: 0.50 MobileNet-224, 150 M


# --- 3. "more" or "fewer", the ratio the right way round ---------------------------------------

def _versus_standard(at: AppTest) -> str:
    match = re.search(r"(?:[\d.]+× (?:fewer|more)|as many) Mult-Adds (?:than|as) "
                      r"standard convs", _text(at))
    assert match, _text(at)
    return match.group(0)


def test_mobilenet_v1_costs_fewer_mult_adds_than_standard_convs(app: AppTest) -> None:
    # Table 4: the full-conv MobileNet costs 4866 M (+ the fc's 1.024 M): 4,867,293,184
    # against 568,740,352, 8.56× fewer
    assert _versus_standard(app) == f"{4_867_293_184 / 568_740_352:.2f}× fewer Mult-Adds " \
                                    f"than standard convs"


@pytest.mark.parametrize("network", ["mobilenet_v2", "tf_efficientnetv2_b0",
                                     "mobilenet_v3_large_minimalistic"])
def test_a_network_dearer_than_standard_convs_says_more(app: AppTest, network: str) -> None:
    # v2's inverted residuals cost 1.17× their standard-conv equivalent (issue 17 saw "0.9×
    # fewer"); EfficientNetV2's fused blocks 1.69× ("0.6× fewer"); v3-Large minimalistic
    # 1.002× ("1.0× fewer")
    pick(app, network)
    r = costmodel.report(network=network)
    ratio = r.mult_adds / r.standard_mult_adds
    assert ratio > 1
    sentence = _versus_standard(app)
    assert "fewer" not in sentence and " more Mult-Adds" in sentence
    factor = float(re.search(r"([\d.]+)× more", sentence).group(1))  # type: ignore[union-attr]
    assert factor == pytest.approx(ratio, abs=0.006)
    assert factor != 1.0


def test_lesson_says_fewer_with_the_ratio_of_eq5(app: AppTest) -> None:
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
    # dw2/pw2 at α = 1: 1/N + 1/D_K² = 1/128 + 1/9, so 1/(1/128 + 1/9) = 8.41× fewer
    assert f"{1 / (1 / 128 + 1 / 9):.2f}× fewer Mult-Adds" in _text(app)


# --- 4. the text agrees with the app's numbers ------------------------------------------------

def _step(at: AppTest, title_part: str) -> str:
    """The step whose title holds ``title_part``: its Markdown elements, from its title (with
    its typeset general form, when it has one) to the next step's title."""
    texts = [shown(m.value) for m in at.markdown]
    start = next(i for i, t in enumerate(texts) if title_part in t)
    end = next((i for i in range(start + 1, len(texts))
                if STEP_TITLE.match(texts[i])), len(texts))
    return "\n".join(texts[start:end])


def test_lesson_names_the_bound_the_latency_table_shows(app: AppTest) -> None:
    # dw2 at α = 1, 224 px on pixel1: 2·3²·64·56² = 3,612,672 FLOP at the profile's depthwise
    # rate against 4·(64·112² + 3²·64 + 64·56²) = 4,016,384 bytes at its bandwidth
    profile = get_profile("pixel1")
    compute = 2 * 9 * 64 * 56 * 56 / profile.peak_flops["depthwise"]
    memory = 4 * (64 * 112 * 112 + 9 * 64 + 64 * 56 * 56) / profile.bandwidth
    assert compute > memory  # compute-bound: the profile runs depthwise convs slowly
    app.button_group(key="view").set_value("Latency").run()
    app.session_state["fold_latency_layers"] = True  # the per-layer grid's fold, opened
    app.run()
    table = next(f.value for f in app.dataframe if "bound" in f.value.columns)
    assert table.set_index("name").loc["dw2", "bound"] == "compute"
    layers = costmodel.report().latency("pixel1").layers
    depthwise = layers[layers["latency_kind"] == "depthwise"]
    counts = depthwise["bound"].value_counts().to_dict()
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
    step = _step(app, "Share of time against share of Mult-Adds")
    assert "compute-bound" in step
    assert "memory and per-operation overhead, not arithmetic, set their speed" not in step
    assert counts == {"compute": len(depthwise)} and len(depthwise) == 13  # Table 1: dw1-dw13
    assert "All 13 of its depthwise layers are compute-bound" in step


def test_the_rho4_example_has_one_value(app: AppTest) -> None:
    # Table 3's layer at α = 0.75, 160 px: (3²·384 + 384²)·(14·160/224)² = 150,912·10²
    # = 15,091,200 Mult-Adds, at 224 px (named as the example) and at 160 px alike
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
    step_224 = _step(app, "The ρ⁴ mistake")
    app.slider(key="resolution").set_value(160).run()
    step_160 = _step(app, "The ρ⁴ mistake")
    assert "15.09 M" in step_224 and "15.09 M" in step_160
    assert "15.08" not in step_224 + step_160


def test_an_uploaded_tables_lesson_has_one_rho(app: AppTest) -> None:
    # ρ = the input over the table's own 32 px: 1 at 32 px, 2 at 64 px (issue 17 saw the α²ρ²
    # step say 1.000 and the ρ⁴ step 32/224 = 0.143)
    upload(app, ("cifar.csv", CIFAR, "text/csv"))
    app.button_group(key="view").set_value("Lesson").run()
    app.toggle(key="lesson_all").set_value(True).run()  # every step, not one at a time
    for size, rho in ((32, "1.000"), (64, "2.000")):
        app.number_input(key="custom_resolution").set_value(size).run()
        scaling, mistake = _step(app, "α²ρ² in words"), _step(app, "The ρ⁴ mistake")
        assert f"ρ = {rho}" in scaling
        if size == 32:  # at ρ = 1 the two forms agree
            assert "At ρ = 1 the two forms agree" in mistake
        else:
            assert f"At ρ = {rho}," in mistake
        assert "0.143" not in scaling + mistake and "0.142857" not in scaling + mistake
    # its widths are counted as written: the step does not also claim a minimum of 8
    widths = _step(app, "What α does to the channels")
    assert "no minimum of 8" in widths and "keep at least 8 channels" not in widths


# --- 5. a custom table shows what applies to it -----------------------------------------------

def test_an_uploaded_table_shows_nothing_of_mobilenet_v1_or_imagenet(app: AppTest) -> None:
    app.number_input(key="budget_mult_adds").set_value(150.0).run()
    assert "Best within the budget" in _text(app)
    upload(app, _small(64))
    assert not app.exception
    assert metric(app, "Mult-Adds") == "426,144"
    # no MobileNet v1 presets, no ImageNet top-1, no ImageNet budget answer
    assert not [b for b in app.button_group if b.label.startswith("Published")]
    assert not [m for m in app.metric if m.label.startswith("Top-1")]
    text = _text(app)
    assert "Best within the budget" not in text and "predicted" not in text
    assert "No paper or checkpoint" not in text and "Top-1" not in text
    assert not [b for b in app.button if b.key in ("budget_apply", "budget_apply_network")]
    assert app.number_input(key="budget_mult_adds").disabled
    # said beside the budget inputs (on the page, where a phone reaches them)
    captions = " ".join(shown(c.value) for c in app.caption)
    assert "built-in ImageNet networks" in captions
    # the sidebar's network switch names the table, not MobileNet v1
    switch = shown(app.toggle(key="fold_network").label)
    assert "MobileNet" not in switch and "mobilenet_v1" not in switch
    assert switch.endswith("(your table)")
    app.button_group(key="view").set_value("Tables").run()
    text = _text(app)
    assert "papers' prints" not in text and "Every printed cost" not in [
        e.label for e in app.toggle]
    for view in VIEWS:
        app.button_group(key="view").set_value(view).run()
        assert not app.exception, view
        assert not [m for m in app.metric if m.label.startswith("Top-1")], view
    # no budget line on the table's α × resolution chart (the budget does not apply to it)
    app.button_group(key="view").set_value("α × resolution").run()
    assert 'stroke="red" stroke-width="3"' not in pictures(app)[0]
    # removing the table brings them back
    upload(app, None)
    assert 'stroke="red" stroke-width="3"' in pictures(app)[0]  # the 150 M budget's line
    assert metric(app, "Top-1") and "Best within the budget" in _text(app)
    assert "MobileNet v1" in shown(app.toggle(key="fold_network").label)


# --- 7. a bad link's warnings: once, dismissible, not above the headline -------------------------

def test_bad_link_warnings_show_once_as_a_dismissible_toast() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"resolution": "-5", "variant": "bogus"})
    at.run()
    assert not at.exception
    toasts = " ".join(shown(t.value) for t in at.toast)
    assert "resolution='-5' was not used" in toasts and "variant='bogus' was not used" in toasts
    assert not at.main.warning  # nothing pushes the headline down
    assert metric(at, "Mult-Adds") == "568,740,352"  # the defaults, shown
    at.slider(key="alpha").set_value(0.5).run()  # a fragment rerun
    pick(at, "mobilenet_v2")  # a full rerun
    assert not at.toast and not at.warning


def test_link_query_is_read_back_by_read_link() -> None:
    from urllib.parse import parse_qsl

    from costmodel.presentation.dashboard_state import link_query, read_link

    values = {"network": "mobilenet_v2", "alpha": 0.75, "resolution": 192, "view": "Lesson",
              "budget_mult_adds": 150.0, "rules": None, "class_seed": 42}
    query = link_query(values)
    assert query == ("network=mobilenet_v2&alpha=0.75&resolution=192&view=Lesson"
                     "&budget_mult_adds=150.0&class_seed=42")
    link = read_link(dict(parse_qsl(query)))
    assert not link.messages
    assert link.values == {k: v for k, v in values.items() if v is not None}
    # text that is not a link key is refused, and odd characters are percent-encoded
    with pytest.raises(ValueError, match="link key must be one of"):
        link_query({"<script>": 1})
    assert link_query({"network": "a&b=c"}) == "network=a%26b%3Dc"


def test_small_tables_as_text_keep_the_grids_formats_and_escape_user_text() -> None:
    import pandas as pd

    from costmodel.presentation.dashboard_state import markdown_table

    frame = pd.DataFrame({"name": ["a|b*c", "<img>"], "mult_adds": [3_276_800, 0],
                          "mult_adds_m": [3.2768, float("nan")],
                          "mult_adds_pct": [94.857407, 0.0], "stride": [2, 1]})
    assert markdown_table(frame).splitlines() == [
        "| Layer | Mult-Adds | Mult-Adds (M) | Mult-Adds % | Stride |",
        "|---|---:|---:|---:|---:|",
        "| a\\|b\\*c | 3,276,800 | 3.277 | 94.86 % | 2 |",
        "| &lt;img&gt; | 0 |  | 0.00 % | 1 |",
    ]


@pytest.mark.parametrize("reported", [None, "", "both", "tablet", "<script>", 640, ["phone"],
                                      {"layout": "phone"}])
def test_charts_in_both_layouts_until_the_browser_reports_a_known_one(reported: object) -> None:
    # the screen's layout comes from the browser (untrusted): anything but the two layouts
    # the charts are drawn in sends both, one shown by the screen's width (CSS)
    from costmodel.presentation.dashboard_state import chart_layouts

    assert chart_layouts(reported) == ("desktop", "phone")


@pytest.mark.parametrize("reported", ["desktop", "phone"])
def test_charts_in_the_one_layout_the_browser_reported(reported: str) -> None:
    from costmodel.presentation.dashboard_state import chart_layouts

    assert chart_layouts(reported) == (reported,)
