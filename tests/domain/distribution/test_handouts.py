"""The handout: entitlement from the basket rules, one transaction, no double collection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import Conflict, InvalidInput, NotAllowed
from distro.domain.distribution.entitlement import (
    Entitlement,
    entitlement_for_code,
    family_entitlement,
)
from distro.domain.distribution.handout_request import (
    HandoutIn,
    HandoutLineIn,
    entitled_request,
    substitutes_for,
)
from distro.domain.distribution.handouts import StockChanged, hand_out
from distro.domain.distribution.models import Handout, HandoutLine
from distro.domain.distribution.rounds import get_round
from distro.domain.families.models import Family, FamilyStatus
from distro.domain.stock.ledger import issue_stock
from distro.domain.stock.models import StockLot, StockMovement
from tests.builders.distribution import Basket, stocked_basket
from tests.builders.families import ACTOR, Registrar, mother_and_baby
from tests.builders.stock import add_item, flagged_item

VOLUNTEER = Actor(name="Vera Volunteer", role=Role.VOLUNTEER)


@pytest.fixture
def basket(engine: Engine, now: datetime) -> Basket:
    return stocked_basket(engine, now)


def entitlement(engine: Engine, basket: Basket, family: Family, now: datetime) -> Entitlement:
    assert family.id is not None
    with reading(engine) as session:
        return family_entitlement(session, get_round(session, basket.round_id), family.id, now)


def quantities(found: Entitlement) -> dict[str, int]:
    return {line.item.name: line.quantity for line in found.lines}


def test_rules_give_by_household_size_and_by_member(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    found = entitlement(engine, basket, mother_and_baby(register), now)
    assert quantities(found) == {
        "Rice 5 kg": 1,
        "Cooking oil": 1,
        "Luncheon meat (pork)": 2,
        "Infant formula": 3,
        "Sanitary pads": 1,
    }
    assert found.eligible and found.previous is None
    assert found.household == "1 adult, 1 child (5 months)"


def test_a_halal_household_gets_the_substitute_never_pork(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    found = entitlement(engine, basket, mother_and_baby(register, dietary=["halal"]), now)
    names = quantities(found)
    assert "Luncheon meat (pork)" not in names
    assert names["Halal chicken"] == 2
    [chicken] = [line for line in found.lines if line.item.name == "Halal chicken"]
    assert chicken.replaces is not None and chicken.replaces.name == "Luncheon meat (pork)"


def test_a_vegetarian_household_has_meat_left_out_with_the_reason(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    found = entitlement(engine, basket, mother_and_baby(register, dietary=["vegetarian"]), now)
    assert "Luncheon meat (pork)" not in quantities(found)
    assert "Halal chicken" not in quantities(found)
    assert any("Luncheon meat" in why and "pork" in why for why in found.left_out)


def test_confirming_writes_handout_lines_movements_and_audit_at_once(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    found = entitlement(engine, basket, family, now)
    with unit_of_work(engine) as session:
        done = hand_out(
            session, entitled_request(found), actor=VOLUNTEER, now=now, counter="Counter 2"
        )
    assert done.code.startswith("H-") and done.units == 8
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
        assert handout.code == done.code and handout.counter == "Counter 2"
        assert handout.collected_at == now  # one-step round: collected at the counter
        lines = session.exec(select(HandoutLine)).all()
        assert sum(line.quantity for line in lines) == 8
        taken = session.exec(
            select(func.sum(StockMovement.quantity)).where(StockMovement.reference == done.code)
        ).one()
        assert taken == -8
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action == "handout.create"))
            .one()
            .family_id
            == family.id
        )
        refreshed = session.get(Family, family.id)
        assert refreshed is not None and refreshed.last_active_at == now
    assert check_database(engine) == []


def test_a_second_collection_is_refused_with_time_counter_and_slip(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    with unit_of_work(engine) as session:
        first = hand_out(
            session,
            entitled_request(entitlement(engine, basket, family, now)),
            actor=VOLUNTEER,
            now=now,
            counter="Counter 2",
        )
    later = now + timedelta(hours=1)
    again = entitlement(engine, basket, family, later)
    assert not again.eligible
    assert first.code in again.blockers[0] and "Counter 2" in again.blockers[0]
    assert "17:30" in again.blockers[0]  # 09:30 UTC is 17:30 in Hong Kong
    with pytest.raises(Conflict, match=first.code), unit_of_work(engine) as session:
        hand_out(session, entitled_request(again), actor=VOLUNTEER, now=later, counter="1")
    with pytest.raises(NotAllowed, match="Ask a coordinator"), unit_of_work(engine) as session:
        request = entitled_request(again, override_reason="lost the first bag")
        hand_out(session, request, actor=VOLUNTEER, now=later, counter="1")
    with unit_of_work(engine) as session:
        request = entitled_request(again, override_reason="lost the first bag")
        hand_out(session, request, actor=ACTOR, now=later, counter="1")
    with reading(engine) as session:
        overrides = session.exec(select(Handout).where(Handout.override_reason != "")).all()
        assert [h.override_reason for h in overrides] == ["lost the first bag"]


def test_the_database_itself_refuses_a_second_ordinary_collection(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    with unit_of_work(engine) as session:
        hand_out(
            session,
            entitled_request(entitlement(engine, basket, family, now)),
            actor=VOLUNTEER,
            now=now,
            counter="1",
        )
    with pytest.raises(Exception, match="UNIQUE"), unit_of_work(engine) as session:
        original = session.exec(select(Handout)).one()
        session.add(
            Handout(
                **original.model_dump(exclude={"id", "code"}),
                code="H-999999-X",
            )
        )
        session.flush()


def test_stock_that_ran_out_writes_nothing_and_says_what_changed(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    request = entitled_request(entitlement(engine, basket, family, now))
    with unit_of_work(engine) as session:  # another counter empties the oil shelf
        issue_stock(session, basket.oil, 100, "community kitchen", actor=ACTOR, now=now)
    with pytest.raises(StockChanged, match="Cooking oil"), unit_of_work(engine) as session:
        hand_out(session, request, actor=VOLUNTEER, now=now, counter="1")
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(Handout)).one() == 0
        assert session.exec(select(func.count()).select_from(HandoutLine)).one() == 0
        assert session.exec(select(func.sum(StockLot.on_hand))).one() == 600
    assert check_database(engine) == []


def test_a_volunteer_may_lower_but_never_raise_a_quantity(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    assert family.id is not None
    raised = HandoutIn(
        round_id=basket.round_id,
        family_id=family.id,
        lines=[HandoutLineIn(item_id=basket.rice, quantity=2)],
    )
    with pytest.raises(InvalidInput, match="give 1, not 2"), unit_of_work(engine) as session:
        hand_out(session, raised, actor=VOLUNTEER, now=now, counter="1")
    lowered = HandoutIn(
        round_id=basket.round_id,
        family_id=family.id,
        lines=[HandoutLineIn(item_id=basket.formula, quantity=1)],
    )
    with unit_of_work(engine) as session:
        assert hand_out(session, lowered, actor=VOLUNTEER, now=now, counter="1").units == 1


def test_a_substitute_must_share_the_category_and_fit_the_diet(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register, dietary=["halal"])
    assert family.id is not None

    def swap(item_id: int, replaces: int) -> HandoutIn:
        line = HandoutLineIn(item_id=item_id, quantity=1, replaces=replaces)
        return HandoutIn(round_id=basket.round_id, family_id=family.id or 0, lines=[line])

    with pytest.raises(InvalidInput, match="pork"), unit_of_work(engine) as session:
        hand_out(session, swap(basket.pork, basket.rice), actor=VOLUNTEER, now=now, counter="1")
    with pytest.raises(InvalidInput, match="not the same kind"), unit_of_work(engine) as session:
        hand_out(session, swap(basket.beans, basket.pads), actor=VOLUNTEER, now=now, counter="1")
    with unit_of_work(engine) as session:
        done = hand_out(
            session, swap(basket.beans, basket.oil), actor=VOLUNTEER, now=now, counter="1"
        )
    with reading(engine) as session:
        line = session.exec(
            select(HandoutLine).where(HandoutLine.handout_id == done.handout_id)
        ).one()
        assert (line.item_id, line.substitute_for_item_id) == (basket.beans, basket.oil)


def test_a_suspended_family_is_flagged_and_refused(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    with unit_of_work(engine) as session:
        row = session.get(Family, family.id)
        assert row is not None
        row.status = FamilyStatus.SUSPENDED.value
        session.add(row)
    found = entitlement(engine, basket, family, now)
    assert not found.eligible and "suspended" in found.blockers[0]
    with pytest.raises(Conflict, match="suspended"), unit_of_work(engine) as session:
        hand_out(session, entitled_request(found), actor=VOLUNTEER, now=now, counter="1")


def test_missing_consent_is_flagged_but_does_not_block(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    found = entitlement(engine, basket, mother_and_baby(register), now)
    assert any("Consent" in warning for warning in found.warnings)
    assert found.eligible


def test_a_merged_card_finds_the_surviving_family(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    survivor = mother_and_baby(register)
    merged = register("Amina Yousef", reason="registered twice by mistake")
    with unit_of_work(engine) as session:
        row = session.get(Family, merged.id)
        assert row is not None
        row.merged_into_id = survivor.id
        row.status = FamilyStatus.MERGED.value
        session.add(row)
    with reading(engine) as session:
        found = entitlement_for_code(session, get_round(session, basket.round_id), merged.code, now)
    assert found.family_code == survivor.code and found.scanned_code == merged.code


def test_a_paper_sheet_from_an_outage_is_entered_at_its_own_time(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    family = mother_and_baby(register)
    on_paper = now - timedelta(hours=30)  # yesterday, during the outage
    request = entitled_request(entitlement(engine, basket, family, now), handed_out_at=on_paper)
    with unit_of_work(engine) as session:
        done = hand_out(session, request, actor=VOLUNTEER, now=now, counter="1")
    with reading(engine) as session:
        handout = session.exec(select(Handout)).one()
        movement = session.exec(
            select(StockMovement).where(StockMovement.reference == done.code)
        ).first()
    assert handout.handed_out_at.replace(tzinfo=UTC) == on_paper
    assert movement is not None and movement.at.replace(tzinfo=UTC) == now  # entered now
    assert not entitlement(engine, basket, family, now).eligible  # it counts for the round


@pytest.mark.parametrize(
    ("shift", "why"), [(timedelta(hours=2), "future"), (timedelta(days=-40), "days ago")]
)
def test_a_paper_time_in_the_future_or_long_ago_is_refused(
    engine: Engine,
    basket: Basket,
    register: Registrar,
    now: datetime,
    shift: timedelta,
    why: str,
) -> None:
    family = mother_and_baby(register)
    request = entitled_request(entitlement(engine, basket, family, now), handed_out_at=now + shift)
    with pytest.raises(InvalidInput, match=why), unit_of_work(engine) as session:
        hand_out(session, request, actor=VOLUNTEER, now=now, counter="1")


def test_swap_offers_only_items_of_the_same_kind_that_fit_the_diet(
    engine: Engine, basket: Basket, register: Registrar, now: datetime
) -> None:
    """Rice is swapped for another food counted by the bag, never for a can of tuna."""
    family = mother_and_baby(register, dietary=["halal"])
    with unit_of_work(engine) as session:
        flagged_item(session, "Flour 1 kg", now, halal=True, vegetarian=True)
        flagged_item(session, "Bacon bits", now, contains_pork=True)
        flagged_item(session, "Diapers size S", now, "baby")
        tuna = add_item(session, "Tuna canned 185 g", now, unit="can")
        tuna.halal = True
        assert tuna.id is not None
    found = entitlement(engine, basket, family, now)
    rice = next(line for line in found.lines if line.item.id == basket.rice)
    with reading(engine) as session:
        offered = [item.name for item in substitutes_for(session, rice, found.dietary)]
    assert offered == ["Baked beans", "Cooking oil", "Flour 1 kg", "Halal chicken"]
    swap = HandoutLineIn(item_id=tuna.id, quantity=1, replaces=basket.rice)
    request = HandoutIn(round_id=basket.round_id, family_id=family.id or 0, lines=[swap])
    with pytest.raises(InvalidInput) as refused, unit_of_work(engine) as session:
        hand_out(session, request, actor=VOLUNTEER, now=now, counter="1")
    assert refused.value.problems == {
        "substitute": "Tuna canned 185 g (food, by the can) is not the same kind as "
        "Rice 5 kg (food, by the bag)"
    }
