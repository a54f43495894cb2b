"""The NGO's time zone is one setting on the database: Hong Kong until an admin changes it, and
every time shown and every "today" follows it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from distro.domain.admin.settings import set_time_zone
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import InvalidInput, NotAllowed
from distro.domain.core.moments import moment_text
from distro.domain.core.zone import counter_today, ngo_zone
from distro.domain.distribution.rounds import open_rounds
from tests.builders.clock import FIXED_NOW, FIXED_NOW_IN_HONG_KONG, machine_zone

ADMIN = Actor(name="admin", role=Role.ADMIN)
LATE_EVENING_UTC = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
"""01:00 on the 25th in Hong Kong, still the 24th in London."""


def shown(engine: Engine) -> str:
    with reading(engine) as session:
        return moment_text(FIXED_NOW, ngo_zone(session))


def set_zone(engine: Engine, name: str, actor: Actor = ADMIN) -> None:
    with unit_of_work(engine) as session:
        set_time_zone(session, name, actor=actor, now=FIXED_NOW)


def test_a_new_database_shows_hong_kong_time_on_a_machine_set_to_utc(engine: Engine) -> None:
    with machine_zone("UTC"):
        assert shown(engine) == FIXED_NOW_IN_HONG_KONG


def test_changing_the_setting_changes_every_time_shown_and_the_day(engine: Engine) -> None:
    with reading(engine) as session:
        assert str(counter_today(session, LATE_EVENING_UTC)) == "2026-11-25"
    set_zone(engine, "Europe/London")
    with machine_zone("Asia/Hong_Kong"):
        assert shown(engine) == "2026-11-25 09:30"
    with reading(engine) as session:
        assert str(counter_today(session, LATE_EVENING_UTC)) == "2026-11-24"
        open_rounds(session, counter_today(session, LATE_EVENING_UTC))  # a rule can use it


@pytest.mark.parametrize("name", ["Hong Kong", "HKT+8", "localtime", "", "../etc/passwd"])
def test_a_name_that_is_not_an_iana_zone_is_refused(engine: Engine, name: str) -> None:
    with pytest.raises(InvalidInput, match="not a time zone name"):
        set_zone(engine, name)
    assert shown(engine) == FIXED_NOW_IN_HONG_KONG


def test_only_an_admin_changes_the_zone(engine: Engine) -> None:
    with pytest.raises(NotAllowed):
        set_zone(engine, "UTC", Actor(name="coordinator", role=Role.COORDINATOR))
