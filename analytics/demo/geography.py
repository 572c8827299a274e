"""French régions and départements (INSEE codes) for synthetic participants,
weighted by population: the project's reference table (data/reference)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from analytics.demo import recipe
from analytics.inputs import reference


@dataclass(frozen=True)
class Departements:
    codes: tuple[str, ...]
    region_codes: tuple[str, ...]
    population: np.ndarray

    def participant_weights(self) -> np.ndarray:
        """Where participants live: population, times the région's over- or
        under-representation in the consultation."""
        boost = np.array([recipe.REGION_REPRESENTATION[r] for r in self.region_codes])
        weights = self.population * boost
        return weights / weights.sum()


@cache
def departements() -> Departements:
    table = reference.departements()
    return Departements(
        codes=tuple(table["code"]),
        region_codes=tuple(table["region_code"]),
        population=table["population"].to_numpy(dtype=np.float64),
    )
