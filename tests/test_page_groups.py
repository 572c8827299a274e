"""The "Opinion groups" page (pages/groups.py) with AppTest: planted groups on a bundle,
English, privacy (segment under 10), inputs without votes, a Polis conversation."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from builders import write_bundle
from streamlit.testing.v1 import AppTest

from tests.apptest import charts_of, values

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/groups.py"
PLANTED, EXPORT = "gtest-planted", "gtest-export"
SIDEBAR = ("lang", "gender", "age", "region")
HOSTILE = "<script>alert(1)</script> **gras** [lien](javascript:alert(2))"


def planted_votes(sizes=(40, 32), n_proposals=20, seed=5):
    """Group A agrees with p00-p09 and disagrees with p10-p19, group B the reverse."""
    rng = np.random.default_rng(seed)
    votes, participants, n = [], [], 0
    for group, size in enumerate(sizes):
        for _ in range(size):
            pid = f"person-{n:03d}"
            gender = "other" if n < 5 else "female" if group == 0 else "male"
            participants.append({"participant_id": pid, "gender": gender, "region_code": "11"})
            n += 1
            for j in range(n_proposals):
                if rng.random() > 0.85:
                    continue
                agree = (j < n_proposals // 2) == (group == 0)
                if rng.random() < 0.1:
                    agree = not agree
                votes.append({"proposal_id": f"p{j:02d}", "participant_id": pid,
                              "vote": "agree" if agree else "disagree", "qualification": ""})
    return votes, participants


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("groups")
    votes, participants = planted_votes()
    proposals = [{"proposal_id": f"p{j:02d}", "author_name": "Ana",
                  "content": f"{HOSTILE} n° {j}"} for j in range(20)]
    write_bundle(root / PLANTED, proposals=proposals, votes=votes, participants=participants,
                 consultation={"slug": PLANTED, "title": PLANTED, "country": "FR"})
    (root / f"{EXPORT}.csv").write_text(
        "proposition,auteur,age,votes,adhesion,engagement,score\n"
        "Il faut planter des arbres,Léa,,120,0.9,0.6,1.5\n"
        "Il faut des vélos,Sam,30,80,0.7,0.4,1.1\n", encoding="utf-8")
    return root


@pytest.fixture
def app(folders, monkeypatch):
    def run(consultation=PLANTED, path=None, **params):
        monkeypatch.setenv("CONSULTATIONS_PATH", str(path or folders))
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["c"] = consultation
        for key, value in params.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run




def texts(at, kind):
    return [element.value for element in getattr(at, kind)]


def test_page_shows_the_planted_groups(app):
    at = app()
    assert texts(at, "title") == ["Groupes d'opinion"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants dans un groupe"] == "72"
    assert metrics["Groupes"] == "2"
    assert texts(at, "subheader")[:2] == ["Ce qui distingue le groupe A",
                                         "Ce qui distingue le groupe B"]
    charts = charts_of(at)
    assert len(charts) == 3                    # map, sizes, agreement
    scatter = charts[0]["data"]
    assert [trace["name"] for trace in scatter] == ["Groupe A", "Groupe B"]
    assert sorted(len(values(trace["x"])) for trace in scatter) == [32, 40]
    assert "Axe 1" in charts[0]["layout"]["xaxis"]["title"]["text"]
    assert [values(bar["x"]) for bar in charts[1]["data"]] == [[40, 32]]
    assert not at.warning                      # planted groups: no structure warning
    assert any("Consensus" in text for text in texts(at, "caption"))


def test_user_text_is_escaped(app):
    at = app()
    markdown = "\n".join(texts(at, "markdown"))
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in markdown
    assert "<script>" not in markdown.replace("\\<script\\>", "")
    assert "\\*\\*gras\\*\\*" in markdown
    spec = json.dumps(charts_of(at))
    assert "<script>" not in spec and "&lt;script&gt;" in spec


def test_page_in_english(app):
    at = app(lang="en")
    assert texts(at, "title") == ["Opinion groups"]
    assert "What sets group A apart" in texts(at, "subheader")
    assert "What every group agrees on" in texts(at, "header")


def test_a_segment_under_ten_shows_nothing(app):
    at = app(gender="other")
    assert not at.get("plotly_chart")
    assert any("moins de 10 participants" in text for text in texts(at, "info"))


def test_a_segment_restricts_the_participants(app):
    at = app(gender="female")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Participants dans un groupe"]) <= 35
    assert any("segment" in text for text in texts(at, "caption"))


def test_inputs_without_votes_say_so(app):
    at = app(consultation=EXPORT)
    assert texts(at, "title") == ["Groupes d'opinion"]
    assert any("votes de chaque participant" in text for text in texts(at, "info"))
    assert not at.get("plotly_chart")


def statement_table(at, column):
    """The sortable table of every proposal: the dataframe with that column."""
    found = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(found) == 1
    return found[0]


REPORT_HEADERS = {
    "fr": ["La carte des participants", "Les groupes et leur taille",
           "Ce qui distingue chaque groupe", "Opinion majoritaire",
           "Ce sur quoi tous les groupes s'accordent", "Zones d'incertitude",
           "Toutes les propositions"],
    "en": ["The participants map", "The groups and their size", "What sets each group apart",
           "Majority opinion", "What every group agrees on", "Areas of uncertainty",
           "All proposals"],
    "de": ["Die Karte der Teilnehmenden", "Die Gruppen und ihre Größe",
           "Was jede Gruppe auszeichnet", "Mehrheitsmeinung", "Worin sich alle Gruppen einig sind",
           "Bereiche der Unsicherheit", "Alle Vorschläge"],
}


def test_the_report_sections_in_polis_order(app):
    at = app()
    assert texts(at, "header") == REPORT_HEADERS["fr"]
    captions = "\n".join(texts(at, "caption"))
    for polis_term in ("« Commentaires représentatifs » de Polis", "« Majority » du rapport",
                       "« Group-informed consensus » de Polis", "« Areas of uncertainty »",
                       "« All statements »"):
        assert polis_term in captions
    assert "Groupes calculés ici avec la méthode de Polis" in captions
    # The map outlines each group with its hull (shapes: the legend stays one per group).
    shapes = charts_of(at)[0]["layout"]["shapes"]
    assert len(shapes) == 2 and all(shape["type"] == "path" for shape in shapes)
    # Planted groups split on every proposal and nobody is neutral: no majority, no
    # uncertainty, said so.
    assert "Aucune proposition n'a plus de 30 % de votes neutres." in captions
    table = statement_table(at, "Consensus informé par les groupes")
    assert len(table) == 20 and set(table["id"]) == {f"p{j:02d}" for j in range(20)}
    for column in ("Votes", "D'accord (%)", "A : D'accord (%)", "B : Pas d'accord (%)"):
        assert table[column].dtype == float           # numbers, so that sorting works
    # Group A agrees with p00-p09 (planted), B does not.
    first = table.set_index("id").loc["p00"]
    assert first["A : D'accord (%)"] > 70 > first["B : D'accord (%)"]
    assert first["Votes"] == first["A : Votes"] + first["B : Votes"]
    downloads = [button.proto.label for button in at.get("download_button")]
    assert "Télécharger (CSV)" in downloads


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_polis_conversation(app, shared_data, lang):
    at = app(consultation="brexit-consensus", path=shared_data / "polis", lang=lang)
    credits = [text for text in texts(at, "caption") if "CC BY 4\\.0" in text]   # escaped
    assert len(credits) >= 2              # under the title and beside the statement table
    assert len(charts_of(at)) == 3
    assert texts(at, "header") == REPORT_HEADERS[lang]
    metrics = {m.label: m.value for m in at.metric}
    placed = int(metrics["Participants dans un groupe" if lang == "fr"
                         else "Participants in a group"].replace("\u202f", ""))
    shown = sum(values(charts_of(at)[1]["data"][0]["x"]))
    assert shown == placed == 197              # Polis's group-id places 197 of 204
    captions = "\n".join(texts(at, "caption"))
    assert ("Groupes tels que calculés par Polis" if lang == "fr"
            else "Groups as computed by Polis") in captions
    # Brexit: most participants agree on several statements and two are often passed.
    line = "d'accord sur" if lang == "fr" else "agree of"
    assert sum(line in text for text in texts(at, "caption")) >= 2
    neutral = "neutres sur" if lang == "fr" else "neutral of"
    assert any(neutral in text for text in texts(at, "caption"))
    consensus = "Consensus informé par les groupes" if lang == "fr" else \
        "Group-informed consensus"
    table = statement_table(at, consensus)
    assert len(table) > 40 and table[consensus].dtype == float
    assert table[consensus].max() <= 1


def test_page_in_german(app):
    at = app(lang="de")
    assert texts(at, "header") == REPORT_HEADERS["de"]
    assert texts(at, "subheader")[:2] == ["Was Gruppe A auszeichnet", "Was Gruppe B auszeichnet"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Teilnehmende in einer Gruppe"] == "72" and metrics["Gruppen"] == "2"
    assert re.fullmatch(r"0,\d\d", metrics["Trennung (Silhouette)"])      # decimal comma
    captions = "\n".join(texts(at, "caption"))
    assert re.search(r"\d+ Teilnehmende \(\d+\u00a0% der Teilnehmenden", captions)
    assert "Gruppen, hier mit der Methode von Polis berechnet" in captions
    assert "„Repräsentative Kommentare“ nach Polis" in captions
    assert "„Gruppenübergreifender Konsens“ nach Polis" in captions
    assert any(":blue-badge[Zustimmung]" in text for text in texts(at, "markdown"))
    spec = charts_of(at)[0]
    assert [trace["name"] for trace in spec["data"]] == ["Gruppe A", "Gruppe B"]
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("Achse 1 (")
    table = statement_table(at, "Gruppenübergreifender Konsens")
    assert "A: Zustimmung (%)" in table.columns and len(table) == 20


def test_polis_conversation_in_german(app, shared_data):
    at = app(consultation="brexit-consensus", path=shared_data / "polis", lang="de")
    credits = [text for text in texts(at, "caption") if "CC BY 4\\.0" in text]   # escaped
    assert len(credits) >= 2              # under the title and beside the statement table
    # Polis's licence statement in German, its link kept.
    assert any("mit Namensnennung von The Computational Democracy Project" in text
               and "compdemocracy" in text.split("Links")[-1] for text in credits)
    assert texts(at, "header") == REPORT_HEADERS["de"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Teilnehmende in einer Gruppe"] == "197"
    captions = "\n".join(texts(at, "caption"))
    assert "Gruppen, wie Polis sie berechnet hat" in captions
    assert sum("Zustimmung bei" in text for text in texts(at, "caption")) >= 2
    assert any("neutral bei" in text for text in texts(at, "caption"))
    # The method's counts in German figures: thousands with a dot.
    assert re.search(r"\d\.\d{3} Stimmen\.", "\n".join(texts(at, "markdown")))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo(monkeypatch, lang):
    """The page on the demo consultation, in both languages: no exception."""
    from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

    ensure_demo(DEFAULT_DEMO_DIR)
    monkeypatch.setenv("CONSULTATIONS_PATH", str(DEFAULT_DEMO_DIR.parent))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["c"] = DEFAULT_DEMO_DIR.name
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert texts(at, "title") == ["Groupes d'opinion" if lang == "fr" else "Opinion groups"]
    headers = texts(at, "header")
    assert headers == REPORT_HEADERS[lang][: len(headers)] and len(headers) >= 2


# -- in the browser -------------------------------------------------------------------------

def settle(page, timeout: float = 180) -> int:
    """Wait until the sidebar is built and the number of charts has stopped changing
    (the page computes the groups under a spinner); the number of charts."""
    import time

    deadline, last, since = time.time() + timeout, None, time.time()
    while time.time() < deadline:
        state = (page.locator(".js-plotly-plot").count(),
                 "Langue" in page.locator('[data-testid="stSidebar"]').inner_text(),
                 page.locator('[data-testid="stStatusWidget"]').count())
        if state != last:
            last, since = state, time.time()
        elif time.time() - since > 4 and state[1] and not state[2]:
            break
        page.wait_for_timeout(500)
    for index in range(page.locator(".js-plotly-plot").count()):
        page.locator(".js-plotly-plot").nth(index).locator(".main-svg").first.wait_for()
    return page.locator(".js-plotly-plot").count()


def test_page_in_the_browser(shared_data, tmp_path):
    """The page on a Polis conversation and on the demo (when generated), in Chromium;
    the modebar's camera gives a chart as PNG."""
    pytest.importorskip("playwright")
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from harness import browser, chromium_path, open_page, screenshot, serve_app

    if chromium_path() is None:
        pytest.skip("Chromium is not installed")
    pages = ["groups?c=brexit-consensus&lang=en"]
    if (ROOT / "data" / "consultations" / "solutions-jeunes").is_dir():
        pages.append("groups?c=solutions-jeunes")
    with serve_app({"CONSULTATIONS_PATH": str(shared_data / "polis")}) as url, \
            browser() as chrome:
        page = chrome.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
        for path in pages:
            seen = open_page(page, f"{url}/{path}", timeout=180_000)
            # The demo may hold one group only: then no agreement heatmap, no report.
            charts = settle(page)
            assert charts == 3 if "brexit" in path else charts >= 2, path
            if "brexit" in path:
                assert page.get_by_role("heading", name="All proposals").count() == 1
            assert not page.locator('[data-testid="stException"]').count(), path
            assert seen["errors"] == []
            assert page.locator("h1").first.inner_text() in ("Opinion groups",
                                                             "Groupes d'opinion")
            screenshot(page, path)
        plot = page.locator(".js-plotly-plot").first
        plot.hover()
        with page.expect_download(timeout=60_000) as download:
            plot.locator('.modebar-btn[data-title^="Download plot"]').click()
        target = tmp_path / "map.png"
        download.value.save_as(target)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
