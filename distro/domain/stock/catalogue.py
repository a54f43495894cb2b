"""Provides the item catalogue's changes: adding, editing, retiring and reactivating items,
and attaching their product barcodes (finding items is `item_lookup`'s job).

Items are retired, never deleted: the stock ledger names them. A name is unique once folded
(`fold_item_name`), in the database itself (`item.name_key`), so "Rice 5kg" and "rice 5 KG"
cannot become two items with their stock split between them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import Session, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.errors import CodeError, Conflict, NotFound
from distro.domain.core.inputs import Line
from distro.domain.core.numbering import next_number, reserve_up_to
from distro.domain.stock.item_lookup import (
    fold_item_name,
    item_barcodes,
    item_on_hand,
    load_item,
    parse_item_code,
)
from distro.domain.stock.models import MAX_QUANTITY, Item, ItemBarcode, ItemCategory, StockUnit
from distro.domain.stock.product_barcodes import product_barcode

MAX_BARCODES = 20
"""Barcodes one item may carry (its sizes and brands); more is a file gone wrong."""
_BOOKKEEPING = {"id", "name_key", "created_at", "updated_at"}


def _checked_barcode(value: str) -> str:
    try:
        return product_barcode(value)
    except CodeError as error:
        raise ValueError(str(error)) from None


ProductBarcode = Annotated[str, AfterValidator(_checked_barcode)]


DIETARY_FLAGS = ("halal", "contains_pork", "vegetarian")
ITEM_FIELDS = ("name", "category", "unit", "pack_size", *DIETARY_FLAGS, "low_stock_threshold")
"""An item's own fields, in the order forms and CSV files show them (barcodes apart)."""


class ItemIn(BaseModel):
    """An item as typed on the catalogue form or read from a catalogue CSV row."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Line, Field(min_length=1, max_length=80)]
    category: ItemCategory
    unit: StockUnit
    pack_size: Annotated[Line, Field(max_length=40)] = ""
    halal: bool = False
    contains_pork: bool = False
    vegetarian: bool = False
    low_stock_threshold: int = Field(default=0, ge=0, le=MAX_QUANTITY)
    barcodes: list[ProductBarcode] | None = Field(default=None, max_length=MAX_BARCODES)
    """None keeps an edited item's barcodes as they are; a list replaces them."""

    @field_validator("barcodes")
    @classmethod
    def _without_repeats(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _pork_is_neither_halal_nor_vegetarian(self) -> ItemIn:
        for flag in ("halal", "vegetarian"):
            if self.contains_pork and getattr(self, flag):
                raise ValueError(f"an item that contains pork cannot be {flag}")
        return self


@requires(Permission.MANAGE_CATALOGUE)
def add_item(
    session: Session, data: ItemIn, *, actor: Actor, now: datetime, code: str | None = None
) -> Item:
    """Add an item and give it a code; `code` keeps an existing one (a catalogue import)."""
    key = fold_item_name(data.name)
    _refuse_taken_name(session, key, None)
    barcodes = data.barcodes or []
    for barcode in barcodes:
        _refuse_taken_barcode(session, barcode, None)
    item = Item(
        code=_kept_code(session, code) if code else _new_code(session),
        name_key=key,
        created_at=now,
        updated_at=now,
        **_columns(data),
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    session.add_all(ItemBarcode(item_id=item.id, barcode=barcode) for barcode in barcodes)
    _record(session, item, "item.add", f"Added item {item.code} {item.name}", None, actor, now)
    return item


@requires(Permission.MANAGE_CATALOGUE)
def update_item(
    session: Session, item_id: int, data: ItemIn, *, actor: Actor, now: datetime
) -> Item:
    """Change an item's fields (and its barcodes, unless `data.barcodes` is None); nothing is
    written, not even history, when nothing differs."""
    item = load_item(session, item_id)
    before = item_snapshot(session, item)
    key = fold_item_name(data.name)
    _refuse_taken_name(session, key, item)
    for barcode in data.barcodes or []:
        _refuse_taken_barcode(session, barcode, item)
    for name, value in {**_columns(data), "name_key": key}.items():
        setattr(item, name, value)
    if data.barcodes is not None:
        _replace_barcodes(session, item_id, data.barcodes)
    session.flush()
    if item_snapshot(session, item) != before:
        item.updated_at = now
        _record(session, item, "item.edit", f"Edited item {item.code}", before, actor, now)
    return item


@requires(Permission.MANAGE_CATALOGUE)
def retire_item(
    session: Session, item_id: int, *, actor: Actor, now: datetime, reason: str = ""
) -> Item:
    """Take an item out of the catalogue in use; refused while any of it is on the shelves,
    whose every unit must still be accounted for (issued, adjusted or written off)."""
    item = load_item(session, item_id)
    if item.retired_at is not None:
        raise Conflict(f"{item.name} ({item.code}) is already retired.")
    on_hand = item_on_hand(session, item_id)
    if on_hand:
        raise Conflict(
            f"{item.name} ({item.code}) still has {on_hand} {item.unit} on hand; "
            "issue, adjust or write them off before retiring it."
        )
    before = item_snapshot(session, item)
    item.retired_at = item.updated_at = now
    summary = f"Retired item {item.code} {item.name}"
    _record(session, item, "item.retire", summary, before, actor, now, reason)
    return item


@requires(Permission.MANAGE_CATALOGUE)
def reactivate_item(session: Session, item_id: int, *, actor: Actor, now: datetime) -> Item:
    """Bring a retired item back into the catalogue in use."""
    item = load_item(session, item_id)
    if item.retired_at is None:
        raise Conflict(f"{item.name} ({item.code}) is not retired.")
    before = item_snapshot(session, item)
    item.retired_at, item.updated_at = None, now
    summary = f"Reactivated item {item.code} {item.name}"
    _record(session, item, "item.reactivate", summary, before, actor, now)
    return item


@requires(Permission.MANAGE_CATALOGUE)
def attach_barcode(
    session: Session, item_id: int, barcode: str, *, actor: Actor, now: datetime
) -> Item:
    """Make scanning `barcode` select the item; attaching it twice to the same item is a
    no-op, so a volunteer may scan again when unsure."""
    item = load_item(session, item_id)
    stored = product_barcode(barcode)
    current = item_barcodes(session, item_id)
    if stored in current:
        return item
    _refuse_taken_barcode(session, stored, item)
    if len(current) >= MAX_BARCODES:
        raise Conflict(f"{item.name} ({item.code}) already has {MAX_BARCODES} barcodes.")
    before = item_snapshot(session, item)
    session.add(ItemBarcode(item_id=item_id, barcode=stored))
    summary = f"Attached barcode {stored} to item {item.code}"
    _record(session, item, "item.barcode.attach", summary, before, actor, now)
    return item


@requires(Permission.MANAGE_CATALOGUE)
def detach_barcode(
    session: Session, item_id: int, barcode: str, *, actor: Actor, now: datetime
) -> Item:
    """Stop `barcode` selecting the item (a product that changed, a label stuck on wrongly)."""
    item = load_item(session, item_id)
    stored = product_barcode(barcode)
    row = session.exec(
        select(ItemBarcode).where(ItemBarcode.item_id == item_id, ItemBarcode.barcode == stored)
    ).first()
    if row is None:
        raise NotFound(f"{item.name} ({item.code}) has no barcode {stored}.")
    before = item_snapshot(session, item)
    session.delete(row)
    summary = f"Detached barcode {stored} from item {item.code}"
    _record(session, item, "item.barcode.detach", summary, before, actor, now)
    return item


def item_snapshot(session: Session, item: Item) -> dict[str, Any]:
    """The item as plain data for its history: its fields and barcodes, no bookkeeping."""
    assert item.id is not None
    return {
        **item.model_dump(exclude=_BOOKKEEPING),
        "barcodes": item_barcodes(session, item.id),
    }


def _columns(data: ItemIn) -> dict[str, Any]:
    return data.model_dump(exclude={"barcodes"}, mode="json")


def _new_code(session: Session) -> str:
    return format_code(CodeKind.ITEM, next_number(session, CodeKind.ITEM))


def _kept_code(session: Session, code_text: str) -> str:
    """An existing item code (from an import), checked, and never handed out again."""
    code = parse_item_code(code_text)
    if session.exec(select(Item.id).where(Item.code == code.text)).first() is not None:
        raise Conflict(f"The code {code.text} already belongs to another item.")
    reserve_up_to(session, CodeKind.ITEM, code.number)
    return code.text


def _refuse_taken_name(session: Session, key: str, item: Item | None) -> None:
    other = session.exec(select(Item).where(Item.name_key == key)).first()
    if other is not None and other is not item:
        retired = "; it is retired: reactivate it instead" if other.retired_at else ""
        raise Conflict(f"There is already an item called {other.name} ({other.code}){retired}.")


def _refuse_taken_barcode(session: Session, barcode: str, item: Item | None) -> None:
    owner = session.exec(
        select(Item).join(ItemBarcode).where(ItemBarcode.barcode == barcode)
    ).first()
    if owner is not None and owner is not item:
        raise Conflict(
            f"Barcode {barcode} already belongs to {owner.name} ({owner.code}); "
            "detach it from that item first."
        )


def _replace_barcodes(session: Session, item_id: int, barcodes: list[str]) -> None:
    """Delete the barcodes no longer wanted and add the new ones; those kept are not touched."""
    rows = session.exec(select(ItemBarcode).where(ItemBarcode.item_id == item_id)).all()
    for row in rows:
        if row.barcode not in barcodes:
            session.delete(row)
    kept = {row.barcode for row in rows}
    session.add_all(ItemBarcode(item_id=item_id, barcode=b) for b in barcodes if b not in kept)


def _record(
    session: Session,
    item: Item,
    action: str,
    summary: str,
    before: dict[str, Any] | None,
    actor: Actor,
    now: datetime,
    reason: str = "",
) -> None:
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="item",
        entity_id=item.id,
        family_id=None,
        summary=summary,
        before=before,
        after=item_snapshot(session, item),
        reason=reason,
    )
