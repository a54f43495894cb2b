"""Provides consistent backups of the SQLite database, plain or sealed with a passphrase."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from distro.domain.admin.backup_crypto import (
    CHUNK_SIZE,
    check_passphrase,
    encrypt_stream,
    unsealed,
)
from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import DomainError
from distro.domain.core.private_files import check_target, private_file


@requires(Permission.MAKE_BACKUPS)
def backup_database(
    engine: Engine,
    target: Path,
    *,
    actor: Actor,
    now: datetime,
    passphrase: str | None = None,
) -> Path:
    """A consistent copy of the SQLite database, safe while counters are writing to it, and
    sealed with `passphrase` when one is given (for a copy that leaves this machine).

    No unsealed copy of an encrypted backup ever reaches the disk: the database is copied into
    memory, checked there, and written out as a private file that appears only when whole.
    A backup counts once it has been read back from its file: only then does the audit log
    say it was made; otherwise it says why it failed. The row saying it started is written
    before copying, so the copy itself says who made it and when."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise DomainError("Backups of a shared PostgreSQL database are made with pg_dump.")
    check_target(target, replace=False)
    if passphrase is not None:
        check_passphrase(passphrase)
    place = f"{target.resolve()} ({'encrypted' if passphrase else 'not encrypted'})"
    _record(engine, actor, now, "database.backup_started", f"Backup to {place} started")
    try:
        image = _snapshot(engine.url.database)
        _write(image, target, passphrase)
        _verify(image, target, passphrase)
    except DomainError as failure:
        with suppress(SQLAlchemyError):  # the database's own disk may be the full one
            _record(
                engine, actor, now, "database.backup_failed", f"Backup to {place} failed: {failure}"
            )
        raise
    _record(engine, actor, now, "database.backup", f"Backup made at {place}, read back and sound")
    return target


def _record(engine: Engine, actor: Actor, now: datetime, action: str, summary: str) -> None:
    with unit_of_work(engine) as session:
        record_change(
            session,
            actor=actor,
            now=now,
            action=action,
            entity="database",
            entity_id=None,
            family_id=None,
            summary=summary,
        )


def _snapshot(database: str) -> bytes:
    """The database as one consistent image in memory (SQLite's online backup, so counters
    may keep writing), checked before it is written anywhere."""
    try:
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(":memory:")) as copy,
        ):
            source.backup(copy)
            verdict = [row[0] for row in copy.execute("PRAGMA quick_check")]
            if verdict != ["ok"]:
                raise DomainError(
                    f"the copy is damaged ({verdict[0]}): run `distro db check` on the database."
                )
            return copy.serialize()
    except sqlite3.Error as error:
        raise DomainError(f"the database could not be copied: {error}.") from None


def _write(image: bytes, target: Path, passphrase: str | None) -> None:
    if passphrase is None:
        with private_file(target, replace=False) as output:
            output.write(image)
    else:
        encrypt_stream(io.BytesIO(image), target, passphrase)


def _verify(image: bytes, target: Path, passphrase: str | None) -> None:
    """Read the backup back from its file: it must hold (or open to) exactly the image that
    was checked in memory. One that does not is removed, not left to be trusted."""
    digest = hashlib.sha256()
    try:
        with target.open("rb") as written:
            for chunk in _read_back(written, target, passphrase):
                digest.update(chunk)
        sound = digest.digest() == hashlib.sha256(image).digest()
    except (OSError, DomainError):
        sound = False
    if not sound:
        with suppress(OSError):
            target.unlink()
        raise DomainError(
            f"the backup at {target} did not read back as it was written, so it was removed; "
            "try another disk."
        )


def _read_back(written: io.BufferedReader, target: Path, passphrase: str | None) -> Iterator[bytes]:
    if passphrase is not None:
        return unsealed(written, passphrase, target.name)
    return iter(lambda: written.read(CHUNK_SIZE), b"")
