"""Provides checking an imported household: a `FamilyIn` ready to register, or its problems.

Each problem is located at the spreadsheet row and column it comes from, so a coordinator can
fix the file; household columns may be repeated on every row of a household, or left empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from distro.domain.core.codes import Code, CodeKind, parse_scan
from distro.domain.core.csv_cells import choice
from distro.domain.core.csv_reading import RowProblem
from distro.domain.core.errors import CodeError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.families.csv_format import HOUSEHOLD_COLUMNS
from distro.domain.families.csv_households import Household
from distro.domain.families.import_cells import (
    family_fields,
    household_values,
    member_fields,
)
from distro.domain.families.member_rows import birth_date_problem
from distro.domain.families.models import FamilyStatus, Relationship
from distro.domain.families.schemas import ONE_HEAD, FamilyIn, StatusChange

_T = TypeVar("_T")
_DATE: TypeAdapter[date | None] = TypeAdapter(date | None)


@dataclass(frozen=True)
class CheckedHousehold:
    """A household whose rows are all valid, ready to register."""

    household: Household
    family_in: FamilyIn
    code: Code | None
    status: FamilyStatus
    duplicate_reason: str


KeptCode = tuple[Code, int]
"""A family code the file gives, and the first row of its household."""


def check_all(
    households: list[Household], today: date, problems: list[RowProblem]
) -> tuple[list[CheckedHousehold], list[KeptCode]]:
    """The households without a problem, and the codes every household keeps (so that codes
    taken twice are found whatever else is wrong); the problems of the others go to
    `problems`."""
    checked = []
    codes = []
    for household in households:
        result, code = check_household(household, today)
        if isinstance(result, CheckedHousehold):
            checked.append(result)
        else:
            problems.extend(result)
        if code is not None:
            codes.append((code, household.rows[0]))
    return checked, codes


def check_household(
    household: Household, today: date
) -> tuple[CheckedHousehold | list[RowProblem], Code | None]:
    """The household validated, or every problem of its rows; and the code it keeps."""
    values, sources, problems = household_values(household)
    found: dict[str, str] = {}
    code = _collect(found, lambda: _family_code(values.get("family_code", "")))
    status = _collect(found, lambda: _status(values.get("status", "")))
    family_in = _collect(found, lambda: _family_in(values, household, today))
    problems += located(found, household, sources)
    if problems or family_in is None or status is None:
        return problems, code
    reason = values.get("duplicate_reason", "")
    return CheckedHousehold(household, family_in, code, status, reason), code


def located(
    problems: Mapping[str, str], household: Household, sources: Mapping[str, int]
) -> list[RowProblem]:
    """Schema problems (field path -> message) as the row and column they come from."""
    return [_located(path, message, household, sources) for path, message in problems.items()]


def _located(
    path: str, message: str, household: Household, sources: Mapping[str, int]
) -> RowProblem:
    parts = path.split(".")
    if parts[0] == "members" and len(parts) > 1 and parts[1].isdigit():
        column = parts[2] if len(parts) > 2 else ""
        return RowProblem(household.rows[int(parts[1])], column, message)
    if parts[0] in HOUSEHOLD_COLUMNS:
        return RowProblem(sources.get(parts[0], household.rows[0]), parts[0], message)
    column = "household" if parts[0] == "members" else ""
    return RowProblem(household.rows[0], column, message)


def _collect(found: dict[str, str], check: Callable[[], _T]) -> _T | None:
    """`check()`, or None with its problems added to `found`."""
    try:
        result = check()
    except InvalidInput as error:
        found.update(error.problems)
        return None
    return result


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
    return validated(StatusChange, {"status": choice(text) or FamilyStatus.ACTIVE.value}).status


def _family_in(values: Mapping[str, str], household: Household, today: date) -> FamilyIn:
    """The household as `FamilyIn`, or InvalidInput with every problem (members.2.sex ...).

    The rules that look at a whole member or household (a birth date against today, one
    head) are checked here on the cells too, not only by the schema and at registration, which
    reach them only once every cell is valid: one run then reports them all.
    """
    problems: dict[str, str] = {}
    members = []
    for index, cells in enumerate(household.cells):
        member, problem = member_fields(cells, today)
        problem = problem or _birth_problem(member, today)
        if problem:
            problems[f"members.{index}.birth_date"] = problem
        members.append(member)
    heads = [m for m in members if m.get("relationship") == Relationship.HEAD.value]
    if len(heads) > 1:
        problems["form"] = ONE_HEAD
    data = {**family_fields(values), "members": members}
    try:
        family_in = validated(FamilyIn, data)
    except InvalidInput as error:
        raise InvalidInput({**error.problems, **problems}) from None
    if problems:
        raise InvalidInput(problems)
    return family_in


def _birth_problem(member: Mapping[str, Any], today: date) -> str | None:
    """What is wrong with a row's date of birth on `today`; None also when it is not a date
    at all, which the schema reports."""
    try:
        birth_date = _DATE.validate_python(member.get("birth_date"))
    except ValidationError:
        return None
    return None if birth_date is None else birth_date_problem(birth_date, today)
