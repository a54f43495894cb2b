"""Provides `families_file`: a families CSV file as a coordinator's spreadsheet really looks,
built from the demo's fictional households, for the import benchmark and its tests.

Names carry what typing and copying leave in them (doubled spaces, spaces at the ends, a
zero-width space from a web page, a tab), choices are capitalised as people type them ("No
pork", "Female", "Head"), and households repeat names as real registries do.
With `problems` some households also get one mistake each, of the kinds a reviewer met in a
real file: a birth date in the future, two heads, a phone that is not one, an unknown district.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TextIO

from distro.domain.demo.households import demo_families
from distro.domain.families.csv_format import COLUMNS, list_cell
from distro.domain.families.schemas import FamilyIn, MemberIn

Cells = dict[str, str]
TEXT_SLIPS: tuple[Callable[[str], str], ...] = (
    lambda name: name.replace(" ", "  ", 1),
    lambda name: name + " ",
    lambda name: " " + name,
    lambda name: name.replace(" ", " \u200b", 1),
    lambda name: name.replace(" ", "\t", 1),
)
"""What a pasted or hand-typed name brings along; each is cleaned (and listed) by the import."""
SLIPPED_NAMES = 0.08
PROBLEM_HOUSEHOLDS = 0.1


def families_file(
    target: TextIO, member_rows: int, seed: int, today: date, *, problems: bool = False
) -> int:
    """Write a families CSV of about `member_rows` member rows (whole households); return how
    many households it holds. The same seed writes the same file."""
    rng = random.Random(seed)
    writer = csv.DictWriter(target, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    households = 0
    written = 0
    for number, family in enumerate(demo_families(member_rows, seed, today, unique_names=False)):
        if written >= member_rows:
            break
        rows = list(household_rows(family, f"H{number + 1:05d}", rng))
        if problems and rng.random() < PROBLEM_HOUSEHOLDS:
            _one_mistake(rows, rng, today)
        writer.writerows(rows)
        households += 1
        written += len(rows)
    return households


def household_rows(family: FamilyIn, key: str, rng: random.Random) -> Iterator[Cells]:
    """The household's rows: its own columns on the first row only, as people fill them."""
    household = {
        "household": key,
        "district": family.district,
        "address": family.address,
        "phones": list_cell(family.phones),
        "claim_ref": family.claim_ref,
        "dietary": list_cell(need.value.replace("_", " ").capitalize() for need in family.dietary),
        "allergies": family.allergies,
        "consent_date": family.consent_date.isoformat() if family.consent_date else "",
        "consent_purpose": family.consent_purpose,
        "notes": family.notes,
    }
    for index, member in enumerate(family.members):
        own = household if index == 0 else {"household": key}
        yield own | _member_cells(member, rng)


def _member_cells(member: MemberIn, rng: random.Random) -> Cells:
    name = member.full_name
    if rng.random() < SLIPPED_NAMES:
        name = rng.choice(TEXT_SLIPS)(name)
    return {
        "full_name": name,
        "aliases": list_cell(member.aliases),
        "sex": member.sex.value.capitalize(),
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "estimated_age": "" if member.estimated_age is None else str(member.estimated_age),
        "relationship": member.relationship.value.capitalize(),
        "nationality": member.nationality,
        "languages": list_cell(member.languages),
        "school": member.school,
        "grade": member.grade,
    }


def _one_mistake(rows: list[Cells], rng: random.Random, today: date) -> None:
    """One of the mistakes a reviewer counted in a real file, in a random row."""
    row = rng.choice(rows)
    kind = rng.randrange(4)
    if kind == 0:
        row["birth_date"] = (today + timedelta(days=rng.randint(1, 900))).isoformat()
        row["estimated_age"] = ""
    elif kind == 1:
        row["relationship"] = "Head"
        rows[0]["relationship"] = "Head"
        if row is rows[0]:
            rows.append({**rows[0], "full_name": rows[0]["full_name"] + " Junior"})
    elif kind == 2:
        rows[0]["phones"] = "9123 456"
    else:
        rows[0]["district"] = "Kowloon"
