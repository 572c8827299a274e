"""Ideas found in the proposals' texts, through the engine (SPEC section 3, "Ideas
found in the texts"): the figures of found ideas are pooled exactly as given ones.

The idea sets here are built by hand (analytics.metrics.found_ideas.IdeaSet), so that the
figures are checked against hand-computed values whatever the finding algorithm
returns; `find_ideas` is replaced by a fake where a source would call it."""

from __future__ import annotations

import csv
import math
import threading

import pandas as pd
import pytest
from builders import votes_for, write_bundle

from analytics.consultations.open import open_source
from analytics.metrics import found_ideas
from analytics.metrics.engine import Options
from analytics.metrics.found_ideas import IdeaSet
from analytics.metrics.segment import Segment
from analytics.present.makeorg import to_makeorg

NAN = float("nan")


def idea_set(ideas: list[tuple], assignment: dict, *, language="fr", similarity=None,
             edited=False) -> IdeaSet:
    """ideas: (idea_id, name, axis); assignment: proposal_id -> idea_id or None."""
    table = pd.DataFrame(ideas, columns=["idea_id", "name", "axis"])
    table["keywords"] = [[name.lower()] for name in table["name"]]
    table["examples"] = [[p for p, i in assignment.items() if i == idea][:2]
                         for idea in table["idea_id"]]
    similarity = similarity or {}
    assignments = pd.DataFrame({
        "proposal_id": list(assignment),
        "idea_id": pd.Series(list(assignment.values()), dtype=object),
        "similarity": [similarity.get(p, 0.5) for p in assignment]})
    return IdeaSet(table, assignments, language=language,
                   method={"name": "hand-made", "description": "built by the test"},
                   edited=edited)


def proposals(*ids: str) -> list[dict]:
    return [{"proposal_id": p, "content": f"Il faut faire la proposition {p}",
             "author_name": "Léa"} for p in ids]


# -- a small bundle without ideas ----------------------------------------------------------

# p1: agree 6 (2 likeIt, 1 doable), disagree 2 (1 noWay), neutral 2        n = 10
# p2: agree 3 (1 likeIt), disagree 5 (1 impossible), neutral 2             n = 10
# p3: agree 8 (4 likeIt, 2 doable), disagree 1, neutral 1                  n = 10
# p4: agree 1, disagree 9                                                  n = 10
VOTES = {
    "p1": {"agree": 3, "agree/likeIt": 2, "agree/doable": 1, "disagree": 1,
           "disagree/noWay": 1, "neutral": 2},
    "p2": {"agree": 2, "agree/likeIt": 1, "disagree": 4, "disagree/impossible": 1,
           "neutral": 2},
    "p3": {"agree": 2, "agree/likeIt": 4, "agree/doable": 2, "disagree": 1, "neutral": 1},
    "p4": {"agree": 1, "disagree": 9},
}
# Idea A = p1 + p2, idea B = p3, p4 in no idea.
SET = idea_set([("A", "Mobilité", "Axe 1"), ("B", "Éducation", "Axe 2")],
               {"p1": "A", "p2": "A", "p3": "B", "p4": None},
               similarity={"p1": 0.9, "p2": 0.7, "p3": 0.8})


@pytest.fixture()
def bundle(tmp_path):
    votes, start = [], 0
    for proposal_id, counts in VOTES.items():
        votes += votes_for(proposal_id, counts, start=start)
        start += sum(counts.values())
    return write_bundle(tmp_path / "b", proposals=proposals(*VOTES), votes=votes)


def key_score(count: float, n: float, smooth: float) -> float:
    return min((count + smooth) / (1 + n), 1.0)


def top_score(c: dict) -> float:
    """SPEC section 3's top_score, written again here (score only)."""
    n = c["agree"] + c["disagree"] + c["neutral"]
    return (key_score(c["agree"], n, 0.33) + key_score(c["likeIt"], n, 0.01)
            + key_score(c["doable"], n, 0.01) - key_score(c["noWay"], n, 0.01)
            - key_score(c["impossible"], n, 0.01)
            - key_score(c["platitudeAgree"], n, 0.01)
            - key_score(c["platitudeDisagree"], n, 0.01))


def ideas_by_id(results: dict) -> dict:
    return {idea["idea_id"]: idea for axis in results["top_ideas"] for idea in axis["ideas"]}


def test_found_ideas_are_pooled_like_given_ones(bundle):
    results = open_source(bundle).results(Options(min_votes=1), idea_set=SET)
    assert results["ideas_source"] == "found"
    ideas = ideas_by_id(results)
    a, b = ideas["A"], ideas["B"]
    # A pools p1 and p2: agree 9, disagree 7, neutral 4 (n 20), likeIt 3, doable 1.
    assert (a["votes"], a["proposals"]) == (20, 2)
    assert a["counts"]["agree"] == 9 and a["counts"]["disagree"] == 7
    assert a["agreement"] == pytest.approx(45.0)
    assert a["adhesion"] == pytest.approx(15.0)
    assert a["realistic"] == pytest.approx(5.0)
    assert a["top_score"]["score"] == pytest.approx(top_score(a["counts"]))
    assert (b["votes"], b["proposals"]) == (10, 1)
    assert b["agreement"] == pytest.approx(80.0)
    assert b["adhesion"] == pytest.approx(40.0)
    assert b["realistic"] == pytest.approx(20.0)
    assert b["top_score"]["score"] == pytest.approx(top_score(b["counts"]))
    # Ranked by the top_score lower bound: B (80 % agree) before A; p4 is in no idea.
    assert results["ranked_ideas"] == ["B", "A"]
    assert [a["rank"], b["rank"]] == [2, 1]
    # Grouped by axis in the order of the ideas table, ideas in rank order within.
    assert [(axis["name"], [i["idea_id"] for i in axis["ideas"]])
            for axis in results["top_ideas"]] == [("Axe 1", ["A"]), ("Axe 2", ["B"])]
    items = {p["id"]: p for p in results["proposals"]}
    assert {p: items[p]["idea_id"] for p in items} == {"p1": "A", "p2": "A", "p3": "B",
                                                       "p4": None}
    assert {p: items[p]["similarity"] for p in items} == {"p1": 0.9, "p2": 0.7, "p3": 0.8,
                                                          "p4": 0.5}
    assert all(item["idea_id"] != "A" or item["id"] in ("p1", "p2")
               for item in results["controversials"] + results["rejected"])


def test_found_ideas_match_the_same_ideas_given(bundle, tmp_path):
    """The same ideas given in ideas.csv (and proposals' idea_id) rank identically."""
    votes = [v for p, counts in VOTES.items() for v in votes_for(p, counts, prefix=p)]
    given = write_bundle(tmp_path / "given", votes=votes,
                         proposals=[dict(p, idea_id={"p1": "A", "p2": "A", "p3": "B"}.get(
                             p["proposal_id"], "")) for p in proposals(*VOTES)],
                         ideas=[{"idea_id": "A", "name": "Mobilité", "axis": "Axe 1"},
                                {"idea_id": "B", "name": "Éducation", "axis": "Axe 2"}])
    found = write_bundle(tmp_path / "found", proposals=proposals(*VOTES), votes=votes)
    with_given = open_source(given).results(Options(min_votes=1))
    with_found = open_source(found).results(Options(min_votes=1), idea_set=SET)
    assert with_given["ideas_source"] == "given" and with_found["ideas_source"] == "found"
    assert with_found["top_ideas"] == with_given["top_ideas"]
    assert with_found["ranked_ideas"] == with_given["ranked_ideas"]


def test_found_ideas_keys_and_notes(bundle):
    results = open_source(bundle).results(idea_set=SET)
    found = results["found_ideas"]
    assert set(found) == {"language", "method", "edited", "unassigned", "other_name", "ideas"}
    assert found["language"] == "fr" and found["other_name"] == "Autres propositions"
    assert found["unassigned"] == 1 and found["edited"] is False
    assert found["method"] == {"name": "hand-made", "description": "built by the test"}
    assert found["ideas"] == [
        {"idea_id": "A", "name": "Mobilité", "axis": "Axe 1", "keywords": ["mobilité"],
         "examples": ["p1", "p2"], "proposals": 2},
        {"idea_id": "B", "name": "Éducation", "axis": "Axe 2", "keywords": ["éducation"],
         "examples": ["p3"], "proposals": 1}]
    codes = [note["code"] for note in results["notes"]]
    assert "no_ideas" not in codes and codes[0] == "found_ideas"
    message = results["notes"][0]["message"]
    assert "found automatically from the proposals' texts" in message
    assert "built by the test" in message and message.count(".") == 1
    edited = open_source(bundle).results(idea_set=SET.rename("A", "Transports"))
    assert edited["found_ideas"]["edited"] is True
    assert "corrected by a person" in edited["notes"][0]["message"]
    assert ideas_by_id(edited)["A"]["idea"] == "Transports"


def test_moved_proposal_has_no_similarity(bundle):
    moved = SET.move(["p4"], "B")
    results = open_source(bundle).results(Options(min_votes=1), idea_set=moved)
    items = {p["id"]: p for p in results["proposals"]}
    assert items["p4"]["idea_id"] == "B" and items["p4"]["similarity"] is None
    b = ideas_by_id(results)["B"]
    assert b["votes"] == 20 and b["counts"]["agree"] == 9 and b["counts"]["disagree"] == 10
    assert results["found_ideas"]["unassigned"] == 0


def test_no_idea_group_is_never_ranked(bundle):
    nobody = idea_set([("A", "Mobilité", "Axe 1")], dict.fromkeys(VOTES))
    results = open_source(bundle).results(idea_set=nobody)
    assert results["ranked_ideas"] == ["A"]
    a = ideas_by_id(results)["A"]
    assert a["votes"] == 0 and a["proposals"] == 0 and a["agreement"] is None
    assert all(p["idea_id"] is None for p in results["proposals"])


def test_weighted_results_use_the_found_ideas(tmp_path):
    regions = ("11", "84", "32", "75")
    participants = [{"participant_id": f"u{i}", "gender": ("female", "male")[i % 2],
                     "age": 20 + (i * 7) % 50, "region_code": regions[i % 4]}
                    for i in range(40)]
    votes = [{"proposal_id": p, "participant_id": f"u{i}",
              "vote": "agree" if (i + k) % 3 else "disagree", "qualification": ""}
             for k, p in enumerate(("p1", "p2", "p3")) for i in range(40)]
    folder = write_bundle(tmp_path / "w", proposals=proposals("p1", "p2", "p3"), votes=votes,
                          participants=participants)
    three = idea_set([("A", "Mobilité", "Axe"), ("B", "Éducation", "Axe")],
                     {"p1": "A", "p2": "A", "p3": "B"})
    source = open_source(folder)
    weighted = source.results(Options(weighted=True, min_votes=1), idea_set=three)
    raw = source.results(Options(min_votes=1), idea_set=three)
    assert weighted["weighting"] is not None and weighted["ideas_source"] == "found"
    w, r = ideas_by_id(weighted)["A"], ideas_by_id(raw)["A"]
    assert r["counts"]["agree"] + r["counts"]["disagree"] == 80 == w["votes"]
    # Pooled weighted counts: the sums of the weighted counts of p1 and p2.
    items = {p["id"]: p for p in weighted["proposals"]}
    assert w["counts"]["agree"] == pytest.approx(
        items["p1"]["counts"]["agree"] + items["p2"]["counts"]["agree"])
    assert isinstance(w["counts"]["agree"], float)


# -- segment privacy with found ideas ------------------------------------------------------

@pytest.fixture()
def segment_bundle(tmp_path):
    participants = ([{"participant_id": f"f{i}", "gender": "female"} for i in range(30)]
                    + [{"participant_id": f"m{i}", "gender": "male"} for i in range(30)])

    def by(proposal_id, voters, vote="agree"):
        return [{"proposal_id": proposal_id, "participant_id": v, "vote": vote,
                 "qualification": ""} for v in voters]

    women = [f"f{i}" for i in range(30)]
    men = [f"m{i}" for i in range(30)]
    votes = (by("p1", women[:6]) + by("p2", women[:6], "disagree")   # the same 6 women
             + by("p3", women[10:16]) + by("p4", women[16:22], "disagree")  # 12 women
             + by("p1", men[:12]) + by("p3", men[:12]))
    return write_bundle(tmp_path / "s", proposals=proposals("p1", "p2", "p3", "p4"),
                        votes=votes, participants=participants)


def test_segment_privacy_counts_distinct_voters_of_found_ideas(segment_bundle):
    # A: p1 + p2 voted by the same 6 women (12 votes, 6 voters): suppressed.
    # B: p3 + p4 voted by 12 different women (each proposal under 10): shown.
    ideas = idea_set([("A", "Un", "Axe"), ("B", "Deux", "Axe")],
                     {"p1": "A", "p2": "A", "p3": "B", "p4": "B"})
    women = open_source(segment_bundle).results(
        Options(min_votes=1, segment=Segment(gender="female")), idea_set=ideas)
    assert women["key_figures"]["participants"] == 18
    found = ideas_by_id(women)
    assert found["A"]["votes"] == 12 and found["A"].get("suppressed") is True
    assert "agreement" not in found["A"]
    assert found["B"].get("suppressed") is None and found["B"]["votes"] == 12
    assert found["B"]["agreement"] == pytest.approx(50.0)
    items = {p["id"]: p for p in women["proposals"]}
    assert all(items[p].get("suppressed") is True for p in ("p1", "p2", "p3", "p4"))
    # The same proposals under one idea: 18 distinct women, shown.
    one = idea_set([("C", "Tout", "Axe")], dict.fromkeys(("p1", "p2", "p3", "p4"), "C"))
    together = ideas_by_id(open_source(segment_bundle).results(
        Options(min_votes=1, segment=Segment(gender="female")), idea_set=one))
    assert together["C"].get("suppressed") is None and together["C"]["votes"] == 24


def test_segment_privacy_with_two_idea_sets_on_one_source(segment_bundle):
    """Each assignment gets its own relation: a second set does not reuse the first's."""
    source = open_source(segment_bundle)
    female = Options(min_votes=1, segment=Segment(gender="female"))
    split = idea_set([("A", "Un", "Axe"), ("B", "Deux", "Axe")],
                     {"p1": "A", "p2": "A", "p3": "B", "p4": "B"})
    mixed = idea_set([("A", "Un", "Axe"), ("B", "Deux", "Axe")],
                     {"p1": "A", "p3": "A", "p2": "B", "p4": "B"})
    assert ideas_by_id(source.results(female, idea_set=split))["A"].get("suppressed")
    again = ideas_by_id(source.results(female, idea_set=mixed))
    # A = p1 + p3: 12 women; B = p2 + p4: 12 women: both shown.
    assert not again["A"].get("suppressed") and not again["B"].get("suppressed")


# -- the choice of ideas per input kind ----------------------------------------------------

@pytest.fixture()
def fake_finder(monkeypatch):
    """find_ideas replaced: every proposal in idea F1, calls recorded."""
    calls = []

    def fake(frame, *, language=None, n_ideas=None, progress=None, cache=True):
        calls.append({"frame": frame.copy(), "language": language, "n_ideas": n_ideas})
        if progress:
            progress(1.0, "done")
        ids = frame["proposal_id"].tolist()
        return idea_set([("F1", "Trouvée", "Axe trouvé")], dict.fromkeys(ids, "F1"),
                        language=language)

    monkeypatch.setattr(found_ideas, "find_ideas", fake)
    return calls


def test_ideas_choice_on_a_bundle_without_ideas(bundle, fake_finder):
    source = open_source(bundle)
    auto = source.results()
    assert auto["ideas_source"] == "found" and auto["ranked_ideas"] == ["F1"]
    assert ideas_by_id(auto)["F1"]["votes"] == 40
    given = source.results(Options(ideas="given"))
    assert given["ideas_source"] is None and given["top_ideas"] == []
    assert given["found_ideas"] is None
    assert [n["code"] for n in given["notes"]][0] == "no_ideas"
    assert source.results(Options(ideas="found"))["ideas_source"] == "found"
    none = source.results(Options(ideas="none"))
    assert none["ideas_source"] is None and none["top_ideas"] == []
    assert none["ranked_ideas"] == [] and none["found_ideas"] is None
    assert "similarity" not in none["proposals"][0]
    assert {"code": "no_ideas", "message": "Big ideas are left out (ideas: none)."} \
        in none["notes"]
    # Found once per source; texts, votes per proposal and the language hint passed.
    assert len(fake_finder) == 1
    call = fake_finder[0]
    assert call["language"] == "fr" and call["n_ideas"] is None
    assert call["frame"]["proposal_id"].tolist() == ["p1", "p2", "p3", "p4"]
    assert call["frame"]["votes"].tolist() == [10, 10, 10, 10]
    assert call["frame"]["content"].tolist()[0] == "Il faut faire la proposition p1"


def test_ideas_choice_on_a_bundle_with_ideas(tmp_path, fake_finder):
    votes = [v for p, counts in VOTES.items() for v in votes_for(p, counts, prefix=p)]
    folder = write_bundle(tmp_path / "g", votes=votes,
                          proposals=[dict(p, idea_id="G") for p in proposals(*VOTES)],
                          ideas=[{"idea_id": "G", "name": "Donnée", "axis": "Axe"}])
    source = open_source(folder)
    for choice in ("auto", "given"):
        results = source.results(Options(ideas=choice))
        assert results["ideas_source"] == "given" and results["ranked_ideas"] == ["G"]
        assert results["found_ideas"] is None
    assert fake_finder == []
    found = source.results(Options(ideas="found"))
    assert found["ideas_source"] == "found" and found["ranked_ideas"] == ["F1"]
    assert {p["idea_id"] for p in found["proposals"]} == {"F1"}
    assert source.results(Options(ideas="none"))["ideas_source"] is None
    assert source.results(Options(ideas="none"))["top_ideas"] == []


def test_found_ideas_computed_once_across_threads(bundle, fake_finder):
    source = open_source(bundle)
    results = []
    threads = [threading.Thread(target=lambda: results.append(source.found_ideas()))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_finder) == 1 and len(results) == 8
    assert all(r is results[0] for r in results)
    assert source.found_ideas(n_ideas=5) is not results[0] and len(fake_finder) == 2


def test_options_ideas_is_checked_and_hashable():
    assert hash(Options(ideas="found")) != hash(Options(ideas="none"))
    assert Options() == Options(ideas="auto")
    with pytest.raises(ValueError, match="ideas must be one of"):
        Options(ideas="maybe")


def test_segment_too_small_keeps_the_ideas_source(bundle, fake_finder, tmp_path):
    participants = [{"participant_id": f"u{i}", "gender": "female" if i < 3 else "male"}
                    for i in range(40)]
    votes = [v for p, counts in VOTES.items() for v in votes_for(p, counts)]
    folder = write_bundle(tmp_path / "small", proposals=proposals(*VOTES), votes=votes,
                          participants=participants)
    results = open_source(folder).results(Options(segment=Segment(gender="female")))
    assert results["suppressed"] is True and results["top_ideas"] == []
    assert results["ideas_source"] == "found"


def test_polis_with_found_ideas(shared_data, fake_finder):
    source = open_source(shared_data / "polis" / "brexit-consensus")
    results = source.results()
    assert results["ideas_source"] == "found" and results["ranked_ideas"] == ["F1"]
    codes = [note["code"] for note in results["notes"]]
    assert codes[:2] == ["polis", "found_ideas"] and "no_ideas" not in codes
    idea = ideas_by_id(results)["F1"]
    # Polis has no qualifications: those shares are not data.
    assert idea["adhesion"] is None and idea["realistic"] is None
    assert idea["shares"]["like_it"] is None
    assert idea["votes"] == sum(p["votes"] for p in results["proposals"])
    assert idea["agreement"] == pytest.approx(
        100 * sum(p["counts"]["agree"] for p in results["proposals"]) / idea["votes"])
    assert fake_finder[0]["language"] == "en"
    none = source.results(Options(ideas="none"))
    assert none["ideas_source"] is None and none["top_ideas"] == []
    assert [n["code"] for n in none["notes"]][:2] == ["polis", "no_ideas"]


def test_published_results_ideas_source(shared_data, fake_finder):
    source = open_source(shared_data / "makeorg-results" / "commerce-demain.json")
    results = source.results()
    assert results["ideas_source"] == "given" and results["found_ideas"] is None
    assert results["top_ideas"]
    assert source.found_ideas() is None and fake_finder == []
    none = source.results(Options(ideas="none"))
    assert none["ideas_source"] is None and none["top_ideas"] == []
    found = source.results(Options(ideas="found"))
    assert found["ideas_source"] is None and found["top_ideas"] == []
    assert found["notes"][0]["code"] == "no_ideas"
    assert "no proposals' texts" in found["notes"][0]["message"]
    assert fake_finder == []


def test_published_results_without_ideas(tmp_path):
    import json

    path = tmp_path / "vide.json"
    path.write_text(json.dumps({"context": "", "top_ideas": [], "controversials": [],
                                "cartography": [], "participation": []}), encoding="utf-8")
    results = open_source(path).results()
    assert results["ideas_source"] is None and results["found_ideas"] is None


# -- proposal-level export -----------------------------------------------------------------

EXPORT = [  # proposition, votes, adhesion, engagement
    ("Il faut des pistes cyclables", 10, 0.9, 0.3),
    ("Il faut plus de vélos", 30, 0.5, 0.1),
    ("Il faut des parkings à vélos", 0, 1.0, 0.5),       # no vote: weighs nothing
    ("Il faut plus de professeurs", 20, 0.8, 0.4),
    ("Il faut des cantines bio", 0, 0.2, -0.1),           # its idea has no vote
    ("Il faut autre chose", 5, 0.6, 0.2),                 # in no idea
]


@pytest.fixture()
def export_path(tmp_path):
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["proposition", "auteur", "age", "votes", "adhesion", "engagement",
                         "score"])
        for text, votes, adhesion, engagement in EXPORT:
            writer.writerow([text, "Léa", 30, votes, adhesion, engagement,
                             adhesion + engagement])
    return path


def export_set(source) -> IdeaSet:
    ids = [p["id"] for p in source.proposals]
    return idea_set([("X", "Vélo", "A1"), ("Y", "École", "A2"), ("Z", "Cantine", "A1")],
                    dict(zip(ids, ["X", "X", "X", "Y", "Z", None], strict=True)))


def test_export_ideas_pooled_by_votes(export_path):
    source = open_source(export_path)
    results = source.results(idea_set=export_set(source))
    assert results["ideas_source"] == "found"
    ideas = ideas_by_id(results)
    x, y, z = ideas["X"], ideas["Y"], ideas["Z"]
    # X: (0.9·10 + 0.5·30 + 1.0·0) / 40 = 0.6; engagement (0.3·10 + 0.1·30) / 40 = 0.15.
    assert x["agreement"] == pytest.approx(60.0)
    assert x["engagement"] == pytest.approx(15.0)
    assert x["score"] == pytest.approx(0.75)
    assert (x["votes"], x["proposals"]) == (40, 3)
    assert y["agreement"] == pytest.approx(80.0) and y["engagement"] == pytest.approx(40.0)
    assert y["score"] == pytest.approx(1.2) and (y["votes"], y["proposals"]) == (20, 1)
    assert z["agreement"] is None and z["engagement"] is None and z["score"] is None
    assert (z["votes"], z["proposals"]) == (0, 1)
    for idea in (x, y, z):
        assert idea["adhesion"] is None and idea["realistic"] is None
        assert idea["zone"] is None and idea["top_score"] is None
        assert set(idea) == {"idea", "idea_id", "agreement", "adhesion", "realistic",
                             "engagement", "score", "votes", "proposals", "zone",
                             "top_score", "rank"}
    assert results["ranked_ideas"] == ["Y", "X", "Z"]     # by score; no votes last
    assert [(a["name"], [i["idea_id"] for i in a["ideas"]]) for a in results["top_ideas"]] \
        == [("A1", ["X", "Z"]), ("A2", ["Y"])]
    assert [p["idea_id"] for p in results["proposals"]] == ["X", "X", "X", "Y", "Z", None]
    assert all(p["similarity"] == 0.5 for p in results["proposals"])
    codes = [note["code"] for note in results["notes"]]
    assert codes[:2] == ["opendata", "found_ideas"] and "no_ideas" not in codes
    assert results["found_ideas"]["unassigned"] == 1
    # Make.org's shape: integer percentages, the missing shares null.
    makeorg = to_makeorg(results)
    assert makeorg["top_ideas"] == [
        {"name": "A1", "ideas": [
            {"idea": "Vélo", "agreement": 60, "adhesion": None, "realistic": None},
            {"idea": "Cantine", "agreement": None, "adhesion": None, "realistic": None}]},
        {"name": "A2", "ideas": [
            {"idea": "École", "agreement": 80, "adhesion": None, "realistic": None}]}]


def test_export_ties_by_idea_id(tmp_path):
    path = tmp_path / "twins.csv"
    path.write_text("proposition,votes,adhesion,engagement,score\n"
                    "Il faut A,10,0.7,0.2,0.9\nIl faut B,10,0.7,0.2,0.9\n"
                    "Il faut C,0,0.9,0.5,1.4\nIl faut D,0,0.1,0.1,0.2\n", encoding="utf-8")
    source = open_source(path)
    ids = [p["id"] for p in source.proposals]
    twins = idea_set([("d", "Sans votes 2", None), ("b", "Deux", None),
                      ("c", "Sans votes 1", None), ("a", "Un", None)],
                     dict(zip(ids, ["b", "a", "c", "d"], strict=True)))
    results = source.results(idea_set=twins)
    assert results["ranked_ideas"] == ["a", "b", "c", "d"]   # ties by id; no votes last
    assert results["top_ideas"][0]["name"] is None
    assert [i["idea_id"] for i in results["top_ideas"][0]["ideas"]] == ["a", "b", "c", "d"]


def test_export_ideas_choice(export_path, fake_finder):
    source = open_source(export_path)
    auto = source.results()
    assert auto["ideas_source"] == "found" and auto["ranked_ideas"] == ["F1"]
    f1 = ideas_by_id(auto)["F1"]
    total = sum(v for _, v, _, _ in EXPORT)
    assert f1["agreement"] == pytest.approx(
        100 * sum(a * v for _, v, a, _ in EXPORT) / total)
    assert f1["votes"] == total and f1["proposals"] == len(EXPORT)
    assert fake_finder[0]["frame"]["votes"].tolist() == [v for _, v, _, _ in EXPORT]
    assert fake_finder[0]["frame"]["content"].tolist()[0] == EXPORT[0][0]
    for choice in ("given", "none"):
        results = source.results(Options(ideas=choice))
        assert results["ideas_source"] is None and results["top_ideas"] == []
        assert results["found_ideas"] is None
        assert "similarity" not in results["proposals"][0]
        assert results["proposals"][0]["idea_id"] is None
    assert len(fake_finder) == 1


def test_real_export_with_found_ideas(shared_data):
    """The real finder on Make.org's 18,690 proposals: pooled figures consistent."""
    source = open_source(shared_data / "makeorg-open-data" / "mondedapres_2020_05_28.csv")
    results = source.results()
    assert results["ideas_source"] == "found"
    found = results["found_ideas"]
    ideas = ideas_by_id(results)
    assert len(ideas) == len(found["ideas"]) == len(results["ranked_ideas"]) > 1
    assert sum(i["proposals"] for i in ideas.values()) + found["unassigned"] == 18690
    members: dict = {}
    for proposal in results["proposals"]:
        members.setdefault(proposal["idea_id"], []).append(proposal)
    for idea_id, idea in ideas.items():
        group = members.get(idea_id, [])
        votes = sum(p["votes"] for p in group)
        assert idea["votes"] == votes
        if votes:
            assert idea["agreement"] == pytest.approx(
                100 * sum(p["adhesion"] * p["votes"] for p in group) / votes)
    scores = [ideas[i]["score"] for i in results["ranked_ideas"]]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True) and not any(
        math.isnan(s) for s in known)
