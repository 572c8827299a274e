"""Make.org's own `consultation-results` shape (SPEC section 4), written from
the project's results so that they can feed Make.org's front end.

Percentages are integers, rounded half up. A results object read from a
published file carries that file under `makeorg` and is written back as is."""

from __future__ import annotations

import math

from analytics import i18n
from analytics.results_model import Results

# Make.org's palette for pies, in its order.
PALETTE = ("#4B45A5", "#8955BD", "#EB7575", "#F5976E", "#EEB298", "#FFD266", "#FFF689",
           "#E5FFAE", "#C1EBDD", "#8BDAB2", "#6DB2E0", "#2B5E9D", "#24332E")
BAR_COLOR = "#8BDAB2"


def labels(language: str) -> dict:
    """The words of the participation charts, in the consultation's language (English
    for a language without a catalog)."""
    catalog = i18n.translations(i18n.language_of(language))
    _ = catalog.gettext
    return {"age_band": _("Participation by age"), "region": _("Participation by region"),
            "gender": _("Participation by gender"),
            "legend": _("Distribution of participants"),
            "first": catalog.pgettext("Make.org results", "participants"),
            "second": catalog.pgettext("Make.org results", "general population"),
            "female": catalog.pgettext("Make.org results", "women"),
            "male": catalog.pgettext("Make.org results", "men"),
            "other": catalog.pgettext("Make.org results", "other")}


def percent(value) -> int | None:
    """Round half up, as a published page does (94.5 -> 95)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(math.floor(float(value) + 0.5))


def to_makeorg(results: Results) -> dict:
    if results.get("makeorg") is not None:
        return results["makeorg"]
    language = (results.get("consultation") or {}).get("language") or i18n.DEFAULT_LANGUAGE
    words = labels(language)
    figures = results.get("key_figures") or {}
    return {
        "context": (results.get("consultation") or {}).get("context") or "",
        "key_figures": {"visitors": figures.get("participants"), "votes": figures.get("votes"),
                        "proposals": figures.get("proposals")},
        "top_ideas": [_axis(axis) for axis in results.get("top_ideas") or []],
        "controversials": [_proposal(p) for p in results.get("controversials") or []],
        "rejected": [_proposal(p) for p in results.get("rejected") or []],
        "cartography": [_pie(chart) for chart in results.get("cartography") or []],
        "participation": _participation(results.get("participation") or {}, words),
    }


def _axis(axis: dict) -> dict:
    return {"name": axis.get("name") or "", "ideas": [
        {"idea": idea["idea"], "agreement": percent(idea.get("agreement")),
         "adhesion": percent(idea.get("adhesion")), "realistic": percent(idea.get("realistic"))}
        for idea in axis["ideas"] if not idea.get("suppressed")]}


def _proposal(item: dict) -> dict:
    result = {"id": item.get("id"), "content": item["content"], "author": item.get("author")}
    for key in ("agree", "like_it", "disagree", "no_way"):
        result[key] = percent(item.get(key))
    result["votes"] = item.get("votes")
    return result


def _pie(chart: dict) -> dict:
    return {"type": "pie", "unit": "percentage", "name": chart["name"], "legend": "",
            "data": [{"label": d["label"], "percent": percent(d["percent"]),
                      "color": PALETTE[i % len(PALETTE)]}
                     for i, d in enumerate(chart["data"])]}


def _participation(participation: dict, words: dict) -> list[dict]:
    charts = []
    for dimension in ("region", "age_band"):
        rows = [r for r in participation.get(dimension) or [] if r.get("participants")]
        if not rows:
            continue
        if dimension == "region":
            rows = sorted(rows, key=lambda r: -(r.get("population_share") or 0))
        charts.append({
            "type": "histogram", "unit": "percentage", "name": words[dimension],
            "legend": {"title": words["legend"],
                       "dimensions": {"first": words["first"], "second": words["second"]}},
            "data": [{"label": r.get("name") or r["label"],
                      "bars": _bars(r), "color": BAR_COLOR} for r in rows],
        })
    genders = [r for r in participation.get("gender") or [] if r.get("participants")]
    if genders:
        charts.append({"type": "pie", "unit": "percentage", "name": words["gender"],
                       "legend": "",
                       "data": [{"label": words.get(r["label"], r["label"]),
                                 "percent": percent(r["participants_share"]),
                                 "color": PALETTE[i % len(PALETTE)]}
                                for i, r in enumerate(genders)]})
    for i, chart in enumerate(charts):
        chart["id"] = f"participation_{i}"
    return charts


def _bars(row: dict) -> dict:
    bars = {"first": percent(row.get("participants_share"))}
    if row.get("population_share") is not None:
        bars["second"] = percent(row["population_share"])
    return bars
