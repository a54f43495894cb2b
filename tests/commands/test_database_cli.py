"""`distro info` and `distro db check` say which database they read, and no command that only
reads makes a database that was not there."""

from __future__ import annotations

import os
import stat
import sys
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from distro.cli import main
from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditChainHead, AuditEvent
from distro.domain.core.db import reading, unit_of_work
from distro.domain.privacy.retention import erase_family
from tests.builders.cli import add_role_users, run_cli
from tests.builders.families import ACTOR, register_into
from tests.builders.tampering import cut_tail, rechain, tamper
from tests.commands.refusals import plain_refusal

READ_ONLY = (
    ("db", "check"),
    ("stock", "levels"),
    ("export", "stats", "stats.csv"),
    ("handouts", "progress"),
)


@pytest.fixture
def missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database path nobody created, named by DISTRO_DB as an unset-up counter would."""
    path = tmp_path / "nowhere" / "distro.sqlite3"
    monkeypatch.setenv("DISTRO_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_a_command_that_reads_refuses_a_missing_database_instead_of_creating_it(
    argv: tuple[str, ...], missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(*argv) == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert refusal.startswith(f"there is no distro database at {missing}")
    assert "--db" in refusal and "DISTRO_DB" in refusal
    assert not missing.exists() and not missing.parent.exists()


def test_info_says_the_database_does_not_exist_yet_and_leaves_it_so(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("info") == 0
    out = capsys.readouterr().out
    assert f"database    sqlite:///{missing}" in out
    assert f"schema      not read: there is no distro database at {missing}" in out
    assert not missing.parent.exists()


def test_db_check_refuses_a_file_that_holds_no_distro_database(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing.parent.mkdir()
    missing.touch()
    assert run_cli("db", "check") == 1
    assert plain_refusal(capsys.readouterr().err).startswith(
        f"there is no distro database at {missing}"
    )


def test_db_check_names_the_database_it_checked(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("db", "check", "--db", db) == 0
    assert capsys.readouterr().out.startswith(f"Checked {db}: it is sound")


def test_db_upgrade_creates_a_new_database(
    missing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("db", "upgrade") == 0
    assert missing.exists()
    assert "schema" in capsys.readouterr().out


def test_a_database_driver_not_installed_is_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setenv("DISTRO_DB", "postgresql+psycopg://distro:secret@db.local/distro")
    assert run_cli("db", "check") == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert "driver psycopg is not installed" in refusal and "(pip install psycopg)" in refusal
    assert "secret" not in refusal
    assert run_cli("info") == 0
    assert "schema      not read: the database driver psycopg" in capsys.readouterr().out


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with reading(engine) as session:
        rows = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(row.action, row.actor) for row in rows]


def run_signed_out(*argv: str) -> int:
    """Run `distro ARGV` with nobody named and no PIN, as a script that forgot them would."""
    kept = {k: v for k, v in os.environ.items() if k not in ("DISTRO_USER", "DISTRO_PIN")}
    with mock.patch.dict("os.environ", kept, clear=True), pytest.raises(SystemExit) as info:
        main(list(argv))
    return int(info.value.code or 0)


def test_reindex_needs_someone_signed_in(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    add_role_users(db)
    before = audit_actions(engine)
    assert run_signed_out("db", "reindex", "--db", db) == 1
    assert "needs someone signed in" in plain_refusal(capsys.readouterr().err)
    assert audit_actions(engine) == before


def test_reindex_is_refused_to_a_volunteer_in_plain_words(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("db", "reindex", "--db", db, user="volunteer") == 1
    assert plain_refusal(capsys.readouterr().err) == (
        "volunteer is signed in as volunteer and may not repair the database; "
        "ask an admin to do it."
    )


def test_reindex_by_an_admin_is_audited(
    db: str, engine: Engine, now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    register_into(engine, now, "Amina Yusuf")
    assert run_cli("db", "reindex", "--db", db, user="admin") == 0
    assert "Rebuilt the search keys of 1 family." in capsys.readouterr().out
    assert audit_actions(engine)[-1] == ("database.reindex", "admin")
    assert check_database(engine) == []


def checked(db: str, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    """`distro db check` on the test database: its exit status and what it printed."""
    status = run_cli("db", "check", "--db", db, *options)
    return status, capsys.readouterr().out


@pytest.fixture
def anchored(db: str, engine: Engine, now: datetime, capsys: pytest.CaptureFixture[str]) -> str:
    """A database with a few audit rows, checked once on this machine; returns its head as
    noted on paper."""
    for name in ("Amina Yusuf", "Chan Tai Man", "Olga Petrenko"):
        register_into(engine, now, name)
    assert checked(db, capsys)[0] == 0
    with reading(engine) as session:
        head = session.get(AuditChainHead, 1)
    assert head is not None
    return f"{head.last_event_id}:{head.last_hash[:16]}"


def test_a_database_new_to_this_machine_is_noted_not_refused(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = checked(db, capsys)
    assert status == 0 and out.startswith(f"Checked {db}: it is sound")
    assert "This machine had not checked this database before; its head is noted now." in out
    with reading(engine) as session:
        head = session.get(AuditChainHead, 1)
    assert head is not None
    assert f"Audit log head: {head.last_event_id}:{head.last_hash[:16]} " in out


def test_an_untouched_database_checks_clean_again_and_its_head_matches_paper(
    db: str, anchored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = checked(db, capsys, "--head", anchored)
    assert status == 0, out
    assert out.startswith(f"Checked {db}: it is sound") and "had not checked" not in out


def test_a_cut_end_with_the_head_moved_back_is_detected(
    db: str, engine: Engine, anchored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    last = int(anchored.split(":")[0])
    cut_tail(engine, keep=last - 2)
    assert check_database(engine) == []  # the chain alone agrees with itself
    status, out = checked(db, capsys)
    assert status == 1
    assert "  - 2 audit rows cut off the end since 20" in out
    assert f"the log now ends at row {last - 2}, but row {last} was there" in out


def test_a_whole_chain_recomputed_with_the_public_formula_is_detected(
    db: str, engine: Engine, anchored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(engine, "UPDATE audit_event SET summary = 'Registered nobody' WHERE id = 3")
    rechain(engine)
    assert check_database(engine) == []
    status, out = checked(db, capsys)
    assert status == 1
    assert "  - the audit log was re-chained or rewritten since 20" in out
    # The anchor is not moved past it: the next check says so again.
    assert checked(db, capsys)[0] == 1


def test_a_head_noted_on_paper_catches_a_rewrite_this_machine_never_saw(
    db: str, engine: Engine, anchored: str, anchors_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for anchor in anchors_dir.iterdir():
        anchor.unlink()  # the tamperer removed this machine's anchor too
    tamper(engine, "UPDATE audit_event SET summary = 'Registered nobody' WHERE id = 3")
    rechain(engine)
    status, out = checked(db, capsys, "--head", anchored)
    assert status == 1
    assert f"  - the audit log was re-chained or rewritten since {anchored} was noted" in out


def test_a_legitimately_erased_family_checks_clean(
    db: str, engine: Engine, now: datetime, anchored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with unit_of_work(engine) as session:
        erase_family(session, 1, "asked to be forgotten", actor=ACTOR, now=now)
    status, out = checked(db, capsys, "--head", anchored)
    assert status == 0, out


def test_a_changed_database_id_is_told_when_the_database_is_next_seen(
    db: str, engine: Engine, anchored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(engine, f"UPDATE app_setting SET value = '{'0' * 32}' WHERE key = 'database_id'")
    assert run_cli("db", "check", "--db", db) == 0
    out, warning = capsys.readouterr()
    assert "had not checked this database before" in out
    assert f"was at {db} since 20" in warning and "or its id was changed" in warning


def test_a_command_that_wrote_moves_the_anchor_when_it_closes(
    db: str, engine: Engine, anchored: str, anchors_dir: Path
) -> None:
    assert run_cli("db", "reindex", "--db", db, user="admin") == 0
    (anchor,) = anchors_dir.glob("*.json")
    with reading(engine) as session:
        head = session.get(AuditChainHead, 1)
    assert head is not None and head.last_event_id > int(anchored.split(":")[0])
    assert f'"row_id": {head.last_event_id}, "row_hash": "{head.last_hash}"' in anchor.read_text()
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchors_dir.stat().st_mode) == 0o700
