"""The interface in German (`lang=de`): every page of the navigation renders on the demo,
on a Polis conversation and on Make.org's German published results (`finanzbranche`)
with no exception and with no string the catalogs know in English or French left
untranslated; a deep link reopens the same view in German; the language picker offers
Français, English, Deutsch."""

from __future__ import annotations

import ast
import functools
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from google.protobuf.json_format import MessageToDict

from analytics import i18n
from analytics.consultations.open import open_source
from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo
from tests import apptest

ROOT = Path(__file__).resolve().parent.parent
DEMO = "solutions-jeunes"
POLIS = "15-per-hour-seattle"
PUBLISHED = "finanzbranche"


def navigation_pages() -> list[str]:
    """The files of app.py's navigation (PAGES), read from its source, and the hidden
    proposal page it adds."""
    tree = ast.parse((ROOT / "app.py").read_text())
    pages = next(ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES")
    return [f"pages/{file}" for _key, file, _icon in pages] + ["pages/proposal.py"]


PAGES = navigation_pages()


# -- what must not be seen in German --------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\w*[^{}]*\}")
WORD = re.compile(r"[^\W\d_]+")


def _catalog(lang: str):
    with (i18n.LOCALE_DIR / lang / i18n.CATALOG).open("rb") as po:
        return read_po(po, locale=lang)


def _pieces(text: str) -> list[str]:
    """The literal pieces of a message between its placeholders, of at least 2 words."""
    return [piece.strip() for piece in PLACEHOLDER.split(text)
            if sum(bool(WORD.search(word)) for word in piece.split()) >= 2]


def untranslated_strings() -> set[str]:
    """Every English msgid and French msgstr (pieces of at least 2 words) whose German
    msgstr differs: seen on a German page, it is a string left untranslated."""
    german = {(m.context, m.id): m.string for m in _catalog("de") if m.id}
    french = {(m.context, m.id): m.string for m in _catalog("fr") if m.id}
    all_german = "\n".join(s for strings in german.values()
                           for s in (strings if isinstance(strings, tuple) else (strings,)) if s)
    found = set()
    for key, strings in german.items():
        ids = key[1] if isinstance(key[1], tuple) else (key[1],)
        targets = strings if isinstance(strings, tuple) else (strings,)
        theirs = french.get(key) or ()
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        for text in (*ids, *theirs):
            if text and text not in targets:
                found.update(piece for piece in _pieces(text) if piece not in all_german)
    return found


UNTRANSLATED = untranslated_strings()

# Elements whose content is data or code, not interface text.
NOT_TEXT = {"plotly_chart", "arrow_data_frame", "code", "html", "json", "deck_gl_json_chart",
            "arrow_vega_lite_chart", "vega_lite_chart", "empty"}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def visible_text(at) -> str:
    """The texts of the page: markdown, headings, captions, alerts, labels, options and
    help of widgets, expanders and tabs (not charts, tables or code)."""
    texts = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is not None and kind not in NOT_TEXT:
            texts.extend(_strings(MessageToDict(proto)))
        for child in (children or {}).values():
            walk(child)

    walk(at._tree)
    return re.sub(r"\\(.)", r"\1", "\n".join(texts))


@functools.lru_cache(maxsize=8)
def data_text(folder: Path) -> str:
    """The text of an input's own files (proposals, ideas, titles) and of the ideas found
    in its texts (names, the "other" group, in the texts' language): what they say is
    data, not interface, even when a catalog has the same words."""
    files = [folder] if folder.is_file() else sorted(folder.glob("*"))
    texts = [path.read_text(errors="ignore") for path in files
             if path.suffix in (".csv", ".json") and path.stat().st_size < 50e6]
    source = open_source(folder)
    if "ideas" not in source.capabilities and "proposals" in source.capabilities:
        found = source.results().get("found_ideas")
        texts.append(json.dumps(found, ensure_ascii=False, default=str))
    return "\n".join(texts)


def left_untranslated(at, data: str = "") -> list[str]:
    text = visible_text(at)
    return sorted(s for s in UNTRANSLATED if s in text and s not in data)


# -- the consultations ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict:
    """The folder listing the shared inputs (None when ../shared is absent)."""
    ensure_demo(DEFAULT_DEMO_DIR)
    data = ROOT.parent / "shared" / "data"
    if not data.is_dir():
        return {"folder": None, "reason": f"real data not available: {data} is absent "
                                          "(clone ../shared beside the repo)"}
    folder = tmp_path_factory.mktemp("german")
    shutil.copytree(data / "polis" / POLIS, folder / POLIS)
    shutil.copy(data / "makeorg-results" / f"{PUBLISHED}.json", folder)
    return {"folder": folder, "reason": ""}


def _first_proposal(path: Path) -> str:
    return str(open_source(path).sql("SELECT min(proposal_id) AS id FROM proposals")["id"][0])


def page_params(consultation: str, page: str, folder: Path | None) -> dict:
    params = {"c": consultation, "lang": "de"}
    if page == "pages/proposal.py":
        if consultation == DEMO:
            params["id"] = _first_proposal(DEFAULT_DEMO_DIR)
        elif consultation == POLIS:
            params["id"] = _first_proposal(folder / POLIS)
    return params


@pytest.mark.parametrize("consultation", [DEMO, POLIS, PUBLISHED])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_german(folders, monkeypatch, page, consultation):
    folder = folders["folder"]
    if consultation != DEMO:
        if folder is None:
            pytest.skip(folders["reason"])
        monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    at = apptest.open_page(page, timeout=300, **page_params(consultation, page, folder))
    assert at.session_state["c"] == consultation
    assert at.title, "the page has no title"
    data = data_text({DEMO: DEFAULT_DEMO_DIR, POLIS: (folder or ROOT) / POLIS,
                      PUBLISHED: (folder or ROOT) / f"{PUBLISHED}.json"}[consultation])
    assert not left_untranslated(at, data), f"{page} on {consultation}: untranslated strings"


def test_the_list_of_untranslated_strings_is_built_from_the_catalogs():
    # English and French of the frame: what a German page must never show.
    assert "Download the full report (HTML)" in UNTRANSLATED
    assert "Télécharger le rapport complet (HTML)" in UNTRANSLATED
    assert "cannot be read:" in " ".join(UNTRANSLATED)
    # Single words are left out (a name, a code); the same text in German too.
    assert "Participation" not in UNTRANSLATED and "Segment" not in UNTRANSLATED


# -- the frame in German --------------------------------------------------------------------

def test_overview_in_german_with_german_numbers():
    at = apptest.open_page("pages/overview.py", c=DEMO, lang="de")
    assert at.title[0].value == "Überblick"
    assert apptest.metrics_of(at)["Stimmen"] == "584.664"
    assert at.get("download_button")[-1].label == "Vollständigen Bericht herunterladen (HTML)"
    assert not left_untranslated(at)


def test_language_picker_shows_the_three_languages():
    at = apptest.open_page("pages/upload.py", c=DEMO, lang="de")
    picker = at.sidebar.get("button_group")[0]
    options = [option.content for option in picker.proto.options]
    assert options[:3] == ["Français", "English", "Deutsch"]
    assert "Sprache" in picker.proto.label


def test_deep_link_reopens_the_same_view_in_german():
    # A reader's link, every choice in the address: German, a segment and the weighting.
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    link = {"c": DEMO, "lang": "de", "gender": "female", "age": "16-24", "w": "true"}
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Überblick"
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]
    assert any("Geschlecht: Frauen" in c and "Alter: 16-24" in c for c in captions), captions
    assert any(c.startswith("Gewichtete Zahlen") for c in captions), captions
    assert at.sidebar.toggle[0].label == "Gewichtung" and at.sidebar.toggle[0].value
    for key, value in link.items():
        assert at.query_params[key] == value, (key, at.query_params)


def test_upload_page_and_input_error_in_german():
    at = apptest.open_page("pages/upload.py", lang="de")
    assert at.title[0].value == "Konsultation hinzufügen"
    text = apptest.text_of(at)
    assert "Maximale Größe: 200 MB pro Datei." in text
    assert "Akzeptierte Dateien:" in text
    assert not left_untranslated(at)
