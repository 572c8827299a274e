"""Writing a bundle: atomic directory, streamed tables (Parquet or CSV), small files."""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

FORMATS = ("parquet", "csv")


@contextlib.contextmanager
def atomic_directory(out_dir: Path) -> Iterator[Path]:
    """Yield a temporary folder next to out_dir; on success it replaces out_dir
    in one rename, on failure it is removed, so a half bundle is never visible."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the bundle is ordinary data
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _replace(tmp, out_dir)


def _replace(new: Path, target: Path) -> None:
    if not target.exists():
        new.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old.rmdir()
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class TableWriter:
    """One table written in chunks: Parquet row groups or CSV blocks."""

    def __init__(self, folder: Path, name: str, schema: pa.Schema, fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}, expected one of {FORMATS}")
        self.path = folder / f"{name}.{fmt}"
        self._file = None
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(self.path, schema, compression="zstd")
            return
        # Plain header and values: ids, keys and dates never need quoting.
        self._file = self.path.open("wb")
        self._file.write((",".join(schema.names) + "\n").encode("utf-8"))
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
        self._writer = pa_csv.CSVWriter(self._file, schema, write_options=options)

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def numbered_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """"u000042"-style ids built straight into an Arrow buffer (fast for millions)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    row = len(prefix) + width
    data = np.empty((len(numbers), row), dtype=np.uint8)
    data[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    data[:, len(prefix):] = (numbers[:, None] // powers) % 10 + ord("0")
    offsets = np.arange(0, (len(numbers) + 1) * row, row, dtype=np.int32)
    return pa.StringArray.from_buffers(len(numbers), pa.py_buffer(offsets),
                                       pa.py_buffer(data.tobytes()))


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
