"""Pilot tests: a volunteer signs in, registers, finds and scans families; the database says
what happened."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import DataTable, Input, Label

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Role
from distro.domain.core.codes import CodeKind
from distro.domain.core.db import reading
from distro.domain.families.models import Family, Member
from distro.domain.users.models import WrongSignIns
from distro.tui.app import DistroApp
from distro.tui.families.family import FamilyScreen
from distro.tui.families.search import FamiliesScreen
from distro.tui.scan_routes import ROUTES
from distro.tui.shell.signin import SignInScreen
from tests.tui.helpers import add_family, notices, settle, sign_in


async def test_sign_in_records_the_volunteer(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer")
        assert isinstance(app.screen, FamiliesScreen)
        assert app.actor is not None and app.actor.name == "volunteer"
        assert app.actor.role is Role.VOLUNTEER
    with reading(engine) as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "user.sign_in")).all()
        assert event.actor == "volunteer"


async def test_a_wrong_pin_keeps_the_counter_closed(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer", pin="wrong-pin")
        assert isinstance(app.screen, SignInScreen)
        assert app.actor is None
        assert "do not match" in str(app.screen.query_one("#sign-in-error", Label).render())
        assert app.screen.query_one("#sign-in-pin", Input).value == ""
    with reading(engine) as session:
        assert session.exec(select(WrongSignIns.wrong_in_a_row)).all() == [1]


async def test_register_a_family_with_the_keyboard(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await pilot.press(*"Tharani Sivakumar")
        app.screen.query_one("#family-district").value = "Sham Shui Po"  # type: ignore[attr-defined]
        app.screen.query_one("#family-phones", Input).value = "6123 4567"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
    with reading(engine) as session:
        family = session.exec(select(Family)).one()
        member = session.exec(select(Member)).one()
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "family")).one()
    assert family.district == "Sham Shui Po"
    assert member.full_name == "Tharani Sivakumar"
    assert member.relationship == "head"
    assert event.actor == "coordinator" and event.action == "family.register"


async def test_a_form_error_is_shown_and_nothing_is_saved(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Someone", "ctrl+s")
        await pilot.pause()
        error = app.screen.query_one("#family-district-error")
        assert "required" in str(error.render())  # type: ignore[attr-defined]
    with reading(engine) as session:
        assert session.exec(select(Family)).all() == []


async def test_search_as_you_type_then_open(app: DistroApp, engine: Engine, now: datetime) -> None:
    add_family(engine, now, "Abebe Girma", phone="98765432")
    add_family(engine, now, "Kamala Perera", phone="55554444")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"abe")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#family-results", DataTable)
        assert table.row_count == 1
        assert "Abebe G." in table.get_row_at(0)  # found by the full name, shown masked
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)


async def test_a_scan_opens_the_family_from_another_area(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        app.scan_detector.max_gap = 10.0  # Pilot types slower than a scanner
        await pilot.press(*family.code, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.family_id == family.id


async def test_a_kind_of_code_with_no_route_is_refused_plainly(
    app: DistroApp, engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    routes = {kind: route for kind, route in ROUTES.items() if kind != CodeKind.FAMILY}
    monkeypatch.setattr("distro.tui.scan_routes.ROUTES", routes)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.scan_detector.max_gap = 10.0
        await pilot.press(*family.code, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FamiliesScreen)
    assert f"{family.code} is a family card code; nothing here opens it." in notices(app)


async def test_a_mistyped_code_opens_nothing(app: DistroApp, engine: Engine, now: datetime) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    wrong = family.code[:-1] + ("A" if family.code[-1] != "A" else "B")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.scan_detector.max_gap = 10.0
        await pilot.press(*wrong, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FamiliesScreen)
        assert any("mistyped" in str(n.message) for n in app._notifications)


async def test_enter_with_several_matches_opens_the_first(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="98765432")
    add_family(engine, now, "Nadia Karim", phone="55554444")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"nadia")
        await settle(pilot)
        table = app.screen.query_one("#family-results", DataTable)
        assert table.row_count == 2
        opened = table.get_row_at(0)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.sub_title == opened


async def test_enter_before_the_results_arrive_opens_them(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="98765432")
    add_family(engine, now, "Nadia Karim", phone="55554444")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"nadia", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FamilyScreen)


async def test_a_long_name_is_found_whole_at_120_columns(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    long_name = "Abdulkarim Mohammed Abdullahi Al-Haddad"  # 39 characters
    add_family(engine, now, long_name)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f9", *"abdulk")  # privacy off: the name in full
        await settle(pilot)
        table = app.screen.query_one("#family-results", DataTable)
        assert table.row_count == 1
        name_column = list(table.columns.values())[1]
        assert name_column.width >= len(long_name)
        assert long_name in table.get_row_at(0)
