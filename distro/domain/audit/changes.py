"""Provides the change history: one append-only row per change, with before and after."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlmodel import Session, SQLModel, select

from distro.domain.audit.chain import payload_digest, row_hash
from distro.domain.audit.models import AuditChainHead, AuditEvent
from distro.domain.core.access import Actor
from distro.domain.core.errors import DomainError

_EVENTS: Table = SQLModel.metadata.tables[AuditEvent.__tablename__]
_HEAD: Table = SQLModel.metadata.tables[AuditChainHead.__tablename__]
# Built once: every change in distro writes an audit row through these.
_LOCK_HEAD = select(_HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(last_event_id=bindparam("event_id"), last_hash=bindparam("new_hash"))
)


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
) -> int:
    """Append the audit row for a change, chained to the row before, in the caller's
    transaction; the chain head is locked until that transaction ends, so appends from several
    counters queue up instead of forking the chain. Returns the row's id.

    Three plain statements rather than ORM objects: every change pays for this row, and the
    ORM's flush machinery cost more than the rest of a stock issue together."""
    head = session.execute(_LOCK_HEAD).one_or_none()
    if head is None:
        raise DomainError("The audit log is missing its chain head; run `distro db check`.")
    row = {
        "at": now,
        "actor": actor.name,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "family_id": family_id,
        "summary": summary[:300],
        "before": to_json(before),
        "after": to_json(after),
        "reason": reason[:500],
        "prev_hash": head.last_hash,
    }
    row["payload_digest"] = payload_digest(
        row["summary"], row["before"], row["after"], row["reason"]
    )
    row["row_hash"] = row_hash(
        head.last_hash,
        at=now,
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        family_id=family_id,
        digest=row["payload_digest"],
    )
    event_id = int(session.execute(_INSERT_EVENT, row).scalar_one())
    session.execute(_ADVANCE_HEAD, {"event_id": event_id, "new_hash": row["row_hash"]})
    return event_id


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
