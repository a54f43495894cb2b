"""Provides the stock take: a count sheet per location or category, the variance against the
books, and posting the differences as `count` movements.

The coordinator counts what is on the shelf; posting sets each counted lot's `on_hand` to the
count and records the difference as a movement, so the ledger still adds up. The difference is
taken against the books at the moment of posting (inside the posting transaction), so a handout
made between printing the sheet and posting it is not counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import InvalidInput, NotFound
from distro.domain.stock.ledger import NotEnoughStock
from distro.domain.stock.models import (
    MAX_QUANTITY,
    Item,
    ItemCategory,
    MovementKind,
    StockCount,
    StockLot,
    StockMovement,
)

SHEET_LIMIT = 2000
"""More lines than anyone counts in one go; a bigger store counts one location at a time."""


@dataclass(frozen=True)
class CountLine:
    """One lot on the count sheet, with what the books say is there."""

    lot_id: int
    item_id: int
    item_code: str
    item_name: str
    unit: str
    expiry: date | None
    location: str
    on_hand: int


@dataclass(frozen=True)
class Variance:
    """A counted lot: the books, the count, and the difference posting would record."""

    line: CountLine
    counted: int

    @property
    def difference(self) -> int:
        """Units found (positive) or missing (negative) against the books."""
        return self.counted - self.line.on_hand


def count_sheet(
    session: Session, *, location: str | None = None, category: ItemCategory | None = None
) -> list[CountLine]:
    """The lots with stock in one location or category (or everywhere), shelf order: by
    location, then item name, then soonest expiry."""
    query = (
        select(StockLot, Item)
        .join(Item, col(Item.id) == col(StockLot.item_id))
        .where(col(StockLot.on_hand) > 0)
    )
    if location is not None:
        query = query.where(col(StockLot.location) == location)
    if category is not None:
        query = query.where(col(Item.category) == category.value)
    query = query.order_by(
        col(StockLot.location),
        col(Item.name),
        col(StockLot.expiry).asc().nulls_last(),
        col(StockLot.id),
    ).limit(SHEET_LIMIT)
    return [_line(lot, item) for lot, item in session.exec(query).all()]


def count_variances(session: Session, counted: Mapping[int, int]) -> list[Variance]:
    """What posting `counted` (lot id -> units counted) would record, lot by lot, against the
    books as they are now."""
    _check_counts(counted)
    rows = session.exec(
        select(StockLot, Item)
        .join(Item, col(Item.id) == col(StockLot.item_id))
        .where(col(StockLot.id).in_(list(counted)))
        .order_by(col(StockLot.location), col(Item.name), col(StockLot.id))
    ).all()
    missing = set(counted) - {lot.id for lot, _item in rows}
    if missing:
        raise NotFound(f"There is no stock lot number {min(missing)}.")
    return [Variance(_line(lot, item), counted[lot.id]) for lot, item in rows if lot.id]


@requires(Permission.ADJUST_STOCK)
def post_count(
    session: Session, counted: Mapping[int, int], scope: str, *, actor: Actor, now: datetime
) -> StockCount:
    """Post a stock take: every counted lot's books become the count, each difference a `count`
    movement, and one audit row says what was counted and how far off the books were."""
    scope = " ".join(scope.split())[:80] or "everything"
    variances = count_variances(session, counted)
    differing = [variance for variance in variances if variance.difference]
    stock_count = StockCount(
        scope=scope,
        counted_at=now,
        counted_by=actor.name,
        lots_counted=len(variances),
        net_difference=sum(variance.difference for variance in differing),
    )
    session.add(stock_count)
    session.flush()
    for variance in differing:
        _set_on_hand(session, variance)
        session.add(
            StockMovement(
                lot_id=variance.line.lot_id,
                item_id=variance.line.item_id,
                kind=MovementKind.COUNT.value,
                quantity=variance.difference,
                at=now,
                actor=actor.name,
                reason=f"stock take of {scope}",
                reference=f"count {stock_count.id}",
            )
        )
    record_change(
        session,
        actor=actor,
        now=now,
        action="stock.count",
        entity="stock_count",
        entity_id=stock_count.id,
        family_id=None,
        summary=f"Stock take of {scope}: {len(variances)} lots counted, {len(differing)} "
        f"differed from the books, net {stock_count.net_difference:+d} units",
        after={
            "lots": [
                {"lot": v.line.lot_id, "books": v.line.on_hand, "counted": v.counted}
                for v in differing
            ]
        },
    )
    return stock_count


def _set_on_hand(session: Session, variance: Variance) -> None:
    """Set the lot to the count only if the books still say what the variance was taken
    against; a counter that moved stock meanwhile makes the take refuse instead of guess."""
    result = session.execute(
        update(StockLot)
        .where(
            col(StockLot.id) == variance.line.lot_id,
            col(StockLot.on_hand) == variance.line.on_hand,
        )
        .values(on_hand=variance.counted)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotEnoughStock(
            f"Lot {variance.line.lot_id} changed while the count was posted; nothing was "
            "posted. Show the variance again and confirm."
        )


def _check_counts(counted: Mapping[int, int]) -> None:
    if not counted:
        raise InvalidInput({"counts": "type at least one counted quantity"})
    for lot_id, units in counted.items():
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidInput({f"lot {lot_id}": "must be a whole number"})
        if not 0 <= units <= MAX_QUANTITY:
            raise InvalidInput(
                {f"lot {lot_id}": f"must be between 0 and {MAX_QUANTITY:,} (what is on the shelf)"}
            )


def _line(lot: StockLot, item: Item) -> CountLine:
    assert lot.id is not None and item.id is not None
    return CountLine(
        lot_id=lot.id,
        item_id=item.id,
        item_code=item.code,
        item_name=item.name,
        unit=item.unit,
        expiry=lot.expiry,
        location=lot.location,
        on_hand=lot.on_hand,
    )
