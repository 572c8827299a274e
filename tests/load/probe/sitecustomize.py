"""Memory probe for a load-tested server (a developer tool; see tests/load/README.md).

Put this folder on the server's PYTHONPATH with MEMORY_PROBE=<file>:

    .venv/bin/python -m tests.load.run --server-env PYTHONPATH=tests/load/probe \\
        --server-env MEMORY_PROBE=/tmp/probe.txt ...
    kill -USR1 <server pid>      # appends one report to the file

A report: RSS; Python's own allocator (pymalloc arenas, bytes in live blocks); glibc
malloc (arenas, bytes held, in use, free); Streamlit sessions and deferred downloads; the
gc-tracked object count and the types that grew since the previous report. Comparing
reports tells a leak (live bytes and objects keep rising) from allocator high-water marks
(memory held rises, live bytes do not)."""

import os

if os.environ.get("MEMORY_PROBE"):
    import collections
    import ctypes
    import gc
    import signal
    import sys
    import tempfile
    import threading
    import time

    _LIBC = ctypes.CDLL("libc.so.6")
    _FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
               "uordblks", "fordblks", "keepcost")

    class _Mallinfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in _FIELDS]

    _LIBC.mallinfo2.restype = _Mallinfo2
    _START = time.time()
    _previous: dict = {}

    def _pymalloc_stats() -> str:
        """What sys._debugmallocstats writes to C's stderr (fd 2), as text."""
        handle, path = tempfile.mkstemp(prefix="memory-probe-")
        saved = os.dup(2)
        os.dup2(handle, 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(handle)
        try:
            with open(path) as written:
                return written.read()
        finally:
            os.unlink(path)

    def _pymalloc() -> str:
        wanted = ("# arenas allocated current", "# bytes in allocated blocks")
        lines = _pymalloc_stats().splitlines()
        return "pymalloc: " + "; ".join(" ".join(line.split()[1:]) for line in lines
                                         if line.startswith(wanted))

    def _malloc(arenas: int | None) -> str:
        info = _LIBC.mallinfo2()
        return (f"malloc: {arenas} arenas, {info.arena / 1e6:.0f} MB held, "
                f"{info.uordblks / 1e6:.0f} MB in use, {info.fordblks / 1e6:.0f} MB free")

    def _streamlit() -> str:
        try:
            from streamlit.runtime import Runtime

            runtime = Runtime.instance()
            sessions = runtime._session_mgr
            media = runtime.media_file_mgr
            return (f"streamlit: {len(sessions.list_sessions())} sessions "
                    f"({len(sessions.list_active_sessions())} active), deferred downloads "
                    f"{len(media._deferred_callables)} of "
                    f"{len(media._files_by_session_and_coord)} sessions")
        except Exception as error:      # a probe never breaks the server
            return f"streamlit: not readable ({error!r})"

    def _objects() -> list[str]:
        gc.collect()
        counts = collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}"
                                     for o in gc.get_objects())
        lines = [f"gc objects: {sum(counts.values())}"]
        if _previous:
            grown = sorted(((counts[k] - _previous.get(k, 0), k) for k in counts),
                           reverse=True)[:15]
            lines += [f"  {d:+d} {k} (now {counts[k]})" for d, k in grown if d > 0]
        _previous.clear()
        _previous.update(counts)
        return lines

    def _report() -> None:
        # Imported here, not at startup: the project is on sys.path once the app runs.
        from analytics import memory

        lines = [f"== {time.time() - _START:.0f} s: RSS {memory.rss_mb():.0f} MB",
                 _pymalloc(), _malloc(memory.malloc_arenas()), _streamlit(), *_objects()]
        with open(os.environ["MEMORY_PROBE"], "a") as out:
            out.write("\n".join(lines) + "\n")

    # The handler only starts a thread: the report must not run inside the event loop.
    signal.signal(signal.SIGUSR1,
                  lambda *_: threading.Thread(target=_report, daemon=True).start())
