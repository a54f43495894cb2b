"""Provides the services that change who is in a household: add, correct, remove a member.

Each writes its change, the family's search keys and a history row with the family before
and after, in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import Conflict, DomainError, InvalidInput, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.families.member_rows import member_columns, new_member, resolve_birth
from distro.domain.families.models import Member, Relationship
from distro.domain.families.registry import FamilyRecord, editable_family, record_family_change
from distro.domain.families.schemas import MemberIn
from distro.domain.families.search import reindex_family


@requires(Permission.EDIT_FAMILIES)
def add_member(
    session: Session, family_id: int, member_in: MemberIn, *, actor: Actor, now: datetime
) -> Member:
    """Add a person to the household."""
    record = editable_family(session, family_id)
    _refuse_second_head(record, member_in, member_id=None)
    before = record.snapshot()
    position = max((m.position for m in record.members + record.removed_members), default=-1) + 1
    member = new_member(family_id, position, member_in, now, "member")
    session.add(member)
    session.flush()
    reindex_family(session, record.family)
    record_family_change(
        session, family_id, "member.add", f"Added {member.full_name}", before, actor, now
    )
    return member


@requires(Permission.EDIT_FAMILIES)
def update_member(
    session: Session,
    member_id: int,
    member_in: MemberIn,
    *,
    actor: Actor,
    now: datetime,
    family_id: int | None = None,
) -> Member:
    """Correct a member's details (`family_id`: the family the volunteer has open)."""
    member = _active_member(session, member_id, family_id)
    record = editable_family(session, member.family_id)
    _refuse_second_head(record, member_in, member_id=member_id)
    before = record.snapshot()
    birth_date, estimated = resolve_birth(member_in, now.date(), "member")
    for name, value in member_columns(member_in).items():
        setattr(member, name, value)
    member.birth_date, member.birth_date_estimated = birth_date, estimated
    session.flush()
    reindex_family(session, record.family)
    record_family_change(
        session, member.family_id, "member.edit", f"Edited {member.full_name}", before, actor, now
    )
    return member


@requires(Permission.EDIT_FAMILIES)
def remove_member(
    session: Session,
    member_id: int,
    reason: str,
    *,
    actor: Actor,
    now: datetime,
    family_id: int | None = None,
) -> None:
    """Take a person out of the household (kept in history, no longer counted).

    `family_id` is the family the volunteer has open: if another counter has moved the person
    since (a merge), nothing is done and the volunteer is told to look again."""
    member = _active_member(session, member_id, family_id)
    record = editable_family(session, member.family_id)
    if len(record.members) == 1:
        raise DomainError("A family needs at least one member. Change the family's status instead.")
    why = clean_note(reason, field="reason")
    if not why:
        raise InvalidInput({"reason": "say why this member leaves the household"})
    before = record.snapshot()
    member.removed_at = now
    member.removed_reason = why
    session.flush()
    reindex_family(session, record.family)
    record_family_change(
        session,
        member.family_id,
        "member.remove",
        f"Removed {member.full_name}",
        before,
        actor,
        now,
        reason,
    )


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
