"""Bad and hostile inputs, generated at test time (see build.py and hostile.py)."""
