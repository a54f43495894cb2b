"""Provides the clock: rules receive the time as an argument, so tests can set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: now, timezone-aware, in UTC."""
    return datetime.now(UTC)


HONG_KONG = timezone(timedelta(hours=8), "HKT")
"""Hong Kong keeps UTC+8 all year (no summer time), so a fixed offset needs no tz database."""


def local_date(now: datetime) -> date:
    """The calendar day at the counters for instant `now`: what 'expired' and 'today' mean."""
    return now.astimezone(HONG_KONG).date()


def on_clock(moment: datetime, zone: tzinfo) -> datetime:
    """A stored instant on the clock of `zone`. SQLite hands times back without their zone;
    distro always writes UTC, so a time without a zone is UTC (never the machine's zone)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def hong_kong_time(moment: datetime) -> datetime:
    """A stored instant on the counters' clock."""
    return on_clock(moment, HONG_KONG)
