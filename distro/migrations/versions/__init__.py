"""The migrations, oldest first; Alembic reads them by file name."""
