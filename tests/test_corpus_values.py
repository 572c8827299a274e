"""The corpus of hostile values (tests/corpus/values.py, issue #18).

Every case goes through `validate` and `results` of the command line in ONE child
process (as fast as the corpus can go) that has a memory limit: each gives its exit
code (2 and its message for bad input, 0 for a good one), never a traceback, never
invalid JSON; the child's peak memory over every case stays under 1 GB; the inputs are
left as they were. The refused cases that a zip can hold are also uploaded to the app."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.build import upload_payload
from corpus.values import VALUE_CASES, build_case
from test_corpus import _upload_and_check, library, present, upload_app  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
BY_NAME = {item.name: item for item in VALUE_CASES}
PEAK_LIMIT = 1024**3                 # the bound on any input under 10 MB
ADDRESS_SPACE = 6 * 1024**3          # a runaway child fails instead of taking the machine
CLASSES = ("wide_", "json_", "cr_only_", "lone_cr_", "long_header_", "author_age_", "cli_",
           "polis_timestamp", "zip_", "link_", "fifo_", "folder_", "parquet_", "export_mixed",
           "nfd_", "unknown_regions", "tag_types")


def test_the_value_corpus_covers_every_class():
    names = [item.name for item in VALUE_CASES]
    assert len(names) >= 100 and len(set(names)) == len(names)
    for prefix in CLASSES:
        assert any(name.startswith(prefix) for name in names), prefix
    assert {item.exit for item in VALUE_CASES} == {0, 2}
    for item in VALUE_CASES:
        assert item.exit == 0 or item.messages, item.name


def _digest(root: Path) -> dict:
    seen = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            seen[str(path)] = os.readlink(path) if path.is_symlink() else "dir-or-special"
        else:
            seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("values")
    paths = {item.name: str(build_case(item, root)) for item in VALUE_CASES}
    (root / "paths.json").write_text(json.dumps(paths))
    return root, paths


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture(scope="module")
def reports(built):
    """Every case run by the child process; its peak resident memory."""
    root, paths = built
    sizes = {name: _size(Path(path)) for name, path in paths.items()}
    assert max(sizes.values()) < 10 * 1024**2, sizes       # the bound is for inputs < 10 MB
    before = _digest(root)
    out, err = root.parent / "values.out", root.parent / "values.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "corpus" / "values.py"),
                                  "run", str(root)], cwd=ROOT, stdout=stdout, stderr=stderr,
                                 preexec_fn=_limited)
        # wait4: this child's own peak (RUSAGE_CHILDREN would be the largest child's).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * 1024
    assert child.returncode == 0, err.read_text()[-3000:]
    assert _digest(root) == before                  # nothing read was changed
    found = {}
    for line in out.read_text().splitlines():
        report = json.loads(line)
        found[report.pop("name")] = report
    return found, peak


def _size(path: Path) -> int:
    if path.is_symlink() or not (path.is_file() or path.is_dir()):
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def test_peak_memory_under_1_gb(reports):
    _, peak = reports
    assert 50 * 1024**2 < peak < PEAK_LIMIT, f"{peak / 1024**2:,.0f} MB"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_cli_exit_code_and_message(name, reports):
    item, report = BY_NAME[name], reports[0][name]
    for command in ("validate", "results"):
        seen = report[command]
        err = seen["stderr"]
        assert "Traceback" not in err and "unexpected error" not in err, (command, err)
        assert seen["absent"] == [], (command, seen["absent"])
        if item.args and command == "validate":     # the input is fine; the argument is not
            assert seen["code"] == 0, err
            continue
        assert seen["code"] == item.exit, (command, err)
        if item.exit == 2 or command == "validate":   # warnings: printed by validate
            for message in item.messages:
                assert message in err, (command, message, err)
        if command == "results":
            assert seen["json"] is (True if item.exit == 0 else None), (command, err)
            assert len(seen["output"]) == len(item.output), (item.output, seen["output"])
    if item.exit == 2 and not item.args:
        assert report["open_source"] is not None
        for message in item.messages:
            assert message in report["open_source"]
    else:
        assert report["open_source"] is None


UPLOADED = [item.name for item in VALUE_CASES
            if item.exit == 2 and item.uploadable and not item.args]


@pytest.mark.parametrize("name", UPLOADED)
def test_upload_shows_the_message(name, built, present, upload_app):  # noqa: F811
    item = BY_NAME[name]
    file_name, data = upload_payload(Path(built[1][name]))
    # In an upload a folder arrives zipped: the zip's own name leads the message.
    expected = tuple(m.replace(f"{name}.zip", file_name) for m in item.messages)
    _upload_and_check(upload_app, file_name, data, expected, present)
