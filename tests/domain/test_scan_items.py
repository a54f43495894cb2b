"""Scanning items: a shelf label's item code or a product's own barcode selects the item and says
how many are on hand, in a couple of indexed reads; family cards scan as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import CodeError, NotFound
from distro.domain.scan import ScanResult, looks_scannable, resolve_scan
from distro.domain.stock.catalogue import retire_item
from distro.domain.stock.item_lookup import UnknownProductBarcode
from distro.domain.stock.models import Item
from tests.builders.databases import query_plan, recorded_statements
from tests.builders.families import ACTOR, Registrar
from tests.builders.stock import EAN_13, UPC_A, catalogue_item, receive_lots


@pytest.fixture
def rice(engine: Engine, now: datetime) -> Item:
    item = catalogue_item(engine, now, "Rice 5 kg", barcodes=[EAN_13, UPC_A])
    receive_lots(engine, now, item, 100, 20)
    return item


def scan(engine: Engine, scanned: str) -> ScanResult:
    with reading(engine) as session:
        return resolve_scan(session, scanned)


def test_an_item_code_names_the_item_and_its_stock(engine: Engine, rice: Item) -> None:
    result = scan(engine, rice.code)
    assert result == ScanResult(
        kind=CodeKind.ITEM,
        target_id=rice.id,  # type: ignore[arg-type]
        description=f"item {rice.code}: Rice 5 kg, 120 bag on hand",
    )


@pytest.mark.parametrize("scanned", [f"]E0{EAN_13}\r\n", EAN_13, UPC_A, "0" + UPC_A])
def test_a_product_barcode_selects_its_item(engine: Engine, rice: Item, scanned: str) -> None:
    result = scan(engine, scanned)
    assert (result.kind, result.target_id) == (CodeKind.ITEM, rice.id)
    assert result.description == f"item {rice.code}: Rice 5 kg, 120 bag on hand"


def test_an_item_without_stock_and_a_retired_one(engine: Engine, now: datetime) -> None:
    soap = catalogue_item(engine, now, "Soap bar", category="hygiene", unit="piece")
    assert scan(engine, soap.code).description == f"item {soap.code}: Soap bar, 0 piece on hand"
    with unit_of_work(engine) as session:
        retire_item(session, soap.id, actor=ACTOR, now=now)  # type: ignore[arg-type]
    assert scan(engine, soap.code).description.endswith("0 piece on hand, retired")


def test_a_scan_is_a_couple_of_indexed_reads(engine: Engine, rice: Item) -> None:
    for scanned in (rice.code, EAN_13):
        with recorded_statements(engine) as recorded:
            scan(engine, scanned)
        statements = [sql for sql, _parameters in recorded]
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    with reading(engine) as session:
        plan = query_plan(
            session, "SELECT coalesce(sum(on_hand), 0) FROM stock_lot WHERE item_id = 1"
        )
    assert "USING INDEX ix_stock_lot_item_expiry (item_id=?)" in plan


def test_a_barcode_no_item_carries_offers_to_attach_it(engine: Engine, rice: Item) -> None:
    unknown = "5012345678900"
    with pytest.raises(UnknownProductBarcode) as refused:
        scan(engine, unknown)
    assert refused.value.barcode == unknown
    assert f"distro stock barcode ITEM {unknown}" in str(refused.value)


def test_mistyped_and_unknown_item_codes_are_refused(engine: Engine, rice: Item) -> None:
    with pytest.raises(CodeError, match="check digit"):
        scan(engine, EAN_13[:-1] + "2")
    with pytest.raises(CodeError, match="looks mistyped"):
        scan(engine, rice.code[:-1] + ("0" if rice.code[-1] != "0" else "1"))
    with pytest.raises(NotFound, match="No item has the code"):
        scan(engine, format_code(CodeKind.ITEM, 77))


def test_family_cards_scan_as_before(engine: Engine, rice: Item, register: Registrar) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    result = scan(engine, f"]C1{family.code}\r\n")
    assert result == ScanResult(
        kind=CodeKind.FAMILY,
        target_id=family.id,  # type: ignore[arg-type]
        description=f"family {family.code}: 2 members, Sham Shui Po, active",
    )
    with pytest.raises(NotFound, match="Is this card from another NGO"):
        scan(engine, format_code(CodeKind.FAMILY, 99))


@pytest.mark.parametrize(
    ("typed", "scannable"),
    [
        (format_code(CodeKind.FAMILY, 4217), True),
        (format_code(CodeKind.ITEM, 12), True),
        ("F-004217-C", True),  # mistyped family code: the scan line says so
        (f"]E0{EAN_13}\r", True),
        (UPC_A, True),
        ("96385074", True),  # a valid EAN-8
        ("91234567", False),  # a phone number: its last digit is no check digit
        (EAN_13[:-1] + "2", False),
        ("rice 5 kg", False),
        ("", False),
    ],
)
def test_what_the_scan_line_treats_as_a_scan(typed: str, scannable: bool) -> None:
    assert looks_scannable(typed) is scannable
