"""Snapshots of the main screens at 80x24 (regenerate with `pytest --snapshot-update`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from textual.pilot import Pilot

from distro.tui.app import DistroApp
from tests.builders.distribution import stocked_basket
from tests.tui.helpers import add_family, add_family_with, open_family_by_name, sign_in
from tests.tui.stock_helpers import open_stock, seed_stock

SnapCompare = Callable[..., bool]


def seed(engine: Engine, now: datetime) -> None:
    """Three fictional families, always the same."""
    add_family(engine, now, "Abdi Hassan Warsame", phone="61234567")
    add_family(engine, now, "Amal Yousef", phone="92345678")
    add_family(engine, now, "Arjun Thapa", phone="53456789")


async def search_for_a(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("a")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_first_family(pilot: Pilot[Any]) -> None:
    await search_for_a(pilot)
    await pilot.press("down", "enter")
    await pilot.pause()


def test_families_screen(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed(engine, now)
    assert snap_compare(app, terminal_size=(80, 24), run_before=search_for_a)


def test_family_screen(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed(engine, now)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_first_family)


def seed_household(engine: Engine, now: datetime) -> None:
    """A fictional household with everything privacy mode masks: names, phones, claim ref,
    address."""
    add_family_with(
        engine,
        now,
        [{"full_name": "Amina Yusuf Ali"}, {"full_name": "Hassan Yusuf", "relationship": "spouse"}],
        phones=["61234567", "92345678"],
        claim_ref="USM-2025-00417",
        address="Flat 3B, 12 Kwai Chung Road",
    )


async def open_household(pilot: Pilot[Any]) -> None:
    await open_family_by_name(pilot, "Amina")


async def lock_on_household(pilot: Pilot[Any]) -> None:
    await open_household(pilot)
    await pilot.press("ctrl+l")
    await pilot.pause()


def test_family_screen_masked(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_household(engine, now)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_household)


def test_lock_screen(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_household(engine, now)
    assert snap_compare(app, terminal_size=(80, 24), run_before=lock_on_household)


def test_stock_levels_screen(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_stock)


def test_counter_screen(
    snap_compare: SnapCompare, app: DistroApp, engine: Engine, now: datetime
) -> None:
    """A halal household with an infant: the substitute for pork, formula, pads, allergies."""
    stocked_basket(engine, now)
    family = add_family_with(
        engine,
        now,
        [
            {"full_name": "Amina Yusuf", "sex": "female", "birth_date": "1990-03-01"},
            {"full_name": "Baby Yusuf", "sex": "male", "birth_date": "2026-06-01"},
        ],
        dietary=["halal"],
        allergies="peanuts",
    )

    async def scan_the_card(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "volunteer")
        await pilot.press("f2")
        await pilot.app.workers.wait_for_complete()
        app.scan_detector.max_gap = 10.0
        await pilot.press(*family.code, "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=scan_the_card)
