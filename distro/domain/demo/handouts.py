"""Provides the demo's distribution: the starter basket rules, last week's round (closed, most
families served, one slip voided) and this week's round, open, with the morning's families
already served, each handout made through the real service at its own time. Before each round
the food bank delivers what its families will need.

Handouts draw on today's shelves whatever their time, so a handout of last week may take from
a lot received since; the demo's ledger still balances, lot by lot.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from importlib import resources

from sqlmodel import Session, col, select

from distro.domain.core.access import Actor
from distro.domain.core.clock import clock_moment, local_date
from distro.domain.core.errors import DomainError
from distro.domain.core.zone import DEFAULT_ZONE, counter_today
from distro.domain.demo.stock import demo_coordinator
from distro.domain.distribution.basket_rules_csv import import_rules
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import HandedOut, hand_out
from distro.domain.distribution.models import DistributionRound
from distro.domain.distribution.rounds import RoundIn, close_round, create_round
from distro.domain.distribution.slips import mark_printed, void_slip
from distro.domain.families.models import Family, FamilyStatus
from distro.domain.stock.models import StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock

BASKET = "food parcel"
LAST_WEEK_SHARE = 0.7
"""Of the active families, the share that collected last week."""
THIS_MORNING = 36
"""Families served so far in this week's round."""
COUNTERS = ("Counter 1", "Counter 2")
PROXIES = (("Fatima Noor", "neighbour"), ("Joseph Mensah", "spouse"), ("Grace Lim", "caseworker"))


def create_demo_handouts(session: Session, *, now: datetime, seed: int) -> int:
    """Import the starter rules, then serve last week's round and this morning's families;
    returns how many handouts were made."""
    actor = demo_coordinator(session)
    rng = random.Random(seed)
    today = counter_today(session, now)
    _import_starter_rules(session, actor, _at(today - timedelta(days=14), 10))
    monday = today - timedelta(days=today.weekday())
    families = _active_family_ids(session)
    last_week = _round(session, actor, monday - timedelta(days=7), now)
    served = rng.sample(families, int(len(families) * LAST_WEEK_SHARE))
    last_monday = monday - timedelta(days=7)
    made = _serve(session, actor, last_week, served, rng, _opening_hours(last_monday, rng))
    if made:
        void_slip(
            session,
            made[0].code,
            "bag packed twice by mistake; stock back on the shelf",
            actor=actor,
            now=_at(monday - timedelta(days=2), 16),
        )
    close_round(session, _id(last_week), actor=actor, now=_at(monday - timedelta(days=2), 17))
    this_week = _round(session, actor, monday, now)
    morning = [_morning_time(now, minute) for minute in range(THIS_MORNING)]
    made += _serve(
        session,
        actor,
        this_week,
        rng.sample(families, min(THIS_MORNING, len(families))),
        rng,
        morning,
    )
    return len(made)


def needs_demo_handouts(session: Session) -> bool:
    """Whether the database has no round yet: a demo made before handouts existed."""
    return session.exec(select(DistributionRound.id).limit(1)).first() is None


def _import_starter_rules(session: Session, actor: Actor, at: datetime) -> None:
    text = resources.files("distro.data").joinpath("basket_rules.csv").read_text(encoding="utf-8")
    report = import_rules(session, io.StringIO(text), actor=actor, now=at)
    if report.problems:
        raise DomainError(f"The starter basket rules have problems: {report.problems[0]}")


def _round(session: Session, actor: Actor, monday: date, now: datetime) -> DistributionRound:
    week = monday.isocalendar().week
    round_in = RoundIn(
        name=f"Food parcel, week {week}",
        basket=BASKET,
        starts_on=monday,
        ends_on=monday + timedelta(days=6),
        note="Weekly food parcel; the counter opens Monday to Saturday",
    )
    created_at = min(now, _at(monday - timedelta(days=3), 11))
    return create_round(session, round_in, actor=actor, now=created_at)


def _serve(
    session: Session,
    actor: Actor,
    distribution: DistributionRound,
    family_ids: list[int],
    rng: random.Random,
    times: list[datetime],
) -> list[HandedOut]:
    moments = sorted(times)[: len(family_ids)]
    if moments:
        _deliver_parcels(session, actor, distribution, family_ids, moments[0])
    made = []
    for family_id, at in zip(family_ids, moments, strict=False):
        entitlement = family_entitlement(session, distribution, family_id, at)
        if entitlement.blockers or not any(line.available for line in entitlement.lines):
            continue
        proxy_name, relation = rng.choice(PROXIES) if rng.random() < 0.08 else ("", "")
        request = entitled_request(entitlement, proxy_name=proxy_name, proxy_relation=relation)
        counter = rng.choice(COUNTERS)
        done = hand_out(session, request, actor=actor, now=at, counter=counter)
        mark_printed(session, done.handout_id)  # past handouts had their slips
        made.append(done)
    return made


def _deliver_parcels(
    session: Session,
    actor: Actor,
    distribution: DistributionRound,
    family_ids: list[int],
    first: datetime,
) -> None:
    """The food bank's delivery for the round, the day before it opens: what the families
    will be entitled to, and a fifth more."""
    needed: dict[int, int] = {}
    for family_id in family_ids:
        for line in family_entitlement(session, distribution, family_id, first).lines:
            needed[line.item.id] = needed.get(line.item.id, 0) + line.quantity
    day = counter_today(session, first) - timedelta(days=1)
    lines = [
        ReceiptLineIn(
            item_id=item_id, quantity=quantity + quantity // 5 + 1, expiry=day + timedelta(days=270)
        )
        for item_id, quantity in sorted(needed.items())
    ]
    receipt = ReceiptIn(
        received_on=day,
        source_kind=StockSource.DONOR,
        source="Feeding Hong Kong",
        note=f"Parcel stock for {distribution.name}",
        lines=lines,
    )
    receive_stock(session, receipt, actor=actor, now=_at(day, 15))


def _opening_hours(monday: date, rng: random.Random) -> list[datetime]:
    """Moments in the opening hours (10:00 to 17:00) of a week's Monday to Saturday."""
    return [
        _at(monday + timedelta(days=day), rng.randint(10, 16), rng.randint(0, 59))
        for day in range(6)
        for _ in range(80)
    ]


def _morning_time(now: datetime, index: int) -> datetime:
    """This morning's handouts, four minutes apart from 10:00, none later than a minute ago."""
    today = local_date(now, DEFAULT_ZONE)
    at = _at(today, 10, 0) + timedelta(minutes=4 * index)
    earliest = now - timedelta(minutes=THIS_MORNING * 4 + 1)
    return at if at < now else earliest + timedelta(minutes=4 * index)


def _active_family_ids(session: Session) -> list[int]:
    ids = session.exec(
        select(Family.id).where(Family.status == FamilyStatus.ACTIVE.value).order_by(col(Family.id))
    ).all()
    return [family_id for family_id in ids if family_id is not None]


def _id(distribution: DistributionRound) -> int:
    assert distribution.id is not None
    return distribution.id


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return clock_moment(day, DEFAULT_ZONE, hour, minute)
