"""Provides importing families from a CSV file a coordinator filled in a spreadsheet.

The format is the one `distro.domain.exports` writes (README.md, "Families CSV format"): one
row per member; rows with the same `household` key form one family. The file is one unit:
every row is checked, every problem is reported with its spreadsheet row (the header is row
1), and families are written only if nothing is wrong.
The work happens in a savepoint of the caller's transaction, so a refused file or a dry run
leaves nothing behind, whatever the caller does next.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, TextIO, TypeVar

from sqlmodel import Session, col, select

from distro.domain.codes import Code, CodeKind, parse_scan
from distro.domain.duplicates import PossibleDuplicates
from distro.domain.errors import CodeError, DomainError, InvalidInput
from distro.domain.exports import (
    BOM,
    CELL_LIST_SEPARATOR,
    COLUMNS,
    FAMILY_COLUMNS,
    HOUSEHOLD_COLUMNS,
    LIST_COLUMNS,
    MEMBER_COLUMNS,
    REQUIRED_COLUMNS,
    unescape_cell,
)
from distro.domain.families import change_status, register_family
from distro.domain.models import Family, FamilyStatus
from distro.domain.numbering import reserve_up_to
from distro.domain.schemas import FamilyIn, StatusChange, validated

CHOICE_COLUMNS = frozenset({"status", "dietary", "sex", "relationship"})
MAX_AGE = 120
IN_FILE_MATCH_REASON = "looks like another household of the same import file"
_YEAR_ONLY = re.compile(r"\d{4}")
_T = TypeVar("_T")


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be imported; row 0 means the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportedFamily:
    """A household that passed every check, and the code it has (or would have)."""

    household: str
    row: int
    code: str
    members: int
    status: str


@dataclass
class ImportReport:
    """What an import did: families written only if `written`, otherwise every problem."""

    families: list[ImportedFamily]
    problems: list[RowProblem]
    dry_run: bool

    @property
    def written(self) -> bool:
        """True when the families are in the caller's transaction (no problem, no dry run)."""
        return not self.problems and not self.dry_run

    @property
    def member_count(self) -> int:
        """Members of the households that passed."""
        return sum(family.members for family in self.families)


@dataclass
class Household:
    """The rows sharing one household key; `rows[i]` is the spreadsheet row of member i."""

    key: str
    rows: list[int] = field(default_factory=list)
    cells: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedHousehold:
    """A household whose rows are all valid, ready to register."""

    household: Household
    family_in: FamilyIn
    code: Code | None
    status: FamilyStatus
    duplicate_reason: str


def import_families(
    session: Session, source: TextIO, *, actor: str, now: datetime, dry_run: bool = False
) -> ImportReport:
    """Import the families in `source` (CSV text, BOM optional), all of them or none.

    Every household is checked and registered, so duplicates and taken codes are reported
    too; then the savepoint is kept only if nothing is wrong and this is not a dry run.
    """
    households, problems = read_households(source)
    if problems and not households:
        return ImportReport([], problems, dry_run)
    checked = _check_all(households, now.date(), problems)
    savepoint = session.begin_nested()
    try:
        families, refused = _register_all(session, checked, actor=actor, now=now)
    except BaseException:
        savepoint.rollback()
        raise
    problems.extend(refused)
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return ImportReport(families, sorted(problems, key=lambda problem: problem.row), dry_run)


def read_households(source: TextIO) -> tuple[list[Household], list[RowProblem]]:
    """The file's households in the order they first appear, and the rows that cannot be read."""
    problems: list[RowProblem] = []
    households: dict[str, Household] = {}
    records = _records(source, problems)
    header = next(records, None)
    if header is None:
        if not problems:
            problems.append(RowProblem(0, "", "is empty; its first row must name the columns"))
        return [], problems
    names = _header_names(header[1], problems)
    if problems:
        return [], problems
    for row, record in records:
        cells = _row_cells(row, record, names, problems)
        if cells is None or not any(cells.values()):
            continue
        key = cells.pop("household")
        if not key:
            problems.append(RowProblem(row, "household", "is required; it groups a family's rows"))
            continue
        household = households.setdefault(key, Household(key))
        household.rows.append(row)
        household.cells.append(cells)
    if not households and not problems:
        problems.append(RowProblem(0, "", "has no members under the header row"))
    return list(households.values()), problems


def _records(source: TextIO, problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells) of each record; stops at the first unreadable one."""
    row = 0
    try:
        for row, record in enumerate(csv.reader(source), start=1):
            yield row, record
    except UnicodeDecodeError:
        message = "is not UTF-8 text; in the spreadsheet, save it as 'CSV UTF-8'"
        problems.append(RowProblem(0, "", message))
    except csv.Error as error:
        problems.append(RowProblem(row + 1, "", f"cannot be read as CSV ({error})"))


def _header_names(header: list[str], problems: list[RowProblem]) -> list[str]:
    """Column names (forgiving case and spaces); unknown, repeated or missing ones reported."""
    names = [cell.lstrip(BOM).strip().lower().replace(" ", "_") for cell in header]
    if not any(names):
        problems.append(RowProblem(1, "", "must name the columns: " + ", ".join(COLUMNS)))
        return names
    for index, name in enumerate(names):
        if name and name not in COLUMNS:
            hint = "; columns must be separated by commas" if ";" in name or "\t" in name else ""
            problems.append(RowProblem(1, "", f"unknown column '{header[index].strip()}'{hint}"))
        elif name and name in names[:index]:
            problems.append(RowProblem(1, "", f"column '{name}' appears twice"))
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(RowProblem(1, "", f"required column '{name}' is missing"))
    if problems:
        problems.append(RowProblem(1, "", "the columns distro reads are: " + ", ".join(COLUMNS)))
    return names


def _row_cells(
    row: int, record: list[str], names: list[str], problems: list[RowProblem]
) -> dict[str, str] | None:
    """Column -> unescaped text; None when a value sits in a column without a name."""
    cells = dict.fromkeys(names, "")
    for index, raw in enumerate(record):
        name = names[index] if index < len(names) else ""
        value = unescape_cell(raw.strip())
        if name:
            cells[name] = value
        elif value:
            problems.append(
                RowProblem(row, "", f"has a value in column {index + 1}, which has no name")
            )
            return None
    cells.pop("", None)
    return cells


def _check_all(
    households: list[Household], today: date, problems: list[RowProblem]
) -> list[CheckedHousehold]:
    """The households without a problem; the problems of the others go to `problems`."""
    checked = []
    for household in households:
        result = check_household(household, today)
        if isinstance(result, CheckedHousehold):
            checked.append(result)
        else:
            problems.extend(result)
    return checked


def check_household(household: Household, today: date) -> CheckedHousehold | list[RowProblem]:
    """The household validated, or every problem of its rows."""
    values, sources, problems = _household_values(household)
    found: dict[str, str] = {}
    code = _collect(found, lambda: _family_code(values.get("family_code", "")))
    status = _collect(found, lambda: _status(values.get("status", "")))
    family_in = _collect(found, lambda: _family_in(values, household, today))
    problems += _located(found, household, sources)
    if problems or family_in is None or status is None:
        return problems
    reason = values.get("duplicate_reason", "")
    return CheckedHousehold(household, family_in, code, status, reason)


def _collect(found: dict[str, str], check: Callable[[], _T]) -> _T | None:
    """`check()`, or None with its problems added to `found`."""
    try:
        result = check()
    except InvalidInput as error:
        found.update(error.problems)
        return None
    return result


def _household_values(
    household: Household,
) -> tuple[dict[str, str], dict[str, int], list[RowProblem]]:
    """Household columns from the first row that fills each; a different value is a problem."""
    values: dict[str, str] = {}
    sources: dict[str, int] = {}
    problems: list[RowProblem] = []
    for row, cells in zip(household.rows, household.cells, strict=True):
        for column in HOUSEHOLD_COLUMNS:
            value = cells.get(column, "")
            if value and column not in values:
                values[column], sources[column] = value, row
            elif value and value != values[column]:
                message = f"differs from row {sources[column]} of household {household.key}; "
                problems.append(RowProblem(row, column, message + "repeat it or leave it empty"))
    return values, sources, problems


def _family_code(text: str) -> Code | None:
    if not text:
        return None
    try:
        code = parse_scan(text)
    except CodeError as error:
        raise InvalidInput({"family_code": str(error)}) from None
    if code.kind != CodeKind.FAMILY:
        raise InvalidInput({"family_code": f"{code.text} is not a family code"})
    return code


def _status(text: str) -> FamilyStatus:
    return validated(StatusChange, {"status": _choice(text) or FamilyStatus.ACTIVE.value}).status


def _family_in(values: Mapping[str, str], household: Household, today: date) -> FamilyIn:
    """The household as `FamilyIn`, or InvalidInput with every problem (members.2.sex ...)."""
    problems: dict[str, str] = {}
    members = []
    for index, cells in enumerate(household.cells):
        member = _fields(cells, MEMBER_COLUMNS)
        problem = _year_only_birth(member, today)
        if problem:
            problems[f"members.{index}.birth_date"] = problem
        members.append(member)
    data = {**_fields(values, FAMILY_COLUMNS), "members": members}
    try:
        family_in = validated(FamilyIn, data)
    except InvalidInput as error:
        raise InvalidInput({**problems, **error.problems}) from None
    if problems:
        raise InvalidInput(problems)
    return family_in


def _fields(cells: Mapping[str, str], columns: Iterable[str]) -> dict[str, Any]:
    """The non-empty cells of `columns` as schema input: lists split, choices normalised."""
    data: dict[str, Any] = {}
    for column in columns:
        value = cells.get(column, "")
        if not value:
            continue
        if column in LIST_COLUMNS:
            items = [item.strip() for item in value.split(CELL_LIST_SEPARATOR)]
            data[column] = [_choice(i) if column in CHOICE_COLUMNS else i for i in items if i]
        else:
            data[column] = _choice(value) if column in CHOICE_COLUMNS else value
    return data


def _choice(text: str) -> str:
    """The value of a choice: "No pork", "no-pork" and "NO_PORK" all mean no_pork."""
    return "_".join(text.replace("-", " ").split()).lower()


def _year_only_birth(member: dict[str, Any], today: date) -> str | None:
    """A birth_date of only a year (as exports write estimated ones) becomes an estimated age."""
    birth = member.get("birth_date", "")
    if not _YEAR_ONLY.fullmatch(birth):
        return None
    del member["birth_date"]
    if "estimated_age" in member:
        return "give a year of birth or an estimated_age, not both"
    age = today.year - int(birth)
    if not 0 <= age <= MAX_AGE:
        return f"a year of birth must be between {today.year - MAX_AGE} and {today.year}"
    member["estimated_age"] = age
    return None


def _located(
    problems: Mapping[str, str], household: Household, sources: Mapping[str, int]
) -> list[RowProblem]:
    """Schema problems (field path -> message) as the row and column they come from."""
    located = []
    for path, message in problems.items():
        parts = path.split(".")
        if parts[0] == "members" and len(parts) > 1 and parts[1].isdigit():
            column = parts[2] if len(parts) > 2 else ""
            located.append(RowProblem(household.rows[int(parts[1])], column, message))
        elif parts[0] in HOUSEHOLD_COLUMNS:
            located.append(RowProblem(sources.get(parts[0], household.rows[0]), parts[0], message))
        else:
            column = "household" if parts[0] == "members" else ""
            located.append(RowProblem(household.rows[0], column, message))
    return located


def _register_all(
    session: Session, checked: list[CheckedHousehold], *, actor: str, now: datetime
) -> tuple[list[ImportedFamily], list[RowProblem]]:
    """Register each household in its own savepoint, so one refused leaves no trace."""
    problems = _code_clashes(session, checked)
    refused = {problem.row for problem in problems}
    kept = [item.code.number for item in checked if item.code is not None]
    if kept:
        reserve_up_to(session, CodeKind.FAMILY, max(kept))
    imported: set[int] = set()
    families: list[ImportedFamily] = []
    for item in checked:
        if item.household.rows[0] in refused:
            continue
        try:
            with session.begin_nested():
                family = _register(session, item, imported, actor=actor, now=now)
        except DomainError as error:
            problems += _problems_of(error, item)
            continue
        assert family.id is not None
        imported.add(family.id)
        families.append(_imported(item.household, family))
    return families, problems


def _imported(household: Household, family: Family) -> ImportedFamily:
    rows = household.rows
    return ImportedFamily(household.key, rows[0], family.code, len(rows), family.status)


def _code_clashes(session: Session, checked: list[CheckedHousehold]) -> list[RowProblem]:
    """Kept codes already used in the database, or by an earlier household of the file."""
    kept = [(item.code.text, item.household.rows[0]) for item in checked if item.code]
    texts = [text for text, _ in kept]
    used = set(session.exec(select(Family.code).where(col(Family.code).in_(texts))).all())
    first_row: dict[str, int] = {}
    problems = []
    for text, row in kept:
        if text in used:
            problems.append(RowProblem(row, "family_code", f"{text} is already used by a family"))
        elif text in first_row:
            message = f"{text} is also the code of the household on row {first_row[text]}"
            problems.append(RowProblem(row, "family_code", message))
        first_row.setdefault(text, row)
    return problems


def _register(
    session: Session, item: CheckedHousehold, imported: set[int], *, actor: str, now: datetime
) -> Family:
    """Register one household; only families that were there before the import block it."""
    family = _register_despite(session, item, imported, actor=actor, now=now)
    if item.status != FamilyStatus.ACTIVE:
        assert family.id is not None
        change = StatusChange(status=item.status, reason="status given in the import file")
        change_status(session, family.id, change, actor=actor, now=now)
    return family


def _register_despite(
    session: Session, item: CheckedHousehold, imported: set[int], *, actor: str, now: datetime
) -> Family:
    """Matches among this file's households do not stop it; the history says they were seen."""
    register = partial(
        register_family,
        session,
        item.family_in,
        actor=actor,
        now=now,
        code=item.code.text if item.code else None,
    )
    try:
        return register(duplicate_reason=item.duplicate_reason)
    except PossibleDuplicates as error:
        earlier = [match for match in error.matches if match.family_id not in imported]
        if earlier:
            raise PossibleDuplicates(earlier) from None
    return register(duplicate_reason=IN_FILE_MATCH_REASON)


def _problems_of(error: DomainError, item: CheckedHousehold) -> list[RowProblem]:
    household = item.household
    if isinstance(error, InvalidInput):
        return _located(error.problems, household, {})
    if isinstance(error, PossibleDuplicates):
        found = "; ".join(f"{m.code} ({', '.join(m.reasons)})" for m in error.matches)
        message = (
            f"this household may already be registered: {found}. Check that family; "
            "to register this one anyway, write why in duplicate_reason"
        )
        return [RowProblem(household.rows[0], "", message)]
    return [RowProblem(household.rows[0], "", str(error))]
