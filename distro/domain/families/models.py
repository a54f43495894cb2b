"""Provides the families tables (SQLModel) and the enumerations they use.

Times are timezone-aware UTC datetimes; enumerations are stored as their plain string values
(no database enum types, so PostgreSQL migrations stay simple). Lists that are only ever shown
or searched (aliases, languages, dietary needs) are stored as text joined by `LIST_SEPARATOR`;
the search keys that must be indexed live in their own table, `SearchKey`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

LIST_SEPARATOR = "|"
SEARCH_KEY_TYPE = String(120).with_variant(String(120, collation="C"), "postgresql")
"""Search keys compare by code point on every database, so prefix ranges mean the same."""


class FamilyStatus(StrEnum):
    """Where a household stands with the NGO; only active families collect."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT_HK = "left_hk"
    RESETTLED = "resettled"
    MERGED = "merged"
    ANONYMISED = "anonymised"


class Sex(StrEnum):
    """Sex as recorded by the volunteer."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Relationship(StrEnum):
    """A member's relationship to the head of the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


class DietaryNeed(StrEnum):
    """Needs that decide which food items a family may be given."""

    HALAL = "halal"
    NO_PORK = "no_pork"
    VEGETARIAN = "vegetarian"
    ALLERGIES = "allergies"
    INFANT_FORMULA = "infant_formula"


class Family(SQLModel, table=True):
    """A household: the unit that registers, collects and is printed on a card."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    district: str = Field(max_length=40)
    address: str = Field(default="", max_length=300)
    claim_ref: str = Field(default="", max_length=60)
    dietary: str = Field(default="", max_length=200)
    allergies: str = Field(default="", max_length=300)
    status: str = Field(default=FamilyStatus.ACTIVE.value, max_length=16, index=True)
    consent_date: date | None = None
    consent_purpose: str = Field(default="", max_length=300)
    consent_recorded_by: str = Field(default="", max_length=80)
    notes: str = Field(default="", max_length=4000)
    merged_into_id: int | None = Field(default=None, foreign_key="family.id", index=True)
    """Indexed: every scan and every handout looks for the families merged into one."""
    created_at: datetime
    created_by: str = Field(max_length=80)
    updated_at: datetime
    last_active_at: datetime = Field(index=True)
    """The last change or collection; retention reviews families inactive since long ago."""


class Member(SQLModel, table=True):
    """A person in a household; removed members stay for history but no longer count."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    position: int = 0
    full_name: str = Field(max_length=120)
    aliases: str = Field(default="", max_length=1000)
    sex: str = Field(default=Sex.UNKNOWN.value, max_length=8)
    birth_date: date | None = Field(default=None, index=True)
    birth_date_estimated: bool = False
    relationship: str = Field(default=Relationship.OTHER.value, max_length=16)
    nationality: str = Field(default="", max_length=60)
    languages: str = Field(default="", max_length=300)
    school: str = Field(default="", max_length=120)
    grade: str = Field(default="", max_length=30)
    removed_at: datetime | None = None
    removed_reason: str = Field(default="", max_length=300)


class Phone(SQLModel, table=True):
    """A family's phone number, normalised (+852XXXXXXXX for Hong Kong)."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    number: str = Field(max_length=20, index=True)
    position: int = 0


class SearchKey(SQLModel, table=True):
    """One normalised key a family can be found by (name word, phone fragment, code).

    Searching is a range scan `key >= :prefix AND key < :prefix_end` on the (key, family_id)
    index: portable SQL that behaves the same on SQLite and PostgreSQL.
    """

    __tablename__ = "search_key"
    __table_args__ = (
        Index("ix_search_key_key_family", "key", "family_id"),
        Index("ix_search_key_family_key", "family_id", "key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id")
    key: str = Field(sa_type=SEARCH_KEY_TYPE)
    kind: str = Field(max_length=8)
