"""Provides merging two records of the same household into one, losing nothing.

The surviving family takes every member, phone, dietary need and note of the other. The
merged record stays (status "merged", pointing at the survivor) so its history is kept and an
old card scanned at the counter still opens the surviving family.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import clean_note
from distro.domain.families.models import LIST_SEPARATOR, FamilyStatus, Relationship
from distro.domain.families.registry import load_family
from distro.domain.families.search import reindex_family


@requires(Permission.MERGE_FAMILIES)
def merge_families(
    session: Session, keep_id: int, merge_id: int, reason: str, *, actor: Actor, now: datetime
) -> None:
    """Merge family `merge_id` into family `keep_id`."""
    if keep_id == merge_id:
        raise DomainError("A family cannot be merged into itself.")
    reason = clean_note(reason, field="reason")
    if not reason:
        raise InvalidInput({"reason": "say why these two records are the same household"})
    keep, gone = load_family(session, keep_id), load_family(session, merge_id)
    for record in (keep, gone):
        if record.family.status == FamilyStatus.MERGED:
            raise DomainError(f"{record.family.code} was already merged into another family.")
    before_keep, before_gone = keep.snapshot(), gone.snapshot()
    next_position = 1 + max(m.position for m in keep.members + keep.removed_members)
    for offset, member in enumerate(gone.members + gone.removed_members):
        member.family_id = keep_id
        member.position = next_position + offset
        if member.relationship == Relationship.HEAD:
            # One head per household: the survivor's head stays head (recorded in the history).
            member.relationship = Relationship.OTHER_RELATIVE.value
    known = {phone.number for phone in keep.phones}
    extra = [phone for phone in gone.phones if phone.number not in known]
    for offset, phone in enumerate(extra):
        phone.family_id = keep_id
        phone.position = len(keep.phones) + offset
    for phone in gone.phones:
        if phone not in extra:
            session.delete(phone)
    survivor, merged = keep.family, gone.family
    needs = list(dict.fromkeys(filter(None, (survivor.dietary + "|" + merged.dietary).split("|"))))
    survivor.dietary = LIST_SEPARATOR.join(needs)
    survivor.allergies = "; ".join(filter(None, [survivor.allergies, merged.allergies]))[:300]
    if merged.notes:
        survivor.notes = (survivor.notes + f"\n[from {merged.code}] {merged.notes}").strip()[:4000]
    survivor.updated_at = merged.updated_at = now
    survivor.last_active_at = merged.last_active_at = now
    merged.status = FamilyStatus.MERGED.value
    merged.merged_into_id = keep_id
    session.flush()
    reindex_family(session, survivor)
    reindex_family(session, merged)
    for family_id, before, summary in (
        (keep_id, before_keep, f"Merged {merged.code} into this family"),
        (merge_id, before_gone, f"Merged into {survivor.code}"),
    ):
        record_change(
            session,
            actor=actor,
            now=now,
            action="family.merge",
            entity="family",
            entity_id=family_id,
            family_id=family_id,
            summary=summary,
            before=before,
            after=load_family(session, family_id).snapshot(),
            reason=reason,
        )
