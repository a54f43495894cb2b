"""Provides the audit tables: the chained change rows and the head row appends lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    """One change: who, when, what, on which record, with the record before and after (JSON).

    Rows are append-only and chained: `row_hash` covers the previous row's hash, this row's
    header and `payload_digest` (the digest of summary, before, after and reason). Erasing a
    family redacts the payload (`redacted_at`) but keeps the digest, so the chain stays whole.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_family", "family_id", "id"),
        Index("ix_audit_event_actor", "actor", "id"),
        Index("ix_audit_event_action", "action", "id"),
        Index("ix_audit_event_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=80)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    family_id: int | None = None
    summary: str = Field(default="", max_length=300)
    before: str | None = None
    after: str | None = None
    reason: str = Field(default="", max_length=500)
    payload_digest: str = Field(default="", max_length=64)
    prev_hash: str = Field(default="", max_length=64)
    row_hash: str = Field(default="", max_length=64)
    redacted_at: datetime | None = None


class AuditChainHead(SQLModel, table=True):
    """The one row every audit append locks: the newest row's id and hash.

    Appends serialise on it (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are already
    serial), and `db check` compares it with the last row, so a cut-off tail is noticed too.
    """

    __tablename__ = "audit_chain_head"

    id: int = Field(default=1, primary_key=True)
    last_event_id: int = 0
    last_hash: str = Field(default="", max_length=64)
