"""The Segments page with AppTest: it renders on the demo and marks the planted
age effect, states the correction, says when figures are weighted, keeps cells
under 10 participants off the screen and out of the data tables, and says in
one sentence that Polis or published data cannot be compared by segment."""

import re
from pathlib import Path

import pytest
from builders import write_bundle
from streamlit.testing.v1 import AppTest
from test_segments import IDEAS, PEOPLE, PROPOSALS, VOTES

from analytics.consultations.open import open_source
from tests import apptest
from tests.apptest import charts_of, title_of

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/segments.py"
DEMO = "solutions-jeunes"
THRESHOLD = "segtest-threshold"


def open_page(**params) -> AppTest:
    return apptest.open_page(PAGE, **params)


def text_of(at) -> str:
    return apptest.text_of(at)



@pytest.fixture(scope="module")
def salaire():
    from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

    ensure_demo(DEFAULT_DEMO_DIR)
    found = open_source(DEFAULT_DEMO_DIR).sql(
        "SELECT p.proposal_id FROM proposals p JOIN votes v USING (proposal_id) "
        "WHERE p.content LIKE '%salaire universel%' GROUP BY p.proposal_id "
        "ORDER BY count(*) DESC LIMIT 1")
    return found["proposal_id"].iloc[0]


def test_demo_marks_the_planted_age_difference(salaire):
    at = open_page(c=DEMO, of="proposal", item=salaire)
    assert at.title[0].value == "Segments"
    text = text_of(at)
    assert "Chiffres bruts (non pondérés)" in text
    assert "corrigée par la méthode de Holm" in text and "21 pour âge" in text
    # The age list: the 16-24 agree more than the 65+, marked significant.
    assert re.search(r"\*\*16-24\*\* \d+\u00a0% contre \*\*65\+\*\* \d+\u00a0% : écart", text)
    specs = charts_of(at)
    assert len(specs) == 4                       # gender, age, région, ranking
    age = specs[1]
    filled = [t for t in age["data"] if t.get("marker", {}).get("color") != "white"
              and t["mode"] == "markers"][0]
    assert {"16-24", "65+"} <= set(filled["y"])
    assert "selon l'âge" in title_of(age)
    ranking = specs[3]
    points = [t for t in ranking["data"] if t["mode"] == "markers+text"]
    assert points and points[0]["customdata"][0][0] in ("idea", "proposal")


def test_demo_in_english_weighted(salaire):
    at = open_page(c=DEMO, lang="en", w=True, of="proposal", item=salaire, share="agree")
    text = text_of(at)
    assert "Weighted figures (raked to the French population" in text
    assert "effective sample size" in text
    assert "Holm's method" in text and "effective number of votes (Kish)" in text
    assert re.search(r"\*\*16-24\*\* \d+% vs \*\*65\+\*\* \d+%: a [\d.]+-point gap", text)
    assert "Where segments disagree most" in [h.value for h in at.header]


def test_ranking_of_ideas_by_default():
    at = open_page(c=DEMO)
    text = text_of(at)
    assert "Correction de Holm sur l'ensemble des" in text
    ranking = charts_of(at)[3]
    ideas = [t for t in ranking["data"] if t["mode"] == "markers+text"][0]
    # The strongest gap is one of the ideas the demo plants an age effect on.
    from analytics.demo.recipe import IDEA_VOTE_EFFECTS

    planted = {idea for idea, (age, _) in IDEA_VOTE_EFFECTS.items() if age}
    assert ideas["customdata"][0][0] == "idea"
    assert ideas["customdata"][0][1] in planted


# -- privacy on the screen ------------------------------------------------------------------

@pytest.fixture
def threshold(tmp_path, monkeypatch):
    write_bundle(tmp_path / THRESHOLD, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                 participants=PEOPLE,
                 consultation={"slug": THRESHOLD, "title": THRESHOLD, "country": "FR"})
    monkeypatch.setenv("CONSULTATIONS_PATH", str(tmp_path))


def age_chart(at) -> dict:
    return next(s for s in charts_of(at) if "selon l'âge" in title_of(s))


def test_small_cells_are_labelled_and_left_out_of_tables(threshold):
    at = open_page(c=THRESHOLD, of="proposal", item="p1")
    gender = charts_of(at)[0]
    labels = [t for t in gender["data"] if t["mode"] == "text"][0]
    assert labels["text"] == ["< 10"] and labels["y"] == ["Autre"]      # 9 "other"
    tables = [frame.value for frame in at.dataframe]
    groups = tables[0]["Groupe"].tolist()
    assert groups == ["Femmes", "Hommes"]                 # "Autre" (9) is not in the table
    assert 9 not in tables[0]["Participants"].tolist()


def test_a_cell_small_after_combining_the_sidebar_segment(threshold):
    # Women (19) and the 65+ (19) are shown; women 65+ are 9: "< 10", and the women 16-24
    # (10) are hidden so that the 9 cannot be worked out from the women's total.
    at = open_page(c=THRESHOLD, gender="female", of="proposal", item="p1")
    age = age_chart(at)
    labels = [t for t in age["data"] if t["mode"] == "text"][0]
    assert dict(zip(labels["y"], labels["text"], strict=True)) == {"65+": "< 10",
                                                                   "16-24": "masqué"}
    assert not [t for t in age["data"] if t["mode"] == "markers"]
    tables = [frame.value for frame in at.dataframe]
    age_table = next(t for t in tables if "Dimension" in t and (t["Dimension"] == "Âge").all())
    assert age_table.empty
    text = text_of(at)
    assert "Âge : moins de deux groupes à comparer." in text
    assert "Genre » de la barre latérale ne laisse qu'un groupe" in text


def test_men_sixty_five_exactly_ten_are_shown(threshold):
    at = open_page(c=THRESHOLD, gender="male", of="proposal", item="p1")
    age = age_chart(at)
    drawn = [y for t in age["data"] if t["mode"] == "markers" for y in t["y"]]
    assert sorted(drawn) == ["16-24", "65+"]
    tables = [frame.value for frame in at.dataframe]
    age_table = next(t for t in tables if "Dimension" in t and (t["Dimension"] == "Âge").all())
    assert age_table["Participants"].tolist() == [12, 10]


# -- inputs without participants ------------------------------------------------------------

def test_polis_conversation_says_segments_need_participants(shared_data, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(shared_data / "polis"))
    at = open_page(c="15-per-hour-seattle", lang="en")
    assert [i.value for i in at.info] == [
        "Comparing segments needs data on participants (gender, age, region): a vote-level "
        "bundle with a participants table provides it; this data (a Polis export) has none."]
    assert not at.get("plotly_chart")


def test_published_results_say_segments_need_participants(shared_data, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(shared_data / "makeorg-results"))
    at = open_page(c="bretagne-ecologique-durable")
    assert any("résultats publiés" in i.value for i in at.info)
    assert not at.get("plotly_chart")
