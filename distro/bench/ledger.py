"""Provides the benchmark's stock ledger, written straight into the migrated tables.

Multi-row INSERTs, a few transactions in all: 25 lots per item received over two years, each
with its receipt movement and nine takes, so 2,000 items make 50,000 lots and 500,000
movements. Old lots are used up; the last three of each item are on the shelves, a few of them
expired or expiring soon. Every lot's `on_hand` is the sum of its movements, as `distro db
check` demands.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, insert, select

if TYPE_CHECKING:
    from sqlmodel import Session

LOTS_PER_ITEM = 25
MOVEMENTS_PER_LOT = 10
"""A receipt and nine takes."""
LOTS_ON_SHELF = 3
DAYS_BETWEEN_DELIVERIES = 29
RECEIPT_LINES = 100
ITEMS_PER_TRANSACTION = 200
"""50,000 movements per commit: keeps the WAL file small without a commit per lot."""
BENCH_ACTOR = "bench"

Row = dict[str, Any]


def build_ledger(engine: Engine, items: int, seed: int, now: datetime) -> list[int]:
    """Write `items` items with their receipts, lots and movements; the items' ids."""
    from distro.domain.core.clock import local_date
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.zone import DEFAULT_ZONE
    from distro.domain.stock.models import Item, StockLot, StockMovement, StockReceipt

    rng = random.Random(seed)
    today = local_date(now, DEFAULT_ZONE)
    with unit_of_work(engine) as session:
        connection = session.connection()
        first_item = _next_id(connection, Item)
        first_receipt = _next_id(connection, StockReceipt)
        first_lot = _next_id(connection, StockLot)
        receipts = _receipt_rows(first_receipt, items, rng, today)
        connection.execute(insert(StockReceipt), receipts)
        connection.execute(insert(Item), _item_rows(session, first_item, items, rng, now))
    for chunk in range(0, items, ITEMS_PER_TRANSACTION):
        lots: list[Row] = []
        movements: list[Row] = []
        for index in range(chunk, min(items, chunk + ITEMS_PER_TRANSACTION)):
            first = first_lot + index * LOTS_PER_ITEM
            deliveries = receipts[index // RECEIPT_LINES :: _receipt_blocks(items)]
            item_lots, item_moves = _item_ledger(first_item + index, first, deliveries, rng, today)
            lots += item_lots
            movements += item_moves
        with unit_of_work(engine) as session:
            session.connection().execute(insert(StockLot), lots)
            session.connection().execute(insert(StockMovement), movements)
    return list(range(first_item, first_item + items))


def _next_id(connection: Connection, table: Any) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.id), 0))).scalar_one()) + 1


def _receipt_blocks(items: int) -> int:
    return -(-items // RECEIPT_LINES)


def _receipt_rows(first_id: int, items: int, rng: random.Random, today: date) -> list[Row]:
    """One delivery per round and block of items, round after round; the newest round arrived
    within the last month, so every item's newest lot is fresh."""
    start = today - timedelta(days=DAYS_BETWEEN_DELIVERIES * LOTS_PER_ITEM + 6)
    rows: list[Row] = []
    for round_number in range(LOTS_PER_ITEM):
        for _block in range(_receipt_blocks(items)):
            offset = rng.randrange(DAYS_BETWEEN_DELIVERIES)
            day = start + timedelta(days=round_number * DAYS_BETWEEN_DELIVERIES + offset)
            rows.append(
                {
                    "id": first_id + len(rows),
                    "received_on": day,
                    "source_kind": rng.choice(("donor", "donor", "purchase")),
                    "source": rng.choice(("Food Angel", "Feeding Hong Kong", "Bench purchase")),
                    "note": "",
                    "recorded_by": BENCH_ACTOR,
                    "recorded_at": _at(day, 10, 0),
                }
            )
    return rows


def _item_rows(
    session: Session, first_id: int, items: int, rng: random.Random, now: datetime
) -> list[Row]:
    from distro.domain.core.codes import CodeKind, format_code
    from distro.domain.core.numbering import next_number, reserve_up_to
    from distro.domain.stock.item_lookup import fold_item_name
    from distro.domain.stock.models import ItemCategory, StockUnit

    first_number = next_number(session, CodeKind.ITEM)
    reserve_up_to(session, CodeKind.ITEM, first_number + items - 1)
    categories, units = list(ItemCategory), list(StockUnit)
    rows = []
    for index in range(items):
        name = f"Bench item {first_number + index:04d}"
        rows.append(
            {
                "id": first_id + index,
                "code": format_code(CodeKind.ITEM, first_number + index),
                "name": name,
                "name_key": fold_item_name(name),
                "category": categories[index % len(categories)].value,
                "unit": units[index % len(units)].value,
                "pack_size": "",
                "halal": index % 3 == 0,
                "contains_pork": False,
                "vegetarian": index % 4 == 0,
                "low_stock_threshold": rng.randrange(60),
                "retired_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _item_ledger(
    item_id: int, first_lot: int, deliveries: list[Row], rng: random.Random, today: date
) -> tuple[list[Row], list[Row]]:
    """One item's lots and their movements: the older lots used up, the newest partly."""
    shelf_life = rng.choice((None, rng.randint(120, 720)))
    lots: list[Row] = []
    movements: list[Row] = []
    for number, delivery in enumerate(deliveries):
        lot_id, received_on = first_lot + number, delivery["received_on"]
        received = rng.randint(40, 400)
        on_shelf = number >= LOTS_PER_ITEM - LOTS_ON_SHELF
        taken = rng.randint(9, received // 2) if on_shelf else received
        expiry = received_on + timedelta(days=shelf_life) if shelf_life else None
        if on_shelf and number == LOTS_PER_ITEM - LOTS_ON_SHELF and rng.random() < 0.05:
            expiry = today - timedelta(days=rng.randint(1, 20))  # forgotten on the shelf
        lots.append(
            {
                "id": lot_id,
                "item_id": item_id,
                "receipt_id": delivery["id"],
                "expiry": expiry,
                "received_on": received_on,
                "location": f"Shelf {chr(ord('A') + item_id % 6)}",
                "received_quantity": received,
                "on_hand": received - taken,
            }
        )
        movements.append(
            _movement(lot_id, item_id, "receive", received, _at(received_on, 10, 0))
            | {"reference": f"receipt {delivery['id']}"}
        )
        last_day = today if on_shelf else received_on + timedelta(days=60)
        last_day = min(last_day, today - timedelta(days=1))
        movements += _takes(lot_id, item_id, taken, received_on, last_day, rng)
    return lots, movements


def _takes(
    lot_id: int, item_id: int, units: int, first: date, last: date, rng: random.Random
) -> list[Row]:
    """`units` taken from a lot in nine movements on days after it arrived."""
    cuts = sorted(rng.sample(range(1, units), MOVEMENTS_PER_LOT - 2))
    parts = [high - low for low, high in zip([0, *cuts], [*cuts, units], strict=True)]
    span = max(1, (last - first).days)
    days = sorted(first + timedelta(days=rng.randint(1, span)) for _ in parts)
    rows = []
    for part, day in zip(parts, days, strict=True):
        draw = rng.random()
        kind = "handout" if draw < 0.7 else "issue" if draw < 0.95 else "adjust"
        at = _at(min(day, last), rng.randint(9, 17), rng.randrange(60))
        rows.append(_movement(lot_id, item_id, kind, -part, at))
    return rows


def _movement(lot_id: int, item_id: int, kind: str, quantity: int, at: datetime) -> Row:
    reasons = {"issue": "Partner shelter", "adjust": "damaged"}
    return {
        "lot_id": lot_id,
        "item_id": item_id,
        "kind": kind,
        "quantity": quantity,
        "at": at,
        "actor": BENCH_ACTOR,
        "reason": reasons.get(kind, ""),
        "reference": "",
    }


def _at(day: date, hour: int, minute: int) -> datetime:
    """A time at the counters on `day`, in UTC as the ledger stores times."""
    from distro.domain.core.clock import clock_moment
    from distro.domain.core.zone import DEFAULT_ZONE

    return clock_moment(day, DEFAULT_ZONE, hour, minute)
