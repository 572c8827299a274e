"""A set of ideas and the proposals in each: found in the texts, then possibly
corrected by a person (renamed, merged, proposals moved), and written as the
`ideas.csv` + proposals' `idea_id` that a vote-level bundle takes.

An IdeaSet never changes in place: every correction returns a new one."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace

import pandas as pd

from analytics import i18n
from analytics.i18n import N_
from analytics.inputs.errors import Issue, IssueCollector

# The group of proposals that fit no idea; it is not an idea and is never ranked. Its
# name is written in the proposals' language (`other_name`) and kept with the ideas.
OTHER_NAME = N_("Other proposals")

IDEAS_FILE = "ideas.csv"
ASSIGNMENTS_FILE = "proposal_ideas.csv"
IDEA_COLUMNS = ("idea_id", "name", "axis", "keywords", "examples")
ASSIGNMENT_COLUMNS = ("proposal_id", "idea_id", "similarity")
MAX_NAME = 200


def other_name(language: str | None) -> str:
    """The "other" group's name in the proposals' `language` (a code such as "fr"): from
    the interface's catalogs, in English for a language without one (or none given)."""
    if language not in i18n.LANGUAGES:
        return OTHER_NAME
    return i18n.translator(language)(OTHER_NAME)


@dataclass(frozen=True)
class IdeaSet:
    """`ideas`: idea_id, name, axis, keywords (list of str), examples (proposal ids,
    most representative first). `assignments`: one row per proposal, with its
    idea_id (None: in no idea, the "other" group) and its similarity to the idea
    (NaN once a person moved it)."""

    ideas: pd.DataFrame
    assignments: pd.DataFrame
    language: str | None = None
    method: dict = field(default_factory=dict)
    edited: bool = False
    seconds: float = 0.0

    # -- reading ----------------------------------------------------------------------------

    def idea_of(self) -> dict[str, str | None]:
        return dict(zip(self.assignments["proposal_id"], _ids(self.assignments["idea_id"]),
                        strict=True))

    def ideas_table(self) -> pd.DataFrame:
        """idea_id, name, axis: what the engine ranks (the `ideas` table of a bundle)."""
        return self.ideas[["idea_id", "name", "axis"]].reset_index(drop=True)

    @property
    def unassigned(self) -> int:
        return int(self.assignments["idea_id"].isna().sum())

    def sizes(self) -> dict[str, int]:
        return self.assignments["idea_id"].value_counts().to_dict()

    def to_json(self) -> dict:
        """The object of `python -m analytics ideas --format json`."""
        sizes = self.sizes()
        ideas = [{"idea_id": row.idea_id, "name": row.name, "axis": row.axis,
                  "keywords": list(row.keywords), "proposals": int(sizes.get(row.idea_id, 0)),
                  "examples": list(row.examples)}
                 for row in self.ideas.itertuples(index=False)]
        assignments = [{"proposal_id": p, "idea_id": i,
                        "similarity": None if pd.isna(s) else round(float(s), 6)}
                       for p, i, s in zip(self.assignments["proposal_id"],
                                          _ids(self.assignments["idea_id"]),
                                          self.assignments["similarity"], strict=True)]
        return {"language": self.language, "method": self.method, "edited": self.edited,
                "ideas": ideas, "assignments": assignments, "unassigned": self.unassigned,
                "seconds": round(self.seconds, 3)}

    # -- corrections ------------------------------------------------------------------------

    def rename(self, idea_id: str, name: str) -> IdeaSet:
        name = " ".join(str(name).split())[:MAX_NAME]
        if not name:
            raise ValueError("an idea needs a name")
        self._known(idea_id)
        ideas = self.ideas.copy()
        ideas.loc[ideas["idea_id"] == idea_id, "name"] = name
        return replace(self, ideas=ideas, edited=True)

    def set_axis(self, idea_id: str, axis: str | None) -> IdeaSet:
        self._known(idea_id)
        ideas = self.ideas.copy()
        ideas.loc[ideas["idea_id"] == idea_id, "axis"] = (" ".join(str(axis).split())
                                                          if axis else None)
        return replace(self, ideas=ideas, edited=True)

    def merge(self, idea_ids: list[str], into: str) -> IdeaSet:
        """Every proposal of `idea_ids` goes to `into`; those ideas disappear."""
        self._known(into, *idea_ids)
        gone = [i for i in idea_ids if i != into]
        assignments = self.assignments.copy()
        moved = assignments["idea_id"].isin(gone)
        assignments.loc[moved, "idea_id"] = into
        assignments.loc[moved, "similarity"] = float("nan")
        ideas = self.ideas[~self.ideas["idea_id"].isin(gone)].reset_index(drop=True)
        for column in ("keywords", "examples"):
            ideas[column] = [_union(self._column(into, column),
                                    *(self._column(i, column) for i in gone))
                             if idea == into else list(values)
                             for idea, values in zip(ideas["idea_id"], ideas[column],
                                                     strict=True)]
        return replace(self, ideas=ideas.reset_index(drop=True), assignments=assignments,
                       edited=True)

    def move(self, proposal_ids: list[str], idea_id: str | None) -> IdeaSet:
        """Those proposals go to `idea_id` (None: to the "other" group)."""
        if idea_id is not None:
            self._known(idea_id)
        assignments = self.assignments.copy()
        chosen = assignments["proposal_id"].isin(set(proposal_ids))
        assignments.loc[chosen, "idea_id"] = idea_id
        assignments.loc[chosen, "similarity"] = float("nan")
        ideas = self.ideas.copy()
        ideas["examples"] = [[p for p in examples if p not in set(proposal_ids)]
                             for examples in ideas["examples"]]
        return replace(self, ideas=ideas, assignments=assignments, edited=True)

    def _known(self, *idea_ids: str) -> None:
        missing = sorted(set(idea_ids) - set(self.ideas["idea_id"]))
        if missing:
            raise ValueError(f"unknown idea(s): {', '.join(missing)}")

    def _column(self, idea_id: str, column: str) -> list:
        return list(self.ideas.loc[self.ideas["idea_id"] == idea_id, column].iloc[0])

    # -- files ------------------------------------------------------------------------------

    def to_csv(self) -> tuple[bytes, bytes]:
        """(`ideas.csv`, `proposal_ideas.csv`): idea_id,name,axis and
        proposal_id,idea_id (empty: in no idea), UTF-8, what a bundle takes."""
        ideas = _csv(["idea_id", "name", "axis"],
                     self.ideas[["idea_id", "name", "axis"]].itertuples(index=False))
        assignments = _csv(["proposal_id", "idea_id"],
                           zip(self.assignments["proposal_id"],
                               _ids(self.assignments["idea_id"]), strict=True))
        return ideas, assignments

    @classmethod
    def from_csv(cls, ideas_csv: bytes, assignments_csv: bytes, proposal_ids,
                 *, language: str | None = None, method: dict | None = None) -> IdeaSet:
        """Read back what `to_csv` wrote (possibly edited in a spreadsheet), checked
        against the consultation's proposals; InputError naming file, row and column."""
        issues = IssueCollector()
        ideas = _read(ideas_csv, IDEAS_FILE, ("idea_id", "name"), issues)
        links = _read(assignments_csv, ASSIGNMENTS_FILE, ("proposal_id", "idea_id"), issues)
        issues.raise_if_any()
        known_ideas: dict[str, int] = {}
        idea_rows = []
        for row_number, row in ideas:
            idea_id, name = row.get("idea_id", "").strip(), " ".join(row.get("name", "").split())
            if not idea_id:
                issues.add(Issue(IDEAS_FILE, "empty idea_id", row_number, "idea_id",
                                 expected="an identifier"))
            elif idea_id in known_ideas:
                issues.add(Issue(IDEAS_FILE, "duplicate idea_id", row_number, "idea_id",
                                 expected=f"unique (already at row {known_ideas[idea_id]})",
                                 found=idea_id))
            elif not name:
                issues.add(Issue(IDEAS_FILE, "empty name", row_number, "name",
                                 expected="the idea's name"))
            else:
                known_ideas[idea_id] = row_number
                axis = " ".join(row.get("axis", "").split()) or None
                idea_rows.append((idea_id, name[:MAX_NAME], axis))
        proposals = {str(p) for p in proposal_ids}
        seen: dict[str, int] = {}
        assignment_rows = []
        for row_number, row in links:
            proposal_id = row.get("proposal_id", "").strip()
            idea_id = row.get("idea_id", "").strip() or None
            if proposal_id not in proposals:
                issues.add(Issue(ASSIGNMENTS_FILE, "unknown proposal", row_number,
                                 "proposal_id", expected="a proposal of this consultation",
                                 found=proposal_id))
            elif proposal_id in seen:
                issues.add(Issue(ASSIGNMENTS_FILE, "duplicate proposal", row_number,
                                 "proposal_id",
                                 expected=f"one row per proposal (already at row "
                                          f"{seen[proposal_id]})", found=proposal_id))
            elif idea_id is not None and idea_id not in known_ideas:
                issues.add(Issue(ASSIGNMENTS_FILE, "unknown idea", row_number, "idea_id",
                                 expected=f"empty or an idea_id of {IDEAS_FILE}",
                                 found=idea_id))
            else:
                seen[proposal_id] = row_number
                assignment_rows.append((proposal_id, idea_id))
        issues.raise_if_any()
        # Proposals the file leaves out are in no idea (the file may list only some).
        assignment_rows += [(p, None) for p in proposal_ids if str(p) not in seen]
        table = pd.DataFrame(idea_rows, columns=["idea_id", "name", "axis"])
        table["keywords"] = [[] for _ in range(len(table))]
        table["examples"] = [[] for _ in range(len(table))]
        assignments = pd.DataFrame(assignment_rows, columns=["proposal_id", "idea_id"])
        assignments["idea_id"] = assignments["idea_id"].astype(object)
        assignments["similarity"] = float("nan")
        return cls(table, assignments, language=language, method=dict(method or {}),
                   edited=True)


def _ids(values) -> list:
    """Idea ids with None (not NaN) for a proposal in no idea."""
    return [None if value is None or value != value else value for value in values]


def _union(*lists) -> list:
    return list(dict.fromkeys(item for items in lists for item in items))


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None or value != value else value for value in row]
                     for row in rows)
    return buffer.getvalue().encode("utf-8")


def _read(content: bytes, file: str, required: tuple[str, ...],
          issues: IssueCollector) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.add(Issue(file, "not UTF-8 text", expected="a UTF-8 CSV file",
                         found=f"byte {error.start}"))
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [column for column in required if column not in header]
    if missing:
        issues.add(Issue(file, "required column is missing", 1, ", ".join(missing),
                         expected=", ".join(required), found=", ".join(header) or "nothing"))
        return []
    try:
        return [(number, {k: (v or "") for k, v in row.items() if k is not None})
                for number, row in enumerate(reader, start=2)]
    except csv.Error as error:
        issues.add(Issue(file, f"unreadable CSV ({error})", reader.line_num))
        return []
