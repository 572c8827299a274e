"""Every input kind behind one interface: `open_source(path)` detects the kind
(SPEC section 1) and returns a Source whose `results()` is the object of SPEC
section 6, with the views that kind's data allows."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.bundle import load_bundle
from analytics.engine import DEFAULT_OPTIONS, Options, compute_results
from analytics.errors import InputError, Issue

# What a source can show; pages check these before drawing a view.
CAPABILITIES = ("ideas", "proposals", "votes", "participants", "segments", "actions", "tags")


@dataclass
class Source:
    kind: str                      # bundle | published | opendata | polis
    path: Path
    meta: dict
    capabilities: frozenset[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.path.name

    def results(self, options: Options = DEFAULT_OPTIONS) -> dict:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"kind": self.kind, "path": str(self.path),
                "capabilities": sorted(self.capabilities), "warnings": self.warnings}


class VoteSource(Source):
    """Vote-level data in a DuckDB connection holding proposals, ideas,
    participants and votes (a bundle, or a Polis export converted to one)."""

    def __init__(self, kind, path, meta, con, *, actions=None, has_ideas=True,
                 has_participants=True, warnings=None, extra=None):
        capabilities = {"proposals", "votes"}
        capabilities |= {"ideas"} if has_ideas else set()
        capabilities |= {"participants", "segments"} if has_participants else set()
        capabilities |= {"actions"} if actions else set()
        super().__init__(kind, Path(path), meta, frozenset(capabilities), list(warnings or []))
        self.con = con
        self.actions = actions or []
        self.has_ideas = has_ideas
        self.has_participants = has_participants
        self.extra = extra or {}        # kind-specific keys merged into the results
        self._lock = threading.Lock()
        self._raking = None             # analytics.weighting.Raking, computed once
        self._raking_lock = threading.Lock()

    def sql(self, query: str, params=None) -> pd.DataFrame:
        # One cursor per query: DuckDB connections are not shared across threads.
        with self._lock:
            cursor = self.con.cursor()
        try:
            return cursor.execute(query, params or []).df()
        finally:
            cursor.close()

    def segment_values(self) -> dict[str, dict[str, str]]:
        """The values each segment filter offers, with their labels."""
        from analytics import reference
        from analytics.engine import ordered_labels

        values = {}
        for dimension, column in (("gender", "gender"), ("age_band", "age_band"),
                                  ("region", "region_code")):
            found = self.sql(f"SELECT DISTINCT {column} AS v FROM participants "
                             f"WHERE {column} IS NOT NULL")["v"].tolist()
            labels = {value: value for value in ordered_labels(dimension, found)}
            if dimension == "region" and self.meta.get("country", "FR") == "FR":
                labels = {code: reference.region_name(code) or code for code in labels}
                labels = dict(sorted(labels.items(), key=lambda item: item[1]))
            values[dimension] = labels
        return values

    def weighting(self):
        """Raking weights of the voters to the population's margins (computed on
        first use, then kept; creates the `weights` table), or None without
        participants."""
        if not self.has_participants:
            return None
        from analytics import weighting

        with self._raking_lock:
            if self._raking is None:
                self._raking = weighting.prepare(self.con, self.meta.get("country", "FR"))
        return self._raking

    def results(self, options: Options = DEFAULT_OPTIONS) -> dict:
        if not options.segment.is_everyone and not self.has_participants:
            raise InputError([Issue(self.path.name, "segments need a participants table",
                                    expected="participants.csv in the bundle")])
        raking = self.weighting() if options.weighted else None
        results = compute_results(self.sql, self.meta, options=options, actions=self.actions,
                                  has_ideas=self.has_ideas,
                                  has_participants=self.has_participants,
                                  weighting=raking.summary() if raking is not None else None)
        results.update(self.extra)
        results["source"] = self.describe()
        return results


def open_bundle(path: Path, *, materialize: bool = True) -> VoteSource:
    bundle = load_bundle(path, materialize=materialize)
    return VoteSource("bundle", bundle.path, bundle.meta, bundle.con, actions=bundle.actions,
                      has_ideas=bundle.has_ideas, has_participants=bundle.has_participants,
                      warnings=bundle.warnings)


def looks_like_bundle(folder: Path) -> bool:
    """A folder with a proposals table is a vote-level bundle, even when its
    consultation.json is missing."""
    return any((folder / f"proposals{ext}").is_file() for ext in (".csv", ".parquet"))


def detect_kind(path: Path) -> str:
    """bundle | polis | published | opendata | zip; InputError when unrecognised."""
    if path.is_dir():
        from analytics.polis import find_files

        if (path / "consultation.json").is_file():
            return "bundle"
        if find_files(path) is not None:
            return "polis"
        if looks_like_bundle(path):
            return "bundle"         # without its consultation.json: validation says so
        raise InputError([Issue(path.name, "unrecognised folder",
                                expected="consultation.json (vote-level bundle) or comments.csv "
                                         "and votes.csv (Polis export)",
                                found=", ".join(sorted(p.name for p in path.iterdir())[:8])
                                or "an empty folder")])
    if not path.exists():
        raise InputError([Issue(str(path), "no such file or folder")])
    suffix = path.suffix.lower()
    kinds = {".json": "published", ".csv": "opendata", ".zip": "zip"}
    if suffix not in kinds:
        raise InputError([Issue(path.name, "unrecognised file type",
                                expected="a folder, .json (published results), .csv (proposal "
                                         "export) or .zip",
                                found=suffix or "no extension")])
    return kinds[suffix]


def open_source(path: str | Path, *, materialize: bool = True) -> Source:
    path = Path(path)
    kind = detect_kind(path)
    if kind == "bundle":
        return open_bundle(path, materialize=materialize)
    if kind == "polis":
        from analytics.polis import open_polis

        return open_polis(path)
    if kind == "published":
        from analytics.published import open_published

        return open_published(path)
    if kind == "opendata":
        from analytics.opendata import open_export

        return open_export(path)
    # A zip: extracted into a temporary folder that lives as long as the process
    # (a bundle opened with materialize=False keeps reading its files).
    from analytics import archive

    content = archive.extract_for_reading(path)
    try:
        return open_source(content, materialize=materialize)
    except BaseException:
        archive.discard(content)
        raise
