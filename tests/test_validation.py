"""Every rule of the data contract (SPEC section 2), with its message."""

import json
import subprocess
import sys

import pytest
from builders import write_bundle, write_table

from analytics.inputs.bundle import load_bundle
from analytics.inputs.errors import MAX_ISSUES_PER_FILE, InputError

PROPOSALS = [
    {"proposal_id": "p1", "content": "Il faut A", "author_name": "Ana", "author_age": "25",
     "idea_id": "i1", "tags": "theme:Emploi|acteur:Etat", "created_at": "2022-03-23"},
    {"proposal_id": "p2", "content": "Il faut B", "author_name": "Bob", "author_age": "",
     "idea_id": "", "tags": "", "created_at": "2022-03-24T10:00:00Z"},
]
IDEAS = [{"idea_id": "i1", "name": "Idée", "axis": "Axe"}]
PARTICIPANTS = [{"participant_id": f"u{i}", "gender": "female", "age": "20",
                 "region_code": "11"} for i in range(3)]
VOTES = [
    {"proposal_id": "p1", "participant_id": "u0", "vote": "agree", "qualification": "likeIt"},
    {"proposal_id": "p1", "participant_id": "u1", "vote": "disagree", "qualification": ""},
    {"proposal_id": "p2", "participant_id": "u0", "vote": "neutral",
     "qualification": "noOpinion"},
]


def bundle(tmp_path, **changes):
    tables = {"proposals": PROPOSALS, "votes": VOTES, "ideas": IDEAS,
              "participants": PARTICIPANTS}
    tables.update(changes)
    return write_bundle(tmp_path / "b", **tables)


def problems(path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_bundle(path)
    return [str(issue) for issue in raised.value.issues]


def test_valid_bundle_loads(tmp_path):
    loaded = load_bundle(bundle(tmp_path))
    assert loaded.con.execute("SELECT count(*) FROM votes").fetchone()[0] == 3
    assert loaded.warnings == []


def test_missing_required_file(tmp_path):
    path = bundle(tmp_path)
    (path / "votes.csv").unlink()
    assert problems(path) == [
        "votes.csv: required table is missing (expected votes.csv or votes.parquet in b)"]


def test_missing_consultation(tmp_path):
    path = bundle(tmp_path)
    (path / "consultation.json").unlink()
    assert problems(path) == [
        "consultation.json: required file is missing (expected consultation.json in b)"]


@pytest.mark.parametrize("meta, message", [
    ({"title": "T"}, "consultation.json, column slug: missing or invalid slug "
                     "(expected lowercase letters, digits and '-'; found 'nothing')"),
    ({"slug": "Bad Slug", "title": "T"}, "consultation.json, column slug: missing or invalid "
     "slug (expected lowercase letters, digits and '-'; found '\"Bad Slug\"')"),
    ({"slug": "s"}, "consultation.json, column title: missing title "
                    "(expected a non-empty string; found 'nothing')"),
    ({"slug": "s", "title": "T", "start_date": "22/03/2022"},
     "consultation.json, column start_date: start_date is not an ISO date "
     "(expected YYYY-MM-DD; found '\"22/03/2022\"')"),
    ({"slug": "s", "title": "T", "votes_target": "500000"},
     "consultation.json, column votes_target: votes_target is not a whole number "
     "(expected a non-negative integer; found '\"500000\"')"),
    ({"slug": "s", "title": "T", "partners": "Make.org"},
     "consultation.json, column partners: partners is not a list of names "
     "(expected a list of strings; found '\"Make.org\"')"),
    ({"slug": "s", "title": "T", "start_date": "2022-05-01", "end_date": "2022-04-01"},
     "consultation.json, column end_date: end_date is before start_date "
     "(expected on or after 2022-05-01; found '\"2022-04-01\"')"),
])
def test_consultation_rules(tmp_path, meta, message):
    path = bundle(tmp_path)
    (path / "consultation.json").write_text(json.dumps(meta))
    assert message in problems(path)


def test_consultation_not_json(tmp_path):
    path = bundle(tmp_path)
    (path / "consultation.json").write_text('{"slug": "x",')
    [message] = problems(path)
    assert message.startswith("consultation.json, row 1: invalid JSON")


def test_empty_and_required_values(tmp_path):
    proposals = [dict(PROPOSALS[0], proposal_id=""), dict(PROPOSALS[1], content="  ")]
    messages = problems(bundle(tmp_path, proposals=proposals))
    assert ("proposals.csv, row 2, column proposal_id: proposal_id is empty "
            "(expected a non-empty value; found 'nothing')") in messages
    assert ("proposals.csv, row 3, column content: content is empty "
            "(expected a non-empty value; found 'nothing')") in messages


def test_missing_column(tmp_path):
    votes = [{k: v for k, v in vote.items() if k != "vote"} for vote in VOTES]
    path = bundle(tmp_path)
    write_table(path, "votes", votes)
    assert problems(path) == [
        "votes.csv, row 1, column vote: required column is missing (expected a column named "
        "vote; found 'proposal_id, participant_id, qualification')"]


def test_duplicate_ids(tmp_path):
    proposals = [PROPOSALS[0], dict(PROPOSALS[1], proposal_id="p1")]
    messages = problems(bundle(tmp_path, proposals=proposals))
    assert ("proposals.csv, row 3, column proposal_id: duplicate proposal_id (first seen at "
            "row 2) (expected each proposal_id once; found 'p1')") in messages


def test_author_age_range(tmp_path):
    proposals = [dict(PROPOSALS[0], author_age="7"), dict(PROPOSALS[1], author_age="vingt")]
    messages = problems(bundle(tmp_path, proposals=proposals))
    assert messages == [
        "proposals.csv, row 2, column author_age: author_age is not a valid age "
        "(expected an integer from 8 to 120, or empty; found '7')",
        "proposals.csv, row 3, column author_age: author_age is not a valid age "
        "(expected an integer from 8 to 120, or empty; found 'vingt')"]


def test_unknown_idea(tmp_path):
    proposals = [dict(PROPOSALS[0], idea_id="i9"), PROPOSALS[1]]
    assert problems(bundle(tmp_path, proposals=proposals)) == [
        "proposals.csv, row 2, column idea_id: unknown idea "
        "(expected empty or an idea_id of ideas; found 'i9')"]


@pytest.mark.parametrize("tags", ["theme", "theme:", ":Emploi", "theme:Emploi|", "a:b||c:d"])
def test_malformed_tags(tmp_path, tags):
    proposals = [dict(PROPOSALS[0], tags=tags), PROPOSALS[1]]
    [message] = problems(bundle(tmp_path, proposals=proposals))
    assert message.startswith("proposals.csv, row 2, column tags: malformed tags")


def test_created_at_must_be_a_date(tmp_path):
    proposals = [dict(PROPOSALS[0], created_at="hier"), PROPOSALS[1]]
    assert problems(bundle(tmp_path, proposals=proposals)) == [
        "proposals.csv, row 2, column created_at: created_at is not a date "
        "(expected an ISO date or date-time; found 'hier')"]


def test_participant_rules(tmp_path):
    participants = [dict(PARTICIPANTS[0], gender="F"), dict(PARTICIPANTS[1], age="200"),
                    dict(PARTICIPANTS[2], participant_id="u0")]
    messages = problems(bundle(tmp_path, participants=participants))
    assert messages == [
        "participants.csv, row 2, column gender: unknown gender "
        "(expected female, male, other or empty; found 'F')",
        "participants.csv, row 3, column age: age is not a valid age "
        "(expected an integer from 0 to 120, or empty; found '200')",
        "participants.csv, row 4, column participant_id: duplicate participant_id "
        "(first seen at row 2) (expected each participant_id once; found 'u0')"]


def test_vote_rules(tmp_path):
    votes = [
        dict(VOTES[0], vote="pour"),
        dict(VOTES[1], qualification="likeIt"),            # likeIt goes with agree
        dict(VOTES[2], qualification="bof"),
        {"proposal_id": "p7", "participant_id": "u2", "vote": "agree", "qualification": ""},
        dict(VOTES[0]),
        dict(VOTES[0], participant_id="u2", proposal_id="p2"),
    ]
    messages = problems(bundle(tmp_path, votes=votes))
    assert messages == [
        "votes.csv, row 2, column vote: unknown vote "
        "(expected agree, disagree or neutral; found 'pour')",
        "votes.csv, row 4, column qualification: unknown qualification (expected empty or one "
        "of likeIt, doable, platitudeAgree, noWay, impossible, platitudeDisagree, "
        "doNotUnderstand, noOpinion, doNotCare; found 'bof')",
        "votes.csv, row 3, column qualification: qualification does not match the vote "
        "'disagree' (expected empty or one of noWay, impossible, platitudeDisagree for "
        "disagree; found 'disagree / likeIt')",
        "votes.csv, row 5, column proposal_id: vote on an unknown proposal "
        "(expected a proposal_id of proposals; found 'p7')",
        "votes.csv, row 6, column proposal_id, participant_id: duplicate vote: this "
        "participant already voted on this proposal at row 2 (expected at most one vote per "
        "participant and proposal; found 'p1 / u0')",
    ]


def test_errors_are_capped_per_file_but_counted(tmp_path):
    votes = [dict(VOTES[0], participant_id=f"x{i}", vote="oui") for i in range(120)]
    path = bundle(tmp_path, votes=votes)
    with pytest.raises(InputError) as raised:
        load_bundle(path)
    assert len(raised.value.issues) == MAX_ISSUES_PER_FILE
    assert raised.value.truncated == {"votes.csv": 120 - MAX_ISSUES_PER_FILE}
    assert raised.value.report().endswith("votes.csv: 70 more problem(s) not shown")


def test_all_files_are_checked_at_once(tmp_path):
    proposals = [dict(PROPOSALS[0], author_age="x"), PROPOSALS[1]]
    participants = [dict(PARTICIPANTS[0], gender="x")] + PARTICIPANTS[1:]
    messages = problems(bundle(tmp_path, proposals=proposals, participants=participants))
    assert {m.split(",")[0] for m in messages} == {"proposals.csv", "participants.csv"}


def test_header_only_votes(tmp_path):
    path = bundle(tmp_path)
    (path / "votes.csv").write_text("proposal_id,participant_id,vote,qualification\n")
    assert problems(path) == ["votes.csv, row 2: the table has a header but no records "
                              "(expected at least one vote)"]


def test_empty_file(tmp_path):
    path = bundle(tmp_path)
    (path / "proposals.csv").write_bytes(b"")
    assert problems(path) == ["proposals.csv: the file is empty "
                              "(expected a header row and records)"]


def test_latin1_file(tmp_path):
    path = bundle(tmp_path)
    (path / "proposals.csv").write_bytes(
        "proposal_id,content\np1,Il faut créer\np2,Il faut B\n".encode("latin-1"))
    [message] = problems(path)
    assert message.startswith("proposals.csv, row 2, column content: the text is not UTF-8")


def test_semicolons(tmp_path):
    path = bundle(tmp_path)
    (path / "proposals.csv").write_text("proposal_id;content\np1;Il faut A\n")
    [message] = problems(path)
    assert message.startswith("proposals.csv, row 1: columns are separated by ';' "
                              "(expected comma-separated columns")


def test_bom_is_accepted(tmp_path):
    path = bundle(tmp_path)
    text = (path / "proposals.csv").read_text(encoding="utf-8")
    (path / "proposals.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_bundle(path).con.execute("SELECT count(*) FROM proposals").fetchone()[0] == 2


def test_ragged_rows(tmp_path):
    path = bundle(tmp_path)
    (path / "ideas.csv").write_text("idea_id,name,axis\ni1,Idée\ni2,Autre,Axe,de trop\n")
    messages = problems(path)
    assert messages[0].startswith("ideas.csv, row 2, column axis: the record has too few fields")
    assert messages[1].startswith("ideas.csv, row 3: the record has too many fields")


def test_truncated_parquet(tmp_path):
    path = write_bundle(tmp_path / "b", proposals=PROPOSALS, votes=VOTES, fmt="parquet")
    data = (path / "votes.parquet").read_bytes()
    (path / "votes.parquet").write_bytes(data[: len(data) // 2])
    [message] = problems(path)
    assert message.startswith("votes.parquet: not a readable Parquet file")


def test_parquet_rows_are_numbered_like_csv(tmp_path):
    votes = [VOTES[0], dict(VOTES[1], vote="nope")]
    path = write_bundle(tmp_path / "b", proposals=PROPOSALS, votes=votes, fmt="parquet")
    assert problems(path) == ["votes.parquet, row 3, column vote: unknown vote "
                              "(expected agree, disagree or neutral; found 'nope')"]


def test_both_formats_for_one_table(tmp_path):
    path = bundle(tmp_path)
    write_table(path, "votes", VOTES, fmt="parquet")
    assert problems(path) == ["votes.csv: both votes.csv and votes.parquet exist "
                              "(expected one file per table)"]


def test_actions_rules(tmp_path):
    actions = [{"name": "A", "proposal_ids": ["p1", "p404"]}, {"description": 3}, "x"]
    path = write_bundle(tmp_path / "b", proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                        actions=actions)
    assert problems(path) == [
        "actions.json, column [0].proposal_ids[1]: unknown proposal "
        "(expected a proposal_id of proposals; found 'p404')",
        "actions.json, column [1].name: action without a name "
        "(expected a non-empty string; found 'nothing')",
        "actions.json, column [1].description: description is not text "
        "(expected a string; found '3')",
        "actions.json, column [2]: an action is not an object "
        "(expected an object with name, description...; found 'str')"]


def test_voters_missing_from_participants_are_a_warning(tmp_path):
    loaded = load_bundle(bundle(tmp_path, participants=PARTICIPANTS[1:]))
    assert loaded.warnings == ["1 voter(s) are not in the participants table: they count as "
                               "participants with unknown gender, age and region"]


def test_cli_validate_exit_codes(tmp_path):
    good = bundle(tmp_path)
    run = subprocess.run([sys.executable, "-m", "analytics", "validate", str(good)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    bad = write_bundle(tmp_path / "bad", proposals=PROPOSALS,
                       votes=[dict(VOTES[0], vote="oui")])
    run = subprocess.run([sys.executable, "-m", "analytics", "validate", str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "votes.csv, row 2, column vote: unknown vote" in run.stderr
    assert "Traceback" not in run.stderr
