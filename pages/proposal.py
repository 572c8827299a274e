"""A proposal's (or an idea's) own address, what a journalist quotes:
`proposal?c=...&id=<proposal_id>` or `proposal?c=...&idea=<idea_id>` shows it alone with
its figures, its zone, its idea and, where vote data exists, its shares by segment."""

import pandas as pd
import streamlit as st

from analytics import i18n
from analytics.metrics import segments
from pages import ui

SHARES = ("agree", "disagree", "neutral", "like_it", "doable", "no_way")
SCORES = ("top_score", "controversy", "rejection", "engagement")
MAX_LISTED = 50

view = ui.current_view()
_ = i18n.translator(view.lang)
results = view.results()
proposal_id = str(st.query_params.get("id", ""))[:200]
idea_id = str(st.query_params.get("idea", ""))[:200]


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def by_segment(path: str, version: float, kind: str, item_id: str) -> dict:
    source = ui._source(path, version)
    country = source.meta.get("country", "FR")
    return {dimension: segments.export_table(comparison.cells)
            for dimension, comparison in segments.compare(source.sql, kind, item_id,
                                                          country=country).items()}


def share_metrics(shares: dict) -> None:
    shown = [key for key in SHARES if shares.get(key) is not None]
    for column, key in zip(st.columns(max(len(shown), 1)), shown, strict=False):
        column.metric(view.t(key), i18n.percent(shares[key], view.lang))


def score_table(item: dict) -> None:
    rows = [{_("Score"): key, _("Value"): i18n.decimal(item[key]["score"], view.lang, 3),
             _("Interval"): i18n.decimal(item[key]["lower"], view.lang, 3) + " – "
             + i18n.decimal(item[key]["upper"], view.lang, 3)}
            for key in SCORES if isinstance(item.get(key), dict)]
    if rows:
        st.subheader(_("Scores (lower – upper bound)"), anchor=False)
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def segment_tables(kind: str, item_id: str) -> None:
    if "segments" not in view.source().capabilities:
        return
    st.subheader(_("By segment"), anchor=False)
    st.caption(_("Shares of votes by segment; a segment of fewer than 10 participants is not "
                 "shown."))
    tables = by_segment(str(view.entry.path), view.entry.version, kind, item_id)
    # Gender and age side by side, the (longer) regions under them.
    places = [*st.columns(2), st.container()]
    for column, (dimension, table) in zip(places, tables.items(), strict=True):
        if table.empty:
            continue
        shown = pd.DataFrame({
            view.t(dimension): [ui.segment_label(view, dimension, v) if dimension == "region"
                                else view.t(str(label)) for v, label in
                                zip(table["value"], table["label"], strict=True)],
            view.t("participants"): table["participants"],
            view.t("agree"): [i18n.percent(v, view.lang) for v in table["agree"]],
            view.t("disagree"): [i18n.percent(v, view.lang) for v in table["disagree"]]})
        column.dataframe(shown, hide_index=True)


def show_proposal(item: dict) -> None:
    st.subheader(ui.plain(item.get("content")), anchor=False)
    if item.get("author"):
        st.caption(ui.plain(_("Proposed by {author}").format(author=item["author"])))
    facts = [_("Votes: {votes}").format(votes=i18n.integer(item.get("votes"), view.lang))]
    if item.get("zone"):
        facts.append(_("Zone: {zone}").format(zone=view.t(item["zone"])))
    st.markdown(ui.plain("  ·  ".join(facts)))
    ideas = {i["idea_id"]: i for axis in results.get("top_ideas") or []
             for i in axis.get("ideas") or [] if i.get("idea_id")}
    if item.get("idea_id") in ideas:
        idea = ideas[item["idea_id"]]
        before, _mark, after = _("Big idea: {idea}").partition("{idea}")
        st.markdown(ui.plain(before) + f"[{ui.plain(idea['idea'])}]"
                    f"({ui.page_link(view, 'proposal', (('idea', idea['idea_id']),))})"
                    + ui.plain(after))
    share_metrics(item.get("shares") or item)
    score_table(item)
    segment_tables("proposal", str(item["id"]))


def show_idea(axis: str | None, idea: dict) -> None:
    st.subheader(ui.plain(idea["idea"]), anchor=False)
    facts = [f"{view.t('votes')} {i18n.integer(idea.get('votes'), view.lang)}"]
    if axis:
        facts.insert(0, _("Axis: {axis}").format(axis=axis))
    if idea.get("zone"):
        facts.append(_("Zone: {zone}").format(zone=view.t(idea["zone"])))
    st.markdown(ui.plain("  ·  ".join(facts)))
    share_metrics(idea.get("shares") or {"agree": idea.get("agreement"),
                                         "like_it": idea.get("adhesion"),
                                         "doable": idea.get("realistic")})
    score_table(idea)
    segment_tables("idea", idea["idea_id"])
    members = [p for p in results.get("proposals") or [] if p.get("idea_id") == idea["idea_id"]]
    if members:
        st.subheader(_("Its proposals"), anchor=False)
        members.sort(key=lambda p: -(p.get("votes") or 0))
        st.markdown("\n".join(
            f"- [{ui.plain(p.get('content'))}]"
            f"({ui.page_link(view, 'proposal', (('id', p['id']),))})"
            for p in members[:MAX_LISTED]))


st.title(_("Big idea") if idea_id and not proposal_id else _("Proposal"))
ui.header_lines(view, results)
proposals = {str(p.get("id")): p for p in results.get("proposals") or [] if p.get("id")}
for key in ("controversials", "rejected"):       # a published file lists only these
    for item in results.get(key) or []:
        if item.get("id") is not None:
            proposals.setdefault(str(item["id"]), item)
ideas = {i.get("idea_id"): (axis.get("name"), i) for axis in results.get("top_ideas") or []
         for i in axis.get("ideas") or [] if i.get("idea_id")}
if proposal_id:
    if proposal_id in proposals:
        show_proposal(proposals[proposal_id])
    else:
        st.info(_("No proposal or idea “{id}” in this consultation.").format(
            id=ui.plain(proposal_id)), icon=":material/info:")
elif idea_id:
    if idea_id in ideas:
        show_idea(*ideas[idea_id])
    else:
        st.info(_("No proposal or idea “{id}” in this consultation.").format(
            id=ui.plain(idea_id)), icon=":material/info:")
else:
    st.info(_("This address names no proposal: add `id=` (a proposal) or `idea=` (a big "
              "idea)."), icon=":material/info:")
