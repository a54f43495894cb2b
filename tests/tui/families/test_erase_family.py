"""Pilot tests of erasing a family from its screen: the code typed again, the family's slip
and card files gone from the slips folder (another family's stay), and the copies made before
listed with their dates before the screen goes back to the search."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from textual.widgets import Static

from distro.domain.audit.disclosure import record_export
from distro.domain.core.db import reading, unit_of_work
from distro.domain.distribution.slips import slip_view
from distro.domain.families.models import Family
from distro.printing.slip import SlipLayout
from distro.printing.slip_printers import FolderSlipPrinter
from distro.tui.app import DistroApp
from distro.tui.families.erase import ErasedModal
from distro.tui.families.family import FamilyScreen
from tests.builders.distribution import Basket, hand_out_to, stocked_basket
from tests.builders.families import ACTOR
from tests.tui.helpers import add_family, notices, open_family_by_name, settle, sign_in


def printed_slip(
    engine: Engine, basket: Basket, family: Family, now: datetime, folder: Path
) -> Path:
    """Hand out to the family and save its slip where the folder printer saves it."""
    handout_id = hand_out_to(engine, basket, family, now).handout_id
    with reading(engine) as session:
        slip = slip_view(session, handout_id, "distro")
    return Path(FolderSlipPrinter(folder, SlipLayout.RECEIPT).print_slip(slip))


def lines_of(modal: ErasedModal) -> list[str]:
    return [str(line.render()) for line in modal.query("#erased-copies Static").results(Static)]


async def test_erase_removes_the_slips_and_card_and_lists_the_copies(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    folder = app.settings.slips_dir
    basket = stocked_basket(engine, now)
    family = add_family(engine, now, "Nadia Rahman")
    other = add_family(engine, now, "Grace Mensah", phone="92345678")
    printed_slip(engine, basket, family, now, folder)
    kept = printed_slip(engine, basket, other, now, folder)
    with unit_of_work(engine) as session:
        record_export(session, "all families to /media/usb/families.csv", actor=ACTOR, now=now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("p")  # the card goes to the slips folder too
        await settle(pilot)
        card = folder / f"card-{family.code}.pdf"
        assert card.exists()
        await pilot.press("x", *family.code, "tab", *"asked to be forgotten", "enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ErasedModal)
        assert sorted(folder.iterdir()) == [kept]
        assert lines_of(modal) == [
            "2026-11-25 17:30  Exported all families to /media/usb/families.csv",
            f"2026-11-25 17:30  Printed the family card of {family.code} to {card}",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, (ErasedModal, FamilyScreen))
    with reading(engine) as session:
        assert session.get(Family, family.id) is None


async def test_a_mistyped_code_erases_nothing(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    family = add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_family_by_name(pilot, "Nadia")
        await pilot.press("x", *"F-0000", "tab", *"asked to be forgotten", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FamilyScreen)
        assert f"The code typed did not match {family.code}; nothing was erased." in notices(app)
    with reading(engine) as session:
        assert session.get(Family, family.id) is not None


async def test_a_volunteer_is_refused_before_any_question(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    add_family(engine, now, "Nadia Rahman")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer")
        await pilot.press(*"Nadia")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, FamilyScreen)
        assert any("may not anonymise or erase families" in notice for notice in notices(app))
