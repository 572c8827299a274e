"""Polis exports (SPEC section 1): a folder with `comments.csv` and `votes.csv`
(and optionally `summary.csv` and `participants-votes.csv`), read into the
relations the engine queries, so that every metric SPEC computes from votes
comes from the same engine.

How the export is read:
- votes: 1 = agree, -1 = disagree, 0 = pass, counted as neutral. Polis has no
  qualifications (Coup de cœur, Réaliste...): their counts are 0.
- A voter who voted several times on a comment counts once, with the latest
  vote (highest timestamp; on equal timestamps, the later row in the file).
  The replaced rows are counted as `superseded_votes`.
- Moderation: `moderated` = -1 means the moderator rejected the comment: it is
  "moderated out", excluded with its votes, and counted. 1 (accepted) and
  0 (not yet moderated; shown to voters unless the conversation used strict
  moderation, which is why such comments carry votes) are kept; the count of
  unmoderated comments is reported too.
- Empty comments: a moderated-out comment with an empty `comment-body` is
  excluded like any moderated-out comment (and counted); a kept one is shown as
  "(empty comment)", with a warning naming its rows.
- `is-meta` comments (about the conversation itself) stay in the results; Polis
  leaves them out of its clustering and report, and so do the opinion groups.
- `participants-votes.csv` gives each participant's Polis group (`group-id`,
  blank when Polis did not place them): kept in `polis_groups`, it is what the
  opinion groups show for the whole conversation. Its per-comment columns
  repeat votes.csv and are not read.
- Comments are anonymous in Polis: `author-id` is a participant number, not a
  name, so the author is None (a "Participant 12" label would only let readers
  link comments and votes of one person).
- Files may carry the prefix Polis's report page gives them
  ("2024-09-20-1530-3nemnipcrc-comments.csv").

Results carry `polis` (the counts above, the conversation's URL and summary)
and `attribution`, the credit the CC BY 4.0 licence of Polis open data asks
for, linking the conversation's case study when known, else its pol.is page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import cast

from analytics.consultations.source import VoteSource
from analytics.inputs.bundle import PARTICIPATION_CELLS_SQL, Rule, _apply_rules, new_connection
from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.kinds import find_files
from analytics.inputs.limits import check_size
from analytics.inputs.tables import RawTable, quote, read_table
from analytics.metrics.engine import DEFAULT_OPTIONS, Options
from analytics.results_model import KindExtra, Note, Polis, Results, Shares

ATTRIBUTION = ("Data was gathered using the Polis software (compdemocracy.org/polis) and is "
               "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy "
               "Project. The data and more information about how the data was collected can be "
               "found at the following link(s): {links}")
CASE_STUDIES = "https://compdemocracy.org/case-studies/"
# Case studies of the Polis open data, by pol.is conversation id and by the
# folder name used in the openData repository.
KNOWN_CONVERSATIONS = {
    "2demo": "2014-seattle-15-per-hour",
    "15-per-hour-seattle": "2014-seattle-15-per-hour",
    "7wmvbjcjhp": "2017-brexit-consensus",
    "brexit-consensus": "2017-brexit-consensus",
    "5mnfxu85hx": "2016-canadian-electoral-reform",
    "canadian-electoral-reform": "2016-canadian-electoral-reform",
    "9xxwa9jpkm": "2022-london-youth-policing",
    "london.youth.policing": "2022-london-youth-policing",
    "5psrv8bm2a": "2017-scoop-hivemind-freshwater",
    "scoop-hivemind.freshwater": "2017-scoop-hivemind-freshwater",
    "4yy3sh84js": "2017-scoop-hivemind-ubi",
    "scoop-hivemind.ubi": "2017-scoop-hivemind-ubi",
    "football-concussions": "2015-football-concussions",
    "uberx.taiwan": "2015-vtaiwan-uberx",
    "bowling-green.american-assembly": "2018-kentucky",
    "operation-marching-orders.march-on": "2018-march-on",
    "biodiversity": "2019-scoop-hivemind-biodiversity",
    "scoop-hivemind.biodiversity": "2019-scoop-hivemind-biodiversity",
    "scoop-hivemind.affordable-housing": "2017-scoop-hivemind-affordable-housing",
    "scoop-hivemind.taxes": "2018-scoop-hivemind-taxes",
}
REQUIRED = {"comments": ("comment-id", "comment-body"),
            "votes": ("comment-id", "voter-id", "vote"),
            "participants-votes": ("participant",)}
EMPTY_COMMENT = "(empty comment)"


def read_summary(path: Path | None) -> dict[str, str]:
    """summary.csv: one `key,value` row per line (values may span lines)."""
    if path is None:
        return {}
    check_size(path)
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return {}
    summary = {}
    try:
        for row in csv.reader(io.StringIO(text)):
            if len(row) >= 2 and row[0].strip():
                summary[row[0].strip()] = row[1].strip()
    except csv.Error:       # a field over Python's 128 KB: the summary only names the topic
        pass
    return summary


def conversation_id(url: str | None) -> str | None:
    match = re.search(r"pol\.is/(?:report/)?([A-Za-z0-9]+)/?$", url or "")
    return match.group(1) if match else None


def attribution(url: str | None, folder_name: str) -> str:
    """The CC BY 4.0 statement, with the case study link when the conversation is
    known, else its pol.is URL."""
    study = KNOWN_CONVERSATIONS.get(conversation_id(url) or "") \
        or KNOWN_CONVERSATIONS.get(folder_name)
    link = CASE_STUDIES + study if study else (url or "https://pol.is")
    return ATTRIBUTION.format(links=link)


# -- validation -----------------------------------------------------------------------------

def _q(column: str) -> str:
    return quote(column)


def _missing_columns(table: RawTable, name: str, issues: IssueCollector) -> bool:
    missing = [c for c in REQUIRED[name] if c not in table.columns]
    for column in missing:
        issues.add(Issue(table.path.name, "required column is missing", row=1, column=column,
                         expected=f"a column named {column}",
                         found=", ".join(table.columns)))
    return bool(missing)


def _numeric(column: str) -> str:
    return (f"{_q(column)} IS NOT NULL AND TRY_CAST({_q(column)} AS DOUBLE) IS NULL")


# Polis writes epoch milliseconds; past year 2100 (or inf, 1e20) is no time of a vote,
# and DuckDB's epoch_ms cannot take it.
LAST_TIMESTAMP = 4_102_444_800_000


def _timestamp_rules() -> list[Rule]:
    value = "TRY_CAST(timestamp AS DOUBLE)"
    return [Rule("timestamp", _numeric("timestamp"), "timestamp is not a number",
                 "milliseconds since 1970"),
            Rule("timestamp", f"{value} IS NOT NULL AND (NOT isfinite({value}) OR "
                              f"{value} < 0 OR {value} > {LAST_TIMESTAMP})",
                 "timestamp is out of range", "milliseconds since 1970, up to the year 2100")]


def _comment_rules(columns: list[str]) -> list[Rule]:
    # An empty comment-body is not an error: see _empty_comments.
    rules = [Rule("comment-id", f"{_q('comment-id')} IS NULL", "comment-id is empty",
                  "a non-empty value")]
    if "moderated" in columns:
        rules.append(Rule("moderated", "moderated IS NOT NULL AND TRY_CAST(moderated AS "
                                       "DOUBLE) NOT IN (-1, 0, 1)",
                          "unknown moderation status", "-1 (rejected), 0 or 1 (accepted)"))
        rules.append(Rule("moderated", _numeric("moderated"), "unknown moderation status",
                          "-1 (rejected), 0 or 1 (accepted)"))
    if "timestamp" in columns:
        rules.extend(_timestamp_rules())
    return rules


def _vote_rules(columns: list[str]) -> list[Rule]:
    rules = [Rule("comment-id", f"{_q('comment-id')} IS NULL", "comment-id is empty",
                  "a non-empty value"),
             Rule("voter-id", f"{_q('voter-id')} IS NULL", "voter-id is empty",
                  "a non-empty value"),
             Rule("vote", "vote IS NULL OR TRY_CAST(vote AS DOUBLE) IS NULL "
                          "OR TRY_CAST(vote AS DOUBLE) NOT IN (-1, 0, 1)",
                  "unknown vote", "1 (agree), -1 (disagree) or 0 (pass)")]
    if "timestamp" in columns:
        rules.extend(_timestamp_rules())
    return rules


def _participant_rules(columns: list[str]) -> list[Rule]:
    rules = [Rule("participant", f"{_q('participant')} IS NULL", "participant is empty",
                  "the voter-id of a participant")]
    if "group-id" in columns:
        number = f"TRY_CAST({_q('group-id')} AS DOUBLE)"
        rules.append(Rule("group-id", f"{_q('group-id')} IS NOT NULL AND ({number} IS NULL "
                                      f"OR {number} <> floor({number}) OR {number} < 0 "
                                      f"OR {number} >= 26)",
                          "group-id is not a Polis group number",
                          "0, 1, 2... (or empty when Polis did not place the participant)"))
    return rules


def _duplicate_comments(con, table: RawTable, issues: IssueCollector,
                        column: str = "comment-id") -> None:
    cid = _q(column)
    rows = con.execute(f"""
        WITH numbered AS (
            SELECT {cid} AS id, _row, min(_row) OVER (PARTITION BY {cid}) AS first_row
            FROM {table.name} WHERE {cid} IS NOT NULL)
        SELECT id, _row, first_row FROM numbered WHERE _row > first_row ORDER BY _row
    """).fetchall()
    room = issues.room(table.path.name)
    for value, row, first in rows[:room]:
        issues.add(Issue(table.path.name, f"duplicate {column} (first seen at row {first})",
                         row=int(row), column=column, expected=f"each {column} once",
                         found=value))
    issues.count_more(table.path.name, len(rows) - min(len(rows), room))


# -- loading --------------------------------------------------------------------------------

class PolisSource(VoteSource):
    """A Polis conversation: vote-level data without ideas, participants or
    qualifications; its notes say so in Polis's words."""

    def results(self, options: Options = DEFAULT_OPTIONS, idea_set=None) -> Results:
        if not options.segment.is_everyone:
            raise InputError([Issue(self.path.name, "Polis exports do not describe "
                                    "participants: no segments",
                                    expected="a vote-level bundle with participants.csv")])
        results = super().results(options, idea_set)
        moderated_out = self.extra["polis"]["moderated_out"]
        own = {"no_ideas", "no_participants", "no_actions", "no_tags", "found_ideas"}
        ideas_notes: list[Note] = [note for note in results["notes"]
                       if note["code"] in ("found_ideas", "no_ideas")]
        if results.get("ideas_source") is None and options.ideas not in ("none", "found"):
            ideas_notes = [{"code": "no_ideas",
                            "message": "Polis does not group comments into big ideas."}]
        notes = [note for note in results["notes"] if note["code"] not in own]
        results["notes"] = [
            {"code": "polis", "message": "Polis conversation: agree, disagree and pass votes "
                                         "only (pass counts as neutral), no qualifications "
                                         "such as Love it or Realistic; "
                                         f"{moderated_out} comment(s) moderated out and "
                                         "excluded."},
            *ideas_notes,
            {"code": "no_participants", "message": "Polis exports do not describe "
                                                   "participants (gender, age, region)."},
            {"code": "no_actions", "message": "A Polis export carries no action plan."},
            {"code": "no_tags", "message": "Polis comments carry no tags, so there is no "
                                           "cartography of themes."},
            *notes,
        ]
        _without_qualifications(results)
        return results


QUALIFICATION_SHARES = ("like_it", "doable", "no_way", "impossible", "platitude")


def _no_qualification_shares(shares: Shares) -> None:
    """The QUALIFICATION_SHARES of `shares` set to None."""
    shares.update({"like_it": None, "doable": None, "no_way": None, "impossible": None,
                   "platitude": None})


def _without_qualifications(results: Results) -> None:
    """Polis has no qualifications: their shares, and the engagement score made
    only of them, are not data (None), rather than a misleading 0 %."""
    for proposal in results.get("proposals") or []:
        if shares := proposal.get("shares"):
            _no_qualification_shares(shares)
        if "engagement" in proposal:
            proposal["engagement"] = None
    for key in ("controversials", "rejected"):
        for item in results.get(key) or []:
            item["like_it"] = item["no_way"] = None
    for axis in results.get("top_ideas") or []:         # ideas found in the comments
        for idea in axis["ideas"]:
            if idea.get("suppressed"):
                continue
            idea["adhesion"] = idea["realistic"] = None
            if shares := idea.get("shares"):
                _no_qualification_shares(shares)


def open_polis(path: str | Path) -> PolisSource:
    folder = Path(path)
    files = find_files(folder)
    if files is None:
        raise InputError([Issue(folder.name, "not a Polis export",
                                expected="comments.csv and votes.csv in the folder")])
    issues = IssueCollector()
    con = new_connection()
    con.execute("SET enable_progress_bar = false")     # no bar on the CLI's stderr
    comments = read_table(con, files["comments"], "raw_comments", issues, root=folder)
    votes = read_table(con, files["votes"], "raw_votes", issues, root=folder)
    participants = (read_table(con, files["participants-votes"], "raw_participants", issues,
                               root=folder)
                    if "participants-votes" in files else None)
    if comments is not None and _missing_columns(comments, "comments", issues):
        comments = None
    if votes is not None and _missing_columns(votes, "votes", issues):
        votes = None
    if participants is not None and _missing_columns(participants, "participants-votes",
                                                     issues):
        participants = None
    if comments is not None and votes is not None and not issues:
        _apply_rules(con, comments, _comment_rules(comments.columns), issues)
        _duplicate_comments(con, comments, issues)
        _apply_rules(con, votes, _vote_rules(votes.columns), issues)
        if votes.rows == 0:
            issues.add(Issue(votes.path.name, "the table has a header but no records", row=2,
                             expected="at least one vote"))
        if participants is not None:
            _apply_rules(con, participants, _participant_rules(participants.columns), issues)
            _duplicate_comments(con, participants, issues, "participant")
    issues.raise_if_any()
    summary = read_summary(files.get("summary"))
    empty_rows = _empty_comments(con, comments)
    counts = _build_relations(con, comments, votes)
    counts.update(_build_groups(con, participants))
    warnings = []
    if empty_rows:
        shown = ", ".join(str(row) for row in empty_rows[:10])
        more = f" and {len(empty_rows) - 10} more" if len(empty_rows) > 10 else ""
        warnings.append(f"{comments.path.name}, row(s) {shown}{more}, column comment-body: "
                        f"{len(empty_rows)} kept comment(s) have no text: shown as "
                        f"\"{EMPTY_COMMENT}\"")
    if counts["unknown_comment_votes"]:
        warnings.append(f"{counts['unknown_comment_votes']} vote(s) are on comments that are "
                        "not in comments.csv: they were left out")
    url = summary.get("url")
    meta = _meta(con, folder, summary)
    extra: KindExtra = {
        "polis": cast(Polis, {**counts, "conversation_url": url,
                              "summary": {k: summary[k] for k in (
                                  "views", "voters", "voters-in-conv", "commenters",
                                  "comments", "groups") if k in summary}}),
        "attribution": attribution(url, folder.name),
    }
    return PolisSource("polis", folder, meta, con, has_ideas=False, has_participants=False,
                       warnings=warnings, extra=extra)


def _empty_comments(con, comments: RawTable) -> list[int]:
    """Rows of the comments with an empty body that were not moderated out."""
    kept = ("TRY_CAST(moderated AS DOUBLE) IS DISTINCT FROM -1"
            if "moderated" in comments.columns else "true")
    return [int(row) for (row,) in con.execute(f"""
        SELECT _row FROM raw_comments WHERE {_q('comment-body')} IS NULL AND {kept}
        ORDER BY _row""").fetchall()]


def _build_groups(con, participants: RawTable | None) -> dict:
    """`polis_groups` (participant_id, group_id): Polis's group of each participant it
    placed, from participants-votes.csv (empty without the file or its group-id)."""
    group = (f"CAST(TRY_CAST({_q('group-id')} AS DOUBLE) AS INTEGER)"
             if participants is not None and "group-id" in participants.columns else "NULL")
    source = ("raw_participants" if participants is not None
              else "(SELECT CAST(NULL AS VARCHAR) AS participant WHERE false)")
    con.execute(f"""
        CREATE OR REPLACE TABLE polis_groups AS
        SELECT participant AS participant_id, {group} AS group_id FROM {source}
        WHERE {group} IS NOT NULL""")
    if participants is not None:
        con.execute("DROP VIEW IF EXISTS raw_participants")
        con.execute("DROP TABLE IF EXISTS raw_participants_file")
    n, k = con.execute("SELECT count(*), count(DISTINCT group_id) FROM polis_groups").fetchone()
    return {"participants_file": participants is not None, "grouped_participants": int(n),
            "export_groups": int(k)}


def _optional(table: RawTable, column: str, sql: str, default: str) -> str:
    return sql if column in table.columns else default


def _build_relations(con, comments: RawTable, votes: RawTable) -> dict:
    moderated = _optional(comments, "moderated",
                          "CAST(TRY_CAST(moderated AS DOUBLE) AS INTEGER)", "CAST(NULL AS INTEGER)")
    comment_ts = _optional(comments, "timestamp", "TRY_CAST(timestamp AS DOUBLE)",
                           "CAST(NULL AS DOUBLE)")
    is_meta = _optional(comments, "is-meta", f"lower({_q('is-meta')}) IN ('true', 't', '1')",
                        "false")
    vote_ts = _optional(votes, "timestamp", "TRY_CAST(timestamp AS DOUBLE)",
                        "CAST(NULL AS DOUBLE)")
    con.execute(f"""
        CREATE OR REPLACE TABLE polis_comments AS
        SELECT {_q('comment-id')} AS comment_id,
               coalesce({_q('comment-body')}, '{EMPTY_COMMENT}') AS body,
               {_q('comment-body')} IS NULL AS empty,
               {moderated} AS moderated, {comment_ts} AS ts, {is_meta} AS is_meta
        FROM raw_comments""")
    # The latest vote of each voter on each comment: highest timestamp, then later row.
    con.execute(f"""
        CREATE OR REPLACE TABLE polis_latest AS
        SELECT {_q('comment-id')} AS comment_id, {_q('voter-id')} AS voter_id,
               CAST(TRY_CAST(vote AS DOUBLE) AS INTEGER) AS vote, {vote_ts} AS ts
        FROM raw_votes
        QUALIFY row_number() OVER (PARTITION BY {_q('comment-id')}, {_q('voter-id')}
                                   ORDER BY {vote_ts} DESC NULLS LAST, _row DESC) = 1""")
    con.execute("""
        CREATE OR REPLACE TABLE proposals AS
        SELECT comment_id AS proposal_id, body AS content,
               CAST(NULL AS VARCHAR) AS author_name, CAST(NULL AS INTEGER) AS author_age,
               CAST(NULL AS VARCHAR) AS idea_id, CAST(NULL AS VARCHAR) AS tags,
               CASE WHEN ts IS NOT NULL THEN
                   strftime(epoch_ms(CAST(ts AS BIGINT)), '%Y-%m-%dT%H:%M:%SZ') END
                   AS created_at,
               CAST(row_number() OVER (ORDER BY TRY_CAST(comment_id AS BIGINT) NULLS LAST,
                                       comment_id) AS INTEGER) AS ord
        FROM polis_comments WHERE coalesce(moderated, 0) <> -1""")
    con.execute("""
        CREATE OR REPLACE TABLE votes AS
        SELECT l.comment_id AS proposal_id, l.voter_id AS participant_id,
               CASE l.vote WHEN 1 THEN 'agree' WHEN -1 THEN 'disagree' ELSE 'neutral' END
                   AS vote,
               CAST(NULL AS VARCHAR) AS qualification,
               -- the kept vote's time: epoch milliseconds, a UTC instant (Polis days: UTC)
               epoch_ms(CAST(l.ts AS BIGINT)) AS voted_at
        FROM polis_latest l JOIN proposals p ON p.proposal_id = l.comment_id""")
    # Polis's clustering reads every vote on a known comment: moderated-out and meta
    # comments are "zeroed" (they count as voted, weigh nothing).
    con.execute("""
        CREATE OR REPLACE TABLE polis_clustering_votes AS
        SELECT l.voter_id AS participant_id, l.comment_id AS proposal_id, l.vote,
               (coalesce(c.moderated, 0) = -1 OR c.is_meta) AS zeroed
        FROM polis_latest l JOIN polis_comments c USING (comment_id)""")
    con.execute("""
        CREATE OR REPLACE TABLE ideas AS
        SELECT CAST(NULL AS VARCHAR) AS idea_id, CAST(NULL AS VARCHAR) AS name,
               CAST(NULL AS VARCHAR) AS axis, CAST(NULL AS INTEGER) AS ord WHERE false""")
    con.execute("""
        CREATE OR REPLACE TABLE participants AS
        SELECT CAST(NULL AS VARCHAR) AS participant_id, CAST(NULL AS VARCHAR) AS gender,
               CAST(NULL AS INTEGER) AS age, CAST(NULL AS VARCHAR) AS age_band,
               CAST(NULL AS VARCHAR) AS region_code, CAST(NULL AS VARCHAR) AS department_code,
               CAST(NULL AS VARCHAR) AS commune_code
        WHERE false""")
    con.execute(f"CREATE OR REPLACE TABLE participation_cells AS {PARTICIPATION_CELLS_SQL}")
    row = con.execute("""
        SELECT
          (SELECT count(*) FROM polis_comments) AS comments,
          (SELECT count(*) FROM polis_comments WHERE moderated = -1) AS moderated_out,
          (SELECT count(*) FROM polis_comments WHERE moderated = 0) AS unmoderated,
          (SELECT count(*) FROM polis_comments WHERE moderated = 1) AS accepted,
          (SELECT count(*) FROM polis_comments WHERE is_meta AND coalesce(moderated, 0) <> -1)
              AS meta_comments,
          (SELECT count(*) FROM polis_comments WHERE empty AND coalesce(moderated, 0) <> -1)
              AS empty_comments,
          (SELECT count(*) FROM polis_comments WHERE empty AND moderated = -1)
              AS empty_moderated_out,
          (SELECT count(*) FROM raw_votes) AS vote_rows,
          (SELECT count(*) FROM polis_latest) AS latest_votes,
          (SELECT count(*) FROM polis_latest l JOIN polis_comments c USING (comment_id)
           WHERE c.moderated = -1) AS votes_on_moderated_out,
          (SELECT count(*) FROM polis_latest WHERE comment_id NOT IN
              (SELECT comment_id FROM polis_comments)) AS unknown_comment_votes,
          (SELECT count(*) FROM votes) AS counted_votes
    """).fetchone()
    names = ("comments", "moderated_out", "unmoderated", "accepted", "meta_comments",
             "empty_comments", "empty_moderated_out", "vote_rows", "latest_votes",
             "votes_on_moderated_out", "unknown_comment_votes", "counted_votes")
    counts = {name: int(value) for name, value in zip(names, row, strict=True)}
    counts["superseded_votes"] = counts["vote_rows"] - counts["latest_votes"]
    for table in ("raw_comments", "raw_votes"):
        con.execute(f"DROP VIEW IF EXISTS {table}")
        con.execute(f"DROP TABLE IF EXISTS {table}_file")
    return counts


def _meta(con, folder: Path, summary: dict) -> dict:
    from analytics.inputs.language import detect_language
    from analytics.inputs.titles import slugify

    first, last = con.execute("""
        SELECT strftime(epoch_ms(CAST(min(ts) AS BIGINT)), '%Y-%m-%d'),
               strftime(epoch_ms(CAST(max(ts) AS BIGINT)), '%Y-%m-%d')
        FROM polis_latest""").fetchone()
    sample = [row[0] for row in con.execute(
        "SELECT content FROM proposals ORDER BY ord LIMIT 300").fetchall()]
    topic = summary.get("topic") or None
    description = summary.get("conversation-description") or None
    return {
        "slug": slugify(folder.name),
        "title": topic,     # else derived (analytics.inputs.titles)
        "question": None,
        "language": detect_language([topic, description, *sample]),
        "country": None,
        "start_date": first,
        "end_date": last,
        "context": description,
        "partners": None,
        "url": summary.get("url"),
    }
