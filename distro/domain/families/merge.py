"""Provides merging two records of the same household into one, losing nothing.

The surviving family takes every member, phone, dietary need and note of the other; a person
in both records is kept once and relationships are re-based on the surviving head, as the
plan (`merge_plan.py`) shown for confirmation says. The merged record stays (status "merged",
pointing at the survivor) so its history is kept and an old card scanned at the counter still
opens the surviving family.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import clean_note
from distro.domain.families.member_join import join_member
from distro.domain.families.merge_plan import MergePlan, plan_merge
from distro.domain.families.models import LIST_SEPARATOR, Family, FamilyStatus
from distro.domain.families.registry import FamilyRecord, load_family
from distro.domain.families.schemas import MergeChoices
from distro.domain.families.search import reindex_family


def preview_merge(
    session: Session, keep_id: int, merge_id: int, choices: MergeChoices | None = None
) -> MergePlan:
    """What merging family `merge_id` into `keep_id` would do, for confirmation; refused as
    the merge itself would be."""
    if keep_id == merge_id:
        raise DomainError("A family cannot be merged into itself.")
    keep, gone = load_family(session, keep_id), load_family(session, merge_id)
    for record in (keep, gone):
        if record.family.status == FamilyStatus.MERGED:
            raise DomainError(f"{record.family.code} was already merged into another family.")
    return plan_merge(keep, gone, choices or MergeChoices())


@requires(Permission.MERGE_FAMILIES)
def merge_families(
    session: Session,
    keep_id: int,
    merge_id: int,
    reason: str,
    *,
    actor: Actor,
    now: datetime,
    choices: MergeChoices | None = None,
) -> MergePlan:
    """Merge family `merge_id` into family `keep_id` as `preview_merge` plans it with the
    same `choices`, and return that plan."""
    reason = clean_note(reason, field="reason")
    if not reason:
        raise InvalidInput({"reason": "say why these two records are the same household"})
    plan = preview_merge(session, keep_id, merge_id, choices)
    keep, gone = plan.keep, plan.gone
    before_keep, before_gone = keep.snapshot(), gone.snapshot()
    for match in plan.matches:
        join_member(session, match.kept, match.dropped, actor=actor, now=now)
    next_position = 1 + max(m.position for m in keep.members + keep.removed_members)
    for offset, moved in enumerate(plan.moved):
        moved.member.family_id = keep_id
        moved.member.position = next_position + offset
        moved.member.relationship = moved.rebased.relationship.value
    _take_phones(session, keep_id, keep, gone)
    survivor, merged = keep.family, gone.family
    _take_details(survivor, merged)
    survivor.updated_at = merged.updated_at = now
    survivor.last_active_at = merged.last_active_at = now
    merged.status = FamilyStatus.MERGED.value
    merged.merged_into_id = keep_id
    session.flush()
    reindex_family(session, survivor)
    reindex_family(session, merged)
    for family_id, before, summary in (
        (keep_id, before_keep, f"Merged {merged.code} into this family{_kept_once(plan)}"),
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
    return plan


def _take_phones(session: Session, keep_id: int, keep: FamilyRecord, gone: FamilyRecord) -> None:
    """The merged record's phones the survivor lacks move; the ones it has are deleted."""
    known = {phone.number for phone in keep.phones}
    extra = [phone for phone in gone.phones if phone.number not in known]
    for offset, phone in enumerate(extra):
        phone.family_id = keep_id
        phone.position = len(keep.phones) + offset
    for phone in gone.phones:
        if phone not in extra:
            session.delete(phone)


def _take_details(survivor: Family, merged: Family) -> None:
    """Dietary needs, allergies and notes of both records, nothing said twice."""
    needs = list(dict.fromkeys(filter(None, (survivor.dietary + "|" + merged.dietary).split("|"))))
    survivor.dietary = LIST_SEPARATOR.join(needs)
    survivor.allergies = "; ".join(filter(None, [survivor.allergies, merged.allergies]))[:300]
    if merged.notes:
        survivor.notes = (survivor.notes + f"\n[from {merged.code}] {merged.notes}").strip()[:4000]


def _kept_once(plan: MergePlan) -> str:
    """The summary's note of people found in both records."""
    count = len(plan.matches)
    if not count:
        return ""
    return f" ({count} {'person' if count == 1 else 'people'} in both records kept once)"
