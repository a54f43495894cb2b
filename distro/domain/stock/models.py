"""Provides the stock tables: the item catalogue, lots, receipts, counts and the movement ledger.

Stock is a ledger. Every change of a quantity is a `StockMovement` row, never updated or
deleted (database triggers refuse it); a mistake is corrected by a new movement. Each lot
keeps its `on_hand` in the same transaction as the movement, guarded by `CHECK (on_hand >= 0)`
and decremented with a conditional UPDATE, so `on_hand` always equals the sum of the lot's
movements, and `distro db check` verifies that it does.

Quantities are whole units of the item's unit (bags, cans, kg); a 5 kg bag of rice counted in
bags is item "Rice 5 kg" with unit `bag`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, text
from sqlmodel import Field, SQLModel

ITEM_KEY_TYPE = String(80).with_variant(String(80, collation="C"), "postgresql")
MAX_QUANTITY = 100_000
"""The most units one movement may carry: more is a typing slip (an extra zero or two)."""


class ItemCategory(StrEnum):
    """Where an item sits on the shelves and in the reports."""

    FOOD = "food"
    BABY = "baby"
    HYGIENE = "hygiene"
    HOUSEHOLD = "household"
    OTHER = "other"


class StockUnit(StrEnum):
    """What one unit of an item is, as counted on the shelf."""

    KG = "kg"
    BAG = "bag"
    BOTTLE = "bottle"
    CAN = "can"
    PACK = "pack"
    PIECE = "piece"


class StockSource(StrEnum):
    """Where received stock came from."""

    DONOR = "donor"
    PURCHASE = "purchase"
    TRANSFER = "transfer"


class MovementKind(StrEnum):
    """Why a lot's quantity changed; receipts are positive, the rest mostly negative."""

    RECEIVE = "receive"
    ISSUE = "issue"
    HANDOUT = "handout"
    ADJUST = "adjust"
    COUNT = "count"
    EXPIRE = "expire"
    RETURN = "return"


class AdjustReason(StrEnum):
    """Why stock was adjusted by hand; the first three only take away, `found` only adds."""

    DAMAGED = "damaged"
    EXPIRED = "expired"
    LOST = "lost"
    FOUND = "found"
    CORRECTION = "correction"


class Item(SQLModel, table=True):
    """Something the NGO stocks and hands out. Items are retired, never deleted: the ledger
    names them."""

    __tablename__ = "item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=80)
    name_key: str = Field(sa_type=ITEM_KEY_TYPE, unique=True)
    """The name folded (case, accents, spacing), so "rice 5kg" and "Rice 5 kg" are one item;
    compared by code point on every database, so name-prefix ranges mean the same."""
    category: str = Field(default=ItemCategory.FOOD.value, max_length=16, index=True)
    unit: str = Field(default=StockUnit.PIECE.value, max_length=8)
    pack_size: str = Field(default="", max_length=40)
    halal: bool = False
    contains_pork: bool = False
    vegetarian: bool = False
    low_stock_threshold: int = 0
    retired_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class ItemBarcode(SQLModel, table=True):
    """A product barcode (EAN-13, EAN-8 or UPC-A, digits only): scanning it selects the item."""

    __tablename__ = "item_barcode"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    barcode: str = Field(max_length=14, unique=True)


class StockReceipt(SQLModel, table=True):
    """One delivery or donation; each of its lines is a lot."""

    __tablename__ = "stock_receipt"

    id: int | None = Field(default=None, primary_key=True)
    received_on: date
    source_kind: str = Field(max_length=16)
    source: str = Field(default="", max_length=120)
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(max_length=80)
    recorded_at: datetime


class StockLot(SQLModel, table=True):
    """Units of one item that arrived together and share an expiry date."""

    __tablename__ = "stock_lot"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="ck_stock_lot_on_hand_not_negative"),
        Index("ix_stock_lot_item_expiry", "item_id", "expiry", "id"),
        Index(
            "ix_stock_lot_expiry_in_stock",
            "expiry",
            sqlite_where=text("on_hand > 0"),
            postgresql_where=text("on_hand > 0"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    receipt_id: int | None = Field(default=None, foreign_key="stock_receipt.id", index=True)
    expiry: date | None = None
    received_on: date
    location: str = Field(default="", max_length=40)
    received_quantity: int
    on_hand: int


class StockCount(SQLModel, table=True):
    """One stock take: the scope counted (a location or a category) and who posted it."""

    __tablename__ = "stock_count"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=80)
    counted_at: datetime
    counted_by: str = Field(max_length=80)
    lots_counted: int = 0
    net_difference: int = 0


class StockMovement(SQLModel, table=True):
    """One change of one lot's quantity: who, when, why. Never updated, never deleted."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="ck_stock_movement_quantity_not_zero"),
        Index("ix_stock_movement_item", "item_id", "id"),
        Index("ix_stock_movement_lot", "lot_id", "quantity"),
        Index("ix_stock_movement_at_kind", "at", "kind", "item_id", "quantity"),
        Index("ix_stock_movement_reference", "reference", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="stock_lot.id")
    item_id: int = Field(foreign_key="item.id")
    kind: str = Field(max_length=16)
    quantity: int
    at: datetime
    actor: str = Field(max_length=80)
    reason: str = Field(default="", max_length=300)
    reference: str = Field(default="", max_length=40)
    """What the movement belongs to: `receipt 12`, `count 3`, later a handout slip's code."""
