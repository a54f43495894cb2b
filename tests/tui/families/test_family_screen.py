"""Pilot tests of the family screen and registration: a volunteer presses keys, then the
database (not only the screen) says what happened."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family
from distro.tui.app import DistroApp
from distro.tui.families.duplicates import DuplicatesModal
from distro.tui.families.family import FamilyScreen
from distro.tui.families.forms import MemberModal
from distro.tui.families.history import HistoryScreen
from distro.tui.families.merge_plan import MergePlanModal
from distro.tui.families.register import RegisterFamilyModal
from distro.tui.scanning import ScanDetector
from distro.tui.shell.help import HelpScreen
from distro.tui.shell.signin import SignInScreen
from distro.tui.widgets.ask import AskModal
from distro.tui.widgets.form_modal import FormModal
from tests.tui.helpers import (
    add_family,
    add_family_with,
    burst,
    choose,
    family_events,
    family_row,
    members_of,
    notices,
    open_family_by_name,
    screen_text,
    settle,
    sign_in,
    tab_to,
)

ACTOR = "coordinator"


def label_text(app: DistroApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


async def test_add_a_member(app: DistroApp, engine: Engine, now: datetime) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("a")
        assert isinstance(app.screen, MemberModal)
        await pilot.press(*"Yusuf Rahman")
        await choose(pilot, "member-relationship", "Spouse")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.query_one("#member-table", DataTable).row_count == 2
    assert family.id is not None
    added = members_of(engine, family.id)[-1]
    assert (added.full_name, added.relationship) == ("Yusuf Rahman", "spouse")
    event = family_events(engine, family.id)[-1]
    assert (event.action, event.actor) == ("member.add", ACTOR)


async def test_edit_a_member_with_enter(app: DistroApp, engine: Engine, now: datetime) -> None:
    family = add_family(engine, now, "Nadia Rahmn")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("f9", "enter")  # privacy off: no reveal to ask for
        assert isinstance(app.screen, MemberModal)
        assert app.screen.query_one("#member-full_name", Input).value == "Nadia Rahmn"
        await pilot.press("ctrl+u", *"Nadia Rahman", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
    assert family.id is not None
    assert [m.full_name for m in members_of(engine, family.id)] == ["Nadia Rahman"]
    event = family_events(engine, family.id)[-1]
    assert (event.action, event.actor) == ("member.edit", ACTOR)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("2031-01-01", "in the future"), ("1990-02-30", "not a real date"), ("1850-01-01", "1900")],
)
@pytest.mark.parametrize("key", ["a", "enter"])
async def test_a_wrong_birth_date_stays_in_the_dialog(
    app: DistroApp, engine: Engine, now: datetime, key: str, typed: str, says: str
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    assert family.id is not None
    before = (members_of(engine, family.id), family_events(engine, family.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("f9", key)  # privacy off: Enter edits the member at once
        if key == "a":
            await pilot.press(*"Yusuf Rahman")
        await tab_to(pilot, "member-birth_date")
        await pilot.press(*typed, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberModal)
        error = app.screen.query_one("#member-birth_date-error", Label)
        assert says in str(error.render()) and error.has_class("-shown")
        assert app.focused is app.screen.query_one("#member-birth_date")
        assert app.screen.query_one("#member-full_name", Input).value != ""
    assert (members_of(engine, family.id), family_events(engine, family.id)) == before


async def test_editing_a_name_keeps_an_estimated_age(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family_with(engine, now, [{"full_name": "Nadia Rahmn", "estimated_age": 40}])
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("f9", "enter", "ctrl+u", *"Nadia Rahman", "ctrl+s")
        await pilot.pause()
    member = members_of(engine, family.id)[0]
    assert member.full_name == "Nadia Rahman"
    assert member.birth_date is not None and member.birth_date.year == now.year - 40


async def test_remove_a_member_with_a_reason(app: DistroApp, engine: Engine, now: datetime) -> None:
    family = add_family_with(
        engine, now, [{"full_name": "Nadia Rahman"}, {"full_name": "Omar Rahman"}]
    )
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("down", "r")
        assert isinstance(app.screen, AskModal)
        await pilot.press("enter")  # no reason yet: the dialog says so and stays
        assert "reason" in label_text(app, "#ask-error")
        assert members_of(engine, family.id)[1].removed_at is None
        await pilot.press(*"moved to Kowloon with an uncle", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.query_one("#member-table", DataTable).row_count == 1
    head, removed = members_of(engine, family.id)
    assert head.removed_at is None
    assert removed.full_name == "Omar Rahman" and removed.removed_at is not None
    assert removed.removed_reason == "moved to Kowloon with an uncle"
    event = family_events(engine, family.id)[-1]
    assert (event.action, event.actor) == ("member.remove", ACTOR)
    assert event.reason == "moved to Kowloon with an uncle"


async def test_removing_the_last_member_is_refused(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("r", *"left Hong Kong", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert any("at least one member" in notice for notice in notices(app))
    assert members_of(engine, family.id)[0].removed_at is None
    assert [event.action for event in family_events(engine, family.id)] == ["family.register"]


async def test_change_status_keeps_the_reason(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("s")
        assert isinstance(app.screen, AskModal)
        await choose(pilot, "ask-choice", "Susp")
        await tab_to(pilot, "ask-reason")
        await pilot.press(*"abroad for three months", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert "suspended" in notices(app)[-1]
    assert family_row(engine, family.id).status == "suspended"
    event = family_events(engine, family.id)[-1]
    assert (event.action, event.actor) == ("family.status", ACTOR)
    assert event.reason == "abroad for three months"


async def test_history_lists_every_change(app: DistroApp, engine: Engine, now: datetime) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    assert family.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("a", *"Yusuf Rahman", "ctrl+s")
        await pilot.pause()
        await pilot.press("s", "enter", *"Susp", "enter", "tab", *"travelling", "enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#history-table", DataTable)
        events = family_events(engine, family.id)
        assert table.row_count == len(events) == 3
        masked = [e.summary.replace("Yusuf Rahman", "Yusuf R.") for e in events[::-1]]
        assert [table.get_row_at(i)[2] for i in range(3)] == masked
        detail = str(app.screen.query_one("#history-detail").render())
        assert "travelling" in detail and ACTOR in detail
        await pilot.press("escape")
        assert isinstance(app.screen, FamilyScreen)


async def test_print_card_writes_a_pdf(
    app: DistroApp, engine: Engine, now: datetime, tmp_path: Path
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("p")
        await settle(pilot)
        assert any("Card printed" in notice for notice in notices(app))
    pdfs = list((tmp_path / "slips").glob("*.pdf"))
    assert [pdf.name for pdf in pdfs] == [f"card-{family.code}.pdf"]
    assert pdfs[0].read_bytes().startswith(b"%PDF")


async def test_merge_a_duplicate_by_code(app: DistroApp, engine: Engine, now: datetime) -> None:
    keep = add_family(engine, now, "Nadia Rahman", phone="91234567")
    gone = add_family_with(
        engine, now, [{"full_name": "Nadya Rachman"}, {"full_name": "Omar Rahman"}]
    )
    assert keep.id is not None and gone.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("g")
        assert isinstance(app.screen, AskModal)
        await pilot.press(*gone.code, "tab", *"same household, two cards", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MergePlanModal)
        plan = app.screen.query_one("#merge-plan-table", DataTable)
        assert plan.get_row_at(0)[0] == "Nadya R."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.query_one("#member-table", DataTable).row_count == 3
    assert family_row(engine, gone.id).status == "merged"
    assert family_row(engine, gone.id).merged_into_id == keep.id
    assert members_of(engine, gone.id) == []
    assert [m.full_name for m in members_of(engine, keep.id)] == [
        "Nadia Rahman",
        "Nadya Rachman",
        "Omar Rahman",
    ]
    event = family_events(engine, keep.id)[-1]
    assert (event.action, event.actor, event.reason) == (
        "family.merge",
        ACTOR,
        "same household, two cards",
    )


async def test_merge_with_a_mistyped_code_changes_nothing(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    keep = add_family(engine, now, "Nadia Rahman", phone="91234567")
    gone = add_family(engine, now, "Omar Rahman", phone="61234567")
    wrong = gone.code[:-1] + ("A" if gone.code[-1] != "A" else "B")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("g", *wrong, "tab", *"same household", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert any("mistyped" in notice for notice in notices(app))
    assert keep.id is not None and gone.id is not None
    assert family_row(engine, gone.id).status == "active"
    assert len(family_events(engine, keep.id)) == 1


async def test_scanning_a_card_into_the_merge_dialog_fills_the_code(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="91234567")
    gone = add_family(engine, now, "Omar Rahman", phone="61234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("g")
        app.scan_detector = ScanDetector(max_gap=10.0)  # a scanner's burst; Pilot is slower
        await pilot.press(*gone.code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, AskModal)
        assert app.screen.query_one("#ask-code", Input).value == gone.code
        assert not any("Finish or close" in notice for notice in notices(app))


async def register_with_phone(pilot: Pilot[Any], name: str, phone: str) -> None:
    """Open the register form, type a head's name, a district and a phone, press Ctrl+S."""
    await sign_in(pilot)
    await pilot.press("ctrl+n", *name)
    await choose(pilot, "family-district", "Sham")
    await tab_to(pilot, "family-phones")
    await pilot.press(*phone, "ctrl+s")
    await pilot.pause()


async def test_a_likely_duplicate_shows_the_matches_and_esc_keeps_the_form(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    existing = add_family(engine, now, "Kamala Perera", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await register_with_phone(pilot, "Tharani Sivakumar", "9123 4567")
        assert isinstance(app.screen, DuplicatesModal)
        assert existing.code in str(app.screen.query_one("#duplicate-matches").render_line(0))
        await pilot.press("escape")
        assert isinstance(app.screen, RegisterFamilyModal)
        assert app.screen.query_one("#head-full_name", Input).value == "Tharani Sivakumar"
        assert app.screen.query_one("#family-phones", Input).value == "9123 4567"
        assert app.screen.query_one("#family-district").value == "Sham Shui Po"  # type: ignore[attr-defined]
    with reading(engine) as session:
        assert len(session.exec(select(Family)).all()) == 1


async def test_register_anyway_needs_a_reason_and_keeps_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    existing = add_family(engine, now, "Kamala Perera", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await register_with_phone(pilot, "Tharani Sivakumar", "9123 4567")
        await pilot.press("ctrl+r")
        assert isinstance(app.screen, DuplicatesModal)
        assert "reason" in label_text(app, "#duplicate-error")
        assert app.focused is app.screen.query_one("#duplicate-reason")
        await pilot.press(*"shared phone, sisters", "ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        new_id = app.screen.family_id
    assert new_id != existing.id
    event = family_events(engine, new_id)[0]
    assert (event.action, event.actor) == ("family.register", ACTOR)
    assert existing.code in event.reason and "shared phone, sisters" in event.reason


async def test_choosing_the_match_opens_it_and_registers_nothing(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    existing = add_family(engine, now, "Kamala Perera", phone="91234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await register_with_phone(pilot, "Tharani Sivakumar", "9123 4567")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert app.screen.family_id == existing.id
    with reading(engine) as session:
        assert len(session.exec(select(Family)).all()) == 1


async def test_f1_lists_the_keys_of_the_family_screen(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]
        keys = {row[0]: row[1] for row in rows}
        assert {"esc", "e", "a", "r", "s", "h", "p", "g", "F1", "F3", "^P"} <= set(keys)
        assert keys["^P"] == "Command palette"
        assert all(row[1] and row[2] for row in rows), "every key says what it does and why"
        await pilot.press("escape")
        assert isinstance(app.screen, FamilyScreen)


async def test_the_palette_registers_a_family(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+p", *"families: register")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RegisterFamilyModal)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(("s", "enter", "enter", "tab", "enter"), id="status"),
        pytest.param(("g",), id="merge"),
        pytest.param(("r", *"gone", "enter"), id="remove"),
    ],
)
async def test_a_refusal_on_a_stale_screen_is_a_notice_not_a_traceback(
    app: DistroApp, engine: Engine, now: datetime, keys: tuple[str, ...]
) -> None:
    """Another counter merges this family while it is open; every action then says why not."""
    keep = add_family(engine, now, "Kamala Perera", phone="61234567")
    gone = add_family_with(
        engine, now, [{"full_name": "Nadia Rahman"}, {"full_name": "Omar Rahman"}]
    )
    assert keep.id is not None and gone.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        with unit_of_work(engine) as session:
            merge_families(
                session,
                keep.id,
                gone.id,
                "same",
                actor=Actor(name="other counter", role=Role.COORDINATOR),
                now=now,
            )
        if keys == ("g",):
            keys = ("g", *keep.code, "tab", *"same household", "enter")
        await pilot.press(*keys)
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert any("merged" in notice for notice in notices(app))
    assert [m.removed_at for m in members_of(engine, keep.id)] == [None, None, None]
    assert family_row(engine, keep.id).status == "active"


@pytest.mark.parametrize("key", ["a", "e"])
async def test_a_refused_form_stays_open_with_the_reason(
    app: DistroApp, engine: Engine, now: datetime, key: str
) -> None:
    keep = add_family(engine, now, "Kamala Perera", phone="61234567")
    gone = add_family(engine, now, "Nadia Rahman", phone="91234567")
    assert keep.id is not None and gone.id is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        with unit_of_work(engine) as session:
            merge_families(
                session,
                keep.id,
                gone.id,
                "same",
                actor=Actor(name="other counter", role=Role.COORDINATOR),
                now=now,
            )
        await pilot.press("f9", key)
        if key == "a":
            await pilot.press(*"Yusuf Rahman")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert "merged" in label_text(app, "#form-error")
    assert len(family_events(engine, gone.id)) == 2  # registered, merged: nothing else


class SlowTypist:
    """A clock for the scan detector that says a second passed between any two keys."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        self.seconds += 1.0
        return self.seconds


async def test_a_mistyped_code_typed_by_hand_says_it_is_mistyped(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    wrong = family.code[:-1] + ("A" if family.code[-1] != "A" else "B")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.scan_detector = ScanDetector(clock=SlowTypist())
        await pilot.press(*wrong)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#search-status").render())
        assert any("mistyped" in text for text in [*notices(app), status])
        assert "registers a new family" not in status


@pytest.mark.parametrize("via", ["search box", "results table"])
async def test_after_esc_typing_starts_a_new_search(
    app: DistroApp, engine: Engine, now: datetime, via: str
) -> None:
    add_family(engine, now, "Nadia Rahman", phone="91234567")
    add_family(engine, now, "Omar Rahman", phone="61234567")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*("Nadia" if via == "search box" else "Rahman"))
        await settle(pilot)
        await pilot.press(*(("enter",) if via == "search box" else ("down", "enter")))
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        await pilot.press("escape", *"Kamala")
        await settle(pilot)
        assert app.screen.query_one("#family-search", Input).value == "Kamala"


async def test_a_focused_form_field_shows_what_is_typed(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tharani")
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "Tharani"
        assert focused.content_region.height >= 1


async def test_tab_goes_round_the_form_fields_only(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        visited = []
        for _ in range(25):
            assert app.focused is not None
            visited.append(app.focused.id)
            await pilot.press("tab")
        assert all(
            widget_id and widget_id.startswith(("head-", "family-")) for widget_id in visited
        )


async def test_switch_volunteer_cannot_be_skipped(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "Amina")
        await pilot.press("f10", "f4")
        app.scan_detector = ScanDetector(max_gap=10.0)
        await pilot.press(*family.code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.actor is None


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_highlighted_member_s_whole_name_is_shown(
    app: DistroApp, engine: Engine, now: datetime, size: tuple[int, int]
) -> None:
    add_family_with(
        engine,
        now,
        [
            {"full_name": "Abdulkarim Mohammed Al-Haddad"},
            {"full_name": "Maryam Abdullah Al-Hamdani", "relationship": "spouse"},
        ],
    )
    async with app.run_test(size=size) as pilot:
        await open_family_by_name(pilot, "Abdulkarim")
        assert "Al-Haddad" not in screen_text(app)  # privacy mode: masked, detail line too
        await pilot.press("v")
        await pilot.pause()
        assert "Abdulkarim Mohammed Al-Haddad" in screen_text(app)
        await pilot.press("down")
        await pilot.pause()
        assert "Maryam Abdullah Al-Hamdani" in screen_text(app)


async def test_a_scan_in_one_burst_opens_the_family_and_leaves_the_search_empty(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Amina Yusuf")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"amin")  # a name half typed when the card is scanned
        await settle(pilot)
        app.scan_detector = ScanDetector(max_gap=10.0)  # the burst below is a scanner's
        await burst(pilot, family.code, end="enter")
        await settle(pilot)
        assert isinstance(app.screen, FamilyScreen) and app.screen.family_id == family.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#family-search", Input).value == "amin"
