"""Provides the families CSV format and exporting families to it.

The format (README.md, "Families CSV format") is what `distro.domain.imports` reads back:
one row per member, household columns repeated on each of its rows, lists joined with ";",
UTF-8 with a BOM so that Excel opens it right. Cells that a spreadsheet would run as a formula
are escaped with a leading apostrophe, which the import removes again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from sqlmodel import Session, col, select

from distro.domain.families import FamilyRecord
from distro.domain.models import LIST_SEPARATOR, Family, FamilyStatus, Member, Phone

FAMILY_COLUMNS = (
    "district",
    "address",
    "phones",
    "claim_ref",
    "dietary",
    "allergies",
    "consent_date",
    "consent_purpose",
    "notes",
)
"""Household columns that are fields of `FamilyIn`."""
HOUSEHOLD_COLUMNS = ("family_code", "status", *FAMILY_COLUMNS, "duplicate_reason")
MEMBER_COLUMNS = (
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "estimated_age",
    "relationship",
    "nationality",
    "languages",
    "school",
    "grade",
)
COLUMNS = ("household", *HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS)
REQUIRED_COLUMNS = ("household", "district", "full_name")
LIST_COLUMNS = frozenset({"phones", "dietary", "aliases", "languages"})
CELL_LIST_SEPARATOR = ";"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet run a cell as a formula (OWASP, "CSV injection")."""
ESCAPE = "'"
BATCH_SIZE = 500
"""Families read per query: memory stays flat however large the registry grows."""


def escape_cell(text: str) -> str:
    """The text as a cell that a spreadsheet shows and never runs as a formula.

    A leading apostrophe is added before a formula character, and before an apostrophe too,
    so that `unescape_cell` always removes exactly what was added.
    """
    return ESCAPE + text if text.startswith((*FORMULA_STARTS, ESCAPE)) else text


def unescape_cell(cell: str) -> str:
    """The text `escape_cell` was given: one leading apostrophe removed, if there is one."""
    return cell.removeprefix(ESCAPE)


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
        "phones": _joined(phone.number for phone in record.phones),
        "claim_ref": family.claim_ref,
        "dietary": _joined(family.dietary.split(LIST_SEPARATOR)),
        "allergies": family.allergies,
        "consent_date": family.consent_date.isoformat() if family.consent_date else "",
        "consent_purpose": family.consent_purpose,
        "notes": family.notes,
    }


def _member_cells(member: Member) -> dict[str, str]:
    return {
        "full_name": member.full_name,
        "aliases": _joined(member.aliases.split(LIST_SEPARATOR)),
        "sex": member.sex,
        "birth_date": _birth_cell(member),
        "relationship": member.relationship,
        "nationality": member.nationality,
        "languages": _joined(member.languages.split(LIST_SEPARATOR)),
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


def _joined(values: Iterable[str]) -> str:
    return f"{CELL_LIST_SEPARATOR} ".join(value for value in values if value)
