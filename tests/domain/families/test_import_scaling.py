"""Importing families scales with the file: the database work per household does not grow, and
the file's households are matched in memory as the database matches registered families.

Timing would make a flaky test on a shared machine, so the work is counted instead: SQLite's
progress handler is called every `STEPS_PER_CALL` virtual-machine instructions, whatever the
statement (lookups of duplicate candidates, inserts, audit rows).
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import col, select

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import make_engine, reading, unit_of_work
from distro.domain.demo.families_file import families_file
from distro.domain.families.duplicates import RegisteredFamilies
from distro.domain.families.import_matches import ImportedSoFar
from distro.domain.families.imports import import_families
from distro.domain.families.models import Family, Phone
from distro.domain.families.registry import load_family

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


def test_the_files_households_are_found_as_the_database_finds_registered_ones(
    engine: Engine, now: datetime
) -> None:
    """ImportedSoFar stands in for the database lookups while the file is not written yet:
    for the same families it must give the same candidates, in the same order (the order
    decides between equally good matches)."""
    registered = io.StringIO()
    families_file(registered, 400, seed=8, today=now.date())
    registered.seek(0)
    coordinator = Actor(name="coordinator", role=Role.COORDINATOR)
    with unit_of_work(engine) as session:
        assert import_families(session, registered, actor=coordinator, now=now).written
    probes = io.StringIO()
    families_file(probes, 400, seed=9, today=now.date())
    probes.seek(0)
    people = [(row["full_name"], row["birth_date"]) for row in csv.DictReader(probes)]
    with reading(engine) as session:
        so_far = ImportedSoFar()
        for family_id in session.exec(select(Family.id).order_by(col(Family.id))).all():
            assert family_id is not None
            so_far.add(load_family(session, family_id))
        database = RegisteredFamilies(session)
        for name, born in people:
            birth = date.fromisoformat(born) if born else None
            assert so_far.people_like(name, birth) == database.people_like(name, birth), name
        every_phone = [*session.exec(select(Phone.number)).all(), "+85291234567"]
        assert list(so_far.sharing_phones(every_phone)) == database.sharing_phones(every_phone)
        ids = list(session.exec(select(Family.id)).all())
        assert so_far.describe(ids) == database.describe(ids)
