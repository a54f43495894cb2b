"""Provides the counter's privacy mode, which every screen showing a family consults.

Privacy mode is on at every start of the app, not only on a new counter's first start: a
volunteer who switched it off for one family is never the reason the next morning's queue sees
full names. It is app state, not a stored setting, for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass
class Privacy:
    """Whether names, phones, claim references and addresses are masked, and which one family
    (if any) is shown in full because the volunteer revealed it."""

    on: bool = True
    revealed_family_id: int | None = None

    def masks(self, family_id: int | None) -> bool:
        """Whether this family's personal data is to be masked now."""
        return self.on and (family_id is None or family_id != self.revealed_family_id)

    def hide_again(self) -> None:
        """Mask the revealed family again (it left the screen, or the counter was locked)."""
        self.revealed_family_id = None

    def label(self) -> str:
        """The state as the header shows it."""
        return "privacy on" if self.on else "PRIVACY OFF"


@runtime_checkable
class ShowsFamilies(Protocol):
    """A screen that shows personal data and redraws it when privacy mode changes."""

    def redraw_privacy(self) -> None:
        """Draw what is on screen again, masked or not as the app's privacy now says."""
