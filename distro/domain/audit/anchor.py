"""Provides anchors: the audit chain's head as this machine last saw it, kept in a file per
database outside it, so that `db check` notices a cut end or a re-chained log.

An anchor is moved forward by `db check`, and when a command or the app closes a database it
wrote to (a backup included), never on every change: an fsync'd file per handout would slow
the counter. It moves only while the row it holds is still there with the same hash, so a
rewrite cannot bless itself by being opened. A database is known by a random id kept in its
settings table, made on first use; a database whose id is new to this machine is noted (with
any other id last seen at the same place), not refused.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from distro.domain.audit.anchor_file import (
    DAMAGED,
    Anchor,
    anchors_in,
    read_anchor,
    write_anchor,
)
from distro.domain.audit.head import ChainHead, chain_head, head_problems
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.shared_settings import AppSetting

DATABASE_ID_KEY = "database_id"
_MADE_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class AnchorCheck:
    """What comparing a database with its anchor found."""

    database_id: str
    head: ChainHead
    problems: list[str]
    """Signs of a rewrite: the anchor is then left as it was."""
    first_sight: bool = False
    """This machine holds no anchor for the database yet."""
    replaced: str = ""
    """On first sight, another database was last seen at the same place: said, not refused."""


def check_anchor(engine: Engine, folder: Path, place: str, now: datetime) -> AnchorCheck:
    """Compare the database at `place` with its anchor in `folder`."""
    identity = database_id(engine, now)
    with engine.connect() as connection:
        head = chain_head(connection)
        if _MADE_ID.fullmatch(identity) is None:
            why = f"the database's id {identity!r} was not made by distro: it was edited"
            return AnchorCheck(identity, head, [why])
        try:
            anchor = read_anchor(folder, identity)
        except DAMAGED as damage:
            why = f"the anchor file {folder / identity}.json was changed ({damage})"
            return AnchorCheck(identity, head, [why])
        if anchor is not None:
            problems = head_problems(connection, anchor.head, anchor.since)
            return AnchorCheck(identity, head, problems)
    return AnchorCheck(identity, head, [], True, _replaced(folder, place, identity))


def record_anchor(folder: Path, found: AnchorCheck, place: str, now: datetime) -> None:
    """Keep the head just checked as the database's anchor, if it moved and the check found
    no sign of a rewrite (an anchor is never moved past one)."""
    if found.problems:
        return
    kept = read_anchor(folder, found.database_id)
    if kept is None or kept.head != found.head:
        write_anchor(folder, Anchor(found.database_id, place, found.head, now))


def advance_anchor(engine: Engine, folder: Path, place: str, now: datetime) -> AnchorCheck:
    """Record the database's head in its anchor, unless the anchor shows a rewrite."""
    found = check_anchor(engine, folder, place, now)
    record_anchor(folder, found, place, now)
    return found


def database_id(engine: Engine, now: datetime) -> str:
    """The database's random id, made (and kept in the settings table) on first use."""
    with reading(engine) as session:
        stored = session.get(AppSetting, DATABASE_ID_KEY)
    if stored is not None:
        return stored.value
    with unit_of_work(engine) as session:
        stored = session.get(AppSetting, DATABASE_ID_KEY)  # another counter may have won
        if stored is None:
            made = uuid.uuid4().hex
            session.add(
                AppSetting(key=DATABASE_ID_KEY, value=made, updated_at=now, updated_by="distro")
            )
            return made
        return stored.value


def _replaced(folder: Path, place: str, identity: str) -> str:
    others = [a for a in anchors_in(folder) if a.place == place and a.database_id != identity]
    return " ".join(
        f"Another database (id {other.database_id}) was at {place} {other.since}, up to audit "
        f"row {other.head.row_id}: this file replaced it, or its id was changed."
        for other in others
    )
