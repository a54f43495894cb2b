"""Basket rules as CSV: the starter rules import onto the starter catalogue, exports round-trip,
a file is imported whole or not at all, and every problem names its row."""

from __future__ import annotations

import io
from datetime import datetime
from importlib import resources

import pytest
from sqlalchemy import Engine
from sqlmodel import col, func, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.csv_cells import BOM
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import NotAllowed
from distro.domain.distribution.basket_rules import RuleIn, add_rule
from distro.domain.distribution.basket_rules_csv import (
    RULE_COLUMNS,
    RuleImportReport,
    export_rules,
    import_rules,
)
from distro.domain.distribution.basket_views import basket_rules, baskets
from distro.domain.distribution.entitlement import family_entitlement
from distro.domain.distribution.models import BasketRule
from distro.domain.distribution.rounds import RoundIn, create_round
from distro.domain.stock.catalogue import retire_item
from distro.domain.stock.catalogue_csv import import_items
from distro.domain.stock.models import Item
from tests.builders.families import ACTOR, register_into

HEADER = ",".join(RULE_COLUMNS)


def data_file(name: str) -> str:
    return resources.files("distro.data").joinpath(name).read_text(encoding="utf-8")


def run_import(
    engine: Engine, content: str, now: datetime, *, dry_run: bool = False
) -> RuleImportReport:
    with unit_of_work(engine) as session:
        return import_rules(session, io.StringIO(content), actor=ACTOR, now=now, dry_run=dry_run)


def exported(engine: Engine) -> str:
    out = io.StringIO(newline="")
    with reading(engine) as session:
        export_rules(session, out)
    return out.getvalue()


def rule_count(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(BasketRule)).one()


def audit_actions(engine: Engine) -> list[str]:
    with reading(engine) as session:
        query = select(AuditEvent.action).where(col(AuditEvent.action).like("rule%"))
        return list(session.exec(query.order_by(col(AuditEvent.id))).all())


def problems(report: RuleImportReport) -> list[str]:
    return [str(problem) for problem in report.problems]


def code(number: int) -> str:
    """The code the starter catalogue's item on line `number + 1` is given."""
    return format_code(CodeKind.ITEM, number)


def item_id(engine: Engine, name: str) -> int:
    with reading(engine) as session:
        found = session.exec(select(Item.id).where(Item.name == name)).one()
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def catalogue(engine: Engine, now: datetime) -> None:
    """The starter catalogue, as a new installation has it."""
    with unit_of_work(engine) as session:
        report = import_items(
            session, io.StringIO(data_file("catalogue.csv")), actor=ACTOR, now=now
        )
    assert report.written


def test_the_starter_rules_import_onto_the_starter_catalogue(engine: Engine, now: datetime) -> None:
    rows = len(data_file("basket_rules.csv").strip().splitlines()) - 1

    report = run_import(engine, data_file("basket_rules.csv"), now)

    assert problems(report) == [] and report.written
    assert [(basket.name, basket.outcome) for basket in report.baskets] == [
        ("food parcel", "added"),
        ("hygiene kit", "added"),
    ]
    assert report.rule_count == rows == rule_count(engine)
    assert 20 <= report.baskets[0].rules <= 30
    assert audit_actions(engine) == ["rules.import"]
    with reading(engine) as session:
        food = basket_rules(session, "food parcel")
    assert [(rule.quantity, rule.who) for rule in food if rule.item_name == "Rice 5 kg"] == [
        (1, "households of up to 2"),
        (2, "households of 3-5"),
        (3, "households of 6 or more"),
    ]
    pork = next(rule for rule in food if rule.item_name.startswith("Luncheon meat"))
    assert pork.substitute_name == "Halal chicken canned 340 g"


def test_export_then_import_changes_nothing(engine: Engine, now: datetime) -> None:
    run_import(engine, data_file("basket_rules.csv"), now)
    first = exported(engine)
    with reading(engine) as session:
        ids = list(session.exec(select(BasketRule.id).order_by(col(BasketRule.id))).all())

    report = run_import(engine, first, now)

    assert problems(report) == [] and {basket.outcome for basket in report.baskets} == {"unchanged"}
    assert first == BOM + data_file("basket_rules.csv").replace("\n", "\r\n")
    assert exported(engine) == first
    assert audit_actions(engine) == ["rules.import"]  # nothing changed, nothing recorded
    with reading(engine) as session:
        assert list(session.exec(select(BasketRule.id).order_by(col(BasketRule.id))).all()) == ids


def test_a_basket_in_the_file_is_replaced_and_others_are_kept(
    engine: Engine, now: datetime
) -> None:
    run_import(engine, data_file("basket_rules.csv"), now)
    content = f"{HEADER}\nfood parcel,Rice 1 kg,4,,,,,,,,\nfood parcel,Dates 500 g,1,,,,,,,,\n"

    report = run_import(engine, content, now)

    assert [(basket.name, basket.outcome, basket.rules) for basket in report.baskets] == [
        ("food parcel", "replaced", 2)
    ]
    with reading(engine) as session:
        food = basket_rules(session, "food parcel")
        assert [(rule.position, rule.item_name) for rule in food] == [
            (1, "Rice 1 kg"),
            (2, "Dates 500 g"),
        ]
        assert baskets(session) == ["food parcel", "hygiene kit"]
        summary = session.exec(
            select(AuditEvent.summary).order_by(col(AuditEvent.id).desc())
        ).first()
    assert summary == "Imported basket rules: food parcel (replaced, 2)"


def test_items_by_code_ages_in_months_and_forgiving_cells(engine: Engine, now: datetime) -> None:
    with reading(engine) as session:
        formula = session.exec(
            select(Item).where(col(Item.name).startswith("Infant formula"))
        ).first()
    assert formula is not None
    content = (
        BOM + "Basket,Item,Quantity,Per,Sex,Age From,Age Under\n"
        f"baby  box,{formula.code},2,Members,F,0,6m\n"
        "baby box,diapers size s,1,member,,,6 months\n"
    )
    report = run_import(engine, content, now)

    assert problems(report) == []
    with reading(engine) as session:
        rules = basket_rules(session, "baby box")
    assert [(rule.item_name, rule.sex, rule.who) for rule in rules] == [
        (formula.name, "female", "each female aged 0 to under 6m"),
        ("Diapers size S", "", "each member aged 0 to under 6m"),
    ]


def test_one_bad_row_means_no_rule_is_written(engine: Engine, now: datetime) -> None:
    run_import(engine, data_file("basket_rules.csv"), now)
    before = exported(engine)
    content = f"{HEADER}\nfood parcel,Rice 5 kg,1,,,,,,,,\nhygiene kit,Soap bar,0,,,,,,,,\n"

    report = run_import(engine, content, now)

    assert not report.written and report.baskets == []
    assert problems(report) == ["row 3, quantity: must be more than 0"]
    assert exported(engine) == before and audit_actions(engine) == ["rules.import"]


def test_a_dry_run_reports_and_writes_nothing(engine: Engine, now: datetime) -> None:
    report = run_import(engine, data_file("basket_rules.csv"), now, dry_run=True)
    assert problems(report) == [] and not report.written
    assert [basket.outcome for basket in report.baskets] == ["added", "added"]
    assert rule_count(engine) == 0 and audit_actions(engine) == []


def test_every_problem_is_reported_with_its_row(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        retire_item(session, item_id(engine, "Dates 500 g"), actor=ACTOR, now=now)
    content = "\n".join(
        [
            HEADER,
            "food parcel,Rise 5 kg,1,,,,,,,,",
            "food parcel,Rice,1,,,,,,,,",
            "food parcel,Sugar 1 kg,1,,,,,,twelve,,",
            "food parcel,Sanitary pads,1,household,,,female,12,51,,",
            "food parcel,Oats 1 kg,1,member,,,,12,6m,,",
            ",Salt 500 g,0,,,,,,,,",
            "food parcel,Dates 500 g,1,,,,,,,Sugar 1 kg,",
            "food parcel,,two,,,,,,,Toothbrush,",
            "food parcel,Flour 1 kg,1,,4,2,,,,Flour 1 kg,",
        ]
    )
    report = run_import(engine, content, now)
    assert problems(report) == [
        "row 2, item: No item matches 'Rise 5 kg'.",
        f"row 3, item: 'Rice' matches several items: Rice 1 kg ({code(2)}), Rice 5 kg "
        f"({code(1)}). Type more of the name, or the item's code.",
        "row 4, age_under: write an age as years (12) or months (6m)",
        "row 5: a sex or age band needs per = member",
        "row 6: the age band ends before it starts",
        "row 7, basket: needs a name, for example 'food parcel'",
        "row 7, quantity: must be more than 0",
        f"row 8, item: Dates 500 g ({code(23)}) is retired; choose an item in use",
        f"row 9, substitute: 'Toothbrush' matches several items: Toothbrush adult ({code(36)}), "
        f"Toothbrush child ({code(37)}). Type more of the name, or the item's code.",
        "row 9, item: is required",
        "row 9, quantity: must be a whole number",
        "row 10: the household band ends before it starts",
    ]
    assert rule_count(engine) == 0 and audit_actions(engine) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ["file: is empty; its first row must name the columns"]),
        ("basket,item,quantity\n\n", ["file: has no rules under the header row"]),
        (
            "basket,item\nfood parcel,Rice 5 kg\n",
            [
                "row 1: required column 'quantity' is missing",
                "row 1: the columns distro reads are: " + ", ".join(RULE_COLUMNS),
            ],
        ),
    ],
)
def test_the_shape_of_the_file_is_checked(
    engine: Engine, now: datetime, content: str, expected: list[str]
) -> None:
    assert problems(run_import(engine, content, now)) == expected


def test_only_a_coordinator_may_import_rules(engine: Engine, now: datetime) -> None:
    volunteer = Actor(name="Kit", role=Role.VOLUNTEER)
    with unit_of_work(engine) as session, pytest.raises(NotAllowed):
        import_rules(session, io.StringIO(data_file("basket_rules.csv")), actor=volunteer, now=now)
    assert rule_count(engine) == 0


def test_an_empty_database_exports_only_the_header(engine: Engine, now: datetime) -> None:
    assert exported(engine) == BOM + HEADER + "\r\n"


def test_export_escapes_formulas(engine: Engine, now: datetime) -> None:
    rule = RuleIn(item_id=item_id(engine, "Sugar 1 kg"), quantity=1, note="=1+1 for each")
    with unit_of_work(engine) as session:
        add_rule(session, "+kit", rule, actor=ACTOR, now=now)
    text = exported(engine)
    assert "'+kit,Sugar 1 kg,1,household,,,,,,,'=1+1 for each\r\n" in text
    assert problems(run_import(engine, text, now)) == []


def test_the_starter_food_parcel_fits_a_halal_family_with_a_baby(
    engine: Engine, now: datetime
) -> None:
    run_import(engine, data_file("basket_rules.csv"), now)
    members = [
        {"full_name": "Amina Yusuf", "sex": "female", "birth_date": "1994-03-02"},
        {"full_name": "Omar Yusuf", "sex": "male", "birth_date": "1990-07-19"},
        {"full_name": "Sara Yusuf", "sex": "female", "birth_date": "2021-05-10"},
        {"full_name": "Adam Yusuf", "sex": "male", "birth_date": "2026-09-01"},
    ]
    family = register_into(engine, now, members=members, dietary=["halal"])
    with unit_of_work(engine) as session:
        round_in = RoundIn(
            name="Week 48", basket="food parcel", starts_on=now.date(), ends_on=now.date()
        )
        distribution = create_round(session, round_in, actor=ACTOR, now=now)
        assert family.id is not None
        entitled = family_entitlement(session, distribution, family.id, now)

    assert entitled.left_out == []
    given = {line.item.name: line.quantity for line in entitled.lines}
    assert given == {
        "Rice 5 kg": 2,
        "Cooking oil 1 L": 1,
        "Red lentils (masoor dal) 1 kg": 1,
        "Chickpeas canned 400 g": 2,
        "Canned tomatoes 400 g": 2,
        "Tuna canned 185 g": 3,
        "Halal chicken canned 340 g": 1,
        "Sugar 1 kg": 1,
        "Black tea 100 bags": 1,
        "Milk powder 900 g": 1,
        "Infant formula stage 1 (0-6 months) 800 g": 2,
        "Diapers size S": 2,
        "Baby wipes": 1,
        "Sanitary pads": 2,
        "Soap bar": 2,
        "Toothpaste 120 g": 1,
        "Toothbrush child": 1,
        "Toothbrush adult": 2,
        "Toilet paper": 1,
    }
