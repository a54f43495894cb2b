"""Provides the people of a demo household: who they are, their names and their ages."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from distro.domain.demo.data import Community, DemoName
from distro.domain.families.models import Relationship, Sex

HOUSEHOLD_SIZES = {1: 18, 2: 14, 3: 18, 4: 20, 5: 14, 6: 8, 7: 5, 8: 3}
T = TypeVar("T")


@dataclass
class Person:
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


def weighted(rng: random.Random, choices: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(choices, weights)[0]


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class PeopleMaker:
    """Draws a household's people from the caller's random stream, so a seed stays a seed."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def people(self, community: Community) -> list[Person]:
        """Head, maybe a spouse, children, and sometimes a parent of the head (ages today)."""
        size = weighted(self.rng, list(HOUSEHOLD_SIZES), list(HOUSEHOLD_SIZES.values()))
        people = [self._head(community, size)]
        if size >= 2 and self.rng.random() < 0.8:
            people.append(self._spouse(community, people[0]))
        if size >= 4 and self.rng.random() < 0.12:
            people.append(self._parent_of(community, people[0]))
        mother, father = self._parents_of_children(community, people)
        for birth in self._children_births(mother.birth, size - len(people)):
            people.append(self._child(community, father, birth))
        return people

    def _head(self, community: Community, size: int) -> Person:
        """Someone living alone is more often a man, and of a wider range of ages."""
        sex = Sex.MALE if self.rng.random() < (0.65 if size == 1 else 0.55) else Sex.FEMALE
        age = self.rng.randint(19, 65) if size == 1 else self.rng.randint(23, 52)
        return self._adult(community, sex, self._born(age), Relationship.HEAD)

    def _parents_of_children(
        self, community: Community, people: list[Person]
    ) -> tuple[Person, Person]:
        """The mother and father whose names and ages the children take."""
        head = people[0]
        couple = [p for p in people if p.relationship in (Relationship.HEAD, Relationship.SPOUSE)]
        mother = next((p for p in couple if p.sex == Sex.FEMALE), head)
        father = next((p for p in couple if p.sex == Sex.MALE), None)
        if father is None:  # a single mother: the children carry their absent father's names
            father = self._adult(community, Sex.MALE, head.birth, Relationship.OTHER)
        return mother, father

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
    ) -> Person:
        """Someone with their own names (children and married couples adjust theirs)."""
        given = self._given_names(community, sex)
        father = self._name(community, "male", unlike=given[0])
        return Person(
            sex=sex,
            birth=birth,
            relationship=relationship,
            given=given,
            father=father,
            grandfather=self._name(community, "male", unlike=father),
            family=self._name(community, "family"),
            own=self._name(community, "family"),
        )

    def _spouse(self, community: Community, head: Person) -> Person:
        sex = Sex.FEMALE if head.sex == Sex.MALE else Sex.MALE
        gap = self.rng.randint(-9, 2) if sex == Sex.FEMALE else self.rng.randint(-2, 9)
        age = max(19, age_on(head.birth, self.today) + gap)
        spouse = self._adult(community, sex, self._born(age), Relationship.SPOUSE)
        if self.rng.random() < community.shared_family_name:
            spouse.family = head.family
        return spouse

    def _parent_of(self, community: Community, head: Person) -> Person:
        age = min(90, age_on(head.birth, self.today) + self.rng.randint(20, 34))
        sex = self.rng.choice((Sex.MALE, Sex.FEMALE))
        parent = self._adult(community, sex, self._born(age), Relationship.PARENT)
        if sex == Sex.MALE:
            parent.given = (head.father, *parent.given[1:])
            parent.father, parent.family = head.grandfather, head.family
        return parent

    def _child(self, community: Community, father: Person, birth: date) -> Person:
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
