"""Méthode / Method: every figure of the product with its formula (analytics.method)."""

import streamlit as st

from analytics import method
from pages import ui

view = ui.current_view()
st.title(ui.page_title("method", view.lang))
for section in method.sections(view.lang):
    st.header(section.title, anchor=section.key)
    st.markdown(section.body)
