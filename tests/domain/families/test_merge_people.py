"""Merging keeps each person once and re-bases relationships on the surviving head."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Column, Engine, ForeignKey, Integer, Table, insert, select
from sqlmodel import SQLModel

from distro.domain.admin.checks import check_database
from distro.domain.core.access import Actor
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import InvalidInput
from distro.domain.core.inputs import validated
from distro.domain.families.merge import merge_families, preview_merge
from distro.domain.families.merge_plan import MergePlan
from distro.domain.families.merge_relations import Rebased, rebase
from distro.domain.families.models import Family, Member
from distro.domain.families.models import Relationship as R
from distro.domain.families.schemas import MergeChoices
from tests.builders.families import Registrar
from tests.domain.families.family_helpers import history, load

REASON = "same household, seen both cards"


def person(name: str, relationship: str, born: str | None = None, **more: Any) -> dict[str, Any]:
    return {"full_name": name, "relationship": relationship, "birth_date": born, **more}


def ids(family: Family, engine: Engine) -> dict[str, int]:
    """Member ids by full name."""
    return {m.full_name: m.id or 0 for m in load(engine, family.id).members}


def merge(
    engine: Engine, keep: Family, gone: Family, actor: Actor, now: datetime, **choices: Any
) -> MergePlan:
    assert keep.id is not None and gone.id is not None
    with unit_of_work(engine) as session:
        return merge_families(
            session,
            keep.id,
            gone.id,
            REASON,
            actor=actor,
            now=now,
            choices=validated(MergeChoices, choices),
        )


def relationships(engine: Engine, family: Family) -> list[tuple[str, str]]:
    return [(m.full_name, m.relationship) for m in load(engine, family.id).members]


def test_the_same_man_in_both_records_is_kept_once(
    engine: Engine, register: Registrar, actor: Actor, now: datetime
) -> None:
    """The demo's F-000298-5 and F-000027-J: one man, his name spelled two ways."""
    keep = register(members=[person("Ismail Mohamed Ahmed", "head", "1967-03-11")])
    gone = register(
        members=[
            person("Ismail Mohammed Ahmed", "head", "1967-03-11", languages=["Arabic"]),
            person("Layla Hassan", "spouse", "1975-06-02"),
        ],
        reason="set-up",
    )
    dropped_id = ids(gone, engine)["Ismail Mohammed Ahmed"]
    merge(engine, keep, gone, actor, now)
    survivor = load(engine, keep.id)
    assert survivor.household_size == 2
    assert relationships(engine, keep) == [
        ("Ismail Mohamed Ahmed", "head"),
        ("Layla Hassan", "spouse"),
    ]
    ismail = survivor.members[0]
    assert ismail.aliases == "Ismail Mohammed Ahmed" and ismail.languages == "Arabic"
    with reading(engine) as session:
        assert session.get(Member, dropped_id) is None
    assert check_database(engine) == []
    actions = [event.action for event in history(engine, keep.id)]
    assert actions[:3] == ["family.merge", "family.merge", "member.join"]


def test_relationships_are_rebased_through_the_matched_head(
    engine: Engine, register: Registrar, actor: Actor, now: datetime
) -> None:
    """The merged record was registered under the wife: her children stay children, her
    mother becomes an other relative, and her husband, unmatched, is marked for a look."""
    keep = register(
        members=[
            person("Omar Yusuf", "head", "1985-01-01"),
            person("Amina Yusuf", "spouse", "1990-02-02"),
        ]
    )
    gone = register(
        members=[
            person("Amina Yusuf", "head", "1990-02-02"),
            person("Sara Yusuf", "child", "2015-03-03"),
            person("Khadija Ali", "parent", "1960-04-04"),
            person("Omer Yousef", "spouse"),
        ],
        reason="set-up",
    )
    assert keep.id is not None and gone.id is not None
    with reading(engine) as session:
        plan = preview_merge(session, keep.id, gone.id)
    assert plan.head_is == R.SPOUSE and plan.household_size == 5
    assert [m.member.full_name for m in plan.to_check] == ["Omer Yousef"]
    merge(engine, keep, gone, actor, now)
    assert relationships(engine, keep) == [
        ("Omar Yusuf", "head"),
        ("Amina Yusuf", "spouse"),
        ("Sara Yusuf", "child"),
        ("Khadija Ali", "other_relative"),
        ("Omer Yousef", "other_relative"),
    ]


def test_a_coordinators_pick_is_honoured(
    engine: Engine, register: Registrar, actor: Actor, now: datetime
) -> None:
    """A husband written differently and without a date of birth is the same man when the
    coordinator says so; a child the rule matched is kept apart when they say so."""
    keep = register(
        members=[
            person("Omar Yusuf", "head", "1985-01-01"),
            person("Ali Yusuf", "child", "2020-01-01"),
        ]
    )
    gone = register(
        members=[
            person("Amina Yusuf", "head", "1990-02-02"),
            person("Omer Yousef", "spouse"),
            person("Ali Yusuf", "child", "2020-01-01"),
        ],
        reason="set-up",
    )
    keep_ids, gone_ids = ids(keep, engine), ids(gone, engine)
    plan = merge(
        engine,
        keep,
        gone,
        actor,
        now,
        same={gone_ids["Omer Yousef"]: keep_ids["Omar Yusuf"]},
        apart=[gone_ids["Ali Yusuf"]],
        head_is="spouse",
    )
    assert [(m.dropped.full_name, m.picked) for m in plan.matches] == [("Omer Yousef", True)]
    assert relationships(engine, keep) == [
        ("Omar Yusuf", "head"),
        ("Ali Yusuf", "child"),
        ("Amina Yusuf", "spouse"),
        ("Ali Yusuf", "child"),
    ]
    assert load(engine, keep.id).members[0].aliases == "Omer Yousef"


def test_the_merged_heads_relationship_given_rebases_the_rest(
    engine: Engine, register: Registrar, actor: Actor, now: datetime
) -> None:
    keep = register(members=[person("Hassan Ali", "head", "1950-01-01")])
    gone = register(
        members=[person("Karim Ali", "head", "1980-01-01"), person("Nour Ali", "child")],
        reason="set-up",
    )
    merge(engine, keep, gone, actor, now, head_is="child")
    assert relationships(engine, keep) == [
        ("Hassan Ali", "head"),
        ("Karim Ali", "child"),
        ("Nour Ali", "grandchild"),
    ]


def test_a_pick_from_outside_the_two_households_is_refused(
    engine: Engine, register: Registrar, actor: Actor, now: datetime
) -> None:
    keep = register("Hassan Ali")
    gone = register("Karim Ali", reason="set-up")
    other = ids(register("Somebody Else", reason="set-up"), engine)["Somebody Else"]
    with pytest.raises(InvalidInput):
        merge(engine, keep, gone, actor, now, same={other: ids(keep, engine)["Hassan Ali"]})
    assert load(engine, gone.id).family.status == "active"


@pytest.mark.parametrize(
    ("relationship", "head_is", "expected"),
    [
        (R.SPOUSE, R.HEAD, Rebased(R.SPOUSE, derived=True)),
        (R.HEAD, R.SPOUSE, Rebased(R.SPOUSE, derived=True)),
        (R.CHILD, R.SPOUSE, Rebased(R.CHILD, derived=True)),
        (R.SPOUSE, R.CHILD, Rebased(R.OTHER_RELATIVE, derived=True)),
        (R.SPOUSE, R.PARENT, Rebased(R.PARENT, derived=True)),
        (R.PARENT, R.CHILD, Rebased(R.OTHER_RELATIVE, derived=False)),
        (R.CHILD, R.OTHER, Rebased(R.OTHER, derived=True)),
        (R.OTHER, R.SIBLING, Rebased(R.OTHER, derived=True)),
        (R.SPOUSE, None, Rebased(R.OTHER_RELATIVE, derived=False)),
        (R.OTHER, None, Rebased(R.OTHER, derived=False)),
    ],
)
def test_rebasing(relationship: R, head_is: R | None, expected: Rebased) -> None:
    assert rebase(relationship, head_is) == expected


@pytest.fixture
def member_notes(engine: Engine) -> Iterator[Table]:
    """A table another capability might add later (a loan to a person), pointing at members."""
    table = Table(
        "member_note_test",
        SQLModel.metadata,
        Column("id", Integer, primary_key=True),
        Column("member_id", Integer, ForeignKey("member.id"), nullable=False),
    )
    table.create(engine)
    yield table
    SQLModel.metadata.remove(table)


def test_rows_pointing_at_a_dropped_member_follow_the_kept_one(
    engine: Engine, register: Registrar, actor: Actor, now: datetime, member_notes: Table
) -> None:
    keep = register(members=[person("Ismail Ahmed", "head", "1967-03-11")])
    gone = register(members=[person("Ismail Ahmed", "head", "1967-03-11")], reason="set-up")
    dropped, kept = ids(gone, engine)["Ismail Ahmed"], ids(keep, engine)["Ismail Ahmed"]
    with unit_of_work(engine) as session:
        session.execute(insert(member_notes).values(member_id=dropped))
    merge(engine, keep, gone, actor, now)
    with reading(engine) as session:
        assert session.execute(select(member_notes.c.member_id)).scalars().all() == [kept]
    assert check_database(engine) == []
