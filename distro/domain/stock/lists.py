"""Provides the lists behind an item and the expiry list: its lots first expiry first, its
movements newest first (paged), lots expiring soon, and the shelf locations in use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from distro.domain.stock.levels import EXPIRY_WARNING_DAYS, IN_STOCK
from distro.domain.stock.models import (
    Item,
    MovementKind,
    StockLot,
    StockMovement,
    StockReceipt,
    StockUnit,
)


@dataclass(frozen=True)
class LotView:
    """One lot of an item; `source` is empty for stock that did not arrive by receipt."""

    lot_id: int
    expiry: date | None
    received_on: date
    location: str
    received_quantity: int
    on_hand: int
    receipt_id: int | None
    source: str
    expired: bool


@dataclass(frozen=True)
class MovementView:
    """One ledger row of an item; `quantity` is negative when stock went out."""

    movement_id: int
    lot_id: int
    lot_expiry: date | None
    kind: MovementKind
    quantity: int
    at: datetime
    actor: str
    reason: str
    reference: str


@dataclass(frozen=True)
class ExpiringLot:
    """A lot with stock whose expiry is near or past; `days_left` is negative once expired."""

    lot_id: int
    item_id: int
    item_code: str
    item_name: str
    unit: StockUnit
    expiry: date
    days_left: int
    on_hand: int
    location: str


def item_lots(
    session: Session, item_id: int, *, today: date, include_empty: bool = False, limit: int = 200
) -> list[LotView]:
    """The item's lots, first expiry first (lots without expiry last), as issuing takes them."""
    query = (
        select(StockLot, col(StockReceipt.source_kind), col(StockReceipt.source))
        .outerjoin(StockReceipt, col(StockReceipt.id) == col(StockLot.receipt_id))
        .where(col(StockLot.item_id) == item_id)
        .order_by(col(StockLot.expiry).asc().nulls_last(), col(StockLot.id))
        .limit(limit)
    )
    if not include_empty:
        query = query.where(IN_STOCK)
    return [
        LotView(
            lot_id=lot.id,
            expiry=lot.expiry,
            received_on=lot.received_on,
            location=lot.location,
            received_quantity=lot.received_quantity,
            on_hand=lot.on_hand,
            receipt_id=lot.receipt_id,
            source=": ".join(part for part in (kind, source) if part),
            expired=lot.expiry is not None and lot.expiry < today,
        )
        for lot, kind, source in session.execute(query)
    ]


def item_movements(
    session: Session, item_id: int, *, limit: int = 100, before_id: int | None = None
) -> list[MovementView]:
    """The item's ledger, newest first; page back with `before_id` = the last row's id."""
    query = (
        select(StockMovement, col(StockLot.expiry))
        .join(StockLot, col(StockLot.id) == col(StockMovement.lot_id))
        .where(col(StockMovement.item_id) == item_id)
        .order_by(col(StockMovement.id).desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(col(StockMovement.id) < before_id)
    return [
        MovementView(
            movement_id=movement.id,
            lot_id=movement.lot_id,
            lot_expiry=expiry,
            kind=MovementKind(movement.kind),
            quantity=movement.quantity,
            # SQLite hands times back without their zone; the ledger writes them in UTC.
            at=movement.at if movement.at.tzinfo else movement.at.replace(tzinfo=UTC),
            actor=movement.actor,
            reason=movement.reason,
            reference=movement.reference,
        )
        for movement, expiry in session.execute(query)
    ]


def expiring_lots(
    session: Session,
    *,
    today: date,
    within_days: int = EXPIRY_WARNING_DAYS,
    include_expired: bool = True,
    limit: int = 500,
) -> list[ExpiringLot]:
    """Lots with stock expiring within `within_days` (and, unless told not to, those already
    expired and not yet written off), soonest first."""
    expiry = col(StockLot.expiry)
    query = (
        select(StockLot, col(Item.code), col(Item.name), col(Item.unit))
        .join(Item, col(Item.id) == col(StockLot.item_id))
        .where(IN_STOCK, expiry <= today + timedelta(days=within_days))
        .order_by(expiry, col(StockLot.id))
        .limit(limit)
    )
    if not include_expired:
        query = query.where(expiry >= today)
    return [
        ExpiringLot(
            lot_id=lot.id,
            item_id=lot.item_id,
            item_code=code,
            item_name=name,
            unit=StockUnit(unit),
            expiry=lot.expiry,
            days_left=(lot.expiry - today).days,
            on_hand=lot.on_hand,
            location=lot.location,
        )
        for lot, code, name, unit in session.execute(query)
    ]


def locations(session: Session, *, limit: int = 500) -> list[str]:
    """The storage locations that hold stock, alphabetically, for count sheets and pickers."""
    location = col(StockLot.location)
    query = (
        select(location).where(IN_STOCK, location != "").distinct().order_by(location).limit(limit)
    )
    return list(session.execute(query).scalars())
