"""The results of a small bundle whose every figure is worked out by hand."""

import json
import math
import subprocess
import sys

import pytest
from builders import write_bundle

from analytics.consultations.open import open_source
from analytics.inputs import reference
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment

# 30 participants: u0-u14 female, u15-u26 male, u27-u29 other; u0-u19 aged 20,
# u20-u29 aged 40; u0-u24 in Île-de-France (11), u25-u29 in Auvergne-Rhône-Alpes (84).
PARTICIPANTS = [
    {"participant_id": f"u{i}",
     "gender": "female" if i < 15 else "male" if i < 27 else "other",
     "age": 20 if i < 20 else 40,
     "region_code": "11" if i < 25 else "84"}
    for i in range(30)
]
PROPOSALS = [
    {"proposal_id": "pA", "content": "Il faut A", "author_name": "Ana", "idea_id": "i1",
     "tags": "theme:Emploi|acteur:Etat"},
    {"proposal_id": "pB", "content": "Il faut B", "author_name": "Bea", "idea_id": "i1",
     "tags": "theme:Emploi"},
    {"proposal_id": "pC", "content": "Il faut C", "author_name": "Cid", "idea_id": "i2",
     "tags": "theme:Ecole"},
    {"proposal_id": "pD", "content": "Il faut D", "author_name": "Dan", "idea_id": "",
     "tags": ""},
]
IDEAS = [{"idea_id": "i1", "name": "Idée un", "axis": "Axe A"},
         {"idea_id": "i2", "name": "Idée deux", "axis": "Axe B"}]


def vote(proposal, user, value, qualification=""):
    return {"proposal_id": proposal, "participant_id": f"u{user}", "vote": value,
            "qualification": qualification}


VOTES = (
    # pA: u0-u19 agree, u20-u24 disagree (n = 25)
    [vote("pA", u, "agree") for u in range(20)]
    + [vote("pA", u, "disagree") for u in range(20, 25)]
    # pB: u0-u9 agree (u0-u4 likeIt), u10-u19 disagree (u10-u14 noWay) (n = 20)
    + [vote("pB", u, "agree", "likeIt" if u < 5 else "") for u in range(10)]
    + [vote("pB", u, "disagree", "noWay" if u < 15 else "") for u in range(10, 20)]
    # pC: the same counts as pB from other participants (a tie)
    + [vote("pC", u, "agree", "likeIt" if u < 15 else "") for u in range(10, 20)]
    + [vote("pC", u, "disagree", "noWay" if u < 25 else "") for u in range(20, 30)]
    # pD: u25-u29 neutral (n = 5)
    + [vote("pD", u, "neutral", "noOpinion") for u in range(25, 30)]
)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine") / "bundle"
    write_bundle(folder, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                 participants=PARTICIPANTS)
    return open_source(folder)


@pytest.fixture(scope="module")
def results(source):
    return source.results(Options(min_votes=10, top=2))


def by_id(items, key="id"):
    return {item[key]: item for item in items}


def test_key_figures(results):
    assert results["key_figures"] == {"participants": 30, "proposals": 4, "votes": 70,
                                      "votes_target": 1000}


def test_proposal_counts_and_shares(results):
    pb = by_id(results["proposals"])["pB"]
    assert pb["votes"] == 20
    assert pb["counts"]["agree"] == 10 and pb["counts"]["likeIt"] == 5
    assert pb["counts"]["noWay"] == 5 and pb["counts"]["neutral"] == 0
    assert pb["shares"]["agree"] == pytest.approx(50.0)
    assert pb["shares"]["like_it"] == pytest.approx(25.0)
    assert pb["shares"]["no_way"] == pytest.approx(25.0)


def test_zones(results):
    zones = {p["id"]: p["zone"] for p in results["proposals"]}
    # pA: s(agree) = 20.33 / 26 = 0.78 >= 0.6; pB: a = d = 10.33 / 21 = 0.49, u = 0.016;
    # pD: u = 5.33 / 6 = 0.89 >= 0.4 with a, d = 0.33 / 6 = 0.055.
    assert zones == {"pA": "consensus", "pB": "controversy", "pC": "controversy",
                     "pD": "limbo"}


def test_controversial_list_ties_and_threshold(results):
    # pB and pC tie exactly: proposal_id breaks it; pD (5 votes) is under min_votes.
    assert [p["id"] for p in results["controversials"]] == ["pB", "pC"]
    top = results["controversials"][0]
    # min(a, d) + min(likeIt, noWay) = 10.33/21 + 5.01/21
    assert top["controversy"]["score"] == pytest.approx(10.33 / 21 + 5.01 / 21)
    assert top["agree"] == pytest.approx(50.0) and top["votes"] == 20
    assert top["author"] == "Bea"


def test_rejected_list(source):
    rejected = source.results(Options(min_votes=1, top=10))["rejected"]
    assert [p["id"] for p in rejected][:1] == ["pB"]   # pB/pC tie: pB first
    assert len(rejected) == 4


def test_ideas_pooled(results):
    ideas = {i["idea_id"]: i for axis in results["top_ideas"] for i in axis["ideas"]}
    one = ideas["i1"]
    # pA + pB: 30 agree, 15 disagree, 0 neutral; 5 likeIt, 0 doable.
    assert one["votes"] == 45 and one["proposals"] == 2
    assert one["agreement"] == pytest.approx(100 * 30 / 45)
    assert one["adhesion"] == pytest.approx(100 * 5 / 45)
    assert one["realistic"] == 0.0
    assert [a["name"] for a in results["top_ideas"]] == ["Axe A", "Axe B"]
    # i1: s(agree) = 30.33/46 = 0.659 -> consensus
    assert one["zone"] == "consensus"
    assert results["ranked_ideas"] == ["i1", "i2"]


def test_idea_ranking_ties_by_id(tmp_path):
    ideas = [{"idea_id": "b", "name": "B", "axis": ""}, {"idea_id": "a", "name": "A",
                                                          "axis": ""}]
    proposals = [dict(PROPOSALS[0], idea_id="b"), dict(PROPOSALS[1], idea_id="a")]
    votes = ([vote("pA", u, "agree") for u in range(5)]
             + [vote("pB", u, "agree") for u in range(5)])
    folder = write_bundle(tmp_path / "b", proposals=proposals, votes=votes, ideas=ideas)
    assert open_source(folder).results()["ranked_ideas"] == ["a", "b"]


def test_participation_shares(results):
    gender = by_id(results["participation"]["gender"], "label")
    assert gender["female"]["participants"] == 15
    assert gender["female"]["participants_share"] == pytest.approx(50.0)
    assert gender["female"]["votes"] == 35
    assert gender["female"]["votes_share"] == pytest.approx(50.0)
    assert gender["male"]["participants_share"] == pytest.approx(40.0)
    assert gender["male"]["votes_share"] == pytest.approx(100 * 29 / 70)
    # 3 participants: under the privacy threshold, figures suppressed, shares left out.
    assert gender["other"]["participants"] is None and gender["other"]["votes"] is None
    assert "participants_share" not in gender["other"]
    population = reference.population_shares("gender", ["female", "male", "other"])
    assert gender["female"]["population_share"] == pytest.approx(population["female"])
    assert gender["other"]["population_share"] is None


def test_participation_by_age_and_region(results):
    ages = by_id(results["participation"]["age_band"], "label")
    assert list(ages) == ["16-24", "35-44"]
    assert ages["16-24"]["participants"] == 20 and ages["16-24"]["votes"] == 50
    assert ages["35-44"]["votes_share"] == pytest.approx(100 * 20 / 70)
    everyone = reference.population_shares("age_band")
    expected = 100 * everyone["16-24"] / (everyone["16-24"] + everyone["35-44"])
    assert ages["16-24"]["population_share"] == pytest.approx(expected)
    regions = by_id(results["participation"]["region"], "label")
    assert regions["11"]["participants"] == 25
    assert regions["11"]["participants_share"] == pytest.approx(100 * 25 / 30)
    assert regions["11"]["name"] == "Île-de-France"
    assert regions["84"]["participants"] is None


def test_cartography(results):
    charts = {c["name"]: c for c in results["cartography"]}
    theme = {d["label"]: d["percent"] for d in charts["theme"]["data"]}
    assert theme == pytest.approx({"Emploi": 200 / 3, "Ecole": 100 / 3})
    assert {d["label"]: d["percent"] for d in charts["theme (consensus)"]["data"]} == {
        "Emploi": 100.0}
    assert charts["acteur"]["data"][0] == {"label": "Etat", "percent": 100.0, "proposals": 1}


def test_segment_restricts_everything(source):
    female = source.results(Options(min_votes=1, segment=Segment(gender="female")))
    assert female["key_figures"]["participants"] == 15
    assert female["key_figures"]["votes"] == 35
    pa = by_id(female["proposals"])["pA"]
    assert pa["counts"]["agree"] == 15 and pa["votes"] == 15
    # pD has no female voter: hidden under the segment's privacy floor.
    assert by_id(female["proposals"])["pD"].get("suppressed") is True


def test_small_segment_is_suppressed(source):
    other = source.results(Options(segment=Segment(gender="other")))
    assert other["suppressed"] is True
    assert other["key_figures"]["participants"] is None
    assert other["proposals"] == [] and other["top_ideas"] == []


def test_cli_results_json(source):
    run = subprocess.run([sys.executable, "-m", "analytics", "results", str(source.path),
                          "--format", "json", "--min-votes", "10", "--top", "2"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {"consultation", "key_figures", "top_ideas", "ranked_ideas", "controversials",
            "rejected", "participation", "cartography", "proposals"} <= set(data)
    assert len(data["proposals"]) == 4
    assert [p["id"] for p in data["controversials"]] == ["pB", "pC"]


def test_cli_makeorg_format(source):
    run = subprocess.run([sys.executable, "-m", "analytics", "results", str(source.path),
                          "--format", "makeorg", "--min-votes", "10"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    idea = data["top_ideas"][0]["ideas"][0]
    assert idea == {"idea": "Idée un", "agreement": 67, "adhesion": 11, "realistic": 0}
    assert data["controversials"][0]["agree"] == 50
    ages = next(c for c in data["participation"] if c["type"] == "histogram"
                and c["data"][0]["label"] == "16-24")
    assert ages["data"][0]["bars"]["first"] == 67          # 20 of 30 participants
    assert not any(math.isnan(x["percent"]) for c in data["cartography"] for x in c["data"])
