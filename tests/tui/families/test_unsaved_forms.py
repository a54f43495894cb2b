"""Pilot tests: Esc and Ctrl+Q never throw away typed work without asking."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import Input

from distro.domain.core.db import reading
from distro.domain.families.models import Family
from distro.tui.app import DistroApp
from distro.tui.families.register import RegisterFamilyModal
from distro.tui.families.search import FamiliesScreen
from distro.tui.unsaved import HoldsUnsavedWork
from distro.tui.widgets.confirm import ConfirmModal
from tests.tui.helpers import sign_in


async def test_esc_on_an_unchanged_form_closes_it_at_once(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RegisterFamilyModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FamiliesScreen)


async def test_esc_on_a_changed_form_asks_and_no_keeps_what_was_typed(
    app: DistroApp, engine: Engine
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tharani Sivakumar", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Register a family" in app.screen.question
        await pilot.press("escape")  # no: back to the form
        await pilot.pause()
        assert isinstance(app.screen, RegisterFamilyModal)
        assert app.screen.query_one("#head-full_name", Input).value == "Tharani Sivakumar"
        await pilot.press("escape", "enter")  # yes, discard it
        await pilot.pause()
        assert isinstance(app.screen, FamiliesScreen)
    with reading(engine) as session:
        assert session.exec(select(Family)).all() == []


async def test_typing_then_undoing_it_counts_as_unchanged(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tha", "backspace", "backspace", "backspace", "escape")
        await pilot.pause()
        assert isinstance(app.screen, FamiliesScreen)


async def test_ctrl_q_with_a_changed_form_asks_before_quitting(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tharani", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Register a family" in app.screen.details
        await pilot.press("escape")  # no: stay
        await pilot.pause()
        assert isinstance(app.screen, RegisterFamilyModal)
        assert app.is_running
        await pilot.press("ctrl+q", "enter")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_asks_about_a_form_left_open_in_another_area(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", *"Tharani")
        app.switch_mode("stock")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("ctrl+q")  # a second Ctrl+Q on the question quits
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_with_nothing_typed_quits_at_once(app: DistroApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


def test_form_modals_hold_unsaved_work() -> None:
    assert issubclass(RegisterFamilyModal, HoldsUnsavedWork)
