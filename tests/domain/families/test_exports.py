"""Exporting families to CSV: read back losslessly, in batches, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.csv_cells import BOM, ESCAPE, FORMULA_STARTS, escape_cell, unescape_cell
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.csv_format import COLUMNS
from distro.domain.families.export import export_families, family_batches
from distro.domain.families.members import add_member, remove_member
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family
from distro.domain.families.registry import change_status, load_family, register_family
from distro.domain.families.schemas import FamilyIn, MemberIn, StatusChange
from tests.builders.cli import run_cli
from tests.domain.families.test_imports import cli, run_import

COORDINATOR = Actor(name="coordinator", role=Role.COORDINATOR)

AMINA: dict[str, Any] = {
    "district": "Sham Shui Po",
    "address": "=1+2 Fuk Wa Street",
    "claim_ref": "+CLAIM-2024-17",
    "phones": ["9123 4567", "+44 7700 900123"],
    "dietary": ["halal", "infant_formula"],
    "allergies": "@peanuts",
    "consent_date": "2026-01-15",
    "consent_purpose": "food support",
    "notes": '-first line\nsecond line, with a "quote"',
    "members": [
        {
            "full_name": "Amina Yusuf",
            "aliases": ["'Ami", "أمينة"],
            "sex": "female",
            "birth_date": "1990-05-01",
            "nationality": "Somali",
            "languages": ["Somali", "Arabic"],
        },
        {"full_name": "Yusuf Ali", "relationship": "child", "estimated_age": 9, "school": "ABC"},
        {"full_name": '=HYPERLINK("http://x","click")', "relationship": "child", "grade": "P3"},
    ],
}
OTHERS: list[dict[str, Any]] = [
    {"district": "Kwun Tong", "phones": ["61234567"], "members": [{"full_name": "陳美玲"}]},
    {"district": "Tuen Mun", "members": [{"full_name": "தமிழ்செல்வி முருகன்", "sex": "female"}]},
    {"district": "Islands", "members": [{"full_name": "አበበ ቢቂላ", "birth_date": "1971-02-03"}]},
]


def register(session: Session, now: datetime, data: dict[str, Any]) -> int:
    family = register_family(session, validated(FamilyIn, data), actor=COORDINATOR, now=now)
    assert family.id is not None
    return family.id


def exported(engine: Engine) -> str:
    target = io.StringIO()
    with reading(engine) as session:
        export_families(session, target)
    return target.getvalue()


def parsed(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.removeprefix(BOM))))


def comparable(engine: Engine) -> dict[str, dict[str, Any]]:
    """Code -> the family as plain data, without database ids."""
    families: dict[str, dict[str, Any]] = {}
    with reading(engine) as session:
        for family in session.exec(select(Family).order_by(col(Family.id))).all():
            assert family.id is not None
            snapshot = load_family(session, family.id).snapshot()
            for member in snapshot["members"]:
                del member["id"]
            families[family.code] = snapshot
    return families


@pytest.fixture
def registry(engine: Engine, now: datetime) -> Engine:
    """A registry with formula-like text, every script, statuses, a removed member."""
    with unit_of_work(engine) as session:
        amina = register(session, now, AMINA)
        ids = [register(session, now, data) for data in OTHERS]
        change_status(session, ids[0], StatusChange(status="suspended"), actor=COORDINATOR, now=now)
        change_status(session, ids[1], StatusChange(status="left_hk"), actor=COORDINATOR, now=now)
        gone = add_member(
            session, amina, MemberIn(full_name="Omar Gone"), actor=COORDINATOR, now=now
        )
        assert gone.id is not None
        remove_member(session, gone.id, "moved out", actor=COORDINATOR, now=now)
    return engine


def test_export_then_import_gives_the_same_families(
    registry: Engine, other_engine: Engine, now: datetime
) -> None:
    report = run_import(other_engine, exported(registry), now)

    assert report.problems == [] and report.written
    assert comparable(other_engine) == comparable(registry)


def test_round_trip_keeps_codes_statuses_and_estimated_births(
    registry: Engine, other_engine: Engine, now: datetime
) -> None:
    run_import(other_engine, exported(registry), now)

    families = comparable(other_engine)
    assert [f["status"] for f in families.values()] == ["active", "suspended", "left_hk", "active"]
    yusuf = next(iter(families.values()))["members"][1]
    assert (yusuf["birth_date"].isoformat(), yusuf["birth_date_estimated"]) == ("2017-01-01", True)
    assert [m["full_name"] for m in next(iter(families.values()))["members"]][2].startswith("=")


def test_a_second_export_is_identical_to_the_first(
    registry: Engine, other_engine: Engine, now: datetime
) -> None:
    first = exported(registry)
    run_import(other_engine, first, now)

    assert exported(other_engine) == first


def test_file_starts_with_a_bom_and_the_header(registry: Engine) -> None:
    content = exported(registry)

    assert content.startswith(BOM + ",".join(COLUMNS) + "\r\n")


def test_one_row_per_active_member_with_household_columns_repeated(registry: Engine) -> None:
    rows = parsed(exported(registry))

    assert len(rows) == 6
    assert "Omar Gone" not in {row["full_name"] for row in rows}
    amina = [row for row in rows if row["household"] == rows[0]["household"]]
    assert [row["family_code"] for row in amina] == [rows[0]["household"]] * 3
    assert {row["phones"] for row in amina} == {"'+85291234567; +447700900123"}
    assert {row["dietary"] for row in amina} == {"halal; infant_formula"}
    assert [row["birth_date"] for row in amina[:2]] == ["1990-05-01", "2017"]


def test_formula_cells_are_escaped_and_restored(registry: Engine) -> None:
    rows = parsed(exported(registry))

    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    first = rows[0]
    assert first["address"] == "'=1+2 Fuk Wa Street"
    assert first["claim_ref"] == "'+CLAIM-2024-17"
    assert first["allergies"] == "'@peanuts"
    assert first["notes"].startswith("'-first line\n")
    assert first["aliases"] == "''Ami; أمينة"
    assert rows[2]["full_name"] == '\'=HYPERLINK("http://x","click")'


def test_merged_families_are_left_out(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        keep, gone = (register(session, now, data) for data in OTHERS[:2])
        merge_families(session, keep, gone, "same household", actor=COORDINATOR, now=now)
        codes = {f.id: f.code for f in session.exec(select(Family)).all()}

    rows = parsed(exported(engine))

    assert {row["household"] for row in rows} == {codes[keep]}
    assert len(rows) == 2


def test_families_are_read_in_batches_by_id(registry: Engine) -> None:
    with reading(registry) as session:
        batches = list(family_batches(session, size=3))

    assert [len(batch) for batch in batches] == [3, 1]
    ids = [record.family.id or 0 for batch in batches for record in batch]
    assert ids == sorted(ids)
    assert [len(record.members) for batch in batches for record in batch] == [3, 1, 1, 1]


@given(st.text())
@example("+85291234567")
@example("'")
@example("''=x")
@example("\t=cmd")
def test_unescape_undoes_escape(text: str) -> None:
    escaped = escape_cell(text)

    assert unescape_cell(escaped) == text
    assert not escaped.startswith(FORMULA_STARTS)
    assert escaped == text or escaped == ESCAPE + text


@given(st.text().filter(lambda text: not text.startswith((*FORMULA_STARTS, ESCAPE))))
def test_harmless_text_is_written_as_it_is(text: str) -> None:
    assert escape_cell(text) == text == unescape_cell(text)


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_escaped_cells_survive_a_csv_file(cells: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out).writerow([escape_cell(cell) for cell in cells])

    read_back = next(csv.reader(io.StringIO(out.getvalue(), newline="")))

    assert [unescape_cell(cell) for cell in read_back] == cells


def test_command_exports_to_a_file(
    registry: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "families.csv"
    database = str(registry.url.database)

    assert cli("--db", database, "export", "families", str(target)) == 0

    printed = capsys.readouterr()
    assert printed.out == f"Exported 4 families to {target}.\n"
    assert "holds personal data" in printed.err
    assert target.read_bytes().decode("utf-8") == exported(registry)
    assert [path.name for path in target.parent.iterdir()] == ["families.csv"]
    with reading(registry) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "personal_data.export")
        ).all()
    assert event.actor == "coordinator" and "families.csv" in event.summary


def test_a_volunteer_may_not_export(
    registry: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "families.csv"
    database = str(registry.url.database)

    assert run_cli("--db", database, "export", "families", str(target), user="volunteer") == 1

    assert "may not export personal data" in capsys.readouterr().err
    assert not target.exists()
