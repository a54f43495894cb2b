"""Items and stock for tests: straight into the tables, through the catalogue, or received
through the ledger, one line each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.core.numbering import next_number
from distro.domain.stock.catalogue import ItemIn
from distro.domain.stock.catalogue import add_item as add_catalogue_item
from distro.domain.stock.models import Item, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from tests.builders.families import ACTOR

EAN_13 = "4006381333931"
OTHER_EAN_13 = "5012345678900"
UPC_A = "036000291452"


def add_item(session: Session, name: str, now: datetime, *, unit: str = "bag") -> Item:
    """An item straight into the table, with a real code (without the catalogue's rules)."""
    item = Item(
        code=format_code(CodeKind.ITEM, next_number(session, CodeKind.ITEM)),
        name=name,
        name_key=name.casefold(),
        unit=unit,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item


def flagged_item(
    session: Session, name: str, now: datetime, category: str = "food", **flags: bool
) -> int:
    """An item with a category and diet flags, straight into the table."""
    item = add_item(session, name, now)
    item.category = category
    for flag, value in flags.items():
        setattr(item, flag, value)
    session.add(item)
    session.flush()
    assert item.id is not None
    return item.id


def stocked_item(engine: Engine, now: datetime, name: str, *lots: tuple[int, date | None]) -> int:
    """A new item with one received lot per (quantity, expiry); its id."""
    with unit_of_work(engine) as session:
        item = add_item(session, name, now)
        assert item.id is not None
        if lots:
            lines = [
                ReceiptLineIn(item_id=item.id, quantity=quantity, expiry=expiry)
                for quantity, expiry in lots
            ]
            receipt = ReceiptIn(received_on=now.date(), source_kind=StockSource.DONOR, lines=lines)
            receive_stock(session, receipt, actor=ACTOR, now=now)
        return item.id


def item_in(name: str, **fields: Any) -> ItemIn:
    """Valid catalogue input: a food item counted in bags, unless `fields` say otherwise."""
    return validated(ItemIn, {"name": name, "category": "food", "unit": "bag", **fields})


def catalogue_item(engine: Engine, now: datetime, name: str, **fields: Any) -> Item:
    """An item added through the catalogue, with its rules and its audit row."""
    with unit_of_work(engine) as session:
        return add_catalogue_item(session, item_in(name, **fields), actor=ACTOR, now=now)


def receive_lot(
    session: Session, now: datetime, item_id: int, quantity: int, expiry: date | None
) -> None:
    """One lot received through the ledger, in the caller's unit of work."""
    lines = [ReceiptLineIn(item_id=item_id, quantity=quantity, expiry=expiry)]
    receipt = ReceiptIn(received_on=now.date(), source_kind=StockSource.DONOR, lines=lines)
    receive_stock(session, receipt, actor=ACTOR, now=now)


def receive_lots(engine: Engine, now: datetime, item: Item, *quantities: int) -> None:
    """Stock received through the ledger, one lot per quantity."""
    assert item.id is not None
    lines = [ReceiptLineIn(item_id=item.id, quantity=quantity) for quantity in quantities]
    receipt = ReceiptIn(received_on=now.date(), source_kind=StockSource.DONOR, lines=lines)
    with unit_of_work(engine) as session:
        receive_stock(session, receipt, actor=ACTOR, now=now)
