"""The app killed right after confirm: a counter process is killed (SIGKILL, no clean-up) with
its handout written but not committed, or committed but its slip not printed. The handout is
then wholly absent or wholly there, the ledger balances, and a committed slip can be printed."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import make_engine, reading, unit_of_work
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import HandoutIn, entitled_request
from distro.domain.distribution.handouts import hand_out
from distro.domain.distribution.models import Handout, HandoutLine
from distro.domain.distribution.rounds import get_round
from distro.domain.distribution.slips import slip_view
from distro.domain.stock.models import StockLot, StockMovement
from distro.printing.slip import SlipLayout
from distro.printing.slip_pdf import slip_pdf
from tests.builders.distribution import stocked_basket
from tests.builders.families import Registrar
from tests.printing.pdf_reading import decoded

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.slow,
]

TIMEOUT = 120.0


def confirm_then_hang(
    url: str, request: HandoutIn, now: datetime, commit: bool, ready: Event
) -> None:
    """A counter confirming a handout, stopped dead before (or after) its commit."""
    engine = make_engine(url)
    actor = Actor(name="Counter 1", role=Role.VOLUNTEER)
    if commit:
        with unit_of_work(engine) as session:
            hand_out(session, request, actor=actor, now=now, counter="1")
        ready.set()  # committed; the slip would print now
    else:
        with unit_of_work(engine) as session:
            hand_out(session, request, actor=actor, now=now, counter="1")
            ready.set()  # every row written, the commit not yet reached
            while True:
                os.sched_yield()


def killed_counter(engine: Engine, request: HandoutIn, now: datetime, commit: bool) -> None:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    url = f"sqlite:///{engine.url.database}"
    process = context.Process(target=confirm_then_hang, args=(url, request, now, commit, ready))
    process.start()
    try:
        assert ready.wait(TIMEOUT), "the counter never reached the moment to kill it"
    finally:
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(TIMEOUT)


def counts(engine: Engine) -> tuple[int, ...]:
    with reading(engine) as session:
        return tuple(
            int(session.exec(select(func.count()).select_from(table)).one())
            for table in (Handout, HandoutLine, StockMovement, AuditEvent)
        ) + (int(session.exec(select(func.sum(StockLot.on_hand))).one()),)


def request_for(engine: Engine, round_id: int, family_id: int, now: datetime) -> HandoutIn:
    with reading(engine) as session:
        entitlement = family_entitlement(session, get_round(session, round_id), family_id, now)
    return entitled_request(entitlement)


def test_killed_before_the_commit_leaves_nothing(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    basket = stocked_basket(engine, now)
    family = register("Amina Yusuf")
    assert family.id is not None
    request = request_for(engine, basket.round_id, family.id, now)
    before = counts(engine)
    killed_counter(engine, request, now, commit=False)
    assert counts(engine) == before
    assert check_database(engine) == []
    with unit_of_work(engine) as session:  # the family may still collect: nothing is stuck
        again = hand_out(session, request, actor=Actor("Kit", Role.VOLUNTEER), now=now, counter="2")
    assert again.units == sum(line.quantity for line in request.lines)


def test_killed_after_the_commit_keeps_the_whole_handout_and_its_slip_prints(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    basket = stocked_basket(engine, now)
    family = register("Amina Yusuf")
    assert family.id is not None
    request = request_for(engine, basket.round_id, family.id, now)
    killed_counter(engine, request, now, commit=True)
    assert check_database(engine) == []
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
        assert handout.id is not None and handout.printed_count == 0
        lines = session.exec(select(HandoutLine)).all()
        view = slip_view(session, handout.id, "distro")
    assert sum(line.quantity for line in lines) == sum(line.quantity for line in request.lines)
    assert not view.reprint
    assert decoded(slip_pdf(view, SlipLayout.RECEIPT)) == [handout.code]
