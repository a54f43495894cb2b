"""Provides receiving stock: a delivery or donation of many lines, one lot and one `receive`
movement per line, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import DomainError, InvalidInput, NotFound
from distro.domain.core.inputs import Line
from distro.domain.core.zone import counter_today
from distro.domain.stock.ledger import add_movement
from distro.domain.stock.models import (
    MAX_QUANTITY,
    Item,
    MovementKind,
    StockLot,
    StockReceipt,
    StockSource,
)

EXPIRY_YEARS_AHEAD = 20
"""An expiry further ahead than this is a typing slip in the year."""
Quantity = Annotated[int, Field(gt=0, le=MAX_QUANTITY)]


@dataclass(frozen=True)
class Received:
    """A posted receipt: its lots, and warnings worth showing (an expiry already past)."""

    receipt_id: int
    lot_ids: list[int]
    warnings: list[str]


class ReceiptLineIn(BaseModel):
    """One line of a delivery: an item, how many, and the expiry printed on them."""

    model_config = ConfigDict(extra="forbid")

    item_id: int
    quantity: Quantity
    expiry: date | None = None
    location: Annotated[Line, Field(max_length=40)] = ""


class ReceiptIn(BaseModel):
    """A delivery or donation as typed at the receiving table."""

    model_config = ConfigDict(extra="forbid")

    received_on: date
    source_kind: StockSource
    source: Annotated[Line, Field(max_length=120)] = ""
    note: Annotated[Line, Field(max_length=500)] = ""
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)


@requires(Permission.RECEIVE_STOCK)
def receive_stock(session: Session, receipt: ReceiptIn, *, actor: Actor, now: datetime) -> Received:
    """Post a delivery: one lot and one `receive` movement per line. An expiry already past is
    accepted (the goods are on the shelf) with a warning: the lot counts as expired at once."""
    today = counter_today(session, now)
    if receipt.received_on > today:
        raise InvalidInput({"received_on": "is in the future; type the day it arrived"})
    items = _items(session, {line.item_id for line in receipt.lines})
    warnings: list[str] = []
    for number, line in enumerate(receipt.lines, start=1):
        item = items[line.item_id]
        if item.retired_at is not None:
            raise DomainError(f"{item.name} ({item.code}) is retired; reactivate it first.")
        check_expiry(line.expiry, today, field=f"lines.{number}.expiry")
        if line.expiry is not None and line.expiry < today:
            warning = expiry_warning(line.expiry, today)
            warnings.append(f"{item.name}: {warning[0].lower()}{warning[1:]}")
    stored = StockReceipt(
        received_on=receipt.received_on,
        source_kind=receipt.source_kind.value,
        source=receipt.source,
        note=receipt.note,
        recorded_by=actor.name,
        recorded_at=now,
    )
    session.add(stored)
    session.flush()
    assert stored.id is not None
    reference = f"receipt {stored.id}"
    lots = [
        StockLot(
            item_id=line.item_id,
            receipt_id=stored.id,
            expiry=line.expiry,
            received_on=receipt.received_on,
            location=line.location,
            received_quantity=line.quantity,
            on_hand=line.quantity,
        )
        for line in receipt.lines
    ]
    session.add_all(lots)
    session.flush()
    for lot in lots:
        assert lot.id is not None
        add_movement(
            session, lot.id, lot.item_id, MovementKind.RECEIVE, lot.on_hand, now, actor.name, "",
            reference,
        )  # fmt: skip
    described = [_describe_line(items[line.item_id], line) for line in receipt.lines]
    source = f" from {receipt.source}" if receipt.source else ""
    record_change(
        session,
        actor=actor,
        now=now,
        action="stock.receive",
        entity="stock_receipt",
        entity_id=stored.id,
        family_id=None,
        summary=f"Received ({receipt.source_kind.value}{source}): " + "; ".join(described),
        after={"receipt": stored.id, "lots": [lot.id for lot in lots], "lines": described},
        reason=receipt.note,
    )
    return Received(stored.id, [lot.id for lot in lots if lot.id is not None], warnings)


def expiry_warning(expiry: date | None, today: date) -> str:
    """What a volunteer must know about an expiry as it is typed, before saving: one already
    past makes a lot that is expired at once; one today leaves a day to hand it out. "" if
    neither."""
    if expiry is None or expiry > today:
        return ""
    if expiry == today:
        return "Expires today: hand it out today; from tomorrow the lot counts as expired."
    return (
        f"Expiry {expiry.isoformat()} has passed: the lot is recorded as expired "
        "and will not be handed out."
    )


def check_expiry(expiry: date | None, today: date, *, field: str) -> None:
    """Refuse an expiry whose year cannot be right; a past one is allowed (see receive_stock)."""
    if expiry is None:
        return
    if expiry.year < 2000 or expiry.year > today.year + EXPIRY_YEARS_AHEAD:
        raise InvalidInput({field: f"{expiry.isoformat()} cannot be right; check the year"})


def _items(session: Session, item_ids: Iterable[int]) -> dict[int, Item]:
    wanted = set(item_ids)
    found = {
        item.id: item
        for item in session.exec(select(Item).where(col(Item.id).in_(wanted))).all()
        if item.id is not None
    }
    missing = sorted(wanted - set(found))
    if missing:
        raise NotFound(f"There is no item number {missing[0]}.")
    return found


def _describe_line(item: Item, line: ReceiptLineIn) -> str:
    expiry = f", expires {line.expiry.isoformat()}" if line.expiry else ""
    where = f", at {line.location}" if line.location else ""
    return f"{line.quantity} {item.unit} {item.name}{expiry}{where}"
