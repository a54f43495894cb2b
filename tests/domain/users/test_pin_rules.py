"""New PINs that a guesser would try first are refused, each kind in words that say why, when
a user is added or given a new PIN; a PIN that is none of them is accepted; and only a new
demo database gets the demo's PIN."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from distro.domain.core.access import Role
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import Conflict, InvalidInput
from distro.domain.demo import DEMO_PIN, DEMO_USERS
from distro.domain.users.accounts import add_demo_users, add_first_admin, add_user, reset_pin
from distro.domain.users.pin_rules import common_pins, pin_problem
from distro.domain.users.sign_in import sign_in


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("121212", "one of the most common PINs"),
        ("password", "one of the most common PINs"),
        ("qwerty", "one of the most common PINs"),
        ("5201314", "one of the most common PINs"),
        ("373737", "repeats the same few characters"),
        ("480480", "repeats the same few characters"),
        ("345678", "counts up or down"),
        ("975319", "counts up or down"),
        ("ghijkl", "counts up or down"),
        ("lkjhgfds", "run of keys"),
        ("poiuytre", "run of keys"),
        ("2wsx3edc", "run of keys"),
        ("654987", "run of keys"),
        ("19900101", "reads as a date"),
        ("01121990", "reads as a date"),
        ("12311990", "reads as a date"),
        ("900101", "reads as a date"),
        ("311290", "reads as a date"),
        ("kitwong", "made from your name"),
        ("Wong1988!", "made from your name"),
        ("wongkit", "made from your name"),
        ("password2024", "common word with digits or symbols added"),
        ("p@ssw0rd!", "common word with digits or symbols added"),
        ("!sunshine!", "common word with digits or symbols added"),
    ],
)
def test_a_guessable_pin_is_refused_saying_why(pin: str, reason: str) -> None:
    problem = pin_problem(pin, name="Kit Wong")
    assert problem is not None and problem.startswith("that PIN is too easy to guess: ")
    assert reason in problem


@pytest.mark.parametrize(
    "pin", ["528491", "730264", "19891304", "20250230", "tide-marble-52", "my long passphrase"]
)
def test_a_pin_no_guess_finds_early_is_accepted(pin: str) -> None:
    assert pin_problem(pin, name="Kit Wong") is None


def test_the_shipped_list_is_long_and_only_holds_pins_long_enough_to_choose() -> None:
    assert len(common_pins()) >= 300
    assert all(6 <= len(pin) <= 128 for pin in common_pins())


def test_adding_a_user_or_a_new_pin_refuses_a_guessable_one(engine: Engine, now: datetime) -> None:
    with pytest.raises(InvalidInput, match="too easy"), unit_of_work(engine) as session:
        add_first_admin(session, "Grace Admin", "password", now=now)
    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Grace Admin", "correct horse", now=now)
    with pytest.raises(InvalidInput, match="too easy to guess"), unit_of_work(engine) as session:
        add_user(session, "Kit Wong", Role.VOLUNTEER, "19900101", actor=admin, now=now)
    with pytest.raises(InvalidInput, match="made from your name"), unit_of_work(engine) as session:
        add_user(session, "Kit Wong", Role.VOLUNTEER, "kitwong88", actor=admin, now=now)
    with unit_of_work(engine) as session:
        add_user(session, "Kit Wong", Role.VOLUNTEER, "528491", actor=admin, now=now)
    with pytest.raises(InvalidInput, match="most common"), unit_of_work(engine) as session:
        reset_pin(session, "Kit Wong", "qwerty", actor=admin, now=now)
    assert sign_in(engine, "Kit Wong", "528491", now=now).name == "Kit Wong"


def test_only_a_new_demo_database_gets_the_demo_pin(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        add_demo_users(session, list(DEMO_USERS), DEMO_PIN, now=now)
    for role in DEMO_USERS:
        assert sign_in(engine, role.value, DEMO_PIN, now=now).role is role
    with pytest.raises(Conflict, match="already has users"), unit_of_work(engine) as session:
        add_demo_users(session, [Role.ADMIN], DEMO_PIN, now=now)
