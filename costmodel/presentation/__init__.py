"""Presentation: plots and SVG figures, the dashboard's state (computed without Streamlit) and
the command line. Thin: each only calls the library and displays.
"""
