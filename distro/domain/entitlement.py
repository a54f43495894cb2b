"""Provides a family's entitlement in a round: what the basket rules give its household, what
its diet rules out or swaps, how much of each is on the shelf, and whether it may collect now.

The same function feeds the counter screen, `distro handout` and the handout's own check inside
its transaction, so what the volunteer saw is what the database accepts.

Diet: pork goes to no household that is halal, no-pork or vegetarian; a halal household gets
only food flagged halal, and a vegetarian one only food flagged vegetarian (the flags of baby,
hygiene and household items say nothing about diet, so only pork is checked there). A ruled-out
item is replaced by the rule's substitute if that one fits, or left out with the reason shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from distro.domain.clock import hong_kong_time, local_date
from distro.domain.codes import parse_scan
from distro.domain.errors import NotFound
from distro.domain.families import find_family_by_code, surviving_family
from distro.domain.handout_models import (
    BasketRule,
    DistributionRound,
    Expected,
    Handout,
    RoundFamily,
    RulePer,
)
from distro.domain.models import LIST_SEPARATOR, DietaryNeed, Family, FamilyStatus, Member
from distro.domain.retention import family_with_merged_ids
from distro.domain.stock_models import Item, ItemCategory, StockLot

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


@dataclass(frozen=True)
class Collection:
    """An earlier handout of this family in this round, for the refusal of a second one."""

    code: str
    handed_out_at: datetime
    counter: str
    actor: str
    override_reason: str


@dataclass
class Entitlement:
    """Everything the counter shows before a handout, and what the handout checks against."""

    round_id: int
    round_name: str
    two_step: bool
    family_id: int
    family_code: str
    scanned_code: str
    """The card that was scanned or typed; differs from `family_code` for a merged card."""
    head_name: str
    household_size: int
    household: str
    """The household in words: "2 adults, 1 child (6), 1 infant (8 months)"."""
    dietary: list[str]
    allergies: str
    status: str
    lines: list[EntitledLine]
    left_out: list[str]
    blockers: list[str]
    """Reasons the family may not collect now; a coordinator may override them with a reason."""
    warnings: list[str]
    """Things the volunteer must see (consent missing) that do not stop the handout."""
    previous: Collection | None
    last_visit: datetime | None

    @property
    def eligible(self) -> bool:
        """Whether an ordinary handout (no override) may go ahead."""
        return not self.blockers


def family_entitlement(
    session: Session, distribution: DistributionRound, family_id: int, now: datetime
) -> Entitlement:
    """The entitlement of the family `family_id` (following a merge to the survivor)."""
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound(f"No family with id {family_id}.")
    return _entitlement(session, distribution, surviving_family(session, family), family.code, now)


def entitlement_for_code(
    session: Session, distribution: DistributionRound, code: str, now: datetime
) -> Entitlement:
    """The entitlement of the family whose card `code` is (a merged card's survivor)."""
    family = find_family_by_code(session, code)
    return _entitlement(session, distribution, family, parse_scan(code).text, now)


def _entitlement(
    session: Session, distribution: DistributionRound, family: Family, scanned: str, now: datetime
) -> Entitlement:
    assert family.id is not None and distribution.id is not None
    today = local_date(now)
    members = list(
        session.exec(
            select(Member)
            .where(Member.family_id == family.id, col(Member.removed_at).is_(None))
            .order_by(col(Member.position))
        ).all()
    )
    needs = frozenset(need for need in family.dietary.split(LIST_SEPARATOR) if need)
    rules = list(
        session.exec(
            select(BasketRule)
            .where(BasketRule.basket == distribution.basket)
            .order_by(col(BasketRule.position), col(BasketRule.id))
        ).all()
    )
    items = _briefs(session, _rule_item_ids(rules))
    lines, left_out = _basket(rules, items, members, needs, today)
    _fill_available(session, lines, today)
    family_ids = family_with_merged_ids(session, family.id)
    previous = _previous_collection(session, distribution.id, family_ids)
    return Entitlement(
        round_id=distribution.id,
        round_name=distribution.name,
        two_step=distribution.two_step,
        family_id=family.id,
        family_code=family.code,
        scanned_code=scanned,
        head_name=members[0].full_name if members else "",
        household_size=len(members),
        household=describe_household(members, today),
        dietary=sorted(needs),
        allergies=family.allergies,
        status=family.status,
        lines=lines,
        left_out=left_out,
        blockers=_blockers(session, distribution, family, family_ids, previous, today),
        warnings=_warnings(family, members),
        previous=previous,
        last_visit=_last_visit(session, family_ids),
    )


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


def _rule_item_ids(rules: list[BasketRule]) -> set[int]:
    ids = {rule.item_id for rule in rules}
    return ids | {rule.substitute_item_id for rule in rules if rule.substitute_item_id}


def _briefs(session: Session, item_ids: set[int]) -> dict[int, ItemBrief]:
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


def _basket(
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


def _fill_available(session: Session, lines: list[EntitledLine], today: date) -> None:
    available = usable_on_hand(session, [line.item.id for line in lines], today)
    for line in lines:
        line.available = available.get(line.item.id, 0)


def usable_on_hand(session: Session, item_ids: list[int], today: date) -> dict[int, int]:
    """Units of each item on the shelf that may be handed out today (not expired)."""
    if not item_ids:
        return {}
    rows = session.exec(
        select(StockLot.item_id, func.sum(StockLot.on_hand))
        .where(
            col(StockLot.item_id).in_(item_ids),
            col(StockLot.on_hand) > 0,
            or_(col(StockLot.expiry).is_(None), col(StockLot.expiry) >= today),
        )
        .group_by(col(StockLot.item_id))
    ).all()
    return {item_id: int(total) for item_id, total in rows}


def _previous_collection(
    session: Session, round_id: int, family_ids: list[int]
) -> Collection | None:
    handout = session.exec(
        select(Handout)
        .where(
            Handout.round_id == round_id,
            col(Handout.family_id).in_(family_ids),
            col(Handout.voided_at).is_(None),
        )
        .order_by(col(Handout.handed_out_at).desc())
        .limit(1)
    ).first()
    if handout is None:
        return None
    return Collection(
        handout.code, handout.handed_out_at, handout.counter, handout.actor, handout.override_reason
    )


def _last_visit(session: Session, family_ids: list[int]) -> datetime | None:
    last = session.exec(
        select(func.max(Handout.handed_out_at)).where(
            col(Handout.family_id).in_(family_ids), col(Handout.voided_at).is_(None)
        )
    ).one()
    return last


def _blockers(
    session: Session,
    distribution: DistributionRound,
    family: Family,
    family_ids: list[int],
    previous: Collection | None,
    today: date,
) -> list[str]:
    blockers = []
    if previous is not None:
        blockers.append(already_collected(previous))
    if family.status != FamilyStatus.ACTIVE.value:
        blockers.append(
            f"The family is {family.status.replace('_', ' ')}; only active families collect."
        )
    if distribution.expected == Expected.LIST.value and not _on_list(
        session, distribution, family_ids
    ):
        blockers.append(f"The family is not on the list of {distribution.name}.")
    if today < distribution.starts_on:
        blockers.append(f"{distribution.name} starts on {distribution.starts_on:%d %b %Y}.")
    if today > distribution.ends_on:
        blockers.append(f"{distribution.name} ended on {distribution.ends_on:%d %b %Y}.")
    return blockers


def already_collected(previous: Collection) -> str:
    """The refusal of a second collection: when, where, by whom, which slip."""
    at = hong_kong_time(previous.handed_out_at)
    return (
        f"Already collected this round: {at:%d %b %H:%M} at counter {previous.counter} "
        f"with {previous.actor}, slip {previous.code}."
    )


def _on_list(session: Session, distribution: DistributionRound, family_ids: list[int]) -> bool:
    found = session.exec(
        select(RoundFamily.id)
        .where(RoundFamily.round_id == distribution.id, col(RoundFamily.family_id).in_(family_ids))
        .limit(1)
    ).first()
    return found is not None


def _warnings(family: Family, members: list[Member]) -> list[str]:
    warnings = []
    if family.consent_date is None:
        warnings.append("Consent is not recorded: ask the family, then record it (Families, e).")
    if family.allergies.strip():
        warnings.append(f"Allergies: {family.allergies.strip()}")
    if any(member.birth_date is None for member in members):
        warnings.append("Some members have no birth date: age-based extras leave them out.")
    return warnings
