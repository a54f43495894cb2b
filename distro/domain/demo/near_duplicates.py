"""Provides the demo's deliberate near-duplicates, so the duplicate warning and merging show."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date

from distro.domain.demo.households import HouseholdMaker
from distro.domain.families.schemas import FamilyIn

DUPLICATE_REASONS = (
    "Demo: came back with a new recognizance paper spelling the name differently; "
    "checking with the caseworker before merging",
    "Demo: registered again at the outreach point; name typed without accents",
    "Demo: neighbours in the same subdivided flat share one phone",
)
MUHAMMAD_SPELLINGS = ("Muhammad", "Mohammed", "Mohamed", "Mohammad")


def near_duplicates(
    families: list[FamilyIn], rng: random.Random, today: date
) -> list[tuple[FamilyIn, str]]:
    """Households that look like registered ones, each with the reason a volunteer gave."""
    found = (_respelled(families), _unaccented(families), _sharing_a_phone(families, rng, today))
    pairs = zip(found, DUPLICATE_REASONS, strict=True)
    return [(family, reason) for family, reason in pairs if family is not None]


def _respelled(families: list[FamilyIn]) -> FamilyIn | None:
    """A household again, its head's Muhammad spelled another way (a new paper, a new clerk)."""
    family = _first(
        families,
        lambda f: f.members[0].birth_date is not None and _respell(f.members[0].full_name) != "",
    )
    return _with_head_name(family, _respell(family.members[0].full_name)) if family else None


def _unaccented(families: list[FamilyIn]) -> FamilyIn | None:
    """A Vietnamese household again, its head's name typed in capitals without accents."""
    family = _first(families, lambda f: f.members[0].nationality == "Vietnamese")
    if family is None:
        return None
    return _with_head_name(family, _without_accents(family.members[0].full_name).upper())


def _sharing_a_phone(families: list[FamilyIn], rng: random.Random, today: date) -> FamilyIn | None:
    """A new household with the phone of one registered in the later half of the demo."""
    sharing = _first(families[len(families) // 2 :], lambda f: bool(f.phones))
    if sharing is None:
        return None
    neighbour = HouseholdMaker(rng.randint(0, 2**31), today).household(today)
    return neighbour.model_copy(update={"phones": sharing.phones[:1]})


def _first(families: list[FamilyIn], wanted: Callable[[FamilyIn], bool]) -> FamilyIn | None:
    return next((family for family in families if wanted(family)), None)


def _respell(name: str) -> str:
    """The name with Muhammad spelled another common way, or "" if it has no Muhammad."""
    words = name.split()
    for index, word in enumerate(words):
        if word in MUHAMMAD_SPELLINGS:
            others = [s for s in MUHAMMAD_SPELLINGS if s != word]
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
