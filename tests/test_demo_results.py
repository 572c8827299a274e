"""The project's engine on the demo gives back the published #SolutionsJeunes
figures, read from the published page itself (../shared/seeds/001_*.txt)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.demo import generate

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
TOLERANCE = 1.0     # percentage points


@pytest.fixture(scope="module")
def seed_page() -> str:
    pages = sorted(SEEDS.glob("001_*.txt"))
    if not pages:
        pytest.skip(f"the published page is not available: no {SEEDS}/001_*.txt "
                    "(clone ../shared beside the repo)")
    return pages[0].read_text(encoding="utf-8")


def words(text: str) -> str:
    """Text compared word for word: the page uses no-break spaces before last words."""
    return " ".join(text.split())


def number(text: str) -> int:
    return int(re.sub(r"\s", "", text))


def published_figures(page: str) -> dict:
    lines = [line.strip() for line in page.splitlines()]
    figures = {
        "proposals": number(lines[lines.index("Propositions") + 1]),
        "participants": number(lines[lines.index("Participants") + 1]),
    }
    votes = re.search(r"^([\d\s]+) sur ([\d\s]+) \((\d+)%\)$",
                      lines[lines.index("Nombre total de votes") + 1])
    figures["votes"], figures["votes_target"] = number(votes[1]), number(votes[2])
    ideas, axis = [], None
    for i, line in enumerate(lines):
        if heading := re.match(r"^Axe \d+ : (.+)$", line):
            axis = heading[1].strip()
        agree = re.match(r"^(\d+)% D’accord$", line)
        qualifications = re.match(r"^Coup de cœur (\d+)%\s+Réaliste (\d+)%$",
                                  lines[i + 1] if i + 1 < len(lines) else "")
        if agree and qualifications:
            ideas.append({"axis": axis, "idea": lines[i - 1], "agreement": int(agree[1]),
                          "adhesion": int(qualifications[1]),
                          "realistic": int(qualifications[2])})
    controversials = []
    start = lines.index("Les propositions les plus controversées")
    for i in range(start, lines.index("Participation par genre")):
        agree = re.match(r"^(\d+)% D'accord$", lines[i])
        if agree:
            disagree = re.match(r"^(\d+)% Pas d'accord$", lines[i + 2])
            controversials.append({"author": lines[i - 2], "content": lines[i - 1],
                                   "agree": int(agree[1]), "disagree": int(disagree[1])})
    figures["ideas"], figures["controversials"] = ideas, controversials
    return figures


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    bundle = generate(tmp_path_factory.mktemp("seed") / "solutions-jeunes")
    run = subprocess.run([sys.executable, "-m", "analytics", "results", str(bundle),
                          "--format", "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_page_was_parsed(seed_page):
    figures = published_figures(seed_page)
    assert len(figures["ideas"]) == 19
    assert len(figures["controversials"]) == 6
    assert figures["votes_target"] == 500_000


def test_key_figures(seed_page, results):
    figures = published_figures(seed_page)
    assert results["key_figures"] == {key: figures[key] for key in (
        "participants", "proposals", "votes", "votes_target")}


def test_every_idea_within_a_point(seed_page, results):
    published = published_figures(seed_page)["ideas"]
    computed = {(axis["name"], words(idea["idea"])): idea
                for axis in results["top_ideas"] for idea in axis["ideas"]}
    assert len(computed) == 19
    for idea in published:
        mine = computed[(idea["axis"], words(idea["idea"]))]
        for key in ("agreement", "adhesion", "realistic"):
            assert abs(mine[key] - idea[key]) <= TOLERANCE, (idea["idea"], key, mine[key])


def test_axes_in_published_order(seed_page, results):
    axes = list(dict.fromkeys(i["axis"] for i in published_figures(seed_page)["ideas"]))
    assert [axis["name"] for axis in results["top_ideas"]] == axes


def test_ideas_in_published_order_within_each_axis(seed_page, results):
    published = published_figures(seed_page)["ideas"]
    for axis in results["top_ideas"]:
        expected = [words(i["idea"]) for i in published if i["axis"] == axis["name"]]
        assert [words(i["idea"]) for i in axis["ideas"]] == expected


def test_six_controversials_are_the_top_six_in_order(seed_page, results):
    published = published_figures(seed_page)["controversials"]
    top = results["controversials"][:6]
    assert [p["author"] for p in top] == [p["author"] for p in published]
    for mine, theirs in zip(top, published, strict=True):
        assert words(mine["content"]) == words(theirs["content"])
        assert abs(mine["agree"] - theirs["agree"]) <= TOLERANCE
        assert abs(mine["disagree"] - theirs["disagree"]) <= TOLERANCE
        assert mine["votes"] >= 100


def test_every_qualification_key_in_use(results):
    totals = {key: sum(p["counts"][key] for p in results["proposals"])
              for key in results["proposals"][0]["counts"]}
    assert all(count > 0 for count in totals.values()), totals


def test_all_regions_and_zones_present(results):
    assert len(results["participation"]["region"]) == 18
    zones = {p["zone"] for p in results["proposals"]}
    assert zones == {"consensus", "controversy", "rejection", "limbo"}


def test_timeline_ends_at_the_published_votes_and_marks_the_target_day(seed_page, results):
    figures = published_figures(seed_page)
    timeline = results["timeline"]
    assert (timeline[0]["date"], timeline[-1]["date"]) == ("2022-03-22", "2022-05-22")
    assert timeline[-1]["cumulative_votes"] == figures["votes"]
    assert timeline[-1]["cumulative_participants"] == figures["participants"]
    assert sum(day["proposals"] for day in timeline) == figures["proposals"]
    crossed = next(day["date"] for day in timeline
                   if day["cumulative_votes"] >= figures["votes_target"])
    marked = [m["date"] for m in results["consultation"]["milestones"]
              if m["label"].startswith("Objectif")]
    assert marked == [crossed]
