"""Memory settings of a long-running server process (the app).

Streamlit runs each reader's page in a thread of its own. glibc's malloc gives new threads
arenas of their own, up to 8 per core, and an arena keeps what its threads free for
their reuse: the more arenas, the more memory held for the same memory in use. Measured
with the load test (README, "Load"; 20 minutes, 25 readers): by default malloc held
476 MB for 100 MB in use (up to 16 arenas on 2 cores); limited here, 310 MB for 102 MB (the 6 arenas
Streamlit's threads made before the app's first run are kept); with MALLOC_ARENA_MAX=2
in the environment from the start, 234 MB. `limit_malloc_arenas` asks glibc for two
arenas from inside the process, as that variable would; the app calls it first thing."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
import tempfile

M_ARENA_MAX = -8            # glibc's <malloc.h>
ARENAS = 2


@functools.cache            # once per process: app.py runs again with every page
def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Limit glibc malloc to `arenas` arenas; False where malloc is not glibc's (macOS,
    Windows, musl) and nothing is done."""
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas))


def malloc_arenas() -> int | None:
    """How many arenas glibc malloc has now (one <heap> each in its malloc_info report);
    None where malloc is not glibc's."""
    libc = _glibc()
    if libc is None:
        return None
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    handle, path = tempfile.mkstemp(prefix="malloc-info-")
    os.close(handle)
    try:
        stream = libc.fopen(path.encode(), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        with open(path) as report:
            return report.read().count("<heap nr=")
    finally:
        os.unlink(path)


def rss_mb(pid: int | None = None) -> float | None:
    """Resident memory of a process (this one by default), MB; None when unknown."""
    pid = pid or os.getpid()
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _glibc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
