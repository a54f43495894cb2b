"""Pilot tests of the counter: scan a card, confirm, the slip file is written, the stock goes
down, a second attempt is refused; and the keys that shape a handout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.content import Content
from textual.widgets import Static

from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.models import HandoutLine
from distro.tui.app import DistroApp
from distro.tui.counter.forms import ChoiceModal
from distro.tui.counter.screen import CounterScreen
from distro.tui.widgets.confirm import ConfirmModal
from tests.builders.distribution import Basket, stocked_basket
from tests.printing.pdf_reading import decoded
from tests.tui.counter_helpers import (
    handouts,
    mother_and_baby,
    open_counter,
    scan,
    shelf_total,
    shown_text,
)
from tests.tui.helpers import settle


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
        said = shown_text(screen, "#counter-family")
        assert f"Slip {handout.code}: 8 units handed out. Slip printed" in said
        assert screen.draft is None  # ready for the next family
        await scan(pilot, code)
        assert screen.draft is not None and not screen.draft.entitlement.eligible
        assert "NOT ELIGIBLE" in shown_text(screen, "#counter-eligibility")
        await pilot.press("left", "ctrl+t")  # nothing to shape: the keys are not offered
        assert not screen.draft.edited and app.screen is screen
        await pilot.press("ctrl+s", "ctrl+g")  # a volunteer cannot override: not even offered
        await settle(pilot)
        assert len(handouts(engine)) == 1


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
        await pilot.press("left", "left", "right", "right", "right")  # the last one is refused
        assert screen.draft.lines[formula_row].quantity == 3
        assert "The rules give 3" in shown_text(screen, "#counter-notice")
        await pilot.press("left")
        await pilot.press("ctrl+b", *"Zainab Khan", "enter")
        extras = shown_text(screen, "#counter-extras")
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
        screen = await open_counter(pilot, app)
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
        assert "already collected" in shown_text(screen, "#counter-notice")


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
        assert "mistyped" in shown_text(screen, "#counter-notice")


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
    assert len(shown) >= len(keys - {"line"})


async def test_a_slip_that_never_printed_is_flagged_and_printed_from_the_counter(
    app: DistroApp, engine: Engine, now: datetime, tmp_path: Path
) -> None:
    from distro.domain.distribution.entitlement import family_entitlement
    from distro.domain.distribution.handout_request import entitled_request
    from distro.domain.distribution.handouts import hand_out
    from distro.domain.distribution.rounds import get_round
    from distro.domain.families.registry import find_family_by_code
    from tests.builders.families import ACTOR

    basket = stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    with unit_of_work(engine) as session:  # confirmed, then the app died before printing
        family = find_family_by_code(session, code)
        assert family.id is not None
        found = family_entitlement(session, get_round(session, basket.round_id), family.id, now)
        done = hand_out(session, entitled_request(found), actor=ACTOR, now=now, counter="Desk 1")
    slip = tmp_path / "slips" / f"{done.code}.pdf"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await settle(pilot)
        assert "1 slip never printed: Ctrl+R" in shown_text(screen, "#counter-round")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "NEVER PRINTED" in app.screen.options[0] and done.code in app.screen.options[0]
        await pilot.press("enter")
        await settle(pilot)
        assert slip.exists()
        assert "never printed" not in shown_text(screen, "#counter-round")
        slip.unlink()
        await scan(pilot, code)  # the family again: already collected, Ctrl+R prints its slip
        assert screen.draft is not None and screen.draft.entitlement.previous is not None
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert slip.exists()
    [handout] = handouts(engine)
    assert handout.printed_count == 2


async def test_ctrl_q_with_a_basket_not_handed_out_asks_first(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, code)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert code in app.screen.details
        await pilot.press("escape")  # stay: the basket is still there
        await pilot.pause()
        assert app.is_running and app.screen is screen and screen.draft is not None
        await pilot.press("escape")  # next family: nothing is left to lose
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_the_verdict_reads_without_colour(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)

    def verdict(screen: CounterScreen) -> Content:
        rendered = screen.query_one("#counter-eligibility", Static).render()
        assert isinstance(rendered, Content)
        return rendered

    def reversed_text(content: Content) -> str:
        """The words shown in reverse video: what stands out on a screen without colour."""
        return "".join(
            content.plain[span.start : span.end]
            for span in content.spans
            if "reverse" in str(span.style).split()
        )

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, code)
        eligible = verdict(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await scan(pilot, code)
        refused = verdict(screen)
    assert eligible.plain.startswith("√ ELIGIBLE") and reversed_text(eligible) == ""
    assert "× NOT ELIGIBLE" in reversed_text(refused)


async def test_a_slip_that_fails_to_print_stays_on_screen_and_prints_with_ctrl_r(
    app: DistroApp, engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distro.printing.slip import PrinterError
    from distro.printing.slip_printers import FolderSlipPrinter

    stocked_basket(engine, now)
    code = mother_and_baby(engine, now)
    working = FolderSlipPrinter.print_slip

    def out_of_paper(printer: FolderSlipPrinter, view: object) -> str:
        raise PrinterError("The printer is out of paper.")

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, app)
        await scan(pilot, code)
        monkeypatch.setattr(FolderSlipPrinter, "print_slip", out_of_paper)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [handout] = handouts(engine)  # handed out all the same
        said = shown_text(screen, "#counter-notice")
        assert f"Slip {handout.code} not printed" in said
        assert "out of paper. Ctrl+R prints it again." in said
        assert "1 slip never printed" in shown_text(screen, "#counter-round")
        monkeypatch.setattr(FolderSlipPrinter, "print_slip", working)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")
        await settle(pilot)
        assert "never printed" not in shown_text(screen, "#counter-round")
    [handout] = handouts(engine)
    assert handout.printed_count == 1
