"""Proposals: the most controversial and most rejected lists as one chart, and the table
of every proposal with its shares and scores (search, filters, sort), for the
"Controversial and rejected" page. No streamlit here."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.i18n import N_
from analytics.present.charts import style
from analytics.results_model import Results

TITLES = {"controversy": N_("The most controversial proposals: share of votes"),
          "rejection": N_("The most rejected proposals: share of votes")}
LIST_SCORE = {"controversy": "controversy_score", "rejection": "rejection_score"}

# The table of all proposals: neutral keys, in display order. Scores are lower bounds
# (score − confidence), the figure the lists are ranked by.
SHARE_COLUMNS = ("agree", "disagree", "neutral", "like_it", "doable", "no_way")
SCORE_COLUMNS = ("top_score", "controversy", "rejection", "engagement")
# A proposal-level export publishes its own engagement and score (plain numbers).
EXPORT_COLUMNS = ("export_engagement", "export_score")
TABLE_COLUMNS = ("content", "author", "idea", "votes", *SHARE_COLUMNS, "zone", *SCORE_COLUMNS,
                 *EXPORT_COLUMNS)
SCORE_LABELS = {"top_score": "top_score", "controversy": "controversy_score",
                "rejection": "rejection_score", "engagement": "engagement"}
SORTS = ("controversy", "rejection", "top_score", "engagement", "votes", "export_score",
         "export_engagement")


def _value(item: dict, key: str):
    value = item.get(key)
    return None if value is None else float(value)


def _alpha(color: str, opacity: float) -> str:
    """'#D55E00', 0.45 -> 'rgba(213,94,0,0.45)' (the legend then shows the bar's tint)."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{opacity})"


LABEL_LINES = 4        # a proposal's text (140 characters on Make.org) wraps, whole


def short_label(rank: int, author, content, width: int = 46) -> str:
    """'#1 · Marina<br>Il faut instaurer un salaire<br>universel...' for an axis tick,
    escaped: the text wraps (up to LABEL_LINES lines) rather than being cut."""
    head = f"#{rank} · {author}" if author else f"#{rank}"
    return (style.wrap(head, width=width, max_lines=1) + "<br>"
            + style.wrap(content or "", width=width, max_lines=LABEL_LINES))


def ranked_list_chart(items: list[dict], lang: str, kind: str) -> tuple[go.Figure, pd.DataFrame]:
    """Butterfly bars for a ranked list (`kind`: "controversy" or "rejection"): disagree to
    the left, agree to the right, each with its strong qualification ("Surtout pas !",
    "Coup de cœur") drawn inside it, as shares of the proposal's votes."""
    _ = i18n.translator(lang)
    labels = [short_label(i + 1, item.get("author"), item.get("content"),
                          width=style.PHONE_CHARS) for i, item in enumerate(items)]
    hover = [style.wrap(item.get("content") or "", width=60, max_lines=6) for item in items]
    votes = [item.get("votes") for item in items]
    votes_text = ["" if v is None else "<br>" + _("{votes} votes").format(
        votes=i18n.integer(v, lang)) for v in votes]

    def pct(values):
        return [i18n.percent(v, lang) if v is not None else "" for v in values]

    series = {key: [_value(item, key) for item in items]
              for key in ("agree", "disagree", "like_it", "no_way")}
    fig = go.Figure()
    # Drawn outer bars first; the legend reads agree, of which "Coup de cœur", disagree...
    traces = (
        ("disagree", i18n.word("disagree", lang), -1, style.VOTE_COLORS["disagree"], 0.72, 0.45,
         3),
        ("agree", i18n.word("agree", lang), 1, style.VOTE_COLORS["agree"], 0.72, 0.45, 1),
        ("no_way", _("of which “No way!”"), -1, style.QUALIFICATION_COLORS["no_way"], 0.34, 1,
         4),
        ("like_it", _("of which “Love it”"), 1, style.QUALIFICATION_COLORS["like_it"], 0.34,
         1, 2),
    )
    for key, name, sign, color, width, opacity, rank in traces:
        values = series[key]
        outer = key in ("agree", "disagree")
        if all(v is None for v in values):
            continue
        fig.add_trace(go.Bar(
            y=labels, x=[None if v is None else sign * v for v in values], name=name,
            orientation="h", width=width, legendrank=rank,
            marker={"color": _alpha(color, opacity),
                    "line": {"width": 0 if outer else 1, "color": "white"}},
            text=pct(values) if outer else None, textposition="outside" if outer else None,
            cliponaxis=False,
            customdata=list(zip(pct(values), hover, votes_text, strict=True)),
            # TRANSLATORS: a bar's name and its share, in a chart's tooltip.
            hovertemplate=_("{name}: {share}").format(
                name="<b>" + style.plain(name) + "</b>", share="%{customdata[0]}")
            + "<br>%{customdata[1]}%{customdata[2]}<extra></extra>",
        ))
    top = max([abs(v) for values in series.values() for v in values if v is not None] or [50])
    limit = min(100, max(50, 10 * (int(top) // 10 + 2)))
    ticks = list(range(-limit + limit % 20, limit + 1, 20))
    fig.update_layout(barmode="overlay", bargap=0.25)
    style.apply(fig, lang, _(TITLES[kind]))
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 0, "yref": "container",
                              "yanchor": "bottom"})
    axis = _("Share of the proposal's votes (%): ← disagree · agree →")
    # Under the bars: tick labels, the axis title (two lines), then the legend's rows as a
    # phone lays them out (a long legend takes a row per entry there).
    rows = style.legend_rows([trace.name for trace in fig.data], grid=True)
    style.labels_above(fig, labels, labels, top=60,
                       bottom=24 + 2 * 17 + 10 + style.LEGEND_ROW_PX * max(rows, 2))
    fig.update_xaxes(title=style.wrap(axis, style.PHONE_CHARS, 2),
                     range=[-limit - 12, limit + 12], tickvals=ticks,
                     ticktext=[i18n.integer(abs(t), lang) for t in ticks], zeroline=True,
                     zerolinecolor="#555555", zerolinewidth=1, fixedrange=True)
    fig.update_yaxes(type="category", fixedrange=True)
    return fig, list_frame(items, lang, kind)


def list_frame(items: list[dict], lang: str, kind: str) -> pd.DataFrame:
    _ = i18n.translator(lang)
    word = lambda key: i18n.word(key, lang)  # noqa: E731
    rows = []
    for rank, item in enumerate(items, start=1):
        row = {_("Rank"): rank, word("author"): item.get("author"),
               word("content"): item.get("content")}
        for key in ("agree", "disagree", "like_it", "no_way"):
            row[word(key)] = _value(item, key)
        row[word("votes")] = item.get("votes")
        score = item.get(kind)
        if isinstance(score, dict):
            row[_("{score} (lower bound)").format(score=word(LIST_SCORE[kind]))] = \
                score.get("lower")
        rows.append(row)
    return pd.DataFrame(rows)


# -- the table of all proposals -------------------------------------------------------------

def idea_names(results: Results) -> dict[str, str]:
    return {idea["idea_id"]: idea["idea"] for axis in results.get("top_ideas") or []
            for idea in axis.get("ideas") or [] if idea.get("idea_id") is not None}


def proposal_frame(results: Results, lang: str) -> pd.DataFrame:
    """One row per proposal (those hidden under a segment left out), neutral column keys:
    id, idea_id and TABLE_COLUMNS. Shares in percent; scores are lower bounds."""
    names = idea_names(results)
    rows = []
    for item in results.get("proposals") or []:
        if item.get("suppressed"):
            continue
        shares = item.get("shares") or {}
        row = {"id": item.get("id"), "idea_id": item.get("idea_id"),
               "content": item.get("content"), "author": item.get("author"),
               "idea": names.get(item.get("idea_id")), "votes": item.get("votes")}
        for key in SHARE_COLUMNS:
            row[key] = shares.get(key)
        row["zone"] = i18n.word(item["zone"], lang) if item.get("zone") else None
        row["zone_key"] = item.get("zone")
        for key in SCORE_COLUMNS:
            score = item.get(key)
            row[key] = score.get("lower") if isinstance(score, dict) else None
        for key in EXPORT_COLUMNS:
            value = item.get(key.removeprefix("export_"))
            row[key] = value if isinstance(value, (int, float)) else None
        rows.append(row)
    columns = ["id", "idea_id", "zone_key", *TABLE_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    for key in (*SHARE_COLUMNS, *SCORE_COLUMNS, *EXPORT_COLUMNS):
        frame[key] = pd.to_numeric(frame[key], errors="coerce").astype("float64")
    frame["votes"] = pd.to_numeric(frame["votes"], errors="coerce").astype("Int64")
    return frame


def _fold(text) -> str:
    """Lower case without accents, for searching."""
    text = unicodedata.normalize("NFKD", "" if text is None else str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def filter_proposals(frame: pd.DataFrame, query: str | None = None,
                     zones: list[str] | None = None, idea: str | None = None) -> pd.DataFrame:
    """Rows whose text or author contains every word of `query` (case and accents ignored),
    in one of `zones` (zone keys) and of `idea` (idea_id), when given."""
    mask = pd.Series(True, index=frame.index)
    words = [w for w in re.split(r"\s+", _fold(query or "").strip()) if w]
    if words:
        haystack = (frame["content"].map(_fold) + " " + frame["author"].map(_fold))
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
    if zones:
        mask &= frame["zone_key"].isin(zones)
    if idea:
        mask &= frame["idea_id"] == idea
    return frame[mask]


def sort_proposals(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Descending on `by` (a score lower bound or votes), ties by proposal id; missing last."""
    if by not in frame.columns:
        return frame
    return frame.sort_values([by, "id"], ascending=[False, True], na_position="last",
                             kind="mergesort")


def column_labels(lang: str) -> dict[str, str]:
    """Display names of the table's columns; scores say they are lower bounds."""
    _ = i18n.translator(lang)
    labels = {key: i18n.word(key, lang) for key in ("content", "author", "idea", "votes",
                                                     "zone", *SHARE_COLUMNS)}
    for key in SCORE_COLUMNS:
        labels[key] = _("{score} (lower bound)").format(score=i18n.word(SCORE_LABELS[key], lang))
    labels["export_engagement"] = _("Engagement (export)")
    labels["export_score"] = _("Score (export)")
    return labels


def display_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as shown and exported: TABLE_COLUMNS under their names in `lang`, without
    columns that are empty for this input (a published file has no scores...)."""
    labels = column_labels(lang)
    keep = [key for key in TABLE_COLUMNS
            if key in ("content", "author") or frame[key].notna().any()]
    return frame[keep].rename(columns=labels).reset_index(drop=True)
