"""The frame of the dashboard: navigation over the pages, the shared sidebar
(consultation, language, segment filters), nothing else."""

from pathlib import Path

import streamlit as st

from analytics import memory
from pages import ui

HERE = Path(__file__).parent
# page key (its URL is its file name: /ideas, /debate_map...), file in pages/, icon
PAGES = (
    ("overview", "overview.py", ":material/dashboard:"),
    ("ideas", "ideas.py", ":material/lightbulb:"),
    ("debate-map", "debate_map.py", ":material/scatter_plot:"),
    ("controversial", "controversial.py", ":material/bolt:"),
    ("participation", "participation.py", ":material/groups:"),
    ("timeline", "timeline.py", ":material/timeline:"),
    ("groups", "groups.py", ":material/hub:"),
    ("explorer", "explorer.py", ":material/search:"),
    ("upload", "upload.py", ":material/upload_file:"),
    ("segments", "segments.py", ":material/compare_arrows:"),
    ("method", "method.py", ":material/functions:"),
)


def navigation(lang: str):
    # No url_path: the URL derived from the file name is the one Streamlit's legacy
    # multipage mode uses too (see ui._leave_legacy_mode).
    pages = [st.Page(HERE / "pages" / file, title=ui.page_title(key, lang), icon=icon,
                     default=(index == 0), url_path="home" if index == 0 else None)
             for index, (key, file, icon) in enumerate(PAGES)]
    # The default page is served at "/" only (Streamlit answers /overview with "page not
    # found"): the same file, unlisted, under its file name keeps /overview links working.
    key, file, icon = PAGES[0]
    pages.append(st.Page(HERE / "pages" / file, title=ui.page_title(key, lang), icon=icon,
                         url_path=Path(file).stem, visibility="hidden"))
    # A proposal's or an idea's own address (proposal?id=... / ?idea=...), linked from
    # the pages, not listed.
    pages.append(st.Page(HERE / "pages" / "proposal.py", title=ui.page_title("proposal", lang),
                         icon="🔗", url_path="proposal", visibility="hidden"))
    return st.navigation(pages)


def main() -> None:
    memory.limit_malloc_arenas()        # once per process, before readers' threads multiply
    # An emoji icon is drawn by the browser; a :material/...: one is fetched from Google's
    # font servers by every reader (tests/browser/test_hostile_browser.py checks that no
    # request leaves the app).
    with ui.page_run():
        st.set_page_config(page_title="Consultation", page_icon="🗳️", layout="wide")
        ui.bound_address()              # before any widget reads it
        ui.ensure_demo()
        lang = ui.language_picker()
        ui.consultation_picker(lang)
        ui.segment_filters(lang)
        ui.weighting_toggle(lang)
        ui.narrow_screens()
        ui.embed_mode()
        navigation(lang).run()


main()
