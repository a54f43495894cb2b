"""Provides Code128 barcodes drawn as vector bars on an fpdf2 page.

python-barcode only computes the module pattern; the bars are filled rectangles, so they stay
crisp at any printer resolution and no image library is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

QUIET_ZONE_MODULES = 10
"""Blank modules kept on each side: the Code128 minimum, without which scanners miss the start."""

MIN_MODULE_MM = 0.19
"""Narrower bars than this blur on 203 dpi card and thermal printers, so we refuse them."""

_POINTS_PER_MM = 72 / 25.4


def code128_modules(text: str) -> str:
    """The Code128 pattern of `text` as '1' (bar) and '0' (space) modules, stop bar included."""
    if not text:
        raise ValueError("a barcode needs at least one character")
    from barcode import get_barcode_class
    from barcode.errors import BarcodeError

    try:
        pattern: str = get_barcode_class("code128")(text).build()[0]
    except BarcodeError as error:
        raise ValueError(f"{text!r} cannot be written as Code128: {error}") from error
    return pattern


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(first module, length) of each bar, so touching modules become one rectangle, not slivers."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = index
        elif module != "1" and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


def draw_code128(pdf: FPDF, text: str, x: float, y: float, width: float, height: float) -> None:
    """Draw `text` as a black Code128 barcode filling the box, quiet zones inside `width`.

    Units are the document's (`pdf.k` converts them to points). Raises ValueError when `text`
    cannot be encoded or would need bars too thin to print.
    """
    modules = code128_modules(text)
    module = width / (len(modules) + 2 * QUIET_ZONE_MODULES)
    if module * pdf.k < MIN_MODULE_MM * _POINTS_PER_MM:
        raise ValueError(f"{text!r} is too long for a {width:.1f} mm barcode")
    left = x + QUIET_ZONE_MODULES * module
    with pdf.local_context(fill_color=(0, 0, 0)):
        for start, length in bar_runs(modules):
            pdf.rect(left + start * module, y, length * module, height, style="F")
