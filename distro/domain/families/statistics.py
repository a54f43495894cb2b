"""Provides the statistics export: counts of families and members, with no personal data.

Only one-way counts are given (never district by nationality, say), counts under
`SMALL_CELL` are shown as "<5", and there are no totals to subtract them from, so that a
rare nationality or a large household cannot point at one family. Anonymised families count:
keeping them for statistics is why they were anonymised rather than erased.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import extract
from sqlmodel import Session, col, func, select

from distro.domain.core.csv_cells import BOM
from distro.domain.families.models import Family, FamilyStatus, Member

SMALL_CELL = 5
"""Counts below this are not shown exactly."""
COLUMNS = ("measure", "group", "count")
_HOUSEHOLD_BANDS = ((1, "1 person"), (2, "2 people"), (4, "3-4 people"), (6, "5-6 people"))
_AGE_BANDS = ((4, "0-4"), (11, "5-11"), (17, "12-17"), (59, "18-59"))
_LARGE_HOUSEHOLD = "7 or more people"
_OLDEST = "60 and over"
_NOT_RECORDED = "not recorded"

StatRow = dict[str, str]


def statistics_rows(session: Session, *, now: datetime) -> list[StatRow]:
    """Every count, as rows of measure, group and count (a number, or "<5")."""
    counted = col(Family.status) != FamilyStatus.MERGED.value
    return [
        *_rows("families by status", _grouped(session, Family.status, counted)),
        *_rows("families by district", _grouped(session, Family.district, counted)),
        *_rows("families by household size", _household_bands(session)),
        *_rows("members by sex", _member_groups(session, col(Member.sex))),
        *_rows("members by age", _age_bands(session, now.year)),
        *_rows("members by nationality", _nationalities(session)),
    ]


def write_statistics(rows: list[StatRow], target: TextIO) -> int:
    """Write the rows as CSV (UTF-8 with a BOM, for spreadsheets); return how many rows.

    Open `target` with newline="" and UTF-8."""
    target.write(BOM)
    writer = csv.DictWriter(target, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


def shown(count: int) -> str:
    """A count as it may be published."""
    return f"<{SMALL_CELL}" if count < SMALL_CELL else str(count)


def _rows(measure: str, counts: Counter[str]) -> list[StatRow]:
    """One row per group, in the order counted (largest first, or the bands' own order)."""
    return [{"measure": measure, "group": group, "count": shown(n)} for group, n in counts.items()]


def _grouped(session: Session, column: Any, *conditions: Any) -> Counter[str]:
    rows = session.exec(
        select(column, func.count()).where(*conditions).group_by(column).order_by(column)
    ).all()
    return _largest_first(rows)


def _largest_first(rows: Any) -> Counter[str]:
    """(value, count) rows as a Counter, largest count first."""
    return Counter(dict(sorted(((str(v), int(n)) for v, n in rows), key=lambda r: -r[1])))


def _active_members() -> tuple[Any, ...]:
    """Conditions for members that count: in a household, not removed."""
    return (
        col(Member.removed_at).is_(None),
        col(Family.status) != FamilyStatus.MERGED.value,
    )


def _member_groups(session: Session, column: Any) -> Counter[str]:
    rows = session.exec(
        select(column, func.count())
        .join(Family, col(Family.id) == col(Member.family_id))
        .where(*_active_members())
        .group_by(column)
    ).all()
    return _largest_first(rows)


def _household_bands(session: Session) -> Counter[str]:
    sizes = session.exec(
        select(func.count())
        .select_from(Member)
        .join(Family, col(Family.id) == col(Member.family_id))
        .where(*_active_members())
        .group_by(col(Member.family_id))
    ).all()
    counts = Counter(_band(int(size), _HOUSEHOLD_BANDS, _LARGE_HOUSEHOLD) for size in sizes)
    return _in_order(counts, [label for _, label in _HOUSEHOLD_BANDS] + [_LARGE_HOUSEHOLD])


def _age_bands(session: Session, this_year: int) -> Counter[str]:
    """Ages from the birth year only: anonymised members keep nothing more precise."""
    born = extract("year", col(Member.birth_date))
    rows = session.exec(
        select(born, func.count())
        .select_from(Member)
        .join(Family, col(Family.id) == col(Member.family_id))
        .where(*_active_members())
        .group_by(born)
    ).all()
    counts: Counter[str] = Counter()
    for year, count in rows:
        age = None if year is None else this_year - int(year)
        counts[_NOT_RECORDED if age is None else _band(age, _AGE_BANDS, _OLDEST)] += int(count)
    return _in_order(counts, [label for _, label in _AGE_BANDS] + [_OLDEST, _NOT_RECORDED])


def _band(value: int, bands: tuple[tuple[int, str], ...], above: str) -> str:
    """The label of the first band whose top is at least `value`, else `above`."""
    return next((label for top, label in bands if value <= top), above)


def _in_order(counts: Counter[str], order: list[str]) -> Counter[str]:
    return Counter({label: counts[label] for label in order if counts[label]})


def _nationalities(session: Session) -> Counter[str]:
    """Grouped however they were typed ("sri lankan" and "Sri Lankan " count together)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for typed, count in _member_groups(session, col(Member.nationality)).items():
        key = typed.strip().casefold()
        spelling.setdefault(key, typed.strip() or _NOT_RECORDED)
        counts[spelling[key]] += count
    return Counter(dict(counts.most_common()))
