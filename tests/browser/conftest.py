"""The running app in headless Chromium: one server per test module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import browser, chromium_path, serve_app  # noqa: E402


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium, as the README's "
                    "test command does when run as root)")
    return path


@pytest.fixture(scope="module")
def chrome(chromium):
    with browser() as instance:
        yield instance


def app_server(folders: list[Path]):
    """Serve app.py with these folders listed beside data/consultations."""
    env = {"CONSULTATIONS_PATH": os.pathsep.join(str(f) for f in folders)}
    return serve_app(env)
