"""Provides the people who work at the counters: adding them, their PINs, and signing in.

Wrong PINs in a row slow further tries for that name (the wait doubles, up to five minutes),
so guessing a six-digit PIN at a counter left alone takes longer than anyone stays unseen.
Every sign-in, failed or not, and every change to a user writes an audit row; PINs and their
hashes never go into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, Role, requires
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import Conflict, InvalidInput, NotFound, SignInFailed
from distro.domain.core.inputs import clean_line, validated
from distro.domain.users.models import AppUser
from distro.domain.users.pins import hash_pin, pin_matches, pin_problem

FREE_TRIES = 3
"""Wrong PINs in a row before each further try has to wait."""
FIRST_WAIT_SECONDS = 5
LONGEST_WAIT_SECONDS = 300
_NOBODY = Actor(name="(unknown name)", role=Role.VOLUNTEER)
_DECOY_HASH = hash_pin("decoy PIN that nobody has")
"""Checked against when the name is unknown, so a wrong name takes as long as a wrong PIN."""


class UserName(BaseModel):
    """A user's name as typed: one line, trimmed, control characters removed."""

    name: Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=80)]


def clean_name(name: str) -> str:
    """The name as it is stored, or InvalidInput saying what is wrong with it."""
    return validated(UserName, {"name": name}).name


def check_pin(pin: str, *, demo: bool = False) -> None:
    """InvalidInput unless `pin` may be chosen as a PIN."""
    problem = pin_problem(pin, demo=demo)
    if problem:
        raise InvalidInput({"pin": problem})


def actor_of(user: AppUser) -> Actor:
    """The actor a signed-in user acts as."""
    return Actor(name=user.name, role=Role(user.role), user_id=user.id)


def can_sign_in(user: AppUser) -> bool:
    """Enabled and with a PIN."""
    return user.disabled_at is None and bool(user.pin_hash)


def has_users(session: Session) -> bool:
    """Whether anyone can sign in; until someone can, the first admin may be made freely."""
    query = select(AppUser.id).where(col(AppUser.disabled_at).is_(None), AppUser.pin_hash != "")
    return session.exec(query.limit(1)).first() is not None


def add_first_admin(
    session: Session, name: str, pin: str, *, now: datetime, demo: bool = False
) -> Actor:
    """Make the first admin of a new database, who signs in at once; refused once anyone can
    sign in (then an admin adds users)."""
    if has_users(session):
        raise Conflict("This database already has users; an admin adds new ones.")
    admin = _new_user(session, clean_name(name), Role.ADMIN, pin, now=now, demo=demo)
    actor = actor_of(admin)
    _record_user_change(session, admin, "user.add", f"First admin {admin.name} added", actor, now)
    return actor


@requires(Permission.MANAGE_USERS)
def add_user(
    session: Session,
    name: str,
    role: Role,
    pin: str,
    *,
    actor: Actor,
    now: datetime,
    demo: bool = False,
) -> AppUser:
    """Add a user with a role and a PIN they chose."""
    user = _new_user(session, clean_name(name), role, pin, now=now, demo=demo)
    _record_user_change(session, user, "user.add", f"Added {user.name} as {role.value}", actor, now)
    return user


def _new_user(
    session: Session, name: str, role: Role, pin: str, *, now: datetime, demo: bool
) -> AppUser:
    check_pin(pin, demo=demo)
    existing = session.exec(select(AppUser).where(AppUser.name == name)).first()
    if existing is not None and existing.pin_hash:
        raise Conflict(f"There is already a user called {name}.")
    user = existing or AppUser(name=name, created_at=now, last_seen_at=now)
    user.role, user.pin_hash, user.disabled_at = role.value, hash_pin(pin), None
    session.add(user)
    session.flush()
    return user


@requires(Permission.MANAGE_USERS)
def reset_pin(
    session: Session, name: str, pin: str, *, actor: Actor, now: datetime, demo: bool = False
) -> AppUser:
    """Give a user a new PIN (forgotten, or a user from before PINs); clears any wait."""
    user = find_user(session, name)
    check_pin(pin, demo=demo)
    user.pin_hash, user.failed_attempts, user.last_failed_at = hash_pin(pin), 0, None
    _record_user_change(session, user, "user.reset_pin", f"New PIN for {user.name}", actor, now)
    return user


@requires(Permission.MANAGE_USERS)
def set_role(session: Session, name: str, role: Role, *, actor: Actor, now: datetime) -> AppUser:
    """Change what a user is trusted with; the last admin stays an admin."""
    user = find_user(session, name)
    before = _user_fields(user)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _refuse_losing_last_admin(session, user)
    user.role = role.value
    summary = f"{user.name} is now {role.value}"
    _record_user_change(session, user, "user.role", summary, actor, now, before=before)
    return user


@requires(Permission.MANAGE_USERS)
def disable_user(session: Session, name: str, *, actor: Actor, now: datetime) -> AppUser:
    """Stop a user signing in; their name stays in the audit log."""
    user = find_user(session, name)
    if user.id == actor.user_id:
        raise Conflict("You cannot disable yourself; ask another admin.")
    if user.role == Role.ADMIN:
        _refuse_losing_last_admin(session, user)
    before = _user_fields(user)
    user.disabled_at = now
    summary = f"Disabled {user.name}"
    _record_user_change(session, user, "user.disable", summary, actor, now, before=before)
    return user


@requires(Permission.MANAGE_USERS)
def enable_user(session: Session, name: str, *, actor: Actor, now: datetime) -> AppUser:
    """Let a disabled user sign in again."""
    user = find_user(session, name)
    before = _user_fields(user)
    user.disabled_at, user.failed_attempts, user.last_failed_at = None, 0, None
    summary = f"Enabled {user.name}"
    _record_user_change(session, user, "user.enable", summary, actor, now, before=before)
    return user


def _refuse_losing_last_admin(session: Session, user: AppUser) -> None:
    admins = session.exec(
        select(AppUser.id).where(
            AppUser.role == Role.ADMIN.value,
            col(AppUser.disabled_at).is_(None),
            AppUser.id != user.id,
        )
    ).first()
    if admins is None:
        raise Conflict(f"{user.name} is the last admin; make someone else admin first.")


def find_user(session: Session, name: str) -> AppUser:
    """The user with this name, or NotFound."""
    user = session.exec(select(AppUser).where(AppUser.name == clean_name(name))).first()
    if user is None:
        raise NotFound(f"No user is called {name.strip()[:80]}.")
    return user


def list_users(session: Session) -> list[AppUser]:
    """Every user, by name, disabled ones included."""
    return list(session.exec(select(AppUser).order_by(col(AppUser.name))).all())


def recent_users(session: Session, limit: int = 8) -> list[str]:
    """Names of users who can sign in, most recently seen first, for the sign-in pick list."""
    query = (
        select(AppUser.name)
        .where(col(AppUser.disabled_at).is_(None), AppUser.pin_hash != "")
        .order_by(col(AppUser.last_seen_at).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


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
        _record_user_change(session, user, "user.sign_in_failed", summary, actor, now)
        return SignInOutcome(None, "That name and PIN do not match. Check both and try again.")
    if user.disabled_at is not None:
        summary = f"Sign-in refused: {user.name} is disabled"
        _record_user_change(session, user, "user.sign_in_failed", summary, actor, now)
        return SignInOutcome(None, f"{user.name} is disabled; ask an admin.")
    user.failed_attempts, user.last_failed_at, user.last_seen_at = 0, None, now
    _record_user_change(session, user, "user.sign_in", f"{user.name} signed in", actor, now)
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


def _user_fields(user: AppUser) -> dict[str, Any]:
    """What the audit keeps about a user: never the PIN hash."""
    return {"name": user.name, "role": user.role, "disabled": user.disabled_at is not None}


def _record_user_change(
    session: Session,
    user: AppUser,
    action: str,
    summary: str,
    actor: Actor,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
) -> None:
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action=action,
        entity="user",
        entity_id=user.id,
        family_id=None,
        summary=summary,
        before=before,
        after=_user_fields(user),
    )
