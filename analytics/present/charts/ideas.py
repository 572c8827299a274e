"""Figures of the "Big ideas" page: the ranked ideas (agreement, Coup de cœur,
Réaliste, as Make.org shows them), their agree / neutral / disagree split, and
the proposals of one idea. Each builder returns (figure, data table); the
table is what the figure shows, with headers in the page's language."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from babel import Locale, UnknownLocaleError
from plotly.subplots import make_subplots

from analytics import i18n
from analytics.i18n import N_
from analytics.present.charts import style
from analytics.results_model import Proposal, Results

# How the proposals of one idea can be sorted, as the chart's title names the order.
SORT_LABELS = {
    "score": N_("Make.org ranking"), "votes": N_("number of votes"),
    "agree": N_("“Agree” share"), "like_it": N_("“Love it” share"),
    "doable": N_("“Realistic” share"), "controversy": N_("controversy"),
    "disagree": N_("“Disagree” share"),
}
# The three figures Make.org shows for an idea: key in the results, word, colour.
IDEA_METRICS = (("agreement", "agree", style.VOTE_COLORS["agree"]),
                ("adhesion", "likeIt", style.QUALIFICATION_COLORS["like_it"]),
                ("realistic", "doable", style.QUALIFICATION_COLORS["doable"]))
# A proposal-level export has no votes: its ideas carry the pooled adhesion (in
# `agreement`) and engagement instead.
EXPORT_METRICS = (("agreement", "adhesion", style.VOTE_COLORS["agree"]),
                  ("engagement", "engagement", style.QUALIFICATION_COLORS["like_it"]))

# Ideas found in the texts (analytics.metrics.found_ideas): the one-sentence note every view
# showing them carries, and the method section it links to (the ideas page, the report).
METHOD_ANCHOR = "how-ideas-found"
# What the note, the link and the method section say (translated where shown).
FOUND_TEXT = {
    "note": N_("These {n} ideas were found automatically in the proposals' texts (proposals "
               "grouped by the words they share), not by a person{edited}."),
    "edited": N_("; they were corrected in this session"),
    "none": N_("No idea could be found automatically in the proposals' texts (too few "
               "proposals, or too few words in common)."),
    "link": N_("How these ideas were found"),
    "method_title": N_("How these ideas were found"),
    "parameters": N_("Parameters of this computation"),
    "language": N_("Language"), "seconds": N_("Computing time"), "other": N_("Other proposals"),
}
METHOD = (
    N_("The proposals' texts are normalised (lower case, accents and punctuation "
       "unified); generic words (“we should”, articles, common action verbs…) are left "
       "out and each word is reduced to its lemma (“jobs” → “job”)."),
    N_("Each proposal becomes a TF-IDF vector of its lemmas and pairs of neighbouring "
       "lemmas: a word weighs more the more often the proposal uses it and the rarer it "
       "is overall, and less the later it comes in the text."),
    N_("Near-identical proposals (one proposal rewritten with another ending) form "
       "families; what different families share links them, and an ending they all "
       "use (“in every city”) weighs nothing."),
    N_("These families are summarised by latent semantic analysis, then grouped by "
       "k-means; two passes fade the words every idea uses. Ideas are gathered into "
       "axes by k-means on their centres."),
    N_("Each idea is named after its group's most distinctive phrase; its most "
       "representative proposals are those closest to the group's centre. Votes never "
       "decide which idea a proposal is in."),
    N_("Proposals sharing no word, pointing away from their idea, or in a group too "
       "small, form the “{other}” "
       "group: it is not an idea and is not ranked."),
    N_("Languages: the consultation's, or detected from the texts; lemmas in French, "
       "English, German, Spanish, Italian, Dutch and Portuguese (other languages keep "
       "their words as written); languages written without spaces (Chinese, Japanese, "
       "Korean, Thai) are read as runs of 2 to 3 characters. The computation is "
       "deterministic (same texts, same ideas) and cached: it is redone only when the "
       "texts change."),
    N_("An idea's figures are its proposals' pooled, exactly as for ideas that come "
       "with the data."),
)


def found_words(lang: str) -> dict:
    """FOUND_TEXT translated into `lang`, and "method", the method's paragraphs."""
    _ = i18n.translator(lang)
    return {**{key: _(message) for key, message in FOUND_TEXT.items()},
            "method": [_(line) for line in METHOD]}


def found_link_label(lang: str) -> str:
    """The link to the method section: "How these ideas were found"."""
    return i18n.translator(lang)(FOUND_TEXT["link"])


def method_title(lang: str) -> str:
    return i18n.translator(lang)(FOUND_TEXT["method_title"])


def parameters_title(lang: str) -> str:
    """The title of the method's parameters (an expander, a <details>)."""
    return i18n.translator(lang)(FOUND_TEXT["parameters"])


def language_label(code: str, lang: str) -> str:
    """A text language's name in the interface's language ("français", "German"), by
    CLDR; the code itself when CLDR does not know it."""
    try:
        return Locale.parse(code).get_language_name(i18n.language_of(lang)) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def found(results: Results) -> dict | None:
    """The `found_ideas` block of results whose ideas were found in the texts."""
    if results.get("ideas_source") == "found":
        return results.get("found_ideas") or {}
    return None


def found_note(results: Results, lang: str) -> str | None:
    """The one-sentence note (plain text) on ideas found in the texts, else None."""
    block = found(results)
    if block is None:
        return None
    _ = i18n.translator(lang)
    n = len(block.get("ideas") or []) or len(visible_ideas(results))
    if not n:
        return _(FOUND_TEXT["none"])
    return _(FOUND_TEXT["note"]).format(
        n=i18n.integer(n, lang), edited=_(FOUND_TEXT["edited"]) if block.get("edited") else "")


def other_label(results: Results, lang: str) -> str:
    block = found(results) or {}
    return block.get("other_name") or i18n.translator(lang)(FOUND_TEXT["other"])


def method_paragraphs(results: Results, lang: str) -> list[str]:
    """The method section's paragraphs (plain text)."""
    _ = i18n.translator(lang)
    other = other_label(results, lang)
    return [_(line).format(other=other) for line in METHOD]


def method_parameters(results: Results, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the computation's parameters, as `idea_set.method` gives them."""
    block = found(results) or {}
    rows = []
    language = block.get("language")
    if language:
        rows.append((i18n.translator(lang)(FOUND_TEXT["language"]),
                     language_label(language, lang)))
    for key, value in (block.get("method") or {}).items():
        if isinstance(value, dict | list | tuple):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(
                value, dict) else ", ".join(str(v) for v in value)
        elif isinstance(value, float):
            value = i18n.decimal(value, lang, 3)
        rows.append((str(key).replace("_", " "), str(value)))
    return rows


def idea_metrics(results: Results) -> tuple:
    """The bars of the ideas chart: Make.org's three, or adhesion and engagement for a
    proposal-level export (ideas without qualification shares but with engagement)."""
    ideas = visible_ideas(results)
    if ideas and all(_missing(i.get("adhesion")) and _missing(i.get("realistic"))
                     for i in ideas):
        # No qualifications (a Polis export, a proposal-level export): no empty columns.
        if all(not _missing(i.get("engagement")) for i in ideas):
            return EXPORT_METRICS
        return IDEA_METRICS[:1]
    return IDEA_METRICS
SORTS = ("score", "votes", "agree", "disagree", "like_it", "doable", "controversy")
# The ideas chart: each idea's name above its bars (two lines at most), so that the bars
# keep their width on a phone as on a wide screen.
LEFT_MARGIN = 12
IDEA_ROW = 80              # pixels per idea: two lines of name, then the bars
LABEL_WIDTH = 50           # characters per line of an idea's name
BAR_WIDTH = 0.32           # of an idea's row: 26 pixels
BAR_OFFSET = 0.08          # the bars in the lower part of the row, the name above
GROUP_HEADER = 36          # pixels above each axis for its name
HEADER_CHARS = 38          # characters of an axis's name per line (14 px bold, a phone)
HEADER_LINE_PX = 19        # a second line of it


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


_NBSP = "\u00a0"


def wrap(text, width: int = 42, max_lines: int = 3) -> str:
    """A label broken into lines of at most `width` characters at spaces (plotly's <br>),
    escaped. French punctuation stays with its word ("connaître :" never starts a line
    with ":"). Words are not cut, except a word longer than a line (cut into pieces, so
    that it cannot widen the chart): a label longer than `max_lines` lines ends with "…"
    after its last whole word (the full text is in the hover and the table)."""
    text = " ".join(str(text or "").split())
    for mark in (":", ";", "?", "!", "»"):
        text = text.replace(f" {mark}", f"{_NBSP}{mark}")
    text = text.replace("« ", f"«{_NBSP}")
    lines, line = [], ""
    for word in (piece for w in text.split(" ") for piece in style.split_word(w, width)):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1].split(" ")
        while len(last) > 1 and len(" ".join(last)) + 2 > width:
            last.pop()
        lines[-1] = " ".join(last) + " …"
    return "<br>".join(style.plain(line) for line in lines)


def pct(value, lang: str, digits: int = 0) -> str:
    return i18n.percent(value, lang, digits)


def axis_title(position: int, name: str | None, lang: str) -> str:
    """'Axe 1 : Insertion professionnelle' (plain text, not escaped)."""
    _ = i18n.translator(lang)
    if not name:
        return _("No axis")
    return _("Axis {n}: {name}").format(n=position, name=name)


def labelled(label: str, value: str, lang: str) -> str:
    """'Votes : 1 234' in French, 'Votes: 1,234' in English (plain text)."""
    _ = i18n.translator(lang)
    return _("{label}: {value}").format(label=label, value=value)


# -- the ideas as rows ----------------------------------------------------------------------

def visible_ideas(results: Results) -> list[dict]:
    """Every idea with figures (segment-suppressed ones left out), in axis order then
    rank order, each with its axis name and axis position added."""
    rows = []
    for position, axis in enumerate(results.get("top_ideas") or [], start=1):
        for idea in axis.get("ideas") or []:
            if idea.get("suppressed") or _missing(idea.get("agreement")):
                continue
            rows.append({**idea, "axis": axis.get("name"), "axis_position": position})
    return rows


def suppressed_ideas(results: Results) -> int:
    return sum(1 for axis in results.get("top_ideas") or [] for idea in axis.get("ideas") or []
               if idea.get("suppressed"))


def has_ranks(ideas: list[dict]) -> bool:
    return bool(ideas) and all(idea.get("rank") is not None for idea in ideas)


def idea_key(idea: dict, index: int) -> str:
    """A unique category for the idea in charts (its id, or its position)."""
    return str(idea["idea_id"]) if idea.get("idea_id") is not None else f"#{index}"


def idea_groups(results: Results, *, overall: bool = False) -> list[tuple[str | None, list[dict]]]:
    """(header, ideas) in display order: one group per axis, or one group in overall rank
    order (header None) when `overall` and the ideas are ranked."""
    ideas = visible_ideas(results)
    for index, idea in enumerate(ideas):
        idea["key"] = idea_key(idea, index)
    if overall and has_ranks(ideas):
        return [(None, sorted(ideas, key=lambda idea: idea["rank"]))]
    groups: dict[int, list[dict]] = {}
    for idea in ideas:
        groups.setdefault(idea["axis_position"], []).append(idea)
    return [(ideas[0]["axis"], ideas) for _, ideas in groups.items()]


def ideas_table(results: Results, lang: str, *, overall: bool = False) -> pd.DataFrame:
    """One row per idea, in display order; shares are floats in percent."""
    _ = i18n.translator(lang)
    rows = []
    groups = idea_groups(results, overall=overall)
    agree_word = "adhesion" if idea_metrics(results) is EXPORT_METRICS else "agree"
    for _header, ideas in groups:
        for idea in ideas:
            rows.append({
                i18n.word("rank", lang): idea.get("rank"),
                i18n.word("axis", lang): axis_title(idea["axis_position"], idea["axis"], lang)
                if idea["axis"] else None,
                i18n.word("idea", lang): idea.get("idea"),
                i18n.word(agree_word, lang) + " (%)": idea.get("agreement"),
                i18n.word("likeIt", lang) + " (%)": idea.get("adhesion"),
                i18n.word("doable", lang) + " (%)": idea.get("realistic"),
                i18n.word("engagement", lang) + " (%)": idea.get("engagement"),
                i18n.word("disagree", lang) + " (%)": (idea.get("shares") or {}).get("disagree"),
                i18n.word("neutral", lang) + " (%)": (idea.get("shares") or {}).get("neutral"),
                i18n.word("votes", lang): idea.get("votes"),
                i18n.word("proposals", lang): idea.get("proposals"),
                i18n.word("zone", lang): i18n.word(idea["zone"], lang) if idea.get("zone")
                else None,
                _("Id"): idea.get("idea_id"),
            })
    frame = pd.DataFrame(rows)
    # Columns the input cannot fill (published results) are left out, not shown empty.
    return frame.dropna(axis="columns", how="all") if len(frame) else frame


# -- the ranked ideas -----------------------------------------------------------------------

def _idea_hover(idea: dict, lang: str, total: int, metrics: tuple = IDEA_METRICS) -> str:
    _ = i18n.translator(lang)
    lines = [f"<b>{wrap(idea.get('idea') or '', 60, 12)}</b>"]
    if idea.get("axis"):
        lines.append(style.wrap(axis_title(idea["axis_position"], idea["axis"], lang), 60, 3))
    for key, word, _colour in metrics:
        lines.append(labelled(i18n.word(word, lang), pct(idea.get(key), lang, 1), lang))
    if idea.get("rank") is not None:
        lines.append(labelled(i18n.word("rank", lang), _("{rank} of {total}").format(
            rank=idea["rank"], total=total), lang))
    if idea.get("votes") is not None:
        lines.append(labelled(i18n.word("votes", lang), i18n.integer(idea["votes"], lang),
                              lang))
    if idea.get("proposals") is not None:
        lines.append(labelled(i18n.word("proposals", lang),
                              i18n.integer(idea["proposals"], lang), lang))
    return "<br>".join(lines)


def _nice_ceiling(value: float, step: float = 10) -> float:
    return max(step, math.ceil(value / step) * step)


def ideas_chart(results: Results, lang: str, *, overall: bool = False, selected=None):
    """Ideas in rows (grouped by axis, or in overall rank order), three columns of bars:
    "D'accord", "Coup de cœur", "Réaliste". Each bar carries the idea key as customdata[0]
    so that a click selects the idea; the `selected` idea's name is in bold."""
    groups = idea_groups(results, overall=overall)
    data = ideas_table(results, lang, overall=overall)
    if not groups:
        return None, data
    _ = i18n.translator(lang)
    metrics = idea_metrics(results)
    widths = {3: [0.42, 0.29, 0.29], 2: [0.5, 0.5]}.get(len(metrics), [1.0])
    total = sum(len(ideas) for _header, ideas in groups)
    named = any(header for header, _ideas in groups)
    # Each axis's name on at most two lines of a phone's width (the full name is in the
    # hover and the table).
    headers = [style.wrap(axis_title(ideas[0]["axis_position"], header, lang), HEADER_CHARS, 2)
               for header, ideas in groups] if named else []
    header_lines = max((h.count("<br>") + 1 for h in headers), default=1)
    header_px = GROUP_HEADER + HEADER_LINE_PX * (header_lines - 1) if named else 0
    plot_px = total * IDEA_ROW + (len(groups) - 1) * max(header_px, 16)
    top_px = 64 + 28 + header_px
    bottom_px = 36
    fig = make_subplots(
        rows=len(groups), cols=len(metrics), shared_yaxes=True, shared_xaxes=True,
        row_heights=[len(ideas) for _header, ideas in groups], column_widths=widths,
        horizontal_spacing=0.07,
        vertical_spacing=max(header_px, 16) / plot_px if len(groups) > 1 else 0)
    qualifications = [idea.get(key) for _header, ideas in groups for idea in ideas
                      for key, _word, _colour in metrics[1:] if not _missing(idea.get(key))]
    q_max = _nice_ceiling(max(qualifications, default=10) * 1.18)
    q_min = min(0.0, -_nice_ceiling(-min(qualifications, default=0) * 1.18))
    ranked = overall and has_ranks([idea for _header, ideas in groups for idea in ideas])
    for row, (_header, ideas) in enumerate(groups, start=1):
        keys = [idea["key"] for idea in ideas]
        labels = [(f"{idea['rank']}. " if ranked else "") + (idea.get("idea") or "")
                  for idea in ideas]
        hovers = [_idea_hover(idea, lang, total, metrics) for idea in ideas]
        for col, (key, word, colour) in enumerate(metrics, start=1):
            values = [idea.get(key) for idea in ideas]
            fig.add_trace(go.Bar(
                y=keys, x=values, orientation="h", marker_color=colour,
                name=i18n.word(word, lang), showlegend=False,
                text=[pct(v, lang) for v in values], textposition="auto",
                insidetextanchor="end", insidetextfont={"color": "white"},
                outsidetextfont={"color": "#262730"}, cliponaxis=False,
                customdata=[[k, h] for k, h in zip(keys, hovers, strict=True)],
                hovertemplate="%{customdata[1]}<extra></extra>"), row=row, col=col)
        fig.update_yaxes(row=row, col=1, type="category", categoryorder="array",
                         categoryarray=keys, tickmode="array", tickvals=keys,
                         ticktext=[f"<b>{wrap(label, LABEL_WIDTH, 2)}</b>" if key == selected
                                   else wrap(label, LABEL_WIDTH, 2)
                                   for key, label in zip(keys, labels, strict=True)],
                         showticklabels=False, showgrid=False, autorange="reversed",
                         automargin=False)
        for col in range(2, len(metrics) + 1):
            fig.update_yaxes(row=row, col=col, autorange="reversed", type="category",
                             categoryorder="array", categoryarray=keys, showgrid=False)
    suffix = i18n.percent_suffix(lang)
    fig.update_xaxes(col=1, range=[0, 100], dtick=25, ticksuffix=suffix)
    for col in range(2, len(metrics) + 1):
        fig.update_xaxes(col=col, range=[q_min, q_max],
                         dtick=10 if q_max - q_min <= 30 else 20, ticksuffix=suffix)
    fig.update_traces(width=BAR_WIDTH, offset=BAR_OFFSET)
    title = (_("Overall ranking of the big ideas, as share of votes") if ranked
             else _("Big ideas: adhesion and engagement") if metrics is EXPORT_METRICS
             else _("The big ideas by axis, as share of votes"))
    style.apply(fig, lang, title, height=top_px + plot_px + bottom_px, legend_below=False)
    fig.update_layout(margin={"l": LEFT_MARGIN, "r": 24, "t": top_px, "b": bottom_px},
                      bargap=0.3, clickmode="event+select", dragmode=False,
                      title={"x": 0.01, "xref": "container", "yref": "container",
                             "y": 1 - 20 / (top_px + plot_px + bottom_px), "yanchor": "top"})
    layout = fig.layout
    # Column headers above the first row; axis names above each group of ideas.
    for col, (_key, word, colour) in enumerate(metrics, start=1):
        domain = layout[f"xaxis{'' if col == 1 else col}"].domain
        fig.add_annotation(x=(domain[0] + domain[1]) / 2, y=1, xref="paper", yref="paper",
                           yanchor="bottom", yshift=header_px + 6, showarrow=False,
                           text=f"<b>{style.plain(i18n.word(word, lang))}</b>",
                           font={"size": 13, "color": colour})
    # Each idea's name above its bars (the y axis' tick texts, not drawn as ticks).
    for row in range(1, len(groups) + 1):
        index = (row - 1) * len(metrics) + 1
        axis = layout[f"yaxis{'' if index == 1 else index}"]
        for key, label in zip(axis.tickvals, axis.ticktext, strict=True):
            fig.add_annotation(x=0, xref="paper", y=key, yref=f"y{'' if index == 1 else index}",
                               xanchor="left", yanchor="bottom", yshift=-2, showarrow=False,
                               align="left", text=label, font={"size": 13}, xshift=-1)
    for row, text in enumerate(headers, start=1):
        index = (row - 1) * len(metrics) + 1
        domain = layout[f"yaxis{'' if index == 1 else index}"].domain
        fig.add_annotation(x=0, y=domain[1], xref="paper", yref="paper", xanchor="left",
                           yanchor="bottom", xshift=-1, yshift=4, showarrow=False,
                           align="left", text=f"<b>{text}</b>", font={"size": 14})
    return fig, data


# -- the agree / neutral / disagree split ---------------------------------------------------

def _diverging_traces(fig, keys, shares: list[dict], hovers: list[str], lang: str, *,
                      row=None, col=None, legend: bool = True) -> None:
    """Plotly's diverging bar pattern (barmode "relative"): disagree left of zero, agree
    right, neutral split in two halves around zero. Negative traces stack outwards in
    trace order, so the neutral halves come first."""
    agree = [s.get("agree") or 0.0 for s in shares]
    disagree = [s.get("disagree") or 0.0 for s in shares]
    neutral = [s.get("neutral") or 0.0 for s in shares]
    custom = [[k, h] for k, h in zip(keys, hovers, strict=True)]
    common = {"y": keys, "orientation": "h", "customdata": custom,
              "hovertemplate": "%{customdata[1]}<extra></extra>"}
    where = {"row": row, "col": col} if row else {}
    neutral_name = i18n.word("neutral", lang)
    fig.add_trace(go.Bar(x=[-v / 2 for v in neutral], name=neutral_name,
                         marker_color=style.VOTE_COLORS["neutral"], legendgroup="neutral",
                         showlegend=legend, legendrank=2, **common), **where)
    fig.add_trace(go.Bar(x=[v / 2 for v in neutral], name=neutral_name,
                         marker_color=style.VOTE_COLORS["neutral"], legendgroup="neutral",
                         showlegend=False, **common), **where)
    fig.add_trace(go.Bar(x=[-v for v in disagree], name=i18n.word("disagree", lang),
                         marker_color=style.VOTE_COLORS["disagree"], legendgroup="disagree",
                         showlegend=legend, legendrank=1, **common), **where)
    fig.add_trace(go.Bar(x=agree, name=i18n.word("agree", lang),
                         marker_color=style.VOTE_COLORS["agree"], legendgroup="agree",
                         showlegend=legend, legendrank=3, text=[pct(v, lang) for v in agree],
                         textposition="inside", insidetextanchor="end",
                         insidetextfont={"color": "white"}, **common), **where)


def _split_hover(name: str, shares: dict, votes, lang: str, extra: str = "") -> str:
    lines = [f"<b>{wrap(name, 60, 12)}</b>"] + ([extra] if extra else [])
    for key in ("agree", "neutral", "disagree"):
        lines.append(labelled(i18n.word(key, lang), pct(shares.get(key), lang, 1), lang))
    if votes is not None:
        lines.append(labelled(i18n.word("votes", lang), i18n.integer(votes, lang), lang))
    return "<br>".join(lines)


def _percent_ticks(low: float, high: float, lang: str, step: int = 10) -> dict:
    start = -int(math.ceil(-low / step)) * step
    values = list(range(start, int(high) + 1, step))
    return {"tickmode": "array", "tickvals": values,
            "ticktext": [pct(abs(v), lang) for v in values]}


def split_chart(results: Results, lang: str):
    """Diverging agree / neutral / disagree bars for every idea with vote counts
    (vote-level inputs); (None, empty table) when no idea has them."""
    _ = i18n.translator(lang)
    ideas = [idea for idea in visible_ideas(results)
             if idea.get("shares") and not _missing(idea["shares"].get("agree"))]
    columns = [i18n.word("idea", lang), i18n.word("agree", lang) + " (%)",
               i18n.word("neutral", lang) + " (%)", i18n.word("disagree", lang) + " (%)",
               i18n.word("votes", lang)]
    if not ideas:
        return None, pd.DataFrame(columns=columns)
    ideas.sort(key=lambda idea: (-idea["shares"]["agree"], idea.get("rank") or 0))
    keys = [idea_key(idea, index) for index, idea in enumerate(ideas)]
    shares = [idea["shares"] for idea in ideas]
    hovers = [_split_hover(idea.get("idea") or "", idea["shares"], idea.get("votes"), lang)
              for idea in ideas]
    fig = go.Figure()
    _diverging_traces(fig, keys, shares, hovers, lang)
    left = max(s["disagree"] + s["neutral"] / 2 for s in shares)
    right = max(s["agree"] + s["neutral"] / 2 for s in shares)
    low, high = -max(10.0, left + 4), min(100.0, right + 2) if right > 50 else right + 4
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=keys,
                     tickmode="array", tickvals=keys)
    fig.update_xaxes(range=[low, high], title_text=_("Share of votes (%)"), zeroline=True,
                     zerolinewidth=2, zerolinecolor="#555555", **_percent_ticks(low, high, lang))
    style.apply(fig, lang, _("Agreement, neutrality and disagreement per idea (% of votes)"),
                legend_below=False)
    fig.update_layout(barmode="relative",
                      legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom",
                              "traceorder": "normal"})
    # Each idea's name above its bar, across the width (readable on a phone).
    rows = style.legend_rows([trace.name for trace in fig.data if trace.showlegend is not False])
    style.labels_above(fig, keys, [wrap(idea.get("idea") or "", style.PHONE_CHARS, 3)
                                   for idea in ideas],
                       top=69 + style.LEGEND_ROW_PX * max(rows, 1), bottom=50)
    data = pd.DataFrame([{columns[0]: idea.get("idea"), columns[1]: idea["shares"]["agree"],
                          columns[2]: idea["shares"]["neutral"],
                          columns[3]: idea["shares"]["disagree"], columns[4]: idea.get("votes")}
                         for idea in ideas], columns=columns)
    return fig, data


# -- the proposals of one idea --------------------------------------------------------------

def proposals_of(results: Results, idea_id) -> tuple[list[Proposal], int]:
    """The idea's proposals with figures, and how many are hidden (segment privacy)."""
    mine = [p for p in results.get("proposals") or [] if p.get("idea_id") == idea_id]
    shown = [p for p in mine if not p.get("suppressed") and p.get("shares")
             and not _missing(p["shares"].get("agree"))]
    return shown, len(mine) - len(shown)


def _lower(item: dict, name: str) -> float:
    value = (item.get(name) or {}).get("lower")
    return -math.inf if _missing(value) else value


def sort_proposals(proposals: list[dict], sort: str) -> list[dict]:
    """Descending by the chosen figure, ties by proposal id ascending."""
    def key(p):
        if sort == "score":
            value = _lower(p, "top_score")
        elif sort == "controversy":
            value = _lower(p, "controversy")
        elif sort == "votes":
            value = p.get("votes") or 0
        else:
            value = (p.get("shares") or {}).get(sort)
            value = -math.inf if _missing(value) else value
        return (-value, str(p.get("id")))
    return sorted(proposals, key=key)


def proposals_table(proposals: list[dict], lang: str) -> pd.DataFrame:
    _ = i18n.translator(lang)
    rows = [{
        i18n.word("content", lang): p.get("content"),
        i18n.word("author", lang): p.get("author"),
        i18n.word("zone", lang): i18n.word(p["zone"], lang) if p.get("zone") else None,
        i18n.word("votes", lang): p.get("votes"),
        i18n.word("agree", lang) + " (%)": p["shares"].get("agree"),
        i18n.word("disagree", lang) + " (%)": p["shares"].get("disagree"),
        i18n.word("neutral", lang) + " (%)": p["shares"].get("neutral"),
        i18n.word("likeIt", lang) + " (%)": p["shares"].get("like_it"),
        i18n.word("doable", lang) + " (%)": p["shares"].get("doable"),
        _("Score (lower bound)"): (p.get("top_score") or {}).get("lower"),
        _("Controversy (lower bound)"): (p.get("controversy") or {}).get("lower"),
        _("Id"): p.get("id"),
    } for p in proposals]
    return pd.DataFrame(rows)


def sort_label(sort: str, lang: str) -> str:
    return i18n.translator(lang)(SORT_LABELS[sort])


COLUMN_TITLE_LINE_PX = 17   # one more line of a column's title (13 px)


def proposals_chart(proposals: list[dict], lang: str, *, sort: str = "score", top: int = 15,
                    qualifications: bool = True):
    """The first `top` proposals in `sort` order: diverging agree / neutral / disagree bars,
    and "Coup de cœur" / "Réaliste" bars beside them (not for an input without
    qualifications, `qualifications` False: a Polis export)."""
    _ = i18n.translator(lang)
    ordered = sort_proposals(proposals, sort)
    shown = ordered[:top]
    data = proposals_table(shown, lang)
    if not shown:
        return None, data
    keys = [str(p["id"]) for p in shown]
    hovers = []
    for p in shown:
        extra = []
        if p.get("author"):
            extra.append("— " + style.plain(p["author"]))
        if p.get("zone"):
            extra.append(labelled(i18n.word("zone", lang), i18n.word(p["zone"], lang), lang))
        for key in ("like_it", "doable") if qualifications else ():
            extra.append(labelled(i18n.word(key, lang), pct(p["shares"].get(key), lang, 1),
                                  lang))
        hovers.append(_split_hover(p.get("content") or "", p["shares"], p.get("votes"), lang,
                                   "<br>".join(extra)))
    cols = 2 if qualifications else 1
    # Each column's title wrapped to the column's width on a phone (German's are long).
    column_titles = [style.wrap_markup(" · ".join(i18n.word(w, lang) for w in words), chars)
                     for words, chars in ((("agree", "neutral", "disagree"), 26),
                                          (("likeIt", "doable"), 18))]
    column_lines = max(title.count("<br>") for title in column_titles[:cols])
    fig = make_subplots(rows=1, cols=cols, shared_yaxes=True,
                        column_widths=[0.6, 0.4][:cols] if cols == 2 else [1.0],
                        horizontal_spacing=0.1 if cols == 2 else 0.0,
                        subplot_titles=column_titles[:cols])
    shares = [p["shares"] for p in shown]
    _diverging_traces(fig, keys, shares, hovers, lang, row=1, col=1)
    custom = [[k, h] for k, h in zip(keys, hovers, strict=True)]
    # Side by side, not stacked: a fixed base and offset per series (barmode is "relative"
    # for the diverging bars of the first column).
    for offset, (key, word) in ((-0.36, ("like_it", "likeIt")), (0.02, ("doable", "doable"))
                                ) if qualifications else ():
        values = [s.get(key) or 0.0 for s in shares]
        fig.add_trace(go.Bar(y=keys, x=values, orientation="h", name=i18n.word(word, lang),
                             marker_color=style.QUALIFICATION_COLORS[key], base=0,
                             offset=offset, width=0.34,
                             text=[pct(v, lang) for v in values], textposition="outside",
                             textfont={"size": 11}, cliponaxis=False, customdata=custom,
                             legendrank=4, hovertemplate="%{customdata[1]}<extra></extra>"),
                      row=1, col=2)
    labels = [wrap(p.get("content") or "", style.PHONE_CHARS, 4) for p in shown]
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=keys,
                     tickmode="array", tickvals=keys, row=1, col=1)
    left = max(s.get("disagree", 0) + s.get("neutral", 0) / 2 for s in shares)
    low = -max(10.0, left + 4)
    fig.update_xaxes(row=1, col=1, range=[low, 100], zeroline=True, zerolinewidth=2,
                     zerolinecolor="#555555", **_percent_ticks(low, 100, lang, 20))
    if qualifications:
        q_max = _nice_ceiling(max((s.get(k) or 0) for s in shares
                                  for k in ("like_it", "doable")) * 1.3)
        fig.update_xaxes(row=1, col=2, range=[0, q_max], ticksuffix=i18n.percent_suffix(lang))
    title = (_("The idea's top {n} proposals, by {sort}").format(
        n=len(shown), sort=sort_label(sort, lang)) if len(ordered) > len(shown)
             else _("The idea's proposals, by {sort}").format(sort=sort_label(sort, lang)))
    style.apply(fig, lang, title, legend_below=False)
    fig.update_annotations(font={"size": 13}, yshift=4)     # the two column titles
    # Each proposal's text above its bars, across both columns (readable on a phone).
    # Above the bars: the title, the legend's rows as a phone lays them out, the column
    # titles.
    rows = style.legend_rows([trace.name for trace in fig.data if trace.showlegend is not False])
    style.labels_above(fig, keys, labels, top=95 + style.LEGEND_ROW_PX * max(rows, 1)
                       + COLUMN_TITLE_LINE_PX * column_lines, bottom=40)
    height = fig.layout.height
    # Title, then the legend, then the two column titles, above the bars.
    fig.update_layout(barmode="relative", margin={"r": 40},
                      title={"y": 1 - 12 / height, "yanchor": "top"},
                      legend={"orientation": "h", "x": 0, "xref": "container",
                              "y": 1 - 48 / height, "yref": "container", "yanchor": "top"})
    return fig, data


# -- ideas found in the texts ---------------------------------------------------------------

def proposal_texts(results: Results) -> dict:
    """proposal id -> (content, author), to show an idea's representative proposals."""
    return {str(p.get("id")): (p.get("content"), p.get("author"))
            for p in results.get("proposals") or []}


def export_columns(table: pd.DataFrame, proposals: list[dict], lang: str) -> pd.DataFrame:
    """The proposals table of a proposal-level export: adhesion, engagement and score
    (the export's own figures) in place of the vote shares it does not have."""
    _ = i18n.translator(lang)
    keep = [i18n.word("content", lang), i18n.word("author", lang), i18n.word("votes", lang)]
    frame = table[[c for c in keep if c in table.columns]].copy()
    frame[i18n.word("adhesion", lang) + " (%)"] = [
        None if _missing(p.get("adhesion")) else 100 * p["adhesion"] for p in proposals]
    frame[i18n.word("engagement", lang) + " (%)"] = [
        None if _missing(p.get("engagement")) else 100 * p["engagement"] for p in proposals]
    frame[i18n.word("score", lang)] = [p.get("score") for p in proposals]
    frame[_("Id")] = [p.get("id") for p in proposals]
    return frame


def overlap_table(given: dict, found_results: dict, lang: str) -> pd.DataFrame:
    """For each found idea, the given idea holding most of its proposals, and how many."""
    _ = i18n.translator(lang)
    words = {"found": _("Found idea"), "given": _("Closest given idea"),
             "share": _("Share of its proposals in that idea (%)")}
    given_of = {p.get("id"): p.get("idea_id") for p in given.get("proposals") or []}
    given_names = {i["idea_id"]: i.get("idea") for i in visible_ideas(given)}
    rows = []
    for idea in sorted(visible_ideas(found_results), key=lambda i: i.get("rank") or 0):
        members = [p.get("id") for p in found_results.get("proposals") or []
                   if p.get("idea_id") == idea.get("idea_id")]
        counts: dict = {}
        for member in members:
            key = given_of.get(member)
            counts[key] = counts.get(key, 0) + 1
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0] is not None), default=(None, 0))
        rows.append({words["found"]: idea.get("idea"),
                     words["given"]: given_names.get(best[0], best[0]),
                     words["share"]: 100 * best[1] / len(members) if members else None})
    return pd.DataFrame(rows, columns=[words["found"], words["given"], words["share"]])
