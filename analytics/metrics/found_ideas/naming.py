"""Names, keywords and examples of found ideas and axes.

A name is the most distinctive phrase of the idea: a run of one to three words,
starting and ending with a content word, that many of the idea's proposals use
and few others do (its share inside the idea times the log of how much more
often it appears inside than overall, a class-based TF-IDF). Phrases are counted
by their lemmas and written as people wrote them most often ("circuits courts",
not "circuit court"). A second phrase joins the first ("X et Y") when it is
nearly as distinctive and says something else."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.metrics.found_ideas import text

AND = text.NAME_AND     # data: the proposals' language, not the interface's
MAX_NAME = 48
UPGRADE = 0.35      # a longer phrase replaces a shorter one at this share of its score
SECOND = 0.8        # a second phrase joins the name at this share of the first's score
KEYWORDS = 6
EXAMPLES = 3


@dataclass
class Described:
    ideas: pd.DataFrame
    assignments: pd.DataFrame


def phrases(finder, texts: list[str]) -> list[dict[tuple, str]]:
    """Per text, its candidate phrases: lemma key -> surface form."""
    if text.is_character_language(finder.language):
        result = []
        for value in texts:
            chars = text.characters(value)
            found = {}
            for size in (2, 3, 4):
                for i in range(len(chars) - size + 1):
                    found.setdefault((chars[i:i + size],), chars[i:i + size])
            result.append(found)
        return result
    unnamed = text.verbs(finder.documents_, finder.language) | text.unnamed_words(
        finder.language)
    links = text.NAME_LINKS.get(finder.language, set())

    def can_bound(token) -> bool:       # a name starts and ends with a content word, no verb
        return token.content and token.lemma not in unnamed and token.surface not in unnamed

    result = []
    for tokens in finder.documents_:
        found = {}
        for i, first in enumerate(tokens):
            if not can_bound(first):
                continue
            for size in (1, 2, 3):
                run = tokens[i:i + size]
                if len(run) < size or not can_bound(run[-1]):
                    continue
                if any(not t.content and t.surface not in links for t in run[1:-1]):
                    continue
                key = tuple(t.lemma for t in run if t.content)
                written = " ".join(t.surface for t in run)
                found.setdefault(key, text.ELISION.sub("", written))
        result.append(found)
    return result


class PhraseTable:
    """Document frequencies of phrases, overall and per group."""

    def __init__(self, per_text: list[dict[tuple, str]], groups: np.ndarray,
                 word_weight: dict[str, float] | None = None):
        self.word_weight = word_weight or {}
        self.total = Counter()
        self.inside: dict[int, Counter] = defaultdict(Counter)
        self.surfaces: dict[tuple, Counter] = defaultdict(Counter)
        self.sizes = Counter(groups.tolist())
        self.n = len(per_text)
        for found, group in zip(per_text, groups.tolist(), strict=True):
            for key, surface in found.items():
                self.total[key] += 1
                if group >= 0:
                    self.inside[group][key] += 1
                    self.surfaces[key][surface] += 1

    def ranked(self, group: int) -> list[tuple[float, tuple]]:
        size = self.sizes[group]
        floor = max(2, 0.05 * size)
        scored = []
        for key, count in self.inside[group].items():
            if count < floor:
                continue
            share_in = count / size
            share_all = self.total[key] / self.n
            lift = share_in / share_all
            if lift <= 1.0:
                continue
            faded = min(self.word_weight.get(word, 1.0) for word in key)
            score = share_in * math.log(lift) * (1.0 + 0.25 * (len(key) - 1)) * faded
            scored.append((score, key))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return scored

    def surface(self, key: tuple) -> str:
        counts = self.surfaces[key]
        return min(counts, key=lambda s: (-counts[s], s)) if counts else " ".join(key)


def _distinct(ranked: list[tuple[float, tuple]], limit: int) -> list[tuple[float, tuple]]:
    """The best phrases, each replaced by a longer phrase holding its words when
    that one is nearly as distinctive ("revenu universel" rather than "universel"),
    leaving out a phrase whose words another already says."""
    chosen: list[tuple[float, tuple]] = []
    for score, key in ranked:
        longer = [(other_score, other) for other_score, other in ranked
                  if len(other) > len(key) and set(key) < set(other)
                  and other_score >= UPGRADE * score]
        if longer:
            score, key = max(longer, key=lambda item: (item[0], item[1]))
        words = set(key)
        if any(words & set(other) for _, other in chosen):
            continue
        chosen.append((score, key))
        if len(chosen) == limit:
            break
    return chosen


def name_of(table: PhraseTable, group: int, language: str) -> tuple[str, list[str]]:
    ranked = table.ranked(group)
    best = _distinct(ranked, 2)
    if not best:
        return "", []
    words = [table.surface(key) for _, key in best]
    name = words[0]
    pair = _pair(table, group, best)
    if pair is not None:                # "animaux sauvages", not "Sauvages et animaux"
        best, words, name = [(best[0][0], pair)], [table.surface(pair)], table.surface(pair)
    elif len(best) > 1 and best[1][0] >= SECOND * best[0][0]:
        joined = f"{name} {AND.get(language, 'and')} {words[1]}"
        if len(joined) <= MAX_NAME:
            name = joined
    in_name = {word for _, key in best for word in key} if name != words[0] else set(best[0][1])
    keywords = []
    for _, key in ranked:
        if set(key) & in_name or any(set(key) <= set(k) for k in keywords):
            continue
        keywords.append(key)
        if len(keywords) == KEYWORDS:
            break
    return _capital(name), [table.surface(key) for key in keywords]


def _pair(table: PhraseTable, group: int, best: list[tuple[float, tuple]]) -> tuple | None:
    """When the two best phrases are single words that the idea's proposals also write
    side by side (in either order, in at least a quarter of the proposals using the
    rarer word), that two-word phrase."""
    if len(best) < 2 or len(best[0][1]) != 1 or len(best[1][1]) != 1:
        return None
    first, second = best[0][1][0], best[1][1][0]
    inside = table.inside[group]
    rarer = min(inside[(first,)], inside[(second,)])
    found = [key for key in ((first, second), (second, first)) if inside[key] >= rarer / 4]
    return max(found, key=lambda key: (inside[key], key)) if found else None


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def describe(finder, ids: list[str], texts: list[str], votes: np.ndarray) -> Described:
    labels, similarity = finder.labels_, finder.similarity_
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    per_text = phrases(finder, texts)
    table = PhraseTable(per_text, labels, getattr(finder, "word_weight_", None))
    names, keywords = [], []
    for group in range(k):
        name, words = name_of(table, group, finder.language)
        names.append(name or f"{group + 1}")
        keywords.append(words)
    names = _unique(names)
    axis_names = _axis_names(per_text, labels, finder.axes_, finder.language)
    idea_ids = [f"idea-{g + 1:02d}" for g in range(k)]
    examples = [_examples(g, labels, similarity, votes, ids) for g in range(k)]
    ideas = pd.DataFrame({
        "idea_id": idea_ids,
        "name": names,
        "axis": [axis_names[a] for a in finder.axes_.tolist()] if k else [],
        "keywords": keywords,
        "examples": examples,
    })
    assigned = labels >= 0
    assignments = pd.DataFrame({
        "proposal_id": ids,
        "idea_id": pd.Series([idea_ids[g] if g >= 0 else None for g in labels.tolist()],
                             dtype=object),
        "similarity": np.where(assigned, np.round(similarity.astype(float), 6), np.nan),
    })
    return Described(ideas, assignments)


def _examples(group: int, labels, similarity, votes, ids) -> list[str]:
    """The proposals nearest the idea's centre; among the nearest fifth, the most
    voted first (votes choose what is shown, never what belongs)."""
    members = np.flatnonzero(labels == group)
    if not len(members):
        return []
    near = members[np.argsort(-similarity[members], kind="stable")]
    pool = near[: max(EXAMPLES, len(near) // 5)]
    pool = pool[np.lexsort((-similarity[pool], -votes[pool]))]
    return [ids[i] for i in pool[:EXAMPLES]]


def _axis_names(per_text, labels, axes: np.ndarray, language: str) -> list[str]:
    if not len(axes):
        return []
    axis_of_text = np.where(labels >= 0, axes[np.maximum(labels, 0)], -1)
    table = PhraseTable(per_text, axis_of_text)
    names = []
    for axis in range(int(axes.max()) + 1):
        best = _distinct(table.ranked(axis), 1)
        names.append(_capital(table.surface(best[0][1])) if best else f"{axis + 1}")
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    result = []
    for name in names:
        seen[name] += 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result
