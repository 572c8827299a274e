"""Make.org's proposal-level open data (SPEC section 1): a CSV with one row per
proposal, `proposition,auteur,age,votes,adhesion,engagement,score`.

Make.org's notes on the columns (makeorg-open-data/open_data.md):
- adhésion: the share of "Pour" (agree) votes;
- engagement: the net share of positive qualifications (Coup de cœur,
  Réaliste) minus negative ones (Surtout pas, Infaisable, Banalité); it can be
  negative;
- score = adhésion + engagement;
- a "plébiscite" has at least 90 votes, 80 % adhesion and 37 % engagement
  (the rule of "Le Monde d'après"; `plebiscites` takes other thresholds).
In the file both shares are fractions (0.97 = 97 %); a file giving them in
percent (any adhesion above 1) is read as percent and said so in a warning.
The intermediate export (proposition, auteur, age only) is read too.

The same indicators are computed for vote-level data (a bundle or Polis), so
that the explorer applies one rule to every kind: adhesion = share of agree
votes, engagement = Coup de cœur + Réaliste − Surtout pas − Infaisable −
Banalité shares, score = top_score lower bound."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from analytics.consultations.source import Source, idea_notes
from analytics.inputs.bundle import Rule, _apply_rules, _integer_outside, listed, new_connection
from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.limits import check_size
from analytics.inputs.tables import RawTable, quote, read_table
from analytics.inputs.titles import slugify
from analytics.metrics.engine import (
    DEFAULT_OPTIONS,
    Options,
    found_ideas_note,
    found_ideas_summary,
    found_similarities,
)
from analytics.results_model import Axis, Consultation, Idea, Note, Proposal, Results, Shares

COLUMNS = ("proposition", "auteur", "age", "votes", "adhesion", "engagement", "score")
# Other names the same columns are given (English exports, accents, case).
ALIASES = {
    "proposition": ("proposition", "proposal", "content", "contenu", "texte", "text"),
    "auteur": ("auteur", "author", "author_name", "prenom", "first_name", "firstname"),
    "age": ("age", "author_age", "age_auteur"),
    "votes": ("votes", "nombre_de_votes", "vote_count", "nb_votes"),
    "adhesion": ("adhesion", "agreement", "adherence"),
    "engagement": ("engagement",),
    "score": ("score",),
}
PLEBISCITE = {"min_votes": 90, "min_adhesion": 80, "min_engagement": 37}
EMPTY_SHARES = ("disagree", "neutral", "like_it", "doable", "no_way", "impossible",
                "platitude")


def _normal(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().strip()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def map_columns(header: list[str]) -> dict[str, str]:
    """Contract column -> the file's column, for the columns found."""
    found = {}
    for column in header:
        key = _normal(column)
        for name, aliases in ALIASES.items():
            if key in aliases and name not in found:
                found[name] = column
    return found


class ExportSource(Source):
    """A proposal-level export: the proposals are read once, copied on each call."""

    def __init__(self, path: Path, meta: dict, proposals: list[Proposal], has_votes: bool,
                 warnings: list[str]):
        super().__init__("opendata", path, meta, frozenset({"proposals"}), warnings)
        self.proposals = proposals
        self.has_votes = has_votes

    @property
    def has_given_ideas(self) -> bool:
        return False

    def proposal_texts(self) -> pd.DataFrame:
        texts = pd.DataFrame({"proposal_id": [p["id"] for p in self.proposals],
                              "content": [p["content"] for p in self.proposals]})
        if self.has_votes:
            texts["votes"] = [p["votes"] or 0 for p in self.proposals]
        return texts

    def results(self, options: Options = DEFAULT_OPTIONS, idea_set=None) -> Results:
        if not options.segment.is_everyone:
            raise InputError([Issue(self.path.name, "segments need vote-level data",
                                    expected="a vote-level bundle with participants")])
        votes = sum(p["votes"] for p in self.proposals) if self.has_votes else None
        weighting: list[Note] = []
        if getattr(options, "weighted", False):
            weighting = [{"code": "weighting_unavailable",
                          "message": "The export does not describe participants: figures "
                                     "cannot be weighted."}]
        choice, found = self.ideas_choice(options, idea_set)
        proposals = [_copy(p) for p in self.proposals]
        top_ideas: list[Axis] = []
        ranked_ideas: list[str] = []
        ideas_note: Note = {"code": "no_ideas", "message": "The export does not group proposals "
                                                     "into big ideas."}
        if choice == "found":
            idea_of, similarity = found.idea_of(), found_similarities(found)
            for proposal in proposals:
                proposal["idea_id"] = idea_of.get(proposal["id"])
                proposal["similarity"] = similarity.get(proposal["id"])
            top_ideas, ranked_ideas = pooled_ideas(found.ideas_table(), proposals)
            ideas_note = found_ideas_note(found)
        notes: list[Note] = [
            {"code": "opendata",
             "message": "Proposal-level export: votes, adhesion, engagement and score per "
                        "proposal only, without the votes themselves (no disagree or neutral "
                        "shares, no zones, controversies or segment filter)."},
            ideas_note,
            {"code": "no_participants", "message": "The export does not describe "
                                                   "participants (gender, age, region)."},
            {"code": "no_actions", "message": "The export carries no action plan."},
            {"code": "no_tags", "message": "Proposals carry no tags, so there is no "
                                           "cartography of themes."},
        ]
        results: Results = {
            "consultation": cast(Consultation, dict(self.meta)),
            "key_figures": {"participants": None, "proposals": len(self.proposals),
                            "votes": votes, "votes_target": None},
            "top_ideas": top_ideas, "ranked_ideas": ranked_ideas,
            "controversials": [], "rejected": [],
            "participation": {"gender": [], "age_band": [], "region": [], "department": []},
            "participation_unknown": {},
            "cartography": [],
            "timeline": [],             # the export has no vote dates (SPEC §6: empty)
            "proposals": proposals,
            "actions": [],
            "segment": {},
            "parameters": {"min_votes": options.min_votes, "top": options.top},
            "notes": notes + weighting,
            "weighting": None,
            "ideas_source": choice,
            "found_ideas": found_ideas_summary(found) if choice == "found" else None,
            "source": self.describe(),
        }
        idea_notes(results, options, choice)
        return results


def _pooled(values: list, weights: list) -> float | None:
    """Σ value·weight / Σ weight over the rows with a value and a positive weight."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True)
             if v is not None and w]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def pooled_ideas(ideas: pd.DataFrame,
                 proposals: list[Proposal]) -> tuple[list[Axis], list[str]]:
    """Ideas of a proposal-level export (found in its texts), with its figures pooled
    over each idea's proposals, weighted by their votes: agreement = Σ(adhesion·votes)
    / Σvotes in percent, engagement likewise, score = agreement/100 + engagement/100
    (the export's score is adhesion + engagement). Ranked by score, highest first,
    then idea_id; ideas without votes have no figures and come last. Proposals
    without votes weigh nothing."""
    members: dict[str, list[Proposal]] = {idea: [] for idea in ideas["idea_id"]}
    for proposal in proposals:
        if proposal.get("idea_id") in members:
            members[proposal["idea_id"]].append(proposal)
    rows = []
    for idea in ideas.itertuples(index=False):
        group = members[idea.idea_id]
        weights = [p.get("votes") or 0 for p in group]
        adhesion = _pooled([p.get("adhesion") for p in group], weights)
        engagement = _pooled([p.get("engagement") for p in group], weights)
        agreement = None if adhesion is None else 100.0 * adhesion
        engagement = None if engagement is None else 100.0 * engagement
        score = (None if agreement is None or engagement is None
                 else agreement / 100.0 + engagement / 100.0)
        known = [p["votes"] for p in group if p.get("votes") is not None]
        rows.append({"idea": idea.name, "idea_id": idea.idea_id, "agreement": agreement,
                     "adhesion": None, "realistic": None, "engagement": engagement,
                     "score": score, "votes": sum(known) if known else None,
                     "proposals": len(group), "zone": None, "top_score": None,
                     "_axis": None if idea.axis is None or idea.axis != idea.axis
                     else idea.axis})
    ranked = sorted(rows, key=lambda r: (r["score"] is None, -(r["score"] or 0.0),
                                         str(r["idea_id"])))
    axes: dict = {row["_axis"]: [] for row in rows}         # order of first appearance
    for rank, row in enumerate(ranked, start=1):
        item = cast(Idea, {key: value for key, value in row.items() if key != "_axis"})
        item["rank"] = rank
        axes[row["_axis"]].append(item)
    top_ideas: list[Axis] = [{"name": axis or None, "ideas": items}
                             for axis, items in axes.items()]
    return top_ideas, [str(row["idea_id"]) for row in ranked]


def _copy(proposal: Proposal) -> Proposal:
    """A copy callers may change (faster than deepcopy on 18,690 proposals)."""
    item = proposal.copy()
    item["tags"] = list(proposal["tags"])
    if proposal["shares"] is not None:
        item["shares"] = proposal["shares"].copy()
    return item


def open_export(path: str | Path) -> ExportSource:
    path = Path(path)
    check_size(path)                    # its proposals are all kept in memory
    issues = IssueCollector()
    con = new_connection()
    con.execute("SET enable_progress_bar = false")     # no bar on the CLI's stderr
    # Only the export's own columns (any of their aliases) are read.
    raw = read_table(con, path, "raw_export", issues,
                     keep=lambda column: any(_normal(column) in a for a in ALIASES.values())
                     or column in ("comment-id", "comment-body", "voter-id"))
    issues.raise_if_any()
    columns = map_columns(raw.columns)
    if "proposition" not in columns:
        expected = "the columns " + ",".join(COLUMNS)
        if {"comment-id", "comment-body"} <= set(raw.columns) or "voter-id" in raw.columns:
            expected += " (this looks like a Polis file: give the folder, or a zip, holding " \
                        "comments.csv and votes.csv)"
        issues.add(Issue(path.name, "required column is missing", row=1, column="proposition",
                         expected=expected, found=listed(raw.columns + raw.ignored)))
        issues.raise_if_any()
    warnings = []
    unknown = [c for c in raw.columns if c not in columns.values()] + raw.ignored
    if unknown:
        warnings.append(f"{path.name}: column(s) {listed(unknown)} are not part of the "
                        "export and were ignored")
    if raw.rows == 0:
        issues.add(Issue(path.name, "the table has a header but no records", row=2,
                         expected="at least one proposal"))
    _apply_rules(con, raw, _rules(columns), issues)
    issues.raise_if_any()
    scale = _scale(con, raw, columns, warnings, issues)
    issues.raise_if_any()
    proposals = _proposals(con, columns, scale)
    meta = {
        "slug": slugify(path.stem),
        "title": None,      # the export has none: analytics.inputs.titles
        "question": None,
        "language": _language([p["content"] for p in proposals[:500]]),
        "country": None,
        "start_date": None,
        "end_date": None,
        "context": None,
        "partners": None,
    }
    con.close()
    return ExportSource(path, meta, proposals, "votes" in columns, warnings)


def _language(texts: list[str]) -> str | None:
    from analytics.inputs.language import detect_language

    return detect_language(texts)


def _not_number(column: str) -> str:
    return f"{column} IS NULL OR TRY_CAST({column} AS DOUBLE) IS NULL " \
           f"OR NOT isfinite(TRY_CAST({column} AS DOUBLE))"


def _rules(columns: dict[str, str]) -> list[Rule]:
    c = {name: quote(column) for name, column in columns.items()}
    rules = [Rule(columns["proposition"], f"{c['proposition']} IS NULL",
                  "the proposal is empty", "the text of the proposal")]
    if "age" in c:
        rules.append(Rule(columns["age"], _integer_outside(c["age"], 8, 120),
                          "age is not a valid age", "an integer from 8 to 120, or empty"))
    if "votes" in c:
        rules.append(Rule(columns["votes"], f"{c['votes']} IS NULL OR "
                          + f"({_integer_outside(c['votes'], 0, 10**12)})",
                          "votes is not a count", "a whole number, 0 or more"))
    if "adhesion" in c:
        number = f"TRY_CAST({c['adhesion']} AS DOUBLE)"
        rules.append(Rule(columns["adhesion"], f"({_not_number(c['adhesion'])}) OR {number} < 0 "
                          f"OR {number} > 100",
                          "adhesion is not a share",
                          "a fraction from 0 to 1 (or a percentage from 0 to 100)"))
    for name in ("engagement", "score"):
        if name in c:
            rules.append(Rule(columns[name], _not_number(c[name]), f"{name} is not a number",
                              "a number (a fraction such as 0.37)"))
    return rules


def _scale(con, raw: RawTable, columns: dict[str, str], warnings: list[str],
           issues: IssueCollector) -> float:
    """1 when shares are fractions (as Make.org publishes them), 100 when percent. A
    column mostly of fractions with a few values over 1 mixes both scales: refused at
    its first value over 1 rather than read as percentages."""
    if "adhesion" not in columns:
        return 1.0
    value = f"TRY_CAST({quote(columns['adhesion'])} AS DOUBLE)"
    top, fractions, over, first = con.execute(
        f"SELECT max({value}), count(*) FILTER (WHERE {value} > 0 AND {value} <= 1), "
        f"count(*) FILTER (WHERE {value} > 1), min(_row) FILTER (WHERE {value} > 1) "
        f"FROM {raw.name}").fetchone()
    if top is None or top <= 1:
        return 1.0
    if fractions > over:
        found = con.execute(f"SELECT {quote(columns['adhesion'])} FROM {raw.name} "
                            f"WHERE _row = {first}").fetchone()[0]
        issues.add(Issue(raw.path.name, "adhesion mixes fractions and percentages", row=first,
                         column=columns["adhesion"],
                         expected=f"fractions from 0 to 1 like the other {fractions:,} values",
                         found=found))
        return 1.0
    warnings.append("adhesion goes above 1: shares are read as percentages (Make.org's "
                    "export gives fractions, 0.8 = 80 %)")
    return 100.0


def _proposals(con, columns: dict[str, str], scale: float) -> list[Proposal]:
    def col(name: str, sql: str = "{}", default: str = "NULL") -> str:
        return sql.format(quote(columns[name])) if name in columns else default

    rows = con.execute(f"""
        SELECT _row, {col('proposition')}, {col('auteur')},
               CAST(TRY_CAST({col('age', '{}', 'NULL')} AS DOUBLE) AS INTEGER),
               CAST(TRY_CAST({col('votes', '{}', 'NULL')} AS DOUBLE) AS BIGINT),
               TRY_CAST({col('adhesion', '{}', 'NULL')} AS DOUBLE) / {scale},
               TRY_CAST({col('engagement', '{}', 'NULL')} AS DOUBLE) / {scale},
               TRY_CAST({col('score', '{}', 'NULL')} AS DOUBLE) / {scale}
        FROM raw_export ORDER BY _row""").fetchall()
    proposals: list[Proposal] = []
    for row, content, author, age, votes, adhesion, engagement, score in rows:
        content = content.strip()           # TRIM keeps line breaks at the ends
        author = (author.strip() or None) if author else None
        shares = None
        if adhesion is not None:
            shares = cast(Shares, {"agree": 100.0 * adhesion, **dict.fromkeys(EMPTY_SHARES)})
        proposals.append({
            "id": str(row), "idea_id": None, "author": author, "author_age": age,
            "content": content, "tags": [], "created_at": None,
            "votes": None if votes is None else int(votes), "counts": None, "shares": shares,
            "zone": None, "top_score": None, "controversy": None, "rejection": None,
            "adhesion": adhesion, "engagement": engagement, "score": score,
        })
    return proposals


# -- indicators and the plébiscite rule (every kind with proposals) -------------------------

INDICATOR_COLUMNS = ("id", "content", "author", "author_age", "votes", "adhesion",
                     "engagement", "score")


def _engagement_of(proposal: dict) -> float | None:
    """Engagement in percent: the export's value, or the qualification shares of
    vote-level data (Coup de cœur + Réaliste − Surtout pas − Infaisable − Banalité)."""
    value = proposal.get("engagement")
    if isinstance(value, int | float):
        return 100.0 * value
    shares = proposal.get("shares") or {}
    keys = ("like_it", "doable", "no_way", "impossible", "platitude")
    if any(shares.get(k) is None for k in keys):
        return None
    return (shares["like_it"] + shares["doable"] - shares["no_way"] - shares["impossible"]
            - shares["platitude"])


def _score_of(proposal: dict) -> float | None:
    value = proposal.get("score")
    if isinstance(value, int | float):
        return float(value)
    top = proposal.get("top_score")
    if isinstance(top, dict) and top.get("lower") is not None:
        return float(top["lower"])
    return None


def indicators(proposals: list[dict]) -> pd.DataFrame:
    """One row per proposal (suppressed ones left out): votes, adhesion and
    engagement in percent, and the ranking score (the export's `score`, or the
    top_score lower bound of vote-level data)."""
    rows = []
    for p in proposals:
        if p.get("suppressed"):
            continue
        shares = p.get("shares") or {}
        rows.append((p.get("id"), p.get("content"), p.get("author"), p.get("author_age"),
                     p.get("votes"), shares.get("agree"), _engagement_of(p), _score_of(p)))
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    for column in ("votes", "author_age"):
        frame[column] = frame[column].astype("Int64")
    for column in ("adhesion", "engagement", "score"):
        frame[column] = frame[column].astype("float64")
    return frame


# Shares are compared with a tolerance far below any published precision, so that
# 0.37 in a file counts as 37 % whatever the floating-point rounding.
_TOLERANCE = 1e-9


def plebiscite_mask(frame: pd.DataFrame, min_votes: float = PLEBISCITE["min_votes"],
                    min_adhesion: float = PLEBISCITE["min_adhesion"],
                    min_engagement: float | None = PLEBISCITE["min_engagement"]) -> pd.Series:
    """True for the rows meeting the rule; min_engagement None leaves engagement out
    (data without qualifications)."""
    votes = frame["votes"].astype("float64").fillna(-1).to_numpy()
    adhesion = frame["adhesion"].fillna(-np.inf).to_numpy()
    mask = (votes >= min_votes) & (adhesion >= min_adhesion - _TOLERANCE)
    if min_engagement is not None:
        engagement = frame["engagement"].fillna(-np.inf).to_numpy()
        mask &= engagement >= min_engagement - _TOLERANCE
    return pd.Series(mask, index=frame.index)


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """By score, highest first; ties by id (as text) for a stable order."""
    ordered = frame.assign(_id=frame["id"].astype(str))
    ordered = ordered.sort_values(["score", "_id"], ascending=[False, True],
                                  na_position="last", kind="mergesort")
    return ordered.drop(columns="_id")


def plebiscites(proposals: list[dict], min_votes: float = PLEBISCITE["min_votes"],
                min_adhesion: float = PLEBISCITE["min_adhesion"],
                min_engagement: float | None = PLEBISCITE["min_engagement"]) -> list[dict]:
    """The proposals with at least `min_votes` votes, `min_adhesion` % adhesion and
    `min_engagement` % engagement (Make.org's rule, thresholds in percent), ranked
    by score."""
    frame = indicators(proposals)
    chosen = rank(frame[plebiscite_mask(frame, min_votes, min_adhesion, min_engagement)])
    by_id = {p.get("id"): p for p in proposals if not p.get("suppressed")}
    return [by_id[i] for i in chosen["id"]]


# -- full-text search -----------------------------------------------------------------------

def fold(text) -> str:
    """Lower case without accents, for searching ("Écologie" -> "ecologie")."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def search_terms(query: str | None) -> list[str]:
    """Words of the query, and "quoted phrases" kept whole."""
    if not query:
        return []
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    return [fold(t).strip() for t in phrases + rest.split() if fold(t).strip()]


def search(texts: pd.Series, query: str | None) -> pd.Series:
    """True for the texts containing every term of the query (case and accents
    ignored); all True for an empty query."""
    terms = search_terms(query)
    folded = texts.fillna("").map(fold)
    mask = pd.Series(True, index=texts.index)
    for term in terms:
        mask &= folded.str.contains(term, regex=False)
    return mask


# -- distributions --------------------------------------------------------------------------

def nice_step(span: float, bins: int = 30) -> float:
    """A round bin width (1, 2 or 5 times a power of ten) giving about `bins` bins."""
    if not span or span <= 0 or not np.isfinite(span):
        return 1.0
    raw = span / bins
    magnitude = 10 ** np.floor(np.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return float(multiple * magnitude)
    return float(10 * magnitude)


def binned(values, step: float, start: float | None = None, stop: float | None = None,
           cap: float | None = None) -> pd.DataFrame:
    """Counts of `values` in bins [start + k·step, start + (k+1)·step); the last
    bin ends at `stop` included (e.g. 100 %); with `cap`, values at or above it
    share one open last bin [cap, ∞) (end None). Columns: start, end, count."""
    array = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    if not len(array):
        return pd.DataFrame({"start": [], "end": [], "count": []})
    low = float(np.floor(array.min() / step) * step) if start is None else float(start)
    if cap is not None:
        n = max(int(np.ceil((cap - low) / step - 1e-9)), 1)
    elif stop is not None:
        n = max(int(np.ceil((stop - low) / step - 1e-9)), 1)
    else:
        n = int(np.floor((array.max() - low) / step + 1e-9)) + 1
    index = np.minimum(np.floor((array - low) / step + 1e-9).astype(int), n - 1)
    size = n
    if cap is not None:
        index = np.where(array >= cap, n, index)
        size = n + 1
    counts = np.bincount(np.clip(index, 0, size - 1), minlength=size)
    starts = [low + k * step for k in range(size)]
    ends: list[float | None] = [s + step for s in starts]
    if cap is not None:
        starts[-1], ends[-1] = float(cap), None
    return pd.DataFrame({"start": starts, "end": ends, "count": counts.astype(int)})
