"""A moment reads on the NGO's clock in every shape, whatever the machine's own zone is."""

from __future__ import annotations

from datetime import datetime

import pytest

from distro.domain.core.moments import MomentStyle, moment_text
from tests.builders.clock import FIXED_NOW, FIXED_NOW_IN_HONG_KONG, HONG_KONG, machine_zone


@pytest.mark.parametrize("machine", ["UTC", "America/Los_Angeles", "Asia/Hong_Kong"])
def test_a_moment_reads_the_same_whatever_zone_the_machine_is_set_to(machine: str) -> None:
    with machine_zone(machine):
        assert moment_text(FIXED_NOW, HONG_KONG) == FIXED_NOW_IN_HONG_KONG


def test_a_stored_time_without_its_zone_is_utc_not_the_machines_time() -> None:
    stored = FIXED_NOW.replace(tzinfo=None)  # as SQLite hands it back
    with machine_zone("America/Los_Angeles"):
        assert moment_text(stored, HONG_KONG) == FIXED_NOW_IN_HONG_KONG


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        (MomentStyle.STAMP, "2026-11-25 17:30"),
        (MomentStyle.DAY_TIME, "25 Nov 17:30"),
        (MomentStyle.DATE_TIME, "25 Nov 2026 17:30"),
        (MomentStyle.ISO, "2026-11-25T17:30:00+08:00"),
    ],
)
def test_each_shape_is_on_the_ngo_clock(style: MomentStyle, shown: str) -> None:
    assert moment_text(FIXED_NOW, HONG_KONG, style) == shown


def test_the_printed_day_has_no_leading_zero() -> None:
    early = datetime(2026, 12, 1, 1, 5, tzinfo=HONG_KONG)
    assert moment_text(early, HONG_KONG, MomentStyle.DATE_TIME) == "1 Dec 2026 01:05"
