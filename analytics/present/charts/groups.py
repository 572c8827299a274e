"""The opinion groups' figures (analytics.metrics.groups computes the groups): the map
of participants, the groups' sizes, each group's agreement with the representative
proposals."""

from __future__ import annotations

import html

import pandas as pd

from analytics.metrics.groups import agreement_rows


def group_colors(result: dict) -> dict[str, str]:
    from analytics.present.charts import style

    return {item["group"]: style.SERIES[i % len(style.SERIES)]
            for i, item in enumerate(result["groups"])}


def map_figure(result: dict, lang: str):
    """Scatter of participants coloured by group; (None, table) when there is none.
    The table is the group summary (size, centre), not participant rows."""
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.present.charts import style

    _ = i18n.translator(lang)
    positions = pd.DataFrame(result["positions"], columns=["x", "y", "group"])
    summary = group_table(result, lang)
    if positions.empty:
        return None, summary
    colors = group_colors(result)
    fig = go.Figure()
    # Each group outlined by its convex hull, as in Polis's report (shapes, not traces:
    # the legend and the hover stay one entry per group).
    for group, hull in (result.get("hulls") or {}).items():
        path = "M " + " L ".join(f"{x},{y}" for x, y in zip(hull["x"], hull["y"],
                                                            strict=True)) + " Z"
        color = colors.get(group, style.GREY)
        red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        fig.add_shape(type="path", path=path, layer="below",
                      fillcolor=f"rgba({red},{green},{blue},0.1)",
                      line={"color": color, "width": 1.5, "dash": "dash"})
    for item in result["groups"]:
        part = positions[positions["group"] == item["group"]]
        name = _("Group {g}").format(g=item["group"])
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=name,
            marker={"color": colors[item["group"]], "size": 6, "opacity": 0.6,
                    "line": {"width": 0.4, "color": "white"}},
            hovertemplate=f"{name}<extra></extra>"))
    explained = result.get("explained") or [None, None]
    for n, axis in ((1, "xaxes"), (2, "yaxes")):
        share = i18n.percent(100 * explained[n - 1], lang, 1) if explained[n - 1] is not None \
            else i18n.MISSING
        title = _("Axis {n} ({share} of the variation in votes)").format(n=n, share=share)
        getattr(fig, f"update_{axis}")(title_text=title, zeroline=True)
    # TRANSLATORS: <br> breaks the title where a phone's width needs it.
    style.apply(fig, lang, _("Participants placed by their votes<br>(one dot per participant)"),
                height=540, legend_below=False)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                              "itemsizing": "constant"},
                      margin={"l": 20, "r": 20, "t": 120, "b": 20}, hovermode="closest")
    # The title at the top of its margin (plotly centres it there): the legend, on two rows
    # in a phone's width, then sits under it.
    fig.update_layout(title={"yref": "container", "y": 1, "yanchor": "top",
                             "pad": {"t": 12}})
    return fig, summary


def group_table(result: dict, lang: str) -> pd.DataFrame:
    from analytics import i18n

    _ = i18n.translator(lang)
    positions = pd.DataFrame(result["positions"], columns=["x", "y", "group"])
    rows = []
    for item in result["groups"]:
        part = positions[positions["group"] == item["group"]]
        rows.append({_("Group {g}").format(g="").strip(): item["group"],
                     i18n.word("participants", lang): item["participants"],
                     _("Share") + " (%)": item["share"],
                     "x": float(part["x"].mean()) if len(part) else None,
                     "y": float(part["y"].mean()) if len(part) else None})
    return pd.DataFrame(rows)


def sizes_figure(result: dict, lang: str):
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.present.charts import style

    _ = i18n.translator(lang)
    table = group_table(result, lang).drop(columns=["x", "y"], errors="ignore")
    if not result["groups"]:
        return None, table
    colors = group_colors(result)
    groups = result["groups"]
    fig = go.Figure(go.Bar(
        y=[_("Group {g}").format(g=g["group"]) for g in groups],
        x=[g["participants"] for g in groups], orientation="h",
        marker_color=[colors[g["group"]] for g in groups],
        text=[f"{i18n.integer(g['participants'], lang)} ({i18n.percent(g['share'], lang)})"
              for g in groups], textposition="auto",
        hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=i18n.word("participants", lang), automargin=True)
    style.apply(fig, lang, _("Participants per opinion group"), height=150 + 48 * len(groups))
    return fig, table


LABEL_CHARS = 26          # a proposal's label, per line, beside the cells
LABEL_PX = 6.2            # width of one character of an 11 px tick label


def agreement_figure(result: dict, lang: str):
    """Heatmap: the representative proposals (rows) × groups (columns), the share of
    "Agree" in each group; blank where fewer than 10 of its members voted."""
    import plotly.graph_objects as go

    from analytics import i18n
    from analytics.present.charts import style

    _ = i18n.translator(lang)
    rows = agreement_rows(result)
    letters = [g["group"] for g in result["groups"]]
    columns = [i18n.word("content", lang)] + [_("Group {g}").format(g=g) for g in letters]
    table = pd.DataFrame([[row["content"], *[row["agree"].get(g) for g in letters]]
                          for row in rows], columns=columns)
    if not rows:
        return None, table
    z = [[row["agree"].get(g) for g in letters] for row in rows]
    hover = [[_agreement_hover(row, g, lang) for g in letters] for row in rows]
    # Labels that leave the cells room on a phone: at most 28 characters a line, and a
    # left margin fixed from them (plotly's automargin would move the plot, not the source
    # line under it).
    labels = [style.wrap(f"{row['of']} · " + (row["content"] or ""), width=LABEL_CHARS,
                         max_lines=3) for row in rows]
    widest = max(len(html.unescape(line)) for label in labels for line in label.split("<br>"))
    fig = go.Figure(go.Heatmap(
        z=z, x=[_("Group {g}").format(g=g) for g in letters], y=labels, zmin=0, zmax=100,
        colorscale=style.DIVERGING, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
        # Under the cells, across: the width goes to the labels and the cells.
        colorbar={"title": {"text": _("Agree (%)"), "side": "top"}, "ticksuffix": "",
                  "orientation": "h", "y": -0.02, "yanchor": "top", "len": 0.6,
                  "thickness": 10},
        text=[[i18n.percent(v, lang) if v is not None else "< 10" for v in line]
              for line in z],
        texttemplate="%{text}"))
    fig.update_yaxes(autorange="reversed", automargin=False, tickfont={"size": 11})
    fig.update_xaxes(side="top")
    # TRANSLATORS: <br> breaks the title where a phone's width needs it.
    title = _("Share of “Agree” in each group,<br>on the proposals that set them apart")
    style.apply(fig, lang, title, height=max(320, 160 + 52 * len(rows)), legend_below=False)
    fig.update_layout(margin={"t": 110, "b": 70, "r": 10,
                              "l": 16 + round(LABEL_PX * widest)})
    return fig, table


def _agreement_hover(row: dict, group: str, lang: str) -> str:
    from analytics import i18n
    from analytics.present.charts import style

    _ = i18n.translator(lang)
    value, votes = row["agree"].get(group), row["votes"].get(group)
    if value is None:
        figure = _("fewer than 10 votes in this group")
    else:
        # TRANSLATORS: a group's share of "Agree" on a proposal, in a chart's hover.
        figure = _("{share} agree ({votes} votes)").format(
            share=i18n.percent(value, lang), votes=i18n.integer(votes, lang))
    # TRANSLATORS: a label and its value ("Group A: 80% agree"); French puts a space before ":".
    head = _("{label}: {value}").format(label=_("Group {g}").format(g=group), value=figure)
    return head + "<br>" + style.wrap(row["content"] or "", width=60, max_lines=6)
