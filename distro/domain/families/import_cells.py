"""Provides the cells of an imported household as schema input, forgiving how people type.

Choices may be written "No pork", "no-pork" or "NO_PORK"; lists are split on ";"; a birth date
of only a year (as exports write estimated ones) becomes an estimated age.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from distro.domain.core.csv_cells import choice
from distro.domain.core.csv_reading import RowProblem
from distro.domain.families.csv_format import (
    FAMILY_COLUMNS,
    HOUSEHOLD_COLUMNS,
    LIST_COLUMNS,
    MEMBER_COLUMNS,
    list_items,
)
from distro.domain.families.csv_households import Household

CHOICE_COLUMNS = frozenset({"status", "dietary", "sex", "relationship"})
MAX_AGE = 120
_YEAR_ONLY = re.compile(r"\d{4}")


def household_values(
    household: Household,
) -> tuple[dict[str, str], dict[str, int], list[RowProblem]]:
    """Household columns from the first row that fills each, the row each came from, and a
    problem for each row giving a different value."""
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


def family_fields(values: Mapping[str, str]) -> dict[str, Any]:
    """The household's `FamilyIn` fields, without its members."""
    return _fields(values, FAMILY_COLUMNS)


def member_fields(cells: Mapping[str, str], today: date) -> tuple[dict[str, Any], str | None]:
    """A row's `MemberIn` fields, and what is wrong with a year-only birth date, if anything."""
    member = _fields(cells, MEMBER_COLUMNS)
    return member, _year_only_birth(member, today)


def _fields(cells: Mapping[str, str], columns: Iterable[str]) -> dict[str, Any]:
    """The non-empty cells of `columns` as schema input: lists split, choices normalised."""
    data: dict[str, Any] = {}
    for column in columns:
        value = cells.get(column, "")
        if not value:
            continue
        normalised = choice if column in CHOICE_COLUMNS else str
        if column in LIST_COLUMNS:
            data[column] = [normalised(item) for item in list_items(value)]
        else:
            data[column] = normalised(value)
    return data


def _year_only_birth(member: dict[str, Any], today: date) -> str | None:
    """A birth_date of only a year becomes an estimated age; a problem if that cannot be."""
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
