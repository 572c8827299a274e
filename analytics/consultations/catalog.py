"""The consultations available to the app: every bundle, results file, proposal
export or Polis export found in the data folders, listed cheaply (titles are
read from small metadata files, nothing big is opened)."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from analytics.inputs import jsontext, limits
from analytics.inputs.errors import InputError
from analytics.inputs.titles import slugify

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = ROOT / "data" / "consultations"
# Small shipped examples (data/examples/build_examples.py): a consultation outside France
# with its own boundaries.
EXAMPLES_FOLDER = ROOT / "data" / "examples"
DEMO_ID = "solutions-jeunes"
# Extra folders, separated by os.pathsep (e.g. ../shared/data for the real inputs).
FOLDERS_VARIABLE = "CONSULTATIONS_PATH"
# Listing reads only small metadata: a title file above this size is not opened, and
# a CSV is recognised from its first characters.
MAX_META_BYTES = 1024**2
HEAD_CHARS = 64 * 1024


@dataclass(frozen=True)
class Entry:
    id: str          # unique, URL-safe: used in links (?c=...)
    path: Path
    kind: str        # bundle | published | opendata | polis
    title: str

    @property
    def version(self) -> float:
        """Changes when the input changes on disk (cache key)."""
        return _mtime(self.path)


def folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(FOLDERS_VARIABLE, "").split(os.pathsep) if p]
    return [DEFAULT_FOLDER, EXAMPLES_FOLDER, *extra]


def discover(roots: list[Path] | None = None) -> list[Entry]:
    """Entries found under `roots` (two levels deep), demo first, then by title."""
    entries: dict[str, Entry] = {}
    for root in roots or folders():
        for path in _candidates(root):
            entry = _entry(path)
            if entry is None:
                continue
            unique = entry.id
            number = 2
            while unique in entries:
                unique, number = f"{entry.id}-{number}", number + 1
            entries[unique] = Entry(unique, entry.path, entry.kind, entry.title)
    return sorted(entries.values(), key=lambda e: (e.id != DEMO_ID, e.title.lower()))


def _candidates(root: Path):
    if not root.is_dir():
        return
    for child in sorted(root.iterdir()):
        if child.name.startswith((".", "_")) or child.name.endswith(".meta.json"):
            continue
        yield child
        if child.is_dir() and _kind(child) is None:
            yield from (grand for grand in sorted(child.iterdir())
                        if not grand.name.startswith((".", "_"))
                        and not grand.name.endswith(".meta.json"))


def _kind(path: Path) -> str | None:
    if path.is_dir():
        from analytics.inputs.kinds import find_files

        if (path / "consultation.json").is_file():
            return "bundle"
        if find_files(path) is not None:
            return "polis"
        return None
    if limits.not_a_file(path) is not None:         # a pipe would hang the listing
        return None
    if path.suffix == ".json" and path.stat().st_size > 0:
        return "published"
    if path.suffix == ".csv" and _looks_like_export(path):
        return "opendata"
    return None


def _looks_like_export(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(HEAD_CHARS)          # never the whole of a huge file
    except OSError:
        return False
    header = next(csv.reader(io.StringIO(head.split("\n", 1)[0])), [])
    # The final export has votes; the intermediate one only texts, authors and ages.
    return "proposition" in {h.strip().lower() for h in header}


def _entry(path: Path) -> Entry | None:
    kind = _kind(path)
    if kind is None:
        return None
    title = _title(path, kind)
    return Entry(slugify(path.stem if path.is_file() else path.name), path, kind, title)


def _title(path: Path, kind: str) -> str:
    if kind == "bundle":
        try:
            meta_path = path / "consultation.json"
            if meta_path.stat().st_size > MAX_META_BYTES:   # read by validation, refused there
                raise ValueError("too big")
            if limits.not_a_file(meta_path, path) is not None:   # a pipe would never end
                raise ValueError("not a file")
            meta = jsontext.loads(meta_path.read_text(encoding="utf-8-sig"), meta_path.name)
            if isinstance(meta, dict) and isinstance(meta.get("title"), str):
                return meta["title"]
        except (OSError, ValueError, RecursionError, InputError):
            pass
    from analytics.inputs import titles

    try:
        sidecar = titles.read_sidecar(path)
    except InputError:
        sidecar = {}            # reported when the input is opened
    if kind == "polis":
        topic = sidecar.get("title") or _polis_topic(path)
        if topic:
            return f"{topic} (Polis)"
    consultation = {**_published_head(path), **sidecar} if kind == "published" else sidecar
    if consultation.get("title"):
        return consultation["title"]
    return titles.derived_title(consultation, kind, path.stem if path.is_file() else path.name)


def _published_head(path: Path) -> dict:
    """The title, question and context a small published file states (cheap: the file
    is read only under MAX_META_BYTES)."""
    from analytics.consultations.published import question_of

    try:
        if path.stat().st_size > MAX_META_BYTES:
            return {}
        data = jsontext.loads(path.read_text(encoding="utf-8-sig"), path.name)
    except (OSError, ValueError, RecursionError, InputError):
        return {}
    if not isinstance(data, dict):
        return {}
    context = data.get("context") if isinstance(data.get("context"), str) else None
    head = {"context": context, "question": question_of(context)}
    if isinstance(data.get("title"), str) and data["title"].strip():
        head["title"] = data["title"]
    if isinstance(data.get("question"), str) and data["question"].strip():
        head["question"] = data["question"]
    return head


def _polis_topic(path: Path) -> str | None:
    from analytics.inputs.kinds import find_files

    summary = (find_files(path) or {}).get("summary")
    if summary is None:
        return None
    try:
        if summary.stat().st_size > MAX_META_BYTES:
            return None
        with summary.open(encoding="utf-8-sig", errors="replace") as handle:
            for row in csv.reader(handle):
                if len(row) >= 2 and row[0] == "topic":
                    return row[1].strip()
    except (OSError, csv.Error):        # a bad summary is reported when the export is opened
        return None
    return None


def humanize(name: str) -> str:
    text = re.sub(r"[-_.]+", " ", name).strip()
    return text[:1].upper() + text[1:]


# Every page run asks each entry's version several times: the files' times are read
# at most once a second per input (a folder's every file is a stat call each time).
VERSION_SECONDS = 1.0
_versions: dict[Path, tuple[float, float]] = {}


def _mtime(path: Path) -> float:
    now = time.monotonic()
    seen = _versions.get(path)
    if seen is not None and now - seen[0] < VERSION_SECONDS:
        return seen[1]
    if len(_versions) > 256:            # uploads come and go
        _versions.clear()
    value = _disk_mtime(path)
    _versions[path] = (now, value)
    return value


def _disk_mtime(path: Path) -> float:
    try:
        if path.is_dir():
            return max([path.stat().st_mtime] + [p.stat().st_mtime for p in path.iterdir()])
        return path.stat().st_mtime
    except OSError:
        return 0.0
