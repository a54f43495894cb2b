"""Databases for property tests: a copy of a module's template per example, without waiting for
the disk."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import event as sqlalchemy_event

from distro.domain.core.db import make_engine


def fresh_copy(template: Path, folder: Path) -> Engine:
    """An engine on a copy of `template` in `folder`, with synchronous writes off."""
    target = folder / template.name
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    engine = make_engine(f"sqlite:///{target}")
    # Durability after a power cut is not under test here, and waiting for the disk at every
    # commit would make most of the run's time; this runs after make_engine's own pragmas.
    sqlalchemy_event.listen(
        engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous=OFF")
    )
    return engine
