"""Provides `slip_pdf`: a handout slip as a vector PDF on a receipt roll, A6 or A4 paper.

The slip is a column of rows drawn top to bottom. On the roll the page is made exactly as tall
as the rows, so any number of items fits on the one page the printer cuts after. On A6 and A4
a long list continues on another page headed by the slip code; the barcode comes before the
items, so it is always on the first page. Text uses the core fonts (see
`distro.printing.card` for why): the barcode and the code carry the identity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from distro.printing.barcode import draw_code128
from distro.printing.card import fit
from distro.printing.slip import SIGNATURE, SlipContent, SlipLayout, slip_content

if TYPE_CHECKING:
    from fpdf import FPDF

    from distro.domain.distribution.slip_view import SlipView

Box = tuple[float, float, float, float]
"""(x, y, width, height) in mm."""
Font = tuple[str, str, float]

_BANNER_FONT: Font = ("Helvetica", "B", 16.0)
_ORGANISATION_FONT: Font = ("Helvetica", "B", 11.0)
_CODE_FONT: Font = ("Courier", "B", 14.0)
_BODY_FONT: Font = ("Helvetica", "", 9.0)
_ITEM_FONT: Font = ("Helvetica", "", 10.0)
_BARCODE_WIDTH_MM = 70.0
"""Bars of about 0.4 mm, easy to scan; wider on A4 would only be harder to aim a scanner at."""


@dataclass(frozen=True)
class _Paper:
    """A page size and the slip's column on it, centred across the page."""

    width: float
    height: float | None
    """None for the roll: the page is as tall as the slip."""
    column: float
    margin: float
    """Above and below the slip."""

    @property
    def left(self) -> float:
        return (self.width - self.column) / 2


_PAPERS = {
    SlipLayout.RECEIPT: _Paper(width=80.0, height=None, column=72.0, margin=3.0),
    SlipLayout.A6: _Paper(width=105.0, height=148.0, column=93.0, margin=6.0),
    SlipLayout.A4: _Paper(width=210.0, height=297.0, column=120.0, margin=15.0),
}


@dataclass(frozen=True)
class _Row:
    """One band of the slip, drawn into the box the page gives it."""

    height: float
    draw: Callable[[FPDF, Box], None]


def slip_pdf(slip: SlipView, layout: SlipLayout) -> bytes:
    """`slip` as a PDF on `layout`'s paper: one page on the roll, one or more on A6 and A4.

    Raises ValueError when the slip code cannot be written as Code128.
    """
    content = slip_content(slip)
    paper = _PAPERS[layout]
    rows = _rows(content)
    pdf = _new_document(paper, rows)
    y = paper.margin
    for row in rows:
        if paper.height is not None and y + row.height > paper.height - paper.margin:
            y = _next_page(pdf, paper, content)
        row.draw(pdf, (paper.left, y, paper.column, row.height))
        y += row.height
    return bytes(pdf.output())


def _rows(content: SlipContent) -> list[_Row]:
    """The slip from top to bottom: warnings, barcode and code, who and what, sign-off."""
    return [
        *(_Row(11.0, partial(_draw_banner, banner)) for banner in content.banners),
        _text_row(content.organisation, _ORGANISATION_FONT, 6.0, "C"),
        _Row(16.0, partial(_draw_barcode, content.code)),
        _text_row(content.code, _CODE_FONT, 7.0, "C"),
        *(_text_row(line, _BODY_FONT, 4.5) for line in content.details),
        _Row(3.0, _draw_rule),
        *(_text_row(line, _ITEM_FONT, 5.0) for line in content.items),
        _Row(3.0, _draw_rule),
        *(_text_row(line, _BODY_FONT, 4.5) for line in content.footer),
        _Row(12.0, _draw_signature),
    ]


def _new_document(paper: _Paper, rows: list[_Row]) -> FPDF:
    """The first page; no automatic page breaks, `slip_pdf` decides where a page ends."""
    from fpdf import FPDF

    height = paper.height or sum(row.height for row in rows) + 2 * paper.margin
    pdf = FPDF(orientation="P", unit="mm", format=(paper.width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    return pdf


def _next_page(pdf: FPDF, paper: _Paper, content: SlipContent) -> float:
    """A new page headed by the code and any warning, so a loose page still names its slip;
    returns where the rows go on."""
    pdf.add_page()
    heading = " - ".join([f"{content.code} continued", *content.marks])
    box = (paper.left, paper.margin, paper.column, 6.0)
    _draw_text(heading, ("Helvetica", "B", 10.0), "L", pdf, box)
    return paper.margin + 8.0


def _text_row(text: str, font: Font, height: float, align: str = "L") -> _Row:
    return _Row(height, partial(_draw_text, text, font, align))


def _draw_text(text: str, font: Font, align: str, pdf: FPDF, box: Box) -> None:
    """One line in the box, cut with '...' to fit. Unlike `write_fitted` it keeps double
    spaces: the content is already `printable`, and they separate fields."""
    x, y, width, height = box
    pdf.set_font(*font)
    pdf.set_xy(x, y)
    pdf.cell(width, height, fit(pdf, text, width - 2 * pdf.c_margin), align=align)


def _draw_banner(text: str, pdf: FPDF, box: Box) -> None:
    """A warning in large bold letters inside a heavy frame, so nobody misses it."""
    x, y, width, height = box
    with pdf.local_context(line_width=0.8):
        pdf.rect(x + 0.4, y + 0.4, width - 0.8, height - 1.8)
    _draw_text(text, _BANNER_FONT, "C", pdf, (x, y + 0.4, width, height - 1.8))


def _draw_barcode(code: str, pdf: FPDF, box: Box) -> None:
    """The code as Code128, centred; its quiet zones are inside the drawn width."""
    x, y, width, height = box
    bars = min(width, _BARCODE_WIDTH_MM)
    draw_code128(pdf, code, x + (width - bars) / 2, y + 1.0, bars, height - 2.0)


def _draw_rule(pdf: FPDF, box: Box) -> None:
    x, y, width, height = box
    with pdf.local_context(line_width=0.2):
        pdf.line(x, y + height / 2, x + width, y + height / 2)


def _draw_signature(pdf: FPDF, box: Box) -> None:
    """'Signature:' at the bottom of a tall row, a line to sign on after it."""
    x, y, width, height = box
    _draw_text(SIGNATURE, _BODY_FONT, "L", pdf, (x, y + height - 5.0, width, 5.0))
    start = x + pdf.get_string_width(SIGNATURE) + 2 * pdf.c_margin
    with pdf.local_context(line_width=0.2):
        pdf.line(start, y + height - 1.2, x + width, y + height - 1.2)
