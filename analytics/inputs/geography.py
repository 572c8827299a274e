"""A bundle's own geography (SPEC section 2, "Own geography"): the outlines of the areas
participants live in, read from GeoJSON, a GeoPackage or a zipped shapefile with geopandas,
and their populations (``populations.csv``) for figures per inhabitant.

Everything is checked before anything is used: the coordinates are converted to WGS84
(longitude, latitude), invalid polygons are repaired (or reported when nothing polygonal
is left), every feature has a code and the codes are unique, and the outlines are
simplified until their GeoJSON fits the web budget (a map sends them to the browser).
Problems are `Issue`s naming the file, the feature, the property and the reason."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.inputs.errors import Issue, IssueCollector
from analytics.inputs.limits import too_big
from analytics.inputs.reference import normalise_commune_code
from analytics.results_model import Results

# boundaries.level -> the participants' column holding each participant's area code and the
# participation dimension of the results. A district (a city's neighbourhood) is the finest
# area a participant gives, in `commune_code` (README, "Participation maps of any territory").
LEVELS = {
    "region": ("region_code", "region"),
    "department": ("department_code", "department"),
    "commune": ("commune_code", "commune"),
    "district": ("commune_code", "commune"),
}
FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage",
           ".zip": "a zipped shapefile"}
POPULATIONS_FILE = "populations.csv"
POPULATION_COLUMNS = ("female", "male", "8-15", "16-24", "25-34", "35-44", "45-54",
                      "55-64", "65+")
# A map sends its outlines to the browser with every redraw: past this size the outlines are
# simplified (coverage simplification, borders stay shared) with a growing tolerance.
WEB_BUDGET_BYTES = 1_000_000
DECIMALS = 5                      # about 1 m: more is invisible on a web map
BYTES_PER_POINT = 22              # "[7.01234,51.01234]," in the GeoJSON
TOLERANCES = (0.0, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)


@dataclass(frozen=True)
class Geography:
    """Outlines of the areas of one level, WGS84, feature ``id`` = the area's code, with
    their names and (when given) populations. `dimension`: the participation dimension of
    the results the areas are counted in (region, department or commune)."""

    level: str
    dimension: str
    geojson: dict
    names: dict[str, str]
    populations: pd.DataFrame | None = None     # index: code; population[, female, ...]
    file: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        return list(self.names)

    def population_of(self) -> dict[str, int]:
        if self.populations is None:
            return {}
        return {code: int(value) for code, value in self.populations["population"].items()}


def participant_column(level: str) -> str:
    return LEVELS[level][0]


def code_normaliser(level: str, french: bool):
    """The normaliser participants' codes of `level` go through (analytics.inputs.bundle), so that
    boundaries' codes are matched the same way ("1" and "01" are one région in France)."""
    from analytics.inputs import reference

    if level == "region" and french:
        return reference.normalize_region_code
    if level == "department" and french:
        return reference.normalize_departement_code
    if level in ("commune", "district"):
        return lambda value: normalise_commune_code(value, french)
    return reference.code_text        # "7.0" from a shapefile's number is "7"; NaN is None


# -- consultation.json ----------------------------------------------------------------------

def check_spec(spec, issues: IssueCollector, name: str = "consultation.json") -> None:
    """The `boundaries` key of consultation.json: {file, code, name, level}."""
    def bad(key, reason, expected, found):
        issues.add(Issue(name, reason, column=key, expected=expected,
                         found="nothing" if found is None else json.dumps(found,
                                                                          ensure_ascii=False)))

    if not isinstance(spec, dict):
        bad("boundaries", "boundaries is not an object",
            '{"file": ..., "code": ..., "name": ..., "level": ...}', spec)
        return
    file = spec.get("file")
    if not isinstance(file, str) or not file.strip() or Path(file).suffix.lower() not in FORMATS:
        bad("boundaries.file", "missing or unsupported boundaries file",
            "a file of the bundle ending in .geojson, .gpkg or .zip (shapefile)", file)
    elif Path(file).is_absolute() or ".." in Path(file).parts:
        bad("boundaries.file", "the boundaries file is outside the bundle",
            "a path inside the bundle folder", file)
    for key in ("code", "name"):
        value = spec.get(key)
        if (key in spec or key == "code") and not (isinstance(value, str) and value.strip()):
            bad(f"boundaries.{key}", f"missing boundaries.{key}",
                "the name of the property holding each area's " + key, value)
    level = spec.get("level", "region")
    if level not in LEVELS:
        bad("boundaries.level", "unknown boundaries level", " | ".join(LEVELS), level)


# -- reading --------------------------------------------------------------------------------

def read_geography(folder: Path, spec: dict, issues: IssueCollector, *,
                   french: bool = False, budget: int = WEB_BUDGET_BYTES) -> Geography | None:
    """The bundle's boundaries and populations, checked; None (and issues) when invalid."""
    level = spec.get("level", "region")
    path = folder / spec["file"]
    name = spec["file"]
    if not path.is_file():
        issues.add(Issue(name, "the boundaries file named in consultation.json is missing",
                         expected=f"{name} in {folder.name}"))
        return None
    if (big := too_big(path)) is not None:
        issues.add(big)
        return None
    frame = _read_file(path, name, issues)
    if frame is None:
        return None
    warnings: list[str] = []
    frame = _to_wgs84(frame, name, issues)
    if frame is None:
        return None
    code_key, name_key = spec["code"], spec.get("name") or spec["code"]
    missing = [key for key in dict.fromkeys((code_key, name_key)) if key not in frame.columns]
    for key in missing:
        issues.add(Issue(name, "property missing from the features", column=key,
                         expected=f"a property {key!r} in every feature",
                         found=", ".join(c for c in frame.columns if c != "geometry")
                         or "no property"))
    if missing:
        return None
    normalise = code_normaliser(level, french)
    codes = [normalise(value) for value in frame[code_key]]
    names = [_text(value) for value in frame[name_key]]
    geometries = _check_features(frame, codes, name, code_key, issues, warnings)
    if geometries is None:
        return None
    geojson = _web_geojson(codes, names, geometries, budget, name, warnings)
    table = dict(zip(codes, [n or c for n, c in zip(names, codes, strict=True)], strict=True))
    populations = read_populations(folder, set(codes), issues, normalise, warnings)
    if issues:
        return None
    return Geography(level, LEVELS[level][1], geojson, table, populations, name,
                     tuple(warnings))


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None


def _read_file(path: Path, name: str, issues: IssueCollector):
    import geopandas as gpd

    kind = FORMATS[path.suffix.lower()]
    try:
        # A zip is opened by GDAL itself (/vsizip/): nothing is extracted to disk.
        return gpd.read_file(path, engine="pyogrio")
    except Exception as error:      # GDAL's errors name the reason; nothing is loaded
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        issues.add(Issue(name, "cannot read the boundaries", expected=kind, found=reason))
        return None


def _to_wgs84(frame, name: str, issues: IssueCollector):
    """Longitude/latitude (EPSG:4326). A file without a CRS is taken as WGS84 only when its
    coordinates are longitudes and latitudes."""
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        try:
            frame = frame.to_crs(4326)
        except Exception as error:
            issues.add(Issue(name, "cannot convert the coordinates to WGS84",
                             expected="a coordinate reference system known to PROJ",
                             found=str(error).splitlines()[0]))
            return None
    if len(frame) == 0:
        issues.add(Issue(name, "no feature in the boundaries file",
                         expected="one polygon per area"))
        return None
    west, south, east, north = frame.total_bounds
    finite = all(math.isfinite(v) for v in (west, south, east, north))
    if not finite or west < -180 or east > 180 or south < -90 or north > 90:
        declared = frame.crs.to_string() if frame.crs is not None else "no CRS"
        issues.add(Issue(name, "coordinates are not longitudes and latitudes: the file's "
                               "coordinate reference system is wrong or missing",
                         expected="coordinates in the CRS the file declares (GeoJSON: WGS84; "
                                  "a shapefile: its .prj)",
                         found=f"{declared}, x from {west:,.0f} to {east:,.0f}, "
                               f"y from {south:,.0f} to {north:,.0f}"))
        return None
    return frame


def _check_features(frame, codes, name, code_key, issues: IssueCollector,
                    warnings: list[str]):
    """Polygons, one per code; invalid ones repaired (a warning) or reported."""
    import shapely

    first_of: dict[str, int] = {}
    repaired = []
    for index, (code, geometry) in enumerate(zip(codes, frame.geometry, strict=True)):
        feature = index + 1
        if code is None:
            issues.add(Issue(name, "empty area code", column=code_key, feature=feature,
                             expected="the area's code", found="nothing"))
        elif code in first_of:
            issues.add(Issue(name, f"duplicate area code (also feature {first_of[code]})",
                             column=code_key, feature=feature, expected="one feature per area",
                             found=code))
        else:
            first_of[code] = feature
        if geometry is None or geometry.is_empty:
            issues.add(Issue(name, "no geometry", column="geometry", feature=feature,
                             expected="a Polygon or MultiPolygon", found="nothing"))
            repaired.append(None)
            continue
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            issues.add(Issue(name, "not an area", column="geometry", feature=feature,
                             expected="a Polygon or MultiPolygon", found=geometry.geom_type))
            repaired.append(None)
            continue
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            fixed = _polygonal(shapely.make_valid(geometry, method="structure"))
            if fixed is None:
                issues.add(Issue(name, "invalid polygon that cannot be repaired",
                                 column="geometry", feature=feature,
                                 expected="a valid polygon", found=reason))
                repaired.append(None)
                continue
            warnings.append(f"{name}, feature {feature} ({code}): invalid polygon repaired "
                            f"({reason})")
            geometry = fixed
        repaired.append(geometry)
    return None if issues else repaired


def _polygonal(geometry):
    """The polygonal part of a repaired geometry, None when nothing polygonal is left."""
    import shapely

    parts = [part for part in shapely.get_parts(geometry)
             if part.geom_type in ("Polygon", "MultiPolygon") and not part.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.area > 0 else None


# -- simplification for the web -------------------------------------------------------------

def _web_geojson(codes, names, geometries, budget: int, name: str,
                 warnings: list[str]) -> dict:
    """The smallest tolerance whose GeoJSON fits `budget` bytes (coverage simplification:
    neighbours keep one shared border; per polygon when the areas overlap)."""
    import shapely

    array = shapely.orient_polygons(shapely.set_precision(
        pd.Series(geometries).to_numpy(), 10.0 ** -DECIMALS))
    simplified = array
    for tolerance in TOLERANCES:      # sized from the coordinates: no JSON written per try
        simplified = array if tolerance == 0 else _simplified(array, tolerance)
        if int(shapely.get_num_coordinates(simplified).sum()) * BYTES_PER_POINT <= budget:
            break
    collection = feature_collection(codes, names, simplified)
    size = len(json.dumps(collection, separators=(",", ":")))
    if size > budget:
        warnings.append(f"{name}: outlines still {size / 1e6:.1f} MB after simplification "
                        f"(budget {budget / 1e6:.1f} MB): the map may be slow")
    return collection


def _simplified(array, tolerance: float):
    import shapely

    try:
        simplified = shapely.coverage_simplify(array, tolerance)
        if shapely.is_valid(simplified).all() and not shapely.is_empty(simplified).any():
            return shapely.orient_polygons(simplified)
    except shapely.errors.GEOSException:
        pass        # overlapping areas are not a coverage: each polygon on its own
    return shapely.orient_polygons(shapely.simplify(array, tolerance, preserve_topology=True))


def feature_collection(codes, names, geometries) -> dict:
    import shapely

    features = []
    for code, label, geometry in zip(codes, names, geometries, strict=True):
        shape = json.loads(shapely.to_geojson(geometry))
        shape["coordinates"] = _rounded(shape["coordinates"])
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name": label or code},
                         "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


def _rounded(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(value, DECIMALS) for value in coordinates]
    return [_rounded(part) for part in coordinates]


# -- populations ----------------------------------------------------------------------------

def read_populations(folder: Path, codes: set[str], issues: IssueCollector, normalise,
                     warnings: list[str]) -> pd.DataFrame | None:
    """populations.csv: code, population[, female, male, age bands], whole numbers >= 0,
    one row per area of the boundaries. Areas without a row have no figure per inhabitant."""
    path = folder / POPULATIONS_FILE
    if not path.is_file():
        warnings.append(f"no {POPULATIONS_FILE}: no figures per inhabitant")
        return None
    name = POPULATIONS_FILE
    if (big := too_big(path)) is not None:
        issues.add(big)
        return None
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        issues.add(Issue(name, "cannot read the table", expected="a UTF-8 CSV with a header",
                         found=str(error).splitlines()[0]))
        return None
    table.columns = [str(c).strip() for c in table.columns]
    for column in ("code", "population"):
        if column not in table.columns:
            issues.add(Issue(name, "required column is missing", column=column,
                             expected="columns code, population",
                             found=", ".join(table.columns) or "no column"))
    if issues.room(name) < issues.cap:
        return None
    numbers = ["population", *(c for c in POPULATION_COLUMNS if c in table.columns)]
    ignored = [c for c in table.columns if c not in ("code", *numbers)]
    if ignored:
        warnings.append(f"{name}: columns ignored: {', '.join(ignored)} (expected code, "
                        f"population, {', '.join(POPULATION_COLUMNS)})")
    rows = {}
    for index, record in table.iterrows():
        row = int(index) + 2             # the header is row 1
        code = normalise(record["code"].strip() or None)
        if code is None:
            issues.add(Issue(name, "empty code", row=row, column="code",
                             expected="an area code of the boundaries", found=""))
            continue
        if code not in codes:
            issues.add(Issue(name, "code not in the boundaries", row=row, column="code",
                             expected="one of the boundaries' codes", found=record["code"]))
        elif code in rows:
            issues.add(Issue(name, "duplicate code", row=row, column="code",
                             expected="one row per area", found=record["code"]))
        values = {}
        for column in numbers:
            text = record[column].strip().replace("_", "")
            if not text and column != "population":
                values[column] = None
            elif text.isdigit():
                values[column] = int(text)
            else:
                issues.add(Issue(name, "not a whole number of inhabitants", row=row,
                                 column=column, expected="an integer >= 0", found=record[column]))
        rows[code] = values
    if issues.room(name) < issues.cap:
        return None
    without = sorted(codes - set(rows))
    if without:
        warnings.append(f"{name}: no population for {len(without)} area(s): "
                        f"{', '.join(without)} (no figure per inhabitant there)")
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=numbers)
    frame.index.name = "code"
    return frame.astype("Int64")


def unmatched_codes(geography: Geography, participant_codes: list[str]) -> list[str]:
    """Participants' codes with no outline: they stay in the shares, off the map."""
    known = set(geography.names)
    return sorted(code for code in set(participant_codes) if code is not None
                  and code not in known)


# -- figures per inhabitant -----------------------------------------------------------------

PER = 10_000        # participants per 10,000 inhabitants
AREA_DIMENSIONS = ("region", "department", "commune")


def reference_populations(dimension: str, country: str) -> dict[str, int]:
    """INSEE populations of France's régions, départements and communes by code."""
    from analytics.inputs import reference

    if str(country or "FR").upper() != "FR":
        return {}
    table = {"region": reference.regions, "department": reference.departements,
             "commune": reference.communes}[dimension]()
    return {code: int(value) for code, value in zip(table.code, table.population, strict=True)
            if not pd.isna(value)}


def add_per_inhabitant(results: Results, own: Geography | None, country: str = "FR") -> None:
    """Each area row of the results' participation gets `population` and `per_10k`
    (participants per 10,000 inhabitants; not where the figures are suppressed, fewer than
    10 participants). The bundle's own populations serve its boundaries' dimension, INSEE's
    the French ones. Where the results have no `population_share` (outside France), it is
    the row's share of the population of the rows listed (the same rows the participants'
    shares are of). Gender and age rows get theirs from populations.csv's gender and
    age-band columns, summed over its areas."""
    participation = results.get("participation") or {}
    for dimension in AREA_DIMENSIONS:
        rows = participation.get(dimension) or []
        if own is not None and own.dimension == dimension:
            population = own.population_of()
        else:
            population = reference_populations(dimension, country)
        _per_inhabitant(rows, population, with_shares=True)
        if own is not None and own.dimension == dimension:
            for row in rows:        # the boundaries name their areas
                row["name"] = own.names.get(row.get("label")) or row.get("name")
    if own is not None and own.populations is not None:
        totals = own.populations.sum(skipna=True)
        for dimension in ("gender", "age_band"):
            population = {label: int(totals[label]) for label in totals.index
                          if label != "population" and own.populations[label].notna().any()}
            _per_inhabitant(participation.get(dimension) or [], population, with_shares=True)


def _per_inhabitant(rows: list[dict], population: dict[str, int], with_shares: bool) -> None:
    if not population:
        return
    listed = {row["label"]: population[row["label"]] for row in rows
              if row.get("label") in population}
    total = sum(listed.values())
    for row in rows:
        inhabitants = listed.get(row.get("label"))
        if inhabitants is None:
            continue
        row["population"] = inhabitants
        if row.get("participants") is not None and inhabitants > 0:
            row["per_10k"] = PER * row["participants"] / inhabitants
        if with_shares and row.get("population_share") is None and total:
            row["population_share"] = 100 * inhabitants / total
