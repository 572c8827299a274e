"""Polis's opinion groups, computed the way Polis's math computes them.

The method of compdemocracy/polis (math/src/polismath/math/conversation.clj,
clusters.clj, pca.clj), as a small scikit-learn style estimator:

1. Participants "in the conversation": those who voted (a pass counts) on at
   least min(7, comments) comments; when fewer than 15 are, the most active
   voters top them up to 15. Votes on moderated-out comments count here.
2. The rating matrix: participants × comments that received a vote (1 agree,
   -1 disagree, 0 pass, missing where no vote). Moderated-out and meta comments
   are set to 0 for everyone (Polis's `zero-out-columns`): they weigh nothing in
   the PCA but count as "voted" in step 4, as in Polis.
3. PCA (2 components) of that matrix with each missing vote replaced by the
   comment's mean vote, over every participant (not only those in the
   conversation).
4. Each participant's position: the projection of the votes they cast only,
   times sqrt(comments / comments cast), so that someone who voted on few
   comments is not pulled to the centre.
5. Base clusters: k-means with 100 clusters on the positions of the
   participants in the conversation (every distinct position is its own base
   cluster when there are at most 100).
6. Groups: k-means of the base clusters' centres weighted by their sizes, for
   k = 2 ... min(5, 2 + base clusters // 12); the k kept has the best mean
   silhouette over base-cluster centres (unweighted, Euclidean; a centre alone
   in its group scores 0, as in Polis). A participant's group is their base
   cluster's.

Where we differ from Polis, and why:
- Starting centres. Polis recomputes at each batch of new votes and starts each
  k-means from the previous batch's clusters (`clean-start-clusters`); a run
  from scratch starts from the first k distinct rows. An export does not carry
  that history, so it cannot be replayed: by default we run scikit-learn's
  k-means (k-means++ starts, 10 restarts, fixed seed), which finds Polis's
  partition when the structure is clear and the tightest one we can otherwise.
  `init="polis"` starts from the first k distinct rows like a from-scratch Polis
  run (the row order is then the caller's: Polis's is the order of first votes).
- Number of groups. Polis adopts a new k only after it was the best for 4
  updates in a row (`group-k-smoother`); with one computation there is nothing
  to smooth: we keep the best silhouette (on a tie the larger k, as Clojure's
  `max-key` does).
- Iterations. Polis stops base k-means after 100 iterations and group k-means
  after 20 (its `:group-iters` option reaches `kmeans` under a name it ignores);
  scikit-learn iterates to convergence (at most 300; the Polis start keeps
  Polis's limits).
- PCA. Polis runs a power iteration from a random vector (100 iterations);
  scikit-learn's PCA is exact (eigenvectors of the covariance, or ARPACK on
  the sparse centred matrix for large inputs): the same components, up to sign.
- Above 10,000 participants Polis samples participants for a mini-batch PCA; we
  use every row given (the caller may sample).
- With `init="polis"` our k-means is Polis's (clusters.clj `kmeans`): Lloyd steps
  from the first k distinct rows, a cluster left empty is dropped (k shrinks),
  stop when every centre (sorted) moved less than 0.01 or after max_iter + 1
  steps. `k_` is the number of groups found, which can be below the k tried.
- Row order. A from-scratch Polis run (a recompute, an `at-time` export, or the
  matrix rebuilt after a restart) reads the votes ordered by comment then
  participant, so its rows are the participants in the order of the smallest
  comment id they voted on, then participant id: `polis_row_order` gives that
  order; `init="polis"` depends on it.

Older Polis math (the Polis code in force when a conversation's last vote was
cast is the one whose groups the export carries; `dated_options` gives it):
- before 2017-10-31 the in-conversation count read the matrix with moderated-out
  and meta columns already set to 0, so those comments counted as voted for
  everyone (`count_zeroed=True`);
- before 2017-10-21 a missing vote was 0 in the PCA, not the comment's mean
  (`impute="zero"`).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.metrics import silhouette_score

# Polis: a participant is in the conversation after min(7, comments) votes...
MIN_VOTES = 7
# ... and the conversation is topped up to 15 participants with the most active voters.
GREEDY_PARTICIPANTS = 15
BASE_K = 100
MAX_K = 5
SEED = 2022
# Polis's k-means stops when every centre moved less than this.
POLIS_TOLERANCE = 0.01
# Polis math changes (epoch milliseconds, UTC): missing votes as the comment's mean
# (commit 90b5b9e6), the in-conversation count on the raw votes (commit 30355e11).
MEAN_IMPUTATION_SINCE = 1508630400000       # 2017-10-22
RAW_COUNTS_SINCE = 1509494400000            # 2017-11-01
# Up to this many cells and comments, the PCA runs on the dense imputed matrix; above, on
# the sparse centred matrix (ARPACK).
DENSE_CELLS = 4_000_000
DENSE_COMMENTS = 2_000


def dated_options(last_vote_ms: float | None) -> dict:
    """The PolisClustering options of the Polis math in force at a conversation's last
    vote (epoch milliseconds); {} (today's math) when unknown."""
    if last_vote_ms is None or not np.isfinite(last_vote_ms):
        return {}
    options = {}
    if last_vote_ms < RAW_COUNTS_SINCE:
        options["count_zeroed"] = True
    if last_vote_ms < MEAN_IMPUTATION_SINCE:
        options["impute"] = "zero"
    return options


def polis_row_order(votes, comment_keys, participant_keys) -> np.ndarray:
    """The row order of a from-scratch Polis run: participants by the smallest comment
    key they voted on, then by participant key (Polis reads the votes ordered by
    comment id, then participant id, and appends each new participant as a row)."""
    rows, cols, _, n, _ = votes_as_coo(votes)
    comment_keys = np.asarray(comment_keys)
    first = np.full(n, np.inf)
    np.minimum.at(first, rows, comment_keys[cols].astype(float))
    return np.lexsort((np.asarray(participant_keys), first))


def polis_kmeans(points: np.ndarray, k: int, weights=None, max_iter: int = 20) -> np.ndarray:
    """Polis's k-means (clusters.clj): starts from the first k distinct rows; each
    step assigns every point to its nearest centre (ties: the first centre), drops the
    clusters left empty and moves each centre to its members' (weighted) mean; stops
    once every centre, centres sorted, moved less than 0.01, or after max_iter + 1
    steps. Labels 0..k'-1, k' <= k."""
    points = np.asarray(points, dtype=float)
    weights = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    _, first = np.unique(points, axis=0, return_index=True)
    centres = points[np.sort(first)[:k]]

    def nearest(centres):
        return ((points[:, None, :] - centres[None]) ** 2).sum(axis=-1).argmin(axis=1)

    for _ in range(max_iter + 1):
        labels = np.unique(nearest(centres), return_inverse=True)[1].reshape(-1)
        moved = np.column_stack([
            np.bincount(labels, weights=weights * points[:, d]) / np.bincount(labels, weights)
            for d in range(points.shape[1])])
        same = len(moved) == len(centres) and bool(np.all(np.linalg.norm(
            np.array(sorted(map(tuple, moved))) - np.array(sorted(map(tuple, centres))),
            axis=1) < POLIS_TOLERANCE))
        centres = moved
        if same:
            break
    return np.unique(nearest(centres), return_inverse=True)[1].reshape(-1)


def in_conversation(vote_counts, n_comments: int, *, min_votes: int = MIN_VOTES,
                    greedy: int = GREEDY_PARTICIPANTS) -> np.ndarray:
    """Polis's `in-conv`: a boolean mask of participants. Ties among the most active
    voters are broken by row order."""
    counts = np.asarray(vote_counts)
    inside = (counts >= min(min_votes, n_comments)) & (counts > 0)
    missing = greedy - int(inside.sum())
    if missing > 0:
        others = np.flatnonzero(~inside & (counts > 0))
        inside[others[np.argsort(-counts[others], kind="stable")][:missing]] = True
    return inside


def max_k(n_base: int, *, max_max_k: int = MAX_K) -> int:
    """Polis's `max-k-fn`: min(5, 2 + base clusters // 12)."""
    return min(max_max_k, 2 + n_base // 12)


def votes_as_coo(votes):
    """(rows, cols, values, n, m) of a participants × comments vote matrix: a dense
    array with NaN where there is no vote, or a scipy sparse matrix whose stored
    entries are the votes (a stored 0 is a pass)."""
    if sparse.issparse(votes):
        coo = sparse.coo_matrix(votes)
        return (coo.row.astype(np.int64), coo.col.astype(np.int64),
                coo.data.astype(float), *coo.shape)
    dense = np.asarray(votes, dtype=float)
    if dense.ndim != 2:
        raise ValueError("votes must be a 2-D participants × comments matrix")
    rows, cols = np.nonzero(~np.isnan(dense))
    return rows, cols, dense[rows, cols], *dense.shape


class PolisClustering:
    """Polis's groups of participants.

    `fit(votes, moderated_out=None)`: `votes` is participants × comments with 1
    (agree), -1 (disagree), 0 (pass) and NaN (no vote), or a sparse matrix of the
    votes (see `votes_as_coo`); `moderated_out` a boolean mask (or indices) of the
    comments moderated out or meta. After fit:

    - `labels_`: group of each participant (0..k-1), -1 when not clustered;
    - `k_`: number of groups (0 when nobody could be grouped);
    - `positions_`: n × 2 positions of every participant;
    - `in_conv_`: the participants clustered;
    - `base_labels_`: base cluster of each participant (-1 when not clustered);
    - `base_centers_`, `base_sizes_`, `base_group_labels_`: the base clusters and
      their groups;
    - `silhouettes_`: {k: mean silhouette over base-cluster centres};
    - `components_`, `center_`, `explained_variance_ratio_`: the PCA;
    - `n_comments_`: the comments of the matrix (those that received a vote).
    """

    def __init__(self, *, base_k: int = BASE_K, max_k: int = MAX_K,
                 min_votes: int = MIN_VOTES, greedy: int = GREEDY_PARTICIPANTS,
                 init: str = "k-means++", n_init: int = 10, random_state: int = SEED,
                 impute: str = "mean", count_zeroed: bool = False):
        self.base_k, self.max_k, self.min_votes, self.greedy = base_k, max_k, min_votes, greedy
        self.init, self.n_init, self.random_state = init, n_init, random_state
        self.impute, self.count_zeroed = impute, count_zeroed

    # -- PCA and positions ---------------------------------------------------------------

    def _project(self, rows, cols, values, n, m, zeroed: np.ndarray) -> np.ndarray:
        """Positions of every participant; sets the PCA attributes."""
        counts = np.bincount(cols, minlength=m)
        means = np.divide(np.bincount(cols, weights=values, minlength=m), counts,
                          out=np.zeros(m), where=counts > 0)
        means[zeroed] = 0.0
        n_voted = int((counts > 0).sum())
        kept = ~zeroed[cols]
        if self.impute == "zero":
            # Polis before 2017-10-21: a missing vote is 0, the centre the mean over all rows.
            voted_rows = np.bincount(rows[kept], minlength=n) + int(zeroed.sum())
            means = means * counts / n
            means[zeroed] = 0.0
            filled = np.tile(-means, (n, 1))
            filled[rows[kept], cols[kept]] = values[kept] - means[cols[kept]]
            filled[:, zeroed | (counts == 0)] = 0.0
            dense = filled
            matrix = sparse.csr_matrix((filled[rows[kept], cols[kept]],
                                        (rows[kept], cols[kept])), shape=(n, m))
        else:
            dense = None
            rows, cols, centred = rows[kept], cols[kept], values[kept] - means[cols[kept]]
            # Once a missing vote is the comment's mean, the centred matrix is as sparse as
            # the votes.
            matrix = sparse.csr_matrix((centred, (rows, cols)), shape=(n, m))
            voted_rows = np.bincount(rows, minlength=n) + int(zeroed.sum())
        self.center_, self.components_ = means, np.zeros((2, m))
        self.explained_variance_ratio_ = np.zeros(2)
        total = float((dense ** 2).sum()) if dense is not None else float(matrix.power(2).sum())
        p = min(2, n - 1, m)
        if p >= 1 and total > 0:
            if (n * m <= DENSE_CELLS and m <= DENSE_COMMENTS) or p >= min(n, m) - 1:
                # Eigenvectors of the comments' covariance: exact, and cheap for a matrix
                # of a few thousand comments at most.
                pca = PCA(n_components=p, svd_solver="covariance_eigh").fit(
                    dense if dense is not None else matrix.toarray())
                components, ratios = pca.components_, pca.explained_variance_ratio_
            else:
                svd = TruncatedSVD(p, algorithm="arpack", random_state=self.random_state)
                svd.fit(matrix if dense is None else dense)
                components, ratios = svd.components_, svd.singular_values_ ** 2 / total
            # A deterministic sign: the largest loading of each component is positive.
            signs = np.sign(components[np.arange(p), np.abs(components).argmax(axis=1)])
            self.components_[:p] = components * signs[:, None]
            self.explained_variance_ratio_[:p] = ratios
        # Zeroed comments count as cast, as Polis's zero-out-columns makes them; the
        # matrix has the comments that received a vote.
        scale = np.sqrt(n_voted / np.maximum(voted_rows, 1))
        return np.asarray(matrix @ self.components_.T) * scale[:, None]

    # -- k-means -------------------------------------------------------------------------

    def _kmeans(self, points: np.ndarray, k: int, weights, polis_iterations: int):
        if self.init == "polis":
            # A from-scratch Polis run: Polis's own k-means (empty clusters dropped).
            return polis_kmeans(points, k, weights, polis_iterations)
        model = KMeans(k, n_init=self.n_init, random_state=self.random_state)
        labels = model.fit_predict(points, sample_weight=weights)
        return np.unique(labels, return_inverse=True)[1].reshape(-1)    # no empty cluster

    def _base_clusters(self, points: np.ndarray):
        """Base labels, centres and sizes."""
        distinct, first, inverse = np.unique(points, axis=0, return_index=True,
                                             return_inverse=True)
        inverse = inverse.reshape(-1)
        if len(distinct) <= self.base_k:
            # Polis's k-means starts from the first k distinct positions: with at most k
            # of them, each distinct position is a base cluster (numbered in row order).
            order = np.argsort(np.argsort(first))
            labels = order[inverse]
            return labels, points[np.sort(first)], np.bincount(labels)
        labels = self._kmeans(points, self.base_k, None, 100)
        sizes = np.bincount(labels)
        centres = np.column_stack([np.bincount(labels, weights=points[:, d]) / sizes
                                   for d in range(points.shape[1])])
        return labels, centres, sizes

    def _group_clusterings(self, centres: np.ndarray, sizes: np.ndarray):
        clusterings, silhouettes = {}, {}
        for k in range(2, max_k(len(centres), max_max_k=self.max_k) + 1):
            if k >= len(centres):        # a silhouette needs k < number of centres
                break
            labels = self._kmeans(centres, k, sizes, 20)
            if labels.max() < 1:
                continue
            clusterings[k] = labels
            silhouettes[k] = float(silhouette_score(centres, labels))
        return clusterings, silhouettes

    # -- estimator -----------------------------------------------------------------------

    @staticmethod
    def _matrix(votes, moderated_out):
        """(rows, cols, values, n, m, zeroed, voted) of the votes."""
        rows, cols, values, n, m = votes_as_coo(votes)
        zeroed = np.zeros(m, dtype=bool)
        if moderated_out is not None:
            zeroed[np.asarray(moderated_out)] = True
        # Polis's matrix has the comments that received a vote only.
        voted = np.bincount(cols, minlength=m) > 0
        return rows, cols, values, n, m, zeroed & voted, voted

    def fit_positions(self, votes, moderated_out=None) -> PolisClustering:
        """The PCA and the positions only (`positions_`, `components_`, `center_`,
        `explained_variance_ratio_`), without clustering."""
        rows, cols, values, n, m, zeroed, voted = self._matrix(votes, moderated_out)
        self.n_comments_ = int(voted.sum())
        self.positions_ = self._project(rows, cols, values, n, m, zeroed)
        return self

    def fit(self, votes, moderated_out=None) -> PolisClustering:
        rows, cols, values, n, m, zeroed, voted = self._matrix(votes, moderated_out)
        self.n_comments_ = int(voted.sum())
        counts = np.bincount(rows, minlength=n)
        if self.count_zeroed:
            # Polis before 2017-10-31 counted the zeroed matrix: zeroed columns as voted.
            counts = counts + int(zeroed.sum())
        self.in_conv_ = in_conversation(counts, self.n_comments_,
                                        min_votes=self.min_votes, greedy=self.greedy)
        self.positions_ = self._project(rows, cols, values, n, m, zeroed)
        self.labels_, self.base_labels_ = np.full(n, -1), np.full(n, -1)
        self.base_centers_ = np.zeros((0, 2))
        self.base_sizes_ = self.base_group_labels_ = np.zeros(0, dtype=int)
        self.silhouettes_, self.k_ = {}, 0
        inside = np.flatnonzero(self.in_conv_)
        if len(inside) < 3:
            return self
        base, centres, sizes = self._base_clusters(self.positions_[inside])
        self.base_labels_[inside] = base
        self.base_centers_, self.base_sizes_ = centres, sizes
        clusterings, self.silhouettes_ = self._group_clusterings(centres, sizes)
        if clusterings:
            best = max(clusterings, key=lambda k: (self.silhouettes_[k], k))
            self.base_group_labels_ = clusterings[best]
            self.k_ = int(self.base_group_labels_.max()) + 1
            self.labels_[inside] = self.base_group_labels_[base]
        return self

    def fit_predict(self, votes, moderated_out=None) -> np.ndarray:
        return self.fit(votes, moderated_out).labels_
