"""The audit log is append-only and tamper-evident: `distro db check` notices an edited,
deleted or cut-off row, and the chain stays whole when counters write at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from distro.domain.admin.checks import check_database
from distro.domain.audit.changes import record_change
from distro.domain.audit.models import AuditChainHead, AuditEvent
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.inputs import validated
from distro.domain.families.registry import update_family
from distro.domain.families.schemas import FamilyDetails
from distro.domain.privacy.retention import erase_family
from tests.builders.families import ACTOR, Registrar
from tests.builders.tampering import hash_with, tamper


def edit_notes(engine: Engine, family_id: int, notes: str, now: datetime) -> None:
    details = validated(FamilyDetails, {"district": "Sham Shui Po", "notes": notes})
    with unit_of_work(engine) as session:
        update_family(session, family_id, details, actor=ACTOR, now=now)


@pytest.fixture
def logged(engine: Engine, register: Registrar, now: datetime) -> Engine:
    """A database with five audit rows: two registrations and three edits."""
    family = register("Amina Yusuf", phones=["91234567"])
    register("Chan Tai Man")
    assert family.id is not None
    for notes in ("first visit", "needs a cot", "moved to Tin Shui Wai"):
        edit_notes(engine, family.id, notes, now)
    return engine


def audit_rows(engine: Engine) -> list[AuditEvent]:
    with reading(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())


def test_a_sound_log_checks_clean_and_each_row_links_to_the_one_before(logged: Engine) -> None:
    rows = audit_rows(logged)
    assert len(rows) == 5
    assert check_database(logged) == []
    assert [row.prev_hash for row in rows[1:]] == [row.row_hash for row in rows[:-1]]
    with reading(logged) as session:
        head = session.get(AuditChainHead, 1)
    assert head is not None and (head.last_event_id, head.last_hash) == (
        rows[-1].id,
        rows[-1].row_hash,
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE audit_event SET summary = 'nothing happened' WHERE id = 3", "row 3: its details"),
        ("UPDATE audit_event SET after = NULL WHERE id = 4", "row 4: its details"),
        ("UPDATE audit_event SET actor = 'Someone Else' WHERE id = 2", "row 2: its who/when/what"),
        ("UPDATE audit_event SET at = '2020-01-01 00:00:00' WHERE id = 2", "row 2: its who/when"),
        ("DELETE FROM audit_event WHERE id = 3", "row 4: the row before it was deleted"),
        ("DELETE FROM audit_event WHERE id = 5", "rows are missing"),
        (
            "UPDATE audit_event SET summary = '', redacted_at = '2026-01-01' WHERE id = 3",
            "row 3: details blanked, but family 1 was not erased or anonymised after it",
        ),
    ],
)
def test_tampering_is_detected(logged: Engine, sql: str, expected: str) -> None:
    tamper(logged, sql)
    problems = check_database(logged)
    assert any(expected in problem for problem in problems), problems


def erase_first_family(engine: Engine, now: datetime) -> None:
    """Erase family 1 (rows 1, 3, 4 and 5 of `logged`), as a coordinator does."""
    with unit_of_work(engine) as session:
        erase_family(session, 1, "asked to be forgotten", actor=ACTOR, now=now)


def test_an_erased_family_leaves_a_clean_chain(logged: Engine, now: datetime) -> None:
    erase_first_family(logged, now)
    rows = audit_rows(logged)
    assert [row.redacted_at is not None for row in rows] == [True, False, True, True, True, False]
    assert rows[0].summary == "" and rows[1].summary != "" and rows[5].action == "family.erase"
    assert check_database(logged) == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE audit_event SET summary = 'made up' WHERE id = 3",
            "row 3: its details were written after",
        ),
        (
            "UPDATE audit_event SET after = '{}' WHERE id = 4",
            "row 4: its details were written after",
        ),
        (
            "UPDATE audit_event SET summary = '', redacted_at = '2026-01-01' WHERE id = 6",
            "row 6: details blanked, but family 1 was not erased or anonymised after it",
        ),
    ],
)
def test_an_erased_familys_blanked_rows_cannot_be_rewritten(
    logged: Engine, now: datetime, sql: str, expected: str
) -> None:
    erase_first_family(logged, now)
    tamper(logged, sql)
    problems = check_database(logged)
    assert any(expected in problem for problem in problems), problems


def test_a_row_of_no_family_cannot_be_blanked_to_hide_an_edit(
    logged: Engine, now: datetime
) -> None:
    """A backup's row (no family) once let `redacted_at` excuse any new text."""
    with unit_of_work(logged) as session:
        record_change(
            session,
            actor=ACTOR,
            now=now,
            action="database.backup",
            entity="database",
            entity_id=None,
            family_id=None,
            summary="Backup of the database to /media/usb/b.enc",
        )
    tamper(
        logged,
        "UPDATE audit_event SET summary = 'Backup of the database to /tmp/x', "
        "redacted_at = '2026-01-01' WHERE id = 6",
    )
    assert check_database(logged) == [
        "audit row 6: details blanked, but only a family's rows are ever blanked"
    ]


def test_a_row_rewritten_with_a_fresh_hash_still_breaks_the_next_link(logged: Engine) -> None:
    """Recomputing one row's hashes after editing it is not enough: the next row points at the
    old hash."""
    from distro.domain.audit.chain import payload_digest

    row = audit_rows(logged)[2]
    digest = payload_digest("nothing happened", row.before, row.after, row.reason)
    new_hash = hash_with(row, row.prev_hash, digest)
    tamper(
        logged,
        f"UPDATE audit_event SET summary = 'nothing happened', payload_digest = '{digest}',"
        f" row_hash = '{new_hash}' WHERE id = {row.id}",
    )
    assert check_database(logged) == [
        f"audit row {row.id + 1}: the row before it was deleted or changed"
    ]


def test_counters_writing_at_once_keep_one_chain(
    engine: Engine, register: Registrar, now: datetime
) -> None:
    family = register("Amina Yusuf")
    assert family.id is not None
    family_id = family.id
    failures: list[BaseException] = []

    def counter(number: int) -> Callable[[], None]:
        def run() -> None:
            try:
                for edit in range(10):
                    edit_notes(engine, family_id, f"counter {number} edit {edit}", now)
            except BaseException as failure:  # reported below, in the test's thread
                failures.append(failure)

        return run

    threads = [threading.Thread(target=counter(number)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(audit_rows(engine)) == 41
    assert check_database(engine) == []
