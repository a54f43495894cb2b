"""Pilot tests of the counter: scan a card, confirm, the slip file is written, the stock goes
down, a second attempt is refused; and the keys that shape a handout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import Static

from distro.domain.core.db import reading
from distro.domain.distribution.models import HandoutLine
from distro.tui.app import DistroApp
from tests.builders.distribution import Basket, stocked_basket
from tests.printing.pdf_reading import decoded
from tests.tui.counter_helpers import handouts, mother_and_baby, open_counter, scan, shelf_total
from tests.tui.helpers import notices, settle


async def test_scan_confirm_print_and_a_second_attempt_refused(
    app: DistroApp, engine: Engine, now: datetime, tmp_path: Path
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    before = shelf_total(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, code)
        assert screen.draft is not None and screen.draft.entitlement.eligible
        assert screen.draft.units == 8
        await pilot.press("ctrl+s")
        await settle(pilot)
        [handout] = handouts(engine)
        assert handout.actor == "volunteer" and handout.counter == app.settings.counter
        assert shelf_total(engine) == before - 8
        slip = tmp_path / "slips" / f"{handout.code}.pdf"
        assert slip.exists() and decoded(slip.read_bytes()) == [handout.code]
        assert any(handout.code in notice for notice in notices(app))
        assert screen.draft is None  # ready for the next family
        await scan(pilot, code)
        assert screen.draft is not None and not screen.draft.entitlement.eligible
        await pilot.press("ctrl+s")  # a volunteer cannot override: nothing happens
        await settle(pilot)
        assert len(handouts(engine)) == 1
        assert any("Only a coordinator may override" in notice for notice in notices(app))


async def test_lowering_a_line_and_naming_a_proxy(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    basket: Basket = stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, code)
        assert screen.draft is not None
        formula_row = next(
            i for i, line in enumerate(screen.draft.lines) if line.given.id == basket.formula
        )
        for _ in range(formula_row):
            await pilot.press("down")
        await pilot.press("minus", "minus", "plus", "plus", "plus")  # the last one is refused
        assert screen.draft.lines[formula_row].quantity == 3
        await pilot.press("minus")
        await pilot.press("p", *"Zainab Khan", "enter")
        extras = str(screen.query_one("#counter-extras", Static).render())
        assert "Zainab K." in extras and "Khan" not in extras  # privacy mode is on
        await pilot.press("ctrl+s")
        await settle(pilot)
    [handout] = handouts(engine)
    assert handout.proxy_name == "Zainab Khan"
    with reading(engine) as session:
        formula = session.exec(
            select(HandoutLine).where(HandoutLine.item_id == basket.formula)
        ).one()
    assert (formula.quantity, formula.entitled) == (2, 3)


async def test_a_coordinator_overrides_a_second_collection_with_a_reason(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app, "coordinator")
        await scan(pilot, code)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await scan(pilot, code)
        assert screen.draft is not None and screen.draft.entitlement.blockers
        await pilot.press("ctrl+s")  # asks for the reason first
        await pilot.press(*"first bag torn", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
    reasons = sorted(h.override_reason for h in handouts(engine))
    assert reasons == ["", "first bag torn"]


async def test_a_slip_scanned_at_the_exit_hands_over_the_bag(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now, two_step=True)
    code = mother_and_baby(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_counter(pilot, app)
        await scan(pilot, code)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [handout] = handouts(engine)
        assert handout.collected_at is None
        await pilot.press("ctrl+o")  # the exit desk may be on any screen, even over the counter
        await settle(pilot)
        await scan(pilot, handout.code)
        await pilot.press("enter")
        await settle(pilot)
        [handout] = handouts(engine)
        assert handout.collected_at is not None
        await scan(pilot, handout.code)
        assert any("already collected" in notice for notice in notices(app))


async def test_a_mistyped_card_is_refused_in_plain_words(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    wrong = code[:-1] + ("X" if code[-1] != "X" else "Y")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, wrong)
        assert screen.draft is None
        assert any("mistyped" in notice for notice in notices(app))


async def test_every_counter_key_is_in_the_palette(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    from distro.tui.palette import palette_commands

    stocked_basket(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        titles = {command.title for command in palette_commands(app, screen)}
    assert {"counter: confirm handout", "counter: swap item", "counter: one less"} <= titles
    keys = {
        binding.action.split("(")[0] for binding in screen.BINDINGS if hasattr(binding, "action")
    }
    shown = {title.split(": ")[1] for title in titles if title.startswith("counter: ")}
    assert len(shown) >= len(keys - {"focus_search", "focus_list"})
