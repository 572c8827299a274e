"""Every page of the running app, in Chromium: it renders without exception, every
plotly chart draws, a screenshot is saved; deep links reopen the same view.

Consultations: the demo, a bundle without ideas, participants or actions, and,
when ../shared is present, a published results file and a Polis conversation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from builders import votes_for, write_bundle
from conftest import app_server
from harness import PHONE_AGENT, label_problems, open_page, screenshot, settle
from test_page_found_ideas import FOUND
from test_page_found_ideas import build as found_ideas_bundle

from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py")
               if p.stem not in ("__init__", "ui"))
VIEWPORT = {"width": 1400, "height": 900}


def bare_bundle(folder: Path) -> Path:
    """Proposals and votes only: no ideas, no participants, no actions, no tags."""
    proposals = [{"proposal_id": f"p{i}", "content": f"Il faut essayer l'idée numéro {i}",
                  "author_name": name} for i, name in enumerate(["Léa", "Omar", "Zoé"])]
    votes = (votes_for("p0", {"agree": 90, "agree/likeIt": 20, "disagree": 10})
             + votes_for("p1", {"agree": 50, "disagree/noWay": 55, "neutral": 5})
             + votes_for("p2", {"neutral/noOpinion": 70, "agree": 20, "disagree": 15}))
    return write_bundle(folder / "sans-details", proposals=proposals, votes=votes,
                        consultation={"slug": "sans-details", "title": "Sans détails",
                                      "language": "fr", "country": "FR"})


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, chromium):
    ensure_demo(DEFAULT_DEMO_DIR)
    folder = tmp_path_factory.mktemp("consultations")
    bare_bundle(folder)
    found_ideas_bundle(folder)          # no ideas table: ideas found in the texts
    folders = [folder]
    if SHARED.is_dir():
        published = folder / "published"
        published.mkdir()
        (published / "parole-aux-jeunes.json").write_bytes(
            (SHARED / "makeorg-results" / "parole-aux-jeunes.json").read_bytes())
        folders.append(published)
        # The folder that holds the conversation is listed (a conversation's own folder
        # given as a consultations folder lists nothing).
        polis = folder / "polis"
        shutil.copytree(SHARED / "polis" / "brexit-consensus", polis / "brexit-consensus")
        folders.append(polis)
    with app_server(folders) as url:
        yield url


CONSULTATIONS = ["solutions-jeunes", "sans-details", FOUND, "parole-aux-jeunes",
                 "brexit-consensus"]


def needs_shared(consultation: str) -> None:
    if consultation in ("parole-aux-jeunes", "brexit-consensus") and not SHARED.is_dir():
        pytest.skip(f"real inputs not available: {SHARED} is absent")


@pytest.fixture(scope="module")
def tab(chrome):
    context = chrome.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("consultation", CONSULTATIONS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_and_charts_draw(app_url, tab, consultation, page_name):
    needs_shared(consultation)
    # The default page (overview) lives at "/".
    path = "" if page_name == "overview" else page_name
    seen = open_page(tab, f"{app_url}/{path}?{urlencode({'c': consultation})}")
    screenshot(tab, f"page_{consultation}_{page_name}")
    assert f"c={consultation}" in tab.url, f"{consultation} is not listed: {tab.url}"
    assert seen["exceptions"] == [], seen
    assert seen["errors"] == [], seen
    assert seen["dialogs"] == [], seen
    assert seen["title"], "the page has no title"
    assert all(traces > 0 for traces in seen["drawn"]), f"a chart has no trace: {seen}"
    svgs = tab.locator(".js-plotly-plot .main-svg")
    assert svgs.count() >= seen["charts"]
    assert not tab.get_by_text("Traceback").count()


def test_demo_pages_have_charts(app_url, tab):
    # The pages that draw the demo's results really draw something.
    for page_name in ("ideas", "debate_map", "controversial", "participation"):
        seen = open_page(tab, f"{app_url}/{page_name}?c=solutions-jeunes")
        assert seen["charts"] >= 1, (page_name, seen)


def test_map_draws_on_a_canvas(app_url, tab):
    open_page(tab, f"{app_url}/participation?c=solutions-jeunes")
    # MapLibre draws the choropleth on a WebGL canvas inside the plotly chart.
    assert tab.locator(".js-plotly-plot canvas").count() >= 1


def test_deep_link_reopens_the_same_view(app_url, chrome):
    link = (f"{app_url}/ideas?c=solutions-jeunes&lang=en&gender=female&age=16-24"
            "&idea=sante-mentale")
    first = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(first, link)
    assert first.locator("h1").first.inner_text() == "Big ideas"
    caption = first.get_by_text(re.compile(r"Gender: Women, Age: 16-24")).first
    assert caption.is_visible()
    idea = "Mieux reconnaître et prendre en charge la santé mentale des jeunes"
    assert idea in _idea_shown(first)
    # The URL the reader would copy keeps every choice.
    for part in ("c=solutions-jeunes", "lang=en", "gender=female", "age=16-24",
                 "idea=sante-mentale"):
        assert part in first.url, (part, first.url)
    screenshot(first, "deep_link_first")
    # A new reader (new browser context, no session) opening that URL sees the same view.
    second = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(second, first.url)
    assert second.locator("h1").first.inner_text() == "Big ideas"
    assert second.get_by_text(re.compile(r"Gender: Women, Age: 16-24")).first.is_visible()
    assert idea in _idea_shown(second)
    screenshot(second, "deep_link_second")
    assert _metrics(first) == _metrics(second)


def test_choices_made_in_the_page_go_into_the_link(app_url, chrome):
    page = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(page, f"{app_url}/?c=solutions-jeunes")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText === 'Overview'",
                           timeout=90_000)
    assert "lang=en" in page.url and "c=solutions-jeunes" in page.url
    other = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(other, page.url)
    assert other.locator("h1").first.inner_text() == "Overview"


def _idea_shown(page) -> str:
    return page.get_by_role("combobox", name="Idea").input_value()


def _metrics(page) -> list[str]:
    return page.locator('[data-testid="stMetric"]').all_inner_texts()


@pytest.mark.parametrize("consultation", [FOUND, "brexit-consensus"])
def test_found_ideas_say_so_and_link_to_the_method(app_url, tab, consultation):
    needs_shared(consultation)
    seen = open_page(tab, f"{app_url}/ideas?{urlencode({'c': consultation, 'lang': 'en'})}")
    assert seen["exceptions"] == [] and seen["errors"] == [], seen
    note = tab.get_by_text(re.compile("found automatically in the proposals' texts"))
    assert note.count() == 1
    link = tab.get_by_role("link", name="How these ideas were found")
    assert link.first.get_attribute("href").endswith("#how-ideas-found")
    assert tab.locator("#how-ideas-found").count() == 1
    screenshot(tab, f"found_ideas_{consultation}")


# -- newsroom: embed, phone width, links across languages -----------------------------------

CHART_PAGES = ["ideas", "debate_map", "controversial", "participation", "timeline", "groups",
               "explorer", "segments"]
PHONE = {"width": 390, "height": 844}
# The map's visible box (MapLibre's own bounds), for every map of the page.
MAP_BOUNDS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(p => p._fullLayout && p._fullLayout.map && p._fullLayout.map._subplot)
    .map(p => p._fullLayout.map._subplot.map.getBounds().toArray())"""


@pytest.mark.parametrize("page_name", CHART_PAGES)
def test_embed_address_shows_only_that_chart(app_url, chrome, page_name):
    page = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(page, f"{app_url}/{page_name}?c=solutions-jeunes")
    keys = page.evaluate("() => [...document.querySelectorAll('[class*=\"st-key-chart-\"]')]"
                         ".map(e => [...e.classList].find(c => c.startsWith('st-key-chart-')))")
    assert keys, f"{page_name} has no chart"
    key = keys[-1].removeprefix("st-key-chart-")
    page.goto(f"{app_url}/{page_name}?c=solutions-jeunes&embed=true&chart={key}")
    page.locator(f".st-key-chart-{key} .js-plotly-plot .main-svg").first.wait_for(
        timeout=90_000)
    page.wait_for_timeout(1500)
    visible = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(e => e.offsetParent !== null).length""")
    assert visible == 1, (page_name, key, visible)
    assert not page.locator("h1").first.is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    # The chart carries its source line, with the consultation.
    assert "#SolutionsJeunes" in page.locator(f".st-key-chart-{key}").inner_text()
    screenshot(page, f"embed_{page_name}")


@pytest.mark.parametrize("page_name", PAGES)
def test_phone_width_has_no_horizontal_scroll_and_no_label_cut(app_url, chrome, page_name):
    page = chrome.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                              user_agent=PHONE_AGENT).new_page()
    path = "" if page_name == "overview" else page_name
    seen = open_page(page, f"{app_url}/{path}?c=solutions-jeunes")
    assert seen["exceptions"] == [], seen
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth];
    }""")
    assert widths[0] <= PHONE["width"] and widths[1] <= widths[2], (page_name, widths)
    screenshot(page, f"phone_{page_name}")
    # Every chart's labels whole (titles wrap), apart, and clear of the toolbar.
    assert label_problems(page) == [], page_name
    # The map of France keeps its overseas insets (west of Brittany, to 7.45° W) and
    # Corsica (to 9.56° E) in view.
    maps = page.evaluate(MAP_BOUNDS)
    assert maps or page_name != "participation"
    for (west, south), (east, north) in maps:
        assert west <= -7.45 and east >= 9.56 and south <= 41.37 and north >= 51.09, (
            page_name, west, south, east, north)


def test_a_link_made_in_english_reopens_the_same_view_in_french(app_url, chrome):
    page = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(page, f"{app_url}/debate_map?c=solutions-jeunes&lang=en")
    page.locator('[data-testid="stButtonGroup"] button', has_text="Axis").first.click()
    settle(page)
    assert "colour=axis" in page.url
    link = page.url.replace("lang=en", "lang=fr")
    other = chrome.new_context(viewport=VIEWPORT).new_page()
    open_page(other, link)
    assert other.locator("h1").first.inner_text() == "Cartographie du débat"
    assert "colour=axis" in other.url
    chosen = other.locator('[data-testid="stButtonGroup"] button[aria-checked="true"], '
                           '[data-testid="stButtonGroup"] button[kind$="Active"]')
    assert "Axe" in chosen.all_inner_texts(), chosen.all_inner_texts()
