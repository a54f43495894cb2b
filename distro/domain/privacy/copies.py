"""Provides the copies of a family's data that distro wrote out before an erase and cannot reach:
exports of all families, the family's cards and access reports, and backups.

They are read from the audit log, whose rows name each file, so the coordinator is told where
to delete them or keep them safe. They must be read before the erase redacts the family's own
rows (its cards and access reports), whose words are then gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from sqlmodel import Session, and_, col, func, or_, select

from distro.domain.audit.disclosure import CARD_ACTION, EXPORT_ACTION
from distro.domain.audit.models import AuditEvent
from distro.domain.core.moments import moment_text
from distro.domain.core.words import how_many
from distro.domain.families.models import Family

BACKUP_ACTION = "database.backup"


class CopyKind(StrEnum):
    """What kind of file a copy is; the value is its noun in a sentence."""

    EXPORT = "export"
    CARD = "card"
    ACCESS_REPORT = "access report"
    BACKUP = "backup"


@dataclass(frozen=True)
class Copy:
    """One file written before the erase: when, what kind, and the audit row's words (which
    name the file)."""

    made_at: datetime
    kind: CopyKind
    description: str


def copies_made_so_far(session: Session, family_ids: list[int]) -> list[Copy]:
    """Every export and backup made since the first of these families was registered, and
    every card and access report of them, oldest first.

    Nothing is left out for being stamped later than the erase: a counter whose clock runs
    ahead still wrote its copy before the family was gone."""
    since = session.exec(
        select(func.min(Family.created_at)).where(col(Family.id).in_(family_ids))
    ).one()
    if since is None:
        return []
    everyone = col(AuditEvent.family_id).is_(None)
    rows = session.exec(
        select(AuditEvent)
        .where(
            col(AuditEvent.at) >= since,
            or_(
                col(AuditEvent.action) == BACKUP_ACTION,
                and_(col(AuditEvent.action) == EXPORT_ACTION, everyone),
                and_(
                    col(AuditEvent.action).in_((EXPORT_ACTION, CARD_ACTION)),
                    col(AuditEvent.family_id).in_(family_ids),
                ),
            ),
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    return [
        Copy(
            made_at=row.at,
            kind=_kind(row),
            description=row.summary or "(its words were erased when the family was anonymised)",
        )
        for row in rows
    ]


def copies_in_words(copies: list[Copy] | tuple[Copy, ...]) -> str:
    """ "2 exports, 1 card and 3 backups", in `CopyKind` order; "" when there are none."""
    counts = [
        how_many(sum(copy.kind == kind for copy in copies), kind.value)
        for kind in CopyKind
        if any(copy.kind == kind for copy in copies)
    ]
    if len(counts) < 2:
        return "".join(counts)
    return f"{', '.join(counts[:-1])} and {counts[-1]}"


def copy_line(copy: Copy, zone: tzinfo) -> str:
    """ "2026-11-25 17:30  Exported all families to /media/usb/families.csv": when, on the NGO's
    clock, and the audit row's words."""
    return f"{moment_text(copy.made_at, zone)}  {copy.description}"


def _kind(row: AuditEvent) -> CopyKind:
    if row.action == BACKUP_ACTION:
        return CopyKind.BACKUP
    if row.action == CARD_ACTION:
        return CopyKind.CARD
    return CopyKind.EXPORT if row.family_id is None else CopyKind.ACCESS_REPORT
