"""Shared steps of the counter's Pilot tests: a household with a baby, the counter opened,
a scan, and what the database holds afterwards."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static

from distro.domain.core.db import reading
from distro.domain.distribution.models import Handout
from distro.domain.stock.models import StockLot
from distro.tui.app import DistroApp
from distro.tui.counter.screen import CounterScreen
from tests.builders.cli import CLI_PIN
from tests.tui.helpers import add_family_with, settle, sign_in


def mother_and_baby(engine: Engine, now: datetime, **fields: object) -> str:
    """A mother and her baby of five months, consent on file; returns the card code."""
    family = add_family_with(
        engine,
        now,
        [
            {"full_name": "Amina Yusuf", "sex": "female", "birth_date": "1990-03-01"},
            {"full_name": "Baby Yusuf", "sex": "male", "birth_date": "2026-06-01"},
        ],
        consent_date=date(2026, 1, 5).isoformat(),
        **fields,
    )
    return family.code


def handouts(engine: Engine) -> list[Handout]:
    with reading(engine) as session:
        return list(session.exec(select(Handout)).all())


def shelf_total(engine: Engine) -> int:
    with reading(engine) as session:
        return int(session.exec(select(func.sum(StockLot.on_hand))).one())


async def open_counter(
    pilot: Pilot[Any], app: DistroApp, user: str = "volunteer", pin: str = CLI_PIN
) -> CounterScreen:
    """Sign in as `user` and go to the counter, with scans typed at Pilot's pace."""
    await sign_in(pilot, user, pin)
    await pilot.press("f2")
    await settle(pilot)
    app.scan_detector.max_gap = 10.0  # Pilot types slower than a scanner
    screen = app.screen
    assert isinstance(screen, CounterScreen)
    return screen


async def scan(pilot: Pilot[Any], code: str) -> None:
    await pilot.press(*code, "enter")
    await settle(pilot)


def shown_text(screen: CounterScreen, selector: str) -> str:
    """The text one of the counter's lines shows now (empty when it is hidden)."""
    line = screen.query_one(selector, Static)
    return str(line.render()) if line.display else ""
