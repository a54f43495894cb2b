"""Provides what a scanned code refers to, for the scan line and `distro scan`: a family card,
a handout slip, an item's shelf label, or a product's own barcode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlmodel import Session

from distro.domain.core.codes import Code, CodeKind, looks_like_code, parse_scan
from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.core.zone import ngo_zone
from distro.domain.distribution.slip_view import at_counter
from distro.domain.distribution.slips import SlipState, find_slip
from distro.domain.families.registry import find_family_by_code
from distro.domain.families.search import describe_families
from distro.domain.stock.item_lookup import find_item_by_barcode, find_item_by_code, item_on_hand
from distro.domain.stock.models import Item
from distro.domain.stock.product_barcodes import (
    is_valid_product_barcode,
    looks_like_product_barcode,
)


@dataclass(frozen=True)
class ScanResult:
    """The thing a code names: its kind, its id, and one line describing it."""

    kind: CodeKind
    target_id: int
    description: str


def looks_scannable(text: str) -> bool:
    """Whether a burst of keys is a scan for the scan line: a distro code (right or mistyped,
    to be refused in plain words), or a product barcode whose check digit matches. A scanner
    checks that digit before it sends anything, so eight digits that fail it are someone
    pasting a phone number, not a scan."""
    return looks_like_code(text) or is_valid_product_barcode(text)


def resolve_scan(session: Session, scanned: str | Code) -> ScanResult:
    """What `scanned` (or the code read from it already) names, or CodeError / NotFound
    saying plainly why it names nothing; a product barcode no item carries raises
    UnknownProductBarcode (offer to attach it)."""
    if isinstance(scanned, str) and looks_like_product_barcode(scanned):
        return _item_result(session, find_item_by_barcode(session, scanned))
    code = parse_scan(scanned)
    if code.kind == CodeKind.ITEM:
        return _item_result(session, find_item_by_code(session, code.text))
    if code.kind == CodeKind.SLIP:
        return _slip_result(find_slip(session, code), ngo_zone(session))
    return _family_result(session, code)


def _family_result(session: Session, code: Code) -> ScanResult:
    family = find_family_by_code(session, code)
    assert family.id is not None
    [hit] = describe_families(session, [family.id])
    via = "" if family.code == code.text else f" (card {code.text} was merged into it)"
    return ScanResult(
        kind=CodeKind.FAMILY,
        target_id=family.id,
        description=f"family {family.code}{via}: {hit.household_size} members, "
        f"{hit.district}, {hit.status}",
    )


def _slip_result(slip: SlipState, zone: tzinfo) -> ScanResult:
    handout = slip.handout
    assert handout.id is not None
    at = moment_text(handout.handed_out_at, zone, MomentStyle.DAY_TIME)
    return ScanResult(
        kind=CodeKind.SLIP,
        target_id=handout.id,
        description=f"slip {handout.code}: {slip.round_name}, family {slip.family_code}, "
        f"handed out {at} {at_counter(handout.counter)}, {slip.state}",
    )


def _item_result(session: Session, item: Item) -> ScanResult:
    assert item.id is not None
    retired = ", retired" if item.retired_at is not None else ""
    on_hand = item_on_hand(session, item.id)
    return ScanResult(
        kind=CodeKind.ITEM,
        target_id=item.id,
        description=f"item {item.code}: {item.name}, {on_hand} {item.unit} on hand{retired}",
    )
