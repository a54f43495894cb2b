"""Provides the Member row a validated form makes: its columns and its date of birth.

Shared by registration, member services and the bulk benchmark loader, so that every path
writes members the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from distro.domain.core.errors import InvalidInput
from distro.domain.families.models import LIST_SEPARATOR, Member
from distro.domain.families.schemas import MemberIn


def member_columns(member_in: MemberIn) -> dict[str, Any]:
    """The Member columns a validated form fills, except the date of birth (`resolve_birth`)."""
    return {
        "full_name": member_in.full_name,
        "aliases": LIST_SEPARATOR.join(member_in.aliases),
        "sex": member_in.sex.value,
        "relationship": member_in.relationship.value,
        "nationality": member_in.nationality,
        "languages": LIST_SEPARATOR.join(member_in.languages),
        "school": member_in.school,
        "grade": member_in.grade,
    }


def new_member(
    family_id: int, position: int, member_in: MemberIn, now: datetime, where: str
) -> Member:
    birth_date, estimated = resolve_birth(member_in, now.date(), where)
    return Member(
        family_id=family_id,
        position=position,
        birth_date=birth_date,
        birth_date_estimated=estimated,
        **member_columns(member_in),
    )


def resolve_birth(member_in: MemberIn, today: date, where: str) -> tuple[date | None, bool]:
    """The date of birth to store, and whether it was estimated from an age."""
    if member_in.birth_date is not None:
        problem = birth_date_problem(member_in.birth_date, today)
        if problem:
            raise InvalidInput({f"{where}.birth_date": problem})
        return member_in.birth_date, False
    if member_in.estimated_age is not None:
        # 1 January of the year: never in the future, and marked as estimated.
        return date(today.year - member_in.estimated_age, 1, 1), True
    return None, False


def birth_date_problem(birth_date: date, today: date) -> str | None:
    """What is wrong with a date of birth on `today`, if anything (an import checks every row
    with it before registering anyone)."""
    if birth_date > today:
        return "is in the future; check the date"
    if today.year - birth_date.year > 120:
        return "is more than 120 years ago"
    return None
