"""What the commands write (exports, the access report, cards, backups, the database itself) is
readable by its owner only, goes nowhere but a regular file, and a full disk is one plain line
that leaves nothing behind and no backup called made."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.db import reading
from distro.domain.families.models import Family
from distro.launch import open_engine
from distro.settings import load_settings
from tests.builders.cli import run_cli
from tests.builders.disks import full_disk, shared_umask
from tests.builders.families import register_into
from tests.commands.refusals import plain_refusal

PASSPHRASE = "correct horse battery staple"
Distro = Callable[..., int]


@pytest.fixture(autouse=True)
def default_permissions() -> Iterator[None]:
    """Files the test makes are readable by all, as on a default account: a private mode
    must come from distro."""
    with shared_umask():
        yield


@pytest.fixture
def family(engine: Engine, now: datetime) -> Family:
    return register_into(engine, now, "Amina Yusuf", "Omar Yusuf")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backup_actions(engine: Engine) -> list[str]:
    with reading(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "database"))
        return [event.action for event in events]


@pytest.mark.parametrize(
    "argv",
    [
        ("export", "families", "{out}"),
        ("export", "family", "{code}", "{out}"),
        ("export", "stock", "{out}"),
        ("card", "{code}", "-o", "{out}"),
    ],
    ids=["families export", "access report", "stock export", "card"],
)
def test_what_a_command_writes_is_private_in_a_private_folder(
    argv: tuple[str, ...], distro: Distro, family: Family, tmp_path: Path
) -> None:
    tmp_path.chmod(0o755)
    out = tmp_path / "made" / "file"
    assert distro(*(word.format(out=out, code=family.code) for word in argv)) == 0
    assert mode(out) == 0o600
    assert mode(out.parent) == 0o700
    assert mode(tmp_path) == 0o755


def test_an_export_onto_a_symlink_is_refused_and_its_target_untouched(
    distro: Distro, family: Family, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere, link = tmp_path / "elsewhere.csv", tmp_path / "families.csv"
    elsewhere.write_text("precious")
    link.symlink_to(elsewhere)
    assert distro("export", "families", str(link)) == 1
    assert "it is a symbolic link, not a regular file" in plain_refusal(capsys.readouterr().err)
    assert link.is_symlink() and elsewhere.read_text() == "precious"


@pytest.mark.parametrize(
    "argv",
    [("export", "families", "{out}"), ("card", "{code}", "-o", "{out}")],
    ids=["export", "card"],
)
def test_writing_onto_a_folder_is_refused_in_plain_words(
    argv: tuple[str, ...],
    distro: Distro,
    family: Family,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    assert distro(*(word.format(out=folder, code=family.code) for word in argv)) == 1
    refusal = plain_refusal(capsys.readouterr().err)
    assert (
        refusal
        == f"cannot write {folder}: it is a folder, not a regular file; nothing was written."
    )
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ("export", "families", "{out}.csv"),
        ("db", "backup", "{out}.sqlite3"),
        ("db", "backup", "{out}.enc", "--encrypt"),
    ],
    ids=["export", "plain backup", "encrypted backup"],
)
def test_a_full_disk_is_one_plain_line_and_leaves_nothing(
    argv: tuple[str, ...],
    db: str,
    engine: Engine,
    family: Family,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISTRO_BACKUP_PASSPHRASE", PASSPHRASE)
    with full_disk(tmp_path / "disk", monkeypatch) as folder:
        words = [word.format(out=folder / "copy") for word in argv]
        assert run_cli(*words, "--db", db, user="admin") == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert plain_refusal(err).endswith("no space left on device; nothing was written.")
        assert list(folder.iterdir()) == []
    assert "database.backup" not in backup_actions(engine)


def test_a_new_database_its_journals_and_its_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "counter" / "distro.sqlite3"
    monkeypatch.setenv("DISTRO_DB", str(database))
    assert run_cli("db", "upgrade") == 0  # made under main's own umask, as a real start is
    with shared_umask():  # and written to later by a process with the usual one
        engine = open_engine(load_settings({}, str(database)), notice=pytest.fail)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE scratch (x)")
            journals = [database.with_name(database.name + end) for end in ("-wal", "-shm")]
            assert [mode(path) for path in (database, *journals)] == [0o600] * 3
        finally:
            engine.dispose()
    assert mode(database.parent) == 0o700


def test_an_existing_database_readable_by_others_is_made_private_with_a_notice(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = Path(db)
    wal = database.with_name(database.name + "-wal")
    wal.write_bytes(b"")
    for path in (database, wal):
        path.chmod(0o644)
    assert run_cli("db", "check", "--db", db) == 0
    assert [mode(database), mode(wal)] == [0o600, 0o600]
    assert capsys.readouterr().err.splitlines() == [
        f"distro: {database} was readable by other users of this computer; it is now yours alone."
    ]
