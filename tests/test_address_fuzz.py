"""Every page opened with hostile values in every address parameter the pages read:
no exception box, ever (issue #18).

The values are spread over the parameters as a Latin square: run r gives parameter
j the value (r + j) mod n, so that every (parameter, value) pair is tried on every
page in n runs per page rather than the full cross product."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from builders import votes_for, write_bundle
from corpus.build import EXPORT
from streamlit.testing.v1 import AppTest

from analytics.consultations import catalog

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py")
               if p.name not in ("__init__.py", "ui.py"))

# Every parameter a page or the sidebar reads from the address (widgets bound to the
# query parameters, ui.in_url, ui._url_choice, and the pages' own reads).
PARAMETERS = ("lang", "gender", "age", "region", "w", "top", "min_votes", "map_votes", "pv",
              "pa", "pe", "q", "ranking", "compare_found", "idea_sort", "colour", "list",
              "zones", "in_idea", "sort", "level", "metric", "by", "of", "share", "item",
              "rank", "freq", "who", "hold", "idea", "chart", "id")
HOSTILE = ("inf", "-inf", "1e400", "9" * 5000, "-3", "-999999999", "999999999", "NaN",
           "x" * 10_000, "<script>alert(1)</script>", "**[a](javascript:1)**", "idea:zz-unknown",
           "p-inconnu", "", "0x1F", "1_0", "\ud800".encode("utf-8", "surrogatepass").decode(
               "utf-8", "replace"), "../../etc/passwd")


def test_parameters_are_the_pages_own():
    """The list above is complete: every key a page binds to or reads from the address."""
    found = set()
    for path in (ROOT / "pages").glob("*.py"):
        code = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'key="(\w+)",[^)]*?bind="query-params"', code, re.S))
        found |= set(re.findall(r'in_url\("(\w+)"', code))
        found |= set(re.findall(r'query_params\.get(?:_all)?\("(\w+)"', code))
    found |= {"hold", "lang", "gender", "age", "region"}   # through constants / a loop
    assert found - {"c"} <= set(PARAMETERS), found - set(PARAMETERS)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A small bundle and a proposal export (the explorer's own controls)."""
    root = tmp_path_factory.mktemp("fuzz") / "consultations"
    write_bundle(root / "petite", proposals=[
        {"proposal_id": "p1", "content": "Il faut A", "tags": "theme:Emploi"},
        {"proposal_id": "p2", "content": "Il faut B"}],
        votes=votes_for("p1", {"agree": 12, "disagree/noWay": 5, "neutral": 2})
        + votes_for("p2", {"agree": 3, "disagree": 9}, start=20),
        participants=[{"participant_id": f"u{n}", "gender": ("female", "male")[n % 2],
                       "age": str(18 + n), "region_code": ("11", "84")[n % 2]}
                      for n in range(40)],
        consultation={"slug": "petite", "title": "Petite", "country": "FR"})
    (root / "export.csv").write_text(EXPORT, encoding="utf-8")
    return root


def _run(page: str, consultation: str, params: dict) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["c"] = consultation
    for key, value in params.items():
        at.query_params[key] = value
    # The page asked for directly, as a browser opening a shared link does: widgets are
    # then seeded from the address as first given (not after a page switch).
    at.switch_page(f"pages/{page}").run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_hostile_addresses_never_raise(page, folders, monkeypatch):
    monkeypatch.setenv(catalog.FOLDERS_VARIABLE, str(folders))
    ids = {entry.path.name: entry.id for entry in catalog.discover()}
    for consultation in (ids["petite"], ids["export.csv"]):
        for run in range(len(HOSTILE)):
            params = {key: HOSTILE[(run + j) % len(HOSTILE)]
                      for j, key in enumerate(PARAMETERS)}
            at = _run(page, consultation, params)
            assert not at.exception, (page, consultation, run, [e.value for e in at.exception])
            # The page itself was drawn (not only the sidebar).
            assert at.main.children, (page, run)
            # Every number left in the address is one a widget can take.
            for key in ("top", "min_votes", "map_votes", "pv", "pa", "pe"):
                if key in at.query_params:
                    assert re.fullmatch(r"-?\d{1,9}", at.query_params[key]), key


def test_a_hostile_consultation_or_language_falls_back(folders, monkeypatch):
    monkeypatch.setenv(catalog.FOLDERS_VARIABLE, str(folders))
    for value in HOSTILE[:10]:
        at = _run("overview.py", value, {"lang": value})
        assert not at.exception, [e.value for e in at.exception]
        assert at.query_params["c"] in {e.id for e in catalog.discover()}
