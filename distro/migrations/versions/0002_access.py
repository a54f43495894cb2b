"""roles and PINs, shared settings, chained audit rows, family activity

Revision ID: 0002_access
Revises: 0001_initial
Create Date: 2026-11-25

Users made before sign-in existed keep their names but get no PIN: an admin gives them one
(`distro users reset-pin`). Existing audit rows are chained here, oldest first, so that
`distro db check` can verify the whole log from the start.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from distro.domain.audit_chain import chain_existing_rows

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
    chain_existing_rows(op.get_bind())


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
