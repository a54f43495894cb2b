"""Provides the command-line commands, one module per area; cli.py wires them together.

Each module has `add_commands(subparsers, common)`: it adds its parsers (with `common` as a
parent, for --db and --user) and sets `run` on each to a function `(args, context) -> int`
(the exit status).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from distro.domain.clock import Clock, utc_now
from distro.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class CommandContext:
    """What a command receives: settings, the engine (already migrated), who runs it, a clock."""

    settings: Settings
    engine_factory: Callable[[], Engine]
    actor: str
    open_app: Callable[[Engine | Callable[[], Engine]], int]
    clock: Clock = utc_now
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database engine, opened (and migrated) on first use."""
        if self._engine is None:
            self._engine = self.engine_factory()
        return self._engine


Handler = Callable[[Any, CommandContext], int]


def say(message: str) -> None:
    """Print a line for the person at the terminal."""
    print(message, flush=True)


def refuse(message: str) -> int:
    """Tell the person why nothing was done, on stderr, and return a failing exit status."""
    print(f"distro: {message}", file=sys.stderr, flush=True)
    return 1
