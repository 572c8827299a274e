"""Segments: do the 16-24 agree as much as the 65+? An idea's or a proposal's
shares by gender, age band and région side by side, with 95 % Wilson intervals
and the significant differences marked (Holm's correction, stated); then the
ideas (or proposals) where segments disagree most. Raw or weighted, as the
sidebar says. Privacy: cells under 10 participants are "< 10" here and absent
from downloads (analytics.metrics.segments)."""

import streamlit as st

from analytics import i18n
from analytics.i18n import N_
from analytics.metrics import segments
from analytics.metrics.engine import DEFAULT_MIN_VOTES
from analytics.present.charts import segments as charts
from pages import ui

# What the data is, when it cannot be compared by segment (source.kind).
KINDS = {"bundle": N_("a vote-level bundle without participants"),
         "polis": N_("a Polis export"), "published": N_("published results"),
         "opendata": N_("a proposal export")}
# A dimension named inside a sentence ("21 for age").
DIMENSION_WORDS = {"gender": N_("gender"), "age_band": N_("age"), "region": N_("region")}
SHARES = tuple(segments.SHARES)
RANKED = 15          # items in the ranking chart
LISTED = 6           # significant differences listed per dimension
RANKING_CHART = "seg-ranking"


def clicked() -> None:
    """A dot of the ranking was clicked: its item becomes the compared one."""
    state = st.session_state.get(RANKING_CHART) or {}
    for point in (state.get("selection") or {}).get("points") or []:
        custom = point.get("customdata")
        if isinstance(custom, list) and len(custom) == 2:
            kind, item_id = custom
            st.session_state["of"], st.session_state["item"] = kind, item_id
            st.query_params["of"], st.query_params["item"] = kind, item_id
            return


# -- cached computations (keyed by the consultation's path and version) ---------------------

@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def comparison(_source, path: str, version: float, kind: str, item_id: str, segment: tuple,
               weighted: bool, ideas_key: str = "", _run_sql=None) -> dict:
    # `ideas_key`: which ideas (found in the texts, corrected) `_run_sql` sees.
    if weighted:
        _source.weighting()
    return segments.compare(_run_sql or _source.sql, kind, item_id,
                            segment=segments.Segment(**dict(segment)), weighted=weighted,
                            country=_source.meta.get("country", "FR"))


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def ranking(_source, path: str, version: float, level: str, share: str, segment: tuple,
            weighted: bool, min_votes: int, ideas_key: str = "", _run_sql=None):
    if weighted:
        _source.weighting()
    run_sql = _run_sql or _source.sql
    ranked, family = segments.disagreement(
        run_sql, level, share=share, segment=segments.Segment(**dict(segment)),
        weighted=weighted, country=_source.meta.get("country", "FR"), min_votes=min_votes)
    return ranked, family, segments.item_names(run_sql, level)


# -- the page -------------------------------------------------------------------------------

view = ui.current_view()
lang = view.lang
_ = i18n.translator(lang)
source = view.source()
results = view.results()
ui.header(view, "segments", results)

if "participants" not in source.capabilities or "votes" not in source.capabilities:
    kind_word = _(KINDS[source.kind]) if source.kind in KINDS else source.kind
    st.info(_("Comparing segments needs data on participants (gender, age, region): a "
              "vote-level bundle with a participants table provides it; this data ({kind}) has "
              "none.").format(kind=kind_word), icon=":material/info:")
    st.stop()
if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()

weighting = results.get("weighting")
weighted = bool(weighting)
# Ideas found in the texts (maybe corrected in this session) stand for the input's own.
found_ideas = view.idea_set() if ui.finds_ideas(source) else None
ideas_key = (view.edited_ideas()[1] or "found") if found_ideas is not None else ""
run_sql = source.sql_with_ideas(found_ideas) if found_ideas is not None else None
segment = tuple(view.segment.items())
slug = (results.get("consultation") or {}).get("slug") or "consultation"

st.markdown(_("The votes on an idea or a proposal, group by group: gender, age, region. Each "
              "dot is the share of the group's votes, with its 95% confidence interval "
              "(Wilson); the dashed line is everyone."))
ui.found_ideas_note(view, results)      # ideas found in the texts say so
if weighted:
    converged = "" if weighting.get("converged") else _(
        ", margins met within {error} points").format(
        error=i18n.decimal(weighting.get("max_margin_error"), lang, 2))
    st.caption(_("Weighting by raking (gender, age, region), weights capped to [{low}, {high}] "
                 "× the mean{converged}; counts shown stay raw, intervals and tests use the "
                 "effective number of votes.").format(
        low=i18n.decimal(0.2, lang, 1), high=i18n.integer(5, lang), converged=converged))
elif view.weighted:
    st.caption(_("Weighting is not available for this data (it needs participants' gender, "
                 "age or region and the reference population, France only): raw figures."))
else:
    st.caption(_("Raw figures (not weighted): every vote counts as one."))

# What can be compared: ideas (in ranking order) and proposals (most voted first).
idea_names, idea_votes = {}, {}
for axis in results.get("top_ideas") or []:
    for idea in axis["ideas"]:
        if not idea.get("suppressed") and idea.get("idea_id") and idea.get("votes"):
            idea_names[idea["idea_id"]] = idea["idea"]
            idea_votes[idea["idea_id"]] = idea["votes"]
idea_ids = [i for i in results.get("ranked_ideas") or [] if i in idea_names]
visible = sorted((p for p in results.get("proposals") or []
                  if not p.get("suppressed") and p.get("votes")),
                 key=lambda p: (-p["votes"], p["id"]))
proposals = {p["id"]: p for p in visible}
kinds = [k for k, ids in (("idea", idea_ids), ("proposal", list(proposals))) if ids]
if not kinds:
    st.info(_("No idea or proposal has votes to compare."), icon=":material/info:")
    st.stop()

controls = st.columns([1.3, 4, 1.4], vertical_alignment="bottom")
item_words = {"idea": _("Idea"), "proposal": _("Proposal")}
kind = controls[0].segmented_control(
    _("Compare"), kinds, required=True, format_func=item_words.get,
    **ui.in_url("of", kinds, kinds[0])) or kinds[0]
share = controls[2].selectbox(_("Share"), SHARES,
                              format_func=lambda s: charts.share_name(s, lang),
                              **ui.in_url("share", list(SHARES), "agree")) or "agree"


def default_item(level: str, ids: list[str]) -> str:
    """The item where segments disagree most, else the first (best ranked / most voted)."""
    ranked = ranking(source, str(view.entry.path), view.entry.version, level, share, segment,
                     weighted, DEFAULT_MIN_VOTES if level == "proposal" else 0, ideas_key,
                     _run_sql=run_sql)[0]
    top = [i for i in ranked["item_id"] if i in ids]
    return top[0] if top else ids[0]


def item_label(item_id: str) -> str:
    if kind == "idea":
        name = idea_names[item_id]
        votes = idea_votes[item_id]
    else:
        content = proposals[item_id].get("content") or item_id
        name = content if len(content) <= 110 else content[:109] + "…"
        votes = proposals[item_id]["votes"]
    return name + " (" + _("{votes} votes").format(votes=i18n.integer(votes, lang)) + ")"


ids = idea_ids if kind == "idea" else list(proposals)
item_id = controls[1].selectbox(item_words[kind], ids, format_func=item_label,
                                **ui.in_url("item", ids, default_item(kind, ids))) or ids[0]

compared = comparison(source, str(view.entry.path), view.entry.version, kind, item_id,
                      segment, weighted, ideas_key, _run_sql=run_sql)
if kind == "idea":
    shares = next((i.get("shares") for a in results["top_ideas"] for i in a["ideas"]
                   if i.get("idea_id") == item_id), None) or {}
else:
    shares = proposals[item_id].get("shares") or {}
overall = shares.get(share)

if all(segments.figures(c.cells).empty for c in compared.values()):
    st.info(_("Fewer than 10 participants voted on this item in this segment: nothing to "
              "show."), icon=":material/info:")

xrange = charts.x_range([c.cells for c in compared.values()], share, overall)
columns = st.columns([1, 1, 1.3])
pair_tables = {}
for column, dimension in zip(columns, segments.DIMENSIONS, strict=True):
    item = compared[dimension]
    pairs = item.pairs(share)
    pair_tables[dimension] = pairs
    significant = set(pairs.loc[pairs["significant"].astype(bool), "value_a"]) | set(
        pairs.loc[pairs["significant"].astype(bool), "value_b"]) if len(pairs) else set()
    with column:
        fig, data = ui.figure(charts.comparison_chart, item.cells, dimension, share, lang,
                              overall=overall, significant=frozenset(significant),
                              weighted=weighted, xrange=xrange)
        ui.chart(fig, data, key=f"seg-{dimension}", view=view, narrow=True,
                 filename=f"{slug}-{kind}-{item_id}-{dimension}")
        if item.fixed:
            st.caption(_("The sidebar's “{dimension}” filter leaves a single group.").format(
                dimension=view.t(dimension)))
if any((c.cells["suppressed"] != "").any() for c in compared.values()):
    st.caption(_("“< 10”: fewer than 10 participants, figures hidden. “hidden”: group hidden "
                 "so that a small group cannot be worked out by subtraction from the totals. "
                 "These groups are left out of the downloads."))

# -- the significant differences ------------------------------------------------------------

st.subheader(_("Significant differences"), anchor=False)
counts = [_("{n} for {dimension}").format(n=len(pair_tables[d]),
                                          dimension=_(DIMENSION_WORDS[d]))
          for d in segments.DIMENSIONS]
kish = _("With weighting, intervals and tests use each group's effective number of votes "
         "(Kish).")
st.markdown(_("Each pair of groups is compared with a two-proportion z-test; a difference is "
              "called significant when its p-value, corrected with Holm's method for the "
              "number of comparisons in the dimension (here {counts}), is below 5%."
              "{weighted}").format(counts=", ".join(counts),
                                   weighted=" " + kish if weighted else ""))


def p_text(p: float) -> str:
    if p < 0.001:
        return "< " + i18n.decimal(0.001, lang, 3)
    return i18n.decimal(p, lang, 3)


for dimension in segments.DIMENSIONS:
    pairs = pair_tables[dimension]
    name = view.t(dimension)
    if len(pairs) == 0:
        st.markdown(_("{dimension}: fewer than two groups to compare.").format(dimension=name))
        continue
    found = pairs[pairs["significant"].astype(bool)]
    if found.empty:
        st.markdown(_("{dimension}: no significant difference.").format(dimension=name))
    else:
        pair = _("**{a}** {share_a} vs **{b}** {share_b}: a {gap}-point gap (corrected p {p})")
        lines = [pair.format(
            a=ui.plain(charts.group_label(dimension, row.value_a, row.label_a, lang)),
            b=ui.plain(charts.group_label(dimension, row.value_b, row.label_b, lang)),
            share_a=i18n.percent(row.share_a, lang), share_b=i18n.percent(row.share_b, lang),
            gap=i18n.decimal(row.difference, lang, 1), p=p_text(row.p_holm))
            for row in found.head(LISTED).itertuples()]
        st.markdown(f"**{name}**\n\n" + "\n".join(f"- {line}" for line in lines))
        if len(found) > LISTED:
            st.caption(_("… and {n} more significant differences (see the table).").format(
                n=i18n.integer(len(found) - LISTED, lang)))
    ui.data_table(charts.pairs_data(pairs, dimension, lang), key=f"seg-pairs-{dimension}",
                  view=view, filename=f"{slug}-{kind}-{item_id}-{dimension}-pairs")

# -- the ranking ----------------------------------------------------------------------------

st.header(_("Where segments disagree most"), anchor=False)
levels = [k for k in ("idea", "proposal") if k in kinds]
pgettext = i18n.translations(lang).pgettext
# TRANSLATORS: what the ranking ranks, beside "Rank".
rank_words = {"idea": pgettext("rank", "Ideas"), "proposal": pgettext("rank", "Proposals")}
level = st.segmented_control(pgettext("verb", "Rank"), levels, required=True,
                             format_func=rank_words.get,
                             **ui.in_url("rank", levels, levels[0])) or levels[0]
min_votes = DEFAULT_MIN_VOTES if level == "proposal" else 0
ranked, family, names = ranking(source, str(view.entry.path), view.entry.version, level, share,
                                segment, weighted, min_votes, ideas_key, _run_sql=run_sql)
total = len(idea_ids) if level == "idea" else sum(
    1 for p in visible if p["votes"] >= min_votes)
if level == "idea":
    intro = _("For each idea, the largest gap in “{share}” between two groups of one dimension "
              "(gender, age or region), in points, among the significant gaps. Holm's "
              "correction over all {m} comparisons in the ranking. Click a dot to show its "
              "comparison above.")
elif min_votes:
    intro = _("For each proposal, the largest gap in “{share}” between two groups of one "
              "dimension (gender, age or region), in points, among the significant gaps. "
              "Holm's correction over all {m} comparisons in the ranking (proposals with at "
              "least {n} votes). Click a dot to show its comparison above.")
else:
    intro = _("For each proposal, the largest gap in “{share}” between two groups of one "
              "dimension (gender, age or region), in points, among the significant gaps. "
              "Holm's correction over all {m} comparisons in the ranking. Click a dot to show "
              "its comparison above.")
st.markdown(intro.format(share=charts.share_name(share, lang), m=i18n.integer(family, lang),
                         n=i18n.integer(min_votes, lang)))
if ranked.empty:
    st.info(_("No significant gap between segments."), icon=":material/info:")
else:
    fig, data = ui.figure(charts.ranking_chart, ranked, names, share, lang, level=level,
                          top=RANKED)
    ui.chart(fig, data, key=RANKING_CHART, view=view, filename=f"{slug}-segments-{level}",
             on_select=clicked)
    st.caption(_("{n} of {total} without a significant gap.").format(
        n=i18n.integer(max(total - len(ranked), 0), lang), total=i18n.integer(total, lang)))
