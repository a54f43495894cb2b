"""Provides the audit log as coordinators read it: filtered, newest first, a page at a time.

Every filter is one the indexes answer (the actor, the family, the time), and every query
stops at a page of at most `MAX_PAGE` rows, so looking through a year-long log never reads it
whole. Reading the log in bulk shows who did what and when, so the reading is recorded too:
one `audit.view` row per look (a CLI query, or opening the screen), not one per keystroke.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.clock import clock_moment
from distro.domain.core.codes import CodeKind, parse_scan
from distro.domain.core.errors import CodeError, NotFound
from distro.domain.core.inputs import clean_line
from distro.domain.core.limits import LARGEST_ROW_ID
from distro.domain.core.zone import ngo_zone
from distro.domain.families.models import Family

MAX_PAGE = 500
"""The most rows one query returns; page further back with `before_id`."""


class AuditFilter(BaseModel):
    """What to look for; empty text and missing dates mean "any"."""

    user: Annotated[str, BeforeValidator(clean_line), Field(max_length=80)] = ""
    family_code: Annotated[str, BeforeValidator(clean_line), Field(max_length=40)] = ""
    action: Annotated[str, BeforeValidator(clean_line), Field(max_length=40)] = ""
    since: date | None = None
    until: date | None = None
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    before_id: int | None = Field(default=None, ge=1, le=LARGEST_ROW_ID)

    @model_validator(mode="after")
    def _dates_in_order(self) -> AuditFilter:
        if self.since and self.until and self.since > self.until:
            raise ValueError("the 'from' date is after the 'to' date")
        return self

    def described(self) -> str:
        """The filters in use, as a short line for the record of who looked."""
        parts = [
            f"{label} {value}"
            for label, value in (
                ("user", self.user),
                ("family", self.family_code),
                ("action", self.action),
                ("from", self.since),
                ("to", self.until),
            )
            if value
        ]
        return ", ".join(parts) or "no filter"


@requires(Permission.VIEW_AUDIT)
def audit_events(session: Session, filters: AuditFilter, *, actor: Actor) -> list[AuditEvent]:
    """The rows matching `filters`, newest first, at most `filters.limit` of them.

    Dates are whole days on the NGO's clock (`ngo_zone`); the family code names exactly that
    record, not the family it was merged into, because its own rows were written under it."""
    query, zone = select(AuditEvent), ngo_zone(session)
    if filters.user:
        query = query.where(AuditEvent.actor == filters.user)
    if filters.family_code:
        query = query.where(AuditEvent.family_id == _family_id(session, filters.family_code))
    if filters.action:
        query = query.where(col(AuditEvent.action).startswith(filters.action, autoescape=True))
    if filters.since:
        query = query.where(col(AuditEvent.at) >= clock_moment(filters.since, zone))
    if filters.until:
        query = query.where(
            col(AuditEvent.at) < clock_moment(filters.until + timedelta(days=1), zone)
        )
    if filters.before_id:
        query = query.where(col(AuditEvent.id) < filters.before_id)
    query = query.order_by(col(AuditEvent.id).desc()).limit(filters.limit)
    return list(session.exec(query).all())


def _family_id(session: Session, code_text: str) -> int:
    code = parse_scan(code_text)
    if code.kind != CodeKind.FAMILY:
        raise CodeError(f"{code.text} is not a family code.")
    family_id = session.exec(select(Family.id).where(Family.code == code.text)).first()
    if family_id is None:
        raise NotFound(f"No family has the code {code.text}.")
    return family_id


@requires(Permission.VIEW_AUDIT)
def record_audit_view(
    session: Session, filters: AuditFilter, *, actor: Actor, now: datetime
) -> None:
    """Record that `actor` looked through the audit log, and with which filters."""
    record_change(
        session,
        actor=actor,
        now=now,
        action="audit.view",
        entity="audit",
        entity_id=None,
        family_id=None,
        summary=f"Looked through the audit log ({filters.described()})",
        after=_filter_fields(filters),
    )


def _filter_fields(filters: AuditFilter) -> dict[str, Any]:
    return filters.model_dump(exclude_defaults=True, exclude={"limit"})


def family_codes(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    """Family id -> printable code, for the families these rows are about (one query)."""
    ids = {event.family_id for event in events if event.family_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Family.id, Family.code).where(col(Family.id).in_(ids))).all()
    return {family_id: code for family_id, code in rows if family_id is not None}


def record_label(event: AuditEvent, codes: dict[int, str]) -> str:
    """What a row is about, in a word: the family's code, otherwise the kind of record."""
    if event.family_id is not None and event.family_id in codes:
        return codes[event.family_id]
    return event.entity
