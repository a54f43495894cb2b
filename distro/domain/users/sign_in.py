"""Provides signing in with a name and a PIN.

The answer never tells whether a name belongs to anyone: an unknown name and a wrong PIN get
the same words, take the same time (one scrypt check each, against a decoy for an unknown
name) and are slowed alike (wrong_tries counts every typed name). The audit, which only
coordinators read, still says which it was; PINs and their hashes never go into it.

The slow PIN check runs before the write lock is taken; the write that follows is short, and
tried again if the database is still busy, so counters signing in at once wait for one
another's few milliseconds of writing, not for one another's hashes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, retried_when_busy, unit_of_work
from distro.domain.core.errors import InvalidInput, SignInFailed
from distro.domain.users.accounts import actor_of, clean_name, record_user_change
from distro.domain.users.models import AppUser, WrongSignIns
from distro.domain.users.pin_rules import MAX_PIN_LENGTH, guessable_because
from distro.domain.users.pins import decoy_hash, pin_matches
from distro.domain.users.wrong_tries import (
    count_wrong_try,
    forget_old_tries,
    forget_wrong_tries,
    name_key,
    seconds_to_wait,
)

NO_MATCH = "That name and PIN do not match. Check both and try again."
_NOBODY = Actor(name="(unknown name)", role=Role.VOLUNTEER)


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in attempt came to: the actor, or why not."""

    actor: Actor | None
    problem: str = ""
    advice: str = ""
    """After a sign-in that worked with a PIN today's rules refuse: ask for a new one."""

    def signed_in_actor(self) -> Actor:
        """The actor, or SignInFailed saying why not."""
        if self.actor is None:
            raise SignInFailed(self.problem)
        return self.actor


@dataclass(frozen=True)
class _Try:
    """A checked name and PIN, ready to be recorded."""

    typed: str
    key: str
    checked_hash: str
    """The stored hash the PIN was checked against ("" for an unknown name or no PIN)."""
    matched: bool
    pin: str


def sign_in(engine: Engine, name: str, pin: str, *, now: datetime) -> Actor:
    """The actor for this name and PIN, or SignInFailed."""
    return attempt_sign_in(engine, name, pin, now=now).signed_in_actor()


def attempt_sign_in(engine: Engine, name: str, pin: str, *, now: datetime) -> SignInOutcome:
    """Check a name and PIN, count a wrong try, and record the try either way.

    Unlike other services this one owns its transactions: a failed try must be saved (the
    count of wrong tries, its audit row) even though the caller is told no."""
    try:
        typed = clean_name(name)
    except InvalidInput:
        return SignInOutcome(None, "Type your name, then your PIN.")
    key = name_key(typed)
    with reading(engine) as session:
        wait = seconds_to_wait(session.get(WrongSignIns, key), now)
        user = _user_called(session, typed)
    if wait > 0:
        return _wait(wait)
    stored = user.pin_hash if user else ""
    pin = pin[: 2 * MAX_PIN_LENGTH]
    attempt = _Try(typed, key, stored, pin_matches(pin, stored or decoy_hash()), pin)
    return retried_when_busy(lambda: _record_try(engine, attempt, now))


def _record_try(engine: Engine, attempt: _Try, now: datetime) -> SignInOutcome:
    """The outcome, decided and saved under the write lock: tries by other counters that were
    saved meanwhile count first, so guessing in parallel gains no free tries."""
    with unit_of_work(engine) as session:
        tries = session.get(WrongSignIns, attempt.key)
        wait = seconds_to_wait(tries, now)
        if wait > 0:
            return _wait(wait)
        forget_old_tries(session, now)
        user = _user_called(session, attempt.typed)
        if user is None or not attempt.matched or user.pin_hash != attempt.checked_hash:
            in_a_row = count_wrong_try(session, tries, attempt.key, now)
            _record_wrong_try(session, user, in_a_row, now)
            return SignInOutcome(None, NO_MATCH)
        return _signed_in(session, user, attempt.pin, now)


def _user_called(session: Session, typed: str) -> AppUser | None:
    return session.exec(select(AppUser).where(AppUser.name == typed)).first()


def _wait(seconds: int) -> SignInOutcome:
    return SignInOutcome(None, f"Too many wrong tries; wait {seconds} seconds, then try again.")


def _record_wrong_try(session: Session, user: AppUser | None, in_a_row: int, now: datetime) -> None:
    if user is None:
        summary = f"Sign-in with an unknown name ({in_a_row} wrong in a row)"
        record_change(
            session,
            actor=_NOBODY,
            now=now,
            action="user.sign_in_failed",
            entity="user",
            entity_id=None,
            family_id=None,
            summary=summary,
        )
        return
    if user.pin_hash:
        summary = f"Wrong PIN for {user.name} ({in_a_row} in a row)"
    else:
        summary = f"Sign-in as {user.name}, who has no PIN yet ({in_a_row} in a row)"
    record_user_change(session, user, "user.sign_in_failed", summary, actor_of(user), now)


def _signed_in(session: Session, user: AppUser, pin: str, now: datetime) -> SignInOutcome:
    actor = actor_of(user)
    if user.disabled_at is not None:
        summary = f"Sign-in refused: {user.name} is disabled"
        record_user_change(session, user, "user.sign_in_failed", summary, actor, now)
        return SignInOutcome(None, f"{user.name} is disabled; ask an admin.")
    forget_wrong_tries(session, user.name)
    user.last_seen_at = now
    record_user_change(session, user, "user.sign_in", f"{user.name} signed in", actor, now)
    weakness = guessable_because(pin, user.name)
    advice = f"Your PIN is too easy to guess ({weakness}); ask an admin to set a new one."
    return SignInOutcome(actor, advice=advice if weakness else "")
