"""Editing a family: its details, members and status, each change in the history and
refused changes leaving nothing behind."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from distro.domain.audit.changes import changed_fields
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import DomainError, InvalidInput, NotFound
from distro.domain.core.inputs import validated
from distro.domain.families.members import add_member, remove_member, update_member
from distro.domain.families.merge import merge_families
from distro.domain.families.registry import change_status, update_family
from distro.domain.families.schemas import StatusChange
from tests.builders.families import Registrar
from tests.domain.families.family_helpers import details, found, history, load, member


def test_update_family_records_before_and_after(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", phones=["9123 4567"], district="Eastern")
    later = now + timedelta(hours=1)
    with unit_of_work(engine) as session:
        assert family.id is not None
        update_family(
            session,
            family.id,
            details(phones=["6123 4567"], dietary=["halal"], notes="moved"),
            actor=actor,
            now=later,
        )
    record = load(engine, family.id)
    assert record.family.district == "Sham Shui Po"
    assert [p.number for p in record.phones] == ["+85261234567"]
    assert record.family.updated_at == later and record.family.created_at == now
    event = history(engine, family.id)[0]
    assert event.action == "family.edit" and event.at == later
    changes = changed_fields(event.before, event.after)
    assert changes["district"] == ("Eastern", "Sham Shui Po")
    assert changes["phones"] == (["+85291234567"], ["+85261234567"])
    assert changes["dietary"] == ("", "halal")
    assert "members" not in changes
    assert found(engine, "6123") == [family.code]
    assert found(engine, "9123") == []


def test_update_family_records_who_took_a_new_consent(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    with unit_of_work(engine) as session:
        update_family(
            session,
            family.id,
            details(consent_date="2026-11-24"),
            actor=Actor(name="Kit", role=Role.VOLUNTEER),
            now=now,
        )
    assert load(engine, family.id).family.consent_recorded_by == "Kit"


def test_add_member(engine: Engine, register: Registrar, now: datetime, actor: Actor) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    with unit_of_work(engine) as session:
        added = add_member(
            session,
            family.id,
            member(full_name="Baby Yusuf", relationship="child"),
            actor=actor,
            now=now,
        )
    record = load(engine, family.id)
    assert record.household_size == 2
    assert record.members[-1].id == added.id and added.position == 1
    event = history(engine, family.id)[0]
    assert event.action == "member.add" and "Baby Yusuf" in event.summary
    before, after = json.loads(event.before or ""), json.loads(event.after or "")
    assert len(before["members"]) == 1 and len(after["members"]) == 2
    assert found(engine, "baby") == [family.code]


def test_add_member_with_a_future_birth_date_is_refused(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    future = member(full_name="Baby", birth_date=(now + timedelta(days=3)).date())
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        add_member(session, family.id, future, actor=actor, now=now)
    assert list(caught.value.problems) == ["member.birth_date"]
    assert load(engine, family.id).household_size == 1


def test_a_second_head_is_refused(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    assert family.id is not None
    omar_id = load(engine, family.id).members[1].id
    assert omar_id is not None
    new_head = member(full_name="Hassan Yusuf", relationship="head")
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        add_member(session, family.id, new_head, actor=actor, now=now)
    assert "Amina Yusuf is already the head" in caught.value.problems["member.relationship"]
    omar_as_head = member(full_name="Omar Yusuf", relationship="head")
    with pytest.raises(InvalidInput), unit_of_work(engine) as session:
        update_member(session, omar_id, omar_as_head, actor=actor, now=now)
    heads = [m.full_name for m in load(engine, family.id).members if m.relationship == "head"]
    assert heads == ["Amina Yusuf"]


def test_the_head_can_be_corrected_and_stays_head(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    amina_id = load(engine, family.id).members[0].id
    assert amina_id is not None
    with unit_of_work(engine) as session:
        corrected = member(full_name="Amina Yousef", relationship="head")
        update_member(session, amina_id, corrected, actor=actor, now=now)
    record = load(engine, family.id)
    assert [(m.full_name, m.relationship) for m in record.members] == [
        ("Amina Yousef", "head"),
        ("Omar Yusuf", "other"),
    ]


def test_update_member(engine: Engine, register: Registrar, now: datetime, actor: Actor) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    omar = load(engine, family.id).members[1]
    assert omar.id is not None
    with unit_of_work(engine) as session:
        update_member(
            session,
            omar.id,
            member(full_name="Omar Abdullah", birth_date="2015-03-04"),
            actor=actor,
            now=now,
        )
    omar_now = load(engine, family.id).members[1]
    assert omar_now.full_name == "Omar Abdullah" and omar_now.birth_date == date(2015, 3, 4)
    assert history(engine, family.id)[0].action == "member.edit"
    assert found(engine, "abdullah") == [family.code]
    assert found(engine, "omaryusuf") == []  # the old name's joined key is gone


def test_remove_member(engine: Engine, register: Registrar, now: datetime, actor: Actor) -> None:
    family = register("Amina Yusuf", "Omar Yusuf", "Sara Yusuf")
    omar = load(engine, family.id).members[1]
    assert omar.id is not None
    with unit_of_work(engine) as session:
        remove_member(session, omar.id, "  moved to Canada  ", actor=actor, now=now)
    record = load(engine, family.id)
    assert record.household_size == 2
    assert [m.full_name for m in record.removed_members] == ["Omar Yusuf"]
    assert record.removed_members[0].removed_reason == "moved to Canada"
    assert record.removed_members[0].removed_at == now
    event = history(engine, family.id)[0]
    assert event.action == "member.remove" and "moved to Canada" in event.reason
    assert "Omar Yusuf" not in [m["full_name"] for m in json.loads(event.after or "")["members"]]
    assert found(engine, "omar") == []


def test_the_last_member_cannot_be_removed(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf")
    amina = load(engine, family.id).members[0]
    assert amina.id is not None
    with pytest.raises(DomainError, match="at least one member"), unit_of_work(engine) as session:
        remove_member(session, amina.id, "left", actor=actor, now=now)
    assert load(engine, family.id).household_size == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_removing_a_member_needs_a_reason(
    engine: Engine, register: Registrar, now: datetime, actor: Actor, reason: str
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    omar = load(engine, family.id).members[1]
    assert omar.id is not None
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        remove_member(session, omar.id, reason, actor=actor, now=now)
    assert "reason" in caught.value.problems
    assert load(engine, family.id).household_size == 2


def test_a_removed_member_cannot_be_edited_or_removed_again(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf", "Sara Yusuf")
    omar_id = load(engine, family.id).members[1].id
    assert omar_id is not None
    with unit_of_work(engine) as session:
        remove_member(session, omar_id, "left", actor=actor, now=now)
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        remove_member(session, omar_id, "again", actor=actor, now=now)
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        update_member(session, omar_id, member(full_name="Omar"), actor=actor, now=now)
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        update_member(session, 9999, member(full_name="Nobody"), actor=actor, now=now)


def test_change_status(engine: Engine, register: Registrar, now: datetime, actor: Actor) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    change = validated(StatusChange, {"status": "suspended", "reason": "missed three rounds"})
    with unit_of_work(engine) as session:
        change_status(session, family.id, change, actor=actor, now=now)
    assert load(engine, family.id).family.status == "suspended"
    event = history(engine, family.id)[0]
    assert event.action == "family.status" and event.reason == "missed three rounds"
    assert changed_fields(event.before, event.after) == {"status": ("active", "suspended")}


def test_status_merged_can_only_come_from_a_merge() -> None:
    with pytest.raises(InvalidInput) as caught:
        validated(StatusChange, {"status": "merged"})
    assert "only through a merge" in caught.value.problems["status"]


def test_a_merged_family_cannot_be_edited(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    keep = register("Amina Yusuf")
    gone = register("Amina Yusuff", reason="second visit, not sure yet")
    assert keep.id is not None and gone.id is not None
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same household", actor=actor, now=now)
    edits = [
        lambda s: update_family(s, gone.id, details(), actor=actor, now=now),
        lambda s: add_member(s, gone.id, member(full_name="X"), actor=actor, now=now),
        lambda s: change_status(
            s, gone.id, validated(StatusChange, {"status": "active"}), actor=actor, now=now
        ),
    ]
    for edit in edits:
        with pytest.raises(DomainError, match="merged into another family"):
            with unit_of_work(engine) as session:
                edit(session)
    assert load(engine, gone.id).family.status == "merged"
