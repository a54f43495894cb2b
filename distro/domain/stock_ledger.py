"""Provides the movements of the stock ledger: receive, issue, adjust, write off expired.

Each service writes its movements, keeps the lots' `on_hand` in step, and records one audit
row, all in the caller's transaction: a refusal half-way (not enough stock, a lot another
counter emptied a moment ago) raises, and the caller's rollback leaves nothing half-written.

Taking stock is a conditional `UPDATE ... SET on_hand = on_hand - :n WHERE on_hand >= :n`:
when two counters race for the last unit, the database lets exactly one of them win, on SQLite
(where writers queue anyway) and on PostgreSQL (where the loser's UPDATE re-reads the row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, insert, or_, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, col, select

from distro.domain.access import Actor, Permission, requires
from distro.domain.audit import record_change
from distro.domain.clock import local_date
from distro.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from distro.domain.schemas import Line
from distro.domain.stock_models import (
    MAX_QUANTITY,
    AdjustReason,
    Item,
    MovementKind,
    StockLot,
    StockMovement,
    StockReceipt,
    StockSource,
)

EXPIRY_YEARS_AHEAD = 20
"""An expiry further ahead than this is a typing slip in the year."""


_ITEMS: Table = SQLModel.metadata.tables[Item.__tablename__]
_LOTS: Table = SQLModel.metadata.tables[StockLot.__tablename__]
_MOVEMENTS: Table = SQLModel.metadata.tables[StockMovement.__tablename__]
# The issue path's statements, built once: building them anew on every issue cost more than
# SQLite took to run them.
_ITEM = sql_select(_ITEMS.c.id, _ITEMS.c.code, _ITEMS.c.name, _ITEMS.c.unit).where(
    _ITEMS.c.id == bindparam("item_id")
)


def _item_with_lots(lots_wanted: ColumnElement[bool]) -> Select[Any]:
    """One row per lot wanted of item `:item_id`, first expiry first (no expiry last); one
    row with empty lot columns when there is none, and no row when there is no such item."""
    joined = and_(_LOTS.c.item_id == _ITEMS.c.id, _LOTS.c.on_hand > 0, lots_wanted)
    return (
        sql_select(
            _ITEMS.c.code,
            _ITEMS.c.name,
            _ITEMS.c.unit,
            _LOTS.c.id.label("lot_id"),
            _LOTS.c.on_hand,
            _LOTS.c.expiry,
        )
        .select_from(_ITEMS.outerjoin(_LOTS, joined))
        .where(_ITEMS.c.id == bindparam("item_id"))
        .order_by(_LOTS.c.expiry.asc().nulls_last(), _LOTS.c.id)
    )


_WITH_LOTS = {
    # A lot expiring today is still usable.
    "usable": _item_with_lots(or_(_LOTS.c.expiry.is_(None), _LOTS.c.expiry >= bindparam("today"))),
    "expired": _item_with_lots(_LOTS.c.expiry < bindparam("today")),
}
_TAKE = (
    update(_LOTS)
    .where(_LOTS.c.id == bindparam("lot_id"), _LOTS.c.on_hand >= bindparam("taken"))
    .values(on_hand=_LOTS.c.on_hand - bindparam("taken"))
)
"""The conditional decrement: it changes the lot only if enough is still there."""
_INSERT_MOVEMENT = insert(_MOVEMENTS)


class NotEnoughStock(Conflict):
    """Fewer usable units are on the shelves than asked for; nothing was taken."""


@dataclass(frozen=True)
class Taken:
    """Units taken from (or added to, when positive) one lot by one movement."""

    lot_id: int
    item_id: int
    quantity: int
    expiry: date | None


@dataclass(frozen=True)
class ItemRef:
    """What the ledger needs of an item: read as four columns, not as an ORM object, because
    the issue path is timed against a bare insert."""

    id: int
    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class Received:
    """A posted receipt: its lots, and warnings worth showing (an expiry already past)."""

    receipt_id: int
    lot_ids: list[int]
    warnings: list[str]


Quantity = Annotated[int, Field(gt=0, le=MAX_QUANTITY)]


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


class LotChoice(Enum):
    """Which lots a first-expiry-first-out take may draw on."""

    USABLE = "usable"
    EXPIRED = "expired"


@requires(Permission.RECEIVE_STOCK)
def receive_stock(session: Session, receipt: ReceiptIn, *, actor: Actor, now: datetime) -> Received:
    """Post a delivery: one lot and one `receive` movement per line. An expiry already past is
    accepted (the goods are on the shelf) with a warning: the lot counts as expired at once."""
    today = local_date(now)
    if receipt.received_on > today:
        raise InvalidInput({"received_on": "is in the future; type the day it arrived"})
    items = _items(session, {line.item_id for line in receipt.lines})
    warnings: list[str] = []
    for number, line in enumerate(receipt.lines, start=1):
        item = items[line.item_id]
        if item.retired_at is not None:
            raise DomainError(f"{item.name} ({item.code}) is retired; reactivate it first.")
        _check_expiry(line.expiry, today, field=f"lines.{number}.expiry")
        if line.expiry is not None and line.expiry < today:
            warnings.append(
                f"{item.name}: expiry {line.expiry.isoformat()} has passed; "
                "the lot is recorded as expired and will not be issued."
            )
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
        _add_movement(
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


@requires(Permission.ISSUE_STOCK)
def issue_stock(
    session: Session, item_id: int, quantity: int, reason: str, *, actor: Actor, now: datetime
) -> list[Taken]:
    """Issue stock for a purpose other than a family's handout (a partner shelter, a community
    kitchen), first expiry first out; expired lots are never issued."""
    quantity = checked_quantity(quantity)
    reason = _required_reason(reason)
    item, taken = take_first_expiry_first(
        session,
        item_id,
        quantity,
        kind=MovementKind.ISSUE,
        at=now,
        actor_name=actor.name,
        reason=reason,
        reference="",
        choice=LotChoice.USABLE,
    )
    summary = f"Issued {quantity} {item.unit} of {item.name} ({item.code})"
    _record_taken(session, "stock.issue", item.id, summary, taken, reason, actor=actor, now=now)
    return taken


@requires(Permission.ADJUST_STOCK)
def adjust_stock(
    session: Session,
    item_id: int,
    quantity: int,
    reason: AdjustReason,
    note: str = "",
    *,
    lot_id: int | None = None,
    expiry: date | None = None,
    location: str = "",
    actor: Actor,
    now: datetime,
) -> list[Taken]:
    """Correct the shelves by hand, with a reason: damaged, expired and lost stock is taken away
    (from `lot_id`, or first expiry first across the item's lots), found stock is added (to
    `lot_id`, or as a new lot), a correction goes either way and says why in `note`. Without a
    lot, expired stock comes off expired lots and anything else off usable ones, soonest first."""
    reason = AdjustReason(reason)
    note = _clean_note(note, field="note")
    _check_adjustment(quantity, reason, note)
    item = _item(session, item_id)
    today = local_date(now)
    text = f"{reason.value}: {note}" if note else reason.value
    if quantity > 0 and lot_id is None:
        _check_expiry(expiry, today, field="expiry")
        taken = [_new_found_lot(session, item, quantity, expiry, location, now, actor.name, text)]
    elif lot_id is not None:
        taken = [_change_lot(session, item, lot_id, quantity, now, actor.name, text)]
    else:
        choice = LotChoice.EXPIRED if reason is AdjustReason.EXPIRED else LotChoice.USABLE
        _, taken = take_first_expiry_first(
            session,
            item_id,
            -quantity,
            kind=MovementKind.ADJUST,
            at=now,
            actor_name=actor.name,
            reason=text,
            reference="",
            choice=choice,
        )
    summary = f"Adjusted {item.name} ({item.code}) by {quantity:+d} {item.unit}"
    _record_taken(session, "stock.adjust", item.id, summary, taken, text, actor=actor, now=now)
    return taken


@requires(Permission.ADJUST_STOCK)
def write_off_expired(
    session: Session, *, actor: Actor, now: datetime, item_id: int | None = None
) -> list[Taken]:
    """Take every expired lot still on the shelves off the books in one step (one `expire`
    movement per lot, one audit row). Nothing expired: nothing is written."""
    today = local_date(now)
    query = sql_select(
        col(StockLot.id), col(StockLot.item_id), col(StockLot.on_hand), col(StockLot.expiry)
    ).where(col(StockLot.expiry) < today, col(StockLot.on_hand) > 0)
    if item_id is not None:
        query = query.where(col(StockLot.item_id) == item_id)
    expired = session.execute(query.order_by(col(StockLot.expiry), col(StockLot.id))).all()
    taken: list[Taken] = []
    for lot_id, lot_item_id, on_hand, expiry in expired:
        _take_from_lot(session, lot_id, on_hand)
        reason = f"expired on {expiry.isoformat()}" if expiry else "expired"
        _add_movement(
            session, lot_id, lot_item_id, MovementKind.EXPIRE, -on_hand, now, actor.name, reason
        )
        taken.append(Taken(lot_id, lot_item_id, -on_hand, expiry))
    if taken:
        units = -sum(part.quantity for part in taken)
        summary = f"Wrote off {len(taken)} expired lots ({units} units)"
        _record_taken(
            session, "stock.write_off", None, summary, taken, "expired", actor=actor, now=now
        )
    return taken


def take_first_expiry_first(
    session: Session,
    item_id: int,
    quantity: int,
    *,
    kind: MovementKind,
    at: datetime,
    actor_name: str,
    reason: str,
    reference: str,
    choice: LotChoice,
) -> tuple[ItemRef, list[Taken]]:
    """Take `quantity` units of item `item_id`, soonest expiry first (lots without expiry
    last), one movement per lot drawn on; the item is read in the same query as its lots. Only
    for guarded services (issue, adjust, later the handout), which write the audit row; raises
    NotFound or NotEnoughStock, taking nothing."""
    today = local_date(at)
    rows = session.execute(_WITH_LOTS[choice.value], {"item_id": item_id, "today": today}).all()
    if not rows:
        raise NotFound(f"There is no item number {item_id}.")
    item = ItemRef(item_id, rows[0].code, rows[0].name, rows[0].unit)
    lots = [(row.lot_id, row.on_hand, row.expiry) for row in rows if row.lot_id is not None]
    available = sum(on_hand for _id, on_hand, _expiry in lots)
    if available < quantity:
        raise NotEnoughStock(_shortage(session, item, quantity, available, choice, today))
    taken: list[Taken] = []
    remaining = quantity
    for lot_id, on_hand, expiry in lots:
        if remaining == 0:
            break
        part = min(on_hand, remaining)
        _take_from_lot(session, lot_id, part)
        _add_movement(session, lot_id, item_id, kind, -part, at, actor_name, reason, reference)
        taken.append(Taken(lot_id, item_id, -part, expiry))
        remaining -= part
    return item, taken


def checked_quantity(quantity: int, field: str = "quantity") -> int:
    """`quantity` if it is a sensible number of units to move, else InvalidInput in plain words."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidInput({field: "must be a whole number"})
    if quantity <= 0:
        raise InvalidInput({field: "must be more than 0"})
    if quantity > MAX_QUANTITY:
        raise InvalidInput({field: f"is more than {MAX_QUANTITY:,} at once; check for an extra 0"})
    return quantity


def _shortage(
    session: Session, item: ItemRef, wanted: int, available: int, choice: LotChoice, today: date
) -> str:
    kind = "expired " if choice is LotChoice.EXPIRED else ""
    message = f"Only {available} {item.unit} of {kind}{item.name} can be taken, not {wanted}"
    if choice is LotChoice.USABLE:
        expired = session.exec(
            select(func.coalesce(func.sum(StockLot.on_hand), 0)).where(
                StockLot.item_id == item.id, col(StockLot.expiry) < today
            )
        ).one()
        if expired:
            message += f" ({expired} more are expired and cannot be issued)"
    return message + "; nothing was taken."


def _take_from_lot(session: Session, lot_id: int, quantity: int) -> None:
    """The conditional decrement: it changes the lot only if enough is still there."""
    result = session.execute(_TAKE, {"lot_id": lot_id, "taken": quantity})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotEnoughStock(
            "Another counter took some of this stock a moment ago; nothing was taken. "
            "Look at the stock again and retry."
        )


def _change_lot(
    session: Session,
    item: ItemRef,
    lot_id: int,
    quantity: int,
    now: datetime,
    actor: str,
    text: str,
) -> Taken:
    lot = session.get(StockLot, lot_id)
    if lot is None or lot.item_id != item.id:
        raise NotFound(f"Lot {lot_id} is not a lot of {item.name}.")
    if quantity < 0:
        if lot.on_hand < -quantity:
            raise NotEnoughStock(
                f"Lot {lot_id} of {item.name} has only {lot.on_hand} {item.unit}, "
                f"not {-quantity}; nothing was taken."
            )
        _take_from_lot(session, lot_id, -quantity)
    else:
        session.execute(
            update(StockLot)
            .where(col(StockLot.id) == lot_id)
            .values(on_hand=StockLot.on_hand + quantity)
            .execution_options(synchronize_session=False)
        )
    _add_movement(session, lot_id, lot.item_id, MovementKind.ADJUST, quantity, now, actor, text)
    return Taken(lot_id, lot.item_id, quantity, lot.expiry)


def _new_found_lot(
    session: Session,
    item: ItemRef,
    quantity: int,
    expiry: date | None,
    location: str,
    now: datetime,
    actor: str,
    text: str,
) -> Taken:
    location = " ".join(location.split())[:40]
    assert item.id is not None
    lot = StockLot(
        item_id=item.id,
        expiry=expiry,
        received_on=local_date(now),
        location=location,
        received_quantity=quantity,
        on_hand=quantity,
    )
    session.add(lot)
    session.flush()
    assert lot.id is not None
    _add_movement(session, lot.id, item.id, MovementKind.ADJUST, quantity, now, actor, text)
    return Taken(lot.id, item.id, quantity, expiry)


def _add_movement(
    session: Session,
    lot_id: int,
    item_id: int,
    kind: MovementKind,
    quantity: int,
    at: datetime,
    actor: str,
    reason: str,
    reference: str = "",
) -> None:
    """The ledger row; callers have already changed the lot's on_hand by `quantity`."""
    session.execute(
        _INSERT_MOVEMENT,
        {
            "lot_id": lot_id,
            "item_id": item_id,
            "kind": kind.value,
            "quantity": quantity,
            "at": at,
            "actor": actor,
            "reason": reason,
            "reference": reference,
        },
    )


def _check_adjustment(quantity: int, reason: AdjustReason, note: str) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidInput({"quantity": "must be a whole number"})
    if quantity == 0:
        raise InvalidInput({"quantity": "cannot be 0: an adjustment adds or takes away units"})
    if abs(quantity) > MAX_QUANTITY:
        raise InvalidInput(
            {"quantity": f"is more than {MAX_QUANTITY:,} at once; check for an extra 0"}
        )
    if reason is AdjustReason.FOUND and quantity < 0:
        raise InvalidInput({"quantity": "found stock is added: type a positive number"})
    if reason in (AdjustReason.DAMAGED, AdjustReason.EXPIRED, AdjustReason.LOST) and quantity > 0:
        raise InvalidInput(
            {"quantity": f"{reason.value} stock is taken away: type a negative number, like -3"}
        )
    if reason is AdjustReason.CORRECTION and not note:
        raise InvalidInput({"note": "say what was wrong, so the correction can be understood"})


def _check_expiry(expiry: date | None, today: date, *, field: str) -> None:
    if expiry is None:
        return
    if expiry.year < 2000 or expiry.year > today.year + EXPIRY_YEARS_AHEAD:
        raise InvalidInput({field: f"{expiry.isoformat()} cannot be right; check the year"})


def _required_reason(reason: str) -> str:
    cleaned = _clean_note(reason, field="reason")
    if not cleaned:
        raise InvalidInput({"reason": "is required: say who the stock goes to, or why"})
    return cleaned


def _clean_note(text: str, *, field: str) -> str:
    cleaned = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    if len(cleaned) > 250:
        raise InvalidInput({field: "is too long (at most 250 characters)"})
    return cleaned


def _item(session: Session, item_id: int) -> ItemRef:
    row = session.execute(_ITEM, {"item_id": item_id}).one_or_none()
    if row is None:
        raise NotFound(f"There is no item number {item_id}.")
    return ItemRef(row.id, row.code, row.name, row.unit)


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


def _record_taken(
    session: Session,
    action: str,
    item_id: int | None,
    summary: str,
    taken: list[Taken],
    reason: str,
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """The audit row of a change that took from (or added to) lots: which lots, how many."""
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="item" if item_id is not None else "stock_lot",
        entity_id=item_id,
        family_id=None,
        summary=summary,
        after={"lots": [{"lot": part.lot_id, "quantity": part.quantity} for part in taken]},
        reason=reason,
    )
