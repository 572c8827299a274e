"""Hostile text (tests/corpus/hostile.py): HTML, scripts, markdown links and
emphasis, a 300-letter word, right-to-left scripts, emoji ZWJ sequences, LaTeX and
shortcodes in every text of a bundle. Every page, chart, table, download and the
HTML report show them as typed, and run or format none of them.

The browser half (tests/browser/test_hostile_browser.py) checks the live page."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from builders import unescape
from corpus import hostile
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from analytics.consultations import catalog
from analytics.consultations.open import open_source
from analytics.present.charts import ideas as idea_charts
from analytics.present.charts import style
from analytics.present.export import FORMULA_STARTS, csv_bytes
from pages import ui

ROOT = Path(__file__).resolve().parent.parent
PAGES = [f"pages/{name}.py" for name in ("overview", "ideas", "debate_map", "controversial",
                                          "participation", "groups", "explorer", "upload",
                                          "segments")]
# Written raw, each of these would be formatted or run by markdown or HTML.
ACTIVE = (hostile.SCRIPT, hostile.IMG, hostile.SVG, hostile.BOLD, hostile.LINK,
          hostile.MD_BOLD, hostile.LATEX, ":smile:", ":material/home:", ":material_home:",
          ":red[rouge]", ":streamlit:", "-> b")
# Raw tags in a plotly label are rendered by plotly (it knows <b>, <a href>, <span>...).
PLOTLY_TAGS = re.compile(r"<(script|img|svg|a|iframe|span|b>bold)", re.IGNORECASE)
FSI, PDI = "\u2068", "\u2069"
# In markdown the app writes, an unescaped HTML tag, link target, math delimiter or
# icon shortcode can only come from data.
# A link is ours only when it goes to one of our pages ("proposal?c=..."): its text is
# then escaped user text; any other unescaped "](" would come from a payload.
OUR_LINK = r"(?!(?:ideas|proposal|controversial|participation|method|segments)\?c=)"
UNESCAPED = re.compile(r"(?<!\\)<[A-Za-z/!?]|(?<!\\)\]\(" + OUR_LINK + r"|(?<!\\)\$"
                       r"|(?<!\\):(?:material[/_]|streamlit:|smile:)")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    hostile.write_hostile_bundle(root / "hostile")
    return root


@pytest.fixture(scope="module")
def source(folder):
    return open_source(folder / "hostile")


def visible(text: str) -> str:
    """What a reader sees of a markdown string written with ui.plain."""
    return unescape(text).replace("\u2060", "").replace(FSI, "").replace(PDI, "")


def chart_strings(spec, skip: tuple[str, ...] = ()) -> list[str]:
    """Every string of a plotly figure (data and layout), but under the keys `skip`."""
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in skip:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(spec)
    return found


def rendered_strings(spec) -> list[str]:
    """The strings of a figure that plotly draws as (HTML-like) text: everything but
    the x/y values of an axis whose tick labels are given by ticktext (there the
    values are only category keys), ids and tick values."""
    layout = spec.get("layout", {})
    found = chart_strings(layout, skip=("categoryarray", "tickvals"))
    for trace in spec.get("data", []):
        for key, value in trace.items():
            if key in ("ids", "meta", "locations", "geojson", "uid"):
                continue
            if key in ("x", "y"):
                axis = layout.get(key + "axis" + (trace.get(key + "axis") or key)[1:], {})
                if axis.get("ticktext") is not None:
                    continue
            found += chart_strings(value)
    return found


# What Streamlit's markdown turns into something else in text once the escapes are
# read: ":material/x:" (an icon), ":streamlit:" (a logo), " -> ", " <= "... (arrows and
# signs). And a source with an unescaped ":word:" loads the emoji plugin, which then
# turns every ":smile:" of the text into an emoji.
TEXT_NODE_MAGIC = re.compile(r":material[/_]\w+:|:streamlit:"
                             r"|(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)")
SHORTCODE_SOURCE = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")


class Page:
    """What an AppTest run of one page put on screen."""

    def __init__(self, at: AppTest):
        self.markdown = [e.value for kind in ("markdown", "caption", "title", "header",
                                              "subheader", "info", "warning", "error",
                                              "success") for e in getattr(at, kind)]
        self.labels = ([e.label for e in at.expander] + [e.label for e in at.tabs]
                       + [e.label for e in at.metric])
        self.options = [str(o) for box in at.selectbox for o in box.options]
        self.charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        self.tables = [e.value for e in at.dataframe]
        self.exceptions = [e.value for e in at.exception]
        self.errors = [e.value for e in at.error]

    def seen_text(self) -> str:
        parts = [visible(t) for t in self.markdown + self.labels] + self.options
        parts += [html.unescape(s).replace("<br>", " ").replace(FSI, "").replace(PDI, "")
                  for spec in self.charts for s in chart_strings(spec)]
        parts += [str(v) for table in self.tables for v in table.to_numpy().ravel()]
        return "\n".join(parts)


@pytest.fixture(scope="module")
def pages(folder):
    """Every page of the app on the hostile bundle, in French and in English; the
    bytes of every download the pages prepared."""
    import os

    import streamlit as st

    os.environ[catalog.FOLDERS_VARIABLE] = str(folder)
    st.cache_data.clear()           # (module fixture: set up before the per-test clearing)
    st.cache_resource.clear()
    downloads = []
    original = MemoryMediaFileStorage.load_and_get_id
    original_deferred = MediaFileManager.add_deferred

    def keep(self, path_or_data, mimetype, kind, filename=None):
        downloads.append((filename, mimetype, path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    def keep_deferred(self, make, mimetype, coordinates, file_name=None, **kwargs):
        # Made on click in the app: made here, as a click would.
        downloads.append((file_name, mimetype, make()))
        return original_deferred(self, make, mimetype, coordinates, file_name=file_name,
                                 **kwargs)

    MemoryMediaFileStorage.load_and_get_id = keep
    MediaFileManager.add_deferred = keep_deferred
    seen = {}
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
        for lang in ("fr", "en"):
            at.session_state["c"] = "hostile"
            at.session_state["lang"] = lang
            at.run()
            for page in PAGES:
                at.switch_page(page).run()
                seen[(lang, page)] = Page(at)
    finally:
        MemoryMediaFileStorage.load_and_get_id = original
        MediaFileManager.add_deferred = original_deferred
        os.environ.pop(catalog.FOLDERS_VARIABLE, None)
    return seen, downloads


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_hostile_text_as_typed(pages, page):
    seen, _ = pages
    for lang in ("fr", "en"):
        shown = seen[(lang, page)]
        assert not shown.exceptions, (lang, page, shown.exceptions)
        assert not shown.errors, (lang, page, shown.errors)
        # Markdown (bodies, captions, headings, boxes) and labels rendered as markdown
        # (expanders, tabs, metrics): never a raw payload.
        for text in shown.markdown + shown.labels:
            for payload in ACTIVE:
                assert payload not in text, (lang, page, payload, text[:200])
            assert not UNESCAPED.search(text), (lang, page, text[:200])
            assert not TEXT_NODE_MAGIC.search(unescape(text)), (lang, page, text[:200])
            assert not SHORTCODE_SOURCE.search(text), (lang, page, text[:200])
        # Plotly labels, hovers, ticks, legends, titles: escaped.
        for spec in shown.charts:
            for text in rendered_strings(spec):
                assert not PLOTLY_TAGS.search(text), (lang, page, text[:200])


def test_every_text_is_seen_as_typed(pages):
    """Each hostile text reaches the screen, whole and readable, on some page."""
    seen, _ = pages
    everything = "\n".join(page.seen_text() for page in seen.values())
    for text in hostile.VISIBLE + (hostile.LONG_WORD, hostile.FORMULA, hostile.FORMULA_AUTHOR,
                                   hostile.CONSULTATION["title"], hostile.IDEAS[0]["name"],
                                   hostile.AXES[0]):
        assert text in everything, text
    overview = seen[("fr", "pages/overview.py")].seen_text()
    for text in (hostile.CONSULTATION["question"], hostile.CONSULTATION["partners"][1],
                 hostile.actions()[0]["name"], hostile.actions()[0]["description"]):
        assert text in overview, text


def test_charts_show_the_texts_escaped(pages):
    seen, _ = pages
    strings = [s for page in seen.values() for spec in page.charts for s in chart_strings(spec)]
    joined = "\n".join(strings)
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in joined
    assert "&lt;b&gt;bold&lt;/b&gt;" in joined
    assert "&lt;img src=x onerror=" in joined
    # Right-to-left text is isolated in chart labels as on the page.
    assert any(FSI + "שלום" in s or (FSI in s and "שלום" in s) for s in strings)
    # A 300-letter word never makes a label longer than its line.
    ticks = [t for spec in (c for page in seen.values() for c in page.charts)
             for axis in spec.get("layout", {}).values() if isinstance(axis, dict)
             for t in axis.get("ticktext", []) or [] if isinstance(t, str)]
    assert any("Anticonstitutionnellement" in t for t in ticks)
    for tick in ticks:
        for line in html.unescape(re.sub(r"</?b>", "", tick)).split("<br>"):
            assert len(line.strip(FSI + PDI)) <= 66, tick


def test_markdown_isolates_right_to_left_text(pages):
    seen, _ = pages
    texts = [t for page in seen.values() for t in page.markdown if "שלום" in t or "مرحبا" in t]
    assert texts
    for text in texts:
        for line in text.split("  \n"):
            if re.search("[\u0590-\u06ff]", line):
                assert FSI in line and PDI in line, line


def test_downloads_are_neutralised(pages):
    _, downloads = pages
    tables = [data for name, mime, data in downloads if mime == "text/csv"]
    assert tables
    cells = [cell for data in tables
             for row in csv.reader(io.StringIO(bytes(data).decode("utf-8-sig")))
             for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell.replace(",", "."))       # only numbers, never a formula
    assert any(cell.startswith("'" + hostile.FORMULA) for cell in cells)
    assert any(cell == "'" + hostile.FORMULA_AUTHOR for cell in cells)
    assert any(hostile.SCRIPT in cell for cell in cells)        # else as typed


def test_csv_export_neutralises_formulas():
    table = pd.DataFrame({"text": [hostile.FORMULA, "+33 6 12", "-x", "@SUM(1)", "\tx",
                                   "ok", None], "n": [-1.5, 2, 3, 4, 5, 6, 7]})
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'" + hostile.FORMULA, "'+33 6 12", "'-x",
                                           "'@SUM(1)", "'\tx", "ok", ""]
    assert rows[1][1] == "-1.5"


# -- the helpers themselves -----------------------------------------------------------------

def test_plain_escapes_everything_markdown_would_read():
    for payload in hostile.PAYLOADS + (hostile.FORMULA, "# titre", "1. liste", "> cite",
                                       "a -> b", "x <= y", "--", "~~barré~~", "| a | b |"):
        escaped = ui.plain(payload)
        assert visible(escaped) == payload
        assert ":material/" not in escaped and ":smile:" not in escaped
    assert ui.plain(None) == "" and ui.plain("") == ""
    assert ui.plain("Il faut A") == "Il faut A"                 # plain French untouched
    assert ui.plain("ligne 1\nligne 2") == "ligne 1  \nligne 2"


def test_isolate_only_right_to_left_text():
    assert style.isolate("Il faut (12 votes)") == "Il faut (12 votes)"
    assert style.isolate(hostile.HEBREW) == FSI + hostile.HEBREW + PDI
    assert style.isolate(f"{hostile.ARABIC}\nfin") == f"{FSI}{hostile.ARABIC}{PDI}\nfin"
    assert style.plain("<b>" + hostile.HEBREW) == FSI + "&lt;b&gt;" + hostile.HEBREW + PDI


@pytest.mark.parametrize("wrap", [style.wrap, idea_charts.wrap])
def test_wrap_cuts_words_longer_than_a_line(wrap):
    label = f"Idée {hostile.SCRIPT} {hostile.LONG_WORD} fin"
    lines = wrap(label, 40, 4).split("<br>")
    assert len(lines) <= 4
    assert all(len(html.unescape(line)) <= 42 for line in lines)
    assert "&lt;script&gt;" in "".join(lines)
    emoji = wrap(hostile.EMOJI * 10, 8, 3)
    # An emoji ZWJ sequence is never split.
    for line in emoji.split("<br>"):
        assert not line.endswith("\u200d") and not line.startswith("\u200d")


# -- the HTML report ------------------------------------------------------------------------

class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.bold: list[str] = []
        self._in_b = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_b = tag in ("b", "strong")

    def handle_data(self, data):
        if self._in_b:
            self.bold.append(data)

    def handle_endtag(self, tag):
        self._in_b = False


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_escapes_hostile_text(source, lang):
    from analytics.present.report import build_report

    document = build_report(source, lang)
    for payload in (hostile.SCRIPT, hostile.IMG, hostile.SVG, hostile.BOLD,
                    "window.__xss=1;alert(1)</script>"):
        assert payload not in document
    parsed = Elements()
    parsed.feed(document)
    assert not [attrs for tag, attrs in parsed.tags if tag in ("img", "iframe", "svg")]
    assert not [attrs for tag, attrs in parsed.tags
                if any(key.startswith("on") for key in attrs)]
    assert not [attrs for tag, attrs in parsed.tags
                if "javascript:" in (attrs.get("href") or "").lower()]
    assert "bold" not in parsed.bold
    # Shown as typed.
    assert html.escape(hostile.SCRIPT, quote=True) in document
    assert html.escape(hostile.CONSULTATION["title"], quote=True) in document
    assert hostile.LONG_WORD in document and hostile.HEBREW.split()[0] in document
