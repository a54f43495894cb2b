"""Stock export: one escaped CSV row per lot with stock, numbers left as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from distro.domain.core.db import unit_of_work
from distro.domain.stock.export import COLUMNS, export_stock
from distro.domain.stock.models import ItemCategory, MovementKind
from tests.domain.stock.test_stock_views import TODAY, Shelf


@pytest.fixture
def shelf(engine: Engine) -> Iterator[Shelf]:
    with unit_of_work(engine) as session:
        yield Shelf(session)


def exported(shelf: Shelf) -> tuple[str, int]:
    stream = io.StringIO(newline="")
    written = export_stock(shelf.session, stream, today=TODAY)
    return stream.getvalue(), written


def rows_of(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_one_row_per_lot_with_stock(shelf: Shelf) -> None:
    rice = shelf.item("Rice 5 kg", category=ItemCategory.FOOD)
    later = shelf.lot(rice, 12, expiry=TODAY + timedelta(days=40), location="Shelf A")
    expired = shelf.lot(rice, 3, expiry=TODAY - timedelta(days=2))
    undated = shelf.lot(rice, 7)
    emptied = shelf.lot(rice, 5, expiry=TODAY)
    shelf.take(emptied, 5, MovementKind.ISSUE)
    soap = shelf.item("Soap", category=ItemCategory.HYGIENE)
    soap_lot = shelf.lot(soap, 1)

    text, written = exported(shelf)
    rows = rows_of(text)

    assert written == len(rows) == 4
    assert text.removeprefix("\ufeff").splitlines()[0] == ",".join(COLUMNS)
    assert [int(row["lot_id"]) for row in rows] == [expired, later, undated, soap_lot]
    first = rows[0]
    assert first["item_name"] == "Rice 5 kg" and first["category"] == "food"
    assert first["unit"] == "bag" and first["on_hand"] == "3"
    assert first["expiry"] == (TODAY - timedelta(days=2)).isoformat()
    assert first["days_to_expiry"] == "-2"
    assert rows[1]["days_to_expiry"] == "40" and rows[1]["location"] == "Shelf A"
    assert rows[2]["expiry"] == "" and rows[2]["days_to_expiry"] == ""
    assert rows[2]["received_on"] == (TODAY - timedelta(days=60)).isoformat()


def test_text_cells_are_escaped_numbers_are_not(shelf: Shelf) -> None:
    item = shelf.item('=HYPERLINK("http://evil")')
    shelf.lot(item, 2, expiry=TODAY - timedelta(days=5), location="+Shelf")

    row = rows_of(exported(shelf)[0])[0]

    assert row["item_name"] == '\'=HYPERLINK("http://evil")'
    assert row["location"] == "'+Shelf"
    assert row["days_to_expiry"] == "-5"


def test_no_stock_writes_the_header_only(shelf: Shelf) -> None:
    shelf.item("Rice")

    text, written = exported(shelf)

    assert written == 0
    assert rows_of(text) == []
    assert text == "\ufeff" + ",".join(COLUMNS) + "\r\n"
