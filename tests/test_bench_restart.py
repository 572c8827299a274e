"""The bench's restart figures (the consultation cache) and its Polars reference."""

import pytest
from builders import votes_for, write_bundle

from analytics import cli
from analytics.bench import votes as bench
from analytics.consultations.open import open_source
from analytics.demo import generate
from analytics.metrics.engine import Options

polars = pytest.importorskip("polars", reason="polars is a test dependency "
                                              "(pip install -e '.[test]')")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("bench") / "votes-20000", votes=20_000)


def test_polars_reference_gives_the_engines_numbers(generated):
    from analytics.bench.polars_reference import polars_results

    reference = polars_results(generated)
    assert bench.compare(open_source(generated, materialize=False).results(), reference) == []
    assert reference["key_figures"]["votes"] == 20_000
    assert len(reference["controversials"]) == 10


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_polars_reference_on_a_hand_made_bundle(tmp_path, fmt):
    from analytics.bench.polars_reference import polars_results

    proposals = [{"proposal_id": "007", "content": "Il faut A", "idea_id": "i1"},
                 {"proposal_id": "7", "content": "Il faut B", "idea_id": ""}]
    votes = (votes_for("007", {"agree/likeIt": 9, "disagree/noWay": 4, "neutral": 2})
             + votes_for("7", {"disagree/impossible": 8, "agree": 1}, start=3))
    participants = [{"participant_id": f"u{i}", "gender": ("female", "male", "")[i % 3],
                     "age": "" if i % 4 == 0 else str(5 + i * 3),
                     "age_band": "25-34" if i % 7 == 0 else "",
                     "region_code": ("11", "971", "1", "84")[i % 4]} for i in range(12)]
    folder = write_bundle(tmp_path / "b", proposals=proposals, votes=votes,
                          ideas=[{"idea_id": "i1", "name": "Un", "axis": ""}],
                          participants=participants, fmt=fmt)
    engine = open_source(folder).results(Options(min_votes=1, top=3))
    reference = polars_results(folder, min_votes=1, top=3)
    assert bench.compare(engine, reference) == []
    assert reference["key_figures"] == {"participants": 15, "proposals": 2, "votes": 24}


def test_bench_prints_the_restart_figures(tmp_path, capsys):
    code = cli.main(["bench", "--votes", "20000", "--dir", str(tmp_path), "--pages", "none",
                     "--steps", "results,polars,cache_build,cache_open,cache_results"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    for step in ("cache_build", "cache_open", "cache_results", "polars"):
        line = next(line for line in lines if line.startswith(step + " "))
        seconds = float(line.split()[1])        # opening the cache may round to 0.00
        assert seconds > 0 if step in ("cache_build", "polars") else seconds >= 0
    assert any(line.startswith("cache build (first start only): ") for line in lines)
    assert any(line.startswith("cache open (restarted server): ") for line in lines)
    assert any(line.startswith("results vs Polars: ") for line in lines)
    assert "check: polars and engine give the same numbers" in out
    # The bench's cache is its own, beside its bundles.
    assert list((tmp_path / "cache").glob("votes-20000-*.duckdb"))
