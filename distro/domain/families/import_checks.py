"""Provides checking an imported household: a `FamilyIn` ready to register, or its problems.

Each problem is located at the spreadsheet row and column it comes from, so a coordinator can
fix the file; household columns may be repeated on every row of a household, or left empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

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
from distro.domain.families.models import FamilyStatus
from distro.domain.families.schemas import FamilyIn, StatusChange

_T = TypeVar("_T")


@dataclass(frozen=True)
class CheckedHousehold:
    """A household whose rows are all valid, ready to register."""

    household: Household
    family_in: FamilyIn
    code: Code | None
    status: FamilyStatus
    duplicate_reason: str


def check_all(
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
    values, sources, problems = household_values(household)
    found: dict[str, str] = {}
    code = _collect(found, lambda: _family_code(values.get("family_code", "")))
    status = _collect(found, lambda: _status(values.get("status", "")))
    family_in = _collect(found, lambda: _family_in(values, household, today))
    problems += located(found, household, sources)
    if problems or family_in is None or status is None:
        return problems
    reason = values.get("duplicate_reason", "")
    return CheckedHousehold(household, family_in, code, status, reason)


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
    """The household as `FamilyIn`, or InvalidInput with every problem (members.2.sex ...)."""
    problems: dict[str, str] = {}
    members = []
    for index, cells in enumerate(household.cells):
        member, problem = member_fields(cells, today)
        if problem:
            problems[f"members.{index}.birth_date"] = problem
        members.append(member)
    data = {**family_fields(values), "members": members}
    try:
        family_in = validated(FamilyIn, data)
    except InvalidInput as error:
        raise InvalidInput({**problems, **error.problems}) from None
    if problems:
        raise InvalidInput(problems)
    return family_in
