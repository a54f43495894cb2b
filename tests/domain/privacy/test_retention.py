"""Retention: the review list, anonymising and erasing, and that erased data leaves no bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel, col, select

from distro.domain.admin.checks import check_database
from distro.domain.admin.settings import SettingKey, set_setting
from distro.domain.audit.models import AuditEvent
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import reading, unit_of_work
from distro.domain.core.errors import DomainError, InvalidInput, NotAllowed
from distro.domain.core.inputs import validated
from distro.domain.families.history import family_history
from distro.domain.families.members import remove_member
from distro.domain.families.merge import merge_families
from distro.domain.families.models import Family, FamilyStatus, Member, Phone, SearchKey
from distro.domain.families.registry import load_family, update_family
from distro.domain.families.schemas import FamilyDetails
from distro.domain.families.search import reindex_family, search_families
from distro.domain.privacy.retention import (
    FAMILY_ROWS,
    anonymise_family,
    erase_family,
    families_due_for_review,
    months_before,
    purge_freed_pages,
)
from tests.builders.cli import run_cli
from tests.builders.families import Registrar, register_into

NAME = "Zebulonia Quartermaine"
PHONE_DIGITS = "61827394"
VOLUNTEER = Actor(name="Test Volunteer", role=Role.VOLUNTEER)
ADMIN = Actor(name="Test Admin", role=Role.ADMIN)


def zebulonia(register: Registrar) -> Family:
    """A family whose name and phone are easy to look for in the database file's bytes."""
    return register(
        NAME,
        members=[{"full_name": "Octavius Quartermaine", "birth_date": "2015-03-14"}],
        phones=[PHONE_DIGITS],
        address="Flat 9, Zebulonia House",
        notes=f"{NAME} asked for rice",
    )


def edit_a_few_times(engine: Engine, family_id: int, now: datetime, actor: Actor) -> None:
    """Edits, so history rows hold the name and phone in their before and after."""
    for number in range(3):
        details = validated(
            FamilyDetails,
            {"district": "Yau Tsim Mong", "phones": [PHONE_DIGITS], "notes": f"{NAME} {number}"},
        )
        with unit_of_work(engine) as session:
            update_family(session, family_id, details, actor=actor, now=now)


def file_bytes(engine: Engine) -> bytes:
    """The database file and its write-ahead log, as they are on disk."""
    path = Path(str(engine.url.database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def assert_no_trace(engine: Engine) -> None:
    """Neither the name (as typed, or folded as search keys hold it) nor the phone."""
    for stored in (file_bytes(engine), file_bytes(engine).lower()):
        for needle in ("zebulonia", "quartermaine", "Zebulonia", PHONE_DIGITS, "1827394"):
            assert needle.encode("utf-8") not in stored, needle


def test_months_before_keeps_the_day_where_it_can() -> None:
    assert months_before(datetime(2026, 11, 25, 9, 30), 24) == datetime(2024, 11, 25, 9, 30)
    assert months_before(datetime(2026, 3, 31), 1) == datetime(2026, 2, 28)
    assert months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)


def test_the_review_list_honours_the_setting(engine: Engine, now: datetime) -> None:
    old = register_into(engine, now - timedelta(days=800), "Amina Yusuf", "Omar Yusuf")
    recent = register_into(engine, now - timedelta(days=400), "Grace Mensah")
    with reading(engine) as session:
        due = families_due_for_review(session, now=now)
    assert [(d.code, d.household_size) for d in due] == [(old.code, 2)]
    with unit_of_work(engine) as session:
        set_setting(session, SettingKey.RETENTION_MONTHS, 12, actor=ADMIN, now=now)
    with reading(engine) as session:
        due = families_due_for_review(session, now=now)
    assert [d.code for d in due] == [old.code, recent.code]  # longest inactive first
    assert "Amina" not in repr(due)


def test_the_review_list_leaves_out_merged_and_anonymised(
    engine: Engine, now: datetime, actor: Actor
) -> None:
    long_ago = now - timedelta(days=1000)
    keep = register_into(engine, long_ago, "Amina Yusuf")
    gone = register_into(engine, long_ago, "Amina Yusuf", reason="same family")
    other = register_into(engine, long_ago, "Grace Mensah")
    assert keep.id and gone.id and other.id
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same card", actor=actor, now=long_ago)
        anonymise_family(session, other.id, "no contact", actor=actor, now=now)
    with reading(engine) as session:
        assert [d.code for d in families_due_for_review(session, now=now)] == [keep.code]


def test_anonymising_keeps_counts_and_drops_personal_fields(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = zebulonia(register)
    assert family.id
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id, "no contact since 2023", actor=actor, now=now)
    with reading(engine) as session:
        record = load_family(session, family.id)
        keys = session.exec(select(SearchKey.kind).where(SearchKey.family_id == family.id)).all()
        hits = search_families(session, "Quartermaine")
    assert record.family.status == FamilyStatus.ANONYMISED
    assert (record.family.address, record.family.notes, record.phones) == ("", "", [])
    assert record.family.district == "Sham Shui Po"
    assert [m.full_name for m in record.members] == ["Anonymised member 1", "Anonymised member 2"]
    assert record.members[1].birth_date == date(2015, 7, 1)
    assert record.members[1].birth_date_estimated
    assert set(keys) == {"code"} and hits == []
    assert check_database(engine) == []


def test_an_anonymised_family_cannot_be_given_personal_data_again(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = zebulonia(register)
    assert family.id
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id, "no contact since 2023", actor=actor, now=now)
    with pytest.raises(DomainError, match="anonymised"), unit_of_work(engine) as session:
        details = validated(FamilyDetails, {"district": "Eastern", "notes": NAME})
        update_family(session, family.id, details, actor=actor, now=now)
    with unit_of_work(engine) as session:
        reindex_family(session, load_family(session, family.id).family)
    with reading(engine) as session:
        keys = session.exec(select(SearchKey.kind).where(SearchKey.family_id == family.id)).all()
    assert set(keys) == {"code"}  # reindexing does not bring back name keys


def test_anonymising_blanks_the_history_and_says_so(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = zebulonia(register)
    assert family.id
    edit_a_few_times(engine, family.id, now, actor)
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id, "no contact", actor=actor, now=now)
    with reading(engine) as session:
        [last, *earlier] = family_history(session, family.id)
    assert last.action == "family.anonymise" and NAME not in last.summary
    assert last.summary == f"Anonymised family {family.code} (2 members)"
    assert all(e.redacted_at and e.before is None and e.summary == "" for e in earlier)


def test_erasing_removes_every_row(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family, other = zebulonia(register), register("Grace Mensah")
    assert family.id
    with unit_of_work(engine) as session:
        code = erase_family(session, family.id, "asked to be forgotten", actor=actor, now=now).code
    with reading(engine) as session:
        assert session.get(Family, family.id) is None
        for model in (Member, Phone, SearchKey):
            assert not session.exec(select(model).where(model.family_id == family.id)).all()
        [erased] = family_history(session, family.id)[:1]
        assert search_families(session, "Mensah")[0].code == other.code
    assert erased.action == "family.erase"
    assert erased.summary == f"Erased family {code} (2 members)"
    assert check_database(engine) == []


def test_families_merged_in_follow(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="same family")
    last = register("Amina Yusuf", reason="same family again")
    assert keep.id and gone.id and last.id
    with unit_of_work(engine) as session:
        merge_families(session, gone.id, last.id, "same card", actor=actor, now=now)
        merge_families(session, keep.id, gone.id, "same card", actor=actor, now=now)
        erase_family(session, keep.id, "asked to be forgotten", actor=actor, now=now)
    with reading(engine) as session:
        assert not session.exec(select(Family)).all()
        erased = session.exec(
            select(AuditEvent.entity_id).where(AuditEvent.action == "family.erase")
        ).all()
    assert set(erased) == {keep.id, gone.id, last.id}
    assert check_database(engine) == []


def test_merged_in_families_are_anonymised_too(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="same", notes="Amina")
    assert keep.id and gone.id
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, gone.id, "same card", actor=actor, now=now)
        anonymise_family(session, keep.id, "no contact", actor=actor, now=now)
    with reading(engine) as session:
        merged = session.get(Family, gone.id)
        assert merged and merged.status == FamilyStatus.MERGED and merged.notes == ""
        assert all(e.redacted_at for e in family_history(session, gone.id)[1:])
    assert check_database(engine) == []


@pytest.mark.parametrize("service", [anonymise_family, erase_family])
def test_a_volunteer_is_refused(
    engine: Engine, register: Registrar, now: datetime, service: Callable[..., object]
) -> None:
    family = register("Amina Yusuf")
    with unit_of_work(engine) as session, pytest.raises(NotAllowed, match="coordinator"):
        service(session, family.id, "no contact", actor=VOLUNTEER, now=now)


def test_a_reason_is_required_and_merged_records_are_reviewed_through_the_survivor(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    keep, gone = register("Amina Yusuf"), register("Amina Yusuf", reason="same family")
    assert keep.id and gone.id
    with unit_of_work(engine) as session:
        with pytest.raises(InvalidInput, match="reason"):
            anonymise_family(session, keep.id, "  ", actor=actor, now=now)
        merge_families(session, keep.id, gone.id, "same card", actor=actor, now=now)
        with pytest.raises(DomainError, match="review that family"):
            erase_family(session, gone.id, "no contact", actor=actor, now=now)


def test_every_table_pointing_at_a_family_is_erased_with_it() -> None:
    """A new table with a family foreign key must be added to FAMILY_ROWS (or handled)."""
    erased = {model.__tablename__ for model in FAMILY_ROWS}
    pointing = {
        table.name
        for table in SQLModel.metadata.tables.values()
        if any(key.column.table.name == "family" for key in table.foreign_keys)
    }
    assert pointing - {"family"} == erased


def test_erasing_leaves_no_bytes_in_the_database_file(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family, _other = zebulonia(register), register("Grace Mensah")
    assert family.id
    edit_a_few_times(engine, family.id, now, actor)
    assert b"Zebulonia" in file_bytes(engine)  # the test looks in the right place
    with unit_of_work(engine) as session:
        erase_family(session, family.id, "asked to be forgotten", actor=actor, now=now)
    assert purge_freed_pages(engine)
    assert_no_trace(engine)
    engine.dispose()
    assert_no_trace(engine)
    assert check_database(engine) == []


def test_anonymising_leaves_no_bytes_but_keeps_the_household(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = zebulonia(register)
    assert family.id
    edit_a_few_times(engine, family.id, now, actor)
    with unit_of_work(engine) as session:
        member = session.exec(select(Member).where(col(Member.position) == 1)).one()
        assert member.id
        remove_member(session, member.id, f"{NAME} moved", actor=actor, now=now)
        anonymise_family(session, family.id, "no contact", actor=actor, now=now)
    assert purge_freed_pages(engine)
    engine.dispose()
    assert_no_trace(engine)
    with reading(engine) as session:
        record = load_family(session, family.id)
    assert record.family.status == FamilyStatus.ANONYMISED
    assert len(record.members) + len(record.removed_members) == 2
    assert record.removed_members[0].birth_date == date(2015, 7, 1)
    assert check_database(engine) == []


def test_the_commands(engine: Engine, now: datetime, capsys: pytest.CaptureFixture[str]) -> None:
    database = str(engine.url.database)
    long_ago = datetime(2020, 1, 6, tzinfo=now.tzinfo)
    first = register_into(engine, long_ago, "Amina Yusuf")
    second = register_into(engine, long_ago + timedelta(days=1), "Grace Mensah")
    assert run_cli("--db", database, "families", "retention") == 0
    listed = capsys.readouterr().out
    assert first.code in listed and second.code in listed and "Amina" not in listed
    anonymise = ("--db", database, "families", "anonymise", first.code, "--reason", "no contact")
    assert run_cli(*anonymise, user="volunteer") == 1
    assert "may not anonymise or erase families" in capsys.readouterr().err
    assert run_cli(*anonymise) == 0
    erase = ("--db", database, "families", "erase", second.code, "--reason", "asked")
    assert run_cli(*erase) == 1  # no terminal and no --yes
    assert "--yes" in capsys.readouterr().err
    assert run_cli(*erase, "--yes") == 0
    with reading(engine) as session:
        anonymised = session.get(Family, first.id)
        assert anonymised and anonymised.status == FamilyStatus.ANONYMISED
        assert session.get(Family, second.id) is None
    assert run_cli("--db", database, "families", "retention") == 0
    assert "No family" in capsys.readouterr().out
    assert check_database(engine) == []


def test_db_check_reports_phones_on_an_anonymised_family_until_anonymised_again(
    engine: Engine, register: Registrar, now: datetime, actor: Actor
) -> None:
    family = zebulonia(register)
    assert family.id
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id, "no contact", actor=actor, now=now)
        session.add(Phone(family_id=family.id, number="+85261827394"))
    assert check_database(engine) == [
        f"family {family.code} is anonymised but still has phone numbers; anonymise it again"
    ]
    with unit_of_work(engine) as session:
        anonymise_family(session, family.id, "phone added by mistake", actor=actor, now=now)
    assert check_database(engine) == []


def test_erase_at_a_terminal_asks_for_the_code_again(
    engine: Engine, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = register_into(engine, now, "Amina Yusuf")
    erase = ("--db", str(engine.url.database), "families", "erase", family.code, "--reason", "x")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt: "F-000000-0")
    assert run_cli(*erase) == 1
    monkeypatch.setattr("builtins.input", lambda _prompt: family.code.lower())
    assert run_cli(*erase) == 0
    with reading(engine) as session:
        assert session.get(Family, family.id) is None
