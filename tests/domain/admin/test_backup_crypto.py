"""Encrypted backups: the sealed file round-trips, refuses every kind of damage without leaving
plaintext behind, and only an admin can make a backup, which the audit log records."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.admin.backup import backup_database
from distro.domain.admin.backup_crypto import MAGIC, decrypt_file, encrypt_stream
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading
from distro.domain.core.errors import DomainError, NotAllowed
from tests.builders.cli import run_cli
from tests.builders.families import Registrar

PASSPHRASE = "correct horse battery staple"
CHUNK = 64
SECRET = b"Amina Yusuf, claim ref HKG-1234567"
ADMIN = Actor(name="Test Admin", role=Role.ADMIN)


def encrypt_file(source: Path, target: Path, passphrase: str, *, chunk_size: int = CHUNK) -> None:
    with source.open("rb") as plain:
        encrypt_stream(plain, target, passphrase, chunk_size=chunk_size)


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """A file of a dozen full chunks and a short one, with a name in it worth protecting."""
    path = tmp_path / "registry.sqlite3"
    path.write_bytes(SECRET + bytes(range(256)) * 3)
    return path


@pytest.fixture
def sealed(plain: Path, tmp_path: Path) -> Path:
    """`plain`, encrypted in chunks of CHUNK bytes."""
    target = tmp_path / "registry.enc"
    encrypt_file(plain, target, PASSPHRASE, chunk_size=CHUNK)
    return target


def header_size(sealed: Path, plain: Path) -> int:
    """The header's length: what is left when every chunk and its 16-byte tag are taken off."""
    size = plain.stat().st_size
    chunks = -(-size // CHUNK)
    return sealed.stat().st_size - size - 16 * chunks


def assert_refused(sealed: Path, tmp_path: Path, passphrase: str = PASSPHRASE) -> None:
    """Decrypting fails plainly, and no file with any plaintext is left in the folder."""
    before = set(tmp_path.iterdir())
    with pytest.raises(DomainError, match="passphrase is wrong or the file was damaged"):
        decrypt_file(sealed, tmp_path / "restored.sqlite3", passphrase)
    assert set(tmp_path.iterdir()) == before


# --- the file format ------------------------------------------------------------------------


def test_a_file_of_several_chunks_round_trips(plain: Path, sealed: Path, tmp_path: Path) -> None:
    restored = tmp_path / "out" / "restored.sqlite3"
    decrypt_file(sealed, restored, PASSPHRASE)
    assert restored.read_bytes() == plain.read_bytes()
    assert sealed.read_bytes().startswith(MAGIC)


@pytest.mark.parametrize("content", [b"", bytes(CHUNK), bytes(2 * CHUNK)])
def test_empty_and_whole_chunk_files_round_trip(content: bytes, tmp_path: Path) -> None:
    source, target, restored = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    source.write_bytes(content)
    encrypt_file(source, target, PASSPHRASE, chunk_size=CHUNK)
    decrypt_file(target, restored, PASSPHRASE)
    assert restored.read_bytes() == content


def test_the_sealed_file_does_not_show_the_plaintext(sealed: Path) -> None:
    data = sealed.read_bytes()
    assert SECRET[:11] not in data and b"HKG-1234567" not in data


def test_a_wrong_passphrase_is_refused_and_leaves_no_plaintext(
    sealed: Path, tmp_path: Path
) -> None:
    assert_refused(sealed, tmp_path, passphrase="incorrect horse battery staple")


def test_a_flipped_byte_is_refused(sealed: Path, tmp_path: Path) -> None:
    data = bytearray(sealed.read_bytes())
    data[-CHUNK] ^= 0x01  # inside a later chunk: the earlier ones decrypt before it fails
    sealed.write_bytes(bytes(data))
    assert_refused(sealed, tmp_path)


def test_a_changed_header_is_refused(sealed: Path, plain: Path, tmp_path: Path) -> None:
    data = bytearray(sealed.read_bytes())
    data[header_size(sealed, plain) - 1] ^= 0x01  # the nonce prefix
    sealed.write_bytes(bytes(data))
    assert_refused(sealed, tmp_path)


@pytest.mark.parametrize("cut", [1, 16 + 4, "last chunk"])
def test_a_truncated_file_is_refused(
    cut: int | str, sealed: Path, plain: Path, tmp_path: Path
) -> None:
    data = sealed.read_bytes()
    last_chunk = (plain.stat().st_size % CHUNK) + 16
    sealed.write_bytes(data[: -(last_chunk if cut == "last chunk" else int(cut))])
    assert_refused(sealed, tmp_path)


def test_swapped_chunks_are_refused(sealed: Path, plain: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    start, size = header_size(sealed, plain), CHUNK + 16
    first, second = data[start : start + size], data[start + size : start + 2 * size]
    sealed.write_bytes(data[:start] + second + first + data[start + 2 * size :])
    assert_refused(sealed, tmp_path)


def test_a_chunk_added_at_the_end_is_refused(sealed: Path, plain: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    start = header_size(sealed, plain)
    sealed.write_bytes(data + data[start : start + CHUNK + 16])
    assert_refused(sealed, tmp_path)


def test_a_short_passphrase_is_refused(plain: Path, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="at least 12 characters"):
        encrypt_file(plain, tmp_path / "registry.enc", "short pass")
    assert not (tmp_path / "registry.enc").exists()


def test_a_file_that_is_not_a_backup_is_named_as_such(plain: Path, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="not an encrypted distro backup"):
        decrypt_file(plain, tmp_path / "restored.sqlite3", PASSPHRASE)


def test_decrypting_never_overwrites_a_file(sealed: Path, plain: Path) -> None:
    before = plain.read_bytes()
    with pytest.raises(DomainError, match="already exists"):
        decrypt_file(sealed, plain, PASSPHRASE)
    assert plain.read_bytes() == before


# --- backup_database ------------------------------------------------------------------------


def family_count(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(connection.execute("SELECT count(*) FROM family").fetchone()[0])
    finally:
        connection.close()


def backup_events(engine: Engine) -> list[AuditEvent]:
    with reading(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == "database.backup")))


def test_an_encrypted_backup_leaves_only_the_sealed_file(
    engine: Engine, register: Registrar, tmp_path: Path, now: datetime
) -> None:
    register("Amina Yusuf")
    folder = tmp_path / "backups"
    target = folder / "copy.enc"
    backup_database(engine, target, actor=ADMIN, now=now, passphrase=PASSPHRASE)
    assert list(folder.iterdir()) == [target]
    assert b"Amina" not in target.read_bytes()
    decrypt_file(target, tmp_path / "restored.sqlite3", PASSPHRASE)
    assert family_count(tmp_path / "restored.sqlite3") == 1
    [event] = backup_events(engine)
    assert event.actor == "Test Admin" and "encrypted" in event.summary


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR])
def test_only_an_admin_may_make_a_backup(
    role: Role, engine: Engine, tmp_path: Path, now: datetime
) -> None:
    with pytest.raises(NotAllowed, match="make backups"):
        backup_database(engine, tmp_path / "copy.sqlite3", actor=Actor("Sam", role), now=now)
    assert not (tmp_path / "copy.sqlite3").exists()
    assert backup_events(engine) == []


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def no_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point DISTRO_DB at a file in the temp folder, so a command given no --db never touches
    the real one; returns that path."""
    path = tmp_path / "default.sqlite3"
    monkeypatch.setenv("DISTRO_DB", str(path))
    return path


def test_admin_backs_up_encrypted_and_decrypt_backup_restores_it(
    engine: Engine,
    register: Registrar,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_default_database: Path,
) -> None:
    register("Amina Yusuf")
    register("Chan Mei Ling")
    database = str(tmp_path / "test.sqlite3")
    sealed, restored = tmp_path / "copy.enc", tmp_path / "restored.sqlite3"
    monkeypatch.setenv("DISTRO_BACKUP_PASSPHRASE", PASSPHRASE)
    assert run_cli("db", "backup", str(sealed), "--encrypt", "--db", database, user="admin") == 0
    assert run_cli("db", "decrypt-backup", str(sealed), str(restored)) == 0
    assert family_count(restored) == 2
    [event] = backup_events(engine)
    assert event.actor == "admin"
    assert not no_default_database.exists()  # decrypting opened no database


def test_decrypt_backup_with_a_wrong_passphrase_fails_plainly(
    sealed: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_default_database: Path,
) -> None:
    monkeypatch.setenv("DISTRO_BACKUP_PASSPHRASE", "not the right passphrase")
    assert run_cli("db", "decrypt-backup", str(sealed), str(tmp_path / "restored.sqlite3")) == 1
    assert "passphrase is wrong" in capsys.readouterr().err
    assert not (tmp_path / "restored.sqlite3").exists()


@pytest.mark.parametrize("user", ["volunteer", "coordinator"])
def test_the_backup_command_refuses_a_non_admin(
    user: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTRO_BACKUP_PASSPHRASE", PASSPHRASE)
    target = tmp_path / "copy.enc"
    database = str(tmp_path / "test.sqlite3")
    assert run_cli("db", "backup", str(target), "--encrypt", "--db", database, user=user) == 1
    assert not target.exists()
    assert backup_events(engine) == []


def test_without_a_terminal_the_passphrase_must_come_from_the_environment(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("DISTRO_BACKUP_PASSPHRASE", raising=False)
    database = str(tmp_path / "test.sqlite3")
    target = tmp_path / "copy.enc"
    assert run_cli("db", "backup", str(target), "--encrypt", "--db", database, user="admin") == 1
    assert "DISTRO_BACKUP_PASSPHRASE" in capsys.readouterr().err
    assert not target.exists()
