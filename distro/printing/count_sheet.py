"""Provides the count sheet: the A4 table a volunteer carries along the shelves in a stock take,
writing what is there in one box per lot.

Rows come in shelf order (`distro.domain.stock.take.count_sheet` sorts them by location, item
and expiry); the location is printed on the first row of each location and of each page, and
a heavier rule marks where one location ends, so the sheet reads as a walk. Every page
repeats the header (scope, print time, page x/y, counted-by and signature lines) and the
column titles, so a page that comes loose is still complete. The lot number is what the
coordinator types the count against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from distro.domain.core.moments import moment_text
from distro.printing.shelf_label import write_fitted

if TYPE_CHECKING:
    from fpdf import FPDF

    from distro.domain.stock.take import CountLine

ROWS_PER_PAGE = 34
"""Rows of 7 mm: tall enough to write a number in, and 34 fill the page under the header."""

_MARGIN_MM = 12.0
_ROW_MM = 7.0
_TABLE_TOP_MM = 38.0
_TITLE_FONT = ("Helvetica", "B", 15.0)
_HEADER_FONT = ("Helvetica", "", 10.0)
_COLUMN_TITLE_FONT = ("Helvetica", "B", 9.0)
_CELL_FONT = ("Helvetica", "", 9.0)
_NO_LOCATION = "(no location)"
_EMPTY = "Nothing is in stock here: no lots to count."


@dataclass(frozen=True)
class _Column:
    """One column of the table: its title, width, and what a line shows in it."""

    title: str
    width: float
    value: Callable[[CountLine], str]
    align: str = "L"
    box: bool = False
    """An empty box to write in instead of a value."""


def _expiry(line: CountLine) -> str:
    return line.expiry.isoformat() if line.expiry else "none"


_LOCATION = _Column("Location", 26.0, lambda line: line.location or _NO_LOCATION)
_ITEM = _Column("Item", 52.0, lambda line: line.item_name)
_BOOKS = _Column("On books", 18.0, lambda line: str(line.on_hand), align="R")
_COLUMNS = (
    _LOCATION,
    _Column("Item code", 24.0, lambda line: line.item_code),
    _ITEM,
    _Column("Unit", 14.0, lambda line: line.unit),
    _Column("Expiry", 20.0, _expiry),
    _BOOKS,
    _Column("Counted", 18.0, lambda line: "", box=True),
    _Column("Lot", 14.0, lambda line: str(line.lot_id), align="R"),
)


def count_sheet_pdf(
    lines: Sequence[CountLine],
    *,
    scope: str,
    printed_at: datetime,
    zone: tzinfo,
    blind: bool = False,
) -> bytes:
    """The count sheet for `lines` as an A4 portrait PDF, `ROWS_PER_PAGE` lots per page.

    By default each row shows what the books say is on hand, so a volunteer can spot a lot
    that is clearly off and look again. With `blind=True` that column is left out: counters
    who cannot see the books cannot be nudged towards them, so a blind count finds more of
    the real differences; use it for the periodic full stock take. An empty `lines` still
    gives one page, saying there is nothing in stock in this scope.
    """
    columns = _columns(blind)
    pages = [lines[start : start + ROWS_PER_PAGE] for start in range(0, len(lines), ROWS_PER_PAGE)]
    pdf = _new_sheet()
    for number, rows in enumerate(pages or [()], start=1):
        pdf.add_page()
        _draw_header(
            pdf, scope, moment_text(printed_at, zone), f"Page {number}/{max(len(pages), 1)}"
        )
        _draw_titles(pdf, columns)
        _draw_rows(pdf, columns, rows)
    return bytes(pdf.output())


def _columns(blind: bool) -> tuple[_Column, ...]:
    """The table's columns; a blind sheet gives the books' width to the item name."""
    if not blind:
        return _COLUMNS
    wider = replace(_ITEM, width=_ITEM.width + _BOOKS.width)
    return tuple(
        wider if column is _ITEM else column for column in _COLUMNS if column is not _BOOKS
    )


def _new_sheet() -> FPDF:
    """A4 portrait, no automatic page breaks: the sheet decides where each page ends."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(_MARGIN_MM)
    return pdf


def _draw_header(pdf: FPDF, scope: str, printed: str, page: str) -> None:
    """Title and page number, what is counted and when it was printed, the sign-off line."""
    left, width = _MARGIN_MM, pdf.epw
    scope_text = f"Scope: {' '.join(scope.split()) or 'everything'}"
    sign_off = "Counted by: ______________________   Signature: ________________   Date: ________"
    write_fitted(pdf, (left, left, width - 30.0, 8.0), _TITLE_FONT, "Stock count sheet")
    write_fitted(pdf, (left + width - 30.0, left, 30.0, 8.0), _HEADER_FONT, page, "R")
    write_fitted(pdf, (left, 20.0, width - 50.0, 6.0), _HEADER_FONT, scope_text)
    printed_box = (left + width - 50.0, 20.0, 50.0, 6.0)
    write_fitted(pdf, printed_box, _HEADER_FONT, f"Printed {printed}", "R")
    write_fitted(pdf, (left, 28.0, width, 6.0), _HEADER_FONT, sign_off)


def _draw_titles(pdf: FPDF, columns: Sequence[_Column]) -> None:
    """The column titles, bold on a grey band."""
    with pdf.local_context(fill_color=(225, 225, 225)):
        pdf.rect(_MARGIN_MM, _TABLE_TOP_MM, pdf.epw, _ROW_MM, style="F")
    x = _MARGIN_MM
    for column in columns:
        box = (x, _TABLE_TOP_MM, column.width, _ROW_MM)
        write_fitted(pdf, box, _COLUMN_TITLE_FONT, column.title, column.align)
        x += column.width


def _draw_rows(pdf: FPDF, columns: Sequence[_Column], rows: Sequence[CountLine]) -> None:
    """One page's lots under the titles, closed by a rule; a note when there are none."""
    top = _TABLE_TOP_MM + _ROW_MM
    if not rows:
        write_fitted(pdf, (_MARGIN_MM, top, pdf.epw, _ROW_MM), _HEADER_FONT, _EMPTY)
    for index, line in enumerate(rows):
        new_location = index == 0 or line.location != rows[index - 1].location
        _draw_row(pdf, columns, line, top + index * _ROW_MM, new_location)
    bottom = top + len(rows) * _ROW_MM
    pdf.line(_MARGIN_MM, bottom, _MARGIN_MM + pdf.epw, bottom)


def _draw_row(
    pdf: FPDF, columns: Sequence[_Column], line: CountLine, y: float, new_location: bool
) -> None:
    """One lot; the location only where it changes (and atop each page), a heavier rule above
    a new location."""
    with pdf.local_context(line_width=0.5 if new_location else 0.1):
        pdf.line(_MARGIN_MM, y, _MARGIN_MM + pdf.epw, y)
    x = _MARGIN_MM
    for column in columns:
        if column.box:
            pdf.rect(x + 1.0, y + 0.8, column.width - 2.0, _ROW_MM - 1.6)
        elif column is not _LOCATION or new_location:
            box = (x, y, column.width, _ROW_MM)
            write_fitted(pdf, box, _CELL_FONT, column.value(line), column.align)
        x += column.width
