"""Overview: what was asked, by whom, when; the key figures; the action plan."""

import streamlit as st

from analytics import i18n
from analytics.present.summary import summarise
from pages import ui

view = ui.current_view()
results = view.results()
_ = i18n.translator(view.lang)
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
    st.markdown(_("From {start} to {end}").format(start=start, end=end))
elif end:
    st.markdown(_("Consultation closed: {end}").format(end=end))


def votes_against_target() -> str | None:
    """'sur 500 000 (117 %)' under the votes, as the published page writes it."""
    votes, target = figures.get("votes"), figures.get("votes_target")
    if votes is None or not target:
        return None
    return _("of {target} ({percent})").format(target=i18n.integer(target, view.lang),
                                    percent=i18n.percent(100 * votes / target, view.lang))


columns = st.columns(3)
columns[0].metric(view.t("participants"), i18n.integer(figures.get("participants"), view.lang))
columns[1].metric(view.t("proposals"), i18n.integer(figures.get("proposals"), view.lang))
columns[2].metric(view.t("votes"), i18n.integer(figures.get("votes"), view.lang),
                  delta=votes_against_target(), delta_color="off", delta_arrow="off")

facts = summarise(results, view.lang)
if facts:
    st.subheader(_("In short"), anchor="summary")
    st.markdown("\n".join(f"- {ui.linked(view, fact)}" for fact in facts))
ui.how_to_read(view)

if consultation.get("partners"):
    st.markdown("**" + _("Partners") + "**")
    st.markdown(" · ".join(ui.plain(partner) for partner in consultation["partners"]))
if consultation.get("context"):
    with st.expander(_("Context"), expanded=True):
        st.markdown(ui.plain(consultation["context"]))

actions = results.get("actions") or []
if actions:
    st.header(_("The action plan"), anchor=False)
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
                    st.markdown("**" + _("Objective") + "**")
                    st.markdown(ui.plain(action["objective"]))
                if action.get("carriers"):
                    st.markdown("**" + _("Carried by") + "**")
                    st.markdown(ui.plain("\n".join(action["carriers"])))
                if action.get("quotes"):
                    st.markdown("**" + _("Citizens' proposals") + "**")
                    for quote in action["quotes"]:
                        # TRANSLATORS: a citizen's quote in the language's quotation marks.
                        st.markdown(ui.plain(_("“{quote}”").format(quote=quote)))
else:
    ui.notes(results, view.lang, ("no_actions",))

st.divider()
ui.report_button(view)
