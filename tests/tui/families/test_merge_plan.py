"""Pilot tests of the merge plan: the coordinator sees who becomes one person and what each
moved person becomes, corrects it with keys, and the database shows the plan applied."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable

from distro.domain.families.models import Family
from distro.tui.app import DistroApp
from distro.tui.families.family import FamilyScreen
from distro.tui.families.merge_plan import MergePlanModal
from tests.builders.families import register_into
from tests.tui.helpers import add_family_with, members_of, open_family_by_name

REASON = "same household, two cards"


def plan_rows(app: DistroApp) -> list[list[str]]:
    table = app.screen.query_one("#merge-plan-table", DataTable)
    return [[str(value) for value in table.get_row_at(row)] for row in range(table.row_count)]


async def open_plan(pilot: Pilot[Any], keep_phone: str, gone: Family) -> None:
    """Open the surviving family by its phone, press g, give the duplicate's code and why."""
    await open_family_by_name(pilot, keep_phone)
    await pilot.press("g", *gone.code, "tab", *REASON, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MergePlanModal)


def who(engine: Engine, family: Family) -> list[tuple[str, str, str]]:
    assert family.id is not None
    return [(m.full_name, m.relationship, m.aliases) for m in members_of(engine, family.id)]


async def test_the_plan_keeps_one_man_once_masked(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    keep = add_family_with(
        engine,
        now,
        [{"full_name": "Ismail Mohamed Ahmed", "birth_date": "1967-03-11"}],
        phones=["66902782"],
    )
    gone = register_into(
        engine,
        now,
        members=[
            {"full_name": "Ismail Mohammed Ahmed", "birth_date": "1967-03-11"},
            {"full_name": "Layla Hassan", "relationship": "spouse"},
        ],
        phones=["51234567"],
        reason="registered twice at two centres",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "6690", gone)
        assert plan_rows(app) == [
            ["Ismail M.", "1967-03-11", "= Ismail M. (one person)"],
            ["Layla H.", "?", "spouse"],
        ]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
    assert who(engine, keep) == [
        ("Ismail Mohamed Ahmed", "head", "Ismail Mohammed Ahmed"),
        ("Layla Hassan", "spouse", ""),
    ]


async def test_a_coordinator_picks_the_same_person_with_m(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    keep = add_family_with(engine, now, [{"full_name": "Nadia Rahman"}], phones=["91234567"])
    gone = add_family_with(
        engine,
        now,
        [{"full_name": "Nadya Rachman"}, {"full_name": "Omar Rahman", "relationship": "child"}],
        phones=["61234567"],
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "9123", gone)
        assert plan_rows(app)[1][2] == "other relative  ? check"
        await pilot.press("m")
        assert plan_rows(app) == [
            ["Nadya R.", "?", "= Nadia R. (one person)"],
            ["Omar R.", "?", "child"],
        ]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert who(engine, keep) == [
        ("Nadia Rahman", "head", "Nadya Rachman"),
        ("Omar Rahman", "child", ""),
    ]


async def test_the_merged_heads_relationship_is_chosen_with_r_and_esc_merges_nothing(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    keep = add_family_with(engine, now, [{"full_name": "Hassan Ali"}], phones=["91234567"])
    gone = add_family_with(
        engine,
        now,
        [{"full_name": "Karim Ali"}, {"full_name": "Nour Ali", "relationship": "child"}],
        phones=["61234567"],
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot, "9123", gone)
        await pilot.press("r", "r")  # not known -> spouse -> child
        assert [row[2] for row in plan_rows(app)] == ["child", "grandchild"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert gone.id is not None and len(members_of(engine, gone.id)) == 2
        await pilot.press("g", *gone.code, "tab", *REASON, "enter")
        await pilot.pause()
        await pilot.press("r", "r", "ctrl+s")
        await pilot.pause()
    assert [(name, relationship) for name, relationship, _ in who(engine, keep)] == [
        ("Hassan Ali", "head"),
        ("Karim Ali", "child"),
        ("Nour Ali", "grandchild"),
    ]
