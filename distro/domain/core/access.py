"""Provides roles, what each may do, and the guard every service that changes data wears.

The guard lives in the domain, not in the screens: a volunteer calling a coordinator's action
from the CLI or a script is refused the same way as from the app. An `Actor` is made by
signing in (`users.sign_in`); only the demo and the benchmark make one directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ParamSpec, TypeVar

from distro.domain.core.errors import NotAllowed


class Role(StrEnum):
    """What a user is trusted with; each role may do everything the one before may."""

    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Permission(StrEnum):
    """One kind of action a role may be trusted with; the value reads as a sentence's verb."""

    REGISTER_FAMILIES = "register families"
    EDIT_FAMILIES = "edit families"
    REVEAL_PERSONAL_DATA = "reveal a family's personal data"
    CHANGE_FAMILY_STATUS = "change a family's status"
    MERGE_FAMILIES = "merge families"
    IMPORT_FAMILIES = "import families"
    EXPORT_PERSONAL_DATA = "export personal data"
    VIEW_AUDIT = "view the audit log"
    REVIEW_RETENTION = "anonymise or erase families"
    MANAGE_USERS = "manage users"
    MANAGE_SETTINGS = "change settings"
    MAKE_BACKUPS = "make backups"
    REPAIR_DATABASE = "repair the database"
    MANAGE_CATALOGUE = "change the item catalogue"
    RECEIVE_STOCK = "receive stock"
    ISSUE_STOCK = "issue stock"
    ADJUST_STOCK = "adjust or count stock"
    HAND_OUT = "hand out and collect at the counter"
    OVERRIDE_HANDOUT = "let a family collect when a rule says no"
    MANAGE_ROUNDS = "set up rounds and basket rules"
    VOID_SLIPS = "void handout slips"


_VOLUNTEER = frozenset(
    {
        Permission.REGISTER_FAMILIES,
        Permission.EDIT_FAMILIES,
        Permission.REVEAL_PERSONAL_DATA,
        Permission.HAND_OUT,
    }
)
_COORDINATOR = _VOLUNTEER | {
    Permission.CHANGE_FAMILY_STATUS,
    Permission.MERGE_FAMILIES,
    Permission.IMPORT_FAMILIES,
    Permission.EXPORT_PERSONAL_DATA,
    Permission.VIEW_AUDIT,
    Permission.REVIEW_RETENTION,
    Permission.MANAGE_CATALOGUE,
    Permission.RECEIVE_STOCK,
    Permission.ISSUE_STOCK,
    Permission.ADJUST_STOCK,
    Permission.OVERRIDE_HANDOUT,
    Permission.MANAGE_ROUNDS,
    Permission.VOID_SLIPS,
}
_ADMIN = _COORDINATOR | {
    Permission.MANAGE_USERS,
    Permission.MANAGE_SETTINGS,
    Permission.MAKE_BACKUPS,
    Permission.REPAIR_DATABASE,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VOLUNTEER: _VOLUNTEER,
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.ADMIN: frozenset(_ADMIN),
}


@dataclass(frozen=True)
class Actor:
    """Who is making a change: their name goes into every audit row, their role is checked."""

    name: str
    role: Role
    user_id: int | None = None

    def may(self, permission: Permission) -> bool:
        """Whether this actor's role grants `permission`."""
        return permission in ROLE_PERMISSIONS[self.role]


def require(actor: Actor, permission: Permission) -> None:
    """Raise NotAllowed, in words the volunteer can act on, unless the actor may do this."""
    if actor.may(permission):
        return
    needed = min_role(permission)
    raise NotAllowed(
        f"{actor.name} is signed in as {actor.role.value} and may not {permission.value}; "
        f"ask a{'n' if needed is Role.ADMIN else ''} {needed.value} to do it."
    )


def min_role(permission: Permission) -> Role:
    """The least trusted role that has `permission`."""
    return next(role for role in Role if permission in ROLE_PERMISSIONS[role])


P = ParamSpec("P")
R = TypeVar("R")
GUARDED: dict[str, Permission] = {}
"""Every guarded service (module.name) and what it needs; the role test walks this."""


def requires(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Guard a service: it runs only for an `actor=` (keyword) whose role has `permission`."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor")
            if not isinstance(actor, Actor):
                raise TypeError(f"{service.__name__} needs actor= (an Actor) by keyword")
            require(actor, permission)
            return service(*args, **kwargs)

        GUARDED[f"{service.__module__}.{service.__name__}"] = permission
        return guarded

    return decorate
