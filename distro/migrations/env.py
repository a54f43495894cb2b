"""Alembic environment: runs migrations on the engine handed over in config.attributes."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import distro.domain.handout_models  # noqa: F401
import distro.domain.models  # noqa: F401  (registers the tables on the metadata)
import distro.domain.stock_models  # noqa: F401

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
