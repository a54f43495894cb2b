"""Basket rules: ages typed as years or months, bands that make sense, the rule's condition in
words, and adding, changing and removing rules with an audit row each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import InvalidInput, NotFound
from distro.domain.core.inputs import validated
from distro.domain.distribution.basket_rules import (
    MAX_RULES_PER_BASKET,
    RuleIn,
    add_rule,
    age_text,
    parse_age,
    remove_rule,
    update_rule,
)
from distro.domain.distribution.basket_views import RuleView, basket_rules, baskets
from distro.domain.distribution.models import BasketRule, RulePer
from distro.domain.stock.catalogue import retire_item
from tests.builders.families import ACTOR
from tests.builders.stock import flagged_item

MEMBER = RulePer.MEMBER


@pytest.fixture
def items(engine: Engine, now: datetime) -> tuple[int, int]:
    """Two items: pork luncheon meat and halal chicken, their ids."""
    with unit_of_work(engine) as session:
        pork = flagged_item(session, "Luncheon meat (pork)", now, contains_pork=True)
        chicken = flagged_item(session, "Halal chicken", now, halal=True)
    return pork, chicken


def rule_problems(**fields: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        validated(RuleIn, {"item_id": 1, "quantity": 1, **fields})
    return refused.value.problems


def audit_rows(engine: Engine) -> list[tuple[str, str]]:
    with reading(engine) as session:
        query = select(AuditEvent.action, AuditEvent.summary).where(
            col(AuditEvent.entity) == "basket_rule"
        )
        return [tuple(row) for row in session.exec(query.order_by(col(AuditEvent.id))).all()]


def view(**fields: Any) -> RuleView:
    defaults: dict[str, Any] = {
        "id": 1,
        "basket": "food parcel",
        "position": 1,
        "item_id": 1,
        "item_name": "Rice 5 kg",
        "quantity": 1,
        "per": "household",
        "household_from": None,
        "household_to": None,
        "sex": "",
        "age_from_months": None,
        "age_under_months": None,
        "substitute_item_id": None,
        "substitute_name": "",
        "note": "",
    }
    return RuleView(**(defaults | fields))


# --- ages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "months"),
    [("", None), ("  ", None), ("12", 144), ("12y", 144), ("2 years", 24), ("6m", 6),
     ("18 months", 18), ("0", 0), ("6 MO", 6)],
)  # fmt: skip
def test_ages_are_read_as_years_or_months(typed: str, months: int | None) -> None:
    assert parse_age(typed) == months


@pytest.mark.parametrize("typed", ["twelve", "-1", "6 weeks", "1.5", "121"])
def test_unreadable_or_impossible_ages_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="age as years|more than 120 years"):
        parse_age(typed)


@pytest.mark.parametrize(
    ("months", "shown"), [(None, ""), (0, "0"), (6, "6m"), (12, "1"), (18, "18m"), (612, "51")]
)
def test_ages_are_written_back_the_way_they_are_read(months: int | None, shown: str) -> None:
    assert age_text(months) == shown
    assert parse_age(shown) == months


# --- what a rule may say -----------------------------------------------------------------------


def test_a_member_rule_may_name_a_sex_an_age_band_and_a_household_band() -> None:
    rule = validated(
        RuleIn,
        {"item_id": 1, "quantity": 2, "per": "member", "sex": "Women", "age_from_months": 144,
         "age_under_months": 612, "household_from": 3},
    )  # fmt: skip
    assert (rule.per, rule.sex, rule.household_from) == (MEMBER, "female", 3)
    assert validated(RuleIn, {"item_id": 1, "quantity": 1, "sex": "any"}).sex == ""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"quantity": 0}, {"quantity": "must be more than 0"}),
        ({"sex": "other"}, {"sex": "write female, male, or leave it empty for anyone"}),
        ({"household_from": 0}, {"household_from": "must be at least 1"}),
        ({"household_from": 4, "household_to": 2},
         {"form": "the household band ends before it starts"}),
        ({"per": MEMBER, "age_from_months": 12, "age_under_months": 12},
         {"form": "the age band ends before it starts"}),
        ({"sex": "female"}, {"form": "a sex or age band needs per = member"}),
        ({"age_under_months": 6}, {"form": "a sex or age band needs per = member"}),
        ({"substitute_item_id": 1}, {"form": "an item cannot be its own substitute"}),
        ({"colour": "red"}, {"colour": "is not a field distro knows"}),
    ],
)  # fmt: skip
def test_rules_that_make_no_sense_are_refused(
    fields: dict[str, Any], expected: dict[str, str]
) -> None:
    assert rule_problems(**fields) == expected


# --- the condition in words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "who"),
    [
        ({}, "every household"),
        ({"household_to": 2}, "households of up to 2"),
        ({"household_from": 1, "household_to": 2}, "households of up to 2"),
        ({"household_from": 3, "household_to": 5}, "households of 3-5"),
        ({"household_from": 4, "household_to": 4}, "households of 4"),
        ({"household_from": 6}, "households of 6 or more"),
        ({"per": "member"}, "each member"),
        ({"per": "member", "age_under_months": 6}, "each member aged 0 to under 6m"),
        ({"per": "member", "age_from_months": 144}, "each member aged 12 and over"),
        ({"per": "member", "sex": "female", "age_from_months": 144, "age_under_months": 612},
         "each female aged 12 to under 51"),
        ({"per": "member", "sex": "male", "household_from": 5},
         "each male in households of 5 or more"),
    ],
)  # fmt: skip
def test_who_a_rule_is_for_reads_as_words(fields: dict[str, Any], who: str) -> None:
    assert view(**fields).who == who


# --- changing a basket -------------------------------------------------------------------------


def test_rules_are_added_in_order_with_an_audit_row_each(
    engine: Engine, now: datetime, items: tuple[int, int]
) -> None:
    pork, chicken = items
    with unit_of_work(engine) as session:
        add_rule(
            session, "  food   parcel ", RuleIn(item_id=chicken, quantity=1), actor=ACTOR, now=now
        )
        rule_in = RuleIn(
            item_id=pork, quantity=2, substitute_item_id=chicken, note="halal: chicken"
        )
        add_rule(session, "food parcel", rule_in, actor=ACTOR, now=now)

    with reading(engine) as session:
        rules = basket_rules(session, "food parcel")
        assert baskets(session) == ["food parcel"]
    assert [(rule.position, rule.item_name, rule.substitute_name) for rule in rules] == [
        (1, "Halal chicken", ""),
        (2, "Luncheon meat (pork)", "Halal chicken"),
    ]
    assert audit_rows(engine) == [("rule.add", "Added a rule to basket food parcel")] * 2


def test_a_rule_is_changed_and_removed_with_audit_rows(
    engine: Engine, now: datetime, items: tuple[int, int]
) -> None:
    pork, chicken = items
    with unit_of_work(engine) as session:
        rule_id = add_rule(
            session, "food parcel", RuleIn(item_id=pork, quantity=1), actor=ACTOR, now=now
        )
        changed = RuleIn(item_id=chicken, quantity=3, per=MEMBER, age_from_months=24)
        update_rule(session, rule_id, changed, actor=ACTOR, now=now)
    with reading(engine) as session:
        (rule,) = basket_rules(session, "food parcel")
    assert (rule.item_name, rule.quantity, rule.who) == (
        "Halal chicken",
        3,
        "each member aged 2 and over",
    )

    with unit_of_work(engine) as session:
        remove_rule(session, rule_id, actor=ACTOR, now=now)
    with reading(engine) as session:
        assert baskets(session) == [] and session.get(BasketRule, rule_id) is None
    assert [action for action, _summary in audit_rows(engine)] == [
        "rule.add",
        "rule.edit",
        "rule.remove",
    ]
    assert audit_rows(engine)[-1][1] == "Removed a rule from basket food parcel"


def test_unknown_and_retired_items_and_rules_are_refused(
    engine: Engine, now: datetime, items: tuple[int, int]
) -> None:
    pork, _chicken = items
    with unit_of_work(engine) as session:
        retire_item(session, pork, actor=ACTOR, now=now)
    with unit_of_work(engine) as session:
        with pytest.raises(InvalidInput, match="item: there is no item number 999"):
            add_rule(session, "food parcel", RuleIn(item_id=999, quantity=1), actor=ACTOR, now=now)
        with pytest.raises(InvalidInput, match=r"item: Luncheon meat \(pork\) is retired"):
            add_rule(session, "food parcel", RuleIn(item_id=pork, quantity=1), actor=ACTOR, now=now)
        with pytest.raises(InvalidInput, match="basket: needs a name"):
            add_rule(session, "  ", RuleIn(item_id=pork, quantity=1), actor=ACTOR, now=now)
        with pytest.raises(NotFound, match="There is no rule number 7"):
            remove_rule(session, 7, actor=ACTOR, now=now)
    assert audit_rows(engine) == []


def test_a_basket_holds_a_bounded_number_of_rules(
    engine: Engine, now: datetime, items: tuple[int, int]
) -> None:
    _pork, chicken = items
    with unit_of_work(engine) as session:
        session.add_all(
            BasketRule(basket="big", position=n, item_id=chicken, quantity=1)
            for n in range(MAX_RULES_PER_BASKET)
        )
    with unit_of_work(engine) as session, pytest.raises(InvalidInput, match="has 200 rules"):
        add_rule(session, "big", RuleIn(item_id=chicken, quantity=1), actor=ACTOR, now=now)
