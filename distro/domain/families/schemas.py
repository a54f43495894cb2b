"""Provides the validated shapes of a family's input (pydantic): members, details, status.

Everything a volunteer or a CSV file types passes through these models before a service
touches the database: text is stripped of control characters and bounded in length, phones are
normalised, districts matched to the 18 official ones.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from distro.domain.core.inputs import Line, clean_block, clean_line
from distro.domain.core.reference import districts, match_district
from distro.domain.families.models import DietaryNeed, FamilyStatus, Relationship, Sex
from distro.domain.families.phones import PhoneError, normalise_phone


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


ONE_HEAD = "only one member can be the head of the household"

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
            raise ValueError(ONE_HEAD)
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


class MergeChoices(BaseModel):
    """A coordinator's corrections to a merge plan, by member id: people the automatic rule
    missed (`same`: merged member -> surviving member), people it wrongly joined (`apart`:
    merged members), and what the merged head is to the surviving head when they are not
    the same person (None: not known, so the moved relationships are only guesses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    same: dict[int, int] = {}
    apart: frozenset[int] = frozenset()
    head_is: Relationship | None = None

    @field_validator("same")
    @classmethod
    def _one_each(cls, value: dict[int, int]) -> dict[int, int]:
        if len(set(value.values())) != len(value):
            raise ValueError("each surviving member can be the same person as one member only")
        return value

    @field_validator("head_is")
    @classmethod
    def _not_head(cls, value: Relationship | None) -> Relationship | None:
        if value == Relationship.HEAD:
            raise ValueError("the two heads are one person: pick them as the same member")
        return value
