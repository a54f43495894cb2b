"""Pilot tests: likely duplicates appear while a registration is typed, masked in privacy
mode, and Ctrl+S still asks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import Input, Static

from distro.tui.app import DistroApp
from distro.tui.families.duplicates import DuplicatesModal
from distro.tui.families.register import TYPING_PAUSE_SECONDS
from tests.tui.helpers import add_family, settle, sign_in, tab_to


def live_text(app: DistroApp) -> str:
    live = app.screen.query_one("#live-duplicates", Static)
    return str(live.render()) if live.display else ""


async def typing_pause(pilot: Pilot[None]) -> None:
    await pilot.pause(TYPING_PAUSE_SECONDS + 0.1)
    await settle(pilot)


async def test_a_similar_name_shows_while_typing_masked(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Nad")
        await typing_pause(pilot)
        assert live_text(app) == ""  # three letters would match half the registry
        await pilot.press(*"ia Rahmen")
        await typing_pause(pilot)
        assert family.code in live_text(app)
        assert "Nadia R." in live_text(app) and "Rahman" not in live_text(app)
        app.action_privacy()  # privacy off (the palette's entry): the same match in full
        await pilot.pause()
        assert "Nadia Rahman" in live_text(app)


async def test_a_phone_shows_while_typing_and_ctrl_s_still_asks(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Someone Else")
        await tab_to(pilot, "family-phones")
        await pilot.press(*"9123 4567")
        await typing_pause(pilot)
        assert family.code in live_text(app) and "same phone" in live_text(app)
        app.screen.query_one("#family-district").value = "Sham Shui Po"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesModal)


async def test_nothing_shows_for_a_new_family(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tharani Sivakumar")
        await typing_pause(pilot)
        assert live_text(app) == ""
        assert app.screen.query_one("#head-full_name", Input).value == "Tharani Sivakumar"
