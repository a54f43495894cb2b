"""Provides registering checked households of an import, each refused one with its reasons.

Every household is registered, even once one is refused, so that one run of the import reports
every duplicate and taken code of the file, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlmodel import Session, col, select

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.codes import CodeKind
from distro.domain.core.csv_reading import RowProblem
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.numbering import reserve_up_to
from distro.domain.families.csv_households import Household
from distro.domain.families.duplicates import PossibleDuplicates
from distro.domain.families.import_checks import CheckedHousehold, KeptCode, located
from distro.domain.families.models import Family, FamilyStatus
from distro.domain.families.registry import change_status, register_family
from distro.domain.families.schemas import StatusChange

IN_FILE_MATCH_REASON = "looks like another household of the same import file"


@dataclass(frozen=True)
class ImportedFamily:
    """A household that passed every check, and the code it has (or would have)."""

    household: str
    row: int
    code: str
    members: int
    status: str


@requires(Permission.IMPORT_FAMILIES)
def register_all(
    session: Session,
    checked: list[CheckedHousehold],
    codes: list[KeptCode],
    *,
    actor: Actor,
    now: datetime,
) -> tuple[list[ImportedFamily], list[RowProblem]]:
    """Register each household in its own savepoint, so one refused leaves no trace; `codes`
    are those of every household, checked or not, so that a code given twice is reported
    whatever else is wrong with either household."""
    problems = _code_clashes(session, codes)
    refused = {problem.row for problem in problems}
    _reserve_kept_codes(session, checked)
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


def _code_clashes(session: Session, codes: list[KeptCode]) -> list[RowProblem]:
    """Kept codes already used in the database, or by an earlier household of the file."""
    kept = [(code.text, row) for code, row in codes]
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


def _reserve_kept_codes(session: Session, checked: list[CheckedHousehold]) -> None:
    """Move the code counter past every kept code, so new families never take one of them."""
    kept = [item.code.number for item in checked if item.code is not None]
    if kept:
        reserve_up_to(session, CodeKind.FAMILY, max(kept))


def _register(
    session: Session, item: CheckedHousehold, imported: set[int], *, actor: Actor, now: datetime
) -> Family:
    """Register one household; only families that were there before the import block it."""
    family = _register_despite(session, item, imported, actor=actor, now=now)
    if item.status != FamilyStatus.ACTIVE:
        assert family.id is not None
        change = StatusChange(status=item.status, reason="status given in the import file")
        change_status(session, family.id, change, actor=actor, now=now)
    return family


def _register_despite(
    session: Session, item: CheckedHousehold, imported: set[int], *, actor: Actor, now: datetime
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
        return located(error.problems, household, {})
    if isinstance(error, PossibleDuplicates):
        found = "; ".join(f"{m.code} ({', '.join(m.reasons)})" for m in error.matches)
        message = (
            f"this household may already be registered: {found}. Check that family; "
            "to register this one anyway, write why in duplicate_reason"
        )
        return [RowProblem(household.rows[0], "", message)]
    return [RowProblem(household.rows[0], "", str(error))]
