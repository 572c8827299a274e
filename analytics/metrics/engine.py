"""The results of a vote-level consultation (SPEC sections 3 and 6).

Two aggregations run in the database (per-proposal counts, per-participant
vote counts by segment); they are plain SQL that DuckDB and Spark both run.
Everything after that works on one row per proposal, idea or segment, in numpy."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from analytics.inputs.tables import literal
from analytics.metrics import scoring
from analytics.metrics.segment import Segment, segment_votes
from analytics.results_model import (
    Axis,
    Bounds,
    CartographyChart,
    CartographySlice,
    Consultation,
    Counts,
    Idea,
    ListedProposal,
    Note,
    Participation,
    ParticipationUnknown,
    Proposal,
    Results,
    Shares,
    Weighting,
)
from analytics.results_model import (
    FoundIdeas as FoundIdeasSummary,
)
from analytics.vocabulary import (
    COUNT_KEYS,
    MIN_SEGMENT_PARTICIPANTS,
    QUALIFICATION_KEYS,
    ordered_labels,
)

if TYPE_CHECKING:
    from analytics.metrics.found_ideas import IdeaSet

DEFAULT_MIN_VOTES = 100
DEFAULT_TOP = 10
# Which big ideas the results rank: "auto" the input's own ideas when it has them, else
# ideas found in the proposals' texts (analytics.metrics.found_ideas); "given" the input's only;
# "found" found ones even when the input has its own; "none" no ideas.
IDEA_CHOICES = ("auto", "given", "found", "none")


@dataclass(frozen=True)
class Options:
    min_votes: int = DEFAULT_MIN_VOTES
    top: int = DEFAULT_TOP
    segment: Segment = Segment()
    # Raked weights (analytics.metrics.weighting) instead of counts; needs a `weights` relation.
    weighted: bool = False
    ideas: str = "auto"                 # one of IDEA_CHOICES

    def __post_init__(self):
        if self.ideas not in IDEA_CHOICES:
            raise ValueError(f"ideas must be one of {', '.join(IDEA_CHOICES)}, "
                             f"not {self.ideas!r}")


DEFAULT_OPTIONS = Options()


@dataclass(frozen=True, eq=False)
class FoundIdeas:
    """Ideas found in the proposals' texts, for compute_results: the set (its
    assignment replaces the proposals' idea_id, its ideas the ideas table) and
    `links()`, the name of a relation (proposal_id, idea_id) of the engine holding
    that assignment, made on first call (the privacy count of distinct voters per
    idea under a segment joins the votes with it)."""

    idea_set: IdeaSet
    links: Callable[[], str]


# -- SQL ------------------------------------------------------------------------------------

def proposal_counts_sql(segment: Segment, weighted: bool = False) -> str:
    """Counts per proposal (sums of weights when weighted) and `raw_n`, the
    number of votes, which privacy thresholds and `min_votes` always use."""
    def count(column, key):
        if weighted:
            return f"sum(CASE WHEN {column} = {literal(key)} THEN weight ELSE 0 END) AS {key}"
        return f"count(CASE WHEN {column} = {literal(key)} THEN 1 END) AS {key}"

    counts = [count("vote", k) for k in ("agree", "disagree", "neutral")]
    counts += [count("qualification", k) for k in QUALIFICATION_KEYS]
    return (f"SELECT proposal_id, {', '.join(counts)}, count(*) AS raw_n "
            f"FROM {segment_votes(segment, weighted)} GROUP BY proposal_id")


def idea_voters_sql(segment: Segment, links: str = "proposals") -> str:
    """Distinct voters per idea: an idea's privacy threshold counts participants,
    and one participant may vote on several of its proposals. `links`: the relation
    (proposal_id, idea_id) saying which idea each proposal is in (the proposals
    themselves, or the assignment of ideas found in the texts)."""
    return (f"SELECT pr.idea_id, count(DISTINCT v.participant_id) AS voters "
            f"FROM {segment_votes(segment)} v JOIN {links} pr "
            f"ON pr.proposal_id = v.proposal_id "
            f"WHERE pr.idea_id IS NOT NULL GROUP BY pr.idea_id")


def participation_sql(segment: Segment, weighted: bool = False) -> str:
    if not weighted:
        return f"""
            SELECT gender, age_band, region_code, department_code, commune_code,
                   CAST(sum(participants) AS BIGINT) AS participants,
                   CAST(sum(votes) AS BIGINT) AS votes
            FROM participation_cells c WHERE {segment.where('c')}
            GROUP BY gender, age_band, region_code, department_code, commune_code
        """
    # Weights are per voter: this one goes back to the votes.
    return f"""
        WITH per_participant AS (
            SELECT participant_id, count(*) AS votes, max(weight) AS weight
            FROM {segment_votes(segment, weighted)} GROUP BY participant_id
        )
        SELECT p.gender, p.age_band, p.region_code, p.department_code, p.commune_code,
               count(*) AS participants, sum(pp.votes) AS votes,
               sum(pp.weight) AS weighted_participants,
               sum(pp.weight * pp.votes) AS weighted_votes
        FROM per_participant pp
        LEFT JOIN participants p ON p.participant_id = pp.participant_id
        GROUP BY p.gender, p.age_band, p.region_code, p.department_code, p.commune_code
    """


PROPOSALS_SQL = """
    SELECT proposal_id, content, author_name, author_age, idea_id, tags,
           CAST(created_at AS STRING) AS created_at
    FROM proposals ORDER BY ord
"""
IDEAS_SQL = "SELECT idea_id, name, axis FROM ideas ORDER BY ord"


# -- results --------------------------------------------------------------------------------

def compute_results(run_sql, meta: dict, *, options: Options = DEFAULT_OPTIONS,
                    actions: list | None = None, has_ideas: bool = True,
                    has_participants: bool = True, weighting: Weighting | None = None,
                    found: FoundIdeas | None = None) -> Results:
    """`run_sql(query) -> pandas.DataFrame` runs on the engine holding the relations.
    With `options.weighted` and a `weighting` summary (analytics.metrics.weighting), counts
    are sums of the voters' weights; key figures, `votes` and every privacy
    threshold stay raw counts. `has_ideas`: rank the `ideas` relation (the input's
    own ideas); `found`: rank ideas found in the texts instead, through the same
    code (pooled counts, ranking, privacy, weighting)."""
    results = _compute(run_sql, meta, options=options, actions=actions,
                       has_ideas=has_ideas and found is None,
                       has_participants=has_participants, weighting=weighting, found=found)
    results["ideas_source"] = ("found" if found is not None else
                               "given" if has_ideas else None)
    results["found_ideas"] = found_ideas_summary(found.idea_set) if found is not None else None
    return results


def _compute(run_sql, meta: dict, *, options: Options, actions: list | None,
             has_ideas: bool, has_participants: bool, weighting: Weighting | None,
             found: FoundIdeas | None) -> Results:
    weighted = bool(options.weighted and weighting and weighting.get("method"))
    participation_rows = run_sql(participation_sql(options.segment, weighted))
    totals = _totals(participation_rows)
    notes = _missing_parts(has_ideas or found is not None, has_participants, actions)
    if found is not None:
        notes.insert(0, found_ideas_note(found.idea_set))
    if not options.segment.is_everyone and totals["participants"] < MIN_SEGMENT_PARTICIPANTS:
        return _suppressed(meta, options, run_sql, notes)
    proposals = _proposal_table(run_sql(PROPOSALS_SQL), run_sql(proposal_counts_sql(
        options.segment, weighted)), weighted)
    per_proposal = _metrics(proposals)
    similarity = None
    if found is not None:
        # The found assignment replaces the proposals' idea_id (None: in no idea).
        idea_of = found.idea_set.idea_of()
        proposals["idea_id"] = pd.Series([idea_of.get(str(p)) for p in proposals["proposal_id"]],
                                         index=proposals.index, dtype=object)
        similarity = found_similarities(found.idea_set)
    idea_rows = (found.idea_set.ideas_table() if found is not None
                 else run_sql(IDEAS_SQL) if has_ideas else None)
    ideas = _idea_table(idea_rows, proposals) if idea_rows is not None else None
    per_idea = _metrics(ideas) if ideas is not None and len(ideas) else None
    privacy_floor = 0 if options.segment.is_everyone else MIN_SEGMENT_PARTICIPANTS
    if privacy_floor and ideas is not None:
        links = found.links() if found is not None else "proposals"
        ideas = ideas.merge(run_sql(idea_voters_sql(options.segment, links)), on="idea_id",
                            how="left")
        ideas["voters"] = ideas["voters"].fillna(0).astype("int64")
    if privacy_floor:
        notes.append(_note("segment", f"Figures are restricted to the segment "
                                      f"{options.segment}; proposals with fewer than "
                                      f"{privacy_floor} voters in it are hidden."))
    tags = tag_pairs(proposals["tags"])
    proposal_items = _proposal_items(proposals, per_proposal, privacy_floor, tags)
    if similarity is not None:
        for item in proposal_items:
            item["similarity"] = similarity.get(str(item["id"]))
    results: Results = {
        "consultation": _consultation(meta),
        "key_figures": {
            "participants": totals["participants"],
            "proposals": int(len(proposals)),
            "votes": totals["votes"],
            "votes_target": meta.get("votes_target"),
        },
        "top_ideas": [],
        "ranked_ideas": [],
        "controversials": _ranked_list(proposals, per_proposal, "controversy", options),
        "rejected": _ranked_list(proposals, per_proposal, "rejection", options),
        "participation": _participation(participation_rows, meta.get("country", "FR"))
        if has_participants else {"gender": [], "age_band": [], "region": [], "department": []},
        "cartography": _cartography(tags, per_proposal["zone"]),
        "timeline": [],
        "proposals": proposal_items,
        "actions": actions or [],
        "segment": dict(options.segment.items()),
        "parameters": {"min_votes": options.min_votes, "top": options.top},
        "notes": notes,
    }
    if per_idea is not None:
        results["top_ideas"], results["ranked_ideas"] = _ideas(ideas, per_idea, privacy_floor)
    _timeline(results, run_sql, meta, options.segment, totals)
    if not results["cartography"]:
        notes.append(_note("no_tags", "No proposal has tags, so there is no cartography of "
                                      "themes (add a tags column to proposals)."))
    results["participation_unknown"] = _unknown(participation_rows) if has_participants else {}
    results["weighting"] = weighting if weighted else None
    if options.weighted and not weighted:
        notes.append(_note("weighting_unavailable",
                           "Weighting needs participants with gender, age or région and the "
                           "general population's shares (France only): figures are raw."))
    return results


def _timeline(results: Results, run_sql, meta: dict, segment: Segment, totals: dict) -> None:
    """SPEC section 6 `timeline` (analytics.metrics.timeline), with a note when votes lack times."""
    from analytics.metrics import timeline

    results["timeline"] = timeline.daily_timeline(run_sql, meta, segment)
    note = timeline.timeline_note(results["timeline"], totals["votes"], totals["participants"])
    if note is not None:
        results["notes"].append(note)


def _totals(rows: pd.DataFrame) -> dict:
    return {"participants": int(rows["participants"].sum()) if len(rows) else 0,
            "votes": int(rows["votes"].sum()) if len(rows) else 0}


def _note(code: str, message: str) -> Note:
    return {"code": code, "message": message}


# -- ideas found in the texts ---------------------------------------------------------------

# How each method of analytics.metrics.found_ideas is described in the results' note.
FOUND_METHODS = {
    "tfidf-lsa-kmeans": "families of near-identical proposals grouped by the words they "
                        "share, with TF-IDF, latent semantic analysis and k-means",
}


def found_ideas_summary(idea_set: IdeaSet) -> FoundIdeasSummary:
    """The results' `found_ideas`: the set without its per-proposal assignment
    (each proposal item carries its idea_id and similarity) nor its timing."""
    from analytics.metrics.found_ideas import other_name

    described = idea_set.to_json()
    return {
        "language": described["language"],
        "method": described["method"],
        "edited": described["edited"],
        "unassigned": described["unassigned"],
        "other_name": other_name(idea_set.language),
        "ideas": [{"idea_id": idea["idea_id"], "name": idea["name"], "axis": idea["axis"],
                   "keywords": idea["keywords"], "examples": idea["examples"],
                   "proposals": idea["proposals"]}
                  for idea in described["ideas"]],
    }


def found_similarities(idea_set: IdeaSet) -> dict[str, float | None]:
    """proposal_id -> similarity to its idea (None once a person moved it)."""
    return {str(p): None if s is None or s != s else float(s)
            for p, s in zip(idea_set.assignments["proposal_id"],
                            idea_set.assignments["similarity"], strict=True)}


def found_ideas_note(idea_set: IdeaSet) -> Note:
    """The note that replaces "no_ideas" when the ideas were found in the texts."""
    from analytics.metrics.found_ideas import other_name

    method = idea_set.method or {}
    how = (method.get("description") or FOUND_METHODS.get(method.get("name"))
           or (f"method {method['name']}" if method.get("name") else "grouping similar texts"))
    edited = ", then corrected by a person" if idea_set.edited else ""
    ideas, unassigned = len(idea_set.ideas), idea_set.unassigned
    return _note("found_ideas",
                 f"These {ideas} big ideas were found automatically from the proposals' "
                 f"texts ({how}){edited}, and "
                 f"{unassigned} proposal(s) that fit none are left in "
                 f"\u201c{other_name(idea_set.language)}\u201d, which is not ranked.")


def _missing_parts(has_ideas: bool, has_participants: bool, actions) -> list[Note]:
    notes: list[Note] = []
    if not has_ideas:
        notes.append(_note("no_ideas", "The bundle has no ideas table, so proposals are not "
                                       "grouped into big ideas (add ideas.csv)."))
    if not has_participants:
        notes.append(_note("no_participants", "The bundle has no participants table, so "
                                              "participation by gender, age and region and "
                                              "segment filters are unavailable (add "
                                              "participants.csv)."))
    if not actions:
        notes.append(_note("no_actions", "The bundle has no action plan (add actions.json)."))
    return notes


def _consultation(meta: dict) -> Consultation:
    from analytics.inputs.times import timezone_of

    consultation: Consultation = {
        "slug": cast(str, meta.get("slug")),     # required in consultation.json
        "title": meta.get("title"), "question": meta.get("question"),
        "language": meta.get("language"), "country": meta.get("country"),
        "start_date": meta.get("start_date"), "end_date": meta.get("end_date"),
        "context": meta.get("context"), "partners": meta.get("partners"),
        "source_url": meta.get("source_url"),
    }
    # The timeline's days are in this zone; its charts mark the milestones.
    consultation["timezone"] = timezone_of(meta)
    consultation["milestones"] = list(meta.get("milestones") or [])
    # Votes we generated (the demo, the benchmark's bundles): every page says so.
    generator = meta.get("generator")
    consultation["synthetic"] = meta.get("synthetic") is True or (
        isinstance(generator, dict) and generator.get("name") == "analytics.demo")
    return consultation


def _suppressed(meta, options, run_sql, notes) -> Results:
    proposals = run_sql("SELECT count(*) AS n FROM proposals")["n"].iloc[0]
    notes.append(_note("segment_too_small",
                       f"The segment {options.segment} has fewer than "
                       f"{MIN_SEGMENT_PARTICIPANTS} participants: its figures are not shown."))
    return {
        "consultation": _consultation(meta),
        "key_figures": {"participants": None, "proposals": int(proposals), "votes": None,
                        "votes_target": meta.get("votes_target")},
        "top_ideas": [], "ranked_ideas": [], "controversials": [], "rejected": [],
        "participation": {"gender": [], "age_band": [], "region": [], "department": []},
        "cartography": [], "timeline": [], "proposals": [], "actions": [],
        "segment": dict(options.segment.items()),
        "parameters": {"min_votes": options.min_votes, "top": options.top},
        "notes": notes, "suppressed": True,
    }


# -- proposals and ideas --------------------------------------------------------------------

def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text and optional columns as Python objects with None for missing (JSON-ready)."""
    return frame.astype(object).where(frame.notna(), None)


def _proposal_table(proposals: pd.DataFrame, counts: pd.DataFrame,
                    weighted: bool = False) -> pd.DataFrame:
    table = _as_objects(proposals).merge(counts, on="proposal_id", how="left")
    for key in COUNT_KEYS:
        table[key] = table[key].fillna(0).astype("float64" if weighted else "int64")
    table["raw_n"] = table["raw_n"].fillna(0).astype("int64")
    table["n"] = table["agree"] + table["disagree"] + table["neutral"]
    return table


def _idea_table(ideas: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    pooled = (proposals.dropna(subset=["idea_id"])
              .groupby("idea_id")[[*COUNT_KEYS, "raw_n"]].sum())
    pooled["proposals"] = proposals.dropna(subset=["idea_id"]).groupby("idea_id").size()
    table = _as_objects(ideas).merge(pooled, left_on="idea_id", right_index=True, how="left")
    for key in (*COUNT_KEYS, "raw_n", "proposals"):
        table[key] = table[key].fillna(0).astype(proposals[key].dtype if key in COUNT_KEYS
                                                 else "int64")
    table["n"] = table["agree"] + table["disagree"] + table["neutral"]
    return table.reset_index(drop=True)


def _metrics(table: pd.DataFrame) -> dict:
    counts = {key: table[key].to_numpy() for key in COUNT_KEYS}     # int64, or float weighted
    scores = scoring.compute_scores(counts)
    return {"scores": scores, "shares": scoring.shares(counts), "zone": scoring.zones(scores)}


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


ScoreName = Literal["top_score", "controversy", "rejection", "engagement"]
SCORE_NAMES: tuple[ScoreName, ...] = ("top_score", "controversy", "rejection", "engagement")


def _bound_lists(score: scoring.Score) -> list[Bounds]:
    """One {score, lower, upper} per row, converted once (not per row)."""
    return [{"score": s, "lower": lo, "upper": up} for s, lo, up in
            zip(score.score.tolist(), score.lower.tolist(), score.upper.tolist(), strict=True)]


def _share_lists(shares: dict[str, np.ndarray]) -> list[Shares]:
    columns = {key: [None if math.isnan(v) else v for v in values.tolist()]
               for key, values in shares.items()}
    return [cast(Shares, dict(zip(columns, row, strict=True)))
            for row in zip(*columns.values(), strict=True)]


def _proposal_items(table: pd.DataFrame, metrics: dict, privacy_floor: int,
                    tags: list[tuple]) -> list[Proposal]:
    scores, zone = metrics["scores"], metrics["zone"].tolist()
    shares = _share_lists(metrics["shares"])
    bounds = {name: _bound_lists(getattr(scores, name)) for name in SCORE_NAMES}
    counts = table[list(COUNT_KEYS)].to_numpy().tolist()
    items: list[Proposal] = []
    weighted = table["n"].dtype.kind == "f"
    for i, row in enumerate(table[["proposal_id", "idea_id", "author_name", "author_age",
                                   "content", "tags", "created_at", "n", "raw_n"]].itertuples(
                                       index=False)):
        item: Proposal = {
            "id": row.proposal_id,
            "idea_id": row.idea_id,
            "author": row.author_name,
            "author_age": None if row.author_age is None else int(row.author_age),
            "content": row.content,
            "tags": [{"type": kind, "label": label} for kind, label in tags[i]],
            "created_at": row.created_at,
            "votes": int(row.raw_n),
        }
        if row.raw_n < privacy_floor:
            item["suppressed"] = True
        else:
            if weighted:
                item["weighted_votes"] = float(row.n)
            item["counts"] = cast(Counts, dict(zip(COUNT_KEYS, counts[i], strict=True)))
            item["shares"] = shares[i]
            item["zone"] = zone[i]
            for name in SCORE_NAMES:
                item[name] = bounds[name][i]
        items.append(item)
    return items


def _bounds(score: scoring.Score, i: int) -> Bounds:
    value, confidence = float(score.score[i]), float(score.confidence[i])
    return {"score": value, "lower": value - confidence, "upper": value + confidence}


def _ranked_list(table: pd.DataFrame, metrics: dict,
                 score_name: Literal["controversy", "rejection"],
                 options: Options) -> list[ListedProposal]:
    score = getattr(metrics["scores"], score_name)
    shares = metrics["shares"]
    floor = max(options.min_votes, 0 if options.segment.is_everyone
                else MIN_SEGMENT_PARTICIPANTS)
    eligible = np.flatnonzero(table["raw_n"].to_numpy() >= floor)
    ids = table["proposal_id"].to_numpy()[eligible]
    # lexsort: last key first; lower bound descending, then proposal_id ascending.
    order = eligible[np.lexsort((ids, -score.lower[eligible]))][: max(options.top, 0)]
    items: list[ListedProposal] = []
    for i in order:
        item: ListedProposal = {
            "id": table["proposal_id"].iat[i],
            "author": table["author_name"].iat[i],
            "content": table["content"].iat[i],
            "agree": _number(shares["agree"][i]),
            "disagree": _number(shares["disagree"][i]),
            "like_it": _number(shares["like_it"][i]),
            "no_way": _number(shares["no_way"][i]),
            "votes": int(table["raw_n"].iat[i]),
            "idea_id": table["idea_id"].iat[i],
        }
        item[score_name] = _bounds(score, i)
        items.append(item)
    return items


def _ideas(table: pd.DataFrame, metrics: dict,
           privacy_floor: int) -> tuple[list[Axis], list[str]]:
    scores, shares, zone = metrics["scores"], metrics["shares"], metrics["zone"]
    count = float if table["n"].dtype.kind == "f" else int     # weighted: sums of weights
    ids = table["idea_id"].to_numpy()
    ranking = np.lexsort((ids, -scores.top_score.lower))
    ranked_ids = [str(ids[i]) for i in ranking]
    rank_of = {idea: position + 1 for position, idea in enumerate(ranked_ids)}
    axes: dict[str, list[Idea]] = {}
    for axis in table["axis"]:
        axes.setdefault(axis, [])
    for i in ranking:
        row = table.iloc[i]
        item: Idea = {"idea": row["name"], "idea_id": row["idea_id"],
                      "rank": rank_of[row["idea_id"]], "votes": int(row["raw_n"]),
                      "proposals": int(row["proposals"])}
        if row.get("voters", row["raw_n"]) < privacy_floor:
            item["suppressed"] = True
        else:
            item.update({
                "agreement": _number(shares["agree"][i]),
                "adhesion": _number(shares["like_it"][i]),
                "realistic": _number(shares["doable"][i]),
                "zone": str(zone[i]),
                "top_score": _bounds(scores.top_score, i),
                "shares": cast(Shares, {key: _number(values[i]) for key, values in shares.items()}),
                "counts": cast(Counts, {key: count(row[key]) for key in COUNT_KEYS}),
            })
        axes[row["axis"]].append(item)
    top_ideas: list[Axis] = [{"name": axis or None, "ideas": ideas}
                             for axis, ideas in axes.items()]
    return top_ideas, ranked_ids


# -- participation --------------------------------------------------------------------------

DIMENSIONS = (("gender", "gender"), ("age_band", "age_band"), ("region", "region_code"),
              ("department", "department_code"), ("commune", "commune_code"))


def _participation(rows: pd.DataFrame, country: str) -> Participation:
    """Shares of participants and votes per value of each dimension. Shares are
    of participants whose value is known; a value with fewer than 10
    participants keeps its label and population share, and loses its figures.
    Weighted rows (weighted_participants, weighted_votes) give weighted shares;
    counts and the threshold stay raw."""
    from analytics.inputs import reference

    french = country == "FR"
    weighted = "weighted_participants" in rows
    share_p, share_v = (("weighted_participants", "weighted_votes") if weighted
                        else ("participants", "votes"))
    result: dict[str, list[dict[str, Any]]] = {}
    for dimension, column in DIMENSIONS:
        known = rows.dropna(subset=[column]).groupby(column)[
            list(dict.fromkeys(["participants", "votes", share_p, share_v]))].sum()
        labels = ordered_labels(dimension, list(known.index))
        population = reference.population_shares(dimension, labels, country=country)
        total_p, total_v = known[share_p].sum(), known[share_v].sum()
        items = []
        for label in labels:
            participants = int(known.at[label, "participants"])
            votes = int(known.at[label, "votes"])
            item: dict[str, Any] = {"label": label}
            if dimension == "region":
                item["name"] = (reference.region_name(label) if french else None) or label
            if dimension == "department":
                item["name"] = (reference.departement_name(label) if french else None) or label
            if dimension == "commune":
                item["name"] = (reference.commune_name(label) if french else None) or label
            if participants < MIN_SEGMENT_PARTICIPANTS:
                item.update({"participants": None, "votes": None})
            else:
                item.update({
                    "participants": participants,
                    "participants_share": 100.0 * float(known.at[label, share_p]) / total_p,
                    "votes": votes,
                    "votes_share": 100.0 * float(known.at[label, share_v]) / total_v,
                })
                if weighted:
                    item["weighted_participants"] = float(known.at[label, share_p])
                    item["weighted_votes"] = float(known.at[label, share_v])
            item["population_share"] = population.get(label)
            items.append(item)
        result[dimension] = items
    return cast(Participation, result)


def _unknown(rows: pd.DataFrame) -> ParticipationUnknown:
    result: dict[str, dict[str, int | None]] = {}
    for dimension, column in DIMENSIONS:
        missing = rows[rows[column].isna()]
        participants = int(missing["participants"].sum())
        result[dimension] = {"participants": participants,
                             "votes": int(missing["votes"].sum())}
        if 0 < participants < MIN_SEGMENT_PARTICIPANTS:      # SPEC section 5
            result[dimension] = {"participants": None, "votes": None}
    return cast(ParticipationUnknown, result)


# -- cartography ----------------------------------------------------------------------------

def parse_tags(text) -> list[dict]:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    tags = []
    for item in str(text).split("|"):
        kind, _, label = item.partition(":")
        if kind.strip() and label.strip():
            tags.append({"type": kind.strip(), "label": label.strip()})
    return tags


def tag_pairs(texts) -> list[tuple[tuple[str, str], ...]]:
    """Each proposal's tags as (type, label) pairs, each distinct text parsed once
    (proposals of a large consultation share a few tag combinations)."""
    parsed: dict = {}
    pairs = []
    for text in texts:
        key = text if isinstance(text, str) else None
        if key not in parsed:
            parsed[key] = tuple((t["type"], t["label"]) for t in parse_tags(key))
        pairs.append(parsed[key])
    return pairs


SCOPES = ("all", "consensus")


def _cartography(tags: list[tuple], zone: np.ndarray) -> list[CartographyChart]:
    """Per tag type (in order of first appearance) and scope, the share of the proposals
    tagged with that type that carry each label. Proposals share a few tag combinations:
    each distinct (combination, consensus or not) is walked once, with its count."""
    types = list(dict.fromkeys(kind for pairs in tags for kind, _ in pairs))
    counts: dict[tuple[str, str], dict[str, int]] = {(scope, kind): {} for scope in SCOPES
                                                     for kind in types}
    tagged = dict.fromkeys(counts, 0)
    combinations = Counter(zip(tags, (z == "consensus" for z in zone.tolist()), strict=True))
    for (pairs, consensus), proposals in combinations.items():
        labels: dict[str, set[str]] = {}
        for kind, label in pairs:
            labels.setdefault(kind, set()).add(label)
        for scope in SCOPES[: 2 if consensus else 1]:
            for kind, names in labels.items():
                tagged[scope, kind] += proposals
                found = counts[scope, kind]
                for name in names:
                    found[name] = found.get(name, 0) + proposals
    charts: list[CartographyChart] = []
    for kind in types:
        for scope in SCOPES:
            data = _tag_shares(counts[scope, kind], tagged[scope, kind])
            if data:
                charts.append({"name": kind if scope == "all" else f"{kind} (consensus)",
                               "tag_type": kind, "scope": scope, "data": data})
    return charts


def _tag_shares(counts: dict[str, int], tagged: int) -> list[CartographySlice]:
    """Share of the `tagged` proposals that carry each label."""
    if not tagged:
        return []
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"label": label, "percent": 100.0 * count / tagged, "proposals": count}
            for label, count in ordered]
