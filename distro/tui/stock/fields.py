"""Provides the fields of the stock forms, and ItemField: an item named by its code, a product
barcode (scanned into the field) or its name, looked up when Enter is pressed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label

from distro.domain.core.errors import DomainError, InvalidInput
from distro.domain.stock.item_lookup import find_item, load_item
from distro.domain.stock.models import AdjustReason, StockSource
from distro.tui.base import UsesDistro, reading
from distro.tui.widgets.cells import cell
from distro.tui.widgets.form import FieldSpec, FormFields

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.stock.models import Item

ITEM_FIELD = FieldSpec(
    "item", "Item *", placeholder="name, code, or scan the product", max_length=80
)
ISSUE_FIELDS = (
    FieldSpec("quantity", "Quantity *", "int", max_length=7),
    FieldSpec("reason", "Who it goes to, or why *", placeholder="e.g. Shelter X", max_length=250),
)
ADJUST_FIELDS = (
    FieldSpec("quantity", "Units (+ adds, - takes) *", "int", placeholder="e.g. -3", max_length=8),
    FieldSpec(
        "reason",
        "Reason *",
        "choice",
        tuple((reason.value, reason.value.capitalize()) for reason in AdjustReason),
    ),
    FieldSpec("note", "Note (correction: say why)", max_length=250),
    FieldSpec("lot", "Lot number", "int", placeholder="empty: soonest expiry first", max_length=9),
    FieldSpec("expiry", "Expiry (found stock)", "date", max_length=10),
    FieldSpec("location", "Location (found stock)", max_length=40),
)
RECEIPT_FIELDS = (
    FieldSpec(
        "source_kind",
        "Source *",
        "choice",
        tuple((source.value, source.value.capitalize()) for source in StockSource),
    ),
    FieldSpec("source", "From (donor, shop)", max_length=120),
    FieldSpec("received_on", "Received on *", "date", max_length=10),
    FieldSpec("note", "Note", max_length=500),
)
LINE_FIELDS = (
    FieldSpec("quantity", "Quantity *", "int", max_length=7),
    FieldSpec("expiry", "Expiry", "date", placeholder="YYYY-MM-DD, empty if none", max_length=10),
    FieldSpec("location", "Location", placeholder="e.g. Shelf A", max_length=40),
)


def optional_date(text: str, field: str) -> date | None:
    """A typed date, None when left empty, or InvalidInput in plain words."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput({field: "is not a date; type it as YYYY-MM-DD"}) from None


class ItemField(UsesDistro, FormFields):
    """The item of a stock form. It carries `code-input`, so a scanned product barcode lands in
    it as typed text; Enter looks the item up, says which one it is, and moves on."""

    DEFAULT_CSS = """
    ItemField .item-found { color: $text-muted; height: auto; width: 1fr; padding-left: 28; }
    ItemField .field-error { width: 1fr; }
    """

    def __init__(self, *, prefix: str, typed: str = "") -> None:
        super().__init__((ITEM_FIELD,), {"item": typed}, prefix=prefix)

    @property
    def input(self) -> Input:
        """The box the item is typed or scanned into."""
        return self.query_one(f"#{self.prefix}-item", Input)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Label("", id=f"{self.prefix}-found", classes="item-found")

    def on_mount(self) -> None:
        self.input.add_class("code-input")
        if self.input.value:
            self.look_up()
        else:
            self.show_found("")

    @on(Input.Submitted)
    def _item_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.look_up() is not None:
            self.screen.focus_next()

    def look_up(self) -> Item | None:
        """Find the typed item now (a few indexed reads), showing it or why it is not found."""

        try:
            with reading(self.distro) as session:
                item = self.resolve(session)
        except InvalidInput as problem:
            self.show_problems(problem.problems)
            self.show_found("")
            return None
        self.show_problems({})
        self.show_found(f"{cell(item.name)} ({item.code}), counted in {item.unit}")
        return item

    def pick(self, item_id: int) -> None:
        """Fill in an item scanned while another field had the cursor."""

        with reading(self.distro) as session:
            self.input.value = load_item(session, item_id).code
        self.look_up()

    def resolve(self, session: Session) -> Item:
        """The item the field names, in the caller's session; InvalidInput under the field."""

        try:
            return find_item(session, self.input.value.strip())
        except DomainError as error:
            raise InvalidInput({"item": str(error)}) from None

    def show_found(self, text: str) -> None:
        """The item the field names, under it (no empty line when it names none)."""
        found = self.query_one(f"#{self.prefix}-found", Label)
        found.update(text)
        found.display = bool(text)

    def clear(self) -> None:
        """Empty the field for the next line."""
        self.input.value = ""
        self.show_found("")
