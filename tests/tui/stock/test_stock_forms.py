"""Pilot tests of the stock forms: keys pressed as a coordinator would, the ledger checked."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import DataTable, Label

from distro.domain.core.clock import local_date
from distro.domain.core.db import reading
from distro.domain.core.zone import DEFAULT_ZONE
from distro.domain.stock.models import StockCount, StockReceipt
from distro.tui.app import DistroApp
from distro.tui.scanning import ScanDetector
from distro.tui.stock.count import CountScopeModal
from distro.tui.stock.count_sheet import CountSheetModal
from distro.tui.stock.forms import AdjustModal, IssueModal
from distro.tui.stock.item import StockItemScreen
from distro.tui.stock.levels import StockScreen
from distro.tui.stock.receive import ReceiveModal
from distro.tui.widgets.confirm import ConfirmModal
from tests.tui.helpers import choose, notices, settle, tab_to
from tests.tui.stock_helpers import (
    RICE_BARCODE,
    lots_of,
    movements,
    on_hand,
    open_stock,
    seed_stock,
)


async def test_a_receipt_of_two_lines_makes_two_lots(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, ReceiveModal)
        await tab_to(pilot, "receipt-source")
        await pilot.press(*"Lions Club")
        await tab_to(pilot, "chosen-item")
        await pilot.press(*"rice", "enter", "6", "enter", *"2027-03-31", "enter")
        await pilot.press(*"Shelf C", "enter")
        assert app.focused is not None and app.focused.id == "chosen-item"
        await pilot.press(*shelves.oil.code, "enter", *"10", "enter", "enter", "enter")
        assert app.screen.query_one("#receipt-lines", DataTable).row_count == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
        assert "Received 2 lines" in " ".join(notices(app))
    rice_lot, oil_lot = lots_of(engine, shelves.rice)[-1], lots_of(engine, shelves.oil)[-1]
    assert (rice_lot.on_hand, rice_lot.expiry, rice_lot.location) == (
        6,
        date(2027, 3, 31),
        "Shelf C",
    )
    assert (oil_lot.on_hand, oil_lot.expiry, oil_lot.location) == (10, None, "Shelf C")
    assert rice_lot.receipt_id == oil_lot.receipt_id
    with reading(engine) as session:
        receipt = session.get(StockReceipt, rice_lot.receipt_id)
    assert receipt is not None and receipt.source == "Lions Club"


async def test_a_refused_receipt_writes_nothing_and_keeps_its_lines(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    before = len(movements(engine))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r")
        await tab_to(pilot, "receipt-received_on")
        await pilot.press("ctrl+u", *"2099-01-01")
        await tab_to(pilot, "chosen-item")
        await pilot.press(*"soap", "enter", "3", "enter", "enter", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceiveModal)
        error = app.screen.query_one("#receipt-received_on-error", Label)
        assert "future" in str(error.content)
        assert app.screen.query_one("#receipt-lines", DataTable).row_count == 1
    assert len(movements(engine)) == before


async def test_issue_takes_first_expiry_first(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    soonest = lots_of(engine, shelves.rice)[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, IssueModal)
        await pilot.press(*"rice", "enter", "5", "tab", *"Community kitchen", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
    [issued] = movements(engine, "issue")[1:]  # the first is the seed's
    assert (issued.lot_id, issued.quantity, issued.reason) == (
        soonest.id,
        -5,
        "Community kitchen",
    )


async def test_issuing_more_than_there_is_says_how_many_and_takes_nothing(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("i", *"oil", "enter", *"500", "tab", *"Shelter Y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IssueModal)
        error = str(app.screen.query_one("#form-error", Label).content)
        assert "Only 12 bottle of Cooking oil 1 L can be taken, not 500" in error
    assert on_hand(engine, shelves.oil) == 16


async def test_adjust_from_an_item_takes_from_the_highlighted_lot(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    later_lot = lots_of(engine, shelves.rice)[1]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("down", "enter")  # Cooking oil, then Rice
        assert isinstance(app.screen, StockItemScreen)
        assert app.screen.item_id == shelves.rice.id
        await pilot.press("down", "a")
        assert isinstance(app.screen, AdjustModal)
        await pilot.press(*"-2")
        await choose(pilot, "stock-reason", "Damaged")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StockItemScreen)
    [adjusted] = movements(engine, "adjust")
    assert (adjusted.lot_id, adjusted.quantity, adjusted.reason) == (later_lot.id, -2, "damaged")


async def test_a_stock_take_posts_only_the_differences(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    rice_soon = lots_of(engine, shelves.rice)[0]
    oil_good = lots_of(engine, shelves.oil)[1]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, CountScopeModal)
        await pilot.press("enter")  # everything
        assert isinstance(app.screen, CountSheetModal)
        # Shelf order: rice (6, then 30), oil (4 expired, then 12), soap (8).
        await pilot.press("5", "enter", "enter", "4", "enter", *"15", "enter")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmModal)
        assert "3 lots counted; 2 differ from the books, net +2 units" in app.screen.details
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
    counted = {(m.lot_id, m.quantity) for m in movements(engine, "count")}
    assert counted == {(rice_soon.id, -1), (oil_good.id, +3)}
    with reading(engine) as session:
        [stock_count] = session.exec(select(StockCount)).all()
    assert (stock_count.scope, stock_count.lots_counted) == ("everything", 3)


async def test_write_off_lists_the_expired_lots_then_takes_them_off(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    expired_lot = lots_of(engine, shelves.oil)[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("w")
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == "Write off 1 expired lot (4 units)?"
        assert "Cooking oil 1 L: 4 bottle" in app.screen.details
        await pilot.press("enter")
        await settle(pilot)
    [expired] = movements(engine, "expire")
    assert (expired.lot_id, expired.quantity) == (expired_lot.id, -4)


async def test_a_volunteer_may_look_but_every_change_is_refused(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    before = len(movements(engine))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot, "volunteer")
        assert app.screen.query_one("#stock-levels", DataTable).row_count == 3
        for key in ("r", "i", "a", "t", "w"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, StockScreen)
        said = notices(app)
    assert len(said) == 5
    assert "volunteer is signed in as volunteer and may not receive stock" in said[0]
    assert "may not adjust or count stock" in said[3]
    assert len(movements(engine)) == before


async def test_scanning_a_product_on_the_count_sheet_moves_to_its_lot(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("t", "enter")
        assert isinstance(app.screen, CountSheetModal)
        app.scan_detector = ScanDetector(max_gap=10.0)  # Pilot types slower than a scanner
        await pilot.press(*shelves.soap.code, "enter")
        await pilot.press("7", "enter")
        assert app.screen.counted == {lots_of(engine, shelves.soap)[0].id: 7}


async def test_a_product_scanned_anywhere_in_a_form_becomes_its_item(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("i", "tab")
        assert app.focused is not None and app.focused.id == "stock-quantity"
        app.scan_detector = ScanDetector(max_gap=10.0)
        await pilot.press(*RICE_BARCODE, "enter")
        assert isinstance(app.screen, IssueModal)
        assert app.screen.item.input.value == shelves.rice.code
        await pilot.press("2", "tab", *"Shelter Y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StockScreen)
    issued = movements(engine, "issue")[-1]
    assert (issued.item_id, issued.quantity) == (shelves.rice.id, -2)


async def test_an_expiry_already_past_or_today_is_warned_of_as_it_is_typed(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    today = local_date(now, DEFAULT_ZONE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r")
        await tab_to(pilot, "chosen-item")
        await pilot.press(*"rice", "enter", "6", "enter")
        warning = app.screen.query_one("#line-expiry-warning", Label)
        await pilot.press(*(today - timedelta(days=3)).isoformat())
        await settle(pilot)
        said = str(warning.render())
        assert said.startswith(f"Expiry {today - timedelta(days=3)} has passed")
        assert warning.display
        for _ in range(10):
            await pilot.press("backspace")
        await pilot.press(*today.isoformat())
        await settle(pilot)
        assert str(warning.render()).startswith("Expires today")
        for _ in range(10):
            await pilot.press("backspace")
        await pilot.press(*(today + timedelta(days=30)).isoformat())
        await settle(pilot)
        assert not warning.display
    with reading(engine) as session:
        assert len(session.exec(select(StockReceipt)).all()) == 5
