import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, the real inputs; tests that need it skip when it is absent."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"real data not available: {path} is absent (clone ../shared beside the repo)")
    return path


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """AppTest runs share the process: the app's caches (e.g. the consultation list,
    kept 30 s) must not leak from one test to the next."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def private_consultation_cache(tmp_path_factory):
    """The app keeps validated bundles in CONSULTATIONS_CACHE (analytics.store.cache): a
    folder of this test run's own, so that runs never share nor need a warm cache (the
    servers the browser tests start inherit it)."""
    import os

    previous = os.environ.get("CONSULTATIONS_CACHE")
    os.environ["CONSULTATIONS_CACHE"] = str(tmp_path_factory.mktemp("consultations-cache"))
    yield
    if previous is None:
        os.environ.pop("CONSULTATIONS_CACHE", None)
    else:
        os.environ["CONSULTATIONS_CACHE"] = previous
