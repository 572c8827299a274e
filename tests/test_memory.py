"""analytics.memory: the app's server keeps to two malloc arenas however many threads."""

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import memory

ROOT = Path(__file__).resolve().parent.parent

# Twelve threads alive at once, each allocating blocks malloc serves (over pymalloc's
# 512 bytes), then the arenas glibc reports.
THREADS_THEN_COUNT = """
import sys, threading
from analytics import memory
if sys.argv[1] == "limit":
    assert memory.limit_malloc_arenas()
together = threading.Barrier(13)
kept = []
def reader():
    kept.append([bytearray(2000) for _ in range(200)])
    together.wait()
for _ in range(12):
    threading.Thread(target=reader).start()
together.wait()
print(memory.malloc_arenas())
"""

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc",
                                reason="malloc arenas are glibc's (Linux); elsewhere a no-op")


def arenas_after_twelve_threads(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", THREADS_THEN_COUNT, mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    return int(done.stdout.strip())


@glibc_only
def test_twelve_threads_get_arenas_of_their_own_by_default():
    # What the app would do without the limit (up to 8 arenas per core).
    assert arenas_after_twelve_threads("default") > memory.ARENAS


@glibc_only
def test_limited_process_keeps_two_arenas():
    assert arenas_after_twelve_threads("limit") == memory.ARENAS


@pytest.fixture
def fresh_limit():
    """limit_malloc_arenas as if not called yet in this process, and again after."""
    memory.limit_malloc_arenas.cache_clear()
    yield
    memory.limit_malloc_arenas.cache_clear()


class FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, option, value):
        self.calls.append(value)
        return 1


@glibc_only
def test_limit_is_set_once_per_process(monkeypatch, fresh_limit):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_glibc", lambda: libc)
    calls = libc.calls
    assert memory.limit_malloc_arenas() and memory.limit_malloc_arenas()
    assert calls == [memory.ARENAS]


def test_not_glibc_is_a_no_op(monkeypatch, fresh_limit):
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    assert memory.limit_malloc_arenas() is False
    assert memory.malloc_arenas() is None


def test_rss_of_this_process_and_of_no_process():
    assert 10 < memory.rss_mb() < 100_000
    assert memory.rss_mb(2**22 + 1) is None        # above Linux's largest pid


PROBE = ROOT / "tests" / "load" / "probe"
SIGNAL_TWICE = """
import os, signal, threading, time
def reported(count):
    while not os.path.exists(os.environ["MEMORY_PROBE"]) or \\
            open(os.environ["MEMORY_PROBE"]).read().count("== ") < count:
        time.sleep(0.05)
os.kill(os.getpid(), signal.SIGUSR1)
reported(1)
class Ballot:
    pass
kept = [Ballot() for _ in range(5000)]      # 5,000 more objects for the second report
os.kill(os.getpid(), signal.SIGUSR1)
reported(2)
"""


@glibc_only
def test_memory_probe_reports_allocators_and_what_grew(tmp_path):
    report = tmp_path / "probe.txt"
    subprocess.run([sys.executable, "-c", SIGNAL_TWICE], cwd=ROOT, timeout=60, check=True,
                   env={**os.environ, "PYTHONPATH": str(PROBE), "MEMORY_PROBE": str(report)})
    text = report.read_text()
    first, second = text.split("== ")[1:]
    assert re.match(r"\d+ s: RSS \d+ MB\n", first)
    assert "pymalloc: arenas allocated current = " in text
    assert "malloc: " in text and " arenas, " in text and " MB in use, " in text
    assert "streamlit: not readable" in text          # no Streamlit runtime in this process
    assert "+5000 __main__.Ballot (now 5000)" in second
