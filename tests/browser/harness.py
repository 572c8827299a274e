"""Run the app and look at it in headless Chromium (Debian's, driven by Playwright).

From pytest: the `app_url` and `browser_page` fixtures (tests/browser/conftest.py).
By hand:  .venv/bin/python tests/browser/harness.py "ideas?lang=en" [more paths...]
writes tests/artifacts/<path>.png for each path and prints what it saw."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve_app(env: dict[str, str] | None = None, port: int | None = None):
    """Start `streamlit run app.py` on loopback; yield its base URL."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    log = open(ARTIFACTS.parent / ".streamlit-test.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_up(url: str, process, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer on {url} within {timeout}s")


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                            args=CHROMIUM_FLAGS)
        try:
            yield chrome
        finally:
            chrome.close()


def open_page(page, url: str, timeout: float = 60_000) -> dict:
    """Go to `url`, wait until the app is idle and every plotly chart has drawn.
    Returns what was seen: title, chart count, exceptions, error boxes."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    return settle(page, timeout)


def settle(page, timeout: float = 60_000) -> dict:
    """Wait until the open app is idle and every plotly chart has drawn (after a load or
    a click); what was seen, as open_page."""
    _wait_idle(page, timeout)
    charts = page.locator(".js-plotly-plot")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=timeout)
    return {
        "title": page.locator("h1").first.inner_text() if page.locator("h1").count() else "",
        "charts": charts.count(),
        "drawn": page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".map(p => (p.data || []).length)"),
        "exceptions": page.locator('[data-testid="stException"]').all_inner_texts(),
        "errors": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
        # e.g. Streamlit's "Page not found" dialog
        "dialogs": page.locator('[role="dialog"]').all_inner_texts(),
    }


def _wait_idle(page, timeout: float) -> None:
    # Every page has an h1 title once its script ran; an exception box replaces it.
    page.wait_for_selector('h1, [data-testid="stException"]', timeout=timeout)
    # Streamlit shows a "running" status widget while the script runs (a page may
    # rerun once more, e.g. the first deep link after a server start): idle means no
    # status widget and an unchanged page for a full second.
    deadline = time.time() + timeout / 1000
    last, stable_since = None, time.time()
    while time.time() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        shape = page.evaluate("() => document.querySelectorAll('[data-testid]').length"
                              " + ':' + document.querySelectorAll('.js-plotly-plot').length")
        if running or shape != last:
            last, stable_since = shape, time.time()
        elif time.time() - stable_since >= 1.0:
            return
        page.wait_for_timeout(150)


def screenshot(page, name: str, max_height: int = 6000) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so the viewport
    is stretched to the content's height for the shot, then restored."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") + ".png")
    size = page.viewport_size
    height = page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]')"
                           " || document.body).scrollHeight")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, max_height)})
        page.wait_for_timeout(800)      # plotly redraws on resize
    page.screenshot(path=str(path))
    if size:
        page.set_viewport_size(size)
    return path


def main(paths: list[str]) -> None:
    with serve_app() as url, browser() as chrome:
        page = chrome.new_page(viewport={"width": 1400, "height": 900})
        for path in paths or [""]:
            seen = open_page(page, f"{url}/{path.lstrip('/')}")
            shot = screenshot(page, path or "home")
            print(f"{path or '/'}: {seen} -> {shot}")


if __name__ == "__main__":
    main(sys.argv[1:])


# What a phone's browser says it is ("Mobile": pages.ui.on_a_phone).
PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")

# Every label of every visible plotly chart: outside its chart (cut), or overlapping
# another (title, legend, annotations and source, axis titles), or under the chart's
# toolbar (the title). Tick labels are checked for cuts only (plotly spaces them). And
# every segmented control: none wider than the page (options scrolled out of sight).
LABEL_PROBLEMS = """() => {
  const problems = [];
  const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                          && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const kinds = {title: '.gtitle', legend: '.legendtext', annotation: '.annotation-text',
                 'axis title': '.g-xtitle text, .g-x2title text, .g-ytitle text',
                 tick: '.xtick text, .x2tick text, .ytick text'};
  document.querySelectorAll('.js-plotly-plot').forEach((plot, index) => {
    const svg = plot.querySelector('.main-svg');
    if (plot.offsetParent === null || !svg) return;
    const box = svg.getBoundingClientRect();
    const holder = plot.closest('[class*="st-key-chart-"]');
    const name = holder ? [...holder.classList].find(c => c.startsWith('st-key-chart-'))
                        : 'chart ' + index;
    const labels = [];
    for (const [kind, selector] of Object.entries(kinds)) {
      plot.querySelectorAll(selector).forEach(element => {
        const r = element.getBoundingClientRect();
        if (!r.width || !element.textContent.trim()) return;
        const label = {kind, r, text: element.textContent.trim().slice(0, 50)};
        labels.push(label);
        if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2
            || r.bottom > box.bottom + 2)
          problems.push(`${name}: ${kind} "${label.text}" is cut `
                        + `(${Math.round(r.left)}-${Math.round(r.right)} px in a chart of `
                        + `${Math.round(box.left)}-${Math.round(box.right)})`);
      });
    }
    const placed = labels.filter(label => label.kind !== 'tick');
    placed.forEach((a, i) => placed.slice(i + 1).forEach(b => {
      if (meets(a.r, b.r))
        problems.push(`${name}: ${a.kind} "${a.text}" overlaps ${b.kind} "${b.text}"`);
    }));
    const bar = plot.querySelector('.modebar');
    if (bar && bar.getBoundingClientRect().width) {
      placed.filter(label => label.kind === 'title').forEach(title => {
        if (meets(title.r, bar.getBoundingClientRect()))
          problems.push(`${name}: the toolbar covers the title "${title.text}"`);
      });
    }
  });
  // Controls (segmented controls, pills): none with options scrolled out of sight.
  const controls = '[data-testid="stMain"] [data-testid="stButtonGroup"] div:has(> button)';
  document.querySelectorAll(controls).forEach(row => {
    if (row.offsetParent !== null && row.scrollWidth > row.clientWidth + 1)
      problems.push(`control "${row.textContent.slice(0, 60)}" is wider than the page `
                    + `(${row.scrollWidth} px in ${row.clientWidth})`);
  });
  return problems;
}"""


def label_problems(page) -> list[str]:
    """What LABEL_PROBLEMS finds on the open page: an empty list when every chart's
    labels are whole and apart."""
    return page.evaluate(LABEL_PROBLEMS)
