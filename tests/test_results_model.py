"""The typed results model (analytics/results_model.py, SPEC section 6): the results of
every input kind fit it at run time, and mypy finds no misnamed key in analytics/ nor
pages/, which it would (a deliberate typo is reported)."""

from __future__ import annotations

import csv
import itertools
import os
import re
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest

from analytics import results_model
from analytics.consultations.open import open_source
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.results_model import Results

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "musterstadt"
# The mypy errors about the results' keys: a key read or written that the model does not
# declare, a required key missing from a literal, a value of the wrong type for a key, a
# key that is not a literal. Every other mypy error is ignored: the code is not held to
# mypy, only the fields it names.
KEY_CODES = ("typeddict-item", "typeddict-unknown-key", "literal-required")
ERROR = re.compile(r"^(?P<where>[^:\s]+:\d+): error: (?P<message>.*)  \[(?P<code>[a-z-]+)\]$")
# The model's own names: if one is used without its import, mypy reads the annotation as
# Any and checks nothing behind it, so that error counts too.
MODEL_NAMES = {name for name, value in vars(results_model).items()
               if typing.is_typeddict(value)}


# -- the run-time checker --------------------------------------------------------------------

def problems(value, hint, path: str = "results") -> list[str]:
    """Where `value` does not fit `hint`: a key its TypedDict does not declare, or a
    Required key it lacks, recursively through lists, dict values and unions (values
    themselves are not checked: the model is about field names)."""
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: expected an object ({hint.__name__}), found "
                    f"{type(value).__name__}"]
        fields = typing.get_type_hints(hint)
        found = [f"{path}.{key}: not a field of {hint.__name__}" for key in value
                 if key not in fields]
        found += [f"{path}.{key}: required by {hint.__name__}, missing"
                  for key in sorted(hint.__required_keys__) if key not in value]
        for key, item in value.items():
            if key in fields:
                found += problems(item, fields[key], f"{path}.{key}")
        return found
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            found += problems(item, args[0], f"{path}[{index}]")
        return found
    if origin is dict and isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += problems(item, args[1], f"{path}[{key!r}]")
        return found
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return [] if type(None) in args else [f"{path}: null where {hint} is expected"]
        # The one member of the union an object or a list can be.
        if isinstance(value, dict):
            members = [a for a in args if typing.is_typeddict(a) or typing.get_origin(a) is dict]
        elif isinstance(value, list):
            members = [a for a in args if typing.get_origin(a) is list]
        else:
            members = []
        return problems(value, members[0], path) if len(members) == 1 else []
    return []


def fits(results: dict, name: str) -> None:
    found = problems(results, Results)
    assert not found, f"{name}: {len(found)} difference(s) with the model, e.g.\n" + \
        "\n".join(found[:20])


def test_the_checker_sees_unknown_and_missing_keys():
    results = {"consultation": {"slug": "x"}, "key_figures": {}}
    found = problems({**results, "consultaton": {}}, Results)
    assert "results.consultaton: not a field of Results" in found
    assert "results.notes: required by Results, missing" in found
    assert "results.consultation.title: required by Consultation, missing" in found
    nested = problems([{"id": "1", "shares": {"agre": 1.0}}], list[results_model.Proposal])
    assert "results[0].shares.agre: not a field of Shares" in nested


# -- every input kind ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo consultation, at a test's size (same generator, same tables)."""
    from analytics.demo import generate

    return generate(tmp_path_factory.mktemp("demo") / "solutions-jeunes", votes=20_000)


def test_demo_results_fit_the_model(demo):
    source = open_source(demo)
    for options in (Options(), Options(segment=Segment(gender="female")),
                    Options(segment=Segment(region="no-such-region")),   # suppressed
                    Options(weighted=True), Options(ideas="found"),
                    Options(min_votes=0, top=50)):
        results = source.results(options)
        fits(results, f"demo {options}")
    assert results["consultation"]["synthetic"] is True


def test_own_geography_results_fit_the_model():
    results = open_source(EXAMPLE).results()
    assert "boundaries" in results
    fits(results, EXAMPLE.name)


def test_polis_results_fit_the_model(shared_data):
    folders = sorted(p for p in (shared_data / "polis").iterdir() if p.is_dir())
    if not folders:
        pytest.skip(f"no Polis conversation in {shared_data / 'polis'}")
    source = open_source(folders[0])
    for options in (Options(), Options(ideas="none")):
        results = source.results(options)
        assert "polis" in results
        fits(results, f"{folders[0].name} {options}")


def test_published_results_fit_the_model(shared_data):
    files = sorted((shared_data / "makeorg-results").glob("*.json"))
    if not files:
        pytest.skip(f"no published results in {shared_data / 'makeorg-results'}")
    for path in files:
        results = open_source(path).results()
        assert "makeorg" in results
        fits(results, path.name)


def test_open_data_results_fit_the_model(shared_data, tmp_path):
    path = shared_data / "makeorg-open-data" / "mondedapres_2020_05_28.csv"
    if not path.exists():
        pytest.skip(f"the open-data export is not available: {path} is absent")
    fits(open_source(path).results(Options(ideas="given")), path.name)
    # Ideas found in its texts (pooled figures per idea), on its first 300 proposals:
    # the whole export takes a minute and a half to group.
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(itertools.islice(csv.reader(handle), 301))
    part = tmp_path / "mondedapres-part.csv"
    with open(part, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    results = open_source(part).results()
    assert results["ideas_source"] == "found"
    fits(results, f"{part.name}, ideas found")


# -- mypy ---------------------------------------------------------------------------------------

def run_mypy(*targets: str, cwd: Path = ROOT) -> tuple[list[str], str]:
    """mypy with the project's configuration (pyproject.toml, [tool.mypy]); the errors
    about the results' keys, and the whole output."""
    pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e '.[test]'")
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary",
         "--show-error-codes", "--no-pretty", *targets],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), f"mypy did not run:\n{done.stdout}\n{done.stderr}"
    keys = []
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if not match:
            continue
        if match["code"] in KEY_CODES or (
                match["code"] == "name-defined"
                and any(f'"{name}"' in match["message"] for name in MODEL_NAMES)):
            keys.append(line)
    return keys, done.stdout


def test_analytics_and_pages_name_only_fields_of_the_model():
    keys, _ = run_mypy("analytics", "pages")
    assert not keys, ("keys the results model does not declare (or misused), per mypy:\n"
                      + "\n".join(keys))


def test_mypy_reports_a_misspelt_key(tmp_path):
    """The check works: a page reading results["consultaton"] is reported, whether the
    results come from a function annotated with Results or from View.results()."""
    probe = tmp_path / "probe_typo.py"
    probe.write_text(
        "from analytics.results_model import Results\n"
        "from pages import ui\n"
        "\n"
        "\n"
        "def title(results: Results) -> object:\n"
        "    return results[\"consultaton\"]\n"
        "\n"
        "\n"
        "def first_proposal(results: Results) -> object:\n"
        "    return results[\"proposals\"][0].get(\"contnet\")\n"
        "\n"
        "\n"
        "results = ui.current_view().results()\n"
        "slug = results[\"consultation\"][\"slgu\"]\n",
        encoding="utf-8")
    keys, output = run_mypy(str(probe), cwd=tmp_path)
    assert any(':6: error: TypedDict "Results" has no key "consultaton"' in line
               for line in keys), output
    assert any(':10: error: TypedDict "Proposal" has no key "contnet"' in line
               for line in keys), output
    assert any(':14: error: TypedDict "Consultation" has no key "slgu"' in line
               for line in keys), output
