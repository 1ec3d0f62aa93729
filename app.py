"""costmodel dashboard: pick a configuration, read its exact cost and the math behind it."""

from __future__ import annotations

import streamlit as st

import costmodel

st.set_page_config(page_title="costmodel: MobileNet v1", layout="wide")
st.title("MobileNet v1: exact cost")

with st.sidebar:
    alpha = st.slider("Width multiplier α", 0.25, 1.0, 1.0, 0.05, key="alpha")
    resolution = st.slider("Input resolution (px)", 96, 320, 224, 1, key="resolution")
    st.caption(f"ρ = {resolution / 224:.4f}")
    variant = st.selectbox("Variant", costmodel.VARIANTS, key="variant")

try:
    r = costmodel.report(alpha, resolution=resolution, variant=variant)
except ValueError as error:
    st.error(str(error))
    st.stop()

left, middle, right = st.columns(3)
left.metric("Mult-Adds", f"{r.mult_adds:,}", help=f"{r.mult_adds_m:,.2f} M")
middle.metric("Parameters", f"{r.params:,}", help=f"{r.params_m:,.3f} M")
right.metric("vs standard convolution", f"{1 / r.saving_ratio:.2f}× fewer Mult-Adds")
st.markdown(r._repr_markdown_())
st.subheader("Per layer")
st.dataframe(r.layers, hide_index=True)
st.subheader("Per layer type (paper Table 2)")
st.dataframe(r.by_type, hide_index=True)
st.subheader("The math")
for formula in costmodel.formula_catalog():
    st.markdown(f"**{formula.title}** ({formula.equation})")
    st.latex(formula.latex)
