"""The consultation in time: when participants sit down to vote and when proposals
are submitted, following the campaign of recipe.py (launch peak, weekly rhythm,
media push, last-week rush).

Time runs in real seconds since midnight of launch day (local time). Each real hour
carries an intensity and the local clock time it shows, so the clocks going forward
on 27 March 2022 (02:00 -> 03:00 in Paris) leave no time that never existed there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.demo import recipe

HOUR = 3600
DAY = 24 * HOUR
FIRST_VOTE_DELAY = 300  # seconds between publication and the first possible vote
# A participant's votes on proposals published after their first sitting wait for a
# later sitting; proposals published in the same twentieth of the campaign share it.
RETURN_ERAS = 20
RETURN_SPREAD = 600  # seconds over which such a later sitting's votes spread
# Tags keeping the counter-based draws of one participant apart.
_FIRST_SITTING, _SITTING_SIZE, _NEXT_SITTING, _RETURN_SITTING = 1, 2, 3, 4


@dataclass(frozen=True)
class Campaign:
    """Intensity per real hour, as a cumulative share, and each hour's local clock."""

    local_start: np.ndarray  # int64 naive local epoch seconds at the start of each hour
    day: np.ndarray  # int64 local day of each hour, 0 = launch day
    cumulative: np.ndarray  # float64 share of the intensity up to the end of each hour

    @property
    def end(self) -> int:
        """Last second of the consultation (23:59:59 local on the last day)."""
        return len(self.local_start) * HOUR - 1

    @property
    def days(self) -> int:
        return int(self.day[-1]) + 1

    def time_at(self, share: np.ndarray) -> np.ndarray:
        """Inverse of share_before: the time by which `share` of the intensity is spent."""
        share = np.asarray(share, dtype=np.float64)
        hour = np.minimum(np.searchsorted(self.cumulative, share, side="right"),
                          len(self.cumulative) - 1)
        before = np.concatenate([[0.0], self.cumulative])[hour]
        within = (share - before) / (self.cumulative[hour] - before)
        seconds = hour * HOUR + np.floor(np.clip(within, 0.0, 1.0) * HOUR)
        return np.minimum(seconds.astype(np.int64), self.end)

    def share_before(self, seconds: np.ndarray) -> np.ndarray:
        seconds = np.asarray(seconds, dtype=np.int64)
        hour = np.minimum(seconds // HOUR, len(self.cumulative) - 1)
        before = np.concatenate([[0.0], self.cumulative])[hour]
        return before + (self.cumulative[hour] - before) * (seconds - hour * HOUR) / HOUR

    def after(self, seconds: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A time drawn from the intensity restricted to [seconds, end], u in [0, 1)."""
        share = self.share_before(seconds)
        return np.maximum(self.time_at(share + (1.0 - share) * u), seconds)

    def local(self, seconds: np.ndarray) -> np.ndarray:
        """Naive local epoch seconds (what the bundle writes) of real seconds."""
        hour = np.minimum(seconds // HOUR, len(self.local_start) - 1)
        return self.local_start[hour] + seconds - hour * HOUR

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        return self.day[np.minimum(seconds // HOUR, len(self.day) - 1)]


@functools.cache
def sittings() -> Campaign:
    """When participants sit down to vote."""
    return _campaign(_hours(), submissions=False)


@functools.cache
def submissions() -> Campaign:
    """When proposals are submitted: the same rhythm, front-loaded."""
    return _campaign(_hours(), submissions=True)


def _hours() -> pd.DatetimeIndex:
    """Local clock time at the start of every real hour of the consultation."""
    zone = recipe.CONSULTATION["timezone"]
    first = pd.Timestamp(recipe.CONSULTATION["start_date"], tz=zone)
    last = pd.Timestamp(recipe.CONSULTATION["end_date"], tz=zone) + pd.Timedelta(hours=23)
    utc = pd.date_range(first.tz_convert("UTC"), last.tz_convert("UTC"), freq="h")
    return utc.tz_convert(zone).tz_localize(None)


def _campaign(hours: pd.DatetimeIndex, submissions: bool) -> Campaign:
    start = hours[0].normalize()
    day = np.asarray((hours.normalize() - start).days, dtype=np.int64)
    weight = (_day_factor(hours.normalize().unique(), start)[day]
              * np.asarray(recipe.WEEKDAY_WEIGHT)[hours.day_of_week]
              * np.asarray(recipe.HOUR_WEIGHT)[hours.hour])
    weekend_morning = (hours.day_of_week >= 5) & (hours.hour >= 7) & (hours.hour <= 10)
    weight = np.where(weekend_morning, weight * recipe.WEEKEND_MORNING_WEIGHT, weight)
    weight = np.where((day == 0) & (hours.hour < recipe.OPENING_HOUR), 0.0, weight)
    if submissions:
        weight = weight * np.exp(-day / recipe.PROPOSAL_DECAY_DAYS)
    local = hours.values.astype("datetime64[s]").astype(np.int64)
    return Campaign(local, day, np.cumsum(weight) / weight.sum())


def _day_factor(days: pd.DatetimeIndex, start: pd.Timestamp) -> np.ndarray:
    """Launch decay, dated periods, the media push and the last-week rush, per day."""
    index = np.arange(len(days))
    factor = 1.0 + recipe.LAUNCH_BOOST * np.exp(-index / recipe.LAUNCH_DECAY_DAYS)
    for first, last, value, _why in recipe.CAMPAIGN_PERIODS:
        factor[(days >= first) & (days <= last)] *= value
    push = days.get_loc(pd.Timestamp(recipe.MEDIA_PUSH_DATE))
    for offset, value in enumerate(recipe.MEDIA_PUSH_FACTORS):
        factor[push + offset] *= value
    rush = recipe.LAST_WEEK_RUSH
    factor[len(days) - len(rush):] *= rush
    return factor


# --- votes ------------------------------------------------------------------------------------


def uniform(key: int, tag: int, *parts: np.ndarray) -> np.ndarray:
    """Counter-based uniforms in [0, 1) (SplitMix64 finaliser): the same key, tag and
    parts always give the same number, so a participant's sittings need no storage
    and come out the same in whichever chunk their votes are written."""
    x = np.full(np.shape(parts[0]), np.uint64((key * 1_000_003 + tag) % 2**64))
    for part in parts:
        x = _mix(x ^ np.asarray(part).astype(np.uint64))
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _mix(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def vote_times(participant: np.ndarray, rank: np.ndarray, published: np.ndarray, key: int,
               rng: np.random.Generator) -> np.ndarray:
    """Real seconds of each vote. A participant's votes come in sittings of a few
    votes (their own sitting size): the first sitting follows the campaign (so new
    participants per day do too), later ones any time after it. A vote whose
    proposal was not yet published at its sitting waits for a later sitting."""
    campaign = sittings()
    first = campaign.time_at(uniform(key, _FIRST_SITTING, participant))
    low, high = recipe.SITTING_VOTES
    size = low + np.floor(uniform(key, _SITTING_SIZE, participant) * (high - low + 1))
    sitting = (rank // size).astype(np.int64)
    start = first.copy()
    again = np.flatnonzero(sitting)
    start[again] = campaign.after(first[again], uniform(key, _NEXT_SITTING, participant[again],
                                                        sitting[again]))
    position = (rank % size).astype(np.int64)
    voted = start + (position * recipe.SECONDS_PER_VOTE
                     + rng.integers(0, recipe.SECONDS_PER_VOTE, len(rank)))
    ready = published + FIRST_VOTE_DELAY
    late = np.flatnonzero(voted < ready)
    if len(late):
        voted[late] = _return_sitting(campaign, participant[late], ready[late], key, rng)
    return np.minimum(voted, campaign.end)


def _return_sitting(campaign: Campaign, participant: np.ndarray, ready: np.ndarray, key: int,
                    rng: np.random.Generator) -> np.ndarray:
    """One later sitting per participant and era of publication; a vote it would
    still come too early for gets a time of its own after its proposal."""
    era = np.floor(campaign.share_before(ready) * RETURN_ERAS)
    low = era / RETURN_ERAS
    share = low + (1.0 - low) * uniform(key, _RETURN_SITTING, participant, era)
    voted = campaign.time_at(share) + rng.integers(0, RETURN_SPREAD, len(ready))
    early = voted < ready
    voted[early] = campaign.after(ready[early], rng.random(int(early.sum())))
    return voted
