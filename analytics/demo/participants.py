"""Synthetic participants: who they are and how many votes each casts.

Kept as compact numpy arrays (a few bytes per participant) so that 50 million
participants fit comfortably in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo import recipe
from analytics.demo.geography import departements
from analytics.vocabulary import AGE_BANDS

GENDERS = tuple(recipe.GENDER_SHARES)  # codes index this tuple; "" is empty
MISSING_AGE = -1
CHUNK = 2_000_000


@dataclass
class Participants:
    age: np.ndarray  # int8, MISSING_AGE when not given
    gender: np.ndarray  # int8 index into GENDERS
    departement: np.ndarray  # int16 index into geography.departements()
    votes: np.ndarray  # int32 votes cast, >= 1

    def __len__(self) -> int:
        return len(self.age)


def draw_participants(count: int, total_votes: int, max_votes: int,
                      rng: np.random.Generator) -> Participants:
    """Drawn in chunks into compact arrays, so memory stays a few bytes per
    participant even for tens of millions."""
    age = np.empty(count, dtype=np.int8)
    gender = np.empty(count, dtype=np.int8)
    departement = np.empty(count, dtype=np.int16)
    weight = np.empty(count, dtype=np.float32)
    gender_shares = list(recipe.GENDER_SHARES.values())
    where = departements().participant_weights()
    band_weight = np.array([recipe.AGE_VOTE_WEIGHT[label] for label, _, _ in AGE_BANDS]
                           + [1.0])
    for part in _chunks(count):
        size = part.stop - part.start
        age[part] = draw_ages(size, rng)
        gender[part] = rng.choice(len(GENDERS), size=size, p=gender_shares)
        departement[part] = rng.choice(len(where), size=size, p=where)
        # Heavy-tailed appetite for voting, a little higher with age.
        weight[part] = (rng.pareto(recipe.VOTES_PER_PARTICIPANT_SHAPE, size)
                        * band_weight[age_band_index(age[part])])
    votes = votes_per_participant(weight, total_votes, max_votes)
    return Participants(age, gender, departement, votes)


def draw_ages(count: int, rng: np.random.Generator) -> np.ndarray:
    bands = [(low, high or recipe.OLDEST_AGE) for _, low, high in AGE_BANDS]
    band = rng.choice(len(bands), size=count, p=list(recipe.AGE_BAND_SHARES.values()))
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    age = (low + np.floor(rng.random(count) * (high - low + 1))).astype(np.int8)
    age[rng.random(count) < recipe.MISSING_AGE_SHARE] = MISSING_AGE
    return age


def age_band_index(age: np.ndarray) -> np.ndarray:
    """Index into AGE_BANDS, -1 for a missing age."""
    lows = np.array([low for _, low, _ in AGE_BANDS])
    return np.where(age == MISSING_AGE, -1, np.searchsorted(lows, age, side="right") - 1)


def votes_per_participant(weight: np.ndarray, total_votes: int, max_votes: int) -> np.ndarray:
    """1 + an extra proportional to `weight`, capped at max_votes, the whole adding
    up to total_votes (largest fractional parts get the leftover votes). Works in
    chunks and overwrites `weight` with the fractional parts, to save memory."""
    count = len(weight)
    extra = total_votes - count
    if extra < 0 or count * max_votes < total_votes:
        raise ValueError(f"{count} participants cannot cast {total_votes} votes "
                         f"(1 to {max_votes} each)")
    cap = max_votes - 1
    scale = np.float32(_scale_for_sum(weight, extra, cap))
    result = np.empty(count, dtype=np.int32)
    for part in _chunks(count):
        scaled = weight[part] * scale
        whole = np.floor(scaled)
        result[part] = np.minimum(whole, cap)
        weight[part] = np.where(whole < cap, scaled - whole, -1.0)
    missing = extra - int(result.sum(dtype=np.int64))
    if missing:
        _add_one_to_largest(result, weight, missing)
    result += 1
    return result


def _add_one_to_largest(result: np.ndarray, fraction: np.ndarray, missing: int) -> None:
    """result[i] += 1 for the `missing` largest fractions, ties by index."""
    threshold = np.partition(fraction, len(fraction) - missing)[len(fraction) - missing]
    above = fraction > threshold
    result[above] += 1
    ties = np.flatnonzero(fraction == threshold)[: missing - int(above.sum())]
    result[ties] += 1


def _scale_for_sum(weight: np.ndarray, total: int, cap: int) -> float:
    """Largest scale s with sum(min(floor(s*w), cap)) <= total (bisection)."""
    if total == 0:
        return 0.0
    low, high = 0.0, 1.0
    while _capped_sum(weight, high, cap) <= total:
        if high > 1e12:
            return high
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        if _capped_sum(weight, mid, cap) <= total:
            low = mid
        else:
            high = mid
        if high - low <= low * 1e-9:
            break
    return low


def _capped_sum(weight: np.ndarray, scale: float, cap: int) -> int:
    return sum(int(np.minimum(np.floor(weight[part] * np.float32(scale)), cap)
                   .sum(dtype=np.float64)) for part in _chunks(len(weight)))


def _chunks(count: int) -> list[slice]:
    return [slice(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
