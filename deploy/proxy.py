"""Several app processes behind HAProxy with sticky sessions, on one machine.

    python -m deploy.proxy [--apps 2] [--port 8501] [--host 127.0.0.1] [--app-port 8511]

Starts `--apps` Streamlit processes of app.py on loopback (ports --app-port, +1, ...),
then HAProxy (Debian's `haproxy` package) in the foreground on --host:--port, and stops
all of them on Ctrl-C or SIGTERM. One Streamlit process runs its pages on one core (the
GIL); several processes use every core.

Why HAProxy, and what "sticky" means here: a reader's page is a script run on the
server, in the process that holds the reader's session; the websocket is one long
connection, but the files a page links (images, downloads, uploads) are separate HTTP
requests that must reach the same process. HAProxy inserts a cookie naming the process
on the first response and routes every later request carrying it there (nginx's open
source edition can only stick by client address: every reader behind one newsroom's
address would land on one process). New readers go to the process with the fewest open
connections. A process that stops answering /_stcore/health is taken out of rotation
(its readers reconnect to another one and start a new session).

Each response says which process served it (header X-Dashboard-App), for checks."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "DASHBOARD_APP"
SERVED_BY = "X-Dashboard-App"

CONFIG = """\
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    # Websockets stay open while a reader reads.
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend dashboard
    bind {host}:{port}
    default_backend apps

backend apps
    balance leastconn
    cookie {cookie} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-response set-header {served_by} %s
{servers}
"""


def haproxy_path() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None)


def config(host: str, port: int, app_ports: list[int]) -> str:
    servers = "\n".join(f"    server app{n} 127.0.0.1:{p} check inter 2s cookie app{n}"
                        for n, p in enumerate(app_ports, start=1))
    return CONFIG.format(host=host, port=port, cookie=COOKIE, served_by=SERVED_BY,
                         servers=servers)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        with (contextlib.suppress(OSError),
              urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def serve(apps: int = 2, port: int = 8501, host: str = "127.0.0.1", app_port: int = 8511,
          env: dict[str, str] | None = None, log_folder: Path | None = None,
          app_ports: list[int] | None = None):
    """Start the apps (on `app_ports`, else from `app_port` on) and the proxy; yield the
    proxy's URL; stop everything on exit."""
    binary = haproxy_path()
    if binary is None:
        raise RuntimeError("haproxy not found (Debian: apt-get install haproxy)")
    folder = Path(tempfile.mkdtemp(prefix="dashboard-proxy-"))
    logs = Path(log_folder) if log_folder else folder
    processes: list[subprocess.Popen] = []
    try:
        app_ports = app_ports or [app_port + n for n in range(apps)]
        for number, app in enumerate(app_ports, start=1):
            log = (logs / f"app{number}.log").open("w")
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                 "--server.headless", "true", "--server.address", "127.0.0.1",
                 "--server.port", str(app), "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                stderr=subprocess.STDOUT))
            log.close()
        for app, process in zip(app_ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{app}", process)
        path = folder / "haproxy.cfg"
        path.write_text(config(host, port, app_ports), encoding="utf-8")
        check = subprocess.run([binary, "-c", "-q", "-f", str(path)], capture_output=True,
                               text=True, check=False)
        if check.returncode:
            raise RuntimeError(f"haproxy refused its configuration: {check.stderr.strip()}")
        log = (logs / "haproxy.log").open("w")
        proxy = subprocess.Popen([binary, "-db", "-f", str(path)], stdout=log,
                                 stderr=subprocess.STDOUT)
        log.close()
        processes.append(proxy)
        url = f"http://{host}:{port}"
        wait_healthy(url, proxy)
        yield url
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.proxy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=2, help="app processes (about one per "
                                                            "core)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port")
    parser.add_argument("--host", default="127.0.0.1", help="the proxy's address "
                                                          "(0.0.0.0: every interface)")
    parser.add_argument("--app-port", type=int, default=8511,
                        help="first app port (loopback only), then +1 per app")
    options = parser.parse_args(argv)
    if not 1 <= options.apps <= 32:
        parser.error("--apps must be between 1 and 32")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with serve(options.apps, options.port, options.host, options.app_port) as url:
            print(f"dashboard at {url}: {options.apps} app processes behind HAProxy "
                  "(Ctrl-C stops them)", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
