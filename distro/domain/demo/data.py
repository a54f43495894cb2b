"""Provides the demo communities, their names, and the districts, from data/demo/."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from distro.domain.core.reference import read_data_csv
from distro.domain.families.models import DietaryNeed

NAME_KINDS = ("male", "female", "family")
COMMUNITY_DIETS = (DietaryNeed.HALAL, DietaryNeed.NO_PORK, DietaryNeed.VEGETARIAN)


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
    """The communities of data/demo/communities.csv with their names."""
    names = _names_by_community()
    return tuple(
        Community(
            key=row["community"],
            nationality=row["nationality"],
            languages=tuple(row["languages"].split("|")),
            weight=float(row["weight"]),
            naming=tuple(row["naming"].split()),
            script_joiner="" if row["script_words"] == "joined" else " ",
            shared_family_name=float(row["shared_family_name"]),
            diet={need: float(row[need.value]) for need in COMMUNITY_DIETS},
            names={kind: tuple(names[row["community"], kind]) for kind in NAME_KINDS},
        )
        for row in read_data_csv("demo/communities.csv")
    )


def _names_by_community() -> defaultdict[tuple[str, str], list[DemoName]]:
    """The names of data/demo/names.csv by (community, kind), in file order; a kind a
    community does not use is an empty list."""
    names: defaultdict[tuple[str, str], list[DemoName]] = defaultdict(list)
    for row in read_data_csv("demo/names.csv"):
        variants = tuple(filter(None, row["variants"].split("|")))
        names[row["community"], row["kind"]].append(DemoName(row["name"], row["script"], variants))
    return names


@cache
def demo_districts() -> tuple[DemoDistrict, ...]:
    """The districts of data/demo/districts.csv, weighted toward where refugees live."""
    return tuple(
        DemoDistrict(
            name=row["name"],
            weight=float(row["weight"]),
            neighbourhoods=tuple(row["neighbourhoods"].split("|")),
            streets=tuple(row["streets"].split("|")),
        )
        for row in read_data_csv("demo/districts.csv")
    )
