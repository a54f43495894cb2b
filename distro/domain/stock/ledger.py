"""Provides the core of the stock ledger: taking stock first expiry first, the conditional
decrement, the movement row and its audit row, and issuing stock (receiving and adjusting,
built on these, are `stock_receiving` and `stock_adjusting`).

Each service writes its movements, keeps the lots' `on_hand` in step, and records one audit
row, all in the caller's transaction: a refusal half-way (not enough stock, a lot another
counter emptied a moment ago) raises, and the caller's rollback leaves nothing half-written.

Taking stock is a conditional `UPDATE ... SET on_hand = on_hand - :n WHERE on_hand >= :n`:
when two counters race for the last unit, the database lets exactly one of them win, on SQLite
(where writers queue anyway) and on PostgreSQL (where the loser's UPDATE re-reads the row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, insert, or_, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import Conflict, InvalidInput, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.core.zone import counter_today
from distro.domain.stock.models import MAX_QUANTITY, Item, MovementKind, StockLot, StockMovement

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
_PUT_BACK = (
    update(_LOTS)
    .where(_LOTS.c.id == bindparam("lot_id"))
    .values(on_hand=_LOTS.c.on_hand + bindparam("added"))
)
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


class LotChoice(Enum):
    """Which lots a first-expiry-first-out take may draw on."""

    USABLE = "usable"
    EXPIRED = "expired"


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
    record_taken(session, "stock.issue", item.id, summary, taken, reason, actor=actor, now=now)
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
    today = counter_today(session, at)
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
        take_from_lot(session, lot_id, part)
        add_movement(session, lot_id, item_id, kind, -part, at, actor_name, reason, reference)
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


def take_from_lot(session: Session, lot_id: int, quantity: int) -> None:
    """The conditional decrement: it changes the lot only if enough is still there."""
    result = session.execute(_TAKE, {"lot_id": lot_id, "taken": quantity})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotEnoughStock(
            "Another counter took some of this stock a moment ago; nothing was taken. "
            "Look at the stock again and retry."
        )


def return_to_lot(session: Session, lot_id: int, quantity: int) -> None:
    """Put `quantity` units back on a lot (found stock, a voided handout's return)."""
    session.execute(_PUT_BACK, {"lot_id": lot_id, "added": quantity})


def add_movement(
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


def _required_reason(reason: str) -> str:
    cleaned = clean_note(reason, field="reason")
    if not cleaned:
        raise InvalidInput({"reason": "is required: say who the stock goes to, or why"})
    return cleaned


def item_ref(session: Session, item_id: int) -> ItemRef:
    """The item the ledger names, or NotFound in plain words."""
    row = session.execute(_ITEM, {"item_id": item_id}).one_or_none()
    if row is None:
        raise NotFound(f"There is no item number {item_id}.")
    return ItemRef(row.id, row.code, row.name, row.unit)


def record_taken(
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
