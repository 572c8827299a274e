"""Plotly figures for the pages and the HTML report (no streamlit here)."""
