"""stock: item catalogue, product barcodes, receipts, lots, counts and the movement ledger

Revision ID: 0003_stock
Revises: 0002_access
Create Date: 2026-11-25

The ledger is append-only in the database itself: triggers refuse any UPDATE or DELETE of a
stock movement, whoever connects, so a correction can only ever be a new movement.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_stock"
down_revision: str | None = "0002_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "stock movements are never changed or deleted; post a correcting movement"


def upgrade() -> None:
    op.bulk_insert(
        sa.table("code_counter", sa.column("prefix"), sa.column("last_number")),
        [{"prefix": "S", "last_number": 0}],
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "name_key",
            sa.String(80).with_variant(sa.String(80, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("pack_size", sa.String(length=40), nullable=False),
        sa.Column("halal", sa.Boolean(), nullable=False),
        sa.Column("contains_pork", sa.Boolean(), nullable=False),
        sa.Column("vegetarian", sa.Boolean(), nullable=False),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_index(op.f("ix_item_category"), "item", ["category"])
    op.create_table(
        "item_barcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=14), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("barcode"),
    )
    op.create_index(op.f("ix_item_barcode_item_id"), "item_barcode", ["item_id"])
    op.create_table(
        "stock_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stock_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=40), nullable=False),
        sa.Column("received_quantity", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_lot_on_hand_not_negative"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["receipt_id"], ["stock_receipt.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_lot_item_expiry", "stock_lot", ["item_id", "expiry", "id"])
    op.create_index(
        "ix_stock_lot_expiry_in_stock",
        "stock_lot",
        ["expiry"],
        sqlite_where=sa.text("on_hand > 0"),
        postgresql_where=sa.text("on_hand > 0"),
    )
    op.create_index(op.f("ix_stock_lot_receipt_id"), "stock_lot", ["receipt_id"])
    op.create_table(
        "stock_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_by", sa.String(length=80), nullable=False),
        sa.Column("lots_counted", sa.Integer(), nullable=False),
        sa.Column("net_difference", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.CheckConstraint("quantity <> 0", name="ck_stock_movement_quantity_not_zero"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["stock_lot.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_movement_item", "stock_movement", ["item_id", "id"])
    op.create_index("ix_stock_movement_lot", "stock_movement", ["lot_id", "quantity"])
    op.create_index(
        "ix_stock_movement_at_kind", "stock_movement", ["at", "kind", "item_id", "quantity"]
    )
    _refuse_movement_changes()


def _refuse_movement_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION distro_refuse_movement_change() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE "
            "ON stock_movement FOR EACH ROW EXECUTE FUNCTION distro_refuse_movement_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER stock_movement_no_{event.lower()} BEFORE {event} ON stock_movement "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER stock_movement_append_only ON stock_movement")
        op.execute("DROP FUNCTION distro_refuse_movement_change()")
    op.drop_table("stock_movement")
    op.drop_table("stock_count")
    op.drop_table("stock_lot")
    op.drop_table("stock_receipt")
    op.drop_table("item_barcode")
    op.drop_table("item")
    op.execute("DELETE FROM code_counter WHERE prefix = 'S'")
