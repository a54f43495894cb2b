"""Provides the audit chain's head as it leaves the database: a row id and that row's hash,
written `ID:HASH` (the hash's first 16 hex digits) on paper and in the anchor file, and the
check that the database still holds that row with that hash.

The chain alone proves only that the rows agree with one another: whoever can write the file
can recompute every hash with the public formula, or cut the last rows and move the head
back. A head kept elsewhere (paper, a backup, the anchor file) catches both: the rewritten
row's hash no longer matches, the cut row is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from distro.domain.core.errors import InvalidInput
from distro.domain.core.words import how_many

PRINTED_HEX = 16
"""How much of the hash goes on paper: enough that no rewrite can match it by chance."""
_WRITTEN = re.compile(r"(\d+):([0-9a-f]{8,64})")


@dataclass(frozen=True)
class ChainHead:
    """A row of the chain and its hash (in full, or the first digits copied from paper)."""

    row_id: int
    row_hash: str

    @property
    def label(self) -> str:
        """`ID:HASH` as it is printed and typed back (`distro db check --head`)."""
        return f"{self.row_id}:{self.row_hash[:PRINTED_HEX]}"


def parse_head(written: str) -> ChainHead:
    """A head as printed, `ID:HASH`; InvalidInput in plain words for anything else."""
    found = _WRITTEN.fullmatch(written.strip().lower())
    if found is None:
        why = "write it as printed, the row number, a colon and the hash: 1234:0f3a9c51d2e87b64"
        raise InvalidInput({"head": why})
    return ChainHead(int(found[1]), found[2])


def chain_head(connection: Connection) -> ChainHead:
    """The newest row of the chain, as the head row every append moves records it."""
    row = connection.execute(
        text("SELECT last_event_id, last_hash FROM audit_chain_head WHERE id = 1")
    ).one()
    return ChainHead(int(row[0]), str(row[1]))


def current_head(engine: Engine) -> ChainHead:
    """The chain's newest row now, for a report or a backup to print."""
    with engine.connect() as connection:
        return chain_head(connection)


def head_problems(connection: Connection, seen: ChainHead, since: str) -> list[str]:
    """What shows that the chain changed since `seen` was taken from it ("since ..." says
    when); empty if the row is still there with the same hash, or nothing was seen then."""
    if seen.row_id == 0:
        return []
    stored = connection.execute(
        text("SELECT row_hash FROM audit_event WHERE id = :id"), {"id": seen.row_id}
    ).scalar()
    if stored is not None and str(stored).startswith(seen.row_hash):
        return []
    last = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_event")).scalar_one()
    if stored is None and last < seen.row_id:
        cut = how_many(seen.row_id - last, "audit row")
        return [
            f"{cut} cut off the end {since}: the log now ends at row {last}, but row "
            f"{seen.row_id} was there (or an older copy of the database replaced it)"
        ]
    return [
        f"the audit log was re-chained or rewritten {since}: row {seen.row_id} no longer has "
        f"the hash {seen.row_hash[:PRINTED_HEX]} it had then"
    ]
