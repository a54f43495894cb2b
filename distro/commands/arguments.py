"""Provides reading what a person types on the command line (whole numbers, days, files) and
writing what a command prints (clipped columns, "3 families"), with plain messages when
something is off: a mistake raises a DomainError, so `distro` prints one plain line and exits
non-zero.

The argparse types here (`checked_as`, `whole_number_within`, `file_name`)
refuse a bad value before anything opens the database, with argparse's usage line and exit
status 2, naming the option and what to type."""

from __future__ import annotations

import argparse
import functools
import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from distro.domain.core.errors import InvalidInput
from distro.domain.core.limits import LARGEST_ROW_ID
from distro.domain.core.words import how_many as how_many  # the commands' name for it

if TYPE_CHECKING:
    from pydantic import TypeAdapter


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


def whole_number_within(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for a whole number from `low` to `high`, for the counts and numbers a
    command passes on to a query that has no model of its own."""

    def check(text: str) -> int:
        try:
            number = whole_number(text, "number")
        except InvalidInput as error:
            raise argparse.ArgumentTypeError(_first(error.problems)) from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"type a whole number from {low} to {high}")
        return number

    return check


ROWS = whole_number_within(1, 10_000)
"""How many rows a listing shows: more than a screen holds, less than a query chokes on."""
DAYS = whole_number_within(0, 3650)
"""A number of days to look ahead: up to ten years."""
ROW_ID = whole_number_within(1, LARGEST_ROW_ID)
"""A record's number, as listings print it."""


def checked_as(model: str, field: str) -> Callable[[str], Any]:
    """An argparse type checking an option as the domain checks a model's `field` (its length,
    its bounds, its cleaning), so each limit is written once, in the domain. The model is
    named "package.module:Model" and imported when a value is checked: building the parser
    must not load the database layer."""

    def check(text: str) -> Any:
        from pydantic import ValidationError

        from distro.domain.core.inputs import plain_problems

        try:
            return _field_adapter(model, field).validate_python(text)
        except ValidationError as error:
            raise argparse.ArgumentTypeError(_first(plain_problems(error))) from None

    return check


@functools.cache
def _field_adapter(model: str, field: str) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    module, name = model.split(":")
    info = getattr(importlib.import_module(module), name).model_fields[field]
    checked: Any = Annotated[info.annotation, info]  # the field's type with its constraints
    return TypeAdapter(checked)


def file_name(text: str) -> Path:
    """An argparse type for a file to read or write: text that can name one (not empty, no
    NUL). Whether it is there, or can be written, is for the reader or the writer to say."""
    if not text.strip() or "\x00" in text:
        raise argparse.ArgumentTypeError("type the name of a file, like records.csv")
    return Path(text)


def _first(problems: dict[str, str]) -> str:
    """The one problem a single value has (its field's name is the option's, said by argparse)."""
    return next(iter(problems.values()))
