"""Pilot tests of a family's history: its times on the NGO's clock whatever the machine's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable

from distro.tui.app import DistroApp
from distro.tui.families.history import HistoryScreen
from tests.builders.clock import FIXED_NOW_IN_HONG_KONG, machine_zone
from tests.tui.helpers import SETUP, add_family, open_family_by_name


@pytest.fixture(autouse=True)
def machine_in_utc() -> Iterator[None]:
    """A counter whose machine is set to UTC, eight hours behind the NGO's clock."""
    with machine_zone("UTC"):
        yield


async def open_history(pilot: Pilot[None]) -> HistoryScreen:
    await open_family_by_name(pilot, "Nadia")
    await pilot.press("h")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def details(pilot: Pilot[None], screen: HistoryScreen) -> list[str]:
    """The detail of each change, newest first, as the volunteer reads it moving down."""
    table = screen.query_one("#history-table", DataTable)
    shown = []
    for row in range(table.row_count):
        table.move_cursor(row=row)
        await pilot.pause()
        shown.append(str(screen.query_one("#history-detail").render()))
    return shown


async def test_history_shows_the_ngo_time_not_the_machines(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#history-table", DataTable)
        assert table.get_row_at(0)[0] == FIXED_NOW_IN_HONG_KONG
        assert f"by {SETUP.name}, {FIXED_NOW_IN_HONG_KONG}" in (await details(pilot, screen))[0]
