"""Provides `distro info` and `distro db upgrade|check|backup|decrypt-backup|reindex`."""

from __future__ import annotations

import argparse
import getpass
import os
import platform
import sqlite3
import sys
from typing import TYPE_CHECKING, Any

from distro import __version__
from distro.commands import CommandContext, refuse, say, warn
from distro.commands.arguments import file_name
from distro.settings import Settings, database_place, describe_url

if TYPE_CHECKING:
    from distro.domain.audit.head import ChainHead

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
    check_parser = actions.add_parser(
        "check",
        parents=[common],
        help="integrity and invariants; non-zero exit if anything is wrong",
    )
    check_parser.add_argument(
        "--head",
        metavar="ID:HASH",
        help="an audit log head noted on paper (a round's report, a backup): the log must "
        "still hold that row with that hash",
    )
    check_parser.set_defaults(run=check)
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
        "reindex", parents=[common], help="rebuild every family's search keys (admins)"
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


def check(args: argparse.Namespace, context: CommandContext) -> int:
    """Print every problem found, with the chain checked against a head noted on paper
    (--head) and against this machine's anchor; exit 1 if there is any."""
    from distro.domain.admin.checks import check_database
    from distro.domain.audit.head import parse_head
    from distro.domain.core.db import SCHEMA_HEAD, schema_revision

    paper = parse_head(args.head) if args.head else None
    problems = check_database(context.engine)  # first: it refuses a URL distro cannot use
    place = database_place(context.settings.database_url)
    notes: list[str] = []
    if schema_revision(context.engine) == SCHEMA_HEAD:
        problems += _outside_heads(context, place, paper, notes)
    if problems:
        say(f"Checked {place}: {len(problems)} problem(s) found:")
        say("\n".join(f"  - {problem}" for problem in problems))
    else:
        say(f"Checked {place}: it is sound; the integrity check passed and every invariant holds.")
    for note in notes:
        say(note)
    return 1 if problems else 0


def _outside_heads(
    context: CommandContext, place: str, paper: ChainHead | None, notes: list[str]
) -> list[str]:
    """What the heads kept outside the database (paper, this machine's anchor) show, with
    lines to tell in `notes`; a sound log moves the anchor to its head (and closing the
    command need not look again)."""
    from distro.domain.audit.anchor import check_anchor, record_anchor
    from distro.domain.audit.head import head_problems

    context.note_head_on_close = False
    problems: list[str] = []
    if paper is not None:
        with context.engine.connect() as connection:
            problems += head_problems(connection, paper, f"since {paper.label} was noted")
    folder = context.settings.anchors_dir
    if folder is None:
        return problems
    found = check_anchor(context.engine, folder, place, context.clock())
    notes.append(f"Audit log head: {found.head.label} (note it on paper, to check against later).")
    if found.first_sight:
        notes.append("This machine had not checked this database before; its head is noted now.")
    if found.replaced:
        warn(found.replaced)
    problems += found.problems
    if not problems:
        record_anchor(folder, found, place, context.clock())
    return problems


def make_backup(args: argparse.Namespace, context: CommandContext) -> int:
    """Copy the database to FILE with SQLite's online backup, sealed if --encrypt (admins)."""
    from distro.domain.admin.backup import backup_database
    from distro.domain.audit.head import current_head

    actor = context.actor()  # signs in with its own transaction: before the backup's
    passphrase = _passphrase(confirm=True) if args.encrypt else None
    held = current_head(context.engine)  # read before the copy, so the copy holds that row
    target = backup_database(
        context.engine, args.file, actor=actor, now=context.clock(), passphrase=passphrase
    )
    if passphrase is None:
        say(f"Backup written to {target}.")
        warn(_PLAIN_WARNING.format(target) + " Use --encrypt for a copy that leaves this PC.")
    else:
        say(f"Encrypted backup written to {target}.")
        say("Keep the passphrase apart from the file: without it the backup cannot be restored.")
    say(
        f"Its audit log holds row {held.label}: note it with the backup; "
        f"`distro db check --head {held.label}` later shows that row was not rewritten."
    )
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
    """Rebuild search keys in one transaction, signed in as an admin and audited."""
    from distro.domain.admin.repairs import rebuild_search_keys
    from distro.domain.core.db import unit_of_work
    from distro.domain.core.words import how_many

    actor = context.actor()
    with unit_of_work(context.engine) as session:
        count = rebuild_search_keys(session, actor=actor, now=context.clock())
    say(f"Rebuilt the search keys of {how_many(count, 'family', 'families')}.")
    return 0
