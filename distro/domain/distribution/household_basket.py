"""Provides what a household's basket is: the basket rules applied to its members (household
size bands, members by sex and age band), its diet checked on every item with the rule's
substitute when an item is ruled out, one line per item.

Diet: pork goes to no household that is halal, no-pork or vegetarian; a halal household gets
only food flagged halal, and a vegetarian one only food flagged vegetarian (the flags of baby,
hygiene and household items say nothing about diet, so only pork is checked there). A ruled-out
item is replaced by the rule's substitute if that one fits, or left out with the reason shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from distro.domain.distribution.models import BasketRule, RulePer
from distro.domain.families.models import DietaryNeed, Member
from distro.domain.stock.models import Item, ItemCategory

_NO_PORK = frozenset({DietaryNeed.HALAL.value, DietaryNeed.NO_PORK.value, "vegetarian"})


@dataclass(frozen=True)
class ItemBrief:
    """What the counter shows and checks of an item."""

    id: int
    code: str
    name: str
    unit: str
    category: str
    halal: bool
    contains_pork: bool
    vegetarian: bool
    retired: bool


@dataclass
class EntitledLine:
    """One item the family may collect: how many, why, and how many are on the shelf."""

    item: ItemBrief
    quantity: int
    available: int
    reasons: list[str] = field(default_factory=list)
    replaces: ItemBrief | None = None
    """The rule's item this one is given instead of, for the household's diet."""


def age_in_months(birth: date, today: date) -> int:
    """Whole months from `birth` to `today`."""
    months = (today.year - birth.year) * 12 + today.month - birth.month
    return months - (1 if today.day < birth.day else 0)


def describe_household(members: list[Member], today: date) -> str:
    """Adults, children (with ages) and infants (in months), the way a volunteer says it."""
    adults = 0
    unknown = 0
    children: list[str] = []
    for member in members:
        if member.birth_date is None:
            unknown += 1
            continue
        months = age_in_months(member.birth_date, today)
        if months >= 18 * 12:
            adults += 1
        elif months >= 24:
            children.append(f"{months // 12}")
        else:
            children.append(f"{max(months, 0)} months")
    parts = [f"{adults} adult" + ("s" if adults != 1 else "")] if adults else []
    if children:
        word = "child" if len(children) == 1 else "children"
        parts.append(f"{len(children)} {word} ({', '.join(children)})")
    if unknown:
        parts.append(f"{unknown} of unknown age")
    return ", ".join(parts) or "no members"


def diet_refusal(item: ItemBrief, needs: Iterable[str]) -> str | None:
    """Why a household with these dietary needs must not be given `item`, or None."""
    wanted = frozenset(needs)
    if item.contains_pork and wanted & _NO_PORK:
        return "contains pork"
    if item.category != ItemCategory.FOOD.value:
        return None
    if DietaryNeed.HALAL.value in wanted and not item.halal:
        return "is not halal"
    if DietaryNeed.VEGETARIAN.value in wanted and not item.vegetarian:
        return "is not vegetarian"
    return None


def rule_item_ids(rules: list[BasketRule]) -> set[int]:
    ids = {rule.item_id for rule in rules}
    return ids | {rule.substitute_item_id for rule in rules if rule.substitute_item_id}


def item_briefs(session: Session, item_ids: set[int]) -> dict[int, ItemBrief]:
    if not item_ids:
        return {}
    items = session.exec(select(Item).where(col(Item.id).in_(item_ids))).all()
    return {item.id: brief(item) for item in items if item.id is not None}


def brief(item: Item) -> ItemBrief:
    """The counter's view of a catalogue item."""
    assert item.id is not None
    return ItemBrief(
        id=item.id,
        code=item.code,
        name=item.name,
        unit=item.unit,
        category=item.category,
        halal=item.halal,
        contains_pork=item.contains_pork,
        vegetarian=item.vegetarian,
        retired=item.retired_at is not None,
    )


def basket_lines(
    rules: list[BasketRule],
    items: dict[int, ItemBrief],
    members: list[Member],
    needs: frozenset[str],
    today: date,
) -> tuple[list[EntitledLine], list[str]]:
    """The basket's lines for this household, one per item, in rule order."""
    lines: dict[int, EntitledLine] = {}
    left_out: list[str] = []
    size = len(members)
    for rule in rules:
        quantity, reason = _rule_quantity(rule, members, size, today)
        if quantity == 0:
            continue
        item = items[rule.item_id]
        replaces: ItemBrief | None = None
        refusal = diet_refusal(item, needs)
        if refusal is not None:
            substitute = items.get(rule.substitute_item_id or 0)
            if substitute is None or diet_refusal(substitute, needs) is not None:
                left_out.append(f"{item.name} {refusal}; the rules have no substitute that fits")
                continue
            item, replaces = substitute, item
            reason += f", instead of {replaces.name} ({refusal})"
        line = lines.setdefault(item.id, EntitledLine(item, 0, 0, replaces=replaces))
        line.quantity += quantity
        line.reasons.append(reason)
    return list(lines.values()), left_out


def _rule_quantity(
    rule: BasketRule, members: list[Member], size: int, today: date
) -> tuple[int, str]:
    """How many the rule gives this household, and why in a few words."""
    if not _in_band(size, rule.household_from, rule.household_to):
        return 0, ""
    if rule.per == RulePer.HOUSEHOLD.value:
        return rule.quantity, f"household of {size}"
    matching = sum(1 for member in members if _member_matches(rule, member, today))
    if matching == 0:
        return 0, ""
    who = {"female": "woman" if (rule.age_from_months or 0) >= 12 * 12 else "girl"}.get(
        rule.sex, "member"
    )
    if rule.age_under_months is not None and rule.age_under_months <= 36:
        who = "infant"
    elif rule.age_under_months is not None and rule.age_under_months <= 18 * 12 and not rule.sex:
        who = "child"
    plural = "" if matching == 1 else ("ren" if who == "child" else "s")
    return rule.quantity * matching, f"{matching} {who}{plural}"


def _in_band(value: int, start: int | None, end: int | None) -> bool:
    return (start is None or value >= start) and (end is None or value <= end)


def _member_matches(rule: BasketRule, member: Member, today: date) -> bool:
    if rule.sex and member.sex != rule.sex:
        return False
    if rule.age_from_months is None and rule.age_under_months is None:
        return True
    if member.birth_date is None:
        return False
    months = age_in_months(member.birth_date, today)
    if rule.age_from_months is not None and months < rule.age_from_months:
        return False
    return rule.age_under_months is None or months < rule.age_under_months
