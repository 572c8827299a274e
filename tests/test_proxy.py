"""deploy.proxy: several app processes behind HAProxy with sticky sessions."""

import asyncio
import socket
import urllib.request

import pytest

from deploy import proxy


def free_ports(count: int, first: int = 8740, last: int = 8749) -> list[int]:
    """Ports that accept a bind, from [first, last] when possible, else any."""
    found = []
    for port in [*range(first, last + 1), *([0] * count)]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            found.append(probe.getsockname()[1])
        if len(found) == count:
            return found
    raise RuntimeError("no free port")


def test_the_configuration_sticks_sessions_to_a_checked_process():
    text = proxy.config("127.0.0.1", 9000, [9001, 9002])
    assert f"cookie {proxy.COOKIE} insert indirect nocache" in text
    assert "server app1 127.0.0.1:9001 check inter 2s cookie app1" in text
    assert "server app2 127.0.0.1:9002 check inter 2s cookie app2" in text
    assert "option httpchk GET /_stcore/health" in text and "timeout tunnel" in text


@pytest.fixture(scope="module")
def proxied():
    if proxy.haproxy_path() is None:
        pytest.skip("haproxy is not installed (Debian: apt-get install haproxy)")
    port, *apps = free_ports(3)
    with proxy.serve(apps=2, port=port, app_ports=apps) as url:
        yield url


def served_by(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.headers[proxy.SERVED_BY], answer.headers.get("Set-Cookie")


def test_new_readers_are_spread_and_each_stays_on_its_process(proxied):
    first = [served_by(f"{proxied}/") for _ in range(4)]
    assert {app for app, _ in first} == {"app1", "app2"}
    for app, cookie in first:
        assert cookie.startswith(f"{proxy.COOKIE}={app};")
        sticky = {served_by(f"{proxied}/_stcore/health", cookie.split(";")[0])[0]
                  for _ in range(5)}
        assert sticky == {app}


def test_a_page_is_drawn_through_the_proxy(proxied):
    from tests.load.run import open_once, page_title

    seconds, run = asyncio.run(open_once(proxied, "controversial", timeout=120))
    assert run.error is None, run.detail
    assert run.title == page_title("controversial", "fr")
