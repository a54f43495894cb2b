"""Handout slips render on every layout with a barcode a real decoder reads back, and the text
and ESC/POS forms show the same slip and nothing more."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.distribution.slip_view import SlipLine, SlipView
from distro.printing.slip import PrinterError, SlipLayout, slip_text
from distro.printing.slip_escpos import slip_escpos
from distro.printing.slip_pdf import slip_pdf
from tests.builders.clock import HONG_KONG
from tests.printing.pdf_reading import decoded, page_count, page_text

POINTS_PER_MM = 72 / 25.4
CODE = format_code(CodeKind.SLIP, 123)


def make_slip(**changes: object) -> SlipView:
    slip = SlipView(
        code=CODE,
        organisation="Harbour Food Bank",
        round_name="November round",
        handed_out_at=datetime(2026, 11, 25, 6, 3, tzinfo=UTC),
        zone=HONG_KONG,
        family_code="F-004217-B",
        family_name="Amina Y.",
        household_size=4,
        lines=(SlipLine("Rice 5 kg", 2, "bag"), SlipLine("Cooking oil 1 l", 1, "bottle")),
        counter="2",
        volunteer="Sam",
    )
    return replace(slip, **changes)  # type: ignore[arg-type]


def many_lines(count: int = 40) -> tuple[SlipLine, ...]:
    return tuple(SlipLine(f"Item number {n}", n, "tin") for n in range(1, count + 1))


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()
    document.close()
    return width / POINTS_PER_MM, height / POINTS_PER_MM


def all_text(pdf: bytes) -> list[str]:
    """Every text line of every page, runs of spaces read as one (as the PDF reader does)."""
    pages = range(page_count(pdf))
    return [" ".join(line.split()) for page in pages for line in page_text(pdf, page)]


@pytest.mark.parametrize("layout", list(SlipLayout))
@pytest.mark.parametrize("number", [1, 123, 999_999, 1_234_567])
def test_barcode_decodes_to_the_slip_code(layout: SlipLayout, number: int) -> None:
    code = format_code(CodeKind.SLIP, number)
    assert decoded(slip_pdf(make_slip(code=code), layout), page=0) == [code]


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_pdf_shows_the_slip(layout: SlipLayout) -> None:
    lines = all_text(slip_pdf(make_slip(), layout))
    assert lines[:3] == ["Harbour Food Bank", CODE, "November round"]
    for expected in (
        "25 Nov 2026 14:03",
        "Family: F-004217-B Amina Y.",
        "Household: 4",
        "2 bag Rice 5 kg",
        "1 bottle Cooking oil 1 l",
        "Counter: 2 Volunteer: Sam",
        "Signature:",
    ):
        assert expected in lines
    assert not any(word in " ".join(lines) for word in ("REPRINT", "VOID", "Collected", "exit"))


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_reprint_and_void_are_the_first_thing_on_the_slip(layout: SlipLayout) -> None:
    pdf = slip_pdf(make_slip(reprint=True, voided=True), layout)
    assert all_text(pdf)[:3] == ["REPRINT", "VOID - do not honour", "Harbour Food Bank"]
    assert decoded(pdf) == [CODE]


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_proxy_and_second_desk_are_shown_when_they_apply(layout: SlipLayout) -> None:
    slip = make_slip(proxy="Omar K. (brother)", two_step=True)
    lines = all_text(slip_pdf(slip, layout))
    assert "Collected by: Omar K. (brother)" in lines
    assert "Show this slip at the exit" in lines


def test_receipt_is_one_80_mm_page_as_tall_as_the_slip() -> None:
    short = slip_pdf(make_slip(), SlipLayout.RECEIPT)
    long = slip_pdf(make_slip(lines=many_lines()), SlipLayout.RECEIPT)
    assert page_count(short) == page_count(long) == 1
    width, short_height = page_size_mm(short)
    assert width == pytest.approx(80.0, abs=0.1)
    assert page_size_mm(long)[1] > short_height + 38 * 4.0


@pytest.mark.parametrize(
    ("layout", "size"), [(SlipLayout.A6, (105, 148)), (SlipLayout.A4, (210, 297))]
)
def test_paper_sizes(layout: SlipLayout, size: tuple[int, int]) -> None:
    assert page_size_mm(slip_pdf(make_slip(), layout)) == pytest.approx(size, abs=0.5)


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_forty_lines_all_print_with_the_barcode_on_page_one(layout: SlipLayout) -> None:
    pdf = slip_pdf(make_slip(lines=many_lines(), reprint=True), layout)
    lines = all_text(pdf)
    assert [line for line in lines if "Item number" in line] == [
        f"{n} tin Item number {n}" for n in range(1, 41)
    ]
    assert decoded(pdf, page=0) == [CODE]
    assert lines[-1] == "Signature:"
    for page in range(1, page_count(pdf)):
        assert page_text(pdf, page)[0] == f"{CODE} continued - REPRINT"
        assert decoded(pdf, page=page) == []


def test_a_receipt_never_breaks_into_pages() -> None:
    assert page_count(slip_pdf(make_slip(lines=many_lines(200)), SlipLayout.RECEIPT)) == 1


@pytest.mark.parametrize(
    "name",
    ["முருகன்", "محمد", "王小明", "አበበ", "Nguyễn Zoë", "W" * 300, "line\nbreak\ttab\x00nul"],
)
@pytest.mark.parametrize("layout", list(SlipLayout))
def test_any_script_or_length_renders_inside_the_page_and_still_scans(
    name: str, layout: SlipLayout
) -> None:
    slip = make_slip(
        organisation=name,
        family_name=name,
        lines=(SlipLine(name, 1, name),),
        counter=name,
        volunteer=name,
        proxy=name,
    )
    pdf = slip_pdf(slip, layout)
    assert decoded(pdf, page=0) == [CODE]
    assert "Household: 4" in all_text(pdf)
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    textpage = page.get_textpage()
    width, _ = page.get_size()
    boxes = [textpage.get_charbox(index) for index in range(textpage.count_chars())]
    document.close()
    assert boxes and all(0 <= left and right <= width for left, _, right, _ in boxes)


def test_other_scripts_print_as_one_mark_and_accents_fold() -> None:
    lines = all_text(slip_pdf(make_slip(family_name="Nguyễn محمد"), SlipLayout.A6))
    assert "Family: F-004217-B Nguyen ?" in lines


def test_time_is_printed_in_hong_kong() -> None:
    late = make_slip(handed_out_at=datetime(2026, 11, 25, 17, 30, tzinfo=UTC))
    assert "26 Nov 2026 01:30" in slip_text(late)


def test_text_preview_is_the_slip_and_nothing_else() -> None:
    slip = make_slip(proxy="Omar K. (brother)", two_step=True, reprint=True)
    assert slip_text(slip).splitlines() == [
        "            *** REPRINT ***",
        "           Harbour Food Bank",
        f"            || {CODE} ||",
        "November round",
        "25 Nov 2026 14:03",
        "Family: F-004217-B  Amina Y.",
        "Household: 4",
        "-" * 40,
        "2 bag  Rice 5 kg",
        "1 bottle  Cooking oil 1 l",
        "-" * 40,
        "Counter: 2  Volunteer: Sam",
        "Collected by: Omar K. (brother)",
        "Show this slip at the exit",
        "",
        "Signature: " + "_" * 29,
    ]


def test_text_preview_says_void() -> None:
    assert "*** VOID - do not honour ***" in slip_text(make_slip(voided=True))


@pytest.mark.parametrize("width", [24, 32, 40, 48])
def test_text_lines_never_pass_the_width(width: int) -> None:
    slip = make_slip(organisation="O" * 100, family_name="王" * 50, lines=many_lines())
    lines = slip_text(slip, width).splitlines()
    assert all(len(line) <= width for line in lines)
    assert f"|| {CODE} ||" in " ".join(lines)
    assert len([line for line in lines if "Item number" in line]) == 40


def test_text_preview_refuses_a_width_too_narrow_for_the_code() -> None:
    with pytest.raises(ValueError, match="at least 24 columns"):
        slip_text(make_slip(), 23)


def test_escpos_has_the_code_the_hardware_barcode_and_the_cut() -> None:
    data = slip_escpos(make_slip(reprint=True, voided=True, lines=many_lines()))
    assert b"\x1dkI" in data
    assert b"{B" + CODE.encode() in data
    assert data.count(CODE.encode()) == 2
    assert data.endswith(b"\x1dV\x00")
    for expected in (
        b"REPRINT",
        b"VOID - do not honour",
        b"Household: 4",
        b"40 tin  Item number 40",
    ):
        assert expected in data


def test_escpos_text_is_plain_ascii() -> None:
    data = slip_escpos(make_slip(family_name="Zoë 王小明", volunteer="Nguyễn"))
    assert b"Family: F-004217-B  Zoe ?" in data
    assert b"Volunteer: Nguyen" in data


def test_escpos_without_python_escpos_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "escpos.printer", None)
    with pytest.raises(PrinterError, match=r"pip install 'distro\[escpos\]'"):
        slip_escpos(make_slip())
