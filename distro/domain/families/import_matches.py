"""Provides the households an import has accepted so far, as a place to look for duplicates.

Each household of a file is checked against the registry and against the households before it
in the file. Those are not written until the end (a few multi-row INSERTs for the whole file),
so they are looked up here, in memory, with the rules the database lookups follow: a family is
a candidate when its name keys start like `words_needed` of the name's words, or one of its
members was born the same day, or it shares a phone. Looking them up in the database instead
read more rows with every household written: the import grew with the square of its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from distro.domain.families.duplicates import (
    CANDIDATE_LIMIT,
    PREFIX_LETTERS,
    PersonRow,
    name_prefixes,
    words_needed,
)
from distro.domain.families.registry import FamilyRecord
from distro.domain.families.search import FamilyHit, family_hit, family_keys


@dataclass
class ImportedSoFar:
    """The households accepted so far, indexed as the database indexes registered families."""

    _by_prefix: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    """Beginnings (1 to PREFIX_LETTERS letters) of name keys -> families -> their keys."""
    _people: dict[int, list[PersonRow]] = field(default_factory=dict)
    _born: dict[date, list[PersonRow]] = field(default_factory=dict)
    _phones: dict[str, list[int]] = field(default_factory=dict)
    _hits: dict[int, FamilyHit] = field(default_factory=dict)

    def add(self, record: FamilyRecord) -> None:
        """Make a household findable; `record` as it will be written (its family has an id)."""
        family = record.family
        assert family.id is not None
        family_id = family.id
        for key, kind in family_keys(family, record.members, record.phones):
            if kind == "name":
                for letters in range(1, min(PREFIX_LETTERS, len(key)) + 1):
                    families = self._by_prefix.setdefault(key[:letters], {})
                    families.setdefault(family_id, set()).add(key)
        people = [(family_id, member.full_name, member.birth_date) for member in record.members]
        self._people[family_id] = people
        for person in people:
            if person[2] is not None:
                self._born.setdefault(person[2], []).append(person)
        for phone in record.phones:
            self._phones.setdefault(phone.number, []).append(family_id)
        self._hits[family_id] = family_hit(family, record.members)

    def holds(self, family_id: int) -> bool:
        """Whether the family is one of this import's households."""
        return family_id in self._hits

    def sharing_phones(self, numbers: list[str]) -> Iterable[tuple[int, str]]:
        """Households with one of these phone numbers, by number as the database's index
        gives them."""
        return [
            (family_id, number)
            for number in sorted(set(numbers))
            for family_id in self._phones.get(number, [])
        ]

    def people_like(self, full_name: str, birth_date: date | None) -> list[PersonRow]:
        """Members of households sharing name words, or born the same day: those born that
        day first, then by household, as the database reads them."""
        family_ids = self._sharing_words(full_name)
        born = self._born.get(birth_date, []) if birth_date else []
        people = born + [
            person
            for family_id in sorted(family_ids)
            for person in self._people[family_id]
            if not (birth_date and person[2] == birth_date)
        ]
        return people[: CANDIDATE_LIMIT * 4]

    def describe(self, family_ids: list[int]) -> list[FamilyHit]:
        """Result lines of households of this import."""
        return [self._hits[family_id] for family_id in family_ids if family_id in self._hits]

    def _sharing_words(self, full_name: str) -> list[int]:
        """Households whose name keys match enough of the name's words, most words first; a
        key counts for the first word it matches, as in `_families_sharing_words`.

        When two words are needed, a household matching only the most common word cannot be
        one, so that word's households are not gone through: most of the work, in a file
        where every other name starts with "Mo" or "Th"."""
        prefixes = name_prefixes(full_name)
        by_word = [self._keys_starting(word_prefixes) for word_prefixes in prefixes]
        needed = words_needed(prefixes)
        if needed < 2:
            candidates: set[int] = set().union(*by_word)
        else:
            most = max(range(len(by_word)), key=lambda index: len(by_word[index]))
            candidates = set().union(*(found for i, found in enumerate(by_word) if i != most))
        enough = []
        for family_id in candidates:
            words = _words_matched([found.get(family_id) for found in by_word])
            if words >= needed:
                enough.append((-words, family_id))
        return [family_id for _, family_id in sorted(enough)][:CANDIDATE_LIMIT]

    def _keys_starting(self, prefixes: list[str]) -> dict[int, set[str]]:
        """Households with name keys starting with one of `prefixes`, and those keys (not to
        be changed: for a single prefix they are the index's own)."""
        if len(prefixes) == 1:
            return self._by_prefix.get(prefixes[0], {})
        found: dict[int, set[str]] = {}
        for prefix in prefixes:
            for family_id, keys in self._by_prefix.get(prefix, {}).items():
                found.setdefault(family_id, set()).update(keys)
        return found


def _words_matched(keys_by_word: list[set[str] | None]) -> int:
    """How many words a household's keys match (each word's keys, None for none), a key
    counting for the first word it matches only."""
    taken: set[str] = set()
    words = 0
    for keys in keys_by_word:
        if keys and not keys <= taken:
            words += 1
            taken |= keys
    return words
