"""The demo consultation: #SolutionsJeunes rebuilt vote by vote.

With no sizes, `generate` writes a vote-level bundle (SPEC section 2) that adds up
exactly to the published results of Make.org's #SolutionsJeunes consultation:
totals, the 19 ideas' pooled shares and ranking inside each axis, the six most
controversial proposals. With sizes, the same recipe at any scale, for
benchmarks: votes are streamed in chunks, never all held in memory.

Steps: plan the proposals and their exact vote counts (counts.py), draw the
participants and how many votes each casts (participants.py), lay votes out so
no one votes twice on a proposal (layout.py), then stream the vote rows,
handing each proposal's votes to its voters with small demographic effects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from analytics.demo import campaign, recipe
from analytics.demo.counts import LABELS
from analytics.demo.geography import departements
from analytics.demo.layout import VoteLayout
from analytics.demo.output import (
    FORMATS,
    TableWriter,
    atomic_directory,
    numbered_ids,
    write_csv,
    write_json,
)
from analytics.demo.participants import GENDERS, MISSING_AGE, Participants, draw_participants
from analytics.demo.proposals import ProposalPlan, plan_proposals

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DEMO_DIR = REPO_DIR / "data" / "consultations" / "solutions-jeunes"
GENERATOR_VERSION = 2  # 2: votes and proposals dated along a campaign, milestones
SOURCE = ("Make.org, Grande Cause #SolutionsJeunes (2022), published results page; "
          "vote-level data synthetic")
VOTE_CHUNK = 1_000_000
PARTICIPANT_CHUNK = 2_000_000
MIN_PROPOSALS = 2 * len(recipe.IDEAS)
# Independent random streams, so a change in one part leaves the others identical.
_STREAMS = {"proposals": 1, "participants": 2, "layout": 3, "votes": 4, "sittings": 5}

Progress = Callable[[float, str], None]

VOTE_SCHEMA = pa.schema([
    ("proposal_id", pa.string()), ("participant_id", pa.string()), ("vote", pa.string()),
    ("qualification", pa.string()), ("voted_at", pa.timestamp("s")),
])
PARTICIPANT_SCHEMA = pa.schema([
    ("participant_id", pa.string()), ("gender", pa.string()), ("age", pa.int16()),
    ("region_code", pa.string()), ("department_code", pa.string()),
])


@dataclass(frozen=True)
class Sizes:
    votes: int
    participants: int
    proposals: int

    @property
    def is_demo(self) -> bool:
        return self == DEMO_SIZES


DEMO_SIZES = Sizes(recipe.TOTAL_VOTES, recipe.TOTAL_PARTICIPANTS, recipe.TOTAL_PROPOSALS)


def generate(out_dir, *, seed: int = 2022, votes: int | None = None,
             participants: int | None = None, proposals: int | None = None,
             fmt: str = "parquet", progress: Progress | None = None) -> Path:
    """Write the demo bundle (no sizes) or a synthetic one of the given sizes to
    out_dir, atomically. Same seed and sizes give byte-identical tables."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}, expected one of {FORMATS}")
    refuse_foreign_folder(Path(out_dir))
    sizes = resolve_sizes(votes, participants, proposals)
    report = progress or (lambda fraction, message: None)
    report(0.0, "Planning proposals and vote counts")
    plan = plan_proposals(sizes.proposals, sizes.votes, sizes.participants,
                          _rng(seed, "proposals"))
    report(0.03, "Drawing participants")
    people, layout = _participants_and_layout(sizes, plan, seed)
    with atomic_directory(Path(out_dir)) as folder:
        write_ideas(folder)
        write_proposals(folder, plan)
        write_json(folder / "actions.json", recipe.ACTIONS)
        report(0.06, "Writing participants")
        write_participants(folder, people, fmt)
        daily = write_votes(folder, plan, people, layout, fmt, _rng(seed, "votes"),
                            _sittings_key(seed), report)
        write_consultation(folder, sizes, seed, daily)
    report(1.0, "Done")
    return Path(out_dir)


def refuse_foreign_folder(out_dir: Path) -> None:
    """The generator replaces only what it wrote: an existing folder that is not
    empty and not a generated bundle (someone's own consultation) is left as it is."""
    if not out_dir.exists() or (out_dir.is_dir() and not any(out_dir.iterdir())):
        return
    try:
        meta = json.loads((out_dir / "consultation.json").read_text(encoding="utf-8"))
        generated = meta.get("generator", {}).get("name") == "analytics.demo"
    except (OSError, ValueError, AttributeError):
        generated = False
    if not generated:
        raise FileExistsError(f"{out_dir} exists and was not written by the demo generator: "
                              "it is left as it is (choose another --out)")


def ensure_demo(out_dir=DEFAULT_DEMO_DIR, progress: Progress | None = None) -> Path:
    """The demo bundle at out_dir, generated only if missing (or from an older
    generator)."""
    out_dir = Path(out_dir)
    if _is_current_demo(out_dir):
        return out_dir
    return generate(out_dir, progress=progress)


def resolve_sizes(votes: int | None, participants: int | None,
                  proposals: int | None) -> Sizes:
    """Missing sizes follow the demo's ratios from the first one given (votes,
    then proposals, then participants)."""
    given = {"votes": votes, "participants": participants, "proposals": proposals}
    demo = asdict(DEMO_SIZES)
    anchor = next((k for k in ("votes", "proposals", "participants") if given[k]), None)
    if anchor is None:
        return DEMO_SIZES
    ratio = given[anchor] / demo[anchor]
    sizes = Sizes(**{k: int(v) if v else max(1, round(demo[k] * ratio))
                     for k, v in given.items()})
    _check_sizes(sizes)
    return sizes


def _check_sizes(sizes: Sizes) -> None:
    if sizes.proposals < MIN_PROPOSALS:
        raise ValueError(f"proposals must be at least {MIN_PROPOSALS} (got {sizes.proposals})")
    if not sizes.participants <= sizes.votes <= sizes.participants * sizes.proposals:
        raise ValueError(
            f"votes must be between participants ({sizes.participants}, everyone votes) "
            f"and participants x proposals ({sizes.participants * sizes.proposals}); "
            f"got {sizes.votes}")


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[stream]])


def _sittings_key(seed: int) -> int:
    """Key of the counter-based draws of participants' sittings (campaign.uniform)."""
    return seed * 100 + _STREAMS["sittings"]


def _participants_and_layout(sizes: Sizes, plan: ProposalPlan, seed: int
                             ) -> tuple[Participants, VoteLayout]:
    """Participants whose vote counts can be laid out without duplicates: if the
    heaviest voters are too few, cap votes per participant lower and draw again."""
    floor_cap = math.ceil(sizes.votes / sizes.participants)
    cap = min(sizes.proposals, max(recipe.MAX_VOTES_PER_PARTICIPANT, 4 * floor_cap))
    while True:
        people = draw_participants(sizes.participants, sizes.votes, cap,
                                   _rng(seed, "participants"))
        layout = VoteLayout(people.votes, plan.votes, _rng(seed, "layout"))
        if layout.is_feasible():
            return people, layout
        lower = max(floor_cap, int(cap * 0.8))
        if lower >= cap:
            raise ValueError(f"cannot spread {sizes.votes} votes of {sizes.participants} "
                             f"participants over {sizes.proposals} proposals")
        cap = lower


# --- small tables ---------------------------------------------------------------------------


def write_consultation(folder: Path, sizes: Sizes, seed: int, daily_votes: np.ndarray) -> None:
    meta = dict(recipe.CONSULTATION)
    if not sizes.is_demo:
        meta["slug"] = "solutions-jeunes-synthetic"
        meta["title"] = f"{meta['title']} (synthétique, {_french_number(sizes.votes)} votes)"
        meta["votes_target"] = round(meta["votes_target"] * sizes.votes / recipe.TOTAL_VOTES)
    meta["milestones"] = milestones(daily_votes, meta["votes_target"])
    meta["generator"] = {"name": "analytics.demo", "version": GENERATOR_VERSION, "seed": seed,
                         "source": SOURCE}
    write_json(folder / "consultation.json", meta)


def milestones(daily_votes: np.ndarray, target: int) -> list[dict]:
    """Launch, media push, the day the votes target was reached (read from the votes
    written, so it is always true of the bundle) and close, in date order."""
    start = date.fromisoformat(recipe.CONSULTATION["start_date"])
    labels = recipe.MILESTONE_LABELS
    items = [(start, labels["launch"]),
             (date.fromisoformat(recipe.MEDIA_PUSH_DATE), recipe.MEDIA_PUSH_LABEL),
             (date.fromisoformat(recipe.CONSULTATION["end_date"]), labels["close"])]
    reached = np.flatnonzero(np.cumsum(daily_votes) >= target)
    if target and len(reached):
        items.append((start + timedelta(days=int(reached[0])),
                      labels["target"].format(target=_french_number(target))))
    return [{"date": day.isoformat(), "label": label}
            for day, label in sorted(items, key=lambda item: item[0])]


def _french_number(value: int) -> str:
    """500 000 with a narrow no-break space, as French typography writes it."""
    return f"{value:,}".replace(",", "\u202f")


def write_ideas(folder: Path) -> None:
    write_csv(folder / "ideas.csv", ["idea_id", "name", "axis"],
              [(i.idea_id, i.name, i.axis) for i in recipe.IDEAS])


def write_proposals(folder: Path, plan: ProposalPlan) -> None:
    order = np.lexsort((np.arange(len(plan)), plan.created_at))
    created = _timestamps_text(plan.created_at)
    rows = ((plan.ids[i], plan.content[i], plan.author[i], plan.author_age[i],
             recipe.IDEAS[plan.idea[i]].idea_id if plan.idea[i] >= 0 else None,
             plan.tags[i], created[i]) for i in order)
    write_csv(folder / "proposals.csv", ["proposal_id", "content", "author_name", "author_age",
                                         "idea_id", "tags", "created_at"], rows)


def _timestamps_text(seconds: np.ndarray) -> list[str]:
    """Same text as Arrow's CSV writer gives voted_at: 2022-03-22 14:05:09."""
    return [str(t).replace("T", " ") for t in seconds.astype("datetime64[s]")]


# --- participants ---------------------------------------------------------------------------


def participant_width(count: int) -> int:
    return max(6, len(str(count)))


def write_participants(folder: Path, people: Participants, fmt: str) -> None:
    table = departements()
    dept_codes = pa.array(table.codes)
    region_codes = pa.array(table.region_codes)
    genders = pa.array([g or None for g in GENDERS])
    width = participant_width(len(people))
    with TableWriter(folder, "participants", PARTICIPANT_SCHEMA, fmt) as writer:
        for start in range(0, len(people), PARTICIPANT_CHUNK):
            stop = min(start + PARTICIPANT_CHUNK, len(people))
            age = people.age[start:stop]
            dept = pa.array(people.departement[start:stop].astype(np.int32))
            writer.write(pa.table({
                "participant_id": numbered_ids("u", np.arange(start, stop) + 1, width),
                "gender": genders.take(pa.array(people.gender[start:stop].astype(np.int32))),
                "age": pa.array(age.astype(np.int16), mask=age == MISSING_AGE),
                "region_code": region_codes.take(dept),
                "department_code": dept_codes.take(dept),
            }, schema=PARTICIPANT_SCHEMA))


# --- votes ----------------------------------------------------------------------------------


def write_votes(folder: Path, plan: ProposalPlan, people: Participants, layout: VoteLayout,
                fmt: str, rng: np.random.Generator, key: int, report: Progress) -> np.ndarray:
    """Streams the votes; returns how many fell on each day of the consultation."""
    total = int(layout.proposal_end[-1])
    proposal_ids = pa.array(plan.ids)
    daily = np.zeros(campaign.sittings().days, dtype=np.int64)
    with TableWriter(folder, "votes", VOTE_SCHEMA, fmt) as writer:
        for first, last in _vote_chunks(layout):
            table, days = _vote_chunk(plan, proposal_ids, people, layout, first, last, rng, key)
            writer.write(table)
            daily += np.bincount(days, minlength=len(daily))
            done = int(layout.proposal_end[last - 1])
            report(0.08 + 0.92 * done / total, f"Writing votes ({done:,} / {total:,})")
    return daily


def _vote_chunks(layout: VoteLayout) -> list[tuple[int, int]]:
    """Runs of proposals (in stream order) of about VOTE_CHUNK votes each."""
    cuts = np.searchsorted(layout.proposal_end,
                           np.arange(VOTE_CHUNK, layout.proposal_end[-1], VOTE_CHUNK),
                           side="left") + 1
    bounds = [0, *sorted(set(int(c) for c in cuts) - {0, len(layout.proposal_end)}),
              len(layout.proposal_end)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


_LABEL_VOTE = pa.array([vote for vote, _ in LABELS])
_LABEL_QUALIFICATION = pa.array([key for _, key in LABELS])


def _vote_chunk(plan: ProposalPlan, proposal_ids: pa.Array, people: Participants,
                layout: VoteLayout, first: int, last: int, rng: np.random.Generator, key: int
                ) -> tuple[pa.Table, np.ndarray]:
    """The vote rows of proposals first..last-1 (stream order), ordered by proposal
    then time, and each row's day. Each proposal's labels go to its voters by
    decreasing propensity to agree (demographic effect plus noise), which leaves its
    counts untouched; each vote's time comes from its voter's sittings."""
    proposals = layout.proposal_order[first:last]
    voters, ranks = layout.voters(int(layout.proposal_start[first]),
                                  int(layout.proposal_end[last - 1]))
    segment = np.repeat(np.arange(len(proposals)), plan.votes[proposals])
    labels = np.repeat(np.tile(np.arange(len(LABELS)), len(proposals)),
                       plan.counts[proposals].ravel())
    propensity = _propensity(plan, people, proposals[segment], voters, rng)
    by_propensity = np.lexsort((-propensity, segment))
    voters, ranks = voters[by_propensity], ranks[by_propensity]
    real = campaign.vote_times(voters, ranks, plan.published[proposals][segment], key, rng)
    voted_at = campaign.sittings().local(real)
    rows = np.lexsort((voted_at, segment))
    table = pa.table({
        "proposal_id": proposal_ids.take(pa.array(proposals[segment[rows]])),
        "participant_id": numbered_ids("u", voters[rows].astype(np.int64) + 1,
                                       participant_width(len(people))),
        "vote": _LABEL_VOTE.take(pa.array(labels[rows])),
        "qualification": _LABEL_QUALIFICATION.take(pa.array(labels[rows])),
        "voted_at": pa.array(voted_at[rows], type=pa.timestamp("s")),
    }, schema=VOTE_SCHEMA)
    return table, campaign.sittings().day_of(real)


def _propensity(plan: ProposalPlan, people: Participants, proposal: np.ndarray,
                voters: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    age = people.age[voters].astype(np.float64)
    decades = np.where(age == MISSING_AGE, 0.0, np.clip((age - 25) / 10, -2.0, 4.0))
    female = people.gender[voters] == GENDERS.index("female")
    return (plan.age_effect[proposal] * decades + plan.female_effect[proposal] * female
            + rng.logistic(size=len(voters)))


def _is_current_demo(out_dir: Path) -> bool:
    meta_path = out_dir / "consultation.json"
    if not meta_path.exists() or not any(out_dir.glob("votes.*")):
        return False
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("generator", {}).get("version") == GENERATOR_VERSION
