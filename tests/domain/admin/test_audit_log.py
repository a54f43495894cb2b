"""Reading the audit log: each filter, paging, who may read it, and that reading is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.admin.audit_log import AuditFilter, audit_events, record_audit_view
from distro.domain.admin.settings import set_time_zone
from distro.domain.audit.changes import record_change
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.codes import CodeKind, format_code
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import CodeError, InvalidInput, NotAllowed, NotFound
from distro.domain.core.inputs import validated
from tests.builders.cli import run_cli
from tests.builders.families import register_into

COORDINATOR = Actor(name="coordinator", role=Role.COORDINATOR)
VOLUNTEER = Actor(name="volunteer", role=Role.VOLUNTEER)
ADMIN = Actor(name="admin", role=Role.ADMIN)


def log(engine: Engine, action: str, *, by: str = "amina", at: datetime) -> None:
    """One audit row, as a service would write it."""
    with unit_of_work(engine) as session:
        record_change(
            session,
            actor=Actor(name=by, role=Role.VOLUNTEER),
            now=at,
            action=action,
            entity="test",
            entity_id=None,
            family_id=None,
            summary=f"{action} by {by}",
        )


def find(engine: Engine, **filters: Any) -> list[AuditEvent]:
    with reading(engine) as session:
        wanted = validated(AuditFilter, filters)
        return audit_events(session, wanted, actor=COORDINATOR)


def test_filter_by_user_newest_first(engine: Engine, now: datetime) -> None:
    for minute, by in enumerate(["amina", "bo", "amina"]):
        log(engine, "stock.count", by=by, at=now + timedelta(minutes=minute))
    rows = find(engine, user="amina")
    assert [row.actor for row in rows] == ["amina", "amina"]
    assert rows[0].at > rows[1].at


def test_filter_by_family_code_is_that_record_only(engine: Engine, now: datetime) -> None:
    first = register_into(engine, now, "Amina Yusuf")
    register_into(engine, now, "Bo Chen")
    rows = find(engine, family_code=first.code.lower())
    assert rows and {row.family_id for row in rows} == {first.id}


def test_family_code_must_be_right(engine: Engine) -> None:
    unused = format_code(CodeKind.FAMILY, 999_999)
    mistyped = unused[:-1] + ("X" if unused[-1] != "X" else "Y")
    with pytest.raises(CodeError, match="mistyped"):
        find(engine, family_code=mistyped)
    with pytest.raises(NotFound):
        find(engine, family_code=unused)


def test_filter_by_action_prefix(engine: Engine, now: datetime) -> None:
    for action in ("user.add", "user.sign_in", "userx.odd", "family.merge"):
        log(engine, action, at=now)
    assert {row.action for row in find(engine, action="user.")} == {"user.add", "user.sign_in"}
    assert [row.action for row in find(engine, action="family.merge")] == ["family.merge"]
    assert find(engine, action="user%") == []


def test_dates_are_whole_days_on_the_counters_clock(engine: Engine) -> None:
    # 17:00 UTC on the 24th is 01:00 on the 25th in Hong Kong.
    log(engine, "late", at=datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    log(engine, "early", at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    day = date(2026, 11, 25)
    assert [row.action for row in find(engine, since=day)] == ["late"]
    assert [row.action for row in find(engine, until=date(2026, 11, 24))] == ["early"]
    with unit_of_work(engine) as session:
        set_time_zone(session, "UTC", actor=ADMIN, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert find(engine, since=day) == []
    both = find(engine, since=date(2026, 11, 24), until=date(2026, 11, 24))
    assert len(both) == 2


def test_paging_with_limit_and_before_id(engine: Engine, now: datetime) -> None:
    for minute in range(5):
        log(engine, f"step.{minute}", at=now + timedelta(minutes=minute))
    first_page = find(engine, action="step.", limit=2)
    assert [row.action for row in first_page] == ["step.4", "step.3"]
    second_page = find(engine, action="step.", limit=2, before_id=first_page[-1].id)
    assert [row.action for row in second_page] == ["step.2", "step.1"]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-11-02", "until": "2026-11-01"}, "form"),
    ],
)
def test_bad_filters_are_explained(filters: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validated(AuditFilter, filters)
    assert field in error.value.problems


def test_volunteers_may_not_read_the_log(engine: Engine) -> None:
    with reading(engine) as session, pytest.raises(NotAllowed, match="view the audit log"):
        audit_events(session, AuditFilter(), actor=VOLUNTEER)
    with unit_of_work(engine) as session, pytest.raises(NotAllowed):
        record_audit_view(session, AuditFilter(), actor=VOLUNTEER, now=datetime.now(UTC))


def test_reading_is_recorded_with_its_filters(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        record_audit_view(session, AuditFilter(user="bo"), actor=COORDINATOR, now=now)
    [row] = find(engine, action="audit.view")
    assert row.actor == "coordinator"
    assert "user bo" in row.summary


def test_cli_prints_matching_rows_and_records_the_look(
    engine: Engine, now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    family = register_into(engine, now, "Amina Yusuf")
    db = str(engine.url.database)
    assert run_cli("audit", "--family", family.code, "--db", db) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert family.code in line and "family.register" in line
    assert run_cli("audit", "--by", "coordinator", "--action", "audit.", "--db", db) == 0
    assert "audit.view" in capsys.readouterr().out
    with reading(engine) as session:
        views = session.exec(select(AuditEvent).where(AuditEvent.action == "audit.view")).all()
    assert len(views) == 2


def test_cli_refuses_volunteers_and_bad_dates(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(engine.url.database)
    assert run_cli("audit", "--db", db, user="volunteer") == 1
    assert "may not view the audit log" in capsys.readouterr().err
    assert run_cli("audit", "--since", "25/11/2026", "--db", db) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
