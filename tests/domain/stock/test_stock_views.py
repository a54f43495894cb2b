"""Stock views: levels, lots, movements, the expiry list, alerts and locations, read from rows
written straight into the tables (as the ledger writes them), so that every date, kind and
time of a movement is the test's to choose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlmodel import Session

from distro.domain.core.clock import local_date
from distro.domain.core.db import unit_of_work
from distro.domain.stock.levels import LevelSort, StockAlerts, stock_alerts, stock_levels
from distro.domain.stock.lists import expiring_lots, item_lots, item_movements, locations
from distro.domain.stock.models import (
    ItemCategory,
    MovementKind,
    StockLot,
    StockMovement,
    StockReceipt,
    StockSource,
    StockUnit,
)
from tests.builders.clock import FIXED_NOW, HONG_KONG
from tests.builders.databases import recorded_statements
from tests.builders.stock import add_item

TODAY = local_date(FIXED_NOW, HONG_KONG)


class Shelf:
    """Writes items, lots and movements straight into the tables, keeping each lot's on_hand
    equal to the sum of its movements as the ledger does."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def item(
        self,
        name: str,
        *,
        category: ItemCategory = ItemCategory.FOOD,
        threshold: int = 0,
        retired: bool = False,
    ) -> int:
        item = add_item(self.session, name, FIXED_NOW)
        item.category = category.value
        item.low_stock_threshold = threshold
        item.retired_at = FIXED_NOW if retired else None
        self.session.flush()
        assert item.id is not None
        return item.id

    def lot(
        self,
        item_id: int,
        quantity: int,
        *,
        expiry: date | None = None,
        location: str = "",
        source: str = "Food Angel",
        at: datetime = FIXED_NOW - timedelta(days=60),
    ) -> int:
        receipt = StockReceipt(
            received_on=local_date(at, HONG_KONG),
            source_kind=StockSource.DONOR.value,
            source=source,
            recorded_by="Test",
            recorded_at=at,
        )
        self.session.add(receipt)
        self.session.flush()
        lot = StockLot(
            item_id=item_id,
            receipt_id=receipt.id,
            expiry=expiry,
            received_on=receipt.received_on,
            location=location,
            received_quantity=quantity,
            on_hand=0,
        )
        self.session.add(lot)
        self.session.flush()
        assert lot.id is not None
        self.move(lot.id, quantity, MovementKind.RECEIVE, at=at, reference=f"receipt {receipt.id}")
        return lot.id

    def take(
        self,
        lot_id: int,
        quantity: int,
        kind: MovementKind = MovementKind.HANDOUT,
        *,
        at: datetime = FIXED_NOW,
    ) -> None:
        self.move(lot_id, -quantity, kind, at=at)

    def move(
        self,
        lot_id: int,
        quantity: int,
        kind: MovementKind,
        *,
        at: datetime = FIXED_NOW,
        reason: str = "",
        reference: str = "",
    ) -> None:
        lot = self.session.get(StockLot, lot_id)
        assert lot is not None
        lot.on_hand += quantity
        self.session.add(
            StockMovement(
                lot_id=lot_id,
                item_id=lot.item_id,
                kind=kind.value,
                quantity=quantity,
                at=at,
                actor="Test Coordinator",
                reason=reason,
                reference=reference,
            )
        )
        self.session.flush()


@pytest.fixture
def shelf(engine: Engine) -> Iterator[Shelf]:
    with unit_of_work(engine) as session:
        yield Shelf(session)


def levels_by_name(session: Session, **options: Any) -> dict[str, Any]:
    return {level.name: level for level in stock_levels(session, today=TODAY, **options)}


def hk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=HONG_KONG).astimezone(UTC)


def test_levels_split_usable_expired_and_expiring_stock(shelf: Shelf) -> None:
    rice = shelf.item("Rice 5 kg")
    shelf.lot(rice, 10, expiry=TODAY)  # expires today: still usable, and expiring soon
    shelf.lot(rice, 4, expiry=TODAY - timedelta(days=1))  # expired yesterday
    shelf.lot(rice, 20, expiry=TODAY + timedelta(days=30))  # the last day of "soon"
    shelf.lot(rice, 40, expiry=TODAY + timedelta(days=31))
    shelf.lot(rice, 7)  # no expiry
    gone = shelf.lot(rice, 5, expiry=TODAY - timedelta(days=3))
    shelf.take(gone, 5)  # emptied: counts nowhere

    level = levels_by_name(shelf.session)["Rice 5 kg"]

    assert level.on_hand == 10 + 20 + 40 + 7
    assert level.expired_on_hand == 4
    assert level.expiring_soon == 30
    assert level.next_expiry == TODAY
    assert level.unit is StockUnit.BAG and level.category is ItemCategory.FOOD


def test_items_without_lots_appear_with_nothing_on_hand(shelf: Shelf) -> None:
    shelf.item("Sugar 1 kg", threshold=5)

    level = levels_by_name(shelf.session)["Sugar 1 kg"]

    assert (level.on_hand, level.expired_on_hand, level.expiring_soon) == (0, 0, 0)
    assert level.next_expiry is None
    assert level.below_threshold
    assert level.daily_rate == 0 and level.days_of_stock is None


def test_rate_counts_issues_and_handouts_of_the_last_weeks(shelf: Shelf) -> None:
    oil = shelf.item("Cooking oil 1 L")
    lot = shelf.lot(oil, 500, at=FIXED_NOW - timedelta(days=90))
    window_start = hk_midnight(TODAY - timedelta(days=28))
    shelf.take(lot, 30, MovementKind.HANDOUT, at=window_start)
    shelf.take(lot, 26, MovementKind.ISSUE, at=FIXED_NOW)
    shelf.take(lot, 100, MovementKind.HANDOUT, at=window_start - timedelta(seconds=1))
    shelf.take(lot, 50, MovementKind.ADJUST, at=FIXED_NOW)
    shelf.take(lot, 40, MovementKind.EXPIRE, at=FIXED_NOW)

    level = levels_by_name(shelf.session)["Cooking oil 1 L"]

    assert level.on_hand == 500 - 30 - 26 - 100 - 50 - 40
    assert level.daily_rate == pytest.approx(56 / 28)
    assert level.days_of_stock == pytest.approx(254 / 2)
    week = levels_by_name(shelf.session, rate_days=7)["Cooking oil 1 L"]
    assert week.daily_rate == pytest.approx(26 / 7)


def test_rate_days_must_be_positive(shelf: Shelf) -> None:
    with pytest.raises(ValueError):
        stock_levels(shelf.session, today=TODAY, rate_days=0)


def test_below_threshold_means_fewer_usable_units_than_the_threshold(shelf: Shelf) -> None:
    at_level = shelf.item("Tea", threshold=10)
    shelf.lot(at_level, 10)
    below = shelf.item("Lentils", threshold=10)
    shelf.lot(below, 9)
    expired = shelf.item("Flour", threshold=10)
    shelf.lot(expired, 50, expiry=TODAY - timedelta(days=1))
    shelf.item("Masks")  # threshold 0: never low

    levels = levels_by_name(shelf.session)

    assert {name for name, level in levels.items() if level.below_threshold} == {
        "Lentils",
        "Flour",
    }


def test_each_sort_puts_the_right_item_first(shelf: Shelf) -> None:
    soon = shelf.item("Apples", threshold=10)  # 12 on hand, expiring in 3 days, 1 a day
    lot = shelf.lot(soon, 13, expiry=TODAY + timedelta(days=3))
    shelf.take(lot, 1)
    rare = shelf.item("Beans", threshold=100)  # 50 on hand: half the threshold, nobody takes it
    shelf.lot(rare, 50, expiry=TODAY + timedelta(days=200))
    fast = shelf.item("Corn", threshold=40)  # 30 on hand, 56 out in 28 days: 15 days left
    lot = shelf.lot(fast, 86, expiry=TODAY + timedelta(days=100))
    shelf.take(lot, 56)
    stale = shelf.item("Dates")  # expired stock on the shelf, plenty of usable stock
    shelf.lot(stale, 1, expiry=TODAY - timedelta(days=2))
    shelf.lot(stale, 500)
    empty = shelf.item("Eggs", threshold=5)
    assert empty

    def order(sort: LevelSort) -> list[str]:
        return [level.name for level in stock_levels(shelf.session, today=TODAY, sort=sort)]

    assert order(LevelSort.NAME) == ["Apples", "Beans", "Corn", "Dates", "Eggs"]
    assert order(LevelSort.ON_HAND) == ["Eggs", "Apples", "Corn", "Beans", "Dates"]
    assert order(LevelSort.DAYS_OF_STOCK) == ["Corn", "Apples", "Beans", "Dates", "Eggs"]
    assert order(LevelSort.EXPIRING) == ["Dates", "Apples", "Corn", "Beans", "Eggs"]
    assert order(LevelSort.LOW) == ["Eggs", "Beans", "Corn", "Apples", "Dates"]


def test_names_sort_regardless_of_case(shelf: Shelf) -> None:
    shelf.item("soap")
    shelf.item("Shampoo")

    assert list(levels_by_name(shelf.session)) == ["Shampoo", "soap"]


def test_category_filter_and_retired_items(shelf: Shelf) -> None:
    shelf.item("Rice")
    shelf.item("Diapers size 3", category=ItemCategory.BABY)
    shelf.item("Old formula", category=ItemCategory.BABY, retired=True)

    assert list(levels_by_name(shelf.session, category=ItemCategory.BABY)) == ["Diapers size 3"]
    everything = levels_by_name(shelf.session, include_retired=True)
    assert sorted(everything) == ["Diapers size 3", "Old formula", "Rice"]
    assert everything["Old formula"].retired and not everything["Rice"].retired


def test_item_lots_come_first_expiry_first(shelf: Shelf) -> None:
    rice = shelf.item("Rice")
    no_expiry = shelf.lot(rice, 3, location="Back room", source="")
    later = shelf.lot(rice, 5, expiry=TODAY + timedelta(days=9))
    expired = shelf.lot(rice, 2, expiry=TODAY - timedelta(days=1), location="Shelf A")
    today = shelf.lot(rice, 1, expiry=TODAY)
    emptied = shelf.lot(rice, 4, expiry=TODAY + timedelta(days=2))
    shelf.take(emptied, 4)
    shelf.lot(shelf.item("Other"), 9)

    lots = item_lots(shelf.session, rice, today=TODAY)

    assert [lot.lot_id for lot in lots] == [expired, today, later, no_expiry]
    assert [lot.expired for lot in lots] == [True, False, False, False]
    assert lots[0].location == "Shelf A" and lots[0].source == "donor: Food Angel"
    assert lots[-1].source == "donor" and lots[-1].received_quantity == 3
    with_empty = item_lots(shelf.session, rice, today=TODAY, include_empty=True, limit=4)
    assert [lot.lot_id for lot in with_empty] == [expired, today, emptied, later]
    assert with_empty[2].on_hand == 0


def test_item_movements_newest_first_a_page_at_a_time(shelf: Shelf) -> None:
    tea = shelf.item("Tea")
    lot = shelf.lot(tea, 10, expiry=TODAY + timedelta(days=5), at=FIXED_NOW - timedelta(days=2))
    shelf.take(lot, 3, MovementKind.ISSUE, at=FIXED_NOW - timedelta(days=1))
    shelf.move(lot, -2, MovementKind.ADJUST, reason="damaged: wet")
    shelf.lot(shelf.item("Other"), 9)

    first = item_movements(shelf.session, tea, limit=2)
    rest = item_movements(shelf.session, tea, limit=2, before_id=first[-1].movement_id)

    assert [(m.kind, m.quantity) for m in first + rest] == [
        (MovementKind.ADJUST, -2),
        (MovementKind.ISSUE, -3),
        (MovementKind.RECEIVE, 10),
    ]
    assert first[0].reason == "damaged: wet" and first[0].actor == "Test Coordinator"
    assert first[0].at == FIXED_NOW and first[0].at.tzinfo is not None
    assert rest[0].lot_expiry == TODAY + timedelta(days=5)
    assert rest[0].reference.startswith("receipt ")


def test_expiring_lots_soonest_first_with_days_left(shelf: Shelf) -> None:
    milk = shelf.item("Milk powder")
    shelf.lot(milk, 3, expiry=TODAY + timedelta(days=30), location="Shelf B")
    shelf.lot(milk, 2, expiry=TODAY - timedelta(days=4))
    shelf.lot(milk, 8, expiry=TODAY + timedelta(days=31))
    shelf.lot(milk, 8)
    emptied = shelf.lot(milk, 1, expiry=TODAY)
    shelf.take(emptied, 1)

    lots = expiring_lots(shelf.session, today=TODAY)

    assert [(lot.days_left, lot.on_hand) for lot in lots] == [(-4, 2), (30, 3)]
    assert lots[1].item_name == "Milk powder" and lots[1].location == "Shelf B"
    assert lots[1].unit is StockUnit.BAG
    not_expired = expiring_lots(shelf.session, today=TODAY, include_expired=False)
    assert [lot.days_left for lot in not_expired] == [30]
    assert len(expiring_lots(shelf.session, today=TODAY, within_days=31, limit=2)) == 2


def test_alerts_count_what_needs_attention(shelf: Shelf) -> None:
    low = shelf.item("Rice", threshold=10)
    shelf.lot(low, 5, expiry=TODAY + timedelta(days=10))
    shelf.lot(low, 3, expiry=TODAY - timedelta(days=1))
    shelf.item("Oil", threshold=1)  # nothing at all: low
    retired = shelf.item("Old formula", threshold=10, retired=True)
    shelf.lot(retired, 1, expiry=TODAY)
    plenty = shelf.item("Tea", threshold=2)
    shelf.lot(plenty, 2, expiry=TODAY + timedelta(days=31))

    alerts = stock_alerts(shelf.session, today=TODAY)

    assert alerts == StockAlerts(
        items_below_threshold=2, lots_expiring_soon=2, lots_expired_on_shelf=1
    )
    low_levels = [
        level for level in stock_levels(shelf.session, today=TODAY) if level.below_threshold
    ]
    assert len(low_levels) == alerts.items_below_threshold
    assert alerts.summary() == (
        "2 items below their low-stock level · 2 lots expire within 30 days"
        " · 1 expired lot still on the shelf"
    )


def test_alert_summary_in_plain_words() -> None:
    assert StockAlerts(0, 0, 0).summary() == "Stock: nothing low, nothing expiring."
    assert StockAlerts(1, 1, 0).summary() == (
        "1 item below its low-stock level · 1 lot expires within 30 days"
    )
    assert StockAlerts(0, 0, 3).summary() == "3 expired lots still on the shelf"


def test_locations_with_stock(shelf: Shelf) -> None:
    rice = shelf.item("Rice")
    shelf.lot(rice, 1, location="Shelf B")
    shelf.lot(rice, 1, location="Back room")
    shelf.lot(rice, 1, location="Shelf B")
    shelf.lot(rice, 1)
    emptied = shelf.lot(rice, 1, location="Garage")
    shelf.take(emptied, 1)

    assert locations(shelf.session) == ["Back room", "Shelf B"]


def test_levels_read_the_ledger_through_its_indexes(engine: Engine, shelf: Shelf) -> None:
    """A plan check, not a timing: at most three queries, none walking the whole ledger, and the
    lots read through a partial index of lots in stock, not lot by lot, empty ones too."""
    items = [shelf.item(f"Item {number:02d}", threshold=number) for number in range(40)]
    lots = [
        {"id": 1 + index, "item_id": item, "expiry": TODAY + timedelta(days=day - 100)}
        for index, (item, day) in enumerate((i, d) for i in items for d in range(0, 300, 10))
    ]
    shelf.session.execute(
        insert(StockLot),
        [lot | {"received_on": TODAY, "received_quantity": 30, "on_hand": 20} for lot in lots],
    )
    moves = [
        {
            "lot_id": lot["id"],
            "item_id": lot["item_id"],
            "quantity": quantity,
            "kind": kind,
            "at": at,
        }
        for lot in lots
        for quantity, kind, at in (
            (30, MovementKind.RECEIVE.value, FIXED_NOW - timedelta(days=lot["id"] % 90)),
            (-10, MovementKind.HANDOUT.value, FIXED_NOW - timedelta(days=lot["id"] % 60)),
        )
    ]
    shelf.session.execute(insert(StockMovement), [move | {"actor": "Test"} for move in moves])
    with recorded_statements(engine) as statements:
        levels = stock_levels(shelf.session, today=TODAY, sort=LevelSort.LOW)

    assert len(levels) == 40
    queries = [
        (sql, params)
        for sql, params in statements
        if sql.lstrip().startswith("SELECT") and "FROM app_setting" not in sql  # the NGO's zone
    ]
    assert 1 <= len(queries) <= 3
    plans = [
        detail
        for sql, params in queries
        for *_ids, detail in shelf.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, params
        )
    ]
    assert not [detail for detail in plans if detail.startswith("SCAN stock_movement")]
    assert any("COVERING INDEX ix_stock_movement_at_kind" in detail for detail in plans)
    assert any(re.search(r"stock_lot USING .*INDEX ix_stock_lot_\w*in_stock", d) for d in plans)
