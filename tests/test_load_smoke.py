"""The load test (tests/load/run.py) in a short, bounded run: 3 readers for 10 s on the
demo consultation, one of them in Chromium when it is installed. No speed is asserted:
only that every page opened without error and that the report is complete."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.load import run

ROOT = Path(__file__).resolve().parent.parent


def test_smoke_run_has_no_error_and_reports(tmp_path):
    report_path = tmp_path / "load.json"
    command = [sys.executable, "-m", "tests.load.run", "--sessions", "3", "--browsers", "1",
               "--seconds", "10", "--no-warmup", "--json", str(report_path)]
    # Hard cap: cold start, 10 s of load, at most one page timeout (60 s) to drain. Its
    # own process group: on timeout, the server and Chromium it started end with it.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=420)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    report = json.loads(report_path.read_text())
    load = report["phases"]["load"]
    assert report["errors"] == 0 and load["errors"] == 0, load["error_samples"]
    assert load["loads"] >= 3 and load["readers"] >= 3
    assert sum(page["ws"]["loads"] for page in load["pages"].values()) \
        == load["overall"]["ws"]["loads"]
    assert load["overall"]["ws"]["p50"] is not None
    # the server process was found and measured
    assert report["server_pid"] and all(report["rss"][k] for k in ("start", "peak", "after"))
    assert load["cpu"]["server"] is not None
    # the table: a row per page, then the overall row, errors and memory
    table = stdout
    for page in run.PAGES:
        assert f"\n{page} " in table
    assert "\nall " in table and "errors: 0" in table and "server RSS (MB)" in table


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]          # 1..20
    assert run.percentile(values, 50) == 10           # ceil(0.5 * 20) = 10th value
    assert run.percentile(values, 95) == 19           # ceil(0.95 * 20) = 19th value
    assert run.percentile([3.0], 95) == 3.0
    assert run.percentile([], 50) is None


def test_soak_slope_and_verdict():
    # 2 MB every 10 s = 12 MB/min, exactly (no residual)
    series = [(t, 500 + 2 * t / 10) for t in range(0, 310, 10)]
    slope, error = run.slope_mb_per_min(series)
    assert slope == pytest.approx(12.0) and error == pytest.approx(0.0)
    assert run.verdict(series, max_slope=2.0)["growth"] is True
    # flat with alternating noise: no steady growth
    flat = [(t, 800 + (30 if i % 2 else -30)) for i, t in enumerate(range(0, 310, 10))]
    result = run.verdict(flat, max_slope=2.0)
    assert result["growth"] is False and result["verdict"].startswith("no steady growth")
    # one sample per 10 s from a 1 s series
    assert run.every([(0.0, 1), (4.9, 2), (10.2, 3), (15.0, 4), (20.0, 5)], 10) == [
        (0, 1), (10, 3), (20, 5)]


def test_only_loopback_is_accepted():
    with pytest.raises(SystemExit):
        run.parse(["--url", "http://example.org:8501"])
    with pytest.raises(SystemExit):
        run.parse(["--sessions", str(run.MAX_SESSIONS + 1)])
    assert run.parse(["--url", "http://127.0.0.1:8501/", "--browsers", "0"]).url \
        == "http://127.0.0.1:8501"
