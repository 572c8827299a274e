"""Load test: concurrent readers navigating the dashboard, on loopback, bounded in time.

    .venv/bin/python -m tests.load.run [--sessions 25] [--seconds 60] [--soak 300]
                                       [--browsers 1] [--url http://127.0.0.1:PORT]

Starts the app with tests/browser/harness.serve_app (or attaches to --url, loopback
only), warms it up (each page once), then runs --sessions concurrent readers for
--seconds. --browsers of them are real pages in one headless Chromium (Playwright): they
measure what a reader waits for, from navigation to the last chart drawn. The others speak
Streamlit's own protocol over the websocket /_stcore/stream (protobuf BackMsg/ForwardMsg,
exactly what the browser sends and receives) without rendering: they load the server like
readers do for a fraction of the client CPU. Each reader opens a deep link (a random page
with random sidebar and page-control parameters), then follows 2 to 4 links of the
navigation in the same session, closes it and comes back as a new reader.

Prints a table: page loads, errors, p50/p95/max per page and overall, server RSS
(start, before, peak, end, after) and CPU. With --soak S, the same load runs S more
seconds while the server's RSS is sampled every 10 s, with a least-squares slope (MB per
minute) and a verdict. --json PATH writes the whole report. See tests/load/README.md."""

from __future__ import annotations

import argparse
import ast
import asyncio
import concurrent.futures
import contextlib
import functools
import json
import math
import os
import platform
import random
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.memory import rss_mb  # noqa: E402
from tests.browser import harness  # noqa: E402

# The pages a reader can open (their URL is the file name; upload is left out: uploads are
# private to a session and not what an article's readers do).
PAGES = ("overview", "ideas", "debate_map", "controversial", "participation", "groups",
         "explorer", "segments")
TITLE_KEY = {"debate_map": "debate-map"}       # page URL -> key of pages.ui.PAGE_TITLES

# What readers put in the URL: sidebar (consultation, language, segment filters,
# weighting) and page controls. Values of the demo consultation (solutions-jeunes).
SIDEBAR = (
    {}, {}, {"lang": "en"}, {"c": "solutions-jeunes"}, {"c": "solutions-jeunes", "lang": "en"},
    {"gender": "female"}, {"gender": "male", "lang": "en"}, {"age": "16-24"},
    {"age": "25-34", "gender": "female"}, {"region": "11"}, {"region": "53", "lang": "en"},
    {"w": "true"}, {"age": "65+", "region": "94"},
)
CONTROLS = {
    "overview": ({},),
    "ideas": ({}, {"ranking": "true"}, {"idea_sort": "votes"}, {"idea": "alternance"}),
    "debate_map": ({}, {"colour": "axis"}, {"map_votes": "100"}),
    "controversial": ({}, {"list": "rejection"}, {"min_votes": "50", "top": "20"},
                      {"q": "emploi"}, {"zones": "limbo"}, {"sort": "votes"}),
    "participation": ({}, {"level": "departement"}, {"metric": "ratio"}, {"by": "votes"}),
    "groups": ({},),
    "explorer": ({}, {"q": "logement"}, {"top": "50"}, {"pv": "200", "pa": "30"}),
    "segments": ({}, {"of": "proposal"}, {"share": "like_it"}, {"rank": "proposal"}),
}

# Hard caps: whatever the options say, a run stays bounded in count and time.
MAX_SESSIONS, MAX_BROWSERS = 60, 4
# Readers who pause 5 to 30 s between pages load the server far less than clickers.
MAX_READING_SESSIONS = 200
PROFILES = {"clicking": {"sessions": 25, "seconds": 60, "think": 0.0, "think_min": 0.0},
            "reading": {"sessions": 100, "seconds": 600, "think": 30.0, "think_min": 5.0}}
MAX_SECONDS, MAX_SOAK = 900, 1800
ARRIVAL = 60.0                  # s: the readers' arrival, reported apart (by_minute)
PAGE_TIMEOUT = 60.0             # one page load; longer is an error ("timeout")
SAMPLE_EVERY, SOAK_EVERY = 1.0, 10.0
SETTLE = 5.0                    # seconds after the last reader left, before "after" RSS
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ERROR_KINDS = ("exception", "error_box", "no_title", "not_found", "disconnect", "http",
               "timeout", "page_error")


# -- the server process: pid, RSS, CPU --------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def pid_listening_on(port: int) -> int | None:
    """The process listening on a loopback TCP port (via /proc: socket inode -> fd)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                parts = line.split()
                if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{parts[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc") if inodes else ()):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    return None


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return None


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


class CpuMeter:
    """CPU seconds used by the server, by this load client (itself, the Playwright driver
    and Chromium: its descendants other than the server) and by the whole machine."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.server_pids = set(pids_of(server_pid))
        self.client_seen: dict[int, float] = {}     # descendant pid -> last CPU seconds
        self.start = self._read()

    def _read(self) -> dict:
        table = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            stat = _stat(int(pid))
            if stat:
                table[int(pid)] = stat
        mine = {os.getpid()}
        changed = True
        while changed:          # descendants of this process, except the server
            changed = False
            for pid, (ppid, _) in table.items():
                if ppid in mine and pid not in mine and pid not in self.server_pids:
                    mine.add(pid)
                    changed = True
        for pid in mine - {os.getpid()} - self.server_pids:
            self.client_seen[pid] = table[pid][1]
        own = os.times()
        busy, total = machine_busy()
        found = [table[pid][1] for pid in self.server_pids if pid in table]
        server = sum(found) if found else None
        return {"t": time.monotonic(), "server": server, "busy": busy, "total": total,
                "client": own.user + own.system + sum(self.client_seen.values())}

    def sample(self) -> None:
        self.last = self._read()

    def summary(self) -> dict:
        end = getattr(self, "last", None) or self._read()
        seconds = max(end["t"] - self.start["t"], 1e-9)
        cores = os.cpu_count() or 1

        def percent(key):
            if end[key] is None or self.start[key] is None:
                return None
            return round(100 * (end[key] - self.start[key]) / seconds, 1)

        machine = round(100 * cores * (end["busy"] - self.start["busy"])
                        / max(end["total"] - self.start["total"], 1e-9), 1)
        server, client = percent("server"), percent("client")
        others = None if server is None else round(max(machine - server - client, 0), 1)
        server_seconds = (None if end["server"] is None or self.start["server"] is None
                          else round(end["server"] - self.start["server"], 2))
        return {"server": server, "client": client, "machine": machine, "others": others,
                "cores": cores, "unit": "% of one core", "server_seconds": server_seconds}


# -- what was measured ------------------------------------------------------------------------

@dataclass
class Load:
    phase: str
    client: str                 # "ws" or "browser"
    page: str
    how: str                    # "open" (new reader, deep link) or "nav" (link in session)
    seconds: float
    started: float             # seconds since the phase started
    error: str | None = None    # one of ERROR_KINDS
    detail: str = ""
    charts: int = 0
    bytes: int = 0
    server_cpu: float | None = None     # server CPU seconds of this load (cpu phase)


@dataclass
class Phase:
    name: str
    seconds: float
    loads: list[Load] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)   # (t, MB) every second
    readers: int = 0            # readers (visits) started
    stale_media: int = 0        # browsers: 404 on a file of the page being left
    deadline: float = 0.0
    started: float = 0.0
    cpu: dict | None = None

    def record(self, load: Load) -> None:
        self.loads.append(load)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): a value that was measured."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def stats(loads: list[Load]) -> dict:
    times = [load.seconds for load in loads if load.error is None]
    return {"loads": len(loads), "errors": sum(1 for load in loads if load.error),
            "p50": percentile(times, 50), "p95": percentile(times, 95),
            "max": max(times) if times else None}


def slope_mb_per_min(series: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares slope of (seconds, MB) points and its standard error, in MB/min."""
    n = len(series)
    if n < 3:
        return None
    mean_t = sum(t for t, _ in series) / n
    mean_m = sum(m for _, m in series) / n
    var = sum((t - mean_t) ** 2 for t, _ in series)
    if var == 0:
        return None
    slope = sum((t - mean_t) * (m - mean_m) for t, m in series) / var
    residual = sum((m - mean_m - slope * (t - mean_t)) ** 2 for t, m in series)
    return 60 * slope, 60 * math.sqrt(residual / (n - 2) / var)


# -- readers over the websocket protocol --------------------------------------------------------

@functools.cache
def _titles() -> dict:
    """pages.ui.PAGE_TITLES (page -> its English title, marked N_), read from its source:
    importing it would start Streamlit."""
    tree = ast.parse((ROOT / "pages" / "ui.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == "PAGE_TITLES" for target in node.targets):
            return {ast.literal_eval(key): ast.literal_eval(value.args[0])
                    for key, value in zip(node.value.keys, node.value.values, strict=True)}
    raise LookupError("PAGE_TITLES not found in pages/ui.py")


def page_title(page: str, lang: str) -> str:
    """The h1 title a page draws in a language."""
    from analytics import i18n

    return i18n.translator(lang)(_titles()[TITLE_KEY.get(page, page)])


def plan_visit(rng: random.Random) -> tuple[str, dict, list[str]]:
    """A reader: the deep link it opens (page, URL parameters), then the pages it clicks."""
    page = rng.choice(PAGES)
    params = {**rng.choice(SIDEBAR), **rng.choice(CONTROLS[page])}
    then, current = [], page
    for _ in range(rng.randint(2, 4)):
        current = rng.choice([p for p in PAGES if p != current])
        then.append(current)
    return page, params, then


SIDEBAR_CONTAINER = 1          # delta_path[0] of the sidebar (0 is the main area)


def widget_state(element, what: str, known: dict):
    """The WidgetState the browser would send back for a sidebar widget, for the widget
    kinds the sidebar uses (None for other elements): the value the server sets, else the
    one the browser already has, else the widget's default."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    widget = getattr(element, what, None)
    if what in ("button_group", "selectbox", "checkbox") and not widget.set_value \
            and widget.id in known:
        return known[widget.id]
    if what == "button_group":
        widget = element.button_group
        values = list(widget.raw_values) if widget.set_value else [
            widget.options[i].content for i in widget.default]
        return WidgetState(id=widget.id, string_array_value={"data": values})
    if what == "selectbox":
        widget = element.selectbox
        if widget.set_value:
            return WidgetState(id=widget.id, string_value=widget.raw_value)
        if 0 <= widget.default < len(widget.options):
            return WidgetState(id=widget.id, string_value=widget.options[widget.default])
        return None
    if what == "checkbox":
        widget = element.checkbox
        return WidgetState(id=widget.id, bool_value=widget.value if widget.set_value
                           else widget.default)
    return None


def http_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class PageRun:
    """The messages of one script run, read until the page is complete."""

    def __init__(self, sidebar: dict | None = None):
        self.title = None
        self.charts = 0
        self.bytes = 0
        self.error: str | None = None
        self.detail = ""
        self.pages: dict[str, str] = {}          # url path -> page_script_hash
        # widget id -> WidgetState of the sidebar widgets, as the browser keeps them
        self.sidebar: dict[str, object] = dict(sidebar or {})
        self.seen: set[str] = set()

    def fail(self, kind: str, detail: str = "") -> None:
        if self.error is None:
            self.error, self.detail = kind, detail[:300]

    def read(self, data: bytes) -> bool:
        """Take one ForwardMsg; True when the run is over."""
        from streamlit.proto.Alert_pb2 import Alert
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.bytes += len(data)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "plotly_chart":
                self.charts += 1
            elif what == "heading" and element.heading.tag == "h1" and self.title is None:
                self.title = element.heading.body
            elif what == "exception":
                self.fail("exception", f"{element.exception.type}: "
                                       f"{element.exception.message}")
            elif what == "alert" and element.alert.format == Alert.ERROR:
                self.fail("error_box", element.alert.body)
            elif msg.metadata.delta_path[:1] == [SIDEBAR_CONTAINER]:
                state = widget_state(element, what, self.sidebar)
                if state is not None:
                    self.sidebar[state.id] = state
                    self.seen.add(state.id)
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash
                          for p in msg.navigation.app_pages}
        elif kind == "page_not_found":
            self.fail("not_found", msg.page_not_found.page_name)
        elif kind == "session_event" and msg.session_event.HasField(
                "script_compilation_exception"):
            self.fail("exception", msg.session_event.script_compilation_exception.message)
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.fail("exception", "script compile error")
            return status != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        return False


async def ws_reader(index: int, base: str, phase: Phase, rng: random.Random,
                    think: tuple[float, float]) -> None:
    returning = False
    while time.monotonic() < phase.deadline:
        page, params, then = plan_visit(rng)
        if returning:                   # a reader reads a while before coming back
            await asyncio.sleep(pause(think, rng))
            if time.monotonic() >= phase.deadline:
                break
        returning = True
        phase.readers += 1
        await ws_visit(base, phase, page, params, then, think, rng)


def pause(think: tuple[float, float], rng: random.Random) -> float:
    """A reader's pause between two pages: uniform in [low, high] seconds."""
    low, high = think
    return low + (high - low) * rng.random()


def pids_of(pid) -> tuple[int, ...]:
    """The server's processes: one pid, or several (app processes behind a proxy)."""
    if not pid:
        return ()
    return tuple(pid) if isinstance(pid, (tuple, list)) else (pid,)


def server_cpu(pid) -> float | None:
    """CPU seconds of the server's processes, summed."""
    stats = [_stat(p) for p in pids_of(pid)]
    return sum(stat[1] for stat in stats if stat) if any(stats) else None


def server_rss(pid) -> float | None:
    """Resident memory of the server's processes, summed (MB)."""
    sizes = [rss_mb(p) for p in pids_of(pid)]
    return sum(size for size in sizes if size is not None) if any(sizes) else None


async def ws_visit(base: str, phase: Phase, page: str, params: dict, then: list[str],
                   think: tuple[float, float], rng: random.Random,
                   cpu_pid: int | None = None) -> None:
    """One reader: a deep link, then 2 to 4 links of the navigation in the same session.
    `cpu_pid`: the server's CPU seconds of each page load are recorded (meaningful when
    this reader is alone)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.typing import Subprotocol

    stream = base.replace("http://", "ws://", 1) + "/_stcore/stream"
    lang = "en" if params.get("lang") == "en" else "fr"
    query = urllib.parse.urlencode(params)
    start, cpu = time.monotonic(), server_cpu(cpu_pid)
    # What a browser fetches before the websocket (its scripts are cached).
    statuses = await asyncio.gather(*(asyncio.to_thread(http_get, url) for url in (
        f"{base}/{page}?{query}", f"{base}/_stcore/health", f"{base}/_stcore/host-config")))
    if any(status != 200 for status in statuses):
        phase.record(Load(phase.name, "ws", page, "open", time.monotonic() - start,
                          start - phase.started, "http", f"HTTP {statuses}"))
        await asyncio.sleep(1)
        return
    hashes: dict[str, str] = {}
    sidebar: dict[str, object] = {}
    target, how = page, "open"
    try:
        async with connect(stream, subprotocols=[Subprotocol("streamlit")],
                           max_size=2**26, open_timeout=PAGE_TIMEOUT,
                           close_timeout=5) as ws:
            steps = [(page, "open")] + [(p, "nav") for p in then]
            for number, (target, how) in enumerate(steps):
                if number and time.monotonic() >= phase.deadline:
                    break
                if number:
                    await asyncio.sleep(pause(think, rng))
                    start, cpu = time.monotonic(), server_cpu(cpu_pid)
                message = BackMsg()
                if how == "open":           # the browser's first message
                    message.rerun_script.query_string = query
                    message.rerun_script.page_name = target
                else:       # a click in the navigation: what the browser sends then
                    # (the navigation links the first page as "/")
                    message.rerun_script.page_script_hash = hashes.get(
                        "" if target == PAGES[0] else target, "")
                    # (no query string: the sidebar's values go as widget states)
                    message.rerun_script.widget_states.widgets.extend(sidebar.values())
                run = PageRun(sidebar)
                await ws.send(message.SerializeToString())
                try:
                    async with asyncio.timeout(PAGE_TIMEOUT - (time.monotonic() - start)):
                        while not run.read(await ws.recv()):
                            pass
                except TimeoutError:
                    run.fail("timeout", f"no complete page within {PAGE_TIMEOUT:.0f} s")
                hashes.update(run.pages)
                sidebar = {k: v for k, v in run.sidebar.items() if k in run.seen}
                expected = page_title(target, lang)
                if run.error is None and run.title != expected:
                    run.fail("no_title", f"h1 {run.title!r}, expected {expected!r}")
                load = Load(phase.name, "ws", target, how, time.monotonic() - start,
                            start - phase.started, run.error, run.detail, run.charts,
                            run.bytes)
                if cpu is not None:
                    # The run's last messages arrive as it ends: let the server finish.
                    await asyncio.sleep(0.05)
                    load.server_cpu = server_cpu(cpu_pid) - cpu
                phase.record(load)
                if run.error == "timeout":
                    break
    except (ConnectionClosed, InvalidStatus, OSError, TimeoutError) as error:
        phase.record(Load(phase.name, "ws", target, how, time.monotonic() - start,
                          start - phase.started, "disconnect",
                          f"{type(error).__name__}: {error}"))
        await asyncio.sleep(1)


# -- readers in Chromium ----------------------------------------------------------------------

STATE_JS = """() => {
  const h1 = document.querySelector('[data-testid="stMain"] h1, h1');
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return {
    title: h1 ? h1.innerText.trim() : null,
    running: document.querySelectorAll('[data-testid="stStatusWidget"]').length,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    shape: document.querySelectorAll('[data-testid]').length,
    charts: plots.length,
    drawn: plots.filter(p => p.querySelector('.main-svg') && (p.data || []).length).length,
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')]
      .map(e => e.innerText.slice(0, 200)),
    errors: [...document.querySelectorAll('[data-testid="stAlertContentError"]')]
      .map(e => e.innerText.slice(0, 200)),
  };
}"""


async def wait_drawn(page, title: str, start: float) -> tuple[float, dict]:
    """Wait until the page shows `title`, runs nothing, has no stale element and every
    plotly chart drawn, then 1 s without change. Returns (seconds from `start` to the
    last change, what the page showed)."""
    from playwright.async_api import Error as PlaywrightError

    changed, last, state = time.monotonic(), None, {}
    while time.monotonic() - start < PAGE_TIMEOUT:
        try:
            state = await page.evaluate(STATE_JS)
        except PlaywrightError:         # the document is being replaced (navigation)
            await asyncio.sleep(0.1)
            continue
        if state["exceptions"] or state["errors"]:
            return time.monotonic() - start, state
        ready = (state["title"] == title and not state["running"] and not state["stale"]
                 and state["drawn"] == state["charts"])
        shape = (state["shape"], state["charts"], state["drawn"], state["title"])
        if not ready or shape != last:
            last, changed = (shape if ready else None), time.monotonic()
        elif time.monotonic() - changed >= 1.0:
            return changed - start, state
        await asyncio.sleep(0.1)
    shown = {k: state.get(k) for k in ("title", "running", "stale", "charts", "drawn")}
    raise TimeoutError(f"expected title {title!r}; the page showed {shown}")


class Watch:
    """What a tab reports besides the page: script errors, HTTP errors, websocket closed
    before the reader left."""

    def __init__(self, tab):
        self.problems: list[tuple[str, str]] = []
        self.closing = False
        self.media_missing: list[str] = []      # /media/ files answered 404
        self.stale_media = 0
        tab.on("pageerror", lambda error: self.problems.append(("page_error", str(error))))
        tab.on("response", self.response)
        tab.on("websocket", lambda socket: socket.on("close", self.closed))

    def response(self, response) -> None:
        path = urllib.parse.urlsplit(response.url).path
        if response.status < 400:
            return
        # Opened at /ideas, the front end looks for the server under /ideas/_stcore/ first
        # (its base URL discovery): that 404 is expected.
        if response.status == 404 and path.endswith(("/_stcore/health", "/_stcore/host-config")
                                                     ) and not path.startswith("/_stcore/"):
            return
        # Each download button fetches its file when it is drawn; the buttons of the page
        # being left may do so after the next run has released their files (Streamlit
        # then drops them). Decided once the page is drawn (see settle_media).
        if response.status == 404 and path.startswith("/media/"):
            self.media_missing.append(response.url)
            return
        self.problems.append(("http", f"HTTP {response.status} {response.url}"))

    async def settle_media(self, tab) -> None:
        """Fetch again the /media/ files that were missing while the page was drawn: a
        file of the page shown is there now (then its absence was an error); a file of
        the page left is gone for good (not an error: counted apart)."""
        missing, self.media_missing = self.media_missing, []
        for url in missing:
            again = await tab.request.get(url, fail_on_status_code=False)
            if again.status == 404:
                self.stale_media += 1
            else:
                self.problems.append(("http", f"HTTP 404 {url} while the page was drawn "
                                              f"(then {again.status})"))

    def closed(self, socket) -> None:
        if not self.closing:
            self.problems.append(("disconnect", f"websocket {socket.url} closed"))


async def browser_reader(index: int, base: str, phase: Phase, rng: random.Random,
                         chrome, think: tuple[float, float]) -> None:
    returning = False
    while time.monotonic() < phase.deadline:
        page_key, params, then = plan_visit(rng)
        if returning:
            await asyncio.sleep(pause(think, rng))
            if time.monotonic() >= phase.deadline:
                break
        returning = True
        phase.readers += 1
        lang = "en" if params.get("lang") == "en" else "fr"
        context = await chrome.new_context(viewport={"width": 1400, "height": 900})
        watch = None
        try:
            tab = await context.new_page()
            watch = Watch(tab)
            steps = [(page_key, "open")] + [(p, "nav") for p in then]
            for number, (target, how) in enumerate(steps):
                if number and time.monotonic() >= phase.deadline:
                    break
                if number:
                    await asyncio.sleep(pause(think, rng))
                start = time.monotonic()
                error, detail, charts = None, "", 0
                try:
                    if how == "open":
                        query = urllib.parse.urlencode(params)
                        await tab.goto(f"{base}/{target}?{query}", wait_until="commit",
                                       timeout=PAGE_TIMEOUT * 1000)
                    else:
                        link = tab.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]')
                        if target == "overview" and not await link.count():
                            link = tab.locator('[data-testid="stSidebarNav"] a').first
                        await link.first.click(timeout=PAGE_TIMEOUT * 1000)
                    seconds, state = await wait_drawn(tab, page_title(target, lang), start)
                    await watch.settle_media(tab)
                    charts = state["charts"]
                    if state["exceptions"]:
                        error, detail = "exception", state["exceptions"][0]
                    elif state["errors"]:
                        error, detail = "error_box", state["errors"][0]
                except TimeoutError as late:
                    seconds, error = time.monotonic() - start, "timeout"
                    detail = f"not drawn within {PAGE_TIMEOUT:.0f} s: {late}"
                except Exception as failure:    # Playwright: timeout, page crashed...
                    seconds = time.monotonic() - start
                    error = "timeout" if "Timeout" in type(failure).__name__ else "page_error"
                    detail = f"{type(failure).__name__}: {failure}"
                if error is None and watch.problems:
                    error, detail = watch.problems[0]
                watch.problems.clear()
                phase.record(Load(phase.name, "browser", target, how, seconds,
                                  start - phase.started, error, detail[:300], charts))
                if error in ("timeout", "page_error"):
                    break
        finally:
            if watch:
                watch.closing = True
                phase.stale_media += watch.stale_media
            await context.close()


# -- phases -------------------------------------------------------------------------------------

async def sample_rss(phase: Phase, pid: int | None, meter: CpuMeter | None,
                     stop: asyncio.Event) -> None:
    while not stop.is_set():
        if pid:
            value = server_rss(pid)
            if value is not None:
                phase.rss.append((round(time.monotonic() - phase.started, 1), value))
        if meter:
            meter.sample()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)


async def run_phase(name: str, seconds: float, base: str, pid: int | None, ws_count: int,
                    browser_count: int, think: tuple[float, float], seed: int) -> Phase:
    phase = Phase(name, seconds)
    phase.started = time.monotonic()
    phase.deadline = phase.started + seconds
    meter = CpuMeter(pid)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(phase, pid, meter, stop))
    tasks = []
    async with contextlib.AsyncExitStack() as stack:
        if browser_count:
            from playwright.async_api import async_playwright

            playwright = await stack.enter_async_context(async_playwright())
            chrome = await playwright.chromium.launch(
                executable_path=harness.chromium_path(), headless=True,
                args=harness.CHROMIUM_FLAGS)
            stack.push_async_callback(chrome.close)
        for index in range(ws_count + browser_count):
            rng = random.Random(f"{seed}-{name}-{index}")
            if index < browser_count:
                reader = browser_reader(index, base, phase, rng, chrome, think)
            else:
                reader = ws_reader(index, base, phase, rng, think)
            tasks.append(asyncio.create_task(reader))
            await asyncio.sleep(min(0.1, seconds / 100))      # a 2.5 s ramp for 25 readers
        # Readers start no page after the deadline; a page started before may take
        # PAGE_TIMEOUT more. Past that, whatever is left is cancelled.
        done, pending = await asyncio.wait(tasks, timeout=seconds + PAGE_TIMEOUT + 30)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception():
                phase.record(Load(name, "ws", "-", "-", 0, 0, "page_error",
                                  f"reader crashed: {task.exception()!r}"))
    stop.set()
    await sampler
    phase.cpu = meter.summary()
    return phase


async def open_once(base: str, page: str, timeout: float = PAGE_TIMEOUT) -> tuple[float, PageRun]:
    """One reader opens `page` (default view) and leaves: (seconds, what it received)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    start = time.monotonic()
    stream = base.replace("http://", "ws://", 1) + "/_stcore/stream"
    run = PageRun()
    async with connect(stream, subprotocols=[Subprotocol("streamlit")], max_size=2**26,
                       open_timeout=timeout, close_timeout=5) as ws:
        message = BackMsg()
        message.rerun_script.page_name = page
        await ws.send(message.SerializeToString())
        try:
            async with asyncio.timeout(timeout):
                while not run.read(await ws.recv()):
                    pass
        except TimeoutError:
            run.fail("timeout", f"no complete page within {timeout:.0f} s")
    return time.monotonic() - start, run


async def warm_up(base: str) -> dict:
    """Each page once, one after the other, so that the load measures a started server
    (the first loads compute the results of the default view). Cold times, in seconds."""
    times: dict = {}
    for page in PAGES:
        seconds, run = await open_once(base, page, timeout=3 * PAGE_TIMEOUT)
        times[page] = round(seconds, 2)
        if run.error:
            times[f"{page} error"] = f"{run.error}: {run.detail}"
    return times


async def cpu_per_view(base: str, pid: int, views: int, seed: int) -> dict:
    """The server's CPU seconds per page view, one reader alone (so that the CPU the server
    uses between the request and the complete page is that page's): visits (a deep link
    then links of the navigation) until `views` page views, then the same visits again.
    "first": the first view of each address (what a cache miss costs after the warm-up);
    "warm": the same views again (what a reader costs once the view was seen)."""
    rng = random.Random(f"{seed}-cpu")
    visits, planned = [], 0
    while planned < views:
        page, params, then = plan_visit(rng)
        visits.append((page, params, then[: views - planned - 1]))
        planned += 1 + len(visits[-1][2])
    found = {}
    for name in ("first", "warm"):
        phase = Phase(f"cpu-{name}", 0)
        phase.started = time.monotonic()
        phase.deadline = math.inf
        for page, params, then in visits:
            await ws_visit(base, phase, page, params, then, (0.0, 0.0), rng, cpu_pid=pid)
        cpu = [load.server_cpu for load in phase.loads
               if load.error is None and load.server_cpu is not None]
        found[name] = {"views": len(phase.loads), "errors": sum(1 for x in phase.loads
                                                               if x.error),
                       "median_ms": _ms(percentile(cpu, 50)), "p95_ms": _ms(percentile(cpu, 95)),
                       "max_ms": _ms(max(cpu) if cpu else None),
                       "by_page_median_ms": {page: _ms(percentile(
                           [x.server_cpu for x in phase.loads if x.page == page
                            and x.error is None and x.server_cpu is not None], 50))
                           for page in PAGES}}
    return found


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds)


# -- report -------------------------------------------------------------------------------------

def phase_report(phase: Phase) -> dict:
    loads = phase.loads
    pages = {}
    for page in PAGES:
        mine = [load for load in loads if load.page == page]
        pages[page] = {"ws": stats([x for x in mine if x.client == "ws"]),
                       "browser": stats([x for x in mine if x.client == "browser"]),
                       "charts": round(sum(x.charts for x in mine if x.client == "ws")
                                       / max(sum(1 for x in mine if x.client == "ws"), 1), 1)}
    errors = {kind: sum(1 for load in loads if load.error == kind) for kind in ERROR_KINDS}
    rss = [mb for _, mb in phase.rss]
    return {
        "seconds": phase.seconds,
        "readers": phase.readers,
        "loads": len(loads),
        "loads_per_second": round(len(loads) / phase.seconds, 2) if phase.seconds else None,
        "errors": sum(errors.values()),
        "errors_by_kind": {k: v for k, v in errors.items() if v},
        "error_samples": [asdict(load) for load in loads if load.error][:10],
        "pages": pages,
        "overall": {"ws": stats([x for x in loads if x.client == "ws"]),
                    "browser": stats([x for x in loads if x.client == "browser"]),
                    "ws_open": stats([x for x in loads if x.client == "ws" and x.how == "open"]),
                    "ws_nav": stats([x for x in loads if x.client == "ws" and x.how == "nav"]),
                    "ws_after_arrival": stats([x for x in loads if x.client == "ws"
                                               and x.started >= ARRIVAL])},
        "by_minute": by_minute(loads),
        "mb_sent_by_server": round(sum(x.bytes for x in loads) / 2**20, 1),
        "stale_media_404": phase.stale_media,
        "rss_peak": round(max(rss), 1) if rss else None,
        "rss_end": round(rss[-1], 1) if rss else None,
        "rss_series": phase.rss,
        "cpu": phase.cpu,
    }


def by_minute(loads: list[Load]) -> list[dict]:
    """Websocket page times by the minute their load started: the readers' arrival (every
    reader's first page, caches still empty) against the rest of the run."""
    minutes: dict[int, list[Load]] = {}
    for load in loads:
        if load.client == "ws":
            minutes.setdefault(int(load.started // 60), []).append(load)
    return [{"minute": minute, **stats(mine)} for minute, mine in sorted(minutes.items())]


def fmt(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def print_phase(title: str, report: dict, out=sys.stdout) -> None:
    print(f"\n{title}", file=out)
    head = (f"{'page':<14} {'ws loads':>8} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
            f"{'charts':>6} | {'browser':>7} {'p50 s':>6} {'p95 s':>6} {'max s':>6} | "
            f"{'errors':>6}")
    print(head, file=out)
    print("-" * len(head), file=out)

    def row(name, ws, browser, charts=""):
        errors = ws["errors"] + browser["errors"]
        print(f"{name:<14} {ws['loads']:>8} {fmt(ws['p50']):>6} {fmt(ws['p95']):>6} "
              f"{fmt(ws['max']):>6} {charts:>6} | {browser['loads']:>7} "
              f"{fmt(browser['p50']):>6} {fmt(browser['p95']):>6} {fmt(browser['max']):>6} | "
              f"{errors:>6}", file=out)

    for page, item in report["pages"].items():
        row(page, item["ws"], item["browser"], f"{item['charts']:.1f}")
    print("-" * len(head), file=out)
    overall = report["overall"]
    row("all", overall["ws"], overall["browser"])
    print(f"{'  ws: open':<14} {overall['ws_open']['loads']:>8} "
          f"{fmt(overall['ws_open']['p50']):>6} {fmt(overall['ws_open']['p95']):>6} "
          f"{fmt(overall['ws_open']['max']):>6}", file=out)
    print(f"{'  ws: nav':<14} {overall['ws_nav']['loads']:>8} "
          f"{fmt(overall['ws_nav']['p50']):>6} {fmt(overall['ws_nav']['p95']):>6} "
          f"{fmt(overall['ws_nav']['max']):>6}", file=out)
    if len(report.get("by_minute") or []) > 1:
        print("  ws p95 by minute of the load: " + ", ".join(
            f"{m['minute']}-{m['minute'] + 1}: {fmt(m['p95'])}" for m in report["by_minute"]),
            file=out)
        later = report["overall"].get("ws_after_arrival") or {}
        print(f"  ws after the first minute (readers arrived): {later.get('loads')} loads, "
              f"p50 {fmt(later.get('p50'))}, p95 {fmt(later.get('p95'))}, "
              f"max {fmt(later.get('max'))}", file=out)
    kinds = ", ".join(f"{k} {v}" for k, v in report["errors_by_kind"].items()) or "none"
    print(f"page loads {report['loads']} ({report['loads_per_second']}/s) by "
          f"{report['readers']} readers; errors {report['errors']} ({kinds}); "
          f"server sent {report['mb_sent_by_server']} MB to websocket readers", file=out)
    if report["stale_media_404"]:
        print(f"(not errors: {report['stale_media_404']} download buttons of a page being "
              "left fetched their file after Streamlit had dropped it: HTTP 404)", file=out)
    for sample in report["error_samples"][:5]:
        print(f"  error: {sample['client']} {sample['page']} ({sample['how']}) "
              f"{sample['error']}: {sample['detail'][:160]}", file=out)
    cpu = report["cpu"] or {}
    if cpu.get("server_seconds") is not None and report["loads"]:
        print(f"server CPU per page view: {1000 * cpu['server_seconds'] / report['loads']:.0f} "
              f"ms on average ({cpu['server_seconds']:.1f} CPU s / {report['loads']} page "
              "loads)", file=out)
    print(f"CPU (% of one core): server {fmt(cpu.get('server'), 0)}, load client "
          f"{fmt(cpu.get('client'), 0)}, others {fmt(cpu.get('others'), 0)}; machine "
          f"{fmt(cpu.get('machine'), 0)} of {100 * cpu.get('cores', 1)}", file=out)


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info
                      if line.startswith("model name")), "")
    memory = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as info:
        memory = round(int(next(line for line in info
                                if line.startswith("MemTotal")).split()[1]) / 2**20, 1)
    import streamlit

    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": memory,
            "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "streamlit": streamlit.__version__,
            "loadavg_before": os.getloadavg()}


# -- the command --------------------------------------------------------------------------------

def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.load.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=tuple(PROFILES), default="clicking",
                        help="clicking: readers click without pause (the worst case; "
                             "defaults 25 readers, 60 s); reading: pauses of 5 to 30 s "
                             "between pages (defaults 100 readers, 600 s)")
    parser.add_argument("--sessions", type=int,
                        help=f"concurrent readers, browsers included (max {MAX_SESSIONS}; "
                             f"{MAX_READING_SESSIONS} reading)")
    parser.add_argument("--browsers", type=int, default=1,
                        help=f"of which real Chromium pages (max {MAX_BROWSERS}; 0 when "
                             "Chromium is missing)")
    parser.add_argument("--seconds", type=float,
                        help=f"duration of the load (max {MAX_SECONDS})")
    parser.add_argument("--soak", type=float, default=0,
                        help=f"then this many seconds of soak, RSS every 10 s (max {MAX_SOAK})")
    parser.add_argument("--think", type=float,
                        help="pause between two pages of a reader: random in [THINK_MIN, "
                             "THINK] s (profile's default)")
    parser.add_argument("--think-min", type=float, help="(profile's default)")
    parser.add_argument("--cpu-views", type=int, default=24,
                        help="after the warm-up, one reader alone opens this many page views "
                             "twice (first view, then warm), the server's CPU measured per "
                             "view (0: skip)")
    parser.add_argument("--url", help="attach to a running app (loopback only) instead of "
                                      "starting one")
    parser.add_argument("--pid", type=int, action="append",
                        help="server process (default: the one listening on the URL's port); "
                             "repeat for several app processes behind a proxy")
    parser.add_argument("--proxy", type=int, default=0, metavar="APPS",
                        help="start APPS app processes behind HAProxy with sticky sessions "
                             "(deploy.proxy) and load the proxy")
    parser.add_argument("--ports", type=int, metavar="FIRST",
                        help="with --proxy: the proxy on FIRST, the apps on FIRST+1... "
                             "(default: free ports)")
    parser.add_argument("--no-warmup", action="store_true",
                        help="measure a cold server (first loads compute everything)")
    parser.add_argument("--max-slope", type=float, default=10.0,
                        help="soak verdict: growth above this many MB/min over the second "
                             "half of the soak (and above twice its error) is 'steady "
                             "growth'")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment of the server started (e.g. MALLOC_ARENA_MAX=2); "
                             "repeatable")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the full report (JSON) there")
    options = parser.parse_args(argv)
    for name, value in PROFILES[options.profile].items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    reading = options.profile == "reading"
    for name, cap in (("sessions", MAX_READING_SESSIONS if reading else MAX_SESSIONS),
                      ("browsers", MAX_BROWSERS), ("seconds", MAX_SECONDS),
                      ("soak", MAX_SOAK), ("think", 30), ("think_min", options.think),
                      ("cpu_views", 200)):
        value = getattr(options, name)
        if value < 0 or value > cap:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and {cap} "
                         f"(found {value})")
    if options.sessions < 1:
        parser.error("--sessions must be at least 1")
    if options.browsers and not harness.chromium_path():
        print("Chromium not found: websocket readers only.", file=sys.stderr)
        options.browsers = 0
    options.browsers = min(options.browsers, options.sessions)
    if any("=" not in item for item in options.server_env):
        parser.error("--server-env takes NAME=VALUE")
    if options.url and options.proxy:
        parser.error("--proxy starts its own servers: not with --url")
    if options.proxy and not 1 <= options.proxy <= 8:
        parser.error("--proxy must be between 1 and 8 app processes")
    if options.url and options.server_env:
        parser.error("--server-env applies to the server this command starts, not to --url")
    if options.url:
        host = urllib.parse.urlsplit(options.url).hostname
        if host not in LOOPBACK:
            parser.error(f"--url must be on loopback ({', '.join(sorted(LOOPBACK))}); "
                         f"found {host}")
        options.url = options.url.rstrip("/")
    return options


async def measure(options: argparse.Namespace, base: str, pid: int | None) -> dict:
    # Readers fetch their page's HTML in threads: one per request, no queue in the client.
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(max_workers=3 * options.sessions + 4))
    report = {"machine": machine(), "url": base, "server_pid": pid,
              "options": {k: (str(v) if isinstance(v, Path) else v)
                          for k, v in vars(options).items()},
              "rss": {"start": server_rss(pid) if pid else None}}
    if not options.no_warmup:
        report["warm_up"] = await warm_up(base)
    if options.cpu_views and pid:
        report["cpu_per_view"] = await cpu_per_view(base, pid, options.cpu_views,
                                                    options.seed)
    ws_count = options.sessions - options.browsers
    report["rss"]["before"] = server_rss(pid) if pid else None
    phases = {}
    if options.seconds:
        phases["load"] = phase_report(await run_phase(
            "load", options.seconds, base, pid, ws_count, options.browsers,
            (options.think_min, options.think), options.seed))
    if options.soak:
        soak = await run_phase("soak", options.soak, base, pid, ws_count, options.browsers,
                               (options.think_min, options.think), options.seed)
        phases["soak"] = phase_report(soak)
        phases["soak"]["rss_every_10s"] = every(soak.rss, SOAK_EVERY)
        phases["soak"].update(verdict(phases["soak"]["rss_every_10s"], options.max_slope))
    await asyncio.sleep(SETTLE)
    report["rss"]["after"] = server_rss(pid) if pid else None
    peaks = [p["rss_peak"] for p in phases.values() if p["rss_peak"] is not None]
    report["rss"]["peak"] = max(peaks) if peaks else None
    report["rss"]["end"] = next((p["rss_end"] for p in reversed(phases.values())), None)
    report["phases"] = phases
    report["errors"] = (sum(p["errors"] for p in phases.values())
                        + sum(v["errors"] for v in (report.get("cpu_per_view") or {}).values()))
    report["loadavg_after"] = os.getloadavg()
    for key, value in report["rss"].items():
        report["rss"][key] = None if value is None else round(value, 1)
    return report


def every(series: list[tuple[float, float]], step: float) -> list[tuple[float, float]]:
    """One sample per `step` seconds (the first at or after each multiple)."""
    picked, next_t = [], 0.0
    for t, mb in series:
        if t >= next_t:
            picked.append((round(t), round(mb, 1)))
            next_t = (math.floor(t / step) + 1) * step
    return picked


def verdict(series: list[tuple[float, float]], max_slope: float) -> dict:
    """Steady growth: over the second half of the soak (caches and the 2-minute store of
    closed sessions have filled by then), RSS rises faster than `max_slope` MB/min and
    the rise is more than twice its standard error (not the noise of 25 page runs)."""
    half = [point for point in series if point[0] >= series[-1][0] / 2] if series else []
    whole, late = slope_mb_per_min(series), slope_mb_per_min(half)
    growth = late is not None and late[0] > max_slope and late[0] > 2 * late[1]
    if late is None:
        text = "not enough samples"
    elif growth:
        text = (f"STEADY GROWTH: {late[0]:+.1f} ± {2 * late[1]:.1f} MB/min over the second "
                f"half (> {max_slope})")
    else:
        text = (f"no steady growth: {late[0]:+.1f} ± {2 * late[1]:.1f} MB/min over the "
                f"second half (growth means > {max_slope} and > twice its error)")
    return {"slope_mb_per_min": None if whole is None else round(whole[0], 2),
            "slope_second_half_mb_per_min": None if late is None else round(late[0], 2),
            "slope_second_half_2se": None if late is None else round(2 * late[1], 2),
            "verdict": text, "growth": growth}


def print_report(report: dict, out=sys.stdout) -> None:
    options, box = report["options"], report["machine"]
    browsers = options["browsers"]
    print(f"Load test of {report['url']} (server pid {report['server_pid']}): "
          f"{options['sessions']} concurrent readers ({options['sessions'] - browsers} "
          f"websocket + {browsers} Chromium), profile {options['profile']}, pauses "
          f"{options['think_min']:g}-{options['think']:g} s between pages"
          + (f"; server environment {' '.join(options['server_env'])}"
             if options["server_env"] else ""), file=out)
    print(f"machine: {box['cores']} cores {box['cpu']}, {box['memory_gib']} GiB, "
          f"{box['system']}; Python {box['python']}, Streamlit {box['streamlit']}; "
          f"load average before {box['loadavg_before'][0]:.2f}", file=out)
    if report.get("warm_up"):
        print("warm-up (cold, one reader, s): " + ", ".join(
            f"{k} {v}" for k, v in report["warm_up"].items()), file=out)
    for name, item in (report.get("cpu_per_view") or {}).items():
        pages = ", ".join(f"{k} {v}" for k, v in item["by_page_median_ms"].items()
                          if v is not None)
        print(f"server CPU per page view, one reader alone, {name} views: median "
              f"{fmt(item['median_ms'], 0)} ms, p95 {fmt(item['p95_ms'], 0)} ms, max "
              f"{fmt(item['max_ms'], 0)} ms over {item['views']} views ({item['errors']} "
              f"errors); median by page (ms): {pages}", file=out)
    for name, phase in report["phases"].items():
        print_phase(f"== {name}: {phase['seconds']:.0f} s; page time in seconds "
                    "(ws: request -> page complete on the websocket; browser: navigation -> "
                    "last chart drawn)", phase, out)
    rss = report["rss"]
    print(f"\nserver RSS (MB): start {fmt(rss['start'], 0)}, before {fmt(rss['before'], 0)}"
          f", peak {fmt(rss['peak'], 0)}, end {fmt(rss['end'], 0)}, after "
          f"{fmt(rss['after'], 0)} ({SETTLE:.0f} s after the last reader)", file=out)
    soak = report["phases"].get("soak")
    if soak:
        print("soak RSS every 10 s (s: MB): " + ", ".join(
            f"{t}: {mb:.0f}" for t, mb in soak["rss_every_10s"]), file=out)
        print(f"soak slope: {fmt(soak['slope_mb_per_min'], 1)} MB/min overall -> "
              f"{soak['verdict']}", file=out)
    print(f"errors: {report['errors']}; load average (1, 5, 15 min) at the end: "
          + ", ".join(f"{x:.2f}" for x in report.get("loadavg_after") or ()), file=out)


def ensure_demo() -> None:
    if not (ROOT / "data" / "consultations" / "solutions-jeunes").exists():
        import subprocess

        subprocess.run([sys.executable, "-m", "analytics", "demo"], cwd=ROOT, check=True,
                       timeout=600)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    # Stopped by SIGTERM (e.g. `timeout`): unwind like Ctrl-C, so that the readers close
    # and serve_app stops the server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with contextlib.ExitStack() as stack:
        app_ports = []
        if options.url:
            base = options.url
        elif options.proxy:
            from deploy import proxy

            ensure_demo()
            env = dict(item.split("=", 1) for item in options.server_env)
            port, *app_ports = (range(options.ports, options.ports + options.proxy + 1)
                                if options.ports else
                                [harness.free_port() for _ in range(options.proxy + 1)])
            base = stack.enter_context(proxy.serve(options.proxy, port, env=env,
                                                   app_ports=app_ports))
        else:
            ensure_demo()
            env = dict(item.split("=", 1) for item in options.server_env)
            base = stack.enter_context(harness.serve_app(env))
        # The server's processes: the apps behind the proxy, else the one on the port.
        pid = (tuple(options.pid) if options.pid else
               tuple(filter(None, map(pid_listening_on, app_ports))) if app_ports else
               pid_listening_on(urllib.parse.urlsplit(base).port or 80))
        print(f"server {base}, pid {pid}", file=sys.stderr, flush=True)  # for kill -USR1
        report = asyncio.run(measure(options, base, pid))
    print_report(report)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    growth = (report["phases"].get("soak") or {}).get("growth")
    return 1 if report["errors"] or growth else 0


if __name__ == "__main__":
    sys.exit(main())
