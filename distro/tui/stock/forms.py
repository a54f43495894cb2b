"""Provides the issue and adjust dialogs: one item, how many, and why; the ledger's services
decide, and a refusal keeps the dialog open with nothing written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distro.domain.core.errors import InvalidInput
from distro.domain.stock.adjusting import adjust_stock
from distro.domain.stock.ledger import issue_stock
from distro.domain.stock.models import AdjustReason
from distro.tui.base import writing
from distro.tui.stock.fields import ADJUST_FIELDS, ISSUE_FIELDS, ItemField, optional_date
from distro.tui.stock.text import quantity_text, whole_number
from distro.tui.widgets.form import FieldSpec, FormFields
from distro.tui.widgets.form_modal import FormModal

if TYPE_CHECKING:
    from sqlmodel import Session

    from distro.domain.stock.ledger import Taken
    from distro.domain.stock.models import Item


class ItemFormModal(FormModal[str]):
    """An item, then the details of what happens to it; dismisses with a line saying what was
    done. Opened from an item's screen, the item is filled in and the details take the cursor."""

    detail_specs: tuple[FieldSpec, ...] = ()

    def __init__(self, item_code: str = "") -> None:
        super().__init__()
        self.item = ItemField(prefix="chosen", typed=item_code)
        self.details = FormFields(self.detail_specs, self.initial_values(), prefix="stock")

    def initial_values(self) -> dict[str, str]:
        """What the details start with."""
        return {}

    def field_groups(self) -> list[tuple[str, FormFields, str]]:
        return [("", self.item, ""), ("", self.details, "")]

    def on_mount(self) -> None:
        """Textual runs FormModal's on_mount too, which focuses the item: move on after it."""
        if self.item.input.value:
            self.call_after_refresh(self.details.focus_first)

    def pick_item(self, item_id: int) -> None:
        """A product scanned while the cursor was elsewhere in the form: it is the item."""
        self.item.pick(item_id)
        self.details.focus_first()

    def submit(self) -> str:
        values = self.details.values()
        with writing(self.distro) as session:
            item = self.item.resolve(session)
            return self.change(session, item, values)

    def change(self, session: Session, item: Item, values: dict[str, str]) -> str:
        """Make the change in `session` and say what was done."""
        raise NotImplementedError


def lots_text(taken: list[Taken]) -> str:
    """ "from 2 lots" (or "1 lot")."""
    return f"{len(taken)} lot{'s' if len(taken) != 1 else ''}"


class IssueModal(ItemFormModal):
    """Issue stock to a shelter or a kitchen, first expiry first out."""

    form_title = "Issue stock"
    detail_specs = ISSUE_FIELDS

    def change(self, session: Session, item: Item, values: dict[str, str]) -> str:
        assert item.id is not None
        quantity = whole_number(values.get("quantity", ""), "quantity")
        taken = issue_stock(
            session,
            item.id,
            quantity,
            values.get("reason", ""),
            actor=self.distro.current_actor(),
            now=self.distro.clock(),
        )
        return (
            f"Issued {quantity_text(quantity, item.unit)} of {item.name} from {lots_text(taken)}."
        )


class AdjustModal(ItemFormModal):
    """Correct the shelves by hand: damaged, expired, lost, found, or a correction."""

    form_title = "Adjust stock"
    detail_specs = ADJUST_FIELDS

    def __init__(self, item_code: str = "", lot_id: int | None = None) -> None:
        self.lot_id = lot_id
        super().__init__(item_code)

    def initial_values(self) -> dict[str, str]:
        return {"lot": str(self.lot_id)} if self.lot_id else {}

    def change(self, session: Session, item: Item, values: dict[str, str]) -> str:
        assert item.id is not None
        quantity = whole_number(values.get("quantity", ""), "quantity")
        if "reason" not in values:
            raise InvalidInput({"reason": "choose why the shelves differ"})
        lot = values.get("lot", "")
        taken = adjust_stock(
            session,
            item.id,
            quantity,
            AdjustReason(values["reason"]),
            values.get("note", ""),
            lot_id=whole_number(lot, "lot") if lot else None,
            expiry=optional_date(values.get("expiry", ""), "expiry"),
            location=values.get("location", ""),
            actor=self.distro.current_actor(),
            now=self.distro.clock(),
        )
        return (
            f"Adjusted {item.name} by {quantity:+,d} {item.unit} "
            f"({values['reason']}, {lots_text(taken)})."
        )
