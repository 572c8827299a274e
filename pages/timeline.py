"""Timeline: how the consultation unfolded. Cumulative votes against the target
and the day it was reached; votes, new participants and proposals per day or per
week; the start, the end and the milestones marked on every chart; then "did the
result hold?": the cumulative agreement of the top ideas (or any idea or proposal
picked) with its 95 % interval, and who voted (gender, age, région) over time.
Segment filters of the sidebar apply. Inputs without dates say which column would
give the timeline."""

import pandas as pd
import streamlit as st

from analytics import i18n
from analytics.i18n import N_
from analytics.inputs.times import timezone_of
from analytics.metrics import timeline
from analytics.metrics.segment import Segment
from analytics.present.charts import timeline as charts
from pages import ui

# Why there is no timeline, by kind of input (source.kind; "bundle" for any other).
NO_DATES = {
    "published": N_("A published results file has no dates: no timeline (it takes a "
                    "vote-level bundle with each vote's date, the voted_at column of votes)."),
    "opendata": N_("A proposal-level export has no dates: no timeline (it takes a vote-level "
                   "bundle with each vote's date, the voted_at column of votes)."),
    "polis": N_("The votes of this Polis conversation have no dates: the timeline needs the "
                "timestamp column of votes.csv."),
    "bundle": N_("The votes have no dates: the timeline needs the voted_at column of votes "
                 "(and created_at in proposals for proposals per day)."),
}
DIMENSIONS = ("gender", "age_band", "region")
SEGMENT_KEYS = {"gender": "gender", "age_band": "age_band", "region": "region"}
TOP_IDEAS = 3
PROPOSALS_OFFERED = 300       # the picker offers the most voted proposals
HOLD = "hold"                 # URL parameter of the picked items: idea:<id>, proposal:<id>


# -- cached computations (keyed by the consultation's path and version) ---------------------

@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def periods(_source, path: str, version: float, segment: tuple, frequency: str
            ) -> pd.DataFrame:
    return timeline.timeline_frame(_source, Segment(**dict(segment)), frequency)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def agreement(_source, path: str, version: float, kind: str, item_id: str, segment: tuple,
              frequency: str, ideas_key: str = "", _idea_set=None) -> pd.DataFrame:
    # `ideas_key`: which ideas (found in the texts, corrected) `_idea_set` holds.
    chosen = Segment(**dict(segment))
    if kind == "idea":
        return timeline.agreement_over_time(_source, idea_id=item_id, idea_set=_idea_set,
                                            segment=chosen, frequency=frequency)
    return timeline.agreement_over_time(_source, proposal_ids=[item_id], segment=chosen,
                                        frequency=frequency)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def composition(_source, path: str, version: float, dimension: str, segment: tuple,
                frequency: str) -> pd.DataFrame:
    return timeline.composition_over_time(_source, dimension, Segment(**dict(segment)),
                                          frequency)


# -- the page -------------------------------------------------------------------------------

view = ui.current_view()
lang = view.lang
_ = i18n.translator(lang)
pgettext = i18n.translations(lang).pgettext
source = view.source()
results = view.results()
ui.header(view, "timeline", results)
if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()

days = results.get("timeline") or []
if not days:
    kind = source.kind if source.kind in ("published", "opendata", "polis") else "bundle"
    st.info(_(NO_DATES[kind]), icon=":material/event_busy:")
    st.stop()

path, version = str(view.entry.path), view.entry.version
segment = view.segment if "segments" in source.capabilities else Segment()
segment_key = tuple(segment.items())
slug = (results.get("consultation") or {}).get("slug") or "consultation"
meta = source.meta
daily = pd.DataFrame(days)
first, last = daily["date"].iloc[0], daily["date"].iloc[-1]
figures = results.get("key_figures") or {}
target = figures.get("votes_target") or meta.get("votes_target")
reached = timeline.target_day(days, target) if target and segment.is_everyone else None
marks = charts.date_marks(lang, start=meta.get("start_date"), end=meta.get("end_date"),
                          milestones=timeline.milestones(meta))


# -- (1) the key dates ----------------------------------------------------------------------

def long(day) -> str:
    return i18n.long_date(str(day), lang) or str(day)


start, end = meta.get("start_date"), meta.get("end_date")
parts = []
if start and end:
    parts.append("**" + _("From {start} to {end}").format(start=long(start), end=long(end))
                 + "**")
elif start:
    parts.append("**" + _("From {start}").format(start=long(start)) + "**")
elif end:
    parts.append("**" + _("Until {end}").format(end=long(end)) + "**")
if not (start and end) or (str(start), str(end)) != (str(first), str(last)):
    parts.append(_("votes from {first} to {last}").format(first=long(first), last=long(last)))
if target:
    amount = i18n.integer(target, lang)
    if not segment.is_everyone:
        parts.append(_("target of {target} votes (for all participants, not compared with a "
                       "segment)").format(target=amount))
    elif reached is not None:
        parts.append(_("target of {target} votes reached on **{day}**").format(
            target=amount, day=long(reached)))
    else:
        parts.append(_("target of {target} votes not reached ({votes} votes)").format(
            target=amount, votes=i18n.integer(int(daily["cumulative_votes"].iloc[-1]), lang)))
parts.append(_("time zone: {zone}").format(zone=ui.plain(timezone_of(meta))))
st.markdown(" · ".join(parts))
milestones = charts.date_marks(lang, milestones=timeline.milestones(meta))
if milestones:
    # TRANSLATORS: a milestone of the consultation, "March 2, 2024: Reminder by e-mail".
    dated = [_("{day}: {milestone}").format(day=long(m["date"]), milestone=ui.plain(m["label"]))
             for m in milestones]
    st.caption(_("Milestones: {milestones}").format(milestones=" · ".join(dated)))
partial = next((n for n in results.get("notes") or [] if n.get("code") == "timeline_partial"),
               None)
if partial:
    st.caption(_("The timeline counts {timed} of the {votes} votes: {untimed} votes have no "
                 "date (the voted_at column of votes).").format(
        timed=i18n.integer(partial.get("timed_votes"), lang),
        votes=i18n.integer(partial.get("votes"), lang),
        untimed=i18n.integer(partial.get("untimed_votes"), lang)))
ui.notes(results, lang, ("segment",))


# -- (2) cumulative votes -------------------------------------------------------------------

fig, data = charts.cumulative_chart(daily, lang, target=target if segment.is_everyone else None,
                                    reached=reached, marks=marks)
ui.chart(fig, data, key="timeline-cumulative", view=view, filename=f"{slug}-timeline-cumulative")


# -- (3) votes and new participants per period ----------------------------------------------

st.header(_("Votes and participants"), anchor=False)
default = timeline.default_frequency(pd.Timestamp(first).date(), pd.Timestamp(last).date())
frequencies = list(timeline.FREQUENCIES)
frequency_words = {"day": _("Day"), "week": _("Week")}
# TRANSLATORS: counted by day or by week.
frequency = st.segmented_control(
    pgettext("frequency", "By"), frequencies, required=True, format_func=frequency_words.get,
    **ui.in_url("freq", frequencies, default)) or default
if default == "week":
    st.caption(_("Weeks by default: the consultation lasts more than {days} days.").format(
        days=timeline.LONG_CONSULTATION_DAYS))
frame = periods(source, path, version, segment_key, frequency)
fig, data = charts.activity_chart(frame, lang, frequency, marks=marks)
ui.chart(fig, data, key=f"timeline-activity-{frequency}", view=view,
         filename=f"{slug}-timeline-votes-{frequency}")


# -- (4) proposals per period ---------------------------------------------------------------

st.header(view.t("proposals"), anchor=False)
if int(frame["proposals"].sum()) == 0:
    st.info(_("Proposals have no creation date: it takes the created_at column of proposals."),
            icon=":material/info:")
else:
    fig, data = charts.proposals_chart(frame, lang, frequency, marks=marks)
    ui.chart(fig, data, key=f"timeline-proposals-{frequency}", view=view,
             filename=f"{slug}-timeline-proposals-{frequency}")


# -- (5) did the result hold? ---------------------------------------------------------------

def hold_options() -> tuple[dict[str, str], list[str]]:
    """{code: label} of the ideas (ranking order) and the most voted proposals, and the
    default codes: the top ideas, else the most voted proposals."""
    names, votes = {}, {}
    for axis in results.get("top_ideas") or []:
        for idea in axis.get("ideas") or []:
            if idea.get("idea_id") and not idea.get("suppressed") and idea.get("votes"):
                names[idea["idea_id"]] = idea.get("idea") or idea["idea_id"]
                votes[idea["idea_id"]] = idea["votes"]
    ideas = [i for i in results.get("ranked_ideas") or [] if i in names]
    proposals = sorted((p for p in results.get("proposals") or []
                        if not p.get("suppressed") and p.get("votes")),
                       key=lambda p: (-p["votes"], str(p["id"])))[:PROPOSALS_OFFERED]
    def count(n: int) -> str:
        return _("{votes} votes").format(votes=i18n.integer(n, lang))

    options = {}
    for rank, idea_id in enumerate(ideas, start=1):
        options[f"idea:{idea_id}"] = (view.t("idea") + f" {rank} · {names[idea_id]} ("
                                      + count(votes[idea_id]) + ")")
    for proposal in proposals:
        content = " ".join(str(proposal.get("content") or proposal["id"]).split())
        content = content if len(content) <= 100 else content[:99] + "…"
        options[f"proposal:{proposal['id']}"] = (
            _("Proposal") + f" · {content} (" + count(proposal["votes"]) + ")")
    ranked = [f"idea:{i}" for i in ideas] or [f"proposal:{p['id']}" for p in proposals]
    return options, ranked[:TOP_IDEAS]


def picked(options: dict[str, str], default: list[str]) -> list[str]:
    """The picked codes: the URL's `hold` values when valid, else the default. The widget
    key is per consultation, so another consultation starts from its own default."""
    key = f"{HOLD}-{view.entry.id}"
    state = st.session_state
    if key not in state:
        wanted = [code for code in st.query_params.get_all(HOLD) if code in options]
        state[key] = wanted or default
    else:
        state[key] = [code for code in state[key] if code in options]

    def to_url() -> None:
        chosen = st.session_state.get(key) or []
        if chosen == default:
            st.query_params.pop(HOLD, None)
        else:
            st.query_params[HOLD] = chosen

    return st.multiselect(_("Ideas and proposals"), list(options), format_func=options.get,
                          key=key, placeholder=_("Choose…"), on_change=to_url) or []


st.header(_("Did the result hold?"), anchor=False)
options, default_items = hold_options()
if options:
    st.markdown(_("Each idea's or proposal's share of “Agree” votes, cumulated since the start, "
                  "with its 95% confidence interval (Wilson): once the band narrows and the "
                  "line stops moving, the result is stable. By default, the three top-ranked "
                  "ideas.") if default_items and default_items[0].startswith("idea:")
                else _("Each proposal's share of “Agree” votes, cumulated since the start, with "
                       "its 95% confidence interval (Wilson): once the band narrows and the "
                       "line stops moving, the result is stable. By default, the three most "
                       "voted proposals."))
    if results.get("ideas_source") == "found":
        ui.found_ideas_note(view, results)
    chosen = picked(options, default_items)
    if not chosen:
        st.info(_("Choose an idea or a proposal."), icon=":material/info:")
    else:
        found = results.get("ideas_source") == "found" and ui.finds_ideas(source)
        idea_set = view.idea_set() if found else None
        ideas_key = (view.edited_ideas()[1] or "found") if idea_set is not None else ""
        series = []
        for code in chosen:
            kind, item_id = code.split(":", 1)
            over_time = agreement(source, path, version, kind, item_id, segment_key,
                                  frequency, ideas_key if kind == "idea" else "",
                                  _idea_set=idea_set if kind == "idea" else None)
            label = options[code].split(" · ", 1)[-1].rsplit(" (", 1)[0]
            series.append((label, over_time))
        if all(s["agreement"].isna().all() for _, s in series):
            st.info(_("None of the chosen ideas or proposals has enough dated votes to show."),
                    icon=":material/info:")
        else:
            fig, data = charts.agreement_chart(series, lang, frequency, marks=marks)
            ui.chart(fig, data, key=f"timeline-hold-{frequency}", view=view,
                     filename=f"{slug}-timeline-agreement-{frequency}")
            if any(s["agreement"].isna().any() for _, s in series):
                st.caption(_("Periods when fewer than 10 participants had voted are left out "
                             "(privacy)."))


# -- (6) who voted over time ----------------------------------------------------------------

st.header(_("Who voted, over time"), anchor=False)
if "participants" not in source.capabilities:
    st.info(_("This data does not describe participants: no breakdown by gender, age or region "
              "over time (a participants table would provide it)."), icon=":material/info:")
    st.stop()
st.markdown(_("Each group's share of the period's votes: did a campaign change who took part?"))
# TRANSLATORS: shares of the votes by gender, by age or by region.
dimension = st.segmented_control(
    pgettext("dimension", "By"), list(DIMENSIONS), required=True, format_func=view.t,
    **ui.in_url("who", list(DIMENSIONS), DIMENSIONS[0])) or DIMENSIONS[0]
if getattr(segment, SEGMENT_KEYS[dimension], None):
    st.info(_("The sidebar's filter leaves a single group for {dimension}.").format(
        dimension=charts.dimension_by(dimension, lang)), icon=":material/filter_alt:")
    st.stop()
shares = composition(source, path, version, dimension, segment_key, frequency)
if shares.empty or shares["share"].isna().all():
    st.info(_("No group has enough participants per period to be shown."),
            icon=":material/info:")
    st.stop()
fig, data = charts.composition_chart(shares, dimension, lang, frequency,
                                     country=meta.get("country", "FR"), marks=marks)
ui.chart(fig, data, key=f"timeline-who-{dimension}-{frequency}", view=view,
         filename=f"{slug}-timeline-{dimension}-{frequency}")
if shares["share"].isna().any():
    st.caption(_("Groups with fewer than 10 participants in a period are left out of it "
                 "(privacy): the shares shown may not add up to 100%."))
