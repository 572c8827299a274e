"""Controversial and rejected: the proposals that divide and those most rejected, as
Make.org shows them (author, text, agree / disagree and "Coup de cœur" / "Surtout pas !"
shares), then every proposal with its shares and scores, searchable and sortable."""

import streamlit as st

from analytics import i18n
from analytics.metrics.engine import DEFAULT_MIN_VOTES, DEFAULT_TOP
from analytics.present.charts import proposals as charts
from analytics.present.charts import style
from pages import ui

TEXT = {
    "fr": {
        "list": "Liste", "controversy": "Les plus controversées", "rejection": "Les plus rejetées",
        "min_votes": "Votes minimum par proposition", "top": "Nombre de propositions",
        "min_votes_help": "Seules les propositions ayant reçu au moins ce nombre de votes "
                          "entrent dans les listes.",
        "intro_controversy": "Les propositions « controversées » témoignent d'un clivage "
                             "important : elles recueillent globalement autant d'adhésion "
                             "forte que de net rejet. Classement par score de controverse "
                             "(borne basse), parmi les propositions ayant au moins {min} votes.",
        "intro_rejection": "Les propositions les plus rejetées : beaucoup de votes « pas "
                           "d'accord », « Surtout pas ! » et « Infaisable », peu de « Coup de "
                           "cœur ». Classement par score de rejet (borne basse), parmi les "
                           "propositions ayant au moins {min} votes.",
        "intro_published_controversy": "Les propositions « controversées » témoignent d'un "
                                       "clivage important : elles recueillent globalement "
                                       "autant d'adhésion forte que de net rejet. Liste telle "
                                       "que publiée (pourcentages arrondis).",
        "intro_published_rejection": "Les propositions les plus rejetées, telles que publiées "
                                     "(pourcentages arrondis).",
        "empty": "Aucune proposition n'a reçu au moins {min} votes : baissez le seuil de votes "
                 "minimum pour voir une liste.",
        "empty_published": "Ce fichier de résultats ne publie pas cette liste.",
        "in_full": "Les propositions en entier",
        "votes_count": "{votes} votes",
        "permalink": "Sa page",
        "all": "Toutes les propositions",
        "all_intro": "Chaque proposition avec la part de chaque vote et qualification (en % de "
                     "ses votes) et ses scores Make.org. Les scores sont des bornes basses "
                     "(score − intervalle de confiance) : ce sont eux qui classent les listes "
                     "ci-dessus ; une proposition avec peu de votes a une borne basse faible. "
                     "Cliquez sur une ligne pour lire la proposition en entier, sur un titre "
                     "de colonne pour trier.",
        "all_intro_export": "Chaque proposition avec ses votes et les chiffres publiés dans "
                            "l'export (part de votes « d'accord », engagement, score). "
                            "Cliquez sur une ligne pour lire la proposition en entier, sur un "
                            "titre de colonne pour trier.",
        "search": "Rechercher dans le texte ou l'auteur", "search_hint": "ex. : service civique",
        "zones": "Zone", "all_zones": "Toutes les zones", "idea": "Grande idée",
        "all_ideas": "Toutes les idées",
        "sort": "Trier par", "count": "{shown} propositions sur {total}",
        "hidden": "{hidden} propositions masquées : moins de 10 votants dans ce segment.",
        "no_match": "Aucune proposition ne correspond à cette recherche.",
        "no_table": "Ce fichier de résultats publiés ne contient que les listes ci-dessus, pas "
                    "les propositions une à une : pas de tableau de toutes les propositions (un "
                    "lot de votes ou un export des propositions le permettrait).",
        "no_list_data": "Ces données ne donnent pas les votes « pas d'accord » ni les mentions "
                        "de chaque proposition : pas de classement des propositions "
                        "controversées ou rejetées (un lot de votes le permettrait).",
        "selected": "Proposition sélectionnée",
        "help_share": "Part des votes sur la proposition",
        "help_score": "Borne basse du score Make.org (score − confiance)",
        "help_export": "Tel que publié dans l'export des propositions",
        "filename_table": "propositions",
    },
    "en": {
        "list": "List", "controversy": "Most controversial", "rejection": "Most rejected",
        "min_votes": "Minimum votes per proposal", "top": "Number of proposals",
        "min_votes_help": "Only proposals with at least this many votes enter the lists.",
        "intro_controversy": "“Controversial” proposals reveal a deep divide: they receive "
                             "about as much strong support as clear rejection. Ranked by "
                             "controversy score (lower bound), among proposals with at least "
                             "{min} votes.",
        "intro_rejection": "The most rejected proposals: many “disagree”, “No way!” and "
                           "“Impossible” votes, few “Love it”. Ranked by rejection score "
                           "(lower bound), among proposals with at least {min} votes.",
        "intro_published_controversy": "“Controversial” proposals reveal a deep divide: they "
                                       "receive about as much strong support as clear "
                                       "rejection. The list as published (rounded "
                                       "percentages).",
        "intro_published_rejection": "The most rejected proposals, as published (rounded "
                                     "percentages).",
        "empty": "No proposal received at least {min} votes: lower the minimum number of "
                 "votes to see a list.",
        "empty_published": "This results file does not publish this list.",
        "in_full": "The proposals in full",
        "votes_count": "{votes} votes",
        "permalink": "Its own page",
        "all": "All proposals",
        "all_intro": "Every proposal with the share of each vote and qualification (in % of "
                     "its votes) and its Make.org scores. Scores are lower bounds (score − "
                     "confidence interval): they rank the lists above; a proposal with few "
                     "votes gets a low lower bound. Click a row to read the proposal in full, "
                     "a column title to sort.",
        "all_intro_export": "Every proposal with its votes and the figures the export "
                            "publishes (share of “agree” votes, engagement, score). Click a row "
                            "to read the proposal in full, a column title to sort.",
        "search": "Search the text or the author", "search_hint": "e.g. civic service",
        "zones": "Zone", "all_zones": "All zones", "idea": "Big idea", "all_ideas": "All ideas",
        "sort": "Sort by", "count": "{shown} of {total} proposals",
        "hidden": "{hidden} proposals hidden: fewer than 10 voters in this segment.",
        "no_match": "No proposal matches this search.",
        "no_table": "This published results file only holds the lists above, not the "
                    "proposals one by one: no table of all proposals (a vote-level bundle or a "
                    "proposal export would provide it).",
        "no_list_data": "This data does not give each proposal's “disagree” votes and "
                        "qualifications: no ranking of controversial or rejected proposals (a "
                        "vote-level bundle would provide it).",
        "selected": "Selected proposal",
        "help_share": "Share of the proposal's votes",
        "help_score": "Lower bound of the Make.org score (score − confidence)",
        "help_export": "As published in the proposal export",
        "filename_table": "proposals",
    },
}
LISTS = {"controversy": "controversials", "rejection": "rejected"}
ZONES = ("consensus", "controversy", "rejection", "limbo")


def list_changed(key: str, default) -> None:
    """The table below is sorted by the score of the list shown, until sorted otherwise."""
    ui.to_url(key, default)
    st.session_state.pop("sort", None)
    st.query_params.pop("sort", None)

view = ui.current_view()
text = TEXT[view.lang]
source = view.source()
computed = "votes" in source.capabilities   # lists ranked here from the votes

head = st.container()
controls = st.columns([3, 2, 2], vertical_alignment="bottom")
if computed:
    min_votes = controls[1].number_input(
        text["min_votes"], min_value=0, max_value=10_000_000, value=DEFAULT_MIN_VOTES, step=10,
        key="min_votes", bind="query-params", help=text["min_votes_help"])
    top = controls[2].number_input(text["top"], min_value=1, max_value=100, value=DEFAULT_TOP,
                                   step=1, key="top", bind="query-params")
    results = view.results(min_votes=int(min_votes), top=int(top))
else:
    results = view.results()
    min_votes = None
with head:
    ui.header(view, "controversial", results)
if results.get("suppressed"):
    ui.notes(results, view.lang, ("segment_too_small",))
    st.stop()

available = [kind for kind in LISTS if computed or results.get(LISTS[kind])]
if not available:
    st.info(text["no_list_data"], icon=":material/info:")
    min_votes = None
else:
    kind = available[0]
    if len(available) > 1:          # a published file may hold only the controversial list
        kind = controls[0].segmented_control(
            text["list"], available, required=True, format_func=lambda k: text[k],
            **{**ui.in_url("list", available, available[0]), "on_change": list_changed}) \
            or available[0]
    items = results.get(LISTS[kind]) or []
    intro = f"intro_{kind}" if computed else f"intro_published_{kind}"
    st.markdown(text[intro].format(min=i18n.integer(min_votes, view.lang)))
    if not items:
        st.info(text["empty"].format(min=i18n.integer(min_votes, view.lang)) if computed
                else text["empty_published"], icon=":material/info:")
    else:
        fig, data = charts.ranked_list_chart(items, view.lang, kind)
        slug = results["consultation"].get("slug") or "consultation"
        ui.chart(fig, data, key=f"list-{kind}", view=view, filename=f"{slug}-{LISTS[kind]}")

        st.subheader(text["in_full"], anchor=False)
        for rank, item in enumerate(items, start=1):
            if rank % 2 == 1:
                grid = st.columns(2)
            with grid[(rank - 1) % 2].container(border=True, height="stretch"):
                author = ui.plain(item.get("author")) or "–"
                st.markdown(f"**#{rank} · {author}**")
                st.markdown(ui.plain(item.get("content")))
                nbsp = "\u00a0"       # a label and its number stay on one line
                parts = [f"{view.t(key).replace(' ', nbsp)}{nbsp}"
                         f"**{i18n.percent(item[key], view.lang)}**"
                         for key in ("agree", "disagree", "like_it", "no_way")
                         if item.get(key) is not None]
                if item.get("votes") is not None:
                    parts.append(text["votes_count"].format(
                        votes=i18n.integer(item["votes"], view.lang)))
                st.caption("  ·  ".join(parts))   # our words and numbers, no user text
                if item.get("id") is not None:
                    link = ui.page_link(view, "proposal", (("id", str(item["id"])),))
                    st.markdown(f"🔗 [{text['permalink']}]({link})")


# -- every proposal -------------------------------------------------------------------------

def column_config(lang: str) -> dict:
    labels = charts.column_labels(lang)
    share_colors = {"agree": style.VOTE_COLORS["agree"],
                    "disagree": style.VOTE_COLORS["disagree"],
                    "neutral": style.GREY,
                    "like_it": style.QUALIFICATION_COLORS["like_it"],
                    "doable": style.QUALIFICATION_COLORS["doable"],
                    "no_way": style.QUALIFICATION_COLORS["no_way"]}
    percent = "%.0f %%" if lang == "fr" else "%.0f%%"
    config = {
        labels["content"]: st.column_config.TextColumn(width="large"),
        labels["author"]: st.column_config.TextColumn(width="small"),
        labels["idea"]: st.column_config.TextColumn(width="medium"),
        labels["votes"]: st.column_config.NumberColumn(format="%d" if lang == "fr" else "%,d",
                                                       width="small"),
        labels["zone"]: st.column_config.TextColumn(width="small"),
    }
    for key, color in share_colors.items():
        config[labels[key]] = st.column_config.ProgressColumn(
            format=percent, min_value=0, max_value=100, color=color, width=110,
            help=text["help_share"])
    for key in charts.SCORE_COLUMNS:
        config[labels[key]] = st.column_config.NumberColumn(
            format="localized" if lang == "fr" else "%.2f", help=text["help_score"],
            width="small")
    for key in charts.EXPORT_COLUMNS:
        config[labels[key]] = st.column_config.NumberColumn(
            format="localized" if lang == "fr" else "%.2f", help=text["help_export"],
            width="small")
    return config


@st.fragment
def all_proposals(results: dict, default_sort: str) -> None:
    """Every proposal, searchable and sortable (a fragment: typing reruns only this)."""
    st.header(text["all"], anchor=False)
    st.markdown(text["all_intro" if computed else "all_intro_export"])
    frame = ui.derived(view, charts.proposal_frame, view.lang)    # (proposals only)
    names = charts.idea_names(results)
    filters = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    query = filters[0].text_input(text["search"], key="q", bind="query-params",
                                  placeholder=text["search_hint"], type="search", live=True,
                                  icon=":material/search:")
    zones = [z for z in ZONES if z in set(frame["zone_key"].dropna())]
    chosen_zones = filters[1].multiselect(
        text["zones"], zones, format_func=view.t, placeholder=text["all_zones"],
        **ui.in_url("zones", zones, multi=True)) if zones else []
    idea = None
    if names and frame["idea_id"].notna().any():
        # "" is every idea (a None option would show as an empty placeholder)
        idea = filters[2].selectbox(
            text["idea"], ["", *names],
            format_func=lambda i: names.get(i, i) if i else text["all_ideas"],
            **ui.in_url("in_idea", ["", *names], "")) or None
        ui.found_ideas_note(view, results)
    sorts = [s for s in charts.SORTS if frame[s].notna().any()]
    by = filters[3].selectbox(
        text["sort"], sorts, format_func=lambda s: charts.column_labels(view.lang)[s],
        **ui.in_url("sort", sorts, default_sort if default_sort in sorts else sorts[0])) \
        if sorts else None

    shown = charts.filter_proposals(frame, query, chosen_zones, idea)
    shown = charts.sort_proposals(shown, by) if by else shown
    total = len(frame)
    st.caption(text["count"].format(shown=i18n.integer(len(shown), view.lang),
                                    total=i18n.integer(total, view.lang)))
    hidden = sum(1 for item in results.get("proposals") or [] if item.get("suppressed"))
    if hidden:
        st.caption(text["hidden"].format(hidden=i18n.integer(hidden, view.lang)))
    if shown.empty:
        st.info(text["no_match"], icon=":material/search_off:")
        return
    table = charts.display_frame(shown, view.lang)
    height = min(520, 40 + 35 * len(table))        # a short result: no empty rows
    event = st.dataframe(table, hide_index=True, width="stretch", height=height, placeholder="–",
                         column_config=column_config(view.lang), key="proposals-table",
                         on_select="rerun", selection_mode="single-row")
    slug = results["consultation"].get("slug") or "consultation"
    filename = f"{slug}-{text['filename_table']}"
    ui.download_buttons(st.columns([1, 1, 2]), table, key="proposals", view=view,
                        filename=filename)
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(shown):
        row = shown.iloc[rows[0]]
        with st.container(border=True):
            st.markdown(f"**{text['selected']} · {ui.plain(row['author']) or '–'}**")
            st.markdown(ui.plain(row["content"]))
            parts = [f"{view.t(key)} {i18n.percent(row[key], view.lang)}"
                     for key in charts.SHARE_COLUMNS if row[key] == row[key]]
            if row["votes"] is not None and row["votes"] == row["votes"]:
                parts.append(text["votes_count"].format(
                    votes=i18n.integer(int(row["votes"]), view.lang)))
            st.caption(ui.plain("  ·  ".join(parts)))


if "proposals" in source.capabilities:
    # sorted by the score of the list shown above, unless the link says otherwise
    all_proposals(results, st.session_state.get("list") or "controversy")
else:
    st.header(text["all"], anchor=False)
    st.info(text["no_table"], icon=":material/info:")
