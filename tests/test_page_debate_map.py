"""The "Debate map" page and its chart builders (analytics/present/charts/debate.py), on a
small bundle whose zones and tag shares are worked out by hand."""

import json
from pathlib import Path

import pytest
import streamlit as st
from builders import votes_for, write_bundle
from streamlit.testing.v1 import AppTest

from analytics import i18n
from analytics.consultations.open import open_source
from analytics.present.charts import debate as charts
from analytics.present.charts import style
from analytics.vocabulary import ZONES
from tests.apptest import charts_of, metrics_of, title_of

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/debate_map.py"
FULL, BARE = "debate-test-full", "debate-test-bare"

IDEAS = [{"idea_id": "i1", "name": "Former", "axis": "Axe A"},
         {"idea_id": "i2", "name": "Examens", "axis": "Axe A"},
         {"idea_id": "i3", "name": "Débattre", "axis": "Axe B"}]
PROPOSALS = [
    {"proposal_id": "p1", "content": "Il faut <b>former</b> les jeunes", "author_name": "Ana",
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
VOTES = (
    # p1 (u0-u19): agree 16 (4 likeIt), disagree 2, neutral 2 -> Consensus (a = 16.33/21)
    votes_for("p1", {"agree/likeIt": 4, "agree": 12, "disagree": 2, "neutral": 2})
    # p2 (u0-u19): agree 8, disagree 8 (3 noWay), neutral 4 -> Controversy
    + votes_for("p2", {"agree": 8, "disagree/noWay": 3, "disagree": 5, "neutral": 4})
    # p3 (u0-u19): agree 3, disagree 15, neutral 2 -> Rejection (d = 15.33/21)
    + votes_for("p3", {"agree": 3, "disagree": 15, "neutral": 2})
    # p4 (u10-u29): agree 4, disagree 2, neutral 14 -> Limbo (u = 14.33/21)
    + votes_for("p4", {"agree": 4, "disagree": 2, "neutral": 14}, start=10)
    # p5 (u0-u29): agree 30 -> Consensus
    + votes_for("p5", {"agree": 30})
)
# Women are u0-u11: only two of them (u10, u11) voted on p4.
PARTICIPANTS = [{"participant_id": f"u{i}", "gender": "female" if i < 12 else "male",
                 "age": 20 + i, "region_code": "11"} for i in range(30)]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("debate")
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

    def run(consultation=FULL, state=None, **params):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.query_params["c"] = consultation
        for key, value in (state or {}).items():   # e.g. lang, gender (link value = label)
            at.session_state[key] = value
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run




# -- chart builders -------------------------------------------------------------------------

def test_zones_and_points(results):
    points = charts.map_points(results)
    assert dict(zip(points["id"], points["zone"], strict=True)) == {
        "p1": "consensus", "p2": "controversy", "p3": "rejection", "p4": "limbo",
        "p5": "consensus"}
    assert charts.zone_counts(points) == {"consensus": 2, "controversy": 1, "rejection": 1,
                                          "limbo": 1}
    assert charts.zone_counts(charts.map_points(results, min_votes=30)) == {
        "consensus": 1, "controversy": 0, "rejection": 0, "limbo": 0}
    row = points.set_index("id").loc["p2"]
    assert row["agree"] == pytest.approx(40.0) and row["votes"] == 20
    assert row["axis"] == "Axe A" and row["idea"] == "Former"


def test_debate_map_by_zone(results):
    fig, data = charts.debate_map(results, "fr")
    assert [trace.type for trace in fig.data] == ["scattergl"] * 4
    traces = {trace.name: trace for trace in fig.data}
    assert list(traces) == ["Consensus", "Controverse", "Rejet", "Limbes"]
    assert traces["Consensus"].marker.color == style.ZONE_COLORS["consensus"]
    consensus = traces["Consensus"]
    ids = [row[0] for row in consensus.customdata]
    assert ids == ["p1", "p5"]
    assert list(consensus.x) == pytest.approx([80.0, 100.0])
    p2 = results["proposals"][1]
    assert traces["Controverse"].y[0] == pytest.approx(p2["controversy"]["score"])
    # Sized by votes: the most voted proposal (p5, 30 votes) gets the largest marker.
    assert consensus.marker.size[1] == pytest.approx(26.0)
    assert consensus.marker.size[0] == pytest.approx(4 + 22 * (20 / 30) ** 0.5)
    hover = consensus.customdata[0][1]
    assert "&lt;b&gt;former&lt;/b&gt;" in hover and "<b>former" not in hover
    assert "Ana" in hover and "D'accord : 80,0\u00a0%" in hover
    assert "controverse" in fig.layout.yaxis.title.text.lower()
    assert len(data) == 5 and "Zone" in data.columns


def test_debate_map_by_axis_and_filter(results):
    fig, data = charts.debate_map(results, "en", colour="axis", min_votes=0)
    # Proposals without an idea are drawn first (underneath) and listed last.
    names = [trace.name for trace in fig.data]
    assert names == ["No big idea", "Axis 1: Axe A", "Axis 2: Axe B"]
    legend = [trace.name for trace in sorted(fig.data, key=lambda trace: trace.legendrank)]
    assert legend == ["Axis 1: Axe A", "Axis 2: Axe B", "No big idea"]
    assert [row[0] for row in fig.data[0].customdata] == ["p5"]
    assert sorted(row[0] for row in fig.data[1].customdata) == ["p1", "p2", "p3"]
    fig, data = charts.debate_map(results, "en", min_votes=1000)
    assert fig is None and len(data) == 0


def test_tag_groups_and_chart(results):
    groups = charts.tag_groups(results)
    assert [g["tag_type"] for g in groups] == ["theme", "acteur", "solution"]
    fig, data = charts.tag_chart(groups[0], "fr")
    overall, consensus = fig.data
    assert overall.name == "Toutes les propositions"
    assert consensus.name == "Propositions plébiscitées (Consensus)"
    assert list(overall.y) == ["Emploi", "Ecole"]
    # Of the three proposals tagged with a theme, two cite Emploi; of the Consensus ones
    # (p1, p5), only p1 has a theme: Emploi.
    assert list(overall.x) == pytest.approx([200 / 3, 100 / 3])
    assert list(consensus.x) == pytest.approx([100.0, 0.0])
    assert fig.layout.title.text.startswith("Thèmes")
    assert list(data["Toutes les propositions · Propositions"]) == [2, 1]
    fig, _ = charts.tag_chart(groups[2], "en")          # no Consensus proposal has one
    assert [trace.name for trace in fig.data] == ["All proposals"]
    assert fig.layout.title.text.startswith("Solutions")


def test_tag_type_names():
    assert charts.tag_type_name("acteur", "fr") == "Acteurs"
    assert charts.tag_type_name("acteur", "en") == "Actors"
    assert charts.tag_type_name("theme", "en") == "Themes"
    assert charts.tag_type_name("public", "fr") == "Publics"
    assert charts.tag_type_name("secteur", "fr") == "Secteur"


def test_charts_in_german(results):
    fig, data = charts.debate_map(results, "de")
    assert [trace.name for trace in fig.data] == ["Konsens", "Kontroverse", "Ablehnung",
                                                  "Schwebe"]
    assert fig.layout.xaxis.title.text == "Anteil der „Ich stimme zu“-Stimmen (%)"
    assert fig.layout.yaxis.title.text == "Kontroversscore (Make.org, Schätzwert)"
    assert fig.layout.title.text.startswith("Die Vorschläge nach Zustimmung und Kontroverse")
    assert fig.layout.separators == ",."
    hover = fig.data[0].customdata[0][1]
    assert "Ich stimme zu: 80,0\u00a0%" in hover and "Stimmen: 20" in hover
    assert "Kontroverse (Score): 0," in hover and "Idee: Former" in hover
    assert list(data.columns[:3]) == ["Vorschlag", "Autor:in", "Stimmen"]
    assert "Kontroverse (Score)" in data.columns and "ID" in data.columns
    names = [trace.name for trace in charts.debate_map(results, "de", colour="idea")[0].data]
    assert names[0] == "Ohne große Idee"
    groups = charts.tag_groups(results)
    fig, data = charts.tag_chart(groups[0], "de")
    assert [trace.name for trace in fig.data] == ["Alle Vorschläge",
                                                  "Meistunterstützte Vorschläge (Konsens)"]
    assert fig.layout.title.text.startswith("Themen: Anteil der Vorschläge, die sie nennen")
    assert fig.layout.xaxis.title.text == "Anteil der verschlagworteten Vorschläge (%)"
    assert list(data["Alle Vorschläge · Vorschläge"]) == [2, 1]
    assert charts.tag_type_name("acteur", "de") == "Akteure"
    assert charts.tag_type_name("public", "de") == "Zielgruppen"


def test_published_cartography_as_published():
    chart = {"name": "Thèmes <i>cités</i>", "tag_type": None, "scope": None, "data": [
        {"label": "Démocratie européenne", "percent": 54},
        {"label": "Une économie plus forte,", "sublabel": "justice sociale", "percent": 45}]}
    results = {"cartography": [chart], "proposals": []}
    assert charts.tag_groups(results) == [] and charts.published_charts(results) == [chart]
    fig, data = charts.published_chart(chart, "fr")
    pie = fig.data[0]
    assert pie.type == "pie"                                # 54 + 45 = 99: a partition
    assert list(pie.values) == [54, 45] and list(pie.text) == ["54\u00a0%", "45\u00a0%"]
    assert list(data["Étiquette"]) == ["Démocratie européenne",
                                       "Une économie plus forte, justice sociale"]
    assert "&lt;i&gt;" in fig.layout.title.text
    # Shares adding up to more than 100 (several labels per proposal): bars, not a pie.
    chart["data"][0]["percent"] = 80
    fig, _ = charts.published_chart(chart, "en")
    assert fig.data[0].type == "bar" and list(fig.data[0].x) == [80, 45]
    assert list(fig.data[0].text) == ["80%", "45%"]


# -- the page -------------------------------------------------------------------------------

def test_page_map_zone_counts_and_cartography(app):
    at = app()
    assert at.title[0].value == "Cartographie du débat"
    metrics = metrics_of(at)
    assert (metrics["Consensus"], metrics["Controverse"], metrics["Rejet"],
            metrics["Limbes"]) == ("2", "1", "1", "1")
    specs = charts_of(at)
    assert len(specs) == 4                  # the map, then themes, actors, solutions
    assert {trace["type"] for trace in specs[0]["data"]} == {"scattergl"}
    assert [trace["name"] for trace in specs[0]["data"]] == ["Consensus", "Controverse",
                                                             "Rejet", "Limbes"]
    assert title_of(specs[1]).startswith("Thèmes")
    assert title_of(specs[2]).startswith("Acteurs")
    assert any("60 %" in block.value for block in at.markdown)   # the zone rules


def test_page_min_votes_and_colour_from_link(app):
    at = app(map_votes="30", colour="axis")     # codes, never translated labels
    assert at.select_slider(key="map_votes").value == 30
    metrics = metrics_of(at)
    assert (metrics["Consensus"], metrics["Controverse"]) == ("1", "0")
    names = [trace["name"] for trace in charts_of(at)[0]["data"]]
    assert names == ["Sans grande idée"]                    # only p5 has >= 30 votes
    assert any("1 propositions affichées sur 5" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_link_keeps_its_view_in_either_language(app, lang):
    at = app(map_votes="30", colour="axis", state={"lang": lang})
    assert at.select_slider(key="map_votes").value == 30
    assert at.session_state["colour"] == "axis"
    assert (at.query_params["colour"], at.query_params["map_votes"]) == ("axis", "30")
    # A translated label from an old link falls back to the default.
    assert app(colour="Axe").session_state["colour"] == "zone"


def test_page_in_english(app):
    at = app(state={"lang": "en"})
    assert at.title[0].value == "Debate map"
    assert metrics_of(at)["Limbo"] == "1"


def test_page_in_german(app):
    at = app(map_votes="30", state={"lang": "de"})
    metrics = metrics_of(at)
    assert (metrics["Konsens"], metrics["Kontroverse"], metrics["Ablehnung"],
            metrics["Schwebe"]) == ("1", "0", "0", "0")
    assert [header.value for header in at.header] == ["Die Kartografie der Debatte"]
    assert "**Wie die Zonen bestimmt werden**" in [block.value for block in at.markdown]
    assert any("- **Konsens**: mindestens 60 %" in block.value for block in at.markdown)
    assert any("1 von 5 Vorschlägen angezeigt." in c.value for c in at.caption)
    assert at.select_slider(key="map_votes").label == "Mindestzahl an Stimmen"
    specs = charts_of(at)
    title = specs[0]["layout"]["xaxis"]["title"]["text"]
    assert title.startswith("Anteil der „Ich stimme zu“-Stimmen")
    assert title_of(specs[1]).startswith("Themen")


def test_page_segment_leaves_out_suppressed_proposals(app):
    at = app(state={"gender": "female"})
    ids = {row[0] for trace in charts_of(at)[0]["data"] for row in trace["customdata"]}
    assert ids == {"p1", "p2", "p3", "p5"}             # p4 has 2 female voters: hidden
    assert any("masquée" in caption.value for caption in at.caption)


def test_page_without_ideas_participants_tags(app):
    at = app(consultation=BARE)
    assert metrics_of(at)["Consensus"] == "2"
    assert "colour" not in [w.key for w in at.segmented_control]     # no axis to colour by
    specs = charts_of(at)
    assert len(specs) == 1                              # the map; no cartography
    assert any("étiquettes" in info.value for info in at.info)


def test_page_on_published_results(shared_data, monkeypatch):
    from test_page_ideas import open_published

    folder = shared_data / "makeorg-results"
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()
    at = open_published(folder, "bretagne-vivre-ensemble", PAGE)
    published = json.loads((folder / "bretagne-vivre-ensemble.json").read_text(encoding="utf-8"))
    specs = charts_of(at)
    assert len(specs) == len(published["cartography"])     # the pies, no scatter
    pie = specs[0]["data"][0]
    assert pie["type"] == "pie"                 # Bretagne's shares add up to 100
    assert pie["values"] == [item["percent"] for item in published["cartography"][0]["data"]]
    assert any("votes" in info.value for info in at.info)  # why there is no map


def test_page_on_polis_export(shared_data, monkeypatch):
    from test_page_ideas import open_published

    folder = shared_data / "polis"
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()
    at = open_published(folder, "brexit-consensus", PAGE)
    results = open_source(folder / "brexit-consensus").results()
    placed = charts.plottable(results)
    counts = {i18n.word(zone, "fr"): sum(p["zone"] == zone for p in placed) for zone in ZONES}
    assert {k: int(v) for k, v in metrics_of(at).items() if k in counts} == counts
    specs = charts_of(at)
    # (x and y travel as typed arrays; customdata as lists, one row per point)
    assert sum(len(trace["customdata"]) for trace in specs[0]["data"]) == len(placed)
    assert any("étiquettes" in info.value for info in at.info)      # Polis has no tags
    assert any("CC BY" in caption.value or "Polis" in caption.value for caption in at.caption)


def test_page_on_proposal_export_says_why_no_map(shared_data, monkeypatch):
    from test_page_ideas import open_published

    folder = shared_data / "makeorg-open-data"
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()
    at = open_published(folder, "mondedapres_2020_05_28", PAGE)
    assert not at.get("plotly_chart")
    assert any("pas de carte des propositions" in info.value for info in at.info)


def test_map_starts_from_a_threshold_keeping_it_readable():
    # 12 placeable proposals: 2 with 0 votes, 4 with 10, 3 with 30, 3 with 200.
    votes = [0, 0, 10, 10, 10, 10, 30, 30, 30, 200, 200, 200]
    results = {"proposals": [{"id": f"p{i}", "votes": n, "shares": {"agree": 0.5},
                              "controversy": {"score": 0.1}} for i, n in enumerate(votes)]}
    thresholds = (0, 10, 20, 50, 100, 500)
    assert charts.default_min_votes(results, thresholds, max_points=12) == 0
    assert charts.default_min_votes(results, thresholds, max_points=10) == 10   # 10 left
    assert charts.default_min_votes(results, thresholds, max_points=9) == 20    # 6 left
    assert charts.default_min_votes(results, thresholds, max_points=3) == 50    # 3 left
    assert charts.default_min_votes(results, thresholds, max_points=2) == 500   # none fits
