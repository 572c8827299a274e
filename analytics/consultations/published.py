"""Published Make.org results (SPEC section 4): the `consultation-results` JSON
that Make.org's front end renders, read into the results object of SPEC
section 6 with every number exactly as published.

What the reader works out from the file itself (no list of known files):
- its language, from the words of its texts (chart names, legends, ideas,
  proposals); a file name suffix such as ``-en`` only breaks a near tie;
- split charts ("Participation par région (1/2)", "(2/2)") merged into one, parts
  in order;
- what each participation chart measures: its dimension (région, département,
  age band, gender, or "other" keyed by the chart name) from the chart name and,
  failing that, from its labels; whether its bars are shares of votes or of
  participants from the legend ("votes", "Stimmen" / "participants",
  "Teilnehmende"...); the general population from the second bar;
- French régions and départements matched to INSEE codes (`code` on the row);
- the question and dates, when the context sentence states them.

The original object is kept under `makeorg`, so `--format makeorg` returns it
unchanged."""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast

from analytics.consultations.source import Source, idea_notes
from analytics.inputs import jsontext, reference
from analytics.inputs.errors import InputError, Issue, IssueCollector
from analytics.inputs.language import _STOPWORDS, detect_language
from analytics.inputs.limits import check_size
from analytics.inputs.titles import slugify
from analytics.metrics.engine import DEFAULT_OPTIONS, Options
from analytics.results_model import (
    Axis,
    CartographyChart,
    Consultation,
    Idea,
    KeyFigures,
    ListedProposal,
    Note,
    Participation,
    ParticipationChart,
    Results,
)


def _hint_from_name(stem: str) -> str | None:
    match = re.search(r"[-_.]([a-z]{2})$", stem.lower())
    return match.group(1) if match and match.group(1) in _STOPWORDS else None


# -- shape validation -----------------------------------------------------------------------

class _Checker:
    """Checks the shape of the file; every problem is reported with its JSON path."""

    def __init__(self, file: str):
        self.file = file
        self.issues = IssueCollector()

    def problem(self, path: str, expected: str, value, missing: bool = False) -> None:
        found = "nothing" if missing else _describe(value)
        self.issues.add(Issue(self.file, f"{path}: expected {expected}, found {found}"))

    def text(self, obj: dict, key: str, path: str, required: bool = True) -> None:
        if key not in obj or obj[key] is None:
            if required:
                self.problem(f"{path}.{key}", "a string", None, missing=True)
            return
        if not isinstance(obj[key], str):
            self.problem(f"{path}.{key}", "a string", obj[key])

    def number(self, obj: dict, key: str, path: str, required: bool = True,
               integer: bool = False) -> None:
        if key not in obj or obj[key] is None:
            if required:
                self.problem(f"{path}.{key}", "a number", None, missing=True)
            return
        value = obj[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and isinstance(value, float) and not math.isfinite(value):
            ok = False
        if ok and integer and isinstance(value, float) and not value.is_integer():
            ok = False
        if not ok:
            self.problem(f"{path}.{key}", "a whole number" if integer else "a number", value)

    def items(self, obj: dict, key: str, path: str, required: bool = False) -> list:
        """The objects of the list `obj[key]` (with their index), reporting non-objects."""
        if key not in obj or obj[key] is None:
            if required:
                self.problem(f"{path}{key}", "a list", None, missing=True)
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.problem(f"{path}{key}", "a list", value)
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                good.append((index, item))
            else:
                self.problem(f"{path}{key}[{index}]", "an object", item)
        return good


def _describe(value) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return json.dumps(value)


MAIN_KEYS = ("top_ideas", "controversials", "cartography", "participation")


def validate(data, file: str) -> None:
    """Raise InputError listing every shape problem, each with its JSON path."""
    check = _Checker(file)
    if not isinstance(data, dict):
        check.issues.add(Issue(file, "wrong shape", expected="a JSON object with top_ideas, "
                               "controversials, cartography and participation",
                               found=_describe(data)))
        check.issues.raise_if_any()
    if not any(key in data for key in MAIN_KEYS):
        check.issues.add(Issue(file, "not a Make.org results file",
                               expected="the keys " + ", ".join(MAIN_KEYS),
                               found=", ".join(list(data)[:8]) or "an empty object"))
        check.issues.raise_if_any()
    if data.get("context") is not None and not isinstance(data["context"], str):
        check.problem("context", "a string", data["context"])
    for key in ("title", "question"):
        if data.get(key) is not None and not isinstance(data[key], str):
            check.problem(key, "a string", data[key])
    for a, axis in check.items(data, "top_ideas", ""):
        path = f"top_ideas[{a}]"
        check.text(axis, "name", path, required=False)
        for i, idea in check.items(axis, "ideas", f"{path}.", required=True):
            where = f"{path}.ideas[{i}]"
            check.text(idea, "idea", where)
            for key in ("agreement", "adhesion", "realistic"):
                check.number(idea, key, where, required=False)
    for key in ("controversials", "rejected"):
        for p, item in check.items(data, key, ""):
            where = f"{key}[{p}]"
            check.text(item, "content", where)
            check.text(item, "author", where, required=False)
            for number in ("agree", "disagree"):
                check.number(item, number, where)
            for number in ("like_it", "no_way"):
                check.number(item, number, where, required=False)
            check.number(item, "votes", where, required=False, integer=True)
            if item.get("id") is not None and not isinstance(item["id"], str | int):
                check.problem(f"{where}.id", "a string", item["id"])
    for c, chart in check.items(data, "cartography", ""):
        where = f"cartography[{c}]"
        check.text(chart, "name", where)
        for d, row in check.items(chart, "data", f"{where}.", required=True):
            check.text(row, "label", f"{where}.data[{d}]")
            check.text(row, "sublabel", f"{where}.data[{d}]", required=False)
            check.number(row, "percent", f"{where}.data[{d}]")
    for c, chart in check.items(data, "participation", ""):
        where = f"participation[{c}]"
        check.text(chart, "name", where)
        kind = chart.get("type")
        if kind not in ("histogram", "pie"):
            check.problem(f"{where}.type", '"histogram" or "pie"', kind, missing=kind is None)
            continue
        legend = chart.get("legend")
        if legend is not None and not isinstance(legend, str | dict):
            check.problem(f"{where}.legend", "an object or a string", legend)
        for d, row in check.items(chart, "data", f"{where}.", required=True):
            at = f"{where}.data[{d}]"
            check.text(row, "label", at)
            if kind == "pie":
                check.number(row, "percent", at)
                continue
            bars = row.get("bars")
            if not isinstance(bars, dict):
                check.problem(f"{at}.bars", "an object with first and second", bars,
                              missing=bars is None)
                continue
            check.number(bars, "first", f"{at}.bars")
            check.number(bars, "second", f"{at}.bars", required=False)
    figures = data.get("key_figures")
    if figures is not None:
        if not isinstance(figures, dict):
            check.problem("key_figures", "an object", figures)
        else:
            for key, value in figures.items():
                if value is not None:
                    check.number(figures, key, "key_figures")
    check.issues.raise_if_any()


# -- reading --------------------------------------------------------------------------------

def read_json(path: Path):
    """The parsed file, with a clear issue when it is not UTF-8 JSON."""
    name = path.name
    check_size(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([Issue(name, "the file is not UTF-8 encoded", expected="UTF-8 JSON",
                                found=f"byte 0x{error.object[error.start]:02x} at offset "
                                      f"{error.start}")]) from None
    if not text.strip():
        raise InputError([Issue(name, "the file is empty", expected="a JSON document")])
    try:
        return jsontext.loads(text, name), text
    except json.JSONDecodeError as error:
        raise InputError([Issue(name, f"invalid JSON: {error.msg}", row=error.lineno,
                                expected="valid JSON",
                                found=f"line {error.lineno} column {error.colno}")]) from None
    except RecursionError:
        raise InputError([Issue(name, "the JSON is nested too deeply")]) from None


class PublishedSource(Source):
    """A published results file: results are built once, copied on each call."""

    def __init__(self, path: Path, meta: dict, capabilities, built: Results, warnings):
        super().__init__("published", path, meta, frozenset(capabilities), warnings)
        self._built = built

    def results(self, options: Options = DEFAULT_OPTIONS, idea_set=None) -> Results:
        """`idea_set` is ignored: a published file has no proposals' texts to group."""
        if not options.segment.is_everyone:
            raise InputError([Issue(self.path.name, "segments need vote-level data",
                                    expected="a vote-level bundle with participants")])
        results = copy.deepcopy(self._built)
        choice, _ = self.ideas_choice(options)
        results["ideas_source"] = choice            # "given" or None: nothing is found here
        results["found_ideas"] = None
        if choice is None and self.has_given_ideas:  # ideas "none" or "found"
            results["top_ideas"], results["ranked_ideas"] = [], []
        idea_notes(results, options, choice)
        results["parameters"] = {"min_votes": options.min_votes, "top": options.top}
        results["weighting"] = None
        if getattr(options, "weighted", False):
            results["notes"].append(_note("weighting_unavailable", "Published shares cannot be "
                                                                   "reweighted."))
        results["source"] = self.describe()
        return results


def open_published(path: str | Path) -> PublishedSource:
    path = Path(path)
    data, text = read_json(path)
    validate(data, path.name)
    warnings: list[str] = []
    results = build_results(data, path, text, warnings)
    capabilities = set()
    if any(axis["ideas"] for axis in results["top_ideas"]):
        capabilities.add("ideas")
    # No "participants": the file has shares, not a participants table (no segment
    # filter, no weighting); its participation charts are in the results all the same.
    if results["cartography"]:
        capabilities.add("tags")
    return PublishedSource(path, results["consultation"], capabilities, results, warnings)


# -- building the results object ------------------------------------------------------------

def build_results(data: dict, path: Path, text: str, warnings: list[str]) -> Results:
    stem = path.stem
    top_ideas = _top_ideas(data.get("top_ideas") or [])
    participation, charts = _participation(data.get("participation") or [])
    cartography = _cartography(data.get("cartography") or [])
    key_figures, published_figures = _key_figures(data.get("key_figures"), text, warnings)
    texts = _texts(data)
    consultation = _consultation(data, stem, texts, participation)
    notes = [_note("published", "Results as published by Make.org: percentages exactly as "
                                "published, without the votes themselves (no score ranking, "
                                "zones or segment filter).")]
    if not any(axis["ideas"] for axis in top_ideas):
        notes.append(_note("no_ideas", "The file publishes no big ideas."))
    if not charts:
        notes.append(_note("no_participants", "The file publishes no participation charts."))
    if not cartography:
        notes.append(_note("no_tags", "The file publishes no cartography of themes."))
    notes.append(_note("no_actions", "A results file carries no action plan."))
    if warnings and published_figures:
        notes.append(_note("published_thousands", warnings[-1]))
    results: Results = {
        "consultation": consultation,
        "key_figures": key_figures,
        "top_ideas": top_ideas,
        "ranked_ideas": [],
        "controversials": [_proposal(p, "controversy") for p in data.get("controversials")
                           or []],
        "rejected": [_proposal(p, "rejection") for p in data.get("rejected") or []],
        "participation": participation,
        "participation_unknown": {},
        "participation_charts": charts,
        "cartography": cartography,
        "timeline": [],                 # published results carry no dates (SPEC §6: empty)
        "proposals": [],
        "actions": [],
        "segment": {},
        "parameters": {},
        "notes": notes,
        "makeorg": copy.deepcopy(data),
    }
    if published_figures is not None:
        results["published_key_figures"] = published_figures
    return results


def _note(code: str, message: str) -> Note:
    return {"code": code, "message": message}


def _texts(data: dict) -> list[str]:
    texts = [data.get("context")]
    for axis in data.get("top_ideas") or []:
        texts.append(axis.get("name"))
        texts += [idea.get("idea") for idea in axis.get("ideas") or []]
    for key in ("controversials", "rejected"):
        texts += [item.get("content") for item in data.get(key) or []]
    for chart in (data.get("cartography") or []) + (data.get("participation") or []):
        texts.append(chart.get("name"))
        legend = chart.get("legend")
        if isinstance(legend, dict):
            texts.append(legend.get("title"))
            texts += list((legend.get("dimensions") or {}).values())
        texts += [row.get("label") for row in chart.get("data") or []]
    return [t for t in texts if isinstance(t, str)]


_QUESTION = re.compile(r"\b(?:question|frage|pregunta|domanda|vraag)\s*:\s*(.+)$",
                       re.IGNORECASE | re.DOTALL)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DMY_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


def question_of(context) -> str | None:
    """The question a context sentence states ("... autour de la question : Q")."""
    if not isinstance(context, str) or not (match := _QUESTION.search(context)):
        return None
    return match.group(1).strip().strip("\"«»“”„ ").strip() or None


def _consultation(data: dict, stem: str, texts: list[str],
                  participation: Participation) -> Consultation:
    context = data.get("context")
    question = data.get("question")
    start = end = None
    if isinstance(context, str):
        question = question if question is not None else question_of(context)
        dates = [f"{y}-{m}-{d}" for y, m, d in _ISO_DATE.findall(context)]
        dates += [f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in _DMY_DATE.findall(context)]
        if len(dates) == 2 and dates[0] <= dates[1]:
            start, end = dates
    french_places = any(row.get("code") for dim in ("region", "department")
                        for row in participation.get(dim, []))
    return {
        "slug": slugify(stem),
        "title": data.get("title") or None,     # else derived (analytics.inputs.titles)
        "question": question,
        "language": data.get("language") or detect_language(texts, _hint_from_name(stem)),
        "country": "FR" if french_places else None,
        "start_date": start,
        "end_date": end,
        "context": context,
        "partners": None,
    }


COUNT_KEYS: dict[str, Literal["participants", "votes", "proposals"]] = {
    "visitors": "participants", "participants": "participants", "votes": "votes",
    "proposals": "proposals"}


def _key_figures(figures, text: str, warnings: list[str]) -> tuple[KeyFigures, dict | None]:
    result: KeyFigures = {"participants": None, "proposals": None, "votes": None,
                          "votes_target": None}
    if not isinstance(figures, dict):
        return result, None
    exact = _exact_key_figures(text)
    fixed = []
    for key, value in figures.items():
        target = COUNT_KEYS.get(key)
        if target is None or value is None:
            continue
        literal = exact.get(key)
        # A count cannot be fractional: "4.744" is 4,744 written with a German (or
        # French) thousands separator, the only reading that makes it a count.
        if (isinstance(value, float) and not value.is_integer() and literal is not None
                and re.fullmatch(r"\d{1,3}(\.\d{3})+", literal)):
            result[target] = int(literal.replace(".", ""))
            fixed.append(f"{key} {literal}")
        elif isinstance(value, float) and value.is_integer():
            result[target] = int(value)
        else:
            result[target] = value
    if fixed:
        warnings.append(f"key_figures: {', '.join(fixed)} are written with a dot as thousands "
                        "separator; read as whole numbers (the file's own values are kept "
                        "under published_key_figures and makeorg)")
        return result, dict(figures)
    return result, None


def _exact_key_figures(text: str) -> dict[str, str]:
    """The key figures as written in the file (so that 4.744 is not lost as 4.744)."""
    try:
        exact = json.loads(text, parse_float=Decimal).get("key_figures")   # read before
    except (ValueError, AttributeError, RecursionError):
        return {}
    if not isinstance(exact, dict):
        return {}
    return {k: str(v) for k, v in exact.items() if isinstance(v, Decimal)}


def _top_ideas(axes: list[dict]) -> list[Axis]:
    result: list[Axis] = []
    for a, axis in enumerate(axes):
        ideas: list[Idea] = []
        for i, idea in enumerate(axis.get("ideas") or []):
            ideas.append({
                "idea": idea["idea"],
                "idea_id": f"{a + 1}-{i + 1}",       # position in the file
                "rank": None,
                "votes": None,
                "proposals": None,
                "agreement": idea.get("agreement"),
                "adhesion": idea.get("adhesion"),
                "realistic": idea.get("realistic"),
                "zone": None,
                "top_score": None,
                "shares": None,
                "counts": None,
            })
        result.append({"name": axis.get("name") or None, "ideas": ideas})
    return result


def _proposal(item: dict, score_name: Literal["controversy", "rejection"]) -> ListedProposal:
    identifier = item.get("id")
    proposal: ListedProposal = {
        "id": None if identifier is None else str(identifier),
        "author": item.get("author"),
        "content": item["content"],
        "agree": item.get("agree"),
        "disagree": item.get("disagree"),
        "like_it": item.get("like_it"),
        "no_way": item.get("no_way"),
        "votes": item.get("votes"),
        "idea_id": None,
    }
    proposal[score_name] = None
    return proposal


# -- split charts ---------------------------------------------------------------------------

_SPLIT = re.compile(r"\s*\(\s*(\d+)\s*/\s*(\d+)\s*\)\s*$")


def base_name(name: str) -> tuple[str, int | None]:
    """'Participation par région (2/2)' -> ('Participation par région', 2)."""
    name = name or ""
    match = _SPLIT.search(name)
    if not match:
        return name.strip(), None
    return name[: match.start()].strip(), int(match.group(1))


def merge_split_charts(charts: list[dict]) -> list[dict]:
    """Charts named "X (1/n)" ... "X (n/n)" (same type) become one chart "X" whose
    data are the parts' data in part order; `parts` says how many were merged."""
    groups: dict[tuple, list[tuple[int, int, dict]]] = {}
    for position, chart in enumerate(charts):
        name, part = base_name(chart.get("name") or "")
        key = (chart.get("type"), name) if part is not None else ("single", position)
        groups.setdefault(key, []).append((part or 0, position, chart))
    merged = []
    for key, parts in groups.items():
        parts.sort(key=lambda item: (item[0], item[1]))
        first = copy.deepcopy(parts[0][2])
        if key[0] != "single":
            first["name"] = key[1]
            first["data"] = [row for _, _, chart in parts for row in chart.get("data") or []]
            first["parts"] = len(parts)
            legend = first.get("legend")
            if isinstance(legend, dict) and isinstance(legend.get("title"), str):
                legend["title"] = base_name(legend["title"])[0]
            if isinstance(legend, dict) and isinstance(legend.get("dimensions"), dict):
                legend["dimensions"] = _best_dimensions([chart for _, _, chart in parts])
        merged.append(first)
    return merged


def _best_dimensions(parts: list[dict]) -> dict:
    """The legend labels of a split chart: for each bar, the first part's label that
    reads as a word (a part may carry a stray "xœ" where the other says
    "Gesamtbevölkerung")."""
    labels: dict[str, list[str]] = {}
    for chart in parts:
        legend = chart.get("legend")
        dimensions = legend.get("dimensions") if isinstance(legend, dict) else None
        for key, label in (dimensions or {}).items():
            if isinstance(label, str):
                labels.setdefault(key, []).append(label)
    best = {}
    for key, candidates in labels.items():
        words = [c for c in candidates if len(re.findall(r"[^\W\d_]", c)) >= 3]
        best[key] = (words or candidates)[0]
    return best


# -- cartography ----------------------------------------------------------------------------

def join_label(label: str, sublabel: str | None) -> str:
    """Make.org splits long pie labels over two lines ("Types de commerce" +
    " et concurrence"): one label, one space between the parts."""
    label = label or ""
    if not sublabel or not sublabel.strip():
        return " ".join(label.split())
    if label.rstrip().endswith("-"):
        return " ".join((label.rstrip() + sublabel.lstrip()).split())
    return " ".join(f"{label} {sublabel}".split())


def _cartography(charts: list[dict]) -> list[CartographyChart]:
    result: list[CartographyChart] = []
    for chart in merge_split_charts(charts):
        result.append({
            "name": chart.get("name"),
            "tag_type": None,
            "scope": None,
            "unit": chart.get("unit"),
            "data": [{"label": join_label(row.get("label"), row.get("sublabel")),
                      "percent": row.get("percent"),
                      "color": row.get("color"),
                      "proposals": None}
                     for row in chart.get("data") or []],
        })
    return result


# -- participation --------------------------------------------------------------------------

def _key(text) -> str:
    """Lower case, no accents, words separated by one space."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.split(r"[^a-z0-9+]+", text)).strip()


_DIMENSION_WORDS = (
    ("age_band", re.compile(r"\b(age|ages|alter|altersgruppen?|edad|eta|leeftijd)\b")),
    ("gender", re.compile(r"\b(genre|genres|gender|geschlecht|sexe|sex|genero|genere|"
                          r"geslacht)\b")),
    ("department", re.compile(r"\b(departements?|departments?|departamentos?|dipartiment\w*|"
                              r"landkreis\w*)\b")),
    ("region", re.compile(r"\b(regions?|bundeslander|bundesland|wohnort|lander|territoires?|"
                          r"regioni|regione|regiones|provinces?|provincias?|pays|country|"
                          r"countries|staaten|mitgliedstaaten|paises|paesi)\b")),
)
# Age labels once passed through _key ("18-24 ans" -> "18 24 ans", "65+" stays).
_AGE_LABEL = re.compile(r"^\d{1,3} (a |to |bis |und )?\d{1,3}( ans| years| jahre)?$"
                        r"|^\d{1,3} ?\+( ans| years| jahre)?$"
                        r"|^\d{1,3}( ans| years| jahre)? (et plus|and over|and more|und alter|"
                        r"und mehr)$|^(moins de|under|unter|plus de|over|uber) \d{1,3}")
GENDER_WORDS = {
    "female": {"femmes", "femme", "women", "woman", "female", "females", "frauen", "frau",
               "weiblich", "donne", "mujeres", "vrouwen", "f"},
    "male": {"hommes", "homme", "men", "man", "male", "males", "manner", "mann", "mannlich",
             "uomini", "hombres", "mannen", "m"},
    "other": {"non binaire", "non binaires", "nichtbinar", "nicht binar", "non binary",
              "nonbinary", "divers", "autre", "autres", "other", "others", "andere",
              "non binario", "no binario"},
}
_VOTES_WORDS = re.compile(r"\bvotes?\b|\bstimm|\bvoti\b|\bvotos\b|\bstemmen\b")
_PARTICIPANT_WORDS = re.compile(r"particip|teilnehm|teilnahme|beteilig|partecip|\bvotants?\b|"
                                r"\bvoters?\b|\brepondants?\b|\brespondents?\b|\bbefragte")


def gender_of(label) -> str | None:
    key = _key(label)
    for gender, words in GENDER_WORDS.items():
        if key in words:
            return gender
    return None


def _strip_code(label: str) -> tuple[str, str | None]:
    """'Loire Atlantique (44)' -> ('Loire Atlantique', '44')."""
    match = re.match(r"^(.*?)\s*\(\s*([0-9][0-9AB]?[0-9]?)\s*\)\s*$", label.strip())
    return (match.group(1), match.group(2)) if match else (label.strip(), None)


def _fuzzy(label: str, names: dict[str, str]) -> str | None:
    found = difflib.get_close_matches(_key(label), list(names), n=1, cutoff=0.9)
    return names[found[0]] if found else None


def region_code(label) -> str | None:
    """INSEE code of a French région named by a published label, or None."""
    if not isinstance(label, str) or not label.strip():
        return None
    name, _ = _strip_code(label)
    code = reference.region_code_from_name(name)
    if code:
        return code
    names = {_key(n): c for c, n in zip(reference.regions().code, reference.regions().name,
                                        strict=True)}
    return _fuzzy(name, names)


def departement_code(label) -> str | None:
    """INSEE code of a French département named by a published label ("Loire
    Atlantique (44)", "Ille et Villaine"), or None."""
    if not isinstance(label, str) or not label.strip():
        return None
    name, code = _strip_code(label)
    found = reference.departement_code_from_name(name)
    if found:
        return found
    table = reference.departements()
    names = {_key(n): c for c, n in zip(table.code, table.name, strict=True)}
    found = _fuzzy(name, names)
    if found:
        return found
    if code and reference.departement_name(code):
        return reference.normalize_departement_code(code)
    return None


def dimension_of(name: str, labels: list[str]) -> str:
    """gender | age_band | region | department | other, from the chart name and
    failing that from its labels; a geographic chart whose labels are
    départements (or régions) is moved to that dimension."""
    key = _key(name)
    dimension = next((dim for dim, words in _DIMENSION_WORDS if words.search(key)), None)
    keys = [_key(label) for label in labels if label]
    if dimension is None and keys:
        if all(_AGE_LABEL.search(k) for k in keys):
            dimension = "age_band"
        elif all(gender_of(label) for label in labels):
            dimension = "gender"
    regions = sum(region_code(label) is not None for label in labels)
    departements = sum(departement_code(label) is not None for label in labels)
    countries = sum(reference.country_code_from_name(label) is not None for label in labels)
    if dimension is None and labels and countries >= max(len(labels) / 2, 1) \
            and countries > regions:
        dimension = "region"        # by country: mapped on the countries of Europe
    if dimension is None and labels:
        if regions >= max(len(labels) / 2, 1) and regions >= departements:
            dimension = "region"
        elif departements >= max(len(labels) / 2, 1):
            dimension = "department"
    if dimension == "region" and departements > regions:
        dimension = "department"
    elif dimension == "department" and regions > departements:
        dimension = "region"
    return dimension or "other"


def measure_of(chart: dict) -> str:
    """"votes" or "participants": what the first bar (or the pie) is a share of.
    The legend's label of the first bar decides, then the legend title, then the
    chart name; participants when nothing says."""
    legend = chart.get("legend")
    candidates = []
    if isinstance(legend, dict):
        candidates.append((legend.get("dimensions") or {}).get("first"))
        candidates.append(legend.get("title"))
    candidates.append(chart.get("name"))
    for text in candidates:
        key = _key(text)
        votes = bool(_VOTES_WORDS.search(key))
        people = bool(_PARTICIPANT_WORDS.search(key))
        if votes != people:
            return "votes" if votes else "participants"
    return "participants"


def _population_label(chart: dict) -> str | None:
    legend = chart.get("legend")
    if isinstance(legend, dict):
        second = (legend.get("dimensions") or {}).get("second")
        return second if isinstance(second, str) else None
    return None


def _participation(charts: list[dict]) -> tuple[Participation, list[ParticipationChart]]:
    result: dict[str, Any] = {"gender": [], "age_band": [], "region": [], "department": [],
                              "other": {}}
    described: list[ParticipationChart] = []
    for chart in merge_split_charts(charts):
        name = chart.get("name") or ""
        data = chart.get("data") or []
        labels = [(row.get("label") or "").strip() for row in data]
        dimension = dimension_of(name, labels)
        measure = measure_of(chart)
        share = f"{measure}_share"
        rows = []
        for row, label in zip(data, labels, strict=True):
            item = {"label": label, "name": label, "participants": None, "votes": None}
            if chart.get("type") == "pie":
                item[share] = row.get("percent")
                item["population_share"] = None
            else:
                bars = row.get("bars") or {}
                item[share] = bars.get("first")
                item["population_share"] = bars.get("second")
            if dimension == "region" and (code := region_code(label)):
                item["code"] = code
            if dimension == "department" and (code := departement_code(label)):
                item["code"] = code
            if dimension == "gender" and (gender := gender_of(label)):
                item["gender"] = gender
            rows.append(item)
        placed = dimension
        if dimension != "other" and result[dimension]:
            existing = result[dimension]
            same_labels = [r["label"] for r in existing] == labels
            if same_labels and not any(share in r for r in existing):
                for old, new in zip(existing, rows, strict=True):
                    old[share] = new[share]
                    if old.get("population_share") is None:
                        old["population_share"] = new["population_share"]
            else:
                placed = "other"
        elif dimension != "other":
            result[dimension] = rows
        if placed == "other":
            result["other"][name] = rows
        described.append({
            "name": name, "type": chart.get("type"), "dimension": placed,
            "key": name if placed == "other" else placed, "measure": measure,
            "first_label": ((chart.get("legend") or {}).get("dimensions") or {}).get("first")
            if isinstance(chart.get("legend"), dict) else None,
            "population_label": _population_label(chart),
            "parts": chart.get("parts", 1),
        })
    return cast(Participation, result), described
