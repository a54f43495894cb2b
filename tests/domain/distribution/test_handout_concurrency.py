"""Counters confirming handouts at once, each in its own process on one SQLite file: the same
family scanned at several counters collects exactly once, and families competing for the last
units of an item never get more than the shelf holds; a counter that lost wrote nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import make_engine, reading, unit_of_work
from distro.domain.core.errors import Conflict
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import HandoutIn, entitled_request
from distro.domain.distribution.handouts import StockChanged, hand_out
from distro.domain.distribution.models import Handout, HandoutLine
from distro.domain.distribution.rounds import get_round
from distro.domain.families.models import Family
from distro.domain.stock.ledger import issue_stock
from distro.domain.stock.models import MovementKind, StockLot, StockMovement
from tests.builders.distribution import stocked_basket
from tests.builders.families import ACTOR, Registrar
from tests.builders.processes import START_TIMEOUT, released_together

pytestmark = pytest.mark.slow  # see pyproject.toml: `dev.py check --fast` leaves it out

if TYPE_CHECKING:
    from multiprocessing import Queue

COUNTERS = 5
NAMES = ("Amina Yusuf", "Grace Mensah", "Chan Tai Man", "Priya Sharma", "Joy Santos")


@dataclass(frozen=True)
class Outcome:
    """What one counter saw: the slip it wrote, or the refusal (its class and words)."""

    code: str = ""
    refusal: str = ""
    message: str = ""
    failure: str = ""


def counter(
    url: str, number: int, request: HandoutIn, now: datetime, start: Barrier, out: Queue[Outcome]
) -> None:
    """One counter in its own process: connect, wait for the others, confirm the handout."""
    engine = make_engine(url)
    actor = Actor(name=f"Counter {number}", role=Role.VOLUNTEER)
    try:
        with reading(engine) as session:  # connect before the start, so the race is the handout
            session.get(Family, request.family_id)
        start.wait(START_TIMEOUT)
        try:
            with unit_of_work(engine) as session:
                done = hand_out(session, request, actor=actor, now=now, counter=str(number))
        except Conflict as refusal:
            out.put(Outcome(refusal=type(refusal).__name__, message=str(refusal)))
        else:
            out.put(Outcome(code=done.code))
    except Exception as failure:  # reported to the test, not lost in a child's stderr
        out.put(Outcome(failure=f"{type(failure).__name__}: {failure}"))
    finally:
        engine.dispose()


def run_counters(engine: Engine, requests: list[HandoutIn], now: datetime) -> list[Outcome]:
    """Start one process per request, released together; their outcomes."""
    url = f"sqlite:///{engine.url.database}"
    numbered = [(url, number, request, now) for number, request in enumerate(requests, start=1)]
    return released_together(counter, numbered)


def request_for(engine: Engine, round_id: int, family: Family, now: datetime) -> HandoutIn:
    """What the counter's screen would confirm, drawn before the race (so possibly stale)."""
    assert family.id is not None
    with reading(engine) as session:
        found = family_entitlement(session, get_round(session, round_id), family.id, now)
    return entitled_request(found)


def rows(engine: Engine) -> dict[str, int]:
    with reading(engine) as session:
        counts = {
            "handout": session.exec(select(func.count()).select_from(Handout)).one(),
            "lines": session.exec(select(func.count()).select_from(HandoutLine)).one(),
            "created": session.exec(
                select(func.count()).where(AuditEvent.action == "handout.create")
            ).one(),
        }
        counts["slip numbers"] = session.execute(
            text("SELECT last_number FROM code_counter WHERE prefix = 'H'")
        ).scalar_one()
    return counts


def handout_references(engine: Engine) -> set[str]:
    with reading(engine) as session:
        return set(
            session.exec(
                select(StockMovement.reference).where(
                    StockMovement.kind == MovementKind.HANDOUT.value
                )
            ).all()
        )


def test_one_family_scanned_at_several_counters_collects_once(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    basket = stocked_basket(engine, now)
    family = register("Amina Yusuf")
    request = request_for(engine, basket.round_id, family, now)
    units = sum(line.quantity for line in request.lines)
    later = now + timedelta(minutes=3)
    outcomes = run_counters(engine, [request] * COUNTERS, later)
    assert [outcome.failure for outcome in outcomes] == [""] * COUNTERS
    [winner] = [outcome.code for outcome in outcomes if outcome.code]
    refusals = [outcome for outcome in outcomes if not outcome.code]
    assert len(refusals) == COUNTERS - 1
    assert all(outcome.refusal == "Conflict" for outcome in refusals)
    assert all(
        winner in outcome.message or "a moment ago" in outcome.message for outcome in refusals
    )
    assert rows(engine) == {
        "handout": 1,
        "lines": len(request.lines),
        "created": 1,
        "slip numbers": 1,
    }
    assert handout_references(engine) == {winner}
    with reading(engine) as session:
        on_hand = session.exec(select(func.sum(StockLot.on_hand))).one()
    assert on_hand == 700 - units
    assert check_database(engine) == []


def test_families_racing_for_the_last_units_never_get_more_than_the_shelf_holds(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    basket = stocked_basket(engine, now)
    with unit_of_work(engine) as session:  # three bottles of oil left for five families
        issue_stock(session, basket.oil, 97, "community kitchen", actor=ACTOR, now=now)
    families = [register(name) for name in NAMES]
    requests = [request_for(engine, basket.round_id, family, now) for family in families]
    assert all(
        any(line.item_id == basket.oil and line.quantity == 1 for line in request.lines)
        for request in requests
    )
    later = now + timedelta(hours=1)
    outcomes = run_counters(engine, requests, later)
    assert [outcome.failure for outcome in outcomes] == [""] * COUNTERS
    winners = {outcome.code for outcome in outcomes if outcome.code}
    losers = [outcome for outcome in outcomes if not outcome.code]
    assert len(winners) == 3
    assert [outcome.refusal for outcome in losers] == [StockChanged.__name__] * 2
    assert all("Cooking oil" in outcome.message for outcome in losers)
    with reading(engine) as session:
        oil = session.exec(
            select(func.sum(StockLot.on_hand)).where(StockLot.item_id == basket.oil)
        ).one()
        served = session.exec(select(Handout.family_id)).all()
        active = session.exec(select(Family.id).where(col(Family.last_active_at) == later)).all()
    assert oil == 0
    assert len(served) == 3
    assert set(active) == set(served)  # a family that lost was not marked as a visit
    assert rows(engine)["handout"] == 3 and rows(engine)["created"] == 3
    assert rows(engine)["slip numbers"] == 3
    assert handout_references(engine) == winners
    assert check_database(engine) == []
