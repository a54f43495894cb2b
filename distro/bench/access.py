"""Provides the benchmark's access-control figures: what the role check and the chained audit
row add to a family edit, and how long signing in takes with the real (slow) PIN hash."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from distro.domain.families.schemas import FamilyDetails

EDIT_RATIO_GOAL = 1.5
SIGN_IN_GOAL_MS = 500.0
EDITS = 40
"""Edits of each kind; each is its own transaction, committed to disk as a counter's is."""
SIGN_INS = 5


@dataclass(frozen=True)
class AccessFigures:
    """Medians in milliseconds, each edit a whole unit of work including its commit."""

    edit_plain_ms: float
    """The edit alone: load the family, change its fields and phones, reindex, commit."""
    edit_audited_ms: float
    """The same edit through update_family: role check, snapshots, chained audit row."""
    edit_ratio: float
    sign_in_ms: float
    """sign_in with the shipped scrypt cost: hash check, counters, audit row, commit."""


def measure_access(engine: Engine, name: str, pin: str) -> AccessFigures:
    """Interleave plain and audited edits of different families (so neither kind gets the
    warmer cache), then sign in a few times as `name`."""
    from sqlmodel import select

    from distro.domain.core.db import reading
    from distro.domain.families.models import Family

    with reading(engine) as session:
        query = select(Family.id).where(Family.status == "active").limit(2 * EDITS)
        family_ids = [family_id for family_id in session.exec(query) if family_id is not None]
    plain: list[float] = []
    audited: list[float] = []
    for index, family_id in enumerate(family_ids):
        edit = _audited_edit if index % 2 else _plain_edit
        seconds = edit(engine, family_id, f"bench edit {index}")
        (audited if index % 2 else plain).append(seconds)
    plain_ms, audited_ms = 1000 * statistics.median(plain), 1000 * statistics.median(audited)
    return AccessFigures(
        edit_plain_ms=plain_ms,
        edit_audited_ms=audited_ms,
        edit_ratio=audited_ms / plain_ms,
        sign_in_ms=1000 * statistics.median(_sign_in(engine, name, pin) for _ in range(SIGN_INS)),
    )


def _details(engine: Engine, family_id: int, notes: str) -> FamilyDetails:
    from distro.domain.core.db import reading
    from distro.domain.core.inputs import validated
    from distro.domain.families.registry import load_family
    from distro.domain.families.schemas import FamilyDetails

    with reading(engine) as session:
        family = load_family(session, family_id).family
    return validated(FamilyDetails, {"district": family.district, "notes": notes})


def _plain_edit(engine: Engine, family_id: int, notes: str) -> float:
    from distro.domain.core.clock import utc_now
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.registry import apply_family_details, editable_family

    details = _details(engine, family_id, notes)
    start = time.perf_counter()
    with unit_of_work(engine) as session:
        record = editable_family(session, family_id)
        apply_family_details(session, record, details, editor="bench", now=utc_now())
    return time.perf_counter() - start


def _audited_edit(engine: Engine, family_id: int, notes: str) -> float:
    from distro.domain.core.access import Actor, Role
    from distro.domain.core.clock import utc_now
    from distro.domain.core.db import unit_of_work
    from distro.domain.families.registry import update_family

    details = _details(engine, family_id, notes)
    actor = Actor(name="bench", role=Role.VOLUNTEER)
    start = time.perf_counter()
    with unit_of_work(engine) as session:
        update_family(session, family_id, details, actor=actor, now=utc_now())
    return time.perf_counter() - start


def _sign_in(engine: Engine, name: str, pin: str) -> float:
    from distro.domain.core.clock import utc_now
    from distro.domain.users.sign_in import sign_in

    start = time.perf_counter()
    sign_in(engine, name, pin, now=utc_now())
    return time.perf_counter() - start
