"""The names of the people working at the counter."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.db import reading, unit_of_work
from distro.domain.errors import InvalidInput
from distro.domain.models import AppUser
from distro.domain.users import recent_users, remember_user


def remember(engine: Engine, name: str, at: datetime) -> AppUser:
    with unit_of_work(engine) as session:
        return remember_user(session, name, now=at)


def users(engine: Engine) -> list[AppUser]:
    with reading(engine) as session:
        return list(session.exec(select(AppUser).order_by(AppUser.id)).all())  # type: ignore[arg-type]


def test_remember_user_creates_on_first_use(engine: Engine, now: datetime) -> None:
    user = remember(engine, "Kit Wong", now)
    assert user.id is not None
    [stored] = users(engine)
    assert (stored.name, stored.created_at, stored.last_seen_at) == ("Kit Wong", now, now)


def test_remember_user_updates_the_last_seen_time(engine: Engine, now: datetime) -> None:
    first = remember(engine, "Kit Wong", now)
    later = now + timedelta(days=2)
    again = remember(engine, "  Kit   Wong ", later)
    assert again.id == first.id
    [stored] = users(engine)
    assert stored.created_at == now and stored.last_seen_at == later


def test_recent_users_most_recent_first(engine: Engine, now: datetime) -> None:
    for hours, name in enumerate(["Ann", "Bo", "Chi", "Dev"]):
        remember(engine, name, now + timedelta(hours=hours))
    remember(engine, "Bo", now + timedelta(hours=10))
    with reading(engine) as session:
        assert recent_users(session) == ["Bo", "Dev", "Chi", "Ann"]
        assert recent_users(session, limit=2) == ["Bo", "Dev"]


def test_recent_users_of_a_new_database(engine: Engine) -> None:
    with reading(engine) as session:
        assert recent_users(session) == []


def test_names_keep_their_script_and_case(engine: Engine, now: datetime) -> None:
    remember(engine, "陳美玲", now)
    remember(engine, "Amina", now + timedelta(minutes=1))
    remember(engine, "amina", now + timedelta(minutes=2))
    with reading(engine) as session:
        assert recent_users(session) == ["amina", "Amina", "陳美玲"]


def test_control_characters_are_stripped(engine: Engine, now: datetime) -> None:
    assert remember(engine, "\x1b[2JKit\x00 Wong\u202e", now).name == "[2JKit Wong"


@pytest.mark.parametrize("name", ["", "   ", "\x00\x07", "x" * 81])
def test_bad_names_are_refused(engine: Engine, now: datetime, name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        remember(engine, name, now)
    assert list(caught.value.problems) == ["name"]
    assert users(engine) == []


def test_a_name_of_eighty_characters_is_fine(engine: Engine, now: datetime) -> None:
    assert remember(engine, "x" * 80, now).name == "x" * 80
