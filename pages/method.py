"""Méthode / Method: every figure of the product with its formula (analytics.present.method)."""

import streamlit as st

from analytics.present import method
from pages import ui

view = ui.current_view()
ui.header(view, "method")
for section in method.sections(view.lang):
    st.header(section.title, anchor=section.key)
    st.markdown(section.body)
