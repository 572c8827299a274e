"""Debate map: every proposal placed by agreement and controversy, coloured by
zone or axis; the cartography of the proposals' tags (themes, actors,
solutions...), overall and among Consensus proposals."""

import streamlit as st

from analytics import i18n
from analytics.i18n import N_
from analytics.present.charts import debate as charts
from analytics.vocabulary import ZONES
from pages import ui

# How each zone is defined (SPEC section 3), under the map and in the zones' metrics.
ZONE_RULES = {
    "consensus": N_("at least 60% “Agree” votes, or little indifference (under 40% neutral) "
                    "and under 15% “Disagree”."),
    "rejection": N_("at least 60% “Disagree”, or under 40% neutral and under 15% “Agree”."),
    "limbo": N_("at least 40% neutral votes: voters do not take sides."),
    "controversy": N_("every other case: votes are split between “Agree” and “Disagree”."),
}
RULE_ORDER = ("consensus", "rejection", "limbo", "controversy")      # as SPEC section 3
THRESHOLDS = (0, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 20000, 50000)

view = ui.current_view()
results = view.results()
lang = view.lang
_ = i18n.translator(lang)
ui.header(view, "debate-map", results)
slug = (results.get("consultation") or {}).get("slug") or "consultation"

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()

# -- the map of proposals -------------------------------------------------------------------
placeable = ui.derived(view, charts.plottable)
hidden = sum(1 for p in results.get("proposals") or [] if p.get("suppressed"))
if placeable:
    st.markdown(_("Each dot is a proposal: the further right, the more “Agree” votes it got; "
                  "the higher, the more it divides (as much strong support as clear "
                  "rejection). Hover over a dot to read the proposal."))
    largest = ui.derived(view, charts.max_votes)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    colours = ["zone"] + (["axis"] if charts.named_axes(results) else []) + (
        ["idea"] if charts.idea_axes(results) else [])
    colour = "zone"
    if len(colours) > 1:
        names = {"zone": i18n.word("zone", lang), "axis": i18n.word("axis", lang),
                 "idea": i18n.word("idea", lang)}
        colour = left.segmented_control(
            _("Colour"), colours, required=True, **ui.in_url("colour", colours, "zone"),
            format_func=names.get) or "zone"
    options = [n for n in THRESHOLDS if n <= largest] or [0]
    start = ui.derived(view, charts.default_min_votes, tuple(options))
    min_votes = right.select_slider(
        _("Minimum number of votes"), options, **ui.in_url("map_votes", options, start),
        format_func=lambda n: i18n.integer(n, lang),
        help=_("Hides proposals with few votes: their shares are fragile."))
    points = ui.derived(view, charts.map_points, min_votes)
    counts = charts.zone_counts(points)
    for column, zone in zip(st.columns(len(ZONES)), ZONES, strict=True):
        share = 100 * counts[zone] / len(points) if len(points) else None
        column.metric(i18n.word(zone, lang),
                      i18n.integer(counts[zone], lang),
                      delta=i18n.percent(share, lang) if share is not None else None,
                      delta_color="off", delta_arrow="off", border=True,
                      help=_(ZONE_RULES[zone]))
    caption = _("{shown} proposals shown of {total}.").format(
        shown=i18n.integer(len(points), lang),
        total=i18n.integer(len(results.get("proposals") or []), lang))
    if start:
        caption += " " + _("Beyond {most} dots the map is unreadable: it starts from the "
                           "proposals with at least {n} votes (lower the minimum to see them "
                           "all).").format(n=i18n.integer(start, lang),
                                           most=i18n.integer(charts.MAX_POINTS, lang))
    if hidden:
        caption += " " + _("{n} proposal(s) hidden: fewer than 10 voters in this "
                           "segment.").format(n=i18n.integer(hidden, lang))
    st.caption(caption)
    ui.notes(results, lang, ("segment",))
    # Ideas found in the texts (colours, hovers, table) say so, with a link to the method.
    ui.found_ideas_note(view, results)
    fig, data = ui.derived(view, charts.debate_map, lang, colour=colour, min_votes=min_votes)
    if fig is None:
        st.info(_("No proposal has at least {n} votes: lower the minimum.").format(
            n=i18n.integer(min_votes, lang)),
                icon=":material/filter_alt:")
    else:
        ui.chart(fig, data, key="debate-map", view=view, filename=f"{slug}-debate-map")
    with st.container(border=True):
        st.markdown("**" + _("How the zones are defined") + "**")
        st.markdown("\n".join("- " + charts.labelled("**" + i18n.word(zone, lang) + "**",
                                                     _(ZONE_RULES[zone]), lang)
                              for zone in RULE_ORDER))
        st.caption(_("Shares are smoothed as in the Make.org score (a proposal with few votes "
                     "stays cautiously in the middle). Controversy score: the smaller of "
                     "“Agree” and “Disagree”, plus the smaller of “Love it” and “No way!”."))
else:
    st.info(_("This data does not give how each proposal's votes split between “Agree”, "
              "“Disagree” and neutral: no map of proposals (a vote-level bundle or a Polis "
              "export would provide it)."), icon=":material/info:")

# -- the cartography ------------------------------------------------------------------------
st.header(_("The cartography of the debate"), anchor=False)
groups = charts.tag_groups(results)
published = charts.published_charts(results)
if groups:
    st.markdown(_("For each kind of tag, the share of proposals citing each label, among all "
                  "proposals and among the most supported ones (Consensus zone)."))
    for group in groups:
        fig, data = charts.tag_chart(group, lang)
        if fig is not None:
            ui.chart(fig, data, key=f"tags-{group['tag_type']}", view=view,
                     filename=f"{slug}-tags-{group['tag_type']}")
    if hidden := charts.hidden_tag_types(results):
        st.caption(_("The {shown} tag types of the most tagged proposals are shown; {hidden} "
                     "other types are not (the full data is in the results export).").format(
            shown=len(groups), hidden=i18n.integer(hidden, lang)))
elif published:
    st.caption(_("Cartography published with the results (shares as published)."))
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
    st.info(_("These results carry no cartography of themes."), icon=":material/info:")
