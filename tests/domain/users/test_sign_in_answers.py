"""Sign-in tells nobody which names are users: an unknown name and a wrong PIN get the same
words, the same slowdown and about the same time; the count of wrong tries does not grow
without end; and a PIN from before the rules keeps working, with advice to replace it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import SignInFailed
from distro.domain.users.accounts import add_first_admin, add_user
from distro.domain.users.models import WrongSignIns
from distro.domain.users.sign_in import attempt_sign_in, sign_in
from distro.domain.users.wrong_tries import FREE_TRIES
from tests.builders.users import add_user_with_old_pin

PIN = "528491"
NO_MATCH = "That name and PIN do not match. Check both and try again."


@pytest.fixture
def admin(engine: Engine, now: datetime) -> Actor:
    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Grace Admin", "correct horse", now=now)
        add_user(session, "Kit Wong", Role.VOLUNTEER, PIN, actor=admin, now=now)
    return admin


def answers(engine: Engine, name: str, pin: str, now: datetime) -> list[str]:
    """What sign-in says to FREE_TRIES + 3 tries, a second apart (waits not sat out)."""
    said = []
    for second in range(FREE_TRIES + 3):
        with pytest.raises(SignInFailed) as refused:
            sign_in(engine, name, pin, now=now + timedelta(seconds=second))
        said.append(str(refused.value))
    return said


def test_an_unknown_name_and_a_wrong_pin_get_the_same_answers_before_and_after_the_free_tries(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    wrong_pin = answers(engine, "Kit Wong", "000001", now)
    unknown_name = answers(engine, "Kat Wong", PIN, now)
    assert wrong_pin == unknown_name
    assert wrong_pin[:FREE_TRIES] == [NO_MATCH] * FREE_TRIES
    assert wrong_pin[FREE_TRIES] == "Too many wrong tries; wait 4 seconds, then try again."
    assert not any("Wong" in answer for answer in wrong_pin)


def test_the_count_is_kept_for_the_name_however_it_is_typed(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    for typed in ("Nobody Here", "nobody here", "NOBODY  HERE"):
        with pytest.raises(SignInFailed, match="do not match"):
            sign_in(engine, typed, PIN, now=now)
    with pytest.raises(SignInFailed, match="wait 5 seconds"):
        sign_in(engine, "Nobody here", PIN, now=now)
    with reading(engine) as session:
        [tries] = session.exec(select(WrongSignIns)).all()
    assert "nobody" not in tries.name_key.casefold()  # a digest, not the name as typed


def test_the_audit_still_says_which_it_was(engine: Engine, now: datetime, admin: Actor) -> None:
    for name, pin in (("Kit Wong", "000001"), ("Kat Wong", PIN)):
        with pytest.raises(SignInFailed):
            sign_in(engine, name, pin, now=now)
    with reading(engine) as session:
        failed = session.exec(
            select(AuditEvent.summary).where(AuditEvent.action == "user.sign_in_failed")
        ).all()
    assert failed == [
        "Wrong PIN for Kit Wong (1 in a row)",
        "Sign-in with an unknown name (1 wrong in a row)",
    ]


def seconds_taken(engine: Engine, name: str, pin: str, now: datetime) -> float:
    started = time.perf_counter()
    with pytest.raises(SignInFailed):
        sign_in(engine, name, pin, now=now)
    return time.perf_counter() - started


def test_an_unknown_name_takes_about_as_long_as_a_wrong_pin(
    engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a cost where the hash, not the database, takes most of the time; tries taken in
    turns, minutes apart (never slowed, so each checks a PIN), and the quickest of each kept, as
    the one least disturbed by whatever else the machine is doing."""
    import distro.domain.users.pins

    monkeypatch.setattr(distro.domain.users.pins, "SCRYPT_COST", 2**13)
    with unit_of_work(engine) as session:
        add_first_admin(session, "Kit Wong", PIN, now=now)
    wrong_pin, unknown_name = [], []
    for turn in range(6):
        later = now + timedelta(minutes=10 * turn)
        wrong_pin.append(seconds_taken(engine, "Kit Wong", "000001", later))
        unknown_name.append(seconds_taken(engine, "Kat Wong", PIN, later))
    assert 0.5 < min(unknown_name) / min(wrong_pin) < 2


def test_counts_are_forgotten_a_day_after_the_last_wrong_try(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    for name in ("Typo One", "Typo Two"):
        with pytest.raises(SignInFailed):
            sign_in(engine, name, PIN, now=now)
    with pytest.raises(SignInFailed):
        sign_in(engine, "Typo Three", PIN, now=now + timedelta(hours=23))
    sign_in(engine, "Kit Wong", PIN, now=now + timedelta(hours=24, seconds=1))
    with reading(engine) as session:
        assert len(session.exec(select(WrongSignIns)).all()) == 1  # only Typo Three's is left


def test_a_pin_from_before_the_rules_keeps_working_with_advice_to_change_it(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    add_user_with_old_pin(engine, "Old Hand", "121212", now)
    outcome = attempt_sign_in(engine, "Old Hand", "121212", now=now)
    assert outcome.actor is not None and outcome.actor.name == "Old Hand"
    assert "too easy to guess" in outcome.advice and "admin" in outcome.advice
    assert attempt_sign_in(engine, "Kit Wong", PIN, now=now).advice == ""
