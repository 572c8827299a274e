"""Load test of the dashboard: `python -m tests.load.run` (see tests/load/README.md)."""
