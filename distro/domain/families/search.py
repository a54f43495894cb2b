"""Provides search-as-you-type over families: the keys that index them and the query.

Each family has rows in `search_key`: every word of every active member's name and aliases
(folded, plus its canonical romanisation), every 3+ digit suffix of its phones, and its code.
A query word matches keys that start with it: `key >= word AND key < word + U+10FFFF`, a range
scan on the (key, family_id) index. The SQL is the same on SQLite and PostgreSQL; on
PostgreSQL the column uses the "C" collation so the range follows code points as in SQLite.
Several words must all match the same family; the longest word drives the scan and the others
are checked with EXISTS on the (family_id, key) index, so no query reads a whole table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, delete, func, select

from distro.domain.core.names import canonical_word, fold, name_words, search_words
from distro.domain.core.prefix_search import RESULT_LIMIT, prefix_condition
from distro.domain.families.models import Family, Member, Phone, Relationship, SearchKey
from distro.domain.families.phones import phone_search_keys

_PHONE_LIKE = re.compile(r"^\+?[\d\s\-]{3,}$")


@dataclass(frozen=True)
class FamilyHit:
    """One line of search results."""

    family_id: int
    code: str
    head_name: str
    household_size: int
    district: str
    status: str


def family_keys(family: Family, members: list[Member], phones: list[Phone]) -> set[tuple[str, str]]:
    """(key, kind) pairs a family is found by."""
    keys: set[tuple[str, str]] = set()
    for member in members:
        if member.removed_at is not None:
            continue
        for name in [member.full_name, *filter(None, member.aliases.split("|"))]:
            keys |= {(word[:120], "name") for word in search_words(name)}
    for phone in phones:
        keys |= {(key, "phone") for key in phone_search_keys(phone.number)}
    compact_code = family.code.replace("-", "").lower()
    keys |= {(compact_code, "code"), (compact_code[1:-1], "code")}
    return keys


def reindex_family(session: Session, family: Family) -> None:
    """Rewrite a family's search keys after any change to its names, phones or status."""
    assert family.id is not None
    session.exec(delete(SearchKey).where(col(SearchKey.family_id) == family.id))
    if family.status == "merged":
        return
    if family.status == "anonymised":  # found by its code only: its names are gone
        for key, kind in sorted(family_keys(family, [], [])):
            session.add(SearchKey(family_id=family.id, key=key, kind=kind))
        return
    members = session.exec(select(Member).where(Member.family_id == family.id)).all()
    phones = session.exec(select(Phone).where(Phone.family_id == family.id)).all()
    for key, kind in sorted(family_keys(family, list(members), list(phones))):
        session.add(SearchKey(family_id=family.id, key=key, kind=kind))


def reindex_all(session: Session) -> int:
    """Rebuild every family's search keys (after a bulk repair); returns how many families."""
    families = session.exec(select(Family)).all()
    for family in families:
        reindex_family(session, family)
    return len(families)


def query_words(query: str) -> list[str]:
    """The words a query is made of; a phone-like query becomes its digits."""
    stripped = query.strip()
    if _PHONE_LIKE.match(stripped):
        digits = re.sub(r"\D", "", stripped)
        return [digits[3:] if digits.startswith("852") and len(digits) > 8 else digits]
    words = [w for w in name_words(stripped) if w]
    compact = fold(stripped).replace("-", "").replace(" ", "")
    if len(words) > 1 and re.fullmatch(r"[a-z]\d+[0-9a-z]?", compact):
        return [compact]
    return words


def search_families(session: Session, query: str, limit: int = RESULT_LIMIT) -> list[FamilyHit]:
    """Families matching every word of `query` (name, alias, phone digits or code)."""
    groups = sorted(word_alternatives(query_words(query)), key=lambda g: len(g[0]), reverse=True)
    if not groups:
        return []
    params: dict[str, object] = {"limit": limit}
    conditions = []
    for index, alternatives in enumerate(groups[:4]):
        table = f"k{index}" if index else "k"
        ranges = []
        for number, prefix in enumerate(alternatives):
            name = f"w{index}_{number}"
            ranges.append(prefix_condition(f"{table}.key", name, prefix, params))
        matched = "(" + " OR ".join(ranges) + ")"
        conditions.append(
            matched
            if not index
            else f"EXISTS (SELECT 1 FROM search_key {table} "
            f"WHERE {table}.family_id = k.family_id AND {matched})"
        )
    where = " AND ".join(conditions)
    sql = f"SELECT DISTINCT k.family_id FROM search_key k WHERE {where} LIMIT :limit"
    family_ids = [row[0] for row in session.execute(text(sql), params)]
    return describe_families(session, family_ids)


def word_alternatives(words: list[str]) -> list[list[str]]:
    """For each query word, the prefixes that satisfy it: the word itself (first), its canonical
    spelling ("mohamed" finds "Muhammad"), and the word joined to the one before it ("mei
    ling" finds "Meiling")."""
    groups = []
    for index, word in enumerate(words):
        alternatives = dict.fromkeys([word, canonical_word(word)])
        if index:
            alternatives[words[index - 1] + word] = None
        groups.append(list(alternatives))
    return groups


def describe_families(session: Session, family_ids: list[int]) -> list[FamilyHit]:
    """Result lines for `family_ids`, in the order given."""
    if not family_ids:
        return []
    families = {
        f.id: f for f in session.exec(select(Family).where(col(Family.id).in_(family_ids))).all()
    }
    members = session.exec(
        select(Member)
        .where(col(Member.family_id).in_(family_ids), col(Member.removed_at).is_(None))
        .order_by(col(Member.position))
    ).all()
    by_family: dict[int, list[Member]] = {}
    for member in members:
        by_family.setdefault(member.family_id, []).append(member)
    return [
        family_hit(families[family_id], by_family.get(family_id, []))
        for family_id in family_ids
        if family_id in families
    ]


def family_hit(family: Family, members: list[Member]) -> FamilyHit:
    """A family's result line; `members` are its active members by position. The head is named
    (the last one, should there be several), or else the first member."""
    assert family.id is not None
    heads = [member.full_name for member in members if member.relationship == Relationship.HEAD]
    head_name = heads[-1] if heads else (members[0].full_name if members else "")
    return FamilyHit(
        family_id=family.id,
        code=family.code,
        head_name=head_name,
        household_size=len(members),
        district=family.district,
        status=family.status,
    )


def count_families(session: Session) -> int:
    """How many families are registered (merged ones excluded)."""
    return int(
        session.exec(
            select(func.count()).select_from(Family).where(Family.status != "merged")
        ).one()
    )
