"""`python -m analytics bench --groups`: Polis's groups recomputed with Polis's method
(analytics/metrics/polis_clusters.py), against the groups Polis itself exported.

For every Polis conversation under $CONSULTATIONS_DATA/polis (default
/work/shared/data/polis) whose participants-votes.csv carries `group-id`: the
comments and participants of the conversation, Polis's number of groups (the
export's), ours, the adjusted Rand index between our groups and Polis's
`group-id` over the participants both place, and the seconds the recomputation
took (load + clustering + report). The mean ARI ends the table.

Two honest switches (neither reads group-id):
- `row_order`: with `init="polis"` the k-means starts from the first distinct rows,
  so the row order matters. "polis" (default) orders the participants as a
  from-scratch Polis run does (`polis_row_order`: smallest comment id voted on,
  then participant id); "loaded" keeps the loader's order (participant ids sorted
  as text, an accident of the loader, not Polis's).
- `math`: "current" (default) clusters with today's Polis math; "dated" with the
  Polis math in force at the conversation's last vote (`dated_options`: the 2017
  in-conversation count and zero imputation), shown in the `math` column."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from analytics.bench.ideas import DEFAULT_DATA, POLIS

# The goal: the same k everywhere and a mean adjusted Rand index of 0.9.
ARI_GOAL = 0.9


def conversations(root: Path | None = None) -> list[Path]:
    root = Path(root or os.environ.get("CONSULTATIONS_DATA") or DEFAULT_DATA) / POLIS
    return sorted(path.parent for path in root.glob("*/participants-votes.csv"))


def _numeric_keys(values) -> np.ndarray:
    """Ids as numbers when they all are (Polis ids are), else their text order."""
    text = np.asarray([str(v) for v in values])
    try:
        return text.astype(float)
    except ValueError:
        return np.unique(text, return_inverse=True)[1].reshape(-1).astype(float)


def measure(folder: Path, *, init: str = "k-means++", row_order: str = "polis",
            math: str = "current") -> dict:
    """One conversation: Polis's groups and ours."""
    from analytics.consultations.open import open_source
    from analytics.metrics import groups
    from analytics.metrics.polis_clusters import PolisClustering, dated_options, polis_row_order
    from analytics.metrics.segment import Segment

    started = time.perf_counter()
    source = open_source(folder)
    options = groups.GroupOptions(recompute=True)
    loaded = groups.load(source, Segment(), options)
    export = groups.export_groups(source, loaded.participant_ids)
    if export is None:
        return {"conversation": folder.name, "error": "no group-id in participants-votes.csv"}
    theirs, k_export = export
    dated = {}
    if math == "dated":
        last = source.sql("SELECT max(ts) AS ts FROM polis_latest")["ts"].iloc[0]
        dated = dated_options(None if last is None else float(last))
    estimator = PolisClustering(base_k=options.base_k, max_k=max(options.k_values),
                                min_votes=options.min_participant_votes, init=init,
                                random_state=options.seed, **dated)
    votes = loaded.matrix.sparse().tocsr()
    order = np.arange(votes.shape[0])
    if init == "polis" and row_order == "polis":
        order = polis_row_order(votes, _numeric_keys(loaded.proposal_ids),
                                _numeric_keys(loaded.participant_ids))
    estimator.fit(votes[order], loaded.zeroed)
    seconds = time.perf_counter() - started
    ours = np.empty_like(estimator.labels_)
    ours[order] = estimator.labels_
    return {"conversation": folder.name, "comments": loaded.counts["proposals_used"],
            "participants": loaded.counts["participants"],
            "grouped_polis": int((theirs >= 0).sum()), "grouped_ours": int((ours >= 0).sum()),
            "k_polis": k_export, "k": int(estimator.k_),
            "math": "2017" if dated else "now",
            "ari": groups.adjusted_rand(ours, theirs), "seconds": seconds,
            "silhouettes": {int(k): round(v, 3) for k, v in estimator.silhouettes_.items()}}


def run(root: Path | None = None, *, init: str = "k-means++", row_order: str = "polis",
        math: str = "current", echo=None) -> dict:
    rows = []
    for folder in conversations(root):
        if echo:
            echo(f"groups: {folder.name}")
        rows.append(measure(folder, init=init, row_order=row_order, math=math))
    measured = [row for row in rows if "error" not in row]
    return {"init": init, "row_order": row_order if init == "polis" else None,
            "math": math, "rows": rows,
            "mean_ari": float(np.mean([row["ari"] for row in measured])) if measured else None,
            "same_k": sum(row["k"] == row["k_polis"] for row in measured),
            "conversations": len(measured)}


def report(outcome: dict) -> str:
    from analytics.bench.votes import machine

    header = (f"{'conversation':<28} {'comments':>8} {'particip.':>9} {'grouped P/us':>12} "
              f"{'Polis k':>7} {'our k':>5} {'ARI':>6} {'math':>4} {'seconds':>7}")
    start = outcome["init"] + (f", rows in {outcome['row_order']} order"
                               if outcome.get("row_order") else "")
    lines = [f"opinion groups bench, Polis's method (k-means start: {start}; Polis math: "
             f"{outcome.get('math', 'current')}): {machine()}", "", header, "-" * len(header)]
    for row in outcome["rows"]:
        if "error" in row:
            lines.append(f"{row['conversation']:<28} error: {row['error']}")
            continue
        grouped = f"{row['grouped_polis']}/{row['grouped_ours']}"
        lines.append(f"{row['conversation'][:28]:<28} {row['comments']:>8} "
                     f"{row['participants']:>9} {grouped:>12} {row['k_polis']:>7} "
                     f"{row['k']:>5} {row['ari']:>6.3f} {row.get('math', 'now'):>4} "
                     f"{row['seconds']:>7.2f}")
    if outcome["mean_ari"] is not None:
        met = outcome["mean_ari"] >= ARI_GOAL and outcome["same_k"] == outcome["conversations"]
        lines += ["", f"mean ARI {outcome['mean_ari']:.3f}; same k on {outcome['same_k']} of "
                      f"{outcome['conversations']} conversations (goal: every k, mean ARI "
                      f">= {ARI_GOAL}: {'met' if met else 'not met'})"]
    lines += ["ARI: adjusted Rand index between our groups and Polis's group-id, over the "
              "participants both place; grouped P/us: participants Polis placed / we place; "
              "math: the Polis math applied (now, or 2017 for a conversation whose last vote "
              "predates Polis's late-2017 changes, with math='dated')."]
    return "\n".join(lines)
