"""Provides the families registry: register, edit, status, and reading a family (members
change through `members.py`).

Every service writes its change, the family's search keys and a history row with the record
before and after, all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.codes import Code, CodeKind, format_code, parse_scan
from distro.domain.core.errors import CodeError, Conflict, DomainError, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.core.numbering import next_number, reserve_up_to
from distro.domain.core.words import how_many
from distro.domain.families.duplicates import DuplicateMatch, PossibleDuplicates, find_duplicates
from distro.domain.families.member_rows import new_member
from distro.domain.families.merge_chain import surviving_family
from distro.domain.families.models import LIST_SEPARATOR, Family, FamilyStatus, Member, Phone
from distro.domain.families.schemas import FamilyDetails, FamilyIn, StatusChange
from distro.domain.families.search import reindex_family


@dataclass
class FamilyRecord:
    """A family with its members (active first, by position) and phones, as screens show it."""

    family: Family
    members: list[Member]
    removed_members: list[Member] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)

    @property
    def household_size(self) -> int:
        """Derived from the members, never stored."""
        return len(self.members)

    def snapshot(self) -> dict[str, Any]:
        """The whole record as plain data, for history and exports."""
        return {
            **family_fields(self.family),
            "phones": [phone.number for phone in self.phones],
            "members": [member_fields(member) for member in self.members],
        }


def family_fields(family: Family) -> dict[str, Any]:
    """The family's own fields, without bookkeeping columns."""
    return family.model_dump(
        exclude={"id", "created_at", "updated_at", "last_active_at", "created_by"}
    )


def member_fields(member: Member) -> dict[str, Any]:
    """A member's fields, without bookkeeping columns."""
    return member.model_dump(exclude={"family_id", "position"})


def load_family(session: Session, family_id: int) -> FamilyRecord:
    """The family with this id, or NotFound."""
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound(f"No family with id {family_id}.")
    members = session.exec(
        select(Member).where(Member.family_id == family_id).order_by(col(Member.position))
    ).all()
    phones = session.exec(
        select(Phone).where(Phone.family_id == family_id).order_by(col(Phone.position))
    ).all()
    return FamilyRecord(
        family=family,
        members=[m for m in members if m.removed_at is None],
        removed_members=[m for m in members if m.removed_at is not None],
        phones=list(phones),
    )


def find_family_by_code(session: Session, code: Code | str) -> Family:
    """The family a typed or scanned code names (or its code, read already), following merges
    to the surviving family."""
    code = parse_scan(code)
    if code.kind != CodeKind.FAMILY:
        raise CodeError(f"{code.text} is not a family code.")
    family = session.exec(select(Family).where(Family.code == code.text)).first()
    if family is None:
        raise NotFound(f"No family has the code {code.text}. Is this card from another NGO?")
    return surviving_family(session, family)


@requires(Permission.REGISTER_FAMILIES)
def register_family(
    session: Session,
    data: FamilyIn,
    *,
    actor: Actor,
    now: datetime,
    duplicate_reason: str = "",
    code: str | None = None,
) -> Family:
    """Register a household and give it a code.

    Likely duplicates stop the registration (PossibleDuplicates) unless the volunteer gave a
    reason to go on, which is kept in the history. `code` keeps an existing code (imports).
    """
    duplicate_reason = clean_note(duplicate_reason, field="duplicate_reason")
    matches = find_duplicates(session, data)
    if matches and not duplicate_reason:
        raise PossibleDuplicates(matches)
    family = Family(
        code=_kept_code(session, code) if code else new_family_code(session),
        created_at=now,
        created_by=actor.name,
        updated_at=now,
        last_active_at=now,
        consent_recorded_by=actor.name if data.consent_date else "",
        **family_columns(data),
    )
    session.add(family)
    session.flush()
    assert family.id is not None
    _replace_phones(session, family.id, data.phones)
    for position, member_in in enumerate(data.members):
        session.add(new_member(family.id, position, member_in, now, f"members.{position}"))
    session.flush()
    reindex_family(session, family)
    record_registration(
        session, load_family(session, family.id), matches, duplicate_reason, actor=actor, now=now
    )
    return family


@requires(Permission.REGISTER_FAMILIES)
def record_registration(
    session: Session,
    record: FamilyRecord,
    matches: list[DuplicateMatch],
    duplicate_reason: str,
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """Write the history row of a registration: the family as registered, and the likely
    duplicates it was registered despite, with the reason given."""
    family = record.family
    note = ""
    if matches:
        note = "Registered despite possible duplicates " + ", ".join(m.code for m in matches)
        note += f": {duplicate_reason}"
    record_change(
        session,
        actor=actor,
        now=now,
        action="family.register",
        entity="family",
        entity_id=family.id,
        family_id=family.id,
        summary=f"Registered {family.code} ({how_many(record.household_size, 'member')})",
        after=record.snapshot(),
        reason=note,
    )


def new_family_code(session: Session) -> str:
    """The next family code from the code counter."""
    return format_code(CodeKind.FAMILY, next_number(session, CodeKind.FAMILY))


def _kept_code(session: Session, code_text: str) -> str:
    """An existing family code (from an import), checked, and never handed out again."""
    code = parse_scan(code_text)
    if code.kind != CodeKind.FAMILY:
        raise CodeError(f"{code.text} is not a family code.")
    if session.exec(select(Family.id).where(Family.code == code.text)).first() is not None:
        raise Conflict(f"The code {code.text} already belongs to another family.")
    reserve_up_to(session, CodeKind.FAMILY, code.number)
    return code.text


@requires(Permission.EDIT_FAMILIES)
def update_family(
    session: Session, family_id: int, details: FamilyDetails, *, actor: Actor, now: datetime
) -> Family:
    """Change the household's own fields (district, phones, diet, consent, notes ...)."""
    record = editable_family(session, family_id)
    before = record.snapshot()
    family = apply_family_details(session, record, details, editor=actor.name, now=now)
    record_family_change(
        session, family_id, "family.edit", "Edited family details", before, actor, now
    )
    return family


def apply_family_details(
    session: Session, record: FamilyRecord, details: FamilyDetails, *, editor: str, now: datetime
) -> Family:
    """The edit itself, without the role check and the audit row that `update_family` adds
    around it (the benchmark times it alone to show what those two cost)."""
    family = record.family
    assert family.id is not None
    if details.consent_date and details.consent_date != family.consent_date:
        family.consent_recorded_by = editor
    for name, value in family_columns(details).items():
        setattr(family, name, value)
    family.updated_at = family.last_active_at = now
    _replace_phones(session, family.id, details.phones)
    session.flush()
    reindex_family(session, family)
    return family


@requires(Permission.CHANGE_FAMILY_STATUS)
def change_status(
    session: Session, family_id: int, change: StatusChange, *, actor: Actor, now: datetime
) -> Family:
    """Suspend, reactivate, or mark a family as having left Hong Kong or resettled."""
    record = editable_family(session, family_id)
    before = record.snapshot()
    record.family.status = change.status.value
    record.family.updated_at = record.family.last_active_at = now
    record_family_change(
        session,
        family_id,
        "family.status",
        status_summary(change.status),
        before,
        actor,
        now,
        change.reason,
    )
    return record.family


def status_summary(status: FamilyStatus) -> str:
    """The summary of a status change in the history."""
    return f"Status changed to {status.value}"


def record_family_change(
    session: Session,
    family_id: int,
    action: str,
    summary: str,
    before: dict[str, Any],
    actor: Actor,
    now: datetime,
    reason: str = "",
    after: dict[str, Any] | None = None,
) -> None:
    """Write the history row of a change to family `family_id`, with the family after it
    (read back from the database unless the caller has it already)."""
    if after is None:
        session.flush()
        after = load_family(session, family_id).snapshot()
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="family",
        entity_id=family_id,
        family_id=family_id,
        summary=summary,
        before=before,
        after=after,
        reason=reason,
    )


def editable_family(session: Session, family_id: int) -> FamilyRecord:
    """The family, unless it was merged into another (then edits go to the survivor)."""
    record = load_family(session, family_id)
    if record.family.status == FamilyStatus.MERGED:
        raise DomainError(
            f"{record.family.code} was merged into another family; edit that family instead."
        )
    if record.family.status == FamilyStatus.ANONYMISED:
        raise DomainError(
            f"{record.family.code} was anonymised: its personal data is gone for good. "
            "Register the family again if they come back."
        )
    return record


def family_columns(details: FamilyDetails) -> dict[str, Any]:
    """The Family columns a validated form fills (shared with the bulk benchmark loader)."""
    return {
        "district": details.district,
        "address": details.address,
        "claim_ref": details.claim_ref,
        "dietary": LIST_SEPARATOR.join(need.value for need in details.dietary),
        "allergies": details.allergies,
        "consent_date": details.consent_date,
        "consent_purpose": details.consent_purpose,
        "notes": details.notes,
    }


def _replace_phones(session: Session, family_id: int, numbers: list[str]) -> None:
    for phone in session.exec(select(Phone).where(Phone.family_id == family_id)).all():
        session.delete(phone)
    session.flush()
    for position, number in enumerate(numbers):
        session.add(Phone(family_id=family_id, number=number, position=position))
