"""Provides the reference data in the top-level data/ folder (the package distro.data in a
wheel), read once."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def read_data_csv(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file in data/."""
    with resources.files("distro.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def districts() -> tuple[str, ...]:
    """The 18 districts of Hong Kong, in their usual order."""
    return tuple(row["name"] for row in read_data_csv("districts.csv"))


def match_district(text: str) -> str | None:
    """The district `text` names, forgiving case and spacing ("sham shui po", "ShamShuiPo")."""
    wanted = "".join(text.split()).casefold().replace("&", "and")
    for name in districts():
        if "".join(name.split()).casefold() == wanted:
            return name
    return None
