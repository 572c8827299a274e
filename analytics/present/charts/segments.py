"""Segments: one share of an idea or a proposal by gender, age band or région,
with 95 % Wilson intervals; the ranking of items where segments disagree most.
No streamlit here.

Privacy (SPEC section 5): cells suppressed by analytics.metrics.segments carry no
figure; they are drawn as a grey "< 10" (or "hidden") label and left out of
the data tables that are downloaded."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.metrics.segments import SHARES, figures
from analytics.present.charts import style

SHARE_WORDS = {"like_it": "like_it", "no_way": "no_way"}
SHARE_COLORS = {**style.VOTE_COLORS, "neutral": style.GREY, **style.QUALIFICATION_COLORS}


def share_name(share: str, lang: str) -> str:
    return i18n.word(SHARE_WORDS.get(share, share), lang)


def group_label(dimension: str, value, label, lang: str) -> str:
    """Display name of a dimension value: translated gender, age band as is,
    région name (from the reference data)."""
    if dimension == "gender":
        return i18n.word(str(value), lang)
    return str(label if label is not None else value)


def dimension_by(dimension: str, lang: str) -> str:
    """A dimension after "by" in a title: "gender" ("le genre" in French)."""
    pgettext = i18n.translations(lang).pgettext
    # TRANSLATORS: what a share is shown by, in "Agree by gender"; French needs its article.
    return {"gender": pgettext("by", "gender"), "age_band": pgettext("by", "age"),
            "region": pgettext("by", "region")}[dimension]


def _pair(label: str, value: str, lang: str) -> str:
    # TRANSLATORS: a figure in a chart's hover box ("Votes: 60").
    return i18n.translations(lang).pgettext("chart hover", "{label}: {value}").format(
        label=label, value=value)


def x_range(tables: list[pd.DataFrame], share: str, overall: float | None = None,
            ) -> list[float]:
    """A common x range (percent) for the charts of one item: every shown
    interval and the overall share, padded, in steps of 10, within [0, 100]."""
    lows, highs = [], []
    for table in tables:
        shown = figures(table)
        lows += shown[f"{share}_lower"].dropna().astype(float).tolist()
        highs += shown[f"{share}_upper"].dropna().astype(float).tolist()
    if overall is not None:
        lows.append(overall)
        highs.append(overall)
    if not lows:
        return [0.0, 100.0]
    low = max(0.0, math.floor((min(lows) - 3) / 10) * 10)
    high = min(100.0, math.ceil((max(highs) + 3) / 10) * 10)
    return [low, high] if high - low >= 20 else [max(0.0, high - 20), max(20.0, high)]


def comparison_chart(cells: pd.DataFrame, dimension: str, share: str, lang: str, *,
                     overall: float | None = None, significant: set | None = None,
                     weighted: bool = False, xrange: list[float] | None = None,
                     ) -> tuple[go.Figure, pd.DataFrame]:
    """Dots with 95 % Wilson error bars, one row per value of the dimension
    (suppressed values as a grey label), the item's overall share as a dashed
    line; values in a significant difference drawn filled, others hollow."""
    _ = i18n.translator(lang)
    name = share_name(share, lang)
    significant = significant or set()
    color = SHARE_COLORS.get(share, style.BLUE)
    rows = cells[cells["known"]].reset_index(drop=True)
    labels = [group_label(dimension, v, lbl, lang) for v, lbl in zip(rows["value"],
                                                                      rows["label"],
                                                                      strict=True)]
    ticks = [style.wrap(label, 22, 2) for label in labels]
    fig = go.Figure()
    shown = (rows["suppressed"] == "").to_numpy()
    for filled in (True, False):
        keep = [i for i in range(len(rows)) if shown[i]
                and ((rows["value"].iat[i] in significant) == filled)]
        if not keep:
            continue
        part = rows.iloc[keep]
        value = part[share].astype(float)
        hover = [
            f"<b>{style.plain(labels[i])}</b><br>"
            + _pair(style.plain(name), i18n.percent(float(rows[share].iat[i]), lang, 1), lang)
            + "<br>" + _("95% CI: {low} – {high}").format(
                low=i18n.percent(float(rows[f"{share}_lower"].iat[i]), lang, 1),
                high=i18n.percent(float(rows[f"{share}_upper"].iat[i]), lang, 1))
            + "<br>" + _pair(i18n.word("participants", lang),
                             i18n.integer(int(rows["participants"].iat[i]), lang), lang)
            for i in keep]
        fig.add_trace(go.Scatter(
            x=value, y=[ticks[i] for i in keep], mode="markers",
            name=_("Differs significantly from at least one other group") if filled
            else _("No significant difference"),
            marker={"size": 11, "color": color if filled else "white", "symbol": "circle",
                    "line": {"color": color, "width": 2}},
            error_x={"type": "data", "symmetric": False,
                     "array": (part[f"{share}_upper"].astype(float) - value).clip(lower=0),
                     "arrayminus": (value - part[f"{share}_lower"].astype(float)).clip(lower=0),
                     "color": color, "thickness": 1.5, "width": 5},
            hovertext=hover, hoverinfo="text"))
    hidden = [i for i in range(len(rows)) if not shown[i]]
    if hidden:
        fig.add_trace(go.Scatter(
            x=[(xrange or [0, 100])[0] + 0.02 * ((xrange or [0, 100])[1]
                                                  - (xrange or [0, 100])[0])] * len(hidden),
            y=[ticks[i] for i in hidden],
            mode="text",
            text=[i18n.word("suppressed", lang) if rows["suppressed"].iat[i] == "small"
                  else _("hidden") for i in hidden],
            textposition="middle right", textfont={"color": style.GREY},
            hoverinfo="skip", showlegend=False))
    if overall is not None:
        fig.add_vline(x=overall, line={"color": style.GREY, "dash": "dash", "width": 1},
                      annotation={"text": _("Overall: {value}").format(
                          value=i18n.percent(overall, lang)), "font": {"color": style.GREY,
                                                                        "size": 11}},
                      annotation_position="top")
    title = _("{share} by {dimension}").format(share=name,
                                               dimension=dimension_by(dimension, lang))
    style.apply(fig, lang, style.wrap(title, 34, 2), height=190 + 30 * max(len(rows), 3))
    fig.update_xaxes(range=xrange or [0, 100], title=_("% of votes (95% CI)"), automargin=True)
    fig.update_yaxes(range=[len(ticks) - 0.4, -0.6], categoryorder="array",
                     categoryarray=ticks, type="category", automargin=True)
    fig.update_layout(margin={"t": 80}, showlegend=False)
    return fig, cells_data(cells, dimension, lang, weighted=weighted)


def cells_data(cells: pd.DataFrame, dimension: str, lang: str, *,
               weighted: bool = False) -> pd.DataFrame:
    """The downloadable table: shown cells only (suppressed and unknown values are
    left out), every share with its interval, in the page language."""
    _ = i18n.translator(lang)
    shown = figures(cells)
    data = pd.DataFrame({
        _("Dimension"): i18n.word(dimension, lang),
        _("Group"): [group_label(dimension, v, lbl, lang)
                     for v, lbl in zip(shown["value"], shown["label"], strict=True)],
        i18n.word("participants", lang): shown["participants"].astype("int64"),
        i18n.word("votes", lang): shown["votes"].astype("int64"),
    })
    if weighted:
        data[_("Effective votes (weighting)")] = shown["effective_n"].astype(float).round(1)
    for share in SHARES:
        name = share_name(share, lang)
        data[f"{name} (%)"] = shown[share].astype(float)
        data[_("{share}: lower bound").format(share=name)] = \
            shown[f"{share}_lower"].astype(float)
        data[_("{share}: upper bound").format(share=name)] = \
            shown[f"{share}_upper"].astype(float)
    return data


def pairs_data(pairs: pd.DataFrame, dimension: str, lang: str) -> pd.DataFrame:
    """Every pairwise comparison of a dimension (significant or not)."""
    _ = i18n.translator(lang)
    return pd.DataFrame({
        _("Higher group"): [group_label(dimension, v, lbl, lang)
                            for v, lbl in zip(pairs["value_a"], pairs["label_a"], strict=True)],
        _("Lower group"): [group_label(dimension, v, lbl, lang)
                           for v, lbl in zip(pairs["value_b"], pairs["label_b"], strict=True)],
        _("Share (higher group)"): pairs["share_a"].astype(float),
        _("Share (lower group)"): pairs["share_b"].astype(float),
        _("Gap (points)"): pairs["difference"].astype(float),
        "z": pairs["z"].astype(float),
        _("p (raw)"): pairs["p_value"].astype(float),
        "p (Holm)": pairs["p_holm"].astype(float),
        _("Significant (5%)"): [_("yes") if s else _("no") for s in pairs["significant"]],
    })


def ranking_chart(ranking: pd.DataFrame, names: dict, share: str, lang: str, *,
                  level: str = "idea", top: int = 15) -> tuple[go.Figure, pd.DataFrame]:
    """A dumbbell per item (the `top` first): the share of its most and least
    favourable groups (its largest significant gap), largest gap first. Each dot
    carries [level, item_id] as customdata. The data is the whole ranking."""
    _ = i18n.translator(lang)
    name = share_name(share, lang)
    higher = [group_label(d, v, lbl, lang) for d, v, lbl in
              zip(ranking["dimension"], ranking["value_a"], ranking["label_a"], strict=True)]
    lower = [group_label(d, v, lbl, lang) for d, v, lbl in
             zip(ranking["dimension"], ranking["value_b"], ranking["label_b"], strict=True)]
    shown = ranking.head(top)
    # Rows are the items' ids; each item's name is written above its row, across the
    # chart (style.labels_above): long names do not squeeze the plot on a phone.
    items = [style.plain(str(i)) for i in shown["item_id"]]     # escaped: user ids
    fig = go.Figure()
    for a, b, y in zip(shown["share_a"], shown["share_b"], items, strict=True):
        fig.add_trace(go.Scatter(x=[b, a], y=[y, y], mode="lines", showlegend=False,
                                 line={"color": style.LIGHT_GREY, "width": 4},
                                 hoverinfo="skip"))
    names_of = {"lower": _("Group least in favour"), "higher": _("Group most in favour")}
    for key, column, groups, color in (("lower", "share_b", lower, style.ORANGE),
                                       ("higher", "share_a", higher, style.BLUE)):
        values = shown[column].astype(float).tolist()
        groups = groups[: len(shown)]
        gaps = shown["difference"].astype(float).tolist()
        fig.add_trace(go.Scatter(
            x=values, y=items, mode="markers+text", name=names_of[key],
            text=[style.plain(g) for g in groups],
            textposition="middle left" if key == "lower" else "middle right",
            textfont={"size": 11, "color": color}, cliponaxis=False,
            marker={"size": 11, "color": color},
            customdata=[[level, i] for i in shown["item_id"]],
            hovertext=[_pair(style.plain(g), i18n.percent(v, lang, 1), lang) + "<br>"
                       + _("Gap: {value} points").format(value=i18n.decimal(gap, lang, 1))
                       for g, v, gap in zip(groups, values, gaps, strict=True)],
            hoverinfo="text"))
    style.apply(fig, lang, _("The largest significant gaps between groups: {share}").format(
        share=name))
    # The legend under the title (below the plot it would cover the axis title), in the
    # rows it takes on a phone.
    rows = style.legend_rows(list(names_of.values()))
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    style.labels_above(fig, items, [style.wrap(names.get(i, i), style.PHONE_CHARS, 3)
                                    for i in shown["item_id"]],
                       top=70 + style.LEGEND_ROW_PX * rows, bottom=60)
    low = float(shown["share_b"].astype(float).min()) if len(shown) else 0.0
    high = float(shown["share_a"].astype(float).max()) if len(shown) else 100.0
    span = max(high - low, 10.0)
    fig.update_xaxes(range=[max(low - 0.25 * span, -5), min(high + 0.25 * span, 105)],
                     title=_("{share} (% of the group's votes)").format(share=name),
                     automargin=True)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=items)
    data = pd.DataFrame({
        _("Item"): [names.get(i, i) for i in ranking["item_id"]],
        _("Dimension"): [i18n.word(d, lang) for d in ranking["dimension"]],
        _("Higher group"): higher, _("Lower group"): lower,
        _("Share (higher group)"): ranking["share_a"].astype(float),
        _("Share (lower group)"): ranking["share_b"].astype(float),
        _("Gap (points)"): ranking["difference"].astype(float),
        "z": ranking["z"].astype(float),
        "p (Holm)": ranking["p_holm"].astype(float),
    })
    return fig, data
