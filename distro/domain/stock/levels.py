"""Provides the stock levels of every item and the alerts shown when the app opens (an item's
lots and movements and the expiry list are `stock_lists`').

Each view is a few aggregated queries that the stock indexes answer (never one query per
item), with a limit wherever a list could grow: the levels of 2,000 items over half a million
movements take a few tens of milliseconds. Only lots with stock count, and `IN_STOCK` is
written with a literal 0 so that SQLite can use the partial index on such lots. A lot is
expired from the day after its expiry date: on the date itself it may still be handed out, as
the ledger's first-expiry-first-out does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, literal_column, or_, select
from sqlmodel import Session, col

from distro.domain.core.clock import clock_moment
from distro.domain.core.zone import ngo_zone
from distro.domain.stock.models import (
    Item,
    ItemCategory,
    MovementKind,
    StockLot,
    StockMovement,
    StockUnit,
)

EXPIRY_WARNING_DAYS = 30
"""Stock expiring within this many days (0 = today) is "expiring soon"."""
RATE_DAYS = 28
"""Days of stock are read at the pace of the last four weeks' issues and handouts."""
RATE_KINDS = (MovementKind.ISSUE.value, MovementKind.HANDOUT.value)
"""Movements that show how fast stock goes out; adjustments and write-offs do not."""
IN_STOCK = col(StockLot.on_hand) > literal_column("0")

LotTotals = tuple[int, int, int, date | None]
"""An item's usable, expired and expiring-soon units on the shelf, and its next expiry."""
_NO_LOTS: LotTotals = (0, 0, 0, None)


class LevelSort(StrEnum):
    """Orders of the stock levels; ties are broken by name."""

    NAME = "name"
    ON_HAND = "on-hand"
    """Least usable stock first."""
    DAYS_OF_STOCK = "days-of-stock"
    """Soonest to run out first; items nobody took lately (no rate) last."""
    EXPIRING = "expiring"
    """Items with expired stock still on the shelf first, then by the soonest usable expiry."""
    LOW = "low"
    """Below threshold first, furthest below (as a share of the threshold) first."""


@dataclass(frozen=True)
class ItemLevel:
    """One item's stock as a coordinator reads it. `on_hand` counts usable units only: expired
    units still on the shelf are `expired_on_hand` until they are written off. `below_threshold`
    is `on_hand < threshold`, so a threshold of 0 never warns."""

    item_id: int
    code: str
    name: str
    category: ItemCategory
    unit: StockUnit
    pack_size: str
    retired: bool
    on_hand: int
    expired_on_hand: int
    expiring_soon: int
    next_expiry: date | None
    """The soonest expiry of usable stock."""
    threshold: int
    below_threshold: bool
    daily_rate: float
    """Units issued and handed out per day, lately."""
    days_of_stock: float | None
    """How long `on_hand` lasts at `daily_rate`; None when nothing went out lately."""


@dataclass(frozen=True)
class StockAlerts:
    """What needs a coordinator's attention, counted."""

    items_below_threshold: int
    lots_expiring_soon: int
    lots_expired_on_shelf: int

    def summary(self) -> str:
        """One plain line for the opening screen: "3 items below their low-stock level · ..."."""
        phrases = (
            (self.items_below_threshold, "item below its", "items below their", "low-stock level"),
            (
                self.lots_expiring_soon,
                "lot expires",
                "lots expire",
                f"within {EXPIRY_WARNING_DAYS} days",
            ),
            (self.lots_expired_on_shelf, "expired lot", "expired lots", "still on the shelf"),
        )
        said = [f"{n} {one if n == 1 else many} {rest}" for n, one, many, rest in phrases if n]
        return " · ".join(said) if said else "Stock: nothing low, nothing expiring."


def stock_levels(
    session: Session,
    *,
    today: date,
    category: ItemCategory | None = None,
    sort: LevelSort = LevelSort.NAME,
    include_retired: bool = False,
    rate_days: int = RATE_DAYS,
) -> list[ItemLevel]:
    """Every item's level, items without stock included, in three queries: the items, their
    lots' totals, and what went out over the last `rate_days` days (and today so far)."""
    if rate_days < 1:
        raise ValueError("rate_days must be at least 1")
    items = select(
        col(Item.id),
        col(Item.code),
        col(Item.name),
        col(Item.category),
        col(Item.unit),
        col(Item.pack_size),
        col(Item.low_stock_threshold),
        col(Item.retired_at),
    )
    if category is not None:
        items = items.where(col(Item.category) == category.value)
    if not include_retired:
        items = items.where(col(Item.retired_at).is_(None))
    totals = _totals_by_item(session, today)
    gone = _units_out(session, today - timedelta(days=rate_days), today + timedelta(days=1))
    levels = [
        _level(item, totals.get(item.id, _NO_LOTS), gone.get(item.id, 0) / rate_days)
        for item in session.execute(items)
    ]
    levels.sort(key=lambda level: (level.name.casefold(), level.code))
    if sort is not LevelSort.NAME:
        levels.sort(key=_SORT_KEYS[sort])
    return levels


def _totals_by_item(session: Session, today: date) -> dict[int, LotTotals]:
    """Per item with stock: usable, expired and expiring-soon units, and the next expiry.

    Grouping by `item_id + 0` rather than by the column stops SQLite from walking every lot,
    empty ones included, in the order of the (item_id, expiry) index just to skip a sort: it
    reads the partial index of lots in stock instead, and sorts those few."""
    expiry, on_hand = col(StockLot.expiry), col(StockLot.on_hand)
    usable = or_(expiry.is_(None), expiry >= today)
    soon = expiry.between(today, today + timedelta(days=EXPIRY_WARNING_DAYS))
    item_id = col(StockLot.item_id) + literal_column("0")
    rows = session.execute(
        select(
            item_id,
            func.sum(case((usable, on_hand), else_=0)),
            func.sum(case((expiry < today, on_hand), else_=0)),
            func.sum(case((soon, on_hand), else_=0)),
            func.min(case((expiry >= today, expiry))),
        )
        .where(IN_STOCK)
        .group_by(item_id)
    )
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


def _units_out(session: Session, first_day: date, end_day: date) -> dict[int, int]:
    """Units issued and handed out per item from the start of `first_day` to the start of
    `end_day` at the counters. The covering index on (at, kind, item_id, quantity) answers it
    without reading the ledger; bounding the time on both sides is what makes SQLite see that
    (with one bound it guesses a quarter of the ledger and walks all of it by item instead)."""
    at, zone = col(StockMovement.at), ngo_zone(session)
    rows = session.execute(
        select(col(StockMovement.item_id), func.sum(StockMovement.quantity))
        .where(
            at >= clock_moment(first_day, zone),
            at < clock_moment(end_day, zone),
            col(StockMovement.kind).in_(RATE_KINDS),
        )
        .group_by(col(StockMovement.item_id))
    )
    return {item_id: max(0, -total) for item_id, total in rows}


def _level(item: Sequence[Any], totals: LotTotals, daily_rate: float) -> ItemLevel:
    item_id, code, name, category, unit, pack_size, threshold, retired_at = item
    on_hand, expired, expiring, next_expiry = totals
    return ItemLevel(
        item_id=item_id,
        code=code,
        name=name,
        category=ItemCategory(category),
        unit=StockUnit(unit),
        pack_size=pack_size,
        retired=retired_at is not None,
        on_hand=on_hand,
        expired_on_hand=expired,
        expiring_soon=expiring,
        next_expiry=next_expiry,
        threshold=threshold,
        below_threshold=on_hand < threshold,
        daily_rate=daily_rate,
        days_of_stock=on_hand / daily_rate if daily_rate else None,
    )


_SORT_KEYS: dict[LevelSort, Callable[[ItemLevel], Any]] = {
    LevelSort.ON_HAND: lambda level: level.on_hand,
    LevelSort.DAYS_OF_STOCK: lambda level: (
        level.days_of_stock is None,
        level.days_of_stock or 0.0,
    ),
    LevelSort.EXPIRING: lambda level: (
        level.expired_on_hand == 0,
        level.next_expiry or date.max,
    ),
    LevelSort.LOW: lambda level: level.on_hand / level.threshold if level.threshold else math.inf,
}


def stock_alerts(session: Session, *, today: date) -> StockAlerts:
    """The counts behind the opening screen's stock line, without reading the ledger. Retired
    items are not restocked, so they never count as low; their lots still expire on the shelf."""
    totals = _totals_by_item(session, today)
    thresholds = session.execute(
        select(col(Item.id), col(Item.low_stock_threshold)).where(
            col(Item.retired_at).is_(None), col(Item.low_stock_threshold) > 0
        )
    )
    below = sum(
        1 for item_id, threshold in thresholds if totals.get(item_id, _NO_LOTS)[0] < threshold
    )
    expiry = col(StockLot.expiry)
    soon, expired = session.execute(
        select(func.count(case((expiry >= today, 1))), func.count(case((expiry < today, 1)))).where(
            IN_STOCK, expiry <= today + timedelta(days=EXPIRY_WARNING_DAYS)
        )
    ).one()
    return StockAlerts(below, soon, expired)
