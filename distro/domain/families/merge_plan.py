"""Provides the plan of a merge, worked out from the two records before anything changes.

The plan says who is in both records (one person, kept once), and what each person who moves
will be to the surviving head. It is pure: the screen and the command line show it for
confirmation, then the merge applies the same plan, computed again inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from distro.domain.core.errors import InvalidInput
from distro.domain.core.names import canonical_name
from distro.domain.families.merge_relations import Rebased, rebase
from distro.domain.families.models import Member, Relationship
from distro.domain.families.registry import FamilyRecord
from distro.domain.families.schemas import MergeChoices


@dataclass(frozen=True)
class MemberMatch:
    """A person in both records: `kept` stays, `dropped` is folded into it."""

    kept: Member
    dropped: Member
    picked: bool
    """A coordinator's pick rather than the automatic rule (same name and date of birth)."""


@dataclass(frozen=True)
class MovedMember:
    """A member of the merged record who moves, with the relationship they will have."""

    member: Member
    rebased: Rebased


@dataclass(frozen=True)
class MergePlan:
    """Who becomes one, who moves as what, and the household that results."""

    keep: FamilyRecord
    gone: FamilyRecord
    matches: tuple[MemberMatch, ...]
    moved: tuple[MovedMember, ...]
    """Every member of the merged record not matched, removed members included."""
    head_is: Relationship | None
    """What the merged head is to the surviving head (HEAD: the same person; None: unknown)."""

    @property
    def household_size(self) -> int:
        """The surviving household's size after the merge."""
        return len(self.keep.members) + sum(1 for m in self.moved if m.member.removed_at is None)

    def fate(self, member: Member) -> MemberMatch | MovedMember:
        """What becomes of one member of the merged record: joined to someone, or moved."""
        match = next((m for m in self.matches if m.dropped is member), None)
        return match or next(m for m in self.moved if m.member is member)

    @property
    def to_check(self) -> tuple[MovedMember, ...]:
        """Moved members whose relationship is a guess."""
        return tuple(m for m in self.moved if not m.rebased.derived)


def plan_merge(keep: FamilyRecord, gone: FamilyRecord, choices: MergeChoices) -> MergePlan:
    """The plan for merging `gone` into `keep`, with a coordinator's `choices` honoured."""
    pairs = _pairs(keep, gone, choices)
    by_id = {_id(m): m for m in keep.members}
    matches = tuple(
        MemberMatch(kept=by_id[kept_id], dropped=dropped, picked=dropped.id in choices.same)
        for dropped in gone.members
        if (kept_id := pairs.get(_id(dropped))) is not None
    )
    head_is = _head_is(gone, pairs, by_id, choices.head_is)
    moved = tuple(
        MovedMember(member, rebase(Relationship(member.relationship), head_is))
        for member in gone.members + gone.removed_members
        if _id(member) not in pairs
    )
    return MergePlan(keep, gone, matches, moved, head_is)


def _pairs(keep: FamilyRecord, gone: FamilyRecord, choices: MergeChoices) -> dict[int, int]:
    """Merged member id -> surviving member id: the picks, then the automatic rule for the
    rest (never for a member set apart, never twice for one surviving member)."""
    keep_ids = {_id(m) for m in keep.members}
    gone_ids = {_id(m) for m in gone.members}
    unknown = (set(choices.same) | choices.apart) - gone_ids
    if unknown or not set(choices.same.values()) <= keep_ids:
        raise InvalidInput(
            {"same": "a chosen member is no longer in either household; look at the plan again"}
        )
    pairs = dict(choices.same)
    taken = set(pairs.values())
    for dropped in gone.members:
        if _id(dropped) in pairs or _id(dropped) in choices.apart:
            continue
        kept = next(
            (m for m in keep.members if _id(m) not in taken and _same_person(m, dropped)), None
        )
        if kept is not None:
            pairs[_id(dropped)] = _id(kept)
            taken.add(_id(kept))
    return pairs


def _head_is(
    gone: FamilyRecord,
    pairs: dict[int, int],
    keep_by_id: dict[int, Member],
    chosen: Relationship | None,
) -> Relationship | None:
    """What the merged head is to the surviving head: known when the merged head is matched
    to a surviving member (their relationship), otherwise what the coordinator said."""
    head = next((m for m in gone.members if m.relationship == Relationship.HEAD), None)
    kept_id = pairs.get(_id(head)) if head is not None else None
    if kept_id is None:
        return chosen
    return Relationship(keep_by_id[kept_id].relationship)


def _same_person(one: Member, other: Member) -> bool:
    """The automatic rule: the same name (spellings and word order folded) and the same
    known date of birth."""
    return (
        one.birth_date is not None
        and one.birth_date == other.birth_date
        and canonical_name(one.full_name) == canonical_name(other.full_name)
    )


def _id(member: Member) -> int:
    assert member.id is not None, "a plan is made from stored members"
    return member.id
