"""Make.org's proposal-level export: the real 18,690 proposals, the plébiscite
rule against a count made here, validation messages, and the same indicators
computed for vote-level data."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from builders import votes_for, write_bundle

from analytics.consultations import opendata
from analytics.consultations.open import open_source
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options

ROOT = Path(__file__).resolve().parent.parent
HEADER = "proposition,auteur,age,votes,adhesion,engagement,score\n"


def export(shared_data) -> Path:
    return shared_data / "makeorg-open-data" / "mondedapres_2020_05_28.csv"


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real(shared_data):
    path = export(shared_data)
    # ideas "given": the export has none of its own (found ones: test_found_ideas_engine.py)
    return rows_of(path), open_source(path).results(Options(ideas="given"))


def test_real_export_has_every_proposal(real):
    rows, results = real
    assert len(rows) == 18690
    proposals = results["proposals"]
    assert len(proposals) == 18690
    assert results["key_figures"] == {"participants": None, "proposals": 18690,
                                      "votes": sum(int(r["votes"]) for r in rows),
                                      "votes_target": None}
    for row, proposal in zip(rows, proposals, strict=True):
        assert proposal["content"] == row["proposition"].strip()
        assert proposal["author"] == (row["auteur"].strip() or None)
        assert proposal["author_age"] == (int(float(row["age"])) if row["age"] else None)
        assert proposal["votes"] == int(row["votes"])
        assert proposal["adhesion"] == float(row["adhesion"])
        assert proposal["engagement"] == float(row["engagement"])
        assert proposal["score"] == float(row["score"])
        assert proposal["shares"]["agree"] == pytest.approx(100 * float(row["adhesion"]))
        assert proposal["shares"]["disagree"] is None and proposal["zone"] is None
    assert results["top_ideas"] == [] and results["participation"]["gender"] == []
    codes = [note["code"] for note in results["notes"]]
    assert codes[:2] == ["opendata", "no_ideas"]
    assert results["consultation"]["language"] == "fr"


def test_plebiscites_by_the_notes_rule(real):
    rows, results = real

    def direct(min_votes, min_adhesion, min_engagement, tolerance=1e-9):
        return sorted(i + 2 for i, r in enumerate(rows)
                      if int(r["votes"]) >= min_votes
                      and float(r["adhesion"]) >= min_adhesion / 100 - tolerance
                      and float(r["engagement"]) >= min_engagement / 100 - tolerance)

    chosen = opendata.plebiscites(results["proposals"])
    assert len(chosen) == len(direct(90, 80, 37)) == len(direct(90, 80, 37, 0)) == 2248
    assert sorted(int(p["id"]) for p in chosen) == direct(90, 80, 37)
    scores = [p["score"] for p in chosen]
    assert scores == sorted(scores, reverse=True)
    stricter = opendata.plebiscites(results["proposals"], min_votes=500, min_adhesion=90,
                                    min_engagement=50)
    assert sorted(int(p["id"]) for p in stricter) == direct(500, 90, 50)
    # 50 % engagement is written 0.4999999999999994 in one row: it meets a 50 % threshold.
    half = opendata.plebiscites(results["proposals"], min_votes=500, min_adhesion=80,
                                min_engagement=50)
    assert len(half) == len(direct(500, 80, 50)) == len(direct(500, 80, 50, 0)) + 1
    # Engagement can be negative in this file.
    assert min(p["engagement"] for p in results["proposals"]) < 0


def test_cli_on_the_real_export(shared_data):
    run = subprocess.run([sys.executable, "-m", "analytics", "validate",
                          str(export(shared_data))], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "valid opendata" in run.stdout


def write(tmp_path, text, name="export.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_export(tmp_path):
    path = write(tmp_path, HEADER + "Il faut A,Léa,,100,0.9,0.4,1.3\n"
                                    "\"Il faut B, vite\",Marc,34,50,0.5,-0.25,0.25\n")
    results = open_source(path).results()
    a, b = results["proposals"]
    assert (a["id"], a["author_age"], a["shares"]["agree"]) == ("2", None, 90.0)
    assert (b["id"], b["content"], b["author_age"], b["engagement"]) == \
        ("3", "Il faut B, vite", 34, -0.25)
    assert results["key_figures"]["votes"] == 150
    assert [p["id"] for p in opendata.plebiscites(results["proposals"])] == ["2"]
    assert opendata.plebiscites(results["proposals"], min_engagement=41) == []


def test_percent_scale_is_recognised(tmp_path):
    path = write(tmp_path, HEADER + "Il faut A,Léa,,100,90,40,130\n")
    source = open_source(path)
    proposal = source.results()["proposals"][0]
    assert (proposal["adhesion"], proposal["engagement"], proposal["score"]) == \
        (0.9, 0.4, 1.3)
    assert any("percentages" in w for w in source.warnings)


def test_intermediate_export_without_votes(tmp_path):
    path = write(tmp_path, "proposition,auteur,age\nIl faut A,Léa,19\n")
    results = open_source(path).results()
    assert results["key_figures"]["votes"] is None
    assert results["proposals"][0]["votes"] is None
    assert results["proposals"][0]["shares"] is None
    assert results["proposals"][0]["author_age"] == 19


def test_bad_rows_are_reported_like_the_bundle(tmp_path):
    path = write(tmp_path, HEADER + "Il faut A,Léa,,abc,0.9,0.4,1.3\n"
                                    ",Marc,7,10,1.5,x,0.2\n")
    with pytest.raises(InputError) as error:
        open_source(path)
    lines = error.value.report().splitlines()
    assert "export.csv, row 2, column votes: votes is not a count " \
           "(expected a whole number, 0 or more; found 'abc')" in lines
    assert "export.csv, row 3, column proposition: the proposal is empty " \
           "(expected the text of the proposal; found 'nothing')" in lines
    assert any(line.startswith("export.csv, row 3, column age: age is not a valid age")
               for line in lines)
    assert any(line.startswith("export.csv, row 3, column engagement: engagement is not a "
                               "number") for line in lines)


def test_structural_problems(tmp_path):
    with pytest.raises(InputError, match="required column is missing"):
        open_source(write(tmp_path, "texte_libre,votes\nx,1\n", "a.csv"))
    with pytest.raises(InputError, match="separated by ';'"):
        open_source(write(tmp_path, "proposition;votes\nx;1\n", "b.csv"))
    with pytest.raises(InputError, match="too many fields"):
        open_source(write(tmp_path, HEADER + "a,b,,1,0.5,0.1,0.6,extra\n", "c.csv"))


def test_english_column_names(tmp_path):
    path = write(tmp_path, "proposal,author,age,votes,adhesion,engagement,score\n"
                           "We should plant trees,Ann,30,120,0.85,0.4,1.25\n")
    proposal = open_source(path).results()["proposals"][0]
    assert (proposal["content"], proposal["author"], proposal["votes"]) == \
        ("We should plant trees", "Ann", 120)


# -- the same indicators for vote-level data ------------------------------------------------

def test_indicators_of_a_bundle(tmp_path):
    proposals = [{"proposal_id": "p1", "content": "Il faut planter des arbres",
                  "author_name": "Ana", "author_age": "30"},
                 {"proposal_id": "p2", "content": "Il faut fermer les écoles"}]
    votes = (votes_for("p1", {"agree/likeIt": 50, "agree/doable": 30, "agree": 12,
                              "disagree/noWay": 3, "neutral": 5})
             + votes_for("p2", {"agree": 10, "disagree/noWay": 60, "disagree": 30},
                         start=200))
    folder = write_bundle(tmp_path / "b", proposals=proposals, votes=votes)
    frame = opendata.indicators(open_source(folder).results()["proposals"]).set_index("id")
    # p1: n = 100; adhesion 92 %; engagement = 50 + 30 - 3 - 0 - 0 = 77 %.
    assert frame.loc["p1", "adhesion"] == pytest.approx(92.0)
    assert frame.loc["p1", "engagement"] == pytest.approx(77.0)
    assert frame.loc["p2", "engagement"] == pytest.approx(-60.0)
    assert frame.loc["p1", "author_age"] == 30
    results = open_source(folder).results()
    chosen = opendata.plebiscites(results["proposals"])
    assert [p["id"] for p in chosen] == ["p1"]
    assert opendata.plebiscites(results["proposals"], min_votes=101) == []
    top = next(p for p in results["proposals"] if p["id"] == "p1")["top_score"]["lower"]
    assert frame.loc["p1", "score"] == pytest.approx(top)


# -- search and bins ------------------------------------------------------------------------

def test_search_ignores_case_and_accents():
    import pandas as pd

    texts = pd.Series(["Il faut développer le vélo", "ÉCOLOGIE et Vélo électrique",
                       "Il faut des transports", None])
    assert opendata.search(texts, "velo").tolist() == [True, True, False, False]
    assert opendata.search(texts, "vélo ecologie").tolist() == [False, True, False, False]
    assert opendata.search(texts, '"le velo"').tolist() == [True, False, False, False]
    assert opendata.search(texts, "  ").tolist() == [True, True, True, True]


def test_bins():
    bins = opendata.binned([0, 4.9, 5, 99, 100], 25, start=0, stop=100)
    assert bins["count"].tolist() == [3, 0, 0, 2]
    bins = opendata.binned([10, 20, 30, 1000], 10, start=10, cap=30)
    assert bins["count"].tolist() == [1, 1, 2]
    assert bins["end"].isna().tolist() == [False, False, True]
    assert opendata.nice_step(3772, 30) == 200
