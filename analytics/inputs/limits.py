"""How big an input file may be.

Tables of a vote-level bundle or of a Polis export (CSV, Parquet) are streamed by
DuckDB: they have no size limit, and a file that is not text (binary, zeros) is
refused from its first and last bytes, before it is read. Files that are read whole
into memory (consultation.json, actions.json, a published results JSON, a
proposal-level export CSV, a Polis summary) are refused above `max_file_bytes()`:
200 MB unless the environment variable CONSULTATIONS_MAX_FILE_MB says otherwise.
Uploads in the app are bounded first by Streamlit's server.maxUploadSize
(.streamlit/config.toml), zip archives by analytics.inputs.archive's caps."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from analytics.inputs.errors import InputError, Issue

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


def not_a_file(path: Path, root: Path | None = None) -> Issue | None:
    """The issue for `path` when it is not a regular file, told without opening it (a
    named pipe would block the reader forever, a device never end); with `root`, also
    when it is a symbolic link leading out of that folder (a bundle's votes.csv linked
    to /etc/passwd would have that file's lines quoted in the messages). None when fine."""
    try:
        if root is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return Issue(path.name, "the file is a symbolic link leading out of its folder",
                             expected=f"a file inside {root.name}")
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as error:        # a dangling or looping link
        return Issue(path.name, "the file cannot be read", found=type(error).__name__)
    if stat.S_ISREG(mode):
        return None
    kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return Issue(path.name, "not a regular file", expected="a file", found=kind)


def check_file(path: Path, root: Path | None = None) -> None:
    """Raise InputError when `path` is not a regular file (see not_a_file)."""
    issue = not_a_file(path, root)
    if issue is not None:
        raise InputError([issue])
