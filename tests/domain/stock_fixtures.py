"""Items and receipts in one line each, for the stock tests (without the catalogue's rules)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import unit_of_work
from distro.domain.core.numbering import next_number
from distro.domain.stock.models import Item, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from tests.domain.conftest import ACTOR


def add_item(session: Session, name: str, now: datetime, *, unit: str = "bag") -> Item:
    """An item straight into the table, with a real code."""
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
