"""Figures are built once per view and shared (pages.ui.figure / ui.derived): a rerun
that changes nothing rebuilds none, and the frozen figure draws the same chart."""

import plotly.graph_objects as go

from analytics.present.charts import participation as charts
from pages import ui
from tests import apptest
from tests.apptest import charts_of


def test_a_rerun_that_changes_nothing_rebuilds_no_figure(monkeypatch):
    built = []
    original = charts.choropleth

    def counted(*args, **kwargs):
        built.append(kwargs["layer"].key)       # the map's level
        return original(*args, **kwargs)

    monkeypatch.setattr(charts, "choropleth", counted)
    at = apptest.open_page("pages/participation.py")
    drawn = charts_of(at)
    assert built == ["region"] and drawn
    at.run()
    assert not at.exception
    assert built == ["region"]                  # not built again
    assert charts_of(at) == drawn


def test_a_frozen_figure_serialises_like_the_figure():
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    expected = fig.to_json()
    frozen, data = ui.freeze((fig, "data"))
    assert isinstance(frozen, ui.FrozenFigure) and data == "data"
    assert frozen.to_dict() is frozen.to_dict()         # made once
    assert frozen.to_json() == expected
    assert ui.freeze(frozen) is frozen


def test_no_full_garbage_collection_after_each_page_run():
    """It walked every cached object at each page view (README, "What the profiles
    showed"): the project's Streamlit settings turn it off."""
    import tomllib

    settings = tomllib.loads((apptest.ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False


def test_page_runs_take_turns(monkeypatch):
    """At most CONSULTATIONS_PAGE_RUNS page runs at once: here 1, so a second run waits
    until the first one leaves; 0 lifts the limit."""
    import threading
    import time

    monkeypatch.setenv(ui.PAGE_RUNS_VARIABLE, "1")
    ui._page_runs.cache_clear()
    inside, most, lock = [0], [0], threading.Lock()

    def run():
        with ui.page_run():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with lock:
                inside[0] -= 1

    try:
        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert most[0] == 1
        monkeypatch.setenv(ui.PAGE_RUNS_VARIABLE, "0")
        ui._page_runs.cache_clear()
        assert ui._page_runs() is None
        with ui.page_run(), ui.page_run():          # no limit: never waits
            pass
    finally:
        monkeypatch.delenv(ui.PAGE_RUNS_VARIABLE)
        ui._page_runs.cache_clear()
    assert ui._page_runs()._initial_value == 4      # the default


def test_an_input_s_version_is_read_from_disk_at_most_once_a_second(tmp_path, monkeypatch):
    import os

    from analytics.consultations import catalog

    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "votes.csv").write_text("x\n")
    os.utime(folder / "votes.csv", (1000, 1000))
    os.utime(folder, (1000, 1000))
    entry = catalog.Entry("bundle", folder, "bundle", "Bundle")
    assert entry.version == 1000
    os.utime(folder / "votes.csv", (2000, 2000))
    assert entry.version == 1000                    # within the second: as read
    monkeypatch.setattr(catalog, "VERSION_SECONDS", 0.0)
    assert entry.version == 2000                    # read again: the change is seen
