"""The "rapport complet": the whole consultation in one HTML file that opens offline.

The page is made from Jinja2 templates (analytics/present/templates/report.html and its parts
under report/), with autoescaping: this module gathers what each section shows, the
templates lay it out. plotly.js is inlined once in the head; every figure comes from
the builders of analytics/present/charts (the same figures as the dashboard); there is no
external script, style sheet, font or image, so the file opens without a network.
Every piece of text that comes from data is HTML-escaped by the templates (`finalize`:
right-to-left text isolated, then escaped); only the figures' own HTML and JavaScript
are marked safe, and figures escape their own labels (style.plain) while plotly writes
their JSON with <, > and / escaped. Privacy rules hold because the report only draws
from the results object (figures under 10 participants already suppressed there) and
from analytics.metrics.groups (groups under 10 never shown)."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from dataclasses import dataclass, field

import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from analytics import i18n
from analytics.i18n import N_
from analytics.metrics.engine import DEFAULT_OPTIONS, Options
from analytics.present import provenance
from analytics.present.charts import style
from analytics.present.charts.style import isolate
from analytics.results_model import Results

# Rows of a figure's data shown under it in the report (the dashboard has them all).
TABLE_ROWS = 60

TITLES = {
    "ideas": N_("The big ideas"), "split": N_("Agreement and disagreement per idea"),
    "controversy": N_("The most controversial proposals"),
    "rejection": N_("The most rejected proposals"), "debate": N_("Debate map"),
    "participation": N_("Participation"), "groups": N_("Opinion groups"),
    "actions": N_("The action plan"), "notes": N_("What this data cannot show"),
    "sources": N_("Sources and method"),
}
NOTES = {
    "no_ideas": N_("This data does not group proposals into big ideas."),
    "no_participants": N_("This data does not describe participants (gender, age, region)."),
    "no_actions": N_("No action plan comes with these results."),
    "no_tags": N_("Proposals carry no tags: no cartography of themes."),
    "segment": N_("Proposals with fewer than 10 voters in this segment are hidden."),
    "segment_too_small": N_("This segment has fewer than 10 participants."),
}
GROUPS_REASONS = {
    "no_votes": N_("this data does not hold each participant's votes."),
    "too_few": N_("not enough participants with enough votes."),
    "segment_too_small": N_("segment under 10 participants."),
}


def esc(value) -> str:
    """Text for the page: HTML-escaped; right-to-left text isolated (style.isolate)."""
    return html.escape(isolate("" if value is None else str(value)), quote=True)


def _finalize(value):
    """Every `{{ ... }}` of the templates: data is isolated and escaped as `esc` does;
    markup (the templates' own parts, translations, the figures) is left as it is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(esc(value))


_URL = re.compile(r"https?://[A-Za-z0-9._~/%?=&#:+-]+")


def linkify(text) -> Markup:
    """Escaped text whose plain http(s) URLs become links (credits ask for links)."""
    escaped = esc(text)
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


@functools.lru_cache(maxsize=8)
def environment(lang: str) -> jinja2.Environment:
    """The templates of one language (gettext from analytics.i18n's catalogs)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("analytics.present", "templates"),
                             autoescape=True, extensions=["jinja2.ext.i18n"],
                             finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    env.filters["esc"] = lambda value: Markup(esc(value))
    env.filters["linkify"] = linkify
    return env


@dataclass
class Figure:
    plot: Markup                     # plotly's div and script, ours
    table: dict | None = None        # columns, rows, more (data: escaped by the template)


@dataclass
class Section:
    key: str
    title: str
    template: str                    # report/<template>.html
    data: dict = field(default_factory=dict)


class Builder:
    """Collects sections; figures are numbered so that every div id is unique."""

    def __init__(self, lang: str, slug: str):
        self.lang = lang
        self._ = i18n.translator(lang)
        self.slug = slug or "consultation"
        self.sections: list[Section] = []
        self.header: dict = {}
        self._figures = 0
        self.source: list[str] = []     # written under every chart (provenance)

    def figure(self, fig, data: pd.DataFrame | None = None, *,
               name: str = "chart") -> Figure | None:
        if fig is None:
            return None
        self._figures += 1
        config = {"displaylogo": False, "responsive": True,
                  "toImageButtonOptions": {"format": "png", "scale": 2,
                                           "filename": f"{self.slug}-{name}"}}
        fig = style.with_source(go.Figure(offline_map(fig)), self.source)
        div = fig.to_html(full_html=False, include_plotlyjs=False, config=config,
                          div_id=f"figure-{self._figures}", default_width="100%")
        return Figure(Markup(div), self.table(data) if data is not None else None)

    def table(self, data: pd.DataFrame) -> dict | None:
        if data is None or data.empty:
            return None
        shown = data.head(TABLE_ROWS)
        more = (self._("First {shown} rows of {total} (all of them in the dashboard).")
                .format(shown=len(shown), total=len(data))) if len(data) > len(shown) else None
        return {"columns": [str(c) for c in shown.columns],
                "rows": [[_cell(v, self.lang) for v in row]
                         for row in shown.itertuples(index=False)],
                "more": more}

    def add(self, key: str, template: str | None = None, **data) -> None:
        self.sections.append(Section(key, self._(TITLES[key]), template or key, data))


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
                 results: Results | None = None, groups: bool = True,
                 today: dt.date | None = None, idea_set=None) -> str:
    """The report of `source` (an analytics.consultations.source.Source) as one HTML document.
    `results` may be given when already computed with the same options; `idea_set`
    (ideas corrected by a person) overrides the ideas found in the texts."""
    import plotly.offline

    lang = i18n.language_of(lang)
    _ = i18n.translator(lang)
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
        _("Opinion groups need each participant's votes (a vote-level bundle or a Polis "
          "export).")]
    _notes_section(builder, results, extra)
    _sources_section(builder, results, source)

    title = consultation.get("title") or getattr(source, "title", "") or _("Full report")
    return environment(lang).get_template("report.html").render(
        lang=lang, title=title, header=builder.header, sections=builder.sections,
        plotly_js=Markup(plotly.offline.get_plotlyjs()), geo_assets=Markup(GEO_ASSETS))


# -- sections -------------------------------------------------------------------------------

def _header_section(builder: Builder, results: Results, source, options: Options,
                    today: dt.date) -> None:
    lang, _ = builder.lang, builder._
    consultation = results.get("consultation") or {}
    figures = results.get("key_figures") or {}
    header = {"title": consultation.get("title") or getattr(source, "title", ""),
              "question": consultation.get("question"), "dates": None, "segment": None,
              "synthetic": None, "weighted": bool(results.get("weighting")),
              "suppressed": bool(results.get("suppressed")), "target": None,
              "partners": consultation.get("partners") or [],
              "context": consultation.get("context"),
              "attribution": results.get("attribution")}
    start = i18n.long_date(consultation.get("start_date"), lang)
    end = i18n.long_date(consultation.get("end_date"), lang)
    if start and end:
        header["dates"] = _("From {start} to {end}").format(start=start, end=end)
    if results.get("segment"):
        segment = ", ".join(f"{i18n.word(k, lang)} = {i18n.word(str(v), lang)}"
                            for k, v in results["segment"].items())
        header["segment"] = _("Results restricted to the segment: {segment}.").format(
            segment=segment)
    if provenance.is_synthetic(results):
        header["synthetic"] = provenance.synthetic_notice(lang)
    version = provenance.data_version(source.path) if getattr(source, "path", None) else None
    header["citation"] = provenance.citation(results, lang, version=version, today=today)
    header["cards"] = [(i18n.integer(figures.get(key), lang), i18n.word(key, lang))
                       for key in ("participants", "proposals", "votes")]
    if figures.get("votes") and figures.get("votes_target"):
        header["target"] = _("{votes} votes of a {target} target ({percent})").format(
            votes=i18n.integer(figures["votes"], lang),
            target=i18n.integer(figures["votes_target"], lang),
            percent=i18n.percent(100 * figures["votes"] / figures["votes_target"], lang))
    header["generated"] = _("Report generated on {date}.").format(
        date=i18n.long_date(today.isoformat(), lang))
    builder.header = header


def _ideas_sections(builder: Builder, results: Results) -> None:
    from analytics.present.charts import ideas

    if not results.get("top_ideas"):
        return
    fig, data = ideas.ideas_chart(results, builder.lang)
    note = ideas.found_note(results, builder.lang)
    found = None
    if note is not None:
        # Found in the texts: the one-sentence note, linked to the method below.
        found = {"note": note, "anchor": ideas.METHOD_ANCHOR,
                 "link": ideas.found_link_label(builder.lang),
                 **_found_ideas_details(builder, results)}
    builder.add("ideas", figure=builder.figure(fig, data, name="ideas"), found=found)
    fig, data = ideas.split_chart(results, builder.lang)
    if fig is not None:
        builder.add("split", "figure", figure=builder.figure(fig, data, name="ideas-split"))


def _found_ideas_details(builder: Builder, results: Results) -> dict:
    """Each found idea's keywords and representative proposals, the "other" group (not
    ranked), and how the ideas were found."""
    from analytics.present.charts import ideas

    lang = builder.lang
    found = ideas.found_words(lang)
    block = ideas.found(results) or {}
    texts = ideas.proposal_texts(results)
    items = {item["idea_id"]: item for item in block.get("ideas") or []}
    order = [i for i in results.get("ranked_ideas") or [] if i in items]
    order += [i for i in items if i not in order]
    listed = []
    for position, idea_id in enumerate(order, start=1):
        item = items[idea_id]
        listed.append({
            "position": position, "name": item.get("name") or idea_id,
            "keywords": ", ".join(str(k) for k in item.get("keywords") or []) or "—",
            "examples": [texts[p][0] for p in (item.get("examples") or [])[:3]
                         if p in texts]})
    unassigned = block.get("unassigned")
    other = None
    if unassigned:
        other = {"name": ideas.other_label(results, lang), "text": builder._(
            "{n} proposals are not close enough to any idea; this group is not an idea and "
            "is not ranked.").format(n=i18n.integer(unassigned, lang))}
    return {"ideas": listed, "other": other, "method_title": found["method_title"],
            "method": list(ideas.method_paragraphs(results, lang)),
            "parameters_title": found["parameters"],
            "parameters": list(ideas.method_parameters(results, lang))}


def _list_sections(builder: Builder, results: Results) -> None:
    from analytics.present.charts import proposals

    lang, _ = builder.lang, builder._
    for key, kind in (("controversials", "controversy"), ("rejected", "rejection")):
        items = results.get(key) or []
        if not items:
            builder.add(kind, "list", figure=None, cards=[])
            continue
        fig, data = proposals.ranked_list_chart(items, lang, kind)
        cards = [{"rank": rank, "author": item.get("author"), "content": item.get("content"),
                  "line": _("{agree} agree · {disagree} disagree · {votes} votes").format(
                      agree=i18n.percent(item.get("agree"), lang),
                      disagree=i18n.percent(item.get("disagree"), lang),
                      votes=i18n.integer(item.get("votes"), lang))}
                 for rank, item in enumerate(items, start=1)]
        builder.add(kind, "list", figure=builder.figure(fig, data, name=kind), cards=cards)


def _debate_section(builder: Builder, results: Results) -> None:
    from analytics.present.charts import debate

    lang = builder.lang
    figures, has_map = [], bool(results.get("proposals"))
    debate_map = None
    if has_map:
        fig, data = debate.debate_map(results, lang)
        debate_map = builder.figure(fig, data, name="debate-map")
    for group in debate.tag_groups(results):
        fig, data = debate.tag_chart(group, lang)
        figures.append(builder.figure(fig, data,
                                      name=f"themes-{group.get('tag_type') or ''}"))
    hidden = debate.hidden_tag_types(results)
    hidden_text = builder._(
        "{hidden} other tag types are not drawn (only those of the most tagged proposals "
        "are).").format(hidden=i18n.integer(hidden, lang)) if hidden else None
    published = debate.published_charts(results)
    for chart in published:
        fig, data = debate.published_chart(chart, lang, height=debate.pie_height(published))
        figures.append(builder.figure(fig, data, name="cartography"))
    figures = [f for f in figures if f is not None]
    if has_map or figures or hidden_text:
        builder.add("debate", has_map=has_map, map=debate_map, figures=figures,
                    hidden=hidden_text)


def _participation_section(builder: Builder, results: Results, geography=None) -> None:
    from analytics.present.charts import participation as charts

    lang = builder.lang
    rows = results.get("participation") or {}
    if not any(rows.get(d) for d in ("gender", "age_band", "region", "department", "commune",
                                     "other")):
        return
    consultation = results.get("consultation") or {}
    french = consultation.get("country") in (None, "", "FR")
    where = None
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
        where = {"figure": builder.figure(fig, data, name="regions"), "map": True}
    elif rows.get("region"):
        fig, data = charts.comparison_bars(rows["region"], lang, "region", horizontal=True)
        where = {"figure": builder.figure(fig, data, name="regions"), "map": False}
    who = []
    for dimension in ("gender", "age_band"):
        if rows.get(dimension):
            fig, data = charts.comparison_bars(rows[dimension], lang, dimension)
            who.append(builder.figure(fig, data, name=f"participation-{dimension}"))
    builder.add("participation", where=where, who=[f for f in who if f is not None],
                has_who=bool(who))


def _groups_section(builder: Builder, source, options: Options) -> None:
    from analytics.metrics import groups as opinion
    from analytics.present.charts.groups import agreement_figure, map_figure

    lang, _ = builder.lang, builder._
    capabilities = getattr(source, "capabilities", frozenset())
    if "votes" not in capabilities:
        return
    result = opinion.opinion_groups(source, opinion.GroupOptions(segment=options.segment))
    codes = {note["code"]: note for note in result["notes"]}
    for code in ("no_votes", "segment_too_small", "too_few"):
        if code in codes:
            builder.add("groups", none=_("No opinion groups: {reason}").format(
                reason=_(GROUPS_REASONS[code])))
            return
    data = {"none": None, "sampled": None, "no_structure": None, "groups": [],
            "consensus": []}
    counts = result["counts"]
    if counts.get("sampled"):
        data["sampled"] = _(
            "Reproducible random sample of {used} participants among the {eligible} who "
            "voted on at least {threshold} proposals.").format(
            used=i18n.integer(counts["used"], lang),
            eligible=i18n.integer(counts["eligible"], lang), threshold=counts["threshold"])
    if "no_structure" in codes:
        data["no_structure"] = _(
            "Caution: these votes show no more structure than the same votes shuffled at "
            "random ({explained} of the variation explained, against {shuffled}): the groups "
            "are tendencies, not camps.").format(
            explained=i18n.percent(100 * codes["no_structure"]["explained"], lang, 1),
            shuffled=i18n.percent(100 * codes["no_structure"]["shuffled"], lang, 1))
    fig, frame = map_figure(result, lang)
    data["map"] = builder.figure(fig, frame, name="groups-map")
    fig, frame = agreement_figure(result, lang)
    data["agreement"] = builder.figure(fig, frame, name="groups-agreement")
    pgettext = i18n.translations(lang).pgettext
    words = {"agree": pgettext("vote", "agree"), "disagree": pgettext("vote", "disagree")}
    for group in result["groups"]:
        items = result["representative"].get(group["group"]) or []
        if not items:
            continue
        cards = []
        for item in items:
            agree = item["direction"] == "agree"
            tag = "agree" if agree else "disagree"
            share = item["group_agree"] if agree else item["group_disagree"]
            others = item["others_agree"] if agree else item["others_disagree"]
            cards.append({"tag": tag, "word": words[tag], "content": item["content"],
                          "line": _("{share} {word} in the group, {others} among the "
                                    "others").format(share=i18n.percent(share, lang),
                                                     word=words[tag],
                                                     others=i18n.percent(others, lang))})
        data["groups"].append({"title": _("What sets group {g} apart ({n} participants)")
                               .format(g=group["group"],
                                       n=i18n.integer(group["participants"], lang)),
                               "cards": cards})
    for item in result["consensus"]:
        line = _("Consensus {score} · {agree} agree overall").format(
            score=i18n.decimal(item["consensus"], lang, 2),
            agree=i18n.percent(item["agree"], lang))
        line += "".join(f" · {group} {_share(share, lang)}"
                        for group, share in item["groups"].items())
        data["consensus"].append({"content": item["content"], "line": line})
    builder.add("groups", **data)


def _share(value, lang: str) -> str:
    return i18n.word("suppressed", lang) if value is None else i18n.percent(value, lang)


def _actions_section(builder: Builder, results: Results) -> None:
    actions = results.get("actions") or []
    if not actions:
        return
    listed, axis = [], None
    for action in actions:
        new_axis = None
        if action.get("axis") and action.get("axis") != axis:
            axis = new_axis = action["axis"]
        listed.append({"axis": new_axis, "name": action.get("name"),
                       "description": action.get("description"),
                       "objective": action.get("objective"),
                       "carriers": " · ".join(str(c) for c in action.get("carriers") or []),
                       "quotes": action.get("quotes") or []})
    builder.add("actions", actions=listed)


def _notes_section(builder: Builder, results: Results, extra: list[str]) -> None:
    lines = list(extra)
    for note in results.get("notes") or []:
        code = note.get("code")
        text = builder._(NOTES[code]) if code in NOTES else note.get("message")
        if text:
            lines.append(text)
    if lines:
        builder.add("notes", lines=lines)


def _kind_name(kind: str | None, lang: str) -> str:
    pgettext = i18n.translations(lang).pgettext
    names = {"bundle": pgettext("report", "vote-level bundle"),
             "published": pgettext("report", "published results"),
             "opendata": pgettext("report", "proposal export"),
             "polis": pgettext("report", "Polis conversation")}
    return names.get(kind, kind or "")


def _sources_section(builder: Builder, results: Results, source) -> None:
    _ = builder._
    kind = getattr(source, "kind", None) or (results.get("source") or {}).get("kind")
    path = getattr(source, "path", None)
    name = getattr(path, "name", None) or ""
    builder.add("sources", kind=_("Data: {kind} “{name}”.").format(
        kind=_kind_name(kind, builder.lang), name=name), method=_(
        "Method: shares in % of votes; Make.org scores (ProposalScorer) with their "
        "confidence interval, lists ranked by lower bound; any figure about fewer than 10 "
        "participants is hidden."), attribution=results.get("attribution"))
