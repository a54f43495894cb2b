"""Pilot tests of the foot of every screen: the area bar names every area's F-key the role may
use and says what the stock needs; the key line fits 80 columns whole, with only the keys the
role may use, and Ctrl+Q always reads as Quit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from distro.tui.app import DistroApp
from distro.tui.widgets.area_bar import AreaBar
from distro.tui.widgets.footer import KeyFooter
from tests.tui.helpers import add_family, notices, screen_lines, settle, sign_in
from tests.tui.stock_helpers import seed_stock

Steps = Callable[[Pilot[Any]], Awaitable[None]]


def bar_text(app: DistroApp) -> str:
    """The area bar of the screen on top, as shown."""
    return str(app.screen.query_one(AreaBar).render())


def footer_text(app: DistroApp) -> str:
    """The key line: the terminal's last line."""
    return screen_lines(app)[-1]


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def open_nadia(pilot: Pilot[Any]) -> None:
    await press(pilot, *"Nadia", "enter")


SCREENS: dict[str, Steps] = {
    "families": lambda pilot: settle(pilot),
    "family": open_nadia,
    "counter": lambda pilot: press(pilot, "f2"),
    "stock": lambda pilot: press(pilot, "f4"),
    "lending": lambda pilot: press(pilot, "f5"),
    "audit": lambda pilot: press(pilot, "f8"),
    "lock": lambda pilot: press(pilot, "ctrl+l"),
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_every_main_screen_s_keys_fit_80_columns_whole(
    app: DistroApp, engine: Engine, now: datetime, screen: str
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await SCREENS[screen](pilot)
        shown = footer_text(app)
        keys = list(app.screen.query_one(KeyFooter).query(FooterKey))
        assert keys
        for key in keys:
            assert f"{key.key_display} {key.description}" in shown, shown
        assert "^Q Quit" in shown
        if screen != "lock":  # locked, no key but Quit does anything
            assert "F1 Help" in shown


async def test_the_bar_names_every_area_and_brackets_the_current_one(app: DistroApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.screen.query_one(AreaBar).display  # nobody signed in: no areas yet
        await sign_in(pilot)
        bar = bar_text(app)
        for area in ("F2 Counter", "F4 Stock", "F5 Lending", "F6 Referrals", "F7 Reports"):
            assert f" {area} " in bar
        assert "[F3 Families]" in bar and "F8 Audit" in bar
        await press(pilot, "f4")
        assert "[F4 Stock]" in bar_text(app) and " F3 Families " in bar_text(app)


async def test_a_volunteer_is_not_shown_keys_they_may_not_use(app: DistroApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "volunteer")
        assert "F8" not in bar_text(app)
        await press(pilot, "f4")
        shown = footer_text(app)
        assert "x Expiry" in shown
        for key in ("Receive", "Issue", "Adjust", "Count"):
            assert key not in shown
        await press(pilot, "r")  # pressed anyway: the refusal still says who may
        assert any("may not receive stock" in notice for notice in notices(app))
        await press(pilot, "f1")
        help_table = app.screen.query_one("#help-table", DataTable)
        listed = {str(help_table.get_row_at(row)[1]) for row in range(help_table.row_count)}
        assert "Expiry" in listed and not listed & {"Receive", "Issue", "Audit"}


async def test_a_coordinator_is_shown_the_stock_keys(app: DistroApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await press(pilot, "f4")
        assert "r Receive i Issue a Adjust t Count x Expiry" in footer_text(app)


async def test_stock_alerts_sit_on_the_bar_not_over_the_screen(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert notices(app) == []
        assert bar_text(app).endswith("! 1 low, 1 expiring, 1 expired: F4")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "F4 Stock!" in bar_text(app)  # no room for the words: a mark on Stock's key


async def test_a_volunteer_is_not_told_about_stock(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "volunteer")
        assert "!" not in bar_text(app)
