"""Provides HoldsUnsavedWork, how a screen tells what closing it would lose, and
`quit_after_asking`: Ctrl+Q (or the palette's `app: quit`) quits at once unless a screen of
any area still holds typed work, and then asks first.

A screen takes part by having the method; there is no class to inherit:

    def unsaved_work(self) -> str | None:
        return "the basket edited for this family" if self.basket_edited else None

The words finish the sentence "Quitting now loses ...", so say it as a volunteer would. Name no
person: the question can show over the lock screen, to whoever is at the counter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from distro.tui.base import Distro
from distro.tui.widgets.confirm import ConfirmModal

QUIT_QUESTION_ID = "confirm-quit"


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen whose typed work would be lost if it closed now (a changed form, an edited
    basket)."""

    def unsaved_work(self) -> str | None:
        """What would be lost, in plain words; None when nothing would be."""


def unsaved_work(screens: Iterable[object]) -> list[str]:
    """What each screen that holds unsaved work would lose."""
    return [
        lost
        for screen in screens
        if isinstance(screen, HoldsUnsavedWork) and (lost := screen.unsaved_work())
    ]


def quit_after_asking(app: Distro, screens: Iterable[object], quit_now: Callable[[], None]) -> None:
    """Quit at once when nothing typed would be lost; otherwise say what would be, and quit on
    Enter. Ctrl+Q on that question quits too, so a second press never stacks a second one."""
    if app.screen.id == QUIT_QUESTION_ID:
        quit_now()
        return
    lost = unsaved_work(screens)
    if not lost:
        quit_now()
        return
    details = "Quitting now loses:\n" + "\n".join(f"  - {what}" for what in lost)
    question = ConfirmModal("Quit distro?", details, screen_id=QUIT_QUESTION_ID)
    app.push_screen(question, lambda yes: quit_now() if yes else None)
