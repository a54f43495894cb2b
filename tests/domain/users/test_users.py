"""Users, PINs and sign-in: the first admin, wrong PINs slowing further tries, disabled users,
and PINs that never reach the database or the audit log in clear."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import Conflict, InvalidInput, NotAllowed, SignInFailed
from distro.domain.users.accounts import (
    add_first_admin,
    add_user,
    disable_user,
    enable_user,
    has_users,
    recent_users,
    reset_pin,
    set_role,
)
from distro.domain.users.models import AppUser, WrongSignIns
from distro.domain.users.pin_rules import pin_problem
from distro.domain.users.pins import hash_pin, pin_matches
from distro.domain.users.sign_in import sign_in
from distro.domain.users.wrong_tries import FREE_TRIES

ADMIN_PIN = "correct horse"
PIN = "528491"


@pytest.fixture
def admin(engine: Engine, now: datetime) -> Actor:
    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Grace Admin", ADMIN_PIN, now=now)
        add_user(session, "Kit Wong", Role.VOLUNTEER, PIN, actor=admin, now=now)
    return admin


def user(engine: Engine, name: str) -> AppUser:
    with reading(engine) as session:
        return session.exec(select(AppUser).where(AppUser.name == name)).one()


def test_the_first_admin_is_made_only_while_nobody_can_sign_in(
    engine: Engine, now: datetime
) -> None:
    with reading(engine) as session:
        assert not has_users(session)
    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Grace Admin", ADMIN_PIN, now=now)
    assert admin.role is Role.ADMIN and admin.user_id is not None
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        add_first_admin(session, "Mallory", "another good pin", now=now)


def test_sign_in_gives_the_users_role(engine: Engine, now: datetime, admin: Actor) -> None:
    actor = sign_in(engine, "Kit Wong", PIN, now=now)
    assert actor == Actor(name="Kit Wong", role=Role.VOLUNTEER, user_id=actor.user_id)
    assert sign_in(engine, "  Kit   Wong ", PIN, now=now).name == "Kit Wong"  # as typed


def test_the_pin_is_stored_only_as_a_salted_slow_hash(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    stored = user(engine, "Kit Wong").pin_hash
    assert PIN not in stored and stored.startswith("scrypt$")
    assert pin_matches(PIN, stored) and not pin_matches("528492", stored)
    assert hash_pin(PIN) != hash_pin(PIN)  # a fresh salt each time
    with reading(engine) as session:
        for event in session.exec(select(AuditEvent)):
            assert PIN not in f"{event.summary}{event.before}{event.after}"
            assert "scrypt" not in f"{event.before}{event.after}"


def test_the_real_cost_is_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests lower the cost for speed; the shipped cost is at least 2**15."""
    monkeypatch.undo()
    assert int(hash_pin("x").split("$")[1]) >= 2**15


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("1234", "at least 6"),
        ("123456", "too easy"),
        ("000000", "too easy"),
        ("fedcba", "too easy"),
        ("x" * 129, "at most 128"),
        ("52849\x07", "letters, digits"),
        ("528491", None),
        ("my long passphrase", None),
    ],
)
def test_pin_rules(pin: str, problem: str | None) -> None:
    found = pin_problem(pin)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_short_pin_is_refused(engine: Engine, now: datetime, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="at least 6"), unit_of_work(engine) as session:
        add_user(session, "Bo", Role.VOLUNTEER, "1234", actor=admin, now=now)


def test_wrong_pins_in_a_row_make_the_next_try_wait(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    for _ in range(FREE_TRIES):
        with pytest.raises(SignInFailed, match="do not match"):
            sign_in(engine, "Kit Wong", "000001", now=now)
    # Even the right PIN must wait now: the try is refused before the PIN is looked at.
    with pytest.raises(SignInFailed, match=r"wait 5 seconds"):
        sign_in(engine, "Kit Wong", PIN, now=now)
    with pytest.raises(SignInFailed, match="do not match"):
        sign_in(engine, "Kit Wong", "000001", now=now + timedelta(seconds=5))
    # Each further wrong PIN doubles the wait.
    with pytest.raises(SignInFailed, match=r"wait 10 seconds"):
        sign_in(engine, "Kit Wong", PIN, now=now + timedelta(seconds=5))
    assert sign_in(engine, "Kit Wong", PIN, now=now + timedelta(seconds=15)).name == "Kit Wong"
    with reading(engine) as session:
        assert session.exec(select(WrongSignIns)).all() == []  # the right PIN clears the count
    with reading(engine) as session:
        failed = session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.sign_in_failed")
        ).all()
    assert len(failed) == FREE_TRIES + 1  # refused early tries guess nothing: not counted


def test_an_unknown_name_is_told_apart_from_nothing(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    with pytest.raises(SignInFailed, match="do not match"):
        sign_in(engine, "Nobody Here", PIN, now=now)
    with pytest.raises(SignInFailed, match="Type your name"):
        sign_in(engine, "  \x00 ", PIN, now=now)


def test_a_disabled_user_cannot_sign_in_until_enabled(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    with unit_of_work(engine) as session:
        disable_user(session, "Kit Wong", actor=admin, now=now)
    with pytest.raises(SignInFailed, match="disabled"):
        sign_in(engine, "Kit Wong", PIN, now=now)
    with reading(engine) as session:
        assert recent_users(session) == ["Grace Admin"]
    with unit_of_work(engine) as session:
        enable_user(session, "Kit Wong", actor=admin, now=now)
    assert sign_in(engine, "Kit Wong", PIN, now=now).role is Role.VOLUNTEER


def test_the_last_admin_stays_and_cannot_disable_themselves(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    with pytest.raises(Conflict, match="yourself"), unit_of_work(engine) as session:
        disable_user(session, "Grace Admin", actor=admin, now=now)
    with pytest.raises(Conflict, match="last admin"), unit_of_work(engine) as session:
        set_role(session, "Grace Admin", Role.COORDINATOR, actor=admin, now=now)


def test_reset_pin_lets_a_locked_out_user_back_in(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    for attempt in range(FREE_TRIES + 2):
        with pytest.raises(SignInFailed):
            sign_in(engine, "Kit Wong", "000001", now=now + timedelta(seconds=attempt))
    with unit_of_work(engine) as session:
        reset_pin(session, "Kit Wong", "new pin 7391", actor=admin, now=now)
    assert sign_in(engine, "Kit Wong", "new pin 7391", now=now).name == "Kit Wong"


def test_only_an_admin_manages_users(engine: Engine, now: datetime, admin: Actor) -> None:
    volunteer = sign_in(engine, "Kit Wong", PIN, now=now)
    with pytest.raises(NotAllowed, match="may not manage users"), unit_of_work(engine) as session:
        add_user(session, "Eve", Role.ADMIN, "good pin 8841", actor=volunteer, now=now)
    with reading(engine) as session:
        assert session.exec(select(AppUser).where(AppUser.name == "Eve")).first() is None


def test_a_user_from_before_pins_is_told_no_as_a_stranger_is_until_given_one(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    with unit_of_work(engine) as session:
        session.add(AppUser(name="Old Volunteer", created_at=now, last_seen_at=now))
    with pytest.raises(SignInFailed, match="do not match"):
        sign_in(engine, "Old Volunteer", "anything", now=now)
    with reading(engine) as session:
        summaries = session.exec(select(AuditEvent.summary)).all()
    assert "Sign-in as Old Volunteer, who has no PIN yet (1 in a row)" in summaries
    with unit_of_work(engine) as session:
        reset_pin(session, "Old Volunteer", "fresh pin 2231", actor=admin, now=now)
    assert sign_in(engine, "Old Volunteer", "fresh pin 2231", now=now).role is Role.VOLUNTEER


def test_very_long_or_control_character_input_is_refused_plainly(
    engine: Engine, now: datetime, admin: Actor
) -> None:
    with pytest.raises(SignInFailed):
        sign_in(engine, "K" * 10_000, "9" * 100_000, now=now)
    with pytest.raises(InvalidInput), unit_of_work(engine) as session:
        add_user(session, "\x1b\x07\t", Role.VOLUNTEER, "good pin 8841", actor=admin, now=now)
    with unit_of_work(engine) as session:
        added = add_user(
            session, "Bo\x1b\nChan", Role.VOLUNTEER, "good pin 8841", actor=admin, now=now
        )
    assert added.name.isprintable()
