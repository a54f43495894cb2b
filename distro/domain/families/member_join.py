"""Provides folding one member row into another when a merge finds one person in both records.

The surviving row stays and takes what only the other knew (a date of birth, languages, the
other spelling of the name as an alias); every row elsewhere that points at the dropped member
is pointed at the survivor, then the dropped row is deleted, with the two rows kept in the
history so nothing about the person is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, update
from sqlmodel import Session, SQLModel

from distro.domain.audit.changes import record_change
from distro.domain.core.access import Actor, Permission, requires
from distro.domain.families.models import LIST_SEPARATOR, Member, Sex
from distro.domain.families.registry import member_fields

MAX_ALIASES = 10
"""As many as the member form accepts."""
_FILLED_WHEN_BLANK = ("nationality", "school", "grade")


@requires(Permission.MERGE_FAMILIES)
def join_member(
    session: Session, kept: Member, dropped: Member, *, actor: Actor, now: datetime
) -> None:
    """Fold `dropped` into `kept` and record it in `kept`'s family history."""
    assert kept.id is not None and dropped.id is not None
    before = {"members": [member_fields(kept), member_fields(dropped)]}
    fill_blanks(kept, dropped)
    repoint_member_references(session, dropped.id, kept.id)
    session.delete(dropped)
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="member.join",
        entity="member",
        entity_id=kept.id,
        family_id=kept.family_id,
        summary=f"{dropped.full_name} kept once, as {kept.full_name}",
        before=before,
        after={"members": [member_fields(kept)]},
    )


def fill_blanks(kept: Member, dropped: Member) -> None:
    """What `kept` lacks, from `dropped`; where both know something, `kept` wins."""
    for name in _FILLED_WHEN_BLANK:
        if not getattr(kept, name):
            setattr(kept, name, getattr(dropped, name))
    if kept.sex == Sex.UNKNOWN:
        kept.sex = dropped.sex
    if dropped.birth_date is not None and (
        kept.birth_date is None or (kept.birth_date_estimated and not dropped.birth_date_estimated)
    ):
        kept.birth_date, kept.birth_date_estimated = (
            dropped.birth_date,
            dropped.birth_date_estimated,
        )
    other_spelling = [dropped.full_name] if dropped.full_name != kept.full_name else []
    aliases = _joined(kept.aliases, *other_spelling, *_split(dropped.aliases))
    kept.aliases = LIST_SEPARATOR.join(aliases[:MAX_ALIASES])
    kept.languages = LIST_SEPARATOR.join(_joined(kept.languages, *_split(dropped.languages)))


def repoint_member_references(session: Session, from_id: int, to_id: int) -> None:
    """Point every foreign key to a member at `to_id` instead of `from_id`, found on the
    metadata, so a table another capability adds later (a loan to a person) is covered
    without this module knowing it."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if _references_member(column):
                session.execute(update(table).where(column == from_id).values({column.name: to_id}))


def _references_member(column: Column[object]) -> bool:
    return any(key.column.table.name == Member.__tablename__ for key in column.foreign_keys)


def _split(joined: str) -> list[str]:
    return [value for value in joined.split(LIST_SEPARATOR) if value]


def _joined(joined: str, *more: str) -> list[str]:
    return list(dict.fromkeys([*_split(joined), *more]))
