"""Fixtures for the domain tests: valid family input in one line, and registering it in one step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.models import Family
from distro.domain.families.registry import register_family
from distro.domain.families.schemas import FamilyIn

ACTOR = Actor(name="Test Coordinator", role=Role.COORDINATOR)

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


@pytest.fixture
def actor() -> Actor:
    """The coordinator every test change is made by (coordinators may do every family change)."""
    return ACTOR


@pytest.fixture
def family_in() -> FamilyBuilder:
    """Build a validated FamilyIn: `family_in("Amina Yusuf", "Omar Yusuf", phones=["91234567"])`."""

    def build(*names: str, **kwargs: Any) -> FamilyIn:
        return validated(FamilyIn, family_dict(*names, **kwargs))

    return build


def register_into(
    engine: Engine, now: datetime, *names: str, reason: str = "", **kwargs: Any
) -> Family:
    """Register a family in its own unit of work; `reason=` goes on despite duplicates."""
    data = validated(FamilyIn, family_dict(*names, **kwargs))
    with unit_of_work(engine) as session:
        return register_family(session, data, actor=ACTOR, now=now, duplicate_reason=reason)


@pytest.fixture
def register(engine: Engine, now: datetime) -> Registrar:
    """`register("Amina Yusuf", phones=[...], reason=...)` on the test's database."""

    def run(*names: str, **kwargs: Any) -> Family:
        return register_into(engine, now, *names, **kwargs)

    return run
