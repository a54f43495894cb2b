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
    note_head_on_close: bool = True
    """Whether closing notes the audit chain's head (`db check` has done it already)."""
    _engine: Engine | None = field(default=None, repr=False)
    _actor: Actor | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database engine, opened (and migrated) on first use."""
        if self._engine is None:
            self._engine = self.engine_factory()
        return self._engine

    def adopt(self, engine: Engine) -> None:
        """Take the engine the app opened itself, so that closing closes it too."""
        self._engine = engine

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

    def close(self) -> None:
        """Note the audit chain's head outside the database (see domain/audit/anchor.py) if it
        moved, then let the database go. Not noting it only warns: the work is saved."""
        from sqlalchemy.exc import SQLAlchemyError

        from distro.domain.core.errors import NotWritten

        if self._engine is None:
            return
        try:
            self._note_head(self._engine)
        except (NotWritten, OSError, SQLAlchemyError) as failure:  # a full disk, a locked file
            reason = getattr(failure, "orig", None) or getattr(failure, "strerror", None)
            warn(f"the audit log's head was not noted outside the database: {reason or failure}")
        finally:
            self._engine.dispose()

    def _note_head(self, engine: Engine) -> None:
        from distro.domain.audit.anchor import advance_anchor
        from distro.settings import database_place

        folder = self.settings.anchors_dir
        if folder is None or not self.note_head_on_close:
            return
        place = database_place(self.settings.database_url)
        found = advance_anchor(engine, folder, place, self.clock())
        for problem in found.problems:
            warn(f"{problem}; run `distro db check`.")
        if found.replaced:
            warn(found.replaced)


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


def tell(message: str) -> None:
    """Tell the person something that happened on the way, on stderr, as one plain line."""
    print(f"distro: {message}", file=sys.stderr, flush=True)


def refuse(message: str) -> int:
    """Tell the person why nothing was done, on stderr, and return a failing exit status."""
    print(f"distro: {message}", file=sys.stderr, flush=True)
    return 1
