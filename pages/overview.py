"""Overview: what was asked, by whom, when; the key figures; the action plan."""

import streamlit as st

from analytics import i18n
from analytics.summary import summarise
from pages import ui

TEXT = {
    "fr": {"question": "La question posée", "dates": "Du {start} au {end}",
           "ended": "Fin de la consultation : {end}", "partners": "Partenaires",
           "context": "Le contexte", "actions": "Le plan d'actions",
           "objective": "Objectif", "carriers": "Porteurs", "quotes": "Les propositions citoyennes",
           "of_target": "sur {target} ({percent})", "summary": "En bref"},
    "en": {"question": "The question", "dates": "From {start} to {end}",
           "ended": "Consultation closed: {end}", "partners": "Partners",
           "context": "Context", "actions": "The action plan",
           "objective": "Objective", "carriers": "Carried by", "quotes": "Citizens' proposals",
           "of_target": "of {target} ({percent})", "summary": "In short"},
}

view = ui.current_view()
results = view.results()
text = TEXT[view.lang]
consultation = results["consultation"]
figures = results["key_figures"]

ui.header(view, "overview", results)
# What this kind of input can and cannot show, in one sentence.
ui.notes(results, view.lang, ("published", "published_thousands", "opendata", "polis"))
if consultation.get("question"):
    st.subheader(ui.plain(consultation["question"]), anchor=False)
start = i18n.long_date(consultation.get("start_date"), view.lang)
end = i18n.long_date(consultation.get("end_date"), view.lang)
if start and end:
    st.markdown(text["dates"].format(start=start, end=end))
elif end:
    st.markdown(text["ended"].format(end=end))


def votes_against_target() -> str | None:
    """'sur 500 000 (117 %)' under the votes, as the published page writes it."""
    votes, target = figures.get("votes"), figures.get("votes_target")
    if votes is None or not target:
        return None
    return text["of_target"].format(target=i18n.integer(target, view.lang),
                                    percent=i18n.percent(100 * votes / target, view.lang))


columns = st.columns(3)
columns[0].metric(view.t("participants"), i18n.integer(figures.get("participants"), view.lang))
columns[1].metric(view.t("proposals"), i18n.integer(figures.get("proposals"), view.lang))
columns[2].metric(view.t("votes"), i18n.integer(figures.get("votes"), view.lang),
                  delta=votes_against_target(), delta_color="off", delta_arrow="off")

facts = summarise(results, view.lang)
if facts:
    st.subheader(text["summary"], anchor="summary")
    st.markdown("\n".join(f"- {ui.linked(view, fact)}" for fact in facts))
ui.how_to_read(view)

if consultation.get("partners"):
    st.markdown(f"**{text['partners']}**")
    st.markdown(" · ".join(ui.plain(partner) for partner in consultation["partners"]))
if consultation.get("context"):
    with st.expander(text["context"], expanded=True):
        st.markdown(ui.plain(consultation["context"]))

actions = results.get("actions") or []
if actions:
    st.header(text["actions"], anchor=False)
    axes: dict[str, list] = {}
    for action in actions:
        axes.setdefault(action.get("axis") or "", []).append(action)
    for axis, items in axes.items():
        if axis:
            st.subheader(ui.plain(axis), anchor=False)
        for action in items:
            with st.expander(ui.plain(action["name"])):
                if action.get("description"):
                    st.markdown(ui.plain(action["description"]))
                if action.get("objective"):
                    st.markdown(f"**{text['objective']}**")
                    st.markdown(ui.plain(action["objective"]))
                if action.get("carriers"):
                    st.markdown(f"**{text['carriers']}**")
                    st.markdown(ui.plain("\n".join(action["carriers"])))
                if action.get("quotes"):
                    st.markdown(f"**{text['quotes']}**")
                    for quote in action["quotes"]:
                        st.markdown(ui.plain(f"« {quote} »" if view.lang == "fr"
                                             else f"“{quote}”"))
else:
    ui.notes(results, view.lang, ("no_actions",))

st.divider()
ui.report_button(view)
