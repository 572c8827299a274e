"""Opinion groups: participants who vote alike, found the way Polis finds them (PCA of the
vote matrix, k-means), what sets each group apart and what every group agrees on."""

import streamlit as st

from analytics import i18n
from analytics.consultations import polis
from analytics.i18n import N_
from analytics.metrics import groups as opinion
from analytics.metrics.groups import GroupOptions
from analytics.metrics.segment import Segment
from analytics.present.charts.groups import agreement_figure, map_figure, sizes_figure
from pages import ui

# The result's notes the page shows as they are (no figures in them).
NOTES = {
    "no_votes": N_("Opinion groups are computed from each participant's votes: this data "
                   "has none (a vote-level bundle or a Polis export would)."),
    "too_few": N_("Not enough participants with enough votes to form at least two groups of "
                  "10 participants."),
    "segment_too_small": N_("This segment has fewer than 10 participants: no opinion groups, "
                            "to protect privacy."),
    "small_groups_hidden": N_("A group of fewer than 10 participants was found: it is not "
                              "shown, to protect privacy (its members are neither on the map "
                              "nor in the figures)."),
    "small_groups_figures_hidden": N_("Polis formed at least one group of fewer than 10 "
                                      "participants: it is listed with its size, as in "
                                      "Polis's report, but its figures are hidden (\"< 10\") "
                                      "to protect privacy."),
}


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _groups(path: str, version: float, segment: tuple) -> dict:
    """The opinion groups of a consultation (cached like ui._results)."""
    options = GroupOptions(segment=Segment(**dict(segment)))
    return opinion.opinion_groups(ui._source(path, version), options)


view = ui.current_view()
lang = view.lang
_ = i18n.translator(lang)
directions = opinion.direction_names(lang)       # the badges "Agree", "Disagree"
source = view.source()
segment = view.segment if "segments" in source.capabilities else Segment()
with st.spinner(_("Finding the opinion groups…"), show_time=True):
    result = _groups(str(view.entry.path), view.entry.version, tuple(segment.items()))

ui.header(view, "groups", result)
st.markdown(_("Participants who vote alike are gathered into **opinion groups**, the way "
              "Polis does it. Each participant is a row of votes (agree +1, disagree −1, "
              "neutral 0; a missing vote takes the proposal's mean vote). A principal "
              "component analysis sums these rows up in two axes that place every "
              "participant on the map; nearby participants are grouped (k-means), with the "
              "number of groups (2 to 5) that separates them best (silhouette). Groups have "
              "no names: read them through the proposals that set them apart."))
codes = {note["code"]: note for note in result["notes"]}
if view.weighted and "participants" in source.capabilities:
    st.caption(_("Opinion groups are computed on raw votes (weighting does not apply "
                 "here)."))

for code in ("no_votes", "segment_too_small", "too_few"):
    if code in codes:
        st.info(_(NOTES[code]), icon=":material/info:")
        st.stop()

counts, parameters = result["counts"], result["parameters"]
prefix = f"{view.entry.id}-"


def number(value) -> str:
    return i18n.integer(value, lang)


def decimal(value, digits: int = 2) -> str:
    return i18n.decimal(value, lang, digits)


def representative_list(group: dict) -> None:
    """What sets one group apart: its representative proposals, agrees first."""
    letter = group["group"]
    st.subheader(_("What sets group {g} apart").format(g=letter), anchor=False)
    st.caption(_("{n} participants ({share} of the participants in the groups shown)").format(
        n=number(group["participants"]), share=i18n.percent(group["share"], lang)))
    items = result["representative"].get(letter) or []
    if not items:
        st.caption(_("No proposal received at least 10 votes in this group: its figures "
                     "are hidden to protect privacy."))
    elif not any(item["significant"] for item in items):
        st.caption(_("No proposal sets this group apart in a statistically clear way; "
                     "here is the closest."))
    for item in items:
        agree = item["direction"] == "agree"
        with st.container(border=True):
            badge = f":{'blue' if agree else 'orange'}-badge[{directions[item['direction']]}]"
            st.markdown(badge + " " + ui.plain(item["content"]))
            line = (_("**{group}** agree in group {g}, **{others}** among the others · "
                      "{votes} votes in the group") if agree else
                    _("**{group}** disagree in group {g}, **{others}** among the others · "
                      "{votes} votes in the group")).format(
                group=i18n.percent(item["group_agree" if agree else "group_disagree"], lang),
                others=i18n.percent(item["others_agree" if agree else "others_disagree"], lang),
                g=letter, votes=number(item["group_votes"]))
            notes = ([_("The group's best agree (Polis puts it first)")]
                     if item.get("best_agree") else []) + \
                ([_("not significant at 90 %")] if not item["significant"]
                 and any(other["significant"] for other in items) else [])
            st.caption(" · ".join([line, *notes]))


def group_shares(shares: dict) -> str:
    """'A 92 % · B < 10 · C 40 %': one share per group, "< 10" under 10 voters."""
    return " · ".join(f"{letter} {i18n.percent(share, lang) if share is not None else '< 10'}"
                      for letter, share in shares.items())


def licence_statement(text: str) -> str:
    """Polis's CC BY 4.0 statement (analytics.consultations.polis.ATTRIBUTION) in the page's
    language, its links kept; any other credit as the data gives it."""
    head = polis.ATTRIBUTION.split("{links}")[0]
    if not text.startswith(head):
        return text
    # TRANSLATORS: the credit the CC BY 4.0 licence of Polis open data asks for; keep the
    # licence's name, "The Computational Democracy Project" and {links} as they are.
    return _("Data was gathered using the Polis software (compdemocracy.org/polis) and is "
             "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy "
             "Project. The data and more information about how the data was collected can be "
             "found at the following link(s): {links}").format(links=text[len(head):])


def section(title: str, formula: str) -> None:
    """A section's title and its one-line formula (both translated)."""
    st.header(title, anchor=False)
    st.caption(formula)


best = max((item["silhouette"] for item in result["silhouettes"]), default=None)
columns = st.columns(3)
from_export = result.get("source") == "export"
used_help = _("Participants Polis placed in a group (the export's \"group-id\" column).") \
    if from_export else _(
        "Participants who voted on at least {threshold} of the proposals that have at least "
        "{min_proposal} votes (Polis's rule), in a group shown.").format(
            threshold=counts["threshold"], min_proposal=parameters["min_proposal_votes"])
silhouette_label = _("Separation (silhouette)")
columns[0].metric(_("Participants in a group"),
                  number(sum(g["participants"] for g in result["groups"])), help=used_help)
columns[1].metric(_("Groups"), number(len(result["groups"])))
columns[2].metric(silhouette_label, decimal(best) if best is not None else i18n.MISSING,
                  help=_("From −1 to 1: the higher, the better separated the groups. Under "
                         "0.25 the structure is weak."))
if from_export:
    st.caption(_("Groups as computed by Polis (the export's “group-id” column); the figures "
                 "below are computed here from their members' votes."))
else:
    st.caption(_("Groups computed here with Polis's method (see “Method and figures”): they "
                 "may differ from Polis's own."))
if counts["sampled"]:
    st.info(_("Large consultation: {eligible} participants voted on at least {threshold} "
              "proposals; a random sample (fixed seed, so reproducible) of {used} of them is "
              "analysed.").format(eligible=number(counts["eligible"]),
                                  threshold=counts["threshold"], used=number(counts["used"])),
            icon=":material/casino:")
if segment.items():
    st.caption(_("Analysis restricted to the participants of the chosen segment."))
if "no_structure" in codes:
    st.warning(_("Caution: these votes show no more structure than the same votes shuffled "
                 "at random among participants (the first axis explains {explained} of the "
                 "variation, against {shuffled} once votes are shuffled). The groups below "
                 "are not real opinion groups: read them as tendencies, not camps.").format(
        explained=i18n.percent(100 * codes["no_structure"]["explained"], lang, 1),
        shuffled=i18n.percent(100 * codes["no_structure"]["shuffled"], lang, 1)),
        icon=":material/warning:")
elif "weak_structure" in codes:
    st.warning(_("The groups are weakly separated (silhouette {silhouette}): read them as "
                 "tendencies rather than camps.").format(
        silhouette=decimal(codes["weak_structure"]["silhouette"])), icon=":material/warning:")
for code in ("small_groups_hidden", "small_groups_figures_hidden"):
    if code in codes:
        st.info(_(NOTES[code]), icon=":material/visibility_off:")

# The sections of Polis's report, in its order.
fig, data = map_figure(result, lang)
if fig is not None:
    section(_("The participants map"),
            _("Each dot is a participant, placed by their votes (first two axes of a principal "
              "component analysis); each group's dashed outline is the convex hull of its "
              "members, as in Polis's report."))
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.chart(fig, data, key="groups-map", view=view, filename=prefix + _("groups-map"))
fig, data = sizes_figure(result, lang)
if fig is not None:
    st.header(_("The groups and their size"), anchor=False)
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.chart(fig, data, key="groups-sizes", view=view, filename=prefix + _("groups-sizes"))

if len(result["groups"]) < 2:
    st.info(_("Only one group has at least 10 participants: there are no groups to "
              "compare."), icon=":material/info:")
else:
    tables = opinion.tables(result)
    section(_("What sets each group apart"),
            _("Polis's “representative comments”: for a group, p = (agree + 1) / (votes + 2); "
              "representativeness is p divided by the same for the other groups; kept when two "
              "z-tests (p against ½, the group against the others) exceed 1.2816 (90 %), for "
              "agree or for disagree; the group's best “agree” proposal first, the top 5, "
              "agrees before disagrees."))
    tabs = st.tabs([_("Group {g} · {n}").format(g=g["group"], n=number(g["participants"]))
                    for g in result["groups"]])
    for tab, group in zip(tabs, result["groups"], strict=True):
        with tab:
            representative_list(group)
    fig, data = agreement_figure(result, lang)
    if fig is not None:
        # TRANSLATORS: a file name (no spaces, no accents needed).
        ui.chart(fig, data, key="groups-agreement", view=view,
                 filename=prefix + _("groups-agreement"))
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.data_table(tables["representative"], key="groups-representative", view=view,
                  filename=prefix + _("groups-proposals"))

    section(_("Majority opinion"),
            _("Polis's report “Majority” (“consensus” in its math): over all participants in "
              "the groups, p = (agree + 1) / (votes + 2) above 0.5 with a z-test significant "
              "at 90 % (z > 1.2816), ranked by p × z, at most 5 each way. Polis's report text "
              "says “60% or more”; this formula is what it applies."))
    majority = result.get("majority") or {}
    for column, direction in zip(st.columns(2), ("agree", "disagree"), strict=True):
        with column:
            st.subheader(_("Most agree") if direction == "agree" else _("Most disagree"),
                         anchor=False)
            items = majority.get(direction) or []
            if not items:
                st.caption(_("No proposal."))
            line = _("**{share}** agree of {votes} votes · {groups}") \
                if direction == "agree" else \
                _("**{share}** disagree of {votes} votes · {groups}")
            for item in items:
                with st.container(border=True):
                    st.markdown(ui.plain(item["content"]))
                    st.caption(line.format(share=i18n.percent(item["share"], lang),
                                           votes=number(item["votes"]),
                                           groups=group_shares(item["groups"])))
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.data_table(tables["majority"], key="groups-majority", view=view,
                  filename=prefix + _("groups-majority"))

    section(_("What every group agrees on"),
            _("Polis's “group-informed consensus”: the product over groups of (agree + 1) / "
              "(votes + 2); high only when **every** group agrees. Proposals with at least 10 "
              "votes, the top {n}.").format(n=opinion.DEFAULT_GROUP_OPTIONS.consensus_top))
    if not result["consensus"]:
        st.caption(_("No proposal has enough votes to measure a consensus."))
    for item in result["consensus"]:
        with st.container(border=True):
            st.markdown(ui.plain(item["content"]))
            st.caption(_("Consensus {score} · {agree} agree overall · {groups}").format(
                score=decimal(item["consensus"], 3), agree=i18n.percent(item["agree"], lang),
                groups=group_shares(item["groups"])))
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.data_table(tables["consensus"], key="groups-consensus", view=view,
                  filename=prefix + _("groups-consensus"))

    section(_("Areas of uncertainty"),
            _("Polis's “areas of uncertainty”: proposals where more than 30 % of the votes are "
              "“neutral” (Polis's “pass”), ranked by share² × neutral votes, the top 5."))
    if not result.get("uncertainty"):
        st.caption(_("No proposal has more than 30 % neutral votes."))
    for item in result.get("uncertainty") or []:
        with st.container(border=True):
            st.markdown(ui.plain(item["content"]))
            st.caption(_("**{share}** neutral of {votes} votes · {groups}").format(
                share=i18n.percent(item["pass"], lang), votes=number(item["votes"]),
                groups=group_shares(item["groups"])))
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.data_table(tables["uncertainty"], key="groups-uncertainty", view=view,
                  filename=prefix + _("groups-uncertainty"))

    section(_("All proposals"),
            _("Polis's “All statements” table: for every proposal (Polis's “statement”), the "
              "shares of agree, disagree and neutral overall and in each group, and the "
              "group-informed consensus. Click a column header to sort. Empty cell: fewer "
              "than 10 votes."))
    statements = opinion.statement_table(result, lang)
    # The language's percent sign after the number ("94 %" or "94%"), as CLDR writes it.
    percent_format = i18n.printf_percent(lang)
    st.dataframe(
        statements, hide_index=True, width="stretch", key="groups-statements",
        column_config={
            name: st.column_config.NumberColumn(
                format=percent_format if name.endswith("(%)") else
                "%.3f" if name == statements.columns[6] else "%d")
            for name in statements.columns[2:] if statements[name].dtype == float})
    # TRANSLATORS: a file name (no spaces, no accents needed).
    ui.download_buttons(st.columns(2), statements, key="groups-statements", view=view,
                        filename=prefix + _("groups-all-proposals"))
    if result.get("attribution"):
        ui.attribution(licence_statement(result["attribution"]))

with st.expander(_("Method and figures"), icon=":material/functions:"):
    st.markdown(_(
        "Polis's method (compdemocracy.org), rewritten here: missing votes replaced by the "
        "proposal's mean; first two principal components; “sparsity-aware” projection (only "
        "the votes cast count, scaled by √(proposals / the participant's votes) so that those "
        "who voted little are not squashed into the centre); k-means (k-means++, 10 starts, "
        "fixed seed) for k = 2 to 5, keeping the k with the best silhouette. A proposal "
        "represents a group when the group agrees (or disagrees) more than the others, with "
        "two z-tests significant at 90 % (Polis's “repness”). Differences from Polis: "
        "participants are clustered directly (Polis goes through 100 small intermediate "
        "clusters), a sample replaces its mini-batch updates, groups under 10 participants "
        "and shares computed on fewer than 10 votes are never shown."))
    st.markdown(_("Analysed: participants who voted on at least {threshold} proposals "
                  "(Polis's threshold) and proposals with at least {min_proposal} votes among "
                  "them: {used} participants, {proposals} of {total} proposals, {votes} "
                  "votes.").format(
        threshold=counts["threshold"], min_proposal=parameters["min_proposal_votes"],
        used=number(counts["used"]), proposals=number(counts["proposals_used"]),
        total=number(counts["proposals"]), votes=number(counts["votes_used"])))
    explained, shuffled = result["explained"], result["explained_shuffled"]
    if len(explained) == 2 and len(shuffled) == 2:
        st.markdown(_("Variation in votes explained by axes 1 and 2: {one} and {two} (votes "
                      "shuffled at random: {s_one} and {s_two}).").format(
            one=i18n.percent(100 * explained[0], lang, 1),
            two=i18n.percent(100 * explained[1], lang, 1),
            s_one=i18n.percent(100 * shuffled[0], lang, 1),
            s_two=i18n.percent(100 * shuffled[1], lang, 1)))
    st.markdown("**" + _("Silhouette by number of groups") + "**")
    st.dataframe({_("Number of groups"): [item["k"] for item in result["silhouettes"]],
                  silhouette_label: [round(item["silhouette"], 3)
                                     for item in result["silhouettes"]]},
                 hide_index=True)
    st.caption(_("Computed in {seconds} s.").format(seconds=decimal(result.get("seconds", 0), 1)))
