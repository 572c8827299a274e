"""Rebuild the example bundle ``data/examples/musterstadt/``: a consultation outside France
with its own boundaries, so that the participation maps of any territory are seen and tested.

    .venv/bin/python data/examples/build_examples.py

**Everything in it is synthetic.** Musterstadt ("model town", the German placeholder name)
does not exist: its eight districts are Voronoi cells of eight made-up centres, drawn in
ETRS89 / UTM zone 32N (EPSG:25832, the CRS of German official maps) on an empty spot of the
map of North Rhine-Westphalia and converted to WGS84 with geopandas; their populations,
the participants, proposals and votes are drawn from a seeded random generator. Same seed,
same files, byte for byte.

The bundle follows SPEC section 2: ``consultation.json`` names the boundaries
(``"boundaries": {"file": "boundaries.geojson", "code": "bezirk_id", "name": "bezirk",
"level": "district"}``), participants give their district in ``commune_code``, and
``populations.csv`` gives each district's inhabitants by gender and age band. One district
(Hafen) has fewer than 10 participants, so that the privacy floor shows on the map.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

FOLDER = Path(__file__).resolve().parent / "musterstadt"
SEED = 16
UTM = 25832                          # ETRS89 / UTM zone 32N
CITY_CENTRE = (372_000, 5_700_000)   # metres, in UTM 32N (North Rhine-Westphalia)
CITY_RADII = (6_500, 5_000)          # an ellipse, metres

# code, name, centre offset from the city centre (metres), inhabitants, share taking part
DISTRICTS = [
    ("MS-01", "Altstadt", (0, 0), 24_300, 0.0095),
    ("MS-02", "Nordviertel", (200, 3_300), 31_800, 0.0060),
    ("MS-03", "Ostpark", (3_800, 600), 27_400, 0.0071),
    ("MS-04", "Südstadt", (600, -3_400), 35_100, 0.0052),
    ("MS-05", "Westend", (-3_900, 300), 22_900, 0.0083),
    ("MS-06", "Rheinaue", (-3_000, -3_100), 18_600, 0.0044),
    ("MS-07", "Lindenhöhe", (3_400, -3_000), 20_200, 0.0066),
    ("MS-08", "Hafen", (3_200, 3_200), 6_100, 0.0011),    # under 10 participants
]
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_WEIGHTS = (0.12, 0.17, 0.16, 0.16, 0.17, 0.22)          # of inhabitants aged 16 or more
TAKE_PART_BY_AGE = (1.3, 1.2, 1.1, 1.0, 0.9, 0.6)             # relative propensity

IDEAS = [
    ("verkehr", "Sicherer Rad- und Fußverkehr", "Mobilität"),
    ("oepnv", "Besserer Nahverkehr", "Mobilität"),
    ("gruen", "Mehr Grün in den Vierteln", "Stadtgrün"),
    ("wohnen", "Bezahlbares Wohnen", "Wohnen"),
    ("treffpunkte", "Orte der Begegnung", "Zusammenleben"),
]
PROPOSALS = [
    ("verkehr", "Man muss durchgehende, geschützte Radwege zwischen allen Bezirken bauen"),
    ("verkehr", "Man muss vor jeder Schule Tempo 30 und sichere Übergänge einrichten"),
    ("verkehr", "Man muss die Altstadt am Wochenende für Autos sperren"),
    ("verkehr", "Man muss mehr sichere Fahrradstellplätze an den Haltestellen schaffen"),
    ("oepnv", "Man muss die Straßenbahn nachts im Halbstundentakt fahren lassen"),
    ("oepnv", "Man muss ein günstiges Monatsticket für Schüler und Rentner einführen"),
    ("oepnv", "Man muss den Hafen mit einer Buslinie an die Innenstadt anbinden"),
    ("oepnv", "Man muss den Nahverkehr in der ganzen Stadt kostenlos machen"),
    ("gruen", "Man muss in jeder Straße neue Bäume pflanzen"),
    ("gruen", "Man muss die Rheinaue als Naturschutzgebiet erhalten"),
    ("gruen", "Man muss Schulhöfe nachmittags als Grünflächen öffnen"),
    ("gruen", "Man muss Parkplätze in kleine Parks umwandeln"),
    ("wohnen", "Man muss bei jedem Neubau ein Drittel Sozialwohnungen vorschreiben"),
    ("wohnen", "Man muss leerstehende Büros in Wohnungen umbauen"),
    ("wohnen", "Man muss Ferienwohnungen in der Altstadt begrenzen"),
    ("wohnen", "Man muss am Hafen ein neues Wohnviertel bauen"),
    ("treffpunkte", "Man muss in jedem Bezirk ein offenes Nachbarschaftshaus einrichten"),
    ("treffpunkte", "Man muss die Stadtbibliothek auch sonntags öffnen"),
    ("treffpunkte", "Man muss mehr Bänke und Trinkbrunnen auf Plätzen aufstellen"),
    ("treffpunkte", "Man muss ein jährliches Fest aller Bezirke organisieren"),
]
AUTHORS = ["Anna", "Jonas", "Leonie", "Mehmet", "Sophie", "Lukas", "Mia", "Felix", "Emma",
           "Paul", "Hannah", "Elias", "Lea", "Noah", "Marie", "Ben", "Lina", "Finn", "Emilia",
           "Karim"]
START = datetime(2025, 5, 5, 8, 0)
DAYS = 28


def district_outlines() -> gpd.GeoDataFrame:
    """Voronoi cells of the district centres, clipped to the city's ellipse (UTM metres)."""
    x0, y0 = CITY_CENTRE
    centres = shapely.multipoints([(x0 + dx, y0 + dy) for _, _, (dx, dy), _, _ in DISTRICTS])
    city = shapely.affinity.scale(shapely.Point(x0, y0).buffer(1, quad_segs=32),
                                  *CITY_RADII)
    cells = shapely.get_parts(shapely.voronoi_polygons(centres, extend_to=city.buffer(5_000)))
    outlines = []
    for _, _, (dx, dy), _, _ in DISTRICTS:
        cell = next(c for c in cells if c.contains(shapely.Point(x0 + dx, y0 + dy)))
        outlines.append(shapely.intersection(cell, city))
    return gpd.GeoDataFrame(
        {"bezirk_id": [d[0] for d in DISTRICTS], "bezirk": [d[1] for d in DISTRICTS]},
        geometry=outlines, crs=UTM)


def write_boundaries(outlines: gpd.GeoDataFrame) -> None:
    wgs84 = outlines.to_crs(4326)
    wgs84["geometry"] = shapely.orient_polygons(
        shapely.set_precision(wgs84.geometry.to_numpy(), 1e-5))
    features = [{"type": "Feature",
                 "properties": {"bezirk_id": row.bezirk_id, "bezirk": row.bezirk},
                 "geometry": json.loads(shapely.to_geojson(row.geometry))}
                for row in wgs84.itertuples()]
    collection = {"type": "FeatureCollection", "features": features}
    (FOLDER / "boundaries.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8")


def populations(rng) -> list[dict]:
    rows = []
    for code, _, _, inhabitants, _ in DISTRICTS:
        female = int(round(inhabitants * rng.uniform(0.49, 0.53)))
        adults = int(round(inhabitants * 0.84))         # aged 16 or more
        bands = rng.multinomial(adults, AGE_WEIGHTS)
        rows.append({"code": code, "population": inhabitants, "female": female,
                     "male": inhabitants - female,
                     **{band: int(n) for band, n in zip(AGE_BANDS, bands, strict=True)}})
    return rows


def participants(rng) -> list[dict]:
    people = []
    for code, _, _, inhabitants, rate in DISTRICTS:
        for _ in range(int(round(inhabitants * rate))):
            weights = np.array(AGE_WEIGHTS) * TAKE_PART_BY_AGE
            band = rng.choice(len(AGE_BANDS), p=weights / weights.sum())
            low = int(AGE_BANDS[band].split("-")[0].rstrip("+"))
            high = 85 if AGE_BANDS[band] == "65+" else int(AGE_BANDS[band].split("-")[1])
            people.append({"gender": rng.choice(["female", "male", "other"],
                                                p=[0.52, 0.465, 0.015]),
                           "age": int(rng.integers(low, high + 1)), "commune_code": code})
    order = rng.permutation(len(people))
    return [{"participant_id": f"u{i + 1:04d}", **people[j]} for i, j in enumerate(order)]


def votes(rng, people: list[dict]) -> list[dict]:
    agree = rng.uniform(0.35, 0.9, len(PROPOSALS))
    neutral = rng.uniform(0.05, 0.2, len(PROPOSALS))
    rows = []
    for person in people:
        seen = rng.choice(len(PROPOSALS), size=int(rng.integers(4, 13)), replace=False)
        first = START + timedelta(minutes=int(rng.integers(0, DAYS * 24 * 60)))
        for k, index in enumerate(sorted(seen)):
            draw = rng.random()
            vote = ("neutral" if draw < neutral[index] else
                    "agree" if draw < neutral[index] + (1 - neutral[index]) * agree[index]
                    else "disagree")
            qualification = ""
            if rng.random() < 0.3:
                qualification = {"agree": "likeIt", "disagree": "noWay",
                                 "neutral": "noOpinion"}[vote]
            at = first + timedelta(seconds=int(20 * k + rng.integers(5, 20)))
            rows.append({"proposal_id": f"p{index + 1:02d}",
                         "participant_id": person["participant_id"], "vote": vote,
                         "qualification": qualification, "voted_at": at.isoformat()})
    return sorted(rows, key=lambda r: (r["voted_at"], r["participant_id"], r["proposal_id"]))


def write_csv(name: str, rows: list[dict]) -> None:
    with (FOLDER / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    FOLDER.mkdir(parents=True, exist_ok=True)
    meta = {
        "slug": "musterstadt",
        "title": "Musterstadt 2030 (synthetisches Beispiel)",
        "question": "Wie machen wir Musterstadt lebenswerter?",
        "language": "de", "country": "DE", "timezone": "Europe/Berlin",
        "start_date": START.date().isoformat(),
        "end_date": (START + timedelta(days=DAYS - 1)).date().isoformat(),
        "votes_target": 10_000,
        "context": "Synthetic example: a made-up city with made-up districts, participants "
                   "and votes (data/examples/build_examples.py).",
        "boundaries": {"file": "boundaries.geojson", "code": "bezirk_id", "name": "bezirk",
                       "level": "district"},
    }
    (FOLDER / "consultation.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_boundaries(district_outlines())
    write_csv("populations.csv", populations(rng))
    write_csv("ideas.csv", [{"idea_id": i, "name": n, "axis": a} for i, n, a in IDEAS])
    write_csv("proposals.csv", [
        {"proposal_id": f"p{k + 1:02d}", "content": text, "author_name": AUTHORS[k],
         "author_age": int(rng.integers(17, 75)), "idea_id": idea,
         "created_at": (START + timedelta(hours=2 * k)).isoformat()}
        for k, (idea, text) in enumerate(PROPOSALS)])
    people = participants(rng)
    write_csv("participants.csv", people)
    cast = votes(rng, people)
    write_csv("votes.csv", cast)
    print(f"{FOLDER}: {len(people)} participants, {len(cast)} votes")


if __name__ == "__main__":
    main()
