"""Pilot tests that keys typed or scanned over a family on the counter never change its basket:
every demo family card, slip and product barcode, at a scanner's speed and at a person's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.screen import ModalScreen

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.demo import DEMO_PIN
from distro.domain.distribution.models import Handout
from distro.domain.families.models import Family
from distro.domain.stock.catalogue import attach_barcode
from distro.domain.stock.models import Item, ItemBarcode
from distro.domain.stock.product_barcodes import check_digit
from distro.printing.printers import FolderPrinter
from distro.settings import Settings
from distro.tui.app import DistroApp
from distro.tui.counter.screen import CounterScreen
from distro.tui.counter.text import line_cells
from distro.tui.widgets.confirm import ConfirmModal
from tests.builders.clock import FIXED_NOW
from tests.builders.databases import fresh_copy
from tests.tui.counter_helpers import open_counter, shown_text
from tests.tui.helpers import burst, settle

COORDINATOR = Actor(name="coordinator", role=Role.COORDINATOR)
PRODUCT_BARCODES = 20

pytestmark = pytest.mark.xdist_group("demo")  # one worker builds the demo once for them all
"""Textual's name for each key of a code that is not the character itself."""


@pytest.fixture(scope="module")
def demo_with_barcodes(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """The demo, with product barcodes on some items as a donor's tins carry them."""
    engine = fresh_copy(demo_template, tmp_path_factory.mktemp("barcodes"))
    with unit_of_work(engine) as session:
        items = session.exec(select(Item.id).order_by(Item.id).limit(PRODUCT_BARCODES)).all()
        for number, item_id in enumerate(items):
            assert item_id is not None
            payload = f"489{number:09d}"  # Hong Kong's GS1 prefix
            barcode = payload + check_digit(payload)
            attach_barcode(session, item_id, barcode, actor=COORDINATOR, now=FIXED_NOW)
    engine.dispose()
    return Path(str(engine.url.database))


@pytest.fixture
def demo_engine(tmp_path: Path, demo_with_barcodes: Path) -> Iterator[Engine]:
    engine = fresh_copy(demo_with_barcodes, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_app(demo_engine: Engine, tmp_path: Path) -> DistroApp:
    settings = Settings(database_url=str(demo_engine.url), slips_dir=tmp_path / "slips")
    printer = FolderPrinter(tmp_path / "slips")
    return DistroApp(settings, demo_engine, printer, clock=lambda: FIXED_NOW)


def every_code(engine: Engine) -> list[str]:
    """Every family card, slip and product barcode of the demo."""
    with reading(engine) as session:
        families = session.exec(select(Family.code).order_by(Family.id)).all()
        slips = session.exec(select(Handout.code).order_by(Handout.id)).all()
        barcodes = session.exec(select(ItemBarcode.barcode).order_by(ItemBarcode.id)).all()
    return [*families, *slips, *barcodes]


async def scan_now(pilot: Pilot[Any], code: str) -> None:
    """A code in one burst ending in Enter, and what it opens."""
    await burst(pilot, code, end="enter")
    await settle(pilot)


def basket(screen: CounterScreen) -> list[tuple[int, int]]:
    """The basket on screen: each line's item and quantity."""
    assert screen.draft is not None
    return [(line.given.id, line.quantity) for line in screen.draft.lines]


async def back_to_the_counter(pilot: Pilot[Any], app: DistroApp) -> CounterScreen:
    """Close whatever a code opened over the counter (a slip's question, an item's screen)."""
    while isinstance(app.screen, ModalScreen):
        await pilot.press("escape")
        await settle(pilot)
    if not isinstance(app.screen, CounterScreen):
        await pilot.press("f2")
        await settle(pilot)
    assert isinstance(app.screen, CounterScreen)
    return app.screen


@pytest.mark.parametrize("speed", ["scanner", "typing"])
async def test_no_code_typed_over_a_family_changes_its_basket(
    demo_app: DistroApp, demo_engine: Engine, speed: str
) -> None:
    codes = every_code(demo_engine)
    assert len(codes) > 500  # 300 cards, the slips, the product barcodes
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, demo_app, pin=DEMO_PIN)
        # A scanner's keys come faster than the detector's gap; a person's never do.
        demo_app.scan_detector.max_gap = 10.0 if speed == "scanner" else 0.0
        await scan_now(pilot, codes[0])
        shown, before = screen.draft, basket(screen)
        for first in range(0, len(codes), 50):
            await burst(pilot, *codes[first : first + 50])
            assert screen.draft is shown and basket(screen) == before, codes[first : first + 50]
            assert not screen.scan_line.value
        # Each kind of code to its end: the next family replaces this one, as entitled.
        families, slips = codes[1:300], codes[300:-PRODUCT_BARCODES]
        barcodes = codes[-PRODUCT_BARCODES:]
        for code in [*families[::30], *slips[::30], *barcodes[::5]]:
            await scan_now(pilot, code)
            screen = await back_to_the_counter(pilot, demo_app)
            assert screen.draft is not None and not screen.draft.edited, code
            assert not screen.scan_line.value, code
            if code in families:
                assert code == screen.draft.entitlement.scanned_code


async def test_a_scan_over_an_edited_basket_asks_before_dropping_it(
    demo_app: DistroApp, demo_engine: Engine
) -> None:
    first, second = every_code(demo_engine)[:2]
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, demo_app, pin=DEMO_PIN)
        await scan_now(pilot, first)
        assert not screen.scan_line.value  # the keys of the scan left the scan line
        await pilot.press("left")
        edited = basket(screen)
        assert screen.draft is not None and screen.draft.edited
        await scan_now(pilot, second)
        assert isinstance(demo_app.screen, ConfirmModal)
        await pilot.press("escape")  # keep the basket
        await settle(pilot)
        assert basket(screen) == edited
        await scan_now(pilot, second)
        await pilot.press("enter")  # drop it: the next family
        await settle(pilot)
        assert screen.draft is not None and screen.draft.entitlement.family_code == second
        await pilot.press("left", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmModal)  # Esc asks too
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft is None


async def test_at_80x24_every_line_is_shown_or_counted(
    demo_app: DistroApp, demo_engine: Engine
) -> None:
    code = every_code(demo_engine)[0]
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, demo_app, pin=DEMO_PIN)
        await scan_now(pilot, code)
        assert screen.draft is not None
        lines = len(screen.draft.lines)
        shown = screen.lines.scrollable_content_region.height - 1
        below = screen.lines.rows_below()
        assert shown + below >= lines
        if below:
            said = shown_text(screen, "#counter-extras")
            assert f"{below} more line" in said and f"{screen.draft.units} units in all" in said
        assert screen.lines.columns  # the Note column is whole at 80 columns
        total = sum(
            column.get_render_width(screen.lines) for column in screen.lines.columns.values()
        )
        assert total <= 80 - 2


async def test_at_80_columns_a_note_too_long_for_its_column_is_read_under_the_basket(
    demo_app: DistroApp,
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_counter(pilot, demo_app, pin=DEMO_PIN)
        await scan_now(pilot, "F-000004-T")  # a halal household: pork swapped for chicken
        assert screen.draft is not None
        notes = [line_cells(line)[-1] for line in screen.draft.lines]
        row = next(row for row, note in enumerate(notes) if len(note) > 20)
        assert notes[row] not in shown_text(screen, "#counter-extras")
        await pilot.press(*["down"] * row)
        assert notes[row] in shown_text(screen, "#counter-extras")
