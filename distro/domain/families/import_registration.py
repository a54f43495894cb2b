"""Provides registering checked households of an import, each refused one with its reasons.

Every household is checked, even once one is refused, so that one run of the import reports
every duplicate and taken code of the file, not only the first. Households are checked in the
order of the file, each against the registry and the households accepted before it (as if they
were registered one by one); the accepted ones are then written together, with a few
multi-row INSERTs and their history rows, so an import takes time in proportion to its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.codes import CodeKind
from distro.domain.core.csv_reading import RowProblem
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import clean_note
from distro.domain.core.numbering import reserve_up_to
from distro.domain.families.csv_households import Household
from distro.domain.families.duplicates import (
    CandidateSource,
    DuplicateMatch,
    PossibleDuplicates,
    RegisteredFamilies,
    duplicates_among,
)
from distro.domain.families.family_rows import (
    family_row,
    insert_families,
    insert_households,
    new_record,
)
from distro.domain.families.import_checks import CheckedHousehold, KeptCode, located
from distro.domain.families.import_matches import ImportedSoFar
from distro.domain.families.models import Family, FamilyStatus
from distro.domain.families.registry import (
    FamilyRecord,
    new_family_code,
    record_family_change,
    record_registration,
    status_summary,
)

IN_FILE_MATCH_REASON = "looks like another household of the same import file"
STATUS_REASON = "status given in the import file"


@dataclass(frozen=True)
class ImportedFamily:
    """A household that passed every check, and the code it has (or would have)."""

    household: str
    row: int
    code: str
    members: int
    status: str


@dataclass(frozen=True)
class _Accepted:
    """A household that will be written: its rows, and the matches it is registered despite."""

    record: FamilyRecord
    status: FamilyStatus
    matches: list[DuplicateMatch]
    duplicate_reason: str


@requires(Permission.IMPORT_FAMILIES)
def register_all(
    session: Session,
    checked: list[CheckedHousehold],
    codes: list[KeptCode],
    *,
    actor: Actor,
    now: datetime,
) -> tuple[list[ImportedFamily], list[RowProblem]]:
    """Register every household that is not refused; `codes` are those of every household,
    checked or not, so that a code given twice is reported whatever else is wrong with either
    household."""
    problems = _code_clashes(session, codes)
    refused = {problem.row for problem in problems}
    _reserve_kept_codes(session, checked)
    so_far = ImportedSoFar()
    sources = _sources(session, so_far)
    accepted: list[tuple[CheckedHousehold, _Accepted]] = []
    for item in checked:
        if item.household.rows[0] in refused:
            continue
        try:
            household = _accept(session, item, so_far, sources, actor=actor, now=now)
            accepted.append((item, household))
        except DomainError as error:
            problems += _problems_of(error, item)
    _write(session, [household for _, household in accepted], actor=actor, now=now)
    families = [_imported(item.household, household.record.family) for item, household in accepted]
    return families, problems


def _sources(session: Session, so_far: ImportedSoFar) -> list[CandidateSource]:
    """Where to look for duplicates: the registry, unless it has no families yet (the first
    import into a new database need not ask it for every person of the file), and the
    households of the file accepted so far."""
    registered = session.exec(select(Family.id).limit(1)).first() is not None
    return [RegisteredFamilies(session), so_far] if registered else [so_far]


def _accept(
    session: Session,
    item: CheckedHousehold,
    so_far: ImportedSoFar,
    sources: list[CandidateSource],
    *,
    actor: Actor,
    now: datetime,
) -> _Accepted:
    """The household's family row, inserted (for its id), and the rest of its rows built; or
    PossibleDuplicates when it is like a family that was there before the import and the file
    gives no reason to register it anyway. Matches among this file's households do not stop it;
    the history says they were seen."""
    reason = clean_note(item.duplicate_reason, field="duplicate_reason")
    matches = duplicates_among(sources, item.family_in)
    if matches and not reason:
        earlier = [match for match in matches if not so_far.holds(match.family_id)]
        if earlier:
            raise PossibleDuplicates(earlier)
        reason = IN_FILE_MATCH_REASON
    code = item.code.text if item.code else new_family_code(session)
    family = family_row(item.family_in, code, actor.name, now)
    family = family.model_copy(update={"status": item.status.value})
    [family_id] = insert_families(session, [family])
    record = new_record(family.model_copy(update={"id": family_id}), item.family_in)
    so_far.add(record)
    return _Accepted(record, item.status, matches, reason)


def _write(session: Session, accepted: list[_Accepted], *, actor: Actor, now: datetime) -> None:
    """The members, phones and search keys of every accepted household, then their history
    rows as registering them one by one writes them (a status other than active is a change
    made after registering)."""
    written = insert_households(session, [household.record for household in accepted])
    for household, record in zip(accepted, written, strict=True):
        family = record.family
        assert family.id is not None
        registered = FamilyRecord(
            family.model_copy(update={"status": FamilyStatus.ACTIVE.value}),
            record.members,
            phones=record.phones,
        )
        record_registration(
            session, registered, household.matches, household.duplicate_reason, actor=actor, now=now
        )
        if household.status != FamilyStatus.ACTIVE:
            before, after = registered.snapshot(), record.snapshot()
            summary = status_summary(household.status)
            record_family_change(
                session,
                family.id,
                "family.status",
                summary,
                before,
                actor,
                now,
                STATUS_REASON,
                after,
            )


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
