"""Polis's report statistics (analytics/metrics/polis_report.py) against values computed by hand on
a small planted conversation: three groups of 20 voters, ten statements.

Every group saw every statement (20 votes per cell). Votes per cell, (agree, disagree,
pass); groups B and C vote alike, so A's "others" are twice B:

    statement  A            B = C         planted as
    s0         (18, 1, 1)   (4, 14, 2)    A agrees, the others disagree
    s1         (17, 2, 1)   (17, 2, 1)    everyone agrees
    s2         (2, 16, 2)   (15, 3, 2)    A disagrees, the others agree
    s3         (14, 4, 2)   (4, 6, 10)    A agrees; B and C pass a lot
    s4         (6, 4, 10)   (5, 5, 10)    everyone passes half the time
    s5         (4, 14, 2)   (13, 5, 2)    A disagrees
    s6         (1, 18, 1)   (1, 18, 1)    everyone disagrees
    s7         (16, 2, 2)   (8, 4, 8)     A agrees
    s8         (3, 15, 2)   (6, 6, 8)     A disagrees
    s9         (14, 2, 4)   (14, 2, 4)    everyone agrees, less
"""

import math

import numpy as np
import pytest

from analytics.metrics import groups, polis_report

A = [(18, 1, 1), (17, 2, 1), (2, 16, 2), (14, 4, 2), (6, 4, 10), (4, 14, 2), (1, 18, 1),
     (16, 2, 2), (3, 15, 2), (14, 2, 4)]
B = [(4, 14, 2), (17, 2, 1), (15, 3, 2), (4, 6, 10), (5, 5, 10), (13, 5, 2), (1, 18, 1),
     (8, 4, 8), (6, 6, 8), (14, 2, 4)]
CELLS = (A, B, B)
AGREE = np.array([[a for a, _, _ in group] for group in CELLS])
DISAGREE = np.array([[d for _, d, _ in group] for group in CELLS])
PASSED = np.array([[p for _, _, p in group] for group in CELLS])
SEEN = AGREE + DISAGREE + PASSED

# For group A: n = 20 in the group, 40 among the others; with Polis's +1 smoothing the
# tests use 21 and 41 trials, and the pooled proportion is over 62.
SPREAD = 1 / 21 + 1 / 41


def test_the_planted_conversation():
    assert (SEEN == 20).all()


# -- stats.clj -------------------------------------------------------------------------------

def test_prop_test_by_hand():
    # prop-test(18, 20): 2 · √21 · (19/21 − 1/2)
    assert polis_report.prop_test(18, 20) == pytest.approx(2 * math.sqrt(21) * (19 / 21 - 0.5))
    assert polis_report.prop_test(10, 20) == pytest.approx(2 * math.sqrt(21) * (11 / 21 - 0.5))


def test_two_prop_test_by_hand():
    # two-prop-test(18, 8, 20, 40): p1 = 19/21, p2 = 9/41, pooled (19 + 9)/(21 + 41) = 28/62.
    expected = (19 / 21 - 9 / 41) / math.sqrt(28 / 62 * 34 / 62 * SPREAD)
    assert polis_report.two_prop_test(18, 8, 20, 40) == pytest.approx(expected)
    assert expected == pytest.approx(5.1313, abs=1e-4)
    # A pooled proportion of 1 gives 0 (Polis's convention), not a division by zero.
    assert polis_report.two_prop_test(20, 40, 20, 40) == 0


# -- repness.clj: comment-stats, add-comparitive-stats -------------------------------------

def test_repness_of_s0_for_group_a_by_hand():
    stats = polis_report.representativeness(AGREE, DISAGREE, SEEN, 0)
    pa = (18 + 1) / (20 + 2)                       # 19/22
    rest = (8 + 1) / (40 + 2)                      # the others agreed 4 + 4 = 8 times of 40
    assert stats["pa"][0] == pytest.approx(pa)
    assert stats["pd"][0] == pytest.approx((1 + 1) / (20 + 2))
    assert stats["ra"][0] == pytest.approx(pa / rest)            # 4.03: 4 times the others
    assert stats["pat"][0] == pytest.approx(2 * math.sqrt(21) * (19 / 21 - 0.5))
    assert stats["rat"][0] == pytest.approx(
        (19 / 21 - 9 / 41) / math.sqrt(28 / 62 * 34 / 62 * SPREAD))
    # The others disagreed 28 times of 40: rd = (2/22) / (29/42).
    assert stats["rd"][0] == pytest.approx((2 / 22) / (29 / 42))
    assert stats["agree"][0] and stats["passes"][0]
    assert stats["repness"][0] == pytest.approx(pa / rest)
    assert stats["p_success"][0] == pytest.approx(pa)


def group_a_metrics() -> dict[int, float]:
    """repness × repness-test × p × p-test of the statements that set A apart, by hand.
    Agree side (na, others' agrees): s0 (18, 8), s3 (14, 8), s7 (16, 16); disagree side
    (nd, others' disagrees): s2 (16, 6), s5 (14, 10), s8 (15, 12)."""
    root = 2 * math.sqrt(21)
    return {
        0: (19 / 22) / (9 / 42) * (19 / 21 - 9 / 41) / math.sqrt(28 / 62 * 34 / 62 * SPREAD)
        * (19 / 22) * root * (19 / 21 - 0.5),
        3: (15 / 22) / (9 / 42) * (15 / 21 - 9 / 41) / math.sqrt(24 / 62 * 38 / 62 * SPREAD)
        * (15 / 22) * root * (15 / 21 - 0.5),
        7: (17 / 22) / (17 / 42) * (17 / 21 - 17 / 41) / math.sqrt(34 / 62 * 28 / 62 * SPREAD)
        * (17 / 22) * root * (17 / 21 - 0.5),
        2: (17 / 22) / (7 / 42) * (17 / 21 - 7 / 41) / math.sqrt(24 / 62 * 38 / 62 * SPREAD)
        * (17 / 22) * root * (17 / 21 - 0.5),
        5: (15 / 22) / (11 / 42) * (15 / 21 - 11 / 41) / math.sqrt(26 / 62 * 36 / 62 * SPREAD)
        * (15 / 22) * root * (15 / 21 - 0.5),
        8: (16 / 22) / (13 / 42) * (16 / 21 - 13 / 41) / math.sqrt(29 / 62 * 33 / 62 * SPREAD)
        * (16 / 22) * root * (16 / 21 - 0.5),
    }


def test_which_statements_pass_both_tests_for_group_a():
    stats = polis_report.representativeness(AGREE, DISAGREE, SEEN, 0)
    # s5's own test: 2·√21·(15/21 − 1/2) = 1.96 > 1.2816, its comparison 2.68: it passes.
    assert 2 * math.sqrt(21) * (15 / 21 - 0.5) > 1.2816
    assert list(np.flatnonzero(stats["passes"])) == [0, 2, 3, 5, 7, 8]
    assert list(np.flatnonzero(stats["agree"] & stats["passes"])) == [0, 3, 7]
    for c, metric in group_a_metrics().items():
        assert stats["metric"][c] == pytest.approx(metric)


def test_representative_comments_of_group_a():
    metrics = group_a_metrics()
    # By hand: s0 66.3, s2 49.7, s3 16.1, s8 13.6, s7 12.4, s5 11.7.
    assert sorted(metrics, key=lambda c: -metrics[c]) == [0, 2, 3, 8, 7, 5]
    # s0 is also the best agree (the first agree with pat > 1.2816; none beats its
    # ra·rat·pa·pat after it): in front, then the rest by metric, top 5 (s5 is cut),
    # then agrees before disagrees.
    items = polis_report.representative_comments(AGREE, DISAGREE, SEEN, 0)
    assert [item["index"] for item in items] == [0, 3, 7, 2, 8]
    assert [item["direction"] for item in items] == ["agree"] * 3 + ["disagree"] * 2
    assert [item["best_agree"] for item in items] == [True, False, False, False, False]
    assert all(item["significant"] for item in items)
    first = items[0]
    assert first["p_success"] == pytest.approx(19 / 22)
    assert first["repness"] == pytest.approx((19 / 22) / (9 / 42))
    assert (first["n_success"], first["n_trials"]) == (18, 20)
    # s2 represents A by disagreeing: 16 of 20 against 6 of 40 among the others.
    assert items[3]["repness"] == pytest.approx((17 / 22) / (7 / 42))
    assert items[3]["p_success"] == pytest.approx(17 / 22)


def test_top_keeps_the_best_agree_in_front():
    items = polis_report.representative_comments(AGREE, DISAGREE, SEEN, 0, top=2)
    assert [item["index"] for item in items] == [0, 2]      # best agree, then best metric


def test_the_best_agree_of_group_b_is_what_everyone_agrees_with():
    """Polis's quirk, kept: B's best agree is s1 (the first with pat > 1.2816:
    2·√21·(18/21 − 1/2) = 3.27; its ra = (18/22)/(35/42) = 0.98 is under 1, so later
    statements must beat pa·pat = 18/22 · 3.27 = 2.68, and none does). s1 does not pass
    the tests, and its disagree z beats its agree z, so the math files it as a disagree;
    Polis's clients show it as an agree, since B agreed with it."""
    root = 2 * math.sqrt(21)
    s1 = 18 / 22 * root * (18 / 21 - 0.5)
    others = {2: 16 / 22 * root * (16 / 21 - 0.5), 5: 14 / 22 * root * (14 / 21 - 0.5),
              9: 15 / 22 * root * (15 / 21 - 0.5), 7: 9 / 22 * root * (9 / 21 - 0.5)}
    assert all(value < s1 for value in others.values())
    assert (18 / 22) / ((17 + 17 + 1) / 42) < 1
    items = polis_report.representative_comments(AGREE, DISAGREE, SEEN, 1)
    # Sufficient for B: s0 (disagree), s2 and s5 (agree); metric order s2, s0, s5; the best
    # agree s1 in front; agrees (s2, s5) before disagrees (s1, s0).
    assert [item["index"] for item in items] == [2, 5, 1, 0]
    s1_item = items[2]
    assert s1_item["best_agree"] and not s1_item["significant"]
    assert (s1_item["direction"], s1_item["shown_as"]) == ("disagree", "agree")
    assert [item["shown_as"] for item in items] == ["agree", "agree", "agree", "disagree"]
    # C votes like B: the same list.
    assert polis_report.representative_comments(AGREE, DISAGREE, SEEN, 2) == items


def test_excluded_statements_are_left_out_like_moderated_ones():
    # Without s0, A's first statement with pat > 1.2816 is s1 (ra 0.98 < 1, pa·pat 2.68,
    # which no later agree beats): it becomes A's best agree, not significant.
    items = polis_report.representative_comments(AGREE, DISAGREE, SEEN, 0, excluded=[0])
    assert [item["index"] for item in items] == [3, 7, 1, 2, 8]
    assert items[2]["best_agree"] and not items[2]["significant"]


def test_without_a_significant_statement_the_best_agree_stands_alone():
    # Two groups, two statements, 10 votes each: nothing passes both tests.
    agree = np.array([[7, 5], [5, 5]])
    disagree = np.array([[3, 5], [5, 5]])
    seen = np.array([[10, 10], [10, 10]])
    stats = polis_report.representativeness(agree, disagree, seen, 0)
    assert not stats["passes"].any()
    # s0: pat = 2·√11·(8/11 − 1/2) = 1.51 > 1.2816: the best agree.
    assert 2 * math.sqrt(11) * (8 / 11 - 0.5) > 1.2816
    items = polis_report.representative_comments(agree, disagree, seen, 0)
    assert [(item["index"], item["best_agree"], item["significant"]) for item in items] == \
        [(0, True, False)]
    # Nobody in the group agreed with anything: the best by test alone (the first of
    # equal ones, by Polis's strict >).
    items = polis_report.representative_comments(np.zeros((2, 2)), disagree, seen, 0)
    assert [(item["index"], item["best_agree"]) for item in items] == [(0, False)]


# -- majority (select-consensus-comments), consensus, uncertainty -----------------------------

def test_majority_opinion_by_hand():
    result = polis_report.majority(AGREE, DISAGREE, SEEN)
    root = 2 * math.sqrt(61)
    # Over all 60: s1 agreed 51 times, s9 42; s6 disagreed 54 times.
    s1 = (52 / 62, root * (52 / 61 - 0.5))
    s9 = (43 / 62, root * (43 / 61 - 0.5))
    s6 = (55 / 62, root * (55 / 61 - 0.5))
    assert s1[0] * s1[1] > s9[0] * s9[1]
    assert [item["index"] for item in result["agree"]] == [1, 9]
    assert [item["index"] for item in result["disagree"]] == [6]
    assert (result["agree"][0]["p_success"], result["agree"][0]["p_test"]) == \
        pytest.approx(s1)
    assert (result["agree"][1]["p_success"], result["agree"][1]["p_test"]) == \
        pytest.approx(s9)
    assert (result["disagree"][0]["p_success"], result["disagree"][0]["p_test"]) == \
        pytest.approx(s6)
    assert (result["agree"][0]["n_success"], result["agree"][0]["n_trials"]) == (51, 60)
    # s2 is agreed 32 times of 60: p = 33/62 > 0.5, but z = 2·√61·(33/61 − 1/2) = 0.64.
    assert 33 / 62 > 0.5 and root * (33 / 61 - 0.5) < 1.2816
    # A groups × statements array or the totals give the same.
    assert polis_report.majority(AGREE.sum(0), DISAGREE.sum(0), SEEN.sum(0)) == result
    assert polis_report.majority(AGREE, DISAGREE, SEEN, excluded=[1])["agree"][0]["index"] == 9


def test_group_informed_consensus_by_hand():
    consensus = polis_report.group_consensus(AGREE, SEEN)
    assert consensus[1] == pytest.approx((18 / 22) ** 3)
    assert consensus[0] == pytest.approx(19 / 22 * (5 / 22) ** 2)
    assert consensus[6] == pytest.approx((2 / 22) ** 3)
    assert int(np.argmax(consensus)) == 1


def test_areas_of_uncertainty_by_hand():
    result = polis_report.uncertainty(PASSED, SEEN)
    # s4: 30 passes of 60 (0.5), s3: 22 of 60; ordered by share² × passes: 7.5 vs 2.96.
    assert (0.5 ** 2 * 30) > (22 / 60) ** 2 * 22
    assert [item["index"] for item in result] == [4, 3]
    assert result[0] == {"index": 4, "passed": 30, "seen": 60, "share": 0.5}
    assert result[1]["share"] == pytest.approx(22 / 60)
    # s7 and s8: 18 passes of 60, exactly 0.3: not over 30 %, left out.
    assert PASSED[:, 7].sum() == PASSED[:, 8].sum() == 18
    assert [item["index"] for item in polis_report.uncertainty(PASSED, SEEN, top=1)] == [4]
    assert polis_report.uncertainty(PASSED, SEEN, excluded=[4])[0]["index"] == 3


# -- hulls and the statement table (analytics/metrics/groups.py) -----------------------------

def test_hulls_outline_each_group():
    positions = {"x": [0, 2, 2, 0, 1, 5, 6, 7], "y": [0, 0, 2, 2, 1, 5, 5, 5],
                 "group": ["A"] * 5 + ["B"] * 3}
    hulls = groups.hulls(positions)
    corners = set(zip(hulls["A"]["x"], hulls["A"]["y"], strict=True))
    assert corners == {(0, 0), (2, 0), (2, 2), (0, 2)}          # the centre is inside
    assert len(hulls["A"]["x"]) == 5                             # closed: back to the start
    assert (hulls["A"]["x"][0], hulls["A"]["y"][0]) == (hulls["A"]["x"][-1],
                                                        hulls["A"]["y"][-1])
    # Collinear points: the segment between the two ends.
    assert hulls["B"] == {"x": [5.0, 7.0, 5.0], "y": [5.0, 5.0, 5.0]}


def test_statement_table_keeps_numbers_and_hides_small_cells():
    result = {"statements": [
        {"id": "p1", "content": "x", "votes": 30, "agree": 50.0, "disagree": 40.0,
         "pass": 10.0, "consensus": 0.2, "representative_of": "A", "majority": None,
         "groups": {"A": {"votes": 22, "agree": 60.0, "disagree": 30.0, "pass": 10.0},
                    "B": {"votes": None, "agree": None, "disagree": None, "pass": None}}}]}
    table = groups.statement_table(result, "en")
    assert list(table.columns[:7]) == ["id", "Proposal", "Votes", "Agree (%)", "Disagree (%)",
                                       "Neutral / pass (%)", "Group-informed consensus"]
    assert table["A: Agree (%)"].dtype == float and table["Votes"].iloc[0] == 30
    assert math.isnan(table["B: Agree (%)"].iloc[0])                 # under 10: empty
    german = groups.statement_table(result, "de")
    assert list(german.columns[:7]) == ["id", "Vorschlag", "Stimmen", "Zustimmung (%)",
                                        "Ablehnung (%)", "Neutral / übersprungen (%)",
                                        "Gruppenübergreifender Konsens"]
    assert "A: Zustimmung (%)" in german.columns
    assert "A : D'accord (%)" in groups.statement_table(result, "fr").columns
    plain = groups.statement_table(result)          # for exports: stable column names
    assert list(plain.columns[-4:]) == ["B_votes", "B_agree", "B_disagree", "B_pass"]
