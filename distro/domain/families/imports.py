"""Provides importing families from a CSV file a coordinator filled in a spreadsheet.

The format is the one `distro.domain.families.export` writes (README.md, "Families CSV format"): one
row per member; rows with the same `household` key form one family. The file is one unit:
every row is checked, every problem is reported with its spreadsheet row (the header is row
1), and families are written only if nothing is wrong.
The work happens in a savepoint of the caller's transaction, so a refused file or a dry run
leaves nothing behind, whatever the caller does next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlmodel import Session

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.csv_reading import RowProblem
from distro.domain.families.csv_households import read_households
from distro.domain.families.import_checks import check_all
from distro.domain.families.import_registration import ImportedFamily, register_all


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


@requires(Permission.IMPORT_FAMILIES)
def import_families(
    session: Session, source: TextIO, *, actor: Actor, now: datetime, dry_run: bool = False
) -> ImportReport:
    """Import the families in `source` (CSV text, BOM optional), all of them or none.

    Every household is checked and registered, so duplicates and taken codes are reported
    too; then the savepoint is kept only if nothing is wrong and this is not a dry run.
    """
    households, problems = read_households(source)
    if problems and not households:
        return ImportReport([], problems, dry_run)
    checked = check_all(households, now.date(), problems)
    savepoint = session.begin_nested()
    try:
        families, refused = register_all(session, checked, actor=actor, now=now)
    except BaseException:
        savepoint.rollback()
        raise
    problems.extend(refused)
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return ImportReport(families, sorted(problems, key=lambda problem: problem.row), dry_run)
