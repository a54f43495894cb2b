"""Provides "starts with" as an index range scan, the same SQL on SQLite and PostgreSQL, and
how many results a search-as-you-type list shows."""

from __future__ import annotations

RESULT_LIMIT = 20
_BEYOND_EVERY_CHARACTER = "\U0010ffff"


def prefix_condition(column: str, name: str, prefix: str, params: dict[str, object]) -> str:
    """SQL for "`column` starts with `prefix`" as an index range scan; binds :name, :name_end."""
    params[name], params[name + "_end"] = prefix, prefix + _BEYOND_EVERY_CHARACTER
    return f"({column} >= :{name} AND {column} < :{name}_end)"
