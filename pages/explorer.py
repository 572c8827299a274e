"""Proposal explorer: for every input with proposals (vote-level bundle, Polis
conversation, Make.org proposal export), the distribution of votes, adhesion
and engagement, the ranking by score, the "plébiscites" by Make.org's rule
(thresholds adjustable, in the URL), the authors' age, and full-text search
(in the URL)."""

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import i18n
from analytics.consultations import opendata
from analytics.present.charts import style
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
has_author = bool(frame["author"].notna().any())
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


# -- helpers --------------------------------------------------------------------------------

def number(value, digits: int = 0) -> str:
    return i18n.integer(value, lang) if digits == 0 else i18n.decimal(value, lang, digits)


def bin_label(start, end, digits: int = 0) -> str:
    if end is None or end != end:
        return _("{start} and more").format(start=number(start, digits))
    return _("{start} to {end}").format(start=number(start, digits), end=number(end, digits))


def histogram(bins: pd.DataFrame, title: str, axis: str, *, lang: str,
              threshold: float | None = None,
              color: str = style.BLUE) -> tuple[go.Figure, pd.DataFrame]:
    """Bars of `bins` (start, end, count) on a numeric axis; the open last bin is
    drawn one step wide; a dashed line marks the plébiscite threshold."""
    _ = i18n.translator(lang)     # (shared by readers: the language is an argument)
    step = float((bins["end"] - bins["start"]).dropna().iloc[0]) if len(bins) else 1.0
    ends = bins["end"].where(bins["end"].notna(), bins["start"] + step)
    labels = [bin_label(s, e) for s, e in zip(bins["start"], bins["end"], strict=True)]
    fig = go.Figure(go.Bar(
        x=(bins["start"] + ends) / 2, y=bins["count"], width=ends - bins["start"],
        marker={"color": color, "line": {"color": "white", "width": 0.5}},
        customdata=labels, hovertemplate="%{customdata}<br>"
        + _("{count} proposals").format(count="%{y}") + "<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": style.BLACK, "dash": "dash", "width": 1.5})
    style.apply(fig, lang, title, height=320, legend_below=False)
    fig.update_xaxes(title=axis, automargin=True)
    fig.update_yaxes(title=_("Proposals"), automargin=True)
    data = pd.DataFrame({axis: labels, _("Proposals"): bins["count"].to_numpy()})
    return fig, data


def display(table: pd.DataFrame, with_rank: bool = False) -> pd.DataFrame:
    """The columns a reader needs, named in the page language."""
    columns = {"content": _("Proposal")}
    if has_author:
        columns["author"] = _("Author")
    if has_age:
        columns["author_age"] = _("Age")
    if has_votes:
        columns["votes"] = _("Votes")
    if table["adhesion"].notna().any():
        columns["adhesion"] = _("Adhesion")
    if has_engagement:
        columns["engagement"] = _("Engagement")
    if table["score"].notna().any():
        columns["score"] = _("Score")
    shown = table[list(columns)].rename(columns=columns)
    if with_rank:
        shown.insert(0, _("Rank"), np.arange(1, len(shown) + 1))
    return shown


# "94 %" or "94%", as the language writes a percentage.
PERCENT_SIGN = i18n.percent(0, lang).removeprefix(i18n.integer(0, lang))
PERCENT_FORMAT = "%.0f" + PERCENT_SIGN.replace("%", "%%")


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
    votes = frame["votes"].astype("float64")
    cap = float(np.quantile(votes, 0.99))
    step = opendata.nice_step(cap - float(votes.min()), 30)
    cap = float(np.ceil(cap / step) * step)
    left, right = st.columns(2)
    with left:
        bins = opendata.binned(votes, step, start=np.floor(votes.min() / step) * step,
                               cap=cap if votes.max() >= cap else None)
        fig, data = ui.figure(histogram, bins, _("Number of votes per proposal"),
                              _("Votes received"), lang=lang)
        ui.chart(fig, data, key="hist-votes", view=view, filename=f"{slug}-votes")
    with right:
        bins = opendata.binned(frame["adhesion"], 5, start=0, stop=100)
        if bins.empty:
            st.caption(_("This data does not give the proposals' adhesion."))
        else:
            title = (_("Adhesion: share of “For” votes (%)") if exported
                     else _("Adhesion: share of “Agree” votes (%)"))
            fig, data = ui.figure(histogram, bins, title, _("Adhesion (%)"), lang=lang,
                                  color=style.VOTE_COLORS["agree"])
            ui.chart(fig, data, key="hist-adhesion", view=view, filename=f"{slug}-adhesion")
    if has_engagement:
        bins = opendata.binned(frame["engagement"], 5)
        fig, data = ui.figure(histogram, bins,
                              _("Engagement: positive minus negative mentions (%)"),
                              _("Engagement (%)"), lang=lang,
                              color=style.QUALIFICATION_COLORS["like_it"])
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
        # Proposals per cell of adhesion × engagement: readable for 50 or 50,000 proposals.
        x_step, y_step = 2.0, 5.0
        x_edges = np.arange(0, 100 + x_step, x_step)
        low = float(np.floor(frame["engagement"].min() / y_step) * y_step)
        high = float(np.ceil(frame["engagement"].max() / y_step) * y_step) + y_step
        y_edges = np.arange(low, high + y_step / 2, y_step)
        valid = frame.dropna(subset=["adhesion", "engagement"])
        valid = valid[valid["votes"].astype("float64") >= min_votes]
        counts = np.histogram2d(valid["adhesion"], valid["engagement"],
                                bins=[x_edges, y_edges])[0]
        z = np.where(counts.T > 0, counts.T, np.nan)
        fig = go.Figure(go.Heatmap(
            x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2, z=z,
            colorscale=style.SEQUENTIAL, reversescale=True,
            colorbar={"title": {"text": _("Proposals")}},
            hovertemplate=_("Adhesion") + " %{x:.0f}" + PERCENT_SIGN + "<br>"
            + _("Engagement") + " %{y:.0f}" + PERCENT_SIGN + "<br>"
            + _("{count} proposals").format(count="%{z}") + "<extra></extra>"))
        fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_engagement,
                      y1=float(y_edges[-1]), line={"color": style.VERMILLION, "width": 2})
        title = _("Adhesion and engagement of proposals with at least {votes} votes "
                  "(plébiscites outlined)").format(votes=i18n.integer(min_votes, lang))
        style.apply(fig, lang, title, height=420, legend_below=False)
        fig.update_xaxes(title=_("Adhesion (%)"), range=[0, 100], automargin=True)
        fig.update_yaxes(title=_("Engagement (%)"), automargin=True)
        cells = pd.DataFrame([
            {_("Adhesion (%)"): bin_label(x_edges[i], x_edges[i + 1]),
             _("Engagement (%)"): bin_label(y_edges[j], y_edges[j + 1]),
             _("Proposals"): int(counts[i, j])}
            for i in range(len(x_edges) - 1) for j in range(len(y_edges) - 1)
            if counts[i, j] > 0])
        ui.chart(fig, cells, key="plebiscite-map", view=view, filename=f"{slug}-plebiscites-map")
    else:
        points = frame.dropna(subset=["adhesion"])
        flags = opendata.plebiscite_mask(points, min_votes, min_adhesion, None)
        fig = go.Figure()
        for name, selected, color in ((_("Other"), ~flags, style.GREY),
                                      (_("Plébiscite"), flags, style.VERMILLION)):
            part = points[selected]
            fig.add_trace(go.Scatter(
                x=part["adhesion"], y=part["votes"].astype("float64"), mode="markers",
                name=name, marker={"color": color, "size": 8, "opacity": 0.8},
                customdata=[style.wrap(c, 60, 2) for c in part["content"]],
                hovertemplate="%{customdata}<br>" + _("Adhesion") + " %{x:.0f}"
                + PERCENT_SIGN + "<br>"
                + _("{votes} votes").format(votes="%{y}") + "<extra></extra>"))
        fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_votes,
                      y1=float(points["votes"].max()) * 1.05 + 1,
                      line={"color": style.VERMILLION, "width": 2})
        style.apply(fig, lang, _("Votes and adhesion of proposals (plébiscite zone outlined)"),
                    height=420)
        fig.update_xaxes(title=_("Adhesion (%)"), range=[0, 100], automargin=True)
        fig.update_yaxes(title=_("Votes received"), automargin=True)
        ui.chart(fig, display(points), key="plebiscite-map", view=view,
                 filename=f"{slug}-plebiscites-map")

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
    ages = frame["author_age"].dropna().astype("float64")
    bins = opendata.binned(ages, 5, start=np.floor(ages.min() / 5) * 5)
    fig, data = ui.figure(histogram, bins, _("Age of the proposals' authors"), _("Age (years)"),
                          lang=lang, color=style.GREEN)
    ui.chart(fig, data, key="hist-age", view=view, filename=f"{slug}-author-age")
    st.caption(_("{n} of {total} proposals give their author's age (optional).").format(
        n=i18n.integer(len(ages), lang), total=i18n.integer(len(frame), lang)))
else:
    st.caption(_("This data does not give the authors' age."))
