"""Provides the receive dialog: a delivery or donation, with as many lines as arrived.

Each line (an item, scanned or typed, its quantity, expiry and shelf) is checked when Enter on
Location adds it to the list below; Ctrl+S posts the whole receipt in one transaction, so a
refused receipt writes nothing and keeps every line on screen.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label

from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.stock.ledger import checked_quantity
from distro.domain.stock.receiving import (
    ReceiptIn,
    ReceiptLineIn,
    Received,
    expiry_warning,
    receive_stock,
)
from distro.tui.base import UsesDistro, reading, writing
from distro.tui.stock.fields import LINE_FIELDS, RECEIPT_FIELDS, ItemField, optional_date
from distro.tui.stock.text import today_at_counter, whole_number
from distro.tui.widgets.cells import cell
from distro.tui.widgets.form import FormFields
from distro.tui.widgets.form_modal import FormModal

_LINE_PROBLEM = re.compile(r"lines\.(\d+)\.(\w+)")
NEW_EACH = ("quantity", "expiry")
"""Fields emptied for the next line; the location stays, the next line is most often on the
same shelf."""


class ReceiptLines(UsesDistro, FormFields):
    """The line being typed, and the lines already added (Del removes the highlighted one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "remove_line", "Remove line", tooltip="Take the line out", id="del-line"),
    ]

    def __init__(self, item_code: str = "") -> None:
        super().__init__(LINE_FIELDS, prefix="line")
        self.item = ItemField(prefix="chosen", typed=item_code)
        self.pending: list[ReceiptLineIn] = []

    def compose(self) -> ComposeResult:
        yield self.item
        for widget in super().compose():
            yield widget
            if widget.id == "line-expiry-error":  # the warning sits under the expiry too
                yield Label("", id="line-expiry-warning", classes="expiry-warning")
        yield DataTable(id="receipt-lines", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#receipt-lines", DataTable)
        for label, width in (("Item", 30), ("Qty", 10), ("Expiry", 10), ("Location", 12)):
            table.add_column(label, width=width)

    @on(Input.Submitted, "#line-quantity, #line-expiry")
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    @on(Input.Changed, "#line-expiry")
    def _warn_of_expiry(self, event: Input.Changed) -> None:
        """Say at once that a typed expiry has passed (or is today), not only after saving."""
        try:
            expiry = optional_date(event.value, "expiry")
        except InvalidInput:
            expiry = None  # not a whole date yet; the line's check says so when it is added
        warning = expiry_warning(expiry, today_at_counter(self.distro))
        label = self.query_one("#line-expiry-warning", Label)
        label.update(warning)
        label.set_class(bool(warning), "-shown")

    @on(Input.Submitted, "#line-location")
    def _line_done(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.take_entry()
        except InvalidInput as problems:
            self.show_problems(problems.problems)

    def has_entry(self) -> bool:
        """Whether a line is being typed (the location stays from the line before)."""
        boxes = [self.item.input, *(self.query_one(f"#line-{name}", Input) for name in NEW_EACH)]
        return any(box.value.strip() for box in boxes)

    def take_entry(self) -> None:
        """Check the line being typed and add it to the list, or raise InvalidInput."""

        with reading(self.distro) as session:
            item = self.item.resolve(session)
        typed = super().values()
        quantity = checked_quantity(whole_number(typed.get("quantity", ""), "quantity"))
        assert item.id is not None
        line = validated(
            ReceiptLineIn,
            {
                "item_id": item.id,
                "quantity": quantity,
                "expiry": optional_date(typed.get("expiry", ""), "expiry"),
                "location": typed.get("location", ""),
            },
        )
        self.pending.append(line)
        self.query_one("#receipt-lines", DataTable).add_row(
            cell(item.name),
            f"{line.quantity:,} {item.unit}",
            line.expiry.isoformat() if line.expiry else "-",
            cell(line.location),
        )
        self.show_problems({})
        self.item.clear()
        for name in NEW_EACH:
            self.query_one(f"#line-{name}", Input).value = ""
        self.item.input.focus()

    def action_remove_line(self) -> None:
        table = self.query_one("#receipt-lines", DataTable)
        if table.has_focus and self.pending:
            row = table.cursor_row
            del self.pending[row]
            table.remove_row(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key)

    def values(self) -> dict[str, Any]:
        return {"lines": [line.model_dump() for line in self.pending]}

    def state(self) -> dict[str, Any]:
        """The lines added and the one being typed: losing either loses typing."""
        return {**self.item.values(), **super().values(), **self.values()}

    def show_problems(self, problems: dict[str, str], path: str = "") -> list[Widget]:
        return self.item.show_problems(problems, path) + super().show_problems(problems, path)

    def focus_first(self) -> None:
        self.item.focus_first()


class ReceiveModal(FormModal[Received]):
    """Where the stock came from and when, then its lines; dismisses with the posted receipt."""

    CSS_PATH = "../styles/stock.tcss"

    form_title = "Receive stock"

    def __init__(self, item_code: str = "") -> None:
        super().__init__()
        today = today_at_counter(self.distro).isoformat()
        self.header = FormFields(
            RECEIPT_FIELDS, {"source_kind": "donor", "received_on": today}, prefix="receipt"
        )
        self.lines = ReceiptLines(item_code)

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [
            ("", self.header, ""),
            ("Lines: Enter on Location adds one; Del removes one", self.lines, ""),
        ]

    def pick_item(self, item_id: int) -> None:
        """A product scanned while the cursor was elsewhere in the form: the next line's item."""
        self.lines.item.pick(item_id)
        self.query_one("#line-quantity", Input).focus()

    def submit(self) -> Received:
        if self.lines.has_entry():
            self.lines.take_entry()
        if not self.lines.pending:
            raise DomainError("Add a line first: the item, its quantity, then Enter on Location.")
        receipt = validated(ReceiptIn, {**self.header.values(), **self.lines.values()})
        try:
            with writing(self.distro) as session:
                return receive_stock(
                    session, receipt, actor=self.distro.current_actor(), now=self.distro.clock()
                )
        except InvalidInput as problems:
            raise InvalidInput(
                {
                    _LINE_PROBLEM.sub(r"line \1, \2", key): why
                    for key, why in problems.problems.items()
                }
            ) from None
