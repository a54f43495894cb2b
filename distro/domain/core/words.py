"""Provides counting in words: a number and the noun that agrees with it, for every message."""

from __future__ import annotations


def how_many(number: int, one: str, many: str = "") -> str:
    """ "3 families", "1 family": the number and the noun that goes with it."""
    return f"{number} {one if number == 1 else many or one + 's'}"
