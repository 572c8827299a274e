"""Opening any input as a consultation: `open_source(path)` detects the kind (SPEC
section 1) and returns a Source (analytics.consultations.source) from its reader; a
vote-level bundle is validated once and kept as a DuckDB file when `cached`
(analytics.store.cache)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.consultations.source import Source, VoteSource
from analytics.inputs.bundle import load_bundle
from analytics.inputs.errors import InputError, Issue
from analytics.inputs.kinds import find_files, looks_like_bundle
from analytics.inputs.limits import check_file


def open_bundle(path: Path, *, materialize: bool = True, cached: bool = False) -> VoteSource:
    """`cached`: validated once, then kept as a DuckDB file (analytics.store.cache)."""
    if cached and materialize:
        return open_cached_bundle(Path(path))
    bundle = load_bundle(path, materialize=materialize)
    return _bundle_source(bundle)


def _bundle_source(bundle) -> VoteSource:
    return VoteSource("bundle", bundle.path, bundle.meta, bundle.con, actions=bundle.actions,
                      has_ideas=bundle.has_ideas, has_participants=bundle.has_participants,
                      warnings=bundle.warnings, geography=bundle.geography)


def open_cached_bundle(folder: Path) -> VoteSource:
    """The bundle from the consultation cache when its files are unchanged; else
    validated (InputError as always), written to the cache, and read from there."""
    from analytics.store import cache as store

    root, problem = store.writable_folder()
    if root is None:
        source = open_bundle(folder)
        if problem:
            store.log.warning("%s", problem)
            source.warnings.append(problem)
        return source
    key = store.fingerprint(folder)
    target = store.cache_path(root, folder, key)
    source = _cached_source(folder, target, key)
    if source is not None:
        return source
    with store.build_lock(target):
        # Built meanwhile by another server? Else a bad file is deleted here.
        source = _cached_source(folder, target, key, discard=True)
        if source is not None:
            return source
        bundle = load_bundle(folder)
        if store.fingerprint(folder) != key:     # changed while read: not kept under key
            return _bundle_source(bundle)
        document = {"meta": bundle.meta, "actions": bundle.actions,
                    "warnings": bundle.warnings,
                    "tables": {t: p.name for t, p in bundle.tables.items()}}
        try:
            store.write(bundle.con, target, key, document, _default_results(bundle))
        except (OSError, duckdb.Error) as error:
            store.log.warning("the consultation cache %s could not be written: %s",
                              target, error)
            return _bundle_source(bundle)
        store.remove_stale(target)
    source = _cached_source(folder, target, key)
    if source is None:
        return _bundle_source(bundle)
    bundle.con.close()
    return source


def _default_results(bundle) -> bytes | None:
    """The default view's results, computed once with the cache (the page a reader opens
    first); not when the bundle has no ideas of its own (the default then finds ideas in
    the texts, which the app does with a progress bar)."""
    if not bundle.has_ideas:
        return None
    from analytics.store import cache as store

    return store.dump_results(_bundle_source(bundle).results())


def _cached_source(folder: Path, target: Path, key: str, *,
                   discard: bool = False) -> VoteSource | None:
    from analytics.inputs.bundle import new_connection
    from analytics.store import cache as store

    con = new_connection()
    document = store.attach(con, target, key, discard=discard)
    if document is None:
        con.close()
        return None
    tables = document["tables"]
    geography = None
    spec = document["meta"].get("boundaries")
    if isinstance(spec, dict):
        # Own outlines are not in the database: read again (checked when the cache was
        # built; the key covers their files). Any problem: validated again from scratch.
        from analytics.inputs.errors import IssueCollector
        from analytics.inputs.geography import read_geography

        geography = read_geography(folder, spec, IssueCollector(),
                                   french=document["meta"].get("country", "FR") == "FR")
        if geography is None:
            con.close()
            return None
    source = VoteSource("bundle", folder, document["meta"], con, actions=document["actions"],
                        has_ideas="ideas" in tables, has_participants="participants" in tables,
                        warnings=document["warnings"], geography=geography)
    source.default_results = document.get("default_results")
    return source


def detect_kind(path: Path) -> str:
    """bundle | polis | published | opendata | zip; InputError when unrecognised."""
    if path.is_dir():
        if (path / "consultation.json").is_file():
            return "bundle"
        if find_files(path) is not None:
            return "polis"
        if looks_like_bundle(path):
            return "bundle"         # without its consultation.json: validation says so
        raise InputError([Issue(path.name, "unrecognised folder",
                                expected="consultation.json (vote-level bundle) or comments.csv "
                                         "and votes.csv (Polis export)",
                                found=", ".join(sorted(p.name for p in path.iterdir())[:8])
                                or "an empty folder")])
    if not path.exists():
        raise InputError([Issue(str(path), "no such file or folder")])
    check_file(path)        # a pipe or a device is refused before it is opened
    suffix = path.suffix.lower()
    kinds = {".json": "published", ".csv": "opendata", ".zip": "zip"}
    if suffix not in kinds:
        raise InputError([Issue(path.name, "unrecognised file type",
                                expected="a folder, .json (published results), .csv (proposal "
                                         "export) or .zip",
                                found=suffix or "no extension")])
    return kinds[suffix]


def _titled(source: Source) -> Source:
    """A file without a title of its own gets one (analytics.inputs.titles), and the fields of
    its sidecar NAME.meta.json, when the catalog carries one."""
    from analytics.inputs import titles

    titles.apply(source.meta, source.path, source.kind,
                 has_own_title=bool(source.meta.get("title")))
    return source


def open_source(path: str | Path, *, materialize: bool = True, cached: bool = False) -> Source:
    """`cached` (the app): a bundle is validated once and kept (analytics.store.cache)."""
    path = Path(path)
    kind = detect_kind(path)
    if kind == "bundle":
        return open_bundle(path, materialize=materialize, cached=cached)
    if kind == "polis":
        from analytics.consultations.polis import open_polis

        return _titled(open_polis(path))
    if kind == "published":
        from analytics.consultations.published import open_published

        return _titled(open_published(path))
    if kind == "opendata":
        from analytics.consultations.opendata import open_export

        return _titled(open_export(path))
    # A zip: extracted into a temporary folder that lives as long as the process
    # (a bundle opened with materialize=False keeps reading its files).
    from analytics.inputs import archive

    content = archive.extract_for_reading(path)
    try:
        return open_source(content, materialize=materialize)
    except BaseException:
        archive.discard(content)
        raise
