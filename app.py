"""costmodel dashboard: cost against accuracy, layer by layer, with the math on screen.

This file only wires widgets to library calls and displays what they return; every number and
every figure comes from the ``costmodel`` package, so a script can get the same.
"""

from __future__ import annotations

import json

import streamlit as st

import costmodel
from costmodel import plots
from costmodel.accuracy import reconciliation
from costmodel.configuration import VARIANTS

PAPER_ALPHAS = [0.25, 0.5, 0.75, 1.0]
PAPER_RESOLUTIONS = [128, 160, 192, 224]
VARIANT_LABELS = {"separable": "separable (Table 1)", "full": "full conv (Table 4)",
                  "shallow": "shallow (Table 5)"}
MAX_TYPED_ALPHA = 1.4

st.set_page_config(page_title="costmodel: MobileNet v1", layout="wide")


def _from_url(key: str, parse: type, default: object) -> object:
    """The value of ``key`` in the URL query, parsed with ``parse`` (never eval), or default."""
    text = st.query_params.get(key)
    if text is None:
        return default
    try:
        return parse(text)
    except ValueError:
        st.warning(f"Ignored the link's {key}={text!r}: not a {parse.__name__}.")
        return default


# --- state: defaults, then the shared link's values (first run only) ------------------------
if "initialised" not in st.session_state:
    url_alpha = _from_url("alpha", float, 1.0)
    if isinstance(url_alpha, float) and 0.25 <= url_alpha <= 1.0:
        st.session_state["alpha"] = round(url_alpha / 0.05) * 0.05
    elif isinstance(url_alpha, float):
        st.session_state["alpha_typed"] = url_alpha
    url_resolution = _from_url("resolution", int, 224)
    st.session_state["resolution"] = min(max(int(url_resolution), 96), 320)  # type: ignore[call-overload]
    url_variant = st.query_params.get("variant", "separable")
    st.session_state["variant"] = url_variant if url_variant in VARIANTS else "separable"
    for key in ("budget_mult_adds", "budget_params"):
        value = _from_url(key, float, None)
        if value is not None:
            st.session_state[key] = value
    st.session_state["initialised"] = True


def _set(key: str, source: str) -> None:
    if st.session_state.get(source) is not None:
        st.session_state[key] = st.session_state[source]
        if key == "alpha":
            st.session_state["alpha_typed"] = None


# --- sidebar: the configuration -------------------------------------------------------------
with st.sidebar:
    st.header("Configuration")
    st.segmented_control("Paper widths", PAPER_ALPHAS, key="alpha_preset",
                         on_change=_set, args=("alpha", "alpha_preset"))
    st.slider("Width multiplier α", 0.25, 1.0, step=0.05, key="alpha",
              disabled=st.session_state.get("alpha_typed") is not None,
              help="Disabled while a typed α overrides it; clear the box to use it.")
    typed = st.number_input(f"…or type α (up to {MAX_TYPED_ALPHA}; overrides the slider)",
                            value=None, step=0.05, format="%.3f", key="alpha_typed")
    st.segmented_control("Paper resolutions", PAPER_RESOLUTIONS, key="resolution_preset",
                         on_change=_set, args=("resolution", "resolution_preset"))
    resolution = st.slider("Input resolution (px)", 96, 320, step=1, key="resolution")
    st.caption(f"ρ = {resolution} / 224 = {resolution / 224:.4f}")
    variant = st.selectbox("Variant", VARIANTS, key="variant",
                           format_func=VARIANT_LABELS.__getitem__)
    st.subheader("Your own network (optional)")
    upload = st.file_uploader("Layer table (CSV, at most 1 MB; schema in the README)",
                              type=["csv"], key="architecture_upload")
    architecture = None
    custom_resolution = None
    if upload is not None:
        try:
            architecture = costmodel.load_network(upload.getvalue(), name=upload.name)
        except ValueError as error:
            st.error(f"{upload.name} was not loaded: {error}. Showing MobileNet v1.")
        else:
            st.caption(f"{len(architecture.rows)} rows, reference input "
                       f"{architecture.image_size} px; the resolution slider above does not "
                       f"apply to it.")
            custom_resolution = st.number_input(
                "Input size for this table (px)", min_value=1, max_value=4096,
                value=architecture.image_size, step=1, key="custom_resolution")
    st.subheader("Budget (optional)")
    budget_ma_m = st.number_input("Max Mult-Adds (millions)", value=None, min_value=0.0,
                                  step=10.0, key="budget_mult_adds")
    budget_p_m = st.number_input("Max parameters (millions)", value=None, min_value=0.0,
                                 step=0.1, key="budget_params")

# the slider steps by 0.05; round away the binary representation error of its value
alpha = round(st.session_state["alpha"], 4) if typed is None else typed
st.query_params.from_dict({
    k: str(v) for k, v in {"alpha": alpha, "resolution": resolution, "variant": variant,
                           "budget_mult_adds": budget_ma_m, "budget_params": budget_p_m}.items()
    if v is not None
})

network = "MobileNet v1" if architecture is None else architecture.title
st.title(f"{network}: exact cost, predicted accuracy, and the math")
st.caption(costmodel.COUNTING_CONVENTION)

if typed is not None and typed > MAX_TYPED_ALPHA:
    st.error(f"α = {typed:g} is above {MAX_TYPED_ALPHA}, the dashboard's range; "
             f"type a width in (0, {MAX_TYPED_ALPHA}].")
    st.stop()
size = resolution if architecture is None else int(custom_resolution or 1)
try:
    r = costmodel.report(alpha, resolution=size, variant=variant, network=architecture)
except ValueError as error:
    st.error(f"Cannot compute this configuration: {error}.")
    st.stop()

# --- headline -------------------------------------------------------------------------------
paper_ma = next((c for c in r.published if c.quantity == "mult_adds"), None)
paper_p = next((c for c in r.published if c.quantity == "params"), None)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Mult-Adds (exact)", f"{r.mult_adds:,}",
          help=f"{r.mult_adds_m:,.2f} M" + (f"; paper ({paper_ma.source}): {paper_ma.printed:g} M"
                                            if paper_ma else ""))
m2.metric("Parameters (exact)", f"{r.params:,}",
          help=f"{r.params_m:,.3f} M" + (f"; paper ({paper_p.source}): {paper_p.printed:g} M"
                                         if paper_p else ""))
m3.metric("Fewer Mult-Adds than standard conv", f"{1 / r.saving_ratio:.2f}×",
          help=f"standard-conv equivalent: {r.standard_mult_adds:,} Mult-Adds")
if r.accuracy is not None:
    m4.metric("Predicted ImageNet top-1", f"{r.accuracy.top1:.1f}%",
              delta=f"{r.accuracy.low:.1f}–{r.accuracy.high:.1f}", delta_color="off",
              delta_arrow="off",
              help="interval: ± the largest leave-one-out error of the fitted model "
                   f"({r.accuracy.model}) on the 16 checkpoints")
else:
    m4.metric("Predicted ImageNet top-1", "n/a", help="only the separable network is fitted")
if paper_ma or paper_p:
    st.caption(" · ".join(f"Paper {c.source}: {c.printed:g} M "
                          f"{'Mult-Adds' if c.quantity == 'mult_adds' else 'params'} "
                          f"(exact {c.exact:,.3f} M, {c.status})"
                          for c in (paper_ma, paper_p) if c))
if r.accuracy is not None and r.accuracy.extrapolated:
    st.warning("Extrapolation: the checkpoints cover α 0.25-1 and 128-224 px; the predicted "
               "accuracy outside that range is a guess beyond the data.")
for note in r.notes:
    st.info(note)

# --- budget ---------------------------------------------------------------------------------
frontier = None
budget_ma = None if budget_ma_m is None else budget_ma_m * 1e6
budget_p = None if budget_p_m is None else budget_p_m * 1e6
if architecture is not None and (budget_ma is not None or budget_p is not None):
    st.info("The budget search covers MobileNet v1 (its accuracy model is fitted on the "
            "TF-slim checkpoints); it is not applied to an uploaded table.")
elif budget_ma is not None or budget_p is not None:
    try:
        frontier = costmodel.frontier(max_mult_adds=budget_ma, max_params=budget_p)
    except ValueError as error:
        st.error(f"Budget: {error}.")
    else:
        if frontier.empty:
            st.info(frontier.attrs["message"])

# --- charts ---------------------------------------------------------------------------------
accuracy_fig = plots.cost_accuracy_figure(r)
plane_fig = plots.plane_figure(r, budget_mult_adds=budget_ma, frontier=frontier)
layers_fig = plots.layers_figure(r)
left, right = st.columns(2)
left.plotly_chart(accuracy_fig, key="chart_accuracy")
right.plotly_chart(plane_fig, key="chart_plane")
st.plotly_chart(layers_fig, key="chart_layers")

if frontier is not None and not frontier.empty:
    st.subheader("Best configurations within the budget")
    st.caption(frontier.attrs["message"])
    st.dataframe(frontier.head(10), hide_index=True)

# --- tables ---------------------------------------------------------------------------------
st.subheader("Per layer type (paper Table 2)")
st.dataframe(r.by_type, hide_index=True)
st.subheader("The paper's print against the exact count")
if r.published:
    st.dataframe(
        [{"quantity": c.quantity, "source": c.source, "printed (M)": c.printed,
          "exact (M)": c.exact, "status": c.status, "reason": c.reason} for c in r.published],
        hide_index=True)
else:
    st.caption("Nobody printed this configuration.")
with st.expander("Every printed MobileNet cost against its exact count"):
    st.dataframe(reconciliation(), hide_index=True)
with st.expander("Per-layer table"):
    st.dataframe(r.layers, hide_index=True)

# --- the math -------------------------------------------------------------------------------
st.header("The math")
for formula in costmodel.formula_catalog():
    st.markdown(f"**{formula.title}** ({formula.equation})")
    st.latex(formula.latex)
layer = st.selectbox("Derive one layer step by step", list(r.layers["name"]), key="layer")
derivation = costmodel.derive(layer, alpha, resolution=size, variant=variant,
                              network=architecture)
st.markdown(f"**{derivation.layer}** ({derivation.kind}, {derivation.equation})")
for step in derivation.steps:
    st.markdown(f"*{step.title}*")
    st.latex(step.latex)
mistake = costmodel.kernel_scaling_mistake(round(r.rho, 4))
st.subheader("Why the kernel does not scale with ρ")
st.latex(r"\text{correct: } " + mistake.correct_latex)
st.latex(r"\text{mistaken } (D_K \to \rho D_K)\text{: } " + mistake.mistaken_latex)
st.markdown(mistake.explanation)

# --- downloads ------------------------------------------------------------------------------
st.header("Downloads")
d1, d2, d3, d4 = st.columns(4)
stem = f"{'custom' if architecture else 'mobilenet_v1'}_{variant}_{alpha:g}_{size}"
d1.download_button("Per-layer CSV", lambda: r.layers.to_csv(index=False), f"{stem}_layers.csv",
                   "text/csv", key="download_csv")
d2.download_button("Report JSON", lambda: json.dumps(r.to_dict(), indent=2, ensure_ascii=False),
                   f"{stem}.json", "application/json", key="download_json")
d3.download_button("Report Markdown", r._repr_markdown_, f"{stem}.md", "text/markdown",
                   key="download_md")
d4.download_button(
    "Figures HTML",
    lambda: plots.figures_html([accuracy_fig, plane_fig, layers_fig], title=stem),
    f"{stem}_figures.html", "text/html", key="download_html")
