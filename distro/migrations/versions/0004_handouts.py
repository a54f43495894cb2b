"""handouts: distribution rounds, basket rules, handouts and their lines

Revision ID: 0004_handouts
Revises: 0003_stock
Create Date: 2026-11-25

One ordinary collection per family per round is a partial unique index: a voided handout or a
coordinator's recorded override does not count, every other one does, on SQLite and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_handouts"
down_revision: str | None = "0003_stock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORDINARY = "voided_at IS NULL AND override_reason = ''"


def upgrade() -> None:
    op.bulk_insert(
        sa.table("code_counter", sa.column("prefix"), sa.column("last_number")),
        [{"prefix": "H", "last_number": 0}],
    )
    op.create_table(
        "distribution_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("basket", sa.String(length=40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("expected", sa.String(length=8), nullable=False),
        sa.Column("two_step", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index(op.f("ix_distribution_round_basket"), "distribution_round", ["basket"])
    op.create_table(
        "round_family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["distribution_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_round_family", "round_family", ["round_id", "family_id"], unique=True)
    op.create_index(op.f("ix_round_family_family_id"), "round_family", ["family_id"])
    op.create_table(
        "basket_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basket", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("per", sa.String(length=10), nullable=False),
        sa.Column("household_from", sa.Integer(), nullable=True),
        sa.Column("household_to", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age_from_months", sa.Integer(), nullable=True),
        sa.Column("age_under_months", sa.Integer(), nullable=True),
        sa.Column("substitute_item_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_basket_rule_quantity_positive"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["substitute_item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_basket_rule_basket", "basket_rule", ["basket", "position"])
    _create_handouts()
    op.create_index("ix_stock_movement_reference", "stock_movement", ["reference", "kind"])
    op.create_index(op.f("ix_family_merged_into_id"), "family", ["merged_into_id"])


def _create_handouts() -> None:
    op.create_table(
        "handout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("handed_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("proxy_name", sa.String(length=80), nullable=False),
        sa.Column("proxy_relation", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=250), nullable=False),
        sa.Column("override_reason", sa.String(length=250), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("collected_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=False),
        sa.Column("void_reason", sa.String(length=250), nullable=False),
        sa.Column("printed_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["distribution_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(
        "ux_handout_one_per_round",
        "handout",
        ["round_id", "family_id"],
        unique=True,
        sqlite_where=sa.text(_ORDINARY),
        postgresql_where=sa.text(_ORDINARY),
    )
    op.create_index("ix_handout_family_at", "handout", ["family_id", "handed_out_at"])
    op.create_index("ix_handout_round_at", "handout", ["round_id", "handed_out_at"])
    op.create_table(
        "handout_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handout_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("entitled", sa.Integer(), nullable=False),
        sa.Column("substitute_for_item_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_handout_line_quantity_positive"),
        sa.ForeignKeyConstraint(["handout_id"], ["handout.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["substitute_for_item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_handout_line_handout_id"), "handout_line", ["handout_id"])


def downgrade() -> None:
    op.drop_index("ix_stock_movement_reference", "stock_movement")
    op.drop_index(op.f("ix_family_merged_into_id"), "family")
    op.drop_table("handout_line")
    op.drop_table("handout")
    op.drop_table("basket_rule")
    op.drop_table("round_family")
    op.drop_table("distribution_round")
    op.execute("DELETE FROM code_counter WHERE prefix = 'H'")
