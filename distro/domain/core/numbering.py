"""Provides the numbers behind printable codes, allocated inside the caller's transaction.

`UPDATE ... RETURNING` on one counter row per prefix: the row lock serialises two counters
asking at once, on SQLite and PostgreSQL alike, and a rolled-back transaction gives its number
back, so codes have no gaps from failed registrations.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Field, Session, SQLModel

from distro.domain.core.codes import CodeKind


class CodeCounter(SQLModel, table=True):
    """The last number handed out for each code prefix; incremented in the caller's transaction."""

    __tablename__ = "code_counter"

    prefix: str = Field(primary_key=True, max_length=4)
    last_number: int = 0


def next_number(session: Session, kind: CodeKind) -> int:
    """The next unused number for codes of `kind`."""
    number = session.execute(
        text(
            "UPDATE code_counter SET last_number = last_number + 1 "
            "WHERE prefix = :prefix RETURNING last_number"
        ),
        {"prefix": kind.value},
    ).scalar_one()
    return int(number)


def reserve_up_to(session: Session, kind: CodeKind, number: int) -> None:
    """Make sure `number` (taken by an imported code) is never handed out again."""
    session.execute(
        text(
            "UPDATE code_counter SET last_number = :number "
            "WHERE prefix = :prefix AND last_number < :number"
        ),
        {"prefix": kind.value, "number": number},
    )
