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
from analytics.i18n import N_
from analytics.results_model import Results

PROJECT = "consultation-dashboard"
_CHUNK = 1 << 20          # the data version reads this much at each end of a file

_SYNTHETIC = N_("Demo: the votes are synthetic, generated to reproduce the published "
                "#SolutionsJeunes results; breakdowns by segment or opinion group are "
                "illustrations, not findings.")
KIND = {
    "published": N_("results published by Make.org"),
    "opendata": N_("Make.org proposal-level export (open data)"),
    "polis": N_("Polis export, CC BY 4.0"),
    "bundle": N_("vote-level bundle"),
    "synthetic": N_("synthetic demo"),
}


def synthetic_notice(lang: str) -> str:
    """The demo's notice, shown on every page and in the report."""
    return i18n.translator(lang)(_SYNTHETIC)


def is_synthetic(results: Results) -> bool:
    """True for the demo (and the benchmark's synthetic bundles): votes we generated."""
    return bool((results.get("consultation") or {}).get("synthetic"))


def kind_of(results: Results) -> str:
    """'synthetic', 'published', 'opendata', 'polis' or 'bundle'."""
    if is_synthetic(results):
        return "synthetic"
    return (results.get("source") or {}).get("kind") or "bundle"


def input_kind(results: Results, lang: str) -> str:
    return i18n.translator(lang)(KIND[kind_of(results)])


def publisher(results: Results) -> str | None:
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


def citation(results: Results, lang: str, *, version: str | None = None,
             today: date | None = None) -> str:
    """'Source : Make.org, consultation #SolutionsJeunes, 22 mars – 22 mai 2022,
    584 664 votes ; calculs : consultation-dashboard, 3 décembre 2026 (données …)'."""
    lang = i18n.language_of(lang)
    _ = i18n.translator(lang)
    consultation = results.get("consultation") or {}
    parts = [publisher(results),
             _("consultation {title}").format(title=consultation.get("title") or "").strip(),
             period(consultation, lang)]
    votes = (results.get("key_figures") or {}).get("votes")
    if votes is not None and not results.get("segment"):
        parts.append(_("{votes} votes").format(votes=i18n.integer(votes, lang)))
    made = f"{PROJECT}, {i18n.long_date((today or date.today()).isoformat(), lang)}"
    if version:
        made += " (" + _("data {version}").format(version=version) + ")"
    # TRANSLATORS: {sources} is who published, the consultation, its dates and votes.
    text = _("Source: {sources}; calculations: {made}").format(
        sources=", ".join(p for p in parts if p), made=made)
    if is_synthetic(results):
        text += ". " + synthetic_notice(lang)
    return text


def stamp(results: Results, lang: str, *, version: str | None = None,
          today: date | None = None, segment: str | None = None,
          address: str | None = None) -> list[str]:
    """The lines written at the head of every download: what it is from, which data
    (version), when it was made, the segment and the view's address."""
    lang = i18n.language_of(lang)
    _ = i18n.translator(lang)
    lines = [citation(results, lang, version=version, today=today),
             _("input: {kind}").format(kind=input_kind(results, lang))]
    if version:
        lines.append(_("data version: {version}").format(version=version))
    lines.append(_("made on: {date}").format(date=(today or date.today()).isoformat()))
    if segment:
        lines.append(_("segment: {segment}").format(segment=segment))
    if address:
        lines.append(_("view: {address}").format(address=address))
    return lines


SOURCE_LINE_CHARS = 58       # fits a phone's width at the source's font size


def source_lines(results: Results, lang: str, *, segment: str | None = None,
                 address: str | None = None) -> list[str]:
    """The source written under every chart (and so in its PNG): who published it, the
    consultation, its dates, the kind of input, the segment; then the view's address.
    Pieces go on a new line rather than past SOURCE_LINE_CHARS."""
    lang = i18n.language_of(lang)
    _ = i18n.translator(lang)
    consultation = results.get("consultation") or {}
    title = str(consultation.get("title") or "")
    who = publisher(results)
    pieces = [_("Source: {source}").format(source=who or title), title if who else "",
              period(consultation, lang), input_kind(results, lang)]
    if segment:
        pieces.append(_("segment: {segment}").format(segment=segment))
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
