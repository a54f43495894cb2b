"""Provides the audit rows for personal data leaving the database or shown in full.

An export is recorded before its file is written, in its own short transaction (so a long
export never holds the counters' write lock): an export that fails half-way is still on
record, one that was never recorded cannot happen. Each row names its file, so an erase can
tell the coordinator where the copies are (privacy/copies.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires

EXPORT_ACTION = "personal_data.export"
CARD_ACTION = "family.card"


@requires(Permission.EXPORT_PERSONAL_DATA)
def record_export(
    session: Session,
    what: str,
    *,
    actor: Actor,
    now: datetime,
    family_id: int | None = None,
) -> None:
    """Record that `actor` is exporting `what` (for example "all families to FILE")."""
    record_change(
        session,
        actor=actor,
        now=now,
        action=EXPORT_ACTION,
        entity="family" if family_id else "families",
        entity_id=family_id,
        family_id=family_id,
        summary=f"Exported {what}"[:300],
    )


@requires(Permission.REGISTER_FAMILIES)
def record_card_print(
    session: Session, family_id: int, code: str, where: str, *, actor: Actor, now: datetime
) -> None:
    """Record that `actor` printed the family's card (first names on it) to `where`; printing
    cards is part of registering, which every role may do."""
    record_change(
        session,
        actor=actor,
        now=now,
        action=CARD_ACTION,
        entity="family",
        entity_id=family_id,
        family_id=family_id,
        summary=f"Printed the family card of {code} to {where}"[:300],
    )


@requires(Permission.REVEAL_PERSONAL_DATA)
def record_reveal(
    session: Session, family_id: int, code: str, *, actor: Actor, now: datetime
) -> None:
    """Record that `actor` unmasked a family's names, phones and claim reference on screen."""
    record_change(
        session,
        actor=actor,
        now=now,
        action="personal_data.reveal",
        entity="family",
        entity_id=family_id,
        family_id=family_id,
        summary=f"Showed {code}'s personal data in full",
    )
