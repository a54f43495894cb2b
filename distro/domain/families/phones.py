"""Provides phone normalisation: Hong Kong numbers to +852XXXXXXXX, foreign ones kept as +digits."""

from __future__ import annotations

import re
import unicodedata

from distro.domain.core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-.()/]")
_HK_LOCAL = re.compile(r"[2-9]\d{7}")
HK_PREFIX = "+852"


class PhoneError(DomainError):
    """A phone number that is neither a Hong Kong number nor an international one."""


def normalise_phone(raw: str) -> str:
    """The number in E.164 form, or PhoneError explaining what a valid number looks like."""
    compact = _SEPARATORS.sub("", _ascii_digits(unicodedata.normalize("NFKC", raw).strip()))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith(HK_PREFIX):
        compact = compact[len(HK_PREFIX) :]
    elif compact.startswith("852") and len(compact) == 11:
        compact = compact[3:]
    if _HK_LOCAL.fullmatch(compact):
        return HK_PREFIX + compact
    if compact.startswith("+") and compact[1:].isdigit() and 7 <= len(compact) - 1 <= 15:
        return compact
    raise PhoneError(
        f"'{raw.strip()[:30]}' is not a phone number: type a Hong Kong number of 8 digits "
        "(for example 9123 4567) or an international number starting with + and the country code."
    )


def _ascii_digits(text: str) -> str:
    """Full-width (Chinese input methods) and Arabic-Indic digits as 0-9, so search finds them."""
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


def local_digits(number: str) -> str:
    """The digits a volunteer would type: the 8 local digits for Hong Kong, else all digits."""
    if number.startswith(HK_PREFIX):
        return number[len(HK_PREFIX) :]
    return number.lstrip("+")


def phone_search_keys(number: str) -> set[str]:
    """Every 3+ digit suffix of the local number: a prefix search on them finds any fragment."""
    digits = local_digits(number)
    return {digits[start:] for start in range(len(digits) - 2)} | {number.lstrip("+")}


def display_phone(number: str) -> str:
    """Readable form: +852 9123 4567."""
    if number.startswith(HK_PREFIX) and len(number) == 12:
        return f"{HK_PREFIX} {number[4:8]} {number[8:]}"
    return number
