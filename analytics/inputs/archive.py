"""Uploaded files and zip archives, handled safely.

An archive is checked entry by entry before anything is written: no entry may
climb out of the destination folder (``../``, absolute paths, drive letters,
symbolic links), and the entry count, the total uncompressed size and the
compression ratio are capped so that a zip bomb is refused before it fills the
disk. Sizes declared in the archive are not trusted: extraction counts the
bytes actually written and stops at the caps.

Uploads live in a fresh folder per upload, under one temporary root per
process that is removed when the process exits."""

from __future__ import annotations

import atexit
import re
import shutil
import stat
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from pathlib import Path

from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.limits import megabytes

MAX_ENTRIES = 1_000
MAX_TOTAL_BYTES = 2 * 1024**3           # uncompressed, all entries together
MAX_RATIO = 200                         # uncompressed / compressed, per large entry
RATIO_FLOOR_BYTES = 1024**2             # small entries may compress well: not checked
CHUNK = 1024**2
# Files that archivers add and that mean nothing here.
JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\._)")
ACCEPTED_SUFFIXES = (".zip", ".json", ".csv")

_root: Path | None = None
_root_lock = threading.Lock()


# -- temporary folders ----------------------------------------------------------------------

def uploads_root() -> Path:
    """The process's temporary folder for uploads and extracted archives."""
    global _root
    with _root_lock:
        if _root is None or not _root.is_dir():
            _root = Path(tempfile.mkdtemp(prefix="consultation-uploads-"))
            atexit.register(shutil.rmtree, _root, True)
        return _root


def new_folder() -> Path:
    return Path(tempfile.mkdtemp(dir=uploads_root()))


def discard(path: str | Path) -> None:
    """Remove the upload folder holding `path` (only inside the uploads root)."""
    path = Path(path).resolve()
    root = uploads_root().resolve()
    if path == root or not path.is_relative_to(root):
        return
    top = root / path.relative_to(root).parts[0]
    shutil.rmtree(top, ignore_errors=True)


def safe_name(name: str, default: str = "upload") -> str:
    """A file name that is safe to write: the last path part; letters (of any
    alphabet), digits, '-' and '_' only, anything else as '_'; no leading dot;
    at most 100 characters; the extension in lower case."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", str(name or ""))[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w-]+", "_", stem).strip("._-")[:90] or default
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


# -- uploads --------------------------------------------------------------------------------

def store_upload(name: str, data: bytes, *, limit_mb: float) -> Path:
    """Write an uploaded file into a fresh folder and return the path to open
    (the file itself, or the content of an extracted zip). InputError, with
    nothing left on disk, when the file is too big, of an unknown type or an
    unsafe archive."""
    file = safe_name(name)
    size = len(data)
    if size > limit_mb * 1024**2:
        raise InputError([Issue(file, "the file is too big",
                                expected=f"at most {megabytes(limit_mb * 1024**2)}",
                                found=megabytes(size))])
    suffix = Path(file).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise InputError([Issue(file, "unrecognised file type",
                                expected="a .zip (vote-level bundle or Polis export), a .json "
                                         "(published results) or a .csv (proposal export)",
                                found=suffix or "no extension")])
    if size == 0:
        raise InputError([Issue(file, "the file is empty")])
    folder = new_folder()
    try:
        target = folder / file
        target.write_bytes(data)
        if suffix != ".zip":
            return target
        extracted = extract_zip(target, folder / "content")
        target.unlink()
        return content_of(extracted, file)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def extract_for_reading(path: Path) -> Path:
    """Extract an archive given on the command line; returns what it holds
    (see `content_of`). The folder lives until the process exits."""
    folder = new_folder()
    try:
        return content_of(extract_zip(path, folder / "content"), path.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def content_of(folder: Path, name: str) -> Path:
    """The input an extracted archive holds: the folder itself when it is a bundle
    or a Polis export, or the one results JSON / proposal CSV it contains."""
    from analytics.inputs.kinds import find_files, looks_like_bundle

    if ((folder / "consultation.json").is_file() or find_files(folder) is not None
            or looks_like_bundle(folder)):
        return folder
    files = [p for p in folder.iterdir() if p.is_file()]
    readable = [p for p in files if p.suffix.lower() in (".json", ".csv")]
    if len(readable) == 1 and len(files) == 1:
        return readable[0]
    found = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    raise InputError([Issue(name, "the archive holds no consultation",
                            expected="consultation.json and its tables (vote-level bundle), "
                                     "comments.csv and votes.csv (Polis export), or one "
                                     "results .json or proposal .csv",
                            found=", ".join(found[:8]) or "an empty archive")])


# -- zip extraction -------------------------------------------------------------------------

# The longest file or folder name most file systems take.
MAX_NAME_BYTES = 255


def _entry_name(info: zipfile.ZipInfo) -> str:
    return info.filename.replace("\\", "/")


def _check_entry(info: zipfile.ZipInfo, file: str, issues: IssueCollector,
                 max_ratio: float) -> None:
    name = _entry_name(info)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        issues.add(Issue(file, "an entry has an absolute path",
                         expected="paths inside the archive", found=info.filename))
    elif ".." in parts:
        issues.add(Issue(file, "an entry climbs out of the folder",
                         expected="paths inside the archive (no '..')", found=info.filename))
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in parts):
        issues.add(Issue(file, "an entry has a name too long for a file system",
                         expected=f"names of at most {MAX_NAME_BYTES} bytes",
                         found=info.filename))
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        issues.add(Issue(file, "an entry is a symbolic link",
                         expected="plain files and folders", found=info.filename))
    elif kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        issues.add(Issue(file, "an entry is not a plain file",
                         expected="plain files and folders", found=info.filename))
    if info.flag_bits & 0x1:
        issues.add(Issue(file, "an entry is encrypted",
                         expected="an archive without password", found=info.filename))
    if (info.file_size > RATIO_FLOOR_BYTES
            and info.file_size > max_ratio * max(info.compress_size, 1)):
        issues.add(Issue(file, "an entry is compressed suspiciously well (zip bomb?)",
                         expected=f"a compression ratio under {max_ratio:g}",
                         found=f"{info.filename}: {megabytes(info.file_size)} from "
                               f"{megabytes(info.compress_size)}"))


def extract_zip(path: Path, dest: Path, *, max_entries: int = MAX_ENTRIES,
                max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO) -> Path:
    """Check then extract `path` into the new folder `dest`. Returns `dest`, or the
    single top folder inside it when every entry lives in that folder."""
    file = Path(path).name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError([Issue(file, "not a readable zip archive",
                                expected="a .zip file", found=str(error))]) from None
    with archive:
        infos = [i for i in archive.infolist() if not JUNK.search(_entry_name(i))]
        issues = IssueCollector()
        if len(infos) > max_entries:
            issues.add(Issue(file, "the archive has too many entries",
                             expected=f"at most {max_entries}", found=str(len(infos))))
            issues.raise_if_any()
        seen: set[str] = set()
        for info in infos:
            _check_entry(info, file, issues, max_ratio)
            key = _entry_name(info).rstrip("/").lower()
            if key in seen:
                issues.add(Issue(file, "two entries have the same name",
                                 expected="each file once", found=info.filename))
            seen.add(key)
        folders = {"/".join(parts[:n]) for parts in (
            _entry_name(i).rstrip("/").lower().split("/") for i in infos)
            for n in range(1, len(parts))}
        for info in infos:
            if not info.is_dir() and _entry_name(info).lower() in folders:
                issues.add(Issue(file, "an entry is both a file and a folder",
                                 expected="distinct names", found=info.filename))
        declared = sum(i.file_size for i in infos)
        if declared > max_total:
            issues.add(Issue(file, "the archive is too big once uncompressed",
                             expected=f"at most {megabytes(max_total)}",
                             found=megabytes(declared)))
        issues.raise_if_any()
        if not any(not i.is_dir() for i in infos):
            raise InputError([Issue(file, "the archive is empty",
                                    expected="the files of a consultation")])
        dest.mkdir(parents=True, exist_ok=False)
        try:
            _extract(archive, infos, dest, file, max_total)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
    return _single_top_folder(dest)


def _extract(archive: zipfile.ZipFile, infos, dest: Path, file: str, max_total: int) -> None:
    root = dest.resolve()
    written = 0
    for info in infos:
        parts = [p for p in _entry_name(info).split("/") if p not in ("", ".")]
        target = root.joinpath(*parts).resolve() if parts else root
        if not target.is_relative_to(root):      # belt and braces after _check_entry
            raise InputError([Issue(file, "an entry climbs out of the folder",
                                    found=info.filename)])
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        entry_bytes = 0
        try:
            with archive.open(info) as source, open(target, "xb") as out:
                while chunk := source.read(CHUNK):
                    entry_bytes += len(chunk)
                    written += len(chunk)
                    if entry_bytes > info.file_size or written > max_total:
                        raise InputError([Issue(
                            file, "an entry is bigger than the archive declares (zip bomb?)",
                            expected=f"at most {megabytes(min(info.file_size, max_total))}",
                            found=info.filename)])
                    out.write(chunk)
        except OSError as error:        # what the disk refuses (never the server's path)
            raise InputError([Issue(file, "an entry cannot be written out",
                                    found=f"{info.filename}: {error.strerror}")]) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise InputError([Issue(file, "the archive is corrupt or uses an unsupported "
                                          "compression", found=f"{info.filename}: {error}")]
                             ) from None


def _single_top_folder(dest: Path) -> Path:
    children = [c for c in dest.iterdir() if not JUNK.search(c.name + ("/" if c.is_dir()
                                                                         else ""))]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    return dest
