"""A backup is private, never leaves an unsealed copy on the disk, and counts in the audit log
only once it exists and reads back: on a full disk it fails plainly and leaves nothing."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

import distro.domain.admin.backup
from distro.domain.admin.backup import backup_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading
from distro.domain.core.errors import DomainError
from tests.builders.disks import full_disk, shared_umask
from tests.builders.families import Registrar

PASSPHRASE = "correct horse battery staple"
ADMIN = Actor(name="Test Admin", role=Role.ADMIN)
NAME = b"Amina Yusuf"


@pytest.fixture(autouse=True)
def default_permissions() -> Iterator[None]:
    with shared_umask():
        yield


@pytest.fixture
def registry(engine: Engine, register: Registrar) -> Engine:
    register("Amina Yusuf", "Omar Yusuf")
    return engine


def actions(engine: Engine) -> list[str]:
    with reading(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "database"))
        return [event.action for event in events]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_a_backup_and_the_folder_made_for_it_are_private(
    passphrase: str | None, registry: Engine, tmp_path: Path, now: datetime
) -> None:
    target = tmp_path / "backups" / "copy"
    backup_database(registry, target, actor=ADMIN, now=now, passphrase=passphrase)
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert list(target.parent.iterdir()) == [target]


def test_an_encrypted_backup_never_puts_the_names_on_the_disk(
    registry: Engine, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is read at the last moment before the sealed file takes its place: a kill
    then, or a full disk, would leave behind whatever is there."""
    folder = tmp_path / "backups"
    seen: list[bytes] = []
    real_fsync = os.fsync

    def read_the_folder(descriptor: int) -> None:
        real_fsync(descriptor)
        seen.extend(path.read_bytes() for path in folder.iterdir())

    monkeypatch.setattr(os, "fsync", read_the_folder)
    backup_database(registry, folder / "copy.enc", actor=ADMIN, now=now, passphrase=PASSPHRASE)
    assert seen and not any(NAME in content for content in seen)


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_a_backup_to_a_full_disk_fails_plainly_leaves_nothing_and_is_not_called_made(
    passphrase: str | None,
    registry: Engine,
    tmp_path: Path,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with full_disk(tmp_path / "disk", monkeypatch) as folder:
        target = folder / "copy"
        with pytest.raises(DomainError, match="no space left on device; nothing was written"):
            backup_database(registry, target, actor=ADMIN, now=now, passphrase=passphrase)
        assert list(folder.iterdir()) == []
    assert actions(registry) == ["database.backup_started", "database.backup_failed"]


def test_a_backup_that_does_not_read_back_is_removed_and_not_called_made(
    registry: Engine, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = distro.domain.admin.backup._write

    def write_then_damage(image: bytes, target: Path, passphrase: str | None) -> None:
        real_write(image, target, passphrase)
        with target.open("r+b") as written:  # a bad USB stick
            written.seek(-1, os.SEEK_END)
            written.write(b"\xff")

    monkeypatch.setattr(distro.domain.admin.backup, "_write", write_then_damage)
    target = tmp_path / "copy.enc"
    with pytest.raises(DomainError, match="did not read back as it was written"):
        backup_database(registry, target, actor=ADMIN, now=now, passphrase=PASSPHRASE)
    assert not target.exists()
    assert actions(registry) == ["database.backup_started", "database.backup_failed"]


def test_the_copy_says_the_backup_started_and_the_database_that_it_was_made(
    registry: Engine, tmp_path: Path, now: datetime
) -> None:
    target = tmp_path / "copy.sqlite3"
    backup_database(registry, target, actor=ADMIN, now=now)
    assert actions(registry) == ["database.backup_started", "database.backup"]
    with closing(sqlite3.connect(target)) as copy:
        query = "SELECT action, actor FROM audit_event WHERE entity = 'database'"
        assert copy.execute(query).fetchall() == [("database.backup_started", "Test Admin")]
