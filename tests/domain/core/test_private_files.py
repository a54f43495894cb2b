"""Every file distro writes is its owner's alone and whole, or not there at all: the module all
writers share, on its own (the commands and backups that use it are tested with them)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pytest

from distro.domain.core.errors import NotWritten
from distro.domain.core.private_files import (
    make_private,
    write_private_bytes,
    write_private_text,
)
from tests.builders.disks import full_disk, shared_umask


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def default_permissions() -> Iterator[None]:
    with shared_umask():
        yield


def test_a_file_and_the_folders_made_for_it_are_private(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    target = tmp_path / "exports" / "2026" / "families.csv"
    write_private_text(target, lambda out: out.write("name\r\nAmina Yusuf\r\n"))
    assert target.read_bytes() == b"name\r\nAmina Yusuf\r\n"
    assert mode(target) == 0o600
    assert mode(tmp_path / "exports") == mode(tmp_path / "exports" / "2026") == 0o700
    assert mode(tmp_path) == 0o755  # a folder distro did not make is not distro's to change


def test_a_file_readable_by_others_is_replaced_by_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "card.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private_bytes(target, b"new")
    assert (target.read_bytes(), mode(target)) == (b"new", 0o600)
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: path.symlink_to(path.parent / "elsewhere.csv"), "a symbolic link"),
        (lambda path: path.mkdir(), "a folder"),
        (lambda path: os.mkfifo(path), "a named pipe"),
    ],
    ids=["symlink", "folder", "fifo"],
)
def test_anything_but_a_regular_file_is_refused_before_writing(
    make: Callable[[Path], object], kind: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("precious")
    target = tmp_path / "export.csv"
    make(target)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(NotWritten, match=f"it is {kind}, not a regular file; nothing was"):
        write_private_bytes(target, b"names")
    assert sorted(tmp_path.iterdir()) == before
    assert elsewhere.read_text() == "precious"


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotWritten, match="/dev/null: it is a device"):
        write_private_bytes(Path("/dev/null"), b"names")


def test_a_full_disk_is_one_plain_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with full_disk(tmp_path / "disk", monkeypatch) as folder:
        target = folder / "families.csv"
        with pytest.raises(NotWritten) as refused:
            write_private_bytes(target, os.urandom(300_000))
        assert str(refused.value) == (
            f"cannot write {target}: no space left on device; nothing was written."
        )
        assert list(folder.iterdir()) == []


def test_a_writer_that_fails_leaves_nothing(tmp_path: Path) -> None:
    def half_then_fail(out: TextIO) -> None:
        out.write("Amina Yusuf\r\n")
        raise ValueError("the export broke")

    with pytest.raises(ValueError, match="export broke"):
        write_private_text(tmp_path / "families.csv", half_then_fail)
    assert list(tmp_path.iterdir()) == []


def test_make_private_takes_others_permissions_off_and_names_what_it_changed(
    tmp_path: Path,
) -> None:
    loose, tight = tmp_path / "loose", tmp_path / "tight"
    for path, permissions in ((loose, 0o644), (tight, 0o600)):
        path.write_bytes(b"")
        path.chmod(permissions)
    assert make_private([loose, tight, tmp_path / "absent"]) == [loose]
    assert mode(loose) == mode(tight) == 0o600
