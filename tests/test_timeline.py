"""The timeline (SPEC section 3 "Timeline", section 6 `timeline`): local days, zero
days, votes without a time, weeks, segments, proposals per day, every real Polis
conversation against a count made here from its votes.csv, agreement and
composition over time, and the errors on consultation.json's timezone and
milestones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders import CONSULTATION, write_bundle, write_table

from analytics.consultations.open import open_source
from analytics.inputs.errors import InputError
from analytics.inputs.times import timezone_of
from analytics.metrics import timeline
from analytics.metrics.found_ideas.ideaset import IdeaSet
from analytics.metrics.segment import Segment
from analytics.metrics.stats import wilson_interval

VOTE_COLUMNS = ["proposal_id", "participant_id", "vote", "qualification", "voted_at"]
PROPOSALS = [{"proposal_id": "p1", "content": "Il faut A", "created_at": ""},
             {"proposal_id": "p2", "content": "Il faut B", "created_at": ""}]


def bundle(tmp_path, votes, *, proposals=PROPOSALS, participants=None, consultation=None,
           fmt="csv"):
    folder = write_bundle(tmp_path / "bundle", proposals=proposals, votes=[],
                          participants=participants, consultation=consultation, fmt=fmt)
    write_table(folder, "votes", votes, VOTE_COLUMNS, fmt=fmt)
    return folder


def vote(participant, when, proposal="p1", choice="agree"):
    return {"proposal_id": proposal, "participant_id": participant, "vote": choice,
            "qualification": "", "voted_at": when}


def by_date(rows):
    return {row["date"]: row for row in rows}


# -- days in the consultation's zone --------------------------------------------------------

def test_a_vote_at_2330_utc_on_21_march_counts_on_22_march_in_paris(tmp_path):
    folder = bundle(tmp_path, [
        vote("u1", "2022-03-21T23:30:00Z"),            # instant: 00:30 on 22 March in Paris
        vote("u2", "2022-03-21 23:30:00"),             # naive: already Paris time
        vote("u3", "2022-03-21T22:59:59+00:00"),       # 23:59:59 in Paris, still the 21st
        vote("u4", "2022-03-22T01:10:00+02:00"),       # 00:10 in Paris on the 22nd
    ])
    results = open_source(folder).results()
    assert results["consultation"]["timezone"] == "Europe/Paris"
    assert results["timeline"] == [
        {"date": "2022-03-21", "votes": 2, "new_participants": 2, "proposals": 0,
         "cumulative_votes": 2, "cumulative_participants": 2},
        {"date": "2022-03-22", "votes": 2, "new_participants": 2, "proposals": 0,
         "cumulative_votes": 4, "cumulative_participants": 4},
    ]
    assert not [n for n in results["notes"] if n["code"].startswith(("no_timeline",
                                                                     "timeline"))]


def test_the_zone_of_consultation_json_and_the_default_outside_france(tmp_path):
    votes = [vote("u1", "2022-03-21T23:30:00Z"), vote("u2", "2022-03-22T03:30:00Z")]
    new_york = bundle(tmp_path / "ny", votes, consultation={**CONSULTATION,
                                                            "timezone": "America/New_York"})
    rows = open_source(new_york).results()["timeline"]
    assert [(r["date"], r["votes"]) for r in rows] == [("2022-03-21", 2)]   # 19:30, 23:30 EDT
    utc = bundle(tmp_path / "de", votes, consultation={**CONSULTATION, "country": "DE"})
    results = open_source(utc).results()
    assert results["consultation"]["timezone"] == "UTC"
    assert [row["votes"] for row in results["timeline"]] == [1, 1]
    assert timezone_of({"country": "FR"}) == "Europe/Paris"
    assert timezone_of({}) == "Europe/Paris"                   # SPEC default FR
    assert timezone_of({"country": None}) == "UTC"             # Polis
    assert timezone_of({"country": "FR", "timezone": "Asia/Tokyo"}) == "Asia/Tokyo"


def test_parquet_timestamps_instants_converted_wall_clock_times_local(tmp_path):
    folder = write_bundle(tmp_path / "bundle", proposals=PROPOSALS, votes=[], fmt="parquet")
    instant, wall = datetime(2022, 3, 21, 23, 30, tzinfo=UTC), datetime(2022, 3, 21, 23, 30)
    for name, times in (("instants", pa.array([instant] * 2, pa.timestamp("us", "UTC"))),
                        ("instants", pa.array([instant] * 2, pa.timestamp("ns", "UTC"))),
                        ("walls", pa.array([wall] * 2, pa.timestamp("ns"))),
                        ("walls", pa.array([wall] * 2, pa.timestamp("s"))),
                        ("text", pa.array(["2022-03-21T23:30:00Z", "2022-03-21 23:30"]))):
        pq.write_table(pa.table({"proposal_id": ["p1", "p2"], "participant_id": ["u1", "u1"],
                                 "vote": ["agree", "disagree"], "voted_at": times}),
                       folder / "votes.parquet")
        rows = open_source(folder).results()["timeline"]
        expected = {"instants": [("2022-03-22", 2, 1)], "walls": [("2022-03-21", 2, 1)],
                    "text": [("2022-03-21", 1, 1), ("2022-03-22", 1, 0)]}[name]
        assert [(r["date"], r["votes"], r["new_participants"]) for r in rows] == expected, \
            (name, times.type)


# -- zero days, votes without a time, proposals ---------------------------------------------

def test_days_without_activity_are_zeros_and_participants_are_new_once(tmp_path):
    folder = bundle(tmp_path, [
        vote("u1", "2022-04-01 09:00"), vote("u1", "2022-04-04 09:00", "p2"),
        vote("u2", "2022-04-04 10:00"), vote("u3", "2022-04-04 11:00", "p2"),
    ])
    rows = open_source(folder).results()["timeline"]
    assert [r["date"] for r in rows] == ["2022-04-01", "2022-04-02", "2022-04-03",
                                         "2022-04-04"]
    assert [r["votes"] for r in rows] == [1, 0, 0, 3]
    assert [r["new_participants"] for r in rows] == [1, 0, 0, 2]      # u1 came back
    assert [r["cumulative_votes"] for r in rows] == [1, 1, 1, 4]
    assert [r["cumulative_participants"] for r in rows] == [1, 1, 1, 3]


def test_without_voted_at_the_timeline_is_empty_and_a_note_names_the_column(tmp_path):
    without = write_bundle(tmp_path / "without", proposals=PROPOSALS,
                           votes=[vote("u1", None), vote("u2", None)])     # no column
    empty = bundle(tmp_path / "empty", [vote("u1", ""), vote("u2", "")])
    for folder in (without, empty):
        results = open_source(folder).results()
        assert results["timeline"] == []
        notes = {n["code"]: n for n in results["notes"]}
        assert notes["no_timeline"]["column"] == "votes.voted_at"
        assert "add a voted_at column to votes" in notes["no_timeline"]["message"]
        assert "timeline_partial" not in notes
        source = open_source(folder)
        assert timeline.timeline_frame(source).empty
        assert list(timeline.timeline_frame(source).columns) == ["period", *timeline.COLUMNS]
        assert timeline.agreement_over_time(source, proposal_ids=["p1"]).empty


def test_partial_voted_at_counts_in_totals_not_in_the_timeline(tmp_path):
    folder = bundle(tmp_path, [vote("u1", "2022-04-01 09:00"), vote("u2", ""),
                               vote("u2", "2022-04-02 09:00", "p2"), vote("u3", "")])
    results = open_source(folder).results()
    assert results["key_figures"]["votes"] == 4
    assert results["timeline"][-1]["cumulative_votes"] == 2
    assert results["timeline"][-1]["cumulative_participants"] == 2      # u3 has no time
    note = next(n for n in results["notes"] if n["code"] == "timeline_partial")
    assert (note["timed_votes"], note["votes"], note["untimed_votes"]) == (2, 4, 2)
    assert note["message"].startswith("The timeline covers 2 of 4 votes: 2 vote(s) have no "
                                      "voted_at, so cumulative votes end at 2")


def test_proposals_per_day_in_local_days_those_outside_on_the_first_or_last_day(tmp_path):
    proposals = [
        {"proposal_id": "p1", "content": "A", "created_at": "2022-03-01"},        # before
        {"proposal_id": "p2", "content": "B", "created_at": "2022-03-21T23:30:00Z"},
        {"proposal_id": "p3", "content": "C", "created_at": "2022-03-21 23:30:00"},
        {"proposal_id": "p4", "content": "D", "created_at": ""},                 # no date
        {"proposal_id": "p5", "content": "E", "created_at": "2022-04-30 12:00"},  # after
    ]
    folder = bundle(tmp_path, [vote("u1", "2022-03-20 12:00"), vote("u2", "2022-03-23 12:00")],
                    proposals=proposals)
    rows = open_source(folder).results()["timeline"]
    assert [(r["date"], r["proposals"]) for r in rows] == [
        ("2022-03-20", 1), ("2022-03-21", 1), ("2022-03-22", 1), ("2022-03-23", 1)]
    assert sum(r["proposals"] for r in rows) == 4          # every proposal with a date


# -- periods, target, segments --------------------------------------------------------------

def test_a_long_consultation_is_shown_by_week(tmp_path):
    start = date(2022, 1, 3)                                 # a Monday
    votes = [vote(f"u{i}", (start + timedelta(days=3 * i)).isoformat() + " 12:00",
                  choice="agree" if i % 3 else "disagree") for i in range(60)]   # 178 days
    source = open_source(bundle(tmp_path, votes))
    days = timeline.timeline_frame(source)
    assert len(days) == 178 and days["votes"].sum() == 60
    first, last = days["period"].iloc[0].date(), days["period"].iloc[-1].date()
    assert timeline.default_frequency(first, last) == "week"
    assert timeline.default_frequency(date(2022, 3, 22), date(2022, 5, 22)) == "day"
    assert timeline.default_frequency(date(2022, 1, 1), date(2022, 4, 30)) == "day"   # 120
    assert timeline.default_frequency(date(2022, 1, 1), date(2022, 5, 1)) == "week"   # 121
    weeks = timeline.timeline_frame(source, frequency="week")
    assert len(weeks) == 26
    assert (weeks["period"].dt.day_of_week == 0).all()
    assert weeks["period"].iloc[0] == pd.Timestamp("2022-01-03")
    # days 0, 3, 6 in the first week; 9, 12 in the second...
    assert weeks["votes"].tolist()[:3] == [3, 2, 2]
    assert weeks["cumulative_votes"].iloc[-1] == 60
    assert weeks["cumulative_participants"].tolist() == weeks["votes"].cumsum().tolist()
    with pytest.raises(ValueError, match="frequency must be one of day, week"):
        timeline.timeline_frame(source, frequency="month")


def test_target_day_is_the_first_day_cumulative_votes_reach_it(tmp_path):
    rows = [{"date": "2022-03-22", "cumulative_votes": 40},
            {"date": "2022-03-23", "cumulative_votes": 100},
            {"date": "2022-03-24", "cumulative_votes": 150}]
    assert timeline.target_day(rows, 100) == date(2022, 3, 23)
    assert timeline.target_day(rows, 41) == date(2022, 3, 23)
    assert timeline.target_day(rows, 151) is None
    assert timeline.target_day(rows, None) is None
    frame = pd.DataFrame({"period": pd.to_datetime([r["date"] for r in rows]),
                          "cumulative_votes": [r["cumulative_votes"] for r in rows]})
    assert timeline.target_day(frame, 150) == date(2022, 3, 24)


PEOPLE = [{"participant_id": f"u{i}", "gender": "female" if i < 12 else "male",
           "age": "30" if i % 2 else "70", "region_code": "11" if i < 18 else "84"}
          for i in range(24)]


def _segment_votes():
    """u0-u11 female, u12-u23 male; day 1: u0-u15 on p1, day 2: u4-u23 on p2."""
    votes = [vote(f"u{i}", "2022-04-01 10:00", "p1", "agree" if i % 4 else "disagree")
             for i in range(16)]
    votes += [vote(f"u{i}", "2022-04-02 10:00", "p2", "agree" if i < 10 else "neutral")
              for i in range(4, 24)]
    return votes


def test_the_segment_of_the_options_applies_to_the_timeline(tmp_path):
    source = open_source(bundle(tmp_path, _segment_votes(), participants=PEOPLE))
    female = source.results(source_options(Segment(gender="female")))
    assert [(r["votes"], r["new_participants"]) for r in female["timeline"]] == \
        [(12, 12), (8, 0)]                       # u4-u11 came back on the second day
    male = timeline.timeline_frame(source, Segment(gender="male"))
    assert male["votes"].tolist() == [4, 12] and male["new_participants"].tolist() == [4, 8]
    everyone = source.results()["timeline"]
    assert [r["votes"] for r in everyone] == [16, 20]
    assert [r["new_participants"] for r in everyone] == [16, 8]
    too_small = source.results(source_options(Segment(gender="other")))
    assert too_small["timeline"] == []


def source_options(segment):
    from analytics.metrics.engine import Options

    return Options(segment=segment)


# -- did the result hold? -------------------------------------------------------------------

def test_agreement_over_time_against_hand_counts(tmp_path):
    source = open_source(bundle(tmp_path, _segment_votes(), participants=PEOPLE))
    frame = timeline.agreement_over_time(source, proposal_ids=["p1", "p2"])
    # Day 1: 16 votes on p1, agree unless i % 4 == 0 (u0, u4, u8, u12): 12.
    # Day 2: 20 votes on p2, agree for u4-u9: 6. Distinct voters: 16, then 24.
    assert frame["votes"].tolist() == [16, 20] and frame["agree"].tolist() == [12, 6]
    assert frame["cumulative_votes"].tolist() == [16, 36]
    assert frame["cumulative_agree"].tolist() == [12, 18]
    assert frame["voters"].tolist() == [16, 24]
    assert frame["agreement"].tolist() == [75.0, 50.0]
    lower, upper = wilson_interval(np.array([12, 18]), np.array([16, 36]))
    assert np.allclose(frame["lower"], 100 * lower) and np.allclose(frame["upper"], 100 * upper)
    # The female segment on p2: u4-u11, 8 voters (< 10): counted, agreement hidden.
    female = timeline.agreement_over_time(source, proposal_ids=["p2"],
                                          segment=Segment(gender="female"))
    assert female["votes"].tolist() == [8] and female["agree"].tolist() == [6]
    assert female[["agreement", "lower", "upper"]].isna().all(axis=None)


def test_agreement_over_time_of_an_idea_given_and_found(tmp_path):
    proposals = [{"proposal_id": "p1", "content": "A", "idea_id": "i1"},
                 {"proposal_id": "p2", "content": "B", "idea_id": "i2"}]
    folder = write_bundle(tmp_path / "bundle", proposals=proposals, votes=[],
                          ideas=[{"idea_id": "i1", "name": "Un", "axis": ""},
                                 {"idea_id": "i2", "name": "Deux", "axis": ""}])
    write_table(folder, "votes", _segment_votes(), VOTE_COLUMNS)
    source = open_source(folder)
    idea = timeline.agreement_over_time(source, idea_id="i2")
    assert idea["period"].tolist() == [pd.Timestamp("2022-04-02")]
    assert (idea["votes"].tolist(), idea["agree"].tolist()) == ([20], [6])
    assert idea["agreement"].tolist() == [30.0]
    # Ideas found in the texts (here: set by hand) replace the given ones: f1 holds both.
    found = IdeaSet(
        ideas=pd.DataFrame({"idea_id": ["f1"], "name": ["Tout"], "axis": [""],
                            "keywords": [[]], "examples": [["p1"]]}),
        assignments=pd.DataFrame({"proposal_id": ["p1", "p2"], "idea_id": ["f1", "f1"],
                                  "similarity": [1.0, 1.0]}))
    pooled = timeline.agreement_over_time(source, idea_id="f1", idea_set=found)
    expected = timeline.agreement_over_time(source, proposal_ids=["p1", "p2"])
    pd.testing.assert_frame_equal(pooled, expected)
    assert pooled["cumulative_votes"].tolist() == [16, 36]
    assert timeline.agreement_over_time(source, idea_id="i1")["votes"].tolist() == [16]
    with pytest.raises(ValueError, match="give proposal_ids or idea_id"):
        timeline.agreement_over_time(source)


def test_composition_over_time_with_the_privacy_floor(tmp_path):
    source = open_source(bundle(tmp_path, _segment_votes(), participants=PEOPLE))
    gender = timeline.composition_over_time(source, "gender")
    cells = {(row.period.strftime("%m-%d"), row.label): row for row in gender.itertuples()}
    # Day 1: 12 female votes (12 voters), 4 male (4 voters: hidden); day 2: 8 female
    # (8: hidden), 12 male. Shares are of each day's votes with a known gender.
    assert cells["04-01", "female"].votes == 12 and cells["04-01", "female"].share == 75.0
    assert np.isnan(cells["04-01", "male"].votes) and np.isnan(cells["04-01", "male"].share)
    assert np.isnan(cells["04-02", "female"].share)
    assert cells["04-02", "male"].share == 60.0 and cells["04-02", "male"].participants == 12
    assert gender["label"].tolist() == ["female", "male", "female", "male"]   # SPEC order
    weekly = timeline.composition_over_time(source, "gender", frequency="week")
    # One week: female u0-u11 (12 voters, 20 votes), male u12-u23 (12 voters, 16 votes).
    assert weekly["votes"].tolist() == [20, 16]
    assert weekly["share"].tolist() == pytest.approx([100 * 20 / 36, 100 * 16 / 36])
    region = timeline.composition_over_time(source, "region", frequency="week")
    assert region["label"].tolist() == ["11", "84"]
    assert region["name"].tolist()[0] == "Île-de-France"
    assert np.isnan(region["votes"].iloc[1])                    # 6 voters in 84
    ages = timeline.composition_over_time(source, "age_band", frequency="week")
    assert ages["label"].tolist() == ["25-34", "65+"]
    with pytest.raises(ValueError, match="dimension must be one of"):
        timeline.composition_over_time(source, "department")


# -- consultation.json ----------------------------------------------------------------------

def test_milestones_and_dates_reach_the_results(tmp_path):
    consultation = {**CONSULTATION, "start_date": "2022-03-22", "end_date": "2022-05-22",
                    "timezone": "Europe/Paris",
                    "milestones": [{"date": "2022-04-15", "label": "Relance presse"},
                                   {"date": "2022-03-22", "label": "Lancement"}]}
    source = open_source(bundle(tmp_path, [vote("u1", "2022-03-22 10:00")],
                                consultation=consultation))
    results = source.results()
    assert results["consultation"]["milestones"] == consultation["milestones"]
    assert results["consultation"]["start_date"] == "2022-03-22"
    assert timeline.milestones(source.meta) == [
        {"date": date(2022, 3, 22), "label": "Lancement"},
        {"date": date(2022, 4, 15), "label": "Relance presse"}]
    assert timeline.consultation_dates(source.meta) == {"start": date(2022, 3, 22),
                                                        "end": date(2022, 5, 22)}
    assert timeline.milestones({}) == []


@pytest.mark.parametrize("key, value, message", [
    ("timezone", "Europe/Pariss", 'consultation.json, column timezone: unknown time zone '
     '(expected an IANA time zone name such as Europe/Paris or UTC; found \'"Europe/Pariss"\')'),
    ("timezone", 2, "consultation.json, column timezone: unknown time zone"),
    ("milestones", {"date": "2022-04-01"}, "consultation.json, column milestones: "
     "milestones is not a list"),
    ("milestones", [{"date": "2022-04-01", "label": "ok"}, {"date": "1 avril", "label": "x"}],
     "consultation.json, column milestones[1].date: the milestone's date is not an ISO date "
     "(expected YYYY-MM-DD; found '\"1 avril\"')"),
    ("milestones", [{"date": "2022-04-01", "label": " "}],
     "consultation.json, column milestones[0].label: the milestone has no label"),
    ("milestones", ["2022-04-01"], "consultation.json, column milestones[0]: a milestone is "
     "not an object"),
])
def test_bad_timezone_or_milestones_are_input_errors(tmp_path, key, value, message):
    folder = bundle(tmp_path, [vote("u1", "2022-03-22 10:00")],
                    consultation={**CONSULTATION, key: value})
    with pytest.raises(InputError) as caught:
        open_source(folder)
    assert message in str(caught.value)
    if key == "milestones":
        with pytest.raises(InputError, match="milestone"):
            timeline.milestones({key: value})


# -- Polis ----------------------------------------------------------------------------------

def polis_count(folder) -> pd.DataFrame:
    """The SPEC timeline of a Polis export counted here with pandas from its files: the
    latest vote per voter and comment (ties: the later row), comments not moderated out,
    UTC days."""
    votes = pd.read_csv(folder / "votes.csv", dtype={"comment-id": str, "voter-id": str})
    comments = pd.read_csv(folder / "comments.csv", dtype={"comment-id": str})
    votes["row"] = range(len(votes))
    latest = (votes.sort_values(["timestamp", "row"])
              .drop_duplicates(["comment-id", "voter-id"], keep="last"))
    moderated = comments["moderated"].fillna(0) if "moderated" in comments.columns else 0
    kept = set(comments.loc[moderated != -1, "comment-id"])
    latest = latest[latest["comment-id"].isin(kept)]
    latest["day"] = pd.to_datetime(latest["timestamp"], unit="ms").dt.normalize()
    days = pd.date_range(latest["day"].min(), latest["day"].max(), freq="D")
    frame = pd.DataFrame(index=days)
    frame["votes"] = latest.groupby("day").size()
    frame["new_participants"] = latest.groupby("voter-id")["day"].min().value_counts()
    created = pd.to_datetime(comments.loc[comments["comment-id"].isin(kept), "timestamp"],
                             unit="ms").dt.normalize().clip(days[0], days[-1])
    frame["proposals"] = created.value_counts()
    frame = frame.fillna(0).astype("int64")
    frame["cumulative_votes"] = frame["votes"].cumsum()
    frame["cumulative_participants"] = frame["new_participants"].cumsum()
    return frame


def test_every_polis_conversation_equals_a_count_from_its_votes_csv(shared_data):
    folders = sorted(p for p in (shared_data / "polis").iterdir() if (p / "votes.csv").is_file())
    assert folders
    for folder in folders:
        results = open_source(folder).results(source_ideas_none())
        expected = polis_count(folder)
        rows = results["timeline"]
        assert [r["date"] for r in rows] == expected.index.strftime("%Y-%m-%d").tolist(), \
            folder.name
        for column in timeline.COLUMNS:
            assert [r[column] for r in rows] == expected[column].tolist(), \
                (folder.name, column)
        assert rows[-1]["cumulative_votes"] == results["key_figures"]["votes"], folder.name
        assert rows[-1]["cumulative_participants"] == results["key_figures"]["participants"]
        assert results["consultation"]["timezone"] == "UTC"


def source_ideas_none():
    from analytics.metrics.engine import Options

    return Options(ideas="none")


def test_the_results_json_carries_the_timeline(tmp_path, capsys):
    from analytics import cli

    folder = bundle(tmp_path, [vote("u1", "2022-03-22T10:00:00+01:00"), vote("u2", "")])
    assert cli.main(["results", str(folder), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["timeline"] == [{"date": "2022-03-22", "votes": 1, "new_participants": 1,
                                 "proposals": 0, "cumulative_votes": 1,
                                 "cumulative_participants": 1}]
    assert data["consultation"]["timezone"] == "Europe/Paris"
    assert any(n["code"] == "timeline_partial" for n in data["notes"])
