"""Weights that make the voters look like the general population: raking
(iterative proportional fitting) to the population's margins by gender, age
band and région (analytics.inputs.reference.population_shares), with weight trimming.

Choices (written here and shown on the pages):
- Who is weighted: the voters (participants who cast at least one vote, SPEC
  section 3), including voters missing from the participants table.
- Margins: for each dimension, the population shares of the values present
  among the voters, renormalised to 100 over those values (so a consultation
  without 8-15 year-olds is raked to the 16+ population). A dimension with
  fewer than two such values is not used.
- Missing values: a voter whose value on a dimension is missing, or has no
  population figure (gender "other", a foreign région label), is not moved by
  that dimension's step: the group keeps its share of the total weight, and
  only the voters with a known value are raked, among themselves, to the
  population's shares. Nobody is dropped and a missing answer is not counted as
  any value; their weights still move with the dimensions they did answer.
- Trimming: after every raking sweep, weights are capped to
  [0.2, 5] × the mean weight; what a cap removes is spread over the uncapped
  voters in proportion to their weights (the total stays the number of voters).
  Sweeps go on until the weighted margins are within 1e-6 of the targets
  (converged) or 200 sweeps (not converged: the report gives the largest gap).
  Because trimming comes last in every sweep, the bounds always hold.
- Weights have mean 1: a weighted count reads as "voters, had the sample looked
  like the population"; Kish's effective sample size (Σw)²/Σw² says how many
  unweighted voters the weighted sample is worth.

The computation runs on cells (one row per combination of gender, age band and
région present, a few hundred at most) rather than on the voters; the database
then gets a `weights(participant_id, weight)` table."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.metrics import stats
from analytics.results_model import Weighting

# (dimension, participants column)
DIMENSIONS = (("gender", "gender"), ("age_band", "age_band"), ("region", "region_code"))
BOUNDS = (0.2, 5.0)
TOLERANCE = 1e-6
MAX_SWEEPS = 200


@dataclass
class Raking:
    """The outcome of raking: weights per cell and the convergence report."""

    cells: pd.DataFrame            # gender, age_band, region_code, participants, weight
    margins: dict[str, dict[str, float]]   # dimension -> {label: target share in percent}
    iterations: int
    converged: bool
    max_margin_error: float        # largest |weighted share - target|, percentage points
    trimmed: int                   # voters whose weight sits at a bound
    effective_sample_size: float
    participants: int
    max_weight: float
    min_weight: float
    bounds: tuple[float, float] = BOUNDS
    seconds: float = 0.0
    missing: dict[str, int] = field(default_factory=dict)   # voters not raked on a dimension

    @property
    def available(self) -> bool:
        return bool(self.margins)

    def summary(self) -> Weighting:
        """The `weighting` key of the results (JSON-ready)."""
        return {
            "method": "raking" if self.available else None,
            "margins": {dim: dict(targets) for dim, targets in self.margins.items()},
            "bounds": list(self.bounds),
            "trimmed": int(self.trimmed),
            "effective_sample_size": float(self.effective_sample_size),
            "participants": int(self.participants),
            "max_weight": float(self.max_weight),
            "min_weight": float(self.min_weight),
            "converged": bool(self.converged),
            "iterations": int(self.iterations),
            "max_margin_error": float(self.max_margin_error),
            "not_raked": {dim: int(n) for dim, n in self.missing.items()},
            "seconds": float(self.seconds),
        }


# -- the algorithm, on cells ----------------------------------------------------------------

def trim(weights: np.ndarray, counts: np.ndarray,
         bounds: tuple[float, float] = BOUNDS) -> np.ndarray:
    """Cap weights to [low, high] × mean weight (mean over the voters, `counts`
    voters per cell), spreading what the caps remove or add over the cells left
    free, in proportion to their weight, until every weight is within bounds."""
    w = np.asarray(weights, dtype=float).copy()
    counts = np.asarray(counts, dtype=float)
    total = float((counts * w).sum())
    if total <= 0:
        return w
    mean = total / counts.sum()
    low, high = bounds[0] * mean, bounds[1] * mean
    fixed = np.zeros(len(w), dtype=bool)
    for _ in range(len(w) + 1):
        over, under = (w > high) & ~fixed, (w < low) & ~fixed
        if not (over.any() or under.any()):
            break
        w[over], w[under] = high, low
        fixed |= over | under
        free = ~fixed
        free_total = float((counts[free] * w[free]).sum())
        if free_total <= 0:
            break
        w[free] *= (total - float((counts[fixed] * w[fixed]).sum())) / free_total
    return w


def _margin_error(w, counts, codes, targets) -> float:
    worst = 0.0
    for code, target in zip(codes, targets, strict=True):
        known = code >= 0
        totals = np.bincount(code[known], weights=(counts * w)[known], minlength=len(target))
        if totals.sum() > 0:
            worst = max(worst, float(np.abs(totals / totals.sum() - target).max()))
    return worst


def rake_cells(counts, values: dict[str, list], margins: dict[str, dict[str, float]], *,
               bounds: tuple[float, float] | None = BOUNDS, tolerance: float = TOLERANCE,
               max_sweeps: int = MAX_SWEEPS) -> tuple[np.ndarray, int, bool, float]:
    """Raking weights (mean 1 over the voters) for cells of `counts` voters whose
    value on each dimension is `values[dimension][i]` (None when missing), to the
    `margins` (dimension -> {value: share}, any scale). Returns (weights,
    sweeps, converged, largest margin error as a proportion)."""
    counts = np.asarray(counts, dtype=float)
    codes, targets = [], []
    for dimension, shares in margins.items():
        labels = list(shares)
        index = {label: i for i, label in enumerate(labels)}
        codes.append(np.array([index.get(v, -1) if v is not None else -1
                               for v in values[dimension]], dtype=int))
        target = np.array([shares[label] for label in labels], dtype=float)
        targets.append(target / target.sum())
    w = np.ones(len(counts))
    if not margins or counts.sum() == 0:
        return w, 0, True, 0.0
    error, sweeps = np.inf, 0
    while sweeps < max_sweeps:
        sweeps += 1
        for code, target in zip(codes, targets, strict=True):
            known = code >= 0
            totals = np.bincount(code[known], weights=(counts * w)[known],
                                 minlength=len(target))
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(totals > 0, target * totals.sum() / totals, 1.0)
            w[known] *= factor[code[known]]
        if bounds is not None:
            w = trim(w, counts, bounds)
        error = _margin_error(w, counts, codes, targets)
        if error < tolerance:
            break
    w *= counts.sum() / float((counts * w).sum())     # mean 1 (trim and rake keep it)
    return w, sweeps, bool(error < tolerance), float(error)


# -- on a source ----------------------------------------------------------------------------

VOTER_CELLS_SQL = """
    SELECT p.gender, p.age_band, p.region_code, count(*) AS participants
    FROM (SELECT DISTINCT participant_id FROM votes) v
    LEFT JOIN participants p ON p.participant_id = v.participant_id
    GROUP BY p.gender, p.age_band, p.region_code
"""


def population_margins(cells: pd.DataFrame, country: str) -> dict[str, dict[str, float]]:
    """Population shares (percent) of the values present among the voters, per dimension."""
    from analytics.inputs import reference

    margins = {}
    for dimension, column in DIMENSIONS:
        labels = sorted({v for v in cells[column] if v is not None})
        shares = reference.population_shares(dimension, labels, country=country)
        if len(shares) >= 2:
            margins[dimension] = shares
    return margins


def rake(cells: pd.DataFrame, country: str = "FR", *,
         bounds: tuple[float, float] | None = BOUNDS) -> Raking:
    """Raking of voter cells (columns gender, age_band, region_code, participants)."""
    started = time.perf_counter()
    cells = cells.astype(object).where(cells.notna(), None).reset_index(drop=True)
    counts = cells["participants"].to_numpy(dtype=float)
    margins = population_margins(cells, country)
    columns = dict(DIMENSIONS)
    values = {dim: list(cells[columns[dim]]) for dim in margins}
    weights, sweeps, converged, error = rake_cells(counts, values, margins, bounds=bounds)
    cells = cells.assign(weight=weights)
    per_voter = np.repeat(weights, counts.astype(int))
    mean = float(per_voter.mean()) if len(per_voter) else 1.0
    at_bound = np.zeros(len(weights), dtype=bool)
    if bounds is not None and margins:
        at_bound = ((weights >= bounds[1] * mean * (1 - 1e-9))
                    | (weights <= bounds[0] * mean * (1 + 1e-9)))
    missing = {dim: int(sum(c for c, v in zip(counts, values[dim], strict=True)
                            if v not in margins[dim])) for dim in margins}
    return Raking(
        cells=cells, margins=margins, iterations=sweeps, converged=converged,
        max_margin_error=100.0 * error, trimmed=int(counts[at_bound].sum()),
        effective_sample_size=stats.effective_sample_size(per_voter),
        participants=int(counts.sum()),
        max_weight=float(weights.max()) if len(weights) else 1.0,
        min_weight=float(weights.min()) if len(weights) else 1.0,
        bounds=bounds or (0.0, float("inf")), seconds=time.perf_counter() - started,
        missing=missing)


def prepare(con, country: str = "FR") -> Raking:
    """Rake the voters of a DuckDB connection and create `weights(participant_id,
    weight)` in it (voters only; a voter missing from participants gets the
    weight of the all-unknown cell). Plain SQL, portable to Spark."""
    cursor = con.cursor()
    try:
        raking = rake(cursor.execute(VOTER_CELLS_SQL).df(), country)
        cursor.execute("CREATE OR REPLACE TABLE weight_cells (gender VARCHAR, age_band VARCHAR, "
                       "region_code VARCHAR, weight DOUBLE)")
        rows = [(r.gender, r.age_band, r.region_code, float(r.weight))
                for r in raking.cells.itertuples(index=False)]
        if rows:
            cursor.executemany("INSERT INTO weight_cells VALUES (?, ?, ?, ?)", rows)
        cursor.execute("""
            CREATE OR REPLACE TABLE weights AS
            SELECT v.participant_id, c.weight
            FROM (SELECT DISTINCT participant_id FROM votes) v
            LEFT JOIN participants p ON p.participant_id = v.participant_id
            JOIN weight_cells c
              ON c.gender IS NOT DISTINCT FROM p.gender
             AND c.age_band IS NOT DISTINCT FROM p.age_band
             AND c.region_code IS NOT DISTINCT FROM p.region_code""")
    finally:
        cursor.close()
    return raking
