"""Family cards render to one ID-1 page whose barcode a real decoder reads back."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from distro.printing.card import CARD_HEIGHT_MM, CARD_WIDTH_MM, FamilyCard, render_family_card
from distro.printing.printers import FolderPrinter, Printer, safe_filename
from tests.printing.pdf_reading import decoded, page_text

POINTS_PER_MM = 72 / 25.4


def card(code: str = "F-004217-B", names: tuple[str, ...] = ("Amina", "Yusuf")) -> FamilyCard:
    return FamilyCard(code=code, names=names, household_size=4, languages=("Arabic", "English"))


# Real codes, check characters from distro.domain.core.codes.format_code; 7 digits past 999,999.
@pytest.mark.parametrize("code", ["F-004217-B", "F-000001-0", "F-999999-H", "F-1234567-5"])
def test_barcode_decodes_to_the_code(code: str) -> None:
    assert decoded(render_family_card(card(code))) == [code]


def test_page_is_credit_card_size_landscape() -> None:
    width, height = pdfium.PdfDocument(render_family_card(card()))[0].get_size()
    assert width / POINTS_PER_MM == pytest.approx(CARD_WIDTH_MM, abs=0.5)
    assert height / POINTS_PER_MM == pytest.approx(CARD_HEIGHT_MM, abs=0.5)
    assert CARD_WIDTH_MM == 85.6 and CARD_HEIGHT_MM == 54.0


def test_card_shows_code_names_household_and_languages() -> None:
    lines = page_text(render_family_card(card()))
    assert lines[:2] == ["distro", "F-004217-B"]
    assert "Amina, Yusuf" in lines
    assert "Household: 4" in lines
    assert "Languages: Arabic, English" in lines


@pytest.mark.parametrize(
    "names",
    [
        ("முருகன்", "லட்சுமி"),
        ("محمد", "فاطمة"),
        ("王小明", "陳"),
        ("አበበ",),
        ("Nguyễn", "Zoë"),
        ("A" * 500,),
        ("line\nbreak\ttab\x00nul",),
    ],
)
def test_any_script_or_length_renders_and_still_scans(names: tuple[str, ...]) -> None:
    pdf = render_family_card(card(names=names))
    assert decoded(pdf) == ["F-004217-B"]
    assert "Household: 4" in page_text(pdf)


def test_other_scripts_print_as_one_mark_and_accents_fold() -> None:
    names = ("முருகன்", "محمد", "Nguyễn", "Zoë")
    assert "?, ?, Nguyen, Zoë" in page_text(render_family_card(card(names=names)))


def test_long_text_is_cut_inside_the_card() -> None:
    long = FamilyCard("F-004217-B", ("W" * 500,), 12, tuple(f"Language{n}" for n in range(40)))
    pdf = render_family_card(long)
    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    width, height = page.get_size()
    boxes = [textpage.get_charbox(index) for index in range(textpage.count_chars())]
    assert boxes and all(0 <= left and right <= width for left, _, right, _ in boxes)
    assert all(0 <= bottom and top <= height for _, bottom, _, top in boxes)
    lines = page_text(pdf)
    assert any(line.startswith("WWW") and line.endswith("...") for line in lines)
    assert any(line.startswith("Languages: Language0") and line.endswith("...") for line in lines)


def test_code_that_is_not_code128_is_refused() -> None:
    with pytest.raises(ValueError, match="Code128"):
        render_family_card(card(code="F-00421é-B"))


def test_folder_printer_writes_the_pdf(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "cards")
    assert isinstance(printer, Printer)
    pdf = render_family_card(card())
    path = printer.print_pdf("F-004217-B", pdf)
    assert path == tmp_path / "cards" / "F-004217-B.pdf"
    assert path.read_bytes() == pdf
    assert sorted(os.listdir(tmp_path / "cards")) == ["F-004217-B.pdf"]


def test_folder_printer_replaces_an_older_print(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path)
    printer.print_pdf("card", b"old")
    path = printer.print_pdf("card.pdf", b"new")
    assert path.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["card.pdf"]


def test_folder_printer_keeps_hostile_names_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    path = FolderPrinter(folder).print_pdf("../../etc/x", b"%PDF-")
    assert path.parent == folder
    assert path.name == "etc_x.pdf"
    assert path.read_bytes() == b"%PDF-"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["etc_x.pdf"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("..", "document.pdf"), ("", "document.pdf"), ("CON", "_CON.pdf"), (".bashrc", "bashrc.pdf")],
)
def test_safe_filename_edge_cases(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
