"""Figures of the "Debate map" page: every proposal placed by agreement and
controversy (WebGL scatter), and the cartography of the proposals' tags
(share of proposals per label, overall and among Consensus proposals), or
the cartography pies of a published results file as published."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.i18n import N_
from analytics.present.charts import style
from analytics.present.charts.ideas import axis_title, pct, wrap
from analytics.results_model import CartographyChart, Proposal, Results
from analytics.vocabulary import ZONES

# Tag types as the data names them (French or English) -> their heading.
TAG_KINDS = {"theme": N_("Themes"), "themes": N_("Themes"), "acteur": N_("Actors"),
             "acteurs": N_("Actors"), "actor": N_("Actors"), "solution": N_("Solutions"),
             "solutions": N_("Solutions"), "public": N_("Audiences"),
             "publics": N_("Audiences"), "audience": N_("Audiences"), "topic": N_("Themes"),
             "lieu": N_("Places"), "place": N_("Places")}
# Axis colours: the qualitative series without grey (kept for proposals without idea).
AXIS_COLORS = tuple(c for c in style.SERIES if c != style.GREY)
NO_IDEA_COLOR = style.LIGHT_GREY
PIE_COLORS = style.SERIES


def labelled(label: str, value: str, lang: str) -> str:
    """'Votes: 12' ('Votes : 12' in French), as a hover line writes a figure."""
    _ = i18n.translator(lang)
    # TRANSLATORS: a label and its value ("Votes: 12"); French puts a space before ":".
    return _("{label}: {value}").format(label=label, value=value)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def tag_type_name(tag_type: str | None, lang: str) -> str:
    """'acteur' -> 'Acteurs' / 'Actors'; unknown types capitalised as they come."""
    raw = str(tag_type or "").strip()
    known = TAG_KINDS.get(raw.lower())
    if known:
        return i18n.translator(lang)(known)
    return raw[:1].upper() + raw[1:] if raw else "–"


# -- the map --------------------------------------------------------------------------------

def idea_axes(results: Results) -> dict:
    """idea_id -> (axis position, axis name, idea name)."""
    found = {}
    for position, axis in enumerate(results.get("top_ideas") or [], start=1):
        for idea in axis.get("ideas") or []:
            if idea.get("idea_id") is not None:
                found[idea["idea_id"]] = (position, axis.get("name"), idea.get("idea"))
    return found


def named_axes(results: Results) -> list[tuple[int, str]]:
    return [(position, axis["name"])
            for position, axis in enumerate(results.get("top_ideas") or [], start=1)
            if axis.get("name")]


def ranked_ideas(results: Results) -> list[tuple[str, str]]:
    """(idea_id, name) of the ideas with figures, best ranked first."""
    names = {idea_id: name for idea_id, (_, _, name) in idea_axes(results).items()}
    order = [i for i in results.get("ranked_ideas") or [] if i in names]
    return [(i, names[i]) for i in order + [i for i in names if i not in order]]


# Colouring by idea: the best ranked ideas get a colour each, the others share one.
IDEA_COLOURED = len(AXIS_COLORS) - 1
OTHER_IDEAS_COLOR = style.GREY


def _short(name: str, size: int = 40) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= size else name[:size - 1] + "…"


def _no_idea_name(results: Results, lang: str) -> str:
    """The group of proposals in no idea: the found ideas' "other" group, when found."""
    if results.get("ideas_source") == "found":
        name = (results.get("found_ideas") or {}).get("other_name")
        if name:
            return name
    _ = i18n.translator(lang)
    return _("No big idea")


def plottable(results: Results) -> list[Proposal]:
    """Proposals that can be placed: not suppressed, with an agree share and a
    controversy score."""
    return [p for p in results.get("proposals") or []
            if not p.get("suppressed") and p.get("shares")
            and not _missing(p["shares"].get("agree"))
            and not _missing((p.get("controversy") or {}).get("score"))]


def map_points(results: Results, min_votes: int = 0) -> pd.DataFrame:
    """One row per proposal placed on the map (votes >= min_votes); plain values."""
    axes = idea_axes(results)
    rows = []
    for p in plottable(results):
        votes = p.get("votes") or 0
        if votes < min_votes:
            continue
        position, axis, idea = axes.get(p.get("idea_id"), (None, None, None))
        shares = p["shares"]
        rows.append({
            "id": p.get("id"), "content": p.get("content"), "author": p.get("author"),
            "votes": votes, "agree": shares.get("agree"), "disagree": shares.get("disagree"),
            "neutral": shares.get("neutral"), "like_it": shares.get("like_it"),
            "no_way": shares.get("no_way"), "zone": p.get("zone"),
            "controversy": p["controversy"]["score"],
            "controversy_lower": p["controversy"].get("lower"),
            "controversy_upper": p["controversy"].get("upper"),
            "idea_id": p.get("idea_id"), "idea": idea, "axis": axis, "axis_position": position,
        })
    columns = ["id", "content", "author", "votes", "agree", "disagree", "neutral", "like_it",
               "no_way", "zone", "controversy", "controversy_lower", "controversy_upper",
               "idea_id", "idea", "axis", "axis_position"]
    return pd.DataFrame(rows, columns=columns)


def zone_counts(points: pd.DataFrame) -> dict[str, int]:
    counts = points["zone"].value_counts() if len(points) else {}
    return {zone: int(counts.get(zone, 0)) for zone in ZONES}


def max_votes(results: Results) -> int:
    return max((p.get("votes") or 0 for p in plottable(results)), default=0)


# Past a few thousand dots the map is a blur and slow to draw (each dot carries its text
# for the hover): the vote threshold starts where the dots shown stay under this.
MAX_POINTS = 5_000


def default_min_votes(results: Results, thresholds, max_points: int = MAX_POINTS) -> int:
    """The smallest of `thresholds` leaving at most `max_points` proposals on the map
    (the largest threshold when none does)."""
    votes = np.sort(np.array([p.get("votes") or 0 for p in plottable(results)]))
    for threshold in sorted(thresholds):
        if len(votes) - np.searchsorted(votes, threshold, side="left") <= max_points:
            return threshold
    return max(thresholds)


def _hover(row, lang: str) -> str:
    _ = i18n.translator(lang)
    lines = [wrap(row.content, 64, 12)]
    if row.author:
        lines.append("— " + style.plain(row.author))
    lines.append("")
    lines.append(labelled(i18n.word("votes", lang), i18n.integer(row.votes, lang), lang))
    for key in ("agree", "disagree", "neutral"):
        lines.append(labelled(i18n.word(key, lang), pct(getattr(row, key), lang, 1), lang))
    for key in ("like_it", "no_way"):
        value = getattr(row, key)
        if not _missing(value):
            lines.append(labelled(i18n.word(key, lang), pct(value, lang, 1), lang))
    if row.zone:
        lines.append(labelled(i18n.word("zone", lang),
                              "<b>" + i18n.word(row.zone, lang) + "</b>", lang))
    span = ""
    if not _missing(row.controversy_lower) and not _missing(row.controversy_upper):
        # TRANSLATORS: the range of a proposal's controversy score, in a hover.
        span = " (" + _("interval {low} to {high}").format(
            low=i18n.decimal(row.controversy_lower, lang, 2),
            high=i18n.decimal(row.controversy_upper, lang, 2)) + ")"
    lines.append(labelled(_("Controversy (score)"),
                          i18n.decimal(row.controversy, lang, 2) + span, lang))
    if row.idea:
        lines.append(labelled(i18n.word("idea", lang), wrap(row.idea, 64, 4), lang))
    return "<br>".join(lines)


def marker_sizes(votes: np.ndarray, largest: int) -> np.ndarray:
    """Area proportional to votes: 4 px for none, 26 px for the most voted proposal."""
    largest = max(int(largest), 1)
    return 4 + 22 * np.sqrt(np.clip(votes, 0, None) / largest)


def debate_map(results: Results, lang: str, *, colour: str = "zone", min_votes: int = 0):
    """WebGL scatter of the proposals; one trace per zone (or per axis). Each point carries
    the proposal id as customdata[0]. (None, empty table) when nothing can be placed."""
    _ = i18n.translator(lang)
    points = map_points(results, min_votes)
    data = map_table(points, lang)
    if not len(points):
        return None, data
    largest = max_votes(results)
    fig = go.Figure()
    trailing = 0        # groups listed last in the legend (no idea, other ideas)
    if colour == "axis":
        trailing = 1
        # Proposals without an idea first: drawn underneath, listed last in the legend.
        groups = [(_no_idea_name(results, lang), NO_IDEA_COLOR, points["axis_position"].isna())]
        groups += [(axis_title(position, name, lang), AXIS_COLORS[(position - 1)
                    % len(AXIS_COLORS)], points["axis_position"] == position)
                   for position, name in named_axes(results)]
    elif colour == "idea":
        ideas = ranked_ideas(results)
        coloured = ideas[:IDEA_COLOURED]
        groups = [(_no_idea_name(results, lang), NO_IDEA_COLOR, points["idea_id"].isna())]
        if len(ideas) > len(coloured):
            rest = {idea_id for idea_id, _name in ideas[IDEA_COLOURED:]}
            # TRANSLATORS: a legend entry; n is at least 1.
            others = _("{n} other ideas").format(n=len(rest))
            groups.append((others, OTHER_IDEAS_COLOR, points["idea_id"].isin(rest)))
        trailing = len(groups)      # no idea, and the other ideas when there are some
        groups += [(_short(name or idea_id), AXIS_COLORS[index % len(AXIS_COLORS)],
                    points["idea_id"] == idea_id)
                   for index, (idea_id, name) in enumerate(coloured)]
    else:
        groups = [(i18n.word(zone, lang), style.ZONE_COLORS[zone], points["zone"] == zone)
                  for zone in ZONES]
    for rank, (name, color, mask) in enumerate(groups):
        part = points[mask]
        if not len(part):
            continue
        hovers = [_hover(row, lang) for row in part.itertuples(index=False)]
        fig.add_trace(go.Scattergl(
            x=part["agree"], y=part["controversy"], mode="markers", name=style.plain(name),
            marker={"color": color, "size": marker_sizes(part["votes"].to_numpy(), largest),
                    "opacity": 0.62, "line": {"width": 0.5, "color": "white"}},
            customdata=np.column_stack([part["id"].astype(str), hovers]),
            legendrank=1000 + (len(groups) + rank if rank < trailing else rank),
            hovertemplate="%{customdata[1]}<extra></extra>"))
    top = max(0.1, float(points["controversy"].max()) * 1.08)
    fig.update_xaxes(title_text=_("Share of “Agree” votes (%)"), range=[-2, 102], dtick=10,
                     ticksuffix=i18n.percent_suffix(lang), zeroline=False)
    fig.update_yaxes(title_text=_("Controversy score (Make.org, estimate)"), range=[0, top],
                     rangemode="tozero",
                     tickformat=".2f", zeroline=False)
    # TRANSLATORS: <br> breaks the title where a phone's width needs it.
    style.apply(fig, lang, _("Proposals by agreement and controversy<br>(size: number of votes)"),
                height=680, legend_below=False)
    # The legend under the x axis title: it may take two lines (long axis names).
    fig.update_layout(legend={"orientation": "h", "x": 0, "xref": "container", "y": 0,
                              "yref": "container", "yanchor": "bottom", "itemsizing": "constant"},
                      margin={"t": 56, "l": 70, "b": 130}, hovermode="closest",
                      hoverlabel={"align": "left"})
    return fig, data


def map_table(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    _ = i18n.translator(lang)
    return pd.DataFrame({
        i18n.word("content", lang): points["content"],
        i18n.word("author", lang): points["author"],
        i18n.word("votes", lang): points["votes"],
        i18n.word("agree", lang) + " (%)": points["agree"],
        i18n.word("disagree", lang) + " (%)": points["disagree"],
        i18n.word("neutral", lang) + " (%)": points["neutral"],
        _("Controversy (score)"): points["controversy"],
        i18n.word("zone", lang): [i18n.word(z, lang) if z else None for z in points["zone"]],
        i18n.word("axis", lang): points["axis"],
        i18n.word("idea", lang): points["idea"],
        _("Id"): points["id"],
    })


# -- the cartography ------------------------------------------------------------------------

# Charts one input may ask for: 10,000 tag types would be 10,000 charts (minutes to draw,
# a page no one reads). The tag types of the most tagged proposals are drawn.
MAX_TAG_TYPES = 12


def tag_groups(results: Results, limit: int | None = MAX_TAG_TYPES) -> list[dict]:
    """The engine's cartography by tag type: [{tag_type, all, consensus}] in data order
    (vote-level inputs; items carrying tag_type and scope); at most `limit` of them,
    those whose labels are carried by the most proposals (see hidden_tag_types)."""
    groups: dict[str, dict] = {}
    for item in results.get("cartography") or []:
        kind, scope = item.get("tag_type"), item.get("scope")
        if kind is None or scope not in ("all", "consensus"):
            continue
        groups.setdefault(kind, {"tag_type": kind, "all": None, "consensus": None})[scope] = item
    found = [group for group in groups.values() if group["all"] or group["consensus"]]
    if limit is None or len(found) <= limit:
        return found
    kept = sorted(range(len(found)), key=lambda i: -_tagged(found[i]))[:limit]
    return [found[i] for i in sorted(kept)]


def hidden_tag_types(results: Results) -> int:
    """How many tag types tag_groups leaves out."""
    return len(tag_groups(results, None)) - len(tag_groups(results))


def _tagged(group: dict) -> int:
    item = group["all"] or group["consensus"]
    return max((entry.get("proposals") or 0 for entry in item.get("data") or []), default=0)


def published_charts(results: Results) -> list[CartographyChart]:
    """Cartography charts of a published results file (no tag_type/scope): as published."""
    return [item for item in results.get("cartography") or []
            if item.get("tag_type") is None and item.get("data")]


def _bar_label(value: float, lang: str) -> str:
    """'12 %'; a share under 1 % that is not zero reads '< 1 %', not '0 %'."""
    if value and 0 < value < 0.5:
        return "< " + pct(1, lang)
    return pct(value, lang)


def tag_chart(group: dict, lang: str, *, top: int = 12):
    """Grouped horizontal bars: for each label, its share among all proposals carrying this
    tag type and among Consensus proposals. The `top` labels most cited overall."""
    _ = i18n.translator(lang)
    scopes = {"all": _("All proposals"), "consensus": _("Most supported proposals (Consensus)")}
    label_name, proposals_name = _("Label"), i18n.word("proposals", lang)
    kind = tag_type_name(group["tag_type"], lang)
    overall = {d["label"]: d for d in (group["all"] or {}).get("data") or []}
    consensus = {d["label"]: d for d in (group["consensus"] or {}).get("data") or []}
    labels = list(overall) + [label for label in consensus if label not in overall]
    labels.sort(key=lambda label: (-(overall.get(label, {}).get("percent") or 0),
                                   -(consensus.get(label, {}).get("percent") or 0), label))
    rows = [{label_name: label,
             scopes["all"] + " (%)": overall.get(label, {}).get("percent"),
             scopes["all"] + " · " + proposals_name: overall.get(label, {}).get("proposals"),
             scopes["consensus"] + " (%)": consensus.get(label, {}).get("percent"),
             scopes["consensus"] + " · " + proposals_name:
                 consensus.get(label, {}).get("proposals")}
            for label in labels]
    data = pd.DataFrame(rows)
    shown = labels[:top]
    if not shown:
        return None, data
    fig = go.Figure()
    keys = [style.plain(label) for label in shown]     # the rows (escaped: user text)
    for scope, source, color in (("all", overall, style.GREY),
                                 ("consensus", consensus, style.ZONE_COLORS["consensus"])):
        if not source:
            continue
        values = [source.get(label, {}).get("percent") or 0.0 for label in shown]
        counts = [source.get(label, {}).get("proposals") for label in shown]
        hovers = [f"<b>{style.plain(label)}</b><br>"
                  + labelled(scopes[scope], pct(value, lang, 1), lang)
                  + ("<br>" + labelled(proposals_name, i18n.integer(count, lang), lang)
                     if count is not None else "")
                  for label, value, count in zip(shown, values, counts, strict=True)]
        fig.add_trace(go.Bar(y=keys, x=values, orientation="h", name=scopes[scope],
                             marker_color=color, text=[_bar_label(v, lang) for v in values],
                             textposition="outside", cliponaxis=False, textfont={"size": 11},
                             customdata=hovers, hovertemplate="%{customdata}<extra></extra>"))
    largest = max((d.get("percent") or 0) for d in [*overall.values(), *consensus.values()]
                  if d.get("label") in shown)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=keys)
    fig.update_xaxes(range=[0, max(5.0, largest * 1.22)],
                     title_text=_("Share of tagged proposals (%)"),
                     ticksuffix=i18n.percent_suffix(lang))
    title = (_("{kind}: share of proposals citing them ({n} most cited of {total})").format(
                 kind=kind, n=len(shown), total=len(labels))
             if len(labels) > len(shown) else
             _("{kind}: share of proposals citing them").format(kind=kind))
    style.apply(fig, lang, wrap(title, 90, 2), legend_below=False)
    fig.update_layout(barmode="group", bargroupgap=0.05)
    # Each label written above its bars, across the chart (readable on a phone).
    style.labels_above(fig, keys, [wrap(label, style.PHONE_CHARS, 2) for label in shown],
                       top=100, bottom=50)
    height = fig.layout.height
    fig.update_layout(title={"y": 1 - 12 / height, "yanchor": "top"},
                      legend={"orientation": "h", "x": 0, "xref": "container",
                              "y": 1 - 62 / height, "yref": "container", "yanchor": "top"})
    return fig, data


def published_label(item: dict) -> str:
    """A published slice label, with its second line ('sublabel') when there is one."""
    parts = [str(item.get("label") or "").strip(), str(item.get("sublabel") or "").strip()]
    return " ".join(part for part in parts if part)


def is_partition(values) -> bool:
    """Shares that can be drawn as a pie: they add up to 100 (give or take rounding)
    and few enough for distinct colours."""
    numbers = [v for v in values if not _missing(v)]
    return (len(numbers) == len(values) and len(values) <= len(PIE_COLORS)
            and 97 <= sum(numbers) <= 103)


def published_chart(chart: dict, lang: str, *, height: int | None = None):
    """A published cartography chart, labels and percentages exactly as published: a pie
    when its shares add up to 100, else bars (a proposal may cite several labels, and a
    pie would draw 35 % as a quarter of the circle)."""
    _ = i18n.translator(lang)
    items = chart.get("data") or []
    labels = [published_label(item) for item in items]
    values = [item.get("percent") for item in items]
    data = pd.DataFrame({_("Label"): labels, _("Share (%)"): values})
    if not items:
        return None, data
    shown = [pct(v, lang) for v in values]
    hovers = [f"<b>{style.plain(label)}</b><br>{value}"
              for label, value in zip(labels, shown, strict=True)]
    title = wrap(chart.get("name") or "", 50, 2)
    if is_partition(values):
        fig = go.Figure(go.Pie(
            labels=[wrap(label, 28, 2) for label in labels], values=values, hole=0.45,
            sort=False, direction="clockwise", text=shown, textinfo="text",
            textposition="inside", insidetextorientation="horizontal",
            marker={"colors": list(PIE_COLORS[:len(items)]),
                    "line": {"color": "white", "width": 1}},
            customdata=hovers, hovertemplate="%{customdata}<extra></extra>"))
        style.apply(fig, lang, title, height=height or pie_height([chart]), legend_below=False)
        fig.update_layout(legend={"orientation": "v", "x": 1.0, "xanchor": "left", "y": 0.5,
                                  "yanchor": "middle"},
                          margin={"t": 70, "l": 10, "r": 10, "b": 10})
        return fig, data
    keys = [str(i) for i in range(len(items))]
    fig = go.Figure(go.Bar(
        y=keys, x=[v or 0 for v in values], orientation="h", marker_color=style.BLUE,
        text=shown, textposition="outside", cliponaxis=False, customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>"))
    largest = max((v or 0) for v in values)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=keys)
    fig.update_xaxes(range=[0, max(5, largest * 1.25)], ticksuffix=i18n.percent_suffix(lang),
                     title_text=_("Published share (%)"))
    style.apply(fig, lang, title, legend_below=False)
    # Each label written above its bar, across the chart (readable on a phone).
    style.labels_above(fig, keys, [wrap(label, style.PHONE_CHARS, 2) for label in labels],
                       top=70, bottom=50)
    if height:
        fig.update_layout(height=max(height, fig.layout.height))
    return fig, data


def pie_height(charts: list[dict]) -> int:
    """One height for published charts shown side by side."""
    return max([380] + [150 + 30 * len(chart.get("data") or []) for chart in charts])
