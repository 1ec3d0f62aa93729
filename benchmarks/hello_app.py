"""The reference page for benchmarks/dashboard_speed.py: one slider, one metric, one plotly
chart, nothing else (the smallest Streamlit page that does what the dashboard's headline does)."""

import plotly.graph_objects as go
import streamlit as st

alpha = st.slider("Width multiplier α", 0.25, 1.4, 1.0, step=0.05, key="alpha")
st.metric("Mult-Adds", f"{alpha * alpha * 569e6:,.0f}")
st.plotly_chart(go.Figure(go.Scatter(x=[0.25, 0.5, 0.75, 1.0], y=[41, 150, 325, 569])),
                key="chart")
