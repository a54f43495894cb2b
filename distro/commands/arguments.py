"""Provides reading what a person types on the command line (whole numbers, days) and writing
what a command prints (clipped columns, "3 families"), with plain messages when something is
off: a mistake raises a DomainError, so `distro` prints one plain line and exits non-zero."""

from __future__ import annotations

from datetime import date

from distro.domain.core.errors import InvalidInput
from distro.domain.core.words import how_many as how_many  # the commands' name for it


def whole_number(text: str, field: str = "quantity") -> int:
    """`text` as a whole number, signed ("-3"), or InvalidInput naming `field`."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        return int(cleaned)
    except ValueError:
        raise InvalidInput({field: f"'{text.strip()}' is not a whole number, like 12"}) from None


def day(text: str, field: str) -> date:
    """`text` as a date typed YYYY-MM-DD, or InvalidInput naming `field`."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            {field: f"'{text.strip()}' is not a date: type it as YYYY-MM-DD, like 2027-03-31"}
        ) from None


def optional_day(text: str | None, field: str) -> date | None:
    """A date, or None for an empty or missing cell (no expiry printed on the goods)."""
    return day(text, field) if text and text.strip() else None


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters for a table column, an ellipsis showing that it was."""
    return text if len(text) <= width else text[: width - 1] + "…"
