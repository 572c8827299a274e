"""The "Participation" page on maps other than France's régions: the shipped Musterstadt
example (its own district boundaries and populations) and a French city consultation by
commune, figures per 10,000 inhabitants worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_bundle

from tests import apptest
from tests.apptest import charts_of, text_of, title_of
from tests.apptest import values as array

PAGE = "pages/participation.py"
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "musterstadt"
CITY = "ptest-mulhouse"
# Mulhouse 68224 (109,443 inhabitants), Illzach 68154 (14,691): INSEE 2017, data/reference.
HOMES = ["68224"] * 30 + ["68154"] * 12 + ["68224"] * 0 + ["68376"] * 4


def map_of(at) -> dict:
    return next(spec for spec in charts_of(at) if spec["data"][0]["type"] == "choroplethmap")


def values_by_code(spec: dict) -> dict[str, float]:
    trace = spec["data"][0]
    return dict(zip(array(trace["locations"]), array(trace["z"]), strict=True))


def district_population() -> dict[str, int]:
    import csv

    with (EXAMPLE / "populations.csv").open(encoding="utf-8") as handle:
        return {row["code"]: int(row["population"]) for row in csv.DictReader(handle)}


@pytest.fixture
def city(tmp_path, monkeypatch):
    participants = [{"participant_id": f"u{i}", "commune_code": code}
                    for i, code in enumerate(HOMES)]
    votes = [{"proposal_id": "p1", "participant_id": f"u{i}", "vote": "agree"}
             for i in range(len(HOMES))]
    write_bundle(tmp_path / CITY, proposals=[{"proposal_id": "p1", "content": "Il faut A"}],
                 votes=votes, participants=participants,
                 consultation={"slug": CITY, "title": CITY, "country": "FR"})
    monkeypatch.setenv("CONSULTATIONS_PATH", str(tmp_path))


def test_musterstadt_map_by_district_per_10000_inhabitants():
    at = apptest.open_page(PAGE, timeout=90, c="musterstadt", metric="per_10k")
    spec = map_of(at)
    assert title_of(spec) == "Participants pour 10 000 habitants, par quartier"
    # The districts' own outlines, sent with the chart (nothing fetched).
    assert len(spec["data"][0]["geojson"]["features"]) == 8
    assert spec["layout"]["map"]["style"] == "white-bg"
    results = __import__("analytics.consultations.open", fromlist=["open_source"]).open_source(
        EXAMPLE).results()
    counts = {row["label"]: row["participants"] for row in results["participation"]["commune"]}
    population = district_population()
    expected = {code: 1e4 * n / population[code] for code, n in counts.items() if n}
    assert values_by_code(spec) == pytest.approx(expected)
    # Hafen (6 participants) is grey, never a number.
    grey = next(t for t in spec["data"] if t.get("name") == "< 10 participants")
    assert list(grey["locations"]) == ["MS-08"]
    assert "boundaries.geojson, fournies avec la consultation" in text_of(at)
    colour_bar = spec["layout"]["coloraxis"]["colorbar"]["title"]["text"]
    assert colour_bar == "Participants pour 10 000 habitants"


def test_musterstadt_gender_and_age_per_inhabitant():
    at = apptest.open_page(PAGE, timeout=90, c="musterstadt", by="per_10k", lang="en")
    titles = [title_of(spec) for spec in charts_of(at)]
    assert "Participants per 10,000 inhabitants, by gender" in titles
    assert "Participants per 10,000 inhabitants, by age" in titles
    shares = apptest.open_page(PAGE, timeout=90, c="musterstadt", lang="en")
    gender = next(s for s in charts_of(shares)
                  if title_of(s).startswith("Participation by gender"))
    assert gender["data"][1]["name"] == "Population (populations.csv)"


def test_french_city_by_commune(city):
    at = apptest.open_page(PAGE, timeout=90, c=CITY, level="commune", metric="per_10k")
    spec = map_of(at)
    assert title_of(spec) == "Participants pour 10 000 habitants, par commune"
    assert values_by_code(spec) == pytest.approx({"68224": 1e4 * 30 / 109_443,
                                                  "68154": 1e4 * 12 / 14_691})
    grey = next(t for t in spec["data"] if t.get("name") == "< 10 participants")
    assert list(grey["locations"]) == ["68376"]
    # Every commune of the Haut-Rhin is drawn; those without participants light grey.
    assert sum(len(t.get("locations") or []) for t in spec["data"]) == 366


# -- published results by country of Europe or by German Land -------------------------------

COUNTRIES = {"Allemagne": (20, 19), "France": (31, 15), "Italie": (12, 13), "Pays-Bas": (5, 4),
             "Autres pays": (32, 49)}


@pytest.fixture
def by_country(tmp_path, monkeypatch):
    import json

    chart = {"type": "histogram", "unit": "percentage", "name": "Participation par pays",
             "legend": {"dimensions": {"first": "Participants", "second": "Population"}},
             "data": [{"label": label, "bars": {"first": first, "second": second}}
                      for label, (first, second) in COUNTRIES.items()]}
    results = {"context": "Une consultation européenne", "top_ideas": [], "controversials": [],
               "cartography": [], "participation": [chart]}
    (tmp_path / "europe-demain.json").write_text(json.dumps(results), encoding="utf-8")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(tmp_path))


def test_published_results_by_country_are_mapped_on_europe(by_country):
    at = apptest.open_page(PAGE, timeout=90, c="europe-demain", metric="ratio")
    spec = map_of(at)
    # Shares over population shares, as published: Allemagne 20/19, France 31/15...
    assert values_by_code(spec) == pytest.approx(
        {"DE": __import__("math").log2(20 / 19), "FR": __import__("math").log2(31 / 15),
         "IT": __import__("math").log2(12 / 13), "NL": __import__("math").log2(5 / 4)})
    page = text_of(at)
    assert "Natural Earth" in page
    assert "Pas sur la carte (dans le classement et les données) : Autres pays" in page


def test_country_and_land_names():
    from analytics.inputs import reference

    assert [reference.country_code_from_name(n) for n in
            ("Allemagne", "Deutschland", "Germany", "DEU", "Tchéquie", "République tchèque",
             "Ukraine", "Autres", "Bretagne")] == ["DE", "DE", "DE", "DE", "CZ", "CZ", "UA",
                                                   None, None]
    assert [reference.land_code_from_name(n) for n in
            ("Nordrhein-Westfalen", "Bavaria", "Thüringen", "DE-HB", "Île-de-France")] == \
        ["DE-NW", "DE-BY", "DE-TH", "DE-HB", None]
    ids = {f["id"] for f in reference.laender_boundaries()["features"]}
    assert len(ids) == 16 and "DE-NW" in ids
    europe = {f["id"] for f in reference.europe_boundaries()["features"]}
    assert {"DE", "FR", "MT", "LU", "UA", "CY"} <= europe and len(europe) == 43
