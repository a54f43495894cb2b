"""Provides how a moment reads wherever distro shows one (screens, CLI output, CSV files, slips):
on the NGO's clock, never the machine's, in one of a few agreed shapes.

Month names are written out here rather than by strftime's `%b`, which follows the machine's
locale: a slip or a log must read the same on every counter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from enum import Enum

from distro.domain.core.clock import on_clock

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MomentStyle(Enum):
    """The shapes a moment is shown in."""

    STAMP = "stamp"
    """`2026-11-25 17:30`: lists, logs and CLI output, which sort as text."""
    DAY_TIME = "day_time"
    """`25 Nov 17:30`: within a round, where the year goes without saying."""
    DATE_TIME = "date_time"
    """`25 Nov 2026 17:30`: printed slips, read away from the counter."""
    ISO = "iso"
    """`2026-11-25T17:30:00+08:00`: CSV files, with the offset a spreadsheet needs."""


def _month(moment: datetime) -> str:
    return _MONTHS[moment.month - 1]


_SHAPES: dict[MomentStyle, Callable[[datetime], str]] = {
    MomentStyle.STAMP: lambda at: f"{at:%Y-%m-%d %H:%M}",
    MomentStyle.DAY_TIME: lambda at: f"{at:%d} {_month(at)} {at:%H:%M}",
    MomentStyle.DATE_TIME: lambda at: f"{at.day} {_month(at)} {at.year} {at:%H:%M}",
    MomentStyle.ISO: lambda at: at.isoformat(timespec="seconds"),
}


def moment_text(moment: datetime, zone: tzinfo, style: MomentStyle = MomentStyle.STAMP) -> str:
    """A stored moment (UTC, with or without its zone) as the NGO's clock shows it."""
    return _SHAPES[style](on_clock(moment, zone))
