"""Handout slips: collecting the bag at the exit, voiding a slip (its stock back on the very
lots it came from), finding a slip by its code, and what a printed slip shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import CodeError, Conflict, InvalidInput, NotAllowed, NotFound
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import HandedOut, hand_out
from distro.domain.distribution.models import Handout
from distro.domain.distribution.rounds import RoundIn, create_round, get_round
from distro.domain.distribution.slip_view import SlipLine
from distro.domain.distribution.slips import (
    collect_slip,
    find_slip,
    mark_printed,
    slip_view,
    void_slip,
)
from distro.domain.families.models import Family
from distro.domain.scan import resolve_scan
from distro.domain.stock.models import MovementKind, StockLot, StockMovement
from tests.builders.distribution import BASKET, Basket, stocked_basket
from tests.builders.families import ACTOR, Registrar
from tests.builders.stock import receive_lot

VOLUNTEER = Actor(name="Vera Volunteer", role=Role.VOLUNTEER)
EXIT_DESK = Actor(name="Ezra Exit", role=Role.VOLUNTEER)
PHONE = "91234567"
ADDRESS = "Flat 12, Harmony House"


@pytest.fixture
def basket(engine: Engine, now: datetime) -> Basket:
    """A two-step round: the bag is collected at a second desk with the slip."""
    return stocked_basket(engine, now, two_step=True)


def person(name: str, sex: str, born: date) -> dict[str, object]:
    return {"full_name": name, "sex": sex, "birth_date": born.isoformat()}


def household(register: Registrar, **details: object) -> Family:
    """Three people (so two bags of rice), with a phone and an address the slip must not show."""
    return register(
        members=[
            person("Amina Yusuf Ali", "female", date(1990, 3, 1)),
            person("Omar Yusuf", "male", date(1988, 1, 9)),
            person("Baby Yusuf", "male", date(2026, 6, 1)),
        ],
        phones=[PHONE],
        address=ADDRESS,
        **details,
    )


def hand_out_to(
    engine: Engine, basket: Basket, family: Family, now: datetime, **fields: object
) -> HandedOut:
    assert family.id is not None
    with unit_of_work(engine) as session:
        distribution = get_round(session, basket.round_id)
        found = family_entitlement(session, distribution, family.id, now)
        request = entitled_request(found, **fields)
        return hand_out(session, request, actor=VOLUNTEER, now=now, counter="Counter 2")


def state(engine: Engine, code: str) -> str:
    with reading(engine) as session:
        return find_slip(session, code).state


def lots_on_hand(engine: Engine) -> dict[int, int]:
    with reading(engine) as session:
        return {lot.id or 0: lot.on_hand for lot in session.exec(select(StockLot)).all()}


def test_a_two_step_slip_waits_at_the_exit_until_collected(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = household(register)
    done = hand_out_to(engine, basket, family, now)
    assert state(engine, done.code) == "waiting at the exit"
    later = now + timedelta(minutes=4)
    with unit_of_work(engine) as session:
        slip = collect_slip(
            session, done.code, actor=EXIT_DESK, now=later, round_id=basket.round_id
        )
    assert slip.family_code == family.code and slip.two_step
    assert state(engine, done.code) == "collected"
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "handout.collect")).one()
    assert (handout.collected_at, handout.collected_by) == (later, EXIT_DESK.name)
    assert (audit.actor, audit.family_id, audit.entity_id) == (
        EXIT_DESK.name,
        family.id,
        done.handout_id,
    )
    assert check_database(engine) == []


def test_collecting_a_slip_twice_is_refused_with_the_time_of_the_first(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        collect_slip(session, done.code, actor=EXIT_DESK, now=now + timedelta(minutes=5))
    with (
        pytest.raises(Conflict, match=r"already collected at 25 Nov 17:35 \(Ezra Exit\)"),
        unit_of_work(engine) as session,
    ):
        collect_slip(session, done.code, actor=EXIT_DESK, now=now + timedelta(minutes=9))
    with reading(engine) as session:
        collects = session.exec(
            select(func.count()).where(AuditEvent.action == "handout.collect")
        ).one()
    assert collects == 1


def test_a_slip_of_another_round_is_refused_naming_its_round(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        other = create_round(
            session,
            RoundIn(
                name="Winter blankets", basket=BASKET, starts_on=now.date(), ends_on=now.date()
            ),
            actor=ACTOR,
            now=now,
        )
    assert other.id is not None
    with (
        pytest.raises(Conflict, match="is from Food parcel, week 48, not this round"),
        unit_of_work(engine) as session,
    ):
        collect_slip(session, done.code, actor=EXIT_DESK, now=now, round_id=other.id)
    assert state(engine, done.code) == "waiting at the exit"


def test_a_voided_slip_is_refused_at_the_exit(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        void_slip(session, done.code, "printed twice by mistake", actor=ACTOR, now=now)
    with (
        pytest.raises(Conflict, match=r"voided \(printed twice by mistake\); do not hand over"),
        unit_of_work(engine) as session,
    ):
        collect_slip(session, done.code, actor=EXIT_DESK, now=now)
    assert state(engine, done.code) == "voided"


def test_voiding_puts_every_unit_back_on_the_lot_it_came_from(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    with unit_of_work(engine) as session:  # one bag of rice that expires sooner is taken first
        receive_lot(session, now, basket.rice, 1, now.date() + timedelta(days=20))
    before = lots_on_hand(engine)
    done = hand_out_to(engine, basket, household(register), now)
    during = lots_on_hand(engine)
    assert sum(before.values()) - sum(during.values()) == done.units
    assert sum(1 for lot_id in before if during[lot_id] != before[lot_id]) > done.lines
    with unit_of_work(engine) as session:
        returned = void_slip(session, done.code, "family changed its mind", actor=ACTOR, now=now)
    assert returned == done.units
    assert lots_on_hand(engine) == before
    with reading(engine) as session:
        returns = session.exec(
            select(StockMovement).where(StockMovement.kind == MovementKind.RETURN.value)
        ).all()
        taken = session.exec(
            select(StockMovement).where(StockMovement.kind == MovementKind.HANDOUT.value)
        ).all()
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "handout.void")).one()
    assert {movement.reference for movement in returns} == {done.code}
    assert sorted((m.lot_id, m.quantity) for m in returns) == sorted(
        (m.lot_id, -m.quantity) for m in taken
    )
    assert all(m.reason == "void" for m in returns)  # the reason stays on the handout only
    assert audit.reason == "family changed its mind" and audit.actor == ACTOR.name
    assert check_database(engine) == []


def test_after_a_void_the_family_may_collect_again(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = household(register)
    first = hand_out_to(engine, basket, family, now)
    with unit_of_work(engine) as session:
        void_slip(session, first.code, "wrong family scanned", actor=ACTOR, now=now)
    second = hand_out_to(engine, basket, family, now + timedelta(minutes=10))
    assert second.code != first.code and second.units == first.units
    with reading(engine) as session:
        states = {h.code: h.voided_at is None for h in session.exec(select(Handout)).all()}
    assert states == {first.code: False, second.code: True}
    assert check_database(engine) == []


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_voiding_needs_a_reason(
    engine: Engine, basket: Basket, register: Registrar, now: datetime, reason: str
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with pytest.raises(InvalidInput, match="reason"), unit_of_work(engine) as session:
        void_slip(session, done.code, reason, actor=ACTOR, now=now)
    assert state(engine, done.code) == "waiting at the exit"


def test_a_volunteer_may_not_void_a_slip(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with pytest.raises(NotAllowed, match="void handout slips"), unit_of_work(engine) as session:
        void_slip(session, done.code, "mistake", actor=VOLUNTEER, now=now)
    assert state(engine, done.code) == "waiting at the exit"


def test_voiding_twice_is_refused_and_returns_nothing_more(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        void_slip(session, done.code, "mistake", actor=ACTOR, now=now)
    after_first = lots_on_hand(engine)
    with pytest.raises(Conflict, match="already voided"), unit_of_work(engine) as session:
        void_slip(session, done.code, "mistake again", actor=ACTOR, now=now)
    assert lots_on_hand(engine) == after_first
    assert check_database(engine) == []


def test_a_family_code_is_not_a_slip(engine: Engine, register: Registrar) -> None:
    family = register("Amina Yusuf")
    with reading(engine) as session, pytest.raises(CodeError, match="not a handout slip"):
        find_slip(session, family.code)


def test_a_mistyped_slip_code_is_refused(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    last = done.code[-1]
    mistyped = done.code[:-1] + ("A" if last != "A" else "B")
    with reading(engine) as session, pytest.raises(CodeError, match="looks mistyped"):
        find_slip(session, mistyped)


def test_an_unknown_slip_is_not_found(engine: Engine) -> None:
    unknown = format_code(CodeKind.SLIP, 4242)
    with reading(engine) as session, pytest.raises(NotFound, match=unknown):
        find_slip(session, unknown)


def test_a_slip_is_found_however_it_is_typed(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    typed = done.code.lower().replace("-", " ")
    with reading(engine) as session:
        assert find_slip(session, typed).handout.code == done.code


def test_the_slip_shows_first_name_and_initial_never_contact_details(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = household(register)
    done = hand_out_to(
        engine, basket, family, now, proxy_name="Zainab Khan", proxy_relation="sister"
    )
    with reading(engine) as session:
        view = slip_view(session, done.handout_id, "Hope Food Bank")
    assert (view.code, view.family_code, view.organisation) == (
        done.code,
        family.code,
        "Hope Food Bank",
    )
    assert view.family_name == "Amina Y."
    assert view.proxy == "Zainab K. (sister)"
    assert view.household_size == 3
    assert view.lines == (
        SlipLine("Rice 5 kg", 2, "bag"),
        SlipLine("Cooking oil", 1, "bag"),
        SlipLine("Luncheon meat (pork)", 2, "bag"),
        SlipLine("Infant formula", 3, "bag"),
        SlipLine("Sanitary pads", 1, "bag"),
    )
    assert view.two_step and not view.reprint and not view.voided
    shown = repr(view)
    for secret in ("Yusuf Ali", "Khan", PHONE, ADDRESS, "Harmony"):
        assert secret not in shown


def test_the_slip_says_reprint_and_void_when_it_is(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        void_slip(session, done.code, "mistake", actor=ACTOR, now=now)
    with reading(engine) as session:
        view = slip_view(session, done.handout_id, "Hope Food Bank", reprint=True)
    assert view.reprint and view.voided and view.proxy == ""


def test_a_slip_view_of_no_handout_is_not_found(engine: Engine) -> None:
    with reading(engine) as session, pytest.raises(NotFound, match="no handout number 99"):
        slip_view(session, 99, "Hope Food Bank")


def test_the_first_printing_is_not_a_reprint_and_the_second_is(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    # Once a bug: the ORM-enabled UPDATE synchronised the loaded handout before its count was
    # read, so every first slip printed as a REPRINT.
    done = hand_out_to(engine, basket, household(register), now)
    with unit_of_work(engine) as session:
        first = mark_printed(session, done.handout_id)
    with unit_of_work(engine) as session:
        second = mark_printed(session, done.handout_id)
    with reading(engine) as session:
        handout = session.get(Handout, done.handout_id)
    assert handout is not None and handout.printed_count == 2
    assert (first, second) == (False, True)


def test_printing_a_missing_handout_is_not_found(engine: Engine) -> None:
    with unit_of_work(engine) as session, pytest.raises(NotFound, match="number 7"):
        mark_printed(session, 7)


def test_a_scanned_slip_is_described_with_its_round_family_and_state(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = household(register)
    done = hand_out_to(engine, basket, family, now)
    with reading(engine) as session:
        result = resolve_scan(session, f"]C0{done.code}\r\n")
    assert (result.kind, result.target_id) == (CodeKind.SLIP, done.handout_id)
    assert result.description == (
        f"slip {done.code}: Food parcel, week 48, family {family.code}, "
        "handed out 25 Nov 17:30 at Counter 2, waiting at the exit"
    )
    assert "Amina" not in result.description


def test_a_one_step_slip_is_collected_at_the_counter(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    one_step = stocked_basket(engine, now)
    done = hand_out_to(engine, one_step, household(register), now)
    assert state(engine, done.code) == "collected"
    with pytest.raises(Conflict, match="already collected"), unit_of_work(engine) as session:
        collect_slip(session, done.code, actor=EXIT_DESK, now=now)
    with reading(engine) as session:
        assert (
            session.exec(
                select(func.count()).where(col(AuditEvent.action) == "handout.collect")
            ).one()
            == 0
        )


def test_slips_never_printed_come_first_and_are_counted_until_they_print(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    from distro.domain.distribution.reports import round_progress
    from distro.domain.distribution.reprints import slips_to_reprint, unprinted_slips

    first = hand_out_to(engine, basket, household(register), now)
    second = hand_out_to(engine, basket, register("Grace Akello", phones=["67654321"]), now)
    with unit_of_work(engine) as session:
        mark_printed(session, second.handout_id)  # the first died before its slip printed
    with reading(engine) as session:
        assert [slip.code for slip in unprinted_slips(session, basket.round_id)] == [first.code]
        assert round_progress(session, basket.round_id).never_printed == 1
        offered = slips_to_reprint(session, basket.round_id, "Counter 2")
        assert [(slip.code, slip.printed) for slip in offered] == [
            (first.code, False),
            (second.code, True),
        ]
        assert slips_to_reprint(session, basket.round_id, "Counter 9") == offered[:1]
    with unit_of_work(engine) as session:
        mark_printed(session, first.handout_id)
    with reading(engine) as session:
        assert unprinted_slips(session, basket.round_id) == []
        assert round_progress(session, basket.round_id).never_printed == 0
