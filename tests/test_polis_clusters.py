"""PolisClustering on small planted matrices (analytics/metrics/polis_clusters.py)."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.metrics.polis_clusters import (
    PolisClustering,
    dated_options,
    in_conversation,
    max_k,
    polis_kmeans,
    polis_row_order,
)


def planted(n_per_group=20, m=12, noise=0.1, seed=0):
    """Two groups voting opposite ways on every comment, a few votes flipped or missing."""
    rng = np.random.default_rng(seed)
    pattern = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    votes = np.vstack([np.tile(pattern, (n_per_group, 1)), np.tile(-pattern, (n_per_group, 1))])
    flip = rng.random(votes.shape) < noise
    votes[flip] = -votes[flip]
    votes[rng.random(votes.shape) < 0.1] = np.nan
    truth = np.repeat([0, 1], n_per_group)
    return votes, truth


def test_in_conversation_threshold_and_greedy_top_up():
    # 20 comments: 7 votes needed; only 3 participants have them, so the 12 most
    # active of the others top the conversation up to 15 (ties broken by row order).
    counts = np.array([7, 9, 20] + [6] * 5 + [3] * 10 + [1] * 5 + [0] * 2)
    inside = in_conversation(counts, 20)
    assert inside.sum() == 15
    assert inside[:3].all() and inside[3:8].all()
    assert inside[8:15].all() and not inside[15:18].any()   # the first 7 of the 3-vote ones
    assert not inside[-7:].any()                            # 1 vote: not needed; 0: never


def test_in_conversation_few_comments_and_enough_participants():
    # 4 comments: min(7, 4) = 4 votes are enough; 16 qualify, so no top-up.
    counts = np.array([4] * 16 + [3] * 4)
    inside = in_conversation(counts, 4)
    assert inside.tolist() == [True] * 16 + [False] * 4


@pytest.mark.parametrize("n_base, expected", [(0, 2), (11, 2), (12, 3), (35, 4), (36, 5),
                                              (100, 5)])
def test_max_k(n_base, expected):
    assert max_k(n_base) == expected


@pytest.mark.parametrize("init", ["k-means++", "polis"])
def test_planted_two_groups_found_exactly(init):
    votes, truth = planted()
    model = PolisClustering(init=init).fit(votes)
    assert model.k_ == 2
    assert model.in_conv_.all()
    assert adjusted_rand_score(truth, model.labels_) == 1.0
    assert model.silhouettes_[2] == max(model.silhouettes_.values())


def test_deterministic():
    votes, _ = planted(seed=3)
    first = PolisClustering().fit(votes)
    second = PolisClustering().fit(votes.copy())
    assert np.array_equal(first.labels_, second.labels_)
    assert np.allclose(first.positions_, second.positions_)
    polis = [PolisClustering(init="polis").fit(votes).labels_ for _ in range(2)]
    assert np.array_equal(*polis)


def test_few_votes_not_clustered_and_moderated_out_counts_as_voted():
    votes, _ = planted()
    votes[0, 2:] = np.nan                        # 2 votes on 12 comments: out
    model = PolisClustering().fit(votes)
    assert not model.in_conv_[0] and model.labels_[0] == -1
    # With its other ten comments moderated out, Polis's count before November 2017
    # (zeroed comments counted as voted) puts it in: 2 + 10 >= 7.
    legacy = PolisClustering(count_zeroed=True).fit(votes, moderated_out=np.arange(2, 12))
    assert legacy.in_conv_[0]


def test_polis_kmeans_starts_from_first_distinct_rows_and_drops_empty_clusters():
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [0.1, 0.0], [10.1, 0.0]])
    assert polis_kmeans(points, 2).tolist() == [0, 0, 1, 0, 1]
    # Three starting centres, two of them one point: the middle one empties and is dropped.
    line = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.0], [20.0, 0.0]])
    labels = polis_kmeans(line, 3)
    assert labels.max() + 1 <= 3 and labels[3] != labels[0]


def test_polis_row_order():
    # Rows: participant 7 voted on comment 1, participant 2 on comments 3 and 5,
    # participant 4 on comment 1: by smallest comment, then participant id: 4, 7, 2.
    votes = np.array([[1.0, np.nan, np.nan], [np.nan, 1.0, -1.0], [1.0, np.nan, np.nan]])
    order = polis_row_order(votes, comment_keys=[1, 3, 5], participant_keys=[7, 2, 4])
    assert order.tolist() == [2, 0, 1]


def test_dated_options():
    assert dated_options(None) == {}
    assert dated_options(1_700_000_000_000) == {}                     # 2023
    assert dated_options(1_509_000_000_000) == {"count_zeroed": True}  # 2017-10-26
    assert dated_options(1_500_000_000_000) == {"count_zeroed": True, "impute": "zero"}


def test_zero_imputation_still_finds_planted_groups():
    votes, truth = planted(seed=5)
    model = PolisClustering(impute="zero").fit(votes)
    assert model.k_ == 2 and adjusted_rand_score(truth, model.labels_) == 1.0
