"""The participation map of a consultation with its own boundaries (the shipped Musterstadt
example), in Chromium: the map is drawn, offline (no request leaves the machine), at a
desktop's and a phone's width."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from harness import open_page, screenshot, serve_app


@pytest.fixture(scope="module")
def app_url(chromium):
    with serve_app() as url:          # data/examples is listed by default
        yield url


@pytest.mark.parametrize("width", [1400, 390])
def test_own_boundaries_map_is_drawn_offline(app_url, chrome, width):
    context = chrome.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_local)
    try:
        seen = open_page(page, f"{app_url}/participation?c=musterstadt&metric=per_10k")
        screenshot(page, f"maps_musterstadt_{width}")
        assert seen["exceptions"] == [] and seen["errors"] == [], seen
        # MapLibre draws the districts on a WebGL canvas inside the plotly chart.
        assert page.locator(".js-plotly-plot canvas").count() >= 1
        traces = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].flatMap("
            "p => (p.data || []).filter(t => t.type === 'choroplethmap')"
            ".map(t => [t.locations.length, t.geojson.features.length]))")
        # Seven districts coloured, Hafen grey (< 10 participants), eight outlines each.
        assert traces == [[7, 8], [1, 8]]
        titles = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".map(p => p._fullLayout.title.text.replace(/<br>/g, ' '))")
        assert "Participants pour 10 000 habitants, par quartier" in titles, titles
        assert outside == [], f"requests left the machine: {outside}"
    finally:
        context.close()
