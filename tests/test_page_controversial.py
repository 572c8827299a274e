"""The "Controversial and rejected" page and its chart builders, on a small bundle whose
figures are worked out by hand."""

import unicodedata
from pathlib import Path

import pytest
import streamlit as st
from builders import votes_for, write_bundle
from streamlit.testing.v1 import AppTest

from analytics.consultations.open import open_source
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options
from analytics.present.charts import proposals as charts
from analytics.present.charts import style
from tests import apptest
from tests.apptest import charts_of, title_of

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/controversial.py"
FULL, BARE = "ctest-full", "ctest-bare"
# The sidebar's pickers put their labels in the URL (lang=English, c=<title>): tests set
# their state instead, which holds the value itself.

# 60 participants; every one votes on pC.
PARTICIPANTS = [{"participant_id": f"u{i}", "gender": "female" if i < 30 else "male",
                 "age": 20 if i < 25 else 40, "region_code": "11" if i < 30 else "84"}
                for i in range(60)]
PROPOSALS = [
    {"proposal_id": "pA", "author_name": "Marina", "idea_id": "i3",
     "content": "Il faut instaurer un salaire universel <b>pour</b> chaque jeune"},
    {"proposal_id": "pB", "author_name": "Alexandre", "idea_id": "i2",
     "content": "Il faut supprimer la philosophie au lycée"},
    {"proposal_id": "pC", "author_name": "Zoé", "idea_id": "i1",
     "content": "Il faut développer le service civique"},
    {"proposal_id": "pD", "author_name": "Christine", "idea_id": "i3",
     "content": "Il faut un service militaire obligatoire"},
    {"proposal_id": "pE", "author_name": "Léo", "idea_id": "i1",
     "content": "Il faut plus de stages en entreprise"},
]
IDEAS = [{"idea_id": "i1", "name": "Insertion professionnelle", "axis": "Axe 1"},
         {"idea_id": "i2", "name": "École", "axis": "Axe 2"},
         {"idea_id": "i3", "name": "Vie citoyenne", "axis": "Axe 2"}]
VOTES = (
    # pA, n = 35: agree 17 (8 likeIt), disagree 15 (7 noWay), neutral 3
    votes_for("pA", {"agree/likeIt": 8, "agree": 9, "disagree/noWay": 7, "disagree": 8,
                     "neutral": 3})
    # pB, n = 40: agree 4, disagree 34 (20 noWay, 5 impossible), neutral 2
    + votes_for("pB", {"agree": 4, "disagree/noWay": 20, "disagree/impossible": 5,
                       "disagree": 9, "neutral": 2})
    # pC, n = 60: agree 55 (20 likeIt, 20 doable), disagree 3, neutral 2
    + votes_for("pC", {"agree/likeIt": 20, "agree/doable": 20, "agree": 15, "disagree": 3,
                       "neutral": 2})
    # pD, n = 30 (u20-u49): agree 14 (6 likeIt), disagree 14 (7 noWay), neutral 2
    + votes_for("pD", {"agree/likeIt": 6, "agree": 8, "disagree/noWay": 7, "disagree": 7,
                       "neutral": 2}, start=20)
    # pE, n = 5
    + votes_for("pE", {"agree": 5}, start=50)
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("controversial")
    write_bundle(root / FULL, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                 participants=PARTICIPANTS,
                 consultation={"slug": FULL, "title": FULL, "country": "FR"})
    write_bundle(root / BARE, proposals=PROPOSALS, votes=VOTES,
                 consultation={"slug": BARE, "title": BARE, "country": "FR"})
    return root


@pytest.fixture
def app(folders, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folders))

    def run(consultation=FULL, **params):
        return apptest.open_page(PAGE, timeout=90, c=consultation, **params)
    return run


@pytest.fixture(scope="module")
def results(folders):
    return open_source(folders / FULL).results(Options(min_votes=10, top=10))


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()



# -- chart builders -------------------------------------------------------------------------

def test_controversial_list_ranks_by_lower_bound(results):
    ids = [item["id"] for item in results["controversials"]]
    lowers = [item["controversy"]["lower"] for item in results["controversials"]]
    assert set(ids) == {"pA", "pB", "pC", "pD"}      # pE has 5 votes < 10
    assert lowers == sorted(lowers, reverse=True)
    assert results["rejected"][0]["id"] == "pB"


def test_ranked_list_chart_traces_carry_the_shares(results):
    items = results["controversials"]
    fig, data = charts.ranked_list_chart(items, "fr", "controversy")
    traces = {trace.name: trace for trace in fig.data}
    assert set(traces) == {"D'accord", "Pas d'accord", "dont « Coup de cœur »",
                           "dont « Surtout pas ! »"}
    position = [item["id"] for item in items].index("pA")
    assert traces["D'accord"].x[position] == pytest.approx(100 * 17 / 35)
    assert traces["Pas d'accord"].x[position] == pytest.approx(-100 * 15 / 35)   # to the left
    assert traces["dont « Coup de cœur »"].x[position] == pytest.approx(100 * 8 / 35)
    assert traces["dont « Surtout pas ! »"].x[position] == pytest.approx(-100 * 7 / 35)
    assert traces["D'accord"].text[position] == "49\u00a0%"
    # User text is escaped in the tick labels and hovers.
    hover = traces["D'accord"].customdata[position][1]
    assert "&lt;b&gt;pour&lt;/b&gt;" in hover and "<b>pour" not in hover
    assert traces["D'accord"].y[position].startswith("#")
    assert fig.layout.title.text == "Les propositions les plus controversées : part des votes"
    row = data.iloc[position]
    assert row["Auteur"] == "Marina" and row["Votes"] == 35
    assert row["D'accord"] == pytest.approx(100 * 17 / 35)
    assert "Controverse (borne basse)" in data.columns


def test_ranked_list_chart_for_published_items_without_qualifications():
    items = [{"author": "Sophie", "content": "Il faut la parité", "agree": 33,
              "disagree": 64, "votes": None}]
    fig, data = charts.ranked_list_chart(items, "en", "controversy")
    assert [trace.name for trace in fig.data] == ["Disagree", "Agree"]
    assert list(fig.data[1].x) == [33]
    assert list(data["Votes"].isna()) == [True]



def test_ranked_list_chart_in_german(results):
    fig, data = charts.ranked_list_chart(results["rejected"], "de", "rejection")
    assert fig.layout.title.text == "Die meistabgelehnten Vorschläge: Anteil der Stimmen"
    assert "Anteil der Stimmen zum Vorschlag (%)" in fig.layout.xaxis.title.text
    assert {trace.name for trace in fig.data} >= {"Ich stimme zu", "davon „Favorit“"}
    assert "Ablehnung (untere Grenze)" in data.columns and "Rang" in data.columns
    assert charts.column_labels("de")["export_score"] == "Score (Export)"

def test_proposal_frame_filter_and_sort(results):
    frame = charts.proposal_frame(results, "fr")
    assert len(frame) == 5
    row = frame.set_index("id").loc["pB"]
    assert row["idea"] == "École" and row["votes"] == 40
    assert row["disagree"] == pytest.approx(85.0)
    assert row["no_way"] == pytest.approx(50.0)
    assert row["zone"] == "Rejet"
    # every word, case and accents ignored, in the text or the author
    assert set(charts.filter_proposals(frame, "SERVICE")["id"]) == {"pC", "pD"}
    assert set(charts.filter_proposals(frame, "service militaire")["id"]) == {"pD"}
    assert set(charts.filter_proposals(frame, "zoe")["id"]) == {"pC"}
    assert set(charts.filter_proposals(frame, idea="i3")["id"]) == {"pA", "pD"}
    assert set(charts.filter_proposals(frame, zones=["rejection"])["id"]) == {"pB"}
    by_votes = charts.sort_proposals(frame, "votes")
    assert list(by_votes["id"]) == ["pC", "pB", "pA", "pD", "pE"]
    shown = charts.display_frame(frame, "en")
    assert list(shown.columns[:4]) == ["Proposal", "Author", "Idea", "Votes"]
    assert "Controversy (lower bound)" in shown.columns


def test_plain_labels_escape_markup():
    label = charts.short_label(1, "<i>Eve</i>", "<script>x</script>")
    assert "<i>" not in label and "&lt;i&gt;Eve" in label and "<script>" not in label
    assert style.plain("<b>") == "&lt;b&gt;"


# -- the page -------------------------------------------------------------------------------

def test_page_default_min_votes_gives_empty_list_with_reason(app):
    at = app()
    assert any("au moins 100 votes" in info.value for info in at.info)
    # the table of all proposals is there all the same
    table = at.dataframe[-1].value
    assert len(table) == 5


def test_page_controversial_list_and_cards(app):
    at = app(min_votes="10")
    assert at.number_input(key="min_votes").value == 10
    spec = charts_of(at)[0]
    agree = next(trace for trace in spec["data"] if trace["name"] == "D'accord")
    assert any(value == pytest.approx(100 * 17 / 35) for value in agree["x"])
    captions = [caption.value for caption in at.caption]
    assert any("D'accord\u00a0**49\u00a0%**" in c and "35 votes" in c for c in captions)
    markdown = [m.value for m in at.markdown]
    assert "**#1 · Marina**" in markdown or any("Marina" in m for m in markdown)
    # proposal text in full, escaped for markdown
    assert any(m.startswith("Il faut instaurer un salaire universel \\<b\\>pour") for m in markdown)



def test_page_in_german(app):
    at = app(min_votes="10", lang="de")
    spec = charts_of(at)[0]
    assert title_of(spec) == "Die umstrittensten Vorschläge: Anteil der Stimmen"
    assert [h.value for h in at.header] == ["Alle Vorschläge"]
    assert [s.value for s in at.subheader] == ["Die Vorschläge im Wortlaut"]
    captions = [caption.value for caption in at.caption]
    assert any("Ich\u00a0stimme\u00a0zu\u00a0**49\u00a0%**" in c and "35 Stimmen" in c
               for c in captions)
    assert "5 von 5 Vorschlägen" in captions
    assert "mindestens 10 Stimmen" in "".join(m.value for m in at.markdown)
    assert at.dataframe[-1].value.columns[:2].tolist() == ["Vorschlag", "Autor:in"]

def test_page_rejected_list_by_link_and_top(app):
    at = app(min_votes="10", top="1", list="rejection", lang="en")
    spec = charts_of(at)[0]
    assert title_of(spec) == "The most rejected proposals: share of votes"
    disagree = next(trace for trace in spec["data"] if trace["name"] == "Disagree")
    assert disagree["x"] == [pytest.approx(-85.0)]       # one proposal: pB, 34/40
    assert any("Alexandre" in m.value for m in at.markdown)


def test_page_search_by_link(app):
    at = app(q="service")
    table = at.dataframe[-1].value
    assert len(table) == 2
    assert set(table["Auteur"]) == {"Zoé", "Christine"}
    assert any(c.value == "2 propositions sur 5" for c in at.caption)
    at = app(q="service", in_idea="i3", lang="en")
    table = at.dataframe[-1].value
    assert list(table["Author"]) == ["Christine"]


def test_page_search_without_match(app):
    at = app(q="introuvable")
    assert any("Aucune proposition ne correspond" in info.value for info in at.info)


def test_page_on_bundle_without_participants_ideas_actions(app):
    at = app(BARE, min_votes="10")
    assert charts_of(at)
    assert at.selectbox(key="sort").value == "controversy"
    keys = [widget.key for widget in at.selectbox]
    assert "in_idea" not in keys               # no ideas: no idea filter
    assert len(at.dataframe[-1].value) == 5


def test_page_segment_filter_applies(app):
    # women only (u0-u29): pA has 30 votes from them, pB 30, pC 30, pD 10, pE 0.
    at = app(gender="female", min_votes="10")
    table = at.dataframe[-1].value
    assert dict(zip(table["Auteur"], table["Votes"], strict=True)) == {
        "Marina": 30, "Alexandre": 30, "Zoé": 30, "Christine": 10}
    assert any("masquées" in c.value for c in at.caption)   # pE: no voter in the segment


def test_page_on_published_results(shared_data, monkeypatch):
    path = shared_data / "makeorg-results"
    try:
        open_source(path / "dialogues-parisiens.json")
    except InputError:
        pytest.skip("published results are not readable yet (analytics reader in progress)")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["c"] = "dialogues-parisiens"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    spec = charts_of(at)[0]
    agree = next(trace for trace in spec["data"] if trace["name"] == "D'accord")
    assert agree["x"][0] == 46          # as published: Emile, 46 % agree, 769 votes
    assert any("ne contient que les listes" in info.value for info in at.info)
    assert not at.number_input                      # no min_votes/top: lists as published


def test_page_on_proposal_export(shared_data, monkeypatch):
    """A proposal-level export has votes and "agree" shares but no disagree votes: no lists,
    one sentence why, and the table of all its proposals with the export's own scores."""
    path = shared_data / "makeorg-open-data"
    try:
        open_source(path / "mondedapres_2020_05_28.csv")
    except InputError:
        pytest.skip("proposal exports are not readable yet (analytics reader in progress)")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["c"] = "mondedapres-2020-05-28"
    at.query_params["q"] = "obsolescence programmée"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("plotly_chart")
    assert any("pas de classement des propositions" in info.value for info in at.info)
    table = at.dataframe[-1].value
    assert 0 < len(table) < 18_690
    # every word, in any order, case and accents ignored ("obsoléscence programmee"...)
    folded = [fold(text) for text in table["Proposition"]]
    assert all("obsolescence" in text and "programmee" in text for text in folded)
    assert "Score (export)" in table.columns
    assert at.selectbox(key="sort").value == "votes"
    assert list(table["Votes"]) == sorted(table["Votes"], reverse=True)
