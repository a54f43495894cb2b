"""Provides the NGO's time zone: one setting on the database, so every counter sharing it shows
the same times and agrees on what "today" is, whatever each machine's own clock is set to."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from distro.domain.core.clock import local_date
from distro.domain.core.errors import InvalidInput
from distro.domain.core.shared_settings import AppSetting

TIME_ZONE_KEY = "time_zone"
DEFAULT_TIME_ZONE = "Asia/Hong_Kong"
DEFAULT_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)
"""The zone a new database keeps until an admin sets one: the demo and the bench, which
build new databases, tell their story in it."""
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
"""Files some tz databases keep beside the zones: the machine's own zone and placeholders."""


def ngo_zone(session: Session) -> ZoneInfo:
    """The zone every time on this database is shown in; Hong Kong until an admin sets one."""
    stored = session.get(AppSetting, TIME_ZONE_KEY)
    return ZoneInfo(stored.value) if stored else DEFAULT_ZONE


def counter_today(session: Session, now: datetime) -> date:
    """The calendar day at the counters at instant `now`: what "today" and "expired" mean."""
    return local_date(now, ngo_zone(session))


def checked_zone_name(name: str) -> str:
    """`name` if it is an IANA zone name ("Asia/Hong_Kong", "Europe/London"), else InvalidInput.
    The machine's own zone ("localtime") is refused: it would bring back the machine's clock
    this setting exists to avoid."""
    cleaned = name.strip()
    if cleaned not in _zone_names():
        raise InvalidInput(
            {
                TIME_ZONE_KEY: f"{cleaned or 'an empty name'} is not a time zone name; "
                f"use one like {DEFAULT_TIME_ZONE}"
            }
        )
    return cleaned


@cache
def _zone_names() -> frozenset[str]:
    """Every zone name the tz database knows (read once: it lists a folder of files)."""
    return frozenset(available_timezones()) - NOT_ZONES
