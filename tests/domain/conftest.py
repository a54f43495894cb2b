"""Fixtures for the domain tests: valid family input in one line, registering it in one step,
and a second empty database. The builders behind them are in tests/builders/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from distro.domain.core.access import Actor
from distro.domain.core.db import make_engine, migrate
from distro.domain.core.inputs import validated
from distro.domain.families.models import Family
from distro.domain.families.schemas import FamilyIn
from tests.builders.families import ACTOR, FamilyBuilder, Registrar, family_dict, register_into


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


@pytest.fixture
def register(engine: Engine, now: datetime) -> Registrar:
    """`register("Amina Yusuf", phones=[...], reason=...)` on the test's database."""

    def run(*names: str, **kwargs: Any) -> Family:
        return register_into(engine, now, *names, **kwargs)

    return run


@pytest.fixture
def other_engine(tmp_path: Path) -> Iterator[Engine]:
    """A second, empty database: where an export is imported again."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    migrate(engine)
    yield engine
    engine.dispose()
