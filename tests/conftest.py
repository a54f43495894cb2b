"""Shared fixtures: a real, migrated SQLite database in a temp folder, and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distro.domain.db import make_engine, migrate

FIXED_NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh database file with the current schema."""
    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def quick_pin_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash new PINs at a low scrypt cost, so tests that add users stay fast. Each hash keeps
    its own cost, so checking a PIN works the same; tests/domain/test_pins.py checks the real
    cost is used when this is not in the way."""
    import distro.domain.pins

    monkeypatch.setattr(distro.domain.pins, "SCRYPT_COST", 2**10)


@pytest.fixture
def now() -> datetime:
    """The time every test change happens at."""
    return FIXED_NOW
