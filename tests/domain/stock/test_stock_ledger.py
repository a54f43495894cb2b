"""The stock ledger: receive, issue first expiry first, adjust, write off, count; every unit
accounted for, nothing half-written when a rule says no."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import DomainError, InvalidInput, NotFound
from distro.domain.families.history import family_history
from distro.domain.stock.adjusting import adjust_stock, write_off_expired
from distro.domain.stock.ledger import NotEnoughStock, issue_stock
from distro.domain.stock.models import AdjustReason, StockLot, StockMovement, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from distro.domain.stock.take import count_sheet, count_variances, post_count
from tests.builders.families import ACTOR
from tests.builders.stock import add_item, stocked_item

SOON = date(2026, 12, 10)
LATER = date(2027, 6, 1)
PAST = date(2026, 11, 1)


def lots_of(engine: Engine, item_id: int) -> dict[date | None, int]:
    with reading(engine) as session:
        lots = session.exec(select(StockLot).where(StockLot.item_id == item_id)).all()
        return {lot.expiry: lot.on_hand for lot in lots}


def movement_total(engine: Engine, item_id: int) -> int:
    with reading(engine) as session:
        total = session.exec(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.item_id == item_id
            )
        ).one()
        return int(total)


def test_a_receipt_makes_one_lot_and_one_movement_per_line(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        rice = add_item(session, "Rice 5 kg", now)
        oil = add_item(session, "Cooking oil 1 L", now, unit="bottle")
        assert rice.id and oil.id
        receipt = ReceiptIn(
            received_on=now.date(),
            source_kind=StockSource.DONOR,
            source="Food Angel",
            lines=[
                ReceiptLineIn(item_id=rice.id, quantity=20, expiry=LATER, location="Shelf A"),
                ReceiptLineIn(item_id=oil.id, quantity=12),
            ],
        )
        received = receive_stock(session, receipt, actor=ACTOR, now=now)
    assert received.warnings == []
    assert lots_of(engine, rice.id) == {LATER: 20}
    assert movement_total(engine, oil.id) == 12
    with reading(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "stock.receive")).one()
    assert "Food Angel" in event.summary and "20 bag Rice 5 kg" in event.summary
    assert check_database(engine) == []


def test_an_expiry_already_past_is_received_with_a_warning(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        item = add_item(session, "Milk powder", now)
        assert item.id
        receipt = ReceiptIn(
            received_on=now.date(),
            source_kind=StockSource.PURCHASE,
            lines=[ReceiptLineIn(item_id=item.id, quantity=5, expiry=PAST)],
        )
        received = receive_stock(session, receipt, actor=ACTOR, now=now)
    assert "has passed" in received.warnings[0]
    with unit_of_work(engine) as session, pytest.raises(NotEnoughStock, match="5 more are expired"):
        issue_stock(session, item.id, 1, "shelter", actor=ACTOR, now=now)


@pytest.mark.parametrize("quantity", [0, -3, 100_001])
def test_absurd_receipt_quantities_are_refused(quantity: int) -> None:
    with pytest.raises(ValueError, match="quantity"):
        ReceiptLineIn(item_id=1, quantity=quantity)


def test_a_receipt_in_the_future_or_for_an_unknown_item_writes_nothing(
    engine: Engine, now: datetime
) -> None:
    item_id = stocked_item(engine, now, "Rice 5 kg")
    tomorrow = ReceiptIn(
        received_on=now.date() + timedelta(days=2),
        source_kind=StockSource.DONOR,
        lines=[ReceiptLineIn(item_id=item_id, quantity=3)],
    )
    unknown = ReceiptIn(
        received_on=now.date(),
        source_kind=StockSource.DONOR,
        lines=[ReceiptLineIn(item_id=item_id, quantity=3), ReceiptLineIn(item_id=999, quantity=1)],
    )
    with unit_of_work(engine) as session, pytest.raises(InvalidInput, match="future"):
        receive_stock(session, tomorrow, actor=ACTOR, now=now)
    with pytest.raises(NotFound, match="no item number 999"), unit_of_work(engine) as session:
        receive_stock(session, unknown, actor=ACTOR, now=now)
    assert lots_of(engine, item_id) == {}


def test_issue_takes_the_soonest_expiry_first_and_skips_expired_lots(
    engine: Engine, now: datetime
) -> None:
    item_id = stocked_item(engine, now, "Lentils", (10, LATER), (4, SOON), (3, None), (6, PAST))
    with unit_of_work(engine) as session:
        taken = issue_stock(session, item_id, 7, "Christian Action shelter", actor=ACTOR, now=now)
    assert [(part.expiry, part.quantity) for part in taken] == [(SOON, -4), (LATER, -3)]
    assert lots_of(engine, item_id) == {SOON: 0, LATER: 7, None: 3, PAST: 6}
    with unit_of_work(engine) as session:
        issue_stock(session, item_id, 10, "kitchen", actor=ACTOR, now=now)
    assert lots_of(engine, item_id) == {SOON: 0, LATER: 0, None: 0, PAST: 6}
    assert check_database(engine) == []


def test_a_lot_expiring_today_is_still_issued(engine: Engine, now: datetime) -> None:
    today = now.date()
    item_id = stocked_item(engine, now, "Bread", (2, today))
    with unit_of_work(engine) as session:
        issue_stock(session, item_id, 2, "kitchen", actor=ACTOR, now=now)
    assert lots_of(engine, item_id) == {today: 0}


def test_issuing_more_than_there_is_takes_nothing(engine: Engine, now: datetime) -> None:
    item_id = stocked_item(engine, now, "Sugar", (3, SOON), (2, LATER))
    with pytest.raises(NotEnoughStock, match="Only 5 bag of Sugar can be taken, not 6"):
        with unit_of_work(engine) as session:
            issue_stock(session, item_id, 6, "shelter", actor=ACTOR, now=now)
    assert lots_of(engine, item_id) == {SOON: 3, LATER: 2}
    assert movement_total(engine, item_id) == 5


@pytest.mark.parametrize(("quantity", "reason"), [(0, "x"), (-1, "x"), (5, "  ")])
def test_issue_refuses_bad_input_in_plain_words(
    engine: Engine, now: datetime, quantity: int, reason: str
) -> None:
    item_id = stocked_item(engine, now, "Tea", (5, LATER))
    with unit_of_work(engine) as session, pytest.raises(InvalidInput):
        issue_stock(session, item_id, quantity, reason, actor=ACTOR, now=now)


def test_adjustments_follow_their_reasons(engine: Engine, now: datetime) -> None:
    item_id = stocked_item(engine, now, "Soap", (10, LATER), (5, PAST))
    with unit_of_work(engine) as session:
        adjust_stock(session, item_id, -2, AdjustReason.DAMAGED, "crushed", actor=ACTOR, now=now)
        adjust_stock(session, item_id, -5, AdjustReason.EXPIRED, actor=ACTOR, now=now)
        adjust_stock(session, item_id, 4, AdjustReason.FOUND, "back room", actor=ACTOR, now=now)
    lots = lots_of(engine, item_id)
    assert lots[PAST] == 0 and lots[LATER] == 8 and lots[None] == 4
    assert movement_total(engine, item_id) == 12
    assert check_database(engine) == []


@pytest.mark.parametrize(
    ("quantity", "reason", "note", "message"),
    [
        (3, AdjustReason.DAMAGED, "", "negative number"),
        (-3, AdjustReason.FOUND, "", "positive number"),
        (0, AdjustReason.CORRECTION, "typo", "cannot be 0"),
        (2, AdjustReason.CORRECTION, "", "say what was wrong"),
    ],
)
def test_adjustments_against_their_reason_are_refused(
    engine: Engine, now: datetime, quantity: int, reason: AdjustReason, note: str, message: str
) -> None:
    item_id = stocked_item(engine, now, "Soap", (10, LATER))
    with unit_of_work(engine) as session, pytest.raises(InvalidInput, match=message):
        adjust_stock(session, item_id, quantity, reason, note, actor=ACTOR, now=now)


def test_an_adjustment_of_one_lot_cannot_take_more_than_it_holds(
    engine: Engine, now: datetime
) -> None:
    item_id = stocked_item(engine, now, "Flour", (3, LATER), (9, None))
    with reading(engine) as session:
        lot_id = session.exec(select(StockLot.id).where(StockLot.expiry == LATER)).one()
    with unit_of_work(engine) as session, pytest.raises(NotEnoughStock, match="only 3"):
        adjust_stock(session, item_id, -4, AdjustReason.LOST, lot_id=lot_id, actor=ACTOR, now=now)
    assert lots_of(engine, item_id) == {LATER: 3, None: 9}


def test_write_off_takes_every_expired_lot_in_one_step(engine: Engine, now: datetime) -> None:
    item_id = stocked_item(engine, now, "Yoghurt", (4, PAST), (2, PAST - timedelta(days=3)))
    other = stocked_item(engine, now, "Juice", (6, LATER))
    with unit_of_work(engine) as session:
        taken = write_off_expired(session, actor=ACTOR, now=now)
    assert sorted(part.quantity for part in taken) == [-4, -2]
    assert lots_of(engine, item_id) == {PAST: 0, PAST - timedelta(days=3): 0}
    assert lots_of(engine, other) == {LATER: 6}
    with unit_of_work(engine) as session:
        assert write_off_expired(session, actor=ACTOR, now=now) == []
    with reading(engine) as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("stock.write_off") == 1


def test_a_stock_take_posts_differences_against_the_books(engine: Engine, now: datetime) -> None:
    item_id = stocked_item(engine, now, "Noodles", (10, LATER), (5, SOON))
    with reading(engine) as session:
        sheet = {line.expiry: line for line in count_sheet(session)}
    counted = {sheet[LATER].lot_id: 8, sheet[SOON].lot_id: 5}
    with reading(engine) as session:
        differences = {v.line.expiry: v.difference for v in count_variances(session, counted)}
    assert differences == {LATER: -2, SOON: 0}
    with unit_of_work(engine) as session:
        stock_count = post_count(session, counted, "Shelf A", actor=ACTOR, now=now)
    assert (stock_count.lots_counted, stock_count.net_difference) == (2, -2)
    assert lots_of(engine, item_id) == {LATER: 8, SOON: 5}
    assert check_database(engine) == []


@pytest.mark.parametrize("counts", [{}, {1: -1}, {999: 3}])
def test_a_stock_take_refuses_bad_counts(
    engine: Engine, now: datetime, counts: dict[int, int]
) -> None:
    stocked_item(engine, now, "Noodles", (10, LATER))
    with unit_of_work(engine) as session, pytest.raises(DomainError):
        post_count(session, counts, "Shelf A", actor=ACTOR, now=now)


def test_the_database_refuses_negative_stock_and_changes_to_movements(
    engine: Engine, now: datetime
) -> None:
    stocked_item(engine, now, "Oil", (2, LATER))
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        session.execute(text("UPDATE stock_lot SET on_hand = -1"))
    for statement in ("UPDATE stock_movement SET quantity = 99", "DELETE FROM stock_movement"):
        with pytest.raises(IntegrityError, match="never changed"), unit_of_work(engine) as session:
            session.execute(text(statement))


def test_db_check_notices_books_that_do_not_add_up(engine: Engine, now: datetime) -> None:
    stocked_item(engine, now, "Oil", (2, LATER))
    with unit_of_work(engine) as session:
        session.execute(text("UPDATE stock_lot SET on_hand = 5"))
    assert check_database(engine) == ["stock lot 1 shows 5 on hand but its movements add up to 2"]


def test_stock_changes_are_not_in_any_family_history(engine: Engine, now: datetime) -> None:
    stocked_item(engine, now, "Oil", (2, LATER))
    with reading(engine) as session:
        assert family_history(session, 1) == []
        assert session.exec(select(col(AuditEvent.family_id))).all() == [None]
