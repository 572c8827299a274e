"""The proposal explorer's charts (analytics.present.charts.explorer): bins and cells
counted by hand, the tables' columns, titles in German."""

import numpy as np
import pandas as pd
import pytest

from analytics.present.charts import explorer as charts


def indicators(rows):
    """A frame like opendata.indicators' from (adhesion, engagement, votes) triples."""
    adhesion, engagement, votes = zip(*rows, strict=True)
    return pd.DataFrame({
        "id": [f"p{i}" for i in range(len(rows))],
        "content": [f"Proposal {i}" for i in range(len(rows))],
        "author": [None] * len(rows), "author_age": pd.array([None] * len(rows), dtype="Int64"),
        "votes": pd.array(votes, dtype="Int64"),
        "adhesion": pd.Series(adhesion, dtype="float64"),
        "engagement": pd.Series(engagement, dtype="float64"),
        "score": pd.Series([None] * len(rows), dtype="float64")})


def test_votes_bins_by_hand():
    # Sorted votes 3 7 12 18 25 40 41 200: the 99th percentile is 41 + 0.93 × (200 − 41)
    # = 188.87; 185.87 votes from the fewest over 30 bars is 6.2 a bar -> a step of 10;
    # the cap rounded up to 190: 200 is in the open bar "190 and more".
    votes = pd.Series([3, 7, 12, 18, 25, 40, 41, 200], dtype="Int64")
    bins = charts.votes_bins(votes)
    assert bins["start"].tolist() == [10.0 * k for k in range(20)]
    assert bins["end"].iloc[:-1].tolist() == [10.0 * k for k in range(1, 20)]
    assert np.isnan(bins["end"].iloc[-1])
    counts = dict(zip(bins["start"], bins["count"], strict=True))
    assert {start: n for start, n in counts.items() if n} == {0: 2, 10: 2, 20: 1, 40: 2,
                                                              190: 1}
    fig, data = charts.votes_histogram(bins, "en")
    assert data.columns.tolist() == ["Votes received", "Proposals"]
    assert data["Votes received"].iloc[[0, -1]].tolist() == ["0 to 10", "190 and more"]
    assert data["Proposals"].sum() == 8
    # The open bar is drawn one step wide, centred like the others.
    assert list(fig.data[0].x[-2:]) == [185.0, 195.0]
    assert list(fig.data[0].width[-2:]) == [10.0, 10.0]


def test_votes_bins_without_an_open_bar():
    # 0 10 20 30 43: percentile 30 + 0.96 × 13 = 42.48, 1.4 a bar -> step 2, cap 44 > 43:
    # no open bar, 22 bars of 2 from 0 to 44.
    bins = charts.votes_bins(pd.Series([0, 10, 20, 30, 43], dtype="Int64"))
    assert bins["start"].tolist() == [2.0 * k for k in range(22)]
    assert bins["end"].tolist() == [2.0 * k for k in range(1, 23)]
    assert [int(s) for s, n in zip(bins["start"], bins["count"], strict=True) if n] == \
        [0, 10, 20, 30, 42]


def test_share_and_age_bins_by_hand():
    bins = charts.adhesion_bins(pd.Series([0, 4.9, 5, 99, 100, None], dtype="float64"))
    assert len(bins) == 20 and bins["end"].iloc[-1] == 100
    assert bins["count"].iloc[[0, 1, 19]].tolist() == [2, 1, 2]      # 100 % in the last bar
    assert bins["count"].sum() == 5
    assert charts.adhesion_bins(pd.Series([None], dtype="float64")).empty
    bins = charts.engagement_bins(pd.Series([-12, -10, 3, 37], dtype="float64"))
    assert bins["start"].tolist() == [-15.0, -10.0, -5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 25.0,
                                      30.0, 35.0]
    assert bins["count"].tolist() == [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    # Ages 30, 34, 61 (one not given): bars of 5 years from 30 to 65.
    bins = charts.age_bins(pd.Series([30, 61, None, 34], dtype="Int64"))
    assert bins["start"].tolist() == [30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0]
    assert bins["count"].tolist() == [2, 0, 0, 0, 0, 0, 1]


FIVE = indicators([(81, 38, 100),          # cell adhesion 80-82, engagement 35-40
                   (81.5, 39, 95),         # the same cell
                   (100, -12, 200),        # 100 % in the last column; engagement -15 to -10
                   (50, 50, 10),           # under 90 votes: not counted, but its engagement
                                           # sets the top row
                   (None, 7, 300)])        # no adhesion: left out


def test_map_cells_of_five_points_by_hand():
    counts, x_edges, y_edges = charts.map_cells(FIVE, 90)
    assert x_edges.tolist() == [2.0 * k for k in range(51)]
    # Engagement from floor(-12 / 5) × 5 = -15 to ceil(50 / 5) × 5 + 5 = 55.
    assert y_edges.tolist() == [-15.0 + 5 * k for k in range(15)]
    assert counts.shape == (50, 14)
    assert counts[40, 10] == 2 and counts[49, 0] == 1 and counts.sum() == 3
    counts, _, _ = charts.map_cells(FIVE, 0)
    assert counts[25, 13] == 1 and counts.sum() == 4


def test_adhesion_engagement_map_of_five_points():
    fig, cells = charts.adhesion_engagement_map(FIVE, "en", 90, 80, 37)
    assert cells.to_dict("records") == [
        {"Adhesion (%)": "80 to 82", "Engagement (%)": "35 to 40", "Proposals": 2},
        {"Adhesion (%)": "98 to 100", "Engagement (%)": "-15 to -10", "Proposals": 1}]
    heatmap = fig.data[0]
    z = np.array(heatmap.z, dtype=float)
    assert z[10, 40] == 2 and z[0, 49] == 1 and np.isnan(z).sum() == 50 * 14 - 2
    assert heatmap.x[40] == 81 and heatmap.y[10] == 37.5
    zone = fig.layout.shapes[0]
    assert (zone.x0, zone.x1, zone.y0, zone.y1) == (80, 100, 37, 55.0)
    assert fig.layout.title.text == ("Adhesion and engagement of proposals with at least 90 "
                                     "votes (plébiscites outlined)")


def test_votes_adhesion_map_without_engagement():
    frame = indicators([(100, None, 95), (0, None, 95), (85, None, 40), (None, None, 0)])
    fig, data = charts.votes_adhesion_map(frame, "en", 90, 80)
    other, chosen = fig.data
    assert (other.name, list(other.x), list(other.y)) == ("Other", [0.0, 85.0], [95.0, 40.0])
    assert (chosen.name, list(chosen.x), list(chosen.y)) == ("Plébiscite", [100.0], [95.0])
    assert fig.layout.shapes[0].y1 == pytest.approx(95 * 1.05 + 1)
    # The data: the three proposals drawn; no author, age, engagement nor score column.
    assert data.columns.tolist() == ["Proposal", "Votes", "Adhesion"]
    assert data["Proposal"].tolist() == ["Proposal 0", "Proposal 1", "Proposal 2"]


def test_proposal_table_columns():
    frame = indicators([(90, 40, 100), (20, None, 10)])
    frame["author"] = ["Ana", None]
    frame["score"] = [1.2, None]
    table = charts.proposal_table(frame.iloc[[1]], frame, "fr", with_rank=True)
    # Author and engagement from the whole frame; adhesion and score from the rows shown.
    assert table.columns.tolist() == ["Rang", "Proposition", "Auteur", "Votes", "Adhésion",
                                      "Engagement"]
    assert table["Rang"].tolist() == [1]


def test_titles_and_numbers_in_german():
    bins = charts.adhesion_bins(pd.Series([12.5, 80, 95], dtype="float64"))
    fig, data = charts.adhesion_histogram(bins, "de")
    assert fig.layout.title.text == "Zustimmung: Anteil der „Ich stimme zu“-Stimmen (%)"
    assert data.columns.tolist() == ["Zustimmung (%)", "Vorschläge"]
    assert data["Zustimmung (%)"].iloc[2] == "10 bis 15"
    fig, _ = charts.adhesion_histogram(bins, "de", exported=True)
    assert fig.layout.title.text == "Zustimmung: Anteil der „Dafür“-Stimmen (%)"
    fig, data = charts.votes_histogram(charts.votes_bins(pd.Series([1000, 2500, 9000])), "de")
    assert fig.layout.title.text == "Anzahl der Stimmen je Vorschlag"
    assert fig.layout.separators == ",."
    assert data["Erhaltene Stimmen"].iloc[-1] == "9.000 und mehr"
    fig, _ = charts.age_histogram(charts.age_bins(pd.Series([30, 61])), "de")
    assert fig.layout.title.text == "Alter der Autorinnen und Autoren der Vorschläge"
    fig, cells = charts.adhesion_engagement_map(FIVE, "de", 1000, 80, 37)
    assert fig.layout.title.text == ("Zustimmung und Engagement der Vorschläge mit mindestens "
                                     "1.000 Stimmen (Spitzenvorschläge umrandet)")
    assert "Zustimmung %{x:.0f}\u00a0%" in fig.data[0].hovertemplate
    assert cells.empty
