"""`python -m analytics bench --ideas`: how well and how fast ideas are found in
the proposals' texts (analytics.metrics.found_ideas), on real and rebuilt consultations.

Inputs (each prepared here as a Parquet file of proposal_id, content, votes and,
where known, the real idea, then measured in a fresh process of its own,
`python -m analytics.bench.ideas SPEC`, so that one input's memory does not hide
another's; the peak is reset once the file is read, so it is the finding's):

- demo: the #SolutionsJeunes demo bundle (analytics.demo.generate, seed 2022) with
  its ideas table hidden. The found ideas are compared with the demo's real
  `idea_id` by the adjusted Rand index (ARI), over the proposals that have a real
  idea (a found "other" counts as one more label) and over all proposals ("no
  idea" a class of its own, on both sides).
- export: Make.org's open-data export of "Le monde d'après" (18,690 proposals).
- polis:NAME: each Polis conversation (comments moderated out left out).
- scale-N (`--ideas-scale N`): N proposals, the export's texts repeated with
  varied endings (the demo recipe at that size when the export is absent).

Every run is `find_ideas(..., cache=False)`, so the figures are the computation's.
A baseline, TF-IDF (the project's stop words) + k-means on the proposals with the
same k, runs on the demo and the export, to show what the kept method adds.
Real data is read from $CONSULTATIONS_DATA (default /work/shared/data); what is
absent is left out and said so."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
DATA_VARIABLE = "CONSULTATIONS_DATA"
DEFAULT_DATA = Path("/work/shared/data")
EXPORT = Path("makeorg-open-data") / "mondedapres_2020_05_28.csv"
POLIS = Path("polis")
DEMO_SEED = 2022
NAMED_GOAL = 0.85
SCALE_GOALS = {"seconds": 180, "peak_mb": 2048}
# Endings that the scale input adds to the export's texts, as citizens rewrite one
# another's proposals.
ENDINGS = ("", "dans chaque département", "pour les jeunes", "le plus vite possible",
           "partout en France", "avec les associations", "dès l'école", "pour tous",
           "en concertation avec les citoyens", "dans les territoires ruraux",
           "au niveau européen", "sans attendre")


def data_root() -> Path:
    return Path(os.environ.get(DATA_VARIABLE) or DEFAULT_DATA)


# -- inputs ----------------------------------------------------------------------------------

def demo_proposals(folder: Path) -> pd.DataFrame:
    """The demo bundle's proposals: proposal_id, content, votes (counted from the
    votes table), truth (the real idea_id, None when in no idea)."""
    from analytics.demo import generate

    generate(folder, seed=DEMO_SEED)
    proposals = pd.read_csv(folder / "proposals.csv", dtype=str, keep_default_na=False)
    votes = pd.read_parquet(folder / "votes.parquet", columns=["proposal_id"])
    counts = votes["proposal_id"].value_counts()
    return pd.DataFrame({
        "proposal_id": proposals["proposal_id"],
        "content": proposals["content"],
        "votes": proposals["proposal_id"].map(counts).fillna(0).astype(int),
        "truth": proposals["idea_id"].replace("", None)})


def export_proposals(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"proposition": str}, keep_default_na=False)
    return pd.DataFrame({
        "proposal_id": [f"e{i:05d}" for i in range(len(raw))],
        "content": raw["proposition"],
        "votes": pd.to_numeric(raw["votes"], errors="coerce").fillna(0).astype(int)})


def polis_proposals(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"comment-body": str}, keep_default_na=False)
    if "moderated" in raw:
        raw = raw[pd.to_numeric(raw["moderated"], errors="coerce") != -1]
    votes = 0
    for column in ("agrees", "disagrees"):
        if column in raw:
            votes = votes + pd.to_numeric(raw[column], errors="coerce").fillna(0)
    return pd.DataFrame({
        "proposal_id": raw["comment-id"].astype(str).to_numpy(),
        "content": raw["comment-body"].to_numpy(),
        "votes": np.asarray(votes if not isinstance(votes, int) else np.zeros(len(raw)),
                            dtype=int)})


def scale_proposals(n: int, export: pd.DataFrame | None, folder: Path) -> pd.DataFrame:
    """n proposals: the export's texts, each round with another ending (so few are
    exact duplicates); the demo recipe at that size when the export is absent."""
    if export is None:
        from analytics.demo import generate

        generate(folder, seed=DEMO_SEED, proposals=n, votes=2 * n, participants=n)
        proposals = pd.read_csv(folder / "proposals.csv", dtype=str, keep_default_na=False)
        return pd.DataFrame({"proposal_id": proposals["proposal_id"],
                             "content": proposals["content"], "votes": 0})
    texts = export["content"].tolist()
    rows = []
    for i in range(n):
        base = texts[i % len(texts)].rstrip(" .!")
        ending = ENDINGS[(i // len(texts) + i) % len(ENDINGS)] if i >= len(texts) else ""
        rows.append(f"{base} {ending}".strip())
    return pd.DataFrame({"proposal_id": [f"s{i:06d}" for i in range(n)], "content": rows,
                         "votes": np.asarray(export["votes"].to_numpy()[np.arange(n) %
                                                                        len(texts)])})


def prepare(folder: Path, *, scale: int | None = None, polis: bool = True,
            export: bool = True, echo=None) -> tuple[list[dict], list[str]]:
    """Write each input's proposals to folder/NAME.parquet; (inputs, notes on what
    is left out)."""
    say = echo or (lambda line: None)
    inputs, notes = [], []

    def keep(name: str, kind: str, table: pd.DataFrame) -> None:
        path = folder / f"{name.replace(':', '-')}.parquet"
        table.to_parquet(path, index=False)
        inputs.append({"input": name, "kind": kind, "path": str(path)})

    say("building the demo bundle")
    keep("demo", "demo", demo_proposals(folder / "demo-bundle"))
    root = data_root()
    exported = None
    if export and (root / EXPORT).is_file():
        exported = export_proposals(root / EXPORT)
        keep("export", "export", exported)
    elif export:
        notes.append(f"export left out: {root / EXPORT} not found")
    if polis:
        found = sorted((root / POLIS).glob("*/comments.csv"))
        for path in found:
            keep(f"polis:{path.parent.name}", "polis", polis_proposals(path))
        if not found:
            notes.append(f"Polis conversations left out: none under {root / POLIS}")
    if scale:
        if exported is None and (root / EXPORT).is_file():
            exported = export_proposals(root / EXPORT)
        say(f"building {scale:,} proposals")
        keep(f"scale-{scale}", "scale", scale_proposals(scale, exported,
                                                         folder / "scale-bundle"))
        if exported is None:
            notes.append("scale input: the demo recipe (the export is absent)")
    return inputs, notes


# -- the baseline ---------------------------------------------------------------------------

def baseline_labels(texts: list[str], language: str, k: int, random_state: int = 0
                    ) -> np.ndarray:
    """TF-IDF on the proposals (words, the project's stop words and boilerplate left
    out; character 2-3-grams for languages written without spaces) and k-means with
    k clusters: every proposal is in a cluster; -1 only for a text with no feature."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analytics.metrics.found_ideas import text

    if text.is_character_language(language):
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2,
                                     sublinear_tf=True)
    else:
        vectorizer = TfidfVectorizer(stop_words=sorted(text.stop_words(language)),
                                     min_df=2, sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b")
    with warnings.catch_warnings():     # stop words sklearn's tokenizer would split
        warnings.simplefilter("ignore", UserWarning)
        matrix = vectorizer.fit_transform(texts)
    present = matrix.getnnz(axis=1) > 0
    labels = np.full(len(texts), -1)
    if present.sum() >= k:
        labels[present] = KMeans(k, n_init=10, random_state=random_state).fit_predict(
            matrix[present])
    return labels


# -- one input, in its own process ----------------------------------------------------------

def _labels_of(idea_of: dict, ids: list[str]) -> list[str]:
    return [idea_of.get(p) or "(other)" for p in ids]


def agreement(found: list[str], truth: list) -> dict:
    """ARI over the proposals with a real idea, and over all ("no idea" a class)."""
    from sklearn.metrics import adjusted_rand_score

    has = [t is not None for t in truth]
    ari_ideas = adjusted_rand_score([t for t, h in zip(truth, has, strict=True) if h],
                                    [f for f, h in zip(found, has, strict=True) if h])
    ari_all = adjusted_rand_score([t if t is not None else "(none)" for t in truth], found)
    return {"ari": round(float(ari_ideas), 4), "ari_all": round(float(ari_all), 4)}


def measure(spec: dict) -> dict:
    """Find the ideas of one prepared input here: figures, and with spec['show'] the
    largest ideas with example texts."""
    from analytics.bench import votes as bench
    from analytics.metrics.found_ideas import find_ideas, text
    from analytics.metrics.found_ideas.finder import default_ideas

    table = pd.read_parquet(spec["path"])
    truth = table.pop("truth").tolist() if "truth" in table else None
    truth = [None if t is None or t != t else t for t in truth] if truth else None
    ids = table["proposal_id"].astype(str).tolist()
    n = len(ids)
    method = spec.get("method", "found")
    bench._reset_peak()
    start = time.perf_counter()
    if method == "baseline":
        texts = ["" if not isinstance(t, str) else t for t in table["content"]]
        language = text.detect_language(texts)
        k = default_ideas(n)
        labels = baseline_labels(texts, language, k)
        found = [f"c{g}" if g >= 0 else "(other)" for g in labels.tolist()]
        sizes = pd.Series([f for f in found if f != "(other)"]).value_counts()
        result = {"language": language, "ideas": int(len(sizes)),
                  "named": float(np.mean(labels >= 0)) if n else 0.0}
        shown = []
    else:
        idea_set = find_ideas(table, cache=False)
        found = _labels_of(idea_set.idea_of(), ids)
        sizes = pd.Series(idea_set.sizes(), dtype=int).sort_values(ascending=False)
        result = {"language": idea_set.language, "ideas": int(len(idea_set.ideas)),
                  "named": 1 - idea_set.unassigned / n if n else 0.0}
        shown = _largest(idea_set, table, spec.get("show", 0))
    seconds = time.perf_counter() - start
    result.update({"input": spec["input"], "method": method, "proposals": n,
                   "seconds": round(seconds, 2), "peak_mb": round(bench._peak_mb(), 1),
                   "largest": round(float(sizes.iloc[0]) / n, 4) if len(sizes) else 0.0,
                   "named": round(result["named"], 4)})
    if truth is not None:
        result.update(agreement(found, truth))
        result["real_ideas"] = len({t for t in truth if t is not None})
    if shown:
        result["shown"] = shown
    return result


def _largest(idea_set, table: pd.DataFrame, count: int) -> list[dict]:
    if not count:
        return []
    texts = dict(zip(table["proposal_id"].astype(str), table["content"], strict=True))
    sizes = idea_set.sizes()
    rows = sorted(idea_set.ideas.itertuples(index=False),
                  key=lambda row: (-sizes.get(row.idea_id, 0), row.idea_id))[:count]
    return [{"idea_id": row.idea_id, "name": row.name, "axis": row.axis,
             "proposals": int(sizes.get(row.idea_id, 0)), "keywords": list(row.keywords),
             "examples": [texts.get(p, "") for p in row.examples]} for row in rows]


def spawn(spec: dict) -> dict:
    """measure(spec) in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "analytics.bench.ideas", json.dumps(spec)],
                          cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"input": spec["input"], "method": spec.get("method", "found"),
                "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the whole bench --------------------------------------------------------------------------

BASELINE_INPUTS = ("demo", "export")


def run(*, scale: int | None = None, show: int = 10, baseline: bool = True,
        polis: bool = True, export: bool = True, echo=None) -> dict:
    """Prepare the inputs, measure each in its own process; {"rows", "notes"}."""
    say = echo or (lambda line: None)
    with tempfile.TemporaryDirectory(prefix="bench-ideas-") as folder:
        inputs, notes = prepare(Path(folder), scale=scale, polis=polis, export=export,
                                echo=say)
        rows = []
        for item in inputs:
            methods = ["found"] + (["baseline"] if baseline and
                                   item["input"] in BASELINE_INPUTS else [])
            for method in methods:
                spec = {**item, "method": method,
                        "show": show if item["input"] == "export" and method == "found"
                        else 0}
                say(f"{item['input']} ({method})")
                rows.append(spawn(spec))
                say(json.dumps({k: v for k, v in rows[-1].items() if k != "shown"},
                               ensure_ascii=False))
    return {"rows": rows, "notes": notes, "goals": {"named": NAMED_GOAL, **SCALE_GOALS}}


def _cell(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-".rjust(int(fmt.split(".")[0]))
    return format(value, fmt)


def report(outcome: dict) -> str:
    from analytics.bench.votes import machine

    header = (f"{'input':<34} {'method':<9} {'lang':<4} {'props':>7} {'ideas':>5} "
              f"{'named':>7} {'largest':>7} {'ARI':>6} {'ARI all':>7} {'seconds':>8} "
              f"{'peak MB':>8}")
    lines = [f"found ideas bench (cache off): {machine()}", "", header, "-" * len(header)]
    for row in outcome["rows"]:
        if "error" in row:
            lines.append(f"{row['input']:<34} {row['method']:<9} error: {row['error']}")
            continue
        goal = ""
        if row["method"] == "found" and row["input"] != "demo" and \
                not row["input"].startswith("polis:"):
            goal = "" if row["named"] >= NAMED_GOAL else f"  (named < {NAMED_GOAL:.0%})"
        if row["input"].startswith("scale-"):
            slow = row["seconds"] > SCALE_GOALS["seconds"] or \
                row["peak_mb"] > SCALE_GOALS["peak_mb"]
            goal += (f"  (goal < {SCALE_GOALS['seconds']} s, < {SCALE_GOALS['peak_mb']} MB: "
                     f"{'missed' if slow else 'met'})")
        lines.append(
            f"{row['input'][:34]:<34} {row['method']:<9} {row['language'] or '-':<4} "
            f"{row['proposals']:>7,} {row['ideas']:>5} {_cell(row['named'], '7.1%')} "
            f"{_cell(row['largest'], '7.1%')} {_cell(row.get('ari'), '6.3f')} "
            f"{_cell(row.get('ari_all'), '7.3f')} {row['seconds']:>8.1f} "
            f"{row['peak_mb']:>8.0f}{goal}")
    lines += ["", "named: share of the proposals in an idea (the rest in the \"other\" group; "
                  "the baseline puts every proposal in a cluster).",
              "largest: share of the proposals in the largest idea.",
              "ARI: adjusted Rand index against the demo's real ideas, over the proposals "
              "that have one (found \"other\" is a label); ARI all: over every proposal, "
              "\"no idea\" a class.",
              "peak MB: peak resident memory of the input's own process while finding "
              "(reset once the input is read)."]
    lines += [f"note: {note}" for note in outcome["notes"]]
    for row in outcome["rows"]:
        if row.get("shown"):
            lines += ["", f"the {len(row['shown'])} largest ideas of {row['input']}:"]
            for rank, idea in enumerate(row["shown"], start=1):
                lines.append(f"{rank:>2}. {idea['name']} ({idea['proposals']:,} proposals; "
                             f"axis: {idea['axis']}; keywords: {', '.join(idea['keywords'])})")
                lines += [f"      - {_short(example)}" for example in idea["examples"]]
    return "\n".join(lines)


def _short(value: str, width: int = 150) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= width else value[:width - 1] + "…"


def _main(argv: list[str]) -> None:
    print(json.dumps(measure(json.loads(argv[0])), ensure_ascii=False))


if __name__ == "__main__":
    _main(sys.argv[1:])
