"""Pilot tests: in privacy mode the edit forms show a family's data only after a reveal,
which the audit log records as `v Reveal` does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.app import App
from textual.widgets import Input

from distro.tui.app import DistroApp
from distro.tui.families.family import FamilyScreen
from distro.tui.families.forms import EditFamilyModal, MemberModal
from distro.tui.widgets.confirm import ConfirmModal
from tests.tui.helpers import add_family_with, family_events, open_family_by_name

ADDRESS = "Flat 7, Kwai Chung Estate"
REVEAL = "personal_data.reveal"


def typed_anywhere(app: App[None]) -> str:
    """Every field's text on every open screen."""
    return " | ".join(box.value for screen in app.screen_stack for box in screen.query(Input))


def reveals(engine: Engine, family_id: int) -> int:
    return [event.action for event in family_events(engine, family_id)].count(REVEAL)


async def test_edit_in_privacy_mode_asks_to_reveal_and_records_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family_with(
        engine, now, [{"full_name": "Nadia Rahman"}], phones=["91234567"], address=ADDRESS
    )
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "9123 4567" not in typed_anywhere(app) and ADDRESS not in typed_anywhere(app)
        await pilot.press("escape")  # no: nothing opens, nothing is recorded
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert reveals(engine, family.id) == 0
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EditFamilyModal)
        assert "9123 4567" in typed_anywhere(app) and ADDRESS in typed_anywhere(app)
        assert reveals(engine, family.id) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert "Nadia Rahman" in str(app.screen.query_one("#member-table").render_line(1))
        await pilot.press("e")  # revealed already: the form opens at once, no second row
        await pilot.pause()
        assert isinstance(app.screen, EditFamilyModal)
    assert reveals(engine, family.id) == 1


async def test_member_edit_in_privacy_mode_shows_the_name_only_after_a_reveal(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family_with(engine, now, [{"full_name": "Nadia Rahman"}])
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Nadia Rahman" not in typed_anywhere(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberModal)
        assert app.screen.query_one("#member-full_name", Input).value == "Nadia Rahman"
    [event] = [event for event in family_events(engine, family.id) if event.action == REVEAL]
    assert event.actor == "coordinator"


async def test_adding_a_member_asks_no_reveal(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family_with(engine, now, [{"full_name": "Nadia Rahman"}])
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, MemberModal)
    assert reveals(engine, family.id) == 0
