"""Every input kind behind one interface: a Source, whose `results()` is the object of
SPEC section 6, with the views that kind's data allows (VoteSource: vote-level data in
DuckDB). analytics.consultations.open detects the kind and opens it."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd

from analytics.inputs.errors import InputError, Issue
from analytics.inputs.geography import add_per_inhabitant
from analytics.metrics.engine import DEFAULT_OPTIONS, FoundIdeas, Options, compute_results
from analytics.results_model import KindExtra, Results, SourceDescription

if TYPE_CHECKING:
    from analytics.metrics.found_ideas import IdeaSet

# What a source can show; pages check these before drawing a view.
CAPABILITIES = ("ideas", "proposals", "votes", "participants", "segments", "actions", "tags")


@dataclass
class Source:
    kind: str                      # bundle | published | opendata | polis
    path: Path
    meta: dict
    capabilities: frozenset[str]
    warnings: list[str] = field(default_factory=list)
    # Ideas found in the texts, per n_ideas, computed once (pages ask from several threads).
    _found: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _found_lock: threading.Lock = field(default_factory=threading.Lock, init=False,
                                        repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.path.name

    @property
    def has_given_ideas(self) -> bool:
        """The input carries big ideas of its own."""
        return "ideas" in self.capabilities

    def results(self, options: Options = DEFAULT_OPTIONS,
                idea_set: IdeaSet | None = None) -> Results:
        """The results of SPEC section 6. `idea_set`: ideas found in the texts and
        edited in the app, ranked instead of whatever `options.ideas` says."""
        raise NotImplementedError

    def proposal_texts(self) -> pd.DataFrame | None:
        """proposal_id, content and (when known) votes, the number of votes on each
        proposal: what analytics.metrics.found_ideas reads. None when the input has no texts."""
        return None

    def found_ideas(self, progress: Callable[[float, str], None] | None = None, *,
                    n_ideas: int | None = None) -> IdeaSet | None:
        """Big ideas found in the proposals' texts (analytics.metrics.found_ideas), computed
        once per source and number of ideas; None when the input has no proposal
        texts. `progress(fraction, message)` hears from the computation, if it runs."""
        with self._found_lock:
            if n_ideas not in self._found:
                self._found[n_ideas] = self._find_ideas(progress, n_ideas)
            return self._found[n_ideas]

    def _find_ideas(self, progress, n_ideas) -> IdeaSet | None:
        texts = self.proposal_texts()
        if texts is None or not len(texts):
            return None
        from analytics.metrics.found_ideas import find_ideas

        texts = texts.assign(proposal_id=texts["proposal_id"].astype(str),
                             content=texts["content"].fillna("").astype(str))
        if "votes" in texts:
            texts["votes"] = texts["votes"].fillna(0).astype("int64")
        return find_ideas(texts.reset_index(drop=True), language=self.meta.get("language") or None,
                          n_ideas=n_ideas, progress=progress)

    def ideas_choice(self, options: Options = DEFAULT_OPTIONS,
                     idea_set: IdeaSet | None = None) -> tuple[str | None, IdeaSet | None]:
        """Which ideas the results rank: ("given", None), ("found", the set) or
        (None, None), from `options.ideas` ("auto": the input's own, else found)."""
        if idea_set is not None:
            return "found", idea_set
        if options.ideas == "none":
            return None, None
        if options.ideas == "given" or (options.ideas == "auto" and self.has_given_ideas):
            return ("given" if self.has_given_ideas else None), None
        found = self.found_ideas()
        return ("found", found) if found is not None else (None, None)

    def describe(self) -> SourceDescription:
        return {"kind": self.kind, "path": str(self.path),
                "capabilities": sorted(self.capabilities), "warnings": self.warnings}


class VoteSource(Source):
    """Vote-level data in a DuckDB connection holding proposals, ideas,
    participants and votes (a bundle, or a Polis export converted to one)."""

    def __init__(self, kind, path, meta, con, *, actions=None, has_ideas=True,
                 has_participants=True, warnings=None, extra: KindExtra | None = None,
                 geography=None):
        capabilities = {"proposals", "votes"}
        capabilities |= {"ideas"} if has_ideas else set()
        capabilities |= {"participants", "segments"} if has_participants else set()
        capabilities |= {"actions"} if actions else set()
        super().__init__(kind, Path(path), meta, frozenset(capabilities), list(warnings or []))
        self.con = con
        self.actions = actions or []
        self.has_ideas = has_ideas
        self.has_participants = has_participants
        self.extra: KindExtra = extra or {}     # kind-specific keys merged into the results
        # own boundaries and populations (analytics.inputs.geography)
        self.geography = geography
        # The default view's results, pickled when the consultation cache was built
        # (analytics.store.cache): a restarted server's first page reads them.
        self.default_results: bytes | None = None
        self._lock = threading.Lock()
        self._raking = None             # analytics.metrics.weighting.Raking, computed once
        self._raking_lock = threading.Lock()
        self._links: dict[str, str] = {}    # found assignment's digest -> its relation
        self._links_lock = threading.Lock()

    @property
    def has_given_ideas(self) -> bool:
        return self.has_ideas

    def proposal_texts(self) -> pd.DataFrame:
        texts = self.sql("SELECT proposal_id, content FROM proposals ORDER BY ord")
        votes = self.sql("SELECT proposal_id, count(*) AS votes FROM votes GROUP BY proposal_id")
        texts = texts.merge(votes, on="proposal_id", how="left")
        texts["votes"] = texts["votes"].fillna(0).astype("int64")
        return texts

    def idea_links(self, idea_set: IdeaSet) -> str:
        """The name of a relation (proposal_id, idea_id) holding the set's
        assignment, made once per distinct assignment (for idea_voters_sql)."""
        pairs = pd.DataFrame({"proposal_id": idea_set.assignments["proposal_id"].astype(str),
                              "idea_id": pd.Series(list(idea_set.idea_of().values()),
                                                   dtype=object)})
        digest = hashlib.sha1()
        for proposal_id, idea_id in zip(pairs["proposal_id"], pairs["idea_id"], strict=True):
            digest.update(f"{proposal_id}\x1f{idea_id or ''}\x1e".encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()[:16]
        with self._links_lock:
            if key not in self._links:
                name = f"found_idea_links_{key}"
                self._create_links(name, pairs)
                self._links[key] = name
            return self._links[key]

    def _create_links(self, name: str, pairs: pd.DataFrame) -> None:
        with self._cursor() as cursor:
            cursor.register("found_idea_pairs", pairs)
            cursor.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT "
                           f"CAST(proposal_id AS VARCHAR) AS proposal_id, "
                           f"CAST(idea_id AS VARCHAR) AS idea_id FROM found_idea_pairs")
            cursor.unregister("found_idea_pairs")

    @contextlib.contextmanager
    def _cursor(self):
        # One cursor per query: DuckDB connections are not shared across threads.
        with self._lock:
            cursor = self.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def sql(self, query: str, params=None) -> pd.DataFrame:
        with self._cursor() as cursor:
            return cursor.execute(query, params or []).df()

    def sql_with_ideas(self, idea_set: IdeaSet) -> Callable[..., pd.DataFrame]:
        """Like `sql`, but `proposals.idea_id` and `ideas` are those of `idea_set`
        (ideas found in the texts, maybe corrected): each query's cursor has temporary
        views of those names, which DuckDB reads before the input's own tables; the
        input is left as it is."""
        links = self.idea_links(idea_set)
        ideas = idea_set.ideas_table().assign(ord=range(len(idea_set.ideas)))
        with self._cursor() as cursor:
            database = cursor.execute("SELECT current_database()").fetchall()[0][0]
            columns = set(cursor.execute("SELECT * FROM proposals LIMIT 0").df().columns)
        idea_id = "CAST(l.idea_id AS VARCHAR)"
        chosen = (f"p.* REPLACE ({idea_id} AS idea_id)" if "idea_id" in columns
                  else f"p.*, {idea_id} AS idea_id")

        def run(query: str, params=None) -> pd.DataFrame:
            with self._cursor() as cursor:
                cursor.register("found_ideas_table", ideas)
                cursor.execute(f'CREATE TEMP VIEW proposals AS SELECT {chosen} FROM '
                               f'"{database}".main.proposals p LEFT JOIN {links} l '
                               "USING (proposal_id)")
                cursor.execute("CREATE TEMP VIEW ideas AS SELECT * FROM found_ideas_table")
                return cursor.execute(query, params or []).df()
        return run

    def segment_values(self) -> dict[str, dict[str, str]]:
        """The values each segment filter offers, with their labels."""
        from analytics.inputs import reference
        from analytics.vocabulary import ordered_labels

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
        from analytics.metrics import weighting

        with self._raking_lock:
            if self._raking is None:
                self._raking = weighting.prepare(self.con, self.meta.get("country", "FR"))
        return self._raking

    def _is_default(self, options: Options, idea_set: IdeaSet | None) -> bool:
        """The default view's results: with ideas of its own, "given" is "auto"."""
        if idea_set is not None:
            return False
        if options.ideas == "given" and self.has_given_ideas:
            options = replace(options, ideas="auto")
        return options == DEFAULT_OPTIONS

    def results(self, options: Options = DEFAULT_OPTIONS,
                idea_set: IdeaSet | None = None) -> Results:
        if self.default_results is not None and self._is_default(options, idea_set):
            from analytics.store import cache as store

            cached = store.load_results(self.default_results)    # a copy of its own each time
            if cached is not None:
                results = cast(Results, cached)
                results["source"] = self.describe()
                return results
            self.default_results = None
        if not options.segment.is_everyone and not self.has_participants:
            raise InputError([Issue(self.path.name, "segments need a participants table",
                                    expected="participants.csv in the bundle")])
        raking = self.weighting() if options.weighted else None
        choice, chosen = self.ideas_choice(options, idea_set)
        found = None
        if choice == "found":
            found = FoundIdeas(chosen, lambda: self.idea_links(chosen))
        results = compute_results(self.sql, self.meta, options=options, actions=self.actions,
                                  has_ideas=choice == "given",
                                  has_participants=self.has_participants,
                                  weighting=raking.summary() if raking is not None else None,
                                  found=found)
        idea_notes(results, options, choice)
        add_per_inhabitant(results, self.geography, self.meta.get("country", "FR"))
        if self.geography is not None:
            results["boundaries"] = {"file": self.geography.file, "level": self.geography.level,
                                     "areas": len(self.geography.names),
                                     "populations": self.geography.populations is not None}
        results.update(self.extra)
        results["source"] = self.describe()
        return results


def idea_notes(results: Results, options: Options, choice: str | None) -> None:
    """The "no_ideas" note says why there are no ideas when ideas were left out on
    purpose (ideas "none") or could not be found (ideas "found", no texts)."""
    if choice is not None or options.ideas not in ("none", "found"):
        return
    message = ("Big ideas are left out (ideas: none)." if options.ideas == "none" else
               "Big ideas cannot be found in this input: it has no proposals' texts.")
    notes = [note for note in results.get("notes") or [] if note["code"] != "no_ideas"]
    results["notes"] = [{"code": "no_ideas", "message": message}, *notes]
