"""Provides the stock export: one CSV row per lot on the shelves, for a spreadsheet or a donor.

It names items and shelves, never a family, so it needs no permission beyond opening the app.
Text cells are escaped as in the families CSV (`distro.domain.families.csv_format`), so that an item
named "=cmd" is shown, not run; numbers and dates are written as they are, so that a
spreadsheet can add them up (a negative `days_to_expiry` is a lot already expired).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from typing import Any, TextIO

from sqlalchemy import select
from sqlmodel import Session, col

from distro.domain.core.csv_cells import BOM, escape_cell
from distro.domain.stock.levels import IN_STOCK
from distro.domain.stock.models import Item, StockLot

COLUMNS = (
    "item_code",
    "item_name",
    "category",
    "unit",
    "pack_size",
    "lot_id",
    "expiry",
    "received_on",
    "location",
    "on_hand",
    "days_to_expiry",
)
BATCH_SIZE = 1_000
"""Lots read from the database at a time: memory stays flat however many lots there are."""


def export_stock(session: Session, stream: TextIO, *, today: date) -> int:
    """Write every lot with stock, by item code and then first expiry first; return how many.

    Open `stream` with newline="" and UTF-8: the BOM is written here."""
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    expiry = col(StockLot.expiry)
    query = (
        select(
            col(Item.code),
            col(Item.name),
            col(Item.category),
            col(Item.unit),
            col(Item.pack_size),
            col(StockLot.id),
            expiry,
            col(StockLot.received_on),
            col(StockLot.location),
            col(StockLot.on_hand),
        )
        .join(Item, col(Item.id) == col(StockLot.item_id))
        .where(IN_STOCK)
        .order_by(col(Item.code), expiry.asc().nulls_last(), col(StockLot.id))
        .execution_options(yield_per=BATCH_SIZE)
    )
    written = 0
    for row in session.execute(query):
        writer.writerow(_lot_cells(row, today))
        written += 1
    return written


def _lot_cells(row: Sequence[Any], today: date) -> list[str | int]:
    """One lot's cells in `COLUMNS` order."""
    code, name, category, unit, pack_size, lot_id, expiry, received_on, location, on_hand = row
    texts = [escape_cell(text) for text in (code, name, category, unit, pack_size)]
    return [
        *texts,
        lot_id,
        expiry.isoformat() if expiry else "",
        received_on.isoformat(),
        escape_cell(location),
        on_hand,
        (expiry - today).days if expiry else "",
    ]
