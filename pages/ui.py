"""What every page shares: the cached calls into `analytics` (the caching
boundary), the current view (consultation, language, segment: all bound to
the URL so a link reopens the same view), and charts with their data one
click away."""

from __future__ import annotations

import contextlib
import functools
import html
import re
import threading
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import i18n
from analytics.consultations import catalog
from analytics.consultations.open import open_source
from analytics.i18n import N_
from analytics.inputs.errors import InputError
from analytics.metrics.engine import DEFAULT_MIN_VOTES, DEFAULT_TOP, Options
from analytics.metrics.segment import Segment
from analytics.present import provenance
from analytics.present.charts import participation as participation_charts
from analytics.present.charts import style
from analytics.present.export import csv_bytes, parquet_bytes
from analytics.results_model import Results

PAGE_TITLES = {
    "overview": N_("Overview"),
    "ideas": N_("Big ideas"),
    "debate-map": N_("Debate map"),
    "controversial": N_("Controversial and rejected"),
    "participation": N_("Participation"),
    "timeline": N_("Timeline"),
    "groups": N_("Opinion groups"),
    "explorer": N_("Proposal explorer"),
    "upload": N_("Add a consultation"),
    "segments": N_("Segments"),
    "method": N_("Method"),
    "proposal": N_("Proposal"),
}
NOTES = {
    "no_ideas": N_("This data does not group proposals into big ideas (a vote-level bundle "
                   "with an ideas table would)."),
    "no_participants": N_("This data does not describe participants: no breakdown by gender, "
                          "age or region and no segment filter (a participants table would "
                          "provide them)."),
    "no_actions": N_("No action plan comes with these results (actions.json)."),
    "no_tags": N_("Proposals carry no tags (themes, actors...): no cartography of themes."),
    "segment_too_small": N_("This segment has fewer than 10 participants: its results are not "
                            "shown, to protect privacy."),
    "published": N_("Results as published by Make.org: rounded percentages, without the votes "
                    "themselves (no score ranking, zones or segment filter)."),
    "published_thousands": N_("The file writes some key figures with a dot as thousands "
                              "separator (4.744): they are read as whole numbers (4,744)."),
    "opendata": N_("Proposal-level export: votes, adhesion, engagement and score only, without "
                   "the votes themselves (no disagree shares, zones or controversies)."),
    "polis": N_("Polis conversation: agree, disagree and pass (counted as neutral) votes only, "
                "no mentions (Love it, Realistic…); comments rejected by moderation are "
                "excluded."),
    "segment": N_("Results are restricted to the chosen segment; proposals with fewer than 10 "
                  "voters in it are hidden."),
}
FINDING = N_("Finding the big ideas in the proposals' texts…")
_demo_lock = threading.Lock()

# At most this many page runs at once in the process (CONSULTATIONS_PAGE_RUNS): the
# others wait their turn, idle. The pages' Python shares one interpreter lock, so 100
# readers arriving together would otherwise run 100 threads in turn by slices of 5 ms,
# the server's own thread (which sends the pages) getting one slice in 101.
PAGE_RUNS_VARIABLE = "CONSULTATIONS_PAGE_RUNS"


@functools.cache
def _page_runs() -> threading.BoundedSemaphore | None:
    import os

    value = os.environ.get(PAGE_RUNS_VARIABLE, "4").strip()
    runs = int(value) if value.isdigit() else 4
    return threading.BoundedSemaphore(runs) if runs > 0 else None


def page_run():
    """A turn to run this page (see PAGE_RUNS_VARIABLE); 0 for no limit."""
    return _page_runs() or contextlib.nullcontext()


# -- the caching boundary -------------------------------------------------------------------

# Session state key of the consultations this session uploaded (catalog.Entry list):
# uploads stay private to the session that made them.
UPLOADS = "uploaded_consultations"


@st.cache_data(ttl=30, max_entries=1, show_spinner=False)
def _discovered() -> list[catalog.Entry]:
    return catalog.discover()


def consultations() -> list[catalog.Entry]:
    return [*_discovered(), *st.session_state.get(UPLOADS, [])]


@st.cache_resource(max_entries=8, show_spinner=False)
def _source(path: str, version: float):
    # A bundle is validated once and kept as a DuckDB file (analytics.store.cache).
    return open_source(path, cached=True)


# A resource, not data: st.cache_data would hand each rerun a copy (unpickling the
# results of 10M votes, 50k proposals, takes most of a second); pages only read them.
@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def _results(path: str, version: float, segment: tuple, min_votes: int, top: int,
             weighted: bool = False, ideas: str = "auto", ideas_hash: str = "",
             _idea_set=None) -> Results:
    # `ideas_hash` (of the edited IdeaSet's CSV files) is the key; `_idea_set` is not hashed.
    options = Options(min_votes=min_votes, top=top, segment=Segment(**dict(segment)),
                      weighted=weighted, ideas=ideas)
    return _source(path, version).results(options, idea_set=_idea_set)


# Session state key of the ideas corrected in this session: {consultation id: (IdeaSet,
# hash of its CSV files)}. Nothing is written into the input.
EDITED_IDEAS = "edited_idea_sets"


def ideas_hash(idea_set) -> str:
    import hashlib

    ideas_csv, links_csv = idea_set.to_csv()
    return hashlib.sha256(ideas_csv + b"\0" + links_csv).hexdigest()[:16]


def finds_ideas(source) -> bool:
    """Whether the input's ideas come from its texts: it has proposals' texts but no
    ideas table (a bundle without ideas, a Polis export, a proposal-level export)."""
    return "ideas" not in source.capabilities and "proposals" in source.capabilities


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _segment_values(path: str, version: float) -> dict:
    return _source(path, version).segment_values()


def ensure_demo() -> None:
    """Generate the demo consultation on first run, with a progress bar."""
    from analytics.demo import DEFAULT_DEMO_DIR
    from analytics.demo import ensure_demo as build

    if DEFAULT_DEMO_DIR.exists():
        return
    with _demo_lock:
        if DEFAULT_DEMO_DIR.exists():
            return
        # Before the language picker: the language of the address.
        _ = i18n.translator(i18n.language_of(st.query_params.get("lang")))
        bar = st.progress(0.0, text=_("Preparing the demonstration consultation…"))
        build(DEFAULT_DEMO_DIR, progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
        bar.empty()
        _discovered.clear()


# -- the current view -----------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    entry: catalog.Entry | None
    lang: str
    segment: Segment
    weighted: bool = False      # sidebar "Weighting" toggle (URL key `w`)

    def t(self, key: str, **values) -> str:
        return i18n.word(key, self.lang, **values)

    def source(self):
        """The opened input; shows the problems and stops the page when it is invalid."""
        if self.entry is None:
            st.info(self.t("no_data"))
            st.stop()
        try:
            with st.spinner(f"{plain(self.entry.title)}…", show_time=True):
                return _source(str(self.entry.path), self.entry.version)
        except InputError as error:
            show_input_error(error, self.entry.path.name, self.lang)
            st.stop()

    def results(self, min_votes: int = DEFAULT_MIN_VOTES, top: int = DEFAULT_TOP,
                ideas: str = "auto") -> Results:
        source = self.source()
        segment = self.segment if "segments" in source.capabilities else Segment()
        weighted = self.weighted and "participants" in source.capabilities
        edited, key = self.edited_ideas() if ideas != "given" else (None, "")
        if edited is None and (ideas == "found" or (ideas == "auto" and finds_ideas(source))):
            self.found_ideas()      # the first time, with its progress bar
        try:
            return _results(str(self.entry.path), self.entry.version,
                            tuple(segment.items()), min_votes, top, weighted, ideas, key,
                            _idea_set=edited)
        except InputError as error:
            show_input_error(error, self.entry.path.name, self.lang)
            st.stop()

    def found_ideas(self):
        """The ideas found in the input's texts (None when it has no texts to read),
        computed once per input by the source itself (not by a Streamlit cache, which
        would replay the progress bar it drew): a progress bar while it runs the first
        time."""
        source = self.source()
        bar = []

        def progress(fraction: float, message: str) -> None:
            finding = i18n.translator(self.lang)(FINDING)
            if not bar:
                bar.append(st.progress(0.0, text=finding))
            fraction = min(max(float(fraction), 0.0), 1.0)
            bar[0].progress(fraction, text=finding + " "
                            + i18n.percent(100 * fraction, self.lang))

        try:
            return source.found_ideas(progress=progress)    # at once once computed
        except InputError as error:
            show_input_error(error, self.entry.path.name, self.lang)
            st.stop()
        finally:
            if bar:
                bar[0].empty()

    def edited_ideas(self):
        """(the ideas as corrected in this session, their hash), or (None, "")."""
        if self.entry is None:
            return None, ""
        return st.session_state.get(EDITED_IDEAS, {}).get(self.entry.id, (None, ""))

    def set_edited_ideas(self, idea_set) -> None:
        """Keep `idea_set` (None: back to the found ideas) for this consultation, this
        session only; every page then computes its results with it."""
        edited = dict(st.session_state.get(EDITED_IDEAS, {}))
        if idea_set is None:
            edited.pop(self.entry.id, None)
        else:
            edited[self.entry.id] = (idea_set, ideas_hash(idea_set))
        st.session_state[EDITED_IDEAS] = edited

    def idea_set(self):
        """The ideas the pages use when the input has none: corrected, else found."""
        edited, _ = self.edited_ideas()
        return edited if edited is not None else self.found_ideas()


def current_view() -> View:
    _leave_legacy_mode()
    state = st.session_state
    entries = {entry.id: entry for entry in consultations()}
    entry = entries.get(state.get("c")) or next(iter(entries.values()), None)
    segment = Segment(gender=state.get("gender") or None, age_band=state.get("age") or None,
                      region=state.get("region") or None)
    return View(entry, i18n.language_of(state.get("lang")), segment,
                weighted=bool(state.get("w")))


def _leave_legacy_mode() -> None:
    """Streamlit runs a page of pages/ on its own, without app.py, when the first
    visit after a server start is a deep link (its multipage "v1" mode stays on
    until st.navigation is called once). Switch it off and rerun: the rerun goes
    through app.py, whose pages have the same URLs, so the same page opens framed.
    Readers arriving together after a start all begin in that mode while the first of
    them switches it off: a run is also legacy when app.py is not running it."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if PagesManager.uses_pages_directory or (
            ctx is not None and not _on_stack(ctx.pages_manager.main_script_path)):
        PagesManager.uses_pages_directory = False
        st.rerun()


def _on_stack(script: str) -> bool:
    """Whether the code of `script` (the main script, app.py) is running this call."""
    import os
    import sys

    path, name = os.path.realpath(script), os.path.basename(script)
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if os.path.basename(filename) == name and os.path.realpath(filename) == path:
            return True
        frame = frame.f_back
    return False


def page_title(key: str, lang: str) -> str:
    return i18n.translator(lang)(PAGE_TITLES[key])


# -- sidebar (called by app.py) -------------------------------------------------------------

def _url_choice(widget, label: str, options: list, *, key: str, default=None,
                always: bool = False, **kwargs):
    """A sidebar choice kept in the URL as its value (an id or a code), never its
    translated label, so that a shared link opens the same view in any language.
    The widget state `key` starts from the URL's `key` parameter when valid. A
    default value stays out of the URL (short links) unless `always`."""
    if st.session_state.get(key, default) not in options:
        del st.session_state[key]
    if key not in st.session_state:
        by_text = {"" if option is None else str(option): option for option in options}
        st.session_state[key] = by_text.get(st.query_params.get(key), default)
    value = widget(label, options, key=key, **kwargs)
    if value is None or (value == default and not always):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)
    return value


def language_picker() -> str:
    # Labelled in every language, so that anyone finds it.
    label = " · ".join(dict.fromkeys(i18n.translator(lang)("Language")
                                     for lang in i18n.LANGUAGES))
    _url_choice(st.sidebar.segmented_control, label, list(i18n.LANGUAGES),
                key="lang", default=i18n.DEFAULT_LANGUAGE, format_func=i18n.language_name,
                required=True)
    return i18n.language_of(st.session_state.get("lang"))


def consultation_picker(lang: str) -> None:
    entries = consultations()
    if not entries:
        _ = i18n.translator(lang)
        st.sidebar.warning(_("No consultation found in data/consultations."))
        return
    titles = {entry.id: entry.title for entry in entries}
    # The consultation is always in the link: which one is listed first depends on
    # the server's folders.
    _url_choice(st.sidebar.selectbox, i18n.word("consultation", lang), list(titles), key="c",
                default=entries[0].id, always=True, format_func=titles.get)


def segment_filters(lang: str) -> None:
    view = current_view()
    if view.entry is None:
        return
    try:
        source = _source(str(view.entry.path), view.entry.version)
    except InputError:
        return      # the page shows the problems
    if "segments" not in source.capabilities:
        return
    values = _segment_values(str(view.entry.path), view.entry.version)
    st.sidebar.markdown(f"**{i18n.word('filters', lang)}**")
    for key, dimension in (("gender", "gender"), ("age", "age_band"), ("region", "region")):
        # "" is "everyone": a None value would show as an empty selectbox.
        options = ["", *values.get(dimension, {})]
        labels = values.get(dimension, {})
        _url_choice(
            st.sidebar.selectbox, i18n.word(dimension, lang), options, key=key, default="",
            format_func=lambda v, labels=labels: i18n.word("everyone", lang) if v == ""
            else i18n.word(labels.get(v, v), lang))


# -- page controls kept in the URL ----------------------------------------------------------

# The address parameters read as whole numbers by a widget (bind="query-params"):
# Streamlit converts them with int(float(...)), which raises on "inf", "1e400" or a
# 5,000-digit number. The widgets themselves refuse an integer outside their range.
ADDRESS_NUMBERS = ("top", "min_votes", "map_votes", "pv", "pa", "pe")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
# Longer values are no id, code or search anyone typed: dropped before any widget.
ADDRESS_MAX_CHARS = 500


def bound_address() -> None:
    """Drops, once per run and before any widget reads it, every address value a
    widget could not take: a number that is not a whole number of at most 9 digits,
    a value over ADDRESS_MAX_CHARS characters. The page then shows its default."""
    params = st.query_params
    for key in list(params):
        values = params.get_all(key)
        kept = [value for value in values if len(value) <= ADDRESS_MAX_CHARS and (
            key not in ADDRESS_NUMBERS or _WHOLE_NUMBER.fullmatch(value.strip()))]
        if kept == values:
            continue
        if kept:
            params[key] = kept
        else:
            del params[key]
        _forget_initial(key, kept)


def _forget_initial(key: str, kept: list[str]) -> None:
    """A widget bound to the address is seeded from the address as the page was first
    asked for (a copy Streamlit keeps apart from st.query_params): that copy is bounded
    too. No public API reaches it; without it (another Streamlit) nothing is done."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with ctx.session_state.query_params() as state:
        initial = getattr(state, "_initial_query_params", None)
        if isinstance(initial, dict) and key in initial:
            if kept:
                initial[key] = list(kept)
            else:
                del initial[key]



def in_url(key: str, options: list, default=None, multi: bool = False) -> dict:
    """Widget arguments that keep its value in the URL under `key` as the option itself
    (`list=rejection`, `zones=limbo`), the same in every language. (bind="query-params"
    writes the translated label of an option with a format_func into the URL.)"""
    state = st.session_state
    if multi:
        current = state[key] if key in state else st.query_params.get_all(key)
        state[key] = [value for value in current if value in options]
    else:
        current = state[key] if key in state else st.query_params.get(key, default)
        # The address holds text: "2000" is the option 2000.
        current = {str(option): option for option in options}.get(str(current), current)
        state[key] = current if current in options else default
    return {"key": key, "on_change": to_url, "args": (key, default)}


def to_url(key: str, default) -> None:
    value = st.session_state.get(key)
    if value in (None, default, []):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value


# -- drawing --------------------------------------------------------------------------------

_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:=&\"'")


# Streamlit's markdown turns some plain text into something else even when escaped
# (it works on the text once the escapes are read): ":material/home:" and ":streamlit:"
# into icons, " -> " " <= " " -- " into arrows and signs. An invisible word joiner
# (U+2060) inside each keeps them as typed.
_WORD_JOINER = "\u2060"
_SHORTCODE = re.compile(r":(?=[\w+-]+:|material[/_]|streamlit:)")
_TYPOGRAPHY = re.compile(r"(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)")


def plain(text) -> str:
    """User text (proposals, names, labels) for st.markdown, shown exactly as typed:
    every markdown and HTML character is escaped, shortcodes and arrows are kept from
    turning into icons, right-to-left text is isolated (style.isolate), line breaks are
    kept."""
    if text is None:
        return ""
    text = _SHORTCODE.sub(":" + _WORD_JOINER, str(text))
    text = _TYPOGRAPHY.sub(lambda m: _WORD_JOINER.join(m.group(1)), text)
    text = style.isolate(text)
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in text)
    return escaped.replace("\n", "  \n")


def weighting_toggle(lang: str) -> None:
    """The sidebar "Weighting" toggle (URL key `w`), for sources with participants."""
    view = current_view()
    if view.entry is None:
        return
    try:
        source = _source(str(view.entry.path), view.entry.version)
    except InputError:
        return
    if "participants" not in source.capabilities:
        return
    _ = i18n.translator(lang)
    st.sidebar.toggle(_("Weighting"), key="w", bind="query-params", help=_(
        "Reweights participants so that their split by gender, age and region is the French "
        "population's (raking, weights capped between 0.2 and 5 times the mean weight). "
        "Counts stay raw."))


def weighting_caption(results: Results | None, lang: str) -> None:
    weighting = (results or {}).get("weighting")
    if weighting:
        _ = i18n.translator(lang)
        st.caption(_(
            "Weighted figures (raked to the French population by gender, age and region) · "
            "effective sample size: {ess} of {n} participants").format(
            ess=i18n.integer(weighting.get("effective_sample_size"), lang),
            n=i18n.integer(weighting.get("participants"), lang)))


def header(view: View, page: str, results: Results | None = None) -> None:
    st.title(page_title(page, view.lang))
    header_lines(view, results)


def header_lines(view: View, results: Results | None = None) -> None:
    """Under a page's title: the consultation (and segment), the demo's notice, the
    citation, the weighting and the data's attribution."""
    if view.entry is not None:
        # Each piece escaped (and isolated) on its own: a right-to-left title or label
        # cannot reorder the separators around it.
        caption = plain(view.entry.title)
        if results and results.get("segment"):
            _ = i18n.translator(view.lang)
            # TRANSLATORS: a segment filter under a page's title: "Gender: Women".
            parts = [_("{dimension}: {value}").format(dimension=plain(view.t(k)),
                                                      value=plain(segment_label(view, k, v)))
                     for k, v in results["segment"].items()]
            caption += " · " + ", ".join(parts)
        st.caption(caption)
        provenance_lines(view)
    weighting_caption(results, view.lang)
    if results and results.get("attribution"):
        attribution(results["attribution"], view.lang)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _data_version(path: str, version: float) -> str:
    return provenance.data_version(path)


def _whole(view: View) -> Results:
    """The whole consultation's results (no segment, given ideas only: nothing found
    again), for what every page says about its source."""
    # With ideas of its own, "auto" is "given": the same entry as the default view's
    # (a restarted server has it ready in the consultation cache, computed once).
    ideas = "given" if finds_ideas(_source(str(view.entry.path), view.entry.version)) else "auto"
    # Every argument as View.results passes it: Streamlit's key leaves defaults out.
    return _results(str(view.entry.path), view.entry.version, (), DEFAULT_MIN_VOTES,
                    DEFAULT_TOP, False, ideas, "", _idea_set=None)


def citation(view: View) -> str:
    return provenance.citation(_whole(view), view.lang,
                               version=_data_version(str(view.entry.path), view.entry.version))


def view_address() -> str:
    """The address of the page as the reader sees it, its settings included."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?", 1)[0]
    query = urlencode([(key, value) for key in st.query_params
                       for value in st.query_params.get_all(key)])
    return f"{base}?{query}" if query else base


def stamp(view: View) -> list[str]:
    """The lines at the head of every download of this view (analytics.present.provenance)."""
    return provenance.stamp(_whole(view), view.lang,
                            version=_data_version(str(view.entry.path), view.entry.version),
                            segment=segment_text(view), address=view_address())


def segment_text(view: View) -> str | None:
    return ", ".join(f"{view.t(k)}={segment_label(view, k, v)}"
                     for k, v in view.segment.items()) or None


def source_lines(view: View) -> list[str]:
    """The source under each chart of this view (analytics.present.provenance.source_lines)."""
    try:
        return provenance.source_lines(_whole(view), view.lang, segment=segment_text(view),
                                       address=view_address())
    except InputError:
        return []


def provenance_lines(view: View) -> None:
    """The synthetic demo's notice (every page) and the citation to paste."""
    try:
        whole = _whole(view)
    except InputError:
        return                  # the page shows the problems
    _ = i18n.translator(view.lang)
    if provenance.is_synthetic(whole):
        st.warning(provenance.synthetic_notice(view.lang), icon=":material/science:")
    with st.popover(_("Cite"), icon=":material/format_quote:",
                    help=_("The text to paste to cite these results.")):
        st.code(citation(view), language=None, wrap_lines=True)


def page_link(view: View, page: str, params: tuple = ()) -> str:
    """A relative link to `page` of this view's consultation and language."""
    from urllib.parse import urlencode

    language = {"lang": view.lang} if view.lang != i18n.DEFAULT_LANGUAGE else {}
    query = {"c": view.entry.id, **language, **dict(params)}
    return f"{page}?{urlencode(query)}"


def linked(view: View, fact: tuple) -> str:
    """A summary fact (analytics.present.summary) as markdown: its figures linked to their page."""
    return "".join(plain(part) if isinstance(part, str)
                   else f"[{plain(part.text)}]({page_link(view, part.page, part.params)})"
                   for part in fact)


def how_to_read(view: View) -> None:
    """The "how to read these results" note, with a link to the method page."""
    from analytics.present import method

    reading = method.reading(view.lang)
    with st.expander(reading.title, icon=":material/help:"):
        st.markdown(reading.body)
        _ = i18n.translator(view.lang)
        label = _("Full method")
        st.markdown(f"[{label}]({page_link(view, 'method')})")


def segment_label(view: View, dimension: str, value: str) -> str:
    """A segment value as people read it: 'Femmes', '16-24', 'Bretagne' (not '53')."""
    if dimension == "region" and view.entry is not None:
        labels = _segment_values(str(view.entry.path), view.entry.version).get("region", {})
        return labels.get(value, value)
    return view.t(value)


def attribution(text: str, lang: str | None = None) -> None:
    """The credit a data licence asks for (Polis: CC BY 4.0), on every page showing it;
    with `lang`, Polis's statement in that language."""
    st.caption(plain(licence_statement(text, lang) if lang else text))


def licence_statement(text: str, lang: str) -> str:
    """Polis's CC BY 4.0 statement (analytics.consultations.polis.ATTRIBUTION) in `lang`, its links
    kept; any other credit as the data gives it."""
    from analytics.consultations import polis

    head = polis.ATTRIBUTION.split("{links}")[0]
    if not text.startswith(head):
        return text
    _ = i18n.translator(lang)
    # TRANSLATORS: the credit the CC BY 4.0 licence of Polis open data asks for; keep the
    # licence's name, "The Computational Democracy Project" and {links} as they are.
    return _("Data was gathered using the Polis software (compdemocracy.org/polis) and is "
             "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy "
             "Project. The data and more information about how the data was collected can be "
             "found at the following link(s): {links}").format(links=text[len(head):])


def note(code: str, lang: str) -> None:
    text = NOTES.get(code)
    if text:
        st.info(i18n.translator(lang)(text), icon=":material/info:")


def notes(results: Results, lang: str, codes: tuple[str, ...]) -> None:
    for item in results.get("notes", []):
        if item["code"] in codes:
            note(item["code"], lang)


def found_ideas_note(view: View, results: Results, *, here: bool = False) -> bool:
    """The one sentence saying the ideas were found automatically in the texts, with a
    link to the method section of the ideas page (`here`: on that page). False when the
    results' ideas were not found in the texts."""
    from urllib.parse import urlencode

    from analytics.present.charts import ideas as idea_charts

    sentence = idea_charts.found_note(results, view.lang)
    if sentence is None:
        return False
    anchor = f"#{idea_charts.METHOD_ANCHOR}"
    if here or view.entry is None:
        link = anchor
    else:
        language = {"lang": view.lang} if view.lang != i18n.DEFAULT_LANGUAGE else {}
        query = {"c": view.entry.id, **language}
        link = f"ideas?{urlencode(query)}{anchor}"
    label = idea_charts.found_link_label(view.lang)
    st.info(f"{plain(sentence)} [{plain(label)}]({link})", icon=":material/auto_awesome:")
    return True


def show_input_error(error: InputError, name: str, lang: str) -> None:
    """The problems of an input, one per line, in an error box. The file name and the
    messages quote the file's content: shown as plain text, never as markdown."""
    # TRANSLATORS: {name} is a file's name, in the language's quotation marks.
    _ = i18n.translator(lang)
    title = _("“{name}” cannot be read:").format(name=plain(name))
    lines = "\n".join(f"- {plain(line)}" for line in error.report().splitlines())
    st.error(f"{title}\n\n{lines}", icon=":material/error:")


def chart(fig, data: pd.DataFrame, *, key: str, view: View, filename: str,
          on_select=None, narrow: bool = False) -> object:
    """A plotly chart with its source line (in the figure: in its PNG too), then its data
    as a table with CSV and Parquet downloads."""
    if view.entry is not None:
        # A chart in a third of the page: its source wraps shorter.
        fig = sourced(fig, source_lines(view),
                      chars=style.SOURCE_CHARS * 2 // 3 if narrow else None)
    with st.container(key=f"chart-{_css_name(key)}"):
        event = st.plotly_chart(
            fig, width="stretch", key=key, theme=None,
            on_select=on_select or "ignore",
            config={"displaylogo": False,
                    "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}})
    if embedded_chart() is None:
        embed_button(view, key, fig.to_dict()["layout"].get("height"))
        data_table(data, key=f"{key}-data", view=view, filename=filename)
    return event


# -- embedding a chart in an article --------------------------------------------------------

EMBED_WIDTH = 720           # px: an article column
_CSS_NAME = re.compile(r"[^A-Za-z0-9_-]")


def _css_name(key: str) -> str:
    return _CSS_NAME.sub("-", str(key))[:80]


def on_a_phone() -> bool:
    """Whether the reader's browser says it is a phone ("Mobi" in its user agent, as
    every phone browser writes it; tablets do not): the server does not know a page's
    width, and a map's scale must be chosen before it is drawn."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def embedded_chart() -> str | None:
    """The chart this page shows alone (`chart=` in the address), or None."""
    value = st.query_params.get("chart")
    return _css_name(value) if value else None


def embed_address(key: str) -> str:
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?", 1)[0]
    query = [(k, v) for k in st.query_params if k not in ("embed", "chart")
             for v in st.query_params.get_all(k)]
    query += [("embed", "true"), ("chart", _css_name(key))]
    return f"{base}?{urlencode(query)}"


def embed_button(view: View, key: str, height) -> None:
    _ = i18n.translator(view.lang)
    address = embed_address(key)
    title = html.escape(view.entry.title if view.entry else "")
    frame = (f'<iframe src="{html.escape(address)}" width="100%" '
             f'height="{int(height or 450) + 40}" style="border:0;max-width:{EMBED_WIDTH}px" '
             f'loading="lazy" title="{title}"></iframe>')
    with st.popover(_("Embed"), icon=":material/code:", help=_(
            "The address of this chart alone, and the code to paste in an article.")):
        st.caption(_("Address of the chart alone"))
        st.code(address, language=None, wrap_lines=True)
        st.caption(_("Code to paste (iframe)"))
        st.code(frame, language="html", wrap_lines=True)


def narrow_screens() -> None:
    """A segmented control wider than the page (a phone) wraps its options onto more
    lines instead of scrolling them out of sight. Called by app.py on every page."""
    st.html("<style>@media (max-width: 640px) {"
            '[data-testid="stButtonGroup"] div:has(> button) { flex-wrap: wrap; row-gap: 4px; }'
            "}</style>")


def embed_mode() -> None:
    """With `chart=` in the address, the page shows that chart alone: everything else of
    the main area is hidden (Streamlit's own `embed=true` hides the sidebar and the
    toolbar), at an article column's width. Called by app.py before the page runs."""
    key = embedded_chart()
    if key is None:
        return
    target = f".st-key-chart-{key}"
    hidden = f":not(:has({target})):not({target}):not({target} *)"
    st.html(f"""<style>
[data-testid="stMain"] [data-testid="stVerticalBlock"] > *{hidden} {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ max-width: {EMBED_WIDTH}px; padding: 0.5rem; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {{ display: none !important; }}
</style>""")


class FrozenFigure(go.Figure):
    """A figure shared by every reader of a view (ui.figure, ui.derived): the dict that
    st.plotly_chart serialises at each page run is made once (it cost more than the
    JSON itself: the maps carry their GeoJSON). Never changed once frozen."""

    def to_dict(self):
        return self._frozen_dict


def sourced(fig: go.Figure, lines: list[str], chars: int | None = None) -> go.Figure:
    """A figure of this run: `fig` (often shared, frozen) with its source line under it.
    Made on the figure's dict, so a frozen figure is neither copied nor changed."""
    base = fig.to_dict()
    layout = base.get("layout") or {}
    out = FrozenFigure()
    changes = style.source_changes(layout, lines, chars, style.legend_names(base.get("data")))
    out._frozen_dict = {**base, "layout": {**layout, **changes}}
    return out


def freeze(built):
    """The figure of `built` (a figure, or (figure, data)) made a FrozenFigure in place."""
    fig = built[0] if isinstance(built, tuple) and built else built
    if isinstance(fig, go.Figure) and not isinstance(fig, FrozenFigure):
        frozen = go.Figure.to_dict(fig)
        fig.__class__ = FrozenFigure
        fig._frozen_dict = frozen
    return built


def _layer_key(layer) -> tuple:
    # A map's layer carries its outlines (large) and a function: known by its level, its
    # areas and its outlines' identity (loaded once per process or per source).
    return (layer.key, layer.dimension, id(layer.geojson), tuple(layer.names.items()))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False,
                   hash_funcs={participation_charts.Layer: _layer_key})
def _figure(name: str, args: tuple, kwargs: tuple, _builder=None):
    # `name` and the arguments (small frames and values, hashed by Streamlit) are the key.
    return freeze(_builder(*args, **dict(kwargs)))


def figure(builder, *args, **kwargs):
    """builder(*args, **kwargs) (a figure, or (figure, data)), built once per arguments
    and shared by every reader: a rerun that changes nothing rebuilds nothing. The
    arguments must be small (Streamlit hashes them); a builder of the whole results
    goes through `derived`."""
    return _figure(f"{builder.__module__}.{builder.__qualname__}", args,
                   tuple(sorted(kwargs.items())), _builder=builder)


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _derived(path: str, version: float, segment: tuple, weighted: bool, name: str,
             args: tuple, kwargs: tuple, ideas_hash: str = "", _builder=None,
             _idea_set=None):
    # `name` (the builder's module and name) is the key; `_builder` is not hashed.
    results = _results(path, version, segment, DEFAULT_MIN_VOTES, DEFAULT_TOP, weighted,
                       "auto", ideas_hash, _idea_set=_idea_set)
    return freeze(_builder(results, *args, **dict(kwargs)))


def derived(view: View, builder, *args, **kwargs):
    """builder(view.results(), *args, **kwargs), computed once per view and arguments
    and shared (pages only read it): what a page derives from every proposal of a large
    consultation (a table, a figure) takes seconds to rebuild at each rerun."""
    view.results()          # the page's own checks (input errors) first
    source = view.source()
    segment = view.segment if "segments" in source.capabilities else Segment()
    weighted = view.weighted and "participants" in source.capabilities
    edited, key = view.edited_ideas()
    return _derived(str(view.entry.path), view.entry.version, tuple(segment.items()),
                    weighted, f"{builder.__module__}.{builder.__qualname__}", args,
                    tuple(sorted(kwargs.items())), key, _builder=builder, _idea_set=edited)


def download_buttons(columns, data: pd.DataFrame, *, key: str, view: View,
                     filename: str) -> None:
    """CSV and Parquet download buttons of a table, in two columns. The bytes are made
    when the reader clicks (Streamlit's deferred downloads): not kept per session nor
    fetched by the browser at every page drawn."""
    left, right = columns[0], columns[1]
    lines = stamp(view)
    left.download_button(view.t("download_csv"), functools.partial(csv_bytes, data, lines),
                         file_name=f"{filename}.csv",
                         mime="text/csv", key=f"{key}-csv", icon=":material/download:",
                         on_click="ignore")
    right.download_button(view.t("download_parquet"),
                          functools.partial(parquet_bytes, data, lines),
                          file_name=f"{filename}.parquet",
                          mime="application/vnd.apache.parquet", key=f"{key}-parquet",
                          icon=":material/download:", on_click="ignore")


def data_table(data: pd.DataFrame, *, key: str, view: View, filename: str) -> None:
    with st.expander(view.t("show_data"), icon=":material/table:"):
        st.dataframe(data, hide_index=True, width="stretch", key=f"{key}-table")
        download_buttons(st.columns(2), data, key=key, view=view, filename=filename)


# -- the full report ------------------------------------------------------------------------

@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _report(path: str, version: float, lang: str, segment: tuple, weighted: bool,
            ideas_hash: str = "", _idea_set=None) -> bytes:
    from analytics.present.report import build_report

    options = Options(segment=Segment(**dict(segment)), weighted=weighted)
    return build_report(_source(path, version), lang, options,
                        idea_set=_idea_set).encode("utf-8")


def report_button(view: View) -> None:
    """The "rapport complet" download (analytics.present.report), built when clicked."""
    source = view.source()
    segment = view.segment if "segments" in source.capabilities else Segment()
    weighted = view.weighted and "participants" in source.capabilities
    edited, key = view.edited_ideas()
    args = (str(view.entry.path), view.entry.version, view.lang, tuple(segment.items()),
            weighted, key, edited)
    _ = i18n.translator(view.lang)
    # TRANSLATORS: the report's file name: "<consultation>-report.html" (lower case, no space).
    word = i18n.translations(view.lang).pgettext("file name", "report")
    st.download_button(_("Download the full report (HTML)"), data=lambda: _report(*args),
                       file_name=f"{view.entry.id}-{word}.html", mime="text/html",
                       on_click="ignore", key="full-report", icon=":material/description:",
                       help=_("The whole consultation in one HTML file that opens offline "
                              "(interactive charts, each exportable as PNG). Built on click: "
                              "a few seconds."))
