"""Provides the clock: rules receive the time as an argument, so tests can set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: now, timezone-aware, in UTC."""
    return datetime.now(UTC)
