"""Provides `slip_escpos`: a handout slip as ESC/POS commands for an 80 mm receipt printer.

The printer draws the barcode itself (GS k, Code128), so it is as sharp as the printer can
make it. Text is sent as plain ASCII: receipt printers disagree on code pages, and ASCII is
the one every one of them prints the same.
"""

from __future__ import annotations

import importlib.util
import io
import unicodedata
from contextlib import redirect_stdout

from distro.domain.distribution.slip_view import SlipView
from distro.printing.slip import PrinterError, body_lines, clip, slip_content

COLUMNS = 42
"""Font A characters across an 80 mm roll on 512-dot printers; 576-dot ones fit 48."""

_DOUBLE_COLUMNS = COLUMNS // 2
INSTALL = "pip install 'distro[escpos]'"
"""What installs python-escpos, an optional extra: most counters print PDFs."""
_MISSING = f"ESC/POS printing needs python-escpos: install distro with the escpos extra ({INSTALL})"


def escpos_installed() -> bool:
    """Whether python-escpos is there, found without importing it (`distro info` asks)."""
    return importlib.util.find_spec("escpos") is not None


def slip_escpos(slip: SlipView) -> bytes:
    """`slip` as the bytes to send to an ESC/POS printer, ending with a paper cut.

    Raises PrinterError when python-escpos is not installed.
    """
    try:
        from escpos.printer import Dummy
    except ImportError:
        raise PrinterError(_MISSING) from None
    content = slip_content(slip)
    printer = Dummy()
    printer.set(align="center", bold=True, double_width=True, double_height=True)
    for banner in content.banners:
        printer.text(_ascii(clip(banner, _DOUBLE_COLUMNS)) + "\n")
    printer.set_with_default(align="center", bold=True)
    printer.text(_ascii(clip(content.organisation, COLUMNS)) + "\n")
    # python-escpos announces its renderer with print(), which would scribble over the TUI.
    with redirect_stdout(io.StringIO()):
        # "{B" selects Code128 code set B (all printable ASCII); the printer needs it first.
        printer.barcode("{B" + content.code, "CODE128", function_type="B", pos="OFF")
    printer.set(align="center", bold=True, double_width=True, double_height=True)
    printer.text(_ascii(content.code) + "\n")
    printer.set_with_default()
    printer.text("\n".join(_ascii(line) for line in body_lines(content, COLUMNS)) + "\n")
    printer.cut()
    output: bytes = printer.output
    return output


def _ascii(text: str) -> str:
    """`text` with accents dropped and anything else outside ASCII as '?'."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return kept.encode("ascii", "replace").decode("ascii")
