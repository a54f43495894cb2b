"""Pilot tests of the audit log screen: a coordinator filters it, a volunteer is turned away."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading
from distro.tui.admin.audit_log import (
    FOR_COORDINATORS,
    TYPING_PAUSE_SECONDS,
    AuditDetail,
    AuditScreen,
)
from distro.tui.app import DistroApp
from tests.builders.clock import FIXED_NOW_IN_HONG_KONG, machine_zone
from tests.tui.helpers import add_family, notices, settle, sign_in


def views(engine: Engine) -> list[AuditEvent]:
    with reading(engine) as session:
        query = select(AuditEvent).where(AuditEvent.action == "audit.view")
        return list(session.exec(query).all())


async def test_coordinator_filters_by_user(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "coordinator")
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        table = app.screen.query_one("#audit-table", DataTable)
        everyone = {table.get_row_at(row)[1] for row in range(table.row_count)}
        assert {"admin", "coordinator"} <= everyone
        for box in app.screen.query(Input):
            assert box.region.right <= 80 and box.region.width >= 12
        await pilot.press(*"adm")
        await pilot.pause()
        await pilot.press("right")  # accepts the suggested name
        assert app.screen.query_one("#audit-user", Input).value == "admin"
        await pilot.pause(TYPING_PAUSE_SECONDS + 0.2)
        await settle(pilot)
        shown = {table.get_row_at(row)[1] for row in range(table.row_count)}
        assert shown == {"admin"}
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditDetail)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuditScreen | AuditDetail)
    [view] = views(engine)
    assert view.actor == "coordinator"


async def test_the_log_shows_the_ngo_time_on_a_machine_set_to_utc(app: DistroApp) -> None:
    with machine_zone("UTC"):
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(pilot, "coordinator")
            await pilot.press("f8")
            await settle(pilot)
            assert isinstance(app.screen, AuditScreen)
            table = app.screen.query_one("#audit-table", DataTable)
            assert table.get_row_at(0)[0] == FIXED_NOW_IN_HONG_KONG  # signing in, just now
            await pilot.press("enter", "enter")  # to the rows, then the newest in full
            await pilot.pause()
            assert isinstance(app.screen, AuditDetail)
            detail = str(app.screen.query_one("#audit-detail", Static).render())
            assert FIXED_NOW_IN_HONG_KONG in detail


async def test_a_bad_date_is_explained(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "coordinator")
        await pilot.press("f8")
        await settle(pilot)
        app.screen.query_one("#audit-since", Input).value = "2026-02-30"
        await pilot.pause(TYPING_PAUSE_SECONDS + 0.2)
        await settle(pilot)
        status = str(app.screen.query_one("#audit-status").render())
        assert "not a real date" in status
        assert app.screen.query_one("#audit-table", DataTable).row_count == 0


async def test_volunteer_is_told_politely(app: DistroApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer")
        await pilot.press("f8")
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)
        assert FOR_COORDINATORS in notices(app)
    assert views(engine) == []


async def test_privacy_mode_masks_names_in_the_log(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Zebulonia Quartermaine")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "coordinator")
        await pilot.press("f8")
        await settle(pilot)
        table = app.screen.query_one("#audit-table", DataTable)
        actions = [str(table.get_row_at(row)[2]) for row in range(table.row_count)]
        table.focus()
        table.move_cursor(row=actions.index("family.register"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditDetail)
        detail = str(app.screen.query_one("#audit-detail", Static).render())
        assert "Zebulonia Q." in detail and "Quartermaine" not in detail
