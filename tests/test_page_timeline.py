"""The Timeline page with AppTest: it renders in French and English on the demo, a
Polis conversation, a published results file (which says it has no dates) and a
small bundle whose every figure is counted by hand (votes, new participants,
proposals per day, the day the target was reached, the milestones, the agreement
of an idea, who voted under the privacy floor); the week switch; a segment filter;
a bundle without voted_at names the column."""

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from builders import write_table
from streamlit.testing.v1 import AppTest

from analytics.consultations.open import open_source
from analytics.metrics import timeline
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.present.charts import timeline as charts
from tests import apptest
from tests.apptest import charts_of, title_of, values

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/timeline.py"
DEMO = "solutions-jeunes"
SMALL = "chrono-test"


def open_page(**params) -> AppTest:
    return apptest.open_page(PAGE, **params)


def text_of(at) -> str:
    return apptest.text_of(at)


def chart(at, title: str) -> dict:
    return next(s for s in charts_of(at) if title in title_of(s))


def line(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


# -- the demo -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

    ensure_demo(DEFAULT_DEMO_DIR)
    return open_source(DEFAULT_DEMO_DIR).results()


def test_demo_in_french(demo):
    at = open_page(c=DEMO)
    assert at.title[0].value == "Chronologie"
    text = text_of(at)
    assert "Du 22 mars 2022 au 22 mai 2022" in text
    assert "fuseau horaire : Europe/Paris" in text
    specs = charts_of(at)
    assert len(specs) == 5         # cumulative, votes, proposals, agreement, who
    cumulative = chart(at, "Votes cumulés")
    votes = line(cumulative, "Votes cumulés")
    assert values(votes["y"])[-1] == demo["key_figures"]["votes"]
    # The target: a dashed line at 500 000 and a dot on the day it was reached.
    target = demo["key_figures"]["votes_target"]
    assert [s["y0"] for s in cumulative["layout"]["shapes"] if s["xref"] == "paper"] == [target]
    reached = timeline.target_day(demo["timeline"], target)
    dot = next(t for t in cumulative["data"] if t.get("mode") == "markers+text")
    assert dot["x"] == [reached.isoformat()]
    assert f"atteint le **{reached.day} mai 2022**" in text
    # Start, end and the demo's milestones marked as vertical lines.
    marks = {s["x0"] for s in cumulative["layout"]["shapes"] if s["yref"] == "paper"}
    milestones = {m["date"].isoformat() for m in timeline.milestones(demo["consultation"])}
    assert marks == {"2022-03-22", "2022-05-22"} | milestones
    # Did the result hold: the three top-ranked ideas by default.
    picked = at.multiselect[0].value
    assert picked == [f"idea:{i}" for i in demo["ranked_ideas"][:3]]
    agreement = chart(at, "Part « D'accord » cumulée")
    assert len([t for t in agreement["data"] if t.get("mode") == "lines"]) == 3


def test_demo_in_english_by_week(demo):
    at = open_page(c=DEMO, lang="en", freq="week")
    assert at.title[0].value == "Timeline"
    assert "time zone: Europe/Paris" in text_of(at)
    activity = chart(at, "Votes and new participants per week")
    bars = line(activity, "Votes")
    days = [date.fromisoformat(d) for d in bars["x"]]
    assert all(d.weekday() == 0 for d in days)          # the Monday of each week
    assert sum(values(bars["y"])) == demo["key_figures"]["votes"]
    assert "Proposals made per week" in [title_of(s) for s in charts_of(at)]


def test_week_switch_goes_into_the_link():
    at = open_page(c=DEMO)
    control = at.button_group[0] if hasattr(at, "button_group") else None
    assert control is not None
    control.set_value("week").run()
    assert not at.exception
    assert at.query_params.get("freq") == ["week"] or at.query_params.get("freq") == "week"
    assert any("par semaine" in title_of(s) for s in charts_of(at))


def test_segment_filter_applies():
    at = open_page(c=DEMO, gender="female")
    segment = open_source(ROOT / "data" / "consultations" / DEMO).results(
        Options(segment=Segment(gender="female")))
    cumulative = chart(at, "Votes cumulés")
    assert values(line(cumulative, "Votes cumulés")["y"])[-1] == \
        segment["key_figures"]["votes"]
    # The target is the whole consultation's: no target line, no dot, said in words.
    assert not [s for s in cumulative["layout"].get("shapes", []) if s["xref"] == "paper"]
    assert not [t for t in cumulative["data"] if t.get("mode") == "markers+text"]
    assert "pour l'ensemble des participants" in text_of(at)
    # Who voted, by gender: the filter leaves one group.
    assert "ne laisse qu'un groupe pour le genre" in text_of(at)


# -- a small bundle counted by hand ---------------------------------------------------------

def small_bundle(folder: Path, *, timed: bool = True) -> Path:
    """30 participants (u0-u14 women, u15-u29 men), 3 proposals, 50 votes over 3 days.
    Day 1: u0-u19 on p1 (u0-u14 agree, u15-u19 disagree): 20 votes, 20 new.
    Day 2: u0-u9 agree on p2, u20-u29 agree on p1: 20 votes, 10 new.
    Day 3: u10-u19 disagree on p2: 10 votes, 0 new."""
    folder.mkdir(parents=True)
    (folder / "consultation.json").write_text(json.dumps({
        "slug": SMALL, "title": "Chrono", "country": "FR", "language": "fr",
        "start_date": "2024-03-01", "end_date": "2024-03-04", "votes_target": 40,
        "milestones": [{"date": "2024-03-02", "label": "Relance par courriel"}]}),
        encoding="utf-8")
    write_table(folder, "ideas", [{"idea_id": "i1", "name": "Idée une", "axis": ""},
                                  {"idea_id": "i2", "name": "Idée deux", "axis": ""}])
    write_table(folder, "proposals", [
        {"proposal_id": "p1", "content": "Il faut planter des arbres", "idea_id": "i1",
         "created_at": "2024-03-01T09:00:00"},
        {"proposal_id": "p2", "content": "Il faut des pistes cyclables", "idea_id": "i2",
         "created_at": "2024-03-02T10:00:00"},
        # 23:30 UTC is 00:30 the next day in Paris
        {"proposal_id": "p3", "content": "Il faut ouvrir les cours", "idea_id": "",
         "created_at": "2024-03-02T23:30:00Z"}])
    write_table(folder, "participants", [
        {"participant_id": f"u{i}", "gender": "female" if i < 15 else "male", "age": 20,
         "region_code": "11"} for i in range(30)])
    votes = []

    def vote(day: int, proposal: str, people: range, choice: str) -> None:
        votes.extend({"proposal_id": proposal, "participant_id": f"u{i}", "vote": choice,
                      "voted_at": f"2024-03-0{day} 12:00:00"} for i in people)

    vote(1, "p1", range(0, 15), "agree")
    vote(1, "p1", range(15, 20), "disagree")
    vote(2, "p2", range(0, 10), "agree")
    vote(2, "p1", range(20, 30), "agree")
    vote(3, "p2", range(10, 20), "disagree")
    columns = ["proposal_id", "participant_id", "vote"] + (["voted_at"] if timed else [])
    write_table(folder, "votes", votes, columns)
    return folder


@pytest.fixture
def small(tmp_path, monkeypatch):
    small_bundle(tmp_path / "consultations" / SMALL)
    monkeypatch.setenv("CONSULTATIONS_PATH", str(tmp_path / "consultations"))


def test_small_bundle_counted_by_hand(small):
    at = open_page(c=SMALL)
    text = text_of(at)
    assert "objectif de 40 votes atteint le **2 mars 2024**" in text
    assert "Jalons : 2 mars 2024 : Relance par courriel" in text
    cumulative = chart(at, "Votes cumulés")
    assert cumulative["data"][0]["x"] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert values(line(cumulative, "Votes cumulés")["y"]) == [20, 40, 50]
    assert values(line(cumulative, "Participants cumulés")["y"]) == [20, 30, 30]
    dot = next(t for t in cumulative["data"] if t.get("mode") == "markers+text")
    assert dot["x"] == ["2024-03-02"] and values(dot["y"]) == [40]
    marks = {s["x0"]: s["line"]["dash"] for s in cumulative["layout"]["shapes"]
             if s["yref"] == "paper"}
    assert marks == {"2024-03-01": "dash", "2024-03-04": "dash", "2024-03-02": "dot"}
    labels = [a["text"] for a in cumulative["layout"]["annotations"]]
    assert {"Début", "Fin", "Relance par courriel"} <= set(labels)
    activity = chart(at, "Votes et nouveaux participants par jour")
    assert values(line(activity, "Votes")["y"]) == [20, 20, 10]
    assert values(line(activity, "Nouveaux participants")["y"]) == [20, 10, 0]
    # p3 was created at 00:30 on March 3rd, Paris time.
    assert values(chart(at, "Propositions déposées par jour")["data"][0]["y"]) == [1, 1, 1]
    # Idea 1 (p1): 15 agree of 20 on day 1, 25 of 30 on day 2 (its last vote).
    agreement = chart(at, "Part « D'accord » cumulée")
    first = next(t for t in agreement["data"] if t.get("mode") == "lines")
    assert first["name"] == "Idée une"
    assert first["x"] == ["2024-03-01", "2024-03-02"]
    assert values(first["y"]) == pytest.approx([75.0, 250 / 3])
    # Who voted: the 5 men of day 1 and both groups of day 3 are under 10 participants.
    who = chart(at, "Part des votes selon le genre")
    shown = {t["name"]: dict(zip(t["x"], values(t["y"]), strict=True)) for t in who["data"]}
    assert shown == {"Femmes": {"2024-03-01": 75.0, "2024-03-02": 50.0},
                     "Hommes": {"2024-03-02": 50.0}}
    assert "laissés de côté (vie privée)" in text
    table = next(frame.value for frame in at.dataframe if "Groupe" in frame.value)
    assert len(table) == 3 and table["Votes"].tolist() == [15, 10, 10]


def test_small_bundle_in_english_by_week(small):
    at = open_page(c=SMALL, lang="en", freq="week")
    activity = chart(at, "Votes and new participants per week")
    assert line(activity, "Votes")["x"] == ["2024-02-26"]       # the Monday of the week
    assert values(line(activity, "Votes")["y"]) == [50]
    assert "target of 40 votes reached on **March 2, 2024**" in text_of(at)


def test_picked_proposal_from_the_link(small):
    at = open_page(c=SMALL, hold="proposal:p2")
    assert at.multiselect[0].value == ["proposal:p2"]
    agreement = chart(at, "Part « D'accord » cumulée")
    lines = [t for t in agreement["data"] if t.get("mode") == "lines"]
    # p2: 10 agree on day 2, then 10 disagree on day 3 (day 1: no vote yet, left out).
    assert len(lines) == 1
    assert lines[0]["x"] == ["2024-03-02", "2024-03-03"]
    assert values(lines[0]["y"]) == pytest.approx([100.0, 50.0])


def test_bundle_without_voted_at_names_the_column(tmp_path, monkeypatch):
    small_bundle(tmp_path / "consultations" / SMALL, timed=False)
    monkeypatch.setenv("CONSULTATIONS_PATH", str(tmp_path / "consultations"))
    for lang, words in (("fr", "colonne voted_at du fichier votes"),
                        ("en", "the voted_at column of votes")):
        at = open_page(c=SMALL, lang=lang)
        assert words in text_of(at)
        assert charts_of(at) == []


# -- real inputs ----------------------------------------------------------------------------

def test_published_results_have_no_dates(shared_data, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    shutil.copy(shared_data / "makeorg-results" / "parole-aux-jeunes.json", folder)
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    for lang, words in (("fr", "Un fichier de résultats publiés ne donne pas de dates"),
                        ("en", "A published results file has no dates")):
        at = open_page(c="parole-aux-jeunes", lang=lang)
        assert words in text_of(at)
        assert charts_of(at) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_polis_conversation(shared_data, tmp_path, monkeypatch, lang):
    conversation = shared_data / "polis" / "brexit-consensus"
    if not conversation.is_dir():
        pytest.skip(f"{conversation} is absent")
    folder = tmp_path / "polis"
    shutil.copytree(conversation, folder / "brexit-consensus")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    results = open_source(folder / "brexit-consensus").results()
    at = open_page(c="brexit-consensus", lang=lang)
    text = text_of(at)
    if not results["timeline"]:
        assert "timestamp" in text
        return
    assert ("fuseau horaire : UTC" if lang == "fr" else "time zone: UTC") in text
    assert "CC BY 4.0" in text                     # the attribution Polis data asks for
    cumulative = charts_of(at)[0]
    assert values(cumulative["data"][0]["y"])[-1] == results["key_figures"]["votes"]
    # No participants table: who voted over time says so in one sentence.
    assert ("ne décrivent pas les participants" if lang == "fr"
            else "does not describe participants") in text


# -- the figures on their own ---------------------------------------------------------------

def test_periods_under_the_floor_are_left_out_of_the_agreement_chart():
    frame = pd.DataFrame({
        "period": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
        "votes": [5, 10, 10], "agree": [5, 5, 5], "cumulative_votes": [5, 15, 25],
        "cumulative_agree": [5, 10, 15], "agreement": [float("nan"), 66.7, 60.0],
        "lower": [float("nan"), 41.7, 40.7], "upper": [float("nan"), 84.8, 76.6]})
    fig, data = charts.agreement_chart([("Une idée", frame)], "en", "day")
    band, agreement = fig.data
    assert list(agreement.x) == ["2024-03-02", "2024-03-03"]
    assert list(band.y) == [84.8, 76.6, 40.7, 41.7]
    assert data["Period"].tolist() == ["2024-03-02", "2024-03-03"]
    assert list(fig.layout.yaxis.range) == [30.0, 90.0]


def test_marks_leave_out_unreadable_dates():
    marks = charts.date_marks("fr", start="2024-03-01", end=None,
                              milestones=[{"date": date(2024, 3, 5), "label": "Débat"},
                                          {"date": "pas une date", "label": "?"}])
    assert marks == [{"date": "2024-03-01", "label": "Début", "kind": "start"},
                     {"date": "2024-03-05", "label": "Débat", "kind": "milestone"}]


def test_a_milestone_on_the_start_or_end_day_names_that_line():
    marks = charts.date_marks("fr", start="2022-03-22", end="2022-05-22",
                              milestones=[{"date": "2022-03-22", "label": "Lancement"},
                                          {"date": "2022-05-03", "label": "Radio"}])
    assert sorted(marks, key=lambda m: m["date"]) == [
        {"date": "2022-03-22", "label": "Lancement", "kind": "start"},
        {"date": "2022-05-03", "label": "Radio", "kind": "milestone"},
        {"date": "2022-05-22", "label": "Fin", "kind": "end"}]


def test_charts_in_german():
    days = pd.DataFrame({"date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
                         "cumulative_votes": [1200, 2500],
                         "cumulative_participants": [300, 500]})
    marks = charts.date_marks("de", start="2024-03-01", end="2024-03-02")
    assert [m["label"] for m in marks] == ["Beginn", "Ende"]
    fig, data = charts.cumulative_chart(days, "de", target=2000, reached="2024-03-02",
                                        marks=marks)
    assert fig.layout.title.text == "Abgegebene Stimmen seit Beginn,<br>verglichen mit dem Ziel"
    assert [t.name for t in fig.data[:2]] == ["Stimmen kumuliert", "Teilnehmende kumuliert"]
    assert "Ziel: 2.000 Stimmen" in [a.text for a in fig.layout.annotations]
    assert fig.data[2].text == ("Ziel erreicht am 2. März 2024",)
    assert fig.layout.xaxis.tickformat == "%d.%m.%Y"             # 02.03.2024
    assert fig.layout.separators == ",."
    assert list(data.columns) == ["Datum", "Stimmen kumuliert", "Teilnehmende kumuliert"]
    assert charts.period_label("2024-03-04", "week", "de") == "Woche vom 4. März 2024"
    frame = pd.DataFrame({
        "period": pd.to_datetime(["2024-03-01", "2024-03-02"]), "votes": [10, 20],
        "agree": [5, 5], "cumulative_votes": [10, 30], "cumulative_agree": [5, 10],
        "agreement": [50.0, 33.3], "lower": [23.7, 19.2], "upper": [76.3, 51.2]})
    fig, data = charts.agreement_chart([("Eine Idee", frame)], "de", "week")
    assert fig.layout.title.text == ("Kumulierter Anteil „Ich stimme zu“<br>"
                                     "(95-%-Konfidenzintervall)")
    assert fig.layout.yaxis.ticksuffix == "\u00a0%"
    assert "95-%-KI: 23,7\u00a0% – 76,3\u00a0%" in fig.data[1].customdata[0]
    assert list(data.columns) == ["Element", "Zeitraum", "Stimmen kumuliert",
                                  "Ich stimme zu (kumuliert, %)", "Untere Grenze (%)",
                                  "Obere Grenze (%)"]
    shares = pd.DataFrame({"period": pd.to_datetime(["2024-03-01"] * 2),
                           "label": ["female", "male"], "votes": [12, 15],
                           "share": [44.4, 55.6]})
    fig, data = charts.composition_chart(shares, "gender", "de", "day")
    assert fig.layout.title.text == "Anteil der Stimmen nach Geschlecht, pro Tag"
    assert [t.name for t in fig.data] == ["Frauen", "Männer"]
    assert list(data.columns) == ["Zeitraum", "Gruppe", "Stimmen", "Anteil (%)"]


def test_demo_in_german(demo):
    at = open_page(c=DEMO, lang="de", freq="week")
    headers = [h.value for h in at.header]
    assert headers[:2] == ["Stimmen und Teilnehmende", "Vorschläge"]
    assert "Hat sich das Ergebnis gehalten?" in headers
    text = text_of(at)
    assert "**Vom 22. März 2022 bis 22. Mai 2022**" in text
    target = demo["key_figures"]["votes_target"]
    reached = timeline.target_day(demo["timeline"], target)
    assert f"Ziel von 500.000 Stimmen erreicht am **{reached.day}. Mai 2022**" in text
    assert "Zeitzone: Europe/Paris" in text
    titles = [title_of(s) for s in charts_of(at)]
    assert "Stimmen und neue Teilnehmende pro Woche" in titles
    assert "Anteil der Stimmen nach Geschlecht, pro Woche" in titles
