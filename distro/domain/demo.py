"""Provides fictional households for the demo and the benchmarks. ALL NAMES FICTIONAL.

`demo_families` builds believable households of the communities a Hong Kong counter serves,
from the name lists in distro/data/demo/ (combined at random, so no real person is described).
`create_demo` registers them through the real services, so history, duplicate checks and codes
work as they do at a counter. `bulk_synthetic` writes tens of thousands of them fast for the
benchmarks: same tables, same row shapes, same search keys, but no duplicate checks or history.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Engine, insert
from sqlmodel import Session, SQLModel, col

from distro.domain.codes import CodeKind, format_code
from distro.domain.db import unit_of_work
from distro.domain.duplicates import PossibleDuplicates
from distro.domain.families import (
    change_status,
    family_columns,
    member_columns,
    register_family,
    resolve_birth,
)
from distro.domain.models import (
    CodeCounter,
    DietaryNeed,
    Family,
    FamilyStatus,
    Member,
    Phone,
    Relationship,
    SearchKey,
    Sex,
)
from distro.domain.names import canonical_name
from distro.domain.numbering import reserve_up_to
from distro.domain.reference import read_data_csv
from distro.domain.schemas import FamilyIn, MemberIn, StatusChange
from distro.domain.search import family_keys

DEMO_SEED = 852
DEMO_FAMILIES = 300
DEMO_ACTOR = "demo"
CONSENT_PURPOSE = "Food and necessities distribution; school device lending"
REGISTRATION_SPAN_DAYS = 3 * 365
"""Demo families registered over the last three years, oldest codes first."""
_UNIQUE_NAME_ATTEMPTS = 50
BULK_BATCH = 2_000
BULK_TRANSACTION = 20_000
"""Families per commit: keeps the WAL file small without paying for a commit per batch."""

T = TypeVar("T")


@dataclass(frozen=True)
class DemoName:
    """A name in Latin letters, its spelling in its own script (or ""), and other romanisations."""

    latin: str
    script: str = ""
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Community:
    """One community served in Hong Kong: its names, languages and usual dietary needs."""

    key: str
    nationality: str
    languages: tuple[str, ...]
    weight: float
    naming: tuple[str, ...]
    """Parts of a full name in order: given, father, grandfather, family or own."""
    script_joiner: str
    shared_family_name: float
    """Share of spouses who go by the head's family name."""
    diet: dict[DietaryNeed, float]
    names: dict[str, tuple[DemoName, ...]]


@dataclass(frozen=True)
class DemoDistrict:
    """A district, how often demo families live there, and places for addresses and schools."""

    name: str
    weight: float
    neighbourhoods: tuple[str, ...]
    streets: tuple[str, ...]


@cache
def communities() -> tuple[Community, ...]:
    """The communities of distro/data/demo/communities.csv with their names."""
    names: dict[tuple[str, str], list[DemoName]] = defaultdict(list)
    for row in read_data_csv("demo/names.csv"):
        variants = tuple(filter(None, row["variants"].split("|")))
        names[row["community"], row["kind"]].append(DemoName(row["name"], row["script"], variants))
    return tuple(
        Community(
            key=row["community"],
            nationality=row["nationality"],
            languages=tuple(row["languages"].split("|")),
            weight=float(row["weight"]),
            naming=tuple(row["naming"].split()),
            script_joiner="" if row["script_words"] == "joined" else " ",
            shared_family_name=float(row["shared_family_name"]),
            diet={need: float(row[need.value]) for need in _COMMUNITY_DIETS},
            names={kind: tuple(names[row["community"], kind]) for kind in _NAME_KINDS},
        )
        for row in read_data_csv("demo/communities.csv")
    )


@cache
def demo_districts() -> tuple[DemoDistrict, ...]:
    """The districts of distro/data/demo/districts.csv, weighted toward where refugees live."""
    return tuple(
        DemoDistrict(
            name=row["name"],
            weight=float(row["weight"]),
            neighbourhoods=tuple(row["neighbourhoods"].split("|")),
            streets=tuple(row["streets"].split("|")),
        )
        for row in read_data_csv("demo/districts.csv")
    )


_NAME_KINDS = ("male", "female", "family")
_COMMUNITY_DIETS = (DietaryNeed.HALAL, DietaryNeed.NO_PORK, DietaryNeed.VEGETARIAN)
_HOUSEHOLD_SIZES = {1: 18, 2: 14, 3: 18, 4: 20, 5: 14, 6: 8, 7: 5, 8: 3}
_SCHOOL_SPONSORS = ("Government", "Catholic", "Methodist", "Baptist", "Lutheran")
_SCHOOL_LEVELS = (
    # (first school age, last school age, grade prefix, school name ending)
    (3, 5, "K", "Kindergarten"),
    (6, 11, "P", "Primary School"),
    (12, 17, "S", "Secondary School"),
)
_ALLERGIES = ("peanuts", "shellfish", "eggs", "milk", "wheat (gluten)")
_NOTES: tuple[Callable[[Community], str], ...] = (
    lambda c: f"Prefers a {c.languages[0]}-speaking volunteer.",
    lambda _: "Lives in a subdivided flat without a fridge: dry food only, please.",
    lambda _: "Wheelchair user; a neighbour often collects for the family.",
    lambda _: "Can only come on Saturdays (caseworker appointments on weekdays).",
    lambda _: "Referred by a caseworker; new arrival, no Octopus card yet.",
    lambda _: "Moved flat this year; new address confirmed by phone.",
    lambda _: "Prefers text messages to calls.",
)
_STATUS_CHANGES: tuple[tuple[FamilyStatus, float, tuple[str, ...]], ...] = (
    (
        FamilyStatus.SUSPENDED,
        0.03,
        (
            "Did not collect for three months; suspended until they call",
            "Phone number no longer works; suspended until we hear from them",
        ),
    ),
    (
        FamilyStatus.RESETTLED,
        0.02,
        (
            "Resettled to Canada; farewell pack given",
            "Resettled to the United States",
            "Resettled to Australia under a family reunion visa",
        ),
    ),
    (FamilyStatus.LEFT_HK, 0.01, ("Left Hong Kong after the claim was withdrawn",)),
)


@dataclass
class _Person:
    """Someone in a generated household, before becoming a MemberIn."""

    sex: Sex
    birth: date
    relationship: Relationship
    given: tuple[DemoName, ...]
    father: DemoName
    grandfather: DemoName
    family: DemoName
    own: DemoName
    school: str = ""
    grade: str = ""
    extra_languages: tuple[str, ...] = field(default=())


class _HouseholdMaker:
    """Draws households from one random stream, so a seed always gives the same families."""

    def __init__(self, seed: int, today: date, *, unique_names: bool = True) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.unique_names = unique_names
        self.names_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.communities = communities()
        self.districts = demo_districts()

    def household(self, scheduled: date) -> FamilyIn:
        """One household as registered on `scheduled`, or once its youngest was born."""
        community, district, people = self._named_people()
        youngest = max(person.birth for person in people)
        registered_on = max(scheduled, youngest + timedelta(days=self.rng.randint(7, 60)))
        registered_on = min(registered_on, self.today)
        schools: dict[str, str] = {}
        for person in people:
            self._enrol(person, district, schools)
        return FamilyIn(
            district=district.name,
            address=self._address(district) if self.rng.random() < 0.85 else "",
            claim_ref=self._claim_ref() if self.rng.random() < 0.75 else "",
            phones=self._phones(len(people)),
            dietary=self._diet(community, _age_on(youngest, self.today)),
            allergies=self.rng.choice(_ALLERGIES) if self.rng.random() < 0.04 else "",
            consent_date=registered_on,
            consent_purpose=CONSENT_PURPOSE,
            notes=self.rng.choice(_NOTES)(community) if self.rng.random() < 0.08 else "",
            members=[self._member(community, person, registered_on) for person in people],
        )

    def _named_people(self) -> tuple[Community, DemoDistrict, list[_Person]]:
        """Where a household comes from and lives, and its people, named so that no two in the
        household (and, while unique names last, no two generated people) look like duplicates."""
        for attempt in itertools.count():
            community = self._weighted(self.communities, [c.weight for c in self.communities])
            district = self._weighted(self.districts, [d.weight for d in self.districts])
            people = self._people(community)
            names = [canonical_name(_full_name(community, person)) for person in people]
            seen_before = not self.names_used.isdisjoint(names)
            if len(set(names)) == len(names) and not (self.unique_names and seen_before):
                break
            if attempt > _UNIQUE_NAME_ATTEMPTS:
                self.unique_names = False  # the name lists are used up: allow repeats
        self.names_used.update(names)
        return community, district, people

    def _weighted(self, choices: Sequence[T], weights: Sequence[float]) -> T:
        return self.rng.choices(choices, weights)[0]

    def _people(self, community: Community) -> list[_Person]:
        """Head, maybe a spouse, children, and sometimes a parent of the head (ages today)."""
        size = self._weighted(list(_HOUSEHOLD_SIZES), list(_HOUSEHOLD_SIZES.values()))
        head_sex = Sex.MALE if self.rng.random() < (0.65 if size == 1 else 0.55) else Sex.FEMALE
        head_age = self.rng.randint(19, 65) if size == 1 else self.rng.randint(23, 52)
        head = self._adult(community, head_sex, self._born(head_age), Relationship.HEAD)
        people = [head]
        if size >= 2 and self.rng.random() < 0.8:
            people.append(self._spouse(community, head))
        if size >= 4 and self.rng.random() < 0.12:
            people.append(self._parent_of(community, head))
        couple = [p for p in people if p.relationship in (Relationship.HEAD, Relationship.SPOUSE)]
        mother = next((p for p in couple if p.sex == Sex.FEMALE), head)
        father = next((p for p in couple if p.sex == Sex.MALE), None)
        if father is None:  # a single mother: the children carry their absent father's names
            father = self._adult(community, Sex.MALE, head.birth, Relationship.OTHER)
        for birth in self._children_births(mother.birth, size - len(people)):
            people.append(self._child(community, father, birth))
        return people

    def _children_births(self, mother_birth: date, count: int) -> list[date]:
        """Up to `count` birth dates, youngest first, 15 months to 4 years apart, all born
        after the mother turned 18 and none over 20 (fewer if she is too young for them all)."""
        earliest = max(mother_birth + timedelta(days=18 * 365), self.today - timedelta(days=7300))
        births: list[date] = []
        born = self.today - timedelta(days=self.rng.randint(0, 6 * 365))
        while len(births) < count and born >= earliest:
            births.append(born)
            born -= timedelta(days=self.rng.randint(450, 1460))
        return births

    def _adult(
        self, community: Community, sex: Sex, birth: date, relationship: Relationship
    ) -> _Person:
        """Someone with their own names (children and married couples adjust theirs)."""
        given = self._given_names(community, sex)
        father = self._name(community, "male", unlike=given[0])
        return _Person(
            sex=sex,
            birth=birth,
            relationship=relationship,
            given=given,
            father=father,
            grandfather=self._name(community, "male", unlike=father),
            family=self._name(community, "family"),
            own=self._name(community, "family"),
        )

    def _spouse(self, community: Community, head: _Person) -> _Person:
        sex = Sex.FEMALE if head.sex == Sex.MALE else Sex.MALE
        gap = self.rng.randint(-9, 2) if sex == Sex.FEMALE else self.rng.randint(-2, 9)
        age = max(19, _age_on(head.birth, self.today) + gap)
        spouse = self._adult(community, sex, self._born(age), Relationship.SPOUSE)
        if self.rng.random() < community.shared_family_name:
            spouse.family = head.family
        return spouse

    def _parent_of(self, community: Community, head: _Person) -> _Person:
        age = min(90, _age_on(head.birth, self.today) + self.rng.randint(20, 34))
        sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
        parent = self._adult(community, sex, self._born(age), Relationship.PARENT)
        if sex == Sex.MALE:
            parent.given = (head.father, *parent.given[1:])
            parent.father, parent.family = head.grandfather, head.family
        return parent

    def _child(self, community: Community, father: _Person, birth: date) -> _Person:
        sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
        child = self._adult(community, sex, birth, Relationship.CHILD)
        child.given = self._given_names(community, sex, unlike=father.given[0])
        child.father, child.grandfather = father.given[0], father.father
        child.family = father.family
        return child

    def _given_names(
        self, community: Community, sex: Sex, unlike: DemoName | None = None
    ) -> tuple[DemoName, ...]:
        count = community.naming.count("given")
        return tuple(self._name(community, sex.value, unlike) for _ in range(count))

    def _name(self, community: Community, kind: str, unlike: DemoName | None = None) -> DemoName:
        """A random name of `kind`; not `unlike` (nobody is named exactly like their father)."""
        choices = community.names[kind]
        if not choices:
            return DemoName("")
        name = self.rng.choice(choices)
        while name == unlike and len(choices) > 1:
            name = self.rng.choice(choices)
        return name

    def _born(self, age: int) -> date:
        """A date of birth making someone exactly `age` years old today."""
        try:
            birthday = self.today.replace(year=self.today.year - age)
        except ValueError:  # 29 February
            birthday = self.today.replace(year=self.today.year - age, day=28)
        return birthday - timedelta(days=self.rng.randint(0, 364))

    def _enrol(self, person: _Person, district: DemoDistrict, schools: dict[str, str]) -> None:
        """A school and grade for school-age children; siblings share a school."""
        year_start = date(self.today.year - (self.today.month < 9), 9, 1)
        school_age = year_start.year - person.birth.year  # K1 at 3, P1 at 6, S1 at 12
        for first, last, prefix, ending in _SCHOOL_LEVELS:
            if first <= school_age <= last and self.rng.random() < 0.93:
                if prefix not in schools:
                    place = self.rng.choice(district.neighbourhoods)
                    sponsor = self.rng.choice(_SCHOOL_SPONSORS)
                    schools[prefix] = f"{place} {sponsor} {ending}"
                person.school = schools[prefix]
                person.grade = f"{prefix}{school_age - first + 1}"
                person.extra_languages = ("English", "Cantonese")

    def _member(self, community: Community, person: _Person, registered_on: date) -> MemberIn:
        parts = _name_parts(community, person)
        age = _age_on(person.birth, registered_on)
        estimated = age >= 18 and self.rng.random() < 0.1
        spoken = community.languages[: self.rng.randint(1, len(community.languages))]
        return MemberIn(
            full_name=_full_name(community, person),
            aliases=self._aliases(community, parts),
            sex=person.sex,
            birth_date=None if estimated else person.birth,
            estimated_age=age if estimated else None,
            relationship=person.relationship,
            nationality=community.nationality,
            languages=list(dict.fromkeys(spoken + person.extra_languages)),
            school=person.school,
            grade=person.grade,
        )

    def _aliases(self, community: Community, parts: list[DemoName]) -> list[str]:
        """The name in its own script, and sometimes as another document romanised it."""
        aliases = []
        if _one_script(parts) and self.rng.random() < 0.5:
            aliases.append(community.script_joiner.join(part.script for part in parts))
        respellable = [index for index, part in enumerate(parts) if part.variants]
        if respellable and self.rng.random() < 0.3:
            index = self.rng.choice(respellable)
            words = [part.latin for part in parts]
            words[index] = self.rng.choice(parts[index].variants)
            aliases.append(" ".join(words))
        return aliases

    def _address(self, district: DemoDistrict) -> str:
        flat = f"Flat {self.rng.randint(1, 12)}{self.rng.choice('ABCDEFGH')}"
        if self.rng.random() < 0.3:
            flat = f"Room {self.rng.randint(1, 6)}, {flat}"
        street = f"{self.rng.randint(1, 250)} {self.rng.choice(district.streets)}"
        place = self.rng.choice(district.neighbourhoods)
        return f"{flat}, {self.rng.randint(1, 25)}/F, {street}, {place}"

    def _claim_ref(self) -> str:
        return f"USM-{self.rng.randint(2014, self.today.year)}-{self.rng.randint(1, 99999):06d}"

    def _phones(self, household_size: int) -> list[str]:
        """Fictional Hong Kong mobiles (first digit 5, 6 or 9), never the same twice."""
        wanted = (self.rng.random() < 0.92) + (household_size > 1 and self.rng.random() < 0.3)
        phones: list[str] = []
        while len(phones) < wanted:
            number = self.rng.choice("5669999") + f"{self.rng.randint(0, 9_999_999):07d}"
            if number not in self.phones_used:
                self.phones_used.add(number)
                phones.append(f"{number[:4]} {number[4:]}")
        return phones

    def _diet(self, community: Community, youngest_age: int) -> list[DietaryNeed]:
        needs = [need for need, share in community.diet.items() if self.rng.random() < share]
        if DietaryNeed.HALAL in needs:
            needs = [DietaryNeed.HALAL]
        if youngest_age < 1:
            needs.append(DietaryNeed.INFANT_FORMULA)
        return needs


def _name_parts(community: Community, person: _Person) -> list[DemoName]:
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


def _full_name(community: Community, person: _Person) -> str:
    return " ".join(part.latin for part in _name_parts(community, person))


def _one_script(parts: list[DemoName]) -> bool:
    """Whether every part has a spelling, all in one script (no Gurmukhi given name with a
    Devanagari family name)."""
    scripts = {
        unicodedata.name(part.script[0], "?").split()[0] if part.script else "" for part in parts
    }
    return "" not in scripts and len(scripts) == 1


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _registration_schedule(count: int, today: date) -> Iterator[date]:
    """`count` dates spread evenly over the last three years, oldest first."""
    start = today - timedelta(days=REGISTRATION_SPAN_DAYS)
    for index in range(count):
        yield start + timedelta(days=round(index * REGISTRATION_SPAN_DAYS / max(count, 1)))


def demo_families(
    count: int, seed: int, today: date, *, unique_names: bool = True
) -> Iterator[FamilyIn]:
    """`count` fictional households registered over the last three years (a household is
    registered on its scheduled day, or soon after its youngest was born); the same seed gives
    the same households.

    With `unique_names` no two people share a name (while the name lists allow), so the demo is
    not full of duplicate warnings; bulk data for benchmarks repeats names as real data does.
    """
    maker = _HouseholdMaker(seed, today, unique_names=unique_names)
    for scheduled in _registration_schedule(count, today):
        yield maker.household(scheduled)


def registered_at(data: FamilyIn, index: int, now: datetime) -> datetime:
    """A plausible counter time (10:00-16:00 in Hong Kong) on the family's consent date."""
    day = data.consent_date or now.date()
    at = datetime.combine(day, time(2, 0), tzinfo=UTC) + timedelta(minutes=11 * (index % 33))
    return min(at, now)


def create_demo(
    session: Session,
    *,
    actor: str,
    now: datetime,
    count: int = DEMO_FAMILIES,
    seed: int = DEMO_SEED,
) -> int:
    """Register `count` demo households through the real services; returns how many.

    Households that look like one already registered are skipped (the demo should not be full
    of warnings), except a few deliberate near-duplicates registered with a reason, so the
    duplicate warning and merging can be shown. A few families then change status.
    """
    generated = demo_families(count + count // 5 + 5, seed, now.date())
    households = enumerate(sorted(generated, key=lambda data: data.consent_date or now.date()))
    wanted_duplicates = len(_DUPLICATE_REASONS) if count >= 20 else 0
    registered = _register_households(session, households, count - wanted_duplicates, actor, now)
    rng = random.Random(seed)
    duplicates = _near_duplicates([data for _, data in registered], rng, now.date())
    duplicates = duplicates[:wanted_duplicates]
    missing = wanted_duplicates - len(duplicates)
    registered += _register_households(session, households, missing, actor, now)
    for data, reason in duplicates:
        register_family(session, data, actor=actor, now=now, duplicate_reason=reason)
    _change_some_statuses(session, [family for family, _ in registered], rng, actor, now)
    return len(registered) + len(duplicates)


def _register_households(
    session: Session,
    households: Iterator[tuple[int, FamilyIn]],
    count: int,
    actor: str,
    now: datetime,
) -> list[tuple[Family, FamilyIn]]:
    """Register up to `count` of the households, skipping any that look like another."""
    registered: list[tuple[Family, FamilyIn]] = []
    while len(registered) < count:
        index, data = next(households, (-1, None))
        if data is None:
            break
        try:
            family = register_family(
                session, data, actor=actor, now=registered_at(data, index, now)
            )
        except PossibleDuplicates:
            continue
        registered.append((family, data))
    return registered


def _near_duplicates(
    families: list[FamilyIn], rng: random.Random, today: date
) -> list[tuple[FamilyIn, str]]:
    """Households that look like registered ones, each with the reason a volunteer gave."""
    found: list[tuple[FamilyIn, str]] = []
    respelled = _first(
        families,
        lambda f: f.members[0].birth_date is not None and _respell(f.members[0].full_name) != "",
    )
    if respelled:
        name = _respell(respelled.members[0].full_name)
        found.append((_with_head_name(respelled, name), _DUPLICATE_REASONS[0]))
    unaccented = _first(families, lambda f: f.members[0].nationality == "Vietnamese")
    if unaccented:
        name = _without_accents(unaccented.members[0].full_name).upper()
        found.append((_with_head_name(unaccented, name), _DUPLICATE_REASONS[1]))
    sharing = _first(families[len(families) // 2 :], lambda f: bool(f.phones))
    if sharing:
        neighbour = _HouseholdMaker(rng.randint(0, 2**31), today).household(today)
        phones = {"phones": sharing.phones[:1]}
        found.append((neighbour.model_copy(update=phones), _DUPLICATE_REASONS[2]))
    return found


_DUPLICATE_REASONS = (
    "Demo: came back with a new recognizance paper spelling the name differently; "
    "checking with the caseworker before merging",
    "Demo: registered again at the outreach point; name typed without accents",
    "Demo: neighbours in the same subdivided flat share one phone",
)
_MUHAMMAD_SPELLINGS = ("Muhammad", "Mohammed", "Mohamed", "Mohammad")


def _first(families: list[FamilyIn], wanted: Callable[[FamilyIn], bool]) -> FamilyIn | None:
    return next((family for family in families if wanted(family)), None)


def _respell(name: str) -> str:
    """The name with Muhammad spelled another common way, or "" if it has no Muhammad."""
    words = name.split()
    for index, word in enumerate(words):
        if word in _MUHAMMAD_SPELLINGS:
            others = [s for s in _MUHAMMAD_SPELLINGS if s != word]
            words[index] = others[index % len(others)]
            return " ".join(words)
    return ""


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _with_head_name(family: FamilyIn, name: str) -> FamilyIn:
    """The same household, the head's name typed differently, no phones or address yet."""
    head = family.members[0].model_copy(update={"full_name": name, "aliases": []})
    return family.model_copy(
        update={"members": [head, *family.members[1:]], "phones": [], "address": "", "notes": ""}
    )


def _change_some_statuses(
    session: Session, families: list[Family], rng: random.Random, actor: str, now: datetime
) -> None:
    """Suspend a few families and mark a few as resettled or gone, as happens over time."""
    for family in families:
        change = _drawn_status_change(rng)
        if change is not None and family.id is not None:
            when = min(now, family.created_at + timedelta(days=rng.randint(30, 400)))
            change_status(session, family.id, change, actor=actor, now=when)


def _drawn_status_change(rng: random.Random) -> StatusChange | None:
    draw = rng.random()
    for status, share, reasons in _STATUS_CHANGES:
        if draw < share:
            return StatusChange(status=status, reason=rng.choice(reasons))
        draw -= share
    return None


def bulk_synthetic(engine: Engine, count: int, seed: int, now: datetime) -> None:
    """Write `count` synthetic households for benchmarks, fast.

    Synthetic data has no one to protect from a duplicate and no history to keep, so this skips
    duplicate detection and history rows (the two slowest parts of a registration); everything a
    search or a report reads is written exactly as `register_family` writes it: the same Family,
    Member and Phone rows, the search keys from `family_keys`, codes from the code counter.
    """
    households = demo_families(count, seed, now.date(), unique_names=False)
    written = 0
    while written < count:
        with unit_of_work(engine) as session:
            chunk = min(BULK_TRANSACTION, count - written)
            first_number = _last_family_number(session) + 1
            for start in range(0, chunk, BULK_BATCH):
                batch = list(itertools.islice(households, min(BULK_BATCH, chunk - start)))
                _insert_batch(session, batch, first_number + start, written + start, now)
            reserve_up_to(session, CodeKind.FAMILY, first_number + chunk - 1)
        written += chunk


def _last_family_number(session: Session) -> int:
    counter = session.get(CodeCounter, CodeKind.FAMILY.value)
    return counter.last_number if counter else 0


def _insert_batch(
    session: Session, batch: list[FamilyIn], first_number: int, first_index: int, now: datetime
) -> None:
    """Insert one batch of households with a few multi-row INSERTs."""
    families = [
        _family_row(
            data, format_code(CodeKind.FAMILY, first_number + offset), first_index + offset, now
        )
        for offset, data in enumerate(batch)
    ]
    statement = insert(Family).returning(col(Family.id), sort_by_parameter_order=True)
    returned = session.connection().execute(statement, [_columns(f) for f in families]).scalars()
    ids = [family_id for family_id in returned if family_id is not None]
    members: list[Member] = []
    phones: list[Phone] = []
    keys: list[dict[str, Any]] = []
    for family, family_id, data in zip(families, ids, batch, strict=True):
        family_members, family_phones = _household_rows(family_id, data, family.created_at.date())
        keys += [
            {"family_id": family_id, "key": key, "kind": kind}
            for key, kind in sorted(family_keys(family, family_members, family_phones))
        ]
        members += family_members
        phones += family_phones
    for table, rows in ((Member, members), (Phone, phones)):
        if rows:
            session.connection().execute(insert(table), [_columns(row) for row in rows])
    session.connection().execute(insert(SearchKey), keys)


# Rows are built with model_construct: SQLAlchemy's change tracking in the usual constructor is
# most of the cost of a bulk load, and these rows are written with INSERT, never tracked.


def _family_row(data: FamilyIn, code: str, index: int, now: datetime) -> Family:
    at = registered_at(data, index, now)
    return Family.model_construct(
        code=code,
        created_at=at,
        created_by=DEMO_ACTOR,
        updated_at=at,
        consent_recorded_by=DEMO_ACTOR if data.consent_date else "",
        **family_columns(data),
    )


def _household_rows(
    family_id: int, data: FamilyIn, registered_on: date
) -> tuple[list[Member], list[Phone]]:
    """The household's members and phones as `register_family` stores them."""
    members = []
    for position, member_in in enumerate(data.members):
        birth_date, estimated = resolve_birth(member_in, registered_on, f"members.{position}")
        members.append(
            Member.model_construct(
                family_id=family_id,
                position=position,
                birth_date=birth_date,
                birth_date_estimated=estimated,
                **member_columns(member_in),
            )
        )
    phones = [
        Phone.model_construct(family_id=family_id, number=number, position=position)
        for position, number in enumerate(data.phones)
    ]
    return members, phones


def _columns(row: SQLModel) -> dict[str, Any]:
    """A table row's column values for a bulk INSERT (the database assigns the id)."""
    return {name: getattr(row, name) for name in type(row).model_fields if name != "id"}
