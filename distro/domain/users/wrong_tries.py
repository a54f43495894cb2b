"""Provides the count of wrong sign-in tries per typed name, and the wait it imposes.

Wrong tries in a row for a name slow further tries for it (the wait doubles, up to five
minutes), so guessing a six-digit PIN at a counter left alone takes longer than anyone stays
unseen. The count is kept for every typed name, a user's or not, so the wait is no sign that a
name is real. A row is forgotten a day after its last wrong try (its wait long over), so names
typed once do not pile up.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete

from distro.domain.users.models import WrongSignIns

FREE_TRIES = 3
"""Wrong tries in a row before each further try has to wait."""
FIRST_WAIT_SECONDS = 5
LONGEST_WAIT_SECONDS = 300
FORGOTTEN_AFTER = timedelta(days=1)


def name_key(typed: str) -> str:
    """The key of a cleaned typed name: its case-folded digest, so that "kit wong" and
    "Kit Wong" share a count and the table holds no name as typed."""
    return hashlib.sha256(typed.casefold().encode("utf-8")).hexdigest()


def seconds_to_wait(tries: WrongSignIns | None, now: datetime) -> int:
    """How long the next try for this name must wait (0: try now)."""
    if tries is None or tries.wrong_in_a_row < FREE_TRIES:
        return 0
    wait = min(FIRST_WAIT_SECONDS * 2 ** (tries.wrong_in_a_row - FREE_TRIES), LONGEST_WAIT_SECONDS)
    last = tries.last_wrong_at
    if last.tzinfo is None and now.tzinfo is not None:
        last = last.replace(tzinfo=now.tzinfo)
    remaining = (last + timedelta(seconds=wait) - now).total_seconds()
    return max(0, math.ceil(remaining))


def count_wrong_try(session: Session, tries: WrongSignIns | None, key: str, now: datetime) -> int:
    """Count one more wrong try for the name with `key`; how many there now are in a row."""
    tries = tries or WrongSignIns(name_key=key, last_wrong_at=now)
    tries.wrong_in_a_row += 1
    tries.last_wrong_at = now
    session.add(tries)
    return tries.wrong_in_a_row


def forget_wrong_tries(session: Session, name: str) -> None:
    """Clear the count for a (cleaned) name: its PIN was right, reset, or the user enabled."""
    session.exec(delete(WrongSignIns).where(col(WrongSignIns.name_key) == name_key(name)))


def forget_old_tries(session: Session, now: datetime) -> None:
    """Drop the counts whose last wrong try is more than a day old."""
    cutoff = now - FORGOTTEN_AFTER
    session.exec(delete(WrongSignIns).where(col(WrongSignIns.last_wrong_at) < cutoff))
