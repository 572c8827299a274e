"""Write small vote-level bundles for tests, from Python rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CONSULTATION = {"slug": "test", "title": "Test consultation", "question": "Que faire ?",
                "language": "fr", "country": "FR", "votes_target": 1000}


def write_table(folder: Path, name: str, rows: list[dict], columns: list[str] | None = None,
                fmt: str = "csv") -> Path:
    columns = columns or (list(rows[0]) if rows else [])
    if fmt == "parquet":
        path = folder / f"{name}.parquet"
        table = pa.table({c: [None if r.get(c) in (None, "") else str(r.get(c)) for r in rows]
                          for c in columns})
        pq.write_table(table, path)
        return path
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def votes_for(proposal_id: str, counts: dict[str, int], start: int = 0,
              prefix: str = "u") -> list[dict]:
    """Votes on one proposal from distinct participants: counts like
    {"agree": 3, "agree/likeIt": 2, "disagree/noWay": 1}."""
    votes, n = [], start
    for key, count in counts.items():
        vote, _, qualification = key.partition("/")
        for _ in range(count):
            votes.append({"proposal_id": proposal_id, "participant_id": f"{prefix}{n}",
                          "vote": vote, "qualification": qualification})
            n += 1
    return votes


def write_bundle(folder: Path, *, proposals: list[dict], votes: list[dict],
                 ideas: list[dict] | None = None, participants: list[dict] | None = None,
                 consultation: dict | None = None, actions: list | None = None,
                 fmt: str = "csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consultation.json").write_text(
        json.dumps(consultation or CONSULTATION, ensure_ascii=False), encoding="utf-8")
    write_table(folder, "proposals", proposals, fmt=fmt)
    write_table(folder, "votes", votes,
                ["proposal_id", "participant_id", "vote", "qualification"], fmt=fmt)
    if ideas is not None:
        write_table(folder, "ideas", ideas, fmt=fmt)
    if participants is not None:
        write_table(folder, "participants", participants, fmt=fmt)
    if actions is not None:
        (folder / "actions.json").write_text(json.dumps(actions), encoding="utf-8")
    return folder


def unescape(markdown: str) -> str:
    """The text of a markdown string written with pages.ui.plain (backslash escapes)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n")
