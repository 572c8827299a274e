"""`python -m analytics bench --votes N`: how fast the engine computes the results
of a vote-level bundle of N votes, against a straightforward pandas implementation
of the same results and a bare DuckDB scan of the vote columns, and how fast the
app's pages draw.

Every timed step runs in a process of its own (`python -m analytics.bench.votes STEP PATH`)
so that its peak memory is its own: the peak resident set size (VmHWM) is reset just
before the timed part and read just after it. The steps (STEPS below say exactly what
each one includes) are printed with their times, peak memory and ratios.

The pandas reference (`reference_results`) is deliberately plain pandas: read the
tables, groupby/unstack the votes, merge, compute scores with the SPEC formulas, sort.
It assumes a valid bundle (no validation). `compare` checks that it gives the same
numbers as the engine; the bench prints the outcome and tests/test_bench.py checks it.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from analytics.bench.pandas_reference import VOTE_COLUMNS, reference_results
from analytics.vocabulary import COUNT_KEYS

REPO = Path(__file__).resolve().parents[2]
BENCH_DIR = REPO / ".bench"
PAGES = ("overview", "ideas", "debate_map", "controversial", "participation", "explorer",
         "segments", "groups")
# A page that reads no data: what opening any page costs (Streamlit's own start in the
# browser), timed alongside the others.
FLOOR_PAGE = "upload"
# Above this many votes the steps that hold every vote in memory are left out by default.
LARGE = 30_000_000


@dataclass(frozen=True)
class Step:
    name: str
    what: str


STEPS = (
    Step("scan", "bare DuckDB scan: sum(length(c)) over the 4 vote columns of the Parquet "
                 "file (the floor)"),
    Step("open", "CLI path: validate every rule of the bundle and create views over the "
                 "files (open_source(path, materialize=False))"),
    Step("results", "full results object from the opened source, views over Parquet "
                    "(source.results(); what `results` does after `open`)"),
    Step("cli", "`python -m analytics results PATH` end to end in-process: open + results "
                "+ JSON written to /dev/null"),
    Step("app_open", "app path: validate and copy the tables into DuckDB "
                     "(open_source(path), materialize=True)"),
    Step("app_results", "full results object from the materialized source (a page's cache "
                        "miss)"),
    Step("pandas", "pandas reference: read the Parquet/CSV tables and compute the same "
                   "results (no validation)"),
    Step("timeline", "the results' timeline alone (analytics.metrics.timeline.daily_timeline) "
                     "on the opened source: what it adds to `results`"),
    Step("polars", "Polars reference: lazy scans, streaming aggregations, the same results "
                   "(no validation; analytics.bench.polars_reference)"),
    Step("cache_build", "app path, first start: validate, copy into DuckDB and write the "
                        "consultation cache file (open_source(path, cached=True), empty cache)"),
    Step("cache_open", "app path, restarted server: open the cached file read-only "
                       "(open_source(path, cached=True), warm cache)"),
    Step("cache_results", "full results object from the cached file (the first page's "
                          "computation after a restart)"),
    Step("restart", "a server started on a warm cache: the first page (overview) in "
                    "headless Chromium, from navigation to the last chart drawn"),
)
STEP_NAMES = tuple(step.name for step in STEPS)
LARGE_STEPS = ("scan", "open", "results", "cli", "timeline", "polars", "cache_build",
               "cache_open", "cache_results", "restart")
# The consultation cache of the bench (analytics.store.cache), beside its bundles.
CACHE_STEPS = ("cache_build", "cache_open", "cache_results")


# -- bundles --------------------------------------------------------------------------------

def bundle_path(votes: int, root: Path = BENCH_DIR) -> Path:
    return Path(root) / f"votes-{votes}"


def ensure_bundle(votes: int, root: Path = BENCH_DIR, progress=None) -> Path:
    """The bench bundle of `votes` votes under root, generated when absent (the
    generator writes atomically: a folder that exists is complete)."""
    from analytics.demo import generate
    from analytics.demo.generator import GENERATOR_VERSION

    path = bundle_path(votes, root)
    meta = path / "consultation.json"
    if meta.is_file() and (path / "votes.parquet").is_file():
        found = json.loads(meta.read_text(encoding="utf-8")).get("generator", {})
        if found.get("version") == GENERATOR_VERSION:
            return path
    return generate(path, votes=votes, progress=progress)


# -- comparing with the engine --------------------------------------------------------------

SCORES = ("top_score", "controversy", "rejection", "engagement")
SHARES = ("agree", "disagree", "neutral", "like_it", "doable", "no_way", "impossible",
          "platitude")
TOLERANCE = 1e-9


def _close(a, b) -> bool:
    a = np.nan if a is None else float(a)
    b = np.nan if b is None else float(b)
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def _engine_columns(items: list[dict]) -> dict[str, list]:
    """The engine's proposal items as columns named like the reference's."""
    columns: dict[str, list] = {"proposal_id": [p["id"] for p in items],
                                "votes": [p["votes"] for p in items],
                                "zone": [p.get("zone") for p in items]}
    for key in COUNT_KEYS:
        columns[key] = [p.get("counts", {}).get(key) for p in items]
    for key in SHARES:
        columns[f"share.{key}"] = [p.get("shares", {}).get(key) for p in items]
    for name in SCORES:
        for part in ("score", "lower", "upper"):
            columns[f"{name}.{part}"] = [(p.get(name) or {}).get(part) for p in items]
    return columns


def _compare_columns(what: str, ids, mine: dict[str, list], theirs: pd.DataFrame,
                     differences: list[str]) -> None:
    for column, values in mine.items():
        expected = theirs[column].tolist()
        exact = column in ("proposal_id", "idea_id", "zone", "votes", "proposals", *COUNT_KEYS)
        for i, (a, b) in enumerate(zip(values, expected, strict=True)):
            same = a == b if exact else _close(a, b)
            if not same:
                differences.append(f"{what} {ids[i]}: {column} engine {a!r} pandas {b!r}")
                break


def _compare_proposals(engine: dict, reference: dict, differences: list[str]) -> None:
    items, table = engine["proposals"], reference["proposals"]
    if len(items) != len(table):
        differences.append(f"proposals: engine {len(items)} pandas {len(table)}")
        return
    mine = _engine_columns(items)
    _compare_columns("proposal", mine["proposal_id"], mine, table, differences)


def _compare_ideas(engine: dict, reference: dict, differences: list[str]) -> None:
    ideas = reference["ideas"]
    if ideas is None:
        return
    if engine["ranked_ideas"] != ideas["idea_id"].tolist():
        differences.append(f"ranked ideas: engine {engine['ranked_ideas']} "
                           f"pandas {ideas['idea_id'].tolist()}")
        return
    flat = {i["idea_id"]: i for axis in engine["top_ideas"] for i in axis["ideas"]}
    ordered = [flat[idea] for idea in engine["ranked_ideas"]]
    mine = {"idea_id": [i["idea_id"] for i in ordered],
            "votes": [i["votes"] for i in ordered],
            "proposals": [i["proposals"] for i in ordered],
            "zone": [i.get("zone") for i in ordered],
            "share.agree": [i.get("agreement") for i in ordered],
            "share.like_it": [i.get("adhesion") for i in ordered],
            "share.doable": [i.get("realistic") for i in ordered]}
    for part in ("score", "lower", "upper"):
        mine[f"top_score.{part}"] = [i["top_score"][part] for i in ordered]
    _compare_columns("idea", mine["idea_id"], mine, ideas, differences)


def _compare_list(name: str, engine: dict, reference: dict, differences: list[str]) -> None:
    items, table = engine[name], reference[name]
    score = "controversy" if name == "controversials" else "rejection"
    if [i["id"] for i in items] != table["proposal_id"].tolist():
        differences.append(f"{name}: engine {[i['id'] for i in items]} "
                           f"pandas {table['proposal_id'].tolist()}")
        return
    mine = {"proposal_id": [i["id"] for i in items], "votes": [i["votes"] for i in items]}
    for key in ("agree", "disagree", "like_it", "no_way"):
        mine[f"share.{key}"] = [i[key] for i in items]
    for part in ("score", "lower", "upper"):
        mine[f"{score}.{part}"] = [i[score][part] for i in items]
    _compare_columns(name, mine["proposal_id"], mine, table, differences)


def _compare_participation(engine: dict, reference: dict, differences: list[str]) -> None:
    keys = ("label", "participants", "votes", "participants_share", "votes_share",
            "population_share")
    for dimension, expected in reference["participation"].items():
        found = engine["participation"].get(dimension, [])
        if [r["label"] for r in found] != [r["label"] for r in expected]:
            differences.append(f"participation {dimension}: labels engine "
                               f"{[r['label'] for r in found]} pandas "
                               f"{[r['label'] for r in expected]}")
            continue
        for mine, theirs in zip(found, expected, strict=True):
            wrong = [k for k in keys if not (mine.get(k) == theirs.get(k) or (
                isinstance(theirs.get(k), float) and _close(mine.get(k), theirs.get(k))))]
            if wrong:
                differences.append(f"participation {dimension} {mine['label']}: {wrong[0]} "
                                   f"engine {mine.get(wrong[0])!r} "
                                   f"pandas {theirs.get(wrong[0])!r}")


def compare(engine: dict, reference: dict) -> list[str]:
    """Differences between the engine's results and the pandas reference (empty: same)."""
    differences = []
    for key in ("participants", "proposals", "votes"):
        if engine["key_figures"][key] != reference["key_figures"][key]:
            differences.append(f"key figure {key}: engine {engine['key_figures'][key]} "
                               f"pandas {reference['key_figures'][key]}")
    _compare_proposals(engine, reference, differences)
    _compare_ideas(engine, reference, differences)
    for name in ("controversials", "rejected"):
        _compare_list(name, engine, reference, differences)
    _compare_participation(engine, reference, differences)
    return differences


# -- one step, in its own process ----------------------------------------------------------

def _peak_mb() -> float:
    """Peak resident set size of this process since the last reset, in MB."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (VmHWM) from the current size (Linux >= 4.0; elsewhere the peak
    stays the process's)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _cpu_seconds() -> float:
    """CPU time of this process, every thread (DuckDB's too): less sensitive than the
    wall clock to other work on a shared machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _scan(path: Path):
    from analytics.inputs.bundle import new_connection

    con = new_connection()
    columns = ", ".join(f"sum(length({c}))" for c in VOTE_COLUMNS)
    return con.execute(f"SELECT count(*), {columns} FROM read_parquet('{path}/votes.parquet')"
                       ).fetchone()


def _cli(path: Path):
    """`python -m analytics results PATH` in-process, as its command runs it: open, results,
    the JSON written out (analytics.present.export.results_json); the CLI itself is above
    the bench, which it runs."""
    from analytics.consultations.open import open_source
    from analytics.present.export import results_json

    results = open_source(path, materialize=False).results()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.write(results_json(results) + "\n")
    return 0


def cache_dir(bundle: Path) -> Path:
    return Path(bundle).parent / "cache"


def _prepare(name: str, path: Path):
    from analytics.consultations.open import open_source
    from analytics.store import cache as store

    if name in CACHE_STEPS:
        os.environ[store.CACHE_VARIABLE] = str(cache_dir(path))
        root = store.cache_folder()
        root.mkdir(parents=True, exist_ok=True)
        target = store.cache_path(root, path, store.fingerprint(path))
        if name == "cache_build":           # an empty cache: the first start
            for old in (target, store.seal_path(target)):
                old.unlink(missing_ok=True)
            return None
        source = open_source(path, cached=True)     # built once when missing
        return source if name == "cache_results" else None
    if name in ("results", "timeline"):
        return open_source(path, materialize=False)
    if name == "app_results":
        return open_source(path)
    return None


def _work(name: str, path: Path, prepared):
    from analytics.consultations.open import open_source

    if name == "scan":
        return _scan(path)
    if name == "open":
        return open_source(path, materialize=False)
    if name == "app_open":
        return open_source(path)
    if name in ("cache_build", "cache_open"):
        return open_source(path, cached=True)
    if name == "polars":
        from analytics.bench.polars_reference import polars_results

        return polars_results(path)
    if name in ("results", "app_results", "cache_results"):
        return prepared.results()
    if name == "cli":
        return _cli(path)
    if name == "timeline":
        from analytics.metrics.timeline import daily_timeline

        return daily_timeline(prepared.sql, prepared.meta)
    return reference_results(path)


# participation_cells as they were before the load split them by day (the timeline's
# share of the load is the difference).
CELLS_WITHOUT_DAY_SQL = """
    WITH per_participant AS (
        SELECT participant_id, count(*) AS votes FROM votes GROUP BY participant_id
    )
    SELECT p.gender, p.age_band, p.region_code, p.department_code,
           p.participant_id IS NOT NULL AS known,
           count(*) AS participants, sum(pp.votes) AS votes
    FROM per_participant pp
    LEFT JOIN participants p ON p.participant_id = pp.participant_id
    GROUP BY p.gender, p.age_band, p.region_code, p.department_code,
             p.participant_id IS NOT NULL
"""


def _cells_seconds(source) -> dict:
    """Time (best of 2) to make participation_cells with and without the day."""
    from analytics.inputs.bundle import PARTICIPATION_CELLS_SQL

    found = {}
    for key, sql in (("cells_with_day", PARTICIPATION_CELLS_SQL),
                     ("cells_without_day", CELLS_WITHOUT_DAY_SQL)):
        times = []
        for _ in range(2):
            start, cpu = time.perf_counter(), _cpu_seconds()
            source.con.execute(f"CREATE OR REPLACE TEMP TABLE bench_cells AS {sql}")
            times.append((time.perf_counter() - start, _cpu_seconds() - cpu))
        found[key], found[key + "_cpu"] = min(times)
    return found


def run_step(name: str, path: Path) -> dict:
    """Run one step here: {seconds, peak_mb, ...}; `pandas` also checks its numbers
    against the engine's (after the timing)."""
    prepared = _prepare(name, path)
    _reset_peak()
    start, cpu = time.perf_counter(), _cpu_seconds()
    value = _work(name, path, prepared)
    measured = {"step": name, "seconds": time.perf_counter() - start,
                "cpu": _cpu_seconds() - cpu, "peak_mb": _peak_mb()}
    if name in ("pandas", "polars"):
        from analytics.consultations.open import open_source

        differences = compare(open_source(path, materialize=False).results(), value)
        measured["differences"] = differences[:10]
        measured["difference_count"] = len(differences)
        measured["proposals"] = len(value["proposals"])
    if name in ("cache_build", "cache_open") and value.warnings:
        measured["warnings"] = value.warnings[-1:]
    if name == "cli" and value != 0:
        raise RuntimeError(f"python -m analytics results exited with {value}")
    if name == "timeline":
        measured["days"] = len(value)
        measured["timed_votes"] = value[-1]["cumulative_votes"] if value else 0
        measured.update(_cells_seconds(prepared))
    return measured


def spawn_step(name: str, path: Path) -> dict:
    """run_step in a fresh process (so that memory figures don't mix)."""
    done = subprocess.run([sys.executable, "-m", "analytics.bench.votes", name, str(path)],
                          cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"step": name, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- pages in the browser -------------------------------------------------------------------

# Time (ms since navigation start) of the last DOM change, and of the last change inside a
# plotly chart: a page is drawn when its last chart is.
WATCH_DRAWING = """
window.__drawn = {last: 0, chart: 0};
new MutationObserver((mutations) => {
  const now = performance.now();
  window.__drawn.last = now;
  for (const m of mutations) {
    const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (node && node.closest && node.closest('.js-plotly-plot')) {
      window.__drawn.chart = now; break;
    }
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


PAGE_TIMEOUT = 300        # seconds a page may take before it is reported as too slow


def _harness():
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    import harness

    return harness


def _drawn_seconds(page, seen: dict, start: float = 0.0) -> float:
    """From `start` (ms, the page's clock) to the last change inside a chart, or to the
    last change of the page when it has no chart."""
    drawn = page.evaluate("() => window.__drawn")
    return ((drawn["chart"] if seen["charts"] else drawn["last"]) - start) / 1000


def _open_timed(page, url: str) -> dict:
    """Open `url` in `page` (a full page load): navigation start to the last chart."""
    try:
        seen = _harness().open_page(page, url, timeout=PAGE_TIMEOUT * 1000)
        seconds = _drawn_seconds(page, seen)
    except Exception as error:  # noqa: BLE001 - a timeout is a figure of the bench
        return {"seconds": None, "charts": 0,
                "problems": [f"not drawn within {PAGE_TIMEOUT} s ({type(error).__name__})"]}
    return {"seconds": seconds, "charts": seen["charts"],
            "problems": seen["exceptions"] + seen["errors"]}


def _navigate_timed(page, name: str) -> dict:
    """Click the navigation link to page `name` in an open app (what a reader does):
    from the click to the last chart drawn."""
    harness = _harness()
    try:
        start = page.evaluate("() => { window.__drawn = {last: 0, chart: 0}; "
                              "return performance.now(); }")
        links = page.locator('[data-testid="stSidebarNavLink"]')
        # The first page of the navigation is the app's root address.
        path = "" if name == PAGES[0] else name
        link = next(links.nth(i) for i in range(links.count())
                    if urlsplit(links.nth(i).get_attribute("href") or "").path.strip("/")
                    == path)
        link.click()
        page.wait_for_url(lambda url: urlsplit(url).path.strip("/") == path,
                          timeout=PAGE_TIMEOUT * 1000)
        seen = harness.settle(page, timeout=PAGE_TIMEOUT * 1000)
        seconds = _drawn_seconds(page, seen, start)
    except Exception as error:  # noqa: BLE001 - a timeout is a figure of the bench
        return {"seconds": None, "charts": 0,
                "problems": [f"not drawn within {PAGE_TIMEOUT} s ({type(error).__name__})"]}
    return {"seconds": seconds, "charts": seen["charts"],
            "problems": seen["exceptions"] + seen["errors"]}


def page_times(bundle: Path, pages=PAGES, echo=None) -> list[dict]:
    """Per page, on a fresh server: cold (the first open, in a new browser profile: loads
    the consultation and the app's scripts), reload (the same address opened again in
    that browser: the results and the browser's cache are warm) and in-app (from
    another page of the open app, a click on the page's navigation link, as a reader
    moves between pages: nothing is loaded again)."""
    harness = _harness()
    if harness.chromium_path() is None:
        return [{"page": page, "error": "no Chromium (apt-get install chromium)"}
                for page in pages]
    rows = []
    env = {"CONSULTATIONS_PATH": str(bundle.parent),
           "CONSULTATIONS_CACHE": str(cache_dir(bundle))}
    with harness.browser() as chrome:
        for name in pages:
            with harness.serve_app(env) as base:
                context = chrome.new_context(viewport={"width": 1400, "height": 900})
                context.add_init_script(WATCH_DRAWING)
                url = f"{base}/{name}?c={bundle.name}"
                try:
                    cold = _open_timed(context.new_page(), url)
                    page = context.new_page()
                    reload = _open_timed(page, url)
                    away = FLOOR_PAGE if name != FLOOR_PAGE else PAGES[0]
                    _navigate_timed(page, away)
                    warm = _navigate_timed(page, name)
                finally:
                    context.close()
            rows.append({"page": name, "cold": cold["seconds"], "reload": reload["seconds"],
                         "warm": warm["seconds"], "charts": reload["charts"],
                         "problems": cold["problems"] + reload["problems"]
                         + warm["problems"]})
            if echo:
                echo(json.dumps(rows[-1]))
    return rows


def restart_page(bundle: Path) -> dict:
    """A server started on a warm consultation cache: seconds from its start to its
    health check answering, and its first page (overview) from navigation to drawn.
    ANALYTICS_BENCH_PORT: the port it listens on (default: a free one)."""
    harness = _harness()
    if harness.chromium_path() is None:
        return {"step": "restart", "error": "no Chromium (apt-get install chromium)"}
    warm = spawn_step("cache_open", bundle)         # builds the cache file when missing
    if "error" in warm:
        return {"step": "restart", "error": warm["error"]}
    env = {"CONSULTATIONS_PATH": str(bundle.parent),
           "CONSULTATIONS_CACHE": str(cache_dir(bundle))}
    port = int(os.environ.get("ANALYTICS_BENCH_PORT") or 0) or None
    with harness.browser() as chrome:
        start = time.perf_counter()
        with harness.serve_app(env, port=port) as base:
            started = time.perf_counter() - start
            context = chrome.new_context(viewport={"width": 1400, "height": 900})
            context.add_init_script(WATCH_DRAWING)
            try:
                first = _open_timed(context.new_page(), f"{base}/?c={bundle.name}")
            finally:
                context.close()
    return {"step": "restart", "seconds": first["seconds"], "server_start": started,
            "problems": first["problems"]}


# -- the report -----------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        names = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = names[0].strip() if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 2 ** 20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    import duckdb

    return (f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, pandas {pd.__version__}")


def _sizes(bundle: Path) -> str:
    import pyarrow.parquet as pq

    def rows(name):
        parquet, csv = bundle / f"{name}.parquet", bundle / f"{name}.csv"
        if parquet.is_file():
            return pq.ParquetFile(parquet).metadata.num_rows
        with csv.open("rb") as handle:
            return sum(1 for _ in handle) - 1

    return (f"{rows('votes'):,} votes, {rows('proposals'):,} proposals, "
            f"{rows('participants'):,} participants")


def _step_lines(results: dict[str, dict]) -> list[str]:
    lines = [f"{'step':<13} {'time (s)':>8} {'CPU (s)':>8} {'peak RSS (MB)':>14}  "
             "what it includes"]
    for step in STEPS:
        found = results.get(step.name)
        if found is None:
            continue
        if "error" in found:
            lines.append(f"{step.name:<12} {'failed':>9} {'':>8} {'':>14}  {found['error']}")
            continue
        if found.get("seconds") is None:
            lines.append(f"{step.name:<12} {'no page':>9} {'':>8} {'':>14}  "
                         f"{found.get('problems')}")
            continue
        cpu = f"{found['cpu']:>8.2f}" if "cpu" in found else f"{'':>8}"
        peak = f"{found['peak_mb']:>14,.0f}" if "peak_mb" in found else f"{'':>14}"
        lines.append(f"{step.name:<13} {found['seconds']:>8.2f} {cpu} {peak}  {step.what}")
    return lines


def _ratio_lines(results: dict[str, dict]) -> list[str]:
    def seconds(name, key="seconds"):
        found = results.get(name) or {}
        return found.get(key)

    def both(a, b, text):
        wall, cpu = seconds(a) / seconds(b), seconds(a, "cpu") / max(seconds(b, "cpu"), 1e-9)
        return f"{text.format(wall)} (CPU time: {cpu:.1f}x)"

    lines = []
    if seconds("results") and seconds("pandas"):
        lines.append(both("pandas", "results", "results vs pandas:     engine {:.1f}x faster")
                     + "; goal: at least 10x")
    if seconds("results") and seconds("scan"):
        lines.append(both("results", "scan", "results vs bare scan:  engine takes {:.1f}x "
                          "the scan") + "; goal: within 10x")
    if seconds("app_results") and seconds("pandas"):
        lines.append(both("pandas", "app_results", "app results vs pandas: {:.1f}x faster"))
    timeline = results.get("timeline") or {}
    if "seconds" in timeline:
        lines.append(f"timeline: adds {timeline['seconds']:.2f} s to results (CPU "
                     f"{timeline['cpu']:.2f} s; {timeline['days']} days, "
                     f"{timeline['timed_votes']:,} timed votes); goal: under 0.5 s. Splitting "
                     f"participation_cells by first-vote day at load: "
                     f"{timeline['cells_without_day']:.2f} s -> "
                     f"{timeline['cells_with_day']:.2f} s (CPU "
                     f"{timeline['cells_without_day_cpu']:.2f} s -> "
                     f"{timeline['cells_with_day_cpu']:.2f} s)")
    if seconds("results") and seconds("polars"):
        lines.append(both("polars", "results", "results vs Polars:     engine {:.2f}x as fast")
                     + "; goal: at least 1x (no slower than Polars)")
    if seconds("cli") and seconds("polars"):
        lines.append(f"cli (validation included) vs Polars (no validation): "
                     f"{seconds('cli') / seconds('polars'):.2f}x Polars's time; goal: within 3x")
    lines += _restart_lines(results)
    for name in ("pandas", "polars"):
        check = results.get(name) or {}
        if "difference_count" not in check:
            continue
        if check["difference_count"]:
            lines.append(f"check: {name} and engine DIFFER ({check['difference_count']}):")
            lines += [f"  {d}" for d in check["differences"]]
        else:
            lines.append(f"check: {name} and engine give the same numbers "
                         f"({check['proposals']:,} proposals, ideas, both lists, "
                         "participation)")
    return lines


def _restart_lines(results: dict[str, dict]) -> list[str]:
    """A restarted server: before (validate and copy at every start) and after (the
    consultation cache)."""
    def seconds(name):
        return (results.get(name) or {}).get("seconds")

    lines = []
    if seconds("cache_build") is not None:
        lines.append(f"cache build (first start only): {seconds('cache_build'):.2f} s")
    if seconds("cache_open") is not None:
        lines.append(f"cache open (restarted server): {seconds('cache_open'):.2f} s; goal: "
                     "under 1 s")
    if seconds("cache_results") is not None and seconds("cache_open") is not None:
        lines.append(f"open + results from the cache: "
                     f"{seconds('cache_open') + seconds('cache_results'):.2f} s")
    restart = results.get("restart") or {}
    if restart.get("seconds") is not None:
        lines.append(f"first page after restart: {restart['seconds']:.2f} s in Chromium "
                     f"(server up in {restart['server_start']:.1f} s before); goal: under 3 s")
    if seconds("app_open") is not None and seconds("app_results") is not None:
        lines.append(f"before the cache, each start validated and copied: app_open + "
                     f"app_results = {seconds('app_open') + seconds('app_results'):.2f} s")
    return lines


def _page_lines(rows: list[dict]) -> list[str]:
    lines = ["", "pages: headless Chromium, to the last chart drawn. cold: first open after a "
                 "server start in a new browser (loads the consultation); reload: the address "
                 "opened again (results and browser cache warm); warm: from another page of "
                 "the open app, a click on the page's link",
             f"{'page':<14} {'cold (s)':>9} {'reload (s)':>11} {'warm (s)':>9} {'charts':>7}"]
    for row in rows:
        if "error" in row:
            lines.append(f"{row['page']:<14} {row['error']}")
            continue
        problems = f"  PROBLEMS: {row['problems'][:2]}" if row["problems"] else ""
        floor = "  (reads no data: the floor)" if row["page"] == FLOOR_PAGE else ""
        cold, reload, warm = (
            f"{row[k]:>{w}.2f}" if row.get(k) is not None else f"{'>' + str(PAGE_TIMEOUT):>{w}}"
            for k, w in (("cold", 9), ("reload", 11), ("warm", 9)))
        lines.append(f"{row['page']:<14} {cold} {reload} {warm} {row['charts']:>7}"
                     f"{problems}{floor}")
    return lines


def report(bundle: Path, results: dict[str, dict], pages: list[dict] | None) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"bench: {_sizes(bundle)} ({bundle})", f"machine: {machine()}",
             f"load average at the end (1, 5, 15 min): {load}", "",
             *_step_lines(results), "", *_ratio_lines(results)]
    if pages is not None:
        lines += _page_lines(pages)
    return "\n".join(lines)


def run(votes: int, *, root: Path = BENCH_DIR, steps=None, pages=None, progress=None,
        echo=None) -> str:
    """Build or reuse the bundle, time each step in its own process, time the pages;
    return the table. `echo(line)` sees each step as it finishes."""
    bundle = ensure_bundle(votes, root, progress)
    if steps is None:
        steps = STEP_NAMES if votes <= LARGE else LARGE_STEPS
    results = {}
    for name in steps:
        results[name] = restart_page(bundle) if name == "restart" else spawn_step(name, bundle)
        if echo:
            echo(json.dumps(results[name]))
    rows = page_times(bundle, [*pages, FLOOR_PAGE], echo) if pages else None
    return report(bundle, results, rows)


def _main(argv: list[str]) -> None:
    name, path = argv
    if name not in STEP_NAMES:
        raise SystemExit(f"unknown step {name!r}; expected one of {', '.join(STEP_NAMES)}")
    print(json.dumps(run_step(name, Path(path))))


if __name__ == "__main__":
    _main(sys.argv[1:])
