"""The gettext catalogs: every string the code marks is translated in every language,
with the same placeholders, and no per-page translation table is left in the code."""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from analytics import i18n

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def code_messages() -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> the file that uses it, extracted as pybabel does (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={
                "_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
                "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}):
        # A plural (ngettext) is one entry, found by its singular.
        found[(context, message[0] if isinstance(message, tuple) else message)] = filename
    return found


MESSAGES = code_messages()
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]


def catalog(lang: str):
    with (i18n.LOCALE_DIR / lang / i18n.CATALOG).open("rb") as po:
        return read_po(po, locale=lang)


def test_the_code_marks_strings_and_german_is_a_language():
    assert len(MESSAGES) > 50
    assert i18n.LANGUAGES[:3] == ("fr", "en", "de")
    assert [i18n.language_name(lang) for lang in i18n.LANGUAGES[:3]] == [
        "Français", "English", "Deutsch"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_of_the_code_is_translated(lang):
    messages = catalog(lang)
    missing = []
    for (context, msgid), filename in sorted(MESSAGES.items(), key=str):
        entry = messages.get(msgid, context=context)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}: {msgid!r}")
    assert not missing, f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    wrong = []
    for entry in catalog(lang):
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not entry.id or not all(strings):
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_template_lists_what_the_code_marks():
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = set()
        for entry in read_po(pot):
            for msgid in (entry.id if isinstance(entry.id, tuple) else (entry.id,)):
                template.add((entry.context, msgid))
    stale = sorted(set(MESSAGES) - template, key=str)
    assert not stale, ("messages.pot is out of date (README \"Translations\"): "
                       + ", ".join(repr(m) for _c, m in stale[:20]))


# Data, not interface: words and lists per language that the code reads, not shows.
NOT_INTERFACE = {"analytics/metrics/found_ideas/text.py", "analytics/consultations/published.py",
                 "analytics/demo/recipe.py", "analytics/inputs/reference.py",
                 "analytics/inputs/language.py"}


def test_no_translation_table_is_left_in_the_code():
    tables = []
    for path in sorted([*ROOT.glob("analytics/**/*.py"), *ROOT.glob("pages/*.py"),
                        ROOT / "app.py"]):
        name = path.relative_to(ROOT).as_posix()
        if name in NOT_INTERFACE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if {"fr", "en"} <= keys:
                    tables.append(f"{name}:{node.lineno}")
            # `if lang == "fr": ... else: ...` is a table too, in branches.
            if isinstance(node, ast.Compare) and name != "analytics/i18n.py":
                sides = [node.left, *node.comparators]
                if any(isinstance(side, ast.Constant) and side.value in i18n.LANGUAGES
                       for side in sides):
                    tables.append(f"{name}:{node.lineno} (compares a language)")
    assert not tables, "per-language tables left: " + ", ".join(tables)


@pytest.mark.parametrize(("lang", "votes", "share"), [
    ("fr", "584\u202f664", "94\u00a0%"), ("en", "584,664", "94%"),
    ("de", "584.664", "94\u00a0%")])
def test_numbers_are_written_by_cldr(lang, votes, share):
    assert i18n.integer(584664, lang) == votes
    assert i18n.percent(93.5, lang) == share        # half up, as Make.org rounds
    assert i18n.decimal(2.25, lang, 1) == {"en": "2.3"}.get(lang, "2,3")


def test_dates_are_written_by_cldr():
    assert i18n.long_date("2022-05-01", "fr") == "1er mai 2022"
    assert i18n.long_date("2022-05-22", "en") == "May 22, 2022"
    assert i18n.long_date("2022-05-22", "de") == "22. Mai 2022"
    assert i18n.long_date("not a date", "de") is None
