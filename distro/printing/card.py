"""Provides the family card: one credit-card page with the family's code as a Code128 barcode.

Fonts: the card uses only fpdf2's built-in core fonts (Helvetica, Courier), which encode
latin-1 and nothing else. We chose this over a Unicode TrueType font because no single font
we could ship covers the scripts our families write in (Tamil, Arabic, Amharic, Chinese ...),
Arabic would also need a text shaper (uharfbuzz) to join its letters, and a font found on one
counter's machine may be missing on the next, so the same card would print differently or
crash. The barcode and the code carry the identity; names are only a hint for the volunteer.
So `printable` drops accents that latin-1 lacks (Nguyễn -> Nguyen) and shows each run of
other-script letters as a single "?"; callers should pass initials or a romanised first name
when they have one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from distro.printing.barcode import draw_code128

if TYPE_CHECKING:
    from fpdf import FPDF

    from distro.domain.families.models import Member
    from distro.domain.families.registry import FamilyRecord

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
"""ISO/IEC 7810 ID-1, the size of a bank card, so it fits a wallet and a card printer."""

MARGIN_MM = 3.0
ELLIPSIS = "..."
"""Three dots, because the one-character ellipsis is not in latin-1."""

_UNKNOWN = "?"
_CODE_FONT_PT = 16.0
_SMALLEST_CODE_FONT_PT = 8.0


@dataclass(frozen=True)
class FamilyCard:
    """What one family card shows. Names are already first names or initials, never full names."""

    code: str
    names: tuple[str, ...]
    household_size: int
    languages: tuple[str, ...]
    organisation: str = "distro"


def render_family_card(card: FamilyCard) -> bytes:
    """The card as a one-page PDF, 85.6 x 54 mm landscape, ready for a card or label printer."""
    pdf = _new_card()
    inner = CARD_WIDTH_MM - 2 * MARGIN_MM
    _write_line(pdf, 2.5, 3.5, ("Helvetica", "B", 7.0), card.organisation)
    draw_code128(pdf, card.code, MARGIN_MM, 6.5, inner, 20.0)
    _write_code(pdf, 27.0, card.code)
    _write_line(pdf, 34.5, 5.0, ("Helvetica", "B", 10.0), ", ".join(card.names))
    _write_line(pdf, 40.5, 4.0, ("Helvetica", "", 8.0), f"Household: {card.household_size}")
    languages = ", ".join(card.languages) or "-"
    _write_line(pdf, 45.0, 4.0, ("Helvetica", "", 8.0), f"Languages: {languages}")
    return bytes(pdf.output())


def printable(text: str) -> str:
    """`text` as the core fonts can show it: accents folded, other scripts as one '?' per run."""
    pieces: list[str] = []
    for char in text:
        piece = _printable_char(char)
        if piece == _UNKNOWN and pieces and pieces[-1] == _UNKNOWN:
            continue
        pieces.append(piece)
    return " ".join("".join(pieces).split())


def fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut to fit `width` in the current font, ending in '...' when it was cut."""
    if pdf.get_string_width(text) <= width:
        return text
    shortest, longest = 0, len(text)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if pdf.get_string_width(text[:middle].rstrip() + ELLIPSIS) <= width:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest].rstrip() + ELLIPSIS


def _printable_char(char: str) -> str:
    """One character for a latin-1 font; control characters become spaces so lines stay lines."""
    if unicodedata.category(char).startswith(("C", "Z")):
        return " "
    if _encodes(char):
        return char
    kept = "".join(part for part in unicodedata.normalize("NFKD", char) if _is_plain(part))
    return kept or _UNKNOWN


def _is_plain(part: str) -> bool:
    """A decomposed part worth keeping: latin-1, and not a leftover combining accent."""
    return _encodes(part) and not unicodedata.combining(part)


def _encodes(char: str) -> bool:
    try:
        char.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _new_card() -> FPDF:
    """An empty card page; no automatic page break, so long text can never spill onto page 2."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(CARD_HEIGHT_MM, CARD_WIDTH_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    return pdf


def _write_line(
    pdf: FPDF, y: float, height: float, font: tuple[str, str, float], text: str
) -> None:
    """One left-aligned line across the card, cut to fit inside the margins."""
    pdf.set_font(*font)
    width = CARD_WIDTH_MM - 2 * MARGIN_MM
    pdf.set_xy(MARGIN_MM, y)
    pdf.cell(width, height, fit(pdf, printable(text), width))


def _write_code(pdf: FPDF, y: float, code: str) -> None:
    """The code in large monospace under the barcode, shrunk if needed so it is never cut."""
    width = CARD_WIDTH_MM - 2 * MARGIN_MM
    text = printable(code)
    size = _CODE_FONT_PT
    pdf.set_font("Courier", "B", size)
    while pdf.get_string_width(text) > width and size > _SMALLEST_CODE_FONT_PT:
        size -= 1.0
        pdf.set_font("Courier", "B", size)
    pdf.set_xy(MARGIN_MM, y)
    pdf.cell(width, 6.0, fit(pdf, text, width), align="C")


def card_for_family(record: FamilyRecord, organisation: str) -> FamilyCard:
    """The card of a family: first names only (a romanised alias when the name is in a script
    the card cannot print), household size and languages. No surnames, phones or claim refs."""
    languages = dict.fromkeys(
        language
        for member in record.members
        for language in member.languages.split("|")
        if language
    )
    return FamilyCard(
        code=record.family.code,
        names=tuple(_first_name(member) for member in record.members),
        household_size=record.household_size,
        languages=tuple(languages),
        organisation=organisation,
    )


def _first_name(member: Member) -> str:
    spellings = [member.full_name, *filter(None, member.aliases.split("|"))]
    for spelling in spellings:
        first = spelling.split()[0] if spelling.split() else ""
        if first and _UNKNOWN not in printable(first):
            return first
    return printable(spellings[0].split()[0]) if spellings[0].split() else _UNKNOWN
