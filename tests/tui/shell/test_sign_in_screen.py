"""Pilot tests of the sign-in screen's answers: a wrong name reads exactly as a wrong PIN, even
once tries must wait, and an old guessable PIN still opens the counter, with a warning."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import Input, Label

from distro.domain.users.wrong_tries import FREE_TRIES
from distro.tui.app import DistroApp
from distro.tui.families.search import FamiliesScreen
from tests.builders.users import add_user_with_old_pin
from tests.tui.helpers import notices, sign_in


async def answers_on_screen(pilot: Pilot[None], name: str, pin: str) -> list[str]:
    said = []
    for _try in range(FREE_TRIES + 1):
        await sign_in(pilot, name, pin)
        said.append(str(pilot.app.screen.query_one("#sign-in-error", Label).render()))
        typed_name = pilot.app.screen.query_one("#sign-in-name", Input)
        typed_name.value = ""
        typed_name.focus()
    return said


async def test_a_wrong_name_reads_as_a_wrong_pin_before_and_after_the_free_tries(
    app: DistroApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        wrong_pin = await answers_on_screen(pilot, "volunteer", "wrong-pin-4410")
        wrong_name = await answers_on_screen(pilot, "voluntear", "wrong-pin-4410")
    assert wrong_pin[0].startswith("That name and PIN do not match")
    assert wrong_pin[-1] == "Too many wrong tries; wait 5 seconds, then try again."
    assert wrong_name == wrong_pin


async def test_an_old_guessable_pin_opens_the_counter_with_a_warning(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_user_with_old_pin(engine, "Old Hand", "123123", now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "Old Hand", "123123")
        assert isinstance(app.screen, FamiliesScreen)
        assert any("too easy to guess" in notice for notice in notices(app))
