"""Controversial and rejected: the proposals that divide and those most rejected, as
Make.org shows them (author, text, agree / disagree and "Coup de cœur" / "Surtout pas !"
shares), then every proposal with its shares and scores, searchable and sortable."""

import streamlit as st

from analytics import i18n
from analytics.i18n import N_
from analytics.metrics.engine import DEFAULT_MIN_VOTES, DEFAULT_TOP
from analytics.present.charts import proposals as charts
from analytics.present.charts import style
from analytics.results_model import Results
from pages import ui

LISTS = {"controversy": "controversials", "rejection": "rejected"}
LIST_NAMES = {"controversy": N_("Most controversial"), "rejection": N_("Most rejected")}
# The text above a list: (list, ranked here from the votes?) -> its introduction.
INTROS = {
    ("controversy", True): N_(
        "“Controversial” proposals reveal a deep divide: they receive about as much strong "
        "support as clear rejection. Ranked by controversy score (lower bound), among proposals "
        "with at least {min} votes."),
    ("rejection", True): N_(
        "The most rejected proposals: many “disagree”, “No way!” and “Impossible” votes, few "
        "“Love it”. Ranked by rejection score (lower bound), among proposals with at least "
        "{min} votes."),
    ("controversy", False): N_(
        "“Controversial” proposals reveal a deep divide: they receive about as much strong "
        "support as clear rejection. The list as published (rounded percentages)."),
    ("rejection", False): N_("The most rejected proposals, as published (rounded percentages)."),
}
ZONES = ("consensus", "controversy", "rejection", "limbo")


def list_changed(key: str, default) -> None:
    """The table below is sorted by the score of the list shown, until sorted otherwise."""
    ui.to_url(key, default)
    st.session_state.pop("sort", None)
    st.query_params.pop("sort", None)

view = ui.current_view()
_ = i18n.translator(view.lang)
source = view.source()
computed = "votes" in source.capabilities   # lists ranked here from the votes

head = st.container()
controls = st.columns([3, 2, 2], vertical_alignment="bottom")
if computed:
    min_votes = controls[1].number_input(
        _("Minimum votes per proposal"), min_value=0, max_value=10_000_000,
        value=DEFAULT_MIN_VOTES, step=10, key="min_votes", bind="query-params",
        help=_("Only proposals with at least this many votes enter the lists."))
    top = controls[2].number_input(_("Number of proposals"), min_value=1, max_value=100,
                                   value=DEFAULT_TOP, step=1, key="top", bind="query-params")
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
    st.info(_("This data does not give each proposal's “disagree” votes and qualifications: no "
              "ranking of controversial or rejected proposals (a vote-level bundle would provide "
              "it)."), icon=":material/info:")
    min_votes = None
else:
    kind = available[0]
    if len(available) > 1:          # a published file may hold only the controversial list
        kind = controls[0].segmented_control(
            _("List"), available, required=True, format_func=lambda k: _(LIST_NAMES[k]),
            **{**ui.in_url("list", available, available[0]), "on_change": list_changed}) \
            or available[0]
    items = results.get(LISTS[kind]) or []
    st.markdown(_(INTROS[kind, computed]).format(min=i18n.integer(min_votes, view.lang)))
    if not items:
        if computed:
            st.info(_("No proposal received at least {min} votes: lower the minimum number of "
                      "votes to see a list.").format(min=i18n.integer(min_votes, view.lang)),
                    icon=":material/info:")
        else:
            st.info(_("This results file does not publish this list."), icon=":material/info:")
    else:
        fig, data = charts.ranked_list_chart(items, view.lang, kind)
        slug = results["consultation"].get("slug") or "consultation"
        ui.chart(fig, data, key=f"list-{kind}", view=view, filename=f"{slug}-{LISTS[kind]}")

        st.subheader(_("The proposals in full"), anchor=False)
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
                    parts.append(_("{votes} votes").format(
                        votes=i18n.integer(item["votes"], view.lang)))
                st.caption("  ·  ".join(parts))   # our words and numbers, no user text
                if item.get("id") is not None:
                    link = ui.page_link(view, "proposal", (("id", str(item["id"])),))
                    st.markdown("🔗 [" + _("Its own page") + f"]({link})")


# -- every proposal -------------------------------------------------------------------------

def column_config(lang: str) -> dict:
    _ = i18n.translator(lang)
    labels = charts.column_labels(lang)
    share_colors = {"agree": style.VOTE_COLORS["agree"],
                    "disagree": style.VOTE_COLORS["disagree"],
                    "neutral": style.GREY,
                    "like_it": style.QUALIFICATION_COLORS["like_it"],
                    "doable": style.QUALIFICATION_COLORS["doable"],
                    "no_way": style.QUALIFICATION_COLORS["no_way"]}
    # As the language writes numbers: "94 %" or "94%"; "1,234" grouped only where a comma
    # groups, decimals with a point in printf or in the reader's own locale.
    decimal_mark, group_mark = i18n.plotly_separators(lang)
    percent = i18n.printf_percent(lang)
    scores = "%.2f" if decimal_mark == "." else "localized"
    config = {
        labels["content"]: st.column_config.TextColumn(width="large"),
        labels["author"]: st.column_config.TextColumn(width="small"),
        labels["idea"]: st.column_config.TextColumn(width="medium"),
        labels["votes"]: st.column_config.NumberColumn(
            format="%,d" if group_mark == "," else "%d", width="small"),
        labels["zone"]: st.column_config.TextColumn(width="small"),
    }
    for key, color in share_colors.items():
        config[labels[key]] = st.column_config.ProgressColumn(
            format=percent, min_value=0, max_value=100, color=color, width=110,
            help=_("Share of the proposal's votes"))
    for key in charts.SCORE_COLUMNS:
        config[labels[key]] = st.column_config.NumberColumn(
            format=scores, help=_("Lower bound of the Make.org score (score − confidence)"),
            width="small")
    for key in charts.EXPORT_COLUMNS:
        config[labels[key]] = st.column_config.NumberColumn(
            format=scores, help=_("As published in the proposal export"), width="small")
    return config


@st.fragment
def all_proposals(results: Results, default_sort: str) -> None:
    """Every proposal, searchable and sortable (a fragment: typing reruns only this)."""
    st.header(_("All proposals"), anchor=False)
    if computed:
        st.markdown(_("Every proposal with the share of each vote and qualification (in % of its "
                      "votes) and its Make.org scores. Scores are lower bounds (score − "
                      "confidence interval): they rank the lists above; a proposal with few "
                      "votes gets a low lower bound. Click a row to read the proposal in full, "
                      "a column title to sort."))
    else:
        st.markdown(_("Every proposal with its votes and the figures the export publishes (share "
                      "of “agree” votes, engagement, score). Click a row to read the proposal in "
                      "full, a column title to sort."))
    frame = ui.derived(view, charts.proposal_frame, view.lang)    # (proposals only)
    names = charts.idea_names(results)
    filters = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    query = filters[0].text_input(_("Search the text or the author"), key="q",
                                  bind="query-params", placeholder=_("e.g. civic service"),
                                  type="search", live=True, icon=":material/search:")
    zones = [z for z in ZONES if z in set(frame["zone_key"].dropna())]
    chosen_zones = filters[1].multiselect(
        _("Zone"), zones, format_func=view.t, placeholder=_("All zones"),
        **ui.in_url("zones", zones, multi=True)) if zones else []
    idea = None
    if names and frame["idea_id"].notna().any():
        # "" is every idea (a None option would show as an empty placeholder)
        idea = filters[2].selectbox(
            _("Big idea"), ["", *names],
            format_func=lambda i: names.get(i, i) if i else _("All ideas"),
            **ui.in_url("in_idea", ["", *names], "")) or None
        ui.found_ideas_note(view, results)
    sorts = [s for s in charts.SORTS if frame[s].notna().any()]
    by = filters[3].selectbox(
        _("Sort by"), sorts, format_func=lambda s: charts.column_labels(view.lang)[s],
        **ui.in_url("sort", sorts, default_sort if default_sort in sorts else sorts[0])) \
        if sorts else None

    shown = charts.filter_proposals(frame, query, chosen_zones, idea)
    shown = charts.sort_proposals(shown, by) if by else shown
    total = len(frame)
    st.caption(_("{shown} of {total} proposals").format(
        shown=i18n.integer(len(shown), view.lang), total=i18n.integer(total, view.lang)))
    hidden = sum(1 for item in results.get("proposals") or [] if item.get("suppressed"))
    if hidden:
        st.caption(_("{hidden} proposals hidden: fewer than 10 voters in this segment.").format(
            hidden=i18n.integer(hidden, view.lang)))
    if shown.empty:
        st.info(_("No proposal matches this search."), icon=":material/search_off:")
        return
    table = charts.display_frame(shown, view.lang)
    height = min(520, 40 + 35 * len(table))        # a short result: no empty rows
    event = st.dataframe(table, hide_index=True, width="stretch", height=height, placeholder="–",
                         column_config=column_config(view.lang), key="proposals-table",
                         on_select="rerun", selection_mode="single-row")
    slug = results["consultation"].get("slug") or "consultation"
    filename = slug + "-" + i18n.translations(view.lang).pgettext("file name", "proposals")
    ui.download_buttons(st.columns([1, 1, 2]), table, key="proposals", view=view,
                        filename=filename)
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(shown):
        row = shown.iloc[rows[0]]
        with st.container(border=True):
            author = ui.plain(row["author"]) or "–"
            st.markdown("**" + _("Selected proposal") + f" · {author}**")
            st.markdown(ui.plain(row["content"]))
            parts = [f"{view.t(key)} {i18n.percent(row[key], view.lang)}"
                     for key in charts.SHARE_COLUMNS if row[key] == row[key]]
            if row["votes"] is not None and row["votes"] == row["votes"]:
                parts.append(_("{votes} votes").format(
                    votes=i18n.integer(int(row["votes"]), view.lang)))
            st.caption(ui.plain("  ·  ".join(parts)))


if "proposals" in source.capabilities:
    # sorted by the score of the list shown above, unless the link says otherwise
    all_proposals(results, st.session_state.get("list") or "controversy")
else:
    st.header(_("All proposals"), anchor=False)
    st.info(_("This published results file only holds the lists above, not the proposals one "
              "by one: no table of all proposals (a vote-level bundle or a proposal export would "
              "provide it)."), icon=":material/info:")
