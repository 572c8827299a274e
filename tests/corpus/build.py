"""The corpus of bad inputs: every case is written at test time from the compact
definitions below (nothing big is committed).

A case is a broken bundle, results file, proposal export, Polis export or archive,
with the message every entry point must give for it: the command line (stderr,
exit code 2), `open_source` (InputError) and the upload page (an error box).
Messages are the Issue format of analytics/inputs/errors.py: file, row, column, reason,
expected, found.

The "2 GB" files are sparse (a few kilobytes of data, then a hole): they cost no
disk and no memory to make, and must be refused from their first or last bytes.
The zip bomb is streamed into its archive (a few kilobytes on disk).

    .venv/bin/python tests/corpus/build.py OUT_FOLDER    writes every case, prints its message
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import stat
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

GB2 = 2 * 1024**3

# -- a valid vote-level bundle, as the bytes of its files -------------------------------------

CONSULTATION = {"slug": "corpus", "title": "Corpus", "language": "fr", "country": "FR",
                "start_date": "2024-01-01", "end_date": "2024-02-01"}
PROPOSALS = ("proposal_id,content,author_name,author_age,idea_id,tags\n"
             "p1,Il faut A,Ana,25,i1,theme:Emploi\n"
             "p2,Il faut B,Bob,,,\n")
IDEAS = "idea_id,name,axis\ni1,Idée,Axe\n"
PARTICIPANTS = ("participant_id,gender,age,region_code\n"
                "u0,female,20,11\nu1,male,30,84\nu2,other,40,11\n")
VOTES = ("proposal_id,participant_id,vote,qualification\n"
         "p1,u0,agree,likeIt\n"
         "p1,u1,disagree,\n"
         "p2,u0,neutral,noOpinion\n")
BUNDLE = {"consultation.json": json.dumps(CONSULTATION), "proposals.csv": PROPOSALS,
          "ideas.csv": IDEAS, "participants.csv": PARTICIPANTS, "votes.csv": VOTES}

RESULTS = {"context": "Consultation citoyenne réalisée par Make.org, autour de la question : "
                      "Comment faire ?",
           "top_ideas": [{"name": "Axe", "ideas": [{"idea": "Une idée", "agreement": 91,
                                                    "adhesion": 33, "realistic": 25}]}],
           "controversials": [], "cartography": [], "participation": []}
EXPORT = ("proposition,auteur,age,votes,adhesion,engagement,score\n"
          "Il faut A,Ana,25,120,0.8,0.4,1.2\n")
RESULTS_TEXT = json.dumps(RESULTS, ensure_ascii=False)
LATIN1_META = json.dumps({**CONSULTATION, "title": "Débat"}, ensure_ascii=False)
POLIS = {"comments.csv": "comment-id,comment-body,moderated\n0,Hello,1\n1,World,1\n",
         "votes.csv": "timestamp,comment-id,voter-id,vote\n1,0,1,1\n2,1,1,-1\n"}


@dataclass(frozen=True)
class Case:
    name: str
    about: str                          # what is wrong, in words
    build: Callable[[Path], Path]       # writes the input into a folder; returns what to open
    messages: tuple[str, ...]           # each one line of the report (CLI and open_source)
    upload: tuple[str, ...] | None = None   # the upload page's lines when they differ
    huge: bool = False                  # a 2 GB sparse file: uploaded as "too big" instead
    uploadable: bool = True             # False: the upload widget does not take the type

    @property
    def upload_messages(self) -> tuple[str, ...]:
        return self.upload if self.upload is not None else self.messages


CASES: list[Case] = []


def case(name: str, about: str, messages, build, *, upload=None, huge=False,
         uploadable=True) -> None:
    messages = (messages,) if isinstance(messages, str) else tuple(messages)
    upload = (upload,) if isinstance(upload, str) else upload
    CASES.append(Case(name, about, build, messages, upload, huge, uploadable))


# -- writers ----------------------------------------------------------------------------------

def _write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


def sparse(path: Path, head: bytes, size: int = GB2, tail: bytes = b"") -> Path:
    """`head`, zeros, then `tail`: `size` bytes as a sparse file (no disk used)."""
    _write(path, head)
    os.truncate(path, size)
    if tail:
        with path.open("r+b") as handle:
            handle.seek(size - len(tail))
            handle.write(tail)
    return path


def bundle(changes: dict | None = None, *, extra: Callable[[Path], None] | None = None):
    """A builder of the valid bundle with some files replaced (str or bytes), removed
    (None) or added; `extra(folder)` may then write more (Parquet, sparse files)."""
    def build(root: Path) -> Path:
        folder = root
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in {**BUNDLE, **(changes or {})}.items():
            if content is not None:
                _write(folder / name, content)
        if extra is not None:
            extra(folder)
        return folder
    return build


def one_file(name: str, content):
    def build(root: Path) -> Path:
        _write(root / name, content)
        return root / name
    return build


def folder_of(files: dict):
    def build(root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            _write(root / name, content)
        return root
    return build


def zipped(name: str, entries: list[tuple], *, bomb_bytes: int = 0):
    """A zip of (entry name, bytes[, unix mode]) entries; `bomb_bytes` of zeros
    streamed into one more entry."""
    def build(root: Path) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry, data, *mode in entries:
                info = zipfile.ZipInfo(entry)
                info.compress_type = zipfile.ZIP_DEFLATED
                if mode:
                    info.external_attr = mode[0] << 16
                archive.writestr(info, data)
            if bomb_bytes:
                chunk = bytes(1 << 20)
                with archive.open("votes.csv", "w", force_zip64=True) as out:
                    for _ in range(bomb_bytes // len(chunk)):
                        out.write(chunk)
        return path
    return build


def parquet(rows: dict, types: dict | None = None) -> bytes:
    types = types or {}
    table = pa.table({column: pa.array(values, types.get(column, pa.string()))
                      for column, values in rows.items()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


VOTE_ROWS = {"proposal_id": ["p1", "p1", "p2"], "participant_id": ["u0", "u1", "u0"],
             "vote": ["agree", "disagree", "neutral"],
             "qualification": ["likeIt", None, "noOpinion"]}


def _truncated_parquet(folder: Path) -> None:
    data = parquet(VOTE_ROWS)
    _write(folder / "votes.parquet", data[: len(data) // 2])


def _votes_replace(old: str, new: str) -> dict:
    assert old in VOTES
    return {"votes.csv": VOTES.replace(old, new)}


def _proposals_replace(old: str, new: str) -> dict:
    assert old in PROPOSALS
    return {"proposals.csv": PROPOSALS.replace(old, new)}


def _consultation(**changes) -> dict:
    meta = {k: v for k, v in {**CONSULTATION, **changes}.items() if v is not None}
    return {"consultation.json": json.dumps(meta)}


def _deep(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


# -- the cases: vote-level bundles ------------------------------------------------------------

NOT_A_BUNDLE = ("{name}: unrecognised folder (expected consultation.json (vote-level bundle) or "
                "comments.csv and votes.csv (Polis export); found '{found}')")
NO_CONSULTATION = ("{name}.zip: the archive holds no consultation (expected consultation.json and "
                   "its tables (vote-level bundle), comments.csv and votes.csv (Polis export), or "
                   "one results .json or proposal .csv; found '{found}')")

case("missing_votes", "the required votes table is missing",
     "votes.csv: required table is missing (expected votes.csv or votes.parquet in missing_votes)",
     bundle({"votes.csv": None}))
case("missing_consultation", "the bundle has no consultation.json",
     "consultation.json: required file is missing (expected consultation.json in "
     "missing_consultation)",
     bundle({"consultation.json": None}))
case("missing_column", "votes.csv has no vote column",
     "votes.csv, row 1, column vote: required column is missing (expected a column named vote; "
     "found 'proposal_id, participant_id, qualification')",
     bundle({"votes.csv": "proposal_id,participant_id,qualification\np1,u0,\n"}))
case("empty_value", "a proposal without content",
     "proposals.csv, row 3, column content: content is empty (expected a non-empty value; "
     "found 'nothing')",
     bundle(_proposals_replace("p2,Il faut B,", "p2,,")))
case("wrong_type_age", "an age written in words",
     "proposals.csv, row 2, column author_age: author_age is not a valid age (expected an "
     "integer from 8 to 120, or empty; found 'vingt-cinq')",
     bundle(_proposals_replace("Ana,25,", "Ana,vingt-cinq,")))
case("wrong_type_target", "votes_target given as text in consultation.json",
     "consultation.json, column votes_target: votes_target is not a whole number (expected a "
     "non-negative integer; found '\"500000\"')",
     bundle(_consultation(votes_target="500000")))
case("unknown_key", "a misspelt key in consultation.json (titel for title)",
     "consultation.json, column title: missing title (expected a non-empty string; "
     "found 'nothing')",
     bundle(_consultation(title=None, titel="Corpus")))
case("unknown_vote", "a vote that is not agree, disagree or neutral",
     "votes.csv, row 3, column vote: unknown vote (expected agree, disagree or neutral; "
     "found 'pour')",
     bundle(_votes_replace("p1,u1,disagree,", "p1,u1,pour,")))
case("unknown_qualification", "a qualification key that does not exist",
     "votes.csv, row 2, column qualification: unknown qualification (expected empty or one of "
     "likeIt, doable, platitudeAgree, noWay, impossible, platitudeDisagree, doNotUnderstand, "
     "noOpinion, doNotCare; found 'love')",
     bundle(_votes_replace("agree,likeIt", "agree,love")))
case("qualification_mismatch", "a qualification that belongs to another vote",
     "votes.csv, row 2, column qualification: qualification does not match the vote 'agree' "
     "(expected empty or one of likeIt, doable, platitudeAgree for agree; found 'agree / noWay')",
     bundle(_votes_replace("agree,likeIt", "agree,noWay")))
case("duplicate_vote", "the same participant votes twice on one proposal",
     "votes.csv, row 5, column proposal_id, participant_id: duplicate vote: this participant "
     "already voted on this proposal at row 2 (expected at most one vote per participant and "
     "proposal; found 'p1 / u0')",
     bundle({"votes.csv": VOTES + "p1,u0,disagree,\n"}))
case("vote_unknown_proposal", "a vote on a proposal that does not exist",
     "votes.csv, row 5, column proposal_id: vote on an unknown proposal (expected a proposal_id "
     "of proposals; found 'p9')",
     bundle({"votes.csv": VOTES + "p9,u2,agree,\n"}))
case("unknown_idea", "a proposal in an idea that does not exist",
     "proposals.csv, row 2, column idea_id: unknown idea (expected empty or an idea_id of ideas; "
     "found 'i9')",
     bundle(_proposals_replace(",i1,", ",i9,")))
case("duplicate_proposal", "two proposals with one id",
     "proposals.csv, row 3, column proposal_id: duplicate proposal_id (first seen at row 2) "
     "(expected each proposal_id once; found 'p1')",
     bundle(_proposals_replace("p2,Il faut B", "p1,Il faut B")))
case("empty_file", "votes.csv is empty (0 bytes)",
     "votes.csv: the file is empty (expected a header row and records)",
     bundle({"votes.csv": ""}))
case("header_only", "votes.csv has its header and no record",
     "votes.csv, row 2: the table has a header but no records (expected at least one vote)",
     bundle({"votes.csv": VOTES.split("\n")[0] + "\n"}))
case("latin1", "proposals.csv saved as Latin-1",
     "proposals.csv, row 3, column content: the text is not UTF-8 (expected UTF-8 text)",
     bundle({"proposals.csv": (PROPOSALS.replace("Il faut B", "Il faut l'égalité")
                               .encode("latin-1"))}))
case("latin1_json", "consultation.json saved as Latin-1",
     "consultation.json: the file is not UTF-8 encoded (expected UTF-8 JSON; found 'byte 0xe9 "
     f"at offset {LATIN1_META.index('é')}')",
     bundle({"consultation.json": LATIN1_META.encode("latin-1")}))
case("utf16_bom", "votes.csv saved as UTF-16 (Excel's \"Unicode text\"), with its BOM",
     "votes.csv, row 1: the file is UTF-16 encoded (expected UTF-8 text (save as \"CSV UTF-8\"); "
     "found 'a UTF-16 byte order mark')",
     bundle({"votes.csv": VOTES.encode("utf-16")}))
case("semicolons", "proposals.csv separated by semicolons",
     "proposals.csv, row 1: columns are separated by ';' (expected comma-separated columns; "
     "found 'proposal_id;content;author_name;author_age;idea_id;tags')",
     bundle({"proposals.csv": PROPOSALS.replace(",", ";")}))
case("bom_semicolons", "votes.csv as Excel writes it in French: UTF-8 BOM and semicolons",
     "votes.csv, row 1: columns are separated by ';' (expected comma-separated columns; "
     "found 'proposal_id;participant_id;vote;qualification')",
     bundle({"votes.csv": b"\xef\xbb\xbf" + VOTES.replace(",", ";").encode()}))
case("too_many_fields", "a record with one field too many",
     "votes.csv, row 3: the record has too many fields (expected 4 fields (proposal_id, "
     "participant_id, vote, qualification); found 'p1,u1,disagree,,extra')",
     bundle(_votes_replace("p1,u1,disagree,", "p1,u1,disagree,,extra")))
case("unclosed_quote", "a quoted field that never ends",
     "proposals.csv, row 3, column content: a quoted field is not closed (expected a closing "
     "quote (\"); found 'p2,\"Il faut B,Bob,,,\\n')",
     bundle({"proposals.csv": PROPOSALS.replace("p2,Il faut B", 'p2,"Il faut B')}))
case("binary", "votes.csv is a PNG image",
     "votes.csv, row 1: the file is binary, not CSV text (expected UTF-8 CSV; found 'a PNG "
     "image')",
     bundle({"votes.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)}))
case("truncated_parquet", "votes.parquet cut in the middle",
     "votes.parquet: not a readable Parquet file (truncated or corrupt?) (expected a Parquet "
     "file; found 'Invalid Input Error: No magic bytes found at end of file ...')",
     bundle({"votes.csv": None}, extra=_truncated_parquet))
case("parquet_wrong_type", "votes.parquet with votes as numbers (1, -1, 0)",
     "votes.parquet, row 2, column vote: unknown vote (expected agree, disagree or neutral; "
     "found '1')",
     bundle({"votes.csv": None, "votes.parquet": parquet(
         {**VOTE_ROWS, "vote": [1, -1, 0]}, {"vote": pa.int64()})}))
case("both_formats", "votes.csv and votes.parquet side by side",
     "votes.csv: both votes.csv and votes.parquet exist (expected one file per table)",
     bundle({"votes.parquet": parquet(VOTE_ROWS)}))
case("invalid_json", "consultation.json cut in the middle",
     "consultation.json, row 1: invalid JSON: Expecting value (expected valid JSON; "
     "found 'line 1 column 29')",
     bundle({"consultation.json": '{"slug": "corpus", "title": '}))
case("json_wrong_shape", "consultation.json is a list",
     "consultation.json: wrong shape (expected a JSON object; found 'list')",
     bundle({"consultation.json": '["corpus", "Corpus"]'}))
case("json_nesting", "consultation.json nested 100,000 levels deep",
     "consultation.json: the JSON is nested too deeply (expected valid JSON)",
     bundle({"consultation.json": _deep()}))
case("bad_metadata", "a slug with spaces and dates in the wrong order",
     ["consultation.json, column slug: missing or invalid slug (expected lowercase letters, "
      "digits and '-'; found '\"Mon Débat\"')",
      "consultation.json, column end_date: end_date is before start_date (expected on or after "
      "2024-01-01; found '\"2023-12-01\"')"],
     bundle(_consultation(slug="Mon Débat", end_date="2023-12-01")))
case("actions_wrong_shape", "actions.json is an object, not a list",
     "actions.json: wrong shape (expected a JSON list of actions; found 'dict')",
     bundle({"actions.json": '{"name": "Agir"}'}))
case("actions_unknown_proposal", "an action citing a proposal that does not exist",
     "actions.json, column [0].proposal_ids[0]: unknown proposal (expected a proposal_id of "
     "proposals; found 'p9')",
     bundle({"actions.json": json.dumps([{"name": "Agir", "proposal_ids": ["p9"]}])}))
case("empty_folder", "an empty folder",
     NOT_A_BUNDLE.format(name="empty_folder", found="an empty folder"),
     folder_of({}),
     upload="empty_folder.zip: the archive is empty (expected the files of a consultation)")
case("no_line_break", "proposals.csv is one 2 MB line",
     "proposals.csv, row 1: the first line is longer than 1 MB: not a CSV header (expected a "
     "header row of column names)",
     bundle({"proposals.csv": b"proposal_id," + base64.b64encode(random.Random(1).randbytes(
         3 << 19))}))
case("huge_votes_csv", "votes.csv: 2 GB, its records then zeros (a download padded with zeros)",
     "votes.csv: the file holds zero bytes (truncated and padded, or binary?) (expected UTF-8 "
     f"CSV text; found 'a zero byte at offset {len(VOTES)}')",
     bundle(extra=lambda folder: sparse(folder / "votes.csv", VOTES.encode())), huge=True)
case("huge_votes_csv_hole", "votes.csv: 2 GB, 1.2 MB of records at its start, 80 KB at its "
     "end, zeros between (a sparse hole: found without reading it)",
     "votes.csv: the file holds zero bytes (truncated and padded, or binary?) (expected UTF-8 "
     "CSV text; found 'a zero byte at offset ",
     bundle(extra=lambda folder: sparse(folder / "votes.csv", (VOTES + "".join(
         f"p2,v{n},agree,\n" for n in range(90_000))).encode(), tail="".join(
             f"\np2,w{n},agree," for n in range(6_000)).encode() + b"\n")),
     huge=True)
case("huge_votes_parquet", "votes.parquet: 2 GB of zeros",
     "votes.parquet: not a readable Parquet file (truncated or corrupt?) (expected a Parquet "
     "file; found 'Invalid Input Error: No magic bytes found at end of file ...')",
     bundle({"votes.csv": None}, extra=lambda folder: sparse(folder / "votes.parquet", b"PAR1")),
     huge=True)

# -- published results (one JSON file) --------------------------------------------------------

case("results_wrong_shape", "a results file that is a JSON list",
     "results.json: wrong shape (expected a JSON object with top_ideas, controversials, "
     "cartography and participation; found 'a list')",
     one_file("results.json", "[1, 2, 3]"))
case("results_unknown_keys", "a JSON object with none of the results keys",
     "results.json: not a Make.org results file (expected the keys top_ideas, controversials, "
     "cartography, participation; found 'topIdeas, controversy')",
     one_file("results.json", '{"topIdeas": [], "controversy": []}'))
case("results_wrong_types", "a share written as text, a list that is an object",
     ["results.json: top_ideas[0].ideas[0].agreement: expected a number, found \"91 %\"",
      "results.json: controversials: expected a list, found an object"],
     one_file("results.json", json.dumps({**RESULTS, "controversials": {}, "top_ideas": [
         {"name": "Axe", "ideas": [{"idea": "Une idée", "agreement": "91 %"}]}]})))
case("results_empty", "an empty results file",
     "results.json: the file is empty (expected a JSON document)",
     one_file("results.json", ""),
     upload="results.json: the file is empty")
case("results_latin1", "a results file saved as Latin-1",
     "results.json: the file is not UTF-8 encoded (expected UTF-8 JSON; found 'byte 0xe9 at "
     f"offset {RESULTS_TEXT.index('é')}')",
     one_file("results.json", RESULTS_TEXT.encode("latin-1")))
case("results_truncated", "a results file cut in the middle",
     "results.json, row 1: invalid JSON: Unterminated string starting at (expected valid JSON; "
     "found 'line 1 column 13')",
     one_file("results.json", RESULTS_TEXT[:30]))
case("results_nesting", "a results file nested 100,000 levels deep",
     "results.json: the JSON is nested too deeply",
     one_file("results.json", '{"top_ideas": ' + _deep() + "}"))
case("results_huge", "a 2 GB results file (sparse)",
     "results.json: the file is too big to be read (expected at most 200.0 MB "
     "(CONSULTATIONS_MAX_FILE_MB); found '2,048.0 MB')",
     lambda root: sparse(root / "results.json", b'{"top_ideas": ['), huge=True)

# -- proposal-level export (one CSV file) -----------------------------------------------------

case("export_missing_column", "a proposal export without its proposition column",
     "export.csv, row 1, column proposition: required column is missing (expected the columns "
     "proposition,auteur,age,votes,adhesion,engagement,score; found 'auteur, age, votes')",
     one_file("export.csv", "auteur,age,votes\nAna,25,120\n"))
case("export_wrong_type", "a vote count written in words",
     "export.csv, row 2, column votes: votes is not a count (expected a whole number, 0 or "
     "more; found 'beaucoup')",
     one_file("export.csv", EXPORT.replace(",120,", ",beaucoup,")))
case("export_header_only", "a proposal export with a header and no proposal",
     "export.csv, row 2: the table has a header but no records (expected at least one "
     "proposal)",
     one_file("export.csv", EXPORT.split("\n")[0] + "\n"))
case("export_huge", "a 2 GB proposal export (sparse)",
     "export.csv: the file is too big to be read (expected at most 200.0 MB "
     "(CONSULTATIONS_MAX_FILE_MB); found '2,048.0 MB')",
     lambda root: sparse(root / "export.csv", EXPORT.encode()), huge=True)

# -- Polis export (a folder) ------------------------------------------------------------------

case("polis_bad_vote", "a Polis vote of 2",
     "votes.csv, row 3, column vote: unknown vote (expected 1 (agree), -1 (disagree) or 0 "
     "(pass); found '2')",
     folder_of({**POLIS, "votes.csv": POLIS["votes.csv"].replace("2,1,1,-1", "2,1,1,2")}))
case("polis_missing_column", "Polis comments without their text",
     "comments.csv, row 1, column comment-body: required column is missing (expected a column "
     "named comment-body; found 'comment-id, moderated')",
     folder_of({**POLIS, "comments.csv": "comment-id,moderated\n0,1\n"}))

# -- archives ---------------------------------------------------------------------------------

_GOOD = [(name, data.encode()) for name, data in BUNDLE.items()]

case("zip_slip", "a zip whose entry climbs out of its folder",
     "zip_slip.zip: an entry climbs out of the folder (expected paths inside the archive "
     "(no '..'); found '../../outside.csv')",
     zipped("zip_slip.zip", [*_GOOD, ("../../outside.csv", b"a,b\n")]))
case("zip_absolute", "a zip whose entry has an absolute path",
     "zip_absolute.zip: an entry has an absolute path (expected paths inside the archive; "
     "found '/tmp/outside.csv')",
     zipped("zip_absolute.zip", [*_GOOD, ("/tmp/outside.csv", b"a,b\n")]))
case("zip_symlink", "a zip holding a symbolic link to /etc/passwd",
     "zip_symlink.zip: an entry is a symbolic link (expected plain files and folders; "
     "found 'ideas.csv')",
     zipped("zip_symlink.zip", [(n, d) for n, d in _GOOD if n != "ideas.csv"]
            + [("ideas.csv", b"/etc/passwd", stat.S_IFLNK | 0o777)]))
case("zip_bomb", "a zip bomb: 64 MB of zeros in 64 KB",
     "zip_bomb.zip: an entry is compressed suspiciously well (zip bomb?) (expected a "
     "compression ratio under 200; found 'votes.csv: 64.0 MB from 0.1 MB')",
     zipped("zip_bomb.zip", [(n, d) for n, d in _GOOD if n != "votes.csv"],
            bomb_bytes=64 << 20))
case("zip_not_a_zip", "a file named .zip that is not an archive",
     "zip_not_a_zip.zip: not a readable zip archive (expected a .zip file; found 'File is not "
     "a zip file')",
     one_file("zip_not_a_zip.zip", b"PK\x03\x04 this is not really a zip"))
case("zip_no_consultation", "a zip of unrelated files",
     NO_CONSULTATION.format(name="zip_no_consultation", found="notes.txt, photo.png"),
     zipped("zip_no_consultation.zip", [("notes.txt", b"hello"), ("photo.png", b"\x89PNG")]))
case("zip_huge", "a 2 GB .zip of zeros (sparse)",
     "zip_huge.zip: not a readable zip archive (expected a .zip file; found 'File is not a zip "
     "file')",
     lambda root: sparse(root / "zip_huge.zip", b"PK\x03\x04"), huge=True)
case("unknown_type", "a spreadsheet instead of a CSV",
     "results.xlsx: unrecognised file type (expected a folder, .json (published results), .csv "
     "(proposal export) or .zip; found '.xlsx')",
     one_file("results.xlsx", b"PK\x03\x04 a spreadsheet"), uploadable=False)


def build_case(item: Case, root: Path) -> Path:
    """Write `item` under `root` (a folder of its own) and return the path to open."""
    return item.build(root / item.name)


def upload_payload(path: Path) -> tuple[str, bytes]:
    """(file name, bytes) to give the upload page: the file itself, or a zip of the
    folder with the folder inside it."""
    if path.is_file():
        return path.name, path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{path.name}/"), b"")
        for child in sorted(path.iterdir()):
            archive.write(child, f"{path.name}/{child.name}")
    return f"{path.name}.zip", buffer.getvalue()


def main(out: Path) -> None:
    from analytics.consultations.open import open_source
    from analytics.inputs.errors import InputError

    for item in CASES:
        path = build_case(item, out)
        try:
            open_source(path, materialize=False)
            report = "(valid!)"
        except InputError as error:
            report = error.report()
        print(f"{item.name}: {item.about}\n    {report.replace(chr(10), chr(10) + '    ')}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))      # the repository
    main(Path(sys.argv[1]))
