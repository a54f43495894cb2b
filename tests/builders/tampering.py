"""What someone holding the database file and an SQLite tool could do to the audit log, for
the tests that show `distro db check` notices it."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import col, select

from distro.domain.audit.chain import CHAIN_START, payload_digest, row_hash
from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading


def tamper(engine: Engine, sql: str) -> None:
    """Run a statement on the file, past every rule of the app."""
    with engine.begin() as connection:
        connection.execute(text(sql))


def hash_with(row: AuditEvent, previous: str, digest: str) -> str:
    """The hash `row` gets with the public formula after `previous`, its details' digest
    being `digest`: what a tamperer computes to make an edit agree with the chain."""
    return row_hash(
        previous,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        family_id=row.family_id,
        digest=digest,
    )


def rechain(engine: Engine) -> None:
    """Recompute every digest and hash with the public formula and move the head, so that the
    chain agrees with itself again after an edit."""
    with reading(engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    previous = CHAIN_START
    with engine.begin() as connection:
        for row in rows:
            digest = row.payload_digest
            if row.redacted_at is None:
                digest = payload_digest(row.summary, row.before, row.after, row.reason)
            new_hash = hash_with(row, previous, digest)
            connection.execute(
                text(
                    "UPDATE audit_event SET payload_digest = :digest, prev_hash = :previous,"
                    " row_hash = :new_hash WHERE id = :id"
                ),
                {"digest": digest, "previous": previous, "new_hash": new_hash, "id": row.id},
            )
            previous = new_hash
        connection.execute(
            text("UPDATE audit_chain_head SET last_event_id = :id, last_hash = :hash"),
            {"id": rows[-1].id, "hash": previous},
        )


def cut_tail(engine: Engine, keep: int) -> None:
    """Delete the rows after `keep` and move the head back to it, as one who hides them would."""
    tamper(engine, f"DELETE FROM audit_event WHERE id > {keep}")
    tamper(
        engine,
        "UPDATE audit_chain_head SET last_event_id = id_kept, last_hash = hash_kept FROM "
        f"(SELECT id AS id_kept, row_hash AS hash_kept FROM audit_event WHERE id = {keep})",
    )
