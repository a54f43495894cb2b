"""Provides `bulk_synthetic`: tens of thousands of demo households written fast, for benchmarks."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import unit_of_work
from distro.domain.core.numbering import CodeCounter, reserve_up_to
from distro.domain.demo.households import demo_families, registered_at
from distro.domain.demo.registry import DEMO_ACTOR
from distro.domain.families.family_rows import (
    family_row,
    insert_families,
    insert_households,
    new_record,
)
from distro.domain.families.schemas import FamilyIn

BULK_BATCH = 2_000
BULK_TRANSACTION = 20_000
"""Families per commit: keeps the WAL file small without paying for a commit per batch."""


def bulk_synthetic(engine: Engine, count: int, seed: int, now: datetime) -> None:
    """Write `count` synthetic households for benchmarks, fast.

    Synthetic data has no one to protect from a duplicate and no history to keep, so this skips
    duplicate detection and history rows (the two slowest parts of a registration); everything a
    search or a report reads is written exactly as `register_family` writes it: the same Family,
    Member and Phone rows, the search keys from `family_keys`, codes from the code counter.
    """
    households = demo_families(count, seed, now.date(), unique_names=False)
    written = 0
    while written < count:
        with unit_of_work(engine) as session:
            chunk = min(BULK_TRANSACTION, count - written)
            first_number = _last_family_number(session) + 1
            for start in range(0, chunk, BULK_BATCH):
                batch = list(itertools.islice(households, min(BULK_BATCH, chunk - start)))
                _insert_batch(session, batch, first_number + start, written + start, now)
            reserve_up_to(session, CodeKind.FAMILY, first_number + chunk - 1)
        written += chunk


def _last_family_number(session: Session) -> int:
    counter = session.get(CodeCounter, CodeKind.FAMILY.value)
    return counter.last_number if counter else 0


def _insert_batch(
    session: Session, batch: list[FamilyIn], first_number: int, first_index: int, now: datetime
) -> None:
    """Insert one batch of households with a few multi-row INSERTs."""
    families = [
        family_row(
            data,
            format_code(CodeKind.FAMILY, first_number + offset),
            DEMO_ACTOR,
            registered_at(data, first_index + offset, now),
        )
        for offset, data in enumerate(batch)
    ]
    ids = insert_families(session, families)
    records = [
        new_record(family.model_copy(update={"id": family_id}), data)
        for family, family_id, data in zip(families, ids, batch, strict=True)
    ]
    insert_households(session, records)
