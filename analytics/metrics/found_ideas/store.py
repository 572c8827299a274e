"""Found ideas kept on disk, keyed by the texts' content and the method's
parameters, so that a restarted app does not compute them again.

Folder: $CONSULTATIONS_CACHE/ideas (default: the user's cache directory). A file
that cannot be read back is ignored and rewritten, never trusted; files are
written to a temporary name and renamed, so concurrent servers never read half
a file."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.metrics.found_ideas.ideaset import ASSIGNMENT_COLUMNS, IDEA_COLUMNS, IdeaSet

CACHE_VARIABLE = "CONSULTATIONS_CACHE"


def folder() -> Path:
    root = os.environ.get(CACHE_VARIABLE)
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "consultation-dashboard")
    return Path(root) / "ideas"


def key(ids: list[str], texts: list[str], votes: np.ndarray, params: dict,
        version: int) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"params": params, "version": version}, sort_keys=True).encode())
    for proposal_id, content, count in zip(ids, texts, votes.tolist(), strict=True):
        digest.update(f"{proposal_id}\x1f{content}\x1f{count}\x1e".encode("utf-8", "replace"))
    return digest.hexdigest()


def load(name: str) -> IdeaSet | None:
    path = folder() / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ideas = pd.DataFrame(data["ideas"], columns=list(IDEA_COLUMNS))
        assignments = pd.DataFrame(data["assignments"], columns=list(ASSIGNMENT_COLUMNS))
        assignments["idea_id"] = assignments["idea_id"].astype(object)
        assignments["similarity"] = assignments["similarity"].astype(float)
        return IdeaSet(ideas, assignments, language=data["language"], method=data["method"],
                       seconds=float(data["seconds"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(name: str, idea_set: IdeaSet) -> None:
    data = idea_set.to_json()
    data["ideas"] = [{k: idea[k] for k in IDEA_COLUMNS} for idea in data["ideas"]]
    target = folder()
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temporary, target / f"{name}.json")
    except OSError:
        pass        # a read-only cache folder only costs the computation next time
