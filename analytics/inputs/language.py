"""The language most of some texts are written in, from their most common words (the
readers tell a consultation's language with it; analytics.metrics.found_ideas.text,
when the texts do not say)."""

from __future__ import annotations

import re

_STOPWORDS = {
    "fr": "le la les de des du et une pour par au aux dans sur qui est faut plus pas nos vos "
          "ce cette ces avec sont leur leurs il ils elle nous vous être faire entre",
    "en": "the of and to for by on with is are be that it this from your our their more not "
          "should we how what which all people into",
    "de": "der die das und zu den mit von für nach im ist sich auf ein eine dem nicht des man "
          "sollte wie mehr werden auch wir bei sind",
    "es": "el los las del y para por como más su al hay deben nuestro",
    "it": "il gli della delle dei per che è sono più anche nel alla degli",
    "nl": "het een van voor met op niet zijn dat er ook wij worden",
}


def _tokens_by_language() -> dict[str, frozenset[str]]:
    words = {lang: set(text.split()) for lang, text in _STOPWORDS.items()}
    shared = {w for lang, ws in words.items() for w in ws
              if any(w in other for o, other in words.items() if o != lang)}
    return {lang: frozenset(ws - shared) for lang, ws in words.items()}


_LANGUAGE_WORDS = _tokens_by_language()


def detect_language(texts, hint: str | None = None) -> str | None:
    """The language most of `texts` are written in (a code such as "fr", "en",
    "de"), from their most common words; `hint` (e.g. from a file name) only
    breaks a near tie. None when nothing can be told."""
    counts = dict.fromkeys(_LANGUAGE_WORDS, 0.0)
    total = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        for token in re.findall(r"[^\W\d_]+", text.lower()):
            for lang, words in _LANGUAGE_WORDS.items():
                if token in words:
                    counts[lang] += 1
                    total += 1
    if hint in counts:
        counts[hint] += 2 + 0.05 * total
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return hint
    return best
