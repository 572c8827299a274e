"""Inputs: what is read, checked and loaded (errors, limits, strict JSON, tables,
reference data, boundaries, titles, zip archives, vote-level bundles). The bottom
layer: imports nothing of analytics but vocabulary and i18n."""
