"""Provides `demo_families`: believable, fictional households, the same ones for the same seed."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from distro.domain.core.names import canonical_name
from distro.domain.demo.data import Community, DemoDistrict, communities, demo_districts
from distro.domain.demo.members import enrol, full_name, member
from distro.domain.demo.people import PeopleMaker, Person, age_on, weighted
from distro.domain.families.models import DietaryNeed
from distro.domain.families.schemas import FamilyIn

CONSENT_PURPOSE = "Food and necessities distribution; school device lending"
REGISTRATION_SPAN_DAYS = 3 * 365
"""Demo families registered over the last three years, oldest codes first."""
UNIQUE_NAME_ATTEMPTS = 50
ALLERGIES = ("peanuts", "shellfish", "eggs", "milk", "wheat (gluten)")
NOTES: tuple[Callable[[Community], str], ...] = (
    lambda c: f"Prefers a {c.languages[0]}-speaking volunteer.",
    lambda _: "Lives in a subdivided flat without a fridge: dry food only, please.",
    lambda _: "Wheelchair user; a neighbour often collects for the family.",
    lambda _: "Can only come on Saturdays (caseworker appointments on weekdays).",
    lambda _: "Referred by a caseworker; new arrival, no Octopus card yet.",
    lambda _: "Moved flat this year; new address confirmed by phone.",
    lambda _: "Prefers text messages to calls.",
)


def demo_families(
    count: int, seed: int, today: date, *, unique_names: bool = True
) -> Iterator[FamilyIn]:
    """`count` fictional households registered over the last three years (a household is
    registered on its scheduled day, or soon after its youngest was born); the same seed gives
    the same households.

    With `unique_names` no two people share a name (while the name lists allow), so the demo is
    not full of duplicate warnings; bulk data for benchmarks repeats names as real data does.
    """
    maker = HouseholdMaker(seed, today, unique_names=unique_names)
    for scheduled in _registration_schedule(count, today):
        yield maker.household(scheduled)


def registered_at(data: FamilyIn, index: int, now: datetime) -> datetime:
    """A plausible counter time (10:00-16:00 in Hong Kong) on the family's consent date."""
    day = data.consent_date or now.date()
    at = datetime.combine(day, time(2, 0), tzinfo=UTC) + timedelta(minutes=11 * (index % 33))
    return min(at, now)


def _registration_schedule(count: int, today: date) -> Iterator[date]:
    """`count` dates spread evenly over the last three years, oldest first."""
    start = today - timedelta(days=REGISTRATION_SPAN_DAYS)
    for index in range(count):
        yield start + timedelta(days=round(index * REGISTRATION_SPAN_DAYS / max(count, 1)))


class HouseholdMaker:
    """Draws households from one random stream, so a seed always gives the same families."""

    def __init__(self, seed: int, today: date, *, unique_names: bool = True) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.unique_names = unique_names
        self.names_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.communities = communities()
        self.districts = demo_districts()
        self.people = PeopleMaker(self.rng, today)

    def household(self, scheduled: date) -> FamilyIn:
        """One household as registered on `scheduled`, or once its youngest was born."""
        community, district, people = self._named_people()
        youngest = max(person.birth for person in people)
        registered_on = max(scheduled, youngest + timedelta(days=self.rng.randint(7, 60)))
        registered_on = min(registered_on, self.today)
        schools: dict[str, str] = {}
        for person in people:
            enrol(self.rng, self.today, person, district, schools)
        return FamilyIn(
            district=district.name,
            address=self._address(district) if self.rng.random() < 0.85 else "",
            claim_ref=self._claim_ref() if self.rng.random() < 0.75 else "",
            phones=self._phones(len(people)),
            dietary=self._diet(community, age_on(youngest, self.today)),
            allergies=self.rng.choice(ALLERGIES) if self.rng.random() < 0.04 else "",
            consent_date=registered_on,
            consent_purpose=CONSENT_PURPOSE,
            notes=self.rng.choice(NOTES)(community) if self.rng.random() < 0.08 else "",
            members=[member(self.rng, community, person, registered_on) for person in people],
        )

    def _named_people(self) -> tuple[Community, DemoDistrict, list[Person]]:
        """Where a household comes from and lives, and its people, named so that no two in the
        household (and, while unique names last, no two generated people) look like duplicates."""
        for attempt in itertools.count():
            community = weighted(self.rng, self.communities, [c.weight for c in self.communities])
            district = weighted(self.rng, self.districts, [d.weight for d in self.districts])
            people = self.people.people(community)
            names = [canonical_name(full_name(community, person)) for person in people]
            seen_before = not self.names_used.isdisjoint(names)
            if len(set(names)) == len(names) and not (self.unique_names and seen_before):
                break
            if attempt > UNIQUE_NAME_ATTEMPTS:
                self.unique_names = False  # the name lists are used up: allow repeats
        self.names_used.update(names)
        return community, district, people

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
