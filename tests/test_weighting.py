"""Raking against weights computed by hand, trimming, the effective sample size,
the `weights` table of a bundle, weighted results and the demo's margins."""

import math

import numpy as np
import pytest
from builders import votes_for, write_bundle

from analytics.consultations.open import open_source
from analytics.inputs import reference
from analytics.metrics import weighting
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment

GENDER = {"F": 50, "M": 50}
AGE = {"young": 50, "old": 50}


def rake(counts, values, margins, **options):
    return weighting.rake_cells(counts, values, margins, **options)


def test_independent_sample_is_raked_in_one_sweep():
    # Sample F 40 % / M 60 %, young 75 % / old 25 %, independent (30, 10, 45, 15):
    # weights are the product of the factors 0.5/0.4 or 0.5/0.6 and 0.5/0.75 or 0.5/0.25.
    weights, sweeps, converged, error = rake(
        [30, 10, 45, 15],
        {"gender": ["F", "F", "M", "M"], "age": ["young", "old", "young", "old"]},
        {"gender": GENDER, "age": AGE}, bounds=None)
    assert weights.tolist() == pytest.approx([1.25 * 2 / 3, 1.25 * 2, 5 / 6 * 2 / 3, 5 / 6 * 2])
    assert sweeps == 1 and converged and error < 1e-12


def test_raking_keeps_the_odds_ratio():
    # Sample (F young 40, F old 10, M young 20, M old 30): odds ratio 6. Raked to 50/50 and
    # 50/50, the fitted table (x, 50 - x, 50 - x, x) keeps it: x² / (50 - x)² = 6, so
    # x = 50 √6 / (1 + √6) = 35.5051.
    x = 50 * math.sqrt(6) / (1 + math.sqrt(6))
    weights, _, converged, error = rake(
        [40, 10, 20, 30],
        {"gender": ["F", "F", "M", "M"], "age": ["young", "old", "young", "old"]},
        {"gender": GENDER, "age": AGE}, bounds=None)
    assert x == pytest.approx(35.5051, abs=1e-4)
    assert weights.tolist() == pytest.approx([x / 40, (50 - x) / 10, (50 - x) / 20, x / 30],
                                             rel=1e-5)
    assert converged and error < 1e-6
    assert np.dot([40, 10, 20, 30], weights) == pytest.approx(100)      # mean weight 1


def test_missing_values_keep_their_share_of_weight():
    # F 60, M 20, unknown 20: the 80 known are split 40 / 40, the unknown keep weight 1.
    weights, _, converged, _ = rake([60, 20, 20], {"gender": ["F", "M", None]},
                                    {"gender": GENDER}, bounds=None)
    assert weights.tolist() == pytest.approx([40 / 60, 40 / 20, 1.0])
    assert converged


def test_a_value_without_population_figure_is_not_raked():
    # "other" has no population share: like a missing value, it keeps its weight.
    weights, _, _, _ = rake([60, 20, 5], {"gender": ["F", "M", "other"]}, {"gender": GENDER},
                            bounds=None)
    assert weights.tolist() == pytest.approx([40 / 60, 40 / 20, 1.0])


def test_trim_caps_and_spreads_the_rest():
    # Mean weight 1: 0.1 is raised to 0.2; the 0.1 added is taken from the three others in
    # proportion: 1.3 × (4 - 0.2) / 3.9 = 1.26667.
    trimmed = weighting.trim([0.1, 1.3, 1.3, 1.3], [1, 1, 1, 1], (0.2, 5.0))
    assert trimmed.tolist() == pytest.approx([0.2, 3.8 / 3, 3.8 / 3, 3.8 / 3])
    # Per voter, with cells of several voters: (95 × 0.5263 + 5 × 10) / 100 = 1 is the mean;
    # 10 is capped at 5, the 25 removed go to the 95: 75 / 95 each.
    trimmed = weighting.trim([0.5 / 0.95, 10.0], [95, 5], (0.2, 5.0))
    assert trimmed.tolist() == pytest.approx([75 / 95, 5.0])


def test_trimming_wins_over_unreachable_margins():
    # 95 women and 5 men raked to 50/50 need men at weight 10: capped at 5 × the mean, the
    # margins cannot be met; the report says so and gives the gap (25 % men instead of 50).
    weights, sweeps, converged, error = rake([95, 5], {"gender": ["F", "M"]},
                                             {"gender": GENDER}, bounds=(0.2, 5.0))
    assert weights.tolist() == pytest.approx([75 / 95, 5.0])
    assert not converged and sweeps == weighting.MAX_SWEEPS
    assert error == pytest.approx(0.25)


def test_trimming_with_room_to_adjust_converges_within_bounds():
    # Two dimensions: the rare cell (old men, 2 of 100) would need a large weight; the caps
    # hold and the other cells take up the difference, so margins are still met.
    counts = [48, 30, 20, 2]
    values = {"gender": ["F", "F", "M", "M"], "age": ["young", "old", "young", "old"]}
    free, _, _, _ = rake(counts, values, {"gender": GENDER, "age": AGE}, bounds=None)
    assert free.max() > 5
    weights, _, converged, error = rake(counts, values, {"gender": GENDER, "age": AGE})
    assert converged and error < 1e-6
    assert weights.max() <= 5 + 1e-9 and weights.min() >= 0.2 - 1e-9


# -- on a bundle ----------------------------------------------------------------------------

# 12 women (u0-u11), 10 men (u12-u21), 4 "other" (u22-u25), all in Île-de-France, no
# age; u26 votes but is missing from participants.
PEOPLE = ([{"participant_id": f"u{i}", "gender": "female", "region_code": "11"}
           for i in range(12)]
          + [{"participant_id": f"u{i}", "gender": "male", "region_code": "11"}
             for i in range(12, 22)]
          + [{"participant_id": f"u{i}", "gender": "other", "region_code": "11"}
             for i in range(22, 26)])
PROPOSALS = [{"proposal_id": "p1", "content": "Il faut un", "idea_id": "i1"},
             {"proposal_id": "p2", "content": "Il faut deux", "idea_id": "i1"}]
IDEAS = [{"idea_id": "i1", "name": "Une idée", "axis": ""}]
# p1: the women agree, the men disagree, the others and u26 are neutral; p2: u0 agrees.
VOTES = (votes_for("p1", {"agree": 12, "disagree": 10, "neutral": 5})
         + votes_for("p2", {"agree/likeIt": 1}))


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = write_bundle(tmp_path_factory.mktemp("weights") / "b", proposals=PROPOSALS,
                          votes=VOTES, ideas=IDEAS, participants=PEOPLE)
    return open_source(folder)


def hand_weights():
    shares = reference.population_shares("gender", ["female", "male"])
    # The 22 voters with a gender that has a population share are raked among themselves;
    # "other" and the unknown voter keep 1.
    return 22 * shares["female"] / 100 / 12, 22 * shares["male"] / 100 / 10, 1.0


def test_bundle_weights_table(source):
    raking = source.weighting()
    female, male, unknown = hand_weights()
    assert list(raking.margins) == ["gender"]        # one région only: not a margin
    weights = source.sql("SELECT participant_id, weight FROM weights ORDER BY participant_id")
    assert len(weights) == 27
    by_id = dict(zip(weights["participant_id"], weights["weight"], strict=True))
    assert by_id["u0"] == pytest.approx(female) and by_id["u21"] == pytest.approx(male)
    assert by_id["u22"] == pytest.approx(unknown) and by_id["u26"] == pytest.approx(unknown)
    assert sum(by_id.values()) == pytest.approx(27)
    summary = raking.summary()
    assert summary["converged"] and summary["not_raked"] == {"gender": 5}
    ess = 27 ** 2 / (12 * female ** 2 + 10 * male ** 2 + 5)
    assert summary["effective_sample_size"] == pytest.approx(ess)
    assert summary["max_weight"] == pytest.approx(male)
    assert source.weighting() is raking                # computed once


def test_weighted_results(source):
    female, male, unknown = hand_weights()
    results = source.results(Options(weighted=True, min_votes=1))
    raw = source.results(Options(min_votes=1))
    assert results["key_figures"] == raw["key_figures"]          # counts stay raw
    p1 = next(p for p in results["proposals"] if p["id"] == "p1")
    assert p1["votes"] == 27 and p1["weighted_votes"] == pytest.approx(27)
    assert p1["counts"]["agree"] == pytest.approx(12 * female)
    assert p1["counts"]["disagree"] == pytest.approx(10 * male)
    assert p1["counts"]["neutral"] == pytest.approx(5)
    assert p1["shares"]["agree"] == pytest.approx(100 * 12 * female / 27)
    assert raw["proposals"][0]["shares"]["agree"] == pytest.approx(100 * 12 / 27)
    idea = results["top_ideas"][0]["ideas"][0]
    assert idea["votes"] == 28
    assert idea["agreement"] == pytest.approx(100 * 13 * female / (27 + female))
    assert idea["counts"]["likeIt"] == pytest.approx(female)
    gender = {row["label"]: row for row in results["participation"]["gender"]}
    # Weighted shares of participants (of known gender: 22 × 1 + 4 "other") follow the
    # population's among women and men: the point of raking.
    assert gender["female"]["participants_share"] == pytest.approx(100 * 12 * female / 26)
    assert gender["female"]["participants"] == 12                  # raw count
    assert gender["female"]["weighted_participants"] == pytest.approx(12 * female)
    assert results["weighting"]["method"] == "raking"
    assert raw["weighting"] is None


def test_weighted_privacy_counts_raw_participants(source):
    # The "other" are 4 people whatever their weight: suppressed everywhere.
    results = source.results(Options(weighted=True, segment=Segment(gender="other")))
    assert results.get("suppressed") is True
    gender = {row["label"]: row for row in source.results(Options(weighted=True))[
        "participation"]["gender"]}
    assert gender["other"]["participants"] is None
    assert "participants_share" not in gender["other"]
    assert "weighted_participants" not in gender["other"]
    # 10 men weigh 10 × 1.06 but are 10 people: shown, as in the raw figures.
    men = source.results(Options(weighted=True, segment=Segment(gender="male"), min_votes=1))
    assert men["key_figures"]["participants"] == 10 and not men.get("suppressed")


def test_weighting_without_margins_is_said(tmp_path):
    people = [{"participant_id": f"u{i}", "gender": "female"} for i in range(9)]
    folder = write_bundle(tmp_path / "b", proposals=PROPOSALS,
                          votes=votes_for("p1", {"agree": 9}), participants=people,
                          consultation={"slug": "ca", "title": "Canada", "country": "CA"})
    results = open_source(folder).results(Options(weighted=True))
    assert results["weighting"] is None
    assert "weighting_unavailable" in [note["code"] for note in results["notes"]]


# -- the demo -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from analytics.demo import generate

    return open_source(generate(tmp_path_factory.mktemp("demo") / "solutions-jeunes"))


def test_demo_raking_meets_the_margins(demo):
    raking = demo.weighting()
    assert raking.converged and set(raking.margins) == {"gender", "age_band", "region"}
    cells = raking.cells
    columns = dict(weighting.DIMENSIONS)
    for dimension, targets in raking.margins.items():
        known = cells[cells[columns[dimension]].isin(list(targets))]
        weighted = (known["participants"] * known["weight"]).groupby(
            known[columns[dimension]]).sum()
        total = sum(targets.values())
        for label, target in targets.items():
            assert 100 * weighted[label] / weighted.sum() == pytest.approx(
                100 * target / total, abs=1e-3), (dimension, label)
    mean = float((cells["participants"] * cells["weight"]).sum() / cells["participants"].sum())
    assert mean == pytest.approx(1.0)
    assert cells["weight"].max() <= 5 * mean + 1e-9 and cells["weight"].min() >= 0.2 * mean - 1e-9
    assert raking.trimmed > 0                    # the youth-heavy demo needs the caps
    assert 0.3 * raking.participants < raking.effective_sample_size < raking.participants
