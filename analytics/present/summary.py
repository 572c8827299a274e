"""A short plain-language summary of a consultation's results, to quote: the key
figures, the top three ideas with their agreement, the most divisive proposal, and who
took part compared with the population. Each figure carries the page (and its address
settings) it comes from, so that the page can link it."""

from __future__ import annotations

from dataclasses import dataclass

from analytics import i18n


@dataclass(frozen=True)
class Link:
    text: str           # the figure as shown
    page: str           # the page's address: "ideas", "controversial", "participation"
    params: tuple = ()  # extra address settings, e.g. (("idea", "alternance"),)


# A fact is a sentence: a tuple of plain texts and Links, in reading order.
_TEXT = {
    "fr": {"figures": ("{participants} participants ont déposé {proposals} propositions "
                       "et voté {votes} fois."),
           "ranked": "Les idées les mieux classées : ",
           "approved": "Les idées qui recueillent le plus d'accord : ",
           "agree": " d'accord", "and": " et ", "end": ".",
           "divisive": "La proposition la plus controversée : ",
           "split": "{agree} d'accord, {disagree} pas d'accord",
           "who": "Les {label} représentent ",
           "who_gender": "Les {label} représentent ",
           "of_participants": " des participants, pour ",
           "of_population": " de la population.",
           "quote": "« {} »"},
    "en": {"figures": "{participants} participants made {proposals} proposals and voted "
                      "{votes} times.",
           "ranked": "The top-ranked ideas: ",
           "approved": "The ideas with the most agreement: ",
           "agree": " agree", "and": " and ", "end": ".",
           "divisive": "The most divisive proposal: ",
           "split": "{agree} agree, {disagree} disagree",
           "who": "People aged {label} are ",
           "who_gender": "{label} are ",
           "of_participants": " of participants, against ",
           "of_population": " of the population.",
           "quote": "“{}”"},
}
_GENDER = {"fr": {"female": "femmes", "male": "hommes"},
           "en": {"female": "Women", "male": "Men"}}
QUOTE_LIMIT = 200        # Make.org proposals have 140 characters: quoted whole


def summarise(results: dict, lang: str) -> list[tuple]:
    """The summary's facts (each a tuple of str and Link), in the interface language;
    a fact the results cannot support is left out."""
    lang = i18n.language_of(lang)
    facts = [_figures(results, lang), _top_ideas(results, lang), _divisive(results, lang),
             who_took_part(results, lang)]
    return [fact for fact in facts if fact]


def _figures(results: dict, lang: str) -> tuple | None:
    figures = results.get("key_figures") or {}
    if any(figures.get(k) is None for k in ("participants", "proposals", "votes")):
        return None
    return (_TEXT[lang]["figures"].format(**{k: i18n.integer(figures[k], lang) for k in (
        "participants", "proposals", "votes")}),)


def _top_ideas(results: dict, lang: str) -> tuple | None:
    ideas = {idea.get("idea_id") or idea.get("idea"): idea
             for axis in results.get("top_ideas") or [] for idea in axis.get("ideas") or []}
    ranked = [ideas[key] for key in results.get("ranked_ideas") or [] if key in ideas]
    words = _TEXT[lang]
    if ranked:
        lead, chosen = words["ranked"], ranked[:3]
    else:
        lead = words["approved"]
        chosen = sorted((i for i in ideas.values() if i.get("agreement") is not None),
                        key=lambda i: -i["agreement"])[:3]
    if not chosen:
        return None
    parts: list = [lead]
    for index, idea in enumerate(chosen):
        if index:
            parts.append(words["and"] if index == len(chosen) - 1 else ", ")
        parts.append(words["quote"].format(idea["idea"]) + " (")
        params = (("idea", idea["idea_id"]),) if idea.get("idea_id") else ()
        parts.append(Link(i18n.percent(idea["agreement"], lang) + words["agree"], "ideas",
                          params))
        parts.append(")")
    parts.append(words["end"])
    return tuple(parts)


def _divisive(results: dict, lang: str) -> tuple | None:
    items = results.get("controversials") or []
    if not items or items[0].get("agree") is None or items[0].get("disagree") is None:
        return None
    item, words = items[0], _TEXT[lang]
    content = " ".join(str(item.get("content") or "").split())
    if len(content) > QUOTE_LIMIT:
        content = content[:QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    split = words["split"].format(agree=i18n.percent(item["agree"], lang),
                                  disagree=i18n.percent(item["disagree"], lang))
    params = (("id", str(item["id"])),) if item.get("id") is not None else ()
    return (words["divisive"], words["quote"].format(content) + " (",
            Link(split, "proposal" if params else "controversial", params),
            ")" + words["end"])


def who_took_part(results: dict, lang: str) -> tuple | None:
    """The largest gap between participants and the population, by age band (else by
    gender): where volunteers differ most from everyone."""
    participation = results.get("participation") or {}
    words = _TEXT[lang]
    for dimension in ("age_band", "gender"):
        rows = [row for row in participation.get(dimension) or []
                if row.get("participants_share") is not None
                and row.get("population_share") is not None]
        if not rows:
            continue
        row = max(rows, key=lambda r: abs(r["participants_share"] - r["population_share"]))
        if dimension == "age_band":
            label = row["label"] if lang == "en" else f"{row['label']} ans"
            lead = words["who"].format(label=label)
        else:
            label = _GENDER[lang].get(row["label"])
            if label is None:
                continue
            lead = words["who_gender"].format(label=label)
        return (lead, Link(i18n.percent(row["participants_share"], lang), "participation"),
                words["of_participants"], i18n.percent(row["population_share"], lang),
                words["of_population"])
    return None
