"""Provides basket rules as people read them: every basket by name, and a basket's rules in
their order with item names and their condition in words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from distro.domain.distribution.basket_rules import age_text
from distro.domain.distribution.models import BasketRule, RulePer
from distro.domain.stock.models import Item


@dataclass(frozen=True)
class RuleView:
    """A rule as the Rules screen and the CSV export show it."""

    id: int
    basket: str
    position: int
    item_id: int
    item_name: str
    quantity: int
    per: str
    household_from: int | None
    household_to: int | None
    sex: str
    age_from_months: int | None
    age_under_months: int | None
    substitute_item_id: int | None
    substitute_name: str
    note: str

    @property
    def who(self) -> str:
        """The rule's condition in words: "households of 3-5", "each female 12 to under 51"."""
        if self.per == RulePer.HOUSEHOLD.value:
            band = _band(self.household_from, self.household_to, " of ")
            return "households" + band if band else "every household"
        who = {"female": "each female", "male": "each male"}.get(self.sex, "each member")
        ages = ""
        if self.age_from_months is not None or self.age_under_months is not None:
            start = age_text(self.age_from_months) or "0"
            ages = f" aged {start}" + (
                f" to under {age_text(self.age_under_months)}"
                if self.age_under_months is not None
                else " and over"
            )
        return who + ages + _band(self.household_from, self.household_to, " in households of ")


def _band(start: int | None, end: int | None, lead: str) -> str:
    if start is None and end is None:
        return ""
    if end is None:
        return f"{lead}{start} or more"
    if start is None or start == 1:
        return f"{lead}up to {end}"
    return f"{lead}{start}-{end}" if start != end else f"{lead}{start}"


def baskets(session: Session) -> list[str]:
    """Every basket that has rules, by name."""
    return list(session.exec(select(BasketRule.basket).distinct().order_by(BasketRule.basket)))


def basket_rules(session: Session, basket: str) -> list[RuleView]:
    """The basket's rules in their order, with item names."""
    rows = session.exec(
        select(BasketRule, Item)
        .join(Item, col(Item.id) == BasketRule.item_id)
        .where(BasketRule.basket == basket)
        .order_by(col(BasketRule.position), col(BasketRule.id))
    ).all()
    substitutes = _item_names(
        session, {rule.substitute_item_id for rule, _item in rows if rule.substitute_item_id}
    )
    return [_view(rule, item.name, substitutes) for rule, item in rows]


def _view(rule: BasketRule, item_name: str, names: dict[int, str]) -> RuleView:
    assert rule.id is not None
    return RuleView(
        id=rule.id,
        basket=rule.basket,
        position=rule.position,
        item_id=rule.item_id,
        item_name=item_name,
        quantity=rule.quantity,
        per=rule.per,
        household_from=rule.household_from,
        household_to=rule.household_to,
        sex=rule.sex,
        age_from_months=rule.age_from_months,
        age_under_months=rule.age_under_months,
        substitute_item_id=rule.substitute_item_id,
        substitute_name=names.get(rule.substitute_item_id or 0, ""),
        note=rule.note,
    )


def _item_names(session: Session, item_ids: set[int]) -> dict[int, str]:
    if not item_ids:
        return {}
    rows = session.exec(select(Item.id, Item.name).where(col(Item.id).in_(item_ids))).all()
    return {item_id: name for item_id, name in rows if item_id is not None}
