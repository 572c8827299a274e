"""The words of the domain: votes, qualifications, zones, age bands."""

from __future__ import annotations

VOTES = ("agree", "disagree", "neutral")

# Make.org's qualification keys, allowed per vote (SPEC section 2).
QUALIFICATIONS = {
    "agree": ("likeIt", "doable", "platitudeAgree"),
    "disagree": ("noWay", "impossible", "platitudeDisagree"),
    "neutral": ("doNotUnderstand", "noOpinion", "doNotCare"),
}
QUALIFICATION_KEYS = tuple(k for keys in QUALIFICATIONS.values() for k in keys)
# Count keys in the order of SPEC section 6.
COUNT_KEYS = (
    "agree", "disagree", "neutral",
    "likeIt", "doable", "platitudeAgree",
    "noWay", "impossible", "platitudeDisagree",
    "doNotUnderstand", "noOpinion", "doNotCare",
)

ZONES = ("consensus", "controversy", "rejection", "limbo")

GENDERS = ("female", "male", "other")

# Default age bands (SPEC section 3): (label, lowest age, highest age or None).
AGE_BANDS = (
    ("8-15", 8, 15),
    ("16-24", 16, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
)

SEGMENT_DIMENSIONS = ("gender", "age_band", "region")

# Privacy threshold (SPEC section 5).
MIN_SEGMENT_PARTICIPANTS = 10


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def ordered_labels(dimension: str, labels: list[str]) -> list[str]:
    if dimension == "gender":
        order = list(GENDERS)
    elif dimension == "age_band":
        order = [label for label, _, _ in AGE_BANDS]
    else:
        order = []
    known = [label for label in order if label in labels]
    return known + sorted(label for label in labels if label not in order)
