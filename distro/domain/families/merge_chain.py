"""Provides the chain a merge leaves: a merged family points at the one it was merged into,
and every reader that must see a household whole (its collections, its history, erasing it)
walks that chain here, in one of two directions."""

from __future__ import annotations

from sqlmodel import Session, col, select

from distro.domain.families.models import Family


def surviving_family(session: Session, family: Family) -> Family:
    """The family itself, or the one it was merged into (and on, after several merges)."""
    while family.merged_into_id is not None:
        survivor = session.get(Family, family.merged_into_id)
        if survivor is None:
            break
        family = survivor
    return family


def family_with_merged_ids(session: Session, family_id: int) -> list[int]:
    """The family's id, then the ids of every family merged into it (and into those), nearest
    first."""
    found = [family_id]
    frontier = [family_id]
    while frontier:
        frontier = [
            merged_id
            for merged_id in session.exec(
                select(Family.id).where(col(Family.merged_into_id).in_(frontier))
            ).all()
            if merged_id is not None and merged_id not in found
        ]
        found.extend(frontier)
    return found
