"""Metrics: the results computed from the loaded tables (scores, statistics, segments,
weighting, timeline, opinion groups, big ideas found in the texts, the engine that puts
them together). Imports inputs and store, never consultations or present."""
