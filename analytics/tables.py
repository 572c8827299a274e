"""Reading one table of a bundle (CSV or Parquet) into DuckDB as text, with the
row number of every record, collecting structural problems as issues.

Row numbers follow the data contract: the header is row 1, so the first record
is row 2 (for Parquet too, so that messages read the same for both formats)."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.errors import Issue, IssueCollector

FORMATS = (".csv", ".parquet")
_ids = itertools.count()


@dataclass
class RawTable:
    """A table read as text: relation `name` has the file's columns (VARCHAR,
    trimmed, empty as NULL) and `_row`, the contract's row number."""

    name: str
    path: Path
    columns: list[str]
    rows: int


def find_table(folder: Path, table: str, issues: IssueCollector) -> Path | None:
    """The file holding `table` (NAME.csv or NAME.parquet), None when absent."""
    found = [folder / f"{table}{ext}" for ext in FORMATS if (folder / f"{table}{ext}").is_file()]
    if len(found) > 1:
        issues.add(Issue(found[0].name, f"both {found[0].name} and {found[1].name} exist",
                         expected="one file per table"))
        return None
    return found[0] if found else None


def read_table(con: duckdb.DuckDBPyConnection, path: Path, relation: str,
               issues: IssueCollector) -> RawTable | None:
    """Create `relation` in `con` from the file; None (with issues) when unreadable."""
    if path.stat().st_size == 0:
        issues.add(Issue(path.name, "the file is empty", expected="a header row and records"))
        return None
    if path.suffix == ".csv":
        return _read_csv(con, path, relation, issues)
    return _read_parquet(con, path, relation, issues)


def _clean(column: str) -> str:
    # Text columns: trimmed, empty string as NULL.
    return f"NULLIF(TRIM(CAST({quote(column)} AS VARCHAR)), '') AS {quote(column)}"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _read_csv(con, path: Path, relation: str, issues: IssueCollector) -> RawTable | None:
    header = _csv_header(path, issues)
    if header is None:
        return None
    columns = {name: "VARCHAR" for name in header}
    rejects = f"_rejects_{next(_ids)}"
    scan = f"_rejects_scan_{next(_ids)}"
    options = (
        f"header=true, delim=',', quote='\"', escape='\"', auto_detect=false, "
        f"columns={_struct(columns)}, store_rejects=true, rejects_table='{rejects}', "
        f"rejects_scan='{scan}', max_line_size=10000000"
    )
    select = ", ".join(_clean(c) for c in header)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {relation}_file AS "
            f"SELECT * FROM read_csv({literal(str(path))}, {options})"
        )
        bad = con.execute(
            f"SELECT line, column_name, error_type, csv_line FROM {rejects} "
            f"ORDER BY line LIMIT {issues.cap + 1}"
        ).fetchall()
        total_bad = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()[0]
    except duckdb.Error as error:
        issues.add(Issue(path.name, f"cannot be read as CSV: {_first_line(error)}"))
        return None
    finally:
        for table in (rejects, scan):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    if total_bad:
        _report_rejects(path, header, bad, total_bad, issues)
        return None
    # rowid keeps insertion (file) order in a freshly created table.
    con.execute(
        f"CREATE OR REPLACE VIEW {relation} AS "
        f"SELECT {select}, rowid + 2 AS _row FROM {relation}_file"
    )
    rows = con.execute(f"SELECT count(*) FROM {relation}_file").fetchone()[0]
    return RawTable(relation, path, header, rows)


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in columns.items()) + "}"


def _csv_header(path: Path, issues: IssueCollector) -> list[str] | None:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.add(Issue(path.name, "the file is not UTF-8 encoded", row=1,
                         expected="UTF-8 text",
                         found=f"byte 0x{first[error.start]:02x} (Latin-1 or Windows-1252?)"))
        return None
    if b"\x00" in head[:4096]:
        issues.add(Issue(path.name, "the file is binary, not CSV text", row=1,
                         expected="UTF-8 CSV"))
        return None
    header = next(csv.reader(io.StringIO(text)), [])
    header = [name.strip() for name in header]
    if len(header) == 1 and (";" in text or "\t" in text):
        separator = "';'" if ";" in text else "a tab"
        issues.add(Issue(path.name, f"columns are separated by {separator}", row=1,
                         expected="comma-separated columns", found=text))
        return None
    if not any(header):
        issues.add(Issue(path.name, "the header row is empty", row=1,
                         expected="column names"))
        return None
    seen = set()
    for name in header:
        if not name:
            issues.add(Issue(path.name, "a column has no name", row=1,
                             expected="a name for every column", found=text))
            return None
        if name in seen:
            issues.add(Issue(path.name, "duplicate column name", row=1, column=name,
                             expected="each column once", found=name))
            return None
        seen.add(name)
    return header


_REJECT_REASONS = {
    "INVALID ENCODING": ("the text is not UTF-8", "UTF-8 text"),
    "MISSING COLUMNS": ("the record has too few fields", None),
    "TOO MANY COLUMNS": ("the record has too many fields", None),
    "UNQUOTED VALUE": ("a quoted field is not closed", 'a closing quote (")'),
    "LINE SIZE OVER MAXIMUM": ("the line is too long", "lines under 10 MB"),
}


def _report_rejects(path, header, bad, total, issues: IssueCollector) -> None:
    shown = bad[: issues.room(path.name)]
    for line, column, error_type, csv_line in shown:
        reason, expected = _REJECT_REASONS.get(error_type, (error_type.lower(), None))
        if expected is None:
            expected = f"{len(header)} fields ({', '.join(header)})"
        found = csv_line if error_type != "INVALID ENCODING" else None
        issues.add(Issue(path.name, reason, row=int(line), column=column or None,
                         expected=expected, found=found))
    issues.count_more(path.name, total - len(shown))


def _read_parquet(con, path: Path, relation: str, issues: IssueCollector) -> RawTable | None:
    source = f"read_parquet({literal(str(path))}, file_row_number=true)"
    try:
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        columns = [c for c in columns if c != "file_row_number"]
        select = ", ".join(_clean(c) for c in columns)
        con.execute(
            f"CREATE OR REPLACE VIEW {relation} AS "
            f"SELECT {select}, file_row_number + 2 AS _row FROM {source}"
        )
        rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    except duckdb.Error as error:
        issues.add(Issue(path.name, "not a readable Parquet file (truncated or corrupt?)",
                         expected="a Parquet file", found=_first_line(error)))
        return None
    return RawTable(relation, path, columns, rows)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
