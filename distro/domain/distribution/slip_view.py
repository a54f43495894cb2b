"""Provides `SlipView`: what a handout slip shows, as plain data the printing layer renders.

A slip leaves the building in a family's bag, so it carries the least that lets the exit desk
and the family check it: codes, a first name or initials, the household size and the items.
No surname, phone, address or claim reference is ever on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo


@dataclass(frozen=True)
class SlipLine:
    """One item on a slip."""

    item_name: str
    quantity: int
    unit: str


@dataclass(frozen=True)
class SlipView:
    """One handout slip, ready to print in any layout."""

    code: str
    """The slip code, for example `H-000123-X`; printed as text and as a Code128 barcode."""
    organisation: str
    round_name: str
    handed_out_at: datetime
    zone: tzinfo
    """The NGO's clock, the one the slip tells the time on."""
    """Timezone-aware; layouts print it as the Hong Kong date and time."""
    family_code: str
    family_name: str
    """The head's first name and initial ("Amina Y.") or initials only; never the full name."""
    household_size: int
    lines: tuple[SlipLine, ...]
    counter: str
    volunteer: str
    proxy: str = ""
    """"Name (relation)" when someone else collected for the family; empty otherwise."""
    two_step: bool = False
    """The bag is collected at a second desk: the slip says to show it there."""
    reprint: bool = False
    """Printed before: the slip says REPRINT, so two copies are never mistaken for two bags."""
    voided: bool = False
    """Voided: the slip says VOID and must not be honoured."""


def at_counter(counter: str) -> str:
    """Where a handout was made, in words: "at Counter 2", or "at counter vm" for a machine's
    name, so a counter named "Counter 2" is not called "counter Counter 2"."""
    return f"at {counter}" if counter.casefold().startswith("counter") else f"at counter {counter}"
