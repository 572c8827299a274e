"""What kind of input a folder holds, as far as telling them apart needs (SPEC section
1): a Polis export's files, a vote-level bundle's proposals table. The archive, the
catalog and the opening of a source all ask."""

from __future__ import annotations

from pathlib import Path

FILES = ("comments", "votes", "summary", "participants-votes")


def _file_kind(stem: str) -> str | None:
    """Which export file a (lower-case) file stem names, with or without a prefix."""
    for name in ("participants-votes", "participant-votes"):
        if stem == name or stem.endswith("-" + name):
            return "participants-votes"
    for name in ("comments", "votes", "summary"):
        if stem == name or stem.endswith("-" + name):
            return name
    return None


def find_files(folder: Path) -> dict[str, Path] | None:
    """comments/votes (required), summary and participants-votes files of a Polis
    export in `folder`, named plainly or with a prefix ("...-comments.csv"); None
    when not an export."""
    if not folder.is_dir():
        return None
    found: dict[str, list[Path]] = {name: [] for name in FILES}
    for path in folder.iterdir():
        # A pipe or a link is kept (read_table refuses it by name), a folder is not.
        if path.is_dir() or path.suffix.lower() != ".csv":
            continue
        kind = _file_kind(path.stem.lower())
        if kind is not None:
            found[kind].append(path)
    plain = {name: [p for p in paths if p.stem.lower() in (name, "participant-votes")]
             for name, paths in found.items()}
    files = {}
    for name, paths in found.items():
        chosen = plain[name] or paths
        if len(chosen) == 1:
            files[name] = chosen[0]
        elif len(chosen) > 1:
            return None                      # ambiguous: several exports in one folder
    if "comments" not in files or "votes" not in files:
        return None
    return files


def looks_like_bundle(folder: Path) -> bool:
    """A folder with a proposals table is a vote-level bundle, even when its
    consultation.json is missing."""
    return any((folder / f"proposals{ext}").is_file() for ext in (".csv", ".parquet"))
