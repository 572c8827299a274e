"""One look for every chart: Okabe-Ito colours (readable with the common forms
of colour blindness), the language's number separators, titles that say what
is measured."""

from __future__ import annotations

import html
import re
import unicodedata

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


LABEL_LINE_PX = 15        # one line of a label written above its bar
LABEL_BAR_PX = 22         # a bar's thickness under its label
PHONE_CHARS = 44          # characters of a line that fit a phone's width (390 px)


def labels_above(fig: go.Figure, categories: list, labels: list[str], *, top: int,
                 bottom: int) -> go.Figure:
    """Horizontal bars with each category's label written above its bar, across the
    whole width, instead of tick labels squeezed at the left: at a phone's width the
    bars keep the width and the labels are not cut (wrap them at PHONE_CHARS). Bar
    widths and offsets are scaled to a fixed thickness; the height follows the rows."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    row = lines * LABEL_LINE_PX + LABEL_BAR_PX + 12
    fraction = LABEL_BAR_PX / row
    # What the bars of one row span: the widest bar, or side-by-side bars' offsets.
    spans = [(trace.offset or -trace.width / 2, (trace.offset or -trace.width / 2)
              + trace.width) for trace in fig.data
             if getattr(trace, "width", None) is not None
             and not isinstance(trace.width, (list, tuple))]
    span = max(end for _, end in spans) - min(start for start, _ in spans) if spans else 0
    scale = fraction / span if span else 1.0
    for trace in fig.data:
        if getattr(trace, "width", None) is not None and not isinstance(trace.width,
                                                                        (list, tuple)):
            trace.width = trace.width * scale
        if getattr(trace, "offset", None) is not None and not isinstance(trace.offset,
                                                                         (list, tuple)):
            trace.offset = trace.offset * scale
    fig.update_layout(height=top + bottom + round(row * (len(categories) + 0.4)),
                      bargap=1 - fraction,
                      margin={"l": 10, "t": top, "b": bottom})
    # The first label rises above its row (a bar sits mid-row): room for it on top. The
    # others rise into the empty lower half of the row above.
    overflow = max(lines * LABEL_LINE_PX + LABEL_BAR_PX / 2 + 2 - row / 2, 0) / row
    fig.update_yaxes(showticklabels=False, automargin=False, autorange=False,
                     range=[len(categories) - 0.5, -0.5 - overflow])
    for category, label in zip(categories, labels, strict=True):
        fig.add_annotation(text=label, x=0, xref="paper", xanchor="left", y=category,
                           yref="y", yanchor="bottom", yshift=LABEL_BAR_PX / 2 + 1,
                           showarrow=False, align="left", font={"size": 12},
                           name="label")
    return fig


LEGEND_ROW_PX = 21        # one row of a horizontal legend
PHONE_PLOT_PX = 338       # a chart's width on a 390 px phone (page padding, margins)


def legend_rows(names: list[str], width: int = PHONE_PLOT_PX, *, grid: bool = False) -> int:
    """The rows a horizontal legend of `names` takes at `width` (a phone's, by default),
    estimated from the text's length (13 px font), so that a chart can reserve the room
    its legend will really take. Entries are packed row by row; with `grid` (what plotly
    does with a legend ordered by legendrank, as seen at 390 px) every column is as wide
    as the widest entry once they do not all fit on one row."""
    widths = [40 + 7 * len(name) for name in names]
    if not widths or sum(widths) <= width:
        return 1 if widths else 0
    if grid:
        return -(-len(widths) // max(1, width // max(widths)))
    rows, used = 1, 0
    for entry in widths:
        if used and used + entry > width:
            rows, used = rows + 1, 0
        used += entry
    return rows


SOURCE_LINE_PX = 16       # height of one line of the source under a chart
SOURCE_FONT = {"size": 10, "color": "#6B6B6B"}
LEGEND_BELOW_PX = 110     # axis labels and title, then up to two rows of legend
SOURCE_CHARS = 46         # characters of a source line (10 px) across a phone's chart
X_TICKS_PX = 24           # a bottom x axis's tick labels
X_TITLE_PX = 30           # and its title, under them


TITLE_CHARS = 44          # characters of a 16 px title line across a phone's chart
TITLE_LINE_PX = 21        # one more line of title
TITLE_TOP_PX = 6          # the title's top, under the toolbar's band
TOOLBAR_PX = 30           # plotly's toolbar (26 px high, 2 px from the top): a band of its own


def title_changes(layout: dict, chars: int = TITLE_CHARS) -> dict:
    """The layout keys to change so that a chart's title fits a phone: each line longer
    than `chars` is broken (plotly never wraps a title: a long one is cut at 390 px and in
    a column of two), and the title sits under a band kept for the chart's toolbar, which
    a phone shows over the chart's top right corner. The top margin and the height grow
    by that band and the added lines (the plot keeps its size); what is placed from the
    figure's top in pixels (the title, a legend above the plot) moves down with them."""
    title = layout.get("title") or {}
    text = title.get("text") if isinstance(title, dict) else None
    if not text:
        return {}
    wrapped = wrap_markup(text, chars)
    lines = wrapped.count("<br>") + 1
    grown = TOOLBAR_PX + (lines - 1 - text.count("<br>")) * TITLE_LINE_PX
    height = layout.get("height") or 450
    margin = dict(layout.get("margin") or {})
    margin["t"] = margin.get("t", 100) + grown
    changes = {"height": height + grown, "margin": margin}
    placed = isinstance(title.get("y"), (int, float)) and title.get("yanchor") == "top"
    top = ((1 - title["y"]) * height if placed and title.get("yref", "container") == "container"
           else TITLE_TOP_PX) + TOOLBAR_PX
    # Plotly raises a title of n lines by half a line per line after the first.
    top += (lines - 1) * TITLE_LINE_PX / 2
    changes["title"] = {**title, "text": wrapped, "yref": "container", "yanchor": "top",
                        "y": 1 - top / (height + grown)}
    legend = layout.get("legend") or {}
    if legend.get("yref") == "container" and legend.get("y") is not None:
        y = legend["y"]
        changes["legend"] = {**legend, "y": _from_top(y, height, grown, grown) if y > 0.5
                             else y * height / (height + grown)}
    return changes


def _from_top(y: float, height: int, moved: int, grown: int) -> float:
    """A container `y` placed at the same pixels from the top, plus `moved`, once the
    figure is `grown` pixels taller."""
    return 1 - ((1 - y) * height + moved) / (height + grown)


_TAG = re.compile(r"<[^>]*>")


def wrap_markup(text: str, width: int) -> str:
    """A plotly label (already escaped, maybe with <br> and tags) with each line broken at
    spaces so that no line shows more than `width` characters; a word longer than a line
    stays whole. Escapes and tags count for what they show."""
    return "<br>".join(filled for line in re.split(r"<br\s*/?>", text)
                       for filled in _fill(line.split(" "), width, _shown_length))


def _shown_length(word: str) -> int:
    return len(html.unescape(_TAG.sub("", word)))


def _fill(words: list[str], width: int, length=len) -> list[str]:
    """`words` put on lines of at most `width` (as `length` counts them), greedily; a word
    longer than a line has one of its own."""
    lines, line, used = [], [], 0
    for word in words:
        size = length(word)
        if line and used + 1 + size > width:
            lines.append(" ".join(line))
            line, used = [], 0
        used += size + (1 if line else 0)
        line.append(word)
    lines.append(" ".join(line))
    return lines


def legend_names(data: list[dict]) -> list[str]:
    """The names a figure's legend lists (its traces, as in the figure's dict)."""
    return [str(trace["name"]) for trace in data or []
            if trace.get("showlegend") is not False and trace.get("name")]


def source_changes(layout: dict, lines: list[str], chars: int | None = None,
                   names: list[str] | None = None) -> dict:
    """The layout keys to change (height, margin, legend, annotations) so that the source
    `lines` sit under the chart, inside the figure: in every PNG (plotly's camera button)
    and every embed. Lines are wrapped (escaped) at a phone's width, so that a long title
    or address cannot widen the chart; a legend set at the bottom moves up above them.
    Works on the figure's dict: a shared figure is never changed."""
    titled = title_changes(layout)
    layout = {**layout, **titled}
    text = "<br>".join(wrap(line, chars or SOURCE_CHARS, 5) for line in lines if line)
    if not text:
        return titled
    extra = SOURCE_LINE_PX * (text.count("<br>") + 1) + 8
    height = layout.get("height") or 450
    margin = dict(layout.get("margin") or {})
    top = margin.get("t", 100)
    left = margin.get("l", 80)
    legend = dict(layout.get("legend") or {})
    below = (legend.get("yref") != "container" and legend.get("y") is not None
             and legend["y"] < 0)
    # A legend under the plot (paper units, so its distance grows with the plot) is set
    # in pixels from the figure's bottom, just above the source, with room for the axis
    # labels and two rows of legend above it: nothing under the plot can overlap.
    # (More rows when a phone lays out more of `names`, the legend's entries.)
    rows = legend_rows(names) if names else 1
    base = (max(margin.get("b", 80), LEGEND_BELOW_PX + LEGEND_ROW_PX * max(rows - 2, 0))
            if below else margin.get("b", 80))
    # The x axis's labels and title: plotly's automargin would grow the bottom margin for
    # them after this placement (moving the plot, not the source, which is in paper units),
    # so their room is reserved here and the source lands under them.
    base = max(base, _x_axis_px(layout))
    margin["b"] = base + extra
    changes = {**titled, "height": height + extra, "margin": margin}
    if below:
        # Anchored by its top, at the rows a phone lays out: plotly anchors a wrapped
        # horizontal legend's bottom as if it were one row, so it would cover the source.
        legend.update(yref="container", yanchor="top",
                      y=(extra + 4 + LEGEND_ROW_PX * rows) / (height + extra))
        changes["legend"] = legend
    elif legend.get("yref") == "container" and legend.get("y") is not None \
            and legend["y"] < 0.2:
        legend["y"] += extra / (height + extra)
        changes["legend"] = legend
    # Annotations have no "container" reference: the figure's bottom edge in paper units.
    plot = max(height + extra - top - margin["b"], 1)
    source = {"text": text, "showarrow": False, "xref": "paper", "x": 0, "xanchor": "left",
              "xshift": -left + 6, "yref": "paper", "y": -(margin["b"] - 4) / plot,
              "yanchor": "bottom", "align": "left", "font": SOURCE_FONT, "name": "source"}
    changes["annotations"] = [*(layout.get("annotations") or []), source]
    return changes


def _x_axis_px(layout: dict) -> int:
    """Room under the plot for the bottom x axis: its tick labels and its title."""
    axis = layout.get("xaxis") or {}
    if axis.get("visible") is False or axis.get("side") == "top":
        return 0
    title = axis.get("title") or {}
    titled = bool(title.get("text") if isinstance(title, dict) else title)
    ticks = axis.get("showticklabels") is not False
    return (X_TICKS_PX if ticks else 0) + (X_TITLE_PX if titled else 0)


def with_source(fig: go.Figure, lines: list[str], chars: int | None = None) -> go.Figure:
    """`fig` with its source under it (source_changes), changed in place."""
    layout = fig.layout.to_plotly_json()
    names = legend_names([trace.to_plotly_json() for trace in fig.data])
    fig.update_layout(source_changes(layout, lines, chars, names))
    return fig


def plain(text) -> str:
    """User text for plotly labels and hovers, which render a subset of HTML:
    escaped so that '<b>' or '<a href>' in a proposal shows as typed; isolated
    (see `isolate`) when it holds right-to-left letters."""
    return html.escape(isolate("" if text is None else str(text)), quote=False)


# Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko... and their
# presentation forms, historic scripts of the SMP).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
                  "\U00010800-\U00010fff\U0001e800-\U0001efff]")
FSI, PDI = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """Right-to-left text set in a left-to-right page: wrapped, line by line, in
    Unicode's first-strong isolate (FSI ... PDI) so that it keeps its own direction
    and never reorders the punctuation or numbers around it ("Hebrew (12 votes)").
    Text without right-to-left letters is returned unchanged."""
    if not text or not _RTL.search(text):
        return text
    return "\n".join(FSI + line + PDI if _RTL.search(line) else line
                     for line in text.split("\n"))


_ZWJ = "\u200d"


def _joined(text: str, at: int) -> bool:
    """True when a cut before `at` would split a character from its marks (accents,
    emoji modifiers, variation selectors) or an emoji ZWJ sequence."""
    if at <= 0 or at >= len(text):
        return False
    after, before = text[at], text[at - 1]
    return (before == _ZWJ or after == _ZWJ or unicodedata.combining(after) > 0
            or unicodedata.category(after) in ("Mn", "Me")
            or "\ufe00" <= after <= "\ufe0f" or "\U0001f3fb" <= after <= "\U0001f3ff")


def cut(text: str, width: int) -> str:
    """At most about `width` characters of `text`, never splitting a character
    from its marks or an emoji sequence."""
    at = max(width, 1)
    while _joined(text, at):
        at += 1
    return text[:at]


def split_word(word: str, width: int) -> list[str]:
    """A word longer than `width` as pieces of about `width` characters (a 300-letter
    "word" must not widen a chart); shorter words unchanged."""
    pieces = []
    while len(word) > width:
        piece = cut(word, width)
        pieces.append(piece)
        word = word[len(piece):]
    return [*pieces, word] if word or not pieces else pieces


def wrap(text: str, width: int = 48, max_lines: int = 3) -> str:
    """Break a long label into lines for axis ticks (plotly uses <br>), escaped. A
    word longer than a line is cut into pieces; a label longer than `max_lines`
    lines ends with "…"."""
    words = [piece for word in str("" if text is None else text).split()
             for piece in split_word(word, width)]
    lines = _fill(words, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = cut(lines[-1], width - 1).rstrip() + "…"
    return "<br>".join(plain(line) for line in lines)
