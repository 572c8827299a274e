"""`python -m analytics bench --ideas` (analytics.bench.ideas): the inputs it
prepares, the figures it computes, the table it prints, the CLI wiring. Small
hand-made inputs; no timing or quality goal is asserted here (the bench prints
them)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_found_ideas import ENGLISH, FRENCH, corpus

from analytics import cli
from analytics.bench import ideas as bench_ideas
from analytics.metrics.found_ideas.finder import default_ideas


@pytest.fixture()
def data_root(tmp_path, monkeypatch):
    """A stand-in for ../shared/data: a small export and two Polis conversations."""
    root = tmp_path / "data"
    (root / "makeorg-open-data").mkdir(parents=True)
    french = corpus(FRENCH)
    pd.DataFrame({"proposition": french["content"], "auteur": "Léa",
                  "votes": np.arange(len(french)) + 10}).to_csv(root / bench_ideas.EXPORT,
                                                                 index=False)
    english = corpus(ENGLISH)
    for name, moderated in (("alpha", 1), ("beta", 0)):
        folder = root / "polis" / name
        folder.mkdir(parents=True)
        flags = [moderated] * len(english)
        flags[0] = -1
        pd.DataFrame({"comment-id": range(len(english)), "agrees": 3, "disagrees": 1,
                      "moderated": flags, "comment-body": english["content"]}
                     ).to_csv(folder / "comments.csv", index=False)
    monkeypatch.setenv(bench_ideas.DATA_VARIABLE, str(root))
    return root


def test_polis_comments_moderated_out_are_left_out(data_root):
    table = bench_ideas.polis_proposals(data_root / "polis" / "alpha" / "comments.csv")
    assert len(table) == len(corpus(ENGLISH)) - 1
    assert "0" not in set(table["proposal_id"])
    assert (table["votes"] == 4).all()


def test_scale_input_repeats_the_export_with_other_endings(data_root):
    export = bench_ideas.export_proposals(data_root / bench_ideas.EXPORT)
    table = bench_ideas.scale_proposals(3 * len(export) + 5, export, data_root / "unused")
    assert len(table) == 3 * len(export) + 5
    assert table["proposal_id"].is_unique
    assert table["content"].head(len(export)).tolist() == \
        [t.rstrip(" .!") for t in export["content"]]
    # Most repeats differ from the original by their ending.
    assert table["content"].nunique() > 2 * len(export)


def test_agreement_counts_other_as_a_label_and_no_idea_as_a_class():
    truth = ["a", "a", "b", "b", None, None]
    assert bench_ideas.agreement(["x", "x", "y", "y", "(other)", "(other)"], truth) == \
        {"ari": 1.0, "ari_all": 1.0}
    mixed = bench_ideas.agreement(["x", "y", "x", "y", "x", "y"], truth)
    assert mixed["ari"] < 0.0 and mixed["ari_all"] < 0.0
    # Proposals without a real idea do not count in the first figure.
    assert bench_ideas.agreement(["x", "x", "y", "y", "x", "y"], truth)["ari"] == 1.0


def test_baseline_puts_every_proposal_with_words_in_one_of_k_clusters():
    texts = corpus(ENGLISH)["content"].tolist() + ["", "!!!"]
    labels = bench_ideas.baseline_labels(texts, "en", 3)
    assert set(labels[:-2].tolist()) == {0, 1, 2}
    assert labels[-2:].tolist() == [-1, -1]


def test_measure_gives_the_figures_of_one_input(tmp_path):
    table = corpus(FRENCH).rename(columns={"topic": "truth"})
    table.loc[:5, "truth"] = None
    path = tmp_path / "demo.parquet"
    table.to_parquet(path, index=False)
    row = bench_ideas.measure({"input": "demo", "path": str(path), "method": "found",
                               "show": 2})
    assert row["language"] == "fr" and row["proposals"] == len(table)
    assert row["ideas"] >= 2 and 0 < row["named"] <= 1 and 0 < row["largest"] <= 1
    assert row["real_ideas"] == 4
    assert -1 <= row["ari"] <= 1 and -1 <= row["ari_all"] <= 1   # quality: test_found_ideas
    assert row["seconds"] > 0 and row["peak_mb"] > 0
    assert len(row["shown"]) == 2
    assert row["shown"][0]["proposals"] >= row["shown"][1]["proposals"]
    assert all(example in set(table["content"]) for example in row["shown"][0]["examples"])
    baseline = bench_ideas.measure({"input": "demo", "path": str(path),
                                    "method": "baseline"})
    assert baseline["named"] == 1.0 and "shown" not in baseline
    assert baseline["ideas"] == default_ideas(len(table))


def test_run_measures_each_input_in_its_own_process(data_root, monkeypatch):
    from analytics.demo import generate as real_generate

    # The demo at its smallest, so the test stays fast.
    monkeypatch.setattr("analytics.demo.generate",
                        lambda folder, seed: real_generate(folder, seed=seed, proposals=80,
                                                           votes=400, participants=200))
    seen = []
    outcome = bench_ideas.run(scale=150, show=3, echo=seen.append)
    rows = {(row["input"], row["method"]): row for row in outcome["rows"]}
    assert set(rows) == {("demo", "found"), ("demo", "baseline"), ("export", "found"),
                         ("export", "baseline"), ("polis:alpha", "found"),
                         ("polis:beta", "found"), ("scale-150", "found")}
    assert all("error" not in row for row in rows.values()), rows
    assert rows[("export", "found")]["proposals"] == len(corpus(FRENCH))
    assert rows[("polis:alpha", "found")]["language"] == "en"
    assert "ari" in rows[("demo", "found")] and "ari" not in rows[("export", "found")]
    assert len(rows[("export", "found")]["shown"]) <= 3
    assert rows[("export", "found")]["shown"]
    assert "shown" not in rows[("polis:alpha", "found")]
    assert outcome["notes"] == []
    assert any(line.startswith("{") for line in seen)

    text = bench_ideas.report(outcome)
    for name in ("demo", "export", "polis:alpha", "polis:beta", "scale-150", "baseline",
                 "ARI", "peak MB"):
        assert name in text
    assert "largest ideas of export" in text
    json.dumps(outcome, allow_nan=False)


def test_absent_real_data_is_said(tmp_path, monkeypatch):
    monkeypatch.setenv(bench_ideas.DATA_VARIABLE, str(tmp_path / "nowhere"))
    monkeypatch.setattr(bench_ideas, "demo_proposals",
                        lambda folder: pd.DataFrame({"proposal_id": ["p1"],
                                                     "content": ["Il faut"], "votes": [0],
                                                     "truth": ["a"]}))
    inputs, notes = bench_ideas.prepare(tmp_path)
    assert [item["input"] for item in inputs] == ["demo"]
    assert any("export left out" in note for note in notes)
    assert any("Polis" in note for note in notes)


def test_report_marks_missed_goals_and_errors():
    rows = [{"input": "export", "method": "found", "language": "fr", "proposals": 100,
             "ideas": 5, "named": 0.5, "largest": 0.3, "seconds": 1.0, "peak_mb": 100.0},
            {"input": "scale-100000", "method": "found", "language": "fr",
             "proposals": 100_000, "ideas": 40, "named": 0.9, "largest": 0.05,
             "seconds": 500.0, "peak_mb": 100.0},
            {"input": "polis:x", "method": "found", "error": "MemoryError"}]
    text = bench_ideas.report({"rows": rows, "notes": ["something left out"]})
    assert "(named < 85%)" in text
    assert "missed" in text
    assert "error: MemoryError" in text
    assert "note: something left out" in text


def test_cli_bench_needs_votes_or_ideas(capsys):
    assert cli.main(["bench"]) == cli.EXIT_INVALID
    assert "--votes" in capsys.readouterr().err
    assert cli.main(["bench", "--votes", "1000", "--json"]) == cli.EXIT_INVALID


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_bench_ideas_prints_the_table_or_json(monkeypatch, capsys, as_json):
    calls = []
    outcome = {"rows": [{"input": "demo", "method": "found", "language": "fr",
                         "proposals": 10, "ideas": 2, "named": 0.9, "largest": 0.5,
                         "ari": 0.7, "ari_all": 0.6, "seconds": 0.1, "peak_mb": 50.0}],
               "notes": []}

    def fake_run(**kwargs):
        calls.append(kwargs)
        return outcome

    monkeypatch.setattr(bench_ideas, "run", fake_run)
    argv = ["bench", "--ideas", "--ideas-scale", "500", "--show", "4", "--no-baseline"]
    assert cli.main(argv + (["--json"] if as_json else [])) == 0
    assert calls[0]["scale"] == 500 and calls[0]["show"] == 4
    assert calls[0]["baseline"] is False
    out = capsys.readouterr().out
    if as_json:
        assert json.loads(out) == outcome
    else:
        assert "demo" in out and "0.700" in out
