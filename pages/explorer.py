"""Proposal explorer: for every input with proposals (vote-level bundle, Polis
conversation, Make.org proposal export), the distribution of votes, adhesion
and engagement, the ranking by score, the "plébiscites" by Make.org's rule
(thresholds adjustable, in the URL), the authors' age, and full-text search
(in the URL)."""

import functools

import streamlit as st

from analytics import i18n
from analytics.consultations import opendata
from analytics.present.charts import explorer as charts
from analytics.present.export import csv_bytes
from pages import ui

view = ui.current_view()
results = view.results()
source = view.source()
lang = view.lang
_ = i18n.translator(lang)
ui.header(view, "explorer", results)
stamp = ui.stamp(view)
slug = (results.get("consultation") or {}).get("slug") or "consultation"

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()
frame = opendata.indicators(results.get("proposals") or [])
if frame.empty:
    st.info(_("This data does not hold the proposals one by one (published results): a "
              "vote-level bundle, a proposal export or a Polis conversation would."),
            icon=":material/info:")
    st.stop()

kind = source.kind
exported = kind == "opendata"
has_votes = bool(frame["votes"].notna().any())
has_engagement = bool(frame["engagement"].notna().any())
has_age = bool(frame["author_age"].notna().any())
if exported:
    st.markdown(_("Every proposal of the Make.org export with its votes, its adhesion (share of "
                  "“For” votes), its engagement (positive mentions “Love it”, “Realistic” minus "
                  "negative ones “No way!”, “Impossible”, “Platitude”) and its score (adhesion + "
                  "engagement), as published."))
elif kind == "polis":
    st.markdown(_("Every comment of the Polis conversation with its votes. Adhesion is the share "
                  "of “Agree” votes; Polis has no mentions (“Love it”...), so no engagement; the "
                  "score is the Make.org score computed from the votes (lower bound)."))
else:
    st.markdown(_("Every proposal with its votes. To apply the same rule as to Make.org exports, "
                  "adhesion is the share of “Agree” votes and engagement the share of “Love it” "
                  "+ “Realistic” − “No way!” − “Impossible” − “Platitude”, computed here from "
                  "the votes; the score is the Make.org score (lower bound)."))
if results.get("segment"):
    ui.notes(results, lang, ("segment",))

figures = [(_("Proposals"), i18n.integer(len(frame), lang))]
if has_votes:
    figures += [(_("Votes"), i18n.integer(int(frame["votes"].sum()), lang)),
                (_("Votes per proposal (median)"),
                 i18n.integer(float(frame["votes"].median()), lang))]
if has_age:
    figures.append((_("Author's age given"), i18n.percent(
        100 * frame["author_age"].notna().mean(), lang)))
for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value)


# -- tables ---------------------------------------------------------------------------------

def display(table, with_rank: bool = False):
    """The columns a reader needs, named in the page language."""
    return charts.proposal_table(table, frame, lang, with_rank=with_rank)


# "94 %" or "94%", as the language writes a percentage.
PERCENT_FORMAT = i18n.printf_percent(lang)


def table_config() -> dict:
    return {
        _("Proposal"): st.column_config.TextColumn(width="large"),
        _("Adhesion"): st.column_config.NumberColumn(format=PERCENT_FORMAT),
        _("Engagement"): st.column_config.NumberColumn(format=PERCENT_FORMAT),
        _("Score"): st.column_config.NumberColumn(format="%.3f"),
    }


ranked = opendata.rank(frame)

# -- search (first: what most readers come for) ---------------------------------------------

st.header(_("Search"), anchor=False)
query = st.text_input(_("Words to look for in proposals and authors"), key="q",
                      bind="query-params", placeholder=_("e.g. transport bike"),
                      help=_("Every word must appear (case and accents ignored); “quotes” for "
                             "an exact phrase."))
if query and query.strip():
    mask = opendata.search(ranked["content"].fillna("") + " " + ranked["author"].fillna(""),
                           query)
    found = ranked[mask]
    if found.empty:
        st.info(_("No proposal contains these words."), icon=":material/search_off:")
    else:
        st.caption(_("{n} proposal(s) found out of {total}.").format(
            n=i18n.integer(len(found), lang), total=i18n.integer(len(frame), lang)))
        shown = display(found)
        st.dataframe(shown, hide_index=True, width="stretch", key="search-table",
                     column_config=table_config())
        st.download_button(_("Download these proposals (CSV)"),
                           functools.partial(csv_bytes, shown, stamp),
                           file_name=f"{slug}-search.csv", mime="text/csv",
                           key="search-csv", icon=":material/download:", on_click="ignore")

# -- distributions --------------------------------------------------------------------------

if not has_votes:
    st.info(_("These proposals have no votes (intermediate export): no vote distribution, "
              "ranking or plébiscites."), icon=":material/info:")
else:
    st.header(_("How proposals are spread"), anchor=False)
    left, right = st.columns(2)
    with left:
        fig, data = ui.figure(charts.votes_histogram, charts.votes_bins(frame["votes"]), lang)
        ui.chart(fig, data, key="hist-votes", view=view, filename=f"{slug}-votes")
    with right:
        bins = charts.adhesion_bins(frame["adhesion"])
        if bins.empty:
            st.caption(_("This data does not give the proposals' adhesion."))
        else:
            fig, data = ui.figure(charts.adhesion_histogram, bins, lang, exported=exported)
            ui.chart(fig, data, key="hist-adhesion", view=view, filename=f"{slug}-adhesion")
    if has_engagement:
        fig, data = ui.figure(charts.engagement_histogram,
                              charts.engagement_bins(frame["engagement"]), lang)
        ui.chart(fig, data, key="hist-engagement", view=view, filename=f"{slug}-engagement")
    elif kind == "polis":
        st.caption(_("No engagement: Polis does not collect mentions (“Love it”, "
                     "“Realistic”...)."))
    else:
        st.caption(_("This data does not give the proposals' engagement."))

# -- ranking --------------------------------------------------------------------------------

if has_votes and ranked["score"].notna().any():
    st.header(_("Ranking by score"), anchor=False)
    st.markdown(_("Proposals by score (adhesion + engagement), highest first.") if exported
                else _("Proposals by Make.org score (lower bound of the score, which accounts "
                       "for the number of votes)."))
    count = st.select_slider(_("Proposals shown"), options=[10, 20, 50, 100, 200], value=20,
                             key="top", bind="query-params")
    st.dataframe(display(ranked.head(int(count)), with_rank=True), hide_index=True,
                 width="stretch", key="ranking-table", column_config=table_config())
    # The whole ranking, put in readers' form only when clicked.
    st.download_button(_("Download the full ranking (CSV)"),
                       lambda: csv_bytes(display(ranked, with_rank=True), stamp),
                       file_name=f"{slug}-ranking.csv", mime="text/csv", key="ranking-csv",
                       icon=":material/download:", on_click="ignore")

# -- plébiscites ----------------------------------------------------------------------------

if has_votes and frame["adhesion"].notna().any():
    st.header(_("The plébiscites"), anchor=False)
    if has_engagement:
        st.markdown(_("Make.org calls “plébiscite” a proposal with enough votes, strong adhesion "
                      "and strong engagement: for “Le Monde d'après”, at least 90 votes, 80% "
                      "adhesion and 37% engagement. Set the thresholds:"))
    else:
        st.markdown(_("Make.org calls “plébiscite” a proposal with enough votes, strong adhesion "
                      "and strong engagement (90 votes, 80%, 37% for “Le Monde d'après”). Polis "
                      "has no mentions, so the rule here uses votes and adhesion only."))
    defaults = opendata.PLEBISCITE
    top_votes = max(int(frame["votes"].max()), defaults["min_votes"], 100)
    controls = st.columns(3 if has_engagement else 2)
    min_votes = controls[0].slider(_("At least this many votes"), 0, top_votes,
                                   defaults["min_votes"], key="pv", bind="query-params")
    min_adhesion = controls[1].slider(_("Adhesion at least (%)"), 0, 100,
                                      defaults["min_adhesion"], key="pa", bind="query-params")
    min_engagement = None
    if has_engagement:
        min_engagement = controls[2].slider(_("Engagement at least (%)"), -100, 100,
                                            defaults["min_engagement"], key="pe",
                                            bind="query-params")
    mask = opendata.plebiscite_mask(frame, min_votes, min_adhesion, min_engagement)
    chosen = opendata.rank(frame[mask])
    st.markdown("**" + _("{n} plébiscite(s) out of {total} proposals ({share})").format(
        n=i18n.integer(len(chosen), lang), total=i18n.integer(len(frame), lang),
        share=i18n.percent(100 * len(chosen) / len(frame), lang, 1)) + "**")

    if has_engagement:
        fig, data = charts.adhesion_engagement_map(frame, lang, min_votes, min_adhesion,
                                                   min_engagement)
    else:
        fig, data = charts.votes_adhesion_map(frame, lang, min_votes, min_adhesion)
    ui.chart(fig, data, key="plebiscite-map", view=view, filename=f"{slug}-plebiscites-map")

    if chosen.empty:
        st.info(_("No proposal meets these conditions."), icon=":material/info:")
    else:
        shown = display(chosen, with_rank=True)
        st.dataframe(shown, hide_index=True, width="stretch", key="plebiscite-table",
                     column_config=table_config())
        st.download_button(view.t("download_csv"), functools.partial(csv_bytes, shown, stamp),
                           file_name=f"{slug}-plebiscites.csv", mime="text/csv",
                           key="plebiscite-csv", icon=":material/download:", on_click="ignore")

# -- authors' age ---------------------------------------------------------------------------

st.header(_("Authors' age"), anchor=False)
if has_age:
    fig, data = ui.figure(charts.age_histogram, charts.age_bins(frame["author_age"]), lang)
    ui.chart(fig, data, key="hist-age", view=view, filename=f"{slug}-author-age")
    st.caption(_("{n} of {total} proposals give their author's age (optional).").format(
        n=i18n.integer(int(frame["author_age"].notna().sum()), lang),
        total=i18n.integer(len(frame), lang)))
else:
    st.caption(_("This data does not give the authors' age."))
