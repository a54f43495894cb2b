"""Provides the Alembic migrations and a way to run them from code, without alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, MetaData

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine, target_metadata: MetaData | None = None) -> Config:
    """An Alembic Config pointing at these migrations and at `engine`; `target_metadata`
    (today's tables, `distro.domain.tables`) only for autogenerating a new migration."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    config.attributes["target_metadata"] = target_metadata
    return config


def known_revisions() -> set[str]:
    """The revisions this distro has migrations for; each migration's file is named after its
    revision (a test keeps it so), which spares importing Alembic to ask."""
    return {path.stem for path in (HERE / "versions").glob("[0-9]*.py")}


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration the database has not had yet."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
