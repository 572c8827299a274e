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
from analytics.inputs.times import timezone_of
from analytics.metrics import timeline
from analytics.metrics.segment import Segment
from analytics.present.charts import timeline as charts
from pages import ui

TEXT = {
    "fr": {
        "no_dates_published": "Un fichier de résultats publiés ne donne pas de dates : pas de "
                              "chronologie (il faudrait un lot de votes avec la date de chaque "
                              "vote, colonne voted_at du fichier votes).",
        "no_dates_opendata": "Un export par proposition ne donne pas de dates : pas de "
                             "chronologie (il faudrait un lot de votes avec la date de chaque "
                             "vote, colonne voted_at du fichier votes).",
        "no_dates_polis": "Les votes de cette conversation Polis n'ont pas de date : la "
                          "chronologie demande la colonne timestamp de votes.csv.",
        "no_dates_bundle": "Les votes n'ont pas de date : la chronologie demande la colonne "
                           "voted_at du fichier votes (et created_at du fichier proposals pour "
                           "les propositions par jour).",
        "dates": "**Du {start} au {end}**", "from": "**Depuis le {start}**",
        "until": "**Jusqu'au {end}**",
        "votes_seen": "votes du {first} au {last}",
        "target_reached": "objectif de {target} votes atteint le **{day}**",
        "target_missed": "objectif de {target} votes non atteint ({votes} votes)",
        "target_segment": "objectif de {target} votes (pour l'ensemble des participants, "
                          "non comparé à un segment)",
        "timezone": "fuseau horaire : {zone}",
        "milestones": "Jalons : ",
        "partial": "La chronologie compte {timed} des {votes} votes : {untimed} votes n'ont "
                   "pas de date (colonne voted_at du fichier votes).",
        "cumulative_daily": "La courbe cumulée est tracée jour par jour.",
        "activity": "Votes et participants", "frequency": "Par",
        "day": "Jour", "week": "Semaine",
        "frequency_default": "Semaine par défaut : la consultation dure plus de {days} jours.",
        "proposals": "Propositions",
        "no_proposal_dates": "Les propositions n'ont pas de date de dépôt : il faudrait la "
                             "colonne created_at du fichier proposals.",
        "hold": "Le résultat a-t-il tenu ?",
        "hold_intro": "La part de votes « D'accord » de chaque idée ou proposition, cumulée "
                      "depuis le début, avec son intervalle de confiance à 95 % (Wilson) : "
                      "quand la bande se resserre et que la ligne ne bouge plus, le résultat "
                      "est stable. Par défaut, les trois idées en tête du classement.",
        "hold_intro_proposals": "La part de votes « D'accord » de chaque proposition, cumulée "
                                "depuis le début, avec son intervalle de confiance à 95 % "
                                "(Wilson) : quand la bande se resserre et que la ligne ne "
                                "bouge plus, le résultat est stable. Par défaut, les trois "
                                "propositions les plus votées.",
        "pick": "Idées et propositions", "idea": "Idée", "proposal": "Proposition",
        "choose": "Choisir…", "pick_none": "Choisissez une idée ou une proposition.",
        "hold_small": "Les périodes où moins de 10 participants avaient voté sont laissées de "
                      "côté (vie privée).",
        "hold_empty": "Aucune des idées ou propositions choisies n'a assez de votes datés à "
                      "montrer.",
        "votes_n": "{votes} votes",
        "who": "Qui a voté, au fil du temps",
        "who_intro": "La part des votes de chaque période venant de chaque groupe : une "
                     "campagne a-t-elle changé qui participait ?",
        "dimension": "Selon",
        "who_small": "Les groupes comptant moins de 10 participants dans une période en sont "
                     "laissés de côté (vie privée) : les parts affichées peuvent ne pas faire "
                     "100 %.",
        "who_filtered": "Le filtre de la barre latérale ne laisse qu'un groupe pour {dimension}.",
        "who_empty": "Aucun groupe ne compte assez de participants par période pour être "
                     "montré.",
        "no_participants": "Ces données ne décrivent pas les participants : pas de répartition "
                           "par genre, âge ou région au fil du temps (il faudrait un fichier "
                           "participants).",
        "dimension_word": {"gender": "le genre", "age_band": "l'âge", "region": "la région"},
    },
    "en": {
        "no_dates_published": "A published results file has no dates: no timeline (it takes "
                              "a vote-level bundle with each vote's date, the voted_at column "
                              "of votes).",
        "no_dates_opendata": "A proposal-level export has no dates: no timeline (it takes a "
                             "vote-level bundle with each vote's date, the voted_at column of "
                             "votes).",
        "no_dates_polis": "The votes of this Polis conversation have no dates: the timeline "
                          "needs the timestamp column of votes.csv.",
        "no_dates_bundle": "The votes have no dates: the timeline needs the voted_at column "
                           "of votes (and created_at in proposals for proposals per day).",
        "dates": "**From {start} to {end}**", "from": "**From {start}**",
        "until": "**Until {end}**",
        "votes_seen": "votes from {first} to {last}",
        "target_reached": "target of {target} votes reached on **{day}**",
        "target_missed": "target of {target} votes not reached ({votes} votes)",
        "target_segment": "target of {target} votes (for all participants, not compared with "
                          "a segment)",
        "timezone": "time zone: {zone}",
        "milestones": "Milestones: ",
        "partial": "The timeline counts {timed} of the {votes} votes: {untimed} votes have "
                   "no date (the voted_at column of votes).",
        "cumulative_daily": "The cumulative curve is drawn day by day.",
        "activity": "Votes and participants", "frequency": "By",
        "day": "Day", "week": "Week",
        "frequency_default": "Weeks by default: the consultation lasts more than {days} days.",
        "proposals": "Proposals",
        "no_proposal_dates": "Proposals have no creation date: it takes the created_at column "
                             "of proposals.",
        "hold": "Did the result hold?",
        "hold_intro": "Each idea's or proposal's share of “Agree” votes, cumulated since the "
                      "start, with its 95% confidence interval (Wilson): once the band "
                      "narrows and the line stops moving, the result is stable. By default, "
                      "the three top-ranked ideas.",
        "hold_intro_proposals": "Each proposal's share of “Agree” votes, cumulated since the "
                                "start, with its 95% confidence interval (Wilson): once the "
                                "band narrows and the line stops moving, the result is "
                                "stable. By default, the three most voted proposals.",
        "pick": "Ideas and proposals", "idea": "Idea", "proposal": "Proposal",
        "choose": "Choose…", "pick_none": "Choose an idea or a proposal.",
        "hold_small": "Periods when fewer than 10 participants had voted are left out "
                      "(privacy).",
        "hold_empty": "None of the chosen ideas or proposals has enough dated votes to show.",
        "votes_n": "{votes} votes",
        "who": "Who voted, over time",
        "who_intro": "Each group's share of the period's votes: did a campaign change who "
                     "took part?",
        "dimension": "By",
        "who_small": "Groups with fewer than 10 participants in a period are left out of it "
                     "(privacy): the shares shown may not add up to 100%.",
        "who_filtered": "The sidebar's filter leaves a single group for {dimension}.",
        "who_empty": "No group has enough participants per period to be shown.",
        "no_participants": "This data does not describe participants: no breakdown by "
                           "gender, age or region over time (a participants table would "
                           "provide it).",
        "dimension_word": {"gender": "gender", "age_band": "age", "region": "region"},
    },
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
text = TEXT[lang]
source = view.source()
results = view.results()
ui.header(view, "timeline", results)
if results.get("suppressed"):
    ui.notes(results, lang, ("segment_too_small",))
    st.stop()

days = results.get("timeline") or []
if not days:
    kind = source.kind if source.kind in ("published", "opendata", "polis") else "bundle"
    st.info(text[f"no_dates_{kind}"], icon=":material/event_busy:")
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
    parts.append(text["dates"].format(start=long(start), end=long(end)))
elif start:
    parts.append(text["from"].format(start=long(start)))
elif end:
    parts.append(text["until"].format(end=long(end)))
if not (start and end) or (str(start), str(end)) != (str(first), str(last)):
    parts.append(text["votes_seen"].format(first=long(first), last=long(last)))
if target:
    amount = i18n.integer(target, lang)
    if not segment.is_everyone:
        parts.append(text["target_segment"].format(target=amount))
    elif reached is not None:
        parts.append(text["target_reached"].format(target=amount, day=long(reached)))
    else:
        parts.append(text["target_missed"].format(
            target=amount, votes=i18n.integer(int(daily["cumulative_votes"].iloc[-1]), lang)))
parts.append(text["timezone"].format(zone=ui.plain(timezone_of(meta))))
st.markdown(" · ".join(parts))
milestones = charts.date_marks(lang, milestones=timeline.milestones(meta))
if milestones:
    st.caption(text["milestones"] + " · ".join(
        f"{long(m['date'])} : {ui.plain(m['label'])}" if lang == "fr"
        else f"{long(m['date'])}: {ui.plain(m['label'])}" for m in milestones))
partial = next((n for n in results.get("notes") or [] if n.get("code") == "timeline_partial"),
               None)
if partial:
    st.caption(text["partial"].format(timed=i18n.integer(partial.get("timed_votes"), lang),
                                      votes=i18n.integer(partial.get("votes"), lang),
                                      untimed=i18n.integer(partial.get("untimed_votes"), lang)))
ui.notes(results, lang, ("segment",))


# -- (2) cumulative votes -------------------------------------------------------------------

fig, data = charts.cumulative_chart(daily, lang, target=target if segment.is_everyone else None,
                                    reached=reached, marks=marks)
ui.chart(fig, data, key="timeline-cumulative", view=view, filename=f"{slug}-timeline-cumulative")


# -- (3) votes and new participants per period ----------------------------------------------

st.header(text["activity"], anchor=False)
default = timeline.default_frequency(pd.Timestamp(first).date(), pd.Timestamp(last).date())
frequencies = list(timeline.FREQUENCIES)
frequency = st.segmented_control(
    text["frequency"], frequencies, required=True, format_func=lambda f: text[f],
    **ui.in_url("freq", frequencies, default)) or default
if default == "week":
    st.caption(text["frequency_default"].format(days=timeline.LONG_CONSULTATION_DAYS))
frame = periods(source, path, version, segment_key, frequency)
fig, data = charts.activity_chart(frame, lang, frequency, marks=marks)
ui.chart(fig, data, key=f"timeline-activity-{frequency}", view=view,
         filename=f"{slug}-timeline-votes-{frequency}")


# -- (4) proposals per period ---------------------------------------------------------------

st.header(text["proposals"], anchor=False)
if int(frame["proposals"].sum()) == 0:
    st.info(text["no_proposal_dates"], icon=":material/info:")
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
    options = {}
    for rank, idea_id in enumerate(ideas, start=1):
        options[f"idea:{idea_id}"] = (f"{text['idea']} {rank} · {names[idea_id]} ("
                                      + text["votes_n"].format(
                                          votes=i18n.integer(votes[idea_id], lang)) + ")")
    for proposal in proposals:
        content = " ".join(str(proposal.get("content") or proposal["id"]).split())
        content = content if len(content) <= 100 else content[:99] + "…"
        options[f"proposal:{proposal['id']}"] = (
            f"{text['proposal']} · {content} ("
            + text["votes_n"].format(votes=i18n.integer(proposal["votes"], lang)) + ")")
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

    return st.multiselect(text["pick"], list(options), format_func=options.get, key=key,
                          placeholder=text["choose"], on_change=to_url) or []


st.header(text["hold"], anchor=False)
options, default_items = hold_options()
if options:
    st.markdown(text["hold_intro"] if default_items and default_items[0].startswith("idea:")
                else text["hold_intro_proposals"])
    if results.get("ideas_source") == "found":
        ui.found_ideas_note(view, results)
    chosen = picked(options, default_items)
    if not chosen:
        st.info(text["pick_none"], icon=":material/info:")
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
            st.info(text["hold_empty"], icon=":material/info:")
        else:
            fig, data = charts.agreement_chart(series, lang, frequency, marks=marks)
            ui.chart(fig, data, key=f"timeline-hold-{frequency}", view=view,
                     filename=f"{slug}-timeline-agreement-{frequency}")
            if any(s["agreement"].isna().any() for _, s in series):
                st.caption(text["hold_small"])


# -- (6) who voted over time ----------------------------------------------------------------

st.header(text["who"], anchor=False)
if "participants" not in source.capabilities:
    st.info(text["no_participants"], icon=":material/info:")
    st.stop()
st.markdown(text["who_intro"])
dimension = st.segmented_control(
    text["dimension"], list(DIMENSIONS), required=True, format_func=view.t,
    **ui.in_url("who", list(DIMENSIONS), DIMENSIONS[0])) or DIMENSIONS[0]
if getattr(segment, SEGMENT_KEYS[dimension], None):
    st.info(text["who_filtered"].format(dimension=text["dimension_word"][dimension]),
            icon=":material/filter_alt:")
    st.stop()
shares = composition(source, path, version, dimension, segment_key, frequency)
if shares.empty or shares["share"].isna().all():
    st.info(text["who_empty"], icon=":material/info:")
    st.stop()
fig, data = charts.composition_chart(shares, dimension, lang, frequency,
                                     country=meta.get("country", "FR"), marks=marks)
ui.chart(fig, data, key=f"timeline-who-{dimension}-{frequency}", view=view,
         filename=f"{slug}-timeline-{dimension}-{frequency}")
if shares["share"].isna().any():
    st.caption(text["who_small"])
