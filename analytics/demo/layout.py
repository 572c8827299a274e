"""Which participants vote on which proposal, without ever listing all votes.

Participants are sorted by how many votes they cast (most first). The vote stream
is a sequence of rounds: round r lists, in that order, every participant casting
more than r votes, so each participant appears exactly as often as their vote
count and two appearances of the same participant are a whole round apart.
Proposals, largest first, take consecutive slices of the stream. A slice that stays
in one round, or spans two rounds while being no longer than the first of them,
cannot hold the same participant twice, so nobody votes twice on a proposal (the
heavy-tailed vote counts are capped until every slice qualifies). Any slice of
the stream is computed on demand.
"""

from __future__ import annotations

import numpy as np

_SORT_CHUNK = 2_000_000


class VoteLayout:
    def __init__(self, votes_per_participant: np.ndarray, votes_per_proposal: np.ndarray,
                 rng: np.random.Generator):
        self.order = _participants_by_votes(votes_per_participant, rng)
        counts = np.bincount(votes_per_participant)
        # round_size[r] = participants casting more than r votes
        self.round_size = (counts[::-1].cumsum()[::-1][1:]).astype(np.int64)
        self.round_start = np.concatenate([[0], np.cumsum(self.round_size)[:-1]])
        # proposals in stream order: most votes first, ties by index
        self.proposal_order = np.lexsort((np.arange(len(votes_per_proposal)),
                                          -votes_per_proposal))
        sizes = votes_per_proposal[self.proposal_order].astype(np.int64)
        self.proposal_end = np.cumsum(sizes)
        self.proposal_start = self.proposal_end - sizes

    def is_feasible(self) -> bool:
        """No proposal's slice holds a participant twice: it stays in one round, or
        spills into the next one by no more than it left of its first round."""
        sizes = self.proposal_end - self.proposal_start
        first = self._round_of(self.proposal_start)
        last = self._round_of(np.maximum(self.proposal_end - 1, self.proposal_start))
        fits = (last == first) | ((last == first + 1) & (sizes <= self.round_size[first]))
        return bool(fits.all())

    def _round_of(self, position: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.round_start, position, side="right") - 1

    def voters(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Participant indices at stream positions [start, stop), and each one's
        round there: the rank of that vote among the participant's votes."""
        position = np.arange(start, stop, dtype=np.int64)
        rounds = self._round_of(position)
        return self.order[position - self.round_start[rounds]], rounds


def _participants_by_votes(votes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Participant indices by votes cast, descending, ties in random order: a stable
    counting sort of a shuffled index, chunk by chunk, so that no 8-byte index of
    every participant is ever built."""
    shuffled = rng.permutation(np.arange(len(votes), dtype=np.int32))
    per_level = np.bincount(votes)
    cursor = np.concatenate([[0], np.cumsum(per_level[::-1])])[:-1][::-1].copy()
    order = np.empty(len(votes), dtype=np.int32)
    for start in range(0, len(votes), _SORT_CHUNK):
        ids = shuffled[start:start + _SORT_CHUNK]
        level = votes[ids]
        by_level = np.argsort(-level, kind="stable")
        ids, level = ids[by_level], level[by_level]
        values, first, size = np.unique(level, return_index=True, return_counts=True)
        for value, at, n in zip(values, first, size, strict=True):
            order[cursor[value]:cursor[value] + n] = ids[at:at + n]
            cursor[value] += n
    return order
