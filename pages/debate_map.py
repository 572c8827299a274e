"""Debate map: every proposal placed by agreement and controversy, coloured by
zone or axis; the cartography of the proposals' tags (themes, actors,
solutions...), overall and among Consensus proposals."""

import streamlit as st

from analytics import i18n
from analytics.present.charts import debate as charts
from analytics.vocabulary import ZONES
from pages import ui

TEXT = {
    "fr": {
        "intro": "Chaque point est une proposition : plus elle est à droite, plus elle recueille "
                 "de votes « D'accord » ; plus elle est haute, plus elle divise (autant "
                 "d'adhésion forte que de net rejet). Survolez un point pour lire la "
                 "proposition.",
        "colour": "Couleur", "by_zone": "Zone", "by_axis": "Axe", "by_idea": "Idée",
        "min_votes": "Nombre minimum de votes",
        "min_votes_help": "Masque les propositions qui ont reçu peu de votes : leurs parts "
                          "sont fragiles.",
        "shown": "{shown} propositions affichées sur {total}.",
        "start": "Au-delà de {most} points la carte devient illisible : elle part des "
                 "propositions d'au moins {n} votes (baissez le minimum pour les voir toutes).",
        "hidden": "{n} proposition(s) masquée(s) : moins de 10 votants dans ce segment.",
        "zones": "Comment les zones sont définies",
        "zone_rules": {
            "consensus": "au moins 60 % de votes « D'accord », ou bien peu d'indifférence "
                         "(moins de 40 % de neutres) et moins de 15 % de « Pas d'accord ».",
            "rejection": "au moins 60 % de « Pas d'accord », ou bien moins de 40 % de neutres "
                         "et moins de 15 % de « D'accord ».",
            "limbo": "au moins 40 % de votes neutres : les votants ne prennent pas parti.",
            "controversy": "tous les autres cas : les votes se partagent entre « D'accord » et "
                           "« Pas d'accord ».",
        },
        "zone_note": "Les parts sont lissées comme dans le score Make.org (une proposition qui "
                     "a peu de votes reste prudemment au milieu). Score de controverse : le "
                     "plus petit de « D'accord » et « Pas d'accord », plus le plus petit de "
                     "« Coup de cœur » et « Surtout pas ! ».",
        "no_map": "Ces données ne donnent pas, pour chaque proposition, la répartition de ses "
                  "votes entre « D'accord », « Pas d'accord » et neutre : pas de carte des "
                  "propositions (un lot de votes ou un export Polis la permettrait).",
        "no_map_filter": "Aucune proposition n'a au moins {n} votes : baissez le minimum.",
        "cartography": "La cartographie du débat",
        "more_tag_types": "Les {shown} types d'étiquette des propositions les plus étiquetées "
                          "sont montrés ; {hidden} autres types ne le sont pas (les données "
                          "complètes sont dans l'export des résultats).",
        "cartography_intro": "Pour chaque type d'étiquette, la part des propositions qui citent "
                             "chaque étiquette, parmi toutes les propositions et parmi les "
                             "propositions plébiscitées (zone Consensus).",
        "published": "Cartographie publiée avec les résultats (parts telles que publiées).",
        "no_cartography": "Ces résultats ne comportent pas de cartographie des thèmes.",
    },
    "en": {
        "intro": "Each dot is a proposal: the further right, the more “Agree” votes it got; "
                 "the higher, the more it divides (as much strong support as clear "
                 "rejection). Hover over a dot to read the proposal.",
        "colour": "Colour", "by_zone": "Zone", "by_axis": "Axis", "by_idea": "Idea",
        "min_votes": "Minimum number of votes",
        "min_votes_help": "Hides proposals with few votes: their shares are fragile.",
        "shown": "{shown} proposals shown of {total}.",
        "start": "Beyond {most} dots the map is unreadable: it starts from the proposals with "
                 "at least {n} votes (lower the minimum to see them all).",
        "hidden": "{n} proposal(s) hidden: fewer than 10 voters in this segment.",
        "zones": "How the zones are defined",
        "zone_rules": {
            "consensus": "at least 60% “Agree” votes, or little indifference (under 40% "
                         "neutral) and under 15% “Disagree”.",
            "rejection": "at least 60% “Disagree”, or under 40% neutral and under 15% "
                         "“Agree”.",
            "limbo": "at least 40% neutral votes: voters do not take sides.",
            "controversy": "every other case: votes are split between “Agree” and "
                           "“Disagree”.",
        },
        "zone_note": "Shares are smoothed as in the Make.org score (a proposal with few votes "
                     "stays cautiously in the middle). Controversy score: the smaller of "
                     "“Agree” and “Disagree”, plus the smaller of “Love it” and “No way!”.",
        "no_map": "This data does not give how each proposal's votes split between “Agree”, "
                  "“Disagree” and neutral: no map of proposals (a vote-level bundle or a Polis "
                  "export would provide it).",
        "no_map_filter": "No proposal has at least {n} votes: lower the minimum.",
        "cartography": "The cartography of the debate",
        "more_tag_types": "The {shown} tag types of the most tagged proposals are shown; "
                          "{hidden} other types are not (the full data is in the results "
                          "export).",
        "cartography_intro": "For each kind of tag, the share of proposals citing each label, "
                             "among all proposals and among the most supported ones (Consensus "
                             "zone).",
        "published": "Cartography published with the results (shares as published).",
        "no_cartography": "These results carry no cartography of themes.",
    },
}
RULE_ORDER = ("consensus", "rejection", "limbo", "controversy")      # as SPEC section 3
THRESHOLDS = (0, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 20000, 50000)

view = ui.current_view()
results = view.results()
text = TEXT[view.lang]
lang = view.lang
ui.header(view, "debate-map", results)
slug = (results.get("consultation") or {}).get("slug") or "consultation"

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()

# -- the map of proposals -------------------------------------------------------------------
placeable = ui.derived(view, charts.plottable)
hidden = sum(1 for p in results.get("proposals") or [] if p.get("suppressed"))
if placeable:
    st.markdown(text["intro"])
    largest = ui.derived(view, charts.max_votes)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    colours = ["zone"] + (["axis"] if charts.named_axes(results) else []) + (
        ["idea"] if charts.idea_axes(results) else [])
    colour = "zone"
    if len(colours) > 1:
        colour = left.segmented_control(
            text["colour"], colours, required=True, **ui.in_url("colour", colours, "zone"),
            format_func=lambda key: text[f"by_{key}"]) or "zone"
    options = [n for n in THRESHOLDS if n <= largest] or [0]
    start = ui.derived(view, charts.default_min_votes, tuple(options))
    min_votes = right.select_slider(
        text["min_votes"], options, **ui.in_url("map_votes", options, start),
        format_func=lambda n: i18n.integer(n, lang), help=text["min_votes_help"])
    points = ui.derived(view, charts.map_points, min_votes)
    counts = charts.zone_counts(points)
    for column, zone in zip(st.columns(len(ZONES)), ZONES, strict=True):
        share = 100 * counts[zone] / len(points) if len(points) else None
        column.metric(i18n.word(zone, lang),
                      i18n.integer(counts[zone], lang),
                      delta=i18n.percent(share, lang) if share is not None else None,
                      delta_color="off", delta_arrow="off", border=True,
                      help=text["zone_rules"][zone])
    caption = text["shown"].format(shown=i18n.integer(len(points), lang),
                                   total=i18n.integer(len(results.get("proposals") or []), lang))
    if start:
        caption += " " + text["start"].format(n=i18n.integer(start, lang),
                                              most=i18n.integer(charts.MAX_POINTS, lang))
    if hidden:
        caption += " " + text["hidden"].format(n=i18n.integer(hidden, lang))
    st.caption(caption)
    ui.notes(results, lang, ("segment",))
    # Ideas found in the texts (colours, hovers, table) say so, with a link to the method.
    ui.found_ideas_note(view, results)
    fig, data = ui.derived(view, charts.debate_map, lang, colour=colour, min_votes=min_votes)
    if fig is None:
        st.info(text["no_map_filter"].format(n=i18n.integer(min_votes, lang)),
                icon=":material/filter_alt:")
    else:
        ui.chart(fig, data, key="debate-map", view=view, filename=f"{slug}-debate-map")
    with st.container(border=True):
        st.markdown(f"**{text['zones']}**")
        st.markdown("\n".join(f"- **{i18n.word(zone, lang)}** : {text['zone_rules'][zone]}"
                              if lang == "fr" else
                              f"- **{i18n.word(zone, lang)}**: {text['zone_rules'][zone]}"
                              for zone in RULE_ORDER))
        st.caption(text["zone_note"])
else:
    st.info(text["no_map"], icon=":material/info:")

# -- the cartography ------------------------------------------------------------------------
st.header(text["cartography"], anchor=False)
groups = charts.tag_groups(results)
published = charts.published_charts(results)
if groups:
    st.markdown(text["cartography_intro"])
    for group in groups:
        fig, data = charts.tag_chart(group, lang)
        if fig is not None:
            ui.chart(fig, data, key=f"tags-{group['tag_type']}", view=view,
                     filename=f"{slug}-tags-{group['tag_type']}")
    if hidden := charts.hidden_tag_types(results):
        st.caption(text["more_tag_types"].format(
            shown=len(groups), hidden=i18n.integer(hidden, lang)))
elif published:
    st.caption(text["published"])
    columns = st.columns(2)
    height = charts.pie_height(published)
    for index, item in enumerate(published):
        fig, data = charts.published_chart(item, lang, height=height)
        if fig is None:
            continue
        with columns[index % 2]:
            ui.chart(fig, data, key=f"cartography-{index}", view=view,
                     filename=f"{slug}-cartography-{index + 1}")
elif any(note["code"] == "no_tags" for note in results.get("notes", [])):
    ui.notes(results, lang, ("no_tags",))
else:
    st.info(text["no_cartography"], icon=":material/info:")
