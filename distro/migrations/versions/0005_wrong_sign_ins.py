"""wrong sign-ins counted per typed name, not per user

Revision ID: 0005_wrong_sign_ins
Revises: 0004_handouts
Create Date: 2026-12-08

Wrong PINs were counted on the user's row, so only a real name was ever slowed down, which told
a guesser which names are users. The count moves to a table keyed by a digest of the typed name.
Counts in progress are not carried over: at worst a guesser gets the free tries once more.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_wrong_sign_ins"
down_revision: str | None = "0004_handouts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wrong_sign_ins",
        sa.Column("name_key", sa.String(length=64), nullable=False),
        sa.Column("wrong_in_a_row", sa.Integer(), nullable=False),
        sa.Column("last_wrong_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_key"),
    )
    op.create_index(op.f("ix_wrong_sign_ins_last_wrong_at"), "wrong_sign_ins", ["last_wrong_at"])
    # Nothing refers to app_user by key, so SQLite's batch mode may copy it.
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("last_failed_at")
        batch_op.drop_column("failed_attempts")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True)))
    op.drop_index(op.f("ix_wrong_sign_ins_last_wrong_at"), table_name="wrong_sign_ins")
    op.drop_table("wrong_sign_ins")
