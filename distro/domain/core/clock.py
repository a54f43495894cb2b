"""Provides the clock: rules receive the time as an argument, so tests can set it, and count
days on the NGO's clock (a zone the caller passes, read from the database by `ngo_zone`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, tzinfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: now, timezone-aware, in UTC."""
    return datetime.now(UTC)


def on_clock(moment: datetime, zone: tzinfo) -> datetime:
    """A stored instant on the clock of `zone`. SQLite hands times back without their zone;
    distro always writes UTC, so a time without a zone is UTC (never the machine's zone)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def local_date(now: datetime, zone: tzinfo) -> date:
    """The calendar day at the counters for instant `now`: what 'expired' and 'today' mean."""
    return on_clock(now, zone).date()


def clock_moment(day: date, zone: tzinfo, hour: int = 0, minute: int = 0) -> datetime:
    """The instant the clock of `zone` shows `hour:minute` on `day`, in UTC as distro stores
    times. At midnight (the default) it is where a day's rows begin in a query by day."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
