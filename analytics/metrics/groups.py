"""Opinion groups: who votes alike, as Polis groups them.

Two sources, stated in the result's `source`:

- "export": a Polis export whose participants-votes.csv carries `group-id`. The
  groups are Polis's own: same number, same members, lettered as Polis letters
  them (A for group-id 0, B for 1...). Participants without a group-id are in
  no group. The map places participants with the computation below, coloured
  by Polis's groups.
- "computed": everything else (vote-level bundles, segments, Polis exports
  without group-id, or on request with `GroupOptions(recompute=True)`): Polis's
  own method, in analytics/metrics/polis_clusters.py (PCA of the vote matrix with
  missing votes as the comment's mean, sparsity-aware projection, 100 base
  clusters, k-means of their centres weighted by size for k = 2..5, k with the
  best silhouette). Its differences from Polis are listed there.

What each group thinks (representative comments, majority, consensus,
uncertainty) is computed from the votes of the groups' members only
(analytics.metrics.polis_report, below `_describe`). Privacy (SPEC section 5): a computed
group under 10 participants counts in `k` but is not listed, placed on the map or
described (note `small_groups_hidden`); Polis's own groups are all listed with
their sizes, as Polis publishes them, a small one's figures hidden (note
`small_groups_figures_hidden`); a group's share on a proposal is only shown when
at least 10 of its members voted on it. Everything is
deterministic (fixed seeds)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.i18n import N_
from analytics.metrics import polis_report
from analytics.metrics.polis_clusters import BASE_K, PolisClustering
from analytics.metrics.segment import Segment, segment_votes
from analytics.vocabulary import MIN_SEGMENT_PARTICIPANTS

# Polis: a participant is clustered once they voted on min(7, comments) comments.
MIN_PARTICIPANT_VOTES = 7
# A proposal enters the matrix with this many votes (Polis keeps every comment voted on).
MIN_PROPOSAL_VOTES = 1
# Above this many voters, a deterministic random sample is used.
MAX_PARTICIPANTS = 5_000
K_VALUES = (2, 3, 4, 5)
SEED = 2022
REPRESENTATIVE_PER_GROUP = 5
CONSENSUS_TOP = 10
# Kaufman & Rousseeuw: an average silhouette under 0.25 means no substantial structure.
WEAK_SILHOUETTE = 0.25
# The first axis must explain this many times what it explains for shuffled votes.
STRUCTURE_RATIO = 1.25
# Up to this many rows or columns, the shuffled baseline averages out 5 shuffles (their
# noise is larger); above, one.
EXACT_SIZE = 600
GROUP_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
VOTE_VALUES = {"agree": 1, "disagree": -1, "neutral": 0}


@dataclass(frozen=True)
class GroupOptions:
    segment: Segment = field(default_factory=Segment)
    min_participant_votes: int = MIN_PARTICIPANT_VOTES
    min_proposal_votes: int = MIN_PROPOSAL_VOTES
    max_participants: int = MAX_PARTICIPANTS
    k_values: tuple[int, ...] = K_VALUES         # Polis tries 2..min(max, 2 + base // 12)
    seed: int = SEED
    representative: int = REPRESENTATIVE_PER_GROUP
    consensus_top: int = CONSENSUS_TOP
    # Compute the groups with Polis's method even when the export carries Polis's own.
    recompute: bool = False
    base_k: int = BASE_K


DEFAULT_GROUP_OPTIONS = GroupOptions()


# -- the vote matrix ------------------------------------------------------------------------

class Matrix:
    """A participant × proposal vote matrix in coordinate form (one entry per vote).
    Every column holds at least one vote, and every row unless made by `subset(...,
    empty_rows=True)`."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, m: int):
        self.rows, self.cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        self.values, self.n, self.m = np.asarray(values, dtype=float), int(n), int(m)

    def sparse(self):
        """The votes as a scipy COO matrix (a stored 0 is a pass)."""
        from scipy import sparse

        return sparse.coo_matrix((self.values, (self.rows, self.cols)), shape=(self.n, self.m))

    def subset(self, rows: np.ndarray, cols: np.ndarray, *,
               empty_rows: bool = False) -> Matrix | None:
        """The votes of the rows and columns kept (boolean masks), renumbered; None when
        nothing is left. Columns left without votes are dropped, and rows too unless
        `empty_rows` (a participant whose every vote was on a dropped column is still a
        member of their group). `kept_rows` and `kept_cols` are the old numbers."""
        keep = rows[self.rows] & cols[self.cols]
        if not keep.any():
            return None
        col_codes, new_cols = np.unique(self.cols[keep], return_inverse=True)
        if empty_rows:
            row_codes = np.flatnonzero(rows)
            new_rows = (np.cumsum(rows) - 1)[self.rows[keep]]
        else:
            row_codes, new_rows = np.unique(self.rows[keep], return_inverse=True)
        self.kept_rows, self.kept_cols = row_codes, col_codes
        return Matrix(new_rows.reshape(-1), new_cols.reshape(-1), self.values[keep],
                      len(row_codes), len(col_codes))


@dataclass
class PCA:
    center: np.ndarray        # per proposal: the mean of its votes (Polis's imputed value)
    components: np.ndarray    # 2 × m, unit rows
    explained: np.ndarray     # share of the imputed matrix's variance per component
    positions: np.ndarray     # n × 2, sparsity-aware projections


def shuffled(matrix: Matrix, seed: int) -> Matrix:
    """The same votes, each proposal's votes shuffled among the participants who voted on
    it: proposal totals and participants' vote counts stay, shared opinions go."""
    rng = np.random.default_rng(seed)
    grouped = np.argsort(matrix.cols, kind="stable")
    permuted = np.lexsort((rng.random(len(matrix.cols)), matrix.cols))
    values = np.empty_like(matrix.values)
    values[grouped] = matrix.values[permuted]
    return Matrix(matrix.rows, matrix.cols, values, matrix.n, matrix.m)


# -- the analysis ---------------------------------------------------------------------------

def _note(code: str, **values) -> dict:
    return {"code": code, **values}


def _parameters(options: GroupOptions) -> dict:
    return {"min_participant_votes": options.min_participant_votes,
            "min_proposal_votes": options.min_proposal_votes,
            "max_participants": options.max_participants, "k_values": list(options.k_values),
            "base_k": options.base_k, "seed": options.seed, "recompute": options.recompute,
            "min_group_size": MIN_SEGMENT_PARTICIPANTS,
            "min_cell_votes": MIN_SEGMENT_PARTICIPANTS}


@dataclass
class Loaded:
    """The vote matrix of the participants used (ids stay here, never in results).
    `zeroed` marks the columns Polis zeroes (moderated-out and meta comments of a Polis
    export): they count as voted in the clustering and are left out of the report."""

    participant_ids: np.ndarray
    matrix: Matrix | None
    proposal_ids: list
    counts: dict
    zeroed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@dataclass
class Clustering:
    analysis: PCA
    shuffled_explained: np.ndarray    # the first axes' shares for shuffled votes (max)
    silhouettes: list[dict]
    k: int
    labels: np.ndarray                # per matrix row; -1 when not clustered
    estimator: PolisClustering


def _is_polis(source) -> bool:
    return "polis" in (getattr(source, "extra", None) or {})


def _vote_table(source, segment: Segment) -> pd.DataFrame:
    """participant_id, proposal_id, value (1, -1, 0) and zeroed, one row per vote."""
    if _is_polis(source) and segment.is_everyone:
        return source.sql("""
            SELECT participant_id, proposal_id, CAST(vote AS DOUBLE) AS value, zeroed
            FROM polis_clustering_votes""")
    table = source.sql(f"""
        SELECT v.participant_id, v.proposal_id, v.vote FROM {segment_votes(segment)} v
        JOIN proposals USING (proposal_id)""")
    table["value"] = table["vote"].map(VOTE_VALUES).astype(float)
    table["zeroed"] = False
    return table.drop(columns="vote")


def load(source, segment: Segment, options: GroupOptions) -> Loaded:
    """Every voter's votes (Polis puts everyone in its PCA; only those with enough votes
    are clustered), a deterministic sample of voters above the cap, as a Matrix."""
    n_proposals = int(source.sql("SELECT count(*) AS n FROM proposals")["n"].iloc[0])
    table = _vote_table(source, segment).dropna(subset=["value"])
    table = table.astype({"participant_id": str, "proposal_id": str})
    # One vote per participant and proposal (a bundle may repeat one: the last counts).
    table = table.drop_duplicates(["participant_id", "proposal_id"], keep="last")
    per_participant = table.groupby("participant_id").size()
    n_voted = int(table["proposal_id"].nunique())
    threshold = max(1, min(options.min_participant_votes, n_voted))
    counts = {"participants": int(len(per_participant)),
              "eligible": int((per_participant >= threshold).sum()), "sampled": False,
              "used": 0, "proposals": n_proposals, "proposals_used": 0, "votes_used": 0,
              "threshold": threshold}
    ids = np.asarray(sorted(per_participant.index), dtype=object)
    if len(ids) > options.max_participants:
        ids = _sample(per_participant, threshold, options)
        counts["sampled"] = True
        table = table[table["participant_id"].isin(set(ids))]
    proposal_votes = table.groupby("proposal_id").size()
    proposal_ids = sorted(proposal_votes.index[proposal_votes >= options.min_proposal_votes])
    table = table[table["proposal_id"].isin(set(proposal_ids))]
    if table.empty:
        return Loaded(ids[:0], None, [], counts)
    ids = np.asarray(sorted(table["participant_id"].unique()), dtype=object)
    rows = pd.Index(ids).get_indexer(table["participant_id"])
    cols = pd.Index(proposal_ids).get_indexer(table["proposal_id"])
    # A canonical order (the database returns rows in any order): results stay reproducible.
    order = np.lexsort((cols, rows))
    matrix = Matrix(rows[order], cols[order], table["value"].to_numpy()[order], len(ids),
                    len(proposal_ids))
    zeroed = np.zeros(len(proposal_ids), dtype=bool)
    zeroed[np.unique(cols[table["zeroed"].to_numpy(dtype=bool)])] = True
    kept = ~zeroed[matrix.cols]
    counts.update(used=matrix.n, proposals_used=int((~zeroed).sum()),
                  votes_used=int(kept.sum()))
    return Loaded(ids, matrix, proposal_ids, counts, zeroed)


def _sample(per_participant: pd.Series, threshold: int, options: GroupOptions) -> np.ndarray:
    """A deterministic draw of `max_participants` voters: among those with enough votes
    to be clustered first (a draw among every voter of a large consultation where most
    vote twice would leave almost nobody to group), topped up with the others."""
    rng = np.random.default_rng(options.seed)
    cap = options.max_participants
    eligible = np.asarray(sorted(per_participant.index[per_participant >= threshold]),
                          dtype=object)
    others = np.asarray(sorted(per_participant.index[per_participant < threshold]),
                        dtype=object)
    if len(eligible) >= cap:
        return eligible[np.sort(rng.choice(len(eligible), cap, replace=False))]
    extra = others[np.sort(rng.choice(len(others), cap - len(eligible), replace=False))]
    return np.asarray(sorted([*eligible, *extra]), dtype=object)


def polis_clustering(matrix: Matrix, options: GroupOptions = DEFAULT_GROUP_OPTIONS,
                     zeroed: np.ndarray | None = None) -> PolisClustering:
    """Polis's method (analytics.metrics.polis_clusters) on the matrix."""
    estimator = PolisClustering(base_k=options.base_k, max_k=max(options.k_values),
                                min_votes=options.min_participant_votes,
                                random_state=options.seed)
    return estimator.fit(matrix.sparse(), zeroed)


def cluster(matrix: Matrix, options: GroupOptions = DEFAULT_GROUP_OPTIONS,
            zeroed: np.ndarray | None = None) -> Clustering | None:
    """Polis's groups of the matrix's participants; None when there are not 20
    participants to cluster (two groups of 10) or Polis's method finds no groups."""
    if matrix.m < 2:
        return None
    estimator = polis_clustering(matrix, options, zeroed)
    if estimator.in_conv_.sum() < 2 * MIN_SEGMENT_PARTICIPANTS or estimator.k_ < 2:
        return None
    return Clustering(_analysis(estimator), _shuffled_baseline(matrix, zeroed, options),
                      [{"k": k, "silhouette": value}
                       for k, value in sorted(estimator.silhouettes_.items())],
                      estimator.k_, estimator.labels_, estimator)


def _analysis(estimator: PolisClustering) -> PCA:
    return PCA(estimator.center_, estimator.components_, estimator.explained_variance_ratio_,
               estimator.positions_)


def _shuffled_baseline(matrix: Matrix, zeroed, options: GroupOptions) -> np.ndarray:
    """Parallel analysis (Horn 1965): what the first axes explain when each proposal's
    votes are shuffled among its voters (several shuffles when the matrix is small)."""
    kept = matrix if zeroed is None or not np.any(zeroed) else matrix.subset(
        np.ones(matrix.n, dtype=bool), ~np.asarray(zeroed))
    if kept is None:
        return np.zeros(2)
    shuffles = 5 if min(kept.n, kept.m) <= EXACT_SIZE else 1
    estimator = PolisClustering(random_state=options.seed)
    return np.max([estimator.fit_positions(shuffled(kept, options.seed + i).sparse())
                   .explained_variance_ratio_ for i in range(shuffles)], axis=0)


def _empty(options: GroupOptions, segment: Segment, notes: list[dict], counts: dict,
           attribution=None, source: str = "computed") -> dict:
    return {"available": False, "source": source, "k": None, "silhouettes": [],
            "explained": [], "explained_shuffled": [], "groups": [],
            "positions": {"x": [], "y": [], "group": []}, "representative": {},
            "agreement": {}, "consensus": [], "counts": counts,
            "parameters": _parameters(options), "segment": dict(segment.items()),
            "notes": notes, "attribution": attribution}


def export_groups(source, participant_ids) -> tuple[np.ndarray, int] | None:
    """Polis's group-id of each participant (-1 when Polis did not place them) and the
    export's number of groups; None when the source carries no group-id."""
    if not _is_polis(source) or not source.extra["polis"].get("grouped_participants"):
        return None
    table = source.sql("SELECT participant_id, group_id FROM polis_groups")
    groups = pd.Series(table["group_id"].to_numpy(dtype=int),
                       index=table["participant_id"].astype(str))
    labels = groups.reindex([str(p) for p in participant_ids]).fillna(-1).to_numpy(dtype=int)
    return labels, int(groups.nunique())


def adjusted_rand(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Adjusted Rand index over the participants both labellings place (label >= 0)."""
    from sklearn.metrics import adjusted_rand_score

    both = (np.asarray(ours) >= 0) & (np.asarray(theirs) >= 0)
    return float(adjusted_rand_score(np.asarray(theirs)[both], np.asarray(ours)[both]))


def opinion_groups(source, options: GroupOptions = DEFAULT_GROUP_OPTIONS) -> dict:
    """The opinion groups of a vote-level source (a bundle or a Polis export): Polis's own
    when the export carries them (unless `options.recompute`), else Polis's method.

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
    # Groups on a segment are always computed: Polis's groups are the whole conversation's.
    export = (export_groups(source, loaded.participant_ids)
              if loaded.matrix is not None and segment.is_everyone
              and not counts["sampled"] else None)
    if export is not None and not options.recompute:
        result = _export_result(source, loaded, export, options, notes)
    else:
        result = _computed_result(source, loaded, export, options, notes)
    if result is None:
        notes.append(_note("too_few", needed=2 * MIN_SEGMENT_PARTICIPANTS))
        result = _empty(options, segment, notes, counts, attribution)
    result.update({"counts": counts, "parameters": _parameters(options),
                   "segment": dict(segment.items()), "notes": notes,
                   "attribution": attribution, "seconds": time.perf_counter() - started})
    return result


def _computed_result(source, loaded: Loaded, export, options: GroupOptions,
                     notes: list[dict]) -> dict | None:
    found = cluster(loaded.matrix, options, loaded.zeroed) if loaded.matrix is not None \
        else None
    if found is None:
        return None
    explained, baseline = found.analysis.explained, found.shuffled_explained
    if explained[0] < STRUCTURE_RATIO * baseline[0]:
        notes.append(_note("no_structure", explained=float(explained[0]),
                           shuffled=float(baseline[0])))
    best = max(item["silhouette"] for item in found.silhouettes)
    if best < WEAK_SILHOUETTE:
        notes.append(_note("weak_structure", silhouette=best))
    result = _grouped(source, loaded, found.analysis.positions, found.labels, options, notes)
    result.pop("_letters")
    result.update({"available": bool(result["groups"]), "source": "computed", "k": found.k,
                   "silhouettes": found.silhouettes,
                   "explained": [float(x) for x in explained],
                   "explained_shuffled": [float(x) for x in baseline]})
    if export is not None:
        labels, k_export = export
        result["agreement_with_export"] = {
            "adjusted_rand": adjusted_rand(found.labels, labels), "k_export": k_export,
            "k": found.k}
    return result


def _export_result(source, loaded: Loaded, export, options: GroupOptions,
                   notes: list[dict]) -> dict | None:
    """Polis's groups as the export gives them; the map's positions are Polis's
    projection (computed), coloured by those groups."""
    labels, k_export = export
    estimator = polis_clustering(loaded.matrix, options, loaded.zeroed)
    notes.append(_note("export_groups", k=k_export,
                       message="Groups as computed by Polis (group-id of "
                               "participants-votes.csv)."))
    if not (labels >= 0).any():
        return None
    # Letters as Polis gives them: A for group-id 0, B for 1...
    group_ids = np.unique(labels[labels >= 0])
    compact = np.where(labels >= 0, np.searchsorted(group_ids, labels), -1)
    result = _grouped(source, loaded, estimator.positions_, compact, options, notes,
                      every_group=True)
    _letter_as_polis(result, group_ids)
    result.update({"available": bool(result["groups"]), "source": "export", "k": k_export,
                   "silhouettes": [],
                   "explained": [float(x) for x in estimator.explained_variance_ratio_],
                   "explained_shuffled": [float(x) for x in _shuffled_baseline(
                       loaded.matrix, loaded.zeroed, options)]})
    return result


def _grouped(source, loaded: Loaded, positions: np.ndarray, labels: np.ndarray,
             options: GroupOptions, notes: list[dict], *, every_group: bool = False) -> dict:
    """_describe on the participants in a group and the proposals Polis reports on (not
    the zeroed ones); labels are 0..k-1, -1 for no group. The result's `_letters` maps
    each letter _describe gave to its label."""
    matrix = loaded.matrix.subset(labels >= 0, ~loaded.zeroed, empty_rows=True)
    if matrix is None:
        return {"groups": [], "positions": {"x": [], "y": [], "group": []},
                "representative": {}, "agreement": {}, "consensus": [], "_letters": {}}
    rows, cols = loaded.matrix.kept_rows, loaded.matrix.kept_cols
    proposal_ids = [loaded.proposal_ids[c] for c in cols]
    points, kept_labels = positions[rows], labels[rows]
    result = _describe(source, matrix, proposal_ids, points, kept_labels, options, notes,
                       every_group=every_group)
    result["_letters"] = _describe_letters(points, kept_labels, every_group=every_group)
    return result


def _describe_letters(points: np.ndarray, labels: np.ndarray, *,
                      every_group: bool = False) -> dict[str, int]:
    """The letter _describe gives each label: groups of 10 or more (every group when
    `every_group`), largest first, then by centre (x, then y)."""
    sizes = np.bincount(labels, minlength=int(labels.max()) + 1)
    centres = {j: points[labels == j].mean(axis=0) for j in range(len(sizes)) if sizes[j]}
    shown = sorted((j for j in centres if every_group or sizes[j] >= MIN_SEGMENT_PARTICIPANTS),
                   key=lambda j: (-sizes[j], centres[j][0], centres[j][1]))
    return {GROUP_LABELS[i]: j for i, j in enumerate(shown)}


def _letter_as_polis(result: dict, group_ids: np.ndarray) -> None:
    """_describe letters groups largest first; Polis letters them by group-id (A for 0).
    Rename every group letter of the result (keys of group-keyed dicts, `group` values,
    `representative_of`) from the first to the second."""
    mapping = {letter: GROUP_LABELS[int(group_ids[j])]
               for letter, j in result.pop("_letters").items()}
    if all(old == new for old, new in mapping.items()):
        return
    sizes = {item["group"]: item["participants"] for item in result["groups"]}
    _rename_groups(result, mapping)
    assert {mapping[old]: n for old, n in sizes.items()} == \
        {item["group"]: item["participants"] for item in result["groups"]}
    result["groups"] = sorted(result["groups"], key=lambda item: item["group"])
    if result.get("positions", {}).get("x"):
        frame = pd.DataFrame(result["positions"]).sort_values(["group", "x", "y"],
                                                              kind="stable")
        result["positions"] = {column: frame[column].tolist() for column in ("x", "y", "group")}


def _rename_groups(value, mapping: dict):
    """Rename group letters in place in the nested result (see _letter_as_polis)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _rename_groups(item, mapping)
        return value
    if not isinstance(value, dict):
        return value
    letter_keyed = bool(value) and all(key in mapping for key in value)
    renamed = {}
    for key, item in value.items():
        if key == "group" and isinstance(item, str):
            item = mapping.get(item, item)
        elif key == "group" and isinstance(item, list):
            item = [mapping.get(v, v) for v in item]
        elif key == "representative_of" and isinstance(item, str) and item:
            item = "/".join(mapping.get(v, v) for v in item.split("/"))
        else:
            item = _rename_groups(item, mapping)
        renamed[mapping[key] if letter_keyed else key] = item
    value.clear()
    value.update(renamed)
    return value


def _describe(source, matrix: Matrix, proposal_ids: list, points: np.ndarray,
              labels: np.ndarray, options: GroupOptions, notes: list[dict], *,
              every_group: bool = False) -> dict:
    """Groups (largest first, lettered), positions and hulls, then the Polis report
    (analytics.metrics.polis_report): representative proposals per group, majority opinion,
    group-informed consensus, areas of uncertainty and the table of every proposal.
    Every figure counts the votes of the members of the groups shown, nobody else's."""
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    centres = np.array([points[labels == j].mean(axis=0) if sizes[j] else [0, 0]
                        for j in range(k)])
    order = sorted(range(k), key=lambda j: (-sizes[j], centres[j][0], centres[j][1]))
    # Polis's own groups are all listed, as Polis's report lists them; a group of fewer
    # than 10 then has its size only, its figures hidden like any cell under 10 voters.
    shown = [j for j in order if sizes[j] and (every_group
                                               or sizes[j] >= MIN_SEGMENT_PARTICIPANTS)]
    if len(shown) < k:
        notes.append(_note("small_groups_hidden"))
    elif any(sizes[j] < MIN_SEGMENT_PARTICIPANTS for j in shown):
        notes.append(_note("small_groups_figures_hidden"))
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
    result = {"groups": groups, "positions": positions, "hulls": hulls(positions),
              "representative": {}, "agreement": {}, "consensus": [],
              "majority": {"agree": [], "disagree": []}, "uncertainty": [], "statements": []}
    if len(shown) < 2:
        return result

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

    votes = Votes([letter[j] for j in shown], proposal_ids,
                  _proposal_texts(source, proposal_ids), count(values == 1),
                  count(values == -1), count(np.ones(len(values), dtype=bool)))
    result["representative"] = {
        name: [_representative_item(votes, pick, i) for pick in polis_report.
               representative_comments(votes.agree, votes.disagree, votes.seen, i,
                                       excluded=votes.too_few_for(i),
                                       top=options.representative)]
        for i, name in enumerate(votes.letters)}
    result["agreement"] = _agreement(votes, result["representative"])
    result["consensus"] = _consensus(votes, options.consensus_top)
    # Majority and uncertainty are over everyone in the groups shown, 10 voters at least.
    few = np.flatnonzero(votes.total_seen < MIN_SEGMENT_PARTICIPANTS)
    picks = polis_report.majority(votes.agree, votes.disagree, votes.seen, excluded=few)
    result["majority"] = {direction: [_majority_item(votes, pick, direction)
                                      for pick in picks[direction]]
                          for direction in ("agree", "disagree")}
    result["uncertainty"] = [
        _uncertainty_item(votes, pick)
        for pick in polis_report.uncertainty(votes.passed, votes.seen, excluded=few)]
    result["statements"] = _statements(votes, result)
    return result


@dataclass
class Votes:
    """Vote counts, shown groups × proposals, with the proposals' texts."""

    letters: list[str]
    proposal_ids: list
    texts: dict
    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray

    def __post_init__(self):
        self.passed = self.seen - self.agree - self.disagree
        self.total_seen = self.seen.sum(axis=0)

    def too_few_for(self, i: int) -> np.ndarray:
        """Proposals a group's figures cannot be shown on: under 10 voters in the group
        (Polis's moderated-out comments play this part). The others' share is shown only
        from 10 voters too (`_share`), but a small other group does not hide the group's
        own figures."""
        return np.flatnonzero(self.seen[i] < MIN_SEGMENT_PARTICIPANTS)

    def text(self, c: int) -> dict:
        proposal_id = self.proposal_ids[c]
        found = self.texts.get(proposal_id, {})
        return {"id": proposal_id, "content": found.get("content"),
                "author": found.get("author"), "idea_id": found.get("idea_id")}

    def shares(self, counts: np.ndarray, c: int) -> dict[str, float | None]:
        """Each group's share (%) on proposal c; None under 10 voters in the group."""
        return {name: _share(counts[i, c], self.seen[i, c])
                for i, name in enumerate(self.letters)}

    def overall(self, counts: np.ndarray, c: int) -> float | None:
        return _share(counts[:, c].sum(), self.total_seen[c])


def _share(count, seen) -> float | None:
    """A group's share on a proposal; None (shown "< 10") under 10 voters."""
    return float(100.0 * count / seen) if seen >= MIN_SEGMENT_PARTICIPANTS else None


def _representative_item(votes: Votes, pick: dict, i: int) -> dict:
    c = pick["index"]
    others = {name: x[:, c].sum() - x[i, c]
              for name, x in (("agree", votes.agree), ("disagree", votes.disagree),
                              ("seen", votes.seen))}
    return {
        **votes.text(c), "direction": pick["shown_as"], "repful_for": pick["direction"],
        "group_agree": _share(votes.agree[i, c], votes.seen[i, c]),
        "group_disagree": _share(votes.disagree[i, c], votes.seen[i, c]),
        "group_votes": int(votes.seen[i, c]),
        "others_agree": _share(others["agree"], others["seen"]),
        "others_disagree": _share(others["disagree"], others["seen"]),
        "others_votes": int(others["seen"]),
        "repness": pick["repness"], "z": pick["repness_test"],
        "p_success": pick["p_success"], "p_test": pick["p_test"],
        "significant": pick["significant"], "best_agree": pick["best_agree"],
    }


def _agreement(votes: Votes, representative: dict) -> dict:
    """Each group's agree share on every representative proposal (the heatmap)."""
    column = {proposal_id: c for c, proposal_id in enumerate(votes.proposal_ids)}
    agreement = {}
    for items in representative.values():
        for item in items:
            c = column[item["id"]]
            agreement[item["id"]] = {
                "agree": votes.shares(votes.agree, c),
                "votes": {name: int(votes.seen[i, c])
                          if votes.seen[i, c] >= MIN_SEGMENT_PARTICIPANTS else None
                          for i, name in enumerate(votes.letters)}}
    return agreement


def _consensus(votes: Votes, top: int) -> list[dict]:
    """The proposals with the highest group-informed consensus (10 voters at least)."""
    consensus = polis_report.group_consensus(votes.agree, votes.seen)
    eligible = np.flatnonzero(votes.total_seen >= MIN_SEGMENT_PARTICIPANTS)
    ids = np.asarray(votes.proposal_ids, dtype=object)
    ranked = eligible[np.lexsort((ids[eligible].astype(str), -consensus[eligible]))]
    return [{**votes.text(c), "consensus": float(consensus[c]),
             "votes": int(votes.total_seen[c]),
             "agree": votes.overall(votes.agree, c),
             "disagree": votes.overall(votes.disagree, c),
             "groups": votes.shares(votes.agree, c)}
            for c in ranked[:top]]


def _majority_item(votes: Votes, pick: dict, direction: str) -> dict:
    c = pick["index"]
    counts = votes.agree if direction == "agree" else votes.disagree
    return {**votes.text(c), "direction": direction, "votes": pick["n_trials"],
            "share": float(100.0 * pick["n_success"] / pick["n_trials"]),
            "p": pick["p_success"], "z": pick["p_test"], "groups": votes.shares(counts, c)}


def _uncertainty_item(votes: Votes, pick: dict) -> dict:
    c = pick["index"]
    return {**votes.text(c), "votes": pick["seen"], "passed": pick["passed"],
            "pass": float(100.0 * pick["share"]), "groups": votes.shares(votes.passed, c)}


def _statements(votes: Votes, result: dict) -> list[dict]:
    """One row per proposal: overall and per-group shares, group-informed consensus, and
    where the report lists it (representative of, majority). None under 10 voters."""
    consensus = polis_report.group_consensus(votes.agree, votes.seen)
    representative_of: dict = {}
    for name, items in result["representative"].items():
        for item in items:
            representative_of.setdefault(item["id"], []).append(name)
    majority = {item["id"]: direction for direction, items in result["majority"].items()
                for item in items}
    rows = []
    for c, proposal_id in enumerate(votes.proposal_ids):
        enough = votes.total_seen[c] >= MIN_SEGMENT_PARTICIPANTS
        rows.append({
            **votes.text(c), "votes": int(votes.total_seen[c]) if enough else None,
            "agree": votes.overall(votes.agree, c),
            "disagree": votes.overall(votes.disagree, c),
            "pass": votes.overall(votes.passed, c),
            "consensus": float(consensus[c]) if enough else None,
            "representative_of": "/".join(representative_of.get(proposal_id, [])),
            "majority": majority.get(proposal_id),
            "groups": {name: {
                "votes": int(votes.seen[i, c])
                if votes.seen[i, c] >= MIN_SEGMENT_PARTICIPANTS else None,
                "agree": _share(votes.agree[i, c], votes.seen[i, c]),
                "disagree": _share(votes.disagree[i, c], votes.seen[i, c]),
                "pass": _share(votes.passed[i, c], votes.seen[i, c])}
                for i, name in enumerate(votes.letters)},
        })
    # Polis numbers its statements: 2 before 10, as in Polis's own table.
    return sorted(rows, key=lambda row: (0, int(row["id"]), "") if str(row["id"]).isdigit()
                  else (1, 0, str(row["id"])))


def hulls(positions: dict) -> dict[str, dict[str, list[float]]]:
    """Each group's convex hull on the map, as a closed polygon (x and y lists), the way
    Polis's report outlines its groups. Collinear points give the segment between the
    extreme ones."""
    from scipy.spatial import ConvexHull, QhullError

    frame = pd.DataFrame(positions, columns=["x", "y", "group"])
    result = {}
    for group, part in frame.groupby("group", sort=True):
        points = np.unique(part[["x", "y"]].to_numpy(dtype=float), axis=0)
        try:
            corners = points[ConvexHull(points).vertices] if len(points) >= 3 else None
        except QhullError:
            corners = None
        if corners is None:
            corners = points[[0, -1]]        # sorted: the two ends of the line
        corners = np.vstack([corners, corners[:1]])
        result[str(group)] = {"x": [float(v) for v in corners[:, 0]],
                              "y": [float(v) for v in corners[:, 1]]}
    return result


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
                 "others_votes", "repness", "z", "p_success", "p_test", "significant",
                 "best_agree"])
    consensus_rows = []
    for item in result["consensus"]:
        row = {key: item[key] for key in ("id", "content", "author", "consensus", "votes",
                                          "agree", "disagree")}
        row.update({f"agree_{group}": share for group, share in item["groups"].items()})
        consensus_rows.append(row)
    consensus = pd.DataFrame(consensus_rows)
    majority = pd.DataFrame(
        [{key: item[key] for key in ("direction", "id", "content", "author", "share", "votes",
                                     "p", "z")}
         for items in (result.get("majority") or {}).values() for item in items],
        columns=["direction", "id", "content", "author", "share", "votes", "p", "z"])
    uncertainty = pd.DataFrame(
        [{key: item[key] for key in ("id", "content", "author", "pass", "passed", "votes")}
         for item in result.get("uncertainty") or []],
        columns=["id", "content", "author", "pass", "passed", "votes"])
    silhouettes = pd.DataFrame(result["silhouettes"], columns=["k", "silhouette"])
    return {"groups": groups, "positions": positions, "representative": representative,
            "consensus": consensus, "majority": majority, "uncertainty": uncertainty,
            "statements": statement_table(result), "silhouettes": silhouettes}


# Polis's "all statements" columns; "{g}: {what}" names a group's column.
STATEMENT_COLUMNS = {
    "id": N_("id"), "content": N_("Proposal"), "votes": N_("Votes"), "agree": N_("Agree (%)"),
    "disagree": N_("Disagree (%)"), "pass": N_("Neutral / pass (%)"),
    "consensus": N_("Group-informed consensus"), "representative_of": N_("Representative of"),
    "majority": N_("Majority")}


def direction_names(lang: str) -> dict[str, str]:
    """The way a group or the majority leans on a proposal: "agree" -> "Agree"."""
    from analytics import i18n

    pgettext = i18n.translations(lang).pgettext
    # TRANSLATORS: the way a group (or the majority) leans on a proposal, as a badge.
    return {"agree": pgettext("direction", "Agree"),
            # TRANSLATORS: the way a group (or the majority) leans on a proposal, as a badge.
            "disagree": pgettext("direction", "Disagree")}


def statement_table(result: dict, lang: str | None = None) -> pd.DataFrame:
    """Every proposal with its votes, shares overall and per group (numbers stay numbers,
    empty under 10 voters) and group-informed consensus: Polis's "all statements".
    With `lang`, the column names are in that language."""
    rows = []
    for item in result.get("statements") or []:
        row = {key: item[key] for key in ("id", "content", "votes", "agree", "disagree",
                                          "pass", "consensus", "representative_of",
                                          "majority")}
        for group, figures in item["groups"].items():
            row.update({f"{group}_{what}": value for what, value in figures.items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    numeric = [c for c in table.columns
               if c not in ("id", "content", "representative_of", "majority")]
    table[numeric] = table[numeric].astype(float)
    if lang is None:
        return table
    from analytics import i18n

    _ = i18n.translator(lang)

    def name(column: str) -> str:
        if column in STATEMENT_COLUMNS:
            return _(STATEMENT_COLUMNS[column])
        group, what = column.split("_", 1)
        # TRANSLATORS: a column of one opinion group: "A: Agree (%)".
        return _("{g}: {what}").format(g=group, what=_(STATEMENT_COLUMNS[what]))

    table["majority"] = table["majority"].map(direction_names(lang))
    return table.rename(columns=name)


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
