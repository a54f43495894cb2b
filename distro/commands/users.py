"""Provides `distro users add|list|disable|enable|reset-pin|role`.

A new database has nobody to sign in as, so its first admin is added without credentials;
from then on only a signed-in admin adds or changes users. A new PIN is typed twice at a
hidden prompt, or, in a script, given in an environment variable; it is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from distro.commands import CommandContext, ask, say

if TYPE_CHECKING:
    from distro.domain.core.access import Actor

ROLE_NAMES = ("volunteer", "coordinator", "admin")
NEW_PIN_VARIABLE = "DISTRO_NEW_PIN"
"""Where a script puts the PIN of the user it adds or resets (DISTRO_PIN is its own)."""


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the users commands."""
    users = subparsers.add_parser("users", parents=[common], help="who may use the counters")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a user (the first one: admin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLE_NAMES, required=True)
    add.set_defaults(run=add_command, creates_database=True)  # a new counter's first admin
    listing = actions.add_parser("list", parents=[common], help="every user, role, last seen")
    listing.set_defaults(run=list_command)
    for verb, handler, help_text in (
        ("disable", disable_command, "stop a user signing in"),
        ("enable", enable_command, "let a disabled user sign in again"),
        ("reset-pin", reset_pin_command, "give a user a new PIN"),
    ):
        action = actions.add_parser(verb, parents=[common], help=help_text)
        action.add_argument("name")
        action.set_defaults(run=handler)
    role = actions.add_parser("role", parents=[common], help="change what a user may do")
    role.add_argument("name")
    role.add_argument("role", choices=ROLE_NAMES)
    role.set_defaults(run=role_command)


def add_command(args: argparse.Namespace, context: CommandContext) -> int:
    """The first admin of a new database, or a user added by a signed-in admin."""
    from distro.domain.core.db import reading
    from distro.domain.users.accounts import has_users

    with reading(context.engine) as session:
        first = not has_users(session)
    return _add_first_admin(args, context) if first else _add_user(args, context)


def _add_first_admin(args: argparse.Namespace, context: CommandContext) -> int:
    from distro.domain.core.access import Role
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.errors import InvalidInput
    from distro.domain.users.accounts import add_first_admin

    if args.role != Role.ADMIN.value:
        raise InvalidInput({"role": "the first user must be an admin (--role admin)"})
    pin = new_pin(args.name, fallback=context.credentials.pin, variable="DISTRO_PIN")
    with unit_of_work(context.engine) as session:
        admin = add_first_admin(session, args.name, pin, now=context.clock())
    say(f"Added {admin.name} as the first admin; they can sign in now and add the others.")
    return 0


def _add_user(args: argparse.Namespace, context: CommandContext) -> int:
    from distro.domain.core.access import Role
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import add_user

    actor = _admin(context)
    pin = new_pin(args.name, fallback=os.environ.get(NEW_PIN_VARIABLE), variable=NEW_PIN_VARIABLE)
    with unit_of_work(context.engine) as session:
        user = add_user(session, args.name, Role(args.role), pin, actor=actor, now=context.clock())
    say(f"Added {user.name} as {user.role}.")
    return 0


def list_command(_args: argparse.Namespace, context: CommandContext) -> int:
    """One line per user; coordinators may look too, as they read the audit log that names
    the same people."""
    from distro.domain.core.access import Permission, require
    from distro.domain.core.db import reading
    from distro.domain.core.moments import moment_text
    from distro.domain.core.zone import ngo_zone
    from distro.domain.users.accounts import list_users

    require(context.actor(), Permission.VIEW_AUDIT)
    with reading(context.engine) as session:
        users = list_users(session)
        zone = ngo_zone(session)
    for user in users:
        state = "disabled" if user.disabled_at else ("enabled" if user.pin_hash else "no PIN")
        seen = moment_text(user.last_seen_at, zone)
        say(f"{user.name:<24.24}  {user.role:<11}  {state:<8}  last seen {seen}")
    return 0


def disable_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Stop a user signing in; their name stays in the audit log."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import disable_user

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        user = disable_user(session, args.name, actor=actor, now=context.clock())
    say(f"{user.name} can no longer sign in.")
    return 0


def enable_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Let a disabled user sign in again."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import enable_user

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        user = enable_user(session, args.name, actor=actor, now=context.clock())
    say(f"{user.name} can sign in again.")
    return 0


def reset_pin_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Give a user a new PIN, typed twice or from DISTRO_NEW_PIN."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import reset_pin

    actor = _admin(context)
    pin = new_pin(args.name, fallback=os.environ.get(NEW_PIN_VARIABLE), variable=NEW_PIN_VARIABLE)
    with unit_of_work(context.engine) as session:
        user = reset_pin(session, args.name, pin, actor=actor, now=context.clock())
    say(f"{user.name} has a new PIN.")
    return 0


def role_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Change a user's role."""
    from distro.domain.core.access import Role
    from distro.domain.core.db import unit_of_work
    from distro.domain.users.accounts import set_role

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        user = set_role(session, args.name, Role(args.role), actor=actor, now=context.clock())
    say(f"{user.name} is now {user.role}.")
    return 0


def _admin(context: CommandContext) -> Actor:
    """The signed-in actor, refused before anyone is asked for a new PIN unless an admin."""
    from distro.domain.core.access import Permission, require

    actor = context.actor()
    require(actor, Permission.MANAGE_USERS)
    return actor


def new_pin(name: str, *, fallback: str | None, variable: str) -> str:
    """The new user's PIN: typed twice at a hidden prompt, or `fallback` (the environment
    variable `variable`) when there is no terminal."""
    from distro.domain.core.errors import InvalidInput

    if not sys.stdin.isatty():
        if not fallback:
            raise InvalidInput({"pin": f"there is no terminal to ask at: set {variable}"})
        return fallback
    pin = ask(f"New PIN for {name.strip()}: ", secret=True)
    if ask("The same PIN again: ", secret=True) != pin:
        raise InvalidInput({"pin": "the two PINs differ; nothing was changed"})
    return pin
