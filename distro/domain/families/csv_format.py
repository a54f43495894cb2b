"""Provides the families CSV format: its columns and list cells.

The format (README.md, "Families CSV format") is the one `distro.domain.families.export` writes and
`distro.domain.families.imports` reads back: one row per member, household columns repeated on each
of its rows, lists joined with ";", UTF-8 with a BOM so that Excel opens it right, cells escaped as
`distro.domain.core.csv_cells` does for every CSV distro writes."""

from __future__ import annotations

from collections.abc import Iterable

FAMILY_COLUMNS = (
    "district",
    "address",
    "phones",
    "claim_ref",
    "dietary",
    "allergies",
    "consent_date",
    "consent_purpose",
    "notes",
)
"""Household columns that are fields of `FamilyIn`."""
HOUSEHOLD_COLUMNS = ("family_code", "status", *FAMILY_COLUMNS, "duplicate_reason")
MEMBER_COLUMNS = (
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "estimated_age",
    "relationship",
    "nationality",
    "languages",
    "school",
    "grade",
)
COLUMNS = ("household", *HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS)
REQUIRED_COLUMNS = ("household", "district", "full_name")
LIST_COLUMNS = frozenset({"phones", "dietary", "aliases", "languages"})
CELL_LIST_SEPARATOR = ";"


def list_cell(values: Iterable[str]) -> str:
    """The non-empty values as one cell, "a; b", easy to read and edit in a spreadsheet."""
    return f"{CELL_LIST_SEPARATOR} ".join(value for value in values if value)


def list_items(cell: str) -> list[str]:
    """The non-empty items of a list cell, whatever spaces a person typed around them."""
    return [item for item in (part.strip() for part in cell.split(CELL_LIST_SEPARATOR)) if item]
