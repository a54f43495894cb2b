"""A round with a small basket, stocked, and a handout in it, in one call each, for the
handout tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.distribution.basket_rules import RuleIn, add_rule
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.handout_request import entitled_request
from distro.domain.distribution.handouts import HandedOut, hand_out
from distro.domain.distribution.models import Expected, RulePer
from distro.domain.distribution.rounds import RoundIn, create_round, get_round
from distro.domain.families.models import Family
from tests.builders.families import ACTOR
from tests.builders.stock import flagged_item, receive_lot

BASKET = "food parcel"
VOLUNTEER = Actor(name="Vera Volunteer", role=Role.VOLUNTEER)


@dataclass(frozen=True)
class Basket:
    """The ids of a stocked test basket and its round."""

    round_id: int
    rice: int
    oil: int
    pork: int
    chicken: int
    beans: int
    formula: int
    pads: int


def stocked_basket(
    engine: Engine,
    now: datetime,
    *,
    stock: int = 100,
    two_step: bool = False,
    expected: Expected = Expected.ALL_ACTIVE,
) -> Basket:
    """Rice by household size, oil, pork luncheon meat (chicken instead for halal homes),
    beans, formula per infant under 12 months, pads per woman 12-50; a round open today."""
    with unit_of_work(engine) as session:
        ids = {
            "rice": flagged_item(session, "Rice 5 kg", now, halal=True, vegetarian=True),
            "oil": flagged_item(session, "Cooking oil", now, halal=True, vegetarian=True),
            "pork": flagged_item(session, "Luncheon meat (pork)", now, contains_pork=True),
            "chicken": flagged_item(session, "Halal chicken", now, halal=True),
            "beans": flagged_item(session, "Baked beans", now, halal=True, vegetarian=True),
            "formula": flagged_item(session, "Infant formula", now, "baby", halal=True),
            "pads": flagged_item(session, "Sanitary pads", now, "hygiene"),
        }
        for item_id in ids.values():
            receive_lot(session, now, item_id, stock, now.date() + timedelta(days=200))
        rules = [
            RuleIn(item_id=ids["rice"], quantity=1, household_to=2),
            RuleIn(item_id=ids["rice"], quantity=2, household_from=3),
            RuleIn(item_id=ids["oil"], quantity=1),
            RuleIn(item_id=ids["pork"], quantity=2, substitute_item_id=ids["chicken"]),
            RuleIn(item_id=ids["formula"], quantity=3, per=RulePer.MEMBER, age_under_months=12),
            RuleIn(
                item_id=ids["pads"],
                quantity=1,
                per=RulePer.MEMBER,
                sex="female",
                age_from_months=12 * 12,
                age_under_months=51 * 12,
            ),
        ]
        for rule in rules:
            add_rule(session, BASKET, rule, actor=ACTOR, now=now)
        distribution = create_round(
            session,
            RoundIn(
                name="Food parcel, week 48",
                basket=BASKET,
                starts_on=now.date() - timedelta(days=1),
                ends_on=now.date() + timedelta(days=5),
                two_step=two_step,
                expected=expected,
            ),
            actor=ACTOR,
            now=now,
        )
        assert distribution.id is not None
        return Basket(round_id=distribution.id, **ids)


def hand_out_to(
    engine: Engine, basket: Basket, family: Family, now: datetime, **fields: object
) -> HandedOut:
    """What the family is entitled to in the basket's round, handed out by a volunteer at
    counter 1; `fields` go on the request (proxy_name, note ...)."""
    assert family.id is not None
    with unit_of_work(engine) as session:
        found = family_entitlement(session, get_round(session, basket.round_id), family.id, now)
        request = entitled_request(found, **fields)
        return hand_out(session, request, actor=VOLUNTEER, now=now, counter="1")
