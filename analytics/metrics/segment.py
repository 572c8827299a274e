"""A segment of participants (gender, age band, region) that every view can be
restricted to."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from analytics.inputs.tables import literal
from analytics.vocabulary import SEGMENT_DIMENSIONS

COLUMNS = {"gender": "gender", "age_band": "age_band", "region": "region_code"}


@dataclass(frozen=True)
class Segment:
    gender: str | None = None
    age_band: str | None = None
    region: str | None = None

    @property
    def is_everyone(self) -> bool:
        return not any(asdict(self).values())

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in asdict(self).items() if v]

    def where(self, alias: str = "p") -> str:
        """SQL condition on the participants relation."""
        return " AND ".join(f"{alias}.{COLUMNS[k]} = {literal(v)}" for k, v in self.items()) \
            or "true"

    @classmethod
    def parse(cls, text: str | None) -> Segment:
        """'gender=female,region=11' -> Segment(gender='female', region='11')."""
        if not text:
            return cls()
        values = {}
        for part in text.split(","):
            key, sep, value = part.partition("=")
            key = key.strip()
            if not sep or key not in SEGMENT_DIMENSIONS or not value.strip():
                raise ValueError(
                    f"invalid segment {part!r}: expected dimension=value with dimension one of "
                    f"{', '.join(SEGMENT_DIMENSIONS)}")
            values[key] = value.strip()
        return cls(**values)

    def __str__(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.items())


def segment_votes(segment: Segment, weighted: bool = False) -> str:
    """The votes relation, restricted to a segment's participants (with each
    voter's `weight` when weighted)."""
    if weighted:
        condition = "" if segment.is_everyone else (
            f"JOIN participants p ON p.participant_id = v.participant_id "
            f"WHERE {segment.where('p')}")
        return (f"(SELECT v.*, w.weight FROM votes v JOIN weights w "
                f"ON w.participant_id = v.participant_id {condition})")
    if segment.is_everyone:
        return "votes"
    return (f"(SELECT v.* FROM votes v JOIN participants p "
            f"ON p.participant_id = v.participant_id WHERE {segment.where('p')})")
