"""Provides an item's screen: its lots, first expiry first as issuing takes them, and its
movements, newest first, a page at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from distro.domain.core.access import Permission
from distro.domain.core.moments import moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.stock.item_lookup import item_barcodes, load_item
from distro.domain.stock.lists import item_lots, item_movements
from distro.tui.base import UsesDistro, reading
from distro.tui.stock.barcode import AttachBarcodeModal
from distro.tui.stock.forms import AdjustModal, IssueModal
from distro.tui.stock.receive import ReceiveModal
from distro.tui.stock.text import (
    announce_receipt,
    expiry_text,
    may_change,
    quantity_text,
    today_at_counter,
)
from distro.tui.stock.write_off import confirm_write_off
from distro.tui.widgets.cells import cell
from distro.tui.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from datetime import tzinfo

    from distro.domain.stock.lists import LotView, MovementView
    from distro.domain.stock.models import Item
    from distro.domain.stock.receiving import Received

PAGE = 50
"""Movements read at once; O reads the next older page."""


class StockItemScreen(UsesDistro, Screen[None]):
    """One item: what is on the shelves, lot by lot, and every movement that put it there."""

    CSS_PATH = "../styles/stock.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the stock levels", id="item-back"),
        Binding("i", "issue", "Issue", tooltip="Issue this item to a shelter or kitchen", id="i"),
        Binding("a", "adjust", "Adjust", tooltip="Adjust (the highlighted lot)", id="adjust"),
        Binding("r", "receive", "Receive", tooltip="Receive a delivery of it", id="receive"),
        Binding("o", "older", "Older", tooltip="Read older movements", id="older"),
        Binding(
            "w",
            "write_off",
            "Write off",
            tooltip="Write off this item's expired lots",
            id="item-write-off",
            show=False,
        ),
        Binding(
            "b",
            "barcode",
            "Barcode",
            tooltip="Attach a product barcode: scanning it selects this item",
            id="barcode",
            show=False,
        ),
    ]

    KEY_PERMISSIONS: ClassVar[dict[str, Permission]] = {
        "receive": Permission.RECEIVE_STOCK,
        "issue": Permission.ISSUE_STOCK,
        "adjust": Permission.ADJUST_STOCK,
        "write_off": Permission.ADJUST_STOCK,
        "barcode": Permission.MANAGE_CATALOGUE,
    }
    PALETTE_AREA = "item"
    PALETTE_TITLES: ClassVar[dict[str, str]] = {
        "older": "older movements",
        "item-write-off": "write off expired",
        "barcode": "attach barcode",
    }
    PALETTE_HIDDEN = frozenset({"item-back"})

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: Item | None = None
        self.lots: list[LotView] = []
        self.movements: list[MovementView] = []
        self.older_left = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="item-summary")
        yield DataTable(id="lot-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="movements-title")
        yield DataTable(id="movement-table", cursor_type="row", zebra_stripes=True)
        yield CounterFooter()

    def on_mount(self) -> None:
        lots = self.query_one("#lot-table", DataTable)
        for label, width in (
            ("Lot", 4),
            ("Expiry", 10),
            ("", 13),
            ("On hand", 10),
            ("Location", 11),
            ("Source", 16),
        ):
            lots.add_column(label, width=width)
        movements = self.query_one("#movement-table", DataTable)
        for label, width in (
            ("When", 16),
            ("What", 7),
            ("Units", 7),
            ("Lot", 5),
            ("Who", 12),
            ("Why", 16),
        ):
            movements.add_column(label, width=width)
        self.reload()
        lots.focus()

    def show_item(self, item_id: int) -> None:
        """Show another item (a scan) on this screen."""
        self.item_id = item_id
        for table in self.query(DataTable).results(DataTable):
            table.move_cursor(row=0)
        self.reload()
        self.query_one("#lot-table", DataTable).focus()

    def reload(self) -> None:
        """Read the item, its lots and its newest movements again (a few indexed reads)."""

        today = today_at_counter(self.distro)
        with reading(self.distro) as session:
            self.item = load_item(session, self.item_id)
            barcodes = item_barcodes(session, self.item_id)
            self.lots = item_lots(session, self.item_id, today=today)
            self.movements = item_movements(session, self.item_id, limit=PAGE)
            zone = ngo_zone(session)
        self.older_left = len(self.movements) == PAGE
        self.sub_title = f"Item {self.item.code}"
        self._draw_summary(barcodes)
        self._draw_lots()
        movements = self.query_one("#movement-table", DataTable)
        movements.clear()
        self._add_movements(self.movements, zone)

    def _draw_summary(self, barcodes: list[str]) -> None:
        assert self.item is not None
        item = self.item
        usable = sum(lot.on_hand for lot in self.lots if not lot.expired)
        expired = sum(lot.on_hand for lot in self.lots if lot.expired)
        pack = f", {cell(item.pack_size)}" if item.pack_size else ""
        retired = "  [b]RETIRED[/b]" if item.retired_at else ""
        expired_text = f", [b]{expired:,} expired[/b] (W writes off)" if expired else ""
        low = " [b]LOW[/b]" if usable < item.low_stock_threshold else ""
        threshold = f"; low below {item.low_stock_threshold:,}" if item.low_stock_threshold else ""
        scans = ", ".join(barcodes) if barcodes else "none (B attaches one)"
        self.query_one("#item-summary", Static).update(
            f"[b]{cell(item.name)}[/b]  {item.code}  {item.category}{pack}{retired}\n"
            f"On hand {quantity_text(usable, item.unit)}{low}{expired_text}{threshold}\n"
            f"Barcodes: {scans}"
        )

    def _draw_lots(self) -> None:
        assert self.item is not None
        today = today_at_counter(self.distro)
        table = self.query_one("#lot-table", DataTable)
        row = table.cursor_row
        table.clear()
        for lot in self.lots:
            table.add_row(
                str(lot.lot_id),
                lot.expiry.isoformat() if lot.expiry else "-",
                expiry_text(lot.expiry, today),
                quantity_text(lot.on_hand, self.item.unit),
                cell(lot.location),
                cell(lot.source),
            )
        table.move_cursor(row=row)

    def _add_movements(self, movements: list[MovementView], zone: tzinfo) -> None:
        table = self.query_one("#movement-table", DataTable)
        for movement in movements:
            why = " ".join(part for part in (movement.reason, movement.reference) if part)
            table.add_row(
                moment_text(movement.at, zone),
                movement.kind.value,
                f"{movement.quantity:+,d}",
                str(movement.lot_id),
                cell(movement.actor),
                cell(why),
            )
        more = "; O reads older ones" if self.older_left else ""
        self.query_one("#movements-title", Static).update(
            f"Movements, newest first: {len(self.movements)} shown{more}"
        )

    def action_older(self) -> None:
        """The next page of older movements, added below those shown."""

        if not self.older_left or not self.movements:
            self.notify("Every movement of this item is shown.")
            return
        before = self.movements[-1].movement_id
        with reading(self.distro) as session:
            older = item_movements(session, self.item_id, limit=PAGE, before_id=before)
            zone = ngo_zone(session)
        self.older_left = len(older) == PAGE
        first_new = len(self.movements)
        self.movements += older
        self._add_movements(older, zone)
        table = self.query_one("#movement-table", DataTable)
        table.focus()
        table.move_cursor(row=first_new)

    def _highlighted_lot(self) -> int | None:
        table = self.query_one("#lot-table", DataTable)
        if table.has_focus and 0 <= table.cursor_row < len(self.lots):
            return self.lots[table.cursor_row].lot_id
        return None

    def _changed(self, message: str | None) -> None:
        if message:
            self.notify(message, title="Stock")
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_issue(self) -> None:
        if self.item is not None and may_change(self.distro, Permission.ISSUE_STOCK):
            self.app.push_screen(IssueModal(self.item.code), self._changed)

    def action_adjust(self) -> None:
        if self.item is not None and may_change(self.distro, Permission.ADJUST_STOCK):
            modal = AdjustModal(self.item.code, lot_id=self._highlighted_lot())
            self.app.push_screen(modal, self._changed)

    def action_receive(self) -> None:
        if self.item is not None and may_change(self.distro, Permission.RECEIVE_STOCK):
            self.app.push_screen(ReceiveModal(self.item.code), self._received)

    def _received(self, received: Received | None) -> None:
        announce_receipt(self.distro, received)
        self.reload()

    def action_write_off(self) -> None:
        confirm_write_off(self.distro, self._changed, item_id=self.item_id)

    def action_barcode(self) -> None:
        if self.item is not None and may_change(self.distro, Permission.MANAGE_CATALOGUE):
            self.app.push_screen(AttachBarcodeModal(self.item_id, self.item.name), self._changed)
