"""The interface in German (`lang=de`) in Chromium: German page titles, headings and
labels, and numbers written the German way (584.664 votes on the demo)."""

from __future__ import annotations

import pytest
from conftest import app_server
from harness import PHONE_AGENT, label_problems, open_page, screenshot, settle

from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, chromium):
    ensure_demo(DEFAULT_DEMO_DIR)
    with app_server([tmp_path_factory.mktemp("consultations")]) as url:
        yield url


@pytest.fixture(scope="module")
def tab(chrome):
    context = chrome.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


def test_overview_in_german(app_url, tab):
    seen = open_page(tab, f"{app_url}/?c=solutions-jeunes&lang=de")
    screenshot(tab, "german_overview")
    assert seen["exceptions"] == [] and seen["errors"] == [], seen
    assert seen["title"] == "Überblick"
    metrics = tab.locator('[data-testid="stMetric"]').all_inner_texts()
    votes = next(m for m in metrics if m.startswith("Stimmen"))
    assert "584.664" in votes, metrics
    assert "297.876" in " ".join(metrics), metrics
    # The frame: the report button and the language picker.
    assert tab.get_by_role("button", name="Vollständigen Bericht herunterladen (HTML)").count() == 1
    sidebar = tab.locator('[data-testid="stSidebar"]')
    for name in ("Français", "English", "Deutsch"):
        assert sidebar.get_by_text(name, exact=True).count() == 1, name
    # The navigation lists the pages under their German titles.
    navigation = tab.locator('[data-testid="stSidebarNav"]').inner_text()
    for title in ("Überblick", "Große Ideen", "Konsultation hinzufügen", "Methode"):
        assert title in navigation, navigation


def test_upload_page_in_german(app_url, tab):
    seen = open_page(tab, f"{app_url}/upload?c=solutions-jeunes&lang=de")
    screenshot(tab, "german_upload")
    assert seen["exceptions"] == [] and seen["errors"] == [], seen
    assert seen["title"] == "Konsultation hinzufügen"
    assert tab.get_by_text("Akzeptierte Dateien:").count() == 1
    assert tab.get_by_text("Maximale Größe: 200 MB pro Datei.").count() == 1
    assert tab.get_by_text("Hinzuzufügende Datei").count() == 1


def test_segment_caption_in_german(app_url, tab):
    seen = open_page(tab, f"{app_url}/?c=solutions-jeunes&lang=de&gender=female&age=16-24")
    screenshot(tab, "german_segment")
    assert seen["exceptions"] == [], seen
    assert seen["title"] == "Überblick"
    assert tab.get_by_text("Geschlecht: Frauen, Alter: 16-24").first.is_visible()
    assert "lang=de" in tab.url and "gender=female" in tab.url


CHART_PAGES = ("ideas", "debate_map", "controversial", "participation", "timeline", "groups",
               "explorer", "segments")


@pytest.mark.parametrize("page_name", CHART_PAGES)
def test_german_charts_fit_a_phone(app_url, chrome, page_name):
    """German's longer words at 390 px: titles wrap, column titles and legends keep apart,
    nothing is cut."""
    page = chrome.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, locale="de-DE", user_agent=PHONE_AGENT).new_page()
    query = "c=solutions-jeunes&lang=de"
    if page_name == "ideas":
        query += "&idea=decouverte-monde-pro"
    open_page(page, f"{app_url}/{page_name}?{query}")
    # A first visit computes (the opinion groups: seconds on a busy machine): its charts
    # come after a pause that can look idle.
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
    seen = settle(page)
    assert seen["exceptions"] == [] and seen["charts"], seen
    screenshot(page, f"german_phone_{page_name}")
    assert label_problems(page) == [], page_name

