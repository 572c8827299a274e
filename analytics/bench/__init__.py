"""The benches (`python -m analytics bench`): votes.py (engine against pandas, Polars
and the pages), ideas.py (ideas found in the texts), groups.py (opinion groups against
Polis's own). On top, beside the CLI; nothing else imports them."""
