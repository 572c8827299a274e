"""A valid vote-level bundle whose every piece of text is hostile: HTML, scripts,
markdown links and emphasis, a 300-character word, right-to-left scripts, emoji
with ZWJ sequences, LaTeX and emoji shortcodes. Shown anywhere, it must read
exactly as typed and run nothing.

The script payloads set ``window.__xss`` (and call alert) so that a browser test
can tell whether any of them ever ran."""

from __future__ import annotations

import json
import random
from pathlib import Path

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__xss=2;alert(2)">'
SVG = "<svg onload=window.__xss=3>"
BOLD = "<b>bold</b>"
LINK = "[click](javascript:window.__xss=4)"
MD_BOLD = "**bold**"
LONG_WORD = "Anticonstitutionnellement" * 12          # one word, 300 characters
ARABIC = "مرحبا بالعالم 2024، نعم!"
HEBREW = "שלום עולם 123 (בדיקה)"
EMOJI = "👩\u200d👩\u200d👧\u200d👦 👨🏽\u200d💻 🏳️\u200d🌈"
LATEX = "$x^2$"
SHORTCODE = ":smile: :material/home: :red[rouge] :streamlit: a -> b"
# A spreadsheet runs a cell starting with =, +, - or @: downloads must neutralise it.
FORMULA = '=HYPERLINK("http://evil.example","clic")'
FORMULA_AUTHOR = "@SUM(A1:A9)"

PAYLOADS = (SCRIPT, IMG, SVG, BOLD, LINK, MD_BOLD, LONG_WORD, ARABIC, HEBREW, EMOJI, LATEX,
            SHORTCODE)
# Texts that must appear as typed (a short, distinctive piece of each).
VISIBLE = ("<script>", "<img src=x", "<b>bold</b>", "[click](javascript:", "**bold**",
           "$x^2$", ":smile:", "שלום עולם", "مرحبا", "👩\u200d👩\u200d👧\u200d👦")


def text(index: int, prefix: str = "") -> str:
    """A hostile text: `prefix` then one payload, another, and a third (cycling)."""
    parts = [PAYLOADS[(index + k * 5) % len(PAYLOADS)] for k in range(3)]
    return (prefix + " " + " ".join(parts)).strip()


AXES = [f"Axe {BOLD} {ARABIC}", f"Axis {LINK} {EMOJI} {LONG_WORD}"]
IDEAS = [
    {"idea_id": "i1", "name": f"Idée {SCRIPT} {LONG_WORD}", "axis": AXES[0]},
    {"idea_id": "i2", "name": f"Idée {IMG} {HEBREW}", "axis": AXES[0]},
    {"idea_id": "i3", "name": f"Idée {MD_BOLD} {LATEX} {SHORTCODE}", "axis": AXES[1]},
]
AUTHORS = [SCRIPT, IMG, BOLD, LINK, MD_BOLD, LONG_WORD, ARABIC, HEBREW, EMOJI, LATEX,
           SHORTCODE, FORMULA_AUTHOR]
TAGS = [f"theme:{BOLD}", f"theme:{ARABIC}", f"acteur:{SCRIPT}", f"acteur:{EMOJI}",
        f"theme:{LINK}", f"theme:{MD_BOLD} {LONG_WORD}", f"theme:{LATEX}"]
REGIONS = [f"Région {BOLD}", f"Région {HEBREW}", f"Région {SCRIPT} {LONG_WORD}"]
CONSULTATION = {
    "slug": "hostile",
    "title": f"Titre {SCRIPT} {BOLD} {LINK}",
    "question": f"Question {IMG} {MD_BOLD} {ARABIC} {LATEX} ?",
    "context": f"Contexte {SVG} {LINK} {HEBREW} {EMOJI} {SHORTCODE} {LONG_WORD}\n# titre",
    "partners": [f"Partenaire {BOLD}", f"Partner {SCRIPT}", f"{LINK}", ARABIC],
    # Not FR: region_code is then a free label, shown as written.
    "language": "fr", "country": "BE",
    "start_date": "2024-01-01", "end_date": "2024-02-01", "votes_target": 5000,
}
N_PROPOSALS = 12
N_PARTICIPANTS = 160


def proposals() -> list[dict]:
    rows = []
    for i in range(N_PROPOSALS):
        rows.append({
            "proposal_id": f"p{i + 1:02d}",
            "content": (FORMULA + " " if i == N_PROPOSALS - 1 else "")
            + text(i, f"Il faut {i + 1}"),
            "author_name": AUTHORS[i % len(AUTHORS)],
            "author_age": str(18 + i),
            "idea_id": IDEAS[i % len(IDEAS)]["idea_id"],
            "tags": "|".join([TAGS[i % len(TAGS)], TAGS[(i + 3) % len(TAGS)]]),
            "created_at": "2024-01-15",
        })
    return rows


def participants() -> list[dict]:
    genders = ("female", "male")
    return [{"participant_id": f"u{k}", "gender": genders[k % 2], "age": str(16 + k % 50),
             "region_code": REGIONS[k % len(REGIONS)]} for k in range(N_PARTICIPANTS)]


def votes() -> list[dict]:
    """Two camps voting opposite ways on the first half of the proposals (so that
    opinion groups exist), everyone split on the rest (so that controversial and
    rejected lists fill). Deterministic."""
    rng = random.Random(7)
    rows = []
    for k in range(N_PARTICIPANTS):
        camp = k % 4 < 2
        for i in range(N_PROPOSALS):
            if i < N_PROPOSALS // 2:
                vote = "agree" if camp == (i % 2 == 0) else "disagree"
                if rng.random() < 0.15:
                    vote = "neutral"
            else:
                vote = rng.choice(("agree", "agree", "disagree", "disagree", "neutral"))
            qualification = ""
            if vote == "agree" and rng.random() < 0.4:
                qualification = rng.choice(("likeIt", "doable", "platitudeAgree"))
            elif vote == "disagree" and rng.random() < 0.4:
                qualification = rng.choice(("noWay", "impossible", "platitudeDisagree"))
            rows.append({"proposal_id": f"p{i + 1:02d}", "participant_id": f"u{k}",
                         "vote": vote, "qualification": qualification})
    return rows


def actions() -> list[dict]:
    return [{"name": f"Action {SCRIPT} {BOLD}", "description": f"Décrire {IMG} {LINK}",
             "objective": f"Objectif {MD_BOLD} {HEBREW} {LONG_WORD}",
             "carriers": [f"Porteur {SVG}", EMOJI], "proposal_ids": ["p01", "p02"],
             "quotes": [f"Citation {LATEX} {SHORTCODE}", ARABIC]}]


def write_hostile_bundle(folder: Path) -> Path:
    """The hostile bundle, as CSV files in `folder` (created)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consultation.json").write_text(json.dumps(CONSULTATION, ensure_ascii=False),
                                              encoding="utf-8")
    (folder / "actions.json").write_text(json.dumps(actions(), ensure_ascii=False),
                                         encoding="utf-8")
    for name, rows in (("proposals", proposals()), ("ideas", IDEAS),
                       ("participants", participants()), ("votes", votes())):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


if __name__ == "__main__":
    import sys

    print(write_hostile_bundle(Path(sys.argv[1])))
