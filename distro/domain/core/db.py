"""Provides the engine (with SQLite made safe for a counter), units of work, and migrations.

SQLite is opened in WAL mode (readers never wait for the writer), with foreign keys on, a busy
timeout (a second counter waits instead of failing), and synchronous=FULL so that a change the
volunteer saw confirmed survives a power cut. Writing units of work start with BEGIN IMMEDIATE,
so two counters writing at once queue for the lock instead of failing half-way.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from distro.domain.core.errors import DomainError

BUSY_TIMEOUT_MS = 10_000
BUSY_RETRIES = 3
"""Further tries of a short write that still found the database locked after the busy timeout."""
SCHEMA_HEAD = "0005_wrong_sign_ins"
"""The newest migration; a test keeps it equal to Alembic's head."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get the pragmas described above."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin_sqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        "synchronous=FULL",
        "secure_delete=ON",  # erased families leave no readable bytes in freed space
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    writing = connection.get_execution_options().get("distro_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One writing transaction: everything inside commits together, or nothing does."""
    with engine.connect() as connection:
        connection = connection.execution_options(distro_write=True)
        with Session(bind=connection, expire_on_commit=False) as session, connection.begin():
            yield session
            session.flush()


Result = TypeVar("Result")


def retried_when_busy(write: Callable[[], Result]) -> Result:
    """What `write` (one whole unit of work) returns, running it again, after a short random
    pause, up to BUSY_RETRIES times while SQLite says the database is locked. Only for writes
    that read what they decide on inside their own transaction, so running again is safe."""
    for retry in range(BUSY_RETRIES):
        try:
            return write()
        except OperationalError as error:
            if "database is locked" not in str(error.orig):
                raise
            time.sleep(random.uniform(0.05, 0.25) * (retry + 1))
    return write()


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only session; it never holds the write lock."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for a new, empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema up to date; cheap when it already is (Alembic is imported only if not).

    A database at a revision this distro has no migration for was made by a newer distro:
    it is refused, untouched, rather than met with Alembic's traceback or run on tables this
    code does not know."""
    revision = schema_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    from distro.migrations import known_revisions, upgrade_to_head

    if revision is not None and revision not in known_revisions():
        raise DomainError(
            f"this database was made by a newer distro (schema {revision}); this distro knows "
            f"up to {SCHEMA_HEAD}: update distro."
        )
    upgrade_to_head(engine)
