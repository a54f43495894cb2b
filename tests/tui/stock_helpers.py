"""Shared steps of the Stock area's Pilot tests: a small fixed stock, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select
from textual.pilot import Pilot

from distro.domain.core.db import reading, unit_of_work
from distro.domain.stock.catalogue import ItemIn, add_item
from distro.domain.stock.ledger import issue_stock
from distro.domain.stock.models import Item, ItemBarcode, StockLot, StockMovement
from distro.domain.stock.product_barcodes import check_digit
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from tests.tui.helpers import SETUP, settle, sign_in


def ean13(payload: str) -> str:
    """A valid EAN-13 made from twelve digits."""
    return payload + check_digit(payload)


RICE_BARCODE = ean13("480123456789")
"""Carried by the rice."""
UNKNOWN_BARCODE = ean13("489000111222")
"""A valid product barcode that no item carries."""


@dataclass(frozen=True)
class Shelves:
    """The items of the fixed stock, by what the tests call them."""

    rice: Item
    oil: Item
    soap: Item


def add_stock_item(engine: Engine, now: datetime, name: str, **fields: Any) -> Item:
    """An item added through the catalogue service."""
    data = ItemIn.model_validate({"name": name, "category": "food", "unit": "bag", **fields})
    with unit_of_work(engine) as session:
        return add_item(session, data, actor=SETUP, now=now)


def receive(
    engine: Engine, now: datetime, item: Item, quantity: int, expiry: date | None, where: str
) -> None:
    """One line received through the ledger, on the day of `now`."""
    assert item.id is not None
    line = ReceiptLineIn(item_id=item.id, quantity=quantity, expiry=expiry, location=where)
    receipt = ReceiptIn(
        received_on=now.date(), source_kind="donor", source="Food Angel", lines=[line]
    )
    with unit_of_work(engine) as session:
        receive_stock(session, receipt, actor=SETUP, now=now)


def seed_stock(engine: Engine, now: datetime) -> Shelves:
    """Rice in two lots (one expiring in ten days), oil with an expired lot, soap below its
    threshold; some rice issued a week ago, so it has days of stock."""
    today = now.date()
    rice = add_stock_item(engine, now, "Rice 5 kg", low_stock_threshold=10, barcodes=[RICE_BARCODE])
    oil = add_stock_item(engine, now, "Cooking oil 1 L", unit="bottle", low_stock_threshold=5)
    soap = add_stock_item(
        engine, now, "Soap bar", category="hygiene", unit="piece", low_stock_threshold=30
    )
    week_ago = now - timedelta(days=7)
    receive(engine, week_ago, rice, 20, today + timedelta(days=10), "Shelf A")
    receive(engine, week_ago, rice, 30, today + timedelta(days=200), "Shelf A")
    receive(engine, week_ago, oil, 4, today - timedelta(days=2), "Shelf B")
    receive(engine, week_ago, oil, 12, today + timedelta(days=90), "Shelf B")
    receive(engine, week_ago, soap, 8, None, "Store room")
    assert rice.id is not None
    with unit_of_work(engine) as session:
        issue_stock(session, rice.id, 14, "Shelter X", actor=SETUP, now=week_ago)
    return Shelves(rice, oil, soap)


async def open_stock(pilot: Pilot[Any], user: str = "coordinator") -> None:
    """Sign in and switch to the Stock area's levels."""
    await sign_in(pilot, user)
    pilot.app.clear_notifications()
    await pilot.press("f4")
    await settle(pilot)


def movements(engine: Engine, kind: str | None = None) -> list[StockMovement]:
    """The ledger, oldest first, or only the movements of one kind."""
    query = select(StockMovement).order_by(col(StockMovement.id))
    if kind is not None:
        query = query.where(StockMovement.kind == kind)
    with reading(engine) as session:
        return list(session.exec(query).all())


def lots_of(engine: Engine, item: Item) -> list[StockLot]:
    """An item's lots, oldest first."""
    with reading(engine) as session:
        query = select(StockLot).where(StockLot.item_id == item.id).order_by(col(StockLot.id))
        return list(session.exec(query).all())


def on_hand(engine: Engine, item: Item) -> int:
    """Units of the item on the shelves, expired ones included."""
    return sum(lot.on_hand for lot in lots_of(engine, item))


def barcodes_of(engine: Engine, item: Item) -> list[str]:
    """The product barcodes the item carries."""
    with reading(engine) as session:
        query = select(ItemBarcode.barcode).where(ItemBarcode.item_id == item.id)
        return sorted(session.exec(query).all())
