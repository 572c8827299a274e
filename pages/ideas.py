"""Big ideas: the ranked ideas grouped by axis (or in overall order), their
agree / neutral / disagree split, and the proposals of the selected idea."""

import functools

import streamlit as st

from analytics import i18n
from analytics.charts import ideas as charts
from pages import ui

TEXT = {
    "fr": {
        "intro_ranked": "Les propositions citoyennes sont regroupées en {ideas} grandes idées "
                        "exprimant des solutions proches{axes}. Les idées sont classées selon le "
                        "score Make.org : votes « D'accord » et « Pas d'accord » et mentions "
                        "« Coup de cœur », « Réaliste », « Surtout pas ! », « Infaisable » et "
                        "« Banalité », au bas de leur marge d'incertitude.",
        "intro_published": "Les {ideas} grandes idées approuvées par les citoyens{axes}, "
                           "telles que publiées.",
        "axes": ", réparties en {n} axes",
        "ranking": "Classement général",
        "ranking_help": "Toutes les idées dans l'ordre du classement, sans les regrouper par axe.",
        "n_ideas": "Grandes idées", "n_axes": "Axes", "idea_votes": "Votes sur ces idées",
        "idea_proposals": "Propositions rattachées",
        "click": "Cliquez sur une barre pour afficher les propositions de l'idée.",
        "split": "Accord et désaccord par idée",
        "published_only": "Ce fichier de résultats publiés ne donne, pour chaque idée, que ses "
                          "parts « D'accord », « Coup de cœur » et « Réaliste » : sans les votes "
                          "proposition par proposition (lot de votes), ni répartition accord / "
                          "désaccord ni détail des propositions.",
        "detail": "Les propositions d'une idée",
        "pick": "Idée", "sort": "Trier par", "by_score": "Classement",
        "no_proposals": "Aucune proposition rattachée à cette idée n'a de votes à afficher.",
        "hidden": "{n} proposition(s) de cette idée masquée(s) : moins de 10 votants dans ce "
                  "segment.",
        "suppressed_ideas": "{n} idée(s) masquée(s) : moins de 10 votes dans ce segment.",
        "table": "Toutes les propositions de l'idée (cliquez sur un en-tête pour trier)",
        "zone": "Zone de l'idée (voir la cartographie du débat) : {zone}.",
        "nothing": "Aucune grande idée n'a de votes à afficher.",
    },
    "en": {
        "intro_ranked": "Citizens' proposals are grouped into {ideas} big ideas expressing "
                        "similar solutions{axes}. Ideas are ranked by the Make.org score: "
                        "“Agree” and “Disagree” votes and the “Love it”, “Realistic”, “No way!”, "
                        "“Impossible” and “Platitude” mentions, at the low end of their "
                        "uncertainty margin.",
        "intro_published": "The {ideas} big ideas approved by citizens{axes}, as published.",
        "axes": ", in {n} axes",
        "ranking": "Overall ranking",
        "ranking_help": "All ideas in ranking order, not grouped by axis.",
        "n_ideas": "Big ideas", "n_axes": "Axes", "idea_votes": "Votes on these ideas",
        "idea_proposals": "Proposals in ideas",
        "click": "Click a bar to show the idea's proposals.",
        "split": "Agreement and disagreement per idea",
        "published_only": "This published results file gives only each idea's “Agree”, "
                          "“Love it” and “Realistic” shares: without proposal-level votes (a "
                          "vote-level bundle), there is no agree / disagree split and no "
                          "proposal detail.",
        "detail": "An idea's proposals",
        "pick": "Idea", "sort": "Sort by", "by_score": "Ranking",
        "no_proposals": "No proposal of this idea has votes to show.",
        "hidden": "{n} proposal(s) of this idea hidden: fewer than 10 voters in this segment.",
        "suppressed_ideas": "{n} idea(s) hidden: fewer than 10 votes in this segment.",
        "table": "All the idea's proposals (click a header to sort)",
        "zone": "Idea's zone (see the debate map): {zone}.",
        "nothing": "No big idea has votes to show.",
    },
}
SORT_WORDS = {"like_it": "likeIt", "controversy": "controversy_score"}
CHART_KEY = "ideas-bars"
PICK_KEY = "idea_pick"      # the selectbox; the URL parameter is `idea` (its idea_id)


def picked_idea(ids: list[str]) -> str:
    """The idea to detail: `idea` in the URL when valid, else the first idea. The URL
    carries the idea_id (a bound selectbox would carry the displayed name)."""
    wanted = st.query_params.get("idea")
    if wanted in ids:
        st.session_state[PICK_KEY] = wanted
    else:
        if wanted is not None:
            del st.query_params["idea"]
        if st.session_state.get(PICK_KEY) not in ids:
            st.session_state[PICK_KEY] = ids[0]
    return st.session_state[PICK_KEY]


def _picked() -> None:
    st.query_params["idea"] = st.session_state[PICK_KEY]


def _clicked(key: str) -> None:
    """A bar of the ideas chart was clicked: its idea becomes the selected one."""
    state = st.session_state.get(key) or {}
    points = (state.get("selection") or {}).get("points") or []
    for point in points:
        custom = point.get("customdata")
        idea_id = custom[0] if isinstance(custom, list) and custom else None
        if idea_id:
            st.query_params["idea"] = idea_id
            st.session_state[PICK_KEY] = idea_id
            return


view = ui.current_view()
results = view.results()
text = TEXT[view.lang]
lang = view.lang
ui.header(view, "ideas", results)
slug = (results.get("consultation") or {}).get("slug") or "consultation"

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()
if not results.get("top_ideas"):
    if any(note["code"] == "no_ideas" for note in results.get("notes", [])):
        ui.notes(results, lang, ("no_ideas",))
    else:
        st.info(text["nothing"], icon=":material/info:")
    st.stop()

ideas = charts.visible_ideas(results)
if not ideas:
    st.info(text["nothing"], icon=":material/info:")
    st.stop()
ranked = charts.has_ranks(ideas) and all(idea.get("idea_id") for idea in ideas)
axes = [axis for axis in results["top_ideas"] if axis.get("name")]
axes_text = text["axes"].format(n=len(axes)) if len(axes) > 1 else ""
intro = text["intro_ranked"] if ranked else text["intro_published"]
st.markdown(intro.format(ideas=len(ideas), axes=axes_text))

figures = [(text["n_ideas"], i18n.integer(len(ideas), lang))]
if len(axes) > 1:
    figures.append((text["n_axes"], i18n.integer(len(axes), lang)))
if all(idea.get("votes") is not None for idea in ideas):
    figures.append((text["idea_votes"], i18n.integer(sum(i["votes"] for i in ideas), lang)))
if all(idea.get("proposals") is not None for idea in ideas):
    figures.append((text["idea_proposals"],
                    i18n.integer(sum(i["proposals"] for i in ideas), lang)))
for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value)
hidden_ideas = charts.suppressed_ideas(results)
if hidden_ideas:
    st.caption(text["suppressed_ideas"].format(n=hidden_ideas))
ui.notes(results, lang, ("segment",))

overall = False
if ranked:
    overall = st.toggle(text["ranking"], key="ranking", bind="query-params",
                        help=text["ranking_help"])
if ranked:
    st.caption(text["click"])
    order = sorted(ideas, key=lambda idea: idea["rank"])
    names = {idea["idea_id"]: f"{idea['rank']}. {idea.get('idea') or ''}" for idea in order}
    picked = picked_idea(list(names))
    fig, data = charts.ideas_chart(results, lang, overall=overall, selected=picked)
    # One chart key per selected idea: a click opens the idea, and the chart comes back
    # without a lingering selection (plotly would dim every other bar).
    chart_key = f"{CHART_KEY}-{picked}"
    ui.chart(fig, data, key=chart_key, view=view, filename=f"{slug}-ideas",
             on_select=functools.partial(_clicked, chart_key))
else:
    fig, data = charts.ideas_chart(results, lang, overall=overall)
    ui.chart(fig, data, key=CHART_KEY, view=view, filename=f"{slug}-ideas")

split_fig, split_data = charts.split_chart(results, lang)
if split_fig is None:
    st.info(text["published_only"], icon=":material/info:")
    st.stop()
st.header(text["split"], anchor=False)
ui.chart(split_fig, split_data, key="ideas-split", view=view, filename=f"{slug}-ideas-split")

# -- the selected idea ----------------------------------------------------------------------
if not ranked:
    st.stop()
st.header(text["detail"], anchor=False)
st.selectbox(text["pick"], list(names), key=PICK_KEY, format_func=names.get,
             on_change=_picked)
idea = next(item for item in ideas if item["idea_id"] == picked)
proposals, hidden = charts.proposals_of(results, picked)

columns = st.columns(5)
columns[0].metric(i18n.word("agree", lang), i18n.percent(idea.get("agreement"), lang))
columns[1].metric(i18n.word("likeIt", lang), i18n.percent(idea.get("adhesion"), lang))
columns[2].metric(i18n.word("doable", lang), i18n.percent(idea.get("realistic"), lang))
columns[3].metric(i18n.word("votes", lang), i18n.integer(idea.get("votes"), lang))
columns[4].metric(i18n.word("proposals", lang), i18n.integer(idea.get("proposals"), lang))
if idea.get("zone"):
    st.caption(text["zone"].format(zone=i18n.word(idea["zone"], lang)))
if hidden:
    st.caption(text["hidden"].format(n=hidden))
if not proposals:
    st.info(text["no_proposals"], icon=":material/info:")
    st.stop()

sort = st.segmented_control(text["sort"], charts.SORTS, default="score", key="idea_sort",
                            format_func=lambda key: text["by_score"] if key == "score"
                            else i18n.word(SORT_WORDS.get(key, key), lang),
                            required=True, bind="query-params") or "score"
detail_fig, detail_data = charts.proposals_chart(proposals, lang, sort=sort)
ui.chart(detail_fig, detail_data, key="ideas-proposals", view=view,
         filename=f"{slug}-idea-{picked}")

st.subheader(text["table"], anchor=False)
table = charts.proposals_table(charts.sort_proposals(proposals, sort), lang)
percent_format = "%.1f %%" if lang == "fr" else "%.1f%%"
config = {column: st.column_config.NumberColumn(format=percent_format)
          for column in table.columns if column.endswith("(%)")}
agree_column = i18n.word("agree", lang) + " (%)"
config[agree_column] = st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                       format=percent_format)
config[i18n.word("content", lang)] = st.column_config.TextColumn(width="large")
config[i18n.word("votes", lang)] = st.column_config.NumberColumn(format="localized")
st.dataframe(table, hide_index=True, width="stretch", column_config=config,
             key="ideas-proposals-table")
