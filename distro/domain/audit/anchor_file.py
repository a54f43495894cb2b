"""Provides the anchor files: one small JSON file per database, in a folder of this user's
only, each written whole or not at all (a temporary file, fsync'd, renamed into place)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from distro.domain.audit.head import ChainHead
from distro.domain.core.private_files import make_private_folder, write_private_text

DAMAGED = (ValueError, KeyError, TypeError)
"""What reading an anchor raises when its file is not one distro wrote (json's errors are
ValueErrors)."""


@dataclass(frozen=True)
class Anchor:
    """One database's head as this machine last saw it, and where and when."""

    database_id: str
    place: str
    head: ChainHead
    seen_at: datetime

    @property
    def since(self) -> str:
        """ "since 2026-12-07 14:03 UTC", for the problems it reveals."""
        return f"since {self.seen_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def read_anchor(folder: Path, identity: str) -> Anchor | None:
    """The anchor kept for this database id, if this machine has one."""
    path = folder / f"{identity}.json"
    return _read(path) if path.exists() else None


def anchors_in(folder: Path) -> list[Anchor]:
    """Every readable anchor in the folder (a damaged one is reported for its own database)."""
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(_read(path))
        except DAMAGED:
            continue
    return found


def _read(path: Path) -> Anchor:
    kept = json.loads(path.read_text(encoding="utf-8"))
    head = ChainHead(int(kept["row_id"]), str(kept["row_hash"]))
    seen_at = datetime.fromisoformat(kept["seen_at"])
    return Anchor(str(kept["database_id"]), str(kept["place"]), head, seen_at)


def write_anchor(folder: Path, anchor: Anchor) -> None:
    """Write the anchor whole or not at all, readable by this user only (NotWritten if the
    disk refuses)."""
    kept = {
        "database_id": anchor.database_id,
        "place": anchor.place,
        "row_id": anchor.head.row_id,
        "row_hash": anchor.head.row_hash,
        "seen_at": anchor.seen_at.astimezone(UTC).isoformat(),
    }
    make_private_folder(folder)
    write_private_text(folder / f"{anchor.database_id}.json", lambda file: json.dump(kept, file))
