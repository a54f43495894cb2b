"""Shelf labels print 24 to an A4 page, and every label's barcode scans back to its item code."""

from __future__ import annotations

from datetime import datetime

import pypdfium2 as pdfium
import pytest
import zxingcpp

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.stock.models import Item
from distro.printing.shelf_label import (
    LABELS_PER_PAGE,
    LabelItem,
    label_for_item,
    shelf_labels_pdf,
)
from tests.printing.pdf_reading import decoded, page_count, page_image, page_text

POINTS_PER_MM = 72 / 25.4


def labels(count: int, name: str = "Rice 5 kg") -> list[LabelItem]:
    """`count` labels with real item codes S-000001-B, S-000002-9, ..."""
    return [
        LabelItem(format_code(CodeKind.ITEM, n), f"{name} #{n}", "bag", "5 kg")
        for n in range(1, count + 1)
    ]


def test_a_sheet_is_an_a4_pdf() -> None:
    pdf = shelf_labels_pdf(labels(1))
    assert pdf.startswith(b"%PDF")
    width, height = pdfium.PdfDocument(pdf)[0].get_size()
    assert (width / POINTS_PER_MM, height / POINTS_PER_MM) == pytest.approx((210, 297), abs=0.5)


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (24, 1), (25, 2), (120, 5)])
def test_twenty_four_labels_to_a_page(count: int, pages: int) -> None:
    assert LABELS_PER_PAGE == 24
    assert page_count(shelf_labels_pdf(labels(count))) == pages


def test_every_barcode_on_a_full_sheet_decodes_to_its_item_code() -> None:
    items = labels(26)
    pdf = shelf_labels_pdf(items)
    assert sorted(decoded(pdf, page=0)) == sorted(item.code for item in items[:24])
    assert sorted(decoded(pdf, page=1)) == sorted(item.code for item in items[24:])


def test_label_shows_name_unit_pack_and_code_under_the_barcode() -> None:
    item = LabelItem("S-000123-3", "Cooking oil", "bottle", "2 litres")
    lines = page_text(shelf_labels_pdf([item]))
    assert lines[:3] == ["Cooking oil", "Unit: bottle Pack: 2 litres", "S-000123-3"]
    assert decoded(shelf_labels_pdf([item])) == ["S-000123-3"]


def test_an_item_without_pack_size_shows_the_unit_alone() -> None:
    lines = page_text(shelf_labels_pdf([LabelItem("S-000001-B", "Soap", "piece", "")]))
    assert "Unit: piece" in lines


@pytest.mark.parametrize("name", ["大米 Basmati", "Nguyễn's atta", "W" * 300, "tab\tnew\nline"])
def test_any_name_renders_and_still_scans(name: str) -> None:
    pdf = shelf_labels_pdf([LabelItem("S-000001-B", name, "bag")])
    assert decoded(pdf) == ["S-000001-B"]
    assert "S-000001-B" in page_text(pdf)


def test_other_scripts_print_as_one_mark_and_long_names_are_cut() -> None:
    items = [
        LabelItem("S-000001-B", "大米 Basmati", "bag"),
        LabelItem("S-000002-9", "W" * 300, "bag"),
    ]
    lines = page_text(shelf_labels_pdf(items))
    assert "? Basmati" in lines
    assert any(line.startswith("WWW") and line.endswith("...") for line in lines)


def test_skip_starts_on_a_later_label_of_a_used_sheet() -> None:
    pdf = shelf_labels_pdf(labels(2), skip=LABELS_PER_PAGE - 1)
    assert page_count(pdf) == 2
    image = page_image(pdf, page=0)
    (last,) = zxingcpp.read_barcodes(image)
    assert last.text == "S-000001-B"
    assert last.position.top_left.x > image.width * 2 / 3
    assert last.position.top_left.y > image.height * 7 / 8
    assert decoded(pdf, page=1) == ["S-000002-9"]


def test_label_for_item_takes_code_name_unit_and_pack_size() -> None:
    now = datetime(2026, 11, 25, 9, 30)
    item = Item(
        code="S-000007-Z",
        name="Lentils",
        name_key="lentils",
        unit="kg",
        pack_size="1 kg",
        created_at=now,
        updated_at=now,
    )
    assert label_for_item(item) == LabelItem("S-000007-Z", "Lentils", "kg", "1 kg")


@pytest.mark.parametrize(
    ("items", "skip", "message"),
    [
        ([], 0, "no items"),
        (labels(1), -1, "Skip between 0 and 23"),
        (labels(1), LABELS_PER_PAGE, "Skip between 0 and 23"),
        ([LabelItem("S-00012é-B", "Rice", "bag")], 0, "Code128"),
    ],
)
def test_nothing_to_print_or_a_bad_code_is_refused(
    items: list[LabelItem], skip: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        shelf_labels_pdf(items, skip=skip)
