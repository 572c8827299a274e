"""A consultation's title when its file has none: from what the file holds (the question
in its context sentence, its first sentence), or from a small sidecar file the catalog
carries next to it, `NAME.meta.json` (`title`, `question`, `dates`, `source_url`).
Never a name made from the file name ("Mieux sinformer")."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from analytics.inputs import jsontext
from analytics.inputs.errors import InputError, Issue

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 64 * 1024
MAX_TITLE = 90
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_NAME_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
GENERIC = {"published": "Résultats publiés par Make.org",
           "opendata": "Export de propositions Make.org",
           "polis": "Conversation Polis"}


def sidecar_path(path: Path) -> Path:
    """`results.json` -> `results.meta.json`; a folder `export` -> `export.meta.json`."""
    path = Path(path)
    stem = path.stem if path.is_file() else path.name
    return path.with_name(stem + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return Path(path).name.endswith(SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    """The sidecar's fields as consultation keys (title, question, start_date, end_date,
    source_url); {} when there is none. A sidecar that is there but wrong is an input
    error naming the file and the key."""
    file = sidecar_path(path)
    if not file.is_file() or file.is_symlink():
        return {}
    if file.stat().st_size > MAX_SIDECAR_BYTES:
        raise InputError([Issue(file.name, "the file is too big for a title file",
                                expected=f"at most {MAX_SIDECAR_BYTES // 1024} KB")])
    try:
        data = jsontext.loads(file.read_text(encoding="utf-8-sig"), file.name)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InputError([Issue(file.name, f"not valid JSON ({error})",
                                expected="a JSON object")]) from None
    if not isinstance(data, dict):
        raise InputError([Issue(file.name, "not a JSON object", expected="a JSON object",
                                found=type(data).__name__)])
    problems, fields = [], {}
    for key in ("title", "question", "source_url"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(Issue(file.name, "must be a non-empty text", column=key,
                                  found=repr(value)[:80]))
        elif key == "source_url" and not value.startswith(("https://", "http://")):
            problems.append(Issue(file.name, "must be a web address", column=key,
                                  expected="http(s)://...", found=value[:80]))
        else:
            fields[key] = value.strip()
    dates = data.get("dates")
    if dates is not None:
        pair = [dates.get("start"), dates.get("end")] if isinstance(dates, dict) else dates
        if not (isinstance(pair, list) and len(pair) == 2 and all(map(_iso_date, pair))):
            problems.append(Issue(file.name, "must give the first and last day",
                                  column="dates",
                                  expected='{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}',
                                  found=json.dumps(dates)[:80]))
        else:
            fields["start_date"], fields["end_date"] = pair
    if problems:
        raise InputError(problems)
    return fields


def _iso_date(value) -> bool:
    try:
        date.fromisoformat(value)
        return isinstance(value, str) and len(value) == 10
    except (TypeError, ValueError):
        return False


def derived_title(consultation: dict, kind: str, name: str) -> str:
    """The question, else the first sentence of the context (shortened at a word), else
    the input kind with a date its name carries."""
    for text in (consultation.get("question"), _first_sentence(consultation.get("context"))):
        if text:
            return shorten(text)
    generic = GENERIC.get(kind, "Consultation")
    if match := _NAME_DATE.search(name):
        return f"{generic}, {'-'.join(match.groups())}"
    return generic


def _first_sentence(text) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if text[limit - 1] != " ":          # cut inside a word: leave the word out
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:")
    return cut + "…"


def apply(consultation: dict, path: Path, kind: str, *, has_own_title: bool) -> dict:
    """`consultation` (the results' consultation block) with the sidecar's fields over
    the file's, and a title derived when neither the file nor the sidecar gives one."""
    fields = read_sidecar(path)
    consultation.update(fields)
    if not has_own_title and "title" not in fields:
        name = path.stem if path.is_file() else path.name
        consultation["title"] = derived_title(consultation, kind, name)
    return consultation


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "consultation"
