"""Pilot tests: a receipt with lines entered, or a stock take with counts typed, is not thrown
away by Esc or Ctrl+Q unasked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from textual.widgets import DataTable

from distro.tui.app import DistroApp
from distro.tui.stock.levels import StockScreen
from distro.tui.stock.receive import ReceiveModal
from distro.tui.widgets.confirm import ConfirmModal
from tests.tui.helpers import tab_to
from tests.tui.stock_helpers import movements, open_stock, seed_stock


async def test_esc_with_receipt_lines_entered_asks_first(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    before = len(movements(engine))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r")
        await tab_to(pilot, "chosen-item")
        await pilot.press(*"rice", "enter", "6", "enter", "enter", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReceiveModal)
        assert app.screen.query_one("#receipt-lines", DataTable).row_count == 1
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Receive stock" in app.screen.details
        await pilot.press("escape", "escape", "enter")  # no quitting; then discard the receipt
        await pilot.pause()
        assert isinstance(app.screen, StockScreen)
    assert len(movements(engine)) == before


async def test_esc_with_only_an_item_typed_asks_too(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r")
        await tab_to(pilot, "chosen-item")
        await pilot.press(*"rice", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)


async def test_esc_on_an_untouched_receipt_closes_it(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("r", "escape")
        await pilot.pause()
        assert isinstance(app.screen, StockScreen)


async def test_ctrl_q_with_counts_typed_asks_first(
    app: DistroApp, engine: Engine, now: datetime
) -> None:
    seed_stock(engine, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("t", "enter", "4", "enter", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "1 count typed in the stock take" in app.screen.details
