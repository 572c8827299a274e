"""Reading one table of a bundle (CSV or Parquet) into DuckDB as text, with the
row number of every record, collecting structural problems as issues.

Row numbers follow the data contract: the header is row 1, so the first record
is row 2 (for Parquet too, so that messages read the same for both formats)."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics.inputs.errors import Issue, IssueCollector
from analytics.inputs.limits import not_a_file

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
    types: dict[str, str] = field(default_factory=dict)   # column -> type in the file
    ignored: list[str] = field(default_factory=list)      # the file's columns not read


def find_table(folder: Path, table: str, issues: IssueCollector) -> Path | None:
    """The file holding `table` (NAME.csv or NAME.parquet), None when absent."""
    # Anything of that name (a folder, a pipe, a link) is the table: read_table says
    # what is wrong with it rather than "missing".
    found = [folder / f"{table}{ext}" for ext in FORMATS
             if os.path.lexists(folder / f"{table}{ext}")]
    if len(found) > 1:
        issues.add(Issue(found[0].name, f"both {found[0].name} and {found[1].name} exist",
                         expected="one file per table"))
        return None
    return found[0] if found else None


def read_table(con: duckdb.DuckDBPyConnection, path: Path, relation: str,
               issues: IssueCollector, keep=None, root: Path | None = None
               ) -> RawTable | None:
    """Create `relation` in `con` from the file; None (with issues) when unreadable.
    `keep(column)` says which columns are read (default: all); the others are only
    listed in RawTable.ignored, so that a file of thousands of columns costs what its
    few useful ones cost. With `root` (the folder given), a link leading out of it is
    refused."""
    if (wrong := not_a_file(path, root)) is not None:
        issues.add(wrong)
        return None
    if path.stat().st_size == 0:
        issues.add(Issue(path.name, "the file is empty", expected="a header row and records"))
        return None
    keep = keep or (lambda column: True)
    if path.suffix == ".csv":
        return _read_csv(con, path, relation, issues, keep)
    return _read_parquet(con, path, relation, issues, keep)


def _clean(column: str, value: str | None = None) -> str:
    # Text columns: trimmed, empty string as NULL.
    value = value or f"CAST({quote(column)} AS VARCHAR)"
    return f"NULLIF(TRIM({value}), '') AS {quote(column)}"


# Types whose text never needs trimming (numbers, dates): only cast to text.
_CAST_ONLY = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "BOOLEAN",
              "DATE", "TIMESTAMP")


# Prefix of the column that keeps a Parquet date or time column in its own type.
NATIVE = "_native_"


def native_column(table: RawTable, column: str) -> str | None:
    """The relation's column holding `column` in the file's own date or time type, or
    None (a CSV column, a Parquet column of another type)."""
    kind = table.types.get(column, "")
    is_parquet = table.path.suffix.lower() == ".parquet"
    return NATIVE + column if is_parquet and kind.startswith(("DATE", "TIMESTAMP")) else None


def _as_text(column: str, sql_type: str, untidy: set[str]) -> str:
    """`_clean` where it changes something: a text column without an empty or padded
    value is taken as it is, a number or a date is only cast (TRIM and NULLIF over
    every value of a clean column of millions of ids cost several times its scan)."""
    if sql_type == "VARCHAR" and column not in untidy:
        return quote(column)
    if sql_type.endswith("[]"):         # a list (Parquet tags): the contract's "a|b"
        return _clean(column, f"array_to_string({quote(column)}, '|')")
    if sql_type.startswith(_CAST_ONLY):
        return f"CAST({quote(column)} AS VARCHAR) AS {quote(column)}"
    if sql_type == "BLOB":              # checked UTF-8 by _utf8_blobs
        return _clean(column, f"decode({quote(column)})")
    return _clean(column)


# Columns checked by one query of _untidy: one query over thousands of columns takes
# gigabytes (a Polis participants-votes file has a column per comment).
_UNTIDY_BATCH = 64


def _untidy(con, source: str, types: dict[str, str]) -> set[str]:
    """The text columns holding an empty value or one that TRIM would change."""
    text = [c for c, t in types.items() if t == "VARCHAR"]
    found = set()
    for start in range(0, len(text), _UNTIDY_BATCH):
        batch = text[start:start + _UNTIDY_BATCH]
        counts = con.execute("SELECT " + ", ".join(
            f"count(*) FILTER (WHERE {quote(c)} = '' OR {quote(c)} <> trim({quote(c)}))"
            for c in batch) + f" FROM {source}").fetchone()
        found |= {c for c, count in zip(batch, counts, strict=True) if count}
    return found


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _read_csv(con, path: Path, relation: str, issues: IssueCollector,
              keep) -> RawTable | None:
    header = _csv_header(path, issues)
    if header is None:
        return None
    columns = {name: "VARCHAR" for name in header}
    kept = [name for name in header if keep(name)]
    ignored = [name for name in header if not keep(name)]
    rejects = f"_rejects_{next(_ids)}"
    scan = f"_rejects_scan_{next(_ids)}"
    options = (
        f"header=true, delim=',', quote='\"', escape='\"', auto_detect=false, "
        f"columns={_struct(columns)}, store_rejects=true, rejects_table='{rejects}', "
        f"rejects_scan='{scan}', max_line_size=10000000"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {relation}_file AS "
            f"SELECT {', '.join(map(quote, kept)) or 'NULL AS _none'} "
            f"FROM read_csv({literal(str(path))}, {options})"
        )
        bad = con.execute(
            f"SELECT line, column_name, error_type, csv_line FROM {rejects} "
            f"ORDER BY line LIMIT {issues.cap + 1}"
        ).fetchall()
        total_bad = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()[0]
    except duckdb.Error as error:
        row = _lone_cr_row(path) if "state machine" in str(error) else None
        if row is not None:
            issues.add(Issue(path.name, "a line holds a carriage return (CR) alone, outside "
                                        "quotes", row=row,
                             expected="line ends of LF or CR LF throughout, or the text in "
                                      "quotes"))
        else:
            issues.add(Issue(path.name, f"cannot be read as CSV: {_first_line(error)}"))
        return None
    finally:
        for table in (rejects, scan):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    if total_bad:
        _report_rejects(path, header, bad, total_bad, issues)
        return None
    types = dict.fromkeys(kept, "VARCHAR")
    untidy = _untidy(con, f"{relation}_file", types)
    select = "".join(_as_text(c, "VARCHAR", untidy) + ", " for c in kept)
    # rowid keeps insertion (file) order in a freshly created table.
    con.execute(
        f"CREATE OR REPLACE VIEW {relation} AS "
        f"SELECT {select}rowid + 2 AS _row FROM {relation}_file"
    )
    rows = con.execute(f"SELECT count(*) FROM {relation}_file").fetchone()[0]
    return RawTable(relation, path, kept, rows, types, ignored)


def _lone_cr_row(path: Path) -> int | None:
    """The line (1-based) of the first CR not followed by LF in a file whose lines end
    with LF: DuckDB only says its parser "reached an invalid state". Streamed."""
    lines, previous = 1, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if not previous and b"\n" not in chunk:
                return None             # CR-only line ends (old Mac): not this problem
            data = previous + chunk
            # The last byte waits for the next chunk: a CR there may start a CR LF.
            found = re.search(rb"\r(?!\n)", data[:-1])
            if found is not None:
                return lines + data.count(b"\n", 0, found.start())
            lines += data[:-1].count(b"\n")
            previous = data[-1:]
    return None


def _zero_byte(path: Path, head: bytes) -> int | None:
    """Offset of a zero byte found cheaply (text files have none): in the first
    bytes, the last 64 KB, or the first hole of a sparse file (a file padded with
    zeros, e.g. preallocated by a download that did not finish). None when none."""
    if b"\x00" in head:
        return head.index(b"\x00")
    size = path.stat().st_size
    if size <= len(head):
        return None
    with path.open("rb") as handle:
        tail_start = max(size - (1 << 16), len(head))
        handle.seek(tail_start)
        tail = handle.read()
        if b"\x00" in tail:
            return tail_start + tail.index(b"\x00")
        if not hasattr(os, "SEEK_HOLE"):
            return None
        try:
            hole = os.lseek(handle.fileno(), 0, os.SEEK_HOLE)
        except OSError:
            return None
        return hole if hole < size else None


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in columns.items()) + "}"


_UTF16_32 = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
             (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))

# What a file given as CSV may be instead, from its first bytes.
_SIGNATURES = ((b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx)"),
               (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
               (b"PAR1", "a Parquet file (name it .parquet)"), (b"%PDF", "a PDF document"),
               (b"\x89PNG", "a PNG image"), (b"\x1f\x8b", "a gzip archive"))


def _csv_header(path: Path, issues: IssueCollector) -> list[str] | None:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    for mark, encoding in _UTF16_32:
        if head.startswith(mark):
            issues.add(Issue(path.name, f"the file is {encoding} encoded", row=1,
                             expected="UTF-8 text (save as \"CSV UTF-8\")",
                             found=f"a {encoding} byte order mark"))
            return None
    if b"\n" not in head and b"\r" not in head and len(head) == 1 << 20:
        issues.add(Issue(path.name, "the first line is longer than 1 MB: not a CSV header",
                         row=1, expected="a header row of column names"))
        return None
    binary = next((what for mark, what in _SIGNATURES if head.startswith(mark)), None)
    zero = _zero_byte(path, head)
    if binary is None and zero is not None and b"\n" not in head[:zero]:
        binary = "binary data"
    if binary is not None:
        issues.add(Issue(path.name, "the file is binary, not CSV text", row=1,
                         expected="UTF-8 CSV", found=binary))
        return None
    if zero is not None:
        issues.add(Issue(path.name, "the file holds zero bytes (truncated and padded, or "
                                    "binary?)", expected="UTF-8 CSV text",
                         found=f"a zero byte at offset {zero:,}"))
        return None
    # Lines end with LF, CR LF, or CR alone (old Mac files; DuckDB reads them too).
    first = re.split(b"\r\n|\r|\n", head, maxsplit=1)[0]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.add(Issue(path.name, "the file is not UTF-8 encoded", row=1,
                         expected="UTF-8 text",
                         found=f"byte 0x{first[error.start]:02x} (Latin-1 or Windows-1252?)"))
        return None
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error:           # Python's limit of a field: 128 KB
        issues.add(Issue(path.name, "a column name is longer than 128 KB", row=1,
                         expected="a header row of column names",
                         found=text[:60]))
        return None
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


# The column DuckDB adds for the row numbers: a file's own column of that name hides it.
ROW_NUMBER = "file_row_number"


def _read_parquet(con, path: Path, relation: str, issues: IssueCollector,
                  keep) -> RawTable | None:
    plain = f"read_parquet({literal(str(path))})"
    source = f"read_parquet({literal(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {plain}").fetchall()
    except duckdb.Error as error:
        issues.add(Issue(path.name, "not a readable Parquet file (truncated or corrupt?)",
                         expected="a Parquet file", found=_first_line(error)))
        return None
    every = [row[0] for row in described]
    if ROW_NUMBER in every:
        issues.add(Issue(path.name, f"a column is named {ROW_NUMBER}, the name the reader "
                                    "gives the row numbers", row=1, column=ROW_NUMBER,
                         expected="another name for that column (or leave it out)"))
        return None
    types = {row[0]: row[1] for row in described if keep(row[0])}
    ignored = [name for name in every if name not in types]
    columns = list(types)
    try:
        if not _utf8_blobs(con, path, source, types, issues):
            return None
        untidy = _untidy(con, source, types)
        select = "".join(_as_text(c, types[c], untidy) + ", " for c in columns)
        # Dates and times also keep their own type, beside the text the checks read:
        # a cast back from text costs five times the scan (analytics.inputs.bundle._voted_at).
        native = "".join(f"{quote(c)} AS {quote(NATIVE + c)}, " for c in columns
                         if types[c].startswith(("DATE", "TIMESTAMP")))
        con.execute(
            f"CREATE OR REPLACE VIEW {relation} AS "
            f"SELECT {select}{native}file_row_number + 2 AS _row FROM {source}"
        )
        rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    except duckdb.Error as error:
        issues.add(Issue(path.name, "not a readable Parquet file (truncated or corrupt?)",
                         expected="a Parquet file", found=_first_line(error)))
        return None
    return RawTable(relation, path, columns, rows, types, ignored)


def _utf8_blobs(con, path: Path, source: str, types: dict, issues: IssueCollector) -> bool:
    """Strings written as BINARY without the UTF-8 annotation (some writers do) are read
    as text; False (with the row) when one is not UTF-8."""
    for column in [c for c, kind in types.items() if kind == "BLOB"]:
        row = con.execute(f"SELECT min(file_row_number) + 2 FROM {source} WHERE "
                          f"{quote(column)} IS NOT NULL AND try(decode({quote(column)})) IS NULL"
                          ).fetchone()[0]
        if row is not None:
            issues.add(Issue(path.name, "the text is not UTF-8", row=int(row), column=column,
                             expected="UTF-8 text"))
            return False
    return True


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
