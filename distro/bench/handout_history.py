"""Provides the benchmark's distribution history: a basket over the bench ledger's items, fresh
stock for it, past rounds with one handout per family each, and the open round the counter
figures are measured in.

The basket, the rounds and the fresh stock go through the services (a few dozen rows). The
history (200,000 handouts and a million lines at 20,000 families) is bulk-inserted, one
transaction per past round, with its slip codes reserved on the `H` counter so new slips follow
them. Past handouts get no stock movements and no audit rows: what the counter does reads
handouts and their lines, never the movements of old slips, and `distro db check` (which would
miss those movements) is not run on the bench database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from distro.bench.ledger import BENCH_ACTOR
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.numbering import CodeCounter, reserve_up_to
from distro.domain.core.zone import DEFAULT_ZONE, counter_today
from distro.domain.distribution.basket_rules import RuleIn, replace_basket
from distro.domain.distribution.models import DistributionRound, Handout, HandoutLine, RulePer
from distro.domain.distribution.rounds import RoundIn, close_round, create_round
from distro.domain.families.models import Member
from distro.domain.stock.models import Item, ItemCategory, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock

PAST_ROUNDS = 10
"""With one handout per family in each: the issue's 200,000 past handouts at 20,000 families."""
DAYS_BETWEEN_ROUNDS = 14
ROUND_DAYS = 7
LINES_PER_HANDOUT = 5
BASKET = "bench parcel"
OPEN_ROUND = "Bench round, this week"
COORDINATOR = Actor(name=BENCH_ACTOR, role=Role.COORDINATOR)

Row = dict[str, Any]


@dataclass(frozen=True)
class Distribution:
    """What was written: the open round, and the size of the history behind it."""

    round_id: int
    past_rounds: int
    handouts: int
    lines: int


def build_distribution(
    engine: Engine, seed: int, now: datetime, stock_per_item: int
) -> Distribution:
    """The basket, `stock_per_item` fresh units of each of its items, the past rounds and
    their handouts, and an open round running today."""
    with unit_of_work(engine) as session:
        items = _basket(session, now)
        _receive(session, items, stock_per_item, now)
        past = [_past_round(session, number, now) for number in range(PAST_ROUNDS, 0, -1)]
        current = _round(session, OPEN_ROUND, counter_today(session, now) - timedelta(days=1), now)
    households = _household_sizes(engine)
    rng = random.Random(seed)
    lines = 0
    for distribution in past:
        with unit_of_work(engine) as session:
            lines += _write_round(session, distribution, households, items, rng)
    assert current.id is not None
    return Distribution(current.id, len(past), len(past) * len(households), lines)


def _basket(session: Session, now: datetime) -> list[int]:
    """Ten rules over ledger items: a staple by household size, meat with the staple instead
    for halal homes, and household, per-member and age-band rules over the other items. The
    distinct items, in rule order."""
    staple, meat, others = _basket_items(session)
    member = RulePer.MEMBER
    rules = [
        RuleIn(item_id=staple, quantity=1, household_to=2),
        RuleIn(item_id=staple, quantity=2, household_from=3),
        RuleIn(item_id=meat, quantity=2, substitute_item_id=staple),
        RuleIn(item_id=others[0], quantity=1),
        RuleIn(item_id=others[1], quantity=1, per=member),
        RuleIn(item_id=others[2], quantity=3, per=member, age_under_months=24),
        RuleIn(item_id=others[3], quantity=1, per=member, age_under_months=18 * 12),
        RuleIn(
            item_id=others[4],
            quantity=1,
            per=member,
            sex="female",
            age_from_months=12 * 12,
            age_under_months=51 * 12,
        ),
        RuleIn(item_id=others[5], quantity=1, household_from=5),
        RuleIn(item_id=others[6], quantity=2),
    ]
    replace_basket(session, BASKET, rules, actor=COORDINATOR, now=now)
    return list(dict.fromkeys(rule.item_id for rule in rules))


def _basket_items(session: Session) -> tuple[int, int, list[int]]:
    """A food item every diet may have, a food item halal homes may not, and seven items that
    are not food (no diet rules them out): any bench ledger of ten items or more has them."""
    rows = session.exec(select(Item).order_by(col(Item.id))).all()
    items = {item.id: item for item in rows if item.id is not None}
    food = [key for key, item in items.items() if item.category == ItemCategory.FOOD.value]
    staple = next(key for key in food if items[key].halal and items[key].vegetarian)
    meat = next(key for key in food if not items[key].halal)
    others = [key for key in items if key not in food]
    return staple, meat, others[:7]


def _receive(session: Session, items: list[int], quantity: int, now: datetime) -> None:
    lines = [ReceiptLineIn(item_id=item_id, quantity=quantity) for item_id in items]
    receipt = ReceiptIn(
        received_on=counter_today(session, now),
        source_kind=StockSource.DONOR,
        source="Bench",
        lines=lines,
    )
    receive_stock(session, receipt, actor=COORDINATOR, now=now)


def _past_round(session: Session, number: int, now: datetime) -> DistributionRound:
    starts_on = counter_today(session, now) - timedelta(days=DAYS_BETWEEN_ROUNDS * number)
    distribution = _round(session, f"Bench round {PAST_ROUNDS - number + 1:02d}", starts_on, now)
    assert distribution.id is not None
    close_round(session, distribution.id, actor=COORDINATOR, now=now)
    return distribution


def _round(session: Session, name: str, starts_on: date, now: datetime) -> DistributionRound:
    ends_on = starts_on + timedelta(days=ROUND_DAYS - 1)
    round_in = RoundIn(name=name, basket=BASKET, starts_on=starts_on, ends_on=ends_on)
    return create_round(session, round_in, actor=COORDINATOR, now=now)


def _household_sizes(engine: Engine) -> dict[int, int]:
    """Current members of every family that has any."""
    with reading(engine) as session:
        rows = session.exec(
            select(Member.family_id, func.count())
            .where(col(Member.removed_at).is_(None))
            .group_by(col(Member.family_id))
        ).all()
    return {family_id: int(size) for family_id, size in rows}


def _write_round(
    session: Session,
    distribution: DistributionRound,
    households: dict[int, int],
    items: list[int],
    rng: random.Random,
) -> int:
    """One handout per family on the round's days, slip codes after the last one; lines
    written."""
    connection = session.connection()
    counter = session.get(CodeCounter, CodeKind.SLIP.value)
    first_number = (counter.last_number if counter else 0) + 1
    rows = _handout_rows(distribution, households, first_number, rng)
    statement = insert(Handout).returning(col(Handout.id), sort_by_parameter_order=True)
    returned = connection.execute(statement, rows).scalars()
    lines = [
        _line_row(handout_id, item_id, rng)
        for handout_id in returned
        if handout_id is not None
        for item_id in rng.sample(items, LINES_PER_HANDOUT)
    ]
    connection.execute(insert(HandoutLine), lines)
    reserve_up_to(session, CodeKind.SLIP, first_number + len(rows) - 1)
    return len(lines)


def _line_row(handout_id: int, item_id: int, rng: random.Random) -> Row:
    units = rng.randint(1, 3)
    return {
        "handout_id": handout_id,
        "item_id": item_id,
        "quantity": units,
        "entitled": units,
        "substitute_for_item_id": None,
    }


def _handout_rows(
    distribution: DistributionRound,
    households: dict[int, int],
    first_number: int,
    rng: random.Random,
) -> list[Row]:
    """The round's handouts, collected at once (one-step) during counter hours."""
    opening = datetime.combine(distribution.starts_on, clock_time(9), tzinfo=DEFAULT_ZONE)
    rows = []
    for number, (family_id, size) in enumerate(households.items(), start=first_number):
        at = (
            opening + timedelta(days=rng.randrange(ROUND_DAYS), minutes=rng.randrange(8 * 60))
        ).astimezone(UTC)
        rows.append(
            {
                "code": format_code(CodeKind.SLIP, number),
                "round_id": distribution.id,
                "family_id": family_id,
                "household_size": size,
                "handed_out_at": at,
                "counter": f"counter {number % 3 + 1}",
                "actor": BENCH_ACTOR,
                "proxy_name": "",
                "proxy_relation": "",
                "note": "",
                "override_reason": "",
                "collected_at": at,
                "collected_by": BENCH_ACTOR,
                "voided_at": None,
                "voided_by": "",
                "void_reason": "",
                "printed_count": 1,
            }
        )
    return rows
