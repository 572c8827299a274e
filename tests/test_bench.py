"""The bench command and its pandas reference: same numbers as the engine, a table
printed. No timing is asserted here (speed goals live in the bench output)."""

import copy
import json
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders import votes_for, write_bundle

from analytics import cli
from analytics.bench import votes as bench
from analytics.bench.pandas_reference import reference_results
from analytics.consultations.open import open_source
from analytics.demo import generate
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A synthetic bundle as the bench builds them (Parquet votes and participants)."""
    return generate(tmp_path_factory.mktemp("bench") / "votes-20000", votes=20_000)


@pytest.mark.parametrize("materialize", [False, True])
def test_reference_gives_the_engines_numbers(generated, materialize):
    engine = open_source(generated, materialize=materialize).results()
    reference = reference_results(generated)
    assert bench.compare(engine, reference) == []
    assert reference["key_figures"]["votes"] == 20_000
    assert len(reference["proposals"]) == engine["key_figures"]["proposals"] > 50
    assert len(reference["controversials"]) == 10


PROPOSALS = [
    {"proposal_id": "pA", "content": "Il faut A", "idea_id": "i1", "tags": "theme:Emploi"},
    {"proposal_id": "pB", "content": "Il faut B", "idea_id": "i1", "tags": ""},
    {"proposal_id": "pC", "content": "Il faut C", "idea_id": "i2", "tags": "theme:Ecole"},
    {"proposal_id": "pD", "content": "Il faut D (no vote)", "idea_id": "", "tags": ""},
]
IDEAS = [{"idea_id": "i1", "name": "Un", "axis": "A"}, {"idea_id": "i2", "name": "Deux",
                                                        "axis": "B"},
         {"idea_id": "i3", "name": "Sans vote", "axis": "A"}]


def _participants(count: int) -> list[dict]:
    # Gender missing for some, age bands given for others, overseas and short région codes.
    return [{"participant_id": f"u{i}", "gender": ("female", "male", "")[i % 3],
             "age": "" if i % 4 == 0 else str(15 + i % 60),
             "age_band": "25-34" if i % 7 == 0 else "",
             "region_code": ("11", "971", "1", "84")[i % 4]} for i in range(count)]


def _hand_bundle(folder, fmt="csv"):
    votes = (votes_for("pA", {"agree/likeIt": 9, "agree": 5, "disagree/noWay": 4,
                              "neutral/noOpinion": 2})
             + votes_for("pB", {"agree/doable": 3, "disagree/impossible": 8, "disagree": 1,
                                "neutral": 1})
             + votes_for("pC", {"agree/platitudeAgree": 2, "disagree/platitudeDisagree": 2,
                                "neutral/doNotCare": 6}, start=5))
    # u60..u64 vote but are not in the participants table.
    votes += votes_for("pC", {"agree": 5}, start=60)
    return write_bundle(folder, proposals=PROPOSALS, votes=votes, ideas=IDEAS,
                        participants=_participants(40), fmt=fmt)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_reference_on_a_hand_made_bundle(tmp_path, fmt):
    folder = _hand_bundle(tmp_path / "b", fmt)
    engine = open_source(folder).results(Options(min_votes=1, top=3))
    reference = reference_results(folder, min_votes=1, top=3)
    assert bench.compare(engine, reference) == []
    assert reference["key_figures"] == {"participants": 25, "proposals": 4, "votes": 48}
    assert reference["ideas"]["idea_id"].tolist()[-1] == "i3"
    pd_row = reference["proposals"].set_index("proposal_id").loc["pD"]
    assert pd_row["votes"] == 0 and pd_row["zone"] == "controversy"


def test_compare_names_what_differs(generated):
    engine = open_source(generated, materialize=False).results()
    reference = reference_results(generated)
    changed = copy.deepcopy(engine)
    first = changed["proposals"][0]
    first["counts"]["agree"] += 1
    changed["rejected"][0], changed["rejected"][1] = changed["rejected"][1], changed["rejected"][0]
    changed["participation"]["gender"][0]["votes"] += 1
    differences = bench.compare(changed, reference)
    assert any(d.startswith(f"proposal {first['id']}: agree engine") for d in differences)
    assert any(d.startswith("rejected: engine") for d in differences)
    assert any(d.startswith("participation gender female: votes") for d in differences)


def test_padded_parquet_reads_like_csv(tmp_path):
    """The fast paths (no TRIM on clean text columns, typed Parquet columns, grouped
    rules) leave the results those of the same rows in CSV."""
    csv_folder = _hand_bundle(tmp_path / "csv")
    parquet_folder = _hand_bundle(tmp_path / "parquet")
    rows = _read_csv_rows(csv_folder / "votes.csv")
    padded = {
        "proposal_id": [f" {r['proposal_id']}" for r in rows],
        "participant_id": [r["participant_id"] for r in rows],
        "vote": [r["vote"] + "  " for r in rows],
        "qualification": [r["qualification"] or "" for r in rows],
        "voted_at": [datetime(2022, 3, 22, 12, i % 60) for i in range(len(rows))],
    }
    (parquet_folder / "votes.csv").unlink()
    pq.write_table(pa.table(padded), parquet_folder / "votes.parquet")
    people = _read_csv_rows(csv_folder / "participants.csv")
    (parquet_folder / "participants.csv").unlink()
    pq.write_table(pa.table({
        "participant_id": [p["participant_id"] for p in people],
        "gender": [p["gender"] or None for p in people],
        "age": pa.array([int(p["age"]) if p["age"] else None for p in people], pa.int16()),
        "age_band": [p["age_band"] for p in people],
        "region_code": [p["region_code"] for p in people],
    }), parquet_folder / "participants.parquet")
    options = Options(min_votes=1, top=3)
    expected = open_source(csv_folder).results(options)
    for materialize in (False, True):
        found = open_source(parquet_folder, materialize=materialize).results(options)
        for key in ("key_figures", "proposals", "top_ideas", "controversials", "rejected",
                    "participation", "participation_unknown", "cartography"):
            assert found[key] == expected[key], key


def _read_csv_rows(path):
    import csv

    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_duplicate_votes_still_found_in_parquet(tmp_path):
    votes = votes_for("pA", {"agree": 3}) + votes_for("pA", {"disagree": 1})
    folder = write_bundle(tmp_path / "b", proposals=PROPOSALS[:1], votes=votes, fmt="parquet")
    with pytest.raises(InputError) as caught:
        open_source(folder)
    assert ("votes.parquet, row 5, column proposal_id, participant_id: duplicate vote: this "
            "participant already voted on this proposal at row 2") in caught.value.report()


def test_bench_command_prints_the_table(tmp_path, capsys):
    code = cli.main(["bench", "--votes", "20000", "--dir", str(tmp_path), "--pages", "none",
                     "--steps", "scan,open,results,pandas"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("bench: 20,000 votes, ")
    lines = out.splitlines()
    for step in ("scan", "open", "results", "pandas"):
        line = next(line for line in lines if line.startswith(step + " "))
        seconds, cpu, peak = line.split()[1:4]
        assert float(seconds) > 0 and float(cpu) > 0 and float(peak.replace(",", "")) > 0
    assert any(line.startswith("results vs pandas:     engine ") for line in lines)
    assert any(line.startswith("results vs bare scan:  engine takes ") for line in lines)
    assert ("check: pandas and engine give the same numbers" in out)
    meta = json.loads((tmp_path / "votes-20000" / "consultation.json").read_text())
    assert meta["generator"]["version"] >= 1


def test_bench_bundle_is_reused(tmp_path):
    first = bench.ensure_bundle(20_000, tmp_path)
    stamp = (first / "votes.parquet").stat().st_mtime_ns
    assert bench.ensure_bundle(20_000, tmp_path) == first
    assert (first / "votes.parquet").stat().st_mtime_ns == stamp


def test_bench_rejects_an_unknown_step(tmp_path, capsys):
    assert cli.main(["bench", "--votes", "20000", "--dir", str(tmp_path),
                     "--steps", "scan,nope"]) == 2
    assert "unknown step(s) nope" in capsys.readouterr().err


def test_pages_leave_the_shared_results_untouched(tmp_path, monkeypatch):
    """Results are cached as a shared resource (no copy per rerun): every page must only
    read them. After each page ran, the cached object is still what the engine gives."""
    from streamlit.testing.v1 import AppTest

    from pages import ui

    root = tmp_path / "consultations"
    folder = _hand_bundle(root / "hand")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(root))
    at = AppTest.from_file(str(bench.REPO / "app.py"), default_timeout=120)
    at.query_params["c"] = "hand"
    at.run()
    for page in bench.PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    from analytics.consultations.catalog import discover

    entry = next(e for e in discover([root]) if e.id == "hand")
    cached = ui._results(str(entry.path), entry.version, (), 100, 10, False)
    assert cached == open_source(folder).results()
