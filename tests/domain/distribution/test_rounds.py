"""Distribution rounds: setting one up, closing and reopening it, list rounds, the dates a
coordinator may override, and which round a counter hands out in by default."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from distro.domain.distribution.entitlement import Entitlement, family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import HandedOut, hand_out
from distro.domain.distribution.models import DistributionRound, Expected, Handout, RoundFamily
from distro.domain.distribution.rounds import (
    RoundIn,
    add_to_round_list,
    close_round,
    create_round,
    current_round,
    get_round,
    reopen_round,
    round_list_size,
    round_named,
)
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family
from tests.builders.distribution import BASKET, Basket, stocked_basket
from tests.builders.families import ACTOR, Registrar

VOLUNTEER = Actor(name="Vera Volunteer", role=Role.VOLUNTEER)
ROUND = "Food parcel, week 48"


@pytest.fixture
def basket(engine: Engine, now: datetime) -> Basket:
    return stocked_basket(engine, now)


def new_round(
    engine: Engine, now: datetime, name: str, starts: int, ends: int, **fields: Any
) -> DistributionRound:
    """A round of the test basket from `starts` to `ends` days after today."""
    today = now.date()
    round_in = RoundIn(
        name=name,
        basket=BASKET,
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
        **fields,
    )
    with unit_of_work(engine) as session:
        return create_round(session, round_in, actor=ACTOR, now=now)


def unchecked(name: str, starts_on: date, ends_on: date) -> RoundIn:
    """A RoundIn that skipped validation, as a caller building one by hand might pass."""
    return RoundIn.model_construct(name=name, basket=BASKET, starts_on=starts_on, ends_on=ends_on)


def entitlement_in(engine: Engine, round_id: int, family: Family, now: datetime) -> Entitlement:
    assert family.id is not None
    with reading(engine) as session:
        return family_entitlement(session, get_round(session, round_id), family.id, now)


def hand_out_in(
    engine: Engine,
    round_id: int,
    family: Family,
    now: datetime,
    actor: Actor = VOLUNTEER,
    **fields: object,
) -> HandedOut:
    request = entitled_request(entitlement_in(engine, round_id, family, now), **fields)
    with unit_of_work(engine) as session:
        return hand_out(session, request, actor=actor, now=now, counter="1")


def handouts(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(Handout)).one()


def actions(engine: Engine, prefix: str) -> list[str]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(AuditEvent.action)
                .where(col(AuditEvent.action).startswith(prefix))
                .order_by(col(AuditEvent.id))
            ).all()
        )


def test_a_round_whose_last_day_is_before_its_first_is_refused(
    engine: Engine, now: datetime
) -> None:
    backwards = unchecked("Backwards", now.date(), now.date() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="last day is before the first"):
        with unit_of_work(engine) as session:
            create_round(session, backwards, actor=ACTOR, now=now)
    with reading(engine) as session:
        assert session.exec(select(DistributionRound)).all() == []


def test_a_round_lasts_at_most_three_months(engine: Engine, now: datetime) -> None:
    start = now.date()
    too_long = unchecked("Too long", start, start + timedelta(days=93))
    with pytest.raises(InvalidInput, match="at most three months"):
        with unit_of_work(engine) as session:
            create_round(session, too_long, actor=ACTOR, now=now)
    longest = new_round(engine, now, "Longest", 0, 92)
    assert (longest.ends_on - longest.starts_on).days == 92


def test_a_round_starting_and_ending_the_same_day_is_fine(engine: Engine, now: datetime) -> None:
    one_day = new_round(engine, now, "  Saturday   market ", 0, 0)
    assert one_day.name == "Saturday market"
    assert actions(engine, "round.") == ["round.create"]


@pytest.mark.parametrize("name", [ROUND, "food parcel, WEEK 48", "  Food  parcel,   week 48 "])
def test_a_round_name_is_taken_whatever_its_case_or_spacing(
    engine: Engine, basket: Basket, now: datetime, name: str
) -> None:
    with pytest.raises(InvalidInput, match="already a round called"):
        new_round(engine, now, name, 0, 3)
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(DistributionRound)).one() == 1
        assert round_named(session, name.upper()).id == basket.round_id


def test_a_round_name_nobody_uses_lists_the_open_rounds(
    engine: Engine, basket: Basket, now: datetime
) -> None:
    with reading(engine) as session, pytest.raises(NotFound, match=f"Open rounds: {ROUND}"):
        round_named(session, "Week 49")


def test_closing_and_reopening_are_audited_and_not_repeated(
    engine: Engine, basket: Basket, now: datetime
) -> None:
    with unit_of_work(engine) as session:
        close_round(session, basket.round_id, actor=ACTOR, now=now)
    with pytest.raises(Conflict, match="already closed"), unit_of_work(engine) as session:
        close_round(session, basket.round_id, actor=ACTOR, now=now)
    with reading(engine) as session:
        assert get_round(session, basket.round_id).closed_at == now
    with unit_of_work(engine) as session:
        reopen_round(session, basket.round_id, actor=ACTOR, now=now)
    with pytest.raises(Conflict, match="open already"), unit_of_work(engine) as session:
        reopen_round(session, basket.round_id, actor=ACTOR, now=now)
    with reading(engine) as session:
        assert get_round(session, basket.round_id).closed_at is None
    assert actions(engine, "round.") == ["round.create", "round.close", "round.reopen"]
    assert check_database(engine) == []


def test_a_closed_round_hands_out_nothing_until_reopened(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    with unit_of_work(engine) as session:
        close_round(session, basket.round_id, actor=ACTOR, now=now)
    with pytest.raises(Conflict, match=f"{ROUND} is closed"):
        hand_out_in(engine, basket.round_id, family, now, actor=ACTOR, override_reason="please")
    assert handouts(engine) == 0
    with unit_of_work(engine) as session:
        reopen_round(session, basket.round_id, actor=ACTOR, now=now)
    assert hand_out_in(engine, basket.round_id, family, now).units > 0


def test_a_missing_round_is_not_found(engine: Engine, now: datetime) -> None:
    with pytest.raises(NotFound, match="no round number 5"), unit_of_work(engine) as session:
        close_round(session, 5, actor=ACTOR, now=now)


def test_a_family_not_on_a_list_round_is_blocked_until_added(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    listed = stocked_basket(engine, now, expected=Expected.LIST)
    family = register("Amina Yusuf")
    found = entitlement_in(engine, listed.round_id, family, now)
    assert found.blockers == [f"The family is not on the list of {ROUND}."]
    with pytest.raises(Conflict, match="not on the list"):
        hand_out_in(engine, listed.round_id, family, now)
    assert handouts(engine) == 0
    with unit_of_work(engine) as session:
        added = add_to_round_list(session, listed.round_id, [family.code], actor=ACTOR, now=now)
    assert added == 1
    assert entitlement_in(engine, listed.round_id, family, now).eligible
    assert hand_out_in(engine, listed.round_id, family, now).units > 0
    assert "round.list" in actions(engine, "round.")


def test_adding_a_family_twice_to_the_list_adds_it_once(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    listed = stocked_basket(engine, now, expected=Expected.LIST)
    first, second = register("Amina Yusuf"), register("Grace Mensah")
    with unit_of_work(engine) as session:
        codes = [first.code, first.code.lower()]
        assert add_to_round_list(session, listed.round_id, codes, actor=ACTOR, now=now) == 1
        codes = [first.code, second.code]
        assert add_to_round_list(session, listed.round_id, codes, actor=ACTOR, now=now) == 1
    with reading(engine) as session:
        assert round_list_size(session, listed.round_id) == 2


def test_a_merged_card_puts_the_surviving_family_on_the_list(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    listed = stocked_basket(engine, now, expected=Expected.LIST)
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="registered twice")
    assert keep.id and gone.id
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=ACTOR, now=now)
        added = add_to_round_list(session, listed.round_id, [gone.code], actor=ACTOR, now=now)
    assert added == 1
    with reading(engine) as session:
        on_list = session.exec(select(RoundFamily.family_id)).all()
    assert on_list == [keep.id]
    assert entitlement_in(engine, listed.round_id, keep, now).eligible
    assert check_database(engine) == []


def test_every_code_is_checked_before_any_family_is_listed(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    listed = stocked_basket(engine, now, expected=Expected.LIST)
    family = register("Amina Yusuf")
    unknown = format_code(CodeKind.FAMILY, 9999)
    with pytest.raises(NotFound, match=unknown), unit_of_work(engine) as session:
        codes = [family.code, unknown]
        add_to_round_list(session, listed.round_id, codes, actor=ACTOR, now=now)
    with reading(engine) as session:
        assert round_list_size(session, listed.round_id) == 0


def test_a_round_for_every_family_has_no_list(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    with pytest.raises(Conflict, match="has no list"), unit_of_work(engine) as session:
        add_to_round_list(session, basket.round_id, [family.code], actor=ACTOR, now=now)


@pytest.mark.parametrize(
    ("starts", "ends", "blocker"),
    [(1, 5, "starts on 26 Nov 2026"), (-7, -1, "ended on 24 Nov 2026")],
)
def test_a_round_outside_its_dates_needs_a_coordinators_override(
    engine: Engine,
    basket: Basket,
    register: Registrar,
    now: datetime,
    starts: int,
    ends: int,
    blocker: str,
) -> None:
    family = register("Amina Yusuf")
    outside = new_round(engine, now, "Extra parcel", starts, ends)
    assert outside.id is not None
    assert entitlement_in(engine, outside.id, family, now).blockers == [f"Extra parcel {blocker}."]
    with pytest.raises(Conflict, match="a coordinator may override with a reason"):
        hand_out_in(engine, outside.id, family, now)
    with pytest.raises(NotAllowed, match="Ask a coordinator"):
        hand_out_in(engine, outside.id, family, now, override_reason="came on the wrong day")
    assert handouts(engine) == 0
    hand_out_in(engine, outside.id, family, now, actor=ACTOR, override_reason="wrong day")
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "handout.create")).one()
    assert (handout.override_reason, handout.actor) == ("wrong day", ACTOR.name)
    assert audit.reason == "wrong day"


def test_the_last_day_of_a_round_ends_at_midnight_in_hong_kong(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    ends_today = new_round(engine, now, "Ends today", -2, 0)
    assert ends_today.id is not None
    late_evening = now.replace(hour=15, minute=50)  # 23:50 in Hong Kong
    after_midnight = now.replace(hour=16, minute=10)  # 00:10 the next day in Hong Kong
    assert entitlement_in(engine, ends_today.id, family, late_evening).eligible
    blockers = entitlement_in(engine, ends_today.id, family, after_midnight).blockers
    assert blockers == ["Ends today ended on 25 Nov 2026."]


def test_the_current_round_is_the_newest_open_one_running_today(
    engine: Engine, basket: Basket, now: datetime
) -> None:
    new_round(engine, now, "Older, still running", -10, 1)
    newest = new_round(engine, now, "Newest", 0, 3)
    closed = new_round(engine, now, "Closed today", 0, 3)
    new_round(engine, now, "Tomorrow", 1, 4)
    new_round(engine, now, "Finished", -20, -1)
    assert closed.id is not None and newest.id is not None
    with unit_of_work(engine) as session:
        close_round(session, closed.id, actor=ACTOR, now=now)
    with reading(engine) as session:
        current = current_round(session, now)
        assert current is not None and current.name == "Newest"
    with unit_of_work(engine) as session:
        close_round(session, newest.id, actor=ACTOR, now=now)
    with reading(engine) as session:
        current = current_round(session, now)
        assert current is not None and current.name == ROUND
        assert current_round(session, now + timedelta(days=60)) is None


@pytest.mark.parametrize("service", ["create", "close", "reopen", "list"])
def test_volunteers_may_not_set_up_or_change_rounds(
    engine: Engine, basket: Basket, now: datetime, service: str
) -> None:
    today = now.date()
    round_in = RoundIn(name="Volunteer's round", basket=BASKET, starts_on=today, ends_on=today)
    calls: dict[str, Callable[[Session], object]] = {
        "create": lambda session: create_round(session, round_in, actor=VOLUNTEER, now=now),
        "close": lambda session: close_round(session, basket.round_id, actor=VOLUNTEER, now=now),
        "reopen": lambda session: reopen_round(session, basket.round_id, actor=VOLUNTEER, now=now),
        "list": lambda session: add_to_round_list(
            session, basket.round_id, [], actor=VOLUNTEER, now=now
        ),
    }
    with pytest.raises(NotAllowed, match="set up rounds"), unit_of_work(engine) as session:
        calls[service](session)
    assert actions(engine, "round.") == ["round.create"]


def test_a_volunteer_never_records_an_override_even_when_nothing_blocks(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    # An override row escapes the one-collection index, so an override reason where nothing
    # blocks must never be stored, whoever gives it.
    family = register("Amina Yusuf")
    with contextlib.suppress(DomainError):
        hand_out_in(engine, basket.round_id, family, now, override_reason="she asked nicely")
    with reading(engine) as session:
        overrides = session.exec(select(Handout).where(Handout.override_reason != "")).all()
    assert [(h.actor, h.override_reason) for h in overrides] == []
