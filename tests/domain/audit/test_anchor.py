"""The anchor: the chain's head kept outside the database. Opening a database moves it only
while the row it holds is still there with the same hash, and an anchor or id edited by hand
is reported, never trusted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from distro.domain.audit.anchor import advance_anchor, check_anchor
from distro.domain.audit.anchor_file import read_anchor
from distro.domain.audit.head import parse_head
from distro.domain.core.errors import InvalidInput
from tests.builders.families import Registrar
from tests.builders.tampering import cut_tail, rechain, tamper


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "anchors"


@pytest.fixture
def anchored(engine: Engine, register: Registrar, folder: Path, now: datetime) -> Engine:
    """Three registrations, their head kept in the anchor."""
    for name in ("Amina Yusuf", "Chan Tai Man", "Olga Petrenko"):
        register(name)
    assert advance_anchor(engine, folder, "counter.sqlite3", now).first_sight
    return engine


def test_opening_a_cut_database_leaves_its_anchor_where_it_was(
    anchored: Engine, folder: Path, now: datetime
) -> None:
    before = check_anchor(anchored, folder, "counter.sqlite3", now)
    cut_tail(anchored, keep=1)
    found = advance_anchor(anchored, folder, "counter.sqlite3", now)
    assert found.problems and "2 audit rows cut off the end" in found.problems[0]
    kept = read_anchor(folder, before.database_id)
    assert kept is not None and kept.head == before.head


def test_a_rechained_log_is_reported_against_the_anchor(
    anchored: Engine, folder: Path, now: datetime
) -> None:
    tamper(anchored, "UPDATE audit_event SET summary = 'Registered nobody' WHERE id = 1")
    rechain(anchored)
    (problem,) = check_anchor(anchored, folder, "counter.sqlite3", now).problems
    assert problem.startswith("the audit log was re-chained or rewritten since 20")


def test_an_anchor_file_edited_by_hand_is_reported(
    anchored: Engine, folder: Path, now: datetime
) -> None:
    (anchor,) = folder.glob("*.json")
    anchor.write_text('{"row_id": "three"}')
    (problem,) = check_anchor(anchored, folder, "counter.sqlite3", now).problems
    assert problem.startswith(f"the anchor file {anchor} was changed")


def test_an_id_distro_never_makes_is_reported_and_names_no_file(
    anchored: Engine, folder: Path, now: datetime
) -> None:
    tamper(anchored, "UPDATE app_setting SET value = '../../x' WHERE key = 'database_id'")
    found = advance_anchor(anchored, folder, "counter.sqlite3", now)
    assert found.problems == ["the database's id '../../x' was not made by distro: it was edited"]
    assert len(list(folder.parent.rglob("*.json"))) == 1


@pytest.mark.parametrize("written", ["12", "12:", "12:xyz", "a:0f3a9c51", "12:0f3a"])
def test_a_head_must_be_written_as_printed(written: str) -> None:
    with pytest.raises(InvalidInput, match="1234:0f3a9c51d2e87b64"):
        parse_head(written)


def test_a_head_copied_in_capitals_or_with_spaces_is_read() -> None:
    head = parse_head(" 1234:0F3A9C51D2E87B64 ")
    assert (head.row_id, head.label) == (1234, "1234:0f3a9c51d2e87b64")
