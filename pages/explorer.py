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

TEXT = {
    "fr": {
        "intro_opendata": "Chaque proposition de l'export Make.org avec ses votes, son "
                          "adhésion (part de votes « Pour »), son engagement (solde des "
                          "mentions positives « Coup de cœur », « Réaliste » moins les "
                          "négatives « Surtout pas ! », « Infaisable », « Banalité ») et son "
                          "score (adhésion + engagement), tels que publiés.",
        "intro_votes": "Chaque proposition avec ses votes. Pour appliquer la même règle qu'aux "
                       "exports Make.org, l'adhésion est ici la part des votes « D'accord » et "
                       "l'engagement la part de « Coup de cœur » + « Réaliste » − « Surtout "
                       "pas ! » − « Infaisable » − « Banalité », calculées à partir des votes ; "
                       "le score est le score Make.org (borne basse).",
        "intro_polis": "Chaque commentaire de la conversation Polis avec ses votes. L'adhésion "
                       "est la part des votes « D'accord » ; Polis ne connaît pas les mentions "
                       "(« Coup de cœur »...), donc pas d'engagement ; le score est le score "
                       "Make.org calculé sur les votes (borne basse).",
        "no_proposals": "Ces données ne contiennent pas les propositions une à une (résultats "
                        "publiés) : il faudrait un lot de votes, un export par proposition ou "
                        "une conversation Polis.",
        "proposals": "Propositions", "votes": "Votes", "median_votes": "Votes par proposition "
        "(médiane)", "with_age": "Âge de l'auteur indiqué",
        "distribution": "Répartition des propositions",
        "votes_title": "Nombre de votes par proposition",
        "votes_axis": "Votes reçus", "count_axis": "Propositions",
        "adhesion_title": "Adhésion : part des votes « Pour » (%)",
        "agreement_title": "Adhésion : part des votes « D'accord » (%)",
        "adhesion_axis": "Adhésion (%)",
        "engagement_title": "Engagement : mentions positives moins négatives (%)",
        "engagement_axis": "Engagement (%)",
        "no_votes": "Ces propositions n'ont pas de votes (export intermédiaire) : pas de "
                    "répartition des votes, de classement ni de plébiscites.",
        "no_engagement_polis": "Pas d'engagement : Polis ne recueille pas de mentions "
                               "(« Coup de cœur », « Réaliste »...).",
        "no_engagement": "Ces données ne donnent pas l'engagement des propositions.",
        "no_adhesion": "Ces données ne donnent pas l'adhésion des propositions.",
        "ranking": "Classement par score",
        "ranking_opendata": "Les propositions par score (adhésion + engagement), du plus haut "
                            "au plus bas.",
        "ranking_votes": "Les propositions par score Make.org (borne basse du score, qui "
                         "tient compte du nombre de votes).",
        "shown": "Propositions affichées",
        "download_ranking": "Télécharger le classement complet (CSV)",
        "plebiscites": "Les plébiscites",
        "rule": "Make.org appelle plébiscite une proposition qui réunit assez de votes, une "
                "forte adhésion et un fort engagement : pour « Le Monde d'après », au moins "
                "90 votes, 80 % d'adhésion et 37 % d'engagement. Réglez les seuils :",
        "rule_polis": "Make.org appelle plébiscite une proposition qui réunit assez de votes, "
                      "une forte adhésion et un fort engagement (90 votes, 80 %, 37 % pour "
                      "« Le Monde d'après »). Sans mentions dans Polis, la règle porte ici sur "
                      "les votes et l'adhésion seulement.",
        "min_votes": "Votes au moins", "min_adhesion": "Adhésion au moins (%)",
        "min_engagement": "Engagement au moins (%)",
        "count": "{n} plébiscite(s) sur {total} propositions ({share})",
        "map_title": "Adhésion et engagement des propositions d'au moins {votes} votes "
                     "(plébiscites encadrés)",
        "map_title_polis": "Votes et adhésion des propositions (zone des plébiscites encadrée)",
        "cell": "Propositions", "plebiscite": "Plébiscite", "other": "Autre",
        "none": "Aucune proposition ne remplit ces conditions.",
        "age": "Âge des auteurs",
        "age_title": "Âge des auteurs des propositions",
        "age_axis": "Âge (ans)",
        "age_caption": "{n} propositions sur {total} indiquent l'âge de leur auteur "
                       "(facultatif).",
        "no_age": "Ces données ne donnent pas l'âge des auteurs.",
        "search": "Rechercher",
        "search_box": "Mots à chercher dans les propositions et les auteurs",
        "search_help": "Tous les mots doivent figurer (majuscules et accents ignorés) ; "
                       "« guillemets » pour une expression exacte.",
        "placeholder": "ex. : transports vélo",
        "matches": "{n} proposition(s) trouvée(s) sur {total}.",
        "no_match": "Aucune proposition ne contient ces mots.",
        "download_matches": "Télécharger ces propositions (CSV)",
        "col_rank": "Rang", "col_content": "Proposition", "col_author": "Auteur",
        "col_age": "Âge", "col_votes": "Votes", "col_adhesion": "Adhésion",
        "col_engagement": "Engagement", "col_score": "Score",
        "from_to": "de {start} à {end}", "above": "{start} et plus",
    },
    "en": {
        "intro_opendata": "Every proposal of the Make.org export with its votes, its adhesion "
                          "(share of “For” votes), its engagement (positive mentions “Love it”, "
                          "“Realistic” minus negative ones “No way!”, “Impossible”, "
                          "“Platitude”) and its score (adhesion + engagement), as published.",
        "intro_votes": "Every proposal with its votes. To apply the same rule as to Make.org "
                       "exports, adhesion is the share of “Agree” votes and engagement the "
                       "share of “Love it” + “Realistic” − “No way!” − “Impossible” − "
                       "“Platitude”, computed here from the votes; the score is the Make.org "
                       "score (lower bound).",
        "intro_polis": "Every comment of the Polis conversation with its votes. Adhesion is "
                       "the share of “Agree” votes; Polis has no mentions (“Love it”...), so "
                       "no engagement; the score is the Make.org score computed from the "
                       "votes (lower bound).",
        "no_proposals": "This data does not hold the proposals one by one (published "
                        "results): a vote-level bundle, a proposal export or a Polis "
                        "conversation would.",
        "proposals": "Proposals", "votes": "Votes", "median_votes": "Votes per proposal "
        "(median)", "with_age": "Author's age given",
        "distribution": "How proposals are spread",
        "votes_title": "Number of votes per proposal",
        "votes_axis": "Votes received", "count_axis": "Proposals",
        "adhesion_title": "Adhesion: share of “For” votes (%)",
        "agreement_title": "Adhesion: share of “Agree” votes (%)",
        "adhesion_axis": "Adhesion (%)",
        "engagement_title": "Engagement: positive minus negative mentions (%)",
        "engagement_axis": "Engagement (%)",
        "no_votes": "These proposals have no votes (intermediate export): no vote "
                    "distribution, ranking or plébiscites.",
        "no_engagement_polis": "No engagement: Polis does not collect mentions (“Love it”, "
                               "“Realistic”...).",
        "no_engagement": "This data does not give the proposals' engagement.",
        "no_adhesion": "This data does not give the proposals' adhesion.",
        "ranking": "Ranking by score",
        "ranking_opendata": "Proposals by score (adhesion + engagement), highest first.",
        "ranking_votes": "Proposals by Make.org score (lower bound of the score, which "
                         "accounts for the number of votes).",
        "shown": "Proposals shown",
        "download_ranking": "Download the full ranking (CSV)",
        "plebiscites": "The plébiscites",
        "rule": "Make.org calls “plébiscite” a proposal with enough votes, strong adhesion and "
                "strong engagement: for “Le Monde d'après”, at least 90 votes, 80% adhesion "
                "and 37% engagement. Set the thresholds:",
        "rule_polis": "Make.org calls “plébiscite” a proposal with enough votes, strong "
                      "adhesion and strong engagement (90 votes, 80%, 37% for “Le Monde "
                      "d'après”). Polis has no mentions, so the rule here uses votes and "
                      "adhesion only.",
        "min_votes": "At least this many votes", "min_adhesion": "Adhesion at least (%)",
        "min_engagement": "Engagement at least (%)",
        "count": "{n} plébiscite(s) out of {total} proposals ({share})",
        "map_title": "Adhesion and engagement of proposals with at least {votes} votes "
                     "(plébiscites outlined)",
        "map_title_polis": "Votes and adhesion of proposals (plébiscite zone outlined)",
        "cell": "Proposals", "plebiscite": "Plébiscite", "other": "Other",
        "none": "No proposal meets these conditions.",
        "age": "Authors' age",
        "age_title": "Age of the proposals' authors",
        "age_axis": "Age (years)",
        "age_caption": "{n} of {total} proposals give their author's age (optional).",
        "no_age": "This data does not give the authors' age.",
        "search": "Search",
        "search_box": "Words to look for in proposals and authors",
        "search_help": "Every word must appear (case and accents ignored); “quotes” for an "
                       "exact phrase.",
        "placeholder": "e.g. transport bike",
        "matches": "{n} proposal(s) found out of {total}.",
        "no_match": "No proposal contains these words.",
        "download_matches": "Download these proposals (CSV)",
        "col_rank": "Rank", "col_content": "Proposal", "col_author": "Author",
        "col_age": "Age", "col_votes": "Votes", "col_adhesion": "Adhesion",
        "col_engagement": "Engagement", "col_score": "Score",
        "from_to": "{start} to {end}", "above": "{start} and more",
    },
}

view = ui.current_view()
results = view.results()
source = view.source()
lang = view.lang
text = TEXT[lang]
ui.header(view, "explorer", results)
stamp = ui.stamp(view)
slug = (results.get("consultation") or {}).get("slug") or "consultation"

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()
frame = opendata.indicators(results.get("proposals") or [])
if frame.empty:
    st.info(text["no_proposals"], icon=":material/info:")
    st.stop()

kind = source.kind
exported = kind == "opendata"
has_votes = bool(frame["votes"].notna().any())
has_engagement = bool(frame["engagement"].notna().any())
has_age = bool(frame["author_age"].notna().any())
has_author = bool(frame["author"].notna().any())
st.markdown(text["intro_opendata"] if exported else
            text["intro_polis"] if kind == "polis" else text["intro_votes"])
if results.get("segment"):
    ui.notes(results, lang, ("segment",))

figures = [(text["proposals"], i18n.integer(len(frame), lang))]
if has_votes:
    figures += [(text["votes"], i18n.integer(int(frame["votes"].sum()), lang)),
                (text["median_votes"], i18n.integer(float(frame["votes"].median()), lang))]
if has_age:
    figures.append((text["with_age"], i18n.percent(
        100 * frame["author_age"].notna().mean(), lang)))
for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value)


# -- helpers --------------------------------------------------------------------------------

def number(value, digits: int = 0) -> str:
    return i18n.integer(value, lang) if digits == 0 else i18n.decimal(value, lang, digits)


def bin_label(start, end, digits: int = 0) -> str:
    if end is None or end != end:
        return text["above"].format(start=number(start, digits))
    return text["from_to"].format(start=number(start, digits), end=number(end, digits))


def histogram(bins: pd.DataFrame, title: str, axis: str, *, lang: str,
              threshold: float | None = None,
              color: str = style.BLUE) -> tuple[go.Figure, pd.DataFrame]:
    """Bars of `bins` (start, end, count) on a numeric axis; the open last bin is
    drawn one step wide; a dashed line marks the plébiscite threshold."""
    text = TEXT[lang]       # (shared by readers: the language is an argument, the key)
    step = float((bins["end"] - bins["start"]).dropna().iloc[0]) if len(bins) else 1.0
    ends = bins["end"].where(bins["end"].notna(), bins["start"] + step)
    labels = [bin_label(s, e) for s, e in zip(bins["start"], bins["end"], strict=True)]
    fig = go.Figure(go.Bar(
        x=(bins["start"] + ends) / 2, y=bins["count"], width=ends - bins["start"],
        marker={"color": color, "line": {"color": "white", "width": 0.5}},
        customdata=labels, hovertemplate="%{customdata}<br>%{y} " + text["count_axis"].lower()
        + "<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": style.BLACK, "dash": "dash", "width": 1.5})
    style.apply(fig, lang, title, height=320, legend_below=False)
    fig.update_xaxes(title=axis, automargin=True)
    fig.update_yaxes(title=text["count_axis"], automargin=True)
    data = pd.DataFrame({axis: labels, text["count_axis"]: bins["count"].to_numpy()})
    return fig, data


def display(table: pd.DataFrame, with_rank: bool = False) -> pd.DataFrame:
    """The columns a reader needs, named in the page language."""
    columns = {"content": text["col_content"]}
    if has_author:
        columns["author"] = text["col_author"]
    if has_age:
        columns["author_age"] = text["col_age"]
    if has_votes:
        columns["votes"] = text["col_votes"]
    if table["adhesion"].notna().any():
        columns["adhesion"] = text["col_adhesion"]
    if has_engagement:
        columns["engagement"] = text["col_engagement"]
    if table["score"].notna().any():
        columns["score"] = text["col_score"]
    shown = table[list(columns)].rename(columns=columns)
    if with_rank:
        shown.insert(0, text["col_rank"], np.arange(1, len(shown) + 1))
    return shown


PERCENT_FORMAT = "%.0f %%" if lang == "fr" else "%.0f%%"
PERCENT_SIGN = "\u00a0%" if lang == "fr" else "%"


def table_config() -> dict:
    return {
        text["col_content"]: st.column_config.TextColumn(width="large"),
        text["col_adhesion"]: st.column_config.NumberColumn(format=PERCENT_FORMAT),
        text["col_engagement"]: st.column_config.NumberColumn(format=PERCENT_FORMAT),
        text["col_score"]: st.column_config.NumberColumn(format="%.3f"),
    }


ranked = opendata.rank(frame)

# -- search (first: what most readers come for) ---------------------------------------------

st.header(text["search"], anchor=False)
query = st.text_input(text["search_box"], key="q", bind="query-params",
                      placeholder=text["placeholder"], help=text["search_help"])
if query and query.strip():
    mask = opendata.search(ranked["content"].fillna("") + " " + ranked["author"].fillna(""),
                           query)
    found = ranked[mask]
    if found.empty:
        st.info(text["no_match"], icon=":material/search_off:")
    else:
        st.caption(text["matches"].format(n=i18n.integer(len(found), lang),
                                          total=i18n.integer(len(frame), lang)))
        shown = display(found)
        st.dataframe(shown, hide_index=True, width="stretch", key="search-table",
                     column_config=table_config())
        st.download_button(text["download_matches"], functools.partial(csv_bytes, shown, stamp),
                           file_name=f"{slug}-search.csv", mime="text/csv",
                           key="search-csv", icon=":material/download:", on_click="ignore")

# -- distributions --------------------------------------------------------------------------

if not has_votes:
    st.info(text["no_votes"], icon=":material/info:")
else:
    st.header(text["distribution"], anchor=False)
    votes = frame["votes"].astype("float64")
    cap = float(np.quantile(votes, 0.99))
    step = opendata.nice_step(cap - float(votes.min()), 30)
    cap = float(np.ceil(cap / step) * step)
    left, right = st.columns(2)
    with left:
        bins = opendata.binned(votes, step, start=np.floor(votes.min() / step) * step,
                               cap=cap if votes.max() >= cap else None)
        fig, data = ui.figure(histogram, bins, text["votes_title"], text["votes_axis"],
                              lang=lang)
        ui.chart(fig, data, key="hist-votes", view=view, filename=f"{slug}-votes")
    with right:
        bins = opendata.binned(frame["adhesion"], 5, start=0, stop=100)
        if bins.empty:
            st.caption(text["no_adhesion"])
        else:
            title = text["adhesion_title"] if exported else text["agreement_title"]
            fig, data = ui.figure(histogram, bins, title, text["adhesion_axis"], lang=lang,
                                  color=style.VOTE_COLORS["agree"])
            ui.chart(fig, data, key="hist-adhesion", view=view, filename=f"{slug}-adhesion")
    if has_engagement:
        bins = opendata.binned(frame["engagement"], 5)
        fig, data = ui.figure(histogram, bins, text["engagement_title"], text["engagement_axis"],
                              lang=lang,
                              color=style.QUALIFICATION_COLORS["like_it"])
        ui.chart(fig, data, key="hist-engagement", view=view, filename=f"{slug}-engagement")
    else:
        st.caption(text["no_engagement_polis"] if kind == "polis" else text["no_engagement"])

# -- ranking --------------------------------------------------------------------------------

if has_votes and ranked["score"].notna().any():
    st.header(text["ranking"], anchor=False)
    st.markdown(text["ranking_opendata"] if exported else text["ranking_votes"])
    count = st.select_slider(text["shown"], options=[10, 20, 50, 100, 200], value=20,
                             key="top", bind="query-params")
    st.dataframe(display(ranked.head(int(count)), with_rank=True), hide_index=True,
                 width="stretch", key="ranking-table", column_config=table_config())
    # The whole ranking, put in readers' form only when clicked.
    st.download_button(text["download_ranking"],
                       lambda: csv_bytes(display(ranked, with_rank=True), stamp),
                       file_name=f"{slug}-ranking.csv", mime="text/csv", key="ranking-csv",
                       icon=":material/download:", on_click="ignore")

# -- plébiscites ----------------------------------------------------------------------------

if has_votes and frame["adhesion"].notna().any():
    st.header(text["plebiscites"], anchor=False)
    st.markdown(text["rule"] if has_engagement else text["rule_polis"])
    defaults = opendata.PLEBISCITE
    top_votes = max(int(frame["votes"].max()), defaults["min_votes"], 100)
    controls = st.columns(3 if has_engagement else 2)
    min_votes = controls[0].slider(text["min_votes"], 0, top_votes, defaults["min_votes"],
                                   key="pv", bind="query-params")
    min_adhesion = controls[1].slider(text["min_adhesion"], 0, 100, defaults["min_adhesion"],
                                      key="pa", bind="query-params")
    min_engagement = None
    if has_engagement:
        min_engagement = controls[2].slider(text["min_engagement"], -100, 100,
                                            defaults["min_engagement"], key="pe",
                                            bind="query-params")
    mask = opendata.plebiscite_mask(frame, min_votes, min_adhesion, min_engagement)
    chosen = opendata.rank(frame[mask])
    st.markdown("**" + text["count"].format(
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
        counts, _, _ = np.histogram2d(valid["adhesion"], valid["engagement"],
                                      bins=[x_edges, y_edges])
        z = np.where(counts.T > 0, counts.T, np.nan)
        fig = go.Figure(go.Heatmap(
            x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2, z=z,
            colorscale=style.SEQUENTIAL, reversescale=True,
            colorbar={"title": {"text": text["cell"]}},
            hovertemplate=text["col_adhesion"] + " %{x:.0f}" + PERCENT_SIGN + "<br>"
            + text["col_engagement"] + " %{y:.0f}" + PERCENT_SIGN + "<br>%{z} "
            + text["cell"].lower() + "<extra></extra>"))
        fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_engagement,
                      y1=float(y_edges[-1]), line={"color": style.VERMILLION, "width": 2})
        style.apply(fig, lang, text["map_title"].format(votes=i18n.integer(min_votes, lang)),
                    height=420, legend_below=False)
        fig.update_xaxes(title=text["adhesion_axis"], range=[0, 100], automargin=True)
        fig.update_yaxes(title=text["engagement_axis"], automargin=True)
        cells = pd.DataFrame([
            {text["adhesion_axis"]: bin_label(x_edges[i], x_edges[i + 1]),
             text["engagement_axis"]: bin_label(y_edges[j], y_edges[j + 1]),
             text["cell"]: int(counts[i, j])}
            for i in range(len(x_edges) - 1) for j in range(len(y_edges) - 1)
            if counts[i, j] > 0])
        ui.chart(fig, cells, key="plebiscite-map", view=view, filename=f"{slug}-plebiscites-map")
    else:
        points = frame.dropna(subset=["adhesion"])
        flags = opendata.plebiscite_mask(points, min_votes, min_adhesion, None)
        fig = go.Figure()
        for name, selected, color in ((text["other"], ~flags, style.GREY),
                                      (text["plebiscite"], flags, style.VERMILLION)):
            part = points[selected]
            fig.add_trace(go.Scatter(
                x=part["adhesion"], y=part["votes"].astype("float64"), mode="markers",
                name=name, marker={"color": color, "size": 8, "opacity": 0.8},
                customdata=[style.wrap(c, 60, 2) for c in part["content"]],
                hovertemplate="%{customdata}<br>" + text["col_adhesion"] + " %{x:.0f}"
                + PERCENT_SIGN + "<br>"
                + "%{y} " + text["votes"].lower() + "<extra></extra>"))
        fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_votes,
                      y1=float(points["votes"].max()) * 1.05 + 1,
                      line={"color": style.VERMILLION, "width": 2})
        style.apply(fig, lang, text["map_title_polis"], height=420)
        fig.update_xaxes(title=text["adhesion_axis"], range=[0, 100], automargin=True)
        fig.update_yaxes(title=text["votes_axis"], automargin=True)
        ui.chart(fig, display(points), key="plebiscite-map", view=view,
                 filename=f"{slug}-plebiscites-map")

    if chosen.empty:
        st.info(text["none"], icon=":material/info:")
    else:
        shown = display(chosen, with_rank=True)
        st.dataframe(shown, hide_index=True, width="stretch", key="plebiscite-table",
                     column_config=table_config())
        st.download_button(view.t("download_csv"), functools.partial(csv_bytes, shown, stamp),
                           file_name=f"{slug}-plebiscites.csv", mime="text/csv",
                           key="plebiscite-csv", icon=":material/download:", on_click="ignore")

# -- authors' age ---------------------------------------------------------------------------

st.header(text["age"], anchor=False)
if has_age:
    ages = frame["author_age"].dropna().astype("float64")
    bins = opendata.binned(ages, 5, start=np.floor(ages.min() / 5) * 5)
    fig, data = ui.figure(histogram, bins, text["age_title"], text["age_axis"], lang=lang,
                          color=style.GREEN)
    ui.chart(fig, data, key="hist-age", view=view, filename=f"{slug}-author-age")
    st.caption(text["age_caption"].format(n=i18n.integer(len(ages), lang),
                                          total=i18n.integer(len(frame), lang)))
else:
    st.caption(text["no_age"])
