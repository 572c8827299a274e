"""Segment comparisons: counts, shares, Wilson bounds and tests by hand on a
small bundle built to hit the privacy threshold exactly (9 vs 10 participants,
including a cell that only becomes small once the sidebar segment is combined
with the compared dimension); exports; the ranking; the planted demo effects."""

import numpy as np
import pandas as pd
import pytest
from builders import write_bundle

from analytics.consultations.open import open_source
from analytics.metrics import segments, stats
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.present.charts import segments as charts

# Groups of participants: (prefix, size, gender, age, région)
GROUPS = [
    ("a", 10, "female", 20, "11"),     # women 16-24
    ("b", 9, "female", 70, "11"),      # women 65+: 9, small only once combined
    ("c", 12, "male", 20, "84"),       # men 16-24
    ("d", 10, "male", 70, "84"),       # men 65+: exactly 10
    ("e", 9, "other", 20, "84"),       # gender other: 9
    ("u", 1, "", 20, "84"),            # gender unknown: 1
]
PEOPLE = [{"participant_id": f"{prefix}{i}", "gender": gender, "age": age,
           "region_code": region}
          for prefix, size, gender, age, region in GROUPS for i in range(size)]
# p1: everyone votes. a: 10 agree; b: 9 disagree; c: 9 agree, 3 disagree; d: 1 agree,
# 9 disagree; e: 5 agree, 4 disagree; u: agree.
AGREE_P1 = {"a": 10, "b": 0, "c": 9, "d": 1, "e": 5, "u": 1}


def p1_votes():
    votes = []
    for prefix, size, *_ in GROUPS:
        for i in range(size):
            vote = "agree" if i < AGREE_P1[prefix] else "disagree"
            votes.append({"proposal_id": "p1", "participant_id": f"{prefix}{i}", "vote": vote,
                          "qualification": "likeIt" if vote == "agree" and i < 2 else ""})
    return votes


def votes_by(proposal, prefixes, vote="agree"):
    return [{"proposal_id": proposal, "participant_id": f"{prefix}{i}", "vote": vote,
             "qualification": ""}
            for prefix, size, *_ in GROUPS if prefix in prefixes for i in range(size)]


PROPOSALS = [{"proposal_id": "p1", "content": "Il faut un", "idea_id": "i1"},
             {"proposal_id": "p2", "content": "Il faut deux", "idea_id": "i2"},
             {"proposal_id": "p3", "content": "Il faut trois", "idea_id": "i1"}]
IDEAS = [{"idea_id": "i1", "name": "Idée un", "axis": ""},
         {"idea_id": "i2", "name": "Idée deux", "axis": ""}]
# p2: women 16-24, men 16-24 and "other" (10, 12, 9: no unknown to mask the 9)
# p3: the women 16-24 again (idea i1 pools p1 and p3)
VOTES = p1_votes() + votes_by("p2", "ace") + votes_by("p3", "a")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = write_bundle(tmp_path_factory.mktemp("segments") / "threshold",
                          proposals=PROPOSALS, votes=VOTES, ideas=IDEAS, participants=PEOPLE)
    return open_source(folder)


def cells(source, dimension, item=("proposal", "p1"), segment=segments.EVERYONE,
          weighted=False):
    frame = source.sql(segments.cells_sql(dimension, item=item, segment=segment,
                                          weighted=weighted))
    table = segments.cell_table(frame, dimension, weighted=weighted)
    return table.set_index(table["value"].fillna("?"))


# -- counts, shares, intervals, tests ---------------------------------------------------------

def test_counts_by_gender(source):
    table = cells(source, "gender")
    assert list(table.index) == ["female", "male", "other", "?"]      # known order, unknown last
    assert table.at["female", "participants"] == 19 and table.at["female", "count_agree"] == 10
    assert table.at["male", "participants"] == 22 and table.at["male", "count_agree"] == 10
    assert table.at["female", "count_likeIt"] == 2 and table.at["male", "votes"] == 22
    assert table.at["female", "agree"] == pytest.approx(100 * 10 / 19)
    lower, upper = stats.wilson_interval(10, 19)
    assert table.at["female", "agree_lower"] == pytest.approx(100 * float(lower))
    assert table.at["male", "disagree"] == pytest.approx(100 * 12 / 22)


def test_wilson_bounds_in_the_table(source):
    # 10 of the 10 women 16-24 agree: the all-of-ten interval [0.7225, 1].
    table = cells(source, "age_band", segment=Segment(gender="male"))
    young = cells(source, "age_band", item=("proposal", "p3"))
    assert young.at["16-24", "agree"] == 100.0
    assert young.at["16-24", "agree_lower"] == pytest.approx(72.25, abs=0.01)
    assert young.at["16-24", "agree_upper"] == pytest.approx(100.0)
    # men: 16-24 9 of 12, 65+ 1 of 10 (exactly 10: shown)
    assert table.at["65+", "suppressed"] == "" and table.at["65+", "agree"] == 10.0


def test_pairwise_test_by_hand(source):
    # women 10/19 vs men 10/22: pooled 20/41 = 0.48780,
    # se = sqrt(0.48780 × 0.51220 × (1/19 + 1/22)) = 0.156547, z = 0.071770 / 0.156547 = 0.4585
    pairs = segments.pairwise(cells(source, "gender").reset_index(drop=True), "agree")
    assert len(pairs) == 1                     # "other" is suppressed: one pair
    pair = pairs.iloc[0]
    assert (pair["value_a"], pair["value_b"]) == ("female", "male")
    assert pair["difference"] == pytest.approx(100 * (10 / 19 - 10 / 22))
    assert pair["z"] == pytest.approx(0.4585, abs=1e-4)
    assert pair["p_value"] == pytest.approx(0.6466, abs=1e-4)
    assert pair["p_holm"] == pytest.approx(pair["p_value"]) and not pair["significant"]


def test_pairwise_holm_family_is_the_dimension(source):
    # Men by age: 9/12 vs 1/10: z by hand = (0.75 − 0.1) / sqrt(0.45455 × 0.54545 × (1/12 +
    # 1/10)) = 0.65 / 0.213201 = 3.0488; a family of one pair: Holm = raw p = 0.0023.
    pairs = segments.pairwise(cells(source, "age_band", segment=Segment(gender="male"))
                              .reset_index(drop=True), "agree")
    assert len(pairs) == 1
    assert pairs.at[0, "z"] == pytest.approx(3.0488, abs=1e-4)
    assert pairs.at[0, "p_holm"] == pytest.approx(0.0023, abs=1e-4)
    assert bool(pairs.at[0, "significant"])


def test_idea_counts_participants_once(source):
    # Idea i1 pools p1 and p3: in Île-de-France, the 10 women 16-24 voted on both and the
    # 9 women 65+ on p1: 29 votes from 19 people.
    table = cells(source, "region", item=("idea", "i1"))
    assert table.at["11", "participants"] == 19 and table.at["11", "votes"] == 29
    assert table.at["11", "agree"] == pytest.approx(100 * 20 / 29)


# -- privacy ----------------------------------------------------------------------------------

def test_nine_is_suppressed_ten_is_shown(source):
    table = cells(source, "gender")
    assert table.at["other", "suppressed"] == "small"          # 9 participants
    assert pd.isna(table.at["other", "participants"]) and np.isnan(table.at["other", "agree"])
    assert table.at["female", "suppressed"] == "" and table.at["male", "suppressed"] == ""
    men = cells(source, "age_band", segment=Segment(gender="male"))
    assert men.at["65+", "participants"] == 10 and men.at["65+", "suppressed"] == ""


def test_a_cell_small_only_after_combining_filters(source):
    # Women (19) and the 65+ (19) are both shown on their own ...
    assert cells(source, "gender").at["female", "suppressed"] == ""
    assert cells(source, "age_band").at["65+", "suppressed"] == ""
    # ... but women 65+ are 9: suppressed. The women 16-24 (10) are hidden as well, since
    # "women minus women 16-24" would give the 9 back.
    women = cells(source, "age_band", segment=Segment(gender="female"))
    assert women.at["65+", "suppressed"] == "small"
    assert women.at["16-24", "suppressed"] == "hidden"
    assert segments.figures(women).empty
    assert pd.isna(women.at["16-24", "participants"]) and np.isnan(women.at["16-24", "agree"])


def test_secondary_suppression_only_when_the_rest_is_small(source):
    # p1 by gender: "other" 9 + unknown 1 = 10 left over: nothing more to hide.
    assert (cells(source, "gender")["suppressed"] == "hidden").sum() == 0
    # p2 by gender: women 10, men 12, other 9, no unknown: the rest is the 9, so the smallest
    # shown cell (women, 10) is hidden too.
    p2 = cells(source, "gender", item=("proposal", "p2"))
    assert p2.at["other", "suppressed"] == "small" and p2.at["female", "suppressed"] == "hidden"
    assert p2.at["male", "suppressed"] == ""
    assert segments.pairwise(p2.reset_index(drop=True), "agree").empty


def test_suppression_rule_by_hand():
    status = segments.suppression(["x"] * 4, [25, 12, 3, 4], [True, True, True, False])
    assert status.tolist() == ["", "hidden", "small", ""]      # rest 3 + 4 = 7: hide the 12
    status = segments.suppression(["x"] * 3, [25, 12, 3], [True, True, False])
    assert status.tolist() == ["", "hidden", ""]                # unknown 3 alone is exposed
    status = segments.suppression(["x", "x", "y", "y"], [25, 9, 30, 12], [True] * 4)
    assert status.tolist() == ["hidden", "small", "", ""]      # per item
    status = segments.suppression(["x"] * 3, [25, 12, 10], [True, True, False])
    assert status.tolist() == ["", "", ""]


def test_exports_leave_suppressed_cells_out(source):
    women = cells(source, "age_band", segment=Segment(gender="female")).reset_index(drop=True)
    assert segments.export_table(women).empty
    data = charts.cells_data(women, "age_band", "fr")
    assert data.empty
    table = cells(source, "gender").reset_index(drop=True)
    data = charts.cells_data(table, "gender", "en")
    assert data["Group"].tolist() == ["Women", "Men"]             # not "Other" (9), not unknown
    assert 9 not in data["Participants"].tolist()
    export = segments.export_table(table)
    assert export["value"].tolist() == ["female", "male"]
    assert {"known", "suppressed"}.isdisjoint(export.columns)
    fig, data = charts.comparison_chart(table, "gender", "agree", "fr")
    other = [t for t in fig.data if t.mode == "text"][0]
    assert list(other.text) == ["< 10"] and list(other.y) == ["Autre"]
    drawn = [t for t in fig.data if t.mode == "markers"]
    assert sorted(y for t in drawn for y in t.y) == ["Femmes", "Hommes"]


def test_charts_in_german(source):
    table = cells(source, "gender").reset_index(drop=True)
    fig, data = charts.comparison_chart(table, "gender", "agree", "de", overall=62.5)
    assert fig.layout.title.text == "„Ich stimme zu“ nach Geschlecht"
    assert fig.layout.xaxis.title.text == "% der Stimmen (95-%-KI)"
    drawn = [t for t in fig.data if t.mode == "markers"]
    assert sorted(y for t in drawn for y in t.y) == ["Frauen", "Männer"]
    assert "<br>Teilnehmende: " in drawn[0].hovertext[0]
    assert "95-%-KI: " in drawn[0].hovertext[0] and "\u00a0%" in drawn[0].hovertext[0]
    assert fig.layout.shapes and "Gesamt: 63\u00a0%" in [a.text for a in fig.layout.annotations]
    assert list(data.columns[:4]) == ["Dimension", "Gruppe", "Teilnehmende", "Stimmen"]
    assert "Ich stimme zu: untere Grenze" in data.columns
    ranked, _family = segments.disagreement(source.sql, "proposal", segment=Segment())
    fig, data = charts.ranking_chart(ranked, {"p1": "Vorschlag eins"}, "agree", "de",
                                     level="proposal")
    assert fig.layout.title.text == ("Die größten signifikanten Abstände zwischen Gruppen: "
                                     "„Ich stimme zu“")
    assert {t.name for t in fig.data if t.mode == "markers+text"} == {
        "Gruppe mit dem höchsten Anteil", "Gruppe mit dem niedrigsten Anteil"}
    assert "Abstand (Prozentpunkte)" in data.columns


def test_weighted_cells_keep_raw_privacy(source):
    source.weighting()
    women = cells(source, "age_band", segment=Segment(gender="female"), weighted=True)
    # The 9 women 65+ weigh far more than 9 (the 65+ are under-represented) and stay hidden.
    weights = source.sql("SELECT sum(weight) AS w FROM weights WHERE participant_id LIKE 'b%'")
    assert float(weights["w"].iloc[0]) > 10
    assert women.at["65+", "suppressed"] == "small" and women.at["16-24", "suppressed"] == "hidden"
    men = cells(source, "age_band", segment=Segment(gender="male"), weighted=True)
    assert men.at["65+", "participants"] == 10 and men.at["65+", "suppressed"] == ""


def test_weighted_shares_and_effective_n(source):
    source.weighting()
    table = cells(source, "gender", weighted=True)
    w = source.sql("SELECT participant_id, weight FROM weights")
    w = dict(zip(w["participant_id"], w["weight"], strict=True))
    men = [f"c{i}" for i in range(12)] + [f"d{i}" for i in range(10)]
    agreeing = [f"c{i}" for i in range(9)] + ["d0"]
    total = sum(w[m] for m in men)
    assert table.at["male", "agree"] == pytest.approx(100 * sum(w[m] for m in agreeing) / total)
    assert table.at["male", "effective_n"] == pytest.approx(
        total ** 2 / sum(w[m] ** 2 for m in men))
    assert table.at["male", "participants"] == 22                # raw


def test_engine_segment_threshold(source):
    # The sidebar segment alone: women 65+ are 9 (suppressed), men 65+ are 10 (shown).
    assert source.results(Options(segment=Segment(gender="female", age_band="65+"))).get(
        "suppressed") is True
    men = source.results(Options(segment=Segment(gender="male", age_band="65+"), min_votes=1))
    assert not men.get("suppressed") and men["key_figures"]["participants"] == 10
    weighted = source.results(Options(segment=Segment(gender="female", age_band="65+"),
                                      weighted=True))
    assert weighted.get("suppressed") is True


def test_engine_unknown_values_under_ten_are_suppressed(source):
    # One voter has no gender: "not given: 1 participant" would be a figure on one person.
    unknown = source.results(Options())["participation_unknown"]
    assert unknown["gender"] == {"participants": None, "votes": None}
    assert unknown["region"] == {"participants": 0, "votes": 0}


def test_engine_idea_threshold_counts_people_not_votes(tmp_path):
    # 5 people voting on 2 proposals of an idea: 10 votes, 5 participants: hidden.
    people = [{"participant_id": f"v{i}", "gender": "female"} for i in range(12)]
    votes = ([{"proposal_id": p, "participant_id": f"v{i}", "vote": "agree",
               "qualification": ""} for p in ("p1", "p3") for i in range(5)]
             + [{"proposal_id": "p2", "participant_id": f"v{i}", "vote": "agree",
                 "qualification": ""} for i in range(12)])
    folder = write_bundle(tmp_path / "b", proposals=PROPOSALS, votes=votes, ideas=IDEAS,
                          participants=people)
    results = open_source(folder).results(Options(segment=Segment(gender="female")))
    ideas = {i["idea_id"]: i for axis in results["top_ideas"] for i in axis["ideas"]}
    assert ideas["i1"].get("suppressed") is True and ideas["i1"]["votes"] == 10
    assert ideas["i2"].get("suppressed") is None and ideas["i2"]["agreement"] == 100.0


def test_ranking_respects_privacy(source):
    ranked, family = segments.disagreement(source.sql, "proposal", segment=Segment())
    # p1: gender (1 pair, "other" suppressed), age (1), region (1); p2: gender none (one cell
    # shown), age none (one value), region: 11 (10) vs 84 (21) = 1; p3: a single cell each.
    assert family == 4
    assert set(ranked["item_id"]) <= {"p1", "p2"}
    assert "other" not in set(ranked["value_a"]) | set(ranked["value_b"])
    women, family = segments.disagreement(source.sql, "proposal",
                                          segment=Segment(gender="female"))
    assert family == 0 and women.empty          # women 16-24 / 65+: hidden and small


# -- the demo ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from analytics.demo import generate

    return open_source(generate(tmp_path_factory.mktemp("demo") / "solutions-jeunes"))


def proposal_id(demo, words):
    found = demo.sql(f"SELECT p.proposal_id FROM proposals p JOIN votes v USING (proposal_id) "
                     f"WHERE p.content LIKE '%{words}%' GROUP BY p.proposal_id "
                     f"ORDER BY count(*) DESC LIMIT 1")
    return found["proposal_id"].iloc[0]


@pytest.mark.parametrize("words, higher, lower", [
    ("salaire universel", "16-24", "65+"),         # younger participants agree more
    ("service militaire", "65+", "16-24"),         # older participants agree more
])
def test_demo_planted_age_effects(demo, words, higher, lower):
    table = segments.compare(demo.sql, "proposal", proposal_id(demo, words))["age_band"]
    pairs = table.pairs("agree")
    pair = pairs[(pairs["value_a"] == higher) & (pairs["value_b"] == lower)]
    assert len(pair) == 1 and bool(pair["significant"].iloc[0])
    assert pair["difference"].iloc[0] > 20


def test_demo_ranking_surfaces_the_planted_ideas(demo):
    ranked, family = segments.disagreement(demo.sql, "idea")
    assert family > 1000
    top = ranked.head(3)
    assert "acces-etudes" in set(top["item_id"])                  # the strongest age effect
    assert set(top["dimension"]) == {"age_band"}
    assert (ranked["difference"].diff().dropna() <= 0).all()      # largest gap first
    assert (ranked["p_holm"] <= stats.ALPHA).all()
    proposals, _ = segments.disagreement(demo.sql, "proposal", min_votes=100)
    assert {proposal_id(demo, "salaire universel"),
            proposal_id(demo, "service militaire")} <= set(proposals.head(5)["item_id"])
