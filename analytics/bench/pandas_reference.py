"""The pandas reference of `python -m analytics bench` (`reference_results`): deliberately
plain pandas: read the tables, groupby/unstack the votes, merge, compute scores with the
SPEC formulas, sort. It assumes a valid bundle (no validation). The bench
(analytics.bench.votes) times it and checks it against the engine; the Polars reference
(analytics.bench.polars_reference) shares its scores and lists."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.vocabulary import AGE_BANDS, COUNT_KEYS, GENDERS, MIN_SEGMENT_PARTICIPANTS

VOTE_COLUMNS = ("proposal_id", "participant_id", "vote", "qualification")


def _read(folder: Path, name: str, columns=None) -> pd.DataFrame | None:
    """A table of the bundle as read by pandas (empty CSV cells are missing)."""
    if (folder / f"{name}.parquet").is_file():
        frame = pd.read_parquet(folder / f"{name}.parquet")
    elif (folder / f"{name}.csv").is_file():
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False,
                            na_values=[""])
    else:
        return None
    if columns is not None:
        frame = frame.reindex(columns=list(columns))
    return frame


def _key_score(count, n, smooth: float) -> tuple[np.ndarray, np.ndarray]:
    """Make.org's key score and its confidence (SPEC section 3)."""
    score = np.minimum((count + smooth) / (1 + n), 1.0)
    p = (n * score + 2) / (n + 4)
    return score, 2 * np.sqrt(p * (1 - p) / (n + 4))


def _combine(*terms) -> tuple[np.ndarray, np.ndarray]:
    """Sum of (sign, (score, confidence)) terms: scores add, confidences in quadrature."""
    score = sum(sign * s for sign, (s, _) in terms)
    confidence = np.sqrt(sum(c ** 2 for _, (_, c) in terms))
    return score, confidence


def add_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Shares, scores (score, lower, upper) and zone columns from the 12 count columns."""
    n = (table["agree"] + table["disagree"] + table["neutral"]).astype(float)
    s = {key: _key_score(table[key].astype(float).to_numpy(), n.to_numpy(),
                         0.33 if key in ("agree", "disagree", "neutral") else 0.01)
         for key in COUNT_KEYS}
    platitude = ((-1, s["platitudeAgree"]), (-1, s["platitudeDisagree"]))
    scores = {
        "top_score": _combine((1, s["agree"]), (1, s["likeIt"]), (1, s["doable"]),
                              (-1, s["noWay"]), (-1, s["impossible"]), *platitude),
        "controversy": _combine((1, _smallest(s["agree"], s["disagree"])),
                                (1, _smallest(s["likeIt"], s["noWay"]))),
        "rejection": _combine((1, s["disagree"]), (1, s["noWay"]), (1, s["impossible"]),
                              (-1, s["likeIt"]), (-1, s["doable"]), *platitude),
        "engagement": _combine((1, s["likeIt"]), (-1, s["noWay"]), (1, s["doable"]),
                               (-1, s["impossible"]), *platitude),
    }
    out = table.copy()
    for name, (score, confidence) in scores.items():
        out[f"{name}.score"] = score
        out[f"{name}.lower"] = score - confidence
        out[f"{name}.upper"] = score + confidence
    shares = {"agree": ["agree"], "disagree": ["disagree"], "neutral": ["neutral"],
              "like_it": ["likeIt"], "doable": ["doable"], "no_way": ["noWay"],
              "impossible": ["impossible"], "platitude": ["platitudeAgree", "platitudeDisagree"]}
    for name, keys in shares.items():
        out[f"share.{name}"] = (100.0 * table[keys].sum(axis=1) / n).where(n > 0)
    out["zone"] = _zone(s["agree"][0], s["disagree"][0], s["neutral"][0])
    return out


def _smallest(a, b):
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


def _zone(a, d, u) -> np.ndarray:
    zone = np.full(len(a), "controversy", dtype=object)
    zone[u >= 0.4] = "limbo"
    zone[(d >= 0.6) | ((u < 0.4) & (a < 0.15))] = "rejection"
    zone[(a >= 0.6) | ((u < 0.4) & (d < 0.15))] = "consensus"
    return zone


def _proposal_counts(proposals: pd.DataFrame, votes: pd.DataFrame) -> pd.DataFrame:
    by_vote = votes.groupby(["proposal_id", "vote"]).size().unstack(fill_value=0)
    by_qualification = (votes.dropna(subset=["qualification"])
                        .groupby(["proposal_id", "qualification"]).size()
                        .unstack(fill_value=0))
    counts = by_vote.join(by_qualification, how="outer").reindex(columns=list(COUNT_KEYS))
    table = proposals.merge(counts, left_on="proposal_id", right_index=True, how="left")
    table[list(COUNT_KEYS)] = table[list(COUNT_KEYS)].fillna(0).astype("int64")
    table["votes"] = table["agree"] + table["disagree"] + table["neutral"]
    return table


def _ideas(ideas: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    grouped = proposals.dropna(subset=["idea_id"]).groupby("idea_id")
    pooled = grouped[[*COUNT_KEYS, "votes"]].sum()
    pooled["proposals"] = grouped.size()
    table = ideas.merge(pooled, left_on="idea_id", right_index=True, how="left")
    columns = [*COUNT_KEYS, "votes", "proposals"]
    table[columns] = table[columns].fillna(0).astype("int64")
    table = add_scores(table)
    return table.sort_values(["top_score.lower", "idea_id"], ascending=[False, True])


def _ranked(proposals: pd.DataFrame, score: str, min_votes: int, top: int) -> pd.DataFrame:
    eligible = proposals[proposals["votes"] >= min_votes]
    return eligible.sort_values([f"{score}.lower", "proposal_id"],
                                ascending=[False, True]).head(max(top, 0))


def _people(participants: pd.DataFrame | None, french: bool) -> pd.DataFrame:
    """participant_id, gender, age_band, region, department (codes normalised)."""
    from analytics.inputs import reference

    columns = ["participant_id", "gender", "age", "age_band", "region_code", "department_code"]
    people = (participants if participants is not None
              else pd.DataFrame(columns=columns)).reindex(columns=columns)
    age = pd.to_numeric(people["age"], errors="coerce")
    bands = pd.cut(age, bins=[low for _, low, _ in AGE_BANDS] + [np.inf], right=False,
                   labels=[label for label, _, _ in AGE_BANDS]).astype(object)
    people["age_band"] = people["age_band"].astype(object).where(
        people["age_band"].notna(), bands)
    for column, normalise in (("region_code", reference.normalize_region_code),
                              ("department_code", reference.normalize_departement_code)):
        values = people[column].dropna().unique()
        mapping = {v: (normalise(v) if french else v) for v in values}
        people[column] = people[column].map(mapping)
    return people.rename(columns={"region_code": "region", "department_code": "department"})


def _participation(votes: pd.DataFrame, people: pd.DataFrame, country: str) -> dict:
    per_voter = votes.groupby("participant_id").size().rename("votes").reset_index()
    voters = per_voter.merge(people, on="participant_id", how="left")
    result = {}
    for dimension in ("gender", "age_band", "region", "department"):
        rows = (voters.dropna(subset=[dimension]).groupby(dimension)["votes"]
                .agg(["size", "sum"]).rename(columns={"size": "participants"}))
        result[dimension] = participation_items(rows, dimension, country)
    return {"participation": result, "participants": len(per_voter)}


def participation_items(rows: pd.DataFrame, dimension: str, country: str) -> list[dict]:
    """SPEC's participation items of one dimension from `rows` (index: the label;
    participants, sum: the voters and their votes)."""
    from analytics.inputs import reference

    order = {"gender": list(GENDERS), "age_band": [b[0] for b in AGE_BANDS]}.get(
        dimension, [])
    labels = ([x for x in order if x in rows.index]
              + sorted(x for x in rows.index if x not in order))
    population = reference.population_shares(dimension, labels, country=country)
    items = []
    for label in labels:
        participants, count = int(rows.at[label, "participants"]), int(rows.at[label, "sum"])
        item = {"label": label, "participants": None, "votes": None}
        if participants >= MIN_SEGMENT_PARTICIPANTS:
            item = {"label": label, "participants": participants, "votes": count,
                    "participants_share": 100.0 * participants / rows["participants"].sum(),
                    "votes_share": 100.0 * count / rows["sum"].sum()}
        item["population_share"] = population.get(label)
        items.append(item)
    return items


def reference_results(path, min_votes: int = 100, top: int = 10) -> dict:
    """The results a straightforward pandas program computes from the bundle at `path`:
    key figures, per-proposal counts/shares/scores/zones (a DataFrame), ideas pooled and
    ranked, the controversial and rejected lists, participation."""
    folder = Path(path)
    meta = json.loads((folder / "consultation.json").read_text(encoding="utf-8-sig"))
    country = meta.get("country", "FR")
    proposals = _read(folder, "proposals", ["proposal_id", "idea_id"])
    votes = _read(folder, "votes", VOTE_COLUMNS)
    table = add_scores(_proposal_counts(proposals, votes))
    ideas = _read(folder, "ideas", ["idea_id", "name", "axis"])
    participation = _participation(
        votes, _people(_read(folder, "participants"), country == "FR"), country)
    return {
        "key_figures": {"participants": participation["participants"],
                        "proposals": len(table), "votes": len(votes)},
        "proposals": table,
        "ideas": _ideas(ideas, table) if ideas is not None else None,
        "controversials": _ranked(table, "controversy", min_votes, top),
        "rejected": _ranked(table, "rejection", min_votes, top),
        "participation": participation["participation"],
    }
