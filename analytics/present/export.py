"""Tables as files a journalist can open: CSV safe for spreadsheets, Parquet."""

from __future__ import annotations

import io
import json

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame, stamp: list[str] | None = None) -> bytes:
    """`table` as CSV; `stamp` (where it comes from, analytics.present.provenance) as comment lines
    starting with "# " above the header (pandas: read_csv(..., comment="#"))."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    head = "".join(f"# {' '.join(line.split())}\n" for line in stamp or [])
    # UTF-8 with BOM so that Excel opens accents correctly.
    return (head + safe.to_csv(index=False)).encode("utf-8-sig")


STAMP_KEY = b"consultation-dashboard:source"


def parquet_bytes(table: pd.DataFrame, stamp: list[str] | None = None) -> bytes:
    """`table` as Parquet; `stamp` in the file's key-value metadata (STAMP_KEY, one JSON
    list of lines), which readers of the columns never see."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if stamp:
        metadata = dict(arrow.schema.metadata or {})
        metadata[STAMP_KEY] = json.dumps(list(stamp), ensure_ascii=False).encode("utf-8")
        arrow = arrow.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


def results_json(results: dict, form: str = "json") -> str:
    """The results as `python -m analytics results` writes them (`form` "makeorg":
    Make.org's consultation-results shape). Whole before written: a value JSON cannot
    hold fails here, not halfway through."""
    from analytics.present.makeorg import to_makeorg

    output = to_makeorg(results) if form == "makeorg" else results
    return json.dumps(output, ensure_ascii=False, indent=2, allow_nan=False)
