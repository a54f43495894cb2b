"""Importing families scales with the file: the database work per household does not grow.

Timing would make a flaky test on a shared machine, so the work is counted instead: SQLite's
progress handler is called every `STEPS_PER_CALL` virtual-machine instructions, whatever the
statement (lookups of duplicate candidates, inserts, audit rows).
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, event

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import make_engine, unit_of_work
from distro.domain.demo.families_file import families_file
from distro.domain.families.imports import import_families

STEPS_PER_CALL = 100


def database_work_per_household(engine: Engine, member_rows: int, now: datetime) -> float:
    """Hundreds of SQLite instructions per household for importing a clean file."""
    calls = 0

    def count() -> int:
        nonlocal calls
        calls += 1
        return 0  # go on

    @event.listens_for(engine, "connect")
    def watch(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.set_progress_handler(count, STEPS_PER_CALL)  # type: ignore[attr-defined]

    source = io.StringIO()
    households = families_file(source, member_rows, seed=3, today=now.date())
    source.seek(0)
    coordinator = Actor(name="coordinator", role=Role.COORDINATOR)
    with unit_of_work(engine) as session:
        report = import_families(session, source, actor=coordinator, now=now)
    assert report.written and len(report.families) == households
    return calls / households


def test_the_database_work_per_household_does_not_grow_with_the_file(
    tmp_path: Path, migrated_template: Path, now: datetime
) -> None:
    per_household = []
    for member_rows in (150, 600):  # about 47 and 180 households, with repeated names
        path = tmp_path / f"{member_rows}.sqlite3"
        shutil.copyfile(migrated_template, path)
        path.chmod(0o600)  # as distro makes a database
        engine = make_engine(f"sqlite:///{path}")
        try:
            per_household.append(database_work_per_household(engine, member_rows, now))
        finally:
            engine.dispose()
    small, large = per_household
    # Before, each household looked for duplicates among the file's households in the
    # database: about twice the work per household for a file four times as large.
    assert large <= 1.15 * small, per_household
