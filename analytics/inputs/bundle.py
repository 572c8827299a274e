"""The vote-level bundle (SPEC section 2): find its files, validate every rule,
and expose normalised relations to DuckDB.

After `load_bundle`, the connection holds four relations the engine queries:
  proposals(proposal_id, content, author_name, author_age, idea_id, tags, created_at, ord)
  ideas(idea_id, name, axis, ord)
  participants(participant_id, gender, age, age_band, region_code, department_code,
               commune_code)
  votes(proposal_id, participant_id, vote, qualification, voted_at)
`voted_at` is a TIMESTAMP in the consultation's local time (analytics.inputs.times), NULL
when the bundle gives none. `ideas` and `participants` are empty when the bundle has
no such table. A bundle with its own boundaries (consultation.json `boundaries`) has them
checked and simplified on `Bundle.geography` (analytics.inputs.geography)."""

from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from analytics.inputs import jsontext
from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.geography import (
    Geography,
    check_spec,
    participant_column,
    read_geography,
    unmatched_codes,
)
from analytics.inputs.limits import not_a_file, too_big
from analytics.inputs.tables import RawTable, find_table, literal, native_column, quote, read_table
from analytics.inputs.times import check_timeline_keys, local_time_sql, timezone_of
from analytics.vocabulary import AGE_BANDS, GENDERS, QUALIFICATIONS, VOTES

TABLES = ("proposals", "ideas", "participants", "votes")
REQUIRED_TABLES = ("proposals", "votes")
REQUIRED_COLUMNS = {
    "proposals": ("proposal_id", "content"),
    "ideas": ("idea_id", "name"),
    "participants": ("participant_id",),
    "votes": ("proposal_id", "participant_id", "vote"),
}
OPTIONAL_COLUMNS = {
    "proposals": ("author_name", "author_age", "idea_id", "tags", "created_at"),
    "ideas": ("axis",),
    "participants": ("gender", "age", "age_band", "region_code", "department_code",
                     "commune_code"),
    "votes": ("qualification", "voted_at"),
}
SLUG = re.compile(r"[a-z0-9-]+")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")
COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass
class Bundle:
    path: Path
    meta: dict
    actions: list[dict]
    con: duckdb.DuckDBPyConnection
    tables: dict[str, Path]                       # table -> file it came from
    warnings: list[str] = field(default_factory=list)
    geography: Geography | None = None            # own boundaries and populations

    @property
    def has_ideas(self) -> bool:
        return "ideas" in self.tables

    @property
    def has_participants(self) -> bool:
        return "participants" in self.tables


def load_bundle(path: str | Path, *, materialize: bool = True,
                con: duckdb.DuckDBPyConnection | None = None) -> Bundle:
    """Validate the bundle at `path`; raise InputError listing every problem.

    materialize=True copies the normalised tables into DuckDB (fast repeated
    queries, for the app); False keeps views over the files (one-shot CLI runs
    on very large Parquet bundles)."""
    con = con or new_connection()
    checked = validate_bundle(path, con)
    _normalise(con, checked.raw, materialize,
               french=checked.meta.get("country", "FR") == "FR", zone=timezone_of(checked.meta))
    if "participants" in checked.raw:
        _warn_unknown_participants(con, checked.warnings)
        if checked.geography is not None:
            # Own areas: their codes are checked against the bundle's own outlines.
            _warn_unmatched_codes(con, checked.geography, checked.warnings)
        elif checked.meta.get("country", "FR") == "FR":
            _warn_unknown_codes(con, checked.warnings)
    return Bundle(checked.folder, checked.meta, checked.actions, con, checked.files,
                  checked.warnings, checked.geography)


@dataclass
class Checked:
    """A bundle that passed every rule: its raw tables are relations of the connection."""
    folder: Path
    meta: dict
    actions: list
    files: dict[str, Path]
    raw: dict[str, RawTable]
    warnings: list[str]
    geography: Geography | None = None


def validate_bundle(path: str | Path, con: duckdb.DuckDBPyConnection) -> Checked:
    """Every rule of the data contract on the bundle at `path`, read into `con` (the
    raw tables, nothing normalised); InputError listing every problem."""
    folder = Path(path)
    issues = IssueCollector()
    if not folder.is_dir():
        issues.add(Issue(str(folder), "not a folder", expected="a bundle folder"))
        issues.raise_if_any()
    meta = read_consultation(folder, issues)
    files = {t: p for t in TABLES if (p := find_table(folder, t, issues)) is not None}
    for table in REQUIRED_TABLES:
        if table not in files and not any(i.file.startswith(table + ".") for i in issues.issues):
            issues.add(Issue(f"{table}.csv", "required table is missing",
                             expected=f"{table}.csv or {table}.parquet in {folder.name}"))
    # Only the contract's columns are read; the others are listed in one warning.
    raw = {t: read_table(con, p, f"raw_{t}", issues, keep=_contract(t), root=folder)
           for t, p in files.items()}
    raw = {t: r for t, r in raw.items() if r is not None}
    warnings: list[str] = []
    if all(t in raw for t in REQUIRED_TABLES) and not issues:
        _check_all(con, raw, issues, warnings)
    actions = read_actions(folder, con if not issues else None, issues)
    own = None
    if isinstance(meta.get("boundaries"), dict) and not issues:
        own = read_geography(folder, meta["boundaries"], issues,
                             french=meta.get("country", "FR") == "FR")
        warnings.extend(own.warnings if own is not None else ())
    issues.raise_if_any()
    return Checked(folder, meta, actions, files, raw, warnings, own)


# Voters per cell of the participation table (gender, age band, région, département,
# and whether the voter is in the participants table), with their votes. Made once when
# a bundle is loaded (analytics.inputs.bundle, analytics.spark): participation for everyone and
# for any segment (segments filter on these same columns) is then a sum over a few
# thousand rows instead of a GROUP BY of every vote by voter and a join per query.
# Cells are also split by `first_day`, the local day of their voters' first timed vote
# (NULL: voters without any), so that new participants per day, for everyone or a
# segment, are a sum over cells too (analytics.metrics.timeline); `votes` stay each cell's
# votes of every day. One min() in the pass the load already makes: about 1 s more at
# 10M votes, where splitting the votes themselves by day cost 6 s (README, Timeline).
PARTICIPATION_CELLS_SQL = """
    WITH per_participant AS (
        SELECT participant_id, count(*) AS votes, min(voted_at) AS first_vote
        FROM votes GROUP BY participant_id
    )
    SELECT p.gender, p.age_band, p.region_code, p.department_code, p.commune_code,
           p.participant_id IS NOT NULL AS known, CAST(pp.first_vote AS DATE) AS first_day,
           count(*) AS participants, sum(pp.votes) AS votes
    FROM per_participant pp
    LEFT JOIN participants p ON p.participant_id = pp.participant_id
    GROUP BY p.gender, p.age_band, p.region_code, p.department_code, p.commune_code,
             p.participant_id IS NOT NULL, CAST(pp.first_vote AS DATE)
"""


# DuckDB's own memory (hash tables, sorts, copied tables) stays under this; past it,
# operators spill to a temporary folder of their own (100M votes: the duplicate check
# and the per-participant counts do) instead of growing to most of the machine's memory.
# The environment variable ANALYTICS_MEMORY_LIMIT overrides it (e.g. "8GB").
MEMORY_LIMIT = "2GB"
_spills = itertools.count()


def new_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # Keep file order (row numbers); no progress bar on the CLI's stderr.
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    limit = os.environ.get("ANALYTICS_MEMORY_LIMIT") or MEMORY_LIMIT
    con.execute(f"SET memory_limit = {literal(limit)}")
    # A folder per connection (DuckDB creates it when it spills and removes it on close).
    spill = Path(tempfile.gettempdir()) / f"analytics-duckdb-{os.getpid()}-{next(_spills)}"
    con.execute(f"SET temp_directory = {literal(str(spill))}")
    return con


# -- consultation.json ----------------------------------------------------------------------

def read_consultation(folder: Path, issues: IssueCollector) -> dict:
    path = folder / "consultation.json"
    name = "consultation.json"
    if not os.path.lexists(path):
        issues.add(Issue(name, "required file is missing", expected=f"{name} in {folder.name}"))
        return {}
    data = _read_json(path, issues)
    if data is None:
        return {}
    if not isinstance(data, dict):
        issues.add(Issue(name, "wrong shape", expected="a JSON object",
                         found=type(data).__name__))
        return {}
    _check_consultation(data, issues)
    meta = dict(data)
    meta.setdefault("language", "fr")
    meta.setdefault("country", "FR")
    return meta


def _read_json(path: Path, issues: IssueCollector):
    if (wrong := not_a_file(path, path.parent)) is not None:
        issues.add(wrong)
        return None
    if (big := too_big(path)) is not None:
        issues.add(big)
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.add(Issue(path.name, "the file is not UTF-8 encoded", expected="UTF-8 JSON",
                         found=f"byte 0x{error.object[error.start]:02x} at offset {error.start}"))
        return None
    if not text.strip():
        issues.add(Issue(path.name, "the file is empty", expected="a JSON document"))
        return None
    try:
        return jsontext.loads(text, path.name)
    except InputError as error:
        for issue in error.issues:
            issues.add(issue)
        return None
    except json.JSONDecodeError as error:
        issues.add(Issue(path.name, f"invalid JSON: {error.msg}", row=error.lineno,
                         expected="valid JSON", found=f"line {error.lineno} column {error.colno}"))
        return None
    except RecursionError:
        issues.add(Issue(path.name, "the JSON is nested too deeply", expected="valid JSON"))
        return None


def _check_consultation(data: dict, issues: IssueCollector) -> None:
    name = "consultation.json"

    def bad(key, reason, expected, found):
        issues.add(Issue(name, reason, column=key, expected=expected, found=_repr(found)))

    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        bad("slug", "missing or invalid slug", "lowercase letters, digits and '-'", slug)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", "missing title", "a non-empty string", title)
    for key in ("question", "context"):
        if data.get(key) is not None and not isinstance(data[key], str):
            bad(key, f"{key} is not text", "a string", data[key])
    if "language" in data and not (isinstance(data["language"], str)
                                   and LANGUAGE.fullmatch(data["language"])):
        bad("language", "invalid language", "a language code such as fr, en, de",
            data["language"])
    if "country" in data and not (isinstance(data["country"], str)
                                  and COUNTRY.fullmatch(data["country"])):
        bad("country", "invalid country", "a two-letter country code such as FR", data["country"])
    dates = {}
    for key in ("start_date", "end_date"):
        value = data.get(key)
        if value is None:
            continue
        try:
            dates[key] = date.fromisoformat(value)
        except (TypeError, ValueError):
            bad(key, f"{key} is not an ISO date", "YYYY-MM-DD", value)
    if len(dates) == 2 and dates["end_date"] < dates["start_date"]:
        bad("end_date", "end_date is before start_date", f"on or after {dates['start_date']}",
            data["end_date"])
    target = data.get("votes_target")
    if target is not None and (not isinstance(target, int) or isinstance(target, bool)
                               or target < 0):
        bad("votes_target", "votes_target is not a whole number", "a non-negative integer",
            target)
    partners = data.get("partners")
    if partners is not None and not (isinstance(partners, list)
                                     and all(isinstance(p, str) for p in partners)):
        bad("partners", "partners is not a list of names", "a list of strings", partners)
    check_timeline_keys(data, issues, name)
    if "boundaries" in data:
        check_spec(data["boundaries"], issues, name)


def _repr(value) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)


# -- actions.json ---------------------------------------------------------------------------

ACTION_TEXT_KEYS = ("name", "description", "objective")
ACTION_LIST_KEYS = ("carriers", "proposal_ids", "quotes")


def read_actions(folder: Path, con, issues: IssueCollector) -> list[dict]:
    path = folder / "actions.json"
    if not os.path.lexists(path):
        return []
    data = _read_json(path, issues)
    if data is None:
        return []
    if not isinstance(data, list):
        issues.add(Issue(path.name, "wrong shape", expected="a JSON list of actions",
                         found=type(data).__name__))
        return []
    known = _proposal_ids(con)
    for index, action in enumerate(data):
        _check_action(path.name, index, action, known, issues)
    return data


def _proposal_ids(con) -> set[str] | None:
    if con is None:
        return None
    return {row[0] for row in con.execute(
        "SELECT proposal_id FROM raw_proposals WHERE proposal_id IS NOT NULL").fetchall()}


def _check_action(file: str, index: int, action, known, issues: IssueCollector) -> None:
    where = f"[{index}]"
    if not isinstance(action, dict):
        issues.add(Issue(file, "an action is not an object", column=where,
                         expected="an object with name, description...",
                         found=type(action).__name__))
        return
    if not isinstance(action.get("name"), str) or not action["name"].strip():
        issues.add(Issue(file, "action without a name", column=f"{where}.name",
                         expected="a non-empty string", found=_repr(action.get("name"))))
    for key in ACTION_TEXT_KEYS[1:]:
        if action.get(key) is not None and not isinstance(action[key], str):
            issues.add(Issue(file, f"{key} is not text", column=f"{where}.{key}",
                             expected="a string", found=_repr(action[key])))
    for key in ACTION_LIST_KEYS:
        value = action.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            issues.add(Issue(file, f"{key} is not a list of strings", column=f"{where}.{key}",
                             expected="a list of strings", found=_repr(value)))
        elif key == "proposal_ids" and known is not None:
            for position, proposal in enumerate(value):
                if proposal not in known:
                    issues.add(Issue(file, "unknown proposal",
                                     column=f"{where}.proposal_ids[{position}]",
                                     expected="a proposal_id of proposals", found=proposal))


# -- table rules ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A row-level rule: `bad` is a SQL condition true on a wrong row."""

    column: str
    bad: str
    reason: str
    expected: str
    found: str | None = None      # SQL for the value shown, default the column
    # The few-valued columns `bad` reads, if it reads only those: wrong rows are then
    # counted over their distinct values (GROUP BY) rather than row by row.
    by: tuple[str, ...] = ()


# (table, column) -> the columns a rule on it is counted by (see Rule.by).
GROUPED = {("votes", "proposal_id"): ("proposal_id",),
           ("votes", "vote"): ("vote", "qualification"),
           ("votes", "qualification"): ("vote", "qualification"),
           ("participants", "gender"): ("gender",), ("participants", "age"): ("age",)}
TEMPORAL = ("DATE", "TIMESTAMP")


def _integer_outside(column: str, low: int, high: int) -> str:
    # Digits only (a Parquet float column reads "25.0"): DuckDB's cast also takes
    # "1e1", "+20" and "1_0", which no one means as an age or a count.
    number = f"TRY_CAST({column} AS DOUBLE)"
    return (f"{column} IS NOT NULL AND (NOT regexp_full_match({column}, '-?[0-9]+([.]0*)?') "
            f"OR {number} < {low} OR {number} > {high})")


def _not_timestamp(column: str) -> str:
    return f"{column} IS NOT NULL AND TRY_CAST({column} AS TIMESTAMPTZ) IS NULL"


def _not_in(values) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def _grouped(table: str, rules: list[Rule], columns: set[str]) -> list[Rule]:
    """`Rule.by` set where a rule reads only few-valued columns."""
    def by(rule):
        return tuple(c for c in GROUPED.get((table, rule.column), ()) if c in columns)

    return [replace(rule, by=by(rule)) for rule in rules]


def _date_rules(column: str, reason: str, expected: str, types: dict[str, str]) -> list[Rule]:
    """The date rule of `column`, none when the file stores it as a date already (a
    Parquet timestamp holds a valid date by construction)."""
    if types.get(column, "").startswith(TEMPORAL):
        return []
    return [Rule(column, _not_timestamp(column), reason, expected)]


def _rules(table: str, columns: set[str], present: set[str],
           types: dict[str, str]) -> list[Rule]:
    rules: list[Rule] = []
    for column in REQUIRED_COLUMNS[table]:
        if table != "ideas" or column == "idea_id":
            rules.append(Rule(column, f"{column} IS NULL", f"{column} is empty",
                              "a non-empty value"))
    if table == "ideas":
        rules.append(Rule("name", "name IS NULL", "the idea has no name", "a non-empty name"))
    if table == "proposals":
        if "author_age" in columns:
            rules.append(Rule("author_age", _integer_outside("author_age", 8, 120),
                              "author_age is not a valid age",
                              "an integer from 8 to 120, or empty"))
        if "idea_id" in columns and "ideas" in present:
            rules.append(Rule(
                "idea_id",
                "idea_id IS NOT NULL AND idea_id NOT IN "
                "(SELECT idea_id FROM raw_ideas WHERE idea_id IS NOT NULL)",
                "unknown idea", "empty or an idea_id of ideas"))
        if "tags" in columns:
            item = r"'[^:|\s][^:|]*:\s*[^|\s][^|]*'"
            rules.append(Rule(
                "tags",
                f"tags IS NOT NULL AND NOT regexp_full_match(tags, "
                f"'\\s*' || {item} || '(\\s*\\|\\s*' || {item} || ')*\\s*')",
                "malformed tags",
                "type:label items separated by | (e.g. theme:Emploi|acteur:Etat)"))
        if "created_at" in columns:
            rules += _date_rules("created_at", "created_at is not a date",
                                 "an ISO date or date-time", types)
    if table == "participants":
        if "gender" in columns:
            rules.append(Rule("gender", f"gender NOT IN {_not_in(GENDERS)}", "unknown gender",
                              "female, male, other or empty"))
        if "age" in columns:
            rules.append(Rule("age", _integer_outside("age", 0, 120), "age is not a valid age",
                              "an integer from 0 to 120, or empty"))
    if table == "votes":
        rules.append(Rule("vote", f"vote NOT IN {_not_in(VOTES)}", "unknown vote",
                          "agree, disagree or neutral"))
        if "qualification" in columns:
            rules.extend(_qualification_rules())
        rules.append(Rule(
            "proposal_id",
            "proposal_id NOT IN (SELECT proposal_id FROM raw_proposals "
            "WHERE proposal_id IS NOT NULL)",
            "vote on an unknown proposal", "a proposal_id of proposals"))
        if "voted_at" in columns:
            rules += _date_rules("voted_at", "voted_at is not a date",
                                 "an ISO date-time or empty", types)
    return rules


def _qualification_rules() -> list[Rule]:
    every = [key for keys in QUALIFICATIONS.values() for key in keys]
    rules = [Rule("qualification", f"qualification NOT IN {_not_in(every)}",
                  "unknown qualification", "empty or one of " + ", ".join(every))]
    for vote, keys in QUALIFICATIONS.items():
        others = [k for k in every if k not in keys]
        rules.append(Rule(
            "qualification",
            f"vote = {literal(vote)} AND qualification IN {_not_in(others)}",
            f"qualification does not match the vote '{vote}'",
            f"empty or one of {', '.join(keys)} for {vote}",
            found="vote || ' / ' || qualification"))
    return rules


def _check_all(con, raw: dict[str, RawTable], issues: IssueCollector,
               warnings: list[str]) -> None:
    # Referenced tables first so that later rules can rely on their keys.
    for table in ("ideas", "proposals", "participants", "votes"):
        if table in raw:
            _check_table(con, raw[table], table, set(raw), issues, warnings)


def _contract(table: str):
    names = set(REQUIRED_COLUMNS[table]) | set(OPTIONAL_COLUMNS[table])
    return names.__contains__


def listed(names: list[str], shown: int = 20) -> str:
    """At most `shown` names, each cut to 40 characters, then how many more."""
    text = ", ".join(name if len(name) <= 40 else name[:37] + "..." for name in names[:shown])
    more = len(names) - shown
    return text + (f" and {more:,} more" if more > 0 else "")


def _check_table(con, table: RawTable, name: str, present: set[str],
                 issues: IssueCollector, warnings: list[str]) -> None:
    file = table.path.name
    columns = set(table.columns)
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in columns]
    for column in missing:
        issues.add(Issue(file, "required column is missing", row=1, column=column,
                         expected=f"a column named {column}",
                         found=listed(table.columns + table.ignored)))
    if missing:
        return
    if table.ignored:
        warnings.append(f"{file}: column(s) {listed(table.ignored)} are not part of the "
                        "contract and were ignored")
    if table.rows == 0 and name in REQUIRED_TABLES:
        issues.add(Issue(file, "the table has a header but no records", row=2,
                         expected=f"at least one {name[:-1]}"))
        return
    rules = _grouped(name, _rules(name, columns, present, table.types), columns)
    try:
        _apply_rules(con, table, rules, issues)
        key = {"proposals": ("proposal_id",), "ideas": ("idea_id",),
               "participants": ("participant_id",),
               "votes": ("proposal_id", "participant_id")}[name]
        _check_duplicates(con, table, key, issues)
    except duckdb.Error as error:
        issues.add(Issue(file, "the file cannot be read to the end (corrupt?)",
                         found=str(error).splitlines()[0]))


def _rule_counts(con, table: RawTable, rules: list[Rule]) -> list[int]:
    """Wrong rows per rule: one scan for the row-level rules, one GROUP BY per set of
    few-valued columns (`Rule.by`): checking the 12 (vote, qualification) pairs of 10M
    votes is cheaper than comparing 10M values against lists."""
    counts: dict[int, int] = {}
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, rule in enumerate(rules):
        groups.setdefault(rule.by, []).append(index)
    for by, indexes in groups.items():
        if by:
            # Plain names (GROUPED's, all simple): the Spark engine runs these rules too.
            columns = ", ".join(by)
            source = (f"(SELECT {columns}, count(*) AS _rows FROM {table.name} "
                      f"GROUP BY {columns}) AS grouped")
            counted = [f"coalesce(sum(_rows) FILTER (WHERE {rules[i].bad}), 0)"
                       for i in indexes]
        else:
            source = table.name
            counted = [f"count(*) FILTER (WHERE {rules[i].bad})" for i in indexes]
        row = con.execute(f"SELECT {', '.join(counted)} FROM {source}").fetchone()
        counts.update(zip(indexes, row, strict=True))
    return [int(counts[index]) for index in range(len(rules))]


def _apply_rules(con, table: RawTable, rules: list[Rule], issues: IssueCollector) -> None:
    if not rules:
        return
    counts = _rule_counts(con, table, rules)
    file = table.path.name
    for rule, count in zip(rules, counts, strict=True):
        if not count:
            continue
        room = issues.room(file)
        found = rule.found or quote(rule.column)
        rows = con.execute(
            f"SELECT _row, {found} FROM {table.name} WHERE {rule.bad} ORDER BY _row LIMIT {room}"
        ).fetchall() if room else []
        for row, value in rows:
            issues.add(Issue(file, rule.reason, row=int(row), column=rule.column,
                             expected=rule.expected,
                             found="nothing" if value is None else str(value)))
        issues.count_more(file, count - len(rows))


def _check_duplicates(con, table: RawTable, key: tuple[str, ...],
                      issues: IssueCollector) -> None:
    cols = ", ".join(key)
    where = " AND ".join(f"{c} IS NOT NULL" for c in key)
    # Cheap count first: the window query below only runs when there are duplicates.
    total = _duplicate_count(con, table.name, cols, where)
    if not total:
        return
    file = table.path.name
    room = issues.room(file)
    rows = con.execute(f"""
        WITH numbered AS (
            SELECT {cols}, _row, min(_row) OVER (PARTITION BY {cols}) AS first_row
            FROM {table.name} WHERE {where}
        )
        SELECT {cols}, _row, first_row FROM numbered WHERE _row > first_row
        ORDER BY _row LIMIT {room}
    """).fetchall() if room else []
    for *values, row, first in rows:
        if len(key) == 1:
            reason = f"duplicate {key[0]} (first seen at row {first})"
            expected = f"each {key[0]} once"
        else:
            reason = ("duplicate vote: this participant already voted on this proposal "
                      f"at row {first}")
            expected = "at most one vote per participant and proposal"
        issues.add(Issue(file, reason, row=int(row), column=", ".join(key), expected=expected,
                         found=" / ".join(values)))
    issues.count_more(file, total - len(rows))


def _duplicate_count(con, relation: str, cols: str, where: str) -> int:
    """Rows whose key was seen before. Counted first on a 64-bit hash of the key (fixed
    size: about twice as fast as on the text over 10M votes): equal keys have equal
    hashes, so no duplicate hash means no duplicate; otherwise counted again exactly
    (two keys may share a hash; Spark's hash() has 32 bits, so there it often will)."""
    hashed = con.execute(
        f"SELECT count(*) - count(DISTINCT hash({cols})) FROM {relation} WHERE {where}"
    ).fetchone()[0]
    if not hashed:
        return 0
    return con.execute(
        f"SELECT count(*) - count(DISTINCT ({cols})) FROM {relation} WHERE {where}"
    ).fetchone()[0]


def _warn_unknown_participants(con, warnings: list[str]) -> None:
    unknown = con.execute(
        "SELECT sum(participants) FROM participation_cells WHERE NOT known").fetchone()[0]
    if unknown:
        warnings.append(f"{unknown} voter(s) are not in the participants table: they count as "
                        "participants with unknown gender, age and region")


def _warn_unknown_codes(con, warnings: list[str]) -> None:
    """French région and département codes that are no INSEE code: kept as written,
    shown as their own place, and said here (a typo, or a code of another country)."""
    from analytics.inputs import reference

    for column, known, what in (
            ("region_code", reference.is_french_region, "région"),
            ("department_code", lambda c: c == reference.normalize_departement_code(c)
             and c in reference._departement_codes(), "département")):
        # The most frequent first; a hostile file of a million codes costs 1,000.
        codes = con.execute(f"SELECT {column}, count(*) FROM participants WHERE {column} IS "
                            "NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1000").fetchall()
        unknown = [(code, n) for code, n in codes if not known(code)]
        if unknown:
            warnings.append(
                f"participants: {len(unknown):,}{'+' if len(codes) == 1000 else ''} unknown "
                f"{what} code(s) (no INSEE {what}), kept as written: "
                + listed([f"{code!r} ({n:,})" for code, n in unknown], 10))


# -- normalised relations -------------------------------------------------------------------

def _column(raw: RawTable | None, column: str, sql_type: str = "VARCHAR") -> str:
    if raw is not None and column in raw.columns:
        return quote(column)
    return f"CAST(NULL AS {sql_type})"


def _integer(raw: RawTable | None, column: str) -> str:
    if raw is not None and column in raw.columns:
        return f"CAST(TRY_CAST({quote(column)} AS DOUBLE) AS INTEGER)"
    return "CAST(NULL AS INTEGER)"


def _age_band_sql(age: str) -> str:
    cases = " ".join(
        f"WHEN {age} >= {low}" + (f" AND {age} <= {high}" if high is not None else "")
        + f" THEN {literal(label)}"
        for label, low, high in AGE_BANDS
    )
    return f"CASE {cases} END"


def _normalise(con, raw: dict[str, RawTable], materialize: bool, french: bool,
               zone: str = "UTC") -> None:
    kind = "TABLE" if materialize else "VIEW"
    p = raw["proposals"]
    _create(con, kind, "proposals", f"""
        SELECT proposal_id, content, {_column(p, 'author_name')} AS author_name,
               {_integer(p, 'author_age')} AS author_age, {_column(p, 'idea_id')} AS idea_id,
               {_column(p, 'tags')} AS tags, {_column(p, 'created_at')} AS created_at,
               CAST(_row - 1 AS INTEGER) AS ord
        FROM raw_proposals""")
    i = raw.get("ideas")
    _create(con, kind, "ideas", """
        SELECT idea_id, name, coalesce(axis, '') AS axis, CAST(_row - 1 AS INTEGER) AS ord
        FROM raw_ideas""" if i else """
        SELECT CAST(NULL AS VARCHAR) AS idea_id, CAST(NULL AS VARCHAR) AS name,
               CAST(NULL AS VARCHAR) AS axis, CAST(NULL AS INTEGER) AS ord WHERE false""")
    _normalise_participants(con, kind, raw.get("participants"), french)
    v = raw["votes"]
    _create(con, kind, "votes", f"""
        SELECT proposal_id, participant_id, vote, {_column(v, 'qualification')} AS qualification,
               {_voted_at(v, zone)} AS voted_at
        FROM raw_votes""")
    # Always a table (a few thousand rows): read by every participation query.
    _create(con, "TABLE", "participation_cells", PARTICIPATION_CELLS_SQL)
    if materialize:
        _drop_raw(con, raw)


def _drop_raw(con, raw: dict[str, RawTable]) -> None:
    """Free the text copies once the typed tables exist."""
    for table in raw.values():
        con.execute(f"DROP VIEW IF EXISTS {table.name}")
        con.execute(f"DROP TABLE IF EXISTS {table.name}_file")
    for name in ("region_codes", "department_codes"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _voted_at(raw: RawTable, zone: str) -> str:
    """Each vote's time in the consultation's local time (a TIMESTAMP), or NULL."""
    if "voted_at" not in raw.columns:
        return "CAST(NULL AS TIMESTAMP)"
    # A Parquet date or timestamp says itself whether it is an instant: read in its own
    # type, with no text and no offset to look for (7x cheaper at 10M votes).
    stored = raw.types.get("voted_at", "")
    native = native_column(raw, "voted_at")
    column = quote(native) if native else quote("voted_at")
    if stored.startswith("TIMESTAMPTZ") or "WITH TIME ZONE" in stored:     # TIMESTAMPTZ_NS
        return f"timezone({literal(zone)}, CAST({column} AS TIMESTAMPTZ))"
    if stored.startswith(TEMPORAL):
        return f"CAST({column} AS TIMESTAMP)"
    return local_time_sql(quote("voted_at"), zone)


def _normalise_participants(con, kind: str, raw: RawTable | None, french: bool) -> None:
    if raw is None:
        _create(con, kind, "participants", """
            SELECT CAST(NULL AS VARCHAR) AS participant_id, CAST(NULL AS VARCHAR) AS gender,
                   CAST(NULL AS INTEGER) AS age, CAST(NULL AS VARCHAR) AS age_band,
                   CAST(NULL AS VARCHAR) AS region_code, CAST(NULL AS VARCHAR) AS department_code,
                   CAST(NULL AS VARCHAR) AS commune_code
            WHERE false""")
        return
    regions, departments = code_normalisers(french)
    _code_table(con, "region_codes", raw, "region_code", regions)
    _code_table(con, "department_codes", raw, "department_code", departments)
    age = _integer(raw, "age")
    band = _column(raw, "age_band")
    _create(con, kind, "participants", f"""
        SELECT participant_id, {_column(raw, 'gender')} AS gender, {age} AS age,
               coalesce({band}, {_age_band_sql(age)}) AS age_band,
               r.code AS region_code, d.code AS department_code,
               {commune_code_sql(_column(raw, 'commune_code'), french)} AS commune_code
        FROM raw_participants
        LEFT JOIN region_codes r ON r.raw = {_column(raw, 'region_code')}
        LEFT JOIN department_codes d ON d.raw = {_column(raw, 'department_code')}""")


def commune_code_sql(column: str, french: bool) -> str:
    """INSEE commune codes on five characters in France ("1001" -> "01001"), as
    analytics.inputs.reference.normalise_commune_code does for boundaries."""
    if not french:
        return column
    return (f"CASE WHEN regexp_full_match({column}, '[0-9]{{1,4}}') THEN lpad({column}, 5, '0') "
            f"WHEN regexp_full_match({column}, '2[abAB][0-9]{{3}}') THEN upper({column}) "
            f"ELSE {column} END")


def _warn_unmatched_codes(con, own: Geography, warnings: list[str]) -> None:
    column = participant_column(own.level)
    codes = [row[0] for row in con.execute(
        f"SELECT DISTINCT {column} FROM participants WHERE {column} IS NOT NULL").fetchall()]
    unmatched = unmatched_codes(own, codes)
    if unmatched:
        warnings.append(f"{own.file}: {len(unmatched)} code(s) of participants.{column} have no "
                        f"outline (counted in the shares, not on the map): "
                        f"{', '.join(unmatched)}")


def code_normalisers(french: bool):
    """(région, département) code normalisers: INSEE codes are normalised in France
    ('1' -> '01', '971' -> '01'); elsewhere the codes are labels, kept as they are."""
    from analytics.inputs import reference

    if french:
        return reference.normalize_region_code, reference.normalize_departement_code
    return (lambda value: value), (lambda value: value)


def _code_table(con, name: str, raw: RawTable, column: str, normalise) -> None:
    """A small raw -> normalised code table (few distinct codes, normalised in Python)."""
    values = []
    if column in raw.columns:
        values = [row[0] for row in con.execute(
            f"SELECT DISTINCT {quote(column)} FROM raw_participants "
            f"WHERE {quote(column)} IS NOT NULL").fetchall()]
    mapping = [(value, normalise(value)) for value in values]
    con.execute(f"CREATE OR REPLACE TABLE {name} (raw VARCHAR, code VARCHAR)")
    if mapping:
        con.executemany(f"INSERT INTO {name} VALUES (?, ?)", mapping)


def _create(con, kind: str, name: str, select: str) -> None:
    con.execute(f"CREATE OR REPLACE {kind} {name} AS {select}")
