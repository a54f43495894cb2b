"""Provides the change history: one append-only row per change, with before and after."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from distro.domain.access import Actor
from distro.domain.audit_chain import payload_digest, row_hash
from distro.domain.errors import DomainError
from distro.domain.models import AuditChainHead, AuditEvent, Family


def to_json(snapshot: dict[str, Any] | None) -> str | None:
    """A snapshot as stable JSON (sorted keys, dates as ISO text, any script kept readable)."""
    if snapshot is None:
        return None
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str)


def record_change(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    action: str,
    entity: str,
    entity_id: int | None,
    family_id: int | None,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append the audit row for a change, chained to the row before, in the caller's
    transaction; the chain head is locked until that transaction ends, so appends from several
    counters queue up instead of forking the chain."""
    head = session.get(AuditChainHead, 1, with_for_update=True)
    if head is None:
        raise DomainError("The audit log is missing its chain head; run `distro db check`.")
    event = AuditEvent(
        at=now,
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        family_id=family_id,
        summary=summary[:300],
        before=to_json(before),
        after=to_json(after),
        reason=reason[:500],
        prev_hash=head.last_hash,
    )
    event.payload_digest = payload_digest(event.summary, event.before, event.after, event.reason)
    event.row_hash = row_hash(
        head.last_hash,
        at=now,
        actor=event.actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        family_id=family_id,
        digest=event.payload_digest,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    head.last_event_id, head.last_hash = event.id, event.row_hash
    return event


def family_history(session: Session, family_id: int, limit: int = 200) -> list[AuditEvent]:
    """A family's changes, newest first, including those of families merged into it (and into
    those, however long the chain of merges)."""
    family_ids = {family_id}
    frontier = {family_id}
    while frontier:
        merged = session.exec(
            select(Family.id).where(col(Family.merged_into_id).in_(frontier))
        ).all()
        frontier = {m for m in merged if m is not None} - family_ids
        family_ids |= frontier
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.family_id).in_(family_ids))
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def changed_fields(before: str | None, after: str | None) -> dict[str, tuple[Any, Any]]:
    """Field -> (before, after) for the fields that differ between two snapshots; empty text,
    empty lists and missing values count as the same nothing."""
    old = json.loads(before) if before else {}
    new = json.loads(after) if after else {}
    return {
        key: (old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if (old.get(key) or None) != (new.get(key) or None)
    }
