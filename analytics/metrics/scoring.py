"""Make.org's proposal scores (SPEC section 3), vectorised over count arrays.

A score carries its confidence: sums and differences add scores and combine
confidences as sqrt(c1² + c2²); `smallest` keeps the min score and the max
confidence. Everything works on numpy arrays (one value per proposal or idea)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMOOTH_VOTE = 0.33
SMOOTH_QUALIFICATION = 0.01
VOTE_KEYS = ("agree", "disagree", "neutral")
# Zone thresholds on the key scores (SPEC section 3; quoted by analytics.present.method).
MAJORITY = 0.6          # a >= 0.6: consensus; d >= 0.6: rejection
UNDECIDED = 0.4         # u >= 0.4: limbo (and below it, a clear side can be read)
MINORITY = 0.15         # the other side under 0.15


@dataclass(frozen=True)
class Score:
    score: np.ndarray
    confidence: np.ndarray

    def __add__(self, other: Score) -> Score:
        return Score(self.score + other.score, np.hypot(self.confidence, other.confidence))

    def __sub__(self, other: Score) -> Score:
        return Score(self.score - other.score, np.hypot(self.confidence, other.confidence))

    @property
    def lower(self) -> np.ndarray:
        return self.score - self.confidence

    @property
    def upper(self) -> np.ndarray:
        return self.score + self.confidence


def smallest(a: Score, b: Score) -> Score:
    return Score(np.minimum(a.score, b.score), np.maximum(a.confidence, b.confidence))


def key_score(count, n, key: str) -> Score:
    """s(k) = min((count + smooth) / (1 + n), 1) with its confidence."""
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    smooth = SMOOTH_VOTE if key in VOTE_KEYS else SMOOTH_QUALIFICATION
    score = np.minimum((count + smooth) / (1 + n), 1.0)
    p = (n * score + 2) / (n + 4)
    confidence = 2 * np.sqrt(p * (1 - p) / (n + 4))
    return Score(score, confidence)


@dataclass(frozen=True)
class Scores:
    """The composite scores of SPEC section 3 for a set of count arrays."""

    agree: Score
    disagree: Score
    neutral: Score
    top_score: Score
    controversy: Score
    rejection: Score
    engagement: Score


def compute_scores(counts: dict[str, np.ndarray]) -> Scores:
    """`counts` maps the twelve count keys to arrays of the same length."""
    n = counts["agree"] + counts["disagree"] + counts["neutral"]
    s = {key: key_score(counts[key], n, key) for key in (
        "agree", "disagree", "neutral", "likeIt", "doable", "noWay", "impossible",
        "platitudeAgree", "platitudeDisagree")}
    platitude = s["platitudeAgree"] + s["platitudeDisagree"]
    return Scores(
        agree=s["agree"],
        disagree=s["disagree"],
        neutral=s["neutral"],
        top_score=(s["agree"] + s["likeIt"] + s["doable"] - s["noWay"] - s["impossible"]
                   - platitude),
        controversy=smallest(s["agree"], s["disagree"]) + smallest(s["likeIt"], s["noWay"]),
        rejection=(s["disagree"] + s["noWay"] + s["impossible"] - s["likeIt"] - s["doable"]
                   - platitude),
        engagement=(s["likeIt"] - s["noWay"]) + (s["doable"] - s["impossible"]) - platitude,
    )


def zones(scores: Scores) -> np.ndarray:
    """Consensus, rejection, limbo or controversy from the agree/disagree/neutral key scores."""
    a, d, u = scores.agree.score, scores.disagree.score, scores.neutral.score
    consensus = (a >= MAJORITY) | ((u < UNDECIDED) & (d < MINORITY))
    rejection = (d >= MAJORITY) | ((u < UNDECIDED) & (a < MINORITY))
    limbo = u >= UNDECIDED
    return np.select([consensus, rejection, limbo], ["consensus", "rejection", "limbo"],
                     default="controversy")


def shares(counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Shares in percent of all votes (NaN where there is no vote)."""
    n = (counts["agree"] + counts["disagree"] + counts["neutral"]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        def pct(x):
            return np.where(n > 0, 100.0 * x / n, np.nan)
        return {
            "agree": pct(counts["agree"]),
            "disagree": pct(counts["disagree"]),
            "neutral": pct(counts["neutral"]),
            "like_it": pct(counts["likeIt"]),
            "doable": pct(counts["doable"]),
            "no_way": pct(counts["noWay"]),
            "impossible": pct(counts["impossible"]),
            "platitude": pct(counts["platitudeAgree"] + counts["platitudeDisagree"]),
        }
