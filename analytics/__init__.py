"""The engine of the consultation dashboard: readers, validation, DuckDB
queries, metrics, results, exports and the CLI. Never imports streamlit."""
