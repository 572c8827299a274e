"""Vote-level bundles on Apache Spark (`python -m analytics results PATH --engine spark`).

The analytics are written once: `analytics.metrics.engine.compute_results` runs its
aggregation queries (plain SQL) through `run_sql` and does everything else in
numpy on one row per proposal, idea or segment. This module gives it a Spark
session holding the four relations `analytics.inputs.bundle` gives DuckDB, with the same
columns and types:

  proposals(proposal_id, content, author_name, author_age, idea_id, tags, created_at, ord)
  ideas(idea_id, name, axis, ord)
  participants(participant_id, gender, age, age_band, region_code, department_code,
               commune_code)
  votes(proposal_id, participant_id, vote, qualification, voted_at)

Spark reads the bundle's files (CSV or Parquet, on the local disk or on shared
storage: hdfs://, s3a://, abfss://, gs://, file://) and normalises them like
analytics.inputs.bundle: text trimmed (Unicode spaces, as DuckDB's TRIM), empty as NULL,
age bands from ages, région and département codes normalised in Python on the
few distinct codes (analytics.inputs.reference).

Validation (SPEC section 2), chosen by where the bundle is:
- a local folder is validated by DuckDB first (analytics.inputs.bundle.validate_bundle over
  views of the files, nothing is copied): every rule, the messages of the default
  engine; Spark then reads the same files.
- a URI (scheme://...) is validated by Spark: consultation.json and actions.json,
  required tables and columns, the header row of CSV files, and every row rule of
  analytics.inputs.bundle (empty required values, unknown votes, qualifications, genders,
  ages, tags, dates, unknown ideas and proposals, duplicates, voters missing from
  participants) run as Spark SQL, with the same messages and row numbers. What
  differs: a CSV record with the wrong number of fields or a broken quote makes
  one issue for the file ("cannot be read to the end") rather than one per row,
  and dates are parsed by Spark's timestamp cast.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import shutil
import sys
import warnings
from pathlib import Path, PurePosixPath

import pandas as pd

from analytics.consultations.source import VoteSource
from analytics.inputs import bundle as bundle_rules
from analytics.inputs import jsontext
from analytics.inputs.bundle import PARTICIPATION_CELLS_SQL
from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.reference import normalise_commune_code
from analytics.inputs.tables import RawTable, literal
from analytics.inputs.times import local_time_sql, timezone_of
from analytics.results_model import SourceDescription

# PySpark warns on every toPandas() that it does not fully support pandas 3 (and uses
# a deprecated pandas keyword); the conversions used here (strings, integers, doubles,
# nulls) are checked by tests/test_spark.py.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                        category=FutureWarning)
warnings.filterwarnings("ignore", message="The copy keyword is deprecated", module="pyspark")

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
APP_NAME = "consultation-analytics"
TABLE_FORMATS = ("csv", "parquet")
# DuckDB's TRIM removes the Unicode space separators (category Zs); Spark's only ' '.
SPACES = "".join(chr(c) for c in (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F,
                                  0x205F, 0x3000))
INSTALL_HINT = ("the Spark engine needs PySpark and Java 17+: "
                "pip install 'consultation-dashboard[spark]'")


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing."""


def is_uri(path) -> bool:
    return bool(URI.match(str(path)))


def require(master: str | None = None) -> None:
    """Raise SparkUnavailable when PySpark (or, for a local master, Java) is missing."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable(f"PySpark is not installed ({INSTALL_HINT})")
    local = master is None or master.startswith("local")
    java_home = os.environ.get("JAVA_HOME")
    has_java = shutil.which("java") or (java_home and Path(java_home, "bin", "java").exists())
    if local and not has_java and "PYSPARK_GATEWAY_PORT" not in os.environ:
        raise SparkUnavailable(f"Java is not installed or not on PATH ({INSTALL_HINT})")


def session(master: str | None = None, config: dict | None = None):
    """The SparkSession to run on: the active one (e.g. under spark-submit) when no
    master is asked for, else a new one on `master` (`--spark-master`, or the
    SPARK_MASTER environment variable; default local[*], all the local cores)."""
    master = master or os.environ.get("SPARK_MASTER") or None
    require(master)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(APP_NAME)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ        # launched by spark-submit
    local = not submitted and (master is None or master.startswith("local"))
    if master:
        builder = builder.master(master)
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # One machine: no web UI, no progress bar on stderr, few shuffle partitions.
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 2))))
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if local:
        # Errors reach Python as exceptions (the CLI shows them in one line).
        spark.sparkContext.setLogLevel("FATAL")
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return spark


# -- the source -----------------------------------------------------------------------------

class SparkSource(VoteSource):
    """A vote-level bundle whose relations live in Spark. It has its own Spark
    session (`spark.newSession()`: temp views and SQL settings of its own, the
    cluster shared), so several sources can be open at once."""

    engine = "spark"

    def __init__(self, spark, path, location: str, meta: dict, *, actions, has_ideas,
                 has_participants, warnings, frames, geography=None):
        super().__init__("bundle", path, meta, None, actions=actions, has_ideas=has_ideas,
                         has_participants=has_participants, warnings=warnings,
                         geography=geography)
        self.spark = spark
        self.location = location
        self._frames = frames               # cached DataFrames, unpersisted by close()

    def sql(self, query: str, params=None) -> pd.DataFrame:
        frame = self.spark.sql(query, args=params) if params else self.spark.sql(query)
        return frame.toPandas()

    def describe(self) -> SourceDescription:
        described = super().describe()
        described["path"] = self.location
        return described

    def weighting(self):
        """Raking weights (analytics.metrics.weighting) computed on the voters' cells and
        kept as a `weights` view in Spark."""
        if not self.has_participants:
            return None
        from analytics.metrics import weighting

        with self._raking_lock:
            if self._raking is None:
                raking = weighting.rake(self.sql(weighting.VOTER_CELLS_SQL),
                                        self.meta.get("country", "FR"))
                rows = [(r.gender, r.age_band, r.region_code, float(r.weight))
                        for r in raking.cells.itertuples(index=False)]
                self.spark.createDataFrame(
                    rows, "gender STRING, age_band STRING, region_code STRING, weight DOUBLE"
                ).createOrReplaceTempView("weight_cells")
                weights = self.spark.sql("""
                    SELECT /*+ BROADCAST(c) */ v.participant_id, c.weight
                    FROM (SELECT DISTINCT participant_id FROM votes) v
                    LEFT JOIN participants p ON p.participant_id = v.participant_id
                    JOIN weight_cells c
                      ON c.gender IS NOT DISTINCT FROM p.gender
                     AND c.age_band IS NOT DISTINCT FROM p.age_band
                     AND c.region_code IS NOT DISTINCT FROM p.region_code""").cache()
                weights.createOrReplaceTempView("weights")
                self._frames.append(weights)
                self._raking = raking
        return self._raking

    def _create_links(self, name: str, pairs: pd.DataFrame) -> None:
        """The found ideas' assignment as a temp view of this source's session."""
        rows = [(str(p), None if i is None else str(i))
                for p, i in zip(pairs["proposal_id"], pairs["idea_id"], strict=True)]
        self.spark.createDataFrame(rows, "proposal_id STRING, idea_id STRING") \
            .createOrReplaceTempView(name)

    def close(self) -> None:
        """Free the cached relations (the Spark session itself stays up)."""
        for frame in self._frames:
            frame.unpersist()
        self._frames.clear()
        with self._links_lock:
            self._links.clear()
        for name in self.spark.catalog.listTables():
            if name.isTemporary:
                self.spark.catalog.dropTempView(name.name)


def open_spark(path, spark=None, *, validation: str = "auto", cache: bool = True) -> SparkSource:
    """Open the vote-level bundle at `path` (a local folder or .zip, or a URI such as
    s3a://bucket/consultation) on Spark. `spark`: the session to use (default:
    `session()`). `validation`: "duckdb" (local folders; the default there),
    "spark" (the default for URIs). `cache`: keep the normalised relations in
    Spark's memory (each results() reads them several times)."""
    text = str(path)
    remote = is_uri(text)
    if validation == "auto":
        validation = "spark" if remote else "duckdb"
    if validation not in ("duckdb", "spark"):
        raise ValueError(f"validation must be duckdb or spark, not {validation!r}")
    if remote and validation == "duckdb":
        raise ValueError("a URI is validated by Spark (validation='spark')")
    folder = PurePosixPath(text.rstrip("/")) if remote else _local_bundle(Path(text))
    location = text.rstrip("/") if remote else str(folder)
    spark = (spark or session()).newSession()
    _configure(spark)
    if validation == "duckdb":
        con = bundle_rules.new_connection()
        try:
            checked = bundle_rules.validate_bundle(folder, con)
        finally:
            con.close()
        issues = IssueCollector()
        raw = {table: _read_raw(spark, table, str(file.resolve()), issues)
               for table, file in checked.files.items()}
        issues.raise_if_any()
        meta, actions, warnings_ = checked.meta, checked.actions, checked.warnings
        geography = checked.geography      # own boundaries, read on the driver
    else:
        # A bundle on a cluster is validated by Spark: its own boundaries are not read.
        raw, meta, actions, warnings_ = _validate(spark, location)
        geography = None
    frames = _normalise(spark, raw, french=meta.get("country", "FR") == "FR", cache=cache,
                        zone=timezone_of(meta))
    if "participants" in raw:
        bundle_rules._warn_unknown_participants(_DuckDBDialect(spark), warnings_)
    return SparkSource(spark, folder, location, meta, actions=actions,
                       has_ideas="ideas" in raw, has_participants="participants" in raw,
                       warnings=warnings_, frames=frames, geography=geography)


def _local_bundle(path: Path) -> Path:
    """A local bundle folder (a .zip is extracted); InputError for other inputs."""
    from analytics.consultations.open import detect_kind

    kind = detect_kind(path)
    if kind == "zip":
        from analytics.inputs import archive

        content = archive.extract_for_reading(path)
        return _local_bundle(content)
    if kind != "bundle":
        raise InputError([Issue(path.name, "the Spark engine reads vote-level bundles only",
                                expected="a bundle folder with consultation.json, proposals "
                                         "and votes", found=f"a {kind} input")])
    return path


def _configure(spark) -> None:
    """Settings of a source's own session: analytics.inputs.bundle's validation SQL quotes
    identifiers with double quotes (ANSI SQL); timestamps in Parquet files are
    written in DuckDB's time zone (the machine's), nanosecond ones read as numbers."""
    import duckdb

    spark.conf.set("spark.sql.ansi.enabled", "true")
    spark.conf.set("spark.sql.ansi.doubleQuotedIdentifiers", "true")
    with duckdb.connect() as con:
        zone = con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    spark.conf.set("spark.sql.session.timeZone", zone)
    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")


# -- reading tables -------------------------------------------------------------------------

def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _read_raw(spark, table: str, location: str, issues: IssueCollector, *,
              materialize: bool = False) -> RawTable | None:
    """The view raw_<table>: the file's columns as text (trimmed, empty as NULL), plus
    `_row` (the contract's row number: header = row 1, per file) and `_file`, `_pos`
    (file order). None, with an issue, when the file cannot be read. `materialize`:
    parse a CSV file once into Spark's storage and count the records (validation
    queries them many times)."""
    from pyspark.sql import functions as F

    name = PurePosixPath(location).name
    csv_file = location.lower().endswith(".csv")
    try:
        if csv_file:
            header = _csv_header(spark, location, name, issues)
            if header is None:
                return None
            # multiLine: quoted newlines, as DuckDB reads them (a file is then one task).
            frame = spark.read.options(header=True, inferSchema=False, quote='"', escape='"',
                                       multiLine=True, mode="FAILFAST",
                                       encoding="UTF-8").csv(location)
            position = F.monotonically_increasing_id()
            columns = header
            texts = [f"c{i}" for i in range(len(columns))]
        else:
            frame = spark.read.parquet(location)
            position = F.col("_metadata.row_index")
            columns = list(frame.columns)
            nanos = _nanosecond_columns(spark, location)
            texts = [_as_text(f"c{i}", field.dataType.typeName(), nanos.get(field.name))
                     for i, field in enumerate(frame.schema.fields)]
        if len(columns) != len(frame.columns):
            issues.add(Issue(name, "the header does not match the records",
                             expected=f"{len(columns)} fields ({', '.join(columns)})"))
            return None
        renamed = [F.col(_ident(c)).alias(f"c{i}") for i, c in enumerate(frame.columns)]
        frame = frame.select(*renamed, F.col("_metadata.file_path").alias("_file"),
                             position.alias("_pos"))
        if csv_file and materialize:
            # Fixes the row positions (monotonically_increasing_id is non-deterministic,
            # which Spark refuses in the validation's subqueries) and parses the file once.
            frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(f"raw_{table}_file")
        clean = ", ".join(f"NULLIF(TRIM(BOTH {literal(SPACES)} FROM {text}), '') AS {_ident(c)}"
                          for text, c in zip(texts, columns, strict=True))
        row = ("_pos + 2" if not csv_file
               else "row_number() OVER (PARTITION BY _file ORDER BY _pos) + 1")
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW raw_{table} AS "
                  f"SELECT {clean}, {row} AS _row, _file, _pos FROM raw_{table}_file")
        rows = frame.count() if materialize else -1        # validation needs the count
    except Exception as error:  # noqa: BLE001 - any read failure is an input problem
        what = "cannot be read as CSV" if csv_file else \
            "not a readable Parquet file (truncated or corrupt?)"
        issues.add(Issue(name, what, found=spark_message(error)))
        return None
    return RawTable(f"raw_{table}", PurePosixPath(location), columns, rows)


def _as_text(column: str, type_name: str, nanoseconds: str | None) -> str:
    """SQL writing a Parquet value as text the way DuckDB's CAST(... AS VARCHAR) does
    (bundle.py reads every column as text): instants in the local time zone with
    their offset ('2022-03-22 08:02:21.5+01'), wall-clock times without one."""
    if nanoseconds is not None:         # INT64 TIMESTAMP(NANOS), read as a number
        second = f"(({column} - pmod({column}, 1000000000)) DIV 1000000000)"
        digits = f"lpad(CAST(pmod({column}, 1000000000) AS STRING), 9, '0')"
        fraction = (f"CASE WHEN pmod({column}, 1000000000) = 0 THEN '' "
                    f"ELSE concat('.', TRIM(TRAILING '0' FROM {digits})) END")
        instant = f"timestamp_seconds({second})"
        if nanoseconds == "utc":
            return (f"concat(date_format({instant}, 'yyyy-MM-dd HH:mm:ss'), {fraction}, "
                    f"{_offset(instant)})")
        wall = f"convert_timezone(current_timezone(), 'UTC', CAST({instant} AS TIMESTAMP_NTZ))"
        return f"concat(date_format({wall}, 'yyyy-MM-dd HH:mm:ss'), {fraction})"
    if type_name == "timestamp":        # an instant (Parquet isAdjustedToUTC)
        return f"concat(CAST(CAST({column} AS TIMESTAMP_NTZ) AS STRING), {_offset(column)})"
    return f"CAST({column} AS STRING)"


def _offset(instant: str) -> str:
    """'+01', '+05:30', '+00' (DuckDB's style) in the session's time zone."""
    return f"regexp_replace(date_format({instant}, 'xxx'), ':00$', '')"


def _nanosecond_columns(spark, location: str) -> dict[str, str]:
    """Columns stored as INT64 TIMESTAMP(NANOS) (pandas writes them; Spark reads them
    as numbers only): name -> "utc" (instants) or "local" (wall-clock times)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(location)
    fs = path.getFileSystem(conf)
    if fs.getFileStatus(path).isDirectory():        # part files: the first one's schema
        parts = sorted((status.getPath() for status in fs.listStatus(path)
                        if status.isFile() and not status.getPath().getName().startswith(
                            ("_", "."))), key=lambda part: part.getName())
        if not parts:
            return {}
        path = parts[0]
    reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(
        jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, conf))
    try:
        schema = reader.getFooter().getFileMetaData().getSchema()
    finally:
        reader.close()
    found = {}
    for field in schema.getFields():
        annotation = field.getLogicalTypeAnnotation()
        match = re.fullmatch(r"TIMESTAMP\(NANOS,(true|false)\)",
                             str(annotation.toString()) if annotation is not None else "")
        if match:
            found[str(field.getName())] = "utc" if match.group(1) == "true" else "local"
    return found


def _csv_header(spark, location: str, name: str, issues: IssueCollector) -> list[str] | None:
    """The header row's column names, with the checks of analytics.inputs.tables."""
    first = spark.read.text(location).head()
    text = (first[0] if first else "").lstrip("\ufeff").rstrip("\r")
    header = [column.strip() for column in next(csv.reader([text]), [])]
    if len(header) == 1 and (";" in text or "\t" in text):
        separator = "';'" if ";" in text else "a tab"
        issues.add(Issue(name, f"columns are separated by {separator}", row=1,
                         expected="comma-separated columns", found=text))
        return None
    if not any(header):
        issues.add(Issue(name, "the header row is empty", row=1, expected="column names"))
        return None
    seen = set()
    for column in header:
        if not column:
            issues.add(Issue(name, "a column has no name", row=1,
                             expected="a name for every column", found=text))
            return None
        if column in seen:
            issues.add(Issue(name, "duplicate column name", row=1, column=column,
                             expected="each column once", found=column))
            return None
        seen.add(column)
    return header


def spark_message(error: Exception) -> str:
    """The most telling line of a Spark error (its error class and message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for pattern in (r"Malformed", r"^\[[A-Z_.]+\]", r"\[[A-Z_.]+\]", r"Exception: "):
        for line in lines:
            if re.search(pattern, line):
                return re.sub(r"^[\w.$]+(Exception|Error): ", "", line)
    return lines[0] if lines else type(error).__name__


# -- validation on Spark --------------------------------------------------------------------

class _Rows:
    def __init__(self, rows):
        self._rows = [tuple(row) for row in rows]

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def fetchall(self):
        return list(self._rows)


class _DuckDBDialect:
    """Enough of a DuckDB connection (execute -> fetchone/fetchall) for analytics.inputs.bundle's
    validation to run its SQL on Spark; Spark errors surface as duckdb.Error, which
    the validation reports as unreadable files."""

    def __init__(self, spark):
        self.spark = spark

    def execute(self, query: str, params=None):
        import duckdb

        query = spark_dialect(query)
        try:
            return _Rows(self.spark.sql(query, args=params).collect() if params
                         else self.spark.sql(query).collect())
        except Exception as error:  # noqa: BLE001
            raise duckdb.Error(spark_message(error)) from error


FILTER = "count(*) FILTER (WHERE "
FULL_MATCH = "regexp_full_match("


def spark_dialect(query: str) -> str:
    """DuckDB SQL of analytics.inputs.bundle's validation, as Spark runs it: backslashes
    in string literals doubled (Spark reads them as escapes), TIMESTAMPTZ as
    TIMESTAMP, `count(*) FILTER (WHERE c)` as `count(CASE WHEN c THEN 1 END)`
    (Spark refuses subqueries in an aggregate's FILTER; the count is the same) and
    `regexp_full_match(s, p)` as `s RLIKE` p anchored at both ends."""
    query = query.replace("\\", "\\\\").replace("TIMESTAMPTZ", "TIMESTAMP")
    while (start := query.find(FILTER)) >= 0:
        end = _closing(query, start + len(FILTER) - len("(WHERE "))
        condition = query[start + len(FILTER):end]
        query = f"{query[:start]}count(CASE WHEN {condition} THEN 1 END){query[end + 1:]}"
    while (start := query.find(FULL_MATCH)) >= 0:
        end = _closing(query, start + len(FULL_MATCH) - 1)
        text, pattern = _arguments(query[start + len(FULL_MATCH):end])
        # \\z: the very end (Java's $ also matches before a final newline).
        match = f"({text} RLIKE concat('^(?:', {pattern}, ')\\\\z'))"
        query = query[:start] + match + query[end + 1:]
    return query


def _scan(text: str, start: int = 0):
    """(index, char, depth) of each character of `text` from `start` outside quotes;
    `depth`: parentheses open after it (a closing one already counted)."""
    depth, quote = 0, None
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = None if char == quote else quote
            continue
        if char in "'\"":
            quote = char
            continue
        depth += (char == "(") - (char == ")")
        yield index, char, depth


def _arguments(text: str) -> list[str]:
    """The two top-level arguments of a function call's argument list."""
    for index, char, depth in _scan(text):
        if char == "," and depth == 0:
            return [text[:index].strip(), text[index + 1:].strip()]
    raise ValueError(f"expected two arguments in {text!r}")


def _closing(text: str, opening: int) -> int:
    """Index of the parenthesis closing the one at `opening` (quotes respected)."""
    for index, char, depth in _scan(text, opening):
        if char == ")" and depth == 0:
            return index
    raise ValueError(f"unbalanced parentheses in {text!r}")


class _FileSystem:
    """Hadoop's view of the storage (the same one Spark reads through)."""

    def __init__(self, spark):
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _status(self, location: str):
        path = self._jvm.org.apache.hadoop.fs.Path(location)
        fs = path.getFileSystem(self._conf)
        return fs.getFileStatus(path) if fs.exists(path) else None

    def kind(self, location: str) -> str | None:
        status = self._status(location)
        if status is None:
            return None
        return "dir" if status.isDirectory() else "file"

    def size(self, location: str) -> int:
        status = self._status(location)
        return int(status.getLen()) if status is not None and not status.isDirectory() else -1


def _read_bytes(spark, location: str) -> bytes:
    return bytes(spark.read.format("binaryFile").load(location).select("content").head()[0])


def _read_json(spark, location: str, issues: IssueCollector):
    name = PurePosixPath(location).name
    data = _read_bytes(spark, location)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.add(Issue(name, "the file is not UTF-8 encoded", expected="UTF-8 JSON",
                         found=f"byte 0x{error.object[error.start]:02x} at offset {error.start}"))
        return None
    if not text.strip():
        issues.add(Issue(name, "the file is empty", expected="a JSON document"))
        return None
    try:
        return jsontext.loads(text, name)
    except InputError as error:         # NaN, a key twice... (as analytics.inputs.bundle)
        for issue in error.issues:
            issues.add(issue)
        return None
    except json.JSONDecodeError as error:
        issues.add(Issue(name, f"invalid JSON: {error.msg}", row=error.lineno,
                         expected="valid JSON", found=f"line {error.lineno} column {error.colno}"))
        return None
    except RecursionError:
        issues.add(Issue(name, "the JSON is nested too deeply", expected="valid JSON"))
        return None


def _validate(spark, location: str):
    """analytics.inputs.bundle.validate_bundle's checks, on Spark: (raw tables, meta, actions,
    warnings); InputError listing every problem."""
    location = location.rstrip("/")
    folder_name = PurePosixPath(location).name
    issues = IssueCollector()
    fs = _FileSystem(spark)
    if fs.kind(location) != "dir":
        issues.add(Issue(location, "not a folder", expected="a bundle folder"))
        issues.raise_if_any()
    meta = {}
    consultation = f"{location}/consultation.json"
    if fs.kind(consultation) != "file":
        issues.add(Issue("consultation.json", "required file is missing",
                         expected=f"consultation.json in {folder_name}"))
    else:
        data = _read_json(spark, consultation, issues)
        if data is not None and not isinstance(data, dict):
            issues.add(Issue("consultation.json", "wrong shape", expected="a JSON object",
                             found=type(data).__name__))
        elif data is not None:
            bundle_rules._check_consultation(data, issues)
            meta = dict(data)
            meta.setdefault("language", "fr")
            meta.setdefault("country", "FR")
    files = {}
    for table in bundle_rules.TABLES:
        found = [f"{location}/{table}.{ext}" for ext in TABLE_FORMATS
                 if fs.kind(f"{location}/{table}.{ext}")]
        if len(found) > 1:
            first, second = (PurePosixPath(f).name for f in found)
            issues.add(Issue(first, f"both {first} and {second} exist",
                             expected="one file per table"))
        elif found:
            files[table] = found[0]
    for table in bundle_rules.REQUIRED_TABLES:
        if table not in files and not any(i.file.startswith(table + ".")
                                          for i in issues.issues):
            issues.add(Issue(f"{table}.csv", "required table is missing",
                             expected=f"{table}.csv or {table}.parquet in {folder_name}"))
    raw = {}
    for table, file in files.items():
        if fs.size(file) == 0:
            issues.add(Issue(PurePosixPath(file).name, "the file is empty",
                             expected="a header row and records"))
            continue
        read = _read_raw(spark, table, file, issues, materialize=True)
        if read is not None:
            raw[table] = read
    warnings_: list[str] = []
    con = _DuckDBDialect(spark)
    if all(t in raw for t in bundle_rules.REQUIRED_TABLES) and not issues:
        bundle_rules._check_all(con, raw, issues, warnings_)
    actions = _read_actions(spark, fs, location, con if not issues else None, issues)
    issues.raise_if_any()
    return raw, meta, actions, warnings_


def _read_actions(spark, fs, location: str, con, issues: IssueCollector) -> list:
    file = f"{location}/actions.json"
    if fs.kind(file) != "file":
        return []
    data = _read_json(spark, file, issues)
    if data is None:
        return []
    if not isinstance(data, list):
        issues.add(Issue("actions.json", "wrong shape", expected="a JSON list of actions",
                         found=type(data).__name__))
        return []
    known = bundle_rules._proposal_ids(con)
    for index, action in enumerate(data):
        bundle_rules._check_action("actions.json", index, action, known, issues)
    return data


# -- normalised relations -------------------------------------------------------------------

def _column(raw: RawTable | None, column: str) -> str:
    if raw is not None and column in raw.columns:
        return _ident(column)
    return "CAST(NULL AS STRING)"


def _integer(raw: RawTable | None, column: str) -> str:
    if raw is not None and column in raw.columns:
        return f"CAST(TRY_CAST({_ident(column)} AS DOUBLE) AS INT)"
    return "CAST(NULL AS INT)"


def _normalise(spark, raw: dict[str, RawTable], *, french: bool, cache: bool,
               zone: str = "UTC") -> list:
    """The four relations as temp views (cached DataFrames when `cache`)."""
    frames = []

    def create(name: str, select: str) -> None:
        frame = spark.sql(select)
        if cache:
            frame = frame.cache()
            frames.append(frame)
        frame.createOrReplaceTempView(name)

    p = raw["proposals"]
    # ord: file order (1, 2, ...), as bundle.py's `_row - 1`.
    create("proposals", f"""
        SELECT proposal_id, content, {_column(p, 'author_name')} AS author_name,
               {_integer(p, 'author_age')} AS author_age, {_column(p, 'idea_id')} AS idea_id,
               {_column(p, 'tags')} AS tags, {_column(p, 'created_at')} AS created_at,
               CAST(row_number() OVER (ORDER BY _file, _pos) AS INT) AS ord
        FROM raw_proposals""")
    i = raw.get("ideas")
    create("ideas", f"""
        SELECT idea_id, name, coalesce({_column(i, 'axis')}, '') AS axis,
               CAST(row_number() OVER (ORDER BY _file, _pos) AS INT) AS ord
        FROM raw_ideas""" if i else """
        SELECT CAST(NULL AS STRING) AS idea_id, CAST(NULL AS STRING) AS name,
               CAST(NULL AS STRING) AS axis, CAST(NULL AS INT) AS ord WHERE false""")
    create("participants", _participants_sql(spark, raw.get("participants"), french))
    v = raw["votes"]
    # voted_at: the consultation's local time, as analytics.inputs.bundle makes it (TIMESTAMP_NTZ).
    voted_at = (local_time_sql(_ident("voted_at"), zone, engine="spark")
                if "voted_at" in v.columns else "CAST(NULL AS TIMESTAMP_NTZ)")
    create("votes", f"""
        SELECT proposal_id, participant_id, vote, {_column(v, 'qualification')} AS qualification,
               {voted_at} AS voted_at
        FROM raw_votes""")
    create("participation_cells", PARTICIPATION_CELLS_SQL)
    return frames


def _participants_sql(spark, raw: RawTable | None, french: bool) -> str:
    if raw is None:
        return """
            SELECT CAST(NULL AS STRING) AS participant_id, CAST(NULL AS STRING) AS gender,
                   CAST(NULL AS INT) AS age, CAST(NULL AS STRING) AS age_band,
                   CAST(NULL AS STRING) AS region_code, CAST(NULL AS STRING) AS department_code,
                   CAST(NULL AS STRING) AS commune_code
            WHERE false"""
    regions, departments = bundle_rules.code_normalisers(french)
    _code_view(spark, "region_codes", raw, "region_code", regions)
    _code_view(spark, "department_codes", raw, "department_code", departments)
    _code_view(spark, "commune_codes", raw, "commune_code",
               lambda value: normalise_commune_code(value, french))
    age = _integer(raw, "age")
    return f"""
        SELECT /*+ BROADCAST(r, d, m) */ participant_id, {_column(raw, 'gender')} AS gender,
               {age} AS age,
               coalesce({_column(raw, 'age_band')}, {bundle_rules._age_band_sql(age)})
                   AS age_band,
               r.code AS region_code, d.code AS department_code, m.code AS commune_code
        FROM raw_participants
        LEFT JOIN region_codes r ON r.raw = {_column(raw, 'region_code')}
        LEFT JOIN department_codes d ON d.raw = {_column(raw, 'department_code')}
        LEFT JOIN commune_codes m ON m.raw = {_column(raw, 'commune_code')}"""


def _code_view(spark, name: str, raw: RawTable, column: str, normalise) -> None:
    """A small raw -> normalised code table (few distinct codes, normalised in Python)."""
    values = []
    if column in raw.columns:
        values = [row[0] for row in spark.sql(
            f"SELECT DISTINCT {_ident(column)} FROM raw_participants "
            f"WHERE {_ident(column)} IS NOT NULL").collect()]
    mapping = [(value, normalise(value)) for value in values]
    spark.createDataFrame(mapping, "raw STRING, code STRING").createOrReplaceTempView(name)
