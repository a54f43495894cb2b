"""Provides importing families from a CSV file a coordinator filled in a spreadsheet.

The format is the one `distro.domain.families.export` writes (README.md, "Families CSV format"): one
row per member; rows with the same `household` key form one family. The file is one unit:
every row is checked, every problem is reported with its spreadsheet row (the header is row
1), and families are written only if nothing is wrong.
What the import changes on its own (spaces, control characters ...) is listed too, row by row.
The work happens in a savepoint of the caller's transaction, so a refused file or a dry run
leaves nothing behind, whatever the caller does next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO, TypeVar

from sqlmodel import Session

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.csv_reading import CellChange, RowProblem
from distro.domain.families.csv_households import read_households
from distro.domain.families.import_changes import cleaned_text, settled
from distro.domain.families.import_checks import check_all
from distro.domain.families.import_registration import ImportedFamily, register_all

_Located = TypeVar("_Located", RowProblem, CellChange)


@dataclass
class ImportReport:
    """What an import did: families written only if `written`, otherwise every problem."""

    families: list[ImportedFamily]
    problems: list[RowProblem]
    dry_run: bool
    changes: list[CellChange] = field(default_factory=list)
    """What the import changed in cells on its own (listed in a dry run and a real one)."""

    @property
    def written(self) -> bool:
        """True when the families are in the caller's transaction (no problem, no dry run)."""
        return not self.problems and not self.dry_run

    @property
    def member_count(self) -> int:
        """Members of the households that passed."""
        return sum(family.members for family in self.families)


@requires(Permission.IMPORT_FAMILIES)
def import_families(
    session: Session, source: TextIO, *, actor: Actor, now: datetime, dry_run: bool = False
) -> ImportReport:
    """Import the families in `source` (CSV text, BOM optional), all of them or none.

    Every household is checked and registered, so duplicates and taken codes are reported
    too; then the savepoint is kept only if nothing is wrong and this is not a dry run.
    """
    changes: list[CellChange] = []
    households, problems = read_households(source, changes)
    if problems and not households:
        return ImportReport([], problems, dry_run, changes)
    checked, codes = check_all(households, now.date(), problems)
    for household in households:
        changes += cleaned_text(household)
    for item in checked:
        changes += settled(item)
    savepoint = session.begin_nested()
    try:
        families, refused = register_all(session, checked, codes, actor=actor, now=now)
    except BaseException:
        savepoint.rollback()
        raise
    problems.extend(refused)
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return ImportReport(families, _by_row(problems), dry_run, _by_row(changes))


def _by_row(found: list[_Located]) -> list[_Located]:
    """In the order of the file (stable: a row's findings stay in the order they were found)."""
    return sorted(found, key=lambda item: item.row)
