"""Provides `distro info` and `distro db upgrade|check|backup|decrypt-backup|reindex`."""

from __future__ import annotations

import argparse
import getpass
import os
import platform
import sqlite3
import sys
from typing import Any

from distro import __version__
from distro.commands import CommandContext, refuse, say, warn
from distro.commands.arguments import file_name
from distro.settings import Settings, database_place, describe_url

PASSPHRASE_VARIABLE = "DISTRO_BACKUP_PASSPHRASE"
"""Where a script (a scheduled backup) gives the passphrase; a person types it instead."""
_PLAIN_WARNING = (
    "{0} holds the whole registry unencrypted: keep it on an encrypted disk, never send it "
    "anywhere, and delete it when done."
)


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the info and db commands."""
    info = subparsers.add_parser("info", parents=[common], help="database, slips folder, versions")
    info.set_defaults(run=show_info)
    db = subparsers.add_parser("db", parents=[common], help="look after the database")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser(
        "upgrade", parents=[common], help="apply migrations (creates a new database)"
    ).set_defaults(run=upgrade, creates_database=True)
    actions.add_parser(
        "check",
        parents=[common],
        help="integrity and invariants; non-zero exit if anything is wrong",
    ).set_defaults(run=check)
    backup = actions.add_parser(
        "backup", parents=[common], help="consistent copy, safe while the app is open"
    )
    backup.add_argument("file", type=file_name)
    backup.add_argument(
        "--encrypt",
        action="store_true",
        help=f"seal it with a passphrase (asked twice, or ${PASSPHRASE_VARIABLE})",
    )
    backup.set_defaults(run=make_backup)
    decrypt = actions.add_parser(
        "decrypt-backup",
        parents=[common],
        help="turn an encrypted backup back into a database file (needs no sign-in)",
    )
    decrypt.add_argument("encrypted", type=file_name, metavar="ENCRYPTED")
    decrypt.add_argument("plain", type=file_name, metavar="PLAIN")
    decrypt.set_defaults(run=decrypt_backup)
    actions.add_parser(
        "reindex", parents=[common], help="rebuild every family's search keys"
    ).set_defaults(run=reindex)


def show_info(_args: argparse.Namespace, context: CommandContext) -> int:
    """Print the database in use, the slips folder, this counter and its printer, the versions."""
    import sqlalchemy
    import textual

    say(f"distro      {__version__}")
    say(f"database    {describe_url(context.settings.database_url)}")
    say(f"schema      {_schema(context)}")
    say(f"slips       {context.settings.slips_dir}")
    say(f"counter     {context.settings.counter}")
    say(f"printer     {_printer(context.settings)}")
    say(f"slip layout {context.settings.slip_layout}")
    say(f"python      {platform.python_version()}")
    say(f"textual     {textual.__version__}")
    say(f"sqlalchemy  {sqlalchemy.__version__}")
    say(f"sqlite      {sqlite3.sqlite_version}")
    return 0


def _schema(context: CommandContext) -> str:
    """The schema the database is at, or why it could not be read: `info` is where one looks
    when the database is missing or its driver is not installed."""
    from distro.domain.core.db import schema_revision
    from distro.domain.core.errors import DomainError

    try:
        return str(schema_revision(context.engine))
    except DomainError as error:
        return f"not read: {error}"


def _printer(settings: Settings) -> str:
    """Where slips go, or what is wrong with the setting: `info` is where one looks for it."""
    from distro.printing.slip_printers import describe_printer

    try:
        return describe_printer(settings.slip_printer, settings.slips_dir)
    except ValueError as error:
        return f"not understood ({error})"


def upgrade(_args: argparse.Namespace, context: CommandContext) -> int:
    """Migrations run when the engine opens; say where the schema now stands."""
    from distro.domain.core.db import schema_revision

    say(f"Database is at schema {schema_revision(context.engine)}.")
    return 0


def check(_args: argparse.Namespace, context: CommandContext) -> int:
    """Print every problem found; exit 1 if there is any."""
    from distro.domain.admin.checks import check_database

    problems = check_database(context.engine)
    checked = f"Checked {database_place(context.settings.database_url)}"
    if not problems:
        say(f"{checked}: it is sound; the integrity check passed and every invariant holds.")
        return 0
    say(f"{checked}: {len(problems)} problem(s) found:")
    for problem in problems:
        say(f"  - {problem}")
    return 1


def make_backup(args: argparse.Namespace, context: CommandContext) -> int:
    """Copy the database to FILE with SQLite's online backup, sealed if --encrypt (admins)."""
    from distro.domain.admin.backup import backup_database

    actor = context.actor()  # signs in with its own transaction: before the backup's
    passphrase = _passphrase(confirm=True) if args.encrypt else None
    try:
        target = backup_database(
            context.engine, args.file, actor=actor, now=context.clock(), passphrase=passphrase
        )
    except OSError as error:
        return refuse(f"cannot write {args.file}: {error.strerror or error}.")
    if passphrase is None:
        say(f"Backup written to {target}.")
        warn(_PLAIN_WARNING.format(target) + " Use --encrypt for a copy that leaves this PC.")
    else:
        say(f"Encrypted backup written to {target}.")
        say("Keep the passphrase apart from the file: without it the backup cannot be restored.")
    return 0


def decrypt_backup(args: argparse.Namespace, context: CommandContext) -> int:
    """Open an encrypted backup into PLAIN.

    No sign-in and no database: the passphrase is the key (anyone holding it and the file can
    read the backup with or without distro), and a restore must work on a new PC after the old
    one was lost, where no users exist yet. Nothing is recorded for the same reason."""
    from distro.domain.admin.backup_crypto import decrypt_file

    passphrase = _passphrase(confirm=False)
    try:
        decrypt_file(args.encrypted, args.plain, passphrase)
    except OSError as error:
        return refuse(f"cannot decrypt {args.encrypted}: {error.strerror or error}.")
    say(f"Decrypted {args.encrypted} into {args.plain}; open it with `distro --db {args.plain}`.")
    warn(_PLAIN_WARNING.format(args.plain))
    return 0


def _passphrase(*, confirm: bool) -> str:
    """The backup passphrase from DISTRO_BACKUP_PASSPHRASE, or typed at a hidden prompt; a new
    one is typed twice, because a typo would make the backup impossible to open."""
    from distro.domain.admin.backup_crypto import check_passphrase
    from distro.domain.core.errors import DomainError, NotAllowed

    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        raise NotAllowed(f"set {PASSPHRASE_VARIABLE}, or run this at a terminal to type it.")
    passphrase = getpass.getpass("Backup passphrase: ")
    if confirm:
        check_passphrase(passphrase)
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise DomainError("The two passphrases differ; nothing was written.")
    return passphrase


def reindex(_args: argparse.Namespace, context: CommandContext) -> int:
    """Rebuild search keys in one transaction."""
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.search import reindex_all

    with unit_of_work(context.engine) as session:
        count = reindex_all(session)
    say(f"Rebuilt search keys of {count} families.")
    return 0
