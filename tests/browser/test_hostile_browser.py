"""Hostile text in the live page (tests/corpus/hostile.py): every page of the app
opened in Chromium on a bundle whose every text is HTML, scripts, markdown, a
300-letter word, right-to-left scripts, emoji... No injected element or script
reaches the DOM, no dialog opens, window.__xss is never set, the texts read as
typed, and long words do not widen the page or a chart. The offline HTML report
too. Screenshots: tests/artifacts/hostile-*.png."""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import app_server  # noqa: E402
from corpus import hostile  # noqa: E402
from harness import open_page, screenshot  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1280
HIDDEN = re.compile("[\u2060\u2068\u2069]")      # word joiner, bidi isolates: invisible

# What the injected markup would have created, and what would show that it ran.
INJECTED = r"""() => {
  const found = [];
  const href = a => (a.getAttribute('href') || a.getAttribute('xlink:href') || '').trim();
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (src === 'x' || src.endsWith('/x')) found.push('img[src=x]');
  }
  for (const a of document.querySelectorAll('a')) {
    if (/^javascript:/i.test(href(a))) found.push('a[href^=javascript]: ' + href(a));
  }
  for (const b of document.querySelectorAll('b, strong')) {
    if (b.textContent.trim() === 'bold') found.push('<b>bold</b>');
  }
  for (const t of document.querySelectorAll('tspan, text')) {
    const weight = t.getAttribute('style') || '';
    if (/bold/.test(weight) && t.textContent.trim() === 'bold') found.push('plotly <b>bold</b>');
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (/^on/i.test(attr)) found.push(el.tagName + '[' + attr + ']');
    }
  }
  for (const s of document.querySelectorAll('script')) {
    // (the report's chart data may quote the text; a script made of it may not)
    if (/^\s*window\.__xss/.test(s.textContent)) found.push('injected script');
  }
  for (const f of document.querySelectorAll('iframe')) {
    if ((f.getAttribute('srcdoc') || '').includes('__xss')) found.push('iframe');
  }
  if (window.__xss !== undefined) found.push('window.__xss = ' + window.__xss);
  return found;
}"""

# Texts of a chart that stick out of it (a 300-letter word in a tick label would).
CHART_OVERFLOW = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    for (const t of plot.querySelectorAll('.xtick text, .ytick text, .legendtext, .gtitle,'
                                          + ' .annotation-text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2)
        out.push(t.textContent.slice(0, 60) + ' [' + Math.round(r.left - box.left) + ', '
                 + Math.round(r.right - box.right) + ']');
    }
  }
  return out;
}"""

PAGE_TEXT = """() => [document.body.innerText,
  ...[...document.querySelectorAll('.js-plotly-plot svg text')].map(t => t.textContent)]
  .join('\\n')"""


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-browser")
    hostile.write_hostile_bundle(root / "hostile")
    return root


@pytest.fixture(scope="module")
def app_url(chrome, hostile_folder):
    with app_server([hostile_folder]) as url:
        yield url


@pytest.fixture(scope="module")
def page_files() -> list[str]:
    """Every page of app.py's navigation: its URL is its file name."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    files = re.findall(r'\("[\w-]+", "(\w+)\.py"', source)
    assert len(files) >= 9
    return files


@pytest.fixture
def tab(chrome, app_url):
    context = chrome.new_context(viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    page.dialogs, page.requests = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def _shoot(page, name: str) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container:
    the viewport is made as tall as the page first)."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stAppViewContainer]')]"
                           ".map(e => e.scrollHeight), 900)")
    page.set_viewport_size({"width": WIDTH, "height": min(height + 40, 9000)})
    page.wait_for_timeout(800)
    screenshot(page, name)
    page.set_viewport_size({"width": WIDTH, "height": 900})


def _hover_charts(page) -> None:
    """Opens the hover label of a few marks of every chart (a hover is where a
    proposal's full text shows)."""
    plots = page.locator(".js-plotly-plot")
    for index in range(plots.count()):
        marks = plots.nth(index).locator(".point, .bars path, path.surface")
        for mark in range(min(marks.count(), 3)):
            try:
                marks.nth(mark).hover(timeout=2000, force=True)
                page.wait_for_timeout(150)
            except Exception:  # noqa: BLE001 - a mark hidden under another: next one
                continue
            assert page.evaluate(INJECTED) == []


def test_every_page_keeps_hostile_text_inert(tab, app_url, page_files):
    seen_text = []
    for lang in ("fr", "en"):
        for name in page_files:
            url = f"{app_url}/{name}?c=hostile&lang={lang}"
            seen = open_page(tab, url)
            assert seen["exceptions"] == [] and seen["errors"] == [], (name, seen)
            assert seen["charts"] == 0 or all(seen["drawn"]), (name, seen)
            assert tab.evaluate(INJECTED) == [], (lang, name)
            _hover_charts(tab)
            text = HIDDEN.sub("", tab.evaluate(PAGE_TEXT))
            # The consultation's title, as typed, under every page title (the upload
            # page is about a new one).
            assert name == "upload" or hostile.CONSULTATION["title"] in text, (lang, name)
            seen_text.append(text)
            # A 300-letter word neither widens the page nor sticks out of a chart.
            widths = tab.evaluate("() => [document.documentElement.scrollWidth,"
                                  " document.body.scrollWidth, window.innerWidth]")
            assert max(widths[:2]) <= widths[2], (name, widths)
            assert tab.evaluate(CHART_OVERFLOW) == [], (lang, name)
            if lang == "fr":
                _shoot(tab, f"hostile-{name}")
            assert tab.evaluate(INJECTED) == [], (lang, name)
    assert tab.dialogs == []
    # As typed, wherever a chart wraps it onto lines (an axis's name takes two lines of a
    # phone's width): compared without the white space between lines.
    everything = re.sub(r"\s+", "", "\n".join(seen_text))
    for piece in hostile.VISIBLE + (hostile.FORMULA, hostile.FORMULA_AUTHOR,
                                    hostile.AXES[0]):
        assert re.sub(r"\s+", "", piece) in everything, piece
    # Nothing is fetched from anywhere but the app (no usage statistics, no image or
    # script from an injected URL).
    outside = [u for u in tab.requests if not u.startswith((app_url, "data:", "blob:"))]
    assert outside == [], sorted(set(outside))


def test_right_to_left_text_is_isolated(tab, app_url):
    """A Hebrew author's name keeps its neighbours in place: the text node that
    holds it is wrapped in first-strong isolates."""
    open_page(tab, f"{app_url}/controversial?c=hostile")
    isolated = tab.evaluate("""() => [...document.querySelectorAll('p, span, div')]
        .filter(e => e.childElementCount === 0 && e.textContent.includes('שלום'))
        .map(e => e.textContent.includes('\\u2068') && e.textContent.includes('\\u2069'))""")
    assert isolated and all(isolated)


def test_report_keeps_hostile_text_inert(chrome, hostile_folder, tmp_path):
    from analytics.consultations.open import open_source
    from analytics.present.report import build_report

    report = tmp_path / "rapport.html"
    report.write_text(build_report(open_source(hostile_folder / "hostile"), "fr"),
                      encoding="utf-8")
    context = chrome.new_context(viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg')"
                               ".length > 0", timeout=60_000)
        page.wait_for_timeout(1000)
        assert page.evaluate(INJECTED) == []
        text = HIDDEN.sub("", page.evaluate(PAGE_TEXT))
        assert hostile.CONSULTATION["title"] in text and hostile.SCRIPT in text
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "hostile-report.png"),
                        full_page=True)
        assert dialogs == []
    finally:
        context.close()


def test_uploads_need_the_xsrf_token(app_url):
    """XSRF protection is on in the served app: a write without the token is refused."""
    request = urllib.request.Request(f"{app_url}/_stcore/upload_file/session/file",
                                     data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
