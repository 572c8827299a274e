"""The "Opinion groups" page (pages/groups.py) with AppTest: planted groups on a bundle,
English, privacy (segment under 10), inputs without votes, a Polis conversation."""

import json
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
    assert metrics["Participants placés"] == "72"
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
    assert int(metrics["Participants placés"]) <= 35
    assert any("segment" in text for text in texts(at, "caption"))


def test_inputs_without_votes_say_so(app):
    at = app(consultation=EXPORT)
    assert texts(at, "title") == ["Groupes d'opinion"]
    assert any("votes de chaque participant" in text for text in texts(at, "info"))
    assert not at.get("plotly_chart")


def test_polis_conversation(app, shared_data):
    at = app(consultation="brexit-consensus", path=shared_data / "polis", lang="en")
    assert any("CC BY 4\\.0" in text for text in texts(at, "caption"))   # escaped markdown
    assert len(charts_of(at)) == 3
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Participants placed"] == "189"


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
            assert settle(page) == 3, path
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
