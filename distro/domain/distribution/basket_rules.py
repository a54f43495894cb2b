"""Provides basket rules: what each household may collect in a round, kept as data a
coordinator edits (the Rules screen, `distro rules`, `distro import rules`).

A rule gives `quantity` of an item either once per household (optionally only to households of
a size band: rice 1 bag for 1-2 people, 2 bags for 3-5 ...) or once per member matching a sex
and an age band (formula per infant under 12 months, pads per woman 12-50). Ages are typed as
years ("12") or months ("6m") and kept in months; the band's start is included, its end ("under")
is not. A rule may name a substitute, given instead when the household's diet rules the item
out (pork luncheon meat -> halal chicken).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel import Session, col, delete, func, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.errors import InvalidInput, NotFound
from distro.domain.core.inputs import Line, validated
from distro.domain.distribution.models import BasketRule, RulePer
from distro.domain.families.models import Sex
from distro.domain.stock.models import MAX_QUANTITY, Item

_AGE = re.compile(r"^\s*(\d{1,3})\s*(m|mo|months?|y|yrs?|years?)?\s*$", re.IGNORECASE)
MAX_RULES_PER_BASKET = 200
RULE_SEXES = (Sex.FEMALE.value, Sex.MALE.value)


def parse_age(text: str) -> int | None:
    """An age typed as years ("12", "12y") or months ("6m") in months; None when blank."""
    if not text.strip():
        return None
    match = _AGE.match(text)
    if match is None:
        raise ValueError("write an age as years (12) or months (6m)")
    number, unit = int(match.group(1)), (match.group(2) or "y").lower()
    months = number if unit.startswith("m") else number * 12
    if months > 120 * 12:
        raise ValueError("is more than 120 years")
    return months


def age_text(months: int | None) -> str:
    """The way `parse_age` reads it back: whole years as "12", anything else as "6m"."""
    if months is None:
        return ""
    return str(months // 12) if months % 12 == 0 else f"{months}m"


class RuleIn(BaseModel):
    """One rule as typed; items are already resolved to ids by whoever read the names."""

    model_config = ConfigDict(extra="forbid")

    item_id: int
    quantity: Annotated[int, Field(gt=0, le=MAX_QUANTITY)]
    per: RulePer = RulePer.HOUSEHOLD
    household_from: Annotated[int, Field(ge=1, le=50)] | None = None
    household_to: Annotated[int, Field(ge=1, le=50)] | None = None
    sex: str = ""
    age_from_months: Annotated[int, Field(ge=0)] | None = None
    age_under_months: Annotated[int, Field(gt=0)] | None = None
    substitute_item_id: int | None = None
    note: Annotated[Line, Field(max_length=120)] = ""

    @field_validator("sex", mode="before")
    @classmethod
    def _known_sex(cls, value: object) -> str:
        text = str(value or "").strip().lower()
        if text in {"", "any"}:
            return ""
        if text in {"f", "female", "woman", "women", "girl"}:
            return Sex.FEMALE.value
        if text in {"m", "male", "man", "men", "boy"}:
            return Sex.MALE.value
        raise ValueError("write female, male, or leave it empty for anyone")

    @model_validator(mode="after")
    def _bands_make_sense(self) -> RuleIn:
        if (
            self.household_from is not None
            and self.household_to is not None
            and self.household_to < self.household_from
        ):
            raise ValueError("the household band ends before it starts")
        if (
            self.age_from_months is not None
            and self.age_under_months is not None
            and self.age_under_months <= self.age_from_months
        ):
            raise ValueError("the age band ends before it starts")
        is_member_rule = self.per == RulePer.MEMBER
        has_member_band = bool(self.sex) or self.age_from_months is not None
        if not is_member_rule and (has_member_band or self.age_under_months is not None):
            raise ValueError("a sex or age band needs per = member")
        if self.substitute_item_id == self.item_id:
            raise ValueError("an item cannot be its own substitute")
        return self


@requires(Permission.MANAGE_ROUNDS)
def add_rule(session: Session, basket: str, rule_in: RuleIn, *, actor: Actor, now: datetime) -> int:
    """Add a rule at the end of `basket` (a new basket when no rule has that name yet)."""
    basket = basket_name(basket)
    rule_in = validated(RuleIn, rule_in.model_dump())
    _check_items(session, rule_in)
    count = session.exec(
        select(func.count()).select_from(BasketRule).where(BasketRule.basket == basket)
    ).one()
    if count >= MAX_RULES_PER_BASKET:
        raise InvalidInput({"basket": f"has {MAX_RULES_PER_BASKET} rules already"})
    rule = BasketRule(basket=basket, position=int(count) + 1, **_columns(rule_in))
    session.add(rule)
    session.flush()
    assert rule.id is not None
    _record(session, "rule.add", rule.id, basket, rule_in, actor, now)
    return rule.id


@requires(Permission.MANAGE_ROUNDS)
def update_rule(
    session: Session, rule_id: int, rule_in: RuleIn, *, actor: Actor, now: datetime
) -> None:
    """Change a rule; handouts already made keep what they gave."""
    rule = _rule(session, rule_id)
    rule_in = validated(RuleIn, rule_in.model_dump())
    _check_items(session, rule_in)
    for name, value in _columns(rule_in).items():
        setattr(rule, name, value)
    session.add(rule)
    _record(session, "rule.edit", rule_id, rule.basket, rule_in, actor, now)


@requires(Permission.MANAGE_ROUNDS)
def remove_rule(session: Session, rule_id: int, *, actor: Actor, now: datetime) -> None:
    """Delete a rule; handouts already made keep what they gave."""
    rule = _rule(session, rule_id)
    session.delete(rule)
    record_change(
        session,
        actor=actor,
        now=now,
        action="rule.remove",
        entity="basket_rule",
        entity_id=rule_id,
        family_id=None,
        summary=f"Removed a rule from basket {rule.basket}",
        before=rule.model_dump(exclude={"id"}),
    )


@requires(Permission.MANAGE_ROUNDS)
def replace_basket(
    session: Session, basket: str, rules: list[RuleIn], *, actor: Actor, now: datetime
) -> None:
    """The basket's rules become `rules`, in order; for the import, which writes one audit row
    for the whole file."""
    basket = basket_name(basket)
    session.exec(delete(BasketRule).where(col(BasketRule.basket) == basket))
    for position, rule_in in enumerate(rules, start=1):
        _check_items(session, rule_in)
        session.add(BasketRule(basket=basket, position=position, **_columns(rule_in)))
    session.flush()


def basket_name(basket: str) -> str:
    """A basket's name with spacing tidied, or InvalidInput when it is empty or too long."""
    name = " ".join(basket.split())
    if not name:
        raise InvalidInput({"basket": "needs a name, for example 'food parcel'"})
    if len(name) > 40:
        raise InvalidInput({"basket": "is too long (at most 40 characters)"})
    return name


def _rule(session: Session, rule_id: int) -> BasketRule:
    rule = session.get(BasketRule, rule_id)
    if rule is None:
        raise NotFound(f"There is no rule number {rule_id}.")
    return rule


def _check_items(session: Session, rule_in: RuleIn) -> None:
    for field, item_id in (("item", rule_in.item_id), ("substitute", rule_in.substitute_item_id)):
        if item_id is None:
            continue
        item = session.get(Item, item_id)
        if item is None:
            raise InvalidInput({field: f"there is no item number {item_id}"})
        if item.retired_at is not None:
            raise InvalidInput({field: f"{item.name} is retired"})


def _columns(rule_in: RuleIn) -> dict[str, Any]:
    return rule_in.model_dump(exclude={"per"}) | {"per": rule_in.per.value}


def _record(
    session: Session,
    action: str,
    rule_id: int,
    basket: str,
    rule_in: RuleIn,
    actor: Actor,
    now: datetime,
) -> None:
    verb = "Added a rule to" if action == "rule.add" else "Changed a rule of"
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="basket_rule",
        entity_id=rule_id,
        family_id=None,
        summary=f"{verb} basket {basket}",
        after=_columns(rule_in),
    )
