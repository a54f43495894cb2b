"""Provides the distribution tables: rounds, basket rules, handouts and their lines.

A round ("Food parcel, week 48") names a basket; the basket's rules decide what each household
may collect. A handout is one family's collection in one round, with its lines; its stock
movements carry the slip code as their `reference`. One collection per family per round is a
partial unique index, so two counters confirming the same family at once cannot both win.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

ONE_COLLECTION_PER_ROUND = "ux_handout_one_per_round"
"""The index that refuses a second ordinary collection of a family in a round."""


class Expected(StrEnum):
    """Who a round is for."""

    ALL_ACTIVE = "all"
    LIST = "list"


class RulePer(StrEnum):
    """Whether a rule's quantity is given once per household or once per matching member."""

    HOUSEHOLD = "household"
    MEMBER = "member"


class DistributionRound(SQLModel, table=True):
    """One distribution: its dates, its basket, who is expected, and whether the slip is
    collected at a second desk (two-step)."""

    __tablename__ = "distribution_round"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    basket: str = Field(max_length=40, index=True)
    starts_on: date
    ends_on: date
    expected: str = Field(default=Expected.ALL_ACTIVE.value, max_length=8)
    two_step: bool = False
    note: str = Field(default="", max_length=300)
    closed_at: datetime | None = None
    created_at: datetime
    created_by: str = Field(max_length=80)


class RoundFamily(SQLModel, table=True):
    """A family on a round's list, for rounds that are not for every active family."""

    __tablename__ = "round_family"
    __table_args__ = (Index("ux_round_family", "round_id", "family_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="distribution_round.id")
    family_id: int = Field(foreign_key="family.id", index=True)


class BasketRule(SQLModel, table=True):
    """One line of a basket: `quantity` of an item per household of a size band, or per member
    of a sex and age band. Ages are in months, from inclusive, under exclusive."""

    __tablename__ = "basket_rule"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_basket_rule_quantity_positive"),
        Index("ix_basket_rule_basket", "basket", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    basket: str = Field(max_length=40)
    position: int = 0
    item_id: int = Field(foreign_key="item.id")
    quantity: int
    per: str = Field(default=RulePer.HOUSEHOLD.value, max_length=10)
    household_from: int | None = None
    household_to: int | None = None
    sex: str = Field(default="", max_length=8)
    age_from_months: int | None = None
    age_under_months: int | None = None
    substitute_item_id: int | None = Field(default=None, foreign_key="item.id")
    """Given instead when the household's diet rules the item out (pork for a halal home)."""
    note: str = Field(default="", max_length=120)


class Handout(SQLModel, table=True):
    """One family's collection in one round: the slip, who handed it out where, and whether it
    has been collected (two-step rounds) or voided (its stock returned)."""

    __tablename__ = "handout"
    __table_args__ = (
        Index(
            ONE_COLLECTION_PER_ROUND,
            "round_id",
            "family_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL AND override_reason = ''"),
            postgresql_where=text("voided_at IS NULL AND override_reason = ''"),
        ),
        Index("ix_handout_family_at", "family_id", "handed_out_at"),
        Index("ix_handout_round_at", "round_id", "handed_out_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    round_id: int = Field(foreign_key="distribution_round.id")
    family_id: int = Field(foreign_key="family.id")
    household_size: int
    handed_out_at: datetime
    counter: str = Field(max_length=40)
    actor: str = Field(max_length=80)
    proxy_name: str = Field(default="", max_length=80)
    proxy_relation: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=250)
    override_reason: str = Field(default="", max_length=250)
    """Why a coordinator let this family collect although a rule said no; empty otherwise."""
    collected_at: datetime | None = None
    collected_by: str = Field(default="", max_length=80)
    voided_at: datetime | None = None
    voided_by: str = Field(default="", max_length=80)
    void_reason: str = Field(default="", max_length=250)
    printed_count: int = 0


class HandoutLine(SQLModel, table=True):
    """One item of a handout: what was given, what the rules entitled, and what it replaced."""

    __tablename__ = "handout_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="ck_handout_line_quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    handout_id: int = Field(foreign_key="handout.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    quantity: int
    entitled: int
    substitute_for_item_id: int | None = Field(default=None, foreign_key="item.id")
