"""Polis exports: agree / disagree / pass counts against a count made here
directly from votes.csv (latest vote per voter and comment), moderated-out
comments excluded and counted, attribution, and the edge cases of the format."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.consultations.open import open_source
from analytics.consultations.polis import ATTRIBUTION
from analytics.inputs.errors import InputError
from analytics.inputs.kinds import find_files
from analytics.metrics.engine import Options

ROOT = Path(__file__).resolve().parent.parent


def conversations(shared_data):
    folders = sorted(p for p in (shared_data / "polis").iterdir() if p.is_dir())
    assert len(folders) >= 7
    return folders


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def direct_counts(folder):
    """Per comment {agree, disagree, pass} from votes.csv: the latest vote of each
    voter on each comment (highest timestamp, then the later row), comments
    moderated out (-1) left out."""
    comments = read(folder / "comments.csv")
    kept = {c["comment-id"] for c in comments if c.get("moderated", "0") != "-1"}
    latest = {}
    for row_number, vote in enumerate(read(folder / "votes.csv")):
        key = (vote["comment-id"], vote["voter-id"])
        order = (float(vote["timestamp"]), row_number)
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, int(vote["vote"]))
    counts = {cid: {"agree": 0, "disagree": 0, "pass": 0} for cid in kept}
    for (cid, _), (_, value) in latest.items():
        if cid in kept:
            counts[cid][{1: "agree", -1: "disagree", 0: "pass"}[value]] += 1
    voters = {voter for (cid, voter) in latest if cid in kept}
    return counts, comments, len(latest), voters


def test_real_conversations_count_like_votes_csv(shared_data):
    for folder in conversations(shared_data):
        expected, comments, latest, voters = direct_counts(folder)
        rows = read(folder / "votes.csv")
        results = open_source(folder).results()
        proposals = {p["id"]: p for p in results["proposals"]}
        assert set(proposals) == set(expected), folder.name
        for cid, counts in expected.items():
            got = proposals[cid]["counts"]
            assert (got["agree"], got["disagree"], got["neutral"]) == \
                (counts["agree"], counts["disagree"], counts["pass"]), (folder.name, cid)
            assert proposals[cid]["votes"] == sum(counts.values())
            assert all(got[k] == 0 for k in ("likeIt", "doable", "noWay", "impossible",
                                              "platitudeAgree", "platitudeDisagree"))
        total = sum(sum(c.values()) for c in expected.values())
        moderated_out = sum(c.get("moderated") == "-1" for c in comments)
        assert results["key_figures"]["votes"] == total
        assert results["key_figures"]["proposals"] == len(expected)
        assert results["key_figures"]["participants"] == len(voters)
        polis = results["polis"]
        assert polis["moderated_out"] == moderated_out
        assert polis["superseded_votes"] == len(rows) - latest
        assert polis["vote_rows"] == len(rows)
        assert polis["counted_votes"] == total
        assert polis["comments"] == len(comments)


def test_real_totals(shared_data):
    """The figures of two conversations, as counted from their files by hand."""
    seattle = open_source(shared_data / "polis" / "15-per-hour-seattle").results()
    assert seattle["polis"]["moderated_out"] == 23
    assert seattle["polis"]["unmoderated"] == 1          # moderated = 0: kept
    assert seattle["polis"]["superseded_votes"] == 2995 - 2872
    assert seattle["key_figures"]["proposals"] == 31
    ubi = open_source(shared_data / "polis" / "scoop-hivemind.ubi").results()
    assert ubi["polis"]["unmoderated"] == 18
    assert ubi["key_figures"]["proposals"] == 70


def test_attribution(shared_data):
    seattle = open_source(shared_data / "polis" / "15-per-hour-seattle").results()
    assert seattle["attribution"] == ATTRIBUTION.format(
        links="https://compdemocracy.org/case-studies/2014-seattle-15-per-hour")
    assert "CC BY 4.0" in seattle["attribution"]
    unknown = open_source(shared_data / "polis" / "bg2050-volunteers").results()
    assert unknown["attribution"].endswith("https://pol.is/3nemnipcrc")
    assert unknown["polis"]["conversation_url"] == "https://pol.is/3nemnipcrc"


def test_engine_metrics_on_polis(shared_data):
    # ideas "given": Polis has none of its own (found ones: tests/test_found_ideas_engine.py)
    results = open_source(shared_data / "polis" / "brexit-consensus").results(
        Options(ideas="given"))
    assert results["consultation"]["title"] == "Can there be consensus on Brexit?"
    assert results["consultation"]["language"] == "en"
    assert results["top_ideas"] == [] and results["participation"]["gender"] == []
    for proposal in results["proposals"]:
        counts, shares = proposal["counts"], proposal["shares"]
        n = counts["agree"] + counts["disagree"] + counts["neutral"]
        assert shares["agree"] == pytest.approx(100 * counts["agree"] / n)
        assert shares["neutral"] == pytest.approx(100 * counts["neutral"] / n)
        assert shares["like_it"] is None and shares["platitude"] is None
        assert proposal["author"] is None
        assert proposal["zone"] in ("consensus", "controversy", "rejection", "limbo")
        assert proposal["engagement"] is None
    codes = [note["code"] for note in results["notes"]]
    assert codes[0] == "polis" and "no_ideas" in codes and "no_participants" in codes
    assert all(item["like_it"] is None for item in results["controversials"])


def test_cli_on_a_real_conversation(shared_data):
    folder = shared_data / "polis" / "london.youth.policing"
    run = subprocess.run([sys.executable, "-m", "analytics", "results", str(folder),
                          "--format", "json", "--min-votes", "10"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert '"polis"' in run.stdout and '"attribution"' in run.stdout


# -- hand-made exports ----------------------------------------------------------------------

COMMENTS = ["timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated",
            "comment-body"]
VOTES = ["timestamp", "comment-id", "voter-id", "vote"]


def write_export(folder, comments, votes, prefix="", summary=None):
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("comments", COMMENTS, comments), ("votes", VOTES, votes)):
        with open(folder / f"{prefix}{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    if summary is not None:
        with open(folder / f"{prefix}summary.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(summary.items())
    return folder


def test_double_votes_keep_the_latest(tmp_path):
    comments = [[1, 0, 5, 0, 0, 1, "Comment zero"], [2, 1, 5, 0, 0, 0, "Comment one"],
                [3, 2, 6, 0, 0, -1, "Spam"]]
    votes = [
        [100, 0, 7, 1],      # voter 7 agrees...
        [300, 0, 7, -1],     # ...then disagrees: counts as disagree
        [500, 0, 8, -1],     # voter 8: the later timestamp comes first in the file
        [400, 0, 8, 0],
        [200, 0, 9, 1],      # voter 9: two votes with the same timestamp: the later row
        [200, 0, 9, 0],
        [100, 1, 7, 1],
        [100, 2, 7, 1],      # on a moderated-out comment: excluded
        [150, 2, 8, 1],
    ]
    results = open_source(write_export(tmp_path / "conv", comments, votes)).results()
    proposals = {p["id"]: p for p in results["proposals"]}
    assert set(proposals) == {"0", "1"}
    counts = proposals["0"]["counts"]
    assert (counts["agree"], counts["disagree"], counts["neutral"]) == (0, 2, 1)
    assert proposals["1"]["counts"]["agree"] == 1
    polis = results["polis"]
    assert polis["superseded_votes"] == 3
    assert polis["moderated_out"] == 1 and polis["unmoderated"] == 1
    assert polis["votes_on_moderated_out"] == 2
    assert results["key_figures"] == {"participants": 3, "proposals": 2, "votes": 4,
                                      "votes_target": None}
    assert results["consultation"]["title"] == "Conversation Polis"   # no topic: its kind
    assert results["attribution"].endswith("https://pol.is")


def test_prefixed_file_names_and_summary(tmp_path):
    folder = write_export(tmp_path / "download", [[1, 0, 5, 0, 0, 1, "Hello"]],
                          [[2, 0, 1, 1]], prefix="2024-09-20-1530-abc123-",
                          summary={"topic": "A topic", "url": "https://pol.is/7wmvbjcjhp",
                                   "conversation-description": "What do you think?"})
    assert set(find_files(folder)) == {"comments", "votes", "summary"}
    results = open_source(folder).results()
    assert results["consultation"]["title"] == "A topic"
    assert results["consultation"]["context"] == "What do you think?"
    assert results["attribution"].endswith("case-studies/2017-brexit-consensus")


def test_bad_polis_files(tmp_path):
    folder = write_export(tmp_path / "bad", [[1, 0, 5, 0, 0, 1, "Hi"], [1, 0, 5, 0, 0, 1, "Hi"]],
                          [[2, 0, 1, 2], [2, 0, "", 1], ["x", 0, 3, 1]])
    with pytest.raises(InputError) as error:
        open_source(folder)
    lines = error.value.report().splitlines()
    assert "comments.csv, row 3, column comment-id: duplicate comment-id (first seen at row 2) " \
           "(expected each comment-id once; found '0')" in lines
    assert "votes.csv, row 2, column vote: unknown vote (expected 1 (agree), -1 (disagree) " \
           "or 0 (pass); found '2')" in lines
    assert any(line.startswith("votes.csv, row 3, column voter-id: voter-id is empty")
               for line in lines)
    assert any(line.startswith("votes.csv, row 4, column timestamp: timestamp is not a number")
               for line in lines)


def test_missing_column(tmp_path):
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text("comment-id,text\n0,Hi\n", encoding="utf-8")
    (folder / "votes.csv").write_text("comment-id,voter-id,vote\n0,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="comments.csv, row 1, column comment-body: required "
                                         "column is missing"):
        open_source(folder)


def test_votes_without_timestamps_use_file_order(tmp_path):
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text("comment-id,comment-body\n0,Hi\n", encoding="utf-8")
    (folder / "votes.csv").write_text("comment-id,voter-id,vote\n0,1,1\n0,1,-1\n0,2,0\n",
                                      encoding="utf-8")
    counts = open_source(folder).results()["proposals"][0]["counts"]
    assert (counts["agree"], counts["disagree"], counts["neutral"]) == (0, 1, 1)


# -- what real exports hold -----------------------------------------------------------------

def test_an_empty_comment_moderated_out_is_simply_excluded(tmp_path):
    comments = [[1, 0, 5, 0, 0, 1, "Kept"], [2, 1, 5, 0, 0, -1, ""]]
    votes = [[10, 0, 1, 1], [11, 1, 1, 1], [12, 0, 2, -1]]
    source = open_source(write_export(tmp_path / "conv", comments, votes))
    assert source.warnings == []
    results = source.results()
    assert [p["id"] for p in results["proposals"]] == ["0"]
    assert results["polis"]["empty_moderated_out"] == 1
    assert results["polis"]["empty_comments"] == 0


def test_an_empty_comment_kept_is_shown_with_a_warning(tmp_path):
    comments = [[1, 0, 5, 0, 0, 1, "Kept"], [2, 1, 5, 0, 0, 1, ""], [3, 2, 5, 0, 0, 0, ""]]
    votes = [[10, 0, 1, 1], [11, 1, 1, 1], [12, 2, 2, -1]]
    source = open_source(write_export(tmp_path / "conv", comments, votes))
    assert source.warnings == [
        'comments.csv, row(s) 3, 4, column comment-body: 2 kept comment(s) have no text: '
        'shown as "(empty comment)"']
    proposals = {p["id"]: p for p in source.results()["proposals"]}
    assert proposals["1"]["content"] == proposals["2"]["content"] == "(empty comment)"
    assert proposals["0"]["content"] == "Kept"


def write_participants(folder, rows, header=("participant", "group-id", "n-comments",
                                             "n-votes", "n-agree", "n-disagree")):
    with open(folder / "participants-votes.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_meta_comments_no_vote_comments_and_pass_only_voters(tmp_path):
    """`is-meta` comments stay in the results (Polis zeroes them in its clustering only);
    a comment nobody voted on is a proposal with 0 votes; a voter who only passed is a
    participant whose votes count as neutral."""
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body,is-meta\n"
        "1,0,5,1,0,1,About the topic,false\n"
        "2,1,5,0,0,1,Is this anonymous?,true\n"
        "3,2,5,0,0,1,Nobody voted on me,false\n", encoding="utf-8")
    (folder / "votes.csv").write_text(
        "timestamp,comment-id,voter-id,vote\n10,0,1,1\n11,1,1,0\n12,0,2,0\n13,1,2,0\n",
        encoding="utf-8")
    results = open_source(folder).results()
    proposals = {p["id"]: p for p in results["proposals"]}
    assert set(proposals) == {"0", "1", "2"}
    assert proposals["2"]["votes"] == 0
    assert proposals["0"]["counts"]["agree"] == 1 and proposals["0"]["counts"]["neutral"] == 1
    assert results["key_figures"]["participants"] == 2     # voter 2 only passed
    assert results["polis"]["meta_comments"] == 1


def test_participants_votes_gives_polis_groups_and_is_optional(tmp_path):
    comments = [[1, 0, 5, 0, 0, 1, "A"], [2, 1, 5, 0, 0, 1, "B"]]
    votes = [[10, 0, 1, 1], [11, 0, 2, -1], [12, 1, 3, 1]]
    folder = write_export(tmp_path / "conv", comments, votes)
    without = open_source(folder)
    assert without.extra["polis"]["grouped_participants"] == 0
    write_participants(folder, [[1, 0, 0, 1, 1, 0], [2, 1, 0, 1, 0, 1], [3, "", 0, 1, 1, 0]])
    polis = open_source(folder).extra["polis"]
    assert (polis["grouped_participants"], polis["export_groups"]) == (2, 2)
    assert open_source(folder).results()["key_figures"] == without.results()["key_figures"]


def test_a_bad_group_id_is_named(tmp_path):
    folder = write_export(tmp_path / "conv", [[1, 0, 5, 0, 0, 1, "A"]], [[10, 0, 1, 1]])
    write_participants(folder, [[1, "x", 0, 1, 1, 0]])
    with pytest.raises(InputError, match="participants-votes.csv, row 2, column group-id: "
                                         "group-id is not a Polis group number"):
        open_source(folder)


def test_cli_groups_json(shared_data):
    """`groups --format json` prints Polis's own groups; `--recompute` computes them with
    Polis's method and says how well they agree with the export."""
    import json

    folder = shared_data / "polis" / "canadian-electoral-reform"
    run = subprocess.run([sys.executable, "-m", "analytics", "groups", str(folder),
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["source"] == "export" and "agreement_with_export" not in result
    with open(folder / "participants-votes.csv", encoding="utf-8") as handle:
        export = [row["group-id"] for row in csv.DictReader(handle) if row["group-id"] != ""]
    assert {g["group"]: g["participants"] for g in result["groups"]} == {
        chr(ord("A") + int(g)): export.count(g) for g in set(export)}
    run = subprocess.run([sys.executable, "-m", "analytics", "groups", str(folder),
                          "--recompute"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    agreement = result["agreement_with_export"]
    assert result["source"] == "computed" and agreement["k_export"] == 2
    assert agreement["k"] == result["k"] and 0 <= agreement["adjusted_rand"] <= 1


def test_cli_groups_refuses_inputs_without_votes(shared_data):
    path = next((shared_data / "makeorg-results").glob("*.json"))
    run = subprocess.run([sys.executable, "-m", "analytics", "groups", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "opinion groups need a vote-level bundle or a Polis export" in run.stderr
