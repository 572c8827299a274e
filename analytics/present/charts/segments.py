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

WORDS = {
    "fr": {
        "title": "{share} selon {dimension}",
        "gender": "le genre", "age_band": "l'âge", "region": "la région",
        "overall": "Ensemble : {value}", "small": "< 10", "hidden": "masqué",
        "significant": "Diffère significativement d'au moins un autre groupe",
        "not_significant": "Pas de différence significative",
        "axis": "% des votes (IC à 95 %)",
        "segment": "Groupe", "participants": "Participants", "votes": "Votes",
        "effective_n": "Votes effectifs (pondération)",
        "low": "{share} : borne basse", "high": "{share} : borne haute",
        "interval": "IC 95 % : {low} – {high}",
        "dimension": "Dimension",
        "group_a": "Groupe le plus élevé", "group_b": "Groupe le plus bas",
        "share_a": "Part (groupe le plus élevé)", "share_b": "Part (groupe le plus bas)",
        "difference": "Écart (points)", "z": "z", "p_value": "p (brute)",
        "p_holm": "p (Holm)", "significant_col": "Significatif (5 %)",
        "ranking_title": "Les plus grands écarts significatifs entre groupes : {share}",
        "item": "Élément", "higher": "Groupe le plus favorable",
        "lower": "Groupe le moins favorable", "gap": "Écart : {value} points",
        "ranking_axis": "{share} (% des votes du groupe)",
        "yes": "oui", "no": "non",
    },
    "en": {
        "title": "{share} by {dimension}",
        "gender": "gender", "age_band": "age", "region": "region",
        "overall": "Overall: {value}", "small": "< 10", "hidden": "hidden",
        "significant": "Differs significantly from at least one other group",
        "not_significant": "No significant difference",
        "axis": "% of votes (95% CI)",
        "segment": "Group", "participants": "Participants", "votes": "Votes",
        "effective_n": "Effective votes (weighting)",
        "low": "{share}: lower bound", "high": "{share}: upper bound",
        "interval": "95% CI: {low} – {high}",
        "dimension": "Dimension",
        "group_a": "Higher group", "group_b": "Lower group",
        "share_a": "Share (higher group)", "share_b": "Share (lower group)",
        "difference": "Gap (points)", "z": "z", "p_value": "p (raw)",
        "p_holm": "p (Holm)", "significant_col": "Significant (5%)",
        "ranking_title": "The largest significant gaps between groups: {share}",
        "item": "Item", "higher": "Group most in favour", "lower": "Group least in favour",
        "gap": "Gap: {value} points",
        "ranking_axis": "{share} (% of the group's votes)",
        "yes": "yes", "no": "no",
    },
}
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


def _words(lang: str) -> dict:
    return WORDS[i18n.language_of(lang)]


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
    words = _words(lang)
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
        sep = _sep(lang)
        hover = [
            f"<b>{style.plain(labels[i])}</b><br>{style.plain(name)}{sep}"
            f"{i18n.percent(float(rows[share].iat[i]), lang, 1)}<br>"
            + words["interval"].format(
                low=i18n.percent(float(rows[f"{share}_lower"].iat[i]), lang, 1),
                high=i18n.percent(float(rows[f"{share}_upper"].iat[i]), lang, 1))
            + f"<br>{words['participants']}{sep}"
            + i18n.integer(int(rows["participants"].iat[i]), lang)
            for i in keep]
        fig.add_trace(go.Scatter(
            x=value, y=[ticks[i] for i in keep], mode="markers",
            name=words["significant"] if filled else words["not_significant"],
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
            text=[words["small"] if rows["suppressed"].iat[i] == "small" else words["hidden"]
                  for i in hidden],
            textposition="middle right", textfont={"color": style.GREY},
            hoverinfo="skip", showlegend=False))
    if overall is not None:
        fig.add_vline(x=overall, line={"color": style.GREY, "dash": "dash", "width": 1},
                      annotation={"text": words["overall"].format(
                          value=i18n.percent(overall, lang)), "font": {"color": style.GREY,
                                                                        "size": 11}},
                      annotation_position="top")
    title = words["title"].format(share=name, dimension=words[dimension])
    style.apply(fig, lang, style.wrap(title, 34, 2), height=190 + 30 * max(len(rows), 3))
    fig.update_xaxes(range=xrange or [0, 100], title=words["axis"].format(share=name),
                     automargin=True)
    fig.update_yaxes(range=[len(ticks) - 0.4, -0.6], categoryorder="array",
                     categoryarray=ticks, type="category", automargin=True)
    fig.update_layout(margin={"t": 80}, showlegend=False)
    return fig, cells_data(cells, dimension, lang, weighted=weighted)


def cells_data(cells: pd.DataFrame, dimension: str, lang: str, *,
               weighted: bool = False) -> pd.DataFrame:
    """The downloadable table: shown cells only (suppressed and unknown values are
    left out), every share with its interval, in the page language."""
    words = _words(lang)
    shown = figures(cells)
    data = pd.DataFrame({
        words["dimension"]: i18n.word(dimension, lang),
        words["segment"]: [group_label(dimension, v, lbl, lang)
                           for v, lbl in zip(shown["value"], shown["label"], strict=True)],
        words["participants"]: shown["participants"].astype("int64"),
        words["votes"]: shown["votes"].astype("int64"),
    })
    if weighted:
        data[words["effective_n"]] = shown["effective_n"].astype(float).round(1)
    for share in SHARES:
        name = share_name(share, lang)
        data[f"{name} (%)"] = shown[share].astype(float)
        data[words["low"].format(share=name)] = shown[f"{share}_lower"].astype(float)
        data[words["high"].format(share=name)] = shown[f"{share}_upper"].astype(float)
    return data


def pairs_data(pairs: pd.DataFrame, dimension: str, lang: str) -> pd.DataFrame:
    """Every pairwise comparison of a dimension (significant or not)."""
    words = _words(lang)
    return pd.DataFrame({
        words["group_a"]: [group_label(dimension, v, lbl, lang)
                           for v, lbl in zip(pairs["value_a"], pairs["label_a"], strict=True)],
        words["group_b"]: [group_label(dimension, v, lbl, lang)
                           for v, lbl in zip(pairs["value_b"], pairs["label_b"], strict=True)],
        words["share_a"]: pairs["share_a"].astype(float),
        words["share_b"]: pairs["share_b"].astype(float),
        words["difference"]: pairs["difference"].astype(float),
        words["z"]: pairs["z"].astype(float),
        words["p_value"]: pairs["p_value"].astype(float),
        words["p_holm"]: pairs["p_holm"].astype(float),
        words["significant_col"]: [words["yes"] if s else words["no"]
                                   for s in pairs["significant"]],
    })


def ranking_chart(ranking: pd.DataFrame, names: dict, share: str, lang: str, *,
                  level: str = "idea", top: int = 15) -> tuple[go.Figure, pd.DataFrame]:
    """A dumbbell per item (the `top` first): the share of its most and least
    favourable groups (its largest significant gap), largest gap first. Each dot
    carries [level, item_id] as customdata. The data is the whole ranking."""
    words = _words(lang)
    name = share_name(share, lang)
    higher = [group_label(d, v, lbl, lang) for d, v, lbl in
              zip(ranking["dimension"], ranking["value_a"], ranking["label_a"], strict=True)]
    lower = [group_label(d, v, lbl, lang) for d, v, lbl in
             zip(ranking["dimension"], ranking["value_b"], ranking["label_b"], strict=True)]
    shown = ranking.head(top)
    items = [style.wrap(names.get(i, i), 44, 2) for i in shown["item_id"]]
    fig = go.Figure()
    for a, b, y in zip(shown["share_a"], shown["share_b"], items, strict=True):
        fig.add_trace(go.Scatter(x=[b, a], y=[y, y], mode="lines", showlegend=False,
                                 line={"color": style.LIGHT_GREY, "width": 4},
                                 hoverinfo="skip"))
    sep = _sep(lang)
    for key, column, groups, color in (("lower", "share_b", lower, style.ORANGE),
                                       ("higher", "share_a", higher, style.BLUE)):
        values = shown[column].astype(float).tolist()
        groups = groups[: len(shown)]
        gaps = shown["difference"].astype(float).tolist()
        fig.add_trace(go.Scatter(
            x=values, y=items, mode="markers+text", name=words[key],
            text=[style.plain(g) for g in groups],
            textposition="middle left" if key == "lower" else "middle right",
            textfont={"size": 11, "color": color}, cliponaxis=False,
            marker={"size": 11, "color": color},
            customdata=[[level, i] for i in shown["item_id"]],
            hovertext=[f"{style.plain(g)}{sep}{i18n.percent(v, lang, 1)}<br>"
                       + words["gap"].format(value=i18n.decimal(gap, lang, 1))
                       for g, v, gap in zip(groups, values, gaps, strict=True)],
            hoverinfo="text"))
    style.apply(fig, lang, words["ranking_title"].format(share=name),
                height=160 + 46 * max(len(shown), 2))
    # The legend under the title (below the plot it would cover the axis title).
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
                      margin={"t": 90, "b": 60})
    low = float(shown["share_b"].astype(float).min()) if len(shown) else 0.0
    high = float(shown["share_a"].astype(float).max()) if len(shown) else 100.0
    span = max(high - low, 10.0)
    fig.update_xaxes(range=[max(low - 0.25 * span, -5), min(high + 0.25 * span, 105)],
                     title=words["ranking_axis"].format(share=name), automargin=True)
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    data = pd.DataFrame({
        words["item"]: [names.get(i, i) for i in ranking["item_id"]],
        words["dimension"]: [i18n.word(d, lang) for d in ranking["dimension"]],
        words["group_a"]: higher, words["group_b"]: lower,
        words["share_a"]: ranking["share_a"].astype(float),
        words["share_b"]: ranking["share_b"].astype(float),
        words["difference"]: ranking["difference"].astype(float),
        words["z"]: ranking["z"].astype(float),
        words["p_holm"]: ranking["p_holm"].astype(float),
    })
    return fig, data


def _sep(lang: str) -> str:
    """"Label : value" in French, "Label: value" in English."""
    return " : " if i18n.language_of(lang) == "fr" else ": "
