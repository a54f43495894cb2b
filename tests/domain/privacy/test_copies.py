"""What an erase lists for the coordinator: the exports, the family's cards and access
reports, and the backups made while the family was in the database, each with its date and
file, read from the audit log before the erase blanks the family's own rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from distro.domain.admin.backup import backup_database
from distro.domain.audit.disclosure import record_card_print, record_export
from distro.domain.core.access import Actor, Role
from distro.domain.core.db import unit_of_work
from distro.domain.families.merge import merge_families
from distro.domain.privacy.copies import CopyKind, copies_in_words, copy_line
from distro.domain.privacy.retention import Forgotten, anonymise_family, erase_family
from distro.domain.privacy.subject_access import family_report
from tests.builders.clock import HONG_KONG
from tests.builders.families import ACTOR, register_into

ADMIN = Actor(name="Test Admin", role=Role.ADMIN)
DAY = timedelta(days=1)


def export_all(engine: Engine, to: str, at: datetime) -> None:
    with unit_of_work(engine) as session:
        record_export(session, f"all families to {to}", actor=ACTOR, now=at)


def print_card(engine: Engine, family_id: int, code: str, to: str, at: datetime) -> None:
    with unit_of_work(engine) as session:
        record_card_print(session, family_id, code, to, actor=ACTOR, now=at)


def erase(engine: Engine, family_id: int, now: datetime) -> Forgotten:
    with unit_of_work(engine) as session:
        return erase_family(session, family_id, "asked to be forgotten", actor=ACTOR, now=now)


def test_the_erase_lists_each_copy_made_while_the_family_was_here_with_date_and_file(
    engine: Engine, now: datetime, tmp_path: Path
) -> None:
    other = register_into(engine, now - 30 * DAY, "Grace Mensah")
    export_all(engine, "/media/usb/before.csv", now - 20 * DAY)  # before the family came
    family = register_into(engine, now - 10 * DAY, "Amina Yusuf")
    assert family.id and other.id
    export_all(engine, "/media/usb/families.csv", now - 5 * DAY)
    print_card(engine, family.id, family.code, "/home/desk/card.pdf", now - 4 * DAY)
    print_card(engine, other.id, other.code, "/home/desk/other-card.pdf", now - 4 * DAY)
    with unit_of_work(engine) as session:
        family_report(session, family.id, actor=ACTOR, now=now - 3 * DAY, to="/media/usb/ar.txt")
        family_report(session, other.id, actor=ACTOR, now=now - 3 * DAY, to="/media/usb/o.txt")
    backup = tmp_path / "before-erase.sqlite3"
    backup_database(engine, backup, actor=ADMIN, now=now - 2 * DAY)

    forgotten = erase(engine, family.id, now)

    assert [copy_line(copy, HONG_KONG) for copy in forgotten.copies] == [
        "2026-11-20 17:30  Exported all families to /media/usb/families.csv",
        f"2026-11-21 17:30  Printed the family card of {family.code} to /home/desk/card.pdf",
        f"2026-11-22 17:30  Exported everything held about {family.code} (access request) "
        "to /media/usb/ar.txt",
        f"2026-11-23 17:30  Backup made at {backup.resolve()} (not encrypted), read back and sound",
    ]
    assert [copy.kind for copy in forgotten.copies] == [
        CopyKind.EXPORT,
        CopyKind.CARD,
        CopyKind.ACCESS_REPORT,
        CopyKind.BACKUP,
    ]
    assert copies_in_words(forgotten.copies) == "1 export, 1 card, 1 access report and 1 backup"


def test_cards_of_a_family_merged_in_are_listed_and_its_older_exports_too(
    engine: Engine, now: datetime
) -> None:
    merged = register_into(engine, now - 10 * DAY, "Amina Yusuf")
    assert merged.id
    export_all(engine, "/media/usb/early.csv", now - 9 * DAY)
    print_card(engine, merged.id, merged.code, "/home/desk/merged-card.pdf", now - 8 * DAY)
    keep = register_into(engine, now - DAY, "Amina Yusuf", reason="same family")
    assert keep.id
    with unit_of_work(engine) as session:
        merge_families(session, keep.id, merged.id, "same card", actor=ACTOR, now=now)

    forgotten = erase(engine, keep.id, now)

    assert [copy.description for copy in forgotten.copies] == [
        "Exported all families to /media/usb/early.csv",
        f"Printed the family card of {merged.code} to /home/desk/merged-card.pdf",
    ]
    assert forgotten.family_codes == (keep.code, merged.code)


def test_anonymising_lists_the_copies_too(engine: Engine, now: datetime) -> None:
    family = register_into(engine, now - 10 * DAY, "Amina Yusuf")
    assert family.id
    print_card(engine, family.id, family.code, "/home/desk/card.pdf", now - DAY)
    with unit_of_work(engine) as session:
        forgotten = anonymise_family(session, family.id, "no contact", actor=ACTOR, now=now)
    assert [copy.kind for copy in forgotten.copies] == [CopyKind.CARD]
    assert (forgotten.code, forgotten.family_codes) == (family.code, (family.code,))
