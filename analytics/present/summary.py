"""A short plain-language summary of a consultation's results, to quote: the key
figures, the top three ideas with their agreement, the most divisive proposal, and who
took part compared with the population. Each figure carries the page (and its address
settings) it comes from, so that the page can link it."""

from __future__ import annotations

from dataclasses import dataclass

from analytics import i18n
from analytics.i18n import N_
from analytics.results_model import Results


@dataclass(frozen=True)
class Link:
    text: str           # the figure as shown
    page: str           # the page's address: "ideas", "controversial", "participation"
    params: tuple = ()  # extra address settings, e.g. (("idea", "alternance"),)


# A fact is a sentence: a tuple of plain texts and Links, in reading order.
# The share of a gender among participants, the start of a sentence.
_GENDER = {"female": N_("Women are "), "male": N_("Men are ")}
QUOTE_LIMIT = 200        # Make.org proposals have 140 characters: quoted whole


def summarise(results: Results, lang: str) -> list[tuple]:
    """The summary's facts (each a tuple of str and Link), in the interface language;
    a fact the results cannot support is left out."""
    lang = i18n.language_of(lang)
    facts = [_figures(results, lang), _top_ideas(results, lang), _divisive(results, lang),
             who_took_part(results, lang)]
    return [fact for fact in facts if fact]


def _figures(results: Results, lang: str) -> tuple | None:
    figures = results.get("key_figures") or {}
    if any(figures.get(k) is None for k in ("participants", "proposals", "votes")):
        return None
    _ = i18n.translator(lang)
    return (_("{participants} participants made {proposals} proposals and voted {votes} "
              "times.").format(**{k: i18n.integer(figures[k], lang) for k in (
                  "participants", "proposals", "votes")}),)


def _top_ideas(results: Results, lang: str) -> tuple | None:
    # An idea hidden in a small segment (privacy floor) has no agreement to quote.
    ideas = {idea.get("idea_id") or idea.get("idea"): idea
             for axis in results.get("top_ideas") or [] for idea in axis.get("ideas") or []
             if idea.get("agreement") is not None}
    ranked = [ideas[key] for key in results.get("ranked_ideas") or [] if key in ideas]
    _ = i18n.translator(lang)
    if ranked:
        lead, chosen = _("The top-ranked ideas: "), ranked[:3]
    else:
        lead = _("The ideas with the most agreement: ")
        chosen = sorted(ideas.values(), key=lambda i: -i["agreement"])[:3]
    if not chosen:
        return None
    parts: list = [lead]
    for index, idea in enumerate(chosen):
        if index:
            # TRANSLATORS: between the last two ideas of a list, spaces included.
            parts.append(_(" and ") if index == len(chosen) - 1 else ", ")
        parts.append(_("“{quote}”").format(quote=idea["idea"]) + " (")
        params = (("idea", idea["idea_id"]),) if idea.get("idea_id") else ()
        parts.append(Link(_("{percent} agree").format(
            percent=i18n.percent(idea["agreement"], lang)), "ideas", params))
        parts.append(")")
    parts.append(".")
    return tuple(parts)


def _divisive(results: Results, lang: str) -> tuple | None:
    items = results.get("controversials") or []
    if not items or items[0].get("agree") is None or items[0].get("disagree") is None:
        return None
    item, _ = items[0], i18n.translator(lang)
    content = " ".join(str(item.get("content") or "").split())
    if len(content) > QUOTE_LIMIT:
        content = content[:QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    split = _("{agree} agree, {disagree} disagree").format(agree=i18n.percent(item["agree"], lang),
                                  disagree=i18n.percent(item["disagree"], lang))
    params = (("id", str(item["id"])),) if item.get("id") is not None else ()
    return (_("The most divisive proposal: "), _("“{quote}”").format(quote=content) + " (",
            Link(split, "proposal" if params else "controversial", params), ").")


def who_took_part(results: Results, lang: str) -> tuple | None:
    """The largest gap between participants and the population, by age band (else by
    gender): where volunteers differ most from everyone."""
    participation = results.get("participation") or {}
    _ = i18n.translator(lang)
    for dimension in ("age_band", "gender"):
        rows = [row for row in participation.get(dimension) or []
                if row.get("participants_share") is not None
                and row.get("population_share") is not None]
        if not rows:
            continue
        row = max(rows, key=lambda r: abs(r["participants_share"] - r["population_share"]))
        if dimension == "age_band":
            # TRANSLATORS: {label} is an age band ("16-24"); a sentence goes on after it.
            lead = _("People aged {label} are ").format(label=row["label"])
        elif row["label"] in _GENDER:
            lead = _(_GENDER[row["label"]])
        else:
            continue
        return (lead, Link(i18n.percent(row["participants_share"], lang), "participation"),
                _(" of participants, against "), i18n.percent(row["population_share"], lang),
                _(" of the population."))
    return None
