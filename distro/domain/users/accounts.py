"""Provides the people who work at the counters: adding them, their roles and PINs.

Every change to a user writes an audit row; PINs and their hashes never go into it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from sqlmodel import Session, col, select

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, Role, requires
from distro.domain.core.errors import Conflict, InvalidInput, NotFound
from distro.domain.core.inputs import clean_line, validated
from distro.domain.users.models import AppUser
from distro.domain.users.pin_rules import pin_problem
from distro.domain.users.pins import hash_pin
from distro.domain.users.wrong_tries import forget_wrong_tries


class UserName(BaseModel):
    """A user's name as typed: one line, trimmed, control characters removed."""

    name: Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=80)]


def clean_name(name: str) -> str:
    """The name as it is stored, or InvalidInput saying what is wrong with it."""
    return validated(UserName, {"name": name}).name


def check_pin(pin: str, *, name: str) -> None:
    """InvalidInput unless `pin` may be chosen as the PIN of the user called `name`."""
    problem = pin_problem(pin, name=name)
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


def add_first_admin(session: Session, name: str, pin: str, *, now: datetime) -> Actor:
    """Make the first admin of a new database, who signs in at once; refused once anyone can
    sign in (then an admin adds users)."""
    _refuse_if_staffed(session)
    admin = _new_user(session, clean_name(name), Role.ADMIN, pin, now=now)
    actor = actor_of(admin)
    record_user_change(session, admin, "user.add", f"First admin {admin.name} added", actor, now)
    return actor


def add_demo_users(session: Session, roles: list[Role], pin: str, *, now: datetime) -> Actor:
    """The demo's users, each named after its role, all with the PIN the demo's sign-in screen
    shows; returns the first. The one way round the PIN rules, so it shares the first admin's
    guard: a database anyone can sign in to already is refused, and a real counter's users
    never get a guessable PIN this way."""
    _refuse_if_staffed(session)
    stored = hash_pin(pin)
    users = [_stored_user(session, role.value, role, stored, now=now) for role in roles]
    first = actor_of(users[0])
    for user in users:
        record_user_change(session, user, "user.add", f"Demo user {user.name} added", first, now)
    return first


def _refuse_if_staffed(session: Session) -> None:
    if has_users(session):
        raise Conflict("This database already has users; an admin adds new ones.")


@requires(Permission.MANAGE_USERS)
def add_user(
    session: Session,
    name: str,
    role: Role,
    pin: str,
    *,
    actor: Actor,
    now: datetime,
) -> AppUser:
    """Add a user with a role and a PIN they chose."""
    user = _new_user(session, clean_name(name), role, pin, now=now)
    record_user_change(session, user, "user.add", f"Added {user.name} as {role.value}", actor, now)
    return user


def _new_user(session: Session, name: str, role: Role, pin: str, *, now: datetime) -> AppUser:
    check_pin(pin, name=name)
    return _stored_user(session, name, role, hash_pin(pin), now=now)


def _stored_user(
    session: Session, name: str, role: Role, pin_hash: str, *, now: datetime
) -> AppUser:
    existing = session.exec(select(AppUser).where(AppUser.name == name)).first()
    if existing is not None and existing.pin_hash:
        raise Conflict(f"There is already a user called {name}.")
    user = existing or AppUser(name=name, created_at=now, last_seen_at=now)
    user.role, user.pin_hash, user.disabled_at = role.value, pin_hash, None
    session.add(user)
    session.flush()
    return user


@requires(Permission.MANAGE_USERS)
def reset_pin(session: Session, name: str, pin: str, *, actor: Actor, now: datetime) -> AppUser:
    """Give a user a new PIN (forgotten, too easy, or a user from before PINs); clears any
    wait."""
    user = find_user(session, name)
    check_pin(pin, name=user.name)
    user.pin_hash = hash_pin(pin)
    forget_wrong_tries(session, user.name)
    record_user_change(session, user, "user.reset_pin", f"New PIN for {user.name}", actor, now)
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
    record_user_change(session, user, "user.role", summary, actor, now, before=before)
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
    record_user_change(session, user, "user.disable", summary, actor, now, before=before)
    return user


@requires(Permission.MANAGE_USERS)
def enable_user(session: Session, name: str, *, actor: Actor, now: datetime) -> AppUser:
    """Let a disabled user sign in again."""
    user = find_user(session, name)
    before = _user_fields(user)
    user.disabled_at = None
    forget_wrong_tries(session, user.name)
    summary = f"Enabled {user.name}"
    record_user_change(session, user, "user.enable", summary, actor, now, before=before)
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


def _user_fields(user: AppUser) -> dict[str, Any]:
    """What the audit keeps about a user: never the PIN hash."""
    return {"name": user.name, "role": user.role, "disabled": user.disabled_at is not None}


def record_user_change(
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
