"""Property tests of the stock ledger: over random sequences of receive, issue, adjust, count and
write-off, with the clock moving between steps, every step does what a naive model of the rules
says or is refused and changes nothing, and after every step every unit is accounted for."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Row, text
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.core.clock import local_date
from distro.domain.core.db import make_engine, migrate, reading, unit_of_work
from distro.domain.core.errors import DomainError
from distro.domain.stock.models import AdjustReason, MovementKind, StockLot, StockMovement
from tests.builders.clock import FIXED_NOW, HONG_KONG
from tests.builders.databases import fresh_copy
from tests.builders.families import ACTOR
from tests.builders.stock import add_item
from tests.domain.stock.stock_steps import (
    TAKE_ONLY,
    Adjust,
    Books,
    Changed,
    Count,
    Issue,
    Lot,
    Receive,
    Refused,
    Step,
    TakenRow,
    WriteOff,
)

Template = tuple[Path, tuple[int, ...]]
Snapshot = dict[str, list[Row[object]]]

SNAPSHOT_TABLES = (
    "stock_lot",
    "stock_movement",
    "stock_receipt",
    "stock_count",
    "audit_event",
    "audit_chain_head",
)
"""Everything a stock service may write: a refused step must leave all of it as it was."""


item_indexes = st.integers(0, 1)
lot_units = st.integers(1, 12)
expiry_days = st.none() | st.sampled_from([-3, -1, 0, 1, 2, 10]) | st.integers(-20, 60)


@st.composite
def adjustments(draw: st.DrawFn) -> Adjust:
    """Adjustments whose sign mostly fits their reason (else nearly all would be refused), and
    now and then one that does not, or of zero units."""
    reason = draw(st.sampled_from(AdjustReason))
    fitting = -1 if reason in TAKE_ONLY else 1 if reason is AdjustReason.FOUND else 0
    sign = fitting or draw(st.sampled_from([-1, 1]))
    if draw(st.sampled_from([False, False, False, False, True])):
        sign = -sign
    return Adjust(
        item=draw(item_indexes),
        quantity=sign * draw(st.integers(0, 12)),
        reason=reason,
        note=draw(st.sampled_from(["", "miscounted", "miscounted", "  "])),
        lot=draw(st.none() | st.integers(0, 20)),
        expiry=draw(expiry_days),
    )


receipt_lines = st.lists(
    st.tuples(item_indexes, lot_units, expiry_days), min_size=1, max_size=3
).map(tuple)
opening_receipt = st.builds(Receive, lines=receipt_lines, days_ago=st.just(0))
"""Every sequence starts with stock on the shelves, so the steps after it have work to do."""
steps: st.SearchStrategy[Step] = st.one_of(
    st.builds(Receive, lines=receipt_lines, days_ago=st.sampled_from([0, 0, 0, 2, -1])),
    st.builds(
        Issue,
        item=item_indexes,
        quantity=st.integers(-1, 8),
        reason=st.sampled_from(["Christian Action shelter", "kitchen", "ISS", "  "]),
    ),
    adjustments(),
    st.builds(
        Count,
        counts=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 15)), max_size=4).map(tuple),
    ),
    st.builds(WriteOff, item=st.none() | item_indexes),
)
hours_between_steps = st.sampled_from([0, 0, 0, 0, 6, 15, 24, 24 * 9])
"""How far the clock moves before a step: mostly not at all, sometimes past a local midnight
(15 hours takes 17:30 at the counter to the next morning) or by days, so lots expire mid-run."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A migrated database holding two items and no stock, copied for each example (the
    movement table is append-only, and migrating per example would dominate the run)."""
    path = tmp_path_factory.mktemp("stock-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with unit_of_work(engine) as session:
        items = [add_item(session, name, FIXED_NOW) for name in ("Rice 5 kg", "Lentils")]
    engine.dispose()
    return path, tuple(item.id for item in items if item.id is not None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    opening=opening_receipt,
    sequence=st.lists(st.tuples(hours_between_steps, steps), min_size=8, max_size=25),
)
def test_every_step_keeps_the_books_true(
    template: Template,
    tmp_path_factory: pytest.TempPathFactory,
    opening: Receive,
    sequence: list[tuple[int, Step]],
) -> None:
    path, items = template
    engine = fresh_copy(path, tmp_path_factory.mktemp("stock-example"))
    try:
        books = Books(items)
        now = FIXED_NOW
        for hours, step in [(0, opening), *sequence]:
            now += timedelta(hours=hours)
            take_step(engine, books, step, now)
            check_books(engine, books)
    finally:
        engine.dispose()


def take_step(engine: Engine, books: Books, step: Step, now: datetime) -> None:
    """Run `step` in its own unit of work, check it did exactly what the model expected, and
    bring the model up to date."""
    today = local_date(now, HONG_KONG)
    expected = step.expect(books, today)
    before = snapshot(engine)
    try:
        with unit_of_work(engine) as session:
            returned = step.run(session, books, now)
    except DomainError as refusal:
        event(f"{type(step).__name__}: {type(refusal).__name__}")
        assert expected == Refused(type(refusal)), f"{step} was refused: {refusal}"
        assert snapshot(engine) == before, f"{step} was refused but changed something"
        return
    event(f"{type(step).__name__}: done")
    assert isinstance(expected, Changed), f"{step} should have been refused: {expected}"
    assert returned == expected.returned
    if isinstance(step, Issue):
        taken = cast(tuple[TakenRow, ...], returned)
        assert all(expiry is None or expiry >= today for _lot, _units, expiry in taken)
    after = snapshot(engine)
    audit_rows = len(after["audit_event"]) - len(before["audit_event"])
    assert audit_rows == (1 if expected.audited else 0)
    check_new_movements(engine, len(before["stock_movement"]), expected.kind)
    lots = lots_in(engine)
    created = sorted(set(lots) - set(expected.lots))
    assert [astuple(lots[lot_id]) for lot_id in created] == list(expected.new_lots)
    books.lots = {**expected.lots, **{lot_id: lots[lot_id] for lot_id in created}}
    if expected.kind is MovementKind.RECEIVE:
        books.received += sum(units for _item, _expiry, units in expected.new_lots)


def check_new_movements(engine: Engine, known: int, kind: MovementKind) -> None:
    """The movements a step wrote are all of its kind and name who made them."""
    with reading(engine) as session:
        new = session.exec(select(StockMovement).where(col(StockMovement.id) > known)).all()
    assert {(movement.kind, movement.actor) for movement in new} <= {(kind.value, ACTOR.name)}


def check_books(engine: Engine, books: Books) -> None:
    """The invariants: the lots are what the model says, none is negative, each equals the sum
    of its movements, receipts plus every other movement make what is on hand, and
    `distro db check` finds nothing wrong."""
    lots = lots_in(engine)
    assert lots == books.lots
    assert all(lot.on_hand >= 0 for lot in lots.values())
    with reading(engine) as session:
        movements = session.exec(
            select(StockMovement.lot_id, StockMovement.kind, StockMovement.quantity)
        ).all()
    per_lot: Counter[int] = Counter()
    for lot_id, _kind, quantity in movements:
        per_lot[lot_id] += quantity
    assert {lot_id: per_lot[lot_id] for lot_id in lots} == {
        lot_id: lot.on_hand for lot_id, lot in lots.items()
    }
    received = sum(q for _lot, kind, q in movements if kind == MovementKind.RECEIVE)
    others = sum(q for _lot, kind, q in movements if kind != MovementKind.RECEIVE)
    assert received == books.received
    assert received + others == sum(lot.on_hand for lot in lots.values())
    assert check_database(engine) == []


def lots_in(engine: Engine) -> dict[int, Lot]:
    with reading(engine) as session:
        rows = session.exec(select(StockLot)).all()
    return {row.id: Lot(row.item_id, row.expiry, row.on_hand) for row in rows if row.id}


def astuple(lot: Lot) -> tuple[int, object, int]:
    return lot.item_id, lot.expiry, lot.on_hand


def snapshot(engine: Engine) -> Snapshot:
    with engine.connect() as connection:
        return {
            table: list(connection.execute(text(f"SELECT * FROM {table} ORDER BY rowid")))
            for table in SNAPSHOT_TABLES
        }
