"""Fixtures for Pilot tests: the real app on a temp database, printing into a temp folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distro.printing.printers import FolderPrinter
from distro.settings import Settings
from distro.tui.app import DistroApp
from tests.builders.cli import add_role_users


@pytest.fixture
def app(engine: Engine, tmp_path: Path, now: datetime) -> DistroApp:
    """A DistroApp with a fixed clock and one user per role; nobody signed in yet."""
    add_role_users(str(engine.url.database))
    settings = Settings(database_url=str(engine.url), slips_dir=tmp_path / "slips")
    return DistroApp(settings, engine, FolderPrinter(tmp_path / "slips"), clock=lambda: now)
