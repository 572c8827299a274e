"""Timeline: cumulative votes against the target, votes, new participants and
proposals per day or week, the cumulative agreement of ideas and proposals with
its 95 % band, and who voted (gender, age, région) over time. The start, the end
and the milestones of the consultation are drawn as vertical lines. No streamlit.

Privacy (SPEC section 5): periods whose agreement or share is under the floor
come as NaN from analytics.metrics.timeline; they are left out of the lines and of the
data tables."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.inputs import reference
from analytics.present.charts import style

WORDS = {
    "fr": {
        "day": "jour", "week": "semaine", "per_day": "par jour", "per_week": "par semaine",
        "week_of": "semaine du {day}",
        "cumulative_title": "Votes cumulés depuis le début",
        "cumulative_title_target": "Votes cumulés depuis le début,<br>face à l'objectif",
        "cumulative_votes": "Votes cumulés", "cumulative_participants": "Participants cumulés",
        "target": "Objectif : {n} votes", "reached": "Objectif atteint le {day}",
        "activity_title": "Votes et nouveaux participants {per}",
        "votes": "Votes", "new_participants": "Nouveaux participants",
        "proposals_title": "Propositions déposées {per}", "proposals": "Propositions",
        "agreement_title": "Part « D'accord » cumulée, avec son intervalle à 95 %",
        "agreement_title_short": "Part « D'accord » cumulée<br>(intervalle de confiance à 95 %)",
        "agreement_axis": "% « D'accord » (cumulé)", "agreement": "D'accord (cumulé, %)",
        "lower": "Borne basse (%)", "upper": "Borne haute (%)", "item": "Élément",
        "cumulative_votes_item": "Votes cumulés", "interval": "IC 95 % : {low} – {high}",
        "composition_title": "Part des votes selon {dimension}, {per}",
        "gender": "le genre", "age_band": "l'âge", "region": "la région",
        "share_axis": "% des votes de la période", "group": "Groupe", "share": "Part (%)",
        "period": "Période", "date": "Date", "start": "Début", "end": "Fin",
        "milestone": "Jalon", "count_axis": "Nombre",
    },
    "en": {
        "day": "day", "week": "week", "per_day": "per day", "per_week": "per week",
        "week_of": "week of {day}",
        "cumulative_title": "Votes cast since the start",
        "cumulative_title_target": "Votes cast since the start,<br>against the target",
        "cumulative_votes": "Cumulative votes", "cumulative_participants":
            "Cumulative participants",
        "target": "Target: {n} votes", "reached": "Target reached on {day}",
        "activity_title": "Votes and new participants {per}",
        "votes": "Votes", "new_participants": "New participants",
        "proposals_title": "Proposals made {per}", "proposals": "Proposals",
        "agreement_title": "Cumulative “Agree” share, with its 95% interval",
        "agreement_title_short": "Cumulative “Agree” share<br>(95% confidence interval)",
        "agreement_axis": "% “Agree” (cumulative)", "agreement": "Agree (cumulative, %)",
        "lower": "Lower bound (%)", "upper": "Upper bound (%)", "item": "Item",
        "cumulative_votes_item": "Cumulative votes", "interval": "95% CI: {low} – {high}",
        "composition_title": "Share of votes by {dimension}, {per}",
        "gender": "gender", "age_band": "age", "region": "region",
        "share_axis": "% of the period's votes", "group": "Group", "share": "Share (%)",
        "period": "Period", "date": "Date", "start": "Start", "end": "End",
        "milestone": "Milestone", "count_axis": "Count",
    },
}
MARK_COLOR = "#6B6B6B"
HEIGHT = 380


def words(lang: str) -> dict:
    return WORDS[i18n.language_of(lang)]


def _colon(lang: str) -> str:
    return "\u00a0: " if i18n.language_of(lang) == "fr" else ": "


def _day(value) -> date | None:
    """A date from a date, a timestamp or an ISO text; None when absent."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def _days(column: pd.Series) -> list[str]:
    """ISO dates for plotly's x (a date axis) and the data tables."""
    return [day.isoformat() if day is not None else None for day in map(_day, column)]


def period_label(value, frequency: str, lang: str) -> str:
    """'22 mars 2022', or 'semaine du 21 mars 2022' for a week (its Monday)."""
    text = i18n.long_date(str(_day(value)), lang) or str(value)
    return words(lang)["week_of"].format(day=text) if frequency == "week" else text


def per(frequency: str, lang: str) -> str:
    return words(lang)["per_week" if frequency == "week" else "per_day"]


def date_marks(lang: str, *, start=None, end=None, milestones=()) -> list[dict]:
    """The vertical lines of every chart: the start, the end, then each milestone
    ({date, label}), as {date (ISO), label, kind}; marks without a readable date are
    left out."""
    w = words(lang)
    events = [{"date": _day(m.get("date")), "label": str(m.get("label") or w["milestone"]),
               "kind": "milestone"} for m in milestones or ()]
    # A milestone on the start or end day ("Launch") names that line: one label, not two
    # written over each other.
    for day, label, kind in ((_day(start), w["start"], "start"), (_day(end), w["end"], "end")):
        same = [m for m in events if m["date"] == day]
        for m in same:
            m["kind"] = kind
        if not same:
            events.insert(0 if kind == "start" else 1, {"date": day, "label": label,
                                                       "kind": kind})
    return [{**m, "date": m["date"].isoformat()} for m in events if m["date"] is not None]


def _add_marks(fig: go.Figure, marks: list[dict]) -> None:
    """Dotted vertical lines, each labelled at the top of the plot, written upwards so
    that close dates (a milestone the day after the start) do not overlap."""
    for mark in marks:
        dash = "dot" if mark["kind"] == "milestone" else "dash"
        fig.add_shape(type="line", xref="x", yref="paper", x0=mark["date"], x1=mark["date"],
                      y0=0, y1=1, line={"color": MARK_COLOR, "width": 1, "dash": dash},
                      layer="below")
        fig.add_annotation(x=mark["date"], y=1, xref="x", yref="paper", showarrow=False,
                           text=style.plain(style.cut(mark["label"], 40)), textangle=-90,
                           xanchor="left", yanchor="top", xshift=1,
                           font={"size": 11, "color": MARK_COLOR})


def _layout(fig: go.Figure, lang: str, title: str, *, y_title: str | None = None,
            height: int = HEIGHT) -> go.Figure:
    style.apply(fig, lang, title, height=height)
    fig.update_layout(hovermode="x unified" if len(fig.data) > 1 else "closest",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    date_format = "%d/%m/%Y" if i18n.language_of(lang) == "fr" else None
    fig.update_xaxes(type="date", **({"tickformat": date_format, "hoverformat": date_format}
                                     if date_format else {}))
    # automargin: plotly's default margin (10 px, style.apply) would clip the tick labels
    fig.update_yaxes(title={"text": y_title} if y_title else None, rangemode="tozero",
                     automargin=True)
    fig.update_xaxes(automargin=True)
    return fig


def _hover(name: str, lang: str, value_format: str = ",.0f") -> str:
    return f"{style.plain(name)}{_colon(lang)}%{{y:{value_format}}}<extra></extra>"


# -- participation over time ------------------------------------------------------------

def cumulative_chart(rows: pd.DataFrame, lang: str, *, target: int | None = None,
                     reached=None, marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Cumulative votes (and participants) day by day; the target as a dashed
    horizontal line and the day it was reached as a labelled dot. `rows` holds date,
    cumulative_votes, cumulative_participants (daily)."""
    w = words(lang)
    days = _days(rows["date"])
    labels = [period_label(d, "day", lang) for d in days]
    votes = [int(v) for v in rows["cumulative_votes"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days, y=votes, mode="lines", name=w["cumulative_votes"],
                             line={"color": style.BLUE, "width": 2.5}, customdata=labels,
                             hovertemplate=_hover(w["cumulative_votes"], lang)))
    if "cumulative_participants" in rows:
        fig.add_trace(go.Scatter(x=days, y=[int(v) for v in rows["cumulative_participants"]],
                                 mode="lines", name=w["cumulative_participants"],
                                 line={"color": style.ORANGE, "width": 2},
                                 hovertemplate=_hover(w["cumulative_participants"], lang)))
    if target:
        fig.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=target, y1=target,
                      line={"color": style.VERMILLION, "width": 1.5, "dash": "dash"})
        # Under the line (the reached day's label is above it, and on a phone both reach
        # the middle); xshift: clear of the start line's label at the left edge.
        fig.add_annotation(x=0, xref="paper", y=target, yref="y", showarrow=False,
                           xanchor="left", yanchor="top", xshift=18,
                           text=w["target"].format(n=i18n.integer(target, lang)),
                           font={"size": 12, "color": style.VERMILLION})
    reached_day = _day(reached)
    if reached_day is not None and reached_day.isoformat() in days:
        at = days.index(reached_day.isoformat())
        text = w["reached"].format(day=i18n.long_date(reached_day.isoformat(), lang))
        fig.add_trace(go.Scatter(
            x=[days[at]], y=[votes[at]], mode="markers+text", name=text, showlegend=False,
            marker={"color": style.VERMILLION, "size": 11, "line": {"color": "white",
                                                                     "width": 1.5}},
            text=[text], textposition="top left",
            textfont={"color": style.VERMILLION, "size": 12},
            hovertemplate=f"{style.plain(text)}<br>{_hover(w['cumulative_votes'], lang)}"))
    _add_marks(fig, list(marks))
    title = w["cumulative_title_target"] if target else w["cumulative_title"]
    _layout(fig, lang, title, height=HEIGHT + 40)
    if target:
        top = max([*votes, target])
        fig.update_yaxes(range=[0, top * 1.08])
    data = pd.DataFrame({w["date"]: days, w["cumulative_votes"]: votes})
    if "cumulative_participants" in rows:
        data[w["cumulative_participants"]] = [int(v) for v in rows["cumulative_participants"]]
    return fig, data


def activity_chart(frame: pd.DataFrame, lang: str, frequency: str, *,
                   marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Votes per period as bars, new participants (first vote in the period) as a line."""
    w = words(lang)
    days = _days(frame["period"])
    labels = [period_label(d, frequency, lang) for d in days]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=days, y=[int(v) for v in frame["votes"]], name=w["votes"],
                         marker={"color": style.BLUE}, customdata=labels,
                         hovertemplate=_hover(w["votes"], lang)))
    fig.add_trace(go.Scatter(x=days, y=[int(v) for v in frame["new_participants"]],
                             mode="lines+markers" if len(days) <= 40 else "lines",
                             name=w["new_participants"],
                             line={"color": style.ORANGE, "width": 2},
                             marker={"size": 5},
                             hovertemplate=_hover(w["new_participants"], lang)))
    _add_marks(fig, list(marks))
    _layout(fig, lang, w["activity_title"].format(per=per(frequency, lang)))
    fig.update_layout(bargap=0.15)
    data = pd.DataFrame({w["period"]: days, w["votes"]: frame["votes"].astype(int).tolist(),
                         w["new_participants"]: frame["new_participants"].astype(int).tolist()})
    return fig, data


def proposals_chart(frame: pd.DataFrame, lang: str, frequency: str, *,
                    marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Proposals created per period, as bars."""
    w = words(lang)
    days = _days(frame["period"])
    counts = [int(v) for v in frame["proposals"]]
    fig = go.Figure(go.Bar(x=days, y=counts, name=w["proposals"],
                           marker={"color": style.GREEN},
                           customdata=[period_label(d, frequency, lang) for d in days],
                           hovertemplate="%{customdata}<br>" + _hover(w["proposals"], lang)))
    _add_marks(fig, list(marks))
    _layout(fig, lang, w["proposals_title"].format(per=per(frequency, lang)))
    fig.update_layout(bargap=0.15)
    return fig, pd.DataFrame({w["period"]: days, w["proposals"]: counts})


# -- did the result hold? -----------------------------------------------------------------

def _rgba(color: str, alpha: float) -> str:
    color = color.lstrip("#")
    red, green, blue = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def agreement_chart(series: list[tuple[str, pd.DataFrame]], lang: str, frequency: str, *,
                    marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """One line per idea or proposal: its cumulative "Agree" share at the end of each
    period, in a band of the same colour (its 95 % interval). Periods under the
    privacy floor (NaN) are left out."""
    w = words(lang)
    colon = _colon(lang)
    fig = go.Figure()
    tables = []
    for index, (name, frame) in enumerate(series):
        color = style.SERIES[index % len(style.SERIES)]
        shown = frame.dropna(subset=["agreement"])
        if shown.empty:
            continue
        days = _days(shown["period"])
        # 45 characters: one legend line in a phone's width
        legend = style.plain(style.cut(name, 45) + ("…" if len(name) > 45 else ""))
        lower, upper = shown["lower"].astype(float).tolist(), shown["upper"].astype(float).tolist()
        fig.add_trace(go.Scatter(x=days + days[::-1], y=upper + lower[::-1], fill="toself",
                                 fillcolor=_rgba(color, 0.18), line={"width": 0},
                                 hoverinfo="skip", showlegend=False, legendgroup=str(index),
                                 name=legend))
        hovers = [f"{period_label(d, frequency, lang)}<br>"
                  + w["interval"].format(low=i18n.percent(lo, lang, 1),
                                         high=i18n.percent(hi, lang, 1))
                  + f"<br>{w['cumulative_votes_item']}{colon}{i18n.integer(n, lang)}"
                  for d, lo, hi, n in zip(days, lower, upper, shown["cumulative_votes"],
                                          strict=True)]
        fig.add_trace(go.Scatter(x=days, y=shown["agreement"].astype(float).tolist(),
                                 mode="lines", name=legend, legendgroup=str(index),
                                 line={"color": color, "width": 2.5}, customdata=hovers,
                                 hovertemplate=f"<b>{legend}</b><br>%{{y:.1f}} %<br>"
                                               "%{customdata}<extra></extra>"
                                 if i18n.language_of(lang) == "fr" else
                                 f"<b>{legend}</b><br>%{{y:.1f}}%<br>"
                                 "%{customdata}<extra></extra>"))
        tables.append(pd.DataFrame({
            w["item"]: name, w["period"]: days,
            w["cumulative_votes_item"]: shown["cumulative_votes"].astype(int).tolist(),
            w["agreement"]: shown["agreement"].astype(float).round(2).tolist(),
            w["lower"]: [round(v, 2) for v in lower], w["upper"]: [round(v, 2) for v in upper]}))
    _add_marks(fig, list(marks))
    _layout(fig, lang, w["agreement_title_short"], y_title=w["agreement_axis"],
            height=HEIGHT + 60)
    fig.update_layout(hovermode="closest",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    data = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=[w["item"], w["period"], w["cumulative_votes_item"], w["agreement"],
                 w["lower"], w["upper"]])
    fig.update_yaxes(range=agreement_range(data[w["lower"]], data[w["upper"]]),
                     ticksuffix=" %" if i18n.language_of(lang) == "fr" else "%")
    return fig, data


def agreement_range(lower: pd.Series, upper: pd.Series) -> list[float]:
    """The y range (percent) around every band drawn, padded, in steps of 10, within
    [0, 100] and at least 20 points high: a 0-100 axis would flatten the lines."""
    if not len(lower):
        return [0.0, 100.0]
    low = max(0.0, math.floor((float(lower.min()) - 2) / 10) * 10)
    high = min(100.0, math.ceil((float(upper.max()) + 2) / 10) * 10)
    return [low, high] if high - low >= 20 else [max(0.0, high - 20), max(20.0, high)]


def group_label(dimension: str, label, lang: str, country: str | None = "FR") -> str:
    """A group as people read it: 'Femmes', '16-24', 'Bretagne' (not '53')."""
    if dimension == "gender":
        return i18n.word(str(label), lang)
    if dimension == "region" and country in (None, "", "FR"):
        return reference.region_name(label) or str(label)
    return str(label)


def composition_chart(frame: pd.DataFrame, dimension: str, lang: str, frequency: str, *,
                      country: str | None = "FR", marks: list[dict] = ()
                      ) -> tuple[go.Figure, pd.DataFrame]:
    """One line per group: its share of the period's votes. Cells under the privacy
    floor (NaN) are left out of the lines and of the data table."""
    w = words(lang)
    shown = frame.dropna(subset=["share"])
    fig = go.Figure()
    labels = list(dict.fromkeys(frame["label"]))        # the engine's order
    given = (dict(zip(frame["label"], frame["name"], strict=True))
             if dimension == "region" and "name" in frame else {})     # région names
    names = {label: str(given.get(label) or group_label(dimension, label, lang, country))
             for label in labels}
    for index, label in enumerate(labels):
        rows = shown[shown["label"] == label]
        if rows.empty:
            continue
        name = names[label]
        days = _days(rows["period"])
        fig.add_trace(go.Scatter(
            x=days, y=rows["share"].astype(float).tolist(), name=style.plain(name),
            mode="lines+markers" if len(days) <= 40 else "lines",
            line={"color": style.SERIES[index % len(style.SERIES)], "width": 2},
            marker={"size": 5},
            hovertemplate=f"{style.plain(name)}{_colon(lang)}%{{y:.1f}}"
                          + (" %" if i18n.language_of(lang) == "fr" else "%")
                          + "<extra></extra>"))
    _add_marks(fig, list(marks))
    _layout(fig, lang, w["composition_title"].format(dimension=w[dimension],
                                                     per=per(frequency, lang)),
            y_title=w["share_axis"])
    fig.update_yaxes(ticksuffix=" %" if i18n.language_of(lang) == "fr" else "%")
    data = pd.DataFrame({
        w["period"]: _days(shown["period"]),
        w["group"]: [names[label] for label in shown["label"]],
        w["votes"]: shown["votes"].astype(int).tolist(),
        w["share"]: shown["share"].astype(float).round(2).tolist()})
    return fig, data
