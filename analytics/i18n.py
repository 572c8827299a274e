"""The interface's languages: gettext catalogs managed with Babel, and numbers and
dates written by CLDR ("584 664" and "94 %" in French, "584,664" and "94%" in English,
"584.664" and "94 %" in German).

Strings are written once, in English, in the code: `_ = translator(lang)` then
`_("Agree")`, or `N_("Agree")` where a string is named before the language is known
(a table of labels) and translated where it is shown. Translators edit
`analytics/locale/<lang>/LC_MESSAGES/messages.po` only; a catalog is compiled in
memory the first time its language is used, so that installing is all the set-up.
A language is the folder that holds its catalog: adding one needs no Python change
(README "Translations")."""

from __future__ import annotations

import functools
import gettext
import io
import math
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

LOCALE_DIR = Path(__file__).parent / "locale"
CATALOG = "LC_MESSAGES/messages.po"
SOURCE_LANGUAGE = "en"          # the language of the strings in the code
DEFAULT_LANGUAGE = "fr"
MISSING = "–"              # an en dash where a figure is absent


def _catalog_languages() -> tuple[str, ...]:
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/{CATALOG}"))
    first = [DEFAULT_LANGUAGE, SOURCE_LANGUAGE]
    return tuple(dict.fromkeys(first + found))


LANGUAGES = _catalog_languages()


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "mark, translate later"
    """Marks `message` for the catalogs without translating it (tables of labels)."""
    return message


@functools.lru_cache(maxsize=16)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (the code's own English when it has none)."""
    path = LOCALE_DIR / language_of(lang) / CATALOG
    if language_of(lang) == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language_of(lang))
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translator(lang: str) -> Callable[[str], str]:
    """`_` for one language: `_ = translator(lang)`, then `_("Agree")`."""
    return translations(lang).gettext


def language_name(lang: str) -> str:
    """The language's name in itself, as a picker shows it: "Français", "Deutsch"."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


# Labels of codes shared by every page, chart and export.
WORDS = {
    "agree": N_("Agree"), "disagree": N_("Disagree"), "neutral": N_("Neutral"),
    "likeIt": N_("Love it"), "doable": N_("Realistic"), "platitudeAgree": N_("Platitude"),
    "noWay": N_("No way!"), "impossible": N_("Impossible"),
    "platitudeDisagree": N_("Platitude"), "doNotUnderstand": N_("Don't understand"),
    "noOpinion": N_("No opinion"), "doNotCare": N_("Don't care"), "like_it": N_("Love it"),
    "no_way": N_("No way!"), "platitude": N_("Platitude"), "consensus": N_("Consensus"),
    "controversy": N_("Controversy"), "rejection": N_("Rejection"), "limbo": N_("Limbo"),
    "female": N_("Women"), "male": N_("Men"), "other": N_("Other"), "gender": N_("Gender"),
    "age_band": N_("Age"), "region": N_("Region"), "department": N_("Département"),
    "everyone": N_("Everyone"), "participants": N_("Participants"),
    "proposals": N_("Proposals"), "votes": N_("Votes"), "ideas": N_("Ideas"),
    "idea": N_("Idea"), "axis": N_("Axis"), "population": N_("General population"),
    "consultation": N_("Consultation"), "author": N_("Author"), "content": N_("Proposal"),
    "zone": N_("Zone"), "score": N_("Score"), "agreement": N_("Agreement"),
    "show_data": N_("Show the data"), "download_csv": N_("Download (CSV)"),
    "download_parquet": N_("Download (Parquet)"), "no_data": N_("No data to show."),
    "suppressed": N_("< 10"), "language": N_("Language"), "segment": N_("Segment"),
    "filters": N_("Filters"), "votes_on_target": N_("{votes} of {target} ({percent})"),
    "top_score": N_("Score"), "controversy_score": N_("Controversy"),
    "rejection_score": N_("Rejection"), "engagement": N_("Engagement"), "rank": N_("Rank"),
    "unknown": N_("Unknown"), "adhesion": N_("Adhesion"),
    "share_participants": N_("Share of participants"), "share_votes": N_("Share of votes"),
}


def language_of(code: str | None) -> str:
    code = (code or DEFAULT_LANGUAGE)[:2].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def word(key: str, lang: str, **values) -> str:
    """The word for `key`; the key itself when no translation exists (labels from data)."""
    text = WORDS.get(key)
    text = translator(lang)(text) if text is not None else key
    return text.format(**values) if values else text


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _half_up(value, digits: int) -> Decimal:
    return Decimal(str(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def integer(value, lang: str) -> str:
    if _missing(value):
        return MISSING
    return format_decimal(int(_half_up(value, 0)), locale=language_of(lang))


def decimal(value, lang: str, digits: int = 1) -> str:
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(_half_up(value, digits), format=pattern, locale=language_of(lang))


def percent(value, lang: str, digits: int = 0) -> str:
    """94.2 -> '94 %' in French, '94%' in English (rounded half up); `value` is in %."""
    if _missing(value):
        return MISSING
    return decimal(value, lang, digits) + percent_suffix(lang)


@functools.lru_cache(maxsize=16)
def percent_suffix(lang: str) -> str:
    """What follows a percentage: "\u00a0%" in French and German, "%" in English (for
    chart ticks and hovers that format the number themselves)."""
    return Locale.parse(language_of(lang)).percent_formats[None].suffix[0]


def printf_percent(lang: str, digits: int = 0) -> str:
    """A printf format of a percentage ("%.0f\u00a0%%"), as table columns take it."""
    return f"%.{digits}f" + percent_suffix(lang).replace("%", "%%")


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` layout value: decimal then thousands character."""
    lang = language_of(lang)
    return get_decimal_symbol(lang) + get_group_symbol(lang)


def long_date(value: str | None, lang: str) -> str | None:
    """'2022-05-22' -> '22 mai 2022' / 'May 22, 2022' / '22. Mai 2022'; None when absent
    or unreadable. French writes the first of the month "1er"."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None
    text = format_date(day, "long", locale=language_of(lang))
    if language_of(lang) == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text
