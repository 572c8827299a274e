"""The demo consultation: Make.org's #SolutionsJeunes (2022) rebuilt as a
vote-level bundle that reproduces its published results, and the same recipe at
any size for benchmarks."""

from analytics.demo.generator import DEFAULT_DEMO_DIR, ensure_demo, generate

__all__ = ["DEFAULT_DEMO_DIR", "ensure_demo", "generate"]
