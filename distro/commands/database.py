"""Provides `distro info` and `distro db upgrade|check|backup|reindex`."""

from __future__ import annotations

import argparse
import platform
import sqlite3
from pathlib import Path
from typing import Any

from distro import __version__
from distro.commands import CommandContext, say
from distro.settings import describe_url


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the info and db commands."""
    info = subparsers.add_parser("info", parents=[common], help="database, slips folder, versions")
    info.set_defaults(run=show_info)
    db = subparsers.add_parser("db", parents=[common], help="look after the database")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("upgrade", parents=[common], help="apply migrations").set_defaults(
        run=upgrade
    )
    actions.add_parser(
        "check",
        parents=[common],
        help="integrity and invariants; non-zero exit if anything is wrong",
    ).set_defaults(run=check)
    backup = actions.add_parser(
        "backup", parents=[common], help="consistent copy, safe while the app is open"
    )
    backup.add_argument("file", type=Path)
    backup.set_defaults(run=make_backup)
    actions.add_parser(
        "reindex", parents=[common], help="rebuild every family's search keys"
    ).set_defaults(run=reindex)


def show_info(_args: argparse.Namespace, context: CommandContext) -> int:
    """Print the database in use, the slips folder and the versions."""
    import sqlalchemy
    import textual

    from distro.domain.db import schema_revision

    say(f"distro      {__version__}")
    say(f"database    {describe_url(context.settings.database_url)}")
    say(f"schema      {schema_revision(context.engine)}")
    say(f"slips       {context.settings.slips_dir}")
    say(f"python      {platform.python_version()}")
    say(f"textual     {textual.__version__}")
    say(f"sqlalchemy  {sqlalchemy.__version__}")
    say(f"sqlite      {sqlite3.sqlite_version}")
    return 0


def upgrade(_args: argparse.Namespace, context: CommandContext) -> int:
    """Migrations run when the engine opens; say where the schema now stands."""
    from distro.domain.db import schema_revision

    say(f"Database is at schema {schema_revision(context.engine)}.")
    return 0


def check(_args: argparse.Namespace, context: CommandContext) -> int:
    """Print every problem found; exit 1 if there is any."""
    from distro.domain.checks import check_database

    problems = check_database(context.engine)
    if not problems:
        say("Database is sound: integrity check passed and every invariant holds.")
        return 0
    say(f"{len(problems)} problem(s) found:")
    for problem in problems:
        say(f"  - {problem}")
    return 1


def make_backup(args: argparse.Namespace, context: CommandContext) -> int:
    """Copy the database to FILE with SQLite's online backup."""
    from distro.domain.checks import backup_database

    target = backup_database(context.engine, args.file)
    say(f"Backup written to {target}.")
    return 0


def reindex(_args: argparse.Namespace, context: CommandContext) -> int:
    """Rebuild search keys in one transaction."""
    from distro.domain.db import unit_of_work
    from distro.domain.search import reindex_all

    with unit_of_work(context.engine) as session:
        count = reindex_all(session)
    say(f"Rebuilt search keys of {count} families.")
    return 0
