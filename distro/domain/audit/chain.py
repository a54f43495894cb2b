"""Provides the hash chain that makes the audit log tamper-evident, and its verification.

Each row's hash covers the previous row's hash, the row's header (when, who, what, which
record) and a digest of its payload (summary, before, after, reason). Erasing a family blanks
the payload to one fixed form but keeps the digest, so the chain still verifies; a changed
header, a changed payload, a blanked payload that is not exactly that form or belongs to no
erased family, a deleted row or a cut-off tail all break it. The formula must never change:
migration 0002 chained the first rows with a frozen copy of it.

The chain alone cannot tell a whole log recomputed with this public formula from the real
one; `anchor` keeps its head outside the database for that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, column, select, table, text
from sqlalchemy.engine import Connection

CHAIN_START = "0" * 64
"""The `prev_hash` of the first row."""
ERASING_ACTIONS = frozenset({"family.erase", "family.anonymise"})
"""The actions that may blank earlier rows of the same family, and must come after them."""
REDACTED_PAYLOAD: dict[str, str | None] = {
    "summary": "",
    "before": None,
    "after": None,
    "reason": "",
}
"""What a blanked row's payload is, exactly: anything else in a blanked row was written later."""
_ROW_COLUMNS = (
    "id, at, actor, action, entity, entity_id, family_id, summary, before, after, reason,"
    " payload_digest, prev_hash, row_hash, redacted_at"
)


def payload_digest(summary: str, before: str | None, after: str | None, reason: str) -> str:
    """The digest of what erasing may redact."""
    return _sha256([summary, before, after, reason])


def row_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    family_id: int | None,
    digest: str,
) -> str:
    """The hash that links a row to the one before it."""
    return _sha256([prev_hash, _utc_text(at), actor, action, entity, entity_id, family_id, digest])


def _sha256(parts: list[Any]) -> str:
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _utc_text(at: datetime) -> str:
    """The same text whether the driver gives the time back naive (SQLite) or aware."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


@dataclass
class ChainRow:
    """An audit row as the chain sees it."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    family_id: int | None
    summary: str
    before: str | None
    after: str | None
    reason: str
    payload_digest: str
    prev_hash: str
    row_hash: str
    redacted_at: datetime | None

    def expected_hash(self, prev_hash: str) -> str:
        """This row's hash if it follows `prev_hash` and its header is untouched."""
        return row_hash(
            prev_hash,
            at=self.at,
            actor=self.actor,
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            family_id=self.family_id,
            digest=self.payload_digest,
        )

    def is_blank(self) -> bool:
        """Whether the payload is exactly the redacted form."""
        payload = {"summary": self.summary, "before": self.before, "after": self.after}
        return {**payload, "reason": self.reason} == REDACTED_PAYLOAD

    def actual_digest(self) -> str:
        """The digest of the payload as it stands now."""
        return payload_digest(self.summary, self.before, self.after, self.reason)


_AUDIT = table(
    "audit_event",
    column("id", Integer),
    column("at", DateTime(timezone=True)),
    *(column(name, String) for name in ("actor", "action", "entity")),
    column("entity_id", Integer),
    column("family_id", Integer),
    *(column(name, String) for name in ("summary", "before", "after", "reason")),
    *(column(name, String) for name in ("payload_digest", "prev_hash", "row_hash")),
    column("redacted_at", DateTime(timezone=True)),
)
"""The audit table as the chain reads it, typed so times come back as datetimes."""


def _rows(connection: Connection) -> Iterator[ChainRow]:
    query = select(*_AUDIT.columns).order_by(_AUDIT.c.id)
    for row in connection.execution_options(yield_per=2000).execute(query):
        yield ChainRow(*row)


def chain_problems(connection: Connection, limit: int = 20) -> list[str]:
    """What is wrong with the audit chain, in plain words (at most `limit` lines)."""
    return list(_first(_find_breaks(connection), limit))


def _first(problems: Iterable[str], limit: int) -> Iterator[str]:
    for count, problem in enumerate(problems):
        if count == limit:
            yield "... and more audit problems; the log must be restored from a backup"
            return
        yield problem


def _find_breaks(connection: Connection) -> Iterator[str]:
    previous = CHAIN_START
    last_id = 0
    redacted: dict[int, int] = {}
    for row in _rows(connection):
        # An erasing row accepts the blanks before it, never its own: it is never blanked.
        if row.action in ERASING_ACTIONS and row.entity_id is not None:
            redacted.pop(row.entity_id, None)
        if row.redacted_at is not None and row.family_id is not None:
            redacted.setdefault(row.family_id, row.id)
        if row.prev_hash != previous:
            yield f"audit row {row.id}: the row before it was deleted or changed"
        if row.row_hash != row.expected_hash(row.prev_hash):
            yield f"audit row {row.id}: its who/when/what was edited after it was written"
        yield from _payload_problems(row)
        previous = row.row_hash
        last_id = row.id
    head = connection.execute(
        text("SELECT last_event_id, last_hash FROM audit_chain_head WHERE id = 1")
    ).first()
    if head is None:
        yield "the audit chain's head row is missing"
    elif (head[0], head[1]) != (last_id, previous):
        yield f"the audit log ends at row {last_id} but row {head[0]} was written: rows are missing"
    for family_id, row_id in redacted.items():
        yield (
            f"audit row {row_id}: details blanked, but family {family_id} was not erased or"
            " anonymised after it"
        )


def _payload_problems(row: ChainRow) -> Iterator[str]:
    """A payload must match its digest, unless it was blanked: then it must be exactly the
    blank form (the digest keeps what was removed), and belong to a family."""
    if row.redacted_at is None:
        if row.actual_digest() != row.payload_digest:
            yield f"audit row {row.id}: its details were edited after it was written"
    elif row.family_id is None:
        yield f"audit row {row.id}: details blanked, but only a family's rows are ever blanked"
    elif not row.is_blank():
        yield f"audit row {row.id}: its details were written after they were blanked"
