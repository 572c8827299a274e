"""The proposal explorer: the histograms of votes, adhesion, engagement and authors' age
(with the bins they are drawn from), the plébiscite map (proposals per cell of adhesion ×
engagement, or each proposal's votes and adhesion when there is no engagement), and the
proposal tables as a reader sees them. Works on opendata.indicators' frame (one row per
proposal: votes, adhesion and engagement in percent, score). No streamlit here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.consultations import opendata
from analytics.present.charts import style

# -- numbers --------------------------------------------------------------------------------


def number(value, lang: str, digits: int = 0) -> str:
    return i18n.integer(value, lang) if digits == 0 else i18n.decimal(value, lang, digits)


def bin_label(start, end, lang: str, digits: int = 0) -> str:
    """"10 to 20", or "200 and more" for an open last bin (end None or NaN)."""
    _ = i18n.translator(lang)
    if end is None or end != end:
        return _("{start} and more").format(start=number(start, lang, digits))
    return _("{start} to {end}").format(start=number(start, lang, digits),
                                        end=number(end, lang, digits))


# -- bins -----------------------------------------------------------------------------------

VOTE_BINS = 30            # about this many bars for the votes
VOTE_CAP = 0.99           # proposals above this quantile of votes share one open last bar
SHARE_STEP = 5            # adhesion, engagement: 5-point bars
AGE_STEP = 5              # authors' age: 5-year bars
MAP_STEPS = (2.0, 5.0)    # the plébiscite map's cells: 2 points of adhesion, 5 of engagement


def votes_bins(votes: pd.Series) -> pd.DataFrame:
    """Bins (start, end, count; opendata.binned) of the votes per proposal: a round step
    for about VOTE_BINS bars from the fewest votes up to the VOTE_CAP quantile (rounded
    up to a step), the proposals at or above it in one open last bin."""
    votes = votes.astype("float64")
    cap = float(np.quantile(votes, VOTE_CAP))
    step = opendata.nice_step(cap - float(votes.min()), VOTE_BINS)
    cap = float(np.ceil(cap / step) * step)
    return opendata.binned(votes, step, start=np.floor(votes.min() / step) * step,
                           cap=cap if votes.max() >= cap else None)


def adhesion_bins(adhesion: pd.Series) -> pd.DataFrame:
    """SHARE_STEP-point bins of adhesion (%) from 0 to 100 included; empty without any."""
    return opendata.binned(adhesion, SHARE_STEP, start=0, stop=100)


def engagement_bins(engagement: pd.Series) -> pd.DataFrame:
    """SHARE_STEP-point bins of engagement (%), which may be negative."""
    return opendata.binned(engagement, SHARE_STEP)


def age_bins(ages: pd.Series) -> pd.DataFrame:
    """AGE_STEP-year bins of the authors' age given (missing ages left out)."""
    ages = ages.dropna().astype("float64")
    return opendata.binned(ages, AGE_STEP, start=np.floor(ages.min() / AGE_STEP) * AGE_STEP)


def map_cells(frame: pd.DataFrame, min_votes: float) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
    """(counts, adhesion edges, engagement edges): the proposals with at least `min_votes`
    votes per cell of adhesion (0 to 100 by MAP_STEPS[0]) × engagement (from the lowest to
    one step above the highest, by MAP_STEPS[1]); counts[i, j] for adhesion cell i and
    engagement cell j (numpy.histogram2d)."""
    x_step, y_step = MAP_STEPS
    x_edges = np.arange(0, 100 + x_step, x_step)
    low = float(np.floor(frame["engagement"].min() / y_step) * y_step)
    high = float(np.ceil(frame["engagement"].max() / y_step) * y_step) + y_step
    y_edges = np.arange(low, high + y_step / 2, y_step)
    valid = frame.dropna(subset=["adhesion", "engagement"])
    valid = valid[valid["votes"].astype("float64") >= min_votes]
    counts = np.histogram2d(valid["adhesion"], valid["engagement"], bins=[x_edges, y_edges])[0]
    return counts, x_edges, y_edges


# -- histograms -----------------------------------------------------------------------------

def histogram(bins: pd.DataFrame, lang: str, title: str, axis: str, *,
              threshold: float | None = None,
              color: str = style.BLUE) -> tuple[go.Figure, pd.DataFrame]:
    """Bars of `bins` (start, end, count) on a numeric axis; the open last bin is
    drawn one step wide; a dashed line marks the plébiscite threshold."""
    _ = i18n.translator(lang)
    step = float((bins["end"] - bins["start"]).dropna().iloc[0]) if len(bins) else 1.0
    ends = bins["end"].where(bins["end"].notna(), bins["start"] + step)
    labels = [bin_label(s, e, lang) for s, e in zip(bins["start"], bins["end"], strict=True)]
    fig = go.Figure(go.Bar(
        x=(bins["start"] + ends) / 2, y=bins["count"], width=ends - bins["start"],
        marker={"color": color, "line": {"color": "white", "width": 0.5}},
        customdata=labels, hovertemplate="%{customdata}<br>"
        + _("{count} proposals").format(count="%{y}") + "<extra></extra>"))
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": style.BLACK, "dash": "dash", "width": 1.5})
    style.apply(fig, lang, title, height=320, legend_below=False)
    fig.update_xaxes(title=axis, automargin=True)
    fig.update_yaxes(title=_("Proposals"), automargin=True)
    data = pd.DataFrame({axis: labels, _("Proposals"): bins["count"].to_numpy()})
    return fig, data


def votes_histogram(bins: pd.DataFrame, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """The number of votes per proposal (bins of votes_bins)."""
    _ = i18n.translator(lang)
    return histogram(bins, lang, _("Number of votes per proposal"), _("Votes received"))


def adhesion_histogram(bins: pd.DataFrame, lang: str, *,
                       exported: bool = False) -> tuple[go.Figure, pd.DataFrame]:
    """Adhesion (bins of adhesion_bins): the share of “For” votes in a Make.org export
    (`exported`), of “Agree” votes otherwise."""
    _ = i18n.translator(lang)
    title = (_("Adhesion: share of “For” votes (%)") if exported
             else _("Adhesion: share of “Agree” votes (%)"))
    return histogram(bins, lang, title, _("Adhesion (%)"), color=style.VOTE_COLORS["agree"])


def engagement_histogram(bins: pd.DataFrame, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """Engagement (bins of engagement_bins)."""
    _ = i18n.translator(lang)
    return histogram(bins, lang, _("Engagement: positive minus negative mentions (%)"),
                     _("Engagement (%)"), color=style.QUALIFICATION_COLORS["like_it"])


def age_histogram(bins: pd.DataFrame, lang: str) -> tuple[go.Figure, pd.DataFrame]:
    """The authors' age (bins of age_bins)."""
    _ = i18n.translator(lang)
    return histogram(bins, lang, _("Age of the proposals' authors"), _("Age (years)"),
                     color=style.GREEN)


# -- the plébiscites ------------------------------------------------------------------------

def adhesion_engagement_map(frame: pd.DataFrame, lang: str, min_votes: float,
                            min_adhesion: float,
                            min_engagement: float) -> tuple[go.Figure, pd.DataFrame]:
    """Proposals with at least `min_votes` votes per cell of adhesion × engagement
    (map_cells; readable for 50 or 50,000 proposals), the plébiscite zone outlined; the
    data: one row per cell holding proposals."""
    _ = i18n.translator(lang)
    sign = i18n.percent_suffix(lang)
    counts, x_edges, y_edges = map_cells(frame, min_votes)
    z = np.where(counts.T > 0, counts.T, np.nan)
    fig = go.Figure(go.Heatmap(
        x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2, z=z,
        colorscale=style.SEQUENTIAL, reversescale=True,
        colorbar={"title": {"text": _("Proposals")}},
        hovertemplate=_("Adhesion") + " %{x:.0f}" + sign + "<br>"
        + _("Engagement") + " %{y:.0f}" + sign + "<br>"
        + _("{count} proposals").format(count="%{z}") + "<extra></extra>"))
    fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_engagement,
                  y1=float(y_edges[-1]), line={"color": style.VERMILLION, "width": 2})
    title = _("Adhesion and engagement of proposals with at least {votes} votes "
              "(plébiscites outlined)").format(votes=i18n.integer(min_votes, lang))
    style.apply(fig, lang, title, height=420, legend_below=False)
    fig.update_xaxes(title=_("Adhesion (%)"), range=[0, 100], automargin=True)
    fig.update_yaxes(title=_("Engagement (%)"), automargin=True)
    cells = pd.DataFrame([
        {_("Adhesion (%)"): bin_label(x_edges[i], x_edges[i + 1], lang),
         _("Engagement (%)"): bin_label(y_edges[j], y_edges[j + 1], lang),
         _("Proposals"): int(counts[i, j])}
        for i in range(len(x_edges) - 1) for j in range(len(y_edges) - 1)
        if counts[i, j] > 0])
    return fig, cells


def votes_adhesion_map(frame: pd.DataFrame, lang: str, min_votes: float,
                       min_adhesion: float) -> tuple[go.Figure, pd.DataFrame]:
    """Without engagement (Polis): each proposal by adhesion and votes, plébiscites (votes
    and adhesion only) in colour, the zone outlined; the data: proposal_table of the
    proposals drawn."""
    _ = i18n.translator(lang)
    sign = i18n.percent_suffix(lang)
    points = frame.dropna(subset=["adhesion"])
    flags = opendata.plebiscite_mask(points, min_votes, min_adhesion, None)
    fig = go.Figure()
    for name, selected, color in ((_("Other"), ~flags, style.GREY),
                                  (_("Plébiscite"), flags, style.VERMILLION)):
        part = points[selected]
        fig.add_trace(go.Scatter(
            x=part["adhesion"], y=part["votes"].astype("float64"), mode="markers",
            name=name, marker={"color": color, "size": 8, "opacity": 0.8},
            customdata=[style.wrap(c, 60, 2) for c in part["content"]],
            hovertemplate="%{customdata}<br>" + _("Adhesion") + " %{x:.0f}"
            + sign + "<br>"
            + _("{votes} votes").format(votes="%{y}") + "<extra></extra>"))
    fig.add_shape(type="rect", x0=min_adhesion, x1=100, y0=min_votes,
                  y1=float(points["votes"].max()) * 1.05 + 1,
                  line={"color": style.VERMILLION, "width": 2})
    style.apply(fig, lang, _("Votes and adhesion of proposals (plébiscite zone outlined)"),
                height=420)
    fig.update_xaxes(title=_("Adhesion (%)"), range=[0, 100], automargin=True)
    fig.update_yaxes(title=_("Votes received"), automargin=True)
    return fig, proposal_table(points, frame, lang)


# -- tables ---------------------------------------------------------------------------------

def proposal_table(rows: pd.DataFrame, frame: pd.DataFrame, lang: str, *,
                   with_rank: bool = False) -> pd.DataFrame:
    """`rows` of `frame` with the columns a reader needs, named in `lang`: author, age,
    votes and engagement when the whole `frame` has them, adhesion and score when `rows`
    have them; with a rank (1, 2...) first when `with_rank`."""
    _ = i18n.translator(lang)
    columns = {"content": _("Proposal")}
    for key, label, where in (("author", _("Author"), frame), ("author_age", _("Age"), frame),
                              ("votes", _("Votes"), frame), ("adhesion", _("Adhesion"), rows),
                              ("engagement", _("Engagement"), frame),
                              ("score", _("Score"), rows)):
        if where[key].notna().any():
            columns[key] = label
    shown = rows[list(columns)].rename(columns=columns)
    if with_rank:
        shown.insert(0, _("Rank"), np.arange(1, len(shown) + 1))
    return shown
