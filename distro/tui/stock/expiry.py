"""Provides the expiry list: lots expiring within 30 days, those already expired on top."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.domain.stock.levels import EXPIRY_WARNING_DAYS
from distro.domain.stock.lists import expiring_lots
from distro.tui.base import UsesDistro, reading
from distro.tui.stock.item import StockItemScreen
from distro.tui.stock.text import expiry_text, quantity_text, today_at_counter
from distro.tui.stock.write_off import confirm_write_off
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from distro.domain.stock.lists import ExpiringLot


class ExpiryScreen(UsesDistro, Screen[None]):
    """Soonest expiry first (so expired lots lead); Enter opens the lot's item."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the stock levels", id="expiry-back"),
        Binding("w", "write_off", "Write off", tooltip="Write off every expired lot", id="w-off"),
    ]

    PALETTE_AREA = "stock"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "w-off": "write off expired",
    }
    PALETTE_HIDDEN = frozenset({"expiry-back"})

    def __init__(self) -> None:
        super().__init__()
        self.lots: list[ExpiringLot] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="expiry-status")
        yield DataTable(id="expiry-table", cursor_type="row", zebra_stripes=True)
        yield CounterFooter()

    def on_mount(self) -> None:
        self.sub_title = "Expiry list"
        table = self.query_one("#expiry-table", DataTable)
        for label, width in (
            ("Expiry", 10),
            ("", 13),
            ("Item", 24),
            ("On hand", 10),
            ("Location", 10),
        ):
            table.add_column(label, width=width)
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the list again: a write-off or a receipt may have changed it."""

        today = today_at_counter(self.distro)
        with reading(self.distro) as session:
            self.lots = expiring_lots(session, today=today)
        table = self.query_one("#expiry-table", DataTable)
        row = table.cursor_row
        table.clear()
        for lot in self.lots:
            table.add_row(
                lot.expiry.isoformat(),
                expiry_text(lot.expiry, today),
                cell(lot.item_name),
                quantity_text(lot.on_hand, lot.unit),
                cell(lot.location),
            )
        table.move_cursor(row=row)
        expired = sum(1 for lot in self.lots if lot.days_left < 0)
        self.query_one("#expiry-status", Static).update(
            f"{len(self.lots)} lots expire within {EXPIRY_WARNING_DAYS} days or have expired "
            f"({expired} expired: W writes them off). Enter opens the item."
            if self.lots
            else f"Nothing expires within {EXPIRY_WARNING_DAYS} days."
        )

    @on(DataTable.RowSelected, "#expiry-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(StockItemScreen(self.lots[event.cursor_row].item_id))

    def _written_off(self, message: str | None) -> None:
        if message:
            self.notify(message, title="Stock")
        self.reload()

    def action_write_off(self) -> None:
        confirm_write_off(self.distro, self._written_off)

    def action_back(self) -> None:
        self.app.pop_screen()
