"""Tables as files a journalist can open: CSV safe for spreadsheets, Parquet."""

from __future__ import annotations

import io

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame) -> bytes:
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    # UTF-8 with BOM so that Excel opens accents correctly.
    return safe.to_csv(index=False).encode("utf-8-sig")


def parquet_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()
