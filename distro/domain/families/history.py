"""Provides a family's history: every change to it, including those of records merged into it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from distro.domain.audit.models import AuditEvent
from distro.domain.families.merge_chain import family_with_merged_ids


def family_history(session: Session, family_id: int, limit: int = 200) -> list[AuditEvent]:
    """A family's changes, newest first, including those of families merged into it (and into
    those, however long the chain of merges)."""
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.family_id).in_(family_with_merged_ids(session, family_id)))
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())
