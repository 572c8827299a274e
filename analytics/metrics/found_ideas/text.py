"""From a proposal's text to the words that say what it proposes: language,
lemmas (simplemma), stop words (the stop-words package), and the words every
proposal shares that must not drive the grouping: the platform's boilerplate
("Il faut", "We should") and generic action verbs (créer, développer, interdire...).

Languages written without spaces (Chinese, Japanese, Korean, Thai) are read as
character n-grams instead of words."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import simplemma
from stop_words import get_stop_words

# simplemma and stop-words both know these; other languages keep their words unlemmatised.
WORD_LANGUAGES = {"fr": "french", "en": "english", "de": "german", "es": "spanish",
                  "it": "italian", "nl": "dutch", "pt": "portuguese"}
CHARACTER_LANGUAGES = ("zh", "ja", "ko", "th")

# Lemmas that say how a proposal is phrased, not what it proposes.
GENERIC = {
    "fr": """falloir devoir pouvoir vouloir aller faire mettre place rendre donner créer
        développer interdire favoriser permettre améliorer augmenter réduire renforcer
        encourager aider proposer instaurer imposer obliger supprimer arrêter limiter
        valoriser soutenir faciliter promouvoir garantir assurer lutter mieux plus moins
        davantage beaucoup vraiment toujours enfin également aussi afin tout chaque
        certain autre même pouvoir mise oeuvre œuvre généraliser systématiser accorder
        accroître multiplier inciter instituer établir mettre organiser offrir prendre
        redonner remettre revoir repenser réformer cesser éviter stopper taxer sanctionner
        simplifier clarifier continuer commencer penser trouver utiliser avoir être dire
        voir savoir chose gens personne tous toutes besoin cas fait façon manière exemple
        etc lieu niveau sorte type partir compte mieux bien vrai vraiment ainsi alors déjà
        encore trop très peu""",
    "en": """should must need needs would could can may might shall will make create develop
        ban put place promote allow give improve increase reduce strengthen encourage help
        propose introduce impose force require remove stop limit support facilitate ensure
        guarantee fight better more less also think believe feel want like get go way thing
        things lot lots people really just many much every each use able let keep take
        provide offer start continue end establish implement enforce encourage do does
        done doing be been being have has had know see say said sure yes no one ones""",
    "de": """sollen müssen können dürfen wollen werden sein haben machen schaffen entwickeln
        verbieten setzen fördern ermöglichen geben verbessern erhöhen reduzieren stärken
        unterstützen einführen abschaffen begrenzen sorgen mehr weniger besser stärker
        sollte sollten müsste müssten man viel viele immer auch mal wirklich einfach
        gehen kommen lassen bringen nehmen bieten stellen""",
}
# Words that may group proposals but never name an idea.
UNNAMED = {
    "fr": "plutôt compris notamment surtout an année jour fois mois",
    "en": "rather especially year years day days time times",
    "de": "jahr jahre tag tage mal",
}
# Polite openings and connecting words of opinion platforms, in any case.
BOILERPLATE = {
    "fr": "il faut qu que",
    "en": "we should i think",
    "de": "man sollte wir müssen",
}
# The word after these opens a verb ("Il faut *interdire*", "We should *ban*"); the
# bridge words may stand between ("afin de *réduire*", "pour ne pas *jeter*").
VERB_MARKERS = {"fr": {"faut", "afin", "pour"},
                "en": {"should", "must", "shall", "could", "would", "can"},
                "de": {"zu"}}
# German puts the verb last after a modal ("Man sollte Radwege *bauen*").
FINAL_VERB_MODALS = {"de": {"sollte", "sollten", "soll", "sollen", "muss", "müssen",
                            "müsste", "müssten", "kann", "können", "könnte", "könnten"}}
# The small words a name may hold between two content words ("référendum d'initiative",
# "tourisme de masse", "quality of life"); any other makes the phrase no name.
NAME_LINKS = {"fr": {"de", "d'", "du", "des", "à", "au", "aux", "en"},
              "en": {"of", "for"}, "de": {"für", "der", "des", "von", "mit"},
              "es": {"de", "del"}, "it": {"di", "del", "della"}, "nl": {"van", "voor"},
              "pt": {"de", "do", "da"}}
# The word joining two phrases in an idea's name ("X et Y"), in the proposals' language.
NAME_AND = {"fr": "et", "en": "and", "de": "und", "es": "y", "it": "e", "nl": "en", "pt": "e"}
VERB_BRIDGES = {"fr": {"de", "d'", "ne", "n'", "pas", "plus"}, "en": {"not", "also"},
                "de": set()}
TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
ELISION = re.compile(r"^(?:l|d|qu|n|s|c|j|m|t|jusqu|lorsqu|puisqu|quoiqu)['’]")


@dataclass(frozen=True)
class Token:
    surface: str     # as written, lower case
    lemma: str
    content: bool    # carries meaning (not a stop word, not generic)


def script_language(texts: list[str]) -> str | None:
    """A language written without spaces, told by its script; None otherwise."""
    counts = {"zh": 0, "ja": 0, "ko": 0, "th": 0}
    letters = 0
    for text in texts:
        for char in text:
            if not char.isalpha():
                continue
            letters += 1
            code = ord(char)
            if 0x3040 <= code <= 0x30FF:
                counts["ja"] += 1
            elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
                counts["ko"] += 1
            elif 0x0E00 <= code <= 0x0E7F:
                counts["th"] += 1
            elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
                counts["zh"] += 1
    if not letters:
        return None
    best = max(counts, key=counts.get)
    if counts["ja"] and best == "zh":       # Japanese mixes kana with Chinese characters
        best = "ja"
    return best if sum(counts.values()) / letters > 0.3 else None


def detect_language(texts: list[str], hint: str | None = None) -> str:
    """The texts' language code: by script first, then by common words (the
    published-results reader's detector); `hint` breaks near ties; "en" when
    nothing can be told."""
    from analytics.inputs.language import detect_language as by_words

    sample = [t for t in texts[:2000] if isinstance(t, str)]
    return script_language(sample) or by_words(sample, hint) or hint or "en"


def is_character_language(language: str) -> bool:
    return language in CHARACTER_LANGUAGES


@functools.lru_cache(maxsize=16)
def stop_words(language: str) -> frozenset[str]:
    words = set()
    if language in WORD_LANGUAGES:
        words |= {_fold(w) for w in get_stop_words(WORD_LANGUAGES[language])}
    words |= set(_fold(BOILERPLATE.get(language, "")).split())
    return frozenset(words)


@functools.lru_cache(maxsize=16)
def generic_words(language: str) -> frozenset[str]:
    return frozenset(_fold(GENERIC.get(language, "")).split())


@functools.lru_cache(maxsize=16)
def unnamed_words(language: str) -> frozenset[str]:
    return frozenset(_fold(UNNAMED.get(language, "")).split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


class Lemmatizer:
    """simplemma's lemmas, each word looked up once (proposals repeat their words)."""

    def __init__(self, language: str):
        self.language = language if language in WORD_LANGUAGES else None
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        lemma = self._cache.get(word)
        if lemma is None:
            lemma = word
            if self.language is not None:
                lemma = _fold(simplemma.lemmatize(word, lang=self.language))
            self._cache[word] = lemma
        return lemma


class WordReader:
    """A text as Tokens, in order."""

    def __init__(self, language: str):
        self.language = language
        self.lemma = Lemmatizer(language)
        self.stop = stop_words(language)
        self.generic = generic_words(language)

    def tokens(self, text: str) -> list[Token]:
        tokens = []
        for match in TOKEN.finditer(_fold(text)):
            written = match.group().replace("’", "'")
            word = ELISION.sub("", written)
            elided = written[: len(written) - len(word)]       # "d'", "l'": kept as written
            for index, part in enumerate(word.split("-") if "-" in word else (word,)):
                if len(part) < 2:           # "à", "y": kept so that phrases read as written
                    tokens.append(Token(part, part, False))
                    continue
                lemma = self.lemma(part)
                content = (part not in self.stop and lemma not in self.stop
                           and lemma not in self.generic and part not in self.generic)
                tokens.append(Token((elided if index == 0 else "") + part, lemma, content))
        return tokens


def verbs(documents: list[list[Token]], language: str) -> frozenset[str]:
    """Lemmas seen right after a verb marker, or after a marker and a bridge word:
    the corpus's verbs, which may group proposals but make poor names."""
    markers = VERB_MARKERS.get(language, set())
    bridges = VERB_BRIDGES.get(language, set())
    found = set()
    for tokens in documents:
        for i, token in enumerate(tokens[:-1]):
            if token.surface not in markers:
                continue
            j = i + 1
            while j < len(tokens) - 1 and tokens[j].surface in bridges:
                j += 1
            # "pour les jeunes": an article after the marker means a noun follows
            if tokens[j].content and (j > i + 1 or token.surface != "pour"
                                      or tokens[j].lemma.endswith(("er", "ir", "re"))):
                found.add(tokens[j].lemma)
    modals = FINAL_VERB_MODALS.get(language, set())
    for tokens in documents:
        content = [t for t in tokens if t.content]
        if content and any(t.surface in modals for t in tokens):
            found.add(content[-1].lemma)
    return frozenset(found)


def characters(text: str) -> str:
    """A text for character n-grams: letters only, lower case, no spaces or punctuation."""
    return "".join(c for c in _fold(text) if c.isalpha())
