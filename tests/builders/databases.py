"""Databases for tests: a copy of a template per property-test example without waiting for the
disk, the SQL a block of code runs, and how SQLite plans a query."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy import event as sqlalchemy_event
from sqlmodel import Session

from distro.domain.core.db import make_engine


def fresh_copy(template: Path, folder: Path) -> Engine:
    """An engine on a copy of `template` in `folder`, with synchronous writes off."""
    target = folder / template.name
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    target.chmod(0o600)  # as distro makes a database: others are told when it is not
    engine = make_engine(f"sqlite:///{target}")
    # Durability after a power cut is not under test here, and waiting for the disk at every
    # commit would make most of the run's time; this runs after make_engine's own pragmas.
    sqlalchemy_event.listen(
        engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous=OFF")
    )
    return engine


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement run on `engine` inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    sqlalchemy_event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", record)


def query_plan(session: Session, sql: str) -> str:
    """SQLite's plan for `sql`, its steps joined in one line."""
    return " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
