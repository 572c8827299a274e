"""Vote counts per proposal: how many agree/disagree/neutral votes, and with which
qualification, each proposal receives.

Counts are fixed before any participant is chosen, so the published idea figures
are hit exactly whatever the vote assignment does afterwards.
"""

from __future__ import annotations

import numpy as np

from analytics.demo import recipe
from analytics.vocabulary import QUALIFICATIONS

# The (vote, qualification) pairs a vote row can take, in the order votes are handed
# out inside a proposal: the most enthusiastic voters first, the most hostile last.
LABELS = (
    ("agree", "likeIt"), ("agree", "doable"), ("agree", "platitudeAgree"), ("agree", None),
    ("neutral", "doNotUnderstand"), ("neutral", "noOpinion"), ("neutral", "doNotCare"),
    ("neutral", None),
    ("disagree", None), ("disagree", "platitudeDisagree"), ("disagree", "impossible"),
    ("disagree", "noWay"),
)
LABEL_COUNT = len(LABELS)
_COLUMN = {pair: i for i, pair in enumerate(LABELS)}
# Qualified columns of each vote, in the order they are allocated.
_QUALIFIED = {vote: [_COLUMN[(vote, key)] for key in keys] for vote, keys in QUALIFICATIONS.items()}
_UNQUALIFIED = {vote: _COLUMN[(vote, None)] for vote in QUALIFICATIONS}

PROFILES = ("consensus", "controversy", "rejection", "limbo")


def vote_totals(counts: np.ndarray, vote: str) -> np.ndarray:
    cols = [i for i, (v, _) in enumerate(LABELS) if v == vote]
    return counts[..., cols].sum(axis=-1)


# --- integer allocation --------------------------------------------------------------


def round_to_total(expected: np.ndarray, total: int, capacity: np.ndarray) -> np.ndarray:
    """Integers near `expected`, summing to `total`, never above `capacity`
    (largest remainders get the leftover units)."""
    base = np.minimum(np.floor(expected).astype(np.int64), capacity)
    missing = int(total - base.sum())
    if missing < 0:
        raise ValueError("expected counts exceed the total")
    fraction = np.where(base < capacity, expected - base, -1.0)
    order = np.argsort(-fraction, kind="stable")[:missing]
    base[order] += 1
    return base


def allocate(total: int, capacity: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Split `total` units over slots of `capacity`, slot i taking a share close to
    sigmoid(logits[i] + shift), the shift solved so the shares add up to `total`."""
    capacity = np.asarray(capacity, dtype=np.int64)
    total = int(total)
    if total < 0 or total > capacity.sum():
        raise ValueError(f"cannot allocate {total} over a capacity of {capacity.sum()}")
    if total in (0, capacity.sum()):
        return capacity.copy() if total else np.zeros_like(capacity)
    low, high = -60.0, 60.0
    for _ in range(80):
        shift = (low + high) / 2
        if (capacity * _sigmoid(logits + shift)).sum() > total:
            high = shift
        else:
            low = shift
    expected = capacity * _sigmoid(logits + (low + high) / 2)
    return round_to_total(expected, total, capacity)


def proportional(total: int, weights: np.ndarray, floor: int, cap: int) -> np.ndarray:
    """Integers >= floor and <= cap summing to `total`, the part above the floor in
    proportion to `weights` (excess over the cap goes to the others)."""
    size = len(weights)
    if not floor * size <= total <= cap * size:
        raise ValueError(f"cannot split {total} into {size} parts within [{floor}, {cap}]")
    share = np.asarray(weights, dtype=np.float64)
    free = np.ones(size, dtype=bool)
    expected = np.full(size, float(cap))
    for _ in range(size + 1):
        left = total - floor * free.sum() - cap * (~free).sum()
        expected[free] = floor + left * share[free] / share[free].sum()
        over = free & (expected > cap)
        if not over.any():
            break
        free &= ~over
        expected[~free] = cap
    return round_to_total(expected, total, np.full(size, cap, dtype=np.int64))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


# --- one proposal from its zone profile ---------------------------------------------------


def profile_counts(profile: str, votes: int, rng: np.random.Generator) -> np.ndarray:
    """The 12 label counts of a proposal of `votes` votes in a zone profile.
    Shares are bounded so that no such proposal nears the six published
    controversial ones on the controversy score."""
    agree, neutral, disagree = _vote_shares(profile, votes, rng)
    split = rng.multinomial(votes, [agree, neutral, disagree])
    counts = np.zeros(LABEL_COUNT, dtype=np.int64)
    for vote, total in zip(("agree", "neutral", "disagree"), split, strict=True):
        shares = _qualification_shares(profile, vote, rng)
        drawn = rng.multinomial(int(total), [*shares, 1.0 - sum(shares)])
        counts[_QUALIFIED[vote]] = drawn[:-1]
        counts[_UNQUALIFIED[vote]] = drawn[-1]
    return counts


def _vote_shares(profile: str, votes: int, rng: np.random.Generator) -> tuple[float, ...]:
    u = rng.uniform
    if profile == "consensus":
        agree = u(0.72, 0.93)
        neutral = (1 - agree) * u(0.45, 0.70)
    elif profile == "controversy" and votes < recipe.MIN_VOTES_LISTED:
        agree, disagree = u(0.36, 0.52), u(0.30, 0.45)  # sharp: too few votes to be listed
        neutral = 1 - agree - disagree
    elif profile == "controversy":
        agree, disagree = u(0.50, 0.58), u(0.16, 0.22)  # mild
        neutral = 1 - agree - disagree
    elif profile == "rejection":
        disagree, agree = u(0.60, 0.80), u(0.05, 0.17)
        neutral = 1 - agree - disagree
    else:  # limbo
        neutral, disagree = u(0.42, 0.60), u(0.04, 0.16)
        agree = 1 - neutral - disagree
    return agree, neutral, 1 - agree - neutral


def _qualification_shares(profile: str, vote: str, rng: np.random.Generator) -> list[float]:
    u = rng.uniform
    if vote == "agree":
        return [u(0.15, 0.33), u(0.20, 0.38), u(0.02, 0.07)]
    if vote == "disagree":
        no_way = u(0.20, 0.30) if profile == "controversy" else u(0.25, 0.40)
        return [no_way, u(0.15, 0.25), u(0.04, 0.08)]
    if profile == "limbo":
        return [u(0.15, 0.28), u(0.25, 0.40), u(0.10, 0.20)]
    return [u(0.05, 0.20), u(0.30, 0.45), u(0.10, 0.25)]


# --- the six published controversial proposals ----------------------------------------------


def controversial_counts(item: recipe.Controversial, votes: int) -> np.ndarray:
    """Counts matching the published agree/disagree shares (exact when votes is a
    multiple of 100) and our likeIt/noWay choice."""
    shares = dict(recipe.CONTROVERSIAL_OTHER_SHARES, likeIt=item.like_it / 100,
                  noWay=item.no_way / 100)
    vote_share = {"agree": item.agree / 100, "disagree": item.disagree / 100}
    vote_share["neutral"] = 1 - vote_share["agree"] - vote_share["disagree"]
    expected = np.array([vote_share[v] for v in ("agree", "neutral", "disagree")]) * votes
    totals = round_to_total(expected, votes, np.full(3, votes))
    counts = np.zeros(LABEL_COUNT, dtype=np.int64)
    for vote, total in zip(("agree", "neutral", "disagree"), totals, strict=True):
        keyed = np.array([round(shares[key] * votes) for key in QUALIFICATIONS[vote]])
        if keyed.sum() > total:  # only for tiny scaled-down bundles
            keyed = np.floor(keyed * total / keyed.sum()).astype(np.int64)
        counts[_QUALIFIED[vote]] = keyed
        counts[_UNQUALIFIED[vote]] = total - sum(keyed)
    return counts


# --- an idea: pooled totals hit exactly ---------------------------------------------------


def idea_shares(idea: recipe.Idea, platitude_agree: float) -> dict[str, float]:
    """Share of the idea's votes for each vote and qualification key."""
    agree = idea.agreement / 100
    disagree = 1 - agree - idea.neutral
    shares = {"agree": agree, "neutral": idea.neutral, "disagree": disagree,
              "likeIt": idea.like_it / 100, "doable": idea.doable / 100,
              "platitudeAgree": platitude_agree}
    shares.update({k: s * disagree for k, s in recipe.DISAGREE_QUALIFICATION_SHARES.items()})
    shares.update({k: s * idea.neutral for k, s in recipe.NEUTRAL_QUALIFICATION_SHARES.items()})
    return shares


def platitude_agree_by_idea() -> dict[str, float]:
    """platitudeAgree share per idea so that, inside each axis, top_score (agree +
    likeIt + doable - noWay - impossible - platitude) decreases in the published
    order by at least TOP_SCORE_STEP."""
    result: dict[str, float] = {}
    previous: dict[str, float] = {}
    for idea in recipe.IDEAS:
        shares = idea_shares(idea, 0.0)
        before = shares["agree"] + shares["likeIt"] + shares["doable"] - (
            shares["noWay"] + shares["impossible"] + shares["platitudeDisagree"])
        target = before - recipe.MIN_PLATITUDE_AGREE
        if idea.axis in previous:
            target = min(target, previous[idea.axis] - recipe.TOP_SCORE_STEP)
        previous[idea.axis] = target
        result[idea.idea_id] = before - target
    return result


def idea_counts(idea: recipe.Idea, platitude_agree: float, votes: np.ndarray,
                fixed: dict[int, np.ndarray], profiles: list[str],
                rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Counts for the proposals of one idea: fixed ones as given, non-consensus ones
    from their profile, consensus ones sharing out what is left so the idea's pooled
    shares are exactly the published ones. Also returns the profiles, some weak
    proposals having become consensual to fit the idea's shares."""
    counts = np.zeros((len(votes), LABEL_COUNT), dtype=np.int64)
    for i, row in fixed.items():
        counts[i] = row
    weak = [i for i, p in enumerate(profiles) if p != "consensus" and i not in fixed]
    for i in weak:
        counts[i] = profile_counts(profiles[i], int(votes[i]), rng)
    left = _target_totals(idea_shares(idea, platitude_agree), int(votes.sum()))
    left -= counts.sum(axis=0)
    weak = _fit_weak_proposals(counts, left, weak)
    consensus = np.array([i for i in range(len(votes)) if i not in fixed and i not in weak],
                         dtype=np.int64)
    try:
        counts[consensus] = _share_out(left, votes[consensus], rng)
    except ValueError:
        # Only in tiny synthetic bundles: too few proposals to hit the idea's shares.
        for i in consensus:
            counts[i] = profile_counts("consensus", int(votes[i]), rng)
    profiles = [p if i in weak or i in fixed else "consensus" for i, p in enumerate(profiles)]
    return counts, profiles


def _fit_weak_proposals(counts: np.ndarray, left: np.ndarray, weak: list[int]) -> set[int]:
    """While weak proposals use more of a label than the idea has, the one using
    most of it becomes consensual (its counts go back to the idea's budget)."""
    weak = set(weak)
    while (left < 0).any():
        label = int(np.argmin(left))
        users = [i for i in weak if counts[i, label] > 0]
        if not users:
            break
        worst = max(users, key=lambda i: (counts[i, label], -i))
        left += counts[worst]
        counts[worst] = 0
        weak.discard(worst)
    return weak


def _target_totals(shares: dict[str, float], votes: int) -> np.ndarray:
    """The idea's pooled label counts for `votes` votes."""
    expected = np.array([shares[v] for v in ("agree", "neutral", "disagree")]) * votes
    vote_total = dict(zip(("agree", "neutral", "disagree"),
                          round_to_total(expected, votes, np.full(3, votes)), strict=True))
    target = np.zeros(LABEL_COUNT, dtype=np.int64)
    for vote, keys in QUALIFICATIONS.items():
        keyed = [round(shares[k] * votes) for k in keys]
        target[_QUALIFIED[vote]] = keyed
        target[_UNQUALIFIED[vote]] = vote_total[vote] - sum(keyed)
    return target


def _share_out(left: np.ndarray, votes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split the idea's remaining label totals over consensus proposals, each with
    its own noisy shares around the remaining average."""
    counts = np.zeros((len(votes), LABEL_COUNT), dtype=np.int64)
    agree = _noisy_allocate(int(vote_totals(left, "agree")), votes, 0.4, rng)
    rest = votes - agree
    neutral = _noisy_allocate(int(vote_totals(left, "neutral")), rest, 0.5, rng)
    for vote, total in (("agree", agree), ("neutral", neutral), ("disagree", rest - neutral)):
        room = total.copy()
        for col in _QUALIFIED[vote]:
            counts[:, col] = _noisy_allocate(int(left[col]), room, 0.35, rng)
            room = room - counts[:, col]
        counts[:, _UNQUALIFIED[vote]] = room
    return counts


def _noisy_allocate(total: int, capacity: np.ndarray, noise: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Bounded noise (two standard deviations at most): a consensus proposal never
    drifts far enough to look controversial."""
    mean = total / capacity.sum() if capacity.sum() else 0.0
    jitter = np.clip(rng.normal(0.0, noise, len(capacity)), -2 * noise, 2 * noise)
    return allocate(total, capacity, _logit(mean) + jitter)
