"""Input problems, reported the way the data contract asks: file, row, column,
what was expected, what was found."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_ISSUES_PER_FILE = 50


@dataclass(frozen=True)
class Issue:
    """One problem in one input file. `row` is 1-based with the header as row 1."""

    file: str
    reason: str
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    # A geographic file's feature (1-based): its `column` is then a property.
    feature: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.feature is not None:
            where.append(f"feature {self.feature}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"{'property' if self.feature is not None else 'column'} {self.column}")
        text = f"{', '.join(where)}: {self.reason}"
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {_show(self.found)}")
        if details:
            text += f" ({'; '.join(details)})"
        return text


def _show(value: str) -> str:
    value = str(value)
    shown = value if len(value) <= 60 else value[:57] + "..."
    return repr(shown) + _code_points(shown)


def _code_points(value: str) -> str:
    """The code points of a value that reads like another one: not in its composed
    (NFC) or compatible (NFKC) form, or holding invisible or combining characters, so
    that "e\u0301" and "\u00e9" do not look the same in a message."""
    if value.isascii() or (unicodedata.normalize("NFKC", value) == value and not any(
            unicodedata.category(c) in ("Mn", "Cf", "Zs", "Co", "Cs") and c != " "
            for c in value)):
        return ""
    return " [" + " ".join(f"U+{ord(c):04X}" for c in value[:20]) + (
        " ..." if len(value) > 20 else "") + "]"


class InputError(Exception):
    """Raised when an input cannot be read; carries every issue found (capped per file)."""

    def __init__(self, issues: list[Issue], truncated: dict[str, int] | None = None):
        self.issues = list(issues)
        # file -> number of further issues left out after the cap
        self.truncated = dict(truncated or {})
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(issue) for issue in self.issues]
        for file, more in self.truncated.items():
            lines.append(f"{file}: {more} more problem(s) not shown")
        return "\n".join(lines)


class IssueCollector:
    """Collects issues per file, keeping at most MAX_ISSUES_PER_FILE of each."""

    def __init__(self, cap: int = MAX_ISSUES_PER_FILE):
        self.cap = cap
        self.issues: list[Issue] = []
        self.truncated: dict[str, int] = {}
        self._per_file: dict[str, int] = {}

    def add(self, issue: Issue) -> None:
        count = self._per_file.get(issue.file, 0)
        if count < self.cap:
            self.issues.append(issue)
        else:
            self.truncated[issue.file] = self.truncated.get(issue.file, 0) + 1
        self._per_file[issue.file] = count + 1

    def room(self, file: str) -> int:
        return max(self.cap - self._per_file.get(file, 0), 0)

    def count_more(self, file: str, n: int) -> None:
        if n > 0:
            self.truncated[file] = self.truncated.get(file, 0) + n
            self._per_file[file] = self._per_file.get(file, 0) + n

    def __bool__(self) -> bool:
        return bool(self.issues)

    def raise_if_any(self) -> None:
        if self.issues:
            raise InputError(self.issues, self.truncated)
