"""Provides many households' rows written with multi-row INSERTs, as `register_family` stores
one: the same Family, Member and Phone rows and the same search keys.

An import of a whole file and the benchmarks' bulk loader write families this way. Rows are
built with `model_construct`: SQLAlchemy's change tracking in the usual constructor, a flush per
family and reloading it were most of the cost of registering thousands of families.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col

from distro.domain.families.member_rows import member_columns, resolve_birth
from distro.domain.families.models import Family, Member, Phone, SearchKey
from distro.domain.families.registry import FamilyRecord, family_columns
from distro.domain.families.schemas import FamilyIn
from distro.domain.families.search import family_keys


def family_row(data: FamilyIn, code: str, by: str, at: datetime) -> Family:
    """The Family row `register_family` makes for `data`, registered by `by` at `at`."""
    return Family.model_construct(
        code=code,
        created_at=at,
        created_by=by,
        updated_at=at,
        last_active_at=at,
        consent_recorded_by=by if data.consent_date else "",
        **family_columns(data),
    )


def insert_families(session: Session, families: list[Family]) -> list[int]:
    """Insert the family rows; their ids, in the same order."""
    return _inserted_ids(session, Family, col(Family.id), [_columns(family) for family in families])


def new_record(family: Family, data: FamilyIn) -> FamilyRecord:
    """The family (with its id) and the members and phones `data` gives it, not written yet;
    InvalidInput for a date of birth after the day it is registered."""
    assert family.id is not None
    members, phones = household_rows(family.id, data, family.created_at.date())
    return FamilyRecord(family, members, phones=phones)


def insert_households(session: Session, records: list[FamilyRecord]) -> list[FamilyRecord]:
    """Insert the members, phones and search keys of families already inserted; each family as
    `load_family` would read it back (member ids included)."""
    members = [member for record in records for member in record.members]
    member_ids = iter(
        _inserted_ids(session, Member, col(Member.id), [_columns(m) for m in members])
    )
    phones = [_columns(phone) for record in records for phone in record.phones]
    keys = [key for record in records for key in _key_rows(record)]
    for table, rows in ((Phone, phones), (SearchKey, keys)):
        if rows:
            session.connection().execute(insert(table), rows)
    return [
        FamilyRecord(
            record.family,
            [member.model_copy(update={"id": next(member_ids)}) for member in record.members],
            phones=record.phones,
        )
        for record in records
    ]


def household_rows(
    family_id: int, data: FamilyIn, registered_on: date
) -> tuple[list[Member], list[Phone]]:
    """The household's members and phones as `register_family` stores them; InvalidInput for a
    date of birth after `registered_on`."""
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


def _key_rows(record: FamilyRecord) -> list[dict[str, Any]]:
    """The family's search keys, as `reindex_family` stores them."""
    family_id = record.family.id
    return [
        {"family_id": family_id, "key": key, "kind": kind}
        for key, kind in sorted(family_keys(record.family, record.members, record.phones))
    ]


def _inserted_ids(
    session: Session,
    table: type[SQLModel],
    id_column: Mapped[int | None],
    rows: list[dict[str, Any]],
) -> list[int]:
    """Insert `rows` into `table` in multi-row INSERTs; their ids, in the same order."""
    if not rows:
        return []
    statement = insert(table).returning(id_column, sort_by_parameter_order=True)
    returned = session.connection().execute(statement, rows).scalars()
    return [row_id for row_id in returned if row_id is not None]


def _columns(row: SQLModel) -> dict[str, Any]:
    """A table row's column values for a bulk INSERT (the database assigns the id)."""
    return {name: getattr(row, name) for name in type(row).model_fields if name != "id"}
