"""The families registry: registering, validating, atomicity, reading a family and its history."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor
from distro.domain.core.codes import CodeKind, format_code, parse_scan
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import CodeError, DomainError, InvalidInput, NotFound
from distro.domain.core.inputs import validated
from distro.domain.core.numbering import CodeCounter
from distro.domain.families.history import family_history
from distro.domain.families.members import add_member, remove_member
from distro.domain.families.models import Family, Member
from distro.domain.families.registry import (
    change_status,
    find_family_by_code,
    load_family,
    register_family,
    update_family,
)
from distro.domain.families.schemas import FamilyDetails, FamilyIn, StatusChange
from tests.builders.families import FamilyBuilder, Registrar, family_dict
from tests.domain.families.family_helpers import details, found, history, load, member


def counter(session: Session) -> int:
    row = session.get(CodeCounter, CodeKind.FAMILY.value)
    assert row is not None
    return row.last_number


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """(families, members, audit rows, family code counter)."""
    with reading(engine) as session:
        families = session.exec(select(func.count()).select_from(Family)).one()
        members = session.exec(select(func.count()).select_from(Member)).one()
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        return families, members, events, counter(session)


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validated(FamilyIn, data)
    return caught.value.problems


# --- register -------------------------------------------------------------------------------


def test_register_assigns_sequential_checked_codes(register: Registrar) -> None:
    first, second, third = register("Amina Yusuf"), register("Chan Tai Man"), register("Tesfaye")
    assert first.code == "F-000001-0"
    assert [parse_scan(f.code).number for f in (first, second, third)] == [1, 2, 3]
    assert second.code == format_code(CodeKind.FAMILY, 2)


def test_register_derives_household_size_and_defaults_the_head(
    engine: Engine, register: Registrar
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf", "Sara Yusuf")
    record = load(engine, family.id)
    assert record.household_size == 3
    assert [m.full_name for m in record.members] == ["Amina Yusuf", "Omar Yusuf", "Sara Yusuf"]
    assert [m.relationship for m in record.members] == ["head", "other", "other"]
    assert [m.position for m in record.members] == [0, 1, 2]


def test_register_keeps_a_head_chosen_further_down(engine: Engine, register: Registrar) -> None:
    family = register(
        members=[
            {"full_name": "Sara Yusuf", "relationship": "child"},
            {"full_name": "Amina Yusuf", "relationship": "head"},
        ]
    )
    relationships = {m.full_name: m.relationship for m in load(engine, family.id).members}
    assert relationships == {"Sara Yusuf": "child", "Amina Yusuf": "head"}


def test_register_writes_a_history_row_with_the_after_snapshot(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf", phones=["9123 4567"], district="eastern")
    [event] = history(engine, family.id)
    assert event.action == "family.register"
    assert event.entity == "family" and event.entity_id == family.id == event.family_id
    assert event.actor == actor.name and event.at == now
    assert event.before is None
    assert family.code in event.summary and "2 members" in event.summary
    assert event.reason == ""
    after = json.loads(event.after or "")
    assert after["code"] == family.code
    assert after["district"] == "Eastern"
    assert after["phones"] == ["+85291234567"]
    assert [m["full_name"] for m in after["members"]] == ["Amina Yusuf", "Omar Yusuf"]


def test_register_stores_the_details(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register(
        members=[
            {"full_name": "Amina Yusuf", "birth_date": "1990-05-01", "languages": ["Arabic"]},
            {"full_name": "Omar Yusuf", "estimated_age": 7, "aliases": ["Omer", "Omer"]},
        ],
        phones=["9123 4567", "+852 9123-4567", "+44 20 7946 0958"],
        dietary=["halal", "halal", "no_pork"],
        consent_date="2026-11-20",
        notes="Needs a ground-floor pickup\r\nCall before visiting",
    )
    record = load(engine, family.id)
    assert [p.number for p in record.phones] == ["+85291234567", "+442079460958"]
    assert record.family.dietary == "halal|no_pork"
    assert record.family.consent_recorded_by == actor.name
    assert record.family.notes == "Needs a ground-floor pickup\nCall before visiting"
    assert record.family.created_at == now and record.family.created_by == actor.name
    amina, omar = record.members
    assert amina.birth_date == date(1990, 5, 1) and not amina.birth_date_estimated
    assert amina.languages == "Arabic"
    assert omar.birth_date == date(now.year - 7, 1, 1) and omar.birth_date_estimated
    assert omar.aliases == "Omer"


def test_without_consent_date_nobody_is_recorded_as_taking_consent(
    engine: Engine, register: Registrar
) -> None:
    assert load(engine, register("Amina Yusuf").id).family.consent_recorded_by == ""


def test_district_is_forgiving_about_case_and_spacing(engine: Engine, register: Registrar) -> None:
    family = register("Amina Yusuf", district="  sham shui po ")
    assert load(engine, family.id).family.district == "Sham Shui Po"
    assert validated(FamilyDetails, {"district": "ShamShuiPo"}).district == "Sham Shui Po"
    assert validated(FamilyDetails, {"district": "central & western"}).district == (
        "Central and Western"
    )


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (family_dict(""), "members.0.full_name", "cannot be empty"),
        (family_dict(" "), "members.0.full_name", "cannot be empty"),
        (family_dict("\x00\x07"), "members.0.full_name", "cannot be empty"),
        (family_dict("x" * 200), "members.0.full_name", "too long (at most 120"),
        (
            family_dict(members=[{"full_name": "A", "birth_date": "2023-02-30"}]),
            "members.0.birth_date",
            "is not a real date",
        ),
        (
            family_dict(members=[{"full_name": "A", "birth_date": "30/02/2023"}]),
            "members.0.birth_date",
            "is not a date",
        ),
        (
            family_dict(members=[{"full_name": "A", "birth_date": "1850-01-01"}]),
            "members.0.birth_date",
            "before 1900",
        ),
        (
            family_dict(members=[{"full_name": "A", "estimated_age": 130}]),
            "members.0.estimated_age",
            "must be at most 120",
        ),
        (family_dict("A", district="Gotham"), "district", "18 Hong Kong districts"),
        (family_dict("A", district=""), "district", "18 Hong Kong districts"),
        (family_dict("A", phones=["1234"]), "phones.0", "not a phone number"),
        (family_dict(), "members", "needs at least one entry"),
        (family_dict("A", colour="blue"), "colour", "not a field distro knows"),
        (
            family_dict(members=[{"full_name": "A", "relationship": "boss"}]),
            "members.0.relationship",
            "must be one of",
        ),
        (family_dict("A", address="x" * 301), "address", "too long (at most 300"),
        (family_dict("A", phones=[f"9123 45{n:02d}" for n in range(11)]), "phones", "too many"),
    ],
)
def test_invalid_input_names_the_field_in_plain_words(
    data: dict[str, Any], field: str, message: str
) -> None:
    problems = problems_of(data)
    assert field in problems, problems
    assert message in problems[field]
    assert "Traceback" not in problems[field] and "pydantic" not in problems[field]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (family_dict(""), "members.0.full_name"),
        (family_dict("\x00\x07 "), "members.0.full_name"),
        (family_dict("x" * 200), "members.0.full_name"),
        (family_dict(members=[{"full_name": "A", "aliases": ["x" * 121]}]), "members.0.aliases.0"),
        (family_dict("A", address="x" * 301), "address"),
        (family_dict("A", notes="x" * 4001), "notes"),
    ],
)
def test_empty_or_too_long_text_is_refused_on_its_field(data: dict[str, Any], field: str) -> None:
    assert field in problems_of(data)


def test_every_problem_is_listed_at_once() -> None:
    problems = problems_of(
        family_dict(
            members=[{"full_name": ""}, {"full_name": "B", "birth_date": "2023-02-30"}],
            district="Gotham",
        )
    )
    assert set(problems) >= {"district", "members.0.full_name", "members.1.birth_date"}
    error = InvalidInput(problems)
    assert "district: " in str(error) and "members.1.birth_date: " in str(error)


def test_two_heads_are_refused() -> None:
    problems = problems_of(
        family_dict(
            members=[
                {"full_name": "Amina Yusuf", "relationship": "head"},
                {"full_name": "Omar Yusuf", "relationship": "head"},
            ]
        )
    )
    assert any("only one member can be the head" in why for why in problems.values()), problems


def test_future_birth_date_is_refused_and_nothing_is_kept(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    before = counts(engine)
    with pytest.raises(InvalidInput) as caught:
        register(members=[{"full_name": "Amina"}, {"full_name": "Baby", "birth_date": tomorrow}])
    assert caught.value.problems == {"members.1.birth_date": "is in the future; check the date"}
    assert counts(engine) == before


def test_control_characters_are_stripped(engine: Engine, register: Registrar) -> None:
    family = register(
        "\x00Amina\x00 \x1b[31mYusuf\u202e\u200b\n",
        notes="line one\r\nline\x07 two  \n",
        address="12   Main Street\n",
    )
    record = load(engine, family.id)
    assert record.members[0].full_name == "Amina [31mYusuf"
    assert record.family.notes == "line one\nline two"
    assert record.family.address == "12 Main Street"


def test_tabs_and_carriage_returns_separate_words(engine: Engine, register: Registrar) -> None:
    family = register("Amina\tYusuf", address="12 Main\rStreet", notes="one\ttwo\rthree")
    record = load(engine, family.id)
    assert record.members[0].full_name == "Amina Yusuf"
    assert record.family.address == "12 Main Street"
    assert record.family.notes in ("one two\nthree", "one two three")


def test_joiners_that_scripts_need_are_kept(engine: Engine, register: Registrar) -> None:
    sinhala = "ශ්\u200dරී"
    family = register(sinhala)
    assert load(engine, family.id).members[0].full_name == sinhala


# --- atomicity and reading ------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_failed_unit_of_work_leaves_nothing(
    engine: Engine, family_in: FamilyBuilder, now: datetime, actor: Actor
) -> None:
    before = counts(engine)
    with pytest.raises(Boom), unit_of_work(engine) as session:
        register_family(
            session, family_in("Amina Yusuf", phones=["91234567"]), actor=actor, now=now
        )
        assert counter(session) == 1
        raise Boom
    assert counts(engine) == before == (0, 0, 0, 0)
    assert found(engine, "amina") == [] and found(engine, "9123") == []
    with unit_of_work(engine) as session:
        family = register_family(session, family_in("Chan Tai Man"), actor=actor, now=now)
    assert family.code == "F-000001-0"  # the rolled-back number was given back


def test_a_rule_failing_half_way_undoes_the_earlier_changes(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    assert family.id is not None
    before = counts(engine)
    omar_id = load(engine, family.id).members[1].id
    assert omar_id is not None
    with pytest.raises(InvalidInput), unit_of_work(engine) as session:
        add_member(session, family.id, member(full_name="Sara Yusuf"), actor=actor, now=now)
        remove_member(session, omar_id, "", actor=actor, now=now)
    assert counts(engine) == before
    assert load(engine, family.id).household_size == 2
    assert found(engine, "sara") == []


def test_family_history_is_newest_first(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf")
    other = register("Chan Tai Man")
    assert family.id is not None
    with unit_of_work(engine) as session:
        add_member(session, family.id, member(full_name="Omar"), actor=actor, now=now)
        change_status(
            session,
            family.id,
            validated(StatusChange, {"status": "suspended"}),
            actor=actor,
            now=now,
        )
    with unit_of_work(engine) as session:
        update_family(session, family.id, details(notes="x"), actor=actor, now=now)
    actions = [event.action for event in history(engine, family.id)]
    assert actions == ["family.edit", "family.status", "member.add", "family.register"]
    assert [e.action for e in history(engine, other.id)] == ["family.register"]
    with reading(engine) as session:
        assert len(family_history(session, family.id, limit=2)) == 2


def test_load_family_of_an_unknown_id(engine: Engine) -> None:
    with pytest.raises(NotFound), reading(engine) as session:
        load_family(session, 42)


def test_find_family_by_code(engine: Engine, register: Registrar) -> None:
    register("Amina Yusuf")
    family = register("Chan Tai Man")
    with reading(engine) as session:
        for typed in (family.code, family.code.lower().replace("-", ""), f"]C1{family.code}\r\n"):
            assert find_family_by_code(session, typed).id == family.id
        with pytest.raises(NotFound, match="another NGO"):
            find_family_by_code(session, format_code(CodeKind.FAMILY, 77))
        with pytest.raises(CodeError):
            find_family_by_code(session, family.code[:-1] + "Z")


def test_an_imported_code_is_never_handed_out_again(
    engine: Engine, family_in: FamilyBuilder, now: datetime, actor: Actor
) -> None:
    imported = format_code(CodeKind.FAMILY, 2)
    with unit_of_work(engine) as session:
        register_family(session, family_in("Amina Yusuf"), actor=actor, now=now, code=imported)
    codes = []
    for name in ("Chan Tai Man", "Tesfaye Bekele", "Priya Raman"):
        with unit_of_work(engine) as session:
            codes.append(register_family(session, family_in(name), actor=actor, now=now).code)
    assert imported not in codes and len(set(codes)) == 3


@pytest.mark.parametrize("bad_code", ["F-000002-Z", "hello", "X-000002-0"])
def test_an_imported_code_must_be_a_valid_family_code(
    engine: Engine, family_in: FamilyBuilder, now: datetime, actor: Actor, bad_code: str
) -> None:
    with pytest.raises(DomainError), unit_of_work(engine) as session:
        register_family(session, family_in("Amina Yusuf"), actor=actor, now=now, code=bad_code)
