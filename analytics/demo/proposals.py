"""The proposals of the demo: ideas, zone profiles, vote counts, texts, authors,
tags and dates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo import campaign, recipe, texts
from analytics.demo import counts as vote_counts
from analytics.demo.counts import PROFILES

MAX_CONTENT = 140
NO_IDEA = -1


@dataclass
class ProposalPlan:
    idea: np.ndarray  # index into recipe.IDEAS, NO_IDEA for none
    profile: list[str]
    votes: np.ndarray  # int64 votes received
    counts: np.ndarray  # (proposals, 12) label counts, see counts.LABELS
    content: list[str]
    author: list[str]
    author_age: list[int | None]
    tags: list[str]
    created_at: np.ndarray  # int64 seconds since the epoch (local time, naive)
    published: np.ndarray  # int64 the same, in real seconds since launch (campaign axis)
    age_effect: np.ndarray  # propensity to agree, per decade of age above 25
    female_effect: np.ndarray
    ids: list[str]

    def __len__(self) -> int:
        return len(self.profile)


def plan_proposals(proposals: int, votes: int, participants: int,
                   rng: np.random.Generator) -> ProposalPlan:
    idea = _idea_of_each_proposal(proposals)
    fixed = _controversial_slots(idea)
    profile = _draw_profiles(idea, fixed, rng)
    received = _votes_per_proposal(profile, fixed, votes, participants, rng)
    label_counts = _label_counts(idea, profile, received, fixed, rng)
    pools = _TextPools(rng)
    content, tags = zip(*(pools.text(idea[i], profile[i], fixed.get(i)) for i in range(proposals)),
                        strict=True)
    authors = [_author(fixed.get(i), rng) for i in range(proposals)]
    published = _created_at(fixed, received, rng)
    created = campaign.submissions().local(published)
    age_effect, female_effect = _vote_effects(idea, fixed)
    return ProposalPlan(
        idea=idea, profile=profile, votes=received, counts=label_counts,
        content=list(content), author=[a[0] for a in authors],
        author_age=[a[1] for a in authors], tags=list(tags), created_at=created,
        published=published,
        age_effect=age_effect, female_effect=female_effect, ids=_ids(created),
    )


# --- structure ---------------------------------------------------------------------------


def _idea_of_each_proposal(proposals: int) -> np.ndarray:
    per_idea = [idea.proposals for idea in recipe.IDEAS]
    weights = np.array([*per_idea, recipe.TOTAL_PROPOSALS - sum(per_idea)], dtype=np.float64)
    if proposals == recipe.TOTAL_PROPOSALS:
        sizes = weights.astype(np.int64)
    else:
        sizes = vote_counts.proportional(proposals, weights, floor=1, cap=proposals)
    labels = [*range(len(recipe.IDEAS)), NO_IDEA]
    return np.repeat(np.array(labels), sizes)


def _controversial_slots(idea: np.ndarray) -> dict[int, recipe.Controversial]:
    """The published controversial proposals take the first free slots of their idea
    (a tiny synthetic bundle may lack room for some)."""
    index = {item.idea_id: i for i, item in enumerate(recipe.IDEAS)}
    slots: dict[int, recipe.Controversial] = {}
    for item in recipe.CONTROVERSIALS:
        free = [i for i in np.flatnonzero(idea == index[item.idea_id]) if i not in slots]
        if free:
            slots[int(free[0])] = item
    return slots


def _draw_profiles(idea: np.ndarray, fixed: dict, rng: np.random.Generator) -> list[str]:
    inside = rng.choice(len(PROFILES), size=len(idea),
                        p=[recipe.IDEA_PROFILE_SHARES[p] for p in PROFILES])
    outside = rng.choice(len(PROFILES), size=len(idea),
                         p=[recipe.OTHER_PROFILE_SHARES[p] for p in PROFILES])
    drawn = [PROFILES[k] for k in np.where(idea == NO_IDEA, outside, inside)]
    for i in fixed:
        drawn[i] = "controversy"
    return drawn


def _votes_per_proposal(profile: list[str], fixed: dict, votes: int, participants: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed: a log-normal popularity, damped for weaker proposals."""
    scale = votes / recipe.TOTAL_VOTES
    received = np.zeros(len(profile), dtype=np.int64)
    for i, item in fixed.items():
        received[i] = min(max(round(item.votes * scale), 1), participants)
    others = np.array([i for i in range(len(profile)) if i not in fixed])
    popularity = rng.lognormal(0.0, recipe.VOTES_PER_PROPOSAL_SIGMA, len(profile))
    weight = popularity * np.array([recipe.PROFILE_VOTE_WEIGHT[p] for p in profile])
    left = votes - int(received.sum())
    for i in fixed:  # when nearly everyone votes on everything, the others are full
        extra = min(max(left - participants * len(others), 0), participants - received[i])
        received[i] += extra
        left -= extra
    floor = min(recipe.MIN_VOTES_PER_PROPOSAL, left // (2 * len(others)))
    received[others] = vote_counts.proportional(left, weight[others], floor, participants)
    return received


def _label_counts(idea: np.ndarray, profile: list[str], received: np.ndarray, fixed: dict,
                  rng: np.random.Generator) -> np.ndarray:
    """Label counts per proposal; updates `profile` where a weak proposal had to
    become consensual to fit its idea's published shares."""
    result = np.zeros((len(profile), vote_counts.LABEL_COUNT), dtype=np.int64)
    platitude = vote_counts.platitude_agree_by_idea()
    for k, item in enumerate(recipe.IDEAS):
        members = np.flatnonzero(idea == k)
        local_fixed = {int(np.searchsorted(members, i)): vote_counts.controversial_counts(
            c, int(received[i])) for i, c in fixed.items() if idea[i] == k}
        result[members], fitted = vote_counts.idea_counts(
            item, platitude[item.idea_id], received[members], local_fixed,
            [profile[i] for i in members], rng)
        for i, p in zip(members, fitted, strict=True):
            profile[i] = p
    for i in np.flatnonzero(idea == NO_IDEA):
        result[i] = vote_counts.profile_counts(profile[i], int(received[i]), rng)
    return result


def _vote_effects(idea: np.ndarray, fixed: dict) -> tuple[np.ndarray, np.ndarray]:
    effects = [recipe.IDEA_VOTE_EFFECTS.get(recipe.IDEAS[i].idea_id, (0.0, 0.0))
               if i != NO_IDEA else (0.0, 0.0) for i in idea]
    age_effect = np.array([e[0] for e in effects])
    female_effect = np.array([e[1] for e in effects])
    for i, item in fixed.items():
        age_effect[i], female_effect[i] = item.age_effect, 0.0
    return age_effect, female_effect


# --- texts ---------------------------------------------------------------------------------


class _TextPool:
    """Distinct "Il faut ..." sentences from actions x complements, in a random
    order (short ones without complement weigh more); cycles when used up."""

    def __init__(self, actions: list[tuple[texts.Action, str]], complements: tuple[str, ...],
                 rng: np.random.Generator):
        options = [None, *dict.fromkeys(complements)]
        combos = [(action, theme, c) for action, theme in actions for c in options
                  if _fits(action[0], c)]
        weight = np.array([3.0 if c is None else 1.0 for _, _, c in combos])
        order = np.argsort(rng.exponential(size=len(combos)) / weight, kind="stable")
        self.combos = [combos[i] for i in order]
        self.used = 0

    def draw(self, rng: np.random.Generator) -> tuple[str, str]:
        (text, acteur, solution), theme, complement = self.combos[self.used % len(self.combos)]
        self.used += 1
        sentence = _sentence(text, complement) + ("." if rng.random() < 0.25 else "")
        return sentence, f"theme:{theme}|acteur:{acteur}|solution:{solution}"


class _TextPools:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.pools: dict[tuple, _TextPool] = {}

    def text(self, idea: int, profile: str, fixed: recipe.Controversial | None
             ) -> tuple[str, str]:
        if fixed is not None:
            return fixed.content, fixed.tags
        key = self._key(idea, profile)
        if key not in self.pools:
            self.pools[key] = _TextPool(*self._parts(key), self.rng)
        return self.pools[key].draw(self.rng)

    @staticmethod
    def _key(idea: int, profile: str) -> tuple:
        if profile == "limbo":
            return ("vague", None)
        if idea == NO_IDEA:
            return ("other", profile)
        return ("idea", idea, profile == "consensus")

    def _parts(self, key: tuple) -> tuple[list, tuple[str, ...]]:
        generic = texts.GENERIC_COMPLEMENTS
        if key[0] == "vague":
            return [(a, texts.VAGUE_THEMES[i % 2]) for i, a in
                    enumerate(texts.VAGUE_ACTIONS)], generic
        if key[0] == "other":
            pool = {"consensus": texts.OTHER_CONSENSUAL, "controversy": texts.OTHER_DIVISIVE,
                    "rejection": texts.OTHER_REJECTED}[key[1]]
            return list(pool), generic
        idea = recipe.IDEAS[key[1]]
        parts = texts.IDEA_TEXTS[idea.idea_id]
        actions = parts.actions if key[2] else parts.divisive
        themes = [parts.themes[0] if i % 5 or len(parts.themes) == 1 else parts.themes[1]
                  for i in range(len(actions))]
        return list(zip(actions, themes, strict=True)), (*parts.complements, *generic)


def _fits(action: str, complement: str | None) -> bool:
    """Short enough, and not repeating the action's own preposition ("dès le
    collège ... dès la 4e", "dans les zones rurales ... dans chaque ville")."""
    if len(_sentence(action, complement)) > MAX_CONTENT - 1:
        return False
    return complement is None or complement.split()[0] not in action.split()


def _sentence(action: str, complement: str | None) -> str:
    return f"Il faut {action}" + (f" {complement}" if complement else "")


def _author(fixed: recipe.Controversial | None, rng: np.random.Generator
            ) -> tuple[str, int | None]:
    if fixed is not None:
        return fixed.author, None
    if rng.random() < 0.03:
        return texts.ORGANISATIONS[rng.integers(len(texts.ORGANISATIONS))], None
    age = _author_age(rng)
    young = age <= 32 if age is not None else rng.random() < 0.7
    names = texts.YOUNG_NAMES if young else texts.OLDER_NAMES
    return names[rng.integers(len(names))], age


def _author_age(rng: np.random.Generator) -> int | None:
    """Mostly 15-30 in a youth consultation; some leave it empty."""
    draw = rng.random()
    if draw < 0.15:
        return None
    if draw < 0.22:
        return int(rng.integers(12, 15))
    if draw < 0.88:
        return int(np.clip(round(rng.triangular(15, 19, 31)), 15, 30))
    return int(rng.integers(31, 73))


def _created_at(fixed: dict, received: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Real seconds since launch (campaign axis) of each proposal's submission: most
    in the first weeks, and older proposals tend to have collected more votes."""
    when = campaign.submissions()
    times = np.sort(when.time_at(rng.random(len(received))))
    noise = rng.normal(0.0, recipe.PROPOSAL_AGE_NOISE, len(received))
    order = np.argsort(-(np.log(np.maximum(received, 1)) + noise), kind="stable")
    created = np.empty(len(received), dtype=np.int64)
    created[order] = times
    early = when.share_before(recipe.CONTROVERSIAL_DAYS * campaign.DAY)
    for i in fixed:
        if created[i] >= recipe.CONTROVERSIAL_DAYS * campaign.DAY:
            created[i] = when.time_at(early * rng.random())
    # room for a few votes after the last proposal
    return np.minimum(created, when.end - campaign.HOUR)


def _ids(created: np.ndarray) -> list[str]:
    """p0001, p0002... in order of submission."""
    width = max(4, len(str(len(created))))
    rank = np.empty(len(created), dtype=np.int64)
    rank[np.lexsort((np.arange(len(created)), created))] = np.arange(len(created))
    return [f"p{r + 1:0{width}d}" for r in rank]
