"""Provides shelf labels: an A4 sheet of item labels whose Code128 barcode opens the item when
a coordinator scans the shelf.

The grid is 3 x 8 labels of 70 x 37 mm, the common 24-up A4 label sheet, so the sheet prints
straight onto self-adhesive labels; a faint outline round each label is the cutting guide
when it is printed on plain paper instead. Text uses the core fonts, with the same fallback
as the family card (see `distro.printing.card`): the barcode and the code under it carry the
identity, the name is only what the eye reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from distro.printing.barcode import draw_code128
from distro.printing.card import fit, printable

if TYPE_CHECKING:
    from fpdf import FPDF

    from distro.domain.stock.models import Item

LABEL_WIDTH_MM = 70.0
LABEL_HEIGHT_MM = 37.0
LABEL_COLUMNS = 3
LABEL_ROWS = 8
LABELS_PER_PAGE = LABEL_COLUMNS * LABEL_ROWS

_PAGE_WIDTH_MM = 210.0
_PAGE_HEIGHT_MM = 297.0
_PADDING_MM = 3.0
_OUTLINE_GREY = (200, 200, 200)


@dataclass(frozen=True)
class LabelItem:
    """What one shelf label shows; the caller maps an `Item` to it (see `label_for_item`)."""

    code: str
    name: str
    unit: str
    pack_size: str = ""


def label_for_item(item: Item) -> LabelItem:
    """The label of a catalogue item."""
    return LabelItem(code=item.code, name=item.name, unit=item.unit, pack_size=item.pack_size)


def shelf_labels_pdf(items: Sequence[LabelItem], *, skip: int = 0) -> bytes:
    """The labels of `items`, in order, 24 to an A4 page.

    `skip` leaves that many positions blank at the start of the first page, so a half-used
    label sheet can go back into the printer. Raises ValueError when there is nothing to
    print, `skip` is outside 0-23, or a code cannot be written as Code128.
    """
    if not items:
        raise ValueError("There are no items to print labels for.")
    if not 0 <= skip < LABELS_PER_PAGE:
        raise ValueError(f"Skip between 0 and {LABELS_PER_PAGE - 1} labels, not {skip}.")
    pdf = _new_sheet()
    for position, item in enumerate(items, start=skip):
        slot = position % LABELS_PER_PAGE
        if slot == 0 or position == skip:
            pdf.add_page()
        _draw_label(pdf, item, *_label_origin(slot))
    return bytes(pdf.output())


def _new_sheet() -> FPDF:
    """An A4 portrait document without automatic page breaks: the grid decides the pages."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    return pdf


def _label_origin(slot: int) -> tuple[float, float]:
    """Top-left corner of grid position `slot`, filled row by row, the grid centred on A4."""
    row, column = divmod(slot, LABEL_COLUMNS)
    left = (_PAGE_WIDTH_MM - LABEL_COLUMNS * LABEL_WIDTH_MM) / 2
    top = (_PAGE_HEIGHT_MM - LABEL_ROWS * LABEL_HEIGHT_MM) / 2
    return left + column * LABEL_WIDTH_MM, top + row * LABEL_HEIGHT_MM


def _draw_label(pdf: FPDF, item: LabelItem, x: float, y: float) -> None:
    """Name, unit and pack size, then the barcode with its code under it."""
    with pdf.local_context(draw_color=_OUTLINE_GREY, line_width=0.1):
        pdf.rect(x, y, LABEL_WIDTH_MM, LABEL_HEIGHT_MM)
    left = x + _PADDING_MM
    width = LABEL_WIDTH_MM - 2 * _PADDING_MM
    write_fitted(pdf, (left, y + 2.5, width, 5.5), ("Helvetica", "B", 11.0), item.name)
    write_fitted(pdf, (left, y + 8.0, width, 4.0), ("Helvetica", "", 8.0), _unit_line(item))
    draw_code128(pdf, item.code, left, y + 13.0, width, 13.0)
    write_fitted(pdf, (left, y + 27.0, width, 5.0), ("Courier", "B", 11.0), item.code, align="C")


def _unit_line(item: LabelItem) -> str:
    """`Unit: bag  Pack: 5 kg`, the pack size left out when the item has none."""
    pack = f"  Pack: {item.pack_size}" if item.pack_size.strip() else ""
    return f"Unit: {item.unit}{pack}"


def write_fitted(
    pdf: FPDF,
    box: tuple[float, float, float, float],
    font: tuple[str, str, float],
    text: str,
    align: str = "L",
) -> None:
    """One line of `text` in the (x, y, width, height) box, in a core font, cut with '...' to
    fit; shared by the stock documents."""
    x, y, width, height = box
    pdf.set_font(*font)
    pdf.set_xy(x, y)
    pdf.cell(width, height, fit(pdf, printable(text), width - 2 * pdf.c_margin), align=align)
