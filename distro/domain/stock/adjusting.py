"""Provides correcting the shelves by hand: adjustments with a reason, and writing off every
expired lot in one step."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import InvalidInput, NotFound
from distro.domain.core.inputs import clean_note
from distro.domain.core.zone import counter_today
from distro.domain.stock.ledger import (
    ItemRef,
    LotChoice,
    NotEnoughStock,
    Taken,
    add_movement,
    item_ref,
    record_taken,
    return_to_lot,
    take_first_expiry_first,
    take_from_lot,
)
from distro.domain.stock.models import MAX_QUANTITY, AdjustReason, MovementKind, StockLot
from distro.domain.stock.receiving import check_expiry


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
    note = clean_note(note, field="note")
    _check_adjustment(quantity, reason, note)
    item = item_ref(session, item_id)
    today = counter_today(session, now)
    text = f"{reason.value}: {note}" if note else reason.value
    if quantity > 0 and lot_id is None:
        check_expiry(expiry, today, field="expiry")
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
    record_taken(session, "stock.adjust", item.id, summary, taken, text, actor=actor, now=now)
    return taken


@requires(Permission.ADJUST_STOCK)
def write_off_expired(
    session: Session, *, actor: Actor, now: datetime, item_id: int | None = None
) -> list[Taken]:
    """Take every expired lot still on the shelves off the books in one step (one `expire`
    movement per lot, one audit row). Nothing expired: nothing is written."""
    today = counter_today(session, now)
    query = sql_select(
        col(StockLot.id), col(StockLot.item_id), col(StockLot.on_hand), col(StockLot.expiry)
    ).where(col(StockLot.expiry) < today, col(StockLot.on_hand) > 0)
    if item_id is not None:
        query = query.where(col(StockLot.item_id) == item_id)
    expired = session.execute(query.order_by(col(StockLot.expiry), col(StockLot.id))).all()
    taken: list[Taken] = []
    for lot_id, lot_item_id, on_hand, expiry in expired:
        take_from_lot(session, lot_id, on_hand)
        reason = f"expired on {expiry.isoformat()}" if expiry else "expired"
        add_movement(
            session, lot_id, lot_item_id, MovementKind.EXPIRE, -on_hand, now, actor.name, reason
        )
        taken.append(Taken(lot_id, lot_item_id, -on_hand, expiry))
    if taken:
        units = -sum(part.quantity for part in taken)
        summary = f"Wrote off {len(taken)} expired lots ({units} units)"
        record_taken(
            session, "stock.write_off", None, summary, taken, "expired", actor=actor, now=now
        )
    return taken


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
        take_from_lot(session, lot_id, -quantity)
    else:
        return_to_lot(session, lot_id, quantity)
    add_movement(session, lot_id, lot.item_id, MovementKind.ADJUST, quantity, now, actor, text)
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
        received_on=counter_today(session, now),
        location=location,
        received_quantity=quantity,
        on_hand=quantity,
    )
    session.add(lot)
    session.flush()
    assert lot.id is not None
    add_movement(session, lot.id, item.id, MovementKind.ADJUST, quantity, now, actor, text)
    return Taken(lot.id, item.id, quantity, expiry)


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
