"""Families for tests: valid form data in one line, registered in one step, by one coordinator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.models import Family
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn

ACTOR = Actor(name="Test Coordinator", role=Role.COORDINATOR)
"""The coordinator every test change is made by (coordinators may do every family change)."""

FamilyBuilder = Callable[..., FamilyIn]
Registrar = Callable[..., Family]


def family_dict(
    *names: str,
    members: list[dict[str, Any]] | None = None,
    district: str = "Sham Shui Po",
    phones: list[str] | tuple[str, ...] = (),
    **details: Any,
) -> dict[str, Any]:
    """Raw form data: each positional name is a member, then any `members` given as dicts."""
    rows = [{"full_name": name} for name in names] + list(members or [])
    return {"district": district, "phones": list(phones), "members": rows, **details}


def register_into(
    engine: Engine, now: datetime, *names: str, reason: str = "", **kwargs: Any
) -> Family:
    """Register a family in its own unit of work; `reason=` goes on despite duplicates."""
    data = validated(FamilyIn, family_dict(*names, **kwargs))
    with unit_of_work(engine) as session:
        return register_family(session, data, actor=ACTOR, now=now, duplicate_reason=reason)


def mother_and_baby(register: Registrar, **details: object) -> Family:
    """Amina Yusuf (born 1990) and her baby (born June 2026), registered with `register`: with
    the test basket, rice 1, oil 1, pork 2 (chicken if halal), formula 3, pads 1: eight units."""
    members = [
        {"full_name": "Amina Yusuf", "sex": "female", "birth_date": "1990-03-01"},
        {"full_name": "Baby Yusuf", "sex": "male", "birth_date": "2026-06-01"},
    ]
    return register(members=members, **details)
