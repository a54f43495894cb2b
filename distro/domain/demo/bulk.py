"""Provides `bulk_synthetic`: tens of thousands of demo households written fast, for benchmarks."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, SQLModel, col

from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import unit_of_work
from distro.domain.core.numbering import CodeCounter, reserve_up_to
from distro.domain.demo.households import demo_families, registered_at
from distro.domain.demo.registry import DEMO_ACTOR
from distro.domain.families.member_rows import member_columns, resolve_birth
from distro.domain.families.models import Family, Member, Phone, SearchKey
from distro.domain.families.registry import family_columns
from distro.domain.families.schemas import FamilyIn
from distro.domain.families.search import family_keys

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
        _family_row(
            data, format_code(CodeKind.FAMILY, first_number + offset), first_index + offset, now
        )
        for offset, data in enumerate(batch)
    ]
    ids = _insert_families(session, families)
    members: list[Member] = []
    phones: list[Phone] = []
    keys: list[dict[str, Any]] = []
    for family, family_id, data in zip(families, ids, batch, strict=True):
        family_members, family_phones = _household_rows(family_id, data, family.created_at.date())
        keys += _key_rows(family_id, family, family_members, family_phones)
        members += family_members
        phones += family_phones
    for table, rows in ((Member, members), (Phone, phones)):
        if rows:
            session.connection().execute(insert(table), [_columns(row) for row in rows])
    session.connection().execute(insert(SearchKey), keys)


def _insert_families(session: Session, families: list[Family]) -> list[int]:
    """Insert the family rows; their ids, in the same order."""
    statement = insert(Family).returning(col(Family.id), sort_by_parameter_order=True)
    returned = session.connection().execute(statement, [_columns(f) for f in families]).scalars()
    return [family_id for family_id in returned if family_id is not None]


def _key_rows(
    family_id: int, family: Family, members: list[Member], phones: list[Phone]
) -> list[dict[str, Any]]:
    """The family's search keys, as `register_family` would store them."""
    return [
        {"family_id": family_id, "key": key, "kind": kind}
        for key, kind in sorted(family_keys(family, members, phones))
    ]


# Rows are built with model_construct: SQLAlchemy's change tracking in the usual constructor is
# most of the cost of a bulk load, and these rows are written with INSERT, never tracked.


def _family_row(data: FamilyIn, code: str, index: int, now: datetime) -> Family:
    at = registered_at(data, index, now)
    return Family.model_construct(
        code=code,
        created_at=at,
        created_by=DEMO_ACTOR,
        updated_at=at,
        last_active_at=at,
        consent_recorded_by=DEMO_ACTOR if data.consent_date else "",
        **family_columns(data),
    )


def _household_rows(
    family_id: int, data: FamilyIn, registered_on: date
) -> tuple[list[Member], list[Phone]]:
    """The household's members and phones as `register_family` stores them."""
    members = []
    for position, member_in in enumerate(data.members):
        birth_date, estimated = resolve_birth(member_in, registered_on, f"members.{position}")
        members.append(
            Member.model_construct(
                family_id=family_id,
                position=position,
                birth_date=birth_date,
                birth_date_estimated=estimated,
                **member_columns(member_in),
            )
        )
    phones = [
        Phone.model_construct(family_id=family_id, number=number, position=position)
        for position, number in enumerate(data.phones)
    ]
    return members, phones


def _columns(row: SQLModel) -> dict[str, Any]:
    """A table row's column values for a bulk INSERT (the database assigns the id)."""
    return {name: getattr(row, name) for name in type(row).model_fields if name != "id"}
