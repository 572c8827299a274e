"""Opinion groups: who votes alike, found the way Polis finds them.

Polis (compdemocracy/polis, math/src/polismath/math/) builds the participant ×
comment vote matrix (agree 1, disagree -1, pass 0), fills a missing vote with the
comment's mean vote, takes the first two principal components of that matrix,
places each participant with a "sparsity-aware" projection (only the votes they
cast, scaled by sqrt(comments / votes cast) so that someone who voted on few
comments is not pulled to the centre), clusters participants who voted on at
least min(7, comments) comments with k-means for k = 2..5 and keeps the k with
the best silhouette. A comment represents a group when the group agrees (or
disagrees) with it more than the others do ("repness": ratio of smoothed
shares and two z-tests, both significant at 90 %); group-informed consensus
is the product over groups of (agree_g + 1) / (votes_g + 2).

Differences, all stated on the page: we cluster the 2-D positions directly
(Polis first makes 100 small "base" clusters and clusters their centres, to keep
its live updates cheap); we sample participants above a cap instead of
mini-batch PCA; a group under 10 participants is never shown (SPEC section 5),
and a group's share on a proposal is only shown when at least 10 of its members
voted on it. Everything is deterministic (fixed seeds)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.engine import segment_votes
from analytics.segment import Segment
from analytics.vocabulary import MIN_SEGMENT_PARTICIPANTS

# Polis: a participant is clustered once they voted on min(7, comments) comments.
MIN_PARTICIPANT_VOTES = 7
# A proposal enters the matrix when at least this many kept participants voted on it.
MIN_PROPOSAL_VOTES = 10
# Above this many eligible participants, a deterministic random sample is used.
MAX_PARTICIPANTS = 5_000
K_VALUES = (2, 3, 4, 5)
SEED = 2022
# One-sided 90 % significance (Polis's z-sig-90?).
Z_90 = 1.2816
REPRESENTATIVE_PER_GROUP = 5
CONSENSUS_TOP = 10
# Kaufman & Rousseeuw: an average silhouette under 0.25 means no substantial structure.
WEAK_SILHOUETTE = 0.25
# The first axis must explain this many times what it explains for shuffled votes.
STRUCTURE_RATIO = 1.25
# The mean silhouette is taken over at most this many participants (each one exact).
SILHOUETTE_SAMPLE = 2_000
# When the matrix has at most this many rows or columns, the PCA is exact (eigenvectors of
# the smaller Gram matrix); above, sparse subspace iteration.
EXACT_SIZE = 600
GROUP_LABELS = "ABCDEFGHIJ"
VOTE_VALUES = {"agree": 1, "disagree": -1, "neutral": 0}


@dataclass(frozen=True)
class GroupOptions:
    segment: Segment = field(default_factory=Segment)
    min_participant_votes: int = MIN_PARTICIPANT_VOTES
    min_proposal_votes: int = MIN_PROPOSAL_VOTES
    max_participants: int = MAX_PARTICIPANTS
    k_values: tuple[int, ...] = K_VALUES
    seed: int = SEED
    representative: int = REPRESENTATIVE_PER_GROUP
    consensus_top: int = CONSENSUS_TOP


DEFAULT_GROUP_OPTIONS = GroupOptions()


# -- linear algebra -------------------------------------------------------------------------

class Matrix:
    """A participant × proposal vote matrix in coordinate form (one entry per vote).
    Every row and every column holds at least one vote."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, m: int):
        self.rows, self.cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        self.values, self.n, self.m = np.asarray(values, dtype=float), int(n), int(m)
        # Sorted orders and segment starts, for products by row and by column.
        self._by_row = np.argsort(self.rows, kind="stable")
        self._by_col = np.argsort(self.cols, kind="stable")
        self._row_starts = np.searchsorted(self.rows[self._by_row], np.arange(self.n))
        self._col_starts = np.searchsorted(self.cols[self._by_col], np.arange(self.m))

    def operators(self, weights: np.ndarray):
        """With S the n × m matrix holding `weights` at the votes: the functions
        v (m × p) -> S v and u (n × p) -> Sᵀ u."""
        by_row, by_col = self._by_row, self._by_col
        row_weights, row_cols = weights[by_row, None], self.cols[by_row]
        col_weights, col_rows = weights[by_col, None], self.rows[by_col]
        row_starts, col_starts = self._row_starts, self._col_starts

        def times(vector: np.ndarray) -> np.ndarray:
            return np.add.reduceat(row_weights * vector[row_cols], row_starts, axis=0)

        def times_t(vector: np.ndarray) -> np.ndarray:
            return np.add.reduceat(col_weights * vector[col_rows], col_starts, axis=0)

        return times, times_t

    def dense(self, weights: np.ndarray) -> np.ndarray:
        out = np.zeros((self.n, self.m))
        out[self.rows, self.cols] = weights
        return out


@dataclass
class PCA:
    center: np.ndarray        # per proposal: the mean of its votes (Polis's imputed value)
    components: np.ndarray    # 2 × m, unit rows
    explained: np.ndarray     # share of the imputed matrix's variance per component
    positions: np.ndarray     # n × 2, sparsity-aware projections


def pca(matrix: Matrix, n_components: int = 2, *, seed: int = SEED,
        exact_size: int = EXACT_SIZE, iterations: int = 60) -> PCA:
    """PCA of the vote matrix with missing votes imputed by the proposal's mean vote.

    After imputation and centring, a missing cell is exactly 0, so the centred
    matrix is as sparse as the votes: entries (vote - mean) at the votes."""
    counts = np.bincount(matrix.cols, minlength=matrix.m)
    sums = np.bincount(matrix.cols, weights=matrix.values, minlength=matrix.m)
    center = sums / np.maximum(counts, 1)
    centred = matrix.values - center[matrix.cols]
    total = float(np.dot(centred, centred))
    p = min(n_components, matrix.n, matrix.m)
    if min(matrix.n, matrix.m) <= exact_size:
        components, singular = _exact(matrix.dense(centred), p)
    else:
        components, singular = _subspace_iteration(matrix, centred, p, seed, iterations)
    # A deterministic sign: the largest loading of each component is positive.
    for i in range(p):
        if components[i, np.argmax(np.abs(components[i]))] < 0:
            components[i] = -components[i]
    if p < n_components:
        components = np.vstack([components, np.zeros((n_components - p, matrix.m))])
        singular = np.concatenate([singular, np.zeros(n_components - p)])
    explained = singular ** 2 / total if total > 0 else np.zeros(n_components)
    # Polis's sparsity-aware projection: the votes cast only, scaled by sqrt(m / votes cast).
    votes_cast = np.bincount(matrix.rows, minlength=matrix.n)
    scale = np.sqrt(matrix.m / np.maximum(votes_cast, 1))
    positions = matrix.operators(centred)[0](components.T) * scale[:, None]
    return PCA(center, components, explained, positions)


def _exact(dense: np.ndarray, p: int):
    """Top-p right singular vectors and values, from the eigendecomposition of the smaller
    of XᵀX and XXᵀ (much cheaper than a full SVD for a thin matrix)."""
    if dense.shape[1] <= dense.shape[0]:
        values, vectors = np.linalg.eigh(dense.T @ dense)
        order = np.argsort(values)[::-1][:p]
        return vectors[:, order].T, np.sqrt(np.maximum(values[order], 0.0))
    values, vectors = np.linalg.eigh(dense @ dense.T)
    order = np.argsort(values)[::-1][:p]
    singular = np.sqrt(np.maximum(values[order], 0.0))
    components = (dense.T @ vectors[:, order]) / np.where(singular > 0, singular, 1.0)
    return components.T, singular


def _orthonormal(z: np.ndarray) -> np.ndarray:
    """An orthonormal basis of z's columns: Cholesky-QR (cheap for thin blocks), QR when
    the block is too ill-conditioned for it."""
    try:
        lower = np.linalg.cholesky(z.T @ z)
        return np.linalg.solve(lower, z.T).T
    except np.linalg.LinAlgError:
        return np.linalg.qr(z)[0]


def _subspace_iteration(matrix: Matrix, centred: np.ndarray, p: int, seed: int,
                        iterations: int, tolerance: float = 1e-6):
    """Top-p right singular vectors of the sparse centred matrix: block power method with
    oversampling (Halko, Martinsson & Tropp 2011), stopped when the top-p values settle,
    then Rayleigh-Ritz."""
    block = min(p + 10, matrix.m)
    times, times_t = matrix.operators(centred)
    rng = np.random.default_rng(seed)
    q = _orthonormal(rng.standard_normal((matrix.m, block)))
    previous = None
    for _ in range(iterations):
        z = times_t(times(q))
        values = np.sort(np.linalg.norm(z, axis=0))[::-1][:p]
        q = _orthonormal(z)
        if previous is not None and np.all(np.abs(values - previous) <= tolerance * values[0]):
            break
        previous = values
    _, singular, wt = np.linalg.svd(times(q), full_matrices=False)
    components = (q @ wt.T).T[:p]
    return components, singular[:p]


def kmeans(points: np.ndarray, k: int, *, seed: int = SEED, restarts: int = 10,
           iterations: int = 100) -> tuple[np.ndarray, float]:
    """Labels (0..k-1) and inertia of the best of `restarts` k-means++ runs."""
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = None, math.inf
    for _ in range(restarts):
        centres = _kmeans_plus_plus(points, k, rng)
        labels = np.zeros(len(points), dtype=int)
        for _ in range(iterations):
            distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            new_labels = distances.argmin(axis=1)
            for j in range(k):
                members = new_labels == j
                if members.any():
                    centres[j] = points[members].mean(axis=0)
                else:   # an emptied cluster restarts at the point farthest from its centre
                    far = distances[np.arange(len(points)), new_labels].argmax()
                    centres[j] = points[far]
                    new_labels[far] = j
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
        inertia = float(((points - centres[labels]) ** 2).sum())
        if inertia < best_inertia - 1e-12:
            best_labels, best_inertia = labels.copy(), inertia
    return best_labels, best_inertia


def _kmeans_plus_plus(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [points[rng.integers(len(points))]]
    closest = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        index = rng.integers(len(points)) if total <= 0 else rng.choice(
            len(points), p=closest / total)
        centres.append(points[index])
        closest = np.minimum(closest, ((points - points[index]) ** 2).sum(axis=1))
    return np.array(centres, dtype=float)


def silhouette_scores(points: np.ndarray, labelings: list[np.ndarray], *,
                      sample: int | None = None, seed: int = SEED,
                      chunk: int = 1000) -> list[float]:
    """Mean silhouette (Rousseeuw 1987) of each labelling. Each point's silhouette is
    exact (distances to every point); with `sample`, the mean is taken over that many
    points drawn at random (an unbiased estimate). Distances are computed once, a block
    of rows at a time, and shared by the labellings."""
    n = len(points)
    rows_used = np.arange(n)
    if sample is not None and sample < n:
        rows_used = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    squares = (points ** 2).sum(axis=1)
    hots, sizes = [], []
    for labels in labelings:
        k = int(labels.max()) + 1
        hot = np.zeros((n, k))
        hot[np.arange(n), labels] = 1.0
        hots.append(hot)
        sizes.append(hot.sum(axis=0))
    totals = [0.0] * len(labelings)
    for start in range(0, len(rows_used), chunk):
        chosen = rows_used[start:start + chunk]
        block = points[chosen]
        rows = np.arange(len(block))
        d2 = squares[chosen, None] + squares[None, :] - 2 * block @ points.T
        distances = np.sqrt(np.maximum(d2, 0.0))
        distances[rows, chosen] = 0.0
        for index, labels in enumerate(labelings):
            size, own = sizes[index], labels[chosen]
            if len(size) < 2:
                continue
            sums = distances @ hots[index]
            own_size = size[own]
            a = sums[rows, own] / np.maximum(own_size - 1, 1)
            means = sums / np.maximum(size, 1)
            means[rows, own] = np.inf
            means[:, size == 0] = np.inf
            b = means.min(axis=1)
            top = np.maximum(a, b)
            value = np.where(top > 0, (b - a) / np.where(top > 0, top, 1.0), 0.0)
            totals[index] += float(np.where(own_size > 1, value, 0.0).sum())
    return [total / len(rows_used) for total in totals]


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    return silhouette_scores(points, [labels])[0]


def shuffled(matrix: Matrix, seed: int) -> Matrix:
    """The same votes, each proposal's votes shuffled among the participants who voted on
    it: proposal totals and participants' vote counts stay, shared opinions go."""
    rng = np.random.default_rng(seed)
    grouped = np.argsort(matrix.cols, kind="stable")
    permuted = np.lexsort((rng.random(len(matrix.cols)), matrix.cols))
    values = np.empty_like(matrix.values)
    values[grouped] = matrix.values[permuted]
    return Matrix(matrix.rows, matrix.cols, values, matrix.n, matrix.m)


# -- Polis's statistics ---------------------------------------------------------------------

def prop_test(successes, trials):
    """Polis's one-proportion z-score (with +1 smoothing) against 1/2."""
    successes, trials = np.asarray(successes, float) + 1, np.asarray(trials, float) + 1
    return 2 * np.sqrt(trials) * (successes / trials - 0.5)


def two_prop_test(success_in, success_out, trials_in, trials_out):
    """Polis's two-proportion z-score (with +1 smoothing): in-group vs the others."""
    s1, s2 = np.asarray(success_in, float) + 1, np.asarray(success_out, float) + 1
    n1, n2 = np.asarray(trials_in, float) + 1, np.asarray(trials_out, float) + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(spread > 0, z, 0.0)


def group_consensus(agree: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Group-informed consensus: prod over groups of (agree_g + 1) / (seen_g + 2).
    `agree` and `seen` are groups × proposals."""
    return np.prod((np.asarray(agree, float) + 1) / (np.asarray(seen, float) + 2), axis=0)


def representativeness(agree, disagree, seen, group: int) -> dict[str, np.ndarray]:
    """Polis's repness of every proposal for `group` against the other groups."""
    agree, disagree, seen = (np.asarray(x, float) for x in (agree, disagree, seen))
    na, nd, ns = agree[group], disagree[group], seen[group]
    ra_, rd_, rs_ = (x.sum(axis=0) - x[group] for x in (agree, disagree, seen))
    pa, pd_ = (1 + na) / (2 + ns), (1 + nd) / (2 + ns)
    ratio_a = pa / ((1 + ra_) / (2 + rs_))
    ratio_d = pd_ / ((1 + rd_) / (2 + rs_))
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    rat, rdt = two_prop_test(na, ra_, ns, rs_), two_prop_test(nd, rd_, ns, rs_)
    for_agree = rat > rdt
    return {
        "agree": for_agree,
        "repness": np.where(for_agree, ratio_a, ratio_d),
        "repness_test": np.where(for_agree, rat, rdt),
        "p_success": np.where(for_agree, pa, pd_),
        "p_test": np.where(for_agree, pat, pdt),
        "passes": ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90)),
    }


# -- the analysis ---------------------------------------------------------------------------

def _note(code: str, **values) -> dict:
    return {"code": code, **values}


def _parameters(options: GroupOptions) -> dict:
    return {"min_participant_votes": options.min_participant_votes,
            "min_proposal_votes": options.min_proposal_votes,
            "max_participants": options.max_participants, "k_values": list(options.k_values),
            "seed": options.seed, "min_group_size": MIN_SEGMENT_PARTICIPANTS,
            "min_cell_votes": MIN_SEGMENT_PARTICIPANTS}


@dataclass
class Loaded:
    """The vote matrix of the kept participants (ids stay here, never in results)."""

    participant_ids: np.ndarray
    matrix: Matrix | None
    proposal_ids: list
    counts: dict


@dataclass
class Clustering:
    analysis: PCA
    shuffled_explained: np.ndarray    # the first axes' shares for shuffled votes (max)
    silhouettes: list[dict]
    k: int
    labels: np.ndarray


def load(source, segment: Segment, options: GroupOptions) -> Loaded:
    """The votes of participants with enough votes (a deterministic sample above the cap)
    on proposals with enough votes among them, as a Matrix."""
    votes = f"(SELECT v.* FROM {segment_votes(segment)} v JOIN proposals USING (proposal_id))"
    n_proposals = int(source.sql("SELECT count(*) AS n FROM proposals")["n"].iloc[0])
    threshold = max(1, min(options.min_participant_votes, n_proposals))
    totals = source.sql(f"""
        SELECT count(*) AS participants, count(CASE WHEN n >= {threshold} THEN 1 END) AS eligible
        FROM (SELECT participant_id, count(*) AS n FROM {votes} GROUP BY participant_id)""")
    counts = {"participants": int(totals["participants"].iloc[0]),
              "eligible": int(totals["eligible"].iloc[0]), "sampled": False, "used": 0,
              "proposals": n_proposals, "proposals_used": 0, "votes_used": 0,
              "threshold": threshold}
    ids = source.sql(f"""
        SELECT participant_id FROM {votes} GROUP BY participant_id
        HAVING count(*) >= {threshold} ORDER BY participant_id""")["participant_id"]
    ids = ids.to_numpy(dtype=object)
    if len(ids) > options.max_participants:
        rng = np.random.default_rng(options.seed)
        ids = ids[np.sort(rng.choice(len(ids), options.max_participants, replace=False))]
        counts["sampled"] = True
    table = source.sql(f"""
        SELECT v.participant_id, v.proposal_id, v.vote FROM {votes} v
        JOIN (SELECT unnest(?::VARCHAR[]) AS participant_id) s USING (participant_id)""",
                       [[str(i) for i in ids]])
    ids, matrix, proposal_ids = _matrix(table, ids, options, threshold)
    if matrix is not None:
        counts.update(used=matrix.n, proposals_used=matrix.m, votes_used=len(matrix.values))
    return Loaded(ids, matrix, proposal_ids, counts)


def cluster(matrix: Matrix, options: GroupOptions = DEFAULT_GROUP_OPTIONS) -> Clustering | None:
    """PCA, k-means for every possible k, the k with the best silhouette; None when no k
    can give groups of 10 participants."""
    possible = [k for k in options.k_values
                if 2 <= k <= matrix.n // MIN_SEGMENT_PARTICIPANTS]
    if not possible or matrix.m < 2:
        return None
    analysis = pca(matrix, seed=options.seed)
    # Parallel analysis (Horn 1965): what the first axes explain when each proposal's
    # votes are shuffled among its voters (several shuffles when the matrix is small).
    shuffles = 5 if min(matrix.n, matrix.m) <= EXACT_SIZE else 1
    baseline = np.max([pca(shuffled(matrix, options.seed + i), seed=options.seed,
                           iterations=30).explained for i in range(shuffles)], axis=0)
    points = analysis.positions
    distinct = len(np.unique(np.round(points, 9), axis=0))
    clusterings = {k: kmeans(points, k, seed=options.seed + k)[0]
                   for k in possible if k <= distinct}
    if not clusterings:
        return None
    scores = silhouette_scores(points, list(clusterings.values()), sample=SILHOUETTE_SAMPLE,
                               seed=options.seed)
    silhouettes = [{"k": k, "silhouette": value}
                   for k, value in zip(clusterings, scores, strict=True)]
    best = max(silhouettes, key=lambda item: (item["silhouette"], -item["k"]))
    return Clustering(analysis, baseline, silhouettes, best["k"], clusterings[best["k"]])


def _empty(options: GroupOptions, segment: Segment, notes: list[dict], counts: dict,
           attribution=None) -> dict:
    return {"available": False, "k": None, "silhouettes": [], "explained": [],
            "explained_shuffled": [], "groups": [], "positions": {"x": [], "y": [], "group": []},
            "representative": {}, "agreement": {}, "consensus": [], "counts": counts,
            "parameters": _parameters(options), "segment": dict(segment.items()),
            "notes": notes, "attribution": attribution}


def opinion_groups(source, options: GroupOptions = DEFAULT_GROUP_OPTIONS) -> dict:
    """The opinion groups of a vote-level source (a bundle or a Polis export).

    Participant identifiers never leave this function: positions are coordinates
    with a group label only."""
    started = time.perf_counter()
    attribution = getattr(source, "extra", {}).get("attribution")
    capabilities = getattr(source, "capabilities", frozenset())
    segment = options.segment if "segments" in capabilities else Segment()
    if "votes" not in capabilities or not hasattr(source, "sql"):
        return _empty(options, segment, [_note("no_votes")], {}, attribution)
    loaded = load(source, segment, options)
    counts = loaded.counts
    if not segment.is_everyone and counts["participants"] < MIN_SEGMENT_PARTICIPANTS:
        counts = {key: None for key in counts}
        return _empty(options, segment, [_note("segment_too_small")], counts, attribution)
    notes: list[dict] = []
    if counts["sampled"]:
        notes.append(_note("sampled", eligible=counts["eligible"], used=counts["used"]))
    found = cluster(loaded.matrix, options) if loaded.matrix is not None else None
    if found is None:
        notes.append(_note("too_few", needed=2 * MIN_SEGMENT_PARTICIPANTS))
        result = _empty(options, segment, notes, counts, attribution)
        result["seconds"] = time.perf_counter() - started
        return result
    explained, baseline = found.analysis.explained, found.shuffled_explained
    if explained[0] < STRUCTURE_RATIO * baseline[0]:
        notes.append(_note("no_structure", explained=float(explained[0]),
                           shuffled=float(baseline[0])))
    best = max(item["silhouette"] for item in found.silhouettes)
    if best < WEAK_SILHOUETTE:
        notes.append(_note("weak_structure", silhouette=best))
    result = _describe(source, loaded.matrix, loaded.proposal_ids, found.analysis.positions,
                       found.labels, options, notes)
    result.update({
        "available": bool(result["groups"]), "k": found.k, "silhouettes": found.silhouettes,
        "explained": [float(x) for x in explained],
        "explained_shuffled": [float(x) for x in baseline], "counts": counts,
        "parameters": _parameters(options), "segment": dict(segment.items()),
        "notes": notes, "attribution": attribution,
        "seconds": time.perf_counter() - started,
    })
    return result


def _matrix(table: pd.DataFrame, ids: np.ndarray, options: GroupOptions, threshold: int):
    """Vote triples -> (participant ids, Matrix, proposal ids) over proposals with enough
    votes and the participants who still have `threshold` votes on them."""
    if table.empty:
        return ids[:0], None, []
    table = table.drop_duplicates(["participant_id", "proposal_id"], keep="last")
    values = table["vote"].map(VOTE_VALUES).to_numpy(dtype=float)
    known = ~np.isnan(values)
    table, values = table[known], values[known]
    proposal_codes, proposal_ids = pd.factorize(table["proposal_id"], sort=True)
    keep_proposals = (np.bincount(proposal_codes, minlength=len(proposal_ids))
                      >= options.min_proposal_votes)
    rows = pd.Index(ids).get_indexer(table["participant_id"])
    mask = keep_proposals[proposal_codes]
    rows, cols, values = rows[mask], (np.cumsum(keep_proposals) - 1)[proposal_codes[mask]], \
        values[mask]
    m = int(keep_proposals.sum())
    keep_rows = np.bincount(rows, minlength=len(ids)) >= min(threshold, max(m, 1))
    if m == 0 or not keep_rows.any():
        return ids[:0], None, []
    mask = keep_rows[rows]
    rows, cols, values = (np.cumsum(keep_rows) - 1)[rows[mask]], cols[mask], values[mask]
    # A canonical order (the database returns rows in any order): shuffles stay reproducible.
    order = np.lexsort((cols, rows))
    matrix = Matrix(rows[order], cols[order], values[order], int(keep_rows.sum()), m)
    return ids[keep_rows], matrix, list(np.asarray(proposal_ids)[keep_proposals])


def _describe(source, matrix: Matrix, proposal_ids: list, points: np.ndarray,
              labels: np.ndarray, options: GroupOptions, notes: list[dict]) -> dict:
    """Groups (largest first, lettered), positions, representative and consensus proposals."""
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    centres = np.array([points[labels == j].mean(axis=0) if sizes[j] else [0, 0]
                        for j in range(k)])
    order = sorted(range(k), key=lambda j: (-sizes[j], centres[j][0], centres[j][1]))
    shown = [j for j in order if sizes[j] >= MIN_SEGMENT_PARTICIPANTS]
    if len(shown) < k:
        notes.append(_note("small_groups_hidden"))
    letter = {j: GROUP_LABELS[i] for i, j in enumerate(shown)}
    total_shown = int(sum(sizes[j] for j in shown))
    groups = [{"group": letter[j], "participants": int(sizes[j]),
               "share": float(100.0 * sizes[j] / total_shown)} for j in shown]
    # Positions sorted by group and place: their order must not follow participant ids.
    kept = np.flatnonzero(np.isin(labels, shown))
    rounded = np.round(points[kept], 3)
    letters = np.array([letter[j] for j in labels[kept]])
    order = np.lexsort((rounded[:, 1], rounded[:, 0], letters))
    positions = {"x": [float(v) for v in rounded[order, 0]],
                 "y": [float(v) for v in rounded[order, 1]],
                 "group": [str(v) for v in letters[order]]}
    if len(shown) < 2:
        return {"groups": groups, "positions": positions, "representative": {},
                "agreement": {}, "consensus": []}

    # Vote counts per shown group and proposal.
    vote_group = labels[matrix.rows]
    in_shown = np.isin(vote_group, shown)
    index = {j: i for i, j in enumerate(shown)}
    g = np.array([index.get(j, -1) for j in range(k)])[vote_group[in_shown]]
    cols, values = matrix.cols[in_shown], matrix.values[in_shown]
    shape = (len(shown), matrix.m)

    def count(selector):
        flat = g * matrix.m + cols
        return np.bincount(flat[selector], minlength=shape[0] * shape[1]).reshape(shape)

    agree = count(values == 1)
    disagree = count(values == -1)
    seen = count(np.ones(len(values), dtype=bool))
    proposals = _proposal_texts(source, proposal_ids)

    representative = {}
    for i, j in enumerate(shown):
        stats = representativeness(agree, disagree, seen, i)
        others_seen = seen.sum(axis=0) - seen[i]
        enough = (seen[i] >= MIN_SEGMENT_PARTICIPANTS) & (others_seen >= MIN_SEGMENT_PARTICIPANTS)
        candidates = np.flatnonzero(enough & stats["passes"])
        metric = (stats["repness"] * stats["repness_test"] * stats["p_success"]
                  * stats["p_test"])
        if len(candidates):
            chosen = candidates[np.lexsort((candidates, -metric[candidates]))]
            chosen = chosen[: options.representative]
            # Agrees before disagrees, as Polis shows them.
            chosen = sorted(chosen, key=lambda c: not stats["agree"][c])
            significant = True
        else:
            pool = np.flatnonzero(enough)
            chosen = ([pool[np.lexsort((pool, -stats["repness_test"][pool]))[0]]]
                      if len(pool) else [])
            significant = False
        representative[letter[j]] = [
            _representative_item(proposals, proposal_ids[c], c, i, stats, agree, disagree,
                                 seen, significant) for c in chosen]

    # Each group's agree share on every representative proposal (the heatmap).
    column = {proposal_id: c for c, proposal_id in enumerate(proposal_ids)}
    agreement = {}
    for items in representative.values():
        for item in items:
            c = column[item["id"]]
            agreement[item["id"]] = {
                "agree": {letter[j]: _share(agree[i, c], seen[i, c]) for i, j in enumerate(shown)},
                "votes": {letter[j]: int(seen[i, c]) if seen[i, c] >= MIN_SEGMENT_PARTICIPANTS
                          else None for i, j in enumerate(shown)}}

    consensus = group_consensus(agree, seen)
    total_seen = seen.sum(axis=0)
    eligible = np.flatnonzero(total_seen >= MIN_SEGMENT_PARTICIPANTS)
    ids = np.asarray(proposal_ids, dtype=object)
    ranked = eligible[np.lexsort((ids[eligible].astype(str), -consensus[eligible]))]
    consensus_items = []
    for c in ranked[: options.consensus_top]:
        text = proposals.get(proposal_ids[c], {})
        consensus_items.append({
            "id": proposal_ids[c], "content": text.get("content"),
            "author": text.get("author"), "idea_id": text.get("idea_id"),
            "consensus": float(consensus[c]), "votes": int(total_seen[c]),
            "agree": float(100.0 * agree[:, c].sum() / total_seen[c]),
            "disagree": float(100.0 * disagree[:, c].sum() / total_seen[c]),
            "groups": {letter[j]: _share(agree[i, c], seen[i, c])
                       for i, j in enumerate(shown)},
        })
    return {"groups": groups, "positions": positions, "representative": representative,
            "agreement": agreement, "consensus": consensus_items}


def _share(count, seen) -> float | None:
    """A group's share on a proposal; None (shown "< 10") under 10 voters."""
    return float(100.0 * count / seen) if seen >= MIN_SEGMENT_PARTICIPANTS else None


def _representative_item(proposals, proposal_id, c, i, stats, agree, disagree, seen,
                         significant) -> dict:
    text = proposals.get(proposal_id, {})
    others = {name: x.sum(axis=0)[c] - x[i, c]
              for name, x in (("agree", agree), ("disagree", disagree), ("seen", seen))}
    return {
        "id": proposal_id, "content": text.get("content"), "author": text.get("author"),
        "idea_id": text.get("idea_id"),
        "direction": "agree" if stats["agree"][c] else "disagree",
        "group_agree": _share(agree[i, c], seen[i, c]),
        "group_disagree": _share(disagree[i, c], seen[i, c]),
        "group_votes": int(seen[i, c]),
        "others_agree": _share(others["agree"], others["seen"]),
        "others_disagree": _share(others["disagree"], others["seen"]),
        "others_votes": int(others["seen"]),
        "repness": float(stats["repness"][c]), "z": float(stats["repness_test"][c]),
        "significant": significant,
    }


def _proposal_texts(source, proposal_ids: list) -> dict:
    if not proposal_ids:
        return {}
    rows = source.sql("""
        SELECT proposal_id, content, author_name, idea_id FROM proposals
        JOIN (SELECT unnest(?::VARCHAR[]) AS proposal_id) s USING (proposal_id)""",
                      [[str(p) for p in proposal_ids]])
    return {row.proposal_id: {"content": row.content, "author": row.author_name,
                              "idea_id": row.idea_id}
            for row in rows.astype(object).where(rows.notna(), None).itertuples(index=False)}


# -- tables for exports ---------------------------------------------------------------------

def tables(result: dict) -> dict[str, pd.DataFrame]:
    """The result as flat tables (no participant identifiers anywhere)."""
    groups = pd.DataFrame(result["groups"], columns=["group", "participants", "share"])
    positions = pd.DataFrame(result["positions"], columns=["x", "y", "group"])
    representative = pd.DataFrame(
        [{"group": group, **item} for group, items in result["representative"].items()
         for item in items],
        columns=["group", "id", "content", "author", "direction", "group_agree",
                 "group_disagree", "group_votes", "others_agree", "others_disagree",
                 "others_votes", "repness", "z", "significant"])
    consensus_rows = []
    for item in result["consensus"]:
        row = {key: item[key] for key in ("id", "content", "author", "consensus", "votes",
                                          "agree", "disagree")}
        row.update({f"agree_{group}": share for group, share in item["groups"].items()})
        consensus_rows.append(row)
    consensus = pd.DataFrame(consensus_rows)
    silhouettes = pd.DataFrame(result["silhouettes"], columns=["k", "silhouette"])
    return {"groups": groups, "positions": positions, "representative": representative,
            "consensus": consensus, "silhouettes": silhouettes}


# -- figures --------------------------------------------------------------------------------

FIGURE_TEXT = {
    "fr": {"map_title": "Les participants placés selon leurs votes (un point par participant)",
           "axis": "Axe {n} ({share} de la variation des votes)", "group": "Groupe {g}",
           "sizes_title": "Nombre de participants par groupe d'opinion",
           "participants": "Participants", "share": "Part",
           "agreement_title": "Part de « D'accord » dans chaque groupe, sur les propositions "
                              "qui les distinguent",
           "agree_share": "D'accord (%)", "few": "moins de 10 votes dans ce groupe",
           "votes": "votes", "representative_of": "représentative du groupe {g}"},
    "en": {"map_title": "Participants placed by their votes (one dot per participant)",
           "axis": "Axis {n} ({share} of the variation in votes)", "group": "Group {g}",
           "sizes_title": "Participants per opinion group",
           "participants": "Participants", "share": "Share",
           "agreement_title": "Share of “Agree” in each group, on the proposals that set them "
                              "apart",
           "agree_share": "Agree (%)", "few": "fewer than 10 votes in this group",
           "votes": "votes", "representative_of": "representative of group {g}"},
}


def group_colors(result: dict) -> dict[str, str]:
    from analytics.charts import style

    return {item["group"]: style.SERIES[i % len(style.SERIES)]
            for i, item in enumerate(result["groups"])}


def map_figure(result: dict, lang: str):
    """Scatter of participants coloured by group; (None, table) when there is none.
    The table is the group summary (size, centre), not participant rows."""
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.charts import style

    t = FIGURE_TEXT[i18n.language_of(lang)]
    positions = pd.DataFrame(result["positions"], columns=["x", "y", "group"])
    summary = group_table(result, lang)
    if positions.empty:
        return None, summary
    colors = group_colors(result)
    fig = go.Figure()
    for item in result["groups"]:
        part = positions[positions["group"] == item["group"]]
        name = t["group"].format(g=item["group"])
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=name,
            marker={"color": colors[item["group"]], "size": 6, "opacity": 0.6,
                    "line": {"width": 0.4, "color": "white"}},
            hovertemplate=f"{name}<extra></extra>"))
    explained = result.get("explained") or [None, None]
    for n, axis in ((1, "xaxes"), (2, "yaxes")):
        share = i18n.percent(100 * explained[n - 1], lang, 1) if explained[n - 1] is not None \
            else "–"
        getattr(fig, f"update_{axis}")(title_text=t["axis"].format(n=n, share=share),
                                       zeroline=True)
    style.apply(fig, lang, t["map_title"], height=540, legend_below=False)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                              "itemsizing": "constant"},
                      margin={"l": 20, "r": 20, "t": 90, "b": 20}, hovermode="closest")
    return fig, summary


def group_table(result: dict, lang: str) -> pd.DataFrame:
    from analytics import i18n

    t = FIGURE_TEXT[i18n.language_of(lang)]
    positions = pd.DataFrame(result["positions"], columns=["x", "y", "group"])
    rows = []
    for item in result["groups"]:
        part = positions[positions["group"] == item["group"]]
        rows.append({t["group"].format(g="").strip(): item["group"],
                     t["participants"]: item["participants"],
                     t["share"] + " (%)": item["share"],
                     "x": float(part["x"].mean()) if len(part) else None,
                     "y": float(part["y"].mean()) if len(part) else None})
    return pd.DataFrame(rows)


def sizes_figure(result: dict, lang: str):
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.charts import style

    t = FIGURE_TEXT[i18n.language_of(lang)]
    table = group_table(result, lang).drop(columns=["x", "y"], errors="ignore")
    if not result["groups"]:
        return None, table
    colors = group_colors(result)
    groups = result["groups"]
    fig = go.Figure(go.Bar(
        y=[t["group"].format(g=g["group"]) for g in groups],
        x=[g["participants"] for g in groups], orientation="h",
        marker_color=[colors[g["group"]] for g in groups],
        text=[f"{i18n.integer(g['participants'], lang)} ({i18n.percent(g['share'], lang)})"
              for g in groups], textposition="auto",
        hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=t["participants"], automargin=True)
    style.apply(fig, lang, t["sizes_title"], height=150 + 48 * len(groups))
    return fig, table


def agreement_figure(result: dict, lang: str):
    """Heatmap: the representative proposals (rows) × groups (columns), the share of
    "Agree" in each group; blank where fewer than 10 of its members voted."""
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.charts import style

    t = FIGURE_TEXT[i18n.language_of(lang)]
    rows = agreement_rows(result)
    letters = [g["group"] for g in result["groups"]]
    columns = [i18n.word("content", lang)] + [t["group"].format(g=g) for g in letters]
    table = pd.DataFrame([[row["content"], *[row["agree"].get(g) for g in letters]]
                          for row in rows], columns=columns)
    if not rows:
        return None, table
    z = [[row["agree"].get(g) for g in letters] for row in rows]
    hover = [[_agreement_hover(row, g, t, lang) for g in letters] for row in rows]
    labels = [f"{row['of']} · " + style.wrap(row["content"] or "", width=60, max_lines=2)
              for row in rows]
    fig = go.Figure(go.Heatmap(
        z=z, x=[t["group"].format(g=g) for g in letters], y=labels, zmin=0, zmax=100,
        colorscale=style.DIVERGING, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
        colorbar={"title": {"text": t["agree_share"]}, "ticksuffix": ""},
        text=[[i18n.percent(v, lang) if v is not None else "< 10" for v in line]
              for line in z],
        texttemplate="%{text}"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top")
    style.apply(fig, lang, t["agreement_title"], height=max(320, 160 + 46 * len(rows)),
                legend_below=False)
    fig.update_layout(margin={"t": 110})
    return fig, table


def agreement_rows(result: dict) -> list[dict]:
    """The representative proposals of every group once, with each group's agree share
    (None under 10 votes) and the group(s) they represent."""
    rows: dict = {}
    for group, items in result["representative"].items():
        for item in items:
            row = rows.setdefault(item["id"], {"id": item["id"], "content": item["content"],
                                               "of": [], "agree": {}, "votes": {}})
            row["of"].append(group)
    for row in rows.values():
        row["of"] = "/".join(row["of"])
    shares = result.get("agreement") or {}
    for proposal_id, row in rows.items():
        row["agree"] = shares.get(proposal_id, {}).get("agree", {})
        row["votes"] = shares.get(proposal_id, {}).get("votes", {})
    return list(rows.values())


def _agreement_hover(row: dict, group: str, t: dict, lang: str) -> str:
    from analytics import i18n
    from analytics.charts import style

    value, votes = row["agree"].get(group), row["votes"].get(group)
    head = t["group"].format(g=group) + (" : " if lang == "fr" else ": ")
    figure = (i18n.percent(value, lang) + " " + i18n.word("agree", lang).lower()
              + f" ({i18n.integer(votes, lang)} {t['votes']})") if value is not None else t["few"]
    return head + figure + "<br>" + style.wrap(row["content"] or "", width=60, max_lines=6)
