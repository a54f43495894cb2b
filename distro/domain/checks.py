"""Provides `distro db check` (integrity and the domain's invariants) and consistent backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from distro.domain.codes import CodeKind, parse_scan
from distro.domain.db import SCHEMA_HEAD, reading, schema_revision
from distro.domain.errors import CodeError, DomainError
from distro.domain.models import CodeCounter, Family

# Each invariant: a query returning the offending rows, and how to say what is wrong.
_INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "SELECT f.code FROM family f WHERE f.status <> 'merged' AND NOT EXISTS "
        "(SELECT 1 FROM member m WHERE m.family_id = f.id AND m.removed_at IS NULL)",
        "family {0} has no active member",
    ),
    (
        "SELECT f.code FROM family f WHERE f.status = 'merged' AND (f.merged_into_id IS NULL "
        "OR EXISTS (SELECT 1 FROM member m WHERE m.family_id = f.id))",
        "family {0} is marked merged but still has members or no survivor",
    ),
    (
        "SELECT f.code FROM family f WHERE f.status <> 'merged' AND NOT EXISTS "
        "(SELECT 1 FROM search_key k WHERE k.family_id = f.id)",
        "family {0} cannot be found by search (no search keys); run `distro db reindex`",
    ),
)


def check_database(engine: Engine) -> list[str]:
    """Every problem found, in plain words; an empty list means the database is sound."""
    problems: list[str] = []
    revision = schema_revision(engine)
    if revision != SCHEMA_HEAD:
        problems.append(f"schema is at {revision}, expected {SCHEMA_HEAD}; run `distro db upgrade`")
        return problems
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            result = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems.extend(f"SQLite integrity: {line}" for line in result)
            for row in connection.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"table {row[0]} row {row[1]} points at a missing {row[2]}")
        for query, message in _INVARIANTS:
            problems.extend(message.format(*row) for row in connection.execute(text(query)))
    with reading(engine) as session:
        problems.extend(_code_problems(session))
    return problems


def _code_problems(session: Session) -> list[str]:
    problems = []
    highest = 0
    for (code,) in session.execute(select(Family.code)):
        try:
            parsed = parse_scan(code)
        except CodeError:
            problems.append(f"family code {code} has a wrong check character")
            continue
        if parsed.kind == CodeKind.FAMILY and parsed.text == code:
            highest = max(highest, parsed.number)
    counter = session.get(CodeCounter, CodeKind.FAMILY.value)
    if counter is None or counter.last_number < highest:
        problems.append(f"the family code counter is behind the highest code (F number {highest})")
    return problems


def backup_database(engine: Engine, target: Path) -> Path:
    """A consistent copy of the SQLite database, safe while counters are writing to it."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise DomainError("Backups of a shared PostgreSQL database are made with pg_dump.")
    if target.exists():
        raise DomainError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(engine.url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target
