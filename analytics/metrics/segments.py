"""Segment comparisons: an idea's or a proposal's shares by gender, age band and
région side by side, with 95 % Wilson intervals and the differences that are
statistically significant; and the ranking of ideas (or proposals) where
segments disagree most.

Counts come from one SQL query per dimension (grouped by the dimension's
value, plain SQL that DuckDB and Spark both run); the statistics are numpy
(analytics.metrics.stats).

Definitions (written here and stated on the page):
- A cell is the voters on the item who are in the sidebar segment and have one
  value of the dimension. Its figures are shares of the cell's votes (SPEC
  section 3: an idea pools the votes on its proposals).
- Privacy (SPEC section 5): a cell with fewer than 10 distinct participants is
  suppressed ("< 10": no share, no count, no interval, left out of the exported
  tables). A second rule stops the hidden figures coming back by subtraction:
  the item's totals are published elsewhere, so "total minus the cells shown"
  is a figure on the rest (suppressed cells plus voters whose value is unknown).
  When that rest has between 1 and 9 participants, the smallest shown cell is
  hidden as well ("hidden", secondary suppression), until the rest reaches 10.
- Weighted figures (analytics.metrics.weighting): shares are weighted; intervals and
  tests use the cell's Kish effective number of votes (Σw)²/Σw² in place of n
  (a design-effect approximation that ignores the variance of estimating the
  weights). Privacy always counts raw participants.
- Significance: two-sided two-proportion z-test (pooled variance) for every
  pair of shown values of a dimension, Holm-corrected (see analytics.metrics.stats for
  why Holm). On an item, the family is the pairs of one dimension for the share
  shown (3 pairs for 3 genders, 21 for 7 age bands). In the ranking, the family
  is every pair of every item and dimension ranked: the ranking picks the
  largest gaps among many, which is where false findings would pile up.
- Votes on an idea are treated as independent; a participant voting on several
  of its proposals makes the true uncertainty a little larger.

Disagreement measure (ranking): the largest gap, in percentage points, in the
chosen share (agreement by default) between two values of one dimension, among
the gaps that are significant after Holm's correction. Points are the unit a
journalist reports ("62 % of the 16-24 agree, 41 % of the 65+"), the measure
names the two groups to compare, and requiring significance keeps tiny cells'
noise out of the top. Cramér's V / a chi-square statistic was considered: it
summarises association over all values at once, but in a unit nobody reports,
it does not say which groups differ, and (without scipy) its p-value needs an
incomplete gamma function. Items without any significant gap are not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.inputs.tables import literal
from analytics.metrics import stats
from analytics.metrics.segment import COLUMNS, Segment
from analytics.vocabulary import COUNT_KEYS, MIN_SEGMENT_PARTICIPANTS, ordered_labels

DIMENSIONS = ("gender", "age_band", "region")
EVERYONE = Segment()
# A share in percent of all votes, and the counts it adds up (SPEC section 3).
SHARES = {
    "agree": ("agree",), "disagree": ("disagree",), "neutral": ("neutral",),
    "like_it": ("likeIt",), "doable": ("doable",), "no_way": ("noWay",),
    "impossible": ("impossible",), "platitude": ("platitudeAgree", "platitudeDisagree"),
}
_VOTE_COLUMN = {key: "vote" if key in ("agree", "disagree", "neutral") else "qualification"
                for key in COUNT_KEYS}


# -- SQL ------------------------------------------------------------------------------------

def _counts(weighted: bool) -> str:
    parts = [f"count(CASE WHEN v.{_VOTE_COLUMN[k]} = {literal(k)} THEN 1 END) AS {k}"
             for k in COUNT_KEYS]
    if weighted:
        parts += [f"sum(CASE WHEN v.{_VOTE_COLUMN[k]} = {literal(k)} THEN w.weight ELSE 0 END)"
                  f" AS w_{k}" for k in COUNT_KEYS]
        parts += ["sum(w.weight) AS w_n", "sum(w.weight * w.weight) AS w_n2"]
    return ", ".join(parts)


def cells_sql(dimension: str, *, item: tuple[str, str] | None = None,
              level: str | None = None, segment: Segment = EVERYONE,
              weighted: bool = False) -> str:
    """Counts per value of `dimension` (NULL: unknown) for one item (`item` =
    ("idea"|"proposal", id)), or per item and value for every item of a `level`
    ("idea"|"proposal"), restricted to the sidebar segment."""
    column = COLUMNS[dimension]
    key = ""
    joins = "LEFT JOIN participants p ON p.participant_id = v.participant_id"
    conditions = [segment.where("p")]
    if weighted:
        joins += " JOIN weights w ON w.participant_id = v.participant_id"
    if item is not None:
        kind, item_id = item
        if kind == "proposal":
            conditions.append(f"v.proposal_id = {literal(item_id)}")
        else:
            conditions.append(f"v.proposal_id IN (SELECT proposal_id FROM proposals "
                              f"WHERE idea_id = {literal(item_id)})")
    elif level == "idea":
        joins += " JOIN proposals pr ON pr.proposal_id = v.proposal_id"
        conditions.append("pr.idea_id IS NOT NULL")
        key = "pr.idea_id AS item_id, "
    else:
        key = "v.proposal_id AS item_id, "
    group = key.replace(" AS item_id, ", ", ")
    return (f"SELECT {key}p.{column} AS value, count(DISTINCT v.participant_id) AS participants, "
            f"count(*) AS votes, {_counts(weighted)} "
            f"FROM votes v {joins} WHERE {' AND '.join(conditions)} "
            f"GROUP BY {group}p.{column}")


# -- cells ----------------------------------------------------------------------------------

def _labels(dimension: str, values, country: str) -> list:
    from analytics.inputs import reference

    if dimension == "region" and country == "FR":
        return [None if v is None else reference.region_name(v) or str(v) for v in values]
    return [None if v is None else str(v) for v in values]


def suppression(items, participants, known) -> np.ndarray:
    """Suppression status of cells: "" (shown), "small" (fewer than 10
    participants) or "hidden". `items` says which item each cell belongs to (the
    cells of one item and dimension partition its voters: the unknown-value cell
    is included, `known` False, and is never shown).

    "hidden" is secondary suppression: an item's totals are published elsewhere,
    so total minus the cells shown is a figure on the rest (small cells plus
    unknown values); when the rest has 1 to 9 participants, the smallest shown
    cell is hidden too. One is enough: a shown cell has at least 10."""
    items = pd.Series(np.asarray(items, dtype=object))
    participants = np.asarray(participants, dtype=float)
    known = np.asarray(known, dtype=bool)
    shown = known & (participants >= MIN_SEGMENT_PARTICIPANTS)
    status = np.where(known & ~shown, "small", "").astype(object)
    total = pd.Series(participants).groupby(items).transform("sum").to_numpy()
    shown_total = pd.Series(participants * shown).groupby(items).transform("sum").to_numpy()
    rest = total - shown_total
    exposed = shown & (rest > 0) & (rest < MIN_SEGMENT_PARTICIPANTS)
    if exposed.any():
        candidates = pd.DataFrame({"item": items[exposed].to_numpy(),
                                   "participants": participants[exposed],
                                   "row": np.flatnonzero(exposed)})
        smallest = candidates.sort_values(["participants", "row"]).drop_duplicates("item")
        status[smallest["row"].to_numpy()] = "hidden"
    return status


def _shares(frame: pd.DataFrame, weighted: bool) -> tuple[dict, np.ndarray]:
    """Shares in percent (weighted or raw) and the n the intervals use."""
    prefix = "w_" if weighted else ""

    def column(key):
        return frame[f"{prefix}{key}"].to_numpy(dtype=float)

    n = column("agree") + column("disagree") + column("neutral")
    shares = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for share, keys in SHARES.items():
            count = sum(column(k) for k in keys)
            shares[share] = np.where(n > 0, 100.0 * count / n, np.nan)
        if weighted:
            w_n, w_n2 = column("n"), column("n2")
            effective = np.where(w_n2 > 0, w_n * w_n / w_n2, 0.0)
        else:
            effective = n
    return shares, effective


def _cells(frame: pd.DataFrame, dimension: str, weighted: bool, country: str) -> pd.DataFrame:
    """Cells of one or many items (`item_id` column, or one item), in the
    dimension's order (unknown last), with figures blanked where not shown."""
    frame = frame.astype(object).where(frame.notna(), None).reset_index(drop=True)
    if "item_id" not in frame:
        frame.insert(0, "item_id", "")
    values = _order(dimension, list(frame["value"].unique()))
    rank = {v: i for i, v in enumerate(values)}
    frame["_order"] = [rank.get(v, len(rank)) for v in frame["value"]]
    frame = frame.sort_values(["item_id", "_order"], kind="stable").reset_index(drop=True)
    known = frame["value"].notna().to_numpy()
    participants = frame["participants"].to_numpy(dtype=float)
    status = suppression(frame["item_id"].to_numpy(), participants, known)
    shares, effective = _shares(frame, weighted)
    table = pd.DataFrame({
        "item_id": frame["item_id"],
        "dimension": dimension,
        "value": frame["value"],
        "label": _labels(dimension, frame["value"], country),
        "order": frame["_order"].to_numpy(dtype="int64"),
        "known": known,
        "suppressed": status,
        "participants": frame["participants"].to_numpy(dtype="int64"),
        "votes": frame["votes"].to_numpy(dtype="int64"),
    })
    for key in COUNT_KEYS:          # counts as count_<key>: "agree" is the share
        table[f"count_{key}"] = frame[key].to_numpy(dtype="int64")
    table["effective_n"] = effective
    for share, values in shares.items():
        lower, upper = stats.wilson_interval(values / 100.0 * effective, effective)
        table[share] = values
        table[f"{share}_lower"] = 100.0 * lower
        table[f"{share}_upper"] = 100.0 * upper
    # A cell that is not shown carries no figure at all, so none can leak downstream.
    hidden = ~(known & (status == ""))
    for column in table.columns[table.columns.get_loc("participants"):]:
        if table[column].dtype.kind in "iu":
            table[column] = table[column].astype("Int64")
        table.loc[hidden, column] = pd.NA if table[column].dtype == "Int64" else np.nan
    return table


def _order(dimension: str, values: list) -> list:
    return ordered_labels(dimension, [v for v in values if v is not None])


def cell_table(frame: pd.DataFrame, dimension: str, *, weighted: bool = False,
               country: str = "FR") -> pd.DataFrame:
    """The cells of one item (rows of `cells_sql(dimension, item=...)`): one row
    per value of the dimension (unknown last) with raw counts (participants,
    votes, `count_<key>` for the twelve count keys), shares (weighted or raw) in
    percent, 95 % Wilson bounds per share (`<share>_lower/_upper`),
    the effective n and the suppression status ("", "small", "hidden"). Rows not
    shown (suppressed, or the unknown value) carry no figure."""
    return _cells(frame, dimension, weighted, country).drop(columns=["item_id", "order"])


def figures(table: pd.DataFrame) -> pd.DataFrame:
    """The cells one may show or export: known values, not suppressed."""
    return table[table["known"] & (table["suppressed"] == "")].reset_index(drop=True)


PAIR_COLUMNS = ["value_a", "label_a", "value_b", "label_b", "share_a", "share_b", "difference",
                "z", "p_value", "p_holm", "significant", "participants_a", "participants_b"]


def _pairs(cells: pd.DataFrame, share: str) -> pd.DataFrame:
    """Every pair of shown cells of the same item, the higher share as `a`, with
    z and the raw p-value (no correction yet)."""
    shown = figures(cells)
    shown = shown[shown[share].notna()]
    columns = ["item_id", "value", "label", "order", share, "effective_n", "participants"]
    left = shown[columns]
    pairs = left.merge(left, on="item_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["order_a"] < pairs["order_b"]]
    if pairs.empty:
        return pd.DataFrame(columns=["item_id", *PAIR_COLUMNS])
    swap = (pairs[f"{share}_b"] > pairs[f"{share}_a"]).to_numpy()
    out = {"item_id": pairs["item_id"].to_numpy()}
    for name in ("value", "label", share, "effective_n", "participants"):
        a, b = pairs[f"{name}_a"].to_numpy(), pairs[f"{name}_b"].to_numpy()
        out[f"{name}_a"], out[f"{name}_b"] = np.where(swap, b, a), np.where(swap, a, b)
    share_a = out[f"{share}_a"].astype(float)
    share_b = out[f"{share}_b"].astype(float)
    n_a, n_b = out["effective_n_a"].astype(float), out["effective_n_b"].astype(float)
    z, p = stats.two_proportion_test(share_a / 100 * n_a, n_a, share_b / 100 * n_b, n_b)
    return pd.DataFrame({
        "item_id": out["item_id"],
        "value_a": out["value_a"], "label_a": out["label_a"],
        "value_b": out["value_b"], "label_b": out["label_b"],
        "share_a": share_a, "share_b": share_b, "difference": share_a - share_b,
        "z": z, "p_value": p,
        "participants_a": out["participants_a"].astype("int64"),
        "participants_b": out["participants_b"].astype("int64")})


def pairwise(table: pd.DataFrame, share: str = "agree") -> pd.DataFrame:
    """Every pair of shown values of one item, the higher share first: shares,
    difference in points, z, p-value, Holm-adjusted p-value (family: these
    pairs) and whether it is significant at 5 %; significant pairs first, by
    difference."""
    cells = table.assign(item_id="", order=np.arange(len(table)))
    pairs = _pairs(cells, share)
    if pairs.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    pairs["p_holm"], pairs["significant"] = stats.holm(pairs["p_value"])
    return pairs.sort_values(["significant", "difference"], ascending=[False, False],
                             kind="stable").reset_index(drop=True)[PAIR_COLUMNS]


@dataclass(frozen=True)
class Comparison:
    dimension: str
    cells: pd.DataFrame        # cell_table (suppressed rows included, figures blank)
    fixed: bool                # the sidebar segment fixes this dimension

    def pairs(self, share: str = "agree") -> pd.DataFrame:
        return pairwise(self.cells, share)


def compare(run_sql, kind: str, item_id: str, *, segment: Segment = EVERYONE,
            weighted: bool = False, country: str = "FR") -> dict[str, Comparison]:
    """The cells of an idea or a proposal by gender, age band and région."""
    result = {}
    for dimension in DIMENSIONS:
        frame = run_sql(cells_sql(dimension, item=(kind, item_id), segment=segment,
                                  weighted=weighted))
        result[dimension] = Comparison(dimension, cell_table(frame, dimension,
                                                             weighted=weighted,
                                                             country=country),
                                       fixed=getattr(segment, dimension) is not None)
    return result


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """The cells as a downloadable table: suppressed and unknown cells left out,
    the internal columns dropped."""
    return figures(table).drop(columns=["known", "suppressed"])


# -- ranking --------------------------------------------------------------------------------

RANKING_COLUMNS = ["item_id", "dimension", "value_a", "label_a", "value_b", "label_b",
                   "share_a", "share_b", "difference", "z", "p_value", "p_holm",
                   "participants_a", "participants_b"]


def disagreement(run_sql, level: str = "idea", *, share: str = "agree",
                 segment: Segment = EVERYONE, weighted: bool = False, country: str = "FR",
                 min_votes: int = 0) -> tuple[pd.DataFrame, int]:
    """Items (ideas or proposals) ranked by their largest significant gap in
    `share` between two values of a dimension (see the module's docstring).
    Returns (one row per item that has a significant gap, largest first:
    RANKING_COLUMNS; the number of comparisons in the Holm family). Items need
    `min_votes` raw votes in the segment (the unknown values included)."""
    pairs = []
    for dimension in DIMENSIONS:
        if getattr(segment, dimension) is not None:
            continue        # the sidebar fixes it: one value, nothing to compare
        frame = run_sql(cells_sql(dimension, level=level, segment=segment,
                                  weighted=weighted))
        if min_votes and len(frame):
            frame = frame[frame.groupby("item_id")["votes"].transform("sum") >= min_votes]
        if frame.empty:
            continue
        found = _pairs(_cells(frame, dimension, weighted, country), share)
        if len(found):
            pairs.append(found.assign(dimension=dimension))
    if not pairs:
        return pd.DataFrame(columns=RANKING_COLUMNS), 0
    every = pd.concat(pairs, ignore_index=True)
    every["p_holm"], every["significant"] = stats.holm(every["p_value"])
    best = (every[every["significant"]]
            .sort_values(["difference", "item_id"], ascending=[False, True], kind="stable")
            .drop_duplicates("item_id"))
    return best[RANKING_COLUMNS].reset_index(drop=True), len(every)


def item_names(run_sql, level: str) -> dict[str, str]:
    if level == "idea":
        frame = run_sql("SELECT idea_id AS id, name FROM ideas")
    else:
        frame = run_sql("SELECT proposal_id AS id, content AS name FROM proposals")
    return dict(zip(frame["id"], frame["name"], strict=True))
