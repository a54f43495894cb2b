"""Provides finding items: by code, product barcode or an unambiguous name, for pickers and
for the scan line; and the name folding that keeps one item per name."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, literal, text
from sqlmodel import Session, col, select

from distro.domain.core.codes import Code, CodeKind, looks_like_code, parse_scan
from distro.domain.core.errors import CodeError, DomainError, NotFound
from distro.domain.core.inputs import clean_line
from distro.domain.core.names import fold
from distro.domain.core.prefix_search import RESULT_LIMIT, prefix_condition
from distro.domain.stock.models import Item, ItemBarcode, StockLot
from distro.domain.stock.product_barcodes import looks_like_product_barcode, product_barcode

CANDIDATES_SHOWN = 5
CATALOGUE_LIMIT = 5000
"""More items than any NGO store keeps; listing stops there rather than at the memory's end."""
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


def _shown(typed: str, limit: int = 40) -> str:
    visible = str(clean_line(typed))
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"
