"""Provides printable codes with a check character, and `parse_scan` to read them back.

Scheme: `P-NNNNNN-C`. `P` is one letter naming the kind of thing (F = family), `NNNNNN` a
six-digit number (more digits once past 999,999), `C` a check character: the Luhn mod 32
algorithm over the Crockford base-32 values of `PNNNNNN`, written in Crockford's alphabet
(0-9 and A-Z without I, L, O, U). It catches every single mistyped character and almost every
swap of two neighbours, so a mistyped code is refused instead of opening the wrong family.
Reading is forgiving: any case, dashes or spaces optional, O read as 0 and I/L as 1 in the
check character, and junk around the code (a scanner's AIM prefix, stray keys) is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from distro.domain.core.errors import CodeError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_CODE = re.compile(r"(?<![A-Z0-9])([A-Z])[-\s]?(\d{6,9})[-\s]?([0-9A-Z])(?![A-Z0-9])")


class CodeKind(StrEnum):
    """The kinds of printable code; the value is the code's prefix letter."""

    FAMILY = "F"
    ITEM = "S"
    """A stock item (I is not in the Crockford alphabet, so S for stock)."""
    SLIP = "H"
    """A handout slip."""


@dataclass(frozen=True)
class Code:
    """A checked reference to one printable thing."""

    kind: CodeKind
    number: int

    @property
    def text(self) -> str:
        """The code as printed, for example `F-004217-B`."""
        return format_code(self.kind, self.number)


def check_character(payload: str) -> str:
    """The Luhn mod 32 check character for `payload` (prefix letter and digits)."""
    total = 0
    factor = 2
    for symbol in reversed(payload):
        addend = factor * _VALUES[symbol]
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[(32 - total % 32) % 32]


def format_code(kind: CodeKind, number: int) -> str:
    """The printable code for thing `number` of `kind`."""
    if number < 1:
        raise ValueError("code numbers start at 1")
    digits = f"{number:06d}"
    return f"{kind.value}-{digits}-{check_character(kind.value + digits)}"


def typed_again(typed: str, code: str) -> bool:
    """Whether `typed` is `code` typed out again to confirm something that cannot be undone:
    any case, dashes optional, but no mistyped character forgiven."""
    return typed.strip().upper().replace("-", "") == code.replace("-", "")


def looks_like_code(text: str) -> bool:
    """Whether `text` holds something shaped like a code, right or mistyped."""
    return _CODE.search(_cleaned(text)) is not None


def _visible(text: str) -> str:
    """`text` without control characters (a scanner's CR/LF, stray key codes)."""
    return " ".join("".join(ch for ch in text if unicodedata.category(ch)[0] != "C").split())


def _cleaned(text: str) -> str:
    return _AIM_PREFIX.sub("", _visible(text)).upper()


def parse_scan(text: str | Code) -> Code:
    """Read a scanned or typed code, or raise CodeError saying plainly why it names nothing.
    A code read already is returned as it is, so services take either and read text once."""
    if isinstance(text, Code):
        return text
    cleaned = _cleaned(text)
    if not cleaned:
        raise CodeError("Nothing was scanned.")
    match = _CODE.search(cleaned)
    if match is None:
        shown = _shorten(_visible(text))
        raise CodeError(f"'{shown}' is not a distro code (codes look like F-004217-B).")
    prefix, digits, given = match.groups()
    try:
        kind = CodeKind(prefix)
    except ValueError:
        raise CodeError(
            f"'{match.group(0)}' starts with {prefix}, which no distro code uses."
        ) from None
    expected = check_character(prefix + digits)
    if _READ_AS.get(given, given) != expected:
        raise CodeError(
            f"{prefix}-{digits}-{given} looks mistyped: its last character does not match. "
            "Scan it again or check each character."
        )
    return Code(kind, int(digits))


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
