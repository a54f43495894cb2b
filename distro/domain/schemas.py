"""Provides the validated shapes of input (pydantic), and plain-language validation errors.

Everything a volunteer or a CSV file types passes through these models before a service
touches the database: text is stripped of control characters and bounded in length, phones are
normalised, districts matched to the 18 official ones.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from distro.domain.errors import InvalidInput
from distro.domain.models import DietaryNeed, FamilyStatus, Relationship, Sex
from distro.domain.phones import PhoneError, normalise_phone
from distro.domain.reference import districts, match_district

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


def clean_block(value: Any) -> Any:
    """Several lines of text (notes): like `clean_line` but line breaks are kept."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines = ["".join(ch for ch in line if not _is_unwanted(ch)) for line in text.split("\n")]
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def _normalised_phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except PhoneError as error:
        raise ValueError(str(error)) from None


def _known_district(value: str) -> str:
    district = match_district(value)
    if district is None:
        raise ValueError("choose one of the 18 Hong Kong districts: " + ", ".join(districts()))
    return district


Line = Annotated[str, BeforeValidator(clean_line)]
Name = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=120)]
PhoneNumber = Annotated[str, BeforeValidator(clean_line), AfterValidator(_normalised_phone)]
District = Annotated[str, BeforeValidator(clean_line), AfterValidator(_known_district)]
Notes = Annotated[str, BeforeValidator(clean_block), Field(max_length=4000)]


class MemberIn(BaseModel):
    """A household member as typed on the form or read from a CSV row."""

    model_config = ConfigDict(extra="forbid")

    full_name: Name
    aliases: list[Annotated[Name, Field(max_length=120)]] = Field(default=[], max_length=10)
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    estimated_age: int | None = Field(default=None, ge=0, le=120)
    relationship: Relationship = Relationship.OTHER
    nationality: Annotated[Line, Field(max_length=60)] = ""
    languages: list[Annotated[Line, Field(min_length=1, max_length=40)]] = Field(
        default=[], max_length=10
    )
    school: Annotated[Line, Field(max_length=120)] = ""
    grade: Annotated[Line, Field(max_length=30)] = ""

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: date | None) -> date | None:
        if value is not None and value.year < 1900:
            raise ValueError("a date of birth before 1900 cannot be right; check the year")
        return value

    @field_validator("aliases", "languages")
    @classmethod
    def _without_repeats(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(value for value in values if value))


class FamilyDetails(BaseModel):
    """The household's own fields, as edited on the family form."""

    model_config = ConfigDict(extra="forbid")

    district: District
    address: Annotated[Line, Field(max_length=300)] = ""
    claim_ref: Annotated[Line, Field(max_length=60)] = ""
    phones: list[PhoneNumber] = Field(default=[], max_length=10)
    dietary: list[DietaryNeed] = []
    allergies: Annotated[Line, Field(max_length=300)] = ""
    consent_date: date | None = None
    consent_purpose: Annotated[Line, Field(max_length=300)] = ""
    notes: Notes = ""

    @field_validator("phones", "dietary")
    @classmethod
    def _without_repeats(cls, values: list[Any]) -> list[Any]:
        return list(dict.fromkeys(values))


class FamilyIn(FamilyDetails):
    """A new household: its fields and its members (the first head, or the first member)."""

    members: list[MemberIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _one_head(self) -> FamilyIn:
        heads = [m for m in self.members if m.relationship == Relationship.HEAD]
        if len(heads) > 1:
            raise ValueError("only one member can be the head of the household")
        if not heads:
            self.members[0].relationship = Relationship.HEAD
        return self


class StatusChange(BaseModel):
    """A change of a family's status, with the reason kept in its history."""

    status: FamilyStatus
    reason: Annotated[Line, Field(max_length=300)] = ""

    @field_validator("status")
    @classmethod
    def _not_merged(cls, value: FamilyStatus) -> FamilyStatus:
        if value == FamilyStatus.MERGED:
            raise ValueError("a family becomes merged only through a merge")
        return value


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
