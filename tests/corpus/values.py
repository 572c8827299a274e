"""The corpus of hostile values (issue #18): files whose structure is fine but whose
values are not, built at test time from the compact definitions below.

Each case says the exit code `python -m analytics validate` and `results` must give
(2 for bad input, with its message: file, row, column, reason; 0 for an input that
must open, with its warnings and what its results must hold). The classes: memory
(thousands of columns), values Python's json takes and the standard does not, CSV
line ends and field sizes, ages and counts, command-line numbers, Polis timestamps,
zip entry names, links and special files, Parquet types, mixed scales, Unicode
look-alikes, French codes, tag types.

    .venv/bin/python tests/corpus/values.py run OUT_FOLDER    runs every case through
        the command line in this one process; prints one JSON object per case
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))                 # tests/ (corpus.build)
sys.path.insert(0, str(HERE.parents[1]))             # the repository (analytics)

from corpus.build import (  # noqa: E402
    BUNDLE,
    EXPORT,
    IDEAS,
    PARTICIPANTS,
    POLIS,
    PROPOSALS,
    RESULTS,
    VOTE_ROWS,
    VOTES,
    bundle,
    folder_of,
    one_file,
    parquet,
    zipped,
)


@dataclass(frozen=True)
class ValueCase:
    name: str
    about: str
    build: Callable[[Path], Path]
    exit: int                                   # 2: refused, 0: opens
    messages: tuple[str, ...] = ()              # lines on stderr (refused) or warnings
    args: tuple[str, ...] = ()                  # more arguments of `results`
    output: tuple[str, ...] = ()                # in the results JSON (exit 0)
    absent: tuple[str, ...] = ()                # never on stderr nor in the results
    uploadable: bool = True                     # False: links, pipes (a zip holds none)


VALUE_CASES: list[ValueCase] = []


def case(name, about, build, exit, messages=(), **more) -> None:
    messages = (messages,) if isinstance(messages, str) else tuple(messages)
    VALUE_CASES.append(ValueCase(name, about, build, exit, messages, **more))


def _where(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- memory: thousands of columns -------------------------------------------------------------

WIDE = 3000


def _wide_csv(text: str, width: int = WIDE, name: str = "c{}") -> str:
    """`text` with `width` more text columns (short values)."""
    lines = text.rstrip("\n").split("\n")
    head = lines[0] + "," + ",".join(name.format(i) for i in range(width))
    body = [line + "," + ",".join("ab" for _ in range(width)) for line in lines[1:]]
    return "\n".join([head, *body]) + "\n"


def _wide_parquet(rows: dict, width: int = WIDE) -> bytes:
    n = len(next(iter(rows.values())))
    more = {f"c{i}": ["texte"] * n for i in range(width)}
    return parquet({**rows, **more})


WIDE_WARNING = "are not part of the contract and were ignored"
case("wide_votes_csv", "votes.csv with 3,000 more text columns (180 KB)",
     bundle({"votes.csv": _wide_csv(VOTES)}), 0,
     f"votes.csv: column(s) c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, "
     f"c15, c16, c17, c18, c19 and 2,980 more {WIDE_WARNING}")
case("wide_proposals_csv", "proposals.csv with 3,000 more columns",
     bundle({"proposals.csv": _wide_csv(PROPOSALS)}), 0, "and 2,980 more " + WIDE_WARNING)
case("wide_participants_csv", "participants.csv with 3,000 more columns of long names",
     bundle({"participants.csv": _wide_csv(PARTICIPANTS, name="colonne_" + "x" * 60 + "_{}")}),
     0, "colonne_xxxxxxxxxxxxxxxxxxxxxxxxxxxxx..., ")
case("wide_votes_parquet", "votes.parquet of 3,000 more text columns",
     bundle({"votes.csv": None, "votes.parquet": _wide_parquet(VOTE_ROWS)}), 0,
     "votes.parquet: column(s) c0, c1, ")
case("wide_export", "a proposal export with 3,000 more columns",
     one_file("export.csv", _wide_csv(EXPORT)), 0,
     "export.csv: column(s) c0, c1, c2, ")
case("wide_missing_column", "3,000 columns and no vote column: the columns found, bounded",
     bundle({"votes.csv": _wide_csv("proposal_id,participant_id\np1,u0\n")}), 2,
     "votes.csv, row 1, column vote: required column is missing (expected a column named vote; "
     "found 'proposal_id, participant_id, c0, c1, c2, c3, c4, c5, c6, ...')")
case("wide_polis_comments", "Polis comments with 3,000 more columns",
     folder_of({**POLIS, "comments.csv": _wide_csv(POLIS["comments.csv"])}), 0)

# -- JSON: what Python's json module takes and the standard does not --------------------------

HUGE_INT = "9" * 5000
BAD_VALUES = {          # name: (JSON text of the value, reason, what the message shows)
    "huge_int": (HUGE_INT, "a whole number has more than 30 digits", "5,000 digits"),
    "long_int": ("1" * 31, "a whole number has more than 30 digits", "31 digits"),
    "nan": ("NaN", "a number is not finite", "NaN"),
    "infinity": ("Infinity", "a number is not finite", "Infinity"),
    "minus_infinity": ("-Infinity", "a number is not finite", "-Infinity"),
    "overflow": ("1e400", "a number is too large", "1e400"),
    "surrogate": ('"x\\ud800"', "a text holds a lone UTF-16 surrogate (not a character)",
                  "\\ud800"),
    "low_surrogate": ('"\\udc00y"', "a text holds a lone UTF-16 surrogate (not a character)",
                      "\\udc00"),
}


def _json_case(file: str, where: str, document: str, value_name: str, build) -> None:
    value, reason, shown = BAD_VALUES[value_name]
    text = document.replace(MARK, value)
    # Where the reader points: the escape of a text, the number itself.
    line, column = _where(text, shown if value.startswith('"') else value)
    expected = "valid Unicode text" if "surrogate" in reason else "standard JSON"
    found = f"{shown} at line {line} column {column}"
    case(f"json_{Path(file).stem}_{where}_{value_name}", f"{file}: {value[:20]} in {where}",
         build(text), 2, f"{file}, row {line}: {reason} (expected {expected}; found {found!r})",
         absent=("Traceback",))


MARK = "@VALUE@"
META_EXTRA = json.dumps({"slug": "corpus", "title": "Corpus", "language": "fr", "country": "FR",
                         "start_date": "2024-01-01", "end_date": "2024-02-01",
                         "partner_note": MARK}, indent=1).replace(f'"{MARK}"', MARK)
META_TITLE = json.dumps({"slug": "corpus", "title": MARK, "start_date": "2024-01-01",
                         "end_date": "2024-02-01"}).replace(f'"{MARK}"', MARK)
ACTIONS = json.dumps([{"name": "Agir", "proposal_ids": ["p1"], "budget": MARK}]
                     ).replace(f'"{MARK}"', MARK)
RESULTS_EXTRA = json.dumps({**RESULTS, "generator": {"version": MARK}}, ensure_ascii=False,
                           indent=2).replace(f'"{MARK}"', MARK)
RESULTS_IDEA = json.dumps({**RESULTS, "top_ideas": [{"name": "Axe", "ideas": [
    {"idea": "Une idée", "agreement": 91, "adhesion": 33, "realistic": MARK}]}]},
    ensure_ascii=False).replace(f'"{MARK}"', MARK)

PLACES = {   # where: (file, document, builder of the input from the document's text)
    "unread_key": ("consultation.json", META_EXTRA,
                   lambda text: bundle({"consultation.json": text})),
    "action": ("actions.json", ACTIONS, lambda text: bundle({"actions.json": text})),
    "results_unread_key": ("results.json", RESULTS_EXTRA,
                           lambda text: one_file("results.json", text)),
    "results_share": ("results.json", RESULTS_IDEA, lambda text: one_file("results.json", text)),
}
for _where_name, (_file, _document, _build) in PLACES.items():
    for _value_name in BAD_VALUES:
        _json_case(_file, _where_name, _document, _value_name, _build)
for _value_name in ("surrogate", "low_surrogate"):
    _json_case("consultation.json", "title", META_TITLE, _value_name,
               lambda text: bundle({"consultation.json": text}))

DUPLICATE_META = ('{"slug": "corpus", "title": "Corpus", "start_date": "2024-01-01", '
                  '"end_date": "2024-02-01", "title": "Autre"}')
case("json_duplicate_title", "consultation.json gives the title twice",
     bundle({"consultation.json": DUPLICATE_META}), 2,
     "consultation.json, row 1: a key appears twice in one object (expected standard JSON; "
     "found 'title at line 1 column 93')")
case("json_duplicate_action_key", "an action with two proposal_ids",
     bundle({"actions.json": '[{"name": "Agir", "proposal_ids": ["p1"], '
                             '"proposal_ids": ["p9"]}]'}), 2,
     "actions.json, row 1: a key appears twice in one object (expected standard JSON; "
     "found 'proposal_ids at line 1 column 43')")
case("json_duplicate_results_key", "a results file with top_ideas twice",
     one_file("results.json", '{"top_ideas": [], "controversials": [], "cartography": [], '
                              '"participation": [], "top_ideas": []}'), 2,
     "results.json, row 1: a key appears twice in one object (expected standard JSON; "
     "found 'top_ideas at line 1 column 81')")
case("json_escaped_backslash_u", "a text holding a backslash then ud800 (not an escape)",
     bundle({"consultation.json": META_TITLE.replace(MARK, '"C:\\\\ud800"')}), 0)
case("json_surrogate_pair", "an emoji written as a surrogate pair escape (valid)",
     bundle({"consultation.json": META_TITLE.replace(MARK, '"Vote \\ud83d\\uddf3"')}), 0,
     output=("Vote 🗳",))
case("json_big_but_fine", "a votes_target of 18 digits (a whole number still)",
     bundle({"consultation.json": META_EXTRA.replace(MARK, "123456789012345678")}), 0)

# -- CSV line ends and field sizes ------------------------------------------------------------

TABLES = {"proposals.csv": PROPOSALS, "ideas.csv": IDEAS, "participants.csv": PARTICIPANTS,
          "votes.csv": VOTES}
for _name, _text in TABLES.items():
    case(f"cr_only_{Path(_name).stem}", f"{_name} with old-Mac line ends (CR only)",
         bundle({_name: _text.replace("\n", "\r")}), 0)
case("cr_only_all", "every table with old-Mac line ends (CR only)",
     bundle({n: t.replace("\n", "\r") for n, t in TABLES.items()}), 0,
     output=('"votes": 3',))
case("cr_only_export", "a proposal export with CR line ends",
     one_file("export.csv", EXPORT.replace("\n", "\r")), 0)
for _name, _text in TABLES.items():
    _lines = _text.split("\n")
    _lines[1] = _lines[1].replace(",", "\r,", 1)
    case(f"lone_cr_{Path(_name).stem}", f"{_name}: a CR alone inside row 2",
         bundle({_name: "\n".join(_lines)}), 2,
         f"{_name}, row 2: a line holds a carriage return (CR) alone, outside quotes (expected "
         "line ends of LF or CR LF throughout, or the text in quotes)")
_votes = VOTES + "".join(f"p2,v{n},agree,\n" for n in range(5000)) + "p2,x\r1,agree,\n"
case("lone_cr_far", "votes.csv: a CR alone at row 5,005, past DuckDB's first buffer",
     bundle({"votes.csv": _votes}), 2,
     "votes.csv, row 5005: a line holds a carriage return (CR) alone")
case("lone_cr_export", "a proposal export with a CR alone in row 2",
     one_file("export.csv", EXPORT.replace("Il faut A,", "Il faut\rA,")), 2,
     "export.csv, row 2: a line holds a carriage return (CR) alone")
case("lone_cr_polis", "Polis votes with a CR alone in row 3",
     folder_of({**POLIS, "votes.csv": POLIS["votes.csv"].replace("2,1,1,-1", "2,1\r,1,-1")}), 2,
     "votes.csv, row 3: a line holds a carriage return (CR) alone")
_LONG = "x" * (200 * 1024)
for _name, _text in TABLES.items():
    case(f"long_header_{Path(_name).stem}", f"{_name}: a column name of 200 KB",
         bundle({_name: _text.replace("\n", "," + _LONG + "\n", 1)}), 2,
         f"{_name}, row 1: a column name is longer than 128 KB (expected a header row of "
         "column names; found ")
case("long_header_export", "a proposal export with a column name of 200 KB",
     one_file("export.csv", EXPORT.replace("\n", "," + _LONG + "\n", 1)), 2,
     "export.csv, row 1: a column name is longer than 128 KB")
case("long_header_polis", "Polis comments with a column name of 200 KB",
     folder_of({**POLIS, "comments.csv": POLIS["comments.csv"].replace(
         "\n", "," + _LONG + "\n", 1)}), 2,
     "comments.csv, row 1: a column name is longer than 128 KB")
case("long_value_fine", "a proposal of 200 KB (a value may be long)",
     bundle({"proposals.csv": PROPOSALS.replace("Il faut B", "Il faut " + _LONG)}), 0)

# -- ages and counts: digits only -------------------------------------------------------------

for _n, _age in enumerate(("1e1", "+20", "1_0", "0x14", "25.5", "inf", "NaN", "2 5", "٢٥")):
    case(f"author_age_{_n}", f"an author's age written {_age!r}",
         bundle({"proposals.csv": PROPOSALS.replace("Ana,25,", f"Ana,{_age},")}), 2,
         "proposals.csv, row 2, column author_age: author_age is not a valid age (expected an "
         f"integer from 8 to 120, or empty; found {_age!r}")
for _n, _age in enumerate(("1e1", "+20", "1_0", "-inf")):
    case(f"participant_age_{_n}", f"a participant's age written {_age!r}",
         bundle({"participants.csv": PARTICIPANTS.replace("u1,male,30,", f"u1,male,{_age},")}),
         2, f"participants.csv, row 3, column age: age is not a valid age (expected "
            f"an integer from 0 to 120, or empty; found {_age!r}")
for _n, _age in enumerate(("1e1", "+20", "1_0")):
    case(f"export_age_{_n}", f"an exported author's age written {_age!r}",
         one_file("export.csv", EXPORT.replace("Ana,25,", f"Ana,{_age},")), 2,
         f"export.csv, row 2, column age: age is not a valid age (expected an integer from 8 "
         f"to 120, or empty; found {_age!r}")
for _n, _votes in enumerate(("1e3", "+120", "1_20")):
    case(f"export_votes_{_n}", f"an exported vote count written {_votes!r}",
         one_file("export.csv", EXPORT.replace(",120,", f",{_votes},")), 2,
         "export.csv, row 2, column votes: votes is not a count (expected a whole number, 0 or "
         f"more; found {_votes!r}")
case("age_float_fine", "ages written 25.0 (as a spreadsheet or a float column writes them)",
     bundle({"proposals.csv": PROPOSALS.replace("Ana,25,", "Ana,25.0,")}), 0)

# -- command-line numbers ---------------------------------------------------------------------

for _n, (_option, _value, _words) in enumerate((
        ("--top", "-3", "a whole number above 0"), ("--top", "0", "a whole number above 0"),
        ("--top", "inf", "a whole number above 0"), ("--top", "1e400", "a whole number above 0"),
        ("--top", "9" * 5000, "a whole number above 0"),
        ("--min-votes", "-1", "a whole number, 0 or more"),
        ("--min-votes", "1_0", "a whole number, 0 or more"),
        ("--min-votes", "NaN", "a whole number, 0 or more"))):
    case(f"cli_{_option[2:].replace('-', '_')}_{_n}", f"results {_option} {_value[:20]}",
         bundle(), 2, f"argument {_option}: expected {_words}, found {_value[:40]!r}",
         args=(f"{_option}={_value}",))

# -- Polis timestamps -------------------------------------------------------------------------

for _n, _stamp in enumerate(("inf", "-inf", "1e20", "9e18", "-1", "nan", "1e400")):
    case(f"polis_timestamp_{_n}", f"a Polis vote at time {_stamp}",
         folder_of({**POLIS, "votes.csv": POLIS["votes.csv"].replace("2,1,1,-1",
                                                                      f"{_stamp},1,1,-1")}), 2,
         f"votes.csv, row 3, column timestamp: timestamp is out of range (expected milliseconds "
         f"since 1970, up to the year 2100; found {_stamp!r})")
for _n, _stamp in enumerate(("inf", "9e18")):
    case(f"polis_comment_timestamp_{_n}", f"a Polis comment at time {_stamp}",
         folder_of({**POLIS, "comments.csv": "timestamp,comment-id,comment-body,moderated\n"
                    f"1,0,Hello,1\n{_stamp},1,World,1\n"}), 2,
         "comments.csv, row 3, column timestamp: timestamp is out of range")

# -- zip entries ------------------------------------------------------------------------------

_GOOD = [(f"lot/{name}", data.encode()) for name, data in BUNDLE.items()]
case("zip_file_and_folder", "a zip holding a file and a folder of the same name",
     zipped("zip_file_and_folder.zip", [*_GOOD, ("lot/notes", b"x"), ("lot/notes/a.txt", b"y")]),
     2, "zip_file_and_folder.zip: an entry is both a file and a folder (expected distinct "
        "names; found 'lot/notes')")
case("zip_table_and_folder", "a zip whose votes.csv is also a folder",
     zipped("zip_table_and_folder.zip", [*_GOOD, ("lot/votes.csv/x.csv", b"y")]), 2,
     "zip_table_and_folder.zip: an entry is both a file and a folder (expected distinct names; "
     "found 'lot/votes.csv')", absent=("/tmp/",))
case("zip_long_name", "a zip entry name of 300 bytes",
     zipped("zip_long_name.zip", [*_GOOD, ("lot/" + "n" * 300 + ".csv", b"a")]), 2,
     "zip_long_name.zip: an entry has a name too long for a file system (expected names of at "
     "most 255 bytes; found 'lot/nnnnn", absent=("/tmp/", "consultation-uploads"))
case("zip_long_name_utf8", "a zip entry name of 130 letters é (260 bytes)",
     zipped("zip_long_name_utf8.zip", [*_GOOD, ("lot/" + "é" * 130, b"a")]), 2,
     "zip_long_name_utf8.zip: an entry has a name too long for a file system",
     absent=("/tmp/",))
case("zip_long_folder", "a zip folder name of 256 bytes",
     zipped("zip_long_folder.zip", [*_GOOD, ("lot/" + "d" * 256 + "/a.txt", b"a")]), 2,
     "zip_long_folder.zip: an entry has a name too long for a file system",
     absent=("/tmp/",))
case("zip_name_255_fine", "a zip entry name of exactly 255 bytes (fine)",
     zipped("zip_name_255_fine.zip", [*_GOOD, ("lot/" + "n" * 251 + ".txt", b"a")]), 0)

# -- links and special files ------------------------------------------------------------------


def _linked(name: str, target: str, changes: dict | None = None):
    def extra(folder: Path) -> None:
        (folder / name).unlink(missing_ok=True)
        os.symlink(target, folder / name)
    return bundle({name: None, **(changes or {})}, extra=extra)


def _fifo(name: str, changes: dict | None = None):
    return bundle({name: None, **(changes or {})},
                  extra=lambda folder: os.mkfifo(folder / name))


LEAVES = "the file is a symbolic link leading out of its folder"
case("link_votes_passwd", "votes.csv is a symbolic link to /etc/passwd",
     _linked("votes.csv", "/etc/passwd"), 2,
     f"votes.csv: {LEAVES} (expected a file inside link_votes_passwd)",
     absent=("root:", "/bin/"), uploadable=False)
case("link_proposals_parent", "proposals.csv links to a file beside the folder",
     _linked("proposals.csv", "../elsewhere.csv"), 2, f"proposals.csv: {LEAVES}",
     uploadable=False)
case("link_consultation", "consultation.json is a symbolic link to /etc/hostname",
     _linked("consultation.json", "/etc/hostname"), 2, f"consultation.json: {LEAVES}",
     uploadable=False)
case("link_actions", "actions.json is a symbolic link to /etc/passwd",
     _linked("actions.json", "/etc/passwd"), 2, f"actions.json: {LEAVES}",
     absent=("root:",), uploadable=False)
case("link_dangling", "ideas.csv is a link to nothing",
     _linked("ideas.csv", "nowhere.csv", {"proposals.csv": PROPOSALS.replace(",i1,", ",,")}), 2,
     "ideas.csv: the file cannot be read (found 'FileNotFoundError')", uploadable=False)
case("link_inside_fine", "ideas.csv links to a file of the same folder (fine)",
     _linked("ideas.csv", "ideas-v2.csv", {"ideas-v2.csv": IDEAS}), 0, uploadable=False)
case("link_polis_votes", "a Polis votes.csv linked to /etc/passwd",
     lambda root: _polis_link(root), 2, f"votes.csv: {LEAVES}", absent=("root:",),
     uploadable=False)
case("folder_votes", "votes.csv is a folder",
     bundle({"votes.csv": None}, extra=lambda folder: (folder / "votes.csv").mkdir()), 2,
     "votes.csv: not a regular file (expected a file; found 'a folder')", uploadable=False)
case("folder_consultation", "consultation.json is a folder",
     bundle({"consultation.json": None},
            extra=lambda folder: (folder / "consultation.json").mkdir()), 2,
     "consultation.json: not a regular file (expected a file; found 'a folder')",
     uploadable=False)
case("fifo_votes", "votes.csv is a named pipe (never opened)", _fifo("votes.csv"), 2,
     "votes.csv: not a regular file (expected a file; found 'a named pipe (FIFO)')",
     uploadable=False)
case("fifo_parquet", "proposals.parquet is a named pipe", _fifo(
     "proposals.parquet", {"proposals.csv": None}), 2,
     "proposals.parquet: not a regular file (expected a file; found 'a named pipe (FIFO)')",
     uploadable=False)
case("fifo_actions", "actions.json is a named pipe", _fifo("actions.json"), 2,
     "actions.json: not a regular file (expected a file; found 'a named pipe (FIFO)')",
     uploadable=False)
case("fifo_given", "the input given is a named pipe called export.csv",
     lambda root: _fifo_file(root, "export.csv"), 2,
     "export.csv: not a regular file (expected a file; found 'a named pipe (FIFO)')",
     uploadable=False)


def _polis_link(root: Path) -> Path:
    folder = folder_of({"comments.csv": POLIS["comments.csv"]})(root)
    os.symlink("/etc/passwd", folder / "votes.csv")
    return folder


def _fifo_file(root: Path, name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / name)
    return root / name


# -- Parquet types ----------------------------------------------------------------------------

PROPOSAL_ROWS = {"proposal_id": ["p1", "p2"], "content": ["Il faut A", "Il faut B"]}


def _parquet_table(columns: dict) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


case("parquet_list_tags", "proposals.parquet with tags as a list column",
     bundle({"proposals.csv": None, "proposals.parquet": _parquet_table({
         **{k: pa.array(v) for k, v in PROPOSAL_ROWS.items()},
         "tags": pa.array([["theme:Emploi", "acteur:Etat"], None], pa.list_(pa.string()))})}),
     0, output=('"label": "Emploi"', '"label": "Etat"'), absent=("['theme", "[theme"))
case("parquet_binary_text", "proposals.parquet with texts as BINARY (no UTF-8 annotation)",
     bundle({"proposals.csv": None, "proposals.parquet": _parquet_table({
         "proposal_id": pa.array([b"p1", b"p2"], pa.binary()),
         "content": pa.array(["Il faut le numéro".encode(), b"Il faut B"], pa.binary())})}),
     0, output=("Il faut le numéro",), absent=("\\\\xC3", "\\xC3"))
case("parquet_binary_not_utf8", "proposals.parquet with a BINARY text in Latin-1",
     bundle({"proposals.csv": None, "proposals.parquet": _parquet_table({
         "proposal_id": pa.array(["p1", "p2"]),
         "content": pa.array([b"Il faut A", "Il faut le numéro".encode("latin-1")],
                             pa.binary())})}), 2,
     "proposals.parquet, row 3, column content: the text is not UTF-8 (expected UTF-8 text)")
case("parquet_file_row_number", "votes.parquet with a column named file_row_number",
     bundle({"votes.csv": None, "votes.parquet": parquet(
         {**VOTE_ROWS, "file_row_number": ["1", "2", "3"]})}), 2,
     "votes.parquet, row 1, column file_row_number: a column is named file_row_number, the "
     "name the reader gives the row numbers (expected another name for that column (or leave "
     "it out))", absent=("corrupt",))
case("parquet_int_list", "participants.parquet with ages as a list of integers",
     bundle({"participants.csv": None, "participants.parquet": _parquet_table({
         "participant_id": pa.array(["u0", "u1", "u2"]),
         "age": pa.array([[20, 30], None, [40]], pa.list_(pa.int64()))})}), 2,
     "participants.parquet, row 2, column age: age is not a valid age (expected an integer "
     "from 0 to 120, or empty; found '20|30')")

# -- scales of the proposal export ------------------------------------------------------------

_FRACTIONS = "".join(f"Il faut {n},Ana,25,100,0.{n % 9 + 1},0.1,0.5\n" for n in range(8))
_HEAD = EXPORT.split("\n")[0] + "\n"
case("export_mixed_scale", "one adhesion of 80 among fractions",
     one_file("export.csv", _HEAD + _FRACTIONS + "Il faut X,Bob,30,50,80,0.2,0.4\n"), 2,
     "export.csv, row 10, column adhesion: adhesion mixes fractions and percentages (expected "
     "fractions from 0 to 1 like the other 8 values; found '80')")
case("export_mixed_scale_small", "an adhesion of 1.5 among fractions",
     one_file("export.csv", _HEAD + "Il faut X,Bob,30,50,1.5,0.2,0.4\n" + _FRACTIONS), 2,
     "export.csv, row 2, column adhesion: adhesion mixes fractions and percentages")
case("export_percent_fine", "every adhesion a percentage (read as such, with a warning)",
     one_file("export.csv", _HEAD + "".join(f"Il faut {n},Ana,25,100,{50 + n},0.1,0.5\n"
                                            for n in range(5))), 0,
     "adhesion goes above 1: shares are read as percentages")

# -- Unicode look-alikes ----------------------------------------------------------------------

_NFD = "e\u0301"
case("nfd_unknown_proposal", "a vote on 'é' written decomposed (e + U+0301)",
     bundle({"proposals.csv": PROPOSALS.replace("p2,", "\u00e9,"),
             "votes.csv": VOTES.replace("p2,u0", f"{_NFD},u0")}), 2,
     "votes.csv, row 4, column proposal_id: vote on an unknown proposal (expected a proposal_id "
     f"of proposals; found '{_NFD}' [U+0065 U+0301])")
case("zero_width_id", "a vote on 'p1' with a zero-width space",
     bundle({"votes.csv": VOTES.replace("p1,u1", "p1\u200b,u1")}), 2,
     "votes.csv, row 3, column proposal_id: vote on an unknown proposal (expected a proposal_id "
     "of proposals; found 'p1\\u200b' [U+0070 U+0031 U+200B])")
case("fullwidth_id", "a vote on 'ｐ1' (fullwidth p)",
     bundle({"votes.csv": VOTES.replace("p1,u1", "\uff501,u1")}), 2,
     "found 'ｐ1' [U+FF50 U+0031])")

# -- French codes -----------------------------------------------------------------------------

case("unknown_regions", "région codes 99999 and 11.0 in a French consultation",
     bundle({"participants.csv": PARTICIPANTS.replace(",84\n", ",99999\n").replace(
         "u2,other,40,11", "u2,other,40,11.0")}), 0,
     "participants: 2 unknown région code(s) (no INSEE région), kept as written: '11.0' (1), "
     "'99999' (1)")
case("unknown_departement", "a département code 999",
     bundle({"participants.csv": "participant_id,department_code\nu0,75\nu1,999\n"}), 0,
     "participants: 1 unknown département code(s) (no INSEE département), kept as written: "
     "'999' (1)")
case("regions_abroad_fine", "any région label in a consultation outside France",
     bundle({"consultation.json": json.dumps({**json.loads(BUNDLE["consultation.json"]),
                                               "country": "BE"}),
             "participants.csv": PARTICIPANTS.replace(",84\n", ",Wallonie\n")}), 0,
     absent=("unknown région",))

# -- tag types --------------------------------------------------------------------------------

case("tag_types_10000", "10,000 tag types on one proposal (160 KB)",
     bundle({"proposals.csv": PROPOSALS.replace(
         "theme:Emploi", "|".join(f"type{n}:label" for n in range(10_000)))}), 0,
     output=('"tag_type": "type9999"',))
case("tag_labels_10000", "10,000 labels of one tag type",
     bundle({"proposals.csv": PROPOSALS.replace(
         "theme:Emploi", "|".join(f"theme:label{n}" for n in range(10_000)))}), 0)


# -- running every case through the command line, in one process ------------------------------

def build_case(item: ValueCase, root: Path) -> Path:
    return item.build(root / item.name)


def run_case(item: ValueCase, path: Path) -> dict:
    """Exit codes, stderr and results of `validate` and `results` on one case."""
    from analytics import cli
    from analytics.consultations.open import open_source
    from analytics.inputs.errors import InputError

    seen = {}
    try:
        open_source(path, materialize=False)
        seen["open_source"] = None
    except InputError as error:
        seen["open_source"] = error.report()
    for command in (["validate", str(path)], ["results", str(path), *item.args]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(command)
            except SystemExit as done:          # argparse's usage errors
                code = done.code
        text = out.getvalue()
        valid_json = None
        if command[0] == "results" and text:
            try:
                json.loads(text, parse_constant=lambda name: 1 / 0)
                valid_json = True
            except (ValueError, ZeroDivisionError):
                valid_json = False
        seen[command[0]] = {"code": code, "stderr": err.getvalue(), "json": valid_json,
                            "output": [f for f in item.output if f in text],
                            "absent": [f for f in item.absent
                                       if f in text or f in err.getvalue()]}
    return seen


def main(argv: list[str]) -> None:
    """`run OUT`: every case built under OUT (or, when OUT/paths.json exists, the cases
    already built there) and run; one JSON line per case on stdout."""
    if argv[:1] != ["run"] or len(argv) != 2:
        sys.exit(__doc__)
    root = Path(argv[1])
    built = root / "paths.json"
    paths = json.loads(built.read_text()) if built.exists() else {}
    for item in VALUE_CASES:
        path = Path(paths[item.name]) if item.name in paths else build_case(item, root)
        report = run_case(item, path)
        print(json.dumps({"name": item.name, **report}, ensure_ascii=True), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
