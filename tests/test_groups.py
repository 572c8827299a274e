"""Opinion groups (analytics.metrics.groups): planted groups are recovered, Polis's formulas by
hand, determinism, privacy (small groups, segments, no participant ids), sampling."""

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
from builders import write_bundle

from analytics.consultations.open import open_source
from analytics.metrics import groups, polis_report
from analytics.metrics.groups import GroupOptions, Matrix
from analytics.metrics.polis_clusters import PolisClustering
from analytics.metrics.segment import Segment
from analytics.present.charts.groups import agreement_figure, map_figure, sizes_figure

VOTE_NAMES = {1: "agree", -1: "disagree", 0: "neutral"}


def planted_bundle(folder, sizes, *, patterns=None, n_proposals=24, consensus=4,
                   coverage=0.8, noise=0.1, seed=7, genders=None):
    """Groups of `sizes` participants; group g agrees with its block of proposals and
    disagrees with the others' (or follows `patterns`, groups × proposals of ±1), then
    everyone agrees with `consensus` more proposals. Each participant votes on a proposal
    with probability `coverage`; a vote is random with probability `noise`.
    Returns {participant_id: planted group}."""
    rng = np.random.default_rng(seed)
    k = len(sizes)
    if patterns is None:
        per = n_proposals // k
        patterns = -np.ones((k, n_proposals), dtype=int)
        for g in range(k):
            patterns[g, g * per:(g + 1) * per] = 1
    patterns = np.hstack([np.asarray(patterns), np.ones((k, consensus), dtype=int)])
    proposals = [{"proposal_id": f"p{j:02d}", "content": f"Proposition {j}"}
                 for j in range(patterns.shape[1])]
    votes, participants, truth = [], [], {}
    for g, size in enumerate(sizes):
        for _ in range(size):
            pid = f"person-{len(truth):04d}"
            truth[pid] = g
            participants.append({"participant_id": pid,
                                 "gender": (genders or {}).get(g, "female")})
            for j in range(patterns.shape[1]):
                if rng.random() > coverage:
                    continue
                vote = patterns[g, j] if rng.random() > noise else rng.choice([1, -1, 0])
                votes.append({"proposal_id": f"p{j:02d}", "participant_id": pid,
                              "vote": VOTE_NAMES[int(vote)], "qualification": ""})
    write_bundle(folder, proposals=proposals, votes=votes, participants=participants)
    return truth


def adjusted_rand(a, b) -> float:
    """Hubert & Arabie's adjusted Rand index, from the contingency table."""
    table = pd.crosstab(pd.Series(list(a)), pd.Series(list(b))).to_numpy()

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([table.sum()]))
    return (index - expected) / ((rows + cols) / 2 - expected)


def recovered(source, truth, options=groups.DEFAULT_GROUP_OPTIONS):
    loaded = groups.load(source, Segment(), options)
    found = groups.cluster(loaded.matrix, options)
    planted = [truth[str(pid)] for pid in loaded.participant_ids]
    return found, planted


# -- planted groups -------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [(40, 32), (45, 38, 30)])
def test_planted_groups_are_recovered(tmp_path, sizes):
    truth = planted_bundle(tmp_path / "b", sizes)
    source = open_source(tmp_path / "b")
    found, planted = recovered(source, truth)
    assert found.k == len(sizes)
    assert adjusted_rand(found.labels, planted) == pytest.approx(1.0)
    # Exact match up to a permutation: each found group holds one planted group only.
    table = pd.crosstab(found.labels, planted).to_numpy()
    assert ((table > 0).sum(axis=1) == 1).all()

    result = groups.opinion_groups(source)
    assert result["k"] == len(sizes)
    assert sorted(g["participants"] for g in result["groups"]) == sorted(sizes)
    assert [g["group"] for g in result["groups"]] == list("ABC"[: len(sizes)])
    assert result["explained"][0] > 2 * result["explained_shuffled"][0]
    assert not {n["code"] for n in result["notes"]} & {"no_structure", "weak_structure"}


def test_representative_and_consensus_proposals_of_planted_groups(tmp_path):
    truth = planted_bundle(tmp_path / "b", (40, 32), n_proposals=24, consensus=4)
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    block = {"A": {f"p{j:02d}" for j in range(12)}, "B": {f"p{j:02d}" for j in range(12, 24)}}
    assert set(truth.values()) == {0, 1}
    for letter in "AB":
        items = result["representative"][letter]
        assert 1 <= len(items) <= 5
        for item in items:
            assert item["significant"]
            if item["direction"] == "agree":      # agrees with its own block
                assert item["id"] in block[letter]
                assert item["group_agree"] > item["others_agree"] + 50
            else:                                 # disagrees with the other group's block
                assert item["id"] not in block[letter]
                assert item["group_disagree"] > item["others_disagree"] + 50
        directions = [item["direction"] for item in items]
        assert directions == sorted(directions)   # agrees before disagrees
    # The four proposals everyone agrees with lead the group-informed consensus.
    assert {item["id"] for item in result["consensus"][:4]} == {"p24", "p25", "p26", "p27"}
    assert all(item["groups"]["A"] > 70 and item["groups"]["B"] > 70
               for item in result["consensus"][:4])


# -- Polis's formulas by hand ---------------------------------------------------------------

def test_group_informed_consensus_by_hand():
    # Two groups, two proposals: agree counts and votes seen per group.
    agree = np.array([[3, 0], [1, 2]])
    seen = np.array([[4, 2], [2, 2]])
    # p0: (3+1)/(4+2) * (1+1)/(2+2) = 4/6 * 2/4 = 1/3; p1: 1/4 * 3/4 = 3/16.
    assert polis_report.group_consensus(agree, seen) == pytest.approx([1 / 3, 3 / 16])


def test_polis_z_tests_by_hand():
    # prop-test(3, 4): 2·sqrt(5)·(4/5 − 1/2)
    assert polis_report.prop_test(3, 4) == pytest.approx(2 * math.sqrt(5) * 0.3)
    # two-prop-test(8, 2, 10, 10) with +1 smoothing: p1 = 9/11, p2 = 3/11, pooled 12/22.
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    assert polis_report.two_prop_test(8, 2, 10, 10) == pytest.approx(expected)


def test_representativeness_by_hand():
    agree = np.array([[9], [1]])
    disagree = np.array([[1], [8]])
    seen = np.array([[10], [10]])
    stats = polis_report.representativeness(agree, disagree, seen, 0)
    pa, rest = (1 + 9) / (2 + 10), (1 + 1) / (2 + 10)
    assert stats["agree"][0]
    assert stats["repness"][0] == pytest.approx(pa / rest)
    assert stats["p_success"][0] == pytest.approx(pa)
    assert stats["repness_test"][0] == pytest.approx(polis_report.two_prop_test(9, 1, 10, 10))
    assert stats["passes"][0]
    assert not polis_report.representativeness(agree, disagree, seen, 1)["agree"][0]


def test_pca_imputes_the_proposal_mean_and_projects_like_polis():
    # 3 participants × 2 proposals; participant 1 did not vote on proposal 1.
    matrix = Matrix(rows=[0, 1, 2, 0, 2], cols=[0, 0, 0, 1, 1], values=[1, -1, 1, 1, -1],
                    n=3, m=2)
    result = PolisClustering().fit_positions(matrix.sparse())
    assert result.center_ == pytest.approx([1 / 3, 0.0])
    imputed = np.array([[1, 1], [-1, 0], [1, -1]], dtype=float)   # missing -> mean 0
    centred = imputed - imputed.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred)
    for i in range(2):
        assert abs(np.dot(result.components_[i], vt[i])) == pytest.approx(1.0)
    assert result.explained_variance_ratio_ == pytest.approx(singular ** 2
                                                             / (singular ** 2).sum())
    # Sparsity-aware projection: votes cast only, times sqrt(2 proposals / votes cast).
    voted = np.array([[1, 1], [1, 0], [1, 1]], dtype=bool)
    expected = np.array([[np.sum(np.where(voted[p], centred[p], 0) * result.components_[i])
                          * math.sqrt(2 / voted[p].sum()) for i in range(2)] for p in range(3)])
    assert result.positions_ == pytest.approx(expected)


def test_sparse_and_dense_pca_agree(tmp_path, monkeypatch):
    from analytics.metrics import polis_clusters

    truth = planted_bundle(tmp_path / "b", (40, 35, 30))
    loaded = groups.load(open_source(tmp_path / "b"), Segment(), GroupOptions())
    assert len(truth) == loaded.matrix.n
    dense = PolisClustering().fit_positions(loaded.matrix.sparse())    # exact: 105 rows
    monkeypatch.setattr(polis_clusters, "DENSE_CELLS", 0)
    monkeypatch.setattr(polis_clusters, "DENSE_COMMENTS", 0)
    sparse = PolisClustering().fit_positions(loaded.matrix.sparse())   # ARPACK
    assert sparse.explained_variance_ratio_ == pytest.approx(dense.explained_variance_ratio_,
                                                             rel=1e-6)
    for i in range(2):
        assert abs(np.dot(sparse.components_[i], dense.components_[i])) == pytest.approx(1.0)
    assert np.abs(sparse.positions_) == pytest.approx(np.abs(dense.positions_), abs=1e-6)


def test_shuffled_votes_keep_proposal_and_participant_totals():
    rng = np.random.default_rng(0)
    rows, cols = np.divmod(rng.permutation(200)[:120], 10)
    matrix = Matrix(rows, cols, rng.choice([-1.0, 0.0, 1.0], 120), 20, 10)
    shuffled = groups.shuffled(matrix, seed=3)
    assert (shuffled.rows == matrix.rows).all() and (shuffled.cols == matrix.cols).all()
    for j in range(10):
        assert sorted(shuffled.values[cols == j]) == sorted(matrix.values[cols == j])
    assert not np.array_equal(shuffled.values, matrix.values)


# -- determinism, privacy, sampling ---------------------------------------------------------

def _without_time(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "seconds"}


def test_results_are_deterministic(tmp_path):
    planted_bundle(tmp_path / "b", (40, 35, 30), noise=0.3)
    first = groups.opinion_groups(open_source(tmp_path / "b"))
    second = groups.opinion_groups(open_source(tmp_path / "b"))
    assert _without_time(first) == _without_time(second)


def test_results_do_not_depend_on_the_order_of_the_votes(tmp_path):
    import csv

    planted_bundle(tmp_path / "a", (40, 35, 30), noise=0.3)
    rows = list(csv.DictReader((tmp_path / "a" / "votes.csv").open(encoding="utf-8")))
    reordered = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    proposals = list(csv.DictReader((tmp_path / "a" / "proposals.csv").open(encoding="utf-8")))
    participants = list(csv.DictReader((tmp_path / "a" / "participants.csv")
                                       .open(encoding="utf-8")))
    write_bundle(tmp_path / "b", proposals=proposals, votes=reordered, participants=participants)
    first = groups.opinion_groups(open_source(tmp_path / "a"))
    second = groups.opinion_groups(open_source(tmp_path / "b"))
    assert _without_time(first) == _without_time(second)


def test_a_group_under_ten_participants_is_never_shown(tmp_path):
    patterns = np.array([[1] * 8 + [-1] * 16, [-1] * 8 + [1] * 8 + [-1] * 8,
                         [-1] * 16 + [1] * 8])
    planted_bundle(tmp_path / "b", (40, 40, 6), patterns=patterns)
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    assert result["k"] == 3                       # the six are a group of their own...
    assert [g["participants"] for g in result["groups"]] == [40, 40]   # ...never shown
    assert "small_groups_hidden" in {n["code"] for n in result["notes"]}
    assert len(result["positions"]["x"]) == 80
    assert set(result["positions"]["group"]) == {"A", "B"}
    assert set(result["representative"]) == {"A", "B"}
    assert all(set(item["groups"]) == {"A", "B"} for item in result["consensus"])
    tables = groups.tables(result)
    assert set(tables["groups"]["group"]) == {"A", "B"}
    assert (tables["groups"]["participants"] >= 10).all()


def test_shares_under_ten_votes_are_not_shown(tmp_path):
    # Group C is small and votes on about half the proposals: its cells have < 10 votes.
    planted_bundle(tmp_path / "b", (35, 30, 14), coverage=0.55, seed=3)
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    seen_none = False
    for items in result["representative"].values():
        for item in items:
            assert item["group_votes"] >= 10 and item["others_votes"] >= 10
    for per_proposal in result["agreement"].values():
        for letter, share in per_proposal["agree"].items():
            votes = per_proposal["votes"][letter]
            assert (share is None) == (votes is None)
            seen_none |= share is None
    for item in result["consensus"]:
        assert item["votes"] >= 10
    assert len(result["groups"]) == 3
    assert seen_none            # the case happens in this bundle
    assert any(share is None for item in result["consensus"]
               for share in item["groups"].values())


def test_no_participant_id_leaves_the_analysis(tmp_path):
    truth = planted_bundle(tmp_path / "b", (40, 35))
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    text = json.dumps(result, allow_nan=False)
    assert "person-" not in text
    assert len(result["positions"]["x"]) == len(truth)
    # Positions are ordered by group and place, not by participant.
    frame = pd.DataFrame(result["positions"])
    assert frame.equals(frame.sort_values(["group", "x", "y"], kind="stable")
                        .reset_index(drop=True))
    for table in groups.tables(result).values():
        assert "person-" not in table.to_csv()


def test_segment_restricts_participants(tmp_path):
    planted_bundle(tmp_path / "b", (40, 35, 5), genders={0: "female", 1: "male", 2: "other"})
    source = open_source(tmp_path / "b")
    result = groups.opinion_groups(source, GroupOptions(segment=Segment(gender="male")))
    assert result["counts"]["participants"] == 35
    assert result["segment"] == {"gender": "male"}
    assert sum(g["participants"] for g in result["groups"]) <= 35
    small = groups.opinion_groups(source, GroupOptions(segment=Segment(gender="other")))
    assert small["available"] is False
    assert [n["code"] for n in small["notes"]] == ["segment_too_small"]
    assert small["counts"]["participants"] is None and small["positions"]["x"] == []


def test_large_inputs_are_sampled_deterministically(tmp_path):
    planted_bundle(tmp_path / "b", (60, 50))
    source = open_source(tmp_path / "b")
    options = GroupOptions(max_participants=50)
    result = groups.opinion_groups(source, options)
    assert result["counts"]["eligible"] == 110
    assert result["counts"]["sampled"] is True
    assert result["counts"]["used"] <= 50
    assert {"code": "sampled", "eligible": 110, "used": result["counts"]["used"]} in \
        result["notes"]
    assert _without_time(result) == _without_time(groups.opinion_groups(source, options))


def test_the_sample_draws_voters_who_can_be_grouped_first():
    """Where most participants vote once or twice (a large Make.org consultation), the
    sample is drawn among those with enough votes, topped up with the others."""
    per_participant = pd.Series({f"p{i:03d}": (8 if i < 30 else 2) for i in range(200)})
    chosen = groups._sample(per_participant, 7, GroupOptions(max_participants=20))
    assert len(chosen) == 20 and all(per_participant[p] == 8 for p in chosen)
    chosen = groups._sample(per_participant, 7, GroupOptions(max_participants=50))
    assert len(chosen) == 50 and sum(per_participant[p] == 8 for p in chosen) == 30
    assert list(chosen) == sorted(chosen)
    assert list(chosen) == list(groups._sample(per_participant, 7,
                                               GroupOptions(max_participants=50)))


def test_participants_with_too_few_votes_are_left_out(tmp_path):
    truth = planted_bundle(tmp_path / "b", (40, 35))
    source = open_source(tmp_path / "b")
    # Everyone voted on about 80 % of 28 proposals: a threshold of 27 keeps only a few.
    strict = groups.opinion_groups(source, GroupOptions(min_participant_votes=27))
    assert strict["counts"]["threshold"] == 27
    assert strict["counts"]["eligible"] < len(truth)
    assert strict["counts"]["participants"] == len(truth)


def test_sources_without_votes_say_so():
    class Published:
        capabilities = frozenset({"ideas"})
        extra = {}

    result = groups.opinion_groups(Published())
    assert result["available"] is False
    assert [n["code"] for n in result["notes"]] == ["no_votes"]


def test_figures_escape_proposal_text(tmp_path):
    planted_bundle(tmp_path / "b", (40, 35))
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    for items in result["representative"].values():
        for item in items:
            item["content"] = "<b>bold</b> <script>alert(1)</script>"
    fig, table = agreement_figure(result, "fr")
    spec = fig.to_json()
    assert "<script>" not in spec and "<b>bold" not in spec
    assert "&lt;script&gt;" in spec
    assert table.iloc[0, 0] == "<b>bold</b> <script>alert(1)</script>"   # tables keep text
    fig, table = map_figure(result, "en")
    assert len(fig.data) == 2 and list(table.columns[:2]) == ["Group", "Participants"]


def test_figures_in_german(tmp_path):
    planted_bundle(tmp_path / "b", (40, 35))
    result = groups.opinion_groups(open_source(tmp_path / "b"))
    fig, table = map_figure(result, "de")
    assert [trace.name for trace in fig.data] == ["Gruppe A", "Gruppe B"]
    assert fig.layout.xaxis.title.text.startswith("Achse 1 (")
    assert "der Variation der Stimmen" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.title.text.endswith("\u00a0% der Variation der Stimmen)")
    assert list(table.columns[:3]) == ["Gruppe", "Teilnehmende", "Anteil (%)"]
    fig, _table = sizes_figure(result, "de")
    assert fig.layout.title.text.startswith("Teilnehmende pro Meinungsgruppe")
    assert fig.layout.xaxis.title.text == "Teilnehmende"
    fig, table = agreement_figure(result, "de")
    assert list(table.columns) == ["Vorschlag", "Gruppe A", "Gruppe B"]
    assert fig.data[0].colorbar.title.text == "Zustimmung (%)"
    assert any(": " in hover and "Zustimmung (" in hover and " Stimmen)" in hover
               for line in fig.data[0].customdata for hover in line)


# -- real data ------------------------------------------------------------------------------

def test_polis_conversations(shared_data):
    folders = sorted(p for p in (shared_data / "polis").iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        result = groups.opinion_groups(open_source(folder))
        json.dumps(result, allow_nan=False)
        assert result["attribution"] and "CC BY 4.0" in result["attribution"]
        assert len(result["positions"]["x"]) == sum(g["participants"] for g in result["groups"])
        assert result["counts"]["threshold"] == 7


def test_groups_are_polis_own_on_every_conversation(shared_data):
    """Polis's group-id gives the groups: same number (summary.csv's `groups`), same sizes,
    lettered A for group-id 0; a group under 10 is listed with its size, its figures
    hidden."""
    folders = sorted(p for p in (shared_data / "polis").iterdir() if p.is_dir())
    for folder in folders:
        export = pd.read_csv(folder / "participants-votes.csv").dropna(subset=["group-id"])
        expected = {chr(ord("A") + int(g)): int(n)
                    for g, n in export["group-id"].value_counts().items()}
        with open(folder / "summary.csv", encoding="utf-8") as handle:
            summary = dict(row[:2] for row in csv.reader(handle) if row)
        result = groups.opinion_groups(open_source(folder))
        assert result["source"] == "export", folder.name
        assert result["k"] == int(summary["groups"]) == len(expected), folder.name
        assert {g["group"]: g["participants"] for g in result["groups"]} == expected
        for g in result["groups"]:
            if g["participants"] < 10:
                assert result["representative"][g["group"]] == []
                assert all(row["groups"][g["group"]]["agree"] is None
                           for row in result["statements"])


@pytest.mark.parametrize("name", ["15-per-hour-seattle", "canadian-electoral-reform"])
def test_groups_agree_with_polis_own_groups(shared_data, name):
    """Polis exports each participant's group (participants-votes.csv, group-id): on these
    two conversations our groups match Polis's closely (adjusted Rand index)."""
    folder = shared_data / "polis" / name
    loaded = groups.load(open_source(folder), Segment(), GroupOptions())
    found = groups.cluster(loaded.matrix, zeroed=loaded.zeroed)
    theirs = pd.read_csv(folder / "participants-votes.csv").dropna(subset=["group-id"])
    theirs = pd.Series(theirs["group-id"].astype(int).to_numpy(),
                       index=theirs["participant"].astype(str))
    ours = pd.Series(found.labels, index=[str(p) for p in loaded.participant_ids])
    ours = ours[ours >= 0]                  # participants Polis's method clusters
    common = ours.index.intersection(theirs.index)
    assert len(common) >= 0.9 * len(ours)
    assert adjusted_rand(ours[common], theirs[common]) > 0.7
