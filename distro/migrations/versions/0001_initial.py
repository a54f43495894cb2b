"""initial schema

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_family", ["family_id", "id"], unique=False)

    code_counter = op.create_table(
        "code_counter",
        sa.Column("prefix", sa.String(length=4), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    # Seeded so that two counters allocating the first code only ever UPDATE, never race to INSERT.
    op.bulk_insert(code_counter, [{"prefix": "F", "last_number": 0}])
    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("claim_ref", sa.String(length=60), nullable=False),
        sa.Column("dietary", sa.String(length=200), nullable=False),
        sa.Column("allergies", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("consent_purpose", sa.String(length=300), nullable=False),
        sa.Column("consent_recorded_by", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["family.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_status"), ["status"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("aliases", sa.String(length=1000), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_date_estimated", sa.Boolean(), nullable=False),
        sa.Column("relationship", sa.String(length=16), nullable=False),
        sa.Column("nationality", sa.String(length=60), nullable=False),
        sa.Column("languages", sa.String(length=300), nullable=False),
        sa.Column("school", sa.String(length=120), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_birth_date"), ["birth_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_family_id"), ["family_id"], unique=False)

    op.create_table(
        "phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_number"), ["number"], unique=False)

    op.create_table(
        "search_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column(
            "key",
            sa.String(length=120).with_variant(sa.String(120, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search_key", schema=None) as batch_op:
        batch_op.create_index("ix_search_key_family_key", ["family_id", "key"], unique=False)
        batch_op.create_index("ix_search_key_key_family", ["key", "family_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_key", schema=None) as batch_op:
        batch_op.drop_index("ix_search_key_key_family")
        batch_op.drop_index("ix_search_key_family_key")

    op.drop_table("search_key")
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_number"))
        batch_op.drop_index(batch_op.f("ix_phone_family_id"))

    op.drop_table("phone")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_family_id"))
        batch_op.drop_index(batch_op.f("ix_member_birth_date"))

    op.drop_table("member")
    with op.batch_alter_table("family", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_status"))

    op.drop_table("family")
    op.drop_table("code_counter")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_family")

    op.drop_table("audit_event")
    op.drop_table("app_user")
