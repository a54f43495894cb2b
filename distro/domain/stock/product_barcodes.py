"""Provides reading product barcodes (EAN-13, EAN-8, UPC-A) and checking their check digit.

A barcode is stored as digits only. UPC-A (12 digits) is stored as the EAN-13 it is part of,
with a leading 0: a scanner set to EAN-13 sends `0` + the UPC digits, a person typing from the
label types the 12 digits, and both must find the same item, which one stored form (and the
unique index on it) guarantees. EAN-8 has its own numbering and is kept as its 8 digits.
The last digit is a GS1 mod-10 check digit, so a mistyped digit is refused, not looked up.
"""

from __future__ import annotations

import re
import unicodedata

from distro.domain.core.errors import CodeError

_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
"""A symbology identifier some scanners send first (`]E0` for EAN-13)."""
_SHAPE = re.compile(r"[0-9]{8}|[0-9]{12,13}")
_UPC_A_LENGTH = 12


def _visible(text: str) -> str:
    """`text` without control characters (a scanner's CR/LF) or spaces at either end."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def _digits(text: str) -> str:
    """`text` without control characters, spaces, hyphens or a scanner's AIM prefix."""
    return re.sub(r"[\s\-]", "", _AIM_PREFIX.sub("", _visible(text)))


def looks_like_product_barcode(text: str) -> bool:
    """Whether `text` is shaped like a product barcode (8, 12 or 13 digits), right or mistyped."""
    return _SHAPE.fullmatch(_digits(text)) is not None


def check_digit(payload: str) -> str:
    """The GS1 check digit for `payload` (the barcode without its last digit): digits weighted
    3 and 1 alternately from the right, and the digit that brings the sum to a multiple of 10."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(payload[::-1])
    )
    return str(-total % 10)


def is_valid_product_barcode(text: str) -> bool:
    """Whether `text` is a product barcode whose check digit matches."""
    digits = _digits(text)
    return _SHAPE.fullmatch(digits) is not None and check_digit(digits[:-1]) == digits[-1]


def product_barcode(text: str) -> str:
    """The barcode as stored (digits; UPC-A as EAN-13), or CodeError saying plainly why not."""
    digits = _digits(text)
    if _SHAPE.fullmatch(digits) is None:
        visible = _visible(text)
        shown = visible if len(visible) <= 40 else visible[:39] + "…"
        raise CodeError(
            f"'{shown}' is not a product barcode: those are 8, 12 or 13 digits under the bars."
        )
    if check_digit(digits[:-1]) != digits[-1]:
        raise CodeError(
            f"{digits} looks mistyped: its last digit (the check digit) does not match. "
            "Scan the product again or check each digit."
        )
    return "0" + digits if len(digits) == _UPC_A_LENGTH else digits
