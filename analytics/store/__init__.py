"""The DuckDB vote store: the consultation cache (cache.py), validated bundles kept
as DuckDB files. Imports only inputs (and vocabulary, i18n)."""
