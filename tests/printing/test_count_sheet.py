"""The count sheet prints every lot once, grouped by location, with the header on every page;
blind mode leaves the books out."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading
from distro.domain.stock.take import CountLine, count_sheet
from distro.printing.count_sheet import ROWS_PER_PAGE, count_sheet_pdf
from tests.builders.clock import HONG_KONG
from tests.builders.stock import stocked_item
from tests.printing.pdf_reading import page_count, page_text

PRINTED_AT = "Printed 2026-11-25 17:30"
"""FIXED_NOW (09:30 UTC) as the counters' clock in Hong Kong shows it."""


def line(n: int, location: str = "Shelf A", name: str = "Rice 5 kg") -> CountLine:
    """Lot `n` of item `n`, with on-hand 7000 + n so the books are easy to spot in the text."""
    return CountLine(
        lot_id=n,
        item_id=n,
        item_code=format_code(CodeKind.ITEM, n),
        item_name=name,
        unit="bag",
        expiry=date(2027, 1, 31) if n % 2 else None,
        location=location,
        on_hand=7000 + n,
    )


def sheet(lines: list[CountLine], now: datetime, *, blind: bool = False) -> bytes:
    return count_sheet_pdf(lines, scope="Shelf A", printed_at=now, zone=HONG_KONG, blind=blind)


def all_text(pdf: bytes) -> list[str]:
    return [text for page in range(page_count(pdf)) for text in page_text(pdf, page)]


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (34, 1), (35, 2), (120, 4)])
def test_sheet_is_a_pdf_with_a_page_per_thirty_four_lots(
    count: int, pages: int, now: datetime
) -> None:
    pdf = sheet([line(n) for n in range(1, count + 1)], now)
    assert pdf.startswith(b"%PDF")
    assert ROWS_PER_PAGE == 34
    assert page_count(pdf) == pages


def test_every_page_repeats_the_header_and_the_column_titles(now: datetime) -> None:
    pdf = sheet([line(n) for n in range(1, 121)], now)
    for page in range(4):
        lines = page_text(pdf, page)
        assert lines[0] == f"Stock count sheet Page {page + 1}/4"
        assert lines[1] == f"Scope: Shelf A {PRINTED_AT}"
        assert lines[2].startswith("Counted by: ___") and "Signature: ___" in lines[2]
        assert lines[3] == "Location Item code Item Unit Expiry On books Counted Lot"


def test_each_lot_is_one_row_with_code_name_unit_expiry_books_and_lot(now: datetime) -> None:
    lines = all_text(sheet([line(n) for n in range(1, 121)], now))
    assert "Shelf A S-000001-B Rice 5 kg bag 2027-01-31 7001 1" in lines
    assert "S-000002-9 Rice 5 kg bag none 7002 2" in lines
    assert sum(text.startswith("S-") or " S-" in text for text in lines) == 120
    assert all(any(f" {7000 + n} {n}" in text for text in lines) for n in range(1, 121))


def test_location_shows_where_it_changes_and_atop_each_page(now: datetime) -> None:
    lots = [line(n, "Shelf A") for n in range(1, 37)] + [line(n, "") for n in range(37, 40)]
    pdf = sheet(lots, now)
    first, second = page_text(pdf, 0), page_text(pdf, 1)
    assert first[4].startswith("Shelf A S-000001-B")
    assert first[5].startswith("S-000002-9")
    assert sum("Shelf A S-" in text for text in first) == 1
    assert second[4].startswith("Shelf A S-000035")
    assert second[6].startswith("(no location) S-000037")
    assert second[7].startswith("S-000038")


def test_blind_sheet_leaves_the_books_out(now: datetime) -> None:
    lots = [line(n) for n in range(1, 41)]
    seen = " ".join(all_text(sheet(lots, now)))
    blind = " ".join(all_text(sheet(lots, now, blind=True)))
    assert "On books" in seen and "7040" in seen
    assert "On books" not in blind
    assert not any(str(7000 + n) in blind for n in range(1, 41))
    assert "S-000040-9 Rice 5 kg bag none 40" in blind


def test_long_names_and_odd_scripts_are_cut_or_marked_to_fit(now: datetime) -> None:
    lots = [line(1, name="Cooking oil sunflower " * 10), line(2, name="大米 rice", location="倉庫")]
    lines = page_text(sheet(lots, now), 0)
    assert any(
        text.startswith("Shelf A S-000001-B Cooking oil") and "... bag" in text for text in lines
    )
    assert any(text.startswith("? S-000002-9 ? rice bag") for text in lines)


def test_an_empty_scope_prints_one_page_that_says_so(now: datetime) -> None:
    lines = page_text(sheet([], now), 0)
    assert lines[0] == "Stock count sheet Page 1/1"
    assert "Nothing is in stock here: no lots to count." in lines


def test_sheet_prints_the_lots_the_domain_lists(engine: Engine, now: datetime) -> None:
    stocked_item(engine, now, "Lentils", (12, date(2027, 3, 1)), (4, None))
    with reading(engine) as session:
        soon, undated = count_sheet(session)
    lines = page_text(
        count_sheet_pdf([soon, undated], scope="everything", printed_at=now, zone=HONG_KONG), 0
    )
    assert f"Scope: everything {PRINTED_AT}" in lines
    code = soon.item_code
    assert f"(no location) {code} Lentils bag 2027-03-01 12 {soon.lot_id}" in lines
    assert f"{code} Lentils bag none 4 {undated.lot_id}" in lines
