"""Provides what every validated input shares: text cleaned of control characters, and
pydantic errors turned into plain words a volunteer can act on."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError

from distro.domain.core.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

# Joiners that Sinhala, Arabic and Indic scripts need inside words; every other control goes.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def _is_unwanted(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "C" and ch not in _KEPT_FORMAT_CHARACTERS


def clean_line(value: Any) -> Any:
    """One line of text: control characters removed, runs of spaces collapsed, ends stripped."""
    if not isinstance(value, str):
        return value
    if value.isprintable():  # the usual case: no control character, nothing to remove
        return " ".join(value.split())
    spaced = "".join(" " if ch in "\t\r\n" else ch for ch in value)
    return " ".join("".join(ch for ch in spaced if not _is_unwanted(ch)).split())


TRIMMED = "spaces at the ends trimmed"
CONTROLS_REMOVED = "control characters removed"
BREAKS_JOINED = "line breaks or tabs replaced by spaces"
SPACES_JOINED = "doubled spaces made single"


def cleaning_done(text: str, *, block: bool = False) -> list[str]:
    """What `clean_line` (or `clean_block`, for `block`) changes in `text`, in words, so that
    an import can list it; empty when the text is kept as it is."""
    done = []
    if text != text.strip():
        done.append(TRIMMED)
    if not text.isprintable():
        breaks = "\t" if block else "\t\r\n"
        if any(_is_unwanted(ch) and ch not in "\t\r\n" for ch in text):
            done.append(CONTROLS_REMOVED)
        if any(ch in breaks for ch in text.strip()):
            done.append(BREAKS_JOINED)
    joined = [" ".join(line.split()) != line.strip() for line in text.splitlines()]
    if any(joined) if block else "  " in text.strip():
        done.append(SPACES_JOINED)
    return done


def clean_block(value: Any) -> Any:
    """Several lines of text (notes): like `clean_line` but line breaks are kept."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines = ["".join(ch for ch in line if not _is_unwanted(ch)) for line in text.split("\n")]
    return "\n".join(" ".join(line.split()) for line in lines).strip()


Line = Annotated[str, BeforeValidator(clean_line)]

REASON_LIMIT = 250
"""A reason or note kept with a change is a sentence or two; the audit row holds 500."""
_REASON = TypeAdapter(Annotated[Line, Field(max_length=REASON_LIMIT)])


_PLAIN_MESSAGES = {
    "missing": "is required",
    "string_too_short": "cannot be empty",
    "too_short": "needs at least one entry",
    "date_from_datetime_parsing": "is not a date; type it as YYYY-MM-DD",
    "date_parsing": "is not a date; type it as YYYY-MM-DD",
    "date_from_datetime_inexact": "is not a date; type it as YYYY-MM-DD",
    "int_parsing": "must be a whole number",
    "extra_forbidden": "is not a field distro knows",
}


def plain_problems(error: ValidationError) -> dict[str, str]:
    """Field path ("members.0.full_name") -> what is wrong, in words a volunteer understands."""
    problems: dict[str, str] = {}
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "form"
        kind = detail["type"]
        context = detail.get("ctx") or {}
        is_text = isinstance(detail.get("input"), str)
        if kind == "string_too_long" or (kind == "too_long" and is_text):
            message = f"is too long (at most {context.get('max_length')} characters)"
        elif kind == "too_short" and is_text:
            message = "cannot be empty"
        elif kind == "too_long":
            message = f"has too many entries (at most {context.get('max_length')})"
        elif kind == "enum":
            message = f"must be one of: {context.get('expected')}"
        elif kind == "greater_than_equal":
            message = f"must be at least {context.get('ge')}"
        elif kind == "greater_than":
            message = f"must be more than {context.get('gt')}"
        elif kind == "less_than_equal":
            message = f"must be at most {context.get('le')}"
        elif kind.startswith("date") and "range" in str(detail["msg"]):
            message = "is not a real date: check the day and the month"
        elif kind == "value_error":
            message = str(context.get("error", detail["msg"]))
        else:
            message = _PLAIN_MESSAGES.get(kind, detail["msg"])
        problems.setdefault(field, message)
    return problems


def validated(model: type[ModelT], data: Any) -> ModelT:
    """`model` validated from `data`, or InvalidInput listing every problem in plain words."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(plain_problems(error)) from None


def clean_note(text: str, *, field: str) -> str:
    """A reason or note a service takes as a plain argument, as one clean line; InvalidInput
    naming the limit when it is longer, instead of cutting it without a word."""
    try:
        return _REASON.validate_python(text)
    except ValidationError as error:
        raise InvalidInput({field: plain_problems(error)["form"]}) from None
