"""Participation: who took part, compared with the general population. A map of France's
régions, départements or communes, or of a bundle's own areas (analytics.inputs.geography): share
of participants, participants per 10,000 inhabitants, over/under-representation; and bars
consultation vs population by gender, age band or region label. No streamlit here.

Privacy (SPEC section 5): a row whose figures were suppressed (fewer than 10 participants)
is drawn grey and labelled "< 10", never given a number."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics import i18n
from analytics.i18n import N_
from analytics.inputs import reference
from analytics.present.charts import style
from analytics.results_model import Results

LEVELS = ("region", "departement", "commune")
METRICS = ("share", "per_10k", "ratio")
# Results' participation dimension of each map level ("own": a bundle's own boundaries).
DIMENSION_OF = {"region": "region", "departement": "department", "commune": "commune"}
PER = 10_000        # figures per inhabitant are per 10,000 inhabitants
# The whole of France with the overseas insets west of Brittany (data/reference/README.md).
# Mercator middle of latitudes 41.37-51.09, longitudes -7.45 (insets) to 9.56 (Corsica); at
# zoom 4.3 France fits in about 480 x 400 pixels.
MAP_CENTER = {"lat": 46.4, "lon": 1.05}
MAP_ZOOM, MAP_HEIGHT = 4.3, 600               # in a column of about 560 pixels
MAP_ZOOM_WIDE, MAP_HEIGHT_WIDE = 4.7, 720     # across the page (about 940 pixels)
# On a phone (about 350 pixels): 2^-0.5 of the column's scale, the insets included.
MAP_ZOOM_PHONE, MAP_HEIGHT_PHONE = 3.8, 460
SUPPRESSED_COLOR = "#BDBDBD"
MISSING_COLOR = "#F0F0F0"

# What one area of a map (Layer.word) is called: alone, in the plural, as a column.
LEVEL_WORDS = {
    "region": (N_("région"), N_("régions"), N_("Région")),
    "departement": (N_("département"), N_("départements"), N_("Département")),
    "commune": (N_("commune"), N_("communes"), N_("Commune")),
    "district": (N_("district"), N_("districts"), N_("District")),
    "own": (N_("area"), N_("areas"), N_("Area")),
    "country": (N_("country"), N_("countries"), N_("Country")),
    "land": (N_("Land"), N_("Länder"), N_("Land")),
}
METRIC_LABELS = {
    "share": N_("Share of participants"), "share_votes": N_("Share of votes"),
    "per_10k": N_("Participants per 10,000 inhabitants"),
    "ratio": N_("Representation relative to the population"),
}
SHORT_LABELS = {
    "share": N_("Share of participants"), "share_votes": N_("Share of votes"),
    "per_10k": N_("Per 10,000 inhabitants"), "ratio": N_("Representation"),
}
MAP_TITLES = {
    "share": N_("Share of participants by {level}"),
    "share_votes": N_("Share of votes by {level}"),
    "per_10k": N_("Participants per 10,000 inhabitants, by {level}"),
    "ratio": N_("Over- and under-representation of {level_plural} among participants"),
}
RANKING_TITLES = {
    "share": N_("Ranking: share of participants"), "share_votes": N_("Ranking: share of votes"),
    "per_10k": N_("Ranking: per 10,000 inhabitants"),
    "ratio": N_("Ranking: representation (1 = in proportion)"),
}
# Bars beside the population ({base}: participants or votes), and alone ({share}).
BAR_TITLES = {
    "gender": (N_("Participation by gender: {base} and {population}"),
               N_("Participation by gender: {share}")),
    "age_band": (N_("Participation by age: {base} and {population}"),
                 N_("Participation by age: {share}")),
    "region": (N_("Participation by region: {base} and {population}"),
               N_("Participation by region: {share}")),
    "department": (N_("Participation by département: {base} and {population}"),
                   N_("Participation by département: {share}")),
}
BASES = {"participants": N_("participants"), "votes": N_("votes")}
SHARES_OF = {"participants": N_("share of participants"), "votes": N_("share of votes")}
SUPPRESSED = N_("< 10 participants")


def level_name(word: str, lang: str, form: int = 0) -> str:
    """An area of `word` (Layer.word): form 0 "région", 1 "régions", 2 "Région"."""
    return i18n.translator(lang)(LEVEL_WORDS[word][form])


def _pair(label: str, value: str, lang: str) -> str:
    """"Label: value" in a chart's hover, in the language's typography."""
    # TRANSLATORS: a figure in a chart's hover box ("Votes: 60").
    return i18n.translations(lang).pgettext("chart hover", "{label}: {value}").format(
        label=label, value=value)


def _label_column(lang: str) -> str:
    # TRANSLATORS: the column of a published chart's categories ("Participation par catégorie").
    return i18n.translations(lang).pgettext("category", "Label")


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def share_of(row: dict, base: str = "participants") -> float | None:
    """The row's share of `base`, or of the other base when only that one is published."""
    other = "votes" if base == "participants" else "participants"
    value = _num(row.get(f"{base}_share"))
    return value if value is not None else _num(row.get(f"{other}_share"))


def share_base(rows: list[dict], base: str = "participants") -> str:
    """`base` when some row has its share, else the base the rows do have shares of."""
    if any(_num(row.get(f"{base}_share")) is not None for row in rows):
        return base
    other = "votes" if base == "participants" else "participants"
    if any(_num(row.get(f"{other}_share")) is not None for row in rows):
        return other
    return base


def is_suppressed(row: dict) -> bool:
    """Under the privacy threshold: no count and no share at all."""
    return (row.get("participants") is None and _num(row.get("participants_share")) is None
            and _num(row.get("votes_share")) is None)


# -- the map --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layer:
    """What a map draws: the outlines (GeoJSON, feature ``id`` = code), the areas' names
    and populations, and the results' participation dimension the areas are counted in."""

    key: str                  # region | departement | commune | own
    dimension: str            # region | department | commune
    word: str                 # LEVEL_WORDS key naming one area: region, departement, commune...
    geojson: dict
    names: dict[str, str]
    population: dict[str, int]
    france_view: bool = False  # the whole of France with its insets unless zoomed closer
    normalise: object = None   # the area code of a participation row's label

    def code_of(self, row: dict) -> str | None:
        code = self.normalise(row.get("label")) if self.normalise else row.get("label")
        return code if code in self.names else None


def _area_word(level: str) -> str:
    return {"department": "departement"}.get(level, level)


def reference_layer(level: str, results: Results | None = None) -> Layer:
    """France's régions, départements (insets) or communes (real positions, the
    départements of the communes in `results` only)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if level == "commune":
        from analytics.inputs.reference import normalise_commune_code

        rows = ((results or {}).get("participation") or {}).get("commune") or []
        geojson = reference.commune_boundaries([row.get("label") for row in rows])
        table = reference.communes()
        table = table[table.code.isin({f["id"] for f in geojson["features"]})]
        return Layer("commune", "commune", "commune", geojson,
                     dict(zip(table.code, table.name, strict=True)),
                     {c: int(p) for c, p in zip(table.code, table.population, strict=True)
                      if not pd.isna(p)},
                     normalise=normalise_commune_code)
    table = reference.regions() if level == "region" else reference.departements()
    return Layer(level, DIMENSION_OF[level], level, reference.boundaries(level),
                 dict(zip(table.code, table.name, strict=True)),
                 dict(zip(table.code, table.population, strict=True)), france_view=True,
                 normalise=lambda label, level=level: _code({"label": label}, level))


def europe_layer() -> Layer:
    """The countries of Europe (Natural Earth), for results by country: a published file's
    histogram "Participation par pays" (labels: country names or ISO codes)."""
    geojson = reference.europe_boundaries()
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    return Layer("europe", "region", "country", geojson, names, {},
                 normalise=reference.country_code_from_name)


def laender_layer() -> Layer:
    """Germany's Länder (BKG VG250), for results by Land ("Beteiligung nach Wohnort")."""
    geojson = reference.laender_boundaries()
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    return Layer("laender", "region", "land", geojson, names, {},
                 normalise=reference.land_code_from_name)


def own_layer(geography) -> Layer:
    """A bundle's own boundaries (analytics.inputs.geography.Geography)."""
    return Layer("own", geography.dimension, _area_word(geography.level), geography.geojson,
                 dict(geography.names), geography.population_of())


def _code(row: dict, level: str) -> str | None:
    given = row.get("code")
    label = row.get("label")
    if level == "region":
        for candidate in (given, label, row.get("name")):
            code = reference.region_code_from_name(candidate) if candidate else None
            if code:
                return code
        return None
    for candidate in (given, label, row.get("name")):
        code = reference.departement_code_from_name(candidate) if candidate else None
        if code:
            return code
    return None


def geo_frame(results: Results, level: str = "region", layer: Layer | None = None) -> pd.DataFrame:
    """One row per participation row of the layer's dimension: code (None when the row is
    none of the layer's areas), name, participants, votes, share (of participants, or of
    votes when only those are published), population, per_10k (participants per 10,000
    inhabitants), population_share, ratio (share / population share), suppressed.

    `layer`: what is mapped (default: France's `level`). Where the results carry no
    population share (outside France), it is each area's share of the population of the
    areas listed, the same areas the participants' shares are of."""
    layer = layer or reference_layer(level, results)
    rows = (results.get("participation") or {}).get(layer.dimension) or []
    base = share_base(rows)
    records = []
    for row in rows:
        code = _code(row, layer.key) if layer.key in ("region", "departement") \
            else layer.code_of(row)
        suppressed = is_suppressed(row)
        participants = None if suppressed else row.get("participants")
        share = None if suppressed else _num(row.get(f"{base}_share"))
        inhabitants = layer.population.get(code) if code else None
        records.append({
            "code": code,
            "label": row.get("label"),
            "name": (layer.names.get(code) if code and layer.key == "own" else None)
            or row.get("name") or (layer.names.get(code) if code else None) or row.get("label"),
            "participants": participants,
            "votes": None if suppressed else row.get("votes"),
            "share": share,
            "population": inhabitants,
            "per_10k": per_inhabitants(participants, inhabitants),
            "population_share": _num(row.get("population_share")),
            "suppressed": suppressed,
        })
    frame = pd.DataFrame(records, columns=["code", "label", "name", "participants", "votes",
                                           "share", "population", "per_10k",
                                           "population_share", "suppressed"])
    if frame["population_share"].isna().all() and frame["population"].notna().any():
        counted = frame.drop_duplicates("code")["population"].dropna()
        frame["population_share"] = 100 * frame["population"] / counted.sum()
    frame["ratio"] = [share / population_share if share is not None and population_share
                      and not pd.isna(share) and not pd.isna(population_share) else None
                      for share, population_share in zip(frame["share"],
                                                         frame["population_share"], strict=True)]
    frame = frame[["code", "label", "name", "participants", "votes", "share", "population",
                   "per_10k", "population_share", "ratio", "suppressed"]]
    frame.attrs["base"] = base
    frame.attrs["word"] = layer.word
    for column in ("share", "per_10k", "population_share", "ratio"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("participants", "votes", "population"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def per_inhabitants(participants, inhabitants) -> float | None:
    """Participants per 10,000 inhabitants; None when either is unknown (or suppressed)."""
    if participants is None or pd.isna(participants) or not inhabitants or pd.isna(inhabitants):
        return None
    return PER * float(participants) / float(inhabitants)


def mappable(frame: pd.DataFrame) -> bool:
    """Worth a map: some rows are French régions/départements, and most of them."""
    matched = int(frame["code"].notna().sum())
    return matched > 0 and matched >= len(frame) / 2


def available_metrics(frame: pd.DataFrame) -> list[str]:
    metrics = ["share"] if frame["share"].notna().any() else []
    if frame["per_10k"].notna().any():
        metrics.append("per_10k")
    if frame["ratio"].notna().any():
        metrics.append("ratio")
    return metrics


def metric_label(metric: str, lang: str, base: str = "participants",
                 short: bool = False) -> str:
    labels = SHORT_LABELS if short else METRIC_LABELS
    key = "share_votes" if metric == "share" and base == "votes" else metric
    return i18n.translator(lang)(labels[key])


def _format(metric: str, value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return i18n.MISSING
    if metric == "share" or metric == "population_share":
        # published shares are integers: shown as published ("18 %"), others to 0.1
        return i18n.percent(value, lang, digits=0 if float(value).is_integer() else 1)
    if metric == "per_10k":
        return i18n.decimal(value, lang, 1) if value < 10 else i18n.integer(value, lang)
    return i18n.decimal(value, lang, 2)


def _hover_lines(row, lang: str, base: str) -> str:
    _ = i18n.translator(lang)
    if row["suppressed"]:
        return _(SUPPRESSED)
    lines = []
    if row["participants"] is not pd.NA and row["participants"] is not None:
        lines.append(_pair(i18n.word("participants", lang),
                           i18n.integer(int(row["participants"]), lang), lang))
    lines.append(_pair(metric_label("share", lang, base), _format("share", row["share"], lang),
                       lang))
    if not pd.isna(row["per_10k"]):
        lines.append(_pair(metric_label("per_10k", lang),
                           _format("per_10k", row["per_10k"], lang), lang))
    if not pd.isna(row["population_share"]):
        lines.append(_pair(_("Share of the population"),
                           _format("population_share", row["population_share"], lang), lang))
    if not pd.isna(row["ratio"]):
        lines.append(_pair(_("Representation"), _format("ratio", row["ratio"], lang), lang))
    return "<br>".join(lines)


def _ratio_scale(values: pd.Series) -> tuple[float, list[float], list[str]]:
    """Colour range of log2(ratio) (symmetric around 0, i.e. ratio 1) and its ticks."""
    logs = np.log2(values[values > 0].to_numpy(dtype=float))
    top = max(1.0, float(np.nanmax(np.abs(logs))) if logs.size else 1.0)
    ticks = [r for r in (0.125, 0.25, 0.5, 1, 2, 4, 8) if abs(math.log2(r)) <= top + 1e-9]
    return top, [math.log2(r) for r in ticks], ticks


def choropleth(frame: pd.DataFrame, lang: str, metric: str, level: str = "region",
               published: bool = False, wide: bool = False,
               layer: Layer | None = None, phone: bool = False
               ) -> tuple[go.Figure, pd.DataFrame]:
    """The map of `metric` ("share", "per_10k", "ratio") by area of `layer` (default:
    France's `level`). Suppressed rows are grey ("< 10"), places without a row light grey.
    The colour bar names the metric. `wide`: the map has the page's whole width; `phone`:
    a phone's (the whole territory at a smaller scale, France's insets included)."""
    _ = i18n.translator(lang)
    base = frame.attrs.get("base", "participants")
    layer = layer or reference_layer(level)
    geojson = layer.geojson
    placed = frame[frame["code"].notna()].drop_duplicates("code")
    values = placed[~placed["suppressed"] & placed[metric].notna()].copy()
    hover_name = lambda names: [style.plain(n) for n in names]  # noqa: E731
    values["hover"] = [_hover_lines(row, lang, base) for _index, row in values.iterrows()]
    if metric == "ratio":
        top, tickvals, ticks = _ratio_scale(values["ratio"])
        values["colour"] = np.log2(values["ratio"].clip(lower=2 ** -top))
        scale, range_color = style.DIVERGING, (-top, top)
        bar_title = _("Representation (1 = in proportion to the population)")
        colorbar = {"title": {"text": style.plain(bar_title)}, "tickvals": tickvals,
                    "ticktext": [i18n.decimal(t, lang, 3).rstrip("0").rstrip(",.")
                                 for t in ticks]}
    else:
        values["colour"] = values[metric]
        scale, range_color = style.SEQUENTIAL + "_r", None
        if len(values) and values[metric].min() == values[metric].max():
            range_color = (0, float(values[metric].max()) or 1.0)     # one value: from 0
        colorbar = {"title": {"text": style.plain(metric_label(metric, lang, base))},
                    "ticksuffix": i18n.percent_suffix(lang) if metric == "share" else ""}
    fig = px.choropleth_map(
        values, geojson=geojson, featureidkey="id", locations="code", color="colour",
        color_continuous_scale=scale, range_color=range_color, map_style="white-bg",
        opacity=0.95,
        **view_of(geojson, list(placed["code"]), wide, layer.france_view, phone=phone))
    fig.update_traces(customdata=np.stack([hover_name(values["name"]), values["hover"]],
                                          axis=-1) if len(values) else None,
                      hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
                      marker_line_color="white", marker_line_width=0.8)
    # Grey: under the privacy threshold; light grey: no row for that place.
    greys = (
        (placed[placed["suppressed"]], SUPPRESSED_COLOR, _(SUPPRESSED)),
        (_missing(placed, geojson), MISSING_COLOR,
         _("Not published") if published else _("No participant")),
    )
    for rows, color, label in greys:
        if rows.empty:
            continue
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, featureidkey="id", locations=list(rows["code"]),
            z=[0] * len(rows), colorscale=[[0, color], [1, color]], showscale=False,
            marker={"line": {"color": "white", "width": 0.8}}, name=label, showlegend=True,
            customdata=[[style.plain(n), label] for n in rows["name"]],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    title = _(MAP_TITLES["share_votes" if metric == "share" and base == "votes" else metric])
    style.apply(fig, lang, title.format(level=level_name(layer.word, lang),
                                        level_plural=level_name(layer.word, lang, 1)),
                height=MAP_HEIGHT_PHONE if phone else MAP_HEIGHT_WIDE if wide else MAP_HEIGHT)
    colorbar["title"]["side"] = "top"
    fig.update_layout(coloraxis_colorbar={**colorbar, "orientation": "h", "len": 0.6,
                                          "thickness": 12, "x": 0.5, "xanchor": "center",
                                          "y": 0, "yanchor": "top"},
                      legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom",
                              "bgcolor": "rgba(255,255,255,0.8)"},
                      margin={"l": 0, "r": 0, "t": 80, "b": 80})
    return fig, geo_table(frame, lang)


def _points(geometry: dict):
    def walk(coordinates):
        if coordinates and isinstance(coordinates[0], (int, float)):
            yield coordinates
        else:
            for part in coordinates:
                yield from walk(part)
    yield from walk(geometry["coordinates"])


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_of(geojson: dict, codes: list[str], wide: bool = False,
            france: bool = True, *, phone: bool = False) -> dict:
    """center and zoom of the map. France's layers: the whole of France with its insets, or
    closer when the places with data fit in a much smaller box (a regional consultation:
    Bretagne). Other layers: the box of the places with data (else of every outline)."""
    default = {"center": MAP_CENTER,
               "zoom": MAP_ZOOM_PHONE if phone else MAP_ZOOM_WIDE if wide else MAP_ZOOM}
    wanted = set(codes)
    points = [point for feature in geojson["features"] if feature["id"] in wanted
              for point in _points(feature["geometry"])]
    if not points and not france:
        points = [point for feature in geojson["features"]
                  for point in _points(feature["geometry"])]
    if not points:
        return default
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    if france and (east - west > 8 or north - south > 6):   # most of France: the usual view
        return default
    if not france:
        default = {"zoom": 0.5}
    width, height = (340, 360) if phone else (900, 560) if wide else (520, 440)   # pixels
    if not france:
        width = min(width, 420)       # a city fits a phone's width too
    span_x = max(east - west, 0.5 if france else 0.005) / 360
    span_y = max(_mercator(north) - _mercator(south), 0.01 if france else 0.0001) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y))) - 0.3
    middle = (_mercator(north) + _mercator(south)) / 2
    center_lat = math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2)
    return {"center": {"lat": center_lat, "lon": (west + east) / 2},
            "zoom": max(default["zoom"], min(zoom, 9.0 if france else 14.0))}


def _missing(placed: pd.DataFrame, geojson: dict) -> pd.DataFrame:
    names = {f["id"]: f["properties"].get("name") for f in geojson["features"]}
    missing = [code for code in names if code not in set(placed["code"])]
    return pd.DataFrame({"code": missing, "name": [names[c] for c in missing]})


def geo_table(frame: pd.DataFrame, lang: str, level: str | None = None) -> pd.DataFrame:
    """The map's figures as a table, in the page's language ("< 10" in a note column)."""
    _ = i18n.translator(lang)
    base = frame.attrs.get("base", "participants")
    word = level or frame.attrs.get("word", "region")
    table = pd.DataFrame({
        _("Code"): frame["code"],
        level_name(word, lang, 2): frame["name"],
        i18n.word("participants", lang): frame["participants"],
        metric_label("share", lang, base) + " (%)": frame["share"],
        _("Population"): frame["population"],
        metric_label("per_10k", lang): frame["per_10k"],
        _("Share of the population") + " (%)": frame["population_share"],
        _("Representation"): frame["ratio"],
    })
    if frame["suppressed"].any():
        table[_("Note")] = np.where(frame["suppressed"], _(SUPPRESSED), "")
    return table.dropna(axis=1, how="all")


def ranking(frame: pd.DataFrame, lang: str, metric: str) -> go.Figure:
    """Horizontal bars of `metric` by place, highest first, coloured like the map; ratio
    bars start at 1. Suppressed places at the bottom, labelled "< 10"."""
    _ = i18n.translator(lang)
    base = frame.attrs.get("base", "participants")
    shown = frame[~frame["suppressed"] & frame[metric].notna()].sort_values(
        metric, ascending=False)
    hidden = frame[frame["suppressed"]]
    names = [style.plain(n) for n in shown["name"]] + [style.plain(n) for n in hidden["name"]]
    values = shown[metric].to_numpy(dtype=float)
    texts = [_format(metric, v, lang) for v in values]
    if metric == "ratio":
        top = _ratio_scale(shown["ratio"])[0]
        colour = np.log2(np.clip(values, 2 ** -top, None))
        marker = {"color": colour, "colorscale": style.DIVERGING, "cmin": -top, "cmax": top}
    else:
        marker = {"color": values, "colorscale": style.SEQUENTIAL + "_r",
                  "cmin": float(values.min()) if len(values) else 0,
                  "cmax": float(values.max()) if len(values) else 1}
    fig = go.Figure(go.Bar(
        y=names[: len(shown)], x=values, orientation="h", marker=marker,
        text=texts, textposition="outside", constraintext="none", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>", showlegend=False))
    if len(hidden):
        fig.add_trace(go.Bar(
            y=names[len(shown):], x=[0] * len(hidden), orientation="h",
            text=[_(SUPPRESSED)] * len(hidden), textposition="outside",
            marker={"color": SUPPRESSED_COLOR}, hoverinfo="skip", showlegend=False,
            cliponaxis=False))
    title = _(RANKING_TITLES["share_votes" if metric == "share" and base == "votes"
                             else metric])
    style.apply(fig, lang, title, height=max(160, 90 + 26 * len(names)))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True, fixedrange=True)
    # the values are written on the bars: no value axis
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
    if metric == "ratio":      # 1: as many participants as the population would give
        fig.add_vline(x=1, line_color="#555555", line_width=1, line_dash="dot")
    fig.update_layout(bargap=0.25, margin={"r": 60})
    return fig


# -- bars: consultation vs general population -----------------------------------------------

def _label(row: dict, dimension: str, lang: str) -> str:
    """The row's label on screen: genders translated, places by name."""
    if dimension == "gender":
        return i18n.word(str(row.get("gender") or row.get("label")), lang)
    if dimension in ("region", "department"):
        return str(row.get("name") or row.get("label"))
    return str(row.get("label"))


def comparison_frame(rows: list[dict], lang: str, dimension: str,
                     base: str = "participants") -> pd.DataFrame:
    """Label, count of `base`, share of `base`, population share, note ("< 10")."""
    _ = i18n.translator(lang)
    base = share_base(rows, base)
    count, note = i18n.word(base, lang), _("Note")
    records = []
    for row in rows:
        suppressed = is_suppressed(row)
        records.append({
            (_label_column(lang) if dimension == "other" else i18n.word(dimension, lang)):
                _label(row, dimension, lang),
            count: None if suppressed else row.get(base),
            metric_label("share", lang, base) + " (%)":
                None if suppressed else _num(row.get(f"{base}_share")),
            _("Share of the population") + " (%)": _num(row.get("population_share")),
            note: _(SUPPRESSED) if suppressed else "",
        })
    table = pd.DataFrame(records)
    if not table.empty:
        table[count] = pd.to_numeric(table[count], errors="coerce").astype("Int64")
        if not (table[note] != "").any():
            table = table.drop(columns=note)
    return table.dropna(axis=1, how="all")


def _bar_axes(fig: go.Figure, title: str, top: float, horizontal: bool, **value_axis) -> None:
    """The value axis (from 0, room above the longest bar for its label) and the category
    axis of participation bars, across or down the page."""
    axis = {"title": title, "range": [0, top * 1.18], "fixedrange": True, "automargin": True,
            **value_axis}
    category = {"type": "category", "automargin": True, "fixedrange": True}
    if horizontal:
        fig.update_xaxes(**axis)
        fig.update_yaxes(autorange="reversed", **category)
    else:
        fig.update_yaxes(**axis)
        fig.update_xaxes(tickangle=0, **category)


def comparison_bars(rows: list[dict], lang: str, dimension: str, base: str = "participants",
                    horizontal: bool = False, title: str | None = None,
                    population_name: str | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """Bars of the share of `base` (participants or votes) by value of `dimension`, beside
    the general population's share, as Make.org shows them ("Participation par âge").
    `title` replaces the default one (published charts keep their name, escaped);
    `population_name` names the second bar when a file says which population it is."""
    _ = i18n.translator(lang)
    base = share_base(rows, base)
    width = 28 if horizontal else max(6, 64 // max(len(rows), 1))
    labels = [style.wrap(_label(row, dimension, lang), width, 3) for row in rows]
    suppressed = [is_suppressed(row) for row in rows]
    shares = [None if s else _num(row.get(f"{base}_share")) for row, s in
              zip(rows, suppressed, strict=True)]
    counts = [None if s else row.get(base) for row, s in zip(rows, suppressed, strict=True)]
    population = [_num(row.get("population_share")) for row in rows]
    share_name = metric_label("share", lang, base)
    hover = []
    for share, count, hidden in zip(shares, counts, suppressed, strict=True):
        if hidden:
            hover.append(_(SUPPRESSED))
            continue
        line = _pair(share_name, _format("share", share, lang), lang)
        if count is not None:
            line += "<br>" + _pair(i18n.word(base, lang), i18n.integer(count, lang), lang)
        hover.append(line)

    def bar(values, name, color, hovers):
        name = style.plain(name)
        text = [i18n.percent(v, lang) if v is not None else "" for v in values]
        common = {"name": name, "marker": {"color": color}, "text": text,
                  "textposition": "outside", "constraintext": "none", "cliponaxis": False,
                  "customdata": hovers,
                  "hovertemplate": "<b>%{" + ("y" if horizontal else "x") + "}</b> · "
                                   + name + "<br>%{customdata}<extra></extra>"}
        if horizontal:
            return go.Bar(y=labels, x=values, orientation="h", **common)
        return go.Bar(x=labels, y=values, **common)

    fig = go.Figure(bar(shares, _("Consultation ({base})").format(base=_(BASES[base])),
                        style.CONSULTATION_COLOR, hover))
    if any(p is not None for p in population):
        fig.add_trace(bar(population, population_name or _("General population"),
                          style.POPULATION_COLOR,
                          [_pair(_("Share of the population"),
                                 _format("population_share", p, lang), lang)
                           if p is not None else i18n.MISSING for p in population]))
    for label, hidden in zip(labels, suppressed, strict=True):
        if hidden:
            position = {"y": label, "x": 0, "xanchor": "left"} if horizontal else \
                {"x": label, "y": 0, "yanchor": "bottom"}
            fig.add_annotation(text=_(SUPPRESSED), showarrow=False,
                               font={"color": "#555555", "size": 11}, **position)
    beside, alone = BAR_TITLES.get(dimension, (None, None))
    if title:
        title = style.plain(title)
    elif any(p is not None for p in population):
        # the file names its population ("population de Bretagne"): the legend says which
        title = _(beside).format(base=_(BASES[base]), population=_("population")
                                 if population_name else _("general population"))
    else:
        title = _(alone).format(share=_(SHARES_OF[base]))
    n = len(rows)
    style.apply(fig, lang, title, height=max(320, 110 + 44 * n) if horizontal else 380)
    top = max([v for v in (*shares, *population) if v is not None] or [10])
    _bar_axes(fig, _("Share (%)"), top, horizontal, ticksuffix="")
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    return fig, comparison_frame(rows, lang, dimension, base)


# -- bars: per inhabitant -------------------------------------------------------------------

PER_TITLES = {
    "gender": N_("Participants per 10,000 inhabitants, by gender"),
    "age_band": N_("Participants per 10,000 inhabitants, by age"),
    "region": N_("Participants per 10,000 inhabitants, by region"),
    "department": N_("Participants per 10,000 inhabitants, by département"),
    "commune": N_("Participants per 10,000 inhabitants, by commune"),
}


def has_per_inhabitant(rows: list[dict]) -> bool:
    """Some row has a population (results of analytics.inputs.geography.add_per_inhabitant)."""
    return any(row.get("population") for row in rows)


def per_inhabitant_bars(rows: list[dict], lang: str, dimension: str,
                        horizontal: bool = False) -> tuple[go.Figure, pd.DataFrame]:
    """Bars of participants per 10,000 inhabitants by value of `dimension`, for the rows
    with a population; rows under the privacy floor are labelled "< 10", never drawn."""
    _ = i18n.translator(lang)
    per_10k = metric_label("per_10k", lang)
    rows = [row for row in rows if row.get("population")]
    labels = [style.wrap(_label(row, dimension, lang), 28 if horizontal else 12, 3)
              for row in rows]
    suppressed = [is_suppressed(row) for row in rows]
    values = [None if hidden else _num(row.get("per_10k"))
              for row, hidden in zip(rows, suppressed, strict=True)]
    texts = [_format("per_10k", v, lang) if v is not None else "" for v in values]
    common = {"marker": {"color": style.CONSULTATION_COLOR}, "text": texts,
              "textposition": "outside", "constraintext": "none", "cliponaxis": False,
              "hovertemplate": "<b>%{" + ("y" if horizontal else "x") + "}</b><br>"
                               + _pair(style.plain(per_10k), "%{text}", lang)
                               + "<extra></extra>", "showlegend": False}
    bar = (go.Bar(y=labels, x=values, orientation="h", **common) if horizontal
           else go.Bar(x=labels, y=values, **common))
    fig = go.Figure(bar)
    for label, hidden in zip(labels, suppressed, strict=True):
        if hidden:
            position = ({"y": label, "x": 0, "xanchor": "left"} if horizontal
                        else {"x": label, "y": 0, "yanchor": "bottom"})
            fig.add_annotation(text=_(SUPPRESSED), showarrow=False,
                               font={"color": "#555555", "size": 11}, **position)
    title = _(PER_TITLES[dimension]) if dimension in PER_TITLES else per_10k
    style.apply(fig, lang, title, height=max(320, 110 + 44 * len(rows)) if horizontal else 380)
    top = max([v for v in values if v is not None] or [1])
    _bar_axes(fig, metric_label("per_10k", lang, short=True), top, horizontal)
    table = pd.DataFrame({
        (_label_column(lang) if dimension == "other" else i18n.word(dimension, lang)):
            [_label(row, dimension, lang) for row in rows],
        i18n.word("participants", lang): pd.array(
            [None if h else row.get("participants")
             for row, h in zip(rows, suppressed, strict=True)], dtype="Int64"),
        _("Population"): pd.array([row.get("population") for row in rows], dtype="Int64"),
        per_10k: values,
    })
    if any(suppressed):
        table[_("Note")] = [_(SUPPRESSED) if h else "" for h in suppressed]
    return fig, table
