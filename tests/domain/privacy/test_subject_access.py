"""The access-request report and the statistics export (which must hold no personal data)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import NotAllowed
from distro.domain.core.inputs import validated
from distro.domain.families.merge import merge_families
from distro.domain.families.registry import update_family
from distro.domain.families.schemas import FamilyDetails
from distro.domain.families.statistics import statistics_rows
from distro.domain.privacy.subject_access import family_report
from tests.builders.cli import run_cli
from tests.builders.families import Registrar

NAME = "Zebulonia Quartermaine"


def exports(engine: Engine) -> list[AuditEvent]:
    with reading(engine) as session:
        query = select(AuditEvent).where(AuditEvent.action == "personal_data.export")
        return list(session.exec(query).all())


def test_the_report_holds_everything_about_the_family(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = register(NAME, "Octavius Quartermaine", phones=["61827394"], notes="likes rice")
    duplicate = register("Zebulonia Q", reason="same family", address="Flat 9, Block B")
    assert family.id and duplicate.id
    details = validated(FamilyDetails, {"district": "Yau Tsim Mong", "phones": ["61827394"]})
    with unit_of_work(engine) as session:
        update_family(session, family.id, details, actor=actor, now=now)
        merge_families(session, family.id, duplicate.id, "same card", actor=actor, now=now)
        report = family_report(session, family.id, actor=actor, now=now)
    assert NAME in report and "Octavius Quartermaine" in report
    assert "+852 6182 7394" in report
    assert "district: Sham Shui Po -> Yau Tsim Mong" in report
    assert "notes: likes rice -> (none)" in report
    assert "Records merged into this family" in report and duplicate.code in report
    assert "Flat 9, Block B" in report  # the merged record's own fields
    assert "family.register" in report and actor.name in report
    [recorded] = exports(engine)
    assert (recorded.family_id, recorded.actor) == (family.id, actor.name)
    assert "access request" in recorded.summary and NAME not in recorded.summary


def test_a_volunteer_may_not_export_a_family(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    family = register(NAME)
    assert family.id
    volunteer = Actor(name="Test Volunteer", role=Role.VOLUNTEER)
    with unit_of_work(engine) as session, pytest.raises(NotAllowed):
        family_report(session, family.id, actor=volunteer, now=now)
    assert exports(engine) == []


def test_export_family_command_warns_records_and_writes(
    engine: Engine, register: Registrar, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    family = register(NAME, phones=["61827394"])
    database, target = str(engine.url.database), tmp_path / "out" / "family.txt"
    assert run_cli("--db", database, "export", "family", family.code, str(target)) == 0
    assert NAME in target.read_text(encoding="utf-8")
    assert "warning" in capsys.readouterr().err
    assert len(exports(engine)) == 1
    refused = tmp_path / "refused.txt"
    args = ("--db", database, "export", "family", family.code, str(refused))
    assert run_cli(*args, user="volunteer") == 1
    assert not refused.exists() and len(exports(engine)) == 1


def test_statistics_hold_no_personal_data_and_hide_small_counts(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    zebulonia = {"full_name": NAME, "nationality": "Ruritanian", "birth_date": "1990-05-02"}
    register(members=[zebulonia], phones=["61827394"])
    for number in range(6):
        register(
            f"Amina Yusuf{'i' * number}",
            members=[{"full_name": "Omar Yusuf", "sex": "male", "estimated_age": 8}],
            reason="test households",
        )
    with reading(engine) as session:
        rows = {(r["measure"], r["group"]): r["count"] for r in statistics_rows(session, now=now)}
    assert rows[("families by district", "Sham Shui Po")] == "7"
    assert rows[("families by household size", "2 people")] == "6"
    assert rows[("families by household size", "1 person")] == "<5"
    assert rows[("members by age", "5-11")] == "6"
    assert rows[("members by nationality", "Ruritanian")] == "<5"
    assert rows[("members by sex", "male")] == "6"


def test_export_stats_command(
    engine: Engine, register: Registrar, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register(NAME, phones=["61827394"])
    target = tmp_path / "stats.csv"
    args = ("--db", str(engine.url.database), "export", "stats", str(target))
    assert run_cli(*args, user="volunteer") == 0
    text = target.read_text(encoding="utf-8-sig")
    assert "Zebulonia" not in text and "Quartermaine" not in text and "1827394" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert {"measure": "families by status", "group": "active", "count": "<5"} in rows
    assert "warning" not in capsys.readouterr().err
    assert exports(engine) == []
