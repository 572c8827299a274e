"""The corpus of bad inputs (tests/corpus/build.py): every case gets its clear
message (file, row, column, reason) from the command line (exit code 2, no
traceback), from `open_source` (InputError) and from the upload page (an error
box), and leaves the consultations already there byte for byte as they were.

Also here: the app never writes to the data it reads, and the public-deployment
settings of .streamlit/config.toml are the ones in effect."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import unescape, votes_for, write_bundle
from corpus.build import CASES, GB2, RESULTS, build_case, upload_payload
from streamlit import config
from streamlit.testing.v1 import AppTest

from analytics import cli
from analytics.consultations import catalog
from analytics.consultations.open import open_source
from analytics.demo import DEFAULT_DEMO_DIR
from analytics.inputs import archive
from analytics.inputs.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
UPLOAD_PAGE = "pages/upload.py"
PAGES = [f"pages/{name}" for name in sorted(p.name for p in (ROOT / "pages").glob("*.py"))
         if name not in ("__init__.py", "ui.py")]
CASE_IDS = [item.name for item in CASES]
BY_NAME = {item.name: item for item in CASES}


# -- the consultations already there, and their snapshot ------------------------------------

def write_library(folder: Path) -> Path:
    """Consultations already imported beside the demo: a published results file, a
    Polis conversation and a small bundle."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "publies.json").write_text(json.dumps(RESULTS, ensure_ascii=False),
                                         encoding="utf-8")
    polis = folder / "conversation"
    polis.mkdir()
    (polis / "comments.csv").write_text("comment-id,comment-body,moderated\n0,Hello,1\n"
                                        "1,World,1\n", encoding="utf-8")
    (polis / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,0,1,1\n2,1,1,-1\n"
                                     "3,0,2,-1\n", encoding="utf-8")
    write_bundle(folder / "existante", proposals=[{"proposal_id": "p1", "content": "Il faut A"}],
                 votes=votes_for("p1", {"agree": 12, "disagree": 3}),
                 consultation={"slug": "existante", "title": "Existante"})
    return folder


def ensure_demo() -> Path:
    """The demo, as the app makes it on first run (only when missing)."""
    if not DEFAULT_DEMO_DIR.exists():
        from analytics.demo import generate

        generate(DEFAULT_DEMO_DIR)
    return DEFAULT_DEMO_DIR


def snapshot(*roots: Path) -> dict:
    """Every file and folder under `roots`: size, modification time, SHA-256."""
    seen = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            stat = path.stat()
            digest = None
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[str(path)] = (path.is_dir(), stat.st_size if path.is_file() else None,
                               stat.st_mtime_ns, digest)
    return seen


def listing() -> list[tuple[str, str, str]]:
    return [(e.id, str(e.path), e.kind) for e in catalog.discover()]


def leftovers() -> list[str]:
    """What the upload and archive code left in its temporary root."""
    return sorted(p.name for p in archive.uploads_root().iterdir())


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = write_library(tmp_path_factory.mktemp("library") / "consultations")
    ensure_demo()
    return folder


@pytest.fixture
def present(library, monkeypatch):
    """The consultations present (demo + library), listed by the app, with their
    snapshot and the list as it is before a bad import."""
    monkeypatch.setenv(catalog.FOLDERS_VARIABLE, str(library))
    roots = (DEFAULT_DEMO_DIR, library)
    before = (snapshot(*roots), listing(), leftovers())
    yield lambda: (snapshot(*roots), listing(), leftovers()) == before, before
    assert (snapshot(*roots), listing(), leftovers()) == before


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every case, written once (the 2 GB files are sparse)."""
    root = tmp_path_factory.mktemp("corpus")
    return {item.name: build_case(item, root) for item in CASES}


def bytes_read() -> int | None:
    """Bytes this process has read so far (Linux), to show a 2 GB file is not read."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# -- the corpus itself ----------------------------------------------------------------------

def test_corpus_covers_the_issue():
    assert len(CASES) >= 30 and len(set(CASE_IDS)) == len(CASE_IDS)
    wanted = ("missing_votes", "missing_column", "wrong_type_age", "unknown_qualification",
              "qualification_mismatch", "duplicate_vote", "vote_unknown_proposal", "empty_file",
              "header_only", "latin1", "utf16_bom", "bom_semicolons", "semicolons",
              "truncated_parquet", "zip_slip", "zip_bomb", "results_huge", "results_wrong_shape",
              "results_unknown_keys")
    assert set(wanted) <= set(CASE_IDS)
    for item in CASES:
        assert item.messages and all(m.startswith(("consultation.json", "proposals.", "votes.",
                                                    "ideas.", "participants.", "actions.json",
                                                    "comments.", item.name, "results.",
                                                    "export.")) for m in item.messages), item


def test_big_files_are_sparse(corpus):
    for item in CASES:
        if not item.huge:
            continue
        path = corpus[item.name]
        files = [path] if path.is_file() else [p for p in path.iterdir() if p.is_file()]
        big = [f for f in files if f.stat().st_size == GB2]
        assert big, item.name
        assert all(f.stat().st_blocks * 512 < 4 * 1024**2 for f in big), item.name  # no disk


# -- the command line -----------------------------------------------------------------------

@pytest.mark.parametrize("name", CASE_IDS)
def test_cli_exits_2_with_the_message(name, corpus, present, capsys):
    item, path = BY_NAME[name], corpus[name]
    for command in (["validate", str(path)], ["results", str(path), "--format", "json"]):
        read_before = bytes_read()
        code = cli.main(command)
        read = None if read_before is None else bytes_read() - read_before
        out, err = capsys.readouterr()
        assert code == cli.EXIT_INVALID, (command, err)
        assert out == ""
        for message in item.messages:
            assert message in err, (command, err)
        assert "Traceback" not in err and "unexpected error" not in err
        if item.huge and read is not None:
            assert read < 64 * 1024**2, f"{name}: {read:,} bytes read to refuse it"
    assert present[0]()


@pytest.mark.parametrize("name", ["duplicate_vote", "missing_consultation", "results_huge",
                                  "huge_votes_csv", "zip_bomb", "utf16_bom"])
def test_cli_process_exit_code(name, corpus):
    """A few cases through a real process: the exit code the shell sees."""
    item, path = BY_NAME[name], corpus[name]
    for command in ("validate", "results"):
        run = subprocess.run([sys.executable, "-m", "analytics", command, str(path)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, run.stderr
        assert run.stdout == ""
        for message in item.messages:
            assert message in run.stderr
        assert "Traceback" not in run.stderr


# -- open_source ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", CASE_IDS)
def test_open_source_raises_input_error(name, corpus, present):
    item, path = BY_NAME[name], corpus[name]
    for materialize in (True, False):
        with pytest.raises(InputError) as raised:
            open_source(path, materialize=materialize)
        report = raised.value.report()
        for message in item.messages:
            assert message in report
    assert present[0]()


def test_valid_variants_still_open(tmp_path):
    """The checks refuse what is broken, not what is merely unusual: a UTF-8 BOM,
    Windows line ends, the bundle zipped, a bundle in a folder of a zip."""
    from corpus.build import BUNDLE, bundle

    variants = {
        "bom": bundle({"votes.csv": b"\xef\xbb\xbf" + BUNDLE["votes.csv"].encode()}),
        "crlf": bundle({name: text.replace("\n", "\r\n") for name, text in BUNDLE.items()
                        if name.endswith(".csv")}),
    }
    for name, build in variants.items():
        source = open_source(build(tmp_path / name))
        assert source.results()["key_figures"]["votes"] == 3, name
    zipped = tmp_path / "lot.zip"
    zipped.write_bytes(upload_payload(bundle()(tmp_path / "lot"))[1])
    assert open_source(zipped).results()["key_figures"]["votes"] == 3


# -- the upload page ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def upload_app(library):
    import streamlit as st

    os.environ[catalog.FOLDERS_VARIABLE] = str(library)
    st.cache_data.clear()           # (module fixture: set up before the per-test clearing)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["c"] = "existante"
        at.run()
        at.switch_page(UPLOAD_PAGE).run()
        assert not at.exception, [e.value for e in at.exception]
        yield at
    finally:
        os.environ.pop(catalog.FOLDERS_VARIABLE, None)


def _sidebar_options(at) -> list:
    return [list(box.options) for box in at.selectbox if box.label == "Consultation"]


@pytest.mark.parametrize("name", CASE_IDS)
def test_upload_shows_an_error_box(name, corpus, present, upload_app):
    at, item = upload_app, BY_NAME[name]
    if not item.uploadable:
        # The file picker does not offer it (Streamlit also refuses it on the server).
        suffix = corpus[name].suffix
        assert suffix not in at.file_uploader[0].allowed_type
        return
    limit = config.get_option("server.maxUploadSize")
    if item.huge:
        # A 2 GB upload is refused by its size (the same check as for any file over the
        # limit): shown with a 1 MB limit and a 1.5 MB file rather than 2 GB in memory.
        config.set_option("server.maxUploadSize", 1)
        file_name = f"{name}.zip" if corpus[name].is_dir() else corpus[name].name
        data = bytes(3 << 19)
        expected = (f"{file_name}: the file is too big (expected at most 1.0 MB; "
                    "found '1.5 MB')",)
    else:
        file_name, data = upload_payload(corpus[name])
        expected = item.upload_messages
    try:
        _upload_and_check(at, file_name, data, expected, present)
    finally:
        config.set_option("server.maxUploadSize", limit)


def _upload_and_check(at, file_name, data, expected, present):
    state_before = (list(at.session_state["uploaded_consultations"])
                    if "uploaded_consultations" in at.session_state else [],
                    at.session_state["c"], _sidebar_options(at))
    at.run()
    at.file_uploader[0].set_value((file_name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [unescape(e.value) for e in at.error]
    assert len(errors) == 1, errors
    assert f"« {file_name} » ne peut pas être lu" in errors[0]
    for message in expected:
        assert message in errors[0], errors[0]
    assert "Traceback" not in errors[0]
    state_after = (list(at.session_state["uploaded_consultations"])
                   if "uploaded_consultations" in at.session_state else [],
                   at.session_state["c"], _sidebar_options(at))
    assert state_after == state_before               # nothing joined the list
    assert present[0]()
    at.file_uploader[0].set_value(None)


# -- read-only: the app never writes to the data it reads -----------------------------------

WRITES: list[tuple[str, str]] = []
_WATCHED: list[Path] = []


def _audit(event, args):
    """Records every file opened for writing (or removed, renamed) under the
    watched folders while a test watches."""
    if not _WATCHED:
        return
    if event == "open":
        path, mode = args[0], args[1]
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if isinstance(mode, int) or mode is None:
            flags = args[2] if len(args) > 2 else 0
            writing = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
        if not writing or not isinstance(path, str | bytes | os.PathLike):
            return
        targets = [os.fsdecode(path)]
    elif event in ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree",
                   "os.truncate", "os.chmod", "os.utime"):
        targets = [os.fsdecode(a) for a in args if isinstance(a, str | bytes | os.PathLike)]
    else:
        return
    for target in targets:
        resolved = Path(target).resolve()
        if any(resolved.is_relative_to(folder) for folder in _WATCHED):
            WRITES.append((event, str(resolved)))


sys.addaudithook(_audit)


def test_app_never_writes_to_the_data_it_reads(tmp_path, monkeypatch):
    from corpus.build import EXPORT

    folder = write_library(tmp_path / "consultations")
    write_bundle(folder / "parquet", proposals=[{"proposal_id": "p1", "content": "Il faut B"}],
                 votes=votes_for("p1", {"agree": 8, "disagree/noWay": 4}),
                 consultation={"slug": "parquet", "title": "En Parquet"}, fmt="parquet")
    (folder / "export.csv").write_text(EXPORT, encoding="utf-8")
    ensure_demo()
    monkeypatch.setenv(catalog.FOLDERS_VARIABLE, str(folder))
    roots = (DEFAULT_DEMO_DIR.resolve(), folder.resolve())
    before = snapshot(*roots)
    kinds = {entry.kind for entry in catalog.discover()}
    assert kinds == {"bundle", "published", "opendata", "polis"}
    _WATCHED[:] = roots
    WRITES.clear()
    opened = 0
    try:
        at = AppTest.from_file(APP, default_timeout=180)
        for entry in catalog.discover():
            at.session_state["c"] = entry.id
            at.run()
            for page in PAGES:
                at.switch_page(page).run()
                assert not at.exception, (entry.id, page, [e.value for e in at.exception])
                assert not at.error, (entry.id, page, [e.value for e in at.error])
                opened += 1
    finally:
        _WATCHED.clear()
    assert opened == len(kinds and catalog.discover()) * len(PAGES)
    assert WRITES == []
    assert snapshot(*roots) == before


def test_demo_generator_leaves_a_foreign_bundle_alone(tmp_path):
    from analytics.demo import generate

    mine = write_bundle(tmp_path / "solutions-jeunes",
                        proposals=[{"proposal_id": "p1", "content": "Il faut A"}],
                        votes=votes_for("p1", {"agree": 2}),
                        consultation={"slug": "solutions-jeunes", "title": "La mienne"})
    before = snapshot(mine)
    with pytest.raises(FileExistsError, match="not written by the demo generator"):
        generate(mine, votes=20_000)
    assert cli.main(["demo", "--out", str(mine), "--votes", "20000"]) == cli.EXIT_INVALID
    assert snapshot(mine) == before


# -- .streamlit/config.toml for a public deployment -----------------------------------------

@pytest.fixture
def project_config(monkeypatch):
    """Streamlit's options as `streamlit run` reads them from the project folder."""
    monkeypatch.chdir(ROOT)
    saved = dict(config._config_options or {})
    config.get_config_options(force_reparse=True)
    yield config
    config._config_options = saved or None
    config.get_config_options(force_reparse=True)


def test_public_deployment_settings(project_config):
    where = str(ROOT / ".streamlit" / "config.toml")
    expected = {"client.showErrorDetails": "none", "server.maxUploadSize": 200,
                "browser.gatherUsageStats": False, "server.enableXsrfProtection": True,
                "client.toolbarMode": "viewer", "server.enableStaticServing": False,
                "client.disableDataExport": True,
                "runner.magicEnabled": False, "server.runOnSave": False}
    for key, value in expected.items():
        assert project_config.get_option(key) == value, key
        assert project_config.get_where_defined(key) == where, key
    # XSRF protection needs CORS protection on (Streamlit turns XSRF off otherwise).
    assert project_config.get_option("server.enableCORS") is True
    assert project_config.get_option("global.developmentMode") is False
    # The limit stated to users is the one in force.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "200 MB" in readme and "CONSULTATIONS_MAX_FILE_MB" in readme


def test_error_details_are_hidden(project_config):
    at = AppTest.from_string("raise RuntimeError('secret /srv/data/votes.csv')",
                             default_timeout=30)
    at.run()
    shown = at.exception[0]
    assert "secret" not in shown.message and not shown.stack_trace
    assert "RuntimeError" not in (shown.proto.type or "")


def test_upload_limit_is_stated_and_in_force(project_config, library, monkeypatch):
    monkeypatch.setenv(catalog.FOLDERS_VARIABLE, str(library))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(UPLOAD_PAGE).run()
    assert "Taille maximale : 200 Mo par fichier." in "\n".join(m.value for m in at.markdown)
    assert at.file_uploader[0].proto.max_upload_size_mb == 200
