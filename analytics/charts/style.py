"""One look for every chart: Okabe-Ito colours (readable with the common forms
of colour blindness), the language's number separators, titles that say what
is measured."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from analytics import i18n

# Okabe & Ito (2008), "Color Universal Design".
BLUE, ORANGE, GREEN, PINK = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
SKY, VERMILLION, YELLOW, BLACK = "#56B4E9", "#D55E00", "#F0E442", "#000000"
GREY, LIGHT_GREY = "#8C8C8C", "#D9D9D9"

VOTE_COLORS = {"agree": BLUE, "neutral": LIGHT_GREY, "disagree": VERMILLION}
QUALIFICATION_COLORS = {"like_it": PINK, "doable": GREEN, "no_way": ORANGE,
                        "impossible": VERMILLION, "platitude": GREY}
ZONE_COLORS = {"consensus": GREEN, "controversy": ORANGE, "rejection": VERMILLION,
               "limbo": GREY}
SERIES = (BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, YELLOW, BLACK, GREY)
CONSULTATION_COLOR, POPULATION_COLOR = BLUE, LIGHT_GREY
# Sequential and diverging scales safe for colour-blind readers.
SEQUENTIAL = "Cividis"
DIVERGING = "PuOr"
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def apply(fig: go.Figure, lang: str, title: str | None = None, *, height: int | None = None,
          legend_below: bool = True) -> go.Figure:
    """The common layout; `title` says what is measured, in the page's language."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        font={"family": FONT, "size": 13, "color": "#262730"},
        separators=i18n.plotly_separators(lang),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        hoverlabel={"font": {"family": FONT}},
    )
    if legend_below:
        fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0})
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor="#EEEEEE", zerolinecolor="#BBBBBB")
    fig.update_yaxes(gridcolor="#EEEEEE", zerolinecolor="#BBBBBB")
    return fig


def plain(text) -> str:
    """User text for plotly labels and hovers, which render a subset of HTML:
    escaped so that '<b>' or '<a href>' in a proposal shows as typed."""
    return html.escape("" if text is None else str(text), quote=False)


def wrap(text: str, width: int = 48, max_lines: int = 3) -> str:
    """Break a long label into lines for axis ticks (plotly uses <br>), escaped."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return "<br>".join(plain(line) for line in lines)
