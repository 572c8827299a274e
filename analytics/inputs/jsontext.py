"""JSON as the standard (RFC 8259) defines it, for every JSON file the readers take.

Python's json module takes more than the standard and less than it: NaN, Infinity
and -Infinity (which `json.dump(..., allow_nan=False)` then refuses to write back), a
key twice in one object (the last one silently wins), lone UTF-16 surrogates such as
"\\ud800" (which no UTF-8 writer can write back), and integers of thousands of
digits (ValueError past 4,300 digits, slow before). Each is refused here with its
place, as an InputError."""

from __future__ import annotations

import json
import re

from analytics.inputs.errors import InputError, Issue

# Longer integers are no count, share or id: 2**63 has 19 digits.
MAX_DIGITS = 30
_LONE_SURROGATE = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|"
    r"(?<!\\ud[89ab][0-9a-f]{2}\\u)d[c-f][0-9a-f]{2})", re.IGNORECASE)


class _Refused(ValueError):
    def __init__(self, reason: str, found: str, needle: str | None = None):
        super().__init__(reason)
        self.reason, self.found, self.needle = reason, found, needle


def _constant(name: str):
    raise _Refused("a number is not finite", name, name)


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a whole number has more than {MAX_DIGITS} digits",
                       f"{len(text):,} digits", text[:MAX_DIGITS])
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused("a number is too large", text[:40], text)
    return value


def _object(pairs: list) -> dict:
    data = {}
    for key, value in pairs:
        if key in data:
            raise _Refused("a key appears twice in one object", key, json.dumps(key))
        data[key] = value
    return data


def _where(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def loads(text: str, name: str, **hooks):
    """The document of `text` (the file `name`); InputError naming the line, column and
    reason when it is not standard JSON. `hooks` go to json.loads (parse_float)."""
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:
        line, column = _where(text, lone.start() + len(lone.group(1)))
        raise InputError([Issue(name, "a text holds a lone UTF-16 surrogate (not a character)",
                                row=line, expected="valid Unicode text",
                                found=f"{lone.group(0)[len(lone.group(1)):]} at line {line} "
                                      f"column {column}")])
    hooks.setdefault("parse_float", _float)
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_integer,
                          object_pairs_hook=_object, **hooks)
    except _Refused as refused:
        where = text.find(refused.needle) if refused.needle else -1
        if refused.reason.startswith("a key appears twice"):      # its second place
            where = text.find(refused.needle, where + 1)
        row, found = None, refused.found
        if where >= 0:
            row, column = _where(text, where)
            found = f"{found} at line {row} column {column}"
        raise InputError([Issue(name, refused.reason, row=row, expected="standard JSON",
                                found=found)]) from None
