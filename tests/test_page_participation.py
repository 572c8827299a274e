"""The "Participation" page and its chart builders, on small bundles whose figures are
worked out by hand."""

import json
import math
from pathlib import Path

import pandas as pd
import plotly.express as px
import pytest
import streamlit as st
from builders import write_bundle
from streamlit.testing.v1 import AppTest

from analytics.consultations.open import open_source
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options
from analytics.present.charts import participation as charts
from analytics.present.charts import style
from tests import apptest
from tests.apptest import charts_of, title_of
from tests.apptest import values as array

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/participation.py"
FR, BARE, ABROAD = "ptest-fr", "ptest-bare", "ptest-abroad"
# The sidebar's pickers put their labels in the URL (lang=English, c=<title>): tests set
# their state instead, which holds the value itself.


def place(i: int) -> tuple[str, str]:
    """(région, département) of participant u<i>: u0-u19 Paris (11, 75), u20-u29
    Hauts-de-Seine (11, 92), u30-u44 Rhône (84, 69), u45-u49 Bouches-du-Rhône (93, 13),
    u50-u59 unknown."""
    if i < 20:
        return "11", "75"
    if i < 30:
        return "11", "92"
    if i < 45:
        return "84", "69"
    if i < 50:
        return "93", "13"
    return "", ""


# 60 participants: u0-u29 women, u30-u54 men, u55-u59 other; u0-u24 aged 20, others 40.
PARTICIPANTS = [{"participant_id": f"u{i}",
                 "gender": "female" if i < 30 else "male" if i < 55 else "other",
                 "age": 20 if i < 25 else 40,
                 "region_code": place(i)[0], "department_code": place(i)[1]}
                for i in range(60)]
PROPOSALS = [{"proposal_id": "p1", "content": "Il faut A", "author_name": "Ana"},
             {"proposal_id": "p2", "content": "Il faut B", "author_name": "Bob"}]
# Everyone votes on p1; the women (u0-u29) also vote on p2: 90 votes.
VOTES = ([{"proposal_id": "p1", "participant_id": f"u{i}", "vote": "agree"}
          for i in range(60)]
         + [{"proposal_id": "p2", "participant_id": f"u{i}", "vote": "disagree"}
            for i in range(30)])
ABROAD_PARTICIPANTS = [{"participant_id": f"u{i}", "gender": "female",
                        "region_code": "Bayern" if i < 20 else "Berlin" if i < 35 else "Bremen"}
                       for i in range(40)]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("participation")
    write_bundle(root / FR, proposals=PROPOSALS, votes=VOTES, participants=PARTICIPANTS,
                 consultation={"slug": FR, "title": FR, "country": "FR"})
    write_bundle(root / BARE, proposals=PROPOSALS, votes=VOTES,
                 consultation={"slug": BARE, "title": BARE, "country": "FR"})
    write_bundle(root / ABROAD, proposals=PROPOSALS, participants=ABROAD_PARTICIPANTS,
                 votes=[{"proposal_id": "p1", "participant_id": f"u{i}", "vote": "agree"}
                        for i in range(40)],
                 consultation={"slug": ABROAD, "title": ABROAD, "country": "DE"})
    return root


@pytest.fixture
def app(folders, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folders))

    def run(consultation=FR, **params):
        return apptest.open_page(PAGE, timeout=90, c=consultation, **params)
    return run


@pytest.fixture(scope="module")
def results(folders):
    return open_source(folders / FR).results(Options())



def map_of(specs: list[dict]) -> dict:
    return next(spec for spec in specs if spec["data"][0]["type"] == "choroplethmap")



def values_by_code(spec: dict) -> dict[str, float]:
    trace = spec["data"][0]
    return dict(zip(array(trace["locations"]), array(trace["z"]), strict=True))


# Hand-computed figures. Régions: 50 participants with a known région (u0-u49).
SHARE_11, SHARE_84 = 100 * 30 / 50, 100 * 15 / 50
PER_10K_11 = 1e4 * 30 / 12_174_880          # Île-de-France, population légale 2017
PER_10K_84 = 1e4 * 15 / 7_948_287           # Auvergne-Rhône-Alpes
# population shares (18.23, 11.90, 7.53 %) renormalised over the three régions present
POPULATION_11 = 100 * 18.23 / (18.23 + 11.90 + 7.53)
RATIO_11 = SHARE_11 / POPULATION_11


# -- chart builders -------------------------------------------------------------------------

def test_geo_frame_by_hand(results):
    frame = charts.geo_frame(results, "region").set_index("code")
    assert frame.at["11", "participants"] == 30
    assert frame.at["11", "share"] == pytest.approx(SHARE_11)
    assert frame.at["84", "per_10k"] == pytest.approx(PER_10K_84)
    assert frame.at["11", "per_10k"] == pytest.approx(PER_10K_11)
    assert frame.at["11", "ratio"] == pytest.approx(RATIO_11)
    assert bool(frame.at["93", "suppressed"])
    assert frame.loc["93", ["share", "per_10k", "ratio"]].isna().all()
    assert pd.isna(frame.at["93", "participants"])
    departements = charts.geo_frame(results, "departement").set_index("code")
    assert departements.at["75", "share"] == pytest.approx(40.0)
    assert departements.at["69", "share"] == pytest.approx(30.0)
    assert bool(departements.at["13", "suppressed"])


def test_choropleth_traces(results):
    frame = charts.geo_frame(results, "region")
    fig, data = charts.choropleth(frame, "fr", "per_10k")
    main = fig.data[0]
    assert dict(zip(main.locations, main.z, strict=True)) == pytest.approx(
        {"11": PER_10K_11, "84": PER_10K_84})
    grey = next(trace for trace in fig.data[1:] if trace.name == "< 10 participants")
    assert list(grey.locations) == ["93"]
    missing = next(trace for trace in fig.data[1:] if trace.name == "Aucun participant")
    assert len(missing.locations) == 18 - 3
    assert fig.layout.map.style == "white-bg"
    assert fig.layout.title.text == "Participants pour 10 000 habitants, par région"
    # the table: "< 10" instead of a number for Provence-Alpes-Côte d'Azur
    row = data.set_index("Code").loc["93"]
    assert row["Remarque"] == "< 10 participants"
    assert row.isna()["Participants"]


def test_choropleth_ratio_is_diverging_around_one(results):
    frame = charts.geo_frame(results, "region")
    fig, data = charts.choropleth(frame, "en", "ratio")
    values = dict(zip(fig.data[0].locations, fig.data[0].z, strict=True))
    assert values["11"] == pytest.approx(math.log2(RATIO_11))      # log scale: 1 -> 0
    axis = fig.layout.coloraxis
    assert axis.cmin == pytest.approx(-axis.cmax)                   # centred on ratio 1
    assert "1" in axis.colorbar.ticktext
    assert [c[1] for c in axis.colorscale] == list(px.colors.diverging.PuOr)
    assert data.set_index("Code").at["11", "Representation"] == pytest.approx(RATIO_11)


def test_ranking_labels_the_suppressed(results):
    frame = charts.geo_frame(results, "region")
    fig = charts.ranking(frame, "fr", "share")
    assert list(fig.data[0].y) == ["Île-de-France", "Auvergne-Rhône-Alpes"]
    assert list(fig.data[0].x) == pytest.approx([SHARE_11, SHARE_84])
    assert list(fig.data[1].text) == ["< 10 participants"]


def test_comparison_bars_gender(results):
    rows = results["participation"]["gender"]
    fig, data = charts.comparison_bars(rows, "fr", "gender", "votes")
    consultation, population = fig.data
    assert list(consultation.x) == ["Femmes", "Hommes", "Autre"]
    # votes: women 60 of 90, men 25 of 90; "other" (5 participants) suppressed
    assert list(consultation.y[:2]) == pytest.approx([100 * 60 / 90, 100 * 25 / 90])
    assert consultation.y[2] is None
    assert [a.text for a in fig.layout.annotations] == ["< 10 participants"]
    assert population.name == "Population générale"
    assert population.y[0] == pytest.approx(51.81 / (51.81 + 48.19) * 100)
    assert "Votes\u00a0: 60" in consultation.customdata[0]
    assert list(data["Votes"].iloc[:2]) == [60, 25]
    assert data["Votes"].isna().iloc[2]


def test_comparison_bars_published_rows():
    rows = [{"label": "hommes", "gender": "male", "participants": None, "votes": None,
             "votes_share": 42, "population_share": None},
            {"label": "<b>femmes</b>", "participants": None, "votes": None,
             "votes_share": 58, "population_share": None}]
    fig, data = charts.comparison_bars(rows, "en", "gender", "participants")
    assert len(fig.data) == 1                        # no population published
    assert list(fig.data[0].y) == [42, 58]           # shares of votes, as published
    assert fig.data[0].x[0] == "Men"
    assert "<b>" not in fig.data[0].x[1]
    assert "Share of votes (%)" in data.columns
    assert fig.layout.title.text == "Participation by gender: share of votes"   # no population


def test_published_regions_map_and_foreign_labels_do_not():
    french = {"participation": {"region": [
        {"label": "Île-de-France", "participants": None, "votes": None, "votes_share": 18,
         "population_share": 18, "code": "11"},
        {"label": "Bretagne", "participants": None, "votes": None, "votes_share": 6,
         "population_share": 5}]}}
    frame = charts.geo_frame(french, "region")
    assert list(frame["code"]) == ["11", "53"]       # named régions are matched too
    assert charts.mappable(frame)
    assert charts.available_metrics(frame) == ["share", "ratio"]    # no counts: no per 100k
    assert frame.attrs["base"] == "votes"
    assert frame["ratio"].iloc[1] == pytest.approx(6 / 5)
    fig, _ = charts.choropleth(frame, "fr", "share", published=True)
    assert any(trace.name == "Non publié" for trace in fig.data[1:])
    german = {"participation": {"region": [
        {"label": "Bayern", "participants": None, "votes": None, "participants_share": 18,
         "population_share": 16}]}}
    assert not charts.mappable(charts.geo_frame(german, "region"))
    # ... but they are German Länder (ISO 3166-2 codes, BKG outlines).
    on_laender = charts.geo_frame(german, layer=charts.laender_layer())
    assert list(on_laender["code"]) == ["DE-BY"] and charts.mappable(on_laender)


def test_user_text_escaped_in_map_hover():
    frame = charts.geo_frame({"participation": {"region": [
        {"label": "11", "name": "<script>x</script>", "participants": 12,
         "participants_share": 100.0, "votes": 12, "votes_share": 100.0,
         "population_share": 100.0}]}}, "region")
    fig, _ = charts.choropleth(frame, "fr", "share")
    assert "<script>" not in json.dumps(fig.data[0].customdata.tolist())
    assert style.plain("<script>") in fig.data[0].customdata[0][0]


# -- the page -------------------------------------------------------------------------------

def test_page_map_share_by_default(app):
    at = app()
    spec = map_of(charts_of(at))
    assert values_by_code(spec) == pytest.approx({"11": SHARE_11, "84": SHARE_84})
    grey = next(trace for trace in spec["data"] if trace.get("name") == "< 10 participants")
    assert grey["locations"] == ["93"]
    assert any(reference_source in c.value for c in at.caption
               for reference_source in ("IGN ADMIN-EXPRESS",))
    assert any("moins de 10 participants" in m.value for m in at.markdown)
    # gender and age bars beside the general population
    titles = [title_of(spec) for spec in charts_of(at)]
    assert "Participation par genre : participants et population générale" in titles
    assert "Participation par âge : participants et population générale" in titles
    age = next(s for s in charts_of(at) if title_of(s).startswith(
        "Participation par âge"))
    assert age["data"][0]["x"] == ["16-24", "35-44"]
    assert age["data"][0]["y"] == pytest.approx([100 * 25 / 60, 100 * 35 / 60])
    assert any("10 participants" in c.value and "région" in c.value for c in at.caption)


def test_page_metric_by_link(app):
    at = app(metric="per_10k")
    assert at.session_state["metric"] == "per_10k"
    assert values_by_code(map_of(charts_of(at))) == pytest.approx(
        {"11": PER_10K_11, "84": PER_10K_84})
    at = app(metric="ratio", lang="en")
    spec = map_of(charts_of(at))
    assert values_by_code(spec)["11"] == pytest.approx(math.log2(RATIO_11))
    assert any("**1**: the région weighs as much" in m.value for m in at.markdown)


def test_page_departements_by_link(app):
    at = app(level="departement", by="votes")
    spec = map_of(charts_of(at))
    assert values_by_code(spec) == pytest.approx({"75": 40.0, "92": 20.0, "69": 30.0})
    gender = next(s for s in charts_of(at) if title_of(s).startswith(
        "Participation par genre"))
    assert gender["data"][0]["y"][:2] == pytest.approx([100 * 60 / 90, 100 * 25 / 90])


def test_page_segment_filter_applies(app):
    # men only (u30-u54): Rhône-Alpes 15, PACA 5 (suppressed, yet in the total), 5 without
    at = app(gender="male")
    assert values_by_code(map_of(charts_of(at))) == pytest.approx({"84": 100 * 15 / 20})
    # the gender chart would be one bar at 100 %: a sentence instead
    titles = [title_of(spec) for spec in charts_of(at)]
    assert not any(title.startswith("Participation par genre") for title in titles)
    assert any("filtrés sur une seule valeur de genre" in info.value for info in at.info)
    age = next(s for s in charts_of(at) if title_of(s).startswith(
        "Participation par âge"))
    assert age["data"][0]["y"] == [100.0]        # the 25 men are all aged 40


def test_page_without_participants(app):
    at = app(BARE)
    assert any("ne décrivent pas les participants" in info.value for info in at.info)
    assert not at.get("plotly_chart")


def test_page_outside_france_lander_are_mapped(app):
    # A German bundle's région labels are Länder: mapped on the Länder (BKG outlines).
    at = app(ABROAD)
    spec = map_of(charts_of(at))
    assert values_by_code(spec) == pytest.approx({"DE-BY": 50.0, "DE-BE": 37.5})
    # Bremen: 5 participants, under the privacy threshold
    grey = next(trace for trace in spec["data"] if trace.get("name") == "< 10 participants")
    assert grey["locations"] == ["DE-HB"]
    assert any("GeoBasis-DE / BKG" in c.value for c in at.caption)


def test_page_outside_france_bars_by_label(app, monkeypatch):
    # Labels that are no known places: bars by label, no map.
    from analytics.inputs import reference

    monkeypatch.setattr(reference, "land_code_from_name", lambda label: None)
    at = app(ABROAD)
    specs = charts_of(at)
    assert not any(spec["data"][0]["type"] == "choroplethmap" for spec in specs)
    regions = next(s for s in specs if title_of(s).startswith(
        "Participation par région"))
    assert regions["data"][0]["y"] == ["Bayern", "Berlin", "Bremen"]
    assert regions["data"][0]["x"][:2] == pytest.approx([50.0, 37.5])
    assert regions["data"][0]["x"][2] is None
    assert [a["text"] for a in regions["layout"]["annotations"]
            if a.get("name") != "source"] == ["< 10 participants"]
    assert len(regions["data"]) == 1                 # no population shares for Germany


def test_page_on_published_results(shared_data, monkeypatch):
    path = shared_data / "makeorg-results"
    try:
        open_source(path / "commerce-demain.json")
    except InputError:
        pytest.skip("published results are not readable yet (analytics reader in progress)")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(path))
    for name, mapped in (("commerce-demain", True), ("unser-europa", True)):
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.session_state["c"] = name
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, [e.value for e in at.exception]
        specs = charts_of(at)
        maps = [s for s in specs if s["data"][0]["type"] == "choroplethmap"]
        assert bool(maps) == mapped, name
        if name == "commerce-demain":
            # "Participation par région (1/2)" and "(2/2)" merged: Île-de-France 18 % of votes
            assert values_by_code(maps[0])["11"] == 18
        else:
            # "Beteiligung nach Wohnort (1/2)" and "(2/2)": the 16 Länder, as published
            assert len(values_by_code(maps[0])) == 16
            assert values_by_code(maps[0])["DE-BY"] == 18


# -- in German ------------------------------------------------------------------------------

def test_chart_builders_in_german(results):
    frame = charts.geo_frame(results, "region")
    fig, data = charts.choropleth(frame, "de", "per_10k")
    assert fig.layout.title.text == "Teilnehmende je 10.000 Einwohner, nach Region"
    assert {trace.name for trace in fig.data[1:]} == {"< 10 Teilnehmende", "Keine Teilnehmenden"}
    row = data.set_index("Code").loc["93"]
    assert row["Hinweis"] == "< 10 Teilnehmende" and "Einwohnerzahl" in data.columns
    fig, _ = charts.choropleth(frame, "de", "ratio")
    assert fig.layout.title.text == ("Über- und Unterrepräsentation der Regionen unter den "
                                     "Teilnehmenden")
    assert charts.ranking(frame, "de", "share").layout.title.text == \
        "Rangfolge: Anteil der Teilnehmenden"
    fig, data = charts.comparison_bars(results["participation"]["gender"], "de", "gender",
                                       "votes")
    consultation, population = fig.data
    assert fig.layout.title.text == "Teilnahme nach Geschlecht: Stimmen und Gesamtbevölkerung"
    assert list(consultation.x) == ["Frauen", "Männer", "Andere"]
    assert consultation.name == "Konsultation (Stimmen)"
    assert population.name == "Gesamtbevölkerung"
    assert "Stimmen: 60" in consultation.customdata[0]
    assert consultation.text[0] == "67\u00a0%"                      # 60 of 90 votes
    assert fig.layout.yaxis.title.text == "Anteil (%)"
    assert list(data.columns) == ["Geschlecht", "Stimmen", "Anteil der Stimmen (%)",
                                  "Anteil an der Bevölkerung (%)", "Hinweis"]


def test_page_in_german(app):
    at = app(lang="de")
    assert [h.value for h in at.header] == ["Wo die Teilnehmenden wohnen",
                                            "Wer die Teilnehmenden sind"]
    assert "60 Teilnehmende haben abgestimmt, insgesamt 90 Stimmen." in [
        c.value for c in at.caption]
    assert "Anteil jeder Region an den Teilnehmenden, deren Region bekannt ist. Grau: weniger " \
        "als 10 Teilnehmende (Zahl zum Schutz der Privatsphäre ausgeblendet)." in [
            m.value for m in at.markdown]
    titles = [title_of(spec) for spec in charts_of(at)]
    assert "Anteil der Teilnehmenden nach Region" in titles
    assert "Teilnahme nach Alter: Teilnehmende und Gesamtbevölkerung" in titles


def test_demo_in_german_with_german_numbers():
    from analytics import i18n
    from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

    ensure_demo(DEFAULT_DEMO_DIR)
    figures = open_source(DEFAULT_DEMO_DIR).results()["key_figures"]
    at = apptest.open_page(PAGE, timeout=120, c="solutions-jeunes", lang="de", metric="ratio")
    votes = i18n.integer(figures["votes"], "de")
    assert "." in votes                                            # 584.664
    assert (f"{i18n.integer(figures['participants'], 'de')} Teilnehmende haben abgestimmt, "
            f"insgesamt {votes} Stimmen.") in [c.value for c in at.caption]
    spec = map_of(charts_of(at))
    assert title_of(spec) == ("Über- und Unterrepräsentation der Regionen "
                                               "unter den Teilnehmenden")
    assert spec["layout"]["separators"] == ",."
    assert any(m.value.startswith("Anteil der Region an den Teilnehmenden geteilt durch ihren "
                                  "Anteil an der Bevölkerung. **1**: Die Region")
               for m in at.markdown)
    picker = next(b for b in at.button_group if b.proto.label == "Ebene")
    assert [o.content for o in picker.proto.options] == ["Regionen", "Départements"]


def test_german_consultation_in_german(shared_data, monkeypatch):
    # Make.org's "Teilnahme nach Bundesland": the Länder, as published, in German.
    monkeypatch.setenv("CONSULTATIONS_PATH", str(shared_data / "makeorg-results"))
    at = apptest.open_page(PAGE, timeout=90, c="finanzbranche", lang="de")
    spec = map_of(charts_of(at))
    assert title_of(spec) == "Anteil der Teilnehmenden nach Bundesland"
    assert len(values_by_code(spec)) == 16 and values_by_code(spec)["DE-NW"] == 20
    captions = [c.value for c in at.caption]
    assert "4.744 Teilnehmende haben abgestimmt, insgesamt 48.085 Stimmen." in captions
    assert any(c.startswith("Grenzen der Bundesländer: © GeoBasis-DE / BKG") for c in captions)
    assert "Anteil jedes Bundeslandes an den Teilnehmenden, deren Bundesland bekannt ist. " \
        "Anteile wie veröffentlicht (gerundet)." in [m.value for m in at.markdown]
    titles = [title_of(s) for s in charts_of(at)]
    assert "Teilnahme nach Alter: Anteil der Teilnehmenden" in titles
