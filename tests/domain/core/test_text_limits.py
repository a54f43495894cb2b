"""Free text has a limit, said in plain words: names at the form's boundary, and the reasons
a service takes (removing a member, merging, registering despite duplicates, anonymising),
which were cut without a word or kept at any length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from distro.domain.core.access import Actor
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import InvalidInput
from distro.domain.core.inputs import REASON_LIMIT, clean_note, validated
from distro.domain.families.members import remove_member
from distro.domain.families.merge import merge_families
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn, MemberIn
from distro.domain.privacy.retention import anonymise_family
from distro.domain.stock.catalogue import ItemIn
from distro.domain.users.accounts import UserName
from tests.builders.families import Registrar, family_dict
from tests.domain.families.family_helpers import load

LONG = "Abdulkarim Mohammed Al-Haddad " * 12
"""360 characters."""
TOO_LONG_REASON = f"is too long (at most {REASON_LIMIT} characters)"


@pytest.mark.parametrize(
    ("model", "data", "field", "limit"),
    [
        (MemberIn, {"full_name": LONG}, "full_name", 120),
        (MemberIn, {"full_name": "Amina", "aliases": [LONG]}, "aliases.0", 120),
        (ItemIn, {"name": LONG, "category": "food", "unit": "bag"}, "name", 80),
        (UserName, {"name": LONG}, "name", 80),
    ],
    ids=["member", "alias", "item", "user"],
)
def test_a_360_character_name_is_refused_naming_the_limit(
    model: type[MemberIn | ItemIn | UserName], data: dict[str, object], field: str, limit: int
) -> None:
    assert len(LONG) == 360
    with pytest.raises(InvalidInput) as caught:
        validated(model, data)
    assert caught.value.problems[field] == f"is too long (at most {limit} characters)"


def test_a_reason_is_cleaned_and_refused_over_the_limit() -> None:
    assert clean_note("  no contact\tsince\n2023 ", field="reason") == "no contact since 2023"
    with pytest.raises(InvalidInput) as caught:
        clean_note(LONG, field="why")
    assert caught.value.problems == {"why": TOO_LONG_REASON}


Change = Callable[[Session, int, int, str, Actor, datetime], object]
"""A change that takes a reason: (session, the family, the other family or member, reason,
who, when)."""


def _remove(session: Session, _: int, member: int, why: str, actor: Actor, now: datetime) -> None:
    remove_member(session, member, why, actor=actor, now=now)


def _merge(session: Session, keep: int, other: int, why: str, actor: Actor, now: datetime) -> None:
    merge_families(session, keep, other, why, actor=actor, now=now)


def _anonymise(
    session: Session, family: int, _: int, why: str, actor: Actor, now: datetime
) -> None:
    anonymise_family(session, family, why, actor=actor, now=now)


@pytest.mark.parametrize("change", [_remove, _merge, _anonymise], ids=lambda f: f.__name__)
def test_a_360_character_reason_is_refused_and_nothing_changes(
    engine: Engine, register: Registrar, change: Change, actor: Actor, now: datetime
) -> None:
    family = register("Amina Yusuf", "Omar Yusuf")
    other = register("Sara Ali", reason="test")
    omar_id = load(engine, family.id).members[1].id
    assert family.id is not None and other.id is not None and omar_id is not None
    second = omar_id if change is _remove else other.id
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        change(session, family.id, second, LONG, actor, now)
    assert caught.value.problems == {"reason": TOO_LONG_REASON}
    assert load(engine, family.id).household_size == 2


def test_registering_despite_duplicates_refuses_a_360_character_reason(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    register("Amina Yusuf", phones=["9123 4567"])
    data = validated(FamilyIn, family_dict("Amina Yusuf", phones=["9123 4567"]))
    with pytest.raises(InvalidInput) as caught, unit_of_work(engine) as session:
        register_family(session, data, actor=actor, now=now, duplicate_reason=LONG)
    assert caught.value.problems == {"duplicate_reason": TOO_LONG_REASON}
