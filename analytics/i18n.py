"""Words shared by every page, chart and export, in French and English, and
numbers written the way each language writes them ("584 664", "94 %")."""

from __future__ import annotations

import math

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

# French: narrow no-break space between thousands, no-break space before "%".
_THOUSANDS = {"fr": "\u202f", "en": ","}
_DECIMAL = {"fr": ",", "en": "."}
_PERCENT = {"fr": "\u00a0%", "en": "%"}

WORDS = {
    "fr": {
        "agree": "D'accord", "disagree": "Pas d'accord", "neutral": "Neutre",
        "likeIt": "Coup de cœur", "doable": "Réaliste", "platitudeAgree": "Banalité",
        "noWay": "Surtout pas !", "impossible": "Infaisable", "platitudeDisagree": "Banalité",
        "doNotUnderstand": "Pas compris", "noOpinion": "Pas d'avis", "doNotCare": "Indifférent",
        "like_it": "Coup de cœur", "no_way": "Surtout pas !", "platitude": "Banalité",
        "consensus": "Consensus", "controversy": "Controverse", "rejection": "Rejet",
        "limbo": "Limbes",
        "female": "Femmes", "male": "Hommes", "other": "Autre",
        "gender": "Genre", "age_band": "Âge", "region": "Région", "department": "Département",
        "everyone": "Tous", "participants": "Participants", "proposals": "Propositions",
        "votes": "Votes", "ideas": "Idées", "idea": "Idée", "axis": "Axe",
        "population": "Population générale", "consultation": "Consultation",
        "author": "Auteur", "content": "Proposition", "zone": "Zone", "score": "Score",
        "agreement": "Accord", "show_data": "Voir les données", "download_csv": "Télécharger (CSV)",
        "download_parquet": "Télécharger (Parquet)", "no_data": "Pas de données à afficher.",
        "suppressed": "< 10", "language": "Langue", "segment": "Segment",
        "filters": "Filtres", "votes_on_target": "{votes} sur {target} ({percent})",
        "top_score": "Score", "controversy_score": "Controverse", "rejection_score": "Rejet",
        "engagement": "Engagement", "rank": "Rang", "unknown": "Inconnu",
        "adhesion": "Adhésion",
        "share_participants": "Part des participants", "share_votes": "Part des votes",
    },
    "en": {
        "agree": "Agree", "disagree": "Disagree", "neutral": "Neutral",
        "likeIt": "Love it", "doable": "Realistic", "platitudeAgree": "Platitude",
        "noWay": "No way!", "impossible": "Impossible", "platitudeDisagree": "Platitude",
        "doNotUnderstand": "Don't understand", "noOpinion": "No opinion",
        "doNotCare": "Don't care",
        "like_it": "Love it", "no_way": "No way!", "platitude": "Platitude",
        "consensus": "Consensus", "controversy": "Controversy", "rejection": "Rejection",
        "limbo": "Limbo",
        "female": "Women", "male": "Men", "other": "Other",
        "gender": "Gender", "age_band": "Age", "region": "Region", "department": "Département",
        "everyone": "Everyone", "participants": "Participants", "proposals": "Proposals",
        "votes": "Votes", "ideas": "Ideas", "idea": "Idea", "axis": "Axis",
        "population": "General population", "consultation": "Consultation",
        "author": "Author", "content": "Proposal", "zone": "Zone", "score": "Score",
        "agreement": "Agreement", "show_data": "Show the data", "download_csv": "Download (CSV)",
        "download_parquet": "Download (Parquet)", "no_data": "No data to show.",
        "suppressed": "< 10", "language": "Language", "segment": "Segment",
        "filters": "Filters", "votes_on_target": "{votes} of {target} ({percent})",
        "top_score": "Score", "controversy_score": "Controversy", "rejection_score": "Rejection",
        "engagement": "Engagement", "rank": "Rank", "unknown": "Unknown",
        "adhesion": "Adhesion",
        "share_participants": "Share of participants", "share_votes": "Share of votes",
    },
}


def language_of(code: str | None) -> str:
    code = (code or DEFAULT_LANGUAGE)[:2].lower()
    return code if code in LANGUAGES else "en"


def word(key: str, lang: str, **values) -> str:
    """The word for `key`; the key itself when no translation exists (labels from data)."""
    text = WORDS[language_of(lang)].get(key, key)
    return text.format(**values) if values else text


def integer(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{int(round(value)):,}"
    return text.replace(",", _THOUSANDS[language_of(lang)])


def decimal(value, lang: str, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    lang = language_of(lang)
    return text.replace(",", "\0").replace(".", _DECIMAL[lang]).replace("\0", _THOUSANDS[lang])


def percent(value, lang: str, digits: int = 0) -> str:
    """94.2 -> '94 %' in French, '94%' in English (rounded half up when digits=0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if digits == 0:
        return integer(math.floor(float(value) + 0.5), lang) + _PERCENT[language_of(lang)]
    return decimal(value, lang, digits) + _PERCENT[language_of(lang)]


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` layout value: decimal then thousands character."""
    lang = language_of(lang)
    return _DECIMAL[lang] + ("\u202f" if lang == "fr" else ",")


_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def long_date(value: str | None, lang: str) -> str | None:
    """'2022-05-22' -> '22 mai 2022' / 'May 22, 2022'; None when absent or unreadable."""
    from datetime import date

    try:
        day = date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None
    month = _MONTHS[language_of(lang)][day.month - 1]
    if language_of(lang) == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"
