"""Many counters signing in at once on one SQLite file: every sign-in is answered for its own
reason (the PIN matched or it did not), never with "database is locked", even at the shipped
scrypt cost, whose slow hash must not hold the write lock while the others queue."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.synchronize import Barrier
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from distro.domain.core.access import Role
from distro.domain.core.db import make_engine, reading, unit_of_work
from distro.domain.core.errors import SignInFailed
from distro.domain.users.accounts import add_first_admin, add_user
from distro.domain.users.models import AppUser
from tests.builders.processes import START_TIMEOUT, released_together

pytestmark = pytest.mark.slow  # see pyproject.toml: `dev.py check --fast` leaves it out

if TYPE_CHECKING:
    from multiprocessing import Queue

SIGN_INS = 60
USERS = ("Ana Lee", "Bo Chan", "Cy Ng", "Di Ho")
PIN = "tide-marble-52"
WRONG_PIN = "tide-marble-53"
WRONG_TRIES_PER_USER = 2
"""Below the free tries, so every wrong PIN is answered "do not match", whatever the order."""


def signing_in(
    url: str, name: str, pin: str, now: datetime, start: Barrier, answers: Queue[str]
) -> None:
    """One counter in its own process: connect, wait at the start line, sign in once."""
    engine = make_engine(url)
    try:
        with reading(engine) as session:  # connect before the start, so the race is the sign-in
            session.get(AppUser, 1)
        start.wait(START_TIMEOUT)
        answers.put(f"signed in as {sign_in_name(engine, name, pin, now)}")
    except SignInFailed as refused:
        answers.put(f"refused: {refused}")
    except Exception as failure:  # reported to the test, not lost in a child's stderr
        answers.put(f"failed: {type(failure).__name__}: {failure}")
    finally:
        engine.dispose()


def sign_in_name(engine: Engine, name: str, pin: str, now: datetime) -> str:
    from distro.domain.users.sign_in import sign_in

    return sign_in(engine, name, pin, now=now).name


def test_sixty_sign_ins_at_once_are_all_answered_for_their_own_reason(
    engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the shipped scrypt cost: it is the slow hash that made writers queue
    with unit_of_work(engine) as session:
        admin = add_first_admin(session, "Grace Admin", "admin-harbour-88", now=now)
        for name in USERS:
            add_user(session, name, Role.VOLUNTEER, PIN, actor=admin, now=now)
    tries = [
        (name, WRONG_PIN if index < WRONG_TRIES_PER_USER else PIN)
        for index in range(SIGN_INS // len(USERS))
        for name in USERS
    ]
    url = f"sqlite:///{engine.url.database}"
    answers = released_together(signing_in, [(url, name, pin, now) for name, pin in tries])
    assert [answer for answer in answers if answer.startswith("failed")] == []
    refusals = [answer for answer in answers if answer.startswith("refused")]
    assert len(refusals) == WRONG_TRIES_PER_USER * len(USERS)
    assert all("do not match" in refusal for refusal in refusals)
    assert sorted(a for a in answers if a.startswith("signed in")) == sorted(
        f"signed in as {name}" for name, pin in tries if pin == PIN
    )
