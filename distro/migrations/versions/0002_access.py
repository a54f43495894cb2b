"""roles and PINs, shared settings, chained audit rows, family activity

Revision ID: 0002_access
Revises: 0001_initial
Create Date: 2026-11-25

Users made before sign-in existed keep their names but get no PIN: an admin gives them one
(`distro users reset-pin`). Existing audit rows are chained here, oldest first, so that
`distro db check` can verify the whole log from the start.

The chain's formula is copied here, frozen as it was on this day, rather than imported from
the domain: a migration must do the same thing whatever later code looks like. It is the
formula `distro.domain.audit.chain` still uses, which a test checks by upgrading an old
database and verifying its chain with today's code.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0002_access"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN only: SQLite's batch mode would copy the family table, which its
    # foreign keys forbid while the counters' data is in it.
    op.add_column(
        "app_user",
        sa.Column("role", sa.String(length=16), nullable=False, server_default="volunteer"),
    )
    op.add_column(
        "app_user",
        sa.Column("pin_hash", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column("app_user", sa.Column("disabled_at", sa.DateTime(timezone=True)))
    op.add_column(
        "app_user", sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("app_user", sa.Column("last_failed_at", sa.DateTime(timezone=True)))
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.add_column(
        "family",
        sa.Column(
            "last_active_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("'1970-01-01 00:00:00'"),
        ),
    )
    op.execute("UPDATE family SET last_active_at = updated_at")
    op.create_index(op.f("ix_family_last_active_at"), "family", ["last_active_at"])
    for name in ("payload_digest", "prev_hash", "row_hash"):
        op.add_column(
            "audit_event",
            sa.Column(name, sa.String(length=64), nullable=False, server_default=""),
        )
    op.add_column("audit_event", sa.Column("redacted_at", sa.DateTime(timezone=True)))
    op.create_index("ix_audit_event_actor", "audit_event", ["actor", "id"])
    op.create_index("ix_audit_event_action", "audit_event", ["action", "id"])
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _chain_existing_rows(op.get_bind())


_CHAIN_START = "0" * 64
_AUDIT = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    *(sa.column(name, sa.String) for name in ("actor", "action", "entity")),
    sa.column("entity_id", sa.Integer),
    sa.column("family_id", sa.Integer),
    *(sa.column(name, sa.String) for name in ("summary", "before", "after", "reason")),
)


def _chain_existing_rows(connection: Connection) -> None:
    """Give every row written before the chain existed its digest and hash, oldest first,
    and point the chain's head row at the last of them."""
    previous, last_id = _CHAIN_START, 0
    updates = []
    query = sa.select(*_AUDIT.columns).order_by(_AUDIT.c.id)
    for row in connection.execute(query):
        digest = _sha256([row.summary, row.before, row.after, row.reason])
        header = [row.actor, row.action, row.entity, row.entity_id, row.family_id]
        new_hash = _sha256([previous, _utc_text(row.at), *header, digest])
        updates.append({"row_id": row.id, "digest": digest, "prev": previous, "hash": new_hash})
        previous, last_id = new_hash, row.id
    if updates:
        connection.execute(
            sa.text(
                "UPDATE audit_event SET payload_digest = :digest, prev_hash = :prev,"
                " row_hash = :hash WHERE id = :row_id"
            ),
            updates,
        )
    connection.execute(
        sa.text(
            "INSERT INTO audit_chain_head (id, last_event_id, last_hash) VALUES (1, :id, :hash)"
        ),
        {"id": last_id, "hash": previous},
    )


def _sha256(parts: list[Any]) -> str:
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _utc_text(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    op.drop_index("ix_audit_event_at", "audit_event")
    op.drop_index("ix_audit_event_action", "audit_event")
    op.drop_index("ix_audit_event_actor", "audit_event")
    op.drop_index(op.f("ix_family_last_active_at"), "family")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        for name in ("redacted_at", "row_hash", "prev_hash", "payload_digest"):
            batch_op.drop_column(name)
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_column("last_active_at")
    op.drop_table("app_setting")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        for name in ("last_failed_at", "failed_attempts", "disabled_at", "pin_hash", "role"):
            batch_op.drop_column(name)
