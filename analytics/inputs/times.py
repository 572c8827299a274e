"""The consultation's time zone and local times (SPEC section 2 `timezone`,
`milestones`), what a load needs of them: the zone a consultation's days are counted
in, the check of consultation.json's `timezone` and `milestones`, and the SQL that
turns a vote's text time into a TIMESTAMP in that zone (analytics.metrics.timeline
counts the days)."""

from __future__ import annotations

import zoneinfo
from datetime import date

from analytics.inputs.errors import Issue, IssueCollector
from analytics.inputs.tables import literal

# A time ending with an offset or Z ("...:09Z", "...:09+01", "...:09.5-05:30") is an
# instant; the time must come before it, so that a bare date ("2022-03-22") is not read
# as "2022-03" with offset -22. No backslashes: the same pattern runs on Spark.
OFFSET_PATTERN = "[0-9]:[0-9][0-9]([.,][0-9]+)?[ ]*([zZ]|[+-][0-9][0-9](:?[0-9][0-9])?)$"


# -- the consultation's zone, dates and milestones ------------------------------------------

def timezone_of(meta: dict) -> str:
    """The IANA zone whose days the timeline counts."""
    given = meta.get("timezone")
    if given:
        return given
    return "Europe/Paris" if meta.get("country", "FR") == "FR" else "UTC"


def is_known_zone(name) -> bool:
    return (isinstance(name, str) and name != "localtime"
            and name in zoneinfo.available_timezones())


def check_timeline_keys(data: dict, issues: IssueCollector, file: str = "consultation.json"):
    """`timezone` and `milestones` of consultation.json (SPEC section 2)."""
    zone = data.get("timezone")
    if zone is not None and not is_known_zone(zone):
        issues.add(Issue(file, "unknown time zone", column="timezone",
                         expected="an IANA time zone name such as Europe/Paris or UTC",
                         found=_shown(zone)))
    given = data.get("milestones")
    if given is None:
        return
    if not isinstance(given, list):
        issues.add(Issue(file, "milestones is not a list", column="milestones",
                         expected="a list of {date, label}", found=_shown(given)))
        return
    for index, item in enumerate(given):
        where = f"milestones[{index}]"
        if not isinstance(item, dict):
            issues.add(Issue(file, "a milestone is not an object", column=where,
                             expected="{date, label}", found=_shown(item)))
            continue
        if _iso_date(item.get("date")) is None:
            issues.add(Issue(file, "the milestone's date is not an ISO date",
                             column=f"{where}.date", expected="YYYY-MM-DD",
                             found=_shown(item.get("date"))))
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            issues.add(Issue(file, "the milestone has no label", column=f"{where}.label",
                             expected="a non-empty text", found=_shown(label)))


def _shown(value) -> str:
    import json

    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)


def _iso_date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# -- local times, at load -------------------------------------------------------------------

def local_time_sql(text: str, zone: str, engine: str = "duckdb") -> str:
    """SQL turning the text `text` (ISO date or date-time) into a TIMESTAMP in the local
    time of `zone`: instants (an offset or Z) converted, naive times taken as local."""
    has_offset = (f"regexp_matches({text}, {literal(OFFSET_PATTERN)})" if engine == "duckdb"
                  else f"({text} RLIKE {literal(OFFSET_PATTERN)})")
    if engine == "duckdb":
        instant = f"timezone({literal(zone)}, TRY_CAST({text} AS TIMESTAMPTZ))"
        naive = f"TRY_CAST({text} AS TIMESTAMP)"
    else:   # Spark: the instant's wall-clock time in the session's zone, then in `zone`
        instant = (f"convert_timezone(current_timezone(), {literal(zone)}, "
                   f"CAST(try_cast({text} AS TIMESTAMP) AS TIMESTAMP_NTZ))")
        naive = f"try_cast({text} AS TIMESTAMP_NTZ)"
    return f"CASE WHEN {has_offset} THEN {instant} ELSE {naive} END"
