"""Uploads and zip archives: what is accepted, and what is refused before
anything is written (zip slip, absolute paths, symbolic links, zip bombs,
oversized files)."""

import io
import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import votes_for, write_bundle

from analytics.consultations.open import open_source
from analytics.inputs import archive
from analytics.inputs.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def make_zip(path: Path, files: dict[str, bytes], symlinks: dict[str, str] | None = None,
             compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as out:
        for name, data in files.items():
            out.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            out.writestr(info, target)
    return path


def bundle_files(tmp_path, prefix="") -> dict[str, bytes]:
    folder = write_bundle(tmp_path / "bundle-src",
                          proposals=[{"proposal_id": "p1", "content": "Il faut A"}],
                          votes=votes_for("p1", {"agree": 3, "disagree": 1}))
    return {prefix + p.name: p.read_bytes() for p in folder.iterdir()}


def test_bundle_zip_with_a_top_folder(tmp_path):
    path = make_zip(tmp_path / "b.zip", {**bundle_files(tmp_path, "my-bundle/"),
                                         "__MACOSX/my-bundle/._votes.csv": b"junk"})
    content = archive.extract_zip(path, tmp_path / "out")
    assert content == tmp_path / "out" / "my-bundle"
    assert not (tmp_path / "out" / "__MACOSX").exists()
    results = open_source(content).results()
    assert results["key_figures"]["votes"] == 4


def test_zip_opened_by_open_source_and_the_cli(tmp_path):
    path = make_zip(tmp_path / "b.zip", bundle_files(tmp_path))        # files at the root
    source = open_source(path)
    assert source.kind == "bundle"
    assert source.results()["key_figures"]["votes"] == 4
    run = subprocess.run([sys.executable, "-m", "analytics", "validate", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "valid bundle" in run.stdout


def test_polis_zip_and_single_file_zip(tmp_path):
    polis = make_zip(tmp_path / "p.zip", {
        "conv/comments.csv": b"comment-id,comment-body,moderated\n0,Hello,1\n",
        "conv/votes.csv": b"timestamp,comment-id,voter-id,vote\n1,0,1,1\n"})
    assert open_source(polis).kind == "polis"
    single = make_zip(tmp_path / "s.zip", {"results.json": json.dumps(
        {"top_ideas": [], "controversials": [], "cartography": [],
         "participation": []}).encode()})
    assert open_source(single).kind == "published"


def test_zip_slip_is_refused_before_writing(tmp_path):
    path = make_zip(tmp_path / "evil.zip", {"ok.csv": b"a\n", "../../evil.txt": b"x",
                                            "/etc/evil.conf": b"x"})
    with pytest.raises(InputError) as error:
        archive.extract_zip(path, tmp_path / "out" / "here")
    report = error.value.report()
    assert "evil.zip: an entry climbs out of the folder (expected paths inside the archive " \
           "(no '..'); found '../../evil.txt')" in report
    assert "an entry has an absolute path" in report
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_symbolic_links_are_refused(tmp_path):
    path = make_zip(tmp_path / "link.zip", {"votes.csv": b"a\n"},
                    symlinks={"comments.csv": "/etc/passwd"})
    with pytest.raises(InputError, match="an entry is a symbolic link"):
        archive.extract_zip(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_zip_bomb_is_refused(tmp_path):
    # 64 MB of zeros compress to about 64 KB: a ratio of about 1000.
    path = tmp_path / "bomb.zip"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out, \
            out.open("votes.csv", "w") as entry:
        for _ in range(64):
            entry.write(chunk)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(InputError, match="compressed suspiciously well"):
        archive.extract_zip(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_size_and_entry_caps(tmp_path):
    path = make_zip(tmp_path / "many.zip", {f"f{i}.csv": b"x" * 100 for i in range(5)})
    with pytest.raises(InputError, match="too many entries"):
        archive.extract_zip(path, tmp_path / "a", max_entries=4)
    with pytest.raises(InputError, match="too big once uncompressed"):
        archive.extract_zip(path, tmp_path / "b", max_total=400)
    assert archive.extract_zip(path, tmp_path / "c") == tmp_path / "c"


def test_declared_sizes_are_not_trusted(tmp_path):
    """An entry whose header under-states its size is stopped while extracting (zipfile
    stops at the declared size and the CRC check fails; the count of bytes written is
    a second guard)."""
    path = make_zip(tmp_path / "liar.zip", {"votes.csv": b"a" * 5000},
                    compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    # Rewrite the uncompressed size in the central directory to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="corrupt|bigger than the archive declares"):
        archive.extract_zip(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(InputError, match="not a readable zip archive"):
        archive.extract_zip(path, tmp_path / "out")


def test_archive_without_a_consultation(tmp_path):
    path = make_zip(tmp_path / "other.zip", {"notes.txt": b"hello", "data/x.csv": b"a\n"})
    with pytest.raises(InputError, match="the archive holds no consultation"):
        open_source(path)


def test_store_upload(tmp_path):
    data = json.dumps({"top_ideas": [], "controversials": [], "cartography": [],
                       "participation": []}).encode()
    path = archive.store_upload("../../mes résultats.JSON", data, limit_mb=1)
    assert path.name == "mes_résultats.json"
    assert path.is_relative_to(archive.uploads_root())
    assert open_source(path).kind == "published"
    archive.discard(path)
    assert not path.exists()


def test_oversized_upload_leaves_nothing(tmp_path):
    before = set(archive.uploads_root().iterdir())
    with pytest.raises(InputError) as error:
        archive.store_upload("big.csv", b"x" * (2 * 1024**2), limit_mb=1)
    assert error.value.report() == ("big.csv: the file is too big (expected at most 1.0 MB; "
                                    "found '2.0 MB')")
    with pytest.raises(InputError, match="unrecognised file type"):
        archive.store_upload("photo.png", b"x", limit_mb=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("../x.csv", b"a")
    with pytest.raises(InputError, match="climbs out"):
        archive.store_upload("slip.zip", buffer.getvalue(), limit_mb=1)
    assert set(archive.uploads_root().iterdir()) == before


def test_safe_name():
    assert archive.safe_name("../../etc/passwd.json") == "passwd.json"
    assert archive.safe_name("C:\\Users\\a\\Résultats 2024.CSV") == "Résultats_2024.csv"
    assert archive.safe_name("a\u202eb<script>.json") == "a_b_script.json"
    assert archive.safe_name(".hidden.zip") == "hidden.zip"
    assert archive.safe_name("") == "upload"
