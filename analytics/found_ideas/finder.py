"""Placeholder: replaced by the real method (same signature)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from analytics.found_ideas.ideaset import IdeaSet

Progress = Callable[[float, str], None]


class IdeaFinder:
    pass


def find_ideas(proposals: pd.DataFrame, *, language: str | None = None,
               n_ideas: int | None = None, progress: Progress | None = None,
               cache: bool = True) -> IdeaSet:
    """`proposals`: proposal_id, content and optionally votes (weighs which proposals
    name an idea, never which idea a proposal is in). Deterministic."""
    started = time.perf_counter()
    ids = proposals["proposal_id"].astype(str).tolist()
    k = n_ideas or 3
    ideas = pd.DataFrame({"idea_id": [f"idea-{i + 1:02d}" for i in range(k)],
                          "name": [f"Idée {i + 1}" for i in range(k)],
                          "axis": ["Axe 1"] * k,
                          "keywords": [["mot"] for _ in range(k)],
                          "examples": [ids[i::k][:3] for i in range(k)]})
    assignments = pd.DataFrame({"proposal_id": ids,
                                "idea_id": [f"idea-{i % k + 1:02d}" for i in range(len(ids))],
                                "similarity": [0.5] * len(ids)})
    return IdeaSet(ideas, assignments, language=language or "fr",
                   method={"name": "placeholder"}, seconds=time.perf_counter() - started)
