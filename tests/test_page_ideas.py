"""The "Big ideas" page and its chart builders (analytics/present/charts/ideas.py), on a
small bundle whose figures are worked out by hand."""

import json
from pathlib import Path

import pytest
import streamlit as st
from builders import unescape, votes_for, write_bundle
from streamlit.testing.v1 import AppTest

from analytics.consultations.open import open_source
from analytics.present.charts import ideas as charts
from analytics.present.charts import style
from tests.apptest import charts_of, metrics_of, title_of

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/ideas.py"
FULL, BARE = "ideas-test-full", "ideas-test-bare"

IDEAS = [{"idea_id": "i1", "name": "Idée <b>un</b> : former les jeunes", "axis": "Axe A"},
         {"idea_id": "i2", "name": "Idée deux", "axis": "Axe A"},
         {"idea_id": "i3", "name": "Idée trois", "axis": "Axe B"}]
PROPOSALS = [
    {"proposal_id": "p1", "content": "Il faut <i>former</i> les jeunes", "author_name": "Ana",
     "idea_id": "i1", "tags": "theme:Emploi|acteur:Etat"},
    {"proposal_id": "p2", "content": "Il faut des stages", "author_name": "Bob",
     "idea_id": "i1", "tags": "theme:Ecole"},
    {"proposal_id": "p3", "content": "Il faut supprimer le bac", "author_name": "Cy",
     "idea_id": "i2", "tags": "theme:Emploi|solution:Formation"},
    {"proposal_id": "p4", "content": "Il faut un débat", "author_name": "Dan",
     "idea_id": "i3", "tags": "acteur:Associations"},
    {"proposal_id": "p5", "content": "Il faut écouter", "author_name": "Eve",
     "idea_id": "", "tags": ""},
]
# 20 voters (u0-u19) vote on every proposal, n = 20 each.
VOTES = (
    # p1: agree 16 (4 likeIt, 6 doable), disagree 2, neutral 2 -> Consensus
    votes_for("p1", {"agree/likeIt": 4, "agree/doable": 6, "agree": 6, "disagree": 2,
                     "neutral": 2})
    # p2: agree 8, disagree 8 (3 noWay), neutral 4 -> Controversy
    + votes_for("p2", {"agree": 8, "disagree/noWay": 3, "disagree": 5, "neutral": 4})
    # p3: agree 3, disagree 15, neutral 2 -> Rejection
    + votes_for("p3", {"agree": 3, "disagree": 15, "neutral": 2})
    # p4: agree 4, disagree 2, neutral 14 -> Limbo
    + votes_for("p4", {"agree/doable": 1, "agree": 3, "disagree": 2, "neutral": 14})
    # p5: agree 20 -> Consensus
    + votes_for("p5", {"agree": 20})
)
PARTICIPANTS = [{"participant_id": f"u{i}", "gender": "female" if i < 10 else "male",
                 "age": 20 + i, "region_code": "11"} for i in range(20)]
# Idea i1 pools p1 and p2: n = 40, agree 24 (60 %), likeIt 4 (10 %), doable 6 (15 %),
# disagree 10 (25 %), neutral 6 (15 %).


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("ideas")
    # Title = folder name: the consultation picker's link value is the same either way.
    write_bundle(root / FULL, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                 participants=PARTICIPANTS,
                 consultation={"slug": FULL, "title": FULL, "country": "FR"})
    write_bundle(root / BARE, proposals=[{**p, "tags": ""} for p in PROPOSALS], votes=VOTES,
                 consultation={"slug": BARE, "title": BARE, "country": "FR"})
    return root


@pytest.fixture(scope="module")
def results(folders):
    return open_source(folders / FULL).results()


@pytest.fixture
def app(folders, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folders))
    st.cache_data.clear()       # the catalog is cached; this module's folder must be seen

    def run(consultation=FULL, lang=None, **params):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.query_params["c"] = consultation
        if lang:        # the picker's link value is its label ("English"): set the state
            at.session_state["lang"] = lang
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run




def idea(results, idea_id):
    return next(i for axis in results["top_ideas"] for i in axis["ideas"]
                if i["idea_id"] == idea_id)


# -- chart builders -------------------------------------------------------------------------

def test_ideas_chart_bars_carry_the_idea_figures(results):
    fig, data = charts.ideas_chart(results, "fr")
    # Three columns (D'accord, Coup de cœur, Réaliste) for each of the two axes.
    assert len(fig.data) == 6
    first_axis = [trace for trace in fig.data if trace.xaxis in ("x", "x2", "x3")]
    agree, like, doable = first_axis
    assert agree.name == "D'accord" and like.name == "Coup de cœur" and doable.name == "Réaliste"
    position = list(agree.y).index("i1")
    assert agree.x[position] == pytest.approx(60.0)
    assert like.x[position] == pytest.approx(10.0)
    assert doable.x[position] == pytest.approx(15.0)
    assert agree.text[position] == "60\u00a0%"
    assert agree.customdata[position][0] == "i1"          # what a click selects
    # Axis A holds i1 and i2, in rank order; Axis B holds i3.
    assert set(agree.y) == {"i1", "i2"} and list(fig.data[3].y) == ["i3"]
    assert list(agree.y) == sorted(agree.y, key=lambda k: idea(results, k)["rank"])
    headers = [a.text for a in fig.layout.annotations]
    assert "<b>Axe 1 : Axe A</b>" in headers and "<b>Axe 2 : Axe B</b>" in headers
    # User text is escaped in ticks and hovers.
    ticks = " ".join(fig.layout.yaxis.ticktext)
    assert "&lt;b&gt;un&lt;/b&gt;" in ticks and "<b>un" not in ticks
    row = data[data["Identifiant"] == "i1"].iloc[0]
    assert row["D'accord (%)"] == pytest.approx(60.0)
    assert row["Pas d'accord (%)"] == pytest.approx(25.0)
    assert row["Votes"] == 40 and row["Propositions"] == 2


def test_ideas_chart_overall_ranking_is_one_group_in_rank_order(results):
    fig, data = charts.ideas_chart(results, "en", overall=True)
    assert len(fig.data) == 3
    assert list(fig.data[0].y) == results["ranked_ideas"]
    assert list(data["Rank"]) == [1, 2, 3]
    assert fig.layout.yaxis.ticktext[0].startswith("1. ")
    assert fig.layout.title.text.startswith("Overall ranking")


def test_split_chart_is_diverging(results):
    fig, data = charts.split_chart(results, "fr")
    traces = {}
    for trace in fig.data:
        traces.setdefault(trace.name, []).append(trace)
    assert set(traces) == {"D'accord", "Neutre", "Pas d'accord"}
    assert fig.layout.barmode == "relative"
    position = list(fig.data[0].y).index("i1")
    disagree, agree = traces["Pas d'accord"][0], traces["D'accord"][0]
    left, right = traces["Neutre"]
    assert disagree.x[position] == pytest.approx(-25.0)          # to the left of zero
    assert agree.x[position] == pytest.approx(60.0)
    assert left.x[position] == pytest.approx(-7.5) and right.x[position] == pytest.approx(7.5)
    assert sum(1 for trace in fig.data if trace.showlegend is not False) == 3
    # Sorted by agree share: i1 (60 %) before i3 (20 %) before i2 (15 %).
    assert list(fig.data[0].y) == ["i1", "i3", "i2"]
    assert list(data["D'accord (%)"]) == pytest.approx([60.0, 20.0, 15.0])
    assert "Neutre : 15,0\u00a0%" in agree.customdata[position][1]


def test_proposals_of_an_idea_and_their_chart(results):
    proposals, hidden = charts.proposals_of(results, "i1")
    assert [p["id"] for p in proposals] == ["p1", "p2"] and hidden == 0
    fig, data = charts.proposals_chart(proposals, "fr", sort="agree")
    agree = next(trace for trace in fig.data if trace.name == "D'accord")
    like = next(trace for trace in fig.data if trace.name == "Coup de cœur")
    assert list(agree.y) == ["p1", "p2"]                     # 80 % then 40 %
    assert list(agree.x) == pytest.approx([80.0, 40.0])
    assert list(like.x) == pytest.approx([20.0, 0.0])
    assert list(data["Zone"]) == ["Consensus", "Controverse"]
    fig, data = charts.proposals_chart(proposals, "en", sort="disagree")
    assert list(data["Id"]) == ["p2", "p1"]                  # 40 % then 10 %
    assert "&lt;i&gt;former&lt;/i&gt;" in " ".join(a.text for a in fig.layout.annotations
                                           if a.name == "label")


def test_charts_in_german(results):
    fig, data = charts.ideas_chart(results, "de")
    assert fig.layout.title.text == "Die großen Ideen nach Schwerpunkten, in Anteilen der Stimmen"
    agree, like, doable = fig.data[:3]
    assert (agree.name, like.name, doable.name) == ("Ich stimme zu", "Favorit", "Machbar")
    position = list(agree.y).index("i1")
    assert agree.text[position] == "60\u00a0%"
    assert "Rang: 1 von 3" in agree.customdata[list(agree.y).index(results["ranked_ideas"][0])][1]
    headers = [a.text for a in fig.layout.annotations]
    assert "<b>Schwerpunkt 1: Axe A</b>" in headers
    assert {"Rang", "ID", "Stimmen", "Vorschläge", "Ich stimme zu (%)"} <= set(data.columns)
    fig, data = charts.split_chart(results, "de")
    assert fig.layout.title.text.startswith("Zustimmung, Neutralität und Ablehnung je Idee")
    assert fig.layout.xaxis.title.text == "Anteil der Stimmen (%)"
    agree = next(trace for trace in fig.data if trace.name == "Ich stimme zu")
    assert "Neutral: 15,0\u00a0%" in agree.customdata[list(agree.y).index("i1")][1]
    proposals, _hidden = charts.proposals_of(results, "i1")
    fig, data = charts.proposals_chart(proposals, "de", sort="disagree")
    assert fig.layout.title.text == "Die Vorschläge der Idee, nach Anteil „Ich stimme nicht zu“"
    assert list(data["ID"]) == ["p2", "p1"]
    assert "Score (Untergrenze)" in data.columns
    # The two columns' titles fit a phone's columns (26 and 18 characters): German's first
    # takes two lines, and the bars move down by one line of 17 px.
    assert [a.text for a in fig.layout.annotations if a.name != "label"][:2] == [
        "Ich stimme zu · Neutral ·<br>Ich stimme nicht zu", "Favorit · Machbar"]
    rows = style.legend_rows([trace.name for trace in fig.data if trace.showlegend is not False])
    assert fig.layout.margin.t == 95 + 21 * rows + 17


def test_published_ideas_without_votes():
    results = {"top_ideas": [{"name": "Axe", "ideas": [
        {"idea": "Une idée", "idea_id": "1-1", "rank": None, "votes": None,
         "proposals": None, "agreement": 94, "adhesion": 26, "realistic": 36,
         "zone": None, "shares": None}]}], "proposals": []}
    fig, data = charts.ideas_chart(results, "fr", overall=True)     # no ranks: by axis
    assert [trace.x[0] for trace in fig.data] == [94, 26, 36]
    assert "Votes" not in data.columns and "Rang" not in data.columns
    assert charts.split_chart(results, "fr")[0] is None


def test_wrap_keeps_whole_words_and_french_punctuation():
    label = "Permettre aux jeunes de mieux se connaître : aptitudes, envies, confiance en soi"
    lines = charts.wrap(label, 42, 3).split("<br>")
    assert all(len(line) <= 42 for line in lines)
    assert not any(line.startswith(":") for line in lines)
    words = set(label.replace(" :", "\u00a0:").split(" "))
    assert all(word in words for line in lines for word in line.split(" "))
    short = charts.wrap("un deux trois quatre cinq six sept huit", 10, 2)
    assert short.endswith(" …") and "cinq" not in short


# -- the page -------------------------------------------------------------------------------

def test_page_shows_ideas_and_first_idea_detail(app, results):
    at = app()
    assert at.title[0].value == "Grandes idées"
    metrics = metrics_of(at)
    assert metrics["Grandes idées"] == "3" and metrics["Axes"] == "2"
    assert metrics["Propositions rattachées"] == "4"
    # The first idea in rank order is detailed by default.
    first = results["ranked_ideas"][0]
    assert at.selectbox(key="idea_pick").value == first
    specs = charts_of(at)
    assert len(specs) == 3          # ideas, split, proposals of the selected idea
    agree = specs[0]["data"][0]
    assert agree["text"][list(agree["y"]).index("i1")] == "60\u00a0%"
    table = at.dataframe[-1].value
    assert len(table) == idea(results, first)["proposals"]


def test_page_deep_link_selects_the_idea(app):
    at = app(idea="i1")
    assert at.selectbox(key="idea_pick").value == "i1"
    metrics = metrics_of(at)
    assert metrics["D'accord"] == "60\u00a0%"
    assert metrics["Coup de cœur"] == "10\u00a0%" and metrics["Réaliste"] == "15\u00a0%"
    assert metrics["Propositions"] == "2" and metrics["Votes"] == "40"
    table = at.dataframe[-1].value
    assert list(table["Identifiant"]) == ["p1", "p2"]      # Make.org ranking order
    # The selected idea's name is in bold in the ideas chart.
    axis = charts_of(at)[0]["layout"]["yaxis"]
    ticks = dict(zip(axis["tickvals"], axis["ticktext"], strict=True))
    assert ticks["i1"].startswith("<b>") and not ticks["i2"].startswith("<b>")


def test_page_picking_an_idea_updates_the_link(app):
    at = app()
    at.selectbox(key="idea_pick").set_value("i3").run()
    assert not at.exception
    assert at.query_params["idea"] == ["i3"] or at.query_params["idea"] == "i3"
    assert metrics_of(at)["Propositions"] == "1"
    assert list(at.dataframe[-1].value["Identifiant"]) == ["p4"]


def test_page_unknown_idea_in_link_falls_back(app, results):
    at = app(idea="nope")
    assert at.selectbox(key="idea_pick").value == results["ranked_ideas"][0]


def test_page_overall_ranking_toggle_from_link(app, results):
    at = app(ranking="true")
    assert at.toggle(key="ranking").value is True
    bars = charts_of(at)[0]["data"]
    assert len(bars) == 3 and bars[0]["y"] == results["ranked_ideas"]


def test_page_in_english(app):
    at = app(lang="en", idea="i1")
    assert at.title[0].value == "Big ideas"
    assert metrics_of(at)["Agree"] == "60%"


def test_page_in_german(app):
    at = app(lang="de", idea="i1")
    metrics = metrics_of(at)
    assert metrics["Große Ideen"] == "3" and metrics["Schwerpunkte"] == "2"
    assert metrics["Vorschläge in Ideen"] == "4"
    assert metrics["Ich stimme zu"] == "60\u00a0%" and metrics["Favorit"] == "10\u00a0%"
    headers = [h.value for h in at.header]
    assert "Zustimmung und Ablehnung je Idee" in headers
    assert "Die Vorschläge einer Idee" in headers
    assert at.selectbox(key="idea_pick").label == "Idee"
    assert list(at.dataframe[-1].value["ID"]) == ["p1", "p2"]
    title = title_of(charts_of(at)[-1])
    assert title == "Die Vorschläge der Idee, nach Make.org-Rangliste"


def test_page_without_ideas_says_why(app):
    # No ideas table, and five proposals are too few to find ideas in their texts.
    at = app(consultation=BARE)
    infos = [unescape(info.value) for info in at.info]
    assert any("Aucune idée n'a pu être trouvée automatiquement" in text for text in infos)
    assert any("#how-ideas-found" in text for text in infos)
    assert not at.get("plotly_chart")
    assert "Comment ces idées ont été trouvées" in [h.value for h in at.subheader]


def test_page_given_ideas_can_be_compared_with_found_ones(app):
    at = app()
    toggle = at.toggle(key="compare_found")
    assert toggle.value is False
    assert not any("trouvées automatiquement" in info.value for info in at.info)
    toggle.set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    # The given ideas stay first; the found ones (none in 5 proposals) come beside them.
    assert charts_of(at)[0]["layout"]["yaxis"]["ticktext"]
    assert any("aucune idée" in info.value.lower() or "trouvées automatiquement" in info.value
               for info in at.info)


def open_published(folder: Path, stem: str, page: str) -> AppTest:
    """The app on one input of `folder`, opened by its link id (?c=...)."""
    from analytics.consultations import catalog

    entry = next(e for e in catalog.discover([folder]) if e.path.stem == stem)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["c"] = entry.id
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.caption and unescape(at.caption[0].value).startswith(entry.title)
    return at


def test_page_on_published_results(shared_data, monkeypatch):
    folder = shared_data / "makeorg-results"
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()
    at = open_published(folder, "bretagne-vivre-ensemble", PAGE)
    published = json.loads((folder / "bretagne-vivre-ensemble.json").read_text(encoding="utf-8"))
    first = published["top_ideas"][0]["ideas"][0]
    specs = charts_of(at)
    assert len(specs) == 1                          # the idea bars only
    agree = specs[0]["data"][0]
    assert agree["x"][0] == first["agreement"]
    assert agree["text"][0] == f"{first['agreement']}\u00a0%"
    assert any("votes" in info.value for info in at.info)       # why there is no detail
    assert not at.main.selectbox                     # no per-idea detail


def test_page_sort_from_link(app):
    at = app(idea="i1", idea_sort="disagree")
    assert at.segmented_control(key="idea_sort").value == "disagree"
    assert list(at.dataframe[-1].value["Identifiant"]) == ["p2", "p1"]     # 40 % then 10 %
    title = title_of(charts_of(at)[-1])
    assert title == "Les propositions de l'idée, par part de « Pas d'accord »"
