"""Disks for tests: a full one, and the permissions a shared computer's files get by default."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SHARED_UMASK = 0o022
"""The usual default: what is created is readable by every user of the computer."""


@contextmanager
def shared_umask() -> Iterator[None]:
    """Create files as a default account would, so a private mode must come from distro."""
    previous = os.umask(SHARED_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


@contextmanager
def full_disk(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A new, empty folder on a disk with no space left: a 256 KiB tmpfs mounted at `folder`
    and filled up, where the test may mount one (as root). Elsewhere, every file distro writes
    fails with "no space left on device" at its sync, after its bytes were handed over, which
    is where a full disk makes a real write fail last."""
    folder.mkdir()
    mounted = _mount_tmpfs(folder)
    if not mounted:
        monkeypatch.setattr(os, "fsync", _no_space)
    inside = folder / "files"
    inside.mkdir()
    try:
        if mounted:
            _fill(folder / "filler")
        yield inside
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def _mount_tmpfs(folder: Path) -> bool:
    try:
        mounting = ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)]
        return subprocess.run(mounting, capture_output=True).returncode == 0
    except OSError:  # no mount command here
        return False


def _fill(filler: Path) -> None:
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(bytes(4096))
        except OSError as error:
            assert error.errno == errno.ENOSPC


def _no_space(_descriptor: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
