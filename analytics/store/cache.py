"""The consultation cache: a vote-level bundle, once validated, kept as a DuckDB
database file, so that a restarted server opens it in a fraction of a second instead
of validating and copying every vote again.

- Where: the folder named by CONSULTATIONS_CACHE, else `consultation-dashboard/` under
  the user's cache directory ($XDG_CACHE_HOME, else ~/.cache). "off" turns it off.
- Key: the bundle's files (names, sizes, modification times, and a SHA-256 of their
  first and last 64 KiB), the cache format and DuckDB's version. A changed file gives
  another key: the bundle is validated again and the stale file removed.
- Never trusted: a file that DuckDB cannot open, whose recorded key differs or whose
  row counts differ from those recorded is deleted and rebuilt.
- Concurrent servers: a build writes a private temporary file then renames it over the
  target (atomic), under an exclusive lock so that a second server waits for the first
  build instead of repeating it. Readers attach the file read-only.
- A folder that cannot be written: the bundle is validated in memory as before, with
  a warning (logged, and in the source's warnings).

The file also holds the default view's results (everyone, no weighting, the input's
own ideas), pickled when it is built: a restarted server's first page reads them
instead of computing them (1.6 CPU-seconds at 10M votes). They are read back by an
unpickler that resolves no global but numpy's number types, so a planted file cannot
run code (it is refused, and the results computed); a pickle, not JSON, because it
loads in 0.45 s at 10M votes against 0.8 s.

The app opens a cached file as an in-memory DuckDB database that ATTACHes it read-only
and names its tables through views: what the app creates later (raking weights, the
links of ideas found in the texts) goes into memory, never into the shared file."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import pickle
import uuid
from pathlib import Path

import duckdb

from analytics.inputs.tables import literal

CACHE_VARIABLE = "CONSULTATIONS_CACHE"
# Bump when the cached relations change shape: older files then miss.
FORMAT = 2
RELATIONS = ("proposals", "ideas", "participants", "votes", "participation_cells")
EDGE_BYTES = 64 * 1024
ALIAS = "consultation_cache"
log = logging.getLogger(__name__)
# What the default view's results may hold besides plain values: numpy numbers.
RESULTS_GLOBALS = frozenset({("numpy", "dtype"), ("numpy._core.multiarray", "scalar"),
                             ("numpy.core.multiarray", "scalar")})


def cache_folder() -> Path | None:
    """Where validated consultations are kept; None when the cache is turned off."""
    configured = os.environ.get(CACHE_VARIABLE, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "consultation-dashboard"


def input_files(folder: Path) -> list[Path]:
    """Every file of the bundle's folder (its tables, consultation.json, actions.json):
    any of them changing changes the results."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _edges_digest(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        digest.update(handle.read(EDGE_BYTES))
        if size > EDGE_BYTES:
            handle.seek(max(size - EDGE_BYTES, EDGE_BYTES))
            digest.update(handle.read(EDGE_BYTES))
    return digest.hexdigest()


def fingerprint(folder: Path) -> str:
    """The cache key of a bundle folder (see the module's docstring)."""
    digest = hashlib.sha256(f"format {FORMAT}; duckdb {duckdb.__version__}\n".encode())
    for path in input_files(folder):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      f"{_edges_digest(path, stat.st_size)}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cache_path(root: Path, folder: Path, key: str) -> Path:
    """<folder name>-<hash of its absolute path>-<key>.duckdb: one live file per input
    folder (the prefix finds the stale ones), two folders of the same name apart."""
    where = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in folder.name)[:40]
    return root / f"{name}-{where[:12]}-{key[:24]}.duckdb"


# -- writing --------------------------------------------------------------------------------

def write(con: duckdb.DuckDBPyConnection, target: Path, key: str, document: dict,
          default_results: bytes | None = None) -> None:
    """Copy the validated relations of `con` into `target` (via a private temporary file
    renamed over it); `document` (meta, actions, warnings...) and `default_results` (the
    default view's results, pickled) are kept beside them."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    counts = {}
    try:
        con.execute(f"ATTACH {literal(str(temporary))} AS cache_build")
        try:
            for name in RELATIONS:
                con.execute(f"CREATE TABLE cache_build.{name} AS SELECT * FROM {name}")
                counts[name] = con.execute(f"SELECT count(*) FROM cache_build.{name}"
                                           ).fetchone()[0]
            con.execute("CREATE TABLE cache_build.cache_document (key VARCHAR, format INTEGER, "
                        "document VARCHAR, default_results BLOB)")
            con.execute("INSERT INTO cache_build.cache_document VALUES (?, ?, ?, ?)",
                        [key, FORMAT, json.dumps({**document, "counts": counts},
                                                 ensure_ascii=False, default=str),
                         default_results])
            con.execute("CHECKPOINT cache_build")
        finally:
            con.execute("DETACH cache_build")
        # The seal first (a rename keeps size and time), then the file: a reader never
        # sees a file sealed for another one.
        _write_seal(target, key, temporary.stat())
        os.replace(temporary, target)
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def remove_stale(target: Path) -> None:
    """Other keys of the same input folder: files of older versions of it."""
    prefix = target.name.rsplit("-", 1)[0] + "-"
    mine = (target.name, target.name + ".lock", target.name + ".seal")
    for other in target.parent.glob(f"{prefix}*"):
        if other.name not in mine:
            with contextlib.suppress(OSError):
                other.unlink()


def seal_path(target: Path) -> Path:
    return target.with_name(target.name + ".seal")


def _write_seal(target: Path, key: str, written: os.stat_result) -> None:
    """The size and time of the file as written: a file truncated, replaced or rewritten
    since does not match (DuckDB checks each block's checksum as it reads it)."""
    seal = seal_path(target)
    temporary = seal.with_name(f".{seal.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    temporary.write_text(json.dumps({"key": key, "size": written.st_size,
                                     "mtime_ns": written.st_mtime_ns}), encoding="utf-8")
    os.replace(temporary, seal)


def _sealed(target: Path, key: str) -> bool:
    try:
        seal = json.loads(seal_path(target).read_text(encoding="utf-8"))
        found = target.stat()
    except (OSError, ValueError):
        return False
    return (isinstance(seal, dict) and seal.get("key") == key
            and seal.get("size") == found.st_size and seal.get("mtime_ns") == found.st_mtime_ns)


# -- reading --------------------------------------------------------------------------------

def dump_results(results: dict) -> bytes:
    return pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)


class _ResultsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in RESULTS_GLOBALS:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in cached results")
        return super().find_class(module, name)


def load_results(blob: bytes) -> dict | None:
    """The results `dump_results` wrote, or None (logged) when the bytes hold anything
    else: a global other than numpy's number types, or a damaged pickle."""
    try:
        results = _ResultsUnpickler(io.BytesIO(blob)).load()
    except Exception as error:          # noqa: BLE001 - any failure: compute instead
        log.warning("cached results refused (%s): computing them", error)
        return None
    return results if isinstance(results, dict) else None


def attach(con: duckdb.DuckDBPyConnection, target: Path, key: str, *,
           discard: bool = False) -> dict | None:
    """Attach `target` read-only to `con` and name its relations through views; its
    document, or None when it is absent, not as sealed when written, unreadable, of
    another key or format, or its row counts differ from those it recorded. `discard`
    (under the build lock): such a file is deleted."""
    if not target.is_file():
        return None
    try:
        if not _sealed(target, key):
            raise ValueError("not the file that was written (size, time or seal differ)")
        con.execute(f"ATTACH {literal(str(target))} AS {ALIAS} (READ_ONLY)")
        row = con.execute(f"SELECT key, format, document, default_results "
                          f"FROM {ALIAS}.cache_document").fetchall()
        if len(row) != 1 or row[0][0] != key or row[0][1] != FORMAT:
            raise ValueError("another key or format")
        document = json.loads(row[0][2])
        document["default_results"] = row[0][3]
        for name in RELATIONS:
            found = con.execute(f"SELECT count(*) FROM {ALIAS}.{name}").fetchone()[0]
            if found != document["counts"][name]:
                raise ValueError(f"{name}: {found} rows, {document['counts'][name]} recorded")
        for name in RELATIONS:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {ALIAS}.{name}")
        return document
    except (duckdb.Error, ValueError, KeyError, TypeError) as error:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DETACH DATABASE IF EXISTS {ALIAS}")
        for name in RELATIONS:
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DROP VIEW IF EXISTS {name}")
        if discard:
            log.warning("discarding the consultation cache %s: %s", target, error)
            for path in (target, seal_path(target)):
                with contextlib.suppress(OSError):
                    path.unlink()
        return None


@contextlib.contextmanager
def build_lock(target: Path):
    """An exclusive lock per cache file (flock: released if the process dies), so that
    a second server waits for the first one's build instead of repeating it."""
    try:
        import fcntl
    except ImportError:         # not POSIX: builds may repeat; the rename keeps them safe
        yield
        return
    with open(target.with_name(target.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def writable_folder() -> tuple[Path | None, str | None]:
    """(the cache folder, None) when it can be used, else (None, why not)."""
    root = cache_folder()
    if root is None:
        return None, None
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe(root)
    except OSError as error:
        return None, (f"the consultation cache folder {root} cannot be written "
                      f"({error.strerror or error}): the consultation is validated in "
                      f"memory at each start (set {CACHE_VARIABLE} to a writable folder)")
    return root, None


def probe(root: Path) -> None:
    """OSError when no file can be created in `root` (permissions, read-only mount)."""
    path = root / f".probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.write_bytes(b"")
    path.unlink()
