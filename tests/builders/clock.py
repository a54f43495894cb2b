"""The fixed time every test change happens at (the `now` fixture returns it), the zone the
counters keep when nobody has set one, and a way to set the machine's own clock elsewhere."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from distro.domain.core.zone import DEFAULT_TIME_ZONE

FIXED_NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
HONG_KONG = ZoneInfo(DEFAULT_TIME_ZONE)
FIXED_NOW_IN_HONG_KONG = "2026-11-25 17:30"
"""FIXED_NOW as the counters' clock shows it; a machine set to UTC would say 09:30."""


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """The machine's own clock set to zone `name` (as `TZ=name` would), restored afterwards:
    what distro shows must not depend on it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
