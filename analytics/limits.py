"""How big an input file may be.

Tables of a vote-level bundle or of a Polis export (CSV, Parquet) are streamed by
DuckDB: they have no size limit, and a file that is not text (binary, zeros) is
refused from its first and last bytes, before it is read. Files that are read whole
into memory (consultation.json, actions.json, a published results JSON, a
proposal-level export CSV, a Polis summary) are refused above `max_file_bytes()`:
200 MB unless the environment variable CONSULTATIONS_MAX_FILE_MB says otherwise.
Uploads in the app are bounded first by Streamlit's server.maxUploadSize
(.streamlit/config.toml), zip archives by analytics.archive's caps."""

from __future__ import annotations

import os
from pathlib import Path

from analytics.errors import InputError, Issue

VARIABLE = "CONSULTATIONS_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 200


def max_file_bytes() -> int:
    try:
        megabytes = float(os.environ.get(VARIABLE) or DEFAULT_MAX_FILE_MB)
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(max(megabytes, 0) * 1024**2)


def megabytes(size: float) -> str:
    return f"{size / 1024**2:,.1f} MB"


def too_big(path: Path) -> Issue | None:
    """The issue for a file too big to be read whole, None when it is small enough."""
    size = path.stat().st_size
    limit = max_file_bytes()
    if size <= limit:
        return None
    return Issue(path.name, "the file is too big to be read",
                 expected=f"at most {megabytes(limit)} ({VARIABLE})", found=megabytes(size))


def check_size(path: Path) -> None:
    """Raise InputError when `path` is too big to be read whole."""
    issue = too_big(path)
    if issue is not None:
        raise InputError([issue])
