"""Property tests of the handout: over random sequences of registering households, handing out
(as entitled, at full quantity, lowered, raised, swapped), second attempts, coordinator
overrides, voids, and stock issued or received elsewhere, every step does what a naive model
says or is refused and writes nothing, and after every step the books, the handouts and the
diet rules hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, Row, text
from sqlmodel import Session, select

from distro.domain.admin.checks import check_database
from distro.domain.core.access import Actor, Role
from distro.domain.core.clock import local_date
from distro.domain.core.db import make_engine, migrate, reading, unit_of_work
from distro.domain.core.errors import Conflict, DomainError, InvalidInput, NotAllowed
from distro.domain.distribution.entitlement import Entitlement, family_entitlement
from distro.domain.distribution.handout_request import HandoutIn, HandoutLineIn
from distro.domain.distribution.handouts import HandedOut, StockChanged, hand_out
from distro.domain.distribution.rounds import get_round
from distro.domain.distribution.slips import void_slip
from distro.domain.families.models import LIST_SEPARATOR
from distro.domain.stock.ledger import NotEnoughStock, issue_stock
from distro.domain.stock.models import Item
from tests.builders.clock import FIXED_NOW, HONG_KONG
from tests.builders.databases import fresh_copy
from tests.builders.distribution import Basket, stocked_basket
from tests.builders.families import ACTOR, register_into
from tests.builders.stock import receive_lot

VOLUNTEER = Actor(name="Vera Volunteer", role=Role.VOLUNTEER)
OPENING_STOCK = 10
NO_PORK = frozenset({"halal", "no_pork", "vegetarian"})
SNAPSHOT_TABLES = (
    "handout",
    "handout_line",
    "stock_lot",
    "stock_movement",
    "audit_event",
    "audit_chain_head",
    "code_counter",
    "family",
)
"""Everything a handout, a void or an issue may write: a refused step must leave it as it was."""
Template = tuple[Path, Basket]
Snapshot = dict[str, list[Row[object]]]


@dataclass(frozen=True)
class Flags:
    """What the diet rules look at, as the catalogue says it (read once per example)."""

    category: str
    halal: bool
    vegetarian: bool
    contains_pork: bool


def fits(flags: Flags, needs: frozenset[str]) -> bool:
    """The diet rule, written out plainly: pork never to a halal, no-pork or vegetarian home;
    food for a halal home is halal, for a vegetarian home vegetarian."""
    if flags.contains_pork and needs & NO_PORK:
        return False
    if flags.category != "food":
        return True
    return ("halal" not in needs or flags.halal) and ("vegetarian" not in needs or flags.vegetarian)


@dataclass
class Slip:
    """A handout as the model knows it."""

    family_id: int
    given: Counter[int]
    override: bool
    voided: bool = False


@dataclass
class Model:
    """The naive model: each item's units on the shelf, each family's needs, each slip."""

    basket: Basket
    items: dict[int, Flags]
    on_hand: Counter[int]
    received: Counter[int]
    needs: dict[int, frozenset[str]] = field(default_factory=dict)
    members: dict[int, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    slips: dict[str, Slip] = field(default_factory=dict)

    def family(self, index: int) -> int:
        return sorted(self.needs)[index % len(self.needs)]

    def collected(self, family_id: int) -> bool:
        return any(s.family_id == family_id and not s.voided for s in self.slips.values())

    def item(self, index: int) -> int:
        return sorted(self.items)[index % len(self.items)]


Expected = type[DomainError] | None
"""The error the step must raise, or None when it must succeed."""
Apply = Callable[[object], None]
"""Brings the model up to date with what a step that succeeded returned."""
Run = tuple[Expected, Apply, Callable[[Session], object]]


@dataclass(frozen=True)
class Register:
    """A household of (sex, age in months) members with some dietary needs."""

    members: tuple[tuple[str, int], ...]
    dietary: tuple[str, ...]

    def run(self, engine: Engine, model: Model, now: datetime) -> None:
        today = local_date(now, HONG_KONG)
        number = len(model.needs) + 1
        members = [
            {"full_name": f"{name} Testfamily{number}", "sex": sex, "birth_date": born.isoformat()}
            for (sex, months), name in zip(self.members, FIRST_NAMES, strict=False)
            for born in [months_ago(today, months)]
        ]
        family = register_into(
            engine, now, reason="property test", members=members, dietary=list(self.dietary)
        )
        assert family.id is not None
        model.needs[family.id] = frozenset(self.dietary)
        model.members[family.id] = self.members


@dataclass(frozen=True)
class HandOut:
    """Hand out to a family: `mode` says how the counter changed the entitled lines; an
    override step gives a coordinator's reason for a family that has collected already."""

    family: int
    mode: str
    pick: int
    override: bool
    volunteer: bool

    def plan(self, session: Session, model: Model, now: datetime) -> tuple[HandoutIn, Expected]:
        family_id = model.family(self.family)
        found = family_entitlement(
            session, get_round(session, model.basket.round_id), family_id, now
        )
        assert bool(found.blockers) == model.collected(family_id), found.blockers
        entitled = {line.item.id: line.quantity for line in found.lines}
        assert entitled == basket_by_hand(model, family_id)
        reason = "lost the first bag" if self.override and found.blockers else ""
        request = HandoutIn(
            round_id=model.basket.round_id,
            family_id=family_id,
            lines=self.lines(found, model),
            override_reason=reason,
        )
        return request, self.expect(request, found, model)

    def lines(self, found: Entitlement, model: Model) -> list[HandoutLineIn]:
        lines = [(line.item.id, line.quantity, line.available) for line in found.lines]
        if self.mode == "entitled":
            return [HandoutLineIn(item_id=i, quantity=min(q, a)) for i, q, a in lines if a]
        chosen = self.pick % len(lines) if lines else -1
        out = []
        for index, (item_id, quantity, _available) in enumerate(lines):
            line = HandoutLineIn(item_id=item_id, quantity=quantity)
            if index == chosen and self.mode == "lowered":
                line = HandoutLineIn(item_id=item_id, quantity=self.pick % (quantity + 1))
            elif index == chosen and self.mode == "raised":
                line = HandoutLineIn(item_id=item_id, quantity=quantity + 1)
            elif index == chosen and self.mode == "swap":
                swapped = model.item(self.pick // 7)
                line = HandoutLineIn(item_id=swapped, quantity=quantity, replaces=item_id)
            out.append(line)
        return out

    def expect(self, request: HandoutIn, found: Entitlement, model: Model) -> Expected:
        if found.blockers and not request.override_reason:
            return Conflict
        if found.blockers and self.volunteer:
            return NotAllowed
        entitled = {line.item.id: line.quantity for line in found.lines}
        needs = model.needs[found.family_id]
        wanted: Counter[int] = Counter()
        for line in request.lines:
            basis = line.replaces if line.replaces is not None else line.item_id
            given, rule = model.items[line.item_id], model.items[basis]
            if line.quantity > entitled[basis]:
                return InvalidInput
            if line.replaces is not None and (
                given.category != rule.category or not fits(given, needs)
            ):
                return InvalidInput
            wanted[line.item_id] += line.quantity
        if not +wanted:
            return InvalidInput
        if any(units > model.on_hand[item_id] for item_id, units in wanted.items()):
            return StockChanged
        return None

    def actor(self) -> Actor:
        return VOLUNTEER if self.volunteer else ACTOR


@dataclass(frozen=True)
class Void:
    """Void a slip picked among all slips (voided ones too); a blank reason is refused."""

    pick: int
    reason: str
    volunteer: bool


@dataclass(frozen=True)
class Issue:
    """Stock issued elsewhere (a shelter), from any item."""

    item: int
    quantity: int


@dataclass(frozen=True)
class Receive:
    """A delivery of one item, with or without an expiry."""

    item: int
    quantity: int
    expiry: int | None


FIRST_NAMES = ("Amina", "Omar", "Grace", "Priya", "Joy", "Tai Man")
Step = Register | HandOut | Void | Issue | Receive

ages = st.one_of(st.integers(0, 11), st.integers(12, 17 * 12), st.integers(18 * 12, 80 * 12))
households = st.lists(
    st.tuples(st.sampled_from(["female", "male"]), ages), min_size=1, max_size=len(FIRST_NAMES)
).map(tuple)
diets = st.sampled_from(
    [(), (), ("halal",), ("no_pork",), ("vegetarian",), ("halal", "vegetarian")]
)
registers = st.builds(Register, members=households, dietary=diets)
modes = st.sampled_from(["entitled", "entitled", "full", "lowered", "swap", "swap", "raised"])
steps: st.SearchStrategy[Step] = st.one_of(
    registers,
    st.builds(
        HandOut,
        family=st.integers(0, 20),
        mode=modes,
        pick=st.integers(0, 60),
        override=st.booleans(),
        volunteer=st.sampled_from([True, False, False]),
    ),
    st.builds(
        Void,
        pick=st.integers(0, 20),
        reason=st.sampled_from(["wrong family", "bag came back", "  "]),
        volunteer=st.sampled_from([True, False, False, False]),
    ),
    st.builds(Issue, item=st.integers(0, 6), quantity=st.integers(1, 6)),
    st.builds(Receive, item=st.integers(0, 6), quantity=st.integers(1, 8), expiry=st.none()),
)


def basket_by_hand(model: Model, family_id: int) -> Counter[int]:
    """The test basket's rules worked out by hand: rice by household size, oil, pork (or the
    halal chicken, or nothing for a vegetarian home), formula per infant, pads per woman."""
    basket, members, needs = model.basket, model.members[family_id], model.needs[family_id]
    wanted = Counter({basket.rice: 1 if len(members) <= 2 else 2, basket.oil: 1})
    if not needs & NO_PORK:
        wanted[basket.pork] = 2
    elif "vegetarian" not in needs:
        wanted[basket.chicken] = 2
    wanted[basket.formula] = 3 * sum(months < 12 for _sex, months in members)
    wanted[basket.pads] = sum(
        sex == "female" and 12 * 12 <= months < 51 * 12 for sex, months in members
    )
    return +wanted


def months_ago(today: date, months: int) -> date:
    """The first day of the month `months` before this one: exactly `months` old today."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A migrated database with the test basket, its round and a little of each item, copied
    for each example."""
    path = tmp_path_factory.mktemp("handout-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    basket = stocked_basket(engine, FIXED_NOW, stock=OPENING_STOCK)
    engine.dispose()
    return path, basket


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    opening=st.lists(registers, min_size=1, max_size=3),
    sequence=st.lists(st.tuples(st.integers(0, 10), steps), min_size=8, max_size=25),
)
def test_every_handout_step_keeps_the_books_and_the_rules(
    template: Template,
    tmp_path_factory: pytest.TempPathFactory,
    opening: list[Register],
    sequence: list[tuple[int, Step]],
) -> None:
    path, basket = template
    engine = fresh_copy(path, tmp_path_factory.mktemp("handout-example"))
    try:
        model = start_model(engine, basket)
        now = FIXED_NOW
        for minutes, step in [(0, s) for s in opening] + sequence:
            now += timedelta(minutes=minutes)
            take_step(engine, model, step, now)
            check_invariants(engine, model)
    finally:
        engine.dispose()


def start_model(engine: Engine, basket: Basket) -> Model:
    with reading(engine) as session:
        items = {
            item.id: Flags(item.category, item.halal, item.vegetarian, item.contains_pork)
            for item in session.exec(select(Item)).all()
            if item.id is not None
        }
    stock = Counter(dict.fromkeys(items, OPENING_STOCK))
    return Model(basket, items, on_hand=stock, received=Counter(stock))


def take_step(engine: Engine, model: Model, step: Step, now: datetime) -> None:
    """Run `step` in its own unit of work; check it did what the model says, or was refused
    with the error the model expects and wrote nothing; bring the model up to date."""
    if isinstance(step, Register):
        step.run(engine, model, now)
        return
    if isinstance(step, Void) and not model.slips:
        return
    before = snapshot(engine)
    expected, apply, run = prepare(engine, model, step, now)
    try:
        with unit_of_work(engine) as session:
            returned = run(session)
    except DomainError as refusal:
        event(f"{type(step).__name__}: {type(refusal).__name__}")
        assert type(refusal) is expected, f"{step} was refused ({refusal}), expected {expected}"
        assert snapshot(engine) == before, f"{step} was refused but wrote something"
        return
    event(f"{type(step).__name__}: done")
    assert expected is None, f"{step} should have been refused with {expected}"
    apply(returned)


def prepare(engine: Engine, model: Model, step: Step, now: datetime) -> Run:
    """What the step must do, how it changes the model, and how to run it."""
    if isinstance(step, HandOut):
        return prepare_handout(engine, model, step, now)
    if isinstance(step, Void):
        return prepare_void(model, step, now)
    if isinstance(step, Issue):
        item_id = model.item(step.item)

        def issue(session: Session) -> object:
            issue_stock(session, item_id, step.quantity, "shelter", actor=ACTOR, now=now)
            return None

        def issued(_returned: object) -> None:
            model.on_hand[item_id] -= step.quantity

        short = step.quantity > model.on_hand[item_id]
        return (NotEnoughStock if short else None), issued, issue
    assert isinstance(step, Receive)
    item_id = model.item(step.item)

    def delivery(session: Session) -> object:
        receive_lot(session, now, item_id, step.quantity, None)
        return None

    def received(_returned: object) -> None:
        model.on_hand[item_id] += step.quantity
        model.received[item_id] += step.quantity

    return None, received, delivery


def prepare_handout(engine: Engine, model: Model, step: HandOut, now: datetime) -> Run:
    with reading(engine) as session:
        request, expected = step.plan(session, model, now)

    def run(session: Session) -> object:
        return hand_out(session, request, actor=step.actor(), now=now, counter="1")

    def apply(returned: object) -> None:
        given: Counter[int] = Counter()
        for line in request.lines:
            given[line.item_id] += line.quantity
        assert isinstance(returned, HandedOut)
        assert returned.units == sum(given.values())
        model.on_hand -= given
        if request.override_reason:
            event("HandOut: a coordinator's override")
        model.slips[returned.code] = Slip(request.family_id, +given, bool(request.override_reason))

    return expected, apply, run


def prepare_void(model: Model, step: Void, now: datetime) -> Run:
    code = sorted(model.slips)[step.pick % len(model.slips)]
    slip = model.slips[code]
    actor = VOLUNTEER if step.volunteer else ACTOR
    expected: Expected = None
    if step.volunteer:
        expected = NotAllowed
    elif not step.reason.strip():
        expected = InvalidInput
    elif slip.voided:
        expected = Conflict

    def run(session: Session) -> object:
        return void_slip(session, code, step.reason, actor=actor, now=now)

    def apply(returned: object) -> None:
        assert returned == sum(slip.given.values())
        slip.voided = True
        model.on_hand += slip.given

    return expected, apply, run


def check_invariants(engine: Engine, model: Model) -> None:
    """(a) received minus other movements equals what was handed out plus what is on hand;
    (b) a handout's lines equal its movements, a voided one's movements are all returned;
    (c) one ordinary collection per family and round; (d) the diet rules held; (f) `db check`
    is clean; (g) no lot is negative; and the shelves and slips are what the model says."""
    with engine.connect() as connection:
        lots = connection.execute(text("SELECT item_id, on_hand FROM stock_lot")).all()
        assert all(on_hand >= 0 for _item, on_hand in lots)  # (g)
        on_hand = Counter[int]()
        for item_id, units in lots:
            on_hand[item_id] += units
        assert +on_hand == +model.on_hand
        books_add_up(connection, on_hand, model)  # (a)
        handouts_match_movements(connection)  # (b)
        doubled = connection.execute(
            text(
                "SELECT round_id, family_id FROM handout WHERE voided_at IS NULL "
                "AND override_reason = '' GROUP BY round_id, family_id HAVING COUNT(*) > 1"
            )
        ).all()
        assert doubled == []  # (c)
        diets_respected(connection, model)  # (d)
        slips = connection.execute(
            text("SELECT code, voided_at IS NOT NULL, override_reason <> '' FROM handout")
        ).all()
    assert {code: (bool(v), bool(o)) for code, v, o in slips} == {
        code: (slip.voided, slip.override) for code, slip in model.slips.items()
    }
    assert check_database(engine) == []  # (f)


def books_add_up(connection: Connection, on_hand: Counter[int], model: Model) -> None:
    rows = connection.execute(
        text("SELECT item_id, kind, SUM(quantity) FROM stock_movement GROUP BY item_id, kind")
    ).all()
    by_kind: dict[str, Counter[int]] = {}
    for item_id, kind, units in rows:
        by_kind.setdefault(kind, Counter())[item_id] = units
    handed = Counter[int](
        dict(
            connection.execute(
                text(
                    "SELECT l.item_id, SUM(l.quantity) FROM handout_line l JOIN handout h "
                    "ON h.id = l.handout_id WHERE h.voided_at IS NULL GROUP BY l.item_id"
                )
            ).all()
        )
    )
    others = ("issue", "adjust", "expire", "count")
    for item_id in model.items:
        received = by_kind.get("receive", Counter())[item_id]
        assert received == model.received[item_id]
        other = sum(by_kind.get(kind, Counter())[item_id] for kind in others)
        assert received + other - handed[item_id] == on_hand[item_id], item_id
        moved = sum(by_kind.get(kind, Counter())[item_id] for kind in ("handout", "return"))
        assert moved == -handed[item_id], item_id


def handouts_match_movements(connection: Connection) -> None:
    lines = connection.execute(
        text(
            "SELECT h.code, h.voided_at IS NOT NULL, l.item_id, SUM(l.quantity) FROM handout h "
            "JOIN handout_line l ON l.handout_id = h.id GROUP BY h.code, l.item_id"
        )
    ).all()
    movements = connection.execute(
        text(
            "SELECT reference, lot_id, item_id, kind, quantity FROM stock_movement "
            "WHERE kind IN ('handout', 'return')"
        )
    ).all()
    taken: Counter[tuple[str, int]] = Counter()
    per_lot: Counter[tuple[str, int]] = Counter()
    for reference, lot_id, item_id, kind, quantity in movements:
        if kind == "handout":
            taken[(reference, item_id)] -= quantity
        per_lot[(reference, lot_id)] += quantity
    assert {(code, item): units for code, _v, item, units in lines} == +taken
    voided = {code for code, is_voided, _item, _units in lines if is_voided}
    live = {code for code, is_voided, _item, _units in lines if not is_voided}
    for (reference, lot_id), net in per_lot.items():
        if reference in voided:
            assert net == 0, (reference, lot_id)
        else:
            assert reference in live and net < 0, (reference, lot_id)


def diets_respected(connection: Connection, model: Model) -> None:
    rows = connection.execute(
        text(
            "SELECT l.item_id, f.dietary FROM handout_line l "
            "JOIN handout h ON h.id = l.handout_id JOIN family f ON f.id = h.family_id"
        )
    ).all()
    for item_id, dietary in rows:
        needs = frozenset(filter(None, dietary.split(LIST_SEPARATOR)))
        flags = model.items[item_id]
        assert not (flags.contains_pork and needs & NO_PORK), (item_id, needs)
        assert fits(flags, needs), (item_id, needs)


def snapshot(engine: Engine) -> Snapshot:
    with engine.connect() as connection:
        return {
            table: list(connection.execute(text(f"SELECT * FROM {table} ORDER BY rowid")))
            for table in SNAPSHOT_TABLES
        }
