"""Pilot tests of who may see what at a counter that faces the queue: the first admin, the
lock (by key and when left idle), privacy mode and revealing one family, and role refusals."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList

import distro.tui.app
from distro.domain.admin.settings import SettingKey, set_setting
from distro.domain.core.access import Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.users.accounts import actor_of, find_user
from distro.domain.users.models import AppUser
from distro.printing.printers import FolderPrinter
from distro.settings import Settings
from distro.tui.app import DistroApp
from distro.tui.families.duplicates import DuplicatesModal
from distro.tui.families.family import FamilyScreen
from distro.tui.families.history import HistoryScreen
from distro.tui.families.search import FamiliesScreen
from distro.tui.scanning import ScanDetector
from distro.tui.shell.first_admin import FirstAdminScreen
from distro.tui.shell.lock import LockScreen
from distro.tui.widgets.ask import AskModal
from tests.tui.helpers import (
    add_family,
    add_family_with,
    family_events,
    notices,
    open_family_by_name,
    screen_text,
    settle,
    sign_in,
)


@pytest.fixture
def new_app(engine: Engine, tmp_path: Path, now: datetime) -> DistroApp:
    """The app on a database nobody can sign in to yet."""
    settings = Settings(database_url=str(engine.url), slips_dir=tmp_path / "slips")
    return DistroApp(settings, engine, FolderPrinter(tmp_path / "slips"), clock=lambda: now)


async def test_the_first_start_makes_the_first_admin(new_app: DistroApp, engine: Engine) -> None:
    async with new_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(new_app.screen, FirstAdminScreen)
        await pilot.press(*"Grace Okafor", "enter", *"123", "enter")
        assert "at least 6" in screen_text(new_app)
        await pilot.press("ctrl+u", *"green-tea-58", "enter", *"green-tea-85", "enter")
        assert "not the same PIN" in screen_text(new_app)
        await pilot.press(*"green-tea-58", "enter")
        await settle(pilot)
        assert isinstance(new_app.screen, FamiliesScreen)
        assert new_app.actor is not None
        assert (new_app.actor.name, new_app.actor.role) == ("Grace Okafor", Role.ADMIN)
    with reading(engine) as session:
        [user] = session.exec(select(AppUser)).all()
    assert (user.name, user.role) == ("Grace Okafor", "admin")


async def test_a_database_with_users_asks_to_sign_in(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, FirstAdminScreen)
        assert "Who is at the counter?" in screen_text(app)


async def test_ctrl_l_covers_the_family_and_the_same_user_comes_back_to_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        assert "Nadia R." in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "Locked – sign in to continue" in screen_text(app)
        assert "Nadia" not in screen_text(app)
        await pilot.press("f3", "ctrl+p")  # nothing gets past the lock
        assert isinstance(app.screen, LockScreen)
        await sign_in(pilot)
        assert isinstance(app.screen, FamilyScreen)
        assert app.actor is not None and app.actor.name == "coordinator"


async def test_a_wrong_pin_keeps_it_locked(app: DistroApp, engine: Engine, now: datetime) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("ctrl+l")
        await sign_in(pilot, pin="not-the-pin")
        assert isinstance(app.screen, LockScreen)
        assert app.actor is None
        assert "do not match" in screen_text(app)


async def test_someone_else_unlocking_starts_at_the_search(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("v", "ctrl+l")
        await sign_in(pilot, "volunteer")
        assert isinstance(app.screen, FamiliesScreen)
        assert app.actor is not None and app.actor.name == "volunteer"
        assert app.screen.query_one("#family-search", Input).value == ""
        assert app.screen.query_one("#family-results", DataTable).row_count == 0
        assert app.privacy.revealed_family_id is None


async def test_the_counter_locks_itself_after_the_set_minutes(
    app: DistroApp, engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(engine) as session:
        admin = actor_of(find_user(session, "admin"))
        set_setting(session, SettingKey.LOCK_MINUTES, 2, actor=admin, now=now)
    monkeypatch.setattr(distro.tui.app, "IDLE_CHECK_SECONDS", 0.01)
    seconds = [1000.0]
    app.idle.monotonic = lambda: seconds[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        seconds[0] += 119
        await pilot.pause(0.1)
        assert isinstance(app.screen, FamiliesScreen)
        await pilot.press("a")  # a key puts the lock off again
        seconds[0] += 119
        await pilot.pause(0.1)
        assert isinstance(app.screen, FamiliesScreen)
        seconds[0] += 1
        await pilot.pause(0.1)
        assert isinstance(app.screen, LockScreen)
        assert app.actor is None


async def test_a_scan_while_locked_opens_nothing_and_says_so_on_the_lock(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        app.scan_detector = ScanDetector(max_gap=10.0)
        await pilot.press(*family.code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.screen.query_one("#sign-in-name", Input).value == ""
        assert "Locked: sign in, then scan again." in screen_text(app)  # on the screen itself
        assert notices(app) == []  # not a notice that is gone before anyone looks up


async def test_privacy_mode_masks_the_results_and_f9_shows_them(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert "privacy on" in app.title
        await pilot.press(*"Nadia Rahman")  # the full name still finds the family
        await settle(pilot)
        table = app.screen.query_one("#family-results", DataTable)
        assert table.get_row_at(0)[1] == "Nadia R."
        await pilot.press("f9")
        assert table.get_row_at(0)[1] == "Nadia Rahman"
        assert "PRIVACY OFF" in app.title
        await pilot.press("f9")
        assert table.get_row_at(0)[1] == "Nadia R."


async def test_the_family_screen_masks_and_v_reveals_it_on_record(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family_with(
        engine,
        now,
        [{"full_name": "Nadia Rahman"}, {"full_name": "Omar Rahman"}],
        phones=["91234567"],
        claim_ref="USM-2025-00417",
        address="Flat 3B, 12 Kwai Chung Road",
    )
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        shown = screen_text(app)
        assert "Nadia R." in shown and "Omar R." in shown and "**** **67" in shown
        for secret in ("Rahman", "9123", "USM-2025", "Kwai Chung Road"):
            assert secret not in shown
        await pilot.press("v")
        await pilot.pause()
        shown = screen_text(app)
        assert "Nadia Rahman" in shown and "+852 9123 4567" in shown and "USM-2025-00417" in shown
        await pilot.press("escape", "enter")  # leave the family, come back: masked again
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert "Rahman" not in screen_text(app)
    reveals = [e for e in family_events(engine, family.id) if e.action == "personal_data.reveal"]
    assert [(e.actor, e.entity_id) for e in reveals] == [("coordinator", family.id)]


async def test_history_masks_personal_values_unless_revealed(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family_with(
        engine, now, [{"full_name": "Nadia Rahman"}], phones=["91234567"], claim_ref="USM-9"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("a", *"Yusuf Rahman", "ctrl+s")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Added Yusuf R." in screen_text(app)
        await pilot.press("down")
        detail = str(app.screen.query_one("#history-detail").render())
        assert "USM-9" not in detail and "9123" not in detail and "Rahman" not in detail
        assert "**** **67" in detail
        await pilot.press("escape", "v", "h")
        await pilot.pause()
        await pilot.press("down", "down")  # past the new row that records the reveal
        detail = str(app.screen.query_one("#history-detail").render())
        assert "USM-9" in detail and "Nadia Rahman" in detail


async def test_the_duplicates_dialog_masks_the_other_family(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Nadia Rahman")
        app.screen.query_one("#family-district").value = "Sham Shui Po"  # type: ignore[attr-defined]
        app.screen.query_one("#family-phones", Input).value = "9123 4567"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesModal)
        option = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Nadia R., 1 members" in option and "same phone **** **67" in option
        assert "Rahman" not in option and "9123" not in option


async def test_a_volunteer_is_told_no_before_a_coordinator_dialog(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer")
        await pilot.press(*"Nadia")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, AskModal)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
    said = notices(app)
    assert any("may not change a family's status; ask a coordinator" in n for n in said)
    assert any("may not merge families" in n for n in said)


async def test_the_palette_locks_the_counter(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+p", *"app: lock")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_typed_brackets_show_as_typed(app: DistroApp, engine: Engine, now: datetime) -> None:
    add_family_with(engine, now, [{"full_name": "Nadia [/b] Rahman"}], notes="[/i] call first")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("f9")
        shown = screen_text(app)
        assert "Nadia [/b] Rahman" in shown and "Notes: [/i] call first" in shown
