"""Where a figure comes from, said the same way everywhere: the kind of input, who
published it, the consultation's dates, a version of the data (a hash of the input
files), the notice of the synthetic demo, a citation a journalist can paste, and the
lines stamped on every download."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

from analytics import i18n

PROJECT = "consultation-dashboard"
_CHUNK = 1 << 20          # the data version reads this much at each end of a file

SYNTHETIC_NOTICE = {
    "fr": "Démonstration : les votes sont synthétiques, générés pour reproduire les "
          "résultats publiés de #SolutionsJeunes ; les répartitions par segment ou par "
          "groupe d'opinion sont des illustrations, pas des résultats.",
    "en": "Demo: the votes are synthetic, generated to reproduce the published "
          "#SolutionsJeunes results; breakdowns by segment or opinion group are "
          "illustrations, not findings.",
}
KIND = {
    "published": {"fr": "résultats publiés par Make.org",
                  "en": "results published by Make.org"},
    "opendata": {"fr": "export par proposition de Make.org (données ouvertes)",
                 "en": "Make.org proposal-level export (open data)"},
    "polis": {"fr": "export Polis, CC BY 4.0", "en": "Polis export, CC BY 4.0"},
    "bundle": {"fr": "votes individuels (lot de votes)", "en": "vote-level bundle"},
    "synthetic": {"fr": "démo synthétique", "en": "synthetic demo"},
}
_WORDS = {
    "fr": {"source": "Source", "consultation": "consultation", "votes": "votes",
           "made": "calculs", "data": "données", "colon": " : ", "semicolon": " ; ",
           "segment": "segment", "view": "vue", "kind": "nature des données",
           "version": "version des données", "made_on": "fait le"},
    "en": {"source": "Source", "consultation": "consultation", "votes": "votes",
           "made": "calculations", "data": "data", "colon": ": ", "semicolon": "; ",
           "segment": "segment", "view": "view", "kind": "input", "version": "data version",
           "made_on": "made on"},
}


def is_synthetic(results: dict) -> bool:
    """True for the demo (and the benchmark's synthetic bundles): votes we generated."""
    return bool((results.get("consultation") or {}).get("synthetic"))


def kind_of(results: dict) -> str:
    """'synthetic', 'published', 'opendata', 'polis' or 'bundle'."""
    if is_synthetic(results):
        return "synthetic"
    return (results.get("source") or {}).get("kind") or "bundle"


def input_kind(results: dict, lang: str) -> str:
    return KIND[kind_of(results)][i18n.language_of(lang)]


def publisher(results: dict) -> str | None:
    """Who ran the consultation, as a citation names it."""
    kind = kind_of(results)
    if kind in ("published", "opendata", "synthetic"):
        return "Make.org"
    if kind == "polis":
        return "Polis (The Computational Democracy Project)"
    partners = (results.get("consultation") or {}).get("partners") or []
    return str(partners[0]) if partners else None


def period(consultation: dict, lang: str) -> str | None:
    """'22 mars – 22 mai 2022' / 'March 22 – May 22, 2022'; one date when only one is
    known, None when neither."""
    start, end = consultation.get("start_date"), consultation.get("end_date")
    first, last = i18n.long_date(start, lang), i18n.long_date(end, lang)
    if first and last and str(start)[:4] == str(end)[:4]:
        year = str(start)[:4]
        first = first.replace(f", {year}", "").replace(f" {year}", "")
    if first and last:
        return f"{first} – {last}"
    return first or last


def data_version(path: str | os.PathLike) -> str:
    """A short hash of the input's files: their names, sizes and first and last MiB. The
    same data gives the same version on any machine; any change of size or at either
    end of a file gives another. Cheap on any input (a 10M-vote bundle is not read
    whole at a server's first page): a change in the middle of a file that keeps its
    size is the case it can miss."""
    root = Path(path)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    digest = hashlib.blake2b(digest_size=8)
    for file in files:
        if file.is_symlink():
            continue        # never followed (a link may leave the input's folder)
        size = file.stat().st_size
        name = file.relative_to(root) if root.is_dir() else file.name
        digest.update(f"{name}\0{size}\0".encode("utf-8", "surrogatepass"))
        with file.open("rb") as handle:
            digest.update(handle.read(_CHUNK))
            if size > 2 * _CHUNK:
                handle.seek(size - _CHUNK)
                digest.update(handle.read(_CHUNK))
            elif size > _CHUNK:
                digest.update(handle.read())
    return digest.hexdigest()


def citation(results: dict, lang: str, *, version: str | None = None,
             today: date | None = None) -> str:
    """'Source : Make.org, consultation #SolutionsJeunes, 22 mars – 22 mai 2022,
    584 664 votes ; calculs : consultation-dashboard, 3 décembre 2026 (données …)'."""
    lang = i18n.language_of(lang)
    words = _WORDS[lang]
    consultation = results.get("consultation") or {}
    parts = [publisher(results),
             f"{words['consultation']} {consultation.get('title') or ''}".strip(),
             period(consultation, lang)]
    votes = (results.get("key_figures") or {}).get("votes")
    if votes is not None and not results.get("segment"):
        parts.append(f"{i18n.integer(votes, lang)} {words['votes']}")
    made = f"{PROJECT}, {i18n.long_date((today or date.today()).isoformat(), lang)}"
    if version:
        made += f" ({words['data']} {version})"
    text = f"{words['source']}{words['colon']}" + ", ".join(p for p in parts if p)
    text += f"{words['semicolon']}{words['made']}{words['colon']}{made}"
    if is_synthetic(results):
        text += f". {SYNTHETIC_NOTICE[lang]}"
    return text


def stamp(results: dict, lang: str, *, version: str | None = None,
          today: date | None = None, segment: str | None = None,
          address: str | None = None) -> list[str]:
    """The lines written at the head of every download: what it is from, which data
    (version), when it was made, the segment and the view's address."""
    lang = i18n.language_of(lang)
    words = _WORDS[lang]
    lines = [citation(results, lang, version=version, today=today),
             f"{words['kind']}{words['colon']}{input_kind(results, lang)}"]
    if version:
        lines.append(f"{words['version']}{words['colon']}{version}")
    lines.append(f"{words['made_on']}{words['colon']}{(today or date.today()).isoformat()}")
    if segment:
        lines.append(f"{words['segment']}{words['colon']}{segment}")
    if address:
        lines.append(f"{words['view']}{words['colon']}{address}")
    return lines


SOURCE_LINE_CHARS = 58       # fits a phone's width at the source's font size


def source_lines(results: dict, lang: str, *, segment: str | None = None,
                 address: str | None = None) -> list[str]:
    """The source written under every chart (and so in its PNG): who published it, the
    consultation, its dates, the kind of input, the segment; then the view's address.
    Pieces go on a new line rather than past SOURCE_LINE_CHARS."""
    lang = i18n.language_of(lang)
    words = _WORDS[lang]
    consultation = results.get("consultation") or {}
    title = str(consultation.get("title") or "")
    who = publisher(results)
    pieces = [f"{words['source']}{words['colon']}{who or title}", title if who else "",
              period(consultation, lang), input_kind(results, lang)]
    if segment:
        pieces.append(f"{words['segment']}{words['colon']}{segment}")
    lines: list[str] = []
    for piece in (p for p in pieces if p):
        if lines and len(lines[-1]) + 3 + len(piece) <= SOURCE_LINE_CHARS:
            lines[-1] += f" · {piece}"
        else:
            lines.append(piece)
    if address:     # an address has no spaces to wrap at: cut in pieces
        lines += [address[i:i + SOURCE_LINE_CHARS]
                  for i in range(0, len(address), SOURCE_LINE_CHARS)]
    return lines
