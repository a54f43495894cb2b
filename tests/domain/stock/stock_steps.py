"""Steps against the stock ledger, each with a reference model of what the ledger must
do (or refuse): the property tests run a step through the real service and compare.

The model is deliberately naive (a dict of lots, a sort for first expiry first), so that it is
easy to believe; the services are what is under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session

from distro.domain.core.clock import local_date
from distro.domain.core.errors import DomainError, InvalidInput, NotFound
from distro.domain.stock.adjusting import adjust_stock, write_off_expired
from distro.domain.stock.ledger import NotEnoughStock, Taken, issue_stock
from distro.domain.stock.models import MAX_QUANTITY, AdjustReason, MovementKind, StockSource
from distro.domain.stock.receiving import ReceiptIn, ReceiptLineIn, receive_stock
from distro.domain.stock.take import post_count
from tests.builders.clock import HONG_KONG
from tests.builders.families import ACTOR

MISSING_LOT = 1_000_000
"""A lot id no test database reaches: what a pick names when there are no lots yet."""

TAKE_ONLY = (AdjustReason.DAMAGED, AdjustReason.EXPIRED, AdjustReason.LOST)


@dataclass(frozen=True)
class Lot:
    """What the books must say about one lot."""

    item_id: int
    expiry: date | None
    on_hand: int


@dataclass
class Books:
    """The model: the two items every example stocks, every lot, and the units ever received."""

    items: tuple[int, ...]
    lots: dict[int, Lot] = field(default_factory=dict)
    received: int = 0

    def pick(self, index: int) -> int:
        """A lot id chosen by `index` among all lots (of either item), stable across runs."""
        ids = sorted(self.lots)
        return ids[index % len(ids)] if ids else MISSING_LOT


@dataclass(frozen=True)
class Refused:
    """The step must raise exactly this error and change nothing."""

    error: type[DomainError]


@dataclass(frozen=True)
class Changed:
    """The step must succeed, leave the existing lots as `lots`, create `new_lots`
    ((item, expiry, units) in id order), write only `kind` movements, return `returned`
    (normalised by the step) and write one audit row if `audited`."""

    kind: MovementKind
    lots: dict[int, Lot]
    returned: object
    new_lots: tuple[tuple[int, date | None, int], ...] = ()
    audited: bool = True


Expected = Refused | Changed
TakenRow = tuple[int | None, int, date | None]
"""A Taken as compared: lot id (None for a lot the step created), signed units, expiry."""


def usable(today: date) -> Callable[[Lot], bool]:
    """Lots an issue may draw on: no expiry, or expiring today or later."""
    return lambda lot: lot.expiry is None or lot.expiry >= today


def expired(today: date) -> Callable[[Lot], bool]:
    """Lots an `expired` adjustment or a write-off draws on."""
    return lambda lot: lot.expiry is not None and lot.expiry < today


def first_expiry_first(
    books: Books, item_id: int, quantity: int, chosen: Callable[[Lot], bool]
) -> list[tuple[int, int]] | None:
    """(lot id, units) to take, soonest expiry first and lots without expiry last, or None when
    the chosen lots hold too few."""
    candidates = sorted(
        (
            (lot.expiry is None, lot.expiry or date.min, lot_id)
            for lot_id, lot in books.lots.items()
            if lot.item_id == item_id and lot.on_hand > 0 and chosen(lot)
        )
    )
    plan: list[tuple[int, int]] = []
    remaining = quantity
    for _no_expiry, _expiry, lot_id in candidates:
        if remaining == 0:
            break
        part = min(books.lots[lot_id].on_hand, remaining)
        plan.append((lot_id, part))
        remaining -= part
    return None if remaining else plan


def taking(books: Books, kind: MovementKind, plan: list[tuple[int, int]]) -> Changed:
    """The books after taking `plan`, and the Taken rows the service must return."""
    lots = dict(books.lots)
    for lot_id, part in plan:
        lots[lot_id] = replace(lots[lot_id], on_hand=lots[lot_id].on_hand - part)
    returned = tuple((lot_id, -part, books.lots[lot_id].expiry) for lot_id, part in plan)
    return Changed(kind, lots, returned, audited=bool(plan))


def taken_rows(taken: list[Taken], books: Books) -> tuple[TakenRow, ...]:
    return tuple(
        (part.lot_id if part.lot_id in books.lots else None, part.quantity, part.expiry)
        for part in taken
    )


def in_days(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


@dataclass(frozen=True)
class Receive:
    """A delivery of (item index, units, expiry in days from today) lines, dated `days_ago`
    (-1: tomorrow, which is refused)."""

    lines: tuple[tuple[int, int, int | None], ...]
    days_ago: int

    def expect(self, books: Books, today: date) -> Expected:
        if self.days_ago < 0:
            return Refused(InvalidInput)
        new = tuple((books.items[i], in_days(today, days), units) for i, units, days in self.lines)
        warned = sum(1 for _item, expiry, _units in new if expiry is not None and expiry < today)
        return Changed(MovementKind.RECEIVE, books.lots, warned, new_lots=new)

    def run(self, session: Session, books: Books, now: datetime) -> object:
        today = local_date(now, HONG_KONG)
        receipt = ReceiptIn(
            received_on=today - timedelta(days=self.days_ago),
            source_kind=StockSource.DONOR,
            lines=[
                ReceiptLineIn(item_id=books.items[i], quantity=units, expiry=in_days(today, days))
                for i, units, days in self.lines
            ],
        )
        return len(receive_stock(session, receipt, actor=ACTOR, now=now).warnings)


@dataclass(frozen=True)
class Issue:
    """Issue `quantity` of an item (zero or less, or a blank reason, is refused)."""

    item: int
    quantity: int
    reason: str

    def expect(self, books: Books, today: date) -> Expected:
        if not 0 < self.quantity <= MAX_QUANTITY or not self.reason.strip():
            return Refused(InvalidInput)
        plan = first_expiry_first(books, books.items[self.item], self.quantity, usable(today))
        return Refused(NotEnoughStock) if plan is None else taking(books, MovementKind.ISSUE, plan)

    def run(self, session: Session, books: Books, now: datetime) -> object:
        item_id = books.items[self.item]
        taken = issue_stock(session, item_id, self.quantity, self.reason, actor=ACTOR, now=now)
        return taken_rows(taken, books)


@dataclass(frozen=True)
class Adjust:
    """Adjust an item by a signed quantity with a reason, on a picked lot (maybe another item's,
    which is refused) or, with `lot` None, wherever the ledger chooses."""

    item: int
    quantity: int
    reason: AdjustReason
    note: str
    lot: int | None
    expiry: int | None

    def expect(self, books: Books, today: date) -> Expected:
        quantity, reason, item_id = self.quantity, self.reason, books.items[self.item]
        if (
            quantity == 0
            or (reason is AdjustReason.FOUND and quantity < 0)
            or (reason in TAKE_ONLY and quantity > 0)
            or (reason is AdjustReason.CORRECTION and not self.note.strip())
        ):
            return Refused(InvalidInput)
        if self.lot is None and quantity > 0:
            expiry = in_days(today, self.expiry)
            new = ((item_id, expiry, quantity),)
            return Changed(MovementKind.ADJUST, books.lots, ((None, quantity, expiry),), new)
        if self.lot is None:
            chosen = expired(today) if reason is AdjustReason.EXPIRED else usable(today)
            plan = first_expiry_first(books, item_id, -quantity, chosen)
            if plan is None:
                return Refused(NotEnoughStock)
            return taking(books, MovementKind.ADJUST, plan)
        lot_id = books.pick(self.lot)
        lot = books.lots.get(lot_id)
        if lot is None or lot.item_id != item_id:
            return Refused(NotFound)
        if lot.on_hand + quantity < 0:
            return Refused(NotEnoughStock)
        lots = {**books.lots, lot_id: replace(lot, on_hand=lot.on_hand + quantity)}
        return Changed(MovementKind.ADJUST, lots, ((lot_id, quantity, lot.expiry),))

    def run(self, session: Session, books: Books, now: datetime) -> object:
        taken = adjust_stock(
            session,
            books.items[self.item],
            self.quantity,
            self.reason,
            self.note,
            lot_id=None if self.lot is None else books.pick(self.lot),
            expiry=in_days(local_date(now, HONG_KONG), self.expiry),
            actor=ACTOR,
            now=now,
        )
        return taken_rows(taken, books)


@dataclass(frozen=True)
class Count:
    """A stock take of (lot pick, units counted) pairs; the last count of a lot wins."""

    counts: tuple[tuple[int, int], ...]

    def counted(self, books: Books) -> dict[int, int]:
        return {books.pick(pick): units for pick, units in self.counts}

    def expect(self, books: Books, today: date) -> Expected:
        counted = self.counted(books)
        if not counted:
            return Refused(InvalidInput)
        if any(lot_id not in books.lots for lot_id in counted):
            return Refused(NotFound)
        lots = dict(books.lots)
        for lot_id, units in counted.items():
            lots[lot_id] = replace(lots[lot_id], on_hand=units)
        net = sum(units - books.lots[lot_id].on_hand for lot_id, units in counted.items())
        return Changed(MovementKind.COUNT, lots, (len(counted), net))

    def run(self, session: Session, books: Books, now: datetime) -> object:
        stock_count = post_count(session, self.counted(books), "Shelf A", actor=ACTOR, now=now)
        return stock_count.lots_counted, stock_count.net_difference


@dataclass(frozen=True)
class WriteOff:
    """Write off every expired lot, of one item or (`item` None) of all."""

    item: int | None

    def expect(self, books: Books, today: date) -> Expected:
        wanted = None if self.item is None else books.items[self.item]
        due = sorted(
            (lot.expiry, lot_id, lot.on_hand)
            for lot_id, lot in books.lots.items()
            if expired(today)(lot) and lot.on_hand > 0 and wanted in (None, lot.item_id)
        )
        return taking(books, MovementKind.EXPIRE, [(lot_id, units) for _e, lot_id, units in due])

    def run(self, session: Session, books: Books, now: datetime) -> object:
        item_id = None if self.item is None else books.items[self.item]
        return taken_rows(write_off_expired(session, actor=ACTOR, now=now, item_id=item_id), books)


Step = Receive | Issue | Adjust | Count | WriteOff
