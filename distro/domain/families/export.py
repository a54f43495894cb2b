"""Provides exporting families to the families CSV format (`distro.domain.families.csv_format`).

Every family but merged ones is written, a batch at a time, so that a coordinator can edit the
registry in a spreadsheet and `distro.domain.families.imports` can read it back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from sqlmodel import Session, col, select

from distro.domain.core.csv_cells import BOM, escape_cell
from distro.domain.families.csv_format import COLUMNS, list_cell
from distro.domain.families.models import LIST_SEPARATOR, Family, FamilyStatus, Member, Phone
from distro.domain.families.registry import FamilyRecord

BATCH_SIZE = 500
"""Families read per query: memory stays flat however large the registry grows."""


def export_families(session: Session, target: TextIO) -> int:
    """Write every family but merged ones, one row per active member; return how many families.

    Open `target` with newline="" and UTF-8: the BOM is written here.
    """
    target.write(BOM)
    writer = csv.writer(target)
    writer.writerow(COLUMNS)
    written = 0
    for batch in family_batches(session):
        for record in batch:
            writer.writerows(family_rows(record))
            written += bool(record.members)
    return written


def family_batches(session: Session, size: int = BATCH_SIZE) -> Iterator[list[FamilyRecord]]:
    """Families that are not merged, by id, `size` at a time, with active members and phones."""
    last_id = 0
    while True:
        families = session.exec(
            select(Family)
            .where(col(Family.id) > last_id, Family.status != FamilyStatus.MERGED.value)
            .order_by(col(Family.id))
            .limit(size)
        ).all()
        if not families:
            return
        yield _records(session, list(families))
        last_id = families[-1].id or last_id


def _records(session: Session, families: list[Family]) -> list[FamilyRecord]:
    """Members and phones of a batch in two queries, not two per family."""
    ids = [family.id for family in families]
    records = {family.id: FamilyRecord(family=family, members=[]) for family in families}
    members = session.exec(
        select(Member)
        .where(col(Member.family_id).in_(ids), col(Member.removed_at).is_(None))
        .order_by(col(Member.family_id), col(Member.position))
    )
    for member in members:
        records[member.family_id].members.append(member)
    phones = session.exec(
        select(Phone)
        .where(col(Phone.family_id).in_(ids))
        .order_by(col(Phone.family_id), col(Phone.position))
    )
    for phone in phones:
        records[phone.family_id].phones.append(phone)
    return list(records.values())


def family_rows(record: FamilyRecord) -> Iterator[list[str]]:
    """The family's CSV rows, escaped: its own columns repeated on each member's row."""
    household = _household_cells(record)
    for member in record.members:
        cells = household | _member_cells(member)
        yield [escape_cell(cells.get(column, "")) for column in COLUMNS]


def _household_cells(record: FamilyRecord) -> dict[str, str]:
    family = record.family
    return {
        "household": family.code,
        "family_code": family.code,
        "status": family.status,
        "district": family.district,
        "address": family.address,
        "phones": list_cell(phone.number for phone in record.phones),
        "claim_ref": family.claim_ref,
        "dietary": list_cell(family.dietary.split(LIST_SEPARATOR)),
        "allergies": family.allergies,
        "consent_date": family.consent_date.isoformat() if family.consent_date else "",
        "consent_purpose": family.consent_purpose,
        "notes": family.notes,
    }


def _member_cells(member: Member) -> dict[str, str]:
    return {
        "full_name": member.full_name,
        "aliases": list_cell(member.aliases.split(LIST_SEPARATOR)),
        "sex": member.sex,
        "birth_date": _birth_cell(member),
        "relationship": member.relationship,
        "nationality": member.nationality,
        "languages": list_cell(member.languages.split(LIST_SEPARATOR)),
        "school": member.school,
        "grade": member.grade,
    }


def _birth_cell(member: Member) -> str:
    """An estimated date of birth is written as its year alone, which imports as estimated."""
    if member.birth_date is None:
        return ""
    if member.birth_date_estimated:
        return str(member.birth_date.year)
    return member.birth_date.isoformat()
