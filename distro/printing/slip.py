"""Provides what every form of a handout slip shares: its printable content, the paper sizes,
`PrinterError`, and `slip_text`, the plain-text preview the app shows.

The PDF (`distro.printing.slip_pdf`) and ESC/POS (`distro.printing.slip_escpos`) forms draw
the same `SlipContent`, so the preview, the paper and the receipt roll never disagree. Text
goes through `printable` (see `distro.printing.card`): the preview shows what the paper shows,
and every character is one monospace column wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.distribution.slip_view import SlipLine, SlipView
from distro.printing.card import ELLIPSIS, printable

SIGNATURE = "Signature:"
MIN_TEXT_WIDTH = 24
"""Narrower than this, the barcode line of the preview would be cut."""

"""English month names whatever the machine's locale, so every counter prints the same date."""
_BANNERS = {"REPRINT": "REPRINT", "VOID": "VOID - do not honour"}


class SlipLayout(StrEnum):
    """The paper a slip prints on."""

    RECEIPT = "receipt"
    """An 80 mm thermal roll (72 mm printable); the page is as tall as the slip."""
    A6 = "a6"
    """105 x 148 mm portrait; a long slip continues on a second page."""
    A4 = "a4"
    """The slip at the top of an A4 portrait page, for an ordinary office printer."""


class PrinterError(Exception):
    """A slip could not be printed; the message tells a volunteer what happened and what to do."""


def layout_named(text: str) -> SlipLayout:
    """The layout a setting or an option names, or PrinterError saying which ones exist."""
    try:
        return SlipLayout(text.strip().lower())
    except ValueError:
        known = ", ".join(layout.value for layout in SlipLayout)
        raise PrinterError(f"The slip layout {text!r} is not one we know: use {known}.") from None


@dataclass(frozen=True)
class SlipContent:
    """The lines of one slip in reading order, every name already `printable`."""

    marks: tuple[str, ...]
    """REPRINT and VOID, one word each, for the heading of a continuation page."""
    banners: tuple[str, ...]
    """The same warnings in full, shown big at the top."""
    organisation: str
    code: str
    details: tuple[str, ...]
    """Round, date and time, family and household."""
    items: tuple[str, ...]
    footer: tuple[str, ...]
    """Counter and volunteer, proxy, second desk; the signature line follows."""


def slip_content(slip: SlipView) -> SlipContent:
    """What `slip` shows, the same on every layout."""
    marks = (*(["REPRINT"] if slip.reprint else []), *(["VOID"] if slip.voided else []))
    details = (
        printable(slip.round_name),
        moment_text(slip.handed_out_at, slip.zone, MomentStyle.DATE_TIME),
        f"Family: {printable(slip.family_code)}  {printable(slip.family_name)}",
        f"Household: {slip.household_size}",
    )
    footer = (
        f"Counter: {printable(slip.counter)}  Volunteer: {printable(slip.volunteer)}",
        *([f"Collected by: {printable(slip.proxy)}"] if slip.proxy.strip() else []),
        *(["Show this slip at the exit"] if slip.two_step else []),
    )
    return SlipContent(
        marks=marks,
        banners=tuple(_BANNERS[mark] for mark in marks),
        organisation=printable(slip.organisation),
        code=printable(slip.code),
        details=details,
        items=tuple(item_text(line) for line in slip.lines),
        footer=footer,
    )


def item_text(line: SlipLine) -> str:
    """`2 bag  Rice 5 kg`: the count first, so the exit desk checks it at a glance."""
    return f"{line.quantity} {printable(line.unit)}  {printable(line.item_name)}"


def slip_text(slip: SlipView, width: int = 40) -> str:
    """`slip` as monospace text no line of which is longer than `width`, for the app's preview.

    The barcode is shown as `|| H-000123-X ||`. Raises ValueError below `MIN_TEXT_WIDTH`.
    """
    if width < MIN_TEXT_WIDTH:
        raise ValueError(f"A slip preview needs at least {MIN_TEXT_WIDTH} columns, not {width}.")
    content = slip_content(slip)
    heading = [
        *(f"*** {banner} ***" for banner in content.banners),
        content.organisation,
        f"|| {content.code} ||",
    ]
    centred = [clip(line, width).center(width).rstrip() for line in heading]
    return "\n".join([*centred, *body_lines(content, width)]) + "\n"


def body_lines(content: SlipContent, width: int) -> list[str]:
    """Everything under the barcode as lines of at most `width` characters; ESC/POS prints
    these too."""
    rule = "-" * width
    lines = [*content.details, rule, *content.items, rule, *content.footer, ""]
    signature = f"{SIGNATURE} ".ljust(width, "_")
    return [clip(line, width) for line in lines] + [signature]


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, ending in '...' when it was cut."""
    if len(text) <= width:
        return text
    return text[: width - len(ELLIPSIS)].rstrip() + ELLIPSIS
