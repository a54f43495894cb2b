"""Alembic environment: runs migrations on the engine handed over in config.attributes.

The migrations never import the domain: they must do the same thing whatever today's code
looks like. Only autogenerating a new migration needs today's tables; whoever does that hands
them over as `target_metadata` (see distro.migrations.alembic_config)."""

from __future__ import annotations

from alembic import context

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes.get("target_metadata"),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
