"""The proposal explorer page: on the real Make.org export (plébiscites, thresholds,
search against counts made here), on a vote-level bundle, on Polis and on a
published results file (one sentence)."""

import csv
import json
import unicodedata
from pathlib import Path

import pytest
import streamlit as st
from builders import votes_for, write_bundle
from streamlit.testing.v1 import AppTest

from tests.apptest import title_of, values

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/explorer.py"
NNBSP = "\u202f"


def run_page(monkeypatch, folder: Path, consultation: str, **state) -> AppTest:
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()               # the catalogue of consultations is cached
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["c"] = consultation
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at):
    return {m.label: m.value for m in at.metric}


def markdown(at):
    return "\n".join(m.value for m in at.markdown)


def charts(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]



def tables(at, rank: str):
    """The page's tables with a rank column (ranking first, then plébiscites), and its
    search table (a proposal column, no rank)."""
    frames = [frame.value for frame in at.dataframe]
    ranked = [f for f in frames if rank in f.columns]
    search = [f for f in frames if rank not in f.columns
              and ("Proposition" in f.columns or "Proposal" in f.columns)]
    return ranked, search


def fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def test_explorer_on_the_real_export(shared_data, monkeypatch):
    folder = shared_data / "makeorg-open-data"
    with open(folder / "mondedapres_2020_05_28.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    at = run_page(monkeypatch, folder, "mondedapres-2020-05-28")
    figures = metrics(at)
    assert figures["Propositions"] == f"18{NNBSP}690"
    assert figures["Votes"] == f"{sum(int(r['votes']) for r in rows):,}".replace(",", NNBSP)

    def plebiscites(votes, adhesion, engagement):
        # Shares are compared with a 1e-9 tolerance: the file writes 50 % as
        # 0.4999999999999994 (floating-point rounding in Make.org's computation).
        return sum(int(r["votes"]) >= votes and float(r["adhesion"]) >= adhesion / 100 - 1e-9
                   and float(r["engagement"]) >= engagement / 100 - 1e-9 for r in rows)

    assert plebiscites(90, 80, 37) == 2248
    assert f"**2{NNBSP}248 plébiscite(s) sur 18{NNBSP}690 propositions" in markdown(at)
    # Histograms: every proposal is in one bar of the votes chart.
    drawn = charts(at)
    assert len(drawn) == 5
    votes_chart = drawn[0]
    assert sum(values(votes_chart["data"][0]["y"])) == 18690
    assert "Nombre de votes par proposition" in title_of(votes_chart)
    assert sum(values(drawn[4]["data"][0]["y"])) == sum(1 for r in rows if r["age"])

    # Stricter thresholds, as a reader would set them.
    at.slider(key="pv").set_value(500).run()
    at.slider(key="pe").set_value(50).run()
    expected = plebiscites(500, 80, 50)
    assert f"**{expected} plébiscite(s) sur 18{NNBSP}690" in markdown(at)
    table = tables(at, "Rang")[0][1]
    assert len(table) == expected
    assert table["Score"].is_monotonic_decreasing

    # Full-text search, case and accents ignored.
    at.text_input(key="q").input("VELO").run()
    found = sum("velo" in fold(r["proposition"]) + " " + fold(r["auteur"]) for r in rows)
    assert found > 0
    captions = [c.value for c in at.caption]
    assert any(c.startswith(f"{found:,} proposition(s) trouvée(s) sur 18".replace(",", NNBSP))
               for c in captions), captions
    assert len(tables(at, "Rang")[1][0]) == found


@pytest.fixture
def bundle(tmp_path):
    proposals = [
        {"proposal_id": "p1", "content": "Il faut planter des arbres", "author_name": "Ana",
         "author_age": "30"},
        {"proposal_id": "p2", "content": "Il faut fermer les écoles", "author_name": "Bob",
         "author_age": "61"},
        {"proposal_id": "p3", "content": "Il faut des pistes cyclables", "author_name": "Cy"},
    ]
    votes = (votes_for("p1", {"agree/likeIt": 50, "agree/doable": 30, "agree": 12,
                              "disagree/noWay": 3, "neutral": 5})
             + votes_for("p2", {"agree": 10, "disagree/noWay": 60, "disagree": 30}, start=200)
             + votes_for("p3", {"agree/likeIt": 40, "agree": 40, "neutral": 20}, start=400))
    write_bundle(tmp_path / "consultations" / "petite", proposals=proposals, votes=votes,
                 consultation={"slug": "petite", "title": "Petite", "country": "FR"})
    return tmp_path / "consultations"


def test_explorer_on_a_bundle(bundle, monkeypatch):
    at = run_page(monkeypatch, bundle, "petite", lang="en")
    assert metrics(at)["Proposals"] == "3"
    assert metrics(at)["Votes"] == "300"
    # p1: adhesion 92 %, engagement 77 %: a plébiscite; p3: engagement 40 %, adhesion 80 %.
    assert "**2 plébiscite(s) out of 3 proposals" in markdown(at)
    table = tables(at, "Rank")[0][1]
    assert table["Proposal"].tolist() == ["Il faut planter des arbres",
                                          "Il faut des pistes cyclables"]
    assert table["Engagement"].tolist() == pytest.approx([77.0, 40.0])
    at.slider(key="pe").set_value(41).run()
    assert "**1 plébiscite(s) out of 3 proposals" in markdown(at)
    ranking = tables(at, "Rank")[0][0]
    assert ranking["Proposal"].iloc[-1] == "Il faut fermer les écoles"
    titles = [title_of(c) for c in charts(at)]
    assert "Adhesion: share of “Agree” votes (%)" in titles
    assert "Age of the proposals' authors" in titles
    at.text_input(key="q").input("ECOLE").run()
    assert tables(at, "Rank")[1][0]["Proposal"].tolist() == \
        ["Il faut fermer les écoles"]



def test_explorer_in_german(bundle, monkeypatch):
    at = run_page(monkeypatch, bundle, "petite", lang="de")
    assert metrics(at)["Vorschläge"] == "3"
    assert metrics(at)["Stimmen"] == "300"
    assert [h.value for h in at.header][:2] == ["Suche", "Verteilung der Vorschläge"]
    assert "**2 Spitzenvorschläge von 3 Vorschlägen (66,7\u00a0%)**" in markdown(at)
    titles = [title_of(c) for c in charts(at)]
    assert "Zustimmung: Anteil der „Ich stimme zu“-Stimmen (%)" in titles
    assert "Alter der Autorinnen und Autoren der Vorschläge" in titles
    assert tables(at, "Rang")[0][0].columns[:3].tolist() == ["Rang", "Vorschlag", "Autor:in"]


def test_explorer_in_german_writes_german_numbers(shared_data, monkeypatch):
    folder = shared_data / "makeorg-open-data"
    at = run_page(monkeypatch, folder, "mondedapres-2020-05-28", lang="de")
    assert metrics(at)["Vorschläge"] == "18.690"
    assert "**2.248 Spitzenvorschläge von 18.690 Vorschlägen" in markdown(at)

def test_explorer_on_polis(tmp_path, monkeypatch):
    folder = tmp_path / "polis" / "conv"
    folder.mkdir(parents=True)
    (folder / "comments.csv").write_text(
        "comment-id,comment-body,moderated\n0,Plant trees,1\n1,Close schools,1\n",
        encoding="utf-8")
    votes = ["timestamp,comment-id,voter-id,vote"]
    votes += [f"{i},0,{i},1" for i in range(95)] + [f"{i},1,{i},-1" for i in range(95)]
    (folder / "votes.csv").write_text("\n".join(votes) + "\n", encoding="utf-8")
    at = run_page(monkeypatch, tmp_path / "polis", "conv", lang="en")
    text = markdown(at)
    assert "Polis has no mentions, so the rule here uses votes and adhesion only" in text
    assert "**1 plébiscite(s) out of 2 proposals" in text
    assert not [s for s in at.slider if s.key == "pe"]
    assert "Author" not in tables(at, "Rank")[0][0].columns
    assert any("No engagement: Polis does not collect mentions" in c.value for c in at.caption)


def test_explorer_on_published_results(tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    (folder / "resultats.json").write_text(json.dumps({
        "top_ideas": [{"name": "Axe", "ideas": [{"idea": "Idée", "agreement": 90,
                                                 "adhesion": 30, "realistic": 20}]}],
        "controversials": [], "cartography": [], "participation": []}), encoding="utf-8")
    at = run_page(monkeypatch, folder, "resultats")
    assert [i.value for i in at.info] == [
        "Ces données ne contiennent pas les propositions une à une (résultats publiés) : il "
        "faudrait un lot de votes, un export par proposition ou une conversation Polis."]
    assert not at.get("plotly_chart")
