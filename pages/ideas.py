"""Big ideas: the ranked ideas grouped by axis (or in overall order), their
agree / neutral / disagree split, and the proposals of the selected idea."""

import functools

import streamlit as st

from analytics import i18n
from analytics.present.charts import ideas as charts
from analytics.results_model import Results
from pages import ui

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


MOVE_CAP = 500              # proposals offered by the "move" picker (most voted first)
OTHER = "__other__"         # the "other" group in the editor's pickers


# -- what the found ideas hold, the "other" group, the method -------------------------------

def _percent_format(digits: int) -> str:
    """A table column's printf format for a share in %: "%.1f %%" in French, "%.1f%%" in
    English (the language's percent sign, from CLDR)."""
    return i18n.printf_percent(lang, digits)


def _short(content: str, size: int = 220) -> str:
    content = " ".join(str(content or "").split())
    return content if len(content) <= size else content[:size - 1] + "…"


def idea_contents(results: Results, texts: dict) -> None:
    """Each found idea's keywords and most representative proposals, in ranking order."""
    block = charts.found(results) or {}
    items = {item["idea_id"]: item for item in block.get("ideas") or []}
    order = [i for i in results.get("ranked_ideas") or [] if i in items]
    order += [i for i in items if i not in order]
    ranks = {idea["idea_id"]: idea.get("rank") for idea in charts.visible_ideas(results)}
    st.header(_("What each idea holds"), anchor=False)
    st.caption(_("For each idea, the words that set it apart and its most representative "
                 "proposals."))
    for idea_id in order:
        item = items[idea_id]
        rank = ranks.get(idea_id)
        size = item.get("proposals")
        label = (f"{rank}. " if rank is not None else "") + (item.get("name") or idea_id)
        if size is not None:
            label += " · " + _("{n} proposals").format(n=i18n.integer(size, lang))
        with st.expander(ui.plain(label)):
            keywords = item.get("keywords") or []
            st.markdown(_("**Keywords**: {keywords}").format(
                keywords=", ".join(ui.plain(k) for k in keywords) if keywords else "—"))
            examples = [texts[p] for p in item.get("examples") or [] if p in texts][:5]
            if examples:
                st.markdown("**" + _("Most representative proposals") + "**")
                st.markdown("\n".join(f"- {ui.plain(_short(content))}"
                                      + (f" — *{ui.plain(author)}*" if author else "")
                                      for content, author in examples))


def other_group(results: Results) -> None:
    """The proposals in no idea: shown last, as a group that is not ranked."""
    others = sorted((p for p in results.get("proposals") or [] if p.get("idea_id") is None),
                    key=lambda p: (-(p.get("votes") or 0), str(p.get("id"))))
    block = charts.found(results) or {}
    n = block.get("unassigned")
    n = len(others) if n is None else n
    if not n:
        return
    name = charts.other_label(results, lang)
    with st.container(border=True):
        st.markdown(f"**{ui.plain(name)}**")
        st.markdown(ui.plain(_("{n} proposals are not close enough to any idea: they form "
                               "the “{name}” group, which is not an idea and is not ranked.")
                             .format(n=i18n.integer(n, lang), name=name)))
        if others:
            st.caption(_("A few of these proposals:"))
            st.markdown("\n".join(f"- {ui.plain(_short(p.get('content')))}"
                                  for p in others[:5]))


def method_section(results: Results) -> None:
    """How the ideas were found: the target of every "found automatically" note."""
    st.subheader(charts.method_title(lang), anchor=charts.METHOD_ANCHOR)
    st.markdown("\n".join(f"- {ui.plain(line)}" for line in charts.method_paragraphs(
        results, lang)))
    parameters = charts.method_parameters(results, lang)
    if parameters:
        with st.expander(charts.parameters_title(lang)):
            st.markdown("\n".join("- " + charts.labelled(ui.plain(label), ui.plain(value), lang)
                                  for label, value in parameters))


# -- the corrections ------------------------------------------------------------------------

MESSAGE = "ideas_message"      # session key: (kind, text) of the last correction


def _apply(change) -> None:
    """Keep a corrected IdeaSet for this consultation (session only). Run as a button's
    on_click: the page then reruns with the corrected ideas."""
    try:
        corrected = change()
    except ValueError as error:
        st.session_state[MESSAGE] = ("error", str(error))
        return
    view.set_edited_ideas(corrected)
    st.session_state[MESSAGE] = ("done", _("Correction applied."))


def _rename(idea_set) -> None:
    idea_id = st.session_state["ideas-rename-idea"]
    name = st.session_state.get(f"ideas-rename-name-{idea_id}") or ""
    _apply(lambda: idea_set.rename(idea_id, name))


def _merge(idea_set) -> None:
    chosen = list(st.session_state.get("ideas-merge-ideas") or [])
    into = st.session_state.get("ideas-merge-into")
    if len(chosen) < 2:
        st.session_state[MESSAGE] = ("warning", _("Choose at least two ideas."))
        return
    _apply(lambda: idea_set.merge(chosen, into if into in chosen else chosen[0]))


def _move(idea_set) -> None:
    origin = st.session_state["ideas-move-from"]
    which = list(st.session_state.get(f"ideas-move-which-{origin}") or [])
    target = st.session_state.get("ideas-move-to")
    if not which or target is None:
        st.session_state[MESSAGE] = ("warning", _("Choose proposals."))
        return
    _apply(lambda: idea_set.move(which, None if target == OTHER else target))


def _set_axis(idea_set) -> None:
    idea_id = st.session_state["ideas-axis-idea"]
    axis = st.session_state.get(f"ideas-axis-name-{idea_id}") or ""
    _apply(lambda: idea_set.set_axis(idea_id, axis or None))


def _upload(idea_set) -> None:
    """Corrected files back: checked against this consultation's proposals; their
    problems (file, row, column) shown, never a traceback."""
    from analytics.inputs.errors import InputError
    from analytics.metrics.found_ideas import IdeaSet

    ideas_file = st.session_state.get("ideas-upload")
    links_file = st.session_state.get("ideas-links-upload")
    if ideas_file is None or links_file is None:
        st.session_state[MESSAGE] = ("warning", _("Choose both files."))
        return
    try:
        corrected = IdeaSet.from_csv(ideas_file.getvalue(), links_file.getvalue(),
                                     idea_set.assignments["proposal_id"].tolist(),
                                     language=idea_set.language, method=idea_set.method)
    except InputError as error:
        st.session_state[MESSAGE] = ("input_error", error)
        return
    _apply(lambda: corrected)


def _reset() -> None:
    view.set_edited_ideas(None)


def _message() -> bool:
    """The outcome of the last correction, once; whether there was one."""
    kind, content = st.session_state.pop(MESSAGE, (None, None))
    if kind == "done":
        st.success(content, icon=":material/check:")
    elif kind == "warning":
        st.warning(content)
    elif kind == "error":
        st.error(ui.plain(content), icon=":material/error:")
    elif kind == "input_error":
        ui.show_input_error(content, "ideas.csv, proposal_ideas.csv", lang)
    return kind is not None


def editor(idea_set, results: Results) -> None:
    """Rename, merge, move, set an axis; download and upload ideas.csv and
    proposal_ideas.csv; reset to the found ideas."""
    edited, _source = view.edited_ideas()
    names = dict(zip(idea_set.ideas["idea_id"], idea_set.ideas["name"], strict=True))
    axes = dict(zip(idea_set.ideas["idea_id"], idea_set.ideas["axis"], strict=True))
    if not names:
        return
    ids = list(names)
    other = charts.other_label(results, lang)
    with st.expander(_("Correct these ideas"), icon=":material/edit:",
                     expanded=MESSAGE in st.session_state):
        st.caption(_("Rename, merge, move proposals or change an axis: corrections hold for this "
                     "session only (nothing is written into the data) and every page uses them. "
                     "Download them to keep them or add them to a vote-level bundle."))
        _message()
        if edited is not None:
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.caption(_("Ideas corrected in this session."))
            right.button(_("Back to the found ideas"), key="ideas-reset", icon=":material/undo:",
                         on_click=_reset)
        tabs = st.tabs([_("Rename"), _("Merge"), _("Move"), _("Axis"),
                        _("Files")])
        with tabs[0]:
            idea_id = st.selectbox(_("Idea"), ids, format_func=names.get,
                                   key="ideas-rename-idea")
            st.text_input(_("New name"), value=names.get(idea_id) or "",
                          key=f"ideas-rename-name-{idea_id}", max_chars=200)
            st.button(_("Rename the idea"), key="ideas-rename-apply", on_click=_rename,
                      args=(idea_set,))
        with tabs[1]:
            chosen = st.multiselect(_("Ideas to merge (two or more)"), ids, format_func=names.get,
                                    key="ideas-merge-ideas", placeholder=_("Choose…"))
            st.selectbox(_("Keep the name of"), chosen or ids, format_func=names.get,
                         key="ideas-merge-into")
            st.button(_("Merge"), key="ideas-merge-apply", on_click=_merge,
                      args=(idea_set,))
        with tabs[2]:
            groups = [*ids, OTHER]
            label = {**names, OTHER: other}
            origin = st.selectbox(_("Proposals of"), groups, format_func=label.get,
                                  key="ideas-move-from")
            members = [p for p, i in idea_set.idea_of().items() if (i or OTHER) == origin]
            votes = {p["id"]: p.get("votes") or 0 for p in results.get("proposals") or []}
            texts = ui.derived(view, charts.proposal_texts)
            members.sort(key=lambda p: (-votes.get(p, 0), str(p)))
            if len(members) > MOVE_CAP:
                st.caption(_("The group's {n} most voted proposals are offered.").format(
                    n=i18n.integer(MOVE_CAP, lang)))
            st.multiselect(_("Proposals to move"), members[:MOVE_CAP],
                           key=f"ideas-move-which-{origin}", placeholder=_("Choose…"),
                           format_func=lambda p: _short((texts.get(p) or (p, None))[0], 90))
            st.selectbox(i18n.translations(lang).pgettext("move proposals", "To"),
                         [g for g in groups if g != origin],
                         format_func=label.get, key="ideas-move-to")
            st.button(_("Move"), key="ideas-move-apply", on_click=_move,
                      args=(idea_set,))
        with tabs[3]:
            idea_id = st.selectbox(_("Idea"), ids, format_func=names.get,
                                   key="ideas-axis-idea")
            st.text_input(_("Axis (empty: no axis)"), value=axes.get(idea_id) or "",
                          key=f"ideas-axis-name-{idea_id}", max_chars=200)
            st.button(_("Change the axis"), key="ideas-axis-apply", on_click=_set_axis,
                      args=(idea_set,))
        with tabs[4]:
            st.caption(_("ideas.csv: idea_id, name, axis. proposal_ideas.csv: proposal_id, "
                         "idea_id (empty: in no idea), what a vote-level bundle takes."))
            left, right = st.columns(2)
            left.download_button(_("Download ideas.csv"), lambda: idea_set.to_csv()[0],
                                 file_name="ideas.csv", mime="text/csv", on_click="ignore",
                                 key="ideas-download", icon=":material/download:")
            right.download_button(_("Download proposal_ideas.csv"), lambda: idea_set.to_csv()[1],
                                  file_name="proposal_ideas.csv", mime="text/csv",
                                  on_click="ignore", key="ideas-links-download",
                                  icon=":material/download:")
            left, right = st.columns(2)
            left.file_uploader(_("Corrected ideas.csv"), type=["csv"], key="ideas-upload")
            right.file_uploader(_("Corrected proposal_ideas.csv"), type=["csv"],
                                key="ideas-links-upload")
            st.button(_("Use these files"), key="ideas-upload-apply", on_click=_upload,
                      args=(idea_set,))


# -- the page -------------------------------------------------------------------------------

view = ui.current_view()
source = view.source()
results = view.results()
lang = view.lang
_ = i18n.translator(lang)
ui.header(view, "ideas", results)
slug = (results.get("consultation") or {}).get("slug") or "consultation"
found = charts.found(results) is not None

if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()
if not results.get("top_ideas"):
    if any(note["code"] == "no_ideas" for note in results.get("notes", [])):
        ui.notes(results, lang, ("no_ideas",))
    elif found:
        ui.found_ideas_note(view, results, here=True)
        st.info(_("No big idea has votes to show."), icon=":material/info:")
        other_group(results)
        method_section(results)
    else:
        st.info(_("No big idea has votes to show."), icon=":material/info:")
    st.stop()

ideas = charts.visible_ideas(results)
if not ideas:
    st.info(_("No big idea has votes to show."), icon=":material/info:")
    st.stop()
export = charts.idea_metrics(results) is charts.EXPORT_METRICS
qualified = len(charts.idea_metrics(results)) == len(charts.IDEA_METRICS)
ranked = charts.has_ranks(ideas) and all(idea.get("idea_id") for idea in ideas)
axes = [axis for axis in results["top_ideas"] if axis.get("name")]
axes_text = _(", in {n} axes").format(n=len(axes)) if len(axes) > 1 else ""
if found:
    ui.found_ideas_note(view, results, here=True)
    intro = _("Proposals are grouped into {ideas} big ideas found in their texts{axes}.")
    if export:
        intro += " " + _("Ideas are ranked by the pooled adhesion and engagement of their "
                         "proposals.")
    elif ranked:
        intro += " " + _("Ideas are ranked by the Make.org score of their pooled proposals, "
                         "at the low end of its uncertainty margin.")
elif ranked:
    intro = _("Citizens' proposals are grouped into {ideas} big ideas expressing similar "
              "solutions{axes}. Ideas are ranked by the Make.org score: “Agree” and “Disagree” "
              "votes and the “Love it”, “Realistic”, “No way!”, “Impossible” and “Platitude” "
              "mentions, at the low end of their uncertainty margin.")
else:
    intro = _("The {ideas} big ideas approved by citizens{axes}, as published.")
st.markdown(intro.format(ideas=len(ideas), axes=axes_text))

figures = [(_("Big ideas"), i18n.integer(len(ideas), lang))]
if len(axes) > 1:
    figures.append((_("Axes"), i18n.integer(len(axes), lang)))
if all(idea.get("votes") is not None for idea in ideas):
    figures.append((_("Votes on these ideas"), i18n.integer(sum(i["votes"] for i in ideas), lang)))
if all(idea.get("proposals") is not None for idea in ideas):
    figures.append((_("Proposals in ideas"),
                    i18n.integer(sum(i["proposals"] for i in ideas), lang)))
for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
    column.metric(label, value)
hidden_ideas = charts.suppressed_ideas(results)
if hidden_ideas:
    st.caption(_("{n} idea(s) hidden: fewer than 10 votes in this segment.").format(n=hidden_ideas))
ui.notes(results, lang, ("segment",))

overall = False
if ranked:
    overall = st.toggle(_("Overall ranking"), key="ranking", bind="query-params",
                        help=_("All ideas in ranking order, not grouped by axis."))
if ranked:
    st.caption(_("Click a bar to show the idea's proposals."))
    order = sorted(ideas, key=lambda idea: idea["rank"])
    names = {idea["idea_id"]: f"{idea['rank']}. {idea.get('idea') or ''}" for idea in order}
    picked = picked_idea(list(names))
    fig, data = ui.derived(view, charts.ideas_chart, lang, overall=overall, selected=picked)
    # One chart key per selected idea: a click opens the idea, and the chart comes back
    # without a lingering selection (plotly would dim every other bar).
    chart_key = f"{CHART_KEY}-{picked}"
    ui.chart(fig, data, key=chart_key, view=view, filename=f"{slug}-ideas",
             on_select=functools.partial(_clicked, chart_key))
else:
    fig, data = ui.derived(view, charts.ideas_chart, lang, overall=overall)
    ui.chart(fig, data, key=CHART_KEY, view=view, filename=f"{slug}-ideas")


def split_and_detail() -> None:
    """The agree / neutral / disagree split, then the selected idea's proposals."""
    split_fig, split_data = charts.split_chart(results, lang)
    if split_fig is None:
        if source.kind == "published":
            st.info(_("This published results file gives only each idea's “Agree”, “Love it” and "
                      "“Realistic” shares: without proposal-level votes (a vote-level bundle), "
                      "there is no agree / disagree split and no proposal detail."),
                    icon=":material/info:")
            st.stop()
    else:
        st.header(_("Agreement and disagreement per idea"), anchor=False)
        ui.chart(split_fig, split_data, key="ideas-split", view=view,
                 filename=f"{slug}-ideas-split")
    if not ranked:
        return
    st.header(_("An idea's proposals"), anchor=False)
    st.selectbox(_("Idea"), list(names), key=PICK_KEY, format_func=names.get,
                 on_change=_picked)
    idea = next(item for item in ideas if item["idea_id"] == picked)
    proposals, hidden = charts.proposals_of(results, picked)

    if export:
        columns = st.columns(4)
        columns[0].metric(i18n.word("adhesion", lang), i18n.percent(idea.get("agreement"), lang))
        columns[1].metric(i18n.word("engagement", lang),
                          i18n.percent(idea.get("engagement"), lang))
        columns[2].metric(i18n.word("votes", lang), i18n.integer(idea.get("votes"), lang))
        columns[3].metric(i18n.word("proposals", lang), i18n.integer(idea.get("proposals"),
                                                                     lang))
    elif not qualified:
        # Agree / disagree / pass only (a Polis export): no "Coup de cœur" nor "Réaliste".
        columns = st.columns(3)
        columns[0].metric(i18n.word("agree", lang), i18n.percent(idea.get("agreement"), lang))
        columns[1].metric(i18n.word("votes", lang), i18n.integer(idea.get("votes"), lang))
        columns[2].metric(i18n.word("proposals", lang), i18n.integer(idea.get("proposals"),
                                                                     lang))
    else:
        columns = st.columns(5)
        columns[0].metric(i18n.word("agree", lang), i18n.percent(idea.get("agreement"), lang))
        columns[1].metric(i18n.word("likeIt", lang), i18n.percent(idea.get("adhesion"), lang))
        columns[2].metric(i18n.word("doable", lang), i18n.percent(idea.get("realistic"), lang))
        columns[3].metric(i18n.word("votes", lang), i18n.integer(idea.get("votes"), lang))
        columns[4].metric(i18n.word("proposals", lang), i18n.integer(idea.get("proposals"),
                                                                     lang))
    if idea.get("zone"):
        st.caption(_("Idea's zone (see the debate map): {zone}.").format(
            zone=i18n.word(idea["zone"], lang)))
    if hidden:
        st.caption(_("{n} proposal(s) of this idea hidden: fewer than 10 voters in this "
                     "segment.").format(n=hidden))
    if not proposals:
        st.info(_("No proposal of this idea has votes to show."), icon=":material/info:")
        return

    if export:
        # No agree / disagree split in an export: its proposals as a table, by votes.
        sort = "votes"
    else:
        sorts = charts.SORTS if qualified else tuple(
            key for key in charts.SORTS if key not in ("like_it", "doable"))
        sort = st.segmented_control(
            _("Sort by"), sorts, **ui.in_url("idea_sort", sorts, "score"),
            format_func=lambda key: _("Ranking") if key == "score"
            else i18n.word(SORT_WORDS.get(key, key), lang), required=True) or "score"
        detail_fig, detail_data = charts.proposals_chart(proposals, lang, sort=sort,
                                                         qualifications=qualified)
        ui.chart(detail_fig, detail_data, key="ideas-proposals", view=view,
                 filename=f"{slug}-idea-{picked}")

    st.subheader(_("All the idea's proposals (click a header to sort)"), anchor=False)
    table = charts.proposals_table(charts.sort_proposals(proposals, sort), lang)
    if export:
        table = charts.export_columns(table, charts.sort_proposals(proposals, sort), lang)
    elif not qualified:
        table = table.drop(columns=[i18n.word(key, lang) + " (%)"
                                    for key in ("likeIt", "doable")])
    author = i18n.word("author", lang)
    if author in table.columns and table[author].isna().all():
        table = table.drop(columns=[author])        # no authors (Polis): no empty column
    percent_format = _percent_format(1)
    config = {column: st.column_config.NumberColumn(format=percent_format)
              for column in table.columns if column.endswith("(%)")}
    agree_column = i18n.word("adhesion" if export else "agree", lang) + " (%)"
    config[agree_column] = st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                           format=percent_format)
    config[i18n.word("content", lang)] = st.column_config.TextColumn(width="large")
    config[i18n.word("votes", lang)] = st.column_config.NumberColumn(format="localized")
    st.dataframe(table, hide_index=True, width="stretch", column_config=config,
                 key="ideas-proposals-table")


split_and_detail()

# -- found ideas: what they hold, the other group, the corrections, the method --------------
if found:
    idea_contents(results, ui.derived(view, charts.proposal_texts))
    other_group(results)
    if ui.finds_ideas(source):
        idea_set = view.idea_set()
        if idea_set is not None:
            editor(idea_set, results)
    method_section(results)
elif ("ideas" in source.capabilities and source.kind != "published"
      and callable(getattr(source, "found_ideas", None))
      # Given ideas stay; the ideas found in the texts can be shown beside them.
      and st.toggle(_("Compare with the ideas found in the texts"), key="compare_found",
                    help=_("Shows, beside the ideas that come with the data, the ideas the "
                           "analysis of the texts finds, and which given idea holds most of "
                           "each one's proposals."),
                    bind="query-params")):
    found_results = view.results(ideas="found")
    st.header(_("The ideas found in the texts"), anchor=False)
    if charts.found(found_results) is None or not charts.visible_ideas(found_results):
        st.info(_("No idea could be found in these proposals' texts."), icon=":material/info:")
    else:
        ui.found_ideas_note(view, found_results, here=True)
        fig, data = charts.ideas_chart(found_results, lang)
        ui.chart(fig, data, key="ideas-found-bars", view=view,
                 filename=f"{slug}-found-ideas")
        overlap = charts.overlap_table(results, found_results, lang)
        st.dataframe(overlap, hide_index=True, width="stretch", key="ideas-overlap",
                     column_config={overlap.columns[-1]: st.column_config.ProgressColumn(
                         min_value=0, max_value=100,
                         format=_percent_format(0))})
        method_section(found_results)
