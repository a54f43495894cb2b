"""Provides the repairs an admin runs on the whole database, each audited like any change."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.words import how_many
from distro.domain.families.search import reindex_all


@requires(Permission.REPAIR_DATABASE)
def rebuild_search_keys(session: Session, *, actor: Actor, now: datetime) -> int:
    """Rebuild every family's search keys (after a bulk repair); returns how many families.

    It rewrites rows of every family at once, so it is an admin's, and recorded."""
    count = reindex_all(session)
    record_change(
        session,
        actor=actor,
        now=now,
        action="database.reindex",
        entity="database",
        entity_id=None,
        family_id=None,
        summary=f"Rebuilt the search keys of {how_many(count, 'family', 'families')}",
    )
    return count
