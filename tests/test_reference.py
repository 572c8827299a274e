"""Reference data on France (data/reference) and its access module analytics.inputs.reference."""

import importlib.util
import json
import math

import pytest

from analytics.inputs import reference
from analytics.vocabulary import AGE_BANDS

REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
DEPARTEMENTS = (
    {f"{n:02d}" for n in range(1, 96) if n != 20}
    | {"2A", "2B"}
    | {"971", "972", "973", "974", "976"}
)
# INSEE populations légales 2017 (population municipale, in force on 1 January 2020), France
# including Mayotte (census 2017: 256,518): 66.78 million.
FRANCE_POPULATION_2017 = 66_780_000
PARIS_POPULATION_2017 = 2_187_526

BOUNDARY_LIMITS_KB = {"region": 400, "departement": 1200}
CSV_OF_LEVEL = {"region": reference.regions, "departement": reference.departements}


# --- régions and départements --------------------------------------------------------------


def test_the_18_regions_with_their_insee_codes_and_names():
    table = reference.regions()
    assert dict(zip(table.code, table.name, strict=True)) == REGIONS
    assert list(table.columns) == ["code", "name", "population", "population_share"]


def test_the_101_departements_each_in_a_region():
    table = reference.departements()
    assert len(table) == 101
    assert set(table.code) == DEPARTEMENTS
    assert set(table.region_code) <= set(REGIONS)
    names = dict(zip(table.code, table.name, strict=True))
    assert names["35"] == "Ille-et-Vilaine"
    assert names["29"] == "Finistère"
    assert names["2A"] == "Corse-du-Sud"
    assert names["974"] == "La Réunion"
    per_region = table.region_code.value_counts()
    assert per_region["11"] == 8
    assert per_region["94"] == 2
    assert per_region["84"] == 12
    assert all(per_region[code] == 1 for code in ("01", "02", "03", "04", "06"))


def test_populations_add_up_to_france_2017():
    regions, departements = reference.regions(), reference.departements()
    total = regions.population.sum()
    assert total == pytest.approx(FRANCE_POPULATION_2017, rel=0.01)
    assert departements.population.sum() == total
    by_region = departements.groupby("region_code").population.sum()
    assert by_region.to_dict() == dict(zip(regions.code, regions.population, strict=True))
    assert (departements.population > 0).all()
    paris = departements.set_index("code").population["75"]
    assert paris == PARIS_POPULATION_2017


def test_region_shares_of_the_population():
    shares = reference.population_shares("region")
    assert set(shares) == set(REGIONS)
    assert sum(shares.values()) == pytest.approx(100)
    assert 17.5 <= shares["11"] <= 19  # Île-de-France
    assert 11 <= shares["84"] <= 13  # Auvergne-Rhône-Alpes
    assert 0.3 <= shares["94"] <= 0.7  # Corse
    table = reference.regions()
    expected = 100 * table.population / table.population.sum()
    assert (table.population_share - expected).abs().max() < 0.01


# --- general population shares -------------------------------------------------------------


def test_gender_shares():
    shares = reference.population_shares("gender")
    assert set(shares) == {"female", "male"}
    assert sum(shares.values()) == pytest.approx(100)
    assert 51 <= shares["female"] <= 53


def test_age_band_shares_use_the_vocabulary_bands():
    shares = reference.population_shares("age_band")
    assert list(shares) == [label for label, _, _ in AGE_BANDS]
    assert sum(shares.values()) == pytest.approx(100)
    assert 20 <= shares["65+"] <= 24
    assert 9 <= shares["8-15"] <= 12
    assert all(8 <= share <= 16 for label, share in shares.items() if label != "65+")


def test_shares_for_given_labels_are_renormalised():
    shares = reference.population_shares("gender", ["female", "male", "other"])
    assert set(shares) == {"female", "male"}
    assert sum(shares.values()) == pytest.approx(100)
    young = reference.population_shares("age_band", ["08-15", "16-24", "unknown"])
    assert set(young) == {"08-15", "16-24"}
    assert sum(young.values()) == pytest.approx(100)
    everyone = reference.population_shares("age_band")
    ratio = everyone["8-15"] / (everyone["8-15"] + everyone["16-24"])
    assert young["08-15"] == pytest.approx(100 * ratio)


def test_region_shares_for_published_labels():
    shares = reference.population_shares("region", ["Île-de-France", "Bretagne", "Outre-mer"])
    assert set(shares) == {"Île-de-France", "Bretagne"}
    assert sum(shares.values()) == pytest.approx(100)
    # A région named twice (code and overseas département code) is counted once.
    assert set(reference.population_shares("region", ["01", "971", "11"])) == {"01", "11"}


def test_unknown_country_or_dimension():
    assert reference.population_shares("gender", country="DE") == {}
    assert reference.population_shares("age_band", ["8-15"], country="XX") == {}
    assert reference.population_shares("gender", country="fr")
    with pytest.raises(ValueError, match="dimension"):
        reference.population_shares("city")


def test_shares_are_close_to_makeorg_population_bars(shared_data):
    # Make.org publishes "population générale" bars next to its votes (whole percents).
    path = shared_data / "makeorg-results" / "commerce-demain.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    charts = json.loads(path.read_text(encoding="utf-8"))["participation"]
    bars = {
        row["label"]: row["bars"]["second"]
        for chart in charts
        if chart.get("type") == "histogram"
        for row in chart["data"]
    }
    ages = reference.population_shares("age_band", [label for label in bars if label[0].isdigit()])
    assert len(ages) == 7
    regions = reference.population_shares("region", list(bars))
    assert len(regions) == 13
    for label, share in {**ages, **regions}.items():
        assert share == pytest.approx(bars[label], abs=2), label


# --- codes and names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11", "11"),
        (11, "11"),
        (11.0, "11"),
        ("1", "01"),
        (1, "01"),
        ("01", "01"),
        (" 84 ", "84"),
        ("971", "01"),
        ("972", "02"),
        ("973", "03"),
        ("974", "04"),
        (976, "06"),
        (None, None),
        ("", None),
        (float("nan"), None),
        ("Bayern", "Bayern"),
        ("Outre-mer", "Outre-mer"),
        (5, "5"),
    ],
)
def test_normalize_region_code(value, expected):
    assert reference.normalize_region_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "01"), (1, "01"), ("2a", "2A"), ("2B", "2B"), (971, "971"), ("35", "35"),
     (None, None), ("", None), ("20", "20"), ("Bayern", "Bayern")],
)  # fmt: skip
def test_normalize_departement_code(value, expected):
    assert reference.normalize_departement_code(value) == expected


def test_region_names_and_membership():
    assert reference.region_name("11") == "Île-de-France"
    assert reference.region_name(1) == "Guadeloupe"
    assert reference.region_name("974") == "La Réunion"
    assert reference.region_name("Bayern") is None
    assert reference.region_name(None) is None
    assert reference.is_french_region("93")
    assert reference.is_french_region("976")
    assert not reference.is_french_region("Bayern")
    assert not reference.is_french_region(None)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Île-de-France", "11"),
        ("ile de france", "11"),
        ("ILE-DE-FRANCE", "11"),
        ("Provence-Alpes-Côte d'Azur", "93"),
        ("Provence Alpes Cote d Azur", "93"),
        ("PACA", "93"),
        ("La Réunion", "04"),
        ("Réunion", "04"),
        ("Auvergne-Rhône-Alpes", "84"),
        ("Bourgogne Franche-Comté", "27"),
        ("Centre-Val de Loire", "24"),
        ("Grand-Est", "44"),
        ("Corse", "94"),
        ("Outre-mer", None),
        ("Bayern", None),
        ("", None),
        (None, None),
    ],
)
def test_region_code_from_name(label, expected):
    assert reference.region_code_from_name(label) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Ille-et-Vilaine", "35"),
        ("Finistère", "29"),
        ("finistere", "29"),
        ("Côtes-d'Armor", "22"),
        ("Corse-du-Sud", "2A"),
        ("Haute Corse", "2B"),
        ("Réunion", "974"),
        ("Paris", "75"),
        ("Bayern", None),
        (None, None),
    ],
)
def test_departement_code_from_name(label, expected):
    assert reference.departement_code_from_name(label) == expected


def test_sources_are_attributed():
    assert set(reference.SOURCES) == {"boundaries", "population", "population_shares"}
    assert "ADMIN-EXPRESS" in reference.SOURCES["boundaries"]
    assert all("INSEE" in reference.SOURCES[key] for key in ("population", "population_shares"))


# --- boundaries ----------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["region", "departement"])
def test_one_feature_per_code(level):
    collection = reference.boundaries(level)
    assert collection["type"] == "FeatureCollection"
    table = CSV_OF_LEVEL[level]()
    ids = [feature["id"] for feature in collection["features"]]
    assert sorted(ids) == sorted(table.code)
    names = dict(zip(table.code, table.name, strict=True))
    for feature in collection["features"]:
        assert feature["properties"]["code"] == feature["id"]
        assert feature["properties"]["name"] == names[feature["id"]]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    if level == "departement":
        regions_of = dict(zip(table.code, table.region_code, strict=True))
        assert all(
            feature["properties"]["region_code"] == regions_of[feature["id"]]
            for feature in collection["features"]
        )


def _points(geometry):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [point for polygon in polygons for ring in polygon for point in ring]


@pytest.mark.parametrize("level", ["region", "departement"])
def test_overseas_insets_fit_one_view_of_france(level):
    for feature in reference.boundaries(level)["features"]:
        for lon, lat in _points(feature["geometry"]):
            assert -8.5 <= lon <= 10 and 41 <= lat <= 51.5, feature["id"]


@pytest.mark.parametrize("level", ["region", "departement"])
def test_boundary_files_are_light(level):
    path = reference.DATA_DIR / reference.BOUNDARY_FILES[level]
    assert path.stat().st_size <= BOUNDARY_LIMITS_KB[level] * 1024
    sample = _points(reference.boundaries(level)["features"][0]["geometry"])
    assert all(round(value, 4) == value for point in sample for value in point)


@pytest.mark.parametrize("level", ["region", "departement"])
def test_valid_polygons_without_overlaps_or_slivers(level):
    shapely = pytest.importorskip(
        "shapely", reason="shapely (the optional 'build' extra) checks polygon validity"
    )
    from shapely.geometry import shape

    geometries = [shape(f["geometry"]) for f in reference.boundaries(level)["features"]]
    assert all(geometry.is_valid and not geometry.is_empty for geometry in geometries)
    # Shared borders are identical: no overlaps, no gaps along them.
    assert shapely.coverage_is_valid(geometries)
    # The only hole in France is Llívia, the Spanish exclave (about 13 km²).
    union = shapely.union_all(geometries)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    assert len(holes) == 1
    assert holes[0].contains(shapely.Point(1.98, 42.46))


# --- the build script ----------------------------------------------------------------------


def _build_script():
    pytest.importorskip("shapely", reason="the build script needs the optional 'build' extra")
    path = reference.DATA_DIR / "build_reference.py"
    spec = importlib.util.spec_from_file_location("build_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percent_shares_add_up_to_exactly_100():
    build = _build_script()
    shares = build.percent_shares({"a": 1, "b": 1, "c": 1})
    assert sorted(shares.values()) == [33.33, 33.33, 33.34]
    assert math.isclose(sum(shares.values()), 100)


def test_population_shares_file_matches_the_insee_table():
    build = _build_script()
    assert sum(build.MALES_2024) + sum(build.FEMALES_2024) == 68_373_433
    expected = build.age_sex_shares()
    for row in expected.itertuples():
        assert reference.population_shares(row.dimension)[row.label] == row.share


@pytest.mark.parametrize("level", ["region", "departement"])
def test_france_and_its_insets_fit_a_phone_s_map(level):
    """At a phone's scale (MAP_ZOOM_PHONE, Web Mercator, 512 px tiles) the whole of France,
    overseas insets included, fits a map 350 px wide and as high as its plot (the map's
    height less its 80 px margins above and below); at a column's scale it does not."""
    import math

    from analytics.present.charts import participation as charts

    points = [p for f in reference.boundaries(level)["features"] for p in _points(f["geometry"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]

    def mercator(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    def pixels(zoom):
        scale = 512 * 2 ** zoom
        return (scale * (max(lons) - min(lons)) / 360,
                scale * (mercator(max(lats)) - mercator(min(lats))) / (2 * math.pi))

    width, height = pixels(charts.MAP_ZOOM_PHONE)
    assert width <= 350 and height <= charts.MAP_HEIGHT_PHONE - 160
    assert pixels(charts.MAP_ZOOM)[0] > 350
    view = charts.view_of(reference.boundaries(level), [], phone=True)
    assert view == {"center": charts.MAP_CENTER, "zoom": charts.MAP_ZOOM_PHONE}
