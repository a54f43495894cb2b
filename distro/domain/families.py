"""Provides the families registry: register, edit, members, status, and reading a family.

Every service writes its change, the family's search keys and a history row with the record
before and after, all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from distro.domain.audit import record_change
from distro.domain.codes import CodeKind, format_code, parse_scan
from distro.domain.duplicates import PossibleDuplicates, find_duplicates
from distro.domain.errors import CodeError, Conflict, DomainError, InvalidInput, NotFound
from distro.domain.models import (
    LIST_SEPARATOR,
    Family,
    FamilyStatus,
    Member,
    Phone,
    Relationship,
)
from distro.domain.numbering import next_number, reserve_up_to
from distro.domain.schemas import FamilyDetails, FamilyIn, MemberIn, StatusChange
from distro.domain.search import reindex_family


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
    return family.model_dump(exclude={"id", "created_at", "updated_at", "created_by"})


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


def find_family_by_code(session: Session, code_text: str) -> Family:
    """The family a typed or scanned code names, following merges to the surviving family."""
    code = parse_scan(code_text)
    if code.kind != CodeKind.FAMILY:
        raise CodeError(f"{code.text} is not a family code.")
    family = session.exec(select(Family).where(Family.code == code.text)).first()
    if family is None:
        raise NotFound(f"No family has the code {code.text}. Is this card from another NGO?")
    while family.merged_into_id is not None:
        survivor = session.get(Family, family.merged_into_id)
        if survivor is None:
            break
        family = survivor
    return family


def register_family(
    session: Session,
    data: FamilyIn,
    *,
    actor: str,
    now: datetime,
    duplicate_reason: str = "",
    code: str | None = None,
) -> Family:
    """Register a household and give it a code.

    Likely duplicates stop the registration (PossibleDuplicates) unless the volunteer gave a
    reason to go on, which is kept in the history. `code` keeps an existing code (imports).
    """
    matches = find_duplicates(session, data)
    if matches and not duplicate_reason.strip():
        raise PossibleDuplicates(matches)
    family = Family(
        code=_kept_code(session, code) if code else _new_code(session),
        created_at=now,
        created_by=actor,
        updated_at=now,
        consent_recorded_by=actor if data.consent_date else "",
        **family_columns(data),
    )
    session.add(family)
    session.flush()
    assert family.id is not None
    _replace_phones(session, family.id, data.phones)
    for position, member_in in enumerate(data.members):
        session.add(_new_member(family.id, position, member_in, now, f"members.{position}"))
    session.flush()
    reindex_family(session, family)
    record = load_family(session, family.id)
    note = ""
    if matches:
        note = "Registered despite possible duplicates " + ", ".join(m.code for m in matches)
        note += f": {duplicate_reason.strip()}"
    record_change(
        session,
        actor=actor,
        now=now,
        action="family.register",
        entity="family",
        entity_id=family.id,
        family_id=family.id,
        summary=f"Registered {family.code} ({record.household_size} members)",
        after=record.snapshot(),
        reason=note,
    )
    return family


def _new_code(session: Session) -> str:
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


def update_family(
    session: Session, family_id: int, details: FamilyDetails, *, actor: str, now: datetime
) -> Family:
    """Change the household's own fields (district, phones, diet, consent, notes ...)."""
    record = _editable(session, family_id)
    before = record.snapshot()
    family = record.family
    if details.consent_date and details.consent_date != family.consent_date:
        family.consent_recorded_by = actor
    for name, value in family_columns(details).items():
        setattr(family, name, value)
    family.updated_at = now
    _replace_phones(session, family_id, details.phones)
    session.flush()
    reindex_family(session, family)
    _record_family_change(
        session, family_id, "family.edit", "Edited family details", before, actor, now
    )
    return family


def add_member(
    session: Session, family_id: int, member_in: MemberIn, *, actor: str, now: datetime
) -> Member:
    """Add a person to the household."""
    record = _editable(session, family_id)
    _refuse_second_head(record, member_in, member_id=None)
    before = record.snapshot()
    position = max((m.position for m in record.members + record.removed_members), default=-1) + 1
    member = _new_member(family_id, position, member_in, now, "member")
    session.add(member)
    session.flush()
    reindex_family(session, record.family)
    _record_family_change(
        session, family_id, "member.add", f"Added {member.full_name}", before, actor, now
    )
    return member


def update_member(
    session: Session,
    member_id: int,
    member_in: MemberIn,
    *,
    actor: str,
    now: datetime,
    family_id: int | None = None,
) -> Member:
    """Correct a member's details (`family_id`: the family the volunteer has open)."""
    member = _active_member(session, member_id, family_id)
    record = _editable(session, member.family_id)
    _refuse_second_head(record, member_in, member_id=member_id)
    before = record.snapshot()
    birth_date, estimated = resolve_birth(member_in, now.date(), "member")
    for name, value in member_columns(member_in).items():
        setattr(member, name, value)
    member.birth_date, member.birth_date_estimated = birth_date, estimated
    session.flush()
    reindex_family(session, record.family)
    _record_family_change(
        session, member.family_id, "member.edit", f"Edited {member.full_name}", before, actor, now
    )
    return member


def remove_member(
    session: Session,
    member_id: int,
    reason: str,
    *,
    actor: str,
    now: datetime,
    family_id: int | None = None,
) -> None:
    """Take a person out of the household (kept in history, no longer counted).

    `family_id` is the family the volunteer has open: if another counter has moved the person
    since (a merge), nothing is done and the volunteer is told to look again."""
    member = _active_member(session, member_id, family_id)
    record = _editable(session, member.family_id)
    if len(record.members) == 1:
        raise DomainError("A family needs at least one member. Change the family's status instead.")
    if not reason.strip():
        raise InvalidInput({"reason": "say why this member leaves the household"})
    before = record.snapshot()
    member.removed_at = now
    member.removed_reason = reason.strip()[:300]
    session.flush()
    reindex_family(session, record.family)
    _record_family_change(
        session,
        member.family_id,
        "member.remove",
        f"Removed {member.full_name}",
        before,
        actor,
        now,
        reason,
    )


def change_status(
    session: Session, family_id: int, change: StatusChange, *, actor: str, now: datetime
) -> Family:
    """Suspend, reactivate, or mark a family as having left Hong Kong or resettled."""
    record = _editable(session, family_id)
    before = record.snapshot()
    record.family.status = change.status.value
    record.family.updated_at = now
    _record_family_change(
        session,
        family_id,
        "family.status",
        f"Status changed to {change.status.value}",
        before,
        actor,
        now,
        change.reason,
    )
    return record.family


def _record_family_change(
    session: Session,
    family_id: int,
    action: str,
    summary: str,
    before: dict[str, Any],
    actor: str,
    now: datetime,
    reason: str = "",
) -> None:
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


def _editable(session: Session, family_id: int) -> FamilyRecord:
    record = load_family(session, family_id)
    if record.family.status == FamilyStatus.MERGED:
        raise DomainError(
            f"{record.family.code} was merged into another family; edit that family instead."
        )
    return record


def _refuse_second_head(record: FamilyRecord, member_in: MemberIn, member_id: int | None) -> None:
    """A household has one head; say so instead of silently keeping two."""
    if member_in.relationship != Relationship.HEAD:
        return
    head = next((m for m in record.members if m.relationship == Relationship.HEAD), None)
    if head is not None and head.id != member_id:
        raise InvalidInput(
            {
                "member.relationship": f"{head.full_name} is already the head of the household; "
                "choose another relationship, or change theirs first"
            }
        )


def _active_member(session: Session, member_id: int, family_id: int | None) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.removed_at is not None:
        raise NotFound("That member is no longer in the household.")
    if family_id is not None and member.family_id != family_id:
        raise Conflict(
            "That member has moved to another family since this screen was opened "
            "(another counter merged the families). Open the family again."
        )
    return member


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


def member_columns(member_in: MemberIn) -> dict[str, Any]:
    """The Member columns a validated form fills, except the date of birth (`resolve_birth`)."""
    return {
        "full_name": member_in.full_name,
        "aliases": LIST_SEPARATOR.join(member_in.aliases),
        "sex": member_in.sex.value,
        "relationship": member_in.relationship.value,
        "nationality": member_in.nationality,
        "languages": LIST_SEPARATOR.join(member_in.languages),
        "school": member_in.school,
        "grade": member_in.grade,
    }


def _new_member(
    family_id: int, position: int, member_in: MemberIn, now: datetime, where: str
) -> Member:
    birth_date, estimated = resolve_birth(member_in, now.date(), where)
    return Member(
        family_id=family_id,
        position=position,
        birth_date=birth_date,
        birth_date_estimated=estimated,
        **member_columns(member_in),
    )


def resolve_birth(member_in: MemberIn, today: date, where: str) -> tuple[date | None, bool]:
    """The date of birth to store, and whether it was estimated from an age."""
    if member_in.birth_date is not None:
        if member_in.birth_date > today:
            raise InvalidInput({f"{where}.birth_date": "is in the future; check the date"})
        if today.year - member_in.birth_date.year > 120:
            raise InvalidInput({f"{where}.birth_date": "is more than 120 years ago"})
        return member_in.birth_date, False
    if member_in.estimated_age is not None:
        # 1 January of the year: never in the future, and marked as estimated.
        return date(today.year - member_in.estimated_age, 1, 1), True
    return None, False


def _replace_phones(session: Session, family_id: int, numbers: list[str]) -> None:
    for phone in session.exec(select(Phone).where(Phone.family_id == family_id)).all():
        session.delete(phone)
    session.flush()
    for position, number in enumerate(numbers):
        session.add(Phone(family_id=family_id, number=number, position=position))
