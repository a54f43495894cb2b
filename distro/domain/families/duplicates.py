"""Provides duplicate detection: families that are likely the same household as a new one.

Candidates come from indexed lookups only (same phone, same date of birth, shared canonical
name words); each candidate is then scored with rapidfuzz on canonical names, which ignore
case, accents, spacing, word order and common romanisation variants (Chan/Chen,
Mohammed/Muhammad/Mohamed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz
from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from distro.domain.core.errors import DomainError
from distro.domain.core.names import canonical_name, canonical_word, name_words
from distro.domain.core.prefix_search import prefix_condition
from distro.domain.families.models import FamilyStatus, Member, Phone
from distro.domain.families.phones import PhoneError, display_phone, normalise_phone
from distro.domain.families.schemas import FamilyIn
from distro.domain.families.search import FamilyHit, describe_families

SIMILAR_NAME = 88
"""Score (0-100) from which two names alone make a likely match."""
SIMILAR_NAME_SAME_BIRTH = 70
"""A lower bar when the date of birth is the same too."""
CANDIDATE_LIMIT = 300
PREFIX_LETTERS = 4
"""Candidates share the first letters of their words, so one-letter spelling slips still meet."""
TYPED_NAME_LETTERS = 4
"""Letters of a name being typed before it is looked up while typing."""


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing family that may be the one being registered, and why."""

    family_id: int
    code: str
    reasons: tuple[str, ...]
    score: int
    household: str = ""
    """Head's name, size and district: enough for the volunteer to judge the match."""


class PossibleDuplicates(DomainError):
    """Registration stopped: likely matches exist and no reason to go on was given."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        self.matches = matches
        codes = ", ".join(match.code for match in matches)
        super().__init__(
            f"This family may already be registered ({codes}). Open the match, "
            "or give a reason to register it anyway."
        )


PersonRow = tuple[int, str, date | None]
"""A candidate person: their family's id, full name and date of birth."""


class CandidateSource(Protocol):
    """Where likely matches are looked for: the registry, or the households of an import that
    are not written yet. Family ids of different sources never overlap."""

    def sharing_phones(self, numbers: list[str]) -> Iterable[tuple[int, str]]:
        """(family id, number) of each family's phone that is one of `numbers`."""
        ...

    def people_like(self, full_name: str, birth_date: date | None) -> list[PersonRow]:
        """Active members of families whose names share word beginnings with `full_name`
        (`name_prefixes`), or born on `birth_date`: those born that day first, then by family,
        as SQLite reads them (the order decides between equally good matches)."""
        ...

    def describe(self, family_ids: list[int]) -> list[FamilyHit]:
        """Result lines for families this source found, in the order given."""
        ...


@dataclass(frozen=True)
class RegisteredFamilies:
    """The families in the database, found with indexed lookups."""

    session: Session

    def sharing_phones(self, numbers: list[str]) -> Iterable[tuple[int, str]]:
        """Families with one of these phone numbers."""
        rows = self.session.execute(
            select(Phone.family_id, Phone.number).where(col(Phone.number).in_(numbers))
        )
        return [(family_id, number) for family_id, number in rows]

    def people_like(self, full_name: str, birth_date: date | None) -> list[PersonRow]:
        """Members of families sharing name words, or born the same day."""
        return _name_candidates(self.session, full_name, birth_date)

    def describe(self, family_ids: list[int]) -> list[FamilyHit]:
        """Result lines from the database."""
        return describe_families(self.session, family_ids)


def find_duplicates(
    session: Session,
    data: FamilyIn,
    exclude_family_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateMatch]:
    """Likely matches for `data` among registered families, best first, at most `limit`."""
    return duplicates_among([RegisteredFamilies(session)], data, exclude_family_id, limit)


def duplicates_among(
    sources: list[CandidateSource],
    data: FamilyIn,
    exclude_family_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateMatch]:
    """Likely matches for `data` among the families of `sources`, best first, at most `limit`."""
    people = [(member.full_name, member.birth_date) for member in data.members]
    return _matches(sources, data.phones, people, exclude_family_id, limit)


def duplicates_while_typing(
    session: Session, full_name: str, typed_phones: list[str], limit: int = 3
) -> list[DuplicateMatch]:
    """Likely matches for a head's name and phones still being typed, before the form is valid:
    a phone that is not a whole number yet is left out, and so is a name of fewer than
    `TYPED_NAME_LETTERS` letters (it would match half the registry)."""
    numbers: list[str] = []
    for typed in typed_phones:
        try:
            numbers.append(normalise_phone(typed))
        except PhoneError:
            continue
    letters = sum(character.isalpha() for character in full_name)
    people: list[tuple[str, date | None]] = (
        [(full_name, None)] if letters >= TYPED_NAME_LETTERS else []
    )
    return _matches([RegisteredFamilies(session)], numbers, people, None, limit)


def _matches(
    sources: list[CandidateSource],
    phones: list[str],
    people: list[tuple[str, date | None]],
    exclude_family_id: int | None,
    limit: int,
) -> list[DuplicateMatch]:
    """Families sharing a phone with `phones`, or a person like one of `people` (full name,
    date of birth), best first (ties: in the order found), at most `limit`."""
    reasons: dict[int, list[str]] = {}
    scores: dict[int, int] = {}
    found_by: dict[int, CandidateSource] = {}

    def note(source: CandidateSource, family_id: int, reason: str, score: int) -> None:
        if family_id == exclude_family_id:
            return
        found_by[family_id] = source
        if reason not in reasons.setdefault(family_id, []):
            reasons[family_id].append(reason)
        scores[family_id] = max(scores.get(family_id, 0), score)

    for source in sources:
        for family_id, number in source.sharing_phones(phones) if phones else ():
            note(source, family_id, f"same phone {display_phone(number)}", 100)
    for full_name, birth_date in people:
        for source in sources:
            for family_id, name, birth in source.people_like(full_name, birth_date):
                score = name_similarity(full_name, name)
                same_birth = birth is not None and birth == birth_date
                if same_birth and score >= SIMILAR_NAME_SAME_BIRTH:
                    note(source, family_id, f"same date of birth, similar name: {name}", score)
                elif score >= SIMILAR_NAME:
                    note(source, family_id, f"similar name: {name}", score)

    ranked = sorted(scores, key=lambda f: (-len(reasons[f]), -scores[f]))[:limit]
    hits = {
        hit.family_id: hit
        for source in sources
        for hit in source.describe([f for f in ranked if found_by[f] is source])
    }
    return [
        DuplicateMatch(
            hit.family_id,
            hit.code,
            tuple(reasons[hit.family_id]),
            scores[hit.family_id],
            f"{hit.head_name}, {hit.household_size} members, {hit.district}",
        )
        for hit in (hits[f] for f in ranked if f in hits)
        if hit.status != FamilyStatus.MERGED
    ]


def _name_candidates(session: Session, full_name: str, birth_date: date | None) -> list[PersonRow]:
    """Active members of families whose names share word beginnings with `full_name` (best
    first), or born the same day."""
    family_ids = set(_families_sharing_words(session, full_name))
    by_birth = col(Member.birth_date) == birth_date if birth_date else None
    by_family = col(Member.family_id).in_(family_ids) if family_ids else None
    clauses = [clause for clause in (by_birth, by_family) if clause is not None]
    if not clauses:
        return []
    # Three columns, not Member objects: building up to 1,200 ORM objects per name was most of
    # a registration's time once the registry had grown.
    members = session.execute(
        select(col(Member.family_id), col(Member.full_name), col(Member.birth_date))
        .where(or_(*clauses), col(Member.removed_at).is_(None))
        .limit(CANDIDATE_LIMIT * 4)
    )
    return [(family_id, name, birth) for family_id, name, birth in members]


def name_prefixes(full_name: str) -> list[list[str]]:
    """For each word of the name, the beginnings a name key must have to match it: the first
    letters (a short prefix, so "Yusuff" meets "Yusuf" and "Aly" meets "Ali") of each of its
    spellings. A family matches when its keys match `words_needed` of the words; a key counts
    for the first word it matches only ("Thi Thu" is one word matched by the key "thi")."""
    prefixes = []
    for word in name_words(full_name):
        spellings = dict.fromkeys([word, canonical_word(word)])
        prefixes.append(
            list(dict.fromkeys(s[: max(2, min(PREFIX_LETTERS, len(s) - 1))] for s in spellings))
        )
    return prefixes


def words_needed(prefixes: list[list[str]]) -> int:
    """How many of a name's words a family must match to be a candidate."""
    return min(2, len(prefixes))


def _families_sharing_words(session: Session, full_name: str) -> list[int]:
    """Families with name keys matching `name_prefixes`, most words in common first; a
    family counts once per word it matches."""
    prefixes = name_prefixes(full_name)
    if not prefixes:
        return []
    params: dict[str, object] = {"needed": words_needed(prefixes), "limit": CANDIDATE_LIMIT}
    ranges, cases = [], []
    for index, word_prefixes in enumerate(prefixes):
        for number, prefix in enumerate(word_prefixes):
            condition = prefix_condition("key", f"p{index}_{number}", prefix, params)
            ranges.append(condition)
            cases.append(f"WHEN {condition} THEN {index}")
    words_matched = f"COUNT(DISTINCT CASE {' '.join(cases)} END)"
    rows = session.execute(
        text(
            f"SELECT family_id FROM search_key WHERE kind = 'name' AND ({' OR '.join(ranges)})"
            f" GROUP BY family_id HAVING {words_matched} >= :needed"
            f" ORDER BY {words_matched} DESC LIMIT :limit"
        ),
        params,
    )
    return [row[0] for row in rows]


@lru_cache(maxsize=65_536)
def name_similarity(first: str, second: str) -> int:
    """0-100: how alike two names are, whatever their word order, spacing and spelling variant.

    Remembered: names repeat, and an import compares the same pairs again and again."""
    by_words = fuzz.token_sort_ratio(canonical_name(first), canonical_name(second))
    by_letters = fuzz.ratio(_joined(first), _joined(second))
    return round(max(by_words, by_letters))


@lru_cache(maxsize=65_536)
def _joined(name: str) -> str:
    """The canonical words in their written order, without spaces: "Mei Ling" == "Meiling"."""
    return "".join(canonical_word(word) for word in name_words(name))
