"""Provides turning a demo person into a member as a counter would register them."""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from distro.domain.demo.data import Community, DemoDistrict, DemoName
from distro.domain.demo.people import Person, age_on
from distro.domain.families.schemas import MemberIn

SCHOOL_SPONSORS = ("Government", "Catholic", "Methodist", "Baptist", "Lutheran")
SCHOOL_LEVELS = (
    # (first school age, last school age, grade prefix, school name ending)
    (3, 5, "K", "Kindergarten"),
    (6, 11, "P", "Primary School"),
    (12, 17, "S", "Secondary School"),
)


def member(
    rng: random.Random, community: Community, person: Person, registered_on: date
) -> MemberIn:
    """The person as registered: adults' ages sometimes only estimated, some languages."""
    age = age_on(person.birth, registered_on)
    estimated = age >= 18 and rng.random() < 0.1
    spoken = community.languages[: rng.randint(1, len(community.languages))]
    return MemberIn(
        full_name=full_name(community, person),
        aliases=_aliases(rng, community, name_parts(community, person)),
        sex=person.sex,
        birth_date=None if estimated else person.birth,
        estimated_age=age if estimated else None,
        relationship=person.relationship,
        nationality=community.nationality,
        languages=list(dict.fromkeys(spoken + person.extra_languages)),
        school=person.school,
        grade=person.grade,
    )


def enrol(
    rng: random.Random, today: date, person: Person, district: DemoDistrict, schools: dict[str, str]
) -> None:
    """A school and grade for school-age children; siblings share a school."""
    year_start = date(today.year - (today.month < 9), 9, 1)
    school_age = year_start.year - person.birth.year  # K1 at 3, P1 at 6, S1 at 12
    for first, last, prefix, ending in SCHOOL_LEVELS:
        if first <= school_age <= last and rng.random() < 0.93:
            if prefix not in schools:
                place = rng.choice(district.neighbourhoods)
                schools[prefix] = f"{place} {rng.choice(SCHOOL_SPONSORS)} {ending}"
            person.school = schools[prefix]
            person.grade = f"{prefix}{school_age - first + 1}"
            person.extra_languages = ("English", "Cantonese")


def name_parts(community: Community, person: Person) -> list[DemoName]:
    """The person's names in the order the community writes them."""
    given = iter(person.given)
    lineage = {
        "father": person.father,
        "grandfather": person.grandfather,
        "family": person.family,
        "own": person.own,
    }
    parts = [next(given) if token == "given" else lineage[token] for token in community.naming]
    return [part for part in parts if part.latin]


def full_name(community: Community, person: Person) -> str:
    return " ".join(part.latin for part in name_parts(community, person))


def _aliases(rng: random.Random, community: Community, parts: list[DemoName]) -> list[str]:
    """The name in its own script, and sometimes as another document romanised it."""
    aliases = []
    if _one_script(parts) and rng.random() < 0.5:
        aliases.append(community.script_joiner.join(part.script for part in parts))
    respellable = [index for index, part in enumerate(parts) if part.variants]
    if respellable and rng.random() < 0.3:
        index = rng.choice(respellable)
        words = [part.latin for part in parts]
        words[index] = rng.choice(parts[index].variants)
        aliases.append(" ".join(words))
    return aliases


def _one_script(parts: list[DemoName]) -> bool:
    """Whether every part has a spelling, all in one script (no Gurmukhi given name with a
    Devanagari family name)."""
    scripts = {
        unicodedata.name(part.script[0], "?").split()[0] if part.script else "" for part in parts
    }
    return "" not in scripts and len(scripts) == 1
