"""Provides the one way distro writes a file: readable by its owner only, and whole or absent.

Every file distro writes holds something of the registry of people seeking protection (an
export, a report, a card, a backup) on a laptop that is often shared or lent. So each file is
created for its owner only (0600), in folders distro makes for its owner only (0700); it is
written under a hidden temporary name beside its place and moved there only once complete and
on the disk, so a full disk, a crash or a kill leaves the old file or none, never half of one;
and it goes only where a regular file is or none is yet: never through a symbolic link, onto a
folder, a pipe or a device (as root, an export once replaced /dev/full).
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TextIO

from distro.domain.core.errors import DomainError, NotWritten

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
_OTHERS = 0o077
"""The permission bits of the group and of everybody else."""
_NOT_REGULAR = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


@contextmanager
def private_file(target: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """A new private file beside `target` that becomes `target` when the block ends without
    an error; on any error it is deleted and nothing is left at `target`. `replace=False`
    refuses a `target` that exists (a backup never overwrites one).

    The temporary file is deleted, not overwritten first: overwriting needs the very disk
    space that may have run out, and stopping half-way would leave it behind."""
    check_target(target, replace=replace)
    temporary: Path | None = None
    try:
        make_private_folder(target.parent)
        descriptor, name = tempfile.mkstemp(  # O_CREAT | O_EXCL, mode 0600
            dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".part"
        )
        temporary = Path(name)
        with os.fdopen(descriptor, "wb") as output:
            yield output
            output.flush()
            os.fsync(output.fileno())
        check_target(target, replace=replace)  # nothing took its place meanwhile
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise NotWritten(target, describe_os_error(error)) from None
    finally:
        if temporary is not None:
            with suppress(OSError):
                temporary.unlink()


def write_private_bytes(target: Path, data: bytes) -> None:
    """Write `data` as the private file `target`, whole or not at all (see `private_file`)."""
    with private_file(target) as output:
        output.write(data)


def write_private_text(target: Path, write: Callable[[TextIO], object]) -> None:
    """Let `write` fill the private text file `target` (UTF-8, line ends as written, for CSV),
    whole or not at all (see `private_file`)."""
    with private_file(target) as output:
        text = io.TextIOWrapper(output, encoding="utf-8", newline="")
        try:
            write(text)
        finally:
            text.detach()  # flushes what `write` wrote; `private_file` closes the file


def check_target(target: Path, *, replace: bool = True) -> None:
    """Refuse, before anything is written, a `target` that is not a regular file (or, with
    `replace=False`, one that exists at all)."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise NotWritten(target, describe_os_error(error)) from None
    for is_kind, kind in _NOT_REGULAR:
        if is_kind(mode):
            raise NotWritten(target, f"it is {kind}, not a regular file")
    if not replace:
        raise DomainError(f"{target} already exists; choose a new file name.")


def make_private_folder(folder: Path) -> None:
    """Create `folder` and its missing parents, each for its owner only. A folder that is
    there already (the home folder, /tmp, a USB stick) is left as it is: not distro's."""
    missing = []
    for path in (folder, *folder.parents):
        if path.is_dir():
            break
        missing.append(path)
    for path in reversed(missing):
        with suppress(FileExistsError):  # another counter made it a moment ago
            path.mkdir(mode=PRIVATE_FOLDER_MODE)


def create_private_file(target: Path) -> None:
    """Create `target` empty and private, unless it exists, in a private folder if it needs
    one: SQLite then keeps the mode it finds, and gives its journals the same."""
    try:
        make_private_folder(target.parent)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    except OSError as error:
        raise NotWritten(target, describe_os_error(error)) from None
    os.close(descriptor)


def make_private(paths: Iterable[Path]) -> list[Path]:
    """Take group and others' permissions off each of `paths` that has any; the ones changed.
    A path that does not exist is skipped."""
    changed = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & _OTHERS:
            path.chmod(stat.S_IMODE(mode) & ~_OTHERS)
            changed.append(path)
    return changed


def describe_os_error(error: OSError) -> str:
    """The system's reason in the middle of a sentence: "no space left on device"."""
    reason = error.strerror or str(error) or type(error).__name__
    return reason[:1].lower() + reason[1:]
