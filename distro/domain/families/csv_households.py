"""Provides reading a families CSV file into households: its rows grouped by household key.

Only the shape is checked here (text, columns, household keys); whether each household is
valid is `distro.domain.families.import_checks`'s job."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from distro.domain.core.csv_reading import (
    CellChange,
    RowProblem,
    csv_records,
    header_names,
    row_cells,
)
from distro.domain.families.csv_format import COLUMNS, REQUIRED_COLUMNS


@dataclass
class Household:
    """The rows sharing one household key; `rows[i]` is the spreadsheet row of member i."""

    key: str
    rows: list[int] = field(default_factory=list)
    cells: list[dict[str, str]] = field(default_factory=list)


def read_households(
    source: TextIO, changes: list[CellChange]
) -> tuple[list[Household], list[RowProblem]]:
    """The file's households in the order they first appear, and the rows that cannot be read;
    cells trimmed of spaces are added to `changes`."""
    problems: list[RowProblem] = []
    records = csv_records(source, problems)
    header = next(records, None)
    if header is None:
        return [], problems or [RowProblem(0, "", "is empty; its first row must name the columns")]
    names = header_names(header[1], problems, COLUMNS, REQUIRED_COLUMNS)
    if problems:
        return [], problems
    households = _grouped(records, names, problems, changes)
    if not households and not problems:
        problems.append(RowProblem(0, "", "has no members under the header row"))
    return households, problems


def _grouped(
    records: Iterator[tuple[int, list[str]]],
    names: list[str],
    problems: list[RowProblem],
    changes: list[CellChange],
) -> list[Household]:
    """The rows under the header, grouped by household key; blank rows skipped.

    A household's rows must follow one another: a key met again after other households is
    more often a second family given the same key by mistake than a family written in two
    places, and joining two families would put one family's people on another's card.
    """
    households: dict[str, Household] = {}
    scattered: set[str] = set()
    previous = ""
    for row, record in records:
        cells = row_cells(row, record, names, problems, changes)
        if cells is None or not any(cells.values()):
            continue
        key = cells.pop("household")
        if not key:
            problems.append(RowProblem(row, "household", "is required; it groups a family's rows"))
            continue
        household = households.setdefault(key, Household(key))
        if household.rows and key != previous and key not in scattered:
            scattered.add(key)  # reported once, however scattered its rows are
            problems.append(RowProblem(row, "household", _apart(household)))
        household.rows.append(row)
        household.cells.append(cells)
        previous = key
    return list(households.values())


def _apart(household: Household) -> str:
    return (
        f"household {household.key} already ended on row {household.rows[-1]}, other "
        "households came between: keep a family's rows together, or give this family its own key"
    )
