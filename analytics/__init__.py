"""The engine of the consultation dashboard, layered by the way data flows (README
"Project layout"): vocabulary, i18n and results_model, then inputs -> store -> metrics
-> consultations -> present, then the CLI, the bench, Spark and the demo on top; a layer
imports only those before it (tests/test_layout.py). Never imports streamlit."""
