"""Provides the demo's stock: the starter catalogue, and four months of deliveries, issues to
partners and monthly write-offs, each posted through the real ledger services on its own day.

The story is seeded and told relative to today, so every demo database shows the same shape:
regular donations (Feeding Hong Kong, a church), short-dated rescued food (Food Angel) of which
some expires on the shelf, purchases of what donors rarely give, issues every week to a partner
shelter and a community kitchen, and a few items nobody delivered lately, now below their
low-stock level.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources

from sqlmodel import Session, col, select

from distro.domain.core.access import Actor, Role
from distro.domain.core.clock import clock_moment
from distro.domain.core.errors import DomainError
from distro.domain.core.zone import DEFAULT_ZONE, counter_today
from distro.domain.stock.adjusting import write_off_expired
from distro.domain.stock.catalogue_csv import import_items
from distro.domain.stock.ledger import issue_stock
from distro.domain.stock.lists import item_lots
from distro.domain.stock.models import Item, ItemCategory, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from distro.domain.users.accounts import actor_of
from distro.domain.users.models import AppUser

FOOD, BABY = ItemCategory.FOOD, ItemCategory.BABY
HYGIENE, HOUSEHOLD = ItemCategory.HYGIENE, ItemCategory.HOUSEHOLD
STORY_DAYS = 115
"""The catalogue is imported this many days ago; the first deliveries follow."""
COVER_WEEKS = 4
"""A delivery tops an item up to this many weeks of stock beyond the next delivery."""
LOW_ITEMS = 3
LOW_SINCE_DAYS = 50
"""The low items got no delivery in these last days, so they ran down below their level."""
RESCUED_LINES = 6
RESCUED_WEEKS = (3, 6)
RESCUED_SHELF_DAYS = (14, 45)
"""Rescued food comes in weeks' worth and is near its date: some of it expires unused."""
SHELF_DAYS = (180, 540)
WRITE_OFF_DAYS_AGO = (70, 42, 14)
"""The coordinator's monthly write-off of expired stock; what expired since is still there."""


@dataclass(frozen=True)
class Delivery:
    """A delivery of the demo's story: when, from whom, and which shelves it fills. A rescued
    delivery brings a few short-dated food items instead."""

    days_ago: int
    source_kind: StockSource
    source: str
    categories: frozenset[ItemCategory]
    rescued: bool = False


@dataclass(frozen=True)
class Partner:
    """Who stock is issued to, on which day of the week (days ago modulo 7), and what."""

    name: str
    weekday: int
    categories: frozenset[ItemCategory]


def _delivery(days_ago: int, source: str, *categories: ItemCategory) -> Delivery:
    kind = StockSource.PURCHASE if source == WHOLESALER else StockSource.DONOR
    return Delivery(days_ago, kind, source, frozenset(categories), source == "Food Angel")


CHURCH = "Grace Community Church harvest collection"
WHOLESALER = "Wholesaler, monthly order"
DELIVERIES = (
    _delivery(112, "Feeding Hong Kong", FOOD),
    _delivery(110, WHOLESALER, BABY),
    _delivery(108, CHURCH, HYGIENE, HOUSEHOLD),
    _delivery(84, "Food Angel", FOOD),
    _delivery(77, "Feeding Hong Kong", FOOD),
    _delivery(70, WHOLESALER, BABY, HYGIENE),
    _delivery(56, "Food Angel", FOOD),
    _delivery(49, CHURCH, HYGIENE, HOUSEHOLD, BABY),
    _delivery(42, "Feeding Hong Kong", FOOD),
    _delivery(35, WHOLESALER, BABY),
    _delivery(21, "Food Angel", FOOD),
    _delivery(14, "Feeding Hong Kong", FOOD),
    _delivery(10, CHURCH, HYGIENE, HOUSEHOLD),
    _delivery(5, WHOLESALER, BABY),
)
PARTNERS = (
    Partner(
        "Partner shelter: women's refuge, Kowloon",
        2,
        frozenset({BABY, HYGIENE, HOUSEHOLD, ItemCategory.OTHER}),
    ),
    Partner("Community kitchen, Sham Shui Po", 5, frozenset({FOOD})),
)


def create_demo_stock(session: Session, *, now: datetime, seed: int) -> int:
    """Import the starter catalogue and post the demo's months of stock movements as the demo
    coordinator, each at its own time before `now`; returns how many items there are."""
    actor = demo_coordinator(session)
    today = counter_today(session, now)
    _import_catalogue(session, actor, _at(today - timedelta(days=STORY_DAYS), 9))
    story = _Story(session, actor, list(session.exec(select(Item).order_by(col(Item.id)))), seed)
    for days_ago in range(STORY_DAYS - 1, 0, -1):
        day = today - timedelta(days=days_ago)
        for delivery in (d for d in DELIVERIES if d.days_ago == days_ago):
            story.receive(delivery, day)
        for partner in (p for p in PARTNERS if p.weekday == days_ago % 7):
            story.issue(partner, day, days_ago // 7)
        if days_ago in WRITE_OFF_DAYS_AGO:
            write_off_expired(session, actor=actor, now=_at(day, 17))
    return len(story.items)


def needs_demo_stock(session: Session) -> bool:
    """Whether the database has no items yet: a demo made before stock existed."""
    return session.exec(select(Item.id).limit(1)).first() is None


def demo_coordinator(session: Session) -> Actor:
    """The demo's first active coordinator, who posts the demo's stock and handouts."""
    query = select(AppUser).where(
        AppUser.role == Role.COORDINATOR.value, col(AppUser.disabled_at).is_(None)
    )
    user = session.exec(query.order_by(col(AppUser.id))).first()
    if user is None:
        raise DomainError("The demo has no coordinator to receive its stock.")
    return actor_of(user)


def _import_catalogue(session: Session, actor: Actor, at: datetime) -> None:
    text = resources.files("distro.data").joinpath("catalogue.csv").read_text(encoding="utf-8")
    report = import_items(session, io.StringIO(text), actor=actor, now=at)
    if report.problems:
        raise DomainError(f"The starter catalogue has problems: {report.problems[0]}")


@dataclass(frozen=True)
class _Stocked:
    """What the story needs to know of an item: a low-stock level is about two weeks of what
    goes out; items without one go out slowly."""

    item_id: int
    category: ItemCategory
    edible: bool
    """Only what is eaten carries dietary flags in the catalogue, and an expiry date here."""
    watched: bool
    """It has a low-stock level."""
    weekly: int
    """Units that go out in a usual week."""

    @classmethod
    def of(cls, item: Item, rng: random.Random) -> _Stocked:
        """`item`'s part in the story (`rng` draws how fast it goes)."""
        threshold = item.low_stock_threshold
        weekly = (
            max(1, round(threshold * rng.uniform(0.4, 0.6))) if threshold else rng.randint(1, 3)
        )
        edible = item.halal or item.vegetarian or item.contains_pork
        assert item.id is not None
        return cls(item.id, ItemCategory(item.category), edible, bool(threshold), weekly)


class _Story:
    """The demo coordinator's stock keeping, day after day."""

    def __init__(self, session: Session, actor: Actor, items: list[Item], seed: int) -> None:
        self.session, self.actor, self.rng = session, actor, random.Random(seed)
        self.items = [_Stocked.of(item, self.rng) for item in items]
        watched = [item.item_id for item in self.items if item.watched]
        self.low = set(self.rng.sample(watched, min(LOW_ITEMS, len(watched))))
        """Items nobody delivered lately."""

    def receive(self, delivery: Delivery, day: date) -> None:
        """Post one delivery, if it brings anything."""
        lines = self._rescued_lines(day) if delivery.rescued else self._lines(delivery, day)
        if lines:
            receipt = ReceiptIn(
                received_on=day,
                source_kind=delivery.source_kind,
                source=delivery.source,
                note="Rescued surplus, short dated" if delivery.rescued else "",
                lines=lines,
            )
            receive_stock(self.session, receipt, actor=self.actor, now=_at(day, 10))

    def issue(self, partner: Partner, day: date, week: int) -> None:
        """Every other week each of the partner's items goes out, two weeks' worth; the last
        week's worth on the shelf is never issued, it is kept for the families' handouts."""
        for position, item in enumerate(self.items):
            if item.category not in partner.categories or (week + position) % 2:
                continue
            wanted = round(2 * item.weekly * self.rng.uniform(0.8, 1.2))
            quantity = min(wanted, self._usable(item, day) - item.weekly)
            if quantity > 0:
                at = _at(day, 15)
                issue_stock(
                    self.session, item.item_id, quantity, partner.name, actor=self.actor, now=at
                )

    def _lines(self, delivery: Delivery, day: date) -> list[ReceiptLineIn]:
        """The items of the delivery's categories, each topped up as the coordinator asked."""
        lines = []
        for item in self.items:
            if item.category not in delivery.categories:
                continue
            if item.item_id in self.low and delivery.days_ago < LOW_SINCE_DAYS:
                continue
            weeks = _weeks_until_next(delivery, item.category) + COVER_WEEKS
            wanted = round(item.weekly * weeks * self.rng.uniform(0.9, 1.2))
            quantity = wanted - self._usable(item, day)
            expiry = day + timedelta(days=self.rng.randint(*SHELF_DAYS))
            if quantity > 0:
                lines.append(
                    ReceiptLineIn(
                        item_id=item.item_id,
                        quantity=quantity,
                        expiry=expiry if item.edible else None,
                    )
                )
        return lines

    def _rescued_lines(self, day: date) -> list[ReceiptLineIn]:
        """Short-dated food, often more than goes out before its date."""
        food = [
            item
            for item in self.items
            if item.category is FOOD and item.edible and item.item_id not in self.low
        ]
        return [
            ReceiptLineIn(
                item_id=item.item_id,
                quantity=item.weekly * self.rng.randint(*RESCUED_WEEKS),
                expiry=day + timedelta(days=self.rng.randint(*RESCUED_SHELF_DAYS)),
            )
            for item in self.rng.sample(food, min(RESCUED_LINES, len(food)))
        ]

    def _usable(self, item: _Stocked, day: date) -> int:
        """Units of the item on the shelf on `day` that are not past their date."""
        lots = item_lots(self.session, item.item_id, today=day)
        return sum(lot.on_hand for lot in lots if not lot.expired)


def _weeks_until_next(delivery: Delivery, category: ItemCategory) -> float:
    """Weeks until the next regular delivery of `category` (or until today, after the last)."""
    later = [
        other.days_ago
        for other in DELIVERIES
        if category in other.categories and not other.rescued and other.days_ago < delivery.days_ago
    ]
    return (delivery.days_ago - max(later, default=0)) / 7


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock at the counters on `day`, in UTC as the ledger stores times."""
    return clock_moment(day, DEFAULT_ZONE, hour)
