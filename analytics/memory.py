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
import platform

M_ARENA_MAX = -8            # glibc's <malloc.h>
ARENAS = 2
_done: list[bool] = []      # once per process: app.py runs again with every page


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Limit glibc malloc to `arenas` arenas; False where malloc is not glibc's (macOS,
    Windows, musl) and nothing is done."""
    if _done:
        return _done[0]
    _done.append(_mallopt(M_ARENA_MAX, arenas))
    return _done[0]


def _mallopt(option: int, value: int) -> bool:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(option, value))
    except (OSError, AttributeError):
        return False
