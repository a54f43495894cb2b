"""Counters racing for the same stock: processes issuing from one SQLite file at once sell
exactly what is there and get a clear refusal for the rest; and the conditional decrement, not
only the write lock, keeps a counter that planned on a stale look at the shelves honest."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing.synchronize import Barrier
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import make_engine, reading, unit_of_work
from distro.domain.stock.ledger import NotEnoughStock, issue_stock, take_from_lot
from distro.domain.stock.models import Item, MovementKind, StockLot, StockMovement
from distro.domain.stock.take import _set_on_hand, count_variances
from tests.builders.families import ACTOR
from tests.builders.processes import START_TIMEOUT, released_together
from tests.builders.stock import stocked_item

pytestmark = pytest.mark.slow  # see pyproject.toml: `dev.py check --fast` leaves it out

if TYPE_CHECKING:
    from multiprocessing import Queue

SOON = date(2026, 12, 10)
LATER = date(2027, 6, 1)
COUNTERS = 6
ATTEMPTS = 10


@dataclass
class Tally:
    """What one racing counter saw: units of each issue it made, refusals, anything else."""

    issued: list[int] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def race(
    url: str, item_id: int, quantity: int, now: datetime, start: Barrier, tallies: Queue[Tally]
) -> None:
    """One counter in its own process: its own engine on the shared file, then `ATTEMPTS`
    issues as fast as it can once every counter is at the start line."""
    engine = make_engine(url)
    try:
        tallies.put(issue_repeatedly(engine, item_id, quantity, now, start))
    except Exception as failure:  # reported to the test, not lost in a child's stderr
        tallies.put(Tally(failures=[f"{type(failure).__name__}: {failure}"]))
    finally:
        engine.dispose()


def issue_repeatedly(
    engine: Engine, item_id: int, quantity: int, now: datetime, start: Barrier
) -> Tally:
    actor = Actor(name=f"Counter {os.getpid()}", role=Role.COORDINATOR)
    with reading(engine) as session:  # connect before the start, so the race is the issues
        session.get(Item, item_id)
    start.wait(START_TIMEOUT)
    tally = Tally()
    for _attempt in range(ATTEMPTS):
        try:
            with unit_of_work(engine) as session:
                taken = issue_stock(session, item_id, quantity, "shelter", actor=actor, now=now)
        except NotEnoughStock as refusal:
            tally.refusals.append(str(refusal))
        else:
            tally.issued.append(-sum(part.quantity for part in taken))
    return tally


def run_race(engine: Engine, item_id: int, quantity: int, now: datetime) -> list[Tally]:
    """Start `COUNTERS` processes issuing `quantity` at a time, released together; their tallies."""
    url = f"sqlite:///{engine.url.database}"
    return released_together(race, [(url, item_id, quantity, now)] * COUNTERS)


def on_hand(engine: Engine, item_id: int) -> dict[date | None, int]:
    with reading(engine) as session:
        lots = session.exec(select(StockLot).where(StockLot.item_id == item_id)).all()
    return {lot.expiry: lot.on_hand for lot in lots}


def test_counters_issuing_at_once_sell_exactly_the_stock(engine: Engine, now: datetime) -> None:
    item_id = stocked_item(engine, now, "Rice 5 kg", (8, LATER), (10, SOON), (7, None))
    tallies = run_race(engine, item_id, 1, now)
    assert [tally.failures for tally in tallies] == [[]] * COUNTERS
    assert sorted(units for tally in tallies for units in tally.issued) == [1] * 25
    refusals = [message for tally in tallies for message in tally.refusals]
    assert len(refusals) == COUNTERS * ATTEMPTS - 25
    assert all(message.endswith("nothing was taken.") for message in refusals)
    assert on_hand(engine, item_id) == {SOON: 0, LATER: 0, None: 0}
    with reading(engine) as session:
        drawn = session.exec(
            select(col(StockLot.expiry))
            .join(StockMovement, col(StockMovement.lot_id) == col(StockLot.id))
            .where(StockMovement.kind == MovementKind.ISSUE.value)
            .order_by(col(StockMovement.id))
        ).all()
    assert drawn == [SOON] * 10 + [LATER] * 8 + [None] * 7  # first expiry first, even racing
    assert check_database(engine) == []


def test_counters_racing_for_the_last_units_of_a_lot_never_oversell(
    engine: Engine, now: datetime
) -> None:
    item_id = stocked_item(engine, now, "Lentils", (10, LATER))
    tallies = run_race(engine, item_id, 3, now)
    assert [tally.failures for tally in tallies] == [[]] * COUNTERS
    assert sorted(units for tally in tallies for units in tally.issued) == [3, 3, 3]
    refusals = [message for tally in tallies for message in tally.refusals]
    assert len(refusals) == COUNTERS * ATTEMPTS - 3
    assert all(
        message.startswith("Only 1 bag of Lentils can be taken, not 3") for message in refusals
    )
    assert on_hand(engine, item_id) == {LATER: 1}
    assert check_database(engine) == []


@pytest.mark.parametrize("planned", [5, 2])
def test_a_take_planned_on_a_stale_look_at_the_shelves_is_refused(
    engine: Engine, now: datetime, planned: int
) -> None:
    """The counter saw 5, another took 4 and committed; taking `planned` of the 5 it saw must be
    refused by the decrement's own condition, inside a transaction that holds the write lock."""
    item_id = stocked_item(engine, now, "Cooking oil 1 L", (5, LATER))
    with reading(engine) as session:
        lot = session.exec(select(StockLot).where(StockLot.item_id == item_id)).one()
    assert lot.id is not None and lot.on_hand == 5
    with unit_of_work(engine) as session:
        issue_stock(session, item_id, 4, "community kitchen", actor=ACTOR, now=now)
    with pytest.raises(NotEnoughStock, match="Another counter"), unit_of_work(engine) as session:
        take_from_lot(session, lot.id, planned)
    assert on_hand(engine, item_id) == {LATER: 1}
    assert check_database(engine) == []


def test_a_count_posted_against_books_that_moved_meanwhile_is_refused(
    engine: Engine, now: datetime
) -> None:
    """Books said 10 and the shelf had 7; a counter then issued 4. Setting the lot to 7 would
    conjure a unit and record a difference of -3 against books that now say 6."""
    item_id = stocked_item(engine, now, "Soap", (10, LATER))
    with reading(engine) as session:
        lot_id = session.exec(select(StockLot.id).where(StockLot.item_id == item_id)).one()
        assert lot_id is not None
        (variance,) = count_variances(session, {lot_id: 7})
    with unit_of_work(engine) as session:
        issue_stock(session, item_id, 4, "community kitchen", actor=ACTOR, now=now)
    with pytest.raises(NotEnoughStock, match="changed while"), unit_of_work(engine) as session:
        _set_on_hand(session, variance)
    assert on_hand(engine, item_id) == {LATER: 6}
    assert check_database(engine) == []
