"""Provides consistent backups of the SQLite database, plain or sealed with a passphrase."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from distro.domain.admin.backup_crypto import check_passphrase, encrypt_file, secure_remove
from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.core.db import unit_of_work
from distro.domain.core.errors import DomainError


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

    The audit row is written before copying, so the copy itself says who made it and when."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise DomainError("Backups of a shared PostgreSQL database are made with pg_dump.")
    if target.exists():
        raise DomainError(f"{target} already exists; choose a new file name.")
    if passphrase is not None:
        check_passphrase(passphrase)
    target.parent.mkdir(parents=True, exist_ok=True)
    with unit_of_work(engine) as session:
        sealed = ", encrypted" if passphrase is not None else ", not encrypted"
        summary = f"Backup of the database to {target.resolve()}{sealed}"
        record_change(
            session,
            actor=actor,
            now=now,
            action="database.backup",
            entity="database",
            entity_id=None,
            family_id=None,
            summary=summary,
        )
    if passphrase is None:
        _copy_sqlite(engine.url.database, target)
    else:
        _encrypted_copy(engine.url.database, target, passphrase)
    return target


def _encrypted_copy(database: str, target: Path, passphrase: str) -> None:
    # The plain copy sits beside the target, readable by its owner only, for just the seconds
    # the encryption takes; wiping it is best effort on an SSD (see secure_remove).
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".plain")
    os.close(handle)
    plain = Path(name)
    try:
        _copy_sqlite(database, plain)
        encrypt_file(plain, target, passphrase)
    finally:
        secure_remove(plain)


def _copy_sqlite(database: str, target: Path) -> None:
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
