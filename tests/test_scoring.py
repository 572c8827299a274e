"""Make.org's scores (SPEC section 3) against values computed by hand."""

import math

import numpy as np
import pytest

from analytics.metrics import scoring
from analytics.vocabulary import COUNT_KEYS


def counts(**given):
    return {key: np.array([given.get(key, 0)]) for key in COUNT_KEYS}


def test_key_score_and_confidence_by_hand():
    # n = 10 votes, 6 agree: s = (6 + 0.33) / 11 = 0.575454...
    # p' = (10 * 0.575454 + 2) / 14 = 0.553896..., c = 2 * sqrt(p'(1 - p') / 14) = 0.265704...
    result = scoring.key_score(6, 10, "agree")
    assert result.score[()] == pytest.approx(0.5754545454545454, abs=1e-12)
    assert result.confidence[()] == pytest.approx(0.2657040, abs=1e-7)
    assert result.lower[()] == pytest.approx(0.5754545 - 0.2657040, abs=1e-6)


def test_qualification_uses_the_small_smoothing():
    # s(likeIt) with 3 of 10: (3 + 0.01) / 11 = 0.273636...
    assert scoring.key_score(3, 10, "likeIt").score[()] == pytest.approx(3.01 / 11)


def test_key_score_is_capped_at_one():
    # (10 + 0.33) / (1 + 10) = 0.939 < 1; with count = n the cap is not reached,
    # so check the cap with the formula's own bound: count + smooth > 1 + n.
    result = scoring.key_score(5, 0, "agree")   # (5.33) / 1 -> capped to 1
    assert result.score[()] == 1.0
    # p' = (0 * 1 + 2) / 4 = 0.5 -> c = 2 * sqrt(0.25 / 4) = 0.5
    assert result.confidence[()] == pytest.approx(0.5)


def test_no_vote_gives_smoothing_only():
    result = scoring.key_score(0, 0, "neutral")
    assert result.score[()] == pytest.approx(0.33)
    # p' = 2 / 4 -> c = 0.5
    assert result.confidence[()] == pytest.approx(0.5)


def hand(count, n, smooth):
    s = min((count + smooth) / (1 + n), 1)
    p = (n * s + 2) / (n + 4)
    return s, 2 * math.sqrt(p * (1 - p) / (n + 4))


def test_composite_scores_by_hand():
    # 40 agree (12 likeIt, 8 doable, 2 platitudeAgree), 45 disagree (20 noWay,
    # 5 impossible, 1 platitudeDisagree), 15 neutral: n = 100.
    given = dict(agree=40, disagree=45, neutral=15, likeIt=12, doable=8, platitudeAgree=2,
                 noWay=20, impossible=5, platitudeDisagree=1)
    n = 100
    a, ca = hand(40, n, 0.33)
    d, cd = hand(45, n, 0.33)
    lk, cl = hand(12, n, 0.01)
    do, cdo = hand(8, n, 0.01)
    nw, cnw = hand(20, n, 0.01)
    im, cim = hand(5, n, 0.01)
    pa, cpa = hand(2, n, 0.01)
    pd, cpd = hand(1, n, 0.01)
    scores = scoring.compute_scores(counts(**given))

    top = a + lk + do - nw - im - (pa + pd)
    top_c = math.sqrt(ca**2 + cl**2 + cdo**2 + cnw**2 + cim**2 + cpa**2 + cpd**2)
    assert scores.top_score.score[0] == pytest.approx(top, abs=1e-12)
    assert scores.top_score.confidence[0] == pytest.approx(top_c, abs=1e-12)

    # min(agree, disagree): min of scores (agree here), max of confidences.
    controversy = min(a, d) + min(lk, nw)
    controversy_c = math.sqrt(max(ca, cd) ** 2 + max(cl, cnw) ** 2)
    assert scores.controversy.score[0] == pytest.approx(controversy, abs=1e-12)
    assert scores.controversy.confidence[0] == pytest.approx(controversy_c, abs=1e-12)
    assert scores.controversy.lower[0] == pytest.approx(controversy - controversy_c, abs=1e-12)
    assert scores.controversy.upper[0] == pytest.approx(controversy + controversy_c, abs=1e-12)

    rejection = d + nw + im - lk - do - (pa + pd)
    rejection_c = math.sqrt(cd**2 + cnw**2 + cim**2 + cl**2 + cdo**2 + cpa**2 + cpd**2)
    assert scores.rejection.score[0] == pytest.approx(rejection, abs=1e-12)
    assert scores.rejection.confidence[0] == pytest.approx(rejection_c, abs=1e-12)

    engagement = (lk - nw) + (do - im) - (pa + pd)
    engagement_c = math.sqrt(cl**2 + cnw**2 + cdo**2 + cim**2 + cpa**2 + cpd**2)
    assert scores.engagement.score[0] == pytest.approx(engagement, abs=1e-12)
    assert scores.engagement.confidence[0] == pytest.approx(engagement_c, abs=1e-12)


def test_literal_values():
    # Worked example kept as literals (computed once with a calculator):
    # n = 100, agree 40 -> s = 40.33 / 101 = 0.399307, p' = (39.9307 + 2) / 104 = 0.403180,
    # c = 2 * sqrt(0.403180 * 0.596820 / 104) = 0.096202
    result = scoring.key_score(40, 100, "agree")
    assert result.score[()] == pytest.approx(0.399307, abs=1e-6)
    assert result.confidence[()] == pytest.approx(0.096202, abs=1e-6)


def test_min_takes_the_larger_confidence():
    small_sure = scoring.Score(np.array([0.2]), np.array([0.01]))
    large_unsure = scoring.Score(np.array([0.5]), np.array([0.3]))
    result = scoring.smallest(small_sure, large_unsure)
    assert result.score[0] == 0.2
    assert result.confidence[0] == 0.3


def test_sum_and_difference_combine_confidences_quadratically():
    x = scoring.Score(np.array([0.5]), np.array([0.3]))
    y = scoring.Score(np.array([0.2]), np.array([0.4]))
    assert (x + y).score[0] == pytest.approx(0.7)
    assert (x - y).score[0] == pytest.approx(0.3)
    assert (x + y).confidence[0] == pytest.approx(0.5)    # sqrt(0.09 + 0.16)
    assert (x - y).confidence[0] == pytest.approx(0.5)


def zone_of(a, d, u):
    def key(v):
        return scoring.Score(np.array([v]), np.array([0.0]))
    zero = key(0.0)
    scores = scoring.Scores(key(a), key(d), key(u), zero, zero, zero, zero)
    return str(scoring.zones(scores)[0])


@pytest.mark.parametrize("a, d, u, zone", [
    (0.6, 0.3, 0.5, "consensus"),            # a >= 0.6 exactly
    (0.5999, 0.3, 0.5, "limbo"),             # just under, neutral high
    (0.5, 0.1499, 0.3999, "consensus"),      # u < 0.4 and d < 0.15
    (0.5, 0.15, 0.3999, "controversy"),      # d reaches 0.15
    (0.5, 0.1499, 0.4, "limbo"),             # u reaches 0.4
    (0.3, 0.6, 0.1, "rejection"),            # d >= 0.6 exactly
    (0.3, 0.5999, 0.1, "controversy"),
    (0.1499, 0.3, 0.3999, "rejection"),      # u < 0.4 and a < 0.15
    (0.15, 0.3, 0.3999, "controversy"),      # a reaches 0.15
    (0.1499, 0.3, 0.4, "limbo"),             # u reaches 0.4
    (0.6, 0.6, 0.1, "consensus"),            # consensus is tested first
    (0.1, 0.1, 0.39, "consensus"),           # u < 0.4 and d < 0.15 wins over a < 0.15
])
def test_zone_boundaries(a, d, u, zone):
    assert zone_of(a, d, u) == zone


def test_shares_are_percentages_of_all_votes():
    result = scoring.shares(counts(agree=3, disagree=1, neutral=4, likeIt=2, noWay=1,
                                   platitudeAgree=1, platitudeDisagree=1))
    assert result["agree"][0] == pytest.approx(37.5)
    assert result["like_it"][0] == pytest.approx(25.0)
    assert result["platitude"][0] == pytest.approx(25.0)
    assert math.isnan(scoring.shares(counts())["agree"][0])
