"""Provides re-basing a relationship onto the surviving head when two records are merged.

A member's relationship is recorded relative to the head of its household. When the merged
record's head is a different person from the surviving head, each moved member's relationship
has to be worked out again through the merged head: the wife of the survivor's son is the
survivor's "other relative", not their "spouse". Where the two steps do not give one answer
(the parent of the survivor's child is the survivor or their partner), the guess is marked for
a coordinator to look at instead of being passed off as known.
"""

from __future__ import annotations

from dataclasses import dataclass

from distro.domain.families.models import Relationship

R = Relationship

_THROUGH: dict[Relationship, dict[Relationship, Relationship]] = {
    R.SPOUSE: {
        R.CHILD: R.CHILD,
        R.GRANDCHILD: R.GRANDCHILD,
        R.PARENT: R.OTHER_RELATIVE,
        R.SIBLING: R.OTHER_RELATIVE,
        R.GRANDPARENT: R.OTHER_RELATIVE,
    },
    R.CHILD: {
        R.CHILD: R.GRANDCHILD,
        R.SIBLING: R.CHILD,
        R.SPOUSE: R.OTHER_RELATIVE,
        R.GRANDCHILD: R.OTHER_RELATIVE,
    },
    R.PARENT: {
        R.SPOUSE: R.PARENT,
        R.CHILD: R.SIBLING,
        R.PARENT: R.GRANDPARENT,
        R.SIBLING: R.OTHER_RELATIVE,
        R.GRANDPARENT: R.OTHER_RELATIVE,
    },
    R.SIBLING: {
        R.SIBLING: R.SIBLING,
        R.PARENT: R.PARENT,
        R.GRANDPARENT: R.GRANDPARENT,
        R.CHILD: R.OTHER_RELATIVE,
        R.SPOUSE: R.OTHER_RELATIVE,
        R.GRANDCHILD: R.OTHER_RELATIVE,
    },
    R.GRANDCHILD: {
        R.SIBLING: R.GRANDCHILD,
        R.SPOUSE: R.OTHER_RELATIVE,
        R.CHILD: R.OTHER_RELATIVE,
        R.GRANDCHILD: R.OTHER_RELATIVE,
    },
    R.GRANDPARENT: {
        R.SPOUSE: R.GRANDPARENT,
        R.SIBLING: R.OTHER_RELATIVE,
        R.PARENT: R.OTHER_RELATIVE,
        R.GRANDPARENT: R.OTHER_RELATIVE,
    },
}
"""(the merged head to the survivor) -> (a member to the merged head) -> (member to survivor),
for the pairs that give one answer; the rest are guesses to look at."""


@dataclass(frozen=True)
class Rebased:
    """A moved member's relationship to the surviving head, and whether it follows from the
    records (`derived`) or is only a guess a coordinator should check."""

    relationship: Relationship
    derived: bool


def rebase(relationship: Relationship, head_is: Relationship | None) -> Rebased:
    """`relationship` (to the merged head) re-based on the surviving head, given what the
    merged head is to the surviving head (`HEAD`: the same person; None: not known)."""
    if head_is is None:
        guess = R.OTHER if relationship == R.OTHER else R.OTHER_RELATIVE
        return Rebased(guess, derived=False)
    if relationship == R.HEAD:
        return Rebased(head_is, derived=True)
    if head_is == R.HEAD or relationship == R.OTHER:
        return Rebased(relationship, derived=True)
    if head_is in (R.OTHER, R.OTHER_RELATIVE):
        return Rebased(head_is, derived=True)
    if relationship == R.OTHER_RELATIVE:
        return Rebased(R.OTHER_RELATIVE, derived=True)
    known = _THROUGH[head_is].get(relationship)
    return Rebased(known or R.OTHER_RELATIVE, derived=known is not None)
