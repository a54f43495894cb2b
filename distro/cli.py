"""Provides the `distro` command: every scriptable command, and opening the app.

This is the only place that reads the environment; `distro.launch` makes the database engine
and the app from the settings read here, and everything below receives them. Errors a rule
raises are printed as one plain line, never a traceback; so is an error nobody foresaw, named
by its type only (its message may hold a name), unless DISTRO_DEBUG=1 asks for the details.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from distro import __version__
from distro.commands import CommandContext, Credentials, refuse, tell
from distro.launch import app_opening_database, build_app, open_engine
from distro.settings import data_dir, load_settings

if TYPE_CHECKING:
    from distro.tui.app import DistroApp

PRIVATE_UMASK = 0o077
"""No permission for the group or others on anything this process creates."""


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser with every command's subparser; without them when only the app is
    opened, because building them costs more than a tenth of the app's start."""
    parser = _Parser(
        prog="distro",
        description="Distribution counter for families seeking protection. "
        "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"distro {__version__}")
    parser.add_argument(
        "--db", metavar="URL", help="database URL or SQLite file path (default: $DISTRO_DB)"
    )
    parser.add_argument(
        "--user", metavar="NAME", help="who signs in (default: $DISTRO_USER; PIN: $DISTRO_PIN)"
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    from distro.commands import bench, demo, stock, transfer, users
    from distro.commands.admin import audit_log, database
    from distro.commands.admin import settings as app_settings
    from distro.commands.distribution import handouts, rounds, rules, slips
    from distro.commands.families import registry as families

    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = (
        database,
        families,
        handouts,
        rounds,
        rules,
        slips,
        stock,
        transfer,
        users,
        app_settings,
        audit_log,
        demo,
        bench,
    )
    for module in commands:
        module.add_commands(subparsers, common_options())
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse's parser (each command's parser is one too), with Python 3.11's `--note=--`
    refused: that argparse drops the `--` and hands the command an empty list, unchecked by
    the option's type, instead of a value."""

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        values = super()._get_values(action, arg_strings)
        if action.option_strings and action.nargs is None and values == []:
            self.error(f"argument {'/'.join(action.option_strings)}: expected one argument")
        return values


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether `argv` holds more than the global options, so the commands' parsers are needed
    (for a command, or for --help listing them)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--user"):
            next(words, None)  # the option's value
        elif not word.startswith("-") or word in ("-h", "--help"):
            return True
    return False


def common_options() -> argparse.ArgumentParser:
    """--db and --user, also accepted after the command (`distro demo --db PATH`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help="database URL or SQLite file"
    )
    common.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help="who signs in")
    return common


def run_app(app: DistroApp) -> int:
    """Run the terminal app until it ends; its exit status."""
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `distro` console script."""
    # Whatever distro or SQLite creates is its user's alone: journals, temporary files, and
    # whatever a library writes that the private_files module never sees.
    os.umask(PRIVATE_UMASK)
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(with_commands=names_a_command(words)).parse_args(words)
    demo_mode = getattr(args, "demo_mode", False)
    if demo_mode:
        # The demo never touches the real database, whatever DISTRO_DB says.
        settings = load_settings({}, args.db or str(data_dir() / "demo.sqlite3"), demo=True)
    else:
        settings = load_settings(os.environ, args.db)
    credentials = Credentials(
        name=getattr(args, "user", None) or os.environ.get("DISTRO_USER") or None,
        pin=os.environ.get("DISTRO_PIN") or None,
    )
    # Only the app and the commands that set a counter up may make a new database.
    creates = args.command is None or getattr(args, "creates_database", False)
    context = CommandContext(
        settings=settings,
        engine_factory=lambda: open_engine(settings, create=creates, notice=tell),
        credentials=credentials,
        open_app=lambda engine: run_app(build_app(settings, engine)),
    )
    from distro.domain.core.errors import DomainError

    try:
        if args.command is None:
            status = run_app(app_opening_database(settings, keep=context.adopt))
        else:
            status = args.run(args, context)
    except DomainError as error:
        status = refuse(str(error))
    except BrokenPipeError:
        # `distro stock levels | head` closed the pipe: what was asked for has been read.
        # Point stdout at nothing so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 0
    except Exception as error:
        if os.environ.get("DISTRO_DEBUG") == "1":
            raise
        status = refuse(_unforeseen(error))
    except KeyboardInterrupt:
        status = refuse("interrupted; nothing half-done was saved.")
    context.close()
    sys.exit(status)


def _unforeseen(error: Exception) -> str:
    """The database driver's own words for a failure; for anything else only the error's type,
    never its message, which may quote a name or a note. A unit of work that fails rolls back,
    so nothing half-done is saved.

    SQLAlchemy is imported only here, so that starting the app does not pay for it."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        first_line = str(error.orig).splitlines()[0] if str(error.orig) else type(error).__name__
        return f"the database could not be used: {first_line}"
    return (
        f"something went wrong that distro did not expect ({type(error).__name__}); nothing "
        "half-done was saved. Run with DISTRO_DEBUG=1 to see the details."
    )
