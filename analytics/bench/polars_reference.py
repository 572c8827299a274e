"""The Polars reference of `python -m analytics bench`: the program a data engineer
would write instead of this engine, as fast as a dataframe gets on one machine: lazy
scans of the bundle's files, every aggregation over the votes in Polars's streaming
engine (one pass, all cores), then the small per-proposal and per-idea tables scored
with the same SPEC formulas as the pandas reference
(analytics.bench.pandas_reference.add_scores). Like the pandas one it assumes a valid
bundle (no validation), and gives the same numbers as the engine
(analytics.bench.votes.compare checks it). Polars is a test dependency only."""

from __future__ import annotations

import json
from pathlib import Path

from analytics.vocabulary import AGE_BANDS, COUNT_KEYS

VOTE_KEYS = ("agree", "disagree", "neutral")


def _scan(folder: Path, name: str):
    import polars as pl

    if (folder / f"{name}.parquet").is_file():
        return pl.scan_parquet(folder / f"{name}.parquet")
    if (folder / f"{name}.csv").is_file():
        # Text as text (ids like "007" stay as written); empty cells are missing.
        return pl.scan_csv(folder / f"{name}.csv", infer_schema=False)
    return None


def _people(participants, french: bool):
    """participant_id, gender, age_band, region, department, codes normalised as the
    engine does (the normalisers run once per distinct code, not per participant)."""
    import polars as pl

    from analytics.inputs import reference

    names = participants.collect_schema().names()

    def text(column):
        return (pl.col(column).cast(pl.String) if column in names
                else pl.lit(None, dtype=pl.String)).alias(column)

    age = (pl.col("age").cast(pl.String).cast(pl.Float64, strict=False) if "age" in names
           else pl.lit(None, dtype=pl.Float64))
    # The band whose lower bound is the highest one at or under the age (as pandas.cut
    # with right=False): tested from the oldest band down.
    bands = pl.lit(None, dtype=pl.String)
    for label, low, _ in AGE_BANDS:
        bands = pl.when(age >= low).then(pl.lit(label)).otherwise(bands)
    people = participants.select(
        text("participant_id"), text("gender"),
        pl.coalesce(text("age_band"), bands).alias("age_band"),
        text("region_code"), text("department_code"))
    if french:
        for column, normalise in (("region_code", reference.normalize_region_code),
                                  ("department_code", reference.normalize_departement_code)):
            values = people.select(pl.col(column).drop_nulls().unique()).collect()[column]
            mapping = {value: normalise(value) for value in values.to_list()}
            people = people.with_columns(pl.col(column).replace_strict(
                mapping, default=None, return_dtype=pl.String))
    return people.rename({"region_code": "region", "department_code": "department"})


def polars_results(path, min_votes: int = 100, top: int = 10) -> dict:
    """The reference results (the shape of analytics.bench.pandas_reference.reference_results)."""
    import polars as pl

    from analytics.bench.pandas_reference import _ideas, _ranked, add_scores, participation_items

    folder = Path(path)
    meta = json.loads((folder / "consultation.json").read_text(encoding="utf-8-sig"))
    country = meta.get("country", "FR")
    votes = _scan(folder, "votes").select(
        pl.col("proposal_id").cast(pl.String), pl.col("participant_id").cast(pl.String),
        pl.col("vote").cast(pl.String), pl.col("qualification").cast(pl.String))
    counts = votes.group_by("proposal_id").agg(
        *[(pl.col("vote") == key).sum().alias(key) for key in VOTE_KEYS],
        *[(pl.col("qualification") == key).sum().alias(key) for key in COUNT_KEYS
          if key not in VOTE_KEYS])
    per_voter = votes.group_by("participant_id").agg(pl.len().alias("votes"))
    participants = _scan(folder, "participants")
    queries = [counts, per_voter.select(pl.len().alias("n")), votes.select(pl.len())]
    dimensions = ("gender", "age_band", "region", "department")
    if participants is not None:
        voters = per_voter.join(_people(participants, country == "FR"), on="participant_id",
                                how="left")
        queries += [voters.filter(pl.col(d).is_not_null()).group_by(d).agg(
            pl.len().alias("participants"), pl.col("votes").sum().alias("sum"))
            for d in dimensions]
    found = pl.collect_all(queries, engine="streaming")
    counts, participant_count, vote_count = found[:3]

    proposals = _scan(folder, "proposals")
    names = proposals.collect_schema().names()
    proposals = proposals.select(
        pl.col("proposal_id").cast(pl.String),
        (pl.col("idea_id").cast(pl.String) if "idea_id" in names
         else pl.lit(None, dtype=pl.String).alias("idea_id"))).collect()
    table = proposals.join(counts, on="proposal_id", how="left", maintain_order="left")
    table = table.with_columns(pl.col(list(COUNT_KEYS)).fill_null(0).cast(pl.Int64))
    table = table.with_columns(votes=pl.sum_horizontal(*VOTE_KEYS)).to_pandas()
    table = add_scores(table)
    ideas = _scan(folder, "ideas")
    if ideas is not None:
        ideas = ideas.select(pl.col(["idea_id", "name"]).cast(pl.String),
                             (pl.col("axis").cast(pl.String)
                              if "axis" in ideas.collect_schema().names()
                              else pl.lit(None, dtype=pl.String).alias("axis"))
                             ).collect().to_pandas()
    participation = {}
    for dimension, rows in zip(dimensions, found[3:], strict=False):
        rows = rows.to_pandas().set_index(dimension)
        participation[dimension] = participation_items(rows, dimension, country)
    if not participation:
        participation = {d: [] for d in dimensions}
    return {
        "key_figures": {"participants": int(participant_count["n"][0]),
                        "proposals": len(table), "votes": int(vote_count[0, 0])},
        "proposals": table,
        "ideas": _ideas(ideas, table) if ideas is not None else None,
        "controversials": _ranked(table, "controversy", min_votes, top),
        "rejected": _ranked(table, "rejection", min_votes, top),
        "participation": participation,
    }
