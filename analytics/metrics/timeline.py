"""Participation over time (SPEC section 3 "Timeline", section 6 `timeline`).

Days are the consultation's local days: `timezone` of consultation.json (an IANA
name; default Europe/Paris when `country` is FR, else UTC; Polis: UTC). When a
bundle is loaded, each vote's `voted_at` becomes `votes.voted_at`, a TIMESTAMP in
that local time (`local_time_sql`): a value with an offset or `Z` is an instant,
converted; a naive one is already local. The results' timeline is one GROUP BY of the
votes' days, and its new participants a sum over participation_cells (analytics.metrics.engine),
which the load split by first-vote day; the pages' functions are one GROUP BY on the
votes' dates.
All of it is plain SQL that DuckDB and Spark both run; periods, zero days, weeks and
cumulative sums are made in pandas on one row per day.

Proposals are few: their `created_at` text is converted the same way (by DuckDB,
whatever the engine) and counted per day, those created outside the range of days
with a vote on its first or last day, so that the proposals per day add up to the
proposals with a date."""

from __future__ import annotations

from datetime import date
from typing import cast

import duckdb
import numpy as np
import pandas as pd

from analytics.inputs.errors import IssueCollector
from analytics.inputs.tables import literal
from analytics.inputs.times import _iso_date, check_timeline_keys, local_time_sql, timezone_of
from analytics.metrics.segment import Segment, segment_votes
from analytics.results_model import Note, TimelineDay
from analytics.vocabulary import MIN_SEGMENT_PARTICIPANTS, ordered_labels

EVERYONE = Segment()
FREQUENCIES = ("day", "week")
# Past this many days, the page shows weeks by default.
LONG_CONSULTATION_DAYS = 120
COLUMNS = ("votes", "new_participants", "proposals", "cumulative_votes",
           "cumulative_participants")
DIMENSION_COLUMNS = {"gender": "gender", "age_band": "age_band", "region": "region_code"}


# -- the consultation's milestones and dates ------------------------------------------------

def milestones(meta: dict) -> list[dict]:
    """The consultation's milestones, [{date: datetime.date, label}] by date. Raises
    InputError when they break SPEC section 2 (a bundle checked them when loaded)."""
    issues = IssueCollector()
    check_timeline_keys({"milestones": meta.get("milestones")}, issues)
    issues.raise_if_any()
    found = [{"date": _iso_date(item["date"]), "label": item["label"].strip()}
             for item in meta.get("milestones") or []]
    return sorted(found, key=lambda item: item["date"])


def consultation_dates(meta: dict) -> dict[str, date | None]:
    """{start, end}: the consultation's own dates (start_date, end_date), None when not
    given."""
    return {"start": _iso_date(meta.get("start_date")), "end": _iso_date(meta.get("end_date"))}


def local_days(texts: pd.Series, zone: str) -> pd.Series:
    """The local day (datetime.date, or None) of each ISO text, as local_time_sql reads it."""
    frame = pd.DataFrame({"t": texts.astype(object).where(texts.notna(), None)})
    with duckdb.connect() as con:
        con.register("texts", frame)
        days = con.execute(f"SELECT CAST({local_time_sql('t', zone)} AS DATE) AS day "
                           "FROM texts").df()["day"]
    return days


# -- queries --------------------------------------------------------------------------------

def _votes(segment: Segment) -> str:
    return segment_votes(segment)


def has_vote_times(run_sql) -> bool:
    """The votes relation has a voted_at column (every vote-level source loaded by this
    version does; older relations may not)."""
    return "voted_at" in run_sql("SELECT * FROM votes LIMIT 0").columns


def daily_votes_sql(segment: Segment, where: str = "true", agree: bool = False) -> str:
    """Per local day with a timed vote: votes (and agree votes), and the voters whose
    first timed vote (among these votes) is that day."""
    agreed = (", count(CASE WHEN vote = 'agree' THEN 1 END) AS agree" if agree else "")
    agreed_sum = ", d.agree" if agree else ""
    return f"""
        WITH timed AS (
            SELECT participant_id, vote, CAST(voted_at AS DATE) AS day
            FROM {_votes(segment)} v WHERE voted_at IS NOT NULL AND ({where})),
        per_day AS (SELECT day, count(*) AS votes{agreed} FROM timed GROUP BY day),
        firsts AS (
            SELECT day, count(*) AS new_participants
            FROM (SELECT participant_id, min(day) AS day FROM timed GROUP BY participant_id) f
            GROUP BY day)
        SELECT d.day, d.votes{agreed_sum},
               coalesce(f.new_participants, 0) AS new_participants
        FROM per_day d LEFT JOIN firsts f ON f.day = d.day
        ORDER BY d.day"""


def cells_timeline_sql(segment: Segment) -> str:
    """Votes and new participants per day: votes from one GROUP BY of the votes' days
    (a join with the participants for a segment); new participants from
    participation_cells (analytics.metrics.engine), which the load split by first-vote day."""
    return f"""
        WITH per_day AS (
            SELECT CAST(voted_at AS DATE) AS day, count(*) AS votes
            FROM {_votes(segment)} v WHERE voted_at IS NOT NULL
            GROUP BY CAST(voted_at AS DATE)),
        firsts AS (
            SELECT first_day AS day, CAST(sum(participants) AS BIGINT) AS new_participants
            FROM participation_cells c WHERE first_day IS NOT NULL AND {segment.where('c')}
            GROUP BY first_day)
        SELECT d.day, CAST(d.votes AS BIGINT) AS votes,
               coalesce(f.new_participants, 0) AS new_participants
        FROM per_day d LEFT JOIN firsts f ON f.day = d.day
        ORDER BY d.day"""


def _days(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Every day from the first to the last of `frame` (zeros where nothing happened),
    indexed by day (datetime64)."""
    frame = frame.assign(day=pd.to_datetime(frame["day"]))
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns},
                            index=pd.DatetimeIndex([], name="day"))
    days = pd.date_range(frame["day"].min(), frame["day"].max(), freq="D", name="day")
    filled = frame.set_index("day")[list(columns)].reindex(days, fill_value=0)
    return filled.astype("int64")


def _proposal_days(run_sql, meta: dict) -> pd.Series:
    """The local creation day of each proposal with a date (datetime64)."""
    texts = run_sql("SELECT created_at FROM proposals WHERE created_at IS NOT NULL")
    days = local_days(texts["created_at"].astype(str), timezone_of(meta)) if len(texts) \
        else pd.Series(dtype=object)
    return pd.to_datetime(days.dropna())


def _timeline_days(run_sql, meta: dict, segment: Segment) -> pd.DataFrame:
    """One row per local day from the first to the last day with a timed vote, indexed
    by day: the columns of SPEC section 6."""
    if not has_vote_times(run_sql):
        return _days(pd.DataFrame({"day": [], "votes": [], "new_participants": []}),
                     COLUMNS)
    days = _days(run_sql(cells_timeline_sql(segment)), ("votes", "new_participants"))
    if len(days):
        created = _proposal_days(run_sql, meta).clip(days.index[0], days.index[-1])
        days["proposals"] = created.value_counts().reindex(days.index, fill_value=0) \
            .astype("int64")
    else:
        days["proposals"] = pd.Series(dtype="int64")
    days["cumulative_votes"] = days["votes"].cumsum()
    days["cumulative_participants"] = days["new_participants"].cumsum()
    return days[list(COLUMNS)]


def daily_timeline(run_sql, meta: dict, segment: Segment = EVERYONE) -> list[TimelineDay]:
    """SPEC section 6 `timeline`: [{date: "YYYY-MM-DD", votes, new_participants,
    proposals, cumulative_votes, cumulative_participants}], one per day from the first
    to the last day with a vote; [] when no vote has a time."""
    days = _timeline_days(run_sql, meta, segment)
    dates = days.index.strftime("%Y-%m-%d").tolist()
    values = days.to_numpy().tolist()
    return [cast(TimelineDay, {"date": day, **dict(zip(COLUMNS, row, strict=True))})
            for day, row in zip(dates, values, strict=True)]


def timeline_note(timeline: list[TimelineDay], votes: int, participants: int,
                  kind: str = "bundle") -> Note | None:
    """What the results say when the timeline is empty or covers only part of the
    votes; None when every vote has a time."""
    timed = timeline[-1]["cumulative_votes"] if timeline else 0
    if not votes or timed == votes:
        return None
    if not timed:
        return {"code": "no_timeline",
                "message": "The votes have no time (add a voted_at column to votes), so "
                           "there is no timeline of participation.",
                "column": "votes.voted_at"}
    counted = timeline[-1]["cumulative_participants"]
    return {"code": "timeline_partial",
            "message": f"The timeline covers {timed} of {votes} votes: {votes - timed} "
                       f"vote(s) have no voted_at, so cumulative votes end at {timed} "
                       f"and cumulative participants at {counted} of {participants}.",
            "timed_votes": timed, "votes": votes, "untimed_votes": votes - timed}


# -- for the pages: frames of periods -------------------------------------------------------

def _check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, "
                         f"not {frequency!r}")


def _monday(days: pd.DatetimeIndex | pd.Series):
    return days - pd.to_timedelta(days.day_of_week if isinstance(days, pd.DatetimeIndex)
                                  else days.dt.day_of_week, unit="D")


def _by_period(days: pd.DataFrame, frequency: str, counts: list[str]) -> pd.DataFrame:
    """Day rows (indexed by day) summed per period (the day, or the Monday of its ISO
    week), with a `period` column."""
    if frequency == "day":
        frame = days[counts].copy()
    else:
        frame = days[counts].groupby(_monday(days.index)).sum()
    frame.index.name = "period"
    return frame.reset_index()


def _is_vote_level(source) -> bool:
    return "votes" in getattr(source, "capabilities", ()) and hasattr(source, "sql")


def timeline_frame(source, segment: Segment = EVERYONE, frequency: str = "day") -> pd.DataFrame:
    """period (datetime64: the day, or the Monday of the ISO week), votes,
    new_participants, proposals, cumulative_votes, cumulative_participants; empty when
    the source has no timed votes."""
    _check_frequency(frequency)
    if not _is_vote_level(source):
        return _by_period(_days(pd.DataFrame({"day": []}), COLUMNS), frequency,
                          list(COLUMNS))
    days = _timeline_days(source.sql, source.meta, segment)
    frame = _by_period(days, frequency, ["votes", "new_participants", "proposals"])
    frame["cumulative_votes"] = frame["votes"].cumsum()
    frame["cumulative_participants"] = frame["new_participants"].cumsum()
    return frame


def default_frequency(first: date, last: date) -> str:
    """"week" when the timeline spans more than LONG_CONSULTATION_DAYS days."""
    return "week" if (last - first).days + 1 > LONG_CONSULTATION_DAYS else "day"


def target_day(frame_or_rows, target: int | None) -> date | None:
    """The first day (period) on which cumulative votes reach `target`; None without a
    target or when it is not reached. Takes timeline_frame's frame or SPEC rows."""
    if not target:
        return None
    if isinstance(frame_or_rows, pd.DataFrame):
        frame = frame_or_rows
        days = pd.to_datetime(frame["period"] if "period" in frame else frame["date"])
        cumulative = frame["cumulative_votes"].to_numpy()
    else:
        rows = list(frame_or_rows)
        days = pd.to_datetime(pd.Series([row["date"] for row in rows]))
        cumulative = np.array([row["cumulative_votes"] for row in rows])
    reached = np.flatnonzero(cumulative >= target)
    return days.iloc[reached[0]].date() if len(reached) else None


def agreement_over_time(source, *, proposal_ids: list[str] | None = None,
                        idea_id: str | None = None, idea_set=None,
                        segment: Segment = EVERYONE, frequency: str = "day") -> pd.DataFrame:
    """How the agreement on proposals (pooled), or on an idea's proposals, built up:
    per period votes, agree, cumulative_votes, cumulative_agree, agreement
    (100·cumulative_agree/cumulative_votes), lower and upper (its 95 % Wilson interval,
    in percent), voters (cumulative distinct voters). Periods with fewer than 10
    cumulative distinct voters have agreement, lower and upper NaN (SPEC section 5)."""
    from analytics.metrics.stats import wilson_interval

    _check_frequency(frequency)
    columns = ["period", "votes", "agree", "cumulative_votes", "cumulative_agree",
               "agreement", "lower", "upper", "voters"]
    if (proposal_ids is None) == (idea_id is None):
        raise ValueError("give proposal_ids or idea_id")
    if not _is_vote_level(source) or not has_vote_times(source.sql):
        return pd.DataFrame({c: [] for c in columns})
    run = source.sql
    if proposal_ids is not None:
        ids = ", ".join(literal(str(p)) for p in proposal_ids) or "NULL"
        where = f"v.proposal_id IN ({ids})"
    else:
        run = source.sql_with_ideas(idea_set) if idea_set is not None else source.sql
        where = (f"v.proposal_id IN (SELECT proposal_id FROM proposals "
                 f"WHERE idea_id = {literal(str(idea_id))})")
    days = _days(run(daily_votes_sql(segment, where, agree=True)),
                 ("votes", "agree", "new_participants"))
    frame = _by_period(days, frequency, ["votes", "agree", "new_participants"])
    frame["cumulative_votes"] = frame["votes"].cumsum()
    frame["cumulative_agree"] = frame["agree"].cumsum()
    frame["voters"] = frame.pop("new_participants").cumsum()
    n = frame["cumulative_votes"].to_numpy(dtype=float)
    agree = frame["cumulative_agree"].to_numpy(dtype=float)
    lower, upper = wilson_interval(agree, n)
    shown = frame["voters"].to_numpy() >= MIN_SEGMENT_PARTICIPANTS
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["agreement"] = np.where(shown, 100.0 * agree / n, np.nan)
    frame["lower"] = np.where(shown, 100.0 * lower, np.nan)
    frame["upper"] = np.where(shown, 100.0 * upper, np.nan)
    return frame[columns]


def _period_sql(frequency: str) -> str:
    if frequency == "day":
        return "CAST(voted_at AS DATE)"
    return "CAST(date_trunc('week', voted_at) AS DATE)"    # Monday, in DuckDB and Spark


def composition_over_time(source, dimension: str, segment: Segment = EVERYONE,
                          frequency: str = "day") -> pd.DataFrame:
    """Who voted in each period: period, label (as the participation figures show it),
    name (the région's name; the label otherwise), votes, participants, share (percent
    of the period's votes whose voter has a known value). A (period, label) cell with
    fewer than 10 distinct participants has votes, participants and share NaN."""
    from analytics.inputs import reference

    _check_frequency(frequency)
    if dimension not in DIMENSION_COLUMNS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSION_COLUMNS)}, "
                         f"not {dimension!r}")
    columns = ["period", "label", "name", "votes", "participants", "share"]
    if (not _is_vote_level(source) or "participants" not in source.capabilities
            or not has_vote_times(source.sql)):
        return pd.DataFrame({c: [] for c in columns})
    column = DIMENSION_COLUMNS[dimension]
    cells = source.sql(f"""
        SELECT {_period_sql(frequency)} AS period, p.{column} AS label,
               count(*) AS votes, count(DISTINCT v.participant_id) AS participants
        FROM {_votes(segment)} v JOIN participants p ON p.participant_id = v.participant_id
        WHERE v.voted_at IS NOT NULL AND p.{column} IS NOT NULL
        GROUP BY 1, 2""")
    if not len(cells):
        return pd.DataFrame({c: [] for c in columns})
    cells["period"] = pd.to_datetime(cells["period"])
    cells["votes"] = cells["votes"].astype("float64")
    cells["participants"] = cells["participants"].astype("float64")
    totals = cells.groupby("period")["votes"].transform("sum")
    cells["share"] = 100.0 * cells["votes"] / totals
    hidden = cells["participants"] < MIN_SEGMENT_PARTICIPANTS
    cells.loc[hidden, ["votes", "participants", "share"]] = np.nan
    order = {label: i for i, label in enumerate(ordered_labels(dimension,
                                                               cells["label"].unique().tolist()))}
    french = source.meta.get("country", "FR") == "FR"
    cells["name"] = [(reference.region_name(label) if dimension == "region" and french
                      else None) or label for label in cells["label"]]
    cells = cells.assign(_order=cells["label"].map(order)).sort_values(["period", "_order"])
    return cells[columns].reset_index(drop=True)

