"""The Overview page: question, dates, key figures against the target, the action plan."""

from pathlib import Path

import pytest
from builders import unescape, votes_for, write_bundle
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
NBSP, NNBSP = "\u00a0", "\u202f"


def run(monkeypatch, folder: Path | None = None, **params) -> AppTest:
    if folder is not None:
        monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def test_demo_key_figures_as_published(monkeypatch):
    at = run(monkeypatch, c="solutions-jeunes")
    assert at.title[0].value == "Vue d'ensemble"
    assert metrics(at) == {
        "Participants": (f"297{NNBSP}876", ""),
        "Propositions": (f"2{NNBSP}864", ""),
        # The published page: "584 664 sur 500 000 (117%)"
        "Votes": (f"584{NNBSP}664", f"sur 500{NNBSP}000 (117{NBSP}%)"),
    }
    text = " ".join(unescape(m.value) for m in at.markdown)
    assert "Du 22 mars 2022 au 22 mai 2022" in text
    assert "Mirova Forward" in text
    subheaders = [unescape(s.value) for s in at.subheader]
    assert "Quelles solutions pour que chaque jeune trouve sa place dans la société ?" in subheaders
    # The action plan: 9 actions from the published page.
    assert len([e for e in at.expander if "Clépsy" in unescape(e.label)]) == 1


def test_demo_in_english(monkeypatch):
    at = run(monkeypatch, c="solutions-jeunes", lang="en")
    assert at.title[0].value == "Overview"
    assert metrics(at)["Votes"] == ("584,664", "of 500,000 (117%)")
    assert any("From March 22, 2022 to May 22, 2022" in m.value for m in at.markdown)


@pytest.fixture
def bare(tmp_path) -> Path:
    proposals = [{"proposal_id": "p1", "content": "Il faut tester", "author_name": "Ana"}]
    write_bundle(tmp_path / "nu", proposals=proposals,
                 votes=votes_for("p1", {"agree": 12, "disagree": 3}),
                 consultation={"slug": "nu", "title": "Nu"})
    return tmp_path


def test_bundle_without_target_or_actions(monkeypatch, bare):
    at = run(monkeypatch, bare, c="nu")
    assert metrics(at) == {"Participants": ("15", ""), "Propositions": ("1", ""),
                           "Votes": ("15", "")}
    infos = [i.value for i in at.info]
    assert any("plan d'actions" in text for text in infos)
