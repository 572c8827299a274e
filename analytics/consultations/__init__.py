"""Consultations: each kind of input opened as a Source (source.py), the readers
(published, polis, opendata), the catalog of the data folders and open.py, which
detects the kind and opens it (cached bundles included). Below present and the CLI."""
