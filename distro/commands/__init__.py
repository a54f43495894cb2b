"""Provides the command-line commands, one module per area; cli.py wires them together.

Each module has `add_commands(subparsers, common)`: it adds its parsers (with `common` as a
parent, for --db and --user) and sets `run` on each to a function `(args, context) -> int`
(the exit status).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from distro.domain.core.clock import Clock, utc_now
from distro.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from distro.domain.core.access import Actor


@dataclass(frozen=True)
class Credentials:
    """Who runs the command, as given by --user/DISTRO_USER and DISTRO_PIN (None: ask)."""

    name: str | None = None
    pin: str | None = None


@dataclass
class CommandContext:
    """What a command receives: settings, the engine (opened on first use), the credentials
    to sign in with when the command needs someone signed in, and a clock."""

    settings: Settings
    engine_factory: Callable[[], Engine]
    credentials: Credentials
    open_app: Callable[[Engine | Callable[[], Engine]], int]
    clock: Clock = utc_now
    _engine: Engine | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database engine, opened (and migrated) on first use."""
        if self._engine is None:
            self._engine = self.engine_factory()
        return self._engine

    def actor(self) -> Actor:
        """The signed-in user, signing in on first use with the credentials or by asking at
        the terminal (SignInFailed / NotAllowed if that cannot be done)."""
        if self._actor is None:
            from distro.domain.users.sign_in import attempt_sign_in

            name = self.credentials.name or ask("Your name: ", secret=False)
            pin = self.credentials.pin or ask(f"PIN for {name}: ", secret=True)
            outcome = attempt_sign_in(self.engine, name, pin, now=self.clock())
            self._actor = outcome.signed_in_actor()
            if outcome.advice and not self.settings.demo:  # the demo's PIN is shown to all
                warn(outcome.advice)
        return self._actor


Handler = Callable[[Any, CommandContext], int]


def ask(prompt: str, *, secret: bool) -> str:
    """A line typed at the terminal (hidden if secret); NotAllowed when there is no terminal,
    so a script is told what to set instead of hanging."""
    from distro.domain.core.errors import NotAllowed

    if not sys.stdin.isatty():
        raise NotAllowed(
            "this command needs someone signed in: set DISTRO_USER and DISTRO_PIN "
            "(or --user), or run it at a terminal."
        )
    return getpass.getpass(prompt) if secret else input(prompt)


def say(message: str) -> None:
    """Print a line for the person at the terminal."""
    print(message, flush=True)


def warn(message: str) -> None:
    """Tell the person something they must know, on stderr, without failing."""
    print(f"distro: warning: {message}", file=sys.stderr, flush=True)


def refuse(message: str) -> int:
    """Tell the person why nothing was done, on stderr, and return a failing exit status."""
    print(f"distro: {message}", file=sys.stderr, flush=True)
    return 1
