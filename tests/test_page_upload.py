"""The upload page: a valid file joins this session's consultation list and is
selected; a bad one shows the CLI's messages and changes nothing; the size
limit is stated and enforced."""

import io
import json
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from builders import unescape, votes_for, write_bundle
from streamlit import config
from streamlit.testing.v1 import AppTest

from analytics.inputs import archive
from pages import ui

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/upload.py"
RESULTS = {"context": "Consultation citoyenne réalisée par Make.org, autour de la question : "
                      "Comment faire ?",
           "top_ideas": [{"name": "Axe", "ideas": [{"idea": "Une idée", "agreement": 91,
                                                    "adhesion": 33, "realistic": 25}]}],
           "controversials": [], "cartography": [], "participation": []}


@pytest.fixture
def app(tmp_path, monkeypatch):
    folder = tmp_path / "consultations"
    write_bundle(folder / "existante", proposals=[{"proposal_id": "p1", "content": "Il faut A"}],
                 votes=votes_for("p1", {"agree": 2}),
                 consultation={"slug": "existante", "title": "Existante"})
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["c"] = "existante"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def selected(at):
    """The consultation the sidebar picker holds (AppTest does not list the sidebar of a
    page reached with switch_page, so its state is read)."""
    return at.session_state["c"]


def upload(at, name, data, mime="application/octet-stream"):
    at.file_uploader[0].set_value((name, data, mime))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def uploads(at):
    try:
        return at.session_state[ui.UPLOADS]
    except KeyError:
        return []


def test_page_states_the_limit_and_the_kinds(app):
    text = "\n".join(m.value for m in app.markdown)
    assert "Taille maximale : 200 Mo par fichier." in text
    for kind in (".zip d'un lot de votes", ".json de résultats publiés",
                 ".csv d'export par proposition", ".zip d'un export Polis"):
        assert kind in text
    assert app.file_uploader[0].allowed_type == [".zip", ".json", ".csv"]


def test_valid_results_file_joins_the_list(app):
    assert selected(app) == "existante"
    upload(app, "mes résultats.json", json.dumps(RESULTS).encode(), "application/json")
    added = uploads(app)
    assert len(added) == 1
    entry = added[0]
    assert entry.kind == "published" and entry.title == "Comment faire ? (mes résultats.json)"
    assert entry.path.is_relative_to(archive.uploads_root())
    assert entry.id == "upload-mes-resultats"
    assert selected(app) == entry.id                         # selected at once
    assert unescape([s.value for s in app.success][0]).startswith(
        "« mes résultats.json » est valide")
    # The other pages show it, and its figures.
    app.switch_page("pages/ideas.py").run()
    assert not app.exception
    # (the caption is markdown: the title's characters may come escaped)
    assert any(c.value.replace("\\", "").startswith("Comment faire ? (mes résultats.json)")
               for c in app.caption)
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert "Une idée" in json.dumps(specs, ensure_ascii=False)


def test_bad_file_shows_its_errors_and_changes_nothing(app):
    upload(app, "bon.json", json.dumps(RESULTS).encode())
    before_uploads, before_selected = list(uploads(app)), selected(app)
    bad = dict(RESULTS, top_ideas=[{"name": "Axe", "ideas": [{"idea": "x",
                                                               "agreement": "abc"}]}])
    upload(app, "mauvais.json", json.dumps(bad).encode())
    errors = [unescape(e.value) for e in app.error]      # shown as plain text
    assert len(errors) == 1
    assert "« mauvais.json » ne peut pas être lu" in errors[0]
    assert "mauvais.json: top_ideas[0].ideas[0].agreement: expected a number, " \
           "found \"abc\"" in errors[0]
    assert uploads(app) == before_uploads
    assert selected(app) == before_selected
    # Nothing of the bad file is left on disk.
    assert not list(archive.uploads_root().rglob("mauvais.json"))


@pytest.fixture
def app_de(app):
    app.session_state["lang"] = "de"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_page_in_german(app_de):
    assert app_de.title[0].value == "Konsultation hinzufügen"
    text = "\n".join(m.value for m in app_de.markdown)
    assert "Maximale Größe: 200 MB pro Datei." in text
    assert "Akzeptierte Dateien:" in text and ".zip eines Polis-Exports" in text
    assert app_de.file_uploader[0].label == "Hinzuzufügende Datei"


def test_upload_outcomes_in_german(app_de):
    upload(app_de, "gut.json", json.dumps(RESULTS).encode(), "application/json")
    assert unescape(app_de.success[0].value) == (
        "„gut.json“ ist gültig: Die Konsultation „Comment faire ? (gut.json)“ "
        "(veröffentlichte Ergebnisse) wurde hinzugefügt.")
    assert [s.value for s in app_de.subheader] == [
        "In dieser Sitzung hinzugefügte Konsultationen"]
    assert app_de.button[0].label == "Entfernen"
    bad = dict(RESULTS, top_ideas=[{"name": "Axe", "ideas": [{"idea": "x",
                                                               "agreement": "abc"}]}])
    upload(app_de, "schlecht.json", json.dumps(bad).encode())
    error = unescape(app_de.error[0].value)
    # The frame in German, the reader's own message in English (as the command line).
    assert error.startswith("„schlecht.json“ kann nicht gelesen werden:")
    assert "expected a number" in error


def test_zip_slip_upload_is_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("../../evil.csv", b"a\n")
    upload(app, "evil.zip", buffer.getvalue(), "application/zip")
    assert "an entry climbs out of the folder" in app.error[0].value
    assert uploads(app) == []


def test_bundle_zip_and_polis_zip(app, tmp_path):
    source = write_bundle(tmp_path / "src" / "lot",
                          proposals=[{"proposal_id": "p1", "content": "Il faut planter"}],
                          votes=votes_for("p1", {"agree": 7, "disagree": 3}),
                          consultation={"slug": "lot", "title": "Mon lot"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for path in source.iterdir():
            out.write(path, f"lot/{path.name}")
    upload(app, "lot.zip", buffer.getvalue(), "application/zip")
    assert [(e.kind, e.title) for e in uploads(app)] == [("bundle", "Mon lot (lot.zip)")]
    app.switch_page("pages/explorer.py").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Votes"] == "10"
    app.switch_page(PAGE).run()
    polis = io.BytesIO()
    with zipfile.ZipFile(polis, "w") as out:
        out.writestr("comments.csv", "comment-id,comment-body,moderated\n0,Hello,1\n")
        out.writestr("votes.csv", "timestamp,comment-id,voter-id,vote\n1,0,1,1\n")
    upload(app, "conversation.zip", polis.getvalue(), "application/zip")
    assert [e.kind for e in uploads(app)] == ["bundle", "polis"]
    # Removing an upload takes it out of the list.
    app.button(key=f"remove-{uploads(app)[0].id}").click().run()
    assert [e.kind for e in uploads(app)] == ["polis"]


def test_oversized_upload_is_refused(app, monkeypatch):
    monkeypatch.setitem(config._config_options, "server.maxUploadSize",
                        config._config_options["server.maxUploadSize"])
    config.set_option("server.maxUploadSize", 1)
    try:
        app.run()
        assert "Taille maximale : 1 Mo par fichier." in "\n".join(m.value for m in app.markdown)
        data = b"proposition,votes\n" + b"Il faut A,1\n" * 200_000      # 2,400,018 bytes
        upload(app, "gros.csv", data, "text/csv")
        assert "gros.csv: the file is too big (expected at most 1.0 MB; found '2.3 MB')" \
            in unescape(app.error[0].value)
        assert uploads(app) == []
    finally:
        config.set_option("server.maxUploadSize", 200)
