"""Provides the item catalogue: adding, editing and retiring items, their product barcodes, and
finding an item by its code, a product barcode or its name.

Items are retired, never deleted: the stock ledger names them. A name is unique once folded
(`fold_item_name`), in the database itself (`item.name_key`), so "Rice 5kg" and "rice 5 KG"
cannot become two items with their stock split between them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import func, literal, text
from sqlmodel import Session, col, select

from distro.domain.access import Actor, Permission, requires
from distro.domain.audit import record_change
from distro.domain.codes import Code, CodeKind, format_code, looks_like_code, parse_scan
from distro.domain.errors import CodeError, Conflict, DomainError, NotFound
from distro.domain.names import fold
from distro.domain.numbering import next_number, reserve_up_to
from distro.domain.product_barcodes import looks_like_product_barcode, product_barcode
from distro.domain.schemas import Line, clean_line
from distro.domain.search import RESULT_LIMIT, prefix_condition
from distro.domain.stock_models import (
    MAX_QUANTITY,
    Item,
    ItemBarcode,
    ItemCategory,
    StockLot,
    StockUnit,
)

MAX_BARCODES = 20
"""Barcodes one item may carry (its sizes and brands); more is a file gone wrong."""
CANDIDATES_SHOWN = 5
CATALOGUE_LIMIT = 5000
"""More items than any NGO store keeps; listing stops there rather than at the memory's end."""
_BOOKKEEPING = {"id", "name_key", "created_at", "updated_at"}
_NUMBER_OR_OTHER = re.compile(r"\d+(?:[.,]\d+)*|\D+")


class AmbiguousItem(DomainError):
    """A name matches several items; `candidates` are the first few, to choose from."""

    def __init__(self, typed: str, candidates: list[Item]) -> None:
        self.candidates = candidates[:CANDIDATES_SHOWN]
        listed = ", ".join(f"{item.name} ({item.code})" for item in self.candidates)
        more = ", …" if len(candidates) > CANDIDATES_SHOWN else ""
        super().__init__(
            f"'{_shown(typed)}' matches several items: {listed}{more}. "
            "Type more of the name, or the item's code."
        )


class UnknownProductBarcode(NotFound):
    """A valid product barcode that no item carries yet; `barcode` is it, as stored."""

    def __init__(self, barcode: str) -> None:
        self.barcode = barcode
        super().__init__(
            f"Product barcode {barcode} belongs to no item yet. Attach it to its item with "
            f"`distro stock barcode ITEM {barcode}`, or from the item in the app's Stock area."
        )


def fold_item_name(name: str) -> str:
    """The name as its unique key: case and accents folded, numbers apart from the letters
    around them, punctuation and runs of spaces as one space ("rice 5 kg" for "Rice 5kg")."""
    words: list[str] = []
    for chunk in _NUMBER_OR_OTHER.findall(fold(name)):
        if chunk[0].isdigit():
            words.append(chunk.replace(",", "."))
            continue
        letters = (ch if unicodedata.category(ch)[0] in "LM" else " " for ch in chunk)
        words += "".join(letters).split()
    return " ".join(words)[:80]


def _checked_barcode(value: str) -> str:
    try:
        return product_barcode(value)
    except CodeError as error:
        raise ValueError(str(error)) from None


ProductBarcode = Annotated[str, AfterValidator(_checked_barcode)]


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


def load_item(session: Session, item_id: int) -> Item:
    """The item with this id, or NotFound."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"No item with id {item_id}.")
    return item


def item_barcodes(session: Session, item_id: int) -> list[str]:
    """The item's product barcodes, in order."""
    query = select(ItemBarcode.barcode).where(ItemBarcode.item_id == item_id)
    return sorted(session.exec(query).all())


def item_on_hand(session: Session, item_id: int) -> int:
    """Units of the item on the shelves: the sum of its lots' on_hand (one indexed read)."""
    query = select(func.coalesce(func.sum(StockLot.on_hand), 0)).where(StockLot.item_id == item_id)
    return int(session.exec(query).one())


def item_snapshot(session: Session, item: Item) -> dict[str, Any]:
    """The item as plain data for its history: its fields and barcodes, no bookkeeping."""
    assert item.id is not None
    return {
        **item.model_dump(exclude=_BOOKKEEPING),
        "barcodes": item_barcodes(session, item.id),
    }


def parse_item_code(code_text: str) -> Code:
    """A typed or scanned item code, checked; CodeError if mistyped or another kind of code."""
    code = parse_scan(code_text)
    if code.kind != CodeKind.ITEM:
        raise CodeError(f"{code.text} is not an item code (those start with {CodeKind.ITEM}).")
    return code


def find_item_by_code(session: Session, code_text: str) -> Item:
    """The item a typed or scanned item code names, retired or not."""
    code = parse_item_code(code_text)
    item = session.exec(select(Item).where(Item.code == code.text)).first()
    if item is None:
        raise NotFound(f"No item has the code {code.text}.")
    return item


def find_item_by_barcode(session: Session, barcode: str) -> Item:
    """The item carrying a product barcode, or UnknownProductBarcode (offer to attach it)."""
    stored = product_barcode(barcode)
    item = session.exec(select(Item).join(ItemBarcode).where(ItemBarcode.barcode == stored)).first()
    if item is None:
        raise UnknownProductBarcode(stored)
    return item


def find_item(session: Session, typed: str) -> Item:
    """The one item `typed` names: an item code, a product barcode, or a name.

    An exact name (folded) wins, retired items included; otherwise active items whose name
    starts with `typed`, and failing those, active items with a word starting with each word
    typed ("diapers l" finds "Diapers size L"). Several matches raise AmbiguousItem."""
    if looks_like_product_barcode(typed):
        return find_item_by_barcode(session, typed)
    if looks_like_code(typed):
        return find_item_by_code(session, typed)
    key = fold_item_name(typed)
    if not key:
        raise NotFound("Type an item's code, its product barcode or its name.")
    exact = session.exec(select(Item).where(Item.name_key == key)).first()
    if exact is not None:
        return exact
    for matching in (_name_starts, _words_start):
        found = matching(session, key, CANDIDATES_SHOWN + 1)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousItem(typed, found)
    raise NotFound(f"No item matches '{_shown(typed)}'.")


def search_items(session: Session, typed: str, limit: int = RESULT_LIMIT) -> list[Item]:
    """Active items for a picker, names starting with `typed` first, then names with a word
    starting with each word typed; a code or barcode gives its item. Empty: the first by name.

    The name prefix is a range on the unique name_key index; the word match reads item rows,
    which a catalogue of a few thousand items and LIMIT keep cheap."""
    if looks_like_product_barcode(typed) or looks_like_code(typed):
        try:
            return [find_item(session, typed)]
        except DomainError:
            return []
    key = fold_item_name(typed)
    found = _name_starts(session, key, limit)
    seen = {item.id for item in found}
    found += [item for item in _words_start(session, key, limit) if item.id not in seen]
    return found[:limit]


def catalogue_items(
    session: Session, *, include_retired: bool = False, limit: int = CATALOGUE_LIMIT
) -> list[Item]:
    """The catalogue as it sits on the shelves: by category, then name."""
    query = select(Item).order_by(col(Item.category), col(Item.name_key)).limit(limit)
    if not include_retired:
        query = query.where(col(Item.retired_at).is_(None))
    return list(session.exec(query).all())


def _name_starts(session: Session, key: str, limit: int) -> list[Item]:
    params: dict[str, object] = {}
    starts = text(prefix_condition("item.name_key", "prefix", key, params)).bindparams(**params)
    query = select(Item).where(starts, col(Item.retired_at).is_(None))
    return list(session.exec(query.order_by(col(Item.name_key)).limit(limit)).all())


def _words_start(session: Session, key: str, limit: int) -> list[Item]:
    # Folded words are letters, marks and digits only, so none is a LIKE wildcard.
    spaced = literal(" ") + col(Item.name_key)
    words = [spaced.like(f"% {word}%") for word in key.split()]
    query = select(Item).where(*words, col(Item.retired_at).is_(None))
    return list(session.exec(query.order_by(col(Item.name_key)).limit(limit)).all())


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


def _shown(typed: str, limit: int = 40) -> str:
    visible = str(clean_line(typed))
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"
