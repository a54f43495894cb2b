"""Provides how distro starts: the engine for the configured database, and the app built on it.

`distro` (cli.py) and the benchmark both start distro through here, so what the benchmark
times is what a volunteer gets. Textual and SQLAlchemy are imported only when asked for: the
app's first frame must not wait for the database layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from distro.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from distro.tui.app import DistroApp


def open_engine(settings: Settings) -> Engine:
    """The engine for the configured database, migrated to the current schema."""
    from distro.domain.core.db import make_engine, migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return engine


def build_app(settings: Settings, engine: Engine | Callable[[], Engine]) -> DistroApp:
    """The terminal app; given a factory, the database opens right after the first frame."""
    from distro.printing.printers import FolderPrinter
    from distro.tui.app import DistroApp

    return DistroApp(settings, engine, FolderPrinter(settings.slips_dir))
