"""Pilot tests of the Stock area's screens: levels, an item, the expiry list, scans from
anywhere, attaching an unknown product barcode, and the alerts after sign-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from textual.widgets import DataTable, Static

from distro.domain.core.db import unit_of_work
from distro.domain.stock.ledger import issue_stock
from distro.tui.app import DistroApp
from distro.tui.families.search import FamiliesScreen
from distro.tui.palette import palette_commands
from distro.tui.scanning import ScanDetector
from distro.tui.stock.expiry import ExpiryScreen
from distro.tui.stock.item import PAGE, StockItemScreen
from distro.tui.stock.levels import StockScreen
from distro.tui.stock.pick import ItemPickModal
from distro.tui.widgets.area_bar import AreaBar
from distro.tui.widgets.confirm import ConfirmModal
from tests.builders.clock import machine_zone
from tests.tui.helpers import SETUP, notices, settle, sign_in
from tests.tui.stock_helpers import (
    RICE_BARCODE,
    UNKNOWN_BARCODE,
    barcodes_of,
    open_stock,
    receive,
    seed_stock,
)


def column(table: DataTable[object], index: int) -> list[str]:
    """One column of a table, as shown, top to bottom."""
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_levels_show_each_item_with_its_alerts(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        table = app.screen.query_one("#stock-levels", DataTable)
        assert column(table, 1) == ["Cooking oil 1 L", "Rice 5 kg", "Soap bar"]
        assert column(table, 2) == ["12 bottle", "36 bag", "8 piece"]
        assert column(table, 3) == ["-", "72", "-"]  # 14 rice in 28 days: 36 last 72 days
        assert column(table, 4) == ["-", "6", "-"]
        assert column(table, 5) == ["EXPIRED", "", "LOW"]
        alerts = str(app.screen.query_one("#stock-alerts", Static).content)
        assert "1 item below its low-stock level" in alerts
        assert "1 expired lot still on the shelf" in alerts


async def test_s_sorts_and_c_filters_by_category(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("s")  # least on hand first
        await settle(pilot)
        table = app.screen.query_one("#stock-levels", DataTable)
        assert column(table, 1) == ["Soap bar", "Cooking oil 1 L", "Rice 5 kg"]
        await pilot.press("c")  # food only
        await settle(pilot)
        assert column(table, 1) == ["Cooking oil 1 L", "Rice 5 kg"]
        status = str(app.screen.query_one("#stock-status", Static).content)
        assert "2 items, food only, by on hand" in status


async def test_an_item_shows_its_lots_first_expiry_first_and_pages_its_movements(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    assert shelves.soap.id is not None
    receive(engine, now - timedelta(days=1), shelves.soap, 100, None, "Store room")
    with unit_of_work(engine) as session:
        for minute in range(PAGE):
            at = now - timedelta(minutes=minute)
            issue_stock(session, shelves.soap.id, 1, "Kitchen", actor=SETUP, now=at)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("enter")  # Cooking oil
        assert isinstance(app.screen, StockItemScreen)
        lots = app.screen.query_one("#lot-table", DataTable)
        assert column(lots, 2) == ["EXPIRED", "in 90 days"]
        assert column(lots, 3) == ["4 bottle", "12 bottle"]
        await pilot.press("escape", "down", "down", "enter")  # Soap bar
        assert isinstance(app.screen, StockItemScreen)
        moves = app.screen.query_one("#movement-table", DataTable)
        assert moves.row_count == PAGE
        await pilot.press("o")
        assert moves.row_count == PAGE + 2
        assert column(moves, 1)[-2:] == ["receive", "receive"]
        await pilot.press("escape")
        assert isinstance(app.screen, StockScreen)


async def test_an_items_movements_show_the_ngo_time_on_a_machine_set_to_utc(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    with machine_zone("UTC"):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_stock(pilot)
            await pilot.press("enter")  # Cooking oil, received a week ago
            assert isinstance(app.screen, StockItemScreen)
            moves = app.screen.query_one("#movement-table", DataTable)
            assert column(moves, 0) == ["2026-11-18 17:30", "2026-11-18 17:30"]


async def test_the_expiry_list_puts_expired_lots_on_top(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ExpiryScreen)
        table = app.screen.query_one("#expiry-table", DataTable)
        assert column(table, 2) == ["Cooking oil 1 L", "Rice 5 kg"]
        assert column(table, 1) == ["EXPIRED", "in 10 days"]
        await pilot.press("down", "enter")
        assert isinstance(app.screen, StockItemScreen)


async def test_scanning_a_product_barcode_opens_its_item_from_the_families_area(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, FamiliesScreen)
        app.scan_detector = ScanDetector(max_gap=10.0)  # Pilot types slower than a scanner
        await pilot.press(*RICE_BARCODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, StockItemScreen)
        assert app.screen.item_id == shelves.rice.id
        await pilot.press(*shelves.soap.code, "enter")  # an item's shelf label
        await settle(pilot)
        assert isinstance(app.screen, StockItemScreen)
        assert app.screen.item_id == shelves.soap.id
        await pilot.press("escape")
        assert isinstance(app.screen, StockScreen)


async def test_a_barcode_typed_into_the_search_box_opens_its_item_but_a_phone_searches(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"9123 4567", "enter")  # eight digits: a phone, never an EAN-8
        await settle(pilot)
        assert isinstance(app.screen, FamiliesScreen)
        await pilot.press(*["backspace"] * 9, *RICE_BARCODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, StockItemScreen)
        assert app.screen.item_id == shelves.rice.id


async def test_an_unknown_barcode_can_be_attached_to_the_item_it_is_on(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.scan_detector = ScanDetector(max_gap=10.0)
        await pilot.press(*UNKNOWN_BARCODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert UNKNOWN_BARCODE in app.screen.question
        await pilot.press("enter")
        assert isinstance(app.screen, ItemPickModal)
        await pilot.press(*"soap", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StockItemScreen)
        assert app.screen.item_id == shelves.soap.id
    assert barcodes_of(engine, shelves.soap) == [UNKNOWN_BARCODE]


async def test_a_volunteer_scanning_an_unknown_barcode_is_told_who_may_attach_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "volunteer")
        app.scan_detector = ScanDetector(max_gap=10.0)
        await pilot.press(*UNKNOWN_BARCODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, FamiliesScreen)
        [said] = notices(app)
    assert said.startswith(f"Product barcode {UNKNOWN_BARCODE} belongs to no item yet")
    assert "may not change the item catalogue; ask a coordinator" in said
    assert barcodes_of(engine, shelves.soap) == []


async def test_the_area_bar_follows_what_the_stock_screen_reads(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    shelves = seed_stock(engine, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert "! 1 low, 1 expiring, 1 expired: F4" in str(app.screen.query_one(AreaBar).render())
        receive(engine, now, shelves.soap, 40, None, "Store room")  # soap is no longer low
        await pilot.press("f4")
        await settle(pilot)
        assert "! 1 expiring, 1 expired: F4" in str(app.screen.query_one(AreaBar).render())


async def test_the_palette_lists_the_stock_actions(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        assert isinstance(app.screen, StockScreen)
        titles = {command.title for command in palette_commands(app, app.screen)}
    wanted = {"receive", "issue", "adjust", "write off expired", "count", "expiry list"}
    assert {f"stock: {verb}" for verb in wanted | {"sort", "filter category"}} <= titles


async def test_the_keys_read_as_the_footer_writes_them_and_the_columns_are_explained(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        status = str(app.screen.query_one("#stock-status", Static).content)
        assert status.endswith("s sorts, c filters, Enter opens an item.")
        legend = app.screen.query_one("#stock-legend", Static)
        assert str(legend.content) == (
            "Days: how long it lasts at the last 4 weeks' pace. ≤30 d: expiring in 30 days"
        )
        assert legend.size.height == 1  # one line at 80 columns
