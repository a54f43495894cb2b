"""Provides the dialog that attaches a product barcode to an item, so scanning it selects it."""

from __future__ import annotations

from textual import on
from textual.markup import escape
from textual.widgets import Input

from distro.domain.core.errors import CodeError, InvalidInput
from distro.domain.stock.catalogue import attach_barcode
from distro.domain.stock.product_barcodes import product_barcode
from distro.tui.base import writing
from distro.tui.widgets.form import FieldSpec, FormFields
from distro.tui.widgets.form_modal import FormModal

BARCODE_FIELDS = (
    FieldSpec(
        "barcode", "Product barcode *", placeholder="scan it, or type the digits", max_length=20
    ),
)


class AttachBarcodeModal(FormModal[str]):
    """One field, which takes a scan as typed text; dismisses with what was done."""

    def __init__(self, item_id: int, item_name: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.form_title = f"Attach a barcode to {escape(item_name)}"
        self.fields = FormFields(BARCODE_FIELDS, prefix="attach")

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [("", self.fields, "")]

    def on_mount(self) -> None:
        self.query_one("#attach-barcode").add_class("code-input")

    @on(Input.Submitted)
    def _scanned(self) -> None:
        """A scanner ends with Enter: that is the moment to attach."""
        self.action_save()

    def submit(self) -> str:
        typed = self.fields.values().get("barcode", "")
        try:
            barcode = product_barcode(typed)
        except CodeError as error:
            raise InvalidInput({"barcode": str(error)}) from None
        with writing(self.distro) as session:
            item = attach_barcode(
                session,
                self.item_id,
                barcode,
                actor=self.distro.current_actor(),
                now=self.distro.clock(),
            )
            return f"Barcode {barcode} now selects {item.name}."
