"""The frame of the dashboard: navigation over the pages, the shared sidebar
(consultation, language, segment filters), nothing else."""

from pathlib import Path

import streamlit as st

from pages import ui

HERE = Path(__file__).parent
# page key (its URL is its file name: /ideas, /debate_map...), file in pages/, icon
PAGES = (
    ("overview", "overview.py", ":material/dashboard:"),
    ("ideas", "ideas.py", ":material/lightbulb:"),
    ("debate-map", "debate_map.py", ":material/scatter_plot:"),
    ("controversial", "controversial.py", ":material/bolt:"),
    ("participation", "participation.py", ":material/groups:"),
    ("groups", "groups.py", ":material/hub:"),
    ("explorer", "explorer.py", ":material/search:"),
    ("upload", "upload.py", ":material/upload_file:"),
    ("segments", "segments.py", ":material/compare_arrows:"),
)


def navigation(lang: str):
    # No url_path: the URL derived from the file name is the one Streamlit's legacy
    # multipage mode uses too (see ui._leave_legacy_mode).
    pages = [st.Page(HERE / "pages" / file, title=ui.page_title(key, lang), icon=icon,
                     default=(index == 0))
             for index, (key, file, icon) in enumerate(PAGES)]
    return st.navigation(pages)


def main() -> None:
    st.set_page_config(page_title="Consultation", page_icon=":material/how_to_vote:",
                       layout="wide")
    ui.ensure_demo()
    lang = ui.language_picker()
    ui.consultation_picker(lang)
    ui.segment_filters(lang)
    ui.weighting_toggle(lang)
    navigation(lang).run()


main()
