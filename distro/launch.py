"""Provides how distro starts: the engine for the configured database, and the app built on it.

`distro` (cli.py) and the benchmark both start distro through here, so what the benchmark
times is what a volunteer gets. Textual and SQLAlchemy are imported only when asked for: the
app's first frame must not wait for the database layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from distro.settings import Settings, database_place, sqlite_file

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from distro.tui.app import DistroApp

NOTICE_SECONDS = 20
"""How long the app shows a notice about the database's file: long enough to read it twice."""


def open_engine(
    settings: Settings, *, create: bool = False, notice: Callable[[str], None]
) -> Engine:
    """The engine for the configured database, migrated to the current schema.

    Only what sets a counter up (`create`: the app, the demo, `db upgrade`, a first admin)
    may make a new database. Every other command refuses one that is not there (NotFound):
    an unset DISTRO_DB or a mistyped path must be reported, not met with a new, empty
    database that `db check` would then call sound. An SQLite file is kept its owner's alone
    (see `_keep_private`); `notice` tells the person when that changed its permissions."""
    from distro.domain.core.db import migrate, schema_revision
    from distro.domain.core.private_files import create_private_file

    file = sqlite_file(settings.database_url)
    if file is not None and create:
        create_private_file(file)
    elif file is not None and not file.exists():
        raise _no_database(settings)
    engine = _engine(settings)
    if not create and schema_revision(engine) is None:
        engine.dispose()
        raise _no_database(settings)
    if file is not None:  # a file that is no distro database is not distro's to change
        _keep_private(file, notice)
    migrate(engine)
    return engine


def _keep_private(file: Path, notice: Callable[[str], None]) -> None:
    """Take others' permissions off the database and its journals, which SQLite creates with
    the database's own mode: a database made before distro kept its files private, or copied
    in, must not stay readable by every user of a shared laptop."""
    from distro.domain.core.private_files import describe_os_error, make_private

    journals = (file.with_name(file.name + suffix) for suffix in ("-wal", "-shm", "-journal"))
    try:
        changed = make_private([file, *journals])
    except OSError as error:
        notice(
            f"{file} is readable by other users of this computer and could not be made "
            f"private ({describe_os_error(error)}); ask its owner to run: chmod 600 {file}*"
        )
        return
    if changed:
        notice(f"{file} was readable by other users of this computer; it is now yours alone.")


KNOWN_DATABASES = ("sqlite", "postgresql")
"""The kinds of database distro's migrations and queries are written for."""


def _engine(settings: Settings) -> Engine:
    """The engine, or one plain line when the URL names a database distro does not know or
    its driver, an optional package, is missing."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from distro.domain.core.db import make_engine
    from distro.domain.core.errors import DomainError

    kind = settings.database_url.partition("://")[0].partition("+")[0]
    try:
        if kind not in KNOWN_DATABASES:
            raise ArgumentError(kind)
        return make_engine(settings.database_url)
    except (ArgumentError, NoSuchModuleError):
        raise DomainError(
            f"cannot use {_named_place(settings)} as a database: give --db a SQLite file path "
            "(like ~/distro.sqlite3) or a PostgreSQL URL (postgresql+psycopg://user@host/name)."
        ) from None
    except ImportError as error:
        driver = error.name or "its URL names"
        install = f" (pip install {error.name})" if error.name else ""
        raise DomainError(
            f"the database driver {driver} is not installed, and "
            f"{database_place(settings.database_url)} needs it: install it next to distro"
            f"{install}."
        ) from None


def _named_place(settings: Settings) -> str:
    """The database's place, its password hidden; a URL too malformed to read is not repeated,
    since what a password is cannot be told in it."""
    from sqlalchemy.exc import ArgumentError

    try:
        return database_place(settings.database_url)
    except ArgumentError:
        return "the --db URL"


def _no_database(settings: Settings) -> Exception:
    from distro.domain.core.errors import NotFound

    return NotFound(
        f"there is no distro database at {database_place(settings.database_url)}: name yours "
        "with --db or DISTRO_DB, or create a new one with `distro db upgrade`."
    )


def build_app(settings: Settings, engine: Engine | Callable[[], Engine]) -> DistroApp:
    """The terminal app; given a factory, the database opens right after the first frame."""
    from distro.printing.printers import FolderPrinter
    from distro.tui.app import DistroApp

    return DistroApp(settings, engine, FolderPrinter(settings.slips_dir))


def app_opening_database(
    settings: Settings, *, keep: Callable[[Engine], object] | None = None
) -> DistroApp:
    """The app, opening (or creating) the configured database right after its first frame;
    a notice about the database's file is shown as a notification, since the app holds the
    terminal. `keep` receives the engine once opened (the command line closes it after)."""

    def opened() -> Engine:
        engine = open_engine(settings, create=True, notice=show)
        if keep is not None:
            keep(engine)
        return engine

    def show(message: str) -> None:
        app.notify(message, severity="warning", timeout=NOTICE_SECONDS)  # thread-safe

    app = build_app(settings, opened)
    return app
