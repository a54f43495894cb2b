"""Provides typed text as a table cell."""

from __future__ import annotations

from rich.markup import escape as escape_for_table


def cell(text: str) -> str:
    """Typed text as a table cell: tables read markup, and a name may hold [brackets]."""
    return escape_for_table(text)
