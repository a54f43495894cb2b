"""Provides what an import changes in a household's cells on its own, row by row and column
by column: text cleaned (spaces, control characters, line breaks), repeated list entries left
out, a head chosen. None of these stops an import; each is listed, so nothing is changed in
a coordinator's file without a word."""

from __future__ import annotations

from distro.domain.core.csv_cells import choice
from distro.domain.core.csv_reading import CellChange
from distro.domain.core.inputs import cleaning_done
from distro.domain.core.words import how_many
from distro.domain.families.csv_format import list_items
from distro.domain.families.csv_households import Household
from distro.domain.families.import_checks import CheckedHousehold
from distro.domain.families.models import Relationship

TEXT_COLUMNS = frozenset(
    {"address", "claim_ref", "allergies", "consent_purpose", "duplicate_reason"}
    | {"full_name", "nationality", "school", "grade"}
)
TEXT_LIST_COLUMNS = frozenset({"aliases", "languages"})
BLOCK_COLUMNS = frozenset({"notes"})
HEAD_CHOSEN = "no member is marked head: this member is taken as the head"


def cleaned_text(household: Household) -> list[CellChange]:
    """How the schema's cleaning changes each text cell of the household."""
    changes = []
    for row, cells in zip(household.rows, household.cells, strict=True):
        for column, value in cells.items():
            if not value:
                continue
            if column in TEXT_COLUMNS or column in BLOCK_COLUMNS:
                done = cleaning_done(value, block=column in BLOCK_COLUMNS)
            elif column in TEXT_LIST_COLUMNS:
                items = (cleaning_done(item) for item in list_items(value))
                done = list(dict.fromkeys(change for item in items for change in item))
            else:
                continue
            changes += [CellChange(row, column, change) for change in done]
    return changes


def settled(checked: CheckedHousehold) -> list[CellChange]:
    """What validating the household decided on its own: repeated entries of a list left out,
    and the first member made head when no one is."""
    household, family_in = checked.household, checked.family_in
    rows, cells = household.rows, household.cells
    changes = []
    if not any(choice(row.get("relationship", "")) == Relationship.HEAD.value for row in cells):
        changes.append(CellChange(rows[0], "relationship", HEAD_CHOSEN))
    for index, member in enumerate(family_in.members):
        for column, kept in (("aliases", member.aliases), ("languages", member.languages)):
            cell = cells[index].get(column, "")
            changes += _repeats(rows[index], cell, column=column, kept=len(kept))
    for column, count in (("phones", len(family_in.phones)), ("dietary", len(family_in.dietary))):
        filled = [
            (row, row_cells.get(column, "")) for row, row_cells in zip(rows, cells, strict=True)
        ]
        source = next(((row, cell) for row, cell in filled if cell), None)
        if source is not None:  # household columns come from the first row filling them
            changes += _repeats(*source, column=column, kept=count)
    return changes


def _repeats(row: int, cell: str, *, column: str, kept: int) -> list[CellChange]:
    repeated = len(list_items(cell)) - kept
    if repeated <= 0:
        return []
    left_out = how_many(repeated, "repeated entry", "repeated entries")
    return [CellChange(row, column, f"{left_out} left out")]
