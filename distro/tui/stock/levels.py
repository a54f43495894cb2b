"""Provides the Stock area's main screen: every item's level, what needs attention on top, and
the keys that receive, issue, adjust, write off and count stock.

The levels are read in a worker (a few aggregated queries, tens of milliseconds on a big
ledger) each time the screen comes back, so they are never stale after a form or a scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.domain.core.access import Permission
from distro.tui.base import UsesDistro, reading
from distro.tui.stock.text import (
    announce_receipt,
    days_text,
    looks_after_stock,
    may_change,
    needs_attention,
    quantity_text,
    today_at_counter,
)
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.stock.levels import ItemLevel, StockAlerts
    from distro.domain.stock.receiving import Received


def alert_text(level: ItemLevel) -> str:
    """The Alert cell: LOW below the threshold, EXPIRED with expired units on the shelf."""
    marks = ["LOW" if level.below_threshold else "", "EXP" if level.expired_on_hand else ""]
    shown = "+".join(mark for mark in marks if mark)
    return "EXPIRED" if shown == "EXP" else shown


def _legend() -> str:
    """What the two number columns mean: their headings are a few letters wide. (The domain is
    imported here, not above: the app imports this screen before the database layer.)"""
    from distro.domain.stock.levels import EXPIRY_WARNING_DAYS, RATE_DAYS

    return (
        f"Days: how long it lasts at the last {RATE_DAYS // 7} weeks' pace. "
        f"≤{EXPIRY_WARNING_DAYS} d: expiring in {EXPIRY_WARNING_DAYS} days"
    )


class StockScreen(UsesDistro, Screen[None]):
    """Stock levels: s changes the order, c the category; Enter opens an item."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "receive", "Receive", tooltip="A delivery or donation, many lines", id="r"),
        Binding(
            "i", "issue", "Issue", tooltip="To a shelter or kitchen, first expiry first", id="i"
        ),
        Binding("a", "adjust", "Adjust", tooltip="Damaged, lost, found, corrected", id="adjust"),
        Binding("t", "count", "Count", tooltip="Stock take: count, see variance, post", id="t"),
        Binding("x", "expiry", "Expiry", tooltip="Lots expiring within 30 days", id="expiry"),
        # Sort and Category are left out of the footer (the status line names them, F1 and the
        # palette list them), so that the app's Help and Lock still fit at 80 columns.
        Binding(
            "s",
            "sort",
            "Sort",
            tooltip="Name, on hand, days, expiring, low",
            id="sort",
            show=False,
        ),
        Binding(
            "c",
            "category",
            "Category",
            tooltip="Show one category, or all",
            id="category",
            show=False,
        ),
        Binding(
            "w",
            "write_off",
            "Write off",
            tooltip="Write off every expired lot",
            id="write-off",
            show=False,
        ),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "receive": Permission.RECEIVE_STOCK,
        "issue": Permission.ISSUE_STOCK,
        "adjust": Permission.ADJUST_STOCK,
        "count": Permission.ADJUST_STOCK,
        "write_off": Permission.ADJUST_STOCK,
    }
    PALETTE_AREA = "stock"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "expiry": "expiry list",
        "category": "filter category",
        "write-off": "write off expired",
    }

    def __init__(self) -> None:
        super().__init__(id="stock-screen")
        self.sort = "name"
        self.category: str | None = None
        self.levels: list[ItemLevel] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the stock ...", id="stock-alerts")
        yield Static("", id="stock-status")
        yield Static(_legend(), id="stock-legend")
        yield DataTable(id="stock-levels", cursor_type="row", zebra_stripes=True)
        yield CounterFooter()

    def on_mount(self) -> None:
        self.sub_title = "Stock levels"
        table = self.query_one("#stock-levels", DataTable)
        for label, width in (
            ("Code", 10),
            ("Item", 24),
            ("On hand", 11),
            ("Days", 5),
            ("≤30 d", 6),
            ("Alert", 7),
        ):
            table.add_column(label, width=width)
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stock-levels", exit_on_error=False)
    def load(self) -> None:
        """Read the levels and the alerts off the UI thread."""
        from distro.domain.stock.levels import LevelSort, stock_alerts, stock_levels
        from distro.domain.stock.models import ItemCategory

        today = today_at_counter(self.distro)
        category = ItemCategory(self.category) if self.category else None
        with reading(self.distro) as session:
            levels = stock_levels(
                session, today=today, category=category, sort=LevelSort(self.sort)
            )
            alerts = stock_alerts(session, today=today)
        self.app.call_from_thread(self.show_levels, levels, alerts)

    def show_levels(self, levels: list[ItemLevel], alerts: StockAlerts) -> None:
        """Fill the table with what the query returned, keeping the cursor on the same item."""
        table = self.query_one("#stock-levels", DataTable)
        highlighted = self._highlighted()
        self.levels = levels
        table.clear()
        for level in levels:
            table.add_row(
                level.code,
                cell(level.name),
                quantity_text(level.on_hand, level.unit),
                days_text(level.days_of_stock),
                f"{level.expiring_soon:,}" if level.expiring_soon else "-",
                alert_text(level),
            )
        rows = [row for row, level in enumerate(levels) if level.item_id == highlighted]
        table.move_cursor(row=rows[0] if rows else 0)
        line = self.query_one("#stock-alerts", Static)
        line.update(alerts.summary())
        line.set_class(needs_attention(alerts), "-attention")
        if looks_after_stock(self.distro.actor):  # the area bar follows what this reads
            self.distro.show_stock_alerts(alerts)
        category = f"{self.category} only" if self.category else "all categories"
        self.query_one("#stock-status", Static).update(
            f"{len(levels)} items, {category}, by {self.sort.replace('-', ' ')}. "
            "s sorts, c filters, Enter opens an item."
        )

    def _highlighted(self) -> int | None:
        row = self.query_one("#stock-levels", DataTable).cursor_row
        return self.levels[row].item_id if 0 <= row < len(self.levels) else None

    @on(DataTable.RowSelected, "#stock-levels")
    def _open(self, event: DataTable.RowSelected) -> None:
        from distro.tui.stock.item import StockItemScreen

        self.app.push_screen(StockItemScreen(self.levels[event.cursor_row].item_id))

    def action_sort(self) -> None:
        """The next order: name, on hand, days of stock, expiring, low."""
        from distro.domain.stock.levels import LevelSort

        orders = [order.value for order in LevelSort]
        self.sort = orders[(orders.index(self.sort) + 1) % len(orders)]
        self.load()

    def action_category(self) -> None:
        """The next category, then all of them again."""
        from distro.domain.stock.models import ItemCategory

        choices: list[str | None] = [None, *(category.value for category in ItemCategory)]
        self.category = choices[(choices.index(self.category) + 1) % len(choices)]
        self.load()

    def _changed(self, message: str | None) -> None:
        if message:
            self.notify(message, title="Stock")
        self.load()

    def _received(self, received: Received | None) -> None:
        announce_receipt(self.distro, received)
        self.load()

    def action_receive(self) -> None:
        from distro.tui.stock.receive import ReceiveModal

        if may_change(self.distro, Permission.RECEIVE_STOCK):
            self.app.push_screen(ReceiveModal(), self._received)

    def action_issue(self) -> None:
        from distro.tui.stock.forms import IssueModal

        if may_change(self.distro, Permission.ISSUE_STOCK):
            self.app.push_screen(IssueModal(), self._changed)

    def action_adjust(self) -> None:
        from distro.tui.stock.forms import AdjustModal

        if may_change(self.distro, Permission.ADJUST_STOCK):
            self.app.push_screen(AdjustModal(), self._changed)

    def action_write_off(self) -> None:
        from distro.tui.stock.write_off import confirm_write_off

        confirm_write_off(self.distro, self._changed)

    def action_count(self) -> None:
        from distro.tui.stock.count import start_count

        start_count(self.distro, self._changed)

    def action_expiry(self) -> None:
        from distro.tui.stock.expiry import ExpiryScreen

        self.app.push_screen(ExpiryScreen())
