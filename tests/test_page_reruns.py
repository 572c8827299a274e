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
