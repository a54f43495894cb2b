"""Provides the `Printer` protocol and `FolderPrinter`, which drops each PDF into a folder.

A folder is the printer every counter has: a card printer's hot folder, a synced share, or a
temp directory in tests. The TUI and CLI only see the protocol, so a real device can be added
without touching them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, runtime_checkable

from distro.domain.core.private_files import write_private_bytes

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_STEM = 80
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)


@runtime_checkable
class Printer(Protocol):
    """Something that prints a finished PDF and says where it went."""

    def print_pdf(self, name: str, pdf: bytes) -> Path:
        """Print `pdf` under the document name `name`; return the file that holds it."""
        ...


class FolderPrinter:
    """Writes each PDF into `folder`, whole and private (see private_files), so a watcher
    never picks up half a file and no other user of the computer can read one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        """Where the PDFs go; created (for its owner only) on first print."""

    def print_pdf(self, name: str, pdf: bytes) -> Path:
        """Write `pdf` as `folder/<safe name>.pdf`, replacing any older file of that name;
        NotWritten if it could not be written."""
        target = self.folder / safe_filename(name)
        write_private_bytes(target, pdf)
        return target


def safe_filename(name: str) -> str:
    """`name` as a plain `.pdf` file name: no folders, no hidden files, no Windows device names.

    A name comes from codes and labels, and one day from a user; "../../etc/x" must land
    inside the folder as "etc_x.pdf", not climb out of it.
    """
    stem = name.removesuffix(".pdf").removesuffix(".PDF")
    stem = _UNSAFE.sub("_", stem).strip("._-")[:_MAX_STEM].rstrip("._-")
    if not stem:
        stem = "document"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    return f"{stem}.pdf"
