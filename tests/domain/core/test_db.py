"""The database: SQLite pragmas, locking, migrations that match the models, checks and backups."""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import distro.domain
import distro.domain.admin.backup
from distro.domain.admin.backup import backup_database
from distro.domain.admin.checks import check_database
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import (
    BUSY_TIMEOUT_MS,
    SCHEMA_HEAD,
    make_engine,
    migrate,
    reading,
    schema_revision,
    unit_of_work,
)
from distro.domain.core.errors import DomainError
from distro.domain.families.models import Member
from distro.domain.families.registry import load_family
from distro.domain.families.search import search_families
from distro.migrations import alembic_config, known_revisions
from tests.builders.clock import FIXED_NOW
from tests.builders.families import Registrar

BACKUP_ADMIN = Actor(name="Test Admin", role=Role.ADMIN)


def database_path(engine: Engine) -> str:
    assert engine.url.database
    return engine.url.database


def raw(engine: Engine) -> sqlite3.Connection:
    """A plain sqlite3 connection to the same file: no pragmas, foreign keys off, no waiting."""
    return sqlite3.connect(database_path(engine), timeout=0, isolation_level=None)


@pytest.fixture
def bare_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new file with no schema at all."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bare.sqlite3'}")
    yield engine
    engine.dispose()


# --- connections ----------------------------------------------------------------------------


def test_sqlite_pragmas_on_a_new_connection(engine: Engine) -> None:
    engine.dispose()  # a brand-new pool, so the connection below is new too
    with engine.connect() as connection:
        values = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,  # FULL
        "busy_timeout": BUSY_TIMEOUT_MS,
    }
    assert BUSY_TIMEOUT_MS >= 5000


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        session.add(Member(family_id=999, full_name="Nobody"))
        session.flush()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM member")).scalar() == 0


def test_a_unit_of_work_holds_the_write_lock_from_the_start(engine: Engine) -> None:
    other = raw(engine)
    try:
        with unit_of_work(engine):
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the unit of work ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_reading_never_blocks_a_writer(engine: Engine, register: Registrar) -> None:
    register("Amina Yusuf")
    other = raw(engine)
    try:
        with reading(engine) as session:
            assert len(search_families(session, "amina")) == 1
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE family SET notes = 'written while reading'")
            other.execute("COMMIT")
    finally:
        other.close()


def test_a_unit_of_work_commits_on_success(engine: Engine, register: Registrar) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    engine.dispose()
    with reading(engine) as session:
        assert load_family(session, family.id).members[0].full_name == "Amina Yusuf"


# --- migrations -----------------------------------------------------------------------------


def test_migrate_is_idempotent(engine: Engine, register: Registrar) -> None:
    register("Amina Yusuf")
    assert schema_revision(engine) == SCHEMA_HEAD
    migrate(engine)
    migrate(engine)
    assert schema_revision(engine) == SCHEMA_HEAD
    with reading(engine) as session:
        assert len(search_families(session, "amina")) == 1


def test_a_new_database_has_no_revision_until_migrated(bare_engine: Engine) -> None:
    assert schema_revision(bare_engine) is None
    migrate(bare_engine)
    assert schema_revision(bare_engine) == SCHEMA_HEAD


def test_schema_head_is_alembics_head(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert script.get_heads() == [SCHEMA_HEAD]  # exactly one head, and it is ours


def test_known_revisions_are_alembics_revisions(engine: Engine) -> None:
    """`migrate` tells a newer database by its revision missing from these file names."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert known_revisions() == {revision.revision for revision in script.walk_revisions()}


def all_domain_tables() -> MetaData:
    """SQLModel's metadata after importing every domain module, so no table is left out."""
    for module in pkgutil.walk_packages(distro.domain.__path__, "distro.domain."):
        importlib.import_module(module.name)
    return SQLModel.metadata


def schema_differences(engine: Engine, metadata: MetaData) -> list[object]:
    with engine.connect() as connection:
        # compare_type=True is Alembic's default since 1.12; said here so the intent is visible.
        # SQLModel's AutoString and sqlmodel's UTCDateTime compare by their impl types
        # (String, DateTime(timezone=True)) so no spurious type differences show up.
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_produce_exactly_the_models_schema(engine: Engine) -> None:
    assert schema_differences(engine, all_domain_tables()) == []


def test_the_schema_comparison_would_notice_a_difference(engine: Engine) -> None:
    """A control for the test above: a column the migrations lack is reported."""
    copy = MetaData()
    for table in all_domain_tables().tables.values():
        table.to_metadata(copy)
    copy.tables["family"].append_column(Column("shoe_size", Integer, nullable=True))
    differences = schema_differences(engine, copy)
    assert len(differences) == 1
    assert "shoe_size" in str(differences[0])


def insert_family_at_initial_revision(connection: sqlite3.Connection) -> None:
    """A family as an early version of distro wrote it: plain SQL on the first schema."""
    at = "2026-01-02 03:04:05.000000"
    connection.execute(
        "INSERT INTO family (id, code, district, address, claim_ref, dietary, allergies, status,"
        " consent_purpose, consent_recorded_by, notes, created_at, created_by, updated_at)"
        " VALUES (1, 'F-000001-0', 'Eastern', '', '', 'halal', '', 'active', '', '',"
        " 'old note', ?, 'Old Volunteer', ?)",
        (at, at),
    )
    connection.execute(
        "INSERT INTO member (family_id, position, full_name, aliases, sex, birth_date,"
        " birth_date_estimated, relationship, nationality, languages, school, grade,"
        " removed_reason) VALUES (1, 0, 'Amina Yusuf', '', 'female', '1990-05-01', 0, 'head',"
        " '', 'Arabic', '', '', '')"
    )
    connection.execute(
        "INSERT INTO phone (family_id, number, position) VALUES (1, '+85291234567', 0)"
    )
    for key, kind in (("amina", "name"), ("yusuf", "name"), ("f0000010", "code")):
        connection.execute(
            "INSERT INTO search_key (family_id, key, kind) VALUES (1, ?, ?)", (key, kind)
        )
    connection.execute("UPDATE code_counter SET last_number = 1 WHERE prefix = 'F'")
    connection.execute(
        "INSERT INTO audit_event (at, actor, action, entity, entity_id, family_id, summary,"
        " reason) VALUES (?, 'Old Volunteer', 'family.register', 'family', 1, 1, 'Registered', '')",
        (at,),
    )


def test_an_older_database_file_opens_in_a_newer_distro(bare_engine: Engine) -> None:
    config = alembic_config(bare_engine)
    initial = ScriptDirectory.from_config(config).get_base()
    assert initial == "0001_initial"
    command.upgrade(config, initial)
    assert schema_revision(bare_engine) == initial
    connection = raw(bare_engine)
    try:
        insert_family_at_initial_revision(connection)
    finally:
        connection.close()
    migrate(bare_engine)
    assert schema_revision(bare_engine) == SCHEMA_HEAD
    with reading(bare_engine) as session:
        record = load_family(session, 1)
        assert record.family.code == "F-000001-0" and record.family.notes == "old note"
        assert [m.full_name for m in record.members] == ["Amina Yusuf"]
        assert [p.number for p in record.phones] == ["+85291234567"]
        assert [hit.family_id for hit in search_families(session, "amina")] == [1]
        assert record.family.created_at.tzinfo is not None
    assert check_database(bare_engine) == []


# --- checks ---------------------------------------------------------------------------------


@pytest.fixture
def sound(engine: Engine, register: Registrar) -> Engine:
    register("Amina Yusuf", "Omar Yusuf", phones=["9123 4567"])
    register("Chan Tai Man")
    return engine


def corrupt(engine: Engine, *statements: str) -> None:
    connection = raw(engine)  # foreign keys off, as a careless repair script would have them
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def test_check_database_is_empty_on_a_sound_database(sound: Engine, engine: Engine) -> None:
    assert check_database(sound) == []


def test_check_database_on_a_new_empty_database(engine: Engine) -> None:
    assert check_database(engine) == []


def test_check_finds_a_family_without_members(sound: Engine) -> None:
    corrupt(sound, "DELETE FROM member WHERE family_id = 2")
    assert check_database(sound) == ["family F-000002-Y has no active member"]


def test_check_finds_a_family_whose_members_were_all_removed(sound: Engine) -> None:
    corrupt(sound, "UPDATE member SET removed_at = '2026-01-01 00:00:00' WHERE family_id = 2")
    assert check_database(sound) == ["family F-000002-Y has no active member"]


def test_check_finds_a_wrong_check_character(sound: Engine) -> None:
    corrupt(sound, "UPDATE family SET code = 'F-000002-Z' WHERE id = 2")
    assert check_database(sound) == ["family code F-000002-Z has a wrong check character"]


def test_check_finds_the_counter_behind(sound: Engine) -> None:
    corrupt(sound, "UPDATE code_counter SET last_number = 1")
    [problem] = check_database(sound)
    assert "counter is behind" in problem and "2" in problem


def test_check_finds_a_missing_counter(sound: Engine) -> None:
    corrupt(sound, "DELETE FROM code_counter")
    assert any("counter is behind" in problem for problem in check_database(sound))


def test_check_finds_a_family_search_cannot_reach(sound: Engine) -> None:
    corrupt(sound, "DELETE FROM search_key WHERE family_id = 1")
    [problem] = check_database(sound)
    assert "F-000001-0 cannot be found by search" in problem and "reindex" in problem


def test_check_finds_a_half_merged_family(sound: Engine) -> None:
    corrupt(sound, "UPDATE family SET status = 'merged' WHERE id = 2")
    assert "family F-000002-Y is marked merged but still has members or no survivor" in (
        check_database(sound)
    )


def test_check_finds_a_row_pointing_nowhere(sound: Engine) -> None:
    corrupt(sound, "INSERT INTO phone (family_id, number, position) VALUES (99, '+85260000000', 0)")
    problems = check_database(sound)
    assert len(problems) == 1
    assert problems[0].startswith("table phone row ") and "missing family" in problems[0]


def test_check_reports_several_problems_at_once(sound: Engine) -> None:
    corrupt(
        sound,
        "DELETE FROM member WHERE family_id = 2",
        "UPDATE family SET code = 'F-000001-9' WHERE id = 1",
    )
    assert len(check_database(sound)) == 2


def test_check_reports_an_old_schema(bare_engine: Engine) -> None:
    [problem] = check_database(bare_engine)
    assert "expected " + SCHEMA_HEAD in problem and "distro db upgrade" in problem


# --- backups --------------------------------------------------------------------------------


def test_backup_is_a_readable_consistent_copy_while_a_counter_is_writing(
    sound: Engine,
    register: Registrar,
    tmp_path: Path,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "backups" / "copy.sqlite3"
    writer = raw(sound)
    real_snapshot = distro.domain.admin.backup._snapshot

    def copy_while_a_counter_writes(database: str) -> bytes:
        # After the backup's own audit row, before the copy: a counter is half-way through,
        # and gives up only once the copy is taken (before the backup's "made" row).
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE family SET notes = 'not yet committed'")
        writer.execute("DELETE FROM search_key")
        try:
            return real_snapshot(database)
        finally:
            writer.execute("ROLLBACK")

    monkeypatch.setattr(distro.domain.admin.backup, "_snapshot", copy_while_a_counter_writes)
    try:
        assert backup_database(sound, target, actor=BACKUP_ADMIN, now=FIXED_NOW) == target
    finally:
        writer.close()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT count(*) FROM family").fetchone() == (2,)
        assert copy.execute("SELECT count(*) FROM family WHERE notes <> ''").fetchone() == (0,)
        assert copy.execute("SELECT count(*) FROM search_key").fetchone()[0] > 0
    finally:
        copy.close()
    copy_engine = make_engine(f"sqlite:///{target}")
    try:
        assert check_database(copy_engine) == []
        with reading(copy_engine) as session:
            assert len(search_families(session, "amina")) == 1
    finally:
        copy_engine.dispose()


def test_backup_includes_what_was_committed_in_the_write_ahead_log(
    engine: Engine, register: Registrar, tmp_path: Path
) -> None:
    reader = raw(engine)  # an open reader keeps the WAL from being checkpointed
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM family").fetchone()
        register("Amina Yusuf")
        target = backup_database(
            engine, tmp_path / "copy.sqlite3", actor=BACKUP_ADMIN, now=FIXED_NOW
        )
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT code FROM family").fetchall() == [("F-000001-0",)]
    finally:
        copy.close()


def test_backup_refuses_an_existing_target(sound: Engine, tmp_path: Path) -> None:
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(DomainError, match="already exists"):
        backup_database(sound, target, actor=BACKUP_ADMIN, now=FIXED_NOW)
    assert target.read_bytes() == b"precious"


def test_backup_refuses_a_non_sqlite_database(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql+psycopg://user@localhost/distro")  # never connects
    with pytest.raises(DomainError, match="pg_dump"):
        backup_database(engine, tmp_path / "copy.sqlite3", actor=BACKUP_ADMIN, now=FIXED_NOW)
    assert not (tmp_path / "copy.sqlite3").exists()


def test_backup_refuses_an_in_memory_database(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    with pytest.raises(DomainError):
        backup_database(engine, tmp_path / "copy.sqlite3", actor=BACKUP_ADMIN, now=FIXED_NOW)
    assert not (tmp_path / "copy.sqlite3").exists()
