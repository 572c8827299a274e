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

MARK_COLOR = "#6B6B6B"
HEIGHT = 380


def _pair(label: str, value: str, lang: str) -> str:
    """"Label: value" in a chart's hover, in the language's typography."""
    # TRANSLATORS: a figure in a chart's hover box ("Votes: 60").
    return i18n.translations(lang).pgettext("chart hover", "{label}: {value}").format(
        label=label, value=value)


def dimension_by(dimension: str, lang: str) -> str:
    """A dimension after "by" in a title: "gender" ("le genre" in French)."""
    pgettext = i18n.translations(lang).pgettext
    # TRANSLATORS: what a share is shown by, in "Agree by gender"; French needs its article.
    return {"gender": pgettext("by", "gender"), "age_band": pgettext("by", "age"),
            "region": pgettext("by", "region")}[dimension]


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
    if frequency == "week":
        _ = i18n.translator(lang)
        return _("week of {day}").format(day=text)
    return text


def per(frequency: str, lang: str) -> str:
    _ = i18n.translator(lang)
    return _("per week") if frequency == "week" else _("per day")


def date_marks(lang: str, *, start=None, end=None, milestones=()) -> list[dict]:
    """The vertical lines of every chart: the start, the end, then each milestone
    ({date, label}), as {date (ISO), label, kind}; marks without a readable date are
    left out."""
    _ = i18n.translator(lang)
    events = [{"date": _day(m.get("date")), "label": str(m.get("label") or _("Milestone")),
               "kind": "milestone"} for m in milestones or ()]
    # A milestone on the start or end day ("Launch") names that line: one label, not two
    # written over each other.
    for day, label, kind in ((_day(start), _("Start"), "start"), (_day(end), _("End"), "end")):
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
    # TRANSLATORS: the dates of a chart's axis, in d3's notation ("%d/%m/%Y": 22/03/2022),
    # or "auto" for plotly's own ("Mar 27, 2022", in English only).
    date_format = i18n.translations(lang).pgettext("d3 date format", "auto")
    fig.update_xaxes(type="date", **({"tickformat": date_format, "hoverformat": date_format}
                                     if date_format != "auto" else {}))
    # automargin: plotly's default margin (10 px, style.apply) would clip the tick labels
    fig.update_yaxes(title={"text": y_title} if y_title else None, rangemode="tozero",
                     automargin=True)
    fig.update_xaxes(automargin=True)
    return fig


def _hover(name: str, lang: str, value_format: str = ",.0f") -> str:
    return _pair(style.plain(name), "%{y:" + value_format + "}", lang) + "<extra></extra>"


# -- participation over time ------------------------------------------------------------

def cumulative_chart(rows: pd.DataFrame, lang: str, *, target: int | None = None,
                     reached=None, marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Cumulative votes (and participants) day by day; the target as a dashed
    horizontal line and the day it was reached as a labelled dot. `rows` holds date,
    cumulative_votes, cumulative_participants (daily)."""
    _ = i18n.translator(lang)
    cumulative_votes, cumulative_participants = _("Cumulative votes"), _(
        "Cumulative participants")
    days = _days(rows["date"])
    labels = [period_label(d, "day", lang) for d in days]
    votes = [int(v) for v in rows["cumulative_votes"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days, y=votes, mode="lines", name=cumulative_votes,
                             line={"color": style.BLUE, "width": 2.5}, customdata=labels,
                             hovertemplate=_hover(cumulative_votes, lang)))
    if "cumulative_participants" in rows:
        fig.add_trace(go.Scatter(x=days, y=[int(v) for v in rows["cumulative_participants"]],
                                 mode="lines", name=cumulative_participants,
                                 line={"color": style.ORANGE, "width": 2},
                                 hovertemplate=_hover(cumulative_participants, lang)))
    if target:
        fig.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=target, y1=target,
                      line={"color": style.VERMILLION, "width": 1.5, "dash": "dash"})
        # Under the line (the reached day's label is above it, and on a phone both reach
        # the middle); xshift: clear of the start line's label at the left edge.
        fig.add_annotation(x=0, xref="paper", y=target, yref="y", showarrow=False,
                           xanchor="left", yanchor="top", xshift=18,
                           text=_("Target: {n} votes").format(n=i18n.integer(target, lang)),
                           font={"size": 12, "color": style.VERMILLION})
    reached_day = _day(reached)
    if reached_day is not None and reached_day.isoformat() in days:
        at = days.index(reached_day.isoformat())
        text = _("Target reached on {day}").format(
            day=i18n.long_date(reached_day.isoformat(), lang))
        fig.add_trace(go.Scatter(
            x=[days[at]], y=[votes[at]], mode="markers+text", name=text, showlegend=False,
            marker={"color": style.VERMILLION, "size": 11, "line": {"color": "white",
                                                                     "width": 1.5}},
            text=[text], textposition="top left",
            textfont={"color": style.VERMILLION, "size": 12},
            hovertemplate=style.plain(text) + "<br>" + _hover(cumulative_votes, lang)))
    _add_marks(fig, list(marks))
    title = (_("Votes cast since the start,<br>against the target") if target
             else _("Votes cast since the start"))
    _layout(fig, lang, title, height=HEIGHT + 40)
    if target:
        top = max([*votes, target])
        fig.update_yaxes(range=[0, top * 1.08])
    data = pd.DataFrame({_("Date"): days, cumulative_votes: votes})
    if "cumulative_participants" in rows:
        data[cumulative_participants] = [int(v) for v in rows["cumulative_participants"]]
    return fig, data


def activity_chart(frame: pd.DataFrame, lang: str, frequency: str, *,
                   marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Votes per period as bars, new participants (first vote in the period) as a line."""
    _ = i18n.translator(lang)
    votes, new_participants = i18n.word("votes", lang), _("New participants")
    days = _days(frame["period"])
    labels = [period_label(d, frequency, lang) for d in days]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=days, y=[int(v) for v in frame["votes"]], name=votes,
                         marker={"color": style.BLUE}, customdata=labels,
                         hovertemplate=_hover(votes, lang)))
    fig.add_trace(go.Scatter(x=days, y=[int(v) for v in frame["new_participants"]],
                             mode="lines+markers" if len(days) <= 40 else "lines",
                             name=new_participants,
                             line={"color": style.ORANGE, "width": 2},
                             marker={"size": 5},
                             hovertemplate=_hover(new_participants, lang)))
    _add_marks(fig, list(marks))
    _layout(fig, lang, _("Votes and new participants {per}").format(per=per(frequency, lang)))
    fig.update_layout(bargap=0.15)
    data = pd.DataFrame({_("Period"): days, votes: frame["votes"].astype(int).tolist(),
                         new_participants: frame["new_participants"].astype(int).tolist()})
    return fig, data


def proposals_chart(frame: pd.DataFrame, lang: str, frequency: str, *,
                    marks: list[dict] = ()) -> tuple[go.Figure, pd.DataFrame]:
    """Proposals created per period, as bars."""
    _ = i18n.translator(lang)
    proposals = i18n.word("proposals", lang)
    days = _days(frame["period"])
    counts = [int(v) for v in frame["proposals"]]
    fig = go.Figure(go.Bar(x=days, y=counts, name=proposals,
                           marker={"color": style.GREEN},
                           customdata=[period_label(d, frequency, lang) for d in days],
                           hovertemplate="%{customdata}<br>" + _hover(proposals, lang)))
    _add_marks(fig, list(marks))
    _layout(fig, lang, _("Proposals made {per}").format(per=per(frequency, lang)))
    fig.update_layout(bargap=0.15)
    return fig, pd.DataFrame({_("Period"): days, proposals: counts})


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
    _ = i18n.translator(lang)
    item, period, votes = _("Item"), _("Period"), _("Cumulative votes")
    agreement, lower_bound, upper_bound = (_("Agree (cumulative, %)"), _("Lower bound (%)"),
                                           _("Upper bound (%)"))
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
                  + _("95% CI: {low} – {high}").format(low=i18n.percent(lo, lang, 1),
                                                       high=i18n.percent(hi, lang, 1))
                  + "<br>" + _pair(votes, i18n.integer(n, lang), lang)
                  for d, lo, hi, n in zip(days, lower, upper, shown["cumulative_votes"],
                                          strict=True)]
        fig.add_trace(go.Scatter(x=days, y=shown["agreement"].astype(float).tolist(),
                                 mode="lines", name=legend, legendgroup=str(index),
                                 line={"color": color, "width": 2.5}, customdata=hovers,
                                 hovertemplate=f"<b>{legend}</b><br>%{{y:.1f}}"
                                               + i18n.percent_suffix(lang)
                                               + "<br>%{customdata}<extra></extra>"))
        tables.append(pd.DataFrame({
            item: name, period: days,
            votes: shown["cumulative_votes"].astype(int).tolist(),
            agreement: shown["agreement"].astype(float).round(2).tolist(),
            lower_bound: [round(v, 2) for v in lower],
            upper_bound: [round(v, 2) for v in upper]}))
    _add_marks(fig, list(marks))
    _layout(fig, lang, _("Cumulative “Agree” share<br>(95% confidence interval)"),
            y_title=_("% “Agree” (cumulative)"), height=HEIGHT + 60)
    # One legend row per item (its band and line grouped): no gap between the groups.
    fig.update_layout(hovermode="closest",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0,
                              "tracegroupgap": 0})
    data = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=[item, period, votes, agreement, lower_bound, upper_bound])
    fig.update_yaxes(range=agreement_range(data[lower_bound], data[upper_bound]),
                     ticksuffix=i18n.percent_suffix(lang))
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
    _ = i18n.translator(lang)
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
            hovertemplate=_pair(style.plain(name), "%{y:.1f}" + i18n.percent_suffix(lang), lang)
            + "<extra></extra>"))
    _add_marks(fig, list(marks))
    _layout(fig, lang, _("Share of votes by {dimension}, {per}").format(
        dimension=dimension_by(dimension, lang), per=per(frequency, lang)),
        y_title=_("% of the period's votes"))
    fig.update_yaxes(ticksuffix=i18n.percent_suffix(lang))
    data = pd.DataFrame({
        _("Period"): _days(shown["period"]),
        _("Group"): [names[label] for label in shown["label"]],
        i18n.word("votes", lang): shown["votes"].astype(int).tolist(),
        _("Share (%)"): shown["share"].astype(float).round(2).tolist()})
    return fig, data
