"""Pilot tests of the Rounds, Missing and Rules screens: keys pressed as a coordinator (or a
volunteer) would, the database checked."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from distro.domain.audit.head import current_head
from distro.domain.core.clock import local_date
from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.models import BasketRule, DistributionRound
from distro.domain.distribution.rounds import RoundIn, create_round
from distro.tui.app import DistroApp
from distro.tui.counter.round_slips import RoundSlipsScreen
from distro.tui.counter.rounds import RoundsScreen
from distro.tui.counter.rule_form import RuleFormModal
from distro.tui.counter.rules import RulesScreen
from distro.tui.palette import palette_commands
from tests.builders.clock import HONG_KONG
from tests.builders.distribution import BASKET, stocked_basket
from tests.tui.counter_helpers import handouts, mother_and_baby, open_counter, shelf_total
from tests.tui.helpers import SETUP, choose, notices, settle, tab_to


def all_rounds(engine: Engine) -> list[DistributionRound]:
    with reading(engine) as session:
        return list(session.exec(select(DistributionRound).order_by(col(DistributionRound.id))))


def rules(engine: Engine) -> list[BasketRule]:
    with reading(engine) as session:
        query = select(BasketRule).where(BasketRule.basket == BASKET)
        return list(session.exec(query.order_by(col(BasketRule.position))).all())


async def open_rounds(pilot: Pilot[None], app: DistroApp, user: str = "coordinator") -> None:
    await open_counter(pilot, app, user)
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(app.screen, RoundsScreen)


async def open_rules(pilot: Pilot[None], app: DistroApp, user: str = "coordinator") -> None:
    await open_rounds(pilot, app, user)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(app.screen, RulesScreen)


async def hand_out(pilot: Pilot[None], code: str) -> None:
    await pilot.press(*code, "enter")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_coordinator_sets_up_a_round_through_the_form(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rounds(pilot, app)
        await pilot.press("a", *"Food parcel, week 49")
        await choose(pilot, "round-two_step", "Yes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
        assert app.screen.query_one("#list-table", DataTable).row_count == 2
    added = all_rounds(engine)[-1]
    today = local_date(now, HONG_KONG)
    assert (added.name, added.basket, added.two_step) == ("Food parcel, week 49", BASKET, True)
    assert (added.starts_on, added.ends_on) == (today, today + timedelta(days=6))
    assert added.closed_at is None and added.created_by == "coordinator"


async def test_a_name_already_taken_keeps_the_form_and_what_was_typed(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rounds(pilot, app)
        await pilot.press("a", *"food parcel, WEEK 48", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#round-name-error", Label).content)
        assert "already a round called" in error
        await tab_to(pilot, "round-ends_on")
        await pilot.press("ctrl+u", *"2026-11-01", "ctrl+s")  # before the first day
        await settle(pilot)
        error = str(app.screen.query_one("#round-ends_on-error", Label).content)
        assert "the last day is before the first day" in error
    assert len(all_rounds(engine)) == 1


async def test_closing_and_reopening_a_round(app: DistroApp, engine: Engine, now: datetime) -> None:
    stocked_basket(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rounds(pilot, app)
        await pilot.press("c", "enter")
        await settle(pilot)
        assert all_rounds(engine)[0].closed_at is not None
        head = current_head(engine)
        assert any(f"distro db check --head {head.label}" in notice for notice in notices(app))
        await pilot.press("enter")  # a closed round is not handed out in
        assert isinstance(app.screen, RoundsScreen)
        await pilot.press("o")
        await settle(pilot)
    assert all_rounds(engine)[0].closed_at is None


async def test_enter_on_a_round_makes_the_counter_hand_out_in_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    today = local_date(now, HONG_KONG)
    older = RoundIn(
        name="Winter top-up", basket=BASKET, starts_on=today - timedelta(days=3), ends_on=today
    )
    with unit_of_work(engine) as session:
        top_up = create_round(session, older, actor=SETUP, now=now)
    async with app.run_test(size=(80, 24)) as pilot:
        counter = await open_counter(pilot, app, "coordinator")
        assert counter.round is not None and counter.round.id != top_up.id
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("down", "enter")  # newest first: the top-up is second
        await settle(pilot)
        assert app.screen is counter
        assert counter.round is not None and counter.round.id == top_up.id
        await hand_out(pilot, code)
    [handout] = handouts(engine)
    assert handout.round_id == top_up.id


async def test_adding_editing_and_deleting_a_rule(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    basket = stocked_basket(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rules(pilot, app)
        await pilot.press("a")
        assert isinstance(app.screen, RuleFormModal)
        await pilot.press(*"Baked beans", "enter", "2", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        added = rules(engine)[-1]
        assert (added.item_id, added.quantity, added.per) == (basket.beans, 2, "household")
        for _ in range(6):
            await pilot.press("down")
        await pilot.press("e")
        await tab_to(pilot, "rule-quantity")
        await pilot.press("ctrl+u", "3", "ctrl+s")
        await settle(pilot)
        assert [rule.quantity for rule in rules(engine) if rule.id == added.id] == [3]
        await pilot.press("d", "enter")
        await settle(pilot)
    assert added.id not in {rule.id for rule in rules(engine)}
    assert len(rules(engine)) == 6


async def test_a_bad_age_is_shown_beside_its_field_and_nothing_is_written(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    before = rules(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rules(pilot, app)
        await pilot.press("a", *"Baked beans", "enter", "1")
        await choose(pilot, "rule-per", "Member")
        await tab_to(pilot, "rule-age_under_months")
        await pilot.press(*"six", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RuleFormModal)
        error = str(app.screen.query_one("#rule-age_under_months-error", Label).content)
        assert "write an age as years (12) or months (6m)" in error
    assert rules(engine) == before


async def test_a_volunteer_may_read_the_rules_but_adding_one_is_refused(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    before = rules(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        counter = await open_counter(pilot, app, "volunteer")
        [command] = [
            command
            for command in palette_commands(app, counter)
            if command.title == "rules: edit basket rules"
        ]
        command.callback()
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        assert app.screen.query_one("#list-table", DataTable).row_count == len(before)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)  # no form to fill in for nothing
    assert any("may not set up rounds and basket rules" in notice for notice in notices(app))
    assert rules(engine) == before


async def test_the_missing_list_shows_an_uncollected_slip_and_voiding_returns_its_stock(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now, two_step=True)
    code = mother_and_baby(engine, now)
    before = shelf_total(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_counter(pilot, app, "coordinator")
        await hand_out(pilot, code)
        [handout] = handouts(engine)
        assert shelf_total(engine) < before
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, RoundSlipsScreen)
        table = app.screen.query_one("#list-table", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][:2] == [handout.code, code]
        await pilot.press("v", *"family left the hall", "enter")
        await settle(pilot)
        assert table.row_count == 0
    [handout] = handouts(engine)
    assert handout.voided_at is not None and handout.void_reason == "family left the hall"
    assert shelf_total(engine) == before
    assert any("back on the shelf" in notice for notice in notices(app))
