"""The consultation cache (analytics.store.cache): a bundle validated once, kept as a DuckDB
file, reopened read-only, rebuilt when its input changes or the file is damaged."""

import errno
import logging
import multiprocessing
import os
import stat

import pytest
from builders import votes_for, write_bundle

from analytics.consultations import open as sources
from analytics.consultations import source as source_module
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.store import cache as store


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(store.CACHE_VARIABLE, str(folder))
    return folder


def make_bundle(folder, agree=12):
    proposals = [{"proposal_id": "p1", "content": "Il faut planter des arbres", "idea_id": "i1"},
                 {"proposal_id": "p2", "content": "Il faut des pistes cyclables", "idea_id": "i1"}]
    votes = (votes_for("p1", {"agree": agree, "disagree/noWay": 3})
             + votes_for("p2", {"neutral": 4, "agree/likeIt": 5}, start=100))
    participants = [{"participant_id": f"u{n}", "gender": "female" if n % 2 else "male",
                     "age": 30, "region_code": "11"} for n in range(200)]
    return write_bundle(folder, proposals=proposals, votes=votes,
                        ideas=[{"idea_id": "i1", "name": "Nature", "axis": "Cadre"}],
                        participants=participants, actions=[])


def cache_files(folder):
    # This test's bundles only (their folder names): in a full run, a page test's thread
    # still finishing may open the demo while the variable points here.
    return sorted(p for p in folder.glob("*.duckdb")
                  if p.name.startswith(("bundle-", "other-")))


def test_cache_hit_gives_the_same_results_without_validating(tmp_path, cache, monkeypatch):
    bundle = make_bundle(tmp_path / "bundle")
    built = sources.open_source(bundle, cached=True)
    assert len(cache_files(cache)) == 1
    expected = sources.open_source(bundle).results()     # in memory, no cache

    def no_validation(*args, **kwargs):
        raise AssertionError("validated again on a cache hit")

    monkeypatch.setattr(sources, "load_bundle", no_validation)
    reopened = sources.open_source(bundle, cached=True)
    assert reopened.results() == built.results() == expected
    assert reopened.meta == built.meta
    assert reopened.capabilities == built.capabilities
    # What the app creates later goes into memory, not into the read-only file.
    assert reopened.weighting() is not None
    assert "weighting" in reopened.results(Options(weighted=True))


def test_a_changed_input_file_is_validated_again(tmp_path, cache):
    bundle = make_bundle(tmp_path / "bundle")
    first = cache_files(cache)
    assert sources.open_source(bundle, cached=True).results()["key_figures"]["votes"] == 24
    make_bundle(tmp_path / "bundle", agree=20)          # votes.csv rewritten
    source = sources.open_source(bundle, cached=True)
    assert source.results()["key_figures"]["votes"] == 32
    assert cache_files(cache) != first and len(cache_files(cache)) == 1   # stale one gone


def test_a_changed_file_that_breaks_the_bundle_is_reported_not_served(tmp_path, cache):
    bundle = make_bundle(tmp_path / "bundle")
    sources.open_source(bundle, cached=True)
    with (bundle / "votes.csv").open("a", encoding="utf-8") as handle:
        handle.write("p1,u999,pour,\n")
    with pytest.raises(InputError, match="votes.csv, row 26, column vote"):
        sources.open_source(bundle, cached=True)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_cache_file_is_discarded_and_rebuilt(tmp_path, cache, damage, caplog):
    bundle = make_bundle(tmp_path / "bundle")
    expected = sources.open_source(bundle, cached=True).results()
    (target,) = cache_files(cache)
    data = target.read_bytes()
    target.write_bytes({"garbage": b"not a database" * 1000, "truncated": data[:len(data) // 3],
                        "empty": b""}[damage])
    with caplog.at_level(logging.WARNING, logger="analytics.store.cache"):
        source = sources.open_source(bundle, cached=True)
    assert source.results() == expected
    assert "discarding the consultation cache" in caplog.text
    assert target.read_bytes() != data       # rebuilt: another file, not the damaged one
    reopened = sources.open_source(bundle, cached=True)     # the rebuilt file is sound
    assert reopened.results() == expected


def test_a_cache_file_of_another_key_is_not_trusted(tmp_path, cache):
    bundle = make_bundle(tmp_path / "bundle")
    sources.open_source(bundle, cached=True)
    (target,) = cache_files(cache)
    other = make_bundle(tmp_path / "other", agree=40)
    # Another consultation's file put where this one's is expected.
    sources.open_source(other, cached=True)
    (other_target,) = [p for p in cache_files(cache) if p != target]
    os.replace(other_target, target)
    assert sources.open_source(bundle, cached=True).results()["key_figures"]["votes"] == 24


def _open_in_process(bundle, cache_folder, queue):
    os.environ[store.CACHE_VARIABLE] = str(cache_folder)
    source = sources.open_source(bundle, cached=True)
    queue.put((source.results()["key_figures"], source.warnings))


def test_two_servers_opening_the_same_consultation_at_once(tmp_path, cache):
    bundle = make_bundle(tmp_path / "bundle")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_open_in_process, args=(bundle, cache, queue))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    found = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert found[0] == found[1] and found[0][0]["votes"] == 24
    assert len(cache_files(cache)) == 1
    assert not list(cache.glob(".*.tmp*"))          # no temporary file left
    assert sources.open_source(bundle, cached=True).results()["key_figures"]["votes"] == 24


def test_a_read_only_cache_folder_falls_back_to_memory_with_a_warning(tmp_path, cache, caplog,
                                                                     monkeypatch):
    bundle = make_bundle(tmp_path / "bundle")
    cache.mkdir()
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:
        # root writes through permissions: what a read-only mount answers instead.
        def read_only(root):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(root))
        monkeypatch.setattr(store, "probe", read_only)
    try:
        with caplog.at_level(logging.WARNING, logger="analytics.store.cache"):
            source = sources.open_source(bundle, cached=True)
    finally:
        cache.chmod(stat.S_IRWXU)
    assert source.results()["key_figures"]["votes"] == 24
    assert "cannot be written" in caplog.text and "cannot be written" in source.warnings[-1]
    assert not list(cache.iterdir())


def test_an_unusable_cache_folder_falls_back_to_memory_with_a_warning(tmp_path, monkeypatch):
    bundle = make_bundle(tmp_path / "bundle")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(store.CACHE_VARIABLE, str(blocker / "cache"))
    source = sources.open_source(bundle, cached=True)
    assert source.results()["key_figures"]["votes"] == 24
    assert "cannot be written" in source.warnings[-1]


def test_the_default_folder_is_under_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(store.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert store.cache_folder() == tmp_path / "consultation-dashboard"
    monkeypatch.setenv(store.CACHE_VARIABLE, "off")
    assert store.cache_folder() is None


def test_the_default_view_is_read_from_the_cache(tmp_path, cache, monkeypatch):
    bundle = make_bundle(tmp_path / "bundle")
    expected = sources.open_source(bundle).results()
    reopened = sources.open_source(bundle, cached=True)
    reopened = sources.open_source(bundle, cached=True)      # a restarted server

    def computed(*args, **kwargs):
        raise AssertionError("the default view was computed again")

    with monkeypatch.context() as patch:
        patch.setattr(source_module, "compute_results", computed)
        first = reopened.results()
        assert first == expected
        first["key_figures"]["votes"] = -1               # each caller gets its own copy
        assert reopened.results() == expected
        # The input's own ideas asked by name ("given", as every page's header does):
        # the same view, read from the cache too.
        assert reopened.results(Options(ideas="given")) == expected
    female = reopened.results(Options(segment=Segment(gender="female")))
    assert female["key_figures"]["votes"] < expected["key_figures"]["votes"]


class Planted:
    """What a planted cache file could hold: an object whose unpickling runs code."""

    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_cached_results_that_would_run_code_are_refused_and_computed(tmp_path, cache,
                                                                    caplog, monkeypatch):
    bundle = make_bundle(tmp_path / "bundle")
    expected = sources.open_source(bundle).results()
    reopened = sources.open_source(bundle, cached=True)
    monkeypatch.chdir(tmp_path)
    reopened.default_results = store.dump_results({"key_figures": Planted()})
    with caplog.at_level(logging.WARNING):
        assert reopened.results() == expected
    assert not (tmp_path / "planted").exists()
    assert "posix.system is not allowed in cached results" in caplog.text
    assert reopened.default_results is None             # not tried again


def test_cached_results_keep_numpy_numbers():
    import numpy as np

    results = {"share": np.float64(0.25), "count": np.int64(3), "rows": [{"x": None}]}
    loaded = store.load_results(store.dump_results(results))
    assert loaded == results and type(loaded["share"]) is np.float64
    assert store.load_results(b"not a pickle") is None


def test_a_cached_bundle_keeps_its_own_boundaries(cache):
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "data" / "examples" / "musterstadt"
    if not (folder / "consultation.json").is_file():
        pytest.skip("the Musterstadt example is built by data/examples/build_examples.py")
    fresh = sources.open_source(folder)
    built = sources.open_source(folder, cached=True)        # validated, written, read back
    again = sources.open_source(folder, cached=True)        # from the cache file
    assert list(cache.glob("musterstadt-*.duckdb")) and again.geography is not None
    expected = fresh.results()
    for source in (built, again):
        results = source.results()
        assert results["boundaries"] == expected["boundaries"]
        assert results["participation"]["commune"] == expected["participation"]["commune"]
