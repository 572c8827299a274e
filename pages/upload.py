"""Add a consultation from a file: a zip of a vote-level bundle, a published
results JSON, a proposal-level CSV export or a zip of a Polis export. The file
is checked exactly as the command line checks it; a valid one joins this
session's consultation list (and no one else's), a bad one changes nothing."""

import re
import unicodedata
from pathlib import Path

import streamlit as st

from analytics import i18n
from analytics.consultations import catalog
from analytics.i18n import N_
from analytics.inputs import archive
from analytics.inputs.errors import InputError
from analytics.inputs.titles import slugify
from pages import ui

KIND_NAMES = {"bundle": N_("vote-level bundle"), "published": N_("published results"),
              "opendata": N_("proposal export"), "polis": N_("Polis conversation")}
MAX_UPLOADS = 5                      # per session: each one holds a database in memory
OUTCOMES = "upload_outcomes"         # file_id -> ("added", entry id, warnings) | ("error", ...)

view = ui.current_view()
lang = view.lang
_ = i18n.translator(lang)
st.title(ui.page_title("upload", lang))
limit_mb = int(st.get_option("server.maxUploadSize"))

st.markdown(_("Add a consultation's results from your computer. The file is checked as "
              "`python -m analytics validate` checks it: when it is valid, the consultation "
              "joins the list in the sidebar."))
kinds = [
    _("**.zip of a vote-level bundle**: `consultation.json`, `proposals`, `votes` (and "
      "optional `ideas`, `participants`, `actions.json`), at the root or in one folder;"),
    _("**.json of results published** by Make.org (`top_ideas`, `controversials`, "
      "`cartography`, `participation`);"),
    _("**.csv proposal-level export** (`proposition,auteur,age,votes,adhesion,engagement,"
      "score`);"),
    _("**.zip of a Polis export** (`comments.csv` and `votes.csv`, optional `summary.csv`)."),
]
st.markdown("\n".join([_("Accepted files:"), *("- " + kind for kind in kinds)]))
limit = _("Maximum size: {mb} MB per file.").format(mb=i18n.integer(limit_mb, lang))
st.markdown("**" + limit + "**")
st.caption(_("Added consultations are only visible in this tab and disappear when it is "
             "closed or reloaded; they are neither shared with other visitors nor kept."))


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def unique_id(name: str) -> str:
    taken = {entry.id for entry in ui.consultations()}
    plain = unicodedata.normalize("NFKD", Path(name).stem)
    plain = "".join(c for c in plain if not unicodedata.combining(c))   # "égalité" -> "egalite"
    base = "upload-" + slugify(plain)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def add(uploaded) -> tuple:
    """Check the file; on success add it to this session's consultations."""
    uploads = list(st.session_state.get(ui.UPLOADS, []))
    if len(uploads) >= MAX_UPLOADS:
        return ("full",)
    try:
        path = archive.store_upload(uploaded.name, uploaded.getvalue(), limit_mb=limit_mb)
    except InputError as error:
        return ("error", error)
    try:
        entry = catalog.Entry(unique_id(uploaded.name), path, "", "")
        # Opened through the app's cache: the check is the opening itself, and the
        # pages then find the consultation already open.
        source = ui._source(str(entry.path), entry.version)
    except InputError as error:
        archive.discard(path)
        return ("error", error)
    except Exception:
        archive.discard(path)
        raise
    shown_name = re.split(r"[\\/]", uploaded.name)[-1][:80]
    title = f"{source.title} ({shown_name})"
    entry = catalog.Entry(entry.id, path, source.kind, title)
    st.session_state[ui.UPLOADS] = [*uploads, entry]
    return ("added", entry.id, list(source.warnings))


def remove(entry_id: str) -> None:
    uploads = st.session_state.get(ui.UPLOADS, [])
    for entry in uploads:
        if entry.id == entry_id:
            archive.discard(entry.path)
    st.session_state[ui.UPLOADS] = [e for e in uploads if e.id != entry_id]


def check(uploaded) -> tuple:
    """The outcome for this upload, worked out once per file."""
    outcomes = st.session_state.setdefault(OUTCOMES, {})
    if uploaded.file_id not in outcomes:
        outcomes[uploaded.file_id] = add(uploaded)
    return outcomes[uploaded.file_id]


def on_upload() -> None:
    """Runs before the page: a valid upload becomes the selected consultation, so
    that the sidebar and every page show it at once."""
    uploaded = st.session_state.get("upload_file")
    if uploaded is not None:
        outcome = check(uploaded)
        if outcome[0] == "added":
            st.session_state["c"] = outcome[1]


uploaded = st.file_uploader(_("File to add"), type=["zip", "json", "csv"], key="upload_file",
                            max_upload_size=limit_mb, on_change=on_upload)
if uploaded is not None:
    # TRANSLATORS: {name} is a file's name, in the language's quotation marks.
    with st.spinner(_("Checking “{name}”…").format(name=ui.plain(uploaded.name)),
                    show_time=True):
        outcome = check(uploaded)
    if outcome[0] == "error":
        ui.show_input_error(outcome[1], uploaded.name, lang)
    elif outcome[0] == "full":
        st.warning(_("You have already added {n} consultations: remove one before adding "
                     "another.").format(n=MAX_UPLOADS), icon=":material/warning:")
    else:
        entries = {e.id: e for e in st.session_state.get(ui.UPLOADS, [])}
        entry = entries.get(outcome[1])
        if entry is not None:
            st.success(_("“{name}” is valid: the consultation “{title}” ({kind}) was "
                         "added.").format(name=ui.plain(uploaded.name),
                                          title=ui.plain(entry.title),
                                          kind=kind_name(entry.kind)),
                       icon=":material/check_circle:")
            st.page_link("pages/overview.py", label=_("Open the overview"),
                         icon=":material/dashboard:")
            if outcome[2]:
                st.caption(ui.plain("\n".join([_("Remarks:"), *outcome[2]])))

uploads = st.session_state.get(ui.UPLOADS, [])
if uploads:
    st.subheader(_("Consultations added in this session"), anchor=False)
    for entry in uploads:
        left, right = st.columns([5, 1], vertical_alignment="center")
        shown_kind = _(KIND_NAMES[entry.kind]) if entry.kind in KIND_NAMES else ""
        left.markdown(f"{ui.plain(entry.title)} · {shown_kind}")
        right.button(_("Remove"), key=f"remove-{entry.id}", on_click=remove,
                     args=(entry.id,), icon=":material/delete:")
