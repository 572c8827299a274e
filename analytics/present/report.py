"""The "rapport complet": the whole consultation in one HTML file that opens offline.

plotly.js is inlined once in the head; every figure comes from the builders of
analytics/present/charts (the same figures as the dashboard); there is no external script,
style sheet, font or image, so the file opens without a network. Every piece of text
that comes from data is HTML-escaped; figures escape their own labels (style.plain)
and plotly writes their JSON with <, > and / escaped. Privacy rules hold because the
report only draws from the results object (figures under 10 participants already
suppressed there) and from analytics.metrics.groups (groups under 10 never shown)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.metrics.engine import DEFAULT_OPTIONS, Options
from analytics.present import provenance
from analytics.present.charts import style
from analytics.present.charts.style import isolate

# Rows of a figure's data shown under it in the report (the dashboard has them all).
TABLE_ROWS = 60

WORDS = {
    "fr": {
        "report": "Rapport complet", "generated": "Rapport généré le {date}.",
        "question": "La question posée", "dates": "Du {start} au {end}",
        "partners": "Partenaires", "context": "Le contexte",
        "key_figures": "Chiffres clés", "participants": "Participants",
        "proposals": "Propositions", "votes": "Votes",
        "votes_target": "{votes} votes sur un objectif de {target} ({percent})",
        "segment": "Résultats restreints au segment : {segment}.",
        "weighted": "Chiffres pondérés (calage sur la population par genre, âge et région).",
        "contents": "Sommaire",
        "ideas": "Les grandes idées", "split": "Accord et désaccord par idée",
        "controversial": "Les propositions les plus controversées",
        "rejected": "Les propositions les plus rejetées",
        "debate": "Cartographie du débat", "participation": "Participation",
        "where": "Où vivent les participants", "who": "Qui sont les participants",
        "groups": "Groupes d'opinion", "actions": "Le plan d'actions",
        "notes": "Ce que ces données ne permettent pas", "sources": "Sources et méthode",
        "objective": "Objectif", "carriers": "Porteurs", "quotes": "Propositions citoyennes",
        "data": "Les données de ce graphique", "rows_shown": "{shown} premières lignes sur "
                "{total} (toutes dans le tableau de bord).",
        "list_line": "{agree} d'accord · {disagree} pas d'accord · {votes} votes",
        "list_empty": "Aucune proposition n'a assez de votes pour entrer dans cette liste.",
        "no_ideas_chart": "Pas de grandes idées à montrer.",
        "keywords": "Mots-clés",
        "other": "{n} propositions ne ressemblent assez à aucune idée ; ce groupe n'est pas "
                 "une idée et n'est pas classé.",
        "no_map": "Pas de propositions à placer sur la carte.",
        "more_tag_types": "{hidden} autres types d'étiquette ne sont pas dessinés (seuls ceux "
                          "des propositions les plus étiquetées le sont).",
        "no_participation": "Pas de répartition des participants.",
        "map_caption": "Part de chaque région parmi les participants dont on connaît la région ; "
                       "en gris, moins de 10 participants (masqué).",
        "groups_intro": "Les participants qui votent de la même façon sont réunis en groupes "
                        "(méthode de Polis : analyse en composantes principales des votes, "
                        "k-moyennes, nombre de groupes choisi par la silhouette). Un groupe de "
                        "moins de 10 participants n'est jamais montré.",
        "groups_sampled": "Échantillon aléatoire reproductible de {used} participants parmi "
                          "les {eligible} ayant voté sur au moins {threshold} propositions.",
        "groups_no_structure": "Attention : ces votes ne montrent pas plus de structure que les "
                               "mêmes votes mélangés au hasard ({explained} de variation "
                               "expliquée contre {shuffled}) : les groupes sont des tendances, "
                               "pas des camps.",
        "groups_none": "Pas de groupes d'opinion : {reason}",
        "no_groups": "Les groupes d'opinion demandent les votes de chaque participant (lot de "
                     "votes ou export Polis).",
        "groups_reasons": {"no_votes": "ces données n'ont pas les votes de chaque participant.",
                           "too_few": "pas assez de participants ayant assez voté.",
                           "segment_too_small": "segment de moins de 10 participants."},
        "group_apart": "Ce qui distingue le groupe {g} ({n} participants)",
        "group_line": "{share} {word} dans le groupe, {others} chez les autres",
        "agree_word": "d'accord", "disagree_word": "pas d'accord",
        "consensus": "Ce sur quoi tous les groupes s'accordent",
        "consensus_line": "Consensus {score} · {agree} d'accord au total",
        "source_kind": "Données : {kind} « {name} ».",
        "kinds": {"bundle": "lot de votes", "published": "résultats publiés",
                  "opendata": "export des propositions", "polis": "conversation Polis"},
        "method": "Méthode : parts en % des votes ; scores de Make.org (ProposalScorer) avec "
                  "leur intervalle de confiance, listes classées par borne basse ; tout chiffre "
                  "portant sur moins de 10 participants est masqué.",
        "attribution": "Attribution",
        "suppressed": "Ce segment compte moins de 10 participants : ses résultats ne sont pas "
                      "affichés, pour protéger la vie privée.",
        "png": "Chaque graphique s'enregistre en PNG avec l'icône d'appareil photo qui "
               "apparaît au survol.",
        "notes_text": {
            "no_ideas": "Ces données ne regroupent pas les propositions en grandes idées.",
            "no_participants": "Ces données ne décrivent pas les participants (genre, âge, "
                               "région).",
            "no_actions": "Aucun plan d'actions n'accompagne ces résultats.",
            "no_tags": "Les propositions ne portent pas d'étiquettes : pas de cartographie "
                       "des thèmes.",
            "segment": "Les propositions avec moins de 10 votants dans ce segment sont "
                       "masquées.",
            "segment_too_small": "Ce segment compte moins de 10 participants.",
        },
    },
    "en": {
        "report": "Full report", "generated": "Report generated on {date}.",
        "question": "The question", "dates": "From {start} to {end}",
        "partners": "Partners", "context": "Context",
        "key_figures": "Key figures", "participants": "Participants",
        "proposals": "Proposals", "votes": "Votes",
        "votes_target": "{votes} votes of a {target} target ({percent})",
        "segment": "Results restricted to the segment: {segment}.",
        "weighted": "Weighted figures (raked to the population by gender, age and region).",
        "contents": "Contents",
        "ideas": "The big ideas", "split": "Agreement and disagreement per idea",
        "controversial": "The most controversial proposals",
        "rejected": "The most rejected proposals",
        "debate": "Debate map", "participation": "Participation",
        "where": "Where participants live", "who": "Who the participants are",
        "groups": "Opinion groups", "actions": "The action plan",
        "notes": "What this data cannot show", "sources": "Sources and method",
        "objective": "Objective", "carriers": "Carried by", "quotes": "Citizens' proposals",
        "data": "The data of this chart", "rows_shown": "First {shown} rows of {total} (all "
                "of them in the dashboard).",
        "list_line": "{agree} agree · {disagree} disagree · {votes} votes",
        "list_empty": "No proposal has enough votes to enter this list.",
        "no_ideas_chart": "No big ideas to show.",
        "keywords": "Keywords",
        "other": "{n} proposals are not close enough to any idea; this group is not an idea "
                 "and is not ranked.",
        "no_map": "No proposals to place on the map.",
        "more_tag_types": "{hidden} other tag types are not drawn (only those of the most "
                          "tagged proposals are).",
        "no_participation": "No breakdown of participants.",
        "map_caption": "Each region's share of the participants whose region is known; grey: "
                       "fewer than 10 participants (hidden).",
        "groups_intro": "Participants who vote alike are gathered into groups (Polis's method: "
                        "principal component analysis of the votes, k-means, number of groups "
                        "chosen by silhouette). A group under 10 participants is never shown.",
        "groups_sampled": "Reproducible random sample of {used} participants among the "
                          "{eligible} who voted on at least {threshold} proposals.",
        "groups_no_structure": "Caution: these votes show no more structure than the same votes "
                               "shuffled at random ({explained} of the variation explained, "
                               "against {shuffled}): the groups are tendencies, not camps.",
        "groups_none": "No opinion groups: {reason}",
        "no_groups": "Opinion groups need each participant's votes (a vote-level bundle or a "
                     "Polis export).",
        "groups_reasons": {"no_votes": "this data does not hold each participant's votes.",
                           "too_few": "not enough participants with enough votes.",
                           "segment_too_small": "segment under 10 participants."},
        "group_apart": "What sets group {g} apart ({n} participants)",
        "group_line": "{share} {word} in the group, {others} among the others",
        "agree_word": "agree", "disagree_word": "disagree",
        "consensus": "What every group agrees on",
        "consensus_line": "Consensus {score} · {agree} agree overall",
        "source_kind": "Data: {kind} “{name}”.",
        "kinds": {"bundle": "vote-level bundle", "published": "published results",
                  "opendata": "proposal export", "polis": "Polis conversation"},
        "method": "Method: shares in % of votes; Make.org scores (ProposalScorer) with their "
                  "confidence interval, lists ranked by lower bound; any figure about fewer "
                  "than 10 participants is hidden.",
        "attribution": "Attribution",
        "suppressed": "This segment has fewer than 10 participants: its results are not shown, "
                      "to protect privacy.",
        "png": "Save any chart as PNG with the camera icon that appears on hover.",
        "notes_text": {
            "no_ideas": "This data does not group proposals into big ideas.",
            "no_participants": "This data does not describe participants (gender, age, "
                               "region).",
            "no_actions": "No action plan comes with these results.",
            "no_tags": "Proposals carry no tags: no cartography of themes.",
            "segment": "Proposals with fewer than 10 voters in this segment are hidden.",
            "segment_too_small": "This segment has fewer than 10 participants.",
        },
    },
}

CSS = """
:root { color-scheme: light; }
body { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; color: #262730;
       max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; line-height: 1.5; }
h1 { font-size: 2.1em; margin-bottom: 0.2em; }
h2 { margin-top: 2.2em; border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; }
h3 { margin-top: 1.6em; }
.caption, figcaption { color: #6b6f76; font-size: 0.92em; }
.figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 1em 0; }
.figure { flex: 1 1 180px; border: 1px solid #e3e5e8; border-radius: 8px; padding: 12px 16px; }
.figure .value { font-size: 1.8em; font-weight: 600; }
.card { border: 1px solid #e3e5e8; border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.tag { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 0.85em;
       font-weight: 600; margin-right: 6px; }
.agree { background: #d6e9f5; color: #004c77; }
.disagree { background: #fbe3cc; color: #7a3a00; }
.note { background: #eef5fb; border-left: 4px solid #0072B2; padding: 8px 12px; margin: 8px 0; }
.warning { background: #fff6dd; border-left: 4px solid #E69F00; padding: 8px 12px; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0; }
th, td { border: 1px solid #e3e5e8; padding: 3px 8px; text-align: left; vertical-align: top; }
/* A very long word in data (a 300-letter "word") wraps instead of widening the page. */
body { overflow-wrap: break-word; }
td { overflow-wrap: anywhere; }
details { overflow-x: auto; }
th { background: #f5f6f8; }
details { margin: 6px 0 18px; }
summary { cursor: pointer; color: #0072B2; }
nav ol { columns: 2; }
.plot { margin: 8px 0; }
@media print { details { display: none; } h2 { page-break-before: always; } }
"""


def words(lang: str) -> dict:
    return WORDS[i18n.language_of(lang)]


def esc(value) -> str:
    """Text for the page: HTML-escaped; right-to-left text isolated (style.isolate)."""
    return html.escape(isolate("" if value is None else str(value)), quote=True)


_URL = re.compile(r"https?://[A-Za-z0-9._~/%?=&#:+-]+")


def linkify(text) -> str:
    """Escaped text whose plain http(s) URLs become links (credits ask for links)."""
    escaped = esc(text)
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


@dataclass
class Section:
    key: str
    title: str
    body: str


class Builder:
    """Collects sections; figures are numbered so that every div id is unique."""

    def __init__(self, lang: str, slug: str):
        self.lang = lang
        self.slug = slug or "consultation"
        self.sections: list[Section] = []
        self._figures = 0
        self.source: list[str] = []     # written under every chart (provenance)

    def figure(self, fig, data: pd.DataFrame | None = None, *, name: str = "chart") -> str:
        if fig is None:
            return ""
        self._figures += 1
        config = {"displaylogo": False, "responsive": True,
                  "toImageButtonOptions": {"format": "png", "scale": 2,
                                           "filename": f"{self.slug}-{name}"}}
        fig = style.with_source(go.Figure(offline_map(fig)), self.source)
        div = fig.to_html(full_html=False, include_plotlyjs=False, config=config,
                          div_id=f"figure-{self._figures}", default_width="100%")
        return f'<div class="plot">{div}</div>' + (self.table(data) if data is not None
                                                     else "")

    def table(self, data: pd.DataFrame) -> str:
        if data is None or data.empty:
            return ""
        w = words(self.lang)
        shown = data.head(TABLE_ROWS)
        head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
        rows = "".join("<tr>" + "".join(f"<td>{esc(_cell(v, self.lang))}</td>" for v in row)
                       + "</tr>" for row in shown.itertuples(index=False))
        note = w["rows_shown"].format(shown=len(shown), total=len(data))
        more = f'<p class="caption">{esc(note)}</p>' if len(data) > len(shown) else ""
        return (f"<details><summary>{esc(w['data'])}</summary><table><thead><tr>{head}</tr>"
                f"</thead><tbody>{rows}</tbody></table>{more}</details>")

    def add(self, key: str, title: str, body: str) -> None:
        if body:
            self.sections.append(Section(key, title, body))


# -- maps that draw from a file:// page ------------------------------------------------------

# plotly's `map` traces draw with MapLibre, whose web worker cannot start from a page opened
# as a file (blob: worker in a "null" origin): the map stays blank. In the report the same
# polygons are drawn as `geo` traces (SVG, d3-geo). d3 wants exterior rings clockwise
# (RFC 7946 files wind them the other way) and plotly fetches a world base map for geo
# subplots unless one is provided: an empty one is, since the base map is hidden.
_GEO_LAYERS = ("land", "ocean", "lakes", "rivers", "countries", "subunits", "coastlines")
GEO_ASSETS = ("window.PlotlyGeoAssets = {topojson: {world_110m: " + json.dumps(
    {"type": "Topology", "arcs": [],
     "objects": {k: {"type": "GeometryCollection", "geometries": []} for k in _GEO_LAYERS}})
    + "}};")


def _signed_area(ring: list) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1],
                                                                     strict=True)) / 2


def _wound_for_d3(polygon: list) -> list:
    """Exterior ring clockwise, holes counterclockwise (in longitude, latitude)."""
    rings = []
    for index, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        rings.append(ring if clockwise == (index == 0) else ring[::-1])
    return rings


def d3_geojson(geojson: dict) -> dict:
    features = []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            geometry = {**geometry, "coordinates": _wound_for_d3(geometry["coordinates"])}
        elif geometry.get("type") == "MultiPolygon":
            geometry = {**geometry, "coordinates": [_wound_for_d3(p)
                                                    for p in geometry["coordinates"]]}
        features.append({**feature, "geometry": geometry})
    return {**geojson, "features": features}


def offline_map(fig):
    """`fig` with its choroplethmap traces redrawn as geo choropleths (same polygons,
    values, colours and hovers); other figures unchanged."""
    import plotly.graph_objects as go

    if fig is None or not any(t.type == "choroplethmap" for t in fig.data):
        return fig
    out = go.Figure(layout=fig.layout)
    out.layout.map = None
    for trace in fig.data:
        if trace.type != "choroplethmap":
            out.add_trace(trace)
            continue
        spec = trace.to_plotly_json()
        for key in ("type", "subplot", "below"):
            spec.pop(key, None)
        marker = spec.get("marker") or {}
        spec["marker"] = {k: v for k, v in marker.items() if k in ("line", "opacity")}
        if isinstance(spec.get("geojson"), dict):
            spec["geojson"] = d3_geojson(spec["geojson"])
        out.add_trace(go.Choropleth(**spec))
    out.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return out


def _cell(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return i18n.decimal(value, lang, 1)
    if isinstance(value, int) and not isinstance(value, bool):
        return i18n.integer(value, lang)
    return str(value)


def build_report(source, lang: str = "fr", options: Options = DEFAULT_OPTIONS, *,
                 results: dict | None = None, groups: bool = True,
                 today: dt.date | None = None, idea_set=None) -> str:
    """The report of `source` (an analytics.consultations.source.Source) as one HTML document.
    `results` may be given when already computed with the same options; `idea_set`
    (ideas corrected by a person) overrides the ideas found in the texts."""
    import plotly.offline

    lang = i18n.language_of(lang)
    w = words(lang)
    if results is None:
        results = (source.results(options, idea_set=idea_set) if idea_set is not None
                   else source.results(options))
    consultation = results.get("consultation") or {}
    builder = Builder(lang, consultation.get("slug") or "consultation")
    segment = ", ".join(f"{i18n.word(k, lang)}={i18n.word(str(v), lang)}"
                        for k, v in (results.get("segment") or {}).items())
    builder.source = provenance.source_lines(results, lang, segment=segment or None)
    _header_section(builder, results, source, options, today or dt.date.today())
    if not results.get("suppressed"):
        _ideas_sections(builder, results)
        _list_sections(builder, results)
        _debate_section(builder, results)
        _participation_section(builder, results, getattr(source, "geography", None))
        if groups:
            _groups_section(builder, source, options)
        _actions_section(builder, results)
    extra = [] if "votes" in getattr(source, "capabilities", frozenset()) else [
        words(lang)["no_groups"]]
    _notes_section(builder, results, extra)
    _sources_section(builder, results, source)

    title = consultation.get("title") or getattr(source, "title", "") or w["report"]
    contents = "".join(f'<li><a href="#{s.key}">{esc(s.title)}</a></li>'
                       for s in builder.sections if s.key != "top")
    body = "".join(
        (s.body if s.key == "top" else f'<section id="{s.key}"><h2>{esc(s.title)}</h2>'
         f"{s.body}</section>") for s in builder.sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · {esc(w['report'])}</title>\n<style>{CSS}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n'
        f'<script type="text/javascript">{GEO_ASSETS}</script>\n'
        f"</head>\n<body>\n{_with_contents(body, contents, w)}\n</body>\n</html>\n")


def _with_contents(body: str, contents: str, w: dict) -> str:
    """The table of contents goes right after the header section."""
    nav = f'<nav><h2>{esc(w["contents"])}</h2><ol>{contents}</ol></nav>'
    marker = "<!--end-header-->"
    return body.replace(marker, nav, 1) if marker in body else nav + body


# -- sections -------------------------------------------------------------------------------

def _header_section(builder: Builder, results: dict, source, options: Options,
                    today: dt.date) -> None:
    lang, w = builder.lang, words(builder.lang)
    consultation = results.get("consultation") or {}
    figures = results.get("key_figures") or {}
    title = consultation.get("title") or getattr(source, "title", "")
    parts = [f"<header><p class=\"caption\">{esc(w['report'])}</p><h1>{esc(title)}</h1>"]
    if consultation.get("question"):
        parts.append(f"<p><strong>{esc(w['question'])}</strong> : "
                     if lang == "fr" else f"<p><strong>{esc(w['question'])}</strong>: ")
        parts.append(f"{esc(consultation['question'])}</p>")
    start = i18n.long_date(consultation.get("start_date"), lang)
    end = i18n.long_date(consultation.get("end_date"), lang)
    if start and end:
        parts.append(f"<p>{esc(w['dates'].format(start=start, end=end))}</p>")
    if results.get("segment"):
        segment = ", ".join(f"{i18n.word(k, lang)} = {i18n.word(str(v), lang)}"
                            for k, v in results["segment"].items())
        parts.append(f'<p class="note">{esc(w["segment"].format(segment=segment))}</p>')
    if provenance.is_synthetic(results):
        parts.append(f'<p class="warning" id="synthetic">'
                     f'{esc(provenance.SYNTHETIC_NOTICE[lang])}</p>')
    version = provenance.data_version(source.path) if getattr(source, "path", None) else None
    parts.append(f'<p class="caption" id="citation">'
                 f'{esc(provenance.citation(results, lang, version=version, today=today))}</p>')
    if results.get("weighting"):
        parts.append(f'<p class="note">{esc(w["weighted"])}</p>')
    if results.get("suppressed"):
        parts.append(f'<p class="warning">{esc(w["suppressed"])}</p>')
    cards = []
    for key in ("participants", "proposals", "votes"):
        value = figures.get(key)
        cards.append(f'<div class="figure"><div class="value">{esc(i18n.integer(value, lang))}'
                     f'</div><div>{esc(w[key])}</div></div>')
    parts.append(f'<div class="figures" id="key-figures">{"".join(cards)}</div>')
    if figures.get("votes") and figures.get("votes_target"):
        parts.append('<p class="caption">' + esc(w["votes_target"].format(
            votes=i18n.integer(figures["votes"], lang),
            target=i18n.integer(figures["votes_target"], lang),
            percent=i18n.percent(100 * figures["votes"] / figures["votes_target"], lang)))
            + "</p>")
    if consultation.get("partners"):
        parts.append(f"<p><strong>{esc(w['partners'])}</strong> · "
                     + " · ".join(esc(p) for p in consultation["partners"]) + "</p>")
    if consultation.get("context"):
        parts.append(f"<details><summary>{esc(w['context'])}</summary>"
                     f"<p>{esc(consultation['context'])}</p></details>")
    if results.get("attribution"):
        parts.append(f'<p class="caption">{linkify(results["attribution"])}</p>')
    generated = w["generated"].format(date=i18n.long_date(today.isoformat(), lang))
    parts.append(f'<p class="caption">{esc(generated)} {esc(w["png"])}</p>'
                 "</header><!--end-header-->")
    builder.add("top", "", "".join(parts))


def _ideas_sections(builder: Builder, results: dict) -> None:
    from analytics.present.charts import ideas

    w = words(builder.lang)
    if not results.get("top_ideas"):
        return
    fig, data = ideas.ideas_chart(results, builder.lang)
    body = builder.figure(fig, data, name="ideas") or f"<p>{esc(w['no_ideas_chart'])}</p>"
    note = ideas.found_note(results, builder.lang)
    if note is not None:
        # Found in the texts: the one-sentence note, linked to the method below.
        found = ideas.FOUND[builder.lang]
        body = (f'<p class="note">{esc(note)} <a href="#{ideas.METHOD_ANCHOR}">'
                f'{esc(found["link"])}</a></p>' + body + _found_ideas_details(builder, results))
    builder.add("ideas", w["ideas"], body)
    fig, data = ideas.split_chart(results, builder.lang)
    if fig is not None:
        builder.add("split", w["split"], builder.figure(fig, data, name="ideas-split"))


def _found_ideas_details(builder: Builder, results: dict) -> str:
    """Each found idea's keywords and representative proposals, the "other" group (not
    ranked), and how the ideas were found."""
    from analytics.present.charts import ideas

    lang = builder.lang
    found = ideas.FOUND[lang]
    block = ideas.found(results) or {}
    texts = ideas.proposal_texts(results)
    colon = " : " if lang == "fr" else ": "
    items = {item["idea_id"]: item for item in block.get("ideas") or []}
    order = [i for i in results.get("ranked_ideas") or [] if i in items]
    order += [i for i in items if i not in order]
    parts = []
    for position, idea_id in enumerate(order, start=1):
        item = items[idea_id]
        keywords = ", ".join(str(k) for k in item.get("keywords") or []) or "—"
        examples = "".join(f"<li>{esc(texts[p][0])}</li>"
                           for p in (item.get("examples") or [])[:3] if p in texts)
        parts.append(f"<details><summary>{position}. {esc(item.get('name') or idea_id)}"
                     f"</summary><p><em>{esc(words(lang)['keywords'])}</em>{colon}"
                     f"{esc(keywords)}</p>{f'<ul>{examples}</ul>' if examples else ''}"
                     "</details>")
    unassigned = block.get("unassigned")
    if unassigned:
        name = ideas.other_label(results, lang)
        parts.append(f'<p class="note"><strong>{esc(name)}</strong>{colon}'
                     f"{esc(words(lang)['other'].format(n=i18n.integer(unassigned, lang)))}"
                     "</p>")
    method = "".join(f"<li>{esc(line)}</li>" for line in ideas.method_paragraphs(results, lang))
    parameters = "".join(f"<li>{esc(label)}{colon}{esc(value)}</li>"
                         for label, value in ideas.method_parameters(results, lang))
    parts.append(f'<h3 id="{ideas.METHOD_ANCHOR}">{esc(found["method_title"])}</h3>'
                 f"<ul>{method}</ul>"
                 + (f"<details><summary>{esc(found['parameters'])}</summary><ul>{parameters}"
                    "</ul></details>" if parameters else ""))
    return "".join(parts)


def _list_sections(builder: Builder, results: dict) -> None:
    from analytics.present.charts import proposals

    lang, w = builder.lang, words(builder.lang)
    for key, kind, title in (("controversials", "controversy", w["controversial"]),
                             ("rejected", "rejection", w["rejected"])):
        items = results.get(key) or []
        if not items:
            builder.add(kind, title, f"<p>{esc(w['list_empty'])}</p>")
            continue
        fig, data = proposals.ranked_list_chart(items, lang, kind)
        cards = []
        for rank, item in enumerate(items, start=1):
            line = w["list_line"].format(agree=i18n.percent(item.get("agree"), lang),
                                         disagree=i18n.percent(item.get("disagree"), lang),
                                         votes=i18n.integer(item.get("votes"), lang))
            author = f"<strong>{esc(item.get('author'))}</strong> · " if item.get("author") \
                else ""
            cards.append(f'<div class="card">{rank}. {author}{esc(item.get("content"))}'
                         f'<div class="caption">{esc(line)}</div></div>')
        builder.add(kind, title, builder.figure(fig, data, name=kind) + "".join(cards))


def _debate_section(builder: Builder, results: dict) -> None:
    from analytics.present.charts import debate

    lang, w = builder.lang, words(builder.lang)
    parts = []
    if results.get("proposals"):
        fig, data = debate.debate_map(results, lang)
        parts.append(builder.figure(fig, data, name="debate-map")
                     or f"<p>{esc(w['no_map'])}</p>")
    for group in debate.tag_groups(results):
        fig, data = debate.tag_chart(group, lang)
        parts.append(builder.figure(fig, data, name=f"themes-{group.get('tag_type') or ''}"))
    if hidden := debate.hidden_tag_types(results):
        parts.append(f"<p>{esc(w['more_tag_types'].format(hidden=f'{hidden:,}'))}</p>")
    published = debate.published_charts(results)
    for chart in published:
        fig, data = debate.published_chart(chart, lang, height=debate.pie_height(published))
        parts.append(builder.figure(fig, data, name="cartography"))
    builder.add("debate", w["debate"], "".join(parts))


def _participation_section(builder: Builder, results: dict, geography=None) -> None:
    from analytics.present.charts import participation as charts

    lang, w = builder.lang, words(builder.lang)
    rows = results.get("participation") or {}
    if not any(rows.get(d) for d in ("gender", "age_band", "region", "department", "commune",
                                     "other")):
        return
    consultation = results.get("consultation") or {}
    french = consultation.get("country") in (None, "", "FR")
    parts = []
    # The consultation's own areas first (analytics.inputs.geography), else France's régions.
    layer = charts.own_layer(geography) if geography is not None else None
    if layer is None and french and rows.get("region"):
        layer = charts.reference_layer("region")
    frame = (charts.geo_frame(results, layer=layer)
             if layer is not None and rows.get(layer.dimension) else None)
    if frame is not None and charts.mappable(frame) and charts.available_metrics(frame):
        metric = charts.available_metrics(frame)[0]
        fig, data = charts.choropleth(frame, lang, metric, layer=layer,
                                      published=(results.get("source") or {}).get("kind")
                                      == "published")
        parts.append(f"<h3>{esc(w['where'])}</h3>" + builder.figure(fig, data, name="regions")
                     + f'<p class="caption">{esc(w["map_caption"])}</p>')
    elif rows.get("region"):
        fig, data = charts.comparison_bars(rows["region"], lang, "region", horizontal=True)
        parts.append(f"<h3>{esc(w['where'])}</h3>" + builder.figure(fig, data, name="regions"))
    who = []
    for dimension in ("gender", "age_band"):
        if rows.get(dimension):
            fig, data = charts.comparison_bars(rows[dimension], lang, dimension)
            who.append(builder.figure(fig, data, name=f"participation-{dimension}"))
    if who:
        parts.append(f"<h3>{esc(w['who'])}</h3>" + "".join(who))
    builder.add("participation", w["participation"], "".join(parts)
                or f"<p>{esc(w['no_participation'])}</p>")


def _groups_section(builder: Builder, source, options: Options) -> None:
    from analytics.metrics import groups as opinion
    from analytics.present.charts.groups import agreement_figure, map_figure

    lang, w = builder.lang, words(builder.lang)
    capabilities = getattr(source, "capabilities", frozenset())
    if "votes" not in capabilities:
        return
    result = opinion.opinion_groups(source, opinion.GroupOptions(segment=options.segment))
    codes = {note["code"]: note for note in result["notes"]}
    parts = [f"<p>{esc(w['groups_intro'])}</p>"]
    for code in ("no_votes", "segment_too_small", "too_few"):
        if code in codes:
            reason = w["groups_none"].format(reason=w["groups_reasons"][code])
            parts.append(f'<p class="note">{esc(reason)}</p>')
            builder.add("groups", w["groups"], "".join(parts))
            return
    counts = result["counts"]
    if counts.get("sampled"):
        parts.append('<p class="note">' + esc(w["groups_sampled"].format(
            used=i18n.integer(counts["used"], lang),
            eligible=i18n.integer(counts["eligible"], lang),
            threshold=counts["threshold"])) + "</p>")
    if "no_structure" in codes:
        parts.append('<p class="warning">' + esc(w["groups_no_structure"].format(
            explained=i18n.percent(100 * codes["no_structure"]["explained"], lang, 1),
            shuffled=i18n.percent(100 * codes["no_structure"]["shuffled"], lang, 1))) + "</p>")
    fig, data = map_figure(result, lang)
    parts.append(builder.figure(fig, data, name="groups-map"))
    fig, data = agreement_figure(result, lang)
    parts.append(builder.figure(fig, data, name="groups-agreement"))
    for group in result["groups"]:
        items = result["representative"].get(group["group"]) or []
        if not items:
            continue
        parts.append("<h3>" + esc(w["group_apart"].format(
            g=group["group"], n=i18n.integer(group["participants"], lang))) + "</h3>")
        for item in items:
            agree = item["direction"] == "agree"
            share = item["group_agree"] if agree else item["group_disagree"]
            others = item["others_agree"] if agree else item["others_disagree"]
            line = w["group_line"].format(share=i18n.percent(share, lang),
                                          word=w["agree_word" if agree else "disagree_word"],
                                          others=i18n.percent(others, lang))
            tag = "agree" if agree else "disagree"
            parts.append(f'<div class="card"><span class="tag {tag}">'
                         f'{esc(w[tag + "_word"])}</span>{esc(item["content"])}'
                         f'<div class="caption">{esc(line)}</div></div>')
    if result["consensus"]:
        parts.append(f"<h3>{esc(w['consensus'])}</h3>")
        for item in result["consensus"]:
            line = w["consensus_line"].format(score=i18n.decimal(item["consensus"], lang, 2),
                                              agree=i18n.percent(item["agree"], lang))
            line += "".join(f" · {group} {_share(share, lang)}"
                            for group, share in item["groups"].items())
            parts.append(f'<div class="card">{esc(item["content"])}'
                         f'<div class="caption">{esc(line)}</div></div>')
    builder.add("groups", w["groups"], "".join(parts))


def _share(value, lang: str) -> str:
    return "< 10" if value is None else i18n.percent(value, lang)


def _actions_section(builder: Builder, results: dict) -> None:
    w = words(builder.lang)
    actions = results.get("actions") or []
    if not actions:
        return
    parts, axis = [], None
    for action in actions:
        if action.get("axis") and action.get("axis") != axis:
            axis = action["axis"]
            parts.append(f"<h3>{esc(axis)}</h3>")
        body = [f"<strong>{esc(action.get('name'))}</strong>"]
        if action.get("description"):
            body.append(f"<p>{esc(action['description'])}</p>")
        if action.get("objective"):
            body.append(f"<p><em>{esc(w['objective'])}</em> · {esc(action['objective'])}</p>")
        if action.get("carriers"):
            body.append(f"<p><em>{esc(w['carriers'])}</em> · "
                        + esc(" · ".join(str(c) for c in action["carriers"])) + "</p>")
        if action.get("quotes"):
            quotes = "".join(f"<li>{esc(q)}</li>" for q in action["quotes"])
            body.append(f"<p><em>{esc(w['quotes'])}</em></p><ul>{quotes}</ul>")
        parts.append(f'<div class="card">{"".join(body)}</div>')
    builder.add("actions", w["actions"], "".join(parts))


def _notes_section(builder: Builder, results: dict, extra: list[str]) -> None:
    w = words(builder.lang)
    lines = [f"<li>{esc(text)}</li>" for text in extra]
    for note in results.get("notes") or []:
        text = w["notes_text"].get(note.get("code")) or note.get("message")
        if text:
            lines.append(f"<li>{esc(text)}</li>")
    if lines:
        builder.add("notes", w["notes"], f"<ul>{''.join(lines)}</ul>")


def _sources_section(builder: Builder, results: dict, source) -> None:
    w = words(builder.lang)
    kind = getattr(source, "kind", None) or (results.get("source") or {}).get("kind")
    path = getattr(source, "path", None)
    name = getattr(path, "name", None) or ""
    parts = [f"<p>{esc(w['source_kind'].format(kind=w['kinds'].get(kind, kind or ''), name=name))}"
             "</p>", f"<p>{esc(w['method'])}</p>"]
    if results.get("attribution"):
        parts.append(f"<h3>{esc(w['attribution'])}</h3><p>{linkify(results['attribution'])}</p>")
    builder.add("sources", w["sources"], "".join(parts))
