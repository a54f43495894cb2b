"""Provides a family's entitlement in a round: its basket (`household_basket`), how much of
each item is on the shelf, and whether it may collect now (already collected, status, list,
dates) with the flags the volunteer must see.

The same function feeds the counter screen, `distro handout` and the handout's own check inside
its transaction, so what the volunteer saw is what the database accepts.

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from distro.domain.core.codes import Code, parse_scan
from distro.domain.core.errors import NotFound
from distro.domain.core.moments import MomentStyle, moment_text
from distro.domain.core.zone import counter_today, ngo_zone
from distro.domain.distribution.household_basket import (
    EntitledLine,
    basket_lines,
    describe_household,
    item_briefs,
    rule_item_ids,
)
from distro.domain.distribution.models import (
    BasketRule,
    DistributionRound,
    Expected,
    Handout,
    RoundFamily,
)
from distro.domain.distribution.slip_view import at_counter
from distro.domain.families.merge_chain import family_with_merged_ids, surviving_family
from distro.domain.families.models import LIST_SEPARATOR, Family, FamilyStatus, Member
from distro.domain.families.registry import find_family_by_code
from distro.domain.stock.models import StockLot


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
    zone: tzinfo
    """The NGO's clock, the one `last_visit` and `previous` are shown on."""

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
    session: Session, distribution: DistributionRound, code: Code | str, now: datetime
) -> Entitlement:
    """The entitlement of the family whose card `code` is (a merged card's survivor); the
    scan line passes the code it has read already."""
    card = parse_scan(code)
    family = find_family_by_code(session, card)
    return _entitlement(session, distribution, family, card.text, now)


def _entitlement(
    session: Session, distribution: DistributionRound, family: Family, scanned: str, now: datetime
) -> Entitlement:
    assert family.id is not None and distribution.id is not None
    today = counter_today(session, now)
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
    items = item_briefs(session, rule_item_ids(rules))
    lines, left_out = basket_lines(rules, items, members, needs, today)
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
        allergies=family.allergies.strip(),
        status=family.status,
        lines=lines,
        left_out=left_out,
        blockers=_blockers(session, distribution, family, family_ids, previous, today),
        warnings=_warnings(family, members),
        previous=previous,
        last_visit=_last_visit(session, family_ids),
        zone=ngo_zone(session),
    )


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
        blockers.append(already_collected(previous, ngo_zone(session)))
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


def already_collected(previous: Collection, zone: tzinfo) -> str:
    """The refusal of a second collection: when, where, by whom, which slip."""
    at = moment_text(previous.handed_out_at, zone, MomentStyle.DAY_TIME)
    return (
        f"Already collected this round: {at} {at_counter(previous.counter)} "
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
    if any(member.birth_date is None for member in members):
        warnings.append("Some members have no birth date: age-based extras leave them out.")
    return warnings
