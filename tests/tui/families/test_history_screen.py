"""Pilot tests of a family's history: its times on the NGO's clock whatever the machine's zone,
and its changes in the words of the forms, not the database's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable

from distro.domain.core.db import unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import hand_out
from distro.domain.distribution.rounds import get_round
from distro.domain.families.masks import mask_phone
from distro.domain.families.merge import merge_families
from distro.domain.families.registry import update_family
from distro.domain.families.schemas import FamilyDetails
from distro.tui.app import DistroApp
from distro.tui.families.history import HistoryScreen
from tests.builders.clock import FIXED_NOW_IN_HONG_KONG, machine_zone
from tests.builders.distribution import stocked_basket
from tests.tui.helpers import SETUP, add_family, open_family_by_name


@pytest.fixture(autouse=True)
def machine_in_utc() -> Iterator[None]:
    """A counter whose machine is set to UTC, eight hours behind the NGO's clock."""
    with machine_zone("UTC"):
        yield


def edit_merge_and_hand_out(engine: Engine, now: datetime) -> None:
    """Nadia's family gains a phone and two diets, Yusuf's record is merged into it, and it
    collects this week's parcel."""
    basket = stocked_basket(engine, now)
    nadia = add_family(engine, now, "Nadia Rahman", phone="91234567")
    yusuf = add_family(engine, now, "Yusuf Rahman", phone="61234567")
    assert nadia.id is not None and yusuf.id is not None
    details = validated(
        FamilyDetails,
        {
            "district": "Yau Tsim Mong",
            "phones": ["91234567", "98765432"],
            "dietary": ["halal", "no_pork"],
        },
    )
    with unit_of_work(engine) as session:
        update_family(session, nadia.id, details, actor=SETUP, now=now)
        merge_families(session, nadia.id, yusuf.id, "same household", actor=SETUP, now=now)
    with unit_of_work(engine) as session:
        distribution = get_round(session, basket.round_id)
        request = entitled_request(family_entitlement(session, distribution, nadia.id, now))
        hand_out(session, request, actor=SETUP, now=now, counter="1")


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


async def test_history_speaks_the_forms_words(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    edit_merge_and_hand_out(engine, now)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#history-table", DataTable)
        summaries = [str(table.get_row_at(row)[2]) for row in range(table.row_count)]
        assert any(summary.endswith("(1 member)") for summary in summaries)
        shown = "\n".join(await details(pilot, screen))
    phones = f"{mask_phone('91234567')}, {mask_phone('98765432')}"
    assert f"Phones: {mask_phone('91234567')} -> {phones}" in shown
    assert "Diet: - -> halal, no pork" in shown
    assert "Status: active -> merged" in shown
    assert f"Handed out at: - -> {FIXED_NOW_IN_HONG_KONG}" in shown
    assert "Slip: - -> H-" in shown and "Items: - -> 1 S-" in shown
    internals = ("merged_into_id", "phones", "dietary", "no_pork", "round id", "lots", "+00:00")
    for internal in (*internals, "['", "{'", "1 members"):
        assert internal not in shown
