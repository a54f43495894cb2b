"""Provides signing in with a name and a PIN.

Wrong PINs in a row slow further tries for that name (the wait doubles, up to five minutes),
so guessing a six-digit PIN at a counter left alone takes longer than anyone stays unseen.
Every sign-in, failed or not, writes an audit row; PINs and their hashes never go into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import InvalidInput, SignInFailed
from distro.domain.users.accounts import actor_of, clean_name, record_user_change
from distro.domain.users.models import AppUser
from distro.domain.users.pins import hash_pin, pin_matches

FREE_TRIES = 3
"""Wrong PINs in a row before each further try has to wait."""
FIRST_WAIT_SECONDS = 5
LONGEST_WAIT_SECONDS = 300
_NOBODY = Actor(name="(unknown name)", role=Role.VOLUNTEER)
_DECOY_HASH = hash_pin("decoy PIN that nobody has")
"""Checked against when the name is unknown, so a wrong name takes as long as a wrong PIN."""


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in attempt came to: the actor, or why not."""

    actor: Actor | None
    problem: str = ""


def sign_in(engine: Engine, name: str, pin: str, *, now: datetime) -> Actor:
    """The actor for this name and PIN, or SignInFailed.

    Unlike other services this one owns its transaction: a failed try must be saved (the
    count of wrong PINs, its audit row) even though the caller is told no."""
    with unit_of_work(engine) as session:
        outcome = attempt_sign_in(session, name, pin, now=now)
    if outcome.actor is None:
        raise SignInFailed(outcome.problem)
    return outcome.actor


def attempt_sign_in(session: Session, name: str, pin: str, *, now: datetime) -> SignInOutcome:
    """Check a name and PIN, count a wrong PIN, and record the try either way."""
    try:
        typed = clean_name(name)
    except InvalidInput:
        return SignInOutcome(None, "Type your name, then your PIN.")
    user = session.exec(select(AppUser).where(AppUser.name == typed)).first()
    if user is None or not user.pin_hash:
        pin_matches(pin[:256], _DECOY_HASH)
        summary = "Sign-in with a name that has no PIN" if user else "Sign-in with an unknown name"
        actor = actor_of(user) if user else _NOBODY
        record_change(
            session,
            actor=actor,
            now=now,
            action="user.sign_in_failed",
            entity="user",
            entity_id=user.id if user else None,
            family_id=None,
            summary=summary,
        )
        if user:
            return SignInOutcome(None, f"{user.name} has no PIN yet; ask an admin to set one.")
        return SignInOutcome(None, "That name and PIN do not match. Check both and try again.")
    return _check_user_pin(session, user, pin, now)


def _check_user_pin(session: Session, user: AppUser, pin: str, now: datetime) -> SignInOutcome:
    wait = seconds_to_wait(user, now)
    if wait > 0:
        return SignInOutcome(
            None, f"Too many wrong PINs for {user.name}. Try again in {wait} seconds."
        )
    actor = actor_of(user)
    if not pin_matches(pin[:256], user.pin_hash):
        user.failed_attempts += 1
        user.last_failed_at = now
        summary = f"Wrong PIN for {user.name} ({user.failed_attempts} in a row)"
        record_user_change(session, user, "user.sign_in_failed", summary, actor, now)
        return SignInOutcome(None, "That name and PIN do not match. Check both and try again.")
    if user.disabled_at is not None:
        summary = f"Sign-in refused: {user.name} is disabled"
        record_user_change(session, user, "user.sign_in_failed", summary, actor, now)
        return SignInOutcome(None, f"{user.name} is disabled; ask an admin.")
    user.failed_attempts, user.last_failed_at, user.last_seen_at = 0, None, now
    record_user_change(session, user, "user.sign_in", f"{user.name} signed in", actor, now)
    return SignInOutcome(actor)


def seconds_to_wait(user: AppUser, now: datetime) -> int:
    """How long this user's next try must wait after wrong PINs (0: try now)."""
    extra = user.failed_attempts - FREE_TRIES
    if extra < 0 or user.last_failed_at is None:
        return 0
    wait = min(FIRST_WAIT_SECONDS * 2**extra, LONGEST_WAIT_SECONDS)
    last = user.last_failed_at
    if last.tzinfo is None and now.tzinfo is not None:
        last = last.replace(tzinfo=now.tzinfo)
    remaining = (last + timedelta(seconds=wait) - now).total_seconds()
    return max(0, math.ceil(remaining))
