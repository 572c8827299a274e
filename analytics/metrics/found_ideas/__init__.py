"""Big ideas found in the proposals' texts (issue: where an input has no ideas
table). `find_ideas(proposals)` returns an IdeaSet; `IdeaFinder` is the estimator
behind it; `store` keeps results on disk, keyed by the texts' content."""

from analytics.metrics.found_ideas.finder import IdeaFinder, find_ideas
from analytics.metrics.found_ideas.ideaset import OTHER_NAME, IdeaSet, other_name

__all__ = ["IdeaFinder", "IdeaSet", "OTHER_NAME", "find_ideas", "other_name"]
