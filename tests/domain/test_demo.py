"""Tests of the demo and benchmark data: deterministic, stored like real families, findable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import col, select

from distro.cli import main
from distro.domain.admin.checks import check_database
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.clock import local_date
from distro.domain.core.codes import parse_scan
from distro.domain.core.db import make_engine, migrate, reading, unit_of_work
from distro.domain.core.errors import Conflict
from distro.domain.core.reference import districts, read_data_csv
from distro.domain.demo import (
    DEMO_ACTOR,
    DEMO_FAMILIES,
    DEMO_PIN,
    DEMO_SEED,
    DEMO_USERS,
    bulk_synthetic,
    communities,
    create_demo,
    create_demo_stock,
    demo_districts,
    demo_families,
    registered_at,
)
from distro.domain.demo.registry import create_demo_users
from distro.domain.families.models import DietaryNeed, Family, Member, Relationship
from distro.domain.families.registry import register_family
from distro.domain.families.search import search_families
from distro.domain.stock.levels import stock_alerts, stock_levels
from distro.domain.stock.models import Item, MovementKind, StockMovement, StockReceipt
from distro.domain.users.sign_in import sign_in
from tests.builders.clock import FIXED_NOW, HONG_KONG
from tests.builders.databases import fresh_copy

if TYPE_CHECKING:
    from distro.tui.app import DistroApp

TODAY = FIXED_NOW.date()
SCRIPTS = {
    "Tamil": (0x0B80, 0x0BFF),
    "Arabic": (0x0600, 0x06FF),
    "Ethiopic": (0x1200, 0x137F),
    "Sinhala": (0x0D80, 0x0DFF),
}


BULK_CREATOR = Actor(name=DEMO_ACTOR, role=Role.COORDINATOR)


def test_the_demo_has_one_user_per_role_with_the_demo_pin(demo_engine: Engine) -> None:
    for role in DEMO_USERS:
        actor = sign_in(demo_engine, role.value, DEMO_PIN, now=FIXED_NOW)
        assert actor.role is role


def test_the_demo_is_refused_on_a_database_that_has_users(demo_engine: Engine) -> None:
    with pytest.raises(Conflict), unit_of_work(demo_engine) as session:
        create_demo(session, now=FIXED_NOW, count=1)


def _fresh_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[Engine]:
    """One demo database shared by the tests that only read it (creating it takes seconds)."""
    engine = fresh_copy(demo_template, tmp_path_factory.mktemp("demo-copy"))
    yield engine
    engine.dispose()


pytestmark = pytest.mark.xdist_group("demo")  # beside the other readers of the demo template


def test_the_data_files_agree_with_each_other() -> None:
    assert {district.name for district in demo_districts()} == set(districts())
    for community in communities():
        for part in set(community.naming) - {"given", "father", "grandfather"}:
            assert community.names["family"], f"{community.key} has no {part} names"
        assert community.names["male"] and community.names["female"], community.key


def test_a_seed_always_gives_the_same_families() -> None:
    first = [family.model_dump() for family in demo_families(40, 7, TODAY)]
    again = [family.model_dump() for family in demo_families(40, 7, TODAY)]
    other = [family.model_dump() for family in demo_families(40, 8, TODAY)]
    assert first == again
    assert first != other


def test_households_are_plausible() -> None:
    for family in demo_families(200, 11, TODAY):
        assert 1 <= len(family.members) <= 8
        assert [m.relationship for m in family.members].count(Relationship.HEAD) == 1
        assert family.consent_date is not None and family.consent_date <= TODAY
        assert all(re.fullmatch(r"\+852[569]\d{7}", phone) for phone in family.phones)
        births = [m.birth_date for m in family.members if m.birth_date]
        assert all(birth <= family.consent_date for birth in births)
        baby = any(birth > TODAY - timedelta(days=365) for birth in births)
        assert (DietaryNeed.INFANT_FORMULA in family.dietary) == baby
        for member in family.members:
            assert bool(member.school) == bool(re.fullmatch(r"[KPS][1-6]", member.grade))
            if member.nationality == "Somali":
                assert DietaryNeed.HALAL in family.dietary


def test_demo_registers_every_family_with_its_history(demo_engine: Engine) -> None:
    with reading(demo_engine) as session:
        families = session.exec(select(Family)).all()
        registered = session.exec(
            select(AuditEvent.family_id).where(AuditEvent.action == "family.register")
        ).all()
        with_members = session.exec(select(Member.family_id).distinct()).all()
    assert len(families) == DEMO_FAMILIES
    assert {f.id for f in families} == set(registered) == set(with_members)
    assert all(parse_scan(family.code).text == family.code for family in families)
    assert {"suspended", "resettled"} <= {family.status for family in families}
    assert check_database(demo_engine) == []


def test_demo_keeps_deliberate_near_duplicates_with_a_reason(demo_engine: Engine) -> None:
    with reading(demo_engine) as session:
        reasons = session.exec(
            select(AuditEvent.reason).where(
                AuditEvent.action == "family.register", col(AuditEvent.reason) != ""
            )
        ).all()
    assert len(reasons) == 3
    assert all(r.startswith("Registered despite possible duplicates F-") for r in reasons)
    assert all(": Demo:" in reason for reason in reasons)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_names_written_in_their_own_script_are_found(demo_engine: Engine, script: str) -> None:
    low, high = SCRIPTS[script]
    with reading(demo_engine) as session:
        members = session.exec(select(Member).where(col(Member.aliases) != "")).all()
        member = next(
            m for m in members if any(low <= ord(ch) <= high for ch in m.aliases.split("|")[0])
        )
        hits = search_families(session, member.aliases.split("|")[0], limit=200)
    assert member.family_id in {hit.family_id for hit in hits}


def test_bulk_families_are_sound_and_searchable(engine: Engine, now: datetime) -> None:
    bulk_synthetic(engine, 1000, seed=5, now=now)
    assert check_database(engine) == []
    with reading(engine) as session:
        member = session.exec(select(Member).where(Member.position == 0).limit(1)).one()
        hits = search_families(session, member.full_name)
        assert member.family_id in {hit.family_id for hit in hits}
        assert search_families(session, "F-000999")[0].code.startswith("F-000999-")
    bulk_synthetic(engine, 10, seed=6, now=now)
    assert check_database(engine) == []


def test_bulk_rows_are_the_rows_registration_writes(
    engine: Engine, tmp_path: Path, now: datetime
) -> None:
    bulk_synthetic(engine, 12, seed=3, now=now)
    registered = _fresh_engine(tmp_path / "registered.sqlite3")
    with unit_of_work(registered) as session:
        for index, data in enumerate(demo_families(12, 3, now.date(), unique_names=False)):
            at = registered_at(data, index, now)
            register_family(session, data, actor=BULK_CREATOR, now=at, duplicate_reason="test")
    assert _rows(engine) == _rows(registered)


def _rows(engine: Engine) -> dict[str, list[Any]]:
    """Every row of the family tables without its own id, in a stable order."""
    tables = {"family": "code", "member": "family_id, position", "phone": "family_id, position"}
    tables["search_key"] = "family_id, key"
    with engine.connect() as connection:
        return {
            table: [
                tuple(value for name, value in row._mapping.items() if name != "id")
                for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
            ]
            for table, order in tables.items()
        }


def _run_cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code or 0)


def test_demo_command_creates_the_database_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.sqlite3"
    assert _run_cli("demo", "--db", str(path), "--no-open", "--families", "25") == 0
    assert f"Demo database: {path} (25 fictional families)" in capsys.readouterr().out
    assert _run_cli("--db", str(path), "demo", "--no-open") == 0
    output = capsys.readouterr().out
    assert "Creating" not in output
    assert f"Demo database: {path} (25 fictional families)" in output


def test_demo_command_opens_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[Engine] = []

    def fake_run_app(app: DistroApp) -> int:
        opened.append(app.engine)
        return 0

    monkeypatch.setattr("distro.cli.run_app", fake_run_app)
    monkeypatch.setenv("DISTRO_DB", str(tmp_path / "real.sqlite3"))
    assert _run_cli("demo", "--db", str(tmp_path / "demo.sqlite3"), "--families", "3") == 0
    assert len(opened) == 1
    assert opened[0].url.database == str(tmp_path / "demo.sqlite3")
    assert not (tmp_path / "real.sqlite3").exists()


def test_registration_times_fall_on_the_consent_date() -> None:
    family = next(demo_families(1, 1, TODAY))
    at = registered_at(family, 0, FIXED_NOW)
    assert at.date() == family.consent_date
    assert at <= FIXED_NOW
    assert isinstance(family.consent_date, date)


def test_a_demo_database_from_before_sign_in_gets_its_users_and_stock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old-demo.sqlite3"
    engine = _fresh_engine(path)
    bulk_synthetic(engine, 3, seed=1, now=FIXED_NOW)  # families, nobody to sign in, no stock
    assert _run_cli("demo", "--db", str(path), "--no-open") == 0
    assert "Adding the demo stock" in capsys.readouterr().out
    assert sign_in(engine, "volunteer", DEMO_PIN, now=FIXED_NOW).role is Role.VOLUNTEER
    with reading(engine) as session:
        items = len(session.exec(select(Item)).all())
        receipts = len(session.exec(select(StockReceipt)).all())
    assert items == len(read_data_csv("catalogue.csv")) and receipts >= 10
    assert _run_cli("demo", "--db", str(path), "--no-open") == 0
    assert "Adding the demo stock" not in capsys.readouterr().out
    with reading(engine) as session:
        assert len(session.exec(select(StockReceipt)).all()) == receipts
    assert check_database(engine) == []
    engine.dispose()


def test_the_demo_stock_has_months_of_movements_and_something_to_watch(
    demo_engine: Engine,
) -> None:
    today = local_date(FIXED_NOW, HONG_KONG)
    with reading(demo_engine) as session:
        items = session.exec(select(Item)).all()
        sources = set(session.exec(select(StockReceipt.source)).all())
        kinds = set(session.exec(select(StockMovement.kind)).all())
        first = session.exec(select(StockMovement.at).order_by(col(StockMovement.at))).first()
        alerts = stock_alerts(session, today=today)
        levels = stock_levels(session, today=today)
    assert len(items) == len(read_data_csv("catalogue.csv"))
    assert {"Food Angel", "Feeding Hong Kong"} <= sources and len(sources) >= 4
    assert {MovementKind.RECEIVE, MovementKind.ISSUE, MovementKind.EXPIRE} <= set(kinds)
    assert first is not None and first.date() <= today - timedelta(days=90)
    assert alerts.lots_expiring_soon >= 1
    assert 1 <= alerts.lots_expired_on_shelf <= 2
    assert 1 <= alerts.items_below_threshold <= 5
    assert sum(level.days_of_stock is not None for level in levels) >= len(levels) * 3 // 4
    assert check_database(demo_engine) == []


def test_the_demo_stock_is_the_same_story_whatever_the_day(tmp_path: Path) -> None:
    """The stock alone (the full demo's handouts depend on the weekday), told on two days."""
    levels = []
    for number, day in enumerate((FIXED_NOW, FIXED_NOW + timedelta(days=40))):
        engine = _fresh_engine(tmp_path / f"stock-{number}.sqlite3")
        with unit_of_work(engine) as session:
            create_demo_users(session, now=day)
            assert create_demo_stock(session, now=day, seed=DEMO_SEED) > 0
        levels.append(_levels(engine, local_date(day, HONG_KONG)))
        engine.dispose()
    assert levels[0] == levels[1]


def _levels(engine: Engine, today: date) -> list[tuple[Any, ...]]:
    """Each item's level, with what is relative to today, but not today itself."""
    with reading(engine) as session:
        levels = stock_levels(session, today=today)
    return [
        (level.name, level.on_hand, level.expired_on_hand, level.expiring_soon, level.daily_rate)
        + ((level.next_expiry - today).days if level.next_expiry else None,)
        for level in levels
    ]
