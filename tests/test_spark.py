"""The Spark engine gives the results of the default (DuckDB) engine: the same JSON
on a small bundle with ideas, participants, tags and qualifications, as CSV and as
Parquet, for everyone, segments and weighting; the same validation messages.

Runs PySpark in local mode (one session for the whole test run); skipped only
when PySpark or Java is missing."""

from __future__ import annotations

import json
import math
import os
import shutil
import tomllib
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders import write_bundle, write_table

from analytics import cli
from analytics import spark as spark_engine
from analytics.consultations.open import open_source
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment

# PySpark's own warnings about pandas 3 (its conversions are what these tests check).
pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

# -- the bundle -----------------------------------------------------------------------------
# 40 participants; codes with spaces around them (a no-break space too: DuckDB's TRIM
# removes it, Spark's does not unless told), région codes to normalise ('1', '971' ->
# '01'), ages in every band and age_band labels given instead of ages; a voter (u99)
# missing from participants; proposals in an order that is not their ids' order, one
# with a quoted newline, one without votes; an idea without proposals.
REGIONS = ["11", "84", " 1", "971", "11\u00a0", "93"]
DEPARTMENTS = ["75", "69", "2a", "971", "", " 13 "]
PARTICIPANTS = [
    {"participant_id": f"u{i}",
     "gender": "" if i == 38 else "female" if i % 2 == 0 else "male" if i % 10 != 9 else "other",
     "age": "" if i % 11 == 0 else str(14 + (i * 7) % 60),
     "age_band": "25-34" if i % 11 == 0 else "",
     "region_code": REGIONS[i % 6], "department_code": DEPARTMENTS[i % 6]}
    for i in range(40)
]
PROPOSALS = [
    {"proposal_id": "p10", "content": 'Il faut "aider", vraiment', "author_name": "Zoé",
     "author_age": "17", "idea_id": "i2", "tags": "theme:Emploi|acteur:Etat",
     "created_at": "2022-03-22 07:02:21"},
    {"proposal_id": "p2", "content": "Il faut A\nsur deux lignes", "author_name": "Bea",
     "author_age": "", "idea_id": "i1", "tags": " theme : Ecole ", "created_at": "2022-03-23"},
    {"proposal_id": "p1", "content": "Il faut B", "author_name": "Cid", "author_age": "44",
     "idea_id": "i1", "tags": "theme:Emploi", "created_at": ""},
    {"proposal_id": "p3", "content": "  Il faut C ", "author_name": " Ana ",
     "author_age": "30", "idea_id": "", "tags": "", "created_at": "2022-03-24T10:00:00"},
    {"proposal_id": "p4", "content": "Il faut D", "author_name": "Dan", "author_age": "65",
     "idea_id": "i3", "tags": "acteur:Région|theme:Santé", "created_at": ""},
    {"proposal_id": "p5", "content": "Il faut E", "author_name": "Eve", "author_age": "",
     "idea_id": "i1", "tags": "theme:Emploi", "created_at": ""},
]
IDEAS = [{"idea_id": "i2", "name": "Idée deux", "axis": "Axe B"},
         {"idea_id": "i1", "name": "Idée un", "axis": "Axe A"},
         {"idea_id": "i3", "name": "Idée trois", "axis": ""},
         {"idea_id": "i4", "name": "Idée quatre", "axis": "Axe B"}]
QUALIFICATIONS = {"agree": ["likeIt", "doable", "platitudeAgree"],
                  "disagree": ["noWay", "impossible", "platitudeDisagree"],
                  "neutral": ["doNotUnderstand", "noOpinion", "doNotCare"]}
# Per proposal: (upper bound of r for agree, for disagree; the rest neutral), r in 0..9.
PATTERNS = {"p10": (8, 9), "p2": (5, 10), "p1": (4, 7), "p3": (2, 5), "p4": (2, 9)}


def _vote(i: int, j: int, proposal: str) -> dict:
    r = (i * 7 + j * 3) % 10
    agree, disagree = PATTERNS[proposal]
    vote = "agree" if r < agree else "disagree" if r < disagree else "neutral"
    q = (i + j) % 4
    return {"proposal_id": proposal, "participant_id": f"u{i}", "vote": vote,
            "qualification": QUALIFICATIONS[vote][q] if q < 3 else ""}


VOTES = [_vote(i, j, p) for i in range(40) for j, p in enumerate(PATTERNS)
         if (i + 2 * j) % 5 != 0]
VOTES += [{"proposal_id": "p10", "participant_id": "u99", "vote": "agree",
           "qualification": "likeIt"},
          {"proposal_id": "p4", "participant_id": "u99", "vote": "disagree",
           "qualification": ""}]

OPTIONS = {
    "everyone": Options(min_votes=5, top=3),
    "female": Options(min_votes=5, top=3, segment=Segment(gender="female")),
    "region 11": Options(min_votes=0, top=10, segment=Segment(region="11")),
    "too small": Options(segment=Segment(gender="other")),
    "weighted": Options(min_votes=5, top=3, weighted=True),
}


# -- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def spark():
    try:
        spark_engine.require("local[2]")
    except spark_engine.SparkUnavailable as error:
        pytest.skip(f"Spark engine not testable here: {error}")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = spark_engine.session("local[2]", {"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark")
    return {fmt: write_bundle(root / fmt, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                              participants=PARTICIPANTS, fmt=fmt)
            for fmt in ("csv", "parquet")}


@pytest.fixture(scope="module")
def sources(spark, bundles):
    """Each bundle through DuckDB, and through Spark: validated by DuckDB (a local
    folder) and by Spark (the same folder as a file:// URI)."""
    opened = {}
    for fmt, folder in bundles.items():
        opened[fmt, "duckdb"] = open_source(folder)
        opened[fmt, "spark"] = spark_engine.open_spark(folder, spark)
        opened[fmt, "spark-validated"] = spark_engine.open_spark(folder.as_uri(), spark)
    yield opened
    for (_, engine), source in opened.items():
        if engine != "duckdb":
            source.close()


# -- comparison -----------------------------------------------------------------------------

def assert_same(expected, actual, path="$"):
    """Equal JSON values; floats equal to 1e-12 (Spark may sum weights in another order)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert list(expected) == list(actual), f"{path}: keys {list(expected)} != {list(actual)}"
        for key in expected:
            assert_same(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(expected) == len(actual), path
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            assert_same(a, b, f"{path}[{index}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float), f"{path}: {actual!r} is not a float"
        assert math.isclose(expected, actual, rel_tol=1e-12, abs_tol=1e-12), \
            f"{path}: {expected!r} != {actual!r}"
    else:
        assert type(expected) is type(actual) and expected == actual, \
            f"{path}: {expected!r} != {actual!r}"


def as_json(results: dict) -> dict:
    results = json.loads(json.dumps(results, ensure_ascii=False, allow_nan=False))
    if results.get("weighting"):
        results["weighting"].pop("seconds")          # time taken, not a result
    return results


# -- tests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("name", list(OPTIONS))
def test_spark_gives_the_results_of_duckdb(sources, fmt, name):
    expected = as_json(sources[fmt, "duckdb"].results(OPTIONS[name]))
    actual = as_json(sources[fmt, "spark"].results(OPTIONS[name]))
    assert_same(expected, actual)


def test_the_bundle_exercises_what_it_should(sources):
    """The comparison above is only worth what the bundle holds."""
    results = sources["csv", "duckdb"].results(OPTIONS["everyone"])
    assert [p["id"] for p in results["proposals"]] == ["p10", "p2", "p1", "p3", "p4", "p5"]
    assert results["proposals"][1]["content"] == "Il faut A\nsur deux lignes"
    assert [axis["name"] for axis in results["top_ideas"]] == ["Axe B", "Axe A", None]
    assert {p["zone"] for p in results["proposals"][:5]} == {
        "consensus", "controversy", "rejection", "limbo"}
    # '11' and '11\xa0' are one région; ' 1' and '971' are '01'; under 10: no figure.
    regions = {row["label"]: row["participants"] for row in results["participation"]["region"]}
    assert regions == {"01": 14, "11": 13, "84": None, "93": None}
    assert results["key_figures"] == {"participants": 41, "proposals": 6,
                                      "votes": len(VOTES), "votes_target": 1000}
    assert results["source"]["warnings"] == [
        "1 voter(s) are not in the participants table: they count as participants with "
        "unknown gender, age and region"]
    assert results["cartography"] and results["weighting"] is None
    weighted = sources["csv", "duckdb"].results(OPTIONS["weighted"])
    assert weighted["weighting"]["method"] == "raking"
    assert sources["csv", "duckdb"].results(OPTIONS["too small"])["suppressed"] is True
    female = sources["csv", "duckdb"].results(OPTIONS["female"])
    assert any(p.get("suppressed") for p in female["proposals"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_validated_by_spark_from_a_uri(sources, bundles, fmt):
    source = sources[fmt, "spark-validated"]
    assert source.describe()["path"] == bundles[fmt].as_uri()
    for name in ("everyone", "female", "weighted"):
        expected = as_json(sources[fmt, "duckdb"].results(OPTIONS[name]))
        actual = as_json(source.results(OPTIONS[name]))
        actual["source"]["path"] = expected["source"]["path"]
        assert_same(expected, actual)


def test_tables_as_folders_of_part_files(spark, sources, tmp_path):
    """On shared storage a table may be a folder of Parquet part files (as Spark
    writes them): read in the order of the parts' names."""
    folder = tmp_path / "parts"
    folder.mkdir()
    shutil.copy(sources["csv", "duckdb"].path / "consultation.json", folder)
    for name, rows, size in (("proposals", PROPOSALS, 3), ("votes", VOTES, 50)):
        (folder / f"{name}.parquet").mkdir()
        for part, start in enumerate(range(0, len(rows), size)):
            write_table(folder / f"{name}.parquet", f"part-{part:05d}", rows[start:start + size],
                        list(rows[0]), fmt="parquet")
    write_table(folder, "ideas", IDEAS, fmt="parquet")
    write_table(folder, "participants", PARTICIPANTS, fmt="parquet")
    assert len(list((folder / "votes.parquet").iterdir())) == 4
    source = spark_engine.open_spark(folder.as_uri(), spark)
    try:
        expected = as_json(sources["csv", "duckdb"].results(OPTIONS["everyone"]))
        actual = as_json(source.results(OPTIONS["everyone"]))
    finally:
        source.close()
    actual["source"]["path"] = expected["source"]["path"]
    assert_same(expected, actual)


TIMESTAMPS = [datetime(2022, 3, 22, 7, 2, 21, 500000), None,
              datetime(1969, 12, 31, 23, 59, 59, 1), datetime(2022, 7, 1, 12),
              datetime(2022, 3, 22, 7, 2, 21), datetime(2022, 3, 27, 1, 30)]


@pytest.mark.parametrize("unit, zone", [("us", "UTC"), ("ns", "UTC"), ("ns", None)])
def test_timestamps_in_parquet_read_as_duckdb_writes_them(spark, tmp_path, unit, zone):
    """created_at and voted_at as Parquet timestamps: instants (with a time zone) and
    wall-clock times, in nanoseconds as pandas writes them (Spark cannot read those as
    timestamps). created_at is text in the results, as DuckDB casts it."""
    folder = write_bundle(tmp_path / "bundle", proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                          participants=PARTICIPANTS, fmt="parquet")
    proposals = pq.read_table(folder / "proposals.parquet")
    proposals = proposals.set_column(proposals.schema.get_field_index("created_at"),
                                     "created_at", pa.array(TIMESTAMPS, pa.timestamp(unit, zone)))
    pq.write_table(proposals, folder / "proposals.parquet")
    votes = pq.read_table(folder / "votes.parquet")
    voted_at = [datetime(2022, 5, 1) + timedelta(seconds=1.5 * i) for i in range(len(votes))]
    pq.write_table(votes.append_column("voted_at", pa.array(voted_at, pa.timestamp("ns"))),
                   folder / "votes.parquet")
    expected = as_json(open_source(folder).results())
    source = spark_engine.open_spark(folder.as_uri(), spark)        # validated by Spark
    try:
        actual = as_json(source.results())
    finally:
        source.close()
    actual["source"]["path"] = expected["source"]["path"]
    assert expected["proposals"][0]["created_at"].startswith("2022-03-22 07:02:21.5")
    assert_same(expected, actual)


def test_spark_validation_reports_what_duckdb_reports(spark, tmp_path):
    proposals = [
        {"proposal_id": "p1", "content": "Il faut\nA", "author_age": "7", "idea_id": "i1",
         "tags": "theme", "created_at": "hier"},
        {"proposal_id": "p2", "content": "", "author_age": "30", "idea_id": "i9",
         "tags": "theme:Emploi", "created_at": "2022-03-22"},
        {"proposal_id": "p2", "content": "Il faut B", "author_age": "", "idea_id": "",
         "tags": "", "created_at": ""},
    ]
    participants = [{"participant_id": "u1", "gender": "Female", "age": "abc"},
                    {"participant_id": "u2", "gender": "male", "age": "30"}]
    votes = [
        {"proposal_id": "p1", "participant_id": "u1", "vote": "pour", "qualification": ""},
        {"proposal_id": "p1", "participant_id": "u2", "vote": "agree", "qualification": "noWay"},
        {"proposal_id": "p2", "participant_id": "u2", "vote": "agree", "qualification": "love"},
        {"proposal_id": "p1", "participant_id": "u2", "vote": "agree", "qualification": ""},
        {"proposal_id": "p7", "participant_id": "u2", "vote": "neutral", "qualification": ""},
    ]
    folder = write_bundle(tmp_path / "bad", proposals=proposals, votes=votes,
                          ideas=[{"idea_id": "i1", "name": "Idée", "axis": "A"}],
                          participants=participants)
    with pytest.raises(InputError) as duckdb_error:
        open_source(folder)
    with pytest.raises(InputError) as spark_error:
        spark_engine.open_spark(folder.as_uri(), spark)
    expected = [str(issue) for issue in duckdb_error.value.issues]
    assert len(expected) == 13             # every problem above, one issue each
    assert "votes.csv, row 3, column qualification: qualification does not match the vote " \
           "'agree' (expected empty or one of likeIt, doable, platitudeAgree for agree; " \
           "found 'agree / noWay')" in expected
    assert [str(issue) for issue in spark_error.value.issues] == expected


def test_the_command_line_gives_the_same_json(spark, bundles, capsys):
    path = str(bundles["parquet"])
    assert cli.main(["results", path, "--segment", "gender=female"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert cli.main(["results", path, "--segment", "gender=female", "--engine", "spark"]) == 0
    actual = json.loads(capsys.readouterr().out)
    assert expected["key_figures"]["participants"] == 19       # u38 has no gender
    assert_same(expected, actual)


def test_the_command_line_refuses_what_spark_does_not_read(spark, tmp_path, capsys):
    published = tmp_path / "results.json"
    published.write_text("{}", encoding="utf-8")
    assert cli.main(["results", str(published), "--engine", "spark"]) == 2
    assert "the Spark engine reads vote-level bundles only" in capsys.readouterr().err
    assert cli.main(["results", "s3a://bucket/consultation"]) == 2
    assert "need --engine spark" in capsys.readouterr().err


def test_without_pyspark_the_command_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "pyspark" else real(name, *args))
    assert cli.main(["results", str(tmp_path), "--engine", "spark"]) == 2
    assert "pip install 'consultation-dashboard[spark]'" in capsys.readouterr().err


def test_spark_is_an_optional_extra():
    with open(os.path.join(os.path.dirname(__file__), "..", "pyproject.toml"), "rb") as handle:
        project = tomllib.load(handle)["project"]
    assert not any(d.startswith("pyspark") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("pyspark") for d in extras["spark"])
    assert any(d.startswith("pyspark") for d in extras["test"])


# -- ideas found in the texts ---------------------------------------------------------------

def _found_set():
    import pandas as pd

    from analytics.metrics.found_ideas import IdeaSet

    ideas = pd.DataFrame({"idea_id": ["F1", "F2"], "name": ["Trouvée un", "Trouvée deux"],
                          "axis": ["Axe", "Axe"], "keywords": [["a"], ["b"]],
                          "examples": [["p10"], ["p3"]]})
    assignments = pd.DataFrame({"proposal_id": ["p10", "p2", "p1", "p3", "p4", "p5"],
                                "idea_id": pd.Series(["F1", "F1", "F1", "F2", "F2", None],
                                                     dtype=object),
                                "similarity": [0.9, 0.8, 0.7, 0.6, float("nan"), 0.1]})
    return IdeaSet(ideas, assignments, language="fr", method={"name": "hand-made"})


@pytest.mark.parametrize("name", ["everyone", "female", "weighted"])
def test_found_ideas_on_spark_give_the_results_of_duckdb(sources, name):
    """Found ideas replace the given ones on both engines alike, the privacy count of
    distinct voters per idea included (a temp view of the assignment on Spark)."""
    found = _found_set()
    options = OPTIONS[name]
    expected = as_json(sources["parquet", "duckdb"].results(options, idea_set=found))
    actual = as_json(sources["parquet", "spark"].results(options, idea_set=found))
    assert expected["ideas_source"] == "found" and sorted(expected["ranked_ideas"]) == [
        "F1", "F2"]
    assert_same(expected, actual)


def test_proposal_texts_on_spark(sources):
    duck = sources["csv", "duckdb"].proposal_texts()
    spark_texts = sources["csv", "spark"].proposal_texts()
    assert duck["proposal_id"].tolist() == ["p10", "p2", "p1", "p3", "p4", "p5"]
    assert spark_texts["proposal_id"].tolist() == duck["proposal_id"].tolist()
    assert spark_texts["content"].tolist() == duck["content"].tolist()
    assert spark_texts["votes"].tolist() == duck["votes"].tolist()
    assert duck["votes"].iloc[-1] == 0 and duck["votes"].sum() == len(VOTES)
