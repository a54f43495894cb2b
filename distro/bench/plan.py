"""Provides what the benchmark's parent and its child processes share: what to type, and what
was measured (no Textual here, so the parent can read a plan without importing it)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

BENCH_VOLUNTEER = "Bench"
BENCH_PIN = "lantern-ferry-2468"
"""Short enough (under 8 keys) that the scan detector never reads it as a code."""


class BenchError(Exception):
    """The app did not do what the bench asked, so there is no figure to report."""


@dataclass(frozen=True)
class Plan:
    """What the driver types: name prefixes and phone fragments key by key, then codes."""

    names: list[str]
    phones: list[str]
    scans: list[tuple[str, int]]
    """(family code, family id) pairs."""

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan a parent process passed on the command line."""
        data = json.loads(text)
        scans = [(str(code), int(family_id)) for code, family_id in data["scans"]]
        return cls(names=data["names"], phones=data["phones"], scans=scans)

    def to_json(self) -> str:
        """The plan as one command-line argument."""
        return json.dumps(asdict(self))


@dataclass(frozen=True)
class Keystroke:
    """One key typed into the search box, and how long until its results were seen."""

    query: str
    shown_s: float
    """Key posted until the results were in the table."""
    painted_s: float
    """Key posted until the first frame that shows them."""


@dataclass
class Timings:
    """Everything the driver measured on one run of the app."""

    names: list[Keystroke] = field(default_factory=list)
    phones: list[Keystroke] = field(default_factory=list)
    scans: list[float] = field(default_factory=list)
